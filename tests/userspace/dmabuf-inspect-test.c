// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-inspect-test: the inspector (inspect/dmabuf-inspect.c, staged as
 * /bin/dmabuf-inspect) must describe a known picture exactly.
 *
 * The picture, made by this process P and two children C1 and C2:
 *   A  16 KiB, named "inspect-shared", held by fd in P, C1 and C2
 *   B   8 KiB, unnamed, mapped in P and its fd closed (held by mapping only)
 *   C   4 KiB, named "inspect-named", held by fd in P
 *   D  32 KiB, unnamed, held by fd in P and imported into vgem (attached)
 * all from the system heap.  `dmabuf-inspect --json --pid P,C1,C2` must
 * print exactly the JSON this program derives from what it made (inodes,
 * fds, pids; rss and pss by the inspector's rules), and the table form
 * must name every buffer.  A child that exits while the inspector runs
 * must not make it fail.
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <stdarg.h>
#include <drm/drm.h>

#define KIB 1024
/* /proc/<pid>/comm of this program and its children (15 characters) */
#define COMM "dmabuf-inspect-test"

static const char *inspector(void)
{
	const char *p = getenv("DMABUF_INSPECT");

	return p ? p : "/bin/dmabuf-inspect";
}

/* Run the inspector with args; its stdout into out. */
static int run_inspector(const char *args, char *out, size_t len)
{
	char cmd[512];
	size_t got = 0, n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s", inspector(), args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (got < len - 1 && (n = fread(out + got, 1, len - 1 - got, f)) > 0)
		got += n;
	out[got] = 0;
	return pclose(f);
}

struct picture {
	int a, c, d;		/* fds in P */
	unsigned long ino_a, ino_b, ino_c, ino_d;
	pid_t kids[2];		/* ascending */
	int drm;
	int release[2];		/* pipe: the children exit when it closes */
};

/* The picture needs the system heap, vgem and the inspector. */
#define NEED_PICTURE(pic)						\
	do {								\
		NEED_HEAP();						\
		(pic)->drm = vgem_open();				\
		if ((pic)->drm < 0)					\
			SKIP(return, "no vgem DRM device (CONFIG_DRM_VGEM)"); \
		if (access(inspector(), X_OK))				\
			SKIP(return, "no inspector at %s (set DMABUF_INSPECT)", \
			     inspector());				\
	} while (0)

static int named_buffer(size_t len, const char *name)
{
	int fd = heap_alloc_flags(len, O_RDWR);	/* no O_CLOEXEC: children inherit */

	if (fd >= 0 && name && ioctl(fd, DMA_BUF_SET_NAME, name)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Make the picture; the calling process (the test's own) is P.  The
 * children hold A until the pipe closes: release_picture(), or P's exit.
 * Returns NULL, or the step that failed with errno set.
 */
static const char *build_picture(struct picture *pic)
{
	struct drm_prime_handle h = { 0 };
	void *map;
	int b, i;

	if (pipe(pic->release))
		return "pipe";
	pic->a = named_buffer(16 * KIB, "inspect-shared");
	if (pic->a < 0)
		return "buffer A";
	pic->ino_a = fd_ino(pic->a);
	for (i = 0; i < 2; i++) {
		char c;

		pic->kids[i] = fork();
		if (pic->kids[i] < 0)
			return "fork";
		if (pic->kids[i] == 0) {
			close(pic->release[1]);
			while (read(pic->release[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
	close(pic->release[0]);
	if (pic->kids[1] < pic->kids[0]) {
		pid_t t = pic->kids[0];

		pic->kids[0] = pic->kids[1];
		pic->kids[1] = t;
	}

	b = named_buffer(8 * KIB, NULL);
	if (b < 0)
		return "buffer B";
	pic->ino_b = fd_ino(b);
	map = mmap(NULL, 8 * KIB, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
	if (map == MAP_FAILED)
		return "mmap of B";
	close(b);

	pic->c = named_buffer(4 * KIB, "inspect-named");
	if (pic->c < 0)
		return "buffer C";
	pic->d = named_buffer(32 * KIB, NULL);
	if (pic->d < 0)
		return "buffer D";
	pic->ino_c = fd_ino(pic->c);
	pic->ino_d = fd_ino(pic->d);
	h.fd = pic->d;
	if (ioctl(pic->drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &h))
		return "vgem import of D";
	return NULL;
}

/* Let the children go, and reap them. */
static void release_picture(struct picture *pic)
{
	int i;

	if (pic->release[1] >= 0)
		close(pic->release[1]);
	pic->release[1] = -1;
	for (i = 0; i < 2; i++)
		if (pic->kids[i] > 0)
			waitpid(pic->kids[i], NULL, 0);
}

static void make_picture(struct __test_metadata *_metadata, struct picture *pic)
{
	const char *step;
	int e;

	pic->release[0] = -1;
	pic->release[1] = -1;
	pic->kids[0] = 0;
	pic->kids[1] = 0;
	step = build_picture(pic);
	e = errno;
	if (step)
		release_picture(pic);
	ASSERT_EQ(NULL, step) TH_LOG("%s: %s", step, strerror(e));
}

/* appends to a fixed buffer */
struct text {
	char buf[16384];
	size_t len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t->len += vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (t->len >= sizeof(t->buf))
		t->len = sizeof(t->buf) - 1;
}

static void add_buffer(struct text *t, int first, unsigned long ino, int size,
		       const char *name, const char *holders, const char *attached)
{
	add(t, "%s\n    {\"inode\": %lu, \"size\": %d, \"exporter\": \"system\", \"name\": ",
	    first ? "" : ",", ino, size);
	if (name)
		add(t, "\"%s\"", name);
	else
		add(t, "null");
	add(t, ", \"holders\": [%s], \"attached\": [%s], \"fences\": 0, \"pending_fences\": 0}",
	    holders, attached);
}

/*
 * What the inspector must print for the picture, byte for byte: buffers
 * by size (largest first), processes by rss (then pid), P's fds in the
 * ascending order /proc lists them, pss = each buffer's size divided among
 * its holders.
 */
static void expected_json(const struct picture *pic, struct text *t)
{
	struct { int fd; unsigned long ino; } f[3] = {
		{ pic->a, pic->ino_a }, { pic->c, pic->ino_c }, { pic->d, pic->ino_d },
	}, tmp;
	char me[16], all[48];
	int i, j;

	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (f[j].fd < f[i].fd) {
				tmp = f[i];
				f[i] = f[j];
				f[j] = tmp;
			}
	snprintf(me, sizeof(me), "%d", getpid());
	snprintf(all, sizeof(all), "%d, %d, %d", getpid(), pic->kids[0], pic->kids[1]);

	add(t, "{\n  \"seen\": {\"bufinfo\": true, \"sysfs_stats\": true, "
	    "\"unreadable_processes\": 0},\n");
	add(t, "  \"buffers\": [");
	add_buffer(t, 1, pic->ino_d, 32 * KIB, NULL, me, "\"vgem\"");
	add_buffer(t, 0, pic->ino_a, 16 * KIB, "inspect-shared", all, "");
	add_buffer(t, 0, pic->ino_b, 8 * KIB, NULL, me, "");
	add_buffer(t, 0, pic->ino_c, 4 * KIB, "inspect-named", me, "");
	add(t, "\n  ],\n  \"processes\": [");
	add(t, "\n    {\"pid\": %d, \"comm\": \"%.15s\", \"rss\": %d, \"pss\": %d, \"fds\": [",
	    getpid(), COMM, 60 * KIB, 16 * KIB / 3 + 44 * KIB);
	for (i = 0; i < 3; i++)
		add(t, "%s{\"fd\": %d, \"inode\": %lu}", i ? ", " : "", f[i].fd, f[i].ino);
	add(t, "], \"maps\": [{\"inode\": %lu, \"bytes\": %d}]}", pic->ino_b, 8 * KIB);
	for (i = 0; i < 2; i++)
		add(t, ",\n    {\"pid\": %d, \"comm\": \"%.15s\", \"rss\": %d, \"pss\": %d, "
		    "\"fds\": [{\"fd\": %d, \"inode\": %lu}], \"maps\": []}",
		    pic->kids[i], COMM, 16 * KIB, 16 * KIB / 3, pic->a, pic->ino_a);
	add(t, "\n  ],\n  \"exporters\": [\n"
	    "    {\"name\": \"system\", \"buffers\": 4, \"bytes\": %d}\n  ]\n}\n", 60 * KIB);
}

TEST(inspect_json_matches_picture)
{
	static struct text want;
	static char got[16384];
	struct picture pic;
	char args[64];
	int rc;

	NEED_PICTURE(&pic);
	make_picture(_metadata, &pic);
	snprintf(args, sizeof(args), "--json --pid %d,%d,%d", getpid(), pic.kids[0],
		 pic.kids[1]);
	rc = run_inspector(args, got, sizeof(got));
	release_picture(&pic);
	expected_json(&pic, &want);
	ASSERT_EQ(0, rc) TH_LOG("inspector exit status %d; output:\n%s", rc, got);
	ASSERT_STREQ(want.buf, got);
}

TEST(inspect_table_names_every_buffer)
{
	static char got[65536];
	struct picture pic;
	unsigned long inos[4];
	char needle[32];
	int i, rc;

	NEED_PICTURE(&pic);
	make_picture(_metadata, &pic);
	inos[0] = pic.ino_a;
	inos[1] = pic.ino_b;
	inos[2] = pic.ino_c;
	inos[3] = pic.ino_d;
	rc = run_inspector("", got, sizeof(got));
	release_picture(&pic);
	ASSERT_EQ(0, rc) TH_LOG("inspector exit status %d", rc);
	for (i = 0; i < 4; i++) {
		snprintf(needle, sizeof(needle), "\n%lu ", inos[i]);
		ASSERT_NE(NULL, strstr(got, needle))
			TH_LOG("inode %lu missing from:\n%s", inos[i], got);
	}
	ASSERT_TRUE(strstr(got, "inspect-shared") && strstr(got, "inspect-named") &&
		    strstr(got, "vgem"))
		TH_LOG("names or the vgem attachment missing:\n%s", got);
}

/*
 * Processes holding buffers come and go during every scan.  The churner
 * stops, its last child reaped, when the test closes its end of the pipe.
 */
TEST(inspect_exiting_processes_no_error)
{
	static char got[65536];
	struct pollfd p;
	int i, bad = 0, stop[2];
	pid_t churn;

	NEED_HEAP();
	ASSERT_SYSCALL(pipe2(stop, O_CLOEXEC));
	ASSERT_SYSCALL(churn = fork());
	if (churn == 0) {
		close(stop[1]);
		p.fd = stop[0];
		p.events = POLLIN;
		while (!poll(&p, 1, 0)) {
			pid_t c = fork();

			if (c == 0) {
				heap_alloc(4096);
				_exit(0);
			}
			if (c > 0)
				waitpid(c, NULL, 0);
		}
		_exit(0);
	}
	close(stop[0]);
	for (i = 0; i < 10; i++)
		if (run_inspector("--json", got, sizeof(got)))
			bad++;
	close(stop[1]);
	waitpid(churn, NULL, 0);
	ASSERT_EQ(0, bad) TH_LOG("%d of 10 scans failed", bad);
}

/* Mount proc, sysfs, debugfs and devtmpfs where missing, before the first test. */
static void __attribute__((constructor)) inspect_setup(void)
{
	tst_mounts();
}

TEST_HARNESS_MAIN
