/* The relay with a real pty, no root: a forked child plays the container's
 * process (cinch_terminal_setup, as init and exec's process call it), the
 * test plays the runtime.  Check's per-test timeout bounds every wait. */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/relay.h"
#include "cinch/spec.h"
#include "cinch/terminal.h"
#include "unit.h"

#define BIG 200000

struct fixture {
	sigset_t mask;
	int ours;
	pid_t pid;
	int master;
};

/* The child's part once the pty is its stdio. */
typedef void (*workload_fn)(void);

/* Forks the child, which takes a pty and sends the master; the test
 * receives it as the runtime does. */
static void start(struct fixture *f, workload_fn workload)
{
	sigemptyset(&f->mask);
	sigaddset(&f->mask, SIGCHLD);
	sigaddset(&f->mask, SIGUSR1);
	sigaddset(&f->mask, SIGWINCH);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &f->mask, NULL), 0);
	int theirs = -1;
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_terminal_pair(&f->ours, &theirs, &err), 0);
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0) {
		struct cinch_spec_process p = {.user = {.uid = getuid(), .gid = getgid()}};
		if (cinch_terminal_setup(theirs, &p, false, &err) < 0)
			_exit(100);
		close(theirs);
		sigprocmask(SIG_UNBLOCK, &f->mask, NULL);
		workload();
		_exit(0);
	}
	close(theirs);
	struct pollfd pf = {.fd = f->ours, .events = POLLIN};
	ck_assert_int_eq(poll(&pf, 1, -1), 1);
	ck_assert_int_eq(cinch_terminal_receive(f->ours, &f->master, &err), 0);
}

static int relay(struct fixture *f, int in, int out, int *status)
{
	struct cinch_relay r = {.child = f->pid, .target = f->pid, .name = "the child", .mask = &f->mask,
				.master = f->master, .in = in, .out = out};
	struct cinch_error *err = NULL;
	int ret = cinch_relay_wait(&r, status, &err);
	if (err)
		ck_abort_msg("%s", err->msg);
	return ret;
}

/* All of out, from the start. */
static size_t read_back(int fd, char *buf, size_t size)
{
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	size_t len = 0;
	ssize_t n;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

static void read_a_line(void)
{
	char line[64] = "";
	ssize_t n = read(STDIN_FILENO, line, sizeof(line) - 1);
	char answer[80];
	int k = snprintf(answer, sizeof(answer), "got:%.*s", n > 0 ? (int)n : 0, line);
	if (write(STDOUT_FILENO, answer, (size_t)k) != k)
		_exit(101);
	_exit(3);
}

START_TEST(stdin_reaches_the_process_and_its_answer_stdout)
{
	struct fixture f;
	start(&f, read_a_line);
	int in[2];
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(write(in[1], "hello\n", 6), 6);
	close(in[1]); /* EOF right after: the line is relayed all the same */
	int out = memfd_create("out", MFD_CLOEXEC);
	int status = 0;
	ck_assert_int_eq(relay(&f, in[0], out, &status), 0);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 3);
	char buf[256];
	read_back(out, buf, sizeof(buf));
	/* The pty's echo of the line, then the answer. */
	ck_assert_str_eq(buf, "hello\r\ngot:hello\r\n");
}
END_TEST

static void write_much_then_exit(void)
{
	static char block[BIG];
	memset(block, 'x', sizeof(block));
	size_t off = 0;
	while (off < sizeof(block)) {
		ssize_t n = write(STDOUT_FILENO, block + off, sizeof(block) - off);
		if (n <= 0)
			_exit(101);
		off += (size_t)n;
	}
	_exit(0);
}

/* The last of it is still in the pty when the child is reaped. */
START_TEST(output_written_just_before_exit_is_all_copied)
{
	struct fixture f;
	start(&f, write_much_then_exit);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = memfd_create("out", MFD_CLOEXEC);
	int status = 0;
	ck_assert_int_eq(relay(&f, in, out, &status), 0);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	static char buf[BIG + 2];
	ck_assert_uint_eq(read_back(out, buf, sizeof(buf)), BIG);
}
END_TEST

/* Less than a pty holds (8 KiB queued, 4 KiB read ahead), more than one
 * read of the relay's. */
#define QUEUED 6000

static void write_then_exit(void)
{
	static char block[QUEUED];
	memset(block, 'y', sizeof(block));
	if (write(STDOUT_FILENO, block, sizeof(block)) != (ssize_t)sizeof(block))
		_exit(101);
	_exit(0);
}

/* The relay finds the child exited before it read a byte: all of what
 * the pty holds is still copied. */
START_TEST(output_queued_when_the_exit_is_seen_is_copied)
{
	struct fixture f;
	start(&f, write_then_exit);
	siginfo_t si;
	ck_assert_int_eq(waitid(P_PID, (id_t)f.pid, &si, WEXITED | WNOWAIT), 0);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = memfd_create("out", MFD_CLOEXEC);
	int status = 0;
	ck_assert_int_eq(relay(&f, in, out, &status), 0);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	static char buf[QUEUED + 2];
	ck_assert_uint_eq(read_back(out, buf, sizeof(buf)), QUEUED);
}
END_TEST

static void wait_for_a_signal(void)
{
	for (;;)
		pause();
}

/* The signal relay goes on while the terminal is relayed. */
START_TEST(a_signal_to_the_runtime_reaches_the_process)
{
	struct fixture f;
	start(&f, wait_for_a_signal);
	ck_assert_int_eq(kill(getpid(), SIGUSR1), 0); /* blocked: waits in the relay's signalfd */
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = memfd_create("out", MFD_CLOEXEC);
	int status = 0;
	ck_assert_int_eq(relay(&f, in, out, &status), 0);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGUSR1);
}
END_TEST

/* The runtime's own terminal, for the size test. */
static int host_master = -1;

static void on_winch(int sig)
{
	(void)sig;
}

/* Waits until its terminal has the runtime's size (30x90), then makes
 * the runtime's terminal 50x120 and tells the runtime, as a terminal
 * emulator would, and waits until its own follows.  It exits 0 if the
 * runtime's terminal is raw then. */
static void follow_the_size(void)
{
	struct sigaction sa = {.sa_handler = on_winch};
	sigaction(SIGWINCH, &sa, NULL);
	sigset_t winch, none;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	bool asked = false;
	for (;;) {
		struct winsize ws = {0};
		ioctl(STDIN_FILENO, TIOCGWINSZ, &ws);
		struct termios host;
		if (ws.ws_row == 50 && ws.ws_col == 120) /* and the runtime's terminal raw meanwhile */
			_exit(tcgetattr(host_master, &host) == 0 && !(host.c_lflag & (ICANON | ECHO | ISIG)) ? 0 : 102);
		if (ws.ws_row == 30 && ws.ws_col == 90 && !asked) {
			struct winsize bigger = {.ws_row = 50, .ws_col = 120};
			ioctl(host_master, TIOCSWINSZ, &bigger);
			kill(getppid(), SIGWINCH);
			asked = true;
		}
		sigsuspend(&none); /* the kernel's SIGWINCH for each change of its pty */
	}
}

START_TEST(the_pty_follows_the_size_of_the_runtimes_terminal)
{
	host_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(host_master, 0);
	ck_assert_int_eq(grantpt(host_master), 0);
	ck_assert_int_eq(unlockpt(host_master), 0);
	int host = open(ptsname(host_master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(host, 0);
	struct winsize ws = {.ws_row = 30, .ws_col = 90};
	ck_assert_int_eq(ioctl(host_master, TIOCSWINSZ, &ws), 0);
	/* glibc fills less of c_cc than the struct holds. */
	struct termios before, after;
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	ck_assert_int_eq(tcgetattr(host, &before), 0);
	struct fixture f;
	start(&f, follow_the_size);
	int out = memfd_create("out", MFD_CLOEXEC);
	int status = 0;
	ck_assert_int_eq(relay(&f, host, out, &status), 0);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* Raw while it ran, as it was once it returned. */
	ck_assert_int_eq(tcgetattr(host, &after), 0);
	ck_assert_int_eq(memcmp(&before, &after, sizeof(before)), 0);
}
END_TEST

/* A pty whose size is rows x cols; the slave's fd is returned, the
 * master left in *master. */
static int sized_pty(unsigned short rows, unsigned short cols, int *master)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(*master, 0);
	ck_assert_int_eq(grantpt(*master), 0);
	ck_assert_int_eq(unlockpt(*master), 0);
	int slave = open(ptsname(*master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(slave, 0);
	struct winsize ws = {.ws_row = rows, .ws_col = cols};
	ck_assert_int_eq(ioctl(*master, TIOCSWINSZ, &ws), 0);
	return slave;
}

/* What a relayed terminal starts at (each test runs in a child of its
 * own, so its stdio may be replaced): the size of the runtime's stdin, or
 * of its stdout when stdin is no terminal; the config's own size stays;
 * a terminal of 0 by 0 gives none. */
START_TEST(the_size_before_start_comes_from_the_runtimes_terminal)
{
	int master;
	int slave = sized_pty(33, 91, &master);
	ck_assert_int_eq(dup2(slave, STDIN_FILENO), STDIN_FILENO);
	struct cinch_spec_process p = {0};
	cinch_terminal_size_from_host(&p);
	ck_assert(p.has_console_size);
	ck_assert_uint_eq(p.console_height, 33);
	ck_assert_uint_eq(p.console_width, 91);

	struct cinch_spec_process given = {.has_console_size = true, .console_height = 10, .console_width = 20};
	cinch_terminal_size_from_host(&given);
	ck_assert_uint_eq(given.console_height, 10);
	ck_assert_uint_eq(given.console_width, 20);

	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(null, 0);
	ck_assert_int_eq(dup2(null, STDIN_FILENO), STDIN_FILENO);
	int saved_out = dup(STDOUT_FILENO);
	ck_assert_int_eq(dup2(slave, STDOUT_FILENO), STDOUT_FILENO);
	struct cinch_spec_process from_out = {0};
	cinch_terminal_size_from_host(&from_out);
	struct winsize none = {0};
	ck_assert_int_eq(ioctl(master, TIOCSWINSZ, &none), 0);
	struct cinch_spec_process zero = {0};
	cinch_terminal_size_from_host(&zero);
	ck_assert_int_eq(dup2(saved_out, STDOUT_FILENO), STDOUT_FILENO);
	ck_assert(from_out.has_console_size);
	ck_assert_uint_eq(from_out.console_height, 33);
	ck_assert_uint_eq(from_out.console_width, 91);
	ck_assert(!zero.has_console_size);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("relay");
	TCase *tc = tcase_create("pty");
	tcase_add_test(tc, stdin_reaches_the_process_and_its_answer_stdout);
	tcase_add_test(tc, output_written_just_before_exit_is_all_copied);
	tcase_add_test(tc, output_queued_when_the_exit_is_seen_is_copied);
	tcase_add_test(tc, a_signal_to_the_runtime_reaches_the_process);
	tcase_add_test(tc, the_pty_follows_the_size_of_the_runtimes_terminal);
	tcase_add_test(tc, the_size_before_start_comes_from_the_runtimes_terminal);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
