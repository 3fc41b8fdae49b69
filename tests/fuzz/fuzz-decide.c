/* fuzz-decide: libFuzzer harness for the policy engine on a hostile
 * config: cinch_spec_parse(), then cinch_decide() under the default
 * preset.  Besides the error contract, what the default policy promises
 * must hold of every effective config it lets through: no capability in
 * any set, no_new_privs, a read-only root, nosuid (and nodev outside /dev)
 * on every mount, a filter chosen, limits set, uid 0 only remapped or in a
 * user namespace of the config's own that maps it elsewhere; no device
 * node outside the default set and the policy's allow list, and no allow
 * rule wider than those; and a refusal is the last record.  The preset's
 * empty device allow list gets /dev/fuse (the host's c 10:229, as facts),
 * so that the path that keeps a node is fuzzed too. */
#include "config.h"

#define FUZZ_HARNESS "fuzz-decide"
#include "fuzz.h"

#include "cinch/audit.h"
#include "cinch/decide.h"
#include "cinch/mounts.h"
#include "cinch/policy.h"
#include "cinch/spec.h"

#define NAME "config.json"

static bool has(const struct cinch_strv *o, const char *opt)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->items[i], opt) == 0)
			return true;
	return false;
}

static void check_caps(const struct cinch_spec_process *p)
{
	const struct cinch_spec_capabilities *c = &p->capabilities;
	if (p->has_capabilities &&
	    (c->bounding.mask | c->effective.mask | c->inheritable.mask | c->permitted.mask | c->ambient.mask) != 0)
		fuzz_broken("a capability survived the default policy", NULL);
}

static void check_mounts(const struct cinch_spec *s)
{
	for (size_t i = 0; i < s->mounts.n; i++) {
		const struct cinch_spec_mount *m = &s->mounts.items[i];
		char *dest = cinch_mounts_clean_path(m->destination);
		bool dev = strcmp(dest, "/dev") == 0 || strncmp(dest, "/dev/", 5) == 0;
		free(dest);
		if (!has(&m->options, "nosuid") || has(&m->options, "suid"))
			fuzz_broken("a mount without nosuid", NULL);
		if (!dev && (!has(&m->options, "nodev") || has(&m->options, "dev")))
			fuzz_broken("a mount outside /dev without nodev", NULL);
	}
}

#define ALLOWED "/dev/fuse"
static const struct cinch_host_device host_fuse = {ALLOWED, 'c', 10, 229};

/* The one allowed device: the host's node at the allowed path. */
static bool allowed_node(const struct cinch_spec_device *d)
{
	char *path = cinch_mounts_clean_path(d->path);
	bool ok = strcmp(path, ALLOWED) == 0 && (d->type == 'c' || d->type == 'u') && d->major == host_fuse.major &&
	          d->minor == host_fuse.minor;
	free(path);
	return ok;
}

static void check_devices(const struct cinch_spec *s)
{
	bool fuse = false;
	for (size_t i = 0; i < s->linux_.devices.n; i++) {
		const struct cinch_spec_device *d = &s->linux_.devices.items[i];
		fuse |= allowed_node(d);
		if (!cinch_default_device(d->type, d->major, d->minor) && !allowed_node(d))
			fuzz_broken("a device node outside the default set and the allow list", NULL);
	}
	for (size_t i = 0; i < s->linux_.resources.devices.n; i++) {
		const struct cinch_spec_device_rule *r = &s->linux_.resources.devices.items[i];
		if (!r->allow)
			continue;
		if (r->type == 'a' || !r->major.set || r->major.value < 0 || !r->minor.set || r->minor.value < 0)
			fuzz_broken("an allow rule wider than one device", NULL);
		bool is_fuse = r->type == 'c' && r->major.value == host_fuse.major && r->minor.value == host_fuse.minor;
		if (!cinch_default_device(r->type, r->major.value, r->minor.value) && !(fuse && is_fuse))
			fuzz_broken("an allow rule for a device outside the default set and the nodes kept", NULL);
	}
}

/* uid 0 with no user namespace, or one that maps it to host uid 0.
 * (Unmapped, the kernel refuses the switch to it; a user namespace by
 * path is never the host's, hostns.h refuses that.) */
static bool root_on_host(const struct cinch_spec *s)
{
	bool userns = false;
	for (size_t i = 0; i < s->linux_.namespaces.n; i++) {
		if (s->linux_.namespaces.items[i].type != CINCH_NS_USER)
			continue;
		if (s->linux_.namespaces.items[i].path)
			return false;
		userns = true;
	}
	if (!userns)
		return true;
	for (size_t i = 0; i < s->linux_.uid_mappings.n; i++) {
		const struct cinch_spec_idmap *m = &s->linux_.uid_mappings.items[i];
		if (m->container_id == 0 && m->size > 0)
			return m->host_id == 0;
	}
	return false;
}

static void check_effective(const struct cinch_spec *s, const struct cinch_plan *plan)
{
	check_caps(&s->process);
	if (!s->process.no_new_privileges)
		fuzz_broken("no_new_privs off", NULL);
	if (!s->root.readonly)
		fuzz_broken("a writable root", NULL);
	check_mounts(s);
	if (plan->seccomp == CINCH_SECCOMP_NONE)
		fuzz_broken("no seccomp filter", NULL);
	const struct cinch_spec_resources *r = &s->linux_.resources;
	if (!s->linux_.has_resources || !r->has_memory || r->memory.limit.value <= 0 || r->pids_limit.value <= 0)
		fuzz_broken("no memory or pids limit", NULL);
	if (s->process.user.uid == 0 && !plan->remap.on && root_on_host(s))
		fuzz_broken("uid 0 is root on the host", NULL);
	check_devices(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	if (cinch_spec_parse((const char *)data, size, NAME, &spec, &err) < 0) {
		cinch_error_free(err);
		return 0;
	}
	struct cinch_policy policy = {0};
	if (cinch_policy_preset("default", &policy, &err) < 0)
		fuzz_broken("the default preset failed", err);
	cinch_strv_append(&policy.device_allow, ALLOWED);
	struct cinch_plan plan = {0};
	struct cinch_facts facts = {.state_root = "/run/cinch", .host_devices = &host_fuse, .n_host_devices = 1};
	int r = cinch_decide(spec, &policy, &facts, &plan, &err);
	fuzz_check(r, true, err, "");
	if (r == 0) {
		check_effective(spec, &plan);
	} else if (plan.decisions.n == 0 ||
	           plan.decisions.items[plan.decisions.n - 1].outcome != CINCH_OUTCOME_REFUSED) {
		fuzz_broken("refused without a refusal record", err);
	}
	/* What check prints and the records carry: strings from outside. */
	free(cinch_plan_describe(spec, &plan));
	for (size_t i = 0; i < plan.decisions.n; i++)
		free(cinch_audit_record(&plan.decisions.items[i], &plan, "t", "id"));
	cinch_error_free(err);
	cinch_plan_clear(&plan);
	cinch_policy_clear(&policy);
	cinch_spec_free(spec);
	return 0;
}
