#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/state.h"
#include "cinch/util.h"
#include "unit.h"

static const char *refusal(const char *id)
{
	static char msg[512];
	struct cinch_error *err = NULL;
	if (cinch_state_validate_id(id, &err) == 0)
		return NULL;
	strncpy(msg, err->msg, sizeof(msg) - 1);
	cinch_error_free(err);
	return msg;
}

START_TEST(accepts_runc_ids)
{
	ck_assert_ptr_null(refusal("web-1"));
	ck_assert_ptr_null(refusal("a.b_c+d-E9"));
	ck_assert_ptr_null(refusal("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	ck_assert_ptr_null(refusal("a..."));
	ck_assert_ptr_null(refusal("-x"));
	ck_assert_ptr_null(refusal("_x"));
}
END_TEST

START_TEST(refuses_hostile_ids)
{
	ck_assert_str_eq(refusal(""), "container id must not be empty");
	ck_assert_str_eq(refusal("/"), "invalid container id \"/\": '/' is not allowed; allowed: A-Z a-z 0-9 _ + . -");
	ck_assert_str_eq(refusal("../../etc"),
	                 "invalid container id \"../../etc\": '/' is not allowed; allowed: A-Z a-z 0-9 _ + . -");
	ck_assert_str_eq(refusal("a b"),
	                 "invalid container id \"a b\": ' ' is not allowed; allowed: A-Z a-z 0-9 _ + . -");
	ck_assert_str_eq(refusal("a\nb"), "invalid container id: byte 0x0a at offset 1; allowed: A-Z a-z 0-9 _ + . -");
	ck_assert_str_eq(refusal("caf\xc3\xa9"),
	                 "invalid container id: byte 0xc3 at offset 3; allowed: A-Z a-z 0-9 _ + . -");
	/* '@' keeps the seccomp cache directory apart from every id. */
	ck_assert_str_eq(refusal("@seccomp-cache"),
	                 "invalid container id \"@seccomp-cache\": '@' is not allowed; allowed: A-Z a-z 0-9 _ + . -");
}
END_TEST

/* A name with a leading '.' is hidden from directory listings; `list`
 * skipped such ids, so a container could run unseen. */
START_TEST(refuses_leading_dot)
{
	ck_assert_str_eq(refusal(".hidden"), "invalid container id \".hidden\": it must not start with '.'");
	ck_assert_str_eq(refusal(".x"), "invalid container id \".x\": it must not start with '.'");
	ck_assert_str_eq(refusal("."), "invalid container id \".\": it must not start with '.'");
	ck_assert_str_eq(refusal(".."), "invalid container id \"..\": it must not start with '.'");
	ck_assert_str_eq(refusal("..."), "invalid container id \"...\": it must not start with '.'");
	/* A byte the terminal would act on is reported by offset, not echoed. */
	ck_assert_str_eq(refusal(".\x1b"), "invalid container id: byte 0x1b at offset 1; allowed: A-Z a-z 0-9 _ + . -");
}
END_TEST

START_TEST(refuses_overlong_id)
{
	char id[CINCH_ID_MAX + 2];
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	ck_assert_str_eq(refusal(id), "container id is longer than 1024 characters");
}
END_TEST

/* ---- cinch_state_list_ids ---- */

static char *make_root(void)
{
	char tmpl[] = "/tmp/cinch-test-state.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void remove_root(const char *root, const char *const *names)
{
	for (const char *const *n = names; *n; n++) {
		char *p = NULL;
		xasprintf(&p, "%s/%s", root, *n);
		rmdir(p);
		free(p);
	}
	ck_assert_int_eq(rmdir(root), 0);
}

START_TEST(lists_every_accepted_id)
{
	char *root = make_root();
	/* Ids that sort before '.' or start with characters a careless
	 * filter might take for options or hidden names. */
	static const char *const names[] = {"web-1", "-dash", "+plus", "_under", "9", "a...", "@seccomp-cache", NULL};
	for (const char *const *n = names; *n; n++) {
		char *p = NULL;
		xasprintf(&p, "%s/%s", root, *n);
		ck_assert_int_eq(mkdir(p, 0700), 0);
		free(p);
	}
	char **ids = NULL;
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_state_list_ids(root, &ids, &err), 0);
	ck_assert_ptr_null(err);
	static const char *const want[] = {"+plus", "-dash", "9", "_under", "a...", "web-1"};
	size_t n = 0;
	while (ids[n])
		n++;
	ck_assert_uint_eq(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_str_eq(ids[i], want[i]);
	free_strv(ids);
	remove_root(root, names);
	free(root);
}
END_TEST

START_TEST(lists_absent_root_as_empty)
{
	char **ids = NULL;
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_state_list_ids("/nonexistent/cinch-test-root", &ids, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_ptr_null(ids[0]);
	free_strv(ids);
}
END_TEST

/* ---- cinch_state_parse ---- */

#define GOOD_STATE                                                                                                     \
	"{\"id\":\"web-1\",\"pid\":4242,\"pidStart\":123456789,\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\","            \
	"\"created\":\"2026-11-23T20:14:09.123456789Z\",\"owner\":\"\",\"cgroupPath\":\"/cinch/web-1\","               \
	"\"systemdCgroup\":false,\"ownPidNamespace\":true,\"createdOk\":true,\"annotations\":{\"k\":\"v\"}}"

/* Parses text as "state.json"; returns the message on failure (NULL on
 * success) and checks that a failure leaves the state cleared. */
static const char *parse_refusal(const char *text)
{
	static char msg[1024];
	struct cinch_state st;
	struct cinch_error *err = NULL;
	if (cinch_state_parse(text, strlen(text), "state.json", &st, &err) == 0) {
		ck_assert_ptr_null(err);
		cinch_state_clear(&st);
		return NULL;
	}
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_null(st.id);
	ck_assert_ptr_null(st.cgroup_path);
	ck_assert_ptr_null(st.annotations.items);
	ck_assert_uint_eq(st.annotations.n, 0);
	snprintf(msg, sizeof(msg), "%s", err->msg);
	cinch_error_free(err);
	return msg;
}

START_TEST(parses_saved_state)
{
	struct cinch_state st;
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_state_parse(GOOD_STATE, strlen(GOOD_STATE), "state.json", &st, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(st.id, "web-1");
	ck_assert_int_eq(st.pid, 4242);
	ck_assert_uint_eq(st.pid_start, 123456789);
	ck_assert_str_eq(st.bundle, "/b");
	ck_assert_str_eq(st.rootfs, "/b/rootfs");
	ck_assert_str_eq(st.created, "2026-11-23T20:14:09.123456789Z");
	ck_assert_str_eq(st.owner, "");
	ck_assert_str_eq(st.cgroup_path, "/cinch/web-1");
	ck_assert(!st.systemd_cgroup);
	ck_assert(st.own_pid_ns);
	ck_assert(st.created_ok);
	ck_assert_uint_eq(st.annotations.n, 1);
	ck_assert_str_eq(st.annotations.items[0].key, "k");
	ck_assert_str_eq(st.annotations.items[0].value, "v");
	cinch_state_clear(&st);
}
END_TEST

START_TEST(parses_minimal_state)
{
	/* What a create killed right after saving leaves has every field;
	 * older files may lack the optional ones. */
	ck_assert_ptr_null(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\"}"));
}
END_TEST

START_TEST(round_trips_through_save_and_load)
{
	char *root = make_root();
	struct cinch_state_dir d;
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_state_dir_create(root, "rt-1", &d, &err), 0);
	struct cinch_kv ann[] = {{(char *)"org.example/x", (char *)"a \"quoted\" value"}};
	struct cinch_state in = {
	    .id = (char *)"rt-1",
	    .pid = 2147483647,
	    .pid_start = 9223372036854775807ull,
	    .bundle = (char *)"/b",
	    .cgroup_path = (char *)"/sys/fs/cgroup/x",
	    .systemd_cgroup = true,
	    .created_ok = true,
	    .annotations = {.items = ann, .n = 1},
	};
	ck_assert_int_eq(cinch_state_save(&d, &in, &err), 0);
	struct cinch_state out;
	ck_assert_int_eq(cinch_state_load(&d, &out, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(out.id, "rt-1");
	ck_assert_int_eq(out.pid, 2147483647);
	ck_assert_uint_eq(out.pid_start, 9223372036854775807ull);
	ck_assert_str_eq(out.bundle, "/b");
	ck_assert_str_eq(out.rootfs, "");
	ck_assert_str_eq(out.cgroup_path, "/sys/fs/cgroup/x");
	ck_assert(out.systemd_cgroup && !out.own_pid_ns && out.created_ok);
	ck_assert_uint_eq(out.annotations.n, 1);
	ck_assert_str_eq(out.annotations.items[0].key, "org.example/x");
	ck_assert_str_eq(out.annotations.items[0].value, "a \"quoted\" value");
	cinch_state_clear(&out);
	ck_assert_int_eq(cinch_state_dir_remove(&d, &err), 0);
	ck_assert_int_eq(rmdir(root), 0);
	free(root);
}
END_TEST

START_TEST(refuses_corrupt_state)
{
	ck_assert_str_eq(parse_refusal(""), "state.json:1:0: corrupt state file: '[' or '{' expected near end of file");
	ck_assert_str_eq(parse_refusal("{\"id\":"),
	                 "state.json:1:6: corrupt state file: unexpected token near end of file");
	ck_assert_str_eq(parse_refusal("[]"), "state.json: corrupt state file: expected a JSON object");
	ck_assert_str_eq(parse_refusal("{\"cgroupPath\":\"\"}"), "state.json: corrupt state file: \"id\" is missing");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\"}"), "state.json: corrupt state file: \"cgroupPath\" is missing");
	ck_assert_str_eq(parse_refusal("{\"id\":7,\"cgroupPath\":\"\"}"),
	                 "state.json: corrupt state file: \"id\": expected a string");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\",\"bundle\":null}"),
	                 "state.json: corrupt state file: \"bundle\": expected a string");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\",\"createdOk\":1}"),
	                 "state.json: corrupt state file: \"createdOk\": expected true or false");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\",\"pid\":\"1\"}"),
	                 "state.json: corrupt state file: \"pid\": expected an integer");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\",\"annotations\":[]}"),
	                 "state.json: corrupt state file: \"annotations\": expected an object");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\",\"annotations\":{\"k\":\"v\",\"n\":1}}"),
	                 "state.json: corrupt state file: annotations[\"n\"]: expected a string");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"id\":\"b\",\"cgroupPath\":\"\"}"),
	                 "state.json:1:14: corrupt state file: duplicate object key near '\"id\"'");
}
END_TEST

START_TEST(refuses_pid_out_of_range)
{
	/* Cast to pid_t, 4294967297 would be 1: kill would signal the host's
	 * init. */
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\",\"pid\":4294967297}"),
	                 "state.json: corrupt state file: \"pid\": 4294967297 is out of range 0..2147483647");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\",\"pid\":-1}"),
	                 "state.json: corrupt state file: \"pid\": -1 is out of range 0..2147483647");
	ck_assert_str_eq(parse_refusal("{\"id\":\"a\",\"cgroupPath\":\"\",\"pidStart\":-5}"),
	                 "state.json: corrupt state file: \"pidStart\": -5 is out of range 0..9223372036854775807");
}
END_TEST

START_TEST(refuses_state_with_bad_id)
{
	ck_assert_str_eq(parse_refusal("{\"id\":\".hidden\",\"cgroupPath\":\"\"}"),
	                 "state.json: corrupt state file: \"id\": invalid container id \".hidden\": it must not start "
	                 "with '.'");
	ck_assert_str_eq(parse_refusal("{\"id\":\"../x\",\"cgroupPath\":\"\"}"),
	                 "state.json: corrupt state file: \"id\": invalid container id \"../x\": '/' is not allowed; "
	                 "allowed: A-Z a-z 0-9 _ + . -");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("ids");
	tcase_add_test(tc, accepts_runc_ids);
	tcase_add_test(tc, refuses_hostile_ids);
	tcase_add_test(tc, refuses_leading_dot);
	tcase_add_test(tc, refuses_overlong_id);
	suite_add_tcase(s, tc);
	tc = tcase_create("list");
	tcase_add_test(tc, lists_every_accepted_id);
	tcase_add_test(tc, lists_absent_root_as_empty);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_test(tc, parses_saved_state);
	tcase_add_test(tc, parses_minimal_state);
	tcase_add_test(tc, round_trips_through_save_and_load);
	tcase_add_test(tc, refuses_corrupt_state);
	tcase_add_test(tc, refuses_pid_out_of_range);
	tcase_add_test(tc, refuses_state_with_bad_id);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
