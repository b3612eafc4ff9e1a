/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private interface between the pieces of the DMA-BUF core: the buffer and
 * file core in dma-buf.c and the fence side in dma-resv-glue.c.  Nothing in
 * here is visible to exporters or importers.
 */
#ifndef _DMA_BUF_INTERNAL_H
#define _DMA_BUF_INTERNAL_H

#include <linux/compiler_types.h>
#include <linux/dma-direction.h>
#include <linux/poll.h>
#include <linux/types.h>

struct dma_buf;
struct file;

/* dma-resv-glue.c: waits on the implicit fences of a buffer. */
int dma_buf_wait_for_cpu(struct dma_buf *dmabuf,
			 enum dma_data_direction direction);
int dma_buf_wait_for_kernel_fences(struct dma_buf *dmabuf);

/* dma-resv-glue.c: the fence-facing file operations and ioctls. */
__poll_t dma_buf_poll(struct file *file, poll_table *wait);
long dma_buf_ioctl_sync(struct dma_buf *dmabuf, void __user *uarg);
long dma_buf_ioctl_export_sync_file(struct dma_buf *dmabuf, void __user *uarg);
long dma_buf_ioctl_import_sync_file(struct dma_buf *dmabuf, void __user *uarg);

#endif /* _DMA_BUF_INTERNAL_H */
