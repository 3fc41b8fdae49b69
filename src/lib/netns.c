#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h> /* PTHREAD_STACK_MIN */
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/netns.h"

/* unshare() moves only the calling thread; the runtime's own threads and
 * processes never enter the namespace.  The fd keeps it alive after the
 * thread is gone. */
static void *make_netns(void *arg)
{
	struct cinch_netns_maker *m = arg;
	if (unshare(CLONE_NEWNET) < 0) {
		m->errnum = errno;
		m->step = "unshare";
		return NULL;
	}
	m->fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (m->fd < 0) {
		m->errnum = errno;
		m->step = "open /proc/thread-self/ns/net";
	}
	return NULL;
}

bool cinch_netns_maker_start(struct cinch_netns_maker *m)
{
	pthread_attr_t attr;
	if (pthread_attr_init(&attr) != 0)
		return false;
	/* It calls two system calls: no need for an 8 MiB stack mapping
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
	/* Signals stay with the main thread, which relays them under `run`. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	m->started = pthread_create(&m->thread, &attr, make_netns, m) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return m->started;
}

static void wait_helper(struct cinch_netns_maker *m)
{
	if (m->started) {
		pthread_join(m->thread, NULL);
		m->started = false;
	}
}

int cinch_netns_maker_finish(struct cinch_netns_maker *m, struct cinch_error **err)
{
	wait_helper(m);
	if (m->fd < 0)
		return cinch_error_set(err, m->errnum, "make network namespace: %s", m->step ? m->step : "not started");
	return m->fd;
}

void cinch_netns_maker_close(struct cinch_netns_maker *m)
{
	wait_helper(m);
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}
