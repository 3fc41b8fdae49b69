#include "config.h"

#include <string.h>

#include "cinch/caps.h"
#include "cinch/util.h"

/* Numbers from linux/capability.h, spelled out so that a build against old
 * headers still knows every name a config may carry. */
static const char *const cap_names[CINCH_CAP_LAST + 1] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",	  "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID",		"CAP_KILL",		  "CAP_SETGID",		 "CAP_SETUID",
	"CAP_SETPCAP",		"CAP_LINUX_IMMUTABLE",	  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",		  "CAP_IPC_LOCK",	 "CAP_IPC_OWNER",
	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",	  "CAP_SYS_CHROOT",	 "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",	"CAP_SYS_ADMIN",	  "CAP_SYS_BOOT",	 "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",		  "CAP_SYS_TTY_CONFIG",	 "CAP_MKNOD",
	"CAP_LEASE",		"CAP_AUDIT_WRITE",	  "CAP_AUDIT_CONTROL",	 "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",	"CAP_MAC_ADMIN",	  "CAP_SYSLOG",		 "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",	  "CAP_PERFMON",	 "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int cinch_cap_from_name(const char *name)
{
	for (int i = 0; i <= CINCH_CAP_LAST; i++)
		if (strcmp(cap_names[i], name) == 0)
			return i;
	return -1;
}

const char *cinch_cap_name(int cap)
{
	if (cap < 0 || cap > CINCH_CAP_LAST)
		return NULL;
	return cap_names[cap];
}

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/spec.h"

int cinch_cap_last_cap(void)
{
	static int last = -1;
	if (last >= 0)
		return last;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = CINCH_CAP_LAST;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = CINCH_CAP_LAST;
		fclose(f);
	}
	last = v < CINCH_CAP_LAST ? v : CINCH_CAP_LAST;
	return last;
}

int cinch_caps_drop_bounding(uint64_t mask, struct cinch_error **err)
{
	int last = cinch_cap_last_cap();
	for (int cap = 0; cap <= last; cap++) {
		if (mask & (UINT64_C(1) << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return cinch_error_set(err, errno, "drop %s from the bounding set", cinch_cap_name(cap));
	}
	return 0;
}

/* What this process may still grant: its permitted set (the runtime's,
 * or all of them in a user namespace it is root of). */
static uint64_t grantable(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2] = {{0}};
	if (syscall(SYS_capget, &hdr, data) < 0)
		return ~UINT64_C(0); /* let capset name the failure */
	return (uint64_t)data[0].permitted | (uint64_t)data[1].permitted << 32;
}

int cinch_caps_set(const struct cinch_spec_capabilities *caps, struct cinch_error **err)
{
	/* The runtime-spec: a capability that cannot be granted (this host's
	 * root lacks one, say) is a warning, and the runtime should not fail;
	 * it is left out. */
	uint64_t have = grantable();
	uint64_t asked = caps ? (caps->effective.mask | caps->permitted.mask) : 0;
	for (int cap = 0; cap <= cinch_cap_last_cap(); cap++)
		if ((asked & ~have) & (UINT64_C(1) << cap))
			cinch_log(CINCH_LOG_WARNING, "process.capabilities: %s: the runtime does not hold it; not granted",
				  cinch_cap_name(cap));
	uint64_t known = ((UINT64_C(2) << cinch_cap_last_cap()) - 1) & have;
	uint64_t eff = caps ? caps->effective.mask & known : 0;
	uint64_t perm = caps ? caps->permitted.mask & known : 0;
	uint64_t inh = caps ? caps->inheritable.mask & known : 0;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2] = {
		{.effective = (uint32_t)eff, .permitted = (uint32_t)perm, .inheritable = (uint32_t)inh},
		{.effective = (uint32_t)(eff >> 32), .permitted = (uint32_t)(perm >> 32), .inheritable = (uint32_t)(inh >> 32)},
	};
	if (syscall(SYS_capset, &hdr, data) < 0)
		return cinch_error_set(err, errno, "set capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return cinch_error_set(err, errno, "clear ambient capabilities");
	uint64_t amb = caps ? caps->ambient.mask & known : 0;
	for (int cap = 0; cap <= cinch_cap_last_cap(); cap++) {
		if (!(amb & (UINT64_C(1) << cap)))
			continue;
		/* The kernel raises an ambient capability only if it is also
		 * permitted and inheritable.  runc's own `runc spec` lists
		 * ambient ones that are not inheritable, and runc skips them;
		 * so does cinch, with a warning, since nothing is granted. */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			cinch_log(CINCH_LOG_WARNING, "process.capabilities.ambient: %s not raised: %s",
				  cinch_cap_name(cap), strerror(errno));
	}
	return 0;
}
