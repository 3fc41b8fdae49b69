/* cgroup: owns the container's control groups through cgroupfs: finding the
 * hierarchies (from /proc/self/mountinfo, never from fixed paths), turning
 * linux.cgroupsPath into a path, creating and removing the cgroup in every
 * hierarchy, writing linux.resources into it, moving processes in, and
 * freezing, listing and signalling what runs there.
 *
 * Hosts: cgroup v1 (a hierarchy per controller), v2 (one unified hierarchy)
 * and hybrid (v1 controllers plus a v2 hierarchy without controllers).  On a
 * hybrid host every limit goes to v1 and the same path is also created and
 * joined in the unified hierarchy, without limits there, as runc does.
 *
 * Device rules (linux.resources.devices, as the caller merged them with
 * its defaults) start from deny-all whatever the config lists, and are
 * applied at create only:
 *  - on v1, "a" is written to devices.deny first (a new cgroup inherits its
 *    parent's list, usually allow-all), then each rule in order to
 *    devices.allow / devices.deny;
 *  - on v2, the kernel enforces device rules only through a
 *    BPF_CGROUP_DEVICE program: one is built from the same rules and
 *    attached to the container's cgroup (devices-bpf.h); where the kernel
 *    refuses it, create fails.  The cgroup holds it; rmdir frees it;
 *  - on a hybrid host both: the v1 list and the program on the unified
 *    hierarchy's cgroup, and the kernel asks both.
 * A list that v1 would apply differently from what it says (a deny that
 * punches a hole in an earlier wildcard allow) is refused on both.
 * `update` leaves device rules alone: rewriting the v1 list would briefly
 * deny every device to the running container, and a second program could
 * only deny more.
 *
 * What is not applied, by design:
 *  - on v2, the v1-only knobs memory.swappiness, memory.disableOOMKiller,
 *    blockIO leaf weights and network classID/priorities are skipped, and
 *    cpu.realtimeRuntime/realtimePeriod are refused.
 *  - linux.resources.unified is written only on v2, and refused on v1.
 *  - as in runc, a memory limit, reservation or swap of 0 and a cpu shares,
 *    quota or period of 0 mean "not set"; a pids limit <= 0 means "max".
 *  - a limit for a controller the host does not offer is an error, never
 *    silently dropped (except v1 memsw without swap accounting).
 *
 * Behaviour worth knowing:
 *  - cinch_cgroup_create makes and configures the cgroup only; processes
 *    get in through cinch_cgroup_entry, or cinch_cgroup_enter.
 *  - pids, signal_all and destroy include child cgroups that the container
 *    made below its own.
 *  - destroy removes the container's directory only, never shared parents
 *    such as /cinch.
 *  - freeze, thaw and destroy wait at most 5 s (one deadline for all
 *    hierarchies), polling the kernel's state with a short back-off.
 *
 * Every error names the file or directory involved. */
#ifndef CINCH_CGROUP_H
#define CINCH_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cinch_error;
struct cinch_spec_resources;

/* Computes the container's cgroup path, relative to each hierarchy's root:
 * the config's linux.cgroupsPath when given (absolute "/a/b" used as is; a relative one is put under "/cinch/";
 * with systemd=true, the "slice:prefix:name" form becomes "/<slice>/<prefix>-<name>.scope", with "" slice meaning system.slice
 * and nested slices like "a-b.slice" expanded as systemd does to "/a.slice/a-b.slice"), else "/<id>" as runc does.
 * Refuses paths with ".." components or that are not clean. */
int cinch_cgroup_path(const char *cgroups_path, const char *id, bool systemd, char **out, struct cinch_error **err);
/* Creates the cgroup in every hierarchy (mkdir -p; on v1 cpuset copy cpuset.cpus/mems from the parent when empty)
 * and applies the limits in res (res may be NULL: no limits, devices still deny-all).  On failure removes what it
 * created. */
int cinch_cgroup_create(const char *path, const struct cinch_spec_resources *res, struct cinch_error **err);
/* How a new process gets into the container's cgroup with no write of its
 * pid by the runtime.  Writing a pid to cgroup.procs takes the kernel's
 * global threadgroup lock, which waits for an RCU grace period when it was
 * idle (milliseconds on a quiet host); a thread that moves itself through a
 * v1 `tasks` file, or a child the kernel places at clone on v2
 * (CLONE_INTO_CGROUP), takes none.  The runtime opens the files before
 * clone and the child writes "0" (itself) into them. */
struct cinch_cgroup_entry_file {
	int fd;
	char *path; /* for messages */
	bool v2;
};
struct cinch_cgroup_entry {
	int v2_dir; /* the v2 cgroup directory, for CLONE_INTO_CGROUP; -1 when none */
	struct cinch_cgroup_entry_file *files;
	size_t n;
};
#define CINCH_CGROUP_ENTRY_INIT {.v2_dir = -1, .files = NULL, .n = 0}
/* Opens the entry into the existing cgroup at path: the v2 directory, and
 * with self_join each hierarchy's file the child writes to (v1 tasks, v2
 * cgroup.procs).  Without self_join (a child in a new user namespace, which
 * kernels before 5.16 judged by its own unmapped ids, not the opener's) the
 * runtime moves the child with cinch_cgroup_enter after clone. */
int cinch_cgroup_entry_open(const char *path, bool self_join, struct cinch_cgroup_entry *e,
			    struct cinch_error **err);
/* In the new child: moves itself in through e.  placed_v2: clone has put it
 * in the v2 cgroup already. */
int cinch_cgroup_entry_join(const struct cinch_cgroup_entry *e, bool placed_v2, struct cinch_error **err);
void cinch_cgroup_entry_close(struct cinch_cgroup_entry *e);
/* Where the container's cgroup shows under /sys/fs/cgroup, for a "cgroup"
 * mount: on a v1 or hybrid host one place per hierarchy mounted directly
 * there, named as there ("memory", "cpu,cpuacct", "unified"); on a v2 host
 * one place named "" (/sys/fs/cgroup itself); each with the container's
 * directory in it.  From the mountinfo read once per process, so init (a
 * clone of the runtime) reads nothing. */
struct cinch_cgroup_place {
	char *name;
	char *dir;
};
int cinch_cgroup_places(const char *path, struct cinch_cgroup_place **out, size_t *n, struct cinch_error **err);
void cinch_cgroup_places_free(struct cinch_cgroup_place *p, size_t n);
/* Moves pid into an existing container cgroup through cgroup.procs (for
 * an init in a new user namespace, which cannot join by itself). */
int cinch_cgroup_enter(const char *path, pid_t pid, struct cinch_error **err);
/* Applies res to an existing cgroup (for `update`). */
int cinch_cgroup_update(const char *path, const struct cinch_spec_resources *res, struct cinch_error **err);
/* Freezes (true) or thaws; waits until the kernel reports the state (v1 freezer.state FROZEN / v2 cgroup.events frozen 1),
 * bounded by polling with a timeout, not a blind sleep. */
int cinch_cgroup_freeze(const char *path, bool frozen, struct cinch_error **err);
int cinch_cgroup_is_frozen(const char *path, bool *frozen, struct cinch_error **err); /* false if no freezer */
/* Every pid in the cgroup (v2: cgroup.procs; v1: the pids or freezer or memory hierarchy's cgroup.procs). */
int cinch_cgroup_pids(const char *path, pid_t **pids, size_t *n, struct cinch_error **err);
/* Sends sig to every process in the cgroup (v2 with SIGKILL: cgroup.kill when present). */
int cinch_cgroup_signal_all(const char *path, int sig, struct cinch_error **err);
/* Removes the cgroup from every hierarchy; missing is success; EBUSY retried briefly while processes exit
 * (poll cgroup.procs empty / cgroup.events populated 0 rather than sleeping blindly). */
int cinch_cgroup_destroy(const char *path, struct cinch_error **err);
/* How two clean cgroup paths relate (pure): 0 apart, else one of "is",
 * "lies below", "lies above" (path against other), for a message. */
const char *cinch_cgroup_path_relation(const char *path, const char *other);
/* Whether the host can do v1 and v2 at all (for `features`). */
void cinch_cgroup_host_support(bool *v1, bool *v2);

#endif
