#!/usr/bin/env bash
# Benchmark: what a hostile or wrong spec costs the published host before it is refused (`backup validate`).
# Not a test: the tests (HostileSpecHostSpecs) assert exit code 2 and the one error line; this prints the peak
# memory and the time, so a change that makes refusing expensive again shows up in numbers.
#
#   bench/hostile-inputs.sh [HOST_DIR]   HOST_DIR: a published host (default: <repo>/artifacts/app when it
#                                        exists, else build/publish.sh into BENCH_DIR/app)
#
# Inputs (each under a valid mariadb-ha -> local job, so only the hostile part differs):
#   valid      the job as it is: the baseline (runtime start-up, plugin loading, settings check)
#   max-size   a valid spec of exactly 1 MiB, the size limit: a list of ~350,000 plain values under settings,
#              the most nodes a spec can make YamlDotNet hold
#   laughs     "billion laughs": BENCH_LAUGHS levels of ten aliases each, as mappings under settings (default 7:
#              838 bytes, 10^7 nodes when expanded; main before the guard took 2.8 GB and 19 s for it)
#   deep       30,000 nested `{a: ` under settings
#   dev-zero   --spec /dev/zero (never ends)
#   huge       a 4 GiB sparse file (no disk used)
# Columns: exit code, wall seconds and peak RSS (GNU time %e and %M, of the host and its children), the number
# of stderr lines and the first one (cut).
#
# Environment:
#   BENCH_DIR       work dir for the specs and a published host (default /tmp/backup-bench-hostile)
#   BENCH_INPUTS    inputs to run, space-separated (default: all of the above)
#   BENCH_LAUGHS    levels of the billion laughs (default 7; each level multiplies an unguarded host's cost by ten,
#                   so do not raise it against a host without the guard)
#   BENCH_TIMEOUT   seconds after which an input is killed and reported as exit 124 (default 300)
set -euo pipefail

readonly SELF=${0##*/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO_ROOT
WORK=${BENCH_DIR:-/tmp/backup-bench-hostile}
INPUTS=${BENCH_INPUTS:-valid max-size laughs deep dev-zero huge}
LAUGHS=${BENCH_LAUGHS:-7}
TIMEOUT=${BENCH_TIMEOUT:-300}

die() { echo "$SELF: $*" >&2; exit 1; }
log() { echo "$SELF: $*" >&2; }

[[ -x /usr/bin/time ]] || die "GNU time is missing (apt-get install time)"
mkdir -p "$WORK"

host_dir=${1:-}
if [[ -z $host_dir ]]; then
  if [[ -x $REPO_ROOT/artifacts/app/backup ]]; then
    host_dir=$REPO_ROOT/artifacts/app
  else
    log "publishing the host into $WORK/app"
    "$REPO_ROOT/build/publish.sh" --plugins "Local MariaDbHa" "$WORK/app" >/dev/null
    host_dir=$WORK/app
  fi
fi
[[ -x $host_dir/backup ]] || die "no backup executable in $host_dir"

# The job every input starts from; SETTINGS is appended to the source's settings.
job() {
  printf 'name: bench\nsource:\n  plugin: mariadb-ha\n  settings:\n    host: 127.0.0.1\n    password: {env: BENCH_PW}\n%s' "${1:-}"
  printf 'storage:\n  plugin: local\n  settings: {path: %s}\n' "$WORK/store"
}

# Writes the spec of input $1 and prints its path.
spec_of() {
  local path=$WORK/$1.yaml level refs
  case $1 in
    valid) job >"$path" ;;
    max-size)
      # Pads extraArgs with "a, " to exactly 1 MiB, the limit in src/Backup.Host/Spec/SpecFile.cs.
      local empty count pad
      empty=$(job "    extraArgs: []"$'\n'; printf x); empty=$(( ${#empty} - 1 ))
      count=$(( (1048576 - empty - 1) / 3 )) pad=$(( (1048576 - empty - 1) % 3 ))
      job "    extraArgs: [$(printf '%*s' "$pad" '')$(printf 'a, %.0s' $(seq "$count"))a]"$'\n' >"$path" ;;
    laughs)
      # Mappings, not lists: the settings walk follows every alias into a mapping (10^levels nodes).
      {
        job "$(
          printf '    extraArgs: &l0 {a: lol, b: lol, c: lol, d: lol, e: lol, f: lol, g: lol, h: lol, i: lol, j: lol}\n'
          for ((level = 1; level < LAUGHS; level++)); do
            refs=$(for key in a b c d e f g h i j; do printf '%s: *l%d, ' "$key" $((level - 1)); done)
            printf '    l%d: &l%d {%s}\n' "$level" "$level" "${refs%, }"
          done
        )"$'\n'
      } >"$path" ;;
    deep)
      { job "    deep: $(printf '{a: %.0s' $(seq 30000))1$(printf '}%.0s' $(seq 30000))"$'\n'; } >"$path" ;;
    dev-zero) path=/dev/zero ;;
    huge) rm -f "$path"; truncate -s 4G "$path" ;;
    *) die "unknown input '$1'" ;;
  esac
  echo "$path"
}

printf '%s: host %s, %s cores, %s\n\n' "$SELF" "$host_dir" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf '| %-8s | %10s | %4s | %7s | %11s | %6s | %s\n' input "spec bytes" exit "wall s" "peak RSS MB" "stderr" "first stderr line"
printf '|%s|%s|%s|%s|%s|%s|%s\n' ---------- ------------ ------ --------- ------------- -------- ------------------
for input in $INPUTS; do
  spec=$(spec_of "$input")
  size=$( [[ -f $spec ]] && stat -c %s "$spec" || echo -)
  rc=0
  BENCH_PW=not-a-secret /usr/bin/time -f '%e %M' -o "$WORK/time" \
    timeout -s KILL "$TIMEOUT" "$host_dir/backup" validate --spec "$spec" >/dev/null 2>"$WORK/stderr" || rc=$?
  read -r secs rss < <(tail -1 "$WORK/time")
  printf '| %-8s | %10s | %4s | %7s | %11s | %6s | %s\n' "$input" "$size" "$rc" "$secs" "$((rss / 1024))" \
    "$(wc -l <"$WORK/stderr")" "$(head -1 "$WORK/stderr" | cut -c1-110)"
done
rm -f "$WORK/huge.yaml"
