// SPDX-License-Identifier: GPL-2.0-only
/*
 * share: two processes share one DMA-BUF.
 *
 * Process A allocates a buffer (the system dma-heap, or udmabuf over a
 * sealed memfd when there is no heap), names it, fills it with a pattern
 * while holding CPU access (DMA_BUF_IOCTL_SYNC start/end) and hands the
 * file descriptor to process B over a unix socket (SCM_RIGHTS).  B maps
 * it, checks the pattern, writes a reply; A checks the reply.  Both print
 * what they saw and the buffer's /proc/<pid>/fdinfo lines, and A prints
 * the debugfs bufinfo table.  The last line is PASS or FAIL and the exit
 * status says the same.
 *
 * Build: gcc -static -O2 -Wall -I<exported uapi headers> -o share share.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#define BUF_SIZE	(4 * 4096)
#define BUF_NAME	"demo-shared"
#define BUFINFO		"/sys/kernel/debug/dma_buf/bufinfo"

static const char *who = "A";
static int failures;

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("[%s pid %d] ", who, (int)getpid());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void check(int ok, const char *what)
{
	say("%s: %s", ok ? "ok" : "NOT OK", what);
	if (!ok)
		failures++;
}

static uint8_t pattern_a(size_t i) { return (uint8_t)(i * 7 + 0x5a); }
static uint8_t pattern_b(size_t i) { return (uint8_t)(i * 13 + 0xa5); }

/* Allocate from the system heap; -1 if there is none. */
static int alloc_heap(void)
{
	struct dma_heap_allocation_data data = {
		.len = BUF_SIZE,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);

	if (heap < 0)
		return -1;
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) < 0) {
		say("DMA_HEAP_IOCTL_ALLOC failed: %s", strerror(errno));
		close(heap);
		return -1;
	}
	close(heap);
	say("allocated %d bytes from /dev/dma_heap/system -> fd %u", BUF_SIZE, data.fd);
	return data.fd;
}

/* Turn a sealed memfd into a dma-buf with /dev/udmabuf; -1 on failure. */
static int alloc_udmabuf(void)
{
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = BUF_SIZE };
	int memfd, dev, fd;

	memfd = syscall(SYS_memfd_create, "demo-backing", MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, BUF_SIZE) < 0 ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		say("memfd setup failed: %s", strerror(errno));
		return -1;
	}
	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		say("no /dev/udmabuf: %s", strerror(errno));
		close(memfd);
		return -1;
	}
	create.memfd = memfd;
	fd = ioctl(dev, UDMABUF_CREATE, &create);
	if (fd < 0)
		say("UDMABUF_CREATE failed: %s", strerror(errno));
	else
		say("allocated %d bytes with /dev/udmabuf (sealed memfd) -> fd %d", BUF_SIZE, fd);
	close(dev);
	close(memfd);
	return fd;
}

static int cpu_access(int fd, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };
	int ret;

	do {
		ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
	} while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	if (ret < 0)
		say("DMA_BUF_IOCTL_SYNC(%s%s%s) failed: %s",
		    flags & DMA_BUF_SYNC_END ? "END" : "START",
		    flags & DMA_BUF_SYNC_READ ? " READ" : "",
		    flags & DMA_BUF_SYNC_WRITE ? " WRITE" : "", strerror(errno));
	return ret;
}

/* Print this process's fdinfo of FD; return the "name:" and "ino:" values. */
static void show_fdinfo(int fd, char *name, size_t name_len, unsigned long *ino)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)getpid(), fd);
	f = fopen(path, "r");
	if (!f) {
		say("cannot read %s: %s", path, strerror(errno));
		return;
	}
	say("%s:", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		say("    %s", line);
		if (!strncmp(line, "name:", 5)) {
			const char *v = line + 5;

			v += strspn(v, " \t");
			snprintf(name, name_len, "%s", v);
		}
		if (!strncmp(line, "ino:", 4))
			*ino = strtoul(line + 4, NULL, 10);
	}
	fclose(f);
}

/* Print debugfs bufinfo; return 1 if a row has our inode and name. */
static int show_bufinfo(unsigned long ino)
{
	char line[512];
	int found = 0;
	FILE *f = fopen(BUFINFO, "r");

	if (!f) {
		say("cannot read %s: %s", BUFINFO, strerror(errno));
		return 0;
	}
	say("%s:", BUFINFO);
	while (fgets(line, sizeof(line), f)) {
		char exp[128] = "", bname[128] = "";
		unsigned long size, flags, mode, count, row_ino;

		line[strcspn(line, "\n")] = 0;
		say("    %s", line);
		if (sscanf(line, "%lu %lx %lx %lu %127s %lu %127s", &size, &flags, &mode,
			   &count, exp, &row_ino, bname) >= 6 && row_ino == ino &&
		    strstr(line, BUF_NAME))
			found = 1;
	}
	fclose(f);
	return found;
}

static int send_fd(int sock, int fd)
{
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* One-byte messages keep the two processes' output in a fixed order. */
static void signal_peer(int sock, char c)
{
	if (write(sock, &c, 1) != 1)
		say("socket write failed: %s", strerror(errno));
}

static char wait_peer(int sock)
{
	char c = 0;

	if (read(sock, &c, 1) != 1)
		say("socket read failed: %s", strerror(errno));
	return c;
}

static size_t count_mismatch(const uint8_t *p, uint8_t (*pat)(size_t), size_t from)
{
	size_t i, bad = 0;

	for (i = from; i < BUF_SIZE; i++)
		bad += p[i] != pat(i);
	return bad;
}

#define MSG_LEN 64	/* the first bytes carry a readable greeting */

static int process_b(int sock)
{
	char name[128] = "", text[MSG_LEN + 1];
	unsigned long ino = 0;
	struct stat st;
	uint8_t *p;
	size_t bad;
	int fd;

	who = "B";
	fd = recv_fd(sock);
	if (fd < 0) {
		say("did not receive a file descriptor");
		return 1;
	}
	fstat(fd, &st);
	say("received the dma-buf over the unix socket as fd %d (inode %lu)", fd,
	    (unsigned long)st.st_ino);
	p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		say("mmap failed: %s", strerror(errno));
		return 1;
	}
	check(cpu_access(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0,
	      "SYNC_START READ|WRITE");
	memcpy(text, p, MSG_LEN);
	text[MSG_LEN] = 0;
	say("reads: \"%s\"", text);
	bad = count_mismatch(p, pattern_a, MSG_LEN);
	say("reads bytes %d..%d: %02x %02x %02x %02x ... (%zu differ from A's pattern)",
	    MSG_LEN, BUF_SIZE - 1, p[MSG_LEN], p[MSG_LEN + 1], p[MSG_LEN + 2],
	    p[MSG_LEN + 3], bad);
	check(bad == 0 && !strncmp(text, "hello from A", 12), "B sees A's data");

	for (size_t i = 0; i < BUF_SIZE; i++)
		p[i] = pattern_b(i);
	memset(p, 0, MSG_LEN);
	snprintf((char *)p, MSG_LEN, "hello back from B (pid %d)", (int)getpid());
	say("writes \"%s\" and its own pattern", (char *)p);
	check(cpu_access(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0, "SYNC_END READ|WRITE");

	show_fdinfo(fd, name, sizeof(name), &ino);
	check(!strcmp(name, BUF_NAME), "fdinfo in B shows the name A set");
	check(ino == st.st_ino, "fdinfo in B shows the buffer's inode");

	signal_peer(sock, 'R');		/* reply written */
	wait_peer(sock);		/* A is done */
	munmap(p, BUF_SIZE);
	close(fd);
	say("done, %s", failures ? "with failures" : "all checks passed");
	return failures ? 1 : 0;
}

int main(void)
{
	char name[128] = "", text[MSG_LEN + 1];
	unsigned long ino = 0;
	int sv[2], fd, status = 0;
	struct stat st;
	uint8_t *p;
	size_t bad;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	say("dma-buf sharing demo: A allocates and names a buffer, B imports it over a unix socket");

	fd = alloc_heap();
	if (fd < 0)
		fd = alloc_udmabuf();
	if (fd < 0) {
		say("could not allocate a dma-buf (no system heap, no udmabuf)");
		printf("FAIL\n");
		return 1;
	}
	fstat(fd, &st);
	check(ioctl(fd, DMA_BUF_SET_NAME, BUF_NAME) == 0, "DMA_BUF_SET_NAME \"" BUF_NAME "\"");

	p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		say("mmap failed: %s", strerror(errno));
		printf("FAIL\n");
		return 1;
	}
	check(cpu_access(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0, "SYNC_START WRITE");
	for (size_t i = 0; i < BUF_SIZE; i++)
		p[i] = pattern_a(i);
	memset(p, 0, MSG_LEN);
	snprintf((char *)p, MSG_LEN, "hello from A (pid %d)", (int)getpid());
	say("writes \"%s\" and a %d-byte pattern", (char *)p, BUF_SIZE - MSG_LEN);
	check(cpu_access(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0, "SYNC_END WRITE");

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		say("socketpair failed: %s", strerror(errno));
		printf("FAIL\n");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(process_b(sv[1]));
	}
	close(sv[1]);
	say("sends fd %d (inode %lu) to B (pid %d) with SCM_RIGHTS", fd,
	    (unsigned long)st.st_ino, (int)pid);
	check(send_fd(sv[0], fd) == 0, "fd sent");

	wait_peer(sv[0]);		/* B has written its reply */
	check(cpu_access(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0, "SYNC_START READ");
	memcpy(text, p, MSG_LEN);
	text[MSG_LEN] = 0;
	say("reads back: \"%s\"", text);
	bad = count_mismatch(p, pattern_b, MSG_LEN);
	say("reads bytes %d..%d: %02x %02x %02x %02x ... (%zu differ from B's pattern)",
	    MSG_LEN, BUF_SIZE - 1, p[MSG_LEN], p[MSG_LEN + 1], p[MSG_LEN + 2],
	    p[MSG_LEN + 3], bad);
	check(cpu_access(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0, "SYNC_END READ");
	check(bad == 0 && !strncmp(text, "hello back from B", 17), "A sees B's reply");

	show_fdinfo(fd, name, sizeof(name), &ino);
	check(!strcmp(name, BUF_NAME), "fdinfo in A shows the name");
	check(ino == st.st_ino, "fdinfo in A shows the buffer's inode");
	check(show_bufinfo(ino), "bufinfo lists the buffer with its name and inode");

	signal_peer(sv[0], 'Q');
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		say("B failed (wait status 0x%x)", status);
		failures++;
	}
	munmap(p, BUF_SIZE);
	close(fd);
	say("%d check(s) failed", failures);
	printf("%s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
