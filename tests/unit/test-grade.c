/* The grade `cinch check` gives a bundle (grade.h): verdicts per control
 * for a careless config, the same config fixed by a policy, and the
 * hardened default; secrets that never reach any output format; the
 * rootfs walk against symlinks, depth and mounts; the JSON and SARIF
 * shapes, read back with jansson. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cinch/caps.h"
#include "cinch/error.h"
#include "cinch/grade.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "unit.h"

/* Every control cinch_grade_config judges, in its order. */
static const char *const all_ids[] = {
    "PSS-baseline-host-namespaces",
    "PSS-baseline-privileged",
    "PSS-baseline-capabilities",
    "PSS-baseline-host-path",
    "PSS-baseline-proc-mount",
    "PSS-baseline-sysctls",
    "PSS-baseline-seccomp",
    "PSS-baseline-apparmor",
    "PSS-baseline-selinux",
    "PSS-restricted-capabilities",
    "PSS-restricted-run-as-non-root",
    "PSS-restricted-privilege-escalation",
    "CIS-4.1",
    "CIS-5.1",
    "CIS-5.2",
    "CIS-5.3",
    "CIS-5.4",
    "CIS-5.5",
    "CIS-5.9",
    "CIS-5.10",
    "CIS-5.11",
    "CIS-5.12",
    "CIS-5.15",
    "CIS-5.16",
    "CIS-5.17",
    "CIS-5.19",
    "CIS-5.20",
    "CIS-5.21",
    "CIS-5.25",
    "CIS-5.28",
    "CIS-5.30",
    "CIS-5.31",
    "IMG-secret-env",
};

static struct cinch_spec *parse(const char *json)
{
	struct cinch_spec *s = NULL;
	struct cinch_error *err = NULL;
	if (cinch_spec_parse(json, strlen(json), "config.json", &s, &err) < 0)
		ck_abort_msg("%s\n%s", err->msg, json);
	return s;
}

static const struct cinch_finding *find(const struct cinch_findings *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->items[i].id, id) == 0)
			return &f->items[i];
	ck_abort_msg("no finding %s", id);
	return NULL;
}

static void grade(const char *asked_json, const char *effective_json, struct cinch_findings *out)
{
	_cleanup_spec_ struct cinch_spec *asked = parse(asked_json);
	_cleanup_spec_ struct cinch_spec *effective = parse(effective_json);
	cinch_grade_config(asked, effective, out);
}

struct ids {
	const char *const *ids;
	size_t n;
};
#define IDS(a) ((struct ids){(a), ARRAY_SIZE(a)})
#define NO_IDS ((struct ids){NULL, 0})

static bool in_ids(struct ids l, const char *id)
{
	for (size_t j = 0; j < l.n; j++)
		if (strcmp(l.ids[j], id) == 0)
			return true;
	return false;
}

/* Every control has exactly one finding, in order: those in `bad` have
 * verdict v_bad, those in `fixed` fixed-by-policy, all others pass. */
static void expect_verdicts(const struct cinch_findings *f, struct ids bad, enum cinch_verdict v_bad, struct ids fixed)
{
	ck_assert_uint_eq(f->n, ARRAY_SIZE(all_ids));
	struct cinch_buf wrong = {0};
	for (size_t i = 0; i < ARRAY_SIZE(all_ids); i++) {
		ck_assert_str_eq(f->items[i].id, all_ids[i]);
		enum cinch_verdict want = in_ids(bad, all_ids[i])     ? v_bad
		                          : in_ids(fixed, all_ids[i]) ? CINCH_VERDICT_FIXED
		                                                      : CINCH_VERDICT_PASS;
		if (f->items[i].verdict != want)
			cinch_buf_printf(&wrong, "\n  %s: %s, expected %s: %s", all_ids[i],
			                 cinch_verdict_name(f->items[i].verdict), cinch_verdict_name(want),
			                 f->items[i].what);
	}
	if (wrong.len)
		ck_abort_msg("wrong verdicts:%s", wrong.data);
	cinch_buf_free(&wrong);
}

static void assert_contains(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "expected \"%s\" in \"%s\"", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) == NULL, "\"%s\" must not be in \"%s\"", needle, hay);
}

/* ---- configs -------------------------------------------------------- */

/* Root, every capability, no namespace but mount, seccomp turned off by
 * the annotation, a writable root, no limits, /etc and the docker socket
 * bound, /proc mounted without masks, no_new_privs off. */
static char *careless_json(void)
{
	struct cinch_buf caps = {0};
	for (int i = 0; i <= CINCH_CAP_LAST; i++)
		cinch_buf_printf(&caps, "%s\"%s\"", i ? ", " : "", cinch_cap_name(i));
	char *json = NULL;
	xasprintf(&json,
	          "{ \"ociVersion\": \"1.0.0\", \"root\": { \"path\": \"rootfs\" },\n"
	          "  \"process\": { \"user\": { \"uid\": 0, \"gid\": 0 }, \"args\": [\"sh\"], \"cwd\": \"/\",\n"
	          "    \"env\": [\"PATH=/bin\"], \"noNewPrivileges\": false,\n"
	          "    \"capabilities\": { \"bounding\": [%s], \"effective\": [%s], \"permitted\": [%s] } },\n"
	          "  \"annotations\": { \"org.cinch.seccomp.profile\": \"unconfined\" },\n"
	          "  \"mounts\": [ { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
	          "    { \"destination\": \"/host-etc\", \"type\": \"bind\", \"source\": \"/etc\", \"options\": "
	          "[\"rbind\"] },\n"
	          "    { \"destination\": \"/var/run/docker.sock\", \"type\": \"bind\", \"source\": "
	          "\"/var/run/docker.sock\",\n"
	          "      \"options\": [\"bind\"] } ],\n"
	          "  \"linux\": { \"namespaces\": [ { \"type\": \"mount\" } ] } }\n",
	          caps.data, caps.data, caps.data);
	cinch_buf_free(&caps);
	return json;
}

/* What a strict policy makes of it. */
static const char hardened_json[] =
    "{ \"ociVersion\": \"1.0.0\", \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
    "  \"process\": { \"user\": { \"uid\": 1000, \"gid\": 1000 }, \"args\": [\"sh\"], \"cwd\": \"/\",\n"
    "    \"env\": [\"PATH=/bin\"], \"noNewPrivileges\": true, \"capabilities\": { \"bounding\": [] },\n"
    "    \"apparmorProfile\": \"cinch-default\", \"selinuxLabel\": \"system_u:system_r:container_t:s0:c1,c2\" },\n"
    "  \"mounts\": [ { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
    "    { \"destination\": \"/etc/resolv.conf\", \"type\": \"bind\", \"source\": \"/etc/resolv.conf\",\n"
    "      \"options\": [\"bind\", \"ro\"] } ],\n"
    "  \"linux\": {\n"
    "    \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"ipc\" }, { \"type\": \"uts\" }, { \"type\": \"mount\" "
    "},\n"
    "      { \"type\": \"network\", \"path\": \"/var/run/netns/pod\" }, { \"type\": \"user\" } ],\n"
    "    \"uidMappings\": [ { \"containerID\": 0, \"hostID\": 100000, \"size\": 65536 } ],\n"
    "    \"gidMappings\": [ { \"containerID\": 0, \"hostID\": 100000, \"size\": 65536 } ],\n"
    "    \"resources\": { \"memory\": { \"limit\": 268435456 }, \"cpu\": { \"shares\": 512 },\n"
    "      \"pids\": { \"limit\": 100 } },\n"
    "    \"maskedPaths\": [ \"/proc/kcore\", \"/proc/keys\" ], \"readonlyPaths\": [ \"/proc/sys\" ] } }\n";

/* What the careless config fails, the effective config as asked. */
static const char *const careless_fails[] = {
    "PSS-restricted-privilege-escalation",
    "CIS-5.25",
    "PSS-baseline-host-namespaces",
    "PSS-baseline-privileged",
    "PSS-baseline-capabilities",
    "PSS-baseline-host-path",
    "PSS-baseline-proc-mount",
    "PSS-baseline-seccomp",
    "PSS-restricted-capabilities",
    "PSS-restricted-run-as-non-root",
    "CIS-4.1",
    "CIS-5.1",
    "CIS-5.2",
    "CIS-5.3",
    "CIS-5.4",
    "CIS-5.5",
    "CIS-5.9",
    "CIS-5.10",
    "CIS-5.11",
    "CIS-5.12",
    "CIS-5.15",
    "CIS-5.16",
    "CIS-5.20",
    "CIS-5.21",
    "CIS-5.28",
    "CIS-5.30",
    "CIS-5.31",
};

START_TEST(careless_config_fails)
{
	_cleanup_free_ char *careless = careless_json();
	struct cinch_findings f = {0};
	grade(careless, careless, &f);
	/* With the same effective config (a policy that changed nothing),
	 * no_new_privs off fails too. */
	static const char *const nnp[] = {"PSS-restricted-privilege-escalation", "CIS-5.25"};
	expect_verdicts(&f, IDS(careless_fails), CINCH_VERDICT_FAIL, NO_IDS);
	ck_assert_int_eq(find(&f, nnp[0])->verdict, CINCH_VERDICT_FAIL);
	assert_contains(find(&f, "CIS-5.25")->what, "process.noNewPrivileges: false");

	assert_contains(find(&f, "PSS-restricted-run-as-non-root")->what, "process.user.uid: 0");
	assert_contains(find(&f, "CIS-5.12")->what, "root.readonly: false");
	assert_contains(find(&f, "CIS-5.21")->what, "annotations[\"org.cinch.seccomp.profile\"]: unconfined");
	assert_contains(find(&f, "CIS-5.10")->what, "linux.resources.memory.limit: not set");
	assert_contains(find(&f, "CIS-5.5")->what, "mounts[1] (/etc on /host-etc)");
	assert_contains(find(&f, "CIS-5.31")->what, "mounts[2] (/var/run/docker.sock");
	assert_contains(find(&f, "CIS-5.15")->what, "linux.namespaces: pid: absent, so the host's");
	assert_contains(find(&f, "PSS-baseline-capabilities")->what, "CAP_SYS_ADMIN");
	assert_lacks(find(&f, "PSS-baseline-capabilities")->what, "CAP_CHOWN"); /* allowed by baseline */
	ck_assert_int_eq(find(&f, "CIS-5.4")->sev, CINCH_SEV_CRITICAL);
	ck_assert_ptr_nonnull(find(&f, "CIS-5.4")->fix);
	ck_assert(cinch_findings_fail(&f, CINCH_SEV_CRITICAL));
	cinch_findings_free(&f);
}
END_TEST

START_TEST(policy_fixes_careless_config)
{
	_cleanup_free_ char *careless = careless_json();
	struct cinch_findings f = {0};
	grade(careless, hardened_json, &f);
	expect_verdicts(&f, IDS(careless_fails), CINCH_VERDICT_FIXED, NO_IDS);
	assert_contains(find(&f, "PSS-restricted-run-as-non-root")->what,
	                "process.user.uid: 0; effective: process.user.uid: 1000");
	ck_assert(!cinch_findings_fail(&f, CINCH_SEV_INFO));
	cinch_findings_free(&f);
}
END_TEST

START_TEST(policy_that_weakens_is_named)
{
	struct cinch_findings f = {0};
	_cleanup_free_ char *careless = careless_json();
	grade(hardened_json, careless, &f);
	const struct cinch_finding *x = find(&f, "CIS-5.12");
	ck_assert_int_eq(x->verdict, CINCH_VERDICT_FAIL);
	assert_contains(x->what, "root.readonly: false (the policy's change");
	cinch_findings_free(&f);
}
END_TEST

/* The hardened default fails only what no config can know without the
 * host: whether it has AppArmor (CIS 5.1) or SELinux (CIS 5.2), and its
 * subordinate id ranges for a user namespace (CIS 5.30).  All three are
 * low, so --fail-on medium passes it. */
START_TEST(hardened_default_passes)
{
	_cleanup_free_ char *json = cinch_spec_default_json();
	struct cinch_findings f = {0};
	grade(json, json, &f);
	static const char *const cannot[] = {"CIS-5.1", "CIS-5.2", "CIS-5.30"};
	expect_verdicts(&f, IDS(cannot), CINCH_VERDICT_FAIL, NO_IDS);
	for (size_t i = 0; i < ARRAY_SIZE(cannot); i++)
		ck_assert_int_eq(find(&f, cannot[i])->sev, CINCH_SEV_LOW);
	ck_assert(!cinch_findings_fail(&f, CINCH_SEV_MEDIUM));
	ck_assert(cinch_findings_fail(&f, CINCH_SEV_LOW));
	cinch_findings_free(&f);
}
END_TEST

/* The default config with the first `old` replaced by `new`. */
static char *default_edit(const char *old, const char *new)
{
	_cleanup_free_ char *json = cinch_spec_default_json();
	char *hit = strstr(json, old);
	ck_assert_msg(hit != NULL, "no %s in the default", old);
	char *out = NULL;
	xasprintf(&out, "%.*s%s%s", (int)(hit - json), json, new, hit + strlen(old));
	return out;
}

static char *default_with_linux(const char *fragment)
{
	_cleanup_free_ char *with = NULL;
	xasprintf(&with, "\"linux\": { %s,", fragment);
	return default_edit("\"linux\": {", with);
}

static enum cinch_verdict verdict_of(const char *json, const char *id, char **what)
{
	struct cinch_findings f = {0};
	grade(json, json, &f);
	const struct cinch_finding *x = find(&f, id);
	enum cinch_verdict v = x->verdict;
	*what = xstrdup(x->what);
	cinch_findings_free(&f);
	return v;
}

START_TEST(namespace_paths_and_seccomp_and_sysctls)
{
	static const struct {
		const char *fragment, *id;
		enum cinch_verdict v;
		const char *says;
	} cases[] = {
	    {"\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"}", "PSS-baseline-seccomp", CINCH_VERDICT_FAIL,
	     "allows everything"},
	    {"\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\"}]}",
	     "CIS-5.21", CINCH_VERDICT_PASS, "defaultAction SCMP_ACT_ERRNO with 1 syscall rules"},
	    {"\"sysctl\": {\"net.ipv4.ip_unprivileged_port_start\": \"0\", \"kernel/shm_rmid_forced\": \"1\"}",
	     "PSS-baseline-sysctls", CINCH_VERDICT_PASS, "2 keys, all in the safe set"},
	    {"\"sysctl\": {\"net.core.somaxconn\": \"1024\", \"net.ipv4.tcp_syncookies\": \"1\"}",
	     "PSS-baseline-sysctls", CINCH_VERDICT_FAIL, "linux.sysctl: net.core.somaxconn outside the safe set"},
	    {"\"devices\": [{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3},"
	     " {\"path\": \"/dev/zero\", \"type\": \"b\", \"major\": 8, \"minor\": 0}]",
	     "CIS-5.17", CINCH_VERDICT_FAIL, "linux.devices[1] /dev/zero (b 8:0)"},
	};
	static const struct {
		const char *path, *id;
		enum cinch_verdict v;
		const char *says;
	} ns[] = {
	    {"/proc/1/ns/net", "CIS-5.9", CINCH_VERDICT_FAIL,
	     "linux.namespaces: network: /proc/1/ns/net is the host's"},
	    {"/proc/self/ns/net", "PSS-baseline-host-namespaces", CINCH_VERDICT_FAIL,
	     "network: /proc/self/ns/net is the host's"},
	    {"/var/run/netns/x", "PSS-baseline-host-namespaces", CINCH_VERDICT_PASS, "network: joins /var/run/netns/x"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		_cleanup_free_ char *with = NULL;
		xasprintf(&with, "{ \"type\": \"network\", \"path\": \"%s\" }", ns[i].path);
		_cleanup_free_ char *json = default_edit("{ \"type\": \"network\" }", with);
		_cleanup_free_ char *what = NULL;
		enum cinch_verdict v = verdict_of(json, ns[i].id, &what);
		ck_assert_msg(v == ns[i].v, "%s %s: %s: %s", ns[i].path, ns[i].id, cinch_verdict_name(v), what);
		assert_contains(what, ns[i].says);
	}
	_cleanup_free_ char *shared =
	    default_edit("\"rootfsPropagation\": \"private\"", "\"rootfsPropagation\": \"rshared\"");
	_cleanup_free_ char *shared_what = NULL;
	ck_assert_int_eq(verdict_of(shared, "CIS-5.19", &shared_what), CINCH_VERDICT_FAIL);
	assert_contains(shared_what, "linux.rootfsPropagation: rshared");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *json = default_with_linux(cases[i].fragment);
		_cleanup_free_ char *what = NULL;
		enum cinch_verdict v = verdict_of(json, cases[i].id, &what);
		ck_assert_msg(v == cases[i].v, "case %zu %s: %s: %s", i, cases[i].id, cinch_verdict_name(v), what);
		assert_contains(what, cases[i].says);
	}
}
END_TEST

START_TEST(bind_mount_sources)
{
	static const struct {
		const char *source, *options;
		bool sensitive;
	} cases[] = {
	    {"/etc/resolv.conf", "\"bind\", \"ro\"", false},
	    {"/etc/cron.d", "\"bind\"", true},
	    {"/etc", "\"rbind\", \"ro\"", true},
	    {"/srv/data", "\"bind\"", false},
	    {"/srv/../etc/", "\"bind\", \"ro\"", true},
	    {"/usr//lib/x", "\"rbind\", \"ro\", \"rw\"", true},
	    {"data", "\"bind\"", false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *with = NULL;
		xasprintf(&with,
		          "\"mounts\": [ {\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"%s\", "
		          "\"options\": [%s]},",
		          cases[i].source, cases[i].options);
		_cleanup_free_ char *json = default_edit("\"mounts\": [", with);
		_cleanup_free_ char *what = NULL;
		enum cinch_verdict v = verdict_of(json, "CIS-5.5", &what);
		ck_assert_msg(v == (cases[i].sensitive ? CINCH_VERDICT_FAIL : CINCH_VERDICT_PASS), "%s: %s",
		              cases[i].source, what);
	}
}
END_TEST

/* ---- secrets -------------------------------------------------------- */

#define PEM_BODY "MIIEpAIBAAKCAQEAzz9secretbody"
#define GH_TOKEN "ghp_0123456789abcdefghijABCDEFGHIJ012345"
static const char secrets_json[] =
    "{ \"ociVersion\": \"1.0.0\", \"root\": { \"path\": \"rootfs\" },\n"
    "  \"process\": { \"user\": { \"uid\": 1, \"gid\": 1 }, \"args\": [\"sh\"], \"cwd\": \"/\", \"env\": [\n"
    "    \"PATH=/bin\", \"PWD=/home/x\", \"OLDPWD=/\", \"HOME=/root\",\n"
    "    \"DB_PASSWORD=hunter2-plaintext\",\n"
    "    \"CONFIG_BLOB=-----BEGIN RSA PRIVATE KEY-----\\n" PEM_BODY "\\n-----END RSA PRIVATE KEY-----\",\n"
    "    \"CLOUD_ID=AKIAIOSFODNN7EXAMPLE\",\n"
    "    \"GH=" GH_TOKEN "\",\n"
    "    \"MYSQL_PASSWORD_FILE=/run/secrets/db\", \"EMPTY_TOKEN=\", \"TOKENIZERS_PARALLELISM=false\",\n"
    "    \"HF_TOKEN=hf-token-value\",\n"
    "    \"\\u001b[31mEVIL_SECRET=esc-sequence-value\" ] } }\n";

static const char *const secret_values[] = {
    "hunter2", PEM_BODY, "BEGIN RSA", "AKIAIOSFODNN7EXAMPLE", GH_TOKEN, "esc-sequence-value", "hf-token-value",
};

START_TEST(secret_env_named_never_shown)
{
	struct cinch_findings f = {0};
	grade(secrets_json, secrets_json, &f);
	const struct cinch_finding *x = find(&f, "IMG-secret-env");
	ck_assert_int_eq(x->verdict, CINCH_VERDICT_FAIL);
	assert_contains(x->what, "process.env[4] DB_PASSWORD: the name says it holds a secret");
	assert_contains(x->what, "process.env[5] CONFIG_BLOB: the value holds a PEM private key");
	assert_contains(x->what, "process.env[6] CLOUD_ID: the value holds an AWS access key id");
	assert_contains(x->what, "process.env[7] GH: the value holds a GitHub token");
	assert_contains(x->what, "process.env[11] HF_TOKEN: the name says it holds a secret");
	assert_contains(x->what, "\\x1b[31mEVIL_SECRET");
	static const char *const not_secrets[] = {
	    "PWD", "OLDPWD", "HOME", "PATH", "MYSQL_PASSWORD_FILE", "EMPTY_TOKEN", "TOKENIZERS_PARALLELISM"};
	for (size_t i = 0; i < ARRAY_SIZE(not_secrets); i++) {
		_cleanup_free_ char *named = NULL;
		xasprintf(&named, " %s:", not_secrets[i]);
		assert_lacks(x->what, named);
	}
	for (enum cinch_grade_format fmt = CINCH_GRADE_TABLE; fmt <= CINCH_GRADE_SARIF; fmt++) {
		_cleanup_free_ char *out = cinch_findings_format(&f, fmt);
		for (size_t i = 0; i < ARRAY_SIZE(secret_values); i++)
			assert_lacks(out, secret_values[i]);
		ck_assert_msg(strchr(out, '\x1b') == NULL, "raw escape byte in format %d", fmt);
		assert_contains(out, "DB_PASSWORD");
	}
	cinch_findings_free(&f);
}
END_TEST

/* ---- the rootfs ----------------------------------------------------- */

struct tree {
	char dir[64];
	int rootfd;
};

static void put_file(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0); /* chmod, not umask, sets the bits */
}

static void put_dir(const char *path, mode_t mode)
{
	ck_assert_msg(mkdir(path, 0700) == 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(chmod(path, mode), 0);
}

static char *tree_path(const struct tree *t, const char *rel)
{
	char *p = NULL;
	xasprintf(&p, "%s/%s", t->dir, rel);
	return p;
}

#define MK(kind, t, rel, mode)                                                                                         \
	do {                                                                                                           \
		_cleanup_free_ char *p_ = tree_path(t, rel);                                                           \
		kind(p_, mode);                                                                                        \
	} while (0)

static void open_root(struct tree *t)
{
	_cleanup_free_ char *root = tree_path(t, "root");
	t->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(t->rootfd, 0);
}

/* root/ with one setuid and one setgid file, a world-writable directory,
 * a sticky one, and symlinks out: to /usr/bin and to a directory beside
 * root/ that holds a setuid file of ours (so that following a link is
 * caught even on a host whose /usr/bin has no setuid file). */
static void make_tree(struct tree *t)
{
	strcpy(t->dir, "/tmp/cinch-grade-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	MK(put_dir, t, "root", 0755);
	MK(put_dir, t, "root/usr", 0755);
	MK(put_dir, t, "root/usr/bin", 0755);
	MK(put_file, t, "root/usr/bin/prog", 04755);
	MK(put_file, t, "root/usr/bin/sg", 02755);
	MK(put_file, t, "root/usr/bin/plain", 0755);
	MK(put_dir, t, "root/data", 0777);
	MK(put_dir, t, "root/tmp", 01777);
	MK(put_dir, t, "outside", 0755);
	MK(put_file, t, "outside/evil", 04755);
	_cleanup_free_ char *l1 = tree_path(t, "root/usrbin");
	ck_assert_int_eq(symlink("/usr/bin", l1), 0);
	_cleanup_free_ char *out = tree_path(t, "outside");
	_cleanup_free_ char *l2 = tree_path(t, "root/escape");
	ck_assert_int_eq(symlink(out, l2), 0);
	_cleanup_free_ char *l3 = tree_path(t, "root/up");
	ck_assert_int_eq(symlink("../outside", l3), 0);
	open_root(t);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Depth first, links not followed, on this filesystem only. */
static void remove_tree(struct tree *t)
{
	close(t->rootfd);
	ck_assert_int_eq(nftw(t->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT), 0);
}

static void grade_tree(const struct tree *t, struct cinch_findings *f)
{
	struct cinch_error *err = NULL;
	size_t before = f->n;
	if (cinch_grade_rootfs(t->rootfd, f, &err) < 0)
		ck_abort_msg("%s", err->msg);
	ck_assert_uint_eq(f->n, before + 2);
	ck_assert_str_eq(f->items[before].id, "CIS-4.8");
	ck_assert_str_eq(f->items[before + 1].id, "IMG-world-writable-dir");
}

static bool usr_bin_has_setuid(void)
{
	DIR *d = opendir("/usr/bin");
	bool found = false;
	struct dirent *e;
	struct stat st;
	while (d && !found && (e = readdir(d)) != NULL)
		found = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		        (st.st_mode & S_ISUID);
	if (d)
		closedir(d);
	return found;
}

START_TEST(rootfs_finds_setid_and_world_writable)
{
	struct tree t;
	make_tree(&t);
	struct cinch_findings f = {0};
	grade_tree(&t, &f);
	const struct cinch_finding *setid = &f.items[0], *ww = &f.items[1];
	ck_assert_int_eq(setid->verdict, CINCH_VERDICT_FAIL);
	assert_contains(setid->what, "rootfs: 2 setuid or setgid files: ");
	assert_contains(setid->what, "/usr/bin/prog (setuid)");
	assert_contains(setid->what, "/usr/bin/sg (setgid)");
	assert_lacks(setid->what, "plain");
	ck_assert_int_eq(ww->verdict, CINCH_VERDICT_FAIL);
	assert_contains(ww->what, "rootfs: 1 world-writable directories without the sticky bit: /data (");
	assert_lacks(ww->what, "/tmp");
	remove_tree(&t);
	cinch_findings_free(&f);
}
END_TEST

/* The links lead to /usr/bin (passwd and su are setuid on most hosts) and
 * to a setuid file of ours outside the root: neither may be reported. */
START_TEST(rootfs_never_follows_symlinks)
{
	if (!usr_bin_has_setuid())
		fprintf(stderr, "note: /usr/bin has no setuid file here; the link to outside/ still checks\n");
	struct tree t;
	make_tree(&t);
	struct cinch_findings f = {0};
	grade_tree(&t, &f);
	const char *what = f.items[0].what;
	assert_contains(what, "rootfs: 2 setuid or setgid files");
	static const char *const never[] = {"passwd", "/su ", "evil", "usrbin", "escape", "/up"};
	for (size_t i = 0; i < ARRAY_SIZE(never); i++)
		assert_lacks(what, never[i]);
	remove_tree(&t);
	cinch_findings_free(&f);
}
END_TEST

START_TEST(rootfs_lists_at_most_n_paths_and_escapes_names)
{
	struct tree t;
	strcpy(t.dir, "/tmp/cinch-grade-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t.dir));
	MK(put_dir, &t, "root", 0755);
	for (int i = 0; i < CINCH_GRADE_MAX_PATHS + 3; i++) {
		char rel[32];
		snprintf(rel, sizeof(rel), "root/s%02d", i);
		MK(put_file, &t, rel, 04755);
	}
	MK(put_dir, &t, "root/bad\nname\x1b[0m", 0777);
	open_root(&t);
	struct cinch_findings f = {0};
	grade_tree(&t, &f);
	assert_contains(f.items[0].what, "rootfs: 13 setuid or setgid files: ");
	assert_contains(f.items[0].what, ", ...");
	size_t listed = 0;
	for (const char *p = f.items[0].what; (p = strstr(p, "(setuid)")) != NULL; p++)
		listed++;
	ck_assert_uint_eq(listed, CINCH_GRADE_MAX_PATHS);
	assert_contains(f.items[1].what, "/bad\\x0aname\\x1b[0m");
	ck_assert_ptr_null(strchr(f.items[1].what, '\x1b'));
	remove_tree(&t);
	cinch_findings_free(&f);
}
END_TEST

START_TEST(rootfs_depth_is_bounded)
{
	struct tree t;
	strcpy(t.dir, "/tmp/cinch-grade-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t.dir));
	struct cinch_buf rel = {0};
	cinch_buf_puts(&rel, "root");
	MK(put_dir, &t, rel.data, 0755);
	for (int i = 0; i < CINCH_GRADE_MAX_DEPTH + 2; i++) {
		cinch_buf_puts(&rel, "/d");
		MK(put_dir, &t, rel.data, 0755);
	}
	cinch_buf_puts(&rel, "/deep-setuid");
	MK(put_file, &t, rel.data, 04755);
	cinch_buf_free(&rel);
	open_root(&t);
	struct cinch_findings f = {0};
	grade_tree(&t, &f);
	ck_assert_int_eq(f.items[0].verdict, CINCH_VERDICT_PASS);
	assert_contains(f.items[0].what, "rootfs: no setuid or setgid files");
	assert_contains(f.items[0].what, "1 directories deeper than 64 not entered");
	remove_tree(&t);
	cinch_findings_free(&f);
}
END_TEST

/* Mounts below the root are not entered: a tmpfs (another st_dev) and a
 * bind of a directory of the same filesystem (caught by RESOLVE_NO_XDEV).
 * Needs a private mount namespace, so root; Check runs each test in its
 * own child, which keeps the mounts from the rest of the host. */
START_TEST(rootfs_does_not_cross_mounts)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "note: rootfs_does_not_cross_mounts needs root: %s; not run\n", strerror(errno));
		return;
	}
	struct tree t;
	make_tree(&t);
	MK(put_dir, &t, "root/tmpfs", 0755);
	MK(put_dir, &t, "root/bound", 0755);
	_cleanup_free_ char *tmpfs = tree_path(&t, "root/tmpfs");
	ck_assert_int_eq(mount("tmpfs", tmpfs, "tmpfs", 0, "mode=0777"), 0);
	_cleanup_free_ char *in_tmpfs = tree_path(&t, "root/tmpfs/mounted-setuid");
	put_file(in_tmpfs, 04755);
	_cleanup_free_ char *bound = tree_path(&t, "root/bound"), *outside = tree_path(&t, "outside");
	ck_assert_int_eq(mount(outside, bound, NULL, MS_BIND, NULL), 0);
	struct cinch_findings f = {0};
	grade_tree(&t, &f);
	assert_contains(f.items[0].what, "rootfs: 2 setuid or setgid files");
	assert_lacks(f.items[0].what, "mounted-setuid");
	assert_lacks(f.items[0].what, "evil");
	assert_contains(f.items[0].what, "2 other mounts not entered");
	/* The tmpfs's root is 0777 without the sticky bit, but not the image's. */
	assert_contains(f.items[1].what, "rootfs: 1 world-writable directories without the sticky bit: /data (");
	ck_assert_int_eq(umount2(tmpfs, MNT_DETACH), 0);
	ck_assert_int_eq(umount2(bound, MNT_DETACH), 0);
	remove_tree(&t);
	cinch_findings_free(&f);
}
END_TEST

/* ---- formats -------------------------------------------------------- */

static void careless_findings(struct cinch_findings *f)
{
	_cleanup_free_ char *careless = careless_json();
	_cleanup_free_ char *json = cinch_spec_default_json();
	grade(careless, json, f);
	_cleanup_free_ char *c2 = careless_json();
	grade(c2, c2, f); /* the same ids again: the rules list must not repeat */
}

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	ck_assert_msg(j != NULL, "line %d: %s\n%s", e.line, e.text, text);
	return j;
}

static void assert_string_member(json_t *o, const char *key)
{
	ck_assert_msg(json_is_string(json_object_get(o, key)), "no string \"%s\"", key);
}

START_TEST(json_format_parses)
{
	struct cinch_findings f = {0};
	careless_findings(&f);
	_cleanup_free_ char *text = cinch_findings_format(&f, CINCH_GRADE_JSON);
	json_t *arr = load(text);
	ck_assert(json_is_array(arr));
	ck_assert_uint_eq(json_array_size(arr), f.n);
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		static const char *const keys[] = {"id", "severity", "verdict", "message", "fix", "standard"};
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			assert_string_member(o, keys[k]);
		ck_assert_uint_eq(json_object_size(o), ARRAY_SIZE(keys));
		ck_assert_str_eq(json_string_value(json_object_get(o, "id")), f.items[i].id);
		ck_assert_str_eq(json_string_value(json_object_get(o, "message")), f.items[i].what);
		enum cinch_severity sev;
		struct cinch_error *err = NULL;
		ck_assert_int_eq(cinch_severity_parse(json_string_value(json_object_get(o, "severity")), &sev, &err),
		                 0);
		ck_assert_int_eq(sev, f.items[i].sev);
		ck_assert_str_eq(json_string_value(json_object_get(o, "verdict")),
		                 cinch_verdict_name(f.items[i].verdict));
	}
	json_decref(arr);
	cinch_findings_free(&f);
}
END_TEST

static json_t *get_path(json_t *j, const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *k = strtok_r(copy, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
		j = (*k >= '0' && *k <= '9') ? json_array_get(j, (size_t)atoi(k)) : json_object_get(j, k);
	ck_assert_msg(j != NULL, "no %s", path);
	return j;
}

static void check_sarif_result(json_t *res, json_t *rules, const struct cinch_finding *x)
{
	const char *rule_id = json_string_value(json_object_get(res, "ruleId"));
	ck_assert_str_eq(rule_id, x->id);
	json_t *rule = json_array_get(rules, (size_t)json_integer_value(json_object_get(res, "ruleIndex")));
	ck_assert_str_eq(json_string_value(json_object_get(rule, "id")), rule_id);
	ck_assert_str_eq(json_string_value(get_path(res, "message.text")), x->what);
	const char *kind = json_string_value(json_object_get(res, "kind"));
	const char *level = json_string_value(json_object_get(res, "level"));
	if (x->verdict == CINCH_VERDICT_FAIL) {
		ck_assert_str_eq(kind, "fail");
		ck_assert_str_eq(level, x->sev >= CINCH_SEV_HIGH  ? "error"
		                        : x->sev >= CINCH_SEV_LOW ? "warning"
		                                                  : "note");
	} else {
		/* SARIF: a kind other than "fail" has level "none". */
		ck_assert_str_eq(kind, "pass");
		ck_assert_str_eq(level, "none");
	}
	ck_assert_str_eq(json_string_value(get_path(res, "properties.verdict")), cinch_verdict_name(x->verdict));
}

START_TEST(sarif_format_parses)
{
	struct cinch_findings f = {0};
	careless_findings(&f);
	struct tree t;
	make_tree(&t);
	grade_tree(&t, &f); /* both kinds of finding */
	remove_tree(&t);
	_cleanup_free_ char *text = cinch_findings_format(&f, CINCH_GRADE_SARIF);
	json_t *log = load(text);
	ck_assert_str_eq(json_string_value(get_path(log, "version")), "2.1.0");
	assert_contains(json_string_value(get_path(log, "$schema")), "sarif-schema-2.1.0.json");
	ck_assert_uint_eq(json_array_size(get_path(log, "runs")), 1);
	ck_assert_str_eq(json_string_value(get_path(log, "runs.0.tool.driver.name")), "cinch");
	json_t *rules = get_path(log, "runs.0.tool.driver.rules");
	json_t *results = get_path(log, "runs.0.results");
	ck_assert_uint_eq(json_array_size(rules), ARRAY_SIZE(all_ids) + 2);
	for (size_t i = 0; i < json_array_size(rules); i++) {
		json_t *r = json_array_get(rules, i);
		assert_string_member(r, "id");
		ck_assert(json_is_string(get_path(r, "shortDescription.text")));
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(json_string_value(json_object_get(r, "id")),
			                 json_string_value(json_object_get(json_array_get(rules, j), "id")));
	}
	ck_assert_uint_eq(json_array_size(results), f.n);
	for (size_t i = 0; i < f.n; i++)
		check_sarif_result(json_array_get(results, i), rules, &f.items[i]);
	json_decref(log);
	cinch_findings_free(&f);
}
END_TEST

START_TEST(table_format_aligns)
{
	struct cinch_findings f = {0};
	careless_findings(&f);
	_cleanup_free_ char *text = cinch_findings_format(&f, CINCH_GRADE_TABLE);
	const char *header_msg = strstr(text, "MESSAGE");
	ck_assert(cinch_str_has_prefix(text, "VERDICT"));
	size_t col = (size_t)(header_msg - text);
	const char *line = strchr(text, '\n') + 1;
	for (size_t i = 0; i < f.n; i++) {
		const struct cinch_finding *x = &f.items[i];
		ck_assert(cinch_str_has_prefix(line, cinch_verdict_name(x->verdict)));
		ck_assert_msg(strncmp(line + col, x->what, strlen(x->what)) == 0, "row %zu: %.*s", i,
		              (int)strcspn(line, "\n"), line);
		line = strchr(line, '\n') + 1;
		if (x->verdict != CINCH_VERDICT_PASS) {
			ck_assert_msg(strncmp(line + col, "fix: ", 5) == 0, "fix line %zu", i);
			line = strchr(line, '\n') + 1;
		}
	}
	assert_contains(line, " findings: ");
	cinch_findings_free(&f);
}
END_TEST

START_TEST(names_parse_and_threshold)
{
	static const char *const names[] = {"info", "low", "medium", "high", "critical"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		enum cinch_severity sev;
		struct cinch_error *err = NULL;
		ck_assert_int_eq(cinch_severity_parse(names[i], &sev, &err), 0);
		ck_assert_int_eq(sev, (int)i);
		ck_assert_str_eq(cinch_severity_name(sev), names[i]);
	}
	enum cinch_severity sev;
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_severity_parse("HIGH", &sev, &err), 0);
	ck_assert_int_eq(sev, CINCH_SEV_HIGH);
	ck_assert_int_lt(cinch_severity_parse("severe", &sev, &err), 0);
	ck_assert_str_eq(err->msg, "severity \"severe\": expected info, low, medium, high or critical");
	cinch_error_free(err);
	err = NULL;
	enum cinch_grade_format fmt;
	ck_assert_int_eq(cinch_grade_format_parse("sarif", &fmt, &err), 0);
	ck_assert_int_eq(fmt, CINCH_GRADE_SARIF);
	ck_assert_int_lt(cinch_grade_format_parse("xml", &fmt, &err), 0);
	ck_assert_str_eq(err->msg, "format \"xml\": expected table, json or sarif");
	cinch_error_free(err);
	ck_assert_str_eq(cinch_verdict_name(CINCH_VERDICT_FIXED), "fixed-by-policy");

	struct cinch_findings f = {0};
	_cleanup_free_ char *careless = careless_json();
	_cleanup_free_ char *def = cinch_spec_default_json();
	grade(careless, def, &f); /* policy fixes all: only what it cannot (low) fails */
	ck_assert(cinch_findings_fail(&f, CINCH_SEV_LOW));
	ck_assert(!cinch_findings_fail(&f, CINCH_SEV_MEDIUM));
	cinch_findings_free(&f);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("grade");
	TCase *tc = tcase_create("grade");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, careless_config_fails);
	tcase_add_test(tc, policy_fixes_careless_config);
	tcase_add_test(tc, policy_that_weakens_is_named);
	tcase_add_test(tc, hardened_default_passes);
	tcase_add_test(tc, namespace_paths_and_seccomp_and_sysctls);
	tcase_add_test(tc, bind_mount_sources);
	tcase_add_test(tc, secret_env_named_never_shown);
	tcase_add_test(tc, rootfs_finds_setid_and_world_writable);
	tcase_add_test(tc, rootfs_never_follows_symlinks);
	tcase_add_test(tc, rootfs_lists_at_most_n_paths_and_escapes_names);
	tcase_add_test(tc, rootfs_depth_is_bounded);
	tcase_add_test(tc, rootfs_does_not_cross_mounts);
	tcase_add_test(tc, json_format_parses);
	tcase_add_test(tc, sarif_format_parses);
	tcase_add_test(tc, table_format_aligns);
	tcase_add_test(tc, names_parse_and_threshold);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
