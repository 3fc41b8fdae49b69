/* fuzz-profile: libFuzzer harness for seccomp profile files (profiles/,
 * or any file named by org.cinch.seccomp.profile): the text is parsed as
 * linux.seccomp and compiled to a BPF program by libseccomp, as on a cache
 * miss, through cinch_profile_compile().  Nothing is loaded.  Besides the
 * error contract: a compiled filter has at least one instruction. */
#include "config.h"

#define FUZZ_HARNESS "fuzz-profile"
#include "fuzz.h"

#include "cinch/profile.h"
#include "cinch/seccomp.h"
#include "cinch/util.h"

#define NAME "profile.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cinch_seccomp *f = NULL;
	struct cinch_strv notes = {0};
	struct cinch_error *err = NULL;
	int r = cinch_profile_compile((const char *)data, size, NAME, &f, &notes, &err);
	fuzz_check(r, f != NULL, err, NAME ":");
	if (r == 0 && cinch_seccomp_size(f) == 0)
		fuzz_broken("compiled an empty program", NULL);
	cinch_seccomp_free(f);
	free_strv(notes.items);
	cinch_error_free(err);
	return 0;
}
