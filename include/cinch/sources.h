/* sources: owns the bind sources the runtime opens for a container init
 * that runs in a new user namespace of the config's (mounts.h says which
 * and why).  A short-lived child of the runtime, the host's root, enters
 * init's mount namespace, opens each source there by its host path
 * (relative ones from the bundle) and hands it to init over the sync
 * socket, before init may go on: the mount init then binds is its own
 * namespace's copy, with the kernel's locks on it.  A mount the config
 * asks to idmap goes as an idmapped copy made there (idmap.h), through
 * its own maps' user namespace or else init's.  Each linux.devices node,
 * which init may not mknod there, is made by the runtime and handed over
 * as a detached mount. */
#ifndef CINCH_SOURCES_H
#define CINCH_SOURCES_H

#include <sys/types.h>

struct cinch_error;
struct cinch_spec;

/* Sends init (pid, on sock) each source of spec's mounts that
 * cinch_mounts_source_opened_by_runtime names, as CINCH_SYNC_SOURCE
 * messages (TREE for an idmapped copy), and each linux.devices node as
 * CINCH_SYNC_DEVICE; bundle is absolute, proc_fd the host's /proc.  One
 * that cannot be opened or made fails, naming the mount or device. */
int cinch_sources_send(const struct cinch_spec *spec, const char *bundle, int proc_fd, pid_t pid, int sock,
		       struct cinch_error **err);

#endif
