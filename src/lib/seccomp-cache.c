/* The compiled-filter cache: see "The cache" in include/cinch/seccomp.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cinch/log.h"
#include "cinch/seccomp.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "seccomp-internal.h"

#define CACHE_MAGIC "CINCHBPF"
#define CACHE_FORMAT 1u
/* A config may carry a filter of megabytes; such a key is not worth a
 * cache file, and the cap bounds what a read may allocate. */
#define KEY_MAX (1u << 20)

struct cache_header {
	char magic[8];
	uint32_t format;
	uint32_t key_len;
	uint32_t flags;
	uint32_t insns;
};

/* ---- keys ---- */

static void put_u64(struct cinch_buf *b, uint64_t v)
{
	cinch_buf_append(b, (const char *)&v, sizeof(v));
}

/* Length-prefixed, so that no two different inputs serialise alike; NULL
 * differs from "". */
static void put_str(struct cinch_buf *b, const char *s)
{
	put_u64(b, s ? strlen(s) : UINT64_MAX);
	if (s)
		cinch_buf_append(b, s, strlen(s));
}

static void put_opt(struct cinch_buf *b, const struct cinch_opt_u64 *o)
{
	put_u64(b, o->set);
	put_u64(b, o->set ? o->value : 0);
}

static void put_strv(struct cinch_buf *b, const struct cinch_strv *v)
{
	put_u64(b, v->n);
	for (size_t i = 0; i < v->n; i++)
		put_str(b, v->items[i]);
}

/* What shapes the program besides the filter itself: libseccomp's version,
 * the native architecture, the kernel (its release and build, which fix
 * the features libseccomp probes for, so the probes need not run on a
 * hit), and cinch's own mapping of OCI names. */
static void put_environment(struct cinch_buf *b, const char *kind)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	put_str(b, CACHE_MAGIC);
	put_u64(b, CACHE_FORMAT);
	put_str(b, PACKAGE_VERSION);
	put_u64(b, CINCH_SECCOMP_COMPILER_REVISION);
	put_u64(b, ((uint64_t)v->major << 32) | ((uint64_t)v->minor << 16) | v->micro);
	put_u64(b, seccomp_arch_native());
	put_u64(b, cinch_seccomp_x32_runs());
	put_str(b, u.release);
	put_str(b, u.version);
	put_str(b, kind);
}

#if __SIZEOF_POINTER__ == 8
/* key_spec must serialise every field: a field it skipped would let two
 * different filters share a cache entry.  Growing these structs breaks the
 * build here until key_spec learns the new field. */
_Static_assert(sizeof(struct cinch_spec_seccomp) == 88, "update key_spec for the new field");
_Static_assert(sizeof(struct cinch_spec_syscall) == 56, "update key_spec for the new field");
_Static_assert(sizeof(struct cinch_spec_seccomp_arg) == 32, "update key_spec for the new field");
#endif

void cinch_seccomp_key_spec(const struct cinch_spec_seccomp *s, struct cinch_buf *key)
{
	put_environment(key, "linux.seccomp");
	put_str(key, s->default_action);
	put_opt(key, &s->default_errno_ret);
	put_strv(key, &s->architectures);
	put_strv(key, &s->flags);
	put_str(key, s->listener_path);
	put_str(key, s->listener_metadata);
	put_u64(key, s->syscalls.n);
	for (size_t i = 0; i < s->syscalls.n; i++) {
		const struct cinch_spec_syscall *sc = &s->syscalls.items[i];
		put_strv(key, &sc->names);
		put_str(key, sc->action);
		put_opt(key, &sc->errno_ret);
		put_u64(key, sc->args.n);
		for (size_t k = 0; k < sc->args.n; k++) {
			const struct cinch_spec_seccomp_arg *a = &sc->args.items[k];
			put_u64(key, a->index);
			put_u64(key, a->value);
			put_u64(key, a->value_two);
			put_str(key, a->op);
		}
	}
}

void cinch_seccomp_key_bytes(const char *kind, size_t len, struct cinch_buf *key)
{
	put_environment(key, kind);
	put_u64(key, len);
}

/* ---- files ---- */

/* FNV-1a.  Not collision resistant, and it need not be: it only picks one
 * of 256 slots, and a file is used only when its whole key matches. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	return h;
}

static void slot_name(const struct cinch_buf *key, const void *tail, size_t tail_len, char name[4])
{
	uint64_t h = fnv1a(fnv1a(0xcbf29ce484222325u, key->data, key->len), tail, tail_len);
	snprintf(name, 4, "%02x", (unsigned)(h & 0xff));
}

/* Only what this user made and nobody else can change is trusted: a
 * program from the cache is loaded into containers as it is. */
static bool private_to_us(const struct stat *st, mode_t others)
{
	return st->st_uid == geteuid() && (st->st_mode & others) == 0;
}

static int open_cache_dir(const char *root, bool create)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/" CINCH_SECCOMP_CACHE_DIR, root);
	/* The first create on a host runs before the state root exists. */
	if (create && (mkdir(root, 0700) < 0 && errno != EEXIST)) {
		cinch_log(CINCH_LOG_DEBUG, "seccomp cache: mkdir %s: %s", root, strerror(errno));
		return -1;
	}
	if (create && mkdir(path, 0700) < 0 && errno != EEXIST) {
		cinch_log(CINCH_LOG_DEBUG, "seccomp cache: mkdir %s: %s", path, strerror(errno));
		return -1;
	}
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !private_to_us(&st, S_IWGRP | S_IWOTH)) {
		cinch_log(CINCH_LOG_DEBUG, "seccomp cache: %s ignored: not owned by uid %u or writable by others",
			  path, (unsigned)geteuid());
		return -1;
	}
	return TAKE_FD(fd);
}

/* Whether the len bytes of fd at *off equal want; moves *off on.  Read
 * through a small buffer: the key can be tens of kilobytes (a profile's
 * text), which is not worth a heap copy. */
static bool file_equals(int fd, off_t *off, const void *want, size_t len)
{
	const char *w = want;
	char buf[4096];
	while (len > 0) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);
		if (pread(fd, buf, n, *off) != (ssize_t)n || memcmp(buf, w, n) != 0)
			return false;
		*off += (off_t)n;
		w += n;
		len -= n;
	}
	return true;
}

/* Checks a cache file (size bytes) against the key; on a match returns
 * the program it holds. */
static struct cinch_seccomp *decode(int fd, off_t size, const struct cinch_buf *key, const void *tail,
				    size_t tail_len)
{
	struct cache_header h;
	size_t key_len = key->len + tail_len;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) != 0 ||
	    h.format != CACHE_FORMAT || h.key_len != key_len || h.insns == 0 || h.insns > BPF_MAXINSNS ||
	    (uintmax_t)size != sizeof(h) + key_len + (size_t)h.insns * sizeof(struct sock_filter))
		return NULL;
	off_t off = sizeof(h);
	if (!file_equals(fd, &off, key->data, key->len) || !file_equals(fd, &off, tail, tail_len))
		return NULL;
	size_t bytes = h.insns * sizeof(struct sock_filter);
	_cleanup_free_ struct sock_filter *insns = xmalloc(bytes);
	if (pread(fd, insns, bytes, off) != (ssize_t)bytes)
		return NULL;
	struct cinch_seccomp *f = xzalloc(sizeof(*f));
	f->flags = h.flags;
	f->len = (unsigned short)h.insns;
	f->insns = steal_pointer(&insns);
	return f;
}

bool cinch_seccomp_cache_get(const char *root, const struct cinch_buf *key, const void *tail, size_t tail_len,
			     struct cinch_seccomp **out)
{
	*out = NULL;
	if (key->len + tail_len > KEY_MAX)
		return false;
	_cleanup_close_ int dfd = open_cache_dir(root, false);
	if (dfd < 0)
		return false;
	char name[4];
	slot_name(key, tail, tail_len, name);
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !private_to_us(&st, S_IRWXG | S_IRWXO)) {
		cinch_log(CINCH_LOG_DEBUG, "seccomp cache: %s/%s ignored: not a regular file private to uid %u",
			  root, name, (unsigned)geteuid());
		return false;
	}
	*out = decode(fd, st.st_size, key, tail, tail_len);
	cinch_log(CINCH_LOG_DEBUG, "seccomp cache: %s in slot %s", *out ? "hit" : "miss", name);
	return *out != NULL;
}

void cinch_seccomp_cache_put(const char *root, const struct cinch_buf *key, const void *tail, size_t tail_len,
			     const struct cinch_seccomp *f)
{
	if (key->len + tail_len > KEY_MAX)
		return;
	_cleanup_close_ int dfd = open_cache_dir(root, true);
	if (dfd < 0)
		return;
	struct cache_header h = {.format = CACHE_FORMAT,
				 .key_len = (uint32_t)(key->len + tail_len),
				 .flags = f->flags,
				 .insns = f->len};
	memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
	struct cinch_buf file = {0};
	cinch_buf_append(&file, (const char *)&h, sizeof(h));
	cinch_buf_append(&file, key->data, key->len);
	cinch_buf_append(&file, tail, tail_len);
	cinch_buf_append(&file, (const char *)f->insns, f->len * sizeof(struct sock_filter));

	char name[4], tmp[64];
	slot_name(key, tail, tail_len, name);
	/* Written aside and renamed over the slot: a reader sees a whole
	 * file, the old one or the new. */
	snprintf(tmp, sizeof(tmp), ".%s.%ld", name, (long)getpid());
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST) {
		/* Left by a cinch killed mid-write whose pid we now have. */
		unlinkat(dfd, tmp, 0);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	}
	bool ok = fd >= 0 && cinch_write_all(fd, file.data, file.len) == 0;
	if (fd >= 0)
		close(fd);
	if (ok)
		ok = renameat(dfd, tmp, dfd, name) == 0;
	if (!ok && fd >= 0)
		unlinkat(dfd, tmp, 0);
	cinch_log(CINCH_LOG_DEBUG, "seccomp cache: %s slot %s", ok ? "stored in" : "could not store in", name);
	cinch_buf_free(&file);
}
