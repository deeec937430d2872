// SPDX-License-Identifier: GPL-2.0
/*
 * tm_rec.c - recorder for initmod's QEMU tests: every test module calls
 * tm_rec_begin()/tm_rec_end() around its init; /proc/tm_rec lists, per
 * module, how many times its init ran and when it started and ended
 * (ktime ns), plus notes (name key value) such as a parameter's value.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include "tm_rec.h"

#define TM_MAX 256

struct tm_slot {
	char name[56];
	int count, result;
	u64 begin, end;
};

static struct tm_slot slots[TM_MAX];
static int nslots;
static struct { char name[56], key[32]; long value; } notes[64];
static int nnotes;
static DEFINE_SPINLOCK(lock);

int tm_rec_begin(const char *name)
{
	u64 now = ktime_get_ns();
	int i;

	spin_lock(&lock);
	for (i = 0; i < nslots; i++)
		if (!strcmp(slots[i].name, name))
			break;
	if (i == nslots && nslots < TM_MAX) {
		strscpy(slots[i].name, name, sizeof(slots[i].name));
		nslots++;
	}
	if (i < TM_MAX) {
		slots[i].count++;
		slots[i].begin = now;
	}
	spin_unlock(&lock);
	return i;
}
EXPORT_SYMBOL(tm_rec_begin);

void tm_rec_end(int slot, int result)
{
	u64 now = ktime_get_ns();

	if (slot < 0 || slot >= TM_MAX)
		return;
	spin_lock(&lock);
	slots[slot].end = now;
	slots[slot].result = result;
	spin_unlock(&lock);
}
EXPORT_SYMBOL(tm_rec_end);

void tm_rec_note(const char *name, const char *key, long value)
{
	spin_lock(&lock);
	if (nnotes < 64) {
		strscpy(notes[nnotes].name, name, sizeof(notes[nnotes].name));
		strscpy(notes[nnotes].key, key, sizeof(notes[nnotes].key));
		notes[nnotes].value = value;
		nnotes++;
	}
	spin_unlock(&lock);
}
EXPORT_SYMBOL(tm_rec_note);

static int tm_show(struct seq_file *m, void *v)
{
	int i;

	spin_lock(&lock);
	for (i = 0; i < nslots; i++)
		seq_printf(m, "INIT %s %d %llu %llu %d\n", slots[i].name,
			   slots[i].count, slots[i].begin, slots[i].end,
			   slots[i].result);
	for (i = 0; i < nnotes; i++)
		seq_printf(m, "NOTE %s %s %ld\n", notes[i].name, notes[i].key,
			   notes[i].value);
	spin_unlock(&lock);
	return 0;
}

static int __init tm_rec_init(void)
{
	return proc_create_single("tm_rec", 0444, NULL, tm_show) ? 0 : -ENOMEM;
}

static void __exit tm_rec_exit(void)
{
	remove_proc_entry("tm_rec", NULL);
}

module_init(tm_rec_init);
module_exit(tm_rec_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initmod test: init recorder");
