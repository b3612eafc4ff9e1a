// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-trace: the core's trace events (include/trace/events/dma_buf.h),
 * read through tracefs.
 *
 * 6.1's core has no such events, so every case is beyond upstream.  The
 * cases: the events are listed; a buffer's whole life (export, fd, mmap,
 * a vgem PRIME import: get and attach, its release: detach and put) shows
 * in order with the buffer's inode, exporter, name and size; nothing is
 * logged while the events are off; and events racing a close() of the
 * freshly installed fd never touch a freed buffer (KASAN watches the kernel log).
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <pthread.h>
#include <stdatomic.h>
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
			return kt_skip("no tracefs (CONFIG_FTRACE)");	\
		KT_CHECK(access(EVENTS, F_OK) == 0,			\
			 "no dma_buf trace events in " EVENTS);		\
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

static int t_trace_events_listed_beyond_upstream(void)
{
	char path[128];
	unsigned int i;

	NEED_EVENTS();
	for (i = 0; i < KT_ARRAY_SIZE(events); i++) {
		snprintf(path, sizeof(path), EVENTS "/%s/format", events[i]);
		KT_CHECK(access(path, R_OK) == 0, "no %s", path);
	}
	return KT_PASS;
}

static int t_trace_buffer_life_beyond_upstream(void)
{
	struct drm_prime_handle h = { 0 };
	struct drm_gem_close gc = { 0 };
	const char *p, *line;
	unsigned long ino;
	unsigned int i;
	int fd, drm;
	void *map;
	static const char *const order[] = {
		"dma_buf_export", "dma_buf_fd", "dma_buf_mmap", "dma_buf_get",
		"dma_buf_dynamic_attach", "dma_buf_detach", "dma_buf_put",
	};

	NEED_HEAP();
	NEED_EVENTS();
	drm = vgem_open();
	if (drm < 0)
		return kt_skip("no vgem DRM device");
	KT_OK(events_on(1));
	fd = heap_alloc(4 * 4096);
	KT_OK(fd);
	ino = fd_ino(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "trace-life"));
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	KT_CHECK(map != MAP_FAILED, "mmap: %s", strerror(errno));
	munmap(map, 4096);
	h.fd = fd;
	KT_OK(ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &h));
	gc.handle = h.handle;
	KT_OK(ioctl(drm, DRM_IOCTL_GEM_CLOSE, &gc));
	close(fd);
	KT_OK(events_on(0));
	KT_OK(read_trace());

	for (i = 0, p = trace_text; i < KT_ARRAY_SIZE(order); i++) {
		line = find_event(p, order[i], ino);
		KT_CHECK(line, "no %s for inode %lu after the events before it; trace:\n%.4000s",
			 order[i], ino, trace_text);
		KT_CHECK(line_has(line, "exp_name=system ") && line_has(line, "size=16384"),
			 "%s line without exporter or size: %.200s", order[i], line);
		if (i >= 2)
			KT_CHECK(line_has(line, "name=trace-life "),
				 "%s line without the buffer's name: %.200s", order[i], line);
		if (!strcmp(order[i], "dma_buf_dynamic_attach") ||
		    !strcmp(order[i], "dma_buf_detach"))
			KT_CHECK(line_has(line, "dev=vgem "),
				 "%s line without dev=vgem: %.200s", order[i], line);
		p = line + 1;
	}
	/* the fd event carries the fd userspace got */
	{
		char want[32];

		snprintf(want, sizeof(want), " fd=%d\n", fd);
		line = find_event(trace_text, "dma_buf_fd", ino);
		KT_CHECK(line && line_has(line, want),
			 "dma_buf_fd line without %s", want);
	}
	close(drm);
	return KT_PASS;
}

static int t_trace_off_logs_nothing_beyond_upstream(void)
{
	int fd;

	NEED_HEAP();
	NEED_EVENTS();
	KT_OK(events_on(1));
	KT_OK(events_on(0));
	fd = heap_alloc(4096);
	KT_OK(fd);
	close(fd);
	KT_OK(read_trace());
	KT_CHECK(!strstr(trace_text, " dma_buf_"), "events while off:\n%.2000s", trace_text);
	return KT_PASS;
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
static int t_trace_event_races_close_beyond_upstream(void)
{
	long long end;
	pthread_t th;
	int base, heap, n = 0;

	NEED_HEAP();
	NEED_EVENTS();
	KT_OK(events_on(1));
	/* the heap's own fd first, so that it lies below what the closer closes */
	heap = open(HEAP_PATH, O_RDONLY | O_CLOEXEC);
	KT_OK(heap);
	base = lowest_free_fd();
	KT_CHECK(pthread_create(&th, NULL, closer, &base) == 0, "pthread_create");
	end = kt_now_ns() + 3000000000LL;
	while (kt_now_ns() < end) {
		struct dma_heap_allocation_data d = { .len = 4096, .fd_flags = O_RDWR };

		if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d) == 0)
			n++;
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	close(heap);
	KT_OK(events_on(0));
	kt_diag("%d exports raced a close of their fd", n);
	KT_CHECK(n > 0, "no export succeeded");
	return KT_PASS;
}

static const struct kt_case cases[] = {
	{ "trace_events_listed_beyond_upstream", t_trace_events_listed_beyond_upstream },
	{ "trace_buffer_life_beyond_upstream", t_trace_buffer_life_beyond_upstream },
	{ "trace_off_logs_nothing_beyond_upstream", t_trace_off_logs_nothing_beyond_upstream },
	{ "trace_event_races_close_beyond_upstream", t_trace_event_races_close_beyond_upstream },
};

int main(void)
{
	tst_mounts();
	return ktap_main("dmabuf-trace", cases, KT_ARRAY_SIZE(cases), NULL);
}
