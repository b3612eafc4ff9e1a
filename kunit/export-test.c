// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit cases for exporting a dma-buf and for the references and file
 * object that come with it: dma_buf_export(), dma_buf_fd() where it
 * fails, dma_buf_get() of bad descriptors, dma_buf_put(), get_dma_buf(),
 * dma_buf_is_dynamic() and DEFINE_DMA_BUF_EXPORT_INFO().  Descriptors
 * themselves are tested from userspace.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/dma-resv.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/resource.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/dma-buf.h>

#include "dummy-exporter.h"
#include "test-fence.h"
#include "test-util.h"

/* dma_buf_export */

static void export_fills_in_buffer(struct kunit *test)
{
	struct dummy_config cfg = { .size = 3 * PAGE_SIZE };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct dma_buf *dmabuf = d->dmabuf;

	KUNIT_EXPECT_EQ(test, dmabuf->size, 3 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, dmabuf->ops, (const struct dma_buf_ops *)&d->ops);
	KUNIT_EXPECT_PTR_EQ(test, dmabuf->priv, (void *)d);
	KUNIT_EXPECT_STREQ(test, dmabuf->exp_name, KBUILD_MODNAME);
	KUNIT_EXPECT_PTR_EQ(test, dmabuf->owner, THIS_MODULE);
	KUNIT_EXPECT_NOT_NULL(test, dmabuf->file);
	KUNIT_EXPECT_NULL(test, dmabuf->name);
	KUNIT_EXPECT_TRUE(test, list_empty(&dmabuf->attachments));
	KUNIT_EXPECT_EQ(test, dmabuf->vmapping_counter, 0U);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&dmabuf->vmap_ptr));
}

static void export_keeps_exporter_name(struct kunit *test)
{
	struct dummy_config cfg = { .exp_name = "some_exporter" };
	struct dummy_exporter *d = dummy_export(test, &cfg);

	KUNIT_EXPECT_STREQ(test, d->dmabuf->exp_name, "some_exporter");
}

static void export_info_macro_defaults(struct kunit *test)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);

	KUNIT_EXPECT_STREQ(test, info.exp_name, KBUILD_MODNAME);
	KUNIT_EXPECT_PTR_EQ(test, info.owner, THIS_MODULE);
	KUNIT_EXPECT_NULL(test, info.ops);
	KUNIT_EXPECT_EQ(test, info.size, (size_t)0);
	KUNIT_EXPECT_EQ(test, info.flags, 0);
	KUNIT_EXPECT_NULL(test, info.resv);
	KUNIT_EXPECT_NULL(test, info.priv);
}

static void export_without_optional_ops(struct kunit *test)
{
	struct dummy_config cfg = { .omit = DUMMY_OPTIONAL_OPS };
	struct dummy_exporter *d = dummy_exporter_new(test, &cfg);

	KUNIT_EXPECT_EQ(test, dummy_exporter_export(d), 0);
}

static void export_static_is_not_dynamic(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);

	KUNIT_EXPECT_FALSE(test, dma_buf_is_dynamic(d->dmabuf));
}

static void export_with_pin_is_dynamic(struct kunit *test)
{
	struct dummy_config cfg = { .dynamic = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);

	KUNIT_EXPECT_TRUE(test, dma_buf_is_dynamic(d->dmabuf));
}

static void export_cache_sgt_mapping_accepted(struct kunit *test)
{
	struct dummy_config cfg = { .cache_sgt_mapping = true };
	struct dummy_exporter *d = dummy_exporter_new(test, &cfg);

	KUNIT_EXPECT_EQ(test, dummy_exporter_export(d), 0);
}

static void export_embeds_resv(struct kunit *test)
{
	struct dummy_exporter *a = dummy_export(test, NULL);
	struct dummy_exporter *b = dummy_export(test, NULL);

	KUNIT_ASSERT_NOT_NULL(test, a->dmabuf->resv);
	KUNIT_ASSERT_NOT_NULL(test, b->dmabuf->resv);
	KUNIT_EXPECT_PTR_NE(test, a->dmabuf->resv, b->dmabuf->resv);

	/* Initialised and usable. */
	KUNIT_EXPECT_EQ(test, dma_resv_lock(a->dmabuf->resv, NULL), 0);
	KUNIT_EXPECT_EQ(test, dma_resv_reserve_fences(a->dmabuf->resv, 1), 0);
	dma_resv_unlock(a->dmabuf->resv);
}

static void export_uses_given_resv(struct kunit *test)
{
	struct dummy_config cfg = { };
	struct dummy_exporter *d;
	struct dma_resv *resv;

	resv = kunit_kzalloc(test, sizeof(*resv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, resv);
	dma_resv_init(resv);
	cfg.resv = resv;

	d = dummy_export(test, &cfg);
	KUNIT_EXPECT_PTR_EQ(test, d->dmabuf->resv, resv);

	dummy_put(d);
	KUNIT_EXPECT_TRUE(test, dummy_wait_released(d));
	dma_resv_fini(resv);
}

static void release_keeps_given_resv(struct kunit *test)
{
	struct dummy_config cfg = { };
	struct dummy_exporter *d;
	struct dma_resv *resv;

	resv = kunit_kzalloc(test, sizeof(*resv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, resv);
	dma_resv_init(resv);
	cfg.resv = resv;

	d = dummy_export(test, &cfg);
	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));

	/* The caller's object is left alone by the release. */
	KUNIT_EXPECT_EQ(test, dma_resv_lock(resv, NULL), 0);
	KUNIT_EXPECT_EQ(test, dma_resv_reserve_fences(resv, 1), 0);
	dma_resv_unlock(resv);
	dma_resv_fini(resv);
}

/*
 * Whether the buffer carries its own reservation object must never be
 * guessed from addresses: the allocation behind a buffer that uses the
 * exporter's object ends past the struct, so no other object, such as
 * that exporter's reservation object, can start right behind it.
 */
static void export_given_resv_never_right_behind_buffer(struct kunit *test)
{
	struct dummy_config cfg = { };
	struct dummy_exporter *d;
	struct dma_resv *resv;

	resv = kunit_kzalloc(test, sizeof(*resv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, resv);
	dma_resv_init(resv);
	cfg.resv = resv;

	d = dummy_export(test, &cfg);
	KUNIT_EXPECT_GT(test, ksize(d->dmabuf), sizeof(struct dma_buf));
	KUNIT_EXPECT_PTR_NE(test, (void *)(d->dmabuf + 1), (void *)resv);

	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));
	dma_resv_fini(resv);
}

/* A given reservation object keeps its fences across the release. */
static void release_keeps_fences_of_given_resv(struct kunit *test)
{
	struct dummy_config cfg = { };
	struct dummy_exporter *d;
	struct dma_resv *resv;
	struct test_fence *f;

	resv = kunit_kzalloc(test, sizeof(*resv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, resv);
	dma_resv_init(resv);
	cfg.resv = resv;

	f = test_fence_add_new(test, resv, DMA_RESV_USAGE_WRITE);
	d = dummy_export(test, &cfg);
	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));

	/* Still held by the object: the test's reference and the resv's. */
	KUNIT_EXPECT_EQ(test, kref_read(&f->base.refcount), 2U);
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(resv,
							DMA_RESV_USAGE_WRITE));
	test_fence_signal(f);
	dma_resv_fini(resv);
}

/* The sysfs statistics need a name: 6.1 refuses a nameless exporter. */
static void export_without_exp_name_einval(struct kunit *test)
{
	struct dummy_config cfg = { .no_exp_name = true };
	struct dummy_exporter *d;

	if (!IS_ENABLED(CONFIG_DMABUF_SYSFS_STATS))
		kunit_skip(test, "needs CONFIG_DMABUF_SYSFS_STATS");

	d = dummy_exporter_new(test, &cfg);
	KUNIT_EXPECT_EQ(test, dummy_exporter_export(d), -EINVAL);
	KUNIT_EXPECT_NULL(test, d->dmabuf);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 0U);
}

static void export_without_exp_name_no_stats(struct kunit *test)
{
	struct dummy_config cfg = { .no_exp_name = true };
	struct dummy_exporter *d;

	if (IS_ENABLED(CONFIG_DMABUF_SYSFS_STATS))
		kunit_skip(test, "CONFIG_DMABUF_SYSFS_STATS refuses it");

	d = dummy_export(test, &cfg);
	KUNIT_EXPECT_NULL(test, d->dmabuf->exp_name);
}

static void release_drops_fences(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct test_fence *w, *r;

	w = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	r = test_fence_add_new(test, d->dmabuf->resv, DMA_RESV_USAGE_READ);
	test_fence_signal(w);
	KUNIT_EXPECT_EQ(test, kref_read(&w->base.refcount), 2U);
	KUNIT_EXPECT_EQ(test, kref_read(&r->base.refcount), 2U);

	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));
	/* Only the test's own references are left. */
	KUNIT_EXPECT_EQ(test, kref_read(&w->base.refcount), 1U);
	KUNIT_EXPECT_EQ(test, kref_read(&r->base.refcount), 1U);
}

static void export_zero_size(struct kunit *test)
{
	struct dummy_config cfg = { .size = 0 };
	struct dummy_exporter *d = dummy_exporter_new(test, &cfg);

	/* The core does not judge the size; an empty buffer is exported. */
	d->size = 0;
	KUNIT_ASSERT_EQ(test, dummy_exporter_export(d), 0);
	KUNIT_EXPECT_EQ(test, d->dmabuf->size, (size_t)0);
	KUNIT_EXPECT_EQ(test, i_size_read(file_inode(d->dmabuf->file)),
			(loff_t)0);
}

static void export_file_flags_filtered(struct kunit *test)
{
	struct dummy_config cfg = {
		.flags = O_RDWR | O_NONBLOCK | O_CLOEXEC | O_APPEND | O_SYNC |
			 O_TRUNC | O_EXCL,
	};
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct file *file = d->dmabuf->file;

	KUNIT_EXPECT_EQ(test, file->f_flags, (unsigned int)(O_RDWR | O_NONBLOCK));
	KUNIT_EXPECT_TRUE(test, file->f_mode & FMODE_READ);
	KUNIT_EXPECT_TRUE(test, file->f_mode & FMODE_WRITE);
}

static void export_read_only_file(struct kunit *test)
{
	struct dummy_config cfg = { .flags = O_RDONLY, .keep_flags = true };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct file *file = d->dmabuf->file;

	KUNIT_EXPECT_EQ(test, file->f_flags & O_ACCMODE, (unsigned int)O_RDONLY);
	KUNIT_EXPECT_TRUE(test, file->f_mode & FMODE_READ);
	KUNIT_EXPECT_FALSE(test, file->f_mode & FMODE_WRITE);
}

static void export_inode_size(struct kunit *test)
{
	struct dummy_config cfg = { .size = 5 * PAGE_SIZE };
	struct dummy_exporter *d = dummy_export(test, &cfg);
	struct inode *inode = file_inode(d->dmabuf->file);

	KUNIT_EXPECT_EQ(test, i_size_read(inode), (loff_t)(5 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, inode_get_bytes(inode), (loff_t)(5 * PAGE_SIZE));
}

static void export_inode_numbers_unique(struct kunit *test)
{
	struct dummy_exporter *a = dummy_export(test, NULL);
	struct dummy_exporter *b = dummy_export(test, NULL);
	unsigned long ino_a = file_inode(a->dmabuf->file)->i_ino;
	unsigned long ino_b = file_inode(b->dmabuf->file)->i_ino;
	struct dummy_exporter *c;

	KUNIT_EXPECT_NE(test, ino_a, ino_b);
	KUNIT_EXPECT_PTR_NE(test, file_inode(a->dmabuf->file),
			    file_inode(b->dmabuf->file));

	/* A number is not handed out again after its buffer is gone. */
	dummy_put(a);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(a));
	c = dummy_export(test, NULL);
	KUNIT_EXPECT_NE(test, file_inode(c->dmabuf->file)->i_ino, ino_a);
	KUNIT_EXPECT_NE(test, file_inode(c->dmabuf->file)->i_ino, ino_b);
}

static void export_dentry_name(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	char *buf = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	char *path;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	path = d_path(&d->dmabuf->file->f_path, buf, PATH_MAX);
	KUNIT_ASSERT_FALSE(test, IS_ERR(path));
	KUNIT_EXPECT_STREQ(test, path, "/dmabuf:");
}

/*
 * The link text shows at most DMA_BUF_NAME_LEN - 1 characters of the
 * name.  Of one a driver set itself, longer than SET_NAME allows, 6.1
 * shows that much and later lines nothing.
 */
static void dentry_name_truncates_long_name(struct kunit *test)
{
	static const char long_name[] =
		"a-name-set-by-a-driver-longer-than-dma-buf-name-len";
	struct dummy_exporter *d = dummy_export(test, NULL);
	char *buf = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	char *name = kstrdup(long_name, GFP_KERNEL);
	char *path, *want;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, name);
	spin_lock(&d->dmabuf->name_lock);
	d->dmabuf->name = name;		/* freed with the buffer */
	spin_unlock(&d->dmabuf->name_lock);

	path = d_path(&d->dmabuf->file->f_path, buf, PATH_MAX);
	KUNIT_ASSERT_FALSE(test, IS_ERR(path));
	want = dmabuf_test_printf(test, "/dmabuf:%.*s", DMA_BUF_NAME_LEN - 1,
				  DMABUF_TEST_DNAME_DROPS_LONG_NAME ? "" :
				  long_name);
	KUNIT_EXPECT_STREQ(test, path, want);
}

static void export_file_is_private_to_buffer(struct kunit *test)
{
	struct dummy_exporter *a = dummy_export(test, NULL);
	struct dummy_exporter *b = dummy_export(test, NULL);

	KUNIT_EXPECT_PTR_NE(test, a->dmabuf->file, b->dmabuf->file);
	KUNIT_EXPECT_EQ(test, file_count(a->dmabuf->file), 1L);
}

static void export_takes_module_reference(struct kunit *test)
{
	struct dummy_config cfg = { .set_owner = true };
	struct dummy_exporter *d;
	struct module *mod;
	unsigned long timeout;

	dmabuf_test_need_module_unload(test);
	mod = dmabuf_test_fake_module(test, DMABUF_TEST_MODULE_LIVE);
	cfg.owner = mod;
	d = dummy_export(test, &cfg);

	KUNIT_EXPECT_PTR_EQ(test, d->dmabuf->owner, mod);
	KUNIT_EXPECT_EQ(test, dmabuf_test_module_refs(mod), 1);

	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));
	/* The reference goes after ops->release returned. */
	timeout = jiffies + DMABUF_TEST_RELEASE_TIMEOUT * HZ;
	while (dmabuf_test_module_refs(mod) && time_before(jiffies, timeout))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, dmabuf_test_module_refs(mod), 0);
}

static void export_dying_module_enoent(struct kunit *test)
{
	struct dummy_config cfg = { .set_owner = true };
	struct dummy_exporter *d;

	cfg.owner = dmabuf_test_fake_module(test, DMABUF_TEST_MODULE_GOING);
	d = dummy_exporter_new(test, &cfg);

	KUNIT_EXPECT_EQ(test, dummy_exporter_export(d), -ENOENT);
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 0U);
	KUNIT_EXPECT_EQ(test, dmabuf_test_module_refs(cfg.owner), 0);
}

static void get_dma_buf_takes_reference(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct file *file = d->dmabuf->file;

	KUNIT_EXPECT_EQ(test, file_count(file), 1L);
	get_dma_buf(d->dmabuf);
	KUNIT_EXPECT_EQ(test, file_count(file), 2L);
	dma_buf_put(d->dmabuf);
	KUNIT_EXPECT_EQ(test, file_count(file), 1L);
	KUNIT_EXPECT_FALSE(test, dummy_released(d));
}

static void release_runs_once_after_last_put(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);

	get_dma_buf(d->dmabuf);
	get_dma_buf(d->dmabuf);

	dma_buf_put(d->dmabuf);
	KUNIT_EXPECT_FALSE(test, dummy_released(d));
	dma_buf_put(d->dmabuf);
	KUNIT_EXPECT_FALSE(test, dummy_released(d));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 0U);

	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 1U);
}

static void release_once_when_fd_fails(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct rlimit *nofile = &current->signal->rlim[RLIMIT_NOFILE];
	unsigned long saved;
	int fd;

	/* No descriptor can be allocated while the limit is 0. */
	task_lock(current->group_leader);
	saved = nofile->rlim_cur;
	nofile->rlim_cur = 0;
	task_unlock(current->group_leader);

	fd = dma_buf_fd(d->dmabuf, O_CLOEXEC);

	task_lock(current->group_leader);
	nofile->rlim_cur = saved;
	task_unlock(current->group_leader);

	if (fd >= 0)
		close_fd(fd);	/* (only if the core got it wrong) */
	KUNIT_ASSERT_EQ(test, fd, -EMFILE);

	/* The caller still owns the buffer and drops it. */
	dummy_put(d);
	KUNIT_ASSERT_TRUE(test, dummy_wait_released(d));
	KUNIT_EXPECT_EQ(test, dummy_calls(d, DUMMY_RELEASE), 1U);
}

static struct kunit_case dma_buf_export_cases[] = {
	KUNIT_CASE(export_fills_in_buffer),
	KUNIT_CASE(export_keeps_exporter_name),
	KUNIT_CASE(export_info_macro_defaults),
	KUNIT_CASE(export_without_optional_ops),
	KUNIT_CASE(export_static_is_not_dynamic),
	KUNIT_CASE(export_with_pin_is_dynamic),
	KUNIT_CASE(export_cache_sgt_mapping_accepted),
	KUNIT_CASE(export_embeds_resv),
	KUNIT_CASE(export_uses_given_resv),
	KUNIT_CASE(release_keeps_given_resv),
	KUNIT_CASE(export_given_resv_never_right_behind_buffer),
	KUNIT_CASE(release_keeps_fences_of_given_resv),
	KUNIT_CASE(export_without_exp_name_einval),
	KUNIT_CASE(export_without_exp_name_no_stats),
	KUNIT_CASE(release_drops_fences),
	KUNIT_CASE(export_zero_size),
	KUNIT_CASE(export_file_flags_filtered),
	KUNIT_CASE(export_read_only_file),
	KUNIT_CASE(export_inode_size),
	KUNIT_CASE(export_inode_numbers_unique),
	KUNIT_CASE(export_dentry_name),
	KUNIT_CASE(dentry_name_truncates_long_name),
	KUNIT_CASE(export_file_is_private_to_buffer),
	KUNIT_CASE(export_takes_module_reference),
	KUNIT_CASE(export_dying_module_enoent),
	KUNIT_CASE(get_dma_buf_takes_reference),
	KUNIT_CASE(release_runs_once_after_last_put),
	KUNIT_CASE(release_once_when_fd_fails),
	{}
};

static struct kunit_suite dma_buf_export_suite = {
	.name = "dma_buf_export",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_export_cases,
};

/*
 * dma_buf_fd, dma_buf_get, dma_buf_put: only what needs no descriptor in
 * the fd table kernel threads share.  Installing, looking up and closing
 * descriptors is tested from userspace (tests/userspace/dmabuf-uapi.c).
 */

static void fd_null_buffer_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dma_buf_fd(NULL, O_CLOEXEC), -EINVAL);
}

static void get_bad_fd_ebadf(struct kunit *test)
{
	KUNIT_EXPECT_PTR_EQ(test, dma_buf_get(-1), ERR_PTR(-EBADF));
	KUNIT_EXPECT_PTR_EQ(test, dma_buf_get(INT_MAX), ERR_PTR(-EBADF));
}

static void put_drops_reference(struct kunit *test)
{
	struct dummy_exporter *d = dummy_export(test, NULL);
	struct file *file = d->dmabuf->file;

	get_dma_buf(d->dmabuf);
	KUNIT_ASSERT_EQ(test, file_count(file), 2L);
	dma_buf_put(d->dmabuf);
	KUNIT_EXPECT_EQ(test, file_count(file), 1L);
}

static struct kunit_case dma_buf_fd_cases[] = {
	KUNIT_CASE(fd_null_buffer_einval),
	KUNIT_CASE(get_bad_fd_ebadf),
	KUNIT_CASE(put_drops_reference),
	{}
};

static struct kunit_suite dma_buf_fd_suite = {
	.name = "dma_buf_fd",
	.init = dmabuf_test_init,
	.exit = dmabuf_test_exit,
	.test_cases = dma_buf_fd_cases,
};

kunit_test_suites(&dma_buf_export_suite, &dma_buf_fd_suite);
