#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cinch/cgroup.h"
#include "cinch/error.h"
#include "cinch/mounts.h"
#include "cinch/spec.h"
#include "cinch/util.h"

/* ---- option parsing (pure) ---- */

struct flag_name {
	const char *name;
	bool clear; /* the option turns the flag off */
	unsigned long flag;
};

static const struct flag_name mount_flags[] = {
	{"ro", false, MS_RDONLY},	   {"rw", true, MS_RDONLY},	      {"nosuid", false, MS_NOSUID},
	{"suid", true, MS_NOSUID},	   {"nodev", false, MS_NODEV},	      {"dev", true, MS_NODEV},
	{"noexec", false, MS_NOEXEC},	   {"exec", true, MS_NOEXEC},	      {"sync", false, MS_SYNCHRONOUS},
	{"async", true, MS_SYNCHRONOUS},   {"dirsync", false, MS_DIRSYNC},    {"remount", false, MS_REMOUNT},
	{"mand", false, MS_MANDLOCK},	   {"nomand", true, MS_MANDLOCK},     {"atime", true, MS_NOATIME},
	{"noatime", false, MS_NOATIME},	   {"diratime", true, MS_NODIRATIME}, {"nodiratime", false, MS_NODIRATIME},
	{"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME}, {"strictatime", false, MS_STRICTATIME},
	{"nostrictatime", true, MS_STRICTATIME}, {"silent", false, MS_SILENT}, {"loud", true, MS_SILENT},
	{"iversion", false, MS_I_VERSION}, {"noiversion", true, MS_I_VERSION}, {"lazytime", false, MS_LAZYTIME},
	{"nolazytime", true, MS_LAZYTIME},
};

static const struct flag_name propagation_flags[] = {
	{"private", false, MS_PRIVATE},		  {"rprivate", false, MS_PRIVATE | MS_REC},
	{"shared", false, MS_SHARED},		  {"rshared", false, MS_SHARED | MS_REC},
	{"slave", false, MS_SLAVE},		  {"rslave", false, MS_SLAVE | MS_REC},
	{"unbindable", false, MS_UNBINDABLE},	  {"runbindable", false, MS_UNBINDABLE | MS_REC},
};

static const struct flag_name *find_flag(const struct flag_name *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

int cinch_mount_opts_parse(const struct cinch_strv *options, struct cinch_mount_opts *out, struct cinch_error **err)
{
	memset(out, 0, sizeof(*out));
	struct cinch_buf data = {0};
	for (size_t i = 0; i < options->n; i++) {
		const char *o = options->items[i];
		const struct flag_name *f;
		if (strcmp(o, "bind") == 0) {
			out->bind = true;
		} else if (strcmp(o, "rbind") == 0) {
			out->bind = true;
			out->flags |= MS_REC;
		} else if ((f = find_flag(mount_flags, ARRAY_SIZE(mount_flags), o)) != NULL) {
			if (f->clear) {
				out->flags &= ~f->flag;
				out->clear |= f->flag;
			} else {
				out->flags |= f->flag;
				out->clear &= ~f->flag;
			}
		} else if ((f = find_flag(propagation_flags, ARRAY_SIZE(propagation_flags), o)) != NULL) {
			out->propagation = f->flag;
		} else if (strcmp(o, "tmpcopyup") == 0 || strcmp(o, "rro") == 0 || strcmp(o, "idmap") == 0 ||
			   strcmp(o, "ridmap") == 0) {
			cinch_buf_free(&data);
			return cinch_error_set(err, 0, "mount option \"%s\" is not supported by cinch yet", o);
		} else {
			if (data.len)
				cinch_buf_puts(&data, ",");
			cinch_buf_puts(&data, o);
		}
	}
	out->data = data.len ? cinch_buf_steal(&data) : NULL;
	cinch_buf_free(&data);
	return 0;
}

void cinch_mount_opts_clear(struct cinch_mount_opts *o)
{
	free(o->data);
	o->data = NULL;
}

/* ---- resolving inside the rootfs ---- */

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Creates `name` in the directory `parent`: a file or a directory; one
 * that exists already is fine. */
static int create_leaf(int parent, const char *name, bool is_file, const char *path, struct cinch_error **err)
{
	if (is_file) {
		int fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			return cinch_error_set(err, errno, "%s: create", path);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
		return cinch_error_set(err, errno, "%s: mkdir", path);
	return 0;
}

/* Creates each missing directory of path (and the leaf as a file when
 * asked), every step resolved inside the root. */
static int create_in_root(int rootfd, const char *path, bool leaf_is_file, struct cinch_error **err)
{
	/* Most targets miss only their last component (/dev/pts, one
	 * directory per cgroup hierarchy): try the parent before walking. */
	const char *last_slash = strrchr(path, '/');
	if (last_slash && last_slash[1] != '\0' && last_slash != path) {
		_cleanup_free_ char *dir = xstrndup(path, (size_t)(last_slash - path) + 1);
		_cleanup_close_ int parent = openat2_in_root(rootfd, dir, O_PATH | O_DIRECTORY);
		if (parent >= 0)
			return create_leaf(parent, last_slash + 1, leaf_is_file, path, err);
	}

	_cleanup_free_ char *copy = xstrdup(path);
	char *p = copy;
	while (*p == '/')
		p++;
	_cleanup_close_ int parent = openat2_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	if (parent < 0)
		return cinch_error_set(err, errno, "open rootfs");
	while (*p) {
		char *slash = strchr(p, '/');
		bool last = slash == NULL;
		if (slash)
			*slash = '\0';
		if (last)
			return *p ? create_leaf(parent, p, leaf_is_file, path, err) : 0;
		if (*p && create_leaf(parent, p, false, path, err) < 0)
			return -1;
		*slash = '/';
		char saved = slash[1];
		slash[1] = '\0';
		int next = openat2_in_root(rootfd, copy, O_PATH | O_DIRECTORY);
		slash[1] = saved;
		if (next < 0)
			return cinch_error_set(err, errno, "%.*s: open", (int)(slash - copy), copy);
		close(parent);
		parent = next;
		p = slash + 1;
		while (*p == '/')
			p++;
	}
	return 0;
}

int cinch_open_in_root(int rootfd, const char *path, bool create, bool leaf_is_file, struct cinch_error **err)
{
	int fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return cinch_error_set(err, errno, "%s: open in rootfs", path);
	if (create_in_root(rootfd, path, leaf_is_file, err) < 0)
		return -1;
	fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: open in rootfs", path);
	return fd;
}

static void fd_path(int fd, char buf[64])
{
	snprintf(buf, 64, "/proc/self/fd/%d", fd);
}

/* ---- mounting ---- */

/* Flags the kernel locks on a mount (and that a bind remount must repeat). */
static unsigned long locked_flags(int fd)
{
	struct statvfs sv;
	if (fstatvfs(fd, &sv) < 0)
		return 0;
	unsigned long f = 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	return f;
}

static int remount_bind(int rootfd, const char *dest, unsigned long flags, unsigned long clear,
			struct cinch_error **err)
{
	/* Re-open: the fd taken before mounting names the covered directory. */
	_cleanup_close_ int fd = cinch_open_in_root(rootfd, dest, false, false, err);
	if (fd < 0)
		return -1;
	char p[64];
	fd_path(fd, p);
	unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(MS_REC | MS_REMOUNT)) | (locked_flags(fd) & ~clear & ~MS_RDONLY);
	if (mount(NULL, p, NULL, f, NULL) < 0 && mount(NULL, p, NULL, f | locked_flags(fd), NULL) < 0)
		return cinch_error_set(err, errno, "%s: remount", dest);
	return 0;
}

static int set_propagation(int rootfd, const char *dest, unsigned long propagation, struct cinch_error **err)
{
	_cleanup_close_ int fd = cinch_open_in_root(rootfd, dest, false, false, err);
	if (fd < 0)
		return -1;
	char p[64];
	fd_path(fd, p);
	if (mount(NULL, p, NULL, propagation, NULL) < 0)
		return cinch_error_set(err, errno, "%s: set propagation", dest);
	return 0;
}

static int bind_mount(int rootfd, const char *source, const char *dest, const struct cinch_mount_opts *o,
		      struct cinch_error **err)
{
	_cleanup_close_ int src = open(source, O_PATH | O_CLOEXEC);
	if (src < 0)
		return cinch_error_set(err, errno, "%s: open bind source", source);
	struct stat st;
	if (fstat(src, &st) < 0)
		return cinch_error_set(err, errno, "%s: stat", source);
	_cleanup_close_ int dst = cinch_open_in_root(rootfd, dest, true, !S_ISDIR(st.st_mode), err);
	if (dst < 0)
		return -1;
	char sp[64], dp[64];
	fd_path(src, sp);
	fd_path(dst, dp);
	if (mount(sp, dp, NULL, MS_BIND | (o->flags & MS_REC), NULL) < 0)
		return cinch_error_set(err, errno, "bind %s on %s", source, dest);
	unsigned long flags = o->flags | (o->clear & MS_NOSUID ? 0 : MS_NOSUID);
	if (remount_bind(rootfd, dest, flags, o->clear, err) < 0)
		return -1;
	return 0;
}

/* Secure defaults written where they apply: nosuid everywhere unless the
 * config says "suid", nodev unless it says "dev" or the mount holds device
 * nodes (/dev, devpts). */
static unsigned long secure_flags(const struct cinch_spec_mount *m, const struct cinch_mount_opts *o)
{
	unsigned long f = o->flags & ~MS_REC;
	if (!(o->clear & MS_NOSUID))
		f |= MS_NOSUID;
	bool devices = strcmp(m->destination, "/dev") == 0 || (m->type && strcmp(m->type, "devpts") == 0);
	if (!(o->clear & MS_NODEV) && !devices)
		f |= MS_NODEV;
	return f;
}

static int mount_fs(int rootfd, const struct cinch_spec_mount *m, const struct cinch_mount_opts *o,
		    struct cinch_error **err)
{
	_cleanup_close_ int dst = cinch_open_in_root(rootfd, m->destination, true, false, err);
	if (dst < 0)
		return -1;
	char dp[64];
	fd_path(dst, dp);
	const char *source = m->source ? m->source : m->type;
	if (mount(source, dp, m->type, secure_flags(m, o), o->data) == 0)
		return 0;
	int e = errno;
	/* Without their own net or ipc namespace the kernel refuses fresh
	 * sysfs and mqueue mounts; bind the runtime's instead, read-only
	 * and nosuid/nodev/noexec as the fresh mount would have been. */
	const char *fallback = NULL;
	if (e == EPERM && strcmp(m->type, "sysfs") == 0)
		fallback = "/sys";
	else if (e == EPERM && strcmp(m->type, "mqueue") == 0)
		fallback = "/dev/mqueue";
	if (fallback) {
		struct cinch_mount_opts b = *o;
		b.flags |= MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC;
		return bind_mount(rootfd, fallback, m->destination, &b, err);
	}
	return cinch_error_set(err, e, "mount %s (%s) on %s", source, m->type, m->destination);
}

/* One hierarchy under the fresh tmpfs cgfd: the container's own cgroup
 * directory, bound (as runc does on v1).  cgfd holds nothing of the
 * image: plain *at calls are safe in it. */
static int bind_cgroup_place(int cgfd, const char *dest, const struct cinch_cgroup_place *pl,
			     struct cinch_error **err)
{
	if (mkdirat(cgfd, pl->name, 0755) < 0)
		return cinch_error_set(err, errno, "%s/%s: mkdir", dest, pl->name);
	_cleanup_close_ int fd = openat(cgfd, pl->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cinch_error_set(err, errno, "%s/%s: open", dest, pl->name);
	char p[64];
	fd_path(fd, p);
	if (mount(pl->dir, p, NULL, MS_BIND, NULL) < 0)
		return cinch_error_set(err, errno, "bind %s on %s/%s", pl->dir, dest, pl->name);
	/* Co-mounted controllers get a link per controller, as on the host:
	 * cpu -> cpu,cpuacct. */
	if (strchr(pl->name, ',') == NULL)
		return 0;
	_cleanup_free_ char *names = xstrdup(pl->name);
	char *save = NULL;
	for (char *c = strtok_r(names, ",", &save); c; c = strtok_r(NULL, ",", &save))
		if (!cinch_str_has_prefix(c, "name=") && symlinkat(pl->name, cgfd, c) < 0 && errno != EEXIST)
			return cinch_error_set(err, errno, "%s/%s: symlink", dest, c);
	return 0;
}

/* nosuid, nodev, noexec (and ro) on the tmpfs and every bind below it:
 * one mount_setattr, or a remount each before Linux 5.12. */
static int restrict_cgroup_tree(int rootfd, int cgfd, const char *dest, const struct cinch_cgroup_place *pl,
				size_t n, unsigned long flags, struct cinch_error **err)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
			    (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0),
	};
	if (mount_setattr(cgfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return cinch_error_set(err, errno, "%s: make nosuid, nodev, noexec%s", dest,
				       flags & MS_RDONLY ? ", read-only" : "");
	unsigned long f = flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *target = NULL;
		xasprintf(&target, "%s/%s", dest, pl[i].name);
		if (remount_bind(rootfd, target, f, 0, err) < 0)
			return -1;
	}
	return remount_bind(rootfd, dest, f, 0, err);
}

/* A "cgroup" mount shows the container's own cgroup, never the host's
 * tree (with or without a cgroup namespace): on v2 a bind of its
 * directory; on v1 and hybrid hosts a tmpfs holding a bind of its
 * directory in each hierarchy. */
static int mount_cgroup(int rootfd, const struct cinch_spec_mount *m, const struct cinch_mount_opts *o,
			const char *cgroup_path, struct cinch_error **err)
{
	unsigned long flags = (o->flags & ~MS_REC) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	_cleanup_close_ int dst = cinch_open_in_root(rootfd, m->destination, true, false, err);
	if (dst < 0)
		return -1;
	struct cinch_cgroup_place *pl = NULL;
	size_t n = 0;
	if (cinch_cgroup_places(cgroup_path, &pl, &n, err) < 0)
		return -1;
	char dp[64];
	fd_path(dst, dp);
	int r = 0;
	bool v2 = n == 1 && pl[0].name[0] == '\0';
	if (v2 && mount(pl[0].dir, dp, NULL, MS_BIND, NULL) < 0)
		r = cinch_error_set(err, errno, "bind %s on %s", pl[0].dir, m->destination);
	else if (!v2 && mount("tmpfs", dp, "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
		r = cinch_error_set(err, errno, "mount tmpfs on %s", m->destination);
	/* Re-open: dst names the directory the mount now covers. */
	int cgfd = r < 0 ? -1 : cinch_open_in_root(rootfd, m->destination, false, false, err);
	if (cgfd < 0)
		r = -1;
	for (size_t i = 0; i < n && r == 0 && !v2; i++)
		r = bind_cgroup_place(cgfd, m->destination, &pl[i], err);
	if (r == 0)
		r = restrict_cgroup_tree(rootfd, cgfd, m->destination, v2 ? NULL : pl, v2 ? 0 : n, flags, err);
	if (cgfd >= 0)
		close(cgfd);
	cinch_cgroup_places_free(pl, n);
	return r;
}

static int do_mount(int rootfd, const struct cinch_spec_mount *m, const char *cgroup_path, struct cinch_error **err)
{
	struct cinch_mount_opts o;
	if (cinch_mount_opts_parse(&m->options, &o, err) < 0)
		return -1;
	int r;
	const char *type = m->type ? m->type : "";
	if (o.bind || strcmp(type, "bind") == 0)
		r = m->source ? bind_mount(rootfd, m->source, m->destination, &o, err)
			      : cinch_error_set(err, 0, "bind mount on %s has no source", m->destination);
	else if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
		r = mount_cgroup(rootfd, m, &o, cgroup_path, err);
	else if (type[0] == '\0')
		r = cinch_error_set(err, 0, "mount on %s has no type", m->destination);
	else
		r = mount_fs(rootfd, m, &o, err);
	if (r == 0 && o.propagation)
		r = set_propagation(rootfd, m->destination, o.propagation, err);
	cinch_mount_opts_clear(&o);
	return r;
}

/* ---- /dev ---- */

struct dev_node {
	const char *name;
	unsigned major, minor;
};
static const struct dev_node default_devices[] = {
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

/* The directory a node is made in: /dev itself, open already (*opened
 * stays -1), or its own parent, opened inside the root into *opened. */
static int node_dir(int rootfd, int devfd, const char *path, const char **name, int *opened,
		    struct cinch_error **err)
{
	const char *slash = strrchr(path, '/');
	*name = slash ? slash + 1 : path;
	if (slash && (size_t)(slash - path) == strlen("/dev") && strncmp(path, "/dev", strlen("/dev")) == 0)
		return devfd;
	_cleanup_free_ char *dir = xstrndup(path, slash ? (size_t)(slash - path) : 0);
	*opened = cinch_open_in_root(rootfd, dir[0] ? dir : "/", true, false, err);
	return *opened;
}

static int make_node(int rootfd, int devfd, const char *path, char type, unsigned major, unsigned minor, mode_t perm,
		     uid_t uid, gid_t gid, bool userns, struct cinch_error **err)
{
	const char *name;
	_cleanup_close_ int opened = -1;
	int dirfd = node_dir(rootfd, devfd, path, &name, &opened, err);
	if (dirfd < 0)
		return -1;
	mode_t kind = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
	if (!userns) {
		/* Whatever the image has there goes: a node we did not make
		 * could be any device. */
		int r = mknodat(dirfd, name, kind | perm, makedev(major, minor));
		if (r < 0 && errno == EEXIST && unlinkat(dirfd, name, 0) == 0)
			r = mknodat(dirfd, name, kind | perm, makedev(major, minor));
		if (r < 0)
			return cinch_error_set(err, errno, "%s: mknod", path);
		/* init runs with umask 0, so mknod set the permission bits
		 * exactly, and the node is ours: owner and mode need a call
		 * only when the config asks for something else. */
		if (uid == 0 && gid == 0 && (perm & ~(mode_t)0777) == 0) /* init is root here */
			return 0;
		_cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		char p[64];
		fd_path(fd, p);
		if (fd < 0 || chown(p, uid, gid) < 0 || chmod(p, perm) < 0)
			return cinch_error_set(err, errno, "%s: set owner and mode", path);
		return 0;
	}
	/* In a user namespace mknod is refused: bind the host's node. */
	_cleanup_free_ char *host = NULL;
	xasprintf(&host, "/dev/%s", name);
	struct cinch_mount_opts o = {.flags = 0};
	return bind_mount(rootfd, host, path, &o, err);
}

static int setup_dev(int rootfd, const struct cinch_spec *spec, bool userns, struct cinch_error **err)
{
	_cleanup_close_ int devfd = cinch_open_in_root(rootfd, "/dev", true, false, err);
	if (devfd < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		_cleanup_free_ char *p = NULL;
		xasprintf(&p, "/dev/%s", default_devices[i].name);
		if (make_node(rootfd, devfd, p, 'c', default_devices[i].major, default_devices[i].minor, 0666, 0, 0,
			      userns, err) < 0)
			return -1;
	}
	const struct cinch_spec_devices *devs = &spec->linux_.devices;
	for (size_t i = 0; i < devs->n; i++) {
		const struct cinch_spec_device *d = &devs->items[i];
		mode_t perm = d->file_mode.set ? (mode_t)d->file_mode.value : 0666;
		if (make_node(rootfd, devfd, d->path, d->type == 'u' ? 'c' : d->type, (unsigned)d->major,
			      (unsigned)d->minor, perm, d->uid.set ? (uid_t)d->uid.value : 0,
			      d->gid.set ? (gid_t)d->gid.value : 0, userns, err) < 0)
			return -1;
	}
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
		{"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},	   {"/proc/kcore", "core"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		if (strcmp(links[i][1], "ptmx") == 0)
			unlinkat(devfd, "ptmx", 0); /* replace any node with the devpts link */
		if (symlinkat(links[i][0], devfd, links[i][1]) < 0 && errno != EEXIST)
			return cinch_error_set(err, errno, "/dev/%s: symlink", links[i][1]);
	}
	return 0;
}

static bool dev_is_bind_mounted(const struct cinch_spec *spec)
{
	for (size_t i = 0; i < spec->mounts.n; i++) {
		const struct cinch_spec_mount *m = &spec->mounts.items[i];
		if (strcmp(m->destination, "/dev") != 0)
			continue;
		if (m->type && strcmp(m->type, "bind") == 0)
			return true;
		for (size_t j = 0; j < m->options.n; j++)
			if (strcmp(m->options.items[j], "bind") == 0 || strcmp(m->options.items[j], "rbind") == 0)
				return true;
	}
	return false;
}

static bool has_own_dev_mount(const struct cinch_spec *spec)
{
	for (size_t i = 0; i < spec->mounts.n; i++)
		if (strcmp(spec->mounts.items[i].destination, "/dev") == 0)
			return true;
	return false;
}

/* ---- the sequence ---- */

static unsigned long root_propagation(const struct cinch_spec *spec)
{
	const char *p = spec->linux_.rootfs_propagation;
	if (p == NULL)
		return MS_SLAVE | MS_REC;
	const struct flag_name *f = find_flag(propagation_flags, ARRAY_SIZE(propagation_flags), p);
	return f ? f->flag : MS_SLAVE | MS_REC;
}

int cinch_mounts_setup(const struct cinch_spec *spec, const char *rootfs, bool userns, const char *cgroup_path,
		       struct cinch_error **err)
{
	/* Nothing done here may propagate back to the host. */
	unsigned long prop = root_propagation(spec);
	if (prop & MS_SHARED)
		prop = MS_SLAVE | MS_REC; /* made shared again after pivot_root */
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return cinch_error_set(err, errno, "make / %s", "a slave");
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cinch_error_set(err, errno, "%s: bind rootfs", rootfs);
	_cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cinch_error_set(err, errno, "%s: open rootfs", rootfs);

	for (size_t i = 0; i < spec->mounts.n; i++) {
		if (do_mount(rootfd, &spec->mounts.items[i], cgroup_path, err) < 0)
			return cinch_error_prefix(err, "mounts[%zu]", i);
	}
	if (!dev_is_bind_mounted(spec) && setup_dev(rootfd, spec, userns, err) < 0)
		return -1;
	return 0;
}

int cinch_mounts_pivot(const char *rootfs, struct cinch_error **err)
{
	_cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0)
		return cinch_error_set(err, errno, "open /");
	if (chdir(rootfs) < 0)
		return cinch_error_set(err, errno, "%s: chdir", rootfs);
	/* pivot_root(".", ".") stacks the old root under the new one; detach
	 * it so nothing of the host stays reachable. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return cinch_error_set(err, errno, "%s: pivot_root", rootfs);
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return cinch_error_set(err, errno, "make old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return cinch_error_set(err, errno, "detach old root");
	if (chdir("/") < 0)
		return cinch_error_set(err, errno, "chdir /");
	return 0;
}

/* The container's /dev/null, checked: an image that made it a link or a
 * bind of another file would have us expose that file over every masked
 * path (CVE-2025-31133).  Returns an O_PATH fd. */
static int open_dev_null(int rootfd, struct cinch_error **err)
{
	int fd = openat2_in_root(rootfd, "/dev/null", O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return cinch_error_set(err, errno, "/dev/null: open in rootfs");
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(fd);
		return cinch_error_set(err, 0, "/dev/null in the container is not the null device (1:3); refusing to mask with it");
	}
	return fd;
}

/* Attaches a copy of the mount at from (with what is mounted below it when
 * recursive) over target, made ro,nosuid,nodev,noexec first when attr is
 * given: built detached, so no remount and no /proc/self/fd lookup.
 * -1 with errno (ENOSYS before Linux 5.2, or 5.12 with attr). */
static int attach_copy(int from, int target, bool recursive, const struct mount_attr *attr)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	_cleanup_close_ int tree = open_tree(from, "", flags);
	if (tree < 0 ||
	    (attr && mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, (struct mount_attr *)attr, sizeof(*attr)) < 0))
		return -1;
	return move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* The mask just mounted on path, to clone for the next ones; -1 (each
 * then gets a tmpfs of its own) unless it is that empty mode-000 tmpfs. */
static int open_own_mask(int rootfd, const char *path)
{
	int fd = openat2_in_root(rootfd, path, O_PATH | O_DIRECTORY);
	struct statfs sfs;
	struct stat st;
	if (fd >= 0 && fstatfs(fd, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC && fstat(fd, &st) == 0 &&
	    (st.st_mode & 07777) == 0 && st.st_nlink == 2)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Masks a directory with an empty read-only tmpfs.  The first one mounted
 * (*shared, an fd on its root) is cloned for the others: one superblock to
 * make and tear down, not one per directory. */
static int mask_dir(int rootfd, int target, const char *path, int *shared, struct cinch_error **err)
{
	if (*shared >= 0) {
		if (attach_copy(*shared, target, false, NULL) == 0)
			return 0;
		if (errno != ENOSYS)
			return cinch_error_set(err, errno, "%s: mask", path);
	}
	char p[64];
	fd_path(target, p);
	if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=000") < 0)
		return cinch_error_set(err, errno, "%s: mask", path);
	if (*shared < 0) /* re-open: target names the directory now covered */
		*shared = open_own_mask(rootfd, path);
	return 0;
}

static int mask_path(int rootfd, int nullfd, const char *path, int *shared_dir, struct cinch_error **err)
{
	int fd = cinch_open_in_root(rootfd, path, false, false, NULL);
	if (fd < 0)
		return 0; /* nothing to mask */
	_cleanup_close_ int target = fd;
	struct stat st;
	if (fstat(target, &st) < 0)
		return cinch_error_set(err, errno, "%s: stat", path);
	if (S_ISDIR(st.st_mode))
		return mask_dir(rootfd, target, path, shared_dir, err);
	char p[64], np[64];
	fd_path(target, p);
	fd_path(nullfd, np);
	if (mount(np, p, NULL, MS_BIND, NULL) < 0)
		return cinch_error_set(err, errno, "%s: mask", path);
	return 0;
}

static int readonly_path(int rootfd, const char *path, struct cinch_error **err)
{
	int fd = cinch_open_in_root(rootfd, path, false, false, NULL);
	if (fd < 0)
		return 0;
	_cleanup_close_ int target = fd;
	static const struct mount_attr ro = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	if (attach_copy(target, target, true, &ro) == 0)
		return 0;
	if (errno != ENOSYS)
		return cinch_error_set(err, errno, "%s: bind read-only", path);
	char p[64];
	fd_path(target, p);
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cinch_error_set(err, errno, "%s: bind", path);
	return remount_bind(rootfd, path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, err);
}

int cinch_mounts_finish(const struct cinch_spec *spec, struct cinch_error **err)
{
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cinch_error_set(err, errno, "open /");
	if (spec->linux_.masked_paths.n > 0) {
		_cleanup_close_ int nullfd = open_dev_null(rootfd, err);
		_cleanup_close_ int shared_dir = -1;
		if (nullfd < 0)
			return -1;
		for (size_t i = 0; i < spec->linux_.masked_paths.n; i++)
			if (mask_path(rootfd, nullfd, spec->linux_.masked_paths.items[i], &shared_dir, err) < 0)
				return -1;
	}
	for (size_t i = 0; i < spec->linux_.readonly_paths.n; i++)
		if (readonly_path(rootfd, spec->linux_.readonly_paths.items[i], err) < 0)
			return -1;
	/* The root is nosuid always, and nodev when /dev is a mount of its
	 * own, where the device nodes live. */
	unsigned long f = MS_BIND | MS_REMOUNT | MS_NOSUID | (locked_flags(rootfd) & ~MS_RDONLY);
	if (spec->root.readonly)
		f |= MS_RDONLY;
	if (has_own_dev_mount(spec))
		f |= MS_NODEV;
	if (mount(NULL, "/", NULL, f, NULL) < 0)
		return cinch_error_set(err, errno, "remount / %s", spec->root.readonly ? "read-only" : "nosuid");
	unsigned long prop = root_propagation(spec);
	if ((prop & MS_SHARED) && mount(NULL, "/", NULL, prop, NULL) < 0)
		return cinch_error_set(err, errno, "set rootfsPropagation");
	return 0;
}
