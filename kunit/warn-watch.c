// SPDX-License-Identifier: GPL-2.0-only
/*
 * Observing the warnings a KUnit case provokes on purpose; see
 * warn-watch.h.  A probe on the "console" tracepoint sees each record
 * printk() stores, whatever the console log level, in the context of the
 * printing task.  While a case watches, the probe keeps the first lines
 * of the WARNING reports printed (by any task: the final fput() of a
 * kernel thread's file runs in a worker), and the case then says which
 * ones it expected.
 */

#include <kunit/test.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <trace/events/printk.h>

#include "test-util.h"
#include "warn-watch.h"

#define WATCH_LINES	4U
#define WATCH_LINE_LEN	192

static const char warn_head[] = "WARNING: CPU: ";

static struct {
	/* Guards the rest: the probe runs on any CPU, in any context. */
	spinlock_t lock;
	bool active;
	/* WARNING reports since the case began or last asserted them. */
	unsigned int seen;
	char line[WATCH_LINES][WATCH_LINE_LEN];
} watch = {
	.lock = __SPIN_LOCK_UNLOCKED(watch.lock),
};

static struct tracepoint *console_tp;

/* Runs for every printk() record: keep it cheap and never print. */
static void watch_console(void *ignore, const char *text, size_t len)
{
	unsigned long flags;
	size_t n;

	if (len < sizeof(warn_head) - 1 ||
	    memcmp(text, warn_head, sizeof(warn_head) - 1))
		return;
	spin_lock_irqsave(&watch.lock, flags);
	if (watch.active) {
		if (watch.seen < WATCH_LINES) {
			/* @text is not NUL-terminated. */
			n = min(len, sizeof(watch.line[0]) - 1);
			memcpy(watch.line[watch.seen], text, n);
			watch.line[watch.seen][n] = '\0';
		}
		watch.seen++;
	}
	spin_unlock_irqrestore(&watch.lock, flags);
}

static void watch_find_console(struct tracepoint *tp, void *ignore)
{
	check_trace_callback_type_console(watch_console);
	if (!console_tp && !strcmp(tp->name, "console") &&
	    !tracepoint_probe_register(tp, watch_console, NULL))
		console_tp = tp;
}

/**
 * dmabuf_warn_watch_suite_init() - attach the watch to the console tracepoint
 * @suite: the suite whose cases will watch
 *
 * Without tracepoints the watch stays detached, and dmabuf_warn_watch_begin()
 * skips the cases that would warn.
 *
 * Context: Process context; a suite's .suite_init.
 * Return: 0.
 */
int dmabuf_warn_watch_suite_init(struct kunit_suite *suite)
{
	for_each_kernel_tracepoint(watch_find_console, NULL);
	return 0;
}

/**
 * dmabuf_warn_watch_suite_exit() - detach the watch
 * @suite: the suite dmabuf_warn_watch_suite_init() was called for
 *
 * Context: Process context; a suite's .suite_exit.  Waits until no probe
 * runs any more.
 */
void dmabuf_warn_watch_suite_exit(struct kunit_suite *suite)
{
	if (!console_tp)
		return;
	tracepoint_probe_unregister(console_tp, watch_console, NULL);
	tracepoint_synchronize_unregister();
	console_tp = NULL;
}

/* Copies out and forgets the reports seen; returns how many there were. */
static unsigned int watch_take(char (*lines)[WATCH_LINE_LEN], bool stop)
{
	unsigned int seen;

	spin_lock_irq(&watch.lock);
	seen = watch.seen;
	memcpy(lines, watch.line, sizeof(watch.line));
	watch.seen = 0;
	if (stop)
		watch.active = false;
	spin_unlock_irq(&watch.lock);
	return seen;
}

/*
 * A report's line from "PID: " on: the location without the head that log
 * checkers look for, so quoting it does not read as a second report.
 */
static const char *watch_where(const char *line)
{
	const char *pid = strstr(line, "PID: ");

	return pid ?: line;
}

static void watch_report_unexpected(struct kunit *test,
				    char (*lines)[WATCH_LINE_LEN],
				    unsigned int from, unsigned int seen)
{
	unsigned int i;

	for (i = from; i < min(seen, WATCH_LINES); i++)
		KUNIT_FAIL(test, "unexpected warning: %s", watch_where(lines[i]));
	if (seen > WATCH_LINES)
		KUNIT_FAIL(test, "%u more unexpected warnings", seen - WATCH_LINES);
}

static void watch_end(void *data)
{
	struct kunit *test = data;
	char (*lines)[WATCH_LINE_LEN];
	unsigned int seen;

	lines = kcalloc(WATCH_LINES, sizeof(*lines), GFP_KERNEL);
	if (!lines) {
		spin_lock_irq(&watch.lock);
		seen = watch.seen;
		watch.active = false;
		spin_unlock_irq(&watch.lock);
		KUNIT_EXPECT_EQ_MSG(test, seen, 0U, "unexpected warnings");
		return;
	}
	seen = watch_take(lines, true);
	watch_report_unexpected(test, lines, 0, seen);
	kfree(lines);
}

/**
 * dmabuf_warn_watch_begin() - watch for warnings until the case ends
 * @test: the case, which must assert each warning printed from now on
 *
 * Skips the case when the watch could not attach to the console
 * tracepoint: a warning it cannot observe is a warning it must not
 * provoke.
 *
 * Context: Process context, in the case's .init or body.
 */
void dmabuf_warn_watch_begin(struct kunit *test)
{
	if (!console_tp)
		kunit_skip(test, "no console tracepoint to observe the warnings with");
	spin_lock_irq(&watch.lock);
	watch.seen = 0;
	watch.active = true;
	spin_unlock_irq(&watch.lock);
	dmabuf_test_defer(test, watch_end, test);
}

/*
 * The report names the function by the address the warning was raised
 * from; where WARN_ON() is a function's last act, the compiler may make it
 * a tail call, and the address is then in the caller: the case itself.
 */
static bool warned_in(struct kunit *test, const char *line, const char *func)
{
	char sym[64];

	if (!strstr(line, "drivers/dma-buf/"))
		return false;
	snprintf(sym, sizeof(sym), " %s+", func);
	if (strstr(line, sym))
		return true;
	snprintf(sym, sizeof(sym), " %s+", test->name);
	return strstr(line, sym);
}

static void expect_warnings(struct kunit *test, const char *func,
			    unsigned int min_seen, unsigned int max_seen)
{
	char (*lines)[WATCH_LINE_LEN];
	unsigned int seen, i;

	lines = kunit_kcalloc(test, WATCH_LINES, sizeof(*lines), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lines);
	seen = watch_take(lines, false);
	for (i = 0; i < min3(seen, max_seen, WATCH_LINES); i++) {
		if (!warned_in(test, lines[i], func))
			break;
		kunit_info(test, "expected warning observed: %s\n",
			   watch_where(lines[i]));
	}
	watch_report_unexpected(test, lines, i, seen);
	KUNIT_EXPECT_GE_MSG(test, seen, min_seen, "%s() did not warn", func);
}

/**
 * dmabuf_expect_warning() - assert that exactly one warning came from @func
 * @test: the case, watching since dmabuf_warn_watch_begin()
 * @func: the function that must have warned, in drivers/dma-buf/
 *
 * Fails the case for a missing warning and for every other one seen since
 * the last assertion; forgets them all.
 *
 * Context: Process context.
 */
void dmabuf_expect_warning(struct kunit *test, const char *func)
{
	expect_warnings(test, func, 1, 1);
}

/**
 * dmabuf_expect_warning_once() - assert at most one warning, from @func
 * @test: the case, watching since dmabuf_warn_watch_begin()
 * @func: the function that may have warned, in drivers/dma-buf/
 *
 * For a WARN_ON_ONCE(), which an earlier case or caller may have used up.
 *
 * Context: Process context.
 */
void dmabuf_expect_warning_once(struct kunit *test, const char *func)
{
	expect_warnings(test, func, 0, 1);
}

/**
 * dmabuf_expect_no_warning() - assert that nothing warned since the last check
 * @test: the case, watching since dmabuf_warn_watch_begin()
 *
 * Context: Process context.
 */
void dmabuf_expect_no_warning(struct kunit *test)
{
	expect_warnings(test, "", 0, 0);
}
