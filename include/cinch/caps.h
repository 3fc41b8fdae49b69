/* caps: owns the capability names and, in later work, applying capability
 * sets to the container process.  The name table here is the one every
 * other module (spec reader, features, policy) consults. */
#ifndef CINCH_CAPS_H
#define CINCH_CAPS_H

/* Capability numbers known to this build: 0 .. CINCH_CAP_LAST. */
#define CINCH_CAP_LAST 40

/* "CAP_SYS_ADMIN" -> 21; -1 for an unknown name. */
int cinch_cap_from_name(const char *name);
/* 21 -> "CAP_SYS_ADMIN"; NULL past CINCH_CAP_LAST. */
const char *cinch_cap_name(int cap);

#endif
