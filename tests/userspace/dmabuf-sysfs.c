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
			return kt_skip("no " SYSFS_BUFFERS		\
				       " (CONFIG_DMABUF_SYSFS_STATS off)");\
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

static int t_sysfs_kset_directories(void)
{
	struct stat st;

	NEED_STATS();
	KT_OK(stat("/sys/kernel/dmabuf", &st));
	KT_CHECK(S_ISDIR(st.st_mode), "/sys/kernel/dmabuf not a directory");
	KT_OK(stat(SYSFS_BUFFERS, &st));
	KT_CHECK(S_ISDIR(st.st_mode), SYSFS_BUFFERS " not a directory");
	return KT_PASS;
}

/* Exactly two regular, read-only files per buffer directory. */
static int t_sysfs_entry_layout(void)
{
	char p[128], names[256] = "";
	struct dirent *de;
	struct stat st;
	int fd, n = 0;
	DIR *d;

	NEED_STATS();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	entry_path(p, sizeof(p), fd_ino(fd), NULL);
	KT_OK(stat(p, &st));
	KT_CHECK(S_ISDIR(st.st_mode), "%s not a directory", p);
	d = opendir(p);
	KT_CHECK(d != NULL, "opendir %s", p);
	while ((de = readdir(d))) {
		char f[400];

		if (de->d_name[0] == '.')
			continue;
		n++;
		strncat(names, de->d_name, sizeof(names) - strlen(names) - 2);
		strcat(names, " ");
		snprintf(f, sizeof(f), "%s/%s", p, de->d_name);
		KT_OK(stat(f, &st));
		KT_CHECK(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0444,
			 "%s mode %o", f, st.st_mode);
	}
	closedir(d);
	KT_CHECK(n == 2 && strstr(names, "exporter_name ") && strstr(names, "size "),
		 "entries: %s", names);
	close(fd);
	return KT_PASS;
}

/* Attributes cannot be written, not even by root. */
static int t_sysfs_attributes_read_only(void)
{
	char p[128];
	int fd, a;

	NEED_STATS();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	entry_path(p, sizeof(p), fd_ino(fd), "size");
	a = open(p, O_WRONLY | O_CLOEXEC);
	if (a >= 0) {
		ssize_t n = write(a, "1\n", 2);

		close(a);
		KT_CHECK(n < 0, "wrote to %s", p);
	}
	entry_path(p, sizeof(p), fd_ino(fd), "exporter_name");
	a = open(p, O_RDWR | O_CLOEXEC);
	if (a >= 0) {
		ssize_t n = write(a, "x\n", 2);

		close(a);
		KT_CHECK(n < 0, "wrote to %s", p);
	}
	KT_CHECK(entry_matches(fd_ino(fd), "system", PAGE, p, sizeof(p)), "%s", p);
	close(fd);
	return KT_PASS;
}

/* The name is the inode number fstat and fdinfo report. */
static int t_sysfs_entry_named_by_inode(void)
{
	char v[64], why[256];
	int fd;

	NEED_STATS();
	fd = heap_alloc(3 * PAGE);
	KT_OK(fd);
	KT_CHECK(fdinfo_field(fd, "ino", v, sizeof(v)) == 0, "no ino in fdinfo");
	KT_CHECK(strtoul(v, NULL, 10) == fd_ino(fd), "fdinfo ino %s, fstat %lu",
		 v, fd_ino(fd));
	KT_CHECK(entry_matches(fd_ino(fd), "system", 3 * PAGE, why, sizeof(why)),
		 "%s", why);
	close(fd);
	return KT_PASS;
}

static int t_sysfs_udmabuf_entry(void)
{
	unsigned long ino;
	char why[256];
	int fd;

	NEED_STATS();
	NEED_UDMABUF();
	fd = udmabuf_alloc(4 * PAGE, NULL);
	KT_OK(fd);
	KT_CHECK(entry_matches(fd_ino(fd), "udmabuf", 4 * PAGE, why, sizeof(why)),
		 "%s", why);
	ino = fd_ino(fd);
	close(fd);
	KT_CHECK(!entry_exists(ino), "entry %lu still there after close", ino);
	return KT_PASS;
}

/* Sizes are printed in full, not rounded or abbreviated. */
static int t_sysfs_large_size_text(void)
{
	char why[256];
	size_t len = 1000 * PAGE;
	int fd;

	NEED_STATS();
	fd = heap_alloc(len);
	if (fd < 0)
		return kt_skip("cannot allocate %zu bytes: %s", len, strerror(errno));
	KT_CHECK(entry_matches(fd_ino(fd), "system", len, why, sizeof(why)), "%s", why);
	close(fd);
	return KT_PASS;
}

/* ------------------------------------------------------- lifetime */

static int t_sysfs_entry_gone_after_close(void)
{
	unsigned long ino;
	int fd;

	NEED_STATS();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	KT_CHECK(entry_exists(ino), "entry %lu missing", ino);
	close(fd);
	KT_CHECK(!entry_exists(ino), "entry %lu still there after close", ino);
	return KT_PASS;
}

/* The entry lives as long as any reference: dup'd fds and mappings. */
static int t_sysfs_entry_follows_last_reference(void)
{
	unsigned long ino;
	void *p;
	int fd, d;

	NEED_STATS();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	d = dup(fd);
	KT_OK(d);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	KT_CHECK(p != MAP_FAILED, "mmap");
	close(fd);
	KT_CHECK(entry_exists(ino), "gone while a dup is open");
	close(d);
	KT_CHECK(entry_exists(ino), "gone while mapped");
	munmap(p, PAGE);
	KT_CHECK(!entry_exists(ino), "still there after the last reference");
	return KT_PASS;
}

/* Numbers only grow: a released buffer's number is never handed out again. */
static int t_sysfs_inode_numbers_not_reused(void)
{
	unsigned long prev = 0, ino;
	int i, fd;

	NEED_STATS();
	for (i = 0; i < 300; i++) {
		fd = heap_alloc(PAGE);
		KT_OK(fd);
		ino = fd_ino(fd);
		KT_CHECK(ino > prev, "ino %lu after %lu", ino, prev);
		KT_CHECK(entry_exists(ino), "entry %lu missing", ino);
		close(fd);
		KT_CHECK(!entry_exists(ino), "entry %lu survived close", ino);
		prev = ino;
	}
	return KT_PASS;
}

/* An exporting process's buffer is visible to another process at once. */
static int t_sysfs_visible_to_other_process(void)
{
	int to_child[2], to_parent[2], st;
	unsigned long ino = 0;
	char why[256], c = 'x';
	pid_t pid;

	NEED_STATS();
	KT_OK(pipe(to_child));
	KT_OK(pipe(to_parent));
	pid = fork();
	KT_OK(pid);
	if (pid == 0) {
		int fd = heap_alloc(2 * PAGE);
		unsigned long i = fd < 0 ? 0 : fd_ino(fd);

		if (write(to_parent[1], &i, sizeof(i)) != sizeof(i))
			_exit(1);
		if (read(to_child[0], &c, 1) != 1)
			_exit(2);
		close(fd);
		i = 1;
		if (write(to_parent[1], &i, sizeof(i)) != sizeof(i))
			_exit(3);
		_exit(0);
	}
	KT_CHECK(read(to_parent[0], &ino, sizeof(ino)) == sizeof(ino) && ino,
		 "child could not allocate");
	KT_CHECK(entry_matches(ino, "system", 2 * PAGE, why, sizeof(why)), "%s", why);
	KT_CHECK(write(to_child[1], &c, 1) == 1, "pipe");
	KT_CHECK(read(to_parent[0], &c, 1) >= 1, "pipe");
	waitpid(pid, &st, 0);
	KT_CHECK(!entry_exists(ino), "entry %lu outlived the other process's close", ino);
	return KT_PASS;
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

/*
 * A reader that only walks the directory (as a "total exported memory"
 * counter does) must find every buffer whose fd has been handed out, even
 * if nobody ever asked the fd for its inode number.  The exporting process
 * here never calls fstat() or reads fdinfo on its buffers.
 */
#define WALK_ONLY_BUFS 5
static int t_sysfs_listed_without_fd_lookup(void)
{
	static unsigned long before[4096], after[4096];
	int to_child[2], to_parent[2], nb, na, i, fresh = 0, st;
	char c = 'x', why[256];
	pid_t pid;

	NEED_STATS();
	KT_OK(pipe(to_child));
	KT_OK(pipe(to_parent));
	nb = list_entries(before, 4096);
	KT_CHECK(nb >= 0, "cannot list " SYSFS_BUFFERS);
	pid = fork();
	KT_OK(pid);
	if (pid == 0) {
		int fds[WALK_ONLY_BUFS], k;

		for (k = 0; k < WALK_ONLY_BUFS; k++)
			if ((fds[k] = heap_alloc(3 * PAGE)) < 0)
				_exit(1);
		if (write(to_parent[1], &c, 1) != 1)
			_exit(2);
		if (read(to_child[0], &c, 1) != 1)
			_exit(3);
		for (k = 0; k < WALK_ONLY_BUFS; k++)
			close(fds[k]);
		if (write(to_parent[1], &c, 1) != 1)
			_exit(4);
		_exit(0);
	}
	KT_CHECK(read(to_parent[0], &c, 1) == 1, "child could not allocate");
	na = list_entries(after, 4096);
	for (i = 0; i < na; i++) {
		if (listed(before, nb, after[i]))
			continue;
		if (entry_matches(after[i], "system", 3 * PAGE, why, sizeof(why)))
			fresh++;
		else
			kt_diag("new entry: %s", why);
	}
	KT_CHECK(write(to_child[1], &c, 1) == 1, "pipe");
	KT_CHECK(read(to_parent[0], &c, 1) == 1, "pipe");
	waitpid(pid, &st, 0);
	KT_CHECK(fresh == WALK_ONLY_BUFS,
		 "%d of the other process's %d buffers listed right after export",
		 fresh, WALK_ONLY_BUFS);
	na = list_entries(after, 4096);
	for (i = 0; i < na; i++)
		KT_CHECK(listed(before, nb, after[i]),
			 "entry %lu still listed after the buffers were closed",
			 after[i]);
	return KT_PASS;
}

/*
 * A reader holding an attribute open while the buffer goes away: reading
 * afterwards must not crash or show garbage (6.1 answers ENODEV).
 */
static int t_sysfs_open_attribute_outlives_buffer(void)
{
	char p[128], buf[64];
	int fd, a, b;
	ssize_t n;

	NEED_STATS();
	fd = heap_alloc(2 * PAGE);
	KT_OK(fd);
	entry_path(p, sizeof(p), fd_ino(fd), "size");
	a = open(p, O_RDONLY | O_CLOEXEC);
	KT_OK(a);
	entry_path(p, sizeof(p), fd_ino(fd), "exporter_name");
	b = open(p, O_RDONLY | O_CLOEXEC);
	KT_OK(b);
	/* one of them has read once already, the other not yet */
	n = read(b, buf, sizeof(buf) - 1);
	KT_CHECK(n == 7 && !memcmp(buf, "system\n", 7), "first read %zd", n);
	close(fd);
	errno = 0;
	n = read(a, buf, sizeof(buf) - 1);
	kt_diag("read after release: %zd (%s)", n, n < 0 ? strerror(errno) : "data");
	if (n >= 0) {
		buf[n] = 0;
		KT_CHECK(n == 0 || !strcmp(buf, "8192\n"), "garbage '%s'", buf);
	} else {
		KT_CHECK(errno == ENODEV, "errno %d (%s)", errno, strerror(errno));
	}
	n = pread(b, buf, sizeof(buf) - 1, 0);
	kt_diag("re-read after release: %zd (%s)", n, n < 0 ? strerror(errno) : "data");
	if (n >= 0) {
		buf[n] = 0;
		KT_CHECK(n == 0 || !strcmp(buf, "system\n"), "garbage '%s'", buf);
	} else {
		KT_CHECK(errno == ENODEV, "errno %d (%s)", errno, strerror(errno));
	}
	close(a);
	close(b);
	return KT_PASS;
}

/* No uevent is sent for buffers coming and going. */
static int t_sysfs_no_uevents(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	char buf[4096];
	int s, i, fd, seen = 0;
	ssize_t n;

	NEED_STATS();
	s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		   NETLINK_KOBJECT_UEVENT);
	if (s < 0)
		return kt_skip("no uevent netlink socket: %s", strerror(errno));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		return kt_skip("cannot bind the uevent socket: %s", strerror(errno));
	for (i = 0; i < 20; i++) {
		fd = heap_alloc(PAGE);
		KT_OK(fd);
		close(fd);
	}
	kt_sleep_ms(200);
	while ((n = recv(s, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = 0;
		if (strstr(buf, "dmabuf")) {
			kt_diag("uevent: %s", buf);
			seen++;
		}
	}
	close(s);
	KT_CHECK(seen == 0, "%d dma-buf uevents", seen);
	return KT_PASS;
}

/* ----------------------------------------------- concurrent walker */

/*
 * Workers export, keep a few, and release buffers in a loop.  Before a
 * worker reports a buffer as released (in the shared log below) its
 * close() has returned and it holds no mapping, so the entry must be gone
 * for any directory listing started after that report.
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
				kt_sleep_ms(2);
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

static int run_walker(struct walk_stats *w)
{
	struct shared *sh;
	long long end;
	int i;

	memset(w, 0, sizeof(*w));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -1;
	memset((void *)sh, 0, sizeof(*sh));
	for (i = 0; i < WORKERS; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0)
			worker(sh, i);
		sh->pids[i] = pid;
	}
	end = kt_now_ns() + WALK_MS * 1000000LL;
	while (kt_now_ns() < end) {
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
	for (i = 0; i < WORKERS; i++)
		waitpid(sh->pids[i], NULL, 0);
	kt_diag("%ld walks, %ld entries: %ld complete, %ld vanished, "
		"%ld half (%ld being made, %ld being removed), "
		"%ld bad text, %ld stale, %ld foreign names; "
		"%ld fds cross-checked, %ld mismatched; "
		"%ld+%ld exports, %lu releases",
		w->walks, w->entries, w->complete, w->vanished, w->half,
		w->half_new, w->half_dying,
		w->bad_text, w->stale, w->foreign, w->fd_checked, w->fd_mismatch,
		sh->exports[0], sh->exports[1], sh->nreleased);
	if (w->why[0])
		kt_diag("last problem: %s", w->why);
	munmap((void *)sh, sizeof(*sh));
	return 0;
}

/*
 * The contract every core must keep: a buffer whose fd userspace holds is
 * listed, complete and consistent with fdinfo; released buffers are not
 * listed; every name is an inode number and whatever is read is
 * well-formed.
 */
static int t_sysfs_walk_while_exporting(void)
{
	struct walk_stats w;

	NEED_STATS();
	KT_OK(run_walker(&w));
	KT_CHECK(w.walks > 0 && w.fd_checked > 0, "the walk checked nothing");
	KT_CHECK(w.fd_mismatch == 0, "%ld live buffers missing or wrong in sysfs",
		 w.fd_mismatch);
	KT_CHECK(w.stale == 0, "%ld released buffers still listed", w.stale);
	KT_CHECK(w.bad_text == 0, "%ld malformed entries", w.bad_text);
	KT_CHECK(w.foreign == 0, "%ld names that are not inode numbers", w.foreign);
	return KT_PASS;
}

/*
 * Stricter: a directory being removed never lacks its files.  6.1
 * removes a buffer's files before its directory, so a walker catches it
 * half-removed now and then; this core removes the directory and its
 * files in one step.  (Both add the directory before its files, so a
 * directory caught while being made may be empty for a moment.)
 */
static int t_sysfs_walk_removed_whole_beyond_upstream(void)
{
	struct walk_stats w;

	NEED_STATS();
	KT_OK(run_walker(&w));
	KT_CHECK(w.walks > 0 && w.entries > 0, "the walk saw nothing");
	KT_CHECK(w.half_dying == 0, "%ld entries listed without their files "
		 "while being removed", w.half_dying);
	return KT_PASS;
}

static const struct kt_case cases[] = {
	{ "sysfs_kset_directories", t_sysfs_kset_directories },
	{ "sysfs_entry_layout", t_sysfs_entry_layout },
	{ "sysfs_attributes_read_only", t_sysfs_attributes_read_only },
	{ "sysfs_entry_named_by_inode", t_sysfs_entry_named_by_inode },
	{ "sysfs_udmabuf_entry", t_sysfs_udmabuf_entry },
	{ "sysfs_large_size_text", t_sysfs_large_size_text },
	{ "sysfs_entry_gone_after_close", t_sysfs_entry_gone_after_close },
	{ "sysfs_entry_follows_last_reference", t_sysfs_entry_follows_last_reference },
	{ "sysfs_inode_numbers_not_reused", t_sysfs_inode_numbers_not_reused },
	{ "sysfs_visible_to_other_process", t_sysfs_visible_to_other_process },
	{ "sysfs_listed_without_fd_lookup", t_sysfs_listed_without_fd_lookup },
	{ "sysfs_open_attribute_outlives_buffer", t_sysfs_open_attribute_outlives_buffer },
	{ "sysfs_no_uevents", t_sysfs_no_uevents },
	{ "sysfs_walk_while_exporting", t_sysfs_walk_while_exporting },
	{ "sysfs_walk_removed_whole_beyond_upstream",
	  t_sysfs_walk_removed_whole_beyond_upstream },
};

static void setup(void)
{
	tst_mounts();
}

int main(void)
{
	return ktap_main("dmabuf-sysfs", cases, KT_ARRAY_SIZE(cases), setup);
}
