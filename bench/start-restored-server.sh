#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
# Starts mariadbd on a restored data directory and returns once it serves bench_shop: the end of a physical restore
# row in bench/run.sh ("the server starts on it"). The server keeps running; run.sh stops it after the row, untimed
# (stop_recorded with the marker --datadir=DIR/data).
#
# Usage: bench/start-restored-server.sh DIR PORT PID_FILE
#   DIR       holds data/ (the restored datadir); the socket and logs go beside it
#   MYSQL_PWD root's password on the restored server (the backed-up server's), from the environment
set -euo pipefail

SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOG_FD=2
# InnoDB recovery of a large restored directory is part of what the row measures.
START_TIMEOUT=120
# shellcheck source=scripts/servers/lib.sh
. "$REPO_ROOT/scripts/servers/lib.sh"
# shellcheck source=scripts/servers/mariadb.sh
. "$REPO_ROOT/scripts/servers/mariadb.sh"

(( $# == 3 )) || { echo "usage: $SELF DIR PORT PID_FILE" >&2; exit 2; }
dir=$1 port=$2 pid_file=$3
require_tools

serves_bench() { "$CLIENT" --no-defaults -h"$HOST" -P"$port" -uroot -N -e 'SELECT COUNT(*) FROM bench_shop.orders' >/dev/null 2>&1; }

spawn "$dir/server.out" "$pid_file" "$MARIADBD" --no-defaults --datadir="$dir/data" "${MARIADBD_USER[@]}" --bind-address="$HOST" \
  --port="$port" --socket="$dir/mysqld.sock" --log-error="$dir/error.log" --skip-log-bin
await_start "restored server" "$SPAWNED_PID" "$dir/error.log" "bench_shop not served" serves_bench
