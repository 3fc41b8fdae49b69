#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cinch/decide.h"
#include "cinch/error.h"
#include "cinch/hostns.h"
#include "cinch/mounts.h"
#include "cinch/plan.h"
#include "cinch/policy.h"
#include "cinch/spec.h"
#include "cinch/util.h"

/* What no policy relaxes: cinch cannot run a container without it.  (A
 * mount namespace is the hostNamespaces control's, decide.h.) */
static int check_structure(const struct cinch_spec *spec, struct cinch_error **err)
{
	if (!spec->has_process)
		return cinch_error_set(err, 0, "process: is required to create a container");
	return 0;
}

static bool new_userns(const struct cinch_spec *spec)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++)
		if (spec->linux_.namespaces.items[i].type == CINCH_NS_USER && spec->linux_.namespaces.items[i].path == NULL)
			return true;
	return false;
}

/* A mount namespace joined by path (the policy allowed it, decide.c) is
 * another's: init, root of a new user namespace, may not join one its
 * namespace does not own; and a createContainer hook, run there as the
 * host's root, would be found by a path the namespace's processes can
 * change. */
static int check_joined_mount_ns(const struct cinch_spec *spec, struct cinch_error **err)
{
	if (cinch_ns_mount_kind(spec) != CINCH_MOUNT_NS_JOINED)
		return 0;
	if (new_userns(spec))
		return cinch_error_set(err, 0, "linux.namespaces: a mount namespace by path cannot be joined from a new "
		                               "user namespace, which does not own it");
	if (spec->has_hooks && spec->hooks.create_container.n > 0)
		return cinch_error_set(err, 0, "hooks.createContainer: refused with a mount namespace by path: the hook "
		                               "would run as the host's root from a path that namespace's processes "
		                               "control");
	return 0;
}

static bool is_bind(const struct cinch_spec_mount *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->options.n; i++)
		if (strcmp(m->options.items[i], "bind") == 0 || strcmp(m->options.items[i], "rbind") == 0)
			return true;
	return false;
}

/* Where each bind source leads on the host, links followed; NULL where it
 * does not resolve (the mount then fails on its own). */
static char **resolve_bind_sources(const struct cinch_spec *spec, const char *bundle)
{
	char **out = xcalloc(spec->mounts.n + 1, sizeof(char *));
	for (size_t i = 0; i < spec->mounts.n; i++) {
		const struct cinch_spec_mount *m = &spec->mounts.items[i];
		if (!is_bind(m) || m->source == NULL)
			continue;
		_cleanup_free_ char *joined = NULL;
		if (m->source[0] != '/')
			xasprintf(&joined, "%s/%s", bundle, m->source);
		char buf[PATH_MAX];
		if (realpath(joined ? joined : m->source, buf))
			out[i] = xstrdup(buf);
	}
	return out;
}

static void free_sources(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* The host's node at each path the policy's devices.allow names, links
 * followed; a path with none (or no access) is left out, so a config
 * cannot have it. */
static struct cinch_host_device *host_devices(const struct cinch_policy *p, size_t *n)
{
	*n = 0;
	if (p->devices == CINCH_MODE_OFF || p->device_allow.n == 0)
		return NULL;
	struct cinch_host_device *out = xcalloc(p->device_allow.n, sizeof(*out));
	for (size_t i = 0; i < p->device_allow.n; i++) {
		struct stat st;
		if (stat(p->device_allow.items[i], &st) < 0)
			continue;
		char type = S_ISBLK(st.st_mode) ? 'b' : S_ISCHR(st.st_mode) ? 'c' : S_ISFIFO(st.st_mode) ? 'p' : 0;
		if (type)
			out[(*n)++] = (struct cinch_host_device){p->device_allow.items[i], type, major(st.st_rdev),
			                                         minor(st.st_rdev)};
	}
	return out;
}

static int decide_with_facts(struct cinch_spec *s, const struct cinch_plan_input *in, const struct cinch_ns_facts *ns,
                             struct cinch_plan *plan, struct cinch_error **err)
{
	size_t n_mounts = s->mounts.n; /* decide may add scratch mounts */
	char **sources = resolve_bind_sources(s, in->bundle);
	size_t n_devices = 0;
	_cleanup_free_ struct cinch_host_device *devices = host_devices(in->policy, &n_devices);
	struct cinch_facts facts = {.ns = ns,
	                            .bind_sources = sources,
	                            .state_root = in->state_root,
	                            .host_devices = devices,
	                            .n_host_devices = n_devices};
	int r = cinch_decide(s, in->policy, &facts, plan, err);
	free_sources(sources, n_mounts);
	return r;
}

int cinch_plan_build(const struct cinch_plan_input *in, struct cinch_spec **spec, struct cinch_ns_facts *ns,
                     struct cinch_plan *plan, struct cinch_error **err)
{
	*spec = NULL;
	if (cinch_spec_parse(in->text, in->len, in->config_path, spec, err) < 0)
		return -1;
	struct cinch_spec *s = *spec;
	int r = check_structure(s, err) < 0 || cinch_ns_facts_gather(s, ns, err) < 0 ? -1 : 0;
	if (r == 0)
		r = decide_with_facts(s, in, ns, plan, err);
	unsigned long private_ns = 0;
	bool remap_late = plan->remap.on && plan->remap.late;
	if (r == 0 && (cinch_ns_decide(s, ns, &private_ns, err) < 0 || cinch_mounts_check_config(s, remap_late, err) < 0))
		r = -1;
	/* Its idmapped root is a mount, and without a mount namespace init
	 * makes none (hostns.h). */
	if (r == 0 && remap_late && cinch_ns_mount_kind(s) == CINCH_MOUNT_NS_NONE)
		r = cinch_error_set(err, 0, "linux.namespaces: no mount namespace: the policy's nonRoot remap needs "
		                            "one, to mount the workload's idmapped root");
	if (r == 0)
		r = check_joined_mount_ns(s, err);
	if (r == 0)
		return 0;
	cinch_ns_facts_close(ns);
	cinch_spec_free(s);
	*spec = NULL;
	return cinch_error_prefix(err, "%s", in->config_path);
}
