// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-fuzz: a seeded, reproducible fuzzer of the dma-buf file as
 * userspace reaches it, with real exporters (the system dma-heap, udmabuf
 * over a sealed memfd, vgem dumb buffers when vgem is there) and real
 * fences (sw_sync timelines).
 *
 * Random sequences of operations run over a shared pool of descriptors the
 * fuzzer owns (buffers of 1..16 pages and the sync_files it made from
 * them):
 *  - ioctls: DMA_BUF_IOCTL_SYNC with random flags, SET_NAME / SET_NAME_A /
 *    SET_NAME_B with random, empty, over-long and unterminated names,
 *    EXPORT_SYNC_FILE / IMPORT_SYNC_FILE with random flags and fds, random
 *    _IOC numbers of type 'b' (and a few other types) with random sizes and
 *    directions, and dma-buf ioctls on descriptors of other kinds (and the
 *    reverse); argument pointers are valid, NULL, unmapped, kernel
 *    addresses, read-only, or straddle a page boundary into PROT_NONE;
 *  - mmap / mremap / munmap / mprotect / madvise / msync with random
 *    offsets, lengths, protections, MAP_SHARED / MAP_PRIVATE, and touching
 *    the mapped pages (SIGSEGV / SIGBUS caught with sigsetjmp and counted);
 *  - poll, epoll (add / mod / del, EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE);
 *  - dup / dup2 / dup3 / close (never of stdio or of the fuzzer's own
 *    helper descriptors: a registry knows what it owns), closing a
 *    descriptor other threads are using, lseek, read / write / pread /
 *    readv / sendfile, fcntl F_GETFL / F_SETFL / F_DUPFD / F_SETFD;
 *  - fork (the child runs a few operations and _exits), SCM_RIGHTS to
 *    helper processes that use and close what they get (and send some
 *    back), descriptors left in flight in sockets that are then closed,
 *    cycles included;
 *  - readers of /proc/self/fdinfo/N, /proc/self/maps, /proc/self/fd links,
 *    the debugfs bufinfo and /sys/kernel/dmabuf/buffers while other
 *    threads rename the buffers;
 *  - sw_sync fences imported into buffers, exported back, merged, waited
 *    for, while another thread advances the timelines;
 *  - vgem PRIME import, GEM_CLOSE, export back, and vgem dumb buffers.
 *
 * Errors from the kernel are expected and only counted.  What makes a
 * phase fail: a process dies or hangs, a result the 6.1 core cannot give
 * (e.g. an invalid flag or an unreadable argument accepted, an unknown
 * ioctl not answered with ENOTTY, lseek or fdinfo not telling the size the
 * buffer was made with, a name longer than 31 bytes shown, an idle buffer
 * not ready in poll, two shared mappings of one buffer disagreeing), a
 * descriptor open at the end that the fuzzer does not own or one it owned
 * missing, a buffer of the fuzzer still listed in bufinfo (or sysfs) once
 * everything is closed.  (Anything alarming in the kernel log fails the
 * run too: the harness scans the console and names the suite.)
 *
 * Knobs (environment):
 *   DMABUF_FUZZ_SEED     seed (default: the time); always printed "# seed=N"
 *   DMABUF_FUZZ_OPS      operations over all phases (default 20000)
 *   DMABUF_FUZZ_SECONDS  time over all phases (default 60); a phase gets at
 *                        most 30 s, so that it fits the harness's per-test
 *                        timeout (TEST_TIMEOUT_DEFAULT, 60 s) with its
 *                        teardown
 *   DMABUF_FUZZ_THREADS  fuzzing threads of the threaded phases (default 4)
 *
 * Each phase is one test: fuzz_single_thread, fuzz_threads,
 * fuzz_fork_scm_rights and fuzz_sync_files; the last one also prints the
 * totals of all of them ("# ops all phases total=...").  The single-thread
 * phase is reproducible from the seed; the threaded ones replay the same
 * per-thread sequences, interleaved as the scheduler likes.
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif
#ifndef MADV_COLD
#define MADV_COLD		20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

/* The few DRM bits used, so that no libdrm or drm uapi header is needed. */
struct fz_drm_prime_handle {
	__u32 handle;
	__u32 flags;
	__s32 fd;
};
struct fz_drm_gem_close {
	__u32 handle;
	__u32 pad;
};
struct fz_drm_mode_create_dumb {
	__u32 height, width, bpp, flags, handle, pitch;
	__u64 size;
};
#define FZ_DRM_IOCTL_GEM_CLOSE		_IOW('d', 0x09, struct fz_drm_gem_close)
#define FZ_DRM_IOCTL_PRIME_HANDLE_TO_FD	_IOWR('d', 0x2d, struct fz_drm_prime_handle)
#define FZ_DRM_IOCTL_PRIME_FD_TO_HANDLE	_IOWR('d', 0x2e, struct fz_drm_prime_handle)
#define FZ_DRM_IOCTL_MODE_CREATE_DUMB	_IOWR('d', 0xB2, struct fz_drm_mode_create_dumb)

#if UINTPTR_MAX > 0xffffffffUL
#define FZ_KERNEL_ADDR	((uintptr_t)0xffff888000000000ULL)
#else
#define FZ_KERNEL_ADDR	((uintptr_t)0xc0000000UL)
#endif

#define NPHASES		4
#define MAX_THREADS	16
#define POOL_MAX	96	/* descriptors in the pool */
#define POOL_SOFT	48	/* above this, allocations close instead */
#define SYNC_MAX	24	/* sync_files kept in the pool */
#define MAPS_MAX	48
#define VH_MAX		64	/* vgem handles remembered */
#define KIDS_MAX	8
#define KIDS_LIVE	4	/* forked children alive at once */
#define MAXINO		16384	/* buffers one phase may make */
#define NERR		256
#define MAXMSG		12
#define NTL		4	/* sw_sync timelines of the sync phase */
#define SCM_FDS		16
#define FD_LIST_MAX	4096

/* ------------------------------------------------------------ kinds */

#define KINDS(X)							\
	X(ALLOC_HEAP, "alloc_heap")					\
	X(ALLOC_UDMABUF, "alloc_udmabuf")				\
	X(CLOSE, "close")						\
	X(DUP, "dup")							\
	X(DUP2, "dup2")							\
	X(FCNTL, "fcntl")						\
	X(RACY_CLOSE, "close_while_in_use")				\
	X(IOC_SYNC, "ioctl_sync")					\
	X(IOC_NAME, "ioctl_set_name")					\
	X(IOC_NAME_COMPAT, "ioctl_set_name_a_b")			\
	X(IOC_EXPORT, "ioctl_export_sync_file")				\
	X(IOC_IMPORT, "ioctl_import_sync_file")				\
	X(IOC_RANDOM, "ioctl_random")					\
	X(IOC_CROSS, "ioctl_cross")					\
	X(MMAP, "mmap")							\
	X(MUNMAP, "munmap")						\
	X(MREMAP, "mremap")						\
	X(MPROTECT, "mprotect")						\
	X(MADVISE, "madvise_msync")					\
	X(TOUCH, "touch")						\
	X(POLL, "poll")							\
	X(EPOLL_CTL, "epoll_ctl")					\
	X(EPOLL_WAIT, "epoll_wait")					\
	X(LSEEK, "lseek")						\
	X(RDWR, "read_write")						\
	X(FDINFO, "fdinfo_read")					\
	X(MAPS, "maps_read")						\
	X(BUFINFO, "bufinfo_read")					\
	X(FDLINK, "fd_link_read")					\
	X(SYSFS, "sysfs_read")						\
	X(FORK, "fork")							\
	X(SCM_SEND, "scm_send")						\
	X(SCM_RECV, "scm_recv")						\
	X(SCM_DROP, "scm_in_flight_close")				\
	X(FENCE, "sw_fence_import")					\
	X(SW_INC, "sw_inc")						\
	X(SYNC_MERGE, "sync_merge")					\
	X(SYNC_INFO, "sync_info")					\
	X(VGEM_IMPORT, "vgem_prime_import")				\
	X(VGEM_CLOSE, "vgem_gem_close")					\
	X(VGEM_EXPORT, "vgem_prime_export")				\
	X(VGEM_DUMB, "vgem_dumb_export")

#define X_ENUM(a, b) K_##a,
enum { KINDS(X_ENUM) NK };
#define X_NAME(a, b) b,
static const char *const kind_name[NK] = { KINDS(X_NAME) };

enum { PH_SINGLE, PH_THREADS, PH_SCM, PH_SYNC };
static const char *const phase_name[NPHASES] = {
	"fuzz_single_thread", "fuzz_threads", "fuzz_fork_scm_rights",
	"fuzz_sync_files",
};

/* Weight of every kind in every phase: single, threads, scm, sync. */
static const struct { int k; unsigned char w[NPHASES]; } weights[] = {
	{ K_ALLOC_HEAP,		{ 4, 4, 3, 3 } },
	{ K_ALLOC_UDMABUF,	{ 3, 3, 2, 2 } },
	{ K_CLOSE,		{ 4, 4, 4, 3 } },
	{ K_DUP,		{ 3, 3, 2, 2 } },
	{ K_DUP2,		{ 2, 2, 1, 1 } },
	{ K_FCNTL,		{ 3, 3, 2, 1 } },
	{ K_RACY_CLOSE,		{ 0, 3, 1, 2 } },
	{ K_IOC_SYNC,		{ 6, 5, 3, 8 } },
	{ K_IOC_NAME,		{ 6, 10, 3, 2 } },
	{ K_IOC_NAME_COMPAT,	{ 2, 3, 1, 1 } },
	{ K_IOC_EXPORT,		{ 5, 4, 3, 8 } },
	{ K_IOC_IMPORT,		{ 4, 3, 2, 6 } },
	{ K_IOC_RANDOM,		{ 4, 3, 2, 1 } },
	{ K_IOC_CROSS,		{ 2, 2, 1, 2 } },
	{ K_MMAP,		{ 5, 5, 3, 2 } },
	{ K_MUNMAP,		{ 3, 3, 2, 1 } },
	{ K_MREMAP,		{ 2, 2, 1, 1 } },
	{ K_MPROTECT,		{ 2, 2, 1, 1 } },
	{ K_MADVISE,		{ 2, 2, 1, 1 } },
	{ K_TOUCH,		{ 8, 6, 3, 2 } },
	{ K_POLL,		{ 3, 3, 2, 6 } },
	{ K_EPOLL_CTL,		{ 3, 3, 2, 4 } },
	{ K_EPOLL_WAIT,		{ 2, 2, 1, 3 } },
	{ K_LSEEK,		{ 3, 2, 2, 1 } },
	{ K_RDWR,		{ 2, 2, 1, 1 } },
	{ K_FDINFO,		{ 2, 3, 2, 2 } },
	{ K_MAPS,		{ 1, 1, 1, 1 } },
	{ K_BUFINFO,		{ 1, 1, 1, 1 } },
	{ K_FDLINK,		{ 1, 2, 1, 1 } },
	{ K_SYSFS,		{ 1, 1, 1, 1 } },
	{ K_FORK,		{ 1, 1, 3, 1 } },
	{ K_SCM_SEND,		{ 0, 0, 10, 0 } },
	{ K_SCM_RECV,		{ 0, 0, 5, 0 } },
	{ K_SCM_DROP,		{ 0, 0, 3, 0 } },
	{ K_FENCE,		{ 0, 0, 0, 10 } },
	{ K_SW_INC,		{ 0, 0, 0, 1 } },
	{ K_SYNC_MERGE,		{ 0, 0, 0, 3 } },
	{ K_SYNC_INFO,		{ 0, 0, 0, 2 } },
	{ K_VGEM_IMPORT,	{ 2, 2, 1, 1 } },
	{ K_VGEM_CLOSE,		{ 1, 1, 1, 1 } },
	{ K_VGEM_EXPORT,	{ 1, 1, 1, 1 } },
	{ K_VGEM_DUMB,		{ 1, 1, 1, 1 } },
};

/* Argument pointer kinds. */
enum { P_VALID, P_PAGEEND, P_NULL, P_UNMAPPED, P_KERNEL, P_STRADDLE,
	P_READONLY, P_WILD, NPTR };
static const char *const ptr_name[NPTR] = {
	"valid", "page_end", "null", "unmapped", "kernel", "straddle",
	"read_only", "wild",
};

/* ------------------------------------------------ shared bookkeeping */

/* Counters, in memory shared with every process of a phase. */
struct stats {
	long kind[NK];
	long ok, err, errs[NERR];
	long ptr[NPTR];
	long segv, bus, children, child_ops, hung;
	long anomalies;
	char msg[MAXMSG][240];
};

/* Every buffer made in a phase, by inode number (unique per buffer). */
struct inorec {
	unsigned long ino, size;
	int kind;
};

struct shared {
	struct stats st;
	int nino;
	struct inorec rec[MAXINO];
};

static struct shared *SH;
static struct stats *GRAND;	/* all phases, shared by every test's process */
#define ST (SH->st)
#define ADD(x, n) __atomic_fetch_add(&(x), (n), __ATOMIC_RELAXED)

/* Configuration, set once by fuzz_setup() before the tests fork. */
static uint64_t fz_seed;
static long fz_ops_phase;
static int fz_secs_phase, fz_threads = 4;
static size_t pg;

/* ------------------------------------------------------------ pool */

enum { S_HEAP, S_UDMA, S_VGEM, S_OTHERBUF, S_SYNC };
static const char *const slot_kind_name[] = {
	"heap", "udmabuf", "vgem", "dma-buf", "sync_file",
};
#define M_BUF	((1u << S_HEAP) | (1u << S_UDMA) | (1u << S_VGEM) | (1u << S_OTHERBUF))
#define M_SYNC	(1u << S_SYNC)
#define M_ANY	(M_BUF | M_SYNC)
#define IS_BUF(k) ((k) <= S_OTHERBUF)

struct slot {
	int used, fd, kind, users, dying, accmode;
	unsigned long ino, size;
};

static struct {
	pthread_mutex_t lk;
	struct slot s[POOL_MAX];
} P = { .lk = PTHREAD_MUTEX_INITIALIZER };

struct mapent {
	int used, users, prot, flags, dontfork;
	char *addr;
	size_t len;
	unsigned long ino, bufsize, pgoff;
};

static struct {
	pthread_mutex_t lk;
	struct mapent m[MAPS_MAX];
} M = { .lk = PTHREAD_MUTEX_INITIALIZER };

static struct {
	pthread_mutex_t lk;
	unsigned int h[VH_MAX];
	int n;
} VH = { .lk = PTHREAD_MUTEX_INITIALIZER };

static struct {
	pthread_mutex_t lk;
	pid_t pid[KIDS_MAX];
	int n;
} KIDS = { .lk = PTHREAD_MUTEX_INITIALIZER };

/*
 * Held from memfd_create() to close() of a udmabuf's memfd, and across
 * fork(), so that no child inherits a memfd.  6.1's udmabuf maps the
 * memfd's page-cache pages into the dma-buf's own vma; when the memfd's
 * inode is evicted while such a mapping exists, mm takes the pages for
 * leaked mappings (filemap_unaccount_folio: "Bad page cache"), drops
 * references it does not own, and the pages are later freed while mapped
 * ("Bad page map", "Bad page state").  A child that outlived the parent's
 * close of the memfd made that eviction come late.  The exporter's bug is
 * the same on the original core; 6.12's udmabuf maps PFNs instead.
 */
static pthread_mutex_t MEMFD_LK = PTHREAD_MUTEX_INITIALIZER;

/* The phase being run. */
static struct {
	int ph, nthreads;
	uint64_t seed;
	long long t0, deadline;
	long budget, done;
	volatile int stop, stop_reader, stop_signal;
	int heapdev, udev, devnull, drm, ep[2];
	int tl[NTL], ntl;
	unsigned int tlval[NTL];
	int scm_sock[2], nscm;
	pid_t scm_pid[2];
	int rlim, have_sysfs, have_bufdev;
	dev_t bufdev;
} F;

static int W[NK], WSUM;
/* One thread and nobody else touching the buffers: exact checks allowed. */
static int solo;
/* A forked child (single-threaded, private copies of the registries). */
static int in_child, in_helper;

/* Per-thread state. */
struct tctx {
	uint64_t rng;
	char *arena;	/* [RW][PROT_NONE][READ-ONLY][PROT_NONE] */
	sigjmp_buf jb;
	volatile sig_atomic_t in_touch, last_sig;
};
static __thread struct tctx *T;

static void lk(pthread_mutex_t *m)
{
	if (!in_child)
		pthread_mutex_lock(m);
}

static void ulk(pthread_mutex_t *m)
{
	if (!in_child)
		pthread_mutex_unlock(m);
}

/* ------------------------------------------------------------ random */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	T->rng += 0x9e3779b97f4a7c15ULL;
	return mix64(T->rng);
}

static unsigned int rn(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static int pct(unsigned int p)
{
	return rn(100) < p;
}

/* ------------------------------------------------------- counting */

static void cnt(int k)
{
	ADD(ST.kind[k], 1);
}

/* Count a syscall-like result; errno survives. */
static long res(long r)
{
	int e = errno;

	if (r < 0) {
		ADD(ST.err, 1);
		ADD(ST.errs[e > 0 && e < NERR ? e : 0], 1);
	} else {
		ADD(ST.ok, 1);
	}
	errno = e;
	return r;
}

static void anomaly(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void anomaly(const char *fmt, ...)
{
	long n = ADD(ST.anomalies, 1);
	va_list ap;
	char *c;

	if (n >= MAXMSG)
		return;
	va_start(ap, fmt);
	vsnprintf(ST.msg[n], sizeof(ST.msg[n]), fmt, ap);
	va_end(ap);
	/* Names and links may hold anything: keep the KTAP line whole. */
	for (c = ST.msg[n]; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

static void fz_close(int fd)
{
	if (close(fd))
		anomaly("close(%d) of a descriptor the fuzzer owns failed: %s",
			fd, strerror(errno));
}

/* ------------------------------------------------------- inode records */

static void ino_record(unsigned long ino, unsigned long size, int kind)
{
	int i = __atomic_fetch_add(&SH->nino, 1, __ATOMIC_RELAXED);

	if (i >= MAXINO)
		return;
	SH->rec[i].size = size;
	SH->rec[i].kind = kind;
	__atomic_store_n(&SH->rec[i].ino, ino, __ATOMIC_RELEASE);
}

static struct inorec *ino_find(unsigned long ino)
{
	int n = __atomic_load_n(&SH->nino, __ATOMIC_ACQUIRE), i;

	if (!ino)
		return NULL;
	if (n > MAXINO)
		n = MAXINO;
	for (i = n - 1; i >= 0; i--)
		if (__atomic_load_n(&SH->rec[i].ino, __ATOMIC_ACQUIRE) == ino)
			return &SH->rec[i];
	return NULL;
}

static int ino_room(void)
{
	return __atomic_load_n(&SH->nino, __ATOMIC_RELAXED) < MAXINO - 64;
}

/* --------------------------------------------------------- the pool */

static int pool_count(unsigned int mask)
{
	int i, n = 0;

	lk(&P.lk);
	for (i = 0; i < POOL_MAX; i++)
		if (P.s[i].used && (mask & (1u << P.s[i].kind)))
			n++;
	ulk(&P.lk);
	return n;
}

/* Hand fd to the pool; closes it when there is no room. */
static int pool_add(int fd, int kind, unsigned long ino, unsigned long size)
{
	int i, acc = fcntl(fd, F_GETFL);

	if (kind == S_SYNC && pool_count(M_SYNC) >= SYNC_MAX) {
		fz_close(fd);
		return -1;
	}
	lk(&P.lk);
	for (i = 0; i < POOL_MAX; i++) {
		if (P.s[i].used)
			continue;
		memset(&P.s[i], 0, sizeof(P.s[i]));
		P.s[i].used = 1;
		P.s[i].fd = fd;
		P.s[i].kind = kind;
		P.s[i].ino = ino;
		P.s[i].size = size;
		P.s[i].accmode = acc < 0 ? -1 : (acc & O_ACCMODE);
		ulk(&P.lk);
		return i;
	}
	ulk(&P.lk);
	fz_close(fd);
	return -1;
}

/* Take a reference on a random live slot of the kinds in mask. */
static int pool_get(unsigned int mask, struct slot *out)
{
	int idx[POOL_MAX], n = 0, i;

	lk(&P.lk);
	for (i = 0; i < POOL_MAX; i++)
		if (P.s[i].used && !P.s[i].dying && (mask & (1u << P.s[i].kind)))
			idx[n++] = i;
	if (!n) {
		ulk(&P.lk);
		return -1;
	}
	i = idx[rn(n)];
	P.s[i].users++;
	*out = P.s[i];
	ulk(&P.lk);
	return i;
}

static void pool_put(int i)
{
	int fd = -1;

	lk(&P.lk);
	if (--P.s[i].users == 0 && P.s[i].dying) {
		fd = P.s[i].fd;
		P.s[i].used = 0;
		P.s[i].dying = 0;
	}
	ulk(&P.lk);
	if (fd >= 0)
		fz_close(fd);
}

/* Remove a random unused slot from the pool; the caller owns its fd. */
static int pool_take(unsigned int mask, struct slot *out)
{
	int idx[POOL_MAX], n = 0, i;

	lk(&P.lk);
	for (i = 0; i < POOL_MAX; i++)
		if (P.s[i].used && !P.s[i].dying && !P.s[i].users &&
		    (mask & (1u << P.s[i].kind)))
			idx[n++] = i;
	if (!n) {
		ulk(&P.lk);
		return -1;
	}
	i = idx[rn(n)];
	*out = P.s[i];
	P.s[i].used = 0;
	ulk(&P.lk);
	return i;
}

/* Another thread swapped the slot's file for /dev/null (racy close). */
static int slot_dying(int i)
{
	int d;

	lk(&P.lk);
	d = P.s[i].dying;
	ulk(&P.lk);
	return d;
}

/* ------------------------------------------------------- mappings */

static int is_shared_map(int flags)
{
	return (flags & 0x0f) == MAP_SHARED || (flags & 0x0f) == MAP_SHARED_VALIDATE;
}

static void map_add(char *addr, size_t len, int prot, int flags,
		    unsigned long ino, unsigned long bufsize, unsigned long pgoff,
		    int dontfork)
{
	int i;

	lk(&M.lk);
	for (i = 0; i < MAPS_MAX; i++) {
		if (M.m[i].used)
			continue;
		memset(&M.m[i], 0, sizeof(M.m[i]));
		M.m[i].used = 1;
		M.m[i].addr = addr;
		M.m[i].len = len;
		M.m[i].prot = prot;
		M.m[i].flags = flags;
		M.m[i].ino = ino;
		M.m[i].bufsize = bufsize;
		M.m[i].pgoff = pgoff;
		M.m[i].dontfork = dontfork;
		ulk(&M.lk);
		return;
	}
	ulk(&M.lk);
	res(munmap(addr, len));
}

static int map_count(void)
{
	int i, n = 0;

	lk(&M.lk);
	for (i = 0; i < MAPS_MAX; i++)
		n += M.m[i].used;
	ulk(&M.lk);
	return n;
}

static int map_get(struct mapent *out)
{
	int idx[MAPS_MAX], n = 0, i;

	lk(&M.lk);
	for (i = 0; i < MAPS_MAX; i++)
		if (M.m[i].used)
			idx[n++] = i;
	if (!n) {
		ulk(&M.lk);
		return -1;
	}
	i = idx[rn(n)];
	M.m[i].users++;
	*out = M.m[i];
	ulk(&M.lk);
	return i;
}

static void map_put(int i)
{
	lk(&M.lk);
	M.m[i].users--;
	ulk(&M.lk);
}

/* Remove a mapping nobody uses from the registry; the caller owns it. */
static int map_take(struct mapent *out)
{
	int idx[MAPS_MAX], n = 0, i;

	lk(&M.lk);
	for (i = 0; i < MAPS_MAX; i++)
		if (M.m[i].used && !M.m[i].users)
			idx[n++] = i;
	if (!n) {
		ulk(&M.lk);
		return -1;
	}
	i = idx[rn(n)];
	*out = M.m[i];
	M.m[i].used = 0;
	ulk(&M.lk);
	return i;
}

static void map_set(int i, int prot, int dontfork)
{
	lk(&M.lk);
	if (prot >= 0)
		M.m[i].prot = prot;
	if (dontfork >= 0)
		M.m[i].dontfork = dontfork;
	ulk(&M.lk);
}

/* ----------------------------------------------------- vgem handles */

static void vh_add(unsigned int h)
{
	int i;

	lk(&VH.lk);
	for (i = 0; i < VH.n; i++)
		if (VH.h[i] == h)
			break;
	if (i == VH.n && VH.n < VH_MAX)
		VH.h[VH.n++] = h;
	ulk(&VH.lk);
}

static int vh_pick(unsigned int *h, int remove)
{
	int i;

	lk(&VH.lk);
	if (!VH.n) {
		ulk(&VH.lk);
		return -1;
	}
	i = rn(VH.n);
	*h = VH.h[i];
	if (remove)
		VH.h[i] = VH.h[--VH.n];
	ulk(&VH.lk);
	return 0;
}

/* -------------------------------------------------- small utilities */

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Read a whole procfs/debugfs file into a malloc'd string. */
static char *read_all(const char *path, size_t *lenp)
{
	size_t cap = 16384, n = 0;
	char *b, *nb;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	b = malloc(cap + 1);
	while (b) {
		if (n == cap) {
			if (cap >= (8u << 20))
				break;
			nb = realloc(b, cap * 2 + 1);
			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	if (!b)
		return NULL;
	b[n] = 0;
	if (lenp)
		*lenp = n;
	return b;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The descriptors this process has open, sorted. */
static int fd_list(int *out, int max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0, self;

	if (!d)
		return -1;
	self = dirfd(d);
	while ((de = readdir(d))) {
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		if (fd != self && n < max)
			out[n++] = fd;
	}
	closedir(d);
	qsort(out, n, sizeof(int), cmp_int);
	return n;
}

static const char *errname(int e)
{
	static char other[16];

	switch (e) {
#define E(x) case x: return #x
	E(EPERM); E(ENOENT); E(ESRCH); E(EINTR); E(EIO); E(ENXIO);
	E(E2BIG); E(EBADF); E(ECHILD); E(EAGAIN); E(ENOMEM); E(EACCES);
	E(EFAULT); E(EBUSY); E(EEXIST); E(EXDEV); E(ENODEV); E(ENOTDIR);
	E(EISDIR); E(EINVAL); E(ENFILE); E(EMFILE); E(ENOTTY); E(EFBIG);
	E(ENOSPC); E(ESPIPE); E(EROFS); E(EPIPE); E(ERANGE); E(ENOSYS);
	E(ELOOP); E(ENODATA); E(EOVERFLOW); E(EOPNOTSUPP); E(ETOOMANYREFS);
	E(ENOTSOCK); E(ENOTCONN); E(ETIMEDOUT); E(EBADFD);
#undef E
	}
	snprintf(other, sizeof(other), "errno%d", e);
	return other;
}

/* ------------------------------------------------ argument pointers */

/* An address every access to faults, of one of the bad kinds. */
static void *bad_ptr(int *pk)
{
	switch (rn(4)) {
	case 0:
		*pk = P_NULL;
		return NULL;
	case 1:
		*pk = P_UNMAPPED;
		return T->arena + pg + rn(pg - 64);
	case 2:
		*pk = P_KERNEL;
		return (void *)(FZ_KERNEL_ADDR + 8 * (uintptr_t)rn(4096));
	default:
		*pk = P_WILD;
		switch (rn(3)) {
		case 0:		/* below mmap_min_addr: nothing of ours there */
			return (void *)(uintptr_t)rn(4096);
		case 1:
#if UINTPTR_MAX > 0xffffffffUL
			/* non-canonical */
			return (void *)(((uintptr_t)1 << 47) + (rnd() & 0xffffffffffULL));
#else
			return (void *)(uintptr_t)(0xf0000000UL + rn(0x1000000));
#endif
		default:
			return (void *)(~(uintptr_t)0 - rn(4096));
		}
	}
}

static void ro_write(size_t off, const void *src, size_t len)
{
	char *p = T->arena + 2 * pg;

	mprotect(p, pg, PROT_READ | PROT_WRITE);
	memcpy(p + off, src, len);
	mprotect(p, pg, PROT_READ);
}

/*
 * Place a copy of an ioctl argument where a random pointer kind says.
 * Every bad kind faults on the first byte or (straddle) inside the object;
 * none points at memory of the fuzzer other than its own arena.
 */
static void *mkarg(const void *obj, size_t len, int *pk)
{
	char *a = T->arena, *p;
	unsigned int r = rn(100), k;

	if (r < 60) {
		*pk = P_VALID;
		p = a + 64 + 8 * rn(8);
		memcpy(p, obj, len);
	} else if (r < 68) {
		*pk = P_PAGEEND;
		p = a + pg - len;
		memcpy(p, obj, len);
	} else if (r < 80 && len > 1) {
		*pk = P_STRADDLE;
		k = 1 + rn(len - 1);
		p = a + pg - k;
		memcpy(p, obj, k);
	} else if (r < 86) {
		*pk = P_READONLY;
		ro_write(64, obj, len);
		p = a + 2 * pg + 64;
	} else {
		p = bad_ptr(pk);
	}
	ADD(ST.ptr[*pk], 1);
	return p;
}

static int pk_readable(int pk)
{
	return pk == P_VALID || pk == P_PAGEEND || pk == P_READONLY;
}

static int pk_writable(int pk)
{
	return pk == P_VALID || pk == P_PAGEEND;
}

/* A random name and where it lives. */
struct name_arg {
	const char *p;
	int len, must_fail, cmp, pk;
	char copy[80];
};

static void mkname(struct name_arg *n)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz0123456789_-.";
	static const char odd[] = " /:\\%\t\n";
	char *a = T->arena, *p;
	unsigned int r = rn(100);
	int L, i;

	L = r < 40 ? (int)rn(32) : r < 50 ? 0 : r < 60 ? 31 : r < 70 ? 32 :
	    r < 80 ? 32 + (int)rn(40) : 1 + (int)rn(8);
	for (i = 0; i < L; i++) {
		r = rn(100);
		n->copy[i] = r < 75 ? plain[rn(sizeof(plain) - 1)] :
			     r < 90 ? (char)(1 + rn(255)) : odd[rn(sizeof(odd) - 1)];
	}
	n->copy[L] = 0;
	n->len = L;
	n->must_fail = L >= DMA_BUF_NAME_LEN;
	n->cmp = 0;
	r = rn(100);
	if (r < 50) {
		n->pk = P_VALID;
		p = a + 256;
		memcpy(p, n->copy, L + 1);
		n->cmp = 1;
	} else if (r < 60) {
		n->pk = P_PAGEEND;	/* the NUL is the page's last byte */
		p = a + pg - L - 1;
		memcpy(p, n->copy, L + 1);
		n->cmp = 1;
	} else if (r < 75) {
		n->pk = P_STRADDLE;	/* no NUL before the PROT_NONE page */
		p = a + pg - L;
		memcpy(p, n->copy, L);
		n->must_fail = 1;
	} else if (r < 80) {
		n->pk = P_READONLY;
		ro_write(128, n->copy, L + 1);
		p = a + 2 * pg + 128;
		n->cmp = 1;
	} else {
		p = bad_ptr(&n->pk);
		n->must_fail = 1;
	}
	ADD(ST.ptr[n->pk], 1);
	n->p = p;
}

/* ------------------------------------------------- registering fds */

static void note_bufdev(dev_t dev)
{
	if (!__atomic_load_n(&F.have_bufdev, __ATOMIC_ACQUIRE)) {
		F.bufdev = dev;
		__atomic_store_n(&F.have_bufdev, 1, __ATOMIC_RELEASE);
	}
}

/* A buffer this process just made: record it and pool it. */
static void register_buf(int fd, int kind, unsigned long expect)
{
	struct stat st;
	off_t end;
	unsigned long size;

	if (fstat(fd, &st)) {
		anomaly("fstat of a new %s buffer (fd %d) failed: %s",
			slot_kind_name[kind], fd, strerror(errno));
		fz_close(fd);
		return;
	}
	note_bufdev(st.st_dev);
	end = lseek(fd, 0, SEEK_END);
	if (expect && end != (off_t)expect)
		anomaly("new %s buffer: lseek(SEEK_END) gives %lld, made with %lu bytes",
			slot_kind_name[kind], (long long)end, expect);
	size = end > 0 ? (unsigned long)end : expect;
	ino_record(st.st_ino, size, kind);
	pool_add(fd, kind, st.st_ino, size);
}

/* What is this descriptor?  0 and its kind for buffers and sync_files. */
static int classify(int fd, int *kind, unsigned long *ino, unsigned long *size)
{
	struct inorec *r;
	struct stat st;
	char link[256];

	if (fstat(fd, &st))
		return -1;
	if (fd_link(fd, link, sizeof(link)) < 0)
		link[0] = 0;
	if ((__atomic_load_n(&F.have_bufdev, __ATOMIC_ACQUIRE) &&
	     st.st_dev == F.bufdev) || !strncmp(link, "/dmabuf:", 8)) {
		*ino = st.st_ino;
		r = ino_find(st.st_ino);
		if (r) {
			*kind = r->kind;
			*size = r->size;
		} else {
			off_t e = lseek(fd, 0, SEEK_END);

			*kind = S_OTHERBUF;
			*size = e > 0 ? (unsigned long)e : 0;
			ino_record(st.st_ino, *size, S_OTHERBUF);
		}
		return 0;
	}
	if (strstr(link, "sync_file")) {
		*kind = S_SYNC;
		*ino = 0;
		*size = 0;
		return 0;
	}
	return -1;
}

/* A descriptor of unknown kind the fuzzer received: pool it or close it. */
static void register_any(int fd)
{
	unsigned long ino, size;
	int kind;

	if (classify(fd, &kind, &ino, &size) == 0)
		pool_add(fd, kind, ino, size);
	else
		fz_close(fd);
}

/* A copy of slot i's descriptor. */
static void register_dup(int nfd, const struct slot *s, int i)
{
	/* The slot may have become /dev/null meanwhile: then look. */
	if (slot_dying(i))
		register_any(nfd);
	else
		pool_add(nfd, s->kind, s->ino, s->size);
}

/* A sync_file fd the kernel gave back; it is checked before it is trusted. */
static void register_sync(int fd, const char *from)
{
	if (fd < 0 || sync_file_status(fd, NULL) == -100) {
		anomaly("%s returned fd %d, which is not a sync_file", from, fd);
		return;	/* not ours to close: the fd accounting will tell */
	}
	if (pct(60))
		pool_add(fd, S_SYNC, 0, 0);
	else
		fz_close(fd);
}

/* ------------------------------------------------------ text checks */

/* fdinfo of a descriptor: size and name must be those of the buffer. */
static void check_fdinfo(const char *txt, const struct slot *s, int i)
{
	char v[128];
	unsigned long ino = 0, size = 0;
	struct inorec *r;

	if (text_field(txt, "exp_name", v, sizeof(v))) {
		if (s && IS_BUF(s->kind) && !slot_dying(i))
			anomaly("fdinfo of buffer fd %d has no exp_name line", s->fd);
		return;
	}
	if (!text_field(txt, "ino", v, sizeof(v)))
		ino = strtoul(v, NULL, 10);
	if (!text_field(txt, "size", v, sizeof(v)))
		size = strtoul(v, NULL, 10);
	r = ino_find(ino);
	if (r && r->size != size)
		anomaly("fdinfo: buffer ino %lu has size %lu, made with %lu",
			ino, size, r->size);
	if (!text_field(txt, "name", v, sizeof(v)) && strlen(v) >= DMA_BUF_NAME_LEN)
		anomaly("fdinfo: buffer ino %lu shows a %zu-byte name", ino, strlen(v));
	if (s && IS_BUF(s->kind) && !slot_dying(i)) {
		if (ino && ino != s->ino)
			anomaly("fdinfo of fd %d shows ino %lu, the buffer is %lu",
				s->fd, ino, s->ino);
		if (!text_field(txt, "count", v, sizeof(v)) && atol(v) < 1)
			anomaly("fdinfo of open fd %d shows count %s", s->fd, v);
	}
}

/*
 * Go through bufinfo: sizes of the fuzzer's buffers must be right.
 * Returns how many of them are listed (-1: unreadable).
 */
static int scan_bufinfo(int check, unsigned long *first)
{
	char *text = read_all(BUFINFO_PATH, NULL), *line, *save = NULL;
	int ours = 0;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[6], *c = line;
		struct inorec *r;
		unsigned long ino;
		int n = 0;

		if (*line < '0' || *line > '9')
			continue;
		f[n++] = c;
		while (n < 6 && (c = strchr(c, '\t'))) {
			*c++ = 0;
			f[n++] = c;
		}
		if (n < 6)
			continue;
		ino = strtoul(f[5], NULL, 10);
		r = ino_find(ino);
		if (!r)
			continue;
		if (!ours && first)
			*first = ino;
		ours++;
		if (check && strtoul(f[0], NULL, 10) != r->size)
			anomaly("bufinfo: buffer ino %lu listed with size %s, made with %lu",
				ino, f[0], r->size);
	}
	free(text);
	return ours;
}

static void check_sysfs(unsigned long ino)
{
	char path[128], v[64];
	struct inorec *r = ino_find(ino);

	snprintf(path, sizeof(path), SYSFS_BUFFERS "/%lu/size", ino);
	if (!r || read_text(path, v, sizeof(v)) <= 0)
		return;
	if (strtoul(v, NULL, 10) != r->size)
		anomaly("sysfs: buffer %lu has size %lu, made with %lu", ino,
			strtoul(v, NULL, 10), r->size);
	snprintf(path, sizeof(path), SYSFS_BUFFERS "/%lu/exporter_name", ino);
	read_text(path, v, sizeof(v));
}

/* ------------------------------------------------------ the faults */

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct tctx *t = T;

	(void)si;
	(void)uc;
	if (t && t->in_touch) {
		t->in_touch = 0;
		t->last_sig = sig;
		siglongjmp(t->jb, 1);
	}
	/* Not a fault the fuzzer asked for: let it kill the process. */
	signal(sig, SIG_DFL);
}

/* One access to mapped memory: 0, or the signal that stopped it. */
static int __attribute__((noinline)) guarded(char *p, int mode, uint64_t val,
					     uint64_t *out)
{
	struct tctx *volatile t = T;

	if (sigsetjmp(t->jb, 1))
		return t->last_sig;
	t->in_touch = 1;
	switch (mode) {
	case 0:
		*out = *(volatile uint8_t *)p;
		break;
	case 1:
		*(volatile uint8_t *)p = (uint8_t)val;
		break;
	case 2:
		*(volatile uint64_t *)p = val;
		*out = *(volatile uint64_t *)p;
		break;
	case 3:
		*out = *(volatile uint64_t *)p;
		break;
	default:
		memset(p, (int)(val & 0xff), 64);
		break;
	}
	t->in_touch = 0;
	return 0;
}

static void count_fault(int sig)
{
	if (sig == SIGBUS)
		ADD(ST.bus, 1);
	else
		ADD(ST.segv, 1);
}

/* ------------------------------------------------------------ ops */

static void op_close(void);
static void op_munmap(void);
static void op_ioc_sync(void);
static void op_ioc_name(int compat);
static void op_ioc_export(void);
static void op_ioc_import(void);

static void op_alloc_heap(void)
{
	struct dma_heap_allocation_data d;
	unsigned int r;
	size_t len;

	cnt(K_ALLOC_HEAP);
	if (F.heapdev < 0 || !ino_room())
		return;
	if (pool_count(M_BUF) >= POOL_SOFT) {
		op_close();
		return;
	}
	memset(&d, 0, sizeof(d));
	len = 1 + rn(16 * pg);
	if (pct(2))
		len = 0;
	r = rn(100);
	d.fd_flags = r < 84 ? O_RDWR | O_CLOEXEC : r < 92 ? O_RDONLY | O_CLOEXEC :
		     r < 95 ? O_WRONLY | O_CLOEXEC : r < 97 ? O_ACCMODE | O_CLOEXEC :
		     r < 98 ? O_RDWR : O_RDWR | O_CLOEXEC | O_NONBLOCK;
	if (pct(2))
		d.heap_flags = 1ULL << rn(64);
	d.len = len;
	if (res(ioctl(F.heapdev, DMA_HEAP_IOCTL_ALLOC, &d)) < 0)
		return;
	register_buf((int)d.fd, S_HEAP, (len + pg - 1) / pg * pg);
}

/*
 * udmabuf (6.1 and 6.12 alike) makes its sg table on the first
 * SYNC_START, unlocked: two first syncs racing each other leak a table,
 * which kmemleak reports.  The core calls the exporter there without a
 * lock, on both lines.  Make that first sync while the buffer is still
 * this thread's alone; later ones only sync the table.
 */
static void prime_udmabuf(int fd)
{
	struct dma_buf_sync sy = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };

	if (res(ioctl(fd, DMA_BUF_IOCTL_SYNC, &sy)) == 0) {
		sy.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
		res(ioctl(fd, DMA_BUF_IOCTL_SYNC, &sy));
	}
}

static void op_alloc_udmabuf(void)
{
	struct udmabuf_create c;
	unsigned int npg, extra, off;
	int memfd, fd, seals;

	cnt(K_ALLOC_UDMABUF);
	if (F.udev < 0 || !ino_room())
		return;
	if (pool_count(M_BUF) >= POOL_SOFT) {
		op_close();
		return;
	}
	npg = 1 + rn(16);
	extra = rn(3);
	off = rn(extra + 1);
	lk(&MEMFD_LK);
	memfd = res(memfd_create("fz-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC));
	if (memfd < 0) {
		ulk(&MEMFD_LK);
		return;
	}
	if (res(ftruncate(memfd, (off_t)(npg + extra) * pg)) < 0) {
		fz_close(memfd);
		ulk(&MEMFD_LK);
		return;
	}
	seals = pct(96) ? F_SEAL_SHRINK : pct(50) ? F_SEAL_SHRINK | F_SEAL_WRITE : 0;
	if (seals)
		res(fcntl(memfd, F_ADD_SEALS, seals));
	memset(&c, 0, sizeof(c));
	c.memfd = memfd;
	c.flags = pct(97) ? UDMABUF_FLAGS_CLOEXEC : (__u32)rnd();
	c.offset = (__u64)off * pg + (pct(2) ? 1 + rn(pg - 1) : 0);
	c.size = (__u64)npg * pg - (pct(2) ? rn(pg) : 0);
	fd = res(ioctl(F.udev, UDMABUF_CREATE, &c));
	fz_close(memfd);
	ulk(&MEMFD_LK);
	if (fd < 0)
		return;
	prime_udmabuf(fd);
	register_buf(fd, S_UDMA, c.size);
}

static void op_vgem_dumb(void)
{
	static const unsigned int bpp[] = { 8, 16, 32 };
	struct fz_drm_mode_create_dumb cd;
	struct fz_drm_prime_handle h;
	struct fz_drm_gem_close gc;

	cnt(K_VGEM_DUMB);
	if (F.drm < 0 || !ino_room() || pool_count(M_BUF) >= POOL_SOFT)
		return;
	memset(&cd, 0, sizeof(cd));
	cd.width = 1 + rn(256);
	cd.height = 1 + rn(64);
	cd.bpp = bpp[rn(3)];
	if (res(ioctl(F.drm, FZ_DRM_IOCTL_MODE_CREATE_DUMB, &cd)) < 0)
		return;
	memset(&h, 0, sizeof(h));
	h.handle = cd.handle;
	h.flags = O_CLOEXEC | (pct(90) ? O_RDWR : 0);
	h.fd = -1;
	if (res(ioctl(F.drm, FZ_DRM_IOCTL_PRIME_HANDLE_TO_FD, &h)) == 0)
		register_buf(h.fd, S_VGEM, 0);
	if (pct(50)) {
		memset(&gc, 0, sizeof(gc));
		gc.handle = cd.handle;
		res(ioctl(F.drm, FZ_DRM_IOCTL_GEM_CLOSE, &gc));
	} else {
		vh_add(cd.handle);
	}
}

static void alloc_any(void)
{
	if (in_helper)
		return;
	if (F.heapdev >= 0 && (F.udev < 0 || pct(60)))
		op_alloc_heap();
	else if (F.udev >= 0)
		op_alloc_udmabuf();
}

/* A slot to work on; makes a buffer when the pool has none. */
static int get_slot(unsigned int mask, struct slot *s)
{
	int i = pool_get(mask, s);

	if (i < 0 && (mask & M_BUF)) {
		alloc_any();
		i = pool_get(mask, s);
	}
	return i;
}

/* Mostly buffers, sometimes anything. */
static int get_target(struct slot *s)
{
	return get_slot(pct(90) ? M_BUF : M_ANY, s);
}

static void op_close(void)
{
	struct slot s;

	cnt(K_CLOSE);
	if (pool_take(M_ANY, &s) >= 0)
		fz_close(s.fd);
}

static void op_racy_close(void)
{
	int idx[POOL_MAX], n = 0, i;

	cnt(K_RACY_CLOSE);
	lk(&P.lk);
	for (i = 0; i < POOL_MAX; i++)
		if (P.s[i].used && !P.s[i].dying && P.s[i].users)
			idx[n++] = i;
	if (n) {
		/*
		 * The number stays taken (now /dev/null) so that the threads
		 * still using it never reach a descriptor someone else opened;
		 * the file they hold goes when their calls end.  The last
		 * user closes the number.
		 */
		i = idx[rn(n)];
		P.s[i].dying = 1;
		res(dup2(F.devnull, P.s[i].fd));
	}
	ulk(&P.lk);
	if (!n)
		op_close();
}

static void op_dup(void)
{
	struct slot s;
	int i, nfd = -1, target;

	cnt(K_DUP);
	if (pool_count(M_ANY) >= POOL_SOFT + 8) {
		op_close();
		return;
	}
	i = get_slot(M_ANY, &s);
	if (i < 0)
		return;
	switch (rn(4)) {
	case 0:
		nfd = res(dup(s.fd));
		break;
	case 1:
		nfd = res(fcntl(s.fd, F_DUPFD, (int)rn(F.rlim / 4)));
		break;
	case 2:
		nfd = res(fcntl(s.fd, pct(50) ? F_DUPFD_CLOEXEC : F_DUPFD,
				(int)rn(F.rlim + 8)));
		break;
	default:
		/* dup3 onto a free high number, under the lock: nobody else
		 * picks the same one */
		lk(&P.lk);
		target = F.rlim / 2 + rn(F.rlim / 2);
		if (fcntl(target, F_GETFD) < 0 && errno == EBADF)
			nfd = res(dup3(s.fd, target, pct(50) ? O_CLOEXEC : 0));
		ulk(&P.lk);
		break;
	}
	if (nfd >= 0)
		register_dup(nfd, &s, i);
	pool_put(i);
}

static void op_dup2(void)
{
	int idx[POOL_MAX], n = 0, i, a, b = -1, r;

	cnt(K_DUP2);
	lk(&P.lk);
	for (i = 0; i < POOL_MAX; i++)
		if (P.s[i].used && !P.s[i].dying)
			idx[n++] = i;
	if (n) {
		a = idx[rn(n)];
		/* the target must be unused: its old file goes away */
		for (i = 0; i < 8 && b < 0; i++) {
			b = idx[rn(n)];
			if (b != a && P.s[b].users)
				b = -1;
		}
		if (b >= 0) {
			r = pct(80) ? dup2(P.s[a].fd, P.s[b].fd) :
			    dup3(P.s[a].fd, P.s[b].fd, O_CLOEXEC);
			if (res(r) >= 0 && a != b) {
				P.s[b].kind = P.s[a].kind;
				P.s[b].ino = P.s[a].ino;
				P.s[b].size = P.s[a].size;
				P.s[b].accmode = P.s[a].accmode;
			}
		}
	}
	ulk(&P.lk);
}

static void op_fcntl(void)
{
	static const int fl[] = { 0, O_NONBLOCK, O_APPEND, O_ASYNC, O_DIRECT,
				  O_NOATIME, O_NONBLOCK | O_APPEND };
	struct slot s;
	int i, r, nfd;

	cnt(K_FCNTL);
	i = get_slot(M_ANY, &s);
	if (i < 0)
		return;
	switch (rn(8)) {
	case 0:
	case 1:
		r = res(fcntl(s.fd, F_GETFL));
		if (r >= 0 && IS_BUF(s.kind) && s.accmode >= 0 &&
		    (r & O_ACCMODE) != s.accmode && !slot_dying(i))
			anomaly("F_GETFL of buffer fd %d: access mode %d, was %d",
				s.fd, r & O_ACCMODE, s.accmode);
		break;
	case 2:
	case 3:
		res(fcntl(s.fd, F_SETFL, pct(85) ? fl[rn(7)] : (int)rnd()));
		break;
	case 4:
		res(fcntl(s.fd, F_GETFD));
		break;
	case 5:
		res(fcntl(s.fd, F_SETFD, pct(50) ? FD_CLOEXEC : 0));
		break;
	case 6:
		if (pool_count(M_ANY) >= POOL_SOFT + 8)
			break;
		nfd = res(fcntl(s.fd, pct(50) ? F_DUPFD_CLOEXEC : F_DUPFD,
				(int)rn(64)));
		if (nfd >= 0)
			register_dup(nfd, &s, i);
		break;
	default:
		if (pct(50))
			res(fcntl(s.fd, F_GET_SEALS));
		else
			res(fcntl(s.fd, F_ADD_SEALS, F_SEAL_SEAL));
		break;
	}
	pool_put(i);
}

static void op_lseek(void)
{
	static const int wh[] = { SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA,
				  SEEK_HOLE, 5, -1 };
	struct slot s;
	off_t off, r, want;
	int i, w;

	cnt(K_LSEEK);
	i = get_slot(pct(90) ? M_BUF : M_ANY, &s);
	if (i < 0)
		return;
	w = pct(50) ? (rn(2) ? SEEK_SET : SEEK_END) : wh[rn(7)];
	switch (rn(5)) {
	case 0:
	case 1:
		off = 0;
		break;
	case 2:
		off = (off_t)rn(4 * s.size + 2);
		break;
	case 3:
		off = -(off_t)rn(1 << 20) - 1;
		break;
	default:
		off = (off_t)rnd();
		break;
	}
	r = res(lseek(s.fd, off, w));
	if (IS_BUF(s.kind) && !slot_dying(i)) {
		want = off ? -1 : w == SEEK_END ? (off_t)s.size : w == SEEK_SET ? 0 : -1;
		if (r != want)
			anomaly("lseek(%lld, %d) on a %lu-byte buffer gave %lld (%s), want %lld",
				(long long)off, w, s.size, (long long)r,
				r < 0 ? errname(errno) : "ok", (long long)want);
	}
	pool_put(i);
}

static void op_rdwr(void)
{
	struct slot s;
	struct iovec iov;
	char *buf;
	size_t n;
	ssize_t r;
	int i, pk, check = 1;
	const char *what;

	cnt(K_RDWR);
	i = get_target(&s);
	if (i < 0)
		return;
	n = pct(50) ? rn(64) : rn(pg - 64);
	buf = pct(80) ? T->arena + 64 : bad_ptr(&pk);
	iov.iov_base = buf;
	iov.iov_len = n;
	switch (rn(7)) {
	case 0:
		what = "read";
		r = read(s.fd, buf, n);
		break;
	case 1:
		what = "write";
		r = write(s.fd, buf, n);
		break;
	case 2:
		what = "pread";
		r = pread(s.fd, buf, n, (off_t)rn(s.size + 1));
		break;
	case 3:
		what = "pwrite";
		r = pwrite(s.fd, buf, n, (off_t)rn(s.size + 1));
		break;
	case 4:
		what = "readv";
		r = readv(s.fd, &iov, (int)rn(2));
		break;
	case 5:
		what = "writev";
		r = writev(s.fd, &iov, (int)rn(2));
		break;
	default:
		what = "sendfile";
		check = 0;
		r = sendfile(F.devnull, s.fd, NULL, n);
		break;
	}
	res(r);
	if (check && r >= 0 && IS_BUF(s.kind) && !slot_dying(i))
		anomaly("%s of %zu bytes on a dma-buf returned %zd", what, n, r);
	pool_put(i);
}

static void op_poll(void)
{
	static const short ev[] = { POLLIN, POLLOUT, POLLIN | POLLOUT };
	struct pollfd p[6];
	struct slot s[6];
	int idx[6], n = 0, k, i, r, timeout;

	cnt(K_POLL);
	k = 1 + rn(4);
	for (i = 0; i < k; i++) {
		idx[n] = get_slot(M_ANY, &s[n]);
		if (idx[n] < 0)
			break;
		p[n].fd = s[n].fd;
		p[n].events = pct(80) ? ev[rn(3)] : (short)rnd();
		p[n].revents = 0;
		n++;
	}
	if (pct(10)) {
		idx[n] = -1;
		p[n].fd = pct(50) ? -1 : 100000 + (int)rn(1000);
		p[n].events = POLLIN;
		p[n].revents = 0;
		n++;
	}
	if (!n)
		return;
	timeout = F.ntl ? (int)rn(20) : pct(80) ? 0 : (int)rn(3);
	r = res(poll(p, n, timeout));
	for (i = 0; i < n; i++) {
		short want;

		if (idx[i] < 0)
			continue;
		want = p[i].events & (POLLIN | POLLOUT);
		if (r >= 0 && IS_BUF(s[i].kind) && !slot_dying(idx[i])) {
			if (p[i].revents & POLLNVAL)
				anomaly("poll: POLLNVAL for open buffer fd %d", p[i].fd);
			/* no unsignalled fence exists outside the sync phase */
			else if (!F.ntl && (p[i].revents & want) != want)
				anomaly("poll: idle buffer fd %d not ready: events %#x revents %#x",
					p[i].fd, p[i].events, p[i].revents);
		}
		pool_put(idx[i]);
	}
}

static void op_epoll_ctl(void)
{
	static const unsigned int bits[] = { EPOLLIN, EPOLLOUT, EPOLLPRI,
					     EPOLLRDHUP, EPOLLET, EPOLLONESHOT };
	struct epoll_event e;
	struct slot s;
	int ep = F.ep[rn(2)], i = -1, fd, op, b;
	unsigned int r = rn(100);

	cnt(K_EPOLL_CTL);
	if (r < 84) {
		i = get_slot(M_ANY, &s);
		if (i < 0)
			return;
		fd = s.fd;
	} else if (r < 90) {
		fd = F.ep[rn(2)];	/* nesting, loops, itself */
	} else if (r < 95) {
		fd = F.devnull;
	} else {
		fd = pct(50) ? -1 : 100000;
	}
	r = rn(100);
	op = r < 45 ? EPOLL_CTL_ADD : r < 75 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
	memset(&e, 0, sizeof(e));
	for (b = 0; b < 6; b++)
		if (pct(40))
			e.events |= bits[b];
	if (pct(8))
		e.events |= EPOLLEXCLUSIVE;
	if (pct(5))
		e.events = (uint32_t)rnd() & ~(uint32_t)EPOLLWAKEUP;
	e.data.u64 = rnd();
	res(epoll_ctl(ep, op, fd, op == EPOLL_CTL_DEL && pct(50) ? NULL : &e));
	if (i >= 0)
		pool_put(i);
}

static void op_epoll_wait(void)
{
	struct epoll_event e[16];

	cnt(K_EPOLL_WAIT);
	res(epoll_wait(F.ep[rn(2)], e, 1 + rn(16), F.ntl ? (int)rn(10) : (int)rn(2)));
}

static __u64 rand_sync_flags(int *valid)
{
	__u64 f;

	switch (rn(10)) {
	case 0:
		f = rn(2) ? DMA_BUF_SYNC_END : DMA_BUF_SYNC_START;
		break;
	case 1:
		f = (__u64)(1 + rn(3)) | (1ULL << (3 + rn(61)));
		break;
	case 2:
		f = rnd();
		break;
	default:
		f = (rn(2) ? DMA_BUF_SYNC_END : DMA_BUF_SYNC_START) | (1 + rn(3));
		break;
	}
	*valid = !(f & ~(__u64)DMA_BUF_SYNC_VALID_FLAGS_MASK) && (f & DMA_BUF_SYNC_RW);
	return f;
}

static __u32 rand_rw_flags(int *valid)
{
	__u32 f;

	switch (rn(10)) {
	case 0:
		f = 0;
		break;
	case 1:
		f = DMA_BUF_SYNC_END | (1 + rn(3));
		break;
	case 2:
		f = (1 + rn(3)) | (1u << (2 + rn(30)));
		break;
	case 3:
		f = (__u32)rnd();
		break;
	default:
		f = 1 + rn(3);
		break;
	}
	*valid = !(f & ~DMA_BUF_SYNC_RW) && (f & DMA_BUF_SYNC_RW);
	return f;
}

static void op_ioc_sync(void)
{
	struct dma_buf_sync a;
	struct slot s;
	int i, pk, valid;
	long r;
	void *p;

	cnt(K_IOC_SYNC);
	i = get_target(&s);
	if (i < 0)
		return;
	a.flags = rand_sync_flags(&valid);
	p = mkarg(&a, sizeof(a), &pk);
	r = res(ioctl(s.fd, DMA_BUF_IOCTL_SYNC, p));
	if (r == 0 && !pk_readable(pk))
		anomaly("DMA_BUF_IOCTL_SYNC succeeded with a %s argument pointer %p",
			ptr_name[pk], p);
	else if (r == 0 && !valid)
		anomaly("DMA_BUF_IOCTL_SYNC accepted flags %#llx",
			(unsigned long long)a.flags);
	if (r == 0 && valid && !(a.flags & DMA_BUF_SYNC_END) && pct(70)) {
		a.flags = DMA_BUF_SYNC_END | (a.flags & DMA_BUF_SYNC_RW);
		res(ioctl(s.fd, DMA_BUF_IOCTL_SYNC, &a));
	}
	pool_put(i);
}

/* Right after a rename, with nobody else around, fdinfo shows the name. */
static void check_name(int fd, const char *want)
{
	char v[128];
	size_t wl = strcspn(want, "\n");

	if (fdinfo_field(fd, "name", v, sizeof(v))) {
		anomaly("fd %d: no name line in fdinfo right after SET_NAME", fd);
		return;
	}
	if (strlen(v) != wl || strncmp(v, want, wl))
		anomaly("fd %d: fdinfo shows name \"%.40s\" right after SET_NAME \"%.40s\"",
			fd, v, want);
}

static void op_ioc_name(int compat)
{
	struct name_arg n;
	struct slot s;
	unsigned long cmd;
	int i;
	long r;

	cnt(compat ? K_IOC_NAME_COMPAT : K_IOC_NAME);
	i = get_target(&s);
	if (i < 0)
		return;
	cmd = !compat ? DMA_BUF_SET_NAME : rn(2) ? DMA_BUF_SET_NAME_A : DMA_BUF_SET_NAME_B;
	mkname(&n);
	r = res(ioctl(s.fd, cmd, n.p));
	if (r == 0 && n.must_fail)
		anomaly("SET_NAME (cmd %#lx) accepted a %d-byte name through a %s pointer",
			cmd, n.len, ptr_name[n.pk]);
	else if (r == 0 && solo && n.cmp && IS_BUF(s.kind) && !slot_dying(i))
		check_name(s.fd, n.copy);
	pool_put(i);
}

static void op_ioc_export(void)
{
	struct dma_buf_export_sync_file a;
	struct slot s;
	int i, pk, valid;
	long r;
	void *p;

	cnt(K_IOC_EXPORT);
	i = get_target(&s);
	if (i < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.flags = rand_rw_flags(&valid);
	a.fd = pct(50) ? -1 : (int)rnd();
	p = mkarg(&a, sizeof(a), &pk);
	r = res(ioctl(s.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, p));
	if (r == 0) {
		if (!pk_writable(pk)) {
			anomaly("EXPORT_SYNC_FILE succeeded with a %s argument pointer %p",
				ptr_name[pk], p);
		} else {
			memcpy(&a, p, sizeof(a));
			if (!valid)
				anomaly("EXPORT_SYNC_FILE accepted flags %#x", a.flags);
			register_sync(a.fd, "EXPORT_SYNC_FILE");
		}
	}
	pool_put(i);
}

static void op_ioc_import(void)
{
	struct dma_buf_import_sync_file a;
	struct slot s, src;
	int i, j = -1, pk, valid, tmp = -1, notsync = 0;
	unsigned int r = rn(100);
	long ret;
	void *p;

	cnt(K_IOC_IMPORT);
	i = get_target(&s);
	if (i < 0)
		return;
	memset(&a, 0, sizeof(a));
	if (r < 55) {
		j = pool_get(M_SYNC, &src);
		if (j >= 0) {
			a.fd = src.fd;
		} else {
			tmp = buf_export(s.fd, DMA_BUF_SYNC_READ);
			a.fd = tmp;
		}
	} else if (r < 70) {
		j = pool_get(M_BUF, &src);
		a.fd = j >= 0 ? src.fd : -1;
		notsync = 1;
	} else if (r < 78) {
		a.fd = -1;
		notsync = 1;
	} else if (r < 86) {
		a.fd = (int)rnd();
	} else if (r < 93) {
		a.fd = F.devnull;
		notsync = 1;
	} else {
		a.fd = F.ep[0];
		notsync = 1;
	}
	a.flags = rand_rw_flags(&valid);
	p = mkarg(&a, sizeof(a), &pk);
	ret = res(ioctl(s.fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, p));
	if (ret == 0) {
		if (!pk_readable(pk))
			anomaly("IMPORT_SYNC_FILE succeeded with a %s argument pointer %p",
				ptr_name[pk], p);
		else if (!valid)
			anomaly("IMPORT_SYNC_FILE accepted flags %#x", a.flags);
		else if (notsync)
			anomaly("IMPORT_SYNC_FILE accepted fd %d, which is no sync_file", a.fd);
	}
	if (j >= 0)
		pool_put(j);
	if (tmp >= 0)
		fz_close(tmp);
	pool_put(i);
}

static int known_cmd(unsigned long cmd)
{
	return cmd == DMA_BUF_IOCTL_SYNC || cmd == DMA_BUF_SET_NAME ||
	       cmd == DMA_BUF_SET_NAME_A || cmd == DMA_BUF_SET_NAME_B ||
	       cmd == DMA_BUF_IOCTL_EXPORT_SYNC_FILE ||
	       cmd == DMA_BUF_IOCTL_IMPORT_SYNC_FILE ||
	       cmd == SYNC_IOC_MERGE || cmd == SYNC_IOC_FILE_INFO ||
	       cmd == TST_SW_SYNC_IOC_CREATE_FENCE || cmd == TST_SW_SYNC_IOC_INC ||
	       cmd == DMA_HEAP_IOCTL_ALLOC;
}

static void op_ioc_random(void)
{
	static const unsigned char sizes[] = { 4, 8, 16, 24, 32, 48, 56 };
	static const unsigned char types[] = { 'b', 'b', 'b', 'b', 'b', 'b',
					       '>', 'W', 'd', 'H' };
	unsigned int type, nr, dir, size, tries;
	unsigned long cmd = 0;
	struct slot s;
	int i, pk, checked;
	long r;
	void *arg;

	cnt(K_IOC_RANDOM);
	for (tries = 0; tries < 8; tries++) {
		type = pct(90) ? types[rn(sizeof(types))] : rn(256);
		nr = type == 'b' ? (pct(70) ? rn(8) : rn(256)) : rn(16);
		dir = rn(4);
		size = pct(40) ? rn(17) : pct(50) ? sizes[rn(sizeof(sizes))] : rn(0x4000);
		cmd = _IOC(dir, type, nr, size);
		if (!known_cmd(cmd))
			break;
		/* a real one: run it the proper way */
		if (cmd == DMA_BUF_IOCTL_SYNC) {
			op_ioc_sync();
			return;
		}
		if (cmd == DMA_BUF_SET_NAME_A || cmd == DMA_BUF_SET_NAME_B) {
			op_ioc_name(1);
			return;
		}
		if (cmd == DMA_BUF_IOCTL_EXPORT_SYNC_FILE) {
			op_ioc_export();
			return;
		}
		if (cmd == DMA_BUF_IOCTL_IMPORT_SYNC_FILE) {
			op_ioc_import();
			return;
		}
	}
	if (known_cmd(cmd))
		return;
	i = get_slot(M_ANY, &s);
	if (i < 0)
		return;
	if (pct(60)) {
		arg = T->arena;	/* random bytes of its own */
		*(uint64_t *)T->arena = rnd();
		ADD(ST.ptr[P_VALID], 1);
	} else {
		arg = bad_ptr(&pk);
		ADD(ST.ptr[pk], 1);
	}
	r = res(ioctl(s.fd, cmd, arg));
	/* no generic VFS ioctl uses these types; sync_file 3..5 are real ones */
	checked = type == 'b' || type == 'W' || type == 'd' || type == 'H' ||
		  (type == '>' && (nr < 3 || nr > 5));
	if (checked && (r != -1 || errno != ENOTTY))
		anomaly("unknown ioctl %#lx on a %s gave %ld (%s), want ENOTTY",
			cmd, slot_kind_name[s.kind], r, r < 0 ? errname(errno) : "ok");
	pool_put(i);
}

/* dma-buf ioctls where they do not belong, and the other way round. */
static void op_ioc_cross(void)
{
	struct dma_buf_sync sy = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_READ, .fd = -1 };
	struct dma_buf_import_sync_file im = { .flags = DMA_BUF_SYNC_READ, .fd = -1 };
	struct tst_sw_sync_create_fence cf;
	struct sync_merge_data md;
	struct sync_file_info info;
	struct slot s;
	unsigned long cmd;
	void *arg;
	int i = -1, fd, kindbuf = 0;
	__u32 inc = 1;
	long r;
	unsigned int t = rn(100);

	cnt(K_IOC_CROSS);
	if (t < 30) {
		i = pool_get(M_BUF, &s);
		kindbuf = 1;
	} else if (t < 80) {
		i = pool_get(M_SYNC, &s);
	}
	if (i >= 0) {
		fd = s.fd;
	} else {
		int other[3], n = 0;

		/* not epoll: from 6.9 on it has ioctls and answers EINVAL */
		other[n++] = F.devnull;
		if (F.udev >= 0)
			other[n++] = F.udev;
		if (F.ntl)
			other[n++] = F.tl[rn(F.ntl)];
		fd = other[rn(n)];
		kindbuf = 0;
	}
	memset(&cf, 0, sizeof(cf));
	memset(&md, 0, sizeof(md));
	memset(&info, 0, sizeof(info));
	md.fd2 = -1;
	if (kindbuf) {
		switch (rn(4)) {
		case 0:
			cmd = SYNC_IOC_FILE_INFO;
			arg = &info;
			break;
		case 1:
			cmd = SYNC_IOC_MERGE;
			arg = &md;
			break;
		case 2:
			cmd = TST_SW_SYNC_IOC_CREATE_FENCE;
			arg = &cf;
			break;
		default:
			cmd = TST_SW_SYNC_IOC_INC;
			arg = &inc;
			break;
		}
	} else {
		switch (rn(4)) {
		case 0:
			cmd = DMA_BUF_IOCTL_SYNC;
			arg = &sy;
			break;
		case 1:
			cmd = DMA_BUF_SET_NAME;
			arg = "cross";
			break;
		case 2:
			cmd = DMA_BUF_IOCTL_EXPORT_SYNC_FILE;
			arg = &ex;
			break;
		default:
			cmd = DMA_BUF_IOCTL_IMPORT_SYNC_FILE;
			arg = &im;
			break;
		}
	}
	r = res(ioctl(fd, cmd, arg));
	if (r != -1 || errno != ENOTTY)
		anomaly("ioctl %#lx on a %s fd gave %ld (%s), want ENOTTY", cmd,
			kindbuf ? "dma-buf" : i >= 0 ? "sync_file" : "non-dma-buf",
			r, r < 0 ? errname(errno) : "ok");
	if (i >= 0)
		pool_put(i);
}

static void op_mmap(void)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_WRITE, PROT_WRITE,
				     PROT_NONE, PROT_READ | PROT_EXEC };
	struct mapent fixed;
	struct slot s;
	unsigned long npg, pgoff, lenpg;
	int i, prot, flags, fx = -1, oob, dying;
	unsigned int r;
	char *hint = NULL, *a;
	size_t len;

	cnt(K_MMAP);
	if (map_count() >= MAPS_MAX - 2) {
		op_munmap();
		return;
	}
	i = get_slot(pct(90) ? M_BUF : M_ANY, &s);
	if (i < 0)
		return;
	npg = s.size / pg;
	r = rn(100);
	pgoff = r < 70 ? rn(npg ? npg : 1) : r < 80 ? npg : r < 90 ? rn(npg + 4) :
		r < 95 ? (1UL << 28) + rn(16) : ~0UL / pg - rn(4);
	r = rn(100);
	lenpg = r < 70 ? 1 + rn(npg > pgoff ? npg - pgoff : 1) :
		r < 85 ? rn(npg + 3) : (npg > pgoff ? npg - pgoff : 0) + 1;
	prot = prots[rn(6)];
	r = rn(100);
	flags = r < 70 ? MAP_SHARED : r < 90 ? MAP_PRIVATE : MAP_SHARED_VALIDATE;
	if (flags == MAP_SHARED_VALIDATE && pct(30))
		flags |= MAP_SYNC;
	if (pct(15))
		flags |= MAP_POPULATE;
	if (pct(5))
		flags |= MAP_NORESERVE;
	/*
	 * Over one of its own mappings, when nobody else can map into the
	 * hole a failure leaves.
	 */
	if ((solo || in_child) && pct(10)) {
		fx = map_take(&fixed);
		if (fx >= 0) {
			hint = fixed.addr;
			flags |= MAP_FIXED;
			if (lenpg * pg > fixed.len || !lenpg)
				lenpg = fixed.len / pg;
		}
	}
	len = lenpg * pg;
	a = mmap(hint, len, prot, flags, s.fd, (off_t)(pgoff * pg));
	res(a == MAP_FAILED ? -1 : 0);
	if (fx >= 0) {
		if (a == MAP_FAILED) {
			/* the old mapping may be gone or not: drop the range */
			munmap(fixed.addr, fixed.len);
		} else if (len < fixed.len) {
			map_add(fixed.addr + len, fixed.len - len, fixed.prot,
				fixed.flags, fixed.ino, fixed.bufsize,
				fixed.pgoff + lenpg, fixed.dontfork);
		}
	}
	if (a != MAP_FAILED) {
		dying = slot_dying(i);
		oob = pgoff + lenpg > npg || pgoff + lenpg < pgoff;
		if (IS_BUF(s.kind) && !dying && oob)
			anomaly("mmap of pages %lu..%lu of a %lu-page buffer succeeded",
				pgoff, pgoff + lenpg - 1, npg);
		if (IS_BUF(s.kind) && !dying && s.accmode >= 0 &&
		    (s.accmode == O_WRONLY || s.accmode == O_ACCMODE ||
		     (s.accmode == O_RDONLY && (prot & PROT_WRITE) && is_shared_map(flags))))
			anomaly("mmap prot %#x flags %#x of a buffer opened with access mode %d succeeded",
				prot, flags, s.accmode);
		map_add(a, len, prot, flags, IS_BUF(s.kind) ? s.ino : 0, s.size,
			pgoff, 0);
	}
	pool_put(i);
}

static void op_munmap(void)
{
	struct mapent m;
	size_t npg, k;
	int r;

	cnt(K_MUNMAP);
	if (map_take(&m) < 0)
		return;
	npg = m.len / pg;
	r = rn(10);
	if (r < 6 || npg < 2) {
		if (res(munmap(m.addr, pct(3) ? 0 : m.len)) < 0)
			map_add(m.addr, m.len, m.prot, m.flags, m.ino, m.bufsize,
				m.pgoff, m.dontfork);
		return;
	}
	k = 1 + rn(npg - 1);
	if (r < 8) {
		if (res(munmap(m.addr, k * pg)) == 0)
			map_add(m.addr + k * pg, m.len - k * pg, m.prot, m.flags,
				m.ino, m.bufsize, m.pgoff + k, m.dontfork);
		else
			map_add(m.addr, m.len, m.prot, m.flags, m.ino, m.bufsize,
				m.pgoff, m.dontfork);
	} else {
		if (res(munmap(m.addr + m.len - k * pg, k * pg)) == 0)
			map_add(m.addr, m.len - k * pg, m.prot, m.flags, m.ino,
				m.bufsize, m.pgoff, m.dontfork);
		else
			map_add(m.addr, m.len, m.prot, m.flags, m.ino, m.bufsize,
				m.pgoff, m.dontfork);
	}
}

static void op_mremap(void)
{
	struct mapent m;
	size_t npg, newlen, oldlen;
	int flags;
	char *a;

	cnt(K_MREMAP);
	if (map_take(&m) < 0)
		return;
	npg = m.len / pg;
	newlen = (1 + rn(npg + 2)) * pg;
	flags = pct(60) ? MREMAP_MAYMOVE : 0;
	oldlen = m.len;
	if (pct(10) && is_shared_map(m.flags) && map_count() < MAPS_MAX - 2) {
		oldlen = 0;	/* a second mapping of the same pages */
		flags = MREMAP_MAYMOVE;
	}
	a = mremap(m.addr, oldlen, newlen, flags);
	res(a == MAP_FAILED ? -1 : 0);
	if (a == MAP_FAILED || !oldlen)
		map_add(m.addr, m.len, m.prot, m.flags, m.ino, m.bufsize, m.pgoff,
			m.dontfork);
	if (a != MAP_FAILED)
		map_add(a, newlen, m.prot, m.flags, m.ino, m.bufsize, m.pgoff,
			m.dontfork);
}

static void op_mprotect(void)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_WRITE,
				     PROT_READ | PROT_WRITE };
	struct mapent m;
	int i, prot = prots[rn(4)];

	cnt(K_MPROTECT);
	i = map_get(&m);
	if (i < 0)
		return;
	if (res(mprotect(m.addr, m.len, prot)) == 0)
		map_set(i, prot, -1);
	map_put(i);
}

static void op_madvise(void)
{
	static const int adv[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL,
		MADV_WILLNEED, MADV_DONTNEED, MADV_DONTFORK, MADV_DOFORK,
		MADV_DONTDUMP, MADV_DODUMP, MADV_COLD, MADV_PAGEOUT,
		MADV_POPULATE_READ, MADV_POPULATE_WRITE };
	struct mapent m;
	int i, a;
	size_t off, len;

	cnt(K_MADVISE);
	i = map_get(&m);
	if (i < 0)
		return;
	off = rn(m.len / pg) * pg;
	len = pct(70) ? m.len - off : (1 + rn((m.len - off) / pg)) * pg;
	switch (rn(10)) {
	case 0:
		res(msync(m.addr + off, len, pct(50) ? MS_SYNC : MS_ASYNC |
			  (pct(30) ? MS_INVALIDATE : 0)));
		break;
	case 1:
		if (res(mlock(m.addr + off, len)) == 0)
			res(munlock(m.addr + off, len));
		break;
	default:
		a = adv[rn(sizeof(adv) / sizeof(adv[0]))];
		/* a child must not believe in a mapping it did not inherit */
		if (a == MADV_DONTFORK)
			map_set(i, -1, 1);
		if (res(madvise(m.addr + off, len, a)) == 0 && a == MADV_DOFORK &&
		    off == 0 && len == m.len)
			map_set(i, -1, 0);
		break;
	}
	map_put(i);
}

/*
 * Whether a mapping shows the buffer pages it was made for.  vgem's dumb
 * buffers are mapped by the DRM shmem helper, whose fault handler (6.1 and
 * 6.12 alike) takes the page from the distance to vm_start and ignores
 * vm_pgoff: a mapping at an offset, or one whose front was unmapped, shows
 * the buffer from its first page.  That is vgem's, with either core.
 */
static int shows_its_pages(const struct mapent *m)
{
	const struct inorec *r = ino_find(m->ino);

	return !r || r->kind != S_VGEM || m->pgoff == 0;
}

/* Another shared mapping of the same buffer page (solo only). */
static char *alias_of(int self, unsigned long ino, unsigned long bpage,
		      size_t inpage)
{
	int i;

	for (i = 0; i < MAPS_MAX; i++) {
		struct mapent *m = &M.m[i];

		if (i == self || !m->used || m->ino != ino || !is_shared_map(m->flags) ||
		    !(m->prot & PROT_READ) || !shows_its_pages(m))
			continue;
		if (bpage >= m->pgoff && bpage < m->pgoff + m->len / pg)
			return m->addr + (bpage - m->pgoff) * pg + inpage;
	}
	return NULL;
}

static void op_touch(void)
{
	struct mapent m;
	uint64_t val = rnd(), got = 0, other = 0;
	size_t page, inpage;
	int i, mode, sig;
	char *p, *q;

	cnt(K_TOUCH);
	i = map_get(&m);
	if (i < 0)
		return;
	page = rn(m.len / pg);
	inpage = 8 * rn((pg - 64) / 8);
	p = m.addr + page * pg + inpage;
	mode = rn(5);
	sig = guarded(p, mode, val, &got);
	if (sig) {
		count_fault(sig);
	} else if (solo && mode == 2 && m.ino) {
		if (got != val)
			anomaly("mapping %p: wrote %#llx, read back %#llx", (void *)p,
				(unsigned long long)val, (unsigned long long)got);
		/* every shared view of a buffer page is the same memory */
		if (is_shared_map(m.flags) && m.pgoff + page < m.bufsize / pg &&
		    shows_its_pages(&m)) {
			q = alias_of(i, m.ino, m.pgoff + page, inpage);
			if (q && !guarded(q, 3, 0, &other) && other != val)
				anomaly("buffer ino %lu page %lu: %#llx through one mapping, %#llx through another",
					m.ino, m.pgoff + page, (unsigned long long)val,
					(unsigned long long)other);
		}
	}
	map_put(i);
}

static void op_fdinfo(void)
{
	char txt[4096];
	struct slot s;
	int i;

	cnt(K_FDINFO);
	i = get_slot(M_ANY, &s);
	if (i < 0)
		return;
	if (res(fdinfo_text(0, s.fd, txt, sizeof(txt))) > 0)
		check_fdinfo(txt, &s, i);
	pool_put(i);
}

static void op_fdlink(void)
{
	char link[256];
	struct slot s;
	int i;
	ssize_t n;

	cnt(K_FDLINK);
	i = get_slot(M_ANY, &s);
	if (i < 0)
		return;
	n = res(fd_link(s.fd, link, sizeof(link)));
	if (n >= 0 && IS_BUF(s.kind) && !slot_dying(i)) {
		if (strncmp(link, "/dmabuf:", 8))
			anomaly("fd link of buffer fd %d is \"%.60s\"", s.fd, link);
		else if (strlen(link + 8) >= DMA_BUF_NAME_LEN)
			anomaly("fd link of buffer fd %d has a %zu-byte name", s.fd,
				strlen(link + 8));
	}
	pool_put(i);
}

static void op_maps(void)
{
	char *t, *c;
	long n = 0;

	cnt(K_MAPS);
	t = read_all("/proc/self/maps", NULL);
	res(t ? 0 : -1);
	for (c = t; c && (c = strstr(c, "dmabuf")); c++)
		n++;
	free(t);
}

static void op_bufinfo(void)
{
	cnt(K_BUFINFO);
	res(scan_bufinfo(1, NULL));
}

static void op_sysfs(void)
{
	struct slot s;
	int i;

	cnt(K_SYSFS);
	i = pool_get(M_BUF, &s);
	if (i < 0)
		return;
	check_sysfs(s.ino);
	pool_put(i);
}

/* ---------------------------------------------------- sync_file ops */

static void op_fence(void)
{
	struct slot s;
	unsigned int t, cur, v;
	int f, i, valid;
	__u32 flags;

	cnt(K_FENCE);
	if (!F.ntl)
		return;
	t = rn(F.ntl);
	cur = __atomic_load_n(&F.tlval[t], __ATOMIC_RELAXED);
	/* never far ahead: a SYNC START waits for it */
	v = pct(85) ? cur + 1 + rn(8) : cur - rn(3);
	f = res(sw_fence(F.tl[t], v));
	if (f < 0)
		return;
	if (pct(75)) {
		i = get_slot(M_BUF, &s);
		if (i >= 0) {
			flags = pct(90) ? 1 + rn(3) : rand_rw_flags(&valid);
			res(buf_import(s.fd, f, flags));
			pool_put(i);
		}
	}
	if (pct(40))
		pool_add(f, S_SYNC, 0, 0);
	else
		fz_close(f);
}

static void op_sw_inc(void)
{
	unsigned int t, by = 1 + rn(3);

	cnt(K_SW_INC);
	if (!F.ntl)
		return;
	t = rn(F.ntl);
	if (res(sw_inc(F.tl[t], by)) == 0)
		__atomic_add_fetch(&F.tlval[t], by, __ATOMIC_RELAXED);
}

static void op_sync_merge(void)
{
	struct sync_merge_data m;
	struct slot a, b;
	int i, j = -1, L, k;

	cnt(K_SYNC_MERGE);
	i = pool_get(M_SYNC, &a);
	if (i < 0) {
		op_ioc_export();
		return;
	}
	memset(&m, 0, sizeof(m));
	if (pct(85))
		j = pool_get(M_SYNC, &b);
	m.fd2 = j >= 0 ? b.fd : pct(50) ? -1 : F.devnull;
	L = rn(sizeof(m.name));	/* always NUL-terminated */
	for (k = 0; k < L; k++)
		m.name[k] = 'a' + rn(26);
	if (pct(5))
		m.flags = (__u32)rnd();
	if (res(ioctl(a.fd, SYNC_IOC_MERGE, &m)) == 0)
		register_sync(m.fence, "SYNC_IOC_MERGE");
	if (j >= 0)
		pool_put(j);
	pool_put(i);
}

static void op_sync_info(void)
{
	struct sync_file_info info;
	struct slot s;
	int i, pk;
	unsigned int max = (pg - 64) / sizeof(struct sync_fence_info);

	cnt(K_SYNC_INFO);
	i = pool_get(M_SYNC, &s);
	if (i < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (pct(5))
		info.flags = 1 + rn(8);
	if (res(ioctl(s.fd, SYNC_IOC_FILE_INFO, &info)) == 0 && pct(70)) {
		unsigned int n = info.num_fences;

		memset(&info, 0, sizeof(info));
		info.num_fences = n + (pct(20) ? rn(3) : 0);
		if (info.num_fences > max)
			info.num_fences = max;
		if (pct(85)) {
			info.sync_fence_info = (uintptr_t)T->arena;
		} else {
			info.sync_fence_info = (uintptr_t)bad_ptr(&pk);
			ADD(ST.ptr[pk], 1);
		}
		res(ioctl(s.fd, SYNC_IOC_FILE_INFO, &info));
	}
	pool_put(i);
}

/* ------------------------------------------------------------ vgem */

static void op_vgem_import(void)
{
	struct fz_drm_prime_handle h;
	struct slot s;
	int i;

	cnt(K_VGEM_IMPORT);
	if (F.drm < 0)
		return;
	i = get_slot(pct(95) ? M_BUF : M_ANY, &s);
	if (i < 0)
		return;
	memset(&h, 0, sizeof(h));
	h.fd = s.fd;
	if (res(ioctl(F.drm, FZ_DRM_IOCTL_PRIME_FD_TO_HANDLE, &h)) == 0)
		vh_add(h.handle);
	pool_put(i);
}

static void op_vgem_close(void)
{
	struct fz_drm_gem_close c;
	unsigned int h;

	cnt(K_VGEM_CLOSE);
	if (F.drm < 0)
		return;
	memset(&c, 0, sizeof(c));
	if (vh_pick(&h, 1) == 0 && pct(95))
		c.handle = h;
	else
		c.handle = pct(50) ? rn(64) : 0x10000 + rn(1000);
	res(ioctl(F.drm, FZ_DRM_IOCTL_GEM_CLOSE, &c));
}

static void op_vgem_export(void)
{
	struct fz_drm_prime_handle h;
	unsigned int hd;

	cnt(K_VGEM_EXPORT);
	if (F.drm < 0 || pool_count(M_ANY) >= POOL_SOFT + 8)
		return;
	if (vh_pick(&hd, 0)) {
		op_vgem_import();
		return;
	}
	memset(&h, 0, sizeof(h));
	h.handle = hd;
	h.fd = -1;
	h.flags = pct(90) ? O_CLOEXEC | (pct(80) ? O_RDWR : 0) : (__u32)rnd();
	if (res(ioctl(F.drm, FZ_DRM_IOCTL_PRIME_HANDLE_TO_FD, &h)) == 0)
		register_any(h.fd);
}

/* ----------------------------------------------------- processes */

static void kid_status(pid_t pid, int st)
{
	if (WIFSIGNALED(st))
		anomaly("child %d was killed by signal %d (%s)", (int)pid,
			WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (!WIFEXITED(st) || WEXITSTATUS(st))
		anomaly("child %d exited with status %#x", (int)pid, st);
}

/* Wait for one child at most ms; a child that hangs is killed and failed. */
static void wait_kid(pid_t pid, long ms)
{
	long long end = tst_now_ns() + ms * 1000000LL;
	int st = 0;
	pid_t w;

	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			kid_status(pid, st);
			return;
		}
		if (w < 0 && errno != EINTR)
			return;
		if (tst_now_ns() > end) {
			ADD(ST.hung, 1);
			anomaly("child %d did not finish in %ld ms: killed", (int)pid, ms);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return;
		}
		sleep_us(1000);
	}
}

static int reap_kids(void)
{
	int i, st, live;

	lk(&KIDS.lk);
	for (i = 0; i < KIDS.n;) {
		if (waitpid(KIDS.pid[i], &st, WNOHANG) == KIDS.pid[i]) {
			kid_status(KIDS.pid[i], st);
			KIDS.pid[i] = KIDS.pid[--KIDS.n];
		} else {
			i++;
		}
	}
	live = KIDS.n;
	ulk(&KIDS.lk);
	return live;
}

static void run_kind(int k);
static int pick_kind(void);

static void set_wsum(void)
{
	int k;

	WSUM = 0;
	for (k = 0; k < NK; k++)
		WSUM += W[k];
}

static void child_main(uint64_t seed)
{
	int i, n;

	in_child = 1;
	T->rng = seed;
	T->in_touch = 0;
	/* not inherited: forget them */
	for (i = 0; i < MAPS_MAX; i++)
		if (M.m[i].used && M.m[i].dontfork)
			M.m[i].used = 0;
	W[K_FORK] = W[K_SCM_SEND] = W[K_SCM_RECV] = W[K_SCM_DROP] = 0;
	W[K_RACY_CLOSE] = 0;
	set_wsum();
	n = 1 + rn(8);
	for (i = 0; i < n && WSUM; i++) {
		run_kind(pick_kind());
		ADD(ST.child_ops, 1);
	}
	_exit(0);
}

static void op_fork(void)
{
	uint64_t seed = rnd();
	pid_t pid;

	cnt(K_FORK);
	if (in_child || reap_kids() >= KIDS_LIVE)
		return;
	/* the child gets consistent copies of the registries, and no memfd */
	lk(&MEMFD_LK);
	lk(&P.lk);
	lk(&M.lk);
	lk(&VH.lk);
	pid = fork();
	if (pid == 0)
		child_main(seed);
	ulk(&VH.lk);
	ulk(&M.lk);
	ulk(&P.lk);
	ulk(&MEMFD_LK);
	if (res(pid) < 0)
		return;
	ADD(ST.children, 1);
	if (solo) {
		wait_kid(pid, 30000);
		return;
	}
	lk(&KIDS.lk);
	if (KIDS.n < KIDS_MAX) {
		KIDS.pid[KIDS.n++] = pid;
		pid = 0;
	}
	ulk(&KIDS.lk);
	if (pid)
		wait_kid(pid, 30000);
}

/* -------------------------------------------------------- SCM_RIGHTS */

struct scm_hdr {
	uint64_t seed;
	uint32_t n, pad;
};

static int send_fds(int sock, const int *fds, int n, int flags)
{
	char cbuf[CMSG_SPACE(SCM_FDS * sizeof(int))];
	struct scm_hdr hdr = { .seed = rnd(), .n = (uint32_t)n };
	struct iovec iov = { .iov_base = &hdr, .iov_len = sizeof(hdr) };
	struct msghdr m;
	struct cmsghdr *c;

	memset(&m, 0, sizeof(m));
	memset(cbuf, 0, sizeof(cbuf));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (n) {
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	return sendmsg(sock, &m, flags | MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* Returns how many fds arrived, 0 at end of stream... or -1. */
static int recv_fds(int sock, int *fds, int flags, int *eof)
{
	char cbuf[CMSG_SPACE(SCM_FDS * sizeof(int))];
	struct scm_hdr hdr;
	struct iovec iov = { .iov_base = &hdr, .iov_len = sizeof(hdr) };
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t r;
	int n = 0;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	*eof = 0;
	r = recvmsg(sock, &m, flags | MSG_CMSG_CLOEXEC);
	if (r < 0)
		return -1;
	if (r == 0) {
		*eof = 1;
		return 0;
	}
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		if (k > SCM_FDS - n)
			k = SCM_FDS - n;
		memcpy(fds + n, CMSG_DATA(c), k * sizeof(int));
		n += k;
	}
	return n;
}

static void op_scm_send(void)
{
	int idx[4], fds[4], n = 0, k, i, r = -1;
	struct slot s;

	cnt(K_SCM_SEND);
	if (!F.nscm)
		return;
	k = 1 + rn(4);
	for (i = 0; i < k; i++) {
		idx[n] = get_slot(M_ANY, &s);
		if (idx[n] < 0)
			break;
		fds[n++] = s.fd;
	}
	if (n)
		r = res(send_fds(F.scm_sock[rn(F.nscm)], fds, n, MSG_DONTWAIT));
	for (i = 0; i < n; i++)
		pool_put(idx[i]);
	if (r == 0 && pct(30))
		op_close();	/* give one away */
}

static void op_scm_recv(void)
{
	int fds[SCM_FDS], n, i, eof;

	cnt(K_SCM_RECV);
	if (!F.nscm)
		return;
	n = res(recv_fds(F.scm_sock[rn(F.nscm)], fds, MSG_DONTWAIT, &eof));
	for (i = 0; i < n; i++)
		register_any(fds[i]);
}

/* Descriptors left in flight in sockets that are closed, cycles too. */
static void op_scm_drop(void)
{
	int idx[4], fds[4], sv[2], n = 0, k, i;
	struct slot s;

	cnt(K_SCM_DROP);
	if (res(socketpair(AF_UNIX, (pct(50) ? SOCK_SEQPACKET : SOCK_STREAM) |
			   SOCK_CLOEXEC, 0, sv)) < 0)
		return;
	k = 1 + rn(4);
	for (i = 0; i < k; i++) {
		idx[n] = get_slot(M_ANY, &s);
		if (idx[n] < 0)
			break;
		fds[n++] = s.fd;
	}
	if (n)
		res(send_fds(sv[0], fds, n, MSG_DONTWAIT));
	for (i = 0; i < n; i++)
		pool_put(idx[i]);
	if (pct(50))
		res(send_fds(sv[0], &sv[1], 1, MSG_DONTWAIT));	/* in its own queue */
	if (pct(30))
		res(send_fds(sv[1], &sv[0], 1, MSG_DONTWAIT));
	fz_close(sv[0]);
	fz_close(sv[1]);
}

/* A process that gets descriptors over a socket, uses them, closes them. */
static void scm_helper(int h, int sock, uint64_t seed)
{
	int fds[SCM_FDS], n, i, k, eof, ops, sent[2], ns;
	struct slot s, back[2];
	struct mapent m;

	in_child = in_helper = 1;
	T->rng = seed;
	for (i = 0; i < h; i++)
		close(F.scm_sock[i]);
	memset(P.s, 0, sizeof(P.s));
	memset(M.m, 0, sizeof(M.m));
	W[K_ALLOC_HEAP] = W[K_ALLOC_UDMABUF] = W[K_VGEM_DUMB] = 0;
	W[K_FORK] = W[K_SCM_SEND] = W[K_SCM_RECV] = W[K_SCM_DROP] = 0;
	W[K_RACY_CLOSE] = 0;
	set_wsum();
	for (;;) {
		n = recv_fds(sock, fds, 0, &eof);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || eof)
			break;
		cnt(K_SCM_RECV);
		for (i = 0; i < n; i++)
			register_any(fds[i]);
		ops = 1 + rn(6);
		for (i = 0; i < ops && WSUM; i++) {
			run_kind(pick_kind());
			ADD(ST.child_ops, 1);
		}
		if (pct(30)) {
			/* some go back to the parent */
			ns = 0;
			for (k = 0; k < 2; k++) {
				i = pool_get(M_ANY, &back[ns]);
				if (i >= 0)
					sent[ns++] = i;
			}
			if (ns) {
				int bfd[2] = { back[0].fd, ns > 1 ? back[1].fd : -1 };

				cnt(K_SCM_SEND);
				res(send_fds(sock, bfd, ns, MSG_DONTWAIT));
			}
			for (k = 0; k < ns; k++)
				pool_put(sent[k]);
		}
		while (pool_take(M_ANY, &s) >= 0)
			fz_close(s.fd);
		if (pct(50))
			while (map_take(&m) >= 0)
				munmap(m.addr, m.len);
	}
	_exit(0);
}

/* ---------------------------------------------------------- driver */

static void run_kind(int k)
{
	switch (k) {
	case K_ALLOC_HEAP: op_alloc_heap(); break;
	case K_ALLOC_UDMABUF: op_alloc_udmabuf(); break;
	case K_CLOSE: op_close(); break;
	case K_DUP: op_dup(); break;
	case K_DUP2: op_dup2(); break;
	case K_FCNTL: op_fcntl(); break;
	case K_RACY_CLOSE: op_racy_close(); break;
	case K_IOC_SYNC: op_ioc_sync(); break;
	case K_IOC_NAME: op_ioc_name(0); break;
	case K_IOC_NAME_COMPAT: op_ioc_name(1); break;
	case K_IOC_EXPORT: op_ioc_export(); break;
	case K_IOC_IMPORT: op_ioc_import(); break;
	case K_IOC_RANDOM: op_ioc_random(); break;
	case K_IOC_CROSS: op_ioc_cross(); break;
	case K_MMAP: op_mmap(); break;
	case K_MUNMAP: op_munmap(); break;
	case K_MREMAP: op_mremap(); break;
	case K_MPROTECT: op_mprotect(); break;
	case K_MADVISE: op_madvise(); break;
	case K_TOUCH: op_touch(); break;
	case K_POLL: op_poll(); break;
	case K_EPOLL_CTL: op_epoll_ctl(); break;
	case K_EPOLL_WAIT: op_epoll_wait(); break;
	case K_LSEEK: op_lseek(); break;
	case K_RDWR: op_rdwr(); break;
	case K_FDINFO: op_fdinfo(); break;
	case K_MAPS: op_maps(); break;
	case K_BUFINFO: op_bufinfo(); break;
	case K_FDLINK: op_fdlink(); break;
	case K_SYSFS: op_sysfs(); break;
	case K_FORK: op_fork(); break;
	case K_SCM_SEND: op_scm_send(); break;
	case K_SCM_RECV: op_scm_recv(); break;
	case K_SCM_DROP: op_scm_drop(); break;
	case K_FENCE: op_fence(); break;
	case K_SW_INC: op_sw_inc(); break;
	case K_SYNC_MERGE: op_sync_merge(); break;
	case K_SYNC_INFO: op_sync_info(); break;
	case K_VGEM_IMPORT: op_vgem_import(); break;
	case K_VGEM_CLOSE: op_vgem_close(); break;
	case K_VGEM_EXPORT: op_vgem_export(); break;
	case K_VGEM_DUMB: op_vgem_dumb(); break;
	}
}

static int pick_kind(void)
{
	unsigned int r = rn(WSUM);
	int k;

	for (k = 0; k < NK; k++) {
		if (r < (unsigned int)W[k])
			return k;
		r -= W[k];
	}
	return K_IOC_SYNC;
}

static void fuzz_loop(void)
{
	while (!F.stop) {
		if (__atomic_fetch_add(&F.done, 1, __ATOMIC_RELAXED) >= F.budget)
			break;
		if (tst_now_ns() > F.deadline)
			break;
		run_kind(pick_kind());
		if (__atomic_load_n(&ST.anomalies, __ATOMIC_RELAXED) > 200)
			F.stop = 1;	/* enough said */
	}
}

static int tctx_init(struct tctx *t, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	t->rng = seed;
	t->arena = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->arena == MAP_FAILED)
		return -1;
	mprotect(t->arena + pg, pg, PROT_NONE);
	mprotect(t->arena + 2 * pg, pg, PROT_READ);
	mprotect(t->arena + 3 * pg, pg, PROT_NONE);
	T = t;
	return 0;
}

static void tctx_fini(struct tctx *t)
{
	munmap(t->arena, 4 * pg);
	T = NULL;
}

static uint64_t thread_seed(int n)
{
	return mix64(F.seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(n + 1));
}

static void *worker(void *arg)
{
	struct tctx t;

	if (tctx_init(&t, thread_seed((int)(intptr_t)arg)))
		return NULL;
	fuzz_loop();
	tctx_fini(&t);
	return NULL;
}

/* Reads what describes the buffers while the workers change them. */
static void *reader(void *arg)
{
	char txt[4096], path[64];
	int fds[POOL_MAX + 4], n, i;
	struct tctx t;

	(void)arg;
	if (tctx_init(&t, thread_seed(100)))
		return NULL;
	while (!F.stop_reader) {
		n = 0;
		lk(&P.lk);
		for (i = 0; i < POOL_MAX; i++)
			if (P.s[i].used)
				fds[n++] = P.s[i].fd;
		ulk(&P.lk);
		fds[n++] = F.ep[0];
		switch (rn(7)) {
		case 0:
		case 1:
		case 2:
			/* no reference: the number may be another file now */
			cnt(K_FDINFO);
			if (res(fdinfo_text(0, fds[rn(n)], txt, sizeof(txt))) > 0)
				check_fdinfo(txt, NULL, -1);
			break;
		case 3:
			op_maps();
			break;
		case 4:
			op_bufinfo();
			break;
		case 5:
			cnt(K_FDLINK);
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[rn(n)]);
			res(readlink(path, txt, sizeof(txt)));
			break;
		default:
			if (F.have_sysfs) {
				int c = __atomic_load_n(&SH->nino, __ATOMIC_ACQUIRE);

				cnt(K_SYSFS);
				if (c > MAXINO)
					c = MAXINO;
				if (c)
					check_sysfs(__atomic_load_n(&SH->rec[rn(c)].ino,
								    __ATOMIC_ACQUIRE));
			}
			break;
		}
		sleep_us(200 + rn(800));
	}
	tctx_fini(&t);
	return NULL;
}

/* Moves the sw_sync timelines on, so that every fence signals soon. */
static void *signaller(void *arg)
{
	struct tctx t;
	unsigned int i, by;

	(void)arg;
	if (tctx_init(&t, thread_seed(101)))
		return NULL;
	while (!F.stop_signal) {
		sleep_us(200 + rn(600));
		i = rn(F.ntl);
		by = 1 + rn(4);
		cnt(K_SW_INC);
		if (res(sw_inc(F.tl[i], by)) == 0)
			__atomic_add_fetch(&F.tlval[i], by, __ATOMIC_RELAXED);
	}
	tctx_fini(&t);
	return NULL;
}

/* ------------------------------------------------------------ vgem */

/* ----------------------------------------------------------- report */

static void print_stats(const struct stats *st, const char *tag, int all)
{
	char line[900];
	long total = 0;
	int k, n = 0;

	for (k = 0; k < NK; k++)
		total += st->kind[k];
	line[0] = 0;
	for (k = 0; k < NK; k++) {
		if (!st->kind[k] && (all || !W[k]))
			continue;
		n += snprintf(line + n, sizeof(line) - n, " %s=%ld", kind_name[k],
			      st->kind[k]);
		if (n > 600) {
			ksft_print_msg("ops%s\n", line);
			n = 0;
			line[0] = 0;
		}
	}
	if (n)
		ksft_print_msg("ops%s\n", line);
	ksft_print_msg("ops %stotal=%ld (syscalls ok=%ld failed=%ld; faults sigsegv=%ld sigbus=%ld; children=%ld child_ops=%ld hung=%ld; anomalies=%ld)\n",
		       tag, total, st->ok, st->err, st->segv, st->bus, st->children,
		       st->child_ops, st->hung, st->anomalies);
	n = 0;
	line[0] = 0;
	for (k = 0; k < NPTR; k++)
		n += snprintf(line + n, sizeof(line) - n, " %s=%ld", ptr_name[k],
			      st->ptr[k]);
	ksft_print_msg("argument pointers%s\n", line);
	n = 0;
	line[0] = 0;
	for (k = 0; k < NERR; k++) {
		if (!st->errs[k])
			continue;
		n += snprintf(line + n, sizeof(line) - n, " %s=%ld",
			      k ? errname(k) : "other", st->errs[k]);
		if (n > 600) {
			ksft_print_msg("errno%s\n", line);
			n = 0;
			line[0] = 0;
		}
	}
	if (n)
		ksft_print_msg("errno%s\n", line);
}

static void grand_add(const struct stats *st)
{
	int k;

	if (!GRAND)
		return;
	for (k = 0; k < NK; k++)
		GRAND->kind[k] += st->kind[k];
	for (k = 0; k < NERR; k++)
		GRAND->errs[k] += st->errs[k];
	for (k = 0; k < NPTR; k++)
		GRAND->ptr[k] += st->ptr[k];
	GRAND->ok += st->ok;
	GRAND->err += st->err;
	GRAND->segv += st->segv;
	GRAND->bus += st->bus;
	GRAND->children += st->children;
	GRAND->child_ops += st->child_ops;
	GRAND->hung += st->hung;
	GRAND->anomalies += st->anomalies;
}

/* ---------------------------------------------------------- teardown */

static int fd_accounting(const int *s0, int n0)
{
	int s1[FD_LIST_MAX], n1, i, j, bad = 0;
	char link[256];

	n1 = fd_list(s1, FD_LIST_MAX);
	if (n1 < 0) {
		ksft_print_msg("cannot list /proc/self/fd: fd accounting not done\n");
		return 0;
	}
	for (i = 0, j = 0; i < n1 || j < n0;) {
		if (j >= n0 || (i < n1 && s1[i] < s0[j])) {
			if (fd_link(s1[i], link, sizeof(link)) < 0)
				snprintf(link, sizeof(link), "?");
			sanitize(link);
			if (bad++ < 10)
				ksft_print_msg("fd %d (%s) is open at the end, and the fuzzer does not own it\n",
					       s1[i], link);
			i++;
		} else if (i >= n1 || s0[j] < s1[i]) {
			if (bad++ < 10)
				ksft_print_msg("fd %d, open before the phase, is gone\n", s0[j]);
			j++;
		} else {
			i++;
			j++;
		}
	}
	if (bad)
		ksft_print_msg("fd accounting: %d descriptors differ from the start\n", bad);
	return bad;
}

/* No buffer of this phase may be left once everything is closed. */
static int released(void)
{
	long long end = tst_now_ns() + 10000000000LL;
	unsigned long first = 0, left = 0;
	int ours, n, i, sysfs_left;
	char path[96];

	for (;;) {
		ours = scan_bufinfo(0, &first);
		sysfs_left = 0;
		if (F.have_sysfs) {
			n = __atomic_load_n(&SH->nino, __ATOMIC_ACQUIRE);
			if (n > MAXINO)
				n = MAXINO;
			for (i = 0; i < n; i++) {
				snprintf(path, sizeof(path), SYSFS_BUFFERS "/%lu",
					 SH->rec[i].ino);
				if (!access(path, F_OK)) {
					if (!sysfs_left++)
						left = SH->rec[i].ino;
				}
			}
		}
		if (ours <= 0 && !sysfs_left)
			break;
		if (tst_now_ns() > end) {
			if (ours > 0)
				ksft_print_msg("%d buffers of this phase still listed in bufinfo after close (ino %lu first)\n",
					       ours, first);
			if (sysfs_left)
				ksft_print_msg("%d buffers of this phase still in %s after close (%lu first)\n",
					       sysfs_left, SYSFS_BUFFERS, left);
			return 1;
		}
		sleep_us(50000);
	}
	if (ours < 0 && !F.have_sysfs)
		ksft_print_msg("neither %s nor %s readable: release not checked\n",
			       BUFINFO_PATH, SYSFS_BUFFERS);
	return 0;
}

static int teardown(const int *s0, int n0, pthread_t rd, int have_rd,
		    pthread_t sg, int have_sg)
{
	long long end;
	int fail = 0, i, n, eof, fds[SCM_FDS], st, alive;
	struct slot s;
	struct mapent m;
	struct pollfd p;

	/* forked children first: they may still wait for fences */
	end = tst_now_ns() + 30000000000LL;
	while (reap_kids() && tst_now_ns() < end)
		sleep_us(2000);
	lk(&KIDS.lk);
	for (i = 0; i < KIDS.n; i++) {
		ADD(ST.hung, 1);
		anomaly("child %d did not finish: killed", (int)KIDS.pid[i]);
		kill(KIDS.pid[i], SIGKILL);
		waitpid(KIDS.pid[i], &st, 0);
	}
	KIDS.n = 0;
	ulk(&KIDS.lk);

	/* SCM helpers: end of stream, drain what they send back, reap */
	for (i = 0; i < F.nscm; i++)
		shutdown(F.scm_sock[i], SHUT_WR);
	end = tst_now_ns() + 30000000000LL;
	for (i = 0; i < F.nscm; i++) {
		alive = 1;
		while (alive) {
			while ((n = recv_fds(F.scm_sock[i], fds, MSG_DONTWAIT, &eof)) > 0)
				while (n--)
					fz_close(fds[n]);
			if (waitpid(F.scm_pid[i], &st, WNOHANG) == F.scm_pid[i]) {
				kid_status(F.scm_pid[i], st);
				alive = 0;
			} else if (tst_now_ns() > end) {
				ADD(ST.hung, 1);
				anomaly("SCM helper %d did not finish: killed",
					(int)F.scm_pid[i]);
				kill(F.scm_pid[i], SIGKILL);
				waitpid(F.scm_pid[i], &st, 0);
				alive = 0;
			} else {
				sleep_us(2000);
			}
		}
		while ((n = recv_fds(F.scm_sock[i], fds, MSG_DONTWAIT, &eof)) > 0)
			while (n--)
				fz_close(fds[n]);
		fz_close(F.scm_sock[i]);
	}
	F.nscm = 0;

	F.stop_reader = 1;
	if (have_rd)
		pthread_join(rd, NULL);
	F.stop_signal = 1;
	if (have_sg)
		pthread_join(sg, NULL);

	/* every fence signals now; then every buffer is idle */
	for (i = 0; i < F.ntl; i++)
		res(sw_inc(F.tl[i], 1u << 12));
	end = tst_now_ns() + 10000000000LL;
	for (i = 0; i < POOL_MAX; i++) {
		long long left = (end - tst_now_ns()) / 1000000;

		if (!P.s[i].used || !IS_BUF(P.s[i].kind))
			continue;
		p.fd = P.s[i].fd;
		p.events = POLLIN | POLLOUT;
		p.revents = 0;
		if (poll(&p, 1, left > 0 ? (int)left : 0) != 1 ||
		    (p.revents & (POLLIN | POLLOUT)) != (POLLIN | POLLOUT))
			anomaly("buffer fd %d (ino %lu) not idle (revents %#x) once every fence signalled",
				P.s[i].fd, P.s[i].ino, p.revents);
	}

	while (map_take(&m) >= 0)
		munmap(m.addr, m.len);
	while (pool_take(M_ANY, &s) >= 0)
		fz_close(s.fd);
	for (i = 0; i < F.ntl; i++)
		fz_close(F.tl[i]);
	F.ntl = 0;
	if (F.drm >= 0)
		fz_close(F.drm);
	fz_close(F.ep[0]);
	fz_close(F.ep[1]);
	fz_close(F.devnull);
	if (F.heapdev >= 0)
		fz_close(F.heapdev);
	if (F.udev >= 0)
		fz_close(F.udev);

	if (fd_accounting(s0, n0))
		fail = 1;
	if (released())
		fail = 1;
	return fail;
}

/* ------------------------------------------------------------ phases */

/*
 * Run phase ph in the test's process, helpers reaped before it returns:
 * 0 when it passed, 1 when it failed (the reasons printed above).
 */
static int run_phase(int ph)
{
	static int s0[FD_LIST_MAX];
	pthread_t th[MAX_THREADS], rd, sg;
	int n0, i, k, nth = 0, have_rd = 0, have_sg = 0, fail;
	struct sigaction sa;
	struct rlimit rl;
	struct tctx mt;
	long long dt;

	SH = mmap(NULL, sizeof(*SH), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (SH == MAP_FAILED) {
		ksft_print_msg("mmap of the shared counters: %s\n", strerror(errno));
		return 1;
	}
	memset(&F, 0, sizeof(F));
	F.ph = ph;
	F.seed = mix64(fz_seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(ph + 1)));
	F.drm = F.heapdev = F.udev = -1;
	if (tctx_init(&mt, thread_seed(-1))) {
		ksft_print_msg("no memory for the argument arena\n");
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	n0 = fd_list(s0, FD_LIST_MAX);
	if (n0 < 0) {
		ksft_print_msg("cannot list /proc/self/fd\n");
		return 1;
	}

	/* the fuzzer's own descriptors, never in the pool */
	F.heapdev = open(HEAP_PATH, O_RDONLY | O_CLOEXEC);
	F.udev = open(UDMABUF_PATH, O_RDWR | O_CLOEXEC);
	F.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	F.drm = vgem_find();
	F.ep[0] = epoll_create1(EPOLL_CLOEXEC);
	F.ep[1] = epoll_create1(EPOLL_CLOEXEC);
	if (F.devnull < 0 || F.ep[0] < 0 || F.ep[1] < 0) {
		ksft_print_msg("cannot open /dev/null or epoll: %s\n", strerror(errno));
		return 1;
	}
	if (ph == PH_SYNC) {
		for (i = 0; i < NTL; i++) {
			F.tl[i] = sw_timeline();
			if (F.tl[i] < 0) {
				ksft_print_msg("sw_sync timeline: %s\n", strerror(errno));
				return 1;
			}
		}
		F.ntl = NTL;
	}
	F.rlim = 1024;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)F.rlim)
		F.rlim = (int)rl.rlim_cur;
	F.have_sysfs = !access(SYSFS_BUFFERS, F_OK);
	F.nthreads = ph == PH_SINGLE ? 1 : ph == PH_SCM ? (fz_threads + 1) / 2 : fz_threads;
	F.budget = fz_ops_phase;
	solo = ph == PH_SINGLE;

	for (i = 0; i < (int)ARRAY_SIZE(weights); i++)
		W[weights[i].k] = weights[i].w[ph];
	if (F.heapdev < 0)
		W[K_ALLOC_HEAP] = 0;
	if (F.udev < 0)
		W[K_ALLOC_UDMABUF] = 0;
	if (F.drm < 0)
		W[K_VGEM_IMPORT] = W[K_VGEM_CLOSE] = W[K_VGEM_EXPORT] = W[K_VGEM_DUMB] = 0;
	if (!F.have_sysfs)
		W[K_SYSFS] = 0;
	set_wsum();

	ksft_print_msg("%s: seed=%llu phase_seed=%llu threads=%d ops<=%ld seconds<=%d; heap %s, udmabuf %s, vgem %s, sysfs stats %s\n",
		       phase_name[ph], (unsigned long long)fz_seed,
		       (unsigned long long)F.seed, F.nthreads, F.budget, fz_secs_phase,
		       F.heapdev >= 0 ? "yes" : "no", F.udev >= 0 ? "yes" : "no",
		       F.drm >= 0 ? "yes" : "no (vgem_* kinds skipped)",
		       F.have_sysfs ? "yes" : "no");

	/* helpers exist before any buffer: all they get comes over SCM_RIGHTS */
	if (ph == PH_SCM) {
		for (i = 0; i < 2; i++) {
			int sv[2];
			pid_t pid;

			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
				ksft_print_msg("socketpair: %s\n", strerror(errno));
				break;
			}
			fflush(stdout);
			pid = fork();
			if (pid == 0) {
				close(sv[0]);
				scm_helper(i, sv[1], thread_seed(200 + i));
			}
			close(sv[1]);
			if (pid < 0) {
				close(sv[0]);
				break;
			}
			F.scm_sock[i] = sv[0];
			F.scm_pid[i] = pid;
			F.nscm++;
		}
	}

	for (i = 0; i < 8; i++)
		alloc_any();
	for (i = 0; i < 2 && F.drm >= 0; i++)
		op_vgem_dumb();

	F.t0 = tst_now_ns();
	F.deadline = F.t0 + (long long)fz_secs_phase * 1000000000LL;
	if (ph == PH_SINGLE) {
		fuzz_loop();
	} else {
		fflush(stdout);
		for (k = 0; k < F.nthreads && k < MAX_THREADS; k++)
			if (!pthread_create(&th[k], NULL, worker, (void *)(intptr_t)k))
				nth++;
		have_rd = !pthread_create(&rd, NULL, reader, NULL);
		if (F.ntl)
			have_sg = !pthread_create(&sg, NULL, signaller, NULL);
		for (k = 0; k < nth; k++)
			pthread_join(th[k], NULL);
	}
	dt = tst_now_ns() - F.t0;

	fail = teardown(s0, n0, rd, have_rd, sg, have_sg);

	ksft_print_msg("%s: %ld of %ld operations in %lld.%03lld s\n",
		       phase_name[ph], F.done < F.budget ? F.done : F.budget, F.budget,
		       dt / 1000000000LL, dt / 1000000LL % 1000);
	print_stats(&ST, "", 0);
	for (i = 0; i < MAXMSG && i < ST.anomalies; i++)
		ksft_print_msg("anomaly: %s\n", ST.msg[i]);
	if (ST.anomalies > MAXMSG)
		ksft_print_msg("... %ld anomalies in all\n", ST.anomalies);
	grand_add(&ST);
	if (fail || ST.anomalies)
		return 1;
	tctx_fini(&mt);
	return 0;
}

/* Why phase ph cannot run on this machine, or NULL. */
static const char *phase_unfit(int ph)
{
	if (!have_heap() && !have_udmabuf())
		return "no " HEAP_PATH " and no " UDMABUF_PATH
		       " (CONFIG_DMABUF_HEAPS_SYSTEM, CONFIG_UDMABUF)";
	if (ph == PH_SYNC && !have_sw_sync())
		return "no " SW_SYNC_PATH " (CONFIG_SW_SYNC, debugfs)";
	return NULL;
}

/* The totals over every phase that ran, for the harness's figures. */
static void print_grand_total(void)
{
	long total = 0;
	int k;

	if (!GRAND)
		return;
	for (k = 0; k < NK; k++)
		total += GRAND->kind[k];
	if (total) {
		memset(W, 0, sizeof(W));
		ksft_print_msg("all phases:\n");
		print_stats(GRAND, "all phases ", 1);
	}
}

/* One phase as one test: skipped where it cannot run, failed by run_phase(). */
static void fuzz_phase(struct __test_metadata *_metadata, int ph)
{
	const char *why = phase_unfit(ph);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, run_phase(ph))
		TH_LOG("reproduce with DMABUF_FUZZ_SEED=%llu, test %s",
		       (unsigned long long)fz_seed, _metadata->name);
}

TEST(fuzz_single_thread)
{
	fuzz_phase(_metadata, PH_SINGLE);
}

TEST(fuzz_threads)
{
	fuzz_phase(_metadata, PH_THREADS);
}

TEST(fuzz_fork_scm_rights)
{
	fuzz_phase(_metadata, PH_SCM);
}

/*
 * The last phase; it also prints the totals of all of them, passed, failed
 * or skipped.  Each test runs in a child process of its own: the earlier
 * phases added their counts to GRAND, memory fuzz_setup() shared before
 * the harness forked the first of them.
 */
TEST(fuzz_sync_files)
{
	const char *why = phase_unfit(PH_SYNC);
	int fail = why ? 0 : run_phase(PH_SYNC);

	print_grand_total();
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, fail)
		TH_LOG("reproduce with DMABUF_FUZZ_SEED=%llu, test %s",
		       (unsigned long long)fz_seed, _metadata->name);
}

static long env_long(const char *name, long def, long min, long max)
{
	const char *e = getenv(name);
	char *end;
	long v;

	if (!e || !*e)
		return def;
	v = strtol(e, &end, 0);
	if (*end || v < min || v > max) {
		ksft_print_msg("%s=%s ignored (want %ld..%ld), using %ld\n", name, e,
			       min, max, def);
		return def;
	}
	return v;
}

/*
 * Once, before the harness forks the first test: mount what is read, read
 * the knobs, share the all-phases counters, load vgem.
 */
static void __attribute__((constructor)) fuzz_setup(void)
{
	const char *e = getenv("DMABUF_FUZZ_SEED");
	long ops, secs, cap, limit = TEST_TIMEOUT_DEFAULT;

	tst_mounts();
	pg = (size_t)tst_page_size();
	fz_seed = e && *e ? strtoull(e, NULL, 0) : (uint64_t)time(NULL);
	ksft_print_msg("seed=%llu\n", (unsigned long long)fz_seed);
	ops = env_long("DMABUF_FUZZ_OPS", 20000, 1, LONG_MAX);
	secs = env_long("DMABUF_FUZZ_SECONDS", 60, 1, 1L << 30);
	fz_threads = (int)env_long("DMABUF_FUZZ_THREADS", 4, 1, MAX_THREADS);
	fz_ops_phase = (ops + NPHASES - 1) / NPHASES;
	fz_secs_phase = (int)((secs + NPHASES - 1) / NPHASES);
	/* every phase runs as one test, within the harness's timeout, teardown included */
	cap = limit > 40 ? limit - 30 : limit / 2 > 0 ? limit / 2 : 1;
	if (fz_secs_phase > cap) {
		ksft_print_msg("%d s per phase would not fit the %ld s test timeout: %ld s each\n",
			       fz_secs_phase, limit, cap);
		fz_secs_phase = (int)cap;
	}
	ksft_print_msg("DMABUF_FUZZ_OPS=%ld DMABUF_FUZZ_SECONDS=%ld DMABUF_FUZZ_THREADS=%d: per phase ops<=%ld seconds<=%d\n",
		       ops, secs, fz_threads, fz_ops_phase, fz_secs_phase);
	GRAND = mmap(NULL, sizeof(*GRAND), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (GRAND == MAP_FAILED)
		GRAND = NULL;
	/* vgem is a module in the test kernel: load it if buffers exist */
	if (have_heap() || have_udmabuf()) {
		int fd = vgem_open();

		if (fd >= 0)
			close(fd);
		else
			ksft_print_msg("no vgem DRM device: the vgem_* kinds are skipped\n");
	}
}

TEST_HARNESS_MAIN
