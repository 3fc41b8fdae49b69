/* spawn: owns making the processes of a container (its init, and exec's
 * joiner and process): clone or clone3 with the CLONE_NEW* flags given,
 * straight into a v2 cgroup when one is given (CLONE_INTO_CGROUP, so that
 * the child needs no cgroup.procs write; see cinch_cgroup_entry), either
 * as a fork or borrowing the caller's memory until the child execs. */
#ifndef CINCH_SPAWN_H
#define CINCH_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/* Forks (no CLONE_VM: it returns twice) with flags; with cgroup_dir >= 0,
 * a v2 cgroup directory, through clone3 straight into it.  *placed says
 * whether that happened; it is set before each attempt, so the child's
 * copy holds the answer too. */
pid_t cinch_spawn_fork(unsigned long flags, int cgroup_dir, bool *placed);

/* Like cinch_spawn_fork, but the child runs fn(arg) in the caller's
 * memory, on a stack of its own, while the caller sleeps in the kernel
 * until the child execs or exits (CLONE_VM | CLONE_VFORK, as posix_spawn
 * does): no page tables to copy, no copy-on-write fault for each page the
 * child writes.  Only for a child that goes straight to execve with nothing
 * to wait for from the caller, which must be single-threaded (the child
 * uses malloc and stdio as their only user).  What it writes in memory the
 * caller sees, so a cache it fills would hold the child's view (mount
 * namespace, /proc): fill the caller's first (cgroup layout,
 * cinch_cap_last_cap).  The caller's dumpable flag comes back after.  If
 * fn returns, the child exits with its value.  With a cgroup_dir on an
 * architecture without clone3 on a stack (x86_64 has one), and in a
 * sanitizer build, the child is a fork instead. */
pid_t cinch_spawn_borrow(unsigned long flags, int cgroup_dir, int (*fn)(void *), void *arg, bool *placed);

/* Whether this build's cinch_spawn_borrow lends memory at all. */
bool cinch_spawn_borrows(void);

#endif
