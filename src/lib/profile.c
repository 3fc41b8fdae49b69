#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cinch/decide.h"
#include "cinch/error.h"
#include "cinch/profile.h"
#include "cinch/seccomp.h"
#include "cinch/spec.h"
#include "cinch/util.h"

const char *cinch_profile_dir(void)
{
	const char *env = getenv("CINCH_PROFILE_DIR");
	if (env && *env)
		return env;
#ifdef CINCH_TREE_PROFILES
	/* An uninstalled build (tests, the quick start) reads the tree's own;
	 * a package's binary is configured without this (--disable-tree-profiles). */
	if (access(CINCH_DATADIR "/profiles/default.json", R_OK) != 0 &&
	    access(CINCH_SRC_PROFILES "/default.json", R_OK) == 0)
		return CINCH_SRC_PROFILES;
#endif
	return CINCH_DATADIR "/profiles";
}

static bool name_ok(const char *name)
{
	/* A name, never a path. */
	return name[0] != '\0' && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(name);
}

int cinch_profile_compile(const char *text, size_t len, const char *path, struct cinch_seccomp **out,
                          struct cinch_strv *notes, struct cinch_error **err)
{
	struct cinch_spec_seccomp *s = NULL;
	if (cinch_spec_seccomp_parse(text, len, path, &s, err) < 0)
		return -1;
	int r = 0;
	/* The compiler names the field; the file is ours to add. */
	if (cinch_seccomp_compile(s, out, notes, err) < 0)
		r = cinch_error_prefix(err, "%s", path);
	cinch_spec_seccomp_free(s);
	return r;
}

static int load_profile(const char *name, const char *cache_root, struct cinch_seccomp **out, struct cinch_error **err)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/%s.json", cinch_profile_dir(), name);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (cinch_read_file(path, CINCH_SPEC_MAX_SIZE, &text, &len, err) < 0)
		return cinch_error_prefix(err, "seccomp profile \"%s\"", name);
	/* Keyed on the file's bytes, so that a hit skips parsing it too. */
	struct cinch_buf key = {0};
	cinch_seccomp_key_bytes("profile", len, &key);
	int r = 0;
	if (!cinch_seccomp_cache_get(cache_root, &key, text, len, out)) {
		if (cinch_profile_compile(text, len, path, out, NULL, err) < 0)
			r = cinch_error_prefix(err, "seccomp profile \"%s\"", name);
		else
			cinch_seccomp_cache_put(cache_root, &key, text, len, *out);
	}
	cinch_buf_free(&key);
	return r;
}

int cinch_profile_seccomp(const struct cinch_spec *spec, const struct cinch_plan *plan, const char *cache_root,
                          struct cinch_seccomp **out, struct cinch_error **err)
{
	*out = NULL;
	if (plan->seccomp == CINCH_SECCOMP_NONE)
		return 0;
	if (plan->seccomp == CINCH_SECCOMP_PROFILE) {
		if (!name_ok(plan->profile))
			return cinch_error_set(err, 0, "annotations[\"" CINCH_PROFILE_ANNOTATION
						       "\"]: \"%s\" is not a profile name",
					       plan->profile);
		return load_profile(plan->profile, cache_root, out, err);
	}
	struct cinch_buf key = {0};
	cinch_seccomp_key_spec(&spec->linux_.seccomp, &key);
	int r = 0;
	if (!cinch_seccomp_cache_get(cache_root, &key, NULL, 0, out)) {
		r = cinch_seccomp_compile(&spec->linux_.seccomp, out, NULL, err);
		if (r == 0)
			cinch_seccomp_cache_put(cache_root, &key, NULL, 0, *out);
	}
	cinch_buf_free(&key);
	return r;
}
