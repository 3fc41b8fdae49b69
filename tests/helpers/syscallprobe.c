/* syscallprobe: makes raw system calls and prints how each one ended, for
 * the seccomp tests.  Built static, so that it runs in a busybox rootfs.
 *
 *   syscallprobe CALL [ARG...] [, CALL [ARG...]]...
 *
 * CALL is a name from the table below or a number; each ARG a number
 * (strtoull base 0: 0x10000000 works).  For each call one line:
 *   NAME: ok           it returned >= 0
 *   NAME: EPERM        it failed; the errno's name
 * A child made by clone or fork exits at once, and is waited for.  Exits 0
 * once every call was made, 2 on a usage error. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *name;
	long nr;
} calls[] = {
    {"clone", SYS_clone},
    {"getpid", SYS_getpid},
    {"io_uring_setup", SYS_io_uring_setup},
    {"mknodat", SYS_mknodat},
    {"personality", SYS_personality},
    {"ptrace", SYS_ptrace},
    {"socket", SYS_socket},
    {"unshare", SYS_unshare},
#ifdef SYS_fork
    {"fork", SYS_fork},
#endif
    /* Linux 6.8; 461 in the table all architectures share since 5.1.
     * Older headers lack the name. */
    {"lsm_list_modules", 461},
};

static int usage(const char *why)
{
	fprintf(stderr, "syscallprobe: %s\nusage: syscallprobe CALL [ARG...] [, CALL [ARG...]]...\n", why);
	return 2;
}

static bool number(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno == 0 && *s != '\0' && *end == '\0';
}

/* The system call number of CALL, or -1. */
static long resolve(const char *call)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(calls[i].name, call) == 0)
			return calls[i].nr;
	unsigned long long n;
	return number(call, &n) && n < 100000 ? (long)n : -1;
}

static void report(const char *call, long nr, long r, int err)
{
	if (r == 0 && (nr == SYS_clone
#ifdef SYS_fork
	               || nr == SYS_fork
#endif
	               ))
		_exit(0); /* the child */
	if (r < 0) {
		const char *name = strerrorname_np(err);
		if (name != NULL)
			printf("%s: %s\n", call, name);
		else
			printf("%s: errno %d\n", call, err);
	} else {
		if (r > 0 && (nr == SYS_clone
#ifdef SYS_fork
		              || nr == SYS_fork
#endif
		              ))
			waitpid((pid_t)r, NULL, 0);
		printf("%s: ok\n", call);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage("no call");
	for (int i = 1; i < argc;) {
		const char *call = argv[i++];
		long nr = resolve(call);
		if (nr < 0)
			return usage("unknown call");
		unsigned long long a[6] = {0};
		int n = 0;
		for (; i < argc && strcmp(argv[i], ",") != 0; i++) {
			if (n == 6 || !number(argv[i], &a[n]))
				return usage("bad argument");
			n++;
		}
		if (i < argc)
			i++; /* the "," */
		errno = 0;
		long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		report(call, nr, r, errno);
	}
	return 0;
}
