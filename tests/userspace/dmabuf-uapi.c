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
 * The tests run on the kernel's selftest harness (see dmabuf-test.h).  The
 * three SET_NAME encodings share one test, set_name.{plain,a,b}.shown_everywhere;
 * being a fixture's, it runs after the global tests.
 *
 * The same source is built a second time with -m32 (dmabuf-uapi-32, see
 * build-m32.sh); the 64-bit program's compat32_ioctls test runs that binary,
 * relays its TAP indented (KTAP's nesting: each 32-bit result counts as a
 * subtest) and passes when the 32-bit run passed, so the 32-bit compat
 * ioctl path is exercised as well.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include "dmabuf-util.h"

#include <sys/resource.h>
#include <sys/syscall.h>

#define PAGE ((size_t)tst_page_size())

/*
 * The errno a call failed with (it returned -1, or MAP_FAILED), 0 if it
 * did not fail: ASSERT_EQ(EINVAL, CALL_ERRNO(...)) takes a TH_LOG().
 */
#define CALL_ERRNO(expr) ({						\
	errno = 0;							\
	(long)(expr) == -1 ? errno : 0;					\
})

/* ------------------------------------------------------------ ABI */

/* The header under test must describe exactly the 6.1 ABI. */
TEST(abi_header_values)
{
	ASSERT_EQ(1, DMA_BUF_SYNC_READ);
	ASSERT_EQ(2, DMA_BUF_SYNC_WRITE);
	ASSERT_EQ(3, DMA_BUF_SYNC_RW);
	ASSERT_EQ(0, DMA_BUF_SYNC_START);
	ASSERT_EQ(4, DMA_BUF_SYNC_END);
	ASSERT_EQ(7, DMA_BUF_SYNC_VALID_FLAGS_MASK);
	ASSERT_EQ(32, DMA_BUF_NAME_LEN);
	ASSERT_EQ(8, sizeof(struct dma_buf_sync));
	ASSERT_EQ(8, sizeof(struct dma_buf_export_sync_file));
	ASSERT_EQ(0, offsetof(struct dma_buf_export_sync_file, flags));
	ASSERT_EQ(4, offsetof(struct dma_buf_export_sync_file, fd));
	ASSERT_EQ(8, sizeof(struct dma_buf_import_sync_file));
	ASSERT_EQ(0, offsetof(struct dma_buf_import_sync_file, flags));
	ASSERT_EQ(4, offsetof(struct dma_buf_import_sync_file, fd));
	ASSERT_EQ('b', DMA_BUF_BASE);
	ASSERT_EQ(0x40086200UL, DMA_BUF_IOCTL_SYNC);
	ASSERT_EQ(0x40046201UL, DMA_BUF_SET_NAME_A);
	ASSERT_EQ(0x40086201UL, DMA_BUF_SET_NAME_B);
	ASSERT_EQ(sizeof(void *) == 8 ? 0x40086201UL : 0x40046201UL, DMA_BUF_SET_NAME);
	ASSERT_EQ(0xc0086202UL, DMA_BUF_IOCTL_EXPORT_SYNC_FILE);
	ASSERT_EQ(0x40086203UL, DMA_BUF_IOCTL_IMPORT_SYNC_FILE);
}

/* ------------------------------------------------------- exporters */

TEST(heap_export_basic)
{
	char v[64];
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_EQ(0, fdinfo_field(fd, "exp_name", v, sizeof(v)));
	ASSERT_STREQ("system", v);
	ASSERT_EQ(0, fdinfo_field(fd, "size", v, sizeof(v)));
	ASSERT_EQ(PAGE, strtoul(v, NULL, 10)) TH_LOG("fdinfo size '%s'", v);
	close(fd);
}

TEST(udmabuf_export_basic)
{
	char v[64];
	int fd;

	NEED_UDMABUF();
	ASSERT_SYSCALL(fd = udmabuf_alloc(3 * PAGE, NULL));
	ASSERT_EQ(0, fdinfo_field(fd, "exp_name", v, sizeof(v)));
	ASSERT_STREQ("udmabuf", v);
	ASSERT_EQ(0, fdinfo_field(fd, "size", v, sizeof(v)));
	ASSERT_EQ(3 * PAGE, strtoul(v, NULL, 10)) TH_LOG("fdinfo size '%s'", v);
	close(fd);
}

/* ------------------------------------------------------------ SYNC */

TEST(sync_unknown_flags_einval)
{
	static const __u64 bad[] = {
		DMA_BUF_SYNC_READ | 8, DMA_BUF_SYNC_RW | 0x10,
		DMA_BUF_SYNC_WRITE | (1ULL << 32), DMA_BUF_SYNC_READ | (1ULL << 63),
		~0ULL,
	};
	unsigned int i;
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_EQ(EINVAL, CALL_ERRNO(buf_sync(fd, bad[i])))
			TH_LOG("flags %#llx (errno 0: accepted)", (unsigned long long)bad[i]);
	close(fd);
}

TEST(sync_no_direction_einval)
{
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	/* START alone and END alone name no direction. */
	ASSERT_ERRNO(buf_sync(fd, DMA_BUF_SYNC_START), EINVAL);
	ASSERT_ERRNO(buf_sync(fd, DMA_BUF_SYNC_END), EINVAL);
	close(fd);
}

static void sync_dir(struct __test_metadata *_metadata, __u64 dir)
{
	unsigned char *p;
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(2 * PAGE));
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(p != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	ASSERT_SYSCALL(buf_sync(fd, DMA_BUF_SYNC_START | dir));
	if (dir & DMA_BUF_SYNC_WRITE)
		memset(p, 0x5a, 2 * PAGE);
	if (dir & DMA_BUF_SYNC_READ)
		ASSERT_EQ(dir & DMA_BUF_SYNC_WRITE ? 0x5a : 0, p[0]) TH_LOG("content");
	ASSERT_SYSCALL(buf_sync(fd, DMA_BUF_SYNC_END | dir));
	/* Nesting and unbalanced END are the exporter's business; the
	 * core passes them on, and the system heap accepts both. */
	ASSERT_SYSCALL(buf_sync(fd, DMA_BUF_SYNC_END | dir));
	munmap(p, 2 * PAGE);
	close(fd);
}

TEST(sync_read_start_end)  { sync_dir(_metadata, DMA_BUF_SYNC_READ); }
TEST(sync_write_start_end) { sync_dir(_metadata, DMA_BUF_SYNC_WRITE); }
TEST(sync_rw_start_end)    { sync_dir(_metadata, DMA_BUF_SYNC_RW); }

TEST(sync_bad_pointer_efault)
{
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_SYNC, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_SYNC, bad_pointer()), EFAULT);
	close(fd);
}

/* -------------------------------------------------------- SET_NAME */

/* The buffer's name as fdinfo, the fd link and (if readable) bufinfo show it. */
static void check_name_everywhere(struct __test_metadata *_metadata, int fd,
				  const char *name)
{
	char v[128], want[128], line[512];
	size_t ll, nl;
	int r;

	ASSERT_EQ(0, fdinfo_field(fd, "name", v, sizeof(v)))
		TH_LOG("no name line in fdinfo");
	ASSERT_STREQ(name, v) TH_LOG("fdinfo name");
	ASSERT_SYSCALL(fd_link(fd, v, sizeof(v)));
	snprintf(want, sizeof(want), "/dmabuf:%s", name);
	ASSERT_STREQ(want, v) TH_LOG("fd link");
	r = bufinfo_line(fd_ino(fd), line, sizeof(line));
	if (r < 0)
		return;	/* no debugfs: bufinfo is not compared */
	ASSERT_EQ(0, r) TH_LOG("ino %lu not in bufinfo", fd_ino(fd));
	ll = strlen(line);
	nl = strlen(name);
	ASSERT_TRUE(ll > nl && line[ll - nl - 1] == '\t' && !strcmp(line + ll - nl, name))
		TH_LOG("bufinfo line '%s' does not end in name '%s'", line, name);
}

/* The three encodings of SET_NAME: the native one, _A (u32) and _B (u64). */
FIXTURE(set_name) {
	int fd;
};

FIXTURE_VARIANT(set_name) {
	unsigned long cmd;
	const char *name;
};

FIXTURE_VARIANT_ADD(set_name, plain) {
	.cmd = DMA_BUF_SET_NAME,
	.name = "plain-name",
};

FIXTURE_VARIANT_ADD(set_name, a) {
	.cmd = DMA_BUF_SET_NAME_A,
	.name = "name-a",
};

FIXTURE_VARIANT_ADD(set_name, b) {
	.cmd = DMA_BUF_SET_NAME_B,
	.name = "name-b",
};

/* No SKIP() here: 6.1's harness would run the test after a skipped setup. */
FIXTURE_SETUP(set_name)
{
	self->fd = -1;
}

FIXTURE_TEARDOWN(set_name)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(set_name, shown_everywhere)
{
	NEED_HEAP();
	ASSERT_SYSCALL(self->fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(ioctl(self->fd, variant->cmd, variant->name));
	check_name_everywhere(_metadata, self->fd, variant->name);
}

TEST(set_name_31_chars_ok)
{
	char name[32];
	int fd;

	NEED_HEAP();
	memset(name, 'n', 31);
	name[31] = 0;
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, name));
	check_name_everywhere(_metadata, fd, name);
	close(fd);
}

TEST(set_name_32_chars_einval)
{
	char name[200], v[64];
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "before"));
	memset(name, 'm', sizeof(name));
	name[32] = 0;
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME, name), EINVAL);
	name[32] = 'm';
	name[199] = 0;
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME_A, name), EINVAL);
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME_B, name), EINVAL);
	/* A refused name leaves the old one in place. */
	ASSERT_EQ(0, fdinfo_field(fd, "name", v, sizeof(v)));
	ASSERT_STREQ("before", v) TH_LOG("name after the refused renames");
	close(fd);
}

TEST(set_name_bad_pointer_efault)
{
	char *page, v[64];
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME_B, bad_pointer()), EFAULT);
	/* A string running into an unmapped page without its terminator. */
	page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(page != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	ASSERT_SYSCALL(mprotect(page + PAGE, PAGE, PROT_NONE));
	memset(page + PAGE - 5, 'x', 5);
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_SET_NAME, page + PAGE - 5), EFAULT);
	ASSERT_NE(0, fdinfo_field(fd, "name", v, sizeof(v)))
		TH_LOG("a failed rename left name '%s'", v);
	close(fd);
}

/* The empty string is a name too: fdinfo prints an empty name line. */
TEST(set_name_empty)
{
	char v[64];
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "x"));
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, ""));
	ASSERT_EQ(0, fdinfo_field(fd, "name", v, sizeof(v)))
		TH_LOG("no name line in fdinfo");
	ASSERT_STREQ("", v) TH_LOG("fdinfo name");
	ASSERT_SYSCALL(fd_link(fd, v, sizeof(v)));
	ASSERT_STREQ("/dmabuf:", v) TH_LOG("fd link");
	close(fd);
}

TEST(set_name_rename_replaces)
{
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "first-name-long"));
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "second"));
	check_name_everywhere(_metadata, fd, "second");
	close(fd);
}

TEST(set_name_while_mmapped)
{
	void *p;
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(p != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "mapped"));
	check_name_everywhere(_metadata, fd, "mapped");
	munmap(p, PAGE);
	close(fd);
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

TEST(set_name_while_attached)
{
	struct tst_drm_prime_handle h;
	char line[512];
	int fd, drm;

	NEED_HEAP();
	drm = vgem_open();
	if (drm < 0)
		SKIP(return, "no vgem DRM device (CONFIG_DRM_VGEM module not loaded)");
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	memset(&h, 0, sizeof(h));
	h.fd = fd;
	ASSERT_SYSCALL(ioctl(drm, TST_DRM_IOCTL_PRIME_FD_TO_HANDLE, &h));
	if (bufinfo_line(fd_ino(fd), line, sizeof(line)) == 0)
		ksft_print_msg("attached: %s\n", line);
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "attached"));
	check_name_everywhere(_metadata, fd, "attached");
	close(drm);
	close(fd);
}

/*
 * ----------------------------------------------- descriptors and lookups
 *
 * dma_buf_fd() and dma_buf_get() as userspace reaches them: the heap hands
 * out descriptors (dma_buf_fd_install() in 6.1.192), vgem's PRIME import
 * looks them up.  (The KUnit suites leave descriptors to these tests.)
 */

/* The descriptor's close-on-exec flag is the one the allocation asked for. */
TEST(fd_cloexec_follows_flags)
{
	int with, without, fw, fo;

	NEED_HEAP();
	ASSERT_SYSCALL(with = heap_alloc_flags(PAGE, O_RDWR | O_CLOEXEC));
	ASSERT_SYSCALL(without = heap_alloc_flags(PAGE, O_RDWR));
	ASSERT_SYSCALL(fw = fcntl(with, F_GETFD));
	ASSERT_SYSCALL(fo = fcntl(without, F_GETFD));
	ASSERT_EQ(FD_CLOEXEC, fw & FD_CLOEXEC) TH_LOG("O_CLOEXEC: FD_CLOEXEC not set");
	ASSERT_EQ(0, fo & FD_CLOEXEC) TH_LOG("no O_CLOEXEC: FD_CLOEXEC set");
	close(with);
	close(without);
}

/* The descriptor is the buffer's file: fstat, fdinfo and bufinfo agree. */
TEST(fd_is_the_buffer_file)
{
	char v[64] = "", line[512];
	unsigned long ino;
	int fd, r;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_NE(0, ino) TH_LOG("fstat: %s", strerror(errno));
	ASSERT_EQ(0, fdinfo_field(fd, "ino", v, sizeof(v)));
	ASSERT_EQ(ino, strtoul(v, NULL, 10)) TH_LOG("fdinfo ino '%s', fstat %lu", v, ino);
	r = bufinfo_line(ino, line, sizeof(line));
	if (r < 0) {
		ksft_print_msg("bufinfo unreadable: not compared\n");
	} else {
		ASSERT_EQ(0, r) TH_LOG("buffer %lu not in bufinfo", ino);
	}
	close(fd);
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
			SKIP(return, "no vgem DRM device (CONFIG_DRM_VGEM)"); \
	} while (0)

/* Looking up a closed or impossible descriptor: EBADF. */
TEST(import_closed_fd_ebadf)
{
	int drm, fd;

	NEED_HEAP();
	NEED_VGEM(drm);
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	close(fd);
	ASSERT_ERRNO(vgem_import(drm, fd), EBADF);
	ASSERT_ERRNO(vgem_import(drm, -1), EBADF);
	close(drm);
}

/* Looking up a descriptor of another kind of file: EINVAL. */
TEST(import_non_dmabuf_einval)
{
	int drm, memfd;

	NEED_VGEM(drm);
	ASSERT_SYSCALL(memfd = memfd_create("not-a-dma-buf", MFD_CLOEXEC));
	ASSERT_ERRNO(vgem_import(drm, memfd), EINVAL);
	close(memfd);
	close(drm);
}

/*
 * A looked-up buffer outlives the descriptor: still listed once its only
 * fd is closed, released when the importer lets go.
 */
TEST(import_keeps_buffer_after_close)
{
	char line[512];
	unsigned long ino;
	int drm, fd, r, i;

	NEED_HEAP();
	NEED_VGEM(drm);
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_SYSCALL(vgem_import(drm, fd));
	close(fd);
	r = bufinfo_line(ino, line, sizeof(line));
	if (r < 0) {
		close(drm);
		SKIP(return, "bufinfo unreadable (debugfs)");
	}
	ASSERT_EQ(0, r) TH_LOG("buffer %lu gone after close, though imported", ino);
	close(drm);
	for (i = 0; i < 200 && bufinfo_line(ino, line, sizeof(line)) == 0; i++)
		usleep(10000);
	ASSERT_EQ(1, bufinfo_line(ino, line, sizeof(line)))
		TH_LOG("buffer %lu still listed 2 s after the importer closed", ino);
}

/* ------------------------------------------- sync_file export/import */

TEST(export_sync_file_flags_einval)
{
	static const __u32 bad[] = { 0, DMA_BUF_SYNC_END,
		DMA_BUF_SYNC_READ | DMA_BUF_SYNC_END, DMA_BUF_SYNC_RW | 8,
		DMA_BUF_SYNC_WRITE | 0x80000000u, 0xffffffffu };
	unsigned int i;
	int fd, before;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	before = count_open_fds();
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_EQ(EINVAL, CALL_ERRNO(buf_export(fd, bad[i])))
			TH_LOG("flags %#x (errno 0: accepted)", bad[i]);
	ASSERT_EQ(before, count_open_fds()) TH_LOG("a refused export leaked an fd");
	close(fd);
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
TEST(export_sync_file_full_fd_table_emfile)
{
	struct rlimit saved;
	int fd, err;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(fill_fd_table(&saved));
	err = CALL_ERRNO(buf_export(fd, DMA_BUF_SYNC_RW));
	setrlimit(RLIMIT_NOFILE, &saved);
	ASSERT_EQ(EMFILE, err) TH_LOG("export with a full table: %s (errno 0: it succeeded)",
				      strerror(err));
	close(fd);
}

/*
 * 6.1 reserves the descriptor before anything else: with a full table the
 * export fails with EMFILE before a single allocation, so an allocation
 * failure armed for it is neither hit nor able to change the errno.
 */
TEST(export_sync_file_emfile_before_allocating)
{
	struct rlimit saved;
	int fd, nth, err, injected;

	NEED_HEAP();
	if (fail_nth_setup())
		SKIP(return, "no fault injection (CONFIG_FAILSLAB, FAULT_INJECTION_DEBUG_FS)");
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(nth = fail_nth_open());
	ASSERT_SYSCALL(fill_fd_table(&saved));
	ASSERT_SYSCALL(fail_nth_arm_fd(nth, 1));
	err = CALL_ERRNO(buf_export(fd, DMA_BUF_SYNC_RW));
	injected = fail_nth_disarm_fd(nth);
	setrlimit(RLIMIT_NOFILE, &saved);
	close(nth);
	ASSERT_EQ(EMFILE, err) TH_LOG("export with a full table: %s (errno 0: it succeeded)",
				      strerror(err));
	ASSERT_FALSE(injected) TH_LOG("an allocation was attempted before EMFILE");
	close(fd);
}

TEST(export_sync_file_bad_pointer_efault)
{
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, bad_pointer()), EFAULT);
	close(fd);
}

/*
 * The argument is readable but not writable: the copy back fails, and no
 * descriptor may have been published in the table meanwhile.
 */
TEST(export_sync_file_readonly_arg_no_fd)
{
	struct dma_buf_export_sync_file *arg;
	int fd, free_before, n_before;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	arg = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(arg != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	arg->flags = DMA_BUF_SYNC_RW;
	arg->fd = -1;
	ASSERT_SYSCALL(mprotect(arg, PAGE, PROT_READ));
	free_before = lowest_free_fd();
	n_before = count_open_fds();
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, arg), EFAULT);
	ASSERT_EQ(free_before, lowest_free_fd())
		TH_LOG("an fd was installed although the copy to userspace failed");
	ASSERT_EQ(n_before, count_open_fds())
		TH_LOG("an fd was installed although the copy to userspace failed");
	close(fd);
}

TEST(export_sync_file_no_fences_signalled)
{
	static const __u32 ok[] = { DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE,
				    DMA_BUF_SYNC_RW };
	unsigned int i;
	int fd, s, fl;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		s = buf_export(fd, ok[i]);
		ASSERT_NE(-1, s) TH_LOG("export flags %#x: %s", ok[i], strerror(errno));
		ASSERT_EQ(POLLIN, poll_fd(s, POLLIN, 0))
			TH_LOG("sync file of an idle buffer is not signalled");
		ASSERT_EQ(1, sync_file_status(s, NULL)) TH_LOG("sync file status");
		ASSERT_SYSCALL(fl = fcntl(s, F_GETFD));
		ASSERT_EQ(FD_CLOEXEC, fl & FD_CLOEXEC) TH_LOG("exported fd lacks CLOEXEC");
		close(s);
	}
	close(fd);
}

TEST(export_sync_file_pending_until_signalled)
{
	int fd, tl, s;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, poll_fd(s, POLLIN, 0)) TH_LOG("signalled before the timeline moved");
	ASSERT_EQ(0, sync_file_status(s, NULL)) TH_LOG("status not pending");
	ASSERT_SYSCALL(sw_inc(tl, 1));
	ASSERT_EQ(POLLIN, poll_fd(s, POLLIN, 5000)) TH_LOG("not signalled after inc");
	ASSERT_EQ(1, sync_file_status(s, NULL)) TH_LOG("status not signalled");
	close(s);
	close(tl);
	close(fd);
}

/*
 * A read fence holds back writers only: an export for READ (wait for
 * writers) is signalled at once, an export for WRITE (wait for everyone)
 * is not.
 */
TEST(export_sync_file_read_vs_write)
{
	int fd, tl, r, w, rw;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_READ));
	ASSERT_SYSCALL(r = buf_export(fd, DMA_BUF_SYNC_READ));
	ASSERT_SYSCALL(w = buf_export(fd, DMA_BUF_SYNC_WRITE));
	ASSERT_SYSCALL(rw = buf_export(fd, DMA_BUF_SYNC_RW));
	ASSERT_EQ(1, sync_file_status(r, NULL)) TH_LOG("READ export waits on a reader");
	ASSERT_EQ(0, sync_file_status(w, NULL)) TH_LOG("WRITE export ignores a reader");
	ASSERT_EQ(0, sync_file_status(rw, NULL)) TH_LOG("RW export ignores a reader");
	ASSERT_SYSCALL(sw_inc(tl, 1));
	ASSERT_EQ(1, sync_file_status(w, NULL)) TH_LOG("WRITE export not signalled after inc");
	ASSERT_EQ(1, sync_file_status(rw, NULL)) TH_LOG("RW export not signalled after inc");
	close(r);
	close(w);
	close(rw);
	close(tl);
	close(fd);
}

TEST(import_sync_file_flags_einval)
{
	static const __u32 bad[] = { 0, DMA_BUF_SYNC_END,
		DMA_BUF_SYNC_WRITE | DMA_BUF_SYNC_END, DMA_BUF_SYNC_RW | 0x100,
		0xffffffffu };
	unsigned int i;
	int fd, tl, f, s;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(f = sw_fence(tl, 1));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_EQ(EINVAL, CALL_ERRNO(buf_import(fd, f, bad[i])))
			TH_LOG("flags %#x (errno 0: accepted)", bad[i]);
	/* Nothing was attached by the refused calls. */
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(1, sync_file_status(s, NULL)) TH_LOG("a refused import attached a fence");
	close(s);
	close(f);
	close(tl);
	close(fd);
}

TEST(import_non_sync_file_einval)
{
	int fd, other, memfd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(other = heap_alloc(PAGE));
	ASSERT_SYSCALL(memfd = memfd_create("not-a-sync-file", MFD_CLOEXEC));
	ASSERT_ERRNO(buf_import(fd, -1, DMA_BUF_SYNC_WRITE), EINVAL);
	ASSERT_ERRNO(buf_import(fd, 1000000, DMA_BUF_SYNC_WRITE), EINVAL);
	ASSERT_ERRNO(buf_import(fd, memfd, DMA_BUF_SYNC_WRITE), EINVAL);
	ASSERT_ERRNO(buf_import(fd, other, DMA_BUF_SYNC_READ), EINVAL);
	ASSERT_ERRNO(buf_import(fd, fd, DMA_BUF_SYNC_RW), EINVAL);
	close(memfd);
	close(other);
	close(fd);
}

TEST(import_sync_file_bad_pointer_efault)
{
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, bad_pointer()), EFAULT);
	close(fd);
}

/* An already signalled sync file may be imported and changes nothing. */
TEST(import_signalled_fence)
{
	int fd, tl, f, s;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(f = sw_fence(tl, 1));
	ASSERT_SYSCALL(sw_inc(tl, 1));
	ASSERT_SYSCALL(buf_import(fd, f, DMA_BUF_SYNC_WRITE));
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(1, sync_file_status(s, NULL)) TH_LOG("not signalled");
	ASSERT_EQ(POLLIN | POLLOUT, poll_fd(fd, POLLIN | POLLOUT, 0)) TH_LOG("poll not ready");
	close(s);
	close(f);
	close(tl);
	close(fd);
}

/*
 * A merged sync file holds fences of two timelines.  Importing it must add
 * each of them: the export back carries both, and is signalled only after
 * both timelines moved.
 */
TEST(import_merged_adds_each_fence)
{
	int fd, tl1, tl2, f1, f2, m, s;
	unsigned int n = 0;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl1 = sw_timeline());
	ASSERT_SYSCALL(tl2 = sw_timeline());
	ASSERT_SYSCALL(f1 = sw_fence(tl1, 1));
	ASSERT_SYSCALL(f2 = sw_fence(tl2, 1));
	ASSERT_SYSCALL(m = sync_merge(f1, f2));
	ASSERT_EQ(0, sync_file_status(m, &n)) TH_LOG("merged file not pending");
	ASSERT_EQ(2, n) TH_LOG("fences in the merged file");
	close(f1);
	close(f2);
	ASSERT_SYSCALL(buf_import(fd, m, DMA_BUF_SYNC_WRITE));
	close(m);

	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, sync_file_status(s, &n)) TH_LOG("export not pending");
	ASSERT_EQ(2, n) TH_LOG("fences the export carries");
	close(s);

	ASSERT_SYSCALL(sw_inc(tl1, 1));
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, sync_file_status(s, NULL))
		TH_LOG("signalled though the second timeline did not move");
	ASSERT_EQ(0, poll_fd(fd, POLLIN, 0)) TH_LOG("buffer poll ready too early");
	ASSERT_SYSCALL(sw_inc(tl2, 1));
	ASSERT_EQ(POLLIN, poll_fd(s, POLLIN, 5000)) TH_LOG("export never signalled");
	close(s);
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(1, sync_file_status(s, NULL)) TH_LOG("fresh export not signalled");
	ASSERT_EQ(POLLIN | POLLOUT, poll_fd(fd, POLLIN | POLLOUT, 0))
		TH_LOG("buffer poll not ready");
	close(s);
	close(tl1);
	close(tl2);
	close(fd);
}

/* Import as READ, then as WRITE: the exports follow each usage. */
TEST(import_read_then_write)
{
	int fd, tl1, tl2, s;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl1 = sw_timeline());
	ASSERT_SYSCALL(tl2 = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl1, 1, DMA_BUF_SYNC_READ));
	ASSERT_SYSCALL(buf_attach_pending(fd, tl2, 1, DMA_BUF_SYNC_WRITE));
	/* The writer now blocks readers; everybody blocks writers. */
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, sync_file_status(s, NULL)) TH_LOG("READ export ignores the pending writer");
	close(s);
	ASSERT_SYSCALL(sw_inc(tl2, 1));
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_READ));
	ASSERT_EQ(1, sync_file_status(s, NULL))
		TH_LOG("READ export still waits after the writer signalled");
	close(s);
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, sync_file_status(s, NULL)) TH_LOG("WRITE export ignores the pending reader");
	close(s);
	ASSERT_SYSCALL(sw_inc(tl1, 1));
	ASSERT_SYSCALL(s = buf_export(fd, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(1, sync_file_status(s, NULL)) TH_LOG("WRITE export");
	close(s);
	close(tl1);
	close(tl2);
	close(fd);
}

/* ----------------------------------------------------------- llseek */

TEST(llseek_end_and_set)
{
	int fd, u;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(5 * PAGE));
	ASSERT_EQ((off_t)(5 * PAGE), lseek(fd, 0, SEEK_END));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	/* The idiom that discovers a size: end, then back to the start. */
	ASSERT_EQ((off_t)(5 * PAGE), lseek(fd, 0, SEEK_END)) TH_LOG("idiom");
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET)) TH_LOG("idiom");
	if (have_udmabuf()) {
		ASSERT_SYSCALL(u = udmabuf_alloc(2 * PAGE, NULL));
		ASSERT_EQ((off_t)(2 * PAGE), lseek(u, 0, SEEK_END)) TH_LOG("udmabuf SEEK_END");
		close(u);
	}
	close(fd);
}

TEST(llseek_other_einval)
{
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(2 * PAGE));
	ASSERT_ERRNO(lseek(fd, 0, SEEK_CUR), EINVAL);
	ASSERT_ERRNO(lseek(fd, 1, SEEK_SET), EINVAL);
	ASSERT_ERRNO(lseek(fd, (off_t)PAGE, SEEK_SET), EINVAL);
	ASSERT_ERRNO(lseek(fd, -1, SEEK_END), EINVAL);
	ASSERT_ERRNO(lseek(fd, 1, SEEK_END), EINVAL);
	ASSERT_ERRNO(lseek(fd, 0, SEEK_DATA), EINVAL);
	ASSERT_ERRNO(lseek(fd, 0, SEEK_HOLE), EINVAL);
	ASSERT_ERRNO(lseek(fd, 0, 42), EINVAL);
	close(fd);
}

/* SEEK_END reports the size but leaves the file position alone. */
TEST(llseek_keeps_pos_zero)
{
	char v[32];
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(lseek(fd, 0, SEEK_END));
	ASSERT_EQ(0, fdinfo_field(fd, "pos", v, sizeof(v)));
	ASSERT_STREQ("0", v) TH_LOG("fdinfo pos");
	close(fd);
}

/* ------------------------------------------------------ read/write */

TEST(read_write_einval)
{
	char b[16] = { 0 };
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_ERRNO(read(fd, b, sizeof(b)), EINVAL);
	ASSERT_ERRNO(write(fd, b, sizeof(b)), EINVAL);
	close(fd);
}

TEST(pread_pwrite_espipe)
{
	char b[16] = { 0 };
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_ERRNO(pread(fd, b, sizeof(b), 0), ESPIPE);
	ASSERT_ERRNO(pwrite(fd, b, sizeof(b), 0), ESPIPE);
	close(fd);
}

/* ------------------------------------------------------------ mmap */

TEST(mmap_whole_and_offset)
{
	unsigned char *all, *second;
	size_t i;
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(3 * PAGE));
	all = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(all != MAP_FAILED) TH_LOG("mmap whole: %s", strerror(errno));
	for (i = 0; i < 3 * PAGE; i++)
		all[i] = (unsigned char)(i / PAGE + 1);
	second = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, (off_t)PAGE);
	ASSERT_TRUE(second != MAP_FAILED) TH_LOG("mmap at page 1: %s", strerror(errno));
	ASSERT_EQ(2, second[0]) TH_LOG("first page of the offset mapping");
	ASSERT_EQ(3, second[PAGE]) TH_LOG("second page of the offset mapping");
	munmap(second, 2 * PAGE);
	second = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)(2 * PAGE));
	ASSERT_TRUE(second != MAP_FAILED) TH_LOG("mmap last page: %s", strerror(errno));
	ASSERT_EQ(3, second[PAGE - 1]) TH_LOG("last page");
	munmap(second, PAGE);
	munmap(all, 3 * PAGE);
	close(fd);
}

TEST(mmap_beyond_size_einval)
{
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(2 * PAGE));
	ASSERT_EQ(EINVAL, CALL_ERRNO(mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0)))
		TH_LOG("3 pages of 2 (errno 0: mapped)");
	ASSERT_EQ(EINVAL, CALL_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd,
					  (off_t)(2 * PAGE))))
		TH_LOG("page 2 of 2 (errno 0: mapped)");
	ASSERT_EQ(EINVAL, CALL_ERRNO(mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd,
					  (off_t)PAGE)))
		TH_LOG("pages 1-2 of 2 (errno 0: mapped)");
	close(fd);
}

/* Offsets whose page index plus length would wrap must be refused. */
TEST(mmap_offset_overflow_refused)
{
	static const unsigned long long offs[] = {
		0x7ffffffffffff000ULL, 0x7fffffffffffe000ULL,
		0xfffff000ULL, 0xffffffff000ULL,
	};
	unsigned int i;
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	for (i = 0; i < ARRAY_SIZE(offs); i++)
		ASSERT_EQ(EINVAL, CALL_ERRNO(mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED,
						  fd, (off_t)offs[i])))
			TH_LOG("offset %#llx (errno 0: it was mapped)", offs[i]);
	close(fd);
}

/* udmabuf pages are the memfd's pages: writes through either side show. */
TEST(mmap_udmabuf_shares_memfd)
{
	unsigned char *m, *d;
	int fd, memfd = -1;

	NEED_UDMABUF();
	ASSERT_SYSCALL(fd = udmabuf_alloc(2 * PAGE, &memfd));
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_TRUE(m != MAP_FAILED) TH_LOG("mmap of the memfd: %s", strerror(errno));
	d = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(d != MAP_FAILED) TH_LOG("mmap of the dma-buf: %s", strerror(errno));
	m[PAGE + 7] = 0xa5;
	ASSERT_EQ(0xa5, d[PAGE + 7]) TH_LOG("dma-buf mapping misses memfd write");
	d[3] = 0x3c;
	ASSERT_EQ(0x3c, m[3]) TH_LOG("memfd misses dma-buf write");
	munmap(m, 2 * PAGE);
	munmap(d, 2 * PAGE);
	close(memfd);
	close(fd);
}

/* ---------------------------------------------------------- fdinfo */

/*
 * The whole text for a fresh, unnamed system-heap buffer: the generic
 * lines procfs prints for every file (pos, flags, mnt_id, ino), then the
 * dma-buf lines size, count and exp_name, and nothing else.
 */
TEST(fdinfo_exact_format)
{
	char text[4096], want[512];
	unsigned int mnt;
	char *p;
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(2 * PAGE));
	ASSERT_SYSCALL(fdinfo_text(0, fd, text, sizeof(text)));
	p = strstr(text, "mnt_id:\t");
	ASSERT_TRUE(p && sscanf(p, "mnt_id:\t%u", &mnt) == 1) TH_LOG("no mnt_id in:\n%s", text);
	snprintf(want, sizeof(want),
		 "pos:\t0\nflags:\t02000002\nmnt_id:\t%u\nino:\t%lu\n"
		 "size:\t%zu\ncount:\t1\nexp_name:\tsystem\n",
		 mnt, fd_ino(fd), 2 * PAGE);
	ASSERT_STREQ(want, text) TH_LOG("fdinfo text of an unnamed buffer");
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "fmt"));
	ASSERT_SYSCALL(fdinfo_text(0, fd, text, sizeof(text)));
	strcat(want, "name:\tfmt\n");
	ASSERT_STREQ(want, text) TH_LOG("fdinfo text of a named buffer");
	close(fd);
}

/* The flags line shows the access mode chosen at export and CLOEXEC. */
TEST(fdinfo_flags_follow_export)
{
	char v[32];
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc_flags(PAGE, O_RDONLY));
	ASSERT_EQ(0, fdinfo_field(fd, "flags", v, sizeof(v)));
	ASSERT_STREQ("00", v) TH_LOG("O_RDONLY: fdinfo flags");
	close(fd);
	ASSERT_SYSCALL(fd = heap_alloc_flags(PAGE, O_WRONLY | O_CLOEXEC));
	ASSERT_EQ(0, fdinfo_field(fd, "flags", v, sizeof(v)));
	ASSERT_STREQ("02000001", v) TH_LOG("O_WRONLY|O_CLOEXEC: fdinfo flags");
	close(fd);
}

TEST(fdinfo_count_tracks_references)
{
	char v[32];
	void *p;
	int fd, d;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
#define COUNT_IS(n)							\
	do {								\
		ASSERT_EQ(0, fdinfo_field(fd, "count", v, sizeof(v)));	\
		ASSERT_STREQ(#n, v) TH_LOG("fdinfo count");		\
	} while (0)
	COUNT_IS(1);
	ASSERT_SYSCALL(d = dup(fd));
	COUNT_IS(2);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_TRUE(p != MAP_FAILED) TH_LOG("mmap: %s", strerror(errno));
	COUNT_IS(3);
	munmap(p, PAGE);
	COUNT_IS(2);
	close(d);
	COUNT_IS(1);
#undef COUNT_IS
	close(fd);
}

TEST(fdinfo_no_name_line_unnamed)
{
	char text[4096];
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(fdinfo_text(0, fd, text, sizeof(text)));
	ASSERT_TRUE(strstr(text, "\nname:") == NULL)
		TH_LOG("unnamed buffer shows a name:\n%s", text);
	close(fd);
}

TEST(fd_link_unnamed)
{
	char v[64];
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(fd_link(fd, v, sizeof(v)));
	ASSERT_STREQ("/dmabuf:", v) TH_LOG("fd link");
	close(fd);
}

/* bufinfo lists an unnamed buffer with its size, exporter, ino and <none>. */
TEST(bufinfo_lists_buffer)
{
	char line[512], want[256];
	int fd, r;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(3 * PAGE));
	r = bufinfo_line(fd_ino(fd), line, sizeof(line));
	if (r < 0)
		SKIP(return, "no " BUFINFO_PATH " (debugfs)");
	ASSERT_EQ(0, r) TH_LOG("ino %lu missing from bufinfo", fd_ino(fd));
	snprintf(want, sizeof(want), "%08zu\t", 3 * PAGE);
	ASSERT_EQ(0, strncmp(line, want, strlen(want)))
		TH_LOG("line '%s' does not start with '%s'", line, want);
	snprintf(want, sizeof(want), "\tsystem\t%08lu\t<none>", fd_ino(fd));
	ASSERT_TRUE(strstr(line, want) != NULL) TH_LOG("line '%s' lacks '%s'", line, want);
	close(fd);
	ASSERT_EQ(1, bufinfo_line(fd_ino(fd), line, sizeof(line)))
		TH_LOG("released buffer still listed");
}

/* ----------------------------------------------------- unknown ioctl */

TEST(unknown_ioctl_enotty)
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
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		ASSERT_EQ(ENOTTY, CALL_ERRNO(ioctl(fd, cmds[i], arg)))
			TH_LOG("cmd %#lx (errno 0: accepted)", cmds[i]);
	close(fd);
}

/* ------------------------------------------------------------ compat */

#if defined(__x86_64__)
/*
 * Run the -m32 build of this program, <this program>-32, and relay its TAP
 * as "# 32-bit: " diagnostics; its exit status is 0 when no test of it
 * failed.  Exit status 126 from the child: the kernel cannot exec it.
 */
TEST(compat32_ioctls)
{
	char self[PATH_MAX], path[PATH_MAX + 8], line[4096];
	int pfd[2], status, relayed;
	ssize_t n;
	pid_t pid;
	FILE *f;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_LT(0, n) TH_LOG("readlink /proc/self/exe: %s", strerror(errno));
	self[n] = 0;
	snprintf(path, sizeof(path), "%s-32", self);
	if (access(path, X_OK))
		SKIP(return, "no 32-bit build %.900s (gcc -m32 / gcc-multilib missing on "
		     "the build host)", path);
	ksft_print_msg("running %s: its ioctls go through the kernel's compat path\n", path);
	ASSERT_SYSCALL(pipe2(pfd, O_CLOEXEC));
	ASSERT_SYSCALL(pid = fork());
	if (pid == 0) {
		int err;

		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execl(path, path, (char *)NULL);
		err = errno;
		dprintf(1, "exec failed: %s\n", strerror(err));
		_exit(err == ENOEXEC ? 126 : 127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	relayed = f != NULL;
	/* its TAP, indented: KTAP's nesting, so each 32-bit result counts */
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		printf("    %s\n", line);
	}
	if (f)
		fclose(f);
	else
		close(pfd[0]);	/* the child's writes fail with EPIPE */
	ASSERT_EQ(pid, waitpid(pid, &status, 0)) TH_LOG("waitpid: %s", strerror(errno));
	ASSERT_TRUE(relayed) TH_LOG("fdopen of the pipe failed: no output relayed");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
		SKIP(return, "kernel cannot run 32-bit programs (CONFIG_IA32_EMULATION off)");
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("32-bit run killed by signal %d", WTERMSIG(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("32-bit run failed");
}
#endif

/* Mount proc, sysfs, debugfs and devtmpfs before the first test. */
static void __attribute__((constructor)) uapi_mounts(void)
{
	tst_mounts();
}

TEST_HARNESS_MAIN
