/* cinch exec: a new process in a running container.  The runtime forks a
 * joiner that enters the container's cgroup (by itself, see
 * cinch_cgroup_entry) and namespaces (one setns on init's pidfd) and
 * forks the process itself, which becomes the configured user and execs.
 * The joiner then leaves, so a detached process is reparented to the
 * caller's subreaper, as runc's is. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cinch/audit.h"
#include "cinch/caps.h"
#include "cinch/cgroup.h"
#include "cinch/container.h"
#include "cinch/error.h"
#include "cinch/decide.h"
#include "cinch/exestub.h"
#include "cinch/hostns.h"
#include "cinch/log.h"
#include "cinch/policy.h"
#include "cinch/process.h"
#include "cinch/procfs.h"
#include "cinch/profile.h"
#include "cinch/relay.h"
#include "cinch/seccomp.h"
#include "cinch/spawn.h"
#include "cinch/spec.h"
#include "cinch/state.h"
#include "cinch/sync.h"
#include "cinch/terminal.h"
#include "cinch/util.h"

struct exec_ctx {
	const struct cinch_exec_opts *o;
	struct cinch_state_dir dir;
	struct cinch_state st;
	struct cinch_spec *spec; /* the container's config, kept in its state dir */
	struct cinch_spec_process *proc; /* what runs: --process, or spec->process amended */
	bool proc_owned;
	struct cinch_policy policy;
	struct cinch_plan plan; /* the container's filter and remap, and exec's decisions */
	struct cinch_seccomp *seccomp;
	int pidfd;
	int root_fd; /* init's root, where its mount namespace is not its own (hostns.h); else -1 */
	int proc_fd; /* the host's /proc, for procfs writes (procfs.h) */
	int stub_fd; /* the sealed exec stub (exestub.h) */
	char **stub_argv;
	int sync[2];
	int console;	  /* what the process sends its terminal's master on */
	int console_ours; /* the other end, when the runtime relays the terminal */
	struct cinch_cgroup_entry cgroup; /* what the joiner joins by itself */
	bool cgroup_placed;		  /* the joiner was cloned into the v2 cgroup */
};

/* The container's namespaces, as its config lists them.  A remapped
 * workload's own user namespace is joined last, by the process itself
 * (join_workload_userns). */
static int ns_flags(const struct exec_ctx *c)
{
	int flags = 0;
	for (size_t i = 0; i < c->spec->linux_.namespaces.n; i++)
		flags |= (int)cinch_ns_clone_flag(c->spec->linux_.namespaces.items[i].type);
	return flags;
}

/* The user namespace init made for the workload (decide.h, remap late),
 * joined as init entered it: after the rlimits and the oom score, which
 * need the host's root. */
static int join_workload_userns(void *arg, struct cinch_error **err)
{
	const struct exec_ctx *c = arg;
	if (setns(c->pidfd, CLONE_NEWUSER) < 0)
		return cinch_error_set(err, errno, "exec \"%s\": join the workload's user namespace", c->o->id);
	close(c->pidfd);
	return 0;
}

/* Init chrooted where its mount namespace is not its own (hostns.h): a
 * setns there lands on that namespace's root, not the container's. */
static int open_init_root(struct exec_ctx *c, struct cinch_error **err)
{
	if (cinch_ns_mount_kind(c->spec) == CINCH_MOUNT_NS_OWN)
		return 0;
	char path[32];
	snprintf(path, sizeof(path), "%d/root", (int)c->st.pid);
	c->root_fd = openat(c->proc_fd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return cinch_error_set(err, errno, "exec \"%s\": open the root of its init", c->o->id);
	return 0;
}

static int enter_init_root(struct exec_ctx *c, struct cinch_error **err)
{
	if (fchdir(c->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return cinch_error_set(err, errno, "exec \"%s\": enter the root of its init", c->o->id);
	close(c->root_fd);
	c->root_fd = -1;
	return 0;
}

static int parse_user(const char *s, struct cinch_spec_user *u, struct cinch_error **err)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	uint64_t uid, gid = 0;
	if (cinch_parse_uint(copy, CINCH_SPEC_MAX_ID, &uid) < 0 ||
	    (colon && cinch_parse_uint(colon + 1, CINCH_SPEC_MAX_ID, &gid) < 0))
		return cinch_error_set(err, 0, "exec: --user %s: expected uid[:gid] with numbers 0..%u", s,
				       CINCH_SPEC_MAX_ID);
	u->uid = (uint32_t)uid;
	u->gid = colon ? (uint32_t)gid : u->gid;
	return 0;
}

/* The command-line form: the container's own process with args, cwd,
 * env, user and capabilities taken from the flags. */
static int amend_process(struct exec_ctx *c, struct cinch_error **err)
{
	const struct cinch_exec_opts *o = c->o;
	struct cinch_spec_process *p = &c->spec->process;
	free_strv(p->args.items);
	p->args.items = NULL;
	p->args.n = 0;
	for (char **a = o->args; *a; a++)
		cinch_strv_append(&p->args, *a);
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return cinch_error_set(err, 0, "exec: --cwd %s: must be an absolute path", o->cwd);
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	for (char **e = o->env; e && *e; e++) {
		if (strchr(*e, '=') == NULL)
			return cinch_error_set(err, 0, "exec: --env %s: expected KEY=value", *e);
		cinch_env_set(&p->env, *e); /* overrides the config's, as runc and crun do */
	}
	if (o->user && parse_user(o->user, &p->user, err) < 0)
		return -1;
	/* --cap grants within the container's bounding set only (the exec'd
	 * process starts from the runtime, not from init, so nothing else
	 * confines it) where the policy's capabilities control enforces;
	 * where it only warns (runc-compatible), past it too, into the
	 * bounding set, as runc and crun do.  Never to the inheritable set:
	 * that would let a file's inheritable capabilities raise it across
	 * execve. */
	bool ceiling = c->policy.capabilities == CINCH_MODE_ENFORCE;
	uint64_t bounding = p->has_capabilities && p->capabilities.bounding.set ? p->capabilities.bounding.mask : 0;
	for (char **cap = o->caps; cap && *cap; cap++) {
		int n = cinch_cap_from_name(*cap);
		if (n < 0) { /* as in the config (spec.c): a warning, and not granted */
			cinch_log(CINCH_LOG_WARNING, "exec: --cap %s: unknown capability: not granted", *cap);
			continue;
		}
		uint64_t bit = UINT64_C(1) << n;
		if (!(bounding & bit) && ceiling)
			return cinch_error_set(err, 0, "exec: --cap %s: not in the container's bounding set", *cap);
		if (!(bounding & bit)) {
			cinch_log(CINCH_LOG_WARNING,
				  "exec: --cap %s: not in the container's bounding set; granted (policy: capabilities %s)",
				  *cap, cinch_mode_name(c->policy.capabilities));
			p->capabilities.bounding.mask |= bit;
			p->capabilities.bounding.set = true;
		}
		p->has_capabilities = true;
		p->capabilities.effective.mask |= bit;
		p->capabilities.permitted.mask |= bit;
		p->capabilities.effective.set = p->capabilities.permitted.set = true;
	}
	p->terminal = o->tty;
	c->proc = p;
	return 0;
}

/* The exec'd process starts from the runtime, a host process: its
 * capabilities are what the process file says, so they are held to the
 * container's bounding set here, as --cap's are; where the policy's
 * capabilities control only warns, a warning names the first one past it
 * (docker exec --privileged asks for every capability). */
static int check_process_caps(const struct cinch_spec_process *container, const struct cinch_spec_process *p,
			      const char *file, const struct cinch_policy *policy, struct cinch_error **err)
{
	if (!p->has_capabilities)
		return 0;
	uint64_t bounding = container->has_capabilities && container->capabilities.bounding.set
				    ? container->capabilities.bounding.mask
				    : 0;
	const struct cinch_spec_capabilities *c = &p->capabilities;
	const struct {
		const char *name;
		uint64_t mask;
	} sets[] = {{"bounding", c->bounding.mask},
		    {"effective", c->effective.mask},
		    {"permitted", c->permitted.mask},
		    {"inheritable", c->inheritable.mask},
		    {"ambient", c->ambient.mask}};
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		uint64_t extra = sets[i].mask & ~bounding;
		if (extra == 0)
			continue;
		int cap = __builtin_ctzll(extra);
		if (policy->capabilities == CINCH_MODE_ENFORCE)
			return cinch_error_set(err, 0, "%s: capabilities.%s: %s is not in the container's bounding set",
					       file, sets[i].name, cinch_cap_name(cap));
		cinch_log(CINCH_LOG_WARNING,
			  "%s: capabilities.%s: %s is not in the container's bounding set; granted (policy: capabilities %s)",
			  file, sets[i].name, cinch_cap_name(cap), cinch_mode_name(policy->capabilities));
		return 0;
	}
	return 0;
}

static int load_process(struct exec_ctx *c, struct cinch_error **err)
{
	if (c->o->process_file == NULL)
		return amend_process(c, err);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (cinch_read_file(c->o->process_file, CINCH_SPEC_MAX_SIZE, &text, &len, err) < 0)
		return -1;
	c->proc_owned = true;
	if (cinch_spec_process_parse(text, len, c->o->process_file, &c->proc, err) < 0)
		return -1;
	return check_process_caps(&c->spec->process, c->proc, c->o->process_file, &c->policy, err);
}

/* The container's filter as create chose it, and the policy's process
 * controls on the process to exec. */
static int decide(struct exec_ctx *c, struct cinch_error **err)
{
	c->plan.policy = c->policy.name;
	c->plan.image = cinch_decide_image(c->spec);
	if (c->st.seccomp == NULL) /* a state from before the plan: what create did then */
		c->plan.seccomp = c->spec->linux_.has_seccomp ? CINCH_SECCOMP_CONFIG : CINCH_SECCOMP_PROFILE;
	if (c->st.seccomp == NULL && c->plan.seccomp == CINCH_SECCOMP_PROFILE)
		c->plan.profile = xstrdup("default");
	if (c->st.seccomp && cinch_plan_seccomp_parse(c->st.seccomp, &c->plan) < 0)
		return cinch_error_set(err, 0, "exec \"%s\": state.json: seccomp \"%s\" is not a filter choice",
				       c->o->id, c->st.seccomp);
	/* A remap through the config's own user namespace is in ns_flags. */
	bool own_userns = ns_flags(c) & CLONE_NEWUSER;
	c->plan.remap = (struct cinch_remap){c->st.remap_size != 0, c->st.remap_size && !own_userns, c->st.remap_host,
					     c->st.remap_size};
	const char *field = c->o->process_file ? c->o->process_file : "process";
	if (cinch_decide_process(c->proc, field, &c->plan.remap, &c->policy, &c->plan.decisions, err) < 0)
		return -1;
	return cinch_audit_write(&c->plan, c->o->id, c->policy.audit_file, true, err);
}

static int prepare(struct exec_ctx *c, struct cinch_error **err)
{
	if (cinch_state_dir_open(c->o->root, c->o->id, &c->dir, err) < 0 || cinch_state_load(&c->dir, &c->st, err) < 0)
		return -1;
	enum cinch_status s = cinch_state_status(&c->dir, &c->st);
	if (s == CINCH_STATUS_PAUSED)
		return cinch_error_set(err, 0, "exec \"%s\": cannot exec in a paused container", c->o->id);
	if (s != CINCH_STATUS_RUNNING && s != CINCH_STATUS_CREATED)
		return cinch_error_set(err, 0, "exec \"%s\": container not running", c->o->id);
	_cleanup_free_ char *config = NULL;
	xasprintf(&config, "%s/config.json", c->dir.path);
	/* The policy first: its capabilities control bounds --cap. */
	if (cinch_spec_load(config, &c->spec, err) < 0 || cinch_policy_load(c->o->policy, &c->policy, err) < 0 ||
	    load_process(c, err) < 0)
		return -1;
	/* With no --console-socket the runtime relays the terminal, which
	 * only one that waits can. */
	if (c->proc->terminal && c->o->console_socket == NULL && c->o->detach)
		return cinch_error_set(err, 0, "exec: a terminal needs --console-socket to receive it");
	if (!c->proc->terminal && c->o->console_socket)
		return cinch_error_set(err, 0, "exec: --console-socket given but process.terminal is false");
	if (c->o->console_socket && cinch_terminal_connect(c->o->console_socket, &c->console, err) < 0)
		return -1;
	if (c->proc->terminal && c->o->console_socket == NULL &&
	    cinch_terminal_pair(&c->console_ours, &c->console, err) < 0)
		return -1;
	if (decide(c, err) < 0 || cinch_profile_seccomp(c->spec, &c->plan, c->o->root, &c->seccomp, err) < 0)
		return -1;
	if (c->console_ours >= 0)
		cinch_terminal_size_from_host(c->proc);
	c->proc_fd = cinch_procfs_open(err);
	if (c->proc_fd < 0)
		return -1;
	c->stub_fd = cinch_exestub_open(err);
	if (c->stub_fd < 0)
		return -1;
	c->stub_argv = cinch_exestub_argv(c->proc->args.items);
	c->pidfd = (int)syscall(SYS_pidfd_open, c->st.pid, 0);
	if (c->pidfd >= 0 && open_init_root(c, err) < 0)
		return -1;
	/* Alive after both opened: they are that init's, not a later pid's. */
	if (c->pidfd < 0 || !cinch_state_init_alive(&c->st))
		return cinch_error_set(err, 0, "exec \"%s\": container not running", c->o->id);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sync) < 0)
		return cinch_error_set(err, errno, "socketpair");
	return 0;
}

/* In the final process: become the configured user and exec.  Errors go
 * back over the sync socket, which closes silently on a successful exec. */
__attribute__((noreturn)) static void exec_child(struct exec_ctx *c)
{
	struct cinch_error *err = NULL;
	_cleanup_free_ char *exe = NULL;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int keep[] = {c->sync[1], c->console, c->proc_fd, c->stub_fd, c->pidfd};
	struct cinch_userns_step step = {join_workload_userns, c};
	char **env = NULL;
	/* In the container's cgroup: execCPUAffinity.final, then the memory
	 * policy init has too. */
	if (cinch_process_close_fds(c->o->preserve_fds, keep, ARRAY_SIZE(keep), &err) == 0 &&
	    cinch_process_set_affinity(c->proc->exec_cpu_affinity.final, "process.execCPUAffinity.final", &err) == 0 &&
	    cinch_process_set_mempolicy(&c->spec->linux_.memory_policy, &err) == 0 &&
	    (!c->proc->terminal || cinch_terminal_setup(c->console, c->proc, false, &err) == 0) &&
	    cinch_process_become(c->proc, c->proc_fd, c->seccomp, c->o->preserve_fds,
				 c->plan.remap.late ? &step : NULL, &env, &err) == 0 &&
	    cinch_process_find_executable(c->proc, &exe, &err) == 0 &&
	    (cinch_process_late_filter(c->proc, c->seccomp) == NULL ||
	     cinch_process_load_filter(c->seccomp, c->o->preserve_fds, &err) == 0))
		cinch_process_exec(exe, c->proc, env, c->o->preserve_fds, c->seccomp != NULL, c->stub_fd,
				   c->stub_argv, &err);
	cinch_sync_send(c->sync[1], CINCH_SYNC_ERROR, err->code, err->msg);
	_exit(255);
}

__attribute__((noreturn)) static int exec_child_main(void *arg)
{
	exec_child(arg);
}

/* The joiner: enter the container, start the process, report its pid,
 * then (foreground) wait for it and pass its status on.  The process
 * borrows the joiner's memory until it execs (cinch_spawn_borrow), so
 * the pid goes out once it has exec'd or failed. */
__attribute__((noreturn)) static void joiner(struct exec_ctx *c)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	close(c->sync[0]);
	struct cinch_error *err = NULL;
	/* Before setns: the files were opened by the runtime, and the
	 * joiner is still root of the host's user namespace. */
	if (cinch_cgroup_entry_join(&c->cgroup, c->cgroup_placed, &err) < 0) {
		cinch_sync_send(c->sync[1], CINCH_SYNC_ERROR, err->code, err->msg);
		_exit(255);
	}
	cinch_cgroup_entry_close(&c->cgroup);
	if (setns(c->pidfd, ns_flags(c)) < 0) {
		cinch_error_set(&err, errno, "exec \"%s\": join the container's namespaces", c->o->id);
		cinch_sync_send(c->sync[1], CINCH_SYNC_ERROR, err->code, err->msg);
		_exit(255);
	}
	if (c->root_fd >= 0 && enter_init_root(c, &err) < 0) {
		cinch_sync_send(c->sync[1], CINCH_SYNC_ERROR, err->code, err->msg);
		_exit(255);
	}
	/* In the container's cgroup already, which the process inherits. */
	bool placed;
	pid_t pid = cinch_spawn_borrow(0, -1, exec_child_main, c, &placed);
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	cinch_sync_send(c->sync[1], pid < 0 ? CINCH_SYNC_ERROR : CINCH_SYNC_READY, pid < 0 ? errno : 0,
			pid < 0 ? "exec: clone" : buf);
	close(c->sync[1]);
	if (pid < 0 || c->o->detach)
		_exit(pid < 0 ? 255 : 0);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(255);
	if (WIFSIGNALED(status)) /* pass it on as our own death */
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

static int read_pid(int fd, pid_t *pid, struct cinch_error **err)
{
	char text[32];
	if (cinch_sync_expect_text(fd, CINCH_SYNC_READY, "it started the process", text, sizeof(text), err) < 0)
		return -1;
	*pid = atoi(text);
	return 0;
}

/* Relays signals to the process, and its terminal when the runtime holds
 * the master, until the joiner has passed on its status; returns that.
 * When the relay cannot go on, the process is killed: no one would wait
 * for it. */
static int relay_and_wait(struct exec_ctx *c, pid_t joiner_pid, pid_t pid, const sigset_t *mask,
			  struct cinch_error **err)
{
	struct cinch_relay r = {.child = joiner_pid, .target = pid, .name = "the exec'd process", .mask = mask,
				.master = -1, .in = STDIN_FILENO, .out = STDOUT_FILENO};
	int status;
	/* The process sent it before it exec'd. */
	int ok = c->console_ours >= 0 ? cinch_terminal_receive(c->console_ours, &r.master, err) : 0;
	if (ok == 0)
		ok = cinch_relay_wait(&r, &status, err);
	if (r.master >= 0)
		close(r.master);
	if (ok < 0) {
		kill(pid, SIGKILL);
		while (waitpid(joiner_pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_exec(struct exec_ctx *c, struct cinch_error **err)
{
	if (prepare(c, err) < 0 || cinch_cgroup_entry_open(c->st.cgroup_path, true, &c->cgroup, err) < 0)
		return -1;
	/* execCPUAffinity.initial: the joiner's CPUs until it is in the
	 * container's cgroup, set here for it to inherit. */
	cpu_set_t own;
	const char *initial = c->proc->exec_cpu_affinity.initial;
	if (initial && initial[0] && sched_getaffinity(0, sizeof(own), &own) < 0)
		return cinch_error_set(err, errno, "sched_getaffinity");
	if (cinch_process_set_affinity(initial, "process.execCPUAffinity.initial", err) < 0)
		return -1;
	sigset_t mask, old;
	sigfillset(&mask);
	sigprocmask(SIG_BLOCK, &mask, &old);
	fflush(NULL);
	pid_t j = cinch_spawn_fork(0, c->cgroup.v2_dir, &c->cgroup_placed);
	if (initial && initial[0])
		sched_setaffinity(0, sizeof(own), &own);
	if (j < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return cinch_error_set(err, errno, "fork");
	}
	if (j == 0)
		joiner(c);
	close(c->sync[1]);
	c->sync[1] = -1;
	cinch_cgroup_entry_close(&c->cgroup);
	pid_t pid = 0;
	int r = read_pid(c->sync[0], &pid, err);
	/* The process has exec'd once its end of the socket closed without
	 * a message: only then is the pid file written (conmon's signal). */
	if (r == 0)
		r = cinch_sync_expect_eof(c->sync[0], err);
	cinch_state_dir_close(&c->dir); /* let other commands in while it runs */
	if (r < 0) {
		kill(j, SIGKILL);
		waitpid(j, NULL, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	if (c->o->pid_file) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
		if (cinch_write_file_atomic(c->o->pid_file, buf, (size_t)n, 0644, err) < 0)
			r = -1;
	}
	int status = c->o->detach ? (waitpid(j, NULL, 0), 0) : relay_and_wait(c, j, pid, &mask, err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r < 0 ? -1 : status;
}

int cinch_container_exec(const struct cinch_exec_opts *o, struct cinch_error **err)
{
	struct exec_ctx c = {
		.o = o,
		.dir = {.dirfd = -1},
		.pidfd = -1,
		.root_fd = -1,
		.proc_fd = -1,
		.stub_fd = -1,
		.sync = {-1, -1},
		.console = -1,
		.console_ours = -1,
		.cgroup = CINCH_CGROUP_ENTRY_INIT,
	};
	int r = run_exec(&c, err);
	if (c.dir.dirfd >= 0)
		cinch_state_dir_close(&c.dir);
	cinch_state_clear(&c.st);
	if (c.proc_owned)
		cinch_spec_process_free(c.proc);
	cinch_spec_free(c.spec);
	cinch_seccomp_free(c.seccomp);
	cinch_plan_clear(&c.plan);
	cinch_policy_clear(&c.policy);
	if (c.pidfd >= 0)
		close(c.pidfd);
	if (c.root_fd >= 0)
		close(c.root_fd);
	if (c.proc_fd >= 0)
		close(c.proc_fd);
	if (c.stub_fd >= 0)
		close(c.stub_fd);
	free(c.stub_argv);
	if (c.sync[0] >= 0)
		close(c.sync[0]);
	if (c.sync[1] >= 0)
		close(c.sync[1]);
	if (c.console >= 0)
		close(c.console);
	if (c.console_ours >= 0)
		close(c.console_ours);
	cinch_cgroup_entry_close(&c.cgroup);
	return r;
}
