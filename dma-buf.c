// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA-BUF core: buffers shared between devices, drivers and processes.
 */

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pseudo_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <uapi/linux/dma-buf.h>
#include <uapi/linux/magic.h>

#include "dma-buf-compat.h"
#include "dma-buf-internal.h"
#include "dma-buf-sysfs-stats.h"

#define CREATE_TRACE_POINTS
#include <trace/events/dma_buf.h>

/**
 * DOC: overview
 *
 * A DMA-BUF is a piece of memory owned by one driver, the exporter, that
 * other drivers, the importers, access by DMA and that processes reach
 * through a file descriptor.  The core in this file does not allocate or map
 * memory itself; it gives the exporter's buffer an identity and a lifetime
 * and brokers every access:
 *
 * - dma_buf_export() wraps the exporter's buffer in a &struct dma_buf backed
 *   by a file on a private pseudo filesystem.  The file's reference count is
 *   the buffer's: dma_buf_fd(), dma_buf_get(), get_dma_buf() and
 *   dma_buf_put() only move file references, and the exporter's release
 *   callback runs when the last one goes.
 *
 * - Importers attach a device with dma_buf_attach() or
 *   dma_buf_dynamic_attach() and obtain a scatter-gather table of DMA
 *   addresses with dma_buf_map_attachment().  Static importers and
 *   exporters keep a mapping valid for as long as it exists; dynamic ones
 *   (importers with &dma_buf_attach_ops, exporters with pin/unpin) map under
 *   the reservation lock and let the buffer move, notified through
 *   dma_buf_move_notify().  When only one side is dynamic the core bridges
 *   the gap by pinning and mapping the buffer once, at attach time.
 *
 * - The CPU reaches the contents through dma_buf_vmap() in the kernel and
 *   mmap() in userspace, bracketed by dma_buf_begin_cpu_access() and
 *   dma_buf_end_cpu_access() (DMA_BUF_IOCTL_SYNC from userspace).
 *
 * Locking, outermost first: the global buffer list mutex (debugfs only), a
 * buffer's reservation lock, then (6.1) &dma_buf.lock, which only guards
 * the vmap state.  &dma_buf.lock is never held while calling into the
 * exporter for anything but vmap and vunmap, so exporters may take it
 * themselves in their map callbacks.  &dma_buf.name_lock is a leaf
 * spinlock.  From 6.2 on there is no &dma_buf.lock: the reservation lock
 * guards the vmap state, and every map and unmap runs under it (see
 * dma-buf-compat.h).
 */

/* Every exported buffer whose file is still open, for debugfs. */
static LIST_HEAD(dmabuf_list);
static DEFINE_MUTEX(dmabuf_list_lock);

static struct vfsmount *dmabuf_mnt;

/* Inode numbers name the buffers in sysfs, so they are never reused. */
static atomic64_t dmabuf_last_ino = ATOMIC64_INIT(0);

static const struct file_operations dma_buf_fops;

static bool is_dma_buf_file(struct file *file)
{
	return file->f_op == &dma_buf_fops;
}

/*
 * What dma_buf_export() allocates: the buffer, whether it carries its own
 * reservation object, and that object when it does.  The flag, not the
 * address, decides: an exporter's object may well sit right behind a
 * &struct dma_buf in memory.
 */
struct dma_buf_box {
	struct dma_buf buf;
	bool own_resv;
	struct dma_resv resv[];
};

/*
 * What the trace events say about a buffer, copied while the caller still
 * holds its reference: some events go out just before that reference goes
 * to an fd table or is dropped, after which the buffer may be freed at any
 * moment.  Copied only when the event is enabled (dma_buf_trace()).
 */
struct dma_buf_trace_id {
	unsigned long ino;
	size_t size;
	char exp_name[64];
	char name[DMA_BUF_NAME_LEN];
};

static void dma_buf_trace_id(struct dma_buf *buf, struct dma_buf_trace_id *id)
{
	id->ino = file_inode(buf->file)->i_ino;
	id->size = buf->size;
	strscpy(id->exp_name, buf->exp_name ?: "", sizeof(id->exp_name));
	id->name[0] = '\0';
	/* name_lock is not irq-safe: a put from atomic context goes unnamed */
	if (in_task()) {
		spin_lock(&buf->name_lock);
		if (buf->name)
			strscpy(id->name, buf->name, sizeof(id->name));
		spin_unlock(&buf->name_lock);
	}
}

/* Emits @event for @buf; the caller checked that the event is enabled. */
#define dma_buf_trace_emit(event, buf, ...)				\
	do {								\
		struct dma_buf_trace_id id_;				\
									\
		dma_buf_trace_id(buf, &id_);				\
		trace_dma_buf_##event(id_.ino, id_.exp_name, id_.name,	\
				      id_.size, ##__VA_ARGS__);		\
	} while (0)

#define dma_buf_trace(event, buf, ...)					\
	do {								\
		if (trace_dma_buf_##event##_enabled())			\
			dma_buf_trace_emit(event, buf, ##__VA_ARGS__);	\
	} while (0)

static struct dma_buf_box *to_box(struct dma_buf *buf)
{
	return container_of(buf, struct dma_buf_box, buf);
}

static bool dma_buf_has_own_resv(struct dma_buf *buf)
{
	return to_box(buf)->own_resv;
}

/*
 * Buffers whose release found them still in use (see
 * dmabuf_dentry_release()).  They are kept, not freed, so that the user
 * that broke the rules touches valid memory; linked here so that they are
 * not reported as leaks either.
 */
static LIST_HEAD(dmabuf_kept_list);
static DEFINE_SPINLOCK(dmabuf_kept_lock);

/*
 * The link text of /proc/<pid>/fd/<n> and the name in /proc/<pid>/maps:
 * "/dmabuf:" followed by the name userspace gave the buffer, if any.
 */
static char *dmabuf_dname(struct dentry *dentry, char *buffer, int buflen)
{
	struct dma_buf *buf = dentry->d_fsdata;
	const char *name;
	char *res;

	/* Only a failed export leaves a dentry without a buffer. */
	if (!buf)
		return dynamic_dname(buffer, buflen, "/%s:", dentry->d_name.name);

	/*
	 * The name may be replaced at any moment: format it under its lock.
	 * At most DMA_BUF_NAME_LEN - 1 characters of it; of a longer one (a
	 * driver's own) 6.1 shows those, later lines nothing.
	 */
	spin_lock(&buf->name_lock);
	name = buf->name ?: "";
	if (DMA_BUF_DNAME_DROPS_LONG_NAME &&
	    strnlen(name, DMA_BUF_NAME_LEN) == DMA_BUF_NAME_LEN)
		name = "";
	res = dynamic_dname(buffer, buflen, "/%s:%.*s", dentry->d_name.name,
			    DMA_BUF_NAME_LEN - 1, name);
	spin_unlock(&buf->name_lock);

	return res;
}

/*
 * Is a kernel mapping or a poll callback left at release?  A callback that
 * is still armed is told that the file has gone (see dma_buf_poll()).
 */
static bool dma_buf_still_used(struct dma_buf *buf)
{
	bool armed;

	spin_lock_irq(&buf->poll.lock);
	armed = buf->cb_in.active || buf->cb_out.active;
	if (armed)
		buf->file = NULL;
	spin_unlock_irq(&buf->poll.lock);

	return armed || buf->vmapping_counter;
}

/*
 * The dentry is the last thing to go, after every file reference and every
 * mapping of the buffer's file: free the buffer here.
 */
static void dmabuf_dentry_release(struct dentry *dentry)
{
	struct dma_buf *buf = dentry->d_fsdata;

	/* An export that failed after making the file never linked a buffer. */
	if (!buf)
		return;

	/*
	 * An armed poll callback holds a file reference, and a kernel mapping
	 * must be undone before its user drops the last one, so neither can
	 * be left here unless somebody broke the rules.  6.1 stops the kernel
	 * here.  Warn instead, and keep the buffer and the exporter's memory
	 * (and so its module): whoever still uses them then reaches valid
	 * memory instead of freed memory.
	 */
	if (WARN_ON(dma_buf_still_used(buf))) {
		dma_buf_stats_remove(buf);
		spin_lock(&dmabuf_kept_lock);
		list_add(&buf->list_node, &dmabuf_kept_list);
		spin_unlock(&dmabuf_kept_lock);
		return;
	}

	dma_buf_stats_remove(buf);
	buf->ops->release(buf);

	if (dma_buf_has_own_resv(buf))
		dma_resv_fini(buf->resv);

	WARN_ON(!list_empty(&buf->attachments));
	module_put(buf->owner);
	kfree(buf->name);
	kfree(to_box(buf));
}

static const struct dentry_operations dmabuf_dentry_ops = {
	.d_dname = dmabuf_dname,
	.d_release = dmabuf_dentry_release,
};

static int dmabuf_fs_init_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, DMA_BUF_MAGIC);

	if (!ctx)
		return -ENOMEM;

	ctx->dops = &dmabuf_dentry_ops;
	return 0;
}

static struct file_system_type dmabuf_fs_type = {
	.name = "dmabuf",
	.init_fs_context = dmabuf_fs_init_context,
	.kill_sb = kill_anon_super,
};

/*
 * Closing the last reference: the buffer stops being listed now, while the
 * memory itself lives on until the dentry goes.
 */
static int dma_buf_file_release(struct inode *inode, struct file *file)
{
	struct dma_buf *buf = file->private_data;

	if (buf) {
		mutex_lock(&dmabuf_list_lock);
		list_del(&buf->list_node);
		mutex_unlock(&dmabuf_list_lock);
	}

	return 0;
}

/* Does [pgoff, pgoff + npages) fit inside the buffer? */
static int dma_buf_check_range(struct dma_buf *buf, unsigned long pgoff,
			       unsigned long npages)
{
	unsigned long end = pgoff + npages;

	if (end < pgoff)
		return -EOVERFLOW;
	if (end > (buf->size >> PAGE_SHIFT))
		return -EINVAL;

	return 0;
}

static int dma_buf_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dma_buf *buf = file->private_data;
	int ret;

	if (!buf->ops->mmap)
		return -EINVAL;

	ret = dma_buf_check_range(buf, vma->vm_pgoff, vma_pages(vma));
	if (ret)
		return ret;

	dma_buf_trace(mmap, buf);
	return buf->ops->mmap(buf, vma);
}

/*
 * The only seeks that make sense on a buffer are the two that tell its size
 * the way the idiom lseek(fd, 0, SEEK_END); lseek(fd, 0, SEEK_SET) expects.
 */
static loff_t dma_buf_llseek(struct file *file, loff_t offset, int whence)
{
	struct dma_buf *buf = file->private_data;

	if (offset)
		return -EINVAL;

	switch (whence) {
	case SEEK_SET:
		return 0;
	case SEEK_END:
		return buf->size;
	default:
		return -EINVAL;
	}
}

static long dma_buf_set_name(struct dma_buf *buf, const char __user *uname)
{
	char *name = strndup_user(uname, DMA_BUF_NAME_LEN);
	const char *old;

	if (IS_ERR(name))
		return PTR_ERR(name);

	spin_lock(&buf->name_lock);
	old = buf->name;
	buf->name = name;
	spin_unlock(&buf->name_lock);

	kfree(old);
	return 0;
}

static long dma_buf_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct dma_buf *buf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case DMA_BUF_IOCTL_SYNC:
		return dma_buf_ioctl_sync(buf, uarg);
	/* The name ioctl's number depends on the size of a user pointer. */
	case DMA_BUF_SET_NAME_A:
	case DMA_BUF_SET_NAME_B:
		return dma_buf_set_name(buf, uarg);
#if IS_ENABLED(CONFIG_SYNC_FILE)
	case DMA_BUF_IOCTL_EXPORT_SYNC_FILE:
		return dma_buf_ioctl_export_sync_file(buf, uarg);
	case DMA_BUF_IOCTL_IMPORT_SYNC_FILE:
		return dma_buf_ioctl_import_sync_file(buf, uarg);
#endif
	default:
		return -ENOTTY;
	}
}

static void dma_buf_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct dma_buf *buf = file->private_data;

	seq_printf(m, "size:\t%zu\n", buf->size);
	/* The reference that /proc holds while printing this is not counted. */
	seq_printf(m, "count:\t%ld\n", file_count(file) - 1);
	seq_printf(m, "exp_name:\t%s\n", buf->exp_name);

	spin_lock(&buf->name_lock);
	if (buf->name)
		seq_printf(m, "name:\t%s\n", buf->name);
	spin_unlock(&buf->name_lock);
}

static const struct file_operations dma_buf_fops = {
	.show_fdinfo	= dma_buf_show_fdinfo,
	.llseek		= dma_buf_llseek,
	.unlocked_ioctl	= dma_buf_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= dma_buf_file_mmap,
	.poll		= dma_buf_poll,
	.release	= dma_buf_file_release,
};

static struct file *dma_buf_new_file(size_t size, int flags)
{
	struct inode *inode;
	struct file *file;

	inode = alloc_anon_inode(dmabuf_mnt->mnt_sb);
	if (IS_ERR(inode))
		return ERR_CAST(inode);

	inode->i_ino = atomic64_inc_return(&dmabuf_last_ino);
	inode->i_size = size;
	inode_set_bytes(inode, size);

	file = alloc_file_pseudo(inode, dmabuf_mnt, "dmabuf",
				 flags & (O_ACCMODE | O_NONBLOCK), &dma_buf_fops);
	if (IS_ERR(file))
		iput(inode);

	return file;
}

static bool dma_buf_ops_valid(const struct dma_buf_ops *ops)
{
	if (!ops->map_dma_buf || !ops->unmap_dma_buf || !ops->release)
		return false;

	/* Pinning only makes sense in pairs... */
	if (!ops->pin != !ops->unpin)
		return false;

	/* ...and a cached mapping can never be moved. */
	return !(ops->cache_sgt_mapping && ops->pin);
}

/* The last step of undoing a failed export: the owner's pin goes. */
static struct dma_buf *
dma_buf_export_undo_owner(const struct dma_buf_export_info *exp_info, int err)
{
	module_put(exp_info->owner);
	return ERR_PTR(err);
}

/**
 * dma_buf_export - wrap an exporter's buffer in a new &struct dma_buf
 * @exp_info: what to export; see &struct dma_buf_export_info
 *
 * Creates the buffer and the file that represents it, with one reference
 * owned by the caller.  Hand it to userspace with dma_buf_fd() or drop it
 * with dma_buf_put(); either way the exporter's release callback runs
 * exactly once, when the last reference is gone.  The exporting module is
 * pinned until then.
 *
 * The buffer uses @exp_info->resv when given, or a reservation object of its
 * own.  It only becomes visible (debugfs list, sysfs statistics) once it is
 * complete, and a failure undoes every step taken.
 *
 * Context: process context; may sleep.
 *
 * Return:
 * * the new buffer;
 * * ERR_PTR(-EINVAL) if @exp_info has no private data or the ops lack a
 *   mandatory callback or mix pin/unpin with each other or with
 *   cache_sgt_mapping;
 * * ERR_PTR(-EINVAL) with CONFIG_DMABUF_SYSFS_STATS if @exp_info has no
 *   exp_name, which the statistics need;
 * * ERR_PTR(-ENOENT) if the owning module is being unloaded;
 * * ERR_PTR(-ENOMEM) or another error from creating the file or the sysfs
 *   directory (-EEXIST if its name is taken).
 */
struct dma_buf *dma_buf_export(const struct dma_buf_export_info *exp_info)
{
	struct dma_resv *resv = exp_info->resv;
	struct dma_buf_box *box;
	struct dma_buf *buf;
	struct file *file;
	int ret;

	if (WARN_ON(!exp_info->priv || !exp_info->ops ||
		    !dma_buf_ops_valid(exp_info->ops)))
		return ERR_PTR(-EINVAL);

	if (!try_module_get(exp_info->owner))
		return ERR_PTR(-ENOENT);

	/*
	 * The file first, then the buffer, in 6.1's order: an allocation that
	 * fails hits the same object, and a failed buffer allocation uses up
	 * an inode number, as there.
	 */
	file = dma_buf_new_file(exp_info->size, exp_info->flags);
	if (IS_ERR(file))
		return dma_buf_export_undo_owner(exp_info, PTR_ERR(file));

	/* A buffer without a shared reservation object carries one inline. */
	box = kzalloc(struct_size(box, resv, resv ? 0 : 1), GFP_KERNEL);
	if (!box) {
		ret = -ENOMEM;
		goto err_put_file;
	}
	buf = &box->buf;

	buf->priv = exp_info->priv;
	buf->ops = exp_info->ops;
	buf->size = exp_info->size;
	buf->exp_name = exp_info->exp_name;
	buf->owner = exp_info->owner;
	spin_lock_init(&buf->name_lock);
	dma_buf_vmap_lock_init(buf);
	INIT_LIST_HEAD(&buf->attachments);
	init_waitqueue_head(&buf->poll);
	buf->cb_in.poll = &buf->poll;
	buf->cb_out.poll = &buf->poll;

	if (!resv) {
		box->own_resv = true;
		resv = box->resv;
		dma_resv_init(resv);
	}
	buf->resv = resv;
	buf->file = file;

	ret = dma_buf_stats_add(buf);
	if (ret)
		goto err_free_dmabuf;

	/* Complete: from here on the file owns the buffer. */
	file->private_data = buf;
	file->f_path.dentry->d_fsdata = buf;

	mutex_lock(&dmabuf_list_lock);
	list_add(&buf->list_node, &dmabuf_list);
	mutex_unlock(&dmabuf_list_lock);

	dma_buf_trace(export, buf);
	return buf;

err_free_dmabuf:
	if (box->own_resv)
		dma_resv_fini(buf->resv);
	kfree(box);
err_put_file:
	/* Neither the file nor its dentry point at the buffer yet. */
	fput(file);
	return dma_buf_export_undo_owner(exp_info, ret);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_export, DMA_BUF);

/* Makes @fd, reserved by the caller, the buffer's. */
static void dma_buf_install(struct dma_buf *buf, int fd)
{
	/* before fd_install(): from then on a close() may free the buffer */
	dma_buf_trace(fd, buf, fd);
	fd_install(fd, buf->file);
}

/**
 * dma_buf_fd - give a buffer a file descriptor in the current process
 * @buf: the buffer
 * @flags: flags for the descriptor, O_CLOEXEC at most
 *
 * The descriptor takes over the caller's reference to @buf.  On failure
 * the caller keeps its reference and must drop it with dma_buf_put().
 *
 * Context: process context.
 *
 * Return: the new descriptor, -EINVAL if @buf is not a complete buffer,
 * or -EMFILE / -ENFILE when the process or system is out of descriptors.
 */
int dma_buf_fd(struct dma_buf *buf, int flags)
{
	int fd;

	if (!buf || !buf->file)
		return -EINVAL;

	fd = get_unused_fd_flags(flags);
	if (fd >= 0)
		dma_buf_install(buf, fd);

	return fd;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_fd, DMA_BUF);

#if !DMA_BUF_RESV_LOCKING

/**
 * dma_buf_fd_install - bind a buffer to a reserved file descriptor
 * @buf: the buffer
 * @fd: a descriptor from get_unused_fd_flags()
 *
 * For callers that reserve the descriptor before the buffer exists, or
 * that must report it to userspace before making it live.  The descriptor
 * takes over the caller's reference to @buf.
 *
 * Context: process context.
 */
void dma_buf_fd_install(struct dma_buf *buf, int fd)
{
	dma_buf_install(buf, fd);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_fd_install, DMA_BUF);
#endif

/* The whole of dma_buf_get() but its event; -EBADF or -EINVAL as there. */
static __always_inline struct dma_buf *dma_buf_lookup(int fd)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	if (is_dma_buf_file(file))
		return file->private_data;

	fput(file);
	return ERR_PTR(-EINVAL);
}

/* The whole of dma_buf_put() but its event. */
static __always_inline void dma_buf_drop(struct dma_buf *buf)
{
	if (WARN_ON(!buf || !buf->file))
		return;
	fput(buf->file);
}

/*
 * dma_buf_get() and dma_buf_put() are the cheapest calls of the core, made
 * per job by some drivers.  With their event enabled they branch to these
 * copies, so that the untraced paths carry neither the event's stack frame
 * nor a register saved across the call for it.
 */
static noinline struct dma_buf *dma_buf_get_traced(int fd)
{
	struct dma_buf *buf = dma_buf_lookup(fd);

	if (!IS_ERR(buf))
		dma_buf_trace_emit(get, buf, fd);
	return buf;
}

static noinline void dma_buf_put_traced(struct dma_buf *buf)
{
	/* a bad @buf is dma_buf_drop()'s to report, once */
	if (buf && buf->file)
		dma_buf_trace_emit(put, buf);
	dma_buf_drop(buf);
}

/**
 * dma_buf_get - look up the buffer behind a file descriptor
 * @fd: a descriptor of the current process
 *
 * Takes a reference on the buffer; drop it with dma_buf_put().
 *
 * Context: process context.
 *
 * Return: the buffer, ERR_PTR(-EBADF) if @fd is not an open descriptor or
 * ERR_PTR(-EINVAL) if it is not a DMA-BUF.
 */
struct dma_buf *dma_buf_get(int fd)
{
	/*
	 * Tested first, so that the untraced path keeps nothing live across
	 * fget() and needs no stack frame.
	 */
	if (trace_dma_buf_get_enabled())
		return dma_buf_get_traced(fd);
	return dma_buf_lookup(fd);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_get, DMA_BUF);

/**
 * dma_buf_put - drop a reference on a buffer
 * @buf: the buffer
 *
 * Pairs with dma_buf_export(), dma_buf_get() and get_dma_buf().  Dropping
 * the last reference frees the buffer (asynchronously, as for any file).
 *
 * Context: any context a file reference can be dropped in.
 */
void dma_buf_put(struct dma_buf *buf)
{
	if (trace_dma_buf_put_enabled())
		dma_buf_put_traced(buf);
	else
		dma_buf_drop(buf);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_put, DMA_BUF);

/*
 * With CONFIG_DMABUF_DEBUG importers get tables whose page pointers are
 * scrambled, so one that wrongly uses the pages instead of the DMA
 * addresses faults right away.  The scrambling is its own inverse and keeps
 * the lowest byte, chain/end marker bits included, so walking the table
 * still works.
 */
static void dma_buf_scramble_pages(struct sg_table *sgt)
{
	struct scatterlist *sg;
	int i;

	if (!IS_ENABLED(CONFIG_DMABUF_DEBUG))
		return;

	/*
	 * 6.1 flips every bit above the lowest byte; importers that look
	 * at the page bits see the same values as there.
	 */
	for_each_sgtable_sg(sgt, sg, i)
		sg->page_link ^= ~(unsigned long)U8_MAX;
}

/*
 * Ask the exporter for a mapping and make it ready for the importer.  A
 * static importer cannot follow fences, so it gets the table only once the
 * kernel's own work on the buffer (e.g. a move) has finished.
 */
static struct sg_table *dma_buf_exporter_map(struct dma_buf_attachment *attach,
					     enum dma_data_direction dir)
{
	struct dma_buf *buf = attach->dmabuf;
	struct sg_table *sgt;
	int ret;

	sgt = buf->ops->map_dma_buf(attach, dir);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	if (IS_ERR(sgt))
		return sgt;

	if (!dma_buf_attachment_is_dynamic(attach)) {
		ret = dma_buf_wait_for_kernel_fences(buf);
		if (ret) {
			buf->ops->unmap_dma_buf(attach, sgt, dir);
			return ERR_PTR(ret);
		}
	}

	dma_buf_scramble_pages(sgt);
	return sgt;
}

static void dma_buf_exporter_unmap(struct dma_buf_attachment *attach,
				   struct sg_table *sgt,
				   enum dma_data_direction dir)
{
	dma_buf_scramble_pages(sgt);
	attach->dmabuf->ops->unmap_dma_buf(attach, sgt, dir);
}

/*
 * With CONFIG_DMA_API_DEBUG, point out (as a debug message, like 6.1) DMA
 * segments that do not start and end on page boundaries: importers may
 * rely on page granularity.
 */
static void dma_buf_check_alignment(struct sg_table *sgt)
{
	struct scatterlist *sg;
	int i;

	if (!IS_ENABLED(CONFIG_DMA_API_DEBUG))
		return;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		u64 addr = sg_dma_address(sg);
		unsigned int len = sg_dma_len(sg);

		if (!PAGE_ALIGNED(addr) || !PAGE_ALIGNED(len))
			pr_debug("%s: DMA segment %llx+%x not page aligned\n",
				 __func__, addr, len);
	}
}

/*
 * A dynamic exporter that cannot tell importers about moves must stay put
 * while any mapping exists.
 */
static bool dma_buf_pin_while_mapped(struct dma_buf *buf)
{
	return dma_buf_is_dynamic(buf) &&
	       !IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY);
}

/*
 * Exporter and importer disagree on being dynamic: map the buffer for good
 * right away, pinning it first if the exporter could otherwise move it.
 */
static int dma_buf_map_for_life(struct dma_buf_attachment *attach)
{
	struct dma_buf *buf = attach->dmabuf;
	bool pinned = dma_buf_is_dynamic(buf);
	/* 6.1 maps a static exporter's buffer here without the lock */
	bool locked = pinned || DMA_BUF_RESV_LOCKING;
	struct sg_table *sgt;
	int ret = 0;

	if (locked)
		dma_resv_lock(buf->resv, NULL);
	if (pinned) {
		ret = buf->ops->pin(attach);
		if (ret)
			goto out_unlock;
	}

	sgt = dma_buf_exporter_map(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		if (pinned)
			buf->ops->unpin(attach);
		goto out_unlock;
	}

	attach->sgt = sgt;
	attach->dir = DMA_BIDIRECTIONAL;

out_unlock:
	if (locked)
		dma_resv_unlock(buf->resv);
	return ret;
}

/**
 * dma_buf_dynamic_attach - attach a device to a buffer
 * @buf: the buffer
 * @dev: the importing device
 * @importer_ops: callbacks of a dynamic importer, or NULL for a static one
 * @importer_priv: the importer's data, stored in the attachment
 *
 * Registers @dev as a user of @buf and gives the exporter, through its
 * attach callback, the chance to refuse or to prepare.  A dynamic importer
 * must provide move_notify.  When exactly one of exporter and importer is
 * dynamic, the buffer is pinned (dynamic exporter) and mapped
 * bidirectionally here, and that mapping serves every later map call.
 *
 * Context: process context; takes the reservation lock, so the caller must
 * not hold it.
 *
 * Return: the new attachment, or an ERR_PTR(): -EINVAL for a missing
 * buffer or device or a dynamic importer without move_notify, -ENOMEM, or
 * the error of the exporter's attach, pin or map callback.
 */
struct dma_buf_attachment *
dma_buf_dynamic_attach(struct dma_buf *buf, struct device *dev,
		       const struct dma_buf_attach_ops *importer_ops,
		       void *importer_priv)
{
	struct dma_buf_attachment *attach;
	int ret;

	/* A dynamic importer must be able to hear about moves. */
	if (WARN_ON(!buf || !dev ||
		    (importer_ops && !importer_ops->move_notify)))
		return ERR_PTR(-EINVAL);

	attach = kzalloc(sizeof(*attach), GFP_KERNEL);
	if (!attach)
		return ERR_PTR(-ENOMEM);

	attach->dmabuf = buf;
	attach->dev = dev;
	attach->importer_ops = importer_ops;
	attach->importer_priv = importer_priv;
	attach->peer2peer = importer_ops && importer_ops->allow_peer2peer;

	if (buf->ops->attach) {
		ret = buf->ops->attach(buf, attach);
		if (ret) {
			kfree(attach);
			return ERR_PTR(ret);
		}
	}

	dma_resv_lock(buf->resv, NULL);
	list_add(&attach->node, &buf->attachments);
	dma_resv_unlock(buf->resv);
	/* before the mapping, so that a failing one shows attach + detach */
	dma_buf_trace(dynamic_attach, buf, dev_name(dev),
		      dma_buf_attachment_is_dynamic(attach));

	if (dma_buf_attachment_is_dynamic(attach) != dma_buf_is_dynamic(buf)) {
		ret = dma_buf_map_for_life(attach);
		if (ret) {
			/* Undo the attach proper, exporter callback included. */
			dma_buf_detach(buf, attach);
			return ERR_PTR(ret);
		}
	}

	return attach;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_dynamic_attach, DMA_BUF);

/**
 * dma_buf_attach - attach a device to a buffer as a static importer
 * @buf: the buffer
 * @dev: the importing device
 *
 * dma_buf_dynamic_attach() without importer callbacks: the importer relies
 * on its mappings staying valid until it unmaps them.
 *
 * Context: process context.
 *
 * Return: see dma_buf_dynamic_attach().
 */
struct dma_buf_attachment *dma_buf_attach(struct dma_buf *buf,
					  struct device *dev)
{
	return dma_buf_dynamic_attach(buf, dev, NULL, NULL);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_attach, DMA_BUF);

/**
 * dma_buf_detach - end a device's use of a buffer
 * @buf: the buffer
 * @attach: the attachment, freed on return
 *
 * Releases the mapping (and pin) the core holds for the attachment, takes
 * the attachment off the buffer and calls the exporter's detach callback.
 * Mappings the importer made itself must be unmapped before.
 *
 * Context: process context; takes the reservation lock, so the caller must
 * not hold it.
 */
void dma_buf_detach(struct dma_buf *buf, struct dma_buf_attachment *attach)
{
	bool dynamic;

	/* From 6.2 on, an attachment of another buffer is refused too. */
	if (WARN_ON(!buf || !attach ||
		    (DMA_BUF_RESV_LOCKING && attach->dmabuf != buf)))
		return;

	dma_buf_trace(detach, buf, dev_name(attach->dev),
		      dma_buf_attachment_is_dynamic(attach));
	dynamic = dma_buf_is_dynamic(buf);

	if (DMA_BUF_RESV_LOCKING) {
		/* mapping, pin and attachment go in one locked section */
		dma_resv_lock(buf->resv, NULL);
		if (attach->sgt) {
			dma_buf_exporter_unmap(attach, attach->sgt, attach->dir);
			if (dynamic)
				buf->ops->unpin(attach);
		}
		list_del(&attach->node);
		dma_resv_unlock(buf->resv);
	} else {
		/* 6.1: a static exporter's mapping goes without the lock */
		if (attach->sgt) {
			if (dynamic)
				dma_resv_lock(buf->resv, NULL);

			dma_buf_exporter_unmap(attach, attach->sgt, attach->dir);

			if (dynamic) {
				buf->ops->unpin(attach);
				dma_resv_unlock(buf->resv);
			}
		}

		dma_resv_lock(buf->resv, NULL);
		list_del(&attach->node);
		dma_resv_unlock(buf->resv);
	}

	if (buf->ops->detach)
		buf->ops->detach(buf, attach);

	kfree(attach);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_detach, DMA_BUF);

/**
 * dma_buf_pin - keep a buffer in place for a dynamic importer
 * @attach: the importer's attachment, which must be dynamic
 *
 * For importers that cannot follow a move for a while, e.g. while scanning
 * out.  Undo with dma_buf_unpin().  Exporters without pin support succeed
 * trivially, their buffers never move.
 *
 * Context: the caller holds the buffer's reservation lock.
 *
 * Return: 0, or the exporter's error (e.g. -ENOMEM when there is no room
 * to pin the buffer where the importer can reach it).
 */
int dma_buf_pin(struct dma_buf_attachment *attach)
{
	struct dma_buf *buf = attach->dmabuf;

	WARN_ON(!dma_buf_attachment_is_dynamic(attach));
	dma_resv_assert_held(buf->resv);

	return buf->ops->pin ? buf->ops->pin(attach) : 0;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_pin, DMA_BUF);

/**
 * dma_buf_unpin - let a pinned buffer move again
 * @attach: the attachment passed to dma_buf_pin()
 *
 * Context: the caller holds the buffer's reservation lock.
 */
void dma_buf_unpin(struct dma_buf_attachment *attach)
{
	struct dma_buf *buf = attach->dmabuf;

	WARN_ON(!dma_buf_attachment_is_dynamic(attach));
	dma_resv_assert_held(buf->resv);

	if (buf->ops->unpin)
		buf->ops->unpin(attach);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_unpin, DMA_BUF);

/*
 * The part of dma_buf_map_attachment() that asks the exporter, out of line
 * so that returning a kept mapping saves no registers for it.
 */
static noinline struct sg_table *
dma_buf_map_uncached(struct dma_buf_attachment *attach,
		     enum dma_data_direction direction)
{
	struct dma_buf *buf = attach->dmabuf;
	struct sg_table *sgt;
	bool pinned;
	int ret;

	if (dma_buf_is_dynamic(buf))
		dma_resv_assert_held(buf->resv);

	pinned = dma_buf_pin_while_mapped(buf);
	if (pinned) {
		ret = buf->ops->pin(attach);
		if (ret)
			return ERR_PTR(ret);
	}

	sgt = dma_buf_exporter_map(attach, direction);
	if (IS_ERR(sgt)) {
		if (pinned)
			buf->ops->unpin(attach);
		return sgt;
	}

	if (buf->ops->cache_sgt_mapping) {
		attach->sgt = sgt;
		attach->dir = direction;
	}

	dma_buf_check_alignment(sgt);
	return sgt;
}

/**
 * dma_buf_map_attachment - map a buffer for the attached device's DMA
 * @attach: the attachment
 * @direction: the direction of the DMA
 *
 * Returns a scatter-gather table with the DMA addresses of the buffer as
 * seen by the attachment's device.  Only the DMA addresses may be used.
 * When the core holds a mapping for the attachment (cache_sgt_mapping, or
 * exporter and importer differ in being dynamic) that mapping is returned
 * again.  For a static importer the call waits for the kernel's fences on
 * the buffer; a dynamic importer must follow the fences itself.
 *
 * Context: process context.  The caller holds the reservation lock: from
 * 6.2 on always, in 6.1 when the importer or the exporter is dynamic (and
 * never &dma_buf.lock there: the exporter's map callback may take it).
 *
 * Return: the table, or an ERR_PTR(): -EINVAL for a missing attachment,
 * -EBUSY when the cached mapping has another direction, -ENOMEM when the
 * exporter returned no table, or the error of the exporter's pin or map
 * callback or of the interrupted fence wait (-ERESTARTSYS).
 */
struct sg_table *dma_buf_map_attachment(struct dma_buf_attachment *attach,
					enum dma_data_direction direction)
{
	struct dma_buf *buf;

	might_sleep();

	if (WARN_ON(!attach || !attach->dmabuf))
		return ERR_PTR(-EINVAL);

	buf = attach->dmabuf;
	if (DMA_BUF_RESV_LOCKING || dma_buf_attachment_is_dynamic(attach))
		dma_resv_assert_held(buf->resv);

	if (attach->sgt) {
		/* A bidirectional mapping serves every direction. */
		if (attach->dir != direction &&
		    attach->dir != DMA_BIDIRECTIONAL)
			return ERR_PTR(-EBUSY);
		return attach->sgt;
	}

	return dma_buf_map_uncached(attach, direction);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_map_attachment, DMA_BUF);

/**
 * dma_buf_map_attachment_unlocked - map a buffer, taking the locks
 * @attach: the attachment
 * @direction: the direction of the DMA
 *
 * dma_buf_map_attachment() for callers that do not hold the reservation
 * lock.
 *
 * Context: process context; the caller must not hold the reservation lock.
 *
 * Return: see dma_buf_map_attachment().
 */
struct sg_table *
dma_buf_map_attachment_unlocked(struct dma_buf_attachment *attach,
				enum dma_data_direction direction)
{
	struct dma_resv *resv;
	struct sg_table *sgt;

	might_sleep();

	if (WARN_ON(!attach || !attach->dmabuf))
		return ERR_PTR(-EINVAL);

	resv = attach->dmabuf->resv;
	dma_resv_lock(resv, NULL);
	sgt = dma_buf_map_attachment(attach, direction);
	dma_resv_unlock(resv);

	return sgt;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_map_attachment_unlocked, DMA_BUF);

/*
 * The part of dma_buf_unmap_attachment() that hands a mapping back, out of
 * line for the same reason as dma_buf_map_uncached().
 */
static noinline void
dma_buf_unmap_uncached(struct dma_buf_attachment *attach,
		       struct sg_table *sg_table,
		       enum dma_data_direction direction)
{
	struct dma_buf *buf = attach->dmabuf;

	if (dma_buf_is_dynamic(buf))
		dma_resv_assert_held(buf->resv);

	dma_buf_exporter_unmap(attach, sg_table, direction);

	if (dma_buf_pin_while_mapped(buf))
		dma_buf_unpin(attach);
}

/**
 * dma_buf_unmap_attachment - release a mapping
 * @attach: the attachment it was made for
 * @sg_table: the table dma_buf_map_attachment() returned
 * @direction: the direction it was mapped with
 *
 * A mapping the core keeps for the attachment stays until detach; any
 * other is handed back to the exporter, and a buffer pinned for it is
 * unpinned.
 *
 * Context: process context.  The caller holds the reservation lock: from
 * 6.2 on always, in 6.1 when the importer or the exporter is dynamic.
 */
void dma_buf_unmap_attachment(struct dma_buf_attachment *attach,
			      struct sg_table *sg_table,
			      enum dma_data_direction direction)
{
	struct dma_buf *buf;

	might_sleep();

	if (WARN_ON(!attach || !attach->dmabuf || !sg_table))
		return;

	buf = attach->dmabuf;
	if (DMA_BUF_RESV_LOCKING || dma_buf_attachment_is_dynamic(attach))
		dma_resv_assert_held(buf->resv);

	if (sg_table == attach->sgt)
		return;

	dma_buf_unmap_uncached(attach, sg_table, direction);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_unmap_attachment, DMA_BUF);

/**
 * dma_buf_unmap_attachment_unlocked - release a mapping, taking the locks
 * @attach: the attachment it was made for
 * @sg_table: the table dma_buf_map_attachment_unlocked() returned
 * @direction: the direction it was mapped with
 *
 * dma_buf_unmap_attachment() for callers that do not hold the reservation
 * lock.
 *
 * Context: process context; the caller must not hold the reservation lock.
 */
void dma_buf_unmap_attachment_unlocked(struct dma_buf_attachment *attach,
				       struct sg_table *sg_table,
				       enum dma_data_direction direction)
{
	struct dma_resv *resv;

	might_sleep();

	if (WARN_ON(!attach || !attach->dmabuf || !sg_table))
		return;

	resv = attach->dmabuf->resv;
	dma_resv_lock(resv, NULL);
	dma_buf_unmap_attachment(attach, sg_table, direction);
	dma_resv_unlock(resv);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_unmap_attachment_unlocked, DMA_BUF);

/**
 * dma_buf_move_notify - tell the dynamic importers that a buffer moves
 * @buf: the buffer
 *
 * Called by a dynamic exporter before it moves the buffer.  Every dynamic
 * importer's move_notify callback runs; static importers are not told,
 * their mappings keep the buffer pinned.
 *
 * Context: the caller holds the buffer's reservation lock.
 */
void dma_buf_move_notify(struct dma_buf *buf)
{
	struct dma_buf_attachment *attach;

	dma_resv_assert_held(buf->resv);

	list_for_each_entry(attach, &buf->attachments, node) {
		if (dma_buf_attachment_is_dynamic(attach))
			attach->importer_ops->move_notify(attach);
	}
}
EXPORT_SYMBOL_NS_GPL(dma_buf_move_notify, DMA_BUF);

/**
 * dma_buf_begin_cpu_access - prepare a buffer for access by the CPU
 * @buf: the buffer
 * @direction: DMA_FROM_DEVICE to read, DMA_TO_DEVICE or DMA_BIDIRECTIONAL
 *	to write as well
 *
 * Lets the exporter make the CPU's view coherent, then waits for the
 * device work that the access has to follow: the writers before a read,
 * every user before a write.  Pair with dma_buf_end_cpu_access().
 *
 * Context: process context; may take the reservation lock, so the caller
 * must not hold it.  The wait is interruptible.
 *
 * Return: 0, -EINVAL without a buffer, -ERESTARTSYS when a signal
 * interrupted the wait, or the exporter's error.
 */
int dma_buf_begin_cpu_access(struct dma_buf *buf,
			     enum dma_data_direction direction)
{
	int ret;

	if (WARN_ON(!buf))
		return -EINVAL;

	might_lock(&buf->resv->lock.base);

	if (buf->ops->begin_cpu_access) {
		ret = buf->ops->begin_cpu_access(buf, direction);
		if (ret)
			return ret;
	}

	return dma_buf_wait_for_cpu(buf, direction);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_begin_cpu_access, DMA_BUF);

/**
 * dma_buf_end_cpu_access - finish an access by the CPU
 * @buf: the buffer
 * @direction: the direction given to dma_buf_begin_cpu_access()
 *
 * Lets the exporter flush what the CPU wrote.  Does not wait for fences.
 *
 * Context: process context; may take the reservation lock, so the caller
 * must not hold it.
 *
 * Return: 0, -EINVAL without a buffer, or the exporter's error.
 */
int dma_buf_end_cpu_access(struct dma_buf *buf,
			   enum dma_data_direction direction)
{
	if (WARN_ON(!buf))
		return -EINVAL;

	might_lock(&buf->resv->lock.base);

	if (!buf->ops->end_cpu_access)
		return 0;

	return buf->ops->end_cpu_access(buf, direction);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_end_cpu_access, DMA_BUF);

/**
 * dma_buf_mmap - map a buffer into a userspace mapping of another file
 * @buf: the buffer
 * @vma: the mapping, set up by the caller's own mmap file operation
 * @pgoff: the page of the buffer the mapping starts at
 *
 * For drivers that let userspace map an imported buffer through their own
 * device file.  The mapping is switched over to the buffer's file so that
 * it keeps the buffer alive.
 *
 * Context: process context, from an mmap file operation.
 *
 * Return: 0 on success; -EINVAL without a buffer or mapping, when the
 * exporter cannot mmap or when the range runs past the end of the buffer;
 * -EOVERFLOW when the range wraps; or the exporter's error.
 */
int dma_buf_mmap(struct dma_buf *buf, struct vm_area_struct *vma,
		 unsigned long pgoff)
{
	int ret;

	if (WARN_ON(!buf || !vma))
		return -EINVAL;

	if (!buf->ops->mmap)
		return -EINVAL;

	ret = dma_buf_check_range(buf, pgoff, vma_pages(vma));
	if (ret)
		return ret;

	vma_set_file(vma, buf->file);
	vma->vm_pgoff = pgoff;

	dma_buf_trace(mmap, buf);
	return buf->ops->mmap(buf, vma);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_mmap, DMA_BUF);

/**
 * dma_buf_vmap - map a buffer into the kernel's address space
 * @buf: the buffer
 * @map: where the address is returned; cleared on failure
 *
 * Nested calls share one mapping: the exporter maps on the first call and
 * unmaps when dma_buf_vunmap() has been called as often as this.
 *
 * Context: process context; takes &dma_buf.lock (6.1), or the caller holds
 * the reservation lock (6.2 on; see dma_buf_vmap_unlocked()).
 *
 * Return: 0 on success, -EINVAL without a buffer or when the exporter
 * cannot vmap, or the exporter's error.
 */
int dma_buf_vmap(struct dma_buf *buf, struct iosys_map *map)
{
	struct iosys_map ptr;
	int ret = 0;

	iosys_map_clear(map);

	if (WARN_ON(!buf))
		return -EINVAL;

	if (DMA_BUF_RESV_LOCKING)
		dma_resv_assert_held(buf->resv);
	/* Without the op nothing is read that the lock protects. */
	if (!buf->ops->vmap)
		return -EINVAL;

	dma_buf_vmap_lock(buf);

	if (buf->vmapping_counter) {
		/* 6.1 BUGs on a nested call finding no mapping. */
		WARN_ON(iosys_map_is_null(&buf->vmap_ptr));
	} else {
		WARN_ON(iosys_map_is_set(&buf->vmap_ptr));

		ret = buf->ops->vmap(buf, &ptr);
		if (WARN_ON_ONCE(ret))
			goto out_unlock;

		buf->vmap_ptr = ptr;
	}

	buf->vmapping_counter++;
	*map = buf->vmap_ptr;

out_unlock:
	dma_buf_vmap_unlock(buf);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_vmap, DMA_BUF);

/**
 * dma_buf_vunmap - drop a kernel mapping of a buffer
 * @buf: the buffer
 * @map: the mapping dma_buf_vmap() returned
 *
 * Context: process context; takes &dma_buf.lock (6.1), or the caller holds
 * the reservation lock (6.2 on).
 */
void dma_buf_vunmap(struct dma_buf *buf, struct iosys_map *map)
{
	if (WARN_ON(!buf))
		return;

	dma_buf_vmap_lock(buf);

	/* 6.1 BUGs on each of these; a warning and no unmapping will do. */
	if (WARN_ON(iosys_map_is_null(&buf->vmap_ptr) ||
		    !buf->vmapping_counter ||
		    !iosys_map_is_equal(&buf->vmap_ptr, map)))
		goto out_unlock;

	if (--buf->vmapping_counter)
		goto out_unlock;

	if (buf->ops->vunmap)
		buf->ops->vunmap(buf, map);
	iosys_map_clear(&buf->vmap_ptr);

out_unlock:
	dma_buf_vmap_unlock(buf);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_vunmap, DMA_BUF);

#if DMA_BUF_RESV_LOCKING
/**
 * dma_buf_vmap_unlocked - map a buffer into kernel space, taking the lock
 * @buf: the buffer
 * @map: where the address is returned; cleared on failure
 *
 * dma_buf_vmap() for callers that do not hold the reservation lock.
 *
 * Context: process context; the caller must not hold the reservation lock.
 *
 * Return: see dma_buf_vmap().
 */
int dma_buf_vmap_unlocked(struct dma_buf *buf, struct iosys_map *map)
{
	int ret;

	iosys_map_clear(map);

	if (WARN_ON(!buf))
		return -EINVAL;

	dma_resv_lock(buf->resv, NULL);
	ret = dma_buf_vmap(buf, map);
	dma_resv_unlock(buf->resv);

	return ret;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_vmap_unlocked, DMA_BUF);

/**
 * dma_buf_vunmap_unlocked - drop a kernel mapping, taking the lock
 * @buf: the buffer
 * @map: the mapping dma_buf_vmap_unlocked() returned
 *
 * Context: process context; the caller must not hold the reservation lock.
 */
void dma_buf_vunmap_unlocked(struct dma_buf *buf, struct iosys_map *map)
{
	if (WARN_ON(!buf))
		return;

	dma_resv_lock(buf->resv, NULL);
	dma_buf_vunmap(buf, map);
	dma_resv_unlock(buf->resv);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_vunmap_unlocked, DMA_BUF);
#endif

#ifdef CONFIG_DEBUG_FS
/* One buffer's block of dma_buf/bufinfo; the caller holds its resv lock. */
static void dma_buf_describe(struct seq_file *s, struct dma_buf *buf)
{
	struct dma_buf_attachment *attach;
	struct file *file = buf->file;
	int ndev = 0;

	dma_resv_assert_held(buf->resv);

	spin_lock(&buf->name_lock);
	seq_printf(s, "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s\n",
		   buf->size, file->f_flags, file->f_mode,
		   file_count(file), buf->exp_name,
		   file_inode(file)->i_ino, buf->name ?: "<none>");
	spin_unlock(&buf->name_lock);

	dma_resv_describe(buf->resv, s);

	seq_puts(s, "\tAttached Devices:\n");
	list_for_each_entry(attach, &buf->attachments, node) {
		seq_printf(s, "\t%s\n", dev_name(attach->dev));
		ndev++;
	}
	seq_printf(s, "Total %d devices attached\n\n", ndev);
}

static int bufinfo_show(struct seq_file *s, void *unused)
{
	struct dma_buf *buf;
	size_t total_size = 0;
	int nbufs = 0;
	int ret;

	ret = mutex_lock_interruptible(&dmabuf_list_lock);
	if (ret)
		return ret;

	seq_printf(s, "\nDma-buf Objects:\n%-8s\t%-8s\t%-8s\t%-8s\texp_name\t%-8s\tname\n",
		   "size", "flags", "mode", "count", "ino");

	list_for_each_entry(buf, &dmabuf_list, list_node) {
		ret = dma_resv_lock_interruptible(buf->resv, NULL);
		if (ret)
			goto out_unlock;

		dma_buf_describe(s, buf);
		dma_resv_unlock(buf->resv);

		total_size += buf->size;
		nbufs++;
	}

	seq_printf(s, "\nTotal %d objects, %zu bytes\n", nbufs, total_size);

out_unlock:
	mutex_unlock(&dmabuf_list_lock);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(bufinfo);

static struct dentry *dmabuf_debugfs_root;

static void dma_buf_debugfs_init(void)
{
	dmabuf_debugfs_root = debugfs_create_dir("dma_buf", NULL);
	debugfs_create_file("bufinfo", 0444, dmabuf_debugfs_root, NULL,
			    &bufinfo_fops);
}

static void dma_buf_debugfs_exit(void)
{
	debugfs_remove_recursive(dmabuf_debugfs_root);
}
#else
static void dma_buf_debugfs_init(void)
{
}

static void dma_buf_debugfs_exit(void)
{
}
#endif /* CONFIG_DEBUG_FS */

static int __init dma_buf_init(void)
{
	int ret;

	ret = dma_buf_stats_init();
	if (ret)
		return ret;

	dmabuf_mnt = kern_mount(&dmabuf_fs_type);
	if (IS_ERR(dmabuf_mnt)) {
		ret = PTR_ERR(dmabuf_mnt);
		goto err_stats_exit;
	}

	dma_buf_debugfs_init();
	return 0;

err_stats_exit:
	dma_buf_stats_exit();
	return ret;
}
subsys_initcall(dma_buf_init);

static void __exit dma_buf_exit(void)
{
	dma_buf_debugfs_exit();
	kern_unmount(dmabuf_mnt);
	dma_buf_stats_exit();
}
module_exit(dma_buf_exit);
