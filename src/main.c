/* cinch: parse the global options, open the log, run one command, and
 * report its error once.  Everything else lives in libcinch. */
#include "config.h"

#include "cinch/exestub.h"

#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cinch/cli.h"
#include "cinch/error.h"
#include "cinch/features.h"
#include "cinch/log.h"
#include "cinch/policy.h"
#include "cinch/state.h"

static const struct cinch_command *const commands[] = {
	&cinch_cmd_check,   &cinch_cmd_create, &cinch_cmd_delete, &cinch_cmd_exec,   &cinch_cmd_features, &cinch_cmd_kill,
	&cinch_cmd_list,    &cinch_cmd_pause,  &cinch_cmd_policy, &cinch_cmd_ps,	  &cinch_cmd_resume,   &cinch_cmd_run,
	&cinch_cmd_spec,    &cinch_cmd_start,  &cinch_cmd_state,  &cinch_cmd_update,
};

enum {
	OPT_ROOT = 1,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD_CGROUP,
	OPT_ROOTLESS,
	OPT_VERSION,
	OPT_CRIU,
	OPT_POLICY,
};

static const struct cinch_opt global_opts[] = {
	{"root", 0, true, OPT_ROOT},
	{"log", 0, true, OPT_LOG},
	{"log-format", 0, true, OPT_LOG_FORMAT},
	{"debug", 0, false, OPT_DEBUG},
	{"systemd-cgroup", 0, false, OPT_SYSTEMD_CGROUP},
	{"rootless", 0, true, OPT_ROOTLESS},
	{"criu", 0, true, OPT_CRIU},
	{"policy", 0, true, OPT_POLICY},
	{"version", 'v', false, OPT_VERSION},
	{NULL, 0, false, 0},
};

static void print_usage(FILE *out)
{
	fputs("Usage: cinch [global options] COMMAND [options] [arguments]\n"
	      "\n"
	      "A minimal, secure-by-default OCI container runtime.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("  help       show help for a command\n"
	      "\n"
	      "Global options:\n"
	      "  --root DIR               state directory (default " CINCH_DEFAULT_ROOT ")\n"
	      "  --log FILE               append log lines to FILE\n"
	      "  --log-format text|json   format of the log lines (default text)\n"
	      "  --debug                  also log debug, info and warning lines\n"
	      "  --systemd-cgroup         use the systemd cgroup driver (recorded at create)\n"
	      "  --rootless BOOL          accepted for runc compatibility; ignored\n"
	      "  --policy FILE|PRESET     the operator's policy (default " CINCH_POLICY_FILE " if it\n"
	      "                           exists, else the preset \"default\"); presets: default,\n"
	      "                           runc-compatible\n"
	      "  -h, --help               show this help\n"
	      "  -v, --version            print the version\n"
	      "\n"
	      "Run 'cinch COMMAND --help' for a command's options.\n",
	      out);
}

static void print_version(void)
{
	const struct scmp_version *v = seccomp_version();
	printf("cinch version " PACKAGE_VERSION "\n"
	       "spec: " CINCH_OCI_VERSION_MAX "\n");
	if (v)
		printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

static const struct cinch_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static int run_help(int argc, char **argv, struct cinch_error **err)
{
	if (argc < 2) {
		print_usage(stdout);
		return 0;
	}
	const struct cinch_command *cmd = find_command(argv[1]);
	if (cmd == NULL)
		return cinch_error_set(err, 0, "help: unknown command \"%s\"", argv[1]);
	cinch_command_help(cmd);
	return 0;
}

/* Returns the index of the command word, 0 when done early (help or
 * version printed), -1 on error. */
static int parse_global(int argc, char **argv, struct cinch_global *g, struct cinch_error **err)
{
	struct cinch_optparse p;
	cinch_optparse_init(&p, argc, argv);
	p.idx = 1;
	int id;
	while ((id = cinch_opt_next(&p, global_opts, "cinch", err)) > 0) {
		switch (id) {
		case OPT_ROOT:
			if (p.arg[0] != '/')
				return cinch_error_set(err, 0, "--root %s: must be an absolute path", p.arg);
			if (strcmp(p.arg, "/") == 0)
				return cinch_error_set(err, 0, "--root /: refusing to use / as the state directory");
			g->root = p.arg;
			break;
		case OPT_LOG:
			g->log_path = p.arg;
			break;
		case OPT_LOG_FORMAT:
			if (cinch_log_parse_format(p.arg, &g->log_format) < 0)
				return cinch_error_set(err, 0, "--log-format %s: expected text or json", p.arg);
			break;
		case OPT_DEBUG:
			g->debug = p.flag;
			break;
		case OPT_SYSTEMD_CGROUP:
			g->systemd_cgroup = p.flag;
			break;
		case OPT_ROOTLESS:
			/* runc takes true, false or auto; cinch never needs it. */
			break;
		case OPT_CRIU:
			break;
		case OPT_POLICY:
			g->policy = p.arg;
			break;
		case OPT_VERSION:
			print_version();
			return 0;
		case CINCH_OPT_HELP:
			print_usage(stdout);
			return 0;
		}
	}
	if (id < 0)
		return -1;
	return p.idx;
}

int main(int argc, char **argv)
{
#if !defined(__x86_64__)
	/* A sealed copy of this binary is the exec stub here (exestub.h). */
	if (argc >= 1 && argv[0] && argv[0][0] == '\0')
		cinch_exestub_main(argc, argv, environ);
#endif
	struct cinch_global g = {.root = CINCH_DEFAULT_ROOT, .log_format = CINCH_LOG_TEXT};
	_cleanup_error_ struct cinch_error *err = NULL;
	int status = 1;

	/* jansson seeds its hash tables from /dev/urandom (open, read,
	 * close) unless given a seed before the first object is made. */
	size_t seed = 0;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed) && seed != 0)
		json_object_seed(seed);

	/* --rootless takes an optional value in runc; normalise the bare
	 * form so the parser's "needs a value" rule holds for the rest. */
	for (int i = 1; i < argc && argv[i][0] == '-'; i++)
		if (strcmp(argv[i], "--rootless") == 0 && (i + 1 >= argc || argv[i + 1][0] == '-' ||
							  (strcmp(argv[i + 1], "true") && strcmp(argv[i + 1], "false") &&
							   strcmp(argv[i + 1], "auto"))))
			argv[i] = "--rootless=true";

	int idx = parse_global(argc, argv, &g, &err);
	if (idx == 0)
		return 0;
	if (idx > 0 && cinch_log_open(g.log_path, g.log_format, g.debug, &err) == 0) {
		if (idx >= argc) {
			print_usage(stderr);
			cinch_error_set(&err, 0, "no command given");
		} else if (strcmp(argv[idx], "help") == 0) {
			status = run_help(argc - idx, argv + idx, &err) < 0 ? 1 : 0;
		} else {
			const struct cinch_command *cmd = find_command(argv[idx]);
			if (cmd == NULL)
				cinch_error_set(&err, 0, "unknown command \"%s\"; run 'cinch --help'", argv[idx]);
			else
				status = cmd->run(&g, argc - idx, argv + idx, &err);
		}
	}
	if (err != NULL) {
		cinch_log_report_error(err);
		status = err->exit_status ? err->exit_status : 1;
	}
	if (fflush(stdout) != 0 && status == 0) {
		perror("cinch: stdout");
		status = 1;
	}
	cinch_log_close();
	return status < 0 ? 1 : status;
}
