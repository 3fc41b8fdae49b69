/* cinch features: the features document on stdout, nothing on stderr. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cinch/cli.h"
#include "cinch/error.h"
#include "cinch/features.h"
#include "cinch/util.h"

static int run(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	(void)g;
	struct cinch_optparse p;
	cinch_optparse_init(&p, argc, argv);
	p.idx = 1;
	int id;
	while ((id = cinch_opt_next(&p, NULL, "features", err)) > 0) {
		if (id == CINCH_OPT_HELP) {
			cinch_command_help(&cinch_cmd_features);
			return 0;
		}
	}
	if (id < 0)
		return -1;
	if (p.idx < argc)
		return cinch_error_set(err, 0, "features: unexpected argument \"%s\"", argv[p.idx]);
	_cleanup_free_ char *json = cinch_features_json();
	fputs(json, stdout);
	return 0;
}

const struct cinch_command cinch_cmd_features = {
	.name = "features",
	.summary = "print the features this runtime implements (JSON)",
	.usage = "\n"
		 "\n"
		 "Prints the OCI runtime-spec features document (features.md) on stdout.\n"
		 "It lists only what this build of cinch implements.\n"
		 "\n"
		 "Options:\n"
		 "  -h, --help   show this help\n",
	.run = run,
};
