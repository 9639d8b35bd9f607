#!/usr/bin/env bash
# Run a command beside a private systemd-journald, for a test. Run it as root in a new private mount namespace
# (unshare --mount --propagation private): tmpfs over /run/systemd, /run/log and /var/log/journal, a journald.conf of
# its own (volatile, no kmsg, no forwarding), and a plain file over /dev/kmsg that stands in for the kernel log. The
# command's stdout is a file whose device and inode are in JOURNAL_STREAM, as systemd sets it for a service whose
# output goes to the journal. Afterwards OUT holds: kmsg, stdout, stderr, journald.log, and journalctl's answers to
# the README's three queries as JSON lines: all.json (-t clusterguard), warning.json (-p warning -t clusterguard),
# role.json (CLUSTERGUARD_EVENT=role).
# Usage: unshare --mount --propagation private bash test/helpers/with-journald.sh OUT COMMAND...
set -euo pipefail
out=$1
shift
mount -t tmpfs tmpfs /run/systemd
mkdir -p /run/systemd/journal /run/log /var/log/journal
mount -t tmpfs tmpfs /run/log
mount -t tmpfs tmpfs /var/log/journal
printf '[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\n' \
  > "$out/journald.conf"
mount --bind "$out/journald.conf" /etc/systemd/journald.conf
: > "$out/kmsg"
mount --bind "$out/kmsg" /dev/kmsg

SYSTEMD_LOG_TARGET=console /lib/systemd/systemd-journald 2> "$out/journald.log" &
journald=$!
trap 'kill "$journald" 2> /dev/null; wait "$journald" || true' EXIT
for _ in $(seq 100); do
  [ -S /run/systemd/journal/socket ] && break
  sleep 0.05
done
[ -S /run/systemd/journal/socket ] || { echo "systemd-journald did not start: $(cat "$out/journald.log")" >&2; exit 1; }

: > "$out/stdout"
stream=$(stat -c '%d:%i' "$out/stdout")
JOURNAL_STREAM=$stream "$@" > "$out/stdout" 2> "$out/stderr"
journalctl --sync
journalctl --no-pager -o json -t clusterguard > "$out/all.json"
journalctl --no-pager -o json -p warning -t clusterguard > "$out/warning.json"
journalctl --no-pager -o json CLUSTERGUARD_EVENT=role > "$out/role.json"
