/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the userspace dma-buf tests: real exporters (the system
 * dma-heap and udmabuf), real fences (sw_sync timelines in debugfs), and
 * small readers for procfs, debugfs and sysfs text.
 */
#ifndef DMABUF_TESTS_UTIL_H
#define DMABUF_TESTS_UTIL_H

#include "dmabuf-test.h"

#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/sync_file.h>
#include <linux/types.h>
#include <linux/udmabuf.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS	1033
#define F_GET_SEALS	1034
#define F_SEAL_SEAL	0x0001
#define F_SEAL_SHRINK	0x0002
#define F_SEAL_GROW	0x0004
#define F_SEAL_WRITE	0x0008
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 0x0002U
#endif

/*
 * sw_sync has no installed uapi header; this is its ABI as the debugfs
 * file implements it.
 */
struct tst_sw_sync_create_fence {
	__u32 value;
	char name[32];
	__s32 fence;
};
#define TST_SW_SYNC_IOC_CREATE_FENCE _IOWR('W', 0, struct tst_sw_sync_create_fence)
#define TST_SW_SYNC_IOC_INC          _IOW('W', 1, __u32)

#define SW_SYNC_PATH  "/sys/kernel/debug/sync/sw_sync"
#define HEAP_PATH     "/dev/dma_heap/system"
#define UDMABUF_PATH  "/dev/udmabuf"
#define BUFINFO_PATH  "/sys/kernel/debug/dma_buf/bufinfo"
#define SYSFS_BUFFERS "/sys/kernel/dmabuf/buffers"

static inline long tst_page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Mount what the tests read, in case the init did not. */
static inline void tst_mounts(void)
{
	if (access("/proc/self", F_OK))
		mount("proc", "/proc", "proc", 0, NULL);
	if (access("/sys/kernel", F_OK))
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (access("/sys/kernel/debug/dma_buf", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access("/dev/null", F_OK))
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
}

/* ---------------------------------------------------------------- heaps */

/* Allocate a buffer from the system heap; returns its fd or -1. */
static inline int heap_alloc_flags(size_t len, unsigned int fd_flags)
{
	static int heap = -1;
	struct dma_heap_allocation_data d;

	if (heap < 0)
		heap = open(HEAP_PATH, O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.len = len;
	d.fd_flags = fd_flags;
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d) < 0)
		return -1;
	return (int)d.fd;
}

static inline int heap_alloc(size_t len)
{
	return heap_alloc_flags(len, O_RDWR | O_CLOEXEC);
}

static inline int have_heap(void)
{
	return access(HEAP_PATH, R_OK) == 0;
}

/*
 * Make a udmabuf over a sealed memfd of len bytes (page multiple).  The
 * memfd is returned through *memfd_out (or closed when that is NULL).
 */
static inline int udmabuf_alloc(size_t len, int *memfd_out)
{
	struct udmabuf_create c;
	int dev, memfd, buf;

	dev = open(UDMABUF_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	memfd = memfd_create("tst-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)len) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		int e = errno;

		if (memfd >= 0)
			close(memfd);
		close(dev);
		errno = e;
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.memfd = (__u32)memfd;
	c.flags = UDMABUF_FLAGS_CLOEXEC;
	c.offset = 0;
	c.size = len;
	buf = ioctl(dev, UDMABUF_CREATE, &c);
	{
		int e = errno;

		close(dev);
		if (memfd_out && buf >= 0)
			*memfd_out = memfd;
		else
			close(memfd);
		errno = e;
	}
	return buf;
}

static inline int have_udmabuf(void)
{
	return access(UDMABUF_PATH, R_OK | W_OK) == 0;
}

/* -------------------------------------------------------------- sw_sync */

static inline int have_sw_sync(void)
{
	return access(SW_SYNC_PATH, R_OK | W_OK) == 0;
}

/* A fresh timeline (its counter starts at 0). */
static inline int sw_timeline(void)
{
	return open(SW_SYNC_PATH, O_RDWR | O_CLOEXEC);
}

/* A sync_file fd that signals when the timeline reaches value. */
static inline int sw_fence(int timeline, unsigned int value)
{
	struct tst_sw_sync_create_fence d;

	memset(&d, 0, sizeof(d));
	d.value = value;
	snprintf(d.name, sizeof(d.name), "tst-%u", value);
	if (ioctl(timeline, TST_SW_SYNC_IOC_CREATE_FENCE, &d) < 0)
		return -1;
	return d.fence;
}

static inline int sw_inc(int timeline, unsigned int by)
{
	__u32 n = by;

	return ioctl(timeline, TST_SW_SYNC_IOC_INC, &n);
}

/* 1 signalled, 0 pending, negative error status, -100 ioctl failure. */
static inline int sync_file_status(int fd, unsigned int *num_fences)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info) < 0)
		return -100;
	if (num_fences)
		*num_fences = info.num_fences;
	return info.status;
}

/* poll() for events with the given timeout; returns revents or -1. */
static inline int poll_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do {
		r = poll(&p, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	return r ? p.revents : 0;
}

static inline int sync_merge(int a, int b)
{
	struct sync_merge_data m;

	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "tst-merged");
	m.fd2 = b;
	if (ioctl(a, SYNC_IOC_MERGE, &m) < 0)
		return -1;
	return m.fence;
}

/* ------------------------------------------------------ dma-buf ioctls */

static inline int buf_import(int buf, int sync_fd, unsigned int flags)
{
	struct dma_buf_import_sync_file a;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.fd = sync_fd;
	return ioctl(buf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &a);
}

/* Returns the exported sync_file fd or -1. */
static inline int buf_export(int buf, unsigned int flags)
{
	struct dma_buf_export_sync_file a;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.fd = -1;
	if (ioctl(buf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &a) < 0)
		return -1;
	return a.fd;
}

static inline int buf_sync(int buf, __u64 flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return ioctl(buf, DMA_BUF_IOCTL_SYNC, &s);
}

/* Attach an unsignalled sw_sync fence for `usage` (READ/WRITE flags). */
static inline int buf_attach_pending(int buf, int timeline, unsigned int value,
			      unsigned int usage)
{
	int f = sw_fence(timeline, value), r;

	if (f < 0)
		return -1;
	r = buf_import(buf, f, usage);
	close(f);
	return r;
}

/* ------------------------------------------------------- text readers */

/* Read a whole (small) file into buf; returns bytes read or -1. */
static inline ssize_t read_text(const char *path, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		got += n;
	}
	buf[got] = 0;
	close(fd);
	return got;
}

/*
 * Find "key:\t" at the start of a line in text and copy the rest of that
 * line to out.  Returns 0 when found.
 */
static inline int text_field(const char *text, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':' && p[kl + 1] == '\t') {
			const char *v = p + kl + 2;
			const char *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);

			if (n >= len)
				n = len - 1;
			memcpy(out, v, n);
			out[n] = 0;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static inline ssize_t fdinfo_text(pid_t pid, int fd, char *buf, size_t len)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	else
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return read_text(path, buf, len);
}

static inline int fdinfo_field(int fd, const char *key, char *out, size_t len)
{
	char text[4096];

	if (fdinfo_text(0, fd, text, sizeof(text)) < 0)
		return -1;
	return text_field(text, key, out, len);
}

static inline unsigned long fd_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return (unsigned long)st.st_ino;
}

/* readlink() of /proc/self/fd/<fd>, NUL-terminated; returns length or -1. */
static inline ssize_t fd_link(int fd, char *out, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, out, len - 1);
	if (n >= 0)
		out[n] = 0;
	return n;
}

/*
 * Find the bufinfo line of the buffer with inode ino and copy it to out.
 * Returns 0 when found, 1 when not listed, -1 when bufinfo is unreadable.
 */
static inline int bufinfo_line(unsigned long ino, char *out, size_t len)
{
	const size_t tlen = 1 << 20;
	char *text = malloc(tlen), *line, *save = NULL;
	int found = 1;

	if (!text || read_text(BUFINFO_PATH, text, tlen) < 0) {
		free(text);
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* size flags mode count exp_name ino name, tab separated */
		char *f[8], *s2 = NULL, copy[512];
		int n = 0;

		snprintf(copy, sizeof(copy), "%s", line);
		for (f[n] = strtok_r(copy, "\t", &s2); f[n] && n < 7;
		     f[++n] = strtok_r(NULL, "\t", &s2))
			;
		if (n >= 6 && strtoul(f[5], NULL, 10) == ino &&
		    f[0][0] >= '0' && f[0][0] <= '9') {
			snprintf(out, len, "%s", line);
			found = 0;
			break;
		}
	}
	free(text);
	return found;
}

/* Lowest free descriptor number right now. */
static inline int lowest_free_fd(void)
{
	int fd = dup(0), r;

	if (fd < 0)
		fd = open("/dev/null", O_RDONLY);
	r = fd;
	close(fd);
	return r;
}

static inline int count_open_fds(void)
{
	char path[64];
	int n = 0, fd;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (!access(path, F_OK))
			n++;
	}
	return n;
}

/* ------------------------------------------------------ fault injection */

#define FAILSLAB_DIR		"/sys/kernel/debug/failslab"
#define FAIL_PAGE_ALLOC_DIR	"/sys/kernel/debug/fail_page_alloc"

static inline int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * Make /proc/thread-self/fail-nth reach every slab allocation, those that
 * may sleep too (skipped by default), and quietly (a stack dump per
 * injected fault would fill the kernel log with call traces).
 * Returns 0, or -1 without CONFIG_FAILSLAB / FAULT_INJECTION_DEBUG_FS.
 */
static inline int fail_nth_setup(void)
{
	if (access("/proc/thread-self/fail-nth", W_OK) ||
	    write_text(FAILSLAB_DIR "/ignore-gfp-wait", "N") ||
	    write_text(FAILSLAB_DIR "/verbose", "0"))
		return -1;
	/*
	 * fail_page_alloc keeps its defaults (no allocation that may sleep,
	 * no order 0): a page allocation failing without __GFP_NOWARN prints
	 * an allocation failure report with a backtrace by design, which the
	 * kernel-log checks would take for a bug.  Quietly, all the same.
	 */
	if (!access(FAIL_PAGE_ALLOC_DIR, F_OK))
		write_text(FAIL_PAGE_ALLOC_DIR "/verbose", "0");
	return 0;
}

/* Fail the @n-th fault-injection point this thread passes from now on. */
static inline int fail_nth_arm(unsigned int n)
{
	char text[16];

	snprintf(text, sizeof(text), "%u", n);
	return write_text("/proc/thread-self/fail-nth", text);
}

/*
 * The same through a descriptor opened beforehand, for calls made with a
 * full descriptor table: fail_nth_open(), then fail_nth_arm_fd(fd, n) and
 * fail_nth_disarm_fd(fd) (true if the fault was injected), then close.
 */
static inline int fail_nth_open(void)
{
	return open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
}

static inline int fail_nth_arm_fd(int fd, unsigned int n)
{
	char text[16];
	int len = snprintf(text, sizeof(text), "%u", n);

	return pwrite(fd, text, len, 0) == len ? 0 : -1;
}

static inline int fail_nth_disarm_fd(int fd)
{
	char text[16] = "";
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

	if (pwrite(fd, "0", 1, 0) != 1)
		n = -1;
	return n > 0 && atoi(text) == 0;
}

/*
 * Disarm; true if the armed fault was injected (every point before it
 * was passed), false if the call passed fewer than n points.
 */
static inline int fail_nth_disarm(void)
{
	char text[16] = "";
	int fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	if (write(fd, "0", 1) != 1)
		n = -1;
	close(fd);
	return n > 0 && atoi(text) == 0;
}

/* A page that faults on any access (for EFAULT checks). */
static inline void *bad_pointer(void)
{
	static void *p;

	if (!p) {
		p = mmap(NULL, tst_page_size(), PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			p = (void *)16;
	}
	return p;
}

/* ----------------------------------------------------------------- vgem */

/* The vgem DRM device, found by the name of its platform device. */
static inline int vgem_find(void)
{
	char path[64], link[256];
	ssize_t n;
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/sys/class/drm/card%d/device", i);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		if (strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, "vgem"))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		return open(path, O_RDWR | O_CLOEXEC);
	}
	return -1;
}

/*
 * Open vgem (an importer with a real struct device), loading its module
 * first if it is not there (it is a module in the test kernel).  Returns
 * the DRM fd or -1.
 */
static inline int vgem_open(void)
{
	int drm = vgem_find();
	pid_t pid;

	if (drm >= 0)
		return drm;
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(nul, 1);
		dup2(nul, 2);
		execlp("modprobe", "modprobe", "vgem", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return vgem_find();
}

#define NEED_HEAP()							\
	do {								\
		if (!have_heap())					\
			SKIP(return, "no " HEAP_PATH			\
			     " (CONFIG_DMABUF_HEAPS_SYSTEM)");		\
	} while (0)
#define NEED_UDMABUF()							\
	do {								\
		if (!have_udmabuf())					\
			SKIP(return, "no " UDMABUF_PATH		\
			     " (CONFIG_UDMABUF)");			\
	} while (0)
#define NEED_SW_SYNC()							\
	do {								\
		if (!have_sw_sync())					\
			SKIP(return, "no " SW_SYNC_PATH		\
			     " (CONFIG_SW_SYNC, debugfs)");		\
	} while (0)

/* ---------------------------------------------------------------- time */

static inline long long tst_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void tst_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

#endif /* DMABUF_TESTS_UTIL_H */
