/* cli: owns the command line: the global options, the option parser every
 * command uses, and the command table.  Parsing follows what runc's callers
 * send: `--opt value` and `--opt=value`, short forms, options in any order
 * before the first positional argument (the container id), `--` to end
 * options, and `--flag=true|false` for booleans. */
#ifndef CINCH_CLI_H
#define CINCH_CLI_H

#include <stdbool.h>

#include "cinch/log.h"

struct cinch_error;

struct cinch_global {
	const char *root;
	const char *log_path;
	enum cinch_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	bool rootless;
	const char *policy; /* --policy; NULL: policy.h's default */
};

struct cinch_opt {
	const char *long_name;
	char short_name; /* 0: none */
	bool has_arg;
	int id; /* > 0 */
};

#define CINCH_OPT_HELP 1000 /* every command's -h/--help */

struct cinch_optparse {
	int argc;
	char **argv;
	int idx;	 /* next argument to look at */
	const char *arg; /* the value of the option just returned */
	bool flag;	 /* for a boolean: its value (--flag=false gives false) */
};

void cinch_optparse_init(struct cinch_optparse *p, int argc, char **argv);
/* Returns the id of the next option, 0 at the first positional argument
 * (p->idx points at it) or the end, and -1 with *err set on an unknown
 * option or a missing value.  `cmd` names the command in messages. */
int cinch_opt_next(struct cinch_optparse *p, const struct cinch_opt *opts, const char *cmd,
		   struct cinch_error **err);

struct cinch_command {
	const char *name;
	const char *summary;
	const char *usage; /* full --help text after the synopsis line */
	/* Returns the process exit status (>= 0), or -1 with *err set. */
	int (*run)(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err);
};

extern const struct cinch_command cinch_cmd_features;
extern const struct cinch_command cinch_cmd_spec;
extern const struct cinch_command cinch_cmd_check;
extern const struct cinch_command cinch_cmd_policy;

/* Prints a command's help to stdout. */
void cinch_command_help(const struct cinch_command *cmd);

#endif

/* Parses a command's options with `opts`, calling on_opt for each, then
 * requires between min_pos and max_pos positional arguments, stored in
 * pos[].  Handles -h/--help (returns 1 after printing help). */
int cinch_cli_parse(const struct cinch_command *cmd, int argc, char **argv, const struct cinch_opt *opts,
		    int (*on_opt)(int id, const char *arg, bool flag, void *data, struct cinch_error **err),
		    void *data, int min_pos, int max_pos, char **pos, struct cinch_error **err);

/* --preserve-fds N, shared by create, run and exec: fds 3 to 2+N go to
 * the process.  One the caller left closed becomes /dev/null, so that no
 * fd of the runtime's takes that number; one that is the runtime's --log
 * fails. */
int cinch_cli_preserve_fds(const char *arg, int *out, struct cinch_error **err);
/* systemd socket activation (sd_listen_fds(3)) for create and run, as
 * runc and crun read it: LISTEN_FDS=N in the runtime's environment, with
 * LISTEN_PID unset or the runtime's own pid, hands fds 3 .. 3+N-1 to the
 * container first, --preserve-fds' after them, and the process gets
 * LISTEN_FDS=N and LISTEN_PID=1.  *out is N, or 0 when listen_fds is unset,
 * not a number from 1 to 1024, or meant for another process (as
 * sd_listen_fds ignores it).  Its fds are taken as --preserve-fds' are. */
int cinch_cli_listen_fds(const char *listen_fds, const char *listen_pid, int preserve_fds, int *out,
			 struct cinch_error **err);

extern const struct cinch_command cinch_cmd_create;
extern const struct cinch_command cinch_cmd_start;
extern const struct cinch_command cinch_cmd_exec;
extern const struct cinch_command cinch_cmd_run;
extern const struct cinch_command cinch_cmd_state;
extern const struct cinch_command cinch_cmd_list;
extern const struct cinch_command cinch_cmd_kill;
extern const struct cinch_command cinch_cmd_delete;
extern const struct cinch_command cinch_cmd_ps;
extern const struct cinch_command cinch_cmd_pause;
extern const struct cinch_command cinch_cmd_resume;
extern const struct cinch_command cinch_cmd_update;
