#!/bin/bash
# Part of clusterguard (shell initrd): start the guard, return only once it decided ACTIVE.
# shellcheck source=/dev/null # dracut's library, in the initrd only
type warn > /dev/null 2>&1 || . /lib/dracut-lib.sh
# shellcheck source=dracut-module/90clusterguard/clusterguard-lib.sh
. /usr/lib/clusterguard/clusterguard-lib.sh

if clusterguard_off "$(cat /proc/cmdline)"; then
    warn "clusterguard: rd.clusterguard=0, =no or =off on the kernel command line: booting WITHOUT the cluster guard"
    # shellcheck disable=SC2317 # dracut sources the hook (return); exit only when it is run on its own
    return 0 2> /dev/null || exit 0
fi

if ! clusterguard_start_and_wait; then
    die "clusterguard: the guard stopped without deciding ACTIVE; the shared root is NOT mounted"
fi
info "clusterguard: ACTIVE, continuing the boot"
