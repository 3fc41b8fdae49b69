#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "cinch/hostns.h"
#include "cinch/idmap.h"
#include "cinch/log.h"
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
	{"nolazytime", true, MS_LAZYTIME}, {"nosymfollow", false, MS_NOSYMFOLLOW}, {"symfollow", true, MS_NOSYMFOLLOW},
	{"defaults", false, 0},
};

/* The recursive ones, as MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE).
 * atime is a mode, not a flag: each atime option names the mode it
 * leaves (the opposite of one is the kernel's default, relatime; of
 * relatime, strictatime). */
struct rec_name {
	const char *name;
	bool clear;
	unsigned int attr;
	int atime; /* -1: not an atime option */
};
static const struct rec_name rec_flags[] = {
	{"rro", false, MOUNT_ATTR_RDONLY, -1},
	{"rrw", true, MOUNT_ATTR_RDONLY, -1},
	{"rnosuid", false, MOUNT_ATTR_NOSUID, -1},
	{"rnodev", false, MOUNT_ATTR_NODEV, -1},
	{"rnoexec", false, MOUNT_ATTR_NOEXEC, -1},
	{"rexec", true, MOUNT_ATTR_NOEXEC, -1},
	{"rnodiratime", false, MOUNT_ATTR_NODIRATIME, -1},
	{"rdiratime", true, MOUNT_ATTR_NODIRATIME, -1},
	{"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW, -1},
	{"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW, -1},
	{"rnoatime", false, 0, MOUNT_ATTR_NOATIME},
	{"ratime", false, 0, MOUNT_ATTR_RELATIME},
	{"rrelatime", false, 0, MOUNT_ATTR_RELATIME},
	{"rnorelatime", false, 0, MOUNT_ATTR_STRICTATIME},
	{"rstrictatime", false, 0, MOUNT_ATTR_STRICTATIME},
	{"rnostrictatime", false, 0, MOUNT_ATTR_RELATIME},
};

/* Options of the spec cinch refuses, and why. */
static const struct {
	const char *name;
	const char *why;
} refused_options[] = {
	{"tmpcopyup", "is not supported by cinch yet"},
	{"rsuid", "is refused: it would let setuid files act on every mount below, which no policy control judges"},
	{"rdev", "is refused: it would let device nodes act on every mount below, which no policy control judges"},
};

static void apply_rec(struct cinch_mount_opts *out, const struct rec_name *r)
{
	if (r->atime >= 0) {
		out->rec_atime = r->atime;
	} else if (r->clear) {
		out->rec_set &= ~r->attr;
		out->rec_clear |= r->attr;
	} else {
		out->rec_set |= r->attr;
		out->rec_clear &= ~r->attr;
	}
}

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

static int refuse_option(const char *o, struct cinch_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(refused_options); i++)
		if (strcmp(o, refused_options[i].name) == 0)
			return cinch_error_set(err, 0, "mount option \"%s\" %s", o, refused_options[i].why);
	return 0;
}

int cinch_mount_opts_parse(const struct cinch_strv *options, struct cinch_mount_opts *out, struct cinch_error **err)
{
	memset(out, 0, sizeof(*out));
	out->rec_atime = -1;
	struct cinch_buf data = {0};
	for (size_t i = 0; i < options->n; i++) {
		const char *o = options->items[i];
		const struct flag_name *f;
		if (refuse_option(o, err) < 0) {
			cinch_buf_free(&data);
			return -1;
		}
		bool rec = false;
		for (size_t k = 0; k < ARRAY_SIZE(rec_flags) && !rec; k++)
			if ((rec = strcmp(o, rec_flags[k].name) == 0))
				apply_rec(out, &rec_flags[k]);
		if (rec)
			continue;
		if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0) {
			out->idmap = o[0] == 'r' ? CINCH_MOUNT_RIDMAP : CINCH_MOUNT_IDMAP;
		} else if (strcmp(o, "bind") == 0) {
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

/* Linux's own bound on the symlinks one lookup may follow. */
#define MAX_SYMLINKS_ON_THE_WAY 40

/* A symlink on the way whose target is missing (runc and crun follow it,
 * and make the target): the path goes on from the target.  A relative
 * target is joined to the part of the path before the link, an absolute
 * one replaces it; openat2 resolves the result inside the root either
 * way.  NULL if `name` is not a symlink. */
static char *through_symlink(int parent, const char *name, const char *before, size_t before_len, const char *rest)
{
	struct stat st;
	char target[PATH_MAX];
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
		return NULL;
	ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	const char *sep = *rest ? "/" : "";
	char *next = NULL;
	if (target[0] == '/')
		xasprintf(&next, "%s%s%s", target, sep, rest);
	else
		xasprintf(&next, "/%.*s/%s%s%s", (int)before_len, before, target, sep, rest);
	return next;
}

static int create_in_root_from(int rootfd, const char *path, bool leaf_is_file, int symlinks, const char *asked,
                               struct cinch_error **err);

/* Makes `name` in `parent` (0), a file if is_file, unless it is a symlink
 * and `symlinks` (the number still to follow) is not 0: then the rest of
 * the path is made from its target (1), its leaf a file if leaf_is_file.
 * A symlink not followed is left as it is. */
static int create_step(int rootfd, int parent, const char *name, const char *before, size_t before_len,
                       const char *rest, bool is_file, bool leaf_is_file, int symlinks, const char *asked,
                       struct cinch_error **err)
{
	_cleanup_free_ char *next = symlinks ? through_symlink(parent, name, before, before_len, rest) : NULL;
	if (next == NULL)
		return create_leaf(parent, name, is_file, asked, err);
	if (symlinks == 1)
		return cinch_error_set(err, ELOOP, "%s: create", asked);
	return create_in_root_from(rootfd, next, leaf_is_file, symlinks - 1, asked, err) < 0 ? -1 : 1;
}

/* Creates each missing directory of path (and the leaf as a file when
 * asked), every step resolved inside the root.  `asked` is the path the
 * config gave, for errors. */
static int create_in_root_from(int rootfd, const char *path, bool leaf_is_file, int symlinks, const char *asked,
                               struct cinch_error **err)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *p = copy;
	while (*p == '/')
		p++;
	_cleanup_close_ int parent = openat2_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	if (parent < 0)
		return cinch_error_set(err, errno, "open rootfs");
	while (*p) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		const char *rest = slash ? slash + 1 : "";
		bool last = slash == NULL || strspn(rest, "/") == strlen(rest);
		int r = create_step(rootfd, parent, p, copy, (size_t)(p - copy), rest, last && leaf_is_file, leaf_is_file,
		                    symlinks, asked, err);
		if (r != 0 || last)
			return r < 0 ? -1 : 0;
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

/* < 0 on failure.  With follow false, a symlink on the way is left alone
 * (the caller refuses it). */
static int create_in_root(int rootfd, const char *path, bool leaf_is_file, bool follow, struct cinch_error **err)
{
	int symlinks = follow ? MAX_SYMLINKS_ON_THE_WAY + 1 : 0;
	/* Most targets miss only their last component (/dev/pts, one
	 * directory per cgroup hierarchy): try the parent before walking. */
	const char *last_slash = strrchr(path, '/');
	if (last_slash && last_slash[1] != '\0' && last_slash != path) {
		_cleanup_free_ char *dir = xstrndup(path, (size_t)(last_slash - path) + 1);
		_cleanup_close_ int parent = openat2_in_root(rootfd, dir, O_PATH | O_DIRECTORY);
		if (parent >= 0)
			return create_step(rootfd, parent, last_slash + 1, dir, strlen(dir), "", leaf_is_file,
			                   leaf_is_file, symlinks, path, err);
	}
	return create_in_root_from(rootfd, path, leaf_is_file, symlinks, path, err);
}

int cinch_open_in_root(int rootfd, const char *path, bool create, bool leaf_is_file, struct cinch_error **err)
{
	int fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return cinch_error_set(err, errno, "%s: open in rootfs", path);
	if (create_in_root(rootfd, path, leaf_is_file, true, err) < 0)
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

/* ---- procfs and sysfs ---- */

/* A mount inside /proc or /sys hides or replaces what the kernel shows
 * there.  Only these may be mounted over: the files lxcfs-style tools
 * bind over (the ones runc allows), and the cgroup tree. */
static const char *const kernfs_allowlist[] = {
	"/proc/cpuinfo",      "/proc/diskstats",    "/proc/meminfo",	    "/proc/stat",
	"/proc/swaps",	      "/proc/uptime",	    "/proc/loadavg",	    "/proc/slabinfo",
	"/proc/pressure/cpu", "/proc/pressure/io",  "/proc/pressure/memory", "/proc/sys/kernel/ns_last_pid",
	"/sys/fs/cgroup",
};

/* path is dir or lies below it. */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

char *cinch_mounts_clean_path(const char *path)
{
	/* Lexically: "//", "." and ".." (never above "/"), no trailing "/". */
	size_t len = strlen(path);
	char *out = xmalloc(len + 2);
	size_t o = 0;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = end;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static bool is_kernfs_type(const char *type)
{
	return type && (strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0);
}

/* The rule on where a mount may go, by its destination as written
 * (cleaned): /proc only takes a proc mount, /sys a sysfs or a bind (of
 * the host's /sys), and nothing goes below them but the allowlist. */
int cinch_mounts_check_kernfs_dest(const char *dest, const char *type, bool bind, struct cinch_error **err)
{
	const char *t = bind ? "bind" : type ? type : "";
	/* A procfs or sysfs anywhere else would get none of the masks and
	 * read-only paths, which name /proc and /sys. */
	if (strcmp(t, "proc") == 0 && strcmp(dest, "/proc") != 0)
		return cinch_error_set(err, 0, "%s: a proc mount may go on /proc only", dest);
	if (strcmp(t, "sysfs") == 0 && strcmp(dest, "/sys") != 0)
		return cinch_error_set(err, 0, "%s: a sysfs mount may go on /sys only", dest);
	if (strcmp(dest, "/proc") == 0)
		return strcmp(t, "proc") == 0 ? 0
					       : cinch_error_set(err, 0, "%s: only a proc mount may go on /proc, not %s",
								 dest, t);
	if (strcmp(dest, "/sys") == 0)
		return strcmp(t, "sysfs") == 0 || bind
			       ? 0
			       : cinch_error_set(err, 0, "%s: only sysfs or a bind of /sys may go on /sys, not %s", dest,
						 t);
	if (!path_under(dest, "/proc") && !path_under(dest, "/sys"))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(kernfs_allowlist); i++)
		if (strcmp(dest, kernfs_allowlist[i]) == 0)
			return 0;
	return cinch_error_set(err, 0,
			       "%s: a mount inside /proc or /sys is refused (only /proc/cpuinfo, diskstats, meminfo, "
			       "stat, swaps, uptime, loadavg, slabinfo, pressure/*, sys/kernel/ns_last_pid and "
			       "/sys/fs/cgroup may be mounted over)",
			       dest);
}

enum cinch_mount_idmap cinch_mount_idmap_asked(const struct cinch_spec_mount *m)
{
	struct cinch_mount_opts o;
	struct cinch_error *e = NULL;
	if (cinch_mount_opts_parse(&m->options, &o, &e) < 0) {
		cinch_error_free(e); /* refused by cinch_mounts_check_config */
		return CINCH_MOUNT_NO_IDMAP;
	}
	enum cinch_mount_idmap how = o.idmap;
	cinch_mount_opts_clear(&o);
	if (how == CINCH_MOUNT_NO_IDMAP && (m->uid_mappings.n || m->gid_mappings.n))
		how = CINCH_MOUNT_IDMAP;
	return how;
}

static bool has_new_userns(const struct cinch_spec *spec, bool *by_path)
{
	for (size_t i = 0; i < spec->linux_.namespaces.n; i++) {
		const struct cinch_spec_namespace *ns = &spec->linux_.namespaces.items[i];
		if (ns->type == CINCH_NS_USER) {
			*by_path = ns->path != NULL;
			return ns->path == NULL;
		}
	}
	*by_path = false;
	return false;
}

/* An idmapped mount: a bind, with both maps or neither, and then a user
 * namespace of the container's own whose maps it takes. */
static int check_idmap(const struct cinch_spec *spec, const struct cinch_spec_mount *m, bool bind, bool remap_late,
		       struct cinch_error **err)
{
	enum cinch_mount_idmap how = cinch_mount_idmap_asked(m);
	if (how == CINCH_MOUNT_NO_IDMAP)
		return 0;
	const char *opt = how == CINCH_MOUNT_RIDMAP ? "ridmap" : "idmap";
	if (!bind)
		return cinch_error_set(err, 0, "%s: only a bind mount can be idmapped", opt);
	if ((m->uid_mappings.n == 0) != (m->gid_mappings.n == 0))
		return cinch_error_set(err, 0, "%s: uidMappings and gidMappings go together", opt);
	bool by_path;
	if (m->uid_mappings.n || remap_late || has_new_userns(spec, &by_path))
		return 0;
	return cinch_error_set(err, 0, "%s: without uidMappings and gidMappings it takes the maps of the container's "
				       "new user namespace, and %s",
			       opt, by_path ? "its user namespace is joined by path" : "it has none");
}

/* The first option of a bind mount's data that is a bare word (returned),
 * after a warning for each key=value one, which the kernel would never see. */
static char *bind_data_word(const char *data, size_t index)
{
	for (const char *p = data; *p;) {
		size_t len = strcspn(p, ",");
		_cleanup_free_ char *opt = xstrndup(p, len);
		if (strchr(opt, '=') == NULL)
			return steal_pointer(&opt);
		cinch_log(CINCH_LOG_WARNING, "mounts[%zu]: option \"%s\" ignored: a bind mount takes no filesystem options",
			  index, opt);
		p += len + (p[len] == ',');
	}
	return NULL;
}

int cinch_mounts_check_config(const struct cinch_spec *spec, bool remap_late, struct cinch_error **err)
{
	for (size_t i = 0; i < spec->mounts.n; i++) {
		const struct cinch_spec_mount *m = &spec->mounts.items[i];
		struct cinch_mount_opts o;
		if (cinch_mount_opts_parse(&m->options, &o, err) < 0)
			return cinch_error_prefix(err, "mounts[%zu]", i);
		const char *type = m->type ? m->type : "";
		bool bind = o.bind || strcmp(type, "bind") == 0;
		/* A bind mount passes no data to the kernel.  A key=value
		 * option is a filesystem's (mode=, size=: runtime-tools puts them
		 * on every mount) and goes with a warning, as runc and crun drop
		 * it; a bare word that is no flag is refused, since it is more
		 * likely a flag mistyped ("r0") than anything else. */
		_cleanup_free_ char *unknown = bind && o.data ? bind_data_word(o.data, i) : NULL;
		cinch_mount_opts_clear(&o);
		if (unknown)
			return cinch_error_set(err, 0, "mounts[%zu]: mount option \"%s\" is unknown to cinch (a bind mount "
						       "takes no filesystem options)",
					       i, unknown);
		_cleanup_free_ char *dest = cinch_mounts_clean_path(m->destination);
		if (cinch_mounts_check_kernfs_dest(dest, type, bind, err) < 0 ||
		    check_idmap(spec, m, bind, remap_late, err) < 0)
			return cinch_error_prefix(err, "mounts[%zu]", i);
	}
	return 0;
}

static bool allowlisted(const char *dest)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernfs_allowlist); i++)
		if (strcmp(dest, kernfs_allowlist[i]) == 0)
			return true;
	return false;
}

static long fs_magic(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 ? (long)sfs.f_type : 0;
}

/* A destination that resolved (through a link of the image) into a
 * procfs or sysfs that the config did not name. */
static int check_resolved_dest(int dst, const char *dest, const char *type, bool bind, struct cinch_error **err)
{
	long magic = fs_magic(dst);
	if (magic != PROC_SUPER_MAGIC && magic != SYSFS_MAGIC)
		return 0;
	if (allowlisted(dest) || (!bind && is_kernfs_type(type) && (strcmp(dest, "/proc") == 0 || strcmp(dest, "/sys") == 0)))
		return 0;
	return cinch_error_set(err, 0, "%s: resolves into %s; refusing to mount there", dest,
			       magic == PROC_SUPER_MAGIC ? "procfs" : "sysfs");
}

/* ---- mounting ---- */

static void record_kernfs(struct cinch_mounts *m, const char *dest, int fd);
static int open_real_dir(int rootfd, const char *dest, struct cinch_error **err);

static bool same_inode(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

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

static unsigned int mount_attrs(unsigned long ms);

unsigned int cinch_mounts_locked_attrs(int fd)
{
	return mount_attrs(locked_flags(fd));
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

/* A mount's destination, made when missing, and checked not to have led
 * (through a link of the image) into a procfs or sysfs. */
/* Where fd lies inside the rootfs, as a path from its root ("/run/x"), or
 * NULL if it cannot be told. */
static char *path_in_rootfs(int fd, const char *rootfs)
{
	char link[64], buf[4096];
	fd_path(fd, link);
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	size_t len = strlen(rootfs);
	if (strncmp(buf, rootfs, len) != 0 || (buf[len] != '/' && buf[len] != '\0'))
		return NULL;
	return xstrdup(buf[len] ? buf + len : "/");
}

/* A destination that an image's link led elsewhere must not lie under a
 * mount the config makes later: that mount would cover it, and what the
 * config meant to show (or hide) would go on somewhere else. */
static int check_not_covered(const struct cinch_mounts *m, int fd, const char *clean, struct cinch_error **err)
{
	if (m->spec == NULL)
		return 0;
	_cleanup_free_ char *actual = path_in_rootfs(fd, m->rootfs);
	if (actual == NULL || strcmp(actual, clean) == 0)
		return 0;
	for (size_t j = m->index + 1; j < m->spec->mounts.n; j++) {
		_cleanup_free_ char *later = cinch_mounts_clean_path(m->spec->mounts.items[j].destination);
		if (path_under(actual, later) && !path_under(clean, later))
			return cinch_error_set(err, 0, "%s: resolves to %s, which mounts[%zu] (%s) covers later", clean,
					       actual, j, later);
	}
	return 0;
}

static int open_dest(const struct cinch_mounts *m, const char *dest, bool leaf_is_file, const char *type, bool bind,
		     struct cinch_error **err)
{
	_cleanup_free_ char *clean = cinch_mounts_clean_path(dest);
	/* /dev holds the device nodes cinch makes after the mounts, through
	 * the path: it must lead where the mount went. */
	_cleanup_close_ int fd = strcmp(clean, "/dev") == 0 ? open_real_dir(m->rootfd, dest, err)
							    : cinch_open_in_root(m->rootfd, dest, true, leaf_is_file, err);
	if (fd < 0)
		return -1;
	if (strcmp(clean, "/") != 0 && same_inode(fd, m->rootfd))
		return cinch_error_set(err, 0, "%s: resolves to the root of the rootfs; refusing to mount there", clean);
	if (check_resolved_dest(fd, clean, type, bind, err) < 0 || check_not_covered(m, fd, clean, err) < 0)
		return -1;
	return TAKE_FD(fd);
}

static bool is_kernel_tree(long magic)
{
	return magic == SYSFS_MAGIC || magic == PROC_SUPER_MAGIC || magic == CGROUP_SUPER_MAGIC ||
	       magic == CGROUP2_SUPER_MAGIC;
}

/* A bind of one of the kernel's own trees (sysfs, procfs, cgroupfs):
 * built detached and made nosuid, nodev and noexec, and read-only when
 * asked, on every submount at once, then attached.  A remount would reach
 * only the top mount and leave, say, /sys/fs/cgroup writable under a
 * read-only /sys.  Masks below a bound sysfs or procfs go through the
 * kept fd (m->kernfs). */
static int bind_kernel_tree(struct cinch_mounts *m, int src, int dst, const char *source, const char *dest,
			    const struct cinch_mount_opts *o, long magic, struct cinch_error **err)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (o->flags & MS_REC ? AT_RECURSIVE : 0);
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
			    (o->flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0),
	};
	_cleanup_close_ int tree = open_tree(src, "", flags);
	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return cinch_error_set(err, errno, "bind %s on %s: make nosuid, nodev, noexec%s on every submount",
				       source, dest, o->flags & MS_RDONLY ? ", read-only" : "");
	if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cinch_error_set(err, errno, "bind %s on %s", source, dest);
	if (magic == SYSFS_MAGIC || magic == PROC_SUPER_MAGIC)
		record_kernfs(m, dest, TAKE_FD(tree));
	return 0;
}

/* A bind of source on dest; through tree, when the runtime made one
 * (an idmapped copy of the source: idmap.h), else through given, the
 * source the runtime opened (cinch_mounts_source_opened_by_runtime),
 * instead of by its path. */
static int bind_mount(struct cinch_mounts *m, const char *source, const char *dest, const struct cinch_mount_opts *o,
		      int tree, int given, struct cinch_error **err)
{
	int rootfd = m->rootfd;
	_cleanup_close_ int opened = tree < 0 && given < 0 ? open(source, O_PATH | O_CLOEXEC) : -1;
	int src = tree >= 0 ? tree : given >= 0 ? given : opened;
	if (src < 0)
		return cinch_error_set(err, errno, "%s: open bind source", source);
	struct stat st;
	if (fstat(src, &st) < 0)
		return cinch_error_set(err, errno, "%s: stat", source);
	_cleanup_close_ int dst = open_dest(m, dest, !S_ISDIR(st.st_mode), "bind", true, err);
	if (dst < 0)
		return -1;
	long magic = fs_magic(src);
	_cleanup_free_ char *clean = cinch_mounts_clean_path(dest);
	/* The host's procfs shows the host's processes, /proc/1/root among
	 * them; the container gets a procfs of its own on /proc. */
	if (magic == PROC_SUPER_MAGIC)
		return cinch_error_set(err, 0, "bind %s on %s: a bind of procfs is refused", source, dest);
	if (strcmp(clean, "/sys") == 0 && magic != SYSFS_MAGIC)
		return cinch_error_set(err, 0, "bind %s on /sys: the source is not a sysfs", source);
	if (is_kernel_tree(magic))
		return bind_kernel_tree(m, src, dst, source, dest, o, magic, err);
	char sp[64], dp[64];
	fd_path(src, sp);
	fd_path(dst, dp);
	if (tree >= 0 && move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cinch_error_set(err, errno, "bind %s on %s: attach its idmapped copy", source, dest);
	if (tree < 0 && mount(sp, dp, NULL, MS_BIND | (o->flags & MS_REC), NULL) < 0)
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

static unsigned int mount_attrs(unsigned long ms)
{
	unsigned int a = 0;
	if (ms & MS_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (ms & MS_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (ms & MS_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (ms & MS_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (ms & MS_NODIRATIME)
		a |= MOUNT_ATTR_NODIRATIME;
	if (ms & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	else if (ms & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	return a;
}

/* A new, detached procfs or sysfs: "key=value" and "flag" options go to
 * fsconfig one by one.  -1 with errno. */
/* source: what mountinfo shows as the mount's source (the config's, e.g.
 * "proc"; the kernel says "none" without one), or NULL. */
static int new_kernfs(const char *type, const char *source, const char *data, unsigned int attrs)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	if (source && source[0] && fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return -1;
	_cleanup_free_ char *copy = data ? xstrdup(data) : NULL;
	char *save = NULL;
	for (char *opt = copy ? strtok_r(copy, ",", &save) : NULL; opt; opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		if (eq)
			*eq = '\0';
		if (fsconfig(fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, opt, eq ? eq + 1 : NULL, 0) < 0)
			return -1;
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fs, FSMOUNT_CLOEXEC, attrs);
}

/* A copy of the host's /sys, every submount read-only, nosuid, nodev and
 * noexec: for a container without a network namespace of its own, which
 * the kernel does not let mount a sysfs.  -1 with errno. */
static int host_sys_copy(void)
{
	_cleanup_close_ int tree = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	struct mount_attr ro = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return -1;
	return TAKE_FD(tree);
}

static void record_kernfs(struct cinch_mounts *m, const char *dest, int fd)
{
	m->kernfs = xrealloc(m->kernfs, (m->n_kernfs + 1) * sizeof(*m->kernfs));
	m->kernfs[m->n_kernfs++] = (struct cinch_kernfs_handle){cinch_mounts_clean_path(dest), fd};
}

static int open_no_symlinks(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS,
	};
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Where a procfs or sysfs goes: a directory of the rootfs reached through
 * no symbolic link at all (made when missing).  A link could lead it under
 * a later mount, with the masks applied somewhere else. */
static int open_real_dir(int rootfd, const char *dest, struct cinch_error **err)
{
	int fd = open_no_symlinks(rootfd, dest);
	if (fd < 0 && errno == ENOENT && create_in_root(rootfd, dest, false, false, err) < 0)
		return -1;
	if (fd < 0 && errno == ENOENT)
		fd = open_no_symlinks(rootfd, dest);
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR || errno == EXDEV))
		return cinch_error_set(err, 0, "%s: must be a directory with no symbolic link on its path", dest);
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: open in rootfs", dest);
	return fd;
}

/* proc and sysfs through the new mount API: the mount's own fd is kept
 * (m->kernfs), and the masks and read-only paths below it go on through
 * that fd, never by looking its path up again. */
static int mount_kernfs(struct cinch_mounts *m, const struct cinch_spec_mount *sm, const struct cinch_mount_opts *o,
			unsigned long flags, struct cinch_error **err)
{
	_cleanup_close_ int dst = open_real_dir(m->rootfd, sm->destination, err);
	if (dst < 0)
		return -1;
	bool sysfs = strcmp(sm->type, "sysfs") == 0;
	_cleanup_close_ int mnt = new_kernfs(sm->type, sm->source, o->data, mount_attrs(flags | MS_NOEXEC));
	/* Without their own network namespace the kernel refuses a fresh
	 * sysfs; bind the runtime's instead, read-only all the way down. */
	if (mnt < 0 && errno == EPERM && sysfs)
		mnt = host_sys_copy();
	if (mnt < 0)
		return cinch_error_set(err, errno, "mount %s on %s", sm->type, sm->destination);
	if (move_mount(mnt, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cinch_error_set(err, errno, "mount %s on %s: attach", sm->type, sm->destination);
	record_kernfs(m, sm->destination, TAKE_FD(mnt));
	return 0;
}

static int mount_fs(struct cinch_mounts *mt, const struct cinch_spec_mount *m, const struct cinch_mount_opts *o,
		    struct cinch_error **err)
{
	_cleanup_close_ int dst = open_dest(mt, m->destination, false, m->type, false, err);
	if (dst < 0)
		return -1;
	char dp[64];
	fd_path(dst, dp);
	const char *source = m->source ? m->source : m->type;
	if (mount(source, dp, m->type, secure_flags(m, o), o->data) == 0)
		return 0;
	int e = errno;
	/* Without its own ipc namespace the kernel refuses a fresh mqueue
	 * mount; bind the runtime's instead, nosuid/nodev/noexec as the
	 * fresh mount would have been. */
	const char *fallback = NULL;
	if (e == EPERM && strcmp(m->type, "mqueue") == 0)
		fallback = "/dev/mqueue";
	if (fallback) {
		struct cinch_mount_opts b = *o;
		b.flags |= MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC;
		return bind_mount(mt, fallback, m->destination, &b, -1, -1, err);
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
static int mount_cgroup(const struct cinch_mounts *mt, const struct cinch_spec_mount *m,
			const struct cinch_mount_opts *o, const char *cgroup_path, struct cinch_error **err)
{
	int rootfd = mt->rootfd;
	unsigned long flags = (o->flags & ~MS_REC) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	_cleanup_close_ int dst = open_dest(mt, m->destination, false, m->type, false, err);
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

/* The recursive options, on the mount now at dest and every mount below
 * it, after its other flags.  What cinch makes nosuid, nodev and noexec
 * whatever the config says (a kernel filesystem, a bind of one, the
 * cgroup tree) stays so: rexec is refused there. */
static int set_recursive(int rootfd, const char *dest, const struct cinch_mount_opts *o, bool kernel_type,
			 struct cinch_error **err)
{
	_cleanup_close_ int fd = cinch_open_in_root(rootfd, dest, false, false, err);
	if (fd < 0)
		return -1;
	if ((o->rec_clear & MOUNT_ATTR_NOEXEC) && (kernel_type || is_kernel_tree(fs_magic(fd))))
		return cinch_error_set(err, 0, "%s: mount option \"rexec\" is refused on a kernel filesystem, which stays noexec",
				       dest);
	struct mount_attr attr = {.attr_set = o->rec_set, .attr_clr = o->rec_clear};
	if (o->rec_atime >= 0) {
		attr.attr_set |= (unsigned int)o->rec_atime;
		attr.attr_clr |= MOUNT_ATTR__ATIME;
	}
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return cinch_error_set(err, errno, "%s: set the recursive mount options", dest);
	return 0;
}

static int do_mount(struct cinch_mounts *mt, const struct cinch_spec_mount *m, const char *cgroup_path,
		    struct cinch_error **err)
{
	int rootfd = mt->rootfd;
	struct cinch_mount_opts o;
	if (cinch_mount_opts_parse(&m->options, &o, err) < 0)
		return -1;
	int r;
	const char *type = m->type ? m->type : "";
	bool bind = o.bind || strcmp(type, "bind") == 0;
	_cleanup_free_ char *dest = cinch_mounts_clean_path(m->destination);
	if (cinch_mounts_check_kernfs_dest(dest, type, bind, err) < 0) {
		cinch_mount_opts_clear(&o);
		return -1;
	}
	const struct cinch_mount_fds *g = mt->given && mt->index < mt->given->n ? mt->given : NULL;
	int tree = mt->idmap && mt->index < mt->idmap->n ? mt->idmap->binds[mt->index]
		   : g					   ? g->trees[mt->index]
							   : -1;
	int given = g ? g->sources[mt->index] : -1;
	if (bind)
		r = m->source ? bind_mount(mt, m->source, m->destination, &o, tree, given, err)
			      : cinch_error_set(err, 0, "bind mount on %s has no source", m->destination);
	else if (is_kernfs_type(type))
		r = mount_kernfs(mt, m, &o, secure_flags(m, &o), err);
	else if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
		r = mount_cgroup(mt, m, &o, cgroup_path, err);
	else if (type[0] == '\0')
		r = cinch_error_set(err, 0, "mount on %s has no type", m->destination);
	else
		r = mount_fs(mt, m, &o, err);
	if (r == 0 && (o.rec_set || o.rec_clear || o.rec_atime >= 0))
		r = set_recursive(rootfd, m->destination, &o,
				  !bind && (is_kernfs_type(type) || strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0),
				  err);
	if (r == 0 && o.propagation)
		r = set_propagation(rootfd, m->destination, o.propagation, err);
	cinch_mount_opts_clear(&o);
	return r;
}

bool cinch_mounts_source_opened_by_runtime(const struct cinch_spec_mount *m)
{
	struct cinch_mount_opts o;
	struct cinch_error *e = NULL;
	if (m->source == NULL || cinch_mount_opts_parse(&m->options, &o, &e) < 0) {
		cinch_error_free(e); /* init refuses it, naming the mount */
		return false;
	}
	bool bind = o.bind || (m->type && strcmp(m->type, "bind") == 0);
	cinch_mount_opts_clear(&o);
	return bind;
}

/* ---- /dev ---- */

const struct cinch_default_device cinch_default_devices[] = {
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};
const size_t cinch_n_default_devices = ARRAY_SIZE(cinch_default_devices);

bool cinch_default_device(char type, int64_t major, int64_t minor)
{
	if (type != 'c' && type != 'u')
		return false;
	if (major == CINCH_PTMX_MAJOR && minor == CINCH_PTMX_MINOR)
		return true;
	for (size_t i = 0; i < cinch_n_default_devices; i++)
		if (cinch_default_devices[i].major == major && cinch_default_devices[i].minor == minor)
			return true;
	return false;
}

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

/* The node at path is the device the config names: a bind from the host
 * (user namespace) could be another one under the same name. */
static int check_node(int dirfd, const char *name, const char *path, mode_t kind, unsigned major, unsigned minor,
		      struct cinch_error **err)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cinch_error_set(err, errno, "%s: stat the node made", path);
	if ((st.st_mode & S_IFMT) == kind && (kind == S_IFIFO || st.st_rdev == makedev(major, minor)))
		return 0;
	mode_t got = st.st_mode & S_IFMT;
	char got_type = got == S_IFBLK ? 'b' : got == S_IFCHR ? 'c' : got == S_IFIFO ? 'p' : '?';
	char want_type = kind == S_IFBLK ? 'b' : kind == S_IFCHR ? 'c' : 'p';
	return cinch_error_set(err, 0, "%s: the node is %c %u:%u, not the config's %c %u:%u", path, got_type,
			       major(st.st_rdev), minor(st.st_rdev), want_type, major, minor);
}

static int make_node(int rootfd, int devfd, const char *path, char type, unsigned major, unsigned minor, mode_t perm,
		     uid_t uid, gid_t gid, bool userns, int made, struct cinch_error **err)
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
		if (check_node(dirfd, name, path, kind, major, minor, err) < 0)
			return -1;
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
	/* In a user namespace mknod is refused: attach the node the runtime
	 * made (sources.h), else bind the host's. */
	if (made >= 0) {
		if (create_leaf(dirfd, name, true, path, err) < 0)
			return -1;
		_cleanup_close_ int target = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (target < 0 || move_mount(made, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return cinch_error_set(err, errno, "%s: attach the node the runtime made", path);
		return check_node(dirfd, name, path, kind, major, minor, err);
	}
	_cleanup_free_ char *host = NULL;
	xasprintf(&host, "/dev/%s", name);
	struct cinch_mount_opts o = {.flags = 0};
	struct cinch_mounts m = {.rootfd = rootfd};
	if (bind_mount(&m, host, path, &o, -1, -1, err) < 0)
		return -1;
	return check_node(dirfd, name, path, kind, major, minor, err);
}

static int setup_dev(int rootfd, const struct cinch_spec *spec, bool userns, const struct cinch_mount_fds *given,
		     struct cinch_error **err)
{
	_cleanup_close_ int devfd = cinch_open_in_root(rootfd, "/dev", true, false, err);
	if (devfd < 0)
		return -1;
	for (size_t i = 0; i < cinch_n_default_devices; i++) {
		_cleanup_free_ char *p = NULL;
		xasprintf(&p, "/dev/%s", cinch_default_devices[i].name);
		if (make_node(rootfd, devfd, p, 'c', cinch_default_devices[i].major, cinch_default_devices[i].minor, 0666, 0, 0,
			      userns, -1, err) < 0)
			return -1;
	}
	const struct cinch_spec_devices *devs = &spec->linux_.devices;
	for (size_t i = 0; i < devs->n; i++) {
		const struct cinch_spec_device *d = &devs->items[i];
		mode_t perm = d->file_mode.set ? (mode_t)d->file_mode.value : 0666;
		if (make_node(rootfd, devfd, d->path, d->type == 'u' ? 'c' : d->type, (unsigned)d->major,
			      (unsigned)d->minor, perm, d->uid.set ? (uid_t)d->uid.value : 0,
			      d->gid.set ? (gid_t)d->gid.value : 0, userns,
			      given && i < given->n_devices ? given->devices[i] : -1, err) < 0)
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

static int open_host_dir_no_symlinks(const char *path)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

/* The rootfs the runtime opened (checked free of links), bound onto
 * itself in init's mount namespace.  The runtime's fd names a mount of
 * the host's namespace, which cannot be a source or target here; the
 * path is looked up again with no link allowed and must lead to the same
 * directory. */
static int bind_rootfs(const char *rootfs, int runtime_fd, struct cinch_error **err)
{
	_cleanup_close_ int here = open_host_dir_no_symlinks(rootfs);
	if (here < 0 || !same_inode(here, runtime_fd))
		return cinch_error_set(err, here < 0 ? errno : 0, "%s: the rootfs changed under the runtime", rootfs);
	char p[64];
	fd_path(here, p);
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cinch_error_set(err, errno, "%s: bind rootfs", rootfs);
	/* here names the directory now covered; the bind is on top */
	int fd = open_host_dir_no_symlinks(rootfs);
	if (fd < 0 || !same_inode(fd, runtime_fd)) {
		if (fd >= 0)
			close(fd);
		return cinch_error_set(err, fd < 0 ? errno : 0, "%s: open the bound rootfs", rootfs);
	}
	return fd;
}

/* a and b name the same inode on the same mount. */
static bool same_mount_and_inode(int a, int b)
{
	struct statx sa, sb;
	unsigned int want = STATX_MNT_ID | STATX_INO;
	return statx(a, "", AT_EMPTY_PATH, want, &sa) == 0 && statx(b, "", AT_EMPTY_PATH, want, &sb) == 0 &&
	       (sa.stx_mask & want) == want && (sb.stx_mask & want) == want && sa.stx_mnt_id == sb.stx_mnt_id &&
	       sa.stx_ino == sb.stx_ino && sa.stx_dev_major == sb.stx_dev_major && sa.stx_dev_minor == sb.stx_dev_minor;
}

/* A remapped workload's rootfs (idmap.h): the detached mount the runtime
 * made, attached where bind_rootfs would bind, with the same check that
 * the path still leads to the directory the runtime opened.  After the
 * attach the path must lead to the root of that very mount: another mount
 * of the same directories, so the inode alone would not tell. */
static int attach_rootfs(const char *rootfs, int runtime_fd, int tree, struct cinch_error **err)
{
	_cleanup_close_ int here = open_host_dir_no_symlinks(rootfs);
	if (here < 0 || !same_inode(here, runtime_fd))
		return cinch_error_set(err, here < 0 ? errno : 0, "%s: the rootfs changed under the runtime", rootfs);
	if (move_mount(tree, "", here, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cinch_error_set(err, errno, "%s: attach the idmapped rootfs", rootfs);
	int fd = open_host_dir_no_symlinks(rootfs);
	if (fd < 0 || !same_mount_and_inode(fd, tree)) {
		if (fd >= 0)
			close(fd);
		return cinch_error_set(err, fd < 0 ? errno : 0, "%s: open the attached idmapped rootfs", rootfs);
	}
	return fd;
}

/* The mount that holds the rootfs, made private: found from the rootfs
 * (looked up again here, as bind_rootfs does) by going up through ".."
 * until the parent is on another mount, or is itself (the root). */
static int make_rootfs_mount_private(const char *rootfs, int runtime_fd, struct cinch_error **err)
{
	_cleanup_close_ int cur = open_host_dir_no_symlinks(rootfs);
	if (cur < 0 || !same_inode(cur, runtime_fd))
		return cinch_error_set(err, cur < 0 ? errno : 0, "%s: the rootfs changed under the runtime", rootfs);
	const unsigned int want = STATX_MNT_ID | STATX_INO;
	for (int depth = 0;; depth++) {
		_cleanup_close_ int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		struct statx a, b;
		if (up < 0 || statx(cur, "", AT_EMPTY_PATH, want, &a) < 0 || statx(up, "", AT_EMPTY_PATH, want, &b) < 0)
			return cinch_error_set(err, errno, "%s: find the mount that holds it", rootfs);
		if ((a.stx_mask & want) != want || depth > 4096)
			return cinch_error_set(err, 0, "%s: find the mount that holds it: no mount id", rootfs);
		if (a.stx_mnt_id != b.stx_mnt_id || same_inode(cur, up))
			break;
		close(cur);
		cur = TAKE_FD(up);
	}
	char p[64];
	fd_path(cur, p);
	if (mount(NULL, p, NULL, MS_PRIVATE, NULL) < 0)
		return cinch_error_set(err, errno, "%s: make the mount that holds it private", rootfs);
	return 0;
}

int cinch_mounts_setup(const struct cinch_spec *spec, const char *rootfs, int rootfs_fd,
		       const struct cinch_idmap *idmap, const struct cinch_mount_fds *given, bool userns,
		       const char *cgroup_path, struct cinch_mounts *m, struct cinch_error **err)
{
	/* Nothing done here may propagate back to the host.  / gets what
	 * rootfsPropagation says (rslave by default: the copies of the host's
	 * mounts become its slaves).  Shared (what containerd asks for with
	 * a Kubernetes Bidirectional volume) keeps them peers of the host's,
	 * so that an rshared bind joins its source's peer group; private,
	 * slave or unbindable, not recursive, leave the mounts below / as
	 * they were, shared ones included.  So, whatever it says, the mount
	 * that holds the rootfs is made private first, as runc does: the bind
	 * of the rootfs onto itself, and every mount init makes below it,
	 * propagate nowhere (pivot_root refuses a shared parent anyway). */
	unsigned long prop = root_propagation(spec);
	/* In a mount namespace joined by path, / is another's: its mounts
	 * keep their propagation (a pod's Bidirectional volumes). */
	bool joined = cinch_ns_mount_kind(spec) == CINCH_MOUNT_NS_JOINED;
	if (!joined && mount(NULL, "/", NULL, prop, NULL) < 0)
		return cinch_error_set(err, errno, "linux.rootfsPropagation: set %s on /",
				       spec->linux_.rootfs_propagation ? spec->linux_.rootfs_propagation : "rslave");
	if (make_rootfs_mount_private(rootfs, rootfs_fd, err) < 0)
		return -1;
	m->rootfd = idmap && idmap->root >= 0 ? attach_rootfs(rootfs, rootfs_fd, idmap->root, err)
					      : bind_rootfs(rootfs, rootfs_fd, err);
	if (m->rootfd < 0)
		return -1;
	m->idmap = idmap;
	m->given = given;
	m->spec = spec;
	m->rootfs = rootfs;
	for (size_t i = 0; i < spec->mounts.n; i++) {
		m->index = i;
		if (do_mount(m, &spec->mounts.items[i], cgroup_path, err) < 0)
			return cinch_error_prefix(err, "mounts[%zu]", i);
	}
	if (!dev_is_bind_mounted(spec) && setup_dev(m->rootfd, spec, userns, given, err) < 0)
		return -1;
	return 0;
}

void cinch_mounts_release(struct cinch_mounts *m)
{
	for (size_t i = 0; i < m->n_kernfs; i++) {
		free(m->kernfs[i].dest);
		close(m->kernfs[i].fd);
	}
	free(m->kernfs);
	m->kernfs = NULL;
	m->n_kernfs = 0;
	if (m->rootfd >= 0)
		close(m->rootfd);
	m->rootfd = -1;
}

int cinch_mounts_pivot(const struct cinch_mounts *m, const char *rootfs, struct cinch_error **err)
{
	_cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0)
		return cinch_error_set(err, errno, "open /");
	if (fchdir(m->rootfd) < 0)
		return cinch_error_set(err, errno, "%s: chdir", rootfs);
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * detach it so nothing of the host stays reachable.  First make it a
	 * slave, so that the detach propagates to no peer on the host (a
	 * shared rootfsPropagation keeps the old root's mounts peers of the
	 * host's).  Through oldroot: "." is the new root here, and mount(2)
	 * does not step onto what is stacked on it as umount2(2) does; made
	 * a slave, the new root would cut an rshared bind off its peers. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return cinch_error_set(err, errno, "%s: pivot_root", rootfs);
	if (fchdir(oldroot) < 0)
		return cinch_error_set(err, errno, "chdir to the old root");
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

/* Where a masked or read-only path is.  Below a procfs or sysfs that
 * init mounted, through that mount's fd (the last one made there, if the
 * config mounts one twice): never by the path, which the image could
 * lead elsewhere.  Anywhere else, from the root, inside it.  -1 with
 * errno; ENOENT when there is nothing there. */
static int open_protected(const struct cinch_mounts *m, const char *path)
{
	_cleanup_free_ char *clean = cinch_mounts_clean_path(path);
	const struct cinch_kernfs_handle *best = NULL;
	for (size_t i = 0; i < m->n_kernfs; i++) {
		const struct cinch_kernfs_handle *h = &m->kernfs[i];
		if (path_under(clean, h->dest) && (best == NULL || strlen(h->dest) >= strlen(best->dest)))
			best = h;
	}
	if (best == NULL)
		return openat2_in_root(m->rootfd, clean, O_PATH);
	const char *rel = clean + strlen(best->dest);
	while (*rel == '/')
		rel++;
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		/* The kernel's own links (sysfs has many) stay beneath;
		 * magic links lead out. */
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, best->fd, *rel ? rel : ".", &how, sizeof(how));
}

/* Masks a directory with an empty read-only tmpfs.  The first one
 * (*shared, its fd from fsmount) is cloned for the others: one superblock
 * to make and tear down, not one per directory. */
static int mask_dir(int target, const char *path, int *shared, struct cinch_error **err)
{
	if (*shared < 0) {
		*shared = new_kernfs("tmpfs", NULL, "size=0,mode=000",
				     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
		if (*shared < 0)
			return cinch_error_set(err, errno, "%s: mask: make the empty tmpfs", path);
	}
	if (attach_copy(*shared, target, false, NULL) < 0)
		return cinch_error_set(err, errno, "%s: mask", path);
	return 0;
}

static int mask_path(const struct cinch_mounts *m, int nullfd, const char *path, int *shared_dir,
		     struct cinch_error **err)
{
	int fd = open_protected(m, path);
	if (fd < 0 && errno == ENOENT)
		return 0; /* nothing to mask: this kernel has no such file */
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: mask: open", path);
	_cleanup_close_ int target = fd;
	struct stat st;
	if (fstat(target, &st) < 0)
		return cinch_error_set(err, errno, "%s: stat", path);
	if (S_ISDIR(st.st_mode))
		return mask_dir(target, path, shared_dir, err);
	if (attach_copy(nullfd, target, false, NULL) < 0)
		return cinch_error_set(err, errno, "%s: mask", path);
	return 0;
}

static int readonly_path(const struct cinch_mounts *m, const char *path, struct cinch_error **err)
{
	int fd = open_protected(m, path);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: bind read-only: open", path);
	_cleanup_close_ int target = fd;
	static const struct mount_attr ro = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	if (attach_copy(target, target, true, &ro) < 0)
		return cinch_error_set(err, errno, "%s: bind read-only", path);
	return 0;
}

int cinch_mounts_finish(const struct cinch_spec *spec, const struct cinch_mounts *m, struct cinch_error **err)
{
	int rootfd = m->rootfd;
	if (spec->linux_.masked_paths.n > 0) {
		_cleanup_close_ int nullfd = open_dev_null(rootfd, err);
		_cleanup_close_ int shared_dir = -1;
		if (nullfd < 0)
			return -1;
		for (size_t i = 0; i < spec->linux_.masked_paths.n; i++)
			if (mask_path(m, nullfd, spec->linux_.masked_paths.items[i], &shared_dir, err) < 0)
				return cinch_error_prefix(err, "linux.maskedPaths[%zu]", i);
	}
	for (size_t i = 0; i < spec->linux_.readonly_paths.n; i++)
		if (readonly_path(m, spec->linux_.readonly_paths.items[i], err) < 0)
			return cinch_error_prefix(err, "linux.readonlyPaths[%zu]", i);
	/* The root is nosuid always, and nodev when /dev is a mount of its
	 * own, where the device nodes live. */
	unsigned long f = MS_BIND | MS_REMOUNT | MS_NOSUID | (locked_flags(rootfd) & ~MS_RDONLY);
	if (spec->root.readonly)
		f |= MS_RDONLY;
	if (has_own_dev_mount(spec))
		f |= MS_NODEV;
	if (mount(NULL, "/", NULL, f, NULL) < 0)
		return cinch_error_set(err, errno, "remount / %s", spec->root.readonly ? "read-only" : "nosuid");
	/* The new root was made private; shared and unbindable say more
	 * (unbindable: a bind of / inside fails EINVAL, as runtime-tools
	 * checks). */
	unsigned long prop = root_propagation(spec);
	if ((prop & (MS_SHARED | MS_UNBINDABLE)) && mount(NULL, "/", NULL, prop, NULL) < 0)
		return cinch_error_set(err, errno, "set rootfsPropagation");
	return 0;
}
