#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/profile.h"
#include "cinch/seccomp.h"
#include "cinch/spec.h"
#include "cinch/util.h"

const char *cinch_profile_dir(void)
{
	const char *env = getenv("CINCH_PROFILE_DIR");
	if (env && *env)
		return env;
	/* An uninstalled build (tests, the quick start) reads the tree's own. */
	if (access(CINCH_DATADIR "/profiles/default.json", R_OK) != 0 &&
	    access(CINCH_SRC_PROFILES "/default.json", R_OK) == 0)
		return CINCH_SRC_PROFILES;
	return CINCH_DATADIR "/profiles";
}

static const char *annotation(const struct cinch_spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->annotations.n; i++)
		if (strcmp(spec->annotations.items[i].key, key) == 0)
			return spec->annotations.items[i].value;
	return NULL;
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
	cinch_log(CINCH_LOG_INFO, "decision: no linux.seccomp in the config: applying profile %s", path);
	/* Keyed on the file's bytes, so that a hit skips parsing it too. */
	struct cinch_buf key = {0};
	cinch_seccomp_key_bytes("profile", text, len, &key);
	int r = 0;
	if (!cinch_seccomp_cache_get(cache_root, &key, out)) {
		if (cinch_profile_compile(text, len, path, out, NULL, err) < 0)
			r = cinch_error_prefix(err, "seccomp profile \"%s\"", name);
		else
			cinch_seccomp_cache_put(cache_root, &key, *out);
	}
	cinch_buf_free(&key);
	return r;
}

int cinch_profile_seccomp(const struct cinch_spec *spec, const char *cache_root, struct cinch_seccomp **out,
                          struct cinch_error **err)
{
	*out = NULL;
	if (spec->linux_.has_seccomp) {
		struct cinch_buf key = {0};
		cinch_seccomp_key_spec(&spec->linux_.seccomp, &key);
		int r = 0;
		if (!cinch_seccomp_cache_get(cache_root, &key, out)) {
			r = cinch_seccomp_compile(&spec->linux_.seccomp, out, NULL, err);
			if (r == 0)
				cinch_seccomp_cache_put(cache_root, &key, *out);
		}
		cinch_buf_free(&key);
		return r;
	}
	const char *name = annotation(spec, CINCH_PROFILE_ANNOTATION);
	if (name == NULL)
		name = "default";
	if (strcmp(name, "unconfined") == 0) {
		cinch_log(CINCH_LOG_WARNING, "decision: annotation " CINCH_PROFILE_ANNOTATION
		                             "=unconfined: the container runs without a seccomp filter");
		return 0;
	}
	if (!name_ok(name))
		return cinch_error_set(
		    err, 0, "annotations[\"" CINCH_PROFILE_ANNOTATION "\"]: \"%s\" is not a profile name", name);
	return load_profile(name, cache_root, out, err);
}
