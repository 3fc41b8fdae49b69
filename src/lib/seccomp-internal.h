/* seccomp-internal: what seccomp.c shares with its compiled-filter cache
 * (seccomp-cache.c): the shape of a compiled program. */
#ifndef CINCH_SECCOMP_INTERNAL_H
#define CINCH_SECCOMP_INTERNAL_H

#include <linux/filter.h>

/* Part of every cache key: bump it whenever cinch_seccomp_compile() would
 * turn the same input into another program. */
#define CINCH_SECCOMP_COMPILER_REVISION 4

struct cinch_seccomp {
	unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	unsigned short len;
	struct sock_filter *insns;
};

#endif
