#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/spec.h"
#include "cinch/terminal.h"
#include "cinch/util.h"

int cinch_terminal_connect(const char *path, int *out, struct cinch_error **err)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cinch_error_set(err, errno, "--console-socket %s: socket", path);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int pathfd = -1;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		/* Too long for sun_path: reach it through an O_PATH fd. */
		pathfd = open(path, O_PATH | O_CLOEXEC);
		if (pathfd < 0)
			return cinch_error_set(err, errno, "--console-socket %s: open", path);
		snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d", pathfd);
	} else {
		memcpy(addr.sun_path, path, strlen(path) + 1);
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return cinch_error_set(err, errno, "--console-socket %s: connect", path);
	*out = TAKE_FD(fd);
	return 0;
}

int cinch_terminal_pair(int *ours, int *theirs, struct cinch_error **err)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return cinch_error_set(err, errno, "terminal: socketpair");
	*ours = sv[0];
	*theirs = sv[1];
	return 0;
}

void cinch_terminal_size_from_host(struct cinch_spec_process *p)
{
	if (p->has_console_size)
		return;
	struct winsize ws = {0};
	int host = isatty(STDIN_FILENO) ? STDIN_FILENO : isatty(STDOUT_FILENO) ? STDOUT_FILENO : -1;
	if (host < 0 || ioctl(host, TIOCGWINSZ, &ws) < 0 || (ws.ws_row == 0 && ws.ws_col == 0))
		return;
	p->has_console_size = true;
	p->console_height = ws.ws_row;
	p->console_width = ws.ws_col;
}

int cinch_terminal_receive(int ours, int *out, struct cinch_error **err)
{
	char name[64];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control)};
	ssize_t n;
	do
		n = recvmsg(ours, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return cinch_error_set(err, 0, "terminal: receive the master: none was sent");
	if (n < 0)
		return cinch_error_set(err, errno, "terminal: receive the master");
	/* Room for one fd: the kernel installs no more than that. */
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	_cleanup_close_ int master = -1;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&master, CMSG_DATA(cm), sizeof(int));
	if (master < 0 || (msg.msg_flags & MSG_CTRUNC))
		return cinch_error_set(err, 0, "terminal: receive the master: the message holds no terminal");
	if (!isatty(master))
		return cinch_error_set(err, 0, "terminal: receive the master: not a terminal");
	*out = TAKE_FD(master);
	return 0;
}

static int send_master(int sock, int master, const char *name, struct cinch_error **err)
{
	char control[CMSG_SPACE(sizeof(int))];
	memset(control, 0, sizeof(control));
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return cinch_error_set(err, errno, "send the terminal to --console-socket");
	return 0;
}

static int bind_console(const char *slave_name, struct cinch_error **err)
{
	int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return cinch_error_set(err, errno, "/dev/console: create");
	if (fd >= 0)
		close(fd);
	if (mount(slave_name, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return cinch_error_set(err, errno, "bind %s on /dev/console", slave_name);
	return 0;
}

int cinch_terminal_setup(int console_fd, const struct cinch_spec_process *p, bool console, struct cinch_error **err)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return cinch_error_set(err, errno, "/dev/ptmx: open (is devpts mounted on /dev/pts?)");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return cinch_error_set(err, errno, "unlock the pty");
	/* TIOCGPTPEER opens the slave from the master, not by a name that
	 * the container could have swapped. */
	_cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return cinch_error_set(err, errno, "open the pty slave");
	int n = 0;
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return cinch_error_set(err, errno, "get the pty number");
	char name[64];
	snprintf(name, sizeof(name), "/dev/pts/%d", n);
	if (p->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height, .ws_col = (unsigned short)p->console_width};
		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return cinch_error_set(err, errno, "process.consoleSize: set");
	}
	if (fchown(slave, p->user.uid, p->user.gid) < 0)
		return cinch_error_set(err, errno, "%s: chown to %u:%u", name, p->user.uid, p->user.gid);
	if (console && bind_console(name, err) < 0)
		return -1;
	if (send_master(console_fd, master, name, err) < 0)
		return -1;
	if (setsid() < 0 && errno != EPERM)
		return cinch_error_set(err, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return cinch_error_set(err, errno, "make %s the controlling terminal", name);
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return cinch_error_set(err, errno, "dup the terminal onto fd %d", fd);
	return 0;
}
