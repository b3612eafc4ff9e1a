// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases for the debugfs file dma_buf/bufinfo: its header, one block
 * per buffer (buffer line, fences, attached devices) and the totals,
 * compared byte for byte with what 6.1 prints.
 */

#include <kunit/test.h>
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-fence.h"
#include "test-util.h"

#define BUFINFO_PATH	"dma_buf/bufinfo"

static const char bufinfo_header[] =
	"\nDma-buf Objects:\n"
	"size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n";

static char *bufinfo(struct kunit *test)
{
	struct vfsmount *mnt;
	char *text;

	if (!IS_ENABLED(CONFIG_DEBUG_FS))
		kunit_skip(test, "needs CONFIG_DEBUG_FS");
	mnt = dmabuf_test_mount(test, "debugfs");
	text = dmabuf_test_read(test, mnt, BUFINFO_PATH, NULL);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(text), "cannot read %s: %ld",
			       BUFINFO_PATH, PTR_ERR(text));
	return text;
}

static unsigned long ino_of(struct dummy_exporter *d)
{
	return file_inode(d->dmabuf->file)->i_ino;
}

/* The first line of a buffer's block, as seen while @refs references exist. */
static char *buffer_line(struct kunit *test, struct dummy_exporter *d,
			 long refs)
{
	struct file *file = d->dmabuf->file;

	return dmabuf_test_printf(test,
				  "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t<none>\n",
				  d->dmabuf->size, file->f_flags,
				  (__force unsigned int)file->f_mode, refs,
				  d->dmabuf->exp_name, ino_of(d));
}

static char *devices_block(struct kunit *test, struct device **devs, int n)
{
	char *s = dmabuf_test_printf(test, "\tAttached Devices:\n");
	int i;

	for (i = 0; i < n; i++)
		s = dmabuf_test_printf(test, "%s\t%s\n", s,
				       dev_name(devs[i]));
	return dmabuf_test_printf(test,
				  "%sTotal %d devices attached\n\n", s, n);
}

static char *plain_block(struct kunit *test, struct dummy_exporter *d)
{
	return dmabuf_test_printf(test, "%s%s",
				  buffer_line(test, d, 1),
				  devices_block(test, NULL, 0));
}

static void bufinfo_header_first(struct kunit *test)
{
	char *text;

	dummy_export(test, NULL);
	text = bufinfo(test);
	KUNIT_EXPECT_EQ(test, strncmp(text, bufinfo_header,
				      strlen(bufinfo_header)), 0);
}

static void bufinfo_lists_buffer(struct kunit *test)
{
	struct dummy_config cfg = { .size = 3 * PAGE_SIZE };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	char *block = plain_block(test, d);
	char *text = bufinfo(test);

	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, block),
				  "block\n%s\nnot in\n%s", block, text);
}

static void bufinfo_shows_flags_and_mode(struct kunit *test)
{
	struct dummy_config cfg = { .flags = O_RDONLY | O_NONBLOCK };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	char *line = buffer_line(test, d, 1);
	char *text = bufinfo(test);

	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, line),
				  "line\n%s\nnot in\n%s", line, text);
}

static void bufinfo_shows_exporter_name(struct kunit *test)
{
	struct dummy_config cfg = { .exp_name = "bufinfo_exporter" };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	char *line = buffer_line(test, d, 1);
	char *text = bufinfo(test);

	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "\tbufinfo_exporter\t"));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, line),
				  "line\n%s\nnot in\n%s", line, text);
}

static void bufinfo_counts_references(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	char *line, *text;

	get_dma_buf(d->dmabuf);
	get_dma_buf(d->dmabuf);
	line = buffer_line(test, d, 3);
	text = bufinfo(test);
	dma_buf_put(d->dmabuf);
	dma_buf_put(d->dmabuf);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, line),
				  "line\n%s\nnot in\n%s", line, text);
}

static void bufinfo_lists_attached_devices(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *a, *b;
	struct device *devs[2];
	char *block, *text;

	a = dummy_import(test, d->dmabuf, IMPORTER_STATIC, 0);
	b = dummy_import(test, d->dmabuf, IMPORTER_DYNAMIC, 1);
	/* Newest attachment first. */
	devs[0] = b->dev;
	devs[1] = a->dev;
	block = dmabuf_test_printf(test, "%s%s",
				   buffer_line(test, d, 1),
				   devices_block(test, devs, 2));
	text = bufinfo(test);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, block),
				  "block\n%s\nnot in\n%s", block, text);
}

static void bufinfo_drops_detached_devices(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dummy_importer *a, *b;
	char *block, *text;

	a = dummy_import(test, d->dmabuf, IMPORTER_STATIC, 0);
	b = dummy_import(test, d->dmabuf, IMPORTER_STATIC, 1);
	dummy_importer_detach(a);
	block = dmabuf_test_printf(test, "%s%s",
				   buffer_line(test, d, 1),
				   devices_block(test, &b->dev, 1));
	text = bufinfo(test);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, block),
				  "block\n%s\nnot in\n%s", block, text);
}

static char *fence_line(struct kunit *test, const char *usage,
			struct test_fence *f, bool signalled)
{
	return dmabuf_test_printf(test,
				  "\t%s fence:%s %s seq %llu %ssignalled\n",
				  usage, TEST_FENCE_DRIVER, TEST_FENCE_TIMELINE,
				  f->base.seqno, signalled ? "" : "un");
}

static void bufinfo_lists_fences(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct dma_resv *resv = d->dmabuf->resv;
	struct test_fence *k, *w, *r;
	char *block, *text;

	k = test_fence_add_new(test, resv, DMA_RESV_USAGE_KERNEL);
	w = test_fence_add_new(test, resv, DMA_RESV_USAGE_WRITE);
	r = test_fence_add_new(test, resv, DMA_RESV_USAGE_READ);
	test_fence_add_new(test, resv, DMA_RESV_USAGE_BOOKKEEP);
	test_fence_signal(w);

	block = dmabuf_test_printf(test, "%s%s%s%s%s",
				   buffer_line(test, d, 1),
				   fence_line(test, "kernel", k, false),
				   fence_line(test, "write", w, true),
				   fence_line(test, "read", r, false),
				   devices_block(test, NULL, 0));
	text = bufinfo(test);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, block),
				  "block\n%s\nnot in\n%s", block, text);
}

static void bufinfo_newest_buffer_first(struct kunit *test)
{
	struct dummy_exporter *a = dummy_export(test, NULL);
	struct dummy_exporter *b = dummy_export(test, NULL);
	char *blocks, *text;

	blocks = dmabuf_test_printf(test, "%s%s",
				    plain_block(test, b), plain_block(test, a));
	text = bufinfo(test);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, blocks),
				  "blocks\n%s\nnot in\n%s", blocks, text);
}

static void bufinfo_drops_released_buffer(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	char *needle, *text;

	needle = dmabuf_test_printf(test, "\t%s\t%08lu\t",
				    d->dmabuf->exp_name, ino_of(d));
	text = bufinfo(test);
	KUNIT_ASSERT_NOT_NULL(test, strstr(text, needle));

	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));
	text = bufinfo(test);
	KUNIT_EXPECT_NULL(test, strstr(text, needle));
}

/*
 * Walk the buffer lines of a bufinfo text, returning how many there are
 * and the sum of their sizes; returns false if the text is malformed.
 */
static bool bufinfo_sum(char *text, int *count, size_t *bytes)
{
	char *line, *cur = text;

	*count = 0;
	*bytes = 0;
	while ((line = strsep(&cur, "\n"))) {
		unsigned long long size;
		char *tab;

		if (!isdigit(line[0]))
			continue;
		tab = strchr(line, '\t');
		if (!tab)
			return false;
		*tab = '\0';
		if (kstrtoull(line, 10, &size))
			return false;
		(*count)++;
		*bytes += size;
	}
	return true;
}

static void bufinfo_totals(struct kunit *test)
{
	struct dummy_config cfg = { .size = 2 * PAGE_SIZE };
	char *text, *totals, *tail, *copy;
	size_t bytes;
	int count;

	dummy_export(test, &cfg);
	dummy_export(test, NULL);
	text = bufinfo(test);
	copy = kunit_kmalloc(test, strlen(text) + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	strcpy(copy, text);
	KUNIT_ASSERT_TRUE(test, bufinfo_sum(copy, &count, &bytes));
	KUNIT_EXPECT_GE(test, count, 2);
	KUNIT_EXPECT_GE(test, bytes, 3 * PAGE_SIZE);

	totals = dmabuf_test_printf(test,
				    "\nTotal %d objects, %zu bytes\n", count,
				    bytes);
	KUNIT_ASSERT_GE(test, strlen(text), strlen(totals));
	tail = text + strlen(text) - strlen(totals);
	KUNIT_EXPECT_STREQ(test, tail, totals);
}

static void bufinfo_totals_follow_exports(struct kunit *test)
{
	char *first, *second;
	size_t bytes1, bytes2;
	int count1, count2;

	first = bufinfo(test);
	KUNIT_ASSERT_TRUE(test, bufinfo_sum(first, &count1, &bytes1));
	dummy_export(test, NULL);
	second = bufinfo(test);
	KUNIT_ASSERT_TRUE(test, bufinfo_sum(second, &count2, &bytes2));
	KUNIT_EXPECT_EQ(test, count2, count1 + 1);
	KUNIT_EXPECT_EQ(test, bytes2, bytes1 + PAGE_SIZE);
}

static struct kunit_case dma_buf_debugfs_cases[] = {
	KUNIT_CASE(bufinfo_header_first),
	KUNIT_CASE(bufinfo_lists_buffer),
	KUNIT_CASE(bufinfo_shows_flags_and_mode),
	KUNIT_CASE(bufinfo_shows_exporter_name),
	KUNIT_CASE(bufinfo_counts_references),
	KUNIT_CASE(bufinfo_lists_attached_devices),
	KUNIT_CASE(bufinfo_drops_detached_devices),
	KUNIT_CASE(bufinfo_lists_fences),
	KUNIT_CASE(bufinfo_newest_buffer_first),
	KUNIT_CASE(bufinfo_drops_released_buffer),
	KUNIT_CASE(bufinfo_totals),
	KUNIT_CASE(bufinfo_totals_follow_exports),
	{}
};

static struct kunit_suite dma_buf_debugfs_suite = {
	.name = "dma_buf_debugfs",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_debugfs_cases,
};

kunit_test_suite(dma_buf_debugfs_suite);
