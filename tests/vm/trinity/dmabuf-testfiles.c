// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-testfiles.so: aims trinity at dma-buf file descriptors.
 *
 * Debian's trinity is built without its DRM fd provider (no PRIME fds), so
 * the only provider left that opens files on demand is "testfile": it opens
 * trinity-testfile<N> in its working directory, at start and whenever it
 * regenerates one.  Preloaded into trinity, this library answers those
 * opens (open, open64, openat, fopen, fopen64) with a fresh dma-buf
 * instead: in turn a system-heap buffer and a vgem dumb buffer exported
 * through PRIME, 1 to 4 pages, some of them named.  Every other path goes
 * to the real call.  trinity then fuzzes the calls it is allowed
 * (ioctl, mmap, poll, ...) on dma-buf fds only.  With DMABUF_TESTFILES_LOG
 * set, each buffer made adds a line "<heap|vgem> <bytes>" to that file, so
 * that the suite can tell trinity really had dma-buf fds.
 *
 * Built by tests/vm/prep.d/50-trinity.sh: gcc -shared -fPIC against the
 * tree's exported uapi headers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#define PREFIX "trinity-testfile"

static unsigned int made;

static int is_testfile(const char *path)
{
	const char *base;

	if (!path)
		return 0;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strncmp(base, PREFIX, strlen(PREFIX)) == 0;
}

/* The real open, without going through our own open(). */
static int sys_open(const char *path, int flags)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, 0600);
}

static int heap_buffer(size_t len)
{
	struct dma_heap_allocation_data data = {
		.len = len,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = sys_open("/dev/dma_heap/system", O_RDONLY);
	int ret;

	if (heap < 0)
		return -1;
	ret = ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data);
	close(heap);
	return ret < 0 ? -1 : (int)data.fd;
}

static int vgem_buffer(size_t len)
{
	struct drm_mode_create_dumb create = {
		.width = len / 4, .height = 1, .bpp = 32,
	};
	struct drm_prime_handle prime = { .flags = DRM_RDWR | DRM_CLOEXEC };
	struct drm_gem_close gclose = { 0 };
	int card = sys_open("/dev/dri/card0", O_RDWR);
	int ret = -1;

	if (card < 0)
		return -1;
	if (ioctl(card, DRM_IOCTL_MODE_CREATE_DUMB, &create) == 0) {
		prime.handle = create.handle;
		if (ioctl(card, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime) == 0)
			ret = prime.fd;
		/* the PRIME fd keeps the object; the handle may go */
		gclose.handle = create.handle;
		ioctl(card, DRM_IOCTL_GEM_CLOSE, &gclose);
	}
	close(card);
	return ret;
}

static void log_buffer(const char *kind, size_t len)
{
	const char *path = getenv("DMABUF_TESTFILES_LOG");
	char line[64];
	int fd, n;

	if (!path)
		return;
	fd = sys_open(path, O_WRONLY | O_APPEND | O_CREAT);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %zu\n", kind, len);
	if (write(fd, line, n) != n)
		errno = EIO;	/* only a count is lost */
	close(fd);
}

static int dmabuf_testfile(void)
{
	unsigned int n = __atomic_fetch_add(&made, 1, __ATOMIC_RELAXED);
	size_t len = (size_t)(1 + n % 4) * (size_t)sysconf(_SC_PAGESIZE);
	int vgem = n % 2;
	int fd = vgem ? vgem_buffer(len) : heap_buffer(len);

	if (fd < 0) {
		vgem = !vgem;
		fd = vgem ? vgem_buffer(len) : heap_buffer(len);
	}
	if (fd < 0) {
		errno = ENODEV;
		return -1;
	}
	log_buffer(vgem ? "vgem" : "heap", len);
	if (n % 3 == 0) {
		char name[DMA_BUF_NAME_LEN];

		snprintf(name, sizeof(name), "trinity-%u", n);
		ioctl(fd, DMA_BUF_SET_NAME, name);
	}
	/* trinity expects a descriptor without close-on-exec */
	fcntl(fd, F_SETFD, 0);
	return fd;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

static int mode_of(va_list ap, int flags)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (is_testfile(path))
		return dmabuf_testfile();
	va_start(ap, flags);
	mode = mode_of(ap, flags);
	va_end(ap);
	return REAL(open)(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (is_testfile(path))
		return dmabuf_testfile();
	va_start(ap, flags);
	mode = mode_of(ap, flags);
	va_end(ap);
	return REAL(open64)(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	if (is_testfile(path))
		return dmabuf_testfile();
	va_start(ap, flags);
	mode = mode_of(ap, flags);
	va_end(ap);
	return REAL(openat)(dirfd, path, flags, mode);
}

static FILE *dmabuf_stream(void)
{
	int fd = dmabuf_testfile();
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r+");
	if (!f)
		close(fd);
	return f;
}

FILE *fopen(const char *path, const char *mode)
{
	if (is_testfile(path))
		return dmabuf_stream();
	return REAL(fopen)(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	if (is_testfile(path))
		return dmabuf_stream();
	return REAL(fopen64)(path, mode);
}
