// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases for CPU access to a dma-buf: dma_buf_begin_cpu_access(),
 * dma_buf_end_cpu_access(), dmabuf_test_vmap(), dmabuf_test_vunmap() and
 * dma_buf_mmap().
 */

#include <kunit/test.h>
#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/mutex.h>

#include "dummy-exporter.h"
#include "test-fence.h"
#include "test-util.h"

/* dma_buf_begin_cpu_access / dma_buf_end_cpu_access */

static void begin_calls_exporter(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_call *begin = &d->calls[DUMMY_BEGIN_CPU];

	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, begin->count, 1U);
	KUNIT_EXPECT_EQ(test, begin->dir, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_END_CPU), 0U);
}

static void begin_exporter_unlocked(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);

	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_FALSE(test, d->calls[DUMMY_BEGIN_CPU].resv_held);
	KUNIT_EXPECT_FALSE(test, d->calls[DUMMY_BEGIN_CPU].lock_held);
}

static void begin_without_op(struct kunit *test)
{
	struct dummy_config cfg = { .omit = DUMMY_OP(BEGIN_CPU) };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_TO_DEVICE), 0);
	/* The core still waits for the fences. */
	KUNIT_EXPECT_EQ(test, f->waits, 1U);
}

static void begin_exporter_error_skips_wait(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	d->fail[DUMMY_BEGIN_CPU] = -EIO;
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_FROM_DEVICE), -EIO);
	KUNIT_EXPECT_EQ(test, f->waits, 0U);
}

static void begin_read_waits_for_writers(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, f->waits, 1U);
	KUNIT_EXPECT_TRUE(test, f->wait_intr);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&f->base));
}

static void begin_read_waits_for_kernel_fences(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_KERNEL);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, f->waits, 1U);
}

static void begin_read_ignores_readers(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, f->waits, 0U);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&f->base));
}

static void begin_write_waits_for_readers(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_TO_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, f->waits, 1U);
	KUNIT_EXPECT_TRUE(test, f->wait_intr);
}

static void begin_bidirectional_waits_for_all(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *w, *r, *k;

	k = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_KERNEL);
	w = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	r = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_EQ(test, k->waits, 1U);
	KUNIT_EXPECT_EQ(test, w->waits, 1U);
	KUNIT_EXPECT_EQ(test, r->waits, 1U);
}

static void begin_ignores_bookkeeping_fences(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_EQ(test, f->waits, 0U);
}

static void begin_waits_after_exporter(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_TO_DEVICE), 0);
	KUNIT_ASSERT_EQ(test, f->waits, 1U);
	KUNIT_EXPECT_LT(test, d->calls[DUMMY_BEGIN_CPU].stamp, f->wait_stamp);
}

static void begin_wait_interrupted(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	f->wait_error = -ERESTARTSYS;
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(d->dmabuf,
						       DMA_FROM_DEVICE),
			-ERESTARTSYS);
	KUNIT_EXPECT_EQ(test, f->waits, 1U);
}

static void end_calls_exporter(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_call *end = &d->calls[DUMMY_END_CPU];

	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(d->dmabuf,
						     DMA_TO_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, end->count, 1U);
	KUNIT_EXPECT_EQ(test, end->dir, DMA_TO_DEVICE);
	KUNIT_EXPECT_FALSE(test, end->resv_held);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_BEGIN_CPU), 0U);
}

static void end_does_not_wait(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(d->dmabuf,
						     DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_EQ(test, f->waits, 0U);
}

static void end_error_passed_through(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);

	d->fail[DUMMY_END_CPU] = -EINTR;
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(d->dmabuf,
						     DMA_FROM_DEVICE), -EINTR);
}

static void end_without_op(struct kunit *test)
{
	struct dummy_config cfg = { .omit = DUMMY_OP(END_CPU) };
	struct dummy_exporter *d = dummy_export(test, &cfg);

	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(d->dmabuf,
						     DMA_FROM_DEVICE), 0);
}

static struct kunit_case dma_buf_cpu_access_cases[] = {
	KUNIT_CASE(begin_calls_exporter),
	KUNIT_CASE(begin_exporter_unlocked),
	KUNIT_CASE(begin_without_op),
	KUNIT_CASE(begin_exporter_error_skips_wait),
	KUNIT_CASE(begin_read_waits_for_writers),
	KUNIT_CASE(begin_read_waits_for_kernel_fences),
	KUNIT_CASE(begin_read_ignores_readers),
	KUNIT_CASE(begin_write_waits_for_readers),
	KUNIT_CASE(begin_bidirectional_waits_for_all),
	KUNIT_CASE(begin_ignores_bookkeeping_fences),
	KUNIT_CASE(begin_waits_after_exporter),
	KUNIT_CASE(begin_wait_interrupted),
	KUNIT_CASE(end_calls_exporter),
	KUNIT_CASE(end_does_not_wait),
	KUNIT_CASE(end_error_passed_through),
	KUNIT_CASE(end_without_op),
	{}
};

static struct kunit_suite dma_buf_cpu_access_suite = {
	.name = "dma_buf_cpu_access",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_cpu_access_cases,
};

/* dma_buf_vmap / dma_buf_vunmap */

static void vmap_returns_exporter_mapping(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct iosys_map map;

	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), 0);
	KUNIT_EXPECT_FALSE(test, map.is_iomem);
	KUNIT_EXPECT_PTR_EQ(test, map.vaddr, d->backing);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VMAP), 1U);
	dmabuf_test_vunmap(d->dmabuf, &map);
}

static void vmap_iomem_mapping_passed_through(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct iosys_map map, again;

	d->vmap_iomem = true;
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), 0);
	KUNIT_EXPECT_TRUE(test, map.is_iomem);
	KUNIT_EXPECT_PTR_EQ(test, (void __force *)map.vaddr_iomem, d->backing);
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &again), 0);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_equal(&map, &again));
	dmabuf_test_vunmap(d->dmabuf, &again);
	dmabuf_test_vunmap(d->dmabuf, &map);
	KUNIT_EXPECT_TRUE(test, d->vunmap_map.is_iomem);
}

/*
 * The exporter's vmap and vunmap run under the buffer's vmap lock:
 * &dma_buf.lock in 6.1 (and not the reservation lock), the reservation
 * lock the caller holds from 6.2 on.
 */
static void vmap_exporter_under_buffer_lock(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	const bool resv = DMABUF_TEST_RESV_LOCKING;
	struct iosys_map map;

	if (resv)
		dma_resv_lock(d->dmabuf->resv, NULL);
	KUNIT_ASSERT_EQ(test, dma_buf_vmap(d->dmabuf, &map), 0);
	dma_buf_vunmap(d->dmabuf, &map);
	if (resv)
		dma_resv_unlock(d->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, d->calls[DUMMY_VMAP].resv_held, resv);
	KUNIT_EXPECT_EQ(test, d->calls[DUMMY_VMAP].lock_held, !resv);
	KUNIT_EXPECT_EQ(test, d->calls[DUMMY_VUNMAP].resv_held, resv);
	KUNIT_EXPECT_EQ(test, d->calls[DUMMY_VUNMAP].lock_held, !resv);
	KUNIT_EXPECT_FALSE(test, dmabuf_test_lock_held(d->dmabuf));
}

static void vmap_nested_calls_exporter_once(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct iosys_map a, b, c;

	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &a), 0);
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &b), 0);
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &c), 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VMAP), 1U);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_equal(&a, &b));
	KUNIT_EXPECT_TRUE(test, iosys_map_is_equal(&a, &c));
	dmabuf_test_vunmap(d->dmabuf, &c);
	dmabuf_test_vunmap(d->dmabuf, &b);
	dmabuf_test_vunmap(d->dmabuf, &a);
}

static void vunmap_calls_exporter_on_last(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct iosys_map a, b;

	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &a), 0);
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &b), 0);
	dmabuf_test_vunmap(d->dmabuf, &b);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VUNMAP), 0U);
	dmabuf_test_vunmap(d->dmabuf, &a);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VUNMAP), 1U);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_equal(&d->vunmap_map, &a));
}

static void vmap_again_after_last_vunmap(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct iosys_map map;

	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), 0);
	dmabuf_test_vunmap(d->dmabuf, &map);
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VMAP), 2U);
	dmabuf_test_vunmap(d->dmabuf, &map);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VUNMAP), 2U);
}

static void vmap_without_op_einval(struct kunit *test)
{
	struct dummy_config cfg = {
		.omit = DUMMY_OP(VMAP) | DUMMY_OP(VUNMAP),
	};
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct iosys_map map;

	iosys_map_set_vaddr(&map, d);
	KUNIT_EXPECT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), -EINVAL);
	/* The caller's map is cleared, not left with stale contents. */
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&map));
}

static void vunmap_without_op(struct kunit *test)
{
	struct dummy_config cfg = { .omit = DUMMY_OP(VUNMAP) };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct iosys_map map;

	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), 0);
	dmabuf_test_vunmap(d->dmabuf, &map);
	/* The mapping is forgotten: the next vmap asks the exporter again. */
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VMAP), 2U);
	dmabuf_test_vunmap(d->dmabuf, &map);
	/* Nobody unmapped the exporter's side; settle the balance. */
	d->vmapped = 0;
}

static void vmap_counter_tracks_nesting(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct iosys_map a, b;

	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &a), 0);
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &b), 0);
	KUNIT_EXPECT_EQ(test, d->dmabuf->vmapping_counter, 2U);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_equal(&d->dmabuf->vmap_ptr, &a));
	dmabuf_test_vunmap(d->dmabuf, &b);
	dmabuf_test_vunmap(d->dmabuf, &a);
	KUNIT_EXPECT_EQ(test, d->dmabuf->vmapping_counter, 0U);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&d->dmabuf->vmap_ptr));
}

static struct kunit_case dma_buf_vmap_cases[] = {
	KUNIT_CASE(vmap_returns_exporter_mapping),
	KUNIT_CASE(vmap_iomem_mapping_passed_through),
	KUNIT_CASE(vmap_exporter_under_buffer_lock),
	KUNIT_CASE(vmap_nested_calls_exporter_once),
	KUNIT_CASE(vunmap_calls_exporter_on_last),
	KUNIT_CASE(vmap_again_after_last_vunmap),
	KUNIT_CASE(vmap_without_op_einval),
	KUNIT_CASE(vunmap_without_op),
	KUNIT_CASE(vmap_counter_tracks_nesting),
	{}
};

static struct kunit_suite dma_buf_vmap_suite = {
	.name = "dma_buf_vmap",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_vmap_cases,
};

/* dma_buf_mmap */

static struct dummy_exporter *mmap_export(struct kunit *test,
					  unsigned long pages,
					  unsigned long omit)
{
	struct dummy_config cfg = { .size = pages * PAGE_SIZE, .omit = omit };

	return dummy_export(test, &cfg);
}

static void mmap_calls_exporter(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 2, 0);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 2);

	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, 0), 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MMAP), 1U);
	KUNIT_EXPECT_PTR_EQ(test, d->mmap_vma, vma);
	KUNIT_EXPECT_FALSE(test, d->calls[DUMMY_MMAP].resv_held);
	KUNIT_EXPECT_FALSE(test, d->calls[DUMMY_MMAP].lock_held);
}

static void mmap_sets_file_and_offset(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 4, 0);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 2);
	struct file *file = d->dmabuf->file;
	long count = file_count(file);

	KUNIT_ASSERT_EQ(test, dma_buf_mmap(d->dmabuf, vma, 2), 0);
	/* Set before the exporter is called, and kept. */
	KUNIT_EXPECT_PTR_EQ(test, d->mmap_file, file);
	KUNIT_EXPECT_EQ(test, d->mmap_pgoff, 2UL);
	KUNIT_EXPECT_PTR_EQ(test, vma->vm_file, file);
	KUNIT_EXPECT_EQ(test, vma->vm_pgoff, 2UL);
	/* The vma holds its own reference to the buffer's file. */
	KUNIT_EXPECT_EQ(test, file_count(file), count + 1);
}

static void mmap_without_op_einval(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 1, DUMMY_OP(MMAP));
	struct vm_area_struct *vma = dmabuf_test_vma(test, 1);
	struct file *orig = vma->vm_file;

	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, 0), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, vma->vm_file, orig);
}

static void mmap_whole_buffer(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 3, 0);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 3);

	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, 0), 0);
}

static void mmap_tail_of_buffer(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 3, 0);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 1);

	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, 2), 0);
}

static void mmap_beyond_size_einval(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 2, 0);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 2);
	struct file *orig = vma->vm_file;

	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MMAP), 0U);
	KUNIT_EXPECT_PTR_EQ(test, vma->vm_file, orig);
}

static void mmap_too_large_vma_einval(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 2, 0);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 3);

	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MMAP), 0U);
}

static void mmap_offset_overflow(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 2, 0);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 2);
	struct file *orig = vma->vm_file;

	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, ULONG_MAX),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, ULONG_MAX - 1),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MMAP), 0U);
	KUNIT_EXPECT_PTR_EQ(test, vma->vm_file, orig);
}

static void mmap_exporter_error_passed_through(struct kunit *test)
{
	struct dummy_exporter *d = mmap_export(test, 1, 0);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 1);

	d->fail[DUMMY_MMAP] = -ENXIO;
	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, vma, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MMAP), 1U);
}

static struct kunit_case dma_buf_mmap_cases[] = {
	KUNIT_CASE(mmap_calls_exporter),
	KUNIT_CASE(mmap_sets_file_and_offset),
	KUNIT_CASE(mmap_without_op_einval),
	KUNIT_CASE(mmap_whole_buffer),
	KUNIT_CASE(mmap_tail_of_buffer),
	KUNIT_CASE(mmap_beyond_size_einval),
	KUNIT_CASE(mmap_too_large_vma_einval),
	KUNIT_CASE(mmap_offset_overflow),
	KUNIT_CASE(mmap_exporter_error_passed_through),
	{}
};

static struct kunit_suite dma_buf_mmap_suite = {
	.name = "dma_buf_mmap",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_mmap_cases,
};

kunit_test_suites(&dma_buf_cpu_access_suite, &dma_buf_vmap_suite,
		  &dma_buf_mmap_suite);
