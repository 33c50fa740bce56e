#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
# Benchmark: what metrics and notifications add to a run, as a ratio to the same run without them, in one invocation.
#
#   bench/monitoring.sh         publish the host and the fake test source, then time BENCH_RUNS runs of each row
#
# Rows (each `backup run` of the same fake-source job into a local directory; rows interleaved run by run, so
# drift in the machine's load hits all rows alike):
#   plain     no metrics, no notify                                    (the baseline every row is divided by)
#   metrics   metrics: push to a real Pushgateway started here
#   both      metrics + a webhook notified on success (signed), to a loopback receiver started here
# Columns: median and min wall seconds, median ratio to plain, and the median absolute difference in ms.
#
# Environment:
#   BENCH_RUNS          runs per row (default 15)
#   BENCH_ENTRY_BYTES   bytes per fake entry, 2 entries (default 4000000)
#   BENCH_PORT_BASE     the Pushgateway's port; the receiver takes the next (default 13840)
#   BENCH_DIR           work dir (default /tmp/backup-bench-monitoring)
#   BENCH_SKIP_PUBLISH  1 = reuse BENCH_DIR/app
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
# Log lines go to stderr: stdout is the table.
LOG_FD=2
START_TIMEOUT=10
# shellcheck source=scripts/servers/lib.sh
. "$REPO_ROOT/scripts/servers/lib.sh"
RUNS=${BENCH_RUNS:-15}
ENTRY_BYTES=${BENCH_ENTRY_BYTES:-4000000}
PORT=${BENCH_PORT_BASE:-13840}
WORK=${BENCH_DIR:-/tmp/backup-bench-monitoring}
PIDS=()

cleanup() { local pid; for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

mkdir -p "$WORK"
if [[ ${BENCH_SKIP_PUBLISH:-0} != 1 ]]; then
  log "publishing the host and the fake source into $WORK"
  "$REPO_ROOT/build/publish.sh" "$WORK/app" >/dev/null
  dotnet publish "$REPO_ROOT/tests/Backup.TestPlugins.FakeSource/Backup.TestPlugins.FakeSource.csproj" -c Release \
    -o "$WORK/fake" --nologo -v q >/dev/null
fi
rm -rf "$WORK/plugins" "$WORK/store" "$WORK/tmp" "$WORK/pgw"
mkdir -p "$WORK/plugins" "$WORK/tmp" "$WORK/pgw"
ln -s "$WORK/app/plugins/Backup.Plugins.Local" "$WORK/plugins/"
ln -s "$WORK/fake" "$WORK/plugins/Backup.TestPlugins.FakeSource"

prometheus-pushgateway --web.listen-address="127.0.0.1:$PORT" >"$WORK/pgw/log" 2>&1 &
PIDS+=($!)
await_port pushgateway "$!" "$PORT" "$WORK/pgw/log" || exit 1
# A receiver that answers 204 at once: what a chat service's webhook costs is the network, not measured here.
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"])); self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$((PORT + 1))" 2>"$WORK/receiver.log" &
PIDS+=($!)
await_port receiver "$!" "$((PORT + 1))" "$WORK/receiver.log" || exit 1

spec() { # row
  cat <<YAML
name: bench-monitoring
source:
  plugin: fake
  settings: { entries: 2, bytes: $ENTRY_BYTES }
storage:
  plugin: local
  settings: { path: $WORK/store }
tempDirectory: $WORK/tmp
retention: { keepLast: 2 }
YAML
  case $1 in
    metrics|both) printf 'metrics:\n  pushgateway: http://127.0.0.1:%s\n' "$PORT" ;;
  esac
  [[ $1 == both ]] && printf 'notify:\n  webhooks:\n    - url: { env: BENCH_WEBHOOK_URL }\n      on: [success]\n      signingSecret: { env: BENCH_WEBHOOK_SECRET }\n'
  return 0
}

ROWS=(plain metrics both)
for row in "${ROWS[@]}"; do spec "$row" >"$WORK/$row.yaml"; : >"$WORK/$row.times"; done
BENCH_WEBHOOK_SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
export BENCH_WEBHOOK_URL="http://127.0.0.1:$((PORT + 1))/hook" BENCH_WEBHOOK_SECRET

# One warm-up run per row (page cache, first JIT of the app's files), not counted.
for ((i = 0; i <= RUNS; i++)); do
  for row in "${ROWS[@]}"; do
    start=$(date +%s.%N)
    "$WORK/app/backup" run --spec "$WORK/$row.yaml" --plugins-dir "$WORK/plugins" >/dev/null 2>"$WORK/$row.err" \
      || die "$row failed: $(tail -1 "$WORK/$row.err")"
    ! grep -q '^warning:' "$WORK/$row.err" || die "$row: $(grep '^warning:' "$WORK/$row.err")"
    end=$(date +%s.%N)
    (( i == 0 )) || echo "$end - $start" | bc >>"$WORK/$row.times"
  done
done

median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
base=$(median "$WORK/plain.times")
printf '%-8s %9s %9s %7s %9s   (%s runs each, 2 x %s bytes)\n' row median_s min_s ratio delta_ms "$RUNS" "$ENTRY_BYTES"
for row in "${ROWS[@]}"; do
  m=$(median "$WORK/$row.times"); min=$(sort -n "$WORK/$row.times" | head -1)
  printf '%-8s %9.3f %9.3f %7.3f %9.0f\n' "$row" "$m" "$min" "$(echo "$m / $base" | bc -l)" "$(echo "($m - $base) * 1000" | bc -l)"
done
