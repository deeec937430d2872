/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * root.c - find, mount and switch to the real root (see root.h). The
 * switch follows util-linux's switch_root: move the pseudo filesystems,
 * delete the initramfs's files (not crossing into other filesystems), move
 * the new root over /, chroot.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../base/file.h"
#include "../base/util.h"
#include "root.h"

#ifndef RAMFS_MAGIC		/* linux/magic.h */
#define RAMFS_MAGIC 0x858458f6
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

/* A number from a small sysfs file, -1 when absent. */
static long sysfs_num(const char *path)
{
	char *t;
	size_t n;
	long v = -1;

	if (im_read_regular(path, 64, &t, &n) == 0) {	/* never a FIFO's open */
		v = strtol(t, NULL, 10);
		free(t);
	}
	return v;
}

/*
 * /dev/NAME for a name a (maybe --sysfs given) tree lists: a block device
 * or nothing; O_NONBLOCK so that a FIFO or a terminal there never blocks.
 */
static int open_block(const char *dev)
{
	struct stat st;
	int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode)) {
		close(fd);
		return -ENOTBLK;
	}
	return fd;
}

/* PARTUUID of block device @name (a partition), into @out. */
static int partuuid_of(const char *sysfs, const char *name, char *out,
		       size_t len)
{
	char p[PATH_MAX + 64], real[PATH_MAX], *slash;
	long partno, sector;
	int fd, err;

	snprintf(p, sizeof(p), "%s/class/block/%s/partition", sysfs, name);
	partno = sysfs_num(p);
	snprintf(p, sizeof(p), "%s/class/block/%s", sysfs, name);
	if (partno < 1 || !realpath(p, real) || !(slash = strrchr(real, '/')))
		return -ENOENT;
	*slash = '\0';		/* the disk's directory */
	slash = strrchr(real, '/');
	if (!slash)
		return -ENOENT;
	snprintf(p, sizeof(p), "%s/queue/logical_block_size", real);
	sector = sysfs_num(p);
	snprintf(p, sizeof(p), "/dev/%s", slash + 1);
	fd = open_block(p);
	if (fd < 0)
		return fd;
	err = im_blkid_partuuid(fd, (unsigned)partno, sector > 0 ? (unsigned)sector : 512,
				out, len);
	close(fd);
	return err;
}

/* Does block device @name match @r? *@stack: it is a LUKS, LVM or md member. */
static int matches(const struct im_root_spec *r, const char *sysfs,
		   const char *name, struct im_fsinfo *fi, int *stack)
{
	char dev[PATH_MAX], pu[64];
	int fd, ok = 0;

	snprintf(dev, sizeof(dev), "/dev/%s", name);
	if (r->by == IM_ROOT_PARTUUID)
		ok = partuuid_of(sysfs, name, pu, sizeof(pu)) == 0 &&
		     !strcasecmp(pu, r->what);
	if (r->by == IM_ROOT_DEV) {
		char a[PATH_MAX], b[PATH_MAX];

		ok = !strcmp(dev, r->what) ||
		     (realpath(r->what, a) && realpath(dev, b) && !strcmp(a, b));
	}
	fd = open_block(dev);
	if (fd < 0)
		return 0;
	if (im_blkid_fs(fd, fi) == 0) {
		if (r->by == IM_ROOT_UUID)
			ok = !strcasecmp(fi->uuid, r->what);
		if (r->by == IM_ROOT_LABEL)
			ok = !strcmp(fi->label, r->what);
	} else if (stack && !*stack && im_blkid_stack(fd)) {
		*stack = 1;
	}
	close(fd);
	return ok;
}

/* @fn for each block device name under @sysfs until it returns non-zero. */
static int each_block(const char *sysfs, int (*fn)(void *arg, const char *name),
		      void *arg)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(p, sizeof(p), "%s/class/block", sysfs);
	d = opendir(p);
	while (d && !r && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = fn(arg, de->d_name);
	if (d)
		closedir(d);
	return r;
}

struct find {
	const struct im_root_spec *r;
	const char *sysfs;
	char *dev;
	size_t len;
	struct im_fsinfo *fi;
	int *stack;
};

static int find_one(void *arg, const char *name)
{
	struct find *f = arg;

	memset(f->fi, 0, sizeof(*f->fi));
	if (!matches(f->r, f->sysfs, name, f->fi, f->stack))
		return 0;
	snprintf(f->dev, f->len, "/dev/%s", name);
	return 1;
}

int im_root_look(const struct im_root_spec *r, const char *sysfs,
		 char *dev, size_t len, struct im_fsinfo *fi, int *stack)
{
	struct find f = { r, sysfs, dev, len, fi, stack };

	return each_block(sysfs, find_one, &f);
}

int im_root_find(const struct im_root_spec *r, const char *sysfs,
		 char *dev, size_t len, struct im_fsinfo *fi)
{
	return im_root_look(r, sysfs, dev, len, fi, NULL);
}

/* Try each type of a comma list, or what the device holds. */
int im_root_mount(const struct im_root_spec *r, const char *dev,
		  const struct im_fsinfo *fi, const char *target,
		  struct msgs *m)
{
	char types[sizeof(r->fstype)], *t, *save = NULL;
	unsigned long flags = r->rw ? 0 : MS_RDONLY;
	int err = -EINVAL;

	snprintf(types, sizeof(types), "%s", *r->fstype ? r->fstype : fi->type);
	if (!*types) {
		msg_err(m, "root %s: no filesystem recognised on it; say rootfstype=", dev);
		return -EINVAL;
	}
	mkdir(target, 0755);
	for (t = strtok_r(types, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (mount(dev, target, t, flags, *r->flags ? r->flags : NULL) == 0)
			return 0;
		err = -errno;
		msg_err(m, "cannot mount root %s (%s) on %s: %s", dev, t, target,
			strerror(-err));
	}
	return err;
}

/* Delete what is on the initramfs below @dir, not crossing mounts. */
static void delete_tree(int dfd, dev_t rootdev)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		int fd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st.st_dev != rootdev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0)
				delete_tree(fd, rootdev);
			unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	closedir(d);
}

/*
 * Free the old root (@fd, its directory) only if it is an initramfs: a
 * ramfs or tmpfs, checked on the open directory right before deleting, as
 * util-linux's switch_root does. Anything else (a disk, a chroot on one) is
 * left alone and said. Closes @fd.
 */
static int free_old_root(int fd, dev_t dev, struct msgs *m)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0 || (sf.f_type != RAMFS_MAGIC &&
				     sf.f_type != TMPFS_MAGIC)) {
		if (m)
			msg_warn(m, "the old root is not an initramfs (ramfs or tmpfs): "
				 "its files are left alone");
		close(fd);
		return -1;
	}
	delete_tree(fd, dev);
	return 1;
}

int im_root_switch(const char *newroot, int keep_old, struct msgs *m)
{
	static const char *const moves[] = { "/dev", "/proc", "/sys", "/run", NULL };
	struct stat rs, ns;
	char to[PATH_MAX];
	int i, fd;

	if (stat("/", &rs) < 0 || stat(newroot, &ns) < 0 || rs.st_dev == ns.st_dev) {
		msg_err(m, "switch root: %s is not a mounted filesystem", newroot);
		return -EINVAL;
	}
	for (i = 0; moves[i]; i++) {
		snprintf(to, sizeof(to), "%s%s", newroot, moves[i]);
		if (mount(moves[i], to, NULL, MS_MOVE, NULL) < 0 &&
		    mount(NULL, moves[i], NULL, MS_REC | MS_PRIVATE, NULL) == 0)
			umount2(moves[i], MNT_DETACH);	/* no place for it there */
	}
	if (chdir(newroot) < 0) {
		msg_err(m, "switch root: cd %s: %s", newroot, strerror(errno));
		return -errno;
	}
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mount(newroot, "/", NULL, MS_MOVE, NULL) < 0) {
		msg_err(m, "switch root: cannot move %s to /: %s", newroot, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	if (chroot(".") < 0 || chdir("/") < 0) {
		msg_err(m, "switch root: chroot: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	if (fd >= 0 && !keep_old)	/* the initramfs's memory goes back to the kernel */
		free_old_root(fd, rs.st_dev, m);
	else if (fd >= 0)
		close(fd);
	return 0;
}

int im_root_free_initramfs_after_switch(double wait_s)
{
	struct stat mine, pid1;
	int i, fd;

	if (stat("/", &mine) < 0)
		return 0;
	for (i = 0; i < wait_s * 20; i++) {
		if (stat("/proc/1/root/", &pid1) == 0 && pid1.st_dev != mine.st_dev) {
			fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0)
				return 0;
			return free_old_root(fd, mine.st_dev, NULL);
		}
		im_sleep_ms(50);
	}
	return 0;
}

struct say {
	struct msgs *m;
	int n;
};

static int say_one(void *arg, const char *name)
{
	struct say *sy = arg;
	struct im_fsinfo fi = { 0 };
	char dev[PATH_MAX];
	int fd;

	snprintf(dev, sizeof(dev), "/dev/%s", name);
	fd = open_block(dev);
	if (fd >= 0) {
		im_blkid_fs(fd, &fi);
		close(fd);
	}
	msg_err(sy->m, "  %s: %s%s%s%s%s", dev, *fi.type ? fi.type : "no filesystem recognised",
		*fi.uuid ? " UUID=" : "", fi.uuid, *fi.label ? " LABEL=" : "", fi.label);
	sy->n++;
	return 0;
}

void im_root_say_devices(const char *sysfs, struct msgs *m)
{
	struct say sy = { m, 0 };

	each_block(sysfs, say_one, &sy);
	if (!sy.n)
		msg_err(m, "  (no block devices at all: is the disk's driver in the image?)");
}
