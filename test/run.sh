#!/usr/bin/env bash
# Run every uvu test file under Bun and end with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
NO_COLOR=1 node_modules/.bin/bun node_modules/uvu/bin.js test '\.test\.ts$' 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
total=$(awk '/Total:/ {print $2}' "$out" | tail -1)
passed=$(awk '/Passed:/ {print $2}' "$out" | tail -1)
rm -f "$out"
total=${total:-0}; passed=${passed:-0}
failed=$((total - passed))
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ "$total" -gt 0 ] || { echo "no test ran" >&2; exit 1; }
exit "$rc"
