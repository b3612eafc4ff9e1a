// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-dmabuf: what each userspace entry point of the dma-buf core costs.
 *
 * Each workload is timed for `iters` operations per round, `rounds` rounds
 * after one warm-up round, and reported as the median (and lowest and
 * highest) ns per operation:
 *
 *   # BENCH <name> median=<v> min=<v> max=<v> unit=<ns|bytes>
 *
 * harness/bench.sh boots this core and the tree's original in turn, runs
 * this program on each (BENCH_FULL=1) and compares the figures.  In the
 * test VM (no BENCH_FULL) it runs every workload a few times, so that it
 * cannot rot, and each workload is one KTAP case that passes when it ran.
 *
 * Workloads: export+fd+close (system heap and udmabuf, one page and
 * 1 MiB), dup+close, fstat, fdinfo read, SET_NAME, llseek SEEK_END, SYNC
 * START+END, poll without fences, EXPORT_SYNC_FILE, IMPORT_SYNC_FILE,
 * mmap+touch+munmap, vgem PRIME import+close, bufinfo and sysfs walks
 * with 1k live buffers; growth: export+close with 1, 1k, 10k and 100k
 * live buffers, bufinfo with 1, 1k and 10k, export with 1 and 2 threads,
 * slab bytes per buffer; the floor: eventfd+close, memfd_create+close and
 * an ioctl the VFS answers itself.
 *
 * Environment: BENCH_FULL=1, BENCH_SCALE=<percent of the default
 * iterations>, BENCH_ROUNDS=<n>, BENCH_ONLY=<name prefix>.
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <drm/drm.h>

static int full;
static long scale = 100;
static int nrounds = 5;
static const char *only;
static int case_no;
static int failures;

struct work {
	int fd;			/* the buffer most workloads act on */
	int drm;		/* vgem, or -1 */
	int sync_fd;		/* a sync file of the buffer */
	int memfd_4k, memfd_1m;	/* sealed memfds for udmabuf */
	int udev;		/* /dev/udmabuf */
	void *map;
	int *live;		/* extra live buffers */
	long nlive;
	char scratch[1 << 16];
};

static struct work W = { .fd = -1, .drm = -1, .sync_fd = -1 };

/* --------------------------------------------------------------- timing */

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

typedef int (*op_fn)(void);

/* One case: rounds of iters calls of op; prints the BENCH line. */
static void bench(const char *name, long iters, op_fn op)
{
	long long res[64], t0;
	int r, n = nrounds > 64 ? 64 : nrounds;
	long i;

	if (only && strncmp(name, only, strlen(only)))
		return;
	iters = full ? iters * scale / 100 : iters / 1000;
	if (iters < 1)
		iters = 1;
	case_no++;
	/* warm-up round: slab caches, page tables, TCG's translation cache */
	for (i = 0; i < iters; i++) {
		if (op()) {
			printf("# %s: %s\nnot ok %d %s\n", name, strerror(errno),
			       case_no, name);
			failures++;
			return;
		}
	}
	for (r = 0; r < n; r++) {
		t0 = kt_now_ns();
		for (i = 0; i < iters; i++)
			if (op())
				break;
		res[r] = (kt_now_ns() - t0) / iters;
		if (i < iters) {
			printf("# %s: %s\nnot ok %d %s\n", name, strerror(errno),
			       case_no, name);
			failures++;
			return;
		}
	}
	qsort(res, n, sizeof(res[0]), cmp_ll);
	printf("# BENCH %s median=%lld min=%lld max=%lld unit=ns iters=%ld\n",
	       name, res[n / 2], res[0], res[n - 1], iters);
	printf("ok %d %s\n", case_no, name);
}

/* A case measured another way (bytes, a rate): just the figures. */
static void report(const char *name, long long med, long long lo, long long hi,
		   const char *unit)
{
	if (only && strncmp(name, only, strlen(only)))
		return;
	case_no++;
	if (med < 0) {
		printf("# %s: %s\nnot ok %d %s\n", name, strerror(errno), case_no, name);
		failures++;
		return;
	}
	printf("# BENCH %s median=%lld min=%lld max=%lld unit=%s\n",
	       name, med, lo, hi, unit);
	printf("ok %d %s\n", case_no, name);
}

static void skip(const char *name, const char *why)
{
	if (only && strncmp(name, only, strlen(only)))
		return;
	printf("ok %d %s # SKIP %s\n", ++case_no, name, why);
}

/* ------------------------------------------------------------ workloads */

#define MIB (1024 * 1024)

static int close_ok(int fd)
{
	return fd < 0 ? -1 : close(fd);
}

static int op_heap_4k(void)
{
	return close_ok(heap_alloc(tst_page_size()));
}

static int op_heap_1m(void)
{
	return close_ok(heap_alloc(MIB));
}

static int udmabuf_of(int memfd, size_t len)
{
	struct udmabuf_create c = {
		.memfd = (__u32)memfd, .flags = UDMABUF_FLAGS_CLOEXEC, .size = len,
	};

	return ioctl(W.udev, UDMABUF_CREATE, &c);
}

static int op_udmabuf_4k(void)
{
	return close_ok(udmabuf_of(W.memfd_4k, tst_page_size()));
}

static int op_udmabuf_1m(void)
{
	return close_ok(udmabuf_of(W.memfd_1m, MIB));
}

static int op_dup_close(void)
{
	return close_ok(dup(W.fd));
}

static int op_fstat(void)
{
	struct stat st;

	return fstat(W.fd, &st);
}

static int op_fdinfo(void)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", W.fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, W.scratch, sizeof(W.scratch));
	close(fd);
	return n > 0 ? 0 : -1;
}

static int op_set_name(void)
{
	static unsigned int n;
	char name[DMA_BUF_NAME_LEN];

	snprintf(name, sizeof(name), "bench-%u", n++ & 7);
	return ioctl(W.fd, DMA_BUF_SET_NAME, name);
}

static int op_llseek_end(void)
{
	return lseek(W.fd, 0, SEEK_END) < 0 ? -1 : 0;
}

static int op_sync(void)
{
	if (buf_sync(W.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW))
		return -1;
	return buf_sync(W.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
}

static int op_poll(void)
{
	struct pollfd p = { .fd = W.fd, .events = POLLIN | POLLOUT };

	return poll(&p, 1, 0) == 1 ? 0 : -1;
}

static int op_export_sync_file(void)
{
	return close_ok(buf_export(W.fd, DMA_BUF_SYNC_RW));
}

static int op_import_sync_file(void)
{
	return buf_import(W.fd, W.sync_fd, DMA_BUF_SYNC_WRITE);
}

static int op_mmap_touch(void)
{
	long page = tst_page_size();
	volatile char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED,
				W.fd, 0);

	if (p == MAP_FAILED)
		return -1;
	p[0] = 1;
	return munmap((void *)p, page);
}

static int op_vgem_import(void)
{
	struct drm_prime_handle p = { .fd = W.fd };
	struct drm_gem_close c = { 0 };

	if (ioctl(W.drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p))
		return -1;
	c.handle = p.handle;
	return ioctl(W.drm, DRM_IOCTL_GEM_CLOSE, &c);
}

static int read_all(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, W.scratch, sizeof(W.scratch));
	while (n > 0);
	close(fd);
	return n < 0 ? -1 : 0;
}

static int op_bufinfo(void)
{
	return read_all(BUFINFO_PATH);
}

/* readdir of buffers/ and one attribute of each buffer */
static int op_sysfs_walk(void)
{
	DIR *d = opendir(SYSFS_BUFFERS);
	struct dirent *e;
	char path[320];
	int ret = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SYSFS_BUFFERS "/%s/size", e->d_name);
		if (read_all(path))
			ret = -1;
	}
	closedir(d);
	return ret;
}

static int op_eventfd(void)
{
	return close_ok(eventfd(0, EFD_CLOEXEC));
}

static int op_memfd(void)
{
	return close_ok(memfd_create("bench", MFD_CLOEXEC));
}

static int floor_fd = -1;

static int op_ioctl_floor(void)
{
	return ioctl(floor_fd, FIOCLEX);
}

/* An ioctl number the core does not know: its dispatch and -ENOTTY. */
static int op_ioctl_unknown(void)
{
	return ioctl(W.fd, _IO('b', 0x7f)) < 0 && errno == ENOTTY ? 0 : -1;
}

/* -------------------------------------------------------------- growth */

/* Keep n one-page buffers alive (closing any beyond n). */
static int set_live(long n)
{
	while (W.nlive > n)
		close(W.live[--W.nlive]);
	while (W.nlive < n) {
		int fd = heap_alloc(tst_page_size());

		if (fd < 0)
			return -1;
		W.live[W.nlive++] = fd;
	}
	return 0;
}

static void growth(void)
{
	static const long live[] = { 1, 1000, 10000, 100000 };
	char name[64];
	unsigned int i;

	for (i = 0; i < KT_ARRAY_SIZE(live); i++) {
		long n = full ? live[i] : live[i] / 1000;

		snprintf(name, sizeof(name), "export_close_live_%ld", live[i]);
		if (set_live(n)) {
			report(name, -1, 0, 0, "ns");
			break;
		}
		bench(name, 2000, op_heap_4k);
		if (i < 3) {
			snprintf(name, sizeof(name), "bufinfo_live_%ld", live[i]);
			bench(name, live[i] >= 10000 ? 20 : live[i] >= 1000 ? 200 : 2000,
			      op_bufinfo);
		}
	}
	set_live(0);
}

static atomic_long exported;
static atomic_int stop;

static void *export_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		if (op_heap_4k())
			return (void *)1;
		atomic_fetch_add(&exported, 1);
	}
	return NULL;
}

/* ns per export over all threads, with `threads` exporting at once. */
static long long export_rate(int threads, long ms)
{
	pthread_t th[8];
	long long t0, t;
	void *bad = NULL;
	int i;

	atomic_store(&exported, 0);
	atomic_store(&stop, 0);
	t0 = kt_now_ns();
	for (i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, export_thread, NULL))
			return -1;
	usleep(ms * 1000);
	atomic_store(&stop, 1);
	for (i = 0; i < threads; i++) {
		void *r;

		pthread_join(th[i], &r);
		bad = bad ? bad : r;
	}
	t = kt_now_ns() - t0;
	if (bad || !atomic_load(&exported))
		return -1;
	return t / atomic_load(&exported);
}

static void threads(void)
{
	int n;

	for (n = 1; n <= 2; n++) {
		long long res[64];
		char name[32];
		int r, rounds = nrounds > 64 ? 64 : nrounds;

		snprintf(name, sizeof(name), "export_threads_%d", n);
		if (only && strncmp(name, only, strlen(only)))
			continue;
		for (r = 0; r < rounds; r++) {
			res[r] = export_rate(n, full ? 1000 : 50);
			if (res[r] < 0)
				break;
		}
		if (r < rounds) {
			report(name, -1, 0, 0, "ns");
			continue;
		}
		qsort(res, rounds, sizeof(res[0]), cmp_ll);
		report(name, res[rounds / 2], res[0], res[rounds - 1], "ns");
	}
}

/*
 * Bytes of slab objects in use: the sum over /proc/slabinfo of active
 * objects times object size (empty slabs kept for reuse do not count).
 */
static long long slab_in_use(void)
{
	FILE *f = fopen("/proc/slabinfo", "re");
	char line[512], name[64];
	long long total = 0, active, num, size;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld %lld %lld", name, &active, &num, &size) == 4)
			total += active * size;
	fclose(f);
	return total;
}

/* Slab bytes behind one live one-page buffer: dma_buf, file, inode, ... */
static void memory_per_buffer(void)
{
	long n = full ? 10000 : 200;
	long long res[64];
	int r, rounds = nrounds > 64 ? 64 : nrounds;

	if (only && strncmp("slab_bytes_per_buffer", only, strlen(only)))
		return;
	for (r = 0; r < rounds; r++) {
		long long before, after;

		set_live(0);
		/* let RCU free what earlier rounds released */
		usleep(300 * 1000);
		before = slab_in_use();
		if (set_live(n))
			break;
		after = slab_in_use();
		if (before < 0 || after < 0)
			break;
		res[r] = (after - before) / n;
	}
	set_live(0);
	if (r < rounds) {
		report("slab_bytes_per_buffer", -1, 0, 0, "bytes");
		return;
	}
	qsort(res, rounds, sizeof(res[0]), cmp_ll);
	report("slab_bytes_per_buffer", res[rounds / 2], res[0], res[rounds - 1],
	       "bytes");
}

/* --------------------------------------------------------------- set-up */

static int sealed_memfd(size_t len)
{
	int fd = memfd_create("bench-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)len) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK))
		return -1;
	return fd;
}

static void raise_fd_limit(long want)
{
	struct rlimit rl = { want, want };

	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		/* up to what the kernel allows */
		char text[32];

		if (read_text("/proc/sys/fs/nr_open", text, sizeof(text)) > 0) {
			rl.rlim_cur = rl.rlim_max = atol(text);
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? atol(v) : def;
}

int main(void)
{
	full = env_long("BENCH_FULL", 0) > 0;
	scale = env_long("BENCH_SCALE", 100);
	nrounds = (int)env_long("BENCH_ROUNDS", full ? 5 : 1);
	only = getenv("BENCH_ONLY");
	if (scale < 1)
		scale = 1;
	if (nrounds < 1)
		nrounds = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tst_mounts();
	printf("TAP version 13\n");
	printf("# bench-dmabuf: %s, %d rounds, scale %ld%%\n",
	       full ? "full" : "smoke run", nrounds, scale);
	if (!have_heap()) {
		printf("1..0 # SKIP no " HEAP_PATH "\n");
		return 0;
	}
	raise_fd_limit(110000);
	W.live = calloc(110000, sizeof(*W.live));
	W.fd = heap_alloc(tst_page_size());
	W.drm = vgem_open();
	W.udev = open(UDMABUF_PATH, O_RDWR | O_CLOEXEC);
	W.memfd_4k = sealed_memfd(tst_page_size());
	W.memfd_1m = sealed_memfd(MIB);
	floor_fd = eventfd(0, EFD_CLOEXEC);
	if (!W.live || W.fd < 0 || floor_fd < 0) {
		printf("# set-up failed: %s\n1..0\n", strerror(errno));
		return 1;
	}
	W.sync_fd = buf_export(W.fd, DMA_BUF_SYNC_RW);

	/* the floor of the machine */
	bench("floor_eventfd_close", 20000, op_eventfd);
	bench("floor_memfd_close", 20000, op_memfd);
	bench("floor_ioctl_vfs", 100000, op_ioctl_floor);
	bench("ioctl_unknown_enotty", 100000, op_ioctl_unknown);

	/* single operations on one buffer */
	bench("export_close_heap_4k", 5000, op_heap_4k);
	bench("export_close_heap_1m", 500, op_heap_1m);
	if (W.udev >= 0 && W.memfd_4k >= 0 && W.memfd_1m >= 0) {
		bench("export_close_udmabuf_4k", 5000, op_udmabuf_4k);
		bench("export_close_udmabuf_1m", 1000, op_udmabuf_1m);
	} else {
		skip("export_close_udmabuf_4k", "no " UDMABUF_PATH);
		skip("export_close_udmabuf_1m", "no " UDMABUF_PATH);
	}
	bench("dup_close", 50000, op_dup_close);
	bench("fstat", 50000, op_fstat);
	bench("fdinfo_read", 10000, op_fdinfo);
	bench("set_name", 20000, op_set_name);
	bench("llseek_end", 100000, op_llseek_end);
	bench("sync_start_end_rw", 20000, op_sync);
	bench("poll_no_fences", 50000, op_poll);
	bench("export_sync_file", 10000, op_export_sync_file);
	if (W.sync_fd >= 0)
		bench("import_sync_file", 10000, op_import_sync_file);
	else
		skip("import_sync_file", "EXPORT_SYNC_FILE failed");
	bench("mmap_touch_munmap", 5000, op_mmap_touch);
	if (W.drm >= 0)
		bench("vgem_prime_import_close", 5000, op_vgem_import);
	else
		skip("vgem_prime_import_close", "no vgem");

	/* many buffers */
	if (set_live(full ? 1000 : 10) == 0) {
		bench("bufinfo_read_1k", 200, op_bufinfo);
		if (access(SYSFS_BUFFERS, F_OK) == 0)
			bench("sysfs_walk_1k", 20, op_sysfs_walk);
		else
			skip("sysfs_walk_1k", "no " SYSFS_BUFFERS);
	}
	set_live(0);
	growth();
	threads();
	memory_per_buffer();

	printf("1..%d\n", case_no);
	return failures ? 1 : 0;
}
