/* cgroup: paths, hierarchy discovery, the cgroupfs file helpers shared by
 * the v1 and v2 back ends, and the public operations, which read as lists
 * of steps over the hierarchies of the layout. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cinch/cgroup.h"
#include "cinch/error.h"
#include "cinch/spec.h"
#include "cinch/log.h"
#include "cinch/util.h"
#include "cgroup-internal.h"

#define MOUNTINFO "/proc/self/mountinfo"
#define MOUNTINFO_MAX (16u << 20)
#define CGROUP_FILE_MAX (8u << 20) /* cgroup.procs of a very busy cgroup */

/* ---- paths ---- */

static const char *first_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return s;
	return NULL;
}

int cinch_cgroup_check_path(const char *path, const char *shown, struct cinch_error **err)
{
	const char *ctl = first_control(path);
	if (ctl)
		return cinch_error_set(err, 0, "linux.cgroupsPath: byte 0x%02x at offset %td is not allowed",
				       (unsigned char)*ctl, ctl - path);
	if (path[0] != '/')
		return cinch_error_set(err, 0, "linux.cgroupsPath: \"%s\" is not an absolute path", shown);
	if (path[1] == '\0')
		return cinch_error_set(err, 0, "linux.cgroupsPath: \"%s\": a container cannot use the root cgroup", shown);
	for (const char *c = path + 1;;) {
		size_t len = strcspn(c, "/");
		if (len == 0)
			return cinch_error_set(err, 0, "linux.cgroupsPath: \"%s\": empty path components are not allowed",
					       shown);
		if (c[0] == '.' && (len == 1 || (len == 2 && c[1] == '.')))
			return cinch_error_set(err, 0, "linux.cgroupsPath: \"%s\": \"%.*s\" components are not allowed",
					       shown, (int)len, c);
		if (c[len] == '\0')
			return 0;
		c += len + 1;
	}
}

int cinch_cgroup_expand_slice(const char *slice, char **out, struct cinch_error **err)
{
	static const char suffix[] = ".slice";
	size_t n = strlen(slice), sl = sizeof(suffix) - 1;
	if (n <= sl || strcmp(slice + n - sl, suffix) != 0 || strchr(slice, '/') != NULL)
		return cinch_error_set(err, 0, "invalid slice name \"%s\"", slice);
	_cleanup_free_ char *name = xstrndup(slice, n - sl);
	if (strcmp(name, "-") == 0) { /* the root slice */
		*out = xstrdup("");
		return 0;
	}
	/* systemd nests "a-b-c.slice" as a.slice/a-b.slice/a-b-c.slice. */
	struct cinch_buf b = {0};
	for (size_t i = 0;;) {
		size_t len = strcspn(name + i, "-");
		if (len == 0) {
			cinch_buf_free(&b);
			return cinch_error_set(err, 0, "invalid slice name \"%s\"", slice);
		}
		cinch_buf_printf(&b, "/%.*s%s", (int)(i + len), name, suffix);
		if (name[i + len] == '\0')
			break;
		i += len + 1;
	}
	*out = cinch_buf_steal(&b);
	return 0;
}

static int systemd_path(const char *spec, char **out, struct cinch_error **err)
{
	const char *c1 = strchr(spec, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c2 == NULL || strchr(c2 + 1, ':') != NULL)
		return cinch_error_set(err, 0,
				       "linux.cgroupsPath: \"%s\" is not of the form \"slice:prefix:name\" that the "
				       "systemd cgroup driver needs",
				       spec);
	_cleanup_free_ char *slice = xstrndup(spec, (size_t)(c1 - spec));
	_cleanup_free_ char *prefix = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	const char *name = c2 + 1;
	if (prefix[0] == '\0' || name[0] == '\0' || strchr(prefix, '/') || strchr(name, '/'))
		return cinch_error_set(err, 0, "linux.cgroupsPath: \"%s\": prefix and name must be non-empty, without '/'",
				       spec);
	_cleanup_free_ char *expanded = NULL;
	if (cinch_cgroup_expand_slice(slice[0] ? slice : "system.slice", &expanded, err) < 0)
		return cinch_error_prefix(err, "linux.cgroupsPath: \"%s\"", spec);
	xasprintf(out, "%s/%s-%s.scope", expanded, prefix, name);
	return 0;
}

int cinch_cgroup_path(const char *cgroups_path, const char *id, bool systemd, char **out, struct cinch_error **err)
{
	_cleanup_free_ char *p = NULL;
	if (cgroups_path == NULL || cgroups_path[0] == '\0') {
		/* As runc: "/<id>", a directory of its own that delete removes
		 * whole, with no shared parent left behind.  The state module
		 * validates ids; refuse here too what could escape. */
		if (id == NULL || id[0] == '\0' || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
		    first_control(id))
			return cinch_error_set(err, 0, "container id \"%s\" cannot name a cgroup", id ? id : "");
		xasprintf(&p, "/%s", id);
		cgroups_path = p;
	} else if (systemd) {
		if (systemd_path(cgroups_path, &p, err) < 0)
			return -1;
	} else if (cgroups_path[0] == '/') {
		p = xstrdup(cgroups_path);
	} else {
		xasprintf(&p, "/cinch/%s", cgroups_path);
	}
	if (cinch_cgroup_check_path(p, cgroups_path, err) < 0)
		return -1;
	*out = steal_pointer(&p);
	return 0;
}

int cinch_cgroup_check_page_size(const char *s, size_t index, struct cinch_error **err)
{
	/* It becomes part of a file name: digits, a unit, "B" ("2MB", "1GB"). */
	size_t digits = strspn(s, "0123456789");
	if (digits == 0 || s[digits] == '\0' || strchr("KMGTP", s[digits]) == NULL || strcmp(s + digits + 1, "B") != 0)
		return cinch_error_set(err, 0, "linux.resources.hugepageLimits[%zu].pageSize: \"%s\" is not a page size "
					       "such as 2MB",
				       index, s);
	return 0;
}

/* ---- mountinfo and the layout ---- */

/* Undoes the \ooo escapes the kernel writes for space, tab, newline, '\'. */
static char *unescape(const char *s)
{
	char *r = xmalloc(strlen(s) + 1), *o = r;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return r;
}

void cinch_cgroup_mount_clear(struct cinch_cgroup_mount *m)
{
	free(m->dev);
	free(m->root);
	free(m->mnt);
	free(m->opts);
	*m = (struct cinch_cgroup_mount){0};
}

int cinch_cgroup_parse_mountinfo_line(const char *line, struct cinch_cgroup_mount *out)
{
	/* id parent major:minor root mount-point options [optional...] - fstype source super-options */
	_cleanup_free_ char *copy = xstrdup(line);
	char *save = NULL, *f[6];
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		f[i] = strtok_r(i == 0 ? copy : NULL, " ", &save);
		if (f[i] == NULL)
			return -1;
	}
	char *t;
	while ((t = strtok_r(NULL, " ", &save)) != NULL && strcmp(t, "-") != 0)
		;
	char *fstype = t ? strtok_r(NULL, " ", &save) : NULL;
	char *source = fstype ? strtok_r(NULL, " ", &save) : NULL;
	char *opts = source ? strtok_r(NULL, " ", &save) : NULL;
	if (opts == NULL)
		return -1;
	bool v2 = strcmp(fstype, "cgroup2") == 0;
	if (!v2 && strcmp(fstype, "cgroup") != 0)
		return 0;
	out->dev = xstrdup(f[2]);
	out->root = unescape(f[3]);
	out->mnt = unescape(f[4]);
	out->opts = xstrdup(opts);
	out->v2 = v2;
	return 1;
}

bool cinch_cgroup_opts_have(const char *opts, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = opts; p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = p[len] ? p + len + 1 : NULL;
	}
	return false;
}

bool cinch_cgroup_opts_have_controller(const char *opts)
{
	static const char *const controllers[] = {
		"cpu",	   "cpuacct",	 "cpuset",  "memory", "devices", "freezer", "net_cls", "net_prio",
		"blkio",   "perf_event", "hugetlb", "pids",   "rdma",	 "misc",    "debug",
	};
	for (size_t i = 0; i < ARRAY_SIZE(controllers); i++)
		if (cinch_cgroup_opts_have(opts, controllers[i]))
			return true;
	return false;
}

struct mounts {
	struct cinch_cgroup_mount *items;
	size_t n;
};

static void mounts_clear(struct mounts *m)
{
	for (size_t i = 0; i < m->n; i++)
		cinch_cgroup_mount_clear(&m->items[i]);
	free(m->items);
}

/* One entry per superblock: a bind mount of part of a hierarchy (root not
 * "/") gives way to a mount of the whole of it. */
static void mounts_add(struct mounts *ms, struct cinch_cgroup_mount *m)
{
	for (size_t i = 0; i < ms->n; i++) {
		if (strcmp(ms->items[i].dev, m->dev) != 0)
			continue;
		if (strcmp(ms->items[i].root, "/") != 0 && strcmp(m->root, "/") == 0) {
			cinch_cgroup_mount_clear(&ms->items[i]);
			ms->items[i] = *m;
		} else {
			cinch_cgroup_mount_clear(m);
		}
		return;
	}
	ms->items = xrealloc(ms->items, (ms->n + 1) * sizeof(*ms->items));
	ms->items[ms->n++] = *m;
}

static int mounts_parse(const char *text, cinch_cgroup_visible_fn visible, struct mounts *ms,
			struct cinch_error **err)
{
	size_t lineno = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		lineno++;
		/* Most lines are not cgroup mounts: skip them uncopied once
		 * they show the separator (spaces in paths are escaped, so
		 * " - " is nothing else). */
		const char *sep = len ? memmem(p, len, " - ", 3) : NULL;
		bool cgroup = sep && (size_t)(sep - p) + 9 <= len && strncmp(sep, " - cgroup", 9) == 0;
		_cleanup_free_ char *line = len && (!sep || cgroup) ? xstrndup(p, len) : NULL;
		p += len + (p[len] == '\n');
		if (line == NULL)
			continue;
		struct cinch_cgroup_mount m = {0};
		int r = cinch_cgroup_parse_mountinfo_line(line, &m);
		if (r < 0)
			return cinch_error_set(err, 0, "%s: line %zu is not a mountinfo line", MOUNTINFO, lineno);
		/* mountinfo lists covered mounts too: a hierarchy under a tmpfs
		 * mounted over /sys/fs/cgroup is not one the host uses.  Left
		 * out before mounts_add, which keeps one mount a superblock. */
		if (r > 0 && visible && !visible(m.mnt, m.dev))
			cinch_cgroup_mount_clear(&m);
		else if (r > 0)
			mounts_add(ms, &m);
	}
	return 0;
}

int cinch_cgroup_layout_parse(const char *mountinfo, cinch_cgroup_visible_fn visible, struct cinch_cgroup_layout *out,
			      struct cinch_error **err)
{
	struct mounts ms = {0};
	if (mounts_parse(mountinfo, visible, &ms, err) < 0) {
		mounts_clear(&ms);
		return -1;
	}

	bool v1 = false, v2 = false;
	for (size_t i = 0; i < ms.n; i++) {
		if (ms.items[i].v2)
			v2 = true;
		else if (cinch_cgroup_opts_have_controller(ms.items[i].opts))
			v1 = true;
	}
	*out = (struct cinch_cgroup_layout){0};
	out->mode = v1 ? (v2 ? CINCH_CGROUP_HYBRID : CINCH_CGROUP_V1) : (v2 ? CINCH_CGROUP_V2 : CINCH_CGROUP_NONE);
	out->items = xcalloc(ms.n, sizeof(*out->items));
	for (size_t i = 0; i < ms.n && out->mode != CINCH_CGROUP_NONE; i++) {
		struct cinch_cgroup_mount *m = &ms.items[i];
		/* On a v2 host a leftover named v1 hierarchy is not the container's business. */
		if (out->mode == CINCH_CGROUP_V2 && !m->v2)
			continue;
		struct cinch_cgroup_hier *h = &out->items[out->n++];
		h->mnt = steal_pointer(&m->mnt);
		h->opts = m->v2 ? NULL : steal_pointer(&m->opts);
		h->v2 = m->v2;
	}
	mounts_clear(&ms);
	return 0;
}

void cinch_cgroup_layout_clear(struct cinch_cgroup_layout *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].mnt);
		free(l->items[i].opts);
	}
	free(l->items);
	*l = (struct cinch_cgroup_layout){0};
}

static void layout_clearp(struct cinch_cgroup_layout *l)
{
	cinch_cgroup_layout_clear(l);
}
#define _cleanup_layout_ __attribute__((cleanup(layout_clearp)))

/* The device of what the path shows is the mount's own: one stat(2) a
 * hierarchy, once per process. */
static bool mount_visible(const char *mnt, const char *dev)
{
	unsigned int maj, min;
	struct stat st;
	if (sscanf(dev, "%u:%u", &maj, &min) != 2 || stat(mnt, &st) < 0)
		return false;
	return major(st.st_dev) == maj && minor(st.st_dev) == min;
}

int cinch_cgroup_layout_load(struct cinch_cgroup_layout *out, struct cinch_error **err)
{
	/* Parsed once per process: `run` needs the layout at create, start
	 * and delete, and the runtime's own mounts do not change meanwhile (it
	 * never leaves its mount namespace; init's copy is made at clone, and
	 * init, a clone, finds it here already). */
	static struct cinch_cgroup_layout cached;
	static bool have;
	if (!have) {
		_cleanup_free_ char *text = NULL;
		if (cinch_read_file(MOUNTINFO, MOUNTINFO_MAX, &text, NULL, err) < 0 ||
		    cinch_cgroup_layout_parse(text, mount_visible, &cached, err) < 0)
			return -1;
		have = true;
	}
	if (cached.mode == CINCH_CGROUP_NONE)
		return cinch_error_set(err, 0, "%s: no cgroup or cgroup2 file system is mounted", MOUNTINFO);
	*out = (struct cinch_cgroup_layout){.mode = cached.mode, .n = cached.n};
	out->items = xcalloc(cached.n ? cached.n : 1, sizeof(*out->items));
	for (size_t i = 0; i < cached.n; i++) {
		out->items[i].mnt = xstrdup(cached.items[i].mnt);
		out->items[i].opts = cached.items[i].opts ? xstrdup(cached.items[i].opts) : NULL;
		out->items[i].v2 = cached.items[i].v2;
	}
	return 0;
}

const struct cinch_cgroup_hier *cinch_cgroup_layout_find(const struct cinch_cgroup_layout *l, const char *controller)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct cinch_cgroup_hier *h = &l->items[i];
		if (controller == NULL ? h->v2 : (!h->v2 && cinch_cgroup_opts_have(h->opts, controller)))
			return h;
	}
	return NULL;
}

/* ---- plans ---- */

void cinch_cgroup_plan_add(struct cinch_cgroup_plan *p, const char *file, bool skip_if_missing, const char *fmt, ...)
{
	p->items = xrealloc(p->items, (p->n + 1) * sizeof(*p->items));
	struct cinch_cgroup_write *w = &p->items[p->n++];
	w->file = xstrdup(file);
	w->skip_if_missing = skip_if_missing;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&w->value, fmt, ap) < 0)
		abort();
	va_end(ap);
}

void cinch_cgroup_plan_clear(struct cinch_cgroup_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].file);
		free(p->items[i].value);
	}
	free(p->items);
	*p = (struct cinch_cgroup_plan){0};
}

char *cinch_cgroup_plan_controllers(const struct cinch_cgroup_plan *p)
{
	struct cinch_buf b = {0};
	cinch_buf_puts(&b, "");
	for (size_t i = 0; i < p->n; i++) {
		_cleanup_free_ char *tok = NULL;
		size_t len = strcspn(p->items[i].file, ".");
		if (len == strlen("cgroup") && strncmp(p->items[i].file, "cgroup", len) == 0)
			continue; /* core files, no controller to enable */
		xasprintf(&tok, "+%.*s", (int)len, p->items[i].file);
		/* already listed? compare whole space-separated words */
		bool seen = false;
		for (const char *w = b.data; *w && !seen;) {
			size_t wl = strcspn(w, " ");
			seen = wl == strlen(tok) && strncmp(w, tok, wl) == 0;
			w += wl + (w[wl] == ' ');
		}
		if (!seen)
			cinch_buf_printf(&b, "%s%s", b.len ? " " : "", tok);
	}
	return cinch_buf_steal(&b);
}

int cinch_cgroup_keyed_value(const char *text, const char *key, int64_t *out)
{
	size_t klen = strlen(key);
	for (const char *l = text; l && *l;) {
		if (strncmp(l, key, klen) == 0 && l[klen] == ' ') {
			char *end = NULL;
			errno = 0;
			long long v = strtoll(l + klen + 1, &end, 10);
			if (errno != 0 || end == l + klen + 1 || (*end != '\n' && *end != '\0'))
				return -1;
			*out = v;
			return 0;
		}
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return -1;
}

/* ---- cgroupfs access ---- */

char *cinch_cgroup_dir(const struct cinch_cgroup_hier *h, const char *path)
{
	size_t n = strlen(h->mnt), p = strlen(path);
	if (n > 0 && h->mnt[n - 1] == '/')
		n--;
	char *d = xmalloc(n + p + 1);
	memcpy(d, h->mnt, n);
	memcpy(d + n, path, p + 1);
	return d;
}

void cinch_cgroup_writer_close(struct cinch_cgroup_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w->path);
	*w = (struct cinch_cgroup_writer)CINCH_CGROUP_WRITER_INIT;
}

int cinch_cgroup_writer_put(struct cinch_cgroup_writer *w, const char *dir, const char *file, const char *value,
			    bool skip_if_missing, struct cinch_error **err)
{
	_cleanup_free_ char *p = NULL;
	xasprintf(&p, "%s/%s", dir, file);
	if (w->path == NULL || strcmp(w->path, p) != 0) {
		cinch_cgroup_writer_close(w);
		w->fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
		if (w->fd < 0 && errno == ENOENT && skip_if_missing)
			return 0;
		if (w->fd < 0)
			return cinch_error_set(err, errno, "%s: write \"%s\"", p, value);
		w->path = steal_pointer(&p);
	}
	/* One write(2): a cgroup file takes each write as one value. */
	if (cinch_write_all(w->fd, value, strlen(value)) < 0)
		return cinch_error_set(err, errno, "%s: write \"%s\"", w->path, value);
	return 0;
}

int cinch_cgroup_write(const char *dir, const char *file, const char *value, bool skip_if_missing,
		       struct cinch_error **err)
{
	struct cinch_cgroup_writer w = CINCH_CGROUP_WRITER_INIT;
	int r = cinch_cgroup_writer_put(&w, dir, file, value, skip_if_missing, err);
	cinch_cgroup_writer_close(&w);
	return r;
}

int cinch_cgroup_read(const char *dir, const char *file, char **out, struct cinch_error **err)
{
	_cleanup_free_ char *p = NULL;
	xasprintf(&p, "%s/%s", dir, file);
	return cinch_read_file(p, CGROUP_FILE_MAX, out, NULL, err);
}

bool cinch_cgroup_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *p = NULL;
	xasprintf(&p, "%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

int cinch_cgroup_poll(int (*check)(void *arg, struct cinch_error **err), void *arg, int timeout_ms,
		      struct cinch_error **err)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	long delay_us = 1000;
	for (;;) {
		int r = check(arg, err);
		if (r != 0)
			return r < 0 ? -1 : 1;
		if (elapsed_ms(&start) >= timeout_ms)
			return 0;
		struct timespec ts = {0, delay_us * 1000};
		nanosleep(&ts, NULL);
		if (delay_us < 16000)
			delay_us *= 2;
	}
}

/* Calls fn on each child cgroup (subdirectory) of dir. */
static int for_each_child(const char *dir, int (*fn)(const char *child, void *arg, struct cinch_error **err),
			  void *arg, struct cinch_error **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: open", dir);
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		int e = errno;
		close(fd);
		return cinch_error_set(err, e, "%s: open", dir);
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !S_ISDIR(st.st_mode)))
			continue;
		_cleanup_free_ char *child = NULL;
		xasprintf(&child, "%s/%s", dir, de->d_name);
		r = fn(child, arg, err);
	}
	closedir(d);
	return r;
}

static bool path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1) /* "/" holds everything */
		return path[1] != '\0';
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

const char *cinch_cgroup_path_relation(const char *path, const char *other)
{
	if (strcmp(path, other) == 0)
		return "is";
	if (path_below(path, other))
		return "lies below";
	if (path_below(other, path))
		return "lies above";
	return NULL;
}

/* ---- processes ---- */

struct pidv {
	pid_t *items;
	size_t n;
};

static int collect_pids(const char *dir, void *arg, struct cinch_error **err)
{
	struct pidv *v = arg;
	_cleanup_free_ char *text = NULL;
	if (cinch_cgroup_read(dir, "cgroup.procs", &text, err) < 0)
		return -1;
	for (char *save = NULL, *tok = strtok_r(text, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		uint64_t pid;
		if (cinch_parse_uint(tok, INT_MAX, &pid) < 0)
			return cinch_error_set(err, 0, "%s/cgroup.procs: \"%s\" is not a pid", dir, tok);
		v->items = xrealloc(v->items, (v->n + 1) * sizeof(*v->items));
		v->items[v->n++] = (pid_t)pid;
	}
	/* Child cgroups the container made for itself hold its processes too. */
	return for_each_child(dir, collect_pids, v, err);
}

static const struct cinch_cgroup_ops *ops_for(const struct cinch_cgroup_layout *l)
{
	return l->mode == CINCH_CGROUP_V2 ? &cinch_cgroup_v2_ops : &cinch_cgroup_v1_ops;
}

static int pids_in(const struct cinch_cgroup_layout *l, const char *path, struct pidv *v, struct cinch_error **err)
{
	const struct cinch_cgroup_hier *h = ops_for(l)->procs_hier(l);
	if (h == NULL)
		return cinch_error_set(err, 0, "%s: no cgroup hierarchy lists the container's processes", path);
	_cleanup_free_ char *dir = cinch_cgroup_dir(h, path);
	return collect_pids(dir, v, err);
}

static int join_all(const struct cinch_cgroup_layout *l, const char *path, pid_t pid, struct cinch_error **err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < l->n; i++) {
		_cleanup_free_ char *dir = cinch_cgroup_dir(&l->items[i], path);
		if (cinch_cgroup_write(dir, "cgroup.procs", buf, false, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- creation and removal ---- */

/* The directories this call made, to remove on failure. */
struct made {
	char **dirs;
	size_t n;
};

static void made_clear(struct made *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->dirs[i]);
	free(m->dirs);
}

/* A container's cgroup that exists already must hold no process: limits
 * would be whoever's came last, pausing one container would pause the
 * others, and delete --force, which kills what the cgroup holds when it
 * has no init pid to go by, would kill them too.  runc refuses the same. */
static int refuse_busy(const char *dir, struct cinch_error **err)
{
	struct pidv v = {0};
	int r = collect_pids(dir, &v, err);
	if (r == 0 && v.n > 0)
		r = cinch_error_set(err, 0, "%s: the container's cgroup is not empty: %zu process%s in it", dir, v.n,
				    v.n == 1 ? "" : "es");
	free(v.items);
	return r;
}

/* mkdir -p of path in one hierarchy, preparing each level from the top. */
static int make_levels(const struct cinch_cgroup_ops *ops, const struct cinch_cgroup_hier *h, const char *path,
		       struct made *made, struct cinch_error **err)
{
	_cleanup_free_ char *parent = cinch_cgroup_dir(h, "");
	for (const char *p = path + 1;;) {
		const char *slash = strchr(p, '/');
		size_t upto = slash ? (size_t)(slash - path) : strlen(path);
		_cleanup_free_ char *sub = xstrndup(path, upto);
		_cleanup_free_ char *dir = cinch_cgroup_dir(h, sub);
		bool fresh = mkdir(dir, 0755) == 0;
		if (fresh) {
			made->dirs = xrealloc(made->dirs, (made->n + 1) * sizeof(char *));
			made->dirs[made->n++] = xstrdup(dir);
		} else if (errno != EEXIST) {
			return cinch_error_set(err, errno, "%s: create", dir);
		}
		if (ops->prepare_level && ops->prepare_level(h, parent, dir, fresh, err) < 0)
			return -1;
		if (slash == NULL && !fresh && refuse_busy(dir, err) < 0)
			return -1;
		free(parent);
		parent = steal_pointer(&dir);
		if (slash == NULL)
			return 0;
		p = slash + 1;
	}
}

static void unmake(struct made *made, struct cinch_error **err)
{
	/* Deepest first.  err is already set, so failures become warnings. */
	for (size_t i = made->n; i-- > 0;)
		if (rmdir(made->dirs[i]) < 0 && errno != ENOENT)
			cinch_error_set(err, errno, "%s: remove after a failed create", made->dirs[i]);
}

int cinch_cgroup_create(const char *path, const struct cinch_spec_resources *res, struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	const struct cinch_cgroup_ops *ops = ops_for(&l);
	struct made made = {0};
	int r = 0;
	for (size_t i = 0; i < l.n && r == 0; i++)
		r = make_levels(ops, &l.items[i], path, &made, err);
	static const struct cinch_spec_resources none; /* still deny-all devices */
	if (r == 0)
		r = ops->apply(&l, path, res ? res : &none, true, err);
	if (r < 0)
		unmake(&made, err);
	made_clear(&made);
	return r;
}

int cinch_cgroup_enter(const char *path, pid_t pid, struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	/* "0" in cgroup.procs would move the caller itself. */
	if (pid <= 0)
		return cinch_error_set(err, 0, "%s: cannot move process %d into the cgroup", path, (int)pid);
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	return join_all(&l, path, pid, err);
}

void cinch_cgroup_entry_close(struct cinch_cgroup_entry *e)
{
	if (e->v2_dir >= 0)
		close(e->v2_dir);
	for (size_t i = 0; i < e->n; i++) {
		close(e->files[i].fd);
		free(e->files[i].path);
	}
	free(e->files);
	*e = (struct cinch_cgroup_entry)CINCH_CGROUP_ENTRY_INIT;
}

static int entry_add(struct cinch_cgroup_entry *e, const char *dir, const char *file, bool v2,
		     struct cinch_error **err)
{
	char *p = NULL;
	xasprintf(&p, "%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0) {
		int saved = errno;
		free(p);
		return cinch_error_set(err, saved, "%s/%s: open", dir, file);
	}
	e->files = xrealloc(e->files, (e->n + 1) * sizeof(*e->files));
	e->files[e->n++] = (struct cinch_cgroup_entry_file){fd, p, v2};
	return 0;
}

int cinch_cgroup_entry_open(const char *path, bool self_join, struct cinch_cgroup_entry *e,
			    struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	*e = (struct cinch_cgroup_entry)CINCH_CGROUP_ENTRY_INIT;
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++) {
		const struct cinch_cgroup_hier *h = &l.items[i];
		_cleanup_free_ char *dir = cinch_cgroup_dir(h, path);
		if (h->v2 && (e->v2_dir = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			cinch_error_set(err, errno, "%s: open", dir);
			goto fail;
		}
		if (self_join && entry_add(e, dir, h->v2 ? "cgroup.procs" : "tasks", h->v2, err) < 0)
			goto fail;
	}
	return 0;
fail:
	cinch_cgroup_entry_close(e);
	return -1;
}

int cinch_cgroup_entry_join(const struct cinch_cgroup_entry *e, bool placed_v2, struct cinch_error **err)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct cinch_cgroup_entry_file *f = &e->files[i];
		if (f->v2 && placed_v2)
			continue;
		/* "0": the writing thread itself; init has no other. */
		if (write(f->fd, "0", 1) != 1)
			return cinch_error_set(err, errno, "%s: join the container's cgroup", f->path);
	}
	return 0;
}

void cinch_cgroup_places_free(struct cinch_cgroup_place *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].dir);
	}
	free(p);
}

int cinch_cgroup_places(const char *path, struct cinch_cgroup_place **out, size_t *n, struct cinch_error **err)
{
	static const char base[] = "/sys/fs/cgroup/";
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	*out = NULL;
	*n = 0;
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	struct cinch_cgroup_place *p = xcalloc(l.n ? l.n : 1, sizeof(*p));
	size_t k = 0;
	const struct cinch_cgroup_hier *v2 = cinch_cgroup_layout_find(&l, NULL);
	if (l.mode == CINCH_CGROUP_V2 && v2) {
		p[k].name = xstrdup("");
		p[k++].dir = cinch_cgroup_dir(v2, path);
	}
	for (size_t i = 0; i < l.n && l.mode != CINCH_CGROUP_V2; i++) {
		if (!cinch_str_has_prefix(l.items[i].mnt, base))
			continue;
		const char *name = l.items[i].mnt + strlen(base);
		if (name[0] == '\0' || strchr(name, '/'))
			continue;
		p[k].name = xstrdup(name);
		p[k++].dir = cinch_cgroup_dir(&l.items[i], path);
	}
	*out = p;
	*n = k;
	return 0;
}

int cinch_cgroup_update(const char *path, const struct cinch_spec_resources *res, struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	if (res == NULL)
		return 0;
	return ops_for(&l)->apply(&l, path, res, false, err);
}

struct rm {
	const char *dir;
	bool v2;
};

static bool is_empty(const struct rm *a)
{
	_cleanup_free_ char *text = NULL;
	/* Unreadable: let rmdir(2) tell. */
	if (cinch_cgroup_read(a->dir, a->v2 ? "cgroup.events" : "cgroup.procs", &text, NULL) < 0)
		return true;
	if (!a->v2)
		return text[0] == '\0';
	int64_t populated = 0;
	return cinch_cgroup_keyed_value(text, "populated", &populated) < 0 || populated == 0;
}

static int try_rmdir(void *arg, struct cinch_error **err)
{
	struct rm *a = arg;
	if (!is_empty(a))
		return 0;
	if (rmdir(a->dir) == 0 || errno == ENOENT)
		return 1;
	if (errno == EBUSY)
		return 0;
	return cinch_error_set(err, errno, "%s: remove", a->dir);
}

/* One deadline for the whole destroy, not one per hierarchy: a process
 * that will not die must not cost the timeout ten times over. */
struct destroy {
	bool v2;
	struct timespec start;
};

static int remove_tree(const char *dir, void *arg, struct cinch_error **err)
{
	struct destroy *ctx = arg;
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0; /* the common case: no children, no processes */
	if (errno != EBUSY && errno != ENOTEMPTY)
		return cinch_error_set(err, errno, "%s: remove", dir);
	if (for_each_child(dir, remove_tree, arg, err) < 0)
		return -1;
	struct rm a = {dir, ctx->v2};
	long left = CINCH_CGROUP_TIMEOUT_MS - elapsed_ms(&ctx->start);
	int r = cinch_cgroup_poll(try_rmdir, &a, left > 0 ? (int)left : 0, err);
	if (r == 0)
		return cinch_error_set(err, EBUSY, "%s: remove (still in use after %d ms)", dir,
				       CINCH_CGROUP_TIMEOUT_MS);
	return r < 0 ? -1 : 0;
}

int cinch_cgroup_destroy(const char *path, struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	struct destroy ctx = {false, {0, 0}};
	clock_gettime(CLOCK_MONOTONIC, &ctx.start);
	int r = 0;
	/* Go on through every hierarchy; the first failure is the one reported. */
	for (size_t i = 0; i < l.n; i++) {
		_cleanup_free_ char *dir = cinch_cgroup_dir(&l.items[i], path);
		ctx.v2 = l.items[i].v2;
		if (remove_tree(dir, &ctx, err) < 0)
			r = -1;
	}
	return r;
}

/* ---- freezing, listing, signalling ---- */

int cinch_cgroup_freeze(const char *path, bool frozen, struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	return ops_for(&l)->freeze(&l, path, frozen, err);
}

int cinch_cgroup_is_frozen(const char *path, bool *frozen, struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	return ops_for(&l)->is_frozen(&l, path, frozen, err);
}

int cinch_cgroup_pids(const char *path, pid_t **pids, size_t *n, struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	struct pidv v = {0};
	if (pids_in(&l, path, &v, err) < 0) {
		free(v.items);
		return -1;
	}
	*pids = v.items;
	*n = v.n;
	return 0;
}

/* v2 with SIGKILL: one write kills the whole subtree, with no race against
 * fork.  Returns 1 when done, 0 when the kernel lacks cgroup.kill. */
static int kill_v2(const struct cinch_cgroup_layout *l, const char *path, struct cinch_error **err)
{
	_cleanup_free_ char *dir = cinch_cgroup_dir(cinch_cgroup_layout_find(l, NULL), path);
	if (!cinch_cgroup_exists(dir, "cgroup.kill"))
		return 0;
	return cinch_cgroup_write(dir, "cgroup.kill", "1", false, err) < 0 ? -1 : 1;
}

/* Freezes so that no process forks or exits between listing and signalling.
 * Failing to freeze is not fatal: signalling matters more. */
static bool freeze_for_signal(const struct cinch_cgroup_layout *l, const char *path)
{
	struct cinch_error *e = NULL;
	if (ops_for(l)->freeze(l, path, true, &e) == 0)
		return true;
	cinch_log(CINCH_LOG_WARNING, "%s; signalling without freezing", e->msg);
	cinch_error_free(e);
	return false;
}

static int signal_pids(const char *path, const struct pidv *v, int sig, struct cinch_error **err)
{
	int r = 0;
	for (size_t i = 0; i < v->n; i++)
		if (kill(v->items[i], sig) < 0 && errno != ESRCH)
			r = cinch_error_set(err, errno, "%s: send signal %d to process %d", path, sig, (int)v->items[i]);
	return r;
}

int cinch_cgroup_signal_all(const char *path, int sig, struct cinch_error **err)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	if (cinch_cgroup_check_path(path, path, err) < 0 || cinch_cgroup_layout_load(&l, err) < 0)
		return -1;
	if (l.mode == CINCH_CGROUP_V2 && sig == SIGKILL) {
		int r = kill_v2(&l, path, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
	struct cinch_error *e = NULL;
	bool was_frozen = false;
	if (ops_for(&l)->is_frozen(&l, path, &was_frozen, &e) < 0 && e->code == ENOENT) {
		cinch_error_free(e);
		return 0; /* no cgroup, nothing to signal */
	}
	cinch_error_free(e);
	bool froze = !was_frozen && freeze_for_signal(&l, path);
	struct pidv v = {0};
	int r = pids_in(&l, path, &v, err);
	if (r == 0)
		r = signal_pids(path, &v, sig, err);
	free(v.items);
	/* A killed process only dies once thawed, even if it was paused before. */
	if ((froze || (was_frozen && sig == SIGKILL)) && ops_for(&l)->freeze(&l, path, false, err) < 0)
		r = -1;
	return r;
}

void cinch_cgroup_host_support(bool *v1, bool *v2)
{
	_cleanup_layout_ struct cinch_cgroup_layout l = {0};
	*v1 = *v2 = false;
	if (cinch_cgroup_layout_load(&l, NULL) < 0)
		return;
	*v1 = l.mode == CINCH_CGROUP_V1 || l.mode == CINCH_CGROUP_HYBRID;
	*v2 = l.mode == CINCH_CGROUP_V2 || l.mode == CINCH_CGROUP_HYBRID;
}

int cinch_cgroup_plan_pids_hugetlb(const struct cinch_spec_resources *res, const char *hugetlb_suffix,
				   struct cinch_cgroup_plan *out, struct cinch_error **err)
{
	if (res->pids_limit.set) {
		if (res->pids_limit.value > 0)
			cinch_cgroup_plan_add(out, "pids.max", false, "%" PRId64, res->pids_limit.value);
		else
			cinch_cgroup_plan_add(out, "pids.max", false, "max");
	}
	for (size_t i = 0; i < res->hugepage_limits.n; i++) {
		const struct cinch_spec_hugepage_limit *h = &res->hugepage_limits.items[i];
		_cleanup_free_ char *file = NULL;
		if (cinch_cgroup_check_page_size(h->page_size, i, err) < 0)
			return -1;
		xasprintf(&file, "hugetlb.%s.%s", h->page_size, hugetlb_suffix);
		cinch_cgroup_plan_add(out, file, false, "%" PRIu64, h->limit);
	}
	return 0;
}
