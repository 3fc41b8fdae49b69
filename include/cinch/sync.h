/* sync: owns the messages between the runtime and the container init over
 * their socketpair.  Init reports each phase or the first error (text and
 * errno) and then exits; the runtime answers "go" when init may continue. */
#ifndef CINCH_SYNC_H
#define CINCH_SYNC_H

#include <stddef.h>

struct cinch_error;

enum cinch_sync_type {
	CINCH_SYNC_GO = 1,     /* runtime -> init: continue */
	CINCH_SYNC_MAPPED,     /* init -> runtime: namespaces made, set ids and cgroup */
	CINCH_SYNC_HOOKS,      /* init -> runtime: mounts done, run prestart/createRuntime */
	CINCH_SYNC_READY,      /* init -> runtime: set up, about to wait for start */
	CINCH_SYNC_ERROR,      /* init -> runtime: failed; text follows */
	CINCH_SYNC_SOURCE,     /* runtime -> init: a bind source it opened, for mount errnum */
	CINCH_SYNC_TREE,       /* runtime -> init: an idmapped copy it made, for mount errnum */
	CINCH_SYNC_DEVICE,     /* runtime -> init: a node it made, for linux.devices[errnum] */
	CINCH_SYNC_WARNING,    /* init -> runtime: a warning to log; any number, before READY */
};

/* Sends one message; text may be NULL. */
int cinch_sync_send(int fd, enum cinch_sync_type type, int errnum, const char *text);
/* Receives one message of the expected type.  An error message from init
 * becomes *err; EOF becomes "container init exited before ...".  A
 * warning from init on the way is logged (cinch_log) and skipped, here and
 * in every cinch_sync_expect_* below. */
int cinch_sync_expect(int fd, enum cinch_sync_type want, const char *what, struct cinch_error **err);

/* Same, copying the message's text (e.g. a pid) into text. */
int cinch_sync_expect_text(int fd, enum cinch_sync_type want, const char *what, char *text, size_t size,
			   struct cinch_error **err);
/* A text of any length (a state JSON for the hooks): its length first,
 * then pieces of one message each.  The receiver refuses more than max
 * bytes and returns a malloc'd copy. */
int cinch_sync_send_long(int fd, enum cinch_sync_type type, const char *text);
int cinch_sync_expect_long(int fd, enum cinch_sync_type want, const char *what, size_t max, char **text,
			   struct cinch_error **err);
/* One fd, as SCM_RIGHTS, in a message of type with errnum (an index). */
int cinch_sync_send_fd(int sock, enum cinch_sync_type type, int errnum, int fd);
/* Receives until a message of type want; before it, each CINCH_SYNC_SOURCE
 * message's fd goes to sources[its errnum], each CINCH_SYNC_TREE's to
 * trees[its errnum] (n slots each), each CINCH_SYNC_DEVICE's to
 * devices[its errnum] (n_devices slots); close-on-exec, and one already
 * there is closed.  An index past its array, or such a message without an
 * fd, is an error. */
int cinch_sync_expect_sources(int sock, enum cinch_sync_type want, const char *what, int *sources, int *trees,
			      size_t n, int *devices, size_t n_devices, struct cinch_error **err);
/* Waits for the peer to close its end (0), as a successful execve of a
 * close-on-exec socket does; an error message it sent instead is -1. */
int cinch_sync_expect_eof(int fd, struct cinch_error **err);

#endif
