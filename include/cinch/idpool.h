/* idpool: owns the host id blocks of remapped containers (decide.h).  Each
 * remapped container gets a block of host ids no other container has,
 * except that the containers of one Kubernetes pod (the same
 * io.kubernetes.cri.sandbox-id annotation) share one, so that they can
 * share files and namespaces.  The block is recorded in the container's
 * state.json, which is also the whole record of what is taken: a block is
 * free again once the container's state is gone.
 *
 * The pool is the policy's nonRoot.idPool, else the "cinch" line of
 * /etc/subuid (cinch:START:COUNT), else CINCH_POOL_START/SIZE.  The gids
 * are the same numbers. */
#ifndef CINCH_IDPOOL_H
#define CINCH_IDPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "cinch/policy.h"

struct cinch_error;

#define CINCH_POD_ANNOTATION "io.kubernetes.cri.sandbox-id"
#define CINCH_SUBUID_USER    "cinch"

struct cinch_idblock {
	uint32_t host;
	uint32_t size;
};

/* Pure: the START:COUNT of `user` in /etc/subuid text.  Returns 1 when
 * found (and valid), 0 when not. */
int cinch_idpool_from_subuid(const char *text, const char *user, struct cinch_id_pool *out);

/* Pure: the lowest block of `size` ids, aligned to size, inside pool and
 * clear of every block in used[].  -1 when the pool is full. */
int cinch_idpool_pick(const struct cinch_id_pool *pool, uint32_t size, const struct cinch_idblock *used, size_t n,
                      uint32_t *host);

/* The pool blocks come from: the policy's, /etc/subuid's "cinch" line, or
 * the built-in one. */
void cinch_idpool_resolve(const struct cinch_id_pool *policy_pool, struct cinch_id_pool *pool);

/* Takes a block for container id under the state root: the pod's, when
 * pod is not NULL and another container of it has one, else a free one.
 * Holds <root>/.idpool.lock on return (*lock_fd): close it only once the
 * block is saved in the container's state, so that no other create can
 * pick it meanwhile. */
int cinch_idpool_allocate(const char *root, const char *id, const char *pod, const struct cinch_id_pool *policy_pool,
                          uint32_t size, uint32_t *host, int *lock_fd, struct cinch_error **err);

#endif
