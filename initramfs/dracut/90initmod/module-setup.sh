#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# module-setup.sh - dracut module "initmod": initmod in the image and a
# pre-udev hook that runs it once before udevd starts, in dracut's shell
# and systemd modes alike (dracut-pre-udev.service runs the pre-udev hooks
# before systemd-udevd.service). It loads in parallel, each module once,
# the drivers of the devices present and appearing (coldplug) and the
# command line's rd.driver.pre=, modules_load=, rd.driver.post= lists;
# udev then finds the drivers loaded. When initmod coldplugged, udev
# replays only the devices the initramfs uses: in systemd mode through a
# drop-in for systemd-udev-trigger.service (udev-trigger.conf), in shell
# mode through a pre-trigger hook (initmod-pre-trigger.sh);
# initmod.udev=full restores the stock replay, INITMOD_UDEV=stock in
# dracut's environment leaves both out. Installed by initmod's
# `make install` into /usr/lib/dracut/modules.d/90initmod.

_initmod_bin() {
    local b
    for b in "@SBINDIR@/initmod" /usr/sbin/initmod /usr/local/sbin/initmod /sbin/initmod; do
        [[ -x $b ]] && echo "$b" && return 0
    done
    return 1
}

# called by dracut: in every image once installed, unless omitted
check() {
    _initmod_bin > /dev/null || return 1
    return 0
}

# called by dracut: the drivers themselves come with kernel-modules
depends() {
    echo kernel-modules
    return 0
}

# called by dracut: the modules rd.driver.pre= names at build time
# (dracut's --kernel-cmdline / cmdline.d) must be in the image for initmod
# to load them before coldplug; everything else is kernel-modules' choice
installkernel() {
    local _arg _m _pre=
    for _arg in $kernel_cmdline $(cat /etc/cmdline.d/*.conf 2> /dev/null); do
        case $_arg in
            rd.driver.pre=*) _pre="$_pre ${_arg#rd.driver.pre=}" ;;
        esac
    done
    for _m in ${_pre//,/ }; do
        hostonly='' instmods "$_m"
    done
    return 0
}

_initmod_lib() {
    local l
    for l in "@LIBDIR@" /usr/lib/initmod /usr/local/lib/initmod; do
        [[ -x $l/udev-trigger ]] && echo "$l" && return 0
    done
    return 1
}

# called by dracut
install() {
    local _lib
    inst "$(_initmod_bin)" /usr/sbin/initmod
    inst_hook pre-udev 05 "$moddir/initmod-pre-udev.sh"
    [[ ${INITMOD_UDEV:-initmod} == initmod ]] && _lib=$(_initmod_lib) || return 0
    inst_script "$_lib/udev-trigger" /usr/lib/initmod/udev-trigger
    if dracut_module_included systemd; then
        inst_simple "$moddir/udev-trigger.conf" \
            "$systemdsystemunitdir/systemd-udev-trigger.service.d/initmod.conf"
    else
        inst_hook pre-trigger 05 "$moddir/initmod-pre-trigger.sh"
    fi
}
