#include "config.h"

#include <limits.h> /* PTHREAD_STACK_MIN */
#include <sched.h>
#include <signal.h>

#include "cinch/beside.h"

static void unpin(struct cinch_beside *b, pthread_t thread)
{
	if (b->pinned)
		pthread_setaffinity_np(thread, sizeof(b->allowed), &b->allowed);
}

static void *run_step(void *arg)
{
	struct cinch_beside *b = arg;
	unpin(b, pthread_self());
	__atomic_store_n(&b->running, true, __ATOMIC_RELEASE);
	return b->fn(b->arg);
}

bool cinch_beside_start(struct cinch_beside *b, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	b->started = false;
	b->pinned = false;
	b->running = false;
	b->fn = fn;
	b->arg = arg;
	if (pthread_attr_init(&attr) != 0)
		return false;
	/* A step is a few system calls: no need for an 8 MiB stack mapping
	 * (but no less than the minimum, 128 KiB with 64 KiB pages). */
	size_t stack = 64 * 1024;
	if (stack < (size_t)PTHREAD_STACK_MIN)
		stack = (size_t)PTHREAD_STACK_MIN;
	pthread_attr_setstacksize(&attr, stack);
	/* The scheduler tends to queue a new thread on its creator's CPU,
	 * where it would wait for this one to block: ask for another. */
	cpu_set_t cpus;
	int here = sched_getcpu();
	if (here >= 0 && here < CPU_SETSIZE && sched_getaffinity(0, sizeof(b->allowed), &b->allowed) == 0) {
		cpus = b->allowed;
		CPU_CLR(here, &cpus);
		if (CPU_COUNT(&cpus) > 0)
			b->pinned = pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus) == 0;
	}
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	b->started = pthread_create(&b->thread, &attr, run_step, b) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return b->started;
}

void cinch_beside_join(struct cinch_beside *b)
{
	if (b->started) {
		/* A helper that has not run yet may take this CPU now (one that
		 * runs unpinned itself, and may have exited: its tid is gone). */
		if (!__atomic_load_n(&b->running, __ATOMIC_ACQUIRE))
			unpin(b, b->thread);
		pthread_join(b->thread, NULL);
		b->started = false;
	}
}
