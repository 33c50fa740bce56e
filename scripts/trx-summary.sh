#!/usr/bin/env bash
# Sums the results of every .trx file given (files, or directories searched recursively) and prints
# exactly one line:  N passed, N failed, N skipped
#
# Exit status: 0 when tests ran and none failed; 1 when any failed; 2 when no .trx file was found or
# no test was executed at all (all skipped or filtered out counts as "nothing ran": that is not a pass).
#
# Bash + grep + sed only: CI has the .NET SDK but not necessarily python3 or xmllint. It reads the one
# <Counters .../> element VSTest writes per TRX. Note that a skipped xunit test is NOT in notExecuted
# there (measured with xunit 2.9.3 / xunit.runner.visualstudio 3.1.5: Skip => total counts it, executed
# and notExecuted do not), so skipped = total - passed - failed.
set -euo pipefail

readonly SELF=${0##*/}
(( $# > 0 )) || { echo "usage: $SELF TRX_FILE_OR_DIR..." >&2; exit 2; }

files=()
for arg in "$@"; do
  if [[ -d $arg ]]; then
    while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$arg" -type f -name '*.trx' -print0)
  elif [[ -f $arg ]]; then
    files+=("$arg")
  fi
done

counter() { # attribute counters-element -> number (0 when absent)
  local v
  v=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2")
  echo "${v:-0}"
}

passed=0 failed=0 skipped=0
for f in "${files[@]}"; do
  c=$(grep -o '<Counters [^>]*>' "$f" | head -n 1 || true)
  if [[ -z $c ]]; then
    # A TRX without counters means the run did not finish writing it: count it as a failure.
    echo "$SELF: no <Counters> in $f" >&2
    failed=$((failed + 1))
    continue
  fi
  t=$(counter total "$c")
  p=$(counter passed "$c")
  x=$(( $(counter failed "$c") + $(counter error "$c") + $(counter timeout "$c") + $(counter aborted "$c") ))
  # A test host that crashed or was killed by --blame-hang-timeout leaves outcome="Failed" (or Aborted/
  # Error) with counters that show no failure: the test that was running is in no counter. Count it.
  outcome=$(grep -o '<ResultSummary [^>]*>' "$f" | head -n 1 | sed -n 's/.* outcome="\([A-Za-z]*\)".*/\1/p' || true)
  if (( x == 0 )) && [[ $outcome == Failed || $outcome == Aborted || $outcome == Error || $outcome == Timeout ]]; then
    echo "$SELF: run in $f ended '$outcome' with no failed test (test host crashed or hung): counted as 1 failed" >&2
    x=1
  fi
  s=$(( t - p - x ))
  (( s >= 0 )) || s=0
  passed=$((passed + p)); failed=$((failed + x)); skipped=$((skipped + s))
done

# Diagnostics first: the summary must be the very last line of output.
rc=0
if (( ${#files[@]} == 0 )); then
  echo "$SELF: no .trx file found in: $*" >&2
  rc=2
elif (( failed > 0 )); then
  rc=1
elif (( passed == 0 )); then
  echo "$SELF: no test was executed" >&2
  rc=2
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
