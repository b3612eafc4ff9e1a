// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases that fail every allocation of the core's own paths once:
 * export (file, buffer, sysfs directory), attach (with and without the
 * mapping made at attach time) and the first map of a cached mapping.
 *
 * With CONFIG_FAULT_INJECTION and CONFIG_FAILSLAB, a case sets the task's
 * fail_nth (what /proc/<pid>/fail-nth sets for userspace) to N = 1, 2, ...
 * around one call until the call gets through without the fault being
 * injected.  Each failed call must return -ENOMEM and leave nothing
 * behind: no buffer listed in debugfs bufinfo or sysfs, no attachment, no
 * cached table, no exporter callback unbalanced, and the next call
 * without a fault must work.  An injected fault that the call survived
 * (it hit an allocation with a fallback) is fine too.
 *
 * failslab skips allocations that may sleep unless told otherwise, and
 * prints a backtrace per injected fault unless told otherwise: whoever
 * loads the suite sets /sys/kernel/debug/failslab/ignore-gfp-wait to N
 * and verbose to 0 first (tests/vm/suites.d/10-kunit.sh does).  When the
 * first armed call passes no fault point at all, the cases skip.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-util.h"

/* Plenty: export passes about ten allocations. */
#define MAX_FAULTS	64

#ifdef CONFIG_FAILSLAB

static int fault_init(struct kunit *test)
{
	return dmabuf_test_init(test);
}

/* Arm the @n-th fault-injection point of this task. */
static void fault_arm(unsigned int n)
{
	current->fail_nth = n;
}

/* Disarm; true if the armed fault was injected. */
static bool fault_disarm(void)
{
	bool injected = current->fail_nth == 0;

	current->fail_nth = 0;
	return injected;
}

#else

static int fault_init(struct kunit *test)
{
	int ret = dmabuf_test_init(test);

	if (ret)
		return ret;
	kunit_skip(test, "needs CONFIG_FAILSLAB");
	return 0;
}

static void fault_arm(unsigned int n)
{
}

static bool fault_disarm(void)
{
	return false;
}

#endif /* CONFIG_FAILSLAB */

/*
 * Nothing to check when no allocation of the call failed: failslab still
 * ignores allocations that sleep, and the faults injected, if any, hit
 * allocations with a fallback.
 */
static void skip_not_armed(struct kunit *test)
{
	kunit_skip(test, "no allocation failed: set %s to N",
		   "/sys/kernel/debug/failslab/ignore-gfp-wait");
}

/*
 * The end of a case: @n is the first N that got through without a fault,
 * @failed how many calls before it failed.  A call that never failed
 * leaves nothing to check.
 */
static void faults_done(struct kunit *test, unsigned int n,
			unsigned int failed)
{
	kunit_info(test, "%u allocations failed, %u of them refused cleanly\n",
		   n - 1, failed);
	KUNIT_EXPECT_LE(test, n, (unsigned int)MAX_FAULTS);
	if (!failed)
		skip_not_armed(test);
}

/* "Total N objects" of bufinfo: the buffers whose file is open. */
static int listed_buffers(struct kunit *test)
{
	struct vfsmount *mnt = dmabuf_test_mount(test, "debugfs");
	char *text, *total;
	int n = -1;

	dmabuf_test_flush_fput();
	text = dmabuf_test_read(test, mnt, "dma_buf/bufinfo", NULL);
	if (IS_ERR(text))
		return -1;
	/* The last "Total" line; each buffer's block has one of its own. */
	total = strstr(text, "\nTotal ");
	while (total && strstr(total + 1, "\nTotal "))
		total = strstr(total + 1, "\nTotal ");
	if (!total || sscanf(total, "\nTotal %d objects", &n) != 1 ||
	    !strstr(total, " objects"))
		n = -1;
	return n;
}

static void export_each_allocation_fails_cleanly(struct kunit *test)
{
	int listed = listed_buffers(test);
	unsigned int n, failed = 0;

	for (n = 1; n <= MAX_FAULTS; n++) {
		struct dummy_exporter *d = dummy_exporter_new(test, NULL);
		bool injected;
		int ret;

		fault_arm(n);
		ret = dummy_exporter_export(d);
		injected = fault_disarm();

		if (ret) {
			KUNIT_EXPECT_TRUE_MSG(test, injected,
					      "export failed (%d) with no fault", ret);
			KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "fault %u", n);
			KUNIT_EXPECT_NULL(test, d->dmabuf);
			KUNIT_EXPECT_EQ_MSG(test, dummy_calls(d, DUMMY_RELEASE), 0U,
					    "release after failed export, fault %u", n);
			KUNIT_EXPECT_EQ_MSG(test, listed_buffers(test), listed,
					    "a failed export left a buffer listed, fault %u",
					    n);
			failed++;
			continue;
		}

		/* Survived (a fallback) or no fault reached: a whole buffer. */
		KUNIT_EXPECT_EQ(test, listed_buffers(test), listed + 1);
		dummy_put(d);
		KUNIT_EXPECT_TRUE(test, dummy_wait_released(d));
		if (!injected)
			break;
	}
	faults_done(test, n, failed);
}

static void attach_each_allocation_fails_cleanly(struct kunit *test,
						 const struct dummy_config *cfg)
{
	struct dummy_exporter *d = dummy_export(test, cfg);
	unsigned int n, failed = 0;

	for (n = 1; n <= MAX_FAULTS; n++) {
		struct dummy_importer *imp;
		struct dma_buf_attachment *attach;
		bool injected;

		imp = dummy_importer_new(test, IMPORTER_STATIC, 0);
		fault_arm(n);
		attach = dummy_importer_attach(imp, d->dmabuf);
		injected = fault_disarm();

		if (IS_ERR(attach)) {
			KUNIT_EXPECT_TRUE(test, injected);
			KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(attach), -ENOMEM,
					    "fault %u", n);
			KUNIT_EXPECT_TRUE(test, list_empty(&d->dmabuf->attachments));
			KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_ATTACH),
					dummy_calls(d, DUMMY_DETACH));
			KUNIT_EXPECT_EQ(test, d->mapped, 0);
			KUNIT_EXPECT_EQ(test, d->pinned, 0);
			failed++;
			continue;
		}

		dummy_importer_detach(imp);
		if (!injected)
			break;
	}
	faults_done(test, n, failed);
}

static void attach_static_each_allocation_fails_cleanly(struct kunit *test)
{
	attach_each_allocation_fails_cleanly(test, NULL);
}

/* A dynamic exporter and a static importer: mapped at attach time. */
static void attach_mapped_each_allocation_fails_cleanly(struct kunit *test)
{
	static const struct dummy_config cfg = { .dynamic = true };

	attach_each_allocation_fails_cleanly(test, &cfg);
}

static void map_cached_each_allocation_fails_cleanly(struct kunit *test)
{
	static const struct dummy_config cfg = { .cache_sgt_mapping = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dummy_importer *imp = dummy_import(test, d->dmabuf,
						  IMPORTER_STATIC, 0);
	unsigned int n, failed = 0;

	for (n = 1; n <= MAX_FAULTS; n++) {
		struct sg_table *sgt;
		bool injected;

		fault_arm(n);
		sgt = dma_buf_map_attachment_unlocked(imp->attach,
						      DMA_TO_DEVICE);
		injected = fault_disarm();

		if (IS_ERR(sgt)) {
			KUNIT_EXPECT_TRUE(test, injected);
			KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(sgt), -ENOMEM,
					    "fault %u", n);
			/* Nothing cached: the next call asks the exporter. */
			KUNIT_EXPECT_NULL(test, imp->attach->sgt);
			KUNIT_EXPECT_EQ(test, d->mapped, 0);
			failed++;
			continue;
		}

		KUNIT_EXPECT_PTR_EQ(test, imp->attach->sgt, sgt);
		dma_buf_unmap_attachment_unlocked(imp->attach, sgt,
						  DMA_TO_DEVICE);
		break;
	}
	faults_done(test, n, failed);
}

static struct kunit_case dma_buf_fault_cases[] = {
	KUNIT_CASE(export_each_allocation_fails_cleanly),
	KUNIT_CASE(attach_static_each_allocation_fails_cleanly),
	KUNIT_CASE(attach_mapped_each_allocation_fails_cleanly),
	KUNIT_CASE(map_cached_each_allocation_fails_cleanly),
	{}
};

static struct kunit_suite dma_buf_fault_suite = {
	.name = "dma_buf_fault_injection",
	.init = fault_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_fault_cases,
};

kunit_test_suite(dma_buf_fault_suite);
