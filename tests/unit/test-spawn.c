#include "config.h"

#include <stdbool.h>
#include <sys/wait.h>

#include "cinch/spawn.h"
#include "unit.h"

static int write_and_exit(void *arg)
{
	*(int *)arg = 42;
	return 7;
}

/* With no v2 cgroup to go into: glibc's clone on a stack. */
START_TEST(borrow_lends_memory_until_the_child_is_done)
{
	int seen = 0;
	bool placed = true;
	pid_t pid = cinch_spawn_borrow(0, -1, write_and_exit, &seen, &placed);
	ck_assert_int_gt(pid, 0);
	ck_assert(!placed);
	/* Before any wait: the child wrote in the caller's memory, and the
	 * caller slept until it let go of it.  A fork (a sanitizer build)
	 * wrote in its own copy. */
	ck_assert_int_eq(seen, cinch_spawn_borrows() ? 42 : 0);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 7);
}
END_TEST

START_TEST(fork_returns_twice)
{
	bool placed = true;
	pid_t pid = cinch_spawn_fork(0, -1, &placed);
	if (pid == 0)
		_exit(placed ? 1 : 9);
	ck_assert_int_gt(pid, 0);
	ck_assert(!placed);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 9);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("spawn");
	TCase *tc = tcase_create("processes");
	tcase_add_test(tc, borrow_lends_memory_until_the_child_is_done);
	tcase_add_test(tc, fork_returns_twice);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
