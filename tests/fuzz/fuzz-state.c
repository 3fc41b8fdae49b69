/* fuzz-state: libFuzzer harness for the reader of a container's
 * state.json, cinch_state_parse().  Besides the error contract: a failure
 * leaves the state cleared; a success holds an id that create would accept
 * and a pid in range, and renders as the OCI state object. */
#include "config.h"

#define FUZZ_HARNESS "fuzz-state"
#include "fuzz.h"

#include "cinch/state.h"

#define NAME "state.json"

static void check_parsed(const struct cinch_state *st)
{
	if (st->id == NULL || cinch_state_validate_id(st->id, NULL) < 0)
		fuzz_broken("accepted an id that create refuses", NULL);
	if (st->cgroup_path == NULL)
		fuzz_broken("accepted a state without cgroupPath", NULL);
	if (st->pid < 0)
		fuzz_broken("accepted a negative pid", NULL);
	if (st->annotations.n > 0 && st->annotations.items == NULL)
		fuzz_broken("annotations counted but not stored", NULL);
	/* What `state` prints from it; the strings came from outside. */
	char *json = cinch_state_json(st, CINCH_STATUS_STOPPED);
	free(json);
}

static void check_cleared(const struct cinch_state *st, const struct cinch_error *err)
{
	if (st->id || st->bundle || st->rootfs || st->created || st->owner || st->cgroup_path ||
	    st->annotations.items || st->annotations.n)
		fuzz_broken("failed but left the state holding something", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cinch_state st;
	struct cinch_error *err = NULL;
	int r = cinch_state_parse((const char *)data, size, NAME, &st, &err);
	fuzz_check(r, true, err, NAME ":");
	if (r == 0)
		check_parsed(&st);
	else
		check_cleared(&st, err);
	cinch_state_clear(&st);
	cinch_error_free(err);
	return 0;
}
