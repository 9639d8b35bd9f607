#!/bin/bash
# Part of clusterguard (shell initrd): start the guard, return only once it decided ACTIVE.
type getargbool > /dev/null 2>&1 || . /lib/dracut-lib.sh

if ! getargbool 1 rd.clusterguard; then
    warn "clusterguard: rd.clusterguard=0: booting WITHOUT the cluster guard"
    return 0 2> /dev/null || exit 0
fi

rm -f /run/clusterguard/active
setsid /bin/bash -c 'exec -a @clusterguard-initrd /bin/bash /usr/lib/clusterguard/guard-initrd.sh' < /dev/null &
_cg_pid=$!
while [ ! -e /run/clusterguard/active ]; do
    if ! kill -0 "$_cg_pid" 2> /dev/null; then
        die "clusterguard: the guard stopped without deciding ACTIVE; the shared root is NOT mounted"
    fi
    sleep 0.2
done
info "clusterguard: ACTIVE, continuing the boot"
