#!/usr/bin/env bash
# The one test command: installs what is missing, starts throwaway MariaDB servers, publishes the host
# and plugins, runs every test project of Framework.sln, and ends with exactly one line:
#
#   N passed, N failed, N skipped
#
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter "FullyQualifiedName~MariaDb"]
#
# Environment (all optional):
#   BACKUP_TEST_MARIADB_PORT / BACKUP_TEST_RESTORE_PORT / BACKUP_TEST_MARIADB_PASSWORD /
#   BACKUP_TEST_SERVERS_DIR       passed to scripts/test-servers.sh
#   BACKUP_KEEP_TEST_SERVERS=1    leave servers this run started running afterwards (faster reruns)
#   BACKUP_TEST_HANG_TIMEOUT      kill a test host whose test hangs this long (default 10m; 0 = never)
#   BACKUP_TEST_IMAGES_REQUIRED=1 fail, not skip, where the container images cannot be built (.ci/run sets it)
#
# Exported to the tests: BACKUP_TEST_MARIADB_HOST/PORT/PASSWORD, BACKUP_TEST_RESTORE_PORT (from the
# servers' env file), BACKUP_HOST_DIR (the published app, artifacts/app), BACKUP_IMAGE_LAYOUTS_DIR
# (artifacts/image/<source>-<storage>: the folder each test image carries) and, where images can be
# built (root, buildah, podman), CONTAINERS_CONF and BACKUP_TEST_IMAGE_* (scripts/test-images.sh).
# Output: TestResults/<UTC timestamp>/*.trx, artifacts/app/, artifacts/image/.
# Exit status: non-zero when a phase or `dotnet test` failed, any test failed, or no test ran.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT
cd "$REPO_ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export BACKUP_TEST_GALERA=${BACKUP_TEST_GALERA:-1}
servers_dir=${BACKUP_TEST_SERVERS_DIR:-$REPO_ROOT/.test-servers}
app_dir=$REPO_ROOT/artifacts/app
results_dir=$REPO_ROOT/TestResults/$(date -u +%Y%m%dT%H%M%SZ)
hang_timeout=${BACKUP_TEST_HANG_TIMEOUT:-10m}

# --- phase timing --------------------------------------------------------------------------------------
now_ms() { local t=${EPOCHREALTIME:-}; if [[ -n $t ]]; then echo $(( ${t//[^0-9]/} / 1000 )); else echo $(( $(date +%s) * 1000 )); fi; }
timings=()
phase_name="" phase_t0=0
phase() { # begin a phase (ends the previous one)
  end_phase
  phase_name=$1; phase_t0=$(now_ms)
  echo "==> $phase_name"
}
end_phase() {
  [[ -n $phase_name ]] || return 0
  local ms=$(( $(now_ms) - phase_t0 ))
  timings+=("$(printf '%-9s %4d.%ds' "$phase_name" $((ms / 1000)) $((ms % 1000 / 100)))")
  echo "<== $phase_name: $((ms / 1000)).$((ms % 1000 / 100))s"
  phase_name=""
}
run_t0=$(now_ms)

# --- servers: stop them on any exit, but only if this run started them -------------------------------
started_servers=0
stop_servers() {
  if (( started_servers )) && [[ ${BACKUP_KEEP_TEST_SERVERS:-0} != 1 ]]; then
    started_servers=0
    scripts/test-servers.sh down
  fi
}
trap 'stop_servers' EXIT
# Make Ctrl-C / a CI timeout run the EXIT trap instead of leaving mariadbd processes behind.
trap 'exit 130' INT
trap 'exit 143' TERM

phase deps
scripts/install-deps.sh

phase servers
if scripts/test-servers.sh status >/dev/null 2>&1; then
  echo "reusing test servers that were already running (left running afterwards)"
else
  started_servers=1
  scripts/test-servers.sh up
fi
# shellcheck source=/dev/null
. "$servers_dir/env"

phase publish
build/publish.sh "$app_dir"
export BACKUP_HOST_DIR=$app_dir
# Published here, not by the tests: test projects run in parallel and must not build the same projects
# at once. Taken from the publish above, as the Dockerfile's build stage does; the pairs the image tests need.
layouts_dir=$REPO_ROOT/artifacts/image
image_pairs=$(scripts/test-images.sh pairs "$app_dir")
while read -r source storage; do
  build/publish-image-layout.sh --from "$app_dir" "$source" "$storage" "$layouts_dir/$source-$storage"
done <<<"$image_pairs"
export BACKUP_IMAGE_LAYOUTS_DIR=$layouts_dir

phase images
# The container images the Deploy tests run with podman (every storage with mariadb-ha, every other source with local),
# built from the Dockerfile. Here, not in the tests, so that its time shows as a phase (cold: stand-in bases + one
# publish; later runs: cache hits).
images_env=$REPO_ROOT/artifacts/test-images.env
rm -f "$images_env"
scripts/test-images.sh build "$images_env" "$app_dir"
if [[ -f $images_env ]]; then
  # shellcheck source=/dev/null
  . "$images_env"
fi

phase test
test_args=(test Framework.sln -c Release --logger trx --results-directory "$results_dir")
if [[ $hang_timeout != 0 ]]; then
  # A hung test would otherwise hold CI until its global timeout; this kills the test host and fails.
  test_args+=(--blame-hang-timeout "$hang_timeout" --blame-hang-dump-type none)
fi
test_rc=0
dotnet "${test_args[@]}" "$@" || test_rc=$?

# Stop the servers before the summary so that the result line stays the last line of output.
if (( started_servers )) && [[ ${BACKUP_KEEP_TEST_SERVERS:-0} != 1 ]]; then
  phase stop
  stop_servers
elif (( started_servers )); then
  echo "test servers left running (BACKUP_KEEP_TEST_SERVERS=1); stop them with: scripts/test-servers.sh down"
fi
end_phase

# --- summary: phase times, then the one result line, last -------------------------------------------
total_ms=$(( $(now_ms) - run_t0 ))
echo "---- wall time per phase ----"
printf '  %s\n' "${timings[@]}"
printf '  %-9s %4d.%ds\n' total $((total_ms / 1000)) $((total_ms % 1000 / 100))
echo "TRX files: $results_dir"
(( test_rc == 0 )) || echo "dotnet test exited with $test_rc" >&2
summary_rc=0
scripts/trx-summary.sh "$results_dir" || summary_rc=$?
if (( test_rc != 0 )); then exit "$test_rc"; fi
exit "$summary_rc"
