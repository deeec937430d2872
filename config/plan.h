/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan.h - the one place where requested names become the plan graph the
 * loader runs: names in groups (a group starts after every module of the
 * groups before it finished), resolved exactly as modprobe resolves them,
 * recorded with their dependency edges. The boot's groups (rd.driver.pre=,
 * then modules_load=, rd.modules_load= and modules-load.d, then
 * rd.driver.post=) are built here too.
 */
#ifndef INITMOD_PLAN_H
#define INITMOD_PLAN_H

#include "resolve.h"

/* What kind of name a request carries, and so how it is resolved. */
enum im_request_kind {
	IM_REQ_NAME,		/* a module name or alias, as modprobe NAME */
	IM_REQ_ARG,		/* an argument of initmod's own command line:
				 * "/x.ko" and "./x.ko" name files (kmod >= 31),
				 * anything else is a name; names from
				 * modprobe.d or the kernel command line are
				 * never of this kind */
	IM_REQ_MODALIAS,	/* a device's MODALIAS (or the kernel's own
				 * request alias, fs-TYPE): resolved as udev's
				 * kmod builtin does, none found is silent */
	IM_REQ_LISTED,		/* a name of a list made for any kernel
				 * (initramfs-tools' /conf/modules, which
				 * load_modules hands to modprobe -q): one
				 * this kernel lacks is a notice, not counted */
};

struct im_request {
	const char *name;	/* what .kind says */
	const char *extra;	/* options given after it, or NULL */
	enum im_request_kind kind;
};

struct im_plan_group {
	const struct im_request *req;
	size_t n;
	int count_nodriver;	/* a modalias without a driver counts as not
				 * found (else it is no error) */
	int parallel;		/* starts with the group before it, not after */
	int first;		/* what it adds goes before the rest: the
				 * IM_FIRST_* bits it gets (im_node.first) */
};

/*
 * Resolve every group into @g, in order; the modules of group k (and
 * their dependencies) start only after all modules of the groups before
 * it in this call finished (before the group it runs in parallel with,
 * for a parallel one); nodes already in @g before the call order nothing. Returns the number of names not found (each said through r->m,
 * devices' excepted), or -errno. Missing dependency files stay nodes,
 * which fail when loaded.
 */
int im_plan_build(struct im_resolver *r, const struct im_plan_group *groups,
		  size_t ngroups, struct im_graph *g);

/* The boot's three groups: pre, main, post (see im_plan_boot). */
struct im_boot_groups {
	struct im_plan_group g[3];
	struct im_request *q[3];
	struct im_strlist main_list;
};
int im_boot_groups_init(struct im_boot_groups *b, struct im_resolver *r,
			const char *root, const struct im_request *extra,
			size_t nextra);
void im_boot_groups_free(struct im_boot_groups *b);

/*
 * PID-1's plan: r->cfg's rd.driver.pre= first; modules_load=,
 * rd.modules_load=, modules-load.d (under @root, NULL for /) and @extra
 * (names from initmod's own command line) together; rd.driver.post= last.
 */
int im_plan_boot(struct im_resolver *r, const char *root,
		 const struct im_request *extra, size_t nextra,
		 struct im_graph *g);

#endif
