#!/bin/bash
# Part of clusterguard: the one shell test of whether the kernel command line switches the guard off.
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
