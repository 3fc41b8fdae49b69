#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <linux/close_range.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cinch/caps.h"
#include "cinch/error.h"
#include "cinch/exestub.h"
#include "cinch/passwd.h"
#include "cinch/process.h"
#include "cinch/procfs.h"
#include "cinch/seccomp.h"
#include "cinch/spec.h"
#include "cinch/util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_get(const struct cinch_spec_process *p, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < p->env.n; i++)
		if (strncmp(p->env.items[i], key, n) == 0 && p->env.items[i][n] == '=')
			return p->env.items[i] + n + 1;
	return NULL;
}

/* Fails as cinch_error_set does, but with the errno text in lower case as
 * Go (so runc) spells it: Docker's CLI looks for "no such file or
 * directory" and "permission denied" case-sensitively to exit 127 and 126
 * (docker/cli 20.10 run.go, runStartContainerErr). */
__attribute__((format(printf, 3, 4))) static int exec_error(struct cinch_error **err, int errnum, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	char text[128];
	snprintf(text, sizeof(text), "%s", strerror(errnum));
	text[0] = (char)tolower((unsigned char)text[0]);
	bool first = err && !*err;
	cinch_error_set(err, 0, "%s: %s", what, text);
	if (first)
		(*err)->code = errnum;
	return -1;
}

static int check_executable(const char *arg0, const char *path, struct cinch_error **err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return exec_error(err, errno, "exec: \"%s\": stat %s", arg0, path);
	if (S_ISDIR(st.st_mode))
		return exec_error(err, EACCES, "exec: \"%s\": %s is a directory", arg0, path);
	if (access(path, X_OK) < 0)
		return exec_error(err, errno, "exec: \"%s\": %s", arg0, path);
	return 0;
}

int cinch_process_find_executable(const struct cinch_spec_process *p, char **out, struct cinch_error **err)
{
	const char *arg0 = p->args.items[0];
	if (strchr(arg0, '/')) {
		if (check_executable(arg0, arg0, err) < 0)
			return -1;
		*out = xstrdup(arg0);
		return 0;
	}
	const char *path = env_get(p, "PATH");
	_cleanup_free_ char *dirs = xstrdup(path ? path : DEFAULT_PATH);
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *candidate = NULL;
		xasprintf(&candidate, "%s/%s", *d ? d : ".", arg0);
		struct stat st;
		if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
			*out = steal_pointer(&candidate);
			return 0;
		}
	}
	return cinch_error_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
}

static int set_rlimits(const struct cinch_spec_process *p, struct cinch_error **err)
{
	for (size_t i = 0; i < p->rlimits.n; i++) {
		const struct cinch_spec_rlimit *r = &p->rlimits.items[i];
		struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
		if (setrlimit(r->resource, &rl) < 0)
			return cinch_error_set(err, errno, "process.rlimits[%zu]: set %s to %llu/%llu", i, r->type,
					       (unsigned long long)r->soft, (unsigned long long)r->hard);
	}
	return 0;
}

static int set_oom_score(const struct cinch_spec_process *p, int proc_fd, struct cinch_error **err)
{
	if (!p->oom_score_adj.set)
		return 0;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.value);
	return cinch_procfs_write(proc_fd, "self/oom_score_adj", buf, (size_t)n, "process.oomScoreAdj", err);
}

/* struct sched_attr as of Linux 4.19 (SCHED_ATTR_SIZE_VER1): glibc
 * before 2.41 has neither it nor a wrapper.  The utilization clamps stay
 * 0: the spec has no field for them. */
struct sched_attr_v1 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

static int set_scheduler(const struct cinch_spec_process *p, struct cinch_error **err)
{
	const struct cinch_spec_scheduler *s = &p->scheduler;
	if (!s->set)
		return 0;
	struct sched_attr_v1 attr = {
		.size = sizeof(attr),
		.sched_policy = (uint32_t)s->policy,
		.sched_flags = s->flag_bits,
		.sched_nice = (int32_t)s->nice.value,
		.sched_priority = (uint32_t)s->priority.value,
		.sched_runtime = s->runtime.value,
		.sched_deadline = s->deadline.value,
		.sched_period = s->period.value,
	};
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return cinch_error_set(err, errno, "process.scheduler: sched_setattr");
	return 0;
}

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

static int set_io_priority(const struct cinch_spec_process *p, struct cinch_error **err)
{
	const struct cinch_spec_io_priority *io = &p->io_priority;
	if (!io->set)
		return 0;
	int prio = (io->klass << IOPRIO_CLASS_SHIFT) | (int)io->priority;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
		return cinch_error_set(err, errno, "process.ioPriority: ioprio_set");
	return 0;
}

int cinch_process_set_affinity(const char *cpus, const char *field, struct cinch_error **err)
{
	if (cpus == NULL || cpus[0] == '\0')
		return 0;
	unsigned long bits[CPU_SETSIZE / (sizeof(unsigned long) * CHAR_BIT)];
	if (cinch_parse_id_list(cpus, bits, CPU_SETSIZE) < 0) /* checked by the reader */
		return cinch_error_set(err, EINVAL, "%s: \"%s\"", field, cpus);
	cpu_set_t set;
	CPU_ZERO(&set);
	for (size_t i = 0; i < CPU_SETSIZE; i++)
		if (bits[i / (sizeof(unsigned long) * CHAR_BIT)] & (1ul << (i % (sizeof(unsigned long) * CHAR_BIT))))
			CPU_SET(i, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return cinch_error_set(err, errno, "%s: sched_setaffinity %s", field, cpus);
	return 0;
}

#define MPOL_MAX_NODES 1024

int cinch_process_set_mempolicy(const struct cinch_spec_memory_policy *m, struct cinch_error **err)
{
	if (!m->set)
		return 0;
	unsigned long nodes[MPOL_MAX_NODES / (sizeof(unsigned long) * CHAR_BIT)];
	bool has_nodes = m->nodes && m->nodes[0];
	if (has_nodes && cinch_parse_id_list(m->nodes, nodes, MPOL_MAX_NODES) < 0) /* checked by the reader */
		return cinch_error_set(err, EINVAL, "linux.memoryPolicy.nodes: \"%s\"", m->nodes);
	/* maxnode counts one more than the bits the kernel reads (it drops
	 * the last one, as it always has). */
	if (syscall(SYS_set_mempolicy, m->mode | (int)m->flag_bits, has_nodes ? nodes : NULL,
		    has_nodes ? MPOL_MAX_NODES + 1 : 0) < 0)
		return cinch_error_set(err, errno, "linux.memoryPolicy: set_mempolicy");
	return 0;
}

static int switch_user(const struct cinch_spec_process *p, struct cinch_error **err)
{
	const struct cinch_spec_user *u = &p->user;
	/* Keep the permitted set across setresuid so the configured
	 * capabilities can be set afterwards; dropped right after. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return cinch_error_set(err, errno, "prctl PR_SET_KEEPCAPS");
	gid_t *gids = (gid_t *)u->additional_gids;
	if (setgroups(u->n_additional_gids, gids) < 0 && !(errno == EPERM && u->n_additional_gids == 0))
		return cinch_error_set(err, errno, "process.user.additionalGids: setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return cinch_error_set(err, errno, "process.user.gid: setresgid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return cinch_error_set(err, errno, "process.user.uid: setresuid %u", u->uid);
	/* The uid change reset the dumpable flag to fs.suid_dumpable: at 1
	 * any process of this uid could ptrace us once the capabilities are
	 * gone, until execve (and under `run` our memory is the runtime's).
	 * Undumpable again before they go. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return cinch_error_set(err, errno, "prctl PR_SET_DUMPABLE");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return cinch_error_set(err, errno, "prctl PR_SET_KEEPCAPS");
	return 0;
}

/* After chdir: a cwd reached through a leaked or preserved fd may lie
 * outside the container's root; the kernel then reports it unreachable. */
static int check_cwd_inside(const char *cwd, struct cinch_error **err)
{
	char buf[4096];
	if (getcwd(buf, sizeof(buf)) == NULL)
		return cinch_error_set(err, errno, "process.cwd: %s: getcwd", cwd);
	if (buf[0] != '/')
		return cinch_error_set(err, 0, "process.cwd: %s is outside the container's root", cwd);
	return 0;
}

static int enter_cwd(const char *cwd, struct cinch_error **err)
{
	if (chdir(cwd) < 0)
		return cinch_error_set(err, errno, "process.cwd: chdir %s", cwd);
	return check_cwd_inside(cwd, err);
}

/* As the namespace's root, before any filter: a config's filter may deny
 * getcwd (runtime-tools' linux_seccomp does), and a cwd the user may not
 * search still works, as with runc.  Only a permission error is left for
 * a second try as the user (a root-squashed volume chowned to it). */
static int enter_cwd_as_root(const char *cwd, bool *entered, struct cinch_error **err)
{
	*entered = chdir(cwd) == 0;
	if (!*entered)
		return errno == EACCES || errno == EPERM ? 0
							 : cinch_error_set(err, errno, "process.cwd: chdir %s", cwd);
	return check_cwd_inside(cwd, err);
}

int cinch_process_become(const struct cinch_spec_process *p, int proc_fd, const struct cinch_seccomp *filter,
			 int preserve_fds, const struct cinch_userns_step *userns, char ***env,
			 struct cinch_error **err)
{
	/* With the runtime's privileges, as runc sets them: a realtime policy,
	 * a negative nice or the realtime I/O class is the config's to ask
	 * for, not the workload's capabilities'. */
	int r = set_rlimits(p, err) < 0 || set_oom_score(p, proc_fd, err) < 0 || set_scheduler(p, err) < 0 ||
			set_io_priority(p, err) < 0
		? -1
		: 0;
	close(proc_fd); /* a host directory: gone before chdir (CVE-2024-21626) */
	if (r < 0 || (userns && userns->enter(userns->arg, err) < 0))
		return -1;
	/* In the workload's user namespace, still root and unfiltered. */
	*env = cinch_passwd_env_with_home(p->env.items, p->user.uid);
	bool cwd_entered = false;
	if (enter_cwd_as_root(p->cwd, &cwd_entered, err) < 0)
		return -1;
	const struct cinch_spec_capabilities *caps = p->has_capabilities ? &p->capabilities : NULL;
	if (cinch_caps_drop_bounding(caps && caps->bounding.set ? caps->bounding.mask : 0, err) < 0)
		return -1;
	/* Without no_new_privs only CAP_SYS_ADMIN may load a filter: now,
	 * while it is held (as runc does).  With it, the caller loads the
	 * filter last, right before execve. */
	if (!p->no_new_privileges && filter && cinch_process_load_filter(filter, preserve_fds, err) < 0)
		return -1;
	if (switch_user(p, err) < 0 || cinch_caps_set(caps, err) < 0)
		return -1;
	/* The policy's noNewPrivileges control set it unless told not to
	 * (decide.h). */
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cinch_error_set(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	umask(p->user.umask.set ? (mode_t)p->user.umask.value : 022);
	return cwd_entered ? 0 : enter_cwd(p->cwd, err);
}

int cinch_process_close_fds(int preserve_fds, const int *keep, size_t n_keep, struct cinch_error **err)
{
	/* Closes the range up to each kept fd in turn, the lowest first: no
	 * copy to sort, so keep may be as long as the caller needs (a
	 * remapped container hands init one fd per bind mount, idmap.h). */
	unsigned int from = 3u + (unsigned int)preserve_fds;
	for (;;) {
		unsigned int next = ~0u;
		for (size_t i = 0; i < n_keep; i++)
			if (keep[i] >= 0 && (unsigned int)keep[i] >= from && (unsigned int)keep[i] < next)
				next = (unsigned int)keep[i];
		if (next == ~0u)
			break;
		if (next > from && syscall(SYS_close_range, from, next - 1, 0) < 0)
			return cinch_error_set(err, errno, "close_range");
		from = next + 1;
	}
	if (syscall(SYS_close_range, from, ~0u, 0) < 0)
		return cinch_error_set(err, errno, "close_range");
	return 0;
}

int cinch_process_seal_fds(int preserve_fds, struct cinch_error **err)
{
	unsigned int first = 3u + (unsigned int)preserve_fds;
	if (syscall(SYS_close_range, first, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
		return cinch_error_set(err, errno, "close_range");
	for (int fd = 3; fd < (int)first; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0)
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
	return 0;
}

int cinch_process_load_filter(const struct cinch_seccomp *filter, int preserve_fds, struct cinch_error **err)
{
	/* A filter may deny close_range and fcntl (one written before Linux
	 * 5.9 does not know close_range): every fd is sealed before it
	 * applies. */
	if (cinch_process_seal_fds(preserve_fds, err) < 0)
		return -1;
	return cinch_seccomp_load(filter, err);
}

int cinch_process_exec(const char *path, const struct cinch_spec_process *p, char **env, int preserve_fds,
		       bool sealed, int stub_fd, char **stub_argv, struct cinch_error **err)
{
	/* Nothing of the runtime may reach the workload (CVE-2024-21626):
	 * every fd past stdio and the preserved ones closes at execve.  With a
	 * filter loaded, cinch_process_load_filter sealed them right before
	 * it, and what opened since is O_CLOEXEC: a second pass could only
	 * meet a filter that denies close_range, with any answer (an errno,
	 * or a kill). */
	if (!sealed && cinch_process_seal_fds(preserve_fds, err) < 0)
		return -1;
	/* Through the sealed stub, never straight from this copy of the
	 * runtime: see exestub.h. */
	cinch_exestub_exec(stub_fd, path, stub_argv, env ? env : (char *[]){NULL});
	if (errno == EPERM || errno == ENOSYS)
		return cinch_error_set(err, errno,
				       "exec: \"%s\": execveat(2) of the exec stub failed; a linux.seccomp filter that "
				       "denies execveat cannot run with cinch",
				       p->args.items[0]);
	return cinch_error_set(err, errno, "exec: \"%s\": through the exec stub", p->args.items[0]);
}

const struct cinch_seccomp *cinch_process_late_filter(const struct cinch_spec_process *p,
						      const struct cinch_seccomp *filter)
{
	return p->no_new_privileges ? filter : NULL;
}
