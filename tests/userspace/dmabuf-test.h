/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userspace dma-buf tests run on the kernel's own selftest harness,
 * tools/testing/selftests/kselftest_harness.h of the tree under test (the
 * build passes -I<tree>/tools/testing/selftests): TEST(), FIXTURE(),
 * TEST_F(), FIXTURE_VARIANT(), ASSERT_*(), EXPECT_*(), SKIP() and TH_LOG()
 * mean what they mean in the kernel's selftests, and the output is the TAP
 * they print.  Each test runs in a child process of its own, so a crash or
 * a leaked descriptor cannot spoil the next one.
 *
 * This header adds only what the dma-buf tests need on top:
 *  - a 60 s timeout per test instead of 30 (qemu under TCG, KASAN);
 *  - line-buffered stdout, so that ksft_print_msg() lines written inside a
 *    test survive the _exit() the harness ends the test's child with;
 *  - ASSERT_SYSCALL() and ASSERT_ERRNO() for the errno contract;
 *  - BEYOND_UPSTREAM() for tests of what the original core does not do.
 *
 * Three things the harness does not say:
 *  - ASSERT_EQ()/ASSERT_NE() cast both sides to an integer, which for a
 *    pointer does not build with -m32 -Werror (dmabuf-uapi is built so):
 *    compare pointers with ASSERT_TRUE(p != MAP_FAILED) and the like;
 *  - 6.1's harness runs the test body even after a SKIP() in its
 *    FIXTURE_SETUP() (6.12's does not): skip in the body;
 *  - ASSERT_SYSCALL() and ASSERT_ERRNO() log the errno themselves and take
 *    no TH_LOG() after them.
 *
 * An ASSERT_*() with its TH_LOG() is two statements (a check, then a
 * handler loop that logs and bails): brace the body of an if, for or
 * while that holds one.  ASSERT_*() leave the test by longjmp(): use them
 * on the test's own thread only.  Helper threads and forked helpers report back through
 * their return value or exit status, which the test then asserts.
 */
#ifndef DMABUF_TESTS_TEST_H
#define DMABUF_TESTS_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 60

static void __attribute__((constructor)) dmabuf_test_stdio(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
}

/* expr, a system call's result, must not be -1. */
#define ASSERT_SYSCALL(expr) do {					\
	long dt_r = (long)(expr);					\
	int dt_e = errno;						\
									\
	ASSERT_NE(-1, dt_r)						\
		TH_LOG("%s: errno %d (%s)", #expr, dt_e, strerror(dt_e)); \
} while (0)

/* expr, a system call's result, must be -1 with errno err. */
#define ASSERT_ERRNO(expr, err) do {					\
	long dt_r;							\
	int dt_e;							\
									\
	errno = 0;							\
	dt_r = (long)(expr);						\
	dt_e = errno;							\
	ASSERT_EQ(-1, dt_r)						\
		TH_LOG("%s returned %ld, expected errno %d (%s)",	\
		       #expr, dt_r, (err), strerror(err));		\
	ASSERT_EQ((err), dt_e)						\
		TH_LOG("%s: errno %d (%s), expected %d (%s)", #expr,	\
		       dt_e, strerror(dt_e), (err), strerror(err));	\
} while (0)

/*
 * Which core runs: "upstream" when the kernel command line carries
 * dmabuf.impl=upstream, or DMABUF_IMPL=upstream is in the environment.
 */
static inline int dmabuf_on_upstream(void)
{
	const char *e = getenv("DMABUF_IMPL");
	char cmd[4096];
	ssize_t n;
	int fd;

	if (e)
		return !strcmp(e, "upstream");
	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	cmd[n > 0 ? n : 0] = 0;
	return strstr(cmd, "dmabuf.impl=upstream") != NULL;
}

/*
 * First statement of a test named *_beyond_upstream: it checks something
 * the original core does not guarantee, so on the original it is skipped.
 */
#define BEYOND_UPSTREAM()						\
	do {								\
		if (dmabuf_on_upstream())				\
			SKIP(return, "beyond upstream: the original "	\
			     "core is not required to do this");	\
	} while (0)

#endif /* DMABUF_TESTS_TEST_H */
