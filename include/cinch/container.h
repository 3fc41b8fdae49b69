/* container: owns the lifecycle, one function per operation, each a list
 * of named steps over the other modules: create (state dir, init process,
 * cgroup, hooks, pid file), start, run, kill, delete, state, ps, pause and
 * resume.  Everything create made is undone when it fails. */
#ifndef CINCH_CONTAINER_H
#define CINCH_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cinch_error;

struct cinch_create_opts {
	const char *root;
	const char *policy; /* --policy: a preset or a file; NULL: policy.h's default */
	const char *id;
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	bool systemd_cgroup;
	int preserve_fds;
	int listen_fds; /* socket activation: fds 3 .. 3+listen_fds-1 come first (cli.h) */
};

int cinch_container_create(const struct cinch_create_opts *o, struct cinch_error **err);
int cinch_container_start(const char *root, const char *id, struct cinch_error **err);
/* create + start; in the foreground, waits, relays signals, deletes, and
 * returns the workload's exit status (128+N for a signal). */
int cinch_container_run(const struct cinch_create_opts *o, bool detach, struct cinch_error **err);
int cinch_container_kill(const char *root, const char *id, int sig, bool all, struct cinch_error **err);
int cinch_container_delete(const char *root, const char *id, bool force, struct cinch_error **err);
/* The OCI state JSON of one container. */
int cinch_container_state(const char *root, const char *id, char **json, struct cinch_error **err);
/* The recorded state and current status of one container (for list). */
struct cinch_state;
enum cinch_status;
int cinch_container_info(const char *root, const char *id, struct cinch_state *st, enum cinch_status *status,
			 struct cinch_error **err);
int cinch_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct cinch_error **err);
int cinch_container_pause(const char *root, const char *id, bool pause, struct cinch_error **err);

struct cinch_spec_process;

struct cinch_exec_opts {
	const char *root;
	const char *policy; /* --policy, as for create */
	const char *id;
	const char *process_file; /* --process: a full process JSON */
	char **args;		  /* or a command line, over the container's own process */
	const char *cwd;
	char **env; /* KEY=value added to the environment */
	const char *user; /* uid[:gid] */
	char **caps;	  /* added to every capability set */
	bool tty;
	bool detach;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
};

/* Runs a new process inside a running container.  Detached, it returns 0
 * once the process has exec'd (pid file written only then); in the
 * foreground it returns the process's exit status. */
int cinch_container_exec(const struct cinch_exec_opts *o, struct cinch_error **err);

/* Applies new limits (a LinuxResources JSON file, "-" for stdin), each
 * held to the policy's maximum (policy: as for create). */
int cinch_container_update(const char *root, const char *id, const char *resources_file, const char *policy,
			   struct cinch_error **err);

/* "9", "KILL", "SIGKILL" -> 9; -1 if unknown. */
int cinch_signal_parse(const char *s);

#endif
