/* cgroup-internal: what cgroup.c shares with its v1 and v2 back ends
 * (cgroup-v1.c, cgroup-v2.c), and the pure helpers that
 * tests/unit/test-cgroup.c checks without root.
 *
 * Layering: the *_plan, path, mountinfo and conversion helpers are pure
 * functions of their inputs; the ops and the file helpers touch cgroupfs. */
#ifndef CINCH_CGROUP_INTERNAL_H
#define CINCH_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cinch_error;
struct cinch_spec_device_rule;
struct cinch_spec_memory;
struct cinch_spec_resources;

/* How long freezing, thawing and removal may wait for the kernel. */
#define CINCH_CGROUP_TIMEOUT_MS 5000

/* ---- hierarchies ---- */

/* One cgroup or cgroup2 line of mountinfo. */
struct cinch_cgroup_mount {
	char *dev;  /* "major:minor" of the superblock, to drop bind mounts */
	char *root; /* the mount's root inside the hierarchy */
	char *mnt;  /* mount point, with the \ooo escapes undone */
	char *opts; /* super options, e.g. "rw,cpu,cpuacct" or "rw,name=systemd" */
	bool v2;
};
void cinch_cgroup_mount_clear(struct cinch_cgroup_mount *m);

/* Parses one mountinfo line (without its newline).  Returns 1 and fills
 * *out for a cgroup or cgroup2 mount, 0 for any other mount, -1 for a line
 * that is not mountinfo. */
int cinch_cgroup_parse_mountinfo_line(const char *line, struct cinch_cgroup_mount *out);

/* Whether the comma-separated option list holds exactly name. */
bool cinch_cgroup_opts_have(const char *opts, const char *name);
/* Whether a v1 hierarchy carries a controller (not only a name=). */
bool cinch_cgroup_opts_have_controller(const char *opts);

enum cinch_cgroup_mode {
	CINCH_CGROUP_NONE,
	CINCH_CGROUP_V1,
	CINCH_CGROUP_V2,
	CINCH_CGROUP_HYBRID, /* v1 controllers, plus a v2 hierarchy joined without limits */
};

struct cinch_cgroup_hier {
	char *mnt;
	char *opts; /* v1 super options; NULL for v2 */
	bool v2;
};

/* The hierarchies a container's cgroup lives in: on v2 the unified one; on
 * v1 and hybrid every v1 hierarchy (named ones too) and the unified one. */
struct cinch_cgroup_layout {
	enum cinch_cgroup_mode mode;
	struct cinch_cgroup_hier *items;
	size_t n;
};
/* Whether the path mnt shows the mount with device dev ("major:minor", as
 * mountinfo says): false for one that a later mount covers. */
typedef bool (*cinch_cgroup_visible_fn)(const char *mnt, const char *dev);
/* Builds the layout from mountinfo text, leaving out the cgroup mounts
 * visible (when not NULL) says are covered.  Only fails on a malformed
 * line. */
int cinch_cgroup_layout_parse(const char *mountinfo, cinch_cgroup_visible_fn visible, struct cinch_cgroup_layout *out,
			      struct cinch_error **err);
/* Reads /proc/self/mountinfo; fails when no cgroup hierarchy is mounted. */
int cinch_cgroup_layout_load(struct cinch_cgroup_layout *out, struct cinch_error **err);
void cinch_cgroup_layout_clear(struct cinch_cgroup_layout *l);
/* The v1 hierarchy carrying controller, or the v2 one when controller is
 * NULL; NULL when there is none. */
const struct cinch_cgroup_hier *cinch_cgroup_layout_find(const struct cinch_cgroup_layout *l, const char *controller);

/* ---- pure helpers ---- */

/* Checks that path is absolute, clean ("/a/b": no empty, "." or ".."
 * component, no trailing slash), not the root and without control
 * characters.  `shown` is what messages quote (the config's value). */
int cinch_cgroup_check_path(const char *path, const char *shown, struct cinch_error **err);
/* "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" -> "". */
int cinch_cgroup_expand_slice(const char *slice, char **out, struct cinch_error **err);
/* Refuses a hugepageLimits[index].pageSize that is not like "2MB" (it
 * becomes part of a file name). */
int cinch_cgroup_check_page_size(const char *s, size_t index, struct cinch_error **err);
/* runc's mapping of v1 cpu.shares [2, 262144] onto v2 cpu.weight [1, 10000];
 * 0 stays 0 (not set). */
uint64_t cinch_cgroup_shares_to_weight(uint64_t shares);
/* runc's mapping of blkio.weight [10, 1000] onto io.weight [1, 10000]. */
uint64_t cinch_cgroup_blkio_to_io_weight(uint64_t weight);
/* The value for v2 memory.swap.max (the spec's swap is memory+swap):
 * returns 1 and sets *out (-1 meaning "max"), 0 when nothing is to be
 * written, -1 on a contradiction. */
int cinch_cgroup_v2_swap(const struct cinch_spec_memory *m, int64_t *out, struct cinch_error **err);
/* A linux.resources.devices[index] rule in v1 devices.allow/deny syntax,
 * e.g. "c 1:3 rwm", "a *:* rwm". */
int cinch_cgroup_device_rule_string(const struct cinch_spec_device_rule *r, size_t index, char **out,
				    struct cinch_error **err);
/* The value of `key` in a "key value" per line file (cgroup.events). */
int cinch_cgroup_keyed_value(const char *text, const char *key, int64_t *out);

/* ---- plans: what to write, decided before touching cgroupfs ---- */

struct cinch_cgroup_write {
	char *file;  /* name in the cgroup directory; on v1 its prefix names the controller */
	char *value;
	bool skip_if_missing; /* the kernel may lack the file (swap accounting) */
};
struct cinch_cgroup_plan {
	struct cinch_cgroup_write *items;
	size_t n;
};
void cinch_cgroup_plan_add(struct cinch_cgroup_plan *p, const char *file, bool skip_if_missing, const char *fmt,
			   ...) __attribute__((format(printf, 4, 5)));
void cinch_cgroup_plan_clear(struct cinch_cgroup_plan *p);
/* The entries v1 and v2 spell alike: pids.max, and hugetlb.<size>.<suffix>
 * ("limit_in_bytes" on v1, "max" on v2). */
int cinch_cgroup_plan_pids_hugetlb(const struct cinch_spec_resources *res, const char *hugetlb_suffix,
				   struct cinch_cgroup_plan *out, struct cinch_error **err);

/* What the plans need to know about the cgroup as it is. */
struct cinch_cgroup_facts {
	bool bfq;           /* blkio.bfq.weight / io.bfq.weight exists */
	uint64_t mem_limit; /* v1: memory.limit_in_bytes now; orders limit and memsw */
};
int cinch_cgroup_v1_plan(const struct cinch_spec_resources *res, bool with_devices,
			 const struct cinch_cgroup_facts *facts, struct cinch_cgroup_plan *out, struct cinch_error **err);
int cinch_cgroup_v2_plan(const struct cinch_spec_resources *res, const struct cinch_cgroup_facts *facts,
			 struct cinch_cgroup_plan *out, struct cinch_error **err);
/* The controllers a v2 plan writes to, e.g. "+memory +cpu +pids", in order
 * of first use; "" when none. */
char *cinch_cgroup_plan_controllers(const struct cinch_cgroup_plan *p);

/* ---- cgroupfs access (cgroup.c) ---- */

char *cinch_cgroup_dir(const struct cinch_cgroup_hier *h, const char *path);
/* Writes value to dir/file in one write(2).  With skip_if_missing a file
 * that does not exist is not an error. */
int cinch_cgroup_write(const char *dir, const char *file, const char *value, bool skip_if_missing,
		       struct cinch_error **err);
/* Writes a plan's entries in order, keeping the file open while the next
 * entry goes to the same one (eight device rules: one open, not eight). */
struct cinch_cgroup_writer {
	int fd;
	char *path;
};
#define CINCH_CGROUP_WRITER_INIT {.fd = -1, .path = NULL}
int cinch_cgroup_writer_put(struct cinch_cgroup_writer *w, const char *dir, const char *file, const char *value,
			    bool skip_if_missing, struct cinch_error **err);
void cinch_cgroup_writer_close(struct cinch_cgroup_writer *w);
int cinch_cgroup_read(const char *dir, const char *file, char **out, struct cinch_error **err);
bool cinch_cgroup_exists(const char *dir, const char *file);
/* Calls check until it returns 1 (done) or < 0 (error), backing off from
 * 1 ms to 16 ms, for at most timeout_ms.  Returns 1 when done, 0 on
 * timeout, -1 on error. */
int cinch_cgroup_poll(int (*check)(void *arg, struct cinch_error **err), void *arg, int timeout_ms,
		      struct cinch_error **err);

/* ---- back ends ---- */

struct cinch_cgroup_ops {
	/* After mkdir of dir, for each level from the top down; made: this call
	 * created dir just now.  May be NULL. */
	int (*prepare_level)(const struct cinch_cgroup_hier *h, const char *parent, const char *dir, bool made,
			     struct cinch_error **err);
	/* Writes res into the existing cgroup at path. */
	int (*apply)(const struct cinch_cgroup_layout *l, const char *path, const struct cinch_spec_resources *res,
		     bool creating, struct cinch_error **err);
	int (*freeze)(const struct cinch_cgroup_layout *l, const char *path, bool frozen, struct cinch_error **err);
	/* *frozen = false when there is no freezer. */
	int (*is_frozen)(const struct cinch_cgroup_layout *l, const char *path, bool *frozen, struct cinch_error **err);
	/* The hierarchy whose cgroup.procs lists every process of the container. */
	const struct cinch_cgroup_hier *(*procs_hier)(const struct cinch_cgroup_layout *l);
};
extern const struct cinch_cgroup_ops cinch_cgroup_v1_ops;
extern const struct cinch_cgroup_ops cinch_cgroup_v2_ops;

/* v2 freezing of one directory, also used on hybrid hosts without a v1 freezer. */
int cinch_cgroup_v2_freeze_dir(const char *dir, bool frozen, struct cinch_error **err);
int cinch_cgroup_v2_is_frozen_dir(const char *dir, bool *frozen, struct cinch_error **err);

#endif
