// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-dmabuf: what each userspace entry point of the dma-buf core costs.
 *
 * Each workload is timed for `iters` operations per round, `rounds` rounds
 * after one warm-up round, and reported as the median (and lowest and
 * highest) ns per operation:
 *
 *   # BENCH <name> median=<v> min=<v> max=<v> unit=<ns|bytes>
 *           [floor=<ns> rel_permille=<n>]
 *
 * where timed workloads add the floor (an ioctl the VFS answers, timed
 * after each round) and the median of their rounds' ratios to it.
 *
 * harness/bench.sh boots this core and the tree's original in turn, runs
 * this program on each (BENCH_FULL=1) and compares the figures.  In the
 * test VM (no BENCH_FULL) it runs every workload a few times, so that it
 * cannot rot.  Each workload is one test, bench.<name>, that passes when
 * it ran; it runs in a process of its own, so the live buffers it made go
 * with it.  At full size one workload can take minutes under TCG
 * (export_close_live_100000 makes 100k buffers first), so each has
 * BENCH_TIMEOUT, what harness/vm-run.sh gives a whole bench boot, instead
 * of TEST_TIMEOUT_DEFAULT (60 s).
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
 * iterations>, BENCH_ROUNDS=<n> (at most 64), BENCH_ONLY=<name prefix>
 * (the other workloads are skipped).
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <drm/drm.h>

/* seconds per workload: harness/vm-run.sh's VM_TIMEOUT for a bench boot */
#define BENCH_TIMEOUT 600
#define MAX_ROUNDS 64

static int full;
static long scale = 100;
static int nrounds = 5;
static const char *only;
static int setup_errno;	/* why the program's set-up failed, or 0 */

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

/*
 * First statement of every workload: it is skipped when BENCH_ONLY does
 * not select it or there is no heap to measure, and fails when the
 * program's set-up did.
 */
#define BENCH_START()							\
	do {								\
		if (only && strncmp(_metadata->name, only, strlen(only)))	\
			SKIP(return, "not selected by BENCH_ONLY=%s", only);	\
		NEED_HEAP();						\
		ASSERT_EQ(0, setup_errno)				\
			TH_LOG("set-up failed: %s", strerror(setup_errno));	\
	} while (0)

/*
 * The floor: an ioctl the VFS answers itself, no dma-buf code.  Timed
 * after every round of every workload, its ratio to the round tells what
 * the workload costs in floors, a figure that holds when TCG on a shared
 * host runs a whole boot, or a minute of it, faster or slower.
 */
static int floor_fd = -1;

static int op_ioctl_floor(void)
{
	return ioctl(floor_fd, FIOCLEX);
}

/* ns per call of iters calls of op, or -1 when a call failed */
static long long time_calls(long iters, op_fn op)
{
	long long t0 = tst_now_ns();
	long i;

	for (i = 0; i < iters; i++)
		if (op())
			return -1;
	return (tst_now_ns() - t0) / iters;
}

/*
 * The test's rounds of iters calls of op, each followed by the floor's;
 * prints its BENCH line: the median, lowest and highest ns per call, the
 * floor's median and the median of the rounds' ratios to their floor.
 */
static void bench(struct __test_metadata *_metadata, long iters, op_fn op)
{
	long long res[MAX_ROUNDS], flo[MAX_ROUNDS], rel[MAX_ROUNDS];
	long floor_iters = full ? 5000 * scale / 100 : 5;
	int r;

	iters = full ? iters * scale / 100 : iters / 1000;
	if (iters < 1)
		iters = 1;
	if (floor_iters < 1)
		floor_iters = 1;
	/* warm-up round: slab caches, page tables, TCG's translation cache */
	ASSERT_LE(0, time_calls(iters, op)) TH_LOG("warm-up: %s", strerror(errno));
	for (r = 0; r < nrounds; r++) {
		res[r] = time_calls(iters, op);
		ASSERT_LE(0, res[r]) TH_LOG("round %d: %s", r + 1, strerror(errno));
		flo[r] = time_calls(floor_iters, op_ioctl_floor);
		ASSERT_LE(0, flo[r]) TH_LOG("floor %d: %s", r + 1, strerror(errno));
		rel[r] = flo[r] > 0 ? res[r] * 1000 / flo[r] : 0;
	}
	qsort(res, nrounds, sizeof(res[0]), cmp_ll);
	qsort(flo, nrounds, sizeof(flo[0]), cmp_ll);
	qsort(rel, nrounds, sizeof(rel[0]), cmp_ll);
	ksft_print_msg("BENCH %s median=%lld min=%lld max=%lld unit=ns iters=%ld floor=%lld rel_permille=%lld\n",
		       _metadata->name, res[nrounds / 2], res[0], res[nrounds - 1], iters,
		       flo[nrounds / 2], rel[nrounds / 2]);
}

/* A workload measured another way (bytes, a rate): its rounds' figures. */
static void report(struct __test_metadata *_metadata, long long *res, const char *unit)
{
	qsort(res, nrounds, sizeof(res[0]), cmp_ll);
	ksft_print_msg("BENCH %s median=%lld min=%lld max=%lld unit=%s\n",
		       _metadata->name, res[nrounds / 2], res[0], res[nrounds - 1], unit);
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

static void live_buffers(struct __test_metadata *_metadata, long n)
{
	ASSERT_EQ(0, set_live(n)) TH_LOG("%ld live buffers: %s", n, strerror(errno));
}

/* A growth workload's live buffers: n at full size, n / 1000 in the smoke run. */
static long growth(long n)
{
	return full ? n : n / 1000;
}

static atomic_long exported;
static atomic_int stop;

/* Exports until stop; returns NULL, or the errno of the export that failed. */
static void *export_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		if (op_heap_4k())
			return (void *)(long)(errno ? errno : EIO);
		atomic_fetch_add(&exported, 1);
	}
	return NULL;
}

/* ns per export over all threads, with `threads` exporting at once; -1 and errno. */
static long long export_rate(int threads, long ms)
{
	pthread_t th[8];
	long long t0, t;
	void *bad = NULL;
	int i, n, e;

	atomic_store(&exported, 0);
	atomic_store(&stop, 0);
	t0 = tst_now_ns();
	for (n = 0; n < threads; n++) {
		e = pthread_create(&th[n], NULL, export_thread, NULL);
		if (e)
			break;
	}
	if (n == threads)
		usleep(ms * 1000);
	atomic_store(&stop, 1);
	for (i = 0; i < n; i++) {
		void *r;

		pthread_join(th[i], &r);
		bad = bad ? bad : r;
	}
	t = tst_now_ns() - t0;
	if (n < threads) {
		errno = e;
		return -1;
	}
	if (bad || !atomic_load(&exported)) {
		errno = bad ? (int)(long)bad : EIO;
		return -1;
	}
	return t / atomic_load(&exported);
}

static void export_threads(struct __test_metadata *_metadata, int threads)
{
	long long res[MAX_ROUNDS];
	int r;

	for (r = 0; r < nrounds; r++) {
		res[r] = export_rate(threads, full ? 1000 : 50);
		ASSERT_LE(0, res[r]) TH_LOG("round %d: %s", r + 1, strerror(errno));
	}
	report(_metadata, res, "ns");
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

/*
 * Once for the program, before the first test: the knobs, the mounts and
 * the buffer (and vgem, udmabuf, memfds) every workload inherits.
 */
static void __attribute__((constructor)) bench_dmabuf_setup(void)
{
	full = env_long("BENCH_FULL", 0) > 0;
	scale = env_long("BENCH_SCALE", 100);
	nrounds = (int)env_long("BENCH_ROUNDS", full ? 5 : 1);
	only = getenv("BENCH_ONLY");
	if (scale < 1)
		scale = 1;
	if (nrounds < 1)
		nrounds = 1;
	if (nrounds > MAX_ROUNDS)
		nrounds = MAX_ROUNDS;

	tst_mounts();
	printf("# bench-dmabuf: %s, %d rounds, scale %ld%%\n",
	       full ? "full" : "smoke run", nrounds, scale);
	if (!have_heap())
		return;		/* every workload skips */
	raise_fd_limit(110000);
	W.live = calloc(110000, sizeof(*W.live));
	W.fd = heap_alloc(tst_page_size());
	W.drm = vgem_open();
	W.udev = open(UDMABUF_PATH, O_RDWR | O_CLOEXEC);
	W.memfd_4k = sealed_memfd(tst_page_size());
	W.memfd_1m = sealed_memfd(MIB);
	floor_fd = eventfd(0, EFD_CLOEXEC);
	if (!W.live || W.fd < 0 || floor_fd < 0) {
		setup_errno = errno ? errno : EIO;
		return;
	}
	W.sync_fd = buf_export(W.fd, DMA_BUF_SYNC_RW);
}

/* A fixture only for TEST_F_TIMEOUT: the set-up is the program's, above. */
FIXTURE(bench) {};

FIXTURE_SETUP(bench)
{
}

FIXTURE_TEARDOWN(bench)
{
}

/* ------------------------------------------------------------ the floor */

TEST_F_TIMEOUT(bench, floor_eventfd_close, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 20000, op_eventfd);
}

TEST_F_TIMEOUT(bench, floor_memfd_close, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 20000, op_memfd);
}

TEST_F_TIMEOUT(bench, floor_ioctl_vfs, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 100000, op_ioctl_floor);
}

TEST_F_TIMEOUT(bench, ioctl_unknown_enotty, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 100000, op_ioctl_unknown);
}

/* ---------------------------------------------- one operation, one buffer */

TEST_F_TIMEOUT(bench, export_close_heap_4k, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 5000, op_heap_4k);
}

TEST_F_TIMEOUT(bench, export_close_heap_1m, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 500, op_heap_1m);
}

#define NEED_UDMABUF_MEMFDS()						\
	do {								\
		if (W.udev < 0 || W.memfd_4k < 0 || W.memfd_1m < 0)	\
			SKIP(return, "no " UDMABUF_PATH);		\
	} while (0)

TEST_F_TIMEOUT(bench, export_close_udmabuf_4k, BENCH_TIMEOUT)
{
	BENCH_START();
	NEED_UDMABUF_MEMFDS();
	bench(_metadata, 5000, op_udmabuf_4k);
}

TEST_F_TIMEOUT(bench, export_close_udmabuf_1m, BENCH_TIMEOUT)
{
	BENCH_START();
	NEED_UDMABUF_MEMFDS();
	bench(_metadata, 1000, op_udmabuf_1m);
}

TEST_F_TIMEOUT(bench, dup_close, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 50000, op_dup_close);
}

TEST_F_TIMEOUT(bench, fstat, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 50000, op_fstat);
}

TEST_F_TIMEOUT(bench, fdinfo_read, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 10000, op_fdinfo);
}

TEST_F_TIMEOUT(bench, set_name, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 20000, op_set_name);
}

TEST_F_TIMEOUT(bench, llseek_end, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 100000, op_llseek_end);
}

TEST_F_TIMEOUT(bench, sync_start_end_rw, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 20000, op_sync);
}

TEST_F_TIMEOUT(bench, poll_no_fences, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 50000, op_poll);
}

TEST_F_TIMEOUT(bench, export_sync_file, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 10000, op_export_sync_file);
}

TEST_F_TIMEOUT(bench, import_sync_file, BENCH_TIMEOUT)
{
	BENCH_START();
	if (W.sync_fd < 0)
		SKIP(return, "EXPORT_SYNC_FILE failed");
	bench(_metadata, 10000, op_import_sync_file);
}

TEST_F_TIMEOUT(bench, mmap_touch_munmap, BENCH_TIMEOUT)
{
	BENCH_START();
	bench(_metadata, 5000, op_mmap_touch);
}

TEST_F_TIMEOUT(bench, vgem_prime_import_close, BENCH_TIMEOUT)
{
	BENCH_START();
	if (W.drm < 0)
		SKIP(return, "no vgem");
	bench(_metadata, 5000, op_vgem_import);
}

/* ---------------------------------------------------------- many buffers */

TEST_F_TIMEOUT(bench, bufinfo_read_1k, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, full ? 1000 : 10);
	bench(_metadata, 200, op_bufinfo);
}

TEST_F_TIMEOUT(bench, sysfs_walk_1k, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, full ? 1000 : 10);
	if (access(SYSFS_BUFFERS, F_OK))
		SKIP(return, "no " SYSFS_BUFFERS);
	bench(_metadata, 20, op_sysfs_walk);
}

/* ---------------------------------------------------------------- growth */

TEST_F_TIMEOUT(bench, export_close_live_1, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, growth(1));
	bench(_metadata, 2000, op_heap_4k);
}

TEST_F_TIMEOUT(bench, bufinfo_live_1, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, growth(1));
	bench(_metadata, 2000, op_bufinfo);
}

TEST_F_TIMEOUT(bench, export_close_live_1000, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, growth(1000));
	bench(_metadata, 2000, op_heap_4k);
}

TEST_F_TIMEOUT(bench, bufinfo_live_1000, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, growth(1000));
	bench(_metadata, 200, op_bufinfo);
}

TEST_F_TIMEOUT(bench, export_close_live_10000, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, growth(10000));
	bench(_metadata, 2000, op_heap_4k);
}

TEST_F_TIMEOUT(bench, bufinfo_live_10000, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, growth(10000));
	bench(_metadata, 20, op_bufinfo);
}

TEST_F_TIMEOUT(bench, export_close_live_100000, BENCH_TIMEOUT)
{
	BENCH_START();
	live_buffers(_metadata, growth(100000));
	bench(_metadata, 2000, op_heap_4k);
}

TEST_F_TIMEOUT(bench, export_threads_1, BENCH_TIMEOUT)
{
	BENCH_START();
	export_threads(_metadata, 1);
}

TEST_F_TIMEOUT(bench, export_threads_2, BENCH_TIMEOUT)
{
	BENCH_START();
	export_threads(_metadata, 2);
}

/* Slab bytes behind one live one-page buffer: dma_buf, file, inode, ... */
TEST_F_TIMEOUT(bench, slab_bytes_per_buffer, BENCH_TIMEOUT)
{
	long n = full ? 10000 : 200;
	long long res[MAX_ROUNDS], before, after;
	int r;

	BENCH_START();
	for (r = 0; r < nrounds; r++) {
		live_buffers(_metadata, 0);
		/* let RCU free what earlier rounds released */
		usleep(300 * 1000);
		before = slab_in_use();
		ASSERT_LE(0, before) TH_LOG("/proc/slabinfo: %s", strerror(errno));
		live_buffers(_metadata, n);
		after = slab_in_use();
		ASSERT_LE(0, after) TH_LOG("/proc/slabinfo: %s", strerror(errno));
		res[r] = (after - before) / n;
	}
	report(_metadata, res, "bytes");
}

TEST_HARNESS_MAIN
