#!/bin/bash
# The lab's workload on the shared root: append a record, fsync it, then acknowledge it on the console.
# A record that was acknowledged must survive any failover; records of two nodes must never interleave.
set -u
node=$(sed -n 's/.*rd\.clusterguard\.node=\([^ ]*\).*/\1/p' /proc/cmdline)
boot=$(cut -c1-8 /proc/sys/kernel/random/boot_id)
log=/var/lib/workload/records
mkdir -p /var/lib/workload
n=0
while :; do
    n=$((n + 1))
    printf 'node=%s boot=%s n=%d\n' "$node" "$boot" "$n" >> "$log"
    sync "$log"
    echo "workload: ACK node=$node boot=$boot n=$n" > /dev/kmsg
    sleep 0.5
done
