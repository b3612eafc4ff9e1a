// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-uapi: what a process can do with a dma-buf file descriptor.
 *
 * ioctls (SYNC, SET_NAME in all its encodings, sync_file export/import),
 * llseek, read/write, mmap, fdinfo, debugfs bufinfo and the /proc fd link
 * text, checked against real exporters (the system dma-heap and udmabuf)
 * and real fences (sw_sync).  Every expectation is the behaviour of the
 * Linux 6.1.192 core, errno included.
 *
 * The same source is built a second time with -m32 (dmabuf-uapi-32); the
 * 64-bit program runs that binary as its "compat32_ioctls" case so the
 * 32-bit compat ioctl path is exercised as well.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include "dmabuf-util.h"

#include <sys/resource.h>

#include <sys/syscall.h>

#define PAGE ((size_t)tst_page_size())

/* ------------------------------------------------------------ ABI */

/* The header under test must describe exactly the 6.1 ABI. */
static int t_abi_header_values(void)
{
	KT_CHECK(DMA_BUF_SYNC_READ == 1 && DMA_BUF_SYNC_WRITE == 2 &&
		 DMA_BUF_SYNC_RW == 3 && DMA_BUF_SYNC_START == 0 &&
		 DMA_BUF_SYNC_END == 4 && DMA_BUF_SYNC_VALID_FLAGS_MASK == 7,
		 "sync flag values differ");
	KT_CHECK(DMA_BUF_NAME_LEN == 32, "DMA_BUF_NAME_LEN %d", DMA_BUF_NAME_LEN);
	KT_CHECK(sizeof(struct dma_buf_sync) == 8, "sizeof dma_buf_sync");
	KT_CHECK(sizeof(struct dma_buf_export_sync_file) == 8 &&
		 offsetof(struct dma_buf_export_sync_file, flags) == 0 &&
		 offsetof(struct dma_buf_export_sync_file, fd) == 4,
		 "dma_buf_export_sync_file layout");
	KT_CHECK(sizeof(struct dma_buf_import_sync_file) == 8 &&
		 offsetof(struct dma_buf_import_sync_file, flags) == 0 &&
		 offsetof(struct dma_buf_import_sync_file, fd) == 4,
		 "dma_buf_import_sync_file layout");
	KT_CHECK(DMA_BUF_BASE == 'b', "DMA_BUF_BASE");
	KT_CHECK(DMA_BUF_IOCTL_SYNC == 0x40086200UL, "SYNC %#lx",
		 (unsigned long)DMA_BUF_IOCTL_SYNC);
	KT_CHECK(DMA_BUF_SET_NAME_A == 0x40046201UL, "SET_NAME_A %#lx",
		 (unsigned long)DMA_BUF_SET_NAME_A);
	KT_CHECK(DMA_BUF_SET_NAME_B == 0x40086201UL, "SET_NAME_B %#lx",
		 (unsigned long)DMA_BUF_SET_NAME_B);
	KT_CHECK(DMA_BUF_SET_NAME == (sizeof(void *) == 8 ? 0x40086201UL :
						     0x40046201UL),
		 "SET_NAME %#lx", (unsigned long)DMA_BUF_SET_NAME);
	KT_CHECK(DMA_BUF_IOCTL_EXPORT_SYNC_FILE == 0xc0086202UL, "EXPORT %#lx",
		 (unsigned long)DMA_BUF_IOCTL_EXPORT_SYNC_FILE);
	KT_CHECK(DMA_BUF_IOCTL_IMPORT_SYNC_FILE == 0x40086203UL, "IMPORT %#lx",
		 (unsigned long)DMA_BUF_IOCTL_IMPORT_SYNC_FILE);
	return KT_PASS;
}

/* ------------------------------------------------------- exporters */

static int t_heap_export_basic(void)
{
	char v[64];
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_CHECK(fdinfo_field(fd, "exp_name", v, sizeof(v)) == 0 &&
		 !strcmp(v, "system"), "exp_name '%s'", v);
	KT_CHECK(fdinfo_field(fd, "size", v, sizeof(v)) == 0 &&
		 strtoul(v, NULL, 10) == PAGE, "size '%s'", v);
	close(fd);
	return KT_PASS;
}

static int t_udmabuf_export_basic(void)
{
	char v[64];
	int fd;

	NEED_UDMABUF();
	fd = udmabuf_alloc(3 * PAGE, NULL);
	KT_OK(fd);
	KT_CHECK(fdinfo_field(fd, "exp_name", v, sizeof(v)) == 0 &&
		 !strcmp(v, "udmabuf"), "exp_name '%s'", v);
	KT_CHECK(fdinfo_field(fd, "size", v, sizeof(v)) == 0 &&
		 strtoul(v, NULL, 10) == 3 * PAGE, "size '%s'", v);
	close(fd);
	return KT_PASS;
}

/* ------------------------------------------------------------ SYNC */

static int t_sync_unknown_flags_einval(void)
{
	static const __u64 bad[] = {
		DMA_BUF_SYNC_READ | 8, DMA_BUF_SYNC_RW | 0x10,
		DMA_BUF_SYNC_WRITE | (1ULL << 32), DMA_BUF_SYNC_READ | (1ULL << 63),
		~0ULL,
	};
	unsigned int i;
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		KT_CHECK(buf_sync(fd, bad[i]) == -1 && errno == EINVAL,
			 "flags %#llx: errno %d (%s), want EINVAL",
			 (unsigned long long)bad[i], errno, strerror(errno));
	}
	close(fd);
	return KT_PASS;
}

static int t_sync_no_direction_einval(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	/* START alone and END alone name no direction. */
	KT_ERRNO(buf_sync(fd, DMA_BUF_SYNC_START), EINVAL);
	KT_ERRNO(buf_sync(fd, DMA_BUF_SYNC_END), EINVAL);
	close(fd);
	return KT_PASS;
}

static int sync_dir(__u64 dir)
{
	unsigned char *p;
	int fd;

	NEED_HEAP();
	fd = heap_alloc(2 * PAGE);
	KT_OK(fd);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KT_CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	KT_OK(buf_sync(fd, DMA_BUF_SYNC_START | dir));
	if (dir & DMA_BUF_SYNC_WRITE)
		memset(p, 0x5a, 2 * PAGE);
	if (dir & DMA_BUF_SYNC_READ)
		KT_CHECK(p[0] == (dir & DMA_BUF_SYNC_WRITE ? 0x5a : 0),
			 "content %#x", p[0]);
	KT_OK(buf_sync(fd, DMA_BUF_SYNC_END | dir));
	/* Nesting and unbalanced END are the exporter's business; the
	 * core passes them on, and the system heap accepts both. */
	KT_OK(buf_sync(fd, DMA_BUF_SYNC_END | dir));
	munmap(p, 2 * PAGE);
	close(fd);
	return KT_PASS;
}

static int t_sync_read_start_end(void)  { return sync_dir(DMA_BUF_SYNC_READ); }
static int t_sync_write_start_end(void) { return sync_dir(DMA_BUF_SYNC_WRITE); }
static int t_sync_rw_start_end(void)    { return sync_dir(DMA_BUF_SYNC_RW); }

static int t_sync_bad_pointer_efault(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_SYNC, NULL), EFAULT);
	KT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_SYNC, bad_pointer()), EFAULT);
	close(fd);
	return KT_PASS;
}

/* -------------------------------------------------------- SET_NAME */

static int check_name_everywhere(int fd, const char *name)
{
	char v[128], want[128], line[512];
	int r;

	KT_CHECK(fdinfo_field(fd, "name", v, sizeof(v)) == 0,
		 "no name line in fdinfo");
	KT_CHECK(!strcmp(v, name), "fdinfo name '%s', want '%s'", v, name);
	KT_OK(fd_link(fd, v, sizeof(v)));
	snprintf(want, sizeof(want), "/dmabuf:%s", name);
	KT_CHECK(!strcmp(v, want), "fd link '%s', want '%s'", v, want);
	r = bufinfo_line(fd_ino(fd), line, sizeof(line));
	if (r >= 0) {
		size_t ll = strlen(line), nl = strlen(name);

		KT_CHECK(r == 0, "ino %lu not in bufinfo", fd_ino(fd));
		KT_CHECK(ll > nl && line[ll - nl - 1] == '\t' &&
			 !strcmp(line + ll - nl, name),
			 "bufinfo line '%s' does not end in name '%s'", line, name);
	}
	return KT_PASS;
}

static int t_set_name_plain(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "plain-name"));
	if (check_name_everywhere(fd, "plain-name"))
		return KT_FAIL;
	close(fd);
	return KT_PASS;
}

static int t_set_name_a(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME_A, "name-a"));
	if (check_name_everywhere(fd, "name-a"))
		return KT_FAIL;
	close(fd);
	return KT_PASS;
}

static int t_set_name_b(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME_B, "name-b"));
	if (check_name_everywhere(fd, "name-b"))
		return KT_FAIL;
	close(fd);
	return KT_PASS;
}

static int t_set_name_31_chars_ok(void)
{
	char name[32];
	int fd;

	NEED_HEAP();
	memset(name, 'n', 31);
	name[31] = 0;
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, name));
	if (check_name_everywhere(fd, name))
		return KT_FAIL;
	close(fd);
	return KT_PASS;
}

static int t_set_name_32_chars_einval(void)
{
	char name[200], v[64];
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "before"));
	memset(name, 'm', sizeof(name));
	name[32] = 0;
	KT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME, name), EINVAL);
	name[32] = 'm';
	name[199] = 0;
	KT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME_A, name), EINVAL);
	KT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME_B, name), EINVAL);
	/* A refused name leaves the old one in place. */
	KT_CHECK(fdinfo_field(fd, "name", v, sizeof(v)) == 0 &&
		 !strcmp(v, "before"), "name now '%s'", v);
	close(fd);
	return KT_PASS;
}

static int t_set_name_bad_pointer_efault(void)
{
	char *page, v[64];
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME, NULL), EFAULT);
	KT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME_B, bad_pointer()), EFAULT);
	/* A string running into an unmapped page without its terminator. */
	page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KT_CHECK(page != MAP_FAILED, "mmap");
	KT_OK(mprotect(page + PAGE, PAGE, PROT_NONE));
	memset(page + PAGE - 5, 'x', 5);
	KT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME, page + PAGE - 5), EFAULT);
	KT_CHECK(fdinfo_field(fd, "name", v, sizeof(v)) != 0,
		 "a failed rename left name '%s'", v);
	close(fd);
	return KT_PASS;
}

/* The empty string is a name too: fdinfo prints an empty name line. */
static int t_set_name_empty(void)
{
	char v[64];
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "x"));
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, ""));
	KT_CHECK(fdinfo_field(fd, "name", v, sizeof(v)) == 0 && v[0] == 0,
		 "fdinfo name line missing or '%s'", v);
	KT_OK(fd_link(fd, v, sizeof(v)));
	KT_CHECK(!strcmp(v, "/dmabuf:"), "fd link '%s'", v);
	close(fd);
	return KT_PASS;
}

static int t_set_name_rename_replaces(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "first-name-long"));
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "second"));
	if (check_name_everywhere(fd, "second"))
		return KT_FAIL;
	close(fd);
	return KT_PASS;
}

static int t_set_name_while_mmapped(void)
{
	void *p;
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KT_CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "mapped"));
	if (check_name_everywhere(fd, "mapped"))
		return KT_FAIL;
	munmap(p, PAGE);
	close(fd);
	return KT_PASS;
}

/*
 * Attachment from userspace: import the buffer into vgem (a DRM driver
 * with a real struct device).  The DRM ABI bits used are stable and tiny.
 */
struct tst_drm_prime_handle {
	__u32 handle;
	__u32 flags;
	__s32 fd;
};
#define TST_DRM_IOCTL_PRIME_FD_TO_HANDLE _IOWR('d', 0x2e, struct tst_drm_prime_handle)

static int t_set_name_while_attached(void)
{
	struct tst_drm_prime_handle h;
	char line[512];
	int fd, drm;

	NEED_HEAP();
	drm = vgem_open();
	if (drm < 0)
		return kt_skip("no vgem DRM device (CONFIG_DRM_VGEM module not loaded)");
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	memset(&h, 0, sizeof(h));
	h.fd = fd;
	KT_OK(ioctl(drm, TST_DRM_IOCTL_PRIME_FD_TO_HANDLE, &h));
	if (bufinfo_line(fd_ino(fd), line, sizeof(line)) == 0)
		kt_diag("attached: %s", line);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "attached"));
	if (check_name_everywhere(fd, "attached"))
		return KT_FAIL;
	close(drm);
	close(fd);
	return KT_PASS;
}

/*
 * ----------------------------------------------- descriptors and lookups
 *
 * dma_buf_fd() and dma_buf_get() as userspace reaches them: the heap hands
 * out descriptors (dma_buf_fd_install() in 6.1.192), vgem's PRIME import
 * looks them up.  (The KUnit suites leave descriptors to these cases.)
 */

/* The descriptor's close-on-exec flag is the one the allocation asked for. */
static int t_fd_cloexec_follows_flags(void)
{
	int with, without, fw, fo;

	NEED_HEAP();
	with = heap_alloc_flags(PAGE, O_RDWR | O_CLOEXEC);
	KT_OK(with);
	without = heap_alloc_flags(PAGE, O_RDWR);
	KT_OK(without);
	fw = fcntl(with, F_GETFD);
	fo = fcntl(without, F_GETFD);
	KT_CHECK(fw >= 0 && (fw & FD_CLOEXEC), "O_CLOEXEC: FD_CLOEXEC not set");
	KT_CHECK(fo >= 0 && !(fo & FD_CLOEXEC), "no O_CLOEXEC: FD_CLOEXEC set");
	close(with);
	close(without);
	return KT_PASS;
}

/* The descriptor is the buffer's file: fstat, fdinfo and bufinfo agree. */
static int t_fd_is_the_buffer_file(void)
{
	char v[64] = "", line[512];
	unsigned long ino;
	int fd, r;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	KT_CHECK(ino != 0, "fstat: %s", strerror(errno));
	KT_CHECK(fdinfo_field(fd, "ino", v, sizeof(v)) == 0 &&
		 strtoul(v, NULL, 10) == ino, "fdinfo ino '%s', fstat %lu", v, ino);
	r = bufinfo_line(ino, line, sizeof(line));
	if (r < 0)
		kt_diag("bufinfo unreadable: not compared");
	else
		KT_CHECK(r == 0, "buffer %lu not in bufinfo", ino);
	close(fd);
	return KT_PASS;
}

/* PRIME_FD_TO_HANDLE of @fd on vgem: 0, or -1 with errno. */
static int vgem_import(int drm, int fd)
{
	struct tst_drm_prime_handle h = { .fd = fd };

	return ioctl(drm, TST_DRM_IOCTL_PRIME_FD_TO_HANDLE, &h);
}

#define NEED_VGEM(drm)							\
	do {								\
		(drm) = vgem_open();					\
		if ((drm) < 0)						\
			return kt_skip("no vgem DRM device (CONFIG_DRM_VGEM)"); \
	} while (0)

/* Looking up a closed or impossible descriptor: EBADF. */
static int t_import_closed_fd_ebadf(void)
{
	int drm, fd;

	NEED_HEAP();
	NEED_VGEM(drm);
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	close(fd);
	KT_CHECK(vgem_import(drm, fd) == -1 && errno == EBADF,
		 "closed fd: %s", strerror(errno));
	KT_CHECK(vgem_import(drm, -1) == -1 && errno == EBADF,
		 "fd -1: %s", strerror(errno));
	close(drm);
	return KT_PASS;
}

/* Looking up a descriptor of another kind of file: EINVAL. */
static int t_import_non_dmabuf_einval(void)
{
	int drm, memfd;

	NEED_VGEM(drm);
	memfd = memfd_create("not-a-dma-buf", MFD_CLOEXEC);
	KT_OK(memfd);
	KT_CHECK(vgem_import(drm, memfd) == -1 && errno == EINVAL,
		 "memfd: %s", strerror(errno));
	close(memfd);
	close(drm);
	return KT_PASS;
}

/*
 * A looked-up buffer outlives the descriptor: still listed once its only
 * fd is closed, released when the importer lets go.
 */
static int t_import_keeps_buffer_after_close(void)
{
	char line[512];
	unsigned long ino;
	int drm, fd, r, i;

	NEED_HEAP();
	NEED_VGEM(drm);
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	KT_OK(vgem_import(drm, fd));
	close(fd);
	r = bufinfo_line(ino, line, sizeof(line));
	if (r < 0) {
		close(drm);
		return kt_skip("bufinfo unreadable (debugfs)");
	}
	KT_CHECK(r == 0, "buffer %lu gone after close, though imported", ino);
	close(drm);
	for (i = 0; i < 200 && bufinfo_line(ino, line, sizeof(line)) == 0; i++)
		usleep(10000);
	KT_CHECK(bufinfo_line(ino, line, sizeof(line)) == 1,
		 "buffer %lu still listed 2 s after the importer closed", ino);
	return KT_PASS;
}

/* ------------------------------------------- sync_file export/import */

static int t_export_sync_file_flags_einval(void)
{
	static const __u32 bad[] = { 0, DMA_BUF_SYNC_END,
		DMA_BUF_SYNC_READ | DMA_BUF_SYNC_END, DMA_BUF_SYNC_RW | 8,
		DMA_BUF_SYNC_WRITE | 0x80000000u, 0xffffffffu };
	unsigned int i;
	int fd, before;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	before = count_open_fds();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		KT_CHECK(buf_export(fd, bad[i]) == -1 && errno == EINVAL,
			 "flags %#x: errno %d (%s), want EINVAL", bad[i], errno,
			 strerror(errno));
	}
	KT_CHECK(count_open_fds() == before, "a refused export leaked an fd");
	close(fd);
	return KT_PASS;
}

/* Limit this process's descriptors to those it has open now. */
static int fill_fd_table(struct rlimit *saved)
{
	struct rlimit full;

	if (getrlimit(RLIMIT_NOFILE, saved))
		return -1;
	full = *saved;
	full.rlim_cur = lowest_free_fd();
	return setrlimit(RLIMIT_NOFILE, &full);
}

/* A full descriptor table fails the export with EMFILE. */
static int t_export_sync_file_full_fd_table_emfile(void)
{
	struct rlimit saved;
	int fd, ret, err;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(fill_fd_table(&saved));
	ret = buf_export(fd, DMA_BUF_SYNC_RW);
	err = errno;
	setrlimit(RLIMIT_NOFILE, &saved);
	KT_CHECK(ret == -1 && err == EMFILE, "export gave %d, errno %d (%s)",
		 ret, err, strerror(err));
	close(fd);
	return KT_PASS;
}

/*
 * 6.1 reserves the descriptor before anything else: with a full table the
 * export fails with EMFILE before a single allocation, so an allocation
 * failure armed for it is neither hit nor able to change the errno.
 */
static int t_export_sync_file_emfile_before_allocating(void)
{
	struct rlimit saved;
	int fd, nth, ret, err, injected;

	NEED_HEAP();
	if (fail_nth_setup())
		return kt_skip("no fault injection (CONFIG_FAILSLAB, FAULT_INJECTION_DEBUG_FS)");
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	nth = fail_nth_open();
	KT_OK(nth);
	KT_OK(fill_fd_table(&saved));
	KT_OK(fail_nth_arm_fd(nth, 1));
	ret = buf_export(fd, DMA_BUF_SYNC_RW);
	err = errno;
	injected = fail_nth_disarm_fd(nth);
	setrlimit(RLIMIT_NOFILE, &saved);
	close(nth);
	KT_CHECK(ret == -1 && err == EMFILE, "export gave %d, errno %d (%s)",
		 ret, err, strerror(err));
	KT_CHECK(!injected, "an allocation was attempted before EMFILE");
	close(fd);
	return KT_PASS;
}

static int t_export_sync_file_bad_pointer_efault(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, NULL), EFAULT);
	KT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, bad_pointer()), EFAULT);
	close(fd);
	return KT_PASS;
}

/*
 * The argument is readable but not writable: the copy back fails, and no
 * descriptor may have been published in the table meanwhile.
 */
static int t_export_sync_file_readonly_arg_no_fd(void)
{
	struct dma_buf_export_sync_file *arg;
	int fd, free_before, n_before;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	arg = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KT_CHECK(arg != MAP_FAILED, "mmap");
	arg->flags = DMA_BUF_SYNC_RW;
	arg->fd = -1;
	KT_OK(mprotect(arg, PAGE, PROT_READ));
	free_before = lowest_free_fd();
	n_before = count_open_fds();
	KT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, arg), EFAULT);
	KT_CHECK(lowest_free_fd() == free_before && count_open_fds() == n_before,
		 "an fd was installed although the copy to userspace failed");
	close(fd);
	return KT_PASS;
}

static int t_export_sync_file_no_fences_signalled(void)
{
	static const __u32 ok[] = { DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE,
				    DMA_BUF_SYNC_RW };
	unsigned int i;
	int fd, s;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	for (i = 0; i < 3; i++) {
		int st, fl;

		s = buf_export(fd, ok[i]);
		KT_CHECK(s >= 0, "export flags %#x: %s", ok[i], strerror(errno));
		KT_CHECK(poll_fd(s, POLLIN, 0) == POLLIN,
			 "sync file of an idle buffer is not signalled");
		st = sync_file_status(s, NULL);
		KT_CHECK(st == 1, "status %d", st);
		fl = fcntl(s, F_GETFD);
		KT_CHECK(fl >= 0 && (fl & FD_CLOEXEC), "exported fd lacks CLOEXEC");
		close(s);
	}
	close(fd);
	return KT_PASS;
}

static int t_export_sync_file_pending_until_signalled(void)
{
	int fd, tl, s;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	s = buf_export(fd, DMA_BUF_SYNC_READ);
	KT_OK(s);
	KT_CHECK(poll_fd(s, POLLIN, 0) == 0, "signalled before the timeline moved");
	KT_CHECK(sync_file_status(s, NULL) == 0, "status not pending");
	KT_OK(sw_inc(tl, 1));
	KT_CHECK(poll_fd(s, POLLIN, 5000) == POLLIN, "not signalled after inc");
	KT_CHECK(sync_file_status(s, NULL) == 1, "status not signalled");
	close(s);
	close(tl);
	close(fd);
	return KT_PASS;
}

/*
 * A read fence holds back writers only: an export for READ (wait for
 * writers) is signalled at once, an export for WRITE (wait for everyone)
 * is not.
 */
static int t_export_sync_file_read_vs_write(void)
{
	int fd, tl, r, w, rw;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_READ));
	r = buf_export(fd, DMA_BUF_SYNC_READ);
	w = buf_export(fd, DMA_BUF_SYNC_WRITE);
	rw = buf_export(fd, DMA_BUF_SYNC_RW);
	KT_CHECK(r >= 0 && w >= 0 && rw >= 0, "export failed");
	KT_CHECK(sync_file_status(r, NULL) == 1, "READ export waits on a reader");
	KT_CHECK(sync_file_status(w, NULL) == 0, "WRITE export ignores a reader");
	KT_CHECK(sync_file_status(rw, NULL) == 0, "RW export ignores a reader");
	KT_OK(sw_inc(tl, 1));
	KT_CHECK(sync_file_status(w, NULL) == 1 && sync_file_status(rw, NULL) == 1,
		 "not signalled after inc");
	close(r);
	close(w);
	close(rw);
	close(tl);
	close(fd);
	return KT_PASS;
}

static int t_import_sync_file_flags_einval(void)
{
	static const __u32 bad[] = { 0, DMA_BUF_SYNC_END,
		DMA_BUF_SYNC_WRITE | DMA_BUF_SYNC_END, DMA_BUF_SYNC_RW | 0x100,
		0xffffffffu };
	unsigned int i;
	int fd, tl, f, s;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	f = sw_fence(tl, 1);
	KT_OK(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		KT_CHECK(buf_import(fd, f, bad[i]) == -1 && errno == EINVAL,
			 "flags %#x: errno %d (%s), want EINVAL", bad[i], errno,
			 strerror(errno));
	}
	/* Nothing was attached by the refused calls. */
	s = buf_export(fd, DMA_BUF_SYNC_WRITE);
	KT_OK(s);
	KT_CHECK(sync_file_status(s, NULL) == 1, "a refused import attached a fence");
	close(s);
	close(f);
	close(tl);
	close(fd);
	return KT_PASS;
}

static int t_import_non_sync_file_einval(void)
{
	int fd, other, memfd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	other = heap_alloc(PAGE);
	KT_OK(other);
	memfd = memfd_create("not-a-sync-file", MFD_CLOEXEC);
	KT_OK(memfd);
	KT_ERRNO(buf_import(fd, -1, DMA_BUF_SYNC_WRITE), EINVAL);
	KT_ERRNO(buf_import(fd, 1000000, DMA_BUF_SYNC_WRITE), EINVAL);
	KT_ERRNO(buf_import(fd, memfd, DMA_BUF_SYNC_WRITE), EINVAL);
	KT_ERRNO(buf_import(fd, other, DMA_BUF_SYNC_READ), EINVAL);
	KT_ERRNO(buf_import(fd, fd, DMA_BUF_SYNC_RW), EINVAL);
	close(memfd);
	close(other);
	close(fd);
	return KT_PASS;
}

static int t_import_sync_file_bad_pointer_efault(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, NULL), EFAULT);
	KT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, bad_pointer()), EFAULT);
	close(fd);
	return KT_PASS;
}

/* An already signalled sync file may be imported and changes nothing. */
static int t_import_signalled_fence(void)
{
	int fd, tl, f, s;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	f = sw_fence(tl, 1);
	KT_OK(f);
	KT_OK(sw_inc(tl, 1));
	KT_OK(buf_import(fd, f, DMA_BUF_SYNC_WRITE));
	s = buf_export(fd, DMA_BUF_SYNC_WRITE);
	KT_OK(s);
	KT_CHECK(sync_file_status(s, NULL) == 1, "not signalled");
	KT_CHECK(poll_fd(fd, POLLIN | POLLOUT, 0) == (POLLIN | POLLOUT),
		 "poll not ready");
	close(s);
	close(f);
	close(tl);
	close(fd);
	return KT_PASS;
}

/*
 * A merged sync file holds fences of two timelines.  Importing it must add
 * each of them: the export back carries both, and is signalled only after
 * both timelines moved.
 */
static int t_import_merged_adds_each_fence(void)
{
	int fd, tl1, tl2, f1, f2, m, s;
	unsigned int n = 0;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl1 = sw_timeline();
	tl2 = sw_timeline();
	KT_CHECK(tl1 >= 0 && tl2 >= 0, "timelines");
	f1 = sw_fence(tl1, 1);
	f2 = sw_fence(tl2, 1);
	KT_CHECK(f1 >= 0 && f2 >= 0, "fences");
	m = sync_merge(f1, f2);
	KT_OK(m);
	KT_CHECK(sync_file_status(m, &n) == 0 && n == 2, "merged file has %u fences", n);
	close(f1);
	close(f2);
	KT_OK(buf_import(fd, m, DMA_BUF_SYNC_WRITE));
	close(m);

	s = buf_export(fd, DMA_BUF_SYNC_READ);
	KT_OK(s);
	KT_CHECK(sync_file_status(s, &n) == 0, "export not pending");
	KT_CHECK(n == 2, "export carries %u fences, want 2", n);
	close(s);

	KT_OK(sw_inc(tl1, 1));
	s = buf_export(fd, DMA_BUF_SYNC_READ);
	KT_OK(s);
	KT_CHECK(sync_file_status(s, NULL) == 0,
		 "signalled though the second timeline did not move");
	KT_CHECK(poll_fd(fd, POLLIN, 0) == 0, "buffer poll ready too early");
	KT_OK(sw_inc(tl2, 1));
	KT_CHECK(poll_fd(s, POLLIN, 5000) == POLLIN, "export never signalled");
	close(s);
	s = buf_export(fd, DMA_BUF_SYNC_WRITE);
	KT_OK(s);
	KT_CHECK(sync_file_status(s, NULL) == 1, "fresh export not signalled");
	KT_CHECK(poll_fd(fd, POLLIN | POLLOUT, 0) == (POLLIN | POLLOUT),
		 "buffer poll not ready");
	close(s);
	close(tl1);
	close(tl2);
	close(fd);
	return KT_PASS;
}

/* Import as READ, then as WRITE: the exports follow each usage. */
static int t_import_read_then_write(void)
{
	int fd, tl1, tl2, s;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl1 = sw_timeline();
	tl2 = sw_timeline();
	KT_CHECK(tl1 >= 0 && tl2 >= 0, "timelines");
	KT_OK(buf_attach_pending(fd, tl1, 1, DMA_BUF_SYNC_READ));
	KT_OK(buf_attach_pending(fd, tl2, 1, DMA_BUF_SYNC_WRITE));
	/* The writer now blocks readers; everybody blocks writers. */
	s = buf_export(fd, DMA_BUF_SYNC_READ);
	KT_CHECK(s >= 0 && sync_file_status(s, NULL) == 0, "READ export");
	close(s);
	KT_OK(sw_inc(tl2, 1));
	s = buf_export(fd, DMA_BUF_SYNC_READ);
	KT_CHECK(s >= 0 && sync_file_status(s, NULL) == 1,
		 "READ export still waits after the writer signalled");
	close(s);
	s = buf_export(fd, DMA_BUF_SYNC_WRITE);
	KT_CHECK(s >= 0 && sync_file_status(s, NULL) == 0,
		 "WRITE export ignores the pending reader");
	close(s);
	KT_OK(sw_inc(tl1, 1));
	s = buf_export(fd, DMA_BUF_SYNC_WRITE);
	KT_CHECK(s >= 0 && sync_file_status(s, NULL) == 1, "WRITE export");
	close(s);
	close(tl1);
	close(tl2);
	close(fd);
	return KT_PASS;
}

/* ----------------------------------------------------------- llseek */

static int t_llseek_end_and_set(void)
{
	int fd, u = -1;

	NEED_HEAP();
	fd = heap_alloc(5 * PAGE);
	KT_OK(fd);
	KT_CHECK(lseek(fd, 0, SEEK_END) == (off_t)(5 * PAGE), "SEEK_END");
	KT_CHECK(lseek(fd, 0, SEEK_SET) == 0, "SEEK_SET");
	/* The idiom that discovers a size: end, then back to the start. */
	KT_CHECK(lseek(fd, 0, SEEK_END) == (off_t)(5 * PAGE) &&
		 lseek(fd, 0, SEEK_SET) == 0, "idiom");
	if (have_udmabuf()) {
		u = udmabuf_alloc(2 * PAGE, NULL);
		KT_OK(u);
		KT_CHECK(lseek(u, 0, SEEK_END) == (off_t)(2 * PAGE), "udmabuf SEEK_END");
		close(u);
	}
	close(fd);
	return KT_PASS;
}

static int t_llseek_other_einval(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(2 * PAGE);
	KT_OK(fd);
	KT_ERRNO(lseek(fd, 0, SEEK_CUR), EINVAL);
	KT_ERRNO(lseek(fd, 1, SEEK_SET), EINVAL);
	KT_ERRNO(lseek(fd, (off_t)PAGE, SEEK_SET), EINVAL);
	KT_ERRNO(lseek(fd, -1, SEEK_END), EINVAL);
	KT_ERRNO(lseek(fd, 1, SEEK_END), EINVAL);
	KT_ERRNO(lseek(fd, 0, SEEK_DATA), EINVAL);
	KT_ERRNO(lseek(fd, 0, SEEK_HOLE), EINVAL);
	KT_ERRNO(lseek(fd, 0, 42), EINVAL);
	close(fd);
	return KT_PASS;
}

/* SEEK_END reports the size but leaves the file position alone. */
static int t_llseek_keeps_pos_zero(void)
{
	char v[32];
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(lseek(fd, 0, SEEK_END));
	KT_CHECK(fdinfo_field(fd, "pos", v, sizeof(v)) == 0 && !strcmp(v, "0"),
		 "pos '%s'", v);
	close(fd);
	return KT_PASS;
}

/* ------------------------------------------------------ read/write */

static int t_read_write_einval(void)
{
	char b[16] = { 0 };
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_ERRNO(read(fd, b, sizeof(b)), EINVAL);
	KT_ERRNO(write(fd, b, sizeof(b)), EINVAL);
	close(fd);
	return KT_PASS;
}

static int t_pread_pwrite_espipe(void)
{
	char b[16] = { 0 };
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_ERRNO(pread(fd, b, sizeof(b), 0), ESPIPE);
	KT_ERRNO(pwrite(fd, b, sizeof(b), 0), ESPIPE);
	close(fd);
	return KT_PASS;
}

/* ------------------------------------------------------------ mmap */

static int t_mmap_whole_and_offset(void)
{
	unsigned char *all, *second;
	size_t i;
	int fd;

	NEED_HEAP();
	fd = heap_alloc(3 * PAGE);
	KT_OK(fd);
	all = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KT_CHECK(all != MAP_FAILED, "mmap whole: %s", strerror(errno));
	for (i = 0; i < 3 * PAGE; i++)
		all[i] = (unsigned char)(i / PAGE + 1);
	second = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, (off_t)PAGE);
	KT_CHECK(second != MAP_FAILED, "mmap at page 1: %s", strerror(errno));
	KT_CHECK(second[0] == 2 && second[PAGE] == 3,
		 "offset mapping shows %u %u", second[0], second[PAGE]);
	munmap(second, 2 * PAGE);
	second = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)(2 * PAGE));
	KT_CHECK(second != MAP_FAILED, "mmap last page: %s", strerror(errno));
	KT_CHECK(second[PAGE - 1] == 3, "last page shows %u", second[PAGE - 1]);
	munmap(second, PAGE);
	munmap(all, 3 * PAGE);
	close(fd);
	return KT_PASS;
}

static int t_mmap_beyond_size_einval(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(2 * PAGE);
	KT_OK(fd);
	errno = 0;
	KT_CHECK(mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
		 errno == EINVAL, "3 pages of 2: errno %d", errno);
	errno = 0;
	KT_CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)(2 * PAGE)) ==
		 MAP_FAILED && errno == EINVAL, "page 2 of 2: errno %d", errno);
	errno = 0;
	KT_CHECK(mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, (off_t)PAGE) ==
		 MAP_FAILED && errno == EINVAL, "pages 1-2 of 2: errno %d", errno);
	close(fd);
	return KT_PASS;
}

/* Offsets whose page index plus length would wrap must be refused. */
static int t_mmap_offset_overflow_refused(void)
{
	static const unsigned long long offs[] = {
		0x7ffffffffffff000ULL, 0x7fffffffffffe000ULL,
		0xfffff000ULL, 0xffffffff000ULL,
	};
	unsigned int i;
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		void *p;

		errno = 0;
		p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, (off_t)offs[i]);
		KT_CHECK(p == MAP_FAILED, "offset %#llx was mapped", offs[i]);
		KT_CHECK(errno == EINVAL, "offset %#llx: errno %d (%s), want EINVAL",
			 offs[i], errno, strerror(errno));
	}
	close(fd);
	return KT_PASS;
}

/* udmabuf pages are the memfd's pages: writes through either side show. */
static int t_mmap_udmabuf_shares_memfd(void)
{
	unsigned char *m, *d;
	int fd, memfd = -1;

	NEED_UDMABUF();
	fd = udmabuf_alloc(2 * PAGE, &memfd);
	KT_OK(fd);
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	d = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KT_CHECK(m != MAP_FAILED && d != MAP_FAILED, "mmap: %s", strerror(errno));
	m[PAGE + 7] = 0xa5;
	KT_CHECK(d[PAGE + 7] == 0xa5, "dma-buf mapping misses memfd write");
	d[3] = 0x3c;
	KT_CHECK(m[3] == 0x3c, "memfd misses dma-buf write");
	munmap(m, 2 * PAGE);
	munmap(d, 2 * PAGE);
	close(memfd);
	close(fd);
	return KT_PASS;
}

/* ---------------------------------------------------------- fdinfo */

/*
 * The whole text for a fresh, unnamed system-heap buffer: the generic
 * lines procfs prints for every file (pos, flags, mnt_id, ino), then the
 * dma-buf lines size, count and exp_name, and nothing else.
 */
static int t_fdinfo_exact_format(void)
{
	char text[4096], want[512];
	char *p;
	unsigned int mnt;
	int fd;

	NEED_HEAP();
	fd = heap_alloc(2 * PAGE);
	KT_OK(fd);
	KT_OK(fdinfo_text(0, fd, text, sizeof(text)));
	p = strstr(text, "mnt_id:\t");
	KT_CHECK(p && sscanf(p, "mnt_id:\t%u", &mnt) == 1, "no mnt_id in:\n%s", text);
	snprintf(want, sizeof(want),
		 "pos:\t0\nflags:\t02000002\nmnt_id:\t%u\nino:\t%lu\n"
		 "size:\t%zu\ncount:\t1\nexp_name:\tsystem\n",
		 mnt, fd_ino(fd), 2 * PAGE);
	if (strcmp(text, want)) {
		kt_diag("fdinfo text:\n%s", text);
		kt_diag("expected:\n%s", want);
		return KT_FAIL;
	}
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "fmt"));
	KT_OK(fdinfo_text(0, fd, text, sizeof(text)));
	strcat(want, "name:\tfmt\n");
	if (strcmp(text, want)) {
		kt_diag("fdinfo text:\n%s", text);
		kt_diag("expected:\n%s", want);
		return KT_FAIL;
	}
	close(fd);
	return KT_PASS;
}

/* The flags line shows the access mode chosen at export and CLOEXEC. */
static int t_fdinfo_flags_follow_export(void)
{
	char v[32];
	int fd;

	NEED_HEAP();
	fd = heap_alloc_flags(PAGE, O_RDONLY);
	KT_OK(fd);
	KT_CHECK(fdinfo_field(fd, "flags", v, sizeof(v)) == 0 && !strcmp(v, "00"),
		 "O_RDONLY: flags '%s'", v);
	close(fd);
	fd = heap_alloc_flags(PAGE, O_WRONLY | O_CLOEXEC);
	KT_OK(fd);
	KT_CHECK(fdinfo_field(fd, "flags", v, sizeof(v)) == 0 &&
		 !strcmp(v, "02000001"), "O_WRONLY|O_CLOEXEC: flags '%s'", v);
	close(fd);
	return KT_PASS;
}

static int t_fdinfo_count_tracks_references(void)
{
	char v[32];
	void *p;
	int fd, d;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
#define COUNT_IS(n)							\
	KT_CHECK(fdinfo_field(fd, "count", v, sizeof(v)) == 0 &&	\
		 !strcmp(v, #n), "count '%s', want " #n, v)
	COUNT_IS(1);
	d = dup(fd);
	KT_OK(d);
	COUNT_IS(2);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	KT_CHECK(p != MAP_FAILED, "mmap");
	COUNT_IS(3);
	munmap(p, PAGE);
	COUNT_IS(2);
	close(d);
	COUNT_IS(1);
#undef COUNT_IS
	close(fd);
	return KT_PASS;
}

static int t_fdinfo_no_name_line_unnamed(void)
{
	char text[4096];
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(fdinfo_text(0, fd, text, sizeof(text)));
	KT_CHECK(!strstr(text, "\nname:"), "unnamed buffer shows a name:\n%s", text);
	close(fd);
	return KT_PASS;
}

static int t_fd_link_unnamed(void)
{
	char v[64];
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_OK(fd_link(fd, v, sizeof(v)));
	KT_CHECK(!strcmp(v, "/dmabuf:"), "fd link '%s'", v);
	close(fd);
	return KT_PASS;
}

/* bufinfo lists an unnamed buffer with its size, exporter, ino and <none>. */
static int t_bufinfo_lists_buffer(void)
{
	char line[512], want[256];
	int fd, r;

	NEED_HEAP();
	fd = heap_alloc(3 * PAGE);
	KT_OK(fd);
	r = bufinfo_line(fd_ino(fd), line, sizeof(line));
	if (r < 0)
		return kt_skip("no " BUFINFO_PATH " (debugfs)");
	KT_CHECK(r == 0, "ino %lu missing from bufinfo", fd_ino(fd));
	snprintf(want, sizeof(want), "%08zu\t", 3 * PAGE);
	KT_CHECK(!strncmp(line, want, strlen(want)), "line '%s'", line);
	snprintf(want, sizeof(want), "\tsystem\t%08lu\t<none>", fd_ino(fd));
	KT_CHECK(strstr(line, want) != NULL, "line '%s' lacks '%s'", line, want);
	close(fd);
	KT_CHECK(bufinfo_line(fd_ino(fd), line, sizeof(line)) == 1,
		 "released buffer still listed");
	return KT_PASS;
}

/* ----------------------------------------------------- unknown ioctl */

static int t_unknown_ioctl_enotty(void)
{
	static const unsigned long cmds[] = {
		_IO('b', 0), _IOR('b', 0, struct dma_buf_sync),
		_IOW('b', 0, __u32), _IOWR('b', 0, struct dma_buf_sync),
		_IOW('b', 1, __u16), _IOR('b', 1, __u64), _IO('b', 1),
		_IOW('b', 2, struct dma_buf_export_sync_file),
		_IOWR('b', 3, struct dma_buf_import_sync_file),
		_IOWR('b', 4, __u64), _IO('b', 0xff), _IOW('c', 0, __u64),
		0xdeadbeefUL, 0,
	};
	unsigned int i;
	__u64 arg[4] = { 0 };
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		KT_CHECK(ioctl(fd, cmds[i], arg) == -1 && errno == ENOTTY,
			 "cmd %#lx: errno %d (%s), want ENOTTY", cmds[i], errno,
			 strerror(errno));
	}
	close(fd);
	return KT_PASS;
}

/* ------------------------------------------------------------ compat */

#if defined(__x86_64__)
/* Run the -m32 build of this program and relay its KTAP as a subtest. */
static int t_compat32_ioctls(void)
{
	char self[PATH_MAX], path[PATH_MAX + 8], line[1024];
	int pfd[2], status;
	ssize_t n;
	pid_t pid;
	FILE *f;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	KT_CHECK(n > 0, "readlink /proc/self/exe");
	self[n] = 0;
	snprintf(path, sizeof(path), "%s-32", self);
	if (access(path, X_OK))
		return kt_skip("no 32-bit build %s (gcc -m32 / gcc-multilib "
			       "missing on the build host)", path);
	KT_OK(pipe(pfd));
	pid = fork();
	KT_OK(pid);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		setenv("KT_NESTED", "1", 1);
		execl(path, path, (char *)NULL);
		printf("exec failed: %d\n", errno);
		_exit(errno == ENOEXEC ? 126 : 127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (fgets(line, sizeof(line), f))
		printf("    %s", line);
	fclose(f);
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
		return kt_skip("kernel cannot run 32-bit programs "
			       "(CONFIG_IA32_EMULATION off)");
	KT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "32-bit run failed (status %#x)", status);
	return KT_PASS;
}
#endif

static const struct kt_case cases[] = {
	{ "abi_header_values", t_abi_header_values },
	{ "heap_export_basic", t_heap_export_basic },
	{ "udmabuf_export_basic", t_udmabuf_export_basic },
	{ "sync_unknown_flags_einval", t_sync_unknown_flags_einval },
	{ "sync_no_direction_einval", t_sync_no_direction_einval },
	{ "sync_read_start_end", t_sync_read_start_end },
	{ "sync_write_start_end", t_sync_write_start_end },
	{ "sync_rw_start_end", t_sync_rw_start_end },
	{ "sync_bad_pointer_efault", t_sync_bad_pointer_efault },
	{ "set_name_plain", t_set_name_plain },
	{ "set_name_a", t_set_name_a },
	{ "set_name_b", t_set_name_b },
	{ "set_name_31_chars_ok", t_set_name_31_chars_ok },
	{ "set_name_32_chars_einval", t_set_name_32_chars_einval },
	{ "set_name_bad_pointer_efault", t_set_name_bad_pointer_efault },
	{ "set_name_empty", t_set_name_empty },
	{ "set_name_rename_replaces", t_set_name_rename_replaces },
	{ "set_name_while_mmapped", t_set_name_while_mmapped },
	{ "set_name_while_attached", t_set_name_while_attached },
	{ "fd_cloexec_follows_flags", t_fd_cloexec_follows_flags },
	{ "fd_is_the_buffer_file", t_fd_is_the_buffer_file },
	{ "import_closed_fd_ebadf", t_import_closed_fd_ebadf },
	{ "import_non_dmabuf_einval", t_import_non_dmabuf_einval },
	{ "import_keeps_buffer_after_close", t_import_keeps_buffer_after_close },
	{ "export_sync_file_flags_einval", t_export_sync_file_flags_einval },
	{ "export_sync_file_full_fd_table_emfile", t_export_sync_file_full_fd_table_emfile },
	{ "export_sync_file_emfile_before_allocating", t_export_sync_file_emfile_before_allocating },
	{ "export_sync_file_bad_pointer_efault", t_export_sync_file_bad_pointer_efault },
	{ "export_sync_file_readonly_arg_no_fd", t_export_sync_file_readonly_arg_no_fd },
	{ "export_sync_file_no_fences_signalled", t_export_sync_file_no_fences_signalled },
	{ "export_sync_file_pending_until_signalled", t_export_sync_file_pending_until_signalled },
	{ "export_sync_file_read_vs_write", t_export_sync_file_read_vs_write },
	{ "import_sync_file_flags_einval", t_import_sync_file_flags_einval },
	{ "import_non_sync_file_einval", t_import_non_sync_file_einval },
	{ "import_sync_file_bad_pointer_efault", t_import_sync_file_bad_pointer_efault },
	{ "import_signalled_fence", t_import_signalled_fence },
	{ "import_merged_adds_each_fence", t_import_merged_adds_each_fence },
	{ "import_read_then_write", t_import_read_then_write },
	{ "llseek_end_and_set", t_llseek_end_and_set },
	{ "llseek_other_einval", t_llseek_other_einval },
	{ "llseek_keeps_pos_zero", t_llseek_keeps_pos_zero },
	{ "read_write_einval", t_read_write_einval },
	{ "pread_pwrite_espipe", t_pread_pwrite_espipe },
	{ "mmap_whole_and_offset", t_mmap_whole_and_offset },
	{ "mmap_beyond_size_einval", t_mmap_beyond_size_einval },
	{ "mmap_offset_overflow_refused", t_mmap_offset_overflow_refused },
	{ "mmap_udmabuf_shares_memfd", t_mmap_udmabuf_shares_memfd },
	{ "fdinfo_exact_format", t_fdinfo_exact_format },
	{ "fdinfo_flags_follow_export", t_fdinfo_flags_follow_export },
	{ "fdinfo_count_tracks_references", t_fdinfo_count_tracks_references },
	{ "fdinfo_no_name_line_unnamed", t_fdinfo_no_name_line_unnamed },
	{ "fd_link_unnamed", t_fd_link_unnamed },
	{ "bufinfo_lists_buffer", t_bufinfo_lists_buffer },
	{ "unknown_ioctl_enotty", t_unknown_ioctl_enotty },
#if defined(__x86_64__)
	{ "compat32_ioctls", t_compat32_ioctls },
#endif
};

static void setup(void)
{
	tst_mounts();
#if defined(__i386__)
	kt_diag("32-bit build: ioctls go through the kernel's compat path");
#endif
}

int main(void)
{
	return ktap_main(sizeof(void *) == 8 ? "dmabuf-uapi" : "dmabuf-uapi-32",
			 cases, KT_ARRAY_SIZE(cases), setup);
}
