/* spec: owns the OCI runtime configuration (config.json, runtime-spec
 * 1.0 to 1.3, Linux fields) as typed C structs, and is the only module that
 * includes jansson.  Reading is a pure function of the text: it validates
 * types, ranges and names, refuses hostile input with a message naming the
 * file and the JSON path, ignores unknown fields as the spec requires,
 * refuses a field of the spec that cinch does not implement (naming it),
 * and lists in `notes` the few it reads but cannot honour and may drop
 * (deprecated ones, flags with no meaning), so that no field is dropped
 * silently. */
#ifndef CINCH_SPEC_H
#define CINCH_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cinch/util.h"

struct cinch_error;

/* Hard bounds on hostile input. */
#define CINCH_SPEC_MAX_SIZE (4u * 1024 * 1024) /* bytes of config.json */
#define CINCH_SPEC_MAX_DEPTH 32                /* nesting of arrays and objects */
#define CINCH_SPEC_MAX_ID 2147483647u          /* largest uid/gid accepted */
#define CINCH_SPEC_MAX_MAP_ID 4294967294u      /* largest id in a user namespace map */

struct cinch_opt_i64 {
	bool set;
	int64_t value;
};
struct cinch_opt_u64 {
	bool set;
	uint64_t value;
};

/* A JSON object of strings (annotations, sysctl, unified), in file order. */
struct cinch_kv {
	char *key;
	char *value;
};
struct cinch_kvs {
	struct cinch_kv *items;
	size_t n;
};

struct cinch_spec_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};
struct cinch_spec_idmaps {
	struct cinch_spec_idmap *items;
	size_t n;
};

struct cinch_spec_root {
	char *path;
	bool readonly;
};

struct cinch_spec_mount {
	char *destination;
	char *type;
	char *source;
	struct cinch_strv options;
	struct cinch_spec_idmaps uid_mappings;
	struct cinch_spec_idmaps gid_mappings;
};
struct cinch_spec_mounts {
	struct cinch_spec_mount *items;
	size_t n;
};

struct cinch_spec_user {
	uint32_t uid;
	uint32_t gid;
	struct cinch_opt_u64 umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username;
};

/* One bit per capability number, set when the name was listed. */
struct cinch_spec_capset {
	bool set;
	uint64_t mask;
};
struct cinch_spec_capabilities {
	struct cinch_spec_capset bounding;
	struct cinch_spec_capset effective;
	struct cinch_spec_capset inheritable;
	struct cinch_spec_capset permitted;
	struct cinch_spec_capset ambient;
};

struct cinch_spec_rlimit {
	int resource; /* RLIMIT_* */
	char *type;
	uint64_t soft;
	uint64_t hard;
};
struct cinch_spec_rlimits {
	struct cinch_spec_rlimit *items;
	size_t n;
};

struct cinch_spec_io_priority {
	bool set;
	int klass; /* IOPRIO_CLASS_* */
	int64_t priority;
};

struct cinch_spec_scheduler {
	bool set;
	int policy; /* SCHED_* */
	struct cinch_opt_i64 nice;
	struct cinch_opt_i64 priority;
	struct cinch_strv flags;
	uint64_t flag_bits; /* SCHED_FLAG_* of those names */
	struct cinch_opt_u64 runtime;
	struct cinch_opt_u64 deadline;
	struct cinch_opt_u64 period;
};

/* process.execCPUAffinity: CPU lists ("0-3,7"), checked; NULL or "" is
 * unset.  For processes started by exec only, as the spec says. */
struct cinch_spec_cpu_affinity {
	char *initial; /* the runtime's child, before it joins the container's cgroup */
	char *final;   /* the process, after */
};

struct cinch_spec_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	struct cinch_spec_user user;
	struct cinch_strv args;
	char *command_line; /* Windows only; read and refused */
	struct cinch_strv env;
	char *cwd;
	bool has_capabilities;
	struct cinch_spec_capabilities capabilities;
	struct cinch_spec_rlimits rlimits;
	bool no_new_privileges;
	struct cinch_opt_i64 oom_score_adj;
	char *apparmor_profile;
	char *selinux_label;
	struct cinch_spec_io_priority io_priority;
	struct cinch_spec_scheduler scheduler;
	struct cinch_spec_cpu_affinity exec_cpu_affinity;
};

struct cinch_spec_hook {
	char *path;
	struct cinch_strv args;
	struct cinch_strv env;
	struct cinch_opt_i64 timeout; /* seconds, > 0 */
};
struct cinch_spec_hook_list {
	struct cinch_spec_hook *items;
	size_t n;
};
struct cinch_spec_hooks {
	struct cinch_spec_hook_list prestart;
	struct cinch_spec_hook_list create_runtime;
	struct cinch_spec_hook_list create_container;
	struct cinch_spec_hook_list start_container;
	struct cinch_spec_hook_list poststart;
	struct cinch_spec_hook_list poststop;
};

enum cinch_ns_type {
	CINCH_NS_PID,
	CINCH_NS_NETWORK,
	CINCH_NS_MOUNT,
	CINCH_NS_IPC,
	CINCH_NS_UTS,
	CINCH_NS_USER,
	CINCH_NS_CGROUP,
	CINCH_NS_TIME,
	CINCH_NS_COUNT
};
struct cinch_spec_namespace {
	int type; /* enum cinch_ns_type */
	char *path;
};
struct cinch_spec_namespaces {
	struct cinch_spec_namespace *items;
	size_t n;
};

struct cinch_spec_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};
struct cinch_spec_time_offsets {
	struct cinch_spec_time_offset monotonic;
	struct cinch_spec_time_offset boottime;
};

struct cinch_spec_device {
	char *path;
	char type; /* c, b, u or p */
	int64_t major;
	int64_t minor;
	struct cinch_opt_u64 file_mode;
	struct cinch_opt_u64 uid;
	struct cinch_opt_u64 gid;
};
struct cinch_spec_devices {
	struct cinch_spec_device *items;
	size_t n;
};

struct cinch_spec_device_rule {
	bool allow;
	char type; /* a, c or b */
	struct cinch_opt_i64 major; /* unset: wildcard */
	struct cinch_opt_i64 minor;
	char *access; /* subset of "rwm" */
};
struct cinch_spec_device_rules {
	struct cinch_spec_device_rule *items;
	size_t n;
};

struct cinch_spec_memory {
	struct cinch_opt_i64 limit;
	struct cinch_opt_i64 reservation;
	struct cinch_opt_i64 swap;
	struct cinch_opt_i64 kernel;
	struct cinch_opt_i64 kernel_tcp;
	struct cinch_opt_u64 swappiness;
	bool disable_oom_killer;
	bool use_hierarchy;
	bool check_before_update;
};

struct cinch_spec_cpu {
	struct cinch_opt_u64 shares;
	struct cinch_opt_i64 quota;
	struct cinch_opt_u64 burst;
	struct cinch_opt_u64 period;
	struct cinch_opt_i64 realtime_runtime;
	struct cinch_opt_u64 realtime_period;
	char *cpus;
	char *mems;
	struct cinch_opt_i64 idle;
};

struct cinch_spec_weight_device {
	int64_t major;
	int64_t minor;
	struct cinch_opt_u64 weight;
	struct cinch_opt_u64 leaf_weight;
};
struct cinch_spec_weight_devices {
	struct cinch_spec_weight_device *items;
	size_t n;
};
struct cinch_spec_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};
struct cinch_spec_throttle_devices {
	struct cinch_spec_throttle_device *items;
	size_t n;
};
struct cinch_spec_blkio {
	struct cinch_opt_u64 weight;
	struct cinch_opt_u64 leaf_weight;
	struct cinch_spec_weight_devices weight_device;
	struct cinch_spec_throttle_devices throttle_read_bps_device;
	struct cinch_spec_throttle_devices throttle_write_bps_device;
	struct cinch_spec_throttle_devices throttle_read_iops_device;
	struct cinch_spec_throttle_devices throttle_write_iops_device;
};

struct cinch_spec_hugepage_limit {
	char *page_size;
	uint64_t limit;
};
struct cinch_spec_hugepage_limits {
	struct cinch_spec_hugepage_limit *items;
	size_t n;
};

struct cinch_spec_net_priority {
	char *name;
	uint32_t priority;
};
struct cinch_spec_net_priorities {
	struct cinch_spec_net_priority *items;
	size_t n;
};
struct cinch_spec_network {
	struct cinch_opt_u64 class_id;
	struct cinch_spec_net_priorities priorities;
};

struct cinch_spec_resources {
	struct cinch_spec_device_rules devices;
	bool has_memory;
	struct cinch_spec_memory memory;
	bool has_cpu;
	struct cinch_spec_cpu cpu;
	struct cinch_opt_i64 pids_limit;
	bool has_block_io;
	struct cinch_spec_blkio block_io;
	struct cinch_spec_hugepage_limits hugepage_limits;
	bool has_network;
	struct cinch_spec_network network;
	bool has_rdma;
	struct cinch_kvs unified;
};

struct cinch_spec_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	char *op; /* SCMP_CMP_* */
};
struct cinch_spec_seccomp_args {
	struct cinch_spec_seccomp_arg *items;
	size_t n;
};
struct cinch_spec_syscall {
	struct cinch_strv names;
	char *action; /* SCMP_ACT_* */
	struct cinch_opt_u64 errno_ret;
	struct cinch_spec_seccomp_args args;
};
struct cinch_spec_syscalls {
	struct cinch_spec_syscall *items;
	size_t n;
};
struct cinch_spec_seccomp {
	char *default_action;
	struct cinch_opt_u64 default_errno_ret;
	struct cinch_strv architectures;
	struct cinch_strv flags;
	char *listener_path;
	char *listener_metadata;
	struct cinch_spec_syscalls syscalls;
};

/* linux.memoryPolicy (runtime-spec 1.3): set_mempolicy(2) for init and
 * every exec'd process. */
struct cinch_spec_memory_policy {
	bool set;
	int mode;	/* MPOL_*, the kernel's number */
	char *nodes;		  /* a node list ("0-3,7"), checked; NULL: none */
	struct cinch_strv flags;  /* their names */
	unsigned flag_bits;	  /* MPOL_F_* of those names */
};

struct cinch_spec_personality {
	bool set;
	char *domain; /* LINUX or LINUX32 */
	struct cinch_strv flags;
};

struct cinch_spec_linux {
	struct cinch_spec_namespaces namespaces;
	struct cinch_spec_idmaps uid_mappings;
	struct cinch_spec_idmaps gid_mappings;
	struct cinch_spec_time_offsets time_offsets;
	struct cinch_spec_devices devices;
	char *cgroups_path;
	bool has_resources;
	struct cinch_spec_resources resources;
	struct cinch_spec_memory_policy memory_policy;
	struct cinch_kvs sysctl;
	bool has_seccomp;
	struct cinch_spec_seccomp seccomp;
	char *rootfs_propagation;
	struct cinch_strv masked_paths;
	struct cinch_strv readonly_paths;
	char *mount_label;
	struct cinch_spec_personality personality;
};

struct cinch_spec {
	char *oci_version;
	bool has_root;
	struct cinch_spec_root root;
	struct cinch_spec_mounts mounts;
	bool has_process;
	struct cinch_spec_process process;
	char *hostname;
	char *domainname;
	bool has_hooks;
	struct cinch_spec_hooks hooks;
	struct cinch_kvs annotations;
	bool has_linux;
	struct cinch_spec_linux linux_;
	/* "json.path: why" for every field read that cinch cannot honour. */
	struct cinch_strv notes;
};

/* Parses config.json text.  `name` is how the file is named in messages
 * (normally the path).  On success *out owns a new spec. */
int cinch_spec_parse(const char *text, size_t len, const char *name, struct cinch_spec **out,
		     struct cinch_error **err);
/* Reads and parses a file, refusing one over CINCH_SPEC_MAX_SIZE. */
int cinch_spec_load(const char *path, struct cinch_spec **out, struct cinch_error **err);
void cinch_spec_free(struct cinch_spec *spec);
void cinch_spec_freep(struct cinch_spec **spec);
#define _cleanup_spec_ __attribute__((cleanup(cinch_spec_freep)))

/* Parses a standalone process object (exec --process FILE). */
int cinch_spec_process_parse(const char *text, size_t len, const char *name, struct cinch_spec_process **out,
			     struct cinch_error **err);
void cinch_spec_process_free(struct cinch_spec_process *p);
/* Parses a standalone LinuxResources object (update --resources). */
int cinch_spec_resources_parse(const char *text, size_t len, const char *name, struct cinch_spec_resources **out,
			       struct cinch_error **err);
void cinch_spec_resources_free(struct cinch_spec_resources *r);
/* Parses a standalone linux.seccomp object (a shipped profile). */
int cinch_spec_seccomp_parse(const char *text, size_t len, const char *name, struct cinch_spec_seccomp **out,
			     struct cinch_error **err);
void cinch_spec_seccomp_free(struct cinch_spec_seccomp *s);

/* What the host offers, for cinch_spec_check_host(); probed by the caller
 * so that checking stays pure. */
struct cinch_host_features {
	bool apparmor;
	bool selinux;
};
void cinch_host_features_probe(struct cinch_host_features *out);
/* Adds to spec->notes the fields this host cannot honour. */
void cinch_spec_check_host(struct cinch_spec *spec, const struct cinch_host_features *host);

const char *cinch_ns_type_name(int type);

/* The hardened default config.json that `cinch spec` writes, as text. */
char *cinch_spec_default_json(void);

#endif
