#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/relay.h"
#include "cinch/util.h"

/* One read's worth each way: stdin is not read again until what it gave
 * is in the pty, so a process that reads nothing holds the runtime to
 * this much. */
#define RELAY_BUF 4096
/* After the exit: the most read before giving up on the master, which a
 * process left behind may keep writing to.  Far more than the kernel
 * queues in a pty (its 4 KiB line buffer and 64 KiB of flip buffers). */
#define DRAIN_MAX (1024 * 1024)

/* The copy between the runtime's stdio and the pty's master. */
struct tty_copy {
	int master; /* non-blocking: a write never waits on a process that stopped reading */
	int in, out;
	int host;	     /* in or out, whichever is a terminal, for the size; -1: none */
	bool in_open;	     /* stdin not at EOF */
	bool master_open;    /* a slave is open: output may come */
	bool out_ok;	     /* stdout takes output; once it fails, output is read and dropped */
	char buf[RELAY_BUF]; /* read from stdin, buf[off..len) not yet in the pty */
	size_t off, len;
};

/* stdin's settings before raw mode, put back on every way out. */
struct raw_tty {
	int fd; /* -1: not changed */
	struct termios saved;
};

static void raw_restore(struct raw_tty *raw)
{
	if (raw->fd < 0)
		return;
	while (tcsetattr(raw->fd, TCSANOW, &raw->saved) < 0 && errno == EINTR)
		;
	raw->fd = -1;
}

/* Keys reach the process as typed: ^C becomes its SIGINT through its own
 * terminal, not the runtime's. */
static int raw_enter(int fd, struct raw_tty *raw, struct cinch_error **err)
{
	if (!isatty(fd))
		return 0;
	if (tcgetattr(fd, &raw->saved) < 0)
		return cinch_error_set(err, errno, "terminal: relay: stdin: read its settings");
	struct termios t = raw->saved;
	cfmakeraw(&t);
	int r;
	while ((r = tcsetattr(fd, TCSANOW, &t)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return cinch_error_set(err, errno, "terminal: relay: stdin: make raw");
	raw->fd = fd;
	return 0;
}

/* The runtime's terminal's size onto the pty (the kernel then sends the
 * process's foreground group SIGWINCH).  A terminal that has no size (0
 * by 0) leaves the pty's, process.consoleSize's if the config gave one. */
static void copy_winsize(const struct tty_copy *t)
{
	struct winsize ws;
	if (t->host >= 0 && ioctl(t->host, TIOCGWINSZ, &ws) == 0 && (ws.ws_row || ws.ws_col))
		ioctl(t->master, TIOCSWINSZ, &ws);
}

static void warn_errno(const char *what)
{
	cinch_log(CINCH_LOG_WARNING, "terminal: relay: %s: %s", what, strerror(errno));
}

/* Nothing more goes to the process: what stdin gave is dropped. */
static void input_closed(struct tty_copy *t)
{
	t->in_open = false;
	t->off = t->len = 0;
}

/* No slave is open: no more output, and no one to write to. */
static void master_closed(struct tty_copy *t)
{
	t->master_open = false;
	input_closed(t);
}

/* One read from the master to stdout: > 0 copied, 0 nothing now, < 0 no
 * slave is open any more (EIO, once what it wrote has been read). */
static int from_master(struct tty_copy *t)
{
	char buf[RELAY_BUF];
	ssize_t n = read(t->master, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		if (n < 0 && errno != EIO)
			warn_errno("read the terminal");
		master_closed(t);
		return -1;
	}
	if (t->out_ok && cinch_write_all(t->out, buf, (size_t)n) < 0) {
		warn_errno("write stdout");
		t->out_ok = false;
	}
	return 1;
}

static void from_stdin(struct tty_copy *t)
{
	ssize_t n = read(t->in, t->buf, sizeof(t->buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0)
		warn_errno("read stdin");
	if (n <= 0) { /* as runc: the copy ends, the process is not sent EOF */
		t->in_open = false;
		return;
	}
	t->off = 0;
	t->len = (size_t)n;
}

static void to_master(struct tty_copy *t)
{
	ssize_t n = write(t->master, t->buf + t->off, t->len - t->off);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0) { /* EIO: no slave open; what it wrote is still read, to EIO */
		if (errno != EIO)
			warn_errno("write the terminal");
		input_closed(t);
		return;
	}
	t->off += (size_t)n;
	if (t->off == t->len)
		t->off = t->len = 0;
}

static int tty_start(const struct cinch_relay *r, struct tty_copy *t, struct raw_tty *raw, struct cinch_error **err)
{
	*t = (struct tty_copy){.master = r->master, .in = r->in, .out = r->out, .host = -1, .in_open = true,
			       .master_open = true, .out_ok = true};
	int fl = fcntl(t->master, F_GETFL);
	if (fl < 0 || fcntl(t->master, F_SETFL, fl | O_NONBLOCK) < 0)
		return cinch_error_set(err, errno, "terminal: relay: make the master non-blocking");
	t->host = isatty(t->in) ? t->in : isatty(t->out) ? t->out : -1;
	copy_winsize(t);
	return raw_enter(t->in, raw, err);
}

/* The signals that came: each goes to the target, but SIGCHLD (the loop
 * reaps) and, with a terminal, SIGWINCH (its size is copied instead). */
static void on_signals(int sfd, const struct cinch_relay *r, const struct tty_copy *t)
{
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			return; /* EAGAIN: all read */
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (si.ssi_signo == SIGWINCH && t)
			copy_winsize(t);
		else
			kill(r->target, (int)si.ssi_signo);
	}
}

/* Waits for the next signal or, with a terminal, the next I/O, and
 * handles it. */
static int step(int sfd, const struct cinch_relay *r, struct tty_copy *t, struct cinch_error **err)
{
	enum { SIG, MASTER, IN };
	struct pollfd p[3] = {{.fd = sfd, .events = POLLIN}, {.fd = -1}, {.fd = -1}};
	bool pending = t && t->len > t->off;
	if (t && (t->master_open || pending)) {
		p[MASTER].fd = t->master;
		p[MASTER].events = (short)((t->master_open ? POLLIN : 0) | (pending ? POLLOUT : 0));
	}
	if (t && t->in_open && !pending) {
		p[IN].fd = t->in;
		p[IN].events = POLLIN;
	}
	if (poll(p, ARRAY_SIZE(p), -1) < 0) {
		if (errno == EINTR)
			return 0;
		return cinch_error_set(err, errno, "relay: poll");
	}
	if (p[SIG].revents)
		on_signals(sfd, r, t);
	if (p[MASTER].revents & (POLLIN | POLLHUP | POLLERR))
		from_master(t);
	if (p[MASTER].revents & POLLNVAL)
		master_closed(t);
	if (t && t->len > t->off && (p[MASTER].revents & POLLOUT))
		to_master(t);
	if (p[IN].revents & POLLNVAL)
		t->in_open = false;
	else if (p[IN].revents && t->in_open && t->len == 0)
		from_stdin(t);
	return 0;
}

/* 1 once the child has exited (*status set), 0 while it runs. */
static int reap(const struct cinch_relay *r, int *status, struct cinch_error **err)
{
	pid_t w = waitpid(r->child, status, WNOHANG);
	if (w == r->child)
		return 1;
	if (w < 0 && errno != EINTR)
		return cinch_error_set(err, errno, "wait for %s", r->name);
	return 0;
}

int cinch_relay_wait(const struct cinch_relay *r, int *status, struct cinch_error **err)
{
	_cleanup_close_ int sfd = signalfd(-1, r->mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return cinch_error_set(err, errno, "relay: signalfd");
	__attribute__((cleanup(raw_restore))) struct raw_tty raw = {.fd = -1};
	struct tty_copy copy;
	struct tty_copy *t = NULL;
	if (r->master >= 0) {
		if (tty_start(r, &copy, &raw, err) < 0)
			return -1;
		t = &copy;
	}
	int done;
	while ((done = reap(r, status, err)) == 0)
		if (step(sfd, r, t, err) < 0)
			return -1;
	if (done < 0)
		return -1;
	/* What the process wrote before it exited is readable by now: a read
	 * of a pty with nothing queued waits for the kernel's pending input
	 * work first.  Not until EIO: exec's process may have left children
	 * that keep the slave open (runc does not wait for them either). */
	for (size_t n = 0; t && t->master_open && n < DRAIN_MAX / RELAY_BUF; n++)
		if (from_master(t) <= 0)
			break;
	return 0;
}
