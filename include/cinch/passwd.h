/* passwd: owns HOME for a container process whose environment has none:
 * the home directory of its uid in the container's /etc/passwd, as runc
 * and crun set it, else "/".
 *
 * The file is the image's, and the image may be hostile: it is read
 * through the process's root (after pivot_root, or in the container's
 * mount namespace for exec) with no magic link followed, only if it is a
 * regular file of a real file system (a FIFO would block, a device's
 * driver would run, a file of /proc or /sys is not the image's), without
 * blocking, and only up to CINCH_PASSWD_MAX bytes; past that it counts as
 * absent.  It is read with the credentials the process has once it is in
 * the workload's user namespace, before it switches to its user: a
 * remapped root cannot read through it what the image's root could not.
 * Parsing is pure and unit-tested. */
#ifndef CINCH_PASSWD_H
#define CINCH_PASSWD_H

#include <stddef.h>
#include <stdint.h>

#define CINCH_PASSWD_MAX (4u << 20)

/* The home field of the first line of passwd text whose uid field is uid
 * (decimal, nothing else), newly allocated; NULL when no line is, or its
 * home is empty or not absolute. */
char *cinch_passwd_home(const char *text, size_t len, uint32_t uid);

/* env when it sets HOME already; else a new array (the caller frees the
 * array and its last entry only, see cinch_passwd_env_free) that adds
 * HOME from /etc/passwd of the caller's root, or HOME=/. */
char **cinch_passwd_env_with_home(char **env, uint32_t uid);

/* Frees what cinch_passwd_env_with_home allocated, if anything. */
void cinch_passwd_env_free(char **env, char **orig);

#endif
