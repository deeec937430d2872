#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# initmod-pre-udev.sh - dracut pre-udev hook (sourced: no exit): initmod
# loads what coldplug finds and the command line's lists, in parallel,
# before udevd starts. initmod=0 on the kernel command line skips it,
# initmod.coldplug=0 loads the lists only, initmod.verbose=0 (or more)
# shows its summary under quiet. When initmod coldplugged and everything
# loaded, /run/initmod/coldplugged tells udev-trigger (systemd mode) to
# replay only the devices the initramfs uses.
mkdir -p /run/initmod
rm -f /run/initmod/coldplugged /run/initmod/seen
if [ -x /usr/sbin/initmod ] && getargbool 1 initmod; then
    if /usr/sbin/initmod --boot --seen-file /run/initmod/seen; then
        if getargbool 1 initmod.coldplug; then
            : > /run/initmod/coldplugged
        fi
    else
        warn "initmod: some modules did not load (see above)"
    fi
fi
