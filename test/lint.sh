#!/usr/bin/env bash
# The formatter and the linters: Biome over the TypeScript (biome.json: format, then the recommended lint rules)
# and shellcheck over every shell script (test/shell-scripts.sh). Any finding fails, an info included.
# Prints one line per check, "PASS lint: NAME" or "FAIL lint: NAME", after the findings; exits 1 if one failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
rc=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

node_modules/.bin/biome ci --colors=off --error-on-warnings . 2>&1 | tee "$out"
if [ "${PIPESTATUS[0]}" -eq 0 ] && ! grep -Eq '^Found [0-9]+ infos?\.' "$out"; then
  echo "PASS lint: biome"
else
  echo "FAIL lint: biome (node_modules/.bin/biome check --write . formats and applies the safe fixes)"
  rc=1
fi

mapfile -t scripts < <(bash test/shell-scripts.sh)
if ! command -v shellcheck > /dev/null; then
  echo "FAIL lint: shellcheck (not installed: bash test/install-host-deps.sh shellcheck)"
  rc=1
elif shellcheck --external-sources "${scripts[@]}"; then
  echo "PASS lint: shellcheck (${#scripts[@]} scripts)"
else
  echo "FAIL lint: shellcheck"
  rc=1
fi
exit "$rc"
