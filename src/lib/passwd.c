#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/mounts.h"
#include "cinch/passwd.h"
#include "cinch/util.h"

/* Field k (0-based) of the line [p, end): start and length. */
static bool field(const char *p, const char *end, int k, const char **start, size_t *n)
{
	for (int i = 0; i < k; i++) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		if (colon == NULL)
			return false;
		p = colon + 1;
	}
	const char *colon = memchr(p, ':', (size_t)(end - p));
	*start = p;
	*n = (size_t)((colon ? colon : end) - p);
	return true;
}

static bool uid_is(const char *s, size_t n, uint32_t uid)
{
	if (n == 0 || n > 10)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v == uid;
}

/* name:password:uid:gid:gecos:home:shell */
char *cinch_passwd_home(const char *text, size_t len, uint32_t uid)
{
	const char *p = text, *stop = text + len;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		const char *end = nl ? nl : stop;
		const char *f;
		size_t n;
		if (field(p, end, 2, &f, &n) && uid_is(f, n, uid)) {
			if (!field(p, end, 5, &f, &n) || n == 0 || f[0] != '/' || memchr(f, '\0', n))
				return NULL;
			return xstrndup(f, n);
		}
		p = end + 1;
	}
	return NULL;
}

/* /etc/passwd of the caller's root, as passwd.h says: found with O_PATH,
 * which opens nothing (a device's driver never runs), checked to be a
 * regular file of a real file system (not /proc or /sys, whose files
 * look regular), then opened for reading through /proc/self/fd.  NULL
 * when any of that fails. */
static char *read_passwd(size_t *len)
{
	struct cinch_error *e = NULL;
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int path = root < 0 ? -1 : cinch_open_in_root(root, "/etc/passwd", false, false, &e);
	cinch_error_free(e);
	e = NULL;
	struct stat st;
	struct statfs sfs;
	if (path < 0 || fstat(path, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > CINCH_PASSWD_MAX ||
	    fstatfs(path, &sfs) < 0 || sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC)
		return NULL;
	char again[64];
	snprintf(again, sizeof(again), "/proc/self/fd/%d", path);
	_cleanup_close_ int fd = open(again, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *text = NULL;
	if (cinch_read_fd(fd, "/etc/passwd", CINCH_PASSWD_MAX, &text, len, &e) < 0) {
		cinch_error_free(e);
		return NULL;
	}
	return text;
}

char **cinch_passwd_env_with_home(char **env, uint32_t uid)
{
	size_t n = 0;
	for (; env && env[n]; n++)
		if (strncmp(env[n], "HOME=", 5) == 0)
			return env;
	size_t len = 0;
	_cleanup_free_ char *text = read_passwd(&len);
	_cleanup_free_ char *home = text ? cinch_passwd_home(text, len, uid) : NULL;
	char **out = xcalloc(n + 2, sizeof(char *));
	if (n)
		memcpy(out, env, n * sizeof(char *));
	xasprintf(&out[n], "HOME=%s", home ? home : "/");
	return out;
}

void cinch_passwd_env_free(char **env, char **orig)
{
	if (env == NULL || env == orig)
		return;
	size_t n = 0;
	while (env[n])
		n++;
	free(env[n - 1]);
	free(env);
}
