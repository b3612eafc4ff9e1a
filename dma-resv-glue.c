// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA-BUF core, fence side: implicit synchronisation through the buffer's
 * reservation object, as seen from the CPU and from userspace.
 */

#include <linux/dma-buf.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/dma-resv.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>

#include <uapi/linux/dma-buf.h>

#include "dma-buf-internal.h"

/**
 * DOC: implicit synchronisation
 *
 * Every buffer carries a &dma_resv with the fences of the device work that
 * reads or writes it.  Whoever touches the buffer without a fence of its
 * own to publish has to wait for the right subset of them first:
 *
 * - a reader waits for the writers (%DMA_RESV_USAGE_WRITE),
 * - a writer waits for everybody (%DMA_RESV_USAGE_READ),
 * - a static importer, which cannot follow fences, gets its mapping only
 *   once the kernel's own work such as a move is done
 *   (%DMA_RESV_USAGE_KERNEL).
 *
 * Userspace sees the same rules through poll() (EPOLLIN: readable,
 * EPOLLOUT: writable), DMA_BUF_IOCTL_SYNC, and the sync_file import and
 * export ioctls that let explicit-sync userspace trade fences with the
 * implicit world.
 */

static long dma_buf_wait_usage(struct dma_buf *buf,
			       enum dma_resv_usage usage)
{
	long ret = dma_resv_wait_timeout(buf->resv, usage, true,
					 MAX_SCHEDULE_TIMEOUT);

	/* Time left over means the fences signalled: success. */
	return min(ret, 0L);
}

/**
 * dma_buf_wait_for_cpu - wait until the CPU may access a buffer
 * @buf: the buffer
 * @direction: DMA_FROM_DEVICE for a read, anything else writes
 *
 * Context: process context; the wait does not need the reservation lock,
 * the caller may or may not hold it.
 *
 * Return: 0, or -ERESTARTSYS when a signal interrupted the wait.
 */
int dma_buf_wait_for_cpu(struct dma_buf *buf,
			 enum dma_data_direction direction)
{
	bool write = direction == DMA_TO_DEVICE ||
		     direction == DMA_BIDIRECTIONAL;

	return dma_buf_wait_usage(buf, dma_resv_usage_rw(write));
}

/**
 * dma_buf_wait_for_kernel_fences - wait for the kernel's work on a buffer
 * @buf: the buffer
 *
 * Context: process context; the caller may or may not hold the
 * reservation lock.
 *
 * Return: 0, or -ERESTARTSYS when a signal interrupted the wait.
 */
int dma_buf_wait_for_kernel_fences(struct dma_buf *buf)
{
	return dma_buf_wait_usage(buf, DMA_RESV_USAGE_KERNEL);
}

/*
 * A fence poll() was waiting for has signalled: wake the pollers and let go
 * of what the armed callback held.
 */
static void dma_buf_poll_fence_done(struct dma_fence *fence,
				    struct dma_fence_cb *cb)
{
	struct dma_buf_poll_cb_t *dcb =
		container_of(cb, struct dma_buf_poll_cb_t, cb);
	struct dma_buf *buf = container_of(dcb->poll, struct dma_buf, poll);
	unsigned long irqflags;
	struct file *file;
	__poll_t event;

	spin_lock_irqsave(&buf->poll.lock, irqflags);
	event = dcb->active;
	dcb->active = 0;
	file = buf->file;
	wake_up_locked_poll(&buf->poll, event);
	spin_unlock_irqrestore(&buf->poll.lock, irqflags);

	if (fence)
		dma_fence_put(fence);
	/*
	 * May be the last reference if the fd was closed meanwhile.  No file
	 * means a release found this callback armed, which only a reference
	 * dropped once too often allows: the file is gone already.
	 */
	if (file)
		fput(file);
}

/*
 * Is @event ready?  If not, make sure a callback will wake the pollers when
 * it might have become so.  One callback per event is armed at a time; it
 * holds a reference on the file, so a pending poll keeps the buffer alive
 * even when every descriptor is closed before the fence signals.
 */
static __poll_t dma_buf_poll_event(struct dma_buf *buf,
				   struct dma_buf_poll_cb_t *dcb,
				   __poll_t event, enum dma_resv_usage usage)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	dma_resv_assert_held(buf->resv);

	spin_lock_irq(&buf->poll.lock);
	if (dcb->active) {
		/* Still waiting for the callback armed earlier. */
		spin_unlock_irq(&buf->poll.lock);
		return 0;
	}
	dcb->active = event;
	spin_unlock_irq(&buf->poll.lock);

	get_file(buf->file);
	dma_resv_for_each_fence(&cursor, buf->resv, usage, fence) {
		dma_fence_get(fence);
		if (!dma_fence_add_callback(fence, &dcb->cb,
					    dma_buf_poll_fence_done))
			return 0;
		/* Already signalled: look at the next one. */
		dma_fence_put(fence);
	}

	/*
	 * Nothing to wait for: the event is ready.  Disarm the way a signalled
	 * fence would, waking everybody on the queue, as 6.1 does: an
	 * edge-triggered epoll watcher is then reported again at each
	 * epoll_wait(), and every poll() wakes the other watchers.
	 */
	dma_buf_poll_fence_done(NULL, &dcb->cb);

	return event;
}

/**
 * dma_buf_poll - poll() of a buffer's file
 * @file: the buffer's file
 * @wait: the poll table
 *
 * EPOLLIN once every writer's fence has signalled, EPOLLOUT once every
 * fence has.  Asking for neither returns 0 at once.
 *
 * Context: process context; takes the reservation lock.
 *
 * Return: the ready events among those requested.
 */
__poll_t dma_buf_poll(struct file *file, poll_table *wait)
{
	struct dma_buf *buf = file->private_data;
	__poll_t wanted, ready = 0;

	if (!buf || !buf->resv)
		return EPOLLERR;

	poll_wait(file, &buf->poll, wait);

	wanted = poll_requested_events(wait) & (EPOLLIN | EPOLLOUT);
	if (!wanted)
		return 0;

	dma_resv_lock(buf->resv, NULL);
	if (wanted & EPOLLOUT)
		ready |= dma_buf_poll_event(buf, &buf->cb_out, EPOLLOUT,
					    dma_resv_usage_rw(true));
	if (wanted & EPOLLIN)
		ready |= dma_buf_poll_event(buf, &buf->cb_in, EPOLLIN,
					    dma_resv_usage_rw(false));
	dma_resv_unlock(buf->resv);

	return ready;
}

/* DMA_BUF_SYNC_{READ,WRITE,RW} to the direction of the CPU access. */
static const enum dma_data_direction dma_buf_sync_dir[] = {
	[DMA_BUF_SYNC_READ] = DMA_FROM_DEVICE,
	[DMA_BUF_SYNC_WRITE] = DMA_TO_DEVICE,
	[DMA_BUF_SYNC_RW] = DMA_BIDIRECTIONAL,
};

/**
 * dma_buf_ioctl_sync - DMA_BUF_IOCTL_SYNC
 * @buf: the buffer
 * @uarg: the user's &struct dma_buf_sync
 *
 * START waits for the device work the access must follow and lets the
 * exporter prepare, END lets the exporter flush.
 *
 * Context: process context.
 *
 * Return: 0; -EFAULT for an unreadable argument; -EINVAL for unknown flags
 * or no direction; -ERESTARTSYS when a signal interrupted the wait (the
 * call is restarted transparently); or the exporter's error.
 */
long dma_buf_ioctl_sync(struct dma_buf *buf, void __user *uarg)
{
	struct dma_buf_sync sync;
	enum dma_data_direction dir;

	if (copy_from_user(&sync, uarg, sizeof(sync)))
		return -EFAULT;

	/* No direction is as invalid as an unknown bit. */
	if ((sync.flags & ~DMA_BUF_SYNC_VALID_FLAGS_MASK) ||
	    !(sync.flags & DMA_BUF_SYNC_RW))
		return -EINVAL;

	dir = dma_buf_sync_dir[sync.flags & DMA_BUF_SYNC_RW];
	if (sync.flags & DMA_BUF_SYNC_END)
		return dma_buf_end_cpu_access(buf, dir);

	return dma_buf_begin_cpu_access(buf, dir);
}

#if IS_ENABLED(CONFIG_SYNC_FILE)
/* Both sync_file ioctls take a direction and nothing else. */
static bool dma_buf_sync_file_flags_valid(u32 flags)
{
	return (flags & DMA_BUF_SYNC_RW) && !(flags & ~DMA_BUF_SYNC_RW);
}

/**
 * dma_buf_ioctl_export_sync_file - DMA_BUF_IOCTL_EXPORT_SYNC_FILE
 * @buf: the buffer
 * @uarg: the user's &struct dma_buf_export_sync_file
 *
 * Snapshots the fences a read (writers) or a write (everybody) would wait
 * for into a new sync_file.  A buffer without such fences gives a sync_file
 * that has signalled already.  The descriptor only becomes live once it has
 * been written back to userspace.
 *
 * Context: process context; takes the reservation lock.
 *
 * Return: 0; -EFAULT when the argument cannot be read or written back;
 * -EINVAL for flags other than a direction; -ENOMEM; or -EMFILE when the
 * process is out of descriptors.
 */
long dma_buf_ioctl_export_sync_file(struct dma_buf *buf, void __user *uarg)
{
	struct dma_buf_export_sync_file arg;
	struct dma_fence *fence = NULL;
	struct sync_file *sync_file;
	enum dma_resv_usage usage;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;

	if (!dma_buf_sync_file_flags_valid(arg.flags))
		return -EINVAL;

	/*
	 * The descriptor first, as in 6.1: a full table fails with -EMFILE
	 * before any other work, whatever else might fail later.
	 */
	ret = get_unused_fd_flags(O_CLOEXEC);
	if (ret < 0)
		return ret;
	arg.fd = ret;

	usage = dma_resv_usage_rw(arg.flags & DMA_BUF_SYNC_WRITE);
	ret = dma_resv_get_singleton(buf->resv, usage, &fence);
	if (ret)
		goto err_put_fd;

	/* No fence to wait for: hand out one that has signalled already. */
	if (!fence)
		fence = dma_fence_get_stub();

	/* The sync_file takes its own reference on the fence. */
	sync_file = sync_file_create(fence);
	dma_fence_put(fence);
	if (!sync_file) {
		ret = -ENOMEM;
		goto err_put_fd;
	}

	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		ret = -EFAULT;
		goto err_put_sync_file;
	}

	fd_install(arg.fd, sync_file->file);
	return 0;

err_put_sync_file:
	fput(sync_file->file);
err_put_fd:
	put_unused_fd(arg.fd);
	return ret;
}

/**
 * dma_buf_ioctl_import_sync_file - DMA_BUF_IOCTL_IMPORT_SYNC_FILE
 * @buf: the buffer
 * @uarg: the user's &struct dma_buf_import_sync_file
 *
 * Adds the fences of a sync_file to the buffer, as writers when WRITE is
 * among the flags and as readers otherwise.  A merged sync_file contributes
 * each of its fences.
 *
 * Context: process context; takes the reservation lock.
 *
 * Return: 0; -EFAULT when the argument cannot be read; -EINVAL for flags
 * other than a direction or a descriptor that is not a sync_file; -ENOMEM.
 */
long dma_buf_ioctl_import_sync_file(struct dma_buf *buf, void __user *uarg)
{
	struct dma_buf_import_sync_file arg;
	struct dma_fence_unwrap iter;
	struct dma_fence *fence, *f;
	enum dma_resv_usage usage;
	unsigned int count = 0;
	int ret = 0;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;

	if (!dma_buf_sync_file_flags_valid(arg.flags))
		return -EINVAL;

	fence = sync_file_get_fence(arg.fd);
	if (!fence)
		return -EINVAL;

	usage = arg.flags & DMA_BUF_SYNC_WRITE ? DMA_RESV_USAGE_WRITE :
						 DMA_RESV_USAGE_READ;

	dma_fence_unwrap_for_each(f, &iter, fence)
		count++;

	if (count) {
		dma_resv_lock(buf->resv, NULL);
		ret = dma_resv_reserve_fences(buf->resv, count);
		if (!ret) {
			dma_fence_unwrap_for_each(f, &iter, fence)
				dma_resv_add_fence(buf->resv, f, usage);
		}
		dma_resv_unlock(buf->resv);
	}

	dma_fence_put(fence);
	return ret;
}
#endif /* CONFIG_SYNC_FILE */
