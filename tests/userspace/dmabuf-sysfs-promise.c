// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-sysfs-promise: the one promise of /sys/kernel/dmabuf, checked from
 * every side a reader can come from.
 *
 * The promise, as Linux 6.1 keeps it: no reader may ever learn, by any
 * means, that a live buffer exists and then fail to find
 * /sys/kernel/dmabuf/buffers/<ino>/ with both its files, exporter_name and
 * size, and their right contents; and nobody sees anything under
 * /sys/kernel/dmabuf that 6.1 would not show: the directory "buffers" and
 * nothing else there, only inode-numbered directories in buffers/, each
 * holding exactly exporter_name and size, and no directory of a buffer
 * whose last close() or munmap() has returned.
 *
 * Tests:
 *  - promise_export_then_look_pinned: export, then (before anybody asks
 *    the fd anything) list buffers/ through a directory stream opened once
 *    and rewound for every look; the buffer, whose inode number is only
 *    fstat()ed afterwards to check, must be listed and complete, and gone
 *    after close().  The whole process is pinned to one CPU.
 *  - promise_export_then_look_cross_cpu: the same, but a helper thread on
 *    CPU 1 exports and closes while the reader looks on CPU 0.
 *  - promise_maps_reader: another process maps a buffer and closes its fd;
 *    the reader learns the inode only from /proc/<pid>/maps.
 *  - promise_other_netns_sysfs_mount: a fresh sysfs mounted in a new
 *    network and mount namespace lists buffers the same way.
 *  - promise_epoll_fdinfo_reader: another process adds a buffer to an epoll
 *    set; the reader learns the inode only from the epoll fd's fdinfo.
 *  - promise_proc_locks_reader: another process locks a buffer; the reader
 *    learns the inode only from /proc/locks.
 *    The three /proc readers run lock-step rounds (one buffer per round,
 *    found and then found gone) and then a racing phase, where the other
 *    process publishes and withdraws buffers freely and a failed lookup
 *    counts only if the buffer is still visible in /proc after it.
 *  - promise_dmabuf_dir_walk: walk /sys/kernel/dmabuf and buffers/ while
 *    other processes export and close: only "buffers", only inode numbers,
 *    only exporter_name and size, well-formed contents, and no directory of
 *    a buffer closed before the walk began.  A directory that vanishes
 *    midway is fine.
 *  - promise_dmabuf_dir_walk_no_half_beyond_upstream: the same walk, but a
 *    directory that still exists after one of its files could not be found
 *    fails when the buffer's export is known to have returned before the
 *    walk began (6.1 removes the files before the directory, so it shows
 *    such half-removed directories now and then).  Directories caught
 *    while their export is still running may lack files for a moment in
 *    6.1 and in this core alike; they fail only with PROMISE_STRICT_HALF=1.
 *  - promise_sysfs_reader_contention: export + close throughput alone and
 *    with a process looping over buffers/ and fstat(), printed as
 *    "# sysfs-reader-contention alone=<per s> with_reader=<per s>
 *    ratio=<r>"; fails only below a ratio of 0.10.
 *
 * Every test skips without /dev/dma_heap/system or
 * /sys/kernel/dmabuf/buffers (CONFIG_DMABUF_SYSFS_STATS off).
 *
 * The tests run on the kselftest harness, each in a child process of its
 * own, with its limit of TEST_TIMEOUT_DEFAULT (60 s).  The helper threads
 * and processes a test starts never assert: they report through what they
 * hand back and their exit status, and the test stops and reaps every one
 * of them before it asserts anything (the harness kills a test's process
 * group only when it times out).
 *
 * Environment knobs:
 *   PROMISE_ITERS  iterations of the export-then-look loops (default
 *                  2000); the /proc readers run a quarter of that in
 *                  lock-step rounds
 *   PROMISE_MS     length in ms of each time-bounded phase: racing
 *                  readers, walks, each half of the contention measurement
 *                  (default 1500); no iteration loop runs longer than four
 *                  times that, whatever PROMISE_ITERS says.  A /proc reader
 *                  test takes up to five times PROMISE_MS, which has to
 *                  stay well within the 60 s a test is given
 *   PROMISE_STRICT_HALF=1  the no_half walk fails on every existing
 *                  directory found lacking a file, half-made ones too
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/sysmacros.h>

#define PAGE ((size_t)tst_page_size())
#define DMABUF_DIR "/sys/kernel/dmabuf"

#define NEED_STATS()							\
	do {								\
		NEED_HEAP();						\
		if (access(SYSFS_BUFFERS, F_OK))			\
			SKIP(return, "no " SYSFS_BUFFERS		\
			     " (CONFIG_DMABUF_SYSFS_STATS off)");	\
	} while (0)

/*
 * A check in a loop that runs beside helper threads or processes: the
 * test has to stop and reap those before it may assert, so a failed check
 * only notes why (in why, of wlen bytes) and leaves for the label out.
 */
#define CHECK_OR_OUT(cond, fmt, ...)					\
	do {								\
		if (!(cond)) {						\
			snprintf(why, wlen, "line %d: " fmt, __LINE__,	\
				 ##__VA_ARGS__);			\
			goto out;					\
		}							\
	} while (0)

static long env_num(const char *name, long def)
{
	const char *v = getenv(name);

	return v && atol(v) > 0 ? atol(v) : def;
}

static long promise_iters(void)
{
	return env_num("PROMISE_ITERS", 2000);
}

static long promise_ms(void)
{
	return env_num("PROMISE_MS", 1500);
}

/* No loop runs past this, however many iterations it was asked for. */
static long long loop_deadline(void)
{
	return tst_now_ns() + 4LL * promise_ms() * 1000000LL;
}

/*
 * Wait for a helper process, after a SIGKILL when kill_it (a check failed
 * while it ran).  Returns its wait status, or -1.
 */
static int reap(pid_t pid, int kill_it)
{
	int st;

	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* ------------------------------------------------------------- CPUs */

static int cpu_allowed(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	if (sched_getaffinity(0, sizeof(s), &s))
		return 0;
	return CPU_ISSET(cpu, &s);
}

static int first_allowed_cpu(void)
{
	int cpu;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (cpu_allowed(cpu))
			return cpu;
	return -1;
}

/* Pin the calling thread to one CPU. */
static int pin_to(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

/* ------------------------------------------------- entries in sysfs */

/* The only names 6.1 puts in buffers/: inode numbers in decimal. */
static int is_ino_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 21 && s[0] != '0' && strspn(s, "0123456789") == n;
}

/* One non-empty line, as "%s\n" prints an exporter's name. */
static int one_line(const char *s)
{
	size_t n = strlen(s);

	return n > 1 && strchr(s, '\n') == s + n - 1;
}

/* Text read from sysfs, made printable on one diagnostic line. */
static const char *esc(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		if (*in == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *in >= ' ' && *in < 127 ? *in : '?';
		}
	}
	out[o] = 0;
	return out;
}

enum { ENT_OK, ENT_NODIR, ENT_NOFILE, ENT_BAD };

/*
 * Look buffers/<ino> up under bufs and check it: a directory whose
 * exporter_name reads "<exp>\n" (any one line when exp is NULL) and whose
 * size reads "<size>\n" (any positive multiple of the page size when size
 * is 0).  Returns ENT_*, with the reason in why.
 */
static int entry_check(const char *bufs, unsigned long ino, const char *exp,
		       size_t size, char *why, size_t wlen)
{
	char p[PATH_MAX], e[256], s[64], want[256], shown[520], *end;
	unsigned long long v;
	struct stat st;

	snprintf(p, sizeof(p), "%s/%lu", bufs, ino);
	if (stat(p, &st)) {
		snprintf(why, wlen, "%s: %s", p, strerror(errno));
		return ENT_NODIR;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, wlen, "%s: mode %o, not a directory", p, st.st_mode);
		return ENT_BAD;
	}
	snprintf(p, sizeof(p), "%s/%lu/exporter_name", bufs, ino);
	if (read_text(p, e, sizeof(e)) < 0) {
		snprintf(why, wlen, "%s: %s", p, strerror(errno));
		return ENT_NOFILE;
	}
	snprintf(p, sizeof(p), "%s/%lu/size", bufs, ino);
	if (read_text(p, s, sizeof(s)) < 0) {
		snprintf(why, wlen, "%s: %s", p, strerror(errno));
		return ENT_NOFILE;
	}
	snprintf(want, sizeof(want), "%s\n", exp ? exp : "");
	if (exp ? strcmp(e, want) : !one_line(e)) {
		snprintf(why, wlen, "%s/%lu/exporter_name reads '%s', want '%s\\n'",
			 bufs, ino, esc(e, shown, sizeof(shown)),
			 exp ? exp : "<name>");
		return ENT_BAD;
	}
	v = strtoull(s, &end, 10);
	if (s[0] < '1' || s[0] > '9' || strcmp(end, "\n") ||
	    (size ? v != size : v % PAGE)) {
		snprintf(why, wlen, "%s/%lu/size reads '%s', want '%zu\\n'",
			 bufs, ino, esc(s, shown, sizeof(shown)), size);
		return ENT_BAD;
	}
	return ENT_OK;
}

/* 1 when buffers/<ino> is gone (ENOENT); 0, with the reason in why, if not. */
static int entry_gone(const char *bufs, unsigned long ino, char *why, size_t wlen)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%lu", bufs, ino);
	if (!access(p, F_OK)) {
		snprintf(why, wlen, "%s still exists", p);
		return 0;
	}
	if (errno != ENOENT) {
		snprintf(why, wlen, "%s: %s, not ENOENT", p, strerror(errno));
		return 0;
	}
	return 1;
}

#define MAX_LISTED 65536

struct listing {
	unsigned long ino[MAX_LISTED];
	int n;
	int foreign;		/* names that are not inode numbers */
	char bad[256];		/* the last of them */
};

/* Rewind d and read it to the end into l; 0 on success. */
static int list_dir(DIR *d, struct listing *l)
{
	struct dirent *de;

	l->n = 0;
	rewinddir(d);
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			return errno ? -1 : 0;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!is_ino_name(de->d_name)) {
			l->foreign++;
			snprintf(l->bad, sizeof(l->bad), "'%.200s'", de->d_name);
			continue;
		}
		if (l->n < MAX_LISTED)
			l->ino[l->n++] = strtoul(de->d_name, NULL, 10);
	}
}

static int in_listing(const struct listing *l, unsigned long ino)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->ino[i] == ino)
			return 1;
	return 0;
}

/*
 * /sys/kernel/dmabuf (under whatever sysfs mount top is in) holds the
 * directory "buffers" and nothing else.  0 if so, -1 with why if not.
 */
static int check_top(const char *top, char *why, size_t wlen)
{
	int buffers = 0, bad = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(top);
	if (!d) {
		snprintf(why, wlen, "opendir %s: %s", top, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!strcmp(de->d_name, "buffers") &&
		    (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)) {
			buffers++;
			continue;
		}
		bad++;
		snprintf(why, wlen, "%s lists '%.200s' (d_type %d)", top,
			 de->d_name, de->d_type);
	}
	closedir(d);
	if (!bad && buffers != 1) {
		snprintf(why, wlen, "%s lists buffers %d times", top, buffers);
		bad++;
	}
	return bad ? -1 : 0;
}

/* ---------------------------------------------- a. export, then look */

/*
 * n times: export a buffer of 1-4 pages, list bufs through one directory
 * stream opened before the loop and rewound for each look, and only then
 * fstat() the fd for its inode number: it must have been listed, with both
 * files right.  After close() it must be neither listed nor found.
 * Returns 0, or -1 with the reason in why; *done: the iterations that ran.
 * (No helper runs here: the status is for the namespace test, which has a
 * mount and a directory to remove before it asserts.)
 */
static int export_then_look(const char *bufs, long n, long *done, char *why,
			    size_t wlen)
{
	static struct listing l;
	long long deadline = loop_deadline();
	char what[PATH_MAX + 128];
	int fd = -1, ret = -1;
	unsigned long ino;
	long i = 0;
	DIR *d;

	d = opendir(bufs);
	CHECK_OR_OUT(d != NULL, "opendir %s: %s", bufs, strerror(errno));
	memset(&l, 0, sizeof(l));
	for (; i < n && tst_now_ns() < deadline; i++) {
		size_t size = (1 + i % 4) * PAGE;

		fd = heap_alloc(size);
		CHECK_OR_OUT(fd >= 0, "iteration %ld: allocation failed: %s", i,
			     strerror(errno));
		CHECK_OR_OUT(list_dir(d, &l) == 0, "readdir %s: %s", bufs,
			     strerror(errno));
		ino = fd_ino(fd);
		CHECK_OR_OUT(in_listing(&l, ino),
			     "iteration %ld: buffer %lu not listed right after its export (%d entries listed)",
			     i, ino, l.n);
		CHECK_OR_OUT(entry_check(bufs, ino, "system", size, what,
					 sizeof(what)) == ENT_OK,
			     "iteration %ld: %s", i, what);
		close(fd);
		fd = -1;
		CHECK_OR_OUT(list_dir(d, &l) == 0, "readdir %s: %s", bufs,
			     strerror(errno));
		CHECK_OR_OUT(!in_listing(&l, ino),
			     "iteration %ld: buffer %lu still listed after close() returned",
			     i, ino);
		CHECK_OR_OUT(entry_gone(bufs, ino, what, sizeof(what)),
			     "iteration %ld: after close(): %s", i, what);
		CHECK_OR_OUT(l.foreign == 0,
			     "%s lists %d names that are not inode numbers, e.g. %s",
			     bufs, l.foreign, l.bad);
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (d)
		closedir(d);
	*done = i;
	return ret;
}

TEST(promise_export_then_look_pinned)
{
	long n = promise_iters(), done = 0;
	char why[PATH_MAX + 256];
	int cpu;

	NEED_STATS();
	cpu = cpu_allowed(0) ? 0 : first_allowed_cpu();
	ASSERT_GE(cpu, 0) TH_LOG("no CPU allowed");
	ASSERT_EQ(0, pin_to(cpu)) TH_LOG("cannot pin to CPU %d: %s", cpu, strerror(errno));
	ASSERT_EQ(0, export_then_look(SYSFS_BUFFERS, n, &done, why, sizeof(why)))
		TH_LOG("%s", why);
	ksft_print_msg("%ld of %ld iterations, all on CPU %d\n", done, n, cpu);
	ASSERT_GT(done, 0) TH_LOG("no iteration ran");
}

struct xcpu {
	int req[2];	/* reader -> helper */
	int ack[2];	/* helper -> reader */
};

/*
 * The helper thread: on 'a'..'d' it exports a buffer of 1..4 pages and
 * hands its fd number over (-1 if the export failed), on 'x' it closes
 * that buffer and says so once close() has returned, on 'q', end of file
 * or a broken pipe it stops.  It never asserts: the reader checks what it
 * hands over.
 */
static void *xcpu_helper(void *arg)
{
	struct xcpu *x = arg;
	int fd = -1, v;
	char c;

	while (read(x->req[0], &c, 1) == 1 && c != 'q') {
		if (c == 'x') {
			close(fd);
			fd = -1;
			v = 0;
		} else {
			fd = heap_alloc((size_t)(c - 'a' + 1) * PAGE);
			v = fd;
		}
		if (write(x->ack[1], &v, sizeof(v)) != sizeof(v))
			break;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/*
 * The reader's side of promise_export_then_look_cross_cpu, on CPU 0 while
 * the helper thread runs: 0, or -1 with the reason in why.
 */
static int xcpu_look(struct xcpu *x, DIR *d, long n, long *done, char *why,
		     size_t wlen)
{
	static struct listing l;
	long long deadline = loop_deadline();
	char what[PATH_MAX + 128], c;
	unsigned long ino;
	int fd, v, ret = -1;
	long i = 0;

	memset(&l, 0, sizeof(l));
	for (; i < n && tst_now_ns() < deadline; i++) {
		size_t size = (1 + i % 4) * PAGE;

		c = 'a' + i % 4;
		CHECK_OR_OUT(write(x->req[1], &c, 1) == 1, "pipe");
		CHECK_OR_OUT(read(x->ack[0], &fd, sizeof(fd)) == sizeof(fd) && fd >= 0,
			     "iteration %ld: the helper could not export", i);
		/* the fd number is all the reader knows of the buffer yet */
		CHECK_OR_OUT(list_dir(d, &l) == 0, "readdir: %s", strerror(errno));
		ino = fd_ino(fd);
		CHECK_OR_OUT(in_listing(&l, ino),
			     "iteration %ld: buffer %lu exported on CPU 1 not listed on CPU 0 (%d entries listed)",
			     i, ino, l.n);
		CHECK_OR_OUT(entry_check(SYSFS_BUFFERS, ino, "system", size, what,
					 sizeof(what)) == ENT_OK,
			     "iteration %ld: %s", i, what);
		c = 'x';
		CHECK_OR_OUT(write(x->req[1], &c, 1) == 1, "pipe");
		CHECK_OR_OUT(read(x->ack[0], &v, sizeof(v)) == sizeof(v), "pipe");
		CHECK_OR_OUT(list_dir(d, &l) == 0, "readdir: %s", strerror(errno));
		CHECK_OR_OUT(!in_listing(&l, ino),
			     "iteration %ld: buffer %lu closed on CPU 1 still listed on CPU 0",
			     i, ino);
		CHECK_OR_OUT(entry_gone(SYSFS_BUFFERS, ino, what, sizeof(what)),
			     "iteration %ld: after close() on CPU 1: %s", i, what);
		CHECK_OR_OUT(l.foreign == 0,
			     SYSFS_BUFFERS " lists %d names that are not inode numbers, e.g. %s",
			     l.foreign, l.bad);
	}
	ret = 0;
out:
	*done = i;
	return ret;
}

TEST(promise_export_then_look_cross_cpu)
{
	long n = promise_iters(), done = 0;
	char why[PATH_MAX + 256];
	int err, r = -1;
	struct xcpu x;
	pthread_t th;
	cpu_set_t s;
	DIR *d;

	NEED_STATS();
	if (!cpu_allowed(0) || !cpu_allowed(1))
		SKIP(return, "needs CPUs 0 and 1");
	ASSERT_SYSCALL(pipe(x.req));
	ASSERT_SYSCALL(pipe(x.ack));
	ASSERT_SYSCALL(pin_to(0));
	d = opendir(SYSFS_BUFFERS);
	ASSERT_NE(NULL, d) TH_LOG("opendir " SYSFS_BUFFERS ": %s", strerror(errno));
	ASSERT_EQ(0, pthread_create(&th, NULL, xcpu_helper, &x));
	CPU_ZERO(&s);
	CPU_SET(1, &s);
	err = pthread_setaffinity_np(th, sizeof(s), &s);
	if (!err)
		r = xcpu_look(&x, d, n, &done, why, sizeof(why));
	/* end of file stops the helper, wherever the reader left it */
	close(x.req[1]);
	pthread_join(th, NULL);
	closedir(d);
	ASSERT_EQ(0, err) TH_LOG("cannot pin the helper thread to CPU 1: %s",
				 strerror(err));
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	ksft_print_msg("%ld of %ld iterations, exporting on CPU 1, looking on CPU 0\n",
		       done, n);
	ASSERT_GT(done, 0) TH_LOG("no iteration ran");
}

/* ------------------------------- b, c2, c3. readers that only see /proc */

enum src_kind { SRC_MAPS, SRC_EPOLL, SRC_LOCKS };

/*
 * Where the reader learns of another process's buffers.  The other process
 * never asks a buffer for its inode number; the reader learns it from the
 * source alone.
 */
struct src {
	enum src_kind kind;
	const char *what;	/* for messages */
	const char *retract;	/* what releases the buffer, for messages */
	int lock_posix;		/* SRC_LOCKS: fcntl(F_SETLK), not flock() */
	dev_t dev;		/* SRC_LOCKS: st_dev of dma-buf files */
	int epfd;		/* SRC_EPOLL, other process: its epoll fd */
	pid_t pid;		/* reader: the other process */
	int cookie;		/* reader: the other process's epoll fd */
};

/* A buffer the other process holds: by fd, or only by a mapping. */
struct held {
	int fd;
	void *map;
	size_t len;
};

/* A buffer the reader found in the source. */
struct seen {
	unsigned long ino;
	size_t size;		/* 0 when the source does not tell */
};

static int lock_fd(int fd, int posix)
{
	struct flock fl;

	if (!posix)
		return flock(fd, LOCK_EX | LOCK_NB);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	return fcntl(fd, F_SETLK, &fl);
}

static int src_child_setup(struct src *s)
{
	s->epfd = -1;
	if (s->kind == SRC_EPOLL) {
		s->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (s->epfd < 0)
			return -1;
	}
	return 0;
}

/* Other process: export a buffer and make it visible through the source. */
static int src_publish(struct src *s, struct held *h, size_t len)
{
	struct epoll_event ev;

	h->map = NULL;
	h->len = len;
	h->fd = heap_alloc(len);
	if (h->fd < 0)
		return -1;
	switch (s->kind) {
	case SRC_MAPS:
		h->map = mmap(NULL, len, PROT_READ, MAP_SHARED, h->fd, 0);
		if (h->map == MAP_FAILED)
			return -1;
		/* only the mapping holds the buffer from now on */
		close(h->fd);
		h->fd = -1;
		return 0;
	case SRC_EPOLL:
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.fd = h->fd;
		return epoll_ctl(s->epfd, EPOLL_CTL_ADD, h->fd, &ev);
	case SRC_LOCKS:
		return lock_fd(h->fd, s->lock_posix);
	}
	return -1;
}

/* Other process: drop its only reference, which releases the buffer. */
static void src_retract(struct held *h)
{
	if (h->map)
		munmap(h->map, h->len);
	if (h->fd >= 0)
		close(h->fd);
}

#define SCAN_TEXT (1 << 20)

/* Inode and length of every dma-buf mapping in /proc/<pid>/maps. */
static int scan_maps(struct src *s, char *text, struct seen *out, int max,
		     char *why, size_t wlen)
{
	char path[64], *line, *save = NULL;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)s->pid);
	if (read_text(path, text, SCAN_TEXT) < 0) {
		snprintf(why, wlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long start, end, ino;
		unsigned long long off;
		unsigned int maj, min;
		char perms[8];

		if (!strstr(line, " /dmabuf:"))
			continue;
		if (sscanf(line, "%lx-%lx %7s %llx %x:%x %lu", &start, &end,
			   perms, &off, &maj, &min, &ino) != 7) {
			snprintf(why, wlen, "%s: cannot parse '%.200s'", path, line);
			return -1;
		}
		if (n < max) {
			out[n].ino = ino;
			out[n].size = end - start;
			n++;
		}
	}
	return n;
}

/* The "tfd: ... ino:<hex>" lines of the other process's epoll fd. */
static int scan_epoll(struct src *s, char *text, struct seen *out, int max,
		      char *why, size_t wlen)
{
	char *line, *save = NULL;
	int n = 0;

	if (fdinfo_text(s->pid, s->cookie, text, SCAN_TEXT) < 0) {
		snprintf(why, wlen, "/proc/%d/fdinfo/%d: %s", (int)s->pid,
			 s->cookie, strerror(errno));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p;

		if (strncmp(line, "tfd:", 4))
			continue;
		p = strstr(line, " ino:");
		if (!p) {
			snprintf(why, wlen, "epoll fdinfo: no ino in '%.200s'", line);
			return -1;
		}
		if (n < max) {
			out[n].ino = strtoul(p + 5, NULL, 16);
			out[n].size = 0;
			n++;
		}
	}
	return n;
}

/*
 * The other process's locks in /proc/locks:
 *   "<id>: FLOCK  ADVISORY  WRITE <pid> <maj>:<min>:<ino> 0 EOF"
 * with maj:min in hex and ino in decimal; waiters ("->") are left out.
 */
static int scan_locks(struct src *s, char *text, struct seen *out, int max,
		      char *why, size_t wlen)
{
	char *line, *save = NULL;
	int n = 0;

	if (read_text("/proc/locks", text, SCAN_TEXT) < 0) {
		snprintf(why, wlen, "/proc/locks: %s", strerror(errno));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tok[16], *t, *s2 = NULL;
		unsigned int maj = 0, min = 0;
		int nt = 0, waiter = 0, k;
		unsigned long ino = 0;

		for (t = strtok_r(line, " ", &s2); t && nt < 16;
		     t = strtok_r(NULL, " ", &s2)) {
			if (!strcmp(t, "->"))
				waiter = 1;
			tok[nt++] = t;
		}
		if (waiter)
			continue;
		for (k = 1; k < nt; k++) {
			int used = 0;

			if (sscanf(tok[k], "%x:%x:%lu%n", &maj, &min, &ino, &used) == 3 &&
			    used == (int)strlen(tok[k]))
				break;
		}
		if (k == nt || atoi(tok[k - 1]) != (int)s->pid)
			continue;
		if (maj != major(s->dev) || min != minor(s->dev)) {
			snprintf(why, wlen,
				 "/proc/locks: pid %d holds a lock on %02x:%02x:%lu, dma-buf files are on %02x:%02x",
				 (int)s->pid, maj, min, ino, major(s->dev), minor(s->dev));
			return -1;
		}
		if (n < max) {
			out[n].ino = ino;
			out[n].size = 0;
			n++;
		}
	}
	return n;
}

/* Reader: the other process's buffers as the source shows them, or -1. */
static int src_scan(struct src *s, struct seen *out, int max, char *why, size_t wlen)
{
	static char *text;

	if (!text)
		text = malloc(SCAN_TEXT);
	if (!text) {
		snprintf(why, wlen, "out of memory");
		return -1;
	}
	switch (s->kind) {
	case SRC_MAPS:
		return scan_maps(s, text, out, max, why, wlen);
	case SRC_EPOLL:
		return scan_epoll(s, text, out, max, why, wlen);
	case SRC_LOCKS:
		return scan_locks(s, text, out, max, why, wlen);
	}
	return -1;
}

static int in_seen(const struct seen *a, int n, unsigned long ino)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i].ino == ino)
			return 1;
	return 0;
}

/*
 * Other process, lock-step: on 'n' it publishes a buffer of 1-4 pages (by
 * round) and answers 'p' (or 'E'), on the next byte it releases it and
 * answers 'r' once that has returned; 'q' or end of file ends.  Its
 * return value is its exit status.
 */
static int src_child_lockstep(struct src *s, int in, int out)
{
	struct held h;
	long i;
	char c;

	if (src_child_setup(s) || write(out, &s->epfd, sizeof(int)) != sizeof(int))
		return 1;
	for (i = 0; read(in, &c, 1) == 1 && c == 'n'; i++) {
		c = src_publish(s, &h, (1 + i % 4) * PAGE) ? 'E' : 'p';
		if (write(out, &c, 1) != 1 || c == 'E')
			return 2;
		if (read(in, &c, 1) != 1)
			return 3;
		src_retract(&h);
		if (write(out, "r", 1) != 1)
			return 4;
	}
	return 0;
}

/*
 * Reader, lock-step, while the other process runs: 0, or -1 with the
 * reason in why; *done: the rounds that ran.
 */
static int lockstep_rounds(struct src *s, int to, int from, long rounds,
			   long *done, char *why, size_t wlen)
{
	char what[PATH_MAX + 128], c;
	long long deadline;
	struct seen a[8];
	unsigned long ino;
	int n, ret = -1;
	long i = 0;

	CHECK_OR_OUT(read(from, &s->cookie, sizeof(int)) == sizeof(int),
		     "%s: the other process did not start", s->what);
	deadline = loop_deadline();
	for (; i < rounds && tst_now_ns() < deadline; i++) {
		size_t size = (1 + i % 4) * PAGE;

		CHECK_OR_OUT(write(to, "n", 1) == 1, "pipe");
		CHECK_OR_OUT(read(from, &c, 1) == 1 && c == 'p',
			     "%s: round %ld: the other process could not publish its buffer",
			     s->what, i);
		n = src_scan(s, a, 8, what, sizeof(what));
		CHECK_OR_OUT(n >= 0, "%s: round %ld: %s", s->what, i, what);
		CHECK_OR_OUT(n == 1, "%s: round %ld: %d buffers there, expected 1",
			     s->what, i, n);
		CHECK_OR_OUT(!a[0].size || a[0].size == size,
			     "%s: round %ld: mapping of %zu bytes, expected %zu",
			     s->what, i, a[0].size, size);
		ino = a[0].ino;
		CHECK_OR_OUT(entry_check(SYSFS_BUFFERS, ino, "system", size, what,
					 sizeof(what)) == ENT_OK,
			     "%s: round %ld: buffer %lu: %s", s->what, i, ino, what);
		CHECK_OR_OUT(write(to, "g", 1) == 1, "pipe");
		CHECK_OR_OUT(read(from, &c, 1) == 1 && c == 'r', "pipe");
		CHECK_OR_OUT(entry_gone(SYSFS_BUFFERS, ino, what, sizeof(what)),
			     "%s: round %ld: after the other process's %s returned: %s",
			     s->what, i, s->retract, what);
		n = src_scan(s, a, 8, what, sizeof(what));
		CHECK_OR_OUT(n == 0, "%s: round %ld: %d buffers still there after %s",
			     s->what, i, n, s->retract);
	}
	ret = 0;
out:
	*done = i;
	return ret;
}

static void src_lockstep(struct __test_metadata *_metadata, struct src *s,
			 long rounds)
{
	char why[PATH_MAX + 512];
	int pc[2], cp[2], r, st;
	long done;
	pid_t pid;

	ASSERT_SYSCALL(pipe(pc));
	ASSERT_SYSCALL(pipe(cp));
	ASSERT_SYSCALL(pid = fork());
	if (pid == 0) {
		close(pc[1]);
		close(cp[0]);
		_exit(src_child_lockstep(s, pc[0], cp[1]));
	}
	close(pc[0]);
	close(cp[1]);
	s->pid = pid;
	r = lockstep_rounds(s, pc[1], cp[0], rounds, &done, why, sizeof(why));
	if (!r && write(pc[1], "q", 1) != 1) {
		snprintf(why, sizeof(why), "pipe: %s", strerror(errno));
		r = -1;
	}
	st = reap(pid, r);
	close(pc[1]);
	close(cp[0]);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("%s: the other process ended with status %#x", s->what, st);
	ksft_print_msg("%s: %ld of %ld lock-step rounds\n", s->what, done, rounds);
	ASSERT_GT(done, 0) TH_LOG("no round ran");
}

#define RACE_HELD 3
#define RACE_MAX 16

struct race_sh {
	int stop;
	long published;
};

/*
 * Other process, racing: publish and release freely until told to stop.
 * Its return value is its exit status.
 */
static int src_child_racing(struct src *s, struct race_sh *sh, int out)
{
	struct held h[RACE_HELD];
	unsigned int seed = 777u;
	int n = 0, k;

	if (src_child_setup(s) || write(out, &s->epfd, sizeof(int)) != sizeof(int))
		return 1;
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		if (n < RACE_HELD && (n == 0 || rand_r(&seed) % 2)) {
			if (src_publish(s, &h[n], (1 + rand_r(&seed) % 4) * PAGE))
				return 2;
			n++;
			__atomic_add_fetch(&sh->published, 1, __ATOMIC_RELAXED);
		} else {
			k = rand_r(&seed) % n;
			src_retract(&h[k]);
			h[k] = h[--n];
		}
	}
	return 0;
}

struct race_tally {
	long scans, found, ok, vanished;
};

/*
 * Reader, racing: scan the source, look every buffer found up in sysfs,
 * scan again.  Inode numbers are never reused, so a buffer found in both
 * scans was alive throughout, and its lookup in between must have
 * succeeded; one gone by the second scan may have been released meanwhile.
 * Wrong contents are wrong whatever happened.  Runs while the other
 * process does: 0, or -1 with the reason in why.
 */
static int racing_scans(struct src *s, int from, struct race_tally *t,
			char *why, size_t wlen)
{
	static char whyk[RACE_MAX][PATH_MAX + 128];
	struct seen a[RACE_MAX], b[RACE_MAX];
	char what[PATH_MAX + 128];
	int res[RACE_MAX], n1, n2, k, ret = -1;
	long long end;

	memset(t, 0, sizeof(*t));
	CHECK_OR_OUT(read(from, &s->cookie, sizeof(int)) == sizeof(int),
		     "%s: the other process did not start", s->what);
	end = tst_now_ns() + promise_ms() * 1000000LL;
	while (tst_now_ns() < end) {
		n1 = src_scan(s, a, RACE_MAX, what, sizeof(what));
		CHECK_OR_OUT(n1 >= 0, "%s: %s", s->what, what);
		for (k = 0; k < n1; k++)
			res[k] = entry_check(SYSFS_BUFFERS, a[k].ino, "system",
					     a[k].size, whyk[k], sizeof(whyk[k]));
		n2 = src_scan(s, b, RACE_MAX, what, sizeof(what));
		CHECK_OR_OUT(n2 >= 0, "%s: %s", s->what, what);
		t->scans++;
		for (k = 0; k < n1; k++) {
			t->found++;
			if (res[k] == ENT_OK) {
				t->ok++;
				continue;
			}
			CHECK_OR_OUT(res[k] != ENT_BAD, "%s: buffer %lu: %s", s->what,
				     a[k].ino, whyk[k]);
			CHECK_OR_OUT(!in_seen(b, n2, a[k].ino),
				     "%s: buffer %lu, there before and after its lookup: %s",
				     s->what, a[k].ino, whyk[k]);
			t->vanished++;
		}
	}
	ret = 0;
out:
	return ret;
}

static void src_racing(struct __test_metadata *_metadata, struct src *s)
{
	char why[PATH_MAX + 512];
	struct race_tally t;
	struct race_sh *sh;
	int out[2], r, st;
	long published;
	pid_t pid;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh) TH_LOG("mmap: %s", strerror(errno));
	memset(sh, 0, sizeof(*sh));
	ASSERT_SYSCALL(pipe(out));
	ASSERT_SYSCALL(pid = fork());
	if (pid == 0) {
		close(out[0]);
		_exit(src_child_racing(s, sh, out[1]));
	}
	close(out[1]);
	s->pid = pid;
	r = racing_scans(s, out[0], &t, why, sizeof(why));
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	st = reap(pid, r);
	close(out[0]);
	published = sh->published;
	munmap(sh, sizeof(*sh));
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	ksft_print_msg("%s racing: %ld scans, %ld buffers found, %ld found in sysfs, %ld released meanwhile; %ld published\n",
		       s->what, t.scans, t.found, t.ok, t.vanished, published);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("%s: the other process ended with status %#x", s->what, st);
	ASSERT_GT(t.ok, 0) TH_LOG("%s: no buffer checked while racing", s->what);
}

static void src_run(struct __test_metadata *_metadata, struct src *s)
{
	long rounds = promise_iters() / 4;

	src_lockstep(_metadata, s, rounds > 0 ? rounds : 1);
	src_racing(_metadata, s);
}

TEST(promise_maps_reader)
{
	struct src s = {
		.kind = SRC_MAPS,
		.what = "/proc/<pid>/maps",
		.retract = "munmap()",
	};

	NEED_STATS();
	src_run(_metadata, &s);
}

/* ------------------------------- c1. another network + mount namespace */

TEST(promise_other_netns_sysfs_mount)
{
	char dir[] = "/tmp/dmabuf-promise-XXXXXX", path[PATH_MAX], why[PATH_MAX + 512];
	long n = promise_iters(), done = 0;
	struct stat st0, st1;
	const char *mnt;
	int r, e, tmp;

	NEED_STATS();
	ASSERT_SYSCALL(stat(SYSFS_BUFFERS, &st0));
	/* both only for this test's own process, which the harness forked */
	if (unshare(CLONE_NEWNET | CLONE_NEWNS)) {
		e = errno;
		ASSERT_TRUE(e == EPERM || e == EINVAL) TH_LOG("unshare: %s", strerror(e));
		SKIP(return, "unshare(CLONE_NEWNET | CLONE_NEWNS): %s (no CONFIG_NET_NS?)",
		     strerror(e));
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		e = errno;
		ASSERT_TRUE(e == EPERM || e == EINVAL)
			TH_LOG("making / private: %s", strerror(e));
		SKIP(return, "cannot make the mounts private: %s", strerror(e));
	}
	tmp = mkdtemp(dir) != NULL;
	mnt = tmp ? dir : "/sys";	/* over /sys: only this namespace sees it */
	if (mount("sysfs", mnt, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		e = errno;
		if (tmp)
			rmdir(dir);
		ASSERT_TRUE(e == EPERM || e == EINVAL)
			TH_LOG("mounting sysfs on %s: %s", mnt, strerror(e));
		SKIP(return, "cannot mount sysfs in a new network namespace: %s",
		     strerror(e));
	}
	/* from here on, no assertion before the mount and dir are gone */
	snprintf(path, sizeof(path), "%s/kernel/dmabuf", mnt);
	r = check_top(path, why, sizeof(why));
	if (r == 0) {
		snprintf(path, sizeof(path), "%s/kernel/dmabuf/buffers", mnt);
		if (stat(path, &st1)) {
			snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
			r = -1;
		} else {
			ksft_print_msg("sysfs of the new network namespace on %s: %s superblock\n",
				       mnt, st1.st_dev != st0.st_dev ? "a fresh" : "the same");
			r = export_then_look(path, n, &done, why, sizeof(why));
		}
	}
	umount2(mnt, MNT_DETACH);
	if (tmp)
		rmdir(dir);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	ksft_print_msg("%ld of %ld iterations through %s\n", done, n, path);
	ASSERT_GT(done, 0) TH_LOG("no iteration ran");
}

/* --------------------------------- c2, c3. the other two /proc readers */

TEST(promise_epoll_fdinfo_reader)
{
	struct src s = {
		.kind = SRC_EPOLL,
		.what = "epoll fdinfo",
		.retract = "close()",
	};
	struct epoll_event ev;
	int fd, ep;

	NEED_STATS();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		SKIP(return, "epoll_create1: %s", strerror(errno));
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		SKIP(return, "cannot add a dma-buf to an epoll set: %s",
		     strerror(errno));
	close(ep);
	close(fd);
	src_run(_metadata, &s);
}

TEST(promise_proc_locks_reader)
{
	struct src s = {
		.kind = SRC_LOCKS,
		.what = "/proc/locks",
		.retract = "close()",
	};
	struct stat st;
	int fd, e1, e2;

	NEED_STATS();
	if (access("/proc/locks", R_OK))
		SKIP(return, "no /proc/locks (CONFIG_FILE_LOCKING off?)");
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(fstat(fd, &st));
	s.dev = st.st_dev;
	if (lock_fd(fd, 0)) {
		e1 = errno;
		s.lock_posix = 1;
		if (lock_fd(fd, 1)) {
			e2 = errno;
			SKIP(return, "cannot lock a dma-buf fd: flock %s, F_SETLK %s",
			     strerror(e1), strerror(e2));
		}
	}
	close(fd);
	ksft_print_msg("locking with %s\n", s.lock_posix ? "fcntl(F_SETLK)" : "flock()");
	src_run(_metadata, &s);
}

/* ---------------------------------------- d. walking /sys/kernel/dmabuf */

#define WALK_WORKERS 2
#define WALK_HELD 6
#define EV_BITS 16
#define EV_SLOTS (1UL << EV_BITS)
#define HALF_WATCHED 20

/*
 * Worker 0 exports and closes without ever asking a buffer anything.
 * Worker 1 also fstat()s each buffer once its export has returned and logs
 * two events per buffer in a hash table by inode number, each with a
 * sequence number taken after the event: "export returned" and "close()
 * returned".  A walk of buffers/ that begins after such a number was taken
 * knows the buffer was complete (6.1 adds the files before the export
 * returns), or must be gone.
 */
struct walk_sh {
	int stop;
	long exports[WALK_WORKERS];
	unsigned long nseq;
	unsigned long nkeys;
	unsigned long key[EV_SLOTS];
	unsigned long exp[EV_SLOTS];
	unsigned long rel[EV_SLOTS];
};

static unsigned long ev_slot(unsigned long ino)
{
	return (unsigned long)(((uint64_t)ino * 0x9E3779B97F4A7C15ULL) >> (64 - EV_BITS));
}

/* An export inserts its buffer; a release only updates the entry made. */
static void ev_log(struct walk_sh *sh, unsigned long ino, int released)
{
	unsigned long seq = __atomic_add_fetch(&sh->nseq, 1, __ATOMIC_SEQ_CST);
	unsigned long i = ev_slot(ino), k;

	if (!released &&
	    __atomic_add_fetch(&sh->nkeys, 1, __ATOMIC_SEQ_CST) > EV_SLOTS / 2)
		return;		/* full enough: log no more */
	for (k = 0; k < EV_SLOTS; k++, i = (i + 1) & (EV_SLOTS - 1)) {
		unsigned long key = __atomic_load_n(&sh->key[i], __ATOMIC_SEQ_CST);

		if (!key) {
			if (released)
				return;		/* not logged at export */
			if (__atomic_compare_exchange_n(&sh->key[i], &key, ino, 0,
							__ATOMIC_SEQ_CST,
							__ATOMIC_SEQ_CST))
				key = ino;	/* else key is the winner's */
		}
		if (key != ino)
			continue;
		__atomic_store_n(released ? &sh->rel[i] : &sh->exp[i], seq,
				 __ATOMIC_SEQ_CST);
		return;
	}
}

/* Sequence numbers of ino's export and release, 0 where not logged. */
static void ev_lookup(struct walk_sh *sh, unsigned long ino,
		      unsigned long *exp, unsigned long *rel)
{
	unsigned long i = ev_slot(ino), k, key;

	*exp = 0;
	*rel = 0;
	for (k = 0; k < EV_SLOTS; k++, i = (i + 1) & (EV_SLOTS - 1)) {
		key = __atomic_load_n(&sh->key[i], __ATOMIC_SEQ_CST);
		if (!key)
			return;
		if (key == ino) {
			*exp = __atomic_load_n(&sh->exp[i], __ATOMIC_SEQ_CST);
			*rel = __atomic_load_n(&sh->rel[i], __ATOMIC_SEQ_CST);
			return;
		}
	}
}

/* A forked worker: it never returns, and exits 1 if an export failed. */
static void __attribute__((noreturn)) walk_worker(struct walk_sh *sh, int id)
{
	unsigned int seed = 4242u + (unsigned int)id;
	unsigned long inos[WALK_HELD];
	int held[WALK_HELD], n = 0, k, fd;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		if (n < WALK_HELD && (n == 0 || rand_r(&seed) % 2)) {
			fd = heap_alloc((1 + rand_r(&seed) % 4) * PAGE);
			if (fd < 0)
				_exit(1);
			inos[n] = id ? fd_ino(fd) : 0;
			if (inos[n])
				ev_log(sh, inos[n], 0);
			held[n++] = fd;
			__atomic_add_fetch(&sh->exports[id], 1, __ATOMIC_RELAXED);
		} else {
			k = rand_r(&seed) % n;
			close(held[k]);
			if (inos[k])
				ev_log(sh, inos[k], 1);
			n--;
			held[k] = held[n];
			inos[k] = inos[n];
		}
	}
	_exit(0);
}

struct walk_stats {
	long walks, entries, complete, vanished;
	long half;		/* existing directories found lacking a file */
	long half_exported;	/* ... of buffers whose export had returned */
	long half_made, half_gone, half_stuck;	/* how watched ones went on */
	long foreign_top, foreign_names, foreign_files, stale, bad_text;
	char why[512];		/* the last problem of any kind but half */
	char half_why[512];	/* the last directory found lacking a file */
};

static int entry_has_both(const char *p)
{
	char f[160];

	snprintf(f, sizeof(f), "%s/exporter_name", p);
	if (access(f, R_OK))
		return 0;
	snprintf(f, sizeof(f), "%s/size", p);
	return access(f, R_OK) == 0;
}

/*
 * A directory that exists but lacked a file: watch it for a while (the
 * first few only) to tell one being made, which fills in, from one that
 * goes away; which of the two it was is only printed.
 */
static void half_found(struct walk_stats *w, const char *p, int exported,
		       const char *what)
{
	int k;

	w->half++;
	if (exported)
		w->half_exported++;
	snprintf(w->half_why, sizeof(w->half_why), "%s exists, but %s%s", p, what,
		 exported ? " (its export had returned before the walk)" : "");
	if (w->half > HALF_WATCHED)
		return;
	for (k = 0; k < 50; k++) {
		tst_sleep_ms(2);
		if (access(p, F_OK)) {
			w->half_gone++;
			return;
		}
		if (entry_has_both(p)) {
			w->half_made++;
			return;
		}
	}
	w->half_stuck++;
}

/*
 * Look into one directory a walk of buffers/ listed.  exported: the
 * buffer's export is known to have returned before the walk began.
 */
static void walk_entry(struct walk_stats *w, unsigned long ino, int exported)
{
	char p[128], f[160], e[256], s[64], what[256], se[520], ss[136], *end;
	int have_e = 0, have_s = 0, re = -1, rs = -1, err = 0;
	struct dirent *de;
	DIR *d;

	w->entries++;
	snprintf(p, sizeof(p), SYSFS_BUFFERS "/%lu", ino);
	d = opendir(p);
	if (!d) {
		err = errno;
		if (access(p, F_OK)) {
			w->vanished++;
		} else {
			snprintf(what, sizeof(what), "opendir failed: %s", strerror(err));
			half_found(w, p, exported, what);
		}
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!strcmp(de->d_name, "exporter_name")) {
			have_e = 1;
		} else if (!strcmp(de->d_name, "size")) {
			have_s = 1;
		} else {
			w->foreign_files++;
			snprintf(w->why, sizeof(w->why), "%s lists '%.200s'", p,
				 de->d_name);
		}
	}
	closedir(d);
	if (have_e) {
		snprintf(f, sizeof(f), "%s/exporter_name", p);
		re = read_text(f, e, sizeof(e)) < 0 ? -1 : 0;
		if (re)
			err = errno;
	}
	if (have_s && !re) {
		snprintf(f, sizeof(f), "%s/size", p);
		rs = read_text(f, s, sizeof(s)) < 0 ? -1 : 0;
		if (rs)
			err = errno;
	}
	if (re || rs) {
		/* fine if the whole directory went away meanwhile */
		if (access(p, F_OK)) {
			w->vanished++;
			return;
		}
		snprintf(what, sizeof(what), "its %s %s",
			 re ? "exporter_name" : "size",
			 (re ? !have_e : !have_s) ? "was not listed" : strerror(err));
		half_found(w, p, exported, what);
		return;
	}
	(void)strtoull(s, &end, 10);
	if (!one_line(e) || s[0] < '1' || s[0] > '9' || strcmp(end, "\n")) {
		w->bad_text++;
		snprintf(w->why, sizeof(w->why), "%s: exporter_name '%s', size '%s'",
			 p, esc(e, se, sizeof(se)), esc(s, ss, sizeof(ss)));
		return;
	}
	w->complete++;
}

/*
 * Walk for PROMISE_MS while the workers run; they are stopped and reaped
 * before it returns.  0, or -1 with the reason in w->why.
 */
static int run_walk(struct walk_stats *w)
{
	int i, st, started, failed = 0;
	pid_t pids[WALK_WORKERS];
	struct walk_sh *sh;
	char why[512];
	long long end;

	memset(w, 0, sizeof(*w));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		snprintf(w->why, sizeof(w->why), "mmap: %s", strerror(errno));
		return -1;
	}
	memset(sh, 0, sizeof(*sh));
	for (started = 0; started < WALK_WORKERS; started++) {
		pids[started] = fork();
		if (pids[started] < 0) {
			snprintf(w->why, sizeof(w->why), "fork: %s", strerror(errno));
			failed = 1;
			break;
		}
		if (pids[started] == 0)
			walk_worker(sh, started);
	}
	end = tst_now_ns() + promise_ms() * 1000000LL;
	while (!failed && tst_now_ns() < end) {
		unsigned long snap, exp, rel, ino;
		struct dirent *de;
		DIR *d;

		if (check_top(DMABUF_DIR, why, sizeof(why))) {
			w->foreign_top++;
			snprintf(w->why, sizeof(w->why), "%s", why);
		}
		snap = __atomic_load_n(&sh->nseq, __ATOMIC_SEQ_CST);
		d = opendir(SYSFS_BUFFERS);
		if (!d) {
			snprintf(w->why, sizeof(w->why), "opendir " SYSFS_BUFFERS ": %s",
				 strerror(errno));
			failed = 1;
			break;
		}
		w->walks++;
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (!is_ino_name(de->d_name)) {
				w->foreign_names++;
				snprintf(w->why, sizeof(w->why),
					 SYSFS_BUFFERS " lists '%.200s'", de->d_name);
				continue;
			}
			ino = strtoul(de->d_name, NULL, 10);
			ev_lookup(sh, ino, &exp, &rel);
			if (rel && rel <= snap) {
				w->stale++;
				snprintf(w->why, sizeof(w->why),
					 "buffer %lu listed by a walk begun after its close() returned",
					 ino);
			}
			walk_entry(w, ino, exp && exp <= snap);
		}
		closedir(d);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < started; i++) {
		st = reap(pids[i], 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			snprintf(w->why, sizeof(w->why),
				 "worker %d could not export (status %#x)", i, st);
			failed = 1;
		}
	}
	ksft_print_msg("%ld walks, %ld directories: %ld complete, %ld vanished, "
		       "%ld lacking a file (%ld after their export returned; of those watched "
		       "%ld filled in, %ld went away, %ld stayed so); "
		       "%ld odd walks of " DMABUF_DIR ", %ld odd names, %ld odd files, "
		       "%ld stale, %ld malformed; %ld+%ld exports, %lu events logged\n",
		       w->walks, w->entries, w->complete, w->vanished, w->half,
		       w->half_exported, w->half_made, w->half_gone, w->half_stuck,
		       w->foreign_top, w->foreign_names, w->foreign_files, w->stale,
		       w->bad_text, sh->exports[0], sh->exports[1], sh->nseq);
	if (w->why[0])
		ksft_print_msg("last problem: %s\n", w->why);
	if (w->half_why[0])
		ksft_print_msg("last directory lacking a file: %s\n", w->half_why);
	munmap(sh, sizeof(*sh));
	return failed ? -1 : 0;
}

TEST(promise_dmabuf_dir_walk)
{
	struct walk_stats w;

	NEED_STATS();
	ASSERT_EQ(0, run_walk(&w)) TH_LOG("%s", w.why);
	ASSERT_TRUE(w.walks > 0 && w.entries > 0) TH_LOG("the walk saw nothing");
	ASSERT_EQ(0, w.foreign_top)
		TH_LOG("%ld walks found more than buffers/ in " DMABUF_DIR, w.foreign_top);
	ASSERT_EQ(0, w.foreign_names)
		TH_LOG("%ld names in buffers/ that are not inode numbers", w.foreign_names);
	ASSERT_EQ(0, w.foreign_files)
		TH_LOG("%ld files besides exporter_name and size", w.foreign_files);
	ASSERT_EQ(0, w.stale) TH_LOG("%ld closed buffers listed", w.stale);
	ASSERT_EQ(0, w.bad_text) TH_LOG("%ld malformed entries", w.bad_text);
}

/*
 * Stricter: a directory that still exists after one of its files could not
 * be found fails, if the buffer's export had returned before the walk
 * began: from then on a directory must stay complete until it goes away
 * as a whole.  6.1 removes a buffer's files before its directory, so a
 * walker catches it half-removed now and then.  A directory caught while
 * its export is still running may lack its files for a moment in 6.1 and
 * in this core alike (both make the directory first); PROMISE_STRICT_HALF=1
 * fails those too.
 */
TEST(promise_dmabuf_dir_walk_no_half_beyond_upstream)
{
	struct walk_stats w;

	BEYOND_UPSTREAM();
	NEED_STATS();
	ASSERT_EQ(0, run_walk(&w)) TH_LOG("%s", w.why);
	ASSERT_TRUE(w.walks > 0 && w.entries > 0) TH_LOG("the walk saw nothing");
	ASSERT_EQ(0, w.half_exported)
		TH_LOG("%ld directories of exported buffers found lacking a file while they still existed: %s",
		       w.half_exported, w.half_why);
	if (env_num("PROMISE_STRICT_HALF", 0))
		ASSERT_EQ(0, w.half)
			TH_LOG("%ld existing directories found lacking a file: %s",
			       w.half, w.half_why);
}

/* ------------------------------------------------- e. contention */

/* Export + close cycles of one page for ms milliseconds, per second. */
static double cycle_rate(long ms, long *cycles)
{
	long long t0 = tst_now_ns(), end = t0 + ms * 1000000LL, t;
	long n = 0;
	int k, fd;

	do {
		for (k = 0; k < 16; k++) {
			fd = heap_alloc(PAGE);
			if (fd < 0)
				return -1;
			close(fd);
			n++;
		}
		t = tst_now_ns();
	} while (t < end);
	*cycles = n;
	return (double)n * 1e9 / (double)(t - t0);
}

struct reader_sh {
	int stop;
	long loops;
};

/*
 * The forked reader: open(buffers/) + readdir + close, and fstat() of a
 * buffer, until stopped.  It never returns; it exits non-zero on a failure.
 */
static void __attribute__((noreturn)) contention_reader(struct reader_sh *sh, int ready)
{
	struct stat st;
	int fd, dfd;
	DIR *d;

	fd = heap_alloc(PAGE);
	if (fd < 0 || write(ready, "r", 1) != 1)
		_exit(1);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		dfd = open(SYSFS_BUFFERS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			_exit(2);
		d = fdopendir(dfd);
		if (!d)
			_exit(3);
		while (readdir(d))
			;
		closedir(d);
		if (fstat(fd, &st))
			_exit(4);
		__atomic_add_fetch(&sh->loops, 1, __ATOMIC_RELAXED);
	}
	_exit(0);
}

TEST(promise_sysfs_reader_contention)
{
	int two = cpu_allowed(0) && cpu_allowed(1), ready[2], st, started, err = 0;
	long ms = promise_ms(), warm, n_alone = 0, n_with = 0, loops;
	double alone, with = -1, ratio;
	struct reader_sh *sh;
	pid_t pid;
	char c;

	NEED_STATS();
	if (two)
		ASSERT_SYSCALL(pin_to(0));
	ASSERT_TRUE(cycle_rate(100, &warm) > 0) TH_LOG("export failed: %s", strerror(errno));
	alone = cycle_rate(ms, &n_alone);
	ASSERT_TRUE(alone > 0) TH_LOG("export failed: %s", strerror(errno));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh) TH_LOG("mmap: %s", strerror(errno));
	memset(sh, 0, sizeof(*sh));
	ASSERT_SYSCALL(pipe(ready));
	ASSERT_SYSCALL(pid = fork());
	if (pid == 0) {
		close(ready[0]);
		if (two && pin_to(1))
			_exit(5);
		contention_reader(sh, ready[1]);
	}
	/* a reader that fails before it is ready leaves end of file */
	close(ready[1]);
	started = read(ready[0], &c, 1) == 1 && c == 'r';
	if (started) {
		with = cycle_rate(ms, &n_with);
		err = errno;
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	st = reap(pid, 0);
	close(ready[0]);
	loops = sh->loops;
	munmap(sh, sizeof(*sh));
	ASSERT_TRUE(started) TH_LOG("the reader did not start (status %#x)", st);
	ASSERT_TRUE(with > 0) TH_LOG("export failed: %s", strerror(err));
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("the reader failed (status %#x)", st);
	ratio = with / alone;
	ksft_print_msg("sysfs-reader-contention alone=%.0f with_reader=%.0f ratio=%.3f\n",
		       alone, with, ratio);
	ksft_print_msg("export+close cycles per second; %ld and %ld cycles in %ld ms each, %ld reader loops, %s\n",
		       n_alone, n_with, ms, loops,
		       two ? "exporter on CPU 0, reader on CPU 1" : "unpinned");
	ASSERT_TRUE(ratio >= 0.10)
		TH_LOG("export throughput fell to %.1f%% with a sysfs reader", 100.0 * ratio);
}

/* Mount proc, sysfs, debugfs and devtmpfs before the first test. */
static void __attribute__((constructor)) sysfs_promise_setup(void)
{
	tst_mounts();
}

TEST_HARNESS_MAIN
