/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * blkid.c - superblocks and partition tables at their fixed offsets (see
 * blkid.h); the spellings follow libblkid's (lower-case UUIDs, FAT's
 * "XXXX-XXXX", MBR's "xxxxxxxx-NN").
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "blkid.h"

static int at(int fd, long long off, void *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len, off);

	return n == (ssize_t)len ? 0 : -EIO;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* 16 bytes as 8-4-4-4-12 hex; @swap: GUID order (first fields little-endian). */
static void uuid_str(const unsigned char *u, int swap, char *out, size_t len)
{
	static const int plain[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const int guid[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	const int *o = swap ? guid : plain;
	size_t n = 0;
	int i;

	for (i = 0; i < 16 && n + 3 < len; i++) {
		n += snprintf(out + n, len - n, "%02x", u[o[i]]);
		if ((i == 3 || i == 5 || i == 7 || i == 9) && n + 1 < len)
			out[n++] = '-';
	}
	out[n] = '\0';
}

/* A label field: trailing blanks and NULs dropped. */
static void label_str(const unsigned char *p, size_t n, char *out, size_t len)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\0'))
		n--;
	snprintf(out, len, "%.*s", (int)n, (const char *)p);
}

static int ext(int fd, struct im_fsinfo *fi)
{
	unsigned char sb[256];
	uint32_t compat, incompat;

	if (at(fd, 1024, sb, sizeof(sb)) || sb[56] != 0x53 || sb[57] != 0xef)
		return -1;
	compat = le32(sb + 92);
	incompat = le32(sb + 96);
	snprintf(fi->type, sizeof(fi->type), "%s",
		 incompat & (0x40 | 0x80 | 0x200) ? "ext4" : compat & 4 ? "ext3" : "ext2");
	uuid_str(sb + 104, 0, fi->uuid, sizeof(fi->uuid));
	label_str(sb + 120, 16, fi->label, sizeof(fi->label));
	return 0;
}

/* A superblock that says what it is with a magic string, and holds its
 * UUID and label at fixed places. */
struct sb_magic {
	const char *type, *magic;
	long long off;			/* of the superblock on the device */
	unsigned size;			/* read, from @off */
	unsigned magic_at, uuid_at, label_at, label_len;
};

static const struct sb_magic xfs = { "xfs", "XFSB", 0, 128, 0, 32, 108, 12 };
static const struct sb_magic btrfs = {
	"btrfs", "_BHRfS_M", 0x10000, 0x12b + 256, 64, 32, 0x12b, 256,
};

static int by_magic(int fd, const struct sb_magic *f, struct im_fsinfo *fi)
{
	unsigned char sb[0x12b + 256];	/* the largest @size */

	if (f->size > sizeof(sb) || at(fd, f->off, sb, f->size) ||
	    memcmp(sb + f->magic_at, f->magic, strlen(f->magic)))
		return -1;
	snprintf(fi->type, sizeof(fi->type), "%s", f->type);
	uuid_str(sb + f->uuid_at, 0, fi->uuid, sizeof(fi->uuid));
	label_str(sb + f->label_at, f->label_len, fi->label, sizeof(fi->label));
	return 0;
}

static int fat(int fd, struct im_fsinfo *fi)
{
	unsigned char bs[512];
	int off;

	if (at(fd, 0, bs, sizeof(bs)) || bs[510] != 0x55 || bs[511] != 0xaa)
		return -1;
	if (!memcmp(bs + 82, "FAT32   ", 8))
		off = 67;
	else if (!memcmp(bs + 54, "FAT1", 4))
		off = 39;
	else
		return -1;
	strcpy(fi->type, "vfat");
	snprintf(fi->uuid, sizeof(fi->uuid), "%04X-%04X",
		 le32(bs + off) >> 16, le32(bs + off) & 0xffff);
	label_str(bs + off + 4, 11, fi->label, sizeof(fi->label));
	if (!strcmp(fi->label, "NO NAME"))
		fi->label[0] = '\0';
	return 0;
}

/* LVM2's label: "LABELONE" in one of the first four sectors, type "LVM2 001". */
static int lvm2_label(int fd)
{
	unsigned char l[32];
	int sector;

	for (sector = 0; sector < 4; sector++)
		if (!at(fd, sector * 512LL, l, sizeof(l)) && !memcmp(l, "LABELONE", 8) &&
		    !memcmp(l + 24, "LVM2 001", 8))
			return 1;
	return 0;
}

/*
 * An md superblock: version 1.1 at 0, 1.2 at 4 KiB, 1.0 8 KiB before the
 * end (4 KiB aligned), 0.90 in the last 64 KiB-aligned 64 KiB.
 */
static int md_member(int fd)
{
	long long end = lseek(fd, 0, SEEK_END), off[4] = { 0, 4096, -1, -1 };
	unsigned char m[4];
	int i;

	if (end >= 3 * 4096)
		off[2] = ((end - 8192) & ~4095LL);
	if (end >= 2 * 65536)
		off[3] = (end & ~65535LL) - 65536;
	for (i = 0; i < 4; i++)
		if (off[i] >= 0 && !at(fd, off[i], m, sizeof(m)) && le32(m) == 0xa92b4efc)
			return 1;
	return 0;
}

const char *im_blkid_stack(int fd)
{
	unsigned char h[6];

	if (!at(fd, 0, h, sizeof(h)) && !memcmp(h, "LUKS\xba\xbe", 6))
		return "crypto_LUKS";
	if (lvm2_label(fd))
		return "LVM2_member";
	if (md_member(fd))
		return "linux_raid_member";
	return NULL;
}

int im_blkid_fs(int fd, struct im_fsinfo *fi)
{
	memset(fi, 0, sizeof(*fi));
	if (!ext(fd, fi) || !by_magic(fd, &xfs, fi) || !by_magic(fd, &btrfs, fi) ||
	    !fat(fd, fi))
		return 0;
	memset(fi, 0, sizeof(*fi));
	return -1;
}

int im_blkid_partuuid(int fd, unsigned partno, unsigned sector, char *out,
		      size_t len)
{
	unsigned char h[512], e[128];
	uint64_t lba;
	uint32_t n, esz;

	if (!partno || sector < 512 || sector > 65536)
		return -EINVAL;
	if (!at(fd, sector, h, sizeof(h)) && !memcmp(h, "EFI PART", 8)) {
		lba = le64(h + 72);
		n = le32(h + 80);
		esz = le32(h + 84);
		if (partno > n || esz < 128 || esz > 4096 ||
		    at(fd, (long long)(lba * sector + (uint64_t)(partno - 1) * esz), e, sizeof(e)))
			return -ENOENT;
		uuid_str(e + 16, 1, out, len);
		return 0;
	}
	if (at(fd, 0, h, sizeof(h)) || h[510] != 0x55 || h[511] != 0xaa || partno > 99)
		return -ENOENT;
	snprintf(out, len, "%08x-%02x", le32(h + 440), partno);
	return 0;
}
