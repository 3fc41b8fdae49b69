/* cgroup-v2: linux.resources as writes into the unified hierarchy, the
 * controllers enabled on the way down to the container, the device rules
 * as a BPF program attached at create (built by devices-bpf), and
 * cgroup.freeze. */
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

/* ---- conversions (pure) ---- */

uint64_t cinch_cgroup_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	/* The kernel clamps v1 shares to [2, 262144]; so do we, so that the
	 * result stays in cpu.weight's [1, 10000]. */
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cinch_cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

int cinch_cgroup_v2_swap(const struct cinch_spec_memory *m, int64_t *out, struct cinch_error **err)
{
	int64_t limit = m->limit.set ? m->limit.value : 0;
	int64_t swap = m->swap.set ? m->swap.value : 0;
	if (swap == 0) {
		/* Unlimited memory and no swap given: unlimited swap too (runc). */
		if (limit != -1)
			return 0;
		*out = -1;
		return 1;
	}
	if (swap == -1) {
		*out = -1;
		return 1;
	}
	if (swap < -1)
		return cinch_error_set(err, 0, "linux.resources.memory.swap: %" PRId64 " is neither a size nor -1", swap);
	if (limit <= 0)
		return cinch_error_set(err, 0, "linux.resources.memory.swap: a swap limit needs a memory.limit");
	/* The spec's swap is memory+swap; v2's memory.swap.max is swap alone. */
	if (swap < limit)
		return cinch_error_set(err, 0,
				       "linux.resources.memory.swap: %" PRId64 " is less than memory.limit %" PRId64
				       " (swap counts memory plus swap)",
				       swap, limit);
	*out = swap - limit;
	return 1;
}

/* ---- the plan (pure) ---- */

static void add_max(struct cinch_cgroup_plan *p, const char *file, int64_t v)
{
	if (v == -1)
		cinch_cgroup_plan_add(p, file, false, "max");
	else
		cinch_cgroup_plan_add(p, file, false, "%" PRId64, v);
}

static int plan_memory(const struct cinch_spec_memory *m, struct cinch_cgroup_plan *p, struct cinch_error **err)
{
	if (m->limit.set && m->limit.value < -1)
		return cinch_error_set(err, 0, "linux.resources.memory.limit: %" PRId64 " is neither a size nor -1",
				       m->limit.value);
	if (m->reservation.set && m->reservation.value < -1)
		return cinch_error_set(err, 0,
				       "linux.resources.memory.reservation: %" PRId64 " is neither a size nor -1",
				       m->reservation.value);
	int64_t swap = 0;
	int has_swap = cinch_cgroup_v2_swap(m, &swap, err);
	if (has_swap < 0)
		return -1;
	if (m->limit.set && m->limit.value != 0)
		add_max(p, "memory.max", m->limit.value);
	/* Without swap accounting the file is absent: fine when no swap
	 * limit or no swap is asked for, an error otherwise (runc). */
	if (has_swap && swap == -1)
		cinch_cgroup_plan_add(p, "memory.swap.max", true, "max");
	else if (has_swap)
		cinch_cgroup_plan_add(p, "memory.swap.max", swap == 0, "%" PRId64, swap);
	if (m->reservation.set && m->reservation.value != 0)
		add_max(p, "memory.low", m->reservation.value);
	return 0;
}

static int plan_cpu(const struct cinch_spec_cpu *c, struct cinch_cgroup_plan *p, struct cinch_error **err)
{
	if ((c->realtime_runtime.set && c->realtime_runtime.value != 0) ||
	    (c->realtime_period.set && c->realtime_period.value != 0))
		return cinch_error_set(err, 0,
				       "linux.resources.cpu: realtimeRuntime and realtimePeriod need cgroup v1, "
				       "but this host has cgroup v2");
	if (c->shares.set && c->shares.value != 0)
		cinch_cgroup_plan_add(p, "cpu.weight", false, "%" PRIu64,
				      cinch_cgroup_shares_to_weight(c->shares.value));
	int64_t quota = c->quota.set ? c->quota.value : 0;
	uint64_t period = c->period.set ? c->period.value : 0;
	if (quota > 0 && period != 0)
		cinch_cgroup_plan_add(p, "cpu.max", false, "%" PRId64 " %" PRIu64, quota, period);
	else if (quota > 0)
		cinch_cgroup_plan_add(p, "cpu.max", false, "%" PRId64, quota);
	else if (period != 0) /* a negative quota: no limit */
		cinch_cgroup_plan_add(p, "cpu.max", false, "max %" PRIu64, period);
	else if (quota != 0)
		cinch_cgroup_plan_add(p, "cpu.max", false, "max");
	if (c->burst.set)
		cinch_cgroup_plan_add(p, "cpu.max.burst", false, "%" PRIu64, c->burst.value);
	if (c->idle.set)
		cinch_cgroup_plan_add(p, "cpu.idle", false, "%" PRId64, c->idle.value);
	if (c->cpus && c->cpus[0])
		cinch_cgroup_plan_add(p, "cpuset.cpus", false, "%s", c->cpus);
	if (c->mems && c->mems[0])
		cinch_cgroup_plan_add(p, "cpuset.mems", false, "%s", c->mems);
	return 0;
}

static void plan_throttle(const struct cinch_spec_throttle_devices *t, const char *key, struct cinch_cgroup_plan *p)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct cinch_spec_throttle_device *d = &t->items[i];
		/* v1 reads a rate of 0 as "no limit"; v2 would read it as zero. */
		if (d->rate == 0)
			cinch_cgroup_plan_add(p, "io.max", false, "%" PRId64 ":%" PRId64 " %s=max", d->major, d->minor,
					      key);
		else
			cinch_cgroup_plan_add(p, "io.max", false, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major,
					      d->minor, key, d->rate);
	}
}

static void plan_io(const struct cinch_spec_blkio *b, bool bfq, struct cinch_cgroup_plan *p)
{
	/* BFQ takes blkio's own scale; io.weight its [1, 10000] one. */
	if (b->weight.set && bfq)
		cinch_cgroup_plan_add(p, "io.bfq.weight", false, "%" PRIu64, b->weight.value);
	else if (b->weight.set)
		cinch_cgroup_plan_add(p, "io.weight", false, "%" PRIu64, cinch_cgroup_blkio_to_io_weight(b->weight.value));
	for (size_t i = 0; i < b->weight_device.n; i++) {
		const struct cinch_spec_weight_device *d = &b->weight_device.items[i];
		if (!d->weight.set)
			continue;
		if (bfq)
			cinch_cgroup_plan_add(p, "io.bfq.weight", false, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
					      d->minor, d->weight.value);
		else
			cinch_cgroup_plan_add(p, "io.weight", false, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
					      d->minor, cinch_cgroup_blkio_to_io_weight(d->weight.value));
	}
	plan_throttle(&b->throttle_read_bps_device, "rbps", p);
	plan_throttle(&b->throttle_write_bps_device, "wbps", p);
	plan_throttle(&b->throttle_read_iops_device, "riops", p);
	plan_throttle(&b->throttle_write_iops_device, "wiops", p);
}

static int plan_unified(const struct cinch_kvs *u, struct cinch_cgroup_plan *p, struct cinch_error **err)
{
	for (size_t i = 0; i < u->n; i++) {
		const char *k = u->items[i].key;
		if (k[0] == '\0' || k[0] == '.' || strchr(k, '/') != NULL)
			return cinch_error_set(err, 0, "linux.resources.unified: \"%s\" is not a cgroup v2 interface file name",
					       k);
		/* cgroup.procs, cgroup.kill, cgroup.subtree_control... would move,
		 * kill or reshape rather than limit; only the two limits pass. */
		if (cinch_str_has_prefix(k, "cgroup.") && strcmp(k, "cgroup.max.depth") != 0 &&
		    strcmp(k, "cgroup.max.descendants") != 0)
			return cinch_error_set(err, 0, "linux.resources.unified: \"%s\" is not a resource limit", k);
		cinch_cgroup_plan_add(p, k, false, "%s", u->items[i].value);
	}
	return 0;
}

int cinch_cgroup_v2_plan(const struct cinch_spec_resources *res, const struct cinch_cgroup_facts *facts,
			 struct cinch_cgroup_plan *out, struct cinch_error **err)
{
	if (res->has_memory && plan_memory(&res->memory, out, err) < 0)
		return -1;
	if (res->has_cpu && plan_cpu(&res->cpu, out, err) < 0)
		return -1;
	if (cinch_cgroup_plan_pids_hugetlb(res, "max", out, err) < 0)
		return -1;
	if (res->has_block_io)
		plan_io(&res->block_io, facts->bfq, out);
	/* Last, so that a unified value wins over a mapped one, as in runc. */
	return plan_unified(&res->unified, out, err);
}

/* ---- controllers ---- */

static bool has_word(const char *list, const char *word, size_t n)
{
	for (const char *w = list; *w;) {
		w += strspn(w, " \n");
		size_t len = strcspn(w, " \n");
		if (len == n && strncmp(w, word, n) == 0)
			return true;
		w += len;
	}
	return false;
}

/* Makes the controllers in want ("+memory +pids") available to dir's children. */
static int enable_in(const char *dir, const char *want, struct cinch_error **err)
{
	_cleanup_free_ char *have = NULL, *avail = NULL;
	if (cinch_cgroup_read(dir, "cgroup.subtree_control", &have, err) < 0)
		return -1;
	struct cinch_buf add = {0};
	for (const char *w = want; *w;) {
		const char *name = w + 1; /* past the '+' */
		size_t len = strcspn(name, " ");
		w = name + len + (name[len] == ' ');
		if (has_word(have, name, len))
			continue;
		if (avail == NULL && cinch_cgroup_read(dir, "cgroup.controllers", &avail, err) < 0) {
			cinch_buf_free(&add);
			return -1;
		}
		if (!has_word(avail, name, len)) {
			cinch_buf_free(&add);
			return cinch_error_set(err, 0, "%s/cgroup.controllers: the %.*s controller is not available", dir,
					       (int)len, name);
		}
		cinch_buf_printf(&add, "%s+%.*s", add.len ? " " : "", (int)len, name);
	}
	int r = add.len ? cinch_cgroup_write(dir, "cgroup.subtree_control", add.data, false, err) : 0;
	cinch_buf_free(&add);
	return r;
}

/* Enables want in the hierarchy's root and every ancestor of the leaf. */
static int enable_down(const struct cinch_cgroup_hier *h, const char *path, const char *want,
		       struct cinch_error **err)
{
	for (const char *slash = path; slash != NULL; slash = strchr(slash + 1, '/')) {
		_cleanup_free_ char *sub = xstrndup(path, (size_t)(slash - path));
		_cleanup_free_ char *dir = cinch_cgroup_dir(h, sub);
		if (enable_in(dir, want, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- applying it ---- */

static int write_plan(const char *dir, const struct cinch_cgroup_plan *p, struct cinch_error **err)
{
	struct cinch_cgroup_writer out = CINCH_CGROUP_WRITER_INIT;
	int r = 0;
	for (size_t i = 0; i < p->n && r == 0; i++)
		r = cinch_cgroup_writer_put(&out, dir, p->items[i].file, p->items[i].value, p->items[i].skip_if_missing,
					    err);
	cinch_cgroup_writer_close(&out);
	return r;
}

static bool wants_weight(const struct cinch_spec_resources *res)
{
	if (!res->has_block_io)
		return false;
	if (res->block_io.weight.set)
		return true;
	for (size_t i = 0; i < res->block_io.weight_device.n; i++)
		if (res->block_io.weight_device.items[i].weight.set)
			return true;
	return false;
}

static int v2_apply(const struct cinch_cgroup_layout *l, const char *path, const struct cinch_spec_resources *res,
		    bool creating, struct cinch_error **err)
{
	const struct cinch_cgroup_hier *h = cinch_cgroup_layout_find(l, NULL);
	_cleanup_free_ char *dir = cinch_cgroup_dir(h, path);
	struct cinch_cgroup_facts facts = {0};
	struct cinch_cgroup_plan plan = {0};
	int r = cinch_cgroup_v2_plan(res, &facts, &plan, err);
	_cleanup_free_ char *want = r == 0 ? cinch_cgroup_plan_controllers(&plan) : NULL;
	if (r == 0 && want[0])
		r = enable_down(h, path, want, err);
	/* io.bfq.weight only shows once io is enabled; then plan again. */
	if (r == 0 && wants_weight(res) && cinch_cgroup_exists(dir, "io.bfq.weight")) {
		facts.bfq = true;
		cinch_cgroup_plan_clear(&plan);
		r = cinch_cgroup_v2_plan(res, &facts, &plan, err);
	}
	if (r == 0)
		r = write_plan(dir, &plan, err);
	/* Device rules only at create, as on v1: `update` attaching a second
	 * program would only deny more, never undo the first. */
	if (r == 0 && creating)
		r = cinch_devices_bpf_apply(dir, &res->devices, err);
	cinch_cgroup_plan_clear(&plan);
	return r;
}

/* ---- freezing ---- */

struct freezing {
	const char *dir;
	int64_t want;
};

static int frozen_reached(void *arg, struct cinch_error **err)
{
	struct freezing *f = arg;
	_cleanup_free_ char *events = NULL;
	int64_t v;
	if (cinch_cgroup_read(f->dir, "cgroup.events", &events, err) < 0)
		return -1;
	if (cinch_cgroup_keyed_value(events, "frozen", &v) < 0)
		return cinch_error_set(err, 0, "%s/cgroup.events: no \"frozen\" line", f->dir);
	return v == f->want;
}

int cinch_cgroup_v2_freeze_dir(const char *dir, bool frozen, struct cinch_error **err)
{
	struct freezing f = {dir, frozen};
	if (cinch_cgroup_write(dir, "cgroup.freeze", frozen ? "1" : "0", false, err) < 0)
		return -1;
	int r = cinch_cgroup_poll(frozen_reached, &f, CINCH_CGROUP_TIMEOUT_MS, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (frozen) /* do not leave it half frozen */
		cinch_cgroup_write(dir, "cgroup.freeze", "0", false, NULL);
	return cinch_error_set(err, 0, "%s/cgroup.events: still not \"frozen %d\" after %d ms", dir, frozen,
			       CINCH_CGROUP_TIMEOUT_MS);
}

int cinch_cgroup_v2_is_frozen_dir(const char *dir, bool *frozen, struct cinch_error **err)
{
	_cleanup_free_ char *events = NULL;
	int64_t v = 0;
	*frozen = false;
	if (cinch_cgroup_read(dir, "cgroup.events", &events, err) < 0)
		return -1;
	/* Kernels before 5.2 have no v2 freezer and no "frozen" line. */
	*frozen = cinch_cgroup_keyed_value(events, "frozen", &v) == 0 && v == 1;
	return 0;
}

static int v2_freeze(const struct cinch_cgroup_layout *l, const char *path, bool frozen, struct cinch_error **err)
{
	_cleanup_free_ char *dir = cinch_cgroup_dir(cinch_cgroup_layout_find(l, NULL), path);
	return cinch_cgroup_v2_freeze_dir(dir, frozen, err);
}

static int v2_is_frozen(const struct cinch_cgroup_layout *l, const char *path, bool *frozen, struct cinch_error **err)
{
	_cleanup_free_ char *dir = cinch_cgroup_dir(cinch_cgroup_layout_find(l, NULL), path);
	return cinch_cgroup_v2_is_frozen_dir(dir, frozen, err);
}

static const struct cinch_cgroup_hier *v2_procs_hier(const struct cinch_cgroup_layout *l)
{
	return cinch_cgroup_layout_find(l, NULL);
}

const struct cinch_cgroup_ops cinch_cgroup_v2_ops = {
	.prepare_level = NULL,
	.apply = v2_apply,
	.freeze = v2_freeze,
	.is_frozen = v2_is_frozen,
	.procs_hier = v2_procs_hier,
};
