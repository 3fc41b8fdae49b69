/* log: owns where messages go.  Library code calls cinch_log() for
 * warnings, decisions and debug traces; only main reports the one error,
 * through cinch_log_report_error().
 *
 * With --log FILE (or FILE "-"/unset meaning stderr), lines are written in
 * text (logfmt, as runc) or JSON: one object {"level","msg","time"} a line,
 * time in RFC 3339.  Below --debug a log file gets the error of a command
 * that fails and nothing else: podman reads the whole log file as a single
 * JSON object then, so a run that fails must leave exactly one line there.
 * A command that succeeds leaves its warnings (a poststart or poststop hook
 * that failed, say) and its decision records; nothing goes to stderr, which
 * is the container's. */
#ifndef CINCH_LOG_H
#define CINCH_LOG_H

#include <stdbool.h>

struct cinch_error;

enum cinch_log_level {
	CINCH_LOG_DEBUG,
	CINCH_LOG_INFO,
	CINCH_LOG_WARNING,
	CINCH_LOG_ERROR,
};

enum cinch_log_format {
	CINCH_LOG_TEXT,
	CINCH_LOG_JSON,
};

/* Opens path for appending (NULL: no log file) and sets the format and
 * verbosity.  Safe to call again; the previous file is closed. */
int cinch_log_open(const char *path, enum cinch_log_format format, bool debug, struct cinch_error **err);
int cinch_log_parse_format(const char *s, enum cinch_log_format *out);
void cinch_log_close(void);
/* The --log file's fd, or -1. */
int cinch_log_fd(void);

void cinch_log(enum cinch_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Where a warning goes instead, while set: the container's init, a process
 * of its own whose memory the runtime may never see again, hands its
 * warnings to the runtime over their socket (init.c), which logs them as
 * its own.  NULL: back to the log. */
void cinch_log_set_warning_sink(void (*sink)(void *arg, const char *msg), void *arg);

/* A decision record (audit.h): written at info level, whatever --debug
 * says, when the log is a file; on stderr only under --debug.  In JSON
 * the record is the line's "decision" member; in text, a quoted field. */
void cinch_log_decision(const char *msg, const char *record);

/* The single place an error reaches the user: one level=error line in the
 * log and "cinch: <msg>" on stderr (once, when the log is not stderr). */
void cinch_log_report_error(const struct cinch_error *err);

/* Formats one log line (without the newline); exposed for the unit tests. */
char *cinch_log_format_line(enum cinch_log_format format, enum cinch_log_level level, const char *time,
			    const char *msg);

#endif
