/* What a container may share with the host, decided without root: sysctl
 * keys (sysctl.h), namespaces by path against given facts (hostns.h), and
 * where procfs and sysfs may be mounted over (mounts.h). */
#include "config.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/error.h"
#include "cinch/hostns.h"
#include "cinch/mounts.h"
#include "cinch/spec.h"
#include "cinch/sysctl.h"
#include "cinch/util.h"
#include "unit.h"

#define ALL_NS (CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS)

/* The message of a refused check, or "" when it passed. */
static char *sysctl_verdict(const char *key, unsigned long private_ns, char **normalized)
{
	struct cinch_error *err = NULL;
	*normalized = NULL;
	if (cinch_sysctl_check(key, private_ns, normalized, &err) == 0)
		return xstrdup("");
	char *msg = xstrdup(err->msg);
	cinch_error_free(err);
	return msg;
}

START_TEST(sysctl_namespaced_keys_pass_with_their_namespace)
{
	static const struct {
		const char *key, *normalized;
		unsigned long ns;
	} ok[] = {
		{"kernel.shmmax", "kernel.shmmax", CLONE_NEWIPC},
		{"kernel/shmmni", "kernel.shmmni", CLONE_NEWIPC},
		{"kernel.msgmnb", "kernel.msgmnb", CLONE_NEWIPC},
		{"kernel.sem", "kernel.sem", CLONE_NEWIPC},
		{"fs.mqueue.queues_max", "fs.mqueue.queues_max", CLONE_NEWIPC},
		{"net/ipv4/ip_forward", "net.ipv4.ip_forward", CLONE_NEWNET},
		{"kernel.domainname", "kernel.domainname", CLONE_NEWUTS},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		_cleanup_free_ char *normalized = NULL;
		_cleanup_free_ char *msg = sysctl_verdict(ok[i].key, ok[i].ns, &normalized);
		ck_assert_msg(msg[0] == '\0', "%s: %s", ok[i].key, msg);
		ck_assert_str_eq(normalized, ok[i].normalized);
	}
}
END_TEST

START_TEST(sysctl_refuses_host_keys_and_missing_namespaces)
{
	static const struct {
		const char *key;
		unsigned long ns;
		const char *msg;
	} bad[] = {
		{"kernel.printk_ratelimit_burst", ALL_NS,
		 "linux.sysctl[\"kernel.printk_ratelimit_burst\"]: is not a namespaced sysctl; setting it would change the host"},
		{"kernel.core_pattern", ALL_NS,
		 "linux.sysctl[\"kernel.core_pattern\"]: is not a namespaced sysctl; setting it would change the host"},
		{"kernel.semx", ALL_NS, "linux.sysctl[\"kernel.semx\"]: is not a namespaced sysctl; setting it would change the host"},
		{"kernel.msg", ALL_NS, "linux.sysctl[\"kernel.msg\"]: is not a namespaced sysctl; setting it would change the host"},
		{"vm.overcommit_memory", ALL_NS,
		 "linux.sysctl[\"vm.overcommit_memory\"]: is not a namespaced sysctl; setting it would change the host"},
		{"net.ipv4.ip_forward", CLONE_NEWIPC | CLONE_NEWUTS,
		 "linux.sysctl[\"net.ipv4.ip_forward\"]: needs the container's own network namespace; with the host's "
		 "it would change the host"},
		{"kernel.shmmax", CLONE_NEWNET,
		 "linux.sysctl[\"kernel.shmmax\"]: needs the container's own ipc namespace; with the host's it would "
		 "change the host"},
		{"kernel.domainname", CLONE_NEWIPC,
		 "linux.sysctl[\"kernel.domainname\"]: needs the container's own uts namespace; with the host's it would "
		 "change the host"},
		/* as runc: the hostname field is the one way to set it */
		{"kernel.hostname", ALL_NS,
		 "linux.sysctl[\"kernel.hostname\"]: conflicts with the hostname field; set that instead"},
		{"kernel/hostname", ALL_NS,
		 "linux.sysctl[\"kernel/hostname\"]: conflicts with the hostname field; set that instead"},
		{"net..ipv4", ALL_NS, "linux.sysctl[\"net..ipv4\"]: is not a sysctl name"},
		{"net/../kernel/core_pattern", ALL_NS, "linux.sysctl[\"net/../kernel/core_pattern\"]: is not a sysctl name"},
		{"/net/ipv4/ip_forward", ALL_NS, "linux.sysctl[\"/net/ipv4/ip_forward\"]: is not a sysctl name"},
		{"net.ipv4.", ALL_NS, "linux.sysctl[\"net.ipv4.\"]: is not a sysctl name"},
		{"", ALL_NS, "linux.sysctl[\"\"]: is not a sysctl name"},
		{"net.ipv4.ip forward", ALL_NS, "linux.sysctl[\"net.ipv4.ip forward\"]: is not a sysctl name"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_free_ char *normalized = NULL;
		_cleanup_free_ char *msg = sysctl_verdict(bad[i].key, bad[i].ns, &normalized);
		ck_assert_str_eq(msg, bad[i].msg);
		ck_assert_ptr_null(normalized);
	}
}
END_TEST

START_TEST(sysctl_path_swaps_dots)
{
	_cleanup_free_ char *p = cinch_sysctl_path("net.ipv4.conf.all.forwarding");
	ck_assert_str_eq(p, "net/ipv4/conf/all/forwarding");
}
END_TEST

/* A spec with the given namespaces (type, path) and one sysctl. */
static struct cinch_spec *spec_with(const struct cinch_spec_namespace *ns, size_t n, const char *sysctl)
{
	struct cinch_spec *s = xcalloc(1, sizeof(*s));
	s->linux_.namespaces.items = (struct cinch_spec_namespace *)ns;
	s->linux_.namespaces.n = n;
	static struct cinch_kv kv;
	kv.key = (char *)sysctl;
	kv.value = (char *)"1";
	s->linux_.sysctl.items = sysctl ? &kv : NULL;
	s->linux_.sysctl.n = sysctl ? 1 : 0;
	return s;
}

static char *decide(const struct cinch_spec_namespace *ns, size_t n, const char *sysctl,
		    const struct cinch_ns_facts *f, unsigned long *private_ns)
{
	struct cinch_spec *s = spec_with(ns, n, sysctl);
	struct cinch_error *err = NULL;
	char *msg = xstrdup("");
	if (cinch_ns_decide(s, f, private_ns, &err) < 0) {
		free(msg);
		msg = xstrdup(err->msg);
		cinch_error_free(err);
	}
	free(s);
	return msg;
}

START_TEST(namespaces_by_path_refused)
{
	struct cinch_spec_namespace mnt[] = {{CINCH_NS_MOUNT, (char *)"/proc/self/ns/mnt"}};
	struct cinch_ns_facts f = CINCH_NS_FACTS_INIT;
	unsigned long private_ns = 0;
	f.type[CINCH_NS_MOUNT] = CLONE_NEWNS;
	/* A mount namespace by path is the policy's (hostNamespaces, decide.c). */
	_cleanup_free_ char *m1 = decide(mnt, 1, NULL, &f, &private_ns);
	ck_assert_str_eq(m1, "");
	/* The host's, whatever the policy. */
	f.host[CINCH_NS_MOUNT] = true;
	_cleanup_free_ char *m1h = decide(mnt, 1, NULL, &f, &private_ns);
	ck_assert_str_eq(m1h, "linux.namespaces[0].path: /proc/self/ns/mnt is the host's mount namespace: the "
			      "container's mounts would be made on the host (leave the mount namespace out to share "
			      "the host's)");
	f.host[CINCH_NS_MOUNT] = false;

	struct cinch_spec_namespace pid[] = {{CINCH_NS_MOUNT, NULL}, {CINCH_NS_PID, (char *)"/proc/1/ns/pid"}};
	f.type[CINCH_NS_PID] = CLONE_NEWPID;
	f.host[CINCH_NS_PID] = true;
	_cleanup_free_ char *m2 = decide(pid, 2, NULL, &f, &private_ns);
	ck_assert_str_eq(m2, "linux.namespaces[1].path: /proc/1/ns/pid is the host's pid namespace");

	struct cinch_spec_namespace user[] = {{CINCH_NS_USER, (char *)"/u"}};
	f.type[CINCH_NS_USER] = CLONE_NEWUSER;
	f.host[CINCH_NS_USER] = true;
	_cleanup_free_ char *m3 = decide(user, 1, NULL, &f, &private_ns);
	ck_assert_str_eq(m3, "linux.namespaces[0].path: /u is the host's user namespace");

	struct cinch_spec_namespace wrong[] = {{CINCH_NS_NETWORK, (char *)"/proc/1/ns/ipc"}};
	f.type[CINCH_NS_NETWORK] = CLONE_NEWIPC;
	_cleanup_free_ char *m4 = decide(wrong, 1, NULL, &f, &private_ns);
	ck_assert_str_eq(m4, "linux.namespaces[0].path: /proc/1/ns/ipc is not a network namespace");
}
END_TEST

START_TEST(namespaces_of_a_pod_sandbox_pass_and_count_as_own)
{
	struct cinch_spec_namespace ns[] = {
		{CINCH_NS_MOUNT, NULL},
		{CINCH_NS_NETWORK, (char *)"/proc/42/ns/net"},
		{CINCH_NS_IPC, (char *)"/proc/42/ns/ipc"},
		{CINCH_NS_UTS, (char *)"/proc/42/ns/uts"},
		{CINCH_NS_PID, (char *)"/proc/42/ns/pid"},
	};
	struct cinch_ns_facts f = CINCH_NS_FACTS_INIT;
	f.type[CINCH_NS_NETWORK] = CLONE_NEWNET;
	f.type[CINCH_NS_IPC] = CLONE_NEWIPC;
	f.type[CINCH_NS_UTS] = CLONE_NEWUTS;
	f.type[CINCH_NS_PID] = CLONE_NEWPID;
	unsigned long private_ns = 0;
	_cleanup_free_ char *msg = decide(ns, ARRAY_SIZE(ns), "net.ipv4.ip_forward", &f, &private_ns);
	ck_assert_str_eq(msg, "");
	ck_assert_uint_eq(private_ns & ALL_NS, ALL_NS);

	/* The host's network namespace, joined by path, is not the container's. */
	f.host[CINCH_NS_NETWORK] = true;
	_cleanup_free_ char *msg2 = decide(ns, ARRAY_SIZE(ns), "net.ipv4.ip_forward", &f, &private_ns);
	ck_assert_str_eq(msg2, "linux.sysctl[\"net.ipv4.ip_forward\"]: needs the container's own network namespace; "
			       "with the host's it would change the host");
}
END_TEST

START_TEST(clean_path_is_lexical)
{
	static const char *const cases[][2] = {
		{"/proc", "/proc"},	 {"/proc/", "/proc"},	   {"//proc//sys/", "/proc/sys"},
		{"/a/./b", "/a/b"},	 {"/a/../proc/sys", "/proc/sys"}, {"/../../proc", "/proc"},
		{"/", "/"},		 {"", "/"},		   {"/x/..", "/"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *c = cinch_mounts_clean_path(cases[i][0]);
		ck_assert_msg(strcmp(c, cases[i][1]) == 0, "%s: got %s, want %s", cases[i][0], c, cases[i][1]);
	}
}
END_TEST

static char *kernfs_verdict(const char *dest, const char *type, bool bind)
{
	struct cinch_error *err = NULL;
	if (cinch_mounts_check_kernfs_dest(dest, type, bind, &err) == 0)
		return xstrdup("");
	char *msg = xstrdup(err->msg);
	cinch_error_free(err);
	return msg;
}

START_TEST(kernfs_destinations)
{
	static const struct {
		const char *dest, *type;
		bool bind, ok;
	} cases[] = {
		{"/proc", "proc", false, true},		  {"/sys", "sysfs", false, true},
		{"/sys", "bind", true, true},		  {"/proc/meminfo", "bind", true, true},
		{"/proc/pressure/io", "bind", true, true}, {"/sys/fs/cgroup", "cgroup", false, true},
		{"/sys/fs/cgroup", "bind", true, true},	  {"/proc/sys/kernel/ns_last_pid", "bind", true, true},
		{"/etc", "bind", true, true},		  {"/procfoo", "tmpfs", false, true},
		{"/proc", "tmpfs", false, false},	  {"/proc", "bind", true, false},
		{"/sys", "tmpfs", false, false},	  {"/proc/sys", "tmpfs", false, false},
		{"/proc/sys/kernel", "bind", true, false}, {"/proc/1", "bind", true, false},
		{"/sys/kernel", "sysfs", false, false},	  {"/sys/fs/cgroup/memory", "bind", true, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *msg = kernfs_verdict(cases[i].dest, cases[i].type, cases[i].bind);
		ck_assert_msg((msg[0] == '\0') == cases[i].ok, "%s (%s): %s", cases[i].dest, cases[i].type, msg);
	}
	_cleanup_free_ char *m = kernfs_verdict("/proc/sys", "tmpfs", false);
	ck_assert_str_eq(m, "/proc/sys: a mount inside /proc or /sys is refused (only /proc/cpuinfo, diskstats, "
			    "meminfo, stat, swaps, uptime, loadavg, slabinfo, pressure/*, sys/kernel/ns_last_pid and "
			    "/sys/fs/cgroup may be mounted over)");
	_cleanup_free_ char *m2 = kernfs_verdict("/proc", "tmpfs", false);
	ck_assert_str_eq(m2, "/proc: only a proc mount may go on /proc, not tmpfs");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("hostns");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, sysctl_namespaced_keys_pass_with_their_namespace);
	tcase_add_test(tc, sysctl_refuses_host_keys_and_missing_namespaces);
	tcase_add_test(tc, sysctl_path_swaps_dots);
	tcase_add_test(tc, namespaces_by_path_refused);
	tcase_add_test(tc, namespaces_of_a_pod_sandbox_pass_and_count_as_own);
	tcase_add_test(tc, clean_path_is_lexical);
	tcase_add_test(tc, kernfs_destinations);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
