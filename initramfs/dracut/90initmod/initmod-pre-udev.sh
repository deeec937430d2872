#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# initmod-pre-udev.sh - dracut pre-udev hook (sourced: no exit): initmod
# loads what coldplug finds and the command line's lists, in parallel,
# before udevd starts. initmod=0 on the kernel command line skips it,
# initmod.coldplug=0 loads the lists only, initmod.verbose=0 (or more)
# shows its summary under quiet.
if [ -x /usr/sbin/initmod ] && getargbool 1 initmod; then
    /usr/sbin/initmod --boot || warn "initmod: some modules did not load (see above)"
fi
