#include "config.h"

#include <string.h>

#include "cinch/error.h"
#include "cinch/state.h"
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
	ck_assert_ptr_null(refusal("..."));
}
END_TEST

START_TEST(refuses_hostile_ids)
{
	ck_assert_str_eq(refusal(""), "container id must not be empty");
	ck_assert_str_eq(refusal("."), "invalid container id \".\"");
	ck_assert_str_eq(refusal(".."), "invalid container id \"..\"");
	ck_assert_str_eq(refusal("/"), "invalid container id \"/\": '/' is not allowed; allowed: A-Z a-z 0-9 _ + . -");
	ck_assert_str_eq(refusal("../../etc"),
			 "invalid container id \"../../etc\": '/' is not allowed; allowed: A-Z a-z 0-9 _ + . -");
	ck_assert_str_eq(refusal("a b"), "invalid container id \"a b\": ' ' is not allowed; allowed: A-Z a-z 0-9 _ + . -");
	ck_assert_str_eq(refusal("a\nb"),
			 "invalid container id: byte 0x0a at offset 1; allowed: A-Z a-z 0-9 _ + . -");
	ck_assert_str_eq(refusal("caf\xc3\xa9"),
			 "invalid container id: byte 0xc3 at offset 3; allowed: A-Z a-z 0-9 _ + . -");
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

static Suite *make_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("ids");
	tcase_add_test(tc, accepts_runc_ids);
	tcase_add_test(tc, refuses_hostile_ids);
	tcase_add_test(tc, refuses_overlong_id);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
