/* fuzz-resources: libFuzzer harness for the LinuxResources JSON that
 * `update --resources FILE` reads, cinch_spec_resources_parse(). */
#include "config.h"

#define FUZZ_HARNESS "fuzz-resources"
#include "fuzz.h"

#include "cinch/spec.h"

#define NAME "resources.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cinch_spec_resources *res = NULL;
	struct cinch_error *err = NULL;
	int r = cinch_spec_resources_parse((const char *)data, size, NAME, &res, &err);
	fuzz_check(r, res != NULL, err, NAME ":");
	cinch_spec_resources_free(res);
	cinch_error_free(err);
	return 0;
}
