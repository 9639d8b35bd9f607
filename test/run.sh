#!/usr/bin/env bash
# Run the linters (test/lint.sh: Biome and shellcheck, one test each; unless CG_SKIP_LINT=1), every uvu test
# file under Bun, then the lab scenarios (unless CG_SKIP_LAB=1), and end with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=$(mktemp)
lint_pass=0; lint_fail=0; lint_rc=0
if [ "${CG_SKIP_LINT:-0}" != 1 ]; then
  echo "--- lint: Biome and shellcheck"
  bash test/lint.sh 2>&1 | tee "$out"
  lint_rc=${PIPESTATUS[0]}
  lint_pass=$(grep -c '^PASS lint: ' "$out")
  lint_fail=$(grep -c '^FAIL lint: ' "$out")
  [ "$lint_rc" -ne 0 ] && [ "$lint_fail" -eq 0 ] && lint_fail=1
fi

NO_COLOR=1 node_modules/.bin/bun node_modules/uvu/bin.js test '\.test\.ts$' 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
total=$(awk '/Total:/ {print $2}' "$out" | tail -1)
passed=$(awk '/Passed:/ {print $2}' "$out" | tail -1)
total=${total:-0}; passed=${passed:-0}
failed=$((total - passed))
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
[ "$total" -gt 0 ] || { echo "no test ran" >&2; rc=1; }
passed=$((passed + lint_pass)); failed=$((failed + lint_fail))
[ "$lint_rc" -eq 0 ] || rc=1

if [ "${CG_SKIP_LAB:-0}" != 1 ]; then
  echo "--- lab scenarios (QEMU, TCG): ${CG_LAB_SCENARIOS:=start-one-by-one kill-active guard-fails-safe}"
  # shellcheck disable=SC2086 # the scenario names are separate words on purpose
  qemu/lab scenario $CG_LAB_SCENARIOS 2>&1 | tee "$out"
  lab_rc=${PIPESTATUS[0]}
  lab_pass=$(grep -c '^PASS ' "$out")
  lab_fail=$(grep -c '^FAIL ' "$out")
  [ "$lab_rc" -ne 0 ] && [ "$lab_fail" -eq 0 ] && lab_fail=1
  passed=$((passed + lab_pass)); failed=$((failed + lab_fail))
  [ "$lab_rc" -eq 0 ] || rc=1
fi
rm -f "$out"
echo "$passed passed, $failed failed"
exit "$rc"
