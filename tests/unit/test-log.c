#include "config.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/util.h"
#include "unit.h"

START_TEST(json_line_shape)
{
	char *line = cinch_log_format_line(CINCH_LOG_JSON, CINCH_LOG_ERROR, "2026-11-23T20:14:09.000000001Z",
					   "bad \"quote\"\n\x01");
	ck_assert_str_eq(line, "{\"level\":\"error\",\"msg\":\"bad \\\"quote\\\"\\n\\u0001\","
			       "\"time\":\"2026-11-23T20:14:09.000000001Z\"}");
	free(line);
}
END_TEST

START_TEST(text_line_shape)
{
	char *line = cinch_log_format_line(CINCH_LOG_TEXT, CINCH_LOG_WARNING, "T", "x y");
	ck_assert_str_eq(line, "time=\"T\" level=warning msg=\"x y\"");
	free(line);
}
END_TEST

START_TEST(rfc3339_now)
{
	char now[64];
	cinch_rfc3339_now(now);
	regex_t re;
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	ck_assert_int_eq(regexec(&re, now, 0, NULL, 0), 0);
	regfree(&re);
}
END_TEST

/* The stamp is computed without gmtime_r (which loads the time zone
 * file): it must agree with it, across leap days, century years and
 * dates before 1970. */
START_TEST(rfc3339_matches_gmtime)
{
	static const time_t fixed[] = {
		0, -1, 951782399, 951782400, 951868800, 4107542399, 4107542400, 1709164800, -2208988800, 253402300799,
	};
	const size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
	for (size_t i = 0; i < n_fixed + 2000; i++) {
		/* then 2000 instants spread over 1906..2159 */
		time_t t = i < n_fixed ? fixed[i] : (time_t)(i * 7919 * 86399 % 8000000000LL) - 2000000000;
		struct timespec ts = {t, 123456789};
		struct tm tm;
		ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
		char want[64], got[64];
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.123456789Z", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		cinch_rfc3339(&ts, got);
		ck_assert_msg(strcmp(got, want) == 0, "t=%lld: got %s, want %s", (long long)t, got, want);
	}
}
END_TEST

/* The contract podman depends on: a failing run leaves exactly one line;
 * its warnings below --debug are dropped. */
START_TEST(one_error_line_without_debug)
{
	char path[] = "/tmp/cinch-unit-log.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_log_open(path, CINCH_LOG_JSON, false, &err), 0);
	cinch_log(CINCH_LOG_WARNING, "not written");
	cinch_error_set(&err, 0, "the one error");
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w");
	cinch_log_report_error(err);
	fclose(stderr);
	stderr = saved;
	cinch_log_close();
	cinch_error_free(err);

	char *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(cinch_read_file(path, 4096, &text, &len, NULL), 0);
	unlink(path);
	ck_assert_int_eq(strchr(text, '\n') - text + 1, (long)len);
	ck_assert_ptr_nonnull(strstr(text, "\"level\":\"error\",\"msg\":\"the one error\""));
	free(text);
}
END_TEST

/* A command that succeeds leaves its warnings (a failed poststart hook),
 * written when it ends, in order; no --debug needed. */
START_TEST(warnings_kept_on_success)
{
	char path[] = "/tmp/cinch-unit-log.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_log_open(path, CINCH_LOG_JSON, false, &err), 0);
	cinch_log(CINCH_LOG_DEBUG, "not written");
	cinch_log(CINCH_LOG_WARNING, "first");
	cinch_log(CINCH_LOG_WARNING, "second");
	cinch_log_close();

	char *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(cinch_read_file(path, 4096, &text, &len, NULL), 0);
	unlink(path);
	char *second = strstr(text, "\"level\":\"warning\",\"msg\":\"second\"");
	ck_assert_ptr_nonnull(strstr(text, "\"level\":\"warning\",\"msg\":\"first\""));
	ck_assert_ptr_nonnull(second);
	ck_assert_ptr_null(strstr(text, "not written"));
	/* two lines, "first" then "second" ({"level":... after the newline) */
	ck_assert_ptr_eq(strchr(text, '\n') + 2, second);
	ck_assert_int_eq(text[len - 1], '\n');
	free(text);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, json_line_shape);
	tcase_add_test(tc, text_line_shape);
	tcase_add_test(tc, rfc3339_now);
	tcase_add_test(tc, rfc3339_matches_gmtime);
	tcase_add_test(tc, one_error_line_without_debug);
	tcase_add_test(tc, warnings_kept_on_success);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
