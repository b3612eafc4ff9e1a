// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test fences for the dma-buf KUnit suites; see test-fence.h.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "test-fence.h"
#include "test-util.h"

static const char *test_fence_driver_name(struct dma_fence *fence)
{
	return TEST_FENCE_DRIVER;
}

static const char *test_fence_timeline_name(struct dma_fence *fence)
{
	return TEST_FENCE_TIMELINE;
}

static signed long test_fence_wait(struct dma_fence *fence, bool intr,
				   signed long timeout)
{
	struct test_fence *f = container_of(fence, struct test_fence, base);

	f->waits++;
	f->wait_stamp = dmabuf_test_tick(f->ctx);
	f->wait_intr = intr;
	if (f->wait_error)
		return f->wait_error;

	dma_fence_signal(fence);
	return timeout ? timeout : 1;
}

static const struct dma_fence_ops test_fence_ops = {
	.get_driver_name = test_fence_driver_name,
	.get_timeline_name = test_fence_timeline_name,
	.wait = test_fence_wait,
};

/* The fence's KUnit resource: signal it, drop the case's reference. */
static void test_fence_teardown(void *data)
{
	struct test_fence *f = data;

	test_fence_signal(f);
	dmabuf_test_unlink(f->ctx, &f->node);
	dma_fence_put(&f->base);
}

struct test_fence *test_fence_new(struct kunit *test)
{
	struct dmabuf_test *ctx = dmabuf_test(test);
	struct test_fence *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	spin_lock_init(&f->lock);
	f->ctx = ctx;
	dma_fence_init(&f->base, &test_fence_ops, &f->lock,
		       dma_fence_context_alloc(1),
		       atomic64_inc_return(&ctx->next_seqno));
	dmabuf_test_link(ctx, &f->node, &ctx->fences);
	dmabuf_test_defer(test, test_fence_teardown, f);
	return f;
}

void test_fence_signal(struct test_fence *f)
{
	dma_fence_signal(&f->base);
}

void test_fence_add(struct kunit *test, struct dma_resv *resv,
		    struct test_fence *f, enum dma_resv_usage usage)
{
	int ret;

	dma_resv_lock(resv, NULL);
	ret = dma_resv_reserve_fences(resv, 1);
	if (!ret)
		dma_resv_add_fence(resv, &f->base, usage);
	dma_resv_unlock(resv);
	KUNIT_ASSERT_EQ(test, ret, 0);
}

struct test_fence *test_fence_add_new(struct kunit *test, struct dma_resv *resv,
				      enum dma_resv_usage usage)
{
	struct test_fence *f = test_fence_new(test);

	test_fence_add(test, resv, f, usage);
	return f;
}

void test_fences_signal_all(struct kunit *test)
{
	struct dmabuf_test *ctx = dmabuf_test(test);
	struct test_fence *f;

	/* Signalling may run callbacks: not under ctx->lock. */
	list_for_each_entry(f, &ctx->fences, node)
		test_fence_signal(f);
}
