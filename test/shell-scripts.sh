#!/usr/bin/env bash
# Print every shell script in the tree, one path a line: files named *.sh and files whose first line is a
# sh/bash shebang (hooks, templates, OCF agents). `make lint` runs shellcheck over exactly this list.
set -euo pipefail
cd "$(dirname "$0")/.."
find . \( -path ./.git -o -path ./node_modules -o -path ./dist -o -path ./qemu/out -o -path ./qemu/cache \) -prune \
  -o -type f -print | sed 's|^\./||' | sort | while IFS= read -r f; do
  case "$f" in
    *.sh) echo "$f" ;;
    *.ts | *.js | *.json | *.md | *.toml) ;;
    *) if head -n1 "$f" 2>/dev/null | grep -Eq '^#! ?(/usr)?/bin/(env +)?(ba|da)?sh( |$)'; then echo "$f"; fi ;;
  esac
done
