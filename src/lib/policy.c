/* The operator's policy: presets, the JSON reader and writer.  Besides
 * spec.c, the one module that includes jansson: the policy is not a
 * config.json, and its reader refuses what the spec reader must ignore
 * (an unknown key is a typo in a security control). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cinch/caps.h"
#include "cinch/error.h"
#include "cinch/policy.h"
#include "cinch/spec.h"
#include "cinch/util.h"

#define POLICY_MAX_SIZE (1024 * 1024)

static const char *const mode_names[] = {
    [CINCH_MODE_OFF] = "off",
    [CINCH_MODE_WARN] = "warn",
    [CINCH_MODE_ENFORCE] = "enforce",
};

const char *cinch_mode_name(enum cinch_mode m)
{
	return mode_names[m];
}

static const char *const nonroot_names[] = {
    [CINCH_NONROOT_OFF] = "off",
    [CINCH_NONROOT_WARN] = "warn",
    [CINCH_NONROOT_REFUSE] = "refuse",
    [CINCH_NONROOT_REMAP] = "remap",
};

/* Namespace types a policy may let a container share with the host. */
static const struct {
	const char *name;
	unsigned long flag;
} shareable_ns[] = {
    {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS}, {"mount", CLONE_NEWNS},
};

static void strv_set(struct cinch_strv *v, const char *const *items)
{
	free_strv(v->items);
	*v = (struct cinch_strv){0};
	for (; *items; items++)
		cinch_strv_append(v, *items);
}

static void preset_default(struct cinch_policy *p)
{
	p->non_root = CINCH_NONROOT_REMAP;
	p->capabilities = CINCH_MODE_ENFORCE;
	p->cap_allow = 0;
	p->no_new_privileges = CINCH_MODE_ENFORCE;
	p->readonly_rootfs = CINCH_MODE_ENFORCE;
	strv_set(&p->scratch, (const char *const[]){"/tmp", NULL});
	p->scratch_size = 64u << 20;
	p->mounts = CINCH_MODE_ENFORCE;
	p->devices = CINCH_MODE_ENFORCE;
	p->host_namespaces = CINCH_MODE_ENFORCE;
	p->seccomp = CINCH_MODE_ENFORCE;
	p->seccomp_default = xstrdup("default");
	strv_set(&p->seccomp_selectable, (const char *const[]){"default", "strict", "batch", "network-service", NULL});
	p->resources = CINCH_MODE_ENFORCE;
	p->memory_default = INT64_C(1) << 30;
	p->pids_default = 1024;
	p->cpu_default = 1000;
	p->masked_paths = CINCH_MODE_ENFORCE;
	p->images = CINCH_MODE_OFF;
}

/* Every control reports what enforce would do and changes nothing. */
static void preset_runc_compatible(struct cinch_policy *p)
{
	preset_default(p);
	p->non_root = CINCH_NONROOT_WARN;
	p->capabilities = p->no_new_privileges = p->readonly_rootfs = p->mounts = p->devices = CINCH_MODE_WARN;
	p->host_namespaces = p->seccomp = p->resources = p->masked_paths = CINCH_MODE_WARN;
	p->seccomp_unconfined = true;
}

bool cinch_policy_is_preset(const char *name)
{
	return strcmp(name, "default") == 0 || strcmp(name, "runc-compatible") == 0;
}

int cinch_policy_preset(const char *name, struct cinch_policy *p, struct cinch_error **err)
{
	if (!cinch_policy_is_preset(name))
		return cinch_error_set(err, 0, "policy preset \"%s\": expected default or runc-compatible", name);
	cinch_policy_clear(p);
	if (strcmp(name, "default") == 0)
		preset_default(p);
	else
		preset_runc_compatible(p);
	p->name = xstrdup(name);
	return 0;
}

void cinch_policy_clear(struct cinch_policy *p)
{
	free(p->name);
	free(p->audit_file);
	free_strv(p->scratch.items);
	free_strv(p->bind_allow.items);
	free_strv(p->device_allow.items);
	free(p->seccomp_default);
	free_strv(p->seccomp_selectable.items);
	free_strv(p->image_allow.items);
	*p = (struct cinch_policy){0};
}

/* ---- reading ---- */

struct pctx {
	const char *name;
	struct cinch_error **err;
};

static int bad(struct pctx *c, const char *path, const char *fmt, const char *what)
{
	return cinch_error_set(c->err, 0, "%s: %s: %s%s", c->name, path, fmt, what ? what : "");
}

/* Refuses any key of obj not in keys[] (NULL-terminated). */
static int only_keys(struct pctx *c, json_t *obj, const char *path, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		const char *const *w = keys;
		while (*w && strcmp(*w, k) != 0)
			w++;
		if (*w == NULL) {
			_cleanup_free_ char *where = NULL;
			xasprintf(&where, "%s%s%s", path, *path ? "." : "", k);
			return bad(c, where, "unknown field", NULL);
		}
	}
	return 0;
}

/* 1: *out is the object; 0: there is none; -1: not an object. */
static int get_object(struct pctx *c, json_t *parent, const char *key, const char *path, json_t **out)
{
	*out = json_object_get(parent, key);
	if (*out && !json_is_object(*out))
		return bad(c, path, "expected an object", NULL);
	return *out != NULL;
}

static int get_mode(struct pctx *c, json_t *obj, const char *path, enum cinch_mode *out)
{
	json_t *v = json_object_get(obj, "mode");
	if (v == NULL)
		return 0;
	const char *s = json_string_value(v);
	for (size_t i = 0; s && i < ARRAY_SIZE(mode_names); i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum cinch_mode)i;
			return 0;
		}
	}
	_cleanup_free_ char *where = NULL;
	xasprintf(&where, "%s.mode", path);
	return bad(c, where, "expected \"enforce\", \"warn\" or \"off\"", NULL);
}

static int get_bool(struct pctx *c, json_t *obj, const char *key, const char *path, bool *out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v)) {
		_cleanup_free_ char *where = NULL;
		xasprintf(&where, "%s.%s", path, key);
		return bad(c, where, "expected true or false", NULL);
	}
	*out = json_is_true(v);
	return 0;
}

static int get_int(struct pctx *c, json_t *obj, const char *key, const char *path, int64_t max, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL)
		return 0;
	_cleanup_free_ char *where = NULL;
	xasprintf(&where, "%s.%s", path, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) {
		char range[64];
		snprintf(range, sizeof(range), "%lld", (long long)max);
		return bad(c, where, "expected an integer from 0 to ", range);
	}
	*out = json_integer_value(v);
	return 0;
}

/* A list of strings, each passing ok() when given. */
static int get_strv(struct pctx *c, json_t *obj, const char *key, const char *path, bool (*ok)(const char *),
                    const char *expected, struct cinch_strv *out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL)
		return 0;
	_cleanup_free_ char *where = NULL;
	xasprintf(&where, "%s.%s", path, key);
	if (!json_is_array(v))
		return bad(c, where, "expected an array of strings", NULL);
	free_strv(out->items);
	*out = (struct cinch_strv){0};
	size_t i;
	json_t *s;
	json_array_foreach(v, i, s)
	{
		const char *str = json_string_value(s);
		if (str == NULL || strlen(str) != json_string_length(s) || (ok && !ok(str))) {
			_cleanup_free_ char *at = NULL;
			xasprintf(&at, "%s[%zu]", where, i);
			return bad(c, at, "expected ", expected);
		}
		cinch_strv_append(out, str);
	}
	return 0;
}

/* Absolute, with no ".." component. */
static bool absolute_path(const char *s)
{
	if (s[0] != '/')
		return false;
	for (const char *d = s; (d = strstr(d, "..")) != NULL; d += 2)
		if (d[-1] == '/' && (d[2] == '\0' || d[2] == '/'))
			return false;
	return true;
}

static bool profile_name(const char *s)
{
	return s[0] != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(s);
}

static bool any_string(const char *s)
{
	return s[0] != '\0';
}

static int read_non_root(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o;
	int found = get_object(c, root, "nonRoot", "nonRoot", &o);
	if (found <= 0)
		return found;
	if (only_keys(c, o, "nonRoot", (const char *const[]){"mode", "idPool", NULL}) < 0)
		return -1;
	json_t *m = json_object_get(o, "mode");
	if (m) {
		const char *s = json_string_value(m);
		size_t i = 0;
		while (s && i < ARRAY_SIZE(nonroot_names) && strcmp(s, nonroot_names[i]) != 0)
			i++;
		if (s == NULL || i == ARRAY_SIZE(nonroot_names))
			return bad(c, "nonRoot.mode", "expected \"remap\", \"refuse\", \"warn\" or \"off\"", NULL);
		p->non_root = (enum cinch_nonroot)i;
	}
	json_t *pool;
	found = get_object(c, o, "idPool", "nonRoot.idPool", &pool);
	if (found <= 0)
		return found;
	if (only_keys(c, pool, "nonRoot.idPool", (const char *const[]){"start", "size", NULL}) < 0)
		return -1;
	int64_t start = -1, size = -1;
	if (get_int(c, pool, "start", "nonRoot.idPool", UINT32_MAX - 1, &start) < 0 ||
	    get_int(c, pool, "size", "nonRoot.idPool", UINT32_MAX, &size) < 0)
		return -1;
	if (start < 1 || size < CINCH_REMAP_BLOCK || start + size > (int64_t)UINT32_MAX)
		return bad(c, "nonRoot.idPool",
		           "expected start >= 1 and size >= 65536 (one container's block), ending below 4294967295",
		           NULL);
	p->pool = (struct cinch_id_pool){true, (uint32_t)start, (uint32_t)size};
	return 0;
}

static int read_capabilities(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o;
	int found = get_object(c, root, "capabilities", "capabilities", &o);
	if (found <= 0)
		return found;
	struct cinch_strv names = {0};
	int r = only_keys(c, o, "capabilities", (const char *const[]){"mode", "allow", NULL}) < 0 ||
	                get_mode(c, o, "capabilities", &p->capabilities) < 0 ||
	                get_strv(c, o, "allow", "capabilities", any_string, "a capability name", &names) < 0
	            ? -1
	            : 0;
	if (r == 0 && json_object_get(o, "allow")) {
		p->cap_allow = 0;
		for (size_t i = 0; i < names.n && r == 0; i++) {
			int cap = cinch_cap_from_name(names.items[i]);
			if (cap < 0) {
				_cleanup_free_ char *at = NULL;
				xasprintf(&at, "capabilities.allow[%zu]", i);
				r = bad(c, at, "unknown capability ", names.items[i]);
			} else {
				p->cap_allow |= UINT64_C(1) << cap;
			}
		}
	}
	free_strv(names.items);
	return r;
}

static int read_simple(struct pctx *c, json_t *root, const char *key, enum cinch_mode *mode)
{
	json_t *o;
	int found = get_object(c, root, key, key, &o);
	if (found <= 0)
		return found;
	if (only_keys(c, o, key, (const char *const[]){"mode", NULL}) < 0)
		return -1;
	return get_mode(c, o, key, mode);
}

static int read_rootfs(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o;
	int found = get_object(c, root, "readonlyRootfs", "readonlyRootfs", &o);
	if (found <= 0)
		return found;
	int64_t size = (int64_t)p->scratch_size;
	if (only_keys(c, o, "readonlyRootfs", (const char *const[]){"mode", "scratch", "scratchSize", NULL}) < 0 ||
	    get_mode(c, o, "readonlyRootfs", &p->readonly_rootfs) < 0 ||
	    get_strv(c, o, "scratch", "readonlyRootfs", absolute_path, "an absolute path", &p->scratch) < 0 ||
	    get_int(c, o, "scratchSize", "readonlyRootfs", INT64_MAX, &size) < 0)
		return -1;
	if (size < 4096)
		return bad(c, "readonlyRootfs.scratchSize", "expected at least 4096 bytes", NULL);
	p->scratch_size = (uint64_t)size;
	return 0;
}

static int read_mounts(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o;
	int found = get_object(c, root, "mounts", "mounts", &o);
	if (found <= 0)
		return found;
	return only_keys(c, o, "mounts", (const char *const[]){"mode", "allowSources", NULL}) < 0 ||
	               get_mode(c, o, "mounts", &p->mounts) < 0 ||
	               get_strv(c, o, "allowSources", "mounts", absolute_path, "an absolute path", &p->bind_allow) < 0
	           ? -1
	           : 0;
}

static int read_devices(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o;
	int found = get_object(c, root, "devices", "devices", &o);
	if (found <= 0)
		return found;
	return only_keys(c, o, "devices", (const char *const[]){"mode", "allow", NULL}) < 0 ||
	               get_mode(c, o, "devices", &p->devices) < 0 ||
	               get_strv(c, o, "allow", "devices", absolute_path, "an absolute path", &p->device_allow) < 0
	           ? -1
	           : 0;
}

static int read_host_namespaces(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o;
	int found = get_object(c, root, "hostNamespaces", "hostNamespaces", &o);
	if (found <= 0)
		return found;
	struct cinch_strv names = {0};
	int r = only_keys(c, o, "hostNamespaces", (const char *const[]){"mode", "allow", NULL}) < 0 ||
	                get_mode(c, o, "hostNamespaces", &p->host_namespaces) < 0 ||
	                get_strv(c, o, "allow", "hostNamespaces", any_string, "a namespace type", &names) < 0
	            ? -1
	            : 0;
	if (r == 0 && json_object_get(o, "allow")) {
		p->host_ns_allow = 0;
		for (size_t i = 0; i < names.n && r == 0; i++) {
			size_t k = 0;
			while (k < ARRAY_SIZE(shareable_ns) && strcmp(shareable_ns[k].name, names.items[i]) != 0)
				k++;
			if (k < ARRAY_SIZE(shareable_ns)) {
				p->host_ns_allow |= shareable_ns[k].flag;
				continue;
			}
			_cleanup_free_ char *at = NULL;
			xasprintf(&at, "hostNamespaces.allow[%zu]", i);
			r = bad(c, at, "expected pid, network, ipc, uts or mount, not ", names.items[i]);
		}
	}
	free_strv(names.items);
	return r;
}

static int read_seccomp(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o;
	int found = get_object(c, root, "seccomp", "seccomp", &o);
	if (found <= 0)
		return found;
	if (only_keys(c, o, "seccomp",
	              (const char *const[]){"mode", "defaultProfile", "selectable", "allowUnconfined", NULL}) < 0 ||
	    get_mode(c, o, "seccomp", &p->seccomp) < 0 ||
	    get_strv(c, o, "selectable", "seccomp", profile_name, "a profile name ([a-z0-9_-])",
	             &p->seccomp_selectable) < 0 ||
	    get_bool(c, o, "allowUnconfined", "seccomp", &p->seccomp_unconfined) < 0)
		return -1;
	json_t *d = json_object_get(o, "defaultProfile");
	if (d) {
		const char *s = json_string_value(d);
		if (s == NULL || !profile_name(s))
			return bad(c, "seccomp.defaultProfile", "expected a profile name ([a-z0-9_-])", NULL);
		free(p->seccomp_default);
		p->seccomp_default = xstrdup(s);
	}
	return 0;
}

static int read_limit(struct pctx *c, json_t *res, const char *key, int64_t *def, int64_t *max)
{
	json_t *o;
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "resources.%s", key);
	int found = get_object(c, res, key, path, &o);
	if (found <= 0)
		return found;
	if (only_keys(c, o, path, (const char *const[]){"default", "max", NULL}) < 0 ||
	    get_int(c, o, "default", path, INT64_MAX, def) < 0 || get_int(c, o, "max", path, INT64_MAX, max) < 0)
		return -1;
	if (*max && *def > *max)
		return bad(c, path, "default is above max", NULL);
	return 0;
}

/* cpus as a number of CPUs (1.5), kept in millicpus. */
static int get_cpus(struct pctx *c, json_t *o, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return 0;
	double d = json_number_value(v);
	if (!json_is_number(v) || !(d >= 0 && d <= 1e6)) {
		_cleanup_free_ char *at = NULL;
		xasprintf(&at, "resources.cpus.%s", key);
		return bad(c, at, "expected a number of CPUs from 0 to 1000000", NULL);
	}
	*out = (uint64_t)(d * 1000 + 0.5);
	return 0;
}

static int read_resources(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o, *cpus;
	int found = get_object(c, root, "resources", "resources", &o);
	if (found <= 0)
		return found;
	if (only_keys(c, o, "resources", (const char *const[]){"mode", "memory", "pids", "cpus", NULL}) < 0 ||
	    get_mode(c, o, "resources", &p->resources) < 0 ||
	    read_limit(c, o, "memory", &p->memory_default, &p->memory_max) < 0 ||
	    read_limit(c, o, "pids", &p->pids_default, &p->pids_max) < 0 ||
	    get_object(c, o, "cpus", "resources.cpus", &cpus) < 0)
		return -1;
	if (cpus == NULL)
		return 0;
	if (only_keys(c, cpus, "resources.cpus", (const char *const[]){"default", "max", NULL}) < 0 ||
	    get_cpus(c, cpus, "default", &p->cpu_default) < 0 || get_cpus(c, cpus, "max", &p->cpu_max) < 0)
		return -1;
	if (p->cpu_max && p->cpu_default > p->cpu_max)
		return bad(c, "resources.cpus", "default is above max", NULL);
	return 0;
}

static int read_images(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	json_t *o;
	int found = get_object(c, root, "images", "images", &o);
	if (found <= 0)
		return found;
	return only_keys(c, o, "images", (const char *const[]){"mode", "allow", "requireAnnotation", NULL}) < 0 ||
	               get_mode(c, o, "images", &p->images) < 0 ||
	               get_strv(c, o, "allow", "images", any_string, "an image pattern", &p->image_allow) < 0 ||
	               get_bool(c, o, "requireAnnotation", "images", &p->image_required) < 0
	           ? -1
	           : 0;
}

static int read_top(struct pctx *c, json_t *root, struct cinch_policy *p)
{
	static const char *const keys[] = {
	    "preset",  "auditFile",      "nonRoot", "capabilities", "noNewPrivileges", "readonlyRootfs", "mounts",
	    "devices", "hostNamespaces", "seccomp", "resources",    "maskedPaths",     "images",         NULL};
	if (!json_is_object(root))
		return bad(c, "(root)", "expected an object", NULL);
	if (only_keys(c, root, "", keys) < 0)
		return -1;
	json_t *preset = json_object_get(root, "preset");
	const char *base = preset ? json_string_value(preset) : "default";
	if (base == NULL || !cinch_policy_is_preset(base))
		return bad(c, "preset", "expected \"default\" or \"runc-compatible\"", NULL);
	if (cinch_policy_preset(base, p, c->err) < 0)
		return -1;
	free(p->name);
	p->name = xstrdup(c->name);
	json_t *audit = json_object_get(root, "auditFile");
	if (audit) {
		const char *s = json_string_value(audit);
		if (s == NULL || !absolute_path(s))
			return bad(c, "auditFile", "expected an absolute path", NULL);
		p->audit_file = xstrdup(s);
	}
	return read_non_root(c, root, p) < 0 || read_capabilities(c, root, p) < 0 ||
	               read_simple(c, root, "noNewPrivileges", &p->no_new_privileges) < 0 ||
	               read_rootfs(c, root, p) < 0 || read_mounts(c, root, p) < 0 || read_devices(c, root, p) < 0 ||
	               read_host_namespaces(c, root, p) < 0 || read_seccomp(c, root, p) < 0 ||
	               read_resources(c, root, p) < 0 || read_simple(c, root, "maskedPaths", &p->masked_paths) < 0 ||
	               read_images(c, root, p) < 0
	           ? -1
	           : 0;
}

int cinch_policy_parse(const char *text, size_t len, const char *name, struct cinch_policy *p, struct cinch_error **err)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return cinch_error_set(err, 0, "%s: line %d: %s", name, jerr.line, jerr.text);
	struct pctx c = {name, err};
	struct cinch_policy tmp = {0};
	int r = read_top(&c, root, &tmp);
	json_decref(root);
	if (r < 0) {
		cinch_policy_clear(&tmp);
		return -1;
	}
	cinch_policy_clear(p);
	*p = tmp;
	return 0;
}

/* The operator's file decides what every container may do: one that
 * someone else could have written is no policy at all. */
static int check_owner(int fd, const char *path, struct cinch_error **err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return cinch_error_set(err, errno, "policy %s: stat", path);
	if (!S_ISREG(st.st_mode))
		return cinch_error_set(err, 0, "policy %s: not a regular file", path);
	if (st.st_uid != 0)
		return cinch_error_set(err, 0, "policy %s: owned by uid %u, not root", path, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return cinch_error_set(err, 0, "policy %s: group or others may write it (mode %04o)", path,
		                       (unsigned)(st.st_mode & 07777));
	return 0;
}

int cinch_policy_load(const char *which, struct cinch_policy *p, struct cinch_error **err)
{
	if (which && cinch_policy_is_preset(which))
		return cinch_policy_preset(which, p, err);
	const char *path = which ? which : CINCH_POLICY_FILE;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT && which == NULL)
		return cinch_policy_preset("default", p, err);
	if (fd < 0)
		return cinch_error_set(err, errno, "policy %s", path);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (check_owner(fd, path, err) < 0 || cinch_read_fd(fd, path, POLICY_MAX_SIZE, &text, &len, err) < 0)
		return -1;
	return cinch_policy_parse(text, len, path, p, err);
}

/* ---- writing ---- */

static json_t *strv_json(const struct cinch_strv *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(a, json_string(v->items[i]));
	return a;
}

static json_t *mode_only(enum cinch_mode m)
{
	return json_pack("{s:s}", "mode", cinch_mode_name(m));
}

static json_t *limit_json(int64_t def, int64_t max)
{
	return json_pack("{s:I,s:I}", "default", (json_int_t)def, "max", (json_int_t)max);
}

char *cinch_policy_to_json(const struct cinch_policy *p)
{
	json_t *caps = json_array();
	for (int i = 0; i <= CINCH_CAP_LAST; i++)
		if (p->cap_allow & (UINT64_C(1) << i))
			json_array_append_new(caps, json_string(cinch_cap_name(i)));
	json_t *ns = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(shareable_ns); i++)
		if (p->host_ns_allow & shareable_ns[i].flag)
			json_array_append_new(ns, json_string(shareable_ns[i].name));
	json_t *non_root = json_pack("{s:s}", "mode", nonroot_names[p->non_root]);
	if (p->pool.set)
		json_object_set_new(
		    non_root, "idPool",
		    json_pack("{s:I,s:I}", "start", (json_int_t)p->pool.start, "size", (json_int_t)p->pool.size));
	json_t *root = json_object();
	if (p->audit_file)
		json_object_set_new(root, "auditFile", json_string(p->audit_file));
	json_object_set_new(root, "nonRoot", non_root);
	json_object_set_new(root, "capabilities",
	                    json_pack("{s:s,s:o}", "mode", cinch_mode_name(p->capabilities), "allow", caps));
	json_object_set_new(root, "noNewPrivileges", mode_only(p->no_new_privileges));
	json_object_set_new(root, "readonlyRootfs",
	                    json_pack("{s:s,s:o,s:I}", "mode", cinch_mode_name(p->readonly_rootfs), "scratch",
	                              strv_json(&p->scratch), "scratchSize", (json_int_t)p->scratch_size));
	json_object_set_new(
	    root, "mounts",
	    json_pack("{s:s,s:o}", "mode", cinch_mode_name(p->mounts), "allowSources", strv_json(&p->bind_allow)));
	json_object_set_new(
	    root, "devices",
	    json_pack("{s:s,s:o}", "mode", cinch_mode_name(p->devices), "allow", strv_json(&p->device_allow)));
	json_object_set_new(root, "hostNamespaces",
	                    json_pack("{s:s,s:o}", "mode", cinch_mode_name(p->host_namespaces), "allow", ns));
	json_object_set_new(root, "seccomp",
	                    json_pack("{s:s,s:s,s:o,s:b}", "mode", cinch_mode_name(p->seccomp), "defaultProfile",
	                              p->seccomp_default, "selectable", strv_json(&p->seccomp_selectable),
	                              "allowUnconfined", p->seccomp_unconfined));
	json_object_set_new(root, "resources",
	                    json_pack("{s:s,s:o,s:o,s:{s:f,s:f}}", "mode", cinch_mode_name(p->resources), "memory",
	                              limit_json(p->memory_default, p->memory_max), "pids",
	                              limit_json(p->pids_default, p->pids_max), "cpus", "default",
	                              (double)p->cpu_default / 1000, "max", (double)p->cpu_max / 1000));
	json_object_set_new(root, "maskedPaths", mode_only(p->masked_paths));
	json_object_set_new(root, "images",
	                    json_pack("{s:s,s:o,s:b}", "mode", cinch_mode_name(p->images), "allow",
	                              strv_json(&p->image_allow), "requireAnnotation", p->image_required));
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		abort(); /* only out of memory */
	char *out = NULL;
	xasprintf(&out, "%s\n", s);
	free(s);
	return out;
}
