// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-trace: the core's trace events (include/trace/events/dma_buf.h),
 * read through tracefs.
 *
 * The original cores have no such events, so every test is beyond
 * upstream.  The tests: the events are listed; a buffer's whole life
 * (export, the fd where the heap installs it through the core, mmap, a
 * vgem PRIME import: get and attach, its release: detach and put) shows
 * in order with the buffer's inode, exporter, name and size; nothing is
 * logged while the events are off; and events racing a close() of the
 * freshly installed fd never touch a freed buffer (KASAN watches the kernel log).
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/utsname.h>
#include <drm/drm.h>

#define TRACEFS "/sys/kernel/tracing"
#define EVENTS TRACEFS "/events/dma_buf"

static const char *const events[] = {
	"dma_buf_export", "dma_buf_fd", "dma_buf_get", "dma_buf_put",
	"dma_buf_mmap", "dma_buf_dynamic_attach", "dma_buf_detach",
};

static int tracefs(void)
{
	if (access(TRACEFS "/trace", F_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	return access(TRACEFS "/trace", W_OK) ? -1 : 0;
}

#define NEED_EVENTS()							\
	do {								\
		if (tracefs())						\
			SKIP(return, "no tracefs (CONFIG_FTRACE)");	\
		ASSERT_EQ(0, access(EVENTS, F_OK))			\
			TH_LOG("no dma_buf trace events in " EVENTS);	\
	} while (0)

static int events_on(int on)
{
	if (write_text(EVENTS "/enable", on ? "1" : "0"))
		return -1;
	/* opening trace with O_TRUNC clears the ring buffer */
	return on ? close(open(TRACEFS "/trace", O_WRONLY | O_TRUNC)) : 0;
}

static char trace_text[1 << 20];

static int read_trace(void)
{
	return read_text(TRACEFS "/trace", trace_text, sizeof(trace_text)) < 0 ? -1 : 0;
}

/* Position of the first line at or after from with event ev and "ino=N ". */
static const char *find_event(const char *from, const char *ev, unsigned long ino)
{
	char needle[64], tag[64];
	const char *p = from;

	snprintf(needle, sizeof(needle), "ino=%lu ", ino);
	snprintf(tag, sizeof(tag), " %s: ", ev);
	while ((p = strstr(p, tag))) {
		const char *eol = strchr(p, '\n');
		const char *hit = strstr(p, needle);

		if (hit && (!eol || hit < eol))
			return p;
		p += strlen(tag);
	}
	return NULL;
}

/* Whether s occurs in the line starting at line. */
static int line_has(const char *line, const char *s)
{
	const char *eol = strchr(line, '\n'), *hit = strstr(line, s);

	return hit && (!eol || hit < eol);
}

TEST(trace_events_listed_beyond_upstream)
{
	char path[128];
	unsigned int i;

	BEYOND_UPSTREAM();
	NEED_EVENTS();
	for (i = 0; i < ARRAY_SIZE(events); i++) {
		snprintf(path, sizeof(path), EVENTS "/%s/format", events[i]);
		ASSERT_EQ(0, access(path, R_OK)) TH_LOG("no %s", path);
	}
}

/*
 * Whether the system heap hands its new fd out through the core, so that
 * the core traces it: 6.1's heap calls dma_buf_fd_install(); 6.12's
 * installs the fd itself with fd_install(), which the core never sees.
 */
static int heap_fd_through_core(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 1;
	return major == 6 && minor == 1;
}

TEST(trace_buffer_life_beyond_upstream)
{
	struct drm_prime_handle h = { 0 };
	struct drm_gem_close gc = { 0 };
	const char *p, *line;
	unsigned long ino;
	unsigned int i;
	int fd, drm;
	void *map;
	static const char *const order[] = {
		"dma_buf_export", "dma_buf_mmap", "dma_buf_get",
		"dma_buf_dynamic_attach", "dma_buf_detach", "dma_buf_put",
	};

	BEYOND_UPSTREAM();
	NEED_HEAP();
	NEED_EVENTS();
	drm = vgem_open();
	if (drm < 0)
		SKIP(return, "no vgem DRM device");
	ASSERT_SYSCALL(events_on(1));
	ASSERT_SYSCALL(fd = heap_alloc(4 * 4096));
	ino = fd_ino(fd);
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "trace-life"));
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
	munmap(map, 4096);
	h.fd = fd;
	ASSERT_SYSCALL(ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &h));
	gc.handle = h.handle;
	ASSERT_SYSCALL(ioctl(drm, DRM_IOCTL_GEM_CLOSE, &gc));
	close(fd);
	ASSERT_SYSCALL(events_on(0));
	ASSERT_SYSCALL(read_trace());

	for (i = 0, p = trace_text; i < ARRAY_SIZE(order); i++) {
		line = find_event(p, order[i], ino);
		ASSERT_NE(NULL, line)
			TH_LOG("no %s for inode %lu after the events before it; trace:\n%.4000s",
			       order[i], ino, trace_text);
		ASSERT_TRUE(line_has(line, "exp_name=system ") && line_has(line, "size=16384"))
			TH_LOG("%s line without exporter or size: %.200s", order[i], line);
		if (i >= 1)
			ASSERT_TRUE(line_has(line, "name=trace-life "))
				TH_LOG("%s line without the buffer's name: %.200s",
				       order[i], line);
		if (!strcmp(order[i], "dma_buf_dynamic_attach") ||
		    !strcmp(order[i], "dma_buf_detach"))
			ASSERT_TRUE(line_has(line, "dev=vgem "))
				TH_LOG("%s line without dev=vgem: %.200s", order[i], line);
		p = line + 1;
	}
	/*
	 * The fd event, between the export and the mmap, carries the fd
	 * userspace got; where the heap installs the fd itself there is none.
	 */
	line = find_event(trace_text, "dma_buf_fd", ino);
	if (heap_fd_through_core()) {
		char want[32];

		snprintf(want, sizeof(want), " fd=%d\n", fd);
		ASSERT_TRUE(line && line_has(line, want))
			TH_LOG("dma_buf_fd line without %s", want);
		ASSERT_TRUE(line < find_event(trace_text, "dma_buf_mmap", ino))
			TH_LOG("dma_buf_fd after dma_buf_mmap");
	} else {
		ASSERT_EQ(NULL, line)
			TH_LOG("dma_buf_fd for a heap buffer whose fd the core never saw");
	}
	close(drm);
}

TEST(trace_off_logs_nothing_beyond_upstream)
{
	int fd;

	BEYOND_UPSTREAM();
	NEED_HEAP();
	NEED_EVENTS();
	ASSERT_SYSCALL(events_on(1));
	ASSERT_SYSCALL(events_on(0));
	ASSERT_SYSCALL(fd = heap_alloc(4096));
	close(fd);
	ASSERT_SYSCALL(read_trace());
	ASSERT_EQ(NULL, strstr(trace_text, " dma_buf_"))
		TH_LOG("events while off:\n%.2000s", trace_text);
}

static atomic_int stop;

/* Closes the descriptors the exporter thread is about to be given. */
static void *closer(void *arg)
{
	int base = *(int *)arg;

	while (!atomic_load(&stop))
		for (int fd = base; fd < base + 4; fd++)
			close(fd);
	return NULL;
}

/*
 * An fd closed the moment it is installed frees the buffer at once; the
 * events of that export must have been taken before.  KASAN reports any
 * read of a freed buffer in the kernel log, which the run checks.
 */
TEST(trace_event_races_close_beyond_upstream)
{
	long long end;
	pthread_t th;
	int base, heap, n = 0;

	BEYOND_UPSTREAM();
	NEED_HEAP();
	NEED_EVENTS();
	ASSERT_SYSCALL(events_on(1));
	/* the heap's own fd first, so that it lies below what the closer closes */
	ASSERT_SYSCALL(heap = open(HEAP_PATH, O_RDONLY | O_CLOEXEC));
	base = lowest_free_fd();
	ASSERT_EQ(0, pthread_create(&th, NULL, closer, &base));
	end = tst_now_ns() + 3000000000LL;
	while (tst_now_ns() < end) {
		struct dma_heap_allocation_data d = { .len = 4096, .fd_flags = O_RDWR };

		if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d) == 0)
			n++;
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	close(heap);
	ASSERT_SYSCALL(events_on(0));
	ksft_print_msg("%d exports raced a close of their fd\n", n);
	ASSERT_GT(n, 0) TH_LOG("no export succeeded");
}

/* Mount proc, sysfs and debugfs (and so tracefs) before the first test. */
static void __attribute__((constructor)) trace_mounts(void)
{
	tst_mounts();
}

TEST_HARNESS_MAIN
