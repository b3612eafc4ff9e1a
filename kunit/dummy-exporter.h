/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A configurable dma-buf exporter for the KUnit suites.
 *
 * It hands out real scatter-gather tables and kernel mappings of a small
 * kmalloc'ed backing store, and for every callback it records how often it
 * ran, in which order relative to other recorded events, with which DMA
 * direction, and whether the buffer's reservation lock and &dma_buf.lock
 * were held at the time.  Each callback can be left out or told to fail.
 */
#ifndef DMA_BUF_KUNIT_DUMMY_EXPORTER_H
#define DMA_BUF_KUNIT_DUMMY_EXPORTER_H

#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/dma-buf.h>
#include <linux/kref.h>
#include <linux/spinlock.h>

struct dmabuf_test;
struct kunit;

enum dummy_op {
	DUMMY_ATTACH,
	DUMMY_DETACH,
	DUMMY_PIN,
	DUMMY_UNPIN,
	DUMMY_MAP,
	DUMMY_UNMAP,
	DUMMY_RELEASE,
	DUMMY_BEGIN_CPU,
	DUMMY_END_CPU,
	DUMMY_MMAP,
	DUMMY_VMAP,
	DUMMY_VUNMAP,
	DUMMY_NR_OPS
};

#define DUMMY_OP(op)		BIT(DUMMY_##op)

/* The callbacks &struct dma_buf_ops lets an exporter leave out. */
#define DUMMY_OPTIONAL_OPS	(DUMMY_OP(ATTACH) | DUMMY_OP(DETACH) |	\
				 DUMMY_OP(BEGIN_CPU) | DUMMY_OP(END_CPU) | \
				 DUMMY_OP(MMAP) | DUMMY_OP(VMAP) |	\
				 DUMMY_OP(VUNMAP))

/* Largest buffer that gets a backing store (and so can be mapped). */
#define DUMMY_MAX_BACKING	(16 * PAGE_SIZE)

/* Fake bus address of the backing store as seen by importers. */
#define DUMMY_DMA_ADDR		0x40000000ULL

struct dummy_config {
	/* Provide pin and unpin (a dynamic exporter). */
	bool dynamic;
	bool cache_sgt_mapping;
	/* DUMMY_OP() bits of callbacks to leave out, required ones included. */
	unsigned long omit;
	/* Buffer size, PAGE_SIZE when 0. */
	size_t size;
	/* File flags for the export, O_RDWR when 0 and !keep_flags. */
	int flags;
	bool keep_flags;
	struct dma_resv *resv;
	/* Overrides of the DEFINE_DMA_BUF_EXPORT_INFO() defaults. */
	const char *exp_name;
	bool set_owner;
	struct module *owner;
	/* Export with a NULL priv (misuse). */
	bool no_priv;
	/* Export with a NULL exp_name. */
	bool no_exp_name;
};

struct dummy_call {
	unsigned int count;
	/* Clock value of the latest call; 0 if never called. */
	unsigned int stamp;
	bool resv_held;
	bool lock_held;
	enum dma_data_direction dir;
};

struct dummy_exporter {
	struct kunit *test;
	struct dmabuf_test *ctx;
	struct list_head node;
	struct kref ref;
	struct dummy_config cfg;
	struct dma_buf_ops ops;
	struct dma_buf *dmabuf;
	size_t size;
	void *backing;

	/* Guards calls[] and the balances below against concurrent callbacks. */
	spinlock_t lock;
	struct dummy_call calls[DUMMY_NR_OPS];
	/* Error code the callback returns instead of doing its work. */
	int fail[DUMMY_NR_OPS];
	/* map_dma_buf returns NULL instead of a table. */
	bool map_returns_null;
	/* vmap hands out the backing store as I/O memory. */
	bool vmap_iomem;
	/* Called at the start of each callback when set. */
	void (*hook)(struct dummy_exporter *d, enum dummy_op op);
	void *hook_data;

	/* Balance of pin/unpin, map/unmap and vmap/vunmap calls. */
	int pinned;
	int mapped;
	int vmapped;

	struct dma_buf_attachment *last_attach;
	struct sg_table *last_sgt;
	/* First entry's page_link when handed out / when handed back. */
	unsigned long map_page_link;
	unsigned long unmap_page_link;
	struct sg_table *unmapped_sgt;
	/* What the mmap callback saw. */
	struct vm_area_struct *mmap_vma;
	struct file *mmap_file;
	unsigned long mmap_pgoff;
	/* What vunmap was handed. */
	struct iosys_map vunmap_map;

	/* The test still holds the reference dma_buf_export() gave it. */
	bool owns_ref;
	struct completion released;
};

struct dummy_exporter *dummy_exporter_new(struct kunit *test,
					  const struct dummy_config *cfg);
int dummy_exporter_export(struct dummy_exporter *d);
/* new + export, failing the case if the export fails. */
struct dummy_exporter *dummy_export(struct kunit *test,
				    const struct dummy_config *cfg);

/* Drop the test's own reference to the buffer. */
void dummy_put(struct dummy_exporter *d);
/* Wait (bounded) for ops->release; true once it ran. */
bool dummy_wait_released(struct dummy_exporter *d);
/* Whether ops->release ran, after letting pending final fput()s run. */
bool dummy_released(struct dummy_exporter *d);

static inline unsigned int dummy_calls(struct dummy_exporter *d,
				       enum dummy_op op)
{
	return d->calls[op].count;
}

/* Reservation lock / &dma_buf.lock held by the current task? */
bool dmabuf_test_resv_held(struct dma_buf *dmabuf);
bool dmabuf_test_lock_held(struct dma_buf *dmabuf);

#endif /* DMA_BUF_KUNIT_DUMMY_EXPORTER_H */
