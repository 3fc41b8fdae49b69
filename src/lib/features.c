#include "config.h"

#include <stddef.h>

#include "cinch/caps.h"
#include "cinch/features.h"
#include "cinch/util.h"

/* What this build implements; kept next to the code that implements it
 * would be better still, but the lists are short and change together. */
static const char *const hooks[] = {"prestart",	      "createRuntime", "createContainer",
				    "startContainer", "poststart",     "poststop",	  NULL};
/* Every option cinch_mount_opts_parse() knows (mounts.c), sorted; not
 * the refused ones (tmpcopyup, rsuid, rdev) and no filesystem data
 * (features.md).  test-spec.c holds the two to each other. */
static const char *const mount_options[] = {
	"async",	"atime",	"bind",		 "defaults",	  "dev",	  "diratime",	"dirsync",
	"exec",		"idmap",	"iversion",	 "lazytime",	  "loud",	  "mand",	"noatime",
	"nodev",	"nodiratime",	"noexec",	 "noiversion",	  "nolazytime",	  "nomand",	"norelatime",
	"nostrictatime", "nosuid",	"nosymfollow",	 "private",	  "ratime",	  "rbind",	"rdiratime",
	"relatime",	"remount",	"rexec",	 "ridmap",	  "rnoatime",	  "rnodev",	"rnodiratime",
	"rnoexec",	"rnorelatime",	"rnostrictatime", "rnosuid",	  "rnosymfollow", "ro",		"rprivate",
	"rrelatime",	"rro",		"rrw",		 "rshared",	  "rslave",	  "rstrictatime", "rsymfollow",
	"runbindable",	"rw",		"shared",	 "silent",	  "slave",	  "strictatime", "suid",
	"symfollow",	"sync",		"unbindable",	 NULL,
};
static const char *const namespaces[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL};
/* linux.memoryPolicy (spec.c, process.c) */
static const char *const mpol_modes[] = {"MPOL_BIND",	   "MPOL_DEFAULT",	  "MPOL_INTERLEAVE",
					 "MPOL_LOCAL",	   "MPOL_PREFERRED",	  "MPOL_PREFERRED_MANY",
					 "MPOL_WEIGHTED_INTERLEAVE", NULL};
static const char *const mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES",
					 NULL};
/* Annotations of a config that can weaken what cinch would otherwise do:
 * the seccomp profile one may ask for no filter (where the policy lets
 * it), and a sandbox id puts a remapped container in that pod's id block. */
static const char *const unsafe_annotations[] = {"io.kubernetes.cri.sandbox-id", "org.cinch.seccomp.profile", NULL};
static const char *const seccomp_actions[] = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",	 "SCMP_ACT_KILL",
					      "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
					      "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",	 NULL};
static const char *const seccomp_operators[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
						"SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL};
static const char *const seccomp_archs[] = {
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",	  "SCMP_ARCH_MIPS",	"SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
	"SCMP_ARCH_PPC",     "SCMP_ARCH_PPC64",	  "SCMP_ARCH_PPC64LE",	"SCMP_ARCH_RISCV64",  "SCMP_ARCH_S390",
	"SCMP_ARCH_S390X",   "SCMP_ARCH_X32",	  "SCMP_ARCH_X86",	"SCMP_ARCH_X86_64",   NULL,
};
static const char *const seccomp_flags[] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
					    "SECCOMP_FILTER_FLAG_TSYNC", NULL};

static void list(struct cinch_buf *b, const char *key, const char *const *items)
{
	cinch_buf_printf(b, "\"%s\": [", key);
	for (size_t i = 0; items[i]; i++) {
		cinch_buf_puts(b, i ? ", " : "");
		cinch_buf_json_string(b, items[i]);
	}
	cinch_buf_puts(b, "]");
}

static void capabilities(struct cinch_buf *b)
{
	cinch_buf_puts(b, "\"capabilities\": [");
	for (int cap = 0; cap <= CINCH_CAP_LAST; cap++) {
		cinch_buf_puts(b, cap ? ", " : "");
		cinch_buf_json_string(b, cinch_cap_name(cap));
	}
	cinch_buf_puts(b, "]");
}

char *cinch_features_json(void)
{
	struct cinch_buf b = {0};
	cinch_buf_puts(&b, "{\n  \"ociVersionMin\": \"" CINCH_OCI_VERSION_MIN "\",\n"
			   "  \"ociVersionMax\": \"" CINCH_OCI_VERSION_MAX "\",\n  ");
	list(&b, "hooks", hooks);
	cinch_buf_puts(&b, ",\n  ");
	list(&b, "mountOptions", mount_options);
	cinch_buf_puts(&b, ",\n  \"linux\": {\n    ");
	list(&b, "namespaces", namespaces);
	cinch_buf_puts(&b, ",\n    ");
	capabilities(&b);
	/* v1 and v2 through cgroupfs; no systemd driver (yet), so say so */
	cinch_buf_puts(&b, ",\n    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": false, \"systemdUser\": false, "
			   "\"rdma\": false},\n    \"seccomp\": {\"enabled\": true, ");
	list(&b, "actions", seccomp_actions);
	cinch_buf_puts(&b, ", ");
	list(&b, "operators", seccomp_operators);
	cinch_buf_puts(&b, ", ");
	list(&b, "archs", seccomp_archs);
	cinch_buf_puts(&b, ", ");
	list(&b, "knownFlags", seccomp_flags);
	cinch_buf_puts(&b, ", ");
	list(&b, "supportedFlags", seccomp_flags);
	cinch_buf_puts(&b, "},\n"
			   "    \"apparmor\": {\"enabled\": false},\n"
			   "    \"selinux\": {\"enabled\": false},\n"
			   "    \"intelRdt\": {\"enabled\": false, \"schemata\": false, \"monitoring\": false},\n"
			   "    \"memoryPolicy\": {");
	list(&b, "modes", mpol_modes);
	cinch_buf_puts(&b, ", ");
	list(&b, "flags", mpol_flags);
	cinch_buf_puts(&b, "},\n"
			   "    \"mountExtensions\": {\"idmap\": {\"enabled\": true}},\n"
			   "    \"netDevices\": {\"enabled\": false}\n"
			   "  },\n"
			   "  \"annotations\": {\n"
			   "    \"org.cinch.version\": \"" PACKAGE_VERSION "\"\n"
			   "  },\n  ");
	list(&b, "potentiallyUnsafeConfigAnnotations", unsafe_annotations);
	cinch_buf_puts(&b, "\n}\n");
	return cinch_buf_steal(&b);
}
