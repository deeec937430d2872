/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * load.c - one module load. Order of business: hard blacklist, already in
 * the kernel, install command, then the file: finit_module with the
 * kernel's decompression when it understands the file's format, otherwise
 * userspace decompression and init_module. EEXIST counts as present; EBUSY
 * (another copy failing or going) is retried once after it settles.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/file.h"
#include "load.h"

const char *im_load_errmsg(int err)
{
	switch (-err) {
	case ENOENT:
		return "unknown symbol in module, or unknown parameter (see dmesg)";
	case ENODEV:
	case ENXIO:
		return "no such device: the hardware this driver is for is not present";
	case EPERM:
		return "operation not permitted: module loading is disabled, the module is in module_blacklist=, or we are not root";
	case EKEYREJECTED:
		return "signature rejected: the module is not signed by a trusted key";
	case EBADMSG:
		return "bad signature or malformed module";
	case ENOEXEC:
		return "invalid module format: not an ELF module for this kernel";
	case EBUSY:
		return "busy: another copy of this module is failing or being removed";
	case EINVAL:
		return "invalid argument: bad parameters or a module the kernel rejects (see dmesg)";
	case EEXIST:
		return "module already in kernel";
	case ENOMEM:
		return "out of memory";
	case ETIMEDOUT:
		return "timed out";
	case ENOSYS:
		return "the kernel has no module support (or a sandbox forbids loading)";
	default:
		return strerror(-err);
	}
}

static void fail(struct im_load *l, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct im_load *l, int err, const char *fmt, ...)
{
	va_list ap;

	l->result = IM_LOAD_FAILED;
	l->err = err;
	va_start(ap, fmt);
	vsnprintf(l->why, sizeof(l->why), fmt, ap);
	va_end(ap);
}

/* The whole file, for userspace decompression or the init_module path. */
static int read_all(int fd, void **buf, size_t *len)
{
	char *b;
	int err;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	err = im_read_fd(fd, IM_READ_ALL, &b, len);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	return 0;
}

/* Decompress in userspace, then init_module. */
static int load_buffer(struct im_load_env *env, struct im_load *l, int fd,
		       enum im_comp c, const char *opts)
{
	const char *path = l->path;
	void *raw = NULL, *img = NULL;
	size_t rawlen = 0, imglen = 0;
	char why[200];
	int err;

	err = read_all(fd, &raw, &rawlen);
	if (err) {
		fail(l, err, "cannot read %s: %s", path, strerror(-err));
		return err;
	}
	if (c != IM_COMP_NONE) {
		err = im_decompress(c, raw, rawlen, &img, &imglen, why,
				    sizeof(why));
		free(raw);
		if (err) {
			fail(l, err, "cannot decompress %s: %s", path, why);
			return err;
		}
	} else {
		img = raw;
		imglen = rawlen;
	}
	l->t_call = im_ms_since(&env->t0);
	err = env->k->init_module(env->k, img, imglen, opts);
	free(img);
	return err;
}

/*
 * The kernel refused a compressed file with @kerr: an older kernel, or one
 * that cannot decode it; or (EINVAL) the module's own init failed. Decode
 * it here and load again; only when that works, or the kernel said it
 * cannot (EOPNOTSUPP), decompress in userspace from now on: a module that
 * fails on its own must not slow down every later load.
 */
static int kernel_refused(struct im_load_env *env, struct im_load *l, int fd,
			  enum im_comp c, const char *opts, int kerr)
{
	const char *name = l->name;
	int err = load_buffer(env, l, fd, c, opts);

	if ((err == 0 || kerr == -EOPNOTSUPP) &&
	    !__atomic_exchange_n(&env->kdecomp_broken, 1, __ATOMIC_RELAXED))
		msg_info(env->m, "kernel refused compressed %s (%s); decompressing in userspace from now on",
			 name, strerror(-kerr));
	return err;
}

static int load_file(struct im_load_env *env, struct im_load *l, const char *opts)
{
	unsigned char magic[6];
	enum im_comp c;
	ssize_t r;
	int fd, err;

	fd = open(l->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		fail(l, err, "cannot open %s: %s", l->path, strerror(errno));
		return err;
	}
	r = pread(fd, magic, sizeof(magic), 0);
	c = im_comp_detect(magic, r > 0 ? (size_t)r : 0);
	l->t_call = im_ms_since(&env->t0);
	if (c == IM_COMP_NONE) {
		err = env->k->finit_module(env->k, fd, opts, 0);
		if (err == -ENOSYS)	/* no finit_module: very old kernel */
			err = load_buffer(env, l, fd, c, opts);
	} else if (c == env->kcomp && !env->user_decompress &&
		   !__atomic_load_n(&env->kdecomp_broken, __ATOMIC_RELAXED)) {
		err = env->k->finit_module(env->k, fd, opts,
					 IM_MODULE_INIT_COMPRESSED_FILE);
		if (!err)
			msg_info(env->m, "%s: the kernel decompressed %s (%s)",
				 l->name, l->path, im_comp_name(c));
		if (err == -EINVAL || err == -EOPNOTSUPP)
			err = kernel_refused(env, l, fd, c, opts, err);
	} else {
		err = load_buffer(env, l, fd, c, opts);
	}
	close(fd);
	return err;
}


/* EBUSY: wait (bounded) until the other copy is live or gone. */
static void wait_settled(struct im_load_env *env, const char *name)
{
	int waited = 0;

	while (waited < 30000 && !__atomic_load_n(&env->stop, __ATOMIC_RELAXED)) {
		enum im_modstate s = env->k->module_state(env->k, name);

		if (s != IM_MOD_COMING && s != IM_MOD_GOING)
			return;
		im_sleep_ms(20);
		waited += 20;
	}
}

/* kmod replaces $CMDLINE_OPTS in install commands with the options. */
static char *expand_install(const char *cmd, const char *opts)
{
	static const char var[] = "$CMDLINE_OPTS";
	size_t ol = strlen(opts), n = 0;
	const char *p;
	char *out, *o;

	for (p = cmd; (p = strstr(p, var)); p += sizeof(var) - 1)
		n++;
	out = malloc(strlen(cmd) + n * ol + 1);
	if (!out)
		return NULL;
	for (o = out, p = cmd; *p;) {
		if (strncmp(p, var, sizeof(var) - 1) == 0) {
			memcpy(o, opts, ol);
			o += ol;
			p += sizeof(var) - 1;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static void run_install(struct im_load_env *env, struct im_load *l, const char *opts)
{
	char *cmd = expand_install(l->install, opts);
	int r;

	if (!cmd) {
		fail(l, -ENOMEM, "out of memory for the install command");
		return;
	}
	l->t_call = im_ms_since(&env->t0);
	r = env->k->run_command(env->k, cmd, l->name);
	free(cmd);
	if (r == 0) {
		l->result = IM_LOAD_LOADED;
	} else if (r == -ENOEXEC) {
		fail(l, r, "install command needs /bin/sh, which is missing: %s",
		     l->install);
	} else if (r < 0) {
		fail(l, r, "install command could not run (%s): %s",
		     strerror(-r), l->install);
	} else {
		fail(l, -EIO, "install command exited with status %d: %s", r,
		     l->install);
	}
}

void im_load_run(struct im_load_env *env, struct im_load *l)
{
	const char *opts = l->options ? l->options : "";
	int err;

	if (l->blacklisted) {
		l->result = IM_LOAD_SKIPPED;
		snprintf(l->why, sizeof(l->why),
			 "blacklisted on the kernel command line");
		return;
	}
	if (l->builtin || l->same_file) {
		l->result = IM_LOAD_PRESENT;
		return;
	}
	if (env->k->module_state(env->k, l->name) == IM_MOD_LIVE) {
		l->result = IM_LOAD_PRESENT;
		return;
	}
	if (l->install && !env->ignore_install) {
		run_install(env, l, opts);
		return;
	}
	if (!l->path) {
		fail(l, -ENOENT, "no file for this module in the module directory");
		return;
	}
	err = load_file(env, l, opts);
	if (l->result == IM_LOAD_FAILED)
		return;
	if (err == -EBUSY) {
		wait_settled(env, l->name);
		if (__atomic_load_n(&env->stop, __ATOMIC_RELAXED)) {
			fail(l, err, "%s: another copy was still loading or unloading at the deadline",
			     l->path);
			return;
		}
		err = load_file(env, l, opts);
		if (l->result == IM_LOAD_FAILED)
			return;
	}
	if (err == 0) {
		l->result = IM_LOAD_LOADED;
	} else if (err == -EEXIST) {
		l->result = IM_LOAD_PRESENT;
	} else if (strcmp(im_load_errmsg(err), strerror(-err)) == 0) {
		fail(l, err, "%s: %s", l->path, strerror(-err));
	} else {
		fail(l, err, "%s: %s (%s)", l->path, im_load_errmsg(err),
		     strerror(-err));
	}
}
