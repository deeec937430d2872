/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_root.c - the real root: root=/rootfstype=/rootflags=/ro/rw/rootwait/
 * rootdelay=/init= parsing, and what blkid.c reads from superblocks and
 * partition tables (a real mkfs.ext4 image, crafted XFS, btrfs, FAT, GPT, MBR).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "../../config/rootspec.h"
#include "../../loader/blkid.h"

static struct msgs quiet = { .verbose = -1 };

TEST(rootspec_parse_kernel_words)
{
	struct im_root_spec r;
	char buf[300];

	CHECK_INT(im_root_spec_parse("quiet root=UUID=0a1b-2c rootfstype=ext4,xfs rootflags=data=ordered ro rw rootdelay=5 init=/bin/sh", &r, &quiet), 1);
	CHECK_INT(r.by, IM_ROOT_UUID);
	CHECK_STR(r.what, "0a1b-2c");
	CHECK_STR(r.fstype, "ext4,xfs");
	CHECK_STR(r.flags, "data=ordered");
	CHECK_INT(r.rw, 1);
	CHECK(r.rootdelay_s == 5);
	CHECK_STR(r.init, "/bin/sh");
	CHECK_STR(im_root_spec_str(&r, buf, sizeof(buf)), "UUID=0a1b-2c");
	CHECK_INT(im_root_spec_parse("root=\"LABEL=my root\" rw ro rootwait", &r, &quiet), 1);
	CHECK_INT(r.by, IM_ROOT_LABEL);
	CHECK_STR(r.what, "my root");
	CHECK_INT(r.rw, 0);
	CHECK_INT(r.rootwait, 1);
	CHECK(r.rootdelay_s < 0);
	CHECK_INT(im_root_spec_parse("root=/dev/disk/by-partuuid/ABCD-01", &r, &quiet), 1);
	CHECK_INT(r.by, IM_ROOT_PARTUUID);
	CHECK_STR(r.what, "ABCD-01");
	CHECK_INT(im_root_spec_parse("root=/dev/vda1 root=/dev/vdb2", &r, &quiet), 1);
	CHECK_INT(r.by, IM_ROOT_DEV);
	CHECK_STR(r.what, "/dev/vdb2");		/* the last wins, as in the kernel */
	CHECK_INT(im_root_spec_parse("quiet rootdelay=x", &r, &quiet), 0);
	CHECK(r.rootdelay_s < 0);
	CHECK_INT(im_root_spec_parse(NULL, &r, &quiet), 0);
}

/* a word past byte 4095 is whole; a value too long for its field is ignored, never cut */
TEST(rootspec_long_lines_and_values)
{
	static char line[12000], big[600], path[PATH_MAX + 1];
	struct im_root_spec r;
	struct msgs m = { .verbose = -1, .prog = "t" };

	memset(line, 'x', 4090);
	line[4090] = ' ';
	strcpy(line + 4091, "root=UUID=0123-4567-89ab ro");	/* across byte 4095 */
	CHECK_INT(im_root_spec_parse(line, &r, &quiet), 1);
	CHECK_STR(r.what, "0123-4567-89ab");
	memset(big, 'a', sizeof(big) - 1);
	memset(path, 'p', sizeof(path) - 1);	/* a path of PATH_MAX bytes: none */
	snprintf(line, sizeof(line), "root=UUID=good root=/dev/%s init=/x init=/%s", big, path);
	CHECK_INT(im_root_spec_parse(line, &r, &m), 1);
	CHECK_STR(r.what, "good");		/* the too-long one left out */
	CHECK_STR(r.init, "/x");
	CHECK_INT(m.warnings, 2);		/* both said */
	snprintf(line, sizeof(line), "init=/%s", big);	/* a long path fits */
	CHECK_INT(im_root_spec_parse(line, &r, &m), 0);
	CHECK_INT(strlen(r.init), sizeof(big));
}

/*
 * init= as the kernel reads it (PID 1 execs it, loader/init.c): double
 * quotes group a value with blanks and are dropped, the last init= wins
 */
TEST(rootspec_init_quoted_and_the_last_wins)
{
	struct im_root_spec r;

	im_root_spec_parse("quiet init=\"/sbin/my init\" ro", &r, &quiet);
	CHECK_STR(r.init, "/sbin/my init");
	im_root_spec_parse("init=/bin/sh root=/dev/vda init=\"/sbin/my init\"", &r, &quiet);
	CHECK_STR(r.init, "/sbin/my init");
	im_root_spec_parse("init=\"/sbin/my init\" init=/sbin/other", &r, &quiet);
	CHECK_STR(r.init, "/sbin/other");
	im_root_spec_parse("init=\"/sbin/my\"\" init\"", &r, &quiet);	/* quotes toggle */
	CHECK_STR(r.init, "/sbin/my init");
	im_root_spec_parse("quiet ro", &r, &quiet);
	CHECK_STR(r.init, "");
}

/* A root only lvm, cryptsetup or mdadm can bring up is named for what it is. */
TEST(rootspec_names_stacked_roots)
{
	static const struct { const char *cmd, *stack; } c[] = {
		{ "root=/dev/mapper/vg-root", "device-mapper (LVM or LUKS)" },
		{ "root=/dev/dm-0", "device-mapper (LVM or LUKS)" },
		{ "root=/dev/md0", "md RAID" },
		{ "root=/dev/md/root", "md RAID" },
		{ "root=/dev/mdx", NULL },
		{ "root=/dev/vda2", NULL },
		{ "root=UUID=0b5c1c4a-0000-4000-8000-000000000001", NULL },
		{ "root=LABEL=/dev/mapper/x", NULL },
	};
	struct im_root_spec r;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *got;

		im_root_spec_parse(c[i].cmd, &r, &quiet);
		got = im_root_spec_stack(&r);
		if (c[i].stack)
			CHECK_STR(got, c[i].stack);
		else
			CHECK(got == NULL);
	}
}

static int img(const char *dir, const char *name, const void *at0, size_t n0,
	       long off, const void *data, size_t n, long size)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, size) < 0)
		return -1;
	if (at0 && pwrite(fd, at0, n0, 0) != (ssize_t)n0)
		return -1;
	if (data && pwrite(fd, data, n, off) != (ssize_t)n)
		return -1;
	return fd;
}

TEST(blkid_ext4_from_mkfs)
{
	const char *d = t_tmpdir();
	char cmd[700];
	struct im_fsinfo fi;
	int fd;

	snprintf(cmd, sizeof(cmd), "PATH=$PATH:/sbin:/usr/sbin; truncate -s 8M %s/e.img && "
		 "mkfs.ext4 -q -F -L rootlab -U 2f1e9c7a-5d3b-4c2a-9e8f-0123456789ab %s/e.img",
		 d, d);
	CHECK_INT(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/e.img", d);
	fd = open(cmd, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_INT(im_blkid_fs(fd, &fi), 0);
	CHECK_STR(fi.type, "ext4");
	CHECK_STR(fi.uuid, "2f1e9c7a-5d3b-4c2a-9e8f-0123456789ab");
	CHECK_STR(fi.label, "rootlab");
	close(fd);
}

TEST(blkid_xfs_btrfs_fat_and_nothing)
{
	const char *d = t_tmpdir();
	unsigned char sb[512] = { 0 };
	struct im_fsinfo fi;
	int fd, i;

	memcpy(sb, "XFSB", 4);
	for (i = 0; i < 16; i++)
		sb[32 + i] = (unsigned char)(0x10 + i);
	memcpy(sb + 108, "xroot", 5);
	fd = img(d, "x.img", sb, sizeof(sb), 0, NULL, 0, 1 << 20);
	CHECK(fd >= 0);
	CHECK_INT(im_blkid_fs(fd, &fi), 0);
	CHECK_STR(fi.type, "xfs");
	CHECK_STR(fi.uuid, "10111213-1415-1617-1819-1a1b1c1d1e1f");
	CHECK_STR(fi.label, "xroot");
	close(fd);
	memset(sb, 0, sizeof(sb));		/* btrfs: at 64 KiB */
	memcpy(sb + 64, "_BHRfS_M", 8);
	for (i = 0; i < 16; i++)
		sb[32 + i] = (unsigned char)(0xa0 + i);
	memcpy(sb + 0x12b, "broot", 5);
	fd = img(d, "b.img", NULL, 0, 0x10000, sb, sizeof(sb), 1 << 20);
	CHECK(fd >= 0);
	CHECK_INT(im_blkid_fs(fd, &fi), 0);
	CHECK_STR(fi.type, "btrfs");
	CHECK_STR(fi.uuid, "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
	CHECK_STR(fi.label, "broot");
	close(fd);
	memset(sb, 0, sizeof(sb));
	memcpy(sb + 54, "FAT16   ", 8);
	sb[39] = 0xef; sb[40] = 0xbe; sb[41] = 0xad; sb[42] = 0xde;	/* serial */
	memcpy(sb + 43, "BOOT       ", 11);
	sb[510] = 0x55; sb[511] = 0xaa;
	fd = img(d, "f.img", sb, sizeof(sb), 0, NULL, 0, 1 << 20);
	CHECK_INT(im_blkid_fs(fd, &fi), 0);
	CHECK_STR(fi.type, "vfat");
	CHECK_STR(fi.uuid, "DEAD-BEEF");
	CHECK_STR(fi.label, "BOOT");
	close(fd);
	fd = img(d, "z.img", NULL, 0, 0, NULL, 0, 1 << 20);	/* zeros */
	CHECK_INT(im_blkid_fs(fd, &fi), -1);
	CHECK_STR(fi.type, "");
	close(fd);
}

/* What lvm, cryptsetup and mdadm assemble a root from; nothing else. */
TEST(blkid_stack_members)
{
	const char *d = t_tmpdir();
	unsigned char h[64] = { 0 }, md[4] = { 0xfc, 0x4e, 0x2b, 0xa9 };
	struct im_fsinfo fi;
	int fd;

	memcpy(h, "LUKS\xba\xbe\0\2", 8);		/* LUKS2 */
	fd = img(d, "l.img", h, sizeof(h), 0, NULL, 0, 1 << 20);
	CHECK_STR(im_blkid_stack(fd), "crypto_LUKS");
	CHECK_INT(im_blkid_fs(fd, &fi), -1);	/* never a root by UUID */
	close(fd);
	memset(h, 0, sizeof(h));
	memcpy(h, "LABELONE", 8);
	memcpy(h + 24, "LVM2 001", 8);
	fd = img(d, "p.img", NULL, 0, 512, h, 32, 1 << 20);	/* sector 1 */
	CHECK_STR(im_blkid_stack(fd), "LVM2_member");
	close(fd);
	fd = img(d, "m2.img", NULL, 0, 4096, md, 4, 1 << 20);	/* 1.2 */
	CHECK_STR(im_blkid_stack(fd), "linux_raid_member");
	close(fd);
	fd = img(d, "m0.img", NULL, 0, (1 << 20) - 8192, md, 4, 1 << 20);	/* 1.0 */
	CHECK_STR(im_blkid_stack(fd), "linux_raid_member");
	close(fd);
	fd = img(d, "m9.img", NULL, 0, (1 << 20) - 65536, md, 4, (1 << 20) + 4096);	/* 0.90 */
	CHECK_STR(im_blkid_stack(fd), "linux_raid_member");
	close(fd);
	memcpy(h, "LUKS\xba\xbf", 6);		/* one byte off */
	fd = img(d, "n.img", h, 6, 0, NULL, 0, 1 << 20);
	CHECK(im_blkid_stack(fd) == NULL);
	close(fd);
	fd = img(d, "s.img", NULL, 0, 0, NULL, 0, 4096);	/* small, zeros */
	CHECK(im_blkid_stack(fd) == NULL);
	close(fd);
}

TEST(blkid_partuuid_gpt_and_mbr)
{
	const char *d = t_tmpdir();
	unsigned char h[512] = { 0 }, e[128] = { 0 }, mbr[512] = { 0 };
	static const unsigned char guid[16] = {	/* 01234567-89ab-cdef-0011-223344556677 */
		0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
	char out[64];
	int fd;

	memcpy(h, "EFI PART", 8);
	h[72] = 2;		/* entries at LBA 2 */
	h[80] = 128;		/* 128 entries */
	h[84] = 128;		/* of 128 bytes */
	memcpy(e + 16, guid, 16);
	fd = img(d, "g.img", NULL, 0, 512, h, sizeof(h), 1 << 20);
	CHECK(fd >= 0);
	CHECK_INT((int)pwrite(fd, e, sizeof(e), 1024 + 128), 128);	/* entry 2 */
	CHECK_INT(im_blkid_partuuid(fd, 2, 512, out, sizeof(out)), 0);
	CHECK_STR(out, "01234567-89ab-cdef-0011-223344556677");
	CHECK(im_blkid_partuuid(fd, 200, 512, out, sizeof(out)) < 0);
	close(fd);
	mbr[440] = 0x78; mbr[441] = 0x56; mbr[442] = 0x34; mbr[443] = 0x12;
	mbr[510] = 0x55; mbr[511] = 0xaa;
	fd = img(d, "m.img", mbr, sizeof(mbr), 0, NULL, 0, 1 << 20);
	CHECK_INT(im_blkid_partuuid(fd, 1, 512, out, sizeof(out)), 0);
	CHECK_STR(out, "12345678-01");
	close(fd);
}
