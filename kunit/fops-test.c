// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases for the file operations behind a dma-buf descriptor, driven
 * from inside the kernel through the buffer's struct file: llseek, read
 * and write, mmap, unknown ioctls, fdinfo and poll.  Ioctls that take a
 * user pointer are left to the userspace tests.
 */

#include <kunit/test.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <uapi/linux/dma-buf.h>

#include "dummy-exporter.h"
#include "test-fence.h"
#include "test-util.h"

/* llseek, read, write, mmap, ioctl, fdinfo */

static void llseek_end_gives_size(struct kunit *test)
{
	struct dummy_config cfg = { .size = 7 * PAGE_SIZE };
	struct dummy_exporter *d = dummy_export(test, &cfg);

	KUNIT_EXPECT_EQ(test, vfs_llseek(d->dmabuf->file, 0, SEEK_END),
			(loff_t)(7 * PAGE_SIZE));
}

static void llseek_set_gives_zero(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct file *file = d->dmabuf->file;

	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 0, SEEK_END), (loff_t)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 0, SEEK_SET), (loff_t)0);
}

static void llseek_other_whence_einval(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct file *file = d->dmabuf->file;

	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 0, SEEK_CUR), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 0, SEEK_DATA), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 0, SEEK_HOLE), (loff_t)-EINVAL);
}

static void llseek_nonzero_offset_einval(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct file *file = d->dmabuf->file;

	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 1, SEEK_SET), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, vfs_llseek(file, -1, SEEK_END), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, vfs_llseek(file, PAGE_SIZE, SEEK_SET),
			(loff_t)-EINVAL);
}

static void read_unsupported(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	char buf[8];
	loff_t pos = 0;

	KUNIT_EXPECT_EQ(test, kernel_read(d->dmabuf->file, buf, sizeof(buf),
					  &pos), (ssize_t)-EINVAL);
}

static void write_unsupported(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	char buf[8] = { };
	loff_t pos = 0;

	KUNIT_EXPECT_EQ(test, kernel_write(d->dmabuf->file, buf, sizeof(buf),
					   &pos), (ssize_t)-EINVAL);
}

static void file_mmap_calls_exporter(struct kunit *test)
{
	struct dummy_config cfg = { .size = 2 * PAGE_SIZE };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 1);
	struct file *file = d->dmabuf->file;

	vma->vm_pgoff = 1;
	KUNIT_ASSERT_NOT_NULL(test, file->f_op->mmap);
	KUNIT_EXPECT_EQ(test, file->f_op->mmap(file, vma), 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MMAP), 1U);
	KUNIT_EXPECT_PTR_EQ(test, d->mmap_vma, vma);
	KUNIT_EXPECT_EQ(test, d->mmap_pgoff, 1UL);
}

static void file_mmap_beyond_size_einval(struct kunit *test)
{
	struct dummy_config cfg = { .size = 2 * PAGE_SIZE };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 2);
	struct file *file = d->dmabuf->file;

	vma->vm_pgoff = 1;
	KUNIT_EXPECT_EQ(test, file->f_op->mmap(file, vma), -EINVAL);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MMAP), 0U);
}

static void file_mmap_without_op_einval(struct kunit *test)
{
	struct dummy_config cfg = { .omit = DUMMY_OP(MMAP) };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 1);
	struct file *file = d->dmabuf->file;

	KUNIT_EXPECT_EQ(test, file->f_op->mmap(file, vma), -EINVAL);
}

static void file_mmap_exporter_error(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct vm_area_struct *vma = dmabuf_test_vma(test, 1);
	struct file *file = d->dmabuf->file;

	d->fail[DUMMY_MMAP] = -EAGAIN;
	KUNIT_EXPECT_EQ(test, file->f_op->mmap(file, vma), -EAGAIN);
}

static void unknown_ioctl_enotty(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct file *file = d->dmabuf->file;
	long (*ioctl)(struct file *file, unsigned int cmd, unsigned long arg);

	ioctl = file->f_op->unlocked_ioctl;
	KUNIT_ASSERT_NOT_NULL(test, ioctl);
	KUNIT_EXPECT_EQ(test, ioctl(file, 0, 0), (long)-ENOTTY);
	KUNIT_EXPECT_EQ(test, ioctl(file, _IO(DMA_BUF_BASE, 0x7f), 0),
			(long)-ENOTTY);
	/* Right number, wrong size: not the same request. */
	KUNIT_EXPECT_EQ(test, ioctl(file, _IOW(DMA_BUF_BASE, 0, u32), 0),
			(long)-ENOTTY);
}

static void compat_ioctl_provided(struct kunit *test)
{
	struct dummy_exporter *d;

	if (!IS_ENABLED(CONFIG_COMPAT))
		kunit_skip(test, "needs CONFIG_COMPAT");
	d = dummy_export(test, NULL);
	KUNIT_EXPECT_NOT_NULL(test, d->dmabuf->file->f_op->compat_ioctl);
}

static char *fdinfo(struct kunit *test, struct file *file)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->size = PAGE_SIZE;
	m->buf = kunit_kzalloc(test, m->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	KUNIT_ASSERT_NOT_NULL(test, file->f_op->show_fdinfo);

	/* procfs holds a reference of its own while it prints. */
	get_file(file);
	file->f_op->show_fdinfo(m, file);
	fput(file);
	KUNIT_ASSERT_LT(test, m->count, m->size);
	m->buf[m->count] = '\0';
	return m->buf;
}

static void fdinfo_lines(struct kunit *test)
{
	struct dummy_config cfg = { .size = 3 * PAGE_SIZE };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	char *expected;

	expected = dmabuf_test_printf(test,
				      "size:\t%zu\ncount:\t1\nexp_name:\t%s\n",
				      d->dmabuf->size, KBUILD_MODNAME);
	KUNIT_EXPECT_STREQ(test, fdinfo(test, d->dmabuf->file), expected);
}

static void fdinfo_counts_references(struct kunit *test)
{
	struct dummy_config cfg = { .exp_name = "fdinfo_exporter" };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	char *expected;

	get_dma_buf(d->dmabuf);
	get_dma_buf(d->dmabuf);
	expected = dmabuf_test_printf(test,
				      "size:\t%lu\ncount:\t3\nexp_name:\tfdinfo_exporter\n",
				      PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, fdinfo(test, d->dmabuf->file), expected);
	dma_buf_put(d->dmabuf);
	dma_buf_put(d->dmabuf);
}

static struct kunit_case dma_buf_file_ops_cases[] = {
	KUNIT_CASE(llseek_end_gives_size),
	KUNIT_CASE(llseek_set_gives_zero),
	KUNIT_CASE(llseek_other_whence_einval),
	KUNIT_CASE(llseek_nonzero_offset_einval),
	KUNIT_CASE(read_unsupported),
	KUNIT_CASE(write_unsupported),
	KUNIT_CASE(file_mmap_calls_exporter),
	KUNIT_CASE(file_mmap_beyond_size_einval),
	KUNIT_CASE(file_mmap_without_op_einval),
	KUNIT_CASE(file_mmap_exporter_error),
	KUNIT_CASE(unknown_ioctl_enotty),
	KUNIT_CASE(compat_ioctl_provided),
	KUNIT_CASE(fdinfo_lines),
	KUNIT_CASE(fdinfo_counts_references),
	{}
};

static struct kunit_suite dma_buf_file_ops_suite = {
	.name = "dma_buf_file_ops",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_file_ops_cases,
};

/* poll */

/*
 * Stands in for a poll()/epoll caller: its queueing function hooks a wait
 * entry into the buffer's wait queue and records the events woken.
 */
struct poll_probe {
	poll_table pt;
	wait_queue_head_t *head;
	wait_queue_entry_t wait;
	__poll_t woken;
	unsigned int wakeups;
};

static int poll_probe_wake(wait_queue_entry_t *wait, unsigned int mode,
			   int sync, void *key)
{
	struct poll_probe *p = container_of(wait, struct poll_probe, wait);

	p->woken |= key_to_poll(key);
	p->wakeups++;
	return 0;
}

static void poll_probe_queue(struct file *file, wait_queue_head_t *head,
			     poll_table *pt)
{
	struct poll_probe *p = container_of(pt, struct poll_probe, pt);

	if (p->head)
		return;
	p->head = head;
	init_waitqueue_func_entry(&p->wait, poll_probe_wake);
	add_wait_queue(head, &p->wait);
}

static void poll_probe_remove(void *data)
{
	struct poll_probe *p = data;

	if (p->head)
		remove_wait_queue(p->head, &p->wait);
	p->head = NULL;
}

static struct poll_probe *poll_probe_new(struct kunit *test, __poll_t events)
{
	struct poll_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	init_poll_funcptr(&p->pt, poll_probe_queue);
	p->pt._key = events;
	dmabuf_test_defer(test, poll_probe_remove, p);
	return p;
}

/* Poll masks as plain integers, for comparing with KUnit's macros. */
#define EV(mask)	((__force unsigned int)(mask))

static unsigned int do_poll(struct dummy_exporter *d, struct poll_probe *p)
{
	struct file *file = d->dmabuf->file;

	return EV(file->f_op->poll(file, p ? &p->pt : NULL));
}

static void poll_idle_buffer_ready(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);

	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN | EPOLLOUT));
	/* A poller is queued even when the buffer is ready. */
	KUNIT_EXPECT_NOT_NULL(test, p->head);
}

/*
 * With nothing to wait for, poll() disarms as a signalled fence would:
 * it wakes the queue, so an edge-triggered epoll watcher is reported at
 * every epoll_wait() and one task's poll() wakes the other watchers.
 */
static void poll_idle_buffer_wakes_queue(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN);

	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN));
	KUNIT_EXPECT_EQ(test, p->wakeups, 1U);
	KUNIT_EXPECT_EQ(test, EV(p->woken), EV(EPOLLIN));

	/* Each further poll wakes the watcher again. */
	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN));
	KUNIT_EXPECT_EQ(test, p->wakeups, 2U);
}

static void poll_idle_buffer_wakes_per_event(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);

	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN | EPOLLOUT));
	/* One wake-up for each event that had nothing to wait for. */
	KUNIT_EXPECT_EQ(test, p->wakeups, 2U);
	KUNIT_EXPECT_EQ(test, EV(p->woken), EV(EPOLLIN | EPOLLOUT));
}

static void poll_without_table_reports_both(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);

	KUNIT_EXPECT_EQ(test, do_poll(d, NULL), EV(EPOLLIN | EPOLLOUT));
}

static void poll_nothing_requested(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, 0);

	KUNIT_EXPECT_EQ(test, do_poll(d, p), 0U);
}

static void poll_only_requested_events(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *in = poll_probe_new(test, EPOLLIN | EPOLLPRI);
	struct poll_probe *out = poll_probe_new(test, EPOLLOUT);

	KUNIT_EXPECT_EQ(test, do_poll(d, in), EV(EPOLLIN));
	KUNIT_EXPECT_EQ(test, do_poll(d, out), EV(EPOLLOUT));
}

static void poll_write_fence_blocks_both(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);

	test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, do_poll(d, p), 0U);
}

static void poll_kernel_fence_blocks_both(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);

	test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_KERNEL);
	KUNIT_EXPECT_EQ(test, do_poll(d, p), 0U);
}

static void poll_read_fence_blocks_out(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);

	test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN));
}

static void poll_ignores_bookkeeping_fences(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);

	test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN | EPOLLOUT));
}

static void poll_signalled_fence_ready(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	test_fence_signal(f);
	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN | EPOLLOUT));
}

static void poll_wakes_on_signal(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	KUNIT_ASSERT_EQ(test, do_poll(d, p), 0U);
	KUNIT_EXPECT_EQ(test, p->wakeups, 0U);

	test_fence_signal(f);
	KUNIT_EXPECT_GE(test, p->wakeups, 1U);
	KUNIT_EXPECT_EQ(test, EV(p->woken & (EPOLLIN | EPOLLOUT)),
			EV(EPOLLIN | EPOLLOUT));
	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN | EPOLLOUT));
}

static void poll_wakes_out_after_readers(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLOUT);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_READ);
	KUNIT_ASSERT_EQ(test, do_poll(d, p), 0U);
	test_fence_signal(f);
	KUNIT_EXPECT_TRUE(test, EV(p->woken & EPOLLOUT));
	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLOUT));
}

static void poll_pending_keeps_buffer(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);
	struct test_fence *f;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	KUNIT_ASSERT_EQ(test, do_poll(d, p), 0U);
	/* The waiter goes away, as a closing poll() caller would. */
	dmabuf_test_run_deferred(test, poll_probe_remove, p);

	dummy_put(d);
	KUNIT_EXPECT_FALSE(test, dummy_released(d));

	test_fence_signal(f);
	KUNIT_EXPECT_TRUE(test, dummy_wait_released(d));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 1U);
}

static void poll_repeated_while_pending(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct poll_probe *p = poll_probe_new(test, EPOLLIN | EPOLLOUT);
	struct test_fence *f;
	unsigned int i;

	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, do_poll(d, p), 0U);
	test_fence_signal(f);
	KUNIT_EXPECT_EQ(test, do_poll(d, p), EV(EPOLLIN | EPOLLOUT));
	dmabuf_test_run_deferred(test, poll_probe_remove, p);
	/* No reference was leaked by the repeated polls. */
	dummy_put(d);
	KUNIT_EXPECT_TRUE(test, dummy_wait_released(d));
}

static struct kunit_case dma_buf_poll_cases[] = {
	KUNIT_CASE(poll_idle_buffer_ready),
	KUNIT_CASE(poll_idle_buffer_wakes_queue),
	KUNIT_CASE(poll_idle_buffer_wakes_per_event),
	KUNIT_CASE(poll_without_table_reports_both),
	KUNIT_CASE(poll_nothing_requested),
	KUNIT_CASE(poll_only_requested_events),
	KUNIT_CASE(poll_write_fence_blocks_both),
	KUNIT_CASE(poll_kernel_fence_blocks_both),
	KUNIT_CASE(poll_read_fence_blocks_out),
	KUNIT_CASE(poll_ignores_bookkeeping_fences),
	KUNIT_CASE(poll_signalled_fence_ready),
	KUNIT_CASE(poll_wakes_on_signal),
	KUNIT_CASE(poll_wakes_out_after_readers),
	KUNIT_CASE(poll_pending_keeps_buffer),
	KUNIT_CASE(poll_repeated_while_pending),
	{}
};

static struct kunit_suite dma_buf_poll_suite = {
	.name = "dma_buf_poll",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_poll_cases,
};

kunit_test_suites(&dma_buf_file_ops_suite, &dma_buf_poll_suite);
