#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/util.h"

void freep(void *p)
{
	free(*(void **)p);
}

void closep(int *fd)
{
	/* Never retry close() on EINTR: on Linux the fd is already gone and a
	 * retry may close a descriptor another thread just opened. */
	int saved = errno; /* a cleanup must not change the error being reported */
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	errno = saved;
}

static void *oom(void)
{
	fputs("cinch: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *xzalloc(size_t n)
{
	return xcalloc(1, n);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	return p ? p : oom();
}

void *xrealloc(void *p, size_t n)
{
	void *r = realloc(p, n ? n : 1);
	return r ? r : oom();
}

char *xstrdup(const char *s)
{
	char *r = strdup(s);
	return r ? r : oom();
}

char *xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);
	return r ? r : oom();
}

int xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(out, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return r;
}

void free_strv(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void cinch_strv_append(struct cinch_strv *v, const char *s)
{
	v->items = xrealloc(v->items, (v->n + 2) * sizeof(char *));
	v->items[v->n++] = xstrdup(s);
	v->items[v->n] = NULL;
}

static bool same_key(const char *entry, const char *kv, size_t key_len)
{
	return strncmp(entry, kv, key_len) == 0 && entry[key_len] == '=';
}

void cinch_env_set(struct cinch_strv *env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t key_len = eq ? (size_t)(eq - kv) : strlen(kv);
	bool set = false;
	size_t out = 0;
	for (size_t i = 0; i < env->n; i++) {
		if (!same_key(env->items[i], kv, key_len)) {
			env->items[out++] = env->items[i];
		} else if (!set) {
			free(env->items[i]);
			env->items[out++] = xstrdup(kv);
			set = true;
		} else {
			free(env->items[i]);
		}
	}
	env->n = out;
	if (env->items)
		env->items[out] = NULL;
	if (!set)
		cinch_strv_append(env, kv);
}

static void buf_reserve(struct cinch_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void cinch_buf_append(struct cinch_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	if (n) /* s may be NULL then, and memcpy from NULL is undefined even for 0 bytes */
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void cinch_buf_puts(struct cinch_buf *b, const char *s)
{
	cinch_buf_append(b, s, strlen(s));
}

void cinch_buf_printf(struct cinch_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
}

void cinch_buf_json_string(struct cinch_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	cinch_buf_append(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[7];
		switch (*p) {
		case '"':
			cinch_buf_append(b, "\\\"", 2);
			break;
		case '\\':
			cinch_buf_append(b, "\\\\", 2);
			break;
		case '\n':
			cinch_buf_append(b, "\\n", 2);
			break;
		case '\r':
			cinch_buf_append(b, "\\r", 2);
			break;
		case '\t':
			cinch_buf_append(b, "\\t", 2);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				esc[0] = '\\';
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 0xf];
				cinch_buf_append(b, esc, 6);
			} else {
				cinch_buf_append(b, (const char *)p, 1);
			}
		}
	}
	cinch_buf_append(b, "\"", 1);
}

char *cinch_buf_steal(struct cinch_buf *b)
{
	char *r = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return r;
}

void cinch_buf_free(struct cinch_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* cinch_read_fd, with the fstat of fd that the caller made (NULL: none). */
static int read_fd_stat(int fd, const struct stat *st, const char *name, size_t max, char **out, size_t *len,
			struct cinch_error **err)
{
	/* Read straight into one buffer, no bounce buffer and no copy: each
	 * page of fresh memory costs a fault, a dear one on a VM.  It starts
	 * at the file's size + 1 (the read that returns 0 then needs no
	 * realloc), else at a page, and grows for a file whose size stat does
	 * not tell (procfs, a pipe) or that grows meanwhile, never past
	 * max + 1: a full buffer that big is a file over the limit.  One more
	 * byte holds the '\0'. */
	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;
	size_t cap = max + 1 < 4096 ? max + 1 : 4096;
	if (st && S_ISREG(st->st_mode) && st->st_size > 0)
		cap = (uintmax_t)st->st_size < max ? (size_t)st->st_size + 1 : max + 1;
	_cleanup_free_ char *data = xmalloc(cap + 1);
	size_t used = 0;
	for (;;) {
		if (used == cap) {
			if (cap > max)
				return cinch_error_set(err, 0, "%s: file is larger than the limit of %zu bytes", name, max);
			cap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			data = xrealloc(data, cap + 1);
		}
		ssize_t n = read(fd, data + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cinch_error_set(err, errno, "%s: read", name);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	data[used] = '\0';
	if (len)
		*len = used;
	*out = steal_pointer(&data);
	return 0;
}

int cinch_read_fd(int fd, const char *name, size_t max, char **out, size_t *len, struct cinch_error **err)
{
	struct stat st;
	return read_fd_stat(fd, fstat(fd, &st) == 0 ? &st : NULL, name, max, out, len, err);
}

int cinch_read_file(const char *path, size_t max, char **out, size_t *len, struct cinch_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: open", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return cinch_error_set(err, errno, "%s: stat", path);
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode))
		return cinch_error_set(err, 0, "%s: not a regular file", path);
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max)
		return cinch_error_set(err, 0, "%s: file is larger than the limit of %zu bytes", path, max);
	return read_fd_stat(fd, &st, path, max, out, len, err);
}

int cinch_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cinch_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			    struct cinch_error **err)
{
	_cleanup_free_ char *tmp = NULL;
	const char *slash = strrchr(path, '/');
	if (slash)
		xasprintf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		xasprintf(&tmp, ".%s.XXXXXX", path);

	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: create temporary file", path);
	if (fchmod(fd, mode) < 0 || cinch_write_all(fd, data, len) < 0) {
		int e = errno;
		unlink(tmp);
		return cinch_error_set(err, e, "%s: write", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return cinch_error_set(err, e, "%s: rename", path);
	}
	return 0;
}

void cinch_civil_from_days(int64_t days, int64_t *year, int64_t *month, int64_t *day)
{
	/* Days since 1970-01-01 to a proleptic Gregorian date, counting in
	 * 400-year eras that start on March 1 (so leap days come last). */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;                                    /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                  /* [0, 11], March first */
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = yoe + era * 400 + (*month <= 2);
}

void cinch_rfc3339(const struct timespec *ts, char out[64])
{
	/* Not gmtime_r or strftime: glibc's load the time zone file
	 * (/etc/localtime) on first use, seven system calls for a UTC stamp. */
	int64_t days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	int64_t y, m, d;
	cinch_civil_from_days(days, &y, &m, &d);
	snprintf(out, 64, "%04" PRId64 "-%02" PRId64 "-%02" PRId64 "T%02d:%02d:%02d.%09ldZ", y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60), ts->tv_nsec);
}

void cinch_rfc3339_now(char out[64])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	cinch_rfc3339(&ts, out);
}

bool cinch_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int cinch_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	if (*s == '\0')
		return -1;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		unsigned d = (unsigned)(*p - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* One "N" or "N-M" of a list, N <= M < nbits. */
static int parse_id_range(const char *s, size_t n, size_t nbits, uint64_t *lo, uint64_t *hi)
{
	char buf[48];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (cinch_parse_uint(buf, nbits - 1, lo) < 0 || cinch_parse_uint(dash ? dash + 1 : buf, nbits - 1, hi) < 0)
		return -1;
	return *lo <= *hi ? 0 : -1;
}

int cinch_parse_id_list(const char *s, unsigned long *bits, size_t nbits)
{
	const size_t per = sizeof(unsigned long) * CHAR_BIT;
	memset(bits, 0, (nbits + per - 1) / per * sizeof(unsigned long));
	if (*s == '\0')
		return -1;
	for (;;) {
		size_t n = strcspn(s, ",");
		uint64_t lo, hi;
		if (parse_id_range(s, n, nbits, &lo, &hi) < 0)
			return -1;
		for (uint64_t i = lo; i <= hi; i++)
			bits[i / per] |= 1ul << (i % per);
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}
