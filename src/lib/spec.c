/* The config.json reader.  Every JSON object of the runtime spec has a
 * table of fields (name, kind, offset in the C struct, argument); one walker
 * parses an object through its table and one walker frees it.  A handler
 * refuses a bad value with a message naming the file, the JSON path and the
 * value.  Semantic checks that span fields run after an object is read. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cinch/caps.h"
#include "cinch/error.h"
#include "cinch/spec.h"
#include "cinch/sysctl.h"
#include "cinch/util.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

struct ctx {
	const char *name; /* file name for messages */
	struct cinch_buf path;
	struct cinch_spec *spec;
	struct cinch_error **err;
};

struct field;
typedef int (*parse_fn)(struct ctx *c, json_t *v, void *dst, const struct field *f);
typedef void (*free_fn)(void *dst, const struct field *f);

struct kind {
	parse_fn parse;
	free_fn free;
};

struct field {
	const char *name;
	const struct kind *kind;
	size_t offset;
	const void *arg;
	bool required;
	size_t present_offset; /* if non-zero: a bool set when the field is present */
};

/* An object's table, its C size (for arrays of it) and a check run after
 * all its fields were read. */
struct object_desc {
	const struct field *fields;
	size_t size;
	int (*check)(struct ctx *c, void *obj);
};

/* ---- paths and messages ---- */

static size_t path_push_key(struct ctx *c, const char *key)
{
	size_t mark = c->path.len;
	if (c->path.len > 0)
		cinch_buf_puts(&c->path, ".");
	cinch_buf_puts(&c->path, key);
	return mark;
}

static size_t path_push_index(struct ctx *c, size_t i)
{
	/* Called for every array element of every config: by hand, since
	 * printf was a tenth of a start's instructions. */
	char digits[24], *p = digits + sizeof(digits);
	*--p = ']';
	do
		*--p = (char)('0' + i % 10);
	while ((i /= 10) != 0);
	*--p = '[';
	size_t mark = c->path.len;
	cinch_buf_append(&c->path, p, (size_t)(digits + sizeof(digits) - p));
	return mark;
}

static size_t path_push_map_key(struct ctx *c, const char *key)
{
	size_t mark = c->path.len;
	cinch_buf_puts(&c->path, "[");
	cinch_buf_json_string(&c->path, key);
	cinch_buf_puts(&c->path, "]");
	return mark;
}

static void path_pop(struct ctx *c, size_t mark)
{
	c->path.len = mark;
	if (c->path.data)
		c->path.data[mark] = '\0';
}

static const char *path_str(struct ctx *c)
{
	return c->path.len ? c->path.data : "(top level)";
}

__attribute__((format(printf, 2, 3))) static int fail(struct ctx *c, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	return cinch_error_set(c->err, 0, "%s: %s: %s", c->name, path_str(c), what);
}

/* fail() one step deeper, for checks that run after an object was read:
 * at key, then (when given) an array index or a map key below it. */
__attribute__((format(printf, 5, 0))) static int vfail_under(struct ctx *c, const char *key, ssize_t index,
							     const char *map_key, const char *fmt, va_list ap)
{
	_cleanup_free_ char *what = NULL;
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	size_t mark = path_push_key(c, key);
	if (index >= 0)
		path_push_index(c, (size_t)index);
	if (map_key)
		path_push_map_key(c, map_key);
	fail(c, "%s", what);
	path_pop(c, mark);
	return -1;
}

__attribute__((format(printf, 3, 4))) static int fail_at(struct ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail_under(c, key, -1, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 4, 5))) static int fail_at_index(struct ctx *c, const char *key, size_t i,
							       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail_under(c, key, (ssize_t)i, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 4, 5))) static int fail_at_map(struct ctx *c, const char *key, const char *map_key,
							     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail_under(c, key, -1, map_key, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 2, 3))) static void note(struct ctx *c, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	struct cinch_strv *n = &c->spec->notes;
	n->items = xrealloc(n->items, (n->n + 2) * sizeof(char *));
	xasprintf(&n->items[n->n++], "%s: %s", path_str(c), what);
	n->items[n->n] = NULL;
}

static bool big_integer(const json_t *v, uint64_t *out);

/* A string that holds no NUL (so not a big-integer marker). */
static bool is_plain_string(const json_t *v)
{
	return json_is_string(v) && memchr(json_string_value(v), '\0', json_string_length(v)) == NULL;
}

static const char *type_name(const json_t *v)
{
	uint64_t big;
	if (big_integer(v, &big))
		return "an integer";
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

static int wrong_type(struct ctx *c, const json_t *v, const char *expected)
{
	return fail(c, "expected %s, got %s", expected, type_name(v));
}

#define AT(base, off) ((void *)((char *)(base) + (off)))

/* ---- scalar kinds ---- */

static int parse_string(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	(void)f;
	if (!is_plain_string(v))
		return wrong_type(c, v, "a string");
	char **s = dst;
	free(*s);
	*s = xstrndup(json_string_value(v), json_string_length(v));
	return 0;
}
static void free_string(void *dst, const struct field *f)
{
	(void)f;
	char **s = dst;
	free(*s);
	*s = NULL;
}
static const struct kind k_string = {parse_string, free_string};

static int parse_bool(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	(void)f;
	if (!json_is_boolean(v))
		return wrong_type(c, v, "a boolean");
	*(bool *)dst = json_is_true(v);
	return 0;
}
static void free_nothing(void *dst, const struct field *f)
{
	(void)dst;
	(void)f;
}
static const struct kind k_bool = {parse_bool, free_nothing};

/* Integer range, the argument of the integer kinds. */
struct range {
	int64_t min;
	uint64_t max;
};
static const struct range r_id = {0, CINCH_SPEC_MAX_ID};
static const struct range r_u32 = {0, UINT32_MAX};
static const struct range r_u16 = {0, UINT16_MAX};
static const struct range r_i64 = {INT64_MIN, INT64_MAX};
static const struct range r_u64 = {0, UINT64_MAX};
static const struct range r_oom = {-1000, 1000};
static const struct range r_nice = {-20, 19};
static const struct range r_timeout = {1, INT32_MAX};
static const struct range r_mode = {0, 07777};

/* jansson reads integers as signed 64-bit.  Larger ones (RLIM_INFINITY
 * is 18446744073709551615, seccomp masks reach 2^64-1) are rewritten before
 * parsing into marker strings "\0<digits>" (see widen_big_integers); a
 * real string can never hold a NUL, so the marker is unambiguous. */
static bool big_integer(const json_t *v, uint64_t *out)
{
	if (!json_is_string(v) || json_string_length(v) < 2)
		return false;
	const char *s = json_string_value(v);
	return s[0] == '\0' && cinch_parse_uint(s + 1, UINT64_MAX, out) == 0;
}

static int out_of_range(struct ctx *c, const char *value, const struct range *r)
{
	return fail(c, "%s is out of range %" PRId64 "..%" PRIu64, value, r->min, r->max);
}

static int read_int(struct ctx *c, json_t *v, const struct range *r, int64_t *out)
{
	uint64_t big;
	if (big_integer(v, &big))
		return out_of_range(c, json_string_value(v) + 1, r);
	if (!json_is_integer(v))
		return wrong_type(c, v, "an integer");
	json_int_t i = json_integer_value(v);
	if (i < r->min || (i >= 0 && (uint64_t)i > r->max)) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, i);
		return out_of_range(c, buf, r);
	}
	*out = i;
	return 0;
}

static int read_uint(struct ctx *c, json_t *v, const struct range *r, uint64_t *out)
{
	uint64_t big;
	if (big_integer(v, &big)) {
		if (big > r->max)
			return out_of_range(c, json_string_value(v) + 1, r);
		*out = big;
		return 0;
	}
	int64_t i = 0;
	if (read_int(c, v, r, &i) < 0)
		return -1;
	*out = (uint64_t)i;
	return 0;
}

static int parse_u32(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	int64_t i = 0;
	if (read_int(c, v, f->arg ? f->arg : &r_u32, &i) < 0)
		return -1;
	*(uint32_t *)dst = (uint32_t)i;
	return 0;
}
static const struct kind k_u32 = {parse_u32, free_nothing};

static int parse_i64(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	return read_int(c, v, f->arg ? f->arg : &r_i64, dst);
}
static const struct kind k_i64 = {parse_i64, free_nothing};

static int parse_u64(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	return read_uint(c, v, f->arg ? f->arg : &r_u64, dst);
}
static const struct kind k_u64 = {parse_u64, free_nothing};

static int parse_opt_i64(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	struct cinch_opt_i64 *o = dst;
	if (read_int(c, v, f->arg ? f->arg : &r_i64, &o->value) < 0)
		return -1;
	o->set = true;
	return 0;
}
static const struct kind k_opt_i64 = {parse_opt_i64, free_nothing};

static int parse_opt_u64(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	struct cinch_opt_u64 *o = dst;
	if (read_uint(c, v, f->arg ? f->arg : &r_u64, &o->value) < 0)
		return -1;
	o->set = true;
	return 0;
}
static const struct kind k_opt_u64 = {parse_opt_u64, free_nothing};

/* A string that must be one of a NULL-terminated list; stores the index. */
static int parse_enum(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	const char *const *names = f->arg;
	if (!is_plain_string(v))
		return wrong_type(c, v, "a string");
	const char *s = json_string_value(v);
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*(int *)dst = i;
			return 0;
		}
	}
	return fail(c, "unknown value \"%s\"", s);
}
static const struct kind k_enum = {parse_enum, free_nothing};

/* A string from a fixed list, kept as the string (seccomp names, which the
 * seccomp module maps to libseccomp constants). */
static int parse_name(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	int idx;
	if (parse_enum(c, v, &idx, f) < 0)
		return -1;
	return parse_string(c, v, dst, f);
}
static const struct kind k_name = {parse_name, free_string};

/* ---- arrays and maps ---- */

static int parse_strv(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	struct cinch_strv *sv = dst;
	if (!json_is_array(v))
		return wrong_type(c, v, "an array of strings");
	free_strv(sv->items);
	size_t n = json_array_size(v);
	sv->items = xcalloc(n + 1, sizeof(char *));
	sv->n = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);
		size_t mark = path_push_index(c, i);
		int r = 0;
		if (!is_plain_string(e))
			r = wrong_type(c, e, "a string");
		else if (f->arg && parse_enum(c, e, &(int){0}, f) < 0)
			r = -1;
		path_pop(c, mark);
		if (r < 0)
			return -1;
		sv->items[sv->n++] = xstrndup(json_string_value(e), json_string_length(e));
	}
	return 0;
}
static void free_strv_field(void *dst, const struct field *f)
{
	(void)f;
	struct cinch_strv *sv = dst;
	free_strv(sv->items);
	sv->items = NULL;
	sv->n = 0;
}
static const struct kind k_strv = {parse_strv, free_strv_field};

/* Object of string values, kept in file order. */
static int parse_kvs(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	(void)f;
	struct cinch_kvs *kv = dst;
	if (!json_is_object(v))
		return wrong_type(c, v, "an object of strings");
	kv->items = xcalloc(json_object_size(v), sizeof(struct cinch_kv));
	kv->n = 0;
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val)
	{
		if (!is_plain_string(val)) {
			size_t mark = path_push_map_key(c, key);
			wrong_type(c, val, "a string");
			path_pop(c, mark);
			return -1;
		}
		kv->items[kv->n].key = xstrdup(key);
		kv->items[kv->n].value = xstrndup(json_string_value(val), json_string_length(val));
		kv->n++;
	}
	return 0;
}
static void free_kvs(void *dst, const struct field *f)
{
	(void)f;
	struct cinch_kvs *kv = dst;
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->items[i].key);
		free(kv->items[i].value);
	}
	free(kv->items);
	kv->items = NULL;
	kv->n = 0;
}
static const struct kind k_kvs = {parse_kvs, free_kvs};

static int parse_fields(struct ctx *c, json_t *obj, void *base, const struct object_desc *d);
static void free_fields(void *base, const struct field *fields);

static int parse_object(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	if (!json_is_object(v))
		return wrong_type(c, v, "an object");
	return parse_fields(c, v, dst, f->arg);
}
static void free_object(void *dst, const struct field *f)
{
	const struct object_desc *d = f->arg;
	free_fields(dst, d->fields);
}
static const struct kind k_object = {parse_object, free_object};

/* Arrays of objects are stored as { T *items; size_t n; }. */
struct raw_array {
	void *items;
	size_t n;
};

static int parse_array(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	const struct object_desc *d = f->arg;
	struct raw_array *a = dst;
	if (!json_is_array(v))
		return wrong_type(c, v, "an array of objects");
	size_t n = json_array_size(v);
	a->items = xcalloc(n, d->size);
	a->n = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);
		size_t mark = path_push_index(c, i);
		int r;
		if (!json_is_object(e))
			r = wrong_type(c, e, "an object");
		else
			r = parse_fields(c, e, AT(a->items, i * d->size), d);
		a->n++; /* counted even on failure so that free sees it */
		path_pop(c, mark);
		if (r < 0)
			return -1;
	}
	return 0;
}
static void free_array(void *dst, const struct field *f)
{
	const struct object_desc *d = f->arg;
	struct raw_array *a = dst;
	for (size_t i = 0; i < a->n; i++)
		free_fields(AT(a->items, i * d->size), d->fields);
	free(a->items);
	a->items = NULL;
	a->n = 0;
}
static const struct kind k_array = {parse_array, free_array};

/* A field read but not implemented: its presence becomes a note. */
static int parse_unsupported(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	(void)v;
	if (dst)
		*(bool *)dst = true;
	note(c, "%s", f->arg ? (const char *)f->arg : "not supported by cinch; ignored");
	return 0;
}
static const struct kind k_unsupported = {parse_unsupported, free_nothing};

/* A field of the spec that cinch does not implement: refused, naming it,
 * so that a config never runs without what it asked for. */
static int parse_refused(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	(void)v;
	(void)dst;
	return fail(c, "%s", (const char *)f->arg);
}
static const struct kind k_refused = {parse_refused, free_nothing};

/* ---- walkers ---- */

static int parse_fields(struct ctx *c, json_t *obj, void *base, const struct object_desc *d)
{
	for (const struct field *f = d->fields; f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		size_t mark = path_push_key(c, f->name);
		int r = 0;
		if (v == NULL) {
			if (f->required)
				r = fail(c, "is required");
		} else if (json_is_null(v) && !f->required) {
			/* null is "absent" for optional fields, as Go callers write it */
		} else {
			r = f->kind->parse(c, v, f->kind == &k_unsupported && f->offset == 0 ? NULL : AT(base, f->offset), f);
			if (r == 0 && f->present_offset)
				*(bool *)AT(base, f->present_offset) = true;
		}
		path_pop(c, mark);
		if (r < 0)
			return -1;
	}
	if (d->check)
		return d->check(c, base);
	return 0;
}

static void free_fields(void *base, const struct field *fields)
{
	for (const struct field *f = fields; f->name; f++)
		if (f->kind->free != free_nothing)
			f->kind->free(AT(base, f->offset), f);
}

/* Field-table shorthands.  O(T, m) is the offset of member m of T. */
#define O(T, m) offsetof(T, m)
#define F(T, m, json, kind, arg) {json, &kind, O(T, m), arg, false, 0}
#define REQ(T, m, json, kind, arg) {json, &kind, O(T, m), arg, true, 0}
#define OBJ(T, m, json, desc, has) {json, &k_object, O(T, m), &desc, false, O(T, has)}
#define UNSUP(json, why) {json, &k_unsupported, 0, why, false, 0}
#define REFUSED(json, why) {json, &k_refused, 0, why, false, 0}
#define END {NULL, NULL, 0, NULL, false, 0}

/* ---- semantic checks ---- */

static int path_check_absolute(struct ctx *c, const char *key, const char *p)
{
	if (p == NULL || p[0] == '/')
		return 0;
	return fail_at(c, key, "\"%s\" is not an absolute path", p);
}

/* A map covers what the kernel's may: ids up to 4294967294 ((uid_t)-1 is
 * no id), so that the whole range, 0 0 4294967295, can be given. */
static const struct range r_map_id = {0, CINCH_SPEC_MAX_MAP_ID};
static const struct range r_map_size = {0, (uint64_t)CINCH_SPEC_MAX_MAP_ID + 1};

static int check_idmap(struct ctx *c, void *obj)
{
	struct cinch_spec_idmap *m = obj;
	if (m->size == 0)
		return fail_at(c, "size", "must be at least 1");
	if ((uint64_t)m->container_id + m->size - 1 > CINCH_SPEC_MAX_MAP_ID ||
	    (uint64_t)m->host_id + m->size - 1 > CINCH_SPEC_MAX_MAP_ID)
		return fail(c, "range ends past %u", CINCH_SPEC_MAX_MAP_ID);
	return 0;
}

static const struct field idmap_fields[] = {
	REQ(struct cinch_spec_idmap, container_id, "containerID", k_u32, &r_map_id),
	REQ(struct cinch_spec_idmap, host_id, "hostID", k_u32, &r_map_id),
	REQ(struct cinch_spec_idmap, size, "size", k_u32, &r_map_size),
	END,
};
static const struct object_desc idmap_desc = {idmap_fields, sizeof(struct cinch_spec_idmap), check_idmap};

/* root */
static const struct field root_fields[] = {
	REQ(struct cinch_spec_root, path, "path", k_string, NULL),
	F(struct cinch_spec_root, readonly, "readonly", k_bool, NULL),
	END,
};
static int check_root(struct ctx *c, void *obj)
{
	struct cinch_spec_root *r = obj;
	if (r->path[0] == '\0')
		return fail_at(c, "path", "must not be empty");
	return 0;
}
static const struct object_desc root_desc = {root_fields, sizeof(struct cinch_spec_root), check_root};

/* mounts */
static const struct field mount_fields[] = {
	REQ(struct cinch_spec_mount, destination, "destination", k_string, NULL),
	F(struct cinch_spec_mount, type, "type", k_string, NULL),
	F(struct cinch_spec_mount, source, "source", k_string, NULL),
	F(struct cinch_spec_mount, options, "options", k_strv, NULL),
	F(struct cinch_spec_mount, uid_mappings, "uidMappings", k_array, &idmap_desc),
	F(struct cinch_spec_mount, gid_mappings, "gidMappings", k_array, &idmap_desc),
	END,
};
static int check_mount(struct ctx *c, void *obj)
{
	struct cinch_spec_mount *m = obj;
	if (m->destination[0] == '\0')
		return fail_at(c, "destination", "must not be empty");
	for (size_t i = 0; i < m->options.n; i++) {
		if (strchr(m->options.items[i], ',') == NULL)
			continue;
		/* A comma would smuggle extra options into the mount data. */
		return fail_at_index(c, "options", i, "\"%s\" contains a comma", m->options.items[i]);
	}
	return 0;
}
static const struct object_desc mount_desc = {mount_fields, sizeof(struct cinch_spec_mount), check_mount};

/* process.user */
static int parse_gids(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	(void)f;
	struct cinch_spec_user *u = (void *)((char *)dst - offsetof(struct cinch_spec_user, additional_gids));
	if (!json_is_array(v))
		return wrong_type(c, v, "an array of integers");
	size_t n = json_array_size(v);
	u->additional_gids = xcalloc(n, sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		int64_t g = 0;
		size_t mark = path_push_index(c, i);
		int r = read_int(c, json_array_get(v, i), &r_id, &g);
		path_pop(c, mark);
		if (r < 0)
			return -1;
		u->additional_gids[u->n_additional_gids++] = (uint32_t)g;
	}
	return 0;
}
static void free_gids(void *dst, const struct field *f)
{
	(void)f;
	uint32_t **p = dst;
	free(*p);
	*p = NULL;
}
static const struct kind k_gids = {parse_gids, free_gids};

static const struct range r_umask = {0, 0777};
static const struct field user_fields[] = {
	REQ(struct cinch_spec_user, uid, "uid", k_u32, &r_id),
	REQ(struct cinch_spec_user, gid, "gid", k_u32, &r_id),
	F(struct cinch_spec_user, umask, "umask", k_opt_u64, &r_umask),
	F(struct cinch_spec_user, additional_gids, "additionalGids", k_gids, NULL),
	F(struct cinch_spec_user, username, "username", k_string, NULL),
	END,
};
static const struct object_desc user_desc = {user_fields, sizeof(struct cinch_spec_user), NULL};

/* process.consoleSize */
struct console_size {
	uint32_t height;
	uint32_t width;
};
static const struct field console_fields[] = {
	REQ(struct console_size, height, "height", k_u32, &r_u16),
	REQ(struct console_size, width, "width", k_u32, &r_u16),
	END,
};
static const struct object_desc console_desc = {console_fields, sizeof(struct console_size), NULL};
static int parse_console(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	(void)f;
	struct cinch_spec_process *p = (void *)((char *)dst - offsetof(struct cinch_spec_process, has_console_size));
	struct console_size cs = {0};
	if (!json_is_object(v))
		return wrong_type(c, v, "an object");
	if (parse_fields(c, v, &cs, &console_desc) < 0)
		return -1;
	p->has_console_size = true;
	p->console_height = cs.height;
	p->console_width = cs.width;
	return 0;
}
static const struct kind k_console = {parse_console, free_nothing};

/* process.capabilities: names to a bit mask */
static int parse_capset(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	(void)f;
	struct cinch_spec_capset *cs = dst;
	if (!json_is_array(v))
		return wrong_type(c, v, "an array of strings");
	cs->set = true;
	cs->mask = 0;
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		size_t mark = path_push_index(c, i);
		if (!is_plain_string(e)) {
			wrong_type(c, e, "a string");
			path_pop(c, mark);
			return -1;
		}
		int cap = cinch_cap_from_name(json_string_value(e));
		/* The runtime-spec: a value that maps to no kernel capability is
		 * logged as a warning, and the runtime should not fail.  These
		 * sets are what the process keeps, so a name skipped (a typo,
		 * or one newer than this build) grants less, never more. */
		if (cap < 0)
			note(c, "unknown capability \"%s\": not granted", json_string_value(e));
		else
			cs->mask |= UINT64_C(1) << cap;
		path_pop(c, mark);
	}
	return 0;
}
static const struct kind k_capset = {parse_capset, free_nothing};

static const struct field caps_fields[] = {
	F(struct cinch_spec_capabilities, bounding, "bounding", k_capset, NULL),
	F(struct cinch_spec_capabilities, effective, "effective", k_capset, NULL),
	F(struct cinch_spec_capabilities, inheritable, "inheritable", k_capset, NULL),
	F(struct cinch_spec_capabilities, permitted, "permitted", k_capset, NULL),
	F(struct cinch_spec_capabilities, ambient, "ambient", k_capset, NULL),
	END,
};
static const struct object_desc caps_desc = {caps_fields, sizeof(struct cinch_spec_capabilities), NULL};

/* process.rlimits */
static const char *const rlimit_names[] = {
	[RLIMIT_CPU] = "RLIMIT_CPU",	     [RLIMIT_FSIZE] = "RLIMIT_FSIZE",	    [RLIMIT_DATA] = "RLIMIT_DATA",
	[RLIMIT_STACK] = "RLIMIT_STACK",     [RLIMIT_CORE] = "RLIMIT_CORE",	    [RLIMIT_RSS] = "RLIMIT_RSS",
	[RLIMIT_NPROC] = "RLIMIT_NPROC",     [RLIMIT_NOFILE] = "RLIMIT_NOFILE",	    [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",
	[RLIMIT_AS] = "RLIMIT_AS",	     [RLIMIT_LOCKS] = "RLIMIT_LOCKS",	    [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
	[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",	    [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",
	[RLIMIT_RTTIME] = "RLIMIT_RTTIME",   [RLIMIT_RTTIME + 1] = NULL,
};
static const struct field rlimit_fields[] = {
	REQ(struct cinch_spec_rlimit, resource, "type", k_enum, rlimit_names),
	REQ(struct cinch_spec_rlimit, soft, "soft", k_u64, NULL),
	REQ(struct cinch_spec_rlimit, hard, "hard", k_u64, NULL),
	END,
};
static int check_rlimit(struct ctx *c, void *obj)
{
	struct cinch_spec_rlimit *r = obj;
	r->type = xstrdup(rlimit_names[r->resource]);
	if (r->soft > r->hard)
		return fail(c, "soft limit %" PRIu64 " is above hard limit %" PRIu64, r->soft, r->hard);
	return 0;
}
static const struct field rlimit_free_fields[] = {
	F(struct cinch_spec_rlimit, type, "type", k_string, NULL),
	END,
};
static void free_rlimits(void *dst, const struct field *f)
{
	(void)f;
	struct cinch_spec_rlimits *a = dst;
	for (size_t i = 0; i < a->n; i++)
		free_fields(&a->items[i], rlimit_free_fields);
	free(a->items);
	a->items = NULL;
	a->n = 0;
}
static const struct object_desc rlimit_desc = {rlimit_fields, sizeof(struct cinch_spec_rlimit), check_rlimit};
static const struct kind k_rlimits = {parse_array, free_rlimits};

/* process.ioPriority */
static const char *const ioprio_class_names[] = {"IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
						  "IOPRIO_CLASS_IDLE", NULL};
static const struct range r_ioprio = {0, 7};
static const struct field ioprio_fields[] = {
	REQ(struct cinch_spec_io_priority, klass, "class", k_enum, ioprio_class_names),
	F(struct cinch_spec_io_priority, priority, "priority", k_i64, &r_ioprio),
	END,
};
static int check_ioprio(struct ctx *c, void *obj)
{
	(void)c;
	((struct cinch_spec_io_priority *)obj)->set = true;
	return 0;
}
static const struct object_desc ioprio_desc = {ioprio_fields, sizeof(struct cinch_spec_io_priority), check_ioprio};

/* process.scheduler: policy names indexed by their SCHED_* numbers */
static const char *const sched_policy_names[] = {
	[SCHED_OTHER] = "SCHED_OTHER", [SCHED_FIFO] = "SCHED_FIFO",	[SCHED_RR] = "SCHED_RR",
	[SCHED_BATCH] = "SCHED_BATCH", [4] = "SCHED_ISO",		[SCHED_IDLE] = "SCHED_IDLE",
	[SCHED_DEADLINE] = "SCHED_DEADLINE", [SCHED_DEADLINE + 1] = NULL,
};
static const char *const sched_flag_names[] = {
	"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",      "SCHED_FLAG_DL_OVERRUN",	 "SCHED_FLAG_KEEP_POLICY",
	"SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};
static const struct range r_sched_prio = {0, 99};
static const struct field sched_fields[] = {
	REQ(struct cinch_spec_scheduler, policy, "policy", k_enum, sched_policy_names),
	F(struct cinch_spec_scheduler, nice, "nice", k_opt_i64, &r_nice),
	F(struct cinch_spec_scheduler, priority, "priority", k_opt_i64, &r_sched_prio),
	F(struct cinch_spec_scheduler, flags, "flags", k_strv, sched_flag_names),
	F(struct cinch_spec_scheduler, runtime, "runtime", k_opt_u64, NULL),
	F(struct cinch_spec_scheduler, deadline, "deadline", k_opt_u64, NULL),
	F(struct cinch_spec_scheduler, period, "period", k_opt_u64, NULL),
	END,
};
static int check_sched(struct ctx *c, void *obj)
{
	struct cinch_spec_scheduler *s = obj;
	if (s->policy == 4)
		return fail_at(c, "policy", "SCHED_ISO is not implemented by Linux");
	bool realtime = s->policy == SCHED_FIFO || s->policy == SCHED_RR;
	if (s->priority.set && s->priority.value != 0 && !realtime)
		return fail_at(c, "priority", "only SCHED_FIFO and SCHED_RR take a priority, not %s",
			       sched_policy_names[s->policy]);
	const char *dl = s->runtime.set ? "runtime" : s->deadline.set ? "deadline" : s->period.set ? "period" : NULL;
	if (dl && s->policy != SCHED_DEADLINE)
		return fail_at(c, dl, "only SCHED_DEADLINE takes a runtime, a deadline and a period, not %s",
			       sched_policy_names[s->policy]);
	/* Their bits are their places in the list (uapi/linux/sched.h). */
	s->flag_bits = 0;
	for (size_t i = 0; i < s->flags.n; i++)
		for (size_t k = 0; sched_flag_names[k]; k++)
			if (strcmp(s->flags.items[i], sched_flag_names[k]) == 0)
				s->flag_bits |= UINT64_C(1) << k;
	s->set = true;
	return 0;
}
static const struct object_desc sched_desc = {sched_fields, sizeof(struct cinch_spec_scheduler), check_sched};

static const struct field affinity_fields[] = {
	F(struct cinch_spec_cpu_affinity, initial, "initial", k_string, NULL),
	F(struct cinch_spec_cpu_affinity, final, "final", k_string, NULL),
	END,
};
/* A CPU list as the kernel writes one; "" is no list (the spec: "if
 * omitted or empty"). */
static int check_cpu_list(struct ctx *c, const char *key, const char *list)
{
	unsigned long bits[CPU_SETSIZE / (sizeof(unsigned long) * 8)];
	if (list == NULL || list[0] == '\0' || cinch_parse_id_list(list, bits, CPU_SETSIZE) == 0)
		return 0;
	return fail_at(c, key, "\"%s\" is not a list of CPUs below %d (such as \"0-3,7\")", list, CPU_SETSIZE);
}
static int check_affinity(struct ctx *c, void *obj)
{
	struct cinch_spec_cpu_affinity *a = obj;
	return check_cpu_list(c, "initial", a->initial) < 0 || check_cpu_list(c, "final", a->final) < 0 ? -1 : 0;
}
static const struct object_desc affinity_desc = {affinity_fields, sizeof(struct cinch_spec_cpu_affinity),
						 check_affinity};

static const struct field process_fields[] = {
	F(struct cinch_spec_process, terminal, "terminal", k_bool, NULL),
	{"consoleSize", &k_console, O(struct cinch_spec_process, has_console_size), NULL, false, 0},
	REQ(struct cinch_spec_process, user, "user", k_object, &user_desc),
	F(struct cinch_spec_process, args, "args", k_strv, NULL),
	F(struct cinch_spec_process, command_line, "commandLine", k_string, NULL),
	F(struct cinch_spec_process, env, "env", k_strv, NULL),
	REQ(struct cinch_spec_process, cwd, "cwd", k_string, NULL),
	OBJ(struct cinch_spec_process, capabilities, "capabilities", caps_desc, has_capabilities),
	F(struct cinch_spec_process, rlimits, "rlimits", k_rlimits, &rlimit_desc),
	F(struct cinch_spec_process, no_new_privileges, "noNewPrivileges", k_bool, NULL),
	F(struct cinch_spec_process, oom_score_adj, "oomScoreAdj", k_opt_i64, &r_oom),
	F(struct cinch_spec_process, apparmor_profile, "apparmorProfile", k_string, NULL),
	F(struct cinch_spec_process, selinux_label, "selinuxLabel", k_string, NULL),
	F(struct cinch_spec_process, io_priority, "ioPriority", k_object, &ioprio_desc),
	F(struct cinch_spec_process, scheduler, "scheduler", k_object, &sched_desc),
	F(struct cinch_spec_process, exec_cpu_affinity, "execCPUAffinity", k_object, &affinity_desc),
	END,
};

static int check_env(struct ctx *c, const struct cinch_strv *env)
{
	for (size_t i = 0; i < env->n; i++) {
		if (strchr(env->items[i], '=') != NULL && env->items[i][0] != '=')
			continue;
		return fail_at_index(c, "env", i, "\"%s\" is not of the form KEY=value", env->items[i]);
	}
	return 0;
}

static int check_process(struct ctx *c, void *obj)
{
	struct cinch_spec_process *p = obj;
	if (p->command_line)
		return fail_at(c, "commandLine", "is for Windows only; use process.args");
	if (p->args.n == 0)
		return fail_at(c, "args", "must name at least the program to run");
	if (p->args.items[0][0] == '\0')
		return fail_at_index(c, "args", 0, "must not be empty");
	if (path_check_absolute(c, "cwd", p->cwd) < 0)
		return -1;
	if (check_env(c, &p->env) < 0)
		return -1;
	for (size_t i = 0; i < p->rlimits.n; i++)
		for (size_t j = 0; j < i; j++)
			if (p->rlimits.items[i].resource == p->rlimits.items[j].resource)
				return fail_at_index(c, "rlimits", i, "%s is listed twice", p->rlimits.items[i].type);
	return 0;
}
static const struct object_desc process_desc = {process_fields, sizeof(struct cinch_spec_process), check_process};

/* hooks */
static const struct field hook_fields[] = {
	REQ(struct cinch_spec_hook, path, "path", k_string, NULL),
	F(struct cinch_spec_hook, args, "args", k_strv, NULL),
	F(struct cinch_spec_hook, env, "env", k_strv, NULL),
	F(struct cinch_spec_hook, timeout, "timeout", k_opt_i64, &r_timeout),
	END,
};
static int check_hook(struct ctx *c, void *obj)
{
	struct cinch_spec_hook *h = obj;
	if (path_check_absolute(c, "path", h->path) < 0)
		return -1;
	return check_env(c, &h->env);
}
static const struct object_desc hook_desc = {hook_fields, sizeof(struct cinch_spec_hook), check_hook};

static const struct field hooks_fields[] = {
	F(struct cinch_spec_hooks, prestart, "prestart", k_array, &hook_desc),
	F(struct cinch_spec_hooks, create_runtime, "createRuntime", k_array, &hook_desc),
	F(struct cinch_spec_hooks, create_container, "createContainer", k_array, &hook_desc),
	F(struct cinch_spec_hooks, start_container, "startContainer", k_array, &hook_desc),
	F(struct cinch_spec_hooks, poststart, "poststart", k_array, &hook_desc),
	F(struct cinch_spec_hooks, poststop, "poststop", k_array, &hook_desc),
	END,
};
static const struct object_desc hooks_desc = {hooks_fields, sizeof(struct cinch_spec_hooks), NULL};

/* linux.namespaces */
static const char *const ns_names[] = {
	[CINCH_NS_PID] = "pid",	    [CINCH_NS_NETWORK] = "network", [CINCH_NS_MOUNT] = "mount",
	[CINCH_NS_IPC] = "ipc",	    [CINCH_NS_UTS] = "uts",	    [CINCH_NS_USER] = "user",
	[CINCH_NS_CGROUP] = "cgroup", [CINCH_NS_TIME] = "time",	    [CINCH_NS_COUNT] = NULL,
};
const char *cinch_ns_type_name(int type)
{
	return type >= 0 && type < CINCH_NS_COUNT ? ns_names[type] : NULL;
}
static const struct field ns_fields[] = {
	REQ(struct cinch_spec_namespace, type, "type", k_enum, ns_names),
	F(struct cinch_spec_namespace, path, "path", k_string, NULL),
	END,
};
static int check_ns(struct ctx *c, void *obj)
{
	return path_check_absolute(c, "path", ((struct cinch_spec_namespace *)obj)->path);
}
static const struct object_desc ns_desc = {ns_fields, sizeof(struct cinch_spec_namespace), check_ns};

/* linux.timeOffsets */
static const struct range r_nsec = {0, 999999999};
static const struct field time_offset_fields[] = {
	F(struct cinch_spec_time_offset, secs, "secs", k_i64, NULL),
	F(struct cinch_spec_time_offset, nanosecs, "nanosecs", k_u32, &r_nsec),
	END,
};
static int check_time_offset(struct ctx *c, void *obj)
{
	(void)c;
	((struct cinch_spec_time_offset *)obj)->set = true;
	return 0;
}
static const struct object_desc time_offset_desc = {time_offset_fields, sizeof(struct cinch_spec_time_offset),
						    check_time_offset};
static const struct field time_offsets_fields[] = {
	F(struct cinch_spec_time_offsets, monotonic, "monotonic", k_object, &time_offset_desc),
	F(struct cinch_spec_time_offsets, boottime, "boottime", k_object, &time_offset_desc),
	END,
};
static const struct object_desc time_offsets_desc = {time_offsets_fields, sizeof(struct cinch_spec_time_offsets),
						     NULL};
/* The keys name clocks: one the kernel cannot offset is refused, not
 * skipped as an unknown field would be. */
static int parse_time_offsets(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	if (!json_is_object(v))
		return wrong_type(c, v, "an object");
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val)
	{
		(void)val;
		if (strcmp(key, "monotonic") != 0 && strcmp(key, "boottime") != 0) {
			size_t mark = path_push_map_key(c, key);
			fail(c, "only the monotonic and boottime clocks can be offset");
			path_pop(c, mark);
			return -1;
		}
	}
	return parse_fields(c, v, dst, f->arg);
}
static const struct kind k_time_offsets = {parse_time_offsets, free_object};

/* linux.devices */
static int parse_char(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	const char *allowed = f->arg;
	if (!is_plain_string(v))
		return wrong_type(c, v, "a string");
	const char *s = json_string_value(v);
	if (json_string_length(v) != 1 || strchr(allowed, s[0]) == NULL)
		return fail(c, "\"%s\" is not one of the types \"%s\"", s, allowed);
	*(char *)dst = s[0];
	return 0;
}
static const struct kind k_char = {parse_char, free_nothing};

static const struct range r_devnum = {0, UINT32_MAX};
static const struct field device_fields[] = {
	REQ(struct cinch_spec_device, path, "path", k_string, NULL),
	REQ(struct cinch_spec_device, type, "type", k_char, "cbup"),
	F(struct cinch_spec_device, major, "major", k_i64, &r_devnum),
	F(struct cinch_spec_device, minor, "minor", k_i64, &r_devnum),
	F(struct cinch_spec_device, file_mode, "fileMode", k_opt_u64, &r_mode),
	F(struct cinch_spec_device, uid, "uid", k_opt_u64, &r_id),
	F(struct cinch_spec_device, gid, "gid", k_opt_u64, &r_id),
	END,
};
static int check_device(struct ctx *c, void *obj)
{
	struct cinch_spec_device *d = obj;
	if (path_check_absolute(c, "path", d->path) < 0)
		return -1;
	return 0;
}
static const struct object_desc device_desc = {device_fields, sizeof(struct cinch_spec_device), check_device};

/* linux.resources */
static const struct range r_devnum_wild = {-1, UINT32_MAX};
static const struct field device_rule_fields[] = {
	REQ(struct cinch_spec_device_rule, allow, "allow", k_bool, NULL),
	F(struct cinch_spec_device_rule, type, "type", k_char, "acb"),
	F(struct cinch_spec_device_rule, major, "major", k_opt_i64, &r_devnum_wild),
	F(struct cinch_spec_device_rule, minor, "minor", k_opt_i64, &r_devnum_wild),
	F(struct cinch_spec_device_rule, access, "access", k_string, NULL),
	END,
};
static int check_device_rule(struct ctx *c, void *obj)
{
	struct cinch_spec_device_rule *r = obj;
	if (r->type == '\0')
		r->type = 'a';
	if (r->access == NULL)
		return 0;
	if (r->access[0] == '\0' || strspn(r->access, "rwm") != strlen(r->access))
		return fail_at(c, "access", "\"%s\" is not a combination of r, w and m", r->access);
	return 0;
}
static const struct object_desc device_rule_desc = {device_rule_fields, sizeof(struct cinch_spec_device_rule),
						    check_device_rule};

static const struct range r_swappiness = {0, 100};
static const struct field memory_fields[] = {
	F(struct cinch_spec_memory, limit, "limit", k_opt_i64, NULL),
	F(struct cinch_spec_memory, reservation, "reservation", k_opt_i64, NULL),
	F(struct cinch_spec_memory, swap, "swap", k_opt_i64, NULL),
	F(struct cinch_spec_memory, kernel, "kernel", k_opt_i64, NULL),
	F(struct cinch_spec_memory, kernel_tcp, "kernelTCP", k_opt_i64, NULL),
	F(struct cinch_spec_memory, swappiness, "swappiness", k_opt_u64, &r_swappiness),
	F(struct cinch_spec_memory, disable_oom_killer, "disableOOMKiller", k_bool, NULL),
	F(struct cinch_spec_memory, use_hierarchy, "useHierarchy", k_bool, NULL),
	F(struct cinch_spec_memory, check_before_update, "checkBeforeUpdate", k_bool, NULL),
	END,
};
static int check_memory(struct ctx *c, void *obj)
{
	struct cinch_spec_memory *m = obj;
	if (m->kernel.set)
		note(c, "kernel: kernel memory limits are deprecated and ignored");
	if (m->kernel_tcp.set)
		note(c, "kernelTCP: applied on cgroup v1 only (memory.kmem.tcp.limit_in_bytes); ignored on v2");
	return 0;
}
static const struct object_desc memory_desc = {memory_fields, sizeof(struct cinch_spec_memory), check_memory};

static const struct range r_idle = {0, 1};
static const struct field cpu_fields[] = {
	F(struct cinch_spec_cpu, shares, "shares", k_opt_u64, NULL),
	F(struct cinch_spec_cpu, quota, "quota", k_opt_i64, NULL),
	F(struct cinch_spec_cpu, burst, "burst", k_opt_u64, NULL),
	F(struct cinch_spec_cpu, period, "period", k_opt_u64, NULL),
	F(struct cinch_spec_cpu, realtime_runtime, "realtimeRuntime", k_opt_i64, NULL),
	F(struct cinch_spec_cpu, realtime_period, "realtimePeriod", k_opt_u64, NULL),
	F(struct cinch_spec_cpu, cpus, "cpus", k_string, NULL),
	F(struct cinch_spec_cpu, mems, "mems", k_string, NULL),
	F(struct cinch_spec_cpu, idle, "idle", k_opt_i64, &r_idle),
	END,
};
static const struct object_desc cpu_desc = {cpu_fields, sizeof(struct cinch_spec_cpu), NULL};

static const struct field pids_fields[] = {
	REQ(struct cinch_opt_i64, value, "limit", k_i64, NULL),
	END,
};
static int check_pids(struct ctx *c, void *obj)
{
	(void)c;
	((struct cinch_opt_i64 *)obj)->set = true;
	return 0;
}
static const struct object_desc pids_desc = {pids_fields, sizeof(struct cinch_opt_i64), check_pids};

static const struct range r_blkio_weight = {10, 1000};
static const struct range r_blkio_leaf = {10, 1000};

/* A blkio weight of 0 means "not set", as runc reads it: Docker sends
 * blockIO.weight 0 for every container run without --blkio-weight. */
static int parse_opt_weight(struct ctx *c, json_t *v, void *dst, const struct field *f)
{
	if (json_is_integer(v) && json_integer_value(v) == 0)
		return 0;
	return parse_opt_u64(c, v, dst, f);
}
static const struct kind k_opt_weight = {parse_opt_weight, free_nothing};

static const struct field weight_device_fields[] = {
	REQ(struct cinch_spec_weight_device, major, "major", k_i64, &r_devnum),
	REQ(struct cinch_spec_weight_device, minor, "minor", k_i64, &r_devnum),
	F(struct cinch_spec_weight_device, weight, "weight", k_opt_weight, &r_blkio_weight),
	F(struct cinch_spec_weight_device, leaf_weight, "leafWeight", k_opt_weight, &r_blkio_leaf),
	END,
};
static const struct object_desc weight_device_desc = {weight_device_fields, sizeof(struct cinch_spec_weight_device),
						      NULL};
static const struct field throttle_fields[] = {
	REQ(struct cinch_spec_throttle_device, major, "major", k_i64, &r_devnum),
	REQ(struct cinch_spec_throttle_device, minor, "minor", k_i64, &r_devnum),
	REQ(struct cinch_spec_throttle_device, rate, "rate", k_u64, NULL),
	END,
};
static const struct object_desc throttle_desc = {throttle_fields, sizeof(struct cinch_spec_throttle_device), NULL};
static const struct field blkio_fields[] = {
	F(struct cinch_spec_blkio, weight, "weight", k_opt_weight, &r_blkio_weight),
	F(struct cinch_spec_blkio, leaf_weight, "leafWeight", k_opt_weight, &r_blkio_leaf),
	F(struct cinch_spec_blkio, weight_device, "weightDevice", k_array, &weight_device_desc),
	F(struct cinch_spec_blkio, throttle_read_bps_device, "throttleReadBpsDevice", k_array, &throttle_desc),
	F(struct cinch_spec_blkio, throttle_write_bps_device, "throttleWriteBpsDevice", k_array, &throttle_desc),
	F(struct cinch_spec_blkio, throttle_read_iops_device, "throttleReadIOPSDevice", k_array, &throttle_desc),
	F(struct cinch_spec_blkio, throttle_write_iops_device, "throttleWriteIOPSDevice", k_array, &throttle_desc),
	END,
};
static const struct object_desc blkio_desc = {blkio_fields, sizeof(struct cinch_spec_blkio), NULL};

static const struct field hugepage_fields[] = {
	REQ(struct cinch_spec_hugepage_limit, page_size, "pageSize", k_string, NULL),
	REQ(struct cinch_spec_hugepage_limit, limit, "limit", k_u64, NULL),
	END,
};
static const struct object_desc hugepage_desc = {hugepage_fields, sizeof(struct cinch_spec_hugepage_limit), NULL};

static const struct field net_prio_fields[] = {
	REQ(struct cinch_spec_net_priority, name, "name", k_string, NULL),
	REQ(struct cinch_spec_net_priority, priority, "priority", k_u32, NULL),
	END,
};
static const struct object_desc net_prio_desc = {net_prio_fields, sizeof(struct cinch_spec_net_priority), NULL};
static const struct range r_classid = {0, UINT32_MAX};
static const struct field network_fields[] = {
	F(struct cinch_spec_network, class_id, "classID", k_opt_u64, &r_classid),
	F(struct cinch_spec_network, priorities, "priorities", k_array, &net_prio_desc),
	END,
};
static const struct object_desc network_desc = {network_fields, sizeof(struct cinch_spec_network), NULL};

static const struct field resources_fields[] = {
	F(struct cinch_spec_resources, devices, "devices", k_array, &device_rule_desc),
	OBJ(struct cinch_spec_resources, memory, "memory", memory_desc, has_memory),
	OBJ(struct cinch_spec_resources, cpu, "cpu", cpu_desc, has_cpu),
	F(struct cinch_spec_resources, pids_limit, "pids", k_object, &pids_desc),
	OBJ(struct cinch_spec_resources, block_io, "blockIO", blkio_desc, has_block_io),
	F(struct cinch_spec_resources, hugepage_limits, "hugepageLimits", k_array, &hugepage_desc),
	OBJ(struct cinch_spec_resources, network, "network", network_desc, has_network),
	{"rdma", &k_unsupported, O(struct cinch_spec_resources, has_rdma), "rdma limits are not supported by cinch; ignored",
	 false, 0},
	F(struct cinch_spec_resources, unified, "unified", k_kvs, NULL),
	END,
};
static int check_resources(struct ctx *c, void *obj)
{
	struct cinch_spec_resources *r = obj;
	for (size_t i = 0; i < r->unified.n; i++) {
		const char *k = r->unified.items[i].key;
		/* A key names one file in the container's cgroup directory. */
		if (k[0] == '\0' || k[0] == '.' || strchr(k, '/') != NULL || strchr(k, '.') == NULL)
			return fail_at_map(c, "unified", k, "is not a cgroup v2 interface file name");
	}
	return 0;
}
static const struct object_desc resources_desc = {resources_fields, sizeof(struct cinch_spec_resources),
						  check_resources};

/* linux.seccomp: names checked here, mapped to libseccomp by the seccomp module */
static const char *const seccomp_action_names[] = {
	"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
	"SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",	   "SCMP_ACT_LOG",	   "SCMP_ACT_NOTIFY", NULL,
};
static const char *const seccomp_op_names[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};
static const char *const seccomp_arch_names[] = {
	"SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",	"SCMP_ARCH_X32",     "SCMP_ARCH_ARM",	    "SCMP_ARCH_AARCH64",
	"SCMP_ARCH_MIPS",	 "SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",    "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",	"SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",
	"SCMP_ARCH_S390X",	 "SCMP_ARCH_PARISC",	"SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",  "SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K",	 "SCMP_ARCH_SH",	"SCMP_ARCH_SHEB",    NULL,
};
static const char *const seccomp_flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",	  "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};
static const struct range r_argidx = {0, 5};
static const struct field seccomp_arg_fields[] = {
	REQ(struct cinch_spec_seccomp_arg, index, "index", k_u32, &r_argidx),
	REQ(struct cinch_spec_seccomp_arg, value, "value", k_u64, NULL),
	F(struct cinch_spec_seccomp_arg, value_two, "valueTwo", k_u64, NULL),
	REQ(struct cinch_spec_seccomp_arg, op, "op", k_name, seccomp_op_names),
	END,
};
static const struct object_desc seccomp_arg_desc = {seccomp_arg_fields, sizeof(struct cinch_spec_seccomp_arg), NULL};
static const struct range r_errno = {0, 4095};
static const struct field syscall_fields[] = {
	REQ(struct cinch_spec_syscall, names, "names", k_strv, NULL),
	REQ(struct cinch_spec_syscall, action, "action", k_name, seccomp_action_names),
	F(struct cinch_spec_syscall, errno_ret, "errnoRet", k_opt_u64, &r_errno),
	F(struct cinch_spec_syscall, args, "args", k_array, &seccomp_arg_desc),
	END,
};
static int check_syscall(struct ctx *c, void *obj)
{
	struct cinch_spec_syscall *s = obj;
	if (s->names.n == 0)
		return fail_at(c, "names", "must name at least one system call");
	return 0;
}
static const struct object_desc syscall_desc = {syscall_fields, sizeof(struct cinch_spec_syscall), check_syscall};
static const struct field seccomp_fields[] = {
	REQ(struct cinch_spec_seccomp, default_action, "defaultAction", k_name, seccomp_action_names),
	F(struct cinch_spec_seccomp, default_errno_ret, "defaultErrnoRet", k_opt_u64, &r_errno),
	F(struct cinch_spec_seccomp, architectures, "architectures", k_strv, seccomp_arch_names),
	F(struct cinch_spec_seccomp, flags, "flags", k_strv, seccomp_flag_names),
	F(struct cinch_spec_seccomp, listener_path, "listenerPath", k_string, NULL),
	F(struct cinch_spec_seccomp, listener_metadata, "listenerMetadata", k_string, NULL),
	F(struct cinch_spec_seccomp, syscalls, "syscalls", k_array, &syscall_desc),
	END,
};
static int check_seccomp(struct ctx *c, void *obj)
{
	struct cinch_spec_seccomp *s = obj;
	if (path_check_absolute(c, "listenerPath", s->listener_path) < 0)
		return -1;
	if (s->listener_path)
		note(c, "listenerPath: seccomp notification listeners are not supported by cinch yet");
	return 0;
}
static const struct object_desc seccomp_desc = {seccomp_fields, sizeof(struct cinch_spec_seccomp), check_seccomp};

static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};
static const struct field personality_fields[] = {
	REQ(struct cinch_spec_personality, domain, "domain", k_name, personality_domains),
	F(struct cinch_spec_personality, flags, "flags", k_strv, NULL),
	END,
};
static int check_personality(struct ctx *c, void *obj)
{
	struct cinch_spec_personality *p = obj;
	p->set = true;
	if (p->flags.n > 0)
		note(c, "flags: personality flags are not defined by the spec; ignored");
	return 0;
}
static const struct object_desc personality_desc = {personality_fields, sizeof(struct cinch_spec_personality),
						    check_personality};

/* linux.memoryPolicy: modes by their MPOL_* numbers (uapi/linux/mempolicy.h) */
static const char *const mpol_mode_names[] = {
	"MPOL_DEFAULT", "MPOL_PREFERRED",      "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED_MANY",
	"MPOL_WEIGHTED_INTERLEAVE", NULL,
};
enum { MPOL_DEFAULT_, MPOL_PREFERRED_, MPOL_BIND_, MPOL_INTERLEAVE_, MPOL_LOCAL_ };
static const char *const mpol_flag_names[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
					      "MPOL_F_STATIC_NODES", NULL};
static const unsigned mpol_flag_bits[] = {1u << 13, 1u << 14, 1u << 15};
#define MPOL_MAX_NODES 1024 /* the kernel's MAX_NUMNODES at its largest */
static const struct field mempolicy_fields[] = {
	REQ(struct cinch_spec_memory_policy, mode, "mode", k_enum, mpol_mode_names),
	F(struct cinch_spec_memory_policy, nodes, "nodes", k_string, NULL),
	F(struct cinch_spec_memory_policy, flags, "flags", k_strv, mpol_flag_names),
	END,
};
static int check_mempolicy(struct ctx *c, void *obj)
{
	struct cinch_spec_memory_policy *m = obj;
	bool nodes = m->nodes && m->nodes[0];
	unsigned long bits[MPOL_MAX_NODES / (sizeof(unsigned long) * 8)];
	if (nodes && cinch_parse_id_list(m->nodes, bits, MPOL_MAX_NODES) < 0)
		return fail_at(c, "nodes", "\"%s\" is not a list of NUMA nodes below %d (such as \"0-3,7\")", m->nodes,
			       MPOL_MAX_NODES);
	const char *mode = mpol_mode_names[m->mode];
	if (nodes && (m->mode == MPOL_DEFAULT_ || m->mode == MPOL_LOCAL_))
		return fail_at(c, "nodes", "%s takes no nodes", mode);
	if (!nodes && m->mode != MPOL_DEFAULT_ && m->mode != MPOL_LOCAL_ && m->mode != MPOL_PREFERRED_)
		return fail_at(c, "nodes", "%s needs a list of nodes", mode);
	m->flag_bits = 0;
	for (size_t i = 0; i < m->flags.n; i++)
		for (size_t k = 0; mpol_flag_names[k]; k++)
			if (strcmp(m->flags.items[i], mpol_flag_names[k]) == 0)
				m->flag_bits |= mpol_flag_bits[k];
	if ((m->flag_bits & mpol_flag_bits[1]) && (m->flag_bits & mpol_flag_bits[2]))
		return fail_at(c, "flags", "MPOL_F_RELATIVE_NODES and MPOL_F_STATIC_NODES exclude each other");
	if ((m->flag_bits & mpol_flag_bits[0]) && m->mode != MPOL_BIND_)
		return fail_at(c, "flags", "MPOL_F_NUMA_BALANCING goes with MPOL_BIND only, not %s", mode);
	m->set = true;
	return 0;
}
static const struct object_desc mempolicy_desc = {mempolicy_fields, sizeof(struct cinch_spec_memory_policy),
						  check_mempolicy};

static const char *const propagation_names[] = {"shared", "slave", "private", "unbindable",
						"rshared", "rslave", "rprivate", "runbindable", NULL};

static const struct field linux_fields[] = {
	F(struct cinch_spec_linux, namespaces, "namespaces", k_array, &ns_desc),
	F(struct cinch_spec_linux, uid_mappings, "uidMappings", k_array, &idmap_desc),
	F(struct cinch_spec_linux, gid_mappings, "gidMappings", k_array, &idmap_desc),
	F(struct cinch_spec_linux, time_offsets, "timeOffsets", k_time_offsets, &time_offsets_desc),
	F(struct cinch_spec_linux, devices, "devices", k_array, &device_desc),
	F(struct cinch_spec_linux, cgroups_path, "cgroupsPath", k_string, NULL),
	OBJ(struct cinch_spec_linux, resources, "resources", resources_desc, has_resources),
	REFUSED("intelRdt", "Intel RDT (resctrl) is not supported by cinch"),
	REFUSED("netDevices", "moving host network devices into the container is not supported by cinch"),
	F(struct cinch_spec_linux, memory_policy, "memoryPolicy", k_object, &mempolicy_desc),
	F(struct cinch_spec_linux, sysctl, "sysctl", k_kvs, NULL),
	OBJ(struct cinch_spec_linux, seccomp, "seccomp", seccomp_desc, has_seccomp),
	F(struct cinch_spec_linux, rootfs_propagation, "rootfsPropagation", k_name, propagation_names),
	F(struct cinch_spec_linux, masked_paths, "maskedPaths", k_strv, NULL),
	F(struct cinch_spec_linux, readonly_paths, "readonlyPaths", k_strv, NULL),
	F(struct cinch_spec_linux, mount_label, "mountLabel", k_string, NULL),
	F(struct cinch_spec_linux, personality, "personality", k_object, &personality_desc),
	END,
};

static int check_paths_absolute(struct ctx *c, const char *key, const struct cinch_strv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i][0] == '/')
			continue;
		return fail_at_index(c, key, i, "\"%s\" is not an absolute path", v->items[i]);
	}
	return 0;
}

static int check_linux(struct ctx *c, void *obj)
{
	struct cinch_spec_linux *l = obj;
	bool seen[CINCH_NS_COUNT] = {false};
	for (size_t i = 0; i < l->namespaces.n; i++) {
		int t = l->namespaces.items[i].type;
		if (seen[t])
			return fail_at_index(c, "namespaces", i, "namespace \"%s\" is listed twice", ns_names[t]);
		seen[t] = true;
	}
	if (l->time_offsets.monotonic.set || l->time_offsets.boottime.set) {
		const struct cinch_spec_namespace *time = NULL;
		for (size_t i = 0; i < l->namespaces.n; i++)
			if (l->namespaces.items[i].type == CINCH_NS_TIME)
				time = &l->namespaces.items[i];
		if (time == NULL)
			return fail_at(c, "timeOffsets",
				       "needs a new time namespace: add {\"type\": \"time\"} to linux.namespaces");
		if (time->path)
			return fail_at(c, "timeOffsets", "cannot be set on a time namespace joined by path (%s)", time->path);
	}
	if (check_paths_absolute(c, "maskedPaths", &l->masked_paths) < 0 ||
	    check_paths_absolute(c, "readonlyPaths", &l->readonly_paths) < 0)
		return -1;
	/* Only the name here; whether the container may set it depends on
	 * its namespaces, checked at create (sysctl.h). */
	for (size_t i = 0; i < l->sysctl.n; i++) {
		const char *k = l->sysctl.items[i].key;
		if (!cinch_sysctl_name_ok(k))
			return fail_at_map(c, "sysctl", k, "is not a sysctl name");
	}
	return 0;
}
static const struct object_desc linux_desc = {linux_fields, sizeof(struct cinch_spec_linux), check_linux};

static const struct field spec_fields[] = {
	REQ(struct cinch_spec, oci_version, "ociVersion", k_string, NULL),
	OBJ(struct cinch_spec, root, "root", root_desc, has_root),
	F(struct cinch_spec, mounts, "mounts", k_array, &mount_desc),
	OBJ(struct cinch_spec, process, "process", process_desc, has_process),
	F(struct cinch_spec, hostname, "hostname", k_string, NULL),
	F(struct cinch_spec, domainname, "domainname", k_string, NULL),
	OBJ(struct cinch_spec, hooks, "hooks", hooks_desc, has_hooks),
	F(struct cinch_spec, annotations, "annotations", k_kvs, NULL),
	OBJ(struct cinch_spec, linux_, "linux", linux_desc, has_linux),
	F(struct cinch_spec, notes, "", k_strv, NULL), /* freed only: "" is never a key we look up */
	END,
};

static int check_version(struct ctx *c, const char *v)
{
	/* Every 1.x config is readable (minor versions only add fields);
	 * another major version may mean something else entirely. */
	if (strncmp(v, "1.", 2) != 0)
		return fail_at(c, "ociVersion", "\"%s\" is not a 1.x version of the runtime spec", v);
	return 0;
}

static int check_spec(struct ctx *c, void *obj)
{
	struct cinch_spec *s = obj;
	if (check_version(c, s->oci_version) < 0)
		return -1;
	if (!s->has_root)
		return fail_at(c, "root", "is required on Linux");
	return 0;
}
static const struct object_desc spec_desc = {spec_fields, sizeof(struct cinch_spec), check_spec};

/* ---- entry points ---- */

/* jansson bounds its own recursion only at 2048 levels; refuse deep input
 * before parsing, and name where it got too deep. */
static int check_depth(const char *text, size_t len, const char *name, struct cinch_error **err)
{
	int depth = 0;
	bool in_string = false;
	size_t line = 1, col = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = text[i];
		col++;
		if (ch == '\n') {
			line++;
			col = 0;
		}
		if (in_string) {
			if (ch == '\\')
				i++, col++;
			else if (ch == '"')
				in_string = false;
			continue;
		}
		if (ch == '"')
			in_string = true;
		else if (ch == '[' || ch == '{') {
			if (++depth > CINCH_SPEC_MAX_DEPTH)
				return cinch_error_set(err, 0, "%s:%zu:%zu: nesting deeper than %d levels", name, line,
						       col, CINCH_SPEC_MAX_DEPTH);
		} else if (ch == ']' || ch == '}')
			depth--;
	}
	return 0;
}

/* Rewrites unsigned integer literals in (INT64_MAX, UINT64_MAX] as marker
 * strings "\u0000<digits>" that read_uint() understands.  Returns false
 * (and leaves *out alone) when there are none, the common case. */
static bool widen_big_integers(const char *text, size_t len, char **out, size_t *out_len)
{
	struct cinch_buf b = {0};
	size_t copied = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char ch = text[i];
		if (in_string) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_string = false;
			continue;
		}
		if (ch == '"') {
			in_string = true;
			continue;
		}
		if (ch < '0' || ch > '9' || (i > 0 && (text[i - 1] == '-' || text[i - 1] == '.')))
			continue;
		size_t end = i;
		while (end < len && text[end] >= '0' && text[end] <= '9')
			end++;
		bool plain = end - i >= 19 && end - i <= 20 && (end == len || strchr(".eE", text[end]) == NULL);
		char digits[24];
		uint64_t v;
		if (plain) {
			memcpy(digits, text + i, end - i);
			digits[end - i] = '\0';
			plain = cinch_parse_uint(digits, UINT64_MAX, &v) == 0 && v > INT64_MAX;
		}
		if (plain) {
			cinch_buf_append(&b, text + copied, i - copied);
			cinch_buf_printf(&b, "\"\\u0000%s\"", digits);
			copied = end;
		}
		i = end - 1;
	}
	if (copied == 0)
		return false;
	cinch_buf_append(&b, text + copied, len - copied);
	*out_len = b.len;
	*out = cinch_buf_steal(&b);
	return true;
}

static bool is_nul_string(json_t *v)
{
	uint64_t big;
	return json_is_string(v) && !is_plain_string(v) && !big_integer(v, &big);
}

static bool has_nul_string(json_t *v)
{
	size_t i;
	const char *key;
	json_t *e;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) if (has_nul_string(e)) return true;
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, e) if (has_nul_string(e)) return true;
	}
	return is_nul_string(v);
}

/* NUL is refused in every string, read or ignored: C code downstream
 * would see a shorter string than the one the user wrote.  The walk that
 * names the field runs only once has_nul_string() found one. */
static int check_no_nul(struct ctx *c, json_t *v)
{
	if (is_nul_string(v))
		return fail(c, "\\u0000 (NUL) is not allowed in strings");
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			size_t mark = path_push_index(c, i);
			int r = check_no_nul(c, e);
			path_pop(c, mark);
			if (r < 0)
				return -1;
		}
	} else if (json_is_object(v)) {
		const char *key;
		json_t *e;
		json_object_foreach(v, key, e)
		{
			size_t mark = path_push_key(c, key);
			int r = check_no_nul(c, e);
			path_pop(c, mark);
			if (r < 0)
				return -1;
		}
	}
	return 0;
}

/* Text to a JSON object, with every check that does not depend on which
 * spec object it is: size, depth, NUL, duplicate keys, big integers. */
static int load_object(const char *text, size_t len, const char *name, json_t **out, struct cinch_error **err)
{
	if (len > CINCH_SPEC_MAX_SIZE)
		return cinch_error_set(err, 0, "%s: file is larger than the limit of %u bytes", name,
				       CINCH_SPEC_MAX_SIZE);
	if (check_depth(text, len, name, err) < 0)
		return -1;
	const char *nul = memchr(text, '\0', len);
	if (nul != NULL)
		return cinch_error_set(err, 0, "%s: NUL byte at offset %zu", name, (size_t)(nul - text));

	_cleanup_free_ char *widened = NULL;
	if (widen_big_integers(text, len, &widened, &len))
		text = widened;

	json_error_t jerr;
	/* Duplicate keys are refused: two readers could otherwise disagree on
	 * which value counts.  NUL is let through the parser only to carry big
	 * integers; check_no_nul() refuses it everywhere else. */
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (root == NULL)
		return cinch_error_set(err, 0, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		const char *t = type_name(root);
		json_decref(root);
		return cinch_error_set(err, 0, "%s: expected a JSON object at the top level, got %s", name, t);
	}
	struct ctx c = {.name = name, .err = err};
	int r = has_nul_string(root) ? check_no_nul(&c, root) : 0;
	cinch_buf_free(&c.path);
	if (r < 0) {
		json_decref(root);
		return -1;
	}
	*out = root;
	return 0;
}

/* Parses one spec object through its table; notes go to notes_holder. */
static int parse_object_text(const char *text, size_t len, const char *name, const struct object_desc *d,
			     struct cinch_spec *notes_holder, void *obj, struct cinch_error **err)
{
	json_t *root = NULL;
	if (load_object(text, len, name, &root, err) < 0)
		return -1;
	struct ctx c = {.name = name, .spec = notes_holder, .err = err};
	int r = parse_fields(&c, root, obj, d);
	json_decref(root);
	cinch_buf_free(&c.path);
	return r;
}

int cinch_spec_parse(const char *text, size_t len, const char *name, struct cinch_spec **out,
		     struct cinch_error **err)
{
	struct cinch_spec *spec = xzalloc(sizeof(*spec));
	if (parse_object_text(text, len, name, &spec_desc, spec, spec, err) < 0) {
		cinch_spec_free(spec);
		return -1;
	}
	*out = spec;
	return 0;
}

int cinch_spec_load(const char *path, struct cinch_spec **out, struct cinch_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (cinch_read_file(path, CINCH_SPEC_MAX_SIZE, &text, &len, err) < 0)
		return -1;
	return cinch_spec_parse(text, len, path, out, err);
}

/* Parses one spec object on its own (a process for exec, resources for
 * update, a seccomp profile) with the same checks as a whole config.json. */
static int parse_standalone(const char *text, size_t len, const char *name, const struct object_desc *d,
			    void **out, struct cinch_error **err)
{
	struct cinch_spec notes_holder = {0};
	void *obj = xzalloc(d->size);
	int r = parse_object_text(text, len, name, d, &notes_holder, obj, err);
	free_strv(notes_holder.notes.items);
	if (r < 0) {
		free_fields(obj, d->fields);
		free(obj);
		return -1;
	}
	*out = obj;
	return 0;
}

int cinch_spec_process_parse(const char *text, size_t len, const char *name, struct cinch_spec_process **out,
			     struct cinch_error **err)
{
	return parse_standalone(text, len, name, &process_desc, (void **)out, err);
}

int cinch_spec_resources_parse(const char *text, size_t len, const char *name, struct cinch_spec_resources **out,
			       struct cinch_error **err)
{
	return parse_standalone(text, len, name, &resources_desc, (void **)out, err);
}

int cinch_spec_seccomp_parse(const char *text, size_t len, const char *name, struct cinch_spec_seccomp **out,
			     struct cinch_error **err)
{
	return parse_standalone(text, len, name, &seccomp_desc, (void **)out, err);
}

void cinch_spec_seccomp_free(struct cinch_spec_seccomp *s)
{
	if (s == NULL)
		return;
	free_fields(s, seccomp_fields);
	free(s);
}

void cinch_spec_resources_free(struct cinch_spec_resources *r)
{
	if (r == NULL)
		return;
	free_fields(r, resources_fields);
	free(r);
}

void cinch_spec_process_free(struct cinch_spec_process *p)
{
	if (p == NULL)
		return;
	free_fields(p, process_fields);
	free(p);
}

void cinch_spec_free(struct cinch_spec *spec)
{
	if (spec == NULL)
		return;
	free_fields(spec, spec_fields);
	free(spec);
}

void cinch_spec_freep(struct cinch_spec **spec)
{
	cinch_spec_free(*spec);
	*spec = NULL;
}
