#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
#include "cinch/hooks.h"
#include "cinch/hostns.h"
#include "cinch/idmap.h"
#include "cinch/idpool.h"
#include "cinch/log.h"
#include "cinch/mounts.h"
#include "cinch/beside.h"
#include "cinch/netns.h"
#include "cinch/plan.h"
#include "cinch/policy.h"
#include "cinch/procfs.h"
#include "cinch/profile.h"
#include "cinch/relay.h"
#include "cinch/seccomp.h"
#include "cinch/sources.h"
#include "cinch/spawn.h"
#include "cinch/spec.h"
#include "cinch/state.h"
#include "cinch/sync.h"
#include "cinch/terminal.h"
#include "cinch/util.h"
#include "init.h"

#define CONFIG_COPY "config.json"

/* ---- helpers ---- */

static bool has_ns(const struct cinch_spec *spec, int type, const char **path)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		if (spec->linux_.namespaces.items[i].type != type)
			continue;
		if (path)
			*path = spec->linux_.namespaces.items[i].path;
		return true;
	}
	return false;
}

static unsigned long clone_flags(const struct cinch_spec *spec)
{
	/* cgroup and time namespaces are not made by clone (see init.c). */
	static const int types[] = {CINCH_NS_USER, CINCH_NS_PID, CINCH_NS_NETWORK,
				    CINCH_NS_MOUNT, CINCH_NS_IPC, CINCH_NS_UTS};
	unsigned long flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		const char *path = NULL;
		if (has_ns(spec, types[i], &path) && path == NULL)
			flags |= cinch_ns_clone_flag(types[i]);
	}
	return flags;
}

/* The options that must agree with the config; the config's own rules
 * are the plan's (plan.h).  A terminal with no --console-socket is the
 * runtime's to relay, which only a foreground run can. */
static int check_options(const struct cinch_spec *spec, const struct cinch_create_opts *o, bool foreground,
			 const char *cfg, struct cinch_error **err)
{
	if (spec->process.terminal && o->console_socket == NULL && !foreground)
		return cinch_error_set(err, 0, "%s: process.terminal is true: use --console-socket to receive the terminal",
				       cfg);
	if (!spec->process.terminal && o->console_socket)
		return cinch_error_set(err, 0, "--console-socket given but process.terminal is false in %s", cfg);
	return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct cinch_error **err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid); /* no newline: go-runc Atoi's the bytes */
	return cinch_write_file_atomic(path, buf, (size_t)n, 0644, err);
}

static int write_id_map(int proc_fd, pid_t pid, const char *file, const char *field,
			const struct cinch_spec_idmaps *maps, struct cinch_error **err)
{
	struct cinch_buf b = {0};
	for (size_t i = 0; i < maps->n; i++)
		cinch_buf_printf(&b, "%u %u %u\n", maps->items[i].container_id, maps->items[i].host_id,
				 maps->items[i].size);
	_cleanup_free_ char *rel = NULL;
	xasprintf(&rel, "%d/%s", (int)pid, file);
	int r = b.len ? cinch_procfs_write(proc_fd, rel, b.data, b.len, field, err) : 0;
	cinch_buf_free(&b);
	return r;
}

static int pidfd_open_checked(const struct cinch_state *st)
{
	int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0)
		return -1;
	/* The pid may have been recycled between reading the state and
	 * opening the pidfd: check that it is still the same process. */
	if (!cinch_state_init_alive(st)) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	return fd;
}

/* Waits up to timeout_ms for the process behind pidfd to exit. */
static bool wait_exit(int pidfd, int timeout_ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

/* ---- create ---- */

struct create_ctx {
	const struct cinch_create_opts *o;
	struct cinch_policy policy;
	struct cinch_spec *spec; /* the effective config (plan.h) */
	struct cinch_plan plan;
	int idpool_lock; /* held from picking a remap block until the state records it */
	struct cinch_seccomp *seccomp;
	char *bundle;
	char *rootfs;
	int rootfs_fd; /* O_PATH, opened with no symlink on the way: what init binds */
	struct cinch_idmap idmap; /* remap late: the idmapped rootfs and binds init attaches */
	bool idmap_failed;	  /* the kernel could not: the workload runs without (prepare_idmap) */
	int userns_fd;		  /* remap late: the workload's user namespace, init joins it last */
	struct cinch_ns_facts ns; /* the namespaces given by path, open */
	int proc_fd;		  /* the host's /proc, for every procfs write (procfs.h) */
	int stub_fd;		  /* the sealed exec stub init execs the workload through (exestub.h) */
	char **stub_argv;
	char *config_path;
	char *config_text; /* as read, for the copy in the state dir */
	size_t config_len;
	struct cinch_state_dir dir;
	struct cinch_state st;
	int sync[2];
	int console;	  /* what init sends the terminal's master on */
	int console_ours; /* the other end, when the runtime relays the terminal */
	struct cinch_cgroup_entry cgroup;
	bool cgroup_made; /* ours to remove on failure: not one create found busy */
	struct cinch_netns_maker netns; /* started: made beside, not by clone */
	pid_t pid;
	/* `run`: the runtime starts init itself, so there is no exec fifo
	 * and init goes on to exec once READY */
	bool run;
	bool foreground;     /* `run` without --detach: it waits, and may relay a terminal */
	bool relay_terminal; /* a terminal and no --console-socket: the runtime takes the master */
};

static void create_ctx_free(struct create_ctx *c)
{
	cinch_spec_free(c->spec);
	cinch_plan_clear(&c->plan);
	cinch_policy_clear(&c->policy);
	if (c->idpool_lock >= 0)
		close(c->idpool_lock);
	cinch_seccomp_free(c->seccomp);
	free(c->bundle);
	free(c->rootfs);
	free(c->config_path);
	free(c->config_text);
	cinch_state_clear(&c->st);
	if (c->dir.dirfd >= 0)
		cinch_state_dir_close(&c->dir);
	if (c->sync[0] >= 0)
		close(c->sync[0]);
	if (c->sync[1] >= 0)
		close(c->sync[1]);
	if (c->console >= 0)
		close(c->console);
	if (c->console_ours >= 0)
		close(c->console_ours);
	cinch_cgroup_entry_close(&c->cgroup);
	cinch_netns_maker_close(&c->netns);
	if (c->rootfs_fd >= 0)
		close(c->rootfs_fd);
	cinch_idmap_close(&c->idmap);
	if (c->userns_fd >= 0)
		close(c->userns_fd);
	if (c->proc_fd >= 0)
		close(c->proc_fd);
	if (c->stub_fd >= 0)
		close(c->stub_fd);
	free(c->stub_argv);
	cinch_ns_facts_close(&c->ns);
}

/* root.path, resolved with no symlink anywhere on it: a bundle whose
 * rootfs is a link (to /, say) is refused, not followed.  The fd is what
 * init binds, so the path is not looked up again. */
static int open_rootfs(struct create_ctx *c, struct cinch_error **err)
{
	const char *path = c->spec->root.path;
	_cleanup_close_ int bundle = open(c->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bundle < 0)
		return cinch_error_set(err, errno, "bundle %s: open", c->bundle);
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	c->rootfs_fd = (int)syscall(SYS_openat2, bundle, path, &how, sizeof(how));
	if (c->rootfs_fd < 0 && errno == ELOOP)
		return cinch_error_set(err, 0, "%s: root.path: %s is or passes through a symbolic link", c->config_path,
				       path);
	if (c->rootfs_fd < 0 && errno == ENOTDIR)
		return cinch_error_set(err, 0, "%s: root.path: %s is not a directory", c->config_path, path);
	if (c->rootfs_fd < 0)
		return cinch_error_set(err, errno, "%s: root.path %s", c->config_path, path);
	char link[64], buf[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", c->rootfs_fd);
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0 || buf[0] != '/')
		return cinch_error_set(err, n < 0 ? errno : 0, "%s: root.path %s: find its path", c->config_path, path);
	buf[n] = '\0';
	c->rootfs = xstrdup(buf);
	return 0;
}

/* Socket activation (cli.h): the workload is pid 1 of its namespace, or
 * whatever pid it has; LISTEN_PID=1 is what runc and crun give it. */
static void add_listen_env(struct cinch_spec *spec, int listen_fds)
{
	if (listen_fds <= 0)
		return;
	_cleanup_free_ char *fds = NULL;
	xasprintf(&fds, "LISTEN_FDS=%d", listen_fds);
	cinch_env_set(&spec->process.env, fds);
	cinch_env_set(&spec->process.env, "LISTEN_PID=1");
}

static int load_bundle(struct create_ctx *c, struct cinch_error **err)
{
	char buf[PATH_MAX];
	if (realpath(c->o->bundle ? c->o->bundle : ".", buf) == NULL)
		return cinch_error_set(err, errno, "bundle %s", c->o->bundle ? c->o->bundle : ".");
	c->bundle = xstrdup(buf);
	xasprintf(&c->config_path, "%s/config.json", c->bundle);
	if (cinch_read_file(c->config_path, CINCH_SPEC_MAX_SIZE, &c->config_text, &c->config_len, err) < 0 ||
	    cinch_policy_load(c->o->policy, &c->policy, err) < 0)
		return -1;
	struct cinch_plan_input in = {
		.config_path = c->config_path,
		.text = c->config_text,
		.len = c->config_len,
		.bundle = c->bundle,
		.state_root = c->o->root,
		.policy = &c->policy,
	};
	if (cinch_plan_build(&in, &c->spec, &c->ns, &c->plan, err) < 0)
		return -1;
	if (check_options(c->spec, c->o, c->foreground, c->config_path, err) < 0 || open_rootfs(c, err) < 0)
		return -1;
	c->relay_terminal = c->spec->process.terminal && c->o->console_socket == NULL;
	c->proc_fd = cinch_procfs_open(err);
	if (c->proc_fd < 0)
		return -1;
	if (cinch_profile_seccomp(c->spec, &c->plan, c->o->root, &c->seccomp, err) < 0)
		return cinch_error_prefix(err, "%s", c->config_path);
	c->stub_fd = cinch_exestub_open(err);
	if (c->stub_fd < 0)
		return -1;
	c->stub_argv = cinch_exestub_argv(c->spec->process.args.items);
	add_listen_env(c->spec, c->o->listen_fds);
	for (size_t i = 0; i < c->spec->notes.n; i++)
		cinch_log(CINCH_LOG_WARNING, "%s: %s", c->config_path, c->spec->notes.items[i]);
	return 0;
}

/* The cgroup another container under root was given, or NULL. */
static char *other_cgroup(const char *root, const char *id)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/%s/state.json", root, id);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct cinch_state st = {0};
	struct cinch_error *e = NULL;
	char *cg = NULL;
	if (cinch_read_file(path, CINCH_SPEC_MAX_SIZE, &text, &len, &e) == 0 &&
	    cinch_state_parse(text, len, path, &st, &e) == 0)
		cg = steal_pointer(&st.cgroup_path);
	cinch_error_free(e);
	cinch_state_clear(&st);
	return cg;
}

/* A cgroup at, above or below another container's would share its limits,
 * its freezer and its process list (ps, kill --all, delete), so one
 * container could pause, kill or starve the other. */
static int check_cgroup_apart(struct create_ctx *c, const char *cgroup_path, struct cinch_error **err)
{
	char **ids = NULL;
	if (cinch_state_list_ids(c->o->root, &ids, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; ids[i] && r == 0; i++) {
		if (strcmp(ids[i], c->o->id) == 0)
			continue;
		_cleanup_free_ char *other = other_cgroup(c->o->root, ids[i]);
		const char *rel = other ? cinch_cgroup_path_relation(cgroup_path, other) : NULL;
		if (rel)
			r = cinch_error_set(err, 0, "%s: linux.cgroupsPath: %s %s the cgroup of container \"%s\" (%s)",
					    c->config_path, cgroup_path, rel, ids[i], other);
	}
	free_strv(ids);
	return r;
}

static const char *annotation(const struct cinch_spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->annotations.n; i++)
		if (strcmp(spec->annotations.items[i].key, key) == 0)
			return spec->annotations.items[i].value;
	return NULL;
}

/* A remapped container's host ids: its pod's block, or a free one. */
static int take_id_block(struct create_ctx *c, struct cinch_error **err)
{
	uint32_t host = 0;
	if (cinch_idpool_allocate(c->o->root, c->o->id, annotation(c->spec, CINCH_POD_ANNOTATION), &c->policy.pool,
				  c->plan.remap.size, &host, &c->idpool_lock, err) < 0)
		return -1;
	c->plan.remap.host = host;
	c->st.remap_host = host;
	c->st.remap_size = c->plan.remap.size;
	if (!c->plan.remap.late) { /* the config's own user namespace */
		c->spec->linux_.uid_mappings.items[0].host_id = host;
		c->spec->linux_.gid_mappings.items[0].host_id = host;
	}
	return 0;
}

/* A rule that lets the container use one character device (minor -1:
 * any). */
static struct cinch_spec_device_rule allow_char(int64_t major, int64_t minor)
{
	return (struct cinch_spec_device_rule){true, 'c', {true, major}, {minor >= 0, minor >= 0 ? minor : 0}, "rwm"};
}

static int create_cgroup(struct create_ctx *c, struct cinch_error **err)
{
	struct cinch_spec_resources res = {0};
	if (c->spec->linux_.has_resources)
		res = c->spec->linux_.resources; /* shallow: only .devices is replaced */
	const struct cinch_spec_device_rules *own = &res.devices;
	const struct cinch_spec_devices *nodes = &c->spec->linux_.devices;
	size_t n = own->n + cinch_n_default_devices + 2 + nodes->n;
	struct cinch_spec_device_rule *rules = xcalloc(n, sizeof(*rules));
	size_t k = 0;
	for (size_t i = 0; i < own->n; i++)
		rules[k++] = own->items[i];
	/* After the config's own: the defaults (mounts.h) win over a deny. */
	for (size_t i = 0; i < cinch_n_default_devices; i++)
		rules[k++] = allow_char(cinch_default_devices[i].major, cinch_default_devices[i].minor);
	rules[k++] = allow_char(CINCH_PTMX_MAJOR, CINCH_PTMX_MINOR);
	rules[k++] = allow_char(CINCH_PTS_MAJOR, -1);
	for (size_t i = 0; i < nodes->n; i++) {
		const struct cinch_spec_device *d = &nodes->items[i];
		if (d->type == 'p')
			continue;
		rules[k++] = (struct cinch_spec_device_rule){true, d->type == 'b' ? 'b' : 'c', {true, d->major},
							     {true, d->minor}, "rwm"};
	}
	res.devices.items = rules;
	res.devices.n = k;
	int r = cinch_cgroup_create(c->st.cgroup_path, &res, err);
	free(rules);
	return r;
}

static int prepare_state(struct create_ctx *c, struct cinch_error **err)
{
	_cleanup_free_ char *cgroup_path = NULL;
	/* The id first (state_dir_create checks it): a cgroup path is made
	 * of it. */
	if (cinch_state_dir_create(c->o->root, c->o->id, &c->dir, err) < 0 ||
	    cinch_cgroup_path(c->spec->linux_.cgroups_path, c->o->id, c->o->systemd_cgroup, &cgroup_path, err) < 0 ||
	    check_cgroup_apart(c, cgroup_path, err) < 0)
		return -1;
	struct cinch_state *st = &c->st;
	st->id = xstrdup(c->o->id);
	st->bundle = xstrdup(c->bundle);
	st->rootfs = xstrdup(c->rootfs);
	st->created = xmalloc(64);
	cinch_rfc3339_now(st->created);
	st->owner = xstrdup("");
	st->systemd_cgroup = c->o->systemd_cgroup;
	/* A pid namespace joined by path is not the container's own: killing
	 * init leaves the rest of its processes, so delete signals the whole
	 * cgroup (as runc does). */
	const char *pid_ns_path = NULL;
	st->own_pid_ns = has_ns(c->spec, CINCH_NS_PID, &pid_ns_path) && (pid_ns_path == NULL || !pid_ns_path[0]);
	st->cgroup_path = steal_pointer(&cgroup_path);
	const struct cinch_kvs *ann = &c->spec->annotations;
	st->annotations.items = xcalloc(ann->n ? ann->n : 1, sizeof(struct cinch_kv));
	for (size_t i = 0; i < ann->n; i++) {
		st->annotations.items[i].key = xstrdup(ann->items[i].key);
		st->annotations.items[i].value = xstrdup(ann->items[i].value);
	}
	st->annotations.n = ann->n;
	if (c->plan.remap.on && take_id_block(c, err) < 0)
		return -1;
	st->seccomp = cinch_plan_seccomp_name(&c->plan);
	if (cinch_state_save(&c->dir, st, err) < 0)
		return -1;
	if (c->idpool_lock >= 0) /* the block is on record now */
		close(TAKE_FD(c->idpool_lock));
	if (!c->run && mkfifoat(c->dir.dirfd, CINCH_EXEC_FIFO, 0600) < 0)
		return cinch_error_set(err, errno, "%s/" CINCH_EXEC_FIFO ": mkfifo", c->dir.path);
	return 0;
}

/* delete needs the hooks even if the bundle is gone by then, and exec the
 * process: the bytes create parsed, not a second read that could differ.
 * Written once init is READY: under `run`, while it execs the workload. */
static int copy_config(struct create_ctx *c, struct cinch_error **err)
{
	_cleanup_free_ char *copy = NULL;
	xasprintf(&copy, "%s/" CONFIG_COPY, c->dir.path);
	return cinch_write_file_atomic(copy, c->config_text, c->config_len, 0600, err);
}

/* A new network namespace costs the kernel about half a millisecond: a
 * helper thread makes it while this one makes the state dir and the
 * cgroup (see netns.h).  Not in a new user namespace, which must own it. */
static void start_netns(struct create_ctx *c)
{
	unsigned long flags = clone_flags(c->spec);
	if ((flags & CLONE_NEWNET) && !(flags & CLONE_NEWUSER))
		cinch_netns_maker_start(&c->netns);
}

__attribute__((noreturn)) static int init_child(void *arg)
{
	const struct cinch_init_args *a = arg;
	close(a->runtime_sync_fd);
	cinch_init_main(a);
}

/* Under `run`, with no id maps to write and no hooks to run, the runtime
 * has nothing to do until init execs: init borrows the runtime's memory
 * (cinch_spawn_borrow) instead of a copy of it.  Its oom_score_adj stays
 * its own: the kernel lets a vfork child have one (process.oomScoreAdj),
 * where it keeps it equal across other processes that share memory.  A
 * late remap borrows too: init joins the user namespace the runtime made
 * (setns, which a process sharing its memory may do), whose maps are
 * written already.  A config's own user namespace still forks: init makes
 * it, and the runtime writes its maps while init waits. */
static pid_t clone_init(struct create_ctx *c, unsigned long flags, struct cinch_init_args *a)
{
	/* A time namespace, too: one sharing memory cannot enter it (hostns.h). */
	if (!c->run || a->userns || c->spec->has_hooks || cinch_ns_has_time(c->spec))
		return cinch_spawn_fork(flags, c->cgroup.v2_dir, &a->cgroup_placed);
	return cinch_spawn_borrow(flags, c->cgroup.v2_dir, init_child, a, &a->cgroup_placed);
}

/* A remapped workload's rootfs and binds, idmapped (idmap.h).  Where the
 * kernel cannot (a filesystem without idmapped mounts, an overlay of
 * relative layers, a kernel before 6.8 for overlays), the workload runs
 * without: it sees the host's root as 65534, which takes nothing from the
 * remap's protection, only from what the image's root may do.  A record
 * says so. */
static void prepare_idmap(struct create_ctx *c)
{
	struct cinch_error *e = NULL;
	if (cinch_idmap_prepare(c->spec, c->config_path, c->rootfs, c->rootfs_fd, c->proc_fd, c->userns_fd,
				c->plan.remap.host, &c->idmap, &e) == 0)
		return;
	cinch_decide_record(&c->plan, "nonRoot", "remap", "root.path", c->spec->root.path,
			    "not idmapped: the workload sees files of the host's root as 65534", e->msg,
			    CINCH_OUTCOME_WARNED);
	cinch_error_free(e);
	c->idmap_failed = true;
}

/* Namespaces the runtime enters for init's sake just before clone and
 * leaves just after, so that hooks and helpers it forks later stay on the
 * host: the pid namespace given by path (a process can only be born into
 * one), and, when init gets a new user namespace, the network, ipc, uts
 * and cgroup namespaces given by path: in its own user namespace init has
 * no privilege over namespaces of the host's, a sandbox's among them. */
struct borrowed_ns {
	int own[CINCH_NS_COUNT]; /* the runtime's own, to return to; -1: not left */
	unsigned long joined;	 /* CLONE_NEW* of those init inherits */
};
#define BORROWED_NS_INIT {.own = {-1, -1, -1, -1, -1, -1, -1, -1}, .joined = 0}

static const char *const own_ns_path[CINCH_NS_COUNT] = {
	[CINCH_NS_PID] = "/proc/self/ns/pid",	  [CINCH_NS_NETWORK] = "/proc/self/ns/net",
	[CINCH_NS_IPC] = "/proc/self/ns/ipc",	  [CINCH_NS_UTS] = "/proc/self/ns/uts",
	[CINCH_NS_CGROUP] = "/proc/self/ns/cgroup",
};

static int borrow_one(struct create_ctx *c, int type, struct borrowed_ns *b, struct cinch_error **err)
{
	const char *path = NULL;
	if (!has_ns(c->spec, type, &path) || path == NULL)
		return 0;
	unsigned long flag = cinch_ns_clone_flag(type);
	b->own[type] = open(own_ns_path[type], O_RDONLY | O_CLOEXEC);
	if (b->own[type] < 0 || setns(c->ns.fd[type], (int)flag) < 0)
		return cinch_error_set(err, errno, "%s: linux.namespaces: join %s namespace %s", c->config_path,
				       cinch_ns_type_name(type), path);
	b->joined |= flag;
	return 0;
}

static int borrowed_ns_enter(struct create_ctx *c, bool userns, struct borrowed_ns *b, struct cinch_error **err)
{
	static const int for_userns[] = {CINCH_NS_NETWORK, CINCH_NS_IPC, CINCH_NS_UTS, CINCH_NS_CGROUP};
	if (borrow_one(c, CINCH_NS_PID, b, err) < 0)
		return -1;
	for (size_t i = 0; userns && i < ARRAY_SIZE(for_userns); i++)
		if (borrow_one(c, for_userns[i], b, err) < 0)
			return -1;
	return 0;
}

static int borrowed_ns_return(struct borrowed_ns *b, struct cinch_error **err)
{
	int r = 0;
	for (int t = 0; t < CINCH_NS_COUNT; t++) {
		if (b->own[t] < 0)
			continue;
		if (setns(b->own[t], (int)cinch_ns_clone_flag(t)) < 0 && r == 0)
			r = cinch_error_set(err, errno, "return to the runtime's %s namespace", cinch_ns_type_name(t));
		close(b->own[t]);
		b->own[t] = -1;
	}
	return r;
}

/* On an early failure: back home, whatever it costs. */
static void borrowed_ns_leave(struct borrowed_ns *b)
{
	struct cinch_error *e = NULL;
	if (borrowed_ns_return(b, &e) < 0) {
		cinch_log(CINCH_LOG_WARNING, "%s", e->msg);
		cinch_error_free(e);
	}
}

static int spawn_init(struct create_ctx *c, struct cinch_error **err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sync) < 0)
		return cinch_error_set(err, errno, "socketpair");
	__attribute__((cleanup(borrowed_ns_leave))) struct borrowed_ns borrowed = BORROWED_NS_INIT;
	unsigned long flags = clone_flags(c->spec);
	bool userns = (flags & CLONE_NEWUSER) != 0;
	if (c->o->console_socket && cinch_terminal_connect(c->o->console_socket, &c->console, err) < 0)
		return -1;
	if (c->relay_terminal && cinch_terminal_pair(&c->console_ours, &c->console, err) < 0)
		return -1;
	if (c->relay_terminal)
		cinch_terminal_size_from_host(&c->spec->process);
	if (chdir(c->bundle) < 0) /* relative mount sources are relative to the bundle */
		return cinch_error_set(err, errno, "%s: chdir", c->bundle);
	/* Made here, as the host's root and in its namespaces: init attaches
	 * them. */
	if (c->plan.remap.on && c->plan.remap.late) {
		c->userns_fd = cinch_idmap_userns(c->proc_fd, c->plan.remap.host, c->plan.remap.size, err);
		if (c->userns_fd < 0)
			return -1;
		prepare_idmap(c);
	}
	/* In a new user namespace of the config's, the runtime makes them
	 * from within init's mount namespace instead (sources.h). */
	if (!userns && cinch_idmap_mounts(c->spec, c->proc_fd, c->userns_fd, &c->idmap, err) < 0)
		return cinch_error_prefix(err, "%s", c->config_path);
	/* Opened here, as the runtime: init may run as an unprivileged uid of
	 * a new user namespace that could not open it. */
	_cleanup_close_ int fifo = c->run ? -1 : openat(c->dir.dirfd, CINCH_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0 && !c->run)
		return cinch_error_set(err, errno, "%s/" CINCH_EXEC_FIFO ": open", c->dir.path);
	/* The cgroup exists, limits included, before init does: init moves
	 * itself in (see cinch_cgroup_entry), except in a new user namespace. */
	if (create_cgroup(c, err) < 0)
		return -1;
	c->cgroup_made = true;
	if (cinch_cgroup_entry_open(c->st.cgroup_path, !userns, &c->cgroup, err) < 0)
		return -1;
	const char *cgns_path = NULL;
	struct cinch_init_args a = {
		.spec = c->spec,
		.seccomp = c->seccomp,
		.rootfs = c->rootfs,
		.rootfs_fd = c->rootfs_fd,
		.idmap = c->idmap.root >= 0 || c->idmap.n > 0 ? &c->idmap : NULL,
		.ns = &c->ns,
		.proc_fd = c->proc_fd,
		.stub_fd = c->stub_fd,
		.stub_argv = c->stub_argv,
		.cgroup_path = c->st.cgroup_path,
		.sync_fd = c->sync[1],
		.fifo_fd = fifo,
		.state_dirfd = c->dir.dirfd,
		.parent_pid = getpid(),
		.userns = userns,
		.remap_late = c->plan.remap.on && c->plan.remap.late,
		.userns_fd = c->userns_fd,
		.cgroupns = has_ns(c->spec, CINCH_NS_CGROUP, &cgns_path) && cgns_path == NULL,
		.no_pivot = c->o->no_pivot,
		.preserve_fds = c->o->preserve_fds + c->o->listen_fds,
		.console_fd = c->console,
		.cgroup = &c->cgroup,
		.netns_fd = -1,
		.runtime_sync_fd = c->sync[0],
	};
	if (c->netns.helper.started) {
		a.netns_fd = cinch_netns_maker_finish(&c->netns, err);
		if (a.netns_fd < 0)
			return cinch_error_prefix(err, "%s: linux.namespaces", c->config_path);
		flags &= ~(unsigned long)CLONE_NEWNET;
	}
	/* Read here, once: init, a clone, finds it cached (it would read it
	 * from the container's /proc, after pivot_root). */
	cinch_cap_last_cap();
	/* Last before clone: the cgroup is made and entered from the
	 * runtime's own namespaces. */
	if (borrowed_ns_enter(c, userns, &borrowed, err) < 0)
		return -1;
	a.joined_by_runtime = borrowed.joined;
	fflush(NULL);
	pid_t pid = clone_init(c, flags, &a);
	if (pid == 0)
		init_child(&a);
	int clone_errno = errno;
	if (pid > 0)
		c->pid = pid; /* rollback kills it from here on */
	if (borrowed_ns_return(&borrowed, err) < 0)
		return -1;
	if (pid < 0)
		return cinch_error_set(err, clone_errno, "clone container init");
	close(c->sync[1]);
	c->sync[1] = -1;
	cinch_cgroup_entry_close(&c->cgroup);
	cinch_netns_maker_close(&c->netns);
	cinch_idmap_close(&c->idmap); /* init holds them now */
	c->pid = pid;
	c->st.pid = pid;
	return 0;
}

/* Init's pid reaches the saved state once init is READY, or before the
 * create hooks, which may ask for the state.  Not at clone: the runtime's
 * next step is to wait on init, which the scheduler has queued on this
 * CPU, so init starts as soon as the runtime blocks.  A runtime killed in
 * between leaves a state without a pid; delete --force then kills what
 * the container's cgroup holds, which is only the container's own, since
 * create refuses a cgroup that holds processes.  (Most of the time init is
 * dead already: it has PR_SET_PDEATHSIG until READY.) */
static int save_pid(struct create_ctx *c, struct cinch_error **err)
{
	c->st.pid_start = cinch_pid_start_time(c->pid, NULL);
	return cinch_state_save(&c->dir, &c->st, err);
}

/* prestart and createRuntime run here, in the runtime's namespaces; the
 * state JSON then goes to init for createContainer and startContainer. */
static int run_create_hooks(struct create_ctx *c, struct cinch_error **err)
{
	_cleanup_free_ char *json = cinch_state_json(&c->st, CINCH_STATUS_CREATED);
	if (cinch_hooks_run(&c->spec->hooks.prestart, "prestart", json, err) < 0 ||
	    cinch_hooks_run(&c->spec->hooks.create_runtime, "createRuntime", json, err) < 0)
		return -1;
	if (cinch_sync_send_long(c->sync[0], CINCH_SYNC_GO, json) < 0)
		return cinch_error_set(err, errno, "signal container init");
	return 0;
}

/* Of the time namespace init unshared before MAPPED (init.c). */
static int write_time_offsets(struct create_ctx *c, struct cinch_error **err)
{
	if (!cinch_ns_new_time(c->spec))
		return 0;
	_cleanup_free_ char *text = cinch_ns_time_offsets(&c->spec->linux_.time_offsets);
	_cleanup_free_ char *rel = NULL;
	xasprintf(&rel, "%d/timens_offsets", (int)c->pid);
	return text ? cinch_procfs_write(c->proc_fd, rel, text, strlen(text), "linux.timeOffsets", err) : 0;
}

/* A new user namespace: init waits until its ids are mapped and the
 * runtime has moved it into the cgroup. */
static int map_ids(struct create_ctx *c, struct cinch_error **err)
{
	int fd = c->sync[0];
	if (cinch_sync_expect(fd, CINCH_SYNC_MAPPED, "its namespaces were made", err) < 0 ||
	    write_id_map(c->proc_fd, c->pid, "uid_map", "linux.uidMappings", &c->spec->linux_.uid_mappings, err) < 0 ||
	    write_id_map(c->proc_fd, c->pid, "gid_map", "linux.gidMappings", &c->spec->linux_.gid_mappings, err) < 0 ||
	    write_time_offsets(c, err) < 0 || cinch_cgroup_enter(c->st.cgroup_path, c->pid, err) < 0 ||
	    (cinch_ns_mount_kind(c->spec) == CINCH_MOUNT_NS_OWN &&
	     cinch_sources_send(c->spec, c->bundle, c->proc_fd, c->pid, fd, err) < 0))
		return -1;
	if (cinch_sync_send(fd, CINCH_SYNC_GO, 0, NULL) < 0)
		return cinch_error_set(err, errno, "signal container init");
	return 0;
}

/* Each exchange with init is one it needs: id maps (user namespace) and
 * the hooks that run between its mounts and pivot_root.  Without them init
 * goes straight on to READY while the runtime saves the state. */
static int configure_init(struct create_ctx *c, struct cinch_error **err)
{
	int fd = c->sync[0];
	if ((clone_flags(c->spec) & CLONE_NEWUSER) && map_ids(c, err) < 0)
		return -1;
	if (c->spec->has_hooks && (cinch_sync_expect(fd, CINCH_SYNC_HOOKS, "its mounts were set up", err) < 0 ||
				   save_pid(c, err) < 0 || run_create_hooks(c, err) < 0))
		return -1;
	return cinch_sync_expect(fd, CINCH_SYNC_READY, "it was ready", err);
}

static void rollback_create(struct create_ctx *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (c->cgroup_made)
		cinch_cgroup_destroy(c->st.cgroup_path, NULL);
	if (c->dir.dirfd >= 0)
		cinch_state_dir_remove(&c->dir, NULL);
}

static int do_create(struct create_ctx *c, struct cinch_error **err)
{
	if (load_bundle(c, err) < 0) {
		/* A refusal is on record in the audit file; the log gets the
		 * one error line callers parse. */
		struct cinch_error *e = NULL;
		if (c->plan.decisions.n && c->policy.audit_file &&
		    cinch_audit_write(&c->plan, c->o->id, c->policy.audit_file, false, &e) < 0) {
			cinch_log(CINCH_LOG_WARNING, "%s", e->msg);
			cinch_error_free(e);
		}
		return -1;
	}
	start_netns(c);
	if (prepare_state(c, err) < 0 || spawn_init(c, err) < 0 || configure_init(c, err) < 0 ||
	    copy_config(c, err) < 0)
		return -1;
	if (c->o->pid_file && write_pid_file(c->o->pid_file, c->pid, err) < 0)
		return -1;
	c->st.created_ok = true;
	if (save_pid(c, err) < 0)
		return -1;
	return cinch_audit_write(&c->plan, c->o->id, c->policy.audit_file, true, err);
}

#define CREATE_CTX_INIT(opts)                                                                                 \
	{.o = (opts), .dir = {.dirfd = -1}, .sync = {-1, -1}, .console = -1, .console_ours = -1,                \
	 .cgroup = CINCH_CGROUP_ENTRY_INIT, .netns = CINCH_NETNS_MAKER_INIT, .rootfs_fd = -1,                    \
	 .idmap = CINCH_IDMAP_INIT, .ns = CINCH_NS_FACTS_INIT, .proc_fd = -1, .stub_fd = -1, .idpool_lock = -1,  \
	 .userns_fd = -1}

/* Creates the container, or undoes what it made.  The caller frees c. */
static int create_container(struct create_ctx *c, struct cinch_error **err)
{
	int r = do_create(c, err);
	if (r < 0 && (c->dir.dirfd >= 0 || c->pid > 0))
		rollback_create(c);
	return r;
}

int cinch_container_create(const struct cinch_create_opts *o, struct cinch_error **err)
{
	struct create_ctx c = CREATE_CTX_INIT(o);
	int r = create_container(&c, err);
	create_ctx_free(&c);
	return r;
}

/* ---- start ---- */

static int open_container(const char *root, const char *id, struct cinch_state_dir *d, struct cinch_state *st,
			  struct cinch_error **err)
{
	if (cinch_state_dir_open(root, id, d, err) < 0)
		return -1;
	if (cinch_state_load(d, st, err) < 0) {
		cinch_state_dir_close(d);
		return -1;
	}
	return 0;
}

static struct cinch_spec *load_config_copy(struct cinch_state_dir *d)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/" CONFIG_COPY, d->path);
	struct cinch_spec *spec = NULL;
	struct cinch_error *e = NULL;
	if (cinch_spec_load(path, &spec, &e) < 0) {
		cinch_log(CINCH_LOG_WARNING, "%s", e->msg);
		cinch_error_free(e);
	}
	return spec;
}

static int release_init(struct cinch_state_dir *d, struct cinch_error **err)
{
	/* init holds the read end; O_NONBLOCK makes a dead init an error
	 * (ENXIO) instead of a hang. */
	_cleanup_close_ int fd = openat(d->dirfd, CINCH_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return cinch_error_set(err, errno == ENXIO ? 0 : errno, "start \"%s\": container not running", d->id);
	if (write(fd, "0", 1) != 1)
		return cinch_error_set(err, errno, "start \"%s\": write exec fifo", d->id);
	unlinkat(d->dirfd, CINCH_EXEC_FIFO, 0);
	return 0;
}

static void run_poststart(const struct cinch_spec *spec, const struct cinch_state *st)
{
	if (spec == NULL || !spec->has_hooks)
		return;
	_cleanup_free_ char *json = cinch_state_json(st, CINCH_STATUS_RUNNING);
	/* poststart failures are warnings, not fatal: the workload runs */
	cinch_hooks_run_all(&spec->hooks.poststart, "poststart", json);
}

static int start_locked(struct cinch_state_dir *d, struct cinch_state *st, struct cinch_error **err)
{
	enum cinch_status s = cinch_state_status(d, st);
	if (s == CINCH_STATUS_STOPPED)
		return cinch_error_set(err, 0, "start \"%s\": container not running (it has stopped)", st->id);
	if (s != CINCH_STATUS_CREATED)
		return cinch_error_set(err, 0, "start \"%s\": the container is %s, not created", st->id,
				       cinch_status_name(s));
	if (release_init(d, err) < 0)
		return -1;
	_cleanup_spec_ struct cinch_spec *spec = load_config_copy(d);
	run_poststart(spec, st);
	return 0;
}

int cinch_container_start(const char *root, const char *id, struct cinch_error **err)
{
	struct cinch_state_dir d;
	struct cinch_state st;
	if (open_container(root, id, &d, &st, err) < 0)
		return -1;
	int r = start_locked(&d, &st, err);
	cinch_state_clear(&st);
	cinch_state_dir_close(&d);
	return r;
}

/* ---- kill ---- */

int cinch_signal_parse(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {
		{"HUP", SIGHUP},   {"INT", SIGINT},	{"QUIT", SIGQUIT}, {"ILL", SIGILL},	  {"TRAP", SIGTRAP},
		{"ABRT", SIGABRT}, {"IOT", SIGIOT},	{"BUS", SIGBUS},   {"FPE", SIGFPE},	  {"KILL", SIGKILL},
		{"USR1", SIGUSR1}, {"SEGV", SIGSEGV},	{"USR2", SIGUSR2}, {"PIPE", SIGPIPE},	  {"ALRM", SIGALRM},
		{"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},  {"STOP", SIGSTOP},
		{"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},	{"TTOU", SIGTTOU}, {"URG", SIGURG},	  {"XCPU", SIGXCPU},
		{"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
		{"POLL", SIGPOLL}, {"PWR", SIGPWR},	{"SYS", SIGSYS},
	};
	uint64_t n;
	if (cinch_parse_uint(s, 64, &n) == 0)
		return n >= 1 ? (int)n : -1;
	const char *name = cinch_str_has_prefix(s, "SIG") ? s + 3 : s;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].sig;
	if (cinch_str_has_prefix(name, "RTMIN") || cinch_str_has_prefix(name, "RTMAX")) {
		bool min = cinch_str_has_prefix(name, "RTMIN");
		const char *off = name + 5;
		uint64_t k = 0;
		if (*off && (*off != (min ? '+' : '-') || cinch_parse_uint(off + 1, 32, &k) < 0))
			return -1;
		int sig = min ? SIGRTMIN + (int)k : SIGRTMAX - (int)k;
		return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
	}
	return -1;
}

static int signal_init(const struct cinch_state *st, int sig, struct cinch_error **err)
{
	_cleanup_close_ int pidfd = pidfd_open_checked(st);
	if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
		if (errno == ESRCH)
			return cinch_error_set(err, 0, "kill \"%s\": container not running", st->id);
		return cinch_error_set(err, errno, "kill \"%s\": signal %d", st->id, sig);
	}
	return 0;
}

int cinch_container_kill(const char *root, const char *id, int sig, bool all, struct cinch_error **err)
{
	struct cinch_state_dir d;
	struct cinch_state st;
	if (open_container(root, id, &d, &st, err) < 0)
		return -1;
	int r = 0;
	if (!cinch_state_init_alive(&st)) {
		/* The shim sends kill --all to stopped containers: not an error. */
		if (!all)
			r = cinch_error_set(err, 0, "kill \"%s\": container not running", id);
	} else if (all) {
		r = cinch_cgroup_signal_all(st.cgroup_path, sig, err);
	} else {
		r = signal_init(&st, sig, err);
	}
	cinch_state_clear(&st);
	cinch_state_dir_close(&d);
	return r;
}

/* ---- delete ---- */

/* Kills init (and, without a pid namespace of its own, everything in the
 * cgroup) and waits until it is gone. */
static int stop_container(const struct cinch_state *st, struct cinch_error **err)
{
	_cleanup_close_ int pidfd = pidfd_open_checked(st);
	if (pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		/* a frozen task cannot die until thawed */
		cinch_cgroup_freeze(st->cgroup_path, false, NULL);
		if (!wait_exit(pidfd, 10000))
			return cinch_error_set(err, 0, "delete \"%s\": init (pid %d) did not exit after SIGKILL", st->id,
					       st->pid);
	}
	/* No pid: a create killed before it saved one; its init may be
	 * anywhere in the cgroup's tree. */
	if (!st->own_pid_ns || st->pid <= 0)
		cinch_cgroup_signal_all(st->cgroup_path, SIGKILL, NULL);
	return 0;
}

/* `spec`: the config when the caller holds it already (run), else NULL. */
static void run_poststop(struct cinch_state_dir *d, const struct cinch_state *st, const struct cinch_spec *spec)
{
	_cleanup_spec_ struct cinch_spec *copy = spec ? NULL : load_config_copy(d);
	if (spec == NULL)
		spec = copy;
	if (spec == NULL || !spec->has_hooks)
		return;
	_cleanup_free_ char *json = cinch_state_json(st, CINCH_STATUS_STOPPED);
	cinch_hooks_run_all(&spec->hooks.poststop, "poststop", json);
}

static int delete_locked(struct cinch_state_dir *d, struct cinch_state *st, bool force, const struct cinch_spec *spec,
			 struct cinch_error **err)
{
	/* --force deletes in any state: no need to ask (a freezer read). */
	enum cinch_status s = force ? CINCH_STATUS_STOPPED : cinch_state_status(d, st);
	if (s == CINCH_STATUS_RUNNING || s == CINCH_STATUS_PAUSED)
		return cinch_error_set(err, 0, "delete \"%s\": the container is %s; stop it first or use --force",
				       st->id, cinch_status_name(s));
	if (stop_container(st, err) < 0)
		return -1;
	if (cinch_cgroup_destroy(st->cgroup_path, err) < 0)
		return -1;
	if (st->created_ok)
		run_poststop(d, st, spec);
	return cinch_state_dir_remove(d, err);
}

static int delete_container(const char *root, const char *id, bool force, const struct cinch_spec *spec,
			    struct cinch_error **err)
{
	struct cinch_state_dir d;
	struct cinch_error *open_err = NULL;
	if (cinch_state_dir_open(root, id, &d, &open_err) < 0) {
		/* As runc: forcing the removal of what is already gone succeeds
		 * (podman cleans up this way after a failed create). */
		if (force && cinch_state_validate_id(id, NULL) == 0 && strstr(open_err->msg, "does not exist")) {
			cinch_error_free(open_err);
			return 0;
		}
		*err = open_err;
		return -1;
	}
	struct cinch_state st;
	struct cinch_error *load_err = NULL;
	if (cinch_state_load(&d, &st, &load_err) < 0) {
		/* A create killed before it saved anything leaves only the
		 * directory; --force clears it. */
		if (!force) {
			cinch_state_dir_close(&d);
			*err = load_err;
			return -1;
		}
		cinch_error_free(load_err);
		return cinch_state_dir_remove(&d, err);
	}
	int r = delete_locked(&d, &st, force, spec, err);
	if (d.dirfd >= 0)
		cinch_state_dir_close(&d);
	cinch_state_clear(&st);
	return r;
}

int cinch_container_delete(const char *root, const char *id, bool force, struct cinch_error **err)
{
	return delete_container(root, id, force, NULL, err);
}

/* ---- state, ps, pause ---- */

int cinch_container_state(const char *root, const char *id, char **json, struct cinch_error **err)
{
	struct cinch_state_dir d;
	struct cinch_state st;
	if (open_container(root, id, &d, &st, err) < 0)
		return -1;
	*json = cinch_state_json(&st, cinch_state_status(&d, &st));
	cinch_state_clear(&st);
	cinch_state_dir_close(&d);
	return 0;
}

int cinch_container_info(const char *root, const char *id, struct cinch_state *st, enum cinch_status *status,
			 struct cinch_error **err)
{
	struct cinch_state_dir d;
	if (open_container(root, id, &d, st, err) < 0)
		return -1;
	*status = cinch_state_status(&d, st);
	cinch_state_dir_close(&d);
	return 0;
}

int cinch_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct cinch_error **err)
{
	struct cinch_state_dir d;
	struct cinch_state st;
	if (open_container(root, id, &d, &st, err) < 0)
		return -1;
	int r = cinch_cgroup_pids(st.cgroup_path, pids, n, err);
	cinch_state_clear(&st);
	cinch_state_dir_close(&d);
	return r;
}

int cinch_container_pause(const char *root, const char *id, bool pause, struct cinch_error **err)
{
	struct cinch_state_dir d;
	struct cinch_state st;
	if (open_container(root, id, &d, &st, err) < 0)
		return -1;
	enum cinch_status s = cinch_state_status(&d, &st);
	int r;
	if (pause && s != CINCH_STATUS_RUNNING && s != CINCH_STATUS_CREATED)
		r = cinch_error_set(err, 0, "pause \"%s\": container not running", id);
	else if (!pause && s != CINCH_STATUS_PAUSED)
		r = cinch_error_set(err, 0, "resume \"%s\": the container is not paused", id);
	else
		r = cinch_cgroup_freeze(st.cgroup_path, pause, err);
	cinch_state_clear(&st);
	cinch_state_dir_close(&d);
	return r;
}

/* ---- update ---- */

static int read_resources(const char *file, struct cinch_spec_resources **out, struct cinch_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	bool std_in = strcmp(file, "-") == 0;
	const char *name = std_in ? "stdin" : file;
	int r = std_in ? cinch_read_fd(STDIN_FILENO, name, CINCH_SPEC_MAX_SIZE, &text, &len, err)
		       : cinch_read_file(file, CINCH_SPEC_MAX_SIZE, &text, &len, err);
	if (r < 0)
		return -1;
	return cinch_spec_resources_parse(text, len, name, out, err);
}

/* The policy's maximums hold for an update too (decide.h); its records
 * go where create's do. */
static int decide_update(const char *id, const char *which, struct cinch_spec_resources *res,
			 struct cinch_error **err)
{
	struct cinch_policy policy = {0};
	if (cinch_policy_load(which, &policy, err) < 0)
		return -1;
	struct cinch_plan plan = {.policy = policy.name};
	cinch_decide_update(res, &policy, &plan.decisions);
	int r = cinch_audit_write(&plan, id, policy.audit_file, true, err);
	cinch_plan_clear(&plan);
	cinch_policy_clear(&policy);
	return r;
}

int cinch_container_update(const char *root, const char *id, const char *resources_file, const char *policy,
			   struct cinch_error **err)
{
	struct cinch_spec_resources *res = NULL;
	if (read_resources(resources_file, &res, err) < 0)
		return -1;
	struct cinch_state_dir d;
	struct cinch_state st;
	int r = open_container(root, id, &d, &st, err);
	if (r == 0) {
		if (cinch_state_status(&d, &st) == CINCH_STATUS_STOPPED)
			r = cinch_error_set(err, 0, "update \"%s\": container not running", id);
		else if (decide_update(id, policy, res, err) < 0)
			r = -1;
		else
			r = cinch_cgroup_update(st.cgroup_path, res, err);
		cinch_state_clear(&st);
		cinch_state_dir_close(&d);
	}
	cinch_spec_resources_free(res);
	return r;
}

/* ---- run ---- */

static int exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* Relays signals to init, and its terminal when the runtime holds the
 * master, until init exits; returns its exit status. */
static int wait_foreground(struct create_ctx *c, const sigset_t *mask, struct cinch_error **err)
{
	struct cinch_relay r = {.child = c->pid, .target = c->pid, .name = "container init", .mask = mask,
				.master = -1, .in = STDIN_FILENO, .out = STDOUT_FILENO};
	/* Init sent it before READY. */
	if (c->relay_terminal && cinch_terminal_receive(c->console_ours, &r.master, err) < 0)
		return -1;
	int status;
	int ok = cinch_relay_wait(&r, &status, err);
	if (r.master >= 0)
		close(r.master);
	return ok < 0 ? -1 : exit_status(status);
}

int cinch_container_run(const struct cinch_create_opts *o, bool detach, struct cinch_error **err)
{
	sigset_t mask, old;
	sigfillset(&mask);
	sigdelset(&mask, SIGSEGV);
	sigdelset(&mask, SIGBUS);
	sigdelset(&mask, SIGFPE);
	sigdelset(&mask, SIGILL);
	/* Blocked before clone so no signal is lost between start and the
	 * relay loop; init unblocks its own mask before exec. */
	if (!detach)
		sigprocmask(SIG_BLOCK, &mask, &old);
	struct create_ctx c = CREATE_CTX_INIT(o);
	c.run = true;
	c.foreground = !detach;
	if (create_container(&c, err) < 0) {
		create_ctx_free(&c);
		if (!detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	/* init went on to exec after READY, with no exec fifo to wait on:
	 * the state saved since says running.  The lock on the state dir
	 * goes before the wait, so that state, kill and ps work meanwhile. */
	run_poststart(c.spec, &c.st);
	cinch_state_dir_close(&c.dir);
	if (detach) {
		create_ctx_free(&c);
		return 0;
	}
	int status = wait_foreground(&c, &mask, err);
	struct cinch_error *e = NULL;
	if (delete_container(o->root, o->id, true, c.spec, &e) < 0) {
		cinch_log(CINCH_LOG_WARNING, "%s", e->msg);
		cinch_error_free(e);
	}
	create_ctx_free(&c);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}
