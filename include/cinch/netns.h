/* netns: owns making a container's new network namespace beside the
 * runtime's other work.  The kernel spends about half a millisecond in
 * setting up a network namespace (its loopback device, per-namespace
 * sysctls and tables), and clone() would make init's parent wait for it.
 * A helper thread (beside.h) makes it instead while the runtime creates the state
 * dir and the cgroup; init then joins it by fd.
 *
 * Only for a container without a new user namespace: the namespace is
 * owned by the user namespace of the thread that makes it, which has to
 * be the container's when it has one of its own. */
#ifndef CINCH_NETNS_H
#define CINCH_NETNS_H

#include <stdbool.h>

#include "cinch/beside.h"

struct cinch_error;

struct cinch_netns_maker {
	struct cinch_beside helper;
	int fd;	   /* the namespace, O_CLOEXEC; -1 until made */
	int errnum; /* why the helper failed */
	const char *step;
};

#define CINCH_NETNS_MAKER_INIT {.fd = -1}

/* Starts the helper.  false if it could not be started: the caller makes
 * the namespace the plain way (CLONE_NEWNET). */
bool cinch_netns_maker_start(struct cinch_netns_maker *m);

/* Waits for the helper; returns the namespace's fd, which the maker keeps
 * (cinch_netns_maker_close), or -1 with *err set. */
int cinch_netns_maker_finish(struct cinch_netns_maker *m, struct cinch_error **err);

/* Waits for a helper still running and closes the fd. */
void cinch_netns_maker_close(struct cinch_netns_maker *m);

#endif
