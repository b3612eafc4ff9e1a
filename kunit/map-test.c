// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases for mapping an attachment into device address space:
 * dma_buf_map_attachment(), dma_buf_unmap_attachment() and their
 * _unlocked variants, for every pairing of static and dynamic exporter
 * and importer, with the exporter's mapping cache, with implicit fences
 * and with CONFIG_DMABUF_DEBUG's hiding of struct page.
 */

#include <kunit/test.h>
#include <linux/dma-resv.h>
#include <linux/scatterlist.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-fence.h"
#include "test-util.h"

struct map_setup {
	struct dummy_exporter *d;
	struct dummy_importer *imp;
	struct dma_buf_attachment *attach;
	struct dma_resv *resv;
};

static void map_setup(struct kunit *test, struct map_setup *s,
		      const struct dummy_config *cfg,
		      enum dummy_importer_kind kind)
{
	s->d = dummy_export(test, cfg);
	s->imp = dummy_import(test, s->d->dmabuf, kind, 0);
	s->attach = s->imp->attach;
	s->resv = s->d->dmabuf->resv;
}

/*
 * Map the way the line requires: under the reservation lock from 6.2 on,
 * in 6.1 only for a dynamic importer.
 */
static struct sg_table *map(struct map_setup *s, enum dma_data_direction dir)
{
	struct sg_table *sgt;

	if (!DMABUF_TEST_RESV_LOCKING &&
	    !dma_buf_attachment_is_dynamic(s->attach))
		return dma_buf_map_attachment(s->attach, dir);
	dma_resv_lock(s->resv, NULL);
	sgt = dma_buf_map_attachment(s->attach, dir);
	dma_resv_unlock(s->resv);
	return sgt;
}

static void unmap(struct map_setup *s, struct sg_table *sgt,
		  enum dma_data_direction dir)
{
	if (!DMABUF_TEST_RESV_LOCKING &&
	    !dma_buf_attachment_is_dynamic(s->attach)) {
		dma_buf_unmap_attachment(s->attach, sgt, dir);
		return;
	}
	dma_resv_lock(s->resv, NULL);
	dma_buf_unmap_attachment(s->attach, sgt, dir);
	dma_resv_unlock(s->resv);
}

static const struct dummy_config dynamic_cfg = { .dynamic = true };
static const struct dummy_config cached_cfg = { .cache_sgt_mapping = true };

static void map_static_calls_exporter(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	KUNIT_EXPECT_EQ(test, s.d->calls[DUMMY_MAP].dir, DMA_TO_DEVICE);
	KUNIT_EXPECT_PTR_EQ(test, s.d->last_attach, s.attach);
	KUNIT_EXPECT_PTR_EQ(test, sgt, s.d->last_sgt);
	KUNIT_EXPECT_EQ(test, sg_dma_address(sgt->sgl), (dma_addr_t)DUMMY_DMA_ADDR);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), (unsigned int)PAGE_SIZE);
	unmap(&s, sgt, DMA_TO_DEVICE);
}

/*
 * Between a static importer and a static exporter, 6.1 holds no lock
 * around the callbacks; from 6.2 on the caller holds the reservation lock.
 */
static void map_static_holds_no_lock(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	sgt = map(&s, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, s.d->calls[DUMMY_MAP].resv_held,
			DMABUF_TEST_RESV_LOCKING);
	KUNIT_EXPECT_FALSE(test, s.d->calls[DUMMY_MAP].lock_held);
	unmap(&s, sgt, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, s.d->calls[DUMMY_UNMAP].resv_held,
			DMABUF_TEST_RESV_LOCKING);
	KUNIT_EXPECT_FALSE(test, s.d->calls[DUMMY_UNMAP].lock_held);
}

static void unmap_static_calls_exporter(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	sgt = map(&s, DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	unmap(&s, sgt, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNMAP), 1U);
	KUNIT_EXPECT_PTR_EQ(test, s.d->unmapped_sgt, sgt);
	KUNIT_EXPECT_EQ(test, s.d->calls[DUMMY_UNMAP].dir, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, s.d->mapped, 0);
}

static void map_not_cached_by_default(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *a, *b;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	a = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(a));
	b = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(b));
	KUNIT_EXPECT_PTR_NE(test, a, b);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 2U);
	KUNIT_EXPECT_NULL(test, s.attach->sgt);
	unmap(&s, b, DMA_TO_DEVICE);
	unmap(&s, a, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNMAP), 2U);
}

static void map_error_passed_through(struct kunit *test)
{
	struct map_setup s;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	s.d->fail[DUMMY_MAP] = -EIO;
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_TO_DEVICE), ERR_PTR(-EIO));
}

static void map_null_enomem(struct kunit *test)
{
	struct map_setup s;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	s.d->map_returns_null = true;
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_TO_DEVICE), ERR_PTR(-ENOMEM));
}

static void map_cached_reuses_table(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *a, *b;

	map_setup(test, &s, &cached_cfg, IMPORTER_STATIC);
	a = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(a));
	b = map(&s, DMA_TO_DEVICE);
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	KUNIT_EXPECT_PTR_EQ(test, s.attach->sgt, a);
	KUNIT_EXPECT_EQ(test, s.attach->dir, DMA_TO_DEVICE);
	unmap(&s, b, DMA_TO_DEVICE);
	unmap(&s, a, DMA_TO_DEVICE);
}

static void map_cached_unmap_keeps_mapping(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, &cached_cfg, IMPORTER_STATIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	unmap(&s, sgt, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNMAP), 0U);

	/* Detach hands the cached table back, once. */
	dummy_importer_detach(s.imp);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNMAP), 1U);
	KUNIT_EXPECT_PTR_EQ(test, s.d->unmapped_sgt, sgt);
	KUNIT_EXPECT_EQ(test, s.d->calls[DUMMY_UNMAP].dir, DMA_TO_DEVICE);
}

static void map_cached_other_direction_ebusy(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, &cached_cfg, IMPORTER_STATIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_FROM_DEVICE), ERR_PTR(-EBUSY));
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_BIDIRECTIONAL), ERR_PTR(-EBUSY));
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	unmap(&s, sgt, DMA_TO_DEVICE);
}

static void map_cached_bidirectional_serves_all(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, &cached_cfg, IMPORTER_STATIC);
	sgt = map(&s, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_TO_DEVICE), sgt);
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_FROM_DEVICE), sgt);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	unmap(&s, sgt, DMA_BIDIRECTIONAL);
}

static void map_cached_failure_not_cached(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, &cached_cfg, IMPORTER_STATIC);
	s.d->fail[DUMMY_MAP] = -EAGAIN;
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_TO_DEVICE), ERR_PTR(-EAGAIN));
	KUNIT_EXPECT_NULL(test, s.attach->sgt);

	s.d->fail[DUMMY_MAP] = 0;
	sgt = map(&s, DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 2U);
	unmap(&s, sgt, DMA_FROM_DEVICE);
}

static void map_attach_time_mapping_reused(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	/* A static importer of a dynamic exporter got its table at attach. */
	map_setup(test, &s, &dynamic_cfg, IMPORTER_STATIC);
	KUNIT_ASSERT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_EXPECT_PTR_EQ(test, sgt, s.attach->sgt);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	unmap(&s, sgt, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNMAP), 0U);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNPIN), 0U);
}

static void map_attach_time_mapping_for_dynamic_importer(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, NULL, IMPORTER_DYNAMIC);
	KUNIT_ASSERT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	sgt = map(&s, DMA_FROM_DEVICE);
	KUNIT_EXPECT_PTR_EQ(test, sgt, s.attach->sgt);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	unmap(&s, sgt, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNMAP), 0U);
}

static void map_dynamic_holds_resv(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, &dynamic_cfg, IMPORTER_DYNAMIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 1U);
	KUNIT_EXPECT_TRUE(test, s.d->calls[DUMMY_MAP].resv_held);
	KUNIT_EXPECT_FALSE(test, s.d->calls[DUMMY_MAP].lock_held);
	unmap(&s, sgt, DMA_TO_DEVICE);
	KUNIT_EXPECT_TRUE(test, s.d->calls[DUMMY_UNMAP].resv_held);
	KUNIT_EXPECT_FALSE(test, s.d->calls[DUMMY_UNMAP].lock_held);
}

static void map_dynamic_pins_around_mapping(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	if (IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY))
		kunit_skip(test, "CONFIG_DMABUF_MOVE_NOTIFY maps unpinned");

	map_setup(test, &s, &dynamic_cfg, IMPORTER_DYNAMIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_PIN), 1U);
	KUNIT_EXPECT_TRUE(test, s.d->calls[DUMMY_PIN].resv_held);
	KUNIT_EXPECT_LT(test, s.d->calls[DUMMY_PIN].stamp,
			s.d->calls[DUMMY_MAP].stamp);
	KUNIT_EXPECT_EQ(test, s.d->pinned, 1);

	unmap(&s, sgt, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNPIN), 1U);
	KUNIT_EXPECT_TRUE(test, s.d->calls[DUMMY_UNPIN].resv_held);
	KUNIT_EXPECT_LT(test, s.d->calls[DUMMY_UNMAP].stamp,
			s.d->calls[DUMMY_UNPIN].stamp);
	KUNIT_EXPECT_EQ(test, s.d->pinned, 0);
}

static void map_dynamic_unpinned_with_move_notify(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	if (!IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY))
		kunit_skip(test, "needs CONFIG_DMABUF_MOVE_NOTIFY");

	map_setup(test, &s, &dynamic_cfg, IMPORTER_DYNAMIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	unmap(&s, sgt, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_PIN), 0U);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNPIN), 0U);
}

static void map_dynamic_failure_unpins(struct kunit *test)
{
	struct map_setup s;

	map_setup(test, &s, &dynamic_cfg, IMPORTER_DYNAMIC);
	s.d->fail[DUMMY_MAP] = -EIO;
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_TO_DEVICE), ERR_PTR(-EIO));
	/* Whatever was pinned for the mapping is unpinned again. */
	KUNIT_EXPECT_EQ(test, s.d->pinned, 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNPIN),
			dummy_calls(s.d, DUMMY_PIN));
}

static void map_dynamic_pin_failure(struct kunit *test)
{
	struct map_setup s;

	if (IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY))
		kunit_skip(test, "CONFIG_DMABUF_MOVE_NOTIFY maps unpinned");

	map_setup(test, &s, &dynamic_cfg, IMPORTER_DYNAMIC);
	s.d->fail[DUMMY_PIN] = -ENOSPC;
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_TO_DEVICE), ERR_PTR(-ENOSPC));
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_MAP), 0U);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNPIN), 0U);
}

static void map_unlocked_takes_resv(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	sgt = dma_buf_map_attachment_unlocked(s.attach, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_TRUE(test, s.d->calls[DUMMY_MAP].resv_held);
	KUNIT_EXPECT_FALSE(test, s.d->calls[DUMMY_MAP].lock_held);
	KUNIT_EXPECT_FALSE(test, ww_mutex_is_locked(&s.resv->lock));
	dma_buf_unmap_attachment_unlocked(s.attach, sgt, DMA_TO_DEVICE);
}

static void unmap_unlocked_takes_resv(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	sgt = dma_buf_map_attachment_unlocked(s.attach, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	dma_buf_unmap_attachment_unlocked(s.attach, sgt, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNMAP), 1U);
	KUNIT_EXPECT_PTR_EQ(test, s.d->unmapped_sgt, sgt);
	KUNIT_EXPECT_TRUE(test, s.d->calls[DUMMY_UNMAP].resv_held);
	KUNIT_EXPECT_FALSE(test, ww_mutex_is_locked(&s.resv->lock));
}

static void map_unlocked_dynamic_importer(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	map_setup(test, &s, &dynamic_cfg, IMPORTER_DYNAMIC);
	sgt = dma_buf_map_attachment_unlocked(s.attach, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_TRUE(test, s.d->calls[DUMMY_MAP].resv_held);
	dma_buf_unmap_attachment_unlocked(s.attach, sgt, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_TRUE(test, s.d->calls[DUMMY_UNMAP].resv_held);
	KUNIT_EXPECT_EQ(test, s.d->mapped, 0);
	KUNIT_EXPECT_EQ(test, s.d->pinned, 0);
}

static void map_unlocked_error_passed_through(struct kunit *test)
{
	struct map_setup s;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	s.d->fail[DUMMY_MAP] = -EFAULT;
	KUNIT_EXPECT_PTR_EQ(test,
			    dma_buf_map_attachment_unlocked(s.attach,
							    DMA_TO_DEVICE),
			    ERR_PTR(-EFAULT));
	KUNIT_EXPECT_FALSE(test, ww_mutex_is_locked(&s.resv->lock));
}

static void map_static_importer_waits_for_kernel_fences(struct kunit *test)
{
	struct map_setup s;
	struct test_fence *f;
	struct sg_table *sgt;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	f = test_fence_add_new(test, s.resv, DMA_RESV_USAGE_KERNEL);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, f->waits, 1U);
	KUNIT_EXPECT_TRUE(test, f->wait_intr);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&f->base));
	unmap(&s, sgt, DMA_TO_DEVICE);
}

static void map_static_importer_ignores_write_fences(struct kunit *test)
{
	struct map_setup s;
	struct test_fence *w, *r;
	struct sg_table *sgt;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	w = test_fence_add_new(test, s.resv, DMA_RESV_USAGE_WRITE);
	r = test_fence_add_new(test, s.resv, DMA_RESV_USAGE_READ);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, w->waits, 0U);
	KUNIT_EXPECT_EQ(test, r->waits, 0U);
	unmap(&s, sgt, DMA_TO_DEVICE);
}

static void map_dynamic_importer_does_not_wait(struct kunit *test)
{
	struct map_setup s;
	struct test_fence *f;
	struct sg_table *sgt;

	map_setup(test, &s, &dynamic_cfg, IMPORTER_DYNAMIC);
	f = test_fence_add_new(test, s.resv, DMA_RESV_USAGE_KERNEL);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, f->waits, 0U);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&f->base));
	unmap(&s, sgt, DMA_TO_DEVICE);
}

static void map_attach_time_waits_for_kernel_fences(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, &dynamic_cfg);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_KERNEL);
	dummy_import(test, d->dmabuf, IMPORTER_STATIC, 0);
	KUNIT_EXPECT_EQ(test, f->waits, 1U);
	KUNIT_EXPECT_TRUE(test, f->wait_intr);
}

static void map_wait_interrupted(struct kunit *test)
{
	struct map_setup s;
	struct test_fence *f;

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	f = test_fence_add_new(test, s.resv, DMA_RESV_USAGE_KERNEL);
	f->wait_error = -ERESTARTSYS;
	KUNIT_EXPECT_PTR_EQ(test, map(&s, DMA_TO_DEVICE),
			    ERR_PTR(-ERESTARTSYS));
	/* The table the exporter made is handed back. */
	KUNIT_EXPECT_EQ(test, dummy_calls(s.d, DUMMY_UNMAP), 1U);
	KUNIT_EXPECT_EQ(test, s.d->mapped, 0);
}

static void map_debug_hides_pages(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;
	unsigned long exported;

	if (!IS_ENABLED(CONFIG_DMABUF_DEBUG))
		kunit_skip(test, "needs CONFIG_DMABUF_DEBUG");

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	exported = s.d->map_page_link;

	KUNIT_EXPECT_NE(test, sgt->sgl->page_link, exported);
	/* The DMA side of the table is untouched. */
	KUNIT_EXPECT_EQ(test, sg_dma_address(sgt->sgl), (dma_addr_t)DUMMY_DMA_ADDR);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), (unsigned int)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sgt->sgl->length, (unsigned int)PAGE_SIZE);

	unmap(&s, sgt, DMA_TO_DEVICE);
	/* The exporter gets its pages back as it made them. */
	KUNIT_EXPECT_EQ(test, s.d->unmap_page_link, exported);
}

/* 6.1 flips every page_link bit above the lowest byte, no more, no less. */
static void map_debug_flips_bits_above_low_byte(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	if (!IS_ENABLED(CONFIG_DMABUF_DEBUG))
		kunit_skip(test, "needs CONFIG_DMABUF_DEBUG");

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, sgt->sgl->page_link ^ s.d->map_page_link,
			~0xffUL);
	unmap(&s, sgt, DMA_TO_DEVICE);
}

static void map_without_debug_keeps_pages(struct kunit *test)
{
	struct map_setup s;
	struct sg_table *sgt;

	if (IS_ENABLED(CONFIG_DMABUF_DEBUG))
		kunit_skip(test, "CONFIG_DMABUF_DEBUG hides pages");

	map_setup(test, &s, NULL, IMPORTER_STATIC);
	sgt = map(&s, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, sgt->sgl->page_link, s.d->map_page_link);
	unmap(&s, sgt, DMA_TO_DEVICE);
}

static void map_debug_restores_cached_pages(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, &dynamic_cfg);
	struct dummy_importer *imp;
	unsigned long exported;

	if (!IS_ENABLED(CONFIG_DMABUF_DEBUG))
		kunit_skip(test, "needs CONFIG_DMABUF_DEBUG");

	imp = dummy_import(test, d->dmabuf, IMPORTER_STATIC, 0);
	exported = d->map_page_link;
	KUNIT_ASSERT_NOT_NULL(test, imp->attach->sgt);
	KUNIT_EXPECT_NE(test, imp->attach->sgt->sgl->page_link, exported);
	dummy_importer_detach(imp);
	KUNIT_EXPECT_EQ(test, d->unmap_page_link, exported);
}

static struct kunit_case dma_buf_map_cases[] = {
	KUNIT_CASE(map_static_calls_exporter),
	KUNIT_CASE(map_static_holds_no_lock),
	KUNIT_CASE(unmap_static_calls_exporter),
	KUNIT_CASE(map_not_cached_by_default),
	KUNIT_CASE(map_error_passed_through),
	KUNIT_CASE(map_null_enomem),
	KUNIT_CASE(map_cached_reuses_table),
	KUNIT_CASE(map_cached_unmap_keeps_mapping),
	KUNIT_CASE(map_cached_other_direction_ebusy),
	KUNIT_CASE(map_cached_bidirectional_serves_all),
	KUNIT_CASE(map_cached_failure_not_cached),
	KUNIT_CASE(map_attach_time_mapping_reused),
	KUNIT_CASE(map_attach_time_mapping_for_dynamic_importer),
	KUNIT_CASE(map_dynamic_holds_resv),
	KUNIT_CASE(map_dynamic_pins_around_mapping),
	KUNIT_CASE(map_dynamic_unpinned_with_move_notify),
	KUNIT_CASE(map_dynamic_failure_unpins),
	KUNIT_CASE(map_dynamic_pin_failure),
	KUNIT_CASE(map_unlocked_takes_resv),
	KUNIT_CASE(unmap_unlocked_takes_resv),
	KUNIT_CASE(map_unlocked_dynamic_importer),
	KUNIT_CASE(map_unlocked_error_passed_through),
	KUNIT_CASE(map_static_importer_waits_for_kernel_fences),
	KUNIT_CASE(map_static_importer_ignores_write_fences),
	KUNIT_CASE(map_dynamic_importer_does_not_wait),
	KUNIT_CASE(map_attach_time_waits_for_kernel_fences),
	KUNIT_CASE(map_wait_interrupted),
	KUNIT_CASE(map_debug_hides_pages),
	KUNIT_CASE(map_debug_flips_bits_above_low_byte),
	KUNIT_CASE(map_without_debug_keeps_pages),
	KUNIT_CASE(map_debug_restores_cached_pages),
	{}
};

static struct kunit_suite dma_buf_map_suite = {
	.name = "dma_buf_map",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_map_cases,
};

kunit_test_suite(dma_buf_map_suite);
