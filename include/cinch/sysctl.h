/* sysctl: owns which linux.sysctl keys a container may set.  Only keys
 * that the kernel keeps per namespace are allowed, and each only when the
 * container has that namespace to itself; everything else would change
 * the host:
 *   kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*   an ipc namespace
 *   net.*                                              a network namespace
 *   kernel.hostname, kernel.domainname                 a uts namespace
 * A key may be written with '/' (net/ipv4/ip_forward); it is normalised to
 * dots first.  Empty components (so "..", a leading or trailing
 * separator) are refused.  Pure: no file is read. */
#ifndef CINCH_SYSCTL_H
#define CINCH_SYSCTL_H

#include <stdbool.h>

struct cinch_error;

/* Whether key is well formed as a sysctl name, whatever it names. */
bool cinch_sysctl_name_ok(const char *key);

/* private_ns: the CLONE_NEWIPC, CLONE_NEWNET and CLONE_NEWUTS bits of the
 * namespaces the container does not share with the host.  On success
 * *normalized is the dotted key (malloc'd); on failure the message names
 * the key as written. */
int cinch_sysctl_check(const char *key, unsigned long private_ns, char **normalized, struct cinch_error **err);

/* The path under /proc/sys of a normalised key: dots become slashes. */
char *cinch_sysctl_path(const char *normalized);

#endif
