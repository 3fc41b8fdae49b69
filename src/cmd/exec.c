/* cinch exec: run a new process in a running container. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cinch/cli.h"
#include "cinch/container.h"
#include "cinch/error.h"
#include "cinch/util.h"

enum {
	OPT_PROCESS = 1,
	OPT_DETACH,
	OPT_PID_FILE,
	OPT_CONSOLE_SOCKET,
	OPT_PRESERVE_FDS,
	OPT_TTY,
	OPT_CWD,
	OPT_ENV,
	OPT_USER,
	OPT_CAP,
	OPT_IGNORED,
};

static const struct cinch_opt opts[] = {
	{"process", 'p', true, OPT_PROCESS},
	{"detach", 'd', false, OPT_DETACH},
	{"pid-file", 0, true, OPT_PID_FILE},
	{"console-socket", 0, true, OPT_CONSOLE_SOCKET},
	{"preserve-fds", 0, true, OPT_PRESERVE_FDS},
	{"tty", 't', false, OPT_TTY},
	{"cwd", 0, true, OPT_CWD},
	{"env", 'e', true, OPT_ENV},
	{"user", 'u', true, OPT_USER},
	{"cap", 'c', true, OPT_CAP},
	{"no-new-privs", 0, false, OPT_IGNORED},
	{NULL, 0, false, 0},
};

struct exec_args {
	struct cinch_exec_opts o;
	struct cinch_strv env;
	struct cinch_strv caps;
};

static int on_opt(int id, const char *arg, bool flag, void *data, struct cinch_error **err)
{
	struct exec_args *a = data;
	switch (id) {
	case OPT_PROCESS:
		a->o.process_file = arg;
		break;
	case OPT_DETACH:
		a->o.detach = flag;
		break;
	case OPT_PID_FILE:
		a->o.pid_file = arg;
		break;
	case OPT_CONSOLE_SOCKET:
		a->o.console_socket = arg;
		break;
	case OPT_PRESERVE_FDS:
		return cinch_cli_preserve_fds(arg, &a->o.preserve_fds, err);
	case OPT_TTY:
		a->o.tty = flag;
		break;
	case OPT_CWD:
		a->o.cwd = arg;
		break;
	case OPT_ENV:
		cinch_strv_append(&a->env, arg);
		break;
	case OPT_USER:
		a->o.user = arg;
		break;
	case OPT_CAP:
		cinch_strv_append(&a->caps, arg);
		break;
	default:
		break; /* --no-new-privs: cinch always sets it */
	}
	return 0;
}

static int run(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct exec_args a = {.o = {.root = g->root, .policy = g->policy}};
	char **pos = xcalloc((size_t)argc + 1, sizeof(char *));
	int r = cinch_cli_parse(&cinch_cmd_exec, argc, argv, opts, on_opt, &a, 1, argc, pos, err);
	if (r == 0) {
		a.o.id = pos[0];
		a.o.args = pos + 1;
		a.o.env = a.env.items;
		a.o.caps = a.caps.items;
		if (a.o.process_file == NULL && pos[1] == NULL)
			r = cinch_error_set(err, 0, "exec: give --process FILE or a command after the id");
		else if (a.o.process_file != NULL && pos[1] != NULL)
			r = cinch_error_set(err, 0, "exec: give either --process FILE or a command, not both");
		else
			r = cinch_container_exec(&a.o, err);
	} else if (r > 0) {
		r = 0;
	}
	free(pos);
	free_strv(a.env.items);
	free_strv(a.caps.items);
	/* runc's convention, which callers rely on: 255 when exec itself fails */
	if (r < 0 && *err)
		(*err)->exit_status = 255;
	return r;
}

const struct cinch_command cinch_cmd_exec = {
	.name = "exec",
	.summary = "run a new process in a running container",
	.usage = "[options] ID [COMMAND [ARG...]]\n"
		 "\n"
		 "Runs a process in container ID's namespaces and cgroup, as --process FILE\n"
		 "(a full OCI process object) or as COMMAND over the container's own process\n"
		 "settings.  In the foreground it relays signals, and a terminal that no\n"
		 "--console-socket takes, and exits with the process's status; when exec\n"
		 "itself fails it exits 255.\n"
		 "\n"
		 "Options:\n"
		 "  -p, --process FILE        the process to run, as JSON\n"
		 "  -d, --detach              return once the process has started\n"
		 "      --pid-file FILE       write the process's host pid (once it has exec'd)\n"
		 "      --console-socket SOCK send the terminal's master fd to this socket\n"
		 "                            (needed with --detach and a terminal)\n"
		 "      --preserve-fds N      pass N extra fds (3 .. 3+N-1)\n"
		 "  -t, --tty                 allocate a terminal (relayed without --console-socket)\n"
		 "      --cwd DIR             working directory in the container\n"
		 "  -e, --env KEY=VALUE       add to the environment (repeatable)\n"
		 "  -u, --user UID[:GID]      run as this user\n"
		 "  -c, --cap CAP             add a capability of the container's bounding set to the\n"
		 "                            effective and permitted sets (repeatable)\n"
		 "  -h, --help                show this help\n",
	.run = run,
};
