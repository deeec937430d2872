/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uevent.c - the sysfs walk and the kernel's uevent messages (see
 * uevent.h). The walk models udevadm trigger's device enumeration over
 * /sys/devices (systemd's device-enumerator), reading each uevent file as
 * udev's kmod builtin would receive it. The tree may be anyone's
 * (--sysfs): links are not followed, and a uevent that is not a regular
 * file (a FIFO would block the open for ever) is skipped, said.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/file.h"
#include "uevent.h"

#define WALK_DEPTH 64		/* sysfs device trees are far shallower */

void im_devices_free(struct im_devices *d)
{
	free(d->v);
	strmap_free(&d->byalias);
	strmap_free(&d->bydev);
	arena_free(&d->a);
	memset(d, 0, sizeof(*d));
}

int im_devices_add(struct im_devices *d, const char *modalias,
		   const char *devpath)
{
	struct im_device dev = { NULL, strmap_get(&d->bydev, devpath) };

	if (!dev.devpath) {
		dev.devpath = arena_strndup(&d->a, devpath, strlen(devpath));
		if (!dev.devpath || strmap_put(&d->bydev, dev.devpath, (void *)dev.devpath) < 0)
			return -ENOMEM;
		d->seen++;
	}
	if (strmap_get(&d->byalias, modalias))
		return 0;
	dev.modalias = arena_strndup(&d->a, modalias, strlen(modalias));
	if (!dev.modalias || VEC_PUSH(d->v, d->n, d->cap, dev) < 0)
		return -ENOMEM;
	if (strmap_put(&d->byalias, dev.modalias, (void *)1) < 0) {
		d->n--;
		return -ENOMEM;
	}
	return 1;
}

/*
 * udev's rules that load modules for a device without its MODALIAS
 * (Debian 12: 80-drivers.rules and 80-debian-compat.rules). Not modelled:
 * parport_pc's ppdev (a module event) and mtd's sm_ftl (needs a probe's
 * MTD_FTL); i2o is gone from the kernel.
 */
static const struct {
	const char *subsystem, *devtype, *key, *value, *modules;
} udev_rules[] = {
	{ "scsi", "scsi_device", NULL, NULL, "sg" },
	{ "tifm", NULL, "TIFM_CARD_TYPE", "SD", "tifm_sd" },
	{ "tifm", NULL, "TIFM_CARD_TYPE", "MS", "tifm_ms" },
	{ "memstick", NULL, NULL, NULL, "ms_block mspro_block" },
};

/* The value of KEY in "KEY=VALUE" lines (@sep '\n') or strings (@sep '\0'). */
static const char *env_get(const char *env, size_t len, char sep,
			   const char *key)
{
	size_t kl = strlen(key);
	const char *p = env, *end = env + len;

	while (p < end) {
		const char *e = memchr(p, sep, end - p);

		if (!e)
			e = end;
		if ((size_t)(e - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == '=')
			return p + kl + 1;
		p = e + 1;
	}
	return NULL;
}

int im_device_add_env(struct im_devices *d, const char *devpath,
		      const char *subsystem, const char *env, size_t len,
		      char sep)
{
	const char *ma = env_get(env, len, sep, "MODALIAS");
	const char *devtype = env_get(env, len, sep, "DEVTYPE");
	char buf[256];
	size_t i, n;
	int r = 0;

	if (ma && *ma && *ma != sep) {	/* a CPU's runs to a kilobyte and more */
		char *v = xstrndup(ma, strcspn(ma, sep ? "\n" : ""));

		r = v ? im_devices_add(d, v, devpath) : -ENOMEM;
		free(v);
	}
	for (i = 0; r >= 0 && subsystem && i < sizeof(udev_rules) / sizeof(udev_rules[0]); i++) {
		const char *v, *m;

		if (strcmp(subsystem, udev_rules[i].subsystem))
			continue;
		if (udev_rules[i].devtype && (!devtype ||
		    strncmp(devtype, udev_rules[i].devtype, strlen(udev_rules[i].devtype)) ||
		    (devtype[strlen(udev_rules[i].devtype)] != sep &&
		     devtype[strlen(udev_rules[i].devtype)] != '\0')))
			continue;
		v = udev_rules[i].key ? env_get(env, len, sep, udev_rules[i].key) : NULL;
		if (udev_rules[i].key && (!v || strncmp(v, udev_rules[i].value,
						       strlen(udev_rules[i].value))))
			continue;
		for (m = udev_rules[i].modules; r >= 0 && *m; m += n + (m[n] == ' ')) {
			n = strcspn(m, " ");
			snprintf(buf, sizeof(buf), "%.*s", (int)n, m);
			r = im_devices_add(d, buf, devpath);
		}
	}
	return r;
}

struct walk {
	struct im_devices *d;
	struct msgs *m;
	size_t root;		/* length of "SYSFS" in path */
	long files;
	int err;
};

/* DIR/uevent, when it is a regular file (a FIFO would block the walk). */
static int read_uevent(struct walk *w, const char *path, char **text,
		       size_t *n)
{
	int err = im_read_regular(path, 64 << 10, text, n);

	if (err == -EINVAL || err == -ELOOP)
		msg_warn(w->m, "coldplug: skipping %s: %s, not a sysfs attribute",
			 path, err == -ELOOP ? "a symbolic link" : "not a regular file");
	return err;
}

static void walk_dir(struct walk *w, char *path, size_t len, int depth)
{
	DIR *dir;
	struct dirent *de;
	char *text;
	size_t n;

	if (len + 8 >= 4096 || depth > WALK_DEPTH)
		return;
	memcpy(path + len, "/uevent", 8);
	if (read_uevent(w, path, &text, &n) == 0) {
		char sub[256];
		ssize_t sl;

		w->files++;
		memcpy(path + len, "/subsystem", 11);
		sl = readlink(path, sub, sizeof(sub) - 1);
		sub[sl > 0 ? sl : 0] = '\0';
		path[len] = '\0';
		if (im_device_add_env(w->d, path + w->root,
				      sl > 0 ? strrchr(sub, '/') ? strrchr(sub, '/') + 1 : sub : NULL,
				      text, n, '\n') < 0)
			w->err = -ENOMEM;
	}
	free(text);
	path[len] = '\0';
	dir = opendir(path);
	if (!dir)
		return;
	while (!w->err && (de = readdir(dir))) {
		size_t l = strlen(de->d_name);

		struct stat st;

		if ((de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) ||
		    de->d_name[0] == '.' || len + 1 + l >= 4096)
			continue;	/* links (subsystem, driver, ...) not followed */
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, l + 1);
		if (de->d_type == DT_DIR ||
		    (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)))
			walk_dir(w, path, len + 1 + l, depth + 1);
		path[len] = '\0';
	}
	closedir(dir);
}

long im_uevent_walk(const char *sysfs, struct im_devices *d, struct msgs *m)
{
	struct walk w = { d, m, strlen(sysfs), 0, 0 };
	char *path = malloc(4096);
	int n;

	if (!path)
		return -ENOMEM;
	n = snprintf(path, 4096, "%s/devices", sysfs);
	if (n <= 0 || n >= 4096 || access(path, R_OK | X_OK) < 0) {
		int err = n > 0 && n < 4096 ? -errno : -ENAMETOOLONG;

		msg_err(m, "coldplug: cannot read %s: %s", path, strerror(-err));
		free(path);
		return err;
	}
	walk_dir(&w, path, (size_t)n, 0);
	free(path);
	return w.err ? w.err : w.files;
}

int im_uevent_parse(char *buf, size_t len, struct im_uevent *ev)
{
	char *p = buf, *end = buf + len, *at;

	memset(ev, 0, sizeof(*ev));
	if (!len || buf[len - 1] != '\0')
		return -EINVAL;		/* kernel messages end with a NUL */
	at = strchr(buf, '@');
	if (!at || at == buf)
		return -EINVAL;		/* libudev's "libudev\0" messages too */
	for (p += strlen(p) + 1; p < end; p += strlen(p) + 1) {
		if (strncmp(p, "ACTION=", 7) == 0)
			ev->action = p + 7;
		else if (strncmp(p, "DEVPATH=", 8) == 0)
			ev->devpath = p + 8;
		else if (strncmp(p, "SUBSYSTEM=", 10) == 0)
			ev->subsystem = p + 10;
		else if (strncmp(p, "MODALIAS=", 9) == 0 && p[9])
			ev->modalias = p + 9;
		else if (strncmp(p, "SEQNUM=", 7) == 0)
			ev->seqnum = strtoull(p + 7, NULL, 10);
	}
	return ev->action && ev->devpath ? 0 : -EINVAL;
}
