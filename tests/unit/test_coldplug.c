/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_coldplug.c - coldplug without QEMU: a fake sysfs tree, a module
 * tree with aliases, and the fake kernel announcing the devices its
 * drivers' probes create (a host controller's hub and disk, a card),
 * driving the walk, the growing run and the settle (ASan/UBSan; TSan);
 * a walk over a hostile tree (FIFOs, links) that must not hang.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "fake_kernel.h"
#include "../../loader/coldplug.h"
#include "../../depgraph/moddb.h"

struct cp {
	char dir[256], sysfs[256];
	struct im_moddb db;
	struct im_config cfg;
	struct im_resolver r;
	struct fake_kernel f;
	struct msgs m;
};

static void mkdirs(const char *path)
{
	char p[512], *s;

	snprintf(p, sizeof(p), "%s", path);
	for (s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

/* A device directory DEVPATH under the fake sysfs with its uevent file. */
static void device(struct cp *c, const char *devpath, const char *uevent)
{
	char d[512];

	snprintf(d, sizeof(d), "%s%s", c->sysfs, devpath);
	mkdirs(d);
	free(t_write(d, "uevent", uevent, -1));
}

static const char *const mods[] = {
	"hostctl", "storage", "scsimod", "disk", "cardctl", "cardblk", "blk",
	"hid", "gone", "sg", "cpufeat", "edac", "edacdep", "rootfs", NULL
};

static void cp_open(struct cp *c)
{
	char k[300];
	int i;

	snprintf(c->dir, sizeof(c->dir), "%s", t_tmpdir());
	snprintf(c->sysfs, sizeof(c->sysfs), "%s", t_tmpdir());
	snprintf(k, sizeof(k), "%s/kernel", c->dir);
	mkdir(k, 0755);
	for (i = 0; mods[i]; i++) {
		snprintf(k, sizeof(k), "kernel/%s.ko", mods[i]);
		free(t_write(c->dir, k, mods[i], -1));
	}
	free(t_write(c->dir, "modules.dep",
		"kernel/hostctl.ko:\nkernel/storage.ko: kernel/scsimod.ko\n"
		"kernel/scsimod.ko:\nkernel/disk.ko: kernel/scsimod.ko\n"
		"kernel/cardctl.ko:\nkernel/cardblk.ko:\nkernel/blk.ko:\n"
		"kernel/hid.ko:\nkernel/gone.ko:\nkernel/sg.ko: kernel/scsimod.ko\nkernel/cpufeat.ko:\n"
		"kernel/edac.ko: kernel/edacdep.ko\nkernel/edacdep.ko:\nkernel/rootfs.ko:\n", -1));
	free(t_write(c->dir, "modules.alias",
		"alias pci:v00001111d00002222sv*sd*bc*sc*i* hostctl\n"
		"alias usb:v1234p5678d*dc*dsc*dp*ic08isc06ip50in* storage\n"
		"alias scsi:t-0x00* disk\n"
		"alias pci:v00004444d* cardctl\n"
		"alias mmc:block cardblk\n"
		"alias pci:v00003333d* blk\n"
		"alias hid:b0003g*v*p* hid\n"
		"alias pci:v00005555d* gone\n"
		"alias pci:v00006666d* edac\n"
		"alias fs-rootfs rootfs\n"
		"alias cpu:type:x86,ven*fam*mod*:feature:*0F00* cpufeat\n", -1));
	free(t_write(c->dir, "modules.builtin", "", -1));
	memset(&c->m, 0, sizeof(c->m));
	c->m.verbose = -1;
	im_moddb_open(&c->db, c->dir, &c->m);
	im_config_init(&c->cfg);
	im_config_parse_buf(&c->cfg, "blacklist blk\n", 14, "t.conf", &c->m);
	im_resolver_init(&c->r, &c->db, &c->cfg, 0, &c->m);
	fake_init(&c->f);
	for (i = 0; mods[i]; i++)
		fake_add(&c->f, mods[i])->delay_us = 20000;
	fake_dep(fake_get(&c->f, "storage"), "scsimod");
	fake_dep(fake_get(&c->f, "disk"), "scsimod");
	fake_dep(fake_get(&c->f, "sg"), "scsimod");
	/* what the probes create */
	fake_get(&c->f, "hostctl")->emits[0] = "/devices/pci0/0000:00:01.0/usb1";
	fake_get(&c->f, "hostctl")->emits[1] =
		"/devices/pci0/0000:00:01.0/usb1/1-1/1-1:1.0 usb:v1234p5678d0100dc00dsc00dp00ic08isc06ip50in00";
	fake_get(&c->f, "hostctl")->emits[2] =
		"/devices/pci0/0000:00:01.0/usb1/1-2/1-2:1.0/0003:0627:0001.0001 hid:b0003g0001v00000627p00000001";
	fake_get(&c->f, "storage")->emits[0] =
		"/devices/pci0/0000:00:01.0/usb1/1-1/1-1:1.0/host0/target0:0:0/0:0:0:0 scsi:t-0x00";
	fake_get(&c->f, "cardctl")->emits[0] = "/devices/pci0/0000:00:03.0/mmc0/mmc0:0001 mmc:block";
	fake_get(&c->f, "gone")->result = -ENODEV;
	/* amd64_edac's way: its dependency edac_mce_amd finds no hardware */
	fake_dep(fake_get(&c->f, "edac"), "edacdep");
	fake_get(&c->f, "edacdep")->result = -ENODEV;
	/* the machine: a USB host, an SD host, a blacklisted device, one
	 * device nothing drives, one whose driver finds nothing */
	device(c, "/devices/pci0/0000:00:01.0",
	       "DRIVER=\nPCI_CLASS=C0330\nMODALIAS=pci:v00001111d00002222sv00001AF4sd00001100bc0Csc03i30\n");
	device(c, "/devices/pci0/0000:00:03.0", "MODALIAS=pci:v00004444d00000001sv0sd0bc08sc05i01\n");
	device(c, "/devices/pci0/0000:00:04.0", "MODALIAS=pci:v00003333d00000001sv0sd0bc01sc00i00\n");
	device(c, "/devices/pci0/0000:00:05.0", "MODALIAS=pci:v00009999d00000001sv0sd0bc02sc00i00\n");
	device(c, "/devices/pci0/0000:00:06.0", "MODALIAS=pci:v00005555d00000001sv0sd0bc02sc00i00\n");
	device(c, "/devices/pci0/0000:00:08.0", "MODALIAS=pci:v00006666d00000001sv0sd0bc08sc00i00\n");
	device(c, "/devices/pci0", "");
	{	/* a CPU: the modalias is long; its feature at the very end */
		char ma[2200];
		int j, n = snprintf(ma, sizeof(ma), "MODALIAS=cpu:type:x86,ven0000fam0006mod0055:feature:");

		for (j = 0; j < 300; j++)
			n += snprintf(ma + n, sizeof(ma) - n, ",%04X", j);
		snprintf(ma + n, sizeof(ma) - n, ",0F00\n");
		device(c, "/devices/system/cpu/cpu0", ma);
	}
	/* a SCSI device whose type no driver takes: udev's rule loads sg */
	device(c, "/devices/pci0/0000:00:07.0/host1/target1:0:0/1:0:0:0",
	       "DEVTYPE=scsi_device\nDRIVER=\nMODALIAS=scsi:t-0x0c\n");
	{
		char l[512];

		snprintf(l, sizeof(l), "%s/devices/pci0/0000:00:07.0/host1/target1:0:0/1:0:0:0/subsystem",
			 c->sysfs);
		if (symlink("../../../../../../bus/scsi", l) < 0)
			perror(l);
	}
	device(c, "/devices/virtual/tty/tty0", "MAJOR=4\nMINOR=0\n");
}

static void cp_close(struct cp *c)
{
	im_resolver_free(&c->r);
	im_config_free(&c->cfg);
	im_moddb_close(&c->db);
	fake_free(&c->f);
}

TEST(coldplug_walk_hotplug_chains_and_settle)
{
	struct cp c;
	const struct im_plan_group groups[3] = { { 0 }, { 0 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.2 };
	struct im_engine_opts eo = { .threads = 2, .max_threads = 4,
				     .timeout_s = 30, .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine_stats es;
	struct im_engine *e = NULL;
	size_t i;
	int err;

	cp_open(&c);
	co.sysfs = c.sysfs;
	err = im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st);
	CHECK_INT(err, 0);
	CHECK(e != NULL);
	im_engine_stats(e, &es);
	/* the chains: host -> storage (+scsimod) -> disk; host -> hid; card host -> card */
	CHECK_INT(fake_get(&c.f, "hostctl")->loads, 1);
	CHECK_INT(fake_get(&c.f, "storage")->loads, 1);
	CHECK_INT(fake_get(&c.f, "scsimod")->loads, 1);
	CHECK_INT(fake_get(&c.f, "disk")->loads, 1);
	CHECK_INT(fake_get(&c.f, "hid")->loads, 1);
	CHECK_INT(fake_get(&c.f, "cardctl")->loads, 1);
	CHECK_INT(fake_get(&c.f, "cardblk")->loads, 1);	/* mmc:block: uevent only */
	CHECK_INT(fake_get(&c.f, "blk")->calls, 0);		/* blacklisted alias */
	CHECK_INT(fake_get(&c.f, "gone")->calls, 1);
	CHECK_INT(c.f.double_loads, 0);
	CHECK_INT(c.f.order_violations, 0);
	CHECK(c.f.max_in_flight >= 2);		/* devices' drivers do not wait for each other */
	CHECK_INT(es.failed, 0);		/* ENODEV from a device's driver */
	CHECK_INT(es.skipped, 0);		/* or from its dependency */
	CHECK_INT(fake_get(&c.f, "edacdep")->calls, 1);
	CHECK_INT(fake_get(&c.f, "edac")->calls, 0);
	CHECK_INT(es.nodevice, 3);
	CHECK_INT(es.requested_failed, 0);
	CHECK_INT(fake_get(&c.f, "sg")->loads, 1);	/* 80-debian-compat.rules */
	CHECK_INT(fake_get(&c.f, "cpufeat")->loads, 1);	/* a 1.5 KB modalias */
	CHECK_INT(es.loaded, 9);
	/* what was seen */
	CHECK_INT(st.uevent_files, 10);	/* 6 pci, their parent, a tty, a disk, a CPU */
	CHECK_INT(st.dev.seen, 12);	/* 8 walked, 4 announced */
	CHECK_INT(st.dev.n, 13);	/* + sg, by udev's rule */
	CHECK_INT(st.nnodriver, 2);
	for (i = 0; i < st.nnodriver; i++)
		CHECK(!strcmp(st.dev.v[st.nodriver[i]].devpath, "/devices/pci0/0000:00:05.0") ||
		      !strcmp(st.dev.v[st.nodriver[i]].modalias, "scsi:t-0x0c"));
	CHECK_INT(st.events, 5);
	CHECK(st.settle_ms > 0);
	CHECK(st.seqnum == 0);			/* no kernel/uevent_seqnum: no mark */
	CHECK_INT(e->nmarks, 5);		/* uevents on the timeline */
	for (i = 0; i < e->njobs; i++)
		CHECK(e->jobs[i].st != IM_JOB_RUN && e->jobs[i].st != IM_JOB_WAIT);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);
}

/*
 * Settled: every uevent up to the mark was read (udev-trigger's short
 * replay): the kernel's number when the socket was bound, or the last
 * event's; the file of the number is read through --sysfs.
 */
TEST(coldplug_uevent_mark)
{
	const struct im_plan_group groups[3] = { { 0 }, { 0 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.15 };
	struct im_engine_opts eo = { .threads = 2, .timeout_s = 30, .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine *e = NULL;
	char k[300];
	int quiet;

	for (quiet = 0; quiet < 2; quiet++) {
		struct cp c;

		cp_open(&c);
		co.sysfs = c.sysfs;
		snprintf(k, sizeof(k), "%s/kernel", c.sysfs);
		mkdir(k, 0755);
		free(t_write(k, "uevent_seqnum", "4100\n", -1));
		c.f.uevents_sent = 4100;	/* the events to come: 4101... */
		if (quiet)			/* nothing announced: the walk's number */
			fake_get(&c.f, "hostctl")->emits[0] = fake_get(&c.f, "hostctl")->emits[1] =
			fake_get(&c.f, "hostctl")->emits[2] = fake_get(&c.f, "cardctl")->emits[0] = NULL;
		CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
		CHECK_INT(st.events, quiet ? 0 : 5);
		CHECK(st.seqnum == (quiet ? 4100 : 4105));
		im_engine_put(e);
		im_coldplug_stats_free(&st);
		cp_close(&c);
	}
}

/* rd.driver.pre= before the walk's drivers; rd.driver.post= after settle. */
TEST(coldplug_pre_and_post_groups)
{
	struct cp c;
	const struct im_request pre[] = { { "scsimod", NULL, IM_REQ_NAME } };
	const struct im_request mid[] = { { "nosuchname", NULL, IM_REQ_NAME } };
	const struct im_request post[] = { { "hid", NULL, IM_REQ_NAME } };
	const struct im_plan_group groups[3] = {
		{ .req = pre, .n = 1 }, { .req = mid, .n = 1 }, { .req = post, .n = 1 },
	};
	struct im_coldplug_opts co = { .quiet_s = 0.15 };
	struct im_engine_opts eo = { .threads = 2, .timeout_s = 30,
				     .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine *e = NULL;
	size_t ipre, ihost, ihid;

	cp_open(&c);
	fake_get(&c.f, "hostctl")->emits[2] = NULL;	/* hid comes from post */
	co.sysfs = c.sysfs;
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK_INT(st.missing, 1);		/* nosuchname, said */
	im_graph_node(e->g, "scsimod", &ipre);
	im_graph_node(e->g, "hostctl", &ihost);
	im_graph_node(e->g, "hid", &ihid);
	CHECK(e->jobs[ihost].t_start >= e->jobs[ipre].t_end);
	CHECK(e->jobs[ihid].t_start >= st.settle_ms);
	CHECK_INT(e->jobs[ihid].st, IM_JOB_LOADED);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);
}

/* No uevent source: the devices present are still driven; no sysfs: said. */
TEST(coldplug_without_uevents_or_sysfs)
{
	struct cp c;
	const struct im_plan_group groups[3] = { { 0 }, { 0 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.05 };
	struct im_engine_opts eo = { .threads = 2, .timeout_s = 30,
				     .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine *e = NULL;

	cp_open(&c);
	c.f.uevent_fd[0] = 99;		/* "busy": open fails */
	co.sysfs = c.sysfs;
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK_INT(fake_get(&c.f, "hostctl")->loads, 1);
	CHECK_INT(fake_get(&c.f, "storage")->calls, 0);	/* its device was never announced */
	CHECK(st.settle_ms > 0);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	c.f.uevent_fd[0] = -1;
	co.sysfs = "/nonexistent/sysfs";
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK(st.uevent_files < 0);
	CHECK_INT(e->njobs, 0);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	close(c.f.uevent_fd[0]);
	cp_close(&c);
}

TEST(uevent_parse_kernel_messages)
{
	char ok[] = "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=pci\0MODALIAS=pci:v1\0SEQNUM=7";
	char udev[] = "libudev\0\xfe\xed\xca\xfe";
	char noend[] = { 'a', 'd', 'd', '@', '/' };
	struct im_uevent ev;

	CHECK_INT(im_uevent_parse(ok, sizeof(ok), &ev), 0);
	CHECK_STR(ev.action, "add");
	CHECK_STR(ev.devpath, "/devices/x");
	CHECK_STR(ev.modalias, "pci:v1");
	CHECK_INT(ev.seqnum, 7);
	CHECK_INT(im_uevent_parse(udev, sizeof(udev), &ev), -EINVAL);
	CHECK_INT(im_uevent_parse(noend, sizeof(noend), &ev), -EINVAL);
	CHECK_INT(im_uevent_parse(ok, 0, &ev), -EINVAL);
}

/*
 * A root that is not there: PID 1's own image waits for it (here until
 * rootdelay=); --boot in a generator's image (LVM, crypt, NFS roots come
 * later) only lets it shorten the quiet period, never waits for it.
 */
TEST(coldplug_waits_for_a_required_root_only)
{
	struct cp c;
	const struct im_plan_group groups[3] = { { 0 }, { 0 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.05 };
	struct im_engine_opts eo = { .threads = 2, .timeout_s = 30,
				     .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine *e = NULL;
	struct im_root_spec root;

	cp_open(&c);
	co.sysfs = c.sysfs;
	co.root = &root;
	CHECK(im_root_spec_parse("root=LABEL=nothere rootdelay=0.6", &root, &c.m));
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK(st.settle_ms >= 600);
	CHECK_STR(st.root_dev, "");
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	co.root_optional = 1;
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK(st.settle_ms > 0 && st.settle_ms < 600);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);
}

/* The same dependency asked for by name: its ENODEV is a failure then. */
TEST(coldplug_no_device_only_for_what_devices_pulled_in)
{
	struct cp c;
	const struct im_request mid[] = { { "edacdep", NULL, IM_REQ_NAME } };
	const struct im_plan_group groups[3] = { { 0 }, { .req = mid, .n = 1 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.05 };
	struct im_engine_opts eo = { .threads = 2, .timeout_s = 30,
				     .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine_stats es;
	struct im_engine *e = NULL;

	cp_open(&c);
	co.sysfs = c.sysfs;
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	im_engine_stats(e, &es);
	CHECK_INT(fake_get(&c.f, "edacdep")->calls, 1);
	CHECK_INT(es.failed, 1);		/* edacdep, named */
	CHECK_INT(es.skipped, 0);
	CHECK_INT(es.nodevice, 2);		/* gone; edac, as udev's modprobe of it */
	CHECK_INT(es.requested_failed, 1);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);
}

/* With one CPU slot, the way to storage goes first (a USB host here). */
TEST(coldplug_storage_paths_first)
{
	struct cp c;
	const struct im_plan_group groups[3] = { { 0 }, { 0 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.05 };
	struct im_engine_opts eo = { .threads = 1, .max_threads = 1,
				     .timeout_s = 30, .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine *e = NULL;
	size_t ihost, icard, icpu, istor, idisk;

	cp_open(&c);
	co.sysfs = c.sysfs;
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK_INT(im_graph_node(e->g, "hostctl", &ihost), 0);
	CHECK_INT(im_graph_node(e->g, "cardctl", &icard), 0);
	CHECK_INT(im_graph_node(e->g, "cpufeat", &icpu), 0);
	CHECK_INT(im_graph_node(e->g, "storage", &istor), 0);
	CHECK_INT(im_graph_node(e->g, "disk", &idisk), 0);
	CHECK(e->g->nodes[ihost].first && e->g->nodes[istor].first && e->g->nodes[idisk].first);
	CHECK(!e->g->nodes[icard].first && !e->g->nodes[icpu].first);
	CHECK(e->jobs[ihost].t_start <= e->jobs[icard].t_start);
	CHECK(e->jobs[ihost].t_start <= e->jobs[icpu].t_start);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);
}

/*
 * rootfstype= known: the filesystem's module loads first (before what is
 * not on the way to storage), before the disk is there (here it never
 * comes); unknown, it waits for the device's superblock.
 */
TEST(coldplug_known_root_fs_first)
{
	struct cp c;
	const struct im_plan_group groups[3] = { { 0 }, { 0 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.05 };
	struct im_engine_opts eo = { .threads = 1, .max_threads = 2,
				     .timeout_s = 30, .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine *e = NULL;
	struct im_root_spec root;
	size_t ifs, icpu;

	cp_open(&c);
	co.sysfs = c.sysfs;
	co.root = &root;
	CHECK(im_root_spec_parse("root=LABEL=nothere rootfstype=rootfs,ext4 rootdelay=0.3", &root, &c.m));
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK_INT(fake_get(&c.f, "rootfs")->calls, 1);
	CHECK_INT(im_graph_node(e->g, "rootfs", &ifs), 0);
	CHECK_INT(im_graph_node(e->g, "cpufeat", &icpu), 0);
	CHECK_INT(e->g->nodes[ifs].first, IM_FIRST_FS);
	CHECK(e->jobs[ifs].t_start <= e->jobs[icpu].t_start);
	CHECK_STR(st.root_dev, "");
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);

	cp_open(&c);	/* what the image was built for (--hostonly) */
	co.sysfs = c.sysfs;
	CHECK(im_root_spec_parse("root=LABEL=nothere initmod.rootfs=rootfs rootdelay=0.3", &root, &c.m));
	CHECK_STR(root.fstype, "");
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK_INT(fake_get(&c.f, "rootfs")->calls, 1);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);

	cp_open(&c);
	co.sysfs = c.sysfs;
	CHECK(im_root_spec_parse("root=LABEL=nothere rootdelay=0.3", &root, &c.m));
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK_INT(fake_get(&c.f, "rootfs")->calls, 0);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);
}

/*
 * With a root to wait for, what is not on the way to storage waits: for
 * the root, or (here it never comes) until nothing on its way has loaded
 * for IM_ROOT_HOLD_S. A generator's optional root holds nothing back.
 */
TEST(coldplug_rest_waits_for_the_root)
{
	static const char *const rootway[] = { "hostctl", "storage", "scsimod", "disk", NULL };
	static const char *const rest[] = { "cardctl", "cpufeat", "hid", NULL };
	struct cp c;
	const struct im_plan_group groups[3] = { { 0 }, { 0 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.05 };
	struct im_engine_opts eo = { .threads = 2, .max_threads = 4,
				     .timeout_s = 30, .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine *e = NULL;
	struct im_root_spec root;
	double way_end = 0;
	size_t i, j;

	cp_open(&c);
	co.sysfs = c.sysfs;
	co.root = &root;
	CHECK(im_root_spec_parse("root=LABEL=nothere rootdelay=2.5", &root, &c.m));
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	for (i = 0; rootway[i]; i++) {
		CHECK_INT(im_graph_node(e->g, rootway[i], &j), 0);
		CHECK(e->g->nodes[j].first);
		if (e->jobs[j].t_end > way_end)
			way_end = e->jobs[j].t_end;
	}
	CHECK(st.rest_ms >= way_end + IM_ROOT_HOLD_S * 1e3 - 50);
	CHECK(st.rest_ms < 2500);
	for (i = 0; rest[i]; i++) {
		CHECK_INT(im_graph_node(e->g, rest[i], &j), 0);
		CHECK(!e->g->nodes[j].first);
		CHECK(e->jobs[j].t_start >= st.rest_ms - 1);
	}
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	co.root_optional = 1;
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK(st.rest_ms < 0);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);
}

/*
 * initmod.rootdrivers= (what --hostonly saw the root reached through):
 * those load first; another storage controller is no longer on the
 * root's way and waits with the rest.
 */
TEST(coldplug_recorded_root_drivers_first)
{
	struct cp c;
	const struct im_plan_group groups[3] = { { 0 }, { 0 }, { 0 } };
	struct im_coldplug_opts co = { .quiet_s = 0.05 };
	struct im_engine_opts eo = { .threads = 2, .max_threads = 4,
				     .timeout_s = 30, .own_graph = 1 };
	struct im_coldplug_stats st;
	struct im_engine *e = NULL;
	struct im_root_spec root;
	size_t icard, ihost;

	cp_open(&c);
	co.sysfs = c.sysfs;
	co.root = &root;
	CHECK(im_root_spec_parse("root=LABEL=nothere initmod.rootdrivers=cardctl,cardblk rootdelay=2.5", &root, &c.m));
	CHECK_STR(root.drivers, "cardctl,cardblk");
	CHECK_INT(im_coldplug_run(&c.r, &c.f.k, &co, groups, &eo, &c.m, &e, &st), 0);
	CHECK_INT(im_graph_node(e->g, "cardctl", &icard), 0);
	CHECK_INT(im_graph_node(e->g, "hostctl", &ihost), 0);
	CHECK_INT(e->g->nodes[icard].first, IM_FIRST_STORAGE);
	CHECK(!e->g->nodes[ihost].first);
	CHECK(st.rest_ms > 0);
	CHECK(e->jobs[icard].t_end <= st.rest_ms);
	CHECK(e->jobs[ihost].t_start >= st.rest_ms - 1);
	CHECK_INT(c.r.storage_known, 0);
	im_engine_put(e);
	im_coldplug_stats_free(&st);
	cp_close(&c);
}

/* The walk still running after 10 s: it hangs (on a FIFO); fail, loudly. */
static void walk_hung(int sig)
{
	static const char msg[] = "FAIL uevent_walk_skips_fifos_and_links: "
		"the sysfs walk hung (opening a FIFO named uevent?)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/*
 * A --sysfs tree with a FIFO named uevent, and a symlink named uevent to a
 * FIFO elsewhere: both skipped, said, and the walk goes on below them and
 * past them (sysfs attributes are regular files; nothing there is a FIFO).
 */
TEST(uevent_walk_skips_fifos_and_links)
{
	const char *sysfs = t_tmpdir(), *other = t_tmpdir();
	static const char *const regular[] = { "/devices/a", "/devices/fifo/below",
		"/devices/z" };
	struct im_devices d = { 0 };
	struct msgs m = { .verbose = -1 };
	char p[512], q[512];
	size_t i;
	long n;

	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", sysfs, regular[i]);
		mkdirs(p);
		snprintf(q, sizeof(q), "MODALIAS=pci:v%zu\n", i);
		free(t_write(p, "uevent", q, -1));
	}
	snprintf(p, sizeof(p), "%s/devices/fifo/uevent", sysfs);
	CHECK(mkfifo(p, 0644) == 0);
	snprintf(q, sizeof(q), "%s/elsewhere", other);
	CHECK(mkfifo(q, 0644) == 0);
	snprintf(p, sizeof(p), "%s/devices/link", sysfs);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/devices/link/uevent", sysfs);
	CHECK(symlink(q, p) == 0);
	signal(SIGALRM, walk_hung);
	alarm(10);
	n = im_uevent_walk(sysfs, &d, &m);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	CHECK_INT(n, 3);
	CHECK_INT(d.n, 3);
	CHECK(strmap_get(&d.byalias, "pci:v0") && strmap_get(&d.byalias, "pci:v1") &&
	      strmap_get(&d.byalias, "pci:v2"));
	CHECK_INT(m.warnings, 2);
	im_devices_free(&d);
}
