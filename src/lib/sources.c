#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/idmap.h"
#include "cinch/mounts.h"
#include "cinch/sources.h"
#include "cinch/spawn.h"
#include "cinch/spec.h"
#include "cinch/sync.h"
#include "cinch/util.h"

/* What the child reports: in a page both see, as the child may be a fork
 * (cinch_spawn_borrow in a sanitizer build). */
struct opener_result {
	int code;
	char msg[PATH_MAX + 256];
};

struct opener {
	const struct cinch_spec *spec;
	const char *bundle;
	int proc_fd;
	pid_t pid;
	int sock;
	int *userns; /* per mount to idmap: the user namespace of its maps */
	struct opener_result *res;
};

__attribute__((format(printf, 3, 4))) static int opener_fail(struct opener_result *r, int code, const char *fmt,
							      ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->code = code;
	return 1;
}

static int send_source(struct opener *o, size_t i)
{
	const struct cinch_spec_mount *m = &o->spec->mounts.items[i];
	char path[PATH_MAX];
	int n = m->source[0] == '/' ? snprintf(path, sizeof(path), "%s", m->source)
				    : snprintf(path, sizeof(path), "%s/%s", o->bundle, m->source);
	if (n < 0 || (size_t)n >= sizeof(path))
		return opener_fail(o->res, ENAMETOOLONG, "mounts[%zu]: %s: open bind source", i, m->source);
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return opener_fail(o->res, errno, "mounts[%zu]: %s: open bind source", i, m->source);
	enum cinch_sync_type type = CINCH_SYNC_SOURCE;
	if (o->userns[i] >= 0) { /* asked to idmap: the copy of what was opened */
		struct cinch_error *e = NULL;
		int tree = cinch_idmap_copy(o->spec, i, fd, o->userns[i], &e);
		close(fd);
		if (tree < 0) {
			opener_fail(o->res, 0, "%s", e->msg); /* which names its errno already */
			cinch_error_free(e);
			return 1;
		}
		fd = tree;
		type = CINCH_SYNC_TREE;
	}
	int r = cinch_sync_send_fd(o->sock, type, (int)i, fd);
	int saved = errno;
	close(fd);
	if (r < 0)
		return opener_fail(o->res, saved, "mounts[%zu]: %s: hand the bind source to init", i, m->source);
	return 0;
}

/* The child: in init's mount namespace, which also sets its root and
 * working directory to that namespace's (hence the absolute paths). */
static int open_sources(void *arg)
{
	struct opener *o = arg;
	char ns[32];
	snprintf(ns, sizeof(ns), "%d/ns/mnt", (int)o->pid);
	int fd = openat(o->proc_fd, ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
		return opener_fail(o->res, errno, "enter the container's mount namespace to open its bind sources");
	close(fd);
	for (size_t i = 0; i < o->spec->mounts.n; i++)
		if (cinch_mounts_source_opened_by_runtime(&o->spec->mounts.items[i]) && send_source(o, i) != 0)
			return 1;
	return 0;
}

static bool any_source(const struct cinch_spec *spec)
{
	for (size_t i = 0; i < spec->mounts.n; i++)
		if (cinch_mounts_source_opened_by_runtime(&spec->mounts.items[i]))
			return true;
	return false;
}

static int run_opener(const struct cinch_spec *spec, const char *bundle, int proc_fd, pid_t pid, int sock,
		      int *userns, struct cinch_error **err)
{
	struct opener_result *res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		return cinch_error_set(err, errno, "mmap");
	res->code = 0;
	snprintf(res->msg, sizeof(res->msg), "the bind source opener died");
	struct opener o = {spec, bundle, proc_fd, pid, sock, userns, res};
	bool placed;
	pid_t child = cinch_spawn_borrow(0, -1, open_sources, &o, &placed);
	int status = 0;
	int r = child < 0 ? cinch_error_set(err, errno, "clone the bind source opener") : 0;
	while (child > 0 && waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			r = cinch_error_set(err, errno, "wait for the bind source opener");
			break;
		}
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		r = cinch_error_set(err, res->code, "%s", res->msg);
	munmap(res, sizeof(*res));
	return r;
}

/* The user namespace each mount asked to idmap is idmapped through: its
 * own maps' (made here, by a child of the runtime), else init's, whose maps
 * are the config's. */
static int open_idmap_userns(const struct cinch_spec *spec, int proc_fd, pid_t pid, int *userns,
			     struct cinch_error **err)
{
	for (size_t i = 0; i < spec->mounts.n; i++) {
		const struct cinch_spec_mount *m = &spec->mounts.items[i];
		if (!cinch_mounts_source_opened_by_runtime(m) || cinch_mount_idmap_asked(m) == CINCH_MOUNT_NO_IDMAP)
			continue;
		if (m->uid_mappings.n) {
			userns[i] = cinch_idmap_mount_userns(spec, i, proc_fd, err);
		} else {
			char rel[32];
			snprintf(rel, sizeof(rel), "%d/ns/user", (int)pid);
			userns[i] = openat(proc_fd, rel, O_RDONLY | O_CLOEXEC);
			if (userns[i] < 0)
				cinch_error_set(err, errno, "mounts[%zu]: idmap: open the container's user namespace", i);
		}
		if (userns[i] < 0)
			return -1;
	}
	return 0;
}

/* ---- linux.devices ---- */

/* The host id a container id maps to through maps; false if none. */
static bool host_id(const struct cinch_spec_idmaps *maps, uint64_t id, uint32_t *out)
{
	for (size_t k = 0; k < maps->n; k++) {
		const struct cinch_spec_idmap *m = &maps->items[k];
		if (id >= m->container_id && id - m->container_id < m->size) {
			*out = (uint32_t)(m->host_id + (id - m->container_id));
			return true;
		}
	}
	return false;
}

static int make_device(const struct cinch_spec *spec, size_t i, int dir, int sock, struct cinch_error **err)
{
	const struct cinch_spec_device *d = &spec->linux_.devices.items[i];
	mode_t kind = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	mode_t perm = d->file_mode.set ? (mode_t)d->file_mode.value & 07777 : 0666;
	uint32_t uid, gid;
	if (!host_id(&spec->linux_.uid_mappings, d->uid.set ? d->uid.value : 0, &uid) ||
	    !host_id(&spec->linux_.gid_mappings, d->gid.set ? d->gid.value : 0, &gid))
		return cinch_error_set(err, 0, "linux.devices[%zu]: %s: its uid or gid is not mapped in the user namespace",
				       i, d->path);
	char name[32];
	snprintf(name, sizeof(name), "%zu", i);
	if (mknodat(dir, name, kind | 0600, makedev((unsigned)d->major, (unsigned)d->minor)) < 0 ||
	    fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 || fchmodat(dir, name, perm, 0) < 0)
		return cinch_error_set(err, errno, "linux.devices[%zu]: %s: make the node", i, d->path);
	_cleanup_close_ int node = open_tree(dir, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (node < 0 || cinch_sync_send_fd(sock, CINCH_SYNC_DEVICE, (int)i, node) < 0)
		return cinch_error_set(err, errno, "linux.devices[%zu]: %s: hand the node to init", i, d->path);
	return 0;
}

/* Init, in the user namespace, may not mknod: each node is made here, as
 * the host's root, in a tmpfs of its own that no namespace holds (so not
 * nodev), owned by the host ids its uid and gid map to, and handed over as
 * a detached mount of that one node.  The device cgroup still decides
 * what it may open. */
static int send_devices(const struct cinch_spec *spec, int sock, struct cinch_error **err)
{
	if (spec->linux_.devices.n == 0)
		return 0;
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cinch_error_set(err, errno, "linux.devices: a tmpfs for the nodes");
	_cleanup_close_ int dir = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (dir < 0)
		return cinch_error_set(err, errno, "linux.devices: a tmpfs for the nodes");
	for (size_t i = 0; i < spec->linux_.devices.n; i++)
		if (make_device(spec, i, dir, sock, err) < 0)
			return -1;
	return 0;
}

int cinch_sources_send(const struct cinch_spec *spec, const char *bundle, int proc_fd, pid_t pid, int sock,
		       struct cinch_error **err)
{
	if (send_devices(spec, sock, err) < 0)
		return -1;
	if (!any_source(spec))
		return 0;
	size_t n = spec->mounts.n;
	_cleanup_free_ int *userns = xcalloc(n, sizeof(int));
	for (size_t i = 0; i < n; i++)
		userns[i] = -1;
	int r = open_idmap_userns(spec, proc_fd, pid, userns, err) < 0
		? -1
		: run_opener(spec, bundle, proc_fd, pid, sock, userns, err);
	for (size_t i = 0; i < n; i++)
		if (userns[i] >= 0)
			close(userns[i]);
	return r;
}
