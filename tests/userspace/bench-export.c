// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-export: cost of one export + fd + release cycle of a small dma-buf.
 *
 * A cycle is DMA_HEAP_IOCTL_ALLOC of one page from the system heap (which
 * runs dma_buf_export() and installs the fd) followed by close() (which
 * releases the buffer).  The program times `cycles` cycles, repeats that
 * `repeats` times after a warm-up round, and reports the median time per
 * cycle.  Run it on kernels with CONFIG_DMABUF_SYSFS_STATS on and off to
 * see what the statistics cost on the export path.
 *
 * Usage: bench-export [-n cycles] [-r repeats] [-s bytes]
 *        (or BENCH_CYCLES / BENCH_REPEATS / BENCH_SIZE in the environment)
 *
 * Output is KTAP with one case, plus a machine-readable line:
 *   # BENCH export-close stats=<on|off> size=<bytes> cycles=<n> repeats=<r>
 *     median_ns=<ns per cycle> min_ns=<..> max_ns=<..> kernel=<release>
 * (all on one line).
 */
#define _GNU_SOURCE
#include "dmabuf-util.h"

#include <sys/utsname.h>

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* ns per cycle for one round, or -1 on failure */
static long long round_ns(long cycles, size_t size)
{
	long long t0 = kt_now_ns();
	long i;

	for (i = 0; i < cycles; i++) {
		int fd = heap_alloc(size);

		if (fd < 0)
			return -1;
		close(fd);
	}
	return (kt_now_ns() - t0) / cycles;
}

static long env_or(const char *name, long def)
{
	const char *v = getenv(name);

	return v && atol(v) > 0 ? atol(v) : def;
}

int main(int argc, char **argv)
{
	long cycles = env_or("BENCH_CYCLES", 3000);
	long repeats = env_or("BENCH_REPEATS", 7);
	size_t size = (size_t)env_or("BENCH_SIZE", tst_page_size());
	long long *res, med;
	struct utsname u;
	const char *stats;
	int opt, i;

	while ((opt = getopt(argc, argv, "n:r:s:")) != -1) {
		switch (opt) {
		case 'n': cycles = atol(optarg); break;
		case 'r': repeats = atol(optarg); break;
		case 's': size = (size_t)atol(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-n cycles] [-r repeats] [-s bytes]\n",
				argv[0]);
			return 2;
		}
	}
	if (cycles < 1 || repeats < 1 || size < 1)
		return 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tst_mounts();
	printf("TAP version 13\n1..1\n");
	if (!have_heap()) {
		printf("ok 1 bench_export_close # SKIP no " HEAP_PATH "\n");
		return 0;
	}
	stats = access(SYSFS_BUFFERS, F_OK) == 0 ? "on" : "off";
	uname(&u);
	res = calloc(repeats, sizeof(*res));
	if (!res)
		return 1;

	/* warm-up: slab caches, page allocator, ccache-like effects in TCG */
	if (round_ns(cycles / 4 + 1, size) < 0) {
		printf("# allocation failed: %s\nnot ok 1 bench_export_close\n",
		       strerror(errno));
		return 1;
	}
	for (i = 0; i < repeats; i++) {
		res[i] = round_ns(cycles, size);
		if (res[i] < 0) {
			printf("# allocation failed: %s\nnot ok 1 bench_export_close\n",
			       strerror(errno));
			return 1;
		}
		printf("# round %d: %lld ns/cycle\n", i + 1, res[i]);
	}
	qsort(res, repeats, sizeof(*res), cmp_ll);
	med = repeats % 2 ? res[repeats / 2] :
	      (res[repeats / 2 - 1] + res[repeats / 2]) / 2;
	printf("# BENCH export-close stats=%s size=%zu cycles=%ld repeats=%ld "
	       "median_ns=%lld min_ns=%lld max_ns=%lld kernel=%s\n",
	       stats, size, cycles, repeats, med, res[0], res[repeats - 1], u.release);
	printf("ok 1 bench_export_close\n");
	free(res);
	return 0;
}
