/* process: owns turning the calling process (container init, or a process
 * started by exec) into the configured workload: rlimits, oom score,
 * scheduler, I/O priority, CPU affinity and memory policy, user and groups,
 * capabilities, no_new_privs, umask, cwd, finding the executable in the
 * container's PATH, and execve with the config's env. */
#ifndef CINCH_PROCESS_H
#define CINCH_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

struct cinch_error;
struct cinch_spec_process;

/* Resolves args[0] as execvp would, in the current root, with the PATH
 * from the config's env.  Messages follow runc's wording, which Docker
 * maps to exit codes 127 and 126. */
int cinch_process_find_executable(const struct cinch_spec_process *p, char **out, struct cinch_error **err);
/* rlimits, oom_score_adj (through proc_fd, the host's /proc: procfs.h,
 * which it closes), scheduler and I/O priority (with the runtime's
 * privileges), the user namespace step, the environment to exec with in
 * *env (p's, and HOME from the image's passwd: passwd.h), bounding set,
 * user switch, capabilities, no_new_privs (when p asks: the policy
 * decides, decide.h), umask and cwd.  Without no_new_privs, filter (may be
 * NULL) is loaded here (with the fds sealed first), before the user
 * switch, since only CAP_SYS_ADMIN may load one then; with it the caller
 * loads the filter after everything else (cinch_process_late_filter). */
struct cinch_seccomp;
/* Where a remapped workload enters its user namespace (decide.h, remap
 * late): after what only the host's root may do (rlimits, a lower oom
 * score), before the capabilities are dropped and the user switched.
 * NULL: there is none. */
struct cinch_userns_step {
	int (*enter)(void *arg, struct cinch_error **err);
	void *arg;
};
int cinch_process_become(const struct cinch_spec_process *p, int proc_fd, const struct cinch_seccomp *filter,
			 int preserve_fds, const struct cinch_userns_step *userns, char ***env,
			 struct cinch_error **err);
/* The filter to load right before execve: filter when p has
 * no_new_privs, else NULL (become loaded it). */
const struct cinch_seccomp *cinch_process_late_filter(const struct cinch_spec_process *p,
						      const struct cinch_seccomp *filter);
/* Pins the calling thread to the CPUs of a list ("0-3,7"); nothing for
 * NULL or "".  field names it in messages (process.execCPUAffinity.*). */
int cinch_process_set_affinity(const char *cpus, const char *field, struct cinch_error **err);
/* linux.memoryPolicy for the calling thread and what it execs; nothing
 * when the config sets none. */
struct cinch_spec_memory_policy;
int cinch_process_set_mempolicy(const struct cinch_spec_memory_policy *m, struct cinch_error **err);
/* Closes every fd from 3 + preserve_fds on, except those in keep[]: run
 * first thing in a container process, so that nothing the caller leaked
 * (a directory fd above all) can be reached through /proc/self/fd while it
 * chdirs and mounts (CVE-2024-21626). */
int cinch_process_close_fds(int preserve_fds, const int *keep, size_t n_keep, struct cinch_error **err);
/* Marks every fd from 3 + preserve_fds on close-on-exec, and the
 * preserved ones (3 .. 2 + preserve_fds) not. */
int cinch_process_seal_fds(int preserve_fds, struct cinch_error **err);
/* Seals the fds, then loads filter: the calls sealing takes (close_range,
 * fcntl) are made before any filter could deny them. */
int cinch_process_load_filter(const struct cinch_seccomp *filter, int preserve_fds, struct cinch_error **err);
/* Closes every fd from 3 + preserve_fds on (close-on-exec; done already
 * when sealed: a filter was loaded through cinch_process_load_filter) and
 * execs
 * path through the sealed exec stub stub_fd (exestub.h) with env (p's, and
 * HOME: passwd.h); stub_argv comes from cinch_exestub_argv(p->args). */
int cinch_process_exec(const char *path, const struct cinch_spec_process *p, char **env, int preserve_fds,
		       bool sealed, int stub_fd, char **stub_argv, struct cinch_error **err);

#endif
