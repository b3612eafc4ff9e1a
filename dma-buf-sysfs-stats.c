// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA-BUF sysfs statistics: /sys/kernel/dmabuf/buffers/<inode>/.
 */

#include <linux/dma-buf.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "dma-buf-sysfs-stats.h"

/**
 * DOC: sysfs statistics
 *
 * With CONFIG_DMABUF_SYSFS_STATS every buffer has a directory
 * /sys/kernel/dmabuf/buffers/<inode number>/ holding two read-only files:
 * exporter_name, the name the exporter gave, and size, the size in bytes.
 * The inode number is the one fstat() and fdinfo report for the buffer's
 * file descriptor, so a tool can account the memory a process holds by
 * combining the two.  Inode numbers of buffers are never reused, so a
 * directory always stands for one buffer.  No uevents are sent.
 *
 * The directory is made before dma_buf_export() returns, as in 6.1.  The
 * code below can also defer it, since creating and removing sysfs
 * directories is expensive and most buffers live far shorter than anybody
 * looks; a deferred directory would be created
 *
 * - by a worker, a few milliseconds after the export, or
 * - at once, before the call returns, whenever userspace learns the
 *   buffer's inode number from its descriptor: fstat() or stat() of it and
 *   reading its fdinfo;
 * - by the worker without delay once the buffer is mmap()ed (which shows
 *   the inode number in /proc/<pid>/maps) or debugfs bufinfo is read.
 *
 * So a reader that got a buffer's inode number from the buffer's
 * descriptor finds its directory.  A buffer released before anybody
 * looked, the common case, never costs a sysfs operation.  A published
 * directory is removed before the buffer's memory is released,
 * and its files read the entry's own copies of name and size, so a reader
 * holding one open never reaches a freed buffer.
 */

/*
 * Beyond upstream: dma_buf_sysfs_stats.enable=0 on the command line turns
 * the statistics off in a kernel built with them, so that their cost can be
 * measured on one kernel.
 */
static bool stats_enabled = true;
module_param_named(enable, stats_enabled, bool, 0444);
MODULE_PARM_DESC(enable, "List buffers in /sys/kernel/dmabuf (default: true)");

/**
 * struct dma_buf_sysfs_entry - the sysfs directory of one buffer
 * @kobj: the directory, linked into buffers/ once published.
 * @pending: entry in the queue of unpublished entries.
 * @published: whether @kobj has been added to sysfs.
 * @ino: the buffer's inode number, the directory's name.
 * @size: the buffer's size.
 * @exp_name: a copy of the exporter's name, which may live in a module
 *	that goes away with the buffer.
 *
 * @pending and @published are protected by the stats lock.
 */
struct dma_buf_sysfs_entry {
	struct kobject kobj;
	struct list_head pending;
	bool published;
	unsigned long ino;
	size_t size;
	const char *exp_name;
};

#define to_stats_entry(k) container_of(k, struct dma_buf_sysfs_entry, kobj)

struct dma_buf_stats_attribute {
	struct attribute attr;
	ssize_t (*show)(struct dma_buf_sysfs_entry *entry, char *buf);
};

static struct kset *dmabuf_kset;
static struct kset *dmabuf_buffers_kset;

/* Serialises publication and removal; never held on the export path. */
static DEFINE_MUTEX(stats_lock);
static LIST_HEAD(stats_pending);

static void stats_publish_pending(struct work_struct *work);
static DECLARE_DELAYED_WORK(stats_work, stats_publish_pending);

static ssize_t dma_buf_stats_show(struct kobject *kobj, struct attribute *attr,
				  char *buf)
{
	struct dma_buf_stats_attribute *sattr =
		container_of(attr, struct dma_buf_stats_attribute, attr);

	return sattr->show(to_stats_entry(kobj), buf);
}

static const struct sysfs_ops dma_buf_stats_sysfs_ops = {
	.show = dma_buf_stats_show,
};

static ssize_t exporter_name_show(struct dma_buf_sysfs_entry *entry, char *buf)
{
	return sysfs_emit(buf, "%s\n", entry->exp_name);
}

static ssize_t size_show(struct dma_buf_sysfs_entry *entry, char *buf)
{
	return sysfs_emit(buf, "%zu\n", entry->size);
}

static struct dma_buf_stats_attribute exporter_name_attribute =
	__ATTR_RO(exporter_name);
static struct dma_buf_stats_attribute size_attribute = __ATTR_RO(size);

static struct attribute *dma_buf_stats_attrs[] = {
	&exporter_name_attribute.attr,
	&size_attribute.attr,
	NULL,
};
ATTRIBUTE_GROUPS(dma_buf_stats);

static void dma_buf_stats_entry_release(struct kobject *kobj)
{
	struct dma_buf_sysfs_entry *entry = to_stats_entry(kobj);

	kfree_const(entry->exp_name);
	kfree(entry);
}

static struct kobj_type dma_buf_stats_ktype = {
	.sysfs_ops = &dma_buf_stats_sysfs_ops,
	.release = dma_buf_stats_entry_release,
	.default_groups = dma_buf_stats_groups,
};

/* Buffers come and go far too often for a uevent each. */
static int dma_buf_stats_uevent_filter(struct kobject *kobj)
{
	return 0;
}

static const struct kset_uevent_ops dma_buf_stats_uevent_ops = {
	.filter = dma_buf_stats_uevent_filter,
};

/*
 * Make the directory of a queued entry, named by the inode number from the
 * start: readers parse every name in buffers/ as one.  On failure the
 * buffer stays unlisted, which is logged once; losing a statistic is better
 * than failing an export that has long succeeded.
 */
static void stats_publish(struct dma_buf_sysfs_entry *entry)
{
	int ret;

	lockdep_assert_held(&stats_lock);

	list_del_init(&entry->pending);

	ret = kobject_add(&entry->kobj, NULL, "%lu", entry->ino);
	if (ret) {
		pr_warn_once("dma-buf: no sysfs entry for buffer %lu: %d\n",
			     entry->ino, ret);
		return;
	}

	WRITE_ONCE(entry->published, true);
}

static void stats_publish_pending(struct work_struct *work)
{
	struct dma_buf_sysfs_entry *entry;

	/*
	 * One entry per lock hold, so that a release never waits for more
	 * than one publication.
	 */
	for (;;) {
		mutex_lock(&stats_lock);
		entry = list_first_entry_or_null(&stats_pending,
						 struct dma_buf_sysfs_entry,
						 pending);
		if (entry)
			stats_publish(entry);
		mutex_unlock(&stats_lock);

		if (!entry)
			return;
		cond_resched();
	}
}

/**
 * dma_buf_stats_add - queue a new buffer for publication in sysfs
 * @dmabuf: the buffer, with its file already made
 *
 * Only records the buffer; see the overview for when the directory appears.
 *
 * Context: process context; does not touch sysfs.
 *
 * Return: 0, or -ENOMEM.
 */
int dma_buf_stats_add(struct dma_buf *dmabuf)
{
	struct dma_buf_sysfs_entry *entry;

	if (!stats_enabled)
		return 0;

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;

	entry->exp_name = kstrdup_const(dmabuf->exp_name ?: "", GFP_KERNEL);
	if (!entry->exp_name) {
		kfree(entry);
		return -ENOMEM;
	}

	entry->ino = file_inode(dmabuf->file)->i_ino;
	entry->size = dmabuf->size;
	entry->kobj.kset = dmabuf_buffers_kset;
	kobject_init(&entry->kobj, &dma_buf_stats_ktype);

	/*
	 * Published before the export returns, as in 6.1: readers that walk
	 * buffers/ right after an export must find it.  The deferred path
	 * (worker, sync on fstat/fdinfo) is kept for the cost work of issue 5
	 * and only publishes what is still queued.
	 */
	mutex_lock(&stats_lock);
	list_add_tail(&entry->pending, &stats_pending);
	stats_publish(entry);
	mutex_unlock(&stats_lock);

	dmabuf->sysfs_entry = entry;
	return 0;
}

/**
 * dma_buf_stats_sync - publish a buffer's directory now if it is queued
 * @dmabuf: the buffer
 *
 * Called wherever userspace learns the buffer's inode number, so that the
 * directory exists by the time it can look for it.
 *
 * Context: process context; may sleep.
 */
void dma_buf_stats_sync(struct dma_buf *dmabuf)
{
	struct dma_buf_sysfs_entry *entry = dmabuf->sysfs_entry;

	if (!entry || READ_ONCE(entry->published))
		return;

	/* Also waits for the worker if it is publishing this very entry. */
	mutex_lock(&stats_lock);
	if (!list_empty(&entry->pending))
		stats_publish(entry);
	mutex_unlock(&stats_lock);
}

/**
 * dma_buf_stats_kick - publish every queued buffer soon
 *
 * Description: for paths that reveal inode numbers but hold locks that
 * must not nest outside sysfs's own, such as mmap_lock.
 *
 * Context: any context.
 */
void dma_buf_stats_kick(void)
{
	mod_delayed_work(system_wq, &stats_work, 0);
}

/**
 * dma_buf_stats_remove - withdraw a buffer from sysfs
 * @dmabuf: the buffer, about to be freed
 *
 * A directory that was never published costs nothing.  A published one is
 * removed before this returns, which waits for readers in its files.
 *
 * Context: process context; may sleep.
 */
void dma_buf_stats_remove(struct dma_buf *dmabuf)
{
	struct dma_buf_sysfs_entry *entry = dmabuf->sysfs_entry;

	if (!entry)
		return;
	dmabuf->sysfs_entry = NULL;

	mutex_lock(&stats_lock);
	list_del_init(&entry->pending);
	if (entry->published)
		kobject_del(&entry->kobj);
	mutex_unlock(&stats_lock);

	kobject_put(&entry->kobj);
}

/**
 * dma_buf_stats_init - create /sys/kernel/dmabuf/buffers
 *
 * Context: boot, process context.
 *
 * Return: 0 or -ENOMEM.
 */
int dma_buf_stats_init(void)
{
	if (!stats_enabled)
		return 0;

	dmabuf_kset = kset_create_and_add("dmabuf", &dma_buf_stats_uevent_ops,
					  kernel_kobj);
	if (!dmabuf_kset)
		return -ENOMEM;

	dmabuf_buffers_kset = kset_create_and_add("buffers",
						  &dma_buf_stats_uevent_ops,
						  &dmabuf_kset->kobj);
	if (!dmabuf_buffers_kset) {
		kset_unregister(dmabuf_kset);
		return -ENOMEM;
	}

	return 0;
}

/**
 * dma_buf_stats_exit - remove /sys/kernel/dmabuf
 *
 * Context: process context, after the last buffer is gone.
 */
void dma_buf_stats_exit(void)
{
	cancel_delayed_work_sync(&stats_work);
	kset_unregister(dmabuf_buffers_kset);
	kset_unregister(dmabuf_kset);
}
