/* The commands that act on one existing container by id: start, state,
 * kill, delete, ps, pause, resume.  Each is a few lines of flag handling
 * around one library call, so they share a file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/cli.h"
#include "cinch/container.h"
#include "cinch/error.h"
#include "cinch/util.h"

enum { OPT_ALL = 1, OPT_FORCE, OPT_FORMAT };

struct lc_args {
	bool all;
	bool force;
	const char *format;
};

static int on_opt(int id, const char *arg, bool flag, void *data, struct cinch_error **err)
{
	(void)err;
	struct lc_args *a = data;
	if (id == OPT_ALL)
		a->all = flag;
	else if (id == OPT_FORCE)
		a->force = flag;
	else if (id == OPT_FORMAT)
		a->format = arg;
	return 0;
}

static const struct cinch_opt no_opts[] = {{NULL, 0, false, 0}};

static int run_start(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct lc_args a = {0};
	char *pos[1];
	int r = cinch_cli_parse(&cinch_cmd_start, argc, argv, no_opts, on_opt, &a, 1, 1, pos, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	return cinch_container_start(g->root, pos[0], err);
}

static int run_state(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct lc_args a = {0};
	char *pos[1];
	int r = cinch_cli_parse(&cinch_cmd_state, argc, argv, no_opts, on_opt, &a, 1, 1, pos, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	_cleanup_free_ char *json = NULL;
	if (cinch_container_state(g->root, pos[0], &json, err) < 0)
		return -1;
	puts(json);
	return 0;
}

static const struct cinch_opt kill_opts[] = {{"all", 'a', false, OPT_ALL}, {NULL, 0, false, 0}};

static int run_kill(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct lc_args a = {0};
	char *pos[2] = {NULL, NULL};
	int r = cinch_cli_parse(&cinch_cmd_kill, argc, argv, kill_opts, on_opt, &a, 1, 2, pos, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	int sig = pos[1] ? cinch_signal_parse(pos[1]) : 15;
	if (sig < 0)
		return cinch_error_set(err, 0, "kill: unknown signal \"%s\"", pos[1]);
	return cinch_container_kill(g->root, pos[0], sig, a.all, err);
}

static const struct cinch_opt delete_opts[] = {{"force", 'f', false, OPT_FORCE}, {NULL, 0, false, 0}};

static int run_delete(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct lc_args a = {0};
	char *pos[1];
	int r = cinch_cli_parse(&cinch_cmd_delete, argc, argv, delete_opts, on_opt, &a, 1, 1, pos, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	return cinch_container_delete(g->root, pos[0], a.force, err);
}

static const struct cinch_opt ps_opts[] = {{"format", 'f', true, OPT_FORMAT}, {NULL, 0, false, 0}};

static int run_ps(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct lc_args a = {.format = "table"};
	char *pos[1];
	int r = cinch_cli_parse(&cinch_cmd_ps, argc, argv, ps_opts, on_opt, &a, 1, 1, pos, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	bool json = strcmp(a.format, "json") == 0;
	if (!json && strcmp(a.format, "table") != 0)
		return cinch_error_set(err, 0, "ps: --format %s: expected table or json", a.format);
	pid_t *pids = NULL;
	size_t n = 0;
	if (cinch_container_pids(g->root, pos[0], &pids, &n, err) < 0)
		return -1;
	if (json) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		puts("]");
	} else {
		puts("PID");
		for (size_t i = 0; i < n; i++)
			printf("%d\n", (int)pids[i]);
	}
	free(pids);
	return 0;
}

static int pause_or_resume(const struct cinch_command *cmd, bool pause, const struct cinch_global *g, int argc,
			   char **argv, struct cinch_error **err)
{
	struct lc_args a = {0};
	char *pos[1];
	int r = cinch_cli_parse(cmd, argc, argv, no_opts, on_opt, &a, 1, 1, pos, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	return cinch_container_pause(g->root, pos[0], pause, err);
}

static int run_pause(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	return pause_or_resume(&cinch_cmd_pause, true, g, argc, argv, err);
}

static int run_resume(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	return pause_or_resume(&cinch_cmd_resume, false, g, argc, argv, err);
}

const struct cinch_command cinch_cmd_start = {
	.name = "start",
	.summary = "start a created container",
	.usage = "ID\n\nReleases the init of a created container to execve its workload, then runs\n"
		 "the poststart hooks.  Only a container in the created state can start.\n",
	.run = run_start,
};
const struct cinch_command cinch_cmd_state = {
	.name = "state",
	.summary = "print a container's state (JSON)",
	.usage = "ID\n\nPrints the OCI state object: ociVersion, id, pid (0 once stopped), status\n"
		 "(created, running, paused or stopped), bundle, rootfs, created, annotations, owner.\n",
	.run = run_state,
};
const struct cinch_command cinch_cmd_kill = {
	.name = "kill",
	.summary = "send a signal to a container",
	.usage = "[-a] ID [SIGNAL]\n\nSends SIGNAL (a number, or a name with or without SIG; default TERM) to the\n"
		 "container's init.\n\nOptions:\n"
		 "  -a, --all    signal every process in the container's cgroup; succeeds\n"
		 "               quietly on a stopped container\n"
		 "  -h, --help   show this help\n",
	.run = run_kill,
};
const struct cinch_command cinch_cmd_delete = {
	.name = "delete",
	.summary = "delete a container",
	.usage = "[-f] ID\n\nRemoves a created or stopped container: its processes, cgroup and state.\n"
		 "The poststop hooks run last.\n\nOptions:\n"
		 "  -f, --force  also kill and delete a running or paused container, or one\n"
		 "               left half-made by a killed create\n"
		 "  -h, --help   show this help\n",
	.run = run_delete,
};
const struct cinch_command cinch_cmd_ps = {
	.name = "ps",
	.summary = "list a container's processes",
	.usage = "[-f table|json] ID\n\nPrints the host pids of every process in the container's cgroup.\n\n"
		 "Options:\n"
		 "  -f, --format table|json   output format (default table)\n"
		 "  -h, --help                show this help\n",
	.run = run_ps,
};
const struct cinch_command cinch_cmd_pause = {
	.name = "pause",
	.summary = "freeze every process of a container",
	.usage = "ID\n\nFreezes the container's cgroup; state then reports paused.\n",
	.run = run_pause,
};
const struct cinch_command cinch_cmd_resume = {
	.name = "resume",
	.summary = "thaw a paused container",
	.usage = "ID\n\nThaws the container's cgroup.\n",
	.run = run_resume,
};

enum { OPT_RESOURCES = 10 };

static int on_update_opt(int id, const char *arg, bool flag, void *data, struct cinch_error **err)
{
	(void)flag;
	if (id == OPT_RESOURCES)
		*(const char **)data = arg;
	else
		return cinch_error_set(err, 0, "update: only --resources is supported; the per-limit flags are not");
	return 0;
}

static const struct cinch_opt update_opts[] = {
	{"resources", 'r', true, OPT_RESOURCES},
	{"memory", 'm', true, OPT_RESOURCES + 1},
	{"pids-limit", 0, true, OPT_RESOURCES + 1},
	{"cpu-quota", 0, true, OPT_RESOURCES + 1},
	{"cpu-period", 0, true, OPT_RESOURCES + 1},
	{"cpu-shares", 0, true, OPT_RESOURCES + 1},
	{NULL, 0, false, 0},
};

static int run_update(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	const char *file = NULL;
	char *pos[1];
	int r = cinch_cli_parse(&cinch_cmd_update, argc, argv, update_opts, on_update_opt, &file, 1, 1, pos, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	if (file == NULL)
		return cinch_error_set(err, 0, "update: --resources FILE (or - for stdin) is required");
	return cinch_container_update(g->root, pos[0], file, g->policy, err);
}

const struct cinch_command cinch_cmd_update = {
	.name = "update",
	.summary = "change a container's resource limits",
	.usage = "--resources FILE|- ID\n\nApplies a LinuxResources JSON object (from FILE, or stdin with -) to the\n"
		 "container's cgroup.\n\nOptions:\n"
		 "  -r, --resources FILE|-   the new limits\n"
		 "  -h, --help               show this help\n",
	.run = run_update,
};
