#!/usr/bin/env bash
# Run the linters (test/lint.sh: Biome and shellcheck, one test each; unless CG_SKIP_LINT=1), every uvu test
# file under Bun, then the lab scenarios (unless CG_SKIP_LAB=1), and end with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=$(mktemp)
# The captured outputs are removed however the run ends, an interrupted run too.
heavy_a="" heavy_b="" pid_a="" pid_b=""
# The two streams of initrd builds (below) run in sessions of their own: an interrupted run ends them, dracut too.
trap 'for p in $pid_a $pid_b; do kill -TERM -- "-$p" 2>/dev/null; done; rm -f "$out" "$heavy_a" "$heavy_b"' EXIT
lint_pass=0; lint_fail=0; lint_rc=0
if [ "${CG_SKIP_LINT:-0}" != 1 ]; then
  echo "--- lint: Biome and shellcheck"
  bash test/lint.sh 2>&1 | tee "$out"
  lint_rc=${PIPESTATUS[0]}
  lint_pass=$(grep -c '^PASS lint: ' "$out")
  lint_fail=$(grep -c '^FAIL lint: ' "$out")
  [ "$lint_rc" -ne 0 ] && [ "$lint_fail" -eq 0 ] && lint_fail=1
fi

# The four files that build real initrds (dracut and mkinitramfs in chroots of their own, mostly one core each) run as
# two streams side by side before the rest, each stream's output shown whole when it ends.
HEAVY_A='boot/(initrd-fencing|regenerate)\.test\.ts$'
HEAVY_B='(boot/initrd-compression|initrd/initramfs-tools)\.test\.ts$'
HEAVY="$HEAVY_A|$HEAVY_B"
UVU=(node_modules/.bin/bun node_modules/uvu/bin.js test)
uvu() { NO_COLOR=1 "${UVU[@]}" "$@" 2>&1; }
total=0; passed=0; failed=0; rc=0
# Add up one uvu run: its output file and its exit code.
count() {
  local t p
  t=$(awk '/Total:/ {print $2}' "$1" | tail -1); p=$(awk '/Passed:/ {print $2}' "$1" | tail -1)
  t=${t:-0}; p=${p:-0}
  total=$((total + t)); passed=$((passed + p))
  if [ "$t" -eq 0 ]; then
    echo "no test ran in one stream" >&2; rc=1; failed=$((failed + 1))
  elif [ "$2" -ne 0 ]; then
    rc=1; [ "$t" -eq "$p" ] && failed=$((failed + 1))
  fi
}
heavy_a=$(mktemp); heavy_b=$(mktemp)
# Both streams install the executable into their chroots: built once here, not by both at once.
make -s build >/dev/null || rc=1
echo "--- the initrd builds, two streams side by side: $HEAVY_A and $HEAVY_B"
NO_COLOR=1 setsid "${UVU[@]}" "$HEAVY_A" > "$heavy_a" 2>&1 & pid_a=$!
NO_COLOR=1 setsid "${UVU[@]}" "$HEAVY_B" > "$heavy_b" 2>&1 & pid_b=$!
wait "$pid_a"; rc_a=$?
wait "$pid_b"; rc_b=$?
pid_a="" pid_b=""
cat "$heavy_a" "$heavy_b"
count "$heavy_a" "$rc_a"; count "$heavy_b" "$rc_b"
uvu '\.test\.ts$' --ignore "$HEAVY" | tee "$out"
count "$out" "${PIPESTATUS[0]}"
failed=$((failed + total - passed))
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
echo "$passed passed, $failed failed"
exit "$rc"
