#!/bin/bash
# Part of clusterguard: run the guard in the initrd with bounded restarts; never continue the boot without it.
# The guard itself tells the boot to continue (READY=1 and /run/clusterguard/active) when it decides ACTIVE.
# Shared by dracut's initrds and initramfs-tools' (which has no dracut-lib.sh, and so no rd.shell escape).
# shellcheck source=/dev/null # dracut's library, in a dracut initrd only
type getargbool > /dev/null 2>&1 || [ ! -e /lib/dracut-lib.sh ] || . /lib/dracut-lib.sh

EXE=/usr/lib/clusterguard/clusterguard
MAX_STARTS=3
# The runtime's allocator never hands freed memory back to the kernel: its purge thread wakes a guard that is idle
# (about 0.7 % of a core at 10 Hz, measured), and the guard's heap is small and steady. The agent's unit says the same.
export MIMALLOC_PURGE_DELAY=-1

# A kernel message and a console line, both with the clusterguard: prefix.
say() {
    echo "<$1>clusterguard: $2" > /dev/kmsg 2> /dev/null
    echo "clusterguard: $2" > /dev/console 2> /dev/null
}

# The guard cannot run: stop here, loudly; a shell only when rd.shell was asked for explicitly.
halt_here() {
    say 2 "$1"
    say 2 "this node will NOT mount the shared root. Fix the cause, or boot with rd.clusterguard=0 to bypass the guard (unsafe while the peer may be ACTIVE)."
    if type getargbool > /dev/null 2>&1 && [ -n "$(getarg rd.shell)" ] && getargbool 0 rd.shell; then
        exit 1
    fi
    while :; do
        sleep 60
        say 2 "stopped: $1"
    done
}

chmod 0755 "$EXE" || halt_here "cannot make $EXE executable"
mkdir -p /run/clusterguard

starts=0
while :; do
    starts=$((starts + 1))
    ( exec -a @clusterguard "$EXE" guard --log-format=human )
    rc=$?
    if [ -e /run/clusterguard/active ]; then
        say 2 "the ACTIVE guard exited (code $rc): heartbeats stopped; the peer will fence this node"
        exit "$rc"
    fi
    # The unit and the hook never start the guard when the command line switches it off, so an exit 0 before
    # ACTIVE means they disagree with the guard: stop here rather than leave the boot waiting for a root.
    [ "$rc" -eq 0 ] && halt_here "the guard exited (code 0) without deciding ACTIVE"
    [ "$rc" -eq 2 ] && halt_here "configuration error (exit code 2), see the messages above"
    [ "$starts" -ge "$MAX_STARTS" ] && halt_here "the guard failed $starts times (last exit code $rc)"
    say 4 "the guard exited with code $rc; restarting ($starts of $MAX_STARTS)"
    sleep 2
done
