#!/bin/bash
# Part of clusterguard: the shell pieces the dracut pre-mount hook and the initramfs-tools local-premount script
# share. clusterguard_off is the one shell test of whether the kernel command line switches the guard off.
# It matches what the guard (src/guard/kernel-args.ts) and the unit's ConditionKernelCommandLine lines match:
# any word rd.clusterguard=0, rd.clusterguard=no or rd.clusterguard=off, exactly (double quotes removed).

# clusterguard_off CMDLINE: true when CMDLINE switches the guard off.
clusterguard_off() {
    local _cg_w _cg_words
    # read -a splits on blanks without expanding globs in the words.
    read -r -a _cg_words <<< "$1"
    for _cg_w in "${_cg_words[@]}"; do
        case "${_cg_w//\"/}" in
            rd.clusterguard=0 | rd.clusterguard=no | rd.clusterguard=off) return 0 ;;
        esac
    done
    return 1
}

# clusterguard_start_and_wait: start guard-initrd.sh in its own session, named @clusterguard-initrd (a process whose
# argv[0] starts with '@' survives the switch to the real root and its shutdown killing spree), and return 0 once the
# guard decided ACTIVE (/run/clusterguard/active), 1 as soon as it stopped without deciding so. A STANDBY never
# returns: it parks here, before the shared root is mounted.
clusterguard_start_and_wait() {
    local _cg_pid
    rm -f /run/clusterguard/active
    setsid /bin/bash -c 'exec -a @clusterguard-initrd /bin/bash /usr/lib/clusterguard/guard-initrd.sh' < /dev/null &
    _cg_pid=$!
    while [ ! -e /run/clusterguard/active ]; do
        kill -0 "$_cg_pid" 2> /dev/null || return 1
        sleep 0.2
    done
    return 0
}
