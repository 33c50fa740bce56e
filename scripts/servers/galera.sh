# shellcheck shell=bash
# GALERA: a 3-node cluster "galera1..3" (only when BACKUP_TEST_GALERA=1), plain mariadbd processes on
# 127.0.0.1 with the galera-4 provider. Each node has its own SQL port plus gmcast / IST / SST ports:
#   SQL     GALERA_PORTS (3 ports)
#   gmcast  BASE+0..2, IST BASE+100..102, SST BASE+200..202, BASE=GALERA_PEER_BASE
# Node 1 is bootstrapped (--wsrep-new-cluster); 2 and 3 start from a copy of its datadir (see galera_up).
# SST is mariabackup because rsync SST fails as root (its daemon drops to `nobody`); mariabackup needs the
# `sst` user created on node 1. The nodes write a binlog, so tests see both kinds of server: with log_bin
# (Galera) and without (source); with the settings point-in-time recovery needs for consistent GTIDs (docs/pitr.md).
# For tests that kill nodes (they must restore 3 Synced nodes afterwards): galera_kill N, galera_start N.
# Needs lib.sh and mariadb.sh; expects GALERA, GALERA_PORTS, GALERA_PEER_BASE, STATE_DIR and STOP_TIMEOUT.
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

galera_synced() { [[ $(galera_state "$1" "$2") == Synced ]]; } # node password

galera_wait_synced() { # node password pid
  await_start "galera$1" "$3" "$(galera_dir "$1")/error.log" "not Synced" galera_synced "$1" "$2"
}

galera_launch() { # node [extra mariadbd options...]; prints the PID
  local n=$1 dir
  shift
  dir=$(galera_dir "$n")
  # --datadir again on the command line: it marks the process as ours (datadir_marker).
  spawn /dev/null "$dir/pid" "$MARIADBD" --defaults-file="$dir/my.cnf" --datadir="$dir/data" "${MARIADBD_USER[@]}" "$@"
  echo "$SPAWNED_PID"
}

galera_node_up() { # node password: is our process running and Synced?
  mariadb_pid "galera$1" >/dev/null && galera_synced "$1" "$2"
}

galera_healthy() { # password
  local n
  (( GALERA )) || return 0
  for ((n = 1; n <= ${#GALERA_PORTS[@]}; n++)); do galera_node_up "$n" "$1" || return 1; done
}

galera_up() { # password
  (( GALERA )) || return 0
  local pw=$1 sstpw n pid port t0 j jobs=() failed=0
  (( ${#GALERA_PORTS[@]} == 3 )) || die "BACKUP_TEST_GALERA_PORTS must list 3 ports, not '${GALERA_PORTS[*]}'"
  [[ -r $GALERA_PROVIDER ]] || die "$GALERA_PROVIDER not found; install galera-4 (scripts/install-deps.sh)"
  command -v mariabackup >/dev/null 2>&1 || die "mariabackup not found; install mariadb-backup (scripts/install-deps.sh)"
  for port in "${GALERA_PORTS[@]}" $(seq "$GALERA_PEER_BASE" $((GALERA_PEER_BASE + 2))); do
    port_free "$port" "BACKUP_TEST_GALERA_PORTS / BACKUP_TEST_GALERA_PEER_PORT_BASE" || exit 1
  done
  t0=$SECONDS
  sstpw=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
  for n in 1 2 3; do
    rm -rf "$(galera_dir "$n")"
    galera_write_config "$n" "$sstpw"
  done

  local dir1 sock1
  dir1=$(galera_dir 1); sock1=$(socket_path galera1)
  mariadb_install_db "$dir1/data" "$dir1/tmp" "$dir1/install.log" || die "galera1: mariadb-install-db failed, see $dir1/install.log"
  pid=$(galera_launch 1 --wsrep-new-cluster)
  await_start galera1 "$pid" "$dir1/error.log" "no answer" socket_answers "$sock1" || exit 1
  # Accounts are replicated (CREATE/ALTER USER are DDL for Galera), and the joiners get node 1's data.
  secure_root galera1 "$sock1" "$pw" "
    CREATE USER 'sst'@'localhost' IDENTIFIED BY '$sstpw';
    GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR ON *.* TO 'sst'@'localhost';" || exit 1
  galera_wait_synced 1 "$pw" "$pid" || die "galera1 did not bootstrap"
  log "galera1 bootstrapped on $HOST:$(galera_port 1) (pid $pid, $((SECONDS - t0)) s)"

  # The joiners start from a copy of node 1's datadir taken after a clean shutdown: their grastate.dat
  # then names node 1's exact state, so they join with no state transfer at all instead of one
  # mariabackup SST each, which has a fixed 10 s sleep and needs node 1 as donor one joiner at a time
  # (measured: two SSTs ~26 s even when both joiners start at once; the copy ~4 s). Later rejoins (tests
  # that kill nodes) use IST, or mariabackup SST when the gap is too large.
  stop_process galera1 "$pid" "$(datadir_marker galera1)" "$STOP_TIMEOUT" >/dev/null
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
  pid=$(mariadb_pid "galera$1") || die "galera$1 is not running (no recorded PID of ours)"
  # The whole process group (galera_launch made the node a session leader): a crash takes the node's SST script
  # and its socat with it. Killing mariadbd alone left a joiner's SST script running, and the node's next start
  # then waited for that "previous SST" until the start timeout.
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null || pgrep -g "$pid" >/dev/null 2>&1; do sleep 0.05; done
  log "galera$1 killed (pid $pid)"
}

# After a crash the node's grastate.dat has seqno -1; --wsrep-recover reads the real position from InnoDB,
# and starting there lets the node catch up by IST (seconds) instead of a full SST.
galera_start() { # node password
  local n=$1 pw=$2 dir pid position t0=$SECONDS
  dir=$(galera_dir "$n")
  if pid=$(mariadb_pid "galera$n"); then
    log "galera$n already running (pid $pid)"
    return 0
  fi
  "$MARIADBD" --defaults-file="$dir/my.cnf" --datadir="$dir/data" "${MARIADBD_USER[@]}" --wsrep-recover --log-error="$dir/recover.log" \
    </dev/null >/dev/null 2>&1 || die "galera$n: --wsrep-recover failed, see $dir/recover.log"
  position=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$dir/recover.log" | tail -n 1)
  [[ -n $position ]] || die "galera$n: no recovered position in $dir/recover.log"
  pid=$(galera_launch "$n" --wsrep-start-position="$position")
  galera_wait_synced "$n" "$pw" "$pid" || die "galera$n did not rejoin"
  log "galera$n rejoined at $position (pid $pid, $((SECONDS - t0)) s)"
}

galera_down() {
  local n
  # Joiners first, node 1 last: the last node to leave is the one safe to bootstrap from.
  for n in 3 2 1; do
    if [[ -d $(galera_dir "$n") ]]; then mariadb_stop "galera$n"; fi
  done
}

galera_status() { # password
  (( GALERA )) || return 0
  local n pid state rc=0
  for n in 1 2 3; do
    if ! pid=$(mariadb_pid "galera$n"); then
      state="down"; rc=1
    else
      state=$(galera_state "$n" "$1")
      [[ $state == Synced ]] || rc=1
      state="${state:-not answering} (pid $pid)"
    fi
    status_line "galera$n" "$(galera_port "$n")" "$state"
  done
  return "$rc"
}

galera_env() {
  (( GALERA )) || return 0
  echo "export BACKUP_TEST_GALERA=1"
  echo "export BACKUP_TEST_GALERA_PORTS=$(IFS=,; echo "${GALERA_PORTS[*]}")"
  echo "export BACKUP_TEST_GALERA_NODE_DIRS=$(galera_dir 1),$(galera_dir 2),$(galera_dir 3)"
}
