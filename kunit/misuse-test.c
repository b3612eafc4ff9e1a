// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases for API misuse that 6.1 refuses with an error code and a
 * kernel warning: invalid exporter ops, a dynamic importer without
 * move_notify, a missing device, a failing vmap callback.
 *
 * Each case asserts the warning like the errno (see warn-watch.h): the
 * misused function printed it, once, and nothing else warned.  The
 * acknowledgment each asserted warning leaves in the log is what lets
 * the harness's log checker accept exactly those reports.  Booting a
 * kernel with the suites built in with dma_buf_kunit.misuse=0 skips the
 * suite, for runs with panic_on_warn.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-fence.h"
#include "test-util.h"
#include "warn-watch.h"

static bool misuse = true;
module_param(misuse, bool, 0444);
MODULE_PARM_DESC(misuse, "run the dma_buf_misuse suite, whose cases make the core warn (default: on)");

static int misuse_init(struct kunit *test)
{
	int ret = dmabuf_test_init(test);

	if (ret)
		return ret;
	if (!misuse)
		kunit_skip(test, "disabled by dma_buf_kunit.misuse=0");
	dmabuf_warn_watch_begin(test);
	return 0;
}

struct bad_ops {
	const char *name;
	struct dummy_config cfg;
};

static const struct bad_ops bad_ops[] = {
	{ "no_map_dma_buf", { .omit = DUMMY_OP(MAP) } },
	{ "no_unmap_dma_buf", { .omit = DUMMY_OP(UNMAP) } },
	{ "no_release", { .omit = DUMMY_OP(RELEASE) } },
	{ "no_priv", { .no_priv = true } },
	{ "pin_without_unpin", { .dynamic = true, .omit = DUMMY_OP(UNPIN) } },
	{ "unpin_without_pin", { .dynamic = true, .omit = DUMMY_OP(PIN) } },
	{ "pin_with_cache_sgt_mapping",
	  { .dynamic = true, .cache_sgt_mapping = true } },
};

static void bad_ops_desc(const struct bad_ops *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_ops, bad_ops, bad_ops_desc);

static void export_invalid_ops_einval(struct kunit *test)
{
	const struct bad_ops *p = test->param_value;
	struct dummy_exporter *d = dummy_exporter_new(test, &p->cfg);

	KUNIT_EXPECT_EQ(test, dummy_exporter_export(d), -EINVAL);
	dmabuf_expect_warning(test, "dma_buf_export");
	KUNIT_EXPECT_NULL(test, d->dmabuf);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 0U);
}

static void export_refused_takes_no_module_reference(struct kunit *test)
{
	struct dummy_config cfg = { .omit = DUMMY_OP(RELEASE), .set_owner = true };
	struct dummy_exporter *d;

	dmabuf_test_need_module_unload(test);
	cfg.owner = dmabuf_test_fake_module(test, DMABUF_TEST_MODULE_LIVE);
	d = dummy_exporter_new(test, &cfg);
	KUNIT_EXPECT_EQ(test, dummy_exporter_export(d), -EINVAL);
	dmabuf_expect_warning(test, "dma_buf_export");
	KUNIT_EXPECT_EQ(test, dmabuf_test_module_refs(cfg.owner), 0);
}

static const struct dma_buf_attach_ops no_move_notify_ops = {
	.allow_peer2peer = true,
};

static void dynamic_attach_without_move_notify_einval(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct device *dev = dmabuf_test_device(test, 0);
	struct dma_buf_attachment *attach;

	attach = dma_buf_dynamic_attach(d->dmabuf, dev, &no_move_notify_ops,
					NULL);
	KUNIT_EXPECT_PTR_EQ(test, attach, ERR_PTR(-EINVAL));
	if (!IS_ERR_OR_NULL(attach))
		dma_buf_detach(d->dmabuf, attach);
	dmabuf_expect_warning(test, "dma_buf_dynamic_attach");
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_ATTACH), 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
}

static void attach_without_device_einval(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dma_buf_attachment *attach;

	attach = dma_buf_attach(d->dmabuf, NULL);
	KUNIT_EXPECT_PTR_EQ(test, attach, ERR_PTR(-EINVAL));
	if (!IS_ERR_OR_NULL(attach))
		dma_buf_detach(d->dmabuf, attach);
	dmabuf_expect_warning(test, "dma_buf_dynamic_attach");
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_ATTACH), 0U);
}

static void attach_without_buffer_einval(struct kunit *test)
{
	struct device *dev = dmabuf_test_device(test, 0);

	KUNIT_EXPECT_PTR_EQ(test, dma_buf_attach(NULL, dev), ERR_PTR(-EINVAL));
	dmabuf_expect_warning(test, "dma_buf_dynamic_attach");
}

static void vmap_exporter_failure(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct iosys_map map;

	d->fail[DUMMY_VMAP] = -ENOMEM;
	KUNIT_EXPECT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), -ENOMEM);
	/* A WARN_ON_ONCE(): an earlier failing vmap may have used it up. */
	dmabuf_expect_warning_once(test, "dma_buf_vmap");
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&map));
	KUNIT_EXPECT_EQ(test, d->dmabuf->vmapping_counter, 0U);

	/* Nothing was kept: the next vmap asks the exporter again. */
	d->fail[DUMMY_VMAP] = 0;
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(d->dmabuf, &map), 0);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VMAP), 2U);
	dmabuf_test_vunmap(d->dmabuf, &map);
	dmabuf_expect_no_warning(test);
}

static void vmap_without_buffer_einval(struct kunit *test)
{
	struct iosys_map map;

	KUNIT_EXPECT_EQ(test, dma_buf_vmap(NULL, &map), -EINVAL);
	dmabuf_expect_warning(test, "dma_buf_vmap");
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&map));
}

static void begin_cpu_access_without_buffer_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(NULL, DMA_TO_DEVICE),
			-EINVAL);
	dmabuf_expect_warning(test, "dma_buf_begin_cpu_access");
}

static void mmap_without_vma_einval(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);

	KUNIT_EXPECT_EQ(test, dma_buf_mmap(d->dmabuf, NULL, 0), -EINVAL);
	dmabuf_expect_warning(test, "dma_buf_mmap");
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_MMAP), 0U);
}

static void map_without_attachment_einval(struct kunit *test)
{
	KUNIT_EXPECT_PTR_EQ(test, dma_buf_map_attachment(NULL, DMA_TO_DEVICE),
			    ERR_PTR(-EINVAL));
	dmabuf_expect_warning(test, "dma_buf_map_attachment");
	KUNIT_EXPECT_PTR_EQ(test,
			    dma_buf_map_attachment_unlocked(NULL,
							    DMA_TO_DEVICE),
			    ERR_PTR(-EINVAL));
	dmabuf_expect_warning(test, "dma_buf_map_attachment_unlocked");
}

static void put_without_buffer_ignored(struct kunit *test)
{
	dma_buf_put(NULL);
	dmabuf_expect_warning(test, "dma_buf_put");
}

/*
 * Let the final fput() of the buffer run; the release then happens in a
 * worker, so give one that had already taken the queue time to finish.
 */
static void let_release_run(void)
{
	dmabuf_test_flush_fput();
	msleep(50);
	dmabuf_test_flush_fput();
}

/*
 * A buffer the core will keep pins its owner for good: export those
 * without one, so that the suites' module can still be unloaded.
 */
static const struct dummy_config kept_cfg = { .set_owner = true };

/*
 * Forget a buffer that the core kept at its release: its release callback
 * never runs, so the cleanup must not wait for it.
 */
static void dummy_forget_kept(struct dummy_exporter *d)
{
	d->dmabuf = NULL;
	d->owns_ref = false;
}

/*
 * The last reference dropped while a kernel mapping is left: 6.1 BUGs.
 * This core warns and keeps buffer and exporter memory, so the mapping's
 * user still reaches valid memory.
 */
static void release_with_vmap_keeps_buffer_beyond_upstream(struct kunit *test)
{
	struct dummy_exporter *d;
	struct dma_buf *dmabuf;
	struct iosys_map map;

	dmabuf_test_need_beyond_upstream(test, "6.1 stops the kernel here");
	d = dummy_export(test, &kept_cfg);
	dmabuf = d->dmabuf;
	KUNIT_ASSERT_EQ(test, dmabuf_test_vmap(dmabuf, &map), 0);

	dummy_put(d);
	let_release_run();
	dmabuf_expect_warning(test, "dmabuf_dentry_release");
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 0U);

	dmabuf_test_vunmap(dmabuf, &map);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_VUNMAP), 1U);
	KUNIT_EXPECT_EQ(test, dmabuf->vmapping_counter, 0U);
	dummy_forget_kept(d);
}

static void poll_queue_nothing(struct file *file, wait_queue_head_t *head,
			       poll_table *pt)
{
}

/*
 * A poll callback armed while the file's references run out (one was
 * dropped too often): 6.1 BUGs.  This core warns and keeps the buffer,
 * and the callback, when its fence signals, touches neither freed buffer
 * nor freed file.
 */
static void release_with_poll_armed_keeps_buffer_beyond_upstream(struct kunit *test)
{
	struct dummy_exporter *d;
	struct test_fence *f;
	struct file *file;
	poll_table pt;

	dmabuf_test_need_beyond_upstream(test, "6.1 stops the kernel here");
	d = dummy_export(test, &kept_cfg);
	file = d->dmabuf->file;
	f = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);

	init_poll_funcptr(&pt, poll_queue_nothing);
	pt._key = EPOLLIN;
	KUNIT_ASSERT_EQ(test, (__force unsigned int)file->f_op->poll(file, &pt),
			0U);
	KUNIT_ASSERT_EQ(test, (__force unsigned int)d->dmabuf->cb_in.active,
			(__force unsigned int)EPOLLIN);

	/* The test's reference, then the one the armed callback holds. */
	dummy_put(d);
	fput(file);
	let_release_run();
	dmabuf_expect_warning(test, "dmabuf_dentry_release");
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 0U);

	test_fence_signal(f);
	dummy_forget_kept(d);
}

static struct kunit_case dma_buf_misuse_cases[] = {
	KUNIT_CASE_PARAM(export_invalid_ops_einval, bad_ops_gen_params),
	KUNIT_CASE(export_refused_takes_no_module_reference),
	KUNIT_CASE(dynamic_attach_without_move_notify_einval),
	KUNIT_CASE(attach_without_device_einval),
	KUNIT_CASE(attach_without_buffer_einval),
	KUNIT_CASE(vmap_exporter_failure),
	KUNIT_CASE(vmap_without_buffer_einval),
	KUNIT_CASE(begin_cpu_access_without_buffer_einval),
	KUNIT_CASE(mmap_without_vma_einval),
	KUNIT_CASE(map_without_attachment_einval),
	KUNIT_CASE(put_without_buffer_ignored),
	KUNIT_CASE(release_with_vmap_keeps_buffer_beyond_upstream),
	KUNIT_CASE(release_with_poll_armed_keeps_buffer_beyond_upstream),
	{}
};

static struct kunit_suite dma_buf_misuse_suite = {
	.name = "dma_buf_misuse",
	.suite_init = dmabuf_warn_watch_suite_init,
	.suite_exit = dmabuf_warn_watch_suite_exit,
	.init = misuse_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_misuse_cases,
};

kunit_test_suite(dma_buf_misuse_suite);
