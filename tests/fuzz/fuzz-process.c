/* fuzz-process: libFuzzer harness for the process JSON that
 * `exec --process FILE` reads, cinch_spec_process_parse(). */
#include "config.h"

#define FUZZ_HARNESS "fuzz-process"
#include "fuzz.h"

#include "cinch/spec.h"

#define NAME "process.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cinch_spec_process *p = NULL;
	struct cinch_error *err = NULL;
	int r = cinch_spec_process_parse((const char *)data, size, NAME, &p, &err);
	fuzz_check(r, p != NULL, err, NAME ":");
	cinch_spec_process_free(p);
	cinch_error_free(err);
	return 0;
}
