/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-case context shared by the dma-buf KUnit suites.
 *
 * Every suite uses dmabuf_test_init() and dmabuf_test_exit() as its .init
 * and .exit.  The context lives in test->priv.  Everything a case creates
 * (exporters, importers, fences, files, vmas, mounts, devices) is a
 * KUnit resource, so KUnit tears it down newest first when the case ends,
 * even when it stopped half way; an exporter's teardown checks that its
 * buffer was released exactly once with nothing pinned or mapped.
 */
#ifndef DMA_BUF_KUNIT_TEST_UTIL_H
#define DMA_BUF_KUNIT_TEST_UTIL_H

#include <linux/atomic.h>
#include <linux/compiler_attributes.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/version.h>

struct device;
struct dma_buf;
struct kunit;
struct module;
struct vfsmount;
struct vm_area_struct;

#define DMABUF_TEST_MAX_DEVS	3

/*
 * The lock rules of the kernel line the suites run on: from 6.2 on, the
 * reservation lock guards kernel mappings (there is no &dma_buf.lock) and
 * every map and unmap, the one made at attach time included.  Cases whose
 * expectations differ test this, and nothing else does.
 */
#define DMABUF_TEST_AFTER_6_1	(KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE)
#define DMABUF_TEST_RESV_LOCKING	DMABUF_TEST_AFTER_6_1

/* After 6.1, a name too long for the dentry name is not shown at all. */
#define DMABUF_TEST_DNAME_DROPS_LONG_NAME	DMABUF_TEST_AFTER_6_1

/* Seconds a case waits for a buffer release that is expected to happen. */
#define DMABUF_TEST_RELEASE_TIMEOUT	5

struct dmabuf_test {
	struct kunit *test;
	/* Orders the events recorded by exporters, importers and fences. */
	atomic_t clock;
	atomic64_t next_seqno;
	struct device *devs[DMABUF_TEST_MAX_DEVS];
	/* Guards the three lists (cases may create objects from threads). */
	spinlock_t lock;
	struct list_head exporters;
	struct list_head importers;
	struct list_head fences;
	/* Pseudo filesystems mounted for the case, by type name. */
	struct {
		const char *type;
		struct vfsmount *mnt;
	} mounts[2];
};

static inline struct dmabuf_test *dmabuf_test(struct kunit *test)
{
	return test->priv;
}

int dmabuf_test_init(struct kunit *test);
void dmabuf_test_exit(struct kunit *test);

unsigned int dmabuf_test_tick(struct dmabuf_test *ctx);

/*
 * Run @fn(@data) when the case ends, as a KUnit resource: newest first,
 * so before whatever existed when it was registered is torn down.  If no
 * resource can be allocated, runs @fn(@data) at once and fails the case.
 */
void dmabuf_test_defer(struct kunit *test, void (*fn)(void *data), void *data);
/* Run a deferred step now instead of at the end; no-op if not registered. */
void dmabuf_test_run_deferred(struct kunit *test, void (*fn)(void *data),
			      void *data);

/* Add @node to / remove it from one of @ctx's lists, under @ctx->lock. */
void dmabuf_test_link(struct dmabuf_test *ctx, struct list_head *node,
		      struct list_head *list);
void dmabuf_test_unlink(struct dmabuf_test *ctx, struct list_head *node);

/* A registered root device "dma_buf_kunit.<idx>", made on first use. */
struct device *dmabuf_test_device(struct kunit *test, unsigned int idx);

/* A detached vma of @pages pages whose vm_file is a throw-away file. */
struct vm_area_struct *dmabuf_test_vma(struct kunit *test,
				       unsigned long pages);

/*
 * Mount a pseudo filesystem (e.g. "debugfs", "sysfs") privately for the
 * case; skips the case when the filesystem is not available.
 */
struct vfsmount *dmabuf_test_mount(struct kunit *test, const char *fstype);
/*
 * Read a whole file below @mnt into a NUL-terminated, test-managed buffer.
 * Returns an ERR_PTR when the file cannot be opened or read.
 */
char *dmabuf_test_read(struct kunit *test, struct vfsmount *mnt,
		       const char *path, size_t *len);

/* printf into a test-managed string; fails the case when out of memory. */
__printf(2, 3)
char *dmabuf_test_printf(struct kunit *test, const char *fmt, ...);

/*
 * Cases named *_beyond_upstream check what the original core does not
 * (@why says what it does instead); a kernel built against the original
 * core has CONFIG_DMABUF_KUNIT_BEYOND_UPSTREAM=n, which skips them.
 */
void dmabuf_test_need_beyond_upstream(struct kunit *test, const char *why);

/*
 * A test-managed stand-in for a module (live, or going away), with the base
 * reference a loaded module has, for exp_info.owner; skips the case
 * without CONFIG_MODULES.
 */
enum dmabuf_test_module {
	DMABUF_TEST_MODULE_LIVE,
	DMABUF_TEST_MODULE_GOING,
};

struct module *dmabuf_test_fake_module(struct kunit *test,
				       enum dmabuf_test_module state);
/* module_refcount(@mod); 0 without CONFIG_MODULE_UNLOAD, which counts none. */
int dmabuf_test_module_refs(struct module *mod);
/* Skip the case unless the kernel counts module references. */
void dmabuf_test_need_module_unload(struct kunit *test);

/* Let pending final fput()s of kernel threads run now. */
void dmabuf_test_flush_fput(void);

struct iosys_map;
int dmabuf_test_vmap(struct dma_buf *dmabuf, struct iosys_map *map);
void dmabuf_test_vunmap(struct dma_buf *dmabuf, struct iosys_map *map);

#endif /* DMA_BUF_KUNIT_TEST_UTIL_H */
