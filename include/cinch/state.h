/* state: owns the state directory (<root>/<id>/, default /run/cinch) and
 * what is recorded there: container ids, the lock that serialises commands
 * on one id, state.json (written atomically), the exec fifo that marks a
 * created container, and the container's status as callers see it.
 *
 * A container is "created" while its exec fifo exists and init is alive,
 * "paused" when its cgroup is frozen, "stopped" when init is gone, a zombie
 * or a different process with a recycled pid, "running" otherwise. */
#ifndef CINCH_STATE_H
#define CINCH_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cinch/spec.h"

struct cinch_error;

#define CINCH_DEFAULT_ROOT "/run/cinch"
#define CINCH_ID_MAX       1024
#define CINCH_EXEC_FIFO    "exec.fifo"

/* Refuses an empty id, one longer than CINCH_ID_MAX, any character outside
 * [A-Za-z0-9_+.-], and a leading '.' (so ".", ".." and hidden names):
 * whatever this accepts, cinch_state_list_ids lists. */
int cinch_state_validate_id(const char *id, struct cinch_error **err);

enum cinch_status {
	CINCH_STATUS_CREATED,
	CINCH_STATUS_RUNNING,
	CINCH_STATUS_PAUSED,
	CINCH_STATUS_STOPPED,
};
const char *cinch_status_name(enum cinch_status s);

struct cinch_state {
	char *id;
	pid_t pid;                    /* host pid of init; 0 before it exists */
	unsigned long long pid_start; /* its start time (/proc/pid/stat field 22) */
	char *bundle;                 /* absolute */
	char *rootfs;                 /* absolute */
	char *created;                /* RFC 3339 */
	char *owner;
	char *cgroup_path;
	bool systemd_cgroup;
	bool own_pid_ns; /* init has its own pid namespace */
	bool created_ok; /* create finished; false for a half-created container */
	/* remapped (decide.h): container ids 0..remap_size-1 are host ids
	 * from remap_host; remap_size 0: not remapped */
	uint32_t remap_host;
	uint32_t remap_size;
	/* the filter the plan chose, for exec: "config", "profile:NAME" or
	 * "none"; NULL in a state saved before it was recorded */
	char *seccomp;
	struct cinch_kvs annotations;
};

/* An open, locked state directory. */
struct cinch_state_dir {
	int dirfd;
	char *path;
	char *id;
};

/* Creates <root>/<id> (and root, mode 0700) and locks it.  An existing id
 * is refused with "container \"<id>\" already exists". */
int cinch_state_dir_create(const char *root, const char *id, struct cinch_state_dir *out, struct cinch_error **err);
/* Opens and locks an existing container's directory; an unknown id gives
 * "container \"<id>\" does not exist". */
int cinch_state_dir_open(const char *root, const char *id, struct cinch_state_dir *out, struct cinch_error **err);
/* Removes the directory and everything in it, then closes it. */
int cinch_state_dir_remove(struct cinch_state_dir *d, struct cinch_error **err);
void cinch_state_dir_close(struct cinch_state_dir *d);

int cinch_state_save(struct cinch_state_dir *d, const struct cinch_state *st, struct cinch_error **err);
/* Reads <dir>/state.json and parses it with cinch_state_parse. */
int cinch_state_load(struct cinch_state_dir *d, struct cinch_state *st, struct cinch_error **err);
/* Parses state.json text (what cinch_state_save wrote), refusing a missing
 * id or cgroupPath, a field of the wrong type, a pid outside 0..INT_MAX and
 * an id that cinch_state_validate_id refuses.  Messages start with `name`.
 * On failure *st is left cleared, so cinch_state_clear() is safe either way. */
int cinch_state_parse(const char *text, size_t len, const char *name, struct cinch_state *st, struct cinch_error **err);
void cinch_state_clear(struct cinch_state *st);

/* Start time of pid from /proc, 0 if it is gone.  *zombie set when the
 * process has exited but not been reaped. */
unsigned long long cinch_pid_start_time(pid_t pid, bool *zombie);
/* Whether st->pid still names the container's init. */
bool cinch_state_init_alive(const struct cinch_state *st);
enum cinch_status cinch_state_status(struct cinch_state_dir *d, const struct cinch_state *st);

/* The OCI state object: {ociVersion,id,pid,status,bundle,rootfs,created,
 * annotations,owner}, pid 0 once stopped. */
char *cinch_state_json(const struct cinch_state *st, enum cinch_status status);

/* The ids under root, sorted; an absent root is an empty list.  Every
 * entry that cinch_state_validate_id accepts is listed, so no container
 * that create made is left out; the rest (the seccomp cache) are not. */
int cinch_state_list_ids(const char *root, char ***ids, struct cinch_error **err);

#endif
