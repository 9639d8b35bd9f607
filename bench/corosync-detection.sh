#!/usr/bin/env bash
# Failure detection of the Pacemaker stack's membership layer, for the README's "When you outgrow two nodes":
# two corosync nodes (knet, two_node, token 3000 ms: what `clusterguard export pacemaker` writes) in two network
# namespaces joined by a veth pair; node b's corosync is killed with SIGKILL, and the time until node a forms a
# membership without it is printed per run, then the median. Root; needs corosync (make host-deps).
#   bench/corosync-detection.sh [RUNS]   (default 10)
set -euo pipefail
runs=${1:-10}
token=${CG_TOKEN_MS:-3000}
command -v corosync >/dev/null || { echo "corosync is missing: run 'make host-deps'" >&2; exit 2; }
work=$(mktemp -d /tmp/cg-corosync-bench.XXXXXX)
ns_a=cgcoro-a-$$ ns_b=cgcoro-b-$$

cleanup() {
  for ns in "$ns_a" "$ns_b"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/corosync.conf" <<EOF
totem {
    version: 2
    cluster_name: bench
    transport: knet
    crypto_cipher: none
    crypto_hash: none
    token: $token
    interface {
        linknumber: 0
        knet_transport: udp
    }
}
nodelist {
    node {
        ring0_addr: 10.231.0.1
        name: a
        nodeid: 1
    }
    node {
        ring0_addr: 10.231.0.2
        name: b
        nodeid: 2
    }
}
quorum {
    provider: corosync_votequorum
    two_node: 1
}
logging {
    to_stderr: yes
    to_syslog: no
    to_logfile: no
    timestamp: hires
}
EOF

ip netns add "$ns_a"
ip netns add "$ns_b"
ip link add "cgca$$" type veth peer name "cgcb$$"
ip link set "cgca$$" netns "$ns_a"
ip link set "cgcb$$" netns "$ns_b"
ip -n "$ns_a" addr add 10.231.0.1/24 dev "cgca$$"
ip -n "$ns_b" addr add 10.231.0.2/24 dev "cgcb$$"
for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
ip -n "$ns_a" link set "cgca$$" up
ip -n "$ns_b" link set "cgcb$$" up

# One corosync as node NAME in netns NS: its own hostname, /run, /var/lib/corosync and /dev/shm; log to LOG.
start() {
  # shellcheck disable=SC2016 # expanded by the inner sh
  ip netns exec "$1" unshare --uts --mount sh -c '
    hostname "$1"
    mount -t tmpfs cg-bench /var/lib/corosync
    mount -t tmpfs cg-bench /run
    mount -t tmpfs cg-bench /dev/shm
    exec corosync -f -c "$2"' sh "$2" "$work/corosync.conf" >>"$3" 2>&1 &
  disown "$!" # killed on purpose: no job notice
}

# Seconds since the epoch of a corosync hires log line ("Dec 05 23:59:44.384 ...").
stamp() { date -d "$(awk '{print $1, $2, $3}' <<<"$1")" +%s.%N; }

start "$ns_a" a "$work/a.log"
times=()
for i in $(seq 1 "$runs"); do
  start "$ns_b" b "$work/b.log"
  for _ in $(seq 1 120); do
    tail -n 5 "$work/a.log" | grep -q 'Members\[2\]: 1 2' && break
    sleep 0.5
  done
  tail -n 5 "$work/a.log" | grep -q 'Members\[2\]: 1 2' || { echo "run $i: the two nodes never joined" >&2; exit 1; }
  sleep 2
  left=$(grep -c 'Members left: 2' "$work/a.log" || true)
  t0=$(date +%s.%N)
  # shellcheck disable=SC2046 # one pid per word
  kill -9 $(ip netns pids "$ns_b")
  for _ in $(seq 1 600); do
    [ "$(grep -c 'Members left: 2' "$work/a.log" || true)" -gt "$left" ] && break
    sleep 0.05
  done
  seen=$(stamp "$(grep 'Members left: 2' "$work/a.log" | tail -1)")
  failed=$(stamp "$(grep 'A processor failed' "$work/a.log" | tail -1)")
  t=$(bc <<<"scale=3; ($seen - $t0) / 1")
  times+=("$t")
  printf 'run %d: token expired after %.2f s, new membership without b after %.2f s\n' "$i" \
    "$(bc <<<"scale=3; ($failed - $t0) / 1")" "$t"
done
mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
n=${#sorted[@]}
if ((n % 2)); then median=${sorted[n / 2]}; else median=$(bc <<<"scale=3; (${sorted[n / 2 - 1]} + ${sorted[n / 2]}) / 2"); fi
printf 'corosync token %d ms: detection %.2f-%.2f s, median %.2f s over %d kills\n' "$token" "${sorted[0]}" \
  "${sorted[n - 1]}" "$median" "$n"
