/* policy: owns the operator's policy: what it may say, the two presets
 * (`default`, the strict built-in, and `runc-compatible`), reading it from
 * /etc/cinch/policy.json or --policy, and printing the effective policy.
 *
 * A policy is a preset plus overrides.  Each control has a mode: enforce
 * (change the config, or refuse it), warn (record what enforce would do,
 * change nothing) or off (say nothing).  The policy decides nothing by
 * itself: decide.h applies it to a config.  Reading is pure except for
 * cinch_policy_load, which also refuses a file that anyone but root could
 * have written. */
#ifndef CINCH_POLICY_H
#define CINCH_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cinch/spec.h"
#include "cinch/util.h"

struct cinch_error;

#define CINCH_POLICY_FILE "/etc/cinch/policy.json"

enum cinch_mode {
	CINCH_MODE_OFF,
	CINCH_MODE_WARN,
	CINCH_MODE_ENFORCE,
};
const char *cinch_mode_name(enum cinch_mode m);

/* Non-root has two ways to enforce: refuse the container, or remap its
 * root into a user namespace. */
enum cinch_nonroot {
	CINCH_NONROOT_OFF,
	CINCH_NONROOT_WARN,
	CINCH_NONROOT_REFUSE,
	CINCH_NONROOT_REMAP,
};

/* The host ids remapped containers get, one block of `block` ids each. */
struct cinch_id_pool {
	bool set; /* from the policy; else /etc/subuid's "cinch", else the built-in */
	uint32_t start;
	uint32_t size;
};
#define CINCH_REMAP_BLOCK 65536u
/* Used when neither the policy nor /etc/subuid names a pool: 4096 blocks
 * above 0x70000000, clear of the ranges useradd hands out from 100000. */
#define CINCH_POOL_START 0x70000000u
#define CINCH_POOL_SIZE  0x10000000u

struct cinch_policy {
	char *name; /* the preset or file it came from, for records */
	char *audit_file;

	enum cinch_nonroot non_root;
	struct cinch_id_pool pool;

	enum cinch_mode capabilities;
	uint64_t cap_allow; /* one bit per capability number */

	enum cinch_mode no_new_privileges;

	enum cinch_mode readonly_rootfs;
	struct cinch_strv scratch; /* tmpfs paths, absolute */
	uint64_t scratch_size;     /* bytes */

	enum cinch_mode mounts;
	struct cinch_strv bind_allow; /* sensitive sources the operator allows */

	enum cinch_mode devices;
	struct cinch_strv device_allow; /* host device paths a config may list */

	enum cinch_mode host_namespaces;
	unsigned long host_ns_allow; /* CLONE_NEW* of the types a container may share */

	enum cinch_mode seccomp;
	char *seccomp_default;                /* profile for a config without linux.seccomp */
	struct cinch_strv seccomp_selectable; /* profiles an annotation may pick */
	bool seccomp_unconfined;              /* the annotation may say "unconfined" */

	enum cinch_mode resources;
	int64_t memory_default, memory_max; /* bytes; 0: none */
	int64_t pids_default, pids_max;     /* 0: none */
	uint64_t cpu_default, cpu_max;      /* millicpus; 0: none */

	enum cinch_mode masked_paths;

	enum cinch_mode images;
	struct cinch_strv image_allow; /* fnmatch patterns */
	bool image_required;           /* refuse a container with no image annotation */
};

/* Fills *p from a preset: "default" or "runc-compatible". */
int cinch_policy_preset(const char *name, struct cinch_policy *p, struct cinch_error **err);
bool cinch_policy_is_preset(const char *name);
/* Parses policy JSON text; `name` names it in messages, which give the
 * JSON path.  The object's "preset" (default "default") is the base. */
int cinch_policy_parse(const char *text, size_t len, const char *name, struct cinch_policy *p,
                       struct cinch_error **err);
/* `which` is a preset name, a file, or NULL for CINCH_POLICY_FILE when it
 * exists and the default preset when it does not.  A file must be a
 * regular file owned by root that neither group nor others can write. */
int cinch_policy_load(const char *which, struct cinch_policy *p, struct cinch_error **err);
void cinch_policy_clear(struct cinch_policy *p);

/* The effective policy as JSON, every field spelled out: itself a policy
 * file that reads back as p (the presets in profiles/ are made so). */
char *cinch_policy_to_json(const struct cinch_policy *p);

#endif
