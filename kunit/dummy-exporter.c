// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dummy exporter used by the dma-buf KUnit suites; see
 * dummy-exporter.h for what it records.
 */

#include <kunit/test.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/ww_mutex.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-fence.h"
#include "test-util.h"

bool dmabuf_test_resv_held(struct dma_buf *dmabuf)
{
	struct dma_resv *resv = dmabuf->resv;

	if (!ww_mutex_is_locked(&resv->lock))
		return false;
	/* Locked by somebody; with lockdep we can tell whether it is us. */
	if (IS_ENABLED(CONFIG_LOCKDEP))
		return dma_resv_held(resv) != 0;
	return true;
}

/* &dma_buf.lock held by this thread; from 6.2 on there is none. */
bool dmabuf_test_lock_held(struct dma_buf *dmabuf)
{
#if DMABUF_TEST_RESV_LOCKING
	return false;
#else
	if (!mutex_is_locked(&dmabuf->lock))
		return false;
	if (IS_ENABLED(CONFIG_LOCKDEP))
		return lockdep_is_held(&dmabuf->lock) != 0;
	return true;
#endif
}

static struct dummy_exporter *to_dummy(struct dma_buf *dmabuf)
{
	/*
	 * Found through the ops rather than ->priv so that a buffer exported
	 * with a NULL priv (a misuse case) cannot crash the callbacks.
	 */
	return container_of(dmabuf->ops, struct dummy_exporter, ops);
}

static void dummy_note(struct dummy_exporter *d, enum dummy_op op,
		       struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct dummy_call *call = &d->calls[op];
	bool resv_held = dmabuf_test_resv_held(dmabuf);
	bool lock_held = dmabuf_test_lock_held(dmabuf);

	/* importers on several CPUs may call in at once */
	spin_lock(&d->lock);
	call->count++;
	call->stamp = dmabuf_test_tick(d->ctx);
	call->resv_held = resv_held;
	call->lock_held = lock_held;
	call->dir = dir;
	spin_unlock(&d->lock);
	if (d->hook)
		d->hook(d, op);
}

/* Pin, map and vmap balances, under the same lock as the call records. */
static void dummy_balance(struct dummy_exporter *d, int *balance, int delta)
{
	spin_lock(&d->lock);
	*balance += delta;
	spin_unlock(&d->lock);
}

static int dummy_attach(struct dma_buf *dmabuf,
			struct dma_buf_attachment *attach)
{
	struct dummy_exporter *d = to_dummy(dmabuf);

	dummy_note(d, DUMMY_ATTACH, dmabuf, DMA_NONE);
	d->last_attach = attach;
	if (d->fail[DUMMY_ATTACH])
		return d->fail[DUMMY_ATTACH];
	attach->priv = d;
	return 0;
}

static void dummy_detach(struct dma_buf *dmabuf,
			 struct dma_buf_attachment *attach)
{
	struct dummy_exporter *d = to_dummy(dmabuf);

	dummy_note(d, DUMMY_DETACH, dmabuf, DMA_NONE);
	d->last_attach = attach;
}

static int dummy_pin(struct dma_buf_attachment *attach)
{
	struct dummy_exporter *d = to_dummy(attach->dmabuf);

	dummy_note(d, DUMMY_PIN, attach->dmabuf, DMA_NONE);
	d->last_attach = attach;
	if (d->fail[DUMMY_PIN])
		return d->fail[DUMMY_PIN];
	dummy_balance(d, &d->pinned, 1);
	return 0;
}

static void dummy_unpin(struct dma_buf_attachment *attach)
{
	struct dummy_exporter *d = to_dummy(attach->dmabuf);

	dummy_note(d, DUMMY_UNPIN, attach->dmabuf, DMA_NONE);
	d->last_attach = attach;
	dummy_balance(d, &d->pinned, -1);
}

static struct sg_table *dummy_map(struct dma_buf_attachment *attach,
				  enum dma_data_direction dir)
{
	struct dummy_exporter *d = to_dummy(attach->dmabuf);
	struct sg_table *sgt;

	dummy_note(d, DUMMY_MAP, attach->dmabuf, dir);
	d->last_attach = attach;
	if (d->fail[DUMMY_MAP])
		return ERR_PTR(d->fail[DUMMY_MAP]);
	if (d->map_returns_null)
		return NULL;
	if (!d->backing)
		return ERR_PTR(-ENOMEM);

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	if (sg_alloc_table(sgt, 1, GFP_KERNEL)) {
		kfree(sgt);
		return ERR_PTR(-ENOMEM);
	}
	sg_set_buf(sgt->sgl, d->backing, d->size);
	sg_dma_address(sgt->sgl) = DUMMY_DMA_ADDR;
	sg_dma_len(sgt->sgl) = d->size;

	d->last_sgt = sgt;
	d->map_page_link = sgt->sgl->page_link;
	dummy_balance(d, &d->mapped, 1);
	return sgt;
}

static void dummy_unmap(struct dma_buf_attachment *attach,
			struct sg_table *sgt, enum dma_data_direction dir)
{
	struct dummy_exporter *d = to_dummy(attach->dmabuf);

	dummy_note(d, DUMMY_UNMAP, attach->dmabuf, dir);
	d->last_attach = attach;
	d->unmapped_sgt = sgt;
	d->unmap_page_link = sgt->sgl->page_link;
	dummy_balance(d, &d->mapped, -1);
	sg_free_table(sgt);
	kfree(sgt);
}

static void dummy_free(struct kref *ref)
{
	struct dummy_exporter *d = container_of(ref, struct dummy_exporter,
						ref);

	kfree(d->backing);
	kfree(d);
}

static void dummy_release(struct dma_buf *dmabuf)
{
	struct dummy_exporter *d = to_dummy(dmabuf);

	dummy_note(d, DUMMY_RELEASE, dmabuf, DMA_NONE);
	complete_all(&d->released);
	/* The reference dummy_exporter_export() took for the buffer. */
	kref_put(&d->ref, dummy_free);
}

static int dummy_begin_cpu_access(struct dma_buf *dmabuf,
				  enum dma_data_direction dir)
{
	struct dummy_exporter *d = to_dummy(dmabuf);

	dummy_note(d, DUMMY_BEGIN_CPU, dmabuf, dir);
	return d->fail[DUMMY_BEGIN_CPU];
}

static int dummy_end_cpu_access(struct dma_buf *dmabuf,
				enum dma_data_direction dir)
{
	struct dummy_exporter *d = to_dummy(dmabuf);

	dummy_note(d, DUMMY_END_CPU, dmabuf, dir);
	return d->fail[DUMMY_END_CPU];
}

static int dummy_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct dummy_exporter *d = to_dummy(dmabuf);

	dummy_note(d, DUMMY_MMAP, dmabuf, DMA_NONE);
	d->mmap_vma = vma;
	d->mmap_file = vma->vm_file;
	d->mmap_pgoff = vma->vm_pgoff;
	return d->fail[DUMMY_MMAP];
}

static int dummy_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dummy_exporter *d = to_dummy(dmabuf);

	dummy_note(d, DUMMY_VMAP, dmabuf, DMA_NONE);
	if (d->fail[DUMMY_VMAP])
		return d->fail[DUMMY_VMAP];
	if (!d->backing)
		return -ENOMEM;
	if (d->vmap_iomem)
		iosys_map_set_vaddr_iomem(map, (void __iomem __force *)d->backing);
	else
		iosys_map_set_vaddr(map, d->backing);
	dummy_balance(d, &d->vmapped, 1);
	return 0;
}

static void dummy_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dummy_exporter *d = to_dummy(dmabuf);

	dummy_note(d, DUMMY_VUNMAP, dmabuf, DMA_NONE);
	d->vunmap_map = *map;
	dummy_balance(d, &d->vmapped, -1);
}

static void dummy_build_ops(struct dummy_exporter *d)
{
	const struct dummy_config *cfg = &d->cfg;
	struct dma_buf_ops *ops = &d->ops;
	unsigned long have = ~cfg->omit;

	ops->cache_sgt_mapping = cfg->cache_sgt_mapping;
	if (have & DUMMY_OP(ATTACH))
		ops->attach = dummy_attach;
	if (have & DUMMY_OP(DETACH))
		ops->detach = dummy_detach;
	if (cfg->dynamic && (have & DUMMY_OP(PIN)))
		ops->pin = dummy_pin;
	if (cfg->dynamic && (have & DUMMY_OP(UNPIN)))
		ops->unpin = dummy_unpin;
	if (have & DUMMY_OP(MAP))
		ops->map_dma_buf = dummy_map;
	if (have & DUMMY_OP(UNMAP))
		ops->unmap_dma_buf = dummy_unmap;
	if (have & DUMMY_OP(RELEASE))
		ops->release = dummy_release;
	if (have & DUMMY_OP(BEGIN_CPU))
		ops->begin_cpu_access = dummy_begin_cpu_access;
	if (have & DUMMY_OP(END_CPU))
		ops->end_cpu_access = dummy_end_cpu_access;
	if (have & DUMMY_OP(MMAP))
		ops->mmap = dummy_mmap;
	if (have & DUMMY_OP(VMAP))
		ops->vmap = dummy_vmap;
	if (have & DUMMY_OP(VUNMAP))
		ops->vunmap = dummy_vunmap;
}

/*
 * The exporter's KUnit resource.  Nothing may keep the buffer alive: every
 * fence of the case is signalled and every importer detached first, then
 * the case's reference (if it still has it) is dropped, and the buffer
 * must be released exactly once with nothing pinned or mapped.
 */
static void dummy_exporter_teardown(void *data)
{
	struct dummy_exporter *d = data;
	struct kunit *test = d->test;

	test_fences_signal_all(test);
	dummy_importers_detach_all(test);
	if (d->dmabuf && d->owns_ref)
		dummy_put(d);
	if (d->dmabuf) {
		KUNIT_EXPECT_TRUE_MSG(test, dummy_wait_released(d),
				      "buffer %s never released",
				      d->cfg.exp_name ?: "");
		KUNIT_EXPECT_EQ_MSG(test, dummy_calls(d, DUMMY_RELEASE), 1,
				    "release must run exactly once");
		KUNIT_EXPECT_EQ_MSG(test, d->pinned, 0, "pins leaked");
		KUNIT_EXPECT_EQ_MSG(test, d->mapped, 0, "mappings leaked");
		KUNIT_EXPECT_EQ_MSG(test, d->vmapped, 0,
				    "kernel mappings leaked");
	}
	dmabuf_test_unlink(d->ctx, &d->node);
	kref_put(&d->ref, dummy_free);
}

struct dummy_exporter *dummy_exporter_new(struct kunit *test,
					  const struct dummy_config *cfg)
{
	static const struct dummy_config defaults;
	struct dmabuf_test *ctx = dmabuf_test(test);
	struct dummy_exporter *d;
	void *backing = NULL;
	size_t size;

	size = cfg && cfg->size ? cfg->size : PAGE_SIZE;
	if (size <= DUMMY_MAX_BACKING) {
		backing = kzalloc(size, GFP_KERNEL);
		if (!backing) {
			KUNIT_ASSERT_NOT_NULL_MSG(test, backing,
						  "no memory for the backing store");
			return NULL;
		}
	}

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		kfree(backing);
		KUNIT_ASSERT_NOT_NULL_MSG(test, d, "no memory for the exporter");
		return NULL;
	}

	d->backing = backing;
	d->test = test;
	d->ctx = ctx;
	kref_init(&d->ref);
	spin_lock_init(&d->lock);
	init_completion(&d->released);
	d->cfg = cfg ? *cfg : defaults;
	d->size = size;
	if (!d->cfg.flags && !d->cfg.keep_flags)
		d->cfg.flags = O_RDWR;
	dummy_build_ops(d);
	dmabuf_test_link(ctx, &d->node, &ctx->exporters);
	dmabuf_test_defer(test, dummy_exporter_teardown, d);
	return d;
}

int dummy_exporter_export(struct dummy_exporter *d)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dmabuf;

	exp_info.ops = &d->ops;
	exp_info.size = d->size;
	exp_info.flags = d->cfg.flags;
	exp_info.resv = d->cfg.resv;
	exp_info.priv = d->cfg.no_priv ? NULL : d;
	if (d->cfg.exp_name)
		exp_info.exp_name = d->cfg.exp_name;
	if (d->cfg.no_exp_name)
		exp_info.exp_name = NULL;
	if (d->cfg.set_owner)
		exp_info.owner = d->cfg.owner;

	/* The buffer keeps the exporter alive until its release callback. */
	kref_get(&d->ref);
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		kref_put(&d->ref, dummy_free);
		return PTR_ERR(dmabuf);
	}
	d->dmabuf = dmabuf;
	d->owns_ref = true;
	return 0;
}

struct dummy_exporter *dummy_export(struct kunit *test,
				    const struct dummy_config *cfg)
{
	struct dummy_exporter *d = dummy_exporter_new(test, cfg);
	int ret = dummy_exporter_export(d);

	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "dma_buf_export() failed");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d->dmabuf);
	return d;
}

void dummy_put(struct dummy_exporter *d)
{
	KUNIT_ASSERT_TRUE_MSG(d->test, d->owns_ref,
			      "the test holds no reference to put");
	d->owns_ref = false;
	dma_buf_put(d->dmabuf);
}

bool dummy_wait_released(struct dummy_exporter *d)
{
	dmabuf_test_flush_fput();
	return wait_for_completion_timeout(&d->released,
					   DMABUF_TEST_RELEASE_TIMEOUT * HZ);
}

bool dummy_released(struct dummy_exporter *d)
{
	dmabuf_test_flush_fput();
	return completion_done(&d->released);
}

