/* decide: owns every policy decision about a container, and nothing else.
 * A pure function turns (the config as parsed, the policy, facts about the
 * host that the caller gathered) into the plan: the effective config that
 * create carries out, what only a plan can say (remap, which seccomp
 * filter), and one record per decision.  create, run, exec and check all
 * come here, so check cannot disagree with create, and the code that
 * makes syscalls reads the plan, never the policy.
 *
 * Each control acts by its mode (policy.h): enforce changes the config or
 * refuses it, warn records what enforce would have done, off is silent.
 * A refusal fails with an error naming the field, and is recorded too. */
#ifndef CINCH_DECIDE_H
#define CINCH_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cinch/policy.h"
#include "cinch/spec.h"

struct cinch_error;
struct cinch_ns_facts;

enum cinch_outcome {
	CINCH_OUTCOME_CHANGED, /* enforce changed the config */
	CINCH_OUTCOME_WARNED,  /* warn: enforce would have changed or refused it */
	CINCH_OUTCOME_REFUSED, /* enforce refused the container */
};
const char *cinch_outcome_name(enum cinch_outcome o);

struct cinch_decision {
	const char *control; /* the policy's key, e.g. "capabilities" */
	const char *mode;    /* as the policy says it: "enforce", "remap", ... */
	char *field;         /* the config's JSON path */
	char *asked;         /* what the config asked */
	char *applied;       /* what cinch applies (for warn: what enforce would) */
	char *why;
	enum cinch_outcome outcome;
};
struct cinch_decisions {
	struct cinch_decision *items;
	size_t n;
};
void cinch_decisions_clear(struct cinch_decisions *d);

/* A node of the host at a path the policy's devices.allow names. */
struct cinch_host_device {
	const char *path; /* as the policy writes it */
	char type;        /* 'b', 'c' or 'p' */
	int64_t major, minor;
};

/* What the caller learnt about the host, so that deciding stays pure. */
struct cinch_facts {
	/* the namespaces given by path (hostns.h); NULL: none is the host's */
	const struct cinch_ns_facts *ns;
	/* per config mount: the bind source as the host resolves it (links
	 * followed, relative to the bundle); NULL for other mounts.  NULL
	 * array: the sources are taken as written. */
	char **bind_sources;
	const char *state_root; /* cinch's --root: never a bind source */
	/* the nodes at the allowed device paths (links followed); a path
	 * with none is left out.  A config's device is kept only when it is
	 * the host's node at its path: "/dev/fuse" allowed is no licence for
	 * a /dev/fuse that is the host's disk. */
	const struct cinch_host_device *host_devices;
	size_t n_host_devices;
};

enum cinch_seccomp_source {
	CINCH_SECCOMP_CONFIG,  /* linux.seccomp, as given */
	CINCH_SECCOMP_PROFILE, /* a shipped profile: plan.profile */
	CINCH_SECCOMP_NONE,
};

/* The id block of a remapped container: container ids 0..size-1 are host
 * ids host..host+size-1.
 *
 * late: the config has no user namespace, and the workload alone gets one,
 * made by init as its last step before it becomes the workload's user
 * (process.h).  Everything before, mounts above all, is done as the host's
 * root, and every namespace of the container stays owned by the host's
 * user namespace: the workload is an unprivileged host user that no
 * capability inside can turn back into a mounter.  Otherwise (the config's
 * own user namespace mapped root to root) its mappings are replaced. */
struct cinch_remap {
	bool on;
	bool late;
	uint32_t host; /* 0 until allocated (idpool.h) */
	uint32_t size;
};

struct cinch_plan {
	const char *policy; /* the policy's name, for records */
	const char *image;  /* from the annotations; NULL: none */
	struct cinch_remap remap;
	enum cinch_seccomp_source seccomp;
	char *profile; /* CINCH_SECCOMP_PROFILE: its name */
	struct cinch_decisions decisions;
};
void cinch_plan_clear(struct cinch_plan *plan);

/* Applies the policy to spec in place: spec becomes the effective config.
 * On a refusal returns -1 with *err naming the field, and the refusal is
 * the last of plan->decisions. */
int cinch_decide(struct cinch_spec *spec, const struct cinch_policy *p, const struct cinch_facts *f,
                 struct cinch_plan *plan, struct cinch_error **err);

/* A record the act side adds when it had to fall back from what the plan
 * wanted.  control and mode are static strings; the rest is copied. */
void cinch_decide_record(struct cinch_plan *plan, const char *control, const char *mode, const char *field,
			 const char *asked, const char *applied, const char *why, enum cinch_outcome outcome);

/* The process controls alone (user, capabilities, no_new_privs), for a
 * process exec'd into a container whose remap is `remap`. */
int cinch_decide_process(struct cinch_spec_process *proc, const char *field, const struct cinch_remap *remap,
                         const struct cinch_policy *p, struct cinch_decisions *d, struct cinch_error **err);

/* The resources of an update: each limit it sets is held to the policy's
 * maximum (none is added: the container has its limits). */
void cinch_decide_update(struct cinch_spec_resources *r, const struct cinch_policy *p, struct cinch_decisions *d);

/* The plan's filter as a string for state.json ("config", "profile:NAME",
 * "none"), and back; parsing an unknown string gives -1. */
char *cinch_plan_seccomp_name(const struct cinch_plan *plan);
int cinch_plan_seccomp_parse(const char *s, struct cinch_plan *plan);

/* The annotation keys that name a container's image, in the order they
 * are looked at; and the image of a config (NULL: none). */
extern const char *const cinch_image_annotations[];
const char *cinch_decide_image(const struct cinch_spec *spec);

/* The effective values of every control, one "field: value" line each,
 * in a fixed order: what check prints and the golden tests compare. */
char *cinch_plan_describe(const struct cinch_spec *spec, const struct cinch_plan *plan);

#endif
