/* cinch list: every container under --root, as a table, JSON or ids. */
#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/cli.h"
#include "cinch/container.h"
#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/state.h"
#include "cinch/util.h"

enum { OPT_FORMAT = 1, OPT_QUIET };

struct list_args {
	const char *format;
	bool quiet;
};

static int on_opt(int id, const char *arg, bool flag, void *data, struct cinch_error **err)
{
	(void)err;
	struct list_args *a = data;
	if (id == OPT_FORMAT)
		a->format = arg;
	else if (id == OPT_QUIET)
		a->quiet = flag;
	return 0;
}

static const struct cinch_opt opts[] = {
	{"format", 'f', true, OPT_FORMAT},
	{"quiet", 'q', false, OPT_QUIET},
	{NULL, 0, false, 0},
};

/* A container whose state cannot be read: its id, status "unknown". */
static void print_unreadable(const char *id, bool json, bool quiet, bool *first)
{
	if (json) {
		json_t *o = json_pack("{s:s,s:s}", "id", id, "status", "unknown");
		_cleanup_free_ char *text = json_dumps(o, JSON_COMPACT);
		printf("%s%s", *first ? "" : ",", text);
		json_decref(o);
	} else if (quiet) {
		puts(id);
	} else {
		printf("%-20s %-8d %-8s %-40s %-32s %s\n", id, 0, "unknown", "", "", "");
	}
	*first = false;
}

static int run(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct list_args a = {.format = "table"};
	int r = cinch_cli_parse(&cinch_cmd_list, argc, argv, opts, on_opt, &a, 0, 0, NULL, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	bool json = strcmp(a.format, "json") == 0;
	if (!json && strcmp(a.format, "table") != 0)
		return cinch_error_set(err, 0, "list: --format %s: expected table or json", a.format);
	char **ids = NULL;
	if (cinch_state_list_ids(g->root, &ids, err) < 0)
		return -1;
	if (json)
		fputs("[", stdout);
	else if (!a.quiet)
		printf("%-20s %-8s %-8s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	bool first = true;
	for (char **id = ids; *id; id++) {
		struct cinch_state st;
		enum cinch_status status;
		struct cinch_error *e = NULL;
		if (cinch_container_info(g->root, *id, &st, &status, &e) < 0) {
			/* One deleted while we list it is gone; any other is still
			 * listed, with what is wrong, so that no container hides. */
			bool gone = strstr(e->msg, "does not exist") != NULL;
			if (!gone)
				cinch_log(CINCH_LOG_WARNING, "list: %s", e->msg);
			cinch_error_free(e);
			if (!gone)
				print_unreadable(*id, json, a.quiet, &first);
			continue;
		}
		if (json) {
			_cleanup_free_ char *text = cinch_state_json(&st, status);
			printf("%s%s", first ? "" : ",", text);
		} else if (a.quiet) {
			puts(*id);
		} else {
			printf("%-20s %-8d %-8s %-40s %-32s %s\n", st.id, status == CINCH_STATUS_STOPPED ? 0 : st.pid,
			       cinch_status_name(status), st.bundle, st.created, st.owner);
		}
		cinch_state_clear(&st);
		first = false;
	}
	if (json)
		puts("]");
	free_strv(ids);
	return 0;
}

const struct cinch_command cinch_cmd_list = {
	.name = "list",
	.summary = "list containers",
	.usage = "[-f table|json] [-q]\n\nLists the containers under --root.\n\nOptions:\n"
		 "  -f, --format table|json   output format (default table; json is an array of\n"
		 "                            state objects)\n"
		 "  -q, --quiet               print only the ids\n"
		 "  -h, --help                show this help\n",
	.run = run,
};
