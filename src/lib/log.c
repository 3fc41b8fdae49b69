#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/util.h"

static struct {
	int fd; /* -1: no log file */
	enum cinch_log_format format;
	bool debug;
	bool fd_is_stderr;
} log_state = {.fd = -1};

/* Warnings below --debug, held until the command ends: written to the log
 * file when it succeeds (cinch_log_close), dropped when it fails
 * (cinch_log_report_error), so that a failed command leaves its one error
 * line alone (log.h).  Each is a whole line, newline included. */
static struct {
	char **lines;
	size_t n;
} pending;

static void pending_drop(void)
{
	for (size_t i = 0; i < pending.n; i++)
		free(pending.lines[i]);
	free(pending.lines);
	pending.lines = NULL;
	pending.n = 0;
}

static const char *const level_names[] = {
	[CINCH_LOG_DEBUG] = "debug",
	[CINCH_LOG_INFO] = "info",
	[CINCH_LOG_WARNING] = "warning",
	[CINCH_LOG_ERROR] = "error",
};

int cinch_log_parse_format(const char *s, enum cinch_log_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = CINCH_LOG_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = CINCH_LOG_JSON;
	else
		return -1;
	return 0;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;
	if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cinch_log_open(const char *path, enum cinch_log_format format, bool debug, struct cinch_error **err)
{
	cinch_log_close();
	log_state.format = format;
	log_state.debug = debug;
	if (path == NULL || *path == '\0')
		return 0;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return cinch_error_set(err, errno, "--log %s: open", path);
	log_state.fd = fd;
	log_state.fd_is_stderr = same_file(fd, STDERR_FILENO);
	return 0;
}

int cinch_log_fd(void)
{
	return log_state.fd;
}

void cinch_log_close(void)
{
	for (size_t i = 0; i < pending.n && log_state.fd >= 0; i++)
		(void)cinch_write_all(log_state.fd, pending.lines[i], strlen(pending.lines[i]));
	pending_drop();
	if (log_state.fd >= 0)
		close(log_state.fd);
	log_state.fd = -1;
	log_state.fd_is_stderr = false;
}

char *cinch_log_format_line(enum cinch_log_format format, enum cinch_log_level level, const char *time,
			    const char *msg)
{
	struct cinch_buf b = {0};
	if (format == CINCH_LOG_JSON) {
		cinch_buf_puts(&b, "{\"level\":");
		cinch_buf_json_string(&b, level_names[level]);
		cinch_buf_puts(&b, ",\"msg\":");
		cinch_buf_json_string(&b, msg);
		cinch_buf_puts(&b, ",\"time\":");
		cinch_buf_json_string(&b, time);
		cinch_buf_puts(&b, "}");
	} else {
		/* logfmt, as runc's text format: time="..." level=... msg="..." */
		cinch_buf_printf(&b, "time=\"%s\" level=%s msg=", time, level_names[level]);
		cinch_buf_json_string(&b, msg);
	}
	return cinch_buf_steal(&b);
}

/* A whole line for the log file, newline included.  extra: a JSON value
 * added to the line as "decision", or NULL. */
static char *make_line(enum cinch_log_level level, const char *msg, const char *extra)
{
	char now[64];
	cinch_rfc3339_now(now);
	_cleanup_free_ char *line = cinch_log_format_line(log_state.format, level, now, msg);
	if (extra) {
		struct cinch_buf b = {0};
		size_t keep = strlen(line) - (log_state.format == CINCH_LOG_JSON ? 1 : 0);
		cinch_buf_append(&b, line, keep);
		if (log_state.format == CINCH_LOG_JSON)
			cinch_buf_printf(&b, ",\"decision\":%s}", extra);
		else {
			cinch_buf_puts(&b, " decision=");
			cinch_buf_json_string(&b, extra);
		}
		free(line);
		line = cinch_buf_steal(&b);
	}
	char *whole = NULL;
	xasprintf(&whole, "%s\n", line);
	return whole;
}

static void write_line(enum cinch_log_level level, const char *msg, const char *extra)
{
	_cleanup_free_ char *line = make_line(level, msg, extra);
	/* One write(2) per line keeps lines whole when several processes
	 * append to the same file (O_APPEND). */
	(void)cinch_write_all(log_state.fd, line, strlen(line));
}

static struct {
	void (*fn)(void *arg, const char *msg);
	void *arg;
} warning_sink;

void cinch_log_set_warning_sink(void (*sink)(void *arg, const char *msg), void *arg)
{
	warning_sink.fn = sink;
	warning_sink.arg = arg;
}

void cinch_log(enum cinch_log_level level, const char *fmt, ...)
{
	if (level == CINCH_LOG_ERROR)
		level = CINCH_LOG_WARNING; /* errors are reported only by main */
	bool sunk = level == CINCH_LOG_WARNING && warning_sink.fn;
	bool held = !log_state.debug && level == CINCH_LOG_WARNING && log_state.fd >= 0 && !log_state.fd_is_stderr;
	if (!sunk && !log_state.debug && !held)
		return;
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return;
	if (sunk)
		warning_sink.fn(warning_sink.arg, msg);
	else if (held) {
		pending.lines = xrealloc(pending.lines, (pending.n + 1) * sizeof(*pending.lines));
		pending.lines[pending.n++] = make_line(level, msg, NULL);
	} else if (log_state.fd >= 0)
		write_line(level, msg, NULL);
	else
		fprintf(stderr, "cinch: %s: %s\n", level_names[level], msg);
}

void cinch_log_report_error(const struct cinch_error *err)
{
	const char *msg = err && err->msg ? err->msg : "unknown error";
	pending_drop();
	if (log_state.fd >= 0)
		write_line(CINCH_LOG_ERROR, msg, NULL);
	if (log_state.fd < 0 || !log_state.fd_is_stderr)
		fprintf(stderr, "cinch: %s\n", msg);
}

void cinch_log_decision(const char *msg, const char *record)
{
	/* Not on stderr unless asked (--debug): on success a runtime's
	 * stderr is the container's. */
	if (log_state.fd >= 0 && (!log_state.fd_is_stderr || log_state.debug))
		write_line(CINCH_LOG_INFO, msg, record);
	else if (log_state.debug)
		fprintf(stderr, "cinch: info: %s %s\n", msg, record);
}
