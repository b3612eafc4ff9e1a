// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-case context and small helpers for the dma-buf KUnit suites.
 */

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/string.h>

#include "dummy-exporter.h"
#include "dummy-importer.h"
#include "test-fence.h"
#include "test-util.h"

MODULE_DESCRIPTION("KUnit suites for the DMA-BUF core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);

int dmabuf_test_init(struct kunit *test)
{
	struct dmabuf_test *ctx;

	/* The first resource of the case, so the last one to go. */
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	atomic_set(&ctx->clock, 0);
	atomic64_set(&ctx->next_seqno, 0);
	spin_lock_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->exporters);
	INIT_LIST_HEAD(&ctx->importers);
	INIT_LIST_HEAD(&ctx->fences);
	test->priv = ctx;
	return 0;
}

struct dmabuf_test_cleanup_work {
	struct kunit *test;
	struct completion done;
};

static int dmabuf_test_cleanup_thread(void *data)
{
	struct dmabuf_test_cleanup_work *w = data;

	kunit_cleanup(w->test);
	complete(&w->done);
	return 0;
}

void dmabuf_test_exit(struct kunit *test)
{
	struct dmabuf_test_cleanup_work w = { .test = test };
	struct task_struct *task;

	/*
	 * Normally .exit runs in the case's own kernel thread, and KUnit
	 * releases the case's resources right after it, there.  When a case
	 * stops early (failed assertion, skip) KUnit runs .exit and the
	 * release from the thread that runs the suites instead, a user task
	 * when the suites are a module, whose final fput()s wait for its
	 * return to user space: a buffer dropped there would not be released
	 * in time for its exporter's check.  Release everything from a fresh
	 * kernel thread then, whose fput()s can be flushed.  KUnit finds
	 * nothing left to release afterwards.
	 */
	if (current->flags & PF_KTHREAD)
		return;
	init_completion(&w.done);
	task = kthread_run(dmabuf_test_cleanup_thread, &w,
			   "dma_buf_kunit_exit");
	if (!IS_ERR(task))
		wait_for_completion(&w.done);
}

unsigned int dmabuf_test_tick(struct dmabuf_test *ctx)
{
	return atomic_inc_return(&ctx->clock);
}

void dmabuf_test_link(struct dmabuf_test *ctx, struct list_head *node,
		      struct list_head *list)
{
	spin_lock(&ctx->lock);
	list_add_tail(node, list);
	spin_unlock(&ctx->lock);
}

void dmabuf_test_unlink(struct dmabuf_test *ctx, struct list_head *node)
{
	spin_lock(&ctx->lock);
	list_del(node);
	spin_unlock(&ctx->lock);
}

/* A deferred step: the data of its KUnit resource. */
struct dmabuf_test_step {
	void (*fn)(void *data);
	void *data;
};

static int dmabuf_test_step_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void dmabuf_test_step_free(struct kunit_resource *res)
{
	struct dmabuf_test_step *step = res->data;

	step->fn(step->data);
	kfree(step);
}

void dmabuf_test_defer(struct kunit *test, void (*fn)(void *data), void *data)
{
	struct dmabuf_test_step *step;

	step = kmalloc(sizeof(*step), GFP_KERNEL);
	if (step) {
		step->fn = fn;
		step->data = data;
		if (kunit_alloc_resource(test, dmabuf_test_step_init,
					 dmabuf_test_step_free, GFP_KERNEL,
					 step))
			return;
		kfree(step);
	}
	fn(data);
	KUNIT_FAIL(test, "no memory for a clean-up step");
}

/* The step @match_data describes: this function on this data. */
static bool dmabuf_test_step_match(struct kunit *test,
				   struct kunit_resource *res,
				   void *match_data)
{
	const struct dmabuf_test_step *want = match_data;
	const struct dmabuf_test_step *step = res->data;

	return res->free == dmabuf_test_step_free &&
	       step->fn == want->fn && step->data == want->data;
}

/* Run the resource's step now: unlink it, then drop find's reference. */
static void dmabuf_test_step_run(struct kunit *test,
				 struct kunit_resource *res)
{
	kunit_remove_resource(test, res);
	kunit_put_resource(res);
}

void dmabuf_test_run_deferred(struct kunit *test, void (*fn)(void *data),
			      void *data)
{
	struct dmabuf_test_step want = { .fn = fn, .data = data };
	struct kunit_resource *res;

	res = kunit_find_resource(test, dmabuf_test_step_match, &want);
	if (res)
		dmabuf_test_step_run(test, res);
}

static void dmabuf_test_unregister_device(void *data)
{
	root_device_unregister(data);
}

struct device *dmabuf_test_device(struct kunit *test, unsigned int idx)
{
	struct dmabuf_test *ctx = dmabuf_test(test);
	char name[32];
	struct device *dev;

	KUNIT_ASSERT_LT(test, idx, DMABUF_TEST_MAX_DEVS);
	if (ctx->devs[idx])
		return ctx->devs[idx];

	snprintf(name, sizeof(name), "dma_buf_kunit.%u", idx);
	/*
	 * No owner: as a module the suites run from the module notifier,
	 * before the module has its sysfs directory for the "module" link
	 * that root_device_register() would make.
	 */
	dev = __root_device_register(name, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	ctx->devs[idx] = dev;
	dmabuf_test_defer(test, dmabuf_test_unregister_device, dev);
	return dev;
}

static const struct file_operations dmabuf_test_other_fops = {
	.owner = THIS_MODULE,
};

static void dmabuf_test_vma_undo(void *data)
{
	struct vm_area_struct *vma = data;

	if (vma->vm_file)
		fput(vma->vm_file);
	kfree(vma);
}

struct vm_area_struct *dmabuf_test_vma(struct kunit *test,
				       unsigned long pages)
{
	struct vm_area_struct *vma;
	struct file *file;

	file = anon_inode_getfile("dma_buf_kunit_vma",
				  &dmabuf_test_other_fops, NULL, O_RDWR);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "no file for the vma");
	vma = kzalloc(sizeof(*vma), GFP_KERNEL);
	if (!vma)
		fput(file);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	/* Never entered into an mm: only the fields the core reads. */
	vma->vm_start = 0x100000;
	vma->vm_end = vma->vm_start + pages * PAGE_SIZE;
	vma->vm_file = file;
	dmabuf_test_defer(test, dmabuf_test_vma_undo, vma);
	return vma;
}

static void dmabuf_test_unmount(void *data)
{
	dmabuf_test_flush_fput();
	kern_unmount(data);
}

struct vfsmount *dmabuf_test_mount(struct kunit *test, const char *fstype)
{
	struct dmabuf_test *ctx = dmabuf_test(test);
	struct file_system_type *type;
	struct vfsmount *mnt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctx->mounts); i++) {
		if (ctx->mounts[i].type && !strcmp(ctx->mounts[i].type, fstype))
			return ctx->mounts[i].mnt;
	}
	for (i = 0; i < ARRAY_SIZE(ctx->mounts); i++) {
		if (!ctx->mounts[i].type)
			break;
	}
	KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(ctx->mounts));

	type = get_fs_type(fstype);
	if (!type)
		kunit_skip(test, "no %s filesystem", fstype);
	mnt = kern_mount(type);
	/* Built-in pseudo filesystems: the type has no module to put. */
	if (IS_ERR(mnt))
		kunit_skip(test, "cannot mount %s: %ld", fstype, PTR_ERR(mnt));
	dmabuf_test_defer(test, dmabuf_test_unmount, mnt);
	ctx->mounts[i].type = fstype;
	ctx->mounts[i].mnt = mnt;
	return mnt;
}

/*
 * debugfs hands out a proxy whose read cannot take a kernel buffer; when
 * the file behind it is a seq_file, read that seq_file directly.  On
 * success the debugfs file is held (as the proxy would hold it) until
 * dmabuf_test_seq_done().
 */
static bool dmabuf_test_seq_backed(struct file *file)
{
#ifdef CONFIG_DEBUG_FS
	const struct file_operations *real;

	if (file->f_op->read_iter || !file->f_op->read)
		return false;
	if (debugfs_file_get(file->f_path.dentry))
		return false;
	real = debugfs_real_fops(file);
	if (real && (real->read == seq_read ||
		     real->read_iter == seq_read_iter))
		return true;
	debugfs_file_put(file->f_path.dentry);
#endif
	return false;
}

static void dmabuf_test_seq_done(struct file *file)
{
#ifdef CONFIG_DEBUG_FS
	debugfs_file_put(file->f_path.dentry);
#endif
}

static ssize_t dmabuf_test_read_chunk(struct file *file, bool seq, char *buf,
				      size_t len, loff_t *pos)
{
	struct kvec kvec = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t ret;

	if (!seq)
		return kernel_read(file, buf, len, pos);

	init_sync_kiocb(&kiocb, file);
	kiocb.ki_pos = *pos;
	iov_iter_kvec(&iter, READ, &kvec, 1, len);
	ret = seq_read_iter(&kiocb, &iter);
	*pos = kiocb.ki_pos;
	return ret;
}

char *dmabuf_test_read(struct kunit *test, struct vfsmount *mnt,
		       const char *path, size_t *lenp)
{
	size_t cap = PAGE_SIZE, len = 0;
	struct file *file;
	char *buf, *out;
	loff_t pos = 0;
	ssize_t n;
	bool seq;

	file = file_open_root_mnt(mnt, path, O_RDONLY, 0);
	if (IS_ERR(file))
		return ERR_CAST(file);
	seq = dmabuf_test_seq_backed(file);

	buf = kvmalloc(cap, GFP_KERNEL);
	if (!buf) {
		fput(file);
		return ERR_PTR(-ENOMEM);
	}
	for (;;) {
		if (cap - len < 256) {
			char *bigger = kvmalloc(cap * 2, GFP_KERNEL);

			if (!bigger) {
				n = -ENOMEM;
				break;
			}
			memcpy(bigger, buf, len);
			kvfree(buf);
			buf = bigger;
			cap *= 2;
		}
		n = dmabuf_test_read_chunk(file, seq, buf + len,
					   cap - len - 1, &pos);
		if (n <= 0)
			break;
		len += n;
	}
	if (seq)
		dmabuf_test_seq_done(file);
	fput(file);
	if (n < 0) {
		kvfree(buf);
		return ERR_PTR(n);
	}

	out = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	if (out) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	kvfree(buf);
	if (!out)
		return ERR_PTR(-ENOMEM);
	if (lenp)
		*lenp = len;
	return out;
}

char *dmabuf_test_printf(struct kunit *test, const char *fmt, ...)
{
	va_list args;
	char *tmp, *out;

	va_start(args, fmt);
	tmp = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	KUNIT_ASSERT_NOT_NULL(test, tmp);

	out = kunit_kmalloc(test, strlen(tmp) + 1, GFP_KERNEL);
	if (out)
		strcpy(out, tmp);
	kfree(tmp);
	KUNIT_ASSERT_NOT_NULL(test, out);
	return out;
}

struct module *dmabuf_test_fake_module(struct kunit *test,
				       enum dmabuf_test_module state)
{
#ifdef CONFIG_MODULES
	struct module *mod = kunit_kzalloc(test, sizeof(*mod), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mod);
	mod->state = state == DMABUF_TEST_MODULE_GOING ? MODULE_STATE_GOING :
							 MODULE_STATE_LIVE;
	strscpy(mod->name, "dma_buf_kunit_fake", sizeof(mod->name));
#ifdef CONFIG_MODULE_UNLOAD
	atomic_set(&mod->refcnt, 1);
#endif
	return mod;
#else
	kunit_skip(test, "needs CONFIG_MODULES");
	return NULL;
#endif
}

int dmabuf_test_module_refs(struct module *mod)
{
#ifdef CONFIG_MODULE_UNLOAD
	return module_refcount(mod);
#else
	return 0;
#endif
}

void dmabuf_test_need_module_unload(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_MODULE_UNLOAD))
		kunit_skip(test, "needs CONFIG_MODULE_UNLOAD");
}

/*
 * A kernel mapping made the way a kernel user of the line makes one
 * without holding the reservation lock: dma_buf_vmap() itself in 6.1,
 * dma_buf_vmap_unlocked() from 6.2 on.
 */
int dmabuf_test_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
#if DMABUF_TEST_RESV_LOCKING
	return dma_buf_vmap_unlocked(dmabuf, map);
#else
	return dma_buf_vmap(dmabuf, map);
#endif
}

void dmabuf_test_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
#if DMABUF_TEST_RESV_LOCKING
	dma_buf_vunmap_unlocked(dmabuf, map);
#else
	dma_buf_vunmap(dmabuf, map);
#endif
}

void dmabuf_test_flush_fput(void)
{
	/*
	 * A kernel thread's last fput() is queued for a worker; run the
	 * queue here.  A worker that already took the queue finishes on its
	 * own, which is why callers wait for completions rather than rely
	 * on this alone.
	 */
	flush_delayed_fput();
}

/*
 * A build option rather than a module parameter: a module's suites run
 * from the module notifier, before its parameters are parsed.
 */
void dmabuf_test_need_beyond_upstream(struct kunit *test, const char *why)
{
	if (!IS_ENABLED(CONFIG_DMABUF_KUNIT_BEYOND_UPSTREAM))
		kunit_skip(test, "%s (CONFIG_DMABUF_KUNIT_BEYOND_UPSTREAM=n)", why);
}
