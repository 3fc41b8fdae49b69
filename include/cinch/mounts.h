/* mounts: owns the container's filesystem view, built by init inside its
 * new mount namespace: the rootfs bind, the config's mounts (each target
 * resolved inside the rootfs with openat2 RESOLVE_IN_ROOT and mounted
 * through its fd, never through a joined path), /dev and its nodes,
 * pivot_root, masked and read-only paths, and the read-only root.
 * Mount option parsing is pure and unit-tested. */
#ifndef CINCH_MOUNTS_H
#define CINCH_MOUNTS_H

#include <stdbool.h>

struct cinch_error;
struct cinch_spec;
struct cinch_strv;

struct cinch_mount_opts {
	unsigned long flags;	   /* MS_* for mount(2) */
	unsigned long clear;	   /* MS_* flags explicitly turned off (rw, suid, dev, exec) */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE, maybe |MS_REC */
	bool bind;
	char *data; /* filesystem-specific options, comma-joined; NULL if none */
};

/* Splits OCI mount options into flags, propagation and data. */
int cinch_mount_opts_parse(const struct cinch_strv *options, struct cinch_mount_opts *out, struct cinch_error **err);
void cinch_mount_opts_clear(struct cinch_mount_opts *o);

/* In init, before pivot_root: rootfs bind and every configured mount.
 * cgroup_path is the container's cgroup (for "cgroup" mounts). */
int cinch_mounts_setup(const struct cinch_spec *spec, const char *rootfs, bool userns, const char *cgroup_path,
		       struct cinch_error **err);
/* pivot_root into rootfs and detach the old root. */
int cinch_mounts_pivot(const char *rootfs, struct cinch_error **err);
/* After pivot_root: masked paths, read-only paths, read-only root,
 * rootfsPropagation. */
int cinch_mounts_finish(const struct cinch_spec *spec, struct cinch_error **err);

/* Opens path inside the directory rootfd without leaving it (RESOLVE_IN_ROOT,
 * no magic links), creating missing directories (and, when leaf_is_file,
 * an empty file as the last component).  Returns an O_PATH fd. */
int cinch_open_in_root(int rootfd, const char *path, bool create, bool leaf_is_file, struct cinch_error **err);

#endif
