#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/hostns.h"
#include "cinch/sysctl.h"
#include "cinch/util.h"

static const unsigned long clone_flag[CINCH_NS_COUNT] = {
	[CINCH_NS_PID] = CLONE_NEWPID,	 [CINCH_NS_NETWORK] = CLONE_NEWNET, [CINCH_NS_MOUNT] = CLONE_NEWNS,
	[CINCH_NS_IPC] = CLONE_NEWIPC,	 [CINCH_NS_UTS] = CLONE_NEWUTS,	   [CINCH_NS_USER] = CLONE_NEWUSER,
	[CINCH_NS_CGROUP] = CLONE_NEWCGROUP, [CINCH_NS_TIME] = CLONE_NEWTIME,
};

/* Their names under /proc/PID/ns. */
static const char *const proc_name[CINCH_NS_COUNT] = {
	[CINCH_NS_PID] = "pid",	      [CINCH_NS_NETWORK] = "net", [CINCH_NS_MOUNT] = "mnt", [CINCH_NS_IPC] = "ipc",
	[CINCH_NS_UTS] = "uts",	      [CINCH_NS_USER] = "user",	  [CINCH_NS_CGROUP] = "cgroup",
	[CINCH_NS_TIME] = "time",
};

unsigned long cinch_ns_clone_flag(int type)
{
	return type >= 0 && type < CINCH_NS_COUNT ? clone_flag[type] : 0;
}

static const struct cinch_spec_namespace *time_entry(const struct cinch_spec *spec)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++)
		if (spec->linux_.namespaces.items[i].type == CINCH_NS_TIME)
			return &spec->linux_.namespaces.items[i];
	return NULL;
}

bool cinch_ns_has_time(const struct cinch_spec *spec)
{
	return time_entry(spec) != NULL;
}

bool cinch_ns_new_time(const struct cinch_spec *spec)
{
	const struct cinch_spec_namespace *t = time_entry(spec);
	return t && t->path == NULL;
}

char *cinch_ns_time_offsets(const struct cinch_spec_time_offsets *o)
{
	const struct {
		const char *clock;
		const struct cinch_spec_time_offset *off;
	} clocks[] = {{"monotonic", &o->monotonic}, {"boottime", &o->boottime}};
	struct cinch_buf b = {0};
	for (size_t i = 0; i < ARRAY_SIZE(clocks); i++)
		if (clocks[i].off->set)
			cinch_buf_printf(&b, "%s %lld %u\n", clocks[i].clock, (long long)clocks[i].off->secs,
					 clocks[i].off->nanosecs);
	return b.len ? cinch_buf_steal(&b) : NULL;
}

static bool same_file(const struct stat *a, const char *path)
{
	struct stat b;
	return stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

static bool is_host_ns(int fd, int type)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return false;
	char self[64], init[64];
	snprintf(self, sizeof(self), "/proc/self/ns/%s", proc_name[type]);
	snprintf(init, sizeof(init), "/proc/1/ns/%s", proc_name[type]);
	return same_file(&st, self) || same_file(&st, init);
}

int cinch_ns_facts_gather(const struct cinch_spec *spec, struct cinch_ns_facts *f, struct cinch_error **err)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		if (ns->path == NULL)
			continue;
		/* O_NONBLOCK: a FIFO there would block the open forever. */
		int fd = open(ns->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return cinch_error_set(err, errno, "linux.namespaces[%zu].path: open %s", i, ns->path);
		f->fd[ns->type] = fd;
		int t = ioctl(fd, NS_GET_NSTYPE);
		f->type[ns->type] = t < 0 ? 0 : t;
		f->host[ns->type] = t > 0 && is_host_ns(fd, ns->type);
	}
	return 0;
}

void cinch_ns_facts_close(struct cinch_ns_facts *f)
{
	for (int t = 0; t < CINCH_NS_COUNT; t++) {
		if (f->fd[t] >= 0)
			close(f->fd[t]);
		f->fd[t] = -1;
	}
}

static int check_path(const struct cinch_spec_namespace *ns, size_t i, const struct cinch_ns_facts *f,
		      struct cinch_error **err)
{
	const char *name = cinch_ns_type_name(ns->type);
	if ((unsigned long)f->type[ns->type] != clone_flag[ns->type])
		return cinch_error_set(err, 0, "linux.namespaces[%zu].path: %s is not a %s namespace", i, ns->path,
				       name);
	if (f->host[ns->type] && (ns->type == CINCH_NS_PID || ns->type == CINCH_NS_USER))
		return cinch_error_set(err, 0, "linux.namespaces[%zu].path: %s is the host's %s namespace", i,
				       ns->path, name);
	/* Whatever the policy: init would make the container's mounts on the
	 * host, where they stay.  Without a mount namespace, it makes none. */
	if (f->host[ns->type] && ns->type == CINCH_NS_MOUNT)
		return cinch_error_set(err, 0,
				       "linux.namespaces[%zu].path: %s is the host's mount namespace: the container's "
				       "mounts would be made on the host (leave the mount namespace out to share the "
				       "host's)",
				       i, ns->path);
	return 0;
}

enum cinch_mount_ns cinch_ns_mount_kind(const struct cinch_spec *spec)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		if (ns->type == CINCH_NS_MOUNT)
			return ns->path ? CINCH_MOUNT_NS_JOINED : CINCH_MOUNT_NS_OWN;
	}
	return CINCH_MOUNT_NS_NONE;
}

static unsigned long private_namespaces(const struct cinch_spec *spec, const struct cinch_ns_facts *f)
{
	unsigned long private_ns = 0;
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		if (ns->path == NULL || !f->host[ns->type])
			private_ns |= clone_flag[ns->type];
	}
	return private_ns;
}

int cinch_ns_decide(const struct cinch_spec *spec, const struct cinch_ns_facts *f, unsigned long *private_ns,
		    struct cinch_error **err)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		if (ns->path && check_path(ns, i, f, err) < 0)
			return -1;
	}
	*private_ns = private_namespaces(spec, f);
	/* The host's uts namespace, joined by path, is the host's name. */
	if ((spec->hostname || spec->domainname) && !(*private_ns & CLONE_NEWUTS))
		return cinch_error_set(err, 0, "%s: setting it needs the container's own uts namespace; with the "
					       "host's it would change the host's name",
				       spec->hostname ? "hostname" : "domainname");
	for (size_t i = 0; i < spec->linux_.sysctl.n; i++) {
		_cleanup_free_ char *normalized = NULL;
		if (cinch_sysctl_check(spec->linux_.sysctl.items[i].key, *private_ns, &normalized, err) < 0)
			return -1;
	}
	return 0;
}
