// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-regressions: one test per class of bug that upstream's dma-buf
 * core had, each named after it, run on a KASAN/lockdep kernel so that a
 * return of the bug shows as a kernel report (which the harness finds on
 * the console, naming this suite) if not as a wrong result:
 *
 * - SET_NAME racing the readers of the name in the dentry (the
 *   /proc/<pid>/fd link, /proc/<pid>/maps): a use-after-free once;
 * - the file's release racing the dentry's release (close while mapped,
 *   munmap from another thread while maps is read);
 * - a poll callback without a file reference: close while a poll is
 *   pending, the fence signalled after;
 * - an fd published before copy_to_user(): a heap allocation whose
 *   argument cannot be written back must leave no fd and no buffer;
 * - release exactly once when no fd can be had (full fd table);
 * - export init order: a buffer must not be listed before it is complete
 *   (a walker of bufinfo and sysfs while others export, every listed
 *   buffer readable).
 *
 * REGRESSION_RENAMES (3000) and REGRESSION_CYCLES (300) size the loops.
 * The helper threads only report back; every assertion is made on the
 * test's own thread once they are joined.
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <dirent.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define PAGE ((size_t)tst_page_size())

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v ? atoi(v) : def;
}

/* "Total N objects" of bufinfo, or -1. */
static int bufinfo_objects(void)
{
	const size_t len = 1 << 20;
	char *text = malloc(len), *p;
	int n = -1;

	if (text && read_text(BUFINFO_PATH, text, len) >= 0) {
		/* The last line: each buffer's block has a "Total" of its own. */
		p = strstr(text, "\nTotal ");
		while (p && strstr(p + 1, "\nTotal "))
			p = strstr(p + 1, "\nTotal ");
		if (p && strstr(p, " objects"))
			n = atoi(p + 7);
	}
	free(text);
	return n;
}

/* Wait up to ms for the buffer with this inode to leave bufinfo. */
static int wait_unlisted(unsigned long ino, int ms)
{
	char line[512];
	int i;

	for (i = 0; i < ms / 10; i++) {
		if (bufinfo_line(ino, line, sizeof(line)) == 1)
			return 0;
		tst_sleep_ms(10);
	}
	return -1;
}

/* ------------------------------------------- SET_NAME vs the dentry */

struct rename_race {
	int fd;
	volatile int stop;
	long reads;
};

static void *name_reader(void *arg)
{
	struct rename_race *r = arg;
	char path[64], link[256], *maps = malloc(1 << 16);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", r->fd);
	while (!r->stop && maps) {
		ssize_t n = readlink(path, link, sizeof(link) - 1);

		if (n > 0)
			link[n] = 0;
		read_text("/proc/self/maps", maps, 1 << 16);
		r->reads++;
	}
	free(maps);
	return NULL;
}

TEST(regression_set_name_vs_dentry_name)
{
	struct rename_race r = { 0 };
	int i, started, err = 0, e = 0, n = env_int("REGRESSION_RENAMES", 3000);
	pthread_t th[2];
	void *map;

	NEED_HEAP();
	ASSERT_SYSCALL(r.fd = heap_alloc(PAGE));
	map = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, r.fd, 0);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
	for (started = 0; started < 2; started++) {
		err = pthread_create(&th[started], NULL, name_reader, &r);
		if (err)
			break;
	}
	for (i = 0; !err && i < n; i++) {
		char name[DMA_BUF_NAME_LEN];

		/* Lengths vary so that each name is a new allocation. */
		snprintf(name, sizeof(name), "n%0*d", 1 + i % 28, i);
		if (ioctl(r.fd, DMA_BUF_SET_NAME, name)) {
			e = errno;
			break;
		}
	}
	r.stop = 1;
	while (started--)
		pthread_join(th[started], NULL);
	ASSERT_EQ(0, err) TH_LOG("pthread_create: %s", strerror(err));
	ASSERT_EQ(0, e) TH_LOG("SET_NAME %d: errno %d (%s)", i, e, strerror(e));
	ksft_print_msg("%d renames, %ld reads of the link and maps\n", n, r.reads);
	munmap(map, PAGE);
	close(r.fd);
}

/* -------------------------------------- file release vs dentry release */

struct unmapper {
	void *map;
	size_t len;
};

static void *unmap_later(void *arg)
{
	struct unmapper *u = arg;

	tst_sleep_ms(1);
	munmap(u->map, u->len);
	return NULL;
}

TEST(regression_file_release_vs_dentry_release)
{
	int i, n = env_int("REGRESSION_CYCLES", 300);
	char *maps;

	NEED_HEAP();
	maps = malloc(1 << 16);
	ASSERT_NE(NULL, maps) TH_LOG("malloc");
	for (i = 0; i < n; i++) {
		struct unmapper u = { .len = PAGE };
		unsigned long ino;
		pthread_t th;
		int fd;

		ASSERT_SYSCALL(fd = heap_alloc(PAGE));
		ino = fd_ino(fd);
		u.map = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, u.map) TH_LOG("mmap: %s", strerror(errno));
		/* The mapping now holds the last file reference. */
		close(fd);
		ASSERT_EQ(0, pthread_create(&th, NULL, unmap_later, &u));
		read_text("/proc/self/maps", maps, 1 << 16);
		pthread_join(th, NULL);
		ASSERT_EQ(0, wait_unlisted(ino, 5000))
			TH_LOG("buffer %lu still listed after munmap", ino);
	}
	free(maps);
}

/* --------------------------------- poll callback without a file ref */

TEST(regression_poll_callback_without_file_reference)
{
	unsigned long ino;
	int fd, tl;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	/* Arms the callback, which must keep the file alive by itself. */
	ASSERT_EQ(0, poll_fd(fd, POLLIN, 10)) TH_LOG("ready with a writer pending");
	close(fd);
	tst_sleep_ms(20);
	ASSERT_SYSCALL(sw_inc(tl, 1));
	close(tl);
	ASSERT_EQ(0, wait_unlisted(ino, 5000)) TH_LOG("buffer %lu never released", ino);
}

/* ------------------------------- fd published before copy_to_user() */

TEST(regression_fd_published_before_copy_to_user)
{
	struct dma_heap_allocation_data *arg;
	int heap, free_before, n_before, objs_before, objs;

	NEED_HEAP();
	ASSERT_SYSCALL(heap = open(HEAP_PATH, O_RDONLY | O_CLOEXEC));
	arg = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, arg) TH_LOG("mmap: %s", strerror(errno));
	arg->len = PAGE;
	arg->fd_flags = O_RDWR | O_CLOEXEC;
	ASSERT_SYSCALL(mprotect(arg, PAGE, PROT_READ));
	objs_before = bufinfo_objects();
	free_before = lowest_free_fd();
	n_before = count_open_fds();
	ASSERT_ERRNO(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, arg), EFAULT);
	ASSERT_EQ(free_before, lowest_free_fd())
		TH_LOG("an fd was installed although the copy back failed");
	ASSERT_EQ(n_before, count_open_fds())
		TH_LOG("an fd was installed although the copy back failed");
	/* The buffer made for the call is released, and with it its listing. */
	tst_sleep_ms(50);
	objs = bufinfo_objects();
	ASSERT_EQ(objs_before, objs)
		TH_LOG("bufinfo lists %d buffers, %d before", objs, objs_before);
	munmap(arg, PAGE);
	close(heap);
}

/* ----------------------------------- release once when no fd is free */

TEST(regression_release_once_when_fd_fails)
{
	struct rlimit saved, full;
	int objs_before, objs, i, fd, e = 0;

	NEED_HEAP();
	ASSERT_SYSCALL(getrlimit(RLIMIT_NOFILE, &saved));
	/* Open the heap device first: only the buffer's fd must fail. */
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	close(fd);
	objs_before = bufinfo_objects();
	full = saved;
	full.rlim_cur = lowest_free_fd();
	ASSERT_SYSCALL(setrlimit(RLIMIT_NOFILE, &full));
	for (i = 0; i < 100; i++) {
		fd = heap_alloc(PAGE);
		e = errno;
		if (fd >= 0 || e != EMFILE)
			break;
	}
	setrlimit(RLIMIT_NOFILE, &saved);
	ASSERT_EQ(100, i)
		TH_LOG("allocation %d gave fd %d errno %d, want EMFILE", i, fd, e);
	tst_sleep_ms(50);
	objs = bufinfo_objects();
	ASSERT_EQ(objs_before, objs)
		TH_LOG("bufinfo lists %d buffers, %d before", objs, objs_before);
}

/*
 * udmabuf exports first and asks for the fd after: when that fails, the
 * buffer it made must be released exactly once (a warning or a report
 * otherwise), and leave no listing behind.
 */
TEST(regression_udmabuf_release_once_when_fd_fails)
{
	struct rlimit saved, full;
	struct udmabuf_create c;
	int dev, memfd, objs_before, objs, i, fd = -1, e = 0;

	NEED_UDMABUF();
	ASSERT_SYSCALL(dev = open(UDMABUF_PATH, O_RDWR | O_CLOEXEC));
	ASSERT_SYSCALL(memfd = memfd_create("regression", MFD_ALLOW_SEALING | MFD_CLOEXEC));
	ASSERT_SYSCALL(ftruncate(memfd, (off_t)PAGE));
	ASSERT_SYSCALL(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	memset(&c, 0, sizeof(c));
	c.memfd = (__u32)memfd;
	c.flags = UDMABUF_FLAGS_CLOEXEC;
	c.size = PAGE;
	objs_before = bufinfo_objects();
	ASSERT_SYSCALL(getrlimit(RLIMIT_NOFILE, &saved));
	full = saved;
	full.rlim_cur = lowest_free_fd();
	ASSERT_SYSCALL(setrlimit(RLIMIT_NOFILE, &full));
	for (i = 0; i < 100; i++) {
		fd = ioctl(dev, UDMABUF_CREATE, &c);
		e = errno;
		if (fd >= 0 || e != EMFILE)
			break;
	}
	setrlimit(RLIMIT_NOFILE, &saved);
	ASSERT_EQ(100, i)
		TH_LOG("creation %d gave fd %d errno %d, want EMFILE", i, fd, e);
	tst_sleep_ms(50);
	objs = bufinfo_objects();
	ASSERT_EQ(objs_before, objs)
		TH_LOG("bufinfo lists %d buffers, %d before", objs, objs_before);
	close(memfd);
	close(dev);
}

/* ------------------------------------------------- export init order */

struct walker {
	volatile int stop;
	long listed, unreadable;
};

/* Every buffer bufinfo lists has its sysfs directory with both files. */
static void *walk(void *arg)
{
	struct walker *w = arg;
	const size_t len = 1 << 20;
	char *text = malloc(len);

	while (!w->stop && text) {
		char *line, *save = NULL;

		if (read_text(BUFINFO_PATH, text, len) < 0)
			break;
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *f[8], *s2 = NULL, path[128], val[64];
			int n = 0;

			if (line[0] < '0' || line[0] > '9')
				continue;
			for (f[n] = strtok_r(line, "\t", &s2); f[n] && n < 7;
			     f[++n] = strtok_r(NULL, "\t", &s2))
				;
			if (n < 6 || access(SYSFS_BUFFERS, F_OK))
				continue;
			w->listed++;
			snprintf(path, sizeof(path), SYSFS_BUFFERS "/%lu/size",
				 strtoul(f[5], NULL, 10));
			/*
			 * Gone since bufinfo was read is fine: ENOENT once
			 * the directory is removed, ENODEV when the removal
			 * overtakes an open or read already under way
			 * (kernfs deactivates the node first).
			 */
			if (read_text(path, val, sizeof(val)) < 0 &&
			    errno != ENOENT && errno != ENODEV)
				w->unreadable++;
		}
	}
	free(text);
	return NULL;
}

TEST(regression_export_init_order)
{
	struct walker w = { 0 };
	int i, e = 0, n = env_int("REGRESSION_CYCLES", 300);
	pthread_t th;

	NEED_HEAP();
	ASSERT_EQ(0, pthread_create(&th, NULL, walk, &w));
	for (i = 0; i < n; i++) {
		int fd = heap_alloc(PAGE);

		if (fd < 0) {
			e = errno;
			break;
		}
		close(fd);
	}
	w.stop = 1;
	pthread_join(th, NULL);
	ASSERT_EQ(0, e) TH_LOG("export %d: errno %d (%s)", i, e, strerror(e));
	ksft_print_msg("%d exports, walker saw %ld listed buffers\n", n, w.listed);
	ASSERT_EQ(0, w.unreadable)
		TH_LOG("%ld listed buffers unreadable in sysfs", w.unreadable);
}

/* Mount proc, sysfs and debugfs before the first test. */
static void __attribute__((constructor)) regressions_mounts(void)
{
	tst_mounts();
}

TEST_HARNESS_MAIN
