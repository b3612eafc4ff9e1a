/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DMA-BUF: share buffers between devices, drivers and processes.
 *
 * The interface between an exporter (the driver that owns the memory), the
 * importers (drivers that access it by DMA) and the core that wraps the
 * buffer in a file.  See Documentation/driver-api/dma-buf.rst.
 */
#ifndef __DMA_BUF_H__
#define __DMA_BUF_H__

#include <linux/iosys-map.h>
#include <linux/file.h>
#include <linux/err.h>
#include <linux/scatterlist.h>
#include <linux/list.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/dma-fence.h>
#include <linux/wait.h>
#include <linux/version.h>

/*
 * DMA_BUF_RESV_LOCKING: one header for two kernel lines.  From 6.2 on, the
 * reservation lock replaces &dma_buf.lock around kernel mappings (see the
 * vmap callback and dma_buf_vmap_unlocked()) and is held around every map
 * and unmap.  The test is on the upstream release, so a distribution's 6.1
 * keeps 6.1's rules whatever it backported.
 */
#define DMA_BUF_RESV_LOCKING	(KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE)

struct device;
struct dma_buf;
struct dma_buf_attachment;
struct kernfs_node;

/**
 * struct dma_buf_ops - what an exporter implements for its buffers
 *
 * map_dma_buf, unmap_dma_buf and release are mandatory; dma_buf_export()
 * refuses ops without them.  Everything else is optional.  An exporter that
 * provides @pin must provide @unpin too; having them makes the exporter
 * "dynamic" (see dma_buf_is_dynamic()).
 */
struct dma_buf_ops {
	/**
	 * @cache_sgt_mapping:
	 *
	 * Ask the core to keep the first mapping of each attachment and to
	 * hand it out again on later map calls, unmapping it only at detach.
	 * Not allowed together with @pin and @unpin.
	 */
	bool cache_sgt_mapping;

	/**
	 * @attach:
	 *
	 * Optional.  Called by dma_buf_attach() when a device starts using
	 * the buffer, before the attachment becomes visible.  The exporter
	 * may check whether the device can reach the backing storage.
	 *
	 * Returns 0 on success or a negative errno, e.g. -EBUSY or -ENOMEM
	 * when the buffer can no longer be attached, which aborts the attach.
	 */
	int (*attach)(struct dma_buf *dmabuf, struct dma_buf_attachment *attach);

	/**
	 * @detach:
	 *
	 * Optional.  Called by dma_buf_detach() once the attachment has left
	 * the buffer's list; undoes whatever @attach set up.
	 */
	void (*detach)(struct dma_buf *dmabuf, struct dma_buf_attachment *attach);

	/**
	 * @pin:
	 *
	 * Optional, dynamic exporters only.  Keep the backing storage where it
	 * is until @unpin, so that existing mappings stay valid.  Called with
	 * the buffer's reservation lock held.
	 *
	 * Returns 0 on success or a negative errno.
	 */
	int (*pin)(struct dma_buf_attachment *attach);

	/**
	 * @unpin:
	 *
	 * Optional, mandatory when @pin is set.  Drops one @pin; called with
	 * the reservation lock held.
	 */
	void (*unpin)(struct dma_buf_attachment *attach);

	/**
	 * @map_dma_buf:
	 *
	 * Mandatory.  Returns the buffer's scatter-gather table mapped for
	 * the attachment's device, with the DMA addresses filled in, or an
	 * ERR_PTR() on failure (-ENOMEM, -EINTR, ...).  Must not return NULL.
	 * The importer may only use the DMA addresses, never the pages.
	 *
	 * The core never holds &dma_buf.lock around this call, so exporters
	 * are free to take it.  The reservation lock is held when either the
	 * exporter or the importer is dynamic.  A dynamic exporter without
	 * move_notify support is pinned around the mapping.
	 */
	struct sg_table *(*map_dma_buf)(struct dma_buf_attachment *attach,
					enum dma_data_direction dir);
	/**
	 * @unmap_dma_buf:
	 *
	 * Mandatory.  Releases a table that @map_dma_buf returned, with the
	 * same direction.  Same locking as @map_dma_buf.
	 */
	void (*unmap_dma_buf)(struct dma_buf_attachment *attach,
			      struct sg_table *sgt,
			      enum dma_data_direction dir);

	/**
	 * @release:
	 *
	 * Mandatory.  Called exactly once, after the last reference to the
	 * buffer's file is gone, to free the exporter's private state.
	 */
	void (*release)(struct dma_buf *dmabuf);

	/**
	 * @begin_cpu_access:
	 *
	 * Optional.  Called from dma_buf_begin_cpu_access() before the CPU
	 * reads or writes the buffer through a kernel or user mapping, so the
	 * exporter can make caches coherent or migrate the storage.
	 *
	 * Returns 0 on success or a negative errno; -ERESTARTSYS or -EINTR
	 * when an interruptible wait was interrupted, -EAGAIN when the buffer
	 * is busy.
	 */
	int (*begin_cpu_access)(struct dma_buf *dmabuf,
				enum dma_data_direction dir);

	/**
	 * @end_cpu_access:
	 *
	 * Optional.  Called from dma_buf_end_cpu_access() when the CPU is
	 * done; the exporter flushes what the CPU wrote.  Same return values
	 * as @begin_cpu_access.
	 */
	int (*end_cpu_access)(struct dma_buf *dmabuf,
			      enum dma_data_direction dir);

	/**
	 * @mmap:
	 *
	 * Optional.  Sets up a userspace mapping of the buffer in @vma; the
	 * core has already checked that the range lies inside the buffer.
	 * Without it, mmap() of the buffer fails with -EINVAL.  CPU access
	 * through the mapping is bracketed by DMA_BUF_IOCTL_SYNC.
	 *
	 * Returns 0 on success or a negative errno.
	 */
	int (*mmap)(struct dma_buf *dmabuf, struct vm_area_struct *vma);

	/**
	 * @vmap:
	 *
	 * Optional.  Maps the whole buffer into kernel address space and
	 * stores the address in @map.  Called with &dma_buf.lock held (6.1)
	 * or the reservation lock held (6.2 and later), only for the first of
	 * a series of nested dma_buf_vmap() calls.
	 *
	 * Returns 0 on success or a negative errno.
	 */
	int (*vmap)(struct dma_buf *dmabuf, struct iosys_map *map);

	/**
	 * @vunmap:
	 *
	 * Optional.  Undoes @vmap when the last nested mapping goes away;
	 * called with the same lock held as @vmap.
	 */
	void (*vunmap)(struct dma_buf *dmabuf, struct iosys_map *map);
};

/**
 * struct dma_buf - a shared buffer
 * @size: size of the buffer in bytes; fixed for the buffer's lifetime.
 * @file: the file that represents the buffer; its reference count is the
 *	buffer's.
 * @attachments: the buffer's &dma_buf_attachment list, protected by the
 *	reservation lock @resv.
 * @ops: the exporter's operations.
 * @lock: (6.1 only) serialises @vmapping_counter and @vmap_ptr.
 *	Exporters may take it in their callbacks except @vmap/@vunmap,
 *	which run under it.  From 6.2 on the reservation lock does.
 * @vmapping_counter: number of nested dma_buf_vmap() calls outstanding.
 * @vmap_ptr: the kernel mapping while @vmapping_counter is non-zero.
 * @exp_name: name of the exporter, for debugging and statistics.
 * @name: name given by userspace with DMA_BUF_SET_NAME, or NULL.
 * @name_lock: spinlock protecting @name, so it can be read from contexts
 *	that cannot sleep.
 * @owner: the exporting module, pinned while the buffer exists.
 * @list_node: entry in the core's list of all buffers (for debugfs).
 * @priv: the exporter's private data.
 * @resv: reservation object holding the buffer's implicit fences.
 * @poll: wait queue for poll() on the buffer's file.
 * @cb_in: fence callback state for a pending EPOLLIN.
 * @cb_out: fence callback state for a pending EPOLLOUT.
 * @sysfs_entry: the buffer's directory in /sys/kernel/dmabuf/buffers.
 *
 * Exporters create one with dma_buf_export() and hand it to userspace as a
 * file descriptor with dma_buf_fd(); importers look it up with
 * dma_buf_get() and use it through a &dma_buf_attachment.
 */
struct dma_buf {
	size_t size;
	struct file *file;
	struct list_head attachments;
	const struct dma_buf_ops *ops;
#if !DMA_BUF_RESV_LOCKING
	struct mutex lock;		/* see @lock above */
#endif
	unsigned int vmapping_counter;
	struct iosys_map vmap_ptr;
	const char *exp_name;
	const char *name;
	spinlock_t name_lock;		/* see @name_lock above */
	struct module *owner;
	struct list_head list_node;
	void *priv;
	struct dma_resv *resv;
	wait_queue_head_t poll;

	/*
	 * A fence callback armed by poll(): @cb is registered on a fence,
	 * @poll is the wait queue to wake (the buffer's own), @active the
	 * events waiting for the callback, or 0 when none is armed.
	 * @active is protected by the wait queue's lock.
	 */
	struct dma_buf_poll_cb_t {
		struct dma_fence_cb cb;
		wait_queue_head_t *poll;

		__poll_t active;
	} cb_in, cb_out;
#ifdef CONFIG_DMABUF_SYSFS_STATS
	struct kernfs_node *sysfs_entry;
#endif
};

/**
 * struct dma_buf_attach_ops - what a dynamic importer implements
 *
 * An importer that passes these to dma_buf_dynamic_attach() is dynamic:
 * it maps and unmaps under the reservation lock and copes with the
 * exporter moving the buffer.
 */
struct dma_buf_attach_ops {
	/**
	 * @allow_peer2peer:
	 *
	 * True when the importer can handle DMA addresses that point into
	 * another device's memory (PCI peer-to-peer) rather than system RAM.
	 */
	bool allow_peer2peer;

	/**
	 * @move_notify:
	 *
	 * Mandatory: the exporter is about to move the buffer.  Called with
	 * the reservation lock held.  Mappings of the attachment stay
	 * usable until the fences now in the reservation object signal; the
	 * importer must map again before its next access.
	 */
	void (*move_notify)(struct dma_buf_attachment *attach);
};

/**
 * struct dma_buf_attachment - one device's use of a buffer
 * @dmabuf: the buffer.
 * @dev: the importing device.
 * @node: entry in &dma_buf.attachments.
 * @sgt: the cached mapping, when the core keeps one.
 * @dir: the direction of @sgt.
 * @peer2peer: the importer accepts peer-to-peer addresses; the exporter may
 *	clear it in its attach callback when it cannot provide them.
 * @importer_ops: the importer's callbacks; NULL for a static importer.
 * @importer_priv: the importer's data for @importer_ops.
 * @priv: the exporter's data for this attachment.
 *
 * Created by dma_buf_attach() or dma_buf_dynamic_attach() and freed by
 * dma_buf_detach().  Importers map the buffer through it.
 */
struct dma_buf_attachment {
	struct dma_buf *dmabuf;
	struct device *dev;
	struct list_head node;
	struct sg_table *sgt;
	enum dma_data_direction dir;
	bool peer2peer;
	const struct dma_buf_attach_ops *importer_ops;
	void *importer_priv;
	void *priv;
};

/**
 * struct dma_buf_export_info - arguments of dma_buf_export()
 * @exp_name: the exporter's name, shown in fdinfo, debugfs and sysfs.
 * @owner: the exporting module; it cannot be unloaded while the buffer
 *	exists.
 * @ops: the exporter's operations.
 * @size: size of the buffer in bytes.
 * @flags: file flags for the buffer's file; only the access mode and
 *	O_NONBLOCK are kept.
 * @resv: a reservation object to share, or NULL for one of the buffer's
 *	own.
 * @priv: the exporter's private data; must not be NULL.
 *
 * Declare it with DEFINE_DMA_BUF_EXPORT_INFO() so that @exp_name and
 * @owner are filled in.
 */
struct dma_buf_export_info {
	const char *exp_name;
	struct module *owner;
	const struct dma_buf_ops *ops;
	size_t size;
	int flags;
	struct dma_resv *resv;
	void *priv;
};

/**
 * DEFINE_DMA_BUF_EXPORT_INFO - declare a &dma_buf_export_info
 * @name: name of the variable
 *
 * The variable starts with the calling module as exporter name and owner;
 * all other fields are zero.
 */
#define DEFINE_DMA_BUF_EXPORT_INFO(name)	\
	struct dma_buf_export_info name = { .exp_name = KBUILD_MODNAME, \
					 .owner = THIS_MODULE }

/**
 * get_dma_buf - take a reference on a buffer
 * @dmabuf: the buffer
 *
 * A buffer is counted by its file; drop the reference with dma_buf_put().
 *
 * Context: any context; the caller must already hold a reference.
 */
static inline void get_dma_buf(struct dma_buf *dmabuf)
{
	get_file(dmabuf->file);
}

/**
 * dma_buf_is_dynamic - does the exporter support dynamic mappings?
 * @dmabuf: the buffer
 *
 * Context: any context.
 *
 * Return: true when the exporter has pin/unpin callbacks, i.e. mappings are
 * made and torn down under the reservation lock and the buffer may move.
 */
static inline bool dma_buf_is_dynamic(struct dma_buf *dmabuf)
{
	return !!dmabuf->ops->pin;
}

/**
 * dma_buf_attachment_is_dynamic - is the importer dynamic?
 * @attach: the attachment
 *
 * Context: any context.
 *
 * Return: true when the importer attached with &dma_buf_attach_ops and so
 * maps under the reservation lock.
 */
static inline bool
dma_buf_attachment_is_dynamic(struct dma_buf_attachment *attach)
{
	return !!attach->importer_ops;
}

struct dma_buf_attachment *dma_buf_attach(struct dma_buf *dmabuf,
					  struct device *dev);
struct dma_buf_attachment *
dma_buf_dynamic_attach(struct dma_buf *dmabuf, struct device *dev,
		       const struct dma_buf_attach_ops *importer_ops,
		       void *importer_priv);
void dma_buf_detach(struct dma_buf *dmabuf,
		    struct dma_buf_attachment *attach);
int dma_buf_pin(struct dma_buf_attachment *attach);
void dma_buf_unpin(struct dma_buf_attachment *attach);

struct dma_buf *dma_buf_export(const struct dma_buf_export_info *exp_info);

int dma_buf_fd(struct dma_buf *dmabuf, int flags);
#if !DMA_BUF_RESV_LOCKING
void dma_buf_fd_install(struct dma_buf *dmabuf, int fd);
#endif
struct dma_buf *dma_buf_get(int fd);
void dma_buf_put(struct dma_buf *dmabuf);

struct sg_table *dma_buf_map_attachment(struct dma_buf_attachment *attach,
					enum dma_data_direction direction);
void dma_buf_unmap_attachment(struct dma_buf_attachment *attach,
			      struct sg_table *sg_table,
			      enum dma_data_direction direction);
void dma_buf_move_notify(struct dma_buf *dma_buf);
int dma_buf_begin_cpu_access(struct dma_buf *dma_buf,
			     enum dma_data_direction dir);
int dma_buf_end_cpu_access(struct dma_buf *dma_buf,
			   enum dma_data_direction dir);
struct sg_table *
dma_buf_map_attachment_unlocked(struct dma_buf_attachment *attach,
				enum dma_data_direction direction);
void dma_buf_unmap_attachment_unlocked(struct dma_buf_attachment *attach,
				       struct sg_table *sg_table,
				       enum dma_data_direction direction);

int dma_buf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma,
		 unsigned long pgoff);
int dma_buf_vmap(struct dma_buf *dmabuf, struct iosys_map *map);
void dma_buf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map);
#if DMA_BUF_RESV_LOCKING
int dma_buf_vmap_unlocked(struct dma_buf *dmabuf, struct iosys_map *map);
void dma_buf_vunmap_unlocked(struct dma_buf *dmabuf, struct iosys_map *map);
#endif
#endif /* __DMA_BUF_H__ */
