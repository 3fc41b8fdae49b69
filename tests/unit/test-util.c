#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/util.h"
#include "unit.h"

/* A temporary file holding n bytes of a repeating pattern; its path is
 * left in path (64 bytes). */
static void make_file(char *path, size_t n)
{
	snprintf(path, 64, "/tmp/cinch-test-util.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	for (size_t i = 0; i < n; i++) {
		char c = (char)('a' + i % 26);
		ck_assert_int_eq(write(fd, &c, 1), 1);
	}
	close(fd);
}

static void check_pattern(const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(data[i], 'a' + i % 26);
	ck_assert_int_eq(data[n], '\0');
}

/* Sizes around the first guess (the file's size) and past a page. */
START_TEST(reads_whole_files)
{
	static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 20000};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		char path[64];
		make_file(path, sizes[k]);
		char *data = NULL;
		size_t len = 7;
		ck_assert_int_eq(cinch_read_file(path, 1 << 20, &data, &len, NULL), 0);
		ck_assert_uint_eq(len, sizes[k]);
		check_pattern(data, len);
		free(data);
		unlink(path);
	}
}
END_TEST

/* Exactly the limit is read; one byte more is refused, naming the file. */
START_TEST(limit_is_inclusive)
{
	char path[64];
	make_file(path, 5000);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(cinch_read_fd(fd, "f", 5000, &data, &len, NULL), 0);
	ck_assert_uint_eq(len, 5000);
	check_pattern(data, len);
	free(data);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	struct cinch_error *err = NULL;
	data = NULL;
	ck_assert_int_eq(cinch_read_fd(fd, "f", 4999, &data, &len, &err), -1);
	ck_assert_ptr_null(data);
	ck_assert_str_eq(err->msg, "f: file is larger than the limit of 4999 bytes");
	cinch_error_free(err);
	close(fd);
	unlink(path);
}
END_TEST

/* A pipe of len bytes of the pattern, written by a child; the read end is
 * returned and the child's pid left in *pid. */
static int pattern_pipe(size_t len, pid_t *pid)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	*pid = fork();
	ck_assert_int_ge(*pid, 0);
	if (*pid == 0) {
		close(p[0]);
		char *text = malloc(len ? len : 1);
		for (size_t i = 0; i < len; i++)
			text[i] = (char)('a' + i % 26);
		_exit(text && write(p[1], text, len) == (ssize_t)len ? 0 : 1);
	}
	close(p[1]);
	return p[0];
}

/* Reads a pipe of n bytes with the limit max: the whole of it, or (when
 * refused is true) the refusal, naming the limit. */
static void read_pipe(size_t n, size_t max, bool refused)
{
	pid_t pid;
	int fd = pattern_pipe(n, &pid);
	char *data = NULL;
	size_t len = 0;
	struct cinch_error *err = NULL;
	int r = cinch_read_fd(fd, "pipe", max, &data, &len, &err);
	if (refused) {
		ck_assert_int_eq(r, -1);
		char want[96];
		snprintf(want, sizeof(want), "pipe: file is larger than the limit of %zu bytes", max);
		ck_assert_str_eq(err->msg, want);
		cinch_error_free(err);
	} else {
		ck_assert_int_eq(r, 0);
		ck_assert_uint_eq(len, n);
		check_pattern(data, len);
		free(data);
	}
	close(fd);
	ck_assert_int_ge(waitpid(pid, NULL, 0), 0);
}

/* A pipe has no size to go by: the buffer grows, and the limit holds. */
START_TEST(reads_pipes_past_the_first_guess)
{
	read_pipe(30000, 1 << 20, false);
}
END_TEST

START_TEST(pipe_over_the_limit_is_refused)
{
	read_pipe(9000, 8192, true);
}
END_TEST

/* Of unknown size, exactly the limit is still read, where the buffer
 * has grown to the limit by doubling (4096, 8192). */
START_TEST(pipe_of_exactly_the_limit_is_read)
{
	read_pipe(8192, 8192, false);
}
END_TEST

/* A limit under a page holds for a pipe too. */
START_TEST(small_limit_holds_for_a_pipe)
{
	read_pipe(200, 100, true);
}
END_TEST

/* "No limit" written as SIZE_MAX does not wrap the buffer's size. */
START_TEST(size_max_is_no_limit)
{
	read_pipe(10000, SIZE_MAX, false);
}
END_TEST

/* procfs reports size 0 for files that have bytes. */
START_TEST(reads_procfs_files)
{
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(cinch_read_file("/proc/self/status", 1 << 20, &data, &len, NULL), 0);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(strlen(data), len);
	ck_assert_ptr_nonnull(strstr(data, "Name:"));
	free(data);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("read");
	tcase_add_test(tc, reads_whole_files);
	tcase_add_test(tc, limit_is_inclusive);
	tcase_add_test(tc, reads_pipes_past_the_first_guess);
	tcase_add_test(tc, pipe_over_the_limit_is_refused);
	tcase_add_test(tc, pipe_of_exactly_the_limit_is_read);
	tcase_add_test(tc, small_limit_holds_for_a_pipe);
	tcase_add_test(tc, size_max_is_no_limit);
	tcase_add_test(tc, reads_procfs_files);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
