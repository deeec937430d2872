/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * blkid.h - what a block device holds, for root=UUID=/LABEL=/PARTUUID=:
 * the filesystem type, UUID and label from its superblock (ext2/3/4, XFS,
 * btrfs, FAT), and a partition's PARTUUID from its disk's GPT or MBR, as
 * libblkid spells them; whether it is a LUKS, LVM or md member. No
 * library: a few fixed offsets each.
 */
#ifndef INITMOD_BLKID_H
#define INITMOD_BLKID_H

#include <stddef.h>

struct im_fsinfo {
	char type[16];		/* "ext4", "xfs", "btrfs", "vfat"; "" unknown */
	char uuid[40];
	char label[260];
};

/* Read the superblock from @fd; 0 when a filesystem was recognised. */
int im_blkid_fs(int fd, struct im_fsinfo *fi);

/*
 * What the generator's tools build a root from, as libblkid names it:
 * "crypto_LUKS" (a LUKS1 or LUKS2 header), "LVM2_member" (a physical
 * volume's label), "linux_raid_member" (an md superblock, 0.90 or 1.x);
 * NULL for anything else.
 */
const char *im_blkid_stack(int fd);

/*
 * The PARTUUID of partition number @partno (1-based) of the disk open on
 * @fd, with @sector bytes per logical block: GPT's unique partition GUID,
 * or MBR's "SIGNATURE-NN". 0 with @out set, -errno otherwise.
 */
int im_blkid_partuuid(int fd, unsigned partno, unsigned sector, char *out,
		      size_t len);

#endif
