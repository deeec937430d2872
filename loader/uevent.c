/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uevent.c - the sysfs walk and the kernel's uevent messages (see
 * uevent.h). The walk models udevadm trigger's device enumeration over
 * /sys/devices (systemd's device-enumerator), reading each uevent file as
 * udev's kmod builtin would receive it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../depgraph/file.h"
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

/* The MODALIAS= value of a uevent file's text, or NULL. */
static char *modalias_of(char *text)
{
	char *p = text;

	while (p && *p) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (strncmp(p, "MODALIAS=", 9) == 0 && p[9])
			return p + 9;
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

struct walk {
	struct im_devices *d;
	size_t root;		/* length of "SYSFS" in path */
	long files;
	int err;
};

static void walk_dir(struct walk *w, char *path, size_t len, int depth)
{
	DIR *dir;
	struct dirent *de;
	char *text;
	size_t n;

	if (len + 8 >= 4096 || depth > WALK_DEPTH)
		return;
	memcpy(path + len, "/uevent", 8);
	if (im_read_file(path, 64 << 10, &text, &n) == 0) {
		const char *ma = modalias_of(text);

		w->files++;
		path[len] = '\0';
		if (ma && im_devices_add(w->d, ma, path + w->root) < 0)
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
	struct walk w = { d, strlen(sysfs), 0, 0 };
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
