# SPDX-License-Identifier: LGPL-2.1-or-later
# e2e-roots.mk - the roots Debian users run (GPT partition, LVM, LUKS2+LVM
# with a key file, mdadm RAID1 and degraded, btrfs subvolume, XFS, resume
# swap), made once by qemu-tests/e2e/roots.sh into $(CACHE)/e2e/roots and
# booted through the stock initramfs-tools image (a), the one initmod's
# package's trigger builds (b), stock dracut and dracut with initmod's
# module (x, c) and initmod's own (d, where it can) by
# qemu-tests/e2e/roots-cases.sh. `make e2e` (and so `make check`) boots
# each root on one attachment, and the main matrix's cs, xs and bf on
# virtio-blk only; `make e2e-full` every root on virtio-blk, NVMe and AHCI
# and every variant on all four attachments; `make e2e-roots` only the
# roots. The package is built from HEAD (make deb): commit first.
# E2E_ROOTS, E2E_ROOTS_VARIANTS, E2E_ROOTS_TYPES choose the cases.
E2E_FULL_TYPES ?= virtio nvme ahci
E2E_FULL_ROOTS_VARIANTS ?= a b d x c

e2e-roots: deb
	qemu-tests/e2e-roots.sh $(CACHE) $(BUILD)

e2e-full: initmod deb
	E2E_ONE_TYPE= E2E_ROOTS_TYPES="$(E2E_FULL_TYPES)" E2E_ROOTS_VARIANTS="$(E2E_FULL_ROOTS_VARIANTS)" \
		qemu-tests/e2e.sh $(CACHE) $(BUILD)

.PHONY: e2e-roots e2e-full
