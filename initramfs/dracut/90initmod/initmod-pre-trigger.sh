#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# initmod-pre-trigger.sh - dracut pre-trigger hook for shell mode (sourced
# by init.sh, which replays every device right after its pre-trigger
# hooks with `udevadm trigger --type=subsystems --action=add` and
# `--type=devices --action=add`). When initmod coldplugged (see
# /usr/lib/initmod/udev-trigger), a shell function stands in for those two
# commands once: the first does nothing, the second is udev-trigger's
# short replay, and then the function removes itself, so every other
# udevadm command, and any later replay, is udevadm's own. Without the
# marker, or with initmod.udev=full, nothing is defined.
if [ -x /usr/lib/initmod/udev-trigger ] && /usr/lib/initmod/udev-trigger check; then
    udevadm() {
        case "$*" in
            "trigger --type=subsystems --action=add")
                return 0
                ;;
            "trigger --type=devices --action=add")
                unset -f udevadm
                /usr/lib/initmod/udev-trigger || :
                return 0
                ;;
        esac
        command udevadm "$@"
    }
fi
