#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cinch/audit.h"
#include "cinch/decide.h"
#include "cinch/error.h"
#include "cinch/log.h"
#include "cinch/util.h"

static void field(struct cinch_buf *b, const char *key, const char *value)
{
	cinch_buf_printf(b, "%s\"%s\":", b->len > 1 ? "," : "", key);
	if (value)
		cinch_buf_json_string(b, value);
	else
		cinch_buf_puts(b, "null");
}

char *cinch_audit_record(const struct cinch_decision *d, const struct cinch_plan *plan, const char *time,
                         const char *id)
{
	struct cinch_buf b = {0};
	cinch_buf_puts(&b, "{");
	if (time)
		field(&b, "time", time);
	if (id)
		field(&b, "id", id);
	field(&b, "image", plan->image);
	field(&b, "policy", plan->policy);
	field(&b, "control", d->control);
	field(&b, "mode", d->mode);
	field(&b, "field", d->field);
	field(&b, "asked", d->asked);
	field(&b, "applied", d->applied);
	field(&b, "why", d->why);
	field(&b, "outcome", cinch_outcome_name(d->outcome));
	cinch_buf_puts(&b, "}");
	return cinch_buf_steal(&b);
}

static int open_audit(const char *path, struct cinch_error **err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
	if (fd < 0)
		return cinch_error_set(err, errno, "policy auditFile %s: open", path);
	return fd;
}

int cinch_audit_write(const struct cinch_plan *plan, const char *id, const char *audit_file, bool to_log,
                      struct cinch_error **err)
{
	if (plan->decisions.n == 0)
		return 0;
	_cleanup_close_ int fd = audit_file ? open_audit(audit_file, err) : -1;
	if (audit_file && fd < 0)
		return -1;
	char now[64];
	cinch_rfc3339_now(now);
	for (size_t i = 0; i < plan->decisions.n; i++) {
		const struct cinch_decision *d = &plan->decisions.items[i];
		_cleanup_free_ char *rec = cinch_audit_record(d, plan, now, id);
		_cleanup_free_ char *msg = NULL;
		xasprintf(&msg, "decision: %s %s %s", d->control, cinch_outcome_name(d->outcome), d->field);
		if (to_log)
			cinch_log_decision(msg, rec);
		if (fd < 0)
			continue;
		size_t n = strlen(rec);
		rec[n] = '\n'; /* the NUL's place: one write(2) for the line */
		if (cinch_write_all(fd, rec, n + 1) < 0)
			return cinch_error_set(err, errno, "policy auditFile %s: write", audit_file);
		rec[n] = '\0';
	}
	return 0;
}
