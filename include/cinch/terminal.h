/* terminal: owns the container's pseudo-terminal.  The pty is allocated
 * inside the container (its devpts, through /dev/ptmx) after pivot_root;
 * the master goes to the caller over --console-socket in one SCM_RIGHTS
 * message with the pty's name as payload; the slave becomes stdio, the
 * controlling terminal and, for init, /dev/console.  With no
 * --console-socket, a foreground run or exec takes the master itself, the
 * same way, over a socketpair, and relays it (relay.h). */
#ifndef CINCH_TERMINAL_H
#define CINCH_TERMINAL_H

#include <stdbool.h>

struct cinch_error;
struct cinch_spec_process;

/* Connects to the caller's AF_UNIX socket (in the runtime, before the
 * container exists; works for paths past sun_path's 108 bytes). */
int cinch_terminal_connect(const char *path, int *fd, struct cinch_error **err);

/* For a runtime that relays the terminal itself: a connected pair, *ours
 * to receive on, *theirs used as a connected --console-socket is. */
int cinch_terminal_pair(int *ours, int *theirs, struct cinch_error **err);

/* For a runtime that relays the terminal: the size of the runtime's own
 * terminal (stdin's, else stdout's) becomes p's console size when the
 * config gave none, so that the pty has it before the process starts;
 * the relay copies it again on each SIGWINCH.  No terminal, or one of
 * size 0 by 0, leaves p as it is. */
void cinch_terminal_size_from_host(struct cinch_spec_process *p);

/* Takes the master from ours (O_CLOEXEC).  The sender has sent it already
 * (init was READY, exec's process exec'd), so this does not wait: nothing
 * there is an error. */
int cinch_terminal_receive(int ours, int *master, struct cinch_error **err);

/* In the container process: allocate, send the master over console_fd,
 * and make the slave stdio and controlling terminal.  With bind_console
 * the slave is also bind-mounted on /dev/console. */
int cinch_terminal_setup(int console_fd, const struct cinch_spec_process *p, bool bind_console,
			 struct cinch_error **err);

#endif
