/* grade: owns the security grade of a bundle for `cinch check`: the list
 * of controls (Kubernetes Pod Security Standards, CIS Docker Benchmark
 * section 4 and 5, image hygiene), how each is judged from a config, and
 * the report in table, JSON or SARIF 2.1.0 form.
 *
 * Grading the config is pure: it compares the config as asked with the
 * effective config (the same struct, after the operator's policy changed
 * it) and gives every control a verdict:
 *   pass             the config as asked is fine;
 *   fixed-by-policy  the config as asked is not, the effective one is;
 *   fail             the effective config is not fine.
 * Every control the config can show yields exactly one finding, passes
 * included, so a report says what was checked and not only what failed.
 * The effective config is the plan's (decide.h), with the plan's choice of
 * seccomp filter named in the annotation org.cinch.seccomp.profile
 * ("unconfined" for none) by the caller.
 *
 * Grading the rootfs walks it from a directory fd with openat-relative
 * calls only; it never follows a symlink, never leaves the rootfs and
 * never crosses into another mount.
 *
 * Messages name the JSON path or the file; a value that may be a secret
 * is never copied into a finding, only the variable's name.  Text from
 * the config or the rootfs is escaped (control bytes and invalid UTF-8 as
 * \xNN), so that no format can be broken or a terminal driven by it.
 *
 * Like spec.c, this module includes jansson: the JSON and SARIF output
 * are built as jansson values, so escaping is jansson's. */
#ifndef CINCH_GRADE_H
#define CINCH_GRADE_H

#include <stdbool.h>
#include <stddef.h>

struct cinch_error;
struct cinch_spec;

enum cinch_severity {
	CINCH_SEV_INFO,
	CINCH_SEV_LOW,
	CINCH_SEV_MEDIUM,
	CINCH_SEV_HIGH,
	CINCH_SEV_CRITICAL,
};
/* "info", "low", "medium", "high", "critical" (any case) -> *out.  The
 * message names the word and lists the valid ones. */
int cinch_severity_parse(const char *s, enum cinch_severity *out, struct cinch_error **err);
const char *cinch_severity_name(enum cinch_severity sev);

enum cinch_verdict {
	CINCH_VERDICT_PASS,
	CINCH_VERDICT_FAIL,
	CINCH_VERDICT_FIXED,
};
/* "pass", "fail", "fixed-by-policy". */
const char *cinch_verdict_name(enum cinch_verdict v);

struct cinch_finding {
	const char *id; /* stable: "PSS-baseline-host-namespaces", "CIS-5.12", "IMG-secret-env" */
	enum cinch_severity sev;
	enum cinch_verdict verdict;
	char *what;           /* owned: the JSON path or file and what was found there */
	const char *fix;      /* one line */
	const char *standard; /* the control, e.g. "CIS Docker Benchmark v1.5.0 5.12: Ensure ..." */
};
struct cinch_findings {
	struct cinch_finding *items;
	size_t n;
	size_t cap;
};
/* Frees what the list owns and leaves it empty. */
void cinch_findings_free(struct cinch_findings *f);

/* Appends one finding per control, in a fixed order.  Pure. */
void cinch_grade_config(const struct cinch_spec *asked, const struct cinch_spec *effective, struct cinch_findings *out);

/* At most this many paths are named in one rootfs finding; the count
 * covers them all. */
#define CINCH_GRADE_MAX_PATHS 10
/* Directories deeper than this below the root are not entered (and are
 * counted as skipped). */
#define CINCH_GRADE_MAX_DEPTH 64

/* Walks the rootfs below rootfd (O_PATH or not; a directory) and appends
 * the findings about its files: setuid/setgid regular files (CIS-4.8) and
 * world-writable directories without the sticky bit.  Fails only when
 * rootfd itself cannot be read; entries that cannot be read, mounts not
 * entered and directories too deep are counted in the messages. */
int cinch_grade_rootfs(int rootfd, struct cinch_findings *out, struct cinch_error **err);

enum cinch_grade_format {
	CINCH_GRADE_TABLE,
	CINCH_GRADE_JSON,
	CINCH_GRADE_SARIF,
};
/* "table", "json", "sarif" -> *out. */
int cinch_grade_format_parse(const char *s, enum cinch_grade_format *out, struct cinch_error **err);

/* The report as a NUL-terminated string (malloc'd), ending in a newline.
 *  table  aligned columns VERDICT SEVERITY ID MESSAGE, with the fix on
 *         the next line for findings that did not pass;
 *  json   an array of {id, severity, verdict, message, fix, standard};
 *  sarif  a SARIF 2.1.0 log with one run whose tool.driver (name "cinch")
 *         lists one rule per control id.  Every finding is a result:
 *         a failure has kind "fail" and a level from its severity
 *         (critical, high: "error"; medium, low: "warning"; info: "note");
 *         pass and fixed-by-policy have kind "pass" and level "none", as
 *         SARIF requires for a kind other than "fail", and carry cinch's
 *         verdict in properties.verdict.  Keeping them lets a reader see
 *         what the policy is compensating for; a consumer that wants only
 *         problems filters on kind.  Results have no locations: a config
 *         finding names its JSON path in the message. */
char *cinch_findings_format(const struct cinch_findings *f, enum cinch_grade_format fmt);

/* Whether any finding has verdict fail and severity >= at_least. */
bool cinch_findings_fail(const struct cinch_findings *f, enum cinch_severity at_least);

#endif
