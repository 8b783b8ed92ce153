// SPDX-License-Identifier: GPL-2.0
/*
 * Stage 1 tag-initialisation benchmarks, run in the guest.
 *
 *   mte_first_touch touch P PAGES REPS    P processes first-touch PAGES
 *                                         distinct fresh PROT_MTE
 *                                         MAP_SHARED memfd pages each
 *   mte_first_touch mprotect PAGES REPS   mprotect(PROT_MTE) of PAGES
 *                                         populated shared pages
 *   mte_first_touch refault P PAGES REPS  P processes refault pages that
 *                                         are already tagged (fast path)
 *   mte_first_touch notag P PAGES REPS    as touch, without PROT_MTE: the
 *                                         difference is the tag init cost
 *   mte_first_touch bucket P PAGES REPS   worst case: P processes map
 *                                         PROT_MTE and write-fault PAGES
 *                                         page-cache pages each, all of
 *                                         whose pfns hash to ONE bucket
 *   mte_first_touch spread P PAGES REPS   the same with pfns picked
 *                                         regardless of bucket (control)
 *
 * bucket/spread allocate a pool of untagged memfd pages (512 per page
 * needed) with fallocate(), map it without PROT_MTE, read the pfns from
 * /proc/self/pagemap (root), and pick pages by hash_long(pfn, 8), the
 * series' bucket function (include/linux/hash.h, 64-bit): pfns equal in
 * the top 8 bits of the hash share a bucket for every table of 2^b <= 256
 * buckets.  Write faults on a shared mapping do not fault around, so each
 * fault initialises exactly one page's tags.
 *
 * Each timed window is marked for the insn-classes plugin of make bench
 * (bench/plugin/insn-classes.c): "hint #0x7e" as it begins and "hint
 * #0x7f" as it ends, which execute as NOPs.
 *
 * Each repetition punches the memfd empty first, so every touch allocates
 * a page whose tags are not initialised.  Prints one JSON object per
 * repetition: {"workload":..,"procs":..,"pages":..,"ns_per_page":..}.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SZ 4096UL
#define PROT_MTE 0x20
#define GOLDEN_RATIO_64 0x61C8864680B583EBull
#define BUCKET_BITS 8
#define POOL_PER_PAGE (1 << BUCKET_BITS)

struct shared {
	int ready;
	int go;
	int done;
	int leave;
	long long ns[256];
};

/*
 * The marks of a timed window (the insn-classes plugin counts inside);
 * none with BENCH_NO_WINDOW set (run-guest.sh's untimed warm-up).
 */
static int marks = 1;

static inline void window_begin(void)
{
	if (marks)
		asm volatile("hint #0x7e" : : : "memory");
}

static inline void window_end(void)
{
	if (marks)
		asm volatile("hint #0x7f" : : : "memory");
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void touch_pages(char *p, long pages)
{
	long i;

	for (i = 0; i < pages; i++)
		__atomic_store_n(p + i * PAGE_SZ, 1, __ATOMIC_RELAXED);
}

/* Write one byte of each listed page (page indexes into @map). */
static void touch_list(char *map, const long *idx, long pages)
{
	long i;

	for (i = 0; i < pages; i++)
		__atomic_store_n(map + idx[i] * PAGE_SZ, 1, __ATOMIC_RELAXED);
}

/*
 * Populate @pool pages of @fd without tags and pick @want of them into
 * @idx: all in the bucket of the first page (same_bucket), or one page in
 * every POOL_PER_PAGE (spread; consecutive picks land in different
 * buckets).  Returns the number picked.
 */
static long pick_pages(int fd, long pool, long want, int same_bucket, long *idx)
{
	char *p = mmap(NULL, pool * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, 0);
	unsigned long long *pfn = calloc(pool, sizeof(*pfn));
	unsigned long long b0 = 0, mask = (1ULL << 55) - 1;
	size_t len = pool * sizeof(*pfn);
	int pm = open("/proc/self/pagemap", O_RDONLY);
	long i, n = 0;

	if (p == MAP_FAILED || !pfn || pm < 0)
		die("pool");
	/* fallocate() allocated the pages; MAP_POPULATE mapped them untagged */
	if (pread(pm, pfn, len, (unsigned long)p / PAGE_SZ * sizeof(*pfn)) != (ssize_t)len)
		die("pagemap");
	for (i = 0; i < pool && n < want; i++) {
		unsigned long long b;

		if (!(pfn[i] >> 63) || !(pfn[i] & mask)) {
			fprintf(stderr, "pagemap: no pfn (not root?)\n");
			exit(1);
		}
		b = ((pfn[i] & mask) * GOLDEN_RATIO_64) >> (64 - BUCKET_BITS);
		if (i == 0)
			b0 = b;
		if (same_bucket ? b == b0 : i % POOL_PER_PAGE == 0)
			idx[n++] = i;
	}
	close(pm);
	free(pfn);
	munmap(p, pool * PAGE_SZ);
	return n;
}

/*
 * P processes, each touching its own PAGES pages (contiguous, or from
 * @idx when it is not NULL); returns ns per page.
 */
static double run_procs(char *map, int procs, long pages, int refault,
			const long *idx)
{
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long long t0, worst = 0;
	int i;

	if (s == MAP_FAILED)
		die("mmap");
	for (i = 0; i < procs; i++) {
		if (fork() == 0) {
			char *p = map + i * pages * PAGE_SZ;

			if (refault) {
				touch_pages(p, pages);	/* tag them */
				madvise(p, pages * PAGE_SZ, MADV_DONTNEED);
			}
			__atomic_add_fetch(&s->ready, 1, __ATOMIC_RELEASE);
			while (!__atomic_load_n(&s->go, __ATOMIC_ACQUIRE))
				;
			t0 = now_ns();
			if (idx)
				touch_list(map, idx + i * pages, pages);
			else
				touch_pages(p, pages);
			s->ns[i] = now_ns() - t0;
			/* stay until the window ends: an exit is not its work */
			__atomic_add_fetch(&s->done, 1, __ATOMIC_RELEASE);
			while (!__atomic_load_n(&s->leave, __ATOMIC_ACQUIRE))
				;
			_exit(0);
		}
	}
	while (__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE) < procs)
		;
	window_begin();
	__atomic_store_n(&s->go, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE) < procs)
		;
	window_end();
	__atomic_store_n(&s->leave, 1, __ATOMIC_RELEASE);
	while (wait(NULL) > 0)
		;
	for (i = 0; i < procs; i++)
		if (s->ns[i] > worst)
			worst = s->ns[i];
	munmap(s, sizeof(*s));
	/* aggregate: wall time of the slowest process over all pages */
	return (double)worst / (pages * procs);
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "";
	int procs = 1, reps, r, fd, picked;
	long pages, *idx = NULL;
	size_t size;
	char *map;

	marks = !getenv("BENCH_NO_WINDOW");
	if (!strcmp(w, "mprotect") && argc == 4) {
		pages = atol(argv[2]);
		reps = atoi(argv[3]);
	} else if ((!strcmp(w, "touch") || !strcmp(w, "refault") ||
		    !strcmp(w, "notag") || !strcmp(w, "bucket") ||
		    !strcmp(w, "spread")) && argc == 5) {
		procs = atoi(argv[2]);
		pages = atol(argv[3]);
		reps = atoi(argv[4]);
	} else {
		fprintf(stderr, "usage: %s touch|refault|notag|bucket|spread P PAGES REPS | mprotect PAGES REPS\n",
			argv[0]);
		return 2;
	}
	if (procs < 1 || procs > 256 || pages < 1)
		return 2;
	size = procs * pages * PAGE_SZ;
	picked = !strcmp(w, "bucket") || !strcmp(w, "spread");
	if (picked) {
		idx = calloc(procs * pages, sizeof(*idx));
		if (!idx)
			die("calloc");
		size *= 2 * POOL_PER_PAGE;	/* about 2x the pages needed */
	}
	fd = memfd_create("bench", 0);
	if (fd < 0 || ftruncate(fd, size))
		die("memfd");
	for (r = 0; r < reps; r++) {
		double ns;

		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, size))
			die("punch");
		if (!strcmp(w, "mprotect")) {
			long long t0;

			map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				die("mmap");
			touch_pages(map, pages);
			t0 = now_ns();
			window_begin();
			if (mprotect(map, size, PROT_READ | PROT_WRITE | PROT_MTE))
				die("mprotect");
			window_end();
			ns = (double)(now_ns() - t0) / pages;
		} else if (picked) {
			long want = procs * pages;

			if (fallocate(fd, 0, 0, size))
				die("fallocate");
			if (pick_pages(fd, size / PAGE_SZ, want, !strcmp(w, "bucket"), idx) < want) {
				fprintf(stderr, "%s: found fewer than %ld pages\n", w, want);
				return 1;
			}
			map = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_MTE, MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				die("mmap");
			ns = run_procs(map, procs, pages, 0, idx);
		} else {
			int prot = PROT_READ | PROT_WRITE;

			if (strcmp(w, "notag"))
				prot |= PROT_MTE;
			map = mmap(NULL, size, prot, MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				die("mmap");
			ns = run_procs(map, procs, pages, !strcmp(w, "refault"), NULL);
		}
		munmap(map, size);
		printf("{\"workload\":\"%s\",\"procs\":%d,\"pages\":%ld,\"rep\":%d,\"ns_per_page\":%.1f}\n",
		       w, procs, pages, r, ns);
		fflush(stdout);
	}
	return 0;
}
