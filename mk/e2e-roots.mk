# SPDX-License-Identifier: LGPL-2.1-or-later
# e2e-roots.mk - `make e2e-roots` (root, QEMU): the roots Debian users run
# (GPT partition, LVM, LUKS2+LVM with a key file, mdadm RAID1 and degraded,
# btrfs subvolume, XFS, resume swap), built once by
# qemu-tests/e2e/roots.sh into $(CACHE)/e2e/roots and booted on virtio-blk
# through the stock initramfs-tools image (a) and the one initmod's
# package's trigger builds (b), by qemu-tests/e2e-roots.sh. Not yet part of
# `make check`. The package is built from HEAD (make deb): commit first.
# ROOTS, E2E_VARIANTS choose the cases; ROOTS_GUEST_IMAGES where the
# images are built (roots.sh).
e2e-roots: deb
	qemu-tests/e2e-roots.sh $(CACHE) $(BUILD)

.PHONY: e2e-roots
