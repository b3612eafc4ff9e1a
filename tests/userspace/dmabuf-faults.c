// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-faults: every userspace entry point of the dma-buf core under
 * injected allocation failures (/proc/thread-self/fail-nth over every
 * slab allocation; see fail_nth_setup() for why page allocations keep
 * fail_page_alloc's defaults).
 *
 * For one entry point the call is made again and again with the N-th
 * fault-injection point it passes made to fail, N = 1, 2, 3, ..., until a
 * call passes every point it has without the armed fault being reached
 * (fail_nth_disarm() false); N stops at MAX_NTH.  Between arming and
 * disarming the thread makes that one system call (or one memory access)
 * and nothing else.  For every N:
 *
 *  - a failure has an errno of the set the entry point allows (ENOMEM,
 *    and ENOENT for a /proc lookup), a read may also come back short, and
 *    a first touch of a mapping may raise SIGBUS (caught, not a crash);
 *    a failure with no fault injected is wrong too;
 *  - nothing is left half-visible: after a failure the buffers listed in
 *    debugfs bufinfo (ino column) and in /sys/kernel/dmabuf/buffers are
 *    exactly those listed before the call, the descriptors in
 *    /proc/self/fd are the same, and the buffer the call worked on keeps
 *    its reference count, attachments and mappings; after a success there
 *    is exactly the one new buffer (and descriptor) the call made;
 *  - after a failure the same call with nothing armed works;
 *  - once the setup is undone, everything is as before the attempt.
 *
 * Entry points: DMA_HEAP_IOCTL_ALLOC (also with a full descriptor table,
 * so that installing the fd has to grow it), UDMABUF_CREATE, PRIME import
 * into vgem (attach + map), DMA_BUF_SET_NAME, DMA_BUF_IOCTL_SYNC start and
 * end, EXPORT_SYNC_FILE, IMPORT_SYNC_FILE, mmap and a first touch, poll,
 * fstat, and reading fdinfo, bufinfo and the two sysfs files (open and
 * read separately).  Each test prints "# faults injected=N wrong_errno=M";
 * once the harness is done, the program prints the sum over all tests,
 * "# fault-injection total injected=N wrong_errno=M" (harness/figures.sh).
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <dirent.h>
#include <setjmp.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#define PAGE		((size_t)tst_page_size())
#define BUF_LEN		(2 * PAGE)
#define MAX_NTH		200	/* the highest N tried for one entry point */
#define MAX_BUFS	1024
#define MAX_PROBLEMS	5	/* an entry point stops after this many */
#define TEXT_CAP	(256 * 1024)
#define NR_OPEN_DEFAULT_FDS 64	/* descriptors a new process's table holds */

/* The DRM ABI bits used (no libdrm, no installed drm headers needed). */
struct tst_drm_prime_handle {
	__u32 handle;
	__u32 flags;
	__s32 fd;
};
struct tst_drm_gem_close {
	__u32 handle;
	__u32 pad;
};
#define TST_DRM_IOCTL_GEM_CLOSE		 _IOW('d', 0x09, struct tst_drm_gem_close)
#define TST_DRM_IOCTL_PRIME_FD_TO_HANDLE _IOWR('d', 0x2e, struct tst_drm_prime_handle)

/* ------------------------------------------------------------ totals */

/*
 * Shared with the test processes (the harness runs each test in a child):
 * MAP_SHARED, mapped by faults_setup() before the first test, read by
 * faults_total() when the harness's parent exits.
 */
struct totals {
	int started;			/* tests that began */
	int injected;
	int wrong;
};
static struct totals g_tot_local, *g_tot = &g_tot_local;
static pid_t g_main_pid;		/* the harness's parent */
static int g_fault_ok;			/* fail_nth_setup() worked */

/* The running test's counts. */
static struct {
	int injected, wrong, bad;
} g_st;

/* -------------------------------------------------------- snapshots */

struct snap {
	int fds;			/* entries of /proc/self/fd */
	int nbi, nsy;			/* -1: not readable */
	unsigned long bi[MAX_BUFS];	/* bufinfo inodes, sorted */
	unsigned long sy[MAX_BUFS];	/* sysfs directories, sorted */
	long tcount;			/* the target's bufinfo count, -1 unlisted */
	int tattach;			/* its attached devices, -1 unlisted */
	int tmaps;			/* its mappings in /proc/self/maps */
};

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void snap_bufinfo(struct snap *s, unsigned long ino)
{
	static char text[1 << 20];
	char *p, *nl;
	int target = 0;

	s->nbi = -1;
	s->tcount = -1;
	s->tattach = -1;
	if (read_text(BUFINFO_PATH, text, sizeof(text)) < 0)
		return;
	s->nbi = 0;
	for (p = text; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		if (*p >= '0' && *p <= '9') {
			/* size flags mode count exp_name ino name */
			char *f[7], *q = p;
			unsigned long b;
			int n = 0;

			f[n++] = q;
			while (n < 7 && (q = strchr(q, '\t'))) {
				*q++ = 0;
				f[n++] = q;
			}
			target = 0;
			if (n < 6)
				continue;
			b = strtoul(f[5], NULL, 10);
			if (s->nbi < MAX_BUFS)
				s->bi[s->nbi++] = b;
			if (ino && b == ino) {
				target = 1;
				s->tcount = strtol(f[3], NULL, 10);
				s->tattach = 0;
			}
		} else if (target && !strncmp(p, "Total ", 6) &&
			   strstr(p, "devices attached")) {
			s->tattach = atoi(p + 6);
			target = 0;
		}
	}
	qsort(s->bi, s->nbi, sizeof(s->bi[0]), cmp_ul);
}

static void snap_sysfs(struct snap *s)
{
	DIR *d = opendir(SYSFS_BUFFERS);
	struct dirent *de;

	s->nsy = -1;
	if (!d)
		return;
	s->nsy = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (s->nsy < MAX_BUFS)
			s->sy[s->nsy++] = strtoul(de->d_name, NULL, 10);
	}
	closedir(d);
	qsort(s->sy, s->nsy, sizeof(s->sy[0]), cmp_ul);
}

/* Mappings of the dma-buf with inode ino ("/dmabuf:<name>" lines). */
static int count_maps(unsigned long ino)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long i;

		if (!strstr(line, "dmabuf"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %lu", &i) == 1 && i == ino)
			n++;
	}
	fclose(f);
	return n;
}

static void snap_take(struct snap *s, unsigned long ino, int maps)
{
	s->fds = count_fds();
	snap_bufinfo(s, ino);
	snap_sysfs(s);
	s->tmaps = maps && ino ? count_maps(ino) : 0;
}

/*
 * Is b exactly a plus `extra` (0: nothing more)?  Otherwise describe the
 * first difference in why.
 */
static int same_set(const unsigned long *a, int na, const unsigned long *b,
		    int nb, unsigned long extra, char *why, size_t len)
{
	int i = 0, j = 0, seen_extra = 0;

	while (i < na || j < nb) {
		if (j < nb && extra && b[j] == extra && !seen_extra &&
		    (i >= na || a[i] != extra)) {
			seen_extra = 1;
			j++;
			continue;
		}
		if (i < na && j < nb && a[i] == b[j]) {
			i++;
			j++;
			continue;
		}
		if (j >= nb || (i < na && a[i] < b[j]))
			snprintf(why, len, "buffer %lu is gone", a[i]);
		else
			snprintf(why, len, "buffer %lu appeared", b[j]);
		return 0;
	}
	if (extra && !seen_extra) {
		snprintf(why, len, "the new buffer %lu is not listed", extra);
		return 0;
	}
	return 1;
}

/*
 * Compare b with a: dfds more descriptors, `extra` the one new buffer
 * (0: none), and with `target` the target buffer's count, attachments and
 * mappings unchanged.  Prints what differs unless quiet; 0 when equal.
 */
static int snap_cmp(const char *when, const struct snap *a, const struct snap *b,
		    int dfds, unsigned long extra, int target, int quiet)
{
	char why[128];
	int bad = 0;

	if (a->fds >= 0 && b->fds != a->fds + dfds) {
		if (!quiet)
			ksft_print_msg("%s: %d descriptors open, expected %d\n", when,
				       b->fds, a->fds + dfds);
		bad = 1;
	}
	if (a->nbi >= 0) {
		if (b->nbi < 0) {
			snprintf(why, sizeof(why), "not readable any more");
			bad = 1;
		} else if (!same_set(a->bi, a->nbi, b->bi, b->nbi, extra, why,
				     sizeof(why))) {
			bad = 1;
		} else {
			why[0] = 0;
		}
		if (why[0] && !quiet)
			ksft_print_msg("%s: bufinfo: %s (%d buffers listed, %d before)\n",
				       when, why, b->nbi, a->nbi);
	}
	if (a->nsy >= 0) {
		if (b->nsy < 0) {
			snprintf(why, sizeof(why), "not readable any more");
			bad = 1;
		} else if (!same_set(a->sy, a->nsy, b->sy, b->nsy, extra, why,
				     sizeof(why))) {
			bad = 1;
		} else {
			why[0] = 0;
		}
		if (why[0] && !quiet)
			ksft_print_msg("%s: " SYSFS_BUFFERS ": %s (%d buffers, %d before)\n",
				       when, why, b->nsy, a->nsy);
	}
	if (target && (a->tcount != b->tcount || a->tattach != b->tattach ||
		       a->tmaps != b->tmaps)) {
		if (!quiet)
			ksft_print_msg("%s: the buffer's count %ld, attachments %d, "
				       "mappings %d; before %ld, %d, %d\n", when,
				       b->tcount, b->tattach, b->tmaps, a->tcount,
				       a->tattach, a->tmaps);
		bad = 1;
	}
	return bad;
}

/* ------------------------------------------------------- the fixture */

/* Everything a call touches lives here, written before a fault is armed. */
struct fx {
	int heap, udev, drm, devnull;
	int buf;			/* the buffer the call works on */
	unsigned long ino;		/* its inode, followed by snapshots */
	const char *exp_name;		/* of the buffers a call creates */
	int newfd;			/* descriptor a successful call made */
	int memfd;
	int timeline, timeline2;
	unsigned int seq;
	struct dma_heap_allocation_data had;
	struct udmabuf_create uc;
	struct tst_drm_prime_handle ph;
	struct dma_buf_sync sync;
	__u64 sync_flags;
	struct dma_buf_export_sync_file exp;
	struct dma_buf_import_sync_file imp;
	int expect_pending;		/* the exported sync_file is unsignalled */
	struct pollfd pfd;
	short want_revents;
	struct stat st;
	void *map;
	unsigned char val;
	char name[DMA_BUF_NAME_LEN], cur_name[DMA_BUF_NAME_LEN];
	char path[128];
	int rfd;
	char *rbuf, *ref;
	size_t rcap;
	ssize_t ref_len;
	int fill[NR_OPEN_DEFAULT_FDS];
	int nfill;
};

static struct fx F;
static char g_rbuf[TEXT_CAP], g_ref[TEXT_CAP];

static void fx_init(void)
{
	memset(&F, 0, sizeof(F));
	F.buf = F.drm = F.memfd = F.rfd = F.newfd = -1;
	F.timeline = F.timeline2 = -1;
	F.map = MAP_FAILED;
	F.heap = open(HEAP_PATH, O_RDONLY | O_CLOEXEC);
	F.udev = open(UDMABUF_PATH, O_RDWR | O_CLOEXEC);
	F.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	F.rbuf = g_rbuf;
	F.ref = g_ref;
	F.rcap = sizeof(g_rbuf);
}

/* A buffer from the system heap through the fixture's heap descriptor. */
static int fx_heap_buf(void)
{
	struct dma_heap_allocation_data d;

	memset(&d, 0, sizeof(d));
	d.len = BUF_LEN;
	d.fd_flags = O_RDWR | O_CLOEXEC;
	if (ioctl(F.heap, DMA_HEAP_IOCTL_ALLOC, &d) < 0)
		return -1;
	return (int)d.fd;
}

/* Point the fixture at buffer fd. */
static void fx_target(struct fx *fx, int fd)
{
	fx->buf = fd;
	fx->ino = fd >= 0 ? fd_ino(fd) : 0;
}

/* --------------------------------------------------- the armed call */

struct phase;

/* What the armed call left; volatile: a SIGBUS comes back by siglongjmp. */
static sigjmp_buf g_jmp;
static volatile sig_atomic_t g_jmp_ready;
static volatile long g_r;
static volatile int g_errno, g_sigbus, g_armerr, g_injected;
static volatile unsigned int g_n;

struct phase {
	const char *call;		/* printed with every finding */
	const int *allowed;		/* errnos a failure may have, 0-ended */
	int new_fds;			/* a success adds this many descriptors */
	int creates;			/* a success makes one new buffer */
	int maps;			/* follow the target's mappings */
	int fresh;			/* prep makes a new target every time */
	int grow_fdtable;		/* the fd table is full during the call */
	int (*prep)(struct fx *);	/* before every attempt; 0 = ready */
	long (*fn)(struct fx *);	/* the call: one syscall, nothing else */
	int (*out_fd)(struct fx *, long r); /* the descriptor a success made */
	/* after a success: 0 fine, 1 a short result (counts as failed), -1 wrong */
	int (*ok)(struct fx *, long r, const struct snap *pre,
		  const struct snap *post, const char *when);
	int (*failed)(struct fx *, const char *when); /* state after a failure */
	void (*undo)(struct fx *, long r);	/* both outcomes */
};

static void on_sigbus(int sig)
{
	if (g_jmp_ready)
		siglongjmp(g_jmp, 1);
	signal(sig, SIG_DFL);	/* not ours: the access faults again and kills */
}

/*
 * Arm the n-th fault (n = 0: nothing armed), make the call, disarm.  Only
 * the call runs while armed: no output, no allocation, no other syscall.
 */
static void armed_call(const struct phase *ph, struct fx *fx, unsigned int n)
{
	g_r = -1;
	g_errno = 0;
	g_sigbus = 0;
	g_armerr = 0;
	g_n = n;
	g_jmp_ready = 1;
	if (sigsetjmp(g_jmp, 0)) {
		g_sigbus = 1;
	} else if (n && fail_nth_arm(n)) {
		g_armerr = errno ? errno : EIO;
	} else {
		g_r = ph->fn(fx);
		g_errno = errno;
	}
	g_injected = g_n ? fail_nth_disarm() : 0;
	g_jmp_ready = 0;
}

/* Fill the free slots of the default fd table: the call's fd needs a bigger one. */
static int fill_fdtable(struct fx *fx)
{
	int fd;

	fx->nfill = 0;
	for (fd = 0; fd < NR_OPEN_DEFAULT_FDS; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		if (dup2(fx->devnull, fd) != fd)
			return -1;
		fx->fill[fx->nfill++] = fd;
	}
	return 0;
}

static void unfill_fdtable(struct fx *fx)
{
	while (fx->nfill > 0)
		close(fx->fill[--fx->nfill]);
}

static int errno_allowed(const int *allowed, int e)
{
	for (; *allowed; allowed++)
		if (*allowed == e)
			return 1;
	return 0;
}

#define R_FAILED	1	/* the call failed: errno, short read, SIGBUS */
#define R_INJECTED	2	/* fail_nth_disarm() said the fault was injected */
#define R_BAD		4	/* a check failed */
#define R_WRONG		8	/* failed with an errno outside the allowed set */

/* Once undone, the state has to return to base (a little settling allowed). */
static int settle(const char *when, const struct phase *ph, const struct snap *base)
{
	static struct snap now;
	int i;

	for (i = 0; ; i++) {
		snap_take(&now, F.ino, ph->maps);
		if (!snap_cmp(when, base, &now, 0, 0, !ph->fresh, 1)) {
			if (i)
				ksft_print_msg("%s: took %d ms to settle\n", when, i * 10);
			return 0;
		}
		if (i == 50)
			return snap_cmp(when, base, &now, 0, 0, !ph->fresh, 0);
		tst_sleep_ms(10);
	}
}

/* One attempt of the phase's call with the n-th fault armed (n = 0: none). */
static int attempt(const struct phase *ph, unsigned int n, const struct snap *base)
{
	static struct snap pre, post;
	struct fx *fx = &F;
	char when[192];
	int res = 0, ok;
	long r;

	fx->newfd = -1;
	if (ph->prep && ph->prep(fx)) {
		ksft_print_msg("%s: setup for N=%u failed: %s\n", ph->call, n, strerror(errno));
		if (ph->undo)
			ph->undo(fx, -1);
		return R_BAD | R_FAILED;
	}
	snap_take(&pre, fx->ino, ph->maps);
	if (ph->grow_fdtable && fill_fdtable(fx)) {
		ksft_print_msg("%s: cannot fill the fd table: %s\n", ph->call, strerror(errno));
		unfill_fdtable(fx);
		if (ph->undo)
			ph->undo(fx, -1);
		return R_BAD | R_FAILED;
	}

	armed_call(ph, fx, n);

	if (ph->grow_fdtable)
		unfill_fdtable(fx);
	r = g_sigbus ? -1 : g_r;
	if (g_injected)
		res |= R_INJECTED;
	snprintf(when, sizeof(when), "%s, N=%u%s", ph->call, n,
		 !n ? " (nothing armed)" : g_injected ? " (injected)" :
		 " (not reached)");
	if (g_armerr) {
		ksft_print_msg("%s: cannot arm fail-nth: %s\n", when, strerror(g_armerr));
		res |= R_BAD;
		goto undo;
	}
	if (g_sigbus) {
		res |= R_FAILED;
		if (!g_injected) {
			ksft_print_msg("%s: SIGBUS with no fault injected\n", when);
			res |= R_BAD;
		}
	} else if (r < 0) {
		res |= R_FAILED;
		if (!g_injected) {
			ksft_print_msg("%s: failed with errno %d (%s) and no fault injected\n",
				       when, g_errno, strerror(g_errno));
			res |= R_BAD;
		} else if (!errno_allowed(ph->allowed, g_errno)) {
			ksft_print_msg("wrong errno: N=%u errno=%d (%s) from %s\n", n,
				       g_errno, strerror(g_errno), ph->call);
			res |= R_WRONG;
		}
	} else {
		unsigned long extra = 0;

		snap_take(&post, fx->ino, ph->maps);
		if (ph->new_fds) {
			fx->newfd = ph->out_fd ? ph->out_fd(fx, r) : (int)r;
			if (fcntl(fx->newfd, F_GETFD) < 0) {
				ksft_print_msg("%s: succeeded, but its descriptor %d is not open\n",
					       when, fx->newfd);
				res |= R_BAD;
			}
			if (ph->grow_fdtable && fx->newfd < NR_OPEN_DEFAULT_FDS)
				ksft_print_msg("%s: got fd %d: the table did not have to grow\n",
					       when, fx->newfd);
		}
		if (ph->creates) {
			extra = fx->newfd >= 0 ? fd_ino(fx->newfd) : 0;
			if (!extra) {
				ksft_print_msg("%s: no inode for the new buffer\n", when);
				res |= R_BAD;
			}
		}
		if (snap_cmp(when, &pre, &post, ph->new_fds, extra, 0, 0))
			res |= R_BAD;
		ok = ph->ok ? ph->ok(fx, r, &pre, &post, when) : 0;
		if (ok < 0) {
			res |= R_BAD;
		} else if (ok > 0) {
			res |= R_FAILED;
			if (!g_injected) {
				ksft_print_msg("%s: short result with no fault injected\n", when);
				res |= R_BAD;
			}
		}
	}
	if (res & R_FAILED) {
		/* Nothing of a failed call may remain. */
		snap_take(&post, fx->ino, ph->maps);
		if (snap_cmp(when, &pre, &post, 0, 0, 1, 0))
			res |= R_BAD;
		if (ph->failed && ph->failed(fx, when))
			res |= R_BAD;
	}
undo:
	if (ph->undo)
		ph->undo(fx, r);
	snprintf(when, sizeof(when), "%s, N=%u, after cleanup", ph->call, n);
	if (settle(when, ph, base))
		res |= R_BAD;
	return res;
}

/* The same, in a child process where the phase wants a fresh fd table. */
static int attempt_run(const struct phase *ph, unsigned int n, const struct snap *base)
{
	int status = 0;
	pid_t pid;

	if (!ph->grow_fdtable)
		return attempt(ph, n, base);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("%s: fork: %s\n", ph->call, strerror(errno));
		return R_BAD | R_FAILED;
	}
	if (pid == 0) {
		int res = attempt(ph, n, base);

		fflush(stdout);
		_exit(res);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		ksft_print_msg("%s, N=%u: the attempt's process died (status %#x)\n",
			       ph->call, n, status);
		return R_BAD | R_FAILED;
	}
	return WEXITSTATUS(status);
}

/* N = 1, 2, ... until the call runs clean with nothing injected. */
static void run_phase(const struct phase *ph)
{
	static struct snap base;
	int injected = 0, failed = 0, survived = 0, bad = 0, res;
	long long t0 = tst_now_ns();
	unsigned int n, clean = 0;

	snap_take(&base, F.ino, ph->maps);
	for (n = 1; n <= MAX_NTH && !clean; n++) {
		res = attempt_run(ph, n, &base);
		if (res & R_INJECTED)
			injected++;
		if (res & R_WRONG)
			g_st.wrong++;
		if (res & R_BAD)
			bad++;
		if (res & R_FAILED) {
			failed++;
			/* Disarmed, the same call has to work. */
			res = attempt_run(ph, 0, &base);
			if (res & (R_FAILED | R_BAD | R_WRONG)) {
				ksft_print_msg("%s: the clean retry after N=%u did not work\n",
					       ph->call, n);
				bad++;
			}
		} else if (!(res & R_INJECTED)) {
			clean = n;
		} else {
			survived++;
		}
		if (bad >= MAX_PROBLEMS) {
			ksft_print_msg("%s: giving up after %d problems\n", ph->call, bad);
			break;
		}
	}
	if (!clean && bad < MAX_PROBLEMS) {
		ksft_print_msg("%s: no clean run within N=1..%d\n", ph->call, MAX_NTH);
		bad++;
	}
	g_st.injected += injected;
	g_st.bad += bad;
	ksft_print_msg("%s: clean at N=%u; %d injected: %d failed, %d survived; "
		       "%d problems; %lld ms\n", ph->call, clean, injected, failed,
		       survived, bad, (tst_now_ns() - t0) / 1000000);
}

/* ------------------------------------------------------ test frame */

#define NO_FAULTS "no fault injection (/proc/thread-self/fail-nth, " \
	"CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"

/* The first statement of every test: skips without fault injection. */
#define FAULT_TEST_BEGIN()						\
	do {								\
		__sync_fetch_and_add(&g_tot->started, 1);		\
		memset(&g_st, 0, sizeof(g_st));				\
		if (!g_fault_ok)					\
			SKIP(return, NO_FAULTS);			\
		fx_init();						\
	} while (0)

/* The last statement of every test: its counts, also into the total. */
static void fault_test_end(struct __test_metadata *_metadata)
{
	ksft_print_msg("faults injected=%d wrong_errno=%d\n", g_st.injected, g_st.wrong);
	__sync_fetch_and_add(&g_tot->injected, g_st.injected);
	__sync_fetch_and_add(&g_tot->wrong, g_st.wrong);
	EXPECT_EQ(0, g_st.wrong) TH_LOG("failures with an errno not allowed (above)");
	EXPECT_EQ(0, g_st.bad) TH_LOG("problems (above)");
}

static const int e_nomem[] = { ENOMEM, 0 };
/* A /proc lookup whose inode cannot be made answers ENOENT. */
static const int e_proc_open[] = { ENOMEM, ENOENT, 0 };

/* ------------------------------------------------- creating buffers */

/* A new buffer: both sysfs files there and right, fdinfo right. */
static int new_buffer_ok(struct fx *fx, long r, const struct snap *pre,
			 const struct snap *post, const char *when)
{
	char path[160], text[64], want[64];
	unsigned long ino = fd_ino(fx->newfd);

	(void)r;
	(void)pre;
	if (post->nsy >= 0) {
		snprintf(path, sizeof(path), SYSFS_BUFFERS "/%lu/size", ino);
		snprintf(want, sizeof(want), "%zu\n", BUF_LEN);
		if (read_text(path, text, sizeof(text)) < 0 || strcmp(text, want)) {
			ksft_print_msg("%s: %s unreadable or not %zu\n", when, path, BUF_LEN);
			return -1;
		}
		snprintf(path, sizeof(path), SYSFS_BUFFERS "/%lu/exporter_name", ino);
		snprintf(want, sizeof(want), "%s\n", fx->exp_name);
		if (read_text(path, text, sizeof(text)) < 0 || strcmp(text, want)) {
			ksft_print_msg("%s: %s unreadable or not %s\n", when, path, fx->exp_name);
			return -1;
		}
	}
	if (fdinfo_field(fx->newfd, "exp_name", text, sizeof(text)) ||
	    strcmp(text, fx->exp_name)) {
		ksft_print_msg("%s: fdinfo exp_name '%s'\n", when, text);
		return -1;
	}
	return 0;
}

static int heap_prep(struct fx *fx)
{
	memset(&fx->had, 0, sizeof(fx->had));
	fx->had.len = BUF_LEN;
	fx->had.fd_flags = O_RDWR | O_CLOEXEC;
	return 0;
}

static long heap_fn(struct fx *fx)
{
	return ioctl(fx->heap, DMA_HEAP_IOCTL_ALLOC, &fx->had);
}

static int heap_out(struct fx *fx, long r)
{
	(void)r;
	return (int)fx->had.fd;
}

static void heap_undo(struct fx *fx, long r)
{
	if (r == 0)
		close((int)fx->had.fd);
}

static const struct phase ph_heap_alloc = {
	.call = "DMA_HEAP_IOCTL_ALLOC", .allowed = e_nomem,
	.new_fds = 1, .creates = 1,
	.prep = heap_prep, .fn = heap_fn, .out_fd = heap_out,
	.ok = new_buffer_ok, .undo = heap_undo,
};

/* The buffer is made, then installing its fd has to grow the table. */
static const struct phase ph_heap_alloc_grow = {
	.call = "DMA_HEAP_IOCTL_ALLOC with a full fd table", .allowed = e_nomem,
	.new_fds = 1, .creates = 1, .grow_fdtable = 1,
	.prep = heap_prep, .fn = heap_fn, .out_fd = heap_out,
	.ok = new_buffer_ok, .undo = heap_undo,
};

TEST(fault_heap_alloc)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	ASSERT_SYSCALL(F.heap);
	F.exp_name = "system";
	run_phase(&ph_heap_alloc);
	run_phase(&ph_heap_alloc_grow);
	fault_test_end(_metadata);
}

static int udmabuf_prep(struct fx *fx)
{
	fx->memfd = memfd_create("tst-faults", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (fx->memfd < 0 || ftruncate(fx->memfd, (off_t)BUF_LEN) ||
	    fcntl(fx->memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		return -1;
	memset(&fx->uc, 0, sizeof(fx->uc));
	fx->uc.memfd = (__u32)fx->memfd;
	fx->uc.flags = UDMABUF_FLAGS_CLOEXEC;
	fx->uc.offset = 0;
	fx->uc.size = BUF_LEN;
	return 0;
}

static long udmabuf_fn(struct fx *fx)
{
	return ioctl(fx->udev, UDMABUF_CREATE, &fx->uc);
}

static void udmabuf_undo(struct fx *fx, long r)
{
	if (r >= 0)
		close((int)r);
	if (fx->memfd >= 0)
		close(fx->memfd);
	fx->memfd = -1;
}

static const struct phase ph_udmabuf = {
	.call = "UDMABUF_CREATE", .allowed = e_nomem,
	.new_fds = 1, .creates = 1,
	.prep = udmabuf_prep, .fn = udmabuf_fn,
	.ok = new_buffer_ok, .undo = udmabuf_undo,
};

TEST(fault_udmabuf_create)
{
	FAULT_TEST_BEGIN();
	NEED_UDMABUF();
	ASSERT_SYSCALL(F.udev);
	F.exp_name = "udmabuf";
	run_phase(&ph_udmabuf);
	fault_test_end(_metadata);
}

/* ------------------------------------------------------ vgem import */

static int import_prep(struct fx *fx)
{
	memset(&fx->ph, 0, sizeof(fx->ph));
	fx->ph.fd = fx->buf;
	return 0;
}

static long import_fn(struct fx *fx)
{
	return ioctl(fx->drm, TST_DRM_IOCTL_PRIME_FD_TO_HANDLE, &fx->ph);
}

static int import_ok(struct fx *fx, long r, const struct snap *pre,
		     const struct snap *post, const char *when)
{
	(void)r;
	if (!fx->ph.handle) {
		ksft_print_msg("%s: no GEM handle\n", when);
		return -1;
	}
	/* How many references DRM keeps is its business; it keeps some. */
	if (pre->nbi >= 0 && (post->tattach != pre->tattach + 1 ||
			      post->tcount <= pre->tcount)) {
		ksft_print_msg("%s: attachments %d -> %d, count %ld -> %ld after the "
			       "import\n", when, pre->tattach, post->tattach,
			       pre->tcount, post->tcount);
		return -1;
	}
	return 0;
}

static void import_undo(struct fx *fx, long r)
{
	struct tst_drm_gem_close c = { .handle = fx->ph.handle };

	if (r == 0 && fx->ph.handle &&
	    ioctl(fx->drm, TST_DRM_IOCTL_GEM_CLOSE, &c))
		ksft_print_msg("GEM_CLOSE %u: %s\n", fx->ph.handle, strerror(errno));
}

static const struct phase ph_import = {
	.call = "DRM_IOCTL_PRIME_FD_TO_HANDLE (vgem)", .allowed = e_nomem,
	.prep = import_prep, .fn = import_fn, .ok = import_ok,
	.undo = import_undo,
};

TEST(fault_vgem_import)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	F.drm = vgem_open();
	if (F.drm < 0)
		SKIP(return, "no vgem DRM device (CONFIG_DRM_VGEM module not loaded)");
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	run_phase(&ph_import);
	fault_test_end(_metadata);
}

/* --------------------------------------------------------- SET_NAME */

static int name_prep(struct fx *fx)
{
	memset(fx->name, 0, sizeof(fx->name));
	snprintf(fx->name, sizeof(fx->name), "fault-%u", ++fx->seq);
	return 0;
}

static long name_fn(struct fx *fx)
{
	return ioctl(fx->buf, DMA_BUF_SET_NAME, fx->name);
}

static int name_is(struct fx *fx, const char *want, const char *when)
{
	char v[64] = "";

	if (fdinfo_field(fx->buf, "name", v, sizeof(v)) || strcmp(v, want)) {
		ksft_print_msg("%s: fdinfo name '%s', expected '%s'\n", when, v, want);
		return -1;
	}
	return 0;
}

static int name_ok(struct fx *fx, long r, const struct snap *pre,
		   const struct snap *post, const char *when)
{
	(void)r;
	(void)pre;
	(void)post;
	if (name_is(fx, fx->name, when))
		return -1;
	snprintf(fx->cur_name, sizeof(fx->cur_name), "%s", fx->name);
	return 0;
}

/* A failed rename keeps the old name. */
static int name_failed(struct fx *fx, const char *when)
{
	return name_is(fx, fx->cur_name, when);
}

static const struct phase ph_set_name = {
	.call = "DMA_BUF_SET_NAME", .allowed = e_nomem,
	.prep = name_prep, .fn = name_fn, .ok = name_ok,
	.failed = name_failed,
};

TEST(fault_set_name)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	snprintf(F.cur_name, sizeof(F.cur_name), "fault-0");
	ASSERT_SYSCALL(ioctl(F.buf, DMA_BUF_SET_NAME, F.cur_name));
	run_phase(&ph_set_name);
	fault_test_end(_metadata);
}

/* ------------------------------------------------------------- SYNC */

static long sync_fn(struct fx *fx)
{
	return ioctl(fx->buf, DMA_BUF_IOCTL_SYNC, &fx->sync);
}

static int sync_start_prep(struct fx *fx)
{
	fx->sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW;
	return 0;
}

static void sync_start_undo(struct fx *fx, long r)
{
	if (r == 0 && buf_sync(fx->buf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW))
		ksft_print_msg("SYNC_END after SYNC_START: %s\n", strerror(errno));
}

static int sync_end_prep(struct fx *fx)
{
	if (buf_sync(fx->buf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW))
		return -1;
	fx->sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	return 0;
}

static void sync_end_undo(struct fx *fx, long r)
{
	/* Keep START and END paired even when END failed. */
	if (r != 0)
		buf_sync(fx->buf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
}

static const struct phase ph_sync_start = {
	.call = "DMA_BUF_IOCTL_SYNC START (heap)", .allowed = e_nomem,
	.prep = sync_start_prep, .fn = sync_fn, .undo = sync_start_undo,
};

static const struct phase ph_sync_end = {
	.call = "DMA_BUF_IOCTL_SYNC END (heap)", .allowed = e_nomem,
	.prep = sync_end_prep, .fn = sync_fn, .undo = sync_end_undo,
};

/*
 * udmabuf makes its CPU-access sg table at the first START: a new buffer
 * for every attempt, so that every attempt goes through that allocation.
 */
static int fresh_udmabuf(struct fx *fx)
{
	int fd = udmabuf_alloc(BUF_LEN, NULL);

	fx_target(fx, fd);
	return fd < 0 ? -1 : 0;
}

static void close_target(struct fx *fx)
{
	if (fx->buf >= 0)
		close(fx->buf);
	fx->buf = -1;
}

static int usync_start_prep(struct fx *fx)
{
	return fresh_udmabuf(fx) || sync_start_prep(fx);
}

static void usync_start_undo(struct fx *fx, long r)
{
	sync_start_undo(fx, r);
	close_target(fx);
}

static int usync_end_prep(struct fx *fx)
{
	return fresh_udmabuf(fx) || sync_end_prep(fx);
}

static void usync_end_undo(struct fx *fx, long r)
{
	sync_end_undo(fx, r);
	close_target(fx);
}

static const struct phase ph_usync_start = {
	.call = "DMA_BUF_IOCTL_SYNC START (new udmabuf)", .allowed = e_nomem,
	.fresh = 1,
	.prep = usync_start_prep, .fn = sync_fn, .undo = usync_start_undo,
};

static const struct phase ph_usync_end = {
	.call = "DMA_BUF_IOCTL_SYNC END (new udmabuf)", .allowed = e_nomem,
	.fresh = 1,
	.prep = usync_end_prep, .fn = sync_fn, .undo = usync_end_undo,
};

TEST(fault_sync)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	run_phase(&ph_sync_start);
	run_phase(&ph_sync_end);
	close_target(&F);
	if (have_udmabuf()) {
		run_phase(&ph_usync_start);
		run_phase(&ph_usync_end);
	} else {
		ksft_print_msg("no " UDMABUF_PATH ": heap buffer only\n");
	}
	fault_test_end(_metadata);
}

/* -------------------------------------------------- EXPORT_SYNC_FILE */

static int export_prep(struct fx *fx)
{
	memset(&fx->exp, 0, sizeof(fx->exp));
	fx->exp.flags = DMA_BUF_SYNC_READ;	/* wants the write fences */
	fx->exp.fd = -1;
	return 0;
}

static long export_fn(struct fx *fx)
{
	return ioctl(fx->buf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &fx->exp);
}

static int export_out(struct fx *fx, long r)
{
	(void)r;
	return fx->exp.fd;
}

static int export_ok(struct fx *fx, long r, const struct snap *pre,
		     const struct snap *post, const char *when)
{
	unsigned int nf = 0;
	int st = sync_file_status(fx->exp.fd, &nf);

	(void)r;
	(void)pre;
	(void)post;
	if (fx->expect_pending ? st != 0 || nf != 2 : st != 1) {
		ksft_print_msg("%s: sync_file status %d with %u fences, expected %s\n",
			       when, st, nf, fx->expect_pending ?
			       "pending with 2" : "signalled");
		return -1;
	}
	return 0;
}

static void export_undo(struct fx *fx, long r)
{
	if (r == 0 && fx->exp.fd >= 0)
		close(fx->exp.fd);
}

static const struct phase ph_export_idle = {
	.call = "DMA_BUF_IOCTL_EXPORT_SYNC_FILE (idle buffer)", .allowed = e_nomem,
	.new_fds = 1,
	.prep = export_prep, .fn = export_fn, .out_fd = export_out,
	.ok = export_ok, .undo = export_undo,
};

static const struct phase ph_export_fenced = {
	.call = "DMA_BUF_IOCTL_EXPORT_SYNC_FILE (two pending writers)",
	.allowed = e_nomem, .new_fds = 1,
	.prep = export_prep, .fn = export_fn, .out_fd = export_out,
	.ok = export_ok, .undo = export_undo,
};

TEST(fault_export_sync_file)
{
	int idle, fenced;

	FAULT_TEST_BEGIN();
	NEED_HEAP();
	ASSERT_SYSCALL(idle = fx_heap_buf());
	fx_target(&F, idle);
	F.expect_pending = 0;
	run_phase(&ph_export_idle);
	if (have_sw_sync()) {
		/* Two writers on two timelines: the export merges them. */
		ASSERT_SYSCALL(fenced = fx_heap_buf());
		ASSERT_SYSCALL(F.timeline = sw_timeline());
		ASSERT_SYSCALL(F.timeline2 = sw_timeline());
		ASSERT_SYSCALL(buf_attach_pending(fenced, F.timeline, 1, DMA_BUF_SYNC_WRITE));
		ASSERT_SYSCALL(buf_attach_pending(fenced, F.timeline2, 1, DMA_BUF_SYNC_WRITE));
		fx_target(&F, fenced);
		F.expect_pending = 1;
		run_phase(&ph_export_fenced);
		sw_inc(F.timeline, 1);
		sw_inc(F.timeline2, 1);
	} else {
		ksft_print_msg("no " SW_SYNC_PATH ": idle buffer only\n");
	}
	fault_test_end(_metadata);
}

/* -------------------------------------------------- IMPORT_SYNC_FILE */

/* State of the write side, as an exported sync_file tells it: 1 idle, 0 busy. */
static int write_side_idle(int buf)
{
	int f = buf_export(buf, DMA_BUF_SYNC_WRITE), st;

	if (f < 0)
		return -1;
	st = sync_file_status(f, NULL);
	close(f);
	return st;
}

/* A new buffer for every attempt: its fence list has to be allocated. */
static int import_sf_prep(struct fx *fx)
{
	int fd = fx_heap_buf();

	fx_target(fx, fd);
	if (fd < 0)
		return -1;
	memset(&fx->imp, 0, sizeof(fx->imp));
	fx->imp.flags = DMA_BUF_SYNC_WRITE;
	fx->imp.fd = sw_fence(fx->timeline, ++fx->seq);
	return fx->imp.fd < 0 ? -1 : 0;
}

static long import_sf_fn(struct fx *fx)
{
	return ioctl(fx->buf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &fx->imp);
}

static int import_sf_ok(struct fx *fx, long r, const struct snap *pre,
			const struct snap *post, const char *when)
{
	int st = write_side_idle(fx->buf);

	(void)r;
	(void)pre;
	(void)post;
	if (st != 0) {
		ksft_print_msg("%s: imported, but the buffer is not busy (%d)\n", when, st);
		return -1;
	}
	return 0;
}

/* A failed import adds no fence. */
static int import_sf_failed(struct fx *fx, const char *when)
{
	int st = write_side_idle(fx->buf);

	if (st != 1) {
		ksft_print_msg("%s: the import failed, but the buffer is busy (%d)\n", when, st);
		return -1;
	}
	return 0;
}

static void import_sf_undo(struct fx *fx, long r)
{
	(void)r;
	if (fx->imp.fd >= 0)
		close(fx->imp.fd);
	fx->imp.fd = -1;
	close_target(fx);
}

static const struct phase ph_import_sf = {
	.call = "DMA_BUF_IOCTL_IMPORT_SYNC_FILE (new buffer)", .allowed = e_nomem,
	.fresh = 1,
	.prep = import_sf_prep, .fn = import_sf_fn, .ok = import_sf_ok,
	.failed = import_sf_failed, .undo = import_sf_undo,
};

TEST(fault_import_sync_file)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	NEED_SW_SYNC();
	ASSERT_SYSCALL(F.timeline = sw_timeline());
	F.imp.fd = -1;
	run_phase(&ph_import_sf);
	sw_inc(F.timeline, F.seq + 1);
	close(F.timeline);
	fault_test_end(_metadata);
}

/* ------------------------------------------------------------- mmap */

static long mmap_fn(struct fx *fx)
{
	fx->map = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fx->buf, 0);
	return fx->map == MAP_FAILED ? -1 : 0;
}

static int mmap_prep(struct fx *fx)
{
	fx->map = MAP_FAILED;
	fx->val = (unsigned char)(++fx->seq | 1);
	return 0;
}

static int mmap_ok(struct fx *fx, long r, const struct snap *pre,
		   const struct snap *post, const char *when)
{
	volatile unsigned char *p = fx->map;

	(void)r;
	if (post->tmaps != pre->tmaps + 1 ||
	    (pre->nbi >= 0 && post->tcount != pre->tcount + 1)) {
		ksft_print_msg("%s: mappings %d -> %d, count %ld -> %ld\n", when,
			       pre->tmaps, post->tmaps, pre->tcount, post->tcount);
		return -1;
	}
	p[0] = fx->val;
	p[BUF_LEN - 1] = fx->val;
	if (p[0] != fx->val || p[BUF_LEN - 1] != fx->val) {
		ksft_print_msg("%s: the mapping does not keep what was written\n", when);
		return -1;
	}
	return 0;
}

static void mmap_undo(struct fx *fx, long r)
{
	(void)r;
	if (fx->map != MAP_FAILED)
		munmap(fx->map, BUF_LEN);
	fx->map = MAP_FAILED;
}

/* The first access to a new mapping; a failed page allocation may SIGBUS. */
static int touch_prep(struct fx *fx)
{
	mmap_prep(fx);
	return mmap_fn(fx) < 0 ? -1 : 0;
}

static long touch_fn(struct fx *fx)
{
	((volatile unsigned char *)fx->map)[0] = fx->val;
	return 0;
}

static int touch_ok(struct fx *fx, long r, const struct snap *pre,
		    const struct snap *post, const char *when)
{
	(void)r;
	(void)pre;
	(void)post;
	if (((volatile unsigned char *)fx->map)[0] != fx->val) {
		ksft_print_msg("%s: read back %#x, wrote %#x\n", when,
			       ((volatile unsigned char *)fx->map)[0], fx->val);
		return -1;
	}
	return 0;
}

static const struct phase ph_mmap_heap = {
	.call = "mmap (heap)", .allowed = e_nomem, .maps = 1,
	.prep = mmap_prep, .fn = mmap_fn, .ok = mmap_ok, .undo = mmap_undo,
};

static const struct phase ph_touch_heap = {
	.call = "first touch of a mapping (heap)", .allowed = e_nomem, .maps = 1,
	.prep = touch_prep, .fn = touch_fn, .ok = touch_ok, .undo = mmap_undo,
};

static const struct phase ph_mmap_udmabuf = {
	.call = "mmap (udmabuf)", .allowed = e_nomem, .maps = 1,
	.prep = mmap_prep, .fn = mmap_fn, .ok = mmap_ok, .undo = mmap_undo,
};

static const struct phase ph_touch_udmabuf = {
	.call = "first touch of a mapping (udmabuf, faulted in)",
	.allowed = e_nomem, .maps = 1,
	.prep = touch_prep, .fn = touch_fn, .ok = touch_ok, .undo = mmap_undo,
};

TEST(fault_mmap)
{
	struct sigaction sa;
	int u;

	FAULT_TEST_BEGIN();
	NEED_HEAP();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sa.sa_flags = SA_NODEFER;	/* siglongjmp leaves the mask as it was */
	sigemptyset(&sa.sa_mask);
	ASSERT_SYSCALL(sigaction(SIGBUS, &sa, NULL));
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	run_phase(&ph_mmap_heap);
	run_phase(&ph_touch_heap);
	close_target(&F);
	if (have_udmabuf()) {
		ASSERT_SYSCALL(u = udmabuf_alloc(BUF_LEN, NULL));
		fx_target(&F, u);
		run_phase(&ph_mmap_udmabuf);
		run_phase(&ph_touch_udmabuf);
		close_target(&F);
	} else {
		ksft_print_msg("no " UDMABUF_PATH ": heap buffer only\n");
	}
	fault_test_end(_metadata);
}

/* ------------------------------------------------------------- poll */

static int poll_prep(struct fx *fx)
{
	fx->pfd.fd = fx->buf;
	fx->pfd.events = POLLIN | POLLOUT;
	fx->pfd.revents = 0;
	return 0;
}

static long poll_fn(struct fx *fx)
{
	return poll(&fx->pfd, 1, 0);
}

static int poll_ok(struct fx *fx, long r, const struct snap *pre,
		   const struct snap *post, const char *when)
{
	(void)pre;
	(void)post;
	if (r != 1 || fx->pfd.revents != fx->want_revents) {
		ksft_print_msg("%s: poll returned %ld, revents %#x, expected 1, %#x\n",
			       when, r, fx->pfd.revents, fx->want_revents);
		return -1;
	}
	return 0;
}

static const struct phase ph_poll_idle = {
	.call = "poll (idle buffer)", .allowed = e_nomem,
	.prep = poll_prep, .fn = poll_fn, .ok = poll_ok,
};

static const struct phase ph_poll_reader = {
	.call = "poll (pending reader)", .allowed = e_nomem,
	.prep = poll_prep, .fn = poll_fn, .ok = poll_ok,
};

TEST(fault_poll)
{
	int fb;

	FAULT_TEST_BEGIN();
	NEED_HEAP();
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	F.want_revents = POLLIN | POLLOUT;
	run_phase(&ph_poll_idle);
	if (have_sw_sync()) {
		ASSERT_SYSCALL(fb = fx_heap_buf());
		ASSERT_SYSCALL(F.timeline = sw_timeline());
		ASSERT_SYSCALL(buf_attach_pending(fb, F.timeline, 1, DMA_BUF_SYNC_READ));
		/*
		 * The first poll arms the POLLOUT callback, which holds a
		 * reference to the file until the fence signals; arm it
		 * before the counts are taken.
		 */
		ASSERT_EQ(POLLIN, poll_fd(fb, POLLIN | POLLOUT, 0))
			TH_LOG("a pending reader: not POLLIN only");
		fx_target(&F, fb);
		F.want_revents = POLLIN;
		run_phase(&ph_poll_reader);
		sw_inc(F.timeline, 1);
	} else {
		ksft_print_msg("no " SW_SYNC_PATH ": idle buffer only\n");
	}
	fault_test_end(_metadata);
}

/* ------------------------------------------------------------ fstat */

static int fstat_prep(struct fx *fx)
{
	memset(&fx->st, 0, sizeof(fx->st));
	return 0;
}

static long fstat_fn(struct fx *fx)
{
#if defined(__x86_64__) && defined(SYS_fstat)
	/* the fstat syscall itself (glibc may use newfstatat with "") */
	return syscall(SYS_fstat, fx->buf, &fx->st);
#else
	return fstat(fx->buf, &fx->st);
#endif
}

static int fstat_ok(struct fx *fx, long r, const struct snap *pre,
		    const struct snap *post, const char *when)
{
	(void)r;
	(void)pre;
	(void)post;
	if (fx->st.st_ino != fx->ino || (size_t)fx->st.st_size != BUF_LEN) {
		ksft_print_msg("%s: st_ino %lu st_size %lld, expected %lu %zu\n", when,
			       (unsigned long)fx->st.st_ino, (long long)fx->st.st_size,
			       fx->ino, BUF_LEN);
		return -1;
	}
	return 0;
}

static const struct phase ph_fstat = {
	.call = "fstat", .allowed = e_nomem,
	.prep = fstat_prep, .fn = fstat_fn, .ok = fstat_ok,
};

TEST(fault_fstat)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	run_phase(&ph_fstat);
	fault_test_end(_metadata);
}

/* -------------------------------------------- proc, debugfs, sysfs text */

/* What the file says right now, nothing armed: the reference. */
static int text_ref(struct fx *fx)
{
	memset(fx->rbuf, 0, fx->rcap);
	fx->ref_len = read_text(fx->path, fx->ref, fx->rcap);
	return fx->ref_len <= 0 ? -1 : 0;
}

static long open_fn(struct fx *fx)
{
	return open(fx->path, O_RDONLY | O_CLOEXEC);
}

/* Opened: reading it (nothing armed) gives the reference text. */
static int open_ok(struct fx *fx, long r, const struct snap *pre,
		   const struct snap *post, const char *when)
{
	ssize_t n, got = 0;

	(void)pre;
	(void)post;
	while ((size_t)got < fx->rcap &&
	       (n = read((int)r, fx->rbuf + got, fx->rcap - got)) > 0)
		got += n;
	if (got != fx->ref_len || memcmp(fx->rbuf, fx->ref, got)) {
		ksft_print_msg("%s: opened, but reads %zd bytes that differ from the "
			       "%zd of the reference\n", when, got, fx->ref_len);
		return -1;
	}
	return 0;
}

static void open_undo(struct fx *fx, long r)
{
	(void)fx;
	if (r >= 0)
		close((int)r);
}

static int read_prep(struct fx *fx)
{
	if (text_ref(fx))
		return -1;
	fx->rfd = open(fx->path, O_RDONLY | O_CLOEXEC);
	return fx->rfd < 0 ? -1 : 0;
}

static long read_fn(struct fx *fx)
{
	return read(fx->rfd, fx->rbuf, fx->rcap);
}

/* The whole text, or (a failure) a prefix of it. */
static int read_ok(struct fx *fx, long r, const struct snap *pre,
		   const struct snap *post, const char *when)
{
	(void)pre;
	(void)post;
	if (r > fx->ref_len || memcmp(fx->rbuf, fx->ref, r)) {
		ksft_print_msg("%s: read %ld bytes that are not the %zd of the reference"
			       " or a prefix\n", when, r, fx->ref_len);
		return -1;
	}
	return r < fx->ref_len ? 1 : 0;
}

static void read_undo(struct fx *fx, long r)
{
	(void)r;
	if (fx->rfd >= 0)
		close(fx->rfd);
	fx->rfd = -1;
}

#define TEXT_PHASES(id, what, open_errnos)				\
static const struct phase ph_open_##id = {				\
	.call = "open of " what, .allowed = open_errnos, .new_fds = 1,	\
	.prep = text_ref, .fn = open_fn, .ok = open_ok,			\
	.undo = open_undo,						\
};									\
static const struct phase ph_read_##id = {				\
	.call = "read of " what, .allowed = e_nomem,			\
	.prep = read_prep, .fn = read_fn, .ok = read_ok,		\
	.undo = read_undo,						\
}

TEXT_PHASES(fdinfo, "/proc/self/fdinfo/<fd>", e_proc_open);
TEXT_PHASES(bufinfo, BUFINFO_PATH, e_nomem);
TEXT_PHASES(size, SYSFS_BUFFERS "/<ino>/size", e_nomem);
TEXT_PHASES(exporter, SYSFS_BUFFERS "/<ino>/exporter_name", e_nomem);

TEST(fault_fdinfo)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	ASSERT_SYSCALL(ioctl(F.buf, DMA_BUF_SET_NAME, "fdinfo-faults"));
	snprintf(F.path, sizeof(F.path), "/proc/self/fdinfo/%d", F.buf);
	ASSERT_EQ(0, text_ref(&F)) TH_LOG("%s unreadable", F.path);
	run_phase(&ph_open_fdinfo);
	run_phase(&ph_read_fdinfo);
	fault_test_end(_metadata);
}

TEST(fault_bufinfo)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	if (access(BUFINFO_PATH, R_OK))
		SKIP(return, "no " BUFINFO_PATH " (debugfs)");
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	snprintf(F.path, sizeof(F.path), "%s", BUFINFO_PATH);
	ASSERT_EQ(0, text_ref(&F)) TH_LOG("%s unreadable", F.path);
	run_phase(&ph_open_bufinfo);
	run_phase(&ph_read_bufinfo);
	fault_test_end(_metadata);
}

/* The body of the two sysfs tests: open and read of one file. */
static void sysfs_test(struct __test_metadata *_metadata, const char *file,
		       const char *want, const struct phase *po,
		       const struct phase *pr)
{
	FAULT_TEST_BEGIN();
	NEED_HEAP();
	if (access(SYSFS_BUFFERS, F_OK))
		SKIP(return, "no " SYSFS_BUFFERS " (CONFIG_DMABUF_SYSFS_STATS)");
	fx_target(&F, fx_heap_buf());
	ASSERT_SYSCALL(F.buf);
	snprintf(F.path, sizeof(F.path), SYSFS_BUFFERS "/%lu/%s", F.ino, file);
	ASSERT_EQ(0, text_ref(&F)) TH_LOG("%s unreadable", F.path);
	ASSERT_STREQ(want, F.ref) TH_LOG("%s", F.path);
	run_phase(po);
	run_phase(pr);
	fault_test_end(_metadata);
}

TEST(fault_sysfs_size)
{
	char want[32];

	snprintf(want, sizeof(want), "%zu\n", BUF_LEN);
	sysfs_test(_metadata, "size", want, &ph_open_size, &ph_read_size);
}

TEST(fault_sysfs_exporter_name)
{
	sysfs_test(_metadata, "exporter_name", "system\n", &ph_open_exporter,
		   &ph_read_exporter);
}

/* -------------------------------------------------- once per program */

#define DEBUGFS_MAGIC_NR 0x64626720

/*
 * Before the first test: mount what is missing (but leave a debugfs that
 * is there alone), map the totals shared with the tests, and set up
 * fail-nth.
 */
static void __attribute__((constructor)) faults_setup(void)
{
	struct statfs sf;
	void *p;

	if (statfs("/sys/kernel/debug", &sf) || sf.f_type != DEBUGFS_MAGIC_NR)
		tst_mounts();
	p = mmap(NULL, sizeof(struct totals), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		g_tot = p;
	g_main_pid = getpid();
	g_fault_ok = fail_nth_setup() == 0;
}

/*
 * The sum over all tests, once, after the harness's own totals: the
 * harness's parent leaves through exit(), which runs this; the tests'
 * children leave through _exit(), which does not (the pid check keeps any
 * other child that might call exit() quiet).  Nothing when no test ran
 * (-l, -h, or a selection matching none).
 */
static void __attribute__((destructor)) faults_total(void)
{
	if (getpid() != g_main_pid || !g_tot->started)
		return;
	ksft_print_msg("fault-injection total injected=%d wrong_errno=%d\n",
		       g_tot->injected, g_tot->wrong);
	fflush(stdout);
}

TEST_HARNESS_MAIN
