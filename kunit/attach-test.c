// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases for attaching importers to a dma-buf and what comes with an
 * attachment: dma_buf_attach(), dma_buf_dynamic_attach(), dma_buf_detach(),
 * dma_buf_pin(), dma_buf_unpin(), dma_buf_move_notify() and
 * dma_buf_attachment_is_dynamic().
 */

#include <kunit/test.h>
#include <linux/dma-resv.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-util.h"

static bool attachment_listed(struct dma_buf *dmabuf,
			      struct dma_buf_attachment *attach)
{
	struct dma_buf_attachment *pos;
	bool found = false;

	dma_resv_lock(dmabuf->resv, NULL);
	list_for_each_entry(pos, &dmabuf->attachments, node) {
		if (pos == attach)
			found = true;
	}
	dma_resv_unlock(dmabuf->resv);
	return found;
}

/* dma_buf_attach / dma_buf_dynamic_attach / dma_buf_detach */

static void attach_static_importer(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);
	struct dma_buf_attachment *attach = imp->attach;

	KUNIT_EXPECT_PTR_EQ(test, attach->dmabuf, d->dmabuf);
	KUNIT_EXPECT_PTR_EQ(test, attach->dev, imp->dev);
	KUNIT_EXPECT_NULL(test, attach->importer_ops);
	KUNIT_EXPECT_NULL(test, attach->importer_priv);
	KUNIT_EXPECT_FALSE(test, attach->peer2peer);
	KUNIT_EXPECT_FALSE(test, dma_buf_attachment_is_dynamic(attach));
	KUNIT_EXPECT_TRUE(test, attachment_listed(d->dmabuf, attach));
}

static void attach_calls_exporter_attach(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);

	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_ATTACH), 1U);
	KUNIT_EXPECT_PTR_EQ(test, d->last_attach, imp->attach);
	/* What the exporter stored in the attachment stays there. */
	KUNIT_EXPECT_PTR_EQ(test, imp->attach->priv, (void *)d);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_DETACH), 0U);
}

static void attach_exporter_attach_unlocked(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);

	dummy_import(test, d->dmabuf, IMPORTER_DYNAMIC, 0);
	KUNIT_ASSERT_EQ(test, dummy_calls(d, DUMMY_ATTACH), 1U);
	KUNIT_EXPECT_FALSE(test, d->calls[DUMMY_ATTACH].resv_held);
	KUNIT_EXPECT_FALSE(test, d->calls[DUMMY_ATTACH].lock_held);
}

static void attach_without_attach_op(struct kunit *test)
{
	struct dummy_config cfg = {
		.omit = DUMMY_OP(ATTACH) | DUMMY_OP(DETACH),
	};
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);

	KUNIT_EXPECT_TRUE(test, attachment_listed(d->dmabuf, imp->attach));
	dummy_importer_detach(imp);
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
}

static void attach_failure_skips_detach(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_importer_new(test, IMPORTER_STATIC,
							0);
	struct dma_buf_attachment *attach;

	d->fail[DUMMY_ATTACH] = -EBUSY;
	attach = dummy_importer_attach(imp, d->dmabuf);
	KUNIT_EXPECT_PTR_EQ(test, attach, ERR_PTR(-EBUSY));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_ATTACH), 1U);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_DETACH), 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
}

static void attach_failure_error_passed_through(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_importer_new(test, IMPORTER_DYNAMIC,
							0);

	d->fail[DUMMY_ATTACH] = -ENODEV;
	KUNIT_EXPECT_PTR_EQ(test, dummy_importer_attach(imp, d->dmabuf),
			    ERR_PTR(-ENODEV));
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
}

static void dynamic_attach_sets_importer(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_DYNAMIC, 0);
	struct dma_buf_attachment *attach = imp->attach;

	KUNIT_EXPECT_PTR_EQ(test, attach->importer_ops,
			    &dummy_importer_dynamic_ops);
	KUNIT_EXPECT_PTR_EQ(test, attach->importer_priv, (void *)imp);
	KUNIT_EXPECT_TRUE(test, dma_buf_attachment_is_dynamic(attach));
	KUNIT_EXPECT_FALSE(test, attach->peer2peer);
	KUNIT_EXPECT_TRUE(test, attachment_listed(d->dmabuf, attach));
}

static void dynamic_attach_peer2peer(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_P2P, 0);

	KUNIT_EXPECT_TRUE(test, imp->attach->peer2peer);
	KUNIT_EXPECT_TRUE(test, dma_buf_attachment_is_dynamic(imp->attach));
}

static void dynamic_attach_null_ops_is_static(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct device *dev = dmabuf_test_device(test, 0);
	struct dma_buf_attachment *attach;

	attach = dma_buf_dynamic_attach(d->dmabuf, dev, NULL, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, attach);
	KUNIT_EXPECT_FALSE(test, dma_buf_attachment_is_dynamic(attach));
	KUNIT_EXPECT_FALSE(test, attach->peer2peer);
	dma_buf_detach(d->dmabuf, attach);
}

static void attach_several_importers(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *a = dummy_import(test, d->dmabuf,
						IMPORTER_STATIC, 0);
	struct dummy_importer *b = dummy_import(test, d->dmabuf,
						IMPORTER_DYNAMIC, 1);

	KUNIT_EXPECT_PTR_NE(test, a->attach, b->attach);
	KUNIT_EXPECT_TRUE(test, attachment_listed(d->dmabuf, a->attach));
	KUNIT_EXPECT_TRUE(test, attachment_listed(d->dmabuf, b->attach));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_ATTACH), 2U);
}

static void attach_same_kind_does_not_map(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);

	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MAP), 0U);
	KUNIT_EXPECT_NULL(test, imp->attach->sgt);
}

static void attach_both_dynamic_does_not_map(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_DYNAMIC, 0);

	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_PIN), 0U);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MAP), 0U);
	KUNIT_EXPECT_NULL(test, imp->attach->sgt);
}

static void attach_static_importer_pins_dynamic_exporter(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);

	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_PIN), 1U);
	KUNIT_EXPECT_TRUE(test, d->calls[DUMMY_PIN].resv_held);
	KUNIT_EXPECT_PTR_EQ(test, d->last_attach, imp->attach);
	KUNIT_EXPECT_EQ(test, d->pinned, 1);
}

static void attach_static_importer_maps_dynamic_exporter(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);
	struct dummy_call *map = &d->calls[DUMMY_MAP];

	KUNIT_EXPECT_EQ(test, map->count, 1U);
	KUNIT_EXPECT_EQ(test, map->dir, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_TRUE(test, map->resv_held);
	KUNIT_EXPECT_FALSE(test, map->lock_held);
	/* Pinned first, then mapped, and the table is kept. */
	KUNIT_EXPECT_LT(test, d->calls[DUMMY_PIN].stamp, map->stamp);
	KUNIT_EXPECT_NOT_NULL(test, imp->attach->sgt);
	KUNIT_EXPECT_EQ(test, imp->attach->dir, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_FALSE(test, ww_mutex_is_locked(&d->dmabuf->resv->lock));
}

static void attach_dynamic_importer_maps_static_exporter(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_DYNAMIC, 0);
	struct dummy_call *map = &d->calls[DUMMY_MAP];

	KUNIT_EXPECT_EQ(test, map->count, 1U);
	KUNIT_EXPECT_EQ(test, map->dir, DMA_BIDIRECTIONAL);
	/* 6.1 calls a static exporter without it, 6.2 on always with it. */
	KUNIT_EXPECT_EQ(test, map->resv_held, DMABUF_TEST_RESV_LOCKING);
	KUNIT_EXPECT_FALSE(test, map->lock_held);
	KUNIT_EXPECT_NOT_NULL(test, imp->attach->sgt);
	KUNIT_EXPECT_EQ(test, imp->attach->dir, DMA_BIDIRECTIONAL);
}

static void attach_pin_failure_undoes_attach(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_importer_new(test, IMPORTER_STATIC,
							0);

	d->fail[DUMMY_PIN] = -ENOSPC;
	KUNIT_EXPECT_PTR_EQ(test, dummy_importer_attach(imp, d->dmabuf),
			    ERR_PTR(-ENOSPC));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MAP), 0U);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_UNPIN), 0U);
	/* ops->attach succeeded, so ops->detach balances it. */
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_DETACH),
			dummy_calls(d, DUMMY_ATTACH));
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
	KUNIT_EXPECT_FALSE(test, ww_mutex_is_locked(&d->dmabuf->resv->lock));
}

static void attach_map_failure_unpins(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_importer_new(test, IMPORTER_STATIC,
							0);

	d->fail[DUMMY_MAP] = -EIO;
	KUNIT_EXPECT_PTR_EQ(test, dummy_importer_attach(imp, d->dmabuf),
			    ERR_PTR(-EIO));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_UNPIN), 1U);
	KUNIT_EXPECT_TRUE(test, d->calls[DUMMY_UNPIN].resv_held);
	KUNIT_EXPECT_EQ(test, d->pinned, 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_DETACH),
			dummy_calls(d, DUMMY_ATTACH));
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
	KUNIT_EXPECT_FALSE(test, ww_mutex_is_locked(&d->dmabuf->resv->lock));
}

static void attach_map_null_enomem(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_importer_new(test, IMPORTER_DYNAMIC,
							0);

	d->map_returns_null = true;
	KUNIT_EXPECT_PTR_EQ(test, dummy_importer_attach(imp, d->dmabuf),
			    ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_DETACH),
			dummy_calls(d, DUMMY_ATTACH));
}

static void detach_removes_attachment(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);
	struct dma_buf_attachment *attach = imp->attach;

	dummy_importer_detach(imp);
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_DETACH), 1U);
	KUNIT_EXPECT_PTR_EQ(test, d->last_attach, attach);
	KUNIT_EXPECT_FALSE(test, d->calls[DUMMY_DETACH].resv_held);
	KUNIT_EXPECT_FALSE(test, d->calls[DUMMY_DETACH].lock_held);
}

static void detach_keeps_other_attachments(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *a = dummy_import(test, d->dmabuf,
						IMPORTER_STATIC, 0);
	struct dummy_importer *b = dummy_import(test, d->dmabuf,
						IMPORTER_STATIC, 1);

	dummy_importer_detach(a);
	KUNIT_EXPECT_TRUE(test, attachment_listed(d->dmabuf, b->attach));
	KUNIT_EXPECT_TRUE(test, list_is_singular(&d->dmabuf->attachments));
}

static void detach_unmaps_and_unpins(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);
	struct sg_table *sgt = d->last_sgt;
	struct dummy_call *unmap = &d->calls[DUMMY_UNMAP];
	struct dummy_call *unpin = &d->calls[DUMMY_UNPIN];

	dummy_importer_detach(imp);
	KUNIT_EXPECT_EQ(test, unmap->count, 1U);
	KUNIT_EXPECT_PTR_EQ(test, d->unmapped_sgt, sgt);
	KUNIT_EXPECT_EQ(test, unmap->dir, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_TRUE(test, unmap->resv_held);
	KUNIT_EXPECT_EQ(test, unpin->count, 1U);
	KUNIT_EXPECT_TRUE(test, unpin->resv_held);
	KUNIT_EXPECT_LT(test, unmap->stamp, unpin->stamp);
	KUNIT_EXPECT_LT(test, unpin->stamp, d->calls[DUMMY_DETACH].stamp);
	KUNIT_EXPECT_EQ(test, d->pinned, 0);
	KUNIT_EXPECT_EQ(test, d->mapped, 0);
}

static void detach_unmaps_static_exporter(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_DYNAMIC, 0);
	struct dummy_call *unmap = &d->calls[DUMMY_UNMAP];

	dummy_importer_detach(imp);
	KUNIT_EXPECT_EQ(test, unmap->count, 1U);
	/* 6.2 on: detach unmaps in its one locked section */
	KUNIT_EXPECT_EQ(test, unmap->resv_held, DMABUF_TEST_RESV_LOCKING);
	KUNIT_EXPECT_EQ(test, unmap->dir, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_UNPIN), 0U);
	KUNIT_EXPECT_LT(test, unmap->stamp, d->calls[DUMMY_DETACH].stamp);
	KUNIT_EXPECT_EQ(test, d->mapped, 0);
}

static struct kunit_case dma_buf_attach_cases[] = {
	KUNIT_CASE(attach_static_importer),
	KUNIT_CASE(attach_calls_exporter_attach),
	KUNIT_CASE(attach_exporter_attach_unlocked),
	KUNIT_CASE(attach_without_attach_op),
	KUNIT_CASE(attach_failure_skips_detach),
	KUNIT_CASE(attach_failure_error_passed_through),
	KUNIT_CASE(dynamic_attach_sets_importer),
	KUNIT_CASE(dynamic_attach_peer2peer),
	KUNIT_CASE(dynamic_attach_null_ops_is_static),
	KUNIT_CASE(attach_several_importers),
	KUNIT_CASE(attach_same_kind_does_not_map),
	KUNIT_CASE(attach_both_dynamic_does_not_map),
	KUNIT_CASE(attach_static_importer_pins_dynamic_exporter),
	KUNIT_CASE(attach_static_importer_maps_dynamic_exporter),
	KUNIT_CASE(attach_dynamic_importer_maps_static_exporter),
	KUNIT_CASE(attach_pin_failure_undoes_attach),
	KUNIT_CASE(attach_map_failure_unpins),
	KUNIT_CASE(attach_map_null_enomem),
	KUNIT_CASE(detach_removes_attachment),
	KUNIT_CASE(detach_keeps_other_attachments),
	KUNIT_CASE(detach_unmaps_and_unpins),
	KUNIT_CASE(detach_unmaps_static_exporter),
	{}
};

static struct kunit_suite dma_buf_attach_suite = {
	.name = "dma_buf_attach",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_attach_cases,
};

/* dma_buf_pin / dma_buf_unpin */

static struct dummy_importer *pin_setup(struct kunit *test,
					struct dummy_exporter **dp, bool dynamic)
{
	struct dummy_config cfg = { .dynamic = dynamic };

	*dp = dummy_export(test, &cfg);
	return dummy_import(test, (*dp)->dmabuf, IMPORTER_DYNAMIC, 0);
}

static void pin_calls_exporter_locked(struct kunit *test)
{
	struct dummy_exporter *d;
	struct dummy_importer *imp = pin_setup(test, &d, true);
	int ret;

	dma_resv_lock(d->dmabuf->resv, NULL);
	ret = dma_buf_pin(imp->attach);
	dma_resv_unlock(d->dmabuf->resv);

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_PIN), 1U);
	KUNIT_EXPECT_PTR_EQ(test, d->last_attach, imp->attach);
	KUNIT_EXPECT_TRUE(test, d->calls[DUMMY_PIN].resv_held);

	dma_resv_lock(d->dmabuf->resv, NULL);
	dma_buf_unpin(imp->attach);
	dma_resv_unlock(d->dmabuf->resv);
}

static void unpin_calls_exporter_locked(struct kunit *test)
{
	struct dummy_exporter *d;
	struct dummy_importer *imp = pin_setup(test, &d, true);

	dma_resv_lock(d->dmabuf->resv, NULL);
	KUNIT_EXPECT_EQ(test, dma_buf_pin(imp->attach), 0);
	dma_buf_unpin(imp->attach);
	dma_resv_unlock(d->dmabuf->resv);

	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_UNPIN), 1U);
	KUNIT_EXPECT_PTR_EQ(test, d->last_attach, imp->attach);
	KUNIT_EXPECT_TRUE(test, d->calls[DUMMY_UNPIN].resv_held);
	KUNIT_EXPECT_EQ(test, d->pinned, 0);
}

static void pin_error_passed_through(struct kunit *test)
{
	struct dummy_exporter *d;
	struct dummy_importer *imp = pin_setup(test, &d, true);
	int ret;

	d->fail[DUMMY_PIN] = -ENOSPC;
	dma_resv_lock(d->dmabuf->resv, NULL);
	ret = dma_buf_pin(imp->attach);
	dma_resv_unlock(d->dmabuf->resv);

	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_EQ(test, d->pinned, 0);
}

static void pin_static_exporter_succeeds(struct kunit *test)
{
	struct dummy_exporter *d;
	struct dummy_importer *imp = pin_setup(test, &d, false);
	int ret;

	dma_resv_lock(d->dmabuf->resv, NULL);
	ret = dma_buf_pin(imp->attach);
	dma_resv_unlock(d->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, ret, 0);
}

static void unpin_static_exporter_succeeds(struct kunit *test)
{
	struct dummy_exporter *d;
	struct dummy_importer *imp = pin_setup(test, &d, false);

	dma_resv_lock(d->dmabuf->resv, NULL);
	KUNIT_EXPECT_EQ(test, dma_buf_pin(imp->attach), 0);
	dma_buf_unpin(imp->attach);
	dma_resv_unlock(d->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_UNMAP), 0U);
}

static void pin_nests(struct kunit *test)
{
	struct dummy_exporter *d;
	struct dummy_importer *imp = pin_setup(test, &d, true);

	dma_resv_lock(d->dmabuf->resv, NULL);
	KUNIT_EXPECT_EQ(test, dma_buf_pin(imp->attach), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_pin(imp->attach), 0);
	/* Every call reaches the exporter, which counts pins itself. */
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_PIN), 2U);
	dma_buf_unpin(imp->attach);
	dma_buf_unpin(imp->attach);
	dma_resv_unlock(d->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_UNPIN), 2U);
}

static struct kunit_case dma_buf_pin_cases[] = {
	KUNIT_CASE(pin_calls_exporter_locked),
	KUNIT_CASE(unpin_calls_exporter_locked),
	KUNIT_CASE(pin_error_passed_through),
	KUNIT_CASE(pin_static_exporter_succeeds),
	KUNIT_CASE(unpin_static_exporter_succeeds),
	KUNIT_CASE(pin_nests),
	{}
};

static struct kunit_suite dma_buf_pin_suite = {
	.name = "dma_buf_pin",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_pin_cases,
};

/* dma_buf_move_notify */

static void move_notify_reaches_dynamic_importers(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *a = dummy_import(test, d->dmabuf,
						IMPORTER_DYNAMIC, 0);
	struct dummy_importer *b = dummy_import(test, d->dmabuf,
						IMPORTER_P2P, 1);

	dma_resv_lock(d->dmabuf->resv, NULL);
	dma_buf_move_notify(d->dmabuf);
	dma_resv_unlock(d->dmabuf->resv);

	KUNIT_EXPECT_EQ(test, a->move_notify_calls, 1U);
	KUNIT_EXPECT_EQ(test, b->move_notify_calls, 1U);
	KUNIT_EXPECT_TRUE(test, a->move_notify_resv_held);
	KUNIT_EXPECT_TRUE(test, b->move_notify_resv_held);
}

static void move_notify_skips_static_importers(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *dyn = dummy_import(test, d->dmabuf,
						  IMPORTER_DYNAMIC, 0);
	unsigned int maps, unmaps;

	dummy_import(test, d->dmabuf, IMPORTER_STATIC, 1);
	maps = dummy_calls(d, DUMMY_MAP);
	unmaps = dummy_calls(d, DUMMY_UNMAP);

	dma_resv_lock(d->dmabuf->resv, NULL);
	dma_buf_move_notify(d->dmabuf);
	dma_resv_unlock(d->dmabuf->resv);

	KUNIT_EXPECT_EQ(test, dyn->move_notify_calls, 1U);
	/* The static importer's pinned mapping is left as it is. */
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MAP), maps);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_UNMAP), unmaps);
	KUNIT_EXPECT_EQ(test, d->pinned, 1);
}

static void move_notify_skips_detached_importers(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *a = dummy_import(test, d->dmabuf,
						IMPORTER_DYNAMIC, 0);
	struct dummy_importer *b = dummy_import(test, d->dmabuf,
						IMPORTER_DYNAMIC, 1);

	dummy_importer_detach(a);
	dma_resv_lock(d->dmabuf->resv, NULL);
	dma_buf_move_notify(d->dmabuf);
	dma_resv_unlock(d->dmabuf->resv);

	KUNIT_EXPECT_EQ(test, a->move_notify_calls, 0U);
	KUNIT_EXPECT_EQ(test, b->move_notify_calls, 1U);
}

static void move_notify_without_attachments(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);

	dma_resv_lock(d->dmabuf->resv, NULL);
	dma_buf_move_notify(d->dmabuf);
	dma_resv_unlock(d->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MAP), 0U);
}

static void move_notify_each_call_delivered(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_DYNAMIC, 0);

	dma_resv_lock(d->dmabuf->resv, NULL);
	dma_buf_move_notify(d->dmabuf);
	dma_buf_move_notify(d->dmabuf);
	dma_buf_move_notify(d->dmabuf);
	dma_resv_unlock(d->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, imp->move_notify_calls, 3U);
}

static void move_notify_static_exporter(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_DYNAMIC, 0);

	dma_resv_lock(d->dmabuf->resv, NULL);
	dma_buf_move_notify(d->dmabuf);
	dma_resv_unlock(d->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, imp->move_notify_calls, 1U);
}

static struct kunit_case dma_buf_move_notify_cases[] = {
	KUNIT_CASE(move_notify_reaches_dynamic_importers),
	KUNIT_CASE(move_notify_skips_static_importers),
	KUNIT_CASE(move_notify_skips_detached_importers),
	KUNIT_CASE(move_notify_without_attachments),
	KUNIT_CASE(move_notify_each_call_delivered),
	KUNIT_CASE(move_notify_static_exporter),
	{}
};

static struct kunit_suite dma_buf_move_notify_suite = {
	.name = "dma_buf_move_notify",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_move_notify_cases,
};

kunit_test_suites(&dma_buf_attach_suite, &dma_buf_pin_suite,
		  &dma_buf_move_notify_suite);
