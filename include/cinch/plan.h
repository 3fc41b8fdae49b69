/* plan: owns building a container's plan from its config, the one path
 * that create, run and check share: parse config.json, the rules no policy
 * changes (a process, a mount namespace), the host facts (namespaces by
 * path, where bind sources lead), the policy's decisions (decide.h), then
 * the host rules on the effective config (hostns.h, mounts.h).  After it,
 * the code that acts reads the effective config and the plan only. */
#ifndef CINCH_PLAN_H
#define CINCH_PLAN_H

#include <stddef.h>

#include "cinch/decide.h"
#include "cinch/hostns.h"

struct cinch_error;
struct cinch_policy;
struct cinch_spec;

struct cinch_plan_input {
	const char *config_path; /* for messages */
	const char *text;        /* config.json as read */
	size_t len;
	const char *bundle; /* absolute: relative bind sources are under it */
	const char *state_root;
	const struct cinch_policy *policy;
};

/* On success *spec is the effective config, *ns holds the namespaces given
 * by path (open: init joins these fds) and *plan the rest.  On failure
 * *spec and *ns are released; plan->decisions still holds a refusal, for
 * the audit file.  Errors start with the config's path. */
int cinch_plan_build(const struct cinch_plan_input *in, struct cinch_spec **spec, struct cinch_ns_facts *ns,
                     struct cinch_plan *plan, struct cinch_error **err);

#endif
