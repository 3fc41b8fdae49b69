#include "config.h"

#include <sched.h>
#include <stdbool.h>
#include <string.h>

#include "cinch/error.h"
#include "cinch/sysctl.h"
#include "cinch/util.h"

/* One family of namespaced keys: an exact key, or a prefix when it ends
 * with '.' or is a bare stem ("kernel.msg" matches kernel.msgmax). */
struct family {
	const char *match;
	bool prefix;
	unsigned long ns;
	const char *ns_name;
};

static const struct family families[] = {
	{"kernel.msg", true, CLONE_NEWIPC, "ipc"},	  {"kernel.sem", false, CLONE_NEWIPC, "ipc"},
	{"kernel.shm", true, CLONE_NEWIPC, "ipc"},	  {"fs.mqueue.", true, CLONE_NEWIPC, "ipc"},
	{"net.", true, CLONE_NEWNET, "network"},	  {"kernel.domainname", false, CLONE_NEWUTS, "uts"},
};

static const struct family *find_family(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		const struct family *f = &families[i];
		if (f->prefix ? cinch_str_has_prefix(key, f->match) && key[strlen(f->match)] != '\0'
			      : strcmp(key, f->match) == 0)
			return f;
	}
	return NULL;
}

/* Components are what the kernel names under /proc/sys: letters, digits,
 * '_', '-', and for network devices a few more; never empty, never '/'. */
static bool components_ok(const char *key)
{
	if (key[0] == '\0' || key[0] == '.')
		return false;
	for (const char *p = key; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '.' && (p[1] == '.' || p[1] == '\0'))
			return false;
		if (ch <= ' ' || ch >= 0x7f)
			return false;
	}
	return true;
}

bool cinch_sysctl_name_ok(const char *key)
{
	_cleanup_free_ char *k = xstrdup(key);
	for (char *p = k; *p; p++)
		if (*p == '/')
			*p = '.';
	return components_ok(k);
}

int cinch_sysctl_check(const char *key, unsigned long private_ns, char **normalized, struct cinch_error **err)
{
	_cleanup_free_ char *k = xstrdup(key);
	for (char *p = k; *p; p++)
		if (*p == '/')
			*p = '.';
	if (!components_ok(k))
		return cinch_error_set(err, 0, "linux.sysctl[\"%s\"]: is not a sysctl name", key);
	/* As runc: the config has a field of its own for it, and two ways of
	 * setting one name would leave which one wins to the order of steps. */
	if (strcmp(k, "kernel.hostname") == 0)
		return cinch_error_set(err, 0, "linux.sysctl[\"%s\"]: conflicts with the hostname field; set that instead",
				       key);
	const struct family *f = find_family(k);
	if (f == NULL)
		return cinch_error_set(err, 0,
				       "linux.sysctl[\"%s\"]: is not a namespaced sysctl; setting it would change the "
				       "host",
				       key);
	if (!(private_ns & f->ns))
		return cinch_error_set(err, 0,
				       "linux.sysctl[\"%s\"]: needs the container's own %s namespace; with the "
				       "host's it would change the host",
				       key, f->ns_name);
	*normalized = steal_pointer(&k);
	return 0;
}

char *cinch_sysctl_path(const char *normalized)
{
	char *path = xstrdup(normalized);
	for (char *p = path; *p; p++)
		if (*p == '.')
			*p = '/';
	return path;
}
