#include "config.h"

#include <errno.h>
#include <string.h>

#include "cinch/error.h"
#include "unit.h"

START_TEST(set_formats_message)
{
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_error_set(&err, 0, "config.json: %s: bad", "process.cwd"), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, 0);
	ck_assert_str_eq(err->msg, "config.json: process.cwd: bad");
	cinch_error_free(err);
}
END_TEST

START_TEST(set_appends_strerror)
{
	struct cinch_error *err = NULL;
	cinch_error_set(&err, ENOENT, "%s: open", "/b/config.json");
	ck_assert_int_eq(err->code, ENOENT);
	ck_assert_str_eq(err->msg, "/b/config.json: open: No such file or directory");
	cinch_error_free(err);
}
END_TEST

START_TEST(first_error_wins)
{
	struct cinch_error *err = NULL;
	cinch_error_set(&err, EPERM, "mount /proc");
	cinch_error_set(&err, EBUSY, "rollback: umount /proc");
	ck_assert_int_eq(err->code, EPERM);
	ck_assert_str_eq(err->msg, "mount /proc: Operation not permitted");
	cinch_error_free(err);
}
END_TEST

START_TEST(prefix_adds_outer_object)
{
	struct cinch_error *err = NULL;
	cinch_error_set(&err, 0, "is required");
	cinch_error_prefix(&err, "container %s", "web");
	ck_assert_str_eq(err->msg, "container web: is required");
	cinch_error_free(err);
}
END_TEST

START_TEST(cleanup_frees)
{
	_cleanup_error_ struct cinch_error *err = NULL;
	cinch_error_set(&err, 0, "x");
	ck_assert_ptr_nonnull(err);
	/* ASan's leak check fails the run if the cleanup does not free. */
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, set_formats_message);
	tcase_add_test(tc, set_appends_strerror);
	tcase_add_test(tc, first_error_wins);
	tcase_add_test(tc, prefix_adds_outer_object);
	tcase_add_test(tc, cleanup_frees);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
