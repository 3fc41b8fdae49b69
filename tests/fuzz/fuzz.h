/* fuzz.h: what every libFuzzer harness in tests/fuzz shares.
 *
 * Each harness feeds one parser that reads outside input.  Besides memory
 * errors (ASan), undefined behaviour (UBSan) and leaks (LSan), it checks
 * the error contract of include/cinch/error.h: a failure returns < 0 with
 * *err set to a message that names its object; a success leaves *err
 * alone.  A broken contract aborts, which libFuzzer reports as a crash
 * and keeps the input. */
#ifndef CINCH_FUZZ_H
#define CINCH_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each harness defines FUZZ_HARNESS, its name, before including this. */
#ifndef FUZZ_HARNESS
#error "define FUZZ_HARNESS before including fuzz.h"
#endif

__attribute__((noreturn)) static inline void fuzz_broken(const char *why, const struct cinch_error *err)
{
	fprintf(stderr, FUZZ_HARNESS ": %s (err: %s)\n", why, err && err->msg ? err->msg : "none");
	abort();
}

/* The contract for a parser that returned r and made a result or not
 * (`made`); on failure the message must start with `prefix`. */
static inline void fuzz_check(int r, bool made, const struct cinch_error *err, const char *prefix)
{
	if (r < 0) {
		if (err == NULL || err->msg == NULL)
			fuzz_broken("failed without setting *err", err);
		if (strncmp(err->msg, prefix, strlen(prefix)) != 0)
			fuzz_broken("error message does not name its object", err);
		return;
	}
	if (r != 0)
		fuzz_broken("returned neither 0 nor < 0", err);
	if (err != NULL)
		fuzz_broken("succeeded but set *err", err);
	if (!made)
		fuzz_broken("succeeded without a result", err);
}

/* The input as a C string, as argv or a JSON string would hand it over:
 * it ends at the first NUL. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
