/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fences for the dma-buf KUnit suites.
 *
 * A test fence stays unsignalled until the case signals it.  It has its
 * own wait callback, so a core that waits on it does not block: the wait
 * is counted, the "interruptible" flag noted, and then either the fence is
 * signalled and the wait succeeds, or the wait fails with a chosen error
 * (-ERESTARTSYS to act as if a signal arrived).  That makes "does the core
 * wait on this fence, and interruptibly?" a deterministic question.
 */
#ifndef DMA_BUF_KUNIT_TEST_FENCE_H
#define DMA_BUF_KUNIT_TEST_FENCE_H

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/list.h>
#include <linux/spinlock.h>

struct dmabuf_test;
struct kunit;

#define TEST_FENCE_DRIVER	"dma_buf_kunit"
#define TEST_FENCE_TIMELINE	"dma_buf_kunit_timeline"

struct test_fence {
	struct dma_fence base;	/* first: freed with the default release */
	spinlock_t lock;
	struct dmabuf_test *ctx;
	struct list_head node;

	unsigned int waits;
	unsigned int wait_stamp;
	bool wait_intr;
	/* 0: a wait signals the fence and succeeds; < 0: a wait fails so. */
	long wait_error;
};

/* An unsignalled fence; the case's reference is dropped at its end. */
struct test_fence *test_fence_new(struct kunit *test);
void test_fence_signal(struct test_fence *f);
/* Add @f to @resv with @usage, taking the reservation lock. */
void test_fence_add(struct kunit *test, struct dma_resv *resv,
		    struct test_fence *f, enum dma_resv_usage usage);
/* test_fence_new() + test_fence_add(). */
struct test_fence *test_fence_add_new(struct kunit *test, struct dma_resv *resv,
				      enum dma_resv_usage usage);

/*
 * Signal every fence the case still has (before a buffer is dropped at the
 * end of the case, so that no fence callback keeps it alive).  Each fence
 * is also signalled and put by its own KUnit resource.
 */
void test_fences_signal_all(struct kunit *test);

#endif /* DMA_BUF_KUNIT_TEST_FENCE_H */
