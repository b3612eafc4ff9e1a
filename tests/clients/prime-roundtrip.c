// SPDX-License-Identifier: GPL-2.0-only
/*
 * DRM PRIME round trip through the dma-buf core, with raw ioctls from the
 * tree's exported uapi headers (no libdrm).
 *
 * A helper process is forked before any buffer exists, so everything it
 * touches reaches it as a file descriptor over a unix socket (SCM_RIGHTS).
 *
 *  - a buffer from the system dma-heap is imported into vgem
 *    (PRIME_FD_TO_HANDLE), exported back (PRIME_HANDLE_TO_FD, which must give
 *    the very same dma-buf), handed to the helper, which maps it through the
 *    dma-buf mmap, checks what the parent wrote and writes an answer that
 *    the parent reads back through its own heap mapping;
 *  - a vgem write fence attached to the imported object lands in the
 *    dma-buf's reservation object: poll() reports the buffer busy, an
 *    exported sync_file is unsignalled, and DMA_BUF_IOCTL_SYNC waits for the
 *    fence, which the helper signals later;
 *  - a vgem dumb buffer (MODE_CREATE_DUMB) is mapped through the DRM node
 *    (MODE_MAP_DUMB), exported, sent to the helper, which maps the dma-buf,
 *    checks the parent's data, writes its own and also imports the fd into
 *    a vgem file of its own; the parent reads the answer through the DRM
 *    mapping.
 *
 * Output: KTAP on stdout; exit status 1 if any case failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <drm/vgem_drm.h>

#define HEAP_SIZE	(1024 * 1024)
#define N_CASES		21

static int case_no, failures;

static void result(int ok, const char *name, const char *fmt, ...)
{
	char why[256] = "";
	va_list ap;

	if (fmt && !ok) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	case_no++;
	if (!ok)
		failures++;
	printf("%sok %d %s%s%s\n", ok ? "" : "not ", case_no, name,
	       why[0] ? " # " : "", why);
	fflush(stdout);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Byte i of a buffer filled with 'seed'. */
static uint8_t pat(uint32_t seed, size_t i)
{
	return (uint8_t)(seed + i * 31 + (i >> 12) * 7);
}

static void fill(void *p, size_t len, uint32_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = pat(seed, i);
}

/* Returns the first mismatching offset, or -1 if all bytes match. */
static long check(const void *p, size_t len, uint32_t seed)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != pat(seed, i))
			return (long)i;
	return -1;
}

static int buf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };
	int ret;

	do {
		ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
	} while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

static int is_vgem(int fd)
{
	char name[8] = "";
	struct drm_version v = { .name_len = sizeof(name) - 1, .name = name };

	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return 0;
	return v.name_len == 4 && !strncmp(name, "vgem", 4);
}

static int open_vgem(void)
{
	char path[32];
	int i, fd;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_vgem(fd))
			return fd;
		close(fd);
	}
	return -1;
}

static int prime_import(int drm, int buf, uint32_t *handle)
{
	struct drm_prime_handle a = { .fd = buf };

	if (ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &a))
		return -errno;
	*handle = a.handle;
	return 0;
}

static int prime_export(int drm, uint32_t handle)
{
	struct drm_prime_handle a = {
		.handle = handle,
		.flags = DRM_CLOEXEC | DRM_RDWR,
		.fd = -1,
	};

	if (ioctl(drm, DRM_IOCTL_PRIME_HANDLE_TO_FD, &a))
		return -errno;
	return a.fd;
}

static int fd_ready(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, 0) < 0)
		return -errno;
	return p.revents;
}

/* ---- the helper process ---------------------------------------------- */

enum { OP_EXIT, OP_CHECK_WRITE, OP_CHECK_WRITE_IMPORT, OP_SIGNAL };

struct request {
	uint32_t op;
	uint32_t expect_seed;
	uint32_t write_seed;
	uint32_t arg;		/* OP_SIGNAL: vgem fence id */
	uint64_t size;
	uint64_t delay_us;	/* OP_SIGNAL: wait before signalling */
};

struct reply {
	int32_t status;		/* 0 = fine */
	char msg[120];
};

static int send_req(int sock, const struct request *rq, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)rq, .iov_len = sizeof(*rq) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, 0) == sizeof(*rq) ? 0 : -1;
}

static int recv_req(int sock, struct request *rq, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = rq, .iov_len = sizeof(*rq) };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	*fd = -1;
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != sizeof(*rq))
		return -1;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

static void helper_check_write(const struct request *rq, int fd, struct reply *rp)
{
	struct stat st;
	long bad;
	void *p;

	if (fd < 0) {
		rp->status = 1;
		snprintf(rp->msg, sizeof(rp->msg), "no fd arrived");
		return;
	}
	if (fstat(fd, &st) == 0)
		snprintf(rp->msg, sizeof(rp->msg), "helper pid %d got inode %lu",
			 (int)getpid(), (unsigned long)st.st_ino);
	p = mmap(NULL, rq->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rp->status = 2;
		snprintf(rp->msg, sizeof(rp->msg), "dma-buf mmap: %s", strerror(errno));
		return;
	}
	if (buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW)) {
		rp->status = 3;
		snprintf(rp->msg, sizeof(rp->msg), "SYNC_START: %s", strerror(errno));
		goto out;
	}
	bad = check(p, rq->size, rq->expect_seed);
	if (bad >= 0) {
		rp->status = 4;
		snprintf(rp->msg, sizeof(rp->msg), "helper read byte %ld = %#x, want %#x",
			 bad, ((uint8_t *)p)[bad], pat(rq->expect_seed, bad));
	} else {
		fill(p, rq->size, rq->write_seed);
	}
	if (buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) && !rp->status) {
		rp->status = 5;
		snprintf(rp->msg, sizeof(rp->msg), "SYNC_END: %s", strerror(errno));
	}
	if (!rp->status && rq->op == OP_CHECK_WRITE_IMPORT) {
		/* A DRM file of the helper's own imports the same buffer. */
		int drm = open_vgem();
		uint32_t h = 0;
		int ret;

		if (drm < 0) {
			rp->status = 6;
			snprintf(rp->msg, sizeof(rp->msg), "helper cannot open vgem");
		} else {
			ret = prime_import(drm, fd, &h);
			if (ret || !h) {
				rp->status = 7;
				snprintf(rp->msg, sizeof(rp->msg), "helper import: %s",
					 strerror(-ret));
			}
			close(drm);
		}
	}
out:
	munmap(p, rq->size);
}

static void helper(int sock, int drm)
{
	struct request rq;
	struct reply rp;
	int fd;

	while (recv_req(sock, &rq, &fd) == 0) {
		memset(&rp, 0, sizeof(rp));
		switch (rq.op) {
		case OP_EXIT:
			_exit(0);
		case OP_CHECK_WRITE:
		case OP_CHECK_WRITE_IMPORT:
			helper_check_write(&rq, fd, &rp);
			break;
		case OP_SIGNAL: {
			/* The fence id lives in the DRM file both processes share. */
			struct drm_vgem_fence_signal s = { .fence = rq.arg };

			/* Answer first, so the parent can start waiting. */
			if (write(sock, &rp, sizeof(rp)) != sizeof(rp))
				_exit(1);
			usleep(rq.delay_us);
			if (ioctl(drm, DRM_IOCTL_VGEM_FENCE_SIGNAL, &s))
				_exit(2);
			continue;
		}
		default:
			rp.status = 99;
		}
		if (fd >= 0)
			close(fd);
		if (write(sock, &rp, sizeof(rp)) != sizeof(rp))
			_exit(1);
	}
	_exit(0);
}

static int ask(int sock, const struct request *rq, int fd, struct reply *rp)
{
	memset(rp, 0, sizeof(*rp));
	if (send_req(sock, rq, fd))
		return -1;
	if (read(sock, rp, sizeof(*rp)) != sizeof(*rp))
		return -1;
	return 0;
}

/* ---- main ------------------------------------------------------------- */

int main(void)
{
	int sv[2], drm, heap, hbuf = -1, reexp = -1, dbuf = -1, sync_fd = -1;
	uint32_t h1 = 0, h1b = 0, dh = 0, dh2 = 0, fence = 0;
	struct stat st1, st2;
	struct request rq;
	struct reply rp;
	void *hp = MAP_FAILED, *dp = MAP_FAILED;
	size_t dsize = 0;
	pid_t pid;
	long bad;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n1..%d\n", N_CASES);

	drm = open_vgem();
	result(drm >= 0, "vgem_open", drm < 0 ? "no vgem card under /dev/dri (modprobe vgem)" : NULL);
	heap = open("/dev/dma_heap/system", O_RDWR | O_CLOEXEC);
	result(heap >= 0, "system_heap_open", heap < 0 ? "%s" : NULL, strerror(errno));
	if (drm < 0 || heap < 0)
		goto bail;

	/* The helper exists before any buffer does. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		diag("socketpair: %s", strerror(errno));
		goto bail;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		helper(sv[1], drm);
	}
	close(sv[1]);

	/* 1. heap buffer -> vgem -> back out -> second process */
	{
		struct dma_heap_allocation_data a = {
			.len = HEAP_SIZE, .fd_flags = O_RDWR | O_CLOEXEC,
		};

		ret = ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a);
		hbuf = ret ? -1 : (int)a.fd;
		if (hbuf >= 0)
			hp = mmap(NULL, HEAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, hbuf, 0);
		ret = hp != MAP_FAILED && !buf_sync(hbuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
		if (ret) {
			fill(hp, HEAP_SIZE, 0x11);
			ret = !buf_sync(hbuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
		}
		result(ret, "heap_alloc_map_fill", ret ? NULL : "%s", strerror(errno));
	}

	ret = hbuf >= 0 ? prime_import(drm, hbuf, &h1) : -EBADF;
	result(!ret && h1, "heap_buffer_imported_into_vgem", ret ? "%s" : NULL, strerror(-ret));

	ret = hbuf >= 0 ? prime_import(drm, hbuf, &h1b) : -EBADF;
	result(!ret && h1b == h1, "heap_import_again_same_handle",
	       "handles %u and %u (%s)", h1, h1b, strerror(-ret));

	reexp = h1 ? prime_export(drm, h1) : -EINVAL;
	ret = reexp >= 0 && !fstat(hbuf, &st1) && !fstat(reexp, &st2) &&
	      st1.st_ino == st2.st_ino;
	if (reexp < 0)
		result(0, "heap_reexport_is_same_dmabuf", "export: %s", strerror(-reexp));
	else
		result(ret, "heap_reexport_is_same_dmabuf", "inode %lu vs %lu",
		       (unsigned long)st1.st_ino, (unsigned long)st2.st_ino);

	rq = (struct request){ .op = OP_CHECK_WRITE, .expect_seed = 0x11,
			       .write_seed = 0x22, .size = HEAP_SIZE };
	ret = reexp >= 0 && !ask(sv[0], &rq, reexp, &rp);
	if (ret && rp.msg[0])
		diag("%s", rp.msg);
	result(ret && !rp.status, "heap_helper_reads_and_writes_via_dmabuf_mmap",
	       "status %d: %s", rp.status, rp.msg);

	ret = hp != MAP_FAILED && !buf_sync(hbuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	bad = ret ? check(hp, HEAP_SIZE, 0x22) : 0;
	if (hp != MAP_FAILED)
		buf_sync(hbuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	result(ret && bad < 0, "heap_parent_reads_helper_data",
	       "mismatch at %ld", bad);

	/* 2. a vgem fence on the imported object is the dma-buf's fence */
	{
		struct drm_vgem_fence_attach fa = { .handle = h1, .flags = VGEM_FENCE_WRITE };

		ret = h1 ? ioctl(drm, DRM_IOCTL_VGEM_FENCE_ATTACH, &fa) : -1;
		fence = ret ? 0 : fa.out_fence;
		result(!ret, "vgem_write_fence_attached", ret ? "%s" : NULL, strerror(errno));
	}

	ret = fence ? fd_ready(hbuf, POLLIN | POLLOUT) : -1;
	result(ret == 0, "dmabuf_poll_busy_while_fenced", "revents %#x", ret);

	{
		struct dma_buf_export_sync_file es = {
			.flags = DMA_BUF_SYNC_READ, .fd = -1,
		};

		ret = fence ? ioctl(hbuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &es) : -1;
		sync_fd = ret ? -1 : es.fd;
		ret = sync_fd >= 0 ? fd_ready(sync_fd, POLLIN) : -1;
		result(ret == 0, "exported_sync_file_unsignalled", "revents %d (%s)",
		       ret, sync_fd < 0 ? strerror(errno) : "-");
	}

	/* The helper signals after 300 ms; SYNC_START has to wait for it. */
	rq = (struct request){ .op = OP_SIGNAL, .arg = fence, .delay_us = 300000 };
	ret = fence && !ask(sv[0], &rq, -1, &rp) &&
	      !buf_sync(hbuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
	{
		int after = sync_fd >= 0 ? fd_ready(sync_fd, POLLIN) : -1;

		if (ret)
			buf_sync(hbuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
		result(ret && after == POLLIN, "cpu_access_waits_for_vgem_fence",
		       "sync ok %d, fence revents after SYNC_START %#x", ret, after);
	}
	ret = fence ? fd_ready(hbuf, POLLIN | POLLOUT) : -1;
	result(ret == (POLLIN | POLLOUT), "dmabuf_poll_ready_after_signal", "revents %#x", ret);

	/* 3. vgem dumb buffer -> dma-buf -> second process */
	{
		struct drm_mode_create_dumb cd = { .width = 256, .height = 256, .bpp = 32 };
		struct drm_mode_map_dumb md = { 0 };

		ret = ioctl(drm, DRM_IOCTL_MODE_CREATE_DUMB, &cd);
		dh = ret ? 0 : cd.handle;
		dsize = ret ? 0 : cd.size;
		result(!ret && dh && dsize >= 256 * 256 * 4, "vgem_dumb_create",
		       "%s, handle %u size %zu", ret ? strerror(errno) : "ok", dh, dsize);

		md.handle = dh;
		ret = dh ? ioctl(drm, DRM_IOCTL_MODE_MAP_DUMB, &md) : -1;
		if (!ret)
			dp = mmap(NULL, dsize, PROT_READ | PROT_WRITE, MAP_SHARED, drm, md.offset);
		if (dp != MAP_FAILED)
			fill(dp, dsize, 0x33);
		result(dp != MAP_FAILED, "vgem_dumb_map_and_fill", "%s", strerror(errno));
	}

	dbuf = dh ? prime_export(drm, dh) : -EINVAL;
	{
		off_t end = dbuf >= 0 ? lseek(dbuf, 0, SEEK_END) : -1;

		result(dbuf >= 0 && end == (off_t)dsize, "vgem_dumb_exported_as_dmabuf",
		       "fd %d, size by lseek %lld, dumb size %zu", dbuf, (long long)end, dsize);
	}

	ret = dbuf >= 0 ? prime_import(drm, dbuf, &dh2) : -EBADF;
	result(!ret && dh2 == dh, "vgem_dumb_reimport_same_handle", "handle %u vs %u (%s)",
	       dh2, dh, strerror(-ret));

	rq = (struct request){ .op = OP_CHECK_WRITE_IMPORT, .expect_seed = 0x33,
			       .write_seed = 0x44, .size = dsize };
	ret = dbuf >= 0 && dp != MAP_FAILED && !ask(sv[0], &rq, dbuf, &rp);
	if (ret && rp.msg[0])
		diag("%s", rp.msg);
	result(ret && !rp.status, "vgem_helper_maps_checks_writes_and_imports",
	       "status %d: %s", rp.status, rp.msg);

	bad = dp != MAP_FAILED ? check(dp, dsize, 0x44) : 0;
	result(dp != MAP_FAILED && bad < 0, "vgem_parent_reads_helper_data_via_drm_mapping",
	       "mismatch at %ld", bad);

	/* 4. teardown: everything closes without complaint */
	rq = (struct request){ .op = OP_EXIT };
	send_req(sv[0], &rq, -1);
	{
		int status = -1;

		waitpid(pid, &status, 0);
		result(WIFEXITED(status) && WEXITSTATUS(status) == 0, "helper_exit",
		       "status %#x", status);
	}
	if (dp != MAP_FAILED)
		munmap(dp, dsize);
	if (hp != MAP_FAILED)
		munmap(hp, HEAP_SIZE);
	{
		struct drm_gem_close gc = { .handle = h1 };
		int bad_close = 0;

		if (h1 && ioctl(drm, DRM_IOCTL_GEM_CLOSE, &gc))
			bad_close++;
		gc.handle = dh;
		if (dh && ioctl(drm, DRM_IOCTL_GEM_CLOSE, &gc))
			bad_close++;
		if (sync_fd >= 0)
			close(sync_fd);
		if (reexp >= 0)
			close(reexp);
		if (dbuf >= 0)
			close(dbuf);
		if (hbuf >= 0)
			close(hbuf);
		close(heap);
		close(drm);
		result(!bad_close, "handles_closed", "%d GEM_CLOSE failures", bad_close);
	}
	if (case_no != N_CASES)
		diag("ran %d cases, planned %d", case_no, N_CASES);
	return failures || case_no != N_CASES;

bail:
	while (case_no < N_CASES)
		result(0, "not_run", "an earlier step failed");
	return 1;
}
