// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-regressions: one case per class of bug that upstream's dma-buf
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
		kt_sleep_ms(10);
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

static int t_regression_set_name_vs_dentry_name(void)
{
	struct rename_race r = { 0 };
	int i, n = env_int("REGRESSION_RENAMES", 3000);
	pthread_t th[2];
	void *map;

	NEED_HEAP();
	r.fd = heap_alloc(PAGE);
	KT_OK(r.fd);
	map = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, r.fd, 0);
	KT_CHECK(map != MAP_FAILED, "mmap");
	for (i = 0; i < 2; i++)
		KT_CHECK(!pthread_create(&th[i], NULL, name_reader, &r),
			 "pthread_create");
	for (i = 0; i < n; i++) {
		char name[DMA_BUF_NAME_LEN];

		/* Lengths vary so that each name is a new allocation. */
		snprintf(name, sizeof(name), "n%0*d", 1 + i % 28, i);
		KT_OK(ioctl(r.fd, DMA_BUF_SET_NAME, name));
	}
	r.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	kt_diag("%d renames, %ld reads of the link and maps", n, r.reads);
	munmap(map, PAGE);
	close(r.fd);
	return KT_PASS;
}

/* -------------------------------------- file release vs dentry release */

struct unmapper {
	void *map;
	size_t len;
};

static void *unmap_later(void *arg)
{
	struct unmapper *u = arg;

	kt_sleep_ms(1);
	munmap(u->map, u->len);
	return NULL;
}

static int t_regression_file_release_vs_dentry_release(void)
{
	int i, n = env_int("REGRESSION_CYCLES", 300);
	char *maps = malloc(1 << 16);

	NEED_HEAP();
	KT_CHECK(maps != NULL, "malloc");
	for (i = 0; i < n; i++) {
		struct unmapper u = { .len = PAGE };
		unsigned long ino;
		pthread_t th;
		int fd = heap_alloc(PAGE);

		KT_OK(fd);
		ino = fd_ino(fd);
		u.map = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		KT_CHECK(u.map != MAP_FAILED, "mmap");
		/* The mapping now holds the last file reference. */
		close(fd);
		KT_CHECK(!pthread_create(&th, NULL, unmap_later, &u),
			 "pthread_create");
		read_text("/proc/self/maps", maps, 1 << 16);
		pthread_join(th, NULL);
		KT_CHECK(!wait_unlisted(ino, 5000),
			 "buffer %lu still listed after munmap", ino);
	}
	free(maps);
	return KT_PASS;
}

/* --------------------------------- poll callback without a file ref */

static int t_regression_poll_callback_without_file_reference(void)
{
	unsigned long ino;
	int fd, tl;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	/* Arms the callback, which must keep the file alive by itself. */
	KT_CHECK(poll_fd(fd, POLLIN, 10) == 0, "ready with a writer pending");
	close(fd);
	kt_sleep_ms(20);
	KT_OK(sw_inc(tl, 1));
	close(tl);
	KT_CHECK(!wait_unlisted(ino, 5000), "buffer %lu never released", ino);
	return KT_PASS;
}

/* ------------------------------- fd published before copy_to_user() */

static int t_regression_fd_published_before_copy_to_user(void)
{
	struct dma_heap_allocation_data *arg;
	int heap, free_before, n_before, objs_before;

	NEED_HEAP();
	heap = open(HEAP_PATH, O_RDONLY | O_CLOEXEC);
	KT_OK(heap);
	arg = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KT_CHECK(arg != MAP_FAILED, "mmap");
	arg->len = PAGE;
	arg->fd_flags = O_RDWR | O_CLOEXEC;
	KT_OK(mprotect(arg, PAGE, PROT_READ));
	objs_before = bufinfo_objects();
	free_before = lowest_free_fd();
	n_before = count_open_fds();
	KT_ERRNO(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, arg), EFAULT);
	KT_CHECK(lowest_free_fd() == free_before && count_open_fds() == n_before,
		 "an fd was installed although the copy back failed");
	/* The buffer made for the call is released, and with it its listing. */
	kt_sleep_ms(50);
	KT_CHECK(bufinfo_objects() == objs_before, "bufinfo lists %d buffers, %d before",
		 bufinfo_objects(), objs_before);
	munmap(arg, PAGE);
	close(heap);
	return KT_PASS;
}

/* ----------------------------------- release once when no fd is free */

static int t_regression_release_once_when_fd_fails(void)
{
	struct rlimit saved, full;
	int objs_before, i, fd;

	NEED_HEAP();
	KT_OK(getrlimit(RLIMIT_NOFILE, &saved));
	/* Open the heap device first: only the buffer's fd must fail. */
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	close(fd);
	objs_before = bufinfo_objects();
	full = saved;
	full.rlim_cur = lowest_free_fd();
	KT_OK(setrlimit(RLIMIT_NOFILE, &full));
	for (i = 0; i < 100; i++) {
		fd = heap_alloc(PAGE);
		if (fd >= 0 || errno != EMFILE)
			break;
	}
	setrlimit(RLIMIT_NOFILE, &saved);
	KT_CHECK(i == 100, "allocation %d gave fd %d errno %d, want EMFILE",
		 i, fd, errno);
	kt_sleep_ms(50);
	KT_CHECK(bufinfo_objects() == objs_before, "bufinfo lists %d buffers, %d before",
		 bufinfo_objects(), objs_before);
	return KT_PASS;
}

/*
 * udmabuf exports first and asks for the fd after: when that fails, the
 * buffer it made must be released exactly once (a warning or a report
 * otherwise), and leave no listing behind.
 */
static int t_regression_udmabuf_release_once_when_fd_fails(void)
{
	struct rlimit saved, full;
	struct udmabuf_create c;
	int dev, memfd, objs_before, i, fd = -1;

	if (!have_udmabuf())
		return kt_skip("no " UDMABUF_PATH);
	dev = open(UDMABUF_PATH, O_RDWR | O_CLOEXEC);
	KT_OK(dev);
	memfd = memfd_create("regression", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	KT_OK(memfd);
	KT_OK(ftruncate(memfd, (off_t)PAGE));
	KT_OK(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	memset(&c, 0, sizeof(c));
	c.memfd = (__u32)memfd;
	c.flags = UDMABUF_FLAGS_CLOEXEC;
	c.size = PAGE;
	objs_before = bufinfo_objects();
	KT_OK(getrlimit(RLIMIT_NOFILE, &saved));
	full = saved;
	full.rlim_cur = lowest_free_fd();
	KT_OK(setrlimit(RLIMIT_NOFILE, &full));
	for (i = 0; i < 100; i++) {
		fd = ioctl(dev, UDMABUF_CREATE, &c);
		if (fd >= 0 || errno != EMFILE)
			break;
	}
	setrlimit(RLIMIT_NOFILE, &saved);
	KT_CHECK(i == 100, "creation %d gave fd %d errno %d, want EMFILE",
		 i, fd, errno);
	kt_sleep_ms(50);
	KT_CHECK(bufinfo_objects() == objs_before, "bufinfo lists %d buffers, %d before",
		 bufinfo_objects(), objs_before);
	close(memfd);
	close(dev);
	return KT_PASS;
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

static int t_regression_export_init_order(void)
{
	struct walker w = { 0 };
	int i, n = env_int("REGRESSION_CYCLES", 300);
	pthread_t th;

	NEED_HEAP();
	KT_CHECK(!pthread_create(&th, NULL, walk, &w), "pthread_create");
	for (i = 0; i < n; i++) {
		int fd = heap_alloc(PAGE);

		KT_OK(fd);
		close(fd);
	}
	w.stop = 1;
	pthread_join(th, NULL);
	kt_diag("%d exports, walker saw %ld listed buffers", n, w.listed);
	KT_CHECK(w.unreadable == 0, "%ld listed buffers unreadable in sysfs",
		 w.unreadable);
	return KT_PASS;
}

static const struct kt_case cases[] = {
	{ "regression_set_name_vs_dentry_name", t_regression_set_name_vs_dentry_name },
	{ "regression_file_release_vs_dentry_release", t_regression_file_release_vs_dentry_release },
	{ "regression_poll_callback_without_file_reference",
	  t_regression_poll_callback_without_file_reference },
	{ "regression_fd_published_before_copy_to_user",
	  t_regression_fd_published_before_copy_to_user },
	{ "regression_release_once_when_fd_fails", t_regression_release_once_when_fd_fails },
	{ "regression_udmabuf_release_once_when_fd_fails",
	  t_regression_udmabuf_release_once_when_fd_fails },
	{ "regression_export_init_order", t_regression_export_init_order },
};

static void setup(void)
{
	tst_mounts();
}

int main(void)
{
	return ktap_main("dmabuf-regressions", cases, KT_ARRAY_SIZE(cases), setup);
}
