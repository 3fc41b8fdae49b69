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

#include <stdbool.h>
#include <stddef.h>

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

/* Whether this kernel runs x32 calls (CONFIG_X86_X32_ABI).  Where it does
 * not, x32 is left out of every filter like any architecture the host
 * cannot run: an x32 call then meets the bad-architecture action (kill)
 * instead of the kernel's ENOSYS, and the program is a quarter shorter.
 * Always false off x86_64. */
bool cinch_seccomp_x32_runs(void);

/* Number of BPF instructions in the compiled program. */
unsigned int cinch_seccomp_size(const struct cinch_seccomp *f);

/* ---- The cache ----
 * libseccomp building and optimising a filter is most of cinch's own CPU
 * time on a start, and a host runs the same few filters over and over, so
 * compiled programs are kept under the state root, in CINCH_SECCOMP_CACHE_DIR
 * ('@' cannot be part of a container id), 256 slots of one file each.
 *
 * A key is the whole input of a compile: the filter (every field of
 * linux.seccomp, or a profile file's bytes) plus what else shapes the
 * program (the cinch, libseccomp and kernel versions, the native
 * architecture).  It comes in two parts, the serialised `key` and a `tail`
 * of bytes the caller holds (a profile's text, read once and not copied),
 * and is key followed by tail.  A file stores its key, and
 * is used only when that key equals the caller's byte for byte; the hash
 * only picks the slot, so a collision is a miss, never another filter.
 * The directory must belong to the caller and be writable by nobody else,
 * and a file must be private to the caller; anything else (a link, a short
 * or foreign file) is a miss.  The cache never fails a start: trouble
 * reading or writing it is a debug line and a compile. */
#define CINCH_SECCOMP_CACHE_DIR "@seccomp-cache"

struct cinch_buf;

/* Appends to `key` the key for the parsed filter `s`. */
void cinch_seccomp_key_spec(const struct cinch_spec_seccomp *s, struct cinch_buf *key);
/* Appends the key for a filter given as len bytes (a profile file's
 * text), which are then the key's tail; `kind` keeps different sorts of
 * input apart. */
void cinch_seccomp_key_bytes(const char *kind, size_t len, struct cinch_buf *key);

/* The program stored under `key` and `tail` (NULL, 0 for none) in the
 * cache under the state root `root`. */
bool cinch_seccomp_cache_get(const char *root, const struct cinch_buf *key, const void *tail, size_t tail_len,
			     struct cinch_seccomp **out);
/* Stores `f` under `key` and `tail`, replacing whatever held the slot. */
void cinch_seccomp_cache_put(const char *root, const struct cinch_buf *key, const void *tail, size_t tail_len,
			     const struct cinch_seccomp *f);

void cinch_seccomp_free(struct cinch_seccomp *f);
void cinch_seccomp_freep(struct cinch_seccomp **f);
#define _cleanup_seccomp_ __attribute__((cleanup(cinch_seccomp_freep)))

#endif
