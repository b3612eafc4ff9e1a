/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What differs between the kernel lines the core drops into (6.1 and 6.12
 * LTS), chosen at build time by the upstream release that changed it,
 * never by a distribution's version: 6.1.192's backports (the _unlocked
 * map pair, dma_buf_fd_install()) belong to 6.1's rules.
 *
 * DMA_BUF_RESV_LOCKING, from 6.2 on: the reservation lock is the one lock
 * of a buffer's importer-facing state.  dma_buf_vmap() and
 * dma_buf_vunmap() run under it (their callers hold it;
 * dma_buf_vmap_unlocked() and dma_buf_vunmap_unlocked() take it) and
 * struct dma_buf has no mutex of its own; every map and unmap, including
 * the mapping made at attach time, runs under it; detach releases the
 * mapping, the pin and the attachment in one locked section.  Before, in
 * 6.1, vmap took &dma_buf.lock and the reservation lock guarded only what
 * a dynamic side needs.
 *
 * DMA_BUF_DNAME_DROPS_LONG_NAME: 6.1 shows the first DMA_BUF_NAME_LEN - 1
 * characters of a name too long for the dentry name (one a driver set
 * itself; SET_NAME cannot), later lines show none of it (their strscpy()
 * reports the truncation and the name is dropped).  The release that
 * changed it lies between 6.1 and 6.8, which removed strlcpy(); with 6.1
 * and 6.12 the only lines supported, 6.2 draws the line.
 *
 * DMA_BUF_KOBJ_CONST, from 6.2 on: kset_uevent_ops.filter takes a const
 * kobject.
 *
 * (The trace events' header, which is public, carries the one difference
 * of its own: __assign_str() without a source from 6.10 on.)
 */
#ifndef _DMA_BUF_COMPAT_H
#define _DMA_BUF_COMPAT_H

#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/mutex.h>
#include <linux/version.h>

/* The one version test of the core: every difference but one is 6.2's. */
#define DMA_BUF_AFTER_6_1	(KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE)

/* DMA_BUF_RESV_LOCKING comes from <linux/dma-buf.h>, which needs it too. */
#define DMA_BUF_DNAME_DROPS_LONG_NAME	DMA_BUF_AFTER_6_1

/*
 * The lock of a buffer's kernel mapping (vmapping_counter, vmap_ptr): its
 * own mutex, taken by dma_buf_vmap() and dma_buf_vunmap() (6.1), or the
 * reservation lock, which their callers hold (6.2 on).
 */
#if DMA_BUF_RESV_LOCKING
static inline void dma_buf_vmap_lock_init(struct dma_buf *buf)
{
}

static inline void dma_buf_vmap_lock(struct dma_buf *buf)
{
	dma_resv_assert_held(buf->resv);
}

static inline void dma_buf_vmap_unlock(struct dma_buf *buf)
{
}
#else
static inline void dma_buf_vmap_lock_init(struct dma_buf *buf)
{
	mutex_init(&buf->lock);
}

static inline void dma_buf_vmap_lock(struct dma_buf *buf)
	__acquires(&buf->lock)
{
	mutex_lock(&buf->lock);
}

static inline void dma_buf_vmap_unlock(struct dma_buf *buf)
	__releases(&buf->lock)
{
	mutex_unlock(&buf->lock);
}
#endif

#if DMA_BUF_AFTER_6_1
#define DMA_BUF_KOBJ_CONST	const
#else
#define DMA_BUF_KOBJ_CONST
#endif

#endif /* _DMA_BUF_COMPAT_H */
