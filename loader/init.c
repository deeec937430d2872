/*
 * init.c - what initmod does as PID 1 (or called from /init): the pseudo
 * filesystems, becoming the kernel's modprobe, the boot's module groups as
 * one DAG, and the hand-over to the next stage (no switch_root: initmod
 * execs init= or the kernel's usual fallbacks inside the initramfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"

static void mount_one(const char *probe, const char *src, const char *dir,
		      const char *type, unsigned long flags, struct msgs *m)
{
	if (access(probe, F_OK) == 0)
		return;		/* mounted (or populated) already */
	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, NULL) < 0 && errno != EBUSY)
		msg_warn(m, "cannot mount %s on %s: %s", type, dir, strerror(errno));
}

void im_init_mounts(struct msgs *m)
{
	mount_one("/proc/self/stat", "proc", "/proc", "proc",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, m);
	mount_one("/sys/kernel", "sysfs", "/sys", "sysfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, m);
	mount_one("/dev/null", "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, m);
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

static int resolve_list(struct im_resolver *r, const struct im_strlist *l)
{
	struct im_steps steps = { 0 };
	int missing = 0, found = 0;
	size_t i;

	for (i = 0; l && i < l->n && found >= 0; i++) {
		found = im_resolve_name(r, l->v[i], NULL, &steps);
		missing += found == 0;
		im_steps_clear(&steps);
	}
	im_steps_free(&steps);
	return found < 0 ? found : missing;
}

/* Every node in [a0, a1) must finish before any node in [b0, b1) starts. */
static int order_groups(struct im_graph *g, size_t a0, size_t a1, size_t b0,
			size_t b1)
{
	size_t a, b;

	for (a = a0; a < a1; a++)
		for (b = b0; b < b1; b++)
			if (im_graph_edge(g, a, b, IM_EDGE_PRE) < 0)
				return -ENOMEM;
	return 0;
}

int im_init_build_graph(struct im_resolver *r, const struct im_strlist *pre,
			const struct im_strlist *main_list,
			const struct im_strlist *post, struct im_graph *g)
{
	size_t npre, nmain;
	int missing = 0, k;

	r->graph = g;
	k = resolve_list(r, pre);
	missing += k > 0 ? k : 0;
	npre = g->n;
	if (k >= 0) {
		k = resolve_list(r, main_list);
		missing += k > 0 ? k : 0;
	}
	nmain = g->n;
	if (k >= 0) {
		k = resolve_list(r, post);
		missing += k > 0 ? k : 0;
	}
	r->graph = NULL;
	if (k < 0)
		return k;
	/* ordering only (a softdep-like edge): a failure here skips nothing */
	if (order_groups(g, 0, npre, npre, g->n) < 0 ||
	    order_groups(g, 0, nmain, nmain, g->n) < 0)
		return -ENOMEM;
	return missing;
}

/* The value of KEY= on the kernel command line, into @buf. */
static int cmdline_value(const char *cmd, const char *key, char *buf,
			 size_t len)
{
	size_t kl = strlen(key);
	const char *p = cmd;

	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " \t\n");

			if (n >= len)
				return 0;
			memcpy(buf, p + kl + 1, n);
			buf[n] = '\0';
			return 1;
		}
		p += strcspn(p, " \t\n");
	}
	return 0;
}

int im_init_guard(const char *kcmdline, int *donefd, struct msgs *m)
{
	char buf[32];
	double t = 120;
	struct pollfd pfd;
	int fds[2], r;
	pid_t pid;

	*donefd = -1;
	if (kcmdline && cmdline_value(kcmdline, "initmod.timeout", buf, sizeof(buf)) &&
	    atof(buf) > 0 && atof(buf) < 86400)
		t = atof(buf);
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
	while ((r = poll(&pfd, 1, (int)(t + 30) * 1000)) < 0 && errno == EINTR)
		;
	if (r == 0)
		msg_err(m, "the loader did not finish within %.0f s; going on with the boot",
			t + 30);
	else if (read(fds[0], buf, 1) != 1)
		msg_err(m, "the loader process ended without finishing (crashed?); going on with the boot");
	close(fds[0]);
	return 1;
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
	char init[PATH_MAX];
	int i;

	if (argv && argv[0]) {
		execv(argv[0], argv);
		msg_err(m, "cannot exec %s: %s", argv[0], strerror(errno));
	}
	if (kcmdline && cmdline_value(kcmdline, "init", init, sizeof(init))) {
		char *const av[] = { init, NULL };

		execv(init, av);
		msg_err(m, "cannot exec init=%s: %s", init, strerror(errno));
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
