/* fuzz-spec: libFuzzer harness for the config.json reader,
 * cinch_spec_parse().  Seeds: tests/data/spec (the golden configs). */
#include "config.h"

#define FUZZ_HARNESS "fuzz-spec"
#include "fuzz.h"

#include "cinch/spec.h"

#define NAME "config.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	int r = cinch_spec_parse((const char *)data, size, NAME, &spec, &err);
	fuzz_check(r, spec != NULL, err, NAME ":");
	cinch_spec_free(spec);
	cinch_error_free(err);
	return 0;
}
