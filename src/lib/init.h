/* Private to container.c and init.c: what the runtime hands the container
 * init across clone(). */
#ifndef CINCH_INIT_PRIVATE_H
#define CINCH_INIT_PRIVATE_H

#include <stdbool.h>
#include <sys/types.h>

struct cinch_cgroup_entry;
struct cinch_idmap;
struct cinch_ns_facts;
struct cinch_spec;
struct cinch_seccomp;

struct cinch_init_args {
	const struct cinch_spec *spec;
	struct cinch_seccomp *seccomp; /* NULL: no filter */
	const char *rootfs;	   /* for messages */
	int rootfs_fd;		   /* what is bound as the root */
	struct cinch_idmap *idmap; /* remap late: the idmapped root and binds to attach (idmap.h); else NULL */
	const struct cinch_ns_facts *ns; /* the namespaces given by path, open */
	int proc_fd;		   /* the host's /proc, for procfs writes */
	int stub_fd;		   /* the sealed exec stub (exestub.h) */
	char **stub_argv;	   /* its argv, made by the runtime */
	const char *cgroup_path; /* the container's, for "cgroup" mounts */
	int sync_fd;	   /* init's end of the socketpair */
	int runtime_sync_fd; /* the runtime's end, which init closes */
	int fifo_fd;	   /* read end of the exec fifo, opened by the runtime; -1 under `run` */
	int state_dirfd;   /* the runtime's locked state dir: init must let go of it */
	pid_t parent_pid;
	bool userns;	   /* a new user namespace was created */
	bool remap_late;   /* the workload gets a user namespace of its own, last (decide.h) */
	int userns_fd;	   /* that namespace, mapped already (idmap.h); -1 when not remapped late */
	bool cgroupns;	   /* unshare a cgroup namespace once in the cgroup */
	bool no_pivot;
	int preserve_fds;
	int console_fd; /* connected --console-socket, or -1 */
	const struct cinch_cgroup_entry *cgroup; /* what init joins by itself first */
	bool cgroup_placed; /* clone put init in the v2 cgroup already */
	int netns_fd;	    /* a new network namespace to join, made beside (netns.h); or -1 */
	unsigned long joined_by_runtime; /* CLONE_NEW* of namespaces by path init was born in */
};

/* Never returns. */
__attribute__((noreturn)) void cinch_init_main(const struct cinch_init_args *a);

#endif
