/* HOME from the image's /etc/passwd (passwd.h): the pure part, which
 * reads a file the image wrote and must not be fooled by it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cinch/passwd.h"
#include "cinch/util.h"
#include "unit.h"

static const char sample[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
			     "app:x:1000:1000:App,,,:/home/app:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin";

static void expect_home(const char *text, uint32_t uid, const char *want)
{
	_cleanup_free_ char *got = cinch_passwd_home(text, strlen(text), uid);
	if (want == NULL)
		ck_assert_msg(got == NULL, "uid %u: expected no home, got \"%s\"", uid, got);
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "uid %u: expected \"%s\", got \"%s\"", uid, want,
			      got ? got : "(none)");
}

START_TEST(home_of_each_uid_including_the_last_line_without_newline)
{
	expect_home(sample, 0, "/root");
	expect_home(sample, 1000, "/home/app");
	expect_home(sample, 65534, "/nonexistent");
	expect_home(sample, 4242, NULL);
}
END_TEST

START_TEST(the_first_line_of_a_uid_wins)
{
	expect_home("a:x:7:7::/first:/bin/sh\nb:x:7:7::/second:/bin/sh\n", 7, "/first");
}
END_TEST

/* The uid field is compared as a whole number: no prefix, no sign, no
 * space, no overflow into another uid. */
START_TEST(uid_field_must_be_the_number_itself)
{
	expect_home("a:x:10:0::/ten:\n", 1, NULL);
	expect_home("a:x: 1:0::/space:\n", 1, NULL);
	expect_home("a:x:+1:0::/plus:\n", 1, NULL);
	expect_home("a:x:1x:0::/suffix:\n", 1, NULL);
	expect_home("a:x:4294967297:0::/wrapped:\n", 1, NULL);
	expect_home("a:x::0::/empty:\n", 0, NULL);
	expect_home("a:x:01:0::/leading-zero:\n", 1, "/leading-zero");
}
END_TEST

/* Short or odd lines are skipped or give no home; a relative or empty
 * home is no home (HOME=/ then). */
START_TEST(malformed_lines_give_no_home)
{
	expect_home("broken line\nb:x:5:5::/ok:\n", 5, "/ok");
	expect_home("a:x:5:5\n", 5, NULL);
	expect_home("a:x:5:5::\n", 5, NULL);
	expect_home("a:x:5:5::relative:/bin/sh\n", 5, NULL);
	expect_home("", 0, NULL);
	expect_home("\n\n\n", 0, NULL);
}
END_TEST

/* Only len bytes are read: text past it is not there. */
START_TEST(length_bounds_the_text)
{
	const char text[] = "a:x:1:1::/one:\nb:x:2:2::/two:\n";
	_cleanup_free_ char *got = cinch_passwd_home(text, 15, 2);
	ck_assert_ptr_null(got);
	_cleanup_free_ char *cut = cinch_passwd_home(text, 12, 1);
	ck_assert_str_eq(cut, "/on");
}
END_TEST

START_TEST(an_environment_with_home_is_kept_as_it_is)
{
	char *env[] = {"PATH=/bin", "HOME=/custom", NULL};
	char **out = cinch_passwd_env_with_home(env, 0);
	ck_assert_ptr_eq(out, env);
	cinch_passwd_env_free(out, env);
}
END_TEST

START_TEST(env_set_replaces_the_first_drops_the_rest_or_appends)
{
	struct cinch_strv env = {0};
	cinch_strv_append(&env, "PATH=/a");
	cinch_strv_append(&env, "PATHX=1");
	cinch_strv_append(&env, "HOME=/root");
	cinch_strv_append(&env, "PATH=/b");
	cinch_env_set(&env, "PATH=/c");
	ck_assert_uint_eq(env.n, 3);
	ck_assert_str_eq(env.items[0], "PATH=/c");
	ck_assert_str_eq(env.items[1], "PATHX=1");
	ck_assert_str_eq(env.items[2], "HOME=/root");
	ck_assert_ptr_null(env.items[3]);
	cinch_env_set(&env, "NEW=");
	ck_assert_uint_eq(env.n, 4);
	ck_assert_str_eq(env.items[3], "NEW=");
	for (size_t i = 0; i < env.n; i++)
		free(env.items[i]);
	free(env.items);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("passwd");
	TCase *tc = tcase_create("home");
	tcase_add_test(tc, home_of_each_uid_including_the_last_line_without_newline);
	tcase_add_test(tc, env_set_replaces_the_first_drops_the_rest_or_appends);
	tcase_add_test(tc, the_first_line_of_a_uid_wins);
	tcase_add_test(tc, uid_field_must_be_the_number_itself);
	tcase_add_test(tc, malformed_lines_give_no_home);
	tcase_add_test(tc, length_bounds_the_text);
	tcase_add_test(tc, an_environment_with_home_is_kept_as_it_is);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
