// SPDX-License-Identifier: GPL-2.0-only
/*
 * pipeline: camera frames travel through dma-bufs across three processes
 * and two devices.
 *
 *   camera  captures with vivid (the V4L2 test driver) into buffers that
 *           vivid exports as dma-bufs (VIDIOC_EXPBUF), and hands their
 *           fds to the other two over unix sockets (SCM_RIGHTS);
 *   gpu     imports every buffer into vgem through DRM PRIME, so vgem is
 *           attached to them, and for each frame "renders": it puts a vgem
 *           write fence on the buffer and signals it a little later;
 *   viewer  waits for that fence the way a compositor does, through a
 *           sync file exported from the buffer (DMA_BUF_IOCTL_EXPORT_SYNC_FILE)
 *           and poll(), then maps the buffer, checks the colour bars vivid
 *           draws, and writes one frame as a PNG.
 *
 * On the way it prints what happens in plain words, the inspector's table
 * (/bin/dmabuf-inspect) while all three hold the buffers, and the trace
 * events of one buffer (the core's dma_buf events, if tracefs has them).
 * The PNG is printed base64 between "#### PNG-BEGIN" and "#### PNG-END"
 * lines, which harness/demo.sh turns back into a file on the host.  The
 * last line is PASS or FAIL and the exit status says the same.
 *
 * Build: gcc -static -O2 -Wall -I<exported uapi headers> -o pipeline pipeline.c
 */
#define _GNU_SOURCE
#include <dirent.h>
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
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <drm/drm.h>
#include <drm/vgem_drm.h>
#include <linux/dma-buf.h>
#include <linux/videodev2.h>

#define NBUF		4
#define NFRAMES		3
#define WIDTH		320
#define HEIGHT		180
#define TRACEFS		"/sys/kernel/tracing"
#define INSPECT		"/bin/dmabuf-inspect"

static const char *who = "pipeline";
static int failures;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	printf("%-7s ", who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	int err = errno;

	printf("%-7s FAILED: ", who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (err)
		printf(" (%s)", strerror(err));
	putchar('\n');
	fflush(stdout);
	failures++;
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static unsigned long ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (unsigned long)st.st_ino;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------ messages + fds */

struct msg {
	int op;			/* OP_* */
	int index;		/* buffer index */
	int frame;
	int status;		/* replies: 0 = fine */
};

enum { OP_BUFFERS, OP_RENDER, OP_SHOW, OP_EXIT, OP_DONE };

static int send_msg(int sock, const struct msg *m, const int *fds, int nfds)
{
	char ctl[CMSG_SPACE(sizeof(int) * NBUF)] = { 0 };
	struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *c;

		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(sock, &mh, 0) == sizeof(*m) ? 0 : -1;
}

static int recv_msg(int sock, struct msg *m, int *fds, int nfds)
{
	char ctl[CMSG_SPACE(sizeof(int) * NBUF)];
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != sizeof(*m))
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (nfds && c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fds, CMSG_DATA(c), sizeof(int) * nfds);
	return 0;
}

/* --------------------------------------------------------------- the gpu */

static int vgem_open(void)
{
	char path[64], link[256];
	ssize_t n;
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/sys/class/drm/card%d/device", i);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		if (strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, "vgem"))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		return open(path, O_RDWR | O_CLOEXEC);
	}
	return -1;
}

static void gpu(int sock)
{
	uint32_t handle[NBUF];
	int fds[NBUF], drm, i;
	struct msg m;

	who = "gpu";
	drm = vgem_open();
	if (drm < 0 || recv_msg(sock, &m, fds, NBUF) || m.op != OP_BUFFERS)
		_exit(2);
	for (i = 0; i < NBUF; i++) {
		struct drm_prime_handle p = { .fd = fds[i] };

		if (ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p)) {
			fail("importing buffer %d into vgem", i);
			_exit(1);
		}
		handle[i] = p.handle;
	}
	say("imported the %d buffers into vgem through DRM PRIME (vgem is now attached to each)", NBUF);
	send_msg(sock, &m, NULL, 0);

	while (!recv_msg(sock, &m, NULL, 0) && m.op == OP_RENDER) {
		struct drm_vgem_fence_attach fa = {
			.handle = handle[m.index], .flags = VGEM_FENCE_WRITE,
		};
		struct drm_vgem_fence_signal fs = { 0 };

		m.status = ioctl(drm, DRM_IOCTL_VGEM_FENCE_ATTACH, &fa) ? errno : 0;
		if (!m.status)
			say("frame %d: rendering into buffer %d (a vgem write fence now guards it)",
			    m.frame, m.index);
		send_msg(sock, &m, NULL, 0);
		if (m.status)
			continue;
		usleep(300 * 1000);
		fs.fence = fa.out_fence;
		if (ioctl(drm, DRM_IOCTL_VGEM_FENCE_SIGNAL, &fs))
			fail("signalling the vgem fence");
		else
			say("frame %d: done rendering, fence signalled", m.frame);
	}
	_exit(failures ? 1 : 0);
}

/* ------------------------------------------------------------ the viewer */

/* vivid's 75% colour bars, left to right, as on/off per R, G, B */
static const uint8_t bars[8][3] = {
	{ 1, 1, 1 }, { 1, 1, 0 }, { 0, 1, 1 }, { 0, 1, 0 },
	{ 1, 0, 1 }, { 1, 0, 0 }, { 0, 0, 1 }, { 0, 0, 0 },
};

/* Near the bottom: vivid's text overlay covers the upper rows. */
static int check_bars(const uint8_t *px, unsigned int stride)
{
	const uint8_t *row = px + (size_t)stride * (HEIGHT - 4);
	int b, c, bad = 0;

	for (b = 0; b < 8; b++) {
		const uint8_t *p = row + 3 * ((2 * b + 1) * WIDTH / 16);

		for (c = 0; c < 3; c++)
			if ((p[c] > 96) != bars[b][c])
				bad++;
	}
	if (bad) {
		printf("        samples (R,G,B) at y=%d:", HEIGHT - 4);
		for (b = 0; b < 8; b++) {
			const uint8_t *p = row + 3 * ((2 * b + 1) * WIDTH / 16);

			printf(" %d,%d,%d", p[0], p[1], p[2]);
		}
		putchar('\n');
	}
	return bad;
}

static uint32_t crc_table[256];

static uint32_t crc32_of(uint32_t crc, const uint8_t *p, size_t n)
{
	if (!crc_table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static void chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
	uint8_t hdr[8];
	uint32_t crc;

	put32(hdr, len);
	memcpy(hdr + 4, type, 4);
	fwrite(hdr, 1, 8, f);
	fwrite(data, 1, len, f);
	crc = crc32_of(crc32_of(0, hdr + 4, 4), data, len);
	put32(hdr, crc);
	fwrite(hdr, 1, 4, f);
}

/* An RGB PNG, its zlib stream made of stored (uncompressed) blocks. */
static int write_png(const char *path, const uint8_t *px, unsigned int stride)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t raw_len = (size_t)HEIGHT * (1 + 3 * WIDTH), z_len, pos, o = 0;
	uint8_t ihdr[13] = { 0 }, *raw, *z;
	uint32_t a = 1, b = 0;
	FILE *f;
	int y;

	raw = malloc(raw_len);
	z_len = 2 + raw_len + 5 * (raw_len / 65535 + 1) + 4;
	z = malloc(z_len);
	f = fopen(path, "wb");
	if (!raw || !z || !f)
		return -1;
	for (y = 0; y < HEIGHT; y++) {
		raw[y * (1 + 3 * WIDTH)] = 0;	/* filter: none */
		memcpy(raw + y * (1 + 3 * WIDTH) + 1, px + (size_t)y * stride, 3 * WIDTH);
	}
	z[o++] = 0x78;
	z[o++] = 0x01;
	for (pos = 0; pos < raw_len; ) {
		size_t n = raw_len - pos > 65535 ? 65535 : raw_len - pos;

		z[o++] = pos + n == raw_len;	/* BFINAL, BTYPE 00 */
		z[o++] = n & 0xff;
		z[o++] = n >> 8;
		z[o++] = ~n & 0xff;
		z[o++] = (~n >> 8) & 0xff;
		memcpy(z + o, raw + pos, n);
		o += n;
		pos += n;
	}
	for (pos = 0; pos < raw_len; pos++) {
		a = (a + raw[pos]) % 65521;
		b = (b + a) % 65521;
	}
	put32(z + o, b << 16 | a);
	o += 4;

	put32(ihdr, WIDTH);
	put32(ihdr + 4, HEIGHT);
	ihdr[8] = 8;	/* bit depth */
	ihdr[9] = 2;	/* colour type: RGB */
	fwrite(sig, 1, 8, f);
	chunk(f, "IHDR", ihdr, sizeof(ihdr));
	chunk(f, "IDAT", z, o);
	chunk(f, "IEND", NULL, 0);
	free(raw);
	free(z);
	return fclose(f);
}

static void print_base64(const char *path)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t in[57];
	char line[80];
	size_t n, i, o;
	FILE *f = fopen(path, "rb");

	if (!f)
		return;
	printf("#### PNG-BEGIN %s\n", path);
	while ((n = fread(in, 1, sizeof(in), f)) > 0) {
		for (i = 0, o = 0; i < n; i += 3) {
			uint32_t v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) |
				     (i + 2 < n ? in[i + 2] : 0);

			line[o++] = tbl[v >> 18 & 63];
			line[o++] = tbl[v >> 12 & 63];
			line[o++] = i + 1 < n ? tbl[v >> 6 & 63] : '=';
			line[o++] = i + 2 < n ? tbl[v & 63] : '=';
		}
		line[o] = 0;
		puts(line);
	}
	printf("#### PNG-END\n");
	fflush(stdout);
	fclose(f);
}

static void viewer(int sock, unsigned int stride)
{
	int fds[NBUF], i, png_sent = 0;
	size_t size;
	struct msg m;
	void *map[NBUF];

	who = "viewer";
	if (recv_msg(sock, &m, fds, NBUF) || m.op != OP_BUFFERS)
		_exit(2);
	size = (size_t)stride * HEIGHT;
	for (i = 0; i < NBUF; i++) {
		map[i] = mmap(NULL, size, PROT_READ, MAP_SHARED, fds[i], 0);
		if (map[i] == MAP_FAILED) {
			fail("mapping buffer %d", i);
			_exit(1);
		}
	}
	say("mapped the %d buffers into its address space (mmap of the dma-buf fds)", NBUF);
	send_msg(sock, &m, NULL, 0);

	while (!recv_msg(sock, &m, NULL, 0) && m.op == OP_SHOW) {
		struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_READ, .fd = -1 };
		struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
		struct pollfd p = { .events = POLLIN };
		long long t0 = now_ms();
		int bad;

		m.status = 0;
		if (ioctl(fds[m.index], DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex)) {
			fail("exporting a sync file from buffer %d", m.index);
			m.status = 1;
			send_msg(sock, &m, NULL, 0);
			continue;
		}
		p.fd = ex.fd;
		say("frame %d: buffer %d's sync file says %s", m.frame, m.index,
		    poll(&p, 1, 0) == 1 ? "ready" : "busy: the gpu is still writing, waiting");
		if (poll(&p, 1, 5000) != 1) {
			fail("the fence never signalled");
			m.status = 1;
		} else {
			say("frame %d: fence signalled after %lld ms, reading the pixels",
			    m.frame, now_ms() - t0);
		}
		close(ex.fd);

		ioctl(fds[m.index], DMA_BUF_IOCTL_SYNC, &sync);
		bad = check_bars(map[m.index], stride);
		if (bad) {
			errno = 0;
			fail("frame %d: %d of 24 colour bar samples are wrong", m.frame, bad);
			m.status = 1;
		} else {
			say("frame %d: the 8 colour bars are there (white, yellow, cyan, green, magenta, red, blue, black)",
			    m.frame);
		}
		/* the second frame, or the first wrong one: the user sees why */
		if (!png_sent && (m.frame == 1 || bad)) {
			png_sent = 1;
			if (write_png("/tmp/frame.png", map[m.index], stride)) {
				fail("writing /tmp/frame.png");
			} else {
				say("frame %d: saved as a PNG, read straight from the dma-buf mapping", m.frame);
				print_base64("/tmp/frame.png");
			}
		}
		sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
		ioctl(fds[m.index], DMA_BUF_IOCTL_SYNC, &sync);
		send_msg(sock, &m, NULL, 0);
	}
	_exit(failures ? 1 : 0);
}

/* ------------------------------------------------------------ the camera */

static int find_vivid(char *dev, size_t len)
{
	struct dirent *e;
	DIR *d;

	for (int attempt = 0; attempt < 2; attempt++) {
		d = opendir("/sys/class/video4linux");
		while (d && (e = readdir(d))) {
			char path[300], name[64] = "";
			FILE *f;

			snprintf(path, sizeof(path), "/sys/class/video4linux/%s/name", e->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (!fgets(name, sizeof(name), f))
				name[0] = 0;
			fclose(f);
			if (!strncmp(name, "vivid-000-vid-cap", 17)) {
				snprintf(dev, len, "/dev/%s", e->d_name);
				closedir(d);
				return 0;
			}
		}
		if (d)
			closedir(d);
		if (attempt == 0)
			run("modprobe vivid n_devs=1 node_types=0x1 >/dev/null 2>&1");
	}
	return -1;
}

static int camera_setup(int vid, unsigned int *stride)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int input = 0;

	/*
	 * The webcam input, small frames at 10 per second: under emulation
	 * vivid's capture thread must stay well ahead of its frame interval.
	 */
	if (ioctl(vid, VIDIOC_S_INPUT, &input))
		return -1;
	fmt.fmt.pix.width = WIDTH;
	fmt.fmt.pix.height = HEIGHT;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	if (ioctl(vid, VIDIOC_S_FMT, &fmt) || fmt.fmt.pix.width != WIDTH ||
	    fmt.fmt.pix.height != HEIGHT || fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_RGB24) {
		errno = errno ?: EINVAL;
		return -1;
	}
	*stride = fmt.fmt.pix.bytesperline;
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = 10;
	ioctl(vid, VIDIOC_S_PARM, &parm);
	return ioctl(vid, VIDIOC_REQBUFS, &req) || req.count != NBUF ? -1 : 0;
}

static void show_trace(unsigned long ino)
{
	char needle[40], line[512];
	FILE *f = fopen(TRACEFS "/trace", "r");
	int n = 0;

	if (!f)
		return;
	snprintf(needle, sizeof(needle), "ino=%lu ", ino);
	say("the life of buffer 0 (inode %lu) in the core's trace events:", ino);
	while (fgets(line, sizeof(line), f)) {
		const char *ev = strstr(line, " dma_buf_");

		if (ev && strstr(line, needle)) {
			printf("          %s", ev + 1);
			n++;
		}
	}
	fclose(f);
	if (!n)
		say("(no dma_buf trace events: this core or kernel has none)");
}

static int trace_on(void)
{
	if (access(TRACEFS "/trace", F_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	if (access(TRACEFS "/events/dma_buf/enable", W_OK))
		return -1;
	return run("echo 1 > " TRACEFS "/events/dma_buf/enable && : > " TRACEFS "/trace");
}

int main(void)
{
	int gsock[2], vsock[2], fds[NBUF] = { -1, -1, -1, -1 }, vid, i, f, traced, st;
	unsigned int stride = 3 * WIDTH;
	pid_t gpid, vpid;
	char dev[300], cmd[160];
	struct msg m = { .op = OP_BUFFERS };

	setvbuf(stdout, NULL, _IOLBF, 0);
	who = "camera";
	printf("A camera, a GPU and a viewer share frames through dma-bufs.\n\n");
	run("modprobe vgem >/dev/null 2>&1");
	if (find_vivid(dev, sizeof(dev))) {
		fail("no vivid capture device");
		goto out;
	}
	traced = trace_on() == 0;

	/* the other two exist before any buffer does: all they get are fds */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, gsock) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, vsock)) {
		fail("socketpair");
		goto out;
	}
	vid = open(dev, O_RDWR);
	if (vid < 0 || camera_setup(vid, &stride)) {
		fail("setting up %s for %dx%d RGB24", dev, WIDTH, HEIGHT);
		goto out;
	}
	gpid = fork();
	if (gpid == 0) {
		close(gsock[0]);
		gpu(gsock[1]);
	}
	vpid = fork();
	if (vpid == 0) {
		close(vsock[0]);
		viewer(vsock[1], stride);
	}
	close(gsock[1]);
	close(vsock[1]);

	for (i = 0; i < NBUF; i++) {
		struct v4l2_exportbuffer eb = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .index = i,
			.flags = O_RDWR | O_CLOEXEC,
		};
		char name[DMA_BUF_NAME_LEN];

		if (ioctl(vid, VIDIOC_EXPBUF, &eb)) {
			fail("VIDIOC_EXPBUF of buffer %d", i);
			goto stop;
		}
		fds[i] = eb.fd;
		snprintf(name, sizeof(name), "camera-frame-%d", i);
		ioctl(fds[i], DMA_BUF_SET_NAME, name);
	}
	say("vivid (%s) exported %d frame buffers of %u bytes as dma-bufs, inodes %lu..%lu, named camera-frame-N",
	    dev, NBUF, stride * HEIGHT, ino_of(fds[0]), ino_of(fds[NBUF - 1]));
	if (send_msg(gsock[0], &m, fds, NBUF) || send_msg(vsock[0], &m, fds, NBUF) ||
	    recv_msg(gsock[0], &m, NULL, 0) || recv_msg(vsock[0], &m, NULL, 0)) {
		fail("handing the buffers over");
		goto stop;
	}
	say("sent the %d fds to the gpu and the viewer over unix sockets (SCM_RIGHTS)", NBUF);

	printf("\nWho holds what now (%s --pid ...):\n\n", INSPECT);
	snprintf(cmd, sizeof(cmd), INSPECT " --pid %d,%d,%d | sed 's/^/    /'", getpid(), gpid, vpid);
	if (run(cmd))
		fail("running the inspector");
	putchar('\n');

	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = i,
		};

		if (ioctl(vid, VIDIOC_QBUF, &b))
			fail("VIDIOC_QBUF %d", i);
	}
	i = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (ioctl(vid, VIDIOC_STREAMON, &i)) {
		fail("VIDIOC_STREAMON");
		goto stop;
	}
	for (f = 0; f < NFRAMES && !failures; f++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };

		if (ioctl(vid, VIDIOC_DQBUF, &b)) {
			fail("VIDIOC_DQBUF");
			break;
		}
		say("frame %d: captured into buffer %u (inode %lu)", f, b.index, ino_of(fds[b.index]));
		m = (struct msg){ .op = OP_RENDER, .index = b.index, .frame = f };
		if (send_msg(gsock[0], &m, NULL, 0) || recv_msg(gsock[0], &m, NULL, 0) || m.status) {
			fail("frame %d: the gpu could not fence buffer %u", f, b.index);
			break;
		}
		m.op = OP_SHOW;
		if (send_msg(vsock[0], &m, NULL, 0) || recv_msg(vsock[0], &m, NULL, 0) || m.status) {
			errno = 0;
			fail("frame %d: the viewer did not get the right picture", f);
			break;
		}
		if (ioctl(vid, VIDIOC_QBUF, &b))
			fail("VIDIOC_QBUF %u", b.index);
	}
	i = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	ioctl(vid, VIDIOC_STREAMOFF, &i);
stop:
	m.op = OP_EXIT;
	send_msg(gsock[0], &m, NULL, 0);
	send_msg(vsock[0], &m, NULL, 0);
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			failures++;
	if (traced) {
		unsigned long ino = ino_of(fds[0]);

		/* the camera lets go too: vivid keeps its own references */
		for (i = 0; i < NBUF; i++)
			close(fds[i]);
		putchar('\n');
		show_trace(ino);
		run("echo 0 > " TRACEFS "/events/dma_buf/enable");
	}
out:
	printf("\n%s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
