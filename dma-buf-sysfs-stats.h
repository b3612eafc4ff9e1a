/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-buffer statistics under /sys/kernel/dmabuf/buffers, see
 * dma-buf-sysfs-stats.c.  Without CONFIG_DMABUF_SYSFS_STATS every hook is
 * an empty inline, so the core calls them unconditionally.
 */
#ifndef _DMA_BUF_SYSFS_STATS_H
#define _DMA_BUF_SYSFS_STATS_H

struct dma_buf;

#ifdef CONFIG_DMABUF_SYSFS_STATS

int dma_buf_stats_init(void);
void dma_buf_stats_exit(void);
int dma_buf_stats_add(struct dma_buf *dmabuf);
void dma_buf_stats_remove(struct dma_buf *dmabuf);

#else

static inline int dma_buf_stats_init(void)
{
	return 0;
}

static inline void dma_buf_stats_exit(void)
{
}

static inline int dma_buf_stats_add(struct dma_buf *dmabuf)
{
	return 0;
}

static inline void dma_buf_stats_remove(struct dma_buf *dmabuf)
{
}

#endif /* CONFIG_DMABUF_SYSFS_STATS */

#endif /* _DMA_BUF_SYSFS_STATS_H */
