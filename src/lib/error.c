#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/util.h"

int cinch_error_setv(struct cinch_error **err, int errnum, const char *fmt, va_list ap)
{
	_cleanup_free_ char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		abort();

	char *msg = NULL;
	if (errnum != 0)
		xasprintf(&msg, "%s: %s", text, strerror(errnum));
	else
		msg = steal_pointer(&text);

	if (err == NULL) {
		free(msg);
		return -1;
	}
	if (*err != NULL) {
		/* The first failure is the one the user needs; a later one
		 * (typically during rollback) is only worth a warning. */
		cinch_log(CINCH_LOG_WARNING, "%s", msg);
		free(msg);
		return -1;
	}
	struct cinch_error *e = xmalloc(sizeof(*e));
	e->code = errnum;
	e->msg = msg;
	e->exit_status = 0;
	*err = e;
	return -1;
}

int cinch_error_set(struct cinch_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cinch_error_setv(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int cinch_error_prefix(struct cinch_error **err, const char *fmt, ...)
{
	if (err == NULL || *err == NULL)
		return -1;
	_cleanup_free_ char *prefix = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&prefix, fmt, ap) < 0)
		abort();
	va_end(ap);
	char *msg = NULL;
	xasprintf(&msg, "%s: %s", prefix, (*err)->msg);
	free((*err)->msg);
	(*err)->msg = msg;
	return -1;
}

void cinch_error_free(struct cinch_error *err)
{
	if (err == NULL)
		return;
	free(err->msg);
	free(err);
}

void cinch_error_freep(struct cinch_error **err)
{
	cinch_error_free(*err);
	*err = NULL;
}
