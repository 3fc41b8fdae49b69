#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/hooks.h"
#include "cinch/log.h"
#include "cinch/spec.h"
#include "cinch/util.h"

static int wait_hook(pid_t pid, int pidfd, const struct cinch_spec_hook *h, int *status)
{
	int timeout_ms = h->timeout.set ? (int)(h->timeout.value * 1000) : -1;
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, status, 0);
		return -ETIMEDOUT;
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int run_one(const struct cinch_spec_hook *h, const char *kind, size_t i, const char *state_json,
		   struct cinch_error **err)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cinch_error_set(err, errno, "hooks.%s[%zu]: pipe", kind, i);
	pid_t pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return cinch_error_set(err, errno, "hooks.%s[%zu]: fork", kind, i);
	}
	if (pid == 0) {
		dup2(pipefd[0], STDIN_FILENO);
		char *fallback[] = {h->path, NULL};
		/* A hook with no env of its own gets the runtime's, as runc's
		 * and crun's do (a hook's PATH, for one). */
		execve(h->path, h->args.items ? h->args.items : fallback, h->env.items ? h->env.items : environ);
		_exit(127);
	}
	close(pipefd[0]);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	/* A hook that does not read its stdin must not kill us with SIGPIPE;
	 * the old disposition comes back, since init execs the workload later
	 * and an ignored SIGPIPE would survive execve. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	(void)cinch_write_all(pipefd[1], state_json, strlen(state_json));
	close(pipefd[1]);
	signal(SIGPIPE, old);
	int status = 0;
	int r = pidfd >= 0 ? wait_hook(pid, pidfd, h, &status) : (waitpid(pid, &status, 0) < 0 ? -errno : 0);
	if (pidfd >= 0)
		close(pidfd);
	if (r == -ETIMEDOUT)
		return cinch_error_set(err, 0, "hooks.%s[%zu] %s: timed out after %lld s", kind, i, h->path,
				       (long long)h->timeout.value);
	if (r < 0)
		return cinch_error_set(err, -r, "hooks.%s[%zu] %s: wait", kind, i, h->path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return cinch_error_set(err, 0, "hooks.%s[%zu] %s: exited with status %d", kind, i, h->path,
				       WEXITSTATUS(status));
	return cinch_error_set(err, 0, "hooks.%s[%zu] %s: killed by signal %d", kind, i, h->path, WTERMSIG(status));
}

int cinch_hooks_run(const struct cinch_spec_hook_list *hooks, const char *kind, const char *state_json,
		    struct cinch_error **err)
{
	for (size_t i = 0; i < hooks->n; i++)
		if (run_one(&hooks->items[i], kind, i, state_json, err) < 0)
			return -1;
	return 0;
}

size_t cinch_hooks_run_all(const struct cinch_spec_hook_list *hooks, const char *kind, const char *state_json)
{
	size_t failed = 0;
	for (size_t i = 0; i < hooks->n; i++) {
		struct cinch_error *e = NULL;
		if (run_one(&hooks->items[i], kind, i, state_json, &e) < 0) {
			cinch_log(CINCH_LOG_WARNING, "%s", e->msg);
			cinch_error_free(e);
			failed++;
		}
	}
	return failed;
}
