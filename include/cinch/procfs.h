/* procfs: owns every write cinch makes to procfs (sysctls, oom_score_adj,
 * id maps).  They go through one handle on the host's /proc, opened by
 * the runtime before it makes the container and checked to be the root of
 * a procfs, never through a path: after pivot_root, /proc is whatever the
 * image and config put there (a tmpfs, a link, a bind of a host file).
 *
 * The handle stays valid in init's new mount namespace: lookups through it
 * walk the host's mount tree, which the container cannot change.  What a
 * file under sys/ shows follows the writer's own namespaces (net, ipc,
 * uts), so init writes its sysctls itself, after it joined them. */
#ifndef CINCH_PROCFS_H
#define CINCH_PROCFS_H

#include <stddef.h>

struct cinch_error;

/* Opens /proc as an O_PATH handle and checks that it is a procfs root.
 * The caller owns the fd. */
int cinch_procfs_open(struct cinch_error **err);

/* Writes value to rel (e.g. "sys/net/ipv4/ip_forward", "self/oom_score_adj",
 * "1234/uid_map") under procfd: resolved beneath it, through no magic link,
 * and checked to be a procfs file before the write.  what names the object
 * in the message. */
int cinch_procfs_write(int procfd, const char *rel, const char *value, size_t len, const char *what,
		       struct cinch_error **err);

#endif
