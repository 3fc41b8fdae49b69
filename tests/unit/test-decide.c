/* The policy engine without root: policy files and presets (policy.h),
 * every control in every mode against golden files (decide.h), the id
 * pool's arithmetic (idpool.h) and the decision records (audit.h).
 *
 * Each directory under tests/data/decide/ is one case: config.json, an
 * optional policy.json (else the default preset), and `expected`: the
 * effective values (cinch_plan_describe), the records, and the outcome.
 * CINCH_GOLDEN_UPDATE=1 rewrites `expected`; review the diff before
 * committing it. */
#include "config.h"

#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/audit.h"
#include "cinch/decide.h"
#include "cinch/error.h"
#include "cinch/hostns.h"
#include "cinch/idpool.h"
#include "cinch/policy.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "unit.h"

#define CASES CINCH_TEST_DATA "/decide"

static char *read_text(const char *path, bool must)
{
	struct cinch_error *err = NULL;
	char *text = NULL;
	size_t len = 0;
	if (cinch_read_file(path, 1 << 20, &text, &len, &err) < 0) {
		ck_assert_msg(!must, "%s", err->msg);
		cinch_error_free(err);
		return NULL;
	}
	return text;
}

static void load_policy(const char *dir, struct cinch_policy *p)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/policy.json", dir);
	_cleanup_free_ char *text = read_text(path, false);
	struct cinch_error *err = NULL;
	int r = text ? cinch_policy_parse(text, strlen(text), path, p, &err) : cinch_policy_preset("default", p, &err);
	ck_assert_msg(r == 0, "%s", err ? err->msg : "");
	free(p->name);
	p->name = xstrdup(text ? "policy.json" : "default");
}

/* The host the cases run on: its nodes at the paths the cases' policies
 * allow, as plan.c finds them with stat(2). */
static const struct cinch_host_device host_devices[] = {
    {"/dev/fuse", 'c', 10, 229},
    {"/dev/net/tun", 'c', 10, 200},
    {"/dev/loop0", 'b', 7, 0},
};

/* What a case produces, as `expected` holds it. */
static char *run_case(const char *dir, const struct cinch_ns_facts *ns)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/config.json", dir);
	_cleanup_free_ char *text = read_text(path, true);
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	ck_assert_msg(cinch_spec_parse(text, strlen(text), "config.json", &spec, &err) == 0, "%s", err ? err->msg : "");
	struct cinch_policy policy = {0};
	load_policy(dir, &policy);
	struct cinch_plan plan = {0};
	struct cinch_facts facts = {.ns = ns,
	                            .bind_sources = NULL,
	                            .state_root = "/run/cinch",
	                            .host_devices = host_devices,
	                            .n_host_devices = ARRAY_SIZE(host_devices)};
	int r = cinch_decide(spec, &policy, &facts, &plan, &err);
	struct cinch_buf out = {0};
	_cleanup_free_ char *described = cinch_plan_describe(spec, &plan);
	cinch_buf_puts(&out, described);
	cinch_buf_puts(&out, "--- decisions\n");
	for (size_t i = 0; i < plan.decisions.n; i++) {
		_cleanup_free_ char *rec = cinch_audit_record(&plan.decisions.items[i], &plan, NULL, NULL);
		cinch_buf_printf(&out, "%s\n", rec);
	}
	cinch_buf_printf(&out, "--- result\n%s%s\n", r == 0 ? "ok" : "refused: ", r == 0 ? "" : err->msg);
	cinch_error_free(err);
	cinch_plan_clear(&plan);
	cinch_policy_clear(&policy);
	cinch_spec_free(spec);
	return cinch_buf_steal(&out);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(golden_cases)
{
	DIR *d = opendir(CASES);
	ck_assert_ptr_nonnull(d);
	struct cinch_strv names = {0};
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_type == DT_DIR && e->d_name[0] != '.')
			cinch_strv_append(&names, e->d_name);
	closedir(d);
	qsort(names.items, names.n, sizeof(char *), cmp_names);
	/* One per control and mode: a directory lost would pass in silence. */
	ck_assert_uint_ge(names.n, 38);
	bool update = getenv("CINCH_GOLDEN_UPDATE") != NULL;
	size_t failed = 0;
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *dir = NULL, *exp_path = NULL;
		xasprintf(&dir, "%s/%s", CASES, names.items[i]);
		xasprintf(&exp_path, "%s/expected", dir);
		_cleanup_free_ char *got = run_case(dir, NULL);
		if (update) {
			struct cinch_error *err = NULL;
			ck_assert(cinch_write_file_atomic(exp_path, got, strlen(got), 0644, &err) == 0);
			continue;
		}
		_cleanup_free_ char *want = read_text(exp_path, true);
		if (strcmp(got, want) != 0) {
			fprintf(stderr, "golden case %s differs; got:\n%s\n", names.items[i], got);
			failed++;
		}
	}
	free_strv(names.items);
	ck_assert_uint_eq(failed, 0);
}
END_TEST

/* The host's namespace given by path counts as sharing it. */
START_TEST(host_namespace_by_path_is_refused)
{
	struct cinch_ns_facts ns = CINCH_NS_FACTS_INIT;
	ns.host[CINCH_NS_NETWORK] = true;
	ns.type[CINCH_NS_NETWORK] = CLONE_NEWNET;
	const char *text =
	    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"user\":{\"uid\":1,\"gid\":1},"
	    "\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},"
	    "{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
	    "{\"type\":\"mount\"}]}}";
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_spec_parse(text, strlen(text), "c", &spec, &err), 0);
	struct cinch_policy p = {0};
	ck_assert_int_eq(cinch_policy_preset("default", &p, &err), 0);
	struct cinch_plan plan = {0};
	struct cinch_facts facts = {.ns = &ns};
	ck_assert_int_eq(cinch_decide(spec, &p, &facts, &plan, &err), -1);
	ck_assert_str_eq(err->msg, "linux.namespaces[1].path: the host's network namespace: it would use the host's "
	                           "network stack and reach its local services (policy: hostNamespaces enforce)");
	ck_assert_uint_eq(plan.decisions.n, 1);
	ck_assert_int_eq(plan.decisions.items[0].outcome, CINCH_OUTCOME_REFUSED);
	cinch_error_free(err);
	cinch_plan_clear(&plan);
	cinch_policy_clear(&p);
	cinch_spec_free(spec);
}
END_TEST

/* ---- policy files ---- */

static char *policy_verdict(const char *text)
{
	struct cinch_policy p = {0};
	struct cinch_error *err = NULL;
	if (cinch_policy_parse(text, strlen(text), "p.json", &p, &err) == 0) {
		cinch_policy_clear(&p);
		return xstrdup("");
	}
	char *msg = xstrdup(err->msg);
	cinch_error_free(err);
	return msg;
}

START_TEST(policy_refuses_what_it_does_not_know)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
	    {"[]", "p.json: (root): expected an object"},
	    {"{\"capabilites\": {}}", "p.json: capabilites: unknown field"},
	    {"{\"preset\": \"lax\"}", "p.json: preset: expected \"default\" or \"runc-compatible\""},
	    {"{\"seccomp\": {\"mode\": \"enforcing\"}}",
	     "p.json: seccomp.mode: expected \"enforce\", \"warn\" or \"off\""},
	    {"{\"nonRoot\": {\"mode\": \"enforce\"}}",
	     "p.json: nonRoot.mode: expected \"remap\", \"refuse\", \"warn\" or \"off\""},
	    {"{\"capabilities\": {\"allow\": [\"CAP_SYS_ADMN\"]}}",
	     "p.json: capabilities.allow[0]: unknown capability CAP_SYS_ADMN"},
	    {"{\"hostNamespaces\": {\"allow\": [\"user\"]}}",
	     "p.json: hostNamespaces.allow[0]: expected pid, network, ipc, uts or mount, not user"},
	    {"{\"readonlyRootfs\": {\"scratch\": [\"tmp\"]}}",
	     "p.json: readonlyRootfs.scratch[0]: expected an absolute path"},
	    {"{\"readonlyRootfs\": {\"scratch\": [\"/a/../etc\"]}}",
	     "p.json: readonlyRootfs.scratch[0]: expected an absolute path"},
	    {"{\"mounts\": {\"allowSources\": [\"/x/..\"]}}",
	     "p.json: mounts.allowSources[0]: expected an absolute path"},
	    {"{\"seccomp\": {\"defaultProfile\": \"../etc/x\"}}",
	     "p.json: seccomp.defaultProfile: expected a profile name ([a-z0-9_-])"},
	    {"{\"resources\": {\"memory\": {\"default\": 10, \"max\": 5}}}",
	     "p.json: resources.memory: default is above max"},
	    {"{\"resources\": {\"pids\": {\"default\": -1}}}",
	     "p.json: resources.pids.default: expected an integer from 0 to 9223372036854775807"},
	    {"{\"nonRoot\": {\"idPool\": {\"start\": 100000, \"size\": 1000}}}",
	     "p.json: nonRoot.idPool: expected start >= 1 and size >= 65536 (one container's block), ending below "
	     "4294967295"},
	    {"{\"devices\": {\"allow\": [\"fuse\"]}}", "p.json: devices.allow[0]: expected an absolute path"},
	    {"{\"devices\": {\"allow\": \"/dev/fuse\"}}", "p.json: devices.allow: expected an array of strings"},
	    {"{\"devices\": {\"mode\": \"deny\"}}", "p.json: devices.mode: expected \"enforce\", \"warn\" or \"off\""},
	    {"{\"devices\": {\"alow\": [\"/dev/fuse\"]}}", "p.json: devices.alow: unknown field"},
	    {"{\"devices\": []}", "p.json: devices: expected an object"},
	    {"{\"mounts\": [\"/etc\"]}", "p.json: mounts: expected an object"},
	    {"{\"nonRoot\": {\"idPool\": 5}}", "p.json: nonRoot.idPool: expected an object"},
	    {"{\"auditFile\": \"audit.log\"}", "p.json: auditFile: expected an absolute path"},
	    {"{\"a\": 1, \"a\": 2}", "p.json: line 1: duplicate object key near '\"a\"'"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_free_ char *msg = policy_verdict(bad[i].text);
		ck_assert_msg(strcmp(msg, bad[i].msg) == 0, "%s: got \"%s\"", bad[i].text, msg);
	}
}
END_TEST

/* An override changes its own keys; the rest stays the preset's. */
START_TEST(policy_overrides_layer_on_the_preset)
{
	const char *text = "{\"preset\": \"runc-compatible\", \"capabilities\": {\"mode\": \"enforce\", \"allow\": "
	                   "[\"CAP_CHOWN\"]}, \"resources\": {\"cpus\": {\"default\": 1.5}}}";
	struct cinch_policy p = {0};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_policy_parse(text, strlen(text), "p.json", &p, &err), 0);
	ck_assert_int_eq(p.capabilities, CINCH_MODE_ENFORCE);
	ck_assert_uint_eq(p.cap_allow, UINT64_C(1) << 0);
	ck_assert_int_eq(p.seccomp, CINCH_MODE_WARN);
	ck_assert_int_eq(p.non_root, CINCH_NONROOT_WARN);
	ck_assert_uint_eq(p.cpu_default, 1500);
	ck_assert_int_eq(p.memory_default, INT64_C(1) << 30);
	_cleanup_free_ char *json = cinch_policy_to_json(&p);
	ck_assert_ptr_nonnull(strstr(json, "\"allow\": [\n      \"CAP_CHOWN\"\n    ]"));
	cinch_policy_clear(&p);
}
END_TEST

/* devices: an override keeps the preset's other controls, reads back as
 * itself through show, and an absent allow leaves the preset's. */
START_TEST(policy_devices_read_and_shown)
{
	const char *text = "{\"devices\": {\"allow\": [\"/dev/fuse\", \"/dev/net/tun\"]}}";
	struct cinch_policy p = {0}, again = {0};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_policy_parse(text, strlen(text), "p.json", &p, &err), 0);
	ck_assert_int_eq(p.devices, CINCH_MODE_ENFORCE);
	ck_assert_uint_eq(p.device_allow.n, 2);
	ck_assert_str_eq(p.device_allow.items[1], "/dev/net/tun");
	_cleanup_free_ char *json = cinch_policy_to_json(&p);
	ck_assert_ptr_nonnull(strstr(json, "\"devices\": {\n    \"mode\": \"enforce\",\n    \"allow\": [\n"
	                                   "      \"/dev/fuse\",\n      \"/dev/net/tun\"\n    ]\n  }"));
	ck_assert_int_eq(cinch_policy_parse(json, strlen(json), "shown", &again, &err), 0);
	_cleanup_free_ char *json2 = cinch_policy_to_json(&again);
	ck_assert_str_eq(json, json2);
	const char *warn = "{\"preset\": \"runc-compatible\", \"devices\": {\"mode\": \"off\"}}";
	ck_assert_int_eq(cinch_policy_parse(warn, strlen(warn), "p.json", &p, &err), 0);
	ck_assert_int_eq(p.devices, CINCH_MODE_OFF);
	ck_assert_uint_eq(p.device_allow.n, 0);
	cinch_policy_clear(&p);
	cinch_policy_clear(&again);
}
END_TEST

/* The presets' modes, which the man page promises. */
START_TEST(presets_are_strict_and_runc_compatible)
{
	struct cinch_policy p = {0};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_policy_preset("default", &p, &err), 0);
	ck_assert_int_eq(p.non_root, CINCH_NONROOT_REMAP);
	enum cinch_mode strict[] = {p.capabilities,    p.no_new_privileges, p.readonly_rootfs, p.mounts,      p.devices,
	                            p.host_namespaces, p.seccomp,           p.resources,       p.masked_paths};
	for (size_t i = 0; i < ARRAY_SIZE(strict); i++)
		ck_assert_int_eq(strict[i], CINCH_MODE_ENFORCE);
	ck_assert_uint_eq(p.cap_allow, 0);
	ck_assert(!p.seccomp_unconfined);
	ck_assert_uint_eq(p.device_allow.n, 0);
	ck_assert_int_eq(cinch_policy_preset("runc-compatible", &p, &err), 0);
	enum cinch_mode lax[] = {p.capabilities,    p.no_new_privileges, p.readonly_rootfs, p.mounts,      p.devices,
	                         p.host_namespaces, p.seccomp,           p.resources,       p.masked_paths};
	for (size_t i = 0; i < ARRAY_SIZE(lax); i++)
		ck_assert_int_ne(lax[i], CINCH_MODE_ENFORCE);
	ck_assert_int_eq(p.non_root, CINCH_NONROOT_WARN);
	ck_assert_int_eq(cinch_policy_preset("lax", &p, &err), -1);
	cinch_error_free(err);
	cinch_policy_clear(&p);
}
END_TEST

/* The preset files in profiles/ are the built-in presets, spelled out. */
START_TEST(shipped_preset_files_are_the_presets)
{
	static const char *const names[] = {"default", "runc-compatible"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		_cleanup_free_ char *path = NULL;
		xasprintf(&path, "%s/policy/%s.json", CINCH_SRC_PROFILES, names[i]);
		_cleanup_free_ char *text = read_text(path, true);
		struct cinch_policy from_file = {0}, built_in = {0};
		struct cinch_error *err = NULL;
		ck_assert_msg(cinch_policy_parse(text, strlen(text), path, &from_file, &err) == 0, "%s",
		              err ? err->msg : "");
		ck_assert_int_eq(cinch_policy_preset(names[i], &built_in, &err), 0);
		_cleanup_free_ char *a = cinch_policy_to_json(&from_file);
		_cleanup_free_ char *b = cinch_policy_to_json(&built_in);
		ck_assert_str_eq(a, b);
		ck_assert_str_eq(a, text);
		cinch_policy_clear(&from_file);
		cinch_policy_clear(&built_in);
	}
}
END_TEST

/* update holds what it sets to the maximums, and adds nothing. */
START_TEST(update_is_capped_not_filled)
{
	const char *text = "{\"memory\": {\"limit\": 8589934592}, \"pids\": {\"limit\": -1}, "
			   "\"cpu\": {\"quota\": 50000, \"period\": 100000}}";
	const char *policy = "{\"resources\": {\"memory\": {\"max\": 2147483648}, \"pids\": {\"max\": 4096}, "
			     "\"cpus\": {\"max\": 2}}}";
	for (int warn = 0; warn < 2; warn++) {
		struct cinch_spec_resources *r = NULL;
		struct cinch_error *err = NULL;
		ck_assert_int_eq(cinch_spec_resources_parse(text, strlen(text), "r.json", &r, &err), 0);
		struct cinch_policy p = {0};
		ck_assert_int_eq(cinch_policy_parse(policy, strlen(policy), "p.json", &p, &err), 0);
		if (warn)
			p.resources = CINCH_MODE_WARN;
		struct cinch_decisions d = {0};
		cinch_decide_update(r, &p, &d);
		ck_assert_uint_eq(d.n, 2);
		ck_assert_str_eq(d.items[0].field, "linux.resources.memory.limit");
		ck_assert_str_eq(d.items[1].asked, "unlimited");
		ck_assert_int_eq(r->memory.limit.value, warn ? INT64_C(8589934592) : INT64_C(2147483648));
		ck_assert_int_eq(r->pids_limit.value, warn ? -1 : 4096);
		ck_assert_int_eq(r->cpu.quota.value, 50000);
		ck_assert(!r->has_block_io);
		cinch_decisions_clear(&d);
		cinch_policy_clear(&p);
		cinch_spec_resources_free(r);
	}
}
END_TEST

/* ---- the id pool ---- */

START_TEST(subuid_line_of_cinch)
{
	struct cinch_id_pool pool = {0};
	const char *text = "alice:100000:65536\ncinchy:1:70000\ncinch:2000000:655360\nbob:165536:65536\n";
	ck_assert_int_eq(cinch_idpool_from_subuid(text, "cinch", &pool), 1);
	ck_assert_uint_eq(pool.start, 2000000);
	ck_assert_uint_eq(pool.size, 655360);
	ck_assert_int_eq(cinch_idpool_from_subuid("cinch:0:65536\ncinch:5:100\n", "cinch", &pool), 0);
	ck_assert_int_eq(cinch_idpool_from_subuid("cinch:4294901760:65536\n", "cinch", &pool), 0);
	ck_assert_int_eq(cinch_idpool_from_subuid("", "cinch", &pool), 0);
}
END_TEST

START_TEST(pick_skips_taken_blocks_and_knows_full)
{
	struct cinch_id_pool pool = {true, 100000, 4 * 65536};
	uint32_t host = 0;
	/* aligned to the block size: the first block starts at 131072 */
	ck_assert_int_eq(cinch_idpool_pick(&pool, 65536, NULL, 0, &host), 0);
	ck_assert_uint_eq(host, 131072);
	struct cinch_idblock used[] = {{131072, 65536}, {200000, 10}};
	ck_assert_int_eq(cinch_idpool_pick(&pool, 65536, used, 2, &host), 0);
	ck_assert_uint_eq(host, 262144);
	struct cinch_idblock full[] = {{131072, 65536}, {196608, 65536}, {262144, 65536}};
	ck_assert_int_eq(cinch_idpool_pick(&pool, 65536, full, 3, &host), -1);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("decide");
	tcase_add_test(tc, golden_cases);
	tcase_add_test(tc, host_namespace_by_path_is_refused);
	tcase_add_test(tc, policy_refuses_what_it_does_not_know);
	tcase_add_test(tc, policy_overrides_layer_on_the_preset);
	tcase_add_test(tc, policy_devices_read_and_shown);
	tcase_add_test(tc, presets_are_strict_and_runc_compatible);
	tcase_add_test(tc, shipped_preset_files_are_the_presets);
	tcase_add_test(tc, update_is_capped_not_filled);
	tcase_add_test(tc, subuid_line_of_cinch);
	tcase_add_test(tc, pick_skips_taken_blocks_and_knows_full);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
