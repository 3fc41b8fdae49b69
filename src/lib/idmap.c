#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/idmap.h"
#include "cinch/log.h"
#include "cinch/mounts.h"
#include "cinch/procfs.h"
#include "cinch/spec.h"
#include "cinch/util.h"

/* /proc/self/mountinfo of a host with many containers runs to megabytes. */
#define MOUNTINFO_MAX (64u << 20)

/* ---- mountinfo and overlay options (pure) ---- */

/* s[0..n) with the kernel's "\ooo" escapes undone. */
static char *unescape_octal(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
		    s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[o++] = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* overlayfs's own escapes: a backslash takes the next character as it is. */
static char *unescape_backslash(const char *s)
{
	char *out = xmalloc(strlen(s) + 1);
	size_t o = 0;
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		out[o++] = *s;
	}
	out[o] = '\0';
	return out;
}

static int parse_int(const char *s, int *out)
{
	uint64_t v;
	if (cinch_parse_uint(s, INT32_MAX, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

int cinch_mountinfo_parse(const char *line, struct cinch_mountinfo *out)
{
	memset(out, 0, sizeof(*out));
	_cleanup_free_ char *copy = xstrndup(line, strcspn(line, "\n"));
	char *f[64];
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t && n < ARRAY_SIZE(f); t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	/* id parent maj:min root target mount-options [optional...] - fstype source super-options */
	size_t dash = 6;
	while (dash < n && strcmp(f[dash], "-") != 0)
		dash++;
	if (dash + 4 > n)
		return -1;
	if (parse_int(f[0], &out->id) < 0 || parse_int(f[1], &out->parent) < 0)
		return -1;
	out->root = unescape_octal(f[3], strlen(f[3]));
	out->target = unescape_octal(f[4], strlen(f[4]));
	out->fstype = unescape_octal(f[dash + 1], strlen(f[dash + 1]));
	out->source = unescape_octal(f[dash + 2], strlen(f[dash + 2]));
	out->options = xstrdup(f[dash + 3]);
	return 0;
}

void cinch_mountinfo_clear(struct cinch_mountinfo *mi)
{
	free(mi->root);
	free(mi->target);
	free(mi->fstype);
	free(mi->source);
	free(mi->options);
	memset(mi, 0, sizeof(*mi));
}

/* "lowerdir=": layers split at unescaped colons, as overlayfs splits them
 * (ovl_parse_param_split_lowerdirs), each then unescaped; after "::" come
 * the data-only layers. */
static int split_lowerdir(const char *s, struct cinch_overlay *ov, struct cinch_error **err)
{
	struct cinch_strv *into = &ov->lower;
	struct cinch_buf cur = {0};
	for (const char *p = s;; p++) {
		if (*p == '\\' && p[1]) {
			cinch_buf_append(&cur, ++p, 1);
			continue;
		}
		if (*p != ':' && *p != '\0') {
			cinch_buf_append(&cur, p, 1);
			continue;
		}
		_cleanup_free_ char *layer = cinch_buf_steal(&cur);
		if (layer[0] == '\0')
			return cinch_error_set(err, 0, "overlay: lowerdir \"%s\" has an empty layer", s);
		cinch_strv_append(into, layer);
		if (*p == '\0')
			return 0;
		if (p[1] == ':') {
			if (into == &ov->data)
				return cinch_error_set(err, 0, "overlay: lowerdir \"%s\" has \"::\" twice", s);
			into = &ov->data;
			p++;
		}
	}
}

static int check_layer(const char *what, const char *path, struct cinch_error **err)
{
	if (path[0] == '/')
		return 0;
	return cinch_error_set(err, 0,
	                       "overlay: %s %s is a relative path (its client mounted it from another directory): "
	                       "cannot find it to idmap it",
	                       what, path);
}

static int check_layers(const struct cinch_overlay *ov, struct cinch_error **err)
{
	if (ov->lower.n == 0)
		return cinch_error_set(err, 0, "overlay: no lowerdir in its options");
	if ((ov->upper == NULL) != (ov->work == NULL))
		return cinch_error_set(err, 0, "overlay: an upperdir without a workdir, or the other way round");
	for (size_t i = 0; i < ov->lower.n; i++)
		if (check_layer("lowerdir", ov->lower.items[i], err) < 0)
			return -1;
	for (size_t i = 0; i < ov->data.n; i++)
		if (check_layer("datadir", ov->data.items[i], err) < 0)
			return -1;
	if (ov->upper && (check_layer("upperdir", ov->upper, err) < 0 || check_layer("workdir", ov->work, err) < 0))
		return -1;
	return 0;
}

static int overlay_option(const char *opt, struct cinch_overlay *ov, struct cinch_error **err)
{
	const char *eq = strchr(opt, '=');
	size_t klen = eq ? (size_t)(eq - opt) : strlen(opt);
	const char *v = eq ? eq + 1 : "";
#define KEY_IS(k) (klen == strlen(k) && strncmp(opt, k, klen) == 0)
	if (KEY_IS("lowerdir"))
		return split_lowerdir(v, ov, err);
	if (KEY_IS("lowerdir+"))
		cinch_strv_append(&ov->lower, v);
	else if (KEY_IS("datadir+"))
		cinch_strv_append(&ov->data, v);
	else if (KEY_IS("upperdir") && ov->upper == NULL)
		ov->upper = unescape_backslash(v);
	else if (KEY_IS("workdir") && ov->work == NULL)
		ov->work = unescape_backslash(v);
	else if (KEY_IS("upperdir") || KEY_IS("workdir"))
		return cinch_error_set(err, 0, "overlay: %.*s given twice", (int)klen, opt);
	else
		cinch_strv_append(&ov->options, opt);
#undef KEY_IS
	return 0;
}

int cinch_overlay_parse(const char *options, struct cinch_overlay *out, struct cinch_error **err)
{
	memset(out, 0, sizeof(*out));
	const char *p = options;
	while (*p) {
		size_t n = strcspn(p, ",");
		_cleanup_free_ char *opt = unescape_octal(p, n);
		if (n > 0 && overlay_option(opt, out, err) < 0)
			goto fail;
		p += n;
		if (*p == ',')
			p++;
	}
	if (check_layers(out, err) < 0)
		goto fail;
	return 0;
fail:
	cinch_overlay_clear(out);
	return -1;
}

void cinch_overlay_clear(struct cinch_overlay *ov)
{
	free_strv(ov->lower.items);
	free_strv(ov->data.items);
	free_strv(ov->options.items);
	free(ov->upper);
	free(ov->work);
	memset(ov, 0, sizeof(*ov));
}

/* ---- the owner of what is created ---- */

static int raise_effective_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	return (int)syscall(SYS_capset, &hdr, data);
}

int cinch_idmap_become_owner(uint32_t host, struct cinch_error **err)
{
	setfsgid((gid_t)host);
	setfsuid((uid_t)host);
	/* setfsuid and setfsgid cannot report failure: ask (an invalid id
	 * changes nothing and returns the current one). */
	if ((uint32_t)setfsgid((gid_t)-1) != host || (uint32_t)setfsuid((uid_t)-1) != host)
		return cinch_error_set(err, 0, "remap: become fsuid and fsgid %u", host);
	if (raise_effective_caps() < 0)
		return cinch_error_set(err, errno, "remap: keep the capabilities as fsuid %u", host);
	return 0;
}

int cinch_idmap_end_owner(struct cinch_error **err)
{
	setfsuid(0);
	setfsgid(0);
	if (setfsuid((uid_t)-1) != 0 || setfsgid((gid_t)-1) != 0)
		return cinch_error_set(err, 0, "remap: return to fsuid and fsgid 0");
	return 0;
}

/* ---- the map's user namespace ---- */

static int write_maps(int proc_fd, pid_t pid, const char *uid_map, const char *gid_map, const char *what,
                      struct cinch_error **err)
{
	char rel[64];
	for (int i = 0; i < 2; i++) {
		const char *map = i ? gid_map : uid_map;
		snprintf(rel, sizeof(rel), "%d/%s", (int)pid, i ? "gid_map" : "uid_map");
		if (cinch_procfs_write(proc_fd, rel, map, strlen(map), what, err) < 0)
			return -1;
	}
	return 0;
}

/* The holder: born in the new user namespace, it only waits to be
 * killed.  It shares the runtime's memory (no copy of the page tables,
 * and no copy-on-write faults in the runtime afterwards), so it runs on a
 * stack of its own, with every signal blocked (no handler may run on that
 * stack), and makes only system calls through syscall(2), none of which
 * can fail here: glibc's own wrappers would touch the runtime's thread
 * state (pause is a cancellation point), a failure its errno.  One holder
 * at a time, the main thread's, for the one stack. */
static char holder_stack[16 * 1024] __attribute__((aligned(16)));

static int hold_userns(void *parent)
{
	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (syscall(SYS_getppid) != *(pid_t *)parent)
		syscall(SYS_exit, 1);
	for (;;)
		syscall(SYS_pause);
	return 0; /* not reached */
}

/* A user namespace mapping 0..size-1 to host..: a child is born in it,
 * waits while its maps are written and the namespace is opened, and is
 * killed.  The fd keeps the namespace; nothing runs in it. */
static int userns_with_maps(int proc_fd, const char *uid_map, const char *gid_map, const char *what,
                            struct cinch_error **err)
{
	pid_t parent = getpid();
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = clone(hold_userns, holder_stack + sizeof(holder_stack), CLONE_VM | CLONE_NEWUSER | SIGCHLD,
			  &parent);
	int clone_errno = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return cinch_error_set(err, clone_errno, "%s: make it", what);
	int fd = -1;
	if (write_maps(proc_fd, pid, uid_map, gid_map, what, err) == 0) {
		char rel[64];
		snprintf(rel, sizeof(rel), "%d/ns/user", (int)pid);
		fd = openat(proc_fd, rel, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			cinch_error_set(err, errno, "%s: open it", what);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

int cinch_idmap_userns(int proc_fd, uint32_t host, uint32_t size, struct cinch_error **err)
{
	char map[64];
	snprintf(map, sizeof(map), "0 %u %u\n", host, size);
	return userns_with_maps(proc_fd, map, map, "remap: the idmap's user namespace", err);
}

/* ---- idmapped copies ---- */

/* A detached copy of the mount at fd (and of those below it when
 * recursive), idmapped through userns.  -1 with errno: EINVAL where a
 * filesystem does not support idmapped mounts. */
static int idmapped_copy(int fd, int userns, bool recursive)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	_cleanup_close_ int tree = open_tree(fd, "", flags);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	if (tree < 0 ||
	    mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
		return -1;
	return TAKE_FD(tree);
}

static long fs_magic(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 ? (long)sfs.f_type : 0;
}

/* ---- an overlay rootfs ---- */

/* What the overlay's fs context said last, for a message. */
static const char *fc_message(int fs, char *buf, size_t size)
{
	ssize_t n = read(fs, buf, size - 1);
	if (n <= 0)
		return "";
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* "overlay: WHAT OBJECT: strerror (kernel: what it said)" */
static int fc_error(int fs, int e, struct cinch_error **err, const char *what, const char *object)
{
	char msg[512];
	const char *said = fc_message(fs, msg, sizeof(msg));
	if (said[0] == '\0')
		return cinch_error_set(err, e, "overlay: %s%s%s", what, object ? " " : "", object ? object : "");
	return cinch_error_set(err, e, "overlay: %s%s%s (kernel: %s)", what, object ? " " : "", object ? object : "",
	                       said);
}

/* A layer by fd; a kernel before 6.13 takes only a path to it. */
static int set_layer(int fs, const char *key, int fd)
{
	if (fsconfig(fs, FSCONFIG_SET_FD, key, NULL, fd) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return fsconfig(fs, FSCONFIG_SET_STRING, key, path, 0);
}

/* The idmapped copies of the layers, held open until the overlay is made:
 * closing the last fd of a detached mount unmounts it, and overlayfs
 * takes its own copy of each layer's mount only then. */
struct copies {
	int fd[500 + 1]; /* overlayfs takes up to 500 lower and data layers; and the upper's */
	size_t n;
};

static void copies_close(struct copies *c)
{
	for (size_t i = 0; i < c->n; i++)
		close(c->fd[i]);
	c->n = 0;
}

/* An idmapped copy of the mount at dir, held in c.  -1 with errno. */
static int hold_copy(struct copies *c, int dir, int userns)
{
	if (c->n == ARRAY_SIZE(c->fd)) {
		errno = E2BIG;
		return -1;
	}
	int copy = idmapped_copy(dir, userns, false);
	if (copy >= 0)
		c->fd[c->n++] = copy;
	return copy;
}

static int add_lower(int fs, const char *key, const char *path, int userns, struct copies *c, struct cinch_error **err)
{
	_cleanup_close_ int dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return cinch_error_set(err, errno, "overlay: layer %s: open", path);
	int copy = hold_copy(c, dir, userns);
	if (copy < 0)
		return cinch_error_set(err, errno, "overlay: layer %s: make an idmapped copy", path);
	if (set_layer(fs, key, copy) < 0)
		return fc_error(fs, errno, err, "give it the layer", path);
	return 0;
}

/* path's last component, opened in the copy of its parent, and checked to
 * be what the host has there (not a directory a mount covers). */
static int open_in_copy(int copy, const char *path, struct cinch_error **err)
{
	_cleanup_close_ int fd = openat(copy, strrchr(path, '/') + 1, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int host = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat a, b;
	if (fd < 0 || host < 0 || fstat(fd, &a) < 0 || fstat(host, &b) < 0)
		return cinch_error_set(err, errno, "overlay: %s: open", path);
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return cinch_error_set(err, 0,
		                       "overlay: %s is a mount point: cannot give it one mount with its sibling", path);
	return TAKE_FD(fd);
}

/* The new overlay's own workdir, beside the upperdir.  Not the client's:
 * its overlay is mounted and using it, and a client that mounted it
 * "volatile" (podman does, for run --rm) left a mark there that fails any
 * other mount of it.  The client removes this one with the container's
 * storage, as it removes the upperdir. */
#define OWN_WORKDIR "cinch-work"

/* The upperdir and the workdir must lie on one mount: one idmapped copy
 * of the directory that holds the upperdir (as every client lays it out,
 * beside its own workdir), with OWN_WORKDIR made there. */
static int add_upper(int fs, const char *upper, int userns, struct copies *c, struct cinch_error **err)
{
	_cleanup_free_ char *parent = xstrndup(upper, (size_t)(strrchr(upper, '/') - upper));
	_cleanup_free_ char *work = NULL;
	xasprintf(&work, "%s/" OWN_WORKDIR, parent);
	_cleanup_close_ int dir = open(parent[0] ? parent : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return cinch_error_set(err, errno, "overlay: %s: open", parent);
	if (mkdirat(dir, OWN_WORKDIR, 0700) < 0 && errno != EEXIST)
		return cinch_error_set(err, errno, "overlay: %s: mkdir", work);
	int copy = hold_copy(c, dir, userns);
	if (copy < 0)
		return cinch_error_set(err, errno, "overlay: %s: make an idmapped copy", parent);
	_cleanup_close_ int up = open_in_copy(copy, upper, err);
	if (up < 0)
		return -1;
	_cleanup_close_ int wd = open_in_copy(copy, work, err);
	if (wd < 0)
		return -1;
	if (set_layer(fs, "upperdir", up) < 0)
		return fc_error(fs, errno, err, "give it the upperdir", upper);
	if (set_layer(fs, "workdir", wd) < 0)
		return fc_error(fs, errno, err, "give it the workdir", work);
	return 0;
}

static int set_option(int fs, const char *opt, struct cinch_error **err)
{
	_cleanup_free_ char *key = xstrndup(opt, strcspn(opt, "="));
	const char *eq = strchr(opt, '=');
	int r = eq ? fsconfig(fs, FSCONFIG_SET_STRING, key, eq + 1, 0) : fsconfig(fs, FSCONFIG_SET_FLAG, key, NULL, 0);
	return r < 0 ? fc_error(fs, errno, err, "set the option", opt) : 0;
}

/* overlayfs keeps the creator's credentials and makes its work dir, copies
 * up and whiteouts with them: through the idmapped upper only fsuid H
 * maps to an owner on disk (0); with fsuid 0 the overlay comes up
 * read-only, saying so only in the kernel log. */
static int create_as_owner(int fs, uint32_t host, struct cinch_error **err)
{
	if (cinch_idmap_become_owner(host, err) < 0)
		return -1;
	int r = fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	int e = errno;
	if (cinch_idmap_end_owner(err) < 0)
		return -1;
	return r < 0 ? fc_error(fs, e, err, "make it", NULL) : 0;
}

/* A new overlay superblock of idmapped copies of ov's layers. */
static int make_overlay(int fs, const struct cinch_overlay *ov, int userns, uint32_t host, struct cinch_error **err)
{
	__attribute__((cleanup(copies_close))) struct copies c = {.n = 0};
	for (size_t i = 0; i < ov->lower.n; i++)
		if (add_lower(fs, "lowerdir+", ov->lower.items[i], userns, &c, err) < 0)
			return -1;
	for (size_t i = 0; i < ov->data.n; i++)
		if (add_lower(fs, "datadir+", ov->data.items[i], userns, &c, err) < 0)
			return -1;
	if (ov->upper && add_upper(fs, ov->upper, userns, &c, err) < 0)
		return -1;
	for (size_t i = 0; i < ov->options.n; i++) {
		/* volatile would leave its mark in OWN_WORKDIR, which no one
		 * clears before the next start: this overlay syncs. */
		if (strcmp(ov->options.items[i], "volatile") == 0)
			continue;
		if (set_option(fs, ov->options.items[i], err) < 0)
			return -1;
	}
	return create_as_owner(fs, host, err);
}

static int build_overlay(const struct cinch_overlay *ov, int userns, uint32_t host, unsigned int attrs,
                         struct cinch_error **err)
{
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return cinch_error_set(err, errno, "overlay: fsopen");
	if (make_overlay(fs, ov, userns, host, err) < 0)
		return -1;
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		return cinch_error_set(err, errno, "overlay: fsmount");
	struct statvfs sv;
	if (ov->upper && !(attrs & MOUNT_ATTR_RDONLY) && (fstatvfs(mnt, &sv) < 0 || (sv.f_flag & ST_RDONLY)))
		return cinch_error_set(err, 0, "overlay: came up read-only (the kernel log says why)");
	return TAKE_FD(mnt);
}

/* The mountinfo line of mount id, and whether any mount lies below it. */
static int find_mount(int proc_fd, int id, struct cinch_mountinfo *out, bool *has_children, struct cinch_error **err)
{
	_cleanup_close_ int fd = openat(proc_fd, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	if (fd < 0)
		return cinch_error_set(err, errno, "/proc/self/mountinfo: open");
	if (cinch_read_fd(fd, "/proc/self/mountinfo", MOUNTINFO_MAX, &text, NULL, err) < 0)
		return -1;
	bool found = false;
	*has_children = false;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct cinch_mountinfo mi;
		if (cinch_mountinfo_parse(line, &mi) < 0)
			continue;
		if (mi.parent == id && mi.id != id)
			*has_children = true;
		if (mi.id == id && !found) {
			*out = mi;
			found = true;
			continue;
		}
		cinch_mountinfo_clear(&mi);
	}
	if (!found)
		return cinch_error_set(err, 0, "mount %d is not in /proc/self/mountinfo", id);
	return 0;
}

/* The overlay rootfs, rebuilt of idmapped layers: the kernel will not
 * idmap an overlay mount itself (EINVAL). */
static int overlay_rootfs(int rootfs_fd, int proc_fd, int userns, uint32_t host, struct cinch_error **err)
{
	struct statx stx;
	if (statx(rootfs_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return cinch_error_set(err, errno, "overlay: find its mount");
	if (!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return cinch_error_set(err, 0, "a directory inside an overlay mount, not its root: cannot idmap it");
	struct cinch_mountinfo mi;
	bool children = false;
	if (find_mount(proc_fd, (int)stx.stx_mnt_id, &mi, &children, err) < 0)
		return -1;
	struct cinch_overlay ov;
	int r = -1;
	if (strcmp(mi.root, "/") != 0)
		cinch_error_set(err, 0, "a bind of %s of an overlay, not its root: cannot idmap it", mi.root);
	else if (children)
		cinch_error_set(err, 0, "overlay: has mounts below it, which a new overlay would not carry");
	else if (cinch_overlay_parse(mi.options, &ov, err) == 0) {
		r = build_overlay(&ov, userns, host, cinch_mounts_locked_attrs(rootfs_fd), err);
		cinch_overlay_clear(&ov);
	}
	cinch_mountinfo_clear(&mi);
	return r;
}

/* The rootfs as the workload is to see it: a detached mount. */
static int idmap_rootfs(int rootfs_fd, int proc_fd, int userns, uint32_t host, struct cinch_error **err)
{
	if (fs_magic(rootfs_fd) == OVERLAYFS_SUPER_MAGIC)
		return overlay_rootfs(rootfs_fd, proc_fd, userns, host, err);
	/* Recursive, as the plain bind is: a mount below the rootfs whose
	 * filesystem cannot be idmapped fails it. */
	int tree = idmapped_copy(rootfs_fd, userns, true);
	if (tree < 0)
		return cinch_error_set(err, errno, "make an idmapped copy%s",
		                       errno == EINVAL ? " (its filesystem, or one mounted below it, does not support "
		                                         "idmapped mounts)"
		                                       : "");
	return tree;
}

/* ---- bind sources ---- */

static bool is_kernel_tree(long magic)
{
	return magic == SYSFS_MAGIC || magic == PROC_SUPER_MAGIC || magic == CGROUP_SUPER_MAGIC ||
	       magic == CGROUP2_SUPER_MAGIC;
}

/* An idmapped copy of mount i's bind source, or -1 to bind it as before:
 * not a bind; a source init will refuse or report (it cannot be opened,
 * or is a kernel tree, which is never idmapped); a propagation from the
 * host asked for (an idmapped copy is a private mount, which nothing
 * reaches); a filesystem that refuses (said in the log, at info level). */
static int idmap_bind(const struct cinch_spec_mount *m, size_t i, int userns, const char *cfg)
{
	struct cinch_mount_opts o;
	struct cinch_error *e = NULL;
	if (cinch_mount_opts_parse(&m->options, &o, &e) < 0) {
		cinch_error_free(e); /* create refused the config before */
		return -1;
	}
	bool bind = o.bind || (m->type && strcmp(m->type, "bind") == 0);
	bool recursive = (o.flags & MS_REC) != 0;
	unsigned long propagation = o.propagation;
	cinch_mount_opts_clear(&o);
	if (!bind || m->source == NULL)
		return -1;
	if (propagation & (MS_SHARED | MS_SLAVE)) {
		cinch_log(CINCH_LOG_INFO,
		          "%s: mounts[%zu]: bind %s on %s: not idmapped: it asks for slave or shared "
		          "propagation, which an idmapped copy (a private mount) cannot have; its files show their "
		          "host owners",
		          cfg, i, m->source, m->destination);
		return -1;
	}
	_cleanup_close_ int src = open(m->source, O_PATH | O_CLOEXEC);
	if (src < 0 || is_kernel_tree(fs_magic(src)))
		return -1;
	int tree = idmapped_copy(src, userns, recursive);
	if (tree < 0)
		cinch_log(CINCH_LOG_INFO,
		          "%s: mounts[%zu]: bind %s on %s: not idmapped: %s; its files show their host "
		          "owners",
		          cfg, i, m->source, m->destination,
		          errno == EINVAL ? "its filesystem does not support idmapped mounts" : strerror(errno));
	return tree;
}

static void idmap_binds(const struct cinch_spec *spec, int userns, const char *cfg, struct cinch_idmap *out)
{
	size_t n = spec->mounts.n;
	out->binds = xcalloc(n ? n : 1, sizeof(int));
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->binds[i] = idmap_bind(&spec->mounts.items[i], i, userns, cfg);
}

/* ---- mounts the config asks to idmap (idmap, ridmap) ---- */

static char *map_text(const struct cinch_spec_idmaps *maps)
{
	struct cinch_buf b = {0};
	for (size_t i = 0; i < maps->n; i++)
		cinch_buf_printf(&b, "%u %u %u\n", maps->items[i].container_id, maps->items[i].host_id, maps->items[i].size);
	return cinch_buf_steal(&b);
}

int cinch_idmap_mount_userns(const struct cinch_spec *spec, size_t i, int proc_fd, struct cinch_error **err)
{
	const struct cinch_spec_mount *m = &spec->mounts.items[i];
	const struct cinch_spec_idmaps *u = m->uid_mappings.n ? &m->uid_mappings : &spec->linux_.uid_mappings;
	const struct cinch_spec_idmaps *g = m->uid_mappings.n ? &m->gid_mappings : &spec->linux_.gid_mappings;
	_cleanup_free_ char *um = map_text(u), *gm = map_text(g);
	int userns = userns_with_maps(proc_fd, um ? um : "", gm ? gm : "", "its user namespace", err);
	return userns < 0 ? cinch_error_prefix(err, "mounts[%zu]: idmap", i) : userns;
}

int cinch_idmap_copy(const struct cinch_spec *spec, size_t i, int src, int userns, struct cinch_error **err)
{
	const struct cinch_spec_mount *m = &spec->mounts.items[i];
	struct cinch_mount_opts o;
	if (cinch_mount_opts_parse(&m->options, &o, err) < 0)
		return -1;
	bool rbind = (o.flags & MS_REC) != 0;
	cinch_mount_opts_clear(&o);
	bool recursive = cinch_mount_idmap_asked(m) == CINCH_MOUNT_RIDMAP;
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (rbind ? AT_RECURSIVE : 0);
	_cleanup_close_ int tree = open_tree(src, "", flags);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	if (tree < 0 ||
	    mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
		return cinch_error_set(err, errno, "mounts[%zu]: bind %s on %s: make an idmapped copy%s", i, m->source,
		                       m->destination,
		                       errno == EINVAL ? " (its filesystem, or one mounted below it, does not support "
		                                         "idmapped mounts)"
		                                       : "");
	return TAKE_FD(tree);
}

/* Mount i's idmapped copy, through the mount's own maps, else the late
 * remap's user namespace. */
static int idmap_asked(const struct cinch_spec *spec, size_t i, int proc_fd, int remap_userns,
                       struct cinch_error **err)
{
	const struct cinch_spec_mount *m = &spec->mounts.items[i];
	_cleanup_close_ int userns = m->uid_mappings.n == 0 && remap_userns >= 0
	                                 ? dup(remap_userns)
	                                 : cinch_idmap_mount_userns(spec, i, proc_fd, err);
	if (userns < 0)
		return -1;
	_cleanup_close_ int src = open(m->source, O_PATH | O_CLOEXEC);
	if (src < 0)
		return cinch_error_set(err, errno, "mounts[%zu]: bind %s: open", i, m->source);
	return cinch_idmap_copy(spec, i, src, userns, err);
}

int cinch_idmap_mounts(const struct cinch_spec *spec, int proc_fd, int remap_userns, struct cinch_idmap *out,
                       struct cinch_error **err)
{
	for (size_t i = 0; i < spec->mounts.n; i++) {
		enum cinch_mount_idmap how = cinch_mount_idmap_asked(&spec->mounts.items[i]);
		if (how == CINCH_MOUNT_NO_IDMAP)
			continue;
		if (out->binds == NULL) {
			out->n = spec->mounts.n;
			out->binds = xcalloc(out->n, sizeof(int));
			for (size_t k = 0; k < out->n; k++)
				out->binds[k] = -1;
		}
		int tree = idmap_asked(spec, i, proc_fd, remap_userns, err);
		if (tree < 0)
			return -1;
		if (out->binds[i] >= 0) /* the late remap's copy: this one is what the config asked for */
			close(out->binds[i]);
		out->binds[i] = tree;
	}
	return 0;
}

int cinch_idmap_prepare(const struct cinch_spec *spec, const char *config_path, const char *rootfs, int rootfs_fd,
                        int proc_fd, int userns, uint32_t host, struct cinch_idmap *out, struct cinch_error **err)
{
	*out = (struct cinch_idmap)CINCH_IDMAP_INIT;
	out->host = host;
	out->root = idmap_rootfs(rootfs_fd, proc_fd, userns, host, err);
	if (out->root < 0)
		return cinch_error_prefix(err, "%s: root.path %s: the remapped workload needs it idmapped", config_path,
		                          rootfs);
	idmap_binds(spec, userns, config_path, out);
	return 0;
}

void cinch_idmap_close(struct cinch_idmap *m)
{
	if (m->root >= 0)
		close(m->root);
	m->root = -1;
	for (size_t i = 0; i < m->n; i++)
		if (m->binds[i] >= 0)
			close(m->binds[i]);
	free(m->binds);
	m->binds = NULL;
	m->n = 0;
}
