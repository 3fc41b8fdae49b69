#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <jansson.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cinch/cgroup.h"
#include "cinch/error.h"
#include "cinch/features.h"
#include "cinch/state.h"
#include "cinch/util.h"

#define STATE_FILE     "state.json"
#define STATE_MAX_SIZE (1u << 20)

static bool id_char_ok(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       ch == '+' || ch == '.' || ch == '-';
}

int cinch_state_validate_id(const char *id, struct cinch_error **err)
{
	if (id == NULL || id[0] == '\0')
		return cinch_error_set(err, 0, "container id must not be empty");
	size_t len = strlen(id);
	if (len > CINCH_ID_MAX)
		return cinch_error_set(err, 0, "container id is longer than %d characters", CINCH_ID_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)id[i];
		if (id_char_ok(ch))
			continue;
		/* Not quoted: the id itself would put the byte on the terminal. */
		if (ch < 0x20 || ch >= 0x7f)
			return cinch_error_set(
			    err, 0, "invalid container id: byte 0x%02x at offset %zu; allowed: A-Z a-z 0-9 _ + . -", ch,
			    i);
		return cinch_error_set(
		    err, 0, "invalid container id \"%s\": '%c' is not allowed; allowed: A-Z a-z 0-9 _ + . -", id, ch);
	}
	/* Covers "." and "..", which would name the state root or its parent,
	 * and every other hidden name: directory listings pass over those, and
	 * each id that create accepts must show in list. */
	if (id[0] == '.')
		return cinch_error_set(err, 0, "invalid container id \"%s\": it must not start with '.'", id);
	return 0;
}

const char *cinch_status_name(enum cinch_status s)
{
	static const char *const names[] = {"created", "running", "paused", "stopped"};
	return names[s];
}

static int ensure_root(const char *root, struct cinch_error **err)
{
	if (mkdir(root, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return cinch_error_set(err, errno, "%s: mkdir", root);
	/* Create missing parents too, e.g. --root /run/containerd/runc/k8s.io */
	_cleanup_free_ char *copy = xstrdup(root);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0711) < 0 && errno != EEXIST)
			return cinch_error_set(err, errno, "%s: mkdir", copy);
		*p = '/';
	}
	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return cinch_error_set(err, errno, "%s: mkdir", root);
	return 0;
}

static int lock_dir(struct cinch_state_dir *d, struct cinch_error **err)
{
	/* A blocking lock: commands on one id run one after the other. */
	while (flock(d->dirfd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return cinch_error_set(err, errno, "%s: lock", d->path);
	}
	return 0;
}

int cinch_state_dir_create(const char *root, const char *id, struct cinch_state_dir *out, struct cinch_error **err)
{
	if (cinch_state_validate_id(id, err) < 0 || ensure_root(root, err) < 0)
		return -1;
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/%s", root, id);
	if (mkdir(path, 0700) < 0) {
		if (errno == EEXIST)
			return cinch_error_set(err, 0, "container \"%s\" already exists", id);
		return cinch_error_set(err, errno, "%s: mkdir", path);
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int e = errno;
		rmdir(path);
		return cinch_error_set(err, e, "%s: open", path);
	}
	out->dirfd = fd;
	out->path = steal_pointer(&path);
	out->id = xstrdup(id);
	if (lock_dir(out, err) < 0) {
		rmdir(out->path);
		cinch_state_dir_close(out);
		return -1;
	}
	return 0;
}

int cinch_state_dir_open(const char *root, const char *id, struct cinch_state_dir *out, struct cinch_error **err)
{
	if (cinch_state_validate_id(id, err) < 0)
		return -1;
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/%s", root, id);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return cinch_error_set(err, 0, "container \"%s\" does not exist", id);
		return cinch_error_set(err, errno, "%s: open", path);
	}
	out->dirfd = fd;
	out->path = steal_pointer(&path);
	out->id = xstrdup(id);
	if (lock_dir(out, err) < 0) {
		cinch_state_dir_close(out);
		return -1;
	}
	/* delete may have removed it while we waited for the lock */
	struct stat st;
	if (fstat(out->dirfd, &st) < 0 || st.st_nlink == 0) {
		cinch_state_dir_close(out);
		return cinch_error_set(err, 0, "container \"%s\" does not exist", id);
	}
	return 0;
}

void cinch_state_dir_close(struct cinch_state_dir *d)
{
	if (d->dirfd >= 0)
		close(d->dirfd);
	d->dirfd = -1;
	free(d->path);
	free(d->id);
	d->path = d->id = NULL;
}

int cinch_state_dir_remove(struct cinch_state_dir *d, struct cinch_error **err)
{
	_cleanup_close_ int fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (dir == NULL)
		return cinch_error_set(err, errno, "%s: open", d->path);
	fd = -1; /* owned by dir now */
	struct dirent *e;
	int r = 0;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		/* The directory holds only files cinch wrote. */
		if (unlinkat(d->dirfd, e->d_name, 0) < 0 && errno != ENOENT)
			r = cinch_error_set(err, errno, "%s/%s: unlink", d->path, e->d_name);
	}
	closedir(dir);
	if (r == 0 && rmdir(d->path) < 0 && errno != ENOENT)
		r = cinch_error_set(err, errno, "%s: rmdir", d->path);
	cinch_state_dir_close(d);
	return r;
}

int cinch_state_save(struct cinch_state_dir *d, const struct cinch_state *st, struct cinch_error **err)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(st->id));
	json_object_set_new(o, "pid", json_integer(st->pid));
	json_object_set_new(o, "pidStart", json_integer((json_int_t)st->pid_start));
	json_object_set_new(o, "bundle", json_string(st->bundle ? st->bundle : ""));
	json_object_set_new(o, "rootfs", json_string(st->rootfs ? st->rootfs : ""));
	json_object_set_new(o, "created", json_string(st->created ? st->created : ""));
	json_object_set_new(o, "owner", json_string(st->owner ? st->owner : ""));
	json_object_set_new(o, "cgroupPath", json_string(st->cgroup_path ? st->cgroup_path : ""));
	json_object_set_new(o, "systemdCgroup", json_boolean(st->systemd_cgroup));
	json_object_set_new(o, "ownPidNamespace", json_boolean(st->own_pid_ns));
	json_object_set_new(o, "createdOk", json_boolean(st->created_ok));
	if (st->seccomp)
		json_object_set_new(o, "seccomp", json_string(st->seccomp));
	if (st->remap_size) {
		json_object_set_new(o, "remapHost", json_integer(st->remap_host));
		json_object_set_new(o, "remapSize", json_integer(st->remap_size));
	}
	json_t *ann = json_object();
	for (size_t i = 0; i < st->annotations.n; i++)
		json_object_set_new(ann, st->annotations.items[i].key, json_string(st->annotations.items[i].value));
	json_object_set_new(o, "annotations", ann);
	_cleanup_free_ char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (text == NULL)
		return cinch_error_set(err, ENOMEM, "%s/" STATE_FILE ": encode", d->path);
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/" STATE_FILE, d->path);
	return cinch_write_file_atomic(path, text, strlen(text), 0600, err);
}

/* json_decrefp comes with jansson (>= 2.9). */
#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))

/* The fields of state.json, one line each, as cinch_state_save writes
 * them.  A field of the wrong type is corruption, not a default. */
static const struct {
	const char *key;
	size_t offset;
	bool required;
} state_strings[] = {
    {"id", offsetof(struct cinch_state, id), true},
    {"bundle", offsetof(struct cinch_state, bundle), false},
    {"rootfs", offsetof(struct cinch_state, rootfs), false},
    {"created", offsetof(struct cinch_state, created), false},
    {"owner", offsetof(struct cinch_state, owner), false},
    {"cgroupPath", offsetof(struct cinch_state, cgroup_path), true},
    {"seccomp", offsetof(struct cinch_state, seccomp), false},
};
static const struct {
	const char *key;
	size_t offset;
} state_bools[] = {
    {"systemdCgroup", offsetof(struct cinch_state, systemd_cgroup)},
    {"ownPidNamespace", offsetof(struct cinch_state, own_pid_ns)},
    {"createdOk", offsetof(struct cinch_state, created_ok)},
};

#define CORRUPT "%s: corrupt state file: "

static int parse_strings(json_t *o, const char *name, struct cinch_state *st, struct cinch_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_strings); i++) {
		json_t *v = json_object_get(o, state_strings[i].key);
		if (v == NULL && !state_strings[i].required)
			continue;
		if (v == NULL)
			return cinch_error_set(err, 0, CORRUPT "\"%s\" is missing", name, state_strings[i].key);
		if (!json_is_string(v))
			return cinch_error_set(err, 0, CORRUPT "\"%s\": expected a string", name, state_strings[i].key);
		*(char **)((char *)st + state_strings[i].offset) = xstrdup(json_string_value(v));
	}
	return 0;
}

static int parse_bools(json_t *o, const char *name, struct cinch_state *st, struct cinch_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_bools); i++) {
		json_t *v = json_object_get(o, state_bools[i].key);
		if (v != NULL && !json_is_boolean(v))
			return cinch_error_set(err, 0, CORRUPT "\"%s\": expected true or false", name,
			                       state_bools[i].key);
		*(bool *)((char *)st + state_bools[i].offset) = json_is_true(v);
	}
	return 0;
}

/* An absent key reads as 0 (a state saved before init existed). */
static int parse_count(json_t *o, const char *key, json_int_t max, const char *name, json_int_t *out,
                       struct cinch_error **err)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return cinch_error_set(err, 0, CORRUPT "\"%s\": expected an integer", name, key);
	json_int_t n = json_integer_value(v);
	/* A pid cast down from a larger number could name another process. */
	if (n < 0 || n > max)
		return cinch_error_set(
		    err, 0, CORRUPT "\"%s\": %" JSON_INTEGER_FORMAT " is out of range 0..%" JSON_INTEGER_FORMAT, name,
		    key, n, max);
	*out = n;
	return 0;
}

static int parse_pids(json_t *o, const char *name, struct cinch_state *st, struct cinch_error **err)
{
	json_int_t pid = 0, start = 0;
	if (parse_count(o, "pid", INT_MAX, name, &pid, err) < 0 ||
	    parse_count(o, "pidStart", LLONG_MAX, name, &start, err) < 0)
		return -1;
	st->pid = (pid_t)pid;
	st->pid_start = (unsigned long long)start;
	return 0;
}

/* The host id block of a remapped container (idpool.h); absent: none. */
static int parse_remap(json_t *o, const char *name, struct cinch_state *st, struct cinch_error **err)
{
	json_int_t host = 0, size = 0;
	if (parse_count(o, "remapHost", UINT32_MAX, name, &host, err) < 0 ||
	    parse_count(o, "remapSize", UINT32_MAX, name, &size, err) < 0)
		return -1;
	if (size && (host == 0 || host + size - 1 > UINT32_MAX - 1))
		return cinch_error_set(err, 0, CORRUPT "\"remapHost\": %" JSON_INTEGER_FORMAT " size %" JSON_INTEGER_FORMAT
					   " is no host id block",
				       name, host, size);
	st->remap_host = (uint32_t)host;
	st->remap_size = (uint32_t)size;
	return 0;
}

static int parse_annotations(json_t *o, const char *name, struct cinch_state *st, struct cinch_error **err)
{
	json_t *ann = json_object_get(o, "annotations");
	if (ann == NULL)
		return 0;
	if (!json_is_object(ann))
		return cinch_error_set(err, 0, CORRUPT "\"annotations\": expected an object", name);
	if (json_object_size(ann) == 0)
		return 0;
	st->annotations.items = xcalloc(json_object_size(ann), sizeof(struct cinch_kv));
	const char *k;
	json_t *v;
	json_object_foreach(ann, k, v)
	{
		if (!json_is_string(v))
			return cinch_error_set(err, 0, CORRUPT "annotations[\"%s\"]: expected a string", name, k);
		st->annotations.items[st->annotations.n].key = xstrdup(k);
		st->annotations.items[st->annotations.n].value = xstrdup(json_string_value(v));
		st->annotations.n++;
	}
	return 0;
}

static int parse_state_object(json_t *o, const char *name, struct cinch_state *st, struct cinch_error **err)
{
	if (parse_strings(o, name, st, err) < 0 || parse_bools(o, name, st, err) < 0 ||
	    parse_pids(o, name, st, err) < 0 || parse_remap(o, name, st, err) < 0 ||
	    parse_annotations(o, name, st, err) < 0)
		return -1;
	/* The id ends up in messages and paths; hold it to the rule that
	 * create applied. */
	struct cinch_error *id_err = NULL;
	if (cinch_state_validate_id(st->id, &id_err) < 0) {
		cinch_error_set(err, 0, CORRUPT "\"id\": %s", name, id_err->msg);
		cinch_error_free(id_err);
		return -1;
	}
	return 0;
}

int cinch_state_parse(const char *text, size_t len, const char *name, struct cinch_state *st, struct cinch_error **err)
{
	memset(st, 0, sizeof(*st));
	json_error_t jerr;
	/* cinch_state_save never writes a key twice. */
	_cleanup_json_ json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL)
		return cinch_error_set(err, 0, "%s:%d:%d: corrupt state file: %s", name, jerr.line, jerr.column,
		                       jerr.text);
	if (!json_is_object(o))
		return cinch_error_set(err, 0, CORRUPT "expected a JSON object", name);
	if (parse_state_object(o, name, st, err) < 0) {
		cinch_state_clear(st);
		return -1;
	}
	return 0;
}

int cinch_state_load(struct cinch_state_dir *d, struct cinch_state *st, struct cinch_error **err)
{
	memset(st, 0, sizeof(*st));
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/" STATE_FILE, d->path);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (cinch_read_file(path, STATE_MAX_SIZE, &text, &len, err) < 0)
		return -1;
	return cinch_state_parse(text, len, path, st, err);
}

void cinch_state_clear(struct cinch_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	free(st->cgroup_path);
	free(st->seccomp);
	for (size_t i = 0; i < st->annotations.n; i++) {
		free(st->annotations.items[i].key);
		free(st->annotations.items[i].value);
	}
	free(st->annotations.items);
	memset(st, 0, sizeof(*st));
}

unsigned long long cinch_pid_start_time(pid_t pid, bool *zombie)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_free_ char *text = NULL;
	if (pid <= 0 || cinch_read_file(path, 4096, &text, NULL, NULL) < 0)
		return 0;
	/* comm may hold spaces and parentheses: fields start after the last ')' */
	char *p = strrchr(text, ')');
	if (p == NULL)
		return 0;
	char state = 0;
	unsigned long long start = 0;
	/* state is field 3, starttime field 22 */
	if (sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &state,
	           &start) != 2)
		return 0;
	if (zombie)
		*zombie = state == 'Z' || state == 'X';
	return start;
}

bool cinch_state_init_alive(const struct cinch_state *st)
{
	if (st->pid <= 0)
		return false;
	bool zombie = false;
	unsigned long long start = cinch_pid_start_time(st->pid, &zombie);
	return start != 0 && start == st->pid_start && !zombie;
}

enum cinch_status cinch_state_status(struct cinch_state_dir *d, const struct cinch_state *st)
{
	if (!st->created_ok || !cinch_state_init_alive(st))
		return CINCH_STATUS_STOPPED;
	bool frozen = false;
	if (cinch_cgroup_is_frozen(st->cgroup_path, &frozen, NULL) == 0 && frozen)
		return CINCH_STATUS_PAUSED;
	if (faccessat(d->dirfd, CINCH_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return CINCH_STATUS_CREATED;
	return CINCH_STATUS_RUNNING;
}

char *cinch_state_json(const struct cinch_state *st, enum cinch_status status)
{
	json_t *o = json_object();
	json_object_set_new(o, "ociVersion", json_string(CINCH_OCI_VERSION_MAX));
	json_object_set_new(o, "id", json_string(st->id));
	json_object_set_new(o, "pid", json_integer(status == CINCH_STATUS_STOPPED ? 0 : st->pid));
	json_object_set_new(o, "status", json_string(cinch_status_name(status)));
	json_object_set_new(o, "bundle", json_string(st->bundle ? st->bundle : ""));
	json_object_set_new(o, "rootfs", json_string(st->rootfs ? st->rootfs : ""));
	json_object_set_new(o, "created", json_string(st->created ? st->created : ""));
	if (st->annotations.n > 0) {
		json_t *ann = json_object();
		for (size_t i = 0; i < st->annotations.n; i++)
			json_object_set_new(ann, st->annotations.items[i].key,
			                    json_string(st->annotations.items[i].value));
		json_object_set_new(o, "annotations", ann);
	}
	json_object_set_new(o, "owner", json_string(st->owner ? st->owner : ""));
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text == NULL)
		abort();
	return text;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cinch_state_list_ids(const char *root, char ***ids, struct cinch_error **err)
{
	size_t n = 0;
	char **v = xcalloc(1, sizeof(char *));
	DIR *dir = opendir(root);
	if (dir == NULL) {
		if (errno == ENOENT) {
			*ids = v;
			return 0;
		}
		free(v);
		return cinch_error_set(err, errno, "%s: open", root);
	}
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		/* The rule create applies, and nothing else: every id it
		 * accepts is listed.  It refuses ".", ".." and the seccomp
		 * cache, CINCH_SECCOMP_CACHE_DIR ('@' is not allowed). */
		if (cinch_state_validate_id(e->d_name, NULL) < 0)
			continue;
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = xstrdup(e->d_name);
		v[n] = NULL;
	}
	closedir(dir);
	qsort(v, n, sizeof(char *), cmp_str);
	*ids = v;
	return 0;
}
