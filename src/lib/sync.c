#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/sync.h"

struct sync_msg {
	int type;
	int errnum;
	char text[32768]; /* room for a state JSON with annotations */
};

int cinch_sync_send(int fd, enum cinch_sync_type type, int errnum, const char *text)
{
	static struct sync_msg m; /* too big for a thread stack; one sender at a time */
	memset(&m, 0, offsetof(struct sync_msg, text) + 1);
	m.type = type;
	m.errnum = errnum;
	if (text)
		snprintf(m.text, sizeof(m.text), "%s", text);
	size_t len = offsetof(struct sync_msg, text) + strlen(m.text) + 1;
	ssize_t n;
	do
		n = send(fd, &m, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* Receives one message; returns 0 at EOF, 1 with *m filled, -1 on error.
 * Warnings from init are logged on the way. */
static int recv_msg(int fd, struct sync_msg *m, struct cinch_error **err)
{
	for (;;) {
		ssize_t n;
		do
			n = recv(fd, m, sizeof(*m), 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return cinch_error_set(err, errno, "reading from container init");
		if (n == 0)
			return 0;
		if ((size_t)n < offsetof(struct sync_msg, text) + 1)
			return cinch_error_set(err, 0, "short message from container init");
		m->text[sizeof(m->text) - 1] = '\0';
		if (m->type != CINCH_SYNC_WARNING)
			return 1;
		cinch_log(CINCH_LOG_WARNING, "%s", m->text);
	}
}

static int error_from(const struct sync_msg *m, struct cinch_error **err)
{
	/* the sender already appended strerror to its text */
	struct cinch_error *e = NULL;
	cinch_error_set(&e, 0, "%s", m->text);
	e->code = m->errnum;
	if (*err == NULL)
		*err = e;
	else
		cinch_error_free(e);
	return -1;
}

int cinch_sync_expect_text(int fd, enum cinch_sync_type want, const char *what, char *text, size_t size,
			   struct cinch_error **err)
{
	static struct sync_msg m;
	int r = recv_msg(fd, &m, err);
	if (r < 0)
		return -1;
	if (r == 0)
		return cinch_error_set(err, 0, "container init exited before %s", what);
	if (m.type == CINCH_SYNC_ERROR)
		return error_from(&m, err);
	if (m.type != (int)want)
		return cinch_error_set(err, 0, "unexpected message %d from container init (wanted %d)", m.type, want);
	if (text)
		snprintf(text, size, "%s", m.text);
	return 0;
}

/* A text longer than one message (a state JSON with large annotations)
 * goes as its length, then in pieces of one message each. */
#define PIECE (sizeof(((struct sync_msg *)0)->text) - 1)

int cinch_sync_send_long(int fd, enum cinch_sync_type type, const char *text)
{
	size_t len = strlen(text);
	char head[32];
	snprintf(head, sizeof(head), "%zu", len);
	if (cinch_sync_send(fd, type, 0, head) < 0)
		return -1;
	static char piece[PIECE + 1];
	for (size_t off = 0; off < len; off += PIECE) {
		size_t n = len - off < PIECE ? len - off : PIECE;
		memcpy(piece, text + off, n);
		piece[n] = '\0';
		if (cinch_sync_send(fd, type, 0, piece) < 0)
			return -1;
	}
	return 0;
}

int cinch_sync_expect_long(int fd, enum cinch_sync_type want, const char *what, size_t max, char **text,
			   struct cinch_error **err)
{
	char head[32];
	if (cinch_sync_expect_text(fd, want, what, head, sizeof(head), err) < 0)
		return -1;
	char *end = NULL;
	unsigned long long len = strtoull(head, &end, 10);
	if (end == head || *end != '\0' || len > max)
		return cinch_error_set(err, 0, "bad length \"%s\" from the runtime before %s", head, what);
	char *buf = malloc(len + 1);
	if (buf == NULL)
		return cinch_error_set(err, ENOMEM, "%s", what);
	static struct sync_msg m;
	size_t got = 0;
	while (got < len) {
		int r = recv_msg(fd, &m, err);
		size_t n = r == 1 ? strlen(m.text) : 0;
		if (r <= 0 || m.type != (int)want || n == 0 || n > len - got) {
			free(buf);
			return r < 0 ? -1 : cinch_error_set(err, 0, "short text from the runtime before %s", what);
		}
		memcpy(buf + got, m.text, n);
		got += n;
	}
	buf[len] = '\0';
	*text = buf;
	return 0;
}

int cinch_sync_expect_eof(int fd, struct cinch_error **err)
{
	static struct sync_msg m;
	int r = recv_msg(fd, &m, err);
	if (r <= 0)
		return r;
	if (m.type == CINCH_SYNC_ERROR)
		return error_from(&m, err);
	return cinch_error_set(err, 0, "unexpected message %d from the process", m.type);
}

int cinch_sync_expect(int fd, enum cinch_sync_type want, const char *what, struct cinch_error **err)
{
	return cinch_sync_expect_text(fd, want, what, NULL, 0, err);
}

int cinch_sync_send_fd(int sock, enum cinch_sync_type type, int errnum, int fd)
{
	struct sync_msg_head {
		int type;
		int errnum;
		char nul;
	} m = {.type = type, .errnum = errnum};
	struct iovec iov = {.iov_base = &m, .iov_len = offsetof(struct sync_msg, text) + 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {0};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)iov.iov_len ? 0 : -1;
}

/* One message and the fd it carries (-1: none); as recv_msg.  Any fd
 * beyond one is closed. */
static int recv_msg_fd(int sock, struct sync_msg *m, int *fd, struct cinch_error **err)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = m, .iov_len = sizeof(*m)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	*fd = -1;
	if (n < 0)
		return cinch_error_set(err, errno, "reading from the runtime");
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int got;
			memcpy(&got, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (*fd < 0)
				*fd = got;
			else
				close(got);
		}
	}
	if (n == 0)
		return 0;
	if ((size_t)n < offsetof(struct sync_msg, text) + 1)
		return cinch_error_set(err, 0, "short message from the runtime");
	m->text[sizeof(m->text) - 1] = '\0';
	return 1;
}

int cinch_sync_expect_sources(int sock, enum cinch_sync_type want, const char *what, int *sources, int *trees,
			      size_t n, int *devices, size_t n_devices, struct cinch_error **err)
{
	static struct sync_msg m;
	for (;;) {
		int fd = -1;
		int r = recv_msg_fd(sock, &m, &fd, err);
		bool ours = m.type == CINCH_SYNC_SOURCE || m.type == CINCH_SYNC_TREE || m.type == CINCH_SYNC_DEVICE;
		if (r <= 0 || !ours) {
			if (fd >= 0)
				close(fd);
			if (r < 0)
				return -1;
			if (r == 0)
				return cinch_error_set(err, 0, "the runtime went away before %s", what);
			if (m.type != (int)want)
				return cinch_error_set(err, 0, "unexpected message %d from the runtime (wanted %d)",
						       m.type, want);
			return 0;
		}
		bool device = m.type == CINCH_SYNC_DEVICE;
		if (fd < 0 || m.errnum < 0 || (size_t)m.errnum >= (device ? n_devices : n)) {
			if (fd >= 0)
				close(fd);
			return cinch_error_set(err, 0, "bad bind source message from the runtime before %s", what);
		}
		int *fds = device ? devices : m.type == CINCH_SYNC_TREE ? trees : sources;
		if (fds[m.errnum] >= 0)
			close(fds[m.errnum]);
		fds[m.errnum] = fd;
	}
}
