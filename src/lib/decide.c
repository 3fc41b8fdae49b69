/* The policy applied to one config: one function per control, each reading
 * the config as it stands, changing it under enforce and recording what it
 * did.  Pure: the host was asked beforehand (struct cinch_facts). */
#include "config.h"

#include <fnmatch.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/caps.h"
#include "cinch/decide.h"
#include "cinch/error.h"
#include "cinch/hostns.h"
#include "cinch/mounts.h"
#include "cinch/policy.h"
#include "cinch/spec.h"
#include "cinch/util.h"

const char *cinch_outcome_name(enum cinch_outcome o)
{
	static const char *const names[] = {
	    [CINCH_OUTCOME_CHANGED] = "changed",
	    [CINCH_OUTCOME_WARNED] = "warned",
	    [CINCH_OUTCOME_REFUSED] = "refused",
	};
	return names[o];
}

void cinch_decisions_clear(struct cinch_decisions *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].field);
		free(d->items[i].asked);
		free(d->items[i].applied);
		free(d->items[i].why);
	}
	free(d->items);
	*d = (struct cinch_decisions){0};
}

void cinch_plan_clear(struct cinch_plan *plan)
{
	cinch_decisions_clear(&plan->decisions);
	free(plan->profile);
	*plan = (struct cinch_plan){0};
}

/* ---- recording ---- */

/* One control at work: its name, its mode as the policy spells it, and
 * where its records go. */
struct control {
	const char *name;
	const char *mode;
	bool enforce; /* false: warn (an off control never runs) */
	struct cinch_decisions *out;
};

static void record(const struct control *c, enum cinch_outcome outcome, const char *field, const char *asked,
                   const char *applied, const char *why)
{
	struct cinch_decisions *d = c->out;
	d->items = xrealloc(d->items, (d->n + 1) * sizeof(*d->items));
	d->items[d->n++] = (struct cinch_decision){
	    .control = c->name,
	    .mode = c->mode,
	    .field = xstrdup(field),
	    .asked = xstrdup(asked),
	    .applied = xstrdup(applied),
	    .why = xstrdup(why),
	    .outcome = outcome,
	};
}

void cinch_decide_record(struct cinch_plan *plan, const char *control, const char *mode, const char *field,
			 const char *asked, const char *applied, const char *why, enum cinch_outcome outcome)
{
	struct control c = {control, mode, false, &plan->decisions};
	record(&c, outcome, field, asked, applied, why);
}

/* A change: made under enforce, only recorded under warn. */
static void change(const struct control *c, const char *field, const char *asked, const char *applied, const char *why)
{
	record(c, c->enforce ? CINCH_OUTCOME_CHANGED : CINCH_OUTCOME_WARNED, field, asked, applied, why);
}

/* A refusal under enforce (returns -1 with *err set); a record under warn. */
static int refuse(const struct control *c, const char *field, const char *asked, const char *why,
                  struct cinch_error **err)
{
	if (!c->enforce) {
		record(c, CINCH_OUTCOME_WARNED, field, asked, "refused", why);
		return 0;
	}
	record(c, CINCH_OUTCOME_REFUSED, field, asked, "refused", why);
	return cinch_error_set(err, 0, "%s: %s: %s (policy: %s %s)", field, asked, why, c->name, c->mode);
}

static bool control_on(enum cinch_mode m, const char *name, struct cinch_decisions *out, struct control *c)
{
	*c = (struct control){name, cinch_mode_name(m), m == CINCH_MODE_ENFORCE, out};
	return m != CINCH_MODE_OFF;
}

/* ---- non-root ---- */

/* The host uid the workload's uid becomes: through the config's own user
 * namespace when it has one.  false: not root on the host, or unknown (a
 * user namespace by path, which hostns.h refuses when it is the host's). */
static bool root_on_host(const struct cinch_spec *spec, uint32_t uid)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		if (ns->type != CINCH_NS_USER)
			continue;
		if (ns->path)
			return false;
		const struct cinch_spec_idmaps *m = &spec->linux_.uid_mappings;
		for (size_t k = 0; k < m->n; k++)
			if (uid >= m->items[k].container_id && uid - m->items[k].container_id < m->items[k].size)
				return m->items[k].host_id + (uid - m->items[k].container_id) == 0;
		return false; /* unmapped: the kernel refuses the switch */
	}
	return uid == 0;
}

static void set_idmap(struct cinch_spec_idmaps *m, uint32_t size)
{
	free(m->items);
	m->items = xcalloc(1, sizeof(*m->items));
	m->items[0] = (struct cinch_spec_idmap){.container_id = 0, .host_id = 0, .size = size};
	m->n = 1;
}

/* The process part, shared with exec: refuse, or (create only) remap. */
static int decide_user(struct cinch_spec_process *proc, const char *field, bool host_root, bool can_remap,
                       const struct cinch_policy *p, struct cinch_decisions *out, bool *remap, struct cinch_error **err)
{
	static const char *const names[] = {"off", "warn", "refuse", "remap"};
	if (p->non_root == CINCH_NONROOT_OFF || !host_root)
		return 0;
	struct control c = {"nonRoot", names[p->non_root], p->non_root != CINCH_NONROOT_WARN, out};
	_cleanup_free_ char *where = NULL, *asked = NULL;
	xasprintf(&where, "%s.user.uid", field);
	xasprintf(&asked, "%u", proc->user.uid);
	if (p->non_root == CINCH_NONROOT_REMAP && can_remap) {
		change(&c, where, asked, "0 in a new user namespace, mapped to an unprivileged host id block",
		       "uid 0 would be root on the host");
		*remap = true;
		return 0;
	}
	if (p->non_root == CINCH_NONROOT_WARN) {
		record(&c, CINCH_OUTCOME_WARNED, where, asked,
		       "0 in a new user namespace, mapped to an unprivileged host id block",
		       "uid 0 is root on the host");
		return 0;
	}
	return refuse(&c, where, asked,
	              can_remap ? "uid 0 would be root on the host"
	                        : "uid 0 would be root on the host: the container is not remapped",
	              err);
}

static int decide_non_root(struct cinch_spec *spec, const struct cinch_policy *p, struct cinch_plan *plan,
                           struct cinch_error **err)
{
	bool remap = false;
	if (decide_user(&spec->process, "process", root_on_host(spec, spec->process.user.uid), true, p,
	                &plan->decisions, &remap, err) < 0)
		return -1;
	if (!remap)
		return 0;
	bool own_userns = false; /* the config's own, mapping root to root */
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++)
		own_userns |= spec->linux_.namespaces.items[i].type == CINCH_NS_USER;
	plan->remap = (struct cinch_remap){.on = true, .late = !own_userns, .host = 0, .size = CINCH_REMAP_BLOCK};
	if (own_userns) {
		set_idmap(&spec->linux_.uid_mappings, CINCH_REMAP_BLOCK);
		set_idmap(&spec->linux_.gid_mappings, CINCH_REMAP_BLOCK);
	}
	return 0;
}

/* ---- capabilities and no_new_privs ---- */

static char *cap_list(uint64_t mask)
{
	struct cinch_buf b = {0};
	cinch_buf_puts(&b, "[");
	for (int i = 0; i <= CINCH_CAP_LAST; i++) {
		if (!(mask & (UINT64_C(1) << i)))
			continue;
		cinch_buf_printf(&b, "%s%s", b.len > 1 ? "," : "", cinch_cap_name(i));
	}
	cinch_buf_puts(&b, "]");
	return cinch_buf_steal(&b);
}

static void decide_capset(const struct control *c, struct cinch_spec_capset *set, const char *field, const char *name,
                          uint64_t allow)
{
	if (!set->set || !(set->mask & ~allow))
		return;
	_cleanup_free_ char *where = NULL, *asked = cap_list(set->mask), *applied = cap_list(set->mask & allow);
	xasprintf(&where, "%s.capabilities.%s", field, name);
	change(c, where, asked, applied, "only the capabilities the policy allows");
	if (c->enforce)
		set->mask &= allow;
}

static void decide_caps(struct cinch_spec_process *proc, const char *field, const struct cinch_policy *p,
                        struct cinch_decisions *out)
{
	struct control c;
	if (!control_on(p->capabilities, "capabilities", out, &c) || !proc->has_capabilities)
		return;
	struct cinch_spec_capabilities *caps = &proc->capabilities;
	decide_capset(&c, &caps->bounding, field, "bounding", p->cap_allow);
	decide_capset(&c, &caps->effective, field, "effective", p->cap_allow);
	decide_capset(&c, &caps->inheritable, field, "inheritable", p->cap_allow);
	decide_capset(&c, &caps->permitted, field, "permitted", p->cap_allow);
	decide_capset(&c, &caps->ambient, field, "ambient", p->cap_allow);
}

static void decide_nnp(struct cinch_spec_process *proc, const char *field, const struct cinch_policy *p,
                       struct cinch_decisions *out)
{
	struct control c;
	if (!control_on(p->no_new_privileges, "noNewPrivileges", out, &c) || proc->no_new_privileges)
		return;
	_cleanup_free_ char *where = NULL;
	xasprintf(&where, "%s.noNewPrivileges", field);
	change(&c, where, "false", "true", "no setuid binary or file capability may raise the workload");
	if (c.enforce)
		proc->no_new_privileges = true;
}

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
/* process.ioPriority.class as spec.c holds it: the kernel's number. */
#define IOPRIO_CLASS_RT 1

/* What of process.scheduler and ioPriority only CAP_SYS_NICE may ask for
 * (sched(7), ioprio_set(2)); NULL when none.  cinch applies them with the
 * runtime's privileges, as runc does, so the policy's capabilities
 * control judges them: a realtime policy or the realtime I/O class would
 * let a workload starve the host's CPUs or disks. */
static const char *needs_sys_nice(const struct cinch_spec_process *proc, const char **field)
{
	const struct cinch_spec_scheduler *s = &proc->scheduler;
	if (s->set && (s->policy == SCHED_FIFO || s->policy == SCHED_RR || s->policy == SCHED_DEADLINE)) {
		*field = "scheduler.policy";
		return s->policy == SCHED_FIFO ? "SCHED_FIFO" : s->policy == SCHED_RR ? "SCHED_RR" : "SCHED_DEADLINE";
	}
	if (s->set && s->nice.set && s->nice.value < 0) {
		*field = "scheduler.nice";
		return "a negative nice";
	}
	if (proc->io_priority.set && proc->io_priority.klass == IOPRIO_CLASS_RT) {
		*field = "ioPriority.class";
		return "IOPRIO_CLASS_RT";
	}
	return NULL;
}

static int decide_sys_nice(const struct cinch_spec_process *proc, const char *field, const struct cinch_policy *p,
                           struct cinch_decisions *out, struct cinch_error **err)
{
	struct control c;
	const char *which = NULL, *asked = NULL;
	if (!control_on(p->capabilities, "capabilities", out, &c) || (p->cap_allow & (1ull << CAP_SYS_NICE)) ||
	    (asked = needs_sys_nice(proc, &which)) == NULL)
		return 0;
	_cleanup_free_ char *where = NULL;
	xasprintf(&where, "%s.%s", field, which);
	return refuse(&c, where, asked, "needs CAP_SYS_NICE, which the policy does not allow", err);
}

int cinch_decide_process(struct cinch_spec_process *proc, const char *field, const struct cinch_remap *remap,
                         const struct cinch_policy *p, struct cinch_decisions *d, struct cinch_error **err)
{
	bool unused = false;
	if (decide_user(proc, field, proc->user.uid == 0 && !remap->on, false, p, d, &unused, err) < 0 ||
	    decide_sys_nice(proc, field, p, d, err) < 0)
		return -1;
	decide_caps(proc, field, p, d);
	decide_nnp(proc, field, p, d);
	return 0;
}

/* ---- the root and the mounts ---- */

static ssize_t find_mount(const struct cinch_spec *spec, const char *dest)
{
	for (size_t i = 0; i < spec->mounts.n; i++) {
		_cleanup_free_ char *clean = cinch_mounts_clean_path(spec->mounts.items[i].destination);
		if (strcmp(clean, dest) == 0)
			return (ssize_t)i;
	}
	return -1;
}

static void add_scratch(struct cinch_spec *spec, const char *dest, uint64_t size)
{
	struct cinch_spec_mounts *m = &spec->mounts;
	m->items = xrealloc(m->items, (m->n + 1) * sizeof(*m->items));
	struct cinch_spec_mount *mnt = &m->items[m->n++];
	*mnt = (struct cinch_spec_mount){
	    .destination = xstrdup(dest), .type = xstrdup("tmpfs"), .source = xstrdup("tmpfs")};
	char opt[64];
	snprintf(opt, sizeof(opt), "size=%llu", (unsigned long long)size);
	const char *const opts[] = {"nosuid", "nodev", "noexec", "mode=1777", opt};
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		cinch_strv_append(&mnt->options, opts[i]);
}

static void decide_rootfs(struct cinch_spec *spec, const struct cinch_policy *p, struct cinch_decisions *out)
{
	struct control c;
	if (!control_on(p->readonly_rootfs, "readonlyRootfs", out, &c))
		return;
	if (!spec->root.readonly) {
		change(&c, "root.readonly", "false", "true", "the image is not the workload's to change");
		if (c.enforce)
			spec->root.readonly = true;
	}
	for (size_t i = 0; i < p->scratch.n; i++) {
		_cleanup_free_ char *dest = cinch_mounts_clean_path(p->scratch.items[i]);
		if (find_mount(spec, dest) >= 0)
			continue; /* the config's own mount there stays */
		_cleanup_free_ char *applied = NULL;
		xasprintf(&applied, "tmpfs on %s, nosuid,nodev,noexec, %llu bytes", dest,
		          (unsigned long long)p->scratch_size);
		change(&c, "mounts", "(none)", applied, "scratch space on a read-only root");
		if (c.enforce)
			add_scratch(spec, dest, p->scratch_size);
	}
}

static bool has_option(const struct cinch_strv *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->items[i], name) == 0)
			return true;
	return false;
}

static bool is_bind(const struct cinch_spec_mount *m)
{
	return (m->type && strcmp(m->type, "bind") == 0) || has_option(&m->options, "bind") ||
	       has_option(&m->options, "rbind");
}

/* Device nodes are what /dev is for; the device cgroup bounds them. */
static bool under_dev(const char *dest)
{
	return strcmp(dest, "/dev") == 0 || cinch_str_has_prefix(dest, "/dev/");
}

static char *joined(const struct cinch_strv *o)
{
	struct cinch_buf b = {0};
	for (size_t i = 0; i < o->n; i++)
		cinch_buf_printf(&b, "%s%s", i ? "," : "", o->items[i]);
	return b.len ? cinch_buf_steal(&b) : (cinch_buf_free(&b), xstrdup("(none)"));
}

static void decide_mount_flags(const struct control *c, struct cinch_spec_mount *m, size_t i)
{
	_cleanup_free_ char *dest = cinch_mounts_clean_path(m->destination);
	bool dev_ok = under_dev(dest);
	bool suid = !has_option(&m->options, "nosuid") || has_option(&m->options, "suid");
	bool dev = !dev_ok && (!has_option(&m->options, "nodev") || has_option(&m->options, "dev"));
	if (!suid && !dev)
		return;
	_cleanup_free_ char *field = NULL, *asked = joined(&m->options);
	xasprintf(&field, "mounts[%zu].options", i);
	struct cinch_strv after = {0};
	for (size_t k = 0; k < m->options.n; k++)
		if (strcmp(m->options.items[k], "suid") != 0 && (dev_ok || strcmp(m->options.items[k], "dev") != 0))
			cinch_strv_append(&after, m->options.items[k]);
	if (suid && !has_option(&after, "nosuid"))
		cinch_strv_append(&after, "nosuid");
	if (dev && !has_option(&after, "nodev"))
		cinch_strv_append(&after, "nodev");
	_cleanup_free_ char *applied = joined(&after);
	change(c, field, asked, applied, "no setuid file or device node of a mount may act in the container");
	if (c->enforce) {
		free_strv(m->options.items);
		m->options = after;
	} else {
		free_strv(after.items);
	}
}

/* Whether a is b or lies below it. */
static bool path_within(const char *a, const char *b)
{
	size_t n = strlen(b);
	if (strcmp(b, "/") == 0)
		return true;
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* Host paths no container may have: the host's root, its kernel
 * filesystems, its boot and configuration, the container managers'
 * sockets, and cinch's own state. */
static const char *const sensitive_within[] = {"/proc", "/sys", "/dev", "/boot", "/etc"};
static const char *const sensitive_sockets[] = {
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
};

/* Why source is sensitive, or NULL. */
static const char *sensitive(const char *source, const char *state_root)
{
	if (strcmp(source, "/") == 0)
		return "it is the host's root";
	for (size_t i = 0; i < ARRAY_SIZE(sensitive_within); i++)
		if (path_within(source, sensitive_within[i]) || path_within(sensitive_within[i], source))
			return "it is or holds a host kernel filesystem, /boot or /etc";
	for (size_t i = 0; i < ARRAY_SIZE(sensitive_sockets); i++)
		if (path_within(sensitive_sockets[i], source))
			return "it is or holds a container manager's socket";
	if (state_root && (path_within(source, state_root) || path_within(state_root, source)))
		return "it is or holds cinch's state";
	return NULL;
}

static bool bind_allowed(const char *source, const struct cinch_policy *p)
{
	for (size_t i = 0; i < p->bind_allow.n; i++)
		if (path_within(source, p->bind_allow.items[i]))
			return true;
	return false;
}

static int decide_mounts(struct cinch_spec *spec, const struct cinch_policy *p, const struct cinch_facts *f,
                         struct cinch_decisions *out, struct cinch_error **err)
{
	struct control c;
	if (!control_on(p->mounts, "mounts", out, &c))
		return 0;
	for (size_t i = 0; i < spec->mounts.n; i++) {
		struct cinch_spec_mount *m = &spec->mounts.items[i];
		if (is_bind(m) && m->source) {
			const char *resolved = f->bind_sources && f->bind_sources[i] ? f->bind_sources[i] : m->source;
			_cleanup_free_ char *src = cinch_mounts_clean_path(resolved);
			const char *why = sensitive(src, f->state_root);
			_cleanup_free_ char *field = NULL;
			xasprintf(&field, "mounts[%zu].source", i);
			if (why && !bind_allowed(src, p) && refuse(&c, field, src, why, err) < 0)
				return -1;
		}
		decide_mount_flags(&c, m, i);
	}
	return 0;
}

/* ---- namespaces ---- */

static const struct {
	int type;
	unsigned long flag;
	const char *what;
} shared_ns[] = {
    {CINCH_NS_PID, CLONE_NEWPID, "it would see and signal every host process"},
    {CINCH_NS_NETWORK, CLONE_NEWNET, "it would use the host's network stack and reach its local services"},
    {CINCH_NS_IPC, CLONE_NEWIPC, "it would share the host's System V IPC and message queues"},
    {CINCH_NS_UTS, CLONE_NEWUTS, "it would share the host's name"},
    {CINCH_NS_MOUNT, CLONE_NEWNS,
     "it would share the host's mounts (the workload is chrooted into root.path, which does not hold one "
     "with CAP_SYS_CHROOT; mounts, maskedPaths, readonlyPaths and root.readonly are not applied)"},
};

/* A mount namespace by path that is not the host's: allowed with the
 * host's (hostns.h says how init sets up the root there). */
static int decide_mount_ns_path(const struct cinch_spec *spec, const struct cinch_ns_facts *f, struct control *c,
                                struct cinch_error **err)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		if (ns->type != CINCH_NS_MOUNT || ns->path == NULL || (f && f->host[CINCH_NS_MOUNT]))
			continue;
		_cleanup_free_ char *field = NULL;
		xasprintf(&field, "linux.namespaces[%zu].path", i);
		return refuse(c, field, "a mount namespace by path",
		              "the container's mounts would be made in a namespace it does not own, seen by every "
		              "process there and left there after it",
		              err);
	}
	return 0;
}

static int decide_namespaces(const struct cinch_spec *spec, const struct cinch_policy *p, const struct cinch_facts *f,
                             struct cinch_decisions *out, struct cinch_error **err)
{
	struct control c;
	if (!control_on(p->host_namespaces, "hostNamespaces", out, &c))
		return 0;
	for (size_t t = 0; t < ARRAY_SIZE(shared_ns); t++) {
		if (p->host_ns_allow & shared_ns[t].flag)
			continue;
		const char *name = cinch_ns_type_name(shared_ns[t].type);
		ssize_t at = -1;
		for (size_t i = 0; i < spec->linux_.namespaces.n; i++)
			if (spec->linux_.namespaces.items[i].type == shared_ns[t].type)
				at = (ssize_t)i;
		_cleanup_free_ char *field = NULL, *asked = NULL;
		if (at < 0) {
			xasprintf(&field, "linux.namespaces");
			xasprintf(&asked, "no %s namespace", name);
		} else if (f->ns && spec->linux_.namespaces.items[at].path && f->ns->host[shared_ns[t].type]) {
			xasprintf(&field, "linux.namespaces[%zd].path", at);
			xasprintf(&asked, "the host's %s namespace", name);
		} else {
			continue;
		}
		if (refuse(&c, field, asked, shared_ns[t].what, err) < 0)
			return -1;
	}
	if (!(p->host_ns_allow & CLONE_NEWNS))
		return decide_mount_ns_path(spec, f->ns, &c, err);
	return 0;
}

/* ---- seccomp ---- */

#define PROFILE_ANNOTATION "org.cinch.seccomp.profile"

static const char *annotation(const struct cinch_spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->annotations.n; i++)
		if (strcmp(spec->annotations.items[i].key, key) == 0)
			return spec->annotations.items[i].value;
	return NULL;
}

static bool selectable(const struct cinch_policy *p, const char *name)
{
	if (strcmp(name, p->seccomp_default) == 0)
		return true;
	for (size_t i = 0; i < p->seccomp_selectable.n; i++)
		if (strcmp(p->seccomp_selectable.items[i], name) == 0)
			return true;
	return false;
}

static void use_profile(struct cinch_plan *plan, const char *name)
{
	plan->seccomp = CINCH_SECCOMP_PROFILE;
	free(plan->profile);
	plan->profile = xstrdup(name);
}

/* The annotation may pick a profile the policy lets it pick, never a
 * weaker one: in Kubernetes the pod's author writes it. */
static int decide_annotation(const struct control *c, const char *name, const struct cinch_policy *p,
                             struct cinch_plan *plan, struct cinch_error **err)
{
	const char *field = "annotations[\"" PROFILE_ANNOTATION "\"]";
	bool unconfined = strcmp(name, "unconfined") == 0;
	bool ok = unconfined ? p->seccomp_unconfined : selectable(p, name);
	if (!ok && c &&
	    refuse(c, field, name,
	           unconfined ? "the policy does not allow running without a seccomp filter"
	                      : "not a profile the policy lets a config select",
	           err) < 0)
		return -1;
	if (unconfined) {
		plan->seccomp = CINCH_SECCOMP_NONE;
		struct control loud = {"seccomp", c ? c->mode : "off", false, &plan->decisions};
		if (c)
			record(&loud, CINCH_OUTCOME_WARNED, field, name, "no seccomp filter",
			       "the config asked to run without a seccomp filter");
		return 0;
	}
	use_profile(plan, name);
	return 0;
}

static int decide_seccomp(const struct cinch_spec *spec, const struct cinch_policy *p, struct cinch_plan *plan,
                          struct cinch_error **err)
{
	struct control c;
	bool on = control_on(p->seccomp, "seccomp", &plan->decisions, &c);
	plan->seccomp = CINCH_SECCOMP_NONE;
	if (spec->linux_.has_seccomp) {
		plan->seccomp = CINCH_SECCOMP_CONFIG;
		return 0;
	}
	const char *name = annotation(spec, PROFILE_ANNOTATION);
	if (name) /* a bad name is refused whatever the mode: it is no profile */
		return decide_annotation(on && c.enforce ? &c : (on ? &c : NULL), name, p, plan, err);
	if (!on)
		return 0;
	_cleanup_free_ char *applied = NULL;
	xasprintf(&applied, "profile %s", p->seccomp_default);
	change(&c, "linux.seccomp", "(none)", applied, "every container gets a seccomp filter");
	if (c.enforce)
		use_profile(plan, p->seccomp_default);
	return 0;
}

/* ---- resources ---- */

static void ensure_resources(struct cinch_spec *spec)
{
	spec->has_linux = true;
	spec->linux_.has_resources = true;
}

static void limit_i64(const struct control *c, const char *field, struct cinch_opt_i64 *v, int64_t def, int64_t max,
                      const char *unit)
{
	bool unset = !v->set || v->value <= 0;
	int64_t want = unset ? def : (max && v->value > max ? max : v->value);
	if (want <= 0 || (!unset && want == v->value))
		return;
	char asked[32], applied[64];
	if (unset)
		snprintf(asked, sizeof(asked), "%s", v->set ? "unlimited" : "(none)");
	else
		snprintf(asked, sizeof(asked), "%lld", (long long)v->value);
	snprintf(applied, sizeof(applied), "%lld%s", (long long)want, unit);
	change(c, field, asked, applied, unset ? "every container gets a limit" : "above the policy's maximum");
	if (c->enforce)
		*v = (struct cinch_opt_i64){true, want};
}

static void decide_memory(const struct control *c, struct cinch_spec *spec, const struct cinch_policy *p)
{
	struct cinch_spec_memory *m = &spec->linux_.resources.memory;
	bool had = spec->linux_.resources.has_memory;
	struct cinch_opt_i64 limit = had ? m->limit : (struct cinch_opt_i64){0};
	limit_i64(c, "linux.resources.memory.limit", &limit, p->memory_default, p->memory_max, " bytes");
	if (!c->enforce || !limit.set || (had && limit.value == m->limit.value && m->limit.set))
		return;
	ensure_resources(spec);
	spec->linux_.resources.has_memory = true;
	m->limit = limit;
	/* memory+swap below memory is refused by the kernel */
	if (m->swap.set && m->swap.value > 0 && m->swap.value < limit.value)
		m->swap.value = limit.value;
}

static void decide_pids(const struct control *c, struct cinch_spec *spec, const struct cinch_policy *p)
{
	struct cinch_opt_i64 limit = spec->linux_.resources.pids_limit;
	limit_i64(c, "linux.resources.pids.limit", &limit, p->pids_default, p->pids_max, "");
	if (c->enforce && limit.set) {
		ensure_resources(spec);
		spec->linux_.resources.pids_limit = limit;
	}
}

#define DEFAULT_CPU_PERIOD 100000

static void decide_cpu(const struct control *c, struct cinch_spec *spec, const struct cinch_policy *p)
{
	struct cinch_spec_cpu *cpu = &spec->linux_.resources.cpu;
	bool had = spec->linux_.resources.has_cpu;
	uint64_t period = had && cpu->period.set && cpu->period.value ? cpu->period.value : DEFAULT_CPU_PERIOD;
	struct cinch_opt_i64 quota = had ? cpu->quota : (struct cinch_opt_i64){0};
	int64_t def = (int64_t)(p->cpu_default * period / 1000);
	int64_t max = (int64_t)(p->cpu_max * period / 1000);
	limit_i64(c, "linux.resources.cpu.quota", &quota, def, max, "");
	if (!c->enforce || !quota.set || (had && cpu->quota.set && quota.value == cpu->quota.value))
		return;
	ensure_resources(spec);
	spec->linux_.resources.has_cpu = true;
	cpu->quota = quota;
	cpu->period = (struct cinch_opt_u64){true, period};
}

static void decide_resources(struct cinch_spec *spec, const struct cinch_policy *p, struct cinch_decisions *out)
{
	struct control c;
	if (!control_on(p->resources, "resources", out, &c))
		return;
	decide_memory(&c, spec, p);
	decide_pids(&c, spec, p);
	decide_cpu(&c, spec, p);
}

/* update: only the maximums, on what the update sets. */
static void cap_i64(const struct control *c, const char *field, struct cinch_opt_i64 *v, int64_t max)
{
	if (!v->set || max <= 0 || (v->value > 0 && v->value <= max))
		return;
	char asked[32], applied[32];
	snprintf(asked, sizeof(asked), "%lld", (long long)v->value);
	if (v->value <= 0)
		snprintf(asked, sizeof(asked), "unlimited");
	snprintf(applied, sizeof(applied), "%lld", (long long)max);
	change(c, field, asked, applied, "above the policy's maximum");
	if (c->enforce)
		v->value = max;
}

void cinch_decide_update(struct cinch_spec_resources *r, const struct cinch_policy *p, struct cinch_decisions *out)
{
	struct control c;
	if (!control_on(p->resources, "resources", out, &c))
		return;
	if (r->has_memory)
		cap_i64(&c, "linux.resources.memory.limit", &r->memory.limit, p->memory_max);
	cap_i64(&c, "linux.resources.pids.limit", &r->pids_limit, p->pids_max);
	if (r->has_cpu) {
		uint64_t period = r->cpu.period.set && r->cpu.period.value ? r->cpu.period.value : DEFAULT_CPU_PERIOD;
		cap_i64(&c, "linux.resources.cpu.quota", &r->cpu.quota, (int64_t)(p->cpu_max * period / 1000));
	}
}

/* ---- masked and read-only paths ---- */

static const char *const default_masked[] = {
    "/proc/acpi",       "/proc/asound",        "/proc/interrupts",  "/proc/kcore",
    "/proc/keys",       "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
    "/proc/timer_list", "/proc/timer_stats",   "/sys/firmware",     "/sys/devices/virtual/powercap",
};
static const char *const default_readonly[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static void ensure_paths(const struct control *c, struct cinch_strv *have, const char *field, const char *const *want,
                         size_t n)
{
	struct cinch_strv missing = {0};
	for (size_t i = 0; i < n; i++)
		if (!has_option(have, want[i]))
			cinch_strv_append(&missing, want[i]);
	if (missing.n) {
		_cleanup_free_ char *list = joined(&missing);
		change(c, field, "(without them)", list, "the kernel's host-wide files stay hidden or read-only");
		for (size_t i = 0; c->enforce && i < missing.n; i++)
			cinch_strv_append(have, missing.items[i]);
	}
	free_strv(missing.items);
}

static void decide_masked(struct cinch_spec *spec, const struct cinch_policy *p, struct cinch_decisions *out)
{
	struct control c;
	if (!control_on(p->masked_paths, "maskedPaths", out, &c))
		return;
	ensure_paths(&c, &spec->linux_.masked_paths, "linux.maskedPaths", default_masked, ARRAY_SIZE(default_masked));
	ensure_paths(&c, &spec->linux_.readonly_paths, "linux.readonlyPaths", default_readonly,
	             ARRAY_SIZE(default_readonly));
	if (c.enforce)
		spec->has_linux = true;
}

/* ---- devices ---- */

/* The node's kind as the device cgroup and stat(2) see it. */
static char node_kind(char type)
{
	return type == 'u' ? 'c' : type;
}

static bool path_listed(const struct cinch_strv *allow, const char *path)
{
	for (size_t i = 0; i < allow->n; i++) {
		_cleanup_free_ char *a = cinch_mounts_clean_path(allow->items[i]);
		if (strcmp(a, path) == 0)
			return true;
	}
	return false;
}

/* Whether d is the node the host has at d's path. */
static bool host_node(const struct cinch_facts *f, const char *path, const struct cinch_spec_device *d)
{
	for (size_t i = 0; i < f->n_host_devices; i++) {
		const struct cinch_host_device *h = &f->host_devices[i];
		_cleanup_free_ char *hp = cinch_mounts_clean_path(h->path);
		if (strcmp(hp, path) == 0)
			return h->type == node_kind(d->type) &&
			       (h->type == 'p' || (h->major == d->major && h->minor == d->minor));
	}
	return false;
}

/* A default node (by number, wherever it is made), or an allowed path
 * that is the host's node there. */
static bool device_kept(const struct cinch_spec_device *d, const struct cinch_policy *p, const struct cinch_facts *f)
{
	if (cinch_default_device(d->type, d->major, d->minor))
		return true;
	_cleanup_free_ char *path = cinch_mounts_clean_path(d->path);
	return path_listed(&p->device_allow, path) && host_node(f, path, d);
}

/* Deny rules stay; an allow rule stays when it names exactly one device
 * (type, major, minor) of a kept node or of the defaults.  The runtime adds
 * the defaults' rules, and one per node, after the config's own
 * (container.c): a wider rule could only add a device no node stands for. */
static bool rule_kept(const struct cinch_spec_device_rule *r, const struct cinch_spec_devices *nodes, const bool *keep)
{
	if (!r->allow)
		return true;
	if ((r->type != 'c' && r->type != 'b') || !r->major.set || r->major.value < 0 || !r->minor.set ||
	    r->minor.value < 0)
		return false;
	if (cinch_default_device(r->type, r->major.value, r->minor.value))
		return true;
	for (size_t i = 0; i < nodes->n; i++) {
		const struct cinch_spec_device *d = &nodes->items[i];
		if (keep[i] && node_kind(d->type) == r->type && d->major == r->major.value &&
		    d->minor == r->minor.value)
			return true;
	}
	return false;
}

/* The paths of the nodes, those with keep[i] when keep is given; with
 * numbers: "/dev/fuse c 10:229". */
static char *node_list(const struct cinch_spec_devices *v, const bool *keep, bool numbers)
{
	struct cinch_buf b = {0};
	for (size_t i = 0; i < v->n; i++) {
		const struct cinch_spec_device *d = &v->items[i];
		if (keep && !keep[i])
			continue;
		cinch_buf_printf(&b, "%s%s", b.len ? "," : "", d->path);
		if (numbers)
			cinch_buf_printf(&b, " %c %lld:%lld", d->type, (long long)d->major, (long long)d->minor);
	}
	return b.len ? cinch_buf_steal(&b) : (cinch_buf_free(&b), xstrdup("(none)"));
}

static void put_devnum(struct cinch_buf *b, const struct cinch_opt_i64 *n)
{
	if (n->set && n->value >= 0)
		cinch_buf_printf(b, "%lld", (long long)n->value);
	else
		cinch_buf_puts(b, "*");
}

/* The rules as the v1 devices files would read them, "allow c 1:3 rwm". */
static char *rule_list(const struct cinch_spec_device_rules *v, const bool *keep)
{
	struct cinch_buf b = {0};
	for (size_t i = 0; i < v->n; i++) {
		const struct cinch_spec_device_rule *r = &v->items[i];
		if (keep && !keep[i])
			continue;
		cinch_buf_printf(&b, "%s%s %c ", b.len ? "," : "", r->allow ? "allow" : "deny",
		                 r->type ? r->type : 'a');
		put_devnum(&b, &r->major);
		cinch_buf_puts(&b, ":");
		put_devnum(&b, &r->minor);
		cinch_buf_printf(&b, " %s", r->access ? r->access : "rwm");
	}
	return b.len ? cinch_buf_steal(&b) : (cinch_buf_free(&b), xstrdup("(none)"));
}

static void drop_nodes(struct cinch_spec_devices *v, const bool *keep)
{
	size_t k = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (keep[i])
			v->items[k++] = v->items[i];
		else
			free(v->items[i].path);
	}
	v->n = k;
}

static void drop_rules(struct cinch_spec_device_rules *v, const bool *keep)
{
	size_t k = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (keep[i])
			v->items[k++] = v->items[i];
		else
			free(v->items[i].access);
	}
	v->n = k;
}

static size_t count_kept(const bool *keep, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += keep[i];
	return k;
}

static void decide_devices(struct cinch_spec *spec, const struct cinch_policy *p, const struct cinch_facts *f,
                           struct cinch_decisions *out)
{
	struct control c;
	if (!control_on(p->devices, "devices", out, &c))
		return;
	struct cinch_spec_devices *nodes = &spec->linux_.devices;
	struct cinch_spec_device_rules *rules = &spec->linux_.resources.devices;
	_cleanup_free_ bool *keep_node = xcalloc(nodes->n + 1, sizeof(bool));
	_cleanup_free_ bool *keep_rule = xcalloc(rules->n + 1, sizeof(bool));
	for (size_t i = 0; i < nodes->n; i++)
		keep_node[i] = device_kept(&nodes->items[i], p, f);
	for (size_t i = 0; i < rules->n; i++)
		keep_rule[i] = rule_kept(&rules->items[i], nodes, keep_node);
	if (count_kept(keep_node, nodes->n) < nodes->n) {
		_cleanup_free_ char *asked = node_list(nodes, NULL, false),
		                    *applied = node_list(nodes, keep_node, false);
		change(&c, "linux.devices", asked, applied,
		       "a node must be a default one, or the host's node at a path the policy allows");
	}
	if (count_kept(keep_rule, rules->n) < rules->n) {
		_cleanup_free_ char *asked = rule_list(rules, NULL), *applied = rule_list(rules, keep_rule);
		change(&c, "linux.resources.devices", asked, applied,
		       "an allow rule must name exactly one device of a node kept or of the defaults");
	}
	if (!c.enforce)
		return;
	drop_nodes(nodes, keep_node);
	drop_rules(rules, keep_rule);
}

/* ---- images ---- */

/* Only the CRI and CRI-O name the image; ctr, Docker and podman do not,
 * unless the caller adds the OCI annotation (doc/cinch.8). */
const char *const cinch_image_annotations[] = {
    "io.kubernetes.cri.image-name",
    "io.kubernetes.cri-o.ImageName",
    "org.opencontainers.image.ref.name",
    NULL,
};

const char *cinch_decide_image(const struct cinch_spec *spec)
{
	for (const char *const *k = cinch_image_annotations; *k; k++) {
		const char *v = annotation(spec, *k);
		if (v && *v)
			return v;
	}
	return NULL;
}

static int decide_images(const struct cinch_policy *p, struct cinch_plan *plan, struct cinch_error **err)
{
	struct control c;
	if (!control_on(p->images, "images", &plan->decisions, &c))
		return 0;
	if (plan->image == NULL)
		return p->image_required ? refuse(&c, "annotations", "(no image annotation)",
		                                  "the policy admits only images it names", err)
		                         : 0;
	for (size_t i = 0; i < p->image_allow.n; i++)
		if (fnmatch(p->image_allow.items[i], plan->image, 0) == 0)
			return 0;
	return refuse(&c, "annotations", plan->image, "not an image the policy allows", err);
}

/* ---- all of it ---- */

int cinch_decide(struct cinch_spec *spec, const struct cinch_policy *p, const struct cinch_facts *f,
                 struct cinch_plan *plan, struct cinch_error **err)
{
	plan->policy = p->name;
	plan->image = cinch_decide_image(spec);
	struct cinch_decisions *d = &plan->decisions;
	if (decide_images(p, plan, err) < 0 || decide_namespaces(spec, p, f, d, err) < 0 ||
	    decide_mounts(spec, p, f, d, err) < 0 || decide_seccomp(spec, p, plan, err) < 0 ||
	    decide_non_root(spec, p, plan, err) < 0 || decide_sys_nice(&spec->process, "process", p, d, err) < 0)
		return -1;
	decide_caps(&spec->process, "process", p, d);
	decide_nnp(&spec->process, "process", p, d);
	decide_rootfs(spec, p, d);
	decide_resources(spec, p, d);
	decide_masked(spec, p, d);
	decide_devices(spec, p, f, d);
	return 0;
}

char *cinch_plan_seccomp_name(const struct cinch_plan *plan)
{
	if (plan->seccomp == CINCH_SECCOMP_CONFIG)
		return xstrdup("config");
	if (plan->seccomp == CINCH_SECCOMP_NONE)
		return xstrdup("none");
	char *s = NULL;
	xasprintf(&s, "profile:%s", plan->profile);
	return s;
}

int cinch_plan_seccomp_parse(const char *s, struct cinch_plan *plan)
{
	if (strcmp(s, "config") == 0)
		plan->seccomp = CINCH_SECCOMP_CONFIG;
	else if (strcmp(s, "none") == 0)
		plan->seccomp = CINCH_SECCOMP_NONE;
	else if (cinch_str_has_prefix(s, "profile:") && s[8])
		use_profile(plan, s + 8);
	else
		return -1;
	return 0;
}

/* ---- describing a plan ---- */

static void describe_caps(struct cinch_buf *b, const struct cinch_spec_process *proc)
{
	const struct cinch_spec_capabilities *c = &proc->capabilities;
	const struct {
		const char *name;
		const struct cinch_spec_capset *set;
	} sets[] = {{"bounding", &c->bounding},
	            {"effective", &c->effective},
	            {"inheritable", &c->inheritable},
	            {"permitted", &c->permitted},
	            {"ambient", &c->ambient}};
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		_cleanup_free_ char *list =
		    cap_list(proc->has_capabilities && sets[i].set->set ? sets[i].set->mask : 0);
		cinch_buf_printf(b, "process.capabilities.%s: %s\n", sets[i].name, list);
	}
}

static void describe_limit(struct cinch_buf *b, const char *field, bool has, const struct cinch_opt_i64 *v)
{
	if (has && v->set && v->value > 0)
		cinch_buf_printf(b, "%s: %lld\n", field, (long long)v->value);
	else
		cinch_buf_printf(b, "%s: none\n", field);
}

char *cinch_plan_describe(const struct cinch_spec *spec, const struct cinch_plan *plan)
{
	struct cinch_buf b = {0};
	const struct cinch_spec_process *proc = &spec->process;
	cinch_buf_printf(&b, "process.user: %u:%u\n", proc->user.uid, proc->user.gid);
	if (plan->remap.on)
		cinch_buf_printf(&b, "remap: container ids 0-%u in a host block of %u, %s\n", plan->remap.size - 1,
		                 plan->remap.size,
		                 plan->remap.late ? "in a user namespace of the workload's own"
		                                  : "through the config's user namespace");
	else
		cinch_buf_puts(&b, "remap: none\n");
	describe_caps(&b, proc);
	cinch_buf_printf(&b, "process.noNewPrivileges: %s\n", proc->no_new_privileges ? "true" : "false");
	cinch_buf_printf(&b, "root.readonly: %s\n", spec->root.readonly ? "true" : "false");
	for (size_t i = 0; i < spec->mounts.n; i++) {
		const struct cinch_spec_mount *m = &spec->mounts.items[i];
		_cleanup_free_ char *opts = joined(&m->options);
		cinch_buf_printf(&b, "mounts[%zu]: %s %s %s %s\n", i, m->destination, m->type ? m->type : "(none)",
		                 m->source ? m->source : "(none)", opts);
	}
	cinch_buf_puts(&b, "linux.namespaces:");
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		cinch_buf_printf(&b, " %s%s%s", cinch_ns_type_name(ns->type), ns->path ? "=" : "",
		                 ns->path ? ns->path : "");
	}
	cinch_buf_puts(&b, "\n");
	static const char *const sources[] = {"linux.seccomp of the config", "profile", "none"};
	cinch_buf_printf(&b, "seccomp: %s%s%s\n", sources[plan->seccomp], plan->profile ? " " : "",
	                 plan->profile ? plan->profile : "");
	const struct cinch_spec_resources *r = &spec->linux_.resources;
	bool has = spec->linux_.has_resources;
	describe_limit(&b, "linux.resources.memory.limit", has && r->has_memory, &r->memory.limit);
	describe_limit(&b, "linux.resources.pids.limit", has, &r->pids_limit);
	describe_limit(&b, "linux.resources.cpu.quota", has && r->has_cpu, &r->cpu.quota);
	_cleanup_free_ char *masked = joined(&spec->linux_.masked_paths);
	_cleanup_free_ char *ro = joined(&spec->linux_.readonly_paths);
	cinch_buf_printf(&b, "linux.maskedPaths: %s\nlinux.readonlyPaths: %s\n", masked, ro);
	_cleanup_free_ char *nodes = node_list(&spec->linux_.devices, NULL, true);
	_cleanup_free_ char *rules = rule_list(&spec->linux_.resources.devices, NULL);
	cinch_buf_printf(&b, "linux.devices: %s\nlinux.resources.devices: %s\n", nodes, rules);
	cinch_buf_printf(&b, "image: %s\n", plan->image ? plan->image : "(none)");
	return cinch_buf_steal(&b);
}
