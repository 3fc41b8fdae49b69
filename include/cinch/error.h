/* error: owns struct cinch_error, the one way a failure travels from the
 * place it happens up to main, which reports it once (stderr and --log).
 *
 * Idiom: a function that can fail returns int (< 0 on failure) and takes
 * `struct cinch_error **err` last.  It sets *err exactly when it fails and
 * leaves it alone on success.  Messages name the object: a file, a JSON
 * path, a container id. */
#ifndef CINCH_ERROR_H
#define CINCH_ERROR_H

#include <stdarg.h>

struct cinch_error {
	int code;  /* errno value, 0 when the failure is not a system error */
	char *msg; /* full message, strerror(code) already appended */
	int exit_status; /* what cinch exits with; 0 means the default, 1 */
};

/* Records a failure and returns -1.  With errnum != 0 the message ends in
 * ": strerror(errnum)".  If *err is already set (a failure during rollback),
 * the first error is kept and this one is logged as a warning. */
int cinch_error_set(struct cinch_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cinch_error_setv(struct cinch_error **err, int errnum, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Prepends "<prefix>: " to an existing error, to add the outer object
 * (e.g. the file name) on the way up.  Returns -1. */
int cinch_error_prefix(struct cinch_error **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void cinch_error_free(struct cinch_error *err);
void cinch_error_freep(struct cinch_error **err);
#define _cleanup_error_ __attribute__((cleanup(cinch_error_freep)))

#endif
