/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * init.c - what initmod does as PID 1 (or called from /init), in the order
 * im_init_main() does it: mount the pseudo filesystems, read the kernel
 * command line once, fork the guard; the child becomes the kernel's
 * modprobe and loads the boot's plan in one DAG run; the parent execs the
 * next stage: with root=, after switching to it (init= or /sbin/init
 * there), else init= or the kernel's usual fallbacks inside the initramfs.
 * The root before the rest: a coldplugging child tells the parent as soon
 * as the root device is there ('r' on the guard pipe) and goes on loading
 * the other drivers in a mount namespace of its own, where the initramfs
 * stays as it was; the parent switches to the root and execs its init at
 * once, and the child frees the initramfs when it is done.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/kmsg.h"
#include "../config/cmdline.h"
#include "../config/rootspec.h"
#include "init.h"
#include "coldplug.h"
#include "root.h"
#include "run.h"

/* Mount @type on @dir unless something is mounted there already. */
static void mount_one(const char *src, const char *dir, const char *type,
		      unsigned long flags, struct msgs *m)
{
	struct stat root, st;

	mkdir(dir, 0755);
	if (stat("/", &root) == 0 && stat(dir, &st) == 0 && st.st_dev != root.st_dev)
		return;		/* a mount point already (an image's static
				 * /dev/null does not make /dev a devtmpfs) */
	if (mount(src, dir, type, flags, NULL) < 0 && errno != EBUSY)
		msg_warn(m, "cannot mount %s on %s: %s", type, dir, strerror(errno));
}

void im_init_mounts(struct msgs *m)
{
	mount_one("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, m);
	mount_one("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, m);
	mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, m);
}

void im_init_set_modprobe(struct msgs *m)
{
	static const char *const links[] = { "/sbin/modprobe", "/usr/sbin/modprobe",
					     "/bin/modprobe", NULL };
	char self[PATH_MAX], real[PATH_MAX];
	const char *use = NULL;
	ssize_t n;
	int fd, i;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		msg_warn(m, "cannot find my own path: %s", strerror(errno));
		return;
	}
	self[n] = '\0';
	/* prefer a "modprobe" name for us: argv[0] then says what to do */
	for (i = 0; links[i] && !use; i++)
		if (realpath(links[i], real) && strcmp(real, self) == 0)
			use = links[i];
	if (!use)
		use = self;
	fd = open("/proc/sys/kernel/modprobe", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, use, strlen(use)) < 0)
		msg_warn(m, "cannot set /proc/sys/kernel/modprobe to %s: %s", use,
			 strerror(errno));
	if (fd >= 0)
		close(fd);
}

double im_init_deadline(const char *kcmdline, const struct im_opts *o)
{
	struct msgs quiet = { .verbose = -1 };	/* the config reader warns */
	double t;

	if (im_cmdline_timeout(kcmdline, &t, &quiet))
		return t;
	return o && o->timeout >= 0 ? o->timeout : 120;	/* --timeout 0: never */
}

double im_init_backstop(double deadline_s)
{
	return deadline_s > 0 ? deadline_s + 30 : 0;
}

int im_init_guard(double backstop_s, int *donefd, struct msgs *m)
{
	struct pollfd pfd;
	int fds[2], r;
	char c;
	pid_t pid;

	*donefd = -1;
	fflush(NULL);
	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		msg_err(m, "cannot start the loader process (%s); loading in PID 1",
			strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		*donefd = fds[1];
		return 0;
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	/* the child's own deadline reports first; this is the backstop */
	while ((r = poll(&pfd, 1, backstop_s > 0 ? (int)(backstop_s * 1000) : -1)) < 0 &&
	       errno == EINTR)
		;
	if (r == 0)
		msg_err(m, "the loader did not finish within %.1f s; going on with the boot",
			backstop_s);
	else if (read(fds[0], &c, 1) != 1)
		msg_err(m, "the loader process ended without finishing (crashed?); going on with the boot");
	else if (c == 'r')
		r = 2;		/* the root is there; the loader goes on */
	close(fds[0]);
	return r == 2 ? 2 : 1;
}

void im_init_guard_done(int donefd)
{
	fflush(NULL);
	if (donefd >= 0 && write(donefd, "", 1) < 0)
		_exit(1);
	_exit(0);
}

void im_init_exec_next(char *const *argv, const char *kcmdline,
		       struct msgs *m)
{
	static const char *const fallback[] = { "/sbin/init", "/etc/init",
						"/bin/init", "/bin/sh", NULL };
	struct msgs quiet = { .verbose = -1 };	/* the root's words said */
	struct im_root_spec r;
	int i;

	if (argv && argv[0]) {
		execv(argv[0], argv);
		msg_err(m, "cannot exec %s: %s", argv[0], strerror(errno));
	}
	/* init= as the kernel reads it: quotes removed, the last one wins */
	im_root_spec_parse(kcmdline, &r, &quiet);
	if (r.init[0]) {
		char *const av[] = { r.init, NULL };

		execv(r.init, av);
		msg_err(m, "cannot exec init=%s: %s", r.init, strerror(errno));
	}
	for (i = 0; fallback[i]; i++) {
		char *const av[] = { (char *)fallback[i], NULL };

		if (access(fallback[i], X_OK) == 0) {
			execv(fallback[i], av);
			msg_err(m, "cannot exec %s: %s", fallback[i], strerror(errno));
		}
	}
	msg_err(m, "no next stage to run (tried init=, /sbin/init, /etc/init, /bin/init, /bin/sh)");
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
}

/* The child's news for the parent: the root device is there (once). */
struct early {
	int fd;			/* the guard pipe, -1: no early switch */
	int told;
};

static void root_found(void *arg, const char *dev)
{
	struct early *e = arg;

	(void)dev;
	if (e->fd >= 0 && !e->told) {
		fflush(NULL);
		e->told = write(e->fd, "r", 1) == 1;
	}
}

/*
 * The child may go on after the parent switched root only in a mount
 * namespace of its own: the parent's moves of /dev, /proc, /sys and /run
 * then leave the child's as they are. Without one, no early switch.
 */
static int own_namespace(void)
{
	return unshare(CLONE_NEWNS) == 0 &&
	       mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
}

/* The loader's work in the guarded child: the boot's plan, one engine run. */
static void boot_load(const struct im_opts *o, const char *kcmd,
		      double deadline, const struct im_boot_root *root,
		      struct msgs *m)
{
	struct im_engine_opts eo;
	struct im_session s;
	int bad;

	if (im_session_open(&s, o, kcmd, m) < 0) {
		msg_err(m, "out of memory: loading nothing");
		return;
	}
	if (s.cfg.verbose > m->verbose)
		m->verbose = s.cfg.verbose;
	im_init_set_modprobe(m);
	im_run_engine_opts(&s, o, deadline, m, &eo);
	im_run_boot(&s, o, &eo, root, m, &bad);
	im_run_print_peak_rss(m, o->stats);
	im_session_close(&s);
}

/* initmod.coldplug= as the child reads it (unset: on). */
static int coldplug_on(const char *kcmd)
{
	struct msgs quiet = { .verbose = -1 };
	struct im_config c;
	int on;

	im_config_init(&c);
	im_cmdline_parse_lists(&c, kcmd ? kcmd : "", &quiet);
	on = c.coldplug != 0;
	im_config_free(&c);
	return on;
}

/* The rescue shell, if the image has one. */
static void rescue(struct msgs *m)
{
	char *const sh[] = { "/bin/sh", NULL };
	char *const bb[] = { "/bin/busybox", "sh", NULL };

	msg_err(m, "starting a rescue shell");
	execv(sh[0], sh);
	execv(bb[0], bb);
	msg_err(m, "no shell in this image (/bin/sh, /bin/busybox)");
}

/*
 * root=: mount it and switch to it (PID 1), then the caller execs init=
 * or /sbin/init there. A coldplugging loader child waited for the device
 * already (1 s more here); without coldplug, wait here: rootdelay=, else
 * the deadline. Returns only when the boot could not go on (said, and a
 * rescue shell tried).
 */
static void boot_root(const struct im_root_spec *r, double wait_s,
		      int keep_old, struct msgs *m)
{
	const char *stack = im_root_spec_stack(r);
	struct im_fsinfo fi;
	char dev[64], what[300];
	int tries;

	for (tries = 0; !im_root_find(r, "/sys", dev, sizeof(dev), &fi); tries++) {
		if (tries >= wait_s * 20) {
			msg_err(m, "the root device %s did not appear (%s); the block devices there are:",
				im_root_spec_str(r, what, sizeof(what)),
				r->rootwait ? "rootwait: waited until the deadline" :
				r->rootdelay_s >= 0 ? "waited rootdelay=" : "waited until the deadline");
			im_root_say_devices("/sys", m);
			if (stack)
				msg_err(m, "root=%s is a %s device, which this image cannot assemble (it has no lvm, cryptsetup or mdadm); boot such a root with an image of update-initramfs or dracut, which initmod's hook serves",
					r->what, stack);
			rescue(m);
			return;
		}
		im_sleep_ms(50);
	}
	msg_info(m, "root %s is %s (%s)", im_root_spec_str(r, what, sizeof(what)),
		 dev, *fi.type ? fi.type : "?");
	if (im_root_mount(r, dev, &fi, "/root", m) < 0 ||
	    im_root_switch("/root", keep_old, m) < 0)
		rescue(m);
}

/*
 * PID 1's messages go to the kernel log too, once /dev is mounted (none
 * off PID 1: --init-test). The loader child then opens a file of its own
 * (@child), so that the kernel's rate limit, which counts per open file,
 * is its own too.
 */
static void open_kmsg(struct im_kmsg *k, int child, struct msgs *m)
{
	if (child ? !m->kmsg : getpid() != 1)
		return;
	if (child)
		im_kmsg_close(k);
	m->kmsg = im_kmsg_open(k, m->prog) == 0 ? k : NULL;
}

int im_init_main(struct im_opts *o, int opts_err, struct msgs *m)
{
	struct msgs quiet = { .verbose = -1 };
	struct im_root_spec root;
	struct early early = { .fd = -1 };
	struct im_kmsg kmsg;
	struct im_boot_root br = { .spec = &root, .found = root_found,
				   .arg = &early };
	double deadline;
	char *kcmd;
	int donefd = -1, has_root, g;

	im_init_mounts(m);
	open_kmsg(&kmsg, 0, m);
	kcmd = im_cmdline_with_dir(im_cmdline_read("/proc/cmdline", m),
				   "/etc/cmdline.d", m);
	deadline = im_init_deadline(kcmd, o);
	has_root = !o->exec_argv && im_root_spec_parse(kcmd, &root, &quiet);
	g = im_init_guard(im_init_backstop(deadline), &donefd, m);
	if (g <= 0) {
		/* the child (or PID 1 itself when fork failed) */
		if (g == 0)
			open_kmsg(&kmsg, 1, m);
		if (g == 0 && has_root && own_namespace())
			early.fd = donefd;
		if (!opts_err)
			boot_load(o, kcmd, deadline, has_root ? &br : NULL, m);
		if (early.told) {	/* the parent switched, or is at it */
			int freed = im_root_free_initramfs_after_switch(60);

			if (freed > 0)
				msg_info(m, "the initramfs is freed (PID 1 switched to the root)");
			else if (freed < 0)
				msg_warn(m, "the old root is not a ramfs or tmpfs: its files are left alone");
			else
				msg_warn(m, "PID 1 did not switch to the root within 60 s: the initramfs stays");
			fflush(NULL);
			_exit(0);
		}
		if (donefd >= 0)
			im_init_guard_done(donefd);	/* _exits */
	}
	if (has_root)	/* on success init= is the real root's */
		boot_root(&root, o->coldplug != 0 && coldplug_on(kcmd) ? 1 :
			  root.rootdelay_s >= 0 ? root.rootdelay_s :
			  deadline > 0 ? deadline : IM_SETTLE_MAX_S, g == 2, m);
	im_init_exec_next(o->exec_argv, kcmd, m);
	free(kcmd);
	im_opts_free(o);
	return 1;
}
