/* mounts: owns the container's filesystem view, built by init inside its
 * new mount namespace: the rootfs bind, the config's mounts (each target
 * resolved inside the rootfs with openat2 RESOLVE_IN_ROOT and mounted
 * through its fd, never through a joined path), /dev and its nodes,
 * pivot_root, masked and read-only paths, and the read-only root.
 * Mount option parsing is pure and unit-tested. */
#ifndef CINCH_MOUNTS_H
#define CINCH_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cinch_error;
struct cinch_idmap;
struct cinch_spec;
struct cinch_spec_mount;
struct cinch_strv;

enum cinch_mount_idmap { CINCH_MOUNT_NO_IDMAP, CINCH_MOUNT_IDMAP, CINCH_MOUNT_RIDMAP };

struct cinch_mount_opts {
	unsigned long flags;	   /* MS_* for mount(2) */
	unsigned long clear;	   /* MS_* flags explicitly turned off (rw, suid, dev, exec) */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE, maybe |MS_REC */
	bool bind;
	/* The recursive options (rro, rnoexec, ...): MOUNT_ATTR_* set and
	 * cleared on the mount and every mount below it, after its other
	 * flags; rec_atime is an atime mode (MOUNT_ATTR_RELATIME, NOATIME or
	 * STRICTATIME) or -1.  rsuid and rdev are refused: no policy control
	 * judges them, and they would undo nosuid and nodev below a bind. */
	unsigned int rec_set;
	unsigned int rec_clear;
	int rec_atime;
	enum cinch_mount_idmap idmap; /* idmap, ridmap (or mappings given without either: idmap) */
	char *data; /* filesystem-specific options, comma-joined; NULL if none */
};

/* Splits OCI mount options into flags, propagation and data; refuses an
 * option of the spec that cinch does not implement, naming it. */
int cinch_mount_opts_parse(const struct cinch_strv *options, struct cinch_mount_opts *out, struct cinch_error **err);
void cinch_mount_opts_clear(struct cinch_mount_opts *o);
/* Whether the mount asks to be idmapped: its idmap or ridmap option, or
 * idmap when it gives uidMappings without either (runtime-spec 1.1). */
enum cinch_mount_idmap cinch_mount_idmap_asked(const struct cinch_spec_mount *m);

/* What init holds from its mounts to its masks: the root, and each
 * procfs or sysfs it mounted, by the mount's own fd.  The masked and
 * read-only paths below those are applied through these fds, never by
 * looking the path up again (an image could have it lead elsewhere). */
struct cinch_kernfs_handle {
	char *dest; /* cleaned destination, e.g. "/proc" */
	int fd;
};
/* In a new user namespace of the config's, per config mount (n of them),
 * what the runtime opened from within init's mount namespace (sources.h):
 * the bind source (cinch_mounts_source_opened_by_runtime), or, for a
 * mount the config asks to idmap, its idmapped copy; and each
 * linux.devices node, which init, in the user namespace, may not make;
 * else -1. */
struct cinch_mount_fds {
	int *sources;
	int *trees;
	size_t n;
	int *devices; /* per linux.devices entry: the node the runtime made, as a detached mount */
	size_t n_devices;
};

struct cinch_mounts {
	int rootfd;
	struct cinch_kernfs_handle *kernfs;
	size_t n_kernfs;
	/* while mounting: the config's mounts, the one being made, and the
	 * rootfs path, so that one can be checked against those after it */
	const struct cinch_spec *spec;
	size_t index;
	const char *rootfs;
	/* a remapped workload's: the rootfs and the bind sources, idmapped
	 * (idmap.h); NULL: bound as they are */
	const struct cinch_idmap *idmap;
	/* in a new user namespace: what the runtime opened (sources.h) */
	const struct cinch_mount_fds *given;
};
#define CINCH_MOUNTS_INIT {.rootfd = -1, .kernfs = NULL, .n_kernfs = 0}
void cinch_mounts_release(struct cinch_mounts *m);

/* In init, before pivot_root: the rootfs bind (rootfs_fd is the runtime's,
 * opened with no link on the way; the path must still lead to it) and
 * every configured mount.  With idmap, its root is attached there instead
 * and its bind copies are bound instead of their sources; with given,
 * its trees are attached and its sources bound instead of opening their
 * paths.  cgroup_path is
 * the container's cgroup (for "cgroup" mounts). */
int cinch_mounts_setup(const struct cinch_spec *spec, const char *rootfs, int rootfs_fd,
		       const struct cinch_idmap *idmap, const struct cinch_mount_fds *given, bool userns,
		       const char *cgroup_path, struct cinch_mounts *m, struct cinch_error **err);
/* Whether the runtime opens mount m's source for init, when init runs in
 * a new user namespace of the config's: a bind's.  Init, root of that
 * namespace, may not pass a host directory only the host's root may
 * (runc and crun open them as that root too).  The runtime opens it from
 * within init's mount namespace (container.c), so that the mount init
 * binds is its own namespace's copy, with the locks the kernel put on it
 * (a detached copy made in the host's would carry none). */
bool cinch_mounts_source_opened_by_runtime(const struct cinch_spec_mount *m);
/* pivot_root into the rootfs and detach the old root. */
int cinch_mounts_pivot(const struct cinch_mounts *m, const char *rootfs, struct cinch_error **err);
/* After pivot_root: masked paths, read-only paths (only ENOENT skips one),
 * read-only root, rootfsPropagation. */
int cinch_mounts_finish(const struct cinch_spec *spec, const struct cinch_mounts *m, struct cinch_error **err);

/* Pure: a path with "//", "." and ".." resolved lexically. */
char *cinch_mounts_clean_path(const char *path);
/* Pure: where a mount may go.  /proc takes only a proc mount, /sys only
 * sysfs or a bind; below them only /proc/{cpuinfo,diskstats,meminfo,stat,
 * swaps,uptime,loadavg,slabinfo}, /proc/pressure/{cpu,io,memory},
 * /proc/sys/kernel/ns_last_pid and /sys/fs/cgroup.  dest is cleaned. */
int cinch_mounts_check_kernfs_dest(const char *dest, const char *type, bool bind, struct cinch_error **err);
/* Pure: the rule above, the options of every mount of spec (a bind takes
 * no filesystem option), and an idmapped mount's maps (a bind; with
 * uidMappings and gidMappings, or a new user namespace of the container's
 * own: the config's, or a late remap's, remap_late), so that create and
 * check refuse a configuration before anything is made. */
int cinch_mounts_check_config(const struct cinch_spec *spec, bool remap_late, struct cinch_error **err);

/* The flags the kernel locks on the mount at fd (ro, nosuid, nodev,
 * noexec) as MOUNT_ATTR_*: what a new mount of the same files must keep. */
unsigned int cinch_mounts_locked_attrs(int fd);

/* The character devices every container gets: nodes in /dev, and rules
 * of its device cgroup after the config's own (container.c), so that a
 * deny-all still leaves init able to make /dev, as runc does.  The device
 * cgroup also allows /dev/ptmx and the devpts terminals (any minor), which
 * the devpts mount provides. */
struct cinch_default_device {
	const char *name; /* under /dev */
	unsigned major, minor;
};
extern const struct cinch_default_device cinch_default_devices[];
extern const size_t cinch_n_default_devices;
#define CINCH_PTMX_MAJOR 5
#define CINCH_PTMX_MINOR 2
#define CINCH_PTS_MAJOR 136
/* Pure: whether a node of this type and number is one of those, or
 * /dev/ptmx ('u' is a character device too).  By number: a /dev/null
 * that is 8:0 is no default. */
bool cinch_default_device(char type, int64_t major, int64_t minor);

/* Opens path inside the directory rootfd without leaving it (RESOLVE_IN_ROOT,
 * no magic links), creating missing directories (and, when leaf_is_file,
 * an empty file as the last component).  Returns an O_PATH fd. */
int cinch_open_in_root(int rootfd, const char *path, bool create, bool leaf_is_file, struct cinch_error **err);

#endif
