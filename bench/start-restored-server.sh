#!/usr/bin/env bash
# Starts mariadbd on a restored data directory and returns once it serves bench_shop: the end of a physical restore
# row in bench/run.sh ("the server starts on it"). The server keeps running; run.sh stops it after the row, untimed.
#
# Usage: bench/start-restored-server.sh DIR PORT PID_FILE
#   DIR       holds data/ (the restored datadir); the socket and error log go beside it
#   MYSQL_PWD root's password on the restored server (the backed-up server's), from the environment
set -euo pipefail

(( $# == 3 )) || { echo "usage: ${0##*/} DIR PORT PID_FILE" >&2; exit 2; }
dir=$1 port=$2 pid_file=$3
user_opt=()
(( EUID == 0 )) && user_opt=(--user=root)

setsid /usr/sbin/mariadbd --no-defaults --datadir="$dir/data" "${user_opt[@]}" --bind-address=127.0.0.1 --port="$port" \
  --socket="$dir/mysqld.sock" --log-error="$dir/error.log" --skip-log-bin </dev/null >/dev/null 2>&1 &
echo $! >"$pid_file"
# Up to 120 s: InnoDB recovery of a large restored directory is part of what the row measures.
for ((i = 0; i < 1200; i++)); do
  mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -N -e 'SELECT COUNT(*) FROM bench_shop.orders' >/dev/null 2>&1 && exit 0
  kill -0 "$(cat "$pid_file")" 2>/dev/null || { echo "mariadbd on $dir/data exited, see $dir/error.log" >&2; exit 1; }
  sleep 0.1
done
echo "mariadbd on $dir/data did not serve bench_shop within 120 s, see $dir/error.log" >&2
exit 1
