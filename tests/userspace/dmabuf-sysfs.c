// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-sysfs: the per-buffer statistics in /sys/kernel/dmabuf/buffers,
 * read the way Android's libdmabufinfo reads them (directory walk plus
 * /proc/<pid>/fdinfo), while other processes export and release buffers.
 *
 * Layout: /sys/kernel/dmabuf/buffers/<inode number>/{exporter_name,size},
 * read-only, "%s\n" and "%zu\n".  A buffer whose fd userspace holds is
 * listed, complete and matching its fdinfo; a released buffer is gone; an
 * inode number is never reused.  Skips cleanly when the kernel was built
 * without CONFIG_DMABUF_SYSFS_STATS.
 *
 * The other processes only report back (through pipes, a shared log and
 * their exit status); a test reaps every one it started before asserting.
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <dirent.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#define PAGE ((size_t)tst_page_size())

#define NEED_STATS()							\
	do {								\
		NEED_HEAP();						\
		if (access(SYSFS_BUFFERS, F_OK))			\
			SKIP(return, "no " SYSFS_BUFFERS		\
			     " (CONFIG_DMABUF_SYSFS_STATS off)");	\
	} while (0)

static int entry_path(char *out, size_t len, unsigned long ino, const char *attr)
{
	if (attr)
		return snprintf(out, len, SYSFS_BUFFERS "/%lu/%s", ino, attr);
	return snprintf(out, len, SYSFS_BUFFERS "/%lu", ino);
}

static int entry_exists(unsigned long ino)
{
	char p[128];

	entry_path(p, sizeof(p), ino, NULL);
	return access(p, F_OK) == 0;
}

/* Read one attribute; 0 on success with the text in out. */
static int entry_read(unsigned long ino, const char *attr, char *out, size_t len)
{
	char p[128];

	entry_path(p, sizeof(p), ino, attr);
	return read_text(p, out, len) < 0 ? -1 : 0;
}

/* Check an entry against what the buffer's owner knows about it. */
static int entry_matches(unsigned long ino, const char *exp, size_t size,
			 char *why, size_t wlen)
{
	char e[128], s[64], want[64];

	if (entry_read(ino, "exporter_name", e, sizeof(e))) {
		snprintf(why, wlen, "%lu/exporter_name: %s", ino, strerror(errno));
		return 0;
	}
	if (entry_read(ino, "size", s, sizeof(s))) {
		snprintf(why, wlen, "%lu/size: %s", ino, strerror(errno));
		return 0;
	}
	snprintf(want, sizeof(want), "%s\n", exp);
	if (strcmp(e, want)) {
		snprintf(why, wlen, "%lu/exporter_name '%s', want '%s\\n'", ino, e, exp);
		return 0;
	}
	snprintf(want, sizeof(want), "%zu\n", size);
	if (strcmp(s, want)) {
		snprintf(why, wlen, "%lu/size '%s', want '%zu\\n'", ino, s, size);
		return 0;
	}
	return 1;
}

/* --------------------------------------------------------- layout */

TEST(sysfs_kset_directories)
{
	struct stat st;

	NEED_STATS();
	ASSERT_SYSCALL(stat("/sys/kernel/dmabuf", &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode)) TH_LOG("/sys/kernel/dmabuf not a directory");
	ASSERT_SYSCALL(stat(SYSFS_BUFFERS, &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode)) TH_LOG(SYSFS_BUFFERS " not a directory");
}

/* Exactly two regular, read-only files per buffer directory. */
TEST(sysfs_entry_layout)
{
	char p[128], names[256] = "";
	struct dirent *de;
	struct stat st;
	int fd, n = 0;
	DIR *d;

	NEED_STATS();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	entry_path(p, sizeof(p), fd_ino(fd), NULL);
	ASSERT_SYSCALL(stat(p, &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode)) TH_LOG("%s not a directory", p);
	d = opendir(p);
	ASSERT_NE(NULL, d) TH_LOG("opendir %s: %s", p, strerror(errno));
	while ((de = readdir(d))) {
		char f[400];

		if (de->d_name[0] == '.')
			continue;
		n++;
		strncat(names, de->d_name, sizeof(names) - strlen(names) - 2);
		strcat(names, " ");
		snprintf(f, sizeof(f), "%s/%s", p, de->d_name);
		ASSERT_SYSCALL(stat(f, &st));
		ASSERT_TRUE(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0444)
			TH_LOG("%s mode %o", f, st.st_mode);
	}
	closedir(d);
	ASSERT_TRUE(n == 2 && strstr(names, "exporter_name ") && strstr(names, "size "))
		TH_LOG("entries: %s", names);
	close(fd);
}

/* Attributes cannot be written, not even by root. */
TEST(sysfs_attributes_read_only)
{
	char p[128], why[256];
	ssize_t n;
	int fd, a;

	NEED_STATS();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	entry_path(p, sizeof(p), fd_ino(fd), "size");
	a = open(p, O_WRONLY | O_CLOEXEC);
	if (a >= 0) {
		n = write(a, "1\n", 2);
		close(a);
		ASSERT_EQ(-1, n) TH_LOG("wrote to %s", p);
	}
	entry_path(p, sizeof(p), fd_ino(fd), "exporter_name");
	a = open(p, O_RDWR | O_CLOEXEC);
	if (a >= 0) {
		n = write(a, "x\n", 2);
		close(a);
		ASSERT_EQ(-1, n) TH_LOG("wrote to %s", p);
	}
	ASSERT_TRUE(entry_matches(fd_ino(fd), "system", PAGE, why, sizeof(why)))
		TH_LOG("%s", why);
	close(fd);
}

/* The name is the inode number fstat and fdinfo report. */
TEST(sysfs_entry_named_by_inode)
{
	char v[64], why[256];
	int fd;

	NEED_STATS();
	ASSERT_SYSCALL(fd = heap_alloc(3 * PAGE));
	ASSERT_EQ(0, fdinfo_field(fd, "ino", v, sizeof(v))) TH_LOG("no ino in fdinfo");
	ASSERT_EQ(fd_ino(fd), strtoul(v, NULL, 10))
		TH_LOG("fdinfo ino %s, fstat %lu", v, fd_ino(fd));
	ASSERT_TRUE(entry_matches(fd_ino(fd), "system", 3 * PAGE, why, sizeof(why)))
		TH_LOG("%s", why);
	close(fd);
}

TEST(sysfs_udmabuf_entry)
{
	unsigned long ino;
	char why[256];
	int fd;

	NEED_STATS();
	NEED_UDMABUF();
	ASSERT_SYSCALL(fd = udmabuf_alloc(4 * PAGE, NULL));
	ASSERT_TRUE(entry_matches(fd_ino(fd), "udmabuf", 4 * PAGE, why, sizeof(why)))
		TH_LOG("%s", why);
	ino = fd_ino(fd);
	close(fd);
	ASSERT_FALSE(entry_exists(ino)) TH_LOG("entry %lu still there after close", ino);
}

/* Sizes are printed in full, not rounded or abbreviated. */
TEST(sysfs_large_size_text)
{
	char why[256];
	size_t len = 1000 * PAGE;
	int fd;

	NEED_STATS();
	fd = heap_alloc(len);
	if (fd < 0)
		SKIP(return, "cannot allocate %zu bytes: %s", len, strerror(errno));
	ASSERT_TRUE(entry_matches(fd_ino(fd), "system", len, why, sizeof(why)))
		TH_LOG("%s", why);
	close(fd);
}

/* ------------------------------------------------------- lifetime */

TEST(sysfs_entry_gone_after_close)
{
	unsigned long ino;
	int fd;

	NEED_STATS();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_TRUE(entry_exists(ino)) TH_LOG("entry %lu missing", ino);
	close(fd);
	ASSERT_FALSE(entry_exists(ino)) TH_LOG("entry %lu still there after close", ino);
}

/* The entry lives as long as any reference: dup'd fds and mappings. */
TEST(sysfs_entry_follows_last_reference)
{
	unsigned long ino;
	void *p;
	int fd, d;

	NEED_STATS();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_SYSCALL(d = dup(fd));
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	close(fd);
	ASSERT_TRUE(entry_exists(ino)) TH_LOG("gone while a dup is open");
	close(d);
	ASSERT_TRUE(entry_exists(ino)) TH_LOG("gone while mapped");
	munmap(p, PAGE);
	ASSERT_FALSE(entry_exists(ino)) TH_LOG("still there after the last reference");
}

/* Numbers only grow: a released buffer's number is never handed out again. */
TEST(sysfs_inode_numbers_not_reused)
{
	unsigned long prev = 0, ino;
	int i, fd;

	NEED_STATS();
	for (i = 0; i < 300; i++) {
		ASSERT_SYSCALL(fd = heap_alloc(PAGE));
		ino = fd_ino(fd);
		ASSERT_GT(ino, prev) TH_LOG("ino %lu after %lu", ino, prev);
		ASSERT_TRUE(entry_exists(ino)) TH_LOG("entry %lu missing", ino);
		close(fd);
		ASSERT_FALSE(entry_exists(ino)) TH_LOG("entry %lu survived close", ino);
		prev = ino;
	}
}

/* ------------------------------------------------ another process */

/*
 * Another process running fn(in, out), with a pipe from the test (in) and
 * one back to it (out), and _exit()ing with what fn returns.  Each side
 * keeps only its own ends, so either one reads end-of-file once the other
 * is gone.
 */
struct other {
	pid_t pid;
	int to, from;	/* the test's ends */
};

static int other_start(struct other *o, int (*fn)(int in, int out))
{
	int down[2], up[2], e;

	if (pipe2(down, O_CLOEXEC))
		return -1;
	if (pipe2(up, O_CLOEXEC)) {
		e = errno;
		close(down[0]);
		close(down[1]);
		errno = e;
		return -1;
	}
	o->pid = fork();
	if (o->pid == 0) {
		close(down[1]);
		close(up[0]);
		_exit(fn(down[0], up[1]));
	}
	e = errno;
	close(down[0]);
	close(up[1]);
	o->to = down[1];
	o->from = up[0];
	if (o->pid < 0) {
		close(o->to);
		close(o->from);
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * Reap the other process, killing it first unless it was let go (it then
 * exits by itself); returns its wait status.
 */
static int other_wait(struct other *o, int let_go)
{
	int status = -1;

	close(o->to);
	close(o->from);
	if (!let_go)
		kill(o->pid, SIGKILL);
	while (waitpid(o->pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Export a buffer, send its inode number (0: none), close it when told. */
static int export_one(int in, int out)
{
	int fd = heap_alloc(2 * PAGE);
	unsigned long ino = fd < 0 ? 0 : fd_ino(fd);
	char c;

	if (write(out, &ino, sizeof(ino)) != sizeof(ino))
		return 1;
	if (read(in, &c, 1) != 1)
		return 2;
	close(fd);
	return write(out, &c, 1) == 1 ? 0 : 3;
}

/* An exporting process's buffer is visible to another process at once. */
TEST(sysfs_visible_to_other_process)
{
	int exported, matches = 0, closed, status;
	unsigned long ino = 0;
	char why[256], c = 'x';
	struct other o;

	NEED_STATS();
	ASSERT_SYSCALL(other_start(&o, export_one));
	exported = read(o.from, &ino, sizeof(ino)) == sizeof(ino) && ino;
	if (exported)
		matches = entry_matches(ino, "system", 2 * PAGE, why, sizeof(why));
	closed = exported && write(o.to, &c, 1) == 1 && read(o.from, &c, 1) == 1;
	status = other_wait(&o, closed);
	ASSERT_TRUE(exported) TH_LOG("the other process could not allocate");
	ASSERT_TRUE(matches) TH_LOG("%s", why);
	ASSERT_TRUE(closed) TH_LOG("pipe");
	ASSERT_EQ(0, status) TH_LOG("the other process: wait status %#x", status);
	ASSERT_FALSE(entry_exists(ino))
		TH_LOG("entry %lu outlived the other process's close", ino);
}

/* Names of all entries now, as a sorted list of numbers. */
static int list_entries(unsigned long *out, int max)
{
	struct dirent *de;
	DIR *d = opendir(SYSFS_BUFFERS);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) && n < max)
		if (de->d_name[0] != '.')
			out[n++] = strtoul(de->d_name, NULL, 10);
	closedir(d);
	return n;
}

static int listed(const unsigned long *l, int n, unsigned long ino)
{
	int i;

	for (i = 0; i < n; i++)
		if (l[i] == ino)
			return 1;
	return 0;
}

#define WALK_ONLY_BUFS 5

/* Export WALK_ONLY_BUFS buffers without ever asking their fds anything. */
static int export_unasked(int in, int out)
{
	int fds[WALK_ONLY_BUFS], k;
	char c = 'x';

	for (k = 0; k < WALK_ONLY_BUFS; k++) {
		fds[k] = heap_alloc(3 * PAGE);
		if (fds[k] < 0)
			return 1;
	}
	if (write(out, &c, 1) != 1)
		return 2;
	if (read(in, &c, 1) != 1)
		return 3;
	for (k = 0; k < WALK_ONLY_BUFS; k++)
		close(fds[k]);
	return write(out, &c, 1) == 1 ? 0 : 4;
}

/*
 * A reader that only walks the directory (as a "total exported memory"
 * counter does) must find every buffer whose fd has been handed out, even
 * if nobody ever asked the fd for its inode number.  The exporting process
 * here never calls fstat() or reads fdinfo on its buffers.
 */
TEST(sysfs_listed_without_fd_lookup)
{
	static unsigned long before[4096], after[4096];
	int nb, na, i, fresh = 0, exported, closed, status;
	char c = 'x', why[256];
	struct other o;

	NEED_STATS();
	nb = list_entries(before, 4096);
	ASSERT_LE(0, nb) TH_LOG("cannot list " SYSFS_BUFFERS);
	ASSERT_SYSCALL(other_start(&o, export_unasked));
	exported = read(o.from, &c, 1) == 1;
	na = exported ? list_entries(after, 4096) : 0;
	for (i = 0; i < na; i++) {
		if (listed(before, nb, after[i]))
			continue;
		if (entry_matches(after[i], "system", 3 * PAGE, why, sizeof(why)))
			fresh++;
		else
			ksft_print_msg("new entry: %s\n", why);
	}
	closed = exported && write(o.to, &c, 1) == 1 && read(o.from, &c, 1) == 1;
	status = other_wait(&o, closed);
	ASSERT_TRUE(exported) TH_LOG("the other process could not allocate");
	ASSERT_TRUE(closed) TH_LOG("pipe");
	ASSERT_EQ(0, status) TH_LOG("the other process: wait status %#x", status);
	ASSERT_EQ(WALK_ONLY_BUFS, fresh)
		TH_LOG("%d of the other process's %d buffers listed right after export",
		       fresh, WALK_ONLY_BUFS);
	na = list_entries(after, 4096);
	for (i = 0; i < na; i++) {
		ASSERT_TRUE(listed(before, nb, after[i]))
			TH_LOG("entry %lu still listed after the buffers were closed",
			       after[i]);
	}
}

/*
 * A reader holding an attribute open while the buffer goes away: reading
 * afterwards must not crash or show garbage (6.1 answers ENODEV).
 */
TEST(sysfs_open_attribute_outlives_buffer)
{
	char p[128], buf[64];
	int fd, a, b, e;
	ssize_t n;

	NEED_STATS();
	ASSERT_SYSCALL(fd = heap_alloc(2 * PAGE));
	entry_path(p, sizeof(p), fd_ino(fd), "size");
	ASSERT_SYSCALL(a = open(p, O_RDONLY | O_CLOEXEC));
	entry_path(p, sizeof(p), fd_ino(fd), "exporter_name");
	ASSERT_SYSCALL(b = open(p, O_RDONLY | O_CLOEXEC));
	/* one of them has read once already, the other not yet */
	n = read(b, buf, sizeof(buf) - 1);
	ASSERT_TRUE(n == 7 && !memcmp(buf, "system\n", 7)) TH_LOG("first read %zd", n);
	close(fd);
	errno = 0;
	n = read(a, buf, sizeof(buf) - 1);
	e = errno;
	ksft_print_msg("read after release: %zd (%s)\n", n, n < 0 ? strerror(e) : "data");
	if (n >= 0) {
		buf[n] = 0;
		ASSERT_TRUE(n == 0 || !strcmp(buf, "8192\n")) TH_LOG("garbage '%s'", buf);
	} else {
		ASSERT_EQ(ENODEV, e) TH_LOG("errno %d (%s)", e, strerror(e));
	}
	n = pread(b, buf, sizeof(buf) - 1, 0);
	e = errno;
	ksft_print_msg("re-read after release: %zd (%s)\n", n, n < 0 ? strerror(e) : "data");
	if (n >= 0) {
		buf[n] = 0;
		ASSERT_TRUE(n == 0 || !strcmp(buf, "system\n")) TH_LOG("garbage '%s'", buf);
	} else {
		ASSERT_EQ(ENODEV, e) TH_LOG("errno %d (%s)", e, strerror(e));
	}
	close(a);
	close(b);
}

/* No uevent is sent for buffers coming and going. */
TEST(sysfs_no_uevents)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	char buf[4096];
	int s, i, fd, seen = 0;
	ssize_t n;

	NEED_STATS();
	s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		   NETLINK_KOBJECT_UEVENT);
	if (s < 0)
		SKIP(return, "no uevent netlink socket: %s", strerror(errno));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		SKIP(return, "cannot bind the uevent socket: %s", strerror(errno));
	for (i = 0; i < 20; i++) {
		ASSERT_SYSCALL(fd = heap_alloc(PAGE));
		close(fd);
	}
	tst_sleep_ms(200);
	while ((n = recv(s, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = 0;
		if (strstr(buf, "dmabuf")) {
			ksft_print_msg("uevent: %s\n", buf);
			seen++;
		}
	}
	close(s);
	ASSERT_EQ(0, seen) TH_LOG("%d dma-buf uevents", seen);
}

/* ----------------------------------------------- concurrent walker */

/*
 * Workers (other processes) export, keep a few, and release buffers in a
 * loop.  Before a worker reports a buffer as released (in the shared log
 * below) its close() has returned and it holds no mapping, so the entry
 * must be gone for any directory listing started after that report.
 */
#define WORKERS 2
#define WALK_MS 4000
#define LOG_SLOTS 65536

struct shared {
	volatile int stop;
	volatile unsigned long nreleased;	/* entries used in released[] */
	volatile unsigned long released[LOG_SLOTS];
	volatile long exports[WORKERS];
	volatile pid_t pids[WORKERS];
};

/* Runs in a worker process until told to stop; never returns. */
static void worker(struct shared *sh, int id)
{
	int held[8], nheld = 0;
	unsigned int seed = 12345u + (unsigned int)id;
	long n = 0;

	while (!sh->stop) {
		size_t pages = 1 + rand_r(&seed) % 4;
		int fd = id == 1 && n % 3 == 0 && have_udmabuf() ?
			 udmabuf_alloc(pages * PAGE, NULL) : heap_alloc(pages * PAGE);

		if (fd < 0)
			break;
		if (n % 5 == 0)
			ioctl(fd, DMA_BUF_SET_NAME, "walker-target");
		n++;
		sh->exports[id] = n;
		held[nheld++] = fd;
		if (nheld == 8 || rand_r(&seed) % 2) {
			int k = rand_r(&seed) % nheld;
			unsigned long ino = fd_ino(held[k]);
			unsigned long slot;

			close(held[k]);
			held[k] = held[--nheld];
			slot = __atomic_fetch_add(&sh->nreleased, 1, __ATOMIC_SEQ_CST);
			if (slot < LOG_SLOTS)
				__atomic_store_n(&sh->released[slot], ino, __ATOMIC_SEQ_CST);
		}
	}
	_exit(0);
}

static int is_released(struct shared *sh, unsigned long upto, unsigned long ino)
{
	unsigned long i;

	for (i = 0; i < upto && i < LOG_SLOTS; i++)
		if (__atomic_load_n(&sh->released[i], __ATOMIC_SEQ_CST) == ino)
			return 1;
	return 0;
}

struct walk_stats {
	long walks, entries, complete, vanished, half, half_new, half_dying;
	long bad_text, stale, foreign;
	long fd_checked, fd_mismatch;
	int bad_workers, bad_status;	/* workers not exiting 0, and how */
	char why[512];
};
/* Read one entry seen in a listing and classify it. */
static void check_listed(struct walk_stats *w, unsigned long ino)
{
	char e[128], s[64], *end;
	int re, rs;
	unsigned long long sz;

	w->entries++;
	re = entry_read(ino, "exporter_name", e, sizeof(e));
	rs = entry_read(ino, "size", s, sizeof(s));
	if (re || rs) {
		/* fine if the whole directory went away meanwhile */
		if (!entry_exists(ino)) {
			w->vanished++;
		} else {
			/*
			 * A directory without its files: watch it for a while
			 * to tell one being made (it fills in) from one being
			 * removed (it goes away).
			 */
			int k, made = 0, gone = 0;

			for (k = 0; k < 50 && !made && !gone; k++) {
				tst_sleep_ms(2);
				if (!entry_exists(ino))
					gone = 1;
				else if (!entry_read(ino, "exporter_name", e, sizeof(e)) &&
					 !entry_read(ino, "size", s, sizeof(s)))
					made = 1;
			}
			w->half++;
			if (made)
				w->half_new++;
			if (gone)
				w->half_dying++;
			snprintf(w->why, sizeof(w->why),
				 "entry %lu listed without %s (%s)", ino,
				 re ? "exporter_name" : "size",
				 made ? "it filled in later: being made" :
				 gone ? "it went away: being removed" :
				 "it stayed so");
		}
		return;
	}
	sz = strtoull(s, &end, 10);
	if (!e[0] || e[strlen(e) - 1] != '\n' || strchr(e, '\n') != e + strlen(e) - 1 ||
	    end == s || strcmp(end, "\n") || sz == 0 || sz % PAGE) {
		w->bad_text++;
		snprintf(w->why, sizeof(w->why), "entry %lu: exporter '%s' size '%s'",
			 ino, e, s);
		return;
	}
	w->complete++;
}

/*
 * Cross-check every dma-buf fd of pid with sysfs: read its fdinfo, then the
 * entry, then the fdinfo again; if the same buffer is still behind the fd
 * it was alive throughout, so the entry must be there and agree.
 */
static void check_fds_of(struct walk_stats *w, pid_t pid)
{
	char path[64], t1[4096], t2[4096], ino1[32], ino2[32], exp[64], size[32];
	char why[300];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		int ok;

		if (de->d_name[0] == '.')
			continue;
		if (fdinfo_text(pid, fd, t1, sizeof(t1)) < 0 ||
		    text_field(t1, "exp_name", exp, sizeof(exp)) ||
		    text_field(t1, "ino", ino1, sizeof(ino1)) ||
		    text_field(t1, "size", size, sizeof(size)))
			continue;	/* not a dma-buf, or closed already */
		ok = entry_matches(strtoul(ino1, NULL, 10), exp,
				   strtoul(size, NULL, 10), why, sizeof(why));
		if (fdinfo_text(pid, fd, t2, sizeof(t2)) < 0 ||
		    text_field(t2, "ino", ino2, sizeof(ino2)) || strcmp(ino1, ino2))
			continue;	/* closed or replaced meanwhile */
		w->fd_checked++;
		if (!ok) {
			w->fd_mismatch++;
			snprintf(w->why, sizeof(w->why), "pid %d fd %d: %s",
				 (int)pid, fd, why);
		}
	}
	closedir(d);
}

/*
 * Start the workers, walk the directory and cross-check their fds for
 * WALK_MS, then stop and reap them.  -1 (errno set) when that could not
 * be set up; every worker started is reaped all the same.
 */
static int run_walker(struct walk_stats *w)
{
	struct shared *sh;
	int i, started, status, e = 0;
	long long end;

	memset(w, 0, sizeof(*w));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -1;
	memset((void *)sh, 0, sizeof(*sh));
	for (started = 0; started < WORKERS; started++) {
		pid_t pid = fork();

		if (pid == 0)
			worker(sh, started);
		if (pid < 0) {
			e = errno;
			break;
		}
		sh->pids[started] = pid;
	}
	end = tst_now_ns() + WALK_MS * 1000000LL;
	while (started == WORKERS && tst_now_ns() < end) {
		unsigned long before = __atomic_load_n(&sh->nreleased, __ATOMIC_SEQ_CST);
		struct dirent *de;
		DIR *d = opendir(SYSFS_BUFFERS);

		if (!d)
			break;
		w->walks++;
		while ((de = readdir(d))) {
			unsigned long ino;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			/* readers parse every name as an inode number */
			if (strspn(de->d_name, "0123456789") != strlen(de->d_name) ||
			    de->d_name[0] == '0') {
				w->foreign++;
				snprintf(w->why, sizeof(w->why),
					 "entry '%.200s' is not an inode number",
					 de->d_name);
				continue;
			}
			ino = strtoul(de->d_name, NULL, 10);
			if (is_released(sh, before, ino)) {
				w->stale++;
				snprintf(w->why, sizeof(w->why),
					 "entry %lu listed after its release", ino);
			}
			check_listed(w, ino);
		}
		closedir(d);
		for (i = 0; i < WORKERS; i++)
			check_fds_of(w, sh->pids[i]);
	}
	sh->stop = 1;
	for (i = 0; i < started; i++) {
		status = -1;
		while (waitpid(sh->pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (status) {
			w->bad_workers++;
			w->bad_status = status;
		}
	}
	if (started < WORKERS) {
		munmap((void *)sh, sizeof(*sh));
		errno = e;
		return -1;
	}
	ksft_print_msg("%ld walks, %ld entries: %ld complete, %ld vanished, "
		       "%ld half (%ld being made, %ld being removed), "
		       "%ld bad text, %ld stale, %ld foreign names; "
		       "%ld fds cross-checked, %ld mismatched; "
		       "%ld+%ld exports, %lu releases\n",
		       w->walks, w->entries, w->complete, w->vanished, w->half,
		       w->half_new, w->half_dying,
		       w->bad_text, w->stale, w->foreign, w->fd_checked, w->fd_mismatch,
		       sh->exports[0], sh->exports[1], sh->nreleased);
	if (w->why[0])
		ksft_print_msg("last problem: %s\n", w->why);
	munmap((void *)sh, sizeof(*sh));
	return 0;
}

/*
 * The contract every core must keep: a buffer whose fd userspace holds is
 * listed, complete and consistent with fdinfo; released buffers are not
 * listed; every name is an inode number and whatever is read is
 * well-formed.
 */
TEST(sysfs_walk_while_exporting)
{
	struct walk_stats w;

	NEED_STATS();
	ASSERT_SYSCALL(run_walker(&w));
	ASSERT_EQ(0, w.bad_workers)
		TH_LOG("a worker process ended with wait status %#x", w.bad_status);
	ASSERT_TRUE(w.walks > 0 && w.fd_checked > 0) TH_LOG("the walk checked nothing");
	ASSERT_EQ(0, w.fd_mismatch)
		TH_LOG("%ld live buffers missing or wrong in sysfs", w.fd_mismatch);
	ASSERT_EQ(0, w.stale) TH_LOG("%ld released buffers still listed", w.stale);
	ASSERT_EQ(0, w.bad_text) TH_LOG("%ld malformed entries", w.bad_text);
	ASSERT_EQ(0, w.foreign) TH_LOG("%ld names that are not inode numbers", w.foreign);
}

/*
 * Stricter: a directory being removed never lacks its files.  6.1
 * removes a buffer's files before its directory, so a walker catches it
 * half-removed now and then; this core removes the directory and its
 * files in one step.  (Both add the directory before its files, so a
 * directory caught while being made may be empty for a moment.)
 */
TEST(sysfs_walk_removed_whole_beyond_upstream)
{
	struct walk_stats w;

	BEYOND_UPSTREAM();
	NEED_STATS();
	ASSERT_SYSCALL(run_walker(&w));
	ASSERT_EQ(0, w.bad_workers)
		TH_LOG("a worker process ended with wait status %#x", w.bad_status);
	ASSERT_TRUE(w.walks > 0 && w.entries > 0) TH_LOG("the walk saw nothing");
	ASSERT_EQ(0, w.half_dying)
		TH_LOG("%ld entries listed without their files while being removed",
		       w.half_dying);
}

/* Mount proc, sysfs and debugfs before the first test. */
static void __attribute__((constructor)) sysfs_mounts(void)
{
	tst_mounts();
}

TEST_HARNESS_MAIN
