# shellcheck shell=bash
# MARIADB: the tools, a fresh datadir with its root accounts secured, and the two standalone servers of
# scripts/test-servers.sh: "source" (the server the tests back up) and "restore" (a fresh, empty server the tests
# restore into). The Galera nodes (galera.sh) and bench/run.sh use the tools part. Needs lib.sh.
# The standalone part expects STATE_DIR, STANDALONE_SERVERS ("name:port" ...) and STOP_TIMEOUT from the caller.

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
  # mariadbd refuses to run as root unless told so; as another user it runs as that user.
  MARIADBD_USER=()
  if (( EUID == 0 )); then MARIADBD_USER=(--user=root); fi
}

# normal auth: root gets a (temporarily empty) password instead of unix_socket, so TCP works.
# Own --tmpdir per server: two bootstraps sharing /tmp were seen to fail ("Could not remove temporary
# table '/tmp/#sql-temptable-...'", then "Unknown table 'mysql.tmp_user_sys'").
mariadb_install_db() { # datadir tmpdir log
  "$INSTALL_DB" --no-defaults --datadir="$1" "${MARIADBD_USER[@]}" \
    --auth-root-authentication-method=normal --skip-test-db --tmpdir="$2" >"$3" 2>&1
}

socket_answers() { # socket [password]: root can run a query over the Unix socket (no password: a fresh datadir)
  local pwenv=()
  [[ -z ${2:-} ]] || pwenv=(MYSQL_PWD="$2")
  env "${pwenv[@]}" "$CLIENT" --no-defaults --socket="$1" -uroot -N -e 'SELECT 1' >/dev/null 2>&1
}

sql_ping() { # port password
  MYSQL_PWD=$2 "$CLIENT" --no-defaults --connect-timeout=2 -h"$HOST" -P"$1" -uroot -N -e 'SELECT 1' >/dev/null 2>&1
}

# Quote a value as an SQL string literal (the password may come from the environment).
sql_quote() {
  local s=${1//\\/\\\\}
  s=${s//\'/\\\'}
  printf "'%s'" "$s"
}

# On a fresh datadir: secure every root account; drop root@<hostname> and anonymous accounts (they would let a
# wrong-password login match, and a test must never pass thanks to them). EXTRA runs in the same session.
secure_root() { # name socket password [extra SQL]
  local qpw drops
  qpw=$(sql_quote "$3")
  drops=$("$CLIENT" --no-defaults --socket="$2" -uroot -N -e "
    SELECT CONCAT('DROP USER ', QUOTE(user), '@', QUOTE(host), ';') FROM mysql.user
    WHERE (user = 'root' AND host NOT IN ('localhost', '127.0.0.1', '::1')) OR user = '';") \
    || { fail "$1: cannot list accounts"; return; }
  "$CLIENT" --no-defaults --socket="$2" -uroot -e "
    ${drops}
    ALTER USER 'root'@'localhost' IDENTIFIED BY $qpw;
    ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY $qpw;
    ALTER USER 'root'@'::1' IDENTIFIED BY $qpw;
    ${4:-}
    FLUSH PRIVILEGES;" \
    || fail "$1: securing accounts failed"
}

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

# The /tmp socket directory of a too-deep state dir (see socket_path), if one was used; after every server stopped.
socket_dir_remove() {
  local sockdir
  sockdir=$(dirname "$(socket_path source)")
  if [[ $sockdir == /tmp/backup-test-servers-* ]]; then rmdir "$sockdir" 2>/dev/null || true; fi
}

# mariadbd is recognised as ours by its --datadir argument.
datadir_marker() { echo "--datadir=$(server_dir "$1")/data"; }

mariadb_pid() { running_pid "$(server_dir "$1")/pid" "$(datadir_marker "$1")"; } # name

mariadb_stop() { # name: stops it if still ours; keeps the logs for post-mortems, drops the data (hundreds of MB)
  local dir
  dir=$(server_dir "$1")
  stop_recorded "$1" "$dir/pid" "$(datadir_marker "$1")" "$STOP_TIMEOUT"
  rm -rf "$dir/pid" "$dir/data" "$dir/tmp" "$(socket_path "$1")"
}

# Runs in a background subshell (the servers start in parallel): fresh datadir, start, wait, secure.
standalone_start() { # name port password
  local name=$1 port=$2 pw=$3 dir datadir sock
  dir=$(server_dir "$name"); datadir=$dir/data; sock=$(socket_path "$name")
  rm -rf "$datadir" "$dir/tmp" "$dir/pid" "$dir/error.log"; mkdir -p "$datadir" "$dir/tmp" "$(dirname "$sock")"
  mariadb_install_db "$datadir" "$dir/tmp" "$dir/install.log" \
    || { fail "$name: mariadb-install-db failed, see $dir/install.log"; return; }
  # Small buffer pool / redo log and relaxed flushing: CI has 2 cores and throwaway data.
  spawn /dev/null "$dir/pid" "$MARIADBD" --no-defaults --datadir="$datadir" "${MARIADBD_USER[@]}" \
    --bind-address="$HOST" --port="$port" --socket="$sock" --pid-file="$dir/mysqld.pid" --tmpdir="$dir/tmp" \
    --log-error="$dir/error.log" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=128M --innodb-log-file-size=48M --innodb-flush-log-at-trx-commit=2 \
    --max-allowed-packet=64M
  await_start "$name" "$SPAWNED_PID" "$dir/error.log" "no answer" socket_answers "$sock" || return
  secure_root "$name" "$sock" "$pw" || return
  sql_ping "$port" "$pw" || { fail "$name: cannot log in over TCP on $HOST:$port"; return; }
  log "$name up on $HOST:$port (pid $SPAWNED_PID)"
}

standalone_up() { # password
  local entry failed=0 jobs=() j
  for entry in "${STANDALONE_SERVERS[@]}"; do
    port_free "${entry#*:}" "BACKUP_TEST_MARIADB_PORT / BACKUP_TEST_RESTORE_PORT" || return
  done
  # Both at once: mariadb-install-db + first start take a few seconds each.
  for entry in "${STANDALONE_SERVERS[@]}"; do
    mkdir -p "$(server_dir "${entry%%:*}")"
    standalone_start "${entry%%:*}" "${entry#*:}" "$1" &
    jobs+=($!)
  done
  for j in "${jobs[@]}"; do wait "$j" || failed=1; done
  (( ! failed ))
}

standalone_down() {
  local i
  for ((i = ${#STANDALONE_SERVERS[@]} - 1; i >= 0; i--)); do mariadb_stop "${STANDALONE_SERVERS[i]%%:*}"; done
}

standalone_healthy() { # password
  local entry
  for entry in "${STANDALONE_SERVERS[@]}"; do
    mariadb_pid "${entry%%:*}" >/dev/null && sql_ping "${entry#*:}" "$1" || return 1
  done
}

standalone_status() { # password
  local entry name port pid state rc=0
  for entry in "${STANDALONE_SERVERS[@]}"; do
    name=${entry%%:*}; port=${entry#*:}
    if ! pid=$(mariadb_pid "$name"); then
      state="down"; rc=1
    elif [[ -n $1 ]] && sql_ping "$port" "$1"; then
      state="up (pid $pid)"
    else
      state="running (pid $pid) but not answering on $HOST:$port"; rc=1
    fi
    status_line "$name" "$port" "$state"
  done
  return "$rc"
}
