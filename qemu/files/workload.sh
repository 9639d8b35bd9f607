#!/bin/bash
# The lab's workload on the shared root: append a record, fsync it, then acknowledge it on the console.
# A record that was acknowledged must survive any failover; records of two nodes must never interleave.
set -u
node=$(sed -n 's/.*rd\.clusterguard\.node=\([^ ]*\).*/\1/p' /proc/cmdline)
boot=$(cut -c1-8 /proc/sys/kernel/random/boot_id)
log=/var/lib/workload/records
mkdir -p /var/lib/workload
# A node-local fault for the lab's service-failure scenario: /run is this node's own tmpfs.
broken() { [ -e /run/workload-broken ] && { echo "workload: broken on this node (/run/workload-broken)" > /dev/kmsg; exit 1; }; }
broken
n=0
while :; do
    broken
    n=$((n + 1))
    printf 'node=%s boot=%s n=%d\n' "$node" "$boot" "$n" >> "$log"
    sync "$log"
    echo "workload: ACK node=$node boot=$boot n=$n" > /dev/kmsg
    sleep 0.5
done
