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

static int load_profile(const char *name, struct cinch_seccomp **out, struct cinch_error **err)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/%s.json", cinch_profile_dir(), name);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct cinch_spec_seccomp *s = NULL;
	if (cinch_read_file(path, CINCH_SPEC_MAX_SIZE, &text, &len, err) < 0 ||
	    cinch_spec_seccomp_parse(text, len, path, &s, err) < 0)
		return cinch_error_prefix(err, "seccomp profile \"%s\"", name);
	int r = cinch_seccomp_compile(s, out, NULL, err);
	cinch_spec_seccomp_free(s);
	if (r < 0)
		return cinch_error_prefix(err, "%s", path);
	cinch_log(CINCH_LOG_INFO, "decision: no linux.seccomp in the config: applying profile %s", path);
	return 0;
}

int cinch_profile_seccomp(const struct cinch_spec *spec, struct cinch_seccomp **out, struct cinch_error **err)
{
	*out = NULL;
	if (spec->linux_.has_seccomp)
		return cinch_seccomp_compile(&spec->linux_.seccomp, out, NULL, err);
	const char *name = annotation(spec, CINCH_PROFILE_ANNOTATION);
	if (name == NULL)
		name = "default";
	if (strcmp(name, "unconfined") == 0) {
		cinch_log(CINCH_LOG_WARNING, "decision: annotation " CINCH_PROFILE_ANNOTATION
					     "=unconfined: the container runs without a seccomp filter");
		return 0;
	}
	if (!name_ok(name))
		return cinch_error_set(err, 0, "annotations[\"" CINCH_PROFILE_ANNOTATION "\"]: \"%s\" is not a profile name",
				       name);
	return load_profile(name, out, err);
}
