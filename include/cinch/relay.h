/* relay: owns the foreground runtime's side of a running process (`run`
 * and `exec` without --detach): it forwards the signals the runtime gets
 * to the process until the runtime's child exits.  When the process has a
 * terminal that no --console-socket took, the runtime holds the pty's
 * master (terminal.h) and the relay also copies the runtime's stdin to the
 * master and the master to the runtime's stdout, keeps the pty's window
 * size equal to the runtime's terminal's (SIGWINCH), and holds stdin, when
 * it is a terminal, in raw mode until the relay ends.  As runc's: EOF on
 * stdin ends that copy and nothing more; the process is not sent an EOF. */
#ifndef CINCH_RELAY_H
#define CINCH_RELAY_H

#include <signal.h>
#include <sys/types.h>

struct cinch_error;

struct cinch_relay {
	pid_t child;	      /* the runtime's child whose exit ends the relay */
	pid_t target;	      /* who gets the signals: the child, or exec's process */
	const char *name;     /* the child, for messages: "container init" */
	const sigset_t *mask; /* the signals relayed, blocked since before the child was made */
	int master;	      /* the pty's master, or -1: no terminal (not closed here) */
	int in, out;	      /* the runtime's stdin and stdout */
};

/* Relays until the child exits; its wait status in *status.  With a
 * master, what the process wrote to its terminal is copied out first.  A
 * failure of stdin or stdout only ends that copy (with a warning); the
 * process does not stall on a terminal no one reads. */
int cinch_relay_wait(const struct cinch_relay *r, int *status, struct cinch_error **err);

#endif
