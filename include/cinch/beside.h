/* beside: owns running one step of create on a helper thread, beside the
 * runtime's main line, on another CPU where there is one.
 *
 * A step that is slow in the kernel and needs nothing from the steps
 * around it can run there while the main thread goes on, which joins it
 * where it needs the result: making a network namespace (its loopback
 * device and tables, see netns.h).  A step pays off only when the main
 * thread has enough to do meanwhile.
 *
 * The helper blocks every signal (the main thread relays them under
 * `run`), has a small stack, and starts on a CPU other than its
 * creator's: the scheduler would otherwise queue it behind the main
 * thread.  Only starts: once it runs, and when the main thread comes to
 * join it, it may run anywhere again; on a busy host, pinned away from
 * the CPU the main thread is about to leave idle, it would wait for a
 * whole time slice of another process's.  It must be joined before the
 * main thread forks a process that runs more than async-signal-safe code
 * (clone does not take the locks a helper may hold, malloc's among them). */
#ifndef CINCH_BESIDE_H
#define CINCH_BESIDE_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>

struct cinch_beside {
	pthread_t thread;
	bool started;
	bool pinned;	   /* started away from its creator's CPU */
	bool running;	   /* set by the helper once it runs (and unpinned itself) */
	cpu_set_t allowed; /* the CPUs the process may use, to return to */
	void *(*fn)(void *);
	void *arg;
};

/* Runs fn(arg) on a helper.  false if no helper could be started: the
 * caller then runs the step itself. */
bool cinch_beside_start(struct cinch_beside *b, void *(*fn)(void *), void *arg);

/* Waits for the helper, if one was started and not joined yet. */
void cinch_beside_join(struct cinch_beside *b);

#endif
