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
