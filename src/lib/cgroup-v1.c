/* cgroup-v1: linux.resources as writes into the per-controller v1
 * hierarchies (also used on hybrid hosts), the cpuset set-up of new
 * levels, and freezer.state. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/devices-bpf.h"
#include "cinch/error.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "cgroup-internal.h"

/* ---- the plan (pure) ---- */

static void devnum(char out[24], const struct cinch_opt_i64 *n)
{
	if (!n->set || n->value < 0)
		snprintf(out, 24, "*");
	else
		snprintf(out, 24, "%" PRId64, n->value);
}

int cinch_cgroup_device_rule_string(const struct cinch_spec_device_rule *r, size_t index, char **out,
				    struct cinch_error **err)
{
	char type = r->type ? r->type : 'a';
	const char *access = r->access ? r->access : "rwm";
	char major[24], minor[24];
	devnum(major, &r->major);
	devnum(minor, &r->minor);
	/* The kernel reads an "a" rule as "every device, every access" whatever
	 * follows; an allow that looks narrower would grant everything. */
	bool all = strchr(access, 'r') && strchr(access, 'w') && strchr(access, 'm');
	if (type == 'a' && r->allow && (strcmp(major, "*") != 0 || strcmp(minor, "*") != 0 || !all))
		return cinch_error_set(err, 0,
				       "linux.resources.devices[%zu]: an allow rule of type \"a\" allows every "
				       "device; major, minor and access must be wildcards (\"rwm\")",
				       index);
	xasprintf(out, "%c %s:%s %s", type, major, minor, access);
	return 0;
}

static int plan_devices(const struct cinch_spec_device_rules *rules, struct cinch_cgroup_plan *p,
			struct cinch_error **err)
{
	/* The fold refuses what the kernel would silently ignore, so that v1
	 * takes exactly the lists the v2 program is built from. */
	struct cinch_devices_policy pol = {0};
	if (cinch_devices_policy_build(rules, &pol, err) < 0)
		return -1;
	cinch_devices_policy_clear(&pol);
	/* A new cgroup inherits its parent's list, on most hosts "a *:* rwm":
	 * reset it to deny-all before any rule, so that only what the rules
	 * allow is allowed, whatever the config lists.  Then in order. */
	cinch_cgroup_plan_add(p, "devices.deny", false, "a");
	for (size_t i = 0; i < rules->n; i++) {
		_cleanup_free_ char *s = NULL;
		if (cinch_cgroup_device_rule_string(&rules->items[i], i, &s, err) < 0)
			return -1;
		cinch_cgroup_plan_add(p, rules->items[i].allow ? "devices.allow" : "devices.deny", false, "%s", s);
	}
	return 0;
}

static int check_bytes(const char *field, const struct cinch_opt_i64 *v, struct cinch_error **err)
{
	if (v->set && v->value < -1)
		return cinch_error_set(err, 0, "linux.resources.memory.%s: %" PRId64 " is neither a size nor -1", field,
				       v->value);
	return 0;
}

static int plan_memory(const struct cinch_spec_memory *m, const struct cinch_cgroup_facts *facts,
		       struct cinch_cgroup_plan *p, struct cinch_error **err)
{
	if (check_bytes("limit", &m->limit, err) < 0 || check_bytes("swap", &m->swap, err) < 0 ||
	    check_bytes("reservation", &m->reservation, err) < 0)
		return -1;
	int64_t limit = m->limit.set ? m->limit.value : 0;
	int64_t swap = m->swap.set ? m->swap.value : 0;
	if (limit == -1 && swap == 0)
		swap = -1; /* unlimited memory with no swap given: unlimited swap too (runc) */
	/* The kernel keeps memsw >= limit at every step: when the new memsw is
	 * above the current limit, write memsw first (raising), else the limit
	 * first (lowering).  Without swap accounting the memsw file is absent. */
	bool swap_first = limit != 0 && swap != 0 && (swap == -1 || facts->mem_limit < (uint64_t)swap);
	if (swap_first)
		cinch_cgroup_plan_add(p, "memory.memsw.limit_in_bytes", true, "%" PRId64, swap);
	if (limit != 0)
		cinch_cgroup_plan_add(p, "memory.limit_in_bytes", false, "%" PRId64, limit);
	if (swap != 0 && !swap_first)
		cinch_cgroup_plan_add(p, "memory.memsw.limit_in_bytes", true, "%" PRId64, swap);
	if (m->reservation.set && m->reservation.value != 0)
		cinch_cgroup_plan_add(p, "memory.soft_limit_in_bytes", false, "%" PRId64, m->reservation.value);
	if (m->swappiness.set)
		cinch_cgroup_plan_add(p, "memory.swappiness", false, "%" PRIu64, m->swappiness.value);
	if (m->disable_oom_killer)
		cinch_cgroup_plan_add(p, "memory.oom_control", false, "1");
	/* Deprecated, and gone from kernels without kmem accounting (skipped
	 * there, as runc's absence of it is); crun sets it. */
	if (m->kernel_tcp.set && m->kernel_tcp.value != 0)
		cinch_cgroup_plan_add(p, "memory.kmem.tcp.limit_in_bytes", true, "%" PRId64, m->kernel_tcp.value);
	return 0;
}

static void plan_cpu(const struct cinch_spec_cpu *c, struct cinch_cgroup_plan *p)
{
	if (c->shares.set && c->shares.value != 0)
		cinch_cgroup_plan_add(p, "cpu.shares", false, "%" PRIu64, c->shares.value);
	/* Period before quota: the kernel checks quota against the period. */
	if (c->period.set && c->period.value != 0)
		cinch_cgroup_plan_add(p, "cpu.cfs_period_us", false, "%" PRIu64, c->period.value);
	if (c->quota.set && c->quota.value != 0)
		cinch_cgroup_plan_add(p, "cpu.cfs_quota_us", false, "%" PRId64, c->quota.value);
	if (c->burst.set)
		cinch_cgroup_plan_add(p, "cpu.cfs_burst_us", false, "%" PRIu64, c->burst.value);
	if (c->realtime_period.set && c->realtime_period.value != 0)
		cinch_cgroup_plan_add(p, "cpu.rt_period_us", false, "%" PRIu64, c->realtime_period.value);
	if (c->realtime_runtime.set && c->realtime_runtime.value != 0)
		cinch_cgroup_plan_add(p, "cpu.rt_runtime_us", false, "%" PRId64, c->realtime_runtime.value);
	if (c->idle.set)
		cinch_cgroup_plan_add(p, "cpu.idle", false, "%" PRId64, c->idle.value);
	if (c->cpus && c->cpus[0])
		cinch_cgroup_plan_add(p, "cpuset.cpus", false, "%s", c->cpus);
	if (c->mems && c->mems[0])
		cinch_cgroup_plan_add(p, "cpuset.mems", false, "%s", c->mems);
}

static void plan_throttle(const struct cinch_spec_throttle_devices *t, const char *file, struct cinch_cgroup_plan *p)
{
	for (size_t i = 0; i < t->n; i++)
		cinch_cgroup_plan_add(p, file, false, "%" PRId64 ":%" PRId64 " %" PRIu64, t->items[i].major,
				      t->items[i].minor, t->items[i].rate);
}

static void plan_blkio(const struct cinch_spec_blkio *b, bool bfq, struct cinch_cgroup_plan *p)
{
	/* With BFQ (no CFQ since 5.0) the weights live in blkio.bfq.*. */
	if (b->weight.set)
		cinch_cgroup_plan_add(p, bfq ? "blkio.bfq.weight" : "blkio.weight", false, "%" PRIu64, b->weight.value);
	if (b->leaf_weight.set)
		cinch_cgroup_plan_add(p, "blkio.leaf_weight", false, "%" PRIu64, b->leaf_weight.value);
	for (size_t i = 0; i < b->weight_device.n; i++) {
		const struct cinch_spec_weight_device *d = &b->weight_device.items[i];
		if (d->weight.set)
			cinch_cgroup_plan_add(p, bfq ? "blkio.bfq.weight_device" : "blkio.weight_device", false,
					      "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->weight.value);
		if (d->leaf_weight.set)
			cinch_cgroup_plan_add(p, "blkio.leaf_weight_device", false, "%" PRId64 ":%" PRId64 " %" PRIu64,
					      d->major, d->minor, d->leaf_weight.value);
	}
	plan_throttle(&b->throttle_read_bps_device, "blkio.throttle.read_bps_device", p);
	plan_throttle(&b->throttle_write_bps_device, "blkio.throttle.write_bps_device", p);
	plan_throttle(&b->throttle_read_iops_device, "blkio.throttle.read_iops_device", p);
	plan_throttle(&b->throttle_write_iops_device, "blkio.throttle.write_iops_device", p);
}

static int plan_network(const struct cinch_spec_network *n, struct cinch_cgroup_plan *p, struct cinch_error **err)
{
	if (n->class_id.set)
		cinch_cgroup_plan_add(p, "net_cls.classid", false, "%" PRIu64, n->class_id.value);
	for (size_t i = 0; i < n->priorities.n; i++) {
		const char *name = n->priorities.items[i].name;
		size_t len = strlen(name);
		/* IFNAMSIZ is 16; whitespace would split the "name prio" pair. */
		if (len == 0 || len >= 16 || strpbrk(name, " \t\n/") != NULL)
			return cinch_error_set(err, 0,
					       "linux.resources.network.priorities[%zu].name: \"%s\" is not an "
					       "interface name",
					       i, name);
		cinch_cgroup_plan_add(p, "net_prio.ifpriomap", false, "%s %" PRIu32, name,
				      n->priorities.items[i].priority);
	}
	return 0;
}

int cinch_cgroup_v1_plan(const struct cinch_spec_resources *res, bool with_devices,
			 const struct cinch_cgroup_facts *facts, struct cinch_cgroup_plan *out, struct cinch_error **err)
{
	if (res->unified.n > 0)
		return cinch_error_set(err, 0, "linux.resources.unified: needs cgroup v2, but this host has cgroup v1 "
					       "controllers");
	if (with_devices && plan_devices(&res->devices, out, err) < 0)
		return -1;
	if (res->has_memory && plan_memory(&res->memory, facts, out, err) < 0)
		return -1;
	if (res->has_cpu)
		plan_cpu(&res->cpu, out);
	if (cinch_cgroup_plan_pids_hugetlb(res, "limit_in_bytes", out, err) < 0)
		return -1;
	if (res->has_block_io)
		plan_blkio(&res->block_io, facts->bfq, out);
	if (res->has_network && plan_network(&res->network, out, err) < 0)
		return -1;
	return 0;
}

/* ---- applying it ---- */

static char *controller_dir(const struct cinch_cgroup_layout *l, const char *controller, const char *path)
{
	const struct cinch_cgroup_hier *h = cinch_cgroup_layout_find(l, controller);
	return h ? cinch_cgroup_dir(h, path) : NULL;
}

static int gather_facts(const struct cinch_cgroup_layout *l, const char *path, const struct cinch_spec_resources *res,
			struct cinch_cgroup_facts *f, struct cinch_error **err)
{
	*f = (struct cinch_cgroup_facts){.mem_limit = UINT64_MAX};
	const struct cinch_spec_memory *m = &res->memory;
	if (res->has_memory && m->limit.set && m->limit.value != 0 && m->swap.set && m->swap.value != 0) {
		_cleanup_free_ char *dir = controller_dir(l, "memory", path);
		_cleanup_free_ char *text = NULL;
		if (dir && cinch_cgroup_read(dir, "memory.limit_in_bytes", &text, err) < 0)
			return -1;
		if (text) {
			text[strcspn(text, "\n")] = '\0';
			if (cinch_parse_uint(text, UINT64_MAX, &f->mem_limit) < 0)
				return cinch_error_set(err, 0, "%s/memory.limit_in_bytes: \"%s\" is not a number", dir,
						       text);
		}
	}
	if (res->has_block_io) {
		_cleanup_free_ char *dir = controller_dir(l, "blkio", path);
		f->bfq = dir && cinch_cgroup_exists(dir, "blkio.bfq.weight");
	}
	return 0;
}

static int write_plan(const struct cinch_cgroup_layout *l, const char *path, const struct cinch_cgroup_plan *p,
		      struct cinch_error **err)
{
	struct cinch_cgroup_writer out = CINCH_CGROUP_WRITER_INIT;
	int r = 0;
	for (size_t i = 0; i < p->n && r == 0; i++) {
		const struct cinch_cgroup_write *w = &p->items[i];
		_cleanup_free_ char *controller = xstrndup(w->file, strcspn(w->file, "."));
		_cleanup_free_ char *dir = controller_dir(l, controller, path);
		if (dir == NULL && w->skip_if_missing)
			continue;
		/* A limit that cannot be enforced is an error, not a silent no-op. */
		if (dir == NULL)
			r = cinch_error_set(err, 0, "%s: no cgroup v1 hierarchy has the %s controller", w->file,
					    controller);
		else
			r = cinch_cgroup_writer_put(&out, dir, w->file, w->value, w->skip_if_missing, err);
	}
	cinch_cgroup_writer_close(&out);
	return r;
}

/* On a hybrid host the kernel asks both the v1 devices cgroup and the
 * device programs of the v2 cgroup, and every one must allow: the same
 * rules in both, so that either alone holds the container (a v1 list
 * someone resets to allow-all, say). */
static int hybrid_devices(const struct cinch_cgroup_layout *l, const char *path, const struct cinch_spec_resources *res,
			  struct cinch_error **err)
{
	_cleanup_free_ char *dir = controller_dir(l, NULL, path);
	return dir ? cinch_devices_bpf_apply(dir, &res->devices, err) : 0;
}

static int v1_apply(const struct cinch_cgroup_layout *l, const char *path, const struct cinch_spec_resources *res,
		    bool creating, struct cinch_error **err)
{
	struct cinch_cgroup_facts facts;
	struct cinch_cgroup_plan plan = {0};
	/* Device rules only at create: rewriting them on a running container
	 * would deny every device for a moment. */
	int r = gather_facts(l, path, res, &facts, err);
	if (r == 0)
		r = cinch_cgroup_v1_plan(res, creating, &facts, &plan, err);
	if (r == 0)
		r = write_plan(l, path, &plan, err);
	if (r == 0 && creating)
		r = hybrid_devices(l, path, res, err);
	cinch_cgroup_plan_clear(&plan);
	return r;
}

/* A new cpuset cgroup starts with no cpus and no mems, and no process can
 * join it until they are set: inherit the parent's.  One made just now is
 * empty (or, under cgroup.clone_children, holds the parent's already). */
static int copy_if_empty(const char *parent, const char *dir, const char *file, bool made, struct cinch_error **err)
{
	_cleanup_free_ char *cur = NULL, *val = NULL;
	if (!made && cinch_cgroup_read(dir, file, &cur, err) < 0)
		return -1;
	if (cur && cur[strspn(cur, " \n")] != '\0')
		return 0;
	if (cinch_cgroup_read(parent, file, &val, err) < 0)
		return -1;
	val[strcspn(val, "\n")] = '\0';
	if (val[0] == '\0')
		return 0;
	return cinch_cgroup_write(dir, file, val, false, err);
}

static int v1_prepare_level(const struct cinch_cgroup_hier *h, const char *parent, const char *dir, bool made,
			    struct cinch_error **err)
{
	if (h->v2 || !cinch_cgroup_opts_have(h->opts, "cpuset"))
		return 0;
	if (copy_if_empty(parent, dir, "cpuset.cpus", made, err) < 0)
		return -1;
	return copy_if_empty(parent, dir, "cpuset.mems", made, err);
}

/* ---- freezer ---- */

struct freezing {
	const char *dir;
	const char *want;
	unsigned checks;
};

static int freezer_reached(void *arg, struct cinch_error **err)
{
	struct freezing *f = arg;
	_cleanup_free_ char *state = NULL;
	if (cinch_cgroup_read(f->dir, "freezer.state", &state, err) < 0)
		return -1;
	state[strcspn(state, "\n")] = '\0';
	if (strcmp(state, f->want) == 0)
		return 1;
	/* A task caught mid-fork can leave it FREEZING; asking again retries. */
	if (++f->checks % 16 == 0 && cinch_cgroup_write(f->dir, "freezer.state", f->want, false, err) < 0)
		return -1;
	return 0;
}

static int freezer_set(const char *dir, bool frozen, struct cinch_error **err)
{
	struct freezing f = {dir, frozen ? "FROZEN" : "THAWED", 0};
	if (cinch_cgroup_write(dir, "freezer.state", f.want, false, err) < 0)
		return -1;
	int r = cinch_cgroup_poll(freezer_reached, &f, CINCH_CGROUP_TIMEOUT_MS, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (frozen) /* do not leave it half frozen */
		cinch_cgroup_write(dir, "freezer.state", "THAWED", false, NULL);
	return cinch_error_set(err, 0, "%s/freezer.state: not %s after %d ms", dir, f.want, CINCH_CGROUP_TIMEOUT_MS);
}

static int v1_freeze(const struct cinch_cgroup_layout *l, const char *path, bool frozen, struct cinch_error **err)
{
	_cleanup_free_ char *dir = controller_dir(l, "freezer", path);
	if (dir)
		return freezer_set(dir, frozen, err);
	/* Hybrid without a v1 freezer: the unified hierarchy can freeze too. */
	dir = controller_dir(l, NULL, path);
	if (dir)
		return cinch_cgroup_v2_freeze_dir(dir, frozen, err);
	return cinch_error_set(err, 0, "%s: no cgroup v1 hierarchy has the freezer controller", path);
}

static int v1_is_frozen(const struct cinch_cgroup_layout *l, const char *path, bool *frozen, struct cinch_error **err)
{
	_cleanup_free_ char *dir = controller_dir(l, "freezer", path);
	_cleanup_free_ char *state = NULL;
	*frozen = false;
	if (dir == NULL) {
		dir = controller_dir(l, NULL, path);
		return dir ? cinch_cgroup_v2_is_frozen_dir(dir, frozen, err) : 0;
	}
	if (cinch_cgroup_read(dir, "freezer.state", &state, err) < 0)
		return -1;
	*frozen = strcmp(state, "FROZEN\n") == 0 || strcmp(state, "FROZEN") == 0;
	return 0;
}

static const struct cinch_cgroup_hier *v1_procs_hier(const struct cinch_cgroup_layout *l)
{
	static const char *const prefer[] = {"pids", "freezer", "memory"};
	for (size_t i = 0; i < ARRAY_SIZE(prefer); i++) {
		const struct cinch_cgroup_hier *h = cinch_cgroup_layout_find(l, prefer[i]);
		if (h)
			return h;
	}
	for (size_t i = 0; i < l->n; i++)
		if (!l->items[i].v2 && cinch_cgroup_opts_have_controller(l->items[i].opts))
			return &l->items[i];
	return cinch_cgroup_layout_find(l, NULL);
}

const struct cinch_cgroup_ops cinch_cgroup_v1_ops = {
	.prepare_level = v1_prepare_level,
	.apply = v1_apply,
	.freeze = v1_freeze,
	.is_frozen = v1_is_frozen,
	.procs_hier = v1_procs_hier,
};
