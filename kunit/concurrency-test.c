// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases that run the core's entry points from several kernel
 * threads at once: references, vmap, attach/detach against bufinfo
 * readers, poll against fence signalling, statistics readers against
 * releases.  A case passes when the counts balance at the end; lockdep,
 * DEBUG_OBJECTS and the slab debugging of the test kernel catch the rest.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dma-resv.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/poll.h>
#include <linux/sched.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-fence.h"
#include "test-util.h"

#define MAX_WORKERS	4

struct worker {
	struct kunit *test;
	struct dummy_exporter *d;
	unsigned int id;
	unsigned int loops;
	/* Problems seen by the thread, checked by the case afterwards. */
	atomic_t errors;
	atomic_t *stop;
	void *arg;
	struct completion done;
	int (*fn)(struct worker *w);
};

static int worker_main(void *data)
{
	struct worker *w = data;

	w->fn(w);
	complete(&w->done);
	return 0;
}

/* Run @fn on @n threads and wait for all of them. */
static void run_workers(struct kunit *test, struct worker *w, unsigned int n)
{
	struct task_struct *task;
	unsigned int i;

	for (i = 0; i < n; i++) {
		init_completion(&w[i].done);
		task = kthread_run(worker_main, &w[i], "dma_buf_kunit_%u", i);
		if (IS_ERR(task)) {
			KUNIT_FAIL(test, "cannot start worker %u", i);
			complete(&w[i].done);
		}
	}
	for (i = 0; i < n; i++)
		wait_for_completion(&w[i].done);
}

/* @n threads running @fn @loops times on @d. */
static void same_workers(struct worker *w, unsigned int n,
			 struct dummy_exporter *d, unsigned int loops,
			 int (*fn)(struct worker *w))
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		w[i].d = d;
		w[i].loops = loops;
		w[i].fn = fn;
	}
}

static int refs_worker(struct worker *w)
{
	unsigned int i;

	for (i = 0; i < w->loops; i++) {
		get_dma_buf(w->d->dmabuf);
		dma_buf_put(w->d->dmabuf);
		cond_resched();
	}
	return 0;
}

static void concurrent_get_put(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct worker w[MAX_WORKERS] = { };

	same_workers(w, MAX_WORKERS, d, 2000, refs_worker);
	run_workers(test, w, MAX_WORKERS);
	KUNIT_EXPECT_EQ(test, file_count(d->dmabuf->file), 1L);
	KUNIT_EXPECT_FALSE(test, dummy_released(d));
	dummy_put(d);
	KUNIT_EXPECT_TRUE(test, dummy_wait_released(d));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 1U);
}

static int vmap_worker(struct worker *w)
{
	struct iosys_map map;
	unsigned int i;

	for (i = 0; i < w->loops; i++) {
		if (dmabuf_test_vmap(w->d->dmabuf, &map)) {
			atomic_inc(&w->errors);
			continue;
		}
		if (map.is_iomem || map.vaddr != w->d->backing)
			atomic_inc(&w->errors);
		dmabuf_test_vunmap(w->d->dmabuf, &map);
		cond_resched();
	}
	return 0;
}

static void concurrent_vmap(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct worker w[MAX_WORKERS] = { };
	unsigned int i;

	same_workers(w, MAX_WORKERS, d, 500, vmap_worker);
	run_workers(test, w, MAX_WORKERS);
	for (i = 0; i < MAX_WORKERS; i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&w[i].errors), 0);
	/* The exporter saw matched pairs and nothing is left mapped. */
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VMAP),
			dummy_calls(d, DUMMY_VUNMAP));
	KUNIT_EXPECT_GE(test, dummy_calls(d, DUMMY_VMAP), 1U);
	KUNIT_EXPECT_EQ(test, d->vmapped, 0);
	KUNIT_EXPECT_EQ(test, d->dmabuf->vmapping_counter, 0U);
}

static int attach_worker(struct worker *w)
{
	struct device *dev = dmabuf_test(w->test)->devs[w->id];
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	unsigned int i;

	for (i = 0; i < w->loops; i++) {
		attach = dma_buf_attach(w->d->dmabuf, dev);
		if (IS_ERR(attach)) {
			atomic_inc(&w->errors);
			continue;
		}
		sgt = dma_buf_map_attachment_unlocked(attach, DMA_TO_DEVICE);
		if (IS_ERR(sgt))
			atomic_inc(&w->errors);
		else
			dma_buf_unmap_attachment_unlocked(attach, sgt,
							  DMA_TO_DEVICE);
		dma_buf_detach(w->d->dmabuf, attach);
		cond_resched();
	}
	atomic_inc(w->stop);
	return 0;
}

static int bufinfo_worker(struct worker *w)
{
	struct vfsmount *mnt = dmabuf_test(w->test)->mounts[0].mnt;

	while (atomic_read(w->stop) < 2) {
		char *text = dmabuf_test_read(w->test, mnt, "dma_buf/bufinfo",
					      NULL);

		if (IS_ERR(text))
			atomic_inc(&w->errors);
		else
			kunit_kfree(w->test, text);
		cond_resched();
	}
	return 0;
}

static void concurrent_attach_and_bufinfo(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct worker w[3] = { };
	atomic_t stop = ATOMIC_INIT(0);
	unsigned int i;

	if (!IS_ENABLED(CONFIG_DEBUG_FS))
		kunit_skip(test, "needs CONFIG_DEBUG_FS");
	dmabuf_test_mount(test, "debugfs");
	for (i = 0; i < 3; i++) {
		dmabuf_test_device(test, i);
		w[i].test = test;
		w[i].d = d;
		w[i].id = i;
		w[i].loops = 200;
		w[i].stop = &stop;
		w[i].fn = i < 2 ? attach_worker : bufinfo_worker;
	}
	run_workers(test, w, 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&w[i].errors), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_ATTACH), 400U);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_DETACH), 400U);
	KUNIT_EXPECT_EQ(test, d->mapped, 0);
}

static int signal_worker(struct worker *w)
{
	struct test_fence *f = w->arg;

	/* Signal while the main thread may be polling. */
	cond_resched();
	test_fence_signal(f);
	return 0;
}

static void concurrent_poll_and_signal(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct file *file = d->dmabuf->file;
	struct worker w = { .test = test, .d = d, .fn = signal_worker };
	struct task_struct *task;
	unsigned int i;

	for (i = 0; i < 100; i++) {
		struct test_fence *f;

		f = test_fence_add_new(test, d->dmabuf->resv,
				       i & 1 ? DMA_RESV_USAGE_READ :
					       DMA_RESV_USAGE_WRITE);
		w.arg = f;
		init_completion(&w.done);
		task = kthread_run(worker_main, &w, "dma_buf_kunit_sig");
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		file->f_op->poll(file, NULL);
		wait_for_completion(&w.done);
	}
	/* Every callback the polls left behind has fired and let go. */
	KUNIT_EXPECT_EQ(test, (__force unsigned int)file->f_op->poll(file, NULL),
			(__force unsigned int)(EPOLLIN | EPOLLOUT));
	dummy_put(d);
	KUNIT_EXPECT_TRUE(test, dummy_wait_released(d));
}

static int release_worker(struct worker *w)
{
	struct dummy_exporter *d;
	unsigned int i;

	for (i = 0; i < w->loops && !atomic_read(&w->errors); i++) {
		d = dummy_exporter_new(w->test, NULL);
		if (dummy_exporter_export(d)) {
			atomic_inc(&w->errors);
			break;
		}
		dummy_put(d);
		if (!dummy_wait_released(d))
			atomic_inc(&w->errors);
	}
	atomic_inc(w->stop);
	return 0;
}

struct ino_list {
	struct dir_context ctx;
	unsigned long ino[32];
	unsigned int count;
};

static bool ino_list_add(struct dir_context *ctx, const char *name, int len,
			 loff_t pos, u64 ino, unsigned int type)
{
	struct ino_list *l = container_of(ctx, struct ino_list, ctx);
	char buf[24];

	if (len >= sizeof(buf) || l->count == ARRAY_SIZE(l->ino))
		return l->count < ARRAY_SIZE(l->ino);
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (!kstrtoul(buf, 10, &l->ino[l->count]))
		l->count++;
	return true;
}

static int stats_reader_worker(struct worker *w)
{
	struct vfsmount *mnt = dmabuf_test(w->test)->mounts[0].mnt;

	while (!atomic_read(w->stop)) {
		struct ino_list l = { .ctx.actor = ino_list_add };
		struct file *dir;
		unsigned int i;

		dir = file_open_root_mnt(mnt, "kernel/dmabuf/buffers",
					 O_RDONLY | O_DIRECTORY, 0);
		if (IS_ERR(dir)) {
			atomic_inc(&w->errors);
			return 0;
		}
		iterate_dir(dir, &l.ctx);
		fput(dir);

		/* Each listed entry is readable and whole, or already gone. */
		for (i = 0; i < l.count; i++) {
			char path[64], buf[32];
			unsigned long size;
			struct file *f;
			loff_t pos = 0;
			ssize_t n;

			snprintf(path, sizeof(path),
				 "kernel/dmabuf/buffers/%lu/size", l.ino[i]);
			f = file_open_root_mnt(mnt, path, O_RDONLY, 0);
			if (IS_ERR(f))
				continue;
			cond_resched();
			n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
			fput(f);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			if (kstrtoul(buf, 10, &size) || size != PAGE_SIZE)
				atomic_inc(&w->errors);
		}
		dmabuf_test_flush_fput();
		cond_resched();
	}
	return 0;
}

static void concurrent_release_and_stats(struct kunit *test)
{
	struct worker w[2] = { };
	atomic_t stop = ATOMIC_INIT(0);

	if (!IS_ENABLED(CONFIG_DMABUF_SYSFS_STATS))
		kunit_skip(test, "needs CONFIG_DMABUF_SYSFS_STATS");
	dmabuf_test_mount(test, "sysfs");
	w[0] = (struct worker){ .test = test, .loops = 100, .stop = &stop,
				.fn = release_worker };
	w[1] = (struct worker){ .test = test, .stop = &stop,
				.fn = stats_reader_worker };
	/*
	 * The exporter side runs in a worker too, so that its descriptors
	 * live in the kernel threads' shared fd table like the case's own.
	 */
	run_workers(test, w, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&w[0].errors), 0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&w[1].errors), 0,
			    "a reader saw a broken entry");
}

static struct kunit_case dma_buf_concurrency_cases[] = {
	KUNIT_CASE(concurrent_get_put),
	KUNIT_CASE(concurrent_vmap),
	KUNIT_CASE(concurrent_attach_and_bufinfo),
	KUNIT_CASE(concurrent_poll_and_signal),
	KUNIT_CASE(concurrent_release_and_stats),
	{}
};

static struct kunit_suite dma_buf_concurrency_suite = {
	.name = "dma_buf_concurrency",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_concurrency_cases,
};

kunit_test_suite(dma_buf_concurrency_suite);
