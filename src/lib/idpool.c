#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/idpool.h"
#include "cinch/state.h"
#include "cinch/util.h"

#define SUBUID_FILE "/etc/subuid"
#define LOCK_FILE   ".idpool.lock"

int cinch_idpool_from_subuid(const char *text, const char *user, struct cinch_id_pool *out)
{
	size_t ulen = strlen(user);
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, user, ulen) != 0 || line[ulen] != ':')
			continue;
		unsigned long long start, count;
		char end;
		int n = sscanf(line + ulen + 1, "%llu:%llu%c", &start, &count, &end);
		if (n < 2 || (n == 3 && end != '\n') || start == 0 || count < CINCH_REMAP_BLOCK ||
		    start + count > UINT32_MAX)
			continue;
		*out = (struct cinch_id_pool){true, (uint32_t)start, (uint32_t)count};
		return 1;
	}
	return 0;
}

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

int cinch_idpool_pick(const struct cinch_id_pool *pool, uint32_t size, const struct cinch_idblock *used, size_t n,
                      uint32_t *host)
{
	uint64_t end = (uint64_t)pool->start + pool->size;
	/* Blocks aligned to their size read well in ps and ls -n. */
	uint64_t first = ((uint64_t)pool->start + size - 1) / size * size;
	for (uint64_t h = first; h + size <= end; h += size) {
		size_t i = 0;
		while (i < n && !overlaps(h, size, used[i].host, used[i].size))
			i++;
		if (i == n) {
			*host = (uint32_t)h;
			return 0;
		}
	}
	return -1;
}

void cinch_idpool_resolve(const struct cinch_id_pool *policy_pool, struct cinch_id_pool *pool)
{
	if (policy_pool && policy_pool->set) {
		*pool = *policy_pool;
		return;
	}
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct cinch_error *e = NULL;
	if (cinch_read_file(SUBUID_FILE, 1 << 20, &text, &len, &e) == 0 &&
	    cinch_idpool_from_subuid(text, CINCH_SUBUID_USER, pool) == 1)
		return;
	cinch_error_free(e);
	*pool = (struct cinch_id_pool){true, CINCH_POOL_START, CINCH_POOL_SIZE};
}

static const char *annotation_of(const struct cinch_state *st, const char *key)
{
	for (size_t i = 0; i < st->annotations.n; i++)
		if (strcmp(st->annotations.items[i].key, key) == 0)
			return st->annotations.items[i].value;
	return NULL;
}

/* The blocks every other container holds; *pod_host set when one of them
 * is of the same pod. */
static void blocks_taken(const char *root, char **ids, const char *id, const char *pod, struct cinch_idblock **used,
                         size_t *n, uint32_t *pod_host)
{
	for (size_t i = 0; ids[i]; i++) {
		if (strcmp(ids[i], id) == 0)
			continue;
		_cleanup_free_ char *path = NULL, *text = NULL;
		xasprintf(&path, "%s/%s/state.json", root, ids[i]);
		size_t len = 0;
		struct cinch_state st = {0};
		struct cinch_error *e = NULL;
		if (cinch_read_file(path, 1 << 22, &text, &len, &e) == 0 &&
		    cinch_state_parse(text, len, path, &st, &e) == 0 && st.remap_size) {
			*used = xrealloc(*used, (*n + 1) * sizeof(**used));
			(*used)[(*n)++] = (struct cinch_idblock){st.remap_host, st.remap_size};
			const char *other_pod = annotation_of(&st, CINCH_POD_ANNOTATION);
			if (pod && other_pod && strcmp(pod, other_pod) == 0)
				*pod_host = st.remap_host;
		}
		cinch_error_free(e);
		cinch_state_clear(&st);
	}
}

int cinch_idpool_allocate(const char *root, const char *id, const char *pod, const struct cinch_id_pool *policy_pool,
                          uint32_t size, uint32_t *host, int *lock_fd, struct cinch_error **err)
{
	_cleanup_free_ char *lock = NULL;
	xasprintf(&lock, "%s/" LOCK_FILE, root);
	_cleanup_close_ int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		return cinch_error_set(err, errno, "%s: lock", lock);
	char **ids = NULL;
	if (cinch_state_list_ids(root, &ids, err) < 0)
		return -1;
	struct cinch_idblock *used = NULL;
	size_t n = 0;
	uint32_t pod_host = 0;
	blocks_taken(root, ids, id, pod, &used, &n, &pod_host);
	free_strv(ids);
	struct cinch_id_pool pool;
	cinch_idpool_resolve(policy_pool, &pool);
	int r = 0;
	if (pod_host)
		*host = pod_host;
	else if (cinch_idpool_pick(&pool, size, used, n, host) < 0)
		r = cinch_error_set(err, 0,
		                    "no free block of %u host ids for remapping the container's root: the pool %u..%u "
		                    "has %zu in use",
		                    size, pool.start, pool.start + (pool.size - 1), n);
	free(used);
	if (r == 0)
		*lock_fd = TAKE_FD(fd);
	return r;
}
