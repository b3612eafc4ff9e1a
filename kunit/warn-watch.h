/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Observing the warnings a KUnit case provokes on purpose.
 *
 * Where the 6.1 contract answers a misuse with WARN_ON() and an errno, a
 * case asserts the warning as it asserts the errno: it was printed, once,
 * by the function that was misused, from the core's source.  The watch
 * sees what printk() stores through the "console" tracepoint and keeps
 * the WARNING lines printed by the case's own thread.
 *
 * An asserted warning is acknowledged in the case's log with a line
 * "expected warning observed: PID: <pid> at <file>:<line> <function>",
 * which lets a log checker tell a report a test asserted from one nobody
 * expected.  A warning the case did not assert fails the case.
 */
#ifndef DMA_BUF_KUNIT_WARN_WATCH_H
#define DMA_BUF_KUNIT_WARN_WATCH_H

struct kunit;
struct kunit_suite;

int dmabuf_warn_watch_suite_init(struct kunit_suite *suite);
void dmabuf_warn_watch_suite_exit(struct kunit_suite *suite);

void dmabuf_warn_watch_begin(struct kunit *test);
void dmabuf_expect_warning(struct kunit *test, const char *func);
void dmabuf_expect_warning_once(struct kunit *test, const char *func);
void dmabuf_expect_no_warning(struct kunit *test);

#endif /* DMA_BUF_KUNIT_WARN_WATCH_H */
