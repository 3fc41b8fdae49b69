/* state: owns the state directory (<root>/<id>/, default /run/cinch) and
 * container ids.  An id becomes a directory name, so it is checked before
 * any path is built from it. */
#ifndef CINCH_STATE_H
#define CINCH_STATE_H

struct cinch_error;

#define CINCH_DEFAULT_ROOT "/run/cinch"
#define CINCH_ID_MAX 1024

/* Refuses an empty id, ".", "..", one longer than CINCH_ID_MAX and any
 * character outside [A-Za-z0-9_+.-]. */
int cinch_state_validate_id(const char *id, struct cinch_error **err);

#endif
