#!/bin/bash
# dracut module 90clusterguard: the cluster guard runs before the shared root file system is mounted.
# shellcheck disable=SC2154 # dracut sources this file and sets initdir, moddir and systemdsystemunitdir

# called by dracut
check() {
    # Opt-in only (255): never pulled into an initrd unless asked for with -a/--add clusterguard.
    [[ -x ${dracutsysrootdir-}/usr/bin/clusterguard ]] || return 1
    [[ -f ${dracutsysrootdir-}/etc/clusterguard/clusterguard.toml ]] || return 1
    return 255
}

# called by dracut
depends() {
    # The guard brings its heartbeat NIC up itself (rd.clusterguard.interface/address), so it works the same
    # in the shell initrd and the systemd initrd without dracut's network stack or its DHCP waits.
    echo bash
    return 0
}

# called by dracut
installkernel() {
    # Heartbeat links and fencing: serial ports, common NICs, virtio-serial (fence port), watchdogs; the list is
    # shared with the initramfs-tools hook.
    # shellcheck disable=SC2046 # one module name per word
    hostonly='' instmods -o $(sed -e 's/#.*//' "$moddir/kernel-modules")
}

# What the fence levels need, as the guard lists it from the config (clusterguard initrd needs): each tool with its
# libraries (ipmitool), each password_file (mode 0600), each CA bundle. Nothing else secret goes in. A failure
# stops dracut: an initrd whose STANDBY cannot fence would park forever.
install_fence_needs() {
    local _needs _kind _path _key
    if ! _needs=$("${dracutsysrootdir-}/usr/bin/clusterguard" initrd needs \
        --config "${dracutsysrootdir-}/etc/clusterguard/clusterguard.toml"); then
        dfatal "clusterguard: cannot list what the fence levels need (see above)"
        exit 1
    fi
    while IFS=$'\t' read -r _kind _path _key; do
        [[ -n $_kind ]] || continue
        case $_kind in
            tool) inst_multiple "$_path" ;;
            secret) inst_simple "$_path" && chmod 0600 "${initdir}${_path}" ;;
            file) inst_simple "$_path" ;;
            *) false ;;
        esac || {
            dfatal "clusterguard: cannot install $_kind $_path, which $_key needs"
            exit 1
        }
    done <<< "$_needs"
}

# called by dracut
install() {
    local exe=/usr/bin/clusterguard
    inst_simple "$exe" /usr/lib/clusterguard/clusterguard
    # The glibc libraries the executable links to (README: what it needs at run time).
    inst_libdir_file "libc.so.6" "libpthread.so.0" "libdl.so.2" "libm.so.6"
    inst_multiple -o /lib64/ld-linux-x86-64.so.2
    # Stripping turns a Bun executable back into a bare `bun`: dracut strips every *executable* file,
    # so the guard is stored without the x bit and made executable at boot by guard-initrd.sh.
    chmod 0644 "${initdir}/usr/lib/clusterguard/clusterguard"
    # `clusterguard status` / `clusterguard takeover` from a shell in the initrd (a link: strip skips it).
    ln_r /usr/lib/clusterguard/clusterguard /usr/bin/clusterguard

    inst_simple /etc/clusterguard/clusterguard.toml
    inst_simple /etc/clusterguard/authkey
    chmod 0600 "${initdir}/etc/clusterguard/authkey"

    inst_multiple ip setsid chmod mkdir sleep cat
    install_fence_needs

    inst_script "$moddir/guard-initrd.sh" /usr/lib/clusterguard/guard-initrd.sh
    inst_simple "$moddir/clusterguard-lib.sh" /usr/lib/clusterguard/clusterguard-lib.sh

    if dracut_module_included "systemd"; then
        inst_simple "$moddir/clusterguard-guard.service" "$systemdsystemunitdir/clusterguard-guard.service"
        inst_simple "$moddir/sysroot-mount.conf" "$systemdsystemunitdir/sysroot.mount.d/50-clusterguard.conf"
        $SYSTEMCTL -q --root "$initdir" add-wants initrd-root-fs.target clusterguard-guard.service
    else
        inst_hook pre-mount 10 "$moddir/clusterguard-pre-mount.sh"
    fi
}
