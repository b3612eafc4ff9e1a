// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dummy importers used by the dma-buf KUnit suites.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-util.h"

static void dummy_move_notify(struct dma_buf_attachment *attach)
{
	struct dummy_importer *imp = attach->importer_priv;

	imp->move_notify_calls++;
	imp->move_notify_stamp = dmabuf_test_tick(imp->ctx);
	imp->move_notify_resv_held = dmabuf_test_resv_held(attach->dmabuf);
}

const struct dma_buf_attach_ops dummy_importer_dynamic_ops = {
	.move_notify = dummy_move_notify,
};

const struct dma_buf_attach_ops dummy_importer_p2p_ops = {
	.allow_peer2peer = true,
	.move_notify = dummy_move_notify,
};

/* The importer's KUnit resource: detach, forget, free. */
static void dummy_importer_teardown(void *data)
{
	struct dummy_importer *imp = data;

	dummy_importer_detach(imp);
	dmabuf_test_unlink(imp->ctx, &imp->node);
	kfree(imp);
}

struct dummy_importer *dummy_importer_new(struct kunit *test,
					  enum dummy_importer_kind kind,
					  unsigned int dev_idx)
{
	struct dmabuf_test *ctx = dmabuf_test(test);
	struct dummy_importer *imp;
	struct device *dev;

	dev = dmabuf_test_device(test, dev_idx);
	imp = kzalloc(sizeof(*imp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, imp);
	imp->test = test;
	imp->ctx = ctx;
	imp->kind = kind;
	imp->dev = dev;
	dmabuf_test_link(ctx, &imp->node, &ctx->importers);
	dmabuf_test_defer(test, dummy_importer_teardown, imp);
	return imp;
}

struct dma_buf_attachment *dummy_importer_attach(struct dummy_importer *imp,
						 struct dma_buf *dmabuf)
{
	struct dma_buf_attachment *attach;

	switch (imp->kind) {
	case IMPORTER_DYNAMIC:
		attach = dma_buf_dynamic_attach(dmabuf, imp->dev,
						&dummy_importer_dynamic_ops,
						imp);
		break;
	case IMPORTER_P2P:
		attach = dma_buf_dynamic_attach(dmabuf, imp->dev,
						&dummy_importer_p2p_ops, imp);
		break;
	default:
		attach = dma_buf_attach(dmabuf, imp->dev);
		break;
	}
	if (!IS_ERR(attach)) {
		imp->dmabuf = dmabuf;
		imp->attach = attach;
	}
	return attach;
}

struct dummy_importer *dummy_import(struct kunit *test, struct dma_buf *dmabuf,
				    enum dummy_importer_kind kind,
				    unsigned int dev_idx)
{
	struct dummy_importer *imp = dummy_importer_new(test, kind, dev_idx);
	struct dma_buf_attachment *attach = dummy_importer_attach(imp, dmabuf);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, attach);
	return imp;
}

void dummy_importer_detach(struct dummy_importer *imp)
{
	if (!imp->attach)
		return;
	dma_buf_detach(imp->dmabuf, imp->attach);
	imp->attach = NULL;
}

void dummy_importers_detach_all(struct kunit *test)
{
	struct dmabuf_test *ctx = dmabuf_test(test);
	struct dummy_importer *imp;

	/* Newest first, like a driver tearing down in reverse order. */
	list_for_each_entry_reverse(imp, &ctx->importers, node)
		dummy_importer_detach(imp);
}
