/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel_linux.c - the real kernel: finit_module/init_module system calls,
 * /sys/module for module states and the kernel's decompressor, /bin/sh for
 * modprobe.d install commands, the uevent netlink socket for devices.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../base/util.h"
#include "kernel_linux.h"

extern char **environ;

/* <linux/netlink.h>'s part we need: musl-gcc has no kernel headers. */
#define IM_NETLINK_KOBJECT_UEVENT 15
struct im_sockaddr_nl {
	sa_family_t nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid;	/* 0: the kernel */
	uint32_t nl_groups;	/* 1: the kernel's uevents */
};

static int sys_finit(struct im_kernel *k, int fd, const char *params, int flags)
{
	(void)k;
	return syscall(SYS_finit_module, fd, params, flags) == 0 ? 0 : -errno;
}

static int sys_init(struct im_kernel *k, const void *image, size_t len,
		    const char *params)
{
	(void)k;
	return syscall(SYS_init_module, image, len, params) == 0 ? 0 : -errno;
}

/* A sysfs attribute: a regular file, or nothing (a FIFO never blocks). */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static enum im_modstate sys_state(struct im_kernel *k, const char *name)
{
	static const char *const states[] = {
		[IM_MOD_COMING] = "coming", [IM_MOD_LIVE] = "live",
		[IM_MOD_GOING] = "going",
	};
	const char *sysfs = k->priv;
	char path[512], buf[32];
	struct stat st;
	int i;

	snprintf(path, sizeof(path), "%s/module/%s/initstate", sysfs, name);
	if (read_small(path, buf, sizeof(buf)) < 0) {
		/* a directory without initstate: builtin with parameters, or
		 * a module still being formed; kmod calls it coming */
		snprintf(path, sizeof(path), "%s/module/%s", sysfs, name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return IM_MOD_COMING;
		return IM_MOD_ABSENT;
	}
	i = im_prefix_index(buf, states, sizeof(states) / sizeof(states[0]));
	return i < 0 ? IM_MOD_ABSENT : (enum im_modstate)i;
}

static enum im_comp sys_compression(struct im_kernel *k)
{
	char path[512], buf[32];

	snprintf(path, sizeof(path), "%s/module/compression", (char *)k->priv);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return IM_COMP_NONE;
	return im_comp_from_name(buf);
}

static int sys_run(struct im_kernel *k, const char *cmd, const char *module)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	char env[300];
	char *envp[64];
	size_t n = 0;
	pid_t pid;
	int st, err;

	(void)k;
	if (access("/bin/sh", X_OK) != 0)
		return -ENOEXEC;
	snprintf(env, sizeof(env), "MODPROBE_MODULE=%s", module);
	envp[n++] = env;
	for (char **e = environ; e && *e && n < 63; e++)
		if (strncmp(*e, "MODPROBE_MODULE=", 16) != 0)
			envp[n++] = *e;
	envp[n] = NULL;
	err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, envp);
	if (err)
		return -err;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Bound before the walk; a big buffer: a burst of probes must not overflow it. */
static int sys_uevent_open(struct im_kernel *k)
{
	struct im_sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd, size = 8 << 20;

	(void)k;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    IM_NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The kernel's messages only (sender port 0): udev and others are dropped. */
static long sys_uevent_recv(struct im_kernel *k, int fd, char *buf, size_t len)
{
	struct im_sockaddr_nl sa;
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
			     .msg_iov = &iov, .msg_iovlen = 1 };

	(void)k;
	for (;;) {
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		if (mh.msg_namelen == sizeof(sa) && sa.nl_pid == 0)
			return n;
		mh.msg_namelen = sizeof(sa);
	}
}

void im_kernel_linux(struct im_kernel *k, const char *sysfs)
{
	k->finit_module = sys_finit;
	k->init_module = sys_init;
	k->module_state = sys_state;
	k->compression = sys_compression;
	k->run_command = sys_run;
	k->uevent_open = sys_uevent_open;
	k->uevent_recv = sys_uevent_recv;
	k->priv = (void *)sysfs;
}
