#include "config.h"

#include <limits.h> /* PTHREAD_STACK_MIN */
#include <sched.h>
#include <signal.h>

#include "cinch/beside.h"

bool cinch_beside_start(struct cinch_beside *b, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	b->started = false;
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
	if (here >= 0 && here < CPU_SETSIZE && sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
		CPU_CLR(here, &cpus);
		if (CPU_COUNT(&cpus) > 0)
			pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	}
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	b->started = pthread_create(&b->thread, &attr, fn, arg) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return b->started;
}

void cinch_beside_join(struct cinch_beside *b)
{
	if (b->started) {
		pthread_join(b->thread, NULL);
		b->started = false;
	}
}
