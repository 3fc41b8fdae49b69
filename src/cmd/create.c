/* cinch create and cinch run: they take the same options, so they share
 * this file; run adds --detach. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cinch/cli.h"
#include "cinch/container.h"
#include "cinch/error.h"
#include "cinch/util.h"

enum {
	OPT_BUNDLE = 1,
	OPT_PID_FILE,
	OPT_CONSOLE_SOCKET,
	OPT_NO_PIVOT,
	OPT_NO_NEW_KEYRING,
	OPT_PRESERVE_FDS,
	OPT_DETACH,
	OPT_NO_SUBREAPER,
	OPT_KEEP,
};

static const struct cinch_opt create_opts[] = {
	{"bundle", 'b', true, OPT_BUNDLE},
	{"pid-file", 0, true, OPT_PID_FILE},
	{"console-socket", 0, true, OPT_CONSOLE_SOCKET},
	{"no-pivot", 0, false, OPT_NO_PIVOT},
	{"no-new-keyring", 0, false, OPT_NO_NEW_KEYRING},
	{"preserve-fds", 0, true, OPT_PRESERVE_FDS},
	{NULL, 0, false, 0},
};

static const struct cinch_opt run_opts[] = {
	{"bundle", 'b', true, OPT_BUNDLE},
	{"pid-file", 0, true, OPT_PID_FILE},
	{"console-socket", 0, true, OPT_CONSOLE_SOCKET},
	{"no-pivot", 0, false, OPT_NO_PIVOT},
	{"no-new-keyring", 0, false, OPT_NO_NEW_KEYRING},
	{"preserve-fds", 0, true, OPT_PRESERVE_FDS},
	{"detach", 'd', false, OPT_DETACH},
	{"no-subreaper", 0, false, OPT_NO_SUBREAPER},
	{"keep", 0, false, OPT_KEEP},
	{NULL, 0, false, 0},
};

struct create_args {
	struct cinch_create_opts o;
	bool detach;
};

static int on_opt(int id, const char *arg, bool flag, void *data, struct cinch_error **err)
{
	struct create_args *a = data;
	switch (id) {
	case OPT_BUNDLE:
		a->o.bundle = arg;
		break;
	case OPT_PID_FILE:
		a->o.pid_file = arg;
		break;
	case OPT_CONSOLE_SOCKET:
		a->o.console_socket = arg;
		break;
	case OPT_NO_PIVOT:
		a->o.no_pivot = flag;
		break;
	case OPT_NO_NEW_KEYRING:
		a->o.no_new_keyring = flag;
		break;
	case OPT_PRESERVE_FDS:
		return cinch_cli_preserve_fds(arg, &a->o.preserve_fds, err);
	case OPT_DETACH:
		a->detach = flag;
		break;
	default:
		break; /* --no-subreaper, --keep: accepted for runc compatibility */
	}
	return 0;
}

static int parse(const struct cinch_command *cmd, const struct cinch_opt *opts, const struct cinch_global *g,
		 int argc, char **argv, struct create_args *a, struct cinch_error **err)
{
	char *pos[1] = {NULL};
	a->o.root = g->root;
	a->o.policy = g->policy;
	a->o.systemd_cgroup = g->systemd_cgroup;
	int r = cinch_cli_parse(cmd, argc, argv, opts, on_opt, a, 1, 1, pos, err);
	a->o.id = pos[0];
	if (r == 0 && cinch_cli_listen_fds(getenv("LISTEN_FDS"), getenv("LISTEN_PID"), a->o.preserve_fds,
					   &a->o.listen_fds, err) < 0)
		return -1;
	return r;
}

static int run_create(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct create_args a = {0};
	int r = parse(&cinch_cmd_create, create_opts, g, argc, argv, &a, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	return cinch_container_create(&a.o, err);
}

static int run_run(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct create_args a = {0};
	int r = parse(&cinch_cmd_run, run_opts, g, argc, argv, &a, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	return cinch_container_run(&a.o, a.detach, err);
}

#define CREATE_OPTIONS                                                                                                 \
	"  -b, --bundle DIR          bundle holding config.json (default: current directory)\n"                        \
	"      --pid-file FILE       write the container's host pid to FILE (no newline)\n"                           \
	"      --console-socket SOCK send the terminal's master fd to this AF_UNIX socket\n"                          \
	"      --no-pivot            use MS_MOVE and chroot instead of pivot_root\n"                                  \
	"      --no-new-keyring      accepted for runc compatibility\n"                                               \
	"      --preserve-fds N      pass N extra fds (3 .. 3+N-1) to the container;\n"                            \
	"                            one left closed is /dev/null there\n"

#define CREATE_ENVIRONMENT                                                                                             \
	"\n"                                                                                                           \
	"Environment:\n"                                                                                               \
	"  LISTEN_FDS=L              socket activation: fds 3 .. 3+L-1 go first, and the\n"                          \
	"                            process gets LISTEN_FDS=L and LISTEN_PID=1 (unless\n"                           \
	"                            LISTEN_PID names another process)\n"

const struct cinch_command cinch_cmd_create = {
	.name = "create",
	.summary = "create a container, ready to start",
	.usage = "[options] ID\n"
		 "\n"
		 "Creates container ID from the bundle: namespaces, mounts, cgroup, user and\n"
		 "capabilities are set up and the init process waits, before execve, for\n"
		 "'cinch start'.  Stdio passes straight through to the container.\n"
		 "\n"
		 "Options:\n" CREATE_OPTIONS "  -h, --help                show this help\n" CREATE_ENVIRONMENT,
	.run = run_create,
};

const struct cinch_command cinch_cmd_run = {
	.name = "run",
	.summary = "create and start a container",
	.usage = "[options] ID\n"
		 "\n"
		 "Creates and starts container ID.  In the foreground (the default) cinch\n"
		 "relays signals to the container, waits for it, deletes it and exits with\n"
		 "its status (128+N when killed by signal N).  With process.terminal and no\n"
		 "--console-socket it also relays the terminal: its stdin to the workload's\n"
		 "terminal, raw when stdin is a terminal, and the terminal's output to its\n"
		 "stdout.\n"
		 "\n"
		 "Options:\n" CREATE_OPTIONS "  -d, --detach              return once the container is started\n"
		 "  -h, --help                show this help\n" CREATE_ENVIRONMENT,
	.run = run_run,
};
