#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
# Benchmark: this tool against the shell pipelines a user would script, on the same data, in one run.
#
#   bench/run.sh            generate (once) a MariaDB database on a private server, then measure every row
#
# Rows (each a full backup of every database into a local "storage" directory, or the S3 emulator for *-s3):
#   floor        mariadb-dump ... > /dev/null                          (the floor every row is divided by)
#   seed         dump to a file, tar czf, sha1sum, cp                  (the seed's way)
#   sh-gzip      mariadb-dump | gzip > f.gz && sha1sum f.gz && cp      (Debian gzip -6)
#   sh-pigz      mariadb-dump | pigz > f.gz ...                        (2 threads)
#   sh-zstd      mariadb-dump | zstd -3 -T2 > f.zst ...
#   tool-tgz     backup run, default .tar.gz mode (entries in chunks of pipeline.archiveChunkMiB, default 64)
#   tool-tgz0    as tool-tgz with pipeline.archiveChunkMiB: 0 (the layout before chunks: whole dump on temp disk first)
#   tool-gz      backup run, pipeline.mode streaming, gzip             (.sql.gz)
#   tool-zst     backup run, pipeline.mode streaming, zstd             (.sql.zst)
#   tool-tgz-age as tool-tgz, encrypted to one age recipient            (.tar.gz.age; likewise tool-gz-age, tool-zst-age)
#   tgz-s3       as tool-tgz, into an S3 emulator (fauxqs, aws plugin) instead of the local directory
#   tgz0-s3      as tool-tgz0, into the S3 emulator
#   zst-s3       as tool-zst, into the S3 emulator
#   phys-floor   mariadb-backup --backup --stream=mbstream > /dev/null  (the physical copy alone)
#   tool-phys-zst backup run, source mariadb-backup, streaming zstd     (physical; compare with floor and tool-zst)
#
#   bench/run.sh restore    restore rows instead (the same generated database), each loading into the same server:
#   restore-sh       zcat b.sql.gz | mariadb                               (the baseline every restore row is divided by)
#   restore-staged   backup restore of that same .sql.gz (streaming backup): stages the compressed object, then loads
#   restore-nostage  the same with --no-staging: verifies in a first download, loads from a second
#   restore-staged-durable  restore-staged into the server set to MariaDB's default innodb_flush_log_at_trx_commit=1
#                    (each commit on disk, as a production target runs) instead of the bench's 0 (for this row only)
#   restore-tgz      backup restore of a .tar.gz backup of the same data (archive mode; staged)
#   restore-phys     backup restore --target-datadir of a physical backup of the same server (mariadb-backup source,
#                    streaming zstd): download + verify, mbstream -x, --prepare; then mariadbd starts on the directory
#                    and the row ends when it serves bench_shop (bench/start-restored-server.sh; stopped untimed)
#   restore-phys-sh  the same backup object by hand: zstd -dc | mbstream -x, mariadb-backup --prepare, --move-back into
#                    an empty datadir, then the same server start
#   The backups are made once per run by the tool (layout: schemas, so only bench_shop loads), and the baseline
#   reads the very .sql.gz object the tool restores. Each logical row starts with bench_shop dropped; a failed restore
#   row leaves it incomplete, so the next run regenerates it. The physical rows restore the whole server (bench_shop
#   and the system schemas) into a fresh directory and leave the bench server alone.
#   1 GB as the issue asks: BENCH_SIZE_MB=1024 bench/run.sh restore
# Columns: wall seconds, ratio to the floor (restore rows: to restore-sh), CPU seconds of the row's processes
# (user + sys, GNU time: the tool or the pipeline and the clients it ran, not the server), peak RSS (largest process of the row, from GNU time; for the
# tool rows that is the host), peak temp-disk use (du of the row's temp dir, polled every 0.2 s), output size
# (for the emulator rows: the stored size the tool printed, `<id> <location>/<key> <bytes> <sha1>`).
#
# The emulator rows start fauxqs (installed by scripts/install-deps.sh into <repo>/.tools/s3) on its own port
# with its storage under BENCH_DIR, and stop it at the end. The server and fauxqs are started and stopped as the
# test servers are (scripts/servers/: lib.sh, mariadb.sh, s3.sh). fauxqs runs on the same 2 cores and writes every
# part to disk, so these rows include the emulator's own CPU; a real S3 endpoint costs network instead.
#
# Environment:
#   BENCH_SIZE_MB     raw dump size to generate, MB (default 1024); a different size regenerates
#   BENCH_PORT        the private server's port on 127.0.0.1 (default 13826)
#   BENCH_S3_PORT     the S3 emulator's port on 127.0.0.1 (default 13827)
#   BENCH_PHYS_PORT   the port of the server the physical restore rows start on their datadir (default 13828)
#   BENCH_DIR         work dir: datadir, published tool, temp and storage dirs (default /tmp/backup-bench)
#   BENCH_ROWS        rows to run, space-separated (default: all of the above; a row named twice runs twice, e.g.
#                     "tool-tgz0 tool-tgz tool-tgz0 tool-tgz" alternates the two archive layouts)
#   BENCH_CHUNK_MIB   pipeline.archiveChunkMiB for tool-tgz and tgz-s3 (default: the tool's default, 64)
#   BENCH_KEEP_SERVER 1 = leave the server running at the end (default: stop it)
#   BENCH_SKIP_PUBLISH 1 = reuse the tool already published into BENCH_DIR/app
#   BENCH_GC_GEN0     DOTNET_GCgen0size for the tool rows (default: the Dockerfile's value, so the tool runs
#                     as in its image; empty = the runtime's default, which follows the CPU's L3 cache size)
# Installs pigz, zstd and MariaDB through apt when missing. Takes several minutes at the default size.
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
# Log lines go to stderr: stdout is the table.
LOG_FD=2
START_TIMEOUT=60
# shellcheck source=scripts/servers/lib.sh
. "$REPO_ROOT/scripts/servers/lib.sh"
# shellcheck source=scripts/servers/mariadb.sh
. "$REPO_ROOT/scripts/servers/mariadb.sh"
# shellcheck source=scripts/servers/s3.sh
. "$REPO_ROOT/scripts/servers/s3.sh"
SIZE_MB=${BENCH_SIZE_MB:-1024}
PORT=${BENCH_PORT:-13826}
WORK=${BENCH_DIR:-/tmp/backup-bench}
S3_PORT=${BENCH_S3_PORT:-13827}
PHYS_PORT=${BENCH_PHYS_PORT:-13828}
if [[ ${1:-} == restore ]]; then
  ROWS=${BENCH_ROWS:-restore-sh restore-staged restore-nostage restore-tgz restore-phys restore-phys-sh}
else
  ROWS=${BENCH_ROWS:-floor seed sh-gzip sh-pigz sh-zstd tool-tgz0 tool-tgz tool-gz tool-zst tgz0-s3 tgz-s3 zst-s3}
fi
GC_GEN0=${BENCH_GC_GEN0-$(sed -n 's/^ENV DOTNET_GCgen0size=//p' "$REPO_ROOT/Dockerfile")}
readonly PASSWORD=BenchRootPw1
# fauxqs accepts any credentials; these are the test suite's (tests/Backup.Plugins.Aws.Tests).
readonly S3_BUCKET=bench S3_KEY=S3RVER
S3_DIR=$WORK/s3
DATADIR=$WORK/data
SOCK=$WORK/mysqld.sock
DUMP_ARGS=(--host="$HOST" --port="$PORT" --user=root --single-transaction --events --routines --all-databases
  --skip-add-locks --ignore-table=mysql.global_priv)

install_tools() {
  local missing=()
  command -v pigz >/dev/null || missing+=(pigz)
  command -v zstd >/dev/null || missing+=(zstd)
  command -v age-keygen >/dev/null || missing+=(age)
  [[ -x /usr/bin/time ]] || missing+=(time)
  command -v mariadb-dump >/dev/null && [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server mariadb-client)
  if (( ${#missing[@]} > 0 )); then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

server_marker() { echo "--datadir=$DATADIR"; }

# With the bench password, or (a datadir this run created, not secured yet) without one.
server_answers() { socket_answers "$SOCK" "$PASSWORD" || { (( fresh )) && socket_answers "$SOCK"; }; }

start_server() {
  running_pid "$WORK/server.pid" "$(server_marker)" >/dev/null && return 0
  local fresh=0
  require_tools
  if [[ ! -d $DATADIR/mysql ]]; then
    rm -rf "$DATADIR"; mkdir -p "$DATADIR" "$WORK/tmp"
    mariadb_install_db "$DATADIR" "$WORK/tmp" "$WORK/install.log" || die "mariadb-install-db failed, see $WORK/install.log"
    fresh=1
  fi
  # A buffer pool larger than the data: every row reads from memory, as the floor does.
  spawn /dev/null "$WORK/server.pid" "$MARIADBD" --no-defaults --datadir="$DATADIR" "${MARIADBD_USER[@]}" --bind-address="$HOST" \
    --port="$PORT" --socket="$SOCK" --tmpdir="$WORK/tmp" --log-error="$WORK/error.log" \
    --innodb-buffer-pool-size=$(( SIZE_MB * 2 + 256 ))M --innodb-log-file-size=512M --innodb-flush-log-at-trx-commit=0 \
    --max-allowed-packet=64M
  await_start server "$SPAWNED_PID" "$WORK/error.log" "no answer" server_answers || exit 1
  if (( fresh )); then secure_root server "$SOCK" "$PASSWORD" || exit 1; fi
  log "server up on $HOST:$PORT (pid $SPAWNED_PID)"
}

stop_server() {
  stop_recorded server "$WORK/server.pid" "$(server_marker)" 60
  rm -f "$WORK/server.pid"
}

start_s3() {
  running_pid "$S3_DIR/pid" "$FAUXQS_CLI" >/dev/null && return 0
  if ! fauxqs_installed; then
    log "fauxqs missing in $S3_TOOLS; running scripts/install-deps.sh"
    "$REPO_ROOT/scripts/install-deps.sh" >&2
  fi
  port_free "$S3_PORT" BENCH_S3_PORT || exit 1
  fauxqs_start "$S3_DIR" "$S3_PORT" "$S3_BUCKET" || exit 1
}

stop_s3() { s3_stop fauxqs "$S3_DIR"; rm -rf "$S3_DIR"; }

stop_all() { stop_s3; stop_phys_server; [[ ${BENCH_KEEP_SERVER:-0} == 1 ]] || stop_server; }

# The server a physical restore row started on its restored directory (bench/start-restored-server.sh), and the directory.
stop_phys_server() {
  stop_recorded "restored server" "$WORK/phys-server.pid" "--datadir=$WORK/phys/data" 60
  rm -f "$WORK/phys-server.pid"
  rm -rf "$WORK/phys"
}

sql() { MYSQL_PWD=$PASSWORD mariadb --no-defaults -h$HOST -P"$PORT" -uroot "$@"; }

# Lets the previous row's writes land before the next row starts: a logical restore leaves up to a GB of dirty InnoDB
# pages, which the server then flushes at ~4.6 MB/s for minutes, beside whatever row comes next. Flushes them (waiting
# at most 180 s), then the page cache. (It does not remove all order effects on this VM: the first large burst of new
# files after a logical restore still costs 2-3 s more system time, for `zstd -dc | mbstream -x` by hand as for the
# tool, so compare physical rows that ran in the same position.)
settle() {
  local dirty deadline=$((SECONDS + 180))
  sql -e 'SET GLOBAL innodb_max_dirty_pages_pct = 0'
  while dirty=$(sql -N -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'") \
    && (( dirty > 0 && SECONDS < deadline )); do
    sleep 1
  done
  (( dirty == 0 )) || log "the server still had $dirty dirty pages after 180 s; the row starts anyway"
  sql -e 'SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT'
  sync
}

generate() {
  if [[ $(cat "$WORK/generated" 2>/dev/null) == "$SIZE_MB" ]]; then return 0; fi
  log "generating ~${SIZE_MB} MB of mixed tables (once; kept in $DATADIR)"
  local start=$SECONDS
  sql -e 'DROP DATABASE IF EXISTS bench_shop'
  { echo "SET @scale = $SIZE_MB;"; cat "$REPO_ROOT/bench/generate.sql"; } | sql
  echo "$SIZE_MB" >"$WORK/generated"
  log "generated in $((SECONDS - start)) s"
}

publish() {
  [[ ${BENCH_SKIP_PUBLISH:-0} == 1 && -x $WORK/app/backup ]] && return 0
  log "publishing the tool into $WORK/app"
  "$REPO_ROOT/build/publish.sh" --plugins "MariaDbHa MariaDbBackup Local Aws" "$WORK/app" >"$WORK/publish.log" 2>&1 \
    || die "publish failed, see $WORK/publish.log"
}

storage_yaml() { # local|s3
  if [[ $1 == s3 ]]; then
    # The plugin's defaults: 8 MiB parts (up to 16 GiB of backup), 4 in flight. fauxqs caps a request body at 11 MiB.
    cat <<EOF
storage:
  plugin: aws
  settings:
    bucket: $S3_BUCKET
    region: us-east-1
    serviceUrl: http://$HOST:$S3_PORT
    forcePathStyle: true
EOF
  else
    cat <<EOF
storage:
  plugin: local
  settings:
    path: $WORK/store
EOF
  fi
}

# One age key pair for the encrypted rows; the tool gets only its public key, as a backup pod does.
age_recipient() {
  [[ -f $WORK/age-key.txt ]] || age-keygen -o "$WORK/age-key.txt" 2>/dev/null
  age-keygen -y "$WORK/age-key.txt"
}

write_spec() { # file mode compression local|s3 [age] [extra pipeline line] [layout] [source plugin, default mariadb-ha]
  local encryption=""
  [[ ${5:-} == age ]] && encryption=$'encryption:\n  recipients: ['"$(age_recipient)"']'
  cat >"$1" <<EOF
name: bench
source:
  plugin: ${8:-mariadb-ha}
  settings:
    host: $HOST
    port: $PORT
    user: root
    password:
      env: BENCH_DB_PASSWORD
$([[ ${8:-mariadb-ha} == mariadb-ha ]] && echo "    layout: ${7:-seed}")
$(storage_yaml "$4")
artifact:
  prefix: bench
pipeline:
  mode: $2
  compression: $3
${6:-}
$encryption
EOF
}

# Polls the peak size of a directory while a command runs; prints "peak_bytes" into $1.
watch_disk() { # out dir pid
  local peak=0 size
  while kill -0 "$3" 2>/dev/null; do
    # File bytes, not du: directories would add 4 KiB each and hide whether any data touched the disk.
    size=$(find "$2" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }') || size=0
    (( size > peak )) && peak=$size
    sleep 0.2
  done
  echo "$peak" >"$1"
}

# run_row NAME COMMAND: runs COMMAND (a bash snippet) with TMPD (its temp dir) and STORE set, measures it.
run_row() {
  local name=$1 snippet=$2 tmpd pid rc watcher
  tmpd=$WORK/tmp-$name
  rm -rf "$tmpd" "$WORK/store"; mkdir -p "$tmpd" "$WORK/store"
  if [[ $name == restore-* && $name != restore-phys* ]]; then sql -e 'DROP DATABASE IF EXISTS bench_shop'; fi
  settle
  if [[ $name == *-durable ]]; then sql -e 'SET GLOBAL innodb_flush_log_at_trx_commit = 1'; fi
  TMPD=$tmpd STORE=$WORK/store BACKUP_TEMP_DIR=$tmpd MYSQL_PWD=$PASSWORD BENCH_DB_PASSWORD=$PASSWORD \
    AWS_ACCESS_KEY_ID=$S3_KEY AWS_SECRET_ACCESS_KEY=$S3_KEY AWS_SESSION_TOKEN='' AWS_PROFILE='' AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=$WORK/no-aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK/no-aws-credentials \
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.$name" bash -c "set -euo pipefail; $snippet" >"$WORK/out.$name" 2>&1 &
  pid=$!
  watch_disk "$WORK/disk.$name" "$tmpd" "$pid" &
  watcher=$!
  wait "$pid" && rc=0 || rc=$?
  # Not a bare `wait`: the server started by this script is a background job too.
  wait "$watcher"
  (( rc == 0 )) || { log "$name failed (exit $rc):"; tail -5 "$WORK/out.$name" >&2; }
  local secs rss disk out user sys
  # GNU time puts "Command exited with non-zero status N" before its line when the row fails.
  read -r secs rss user sys < <(tail -1 "$WORK/time.$name")
  disk=$(cat "$WORK/disk.$name")
  if [[ $name == restore-phys* ]]; then
    out=$(stat -c %s "$PHYS_OBJECT")
  elif [[ $name == restore-* ]]; then
    # The compressed backup the row restored.
    out=$(stat -c %s "$RSTORE/bench/$([[ $name == restore-tgz ]] && echo "$TGZ_ID.tar.gz" || echo "$GZ_ID.sql.gz")")
  elif [[ $name == *-s3 ]]; then
    # The object is in the emulator: the size is the one the tool reported on stdout.
    out=$(grep -E '^[^ ]+ [^ ]+ [0-9]+ [0-9a-f]{40}$' "$WORK/out.$name" | tail -1 | cut -d' ' -f3)
  else
    out=$(find "$WORK/store" -type f \( -name '*.gz' -o -name '*.zst' -o -name '*.age' \) -printf '%s\n' | head -1)
  fi
  RESULTS+=("$name|$rc|$secs|$rss|$disk|${out:-0}|$(cut -d' ' -f1 /proc/loadavg)|$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')")
  rm -rf "$tmpd" "$WORK/store"
  stop_phys_server
  if [[ $name == *-durable ]]; then sql -e 'SET GLOBAL innodb_flush_log_at_trx_commit = 0'; fi
}

row_snippet() {
  local dump="mariadb-dump --no-defaults ${DUMP_ARGS[*]}"
  local PHYS_START="$REPO_ROOT/bench/start-restored-server.sh $WORK/phys $PHYS_PORT $WORK/phys-server.pid"
  case $1 in
    floor) echo "$dump >/dev/null" ;;
    seed) echo "$dump >\$TMPD/dump.sql && tar czf \$TMPD/b.tar.gz -C \$TMPD dump.sql && (cd \$TMPD && sha1sum b.tar.gz >b.tar.gz.sha1) && cp \$TMPD/b.tar.gz \$TMPD/b.tar.gz.sha1 \$STORE/" ;;
    sh-gzip) echo "$dump | gzip >\$TMPD/b.sql.gz && (cd \$TMPD && sha1sum b.sql.gz >b.sql.gz.sha1) && cp \$TMPD/b.sql.gz* \$STORE/" ;;
    sh-pigz) echo "$dump | pigz -p 2 >\$TMPD/b.sql.gz && (cd \$TMPD && sha1sum b.sql.gz >b.sql.gz.sha1) && cp \$TMPD/b.sql.gz* \$STORE/" ;;
    sh-zstd) echo "$dump | zstd -q -3 -T2 >\$TMPD/b.sql.zst && (cd \$TMPD && sha1sum b.sql.zst >b.sql.zst.sha1) && cp \$TMPD/b.sql.zst* \$STORE/" ;;
    tool-tgz) write_spec "$WORK/tgz.yaml" archive gzip local "" "${BENCH_CHUNK_MIB:+  archiveChunkMiB: $BENCH_CHUNK_MIB}"; echo "$WORK/app/backup run --spec $WORK/tgz.yaml" ;;
    tool-tgz0) write_spec "$WORK/tgz0.yaml" archive gzip local "" "  archiveChunkMiB: 0"; echo "$WORK/app/backup run --spec $WORK/tgz0.yaml" ;;
    tool-gz) write_spec "$WORK/gz.yaml" streaming gzip local; echo "$WORK/app/backup run --spec $WORK/gz.yaml" ;;
    tool-zst) write_spec "$WORK/zst.yaml" streaming zstd local; echo "$WORK/app/backup run --spec $WORK/zst.yaml" ;;
    tool-tgz-age) write_spec "$WORK/tgz-age.yaml" archive gzip local age; echo "$WORK/app/backup run --spec $WORK/tgz-age.yaml" ;;
    tool-gz-age) write_spec "$WORK/gz-age.yaml" streaming gzip local age; echo "$WORK/app/backup run --spec $WORK/gz-age.yaml" ;;
    tool-zst-age) write_spec "$WORK/zst-age.yaml" streaming zstd local age; echo "$WORK/app/backup run --spec $WORK/zst-age.yaml" ;;
    tgz-s3) write_spec "$WORK/tgz-s3.yaml" archive gzip s3 "" "${BENCH_CHUNK_MIB:+  archiveChunkMiB: $BENCH_CHUNK_MIB}"; echo "$WORK/app/backup run --spec $WORK/tgz-s3.yaml" ;;
    tgz0-s3) write_spec "$WORK/tgz0-s3.yaml" archive gzip s3 "" "  archiveChunkMiB: 0"; echo "$WORK/app/backup run --spec $WORK/tgz0-s3.yaml" ;;
    zst-s3) write_spec "$WORK/zst-s3.yaml" streaming zstd s3; echo "$WORK/app/backup run --spec $WORK/zst-s3.yaml" ;;
    restore-sh) echo "zcat $RSTORE/bench/$GZ_ID.sql.gz | mariadb --no-defaults -h$HOST -P$PORT -uroot" ;;
    restore-staged | restore-staged-durable) echo "$WORK/app/backup restore --spec $WORK/restore-gz.yaml --id $GZ_ID --target-host $HOST --target-port $PORT --force" ;;
    restore-nostage) echo "$WORK/app/backup restore --spec $WORK/restore-gz.yaml --id $GZ_ID --target-host $HOST --target-port $PORT --force --no-staging" ;;
    restore-tgz) echo "$WORK/app/backup restore --spec $WORK/restore-tgz.yaml --id $TGZ_ID --target-host $HOST --target-port $PORT --force" ;;
    restore-phys) echo "mkdir -p $WORK/phys && $WORK/app/backup restore --spec $WORK/restore-phys.yaml --id $PHYS_ID --target-datadir $WORK/phys/data && $PHYS_START" ;;
    restore-phys-sh) echo "mkdir -p $WORK/phys/x && zstd -dc $PHYS_OBJECT | mbstream -x -C $WORK/phys/x && mariadb-backup --prepare --target-dir=$WORK/phys/x 2>\$TMPD/prepare.log && mariadb-backup --move-back --target-dir=$WORK/phys/x --datadir=$WORK/phys/data 2>\$TMPD/move.log && $PHYS_START" ;;
    phys-floor) echo "mariadb-backup --no-defaults --backup --stream=mbstream --host=$HOST --port=$PORT --user=root --target-dir=\$TMPD/mb 2>\$TMPD/mb.log >/dev/null" ;;
    tool-phys-zst) write_spec "$WORK/phys-zst.yaml" streaming zstd local "" "" "" mariadb-backup; echo "$WORK/app/backup run --spec $WORK/phys-zst.yaml" ;;
    *) die "unknown row $1" ;;
  esac
}

# Makes the backups the restore rows load (once per run), into RSTORE; sets GZ_ID, TGZ_ID, PHYS_ID and PHYS_OBJECT.
prepare_restores() {
  local spec specs="gz tgz"
  RSTORE=$WORK/restore-store
  rm -rf "$RSTORE"; mkdir -p "$RSTORE"
  if [[ $ROWS == *restore-phys* ]]; then specs+=" phys"; fi
  for spec in $specs; do
    case $spec in
      gz) write_spec "$WORK/restore-$spec.yaml" streaming gzip local "" "" schemas ;;
      tgz) write_spec "$WORK/restore-$spec.yaml" archive gzip local "" "" schemas ;;
      phys) write_spec "$WORK/restore-$spec.yaml" streaming zstd local "" "" "" mariadb-backup ;;
    esac
    sed -i "s|path: $WORK/store|path: $RSTORE|" "$WORK/restore-$spec.yaml"
    BACKUP_TEMP_DIR=$WORK/tmp BENCH_DB_PASSWORD=$PASSWORD "$WORK/app/backup" run --spec "$WORK/restore-$spec.yaml" >"$WORK/restore-$spec.out" 2>"$WORK/restore-$spec.err" \
      || die "backup for the restore rows failed, see $WORK/restore-$spec.err"
  done
  GZ_ID=$(cut -d' ' -f1 "$WORK/restore-gz.out" | tail -1)
  TGZ_ID=$(cut -d' ' -f1 "$WORK/restore-tgz.out" | tail -1)
  if [[ $specs == *phys* ]]; then
    PHYS_ID=$(cut -d' ' -f1 "$WORK/restore-phys.out" | tail -1)
    # The object's name is the host's business (.sql.zst today): the one file that is neither checksum nor manifest.
    PHYS_OBJECT=$(find "$RSTORE/bench" -name "$PHYS_ID.*" ! -name '*.sha1' ! -name '*.manifest.json' | head -1)
    [[ -f $PHYS_OBJECT ]] || die "no stored object for the physical backup $PHYS_ID in $RSTORE/bench"
  fi
  # Restore rows drop and reload bench_shop: until they all succeed, the generated data is not trusted.
  rm -f "$WORK/generated"
}

print_table() {
  local floor_secs="" restore_secs="" entry name rc secs rss disk out ratio load base cpu
  for entry in "${RESULTS[@]}"; do
    IFS='|' read -r name rc secs rss disk out load cpu <<<"$entry"
    [[ $name == floor ]] && floor_secs=$secs
    [[ $name == restore-sh ]] && restore_secs=$secs
  done
  printf '\n%s MB generated, raw dump %s bytes, %s cores, %s; "load after" = 1-min load average when the row ended\n' \
    "$SIZE_MB" "$DUMP_BYTES" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'peak temp = bytes of files in the row'"'"'s temp dir (BACKUP_TEMP_DIR for the tool), polled every 0.2 s\n'
  printf 'tool rows ran with DOTNET_GCgen0size=%s (as in the image)\n\n' "${GC_GEN0:-<runtime default>}"
  [[ -n $restore_secs ]] && printf 'restore rows: "x base" is the ratio to restore-sh, "output MB" the compressed backup restored\n\n'
  printf '| %-15s | %8s | %8s | %8s | %13s | %15s | %14s | %4s | %s\n' row "wall s" "x base" "cpu s" "peak RSS MB" "peak temp MB" "output MB" exit "load after"
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' ----------------- ---------- ---------- ---------- --------------- ----------------- ---------------- ------ -----------
  for entry in "${RESULTS[@]}"; do
    IFS='|' read -r name rc secs rss disk out load cpu <<<"$entry"
    base=$([[ $name == restore-* ]] && echo "$restore_secs" || echo "$floor_secs")
    ratio=$([[ -n $base ]] && awk -v a="$secs" -v b="$base" 'BEGIN { printf "%.2f", a / b }' || echo -)
    printf '| %-15s | %8s | %8s | %8s | %13s | %15s | %14s | %4s | %s\n' "$name" "$secs" "$ratio" "$cpu" "$((rss / 1024))" \
      "$(awk -v d="$disk" 'BEGIN { printf "%.1f", d / 1048576 }')" "$(awk -v d="$out" 'BEGIN { printf "%.1f", d / 1048576 }')" "$rc" "$load"
  done
}

main() {
  mkdir -p "$WORK"
  install_tools
  trap stop_all EXIT
  trap "exit 130" INT TERM
  start_server
  generate
  [[ $ROWS == *tool-* || $ROWS == *-s3* || $ROWS == *restore-* ]] && publish
  [[ $ROWS == *-s3* ]] && start_s3
  # Warm-up: the first dump pulls every page into the buffer pool; its size is the raw dump size.
  DUMP_BYTES=$(MYSQL_PWD=$PASSWORD mariadb-dump --no-defaults "${DUMP_ARGS[@]}" | wc -c)
  log "raw dump: $DUMP_BYTES bytes"
  RESULTS=()
  local row
  # The shell rows ignore it; the tool runs with the GC setting its image has.
  if [[ -n $GC_GEN0 ]]; then export DOTNET_GCgen0size=$GC_GEN0; fi
  [[ $ROWS == *restore-* ]] && prepare_restores
  for row in $ROWS; do
    log "row $row"
    run_row "$row" "$(row_snippet "$row")"
  done
  if [[ $ROWS == *restore-* ]] && ! printf '%s\n' "${RESULTS[@]}" | grep -qv '^[^|]*|0|'; then echo "$SIZE_MB" >"$WORK/generated"; fi
  print_table
}

main "$@"
