/* profile: owns the shipped least-privilege profiles (the JSON files in
 * profiles/: an OCI linux.seccomp object plus an "x-cinch" key) and turning
 * the plan's choice of filter (decide.h: the config's own, a profile, or
 * none) into a compiled filter, through the seccomp cache. */
#ifndef CINCH_PROFILE_H
#define CINCH_PROFILE_H

#include <stddef.h>

struct cinch_error;
struct cinch_spec;
struct cinch_seccomp;
struct cinch_strv;

#define CINCH_PROFILE_ANNOTATION "org.cinch.seccomp.profile"

/* The filter the plan chose; *out is NULL when it chose none.  The
 * program comes from the seccomp cache under the state root `cache_root`
 * when it is there, and is stored there after a compile. */
struct cinch_plan;
int cinch_profile_seccomp(const struct cinch_spec *spec, const struct cinch_plan *plan, const char *cache_root,
                          struct cinch_seccomp **out, struct cinch_error **err);

/* Turns a profile file's text into a filter: parses it as linux.seccomp and
 * compiles it, without the cache and without loading it.  Messages start
 * with `path`; `notes` as for cinch_seccomp_compile (may be NULL). */
int cinch_profile_compile(const char *text, size_t len, const char *path, struct cinch_seccomp **out,
                          struct cinch_strv *notes, struct cinch_error **err);

/* The directory profiles are read from: $CINCH_PROFILE_DIR when set, else
 * the installed one, else (an uninstalled build) the source tree's. */
const char *cinch_profile_dir(void);

#endif
