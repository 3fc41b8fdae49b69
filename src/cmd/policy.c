/* cinch policy show | check FILE: the operator's view of the policy. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/cli.h"
#include "cinch/error.h"
#include "cinch/policy.h"
#include "cinch/util.h"

static int show(const struct cinch_global *g, struct cinch_error **err)
{
	struct cinch_policy p = {0};
	if (cinch_policy_load(g->policy, &p, err) < 0)
		return -1;
	_cleanup_free_ char *json = cinch_policy_to_json(&p);
	fputs(json, stdout);
	cinch_policy_clear(&p);
	return 0;
}

/* The same checks as at create, owner and mode included: a file that
 * passes here is one create will take. */
static int check(const char *file, struct cinch_error **err)
{
	if (cinch_policy_is_preset(file))
		return cinch_error_set(err, 0, "policy check: \"%s\" is a preset, not a file", file);
	struct cinch_policy p = {0};
	if (cinch_policy_load(file, &p, err) < 0)
		return -1;
	cinch_policy_clear(&p);
	printf("%s: ok\n", file);
	return 0;
}

static int run(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		cinch_command_help(&cinch_cmd_policy);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "show") == 0)
		return show(g, err);
	if (argc == 3 && strcmp(argv[1], "check") == 0)
		return check(argv[2], err);
	return cinch_error_set(err, 0, "policy: expected \"show\" or \"check FILE\" (see cinch policy --help)");
}

const struct cinch_command cinch_cmd_policy = {
    .name = "policy",
    .summary = "show the effective policy, or check a policy file",
    .usage = "show | check FILE\n"
             "\n"
             "show         prints the policy create would apply, every field spelled out:\n"
             "             --policy FILE|PRESET, else " CINCH_POLICY_FILE " if it exists,\n"
             "             else the preset \"default\".\n"
             "check FILE   reads FILE as create would (owned by root, not writable by\n"
             "             group or others, every field known and valid) and prints\n"
             "             \"FILE: ok\", or exits 1 naming the field.\n"
             "\n"
             "Options:\n"
             "  -h, --help   show this help\n",
    .run = run,
};
