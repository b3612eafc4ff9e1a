// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma-buf-bench: what the core's in-kernel calls cost, in ns per call.
 *
 * Not a test: it passes or fails nothing, it measures.  Loaded, it
 * exports buffers from a minimal exporter of its own (pages it allocates,
 * a scatterlist it builds, no DMA mapping), attaches a device to them and
 * times each of the calls below `iters` times per round, `rounds` rounds,
 * printing the median, lowest and highest ns per call of the rounds:
 *
 *   dma_buf_bench: <case> median_ns=<n> min_ns=<n> max_ns=<n> floor_ns=<n>
 *                  rel_permille=<n>
 *
 * and last "dma_buf_bench: done cases=<n> errors=<n>".  The exporter's
 * own work is the same for every core, so the figures differ only by
 * what the core does around it.  harness/bench.sh loads it on this core
 * and on the tree's original in the same run and compares the two.
 *
 * Cases: attach+detach (static and dynamic importer), map+unmap (cached
 * by the core, uncached, and the _unlocked pair), vmap+vunmap (the first
 * one, which calls the exporter, and one nested in a held vmap),
 * begin+end_cpu_access (idle buffer, and with a signalled fence in its
 * reservation object), move_notify with 1 and 16 dynamic importers,
 * dma_buf_get+dma_buf_put on an fd, and the floor under that last one,
 * fget+fput of the same fd, which also runs after every round of every
 * case (floor_ns, rel_permille: see bench_case()).
 */
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/iosys-map.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

/*
 * From 6.2 on, static maps and kernel mappings are made under the
 * reservation lock too; the bench measures what a user of the line does.
 */
#define BENCH_RESV_LOCKING	(KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE)

static unsigned int iters = 2000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "calls per round (default 2000)");

static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds per case, the median is reported (default 7)");

#define BENCH_PAGES		4
#define BENCH_MAX_ROUNDS	64
#define BENCH_IMPORTERS		16

struct bench_buf {
	struct page *pages[BENCH_PAGES];
	void *vaddr;
};

/* --- the exporter: pages in, a scatterlist out --------------------------- */

static struct sg_table *bench_map(struct dma_buf_attachment *attach,
				  enum dma_data_direction dir)
{
	struct bench_buf *bb = attach->dmabuf->priv;
	struct sg_table *sgt;
	int ret;

	sgt = kmalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages(sgt, bb->pages, BENCH_PAGES, 0,
					BENCH_PAGES * PAGE_SIZE, GFP_KERNEL);
	if (ret) {
		kfree(sgt);
		return ERR_PTR(ret);
	}
	return sgt;
}

static void bench_unmap(struct dma_buf_attachment *attach,
			struct sg_table *sgt, enum dma_data_direction dir)
{
	sg_free_table(sgt);
	kfree(sgt);
}

static void bench_release(struct dma_buf *dmabuf)
{
	struct bench_buf *bb = dmabuf->priv;
	int i;

	vunmap(bb->vaddr);
	for (i = 0; i < BENCH_PAGES; i++)
		__free_page(bb->pages[i]);
	kfree(bb);
}

static int bench_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct bench_buf *bb = dmabuf->priv;

	iosys_map_set_vaddr(map, bb->vaddr);
	return 0;
}

static void bench_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
}

static int bench_cpu_access(struct dma_buf *dmabuf,
			    enum dma_data_direction dir)
{
	return 0;
}

static int bench_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	return -ENODEV;
}

static int bench_pin(struct dma_buf_attachment *attach)
{
	return 0;
}

static void bench_unpin(struct dma_buf_attachment *attach)
{
}

/* The core keeps one mapping per attachment for this exporter. */
static const struct dma_buf_ops bench_cached_ops = {
	.cache_sgt_mapping = true,
	.map_dma_buf = bench_map,
	.unmap_dma_buf = bench_unmap,
	.release = bench_release,
	.vmap = bench_vmap,
	.vunmap = bench_vunmap,
	.begin_cpu_access = bench_cpu_access,
	.end_cpu_access = bench_cpu_access,
	.mmap = bench_mmap,
};

/* Every map reaches the exporter. */
static const struct dma_buf_ops bench_uncached_ops = {
	.map_dma_buf = bench_map,
	.unmap_dma_buf = bench_unmap,
	.release = bench_release,
	.vmap = bench_vmap,
	.vunmap = bench_vunmap,
	.mmap = bench_mmap,
};

/* A dynamic exporter (it can pin), for dynamic importers. */
static const struct dma_buf_ops bench_dynamic_ops = {
	.map_dma_buf = bench_map,
	.unmap_dma_buf = bench_unmap,
	.pin = bench_pin,
	.unpin = bench_unpin,
	.release = bench_release,
	.mmap = bench_mmap,
};

static struct dma_buf *bench_export(const struct dma_buf_ops *ops)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct bench_buf *bb;
	struct dma_buf *dmabuf;
	int i;

	bb = kzalloc(sizeof(*bb), GFP_KERNEL);
	if (!bb)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < BENCH_PAGES; i++) {
		bb->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!bb->pages[i])
			goto free_pages;
	}
	bb->vaddr = vmap(bb->pages, BENCH_PAGES, VM_MAP, PAGE_KERNEL);
	if (!bb->vaddr)
		goto free_pages;

	info.exp_name = "dma_buf_bench";
	info.owner = THIS_MODULE;
	info.ops = ops;
	info.size = BENCH_PAGES * PAGE_SIZE;
	info.flags = O_RDWR;
	info.priv = bb;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf))
		goto unmap;
	return dmabuf;

unmap:
	vunmap(bb->vaddr);
free_pages:
	while (i-- > 0)
		__free_page(bb->pages[i]);
	kfree(bb);
	return ERR_PTR(-ENOMEM);
}

/* --- the importers ------------------------------------------------------- */

static void bench_move_notify(struct dma_buf_attachment *attach)
{
	atomic_inc((atomic_t *)attach->importer_priv);
}

static const struct dma_buf_attach_ops bench_importer_ops = {
	.allow_peer2peer = true,
	.move_notify = bench_move_notify,
};

/* --- timing -------------------------------------------------------------- */

struct bench_ctx {
	struct device *dev;
	struct dma_buf *cached, *uncached, *dynamic, *fenced, *moving;
	struct dma_buf_attachment *cached_att, *uncached_att, *dynamic_att;
	struct dma_buf_attachment *movers[BENCH_IMPORTERS];
	atomic_t moved;
	int fd;
	int errors;
	int cases;
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The floor: the fd of the buffer taken and dropped by the VFS alone, no
 * dma-buf code; what dma_buf_get() and dma_buf_put() cost without the
 * core.  Timed after every round of every case, its ratio to the round
 * tells what the case costs in floors, a figure that holds when TCG on a
 * shared host runs a whole boot, or a minute of it, faster or slower.
 */
static int op_floor_fget_fput(struct bench_ctx *ctx)
{
	struct file *file = fget(ctx->fd);

	if (!file)
		return -EBADF;
	fput(file);
	return 0;
}

static u64 time_calls(struct bench_ctx *ctx, int (*op)(struct bench_ctx *ctx),
		      int *ret)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iters && !*ret; i++)
		*ret = op(ctx);
	return div_u64(ktime_get_ns() - t0, max(iters, 1U));
}

/*
 * Time @op: @rounds rounds of @iters calls, each followed by as many calls
 * of the floor; print the median, lowest and highest ns per call, the
 * floor's median and the median of the rounds' ratios to their floor (in
 * thousandths).  An op returning an error ends the case.
 */
static void bench_case(struct bench_ctx *ctx, const char *name,
		       int (*op)(struct bench_ctx *ctx))
{
	u64 per_call[BENCH_MAX_ROUNDS], floor[BENCH_MAX_ROUNDS];
	u64 rel[BENCH_MAX_ROUNDS];
	unsigned int r, n = clamp(rounds, 1U, (unsigned int)BENCH_MAX_ROUNDS);
	int ret, fret = 0;

	/* one warm-up call, so the first round pays no first-touch costs */
	ret = op(ctx);
	for (r = 0; r < n && !ret && !fret; r++) {
		per_call[r] = time_calls(ctx, op, &ret);
		floor[r] = time_calls(ctx, op_floor_fget_fput, &fret);
		rel[r] = div64_u64(per_call[r] * 1000, max(floor[r], 1ULL));
		cond_resched();
	}
	ctx->cases++;
	if (ret || fret) {
		ctx->errors++;
		pr_info("dma_buf_bench: %s error=%d\n", name, ret ?: fret);
		return;
	}
	sort(per_call, n, sizeof(per_call[0]), cmp_u64, NULL);
	sort(floor, n, sizeof(floor[0]), cmp_u64, NULL);
	sort(rel, n, sizeof(rel[0]), cmp_u64, NULL);
	pr_info("dma_buf_bench: %s median_ns=%llu min_ns=%llu max_ns=%llu floor_ns=%llu rel_permille=%llu\n",
		name, per_call[n / 2], per_call[0], per_call[n - 1],
		floor[n / 2], rel[n / 2]);
}

/* --- the cases ----------------------------------------------------------- */

static int op_attach_static(struct bench_ctx *ctx)
{
	struct dma_buf_attachment *a = dma_buf_attach(ctx->uncached, ctx->dev);

	if (IS_ERR(a))
		return PTR_ERR(a);
	dma_buf_detach(ctx->uncached, a);
	return 0;
}

static int op_attach_dynamic(struct bench_ctx *ctx)
{
	struct dma_buf_attachment *a;

	a = dma_buf_dynamic_attach(ctx->dynamic, ctx->dev, &bench_importer_ops,
				   &ctx->moved);
	if (IS_ERR(a))
		return PTR_ERR(a);
	dma_buf_detach(ctx->dynamic, a);
	return 0;
}

static int map_unmap(struct dma_buf_attachment *a)
{
	struct sg_table *sgt = dma_buf_map_attachment(a, DMA_BIDIRECTIONAL);

	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	dma_buf_unmap_attachment(a, sgt, DMA_BIDIRECTIONAL);
	return 0;
}

/* A static importer's map: under the lock where the line asks for it. */
static int map_unmap_static(struct dma_buf_attachment *a)
{
	int ret;

	if (!BENCH_RESV_LOCKING)
		return map_unmap(a);
	dma_resv_lock(a->dmabuf->resv, NULL);
	ret = map_unmap(a);
	dma_resv_unlock(a->dmabuf->resv);
	return ret;
}

static int op_map_cached(struct bench_ctx *ctx)
{
	return map_unmap_static(ctx->cached_att);
}

static int op_map_uncached(struct bench_ctx *ctx)
{
	return map_unmap_static(ctx->uncached_att);
}

static int op_map_unlocked(struct bench_ctx *ctx)
{
	struct sg_table *sgt;

	sgt = dma_buf_map_attachment_unlocked(ctx->uncached_att,
					      DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	dma_buf_unmap_attachment_unlocked(ctx->uncached_att, sgt,
					  DMA_BIDIRECTIONAL);
	return 0;
}

static int op_map_dynamic(struct bench_ctx *ctx)
{
	int ret;

	dma_resv_lock(ctx->dynamic->resv, NULL);
	ret = map_unmap(ctx->dynamic_att);
	dma_resv_unlock(ctx->dynamic->resv);
	return ret;
}

/* dma_buf_vmap() as a kernel importer without the reservation lock calls it */
static int bench_kmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
#if BENCH_RESV_LOCKING
	return dma_buf_vmap_unlocked(dmabuf, map);
#else
	return dma_buf_vmap(dmabuf, map);
#endif
}

static void bench_kunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
#if BENCH_RESV_LOCKING
	dma_buf_vunmap_unlocked(dmabuf, map);
#else
	dma_buf_vunmap(dmabuf, map);
#endif
}

static int vmap_vunmap(struct dma_buf *dmabuf)
{
	struct iosys_map map;
	int ret = bench_kmap(dmabuf, &map);

	if (ret)
		return ret;
	bench_kunmap(dmabuf, &map);
	return 0;
}

static int op_vmap_first(struct bench_ctx *ctx)
{
	return vmap_vunmap(ctx->uncached);
}

/* ctx->cached is held vmapped around this case */
static int op_vmap_nested(struct bench_ctx *ctx)
{
	return vmap_vunmap(ctx->cached);
}

static int cpu_access(struct dma_buf *dmabuf)
{
	int ret = dma_buf_begin_cpu_access(dmabuf, DMA_BIDIRECTIONAL);

	if (ret)
		return ret;
	return dma_buf_end_cpu_access(dmabuf, DMA_BIDIRECTIONAL);
}

static int op_cpu_access_idle(struct bench_ctx *ctx)
{
	return cpu_access(ctx->cached);
}

static int op_cpu_access_fenced(struct bench_ctx *ctx)
{
	return cpu_access(ctx->fenced);
}

static int op_move_notify(struct bench_ctx *ctx)
{
	dma_resv_lock(ctx->moving->resv, NULL);
	dma_buf_move_notify(ctx->moving);
	dma_resv_unlock(ctx->moving->resv);
	return 0;
}

static int op_get_put(struct bench_ctx *ctx)
{
	struct dma_buf *dmabuf = dma_buf_get(ctx->fd);

	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	dma_buf_put(dmabuf);
	return 0;
}

/* --- set-up and tear-down ------------------------------------------------ */

static int add_signalled_fence(struct dma_buf *dmabuf)
{
	struct dma_fence *fence = dma_fence_allocate_private_stub(ktime_get());
	int ret;

	if (!fence)
		return -ENOMEM;
	dma_resv_lock(dmabuf->resv, NULL);
	ret = dma_resv_reserve_fences(dmabuf->resv, 1);
	if (!ret)
		dma_resv_add_fence(dmabuf->resv, fence, DMA_RESV_USAGE_WRITE);
	dma_resv_unlock(dmabuf->resv);
	dma_fence_put(fence);
	return ret;
}

static int attach_movers(struct bench_ctx *ctx, unsigned int n)
{
	while (n-- > 0) {
		struct dma_buf_attachment *a;

		a = dma_buf_dynamic_attach(ctx->moving, ctx->dev,
					   &bench_importer_ops, &ctx->moved);
		if (IS_ERR(a))
			return PTR_ERR(a);
		ctx->movers[n] = a;
	}
	return 0;
}

static void detach_movers(struct bench_ctx *ctx)
{
	int i;

	for (i = 0; i < BENCH_IMPORTERS; i++) {
		if (ctx->movers[i])
			dma_buf_detach(ctx->moving, ctx->movers[i]);
		ctx->movers[i] = NULL;
	}
}

static void put_buf(struct dma_buf **dmabuf)
{
	if (!IS_ERR_OR_NULL(*dmabuf))
		dma_buf_put(*dmabuf);
	*dmabuf = NULL;
}

static int bench_setup(struct bench_ctx *ctx)
{
	ctx->cached = bench_export(&bench_cached_ops);
	ctx->uncached = bench_export(&bench_uncached_ops);
	ctx->dynamic = bench_export(&bench_dynamic_ops);
	ctx->fenced = bench_export(&bench_cached_ops);
	ctx->moving = bench_export(&bench_dynamic_ops);
	if (IS_ERR(ctx->cached) || IS_ERR(ctx->uncached) ||
	    IS_ERR(ctx->dynamic) || IS_ERR(ctx->fenced) || IS_ERR(ctx->moving))
		return -ENOMEM;

	ctx->cached_att = dma_buf_attach(ctx->cached, ctx->dev);
	if (IS_ERR(ctx->cached_att))
		return PTR_ERR(ctx->cached_att);
	ctx->uncached_att = dma_buf_attach(ctx->uncached, ctx->dev);
	if (IS_ERR(ctx->uncached_att))
		return PTR_ERR(ctx->uncached_att);
	ctx->dynamic_att = dma_buf_dynamic_attach(ctx->dynamic, ctx->dev,
						  &bench_importer_ops,
						  &ctx->moved);
	if (IS_ERR(ctx->dynamic_att))
		return PTR_ERR(ctx->dynamic_att);
	return add_signalled_fence(ctx->fenced);
}

static void bench_teardown(struct bench_ctx *ctx)
{
	detach_movers(ctx);
	if (!IS_ERR_OR_NULL(ctx->dynamic_att))
		dma_buf_detach(ctx->dynamic, ctx->dynamic_att);
	if (!IS_ERR_OR_NULL(ctx->uncached_att))
		dma_buf_detach(ctx->uncached, ctx->uncached_att);
	if (!IS_ERR_OR_NULL(ctx->cached_att))
		dma_buf_detach(ctx->cached, ctx->cached_att);
	put_buf(&ctx->moving);
	put_buf(&ctx->fenced);
	put_buf(&ctx->dynamic);
	put_buf(&ctx->uncached);
	put_buf(&ctx->cached);
}

static void bench_run(struct bench_ctx *ctx)
{
	struct iosys_map held;
	int ret;

	/* an fd of the loading process (insmod), for get+put and the floor */
	get_dma_buf(ctx->cached);
	ctx->fd = dma_buf_fd(ctx->cached, O_CLOEXEC);
	if (ctx->fd < 0) {
		dma_buf_put(ctx->cached);
		ctx->errors++;
		return;
	}

	bench_case(ctx, "k_attach_detach_static", op_attach_static);
	bench_case(ctx, "k_attach_detach_dynamic", op_attach_dynamic);
	bench_case(ctx, "k_map_unmap_cached", op_map_cached);
	bench_case(ctx, "k_map_unmap_uncached", op_map_uncached);
	bench_case(ctx, "k_map_unmap_unlocked", op_map_unlocked);
	bench_case(ctx, "k_map_unmap_dynamic", op_map_dynamic);
	bench_case(ctx, "k_vmap_vunmap_first", op_vmap_first);

	ret = bench_kmap(ctx->cached, &held);
	if (ret) {
		ctx->errors++;
	} else {
		bench_case(ctx, "k_vmap_vunmap_nested", op_vmap_nested);
		bench_kunmap(ctx->cached, &held);
	}

	bench_case(ctx, "k_cpu_access_idle", op_cpu_access_idle);
	bench_case(ctx, "k_cpu_access_fenced", op_cpu_access_fenced);

	ret = attach_movers(ctx, 1);
	if (!ret)
		bench_case(ctx, "k_move_notify_1", op_move_notify);
	detach_movers(ctx);
	ret = ret ?: attach_movers(ctx, BENCH_IMPORTERS);
	if (!ret)
		bench_case(ctx, "k_move_notify_16", op_move_notify);
	detach_movers(ctx);
	if (ret)
		ctx->errors++;

	bench_case(ctx, "k_get_put", op_get_put);
	bench_case(ctx, "k_floor_fget_fput", op_floor_fget_fput);
	close_fd(ctx->fd);
}

static int __init dma_buf_bench_init(void)
{
	struct bench_ctx *ctx;
	struct device *dev;
	int ret;

	dev = root_device_register("dma_buf_bench");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		ret = -ENOMEM;
		goto unregister;
	}
	ctx->dev = dev;

	ret = bench_setup(ctx);
	if (ret)
		pr_info("dma_buf_bench: setup failed: %d\n", ret);
	else
		bench_run(ctx);
	bench_teardown(ctx);
	pr_info("dma_buf_bench: done cases=%d errors=%d iters=%u rounds=%u\n",
		ctx->cases, ctx->errors + !!ret, iters, rounds);
	kfree(ctx);
	ret = 0;
unregister:
	root_device_unregister(dev);
	return ret;
}
module_init(dma_buf_bench_init);

static void __exit dma_buf_bench_exit(void)
{
}
module_exit(dma_buf_bench_exit);

MODULE_DESCRIPTION("Benchmark of the dma-buf core's in-kernel calls");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
