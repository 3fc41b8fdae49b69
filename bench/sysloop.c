/* sysloop: the cost of one system call, measured inside a container for
 * the seccomp-overhead scenario of bench/run.sh.
 *
 *   sysloop N
 *
 * Makes N calls of each of two system calls and prints, for each, the
 * median over 5 rounds of nanoseconds per call:
 *   getppid  N  ns   (cheap; allowed outright by the default profile, so
 *                     the kernel's per-call cache answers without the filter)
 *   umount2  N  ns   (listed in the default profile and refused by it; with
 *                     no filter the kernel refuses it, as the container
 *                     lacks CAP_SYS_ADMIN)
 * Built static by the benchmark (the rootfs is busybox alone). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no system call */
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double per_call(long nr, long n)
{
	double r[ROUNDS];
	for (int k = 0; k < ROUNDS; k++) {
		double t0 = now_ns();
		for (long i = 0; i < n; i++)
			syscall(nr, "/nonexistent", 0L);
		r[k] = (now_ns() - t0) / (double)n;
	}
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	return r[ROUNDS / 2];
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	if (n <= 0) {
		fprintf(stderr, "usage: sysloop N\n");
		return 2;
	}
	printf("getppid %ld %.1f\n", n, per_call(SYS_getppid, n));
	printf("umount2 %ld %.1f\n", n, per_call(SYS_umount2, n));
	return 0;
}
