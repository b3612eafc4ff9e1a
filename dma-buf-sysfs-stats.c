// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA-BUF sysfs statistics: /sys/kernel/dmabuf/buffers/<inode>/.
 */

#include <linux/dma-buf.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "dma-buf-sysfs-stats.h"

/**
 * DOC: sysfs statistics
 *
 * With CONFIG_DMABUF_SYSFS_STATS every exported buffer has a directory
 * /sys/kernel/dmabuf/buffers/<inode number>/ holding two read-only files:
 * exporter_name, the name the exporter gave, and size, the size in bytes.
 * The inode number is the one fdinfo and fstat() report for the buffer's
 * file descriptor, so a tool can account the memory a process holds by
 * combining the two.  Inode numbers of buffers are never reused, so a
 * directory always stands for one buffer.
 *
 * The directory exists from the moment dma_buf_export() returns the buffer
 * until its memory is released; no uevents are sent for it.
 */

struct dma_buf_sysfs_entry {
	struct kobject kobj;
	struct dma_buf *dmabuf;
};

#define to_stats_entry(k) container_of(k, struct dma_buf_sysfs_entry, kobj)

struct dma_buf_stats_attribute {
	struct attribute attr;
	ssize_t (*show)(struct dma_buf *dmabuf, char *buf);
};

static struct kset *dmabuf_kset;
static struct kset *dmabuf_buffers_kset;

/*
 * kernfs drains readers before a directory is removed, and the entry is
 * removed before the buffer is freed, so the buffer is always alive here.
 */
static ssize_t dma_buf_stats_show(struct kobject *kobj, struct attribute *attr,
				  char *buf)
{
	struct dma_buf_stats_attribute *sattr =
		container_of(attr, struct dma_buf_stats_attribute, attr);

	return sattr->show(to_stats_entry(kobj)->dmabuf, buf);
}

static const struct sysfs_ops dma_buf_stats_sysfs_ops = {
	.show = dma_buf_stats_show,
};

static ssize_t exporter_name_show(struct dma_buf *dmabuf, char *buf)
{
	return sysfs_emit(buf, "%s\n", dmabuf->exp_name);
}

static ssize_t size_show(struct dma_buf *dmabuf, char *buf)
{
	return sysfs_emit(buf, "%zu\n", dmabuf->size);
}

static struct dma_buf_stats_attribute exporter_name_attribute = __ATTR_RO(exporter_name);
static struct dma_buf_stats_attribute size_attribute = __ATTR_RO(size);

static struct attribute *dma_buf_stats_attrs[] = {
	&exporter_name_attribute.attr,
	&size_attribute.attr,
	NULL,
};
ATTRIBUTE_GROUPS(dma_buf_stats);

static void dma_buf_stats_entry_release(struct kobject *kobj)
{
	kfree(to_stats_entry(kobj));
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

/**
 * dma_buf_stats_add - publish a new buffer in sysfs
 * @dmabuf: the buffer, with its file already made
 *
 * Context: process context; may sleep.
 *
 * Return: 0, or -ENOMEM or another error from sysfs; the buffer then has no
 * entry and the export must fail.
 */
int dma_buf_stats_add(struct dma_buf *dmabuf)
{
	struct dma_buf_sysfs_entry *entry;
	int ret;

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;

	entry->dmabuf = dmabuf;
	entry->kobj.kset = dmabuf_buffers_kset;

	ret = kobject_init_and_add(&entry->kobj, &dma_buf_stats_ktype, NULL,
				   "%lu", file_inode(dmabuf->file)->i_ino);
	if (ret) {
		/* The release callback frees the entry. */
		kobject_put(&entry->kobj);
		return ret;
	}

	dmabuf->sysfs_entry = entry;
	return 0;
}

/**
 * dma_buf_stats_remove - withdraw a buffer from sysfs
 * @dmabuf: the buffer, about to be freed
 *
 * Waits for readers of the entry's files to finish.
 *
 * Context: process context; may sleep.
 */
void dma_buf_stats_remove(struct dma_buf *dmabuf)
{
	struct dma_buf_sysfs_entry *entry = dmabuf->sysfs_entry;

	if (!entry)
		return;

	kobject_del(&entry->kobj);
	kobject_put(&entry->kobj);
	dmabuf->sysfs_entry = NULL;
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
	kset_unregister(dmabuf_buffers_kset);
	kset_unregister(dmabuf_kset);
}
