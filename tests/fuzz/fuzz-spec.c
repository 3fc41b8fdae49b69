/* fuzz-spec: libFuzzer harness for the config.json reader.
 *
 * cinch_spec_parse() reads hostile input, so besides memory errors (ASan),
 * undefined behaviour (UBSan) and leaks (LSan), the harness checks the error
 * contract from include/cinch/error.h: a failure returns < 0 with *err set
 * to a message that names the file; a success returns a spec and leaves
 * *err alone. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/error.h"
#include "cinch/spec.h"

#define NAME "config.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void contract_broken(const char *why, const struct cinch_error *err)
{
	fprintf(stderr, "fuzz-spec: %s (err: %s)\n", why, err && err->msg ? err->msg : "none");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	int r = cinch_spec_parse((const char *)data, size, NAME, &spec, &err);

	if (r < 0) {
		if (!err || !err->msg)
			contract_broken("failed without setting *err", err);
		if (strncmp(err->msg, NAME ":", strlen(NAME ":")) != 0)
			contract_broken("error message does not name the file", err);
	} else {
		if (!spec)
			contract_broken("succeeded without a spec", err);
		if (err)
			contract_broken("succeeded but set *err", err);
	}
	if (spec)
		cinch_spec_free(spec);
	if (err)
		cinch_error_free(err);
	return 0;
}
