#!/usr/bin/env bash
# Benchmark: point-in-time recovery on the 3-node test cluster (scripts/test-servers.sh up with BACKUP_TEST_GALERA=1).
#
#   set -a; . .test-servers/env; set +a; bench/pitr.sh
#
# Two measurements, one invocation:
#   RPO      a steady write load (one autocommit INSERT per client run, BENCH_SECONDS long) while `backup binlogs
#            --interval BENCH_INTERVAL` runs: per commit, the time from its commit to the moment the index of the
#            binlog holding it was stored. Reported as median / p95 / max seconds and as a ratio to the interval
#            (the bound the design promises: one interval plus one upload).
#   replay   BENCH_TRANSACTIONS single-row transactions restored two ways into fresh servers: replayed from the
#            archived binlogs (restore --to-gtid from the backup taken before them) against loaded from a dump
#            that holds them (restore --id of the backup taken after them, the baseline). Reported as transactions
#            per second and the ratio of the two load times (replay / dump).
#
# Environment: BENCH_APP (published host, default artifacts/app), BENCH_DIR (default /tmp/backup-bench-pitr),
# BENCH_SECONDS (30), BENCH_INTERVAL (5), BENCH_TRANSACTIONS (3000), BENCH_SCRATCH_PORT (41950).
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP=${BENCH_APP:-$REPO_ROOT/artifacts/app}
WORK=${BENCH_DIR:-/tmp/backup-bench-pitr}
SECONDS_LOAD=${BENCH_SECONDS:-30}
INTERVAL=${BENCH_INTERVAL:-5}
TRANSACTIONS=${BENCH_TRANSACTIONS:-3000}
SCRATCH_PORT=${BENCH_SCRATCH_PORT:-41950}
: "${BACKUP_TEST_GALERA_PORTS:?source the test servers env (BACKUP_TEST_GALERA=1)}" "${BACKUP_TEST_MARIADB_PASSWORD:?}"
IFS=, read -r -a PORTS <<<"$BACKUP_TEST_GALERA_PORTS"
PIDS=()

log() { echo "$SELF: $*" >&2; }
cleanup() { local pid; for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
sql() { MYSQL_PWD=$BACKUP_TEST_MARIADB_PASSWORD mariadb --no-defaults -h127.0.0.1 -P"$1" -uroot -N -e "$2"; }
now() { date +%s.%N; }

rm -rf "$WORK"; mkdir -p "$WORK/tmp"
cat >"$WORK/job.yaml" <<YAML
name: benchpitr
source:
  plugin: mariadb-ha
  settings:
    hosts: [127.0.0.1:${PORTS[0]}, 127.0.0.1:${PORTS[1]}, 127.0.0.1:${PORTS[2]}]
    prefer: [galera2]
    layout: galera-safe
    password: { env: BACKUP_TEST_MARIADB_PASSWORD }
storage: { plugin: local, settings: { path: $WORK/store } }
artifact: { prefix: pitr }
tempDirectory: $WORK/tmp
YAML
backup() { "$APP/backup" "$@" --spec "$WORK/job.yaml"; }

scratch() { # dir -> starts a fresh mariadbd on SCRATCH_PORT, root with the test password
  local dir=$1 i
  mkdir -p "$dir"
  mariadb-install-db --no-defaults --datadir="$dir/data" --user=root --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
  printf "ALTER USER 'root'@'localhost' IDENTIFIED BY '%s';\nALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '%s';\n" "$BACKUP_TEST_MARIADB_PASSWORD" "$BACKUP_TEST_MARIADB_PASSWORD" >"$dir/init.sql"
  mariadbd --no-defaults --datadir="$dir/data" --user=root --bind-address=127.0.0.1 --port="$SCRATCH_PORT" --socket="$dir/sock" \
    --pid-file="$dir/pid" --log-error="$dir/error.log" --skip-log-bin --init-file="$dir/init.sql" &
  SCRATCH_PID=$!; PIDS+=("$SCRATCH_PID")
  for ((i = 0; i < 300; i++)); do sql "$SCRATCH_PORT" "SELECT 1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "scratch server did not start, see $dir/error.log"; exit 1
}
stop_scratch() { kill "$SCRATCH_PID"; wait "$SCRATCH_PID" 2>/dev/null || true; }

sql "${PORTS[0]}" "DROP DATABASE IF EXISTS benchpitr; CREATE DATABASE benchpitr; CREATE TABLE benchpitr.t (id INT PRIMARY KEY, at DATETIME(6), pad VARCHAR(200))"
backup run >/dev/null 2>&1

log "RPO: steady writes for ${SECONDS_LOAD} s, archiver --interval $INTERVAL"
# Not through the backup function: $! must be the host's own PID, so that the kill below reaches it.
"$APP/backup" binlogs --spec "$WORK/job.yaml" --interval "$INTERVAL" >/dev/null 2>"$WORK/archiver.log" &
ARCHIVER=$!; PIDS+=("$ARCHIVER")
end=$(( $(date +%s) + SECONDS_LOAD )); id=0
while (( $(date +%s) < end )); do
  id=$((id + 1))
  sql "${PORTS[0]}" "INSERT INTO benchpitr.t VALUES ($id, NOW(6), REPEAT('x', 200)); SELECT @@last_gtid, UNIX_TIMESTAMP(NOW(6))" >>"$WORK/commits"
done
last=$(tail -1 "$WORK/commits" | cut -f1 | cut -d- -f3)
for ((i = 0; i < 600; i++)); do
  python3 - "$WORK/store/pitr/binlogs" "$last" <<'PY' && break
import json, glob, sys
sys.exit(0 if any(json.load(open(f))["last"]["sequence"] >= int(sys.argv[2]) for f in glob.glob(sys.argv[1] + "/*.json")) else 1)
PY
  sleep 0.1
done
kill "$ARCHIVER"; wait "$ARCHIVER" 2>/dev/null || true
python3 - "$WORK/store/pitr/binlogs" "$WORK/commits" "$INTERVAL" "$SECONDS_LOAD" <<'PY'
import json, glob, sys, statistics
from datetime import datetime
indexes = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/*.json")]
stored = [(i["last"]["sequence"], datetime.fromisoformat(i["archivedAt"]).timestamp()) for i in indexes]
rpo = []
for line in open(sys.argv[2]):
    gtid, at = line.split()
    seq = int(gtid.split("-")[2])
    rpo.append(min(t for s, t in stored if s >= seq) - float(at))
rpo.sort()
interval = float(sys.argv[3])
p95 = rpo[int(0.95 * (len(rpo) - 1))]
print(f"RPO over {len(rpo)} commits ({len(rpo) / float(sys.argv[4]):.0f}/s): median {statistics.median(rpo):.2f} s, p95 {p95:.2f} s, max {rpo[-1]:.2f} s; "
      f"as a ratio to the interval ({interval:g} s): median {statistics.median(rpo) / interval:.2f}, max {rpo[-1] / interval:.2f}")
PY

log "replay: $TRANSACTIONS single-row transactions"
backup run >/dev/null 2>&1
base=$((id + 1))
{ for ((i = base; i < base + TRANSACTIONS; i++)); do echo "INSERT INTO benchpitr.t VALUES ($i, NOW(6), REPEAT('y', 200));"; done; } \
  | MYSQL_PWD=$BACKUP_TEST_MARIADB_PASSWORD mariadb --no-defaults -h127.0.0.1 -P"${PORTS[0]}" -uroot
target=$(sql "${PORTS[0]}" "SELECT @@gtid_binlog_pos" | tr ',' '\n' | grep '^1-')
backup binlogs --once >/dev/null 2>&1

scratch "$WORK/replay"
t0=$(now)
backup restore --to-gtid "$target" --target-host 127.0.0.1 --target-port "$SCRATCH_PORT" >"$WORK/replay.out" 2>"$WORK/replay.log"
t1=$(now)
rows=$(sql "$SCRATCH_PORT" "SELECT COUNT(*) FROM benchpitr.t")
stop_scratch
# The replay's own time: from the first "Replaying" log line to the end of the command.
replay_start=$(grep -m1 'Replaying' "$WORK/replay.log" | cut -c1-23)
replay_seconds=$(python3 -c "import sys; from datetime import datetime, timezone; print(f'{$t1 - datetime.fromisoformat(sys.argv[1]).replace(tzinfo=timezone.utc).timestamp():.2f}')" "$replay_start")

backup run >/dev/null 2>&1
scratch "$WORK/dump"
id_b=$(backup list | awk 'NR > 1 && $1 ~ /^benchpitr-/ { print $1; exit }')
t2=$(now)
backup restore --id "$id_b" --target-host 127.0.0.1 --target-port "$SCRATCH_PORT" >/dev/null 2>"$WORK/dump.log"
t3=$(now)
stop_scratch
python3 - "$TRANSACTIONS" "$replay_seconds" "$(python3 -c "print($t1 - $t0)")" "$(python3 -c "print($t3 - $t2)")" "$rows" <<'PY'
import sys
n, replay, whole, dump, rows = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print(f"replay: {n} transactions in {replay:.2f} s = {n / replay:.0f} tx/s (restore --to-gtid total {whole:.2f} s, {rows} rows restored); "
      f"baseline restore --id of a dump holding them: {dump:.2f} s; ratio (to-gtid total / dump restore) {whole / dump:.2f}")
PY
sql "${PORTS[0]}" "DROP DATABASE benchpitr"
