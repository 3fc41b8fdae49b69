/* beside: owns running one step of create on a helper thread, beside the
 * runtime's main line, on another CPU where there is one.
 *
 * Some of create's steps are slow in the kernel and need nothing from the
 * steps around them: making a network namespace (its loopback device and
 * tables, see netns.h), and making the cgroup (on cgroup v1, the first
 * cpuset of a host makes the kernel patch its text, which waits on every
 * other CPU).  A helper runs such a step while the main thread goes on,
 * and the main thread joins it where it needs the result.
 *
 * The helper blocks every signal (the main thread relays them under
 * `run`), has a small stack, and asks for a CPU other than its creator's:
 * the scheduler would otherwise queue it behind the main thread.  It must
 * be joined before the main thread forks a process that runs more than
 * async-signal-safe code (clone does not take the locks a helper may hold,
 * malloc's among them). */
#ifndef CINCH_BESIDE_H
#define CINCH_BESIDE_H

#include <pthread.h>
#include <stdbool.h>

struct cinch_beside {
	pthread_t thread;
	bool started;
};

/* Runs fn(arg) on a helper.  false if no helper could be started: the
 * caller then runs the step itself. */
bool cinch_beside_start(struct cinch_beside *b, void *(*fn)(void *), void *arg);

/* Waits for the helper, if one was started and not joined yet. */
void cinch_beside_join(struct cinch_beside *b);

#endif
