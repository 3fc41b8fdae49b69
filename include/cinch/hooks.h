/* hooks: owns running OCI hooks: each gets the container state JSON on
 * stdin, its own args and env, and is killed when its timeout passes. */
#ifndef CINCH_HOOKS_H
#define CINCH_HOOKS_H

#include <stddef.h>

struct cinch_error;
struct cinch_spec_hook_list;

/* Runs the hooks in order; the first failure stops the list and is
 * returned, naming the hook kind, index and path. */
int cinch_hooks_run(const struct cinch_spec_hook_list *hooks, const char *kind, const char *state_json,
		    struct cinch_error **err);
/* Runs every hook in order, whatever the others did: each failure is a
 * warning (cinch_log), naming the hook, and the next one runs, as the
 * runtime-spec asks of poststart and poststop.  Returns how many failed. */
size_t cinch_hooks_run_all(const struct cinch_spec_hook_list *hooks, const char *kind, const char *state_json);

#endif
