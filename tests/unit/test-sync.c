/* The runtime's and init's messages over a SOCK_SEQPACKET socketpair, as
 * create makes it, no root: the bind sources the runtime hands init in a
 * new user namespace (cinch_sync_send_fd, cinch_sync_expect_sources). */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/sync.h"
#include "unit.h"

static int pair[2];

static void setup(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
}

static void teardown(void)
{
	close(pair[0]);
	close(pair[1]);
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

START_TEST(sources_land_in_their_slots_until_go)
{
	int tmp = open("/tmp", O_PATH | O_CLOEXEC), root = open("/", O_PATH | O_CLOEXEC);
	ck_assert_int_ge(tmp, 0);
	ck_assert_int_eq(cinch_sync_send_fd(pair[0], CINCH_SYNC_SOURCE, 3, tmp), 0);
	ck_assert_int_eq(cinch_sync_send_fd(pair[0], CINCH_SYNC_SOURCE, 0, root), 0);
	ck_assert_int_eq(cinch_sync_send_fd(pair[0], CINCH_SYNC_TREE, 1, root), 0);
	ck_assert_int_eq(cinch_sync_send_fd(pair[0], CINCH_SYNC_DEVICE, 1, tmp), 0);
	ck_assert_int_eq(cinch_sync_send(pair[0], CINCH_SYNC_GO, 0, NULL), 0);
	int fds[5] = {-1, -1, -1, -1, -1}, trees[5] = {-1, -1, -1, -1, -1}, devices[2] = {-1, -1};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_sync_expect_sources(pair[1], CINCH_SYNC_GO, "go", fds, trees, 5, devices, 2, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert(same_file(fds[3], tmp) && same_file(fds[0], root));
	ck_assert_int_eq(fds[1], -1);
	ck_assert_int_eq(fds[2], -1);
	ck_assert_int_eq(fds[4], -1);
	/* A tree goes to its own slot, not the sources'. */
	ck_assert(same_file(trees[1], root));
	ck_assert_int_eq(trees[0], -1);
	ck_assert_int_eq(trees[3], -1);
	close(trees[1]);
	/* A device node to its own array, indexed by linux.devices. */
	ck_assert(same_file(devices[1], tmp));
	ck_assert_int_eq(devices[0], -1);
	close(devices[1]);
	/* Close-on-exec: none may reach the workload. */
	ck_assert_int_eq(fcntl(fds[3], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fds[3]);
	close(fds[0]);
	close(tmp);
	close(root);
}
END_TEST

START_TEST(go_alone_sends_nothing)
{
	ck_assert_int_eq(cinch_sync_send(pair[0], CINCH_SYNC_GO, 0, NULL), 0);
	int fds[2] = {-1, -1}, trees[2] = {-1, -1};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_sync_expect_sources(pair[1], CINCH_SYNC_GO, "go", fds, trees, 2, NULL, 0, &err), 0);
	ck_assert_int_eq(fds[0], -1);
	ck_assert_int_eq(fds[1], -1);
}
END_TEST

START_TEST(an_index_past_the_mounts_is_refused)
{
	int tmp = open("/tmp", O_PATH | O_CLOEXEC);
	ck_assert_int_eq(cinch_sync_send_fd(pair[0], CINCH_SYNC_SOURCE, 2, tmp), 0);
	int fds[2] = {-1, -1}, trees[2] = {-1, -1};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(
		cinch_sync_expect_sources(pair[1], CINCH_SYNC_GO, "ids and cgroup were set", fds, trees, 2, NULL, 0, &err), -1);
	ck_assert_str_eq(err->msg, "bad bind source message from the runtime before ids and cgroup were set");
	cinch_error_free(err);
	ck_assert_int_eq(fds[0], -1);
	ck_assert_int_eq(fds[1], -1);
	close(tmp);
}
END_TEST

START_TEST(a_source_without_an_fd_is_refused)
{
	ck_assert_int_eq(cinch_sync_send(pair[0], CINCH_SYNC_SOURCE, 0, NULL), 0);
	int fds[1] = {-1}, trees[1] = {-1};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_sync_expect_sources(pair[1], CINCH_SYNC_GO, "go", fds, trees, 1, NULL, 0, &err), -1);
	ck_assert_str_eq(err->msg, "bad bind source message from the runtime before go");
	cinch_error_free(err);
}
END_TEST

START_TEST(the_runtime_gone_is_an_error)
{
	close(pair[0]);
	pair[0] = open("/dev/null", O_RDONLY | O_CLOEXEC); /* for teardown */
	int fds[1] = {-1}, trees[1] = {-1};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_sync_expect_sources(pair[1], CINCH_SYNC_GO, "go", fds, trees, 1, NULL, 0, &err), -1);
	ck_assert_str_eq(err->msg, "the runtime went away before go");
	cinch_error_free(err);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("sources");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sources_land_in_their_slots_until_go);
	tcase_add_test(tc, go_alone_sends_nothing);
	tcase_add_test(tc, an_index_past_the_mounts_is_refused);
	tcase_add_test(tc, a_source_without_an_fd_is_refused);
	tcase_add_test(tc, the_runtime_gone_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
