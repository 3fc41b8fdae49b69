/* features: owns the runtime-spec features document (features.md) that
 * `cinch features` prints.  It advertises only what this build implements;
 * every issue that lands a capability updates it. */
#ifndef CINCH_FEATURES_H
#define CINCH_FEATURES_H

#define CINCH_OCI_VERSION_MIN "1.0.0"
#define CINCH_OCI_VERSION_MAX "1.3.0"

/* The features JSON document, newline-terminated. */
char *cinch_features_json(void);

#endif
