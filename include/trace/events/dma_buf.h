/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace events of the DMA-BUF core: a buffer's life as its users see it.
 *
 * Every event names the buffer the way userspace does (the inode number of
 * its file, as in /proc/<pid>/fdinfo, bufinfo and /sys/kernel/dmabuf) and
 * carries its exporter, name and size.  The core copies those before it
 * emits an event and before it gives its reference away, so an event
 * never reads a buffer that may already be gone: the arguments are plain
 * values, never the buffer itself.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dma_buf

#if !defined(_TRACE_DMA_BUF_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_DMA_BUF_H

#include <linux/tracepoint.h>
#include <linux/types.h>
#include <linux/version.h>

/*
 * A string field filled from the event argument of the same name, as the
 * kernel line spells it: 6.10 dropped __assign_str()'s source argument
 * (__string() names it already).
 */
#ifndef __dma_buf_assign_str
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
#define __dma_buf_assign_str(field)	__assign_str(field)
#else
#define __dma_buf_assign_str(field)	__assign_str(field, field)
#endif
#endif

DECLARE_EVENT_CLASS(dma_buf,
		    TP_PROTO(unsigned long ino, const char *exp_name,
			     const char *name, size_t size),
		    TP_ARGS(ino, exp_name, name, size),
		    TP_STRUCT__entry(__field(unsigned long, ino)
				     __field(size_t, size)
				     __string(exp_name, exp_name)
				     __string(name, name)),
		    TP_fast_assign(__entry->ino = ino;
				   __entry->size = size;
				   __dma_buf_assign_str(exp_name);
				   __dma_buf_assign_str(name);),
		    TP_printk("ino=%lu exp_name=%s name=%s size=%zu",
			      __entry->ino,
			      __get_str(exp_name),
			      __get_str(name),
			      __entry->size));

/* dma_buf_export() made a buffer. */
DEFINE_EVENT(dma_buf, dma_buf_export,
	     TP_PROTO(unsigned long ino, const char *exp_name, const char *name,
		      size_t size),
	     TP_ARGS(ino, exp_name, name, size));

/* Someone dropped a reference with dma_buf_put(). */
DEFINE_EVENT(dma_buf, dma_buf_put,
	     TP_PROTO(unsigned long ino, const char *exp_name, const char *name,
		      size_t size),
	     TP_ARGS(ino, exp_name, name, size));

/* The buffer was mapped into a process (mmap() or dma_buf_mmap()). */
DEFINE_EVENT(dma_buf, dma_buf_mmap,
	     TP_PROTO(unsigned long ino, const char *exp_name, const char *name,
		      size_t size),
	     TP_ARGS(ino, exp_name, name, size));

DECLARE_EVENT_CLASS(dma_buf_fd,
		    TP_PROTO(unsigned long ino, const char *exp_name,
			     const char *name, size_t size, int fd),
		    TP_ARGS(ino, exp_name, name, size, fd),
		    TP_STRUCT__entry(__field(unsigned long, ino)
				     __field(size_t, size)
				     __field(int, fd)
				     __string(exp_name, exp_name)
				     __string(name, name)),
		    TP_fast_assign(__entry->ino = ino;
				   __entry->size = size;
				   __entry->fd = fd;
				   __dma_buf_assign_str(exp_name);
				   __dma_buf_assign_str(name);),
		    TP_printk("ino=%lu exp_name=%s name=%s size=%zu fd=%d",
			      __entry->ino,
			      __get_str(exp_name),
			      __get_str(name),
			      __entry->size,
			      __entry->fd));

/* The buffer got a file descriptor (dma_buf_fd(), dma_buf_fd_install()). */
DEFINE_EVENT(dma_buf_fd, dma_buf_fd,
	     TP_PROTO(unsigned long ino, const char *exp_name, const char *name,
		      size_t size, int fd),
	     TP_ARGS(ino, exp_name, name, size, fd));

/* dma_buf_get() took a reference through a file descriptor. */
DEFINE_EVENT(dma_buf_fd, dma_buf_get,
	     TP_PROTO(unsigned long ino, const char *exp_name, const char *name,
		      size_t size, int fd),
	     TP_ARGS(ino, exp_name, name, size, fd));

DECLARE_EVENT_CLASS(dma_buf_attach,
		    TP_PROTO(unsigned long ino, const char *exp_name,
			     const char *name, size_t size,
			     const char *dev_name, bool is_dynamic),
		    TP_ARGS(ino, exp_name, name, size, dev_name, is_dynamic),
		    TP_STRUCT__entry(__field(unsigned long, ino)
				     __field(size_t, size)
				     __field(bool, is_dynamic)
				     __string(exp_name, exp_name)
				     __string(name, name)
				     __string(dev_name, dev_name)),
		    TP_fast_assign(__entry->ino = ino;
				   __entry->size = size;
				   __entry->is_dynamic = is_dynamic;
				   __dma_buf_assign_str(exp_name);
				   __dma_buf_assign_str(name);
				   __dma_buf_assign_str(dev_name);),
		    TP_printk("ino=%lu exp_name=%s name=%s size=%zu dev=%s dynamic=%d",
			      __entry->ino,
			      __get_str(exp_name),
			      __get_str(name),
			      __entry->size,
			      __get_str(dev_name),
			      __entry->is_dynamic));

/* A device attached (dma_buf_attach() or dma_buf_dynamic_attach()). */
DEFINE_EVENT(dma_buf_attach, dma_buf_dynamic_attach,
	     TP_PROTO(unsigned long ino, const char *exp_name, const char *name,
		      size_t size, const char *dev_name, bool is_dynamic),
	     TP_ARGS(ino, exp_name, name, size, dev_name, is_dynamic));

/* A device detached. */
DEFINE_EVENT(dma_buf_attach, dma_buf_detach,
	     TP_PROTO(unsigned long ino, const char *exp_name, const char *name,
		      size_t size, const char *dev_name, bool is_dynamic),
	     TP_ARGS(ino, exp_name, name, size, dev_name, is_dynamic));

#endif /* _TRACE_DMA_BUF_H */

/* define_trace.h includes this file again, so outside the guard */
#include <trace/define_trace.h>
