// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-inspect: who holds which dma-buf, how much memory that is, who
 * imported it and what it is waiting for.
 *
 * It reads only what any 6.1+ kernel shows:
 *   /proc/<pid>/fd and fdinfo	buffers held by fd: inode, size, exporter,
 *				name ("/dmabuf:<name>" links)
 *   /proc/<pid>/maps		buffers held by a mapping (maybe fd closed)
 *   <debugfs>/dma_buf/bufinfo	attached devices and fences, if readable
 *   /sys/kernel/dmabuf/buffers	every buffer, held by a process or not, if
 *				CONFIG_DMABUF_SYSFS_STATS is on
 * and says what it could not see (no debugfs, no sysfs statistics,
 * processes it may not read).  A process that exits during the scan is
 * simply not listed.
 *
 * Per process: its buffers by fd and by mapping, and two totals: rss (the
 * size of every buffer it holds) and pss (each buffer's size divided
 * among the processes holding it, as Android's dmabuf_dump reports).  Per
 * exporter: buffers and bytes.
 *
 * Usage: dmabuf-inspect [--json] [--watch[=SECONDS]] [--pid PID[,PID...]]
 *                       [--sort=size|pid|name]
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_LEN	64
#define MAX_DEVS	8

struct buffer {
	unsigned long ino;
	unsigned long long size;
	char exporter[NAME_LEN];
	char name[NAME_LEN];
	int named;
	/* from bufinfo */
	int in_bufinfo;
	char devs[MAX_DEVS][NAME_LEN];
	int ndevs;
	int fences, pending;
	/* holders */
	int holders;
	int last_holder;	/* index of the last process counted */
};

struct hold {
	unsigned long ino;
	int fd;			/* -1: a mapping */
	unsigned long long bytes;	/* mapped bytes for a mapping */
};

struct proc {
	int pid;
	char comm[NAME_LEN];
	struct hold *holds;
	int nholds, cap;
	unsigned long long rss, pss;
};

struct scan {
	struct buffer *bufs;
	int nbufs, capbufs;
	struct proc *procs;
	int nprocs, capprocs;
	int unreadable;		/* processes whose fds we may not read */
	int have_bufinfo, have_sysfs;
	const char *bufinfo_why, *sysfs_why;
};

static int *pid_filter;
static int npid_filter;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("dmabuf-inspect");
		exit(1);
	}
	return p;
}

static struct buffer *find_buf(struct scan *s, unsigned long ino, int add)
{
	int i;

	for (i = 0; i < s->nbufs; i++)
		if (s->bufs[i].ino == ino)
			return &s->bufs[i];
	if (!add)
		return NULL;
	if (s->nbufs == s->capbufs) {
		s->capbufs = s->capbufs ? 2 * s->capbufs : 64;
		s->bufs = xrealloc(s->bufs, s->capbufs * sizeof(*s->bufs));
	}
	memset(&s->bufs[s->nbufs], 0, sizeof(s->bufs[0]));
	s->bufs[s->nbufs].ino = ino;
	s->bufs[s->nbufs].last_holder = -1;
	return &s->bufs[s->nbufs++];
}

static void add_hold(struct proc *p, unsigned long ino, int fd,
		     unsigned long long bytes)
{
	int i;

	/* one entry per mapping range would be noise: sum them per buffer */
	if (fd < 0)
		for (i = 0; i < p->nholds; i++)
			if (p->holds[i].fd < 0 && p->holds[i].ino == ino) {
				p->holds[i].bytes += bytes;
				return;
			}
	if (p->nholds == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->holds = xrealloc(p->holds, p->cap * sizeof(*p->holds));
	}
	p->holds[p->nholds++] = (struct hold){ .ino = ino, .fd = fd, .bytes = bytes };
}

/* Read a small file whole; returns bytes read or -1. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

/* "key:\t<value>" at a line start of text: the value, or NULL. */
static const char *field(const char *text, const char *key, char *out, size_t len)
{
	size_t k = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == ':') {
			const char *v = p + k + 1, *e;

			while (*v == '\t' || *v == ' ')
				v++;
			e = strchr(v, '\n');
			if (!e)
				e = v + strlen(v);
			snprintf(out, len, "%.*s", (int)(e - v), v);
			return out;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static int wanted(int pid)
{
	int i;

	if (!npid_filter)
		return 1;
	for (i = 0; i < npid_filter; i++)
		if (pid_filter[i] == pid)
			return 1;
	return 0;
}

/* The buffers one process holds by fd. */
static int scan_fds(struct scan *s, struct proc *p)
{
	char path[64], link[PATH_MAX], text[4096], v[NAME_LEN];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", p->pid);
	d = opendir(path);
	if (!d)
		return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
	while ((e = readdir(d))) {
		struct buffer *b;
		struct stat st;
		ssize_t n;
		int fd;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		fd = atoi(e->d_name);
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", p->pid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		if (strncmp(link, "/dmabuf:", 8) || stat(path, &st))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", p->pid, fd);
		if (slurp(path, text, sizeof(text)) <= 0)
			continue;	/* closed meanwhile */
		b = find_buf(s, st.st_ino, 1);
		if (field(text, "size", v, sizeof(v)))
			b->size = strtoull(v, NULL, 10);
		if (field(text, "exp_name", v, sizeof(v)))
			snprintf(b->exporter, sizeof(b->exporter), "%s", v);
		if (field(text, "name", v, sizeof(v))) {
			snprintf(b->name, sizeof(b->name), "%s", v);
			b->named = 1;
		}
		add_hold(p, st.st_ino, fd, 0);
	}
	closedir(d);
	return 0;
}

/* The buffers one process has mapped: "/dmabuf:<name>" paths in maps. */
static void scan_maps(struct scan *s, struct proc *p)
{
	char path[64], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", p->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi, off;
		unsigned long ino;
		char perms[8], dev[16];
		int pos = 0;
		struct buffer *b;

		if (sscanf(line, "%llx-%llx %7s %llx %15s %lu %n", &lo, &hi, perms,
			   &off, dev, &ino, &pos) < 6 || !pos)
			continue;
		if (strncmp(line + pos, "/dmabuf:", 8))
			continue;
		b = find_buf(s, ino, 1);
		if (!b->named && line[pos + 8] != '\n' && line[pos + 8]) {
			snprintf(b->name, sizeof(b->name), "%.*s",
				 (int)strcspn(line + pos + 8, "\n"), line + pos + 8);
			b->named = 1;
		}
		add_hold(p, ino, -1, hi - lo);
	}
	fclose(f);
}

static void scan_procs(struct scan *s)
{
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[64], comm[NAME_LEN];
		struct proc p = { 0 };
		ssize_t n;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		p.pid = atoi(e->d_name);
		if (!wanted(p.pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", p.pid);
		n = slurp(path, comm, sizeof(comm));
		if (n <= 0)
			continue;	/* gone */
		comm[strcspn(comm, "\n")] = 0;
		snprintf(p.comm, sizeof(p.comm), "%s", comm);
		if (scan_fds(s, &p) == -EACCES)
			s->unreadable++;
		scan_maps(s, &p);
		if (!p.nholds) {
			free(p.holds);
			continue;
		}
		if (s->nprocs == s->capprocs) {
			s->capprocs = s->capprocs ? 2 * s->capprocs : 16;
			s->procs = xrealloc(s->procs, s->capprocs * sizeof(*s->procs));
		}
		s->procs[s->nprocs++] = p;
	}
	closedir(d);
}

/* bufinfo: devices attached and fences, per inode. */
static void scan_bufinfo(struct scan *s)
{
	static const char *const paths[] = {
		"/sys/kernel/debug/dma_buf/bufinfo", "/debug/dma_buf/bufinfo",
	};
	struct buffer *cur = NULL;
	char line[512];
	int in_devs = 0;
	unsigned int i;
	FILE *f = NULL;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]) && !f; i++)
		f = fopen(paths[i], "re");
	if (!f) {
		s->bufinfo_why = errno == EACCES ? "permission denied" :
				 "debugfs not mounted or CONFIG_DEBUG_FS off";
		return;
	}
	s->have_bufinfo = 1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long size;
		unsigned int flags, mode;
		long count;
		unsigned long ino;
		char exp[NAME_LEN], name[NAME_LEN];

		if (sscanf(line, "%llu\t%x\t%x\t%ld\t%63s\t%lu\t%63[^\n]", &size,
			   &flags, &mode, &count, exp, &ino, name) == 7) {
			cur = find_buf(s, ino, 1);
			cur->in_bufinfo = 1;
			cur->size = size;
			snprintf(cur->exporter, sizeof(cur->exporter), "%s", exp);
			if (strcmp(name, "<none>")) {
				snprintf(cur->name, sizeof(cur->name), "%s", name);
				cur->named = 1;
			}
			in_devs = 0;
			continue;
		}
		if (!cur)
			continue;
		if (!strncmp(line, "Total ", 6)) {
			cur = NULL;
			continue;
		}
		if (!strcmp(line, "\tAttached Devices:\n")) {
			in_devs = 1;
			continue;
		}
		if (strstr(line, " fence: ") || strstr(line, "\tfence: ")) {
			cur->fences++;
			if (strstr(line, "unsignalled"))
				cur->pending++;
			continue;
		}
		if (in_devs && line[0] == '\t' && cur->ndevs < MAX_DEVS)
			snprintf(cur->devs[cur->ndevs++], NAME_LEN, "%.*s",
				 (int)strcspn(line + 1, "\n"), line + 1);
	}
	fclose(f);
}

/* sysfs statistics: buffers no process shows (held by the kernel). */
static void scan_sysfs(struct scan *s)
{
	const char *dir = "/sys/kernel/dmabuf/buffers";
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		s->sysfs_why = errno == ENOENT ? "CONFIG_DMABUF_SYSFS_STATS off" :
			       "not readable";
		return;
	}
	s->have_sysfs = 1;
	while ((e = readdir(d))) {
		char path[512], v[NAME_LEN];
		struct buffer *b;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		b = find_buf(s, strtoul(e->d_name, NULL, 10), 1);
		snprintf(path, sizeof(path), "%s/%s/size", dir, e->d_name);
		if (slurp(path, v, sizeof(v)) > 0)
			b->size = strtoull(v, NULL, 10);
		snprintf(path, sizeof(path), "%s/%s/exporter_name", dir, e->d_name);
		if (!b->exporter[0] && slurp(path, v, sizeof(v)) > 0) {
			v[strcspn(v, "\n")] = 0;
			snprintf(b->exporter, sizeof(b->exporter), "%s", v);
		}
	}
	closedir(d);
}

static void account(struct scan *s)
{
	int i, j;

	for (i = 0; i < s->nprocs; i++)
		for (j = 0; j < s->procs[i].nholds; j++) {
			struct buffer *b = find_buf(s, s->procs[i].holds[j].ino, 1);

			if (b->last_holder != i) {
				b->last_holder = i;
				b->holders++;
			}
		}
	for (i = 0; i < s->nprocs; i++) {
		struct proc *p = &s->procs[i];

		for (j = 0; j < s->nbufs; j++)
			s->bufs[j].last_holder = -1;
		for (j = 0; j < p->nholds; j++) {
			struct buffer *b = find_buf(s, p->holds[j].ino, 0);

			if (b->last_holder == i)
				continue;
			b->last_holder = i;
			p->rss += b->size;
			p->pss += b->size / (b->holders ? b->holders : 1);
		}
	}
}

/* --------------------------------------------------------------- output */

static const char *sort_key = "size";

static int cmp_proc(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	if (!strcmp(sort_key, "pid"))
		return x->pid - y->pid;
	if (!strcmp(sort_key, "name"))
		return strcmp(x->comm, y->comm);
	return x->rss < y->rss ? 1 : x->rss > y->rss ? -1 : x->pid - y->pid;
}

static int cmp_buf(const void *a, const void *b)
{
	const struct buffer *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static const char *human(unsigned long long v, char *out, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%llu B", v);
	else
		snprintf(out, len, "%.1f %s", d, unit[u]);
	return out;
}

/* Buffers and bytes of the exporter of bufs[i], if i is its first buffer. */
static int exporter_totals(struct scan *s, int i, int *n, unsigned long long *bytes)
{
	int j;

	for (j = 0; j < i; j++)
		if (!strcmp(s->bufs[j].exporter, s->bufs[i].exporter))
			return 0;
	*n = 0;
	*bytes = 0;
	for (j = i; j < s->nbufs; j++)
		if (!strcmp(s->bufs[j].exporter, s->bufs[i].exporter)) {
			(*n)++;
			*bytes += s->bufs[j].size;
		}
	return 1;
}

static void json_str(const char *v)
{
	putchar('"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			putchar(*v);
	}
	putchar('"');
}

static void print_json(struct scan *s)
{
	int i, j, k, first;

	printf("{\n  \"seen\": {\"bufinfo\": %s, \"sysfs_stats\": %s, \"unreadable_processes\": %d},\n",
	       s->have_bufinfo ? "true" : "false", s->have_sysfs ? "true" : "false",
	       s->unreadable);
	printf("  \"buffers\": [");
	for (i = 0; i < s->nbufs; i++) {
		struct buffer *b = &s->bufs[i];

		printf("%s\n    {\"inode\": %lu, \"size\": %llu, \"exporter\": ",
		       i ? "," : "", b->ino, b->size);
		json_str(b->exporter);
		printf(", \"name\": ");
		if (b->named)
			json_str(b->name);
		else
			printf("null");
		printf(", \"holders\": [");
		for (j = 0, first = 1; j < s->nprocs; j++)
			for (k = 0; k < s->procs[j].nholds; k++)
				if (s->procs[j].holds[k].ino == b->ino) {
					printf("%s%d", first ? "" : ", ", s->procs[j].pid);
					first = 0;
					break;
				}
		printf("]");
		if (s->have_bufinfo) {
			printf(", \"attached\": [");
			for (j = 0; j < b->ndevs; j++) {
				printf("%s", j ? ", " : "");
				json_str(b->devs[j]);
			}
			printf("], \"fences\": %d, \"pending_fences\": %d", b->fences, b->pending);
		}
		printf("}");
	}
	printf("\n  ],\n  \"processes\": [");
	for (i = 0; i < s->nprocs; i++) {
		struct proc *p = &s->procs[i];

		printf("%s\n    {\"pid\": %d, \"comm\": ", i ? "," : "", p->pid);
		json_str(p->comm);
		printf(", \"rss\": %llu, \"pss\": %llu, \"fds\": [", p->rss, p->pss);
		for (j = 0, first = 1; j < p->nholds; j++)
			if (p->holds[j].fd >= 0) {
				printf("%s{\"fd\": %d, \"inode\": %lu}", first ? "" : ", ",
				       p->holds[j].fd, p->holds[j].ino);
				first = 0;
			}
		printf("], \"maps\": [");
		for (j = 0, first = 1; j < p->nholds; j++)
			if (p->holds[j].fd < 0) {
				printf("%s{\"inode\": %lu, \"bytes\": %llu}", first ? "" : ", ",
				       p->holds[j].ino, p->holds[j].bytes);
				first = 0;
			}
		printf("]}");
	}
	printf("\n  ],\n  \"exporters\": [");
	for (i = 0, first = 1; i < s->nbufs; i++) {
		unsigned long long bytes;
		int n;

		if (!exporter_totals(s, i, &n, &bytes))
			continue;
		printf("%s\n    {\"name\": ", first ? "" : ",");
		json_str(s->bufs[i].exporter);
		printf(", \"buffers\": %d, \"bytes\": %llu}", n, bytes);
		first = 0;
	}
	printf("\n  ]\n}\n");
}

static void print_table(struct scan *s)
{
	unsigned long long total = 0;
	char h1[32], h2[32];
	int i, j;

	printf("%-7s %-16s %10s %10s  %s\n", "PID", "COMMAND", "RSS", "PSS", "BUFFERS (inode:fd or inode:map)");
	for (i = 0; i < s->nprocs; i++) {
		struct proc *p = &s->procs[i];

		printf("%-7d %-16s %10s %10s ", p->pid, p->comm,
		       human(p->rss, h1, sizeof(h1)), human(p->pss, h2, sizeof(h2)));
		for (j = 0; j < p->nholds; j++)
			if (p->holds[j].fd >= 0)
				printf(" %lu:fd%d", p->holds[j].ino, p->holds[j].fd);
			else
				printf(" %lu:map", p->holds[j].ino);
		putchar('\n');
	}
	printf("\n%-9s %10s %-16s %-20s %7s %s\n", "INODE", "SIZE", "EXPORTER", "NAME",
	       "HOLDERS", s->have_bufinfo ? "ATTACHED (fences pending/all)" : "");
	for (i = 0; i < s->nbufs; i++) {
		struct buffer *b = &s->bufs[i];

		total += b->size;
		printf("%-9lu %10s %-16s %-20s %7d", b->ino, human(b->size, h1, sizeof(h1)),
		       b->exporter[0] ? b->exporter : "?", b->named ? b->name : "-",
		       b->holders);
		if (s->have_bufinfo) {
			printf(" ");
			for (j = 0; j < b->ndevs; j++)
				printf("%s%s", j ? "," : "", b->devs[j]);
			printf("%s(%d/%d)", b->ndevs ? " " : "", b->pending, b->fences);
		}
		if (!b->holders)
			printf("  [no process: held by the kernel]");
		putchar('\n');
	}
	/* per exporter */
	printf("\n%-16s %8s %10s\n", "EXPORTER", "BUFFERS", "BYTES");
	for (i = 0; i < s->nbufs; i++) {
		unsigned long long bytes;
		int n;

		if (!exporter_totals(s, i, &n, &bytes))
			continue;
		printf("%-16s %8d %10s\n", s->bufs[i].exporter[0] ? s->bufs[i].exporter : "?",
		       n, human(bytes, h1, sizeof(h1)));
	}
	printf("\n%d buffers, %s", s->nbufs, human(total, h1, sizeof(h1)));
	printf("; %d processes hold dma-bufs\n", s->nprocs);
	if (!s->have_bufinfo)
		printf("not seen: attached devices and fences (bufinfo: %s)\n", s->bufinfo_why);
	if (!s->have_sysfs && !npid_filter)
		printf("not seen: buffers only the kernel holds (sysfs statistics: %s)\n",
		       s->sysfs_why);
	if (s->unreadable)
		printf("not seen: the fds of %d processes (permission denied; run as root)\n",
		       s->unreadable);
}

static void free_scan(struct scan *s)
{
	int i;

	for (i = 0; i < s->nprocs; i++)
		free(s->procs[i].holds);
	free(s->procs);
	free(s->bufs);
	memset(s, 0, sizeof(*s));
}

static void run_once(int json)
{
	struct scan s = { 0 };

	scan_procs(&s);
	scan_bufinfo(&s);
	scan_sysfs(&s);
	account(&s);
	/* with --pid, only the buffers those processes hold */
	if (npid_filter) {
		int i, n = 0;

		for (i = 0; i < s.nbufs; i++)
			if (s.bufs[i].holders)
				s.bufs[n++] = s.bufs[i];
		s.nbufs = n;
	}
	qsort(s.procs, s.nprocs, sizeof(*s.procs), cmp_proc);
	qsort(s.bufs, s.nbufs, sizeof(*s.bufs), cmp_buf);
	if (json)
		print_json(&s);
	else
		print_table(&s);
	free_scan(&s);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: dmabuf-inspect [--json] [--watch[=SECONDS]] [--pid PID[,PID...]] [--sort=size|pid|name]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "pid", required_argument, NULL, 'p' },
		{ "sort", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int json = 0, watch = 0, opt;

	while ((opt = getopt_long(argc, argv, "jw::p:s:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 'w':
			watch = optarg ? atoi(optarg) : 2;
			if (watch < 1)
				watch = 1;
			break;
		case 'p':
			for (char *t = strtok(optarg, ","); t; t = strtok(NULL, ",")) {
				pid_filter = xrealloc(pid_filter, (npid_filter + 1) * sizeof(int));
				pid_filter[npid_filter++] = atoi(t);
			}
			break;
		case 's':
			if (strcmp(optarg, "size") && strcmp(optarg, "pid") && strcmp(optarg, "name")) {
				usage(stderr);
				return 2;
			}
			sort_key = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!watch) {
		run_once(json);
		return 0;
	}
	for (;;) {
		if (!json)
			printf("\033[H\033[2J");
		run_once(json);
		fflush(stdout);
		sleep(watch);
	}
}
