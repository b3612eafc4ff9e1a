// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA-BUF sysfs statistics: /sys/kernel/dmabuf/buffers/<inode>/.
 */

#include <linux/atomic.h>
#include <linux/dma-buf.h>
#include <linux/fs.h>
#include <linux/fsnotify_backend.h>
#include <linux/jiffies.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "dma-buf-internal.h"
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
 * Making and removing three sysfs nodes costs more than the rest of an
 * export put together, and most buffers are gone long before anybody
 * looks.  So dma_buf_export() does no statistics work at all: a buffer
 * without an entry is simply not listed yet, and its entry and directory
 * are made when somebody could be looking:
 *
 * - when a task opens /sys/kernel/dmabuf/buffers (an fsnotify watch on
 *   the directory runs before open() returns), so a walk of the
 *   directory lists every buffer exported before the walk began;
 * - when userspace learns the inode number from the buffer itself:
 *   fstat() or stat() of the file, reading its fdinfo, reading debugfs
 *   bufinfo;
 * - by a worker shortly after mmap() (which shows the inode number in
 *   /proc/<pid>/maps) and, for any other reader, 10 to 20 milliseconds
 *   after the export.
 *
 * Export and the release of a buffer that was never listed take no lock
 * of the statistics and touch no sysfs state, so they never wait for
 * sysfs or for a reader of it.
 *
 * The watch sits on the sysfs instance of the initial network namespace;
 * a sysfs mounted in another network namespace sees entries once the
 * worker has made them.  Without CONFIG_FSNOTIFY, or if the watch cannot
 * be set up, every directory is made before dma_buf_export() returns, as
 * in 6.1.
 *
 * A directory appears whole: it is built, files included, under
 * /sys/kernel/dmabuf and then moved into buffers/ in one step, and it is
 * removed in one step, so a reader of buffers/ never meets it without its
 * files.  A published directory is gone before the buffer's memory is
 * released; a buffer released before anybody looked never costs a sysfs
 * operation.  The files read the entry's own copies of name and size, so
 * a reader holding one open never reaches a freed buffer.
 */

/*
 * Beyond upstream: dma_buf_sysfs_stats.enable=0 on the command line turns
 * the statistics off in a kernel built with them, so that their cost can be
 * measured on one kernel.
 */
static bool stats_enabled = true;
module_param_named(enable, stats_enabled, bool, 0444);
MODULE_PARM_DESC(enable, "List buffers in /sys/kernel/dmabuf (default: true)");

/* How long a buffer may stay unlisted when nobody asks for it. */
#define STATS_DEFER_DELAY	msecs_to_jiffies(10)

/**
 * struct dma_buf_sysfs_entry - the sysfs directory of one buffer
 * @kobj: the directory.
 * @listed: whether @kobj made it into buffers/.
 * @ino: the buffer's inode number, the directory's name.
 * @size: the buffer's size.
 * @exp_name: a copy of the exporter's name, which may live in a module
 *	that goes away with the buffer.
 *
 * Made the first time the buffer is published, and referenced from
 * &dma_buf.sysfs_entry from then on.
 */
struct dma_buf_sysfs_entry {
	struct kobject kobj;
	bool listed;
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

/*
 * Serialises publishers, so that each buffer gets one entry; it guards
 * &dma_buf.sysfs_entry going from NULL (or STATS_CLAIMED) to set.  Never
 * taken by export, nor by the release of a buffer nobody is publishing.
 */
static DEFINE_MUTEX(stats_publish_lock);

/* &dma_buf.sysfs_entry of a buffer that a publisher has picked up. */
#define STATS_CLAIMED	((struct dma_buf_sysfs_entry *)1UL)

/* Set once the watch on buffers/ is in place. */
static bool stats_deferred;
/*
 * Buffers up to this inode number were there at the worker's last run.
 * Only the worker, which never runs twice at once, touches it.
 */
static unsigned long stats_worker_mark;
/* Set by dma_buf_stats_kick(): the worker publishes every buffer. */
static atomic_t stats_kicked = ATOMIC_INIT(0);

static void stats_worker(struct work_struct *work);
static DECLARE_DELAYED_WORK(stats_work, stats_worker);

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

/*
 * Not a default group of the ktype: kobject_del() would take the files
 * away one by one before the directory.  Left to sysfs_remove_dir(), the
 * whole directory goes at once.
 */
static const struct attribute_group dma_buf_stats_group = {
	.attrs = dma_buf_stats_attrs,
};

static void dma_buf_stats_entry_release(struct kobject *kobj)
{
	struct dma_buf_sysfs_entry *entry = to_stats_entry(kobj);

	kfree_const(entry->exp_name);
	kfree(entry);
}

static struct kobj_type dma_buf_stats_ktype = {
	.sysfs_ops = &dma_buf_stats_sysfs_ops,
	.release = dma_buf_stats_entry_release,
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
 * Build the directory next to buffers/, then move it in: readers of
 * buffers/ see all of it or nothing.
 */
static int stats_make_dir(struct dma_buf_sysfs_entry *entry)
{
	int ret;

	ret = kobject_add(&entry->kobj, &dmabuf_kset->kobj, "%lu", entry->ino);
	if (ret)
		return ret;

	ret = sysfs_create_group(&entry->kobj, &dma_buf_stats_group);
	if (ret)
		goto err_del;

	ret = kobject_move(&entry->kobj, &dmabuf_buffers_kset->kobj);
	if (ret)
		goto err_del;

	return 0;

err_del:
	kobject_del(&entry->kobj);
	return ret;
}

/*
 * Give @buf, which has no entry or is claimed by us, its entry and
 * directory.  On failure the buffer stays unlisted, which is logged once;
 * losing a statistic is better than failing an export that has long
 * succeeded.  Without an entry at all (no memory) a later publisher tries
 * again.
 */
static int stats_publish_locked(struct dma_buf *buf, unsigned long ino)
{
	struct dma_buf_sysfs_entry *entry;
	int ret = -ENOMEM;

	lockdep_assert_held(&stats_publish_lock);

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		goto out_none;

	entry->exp_name = kstrdup_const(buf->exp_name ?: "", GFP_KERNEL);
	if (!entry->exp_name) {
		kfree(entry);
		goto out_none;
	}
	entry->ino = ino;
	entry->size = buf->size;
	entry->kobj.kset = dmabuf_buffers_kset;
	kobject_init(&entry->kobj, &dma_buf_stats_ktype);

	ret = stats_make_dir(entry);
	if (ret)
		pr_warn_once("dma-buf: no sysfs entry for buffer %lu: %d\n",
			     entry->ino, ret);
	entry->listed = !ret;

	/*
	 * The last touch of @buf.  Release order: a release that reads the
	 * pointer without the lock sees the entry complete.
	 */
	smp_store_release(&buf->sysfs_entry, entry);
	return ret;

out_none:
	/* Release order, as above: nothing of ours is left to see. */
	smp_store_release(&buf->sysfs_entry, NULL);
	return ret;
}

/* List @buf, numbered @ino, now; the caller holds its file or dentry. */
static int stats_publish(struct dma_buf *buf, unsigned long ino)
{
	int ret = 0;

	mutex_lock(&stats_publish_lock);
	if (!buf->sysfs_entry)
		ret = stats_publish_locked(buf, ino);
	mutex_unlock(&stats_publish_lock);
	return ret;
}

/*
 * Publish the unlisted buffers numbered up to @max_ino.  They are claimed
 * while the publish lock is held, which keeps them alive without a
 * reference that would delay their release: a release that finds its
 * buffer claimed waits for the lock (see dma_buf_stats_remove()).
 * Returns whether any unlisted buffer is left behind.
 */
static bool stats_publish_upto(unsigned long max_ino)
{
	struct dma_buf_claim *claims;
	unsigned int room, count, i;
	bool left = false;

	mutex_lock(&stats_publish_lock);
	room = dma_buf_count_unlisted(max_ino, &left);
	if (!room)
		goto out_unlock;
	claims = kvmalloc_array(room, sizeof(*claims), GFP_KERNEL);
	if (!claims) {
		left = true;
		goto out_unlock;
	}

	count = dma_buf_claim_unlisted(claims, room, max_ino, STATS_CLAIMED);
	left |= count < room;
	for (i = 0; i < count; i++) {
		if (stats_publish_locked(claims[i].buf, claims[i].ino))
			left = true;
		cond_resched();
	}
	kvfree(claims);
out_unlock:
	mutex_unlock(&stats_publish_lock);
	return left;
}

/*
 * Publish the buffers that were already there at the previous run (all
 * of them after a kick), so that a buffer is listed at most about two
 * periods after its export, and come back while unlisted ones remain.
 */
static void stats_worker(struct work_struct *work)
{
	unsigned long mark = stats_worker_mark;

	if (atomic_xchg(&stats_kicked, 0))
		mark = ULONG_MAX;
	stats_worker_mark = dma_buf_newest_ino();

	if (stats_publish_upto(mark))
		queue_delayed_work(system_unbound_wq, &stats_work,
				   STATS_DEFER_DELAY);
}

#ifdef CONFIG_FSNOTIFY
static struct vfsmount *stats_mnt;
static struct fsnotify_group *stats_group;

/* Somebody opened buffers/: list everything before open() returns. */
static int stats_dir_opened(struct fsnotify_mark *mark, u32 mask,
			    struct inode *inode, struct inode *dir,
			    const struct qstr *file_name, u32 cookie)
{
	stats_publish_upto(ULONG_MAX);
	return 0;
}

static void stats_free_mark(struct fsnotify_mark *mark)
{
	kfree(mark);
}

static const struct fsnotify_ops stats_fsnotify_ops = {
	.handle_inode_event = stats_dir_opened,
	.free_mark = stats_free_mark,
};

/*
 * Watch opens of buffers/ in the sysfs of the initial network namespace.
 * The internal mount keeps that superblock, and with it the watched
 * inode, for every later mount of sysfs in the namespace.
 */
static int stats_watch_init(void)
{
	struct file_system_type *type;
	struct fsnotify_mark *mark;
	struct inode *inode;
	int ret;

	type = get_fs_type("sysfs");
	if (!type)
		return -ENODEV;
	stats_mnt = kern_mount(type);
	put_filesystem(type);
	if (IS_ERR(stats_mnt)) {
		ret = PTR_ERR(stats_mnt);
		stats_mnt = NULL;
		return ret;
	}

	stats_group = fsnotify_alloc_group(&stats_fsnotify_ops, 0);
	if (IS_ERR(stats_group)) {
		ret = PTR_ERR(stats_group);
		goto err_unmount;
	}

	mark = kzalloc(sizeof(*mark), GFP_KERNEL);
	if (!mark) {
		ret = -ENOMEM;
		goto err_destroy_group;
	}
	fsnotify_init_mark(mark, stats_group);
	mark->mask = FS_OPEN;

	inode = kernfs_get_inode(stats_mnt->mnt_sb, dmabuf_buffers_kset->kobj.sd);
	if (!inode) {
		ret = -ENOMEM;
		goto err_put_mark;
	}
	ret = fsnotify_add_inode_mark(mark, inode, 0);
	iput(inode);
	if (ret)
		goto err_put_mark;

	/* The group holds the mark from here on. */
	fsnotify_put_mark(mark);
	return 0;

err_put_mark:
	fsnotify_put_mark(mark);
err_destroy_group:
	fsnotify_destroy_group(stats_group);
	stats_group = NULL;
err_unmount:
	kern_unmount(stats_mnt);
	stats_mnt = NULL;
	return ret;
}

static void stats_watch_exit(void)
{
	if (stats_group)
		fsnotify_destroy_group(stats_group);
	if (stats_mnt)
		kern_unmount(stats_mnt);
	stats_group = NULL;
	stats_mnt = NULL;
}
#else
static int stats_watch_init(void)
{
	return -EOPNOTSUPP;
}

static void stats_watch_exit(void)
{
}
#endif /* CONFIG_FSNOTIFY */

/**
 * dma_buf_stats_add - account a new buffer
 * @dmabuf: the buffer, with its file already made
 *
 * Normally only makes sure the worker will come by: the entry is made
 * later (see the overview).  Before the watch is set up, and where it
 * cannot be, the entry is made now.
 *
 * Context: process context.  Takes no lock when deferring.
 *
 * Return: 0, or a negative errno when the entry could not be made now.
 */
int dma_buf_stats_add(struct dma_buf *dmabuf)
{
	if (!stats_enabled)
		return 0;

	if (!stats_deferred)
		return stats_publish(dmabuf, file_inode(dmabuf->file)->i_ino);

	/* Usually pending already: then this is one atomic test. */
	queue_delayed_work(system_unbound_wq, &stats_work, STATS_DEFER_DELAY);
	return 0;
}

/**
 * dma_buf_stats_sync - list a buffer now if it is not listed yet
 * @dmabuf: the buffer
 * @ino: its inode number
 *
 * Called wherever userspace learns the buffer's inode number, so that the
 * directory exists by the time it can look for it.  Returns once the
 * directory is listed, also when another task was making it.
 *
 * Context: process context; may sleep.  The caller holds the buffer's
 * file or dentry.
 */
void dma_buf_stats_sync(struct dma_buf *dmabuf, unsigned long ino)
{
	struct dma_buf_sysfs_entry *entry = READ_ONCE(dmabuf->sysfs_entry);

	/* A claimed buffer is listed once the publish lock is ours. */
	if (stats_enabled && (!entry || entry == STATS_CLAIMED))
		stats_publish(dmabuf, ino);
}

/**
 * dma_buf_stats_sync_all - list every buffer now
 *
 * Context: process context; may sleep.
 */
void dma_buf_stats_sync_all(void)
{
	if (stats_enabled)
		stats_publish_upto(ULONG_MAX);
}

/**
 * dma_buf_stats_kick - list every buffer soon
 *
 * Description: for paths that reveal inode numbers but hold locks that
 * must not nest outside sysfs's own, such as mmap_lock.
 *
 * Context: any context.
 */
void dma_buf_stats_kick(void)
{
	if (!stats_enabled)
		return;
	atomic_set(&stats_kicked, 1);
	mod_delayed_work(system_unbound_wq, &stats_work, 0);
}

/**
 * dma_buf_stats_remove - withdraw a buffer from sysfs
 * @dmabuf: the buffer, about to be freed
 *
 * A buffer that was never listed costs nothing here.  A listed one is
 * removed before this returns, which waits for readers in its files.
 *
 * Context: process context; may sleep.  Waits only when a publisher has
 * the buffer in hand.
 */
void dma_buf_stats_remove(struct dma_buf *dmabuf)
{
	struct dma_buf_sysfs_entry *entry;

	/* Pairs with the store in stats_publish_locked(). */
	entry = smp_load_acquire(&dmabuf->sysfs_entry);
	if (entry == STATS_CLAIMED) {
		/* Being published right now: wait until that is done. */
		mutex_lock(&stats_publish_lock);
		entry = dmabuf->sysfs_entry;
		mutex_unlock(&stats_publish_lock);
	}
	if (!entry)
		return;
	dmabuf->sysfs_entry = NULL;

	if (entry->listed)
		kobject_del(&entry->kobj);
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

/*
 * The watch is set up late: sysfs has one superblock per network
 * namespace, and the namespace type only registers in subsys_initcall,
 * after dma_buf_init().  A mount made earlier would get a superblock of
 * its own, whose inode nobody else ever opens.  Until then every
 * directory is made at export.
 */
static int __init dma_buf_stats_watch_setup(void)
{
	int ret;

	if (!stats_enabled || !dmabuf_buffers_kset)
		return 0;

	ret = stats_watch_init();
	if (ret)
		pr_info("dma-buf: sysfs entries made at export (no watch: %d)\n",
			ret);
	else
		stats_deferred = true;
	return 0;
}
late_initcall(dma_buf_stats_watch_setup);

/**
 * dma_buf_stats_exit - remove /sys/kernel/dmabuf
 *
 * Context: process context, after the last buffer is gone.
 */
void dma_buf_stats_exit(void)
{
	if (!stats_enabled)
		return;
	stats_deferred = false;
	stats_watch_exit();
	cancel_delayed_work_sync(&stats_work);
	kset_unregister(dmabuf_buffers_kset);
	kset_unregister(dmabuf_kset);
}
