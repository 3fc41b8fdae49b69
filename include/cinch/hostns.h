/* hostns: owns what a container may share with the host through
 * linux.namespaces and linux.sysctl.
 *
 * A namespace given by path is opened once, by the runtime, and that fd is
 * what init joins: the path is never looked up again.  Facts about each fd
 * (its type, whether it is the host's: the runtime's own or pid 1's) are
 * gathered first; the rules are then a pure function of the config and
 * those facts, so that `check` and `create` decide alike:
 *  - a pid, user or mount namespace by path that is the host's is refused
 *    (the mount namespace: init would make the container's mounts on the
 *    host; a namespace of another's by path is the policy's, decide.h);
 *  - a path that is not a namespace of the listed type is refused;
 *  - a sysctl is allowed only when the container has the namespace it
 *    belongs to to itself (sysctl.h). */
#ifndef CINCH_HOSTNS_H
#define CINCH_HOSTNS_H

#include <stdbool.h>

#include "cinch/spec.h"

struct cinch_error;

struct cinch_ns_facts {
	int fd[CINCH_NS_COUNT];	    /* the namespace named by path, open; else -1 */
	int type[CINCH_NS_COUNT];   /* its CLONE_NEW* type as the kernel reports it; 0: not a namespace */
	bool host[CINCH_NS_COUNT];  /* it is the runtime's own or pid 1's */
};
#define CINCH_NS_FACTS_INIT {.fd = {-1, -1, -1, -1, -1, -1, -1, -1}}

/* Opens each namespace path of spec and learns its facts.  Errors name
 * linux.namespaces[i]. */
int cinch_ns_facts_gather(const struct cinch_spec *spec, struct cinch_ns_facts *f, struct cinch_error **err);
void cinch_ns_facts_close(struct cinch_ns_facts *f);

/* The rules above (pure).  On success *private_ns holds the
 * CLONE_NEWIPC/NET/UTS bits of the namespaces the container has to itself. */
int cinch_ns_decide(const struct cinch_spec *spec, const struct cinch_ns_facts *f, unsigned long *private_ns,
		    struct cinch_error **err);

/* Where the container's root is set up (pure).  Its own mount namespace:
 * init mounts there and pivots into the root.  One given by path, or
 * none (the runtime's, a config with no mount namespace): the policy's
 * hostNamespaces control decides whether either is allowed (decide.h).
 * Init does not pivot there, which would move the root of every process
 * of that namespace whose root is its root; it chroots, and with none it
 * makes no mount at all: the host's mounts are not the container's to
 * change. */
enum cinch_mount_ns {
	CINCH_MOUNT_NS_OWN,
	CINCH_MOUNT_NS_JOINED,
	CINCH_MOUNT_NS_NONE,
};
enum cinch_mount_ns cinch_ns_mount_kind(const struct cinch_spec *spec);

/* The CLONE_NEW* flag of a namespace type. */
unsigned long cinch_ns_clone_flag(int type);

/* Time namespaces (pure).  Offsets can be written only while no process
 * is in the namespace, and clone cannot make one with offsets: init
 * unshares it (for its children), the offsets are written to
 * /proc/PID/timens_offsets, then init enters it (setns to its
 * ns/time_for_children), which freezes them.  A process sharing its
 * memory with another cannot enter a time namespace (EUSERS). */
/* The config lists a time namespace, new or by path. */
bool cinch_ns_has_time(const struct cinch_spec *spec);
/* The config asks for a new one. */
bool cinch_ns_new_time(const struct cinch_spec *spec);
/* "monotonic SECS NSECS\n..." for timens_offsets; NULL when it sets none. */
char *cinch_ns_time_offsets(const struct cinch_spec_time_offsets *o);

#endif
