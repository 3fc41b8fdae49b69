/* cinch check: read a bundle's config.json the way create will and report
 * what this host cannot honour. */
#include "config.h"

#include <stdio.h>

#include "cinch/cli.h"
#include "cinch/error.h"
#include "cinch/hostns.h"
#include "cinch/mounts.h"
#include "cinch/spec.h"
#include "cinch/util.h"

enum { OPT_BUNDLE = 1 };

static const struct cinch_opt opts[] = {
	{"bundle", 'b', true, OPT_BUNDLE},
	{NULL, 0, false, 0},
};

static int run(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	(void)g;
	const char *bundle = ".";
	struct cinch_optparse p;
	cinch_optparse_init(&p, argc, argv);
	p.idx = 1;
	int id;
	while ((id = cinch_opt_next(&p, opts, "check", err)) > 0) {
		switch (id) {
		case OPT_BUNDLE:
			bundle = p.arg;
			break;
		case CINCH_OPT_HELP:
			cinch_command_help(&cinch_cmd_check);
			return 0;
		}
	}
	if (id < 0)
		return -1;
	if (p.idx < argc)
		return cinch_error_set(err, 0, "check: unexpected argument \"%s\"", argv[p.idx]);

	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/config.json", bundle);
	_cleanup_spec_ struct cinch_spec *spec = NULL;
	if (cinch_spec_load(path, &spec, err) < 0)
		return -1;

	/* What create decides before it makes anything. */
	struct cinch_ns_facts facts = CINCH_NS_FACTS_INIT;
	unsigned long private_ns = 0;
	int r = cinch_mounts_check_config(spec, err) < 0 || cinch_ns_facts_gather(spec, &facts, err) < 0 ||
			cinch_ns_decide(spec, &facts, &private_ns, err) < 0
		? -1
		: 0;
	cinch_ns_facts_close(&facts);
	if (r < 0)
		return cinch_error_prefix(err, "%s", path);

	struct cinch_host_features host;
	cinch_host_features_probe(&host);
	cinch_spec_check_host(spec, &host);
	for (size_t i = 0; i < spec->notes.n; i++)
		printf("%s: %s\n", path, spec->notes.items[i]);
	printf("%s: ok\n", path);
	return 0;
}

const struct cinch_command cinch_cmd_check = {
	.name = "check",
	.summary = "validate a bundle's config.json",
	.usage = "[-b DIR]\n"
		 "\n"
		 "Reads DIR/config.json (default: the current directory) as create will.\n"
		 "Prints one line for each field this host or this build cannot honour,\n"
		 "then \"FILE: ok\".  An invalid config exits 1 with a message naming the\n"
		 "file and the JSON path.\n"
		 "\n"
		 "Options:\n"
		 "  -b, --bundle DIR   bundle directory holding config.json\n"
		 "  -h, --help         show this help\n",
	.run = run,
};
