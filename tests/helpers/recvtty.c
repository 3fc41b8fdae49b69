/* recvtty SOCKET: the receiving end of --console-socket, for the tests.
 * Listens on SOCKET, accepts one connection, takes the terminal's master
 * passed with SCM_RIGHTS and copies what the container writes to its
 * terminal to stdout, until the terminal's last user closes it. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int take_fd(int conn)
{
	char byte[64];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = byte, .iov_len = sizeof(byte)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
	if (recvmsg(conn, &m, MSG_CMSG_CLOEXEC) < 0) {
		perror("recvtty: recvmsg");
		return -1;
	}
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	if (h == NULL || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "recvtty: no fd in the message\n");
		return -1;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (argc != 2 || strlen(argv[1]) >= sizeof(a.sun_path)) {
		fprintf(stderr, "usage: recvtty SOCKET (a path of under %zu bytes)\n", sizeof(a.sun_path));
		return 2;
	}
	strcpy(a.sun_path, argv[1]);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0) {
		perror("recvtty: listen");
		return 1;
	}
	int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0) {
		perror("recvtty: accept");
		return 1;
	}
	int fd = take_fd(conn);
	if (fd < 0)
		return 1;
	char buf[4096];
	ssize_t n;
	/* read() ends in EIO once the other side of the terminal is closed. */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	return fflush(stdout) == 0 ? 0 : 1;
}
