// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-stress: several threads for a bounded time, each picking at
 * random among export, dup, close, SET_NAME, fdinfo, bufinfo, poll, a walk
 * of /sys/kernel/dmabuf/buffers and a vgem PRIME import (attach + map) of
 * a shared pool of buffers, on every CPU of the machine.  Meant for a
 * lockdep + KASAN kernel: the run passes when every call answers with an
 * errno the interface allows, every buffer is gone at the end, and the
 * kernel log stays clean.  Prints the operations per second of each kind.
 *
 * The workers only count: the test thread asserts the counts once it has
 * joined them.
 *
 * Knobs: STRESS_THREADS (default: 2 per CPU), STRESS_SECONDS (10; at most
 * 30, so that the run and its teardown fit the harness's per-test timeout,
 * TEST_TIMEOUT_DEFAULT, 60 s), STRESS_SEED (random; printed).
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include <drm/drm.h>

#define PAGE	((size_t)tst_page_size())
#define POOL	32

enum op { OP_EXPORT, OP_DUP, OP_CLOSE, OP_NAME, OP_FDINFO, OP_BUFINFO,
	  OP_POLL, OP_SYSFS, OP_PRIME, NR_OPS };

static const char *const op_names[NR_OPS] = {
	"export", "dup", "close", "set_name", "fdinfo", "bufinfo", "poll",
	"sysfs_walk", "prime_import",
};

static struct {
	pthread_mutex_t lock;
	int fd[POOL];
	atomic_long done[NR_OPS];
	atomic_long bad;
	int vgem;
	volatile int stop;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Count an unexpected result; the test asserts the count at the end. */
static void bad(const char *what, int err)
{
	atomic_fetch_add(&pool.bad, 1);
	/* ksft_print_msg() writes twice: keep the line whole among threads */
	flockfile(stdout);
	ksft_print_msg("unexpected: %s: %s\n", what, strerror(err));
	funlockfile(stdout);
}

/* Take a buffer out of the pool (the caller owns it until put back). */
static int take(unsigned int *seed)
{
	int i = rand_r(seed) % POOL, fd;

	pthread_mutex_lock(&pool.lock);
	fd = pool.fd[i];
	pool.fd[i] = -1;
	pthread_mutex_unlock(&pool.lock);
	return fd;
}

/* Put a buffer back; closes it if its slot was refilled meanwhile. */
static void give(unsigned int *seed, int fd)
{
	int i = rand_r(seed) % POOL, old;

	pthread_mutex_lock(&pool.lock);
	old = pool.fd[i];
	pool.fd[i] = fd;
	pthread_mutex_unlock(&pool.lock);
	if (old >= 0)
		close(old);
}

static int vgem_import(int buf)
{
	struct drm_prime_handle p = { .fd = buf };
	struct drm_gem_close c = { 0 };

	if (ioctl(pool.vgem, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p))
		return -errno;
	c.handle = p.handle;
	ioctl(pool.vgem, DRM_IOCTL_GEM_CLOSE, &c);
	return 0;
}

static void one_op(unsigned int *seed, enum op op, char *scratch, size_t len)
{
	char path[64];
	int fd, d;

	switch (op) {
	case OP_EXPORT:
		fd = heap_alloc(PAGE * (1 + rand_r(seed) % 4));
		if (fd < 0) {
			bad("heap alloc", errno);
			return;
		}
		give(seed, fd);
		break;
	case OP_DUP:
		fd = take(seed);
		if (fd < 0)
			return;
		d = dup(fd);
		give(seed, fd);
		if (d >= 0)
			give(seed, d);
		break;
	case OP_CLOSE:
		fd = take(seed);
		if (fd >= 0)
			close(fd);
		break;
	case OP_NAME:
		fd = take(seed);
		if (fd < 0)
			return;
		snprintf(path, sizeof(path), "stress-%u", rand_r(seed) % 1000);
		if (ioctl(fd, DMA_BUF_SET_NAME, path))
			bad("SET_NAME", errno);
		give(seed, fd);
		break;
	case OP_FDINFO:
		fd = take(seed);
		if (fd < 0)
			return;
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		if (read_text(path, scratch, len) < 0)
			bad("fdinfo", errno);
		give(seed, fd);
		break;
	case OP_BUFINFO:
		if (read_text(BUFINFO_PATH, scratch, len) < 0 && errno != ENOENT)
			bad("bufinfo", errno);
		break;
	case OP_POLL:
		fd = take(seed);
		if (fd < 0)
			return;
		if (poll_fd(fd, POLLIN | POLLOUT, 0) < 0)
			bad("poll", errno);
		give(seed, fd);
		break;
	case OP_SYSFS: {
		DIR *dir = opendir(SYSFS_BUFFERS);
		struct dirent *e;

		if (!dir)
			return;
		while ((e = readdir(dir))) {
			char p[320];

			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), SYSFS_BUFFERS "/%s/size", e->d_name);
			/* A buffer closed meanwhile is gone: fine. */
			if (read_text(p, scratch, len) < 0 && errno != ENOENT &&
			    errno != ENODEV)
				bad("sysfs size", errno);
		}
		closedir(dir);
		break;
	}
	case OP_PRIME:
		if (pool.vgem < 0)
			return;
		fd = take(seed);
		if (fd < 0)
			return;
		d = vgem_import(fd);
		if (d && d != -ENOMEM)
			bad("PRIME import", -d);
		give(seed, fd);
		break;
	default:
		return;
	}
	atomic_fetch_add(&pool.done[op], 1);
}

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	char *scratch = malloc(1 << 20);

	while (!pool.stop && scratch)
		one_op(&seed, rand_r(&seed) % NR_OPS, scratch, 1 << 20);
	free(scratch);
	return NULL;
}

TEST(stress_mixed)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), nbad, limit = TEST_TIMEOUT_DEFAULT;
	const char *e;
	int threads = 2 * (int)cpus, seconds = 10, i, left, started, err = 0;
	unsigned int seed = (unsigned int)time(NULL);
	pthread_t th[64];
	long total = 0;

	NEED_HEAP();
	e = getenv("STRESS_THREADS");
	if (e)
		threads = atoi(e);
	e = getenv("STRESS_SECONDS");
	if (e)
		seconds = atoi(e);
	e = getenv("STRESS_SEED");
	if (e)
		seed = (unsigned int)strtoul(e, NULL, 0);
	if (threads < 1 || threads > 64)
		threads = 4;
	if (seconds < 1)
		seconds = 10;
	/* the run and its teardown within the harness's timeout */
	if (seconds > limit - 30) {
		ksft_print_msg("STRESS_SECONDS=%d would not fit the %ld s test timeout: %ld s\n",
			       seconds, limit, limit - 30);
		seconds = (int)(limit - 30);
	}
	ksft_print_msg("seed=%u threads=%d cpus=%ld seconds=%d\n", seed, threads, cpus,
		       seconds);

	if (system("modprobe vgem 2>/dev/null") == -1)
		ksft_print_msg("modprobe not run\n");
	pool.vgem = vgem_open();
	if (pool.vgem < 0)
		ksft_print_msg("no vgem: no PRIME imports\n");
	for (i = 0; i < POOL; i++)
		pool.fd[i] = -1;

	for (started = 0; started < threads; started++) {
		err = pthread_create(&th[started], NULL, worker,
				     (void *)(uintptr_t)(seed + started));
		if (err)
			break;
	}
	if (started == threads)
		tst_sleep_ms(seconds * 1000L);
	pool.stop = 1;
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	ASSERT_EQ(threads, started) TH_LOG("pthread_create: %s", strerror(err));

	for (i = 0; i < NR_OPS; i++) {
		long n = atomic_load(&pool.done[i]);

		ksft_print_msg("ops %s=%ld (%ld/s)\n", op_names[i], n, n / seconds);
		total += n;
	}
	ksft_print_msg("ops total=%ld (%ld/s)\n", total, total / seconds);

	left = 0;
	for (i = 0; i < POOL; i++)
		if (pool.fd[i] >= 0) {
			close(pool.fd[i]);
			left++;
		}
	if (pool.vgem >= 0)
		close(pool.vgem);
	ksft_print_msg("%d buffers left in the pool, closed\n", left);
	nbad = atomic_load(&pool.bad);
	ASSERT_EQ(0, nbad) TH_LOG("%ld unexpected errors", nbad);
	ASSERT_GT(total, 0) TH_LOG("nothing done");
}

/* Mount proc, sysfs and debugfs before the first test. */
static void __attribute__((constructor)) stress_mounts(void)
{
	tst_mounts();
}

TEST_HARNESS_MAIN
