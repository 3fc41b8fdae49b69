/* cinch check: build the plan create would for a bundle, under the same
 * policy, and report its decisions and what this host cannot honour; with
 * --format or --fail-on, also grade the bundle (grade.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cinch/audit.h"
#include "cinch/cli.h"
#include "cinch/decide.h"
#include "cinch/error.h"
#include "cinch/grade.h"
#include "cinch/hostns.h"
#include "cinch/idpool.h"
#include "cinch/plan.h"
#include "cinch/policy.h"
#include "cinch/profile.h"
#include "cinch/spec.h"
#include "cinch/util.h"

enum { OPT_BUNDLE = 1, OPT_FORMAT, OPT_FAIL_ON };

static const struct cinch_opt opts[] = {
    {"bundle", 'b', true, OPT_BUNDLE},
    {"format", 'f', true, OPT_FORMAT},
    {"fail-on", 0, true, OPT_FAIL_ON},
    {NULL, 0, false, 0},
};

struct check_args {
	const char *bundle;
	bool grade;
	enum cinch_grade_format format;
	bool fail_on_set;
	enum cinch_severity fail_on;
};

static int parse(int argc, char **argv, struct check_args *a, struct cinch_error **err)
{
	struct cinch_optparse p;
	cinch_optparse_init(&p, argc, argv);
	p.idx = 1;
	int id;
	while ((id = cinch_opt_next(&p, opts, "check", err)) > 0) {
		switch (id) {
		case OPT_BUNDLE:
			a->bundle = p.arg;
			break;
		case OPT_FORMAT:
			a->grade = true;
			if (cinch_grade_format_parse(p.arg, &a->format, err) < 0)
				return cinch_error_prefix(err, "check: --format");
			break;
		case OPT_FAIL_ON:
			a->grade = a->fail_on_set = true;
			if (cinch_severity_parse(p.arg, &a->fail_on, err) < 0)
				return cinch_error_prefix(err, "check: --fail-on");
			break;
		case CINCH_OPT_HELP:
			cinch_command_help(&cinch_cmd_check);
			return 1;
		}
	}
	if (id < 0)
		return -1;
	if (p.idx < argc)
		return cinch_error_set(err, 0, "check: unexpected argument \"%s\"", argv[p.idx]);
	return 0;
}

/* The effective config names the plan's filter where the grader looks
 * for it (grade.h). */
static void name_plan_filter(struct cinch_spec *spec, const struct cinch_plan *plan)
{
	if (plan->seccomp == CINCH_SECCOMP_CONFIG)
		return;
	const char *name = plan->seccomp == CINCH_SECCOMP_PROFILE ? plan->profile : "unconfined";
	struct cinch_kvs *a = &spec->annotations;
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->items[i].key, CINCH_PROFILE_ANNOTATION) == 0) {
			free(a->items[i].value);
			a->items[i].value = xstrdup(name);
			return;
		}
	}
	a->items = xrealloc(a->items, (a->n + 1) * sizeof(*a->items));
	a->items[a->n++] = (struct cinch_kv){xstrdup(CINCH_PROFILE_ANNOTATION), xstrdup(name)};
}

/* A late remap (decide.h) is a user namespace of the workload's own, its
 * root one of the pool's ids: the first block stands for the one create
 * will pick. */
static void show_remap(struct cinch_spec *spec, const struct cinch_plan *plan, const struct cinch_policy *policy)
{
	if (!plan->remap.on || !plan->remap.late)
		return;
	struct cinch_id_pool pool;
	cinch_idpool_resolve(&policy->pool, &pool);
	struct cinch_spec_namespaces *ns = &spec->linux_.namespaces;
	ns->items = xrealloc(ns->items, (ns->n + 1) * sizeof(*ns->items));
	ns->items[ns->n++] = (struct cinch_spec_namespace){.type = CINCH_NS_USER};
	struct cinch_spec_idmaps *m[] = {&spec->linux_.uid_mappings, &spec->linux_.gid_mappings};
	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		free(m[i]->items);
		m[i]->items = xcalloc(1, sizeof(*m[i]->items));
		m[i]->items[0] = (struct cinch_spec_idmap){0, pool.start, plan->remap.size};
		m[i]->n = 1;
	}
}

/* The rootfs as create opens it: root.path under the bundle, with no
 * symlink on the way. */
static int open_rootfs(const char *bundle, const struct cinch_spec *spec, const char *cfg, struct cinch_error **err)
{
	_cleanup_close_ int dir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	int fd = dir < 0 ? -1 : (int)syscall(SYS_openat2, dir, spec->root.path, &how, sizeof(how));
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: root.path %s", cfg, spec->root.path);
	return fd;
}

/* Grades the config as asked against the plan's, and the rootfs; returns
 * 1 when a finding at or above --fail-on asks for what the bundle should
 * not (failed, or fixed by the policy: the bundle still asks for it). */
static int grade(const struct check_args *a, const char *bundle, const char *path, const char *text, size_t len,
                 struct cinch_spec *effective, const struct cinch_plan *plan, const struct cinch_policy *policy,
                 struct cinch_error **err)
{
	_cleanup_spec_ struct cinch_spec *asked = NULL;
	if (cinch_spec_parse(text, len, path, &asked, err) < 0)
		return -1;
	name_plan_filter(effective, plan);
	show_remap(effective, plan, policy);
	struct cinch_findings f = {0};
	cinch_grade_config(asked, effective, &f);
	_cleanup_close_ int rootfd = open_rootfs(bundle, effective, path, err);
	if (rootfd < 0 || cinch_grade_rootfs(rootfd, &f, err) < 0) {
		cinch_findings_free(&f);
		return -1;
	}
	_cleanup_free_ char *report = cinch_findings_format(&f, a->format);
	fputs(report, stdout);
	int r = 0;
	for (size_t i = 0; a->fail_on_set && i < f.n; i++)
		if (f.items[i].verdict != CINCH_VERDICT_PASS && f.items[i].sev >= a->fail_on)
			r = 1;
	cinch_findings_free(&f);
	return r;
}

static int run(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	struct check_args a = {.bundle = ".", .format = CINCH_GRADE_TABLE};
	int pr = parse(argc, argv, &a, err);
	if (pr != 0)
		return pr > 0 ? 0 : -1;

	char abs[PATH_MAX];
	if (realpath(a.bundle, abs) == NULL)
		return cinch_error_set(err, errno, "bundle %s", a.bundle);
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/config.json", abs);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct cinch_policy policy = {0};
	if (cinch_read_file(path, CINCH_SPEC_MAX_SIZE, &text, &len, err) < 0 ||
	    cinch_policy_load(g->policy, &policy, err) < 0)
		return -1;
	/* The plan create would build, decisions and all. */
	struct cinch_plan_input in = {
	    .config_path = path, .text = text, .len = len, .bundle = abs, .state_root = g->root, .policy = &policy};
	struct cinch_spec *spec = NULL;
	struct cinch_ns_facts ns = CINCH_NS_FACTS_INIT;
	struct cinch_plan plan = {0};
	int r = cinch_plan_build(&in, &spec, &ns, &plan, err);
	for (size_t i = 0; !a.grade && i < plan.decisions.n; i++) {
		_cleanup_free_ char *rec = cinch_audit_record(&plan.decisions.items[i], &plan, NULL, NULL);
		printf("%s: decision: %s\n", path, rec);
	}
	if (r == 0 && a.grade) {
		r = grade(&a, abs, path, text, len, spec, &plan, &policy, err);
	} else if (r == 0) {
		struct cinch_host_features host;
		cinch_host_features_probe(&host);
		cinch_spec_check_host(spec, &host);
		for (size_t i = 0; i < spec->notes.n; i++)
			printf("%s: %s\n", path, spec->notes.items[i]);
		printf("%s: ok\n", path);
	}
	cinch_ns_facts_close(&ns);
	cinch_spec_free(spec);
	cinch_plan_clear(&plan);
	cinch_policy_clear(&policy);
	return r;
}

const struct cinch_command cinch_cmd_check = {
    .name = "check",
    .summary = "check a bundle as create would, and grade it",
    .usage = "[-b DIR] [--format table|json|sarif] [--fail-on SEVERITY]\n"
             "\n"
             "Reads DIR/config.json (default: the current directory) and builds the\n"
             "plan create would, under the same policy (--policy).  Prints each\n"
             "decision the policy made as a JSON record, one line for each field this\n"
             "host or this build cannot honour, then \"FILE: ok\".  An invalid config,\n"
             "or one the policy refuses, exits 1 with a message naming the file and\n"
             "the JSON path.\n"
             "\n"
             "With --format or --fail-on it grades the bundle instead: the config as\n"
             "asked against the plan's, on Kubernetes Pod Security Standards, the CIS\n"
             "Docker Benchmark controls a runtime sees and image hygiene (the rootfs\n"
             "walked, never following a link out of it).  Each finding has an id, a\n"
             "severity, a verdict (pass, fail, fixed-by-policy) and its fix.\n"
             "\n"
             "Options:\n"
             "  -b, --bundle DIR       bundle directory holding config.json\n"
             "  -f, --format FORMAT    table (default), json or sarif\n"
             "      --fail-on SEV      exit 1 if a finding of severity SEV or above\n"
             "                         failed or was fixed by the policy (the bundle\n"
             "                         asks for it): info, low, medium, high, critical\n"
             "  -h, --help             show this help\n",
    .run = run,
};
