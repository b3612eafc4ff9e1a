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
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#define PAGE ((size_t)tst_page_size())

/* Fork a helper that advances the timeline by one after delay_ms. */
static pid_t signal_later(int timeline, long delay_ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		kt_sleep_ms(delay_ms);
		_exit(sw_inc(timeline, 1) ? 1 : 0);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ------------------------------------------------------------- poll */

static int t_poll_idle_buffer_ready(void)
{
	int fd;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	KT_CHECK(poll_fd(fd, POLLIN | POLLOUT, 0) == (POLLIN | POLLOUT),
		 "idle buffer not ready");
	KT_CHECK(poll_fd(fd, POLLIN, 0) == POLLIN, "POLLIN alone");
	KT_CHECK(poll_fd(fd, POLLOUT, 0) == POLLOUT, "POLLOUT alone");
	close(fd);
	return KT_PASS;
}

static int t_poll_write_fence_blocks_in_and_out(void)
{
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	r = poll_fd(fd, POLLIN | POLLOUT, 0);
	KT_CHECK(r == 0, "revents %#x with a pending writer", r);
	r = poll_fd(fd, POLLIN | POLLOUT, 100);
	KT_CHECK(r == 0, "revents %#x after 100 ms", r);
	KT_OK(sw_inc(tl, 1));
	r = poll_fd(fd, POLLIN | POLLOUT, 5000);
	KT_CHECK(r == (POLLIN | POLLOUT), "revents %#x after signalling", r);
	close(tl);
	close(fd);
	return KT_PASS;
}

static int t_poll_read_fence_blocks_out_only(void)
{
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_READ));
	r = poll_fd(fd, POLLIN | POLLOUT, 0);
	KT_CHECK(r == POLLIN, "revents %#x with a pending reader, want POLLIN", r);
	r = poll_fd(fd, POLLOUT, 100);
	KT_CHECK(r == 0, "POLLOUT ready (%#x) with a pending reader", r);
	KT_OK(sw_inc(tl, 1));
	r = poll_fd(fd, POLLOUT, 5000);
	KT_CHECK(r == POLLOUT, "revents %#x after signalling", r);
	close(tl);
	close(fd);
	return KT_PASS;
}

/* Several fences: ready only when the last one signalled. */
static int t_poll_waits_for_every_fence(void)
{
	int fd, tl1, tl2, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl1 = sw_timeline();
	tl2 = sw_timeline();
	KT_CHECK(tl1 >= 0 && tl2 >= 0, "timelines");
	KT_OK(buf_attach_pending(fd, tl1, 1, DMA_BUF_SYNC_READ));
	KT_OK(buf_attach_pending(fd, tl2, 1, DMA_BUF_SYNC_READ));
	KT_OK(sw_inc(tl2, 1));
	r = poll_fd(fd, POLLOUT, 50);
	KT_CHECK(r == 0, "POLLOUT (%#x) with one reader pending", r);
	KT_OK(sw_inc(tl1, 1));
	r = poll_fd(fd, POLLOUT, 5000);
	KT_CHECK(r == POLLOUT, "revents %#x after both signalled", r);
	close(tl1);
	close(tl2);
	close(fd);
	return KT_PASS;
}

/* A blocking poll() sleeps until the fence signals, then reports. */
static int t_poll_blocks_until_signalled(void)
{
	long long t0, dt;
	int fd, tl, r;
	pid_t pid;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	t0 = kt_now_ns();
	pid = signal_later(tl, 300);
	KT_OK(pid);
	r = poll_fd(fd, POLLIN, 20000);
	dt = (kt_now_ns() - t0) / 1000000;
	KT_CHECK(r == POLLIN, "revents %#x", r);
	KT_CHECK(dt >= 250, "poll returned after %lld ms, before the signal", dt);
	KT_CHECK(reap(pid) == 0, "helper failed");
	kt_diag("woken after %lld ms", dt);
	close(tl);
	close(fd);
	return KT_PASS;
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

static int t_poll_woken_by_other_process(void)
{
	int sv[2], fd, tl, r;
	long long t0, dt;
	pid_t pid;

	NEED_HEAP();
	NEED_SW_SYNC();
	KT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	KT_OK(pid);
	if (pid == 0) {
		int t;

		close(sv[0]);
		t = recv_fd(sv[1]);
		if (t < 0)
			_exit(2);
		kt_sleep_ms(400);
		_exit(sw_inc(t, 1) ? 3 : 0);
	}
	close(sv[1]);
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	KT_OK(send_fd(sv[0], tl));
	close(tl);	/* only the other process holds the timeline now */
	t0 = kt_now_ns();
	r = poll_fd(fd, POLLIN | POLLOUT, 20000);
	dt = (kt_now_ns() - t0) / 1000000;
	KT_CHECK(r == (POLLIN | POLLOUT), "revents %#x after %lld ms", r, dt);
	KT_CHECK(dt >= 300, "woken after only %lld ms", dt);
	KT_CHECK(reap(pid) == 0, "signalling process failed");
	kt_diag("woken after %lld ms by pid %d", dt, (int)pid);
	close(fd);
	return KT_PASS;
}

/* epoll, level triggered: nothing until the fence signals, then EPOLLIN. */
static int t_epoll_woken_by_fence(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int fd, tl, ep, n;
	pid_t pid;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	ep = epoll_create1(EPOLL_CLOEXEC);
	KT_OK(ep);
	ev.data.fd = fd;
	KT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	n = epoll_wait(ep, &out, 1, 100);
	KT_CHECK(n == 0, "epoll reported %d events before the signal", n);
	pid = signal_later(tl, 200);
	KT_OK(pid);
	do {
		n = epoll_wait(ep, &out, 1, 20000);
	} while (n < 0 && errno == EINTR);
	KT_CHECK(n == 1 && (out.events & EPOLLIN) && out.data.fd == fd,
		 "epoll_wait %d events %#x", n, n > 0 ? out.events : 0);
	KT_CHECK(reap(pid) == 0, "helper failed");
	close(ep);
	close(tl);
	close(fd);
	return KT_PASS;
}

/*
 * An edge-triggered watcher of a buffer with nothing to wait for: 6.1's
 * poll wakes the buffer's queue whenever it finds nothing to wait for, and
 * epoll polls again at each report, so the watcher is reported at every
 * epoll_wait(), not only once.
 */
static int t_epoll_edge_triggered_idle_reported_every_wait(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out;
	int fd, ep, i, n;

	NEED_HEAP();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	KT_OK(ep);
	ev.data.fd = fd;
	KT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	for (i = 0; i < 3; i++) {
		n = epoll_wait(ep, &out, 1, 0);
		KT_CHECK(n == 1 && (out.events & EPOLLIN),
			 "epoll_wait #%d: %d events", i + 1, n);
	}
	close(ep);
	close(fd);
	return KT_PASS;
}

/* poll() with no events requested reports nothing, fences or not. */
static int t_poll_no_events_requested(void)
{
	struct pollfd p;
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	p.fd = fd;
	p.events = 0;
	p.revents = -1;
	r = poll(&p, 1, 0);
	KT_CHECK(r == 0 && p.revents == 0, "idle: r %d revents %#x", r, p.revents);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	p.revents = -1;
	r = poll(&p, 1, 50);
	KT_CHECK(r == 0 && p.revents == 0, "busy: r %d revents %#x", r, p.revents);
	KT_OK(sw_inc(tl, 1));
	p.revents = -1;
	r = poll(&p, 1, 0);
	KT_CHECK(r == 0 && p.revents == 0, "signalled: r %d revents %#x", r, p.revents);
	close(tl);
	close(fd);
	return KT_PASS;
}

/*
 * Another thread closes the fd while this one sleeps in poll() on it.
 * The kernel keeps the file alive for the wait; once the fence signals the
 * poll ends, and the buffer is released (it leaves bufinfo).
 */
struct closer_arg {
	int fd;
	int timeline;
};

static void *closer_thread(void *p)
{
	struct closer_arg *a = p;

	kt_sleep_ms(150);
	close(a->fd);
	kt_sleep_ms(150);
	sw_inc(a->timeline, 1);
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
		kt_sleep_ms(20);
		ms -= 20;
	}
	return 0;
}

static int t_poll_survives_close_by_other_thread(void)
{
	struct closer_arg a;
	struct pollfd p;
	unsigned long ino;
	pthread_t th;
	int r;

	NEED_HEAP();
	NEED_SW_SYNC();
	a.fd = heap_alloc(PAGE);
	KT_OK(a.fd);
	ino = fd_ino(a.fd);
	a.timeline = sw_timeline();
	KT_OK(a.timeline);
	KT_OK(buf_attach_pending(a.fd, a.timeline, 1, DMA_BUF_SYNC_WRITE));
	KT_CHECK(pthread_create(&th, NULL, closer_thread, &a) == 0, "thread");
	p.fd = a.fd;
	p.events = POLLIN | POLLOUT;
	p.revents = 0;
	r = poll(&p, 1, 20000);
	pthread_join(th, NULL);
	kt_diag("poll returned %d revents %#x", r, p.revents);
	KT_CHECK(r >= 0, "poll failed: %s", strerror(errno));
	KT_CHECK(r == 1, "poll timed out though the fence signalled");
	r = wait_released(ino, 5000);
	if (r < 0)
		return kt_skip("no bufinfo to check the release");
	KT_CHECK(r == 1, "buffer %lu never released after the poll", ino);
	close(a.timeline);
	return KT_PASS;
}

/* The same with epoll: the fd is closed while a wait is armed on it. */
static int t_epoll_survives_close(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT }, out;
	unsigned long ino;
	int fd, tl, ep, n, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	ep = epoll_create1(EPOLL_CLOEXEC);
	KT_OK(ep);
	KT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	n = epoll_wait(ep, &out, 1, 50);	/* arms the fence callback */
	KT_CHECK(n == 0, "ready too early");
	close(fd);
	KT_OK(sw_inc(tl, 1));
	n = epoll_wait(ep, &out, 1, 200);
	kt_diag("epoll_wait after close: %d", n);
	close(ep);
	r = wait_released(ino, 5000);
	if (r < 0)
		return kt_skip("no bufinfo to check the release");
	KT_CHECK(r == 1, "buffer %lu never released", ino);
	close(tl);
	return KT_PASS;
}

/*
 * Last reference dropped while a poll callback is armed: poll once with
 * timeout 0 (which arms it), close, then signal.  Nothing may go wrong,
 * and the buffer goes away once the fence signalled.
 */
static int t_close_with_armed_callback(void)
{
	unsigned long ino;
	int fd, tl, r;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_RW));
	KT_CHECK(poll_fd(fd, POLLIN | POLLOUT, 0) == 0, "ready too early");
	close(fd);
	KT_OK(sw_inc(tl, 1));
	r = wait_released(ino, 5000);
	if (r < 0)
		return kt_skip("no bufinfo to check the release");
	KT_CHECK(r == 1, "buffer %lu never released", ino);
	/* And with the timeline destroyed instead of signalled. */
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	KT_OK(buf_attach_pending(fd, tl, 2, DMA_BUF_SYNC_WRITE));
	KT_CHECK(poll_fd(fd, POLLIN, 0) == 0, "ready too early");
	close(fd);
	close(tl);
	r = wait_released(ino, 5000);
	KT_CHECK(r == 1, "buffer %lu never released after timeline close", ino);
	return KT_PASS;
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

static int t_poll_many_waiters_all_woken(void)
{
	struct poller_arg a[6];
	pthread_t th[6];
	int fd, tl, i;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	for (i = 0; i < 6; i++) {
		a[i].fd = fd;
		a[i].events = i % 3 == 0 ? POLLIN : i % 3 == 1 ? POLLOUT :
			      POLLIN | POLLOUT;
		a[i].revents = -2;
		KT_CHECK(pthread_create(&th[i], NULL, poller_thread, &a[i]) == 0,
			 "thread");
	}
	kt_sleep_ms(300);
	KT_OK(sw_inc(tl, 1));
	/*
	 * The buffer's read and write callbacks run one after the other when
	 * the fence signals, and a waiter for both may wake in between and
	 * see one of them still busy (as on 6.1): each waiter must wake with
	 * some of what it asked for, and then all of it must be ready.
	 */
	for (i = 0; i < 6; i++) {
		pthread_join(th[i], NULL);
		KT_CHECK(a[i].revents > 0 && !(a[i].revents & ~a[i].events),
			 "waiter %d: revents %#x want %#x", i, a[i].revents,
			 a[i].events);
	}
	i = poll_fd(fd, POLLIN | POLLOUT, 1000);
	KT_CHECK(i == (POLLIN | POLLOUT), "after the wake-up: revents %#x", i);
	close(tl);
	close(fd);
	return KT_PASS;
}

/* ------------------------------------------------------ SYNC waits */

/* How long DMA_BUF_IOCTL_SYNC takes, with the fence signalled at 300 ms. */
static long long sync_wait_ms(int fd, int tl, __u64 flags, int *err)
{
	long long t0 = kt_now_ns();
	pid_t pid = signal_later(tl, 300);
	int r;

	r = buf_sync(fd, flags);
	*err = r ? errno : 0;
	reap(pid);
	return (kt_now_ns() - t0) / 1000000;
}

/* A write fence holds back CPU reads and writes. */
static int t_sync_start_waits_for_writer(void)
{
	long long ms;
	int fd, tl, err;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE));
	ms = sync_wait_ms(fd, tl, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ, &err);
	KT_CHECK(!err, "SYNC failed: %s", strerror(err));
	KT_CHECK(ms >= 250, "READ start returned after %lld ms", ms);
	KT_OK(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	KT_OK(buf_attach_pending(fd, tl, 2, DMA_BUF_SYNC_WRITE));
	ms = sync_wait_ms(fd, tl, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE, &err);
	KT_CHECK(!err, "SYNC failed: %s", strerror(err));
	KT_CHECK(ms >= 250, "WRITE start returned after %lld ms", ms);
	KT_OK(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	close(tl);
	close(fd);
	return KT_PASS;
}

/* A read fence holds back CPU writes only. */
static int t_sync_start_read_ignores_reader(void)
{
	long long t0, ms;
	int fd, tl, err;

	NEED_HEAP();
	NEED_SW_SYNC();
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	tl = sw_timeline();
	KT_OK(tl);
	KT_OK(buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_READ));
	t0 = kt_now_ns();
	KT_OK(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	KT_OK(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	ms = (kt_now_ns() - t0) / 1000000;
	KT_CHECK(ms < 250, "READ start waited %lld ms for a reader", ms);
	ms = sync_wait_ms(fd, tl, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW, &err);
	KT_CHECK(!err, "SYNC failed: %s", strerror(err));
	KT_CHECK(ms >= 250, "RW start returned after %lld ms", ms);
	KT_OK(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	close(tl);
	close(fd);
	return KT_PASS;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static int interrupted_sync(int restart, int *err, long long *ms)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	struct sigaction sa;
	long long t0;
	int fd, tl, r;
	pid_t pid;

	fd = heap_alloc(PAGE);
	tl = sw_timeline();
	if (fd < 0 || tl < 0)
		return -1;
	if (buf_attach_pending(fd, tl, 1, DMA_BUF_SYNC_WRITE))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	/* the fence comes long after the 100 ms alarm, even on a loaded host */
	pid = signal_later(tl, 1500);
	t0 = kt_now_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	r = buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
	*err = r ? errno : 0;
	*ms = (kt_now_ns() - t0) / 1000000;
	reap(pid);
	if (!r)
		buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
	close(tl);
	close(fd);
	return 0;
}

/* With SA_RESTART the interrupted wait resumes and ends with the fence. */
static int t_sync_interrupted_wait_restarts(void)
{
	long long ms;
	int err;

	NEED_HEAP();
	NEED_SW_SYNC();
	KT_OK(interrupted_sync(1, &err, &ms));
	KT_CHECK(alarms == 1, "signal handler ran %d times", (int)alarms);
	KT_CHECK(err == 0, "SYNC failed with %s", strerror(err));
	KT_CHECK(ms >= 1400, "SYNC returned after %lld ms, before the fence", ms);
	return KT_PASS;
}

/* Without SA_RESTART the caller sees EINTR at the signal. */
static int t_sync_interrupted_wait_eintr(void)
{
	long long ms;
	int err;

	NEED_HEAP();
	NEED_SW_SYNC();
	KT_OK(interrupted_sync(0, &err, &ms));
	KT_CHECK(alarms == 1, "signal handler ran %d times", (int)alarms);
	KT_CHECK(err == EINTR, "SYNC ended with errno %d (%s), want EINTR",
		 err, strerror(err));
	KT_CHECK(ms < 1400, "EINTR only after %lld ms", ms);
	return KT_PASS;
}

/* ------------------------------------------------- fd over a socket */

static int t_fd_passed_over_unix_socket(void)
{
	int sv[2], fd, st;
	unsigned char *p;
	char v[64], ack;
	pid_t pid;

	NEED_HEAP();
	KT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();	/* before the buffer exists: nothing is inherited */
	KT_OK(pid);
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
	fd = heap_alloc(2 * PAGE);
	KT_OK(fd);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	KT_CHECK(p != MAP_FAILED, "mmap");
	p[0] = 0x11;
	p[2 * PAGE - 1] = 0x22;
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "from-parent"));
	KT_OK(send_fd(sv[0], fd));
	KT_CHECK(read(sv[0], &ack, 1) == 1, "no answer from the receiver");
	waitpid(pid, &st, 0);
	KT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "receiver failed with status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	KT_CHECK(p[1] == 0x33, "receiver's write not visible");
	KT_CHECK(fdinfo_field(fd, "name", v, sizeof(v)) == 0 &&
		 !strcmp(v, "from-child"), "receiver's rename not visible: '%s'", v);
	/* the receiver's references are gone: ours plus the mapping */
	KT_CHECK(fdinfo_field(fd, "count", v, sizeof(v)) == 0 && !strcmp(v, "2"),
		 "count '%s', want 2", v);
	munmap(p, 2 * PAGE);
	close(fd);
	return KT_PASS;
}

/* A buffer whose only reference is in flight in a socket still works. */
static int t_fd_in_flight_survives_sender_close(void)
{
	int sv[2], fd, b;
	unsigned long ino;
	char v[64];

	NEED_HEAP();
	KT_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	fd = heap_alloc(PAGE);
	KT_OK(fd);
	ino = fd_ino(fd);
	KT_OK(ioctl(fd, DMA_BUF_SET_NAME, "in-flight"));
	KT_OK(send_fd(sv[0], fd));
	close(fd);
	b = recv_fd(sv[1]);
	KT_OK(b);
	KT_CHECK(fd_ino(b) == ino, "another buffer arrived");
	KT_CHECK(fdinfo_field(b, "name", v, sizeof(v)) == 0 && !strcmp(v, "in-flight"),
		 "name '%s'", v);
	KT_CHECK(poll_fd(b, POLLIN | POLLOUT, 0) == (POLLIN | POLLOUT), "poll");
	close(b);
	close(sv[0]);
	close(sv[1]);
	return KT_PASS;
}

/* ------------------------------------------------ concurrent rename */

#define NAME_KINDS 8
#define STRESS_MS 2000

/* Name k is the letter 'a'+k repeated 4k+3 times: every legal name is
 * recognisable from any of its characters. */
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

static int t_set_name_concurrent_readers(void)
{
	struct stress s;
	pthread_t w, r1, r2;

	NEED_HEAP();
	memset(&s, 0, sizeof(s));
	s.fd = heap_alloc(PAGE);
	KT_OK(s.fd);
	KT_CHECK(pthread_create(&w, NULL, renamer, &s) == 0, "thread");
	KT_CHECK(pthread_create(&r1, NULL, name_reader, &s) == 0, "thread");
	KT_CHECK(pthread_create(&r2, NULL, name_reader, &s) == 0, "thread");
	kt_sleep_ms(STRESS_MS);
	s.stop = 1;
	pthread_join(w, NULL);
	pthread_join(r1, NULL);
	pthread_join(r2, NULL);
	kt_diag("%ld renames, %ld reads, %ld bad", s.renames, s.reads, s.bad);
	KT_CHECK(s.bad == 0, "torn or failed name: %s", s.badname);
	KT_CHECK(s.renames > 0 && s.reads > 0, "nothing happened");
	close(s.fd);
	return KT_PASS;
}

/* The same from another process reading /proc/<pid>/fd and fdinfo. */
static int t_set_name_concurrent_other_process(void)
{
	struct stress s;
	pthread_t w;
	pid_t pid;
	int st;

	NEED_HEAP();
	memset(&s, 0, sizeof(s));
	s.fd = heap_alloc(PAGE);
	KT_OK(s.fd);
	KT_OK(ioctl(s.fd, DMA_BUF_SET_NAME, "aaa"));
	pid = fork();
	KT_OK(pid);
	if (pid == 0) {
		char path[64], v[256], text[4096];
		long long end = kt_now_ns() + STRESS_MS * 1000000LL;
		pid_t pp = getppid();
		long n = 0;

		while (kt_now_ns() < end) {
			ssize_t l;

			snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pp, s.fd);
			l = readlink(path, v, sizeof(v) - 1);
			if (l < 8)
				_exit(2);
			v[l] = 0;
			if (strncmp(v, "/dmabuf:", 8) || !name_ok(v + 8)) {
				printf("# bad link '%s'\n", v);
				_exit(3);
			}
			if (fdinfo_text(pp, s.fd, text, sizeof(text)) < 0 ||
			    text_field(text, "name", v, sizeof(v)) || !name_ok(v)) {
				printf("# bad fdinfo name '%s'\n", v);
				_exit(4);
			}
			n++;
		}
		printf("# other process: %ld reads\n", n);
		_exit(0);
	}
	KT_CHECK(pthread_create(&w, NULL, renamer, &s) == 0, "thread");
	waitpid(pid, &st, 0);
	s.stop = 1;
	pthread_join(w, NULL);
	KT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reader saw garbage (%d)",
		 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	KT_CHECK(s.bad == 0, "rename failed");
	close(s.fd);
	return KT_PASS;
}

static const struct kt_case cases[] = {
	{ "poll_idle_buffer_ready", t_poll_idle_buffer_ready },
	{ "poll_write_fence_blocks_in_and_out", t_poll_write_fence_blocks_in_and_out },
	{ "poll_read_fence_blocks_out_only", t_poll_read_fence_blocks_out_only },
	{ "poll_waits_for_every_fence", t_poll_waits_for_every_fence },
	{ "poll_blocks_until_signalled", t_poll_blocks_until_signalled },
	{ "poll_woken_by_other_process", t_poll_woken_by_other_process },
	{ "epoll_woken_by_fence", t_epoll_woken_by_fence },
	{ "epoll_edge_triggered_idle_reported_every_wait", t_epoll_edge_triggered_idle_reported_every_wait },
	{ "poll_no_events_requested", t_poll_no_events_requested },
	{ "poll_survives_close_by_other_thread", t_poll_survives_close_by_other_thread },
	{ "epoll_survives_close", t_epoll_survives_close },
	{ "close_with_armed_callback", t_close_with_armed_callback },
	{ "poll_many_waiters_all_woken", t_poll_many_waiters_all_woken },
	{ "sync_start_waits_for_writer", t_sync_start_waits_for_writer },
	{ "sync_start_read_ignores_reader", t_sync_start_read_ignores_reader },
	{ "sync_interrupted_wait_restarts", t_sync_interrupted_wait_restarts },
	{ "sync_interrupted_wait_eintr", t_sync_interrupted_wait_eintr },
	{ "fd_passed_over_unix_socket", t_fd_passed_over_unix_socket },
	{ "fd_in_flight_survives_sender_close", t_fd_in_flight_survives_sender_close },
	{ "set_name_concurrent_readers", t_set_name_concurrent_readers },
	{ "set_name_concurrent_other_process", t_set_name_concurrent_other_process },
};

static void setup(void)
{
	tst_mounts();
}

int main(void)
{
	return ktap_main("dmabuf-fence", cases, KT_ARRAY_SIZE(cases), setup);
}
