/* idmap: owns the idmapped mounts of a late-remapped container
 * (decide.h), so that its workload sees the files of its rootfs and of its
 * bind mounts with their owners: what is uid 0 on disk is its root, which
 * is host uid H (the block's first id) everywhere else.  Without them the
 * workload would see every file of the host's root as 65534 (nobody).
 *
 * The runtime makes them as the host's root before it clones init, each
 * a detached mount that init attaches (mounts.h):
 *   - a plain directory rootfs: an idmapped copy of its mount tree
 *     (open_tree + mount_setattr(MOUNT_ATTR_IDMAP), submounts included);
 *   - an overlay rootfs, which the kernel will not idmap: a new overlay of
 *     idmapped copies of its layers (lowerdir, upperdir and its other
 *     options as /proc/self/mountinfo shows them), with a workdir of its
 *     own beside the upperdir, made with fsuid and fsgid H;
 *   - each bind source of the config, where its filesystem allows it and
 *     its propagation is private; else it is bound as before, and the log
 *     says so at info level.
 * The map (0 -> H, size ids) is the workload's own user namespace
 * (cinch_idmap_userns).  Where a rootfs cannot be idmapped, the caller
 * runs the container without (container.c).
 *
 * The mountinfo and overlay option parsers are pure and unit-tested. */
#ifndef CINCH_IDMAP_H
#define CINCH_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "cinch/util.h"

struct cinch_error;
struct cinch_spec;

struct cinch_idmap {
	uint32_t host; /* the container's root on the host (decide.h) */
	int root;      /* detached mount: the rootfs as the workload sees it; -1: bound as it is */
	int *binds;    /* per config mount: a detached idmapped copy of its bind source, or -1 */
	size_t n;
};
#define CINCH_IDMAP_INIT                                                                                               \
	{                                                                                                              \
		.host = 0, .root = -1, .binds = NULL, .n = 0                                                           \
	}

/* A user namespace whose map is 0 -> host, size ids: the workload's own
 * (init joins it last, init.c) and the idmap of its mounts.  A
 * short-lived child is born in it while its maps are written; the fd
 * keeps it. */
int cinch_idmap_userns(int proc_fd, uint32_t host, uint32_t size, struct cinch_error **err);

/* Makes the mounts above for spec (the effective config, read with the
 * bundle as the working directory, as init does), whose root.path the
 * runtime opened as rootfs_fd (rootfs: its absolute path, for messages),
 * through userns (cinch_idmap_userns).  proc_fd is the host's /proc
 * (procfs.h).  On failure *out holds nothing. */
int cinch_idmap_prepare(const struct cinch_spec *spec, const char *config_path, const char *rootfs, int rootfs_fd,
                        int proc_fd, int userns, uint32_t host, struct cinch_idmap *out, struct cinch_error **err);
/* The bind mounts the config asks to idmap (the idmap and ridmap
 * options, or uidMappings and gidMappings given without either, as
 * runtime-spec 1.1 wrote them), for a container without a new user
 * namespace of the config's (with one, sources.h makes them): a detached
 * copy of each source, idmapped through the mount's own maps, else
 * remap_userns, a late remap's (mounts.h checked that it has one),
 * recursively for ridmap, into out->binds (made when empty), in place of
 * a late remap's copy.  Made by the runtime, as the host's root, relative
 * to the bundle; init attaches them in a mount namespace the host's user
 * namespace owns, where the workload cannot undo what the kernel locked.
 * Unlike a late remap's own copies, one the kernel refuses fails create,
 * naming the mount. */
int cinch_idmap_mounts(const struct cinch_spec *spec, int proc_fd, int remap_userns, struct cinch_idmap *out,
                       struct cinch_error **err);
/* The parts of it sources.c uses for a config's own user namespace, where
 * the copy is made from within init's mount namespace (sources.h): a user
 * namespace of mount i's own maps, else of the container's (made by a
 * short-lived child of the runtime, the caller), and mount i's idmapped
 * copy of src (its source, open) through userns.  Errors name the mount. */
int cinch_idmap_mount_userns(const struct cinch_spec *spec, size_t i, int proc_fd, struct cinch_error **err);
int cinch_idmap_copy(const struct cinch_spec *spec, size_t i, int src, int userns, struct cinch_error **err);
/* Closes every mount fd and frees the array. */
void cinch_idmap_close(struct cinch_idmap *m);

/* What the calling thread creates from here on belongs to host uid and
 * gid `host` (fsuid, fsgid), with its effective capabilities raised back
 * to the permitted ones (a fsuid other than 0 drops the file ones).
 * Through a mount idmapped to the block, fsuid 0 maps to nothing and
 * cannot create a file.  end returns to fsuid 0; both check the result. */
int cinch_idmap_become_owner(uint32_t host, struct cinch_error **err);
int cinch_idmap_end_owner(struct cinch_error **err);

/* ---- pure ---- */

/* One line of /proc/PID/mountinfo; root and target unescaped, options
 * (the superblock's) as the kernel wrote them. */
struct cinch_mountinfo {
	int id, parent;
	char *root, *target, *fstype, *source, *options;
};
/* 0, or -1 for a line that is not one. */
int cinch_mountinfo_parse(const char *line, struct cinch_mountinfo *out);
void cinch_mountinfo_clear(struct cinch_mountinfo *mi);

/* An overlay's layers and options, read from its superblock options in
 * mountinfo: octal escapes undone, "lowerdir=" split at its unescaped
 * colons ("::" starts the data-only layers) with overlayfs's backslash
 * escapes undone, as for upperdir and workdir; "lowerdir+" and "datadir+"
 * one layer each.  options: every other one, "key=value" or "flag", in
 * order. */
struct cinch_overlay {
	struct cinch_strv lower; /* top first */
	struct cinch_strv data;
	char *upper, *work; /* NULL: a read-only overlay */
	struct cinch_strv options;
};
/* Fails, naming the layer, on a relative layer path (a client that
 * mounted from its storage dir, as Docker does for long layer lists):
 * there is no telling what it is relative to. */
int cinch_overlay_parse(const char *options, struct cinch_overlay *out, struct cinch_error **err);
void cinch_overlay_clear(struct cinch_overlay *ov);

#endif
