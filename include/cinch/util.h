/* util: small helpers shared by every module: ownership (cleanup
 * attributes, TAKE_FD), allocation that cannot fail, a growable string
 * buffer with JSON escaping, file reading with a size cap, atomic file
 * writes and RFC 3339 timestamps.  Nothing here knows about containers. */
#ifndef CINCH_UTIL_H
#define CINCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cinch_error;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void freep(void *p);
void closep(int *fd);
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Hand an owned fd or pointer over, leaving the cleanup variable empty. */
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
#define TAKE_FD(fd) take_fd(&(fd))
static inline void *steal_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;
	*p = NULL;
	return r;
}
#define steal_pointer(pp) steal_ptr(pp)

/* Allocation failure in a short-lived CLI is not recoverable in any useful
 * way; these abort with a message instead of spreading NULL checks. */
void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int xasprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void free_strv(char **v);

/* NULL-terminated string vector plus its length. */
struct cinch_strv {
	char **items;
	size_t n;
};
/* Appends a copy of s, keeping the vector NULL-terminated. */
void cinch_strv_append(struct cinch_strv *v, const char *s);
/* Sets kv ("KEY=value") in an environment: the first entry of KEY takes
 * it and any later one goes, so the process sees one value; appended when
 * KEY is not there. */
void cinch_env_set(struct cinch_strv *env, const char *kv);

/* A growable, always NUL-terminated string. */
struct cinch_buf {
	char *data;
	size_t len;
	size_t cap;
};
void cinch_buf_append(struct cinch_buf *b, const char *s, size_t n);
void cinch_buf_puts(struct cinch_buf *b, const char *s);
void cinch_buf_printf(struct cinch_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a quoted JSON string, escaping what RFC 8259 requires. */
void cinch_buf_json_string(struct cinch_buf *b, const char *s);
char *cinch_buf_steal(struct cinch_buf *b);
void cinch_buf_free(struct cinch_buf *b);

/* Reads a whole file (O_CLOEXEC), refusing one larger than max bytes.
 * The result is NUL-terminated; *len excludes the NUL. */
int cinch_read_file(const char *path, size_t max, char **out, size_t *len, struct cinch_error **err);
int cinch_read_fd(int fd, const char *name, size_t max, char **out, size_t *len, struct cinch_error **err);

/* Writes data to path through a temporary file in the same directory and
 * rename(2), so readers see the old or the new content, never a mix. */
int cinch_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			    struct cinch_error **err);
/* write(2) until done, retrying on EINTR. */
int cinch_write_all(int fd, const void *data, size_t len);

/* RFC 3339 with nanoseconds in UTC, e.g. 2026-11-23T20:14:09.123456789Z. */
void cinch_rfc3339_now(char out[64]);
void cinch_rfc3339(const struct timespec *ts, char out[64]);
/* Days since 1970-01-01 as a UTC calendar date (month and day from 1). */
void cinch_civil_from_days(int64_t days, int64_t *year, int64_t *month, int64_t *day);

bool cinch_str_has_prefix(const char *s, const char *prefix);
/* Parses a decimal unsigned integer no larger than max; the whole string
 * must be digits. */
int cinch_parse_uint(const char *s, uint64_t max, uint64_t *out);
/* Parses a list of ids as the kernel writes CPU and node lists ("0-3,7"):
 * ranges and single ids separated by commas, each below nbits, into the
 * bit set bits (nbits bits, cleared first).  -1 on anything else, the
 * empty string included. */
int cinch_parse_id_list(const char *s, unsigned long *bits, size_t nbits);

#endif
