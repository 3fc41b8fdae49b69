/* seccomp: owns turning linux.seccomp into a kernel filter and loading it.
 *
 * The work is split so that every config error surfaces at `create`, in the
 * runtime, before any fork: cinch_seccomp_compile() maps the OCI names to
 * libseccomp, builds the filter and has libseccomp generate the BPF program
 * there and then.  The container's init only calls cinch_seccomp_load(),
 * which is one seccomp(2) call on a ready program: no allocation, no
 * libseccomp, safe after fork.
 *
 * Mapping (OCI runtime-spec config-linux.md, "Seccomp"):
 *   SCMP_ACT_KILL = SCMP_ACT_KILL_THREAD; SCMP_ACT_ERRNO and SCMP_ACT_TRACE
 *   take errnoRet / defaultErrnoRet (EPERM when unset; set on any other
 *   action it is an error); SCMP_ACT_NOTIFY is refused (no listener yet).
 *   A listed architecture is added to the native one; one this libseccomp
 *   does not know, or one of the other byte order (a libseccomp filter
 *   holds one), is skipped with a note: its system calls then meet the
 *   bad-architecture action, the thread is killed.  A rule whose action
 *   equals the default action is dropped (it changes nothing).  Arguments
 *   with distinct indexes form one rule (all must match); when an index
 *   repeats, each argument becomes its own rule (any may match), as runc
 *   does.  SCMP_CMP_MASKED_EQ: `value` is the mask, `valueTwo` the datum. */
#ifndef CINCH_SECCOMP_H
#define CINCH_SECCOMP_H

struct cinch_error;
struct cinch_spec_seccomp;
struct cinch_strv;
struct cinch_seccomp;

/* Builds the filter for `s` into *out.  A system call name that this
 * libseccomp does not know (newer than it) is skipped and listed in `notes`
 * (NULL-terminated; may be NULL to discard) as
 *   linux.seccomp.syscalls[i].names[j]: unknown system call "x" ignored */
int cinch_seccomp_compile(const struct cinch_spec_seccomp *s, struct cinch_seccomp **out, struct cinch_strv *notes,
                          struct cinch_error **err);

/* Installs the filter on the calling thread (every thread with
 * SECCOMP_FILTER_FLAG_TSYNC).  The caller must have set no_new_privs or
 * hold CAP_SYS_ADMIN; cinch sets no_new_privs itself.  Makes no allocation
 * unless it fails. */
int cinch_seccomp_load(const struct cinch_seccomp *f, struct cinch_error **err);

/* Number of BPF instructions in the compiled program. */
unsigned int cinch_seccomp_size(const struct cinch_seccomp *f);

void cinch_seccomp_free(struct cinch_seccomp *f);
void cinch_seccomp_freep(struct cinch_seccomp **f);
#define _cleanup_seccomp_ __attribute__((cleanup(cinch_seccomp_freep)))

#endif
