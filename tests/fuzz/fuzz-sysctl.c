/* fuzz-sysctl: libFuzzer harness for the keys of config.json's
 * linux.sysctl, cinch_sysctl_check().  The first byte picks which of the
 * ipc, network and uts namespaces the container has to itself (bits 0, 1
 * and 2); the rest is the key.  Besides the error contract: an accepted
 * key is dotted, has no empty component, reads back as itself, and its
 * path stays under /proc/sys. */
#include "config.h"

#include <sched.h>

#define FUZZ_HARNESS "fuzz-sysctl"
#include "fuzz.h"

#include "cinch/sysctl.h"

static unsigned long namespaces(uint8_t b)
{
	return ((b & 1) ? CLONE_NEWIPC : 0) | ((b & 2) ? CLONE_NEWNET : 0) | ((b & 4) ? CLONE_NEWUTS : 0);
}

static void check_normalized(const char *key, unsigned long ns)
{
	if (key[0] == '\0' || key[0] == '.' || key[strlen(key) - 1] == '.' || strstr(key, "..") != NULL ||
	    strchr(key, '/') != NULL)
		fuzz_broken("accepted a key with an empty component or a '/'", NULL);
	char *again = NULL;
	struct cinch_error *err = NULL;
	if (cinch_sysctl_check(key, ns, &again, &err) < 0 || strcmp(again, key) != 0)
		fuzz_broken("a normalised key does not read back as itself", err);
	free(again);
	char *path = cinch_sysctl_path(key);
	if (path[0] == '/' || strstr(path, "..") != NULL)
		fuzz_broken("the path of an accepted key leaves /proc/sys", NULL);
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	unsigned long ns = namespaces(data[0]);
	char *key = fuzz_string(data + 1, size - 1);
	char *normalized = NULL;
	struct cinch_error *err = NULL;
	int r = cinch_sysctl_check(key, ns, &normalized, &err);
	fuzz_check(r, normalized != NULL, err, "linux.sysctl[\"");
	if (r == 0)
		check_normalized(normalized, ns);
	else if (normalized != NULL)
		fuzz_broken("failed but set *normalized", err);
	free(normalized);
	free(key);
	cinch_error_free(err);
	return 0;
}
