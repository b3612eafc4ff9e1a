// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases for CONFIG_DMABUF_SYSFS_STATS: the layout below
 * /sys/kernel/dmabuf/buffers, the contents of each buffer's files, and
 * the lifetime of an entry (there once the buffer has a descriptor, gone
 * after the release, harmless to a reader that kept a file open).
 *
 * sysfs is mounted privately for the case, so the cases do not depend on
 * what the running system has mounted where.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/jiffies.h>
#include <linux/stat.h>
#include <linux/string.h>

#include "dummy-exporter.h"
#include "test-util.h"

#define BUFFERS_DIR	"kernel/dmabuf/buffers"

static struct vfsmount *sysfs(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_DMABUF_SYSFS_STATS))
		kunit_skip(test, "needs CONFIG_DMABUF_SYSFS_STATS");
	return dmabuf_test_mount(test, "sysfs");
}

static unsigned long ino_of(struct dummy_exporter *d)
{
	return file_inode(d->dmabuf->file)->i_ino;
}

static char *entry_path(struct kunit *test, struct dummy_exporter *d,
			const char *file)
{
	return dmabuf_test_printf(test, BUFFERS_DIR "/%lu%s%s",
				  ino_of(d), file ? "/" : "", file ?: "");
}

/*
 * A buffer as a userspace reader of the statistics meets it: exported and
 * its inode number learned with fstat() (the number names the entry, so a
 * reader has to learn it somehow first).
 */
static struct dummy_exporter *export_looked_up(struct kunit *test,
					       const struct dummy_config *cfg)
{
	struct dummy_exporter *d = dummy_export(test, cfg);
	struct kstat stat;

	KUNIT_ASSERT_EQ(test, vfs_getattr(&d->dmabuf->file->f_path, &stat,
					  STATX_INO, AT_STATX_SYNC_AS_STAT), 0);
	KUNIT_ASSERT_EQ(test, stat.ino, (u64)ino_of(d));
	return d;
}

static struct file *open_path(struct kunit *test, const char *path, int flags)
{
	return file_open_root_mnt(sysfs(test), path, flags, 0);
}

static bool path_exists(struct kunit *test, const char *path)
{
	struct file *file = open_path(test, path, O_RDONLY);

	if (IS_ERR(file))
		return false;
	fput(file);
	return true;
}

struct dir_names {
	struct dir_context ctx;
	char names[8][32];
	unsigned int count;
	unsigned int dropped;
};

static bool is_dot_or_dotdot(const char *name, int len)
{
	return (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

static bool dir_names_add(struct dir_context *ctx, const char *name, int len,
			  loff_t pos, u64 ino, unsigned int type)
{
	struct dir_names *dn = container_of(ctx, struct dir_names, ctx);

	if (is_dot_or_dotdot(name, len))
		return true;
	if (dn->count == ARRAY_SIZE(dn->names) || len >= 32) {
		dn->dropped++;
		return true;
	}
	memcpy(dn->names[dn->count], name, len);
	dn->names[dn->count][len] = '\0';
	dn->count++;
	return true;
}

static bool dir_names_has(struct dir_names *dn, const char *name)
{
	unsigned int i;

	for (i = 0; i < dn->count; i++) {
		if (!strcmp(dn->names[i], name))
			return true;
	}
	return false;
}

static int list_dir(struct kunit *test, const char *path, struct dir_names *dn)
{
	struct file *dir = open_path(test, path, O_RDONLY | O_DIRECTORY);
	int ret;

	memset(dn, 0, sizeof(*dn));
	dn->ctx.actor = dir_names_add;
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	ret = iterate_dir(dir, &dn->ctx);
	fput(dir);
	return ret;
}

/* Is @name among the entries of @path?  Walks directories of any size. */
struct dir_find {
	struct dir_context ctx;
	const char *name;
	bool found;
};

static bool dir_find_actor(struct dir_context *ctx, const char *name, int len,
			   loff_t pos, u64 ino, unsigned int type)
{
	struct dir_find *df = container_of(ctx, struct dir_find, ctx);

	if (strlen(df->name) == len && !memcmp(df->name, name, len))
		df->found = true;
	return !df->found;
}

static bool dir_contains(struct kunit *test, const char *path,
			 const char *name)
{
	struct file *dir = open_path(test, path, O_RDONLY | O_DIRECTORY);
	struct dir_find df = { .ctx.actor = dir_find_actor, .name = name };

	KUNIT_ASSERT_FALSE(test, IS_ERR(dir));
	/* Keep going until the directory has nothing more to give. */
	for (;;) {
		loff_t before = df.ctx.pos;

		if (iterate_dir(dir, &df.ctx) < 0 || df.found ||
		    df.ctx.pos == before)
			break;
	}
	fput(dir);
	return df.found;
}

/* Every name in @path, up to @max of them, test-managed. */
struct dir_all {
	struct dir_context ctx;
	struct kunit *test;
	char **names;
	unsigned int count, max;
};

static bool dir_all_actor(struct dir_context *ctx, const char *name, int len,
			  loff_t pos, u64 ino, unsigned int type)
{
	struct dir_all *da = container_of(ctx, struct dir_all, ctx);

	if (is_dot_or_dotdot(name, len))
		return true;
	if (da->count == da->max)
		return false;
	da->names[da->count] = kunit_kzalloc(da->test, len + 1, GFP_KERNEL);
	if (!da->names[da->count])
		return false;
	memcpy(da->names[da->count], name, len);
	da->count++;
	return true;
}

static unsigned int dir_all(struct kunit *test, const char *path,
			    char **names, unsigned int max)
{
	struct file *dir = open_path(test, path, O_RDONLY | O_DIRECTORY);
	struct dir_all da = {
		.ctx.actor = dir_all_actor,
		.test = test,
		.names = names,
		.max = max,
	};

	KUNIT_ASSERT_FALSE(test, IS_ERR(dir));
	for (;;) {
		loff_t before = da.ctx.pos;

		if (iterate_dir(dir, &da.ctx) < 0 || da.count == max ||
		    da.ctx.pos == before)
			break;
	}
	fput(dir);
	return da.count;
}

static char *read_entry(struct kunit *test, struct dummy_exporter *d,
			const char *file)
{
	char *text = dmabuf_test_read(test, sysfs(test),
				      entry_path(test, d, file), NULL);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(text), "cannot read %s: %ld",
			       entry_path(test, d, file), PTR_ERR(text));
	return text;
}

static void sysfs_stats_directories(struct kunit *test)
{
	struct file *dir;

	dir = open_path(test, "kernel/dmabuf", O_RDONLY | O_DIRECTORY);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dir));
	fput(dir);
	dir = open_path(test, BUFFERS_DIR, O_RDONLY | O_DIRECTORY);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dir));
	fput(dir);
}

static void sysfs_stats_dmabuf_dir_holds_buffers(struct kunit *test)
{
	struct dir_names dn;

	KUNIT_ASSERT_EQ(test, list_dir(test, "kernel/dmabuf", &dn), 0);
	KUNIT_EXPECT_EQ(test, dn.count, 1U);
	KUNIT_EXPECT_TRUE(test, dir_names_has(&dn, "buffers"));
}

static void sysfs_stats_entry_named_by_inode(struct kunit *test)
{
	struct dummy_exporter *d = export_looked_up(test, NULL);
	struct file *dir;

	dir = open_path(test, entry_path(test, d, NULL),
			O_RDONLY | O_DIRECTORY);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(dir), "no %s: %ld",
			       entry_path(test, d, NULL), PTR_ERR(dir));
	fput(dir);
}

static void sysfs_stats_entry_listed(struct kunit *test)
{
	struct dummy_exporter *d = export_looked_up(test, NULL);
	char *name = dmabuf_test_printf(test, "%lu", ino_of(d));

	KUNIT_EXPECT_TRUE(test, dir_contains(test, BUFFERS_DIR, name));
}

/*
 * A reader that only walks buffers/ finds a buffer, though nobody asked
 * its file for the inode number.
 */
static void sysfs_stats_entry_listed_without_fd_lookup(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	char *name;

	name = dmabuf_test_printf(test, "%lu", ino_of(d));
	KUNIT_EXPECT_TRUE(test, dir_contains(test, BUFFERS_DIR, name));
}

static void sysfs_stats_entry_files(struct kunit *test)
{
	struct dummy_exporter *d = export_looked_up(test, NULL);
	struct dir_names dn;

	KUNIT_ASSERT_EQ(test, list_dir(test, entry_path(test, d, NULL), &dn),
			0);
	KUNIT_EXPECT_EQ(test, dn.count, 2U);
	KUNIT_EXPECT_EQ(test, dn.dropped, 0U);
	KUNIT_EXPECT_TRUE(test, dir_names_has(&dn, "exporter_name"));
	KUNIT_EXPECT_TRUE(test, dir_names_has(&dn, "size"));
}

static void sysfs_stats_exporter_name(struct kunit *test)
{
	struct dummy_config cfg = { .exp_name = "stats_exporter" };
	struct dummy_exporter *d = export_looked_up(test, &cfg);

	KUNIT_EXPECT_STREQ(test, read_entry(test, d, "exporter_name"),
			   "stats_exporter\n");
}

static void sysfs_stats_size(struct kunit *test)
{
	struct dummy_config cfg = { .size = 6 * PAGE_SIZE };
	struct dummy_exporter *d = export_looked_up(test, &cfg);
	char *expected = dmabuf_test_printf(test, "%lu\n",
					    6 * PAGE_SIZE);

	KUNIT_EXPECT_STREQ(test, read_entry(test, d, "size"), expected);
}

static void sysfs_stats_files_read_only(struct kunit *test)
{
	struct dummy_exporter *d = export_looked_up(test, NULL);
	static const char * const files[] = { "exporter_name", "size" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct file *f = open_path(test, entry_path(test, d, files[i]),
					   O_RDONLY);

		KUNIT_ASSERT_FALSE(test, IS_ERR(f));
		KUNIT_EXPECT_EQ_MSG(test, file_inode(f)->i_mode & 0777, 0444,
				    "%s", files[i]);
		fput(f);
		f = open_path(test, entry_path(test, d, files[i]), O_WRONLY);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(f), "%s writable", files[i]);
		if (!IS_ERR(f))
			fput(f);
	}
}

static void sysfs_stats_entry_per_buffer(struct kunit *test)
{
	struct dummy_config small = { .size = PAGE_SIZE };
	struct dummy_config big = { .size = 4 * PAGE_SIZE };
	struct dummy_exporter *a = export_looked_up(test, &small);
	struct dummy_exporter *b = export_looked_up(test, &big);
	char *size_a = dmabuf_test_printf(test, "%lu\n", PAGE_SIZE);
	char *size_b = dmabuf_test_printf(test, "%lu\n",
					  4 * PAGE_SIZE);

	KUNIT_EXPECT_STREQ(test, read_entry(test, a, "size"), size_a);
	KUNIT_EXPECT_STREQ(test, read_entry(test, b, "size"), size_b);
}

#define BURST	16U

static void sysfs_stats_listed_entries_complete(struct kunit *test)
{
	struct dummy_config cfg = { .exp_name = "stats_burst" };
	struct dummy_exporter *d[BURST];
	unsigned int i, j, n, mine = 0;
	char **names;

	names = kunit_kcalloc(test, 1024, sizeof(*names), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, names);
	for (i = 0; i < BURST; i++) {
		cfg.size = (i + 1) * PAGE_SIZE;
		d[i] = dummy_export(test, &cfg);
	}

	/* Look at once: whatever is listed must be whole and right. */
	n = dir_all(test, BUFFERS_DIR, names, 1024);
	for (j = 0; j < n; j++) {
		unsigned long ino;

		KUNIT_EXPECT_EQ_MSG(test, kstrtoul(names[j], 10, &ino), 0,
				    "entry name '%s' is not a number", names[j]);
		for (i = 0; i < BURST; i++) {
			char *size;

			if (ino != ino_of(d[i]))
				continue;
			mine++;
			KUNIT_EXPECT_STREQ(test,
					   read_entry(test, d[i], "exporter_name"),
					   "stats_burst\n");
			size = dmabuf_test_printf(test, "%lu\n",
						  (i + 1) * PAGE_SIZE);
			KUNIT_EXPECT_STREQ(test, read_entry(test, d[i], "size"),
					   size);
		}
	}
	KUNIT_EXPECT_EQ(test, mine, BURST);
}

static bool wait_gone(struct kunit *test, const char *path)
{
	unsigned long timeout = jiffies + DMABUF_TEST_RELEASE_TIMEOUT * HZ;

	while (path_exists(test, path)) {
		if (time_after(jiffies, timeout))
			return false;
		usleep_range(5000, 10000);
	}
	return true;
}

/*
 * The directory is there when dma_buf_export() returns, before anybody
 * could have learned of the buffer: no descriptor, no fstat(), no wait.
 */
static void sysfs_stats_entry_listed_at_export(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);

	KUNIT_EXPECT_TRUE(test, path_exists(test, entry_path(test, d, NULL)));
	KUNIT_EXPECT_TRUE(test, path_exists(test, entry_path(test, d, "size")));
	KUNIT_EXPECT_TRUE(test, path_exists(test,
					    entry_path(test, d, "exporter_name")));
}

static void put_kobject(void *data)
{
	kobject_put(data);
}

/*
 * The directory of the next buffer cannot be made (its name is taken):
 * the export fails with that error and leaves nothing behind, neither in
 * sysfs nor in memory, and the taken name stays with its owner.  6.1
 * fails the same way but also prints sysfs's duplicate-name backtrace,
 * which a clean-log check counts, hence beyond upstream.
 */
static void sysfs_stats_export_fails_when_dir_fails_beyond_upstream(struct kunit *test)
{
	struct dummy_exporter *probe = dummy_export(test, NULL);
	struct kernfs_node *dmabuf_kn, *buffers_kn;
	struct dummy_exporter *d;
	struct kobject *clash;
	char *name, *size;

	dmabuf_test_need_beyond_upstream(test, "6.1 prints a duplicate-name backtrace");
	sysfs(test);
	dmabuf_kn = kernfs_find_and_get(kernel_kobj->sd, "dmabuf");
	KUNIT_ASSERT_NOT_NULL(test, dmabuf_kn);
	buffers_kn = kernfs_find_and_get(dmabuf_kn, "buffers");
	kernfs_put(dmabuf_kn);
	KUNIT_ASSERT_NOT_NULL(test, buffers_kn);

	/* Inode numbers count up: the next export gets this one. */
	name = dmabuf_test_printf(test, "%lu", ino_of(probe) + 1);
	clash = kobject_create_and_add(name, buffers_kn->priv);
	kernfs_put(buffers_kn);
	KUNIT_ASSERT_NOT_NULL(test, clash);
	dmabuf_test_defer(test, put_kobject, clash);

	d = dummy_exporter_new(test, NULL);
	KUNIT_EXPECT_EQ(test, dummy_exporter_export(d), -EEXIST);
	KUNIT_EXPECT_NULL(test, d->dmabuf);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 0U);

	/* The other directory is untouched, and nothing was added to it. */
	KUNIT_EXPECT_TRUE(test, dir_contains(test, BUFFERS_DIR, name));
	size = dmabuf_test_printf(test, BUFFERS_DIR "/%s/size", name);
	KUNIT_EXPECT_FALSE(test, path_exists(test, size));
}

static void sysfs_stats_entry_removed_on_release(struct kunit *test)
{
	struct dummy_exporter *d = export_looked_up(test, NULL);
	char *path = entry_path(test, d, NULL);
	char *name = dmabuf_test_printf(test, "%lu", ino_of(d));

	KUNIT_ASSERT_TRUE(test, path_exists(test, path));
	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));
	KUNIT_EXPECT_TRUE(test, wait_gone(test, path));
	KUNIT_EXPECT_FALSE(test, dir_contains(test, BUFFERS_DIR, name));
}

static void sysfs_stats_open_file_outlives_buffer(struct kunit *test)
{
	struct dummy_exporter *d = export_looked_up(test, NULL);
	char *path = entry_path(test, d, "size");
	char buf[32];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	f = open_path(test, path, O_RDONLY);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));

	/* Drop every reference; the reader keeps its file open. */
	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));

	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	/* Either refused or the old value, never garbage. */
	if (n > 0) {
		unsigned long size = 0;

		buf[n] = '\0';
		KUNIT_EXPECT_EQ(test, kstrtoul(buf, 10, &size), 0);
		KUNIT_EXPECT_EQ(test, size, PAGE_SIZE);
	} else {
		KUNIT_EXPECT_LT(test, n, (ssize_t)0);
	}
	fput(f);
}

static void sysfs_stats_numbers_not_reused(struct kunit *test)
{
	struct dummy_exporter *a = export_looked_up(test, NULL);
	unsigned long old = ino_of(a);
	struct dummy_exporter *b;

	dummy_put(a);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(a));
	b = export_looked_up(test, NULL);
	KUNIT_EXPECT_NE(test, ino_of(b), old);
	KUNIT_EXPECT_STREQ(test, read_entry(test, b, "size"),
			   dmabuf_test_printf(test, "%lu\n",
					      PAGE_SIZE));
}

static struct kunit_case dma_buf_sysfs_stats_cases[] = {
	KUNIT_CASE(sysfs_stats_directories),
	KUNIT_CASE(sysfs_stats_dmabuf_dir_holds_buffers),
	KUNIT_CASE(sysfs_stats_entry_named_by_inode),
	KUNIT_CASE(sysfs_stats_entry_listed),
	KUNIT_CASE(sysfs_stats_entry_listed_without_fd_lookup),
	KUNIT_CASE(sysfs_stats_entry_files),
	KUNIT_CASE(sysfs_stats_exporter_name),
	KUNIT_CASE(sysfs_stats_size),
	KUNIT_CASE(sysfs_stats_files_read_only),
	KUNIT_CASE(sysfs_stats_entry_per_buffer),
	KUNIT_CASE(sysfs_stats_entry_listed_at_export),
	KUNIT_CASE(sysfs_stats_export_fails_when_dir_fails_beyond_upstream),
	KUNIT_CASE(sysfs_stats_listed_entries_complete),
	KUNIT_CASE(sysfs_stats_entry_removed_on_release),
	KUNIT_CASE(sysfs_stats_open_file_outlives_buffer),
	KUNIT_CASE(sysfs_stats_numbers_not_reused),
	{}
};

static struct kunit_suite dma_buf_sysfs_stats_suite = {
	.name = "dma_buf_sysfs_stats",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_sysfs_stats_cases,
};

kunit_test_suite(dma_buf_sysfs_stats_suite);
