#include "config.h"

#include <errno.h>
#include <linux/sched.h> /* struct clone_args, CLONE_INTO_CGROUP */
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cinch/spawn.h"

pid_t cinch_spawn_fork(unsigned long flags, int cgroup_dir, bool *placed_v2)
{
#if defined(SYS_clone3) && defined(CLONE_INTO_CGROUP)
	if (cgroup_dir >= 0) {
		struct clone_args ca = {
			.flags = flags | CLONE_INTO_CGROUP,
			.exit_signal = SIGCHLD,
			.cgroup = (uint64_t)cgroup_dir,
		};
		*placed_v2 = true;
		pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid >= 0)
			return pid;
		/* A kernel before 5.7, or a seccomp filter that refuses clone3
		 * (as container engines' default profiles do): plain clone. */
	}
#endif
	*placed_v2 = false;
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* clone3 whose child starts on ca->stack: it calls fn(arg), then exits with
 * what fn returns.  The child cannot return from here as a forked child
 * does: with CLONE_VM its stack is not the caller's.  Returns the pid, or -1
 * with errno. */
#if defined(__x86_64__) && defined(SYS_clone3) && defined(CLONE_INTO_CGROUP)
#define HAVE_CLONE3_ON_STACK 1
static pid_t clone3_on_stack(struct clone_args *ca, int (*fn)(void *), void *arg)
{
	/* The child starts with the caller's registers (all but rax, rcx and
	 * r11, which syscall uses): any of the others carries fn and arg. */
	register int (*fn_reg)(void *) __asm__("r12") = fn;
	register void *arg_reg __asm__("r13") = arg;
	long ret;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t" /* the outermost frame, for unwinders */
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov %[nr_exit], %%eax\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone3), "D"(ca), "S"(sizeof(*ca)), "r"(fn_reg), "r"(arg_reg),
			   [nr_exit] "i"(SYS_exit)
			 : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (pid_t)ret;
}
#else
#define HAVE_CLONE3_ON_STACK 0
#endif

/* The child's own stack while it borrows the caller's memory: container
 * init mounts, parses mount options and loads seccomp, a few pages of it;
 * the rest is never touched.  Below it a guard page, so an overflow faults instead of
 * writing over the heap. */
#define SPAWN_STACK_SIZE (1024 * 1024)

/* AddressSanitizer tracks one stack per thread and warns (on stderr, to
 * the test suite's eyes an error) about a child on another. */
#if defined(__SANITIZE_ADDRESS__)
#define SPAWN_SHARES_MEMORY 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPAWN_SHARES_MEMORY 0
#endif
#endif
#ifndef SPAWN_SHARES_MEMORY
#define SPAWN_SHARES_MEMORY 1
#endif

bool cinch_spawn_borrows(void)
{
	return SPAWN_SHARES_MEMORY;
}

pid_t cinch_spawn_borrow(unsigned long flags, int cgroup_dir, int (*fn)(void *), void *arg, bool *placed_v2)
{
	*placed_v2 = false;
	/* Without clone3 on a stack here, a v2 host keeps CLONE_INTO_CGROUP
	 * and forks: a child that borrowed the memory would have to join
	 * through cgroup.procs, the slow write this placement avoids. */
	if (!SPAWN_SHARES_MEMORY || (cgroup_dir >= 0 && !HAVE_CLONE3_ON_STACK)) {
		pid_t pid = cinch_spawn_fork(flags, cgroup_dir, placed_v2);
		if (pid == 0)
			_exit(fn(arg));
		return pid;
	}
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size = SPAWN_STACK_SIZE + page;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
			   -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	pid_t pid = -1;
	/* The child's prctl(PR_SET_DUMPABLE) lands on the shared memory. */
	int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	if (mprotect(stack, page, PROT_NONE) < 0)
		goto out;
	flags |= CLONE_VM | CLONE_VFORK;
#if HAVE_CLONE3_ON_STACK
	if (cgroup_dir >= 0) {
		struct clone_args ca = {
			.flags = flags | CLONE_INTO_CGROUP,
			.exit_signal = SIGCHLD,
			.stack = (uint64_t)(uintptr_t)stack,
			.stack_size = size,
			.cgroup = (uint64_t)cgroup_dir,
		};
		*placed_v2 = true;
		pid = clone3_on_stack(&ca, fn, arg);
	}
#endif
	/* A v1 host, or clone3 refused (before 5.7, or by a seccomp filter):
	 * the child then joins through cgroup.procs as after any clone. */
	if (pid < 0) {
		*placed_v2 = false;
		pid = clone(fn, stack + size, (int)flags | SIGCHLD, arg);
	}
out:;
	int saved = errno;
	munmap(stack, size); /* the child has exec'd or exited: the stack is free */
	if (pid > 0 && dumpable > 0)
		prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	errno = saved;
	return pid;
}
