/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel_linux.c - the real kernel: finit_module/init_module system calls,
 * /sys/module for module states and the kernel's decompressor, /bin/sh for
 * modprobe.d install commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel.h"

extern char **environ;

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

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static enum im_modstate sys_state(struct im_kernel *k, const char *name)
{
	const char *sysfs = k->priv;
	char path[512], buf[32];
	struct stat st;

	snprintf(path, sizeof(path), "%s/module/%s/initstate", sysfs, name);
	if (read_small(path, buf, sizeof(buf)) < 0) {
		/* a directory without initstate: builtin with parameters, or
		 * a module still being formed; kmod calls it coming */
		snprintf(path, sizeof(path), "%s/module/%s", sysfs, name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return IM_MOD_COMING;
		return IM_MOD_ABSENT;
	}
	if (strncmp(buf, "live", 4) == 0)
		return IM_MOD_LIVE;
	if (strncmp(buf, "coming", 6) == 0)
		return IM_MOD_COMING;
	if (strncmp(buf, "going", 5) == 0)
		return IM_MOD_GOING;
	return IM_MOD_ABSENT;
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

void im_kernel_linux(struct im_kernel *k, const char *sysfs)
{
	k->finit_module = sys_finit;
	k->init_module = sys_init;
	k->module_state = sys_state;
	k->compression = sys_compression;
	k->run_command = sys_run;
	k->priv = (void *)sysfs;
}
