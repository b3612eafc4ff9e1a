// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-fence: implicit synchronisation as userspace sees it, with
 * several processes and threads where that is the point.
 *
 *  - poll(): EPOLLIN once the write fences signalled, EPOLLOUT once every
 *    fence signalled, blocking until then, woken by a fence another
 *    process signals; nothing requested gives nothing; a poll still
 *    pending when another thread closes the fd ends without harm and the
 *    buffer is freed afterwards.
 *  - DMA_BUF_IOCTL_SYNC START waits for the fences its direction covers,
 *    and a signal interrupting that wait restarts it (SA_RESTART) or
 *    reports EINTR.
 *  - a dma-buf fd passed over a unix socket keeps working in the receiver.
 *  - renaming while other threads read the name (fd link, fdinfo,
 *    bufinfo) never shows a torn or foreign name.
 *
 * Fences come from sw_sync timelines; buffers from the system dma-heap.
 * Helper threads and processes never assert: they report through a field
 * or their exit status, which the test checks once it has joined or
 * reaped them.
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#define PAGE ((size_t)tst_page_size())

/*
 * fork() for a helper process, which must end with _exit().  The helper
 * dies with the test: the harness does not kill what a test leaves
 * behind, so one still running when an ASSERT ends the test before
 * reaping it must not outlive the test.
 */
static pid_t fork_helper(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent))
		_exit(125);
	return pid;
}

/* Fork a helper that advances the timeline by one after delay_ms. */
static pid_t signal_later(int timeline, long delay_ms)
{
	pid_t pid = fork_helper();

	if (pid == 0) {
		tst_sleep_ms(delay_ms);
		_exit(sw_inc(timeline, 1) ? 1 : 0);
	}
	return pid;
}

/* Wait for a helper: its exit status, or -1 if it did not exit. */
static int reap(pid_t pid)
{
	pid_t r;
	int st;

	do {
		r = waitpid(pid, &st, 0);
	} while (r < 0 && errno == EINTR);
	if (r != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ------------------------------------------------------------- poll */

TEST(poll_idle_buffer_ready)
{
	int fd;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_EQ(POLLIN | POLLOUT, poll_fd(fd, POLLIN | POLLOUT, 0))
		TH_LOG("idle buffer not ready");
	ASSERT_EQ(POLLIN, poll_fd(fd, POLLIN, 0)) TH_LOG("POLLIN alone");
	ASSERT_EQ(POLLOUT, poll_fd(fd, POLLOUT, 0)) TH_LOG("POLLOUT alone");
	close(fd);
}

TEST(poll_write_fence_blocks_in_and_out)
{
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	r = poll_fd(fd, POLLIN | POLLOUT, 0);
	ASSERT_EQ(0, r) TH_LOG("revents %#x with a pending writer", r);
	r = poll_fd(fd, POLLIN | POLLOUT, 100);
	ASSERT_EQ(0, r) TH_LOG("revents %#x after 100 ms", r);
	ASSERT_SYSCALL(sw_inc(tl, 1));
	r = poll_fd(fd, POLLIN | POLLOUT, 5000);
	ASSERT_EQ(POLLIN | POLLOUT, r) TH_LOG("revents %#x after signalling", r);
	close(tl);
	close(fd);
}

TEST(poll_read_fence_blocks_out_only)
{
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_READ));
	r = poll_fd(fd, POLLIN | POLLOUT, 0);
	ASSERT_EQ(POLLIN, r) TH_LOG("revents %#x with a pending reader, want POLLIN", r);
	r = poll_fd(fd, POLLOUT, 100);
	ASSERT_EQ(0, r) TH_LOG("POLLOUT ready (%#x) with a pending reader", r);
	ASSERT_SYSCALL(sw_inc(tl, 1));
	r = poll_fd(fd, POLLOUT, 5000);
	ASSERT_EQ(POLLOUT, r) TH_LOG("revents %#x after signalling", r);
	close(tl);
	close(fd);
}

/* Several fences: ready only when the last one signalled. */
TEST(poll_waits_for_every_fence)
{
	int fd, tl1, tl2, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl1 = sw_timeline());
	ASSERT_SYSCALL(tl2 = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl1, 1, DMA_BUF_SYNC_READ));
	ASSERT_SYSCALL(buf_attach_pending(fd, tl2, 1, DMA_BUF_SYNC_READ));
	ASSERT_SYSCALL(sw_inc(tl2, 1));
	r = poll_fd(fd, POLLOUT, 50);
	ASSERT_EQ(0, r) TH_LOG("POLLOUT (%#x) with one reader pending", r);
	ASSERT_SYSCALL(sw_inc(tl1, 1));
	r = poll_fd(fd, POLLOUT, 5000);
	ASSERT_EQ(POLLOUT, r) TH_LOG("revents %#x after both signalled", r);
	close(tl1);
	close(tl2);
	close(fd);
}

/* A blocking poll() sleeps until the fence signals, then reports. */
TEST(poll_blocks_until_signalled)
{
	long long t0, dt;
	int fd, tl, r, st;
	pid_t pid;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	t0 = tst_now_ns();
	ASSERT_SYSCALL(pid = signal_later(tl, 300));
	r = poll_fd(fd, POLLIN, 20000);
	dt = (tst_now_ns() - t0) / 1000000;
	st = reap(pid);
	ASSERT_EQ(POLLIN, r) TH_LOG("revents %#x", r);
	ASSERT_LE(250, dt) TH_LOG("poll returned after %lld ms, before the signal", dt);
	ASSERT_EQ(0, st) TH_LOG("helper failed");
	ksft_print_msg("woken after %lld ms\n", dt);
	close(tl);
	close(fd);
}

/*
 * The fence is signalled by another process that got the timeline through
 * a unix socket (not inherited), while this one sleeps in poll().
 */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))], dummy = 'x';
	struct iovec iov = { &dummy, 1 };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], dummy;
	struct iovec iov = { &dummy, 1 };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;
	int fd = -1;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

TEST(poll_woken_by_other_process)
{
	int sv[2], fd, tl, r, st;
	long long t0, dt;
	pid_t pid;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_SYSCALL(pid = fork_helper());
	if (pid == 0) {
		int t;

		close(sv[0]);
		t = recv_fd(sv[1]);
		if (t < 0)
			_exit(2);
		tst_sleep_ms(400);
		_exit(sw_inc(t, 1) ? 3 : 0);
	}
	close(sv[1]);
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	ASSERT_SYSCALL(send_fd(sv[0], tl));
	close(tl);	/* only the other process holds the timeline now */
	t0 = tst_now_ns();
	r = poll_fd(fd, POLLIN | POLLOUT, 20000);
	dt = (tst_now_ns() - t0) / 1000000;
	/*
	 * The signal runs the buffer's in and out callbacks one after the
	 * other, so the first wake-up may see one of them only (6.1 too);
	 * the other is ready at once.
	 */
	if (r > 0 && r != (POLLIN | POLLOUT))
		r |= poll_fd(fd, POLLIN | POLLOUT, 5000);
	st = reap(pid);
	ASSERT_EQ(POLLIN | POLLOUT, r) TH_LOG("revents %#x after %lld ms", r, dt);
	ASSERT_LE(300, dt) TH_LOG("woken after only %lld ms", dt);
	ASSERT_EQ(0, st) TH_LOG("signalling process failed");
	ksft_print_msg("woken after %lld ms by pid %d\n", dt, (int)pid);
	close(sv[0]);
	close(fd);
}

/* epoll, level triggered: nothing until the fence signals, then EPOLLIN. */
TEST(epoll_woken_by_fence)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int fd, tl, ep, n, st;
	pid_t pid;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	ASSERT_SYSCALL(ep = epoll_create1(EPOLL_CLOEXEC));
	ev.data.fd = fd;
	ASSERT_SYSCALL(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	n = epoll_wait(ep, &out, 1, 100);
	ASSERT_EQ(0, n) TH_LOG("epoll reported %d events before the signal", n);
	ASSERT_SYSCALL(pid = signal_later(tl, 200));
	do {
		n = epoll_wait(ep, &out, 1, 20000);
	} while (n < 0 && errno == EINTR);
	st = reap(pid);
	ASSERT_EQ(1, n) TH_LOG("epoll_wait %d events", n);
	ASSERT_TRUE(out.events & EPOLLIN) TH_LOG("events %#x", out.events);
	ASSERT_EQ(fd, out.data.fd) TH_LOG("event for another fd");
	ASSERT_EQ(0, st) TH_LOG("helper failed");
	close(ep);
	close(tl);
	close(fd);
}

/*
 * An edge-triggered watcher of a buffer with nothing to wait for: 6.1's
 * poll wakes the buffer's queue whenever it finds nothing to wait for, and
 * epoll polls again at each report, so the watcher is reported at every
 * epoll_wait(), not only once.
 */
TEST(epoll_edge_triggered_idle_reported_every_wait)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out;
	int fd, ep, i, n;

	NEED_HEAP();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(ep = epoll_create1(EPOLL_CLOEXEC));
	ev.data.fd = fd;
	ASSERT_SYSCALL(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	for (i = 0; i < 3; i++) {
		n = epoll_wait(ep, &out, 1, 0);
		ASSERT_EQ(1, n) TH_LOG("epoll_wait #%d: %d events", i + 1, n);
		ASSERT_TRUE(out.events & EPOLLIN)
			TH_LOG("epoll_wait #%d: events %#x", i + 1, out.events);
	}
	close(ep);
	close(fd);
}

/* poll() with no events requested reports nothing, fences or not. */
TEST(poll_no_events_requested)
{
	struct pollfd p;
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	p.fd = fd;
	p.events = 0;
	p.revents = -1;
	r = poll(&p, 1, 0);
	ASSERT_EQ(0, r) TH_LOG("idle: r %d revents %#x", r, p.revents);
	ASSERT_EQ(0, p.revents) TH_LOG("idle: revents %#x", p.revents);
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	p.revents = -1;
	r = poll(&p, 1, 50);
	ASSERT_EQ(0, r) TH_LOG("busy: r %d revents %#x", r, p.revents);
	ASSERT_EQ(0, p.revents) TH_LOG("busy: revents %#x", p.revents);
	ASSERT_SYSCALL(sw_inc(tl, 1));
	p.revents = -1;
	r = poll(&p, 1, 0);
	ASSERT_EQ(0, r) TH_LOG("signalled: r %d revents %#x", r, p.revents);
	ASSERT_EQ(0, p.revents) TH_LOG("signalled: revents %#x", p.revents);
	close(tl);
	close(fd);
}

/*
 * Another thread closes the fd while this one sleeps in poll() on it.
 * The kernel keeps the file alive for the wait; once the fence signals the
 * poll ends, and the buffer is released (it leaves bufinfo).
 */
struct closer_arg {
	int fd;
	int timeline;
	int err;	/* errno of the closer's first failed step, or 0 */
};

static void *closer_thread(void *p)
{
	struct closer_arg *a = p;

	tst_sleep_ms(150);
	if (close(a->fd))
		a->err = errno;
	tst_sleep_ms(150);
	if (sw_inc(a->timeline, 1) && !a->err)
		a->err = errno;
	return NULL;
}

static int wait_released(unsigned long ino, int ms)
{
	char line[512];
	int r = 0;

	while (ms > 0) {
		r = bufinfo_line(ino, line, sizeof(line));
		if (r != 0)
			return r;
		tst_sleep_ms(20);
		ms -= 20;
	}
	return 0;
}

TEST(poll_survives_close_by_other_thread)
{
	struct closer_arg a = { .err = 0 };
	struct pollfd p;
	unsigned long ino;
	pthread_t th;
	int r, e;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(a.fd = heap_alloc(PAGE));
	ino = fd_ino(a.fd);
	ASSERT_SYSCALL(a.timeline = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(a.fd, a.timeline, 1, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, pthread_create(&th, NULL, closer_thread, &a));
	p.fd = a.fd;
	p.events = POLLIN | POLLOUT;
	p.revents = 0;
	r = poll(&p, 1, 20000);
	e = errno;
	pthread_join(th, NULL);
	ksft_print_msg("poll returned %d revents %#x\n", r, p.revents);
	ASSERT_EQ(0, a.err) TH_LOG("closer thread: %s", strerror(a.err));
	ASSERT_NE(-1, r) TH_LOG("poll failed: %s", strerror(e));
	ASSERT_EQ(1, r) TH_LOG("poll timed out though the fence signalled");
	r = wait_released(ino, 5000);
	if (r < 0)
		SKIP(return, "no bufinfo to check the release");
	ASSERT_EQ(1, r) TH_LOG("buffer %lu never released after the poll", ino);
	close(a.timeline);
}

/* The same with epoll: the fd is closed while a wait is armed on it. */
TEST(epoll_survives_close)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT }, out;
	unsigned long ino;
	int fd, tl, ep, n, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	ASSERT_SYSCALL(ep = epoll_create1(EPOLL_CLOEXEC));
	ASSERT_SYSCALL(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	n = epoll_wait(ep, &out, 1, 50);	/* arms the fence callback */
	ASSERT_EQ(0, n) TH_LOG("ready too early");
	close(fd);
	ASSERT_SYSCALL(sw_inc(tl, 1));
	n = epoll_wait(ep, &out, 1, 200);
	ksft_print_msg("epoll_wait after close: %d\n", n);
	close(ep);
	r = wait_released(ino, 5000);
	if (r < 0)
		SKIP(return, "no bufinfo to check the release");
	ASSERT_EQ(1, r) TH_LOG("buffer %lu never released", ino);
	close(tl);
}

/*
 * Last reference dropped while a poll callback is armed: poll once with
 * timeout 0 (which arms it), close, then signal.  Nothing may go wrong,
 * and the buffer goes away once the fence signalled.
 */
TEST(close_with_armed_callback)
{
	unsigned long ino;
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_RW));
	ASSERT_EQ(0, poll_fd(fd, POLLIN | POLLOUT, 0)) TH_LOG("ready too early");
	close(fd);
	ASSERT_SYSCALL(sw_inc(tl, 1));
	r = wait_released(ino, 5000);
	if (r < 0)
		SKIP(return, "no bufinfo to check the release");
	ASSERT_EQ(1, r) TH_LOG("buffer %lu never released", ino);
	/* And with the timeline destroyed instead of signalled. */
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 2, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, poll_fd(fd, POLLIN, 0)) TH_LOG("ready too early");
	close(fd);
	close(tl);
	r = wait_released(ino, 5000);
	ASSERT_EQ(1, r) TH_LOG("buffer %lu never released after timeline close", ino);
}

/* Many threads poll one buffer; one signal wakes them all. */
struct poller_arg {
	int fd;
	short events;
	int revents;
};

static void *poller_thread(void *p)
{
	struct poller_arg *a = p;

	a->revents = poll_fd(a->fd, a->events, 20000);
	return NULL;
}

TEST(poll_many_waiters_all_woken)
{
	struct poller_arg a[6];
	pthread_t th[ARRAY_SIZE(a)];
	unsigned int i;
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		a[i].fd = fd;
		a[i].events = i % 3 == 0 ? POLLIN : i % 3 == 1 ? POLLOUT :
			      POLLIN | POLLOUT;
		a[i].revents = -2;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, poller_thread, &a[i]));
	}
	tst_sleep_ms(300);
	ASSERT_SYSCALL(sw_inc(tl, 1));
	for (i = 0; i < ARRAY_SIZE(a); i++)
		pthread_join(th[i], NULL);
	/*
	 * The buffer's read and write callbacks run one after the other when
	 * the fence signals, and a waiter for both may wake in between and
	 * see one of them still busy (as on 6.1): each waiter must wake with
	 * some of what it asked for, and then all of it must be ready.
	 */
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		ASSERT_LT(0, a[i].revents)
			TH_LOG("waiter %u: revents %d want %#x", i, a[i].revents,
			       a[i].events);
		ASSERT_EQ(0, a[i].revents & ~a[i].events)
			TH_LOG("waiter %u: revents %#x want %#x", i, a[i].revents,
			       a[i].events);
	}
	r = poll_fd(fd, POLLIN | POLLOUT, 1000);
	ASSERT_EQ(POLLIN | POLLOUT, r) TH_LOG("after the wake-up: revents %#x", r);
	close(tl);
	close(fd);
}

/* ------------------------------------------------------ SYNC waits */

/* How long DMA_BUF_IOCTL_SYNC takes, with the fence signalled at 300 ms. */
static long long sync_wait_ms(struct __test_metadata *_metadata, int fd, int tl,
			      __u64 flags, int *err)
{
	long long t0 = tst_now_ns(), ms;
	pid_t pid;
	int r, st;

	ASSERT_SYSCALL(pid = signal_later(tl, 300));
	r = buf_sync(fd, flags);
	*err = r ? errno : 0;
	ms = (tst_now_ns() - t0) / 1000000;
	st = reap(pid);
	ASSERT_EQ(0, st) TH_LOG("signalling helper failed");
	return ms;
}

/* A write fence holds back CPU reads and writes. */
TEST(sync_start_waits_for_writer)
{
	long long ms;
	int fd, tl, err;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	ms = sync_wait_ms(_metadata, fd, tl, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ, &err);
	ASSERT_EQ(0, err) TH_LOG("SYNC failed: %s", strerror(err));
	ASSERT_LE(250, ms) TH_LOG("READ start returned after %lld ms", ms);
	ASSERT_SYSCALL(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 2, DMA_BUF_SYNC_WRITE));
	ms = sync_wait_ms(_metadata, fd, tl, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE, &err);
	ASSERT_EQ(0, err) TH_LOG("SYNC failed: %s", strerror(err));
	ASSERT_LE(250, ms) TH_LOG("WRITE start returned after %lld ms", ms);
	ASSERT_SYSCALL(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	close(tl);
	close(fd);
}

/* A read fence holds back CPU writes only. */
TEST(sync_start_read_ignores_reader)
{
	long long t0, ms;
	int fd, tl, err;

	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_READ));
	t0 = tst_now_ns();
	ASSERT_SYSCALL(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	ASSERT_SYSCALL(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	ms = (tst_now_ns() - t0) / 1000000;
	ASSERT_GT(250, ms) TH_LOG("READ start waited %lld ms for a reader", ms);
	ms = sync_wait_ms(_metadata, fd, tl, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW, &err);
	ASSERT_EQ(0, err) TH_LOG("SYNC failed: %s", strerror(err));
	ASSERT_LE(250, ms) TH_LOG("RW start returned after %lld ms", ms);
	ASSERT_SYSCALL(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	close(tl);
	close(fd);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/*
 * DMA_BUF_IOCTL_SYNC START waiting for a fence that signals at 1.5 s, with
 * a SIGALRM at 100 ms.  The SIGALRM is this test's own: the harness times
 * tests out with an alarm in its own process, not in the test's.
 */
static void interrupted_sync(struct __test_metadata *_metadata, int restart,
			     int *err, long long *ms)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	struct sigaction sa;
	long long t0;
	int fd, tl, r, st;
	pid_t pid;

	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(tl = sw_timeline());
	ASSERT_SYSCALL(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	ASSERT_SYSCALL(sigaction(SIGALRM, &sa, NULL));
	alarms = 0;
	/* the fence comes long after the 100 ms alarm, even on a loaded host */
	ASSERT_SYSCALL(pid = signal_later(tl, 1500));
	t0 = tst_now_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	r = buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
	*err = r ? errno : 0;
	*ms = (tst_now_ns() - t0) / 1000000;
	st = reap(pid);
	if (!r)
		buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
	close(tl);
	close(fd);
	ASSERT_EQ(0, st) TH_LOG("signalling helper failed");
}

/* With SA_RESTART the interrupted wait resumes and ends with the fence. */
TEST(sync_interrupted_wait_restarts)
{
	long long ms;
	int err;

	NEED_HEAP();
	NEED_SW_SYNC();
	interrupted_sync(_metadata, 1, &err, &ms);
	ASSERT_EQ(1, alarms) TH_LOG("signal handler ran %d times", (int)alarms);
	ASSERT_EQ(0, err) TH_LOG("SYNC failed with %s", strerror(err));
	ASSERT_LE(1400, ms) TH_LOG("SYNC returned after %lld ms, before the fence", ms);
}

/* Without SA_RESTART the caller sees EINTR at the signal. */
TEST(sync_interrupted_wait_eintr)
{
	long long ms;
	int err;

	NEED_HEAP();
	NEED_SW_SYNC();
	interrupted_sync(_metadata, 0, &err, &ms);
	ASSERT_EQ(1, alarms) TH_LOG("signal handler ran %d times", (int)alarms);
	ASSERT_EQ(EINTR, err)
		TH_LOG("SYNC ended with errno %d (%s), want EINTR", err, strerror(err));
	ASSERT_GT(1400, ms) TH_LOG("EINTR only after %lld ms", ms);
}

/* ------------------------------------------------- fd over a socket */

TEST(fd_passed_over_unix_socket)
{
	int sv[2], fd, st;
	unsigned char *p;
	char v[64], ack;
	ssize_t n;
	pid_t pid;

	NEED_HEAP();
	ASSERT_SYSCALL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	/* before the buffer exists: nothing is inherited */
	ASSERT_SYSCALL(pid = fork_helper());
	if (pid == 0) {
		unsigned char *q;
		int b;

		close(sv[0]);
		b = recv_fd(sv[1]);
		if (b < 0)
			_exit(10);
		if (fdinfo_field(b, "exp_name", v, sizeof(v)) || strcmp(v, "system"))
			_exit(11);
		if (fdinfo_field(b, "name", v, sizeof(v)) || strcmp(v, "from-parent"))
			_exit(12);
		if (lseek(b, 0, SEEK_END) != (off_t)(2 * PAGE))
			_exit(13);
		q = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
		if (q == MAP_FAILED)
			_exit(14);
		if (buf_sync(b, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW))
			_exit(15);
		if (q[0] != 0x11 || q[2 * PAGE - 1] != 0x22)
			_exit(16);
		q[1] = 0x33;
		if (buf_sync(b, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW))
			_exit(17);
		if (ioctl(b, DMA_BUF_SET_NAME, "from-child"))
			_exit(18);
		munmap(q, 2 * PAGE);
		close(b);
		if (write(sv[1], "k", 1) != 1)
			_exit(19);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_SYSCALL(fd = heap_alloc(2 * PAGE));
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	p[0] = 0x11;
	p[2 * PAGE - 1] = 0x22;
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "from-parent"));
	ASSERT_SYSCALL(send_fd(sv[0], fd));
	n = read(sv[0], &ack, 1);
	st = reap(pid);
	ASSERT_EQ(0, st) TH_LOG("receiver failed with status %d", st);
	ASSERT_EQ(1, n) TH_LOG("no answer from the receiver");
	ASSERT_EQ(0x33, p[1]) TH_LOG("receiver's write not visible");
	ASSERT_EQ(0, fdinfo_field(fd, "name", v, sizeof(v)));
	ASSERT_STREQ("from-child", v) TH_LOG("receiver's rename not visible");
	/* the receiver's references are gone: ours plus the mapping */
	ASSERT_EQ(0, fdinfo_field(fd, "count", v, sizeof(v)));
	ASSERT_STREQ("2", v) TH_LOG("count '%s', want 2", v);
	munmap(p, 2 * PAGE);
	close(sv[0]);
	close(fd);
}

/* A buffer whose only reference is in flight in a socket still works. */
TEST(fd_in_flight_survives_sender_close)
{
	int sv[2], fd, b;
	unsigned long ino;
	char v[64];

	NEED_HEAP();
	ASSERT_SYSCALL(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_SYSCALL(fd = heap_alloc(PAGE));
	ino = fd_ino(fd);
	ASSERT_SYSCALL(ioctl(fd, DMA_BUF_SET_NAME, "in-flight"));
	ASSERT_SYSCALL(send_fd(sv[0], fd));
	close(fd);
	ASSERT_SYSCALL(b = recv_fd(sv[1]));
	ASSERT_EQ(ino, fd_ino(b)) TH_LOG("another buffer arrived");
	ASSERT_EQ(0, fdinfo_field(b, "name", v, sizeof(v)));
	ASSERT_STREQ("in-flight", v);
	ASSERT_EQ(POLLIN | POLLOUT, poll_fd(b, POLLIN | POLLOUT, 0)) TH_LOG("poll");
	close(b);
	close(sv[0]);
	close(sv[1]);
}

/* ------------------------------------------------ concurrent rename */

#define NAME_KINDS 8
#define STRESS_MS 2000

/*
 * Name k is the letter 'a'+k repeated 4k+3 times: every legal name is
 * recognisable from any of its characters.
 */
static void make_name(int k, char *out)
{
	int len = 4 * k + 3;

	memset(out, 'a' + k, len);
	out[len] = 0;
}

static int name_ok(const char *s)
{
	size_t len = strlen(s), i;
	int k;

	if (len == 0)
		return 1;	/* not named yet */
	k = s[0] - 'a';
	if (k < 0 || k >= NAME_KINDS || len != (size_t)(4 * k + 3))
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] != s[0])
			return 0;
	return 1;
}

/* Shared by the renamer and the readers, which count what went wrong in bad. */
struct stress {
	int fd;
	volatile int stop;
	long renames, reads, bad;
	char badname[300];
};

static void *renamer(void *p)
{
	struct stress *s = p;
	char name[64];
	int k = 0;

	while (!s->stop) {
		make_name(k, name);
		if (ioctl(s->fd, DMA_BUF_SET_NAME, name))
			s->bad++;
		s->renames++;
		k = (k + 1) % NAME_KINDS;
	}
	return NULL;
}

static void *name_reader(void *p)
{
	struct stress *s = p;
	unsigned long ino = fd_ino(s->fd);
	char v[256], line[512];
	long n = 0;

	while (!s->stop) {
		const char *name;

		if (fd_link(s->fd, v, sizeof(v)) < 0 || strncmp(v, "/dmabuf:", 8) ||
		    !name_ok(v + 8)) {
			snprintf(s->badname, sizeof(s->badname), "link '%s'", v);
			s->bad++;
		}
		if (fdinfo_field(s->fd, "name", v, sizeof(v)) == 0 && !name_ok(v)) {
			snprintf(s->badname, sizeof(s->badname), "fdinfo '%s'", v);
			s->bad++;
		}
		if ((n++ & 15) == 0 && bufinfo_line(ino, line, sizeof(line)) == 0) {
			name = strrchr(line, '\t');
			name = name ? name + 1 : line;
			if (strcmp(name, "<none>") && !name_ok(name)) {
				snprintf(s->badname, sizeof(s->badname),
					 "bufinfo %.200s", name);
				s->bad++;
			}
		}
		s->reads++;
	}
	return NULL;
}

TEST(set_name_concurrent_readers)
{
	struct stress s;
	pthread_t w, r1, r2;

	NEED_HEAP();
	memset(&s, 0, sizeof(s));
	ASSERT_SYSCALL(s.fd = heap_alloc(PAGE));
	ASSERT_EQ(0, pthread_create(&w, NULL, renamer, &s));
	ASSERT_EQ(0, pthread_create(&r1, NULL, name_reader, &s));
	ASSERT_EQ(0, pthread_create(&r2, NULL, name_reader, &s));
	tst_sleep_ms(STRESS_MS);
	s.stop = 1;
	pthread_join(w, NULL);
	pthread_join(r1, NULL);
	pthread_join(r2, NULL);
	ksft_print_msg("%ld renames, %ld reads, %ld bad\n", s.renames, s.reads, s.bad);
	ASSERT_EQ(0, s.bad) TH_LOG("torn or failed name: %s", s.badname);
	ASSERT_LT(0, s.renames) TH_LOG("nothing happened");
	ASSERT_LT(0, s.reads) TH_LOG("nothing happened");
	close(s.fd);
}

/* The same from another process reading /proc/<pid>/fd and fdinfo. */
TEST(set_name_concurrent_other_process)
{
	struct stress s;
	pthread_t w;
	pid_t pid;
	int st;

	NEED_HEAP();
	memset(&s, 0, sizeof(s));
	ASSERT_SYSCALL(s.fd = heap_alloc(PAGE));
	ASSERT_SYSCALL(ioctl(s.fd, DMA_BUF_SET_NAME, "aaa"));
	ASSERT_SYSCALL(pid = fork_helper());
	if (pid == 0) {
		char path[64], v[256], text[4096];
		long long end = tst_now_ns() + STRESS_MS * 1000000LL;
		pid_t pp = getppid();
		long n = 0;

		while (tst_now_ns() < end) {
			ssize_t l;

			snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pp, s.fd);
			l = readlink(path, v, sizeof(v) - 1);
			if (l < 8)
				_exit(2);
			v[l] = 0;
			if (strncmp(v, "/dmabuf:", 8) || !name_ok(v + 8)) {
				ksft_print_msg("bad link '%s'\n", v);
				_exit(3);
			}
			if (fdinfo_text(pp, s.fd, text, sizeof(text)) < 0 ||
			    text_field(text, "name", v, sizeof(v)) || !name_ok(v)) {
				ksft_print_msg("bad fdinfo name '%s'\n", v);
				_exit(4);
			}
			n++;
		}
		ksft_print_msg("other process: %ld reads\n", n);
		_exit(0);
	}
	/* should this fail, the reader dies with the test (fork_helper()) */
	ASSERT_EQ(0, pthread_create(&w, NULL, renamer, &s));
	st = reap(pid);
	s.stop = 1;
	pthread_join(w, NULL);
	ASSERT_EQ(0, st) TH_LOG("reader saw garbage (%d)", st);
	ASSERT_EQ(0, s.bad) TH_LOG("rename failed");
	close(s.fd);
}

/* Mount proc, sysfs and debugfs (for sw_sync and bufinfo) before the first test. */
static void __attribute__((constructor)) fence_mounts(void)
{
	tst_mounts();
}

TEST_HARNESS_MAIN
