/* audit: owns the decision records (decide.h) once they leave the plan:
 * their JSON form, one object a line, and where they go: the --log file at
 * info level, and the policy's audit file.
 *
 * A record: {"time","id","image","policy","control","mode","field",
 * "asked","applied","why","outcome"}, time in RFC 3339, image null when
 * no annotation names one.  The audit file is opened O_APPEND and each
 * record is one write(2), so that records of containers starting at once
 * never interleave; it is made 0600 when missing, and a link is refused. */
#ifndef CINCH_AUDIT_H
#define CINCH_AUDIT_H

#include <stdbool.h>

struct cinch_decision;
struct cinch_error;
struct cinch_plan;

/* One record as JSON, no newline.  time and id may be NULL: left out (the
 * golden tests compare records without them). */
char *cinch_audit_record(const struct cinch_decision *d, const struct cinch_plan *plan, const char *time,
                         const char *id);

/* Writes every record of plan: to the log (log.h) when to_log, and, when
 * audit_file is not NULL, appended there.  A failure to write the audit
 * file is an error: an operator who asked for one relies on it. */
int cinch_audit_write(const struct cinch_plan *plan, const char *id, const char *audit_file, bool to_log,
                      struct cinch_error **err);

#endif
