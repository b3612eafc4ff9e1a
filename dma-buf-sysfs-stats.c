// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA-BUF sysfs statistics: /sys/kernel/dmabuf/buffers/<inode>/.
 */

#include <linux/dma-buf.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>

#include "dma-buf-compat.h"
#include "dma-buf-sysfs-stats.h"

/**
 * DOC: sysfs statistics
 *
 * With CONFIG_DMABUF_SYSFS_STATS every buffer has a directory
 * /sys/kernel/dmabuf/buffers/<inode number>/ holding two read-only files:
 * exporter_name, the name the exporter gave, and size, the size in bytes,
 * each followed by a newline.  The inode number is the one fstat() and
 * fdinfo report for the buffer's file descriptor, so a tool can account
 * the memory a process holds by combining the two.  Inode numbers of
 * buffers are never reused, so a directory always stands for one buffer.
 * No uevents are sent.
 *
 * What a reader may rely on, as in 6.1:
 *
 * - the directory exists before dma_buf_export() returns, so before any
 *   file descriptor, mapping, fdinfo, debugfs listing or other trace of
 *   the buffer can reach userspace; a buffer whose export failed never had
 *   one;
 * - it is removed when the buffer is released, that is before the last
 *   close() or munmap() of the buffer returns to userspace (or, for a
 *   reference a kernel thread drops, before that thread's deferred file
 *   release completes);
 * - the files are added right after the directory, so a reader racing with
 *   an export may briefly find the directory still empty;
 * - /sys/kernel/dmabuf holds nothing but buffers/, and buffers/ nothing
 *   but the buffers' directories.
 *
 * The directory and its files are kernfs nodes made directly, without a
 * kobject per buffer: three nodes, one name copy, and a single removal of
 * the whole directory at release.  A reader holding one of the files open
 * across the release gets -ENODEV from then on; kernfs waits for reads in
 * progress before the removal returns, so no read ever reaches a freed
 * buffer.
 */

/*
 * Beyond upstream: dma_buf_sysfs_stats.enable=0 on the command line turns
 * the statistics off in a kernel built with them, so that their cost can be
 * measured on one kernel.
 */
static bool stats_enabled = true;
module_param_named(enable, stats_enabled, bool, 0444);
MODULE_PARM_DESC(enable, "List buffers in /sys/kernel/dmabuf (default: true)");

static struct kset *dmabuf_kset;
static struct kset *dmabuf_buffers_kset;

/* The two files, read through the buffer their node points at. */
static int exporter_name_show(struct seq_file *m, void *v)
{
	struct kernfs_open_file *of = m->private;
	struct dma_buf *buf = of->kn->priv;

	seq_printf(m, "%s\n", buf->exp_name);
	return 0;
}

static int size_show(struct seq_file *m, void *v)
{
	struct kernfs_open_file *of = m->private;
	struct dma_buf *buf = of->kn->priv;

	seq_printf(m, "%zu\n", buf->size);
	return 0;
}

static const struct kernfs_ops exporter_name_ops = {
	.seq_show = exporter_name_show,
};

static const struct kernfs_ops size_ops = {
	.seq_show = size_show,
};

/* One lockdep class per file, for the active references of readers. */
static struct lock_class_key exporter_name_key;
static struct lock_class_key size_key;

/* What a sysfs attribute file of mode 0444 looks like. */
static int stats_add_file(struct kernfs_node *dir, const char *name,
			  const struct kernfs_ops *ops,
			  struct lock_class_key *key)
{
	struct kernfs_node *kn;

	kn = __kernfs_create_file(dir, name, 0444, GLOBAL_ROOT_UID,
				  GLOBAL_ROOT_GID, PAGE_SIZE, ops, dir->priv,
				  NULL, key);
	return PTR_ERR_OR_ZERO(kn);
}

/* Buffers come and go far too often for a uevent each. */
static int dma_buf_stats_uevent_filter(DMA_BUF_KOBJ_CONST struct kobject *kobj)
{
	return 0;
}

static const struct kset_uevent_ops dma_buf_stats_uevent_ops = {
	.filter = dma_buf_stats_uevent_filter,
};

/**
 * dma_buf_stats_add - list a new buffer in /sys/kernel/dmabuf/buffers
 * @dmabuf: the buffer, with its file made but not yet reachable by anyone
 *
 * Makes the buffer's directory and both files.  On failure nothing of it
 * is left behind.
 *
 * Context: process context; may sleep.
 *
 * Return: 0; -EINVAL (with an error message) when the exporter gave no
 * name, which the statistics need; -ENOMEM, or -EEXIST should the inode
 * number be taken already.
 */
int dma_buf_stats_add(struct dma_buf *dmabuf)
{
	char name[24];
	struct kernfs_node *dir;
	int ret;

	if (!dmabuf->exp_name) {
		pr_err("dma-buf: exporters must name themselves for the sysfs statistics\n");
		return -EINVAL;
	}

	if (!stats_enabled)
		return 0;

	snprintf(name, sizeof(name), "%lu", file_inode(dmabuf->file)->i_ino);
	dir = kernfs_create_dir_ns(dmabuf_buffers_kset->kobj.sd, name, 0755,
				   GLOBAL_ROOT_UID, GLOBAL_ROOT_GID, dmabuf,
				   NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);

	ret = stats_add_file(dir, "exporter_name", &exporter_name_ops,
			     &exporter_name_key);
	if (ret)
		goto err_remove_dir;

	ret = stats_add_file(dir, "size", &size_ops, &size_key);
	if (ret)
		goto err_remove_dir;

	dmabuf->sysfs_entry = dir;
	return 0;

err_remove_dir:
	kernfs_remove(dir);
	return ret;
}

/**
 * dma_buf_stats_remove - withdraw a buffer from sysfs
 * @dmabuf: the buffer, about to be freed
 *
 * Removes the directory with its files in one step, after the reads in
 * progress in them have finished.
 *
 * Context: process context; may sleep.
 */
void dma_buf_stats_remove(struct dma_buf *dmabuf)
{
	struct kernfs_node *dir = dmabuf->sysfs_entry;

	if (!dir)
		return;

	dmabuf->sysfs_entry = NULL;
	kernfs_remove(dir);
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
	if (!stats_enabled)
		return;
	kset_unregister(dmabuf_buffers_kset);
	kset_unregister(dmabuf_kset);
}
