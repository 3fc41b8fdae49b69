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

#ifndef CINCH_CAPS_APPLY
#define CINCH_CAPS_APPLY
#include <stdint.h>
struct cinch_error;
struct cinch_spec_capabilities;

/* Highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap). */
int cinch_cap_last_cap(void);
/* Drops from the bounding set every capability not in mask (needs
 * CAP_SETPCAP, so before the user switch). */
int cinch_caps_drop_bounding(uint64_t mask, struct cinch_error **err);
/* Sets effective, permitted and inheritable, then raises ambient; after
 * the user switch (with PR_SET_KEEPCAPS held across it). */
int cinch_caps_set(const struct cinch_spec_capabilities *caps, struct cinch_error **err);
#endif
