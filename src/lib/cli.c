#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cinch/cli.h"
#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/util.h"

void cinch_optparse_init(struct cinch_optparse *p, int argc, char **argv)
{
	p->argc = argc;
	p->argv = argv;
	p->idx = 0;
	p->arg = NULL;
	p->flag = false;
}

static int parse_bool_value(const char *v, bool *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static const struct cinch_opt help_opt = {"help", 'h', false, CINCH_OPT_HELP};

static const struct cinch_opt *find_long(const struct cinch_opt *opts, const char *name, size_t len)
{
	for (const struct cinch_opt *o = opts; o && o->long_name; o++)
		if (strlen(o->long_name) == len && strncmp(o->long_name, name, len) == 0)
			return o;
	if (len == 4 && strncmp(name, "help", 4) == 0)
		return &help_opt;
	return NULL;
}

static const struct cinch_opt *find_short(const struct cinch_opt *opts, char ch)
{
	for (const struct cinch_opt *o = opts; o && o->long_name; o++)
		if (o->short_name == ch)
			return o;
	return ch == 'h' ? &help_opt : NULL;
}

int cinch_opt_next(struct cinch_optparse *p, const struct cinch_opt *opts, const char *cmd,
		   struct cinch_error **err)
{
	p->arg = NULL;
	p->flag = false;
	if (p->idx >= p->argc)
		return 0;
	const char *a = p->argv[p->idx];
	if (a[0] != '-' || a[1] == '\0')
		return 0; /* positional ("-" alone is a value, e.g. stdin) */
	if (strcmp(a, "--") == 0) {
		p->idx++;
		return 0;
	}

	const struct cinch_opt *o;
	const char *value = NULL;
	/* Go's flag package, which runc's callers grew up with, takes one or
	 * two dashes for a long option: accept both (go-runc passes
	 * `-no-subreaper`). */
	const char *name = a + 1 + (a[1] == '-');
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	if (a[1] != '-' && len == 1)
		o = find_short(opts, name[0]);
	else
		o = find_long(opts, name, len);
	if (o == NULL)
		return cinch_error_set(err, 0, "%s: unknown option %.*s", cmd, (int)(name - a + len), a);
	if (eq)
		value = eq + 1;
	p->idx++;

	if (o->has_arg) {
		if (value == NULL) {
			if (p->idx >= p->argc)
				return cinch_error_set(err, 0, "%s: option %s needs a value", cmd, a);
			value = p->argv[p->idx++];
		}
		p->arg = value;
	} else {
		p->flag = true;
		if (value && parse_bool_value(value, &p->flag) < 0)
			return cinch_error_set(err, 0, "%s: option %s: \"%s\" is not true or false", cmd, a, value);
	}
	return o->id;
}

void cinch_command_help(const struct cinch_command *cmd)
{
	printf("Usage: cinch [global options] %s %s", cmd->name, cmd->usage);
}

int cinch_cli_parse(const struct cinch_command *cmd, int argc, char **argv, const struct cinch_opt *opts,
		    int (*on_opt)(int id, const char *arg, bool flag, void *data, struct cinch_error **err),
		    void *data, int min_pos, int max_pos, char **pos, struct cinch_error **err)
{
	struct cinch_optparse p;
	cinch_optparse_init(&p, argc, argv);
	p.idx = 1;
	int id;
	while ((id = cinch_opt_next(&p, opts, cmd->name, err)) > 0) {
		if (id == CINCH_OPT_HELP) {
			cinch_command_help(cmd);
			return 1;
		}
		if (on_opt(id, p.arg, p.flag, data, err) < 0)
			return -1;
	}
	if (id < 0)
		return -1;
	int n = argc - p.idx;
	if (n < min_pos)
		return cinch_error_set(err, 0, "%s: missing %s; see 'cinch %s --help'", cmd->name,
				       min_pos - n == 1 && n == 0 ? "container id" : "arguments", cmd->name);
	if (n > max_pos)
		return cinch_error_set(err, 0, "%s: unexpected argument \"%s\"", cmd->name, argv[p.idx + max_pos]);
	for (int i = 0; i < n; i++)
		pos[i] = argv[p.idx + i];
	return 0;
}

/* Makes fds first .. first+n-1 the caller's to hand over: one it left
 * closed becomes /dev/null, so that none of the runtime's own fds (a
 * cgroup file, a directory of the host) can take that number and reach
 * the workload; crun passes what is open, runc refuses the rest.  These
 * are inherited on purpose, as the passed fds are.  The --log file, opened
 * before the options were read, cannot be handed over. */
static int take_fd_range(int first, int n, const char *what, struct cinch_error **err)
{
	int hole = -1;
	for (int fd = first; fd < first + n; fd++) {
		if (fd == cinch_log_fd())
			return cinch_error_set(err, 0, "%s: fd %d is the runtime's --log file", what, fd);
		if (fcntl(fd, F_GETFD) < 0 && hole < 0)
			hole = fd;
	}
	if (hole < 0)
		return 0;
	/* Above the range: the first open could land in a hole. */
	int tmp = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int null_fd = tmp < 0 ? -1 : fcntl(tmp, F_DUPFD_CLOEXEC, first + n);
	if (tmp >= 0)
		close(tmp);
	if (null_fd < 0)
		return cinch_error_set(err, errno, "%s: open /dev/null", what);
	for (int fd = hole; fd < first + n; fd++)
		if (fcntl(fd, F_GETFD) < 0 && dup2(null_fd, fd) < 0) {
			int e = errno;
			close(null_fd);
			return cinch_error_set(err, e, "%s: fd %d", what, fd);
		}
	close(null_fd);
	return 0;
}

int cinch_cli_listen_fds(const char *listen_fds, const char *listen_pid, int preserve_fds, int *out,
			 struct cinch_error **err)
{
	uint64_t n, pid;
	*out = 0;
	if (listen_fds == NULL || cinch_parse_uint(listen_fds, 1024, &n) < 0 || n == 0)
		return 0;
	if (listen_pid && (cinch_parse_uint(listen_pid, INT32_MAX, &pid) < 0 || pid != (uint64_t)getpid()))
		return 0;
	_cleanup_free_ char *what = NULL;
	xasprintf(&what, "LISTEN_FDS=%s", listen_fds);
	if (take_fd_range(3 + preserve_fds, (int)n, what, err) < 0)
		return -1;
	*out = (int)n;
	return 0;
}

int cinch_cli_preserve_fds(const char *arg, int *out, struct cinch_error **err)
{
	uint64_t n;
	if (cinch_parse_uint(arg, 1024, &n) < 0)
		return cinch_error_set(err, 0, "--preserve-fds %s: expected a number from 0 to 1024", arg);
	/* Now, before the runtime opens anything for the container. */
	_cleanup_free_ char *what = NULL;
	xasprintf(&what, "--preserve-fds %s", arg);
	if (take_fd_range(3, (int)n, what, err) < 0)
		return -1;
	*out = (int)n;
	return 0;
}
