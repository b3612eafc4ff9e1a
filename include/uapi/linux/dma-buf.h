/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * DMA-BUF userspace interface: the ioctls accepted by a DMA-BUF file
 * descriptor.  Besides these, such a descriptor supports mmap(), poll(),
 * llseek() (to learn the size) and fdinfo.
 */
#ifndef _DMA_BUF_UAPI_H_
#define _DMA_BUF_UAPI_H_

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct dma_buf_sync - argument of DMA_BUF_IOCTL_SYNC
 * @flags: a direction (DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE or
 *	DMA_BUF_SYNC_RW) combined with DMA_BUF_SYNC_START or DMA_BUF_SYNC_END.
 *
 * CPU access through an mmap() of the buffer is bracketed by a START and
 * an END call with the same direction.  START waits for the device work
 * the access depends on and lets the exporter make caches coherent; END
 * lets the exporter flush what the CPU wrote.  A set of flags that is
 * unknown or names no direction is rejected with -EINVAL.
 */
struct dma_buf_sync {
	__u64 flags;
};

#define DMA_BUF_SYNC_READ      (1 << 0)
#define DMA_BUF_SYNC_WRITE     (2 << 0)
#define DMA_BUF_SYNC_RW        (DMA_BUF_SYNC_READ | DMA_BUF_SYNC_WRITE)
#define DMA_BUF_SYNC_START     (0 << 2)
#define DMA_BUF_SYNC_END       (1 << 2)
#define DMA_BUF_SYNC_VALID_FLAGS_MASK \
	(DMA_BUF_SYNC_RW | DMA_BUF_SYNC_END)

/* Longest buffer name DMA_BUF_SET_NAME accepts, terminating NUL included. */
#define DMA_BUF_NAME_LEN	32

/**
 * struct dma_buf_export_sync_file - argument of
 *	DMA_BUF_IOCTL_EXPORT_SYNC_FILE
 * @flags: DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE or both: which implicit
 *	fences to collect.  READ collects the fences a reader must wait for
 *	(the writers); WRITE collects every fence.
 * @fd: output: a new sync_file descriptor holding those fences.
 */
struct dma_buf_export_sync_file {
	__u32 flags;
	__s32 fd;
};

/**
 * struct dma_buf_import_sync_file - argument of
 *	DMA_BUF_IOCTL_IMPORT_SYNC_FILE
 * @flags: DMA_BUF_SYNC_READ to add the fences as readers, or
 *	DMA_BUF_SYNC_WRITE (alone or with READ) to add them as writers.
 * @fd: the sync_file descriptor whose fences are added to the buffer.
 */
struct dma_buf_import_sync_file {
	__u32 flags;
	__s32 fd;
};

#define DMA_BUF_BASE		'b'
#define DMA_BUF_IOCTL_SYNC	_IOW(DMA_BUF_BASE, 0, struct dma_buf_sync)

/*
 * Name the buffer for debugging and accounting.  The argument is a pointer
 * to a NUL-terminated string of at most DMA_BUF_NAME_LEN bytes.  The ioctl
 * number once encoded the size of a pointer, so it differs between 32 and
 * 64-bit userspace; both encodings are accepted.
 */
#define DMA_BUF_SET_NAME	_IOW(DMA_BUF_BASE, 1, const char *)
#define DMA_BUF_SET_NAME_A	_IOW(DMA_BUF_BASE, 1, __u32)
#define DMA_BUF_SET_NAME_B	_IOW(DMA_BUF_BASE, 1, __u64)
#define DMA_BUF_IOCTL_EXPORT_SYNC_FILE	_IOWR(DMA_BUF_BASE, 2, struct dma_buf_export_sync_file)
#define DMA_BUF_IOCTL_IMPORT_SYNC_FILE	_IOW(DMA_BUF_BASE, 3, struct dma_buf_import_sync_file)

#endif
