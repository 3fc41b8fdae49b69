/* The container's init, from clone() to execve(): the order of events here
 * is the security argument, read top to bottom in init_sequence(). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cinch/cgroup.h"
#include "cinch/error.h"
#include "cinch/hooks.h"
#include "cinch/hostns.h"
#include "cinch/idmap.h"
#include "cinch/log.h"
#include "cinch/mounts.h"
#include "cinch/process.h"
#include "cinch/procfs.h"
#include "cinch/seccomp.h"
#include "cinch/spec.h"
#include "cinch/state.h"
#include "cinch/sysctl.h"
#include "cinch/sync.h"
#include "cinch/terminal.h"
#include "cinch/util.h"
#include "init.h"

/* Joins the namespaces the config gives by path, through the fds the
 * runtime opened and checked (hostns.h).  The pid namespace, and those a
 * new user namespace would lock init out of, were joined by the runtime
 * before clone() (born_in); a user namespace is joined last, by
 * join_userns_by_path. */
static int join_namespaces(const struct cinch_spec *spec, const struct cinch_ns_facts *f, unsigned long born_in,
			   struct cinch_error **err)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		if (ns->path == NULL || ns->type == CINCH_NS_PID || ns->type == CINCH_NS_USER ||
		    (born_in & cinch_ns_clone_flag(ns->type)))
			continue;
		if (setns(f->fd[ns->type], (int)cinch_ns_clone_flag(ns->type)) < 0)
			return cinch_error_set(err, errno, "linux.namespaces[%zu]: join %s namespace %s", i,
					       cinch_ns_type_name(ns->type), ns->path);
	}
	return 0;
}

/* All but the user namespace's, which join_userns_by_path closes. */
static void close_ns_fds(const struct cinch_ns_facts *f)
{
	for (int t = 0; t < CINCH_NS_COUNT; t++)
		if (f->fd[t] >= 0 && t != CINCH_NS_USER)
			close(f->fd[t]);
}

static int set_names(const struct cinch_spec *spec, struct cinch_error **err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return cinch_error_set(err, errno, "hostname: sethostname \"%s\"", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return cinch_error_set(err, errno, "domainname: setdomainname \"%s\"", spec->domainname);
	return 0;
}

/* Through the runtime's procfs handle, never the container's /proc: what
 * a key shows follows init's own namespaces, which it has joined by now.
 * Which keys are allowed was decided at create (hostns.h). */
static int write_sysctls(const struct cinch_spec *spec, int proc_fd, struct cinch_error **err)
{
	for (size_t i = 0; i < spec->linux_.sysctl.n; i++) {
		const struct cinch_kv *kv = &spec->linux_.sysctl.items[i];
		_cleanup_free_ char *dotted = NULL;
		if (cinch_sysctl_check(kv->key, ~0ul, &dotted, err) < 0)
			return -1;
		_cleanup_free_ char *path = cinch_sysctl_path(dotted);
		_cleanup_free_ char *rel = NULL;
		_cleanup_free_ char *what = NULL;
		xasprintf(&rel, "sys/%s", path);
		xasprintf(&what, "linux.sysctl[\"%s\"]", kv->key);
		if (cinch_procfs_write(proc_fd, rel, kv->value, strlen(kv->value), what, err) < 0)
			return -1;
	}
	return 0;
}

/* Without pivot_root (ramdisk roots): move the rootfs over / and chroot. */
static int enter_root_no_pivot(int rootfd, const char *rootfs, struct cinch_error **err)
{
	if (fchdir(rootfd) < 0)
		return cinch_error_set(err, errno, "%s: chdir", rootfs);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return cinch_error_set(err, errno, "%s: move to /", rootfs);
	if (chroot(".") < 0 || chdir("/") < 0)
		return cinch_error_set(err, errno, "%s: chroot", rootfs);
	return 0;
}

/* Into a mount namespace that is not the container's own (hostns.h):
 * chroot, for init alone. */
static int enter_root_chroot(int rootfd, const char *rootfs, struct cinch_error **err)
{
	if (fchdir(rootfd) < 0)
		return cinch_error_set(err, errno, "%s: chdir", rootfs);
	if (chroot(".") < 0 || chdir("/") < 0)
		return cinch_error_set(err, errno, "%s: chroot", rootfs);
	return 0;
}

static int enter_root(const struct cinch_init_args *a, enum cinch_mount_ns mnt, int rootfd,
		      const struct cinch_mounts *mounts, struct cinch_error **err)
{
	if (mnt != CINCH_MOUNT_NS_OWN)
		return enter_root_chroot(rootfd, a->rootfs, err);
	return a->no_pivot ? enter_root_no_pivot(mounts->rootfd, a->rootfs, err) : cinch_mounts_pivot(mounts, a->rootfs, err);
}

/* Blocks until `start` writes to the exec fifo. */
static int wait_for_start(int fifo, struct cinch_error **err)
{
	struct pollfd p = {.fd = fifo, .events = POLLIN};
	for (;;) {
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return cinch_error_set(err, errno, "wait for start");
		}
		char c;
		ssize_t n = read(fifo, &c, 1);
		if (n == 1)
			return 0;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		return cinch_error_set(err, 0, "start gave up before releasing the container");
	}
}

static char *state_json; /* from the runtime, for the hooks run here */

/* The offsets of the new time namespace init unshared, written by init
 * itself while it is the host's root; in a new user namespace the
 * runtime wrote them (container.c): there init cannot write its own
 * procfs files, which belong to the host's root while it is not
 * dumpable.  Entering the namespace freezes them. */
static int enter_time_namespace(const struct cinch_init_args *a, struct cinch_error **err)
{
	_cleanup_free_ char *offsets = a->userns ? NULL : cinch_ns_time_offsets(&a->spec->linux_.time_offsets);
	if (offsets &&
	    cinch_procfs_write(a->proc_fd, "self/timens_offsets", offsets, strlen(offsets), "linux.timeOffsets", err) < 0)
		return -1;
	_cleanup_close_ int fd = openat(a->proc_fd, "self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
		return cinch_error_set(err, errno, "linux.namespaces: enter the new time namespace");
	return 0;
}

/* A remapped workload's user namespace, joined last (decide.h): the
 * runtime made it with its maps (idmap.h).  init, the host's root and the
 * namespace's owner, is root of it with every capability there, and none
 * over anything else. */
static int enter_userns(void *arg, struct cinch_error **err)
{
	const struct cinch_init_args *a = arg;
	if (setns(a->userns_fd, CLONE_NEWUSER) < 0)
		return cinch_error_set(err, errno, "join the workload's user namespace");
	close(a->userns_fd);
	/* Root of the namespace: the ids the process holds (the host's root)
	 * are not mapped in it. */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return cinch_error_set(err, errno, "become root in the workload's user namespace");
	/* The id change made the process dumpable again (fs.suid_dumpable):
	 * a host process of the block's first uid could ptrace it, and under
	 * `run` its memory is the runtime's. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return cinch_error_set(err, errno, "prctl PR_SET_DUMPABLE");
	return 0;
}

/* A user namespace given by path is joined last, as a remap's is: the
 * namespaces init was born with belong to the host's user namespace, and
 * init sets them up (mounts, pivot_root) as the host's root; had it joined
 * first, it would hold no privilege over them (EPERM on the first mount).
 * setns gives it every capability in the namespace; become then switches
 * to process.user, which must be mapped there.  The namespaces the
 * workload lives in stay the host's to administer, not its own. */
static int join_userns_by_path(void *arg, struct cinch_error **err)
{
	const struct cinch_init_args *a = arg;
	const char *path = NULL;
	for (size_t i = 0; i < a->spec->linux_.namespaces.n; i++)
		if (a->spec->linux_.namespaces.items[i].type == CINCH_NS_USER)
			path = a->spec->linux_.namespaces.items[i].path;
	if (setns(a->ns->fd[CINCH_NS_USER], CLONE_NEWUSER) < 0)
		return cinch_error_set(err, errno, "linux.namespaces: join user namespace %s", path ? path : "");
	close(a->ns->fd[CINCH_NS_USER]);
	return 0;
}

/* The bind sources and idmapped copies the runtime made (mounts.h), one
 * slot of each per mount; NULL outside a new user namespace. */
static int *no_fds(size_t n)
{
	int *fds = xcalloc(n ? n : 1, sizeof(int));
	for (size_t i = 0; i < n; i++)
		fds[i] = -1;
	return fds;
}

static struct cinch_mount_fds *given_of(const struct cinch_spec *spec)
{
	struct cinch_mount_fds *g = xcalloc(1, sizeof(*g));
	g->n = spec->mounts.n;
	g->sources = no_fds(g->n);
	g->trees = no_fds(g->n);
	g->n_devices = spec->linux_.devices.n;
	g->devices = no_fds(g->n_devices);
	return g;
}

static void close_given(struct cinch_mount_fds **p)
{
	struct cinch_mount_fds *g = *p;
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->n; i++) {
		if (g->sources[i] >= 0)
			close(g->sources[i]);
		if (g->trees[i] >= 0)
			close(g->trees[i]);
	}
	for (size_t i = 0; i < g->n_devices; i++)
		if (g->devices[i] >= 0)
			close(g->devices[i]);
	free(g->sources);
	free(g->trees);
	free(g->devices);
	free(g);
	*p = NULL;
}

/* A missing process.cwd is made, as runc makes it: inside the root, before
 * the root is made read-only, by the owner of what init makes.  One that
 * cannot be made, or is reached through a magic link (/proc/self/fd/N), is
 * left to chdir, which names it with the reason. */
static void make_cwd(int rootfd, const char *cwd)
{
	struct cinch_error *e = NULL;
	int fd = cinch_open_in_root(rootfd, cwd, true, false, &e);
	if (fd >= 0)
		close(fd);
	cinch_error_free(e);
}

static int init_sequence(const struct cinch_init_args *a, int *fifo, struct cinch_mounts *mounts, char ***env,
			 struct cinch_error **err)
{
	const struct cinch_spec *spec = a->spec;
	const struct cinch_spec_process *proc = &spec->process;

	/* A new time namespace is made first, so that its offsets can be
	 * written (hostns.h) while init waits for its ids. */
	bool timens = cinch_ns_new_time(spec);
	if (timens && unshare(CLONE_NEWTIME) < 0)
		return cinch_error_set(err, errno, "linux.namespaces: unshare a time namespace");
	/* What waits on the runtime mirrors configure_init (container.c).
	 * In a new user namespace, the bind sources come with it. */
	__attribute__((cleanup(close_given))) struct cinch_mount_fds *given = a->userns ? given_of(spec) : NULL;
	if (a->userns && (cinch_sync_send(a->sync_fd, CINCH_SYNC_MAPPED, 0, NULL) < 0 ||
			  cinch_sync_expect_sources(a->sync_fd, CINCH_SYNC_GO, "ids and cgroup were set",
						    given->sources, given->trees, given->n, given->devices,
						    given->n_devices, err) < 0))
		return -1;
	if (a->userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return cinch_error_set(err, errno, "become root in the user namespace");
	if (timens && enter_time_namespace(a, err) < 0)
		return -1;
	if (a->netns_fd >= 0) {
		if (setns(a->netns_fd, CLONE_NEWNET) < 0)
			return cinch_error_set(err, errno, "linux.namespaces: join the network namespace made for it");
		close(a->netns_fd);
	}
	if (join_namespaces(spec, a->ns, a->joined_by_runtime, err) < 0)
		return -1;
	/* Every host handle goes as soon as it is used, long before process.cwd
	 * could name one through /proc/self/fd. */
	close_ns_fds(a->ns);
	if (a->cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return cinch_error_set(err, errno, "unshare cgroup namespace");

	*fifo = a->fifo_fd;
	umask(0);
	/* A remapped workload's rootfs is idmapped (idmap.h): there the
	 * host's root maps to no owner and can create nothing, so what init
	 * makes while it mounts (mount points, /dev) it makes as the
	 * container's root, and the container's root owns it. */
	bool root_idmapped = a->idmap && a->idmap->root >= 0;
	if (root_idmapped && cinch_idmap_become_owner(a->idmap->host, err) < 0)
		return -1;
	/* Without a mount namespace of its own or given, the host's mounts
	 * are not the container's to change: none is made (hostns.h). */
	enum cinch_mount_ns mnt = cinch_ns_mount_kind(spec);
	if (mnt != CINCH_MOUNT_NS_NONE && cinch_mounts_setup(spec, a->rootfs, a->rootfs_fd, a->idmap, given, a->userns,
							       a->cgroup_path, mounts, err) < 0)
		return -1;
	/* Host directories: gone long before process.cwd could name one. */
	close_given(&given);
	int rootfd = mnt == CINCH_MOUNT_NS_NONE ? a->rootfs_fd : mounts->rootfd;
	make_cwd(rootfd, proc->cwd);
	if (root_idmapped && cinch_idmap_end_owner(err) < 0)
		return -1;
	if (a->idmap)
		cinch_idmap_close(a->idmap);
	if (spec->has_hooks &&
	    (cinch_sync_send(a->sync_fd, CINCH_SYNC_HOOKS, 0, NULL) < 0 ||
	     cinch_sync_expect_long(a->sync_fd, CINCH_SYNC_GO, "the prestart hooks ran", 4 * CINCH_SPEC_MAX_SIZE, &state_json,
				    err) < 0))
		return -1;
	/* In the container's namespaces, before pivot_root: the hook's path
	 * resolves in the runtime's filesystem. */
	if (spec->has_hooks &&
	    cinch_hooks_run(&spec->hooks.create_container, "createContainer", state_json, err) < 0)
		return -1;
	if (enter_root(a, mnt, rootfd, mounts, err) < 0)
		return -1;
	close(a->rootfs_fd);
	if (write_sysctls(spec, a->proc_fd, err) < 0 ||
	    (mnt != CINCH_MOUNT_NS_NONE && cinch_mounts_finish(spec, mounts, err) < 0) || set_names(spec, err) < 0)
		return -1;
	cinch_mounts_release(mounts);
	if (proc->terminal) {
		if (cinch_terminal_setup(a->console_fd, proc, true, err) < 0)
			return -1;
		close(a->console_fd);
	}

	if (cinch_process_set_mempolicy(&spec->linux_.memory_policy, err) < 0)
		return -1;
	struct cinch_userns_step remap = {enter_userns, (void *)a}, by_path = {join_userns_by_path, (void *)a};
	const struct cinch_userns_step *step = a->remap_late ? &remap : a->ns->fd[CINCH_NS_USER] >= 0 ? &by_path : NULL;
	if (cinch_process_become(proc, a->proc_fd, a->seccomp, a->preserve_fds, step, env, err) < 0)
		return -1;
	return 0;
}

/* Every fd but those the runtime handed over. */
static int close_inherited_fds(const struct cinch_init_args *a, struct cinch_error **err)
{
	const int fixed[] = {a->sync_fd,    a->fifo_fd,	  a->console_fd, a->netns_fd,	a->proc_fd,
			     a->rootfs_fd,  a->stub_fd,	  a->ns->fd[0],	 a->ns->fd[1],	a->ns->fd[2],
			     a->ns->fd[3],  a->ns->fd[4], a->ns->fd[5],	 a->ns->fd[6],	a->ns->fd[7],
			     a->userns_fd};
	size_t n_mounts = a->idmap ? 1 + a->idmap->n : 0;
	_cleanup_free_ int *keep = xcalloc(ARRAY_SIZE(fixed) + n_mounts, sizeof(int));
	memcpy(keep, fixed, sizeof(fixed));
	if (a->idmap) {
		keep[ARRAY_SIZE(fixed)] = a->idmap->root;
		memcpy(keep + ARRAY_SIZE(fixed) + 1, a->idmap->binds, a->idmap->n * sizeof(int));
	}
	return cinch_process_close_fds(a->preserve_fds, keep, ARRAY_SIZE(fixed) + n_mounts, err);
}

static void send_warning(void *arg, const char *msg)
{
	const struct cinch_init_args *a = arg;
	cinch_sync_send(a->sync_fd, CINCH_SYNC_WARNING, 0, msg);
}

void cinch_init_main(const struct cinch_init_args *a)
{
	struct cinch_error *err = NULL;
	int fifo = -1;
	_cleanup_free_ char *exe = NULL;

	/* Until READY, init dies with the runtime that made it; and no one
	 * may ptrace or read the memory of a half-built container. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* getppid() is 0 in a new pid namespace, so a runtime that died
	 * before the prctl shows up as EOF on the sync socket instead. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* The lock on the state dir is shared with the fd we inherited; hold
	 * it and the runtime's next command (start, in run) would wait on us. */
	close(a->state_dirfd);
	/* `run` blocks every signal to relay them; the workload starts clean. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (cinch_cgroup_entry_join(a->cgroup, a->cgroup_placed, &err) < 0) {
		cinch_sync_send(a->sync_fd, CINCH_SYNC_ERROR, err->code, err->msg);
		_exit(1);
	}
	if (close_inherited_fds(a, &err) < 0) {
		cinch_sync_send(a->sync_fd, CINCH_SYNC_ERROR, err->code, err->msg);
		_exit(1);
	}

	/* Until READY, warnings go to the runtime, which logs them. */
	cinch_log_set_warning_sink(send_warning, (void *)a);
	struct cinch_mounts mounts = CINCH_MOUNTS_INIT;
	char **env = NULL;
	if (init_sequence(a, &fifo, &mounts, &env, &err) < 0 ||
	    cinch_process_find_executable(&a->spec->process, &exe, &err) < 0) {
		cinch_log_set_warning_sink(NULL, NULL);
		cinch_sync_send(a->sync_fd, CINCH_SYNC_ERROR, err->code, err->msg);
		_exit(1);
	}
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	cinch_sync_send(a->sync_fd, CINCH_SYNC_READY, 0, NULL);
	/* (Sharing the runtime's memory, init must leave it as it was.) */
	cinch_log_set_warning_sink(NULL, NULL);
	close(a->sync_fd);

	if (fifo >= 0) { /* none under `run`, which starts init itself */
		if (wait_for_start(fifo, &err) < 0)
			_exit(1); /* start gave up: nothing to run */
		close(fifo);
	}
	if (a->spec->has_hooks &&
	    cinch_hooks_run(&a->spec->hooks.start_container, "startContainer", state_json, &err) < 0) {
		fprintf(stderr, "cinch: %s\n", err->msg);
		_exit(127);
	}
	/* As late as possible: after this only execve runs. */
	const struct cinch_seccomp *late = cinch_process_late_filter(&a->spec->process, a->seccomp);
	if (late && cinch_process_load_filter(late, a->preserve_fds, &err) < 0) {
		fprintf(stderr, "cinch: %s\n", err->msg);
		_exit(127);
	}
	cinch_process_exec(exe, &a->spec->process, env, a->preserve_fds, a->seccomp != NULL, a->stub_fd, a->stub_argv,
			   &err);
	fprintf(stderr, "cinch: %s\n", err->msg);
	_exit(127);
}
