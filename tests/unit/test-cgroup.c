#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/cgroup.h"
#include "cinch/error.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "../../src/lib/cgroup-internal.h"
#include "unit.h"

static char msg[1024];

/* The message of a failed call, or NULL when it succeeded. */
static const char *take(int r, struct cinch_error **err)
{
	if (r == 0) {
		ck_assert_ptr_null(*err);
		return NULL;
	}
	ck_assert_int_lt(r, 0);
	ck_assert_ptr_nonnull(*err);
	snprintf(msg, sizeof(msg), "%s", (*err)->msg);
	cinch_error_freep(err);
	return msg;
}

static const char *path_of(const char *cgroups_path, const char *id, bool systemd)
{
	static char out[512];
	struct cinch_error *err = NULL;
	char *p = NULL;
	const char *m = take(cinch_cgroup_path(cgroups_path, id, systemd, &p, &err), &err);
	if (m)
		return m;
	snprintf(out, sizeof(out), "%s", p);
	free(p);
	return out;
}

START_TEST(path_default_and_plain)
{
	ck_assert_str_eq(path_of(NULL, "web", false), "/web");
	ck_assert_str_eq(path_of("", "web", true), "/web");
	ck_assert_str_eq(path_of("/a/b", "web", false), "/a/b");
	ck_assert_str_eq(path_of("a/b", "web", false), "/cinch/a/b");
	ck_assert_str_eq(path_of("a:b:c", "web", false), "/cinch/a:b:c");
}
END_TEST

START_TEST(path_systemd)
{
	ck_assert_str_eq(path_of("system.slice:docker:abc", "x", true), "/system.slice/docker-abc.scope");
	ck_assert_str_eq(path_of(":cinch:abc", "x", true), "/system.slice/cinch-abc.scope");
	ck_assert_str_eq(path_of("a-b.slice:p:n", "x", true), "/a.slice/a-b.slice/p-n.scope");
	ck_assert_str_eq(path_of("-.slice:p:n", "x", true), "/p-n.scope");
	ck_assert_str_eq(path_of("/abs", "x", true),
			 "linux.cgroupsPath: \"/abs\" is not of the form \"slice:prefix:name\" that the systemd "
			 "cgroup driver needs");
	ck_assert_str_eq(path_of("a:b:c:d", "x", true),
			 "linux.cgroupsPath: \"a:b:c:d\" is not of the form \"slice:prefix:name\" that the systemd "
			 "cgroup driver needs");
	ck_assert_str_eq(path_of("a--b.slice:p:n", "x", true),
			 "linux.cgroupsPath: \"a--b.slice:p:n\": invalid slice name \"a--b.slice\"");
	ck_assert_str_eq(path_of("user.slice:p:", "x", true),
			 "linux.cgroupsPath: \"user.slice:p:\": prefix and name must be non-empty, without '/'");
	ck_assert_str_eq(path_of("user.slice:p:../../x", "x", true),
			 "linux.cgroupsPath: \"user.slice:p:../../x\": prefix and name must be non-empty, without '/'");
	/* every expanded component ends in ".slice", so never ".." */
	ck_assert_str_eq(path_of("..slice:p:n", "x", true), "/..slice/p-n.scope");
}
END_TEST

START_TEST(path_refuses_unclean)
{
	ck_assert_str_eq(path_of("../x", "web", false),
			 "linux.cgroupsPath: \"../x\": \"..\" components are not allowed");
	ck_assert_str_eq(path_of("../../sys", "web", false),
			 "linux.cgroupsPath: \"../../sys\": \"..\" components are not allowed");
	ck_assert_str_eq(path_of("/a/../b", "web", false),
			 "linux.cgroupsPath: \"/a/../b\": \"..\" components are not allowed");
	ck_assert_str_eq(path_of("/a/..", "web", false),
			 "linux.cgroupsPath: \"/a/..\": \"..\" components are not allowed");
	ck_assert_str_eq(path_of("/a/./b", "web", false),
			 "linux.cgroupsPath: \"/a/./b\": \".\" components are not allowed");
	ck_assert_str_eq(path_of("/a//b", "web", false),
			 "linux.cgroupsPath: \"/a//b\": empty path components are not allowed");
	ck_assert_str_eq(path_of("/a/", "web", false),
			 "linux.cgroupsPath: \"/a/\": empty path components are not allowed");
	ck_assert_str_eq(path_of("/", "web", false), "linux.cgroupsPath: \"/\": a container cannot use the root cgroup");
	ck_assert_str_eq(path_of("/a\nb", "web", false), "linux.cgroupsPath: byte 0x0a at offset 2 is not allowed");
	ck_assert_str_eq(path_of(NULL, "..", false), "container id \"..\" cannot name a cgroup");
	ck_assert_str_eq(path_of(NULL, "a/b", false), "container id \"a/b\" cannot name a cgroup");
	/* names that merely contain dots are fine */
	ck_assert_str_eq(path_of("/a/..b/c.", "web", false), "/a/..b/c.");
}
END_TEST

static const char *slice_of(const char *s)
{
	static char out[256];
	struct cinch_error *err = NULL;
	char *p = NULL;
	const char *m = take(cinch_cgroup_expand_slice(s, &p, &err), &err);
	if (m)
		return m;
	snprintf(out, sizeof(out), "%s", p);
	free(p);
	return out;
}

START_TEST(slices)
{
	ck_assert_str_eq(slice_of("test.slice"), "/test.slice");
	ck_assert_str_eq(slice_of("a-b-c.slice"), "/a.slice/a-b.slice/a-b-c.slice");
	ck_assert_str_eq(slice_of("-.slice"), "");
	ck_assert_str_eq(slice_of(".slice"), "invalid slice name \".slice\"");
	ck_assert_str_eq(slice_of("a-.slice"), "invalid slice name \"a-.slice\"");
	ck_assert_str_eq(slice_of("-a.slice"), "invalid slice name \"-a.slice\"");
	ck_assert_str_eq(slice_of("a/b.slice"), "invalid slice name \"a/b.slice\"");
	ck_assert_str_eq(slice_of("foo"), "invalid slice name \"foo\"");
}
END_TEST

START_TEST(conversions)
{
	ck_assert_uint_eq(cinch_cgroup_shares_to_weight(0), 0);
	ck_assert_uint_eq(cinch_cgroup_shares_to_weight(1), 1);
	ck_assert_uint_eq(cinch_cgroup_shares_to_weight(2), 1);
	ck_assert_uint_eq(cinch_cgroup_shares_to_weight(512), 20);
	ck_assert_uint_eq(cinch_cgroup_shares_to_weight(1024), 39);
	ck_assert_uint_eq(cinch_cgroup_shares_to_weight(262144), 10000);
	ck_assert_uint_eq(cinch_cgroup_shares_to_weight(1000000), 10000);
	ck_assert_uint_eq(cinch_cgroup_blkio_to_io_weight(10), 1);
	ck_assert_uint_eq(cinch_cgroup_blkio_to_io_weight(100), 910);
	ck_assert_uint_eq(cinch_cgroup_blkio_to_io_weight(500), 4950);
	ck_assert_uint_eq(cinch_cgroup_blkio_to_io_weight(1000), 10000);
}
END_TEST

static struct cinch_spec_memory mem(bool lset, int64_t l, bool sset, int64_t s)
{
	struct cinch_spec_memory m = {0};
	m.limit = (struct cinch_opt_i64){lset, l};
	m.swap = (struct cinch_opt_i64){sset, s};
	return m;
}

static const char *swap_of(struct cinch_spec_memory m)
{
	static char out[64];
	struct cinch_error *err = NULL;
	int64_t v = 12345;
	int r = cinch_cgroup_v2_swap(&m, &v, &err);
	if (r < 0)
		return take(r, &err);
	if (r == 0)
		return "unset";
	snprintf(out, sizeof(out), "%lld", (long long)v);
	return out;
}

START_TEST(v2_swap)
{
	ck_assert_str_eq(swap_of(mem(true, 67108864, true, 134217728)), "67108864");
	ck_assert_str_eq(swap_of(mem(true, 67108864, true, 67108864)), "0");
	ck_assert_str_eq(swap_of(mem(true, 67108864, true, -1)), "-1");
	ck_assert_str_eq(swap_of(mem(true, -1, false, 0)), "-1");
	ck_assert_str_eq(swap_of(mem(true, 67108864, false, 0)), "unset");
	ck_assert_str_eq(swap_of(mem(false, 0, false, 0)), "unset");
	ck_assert_str_eq(swap_of(mem(true, 67108864, true, 0)), "unset");
	ck_assert_str_eq(swap_of(mem(false, 0, true, 100)),
			 "linux.resources.memory.swap: a swap limit needs a memory.limit");
	ck_assert_str_eq(swap_of(mem(true, -1, true, 100)), "linux.resources.memory.swap: a swap limit needs a memory.limit");
	ck_assert_str_eq(swap_of(mem(true, 200, true, 100)),
			 "linux.resources.memory.swap: 100 is less than memory.limit 200 (swap counts memory plus swap)");
	ck_assert_str_eq(swap_of(mem(true, 200, true, -2)), "linux.resources.memory.swap: -2 is neither a size nor -1");
}
END_TEST

static const char *rule_of(bool allow, char type, bool mset, int64_t major, bool nset, int64_t minor,
			   const char *access)
{
	static char out[128];
	struct cinch_spec_device_rule r = {allow, type, {mset, major}, {nset, minor}, (char *)access};
	struct cinch_error *err = NULL;
	char *s = NULL;
	const char *m = take(cinch_cgroup_device_rule_string(&r, 3, &s, &err), &err);
	if (m)
		return m;
	snprintf(out, sizeof(out), "%s", s);
	free(s);
	return out;
}

START_TEST(device_rules)
{
	ck_assert_str_eq(rule_of(true, 'c', true, 1, true, 3, "rwm"), "c 1:3 rwm");
	ck_assert_str_eq(rule_of(false, 'a', false, 0, false, 0, "rwm"), "a *:* rwm");
	ck_assert_str_eq(rule_of(false, 'a', true, -1, true, -1, NULL), "a *:* rwm");
	ck_assert_str_eq(rule_of(true, 'b', true, 8, false, 0, "r"), "b 8:* r");
	ck_assert_str_eq(rule_of(true, 'c', true, 136, true, -1, "rw"), "c 136:* rw");
	ck_assert_str_eq(rule_of(true, 'a', false, 0, false, 0, "mwr"), "a *:* mwr");
	/* narrower deny-alls only deny more */
	ck_assert_str_eq(rule_of(false, 'a', true, 1, false, 0, "r"), "a 1:* r");
	ck_assert_str_eq(rule_of(true, 'a', true, 1, true, 3, "rwm"),
			 "linux.resources.devices[3]: an allow rule of type \"a\" allows every device; major, minor "
			 "and access must be wildcards (\"rwm\")");
	ck_assert_str_eq(rule_of(true, 'a', false, 0, false, 0, "r"),
			 "linux.resources.devices[3]: an allow rule of type \"a\" allows every device; major, minor "
			 "and access must be wildcards (\"rwm\")");
}
END_TEST

START_TEST(mountinfo_lines)
{
	struct cinch_cgroup_mount m = {0};
	ck_assert_int_eq(cinch_cgroup_parse_mountinfo_line(
				 "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu", &m),
			 1);
	ck_assert_str_eq(m.dev, "0:29");
	ck_assert_str_eq(m.root, "/");
	ck_assert_str_eq(m.mnt, "/sys/fs/cgroup/cpu");
	ck_assert_str_eq(m.opts, "rw,cpu");
	ck_assert(!m.v2);
	cinch_cgroup_mount_clear(&m);

	ck_assert_int_eq(cinch_cgroup_parse_mountinfo_line("35 25 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime "
							   "shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot",
							   &m),
			 1);
	ck_assert_str_eq(m.mnt, "/sys/fs/cgroup");
	ck_assert_str_eq(m.opts, "rw,nsdelegate,memory_recursiveprot");
	ck_assert(m.v2);
	cinch_cgroup_mount_clear(&m);

	ck_assert_int_eq(cinch_cgroup_parse_mountinfo_line(
				 "40 31 0:37 /docker/x /mnt/my\\040cg\\134x rw shared:1 master:2 - cgroup cg rw,cpu,cpuacct",
				 &m),
			 1);
	ck_assert_str_eq(m.root, "/docker/x");
	ck_assert_str_eq(m.mnt, "/mnt/my cg\\x");
	ck_assert_str_eq(m.opts, "rw,cpu,cpuacct");
	cinch_cgroup_mount_clear(&m);

	ck_assert_int_eq(cinch_cgroup_parse_mountinfo_line("23 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw", &m), 0);
	ck_assert_ptr_null(m.mnt);
	ck_assert_int_eq(cinch_cgroup_parse_mountinfo_line("23 1 8:1 / / rw,relatime ext4 /dev/sda1 rw", &m), -1);
	ck_assert_int_eq(cinch_cgroup_parse_mountinfo_line("23 1 8:1 / / rw - cgroup2 cgroup2", &m), -1);
	ck_assert_int_eq(cinch_cgroup_parse_mountinfo_line("garbage", &m), -1);
	ck_assert_ptr_null(m.mnt);
}
END_TEST

START_TEST(options)
{
	ck_assert(cinch_cgroup_opts_have("rw,cpu,cpuacct", "cpu"));
	ck_assert(cinch_cgroup_opts_have("rw,cpu,cpuacct", "cpuacct"));
	ck_assert(!cinch_cgroup_opts_have("rw,cpu,cpuacct", "cpuset"));
	ck_assert(!cinch_cgroup_opts_have("rw,cpuacct", "cpu"));
	ck_assert(cinch_cgroup_opts_have_controller("rw,memory"));
	ck_assert(!cinch_cgroup_opts_have_controller("rw,name=systemd"));
	ck_assert(!cinch_cgroup_opts_have_controller("rw,xattr,name=systemd"));
}
END_TEST

static const char hybrid[] =
	"23 1 8:1 / / rw,relatime - ext4 /dev/vda rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
	"\n"
	/* a container's view of the memory hierarchy, then a bind of the whole */
	"90 23 0:32 /docker/abc /var/lib/x/memory rw - cgroup cgroup rw,memory\n";

START_TEST(layout_hybrid)
{
	struct cinch_cgroup_layout l = {0};
	struct cinch_error *err = NULL;
	ck_assert_ptr_null(take(cinch_cgroup_layout_parse(hybrid, NULL, &l, &err), &err));
	ck_assert_int_eq(l.mode, CINCH_CGROUP_HYBRID);
	ck_assert_uint_eq(l.n, 7);
	ck_assert_str_eq(cinch_cgroup_layout_find(&l, "cpu")->mnt, "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_str_eq(cinch_cgroup_layout_find(&l, "cpuacct")->mnt, "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_str_eq(cinch_cgroup_layout_find(&l, "memory")->mnt, "/sys/fs/cgroup/memory");
	ck_assert_str_eq(cinch_cgroup_layout_find(&l, "name=systemd")->mnt, "/sys/fs/cgroup/systemd");
	ck_assert_str_eq(cinch_cgroup_layout_find(&l, NULL)->mnt, "/sys/fs/cgroup/unified");
	ck_assert_ptr_null(cinch_cgroup_layout_find(&l, "hugetlb"));
	ck_assert_ptr_null(cinch_cgroup_layout_find(&l, "cgroup"));

	_cleanup_free_ char *dir = cinch_cgroup_dir(cinch_cgroup_layout_find(&l, "pids"), "/cinch/x");
	ck_assert_str_eq(dir, "/sys/fs/cgroup/pids/cinch/x");
	cinch_cgroup_layout_clear(&l);
}
END_TEST

/* What a tmpfs over /sys/fs/cgroup/unified leaves visible. */
static bool hide_unified(const char *mnt, const char *dev)
{
	(void)dev;
	return strcmp(mnt, "/sys/fs/cgroup/unified") != 0;
}

/* A cgroup2 mounted over the whole of /sys/fs/cgroup (0:99) covers the
 * hierarchies mounted below it before. */
static bool only_new_v2(const char *mnt, const char *dev)
{
	return strcmp(mnt, "/sys/fs/cgroup") == 0 && strcmp(dev, "0:99") == 0;
}

START_TEST(layout_covered_mounts_left_out)
{
	struct cinch_cgroup_layout l = {0};
	struct cinch_error *err = NULL;
	ck_assert_ptr_null(take(cinch_cgroup_layout_parse(hybrid, hide_unified, &l, &err), &err));
	ck_assert_int_eq(l.mode, CINCH_CGROUP_V1);
	ck_assert_ptr_null(cinch_cgroup_layout_find(&l, NULL));
	ck_assert_str_eq(cinch_cgroup_layout_find(&l, "memory")->mnt, "/sys/fs/cgroup/memory");
	cinch_cgroup_layout_clear(&l);

	_cleanup_free_ char *text = NULL;
	xasprintf(&text, "%s%s", hybrid, "99 23 0:99 / /sys/fs/cgroup rw - cgroup2 none rw\n");
	ck_assert_ptr_null(take(cinch_cgroup_layout_parse(text, only_new_v2, &l, &err), &err));
	ck_assert_int_eq(l.mode, CINCH_CGROUP_V2);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(cinch_cgroup_layout_find(&l, NULL)->mnt, "/sys/fs/cgroup");
	cinch_cgroup_layout_clear(&l);
}
END_TEST

START_TEST(layout_others)
{
	struct cinch_cgroup_layout l = {0};
	struct cinch_error *err = NULL;
	/* pure v2; a leftover named v1 hierarchy is ignored */
	ck_assert_ptr_null(take(cinch_cgroup_layout_parse(
					"35 25 0:30 / /sys/fs/cgroup rw shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"
					"36 25 0:31 / /run/systemd/cg rw - cgroup cgroup rw,name=systemd\n", NULL,
					&l, &err),
				&err));
	ck_assert_int_eq(l.mode, CINCH_CGROUP_V2);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.items[0].mnt, "/sys/fs/cgroup");
	cinch_cgroup_layout_clear(&l);

	/* the bound subtree comes first; the whole hierarchy replaces it */
	ck_assert_ptr_null(take(cinch_cgroup_layout_parse(
					"90 23 0:32 /docker/abc /x/memory rw - cgroup cgroup rw,memory\n"
					"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n", NULL,
					&l, &err),
				&err));
	ck_assert_int_eq(l.mode, CINCH_CGROUP_V1);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.items[0].mnt, "/sys/fs/cgroup/memory");
	cinch_cgroup_layout_clear(&l);

	ck_assert_ptr_null(take(cinch_cgroup_layout_parse("23 1 8:1 / / rw - ext4 /dev/vda rw\n", NULL, &l, &err), &err));
	ck_assert_int_eq(l.mode, CINCH_CGROUP_NONE);
	ck_assert_uint_eq(l.n, 0);
	cinch_cgroup_layout_clear(&l);

	ck_assert_str_eq(take(cinch_cgroup_layout_parse("23 1 8:1 / / rw - ext4 /dev/vda rw\nbad line\n", NULL, &l, &err), &err),
			 "/proc/self/mountinfo: line 2 is not a mountinfo line");
	cinch_cgroup_layout_clear(&l);

	/* Only cgroup lines are parsed in full: other mounts, a path with an
	 * escaped " - cgroup" in it, and a cgroup2 line at the end of input
	 * with no newline. */
	ck_assert_ptr_null(take(cinch_cgroup_layout_parse(
					"23 1 8:1 / / rw - ext4 /dev/vda rw\n"
					"24 23 0:5 / /a\\040-\\040cgroup rw - tmpfs tmpfs rw\n"
					"25 23 0:6 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
					"26 23 0:7 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw", NULL,
					&l, &err),
				&err));
	ck_assert_int_eq(l.mode, CINCH_CGROUP_HYBRID);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.items[0].mnt, "/sys/fs/cgroup/pids");
	ck_assert_str_eq(l.items[1].mnt, "/sys/fs/cgroup/unified");
	cinch_cgroup_layout_clear(&l);
}
END_TEST

START_TEST(keyed_values)
{
	int64_t v = 7;
	ck_assert_int_eq(cinch_cgroup_keyed_value("populated 1\nfrozen 0\n", "populated", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(cinch_cgroup_keyed_value("populated 1\nfrozen 0\n", "frozen", &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(cinch_cgroup_keyed_value("populated 1\n", "frozen", &v), -1);
	ck_assert_int_eq(cinch_cgroup_keyed_value("frozenx 1\n", "frozen", &v), -1);
	ck_assert_int_eq(cinch_cgroup_keyed_value("frozen x\n", "frozen", &v), -1);
}
END_TEST

static char *plan_text(const struct cinch_cgroup_plan *p)
{
	struct cinch_buf b = {0};
	cinch_buf_puts(&b, "");
	for (size_t i = 0; i < p->n; i++)
		cinch_buf_printf(&b, "%s%s=%s\n", p->items[i].file, p->items[i].skip_if_missing ? "?" : "",
				 p->items[i].value);
	return cinch_buf_steal(&b);
}

/* The v1 plan of `update` (create false: no device rules) or of create. */
static const char *v1_plan_of(const struct cinch_spec_resources *res, bool create, uint64_t mem_limit, bool bfq)
{
	static char out[2048];
	struct cinch_cgroup_facts f = {bfq, mem_limit};
	struct cinch_cgroup_plan p = {0};
	struct cinch_error *err = NULL;
	int r = cinch_cgroup_v1_plan(res, create, &f, &p, &err);
	const char *m = take(r, &err);
	if (m == NULL) {
		_cleanup_free_ char *t = plan_text(&p);
		snprintf(out, sizeof(out), "%s", t);
		m = out;
	}
	cinch_cgroup_plan_clear(&p);
	return m;
}

static const char *v1_plan(const struct cinch_spec_resources *res, uint64_t mem_limit, bool bfq)
{
	return v1_plan_of(res, false, mem_limit, bfq);
}

static const char *v1_create_plan(const struct cinch_spec_resources *res, uint64_t mem_limit, bool bfq)
{
	return v1_plan_of(res, true, mem_limit, bfq);
}

static const char *v2_plan(const struct cinch_spec_resources *res, bool bfq, char **controllers)
{
	static char out[2048];
	struct cinch_cgroup_facts f = {bfq, 0};
	struct cinch_cgroup_plan p = {0};
	struct cinch_error *err = NULL;
	int r = cinch_cgroup_v2_plan(res, &f, &p, &err);
	const char *m = take(r, &err);
	if (m == NULL) {
		_cleanup_free_ char *t = plan_text(&p);
		snprintf(out, sizeof(out), "%s", t);
		if (controllers)
			*controllers = cinch_cgroup_plan_controllers(&p);
		m = out;
	}
	cinch_cgroup_plan_clear(&p);
	return m;
}

/* The hardened default config.json, through the spec reader. */
START_TEST(plans_for_default_spec)
{
	_cleanup_free_ char *text = cinch_spec_default_json();
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	ck_assert_ptr_null(take(cinch_spec_parse(text, strlen(text), "config.json", &spec, &err), &err));
	const struct cinch_spec_resources *res = &spec->linux_.resources;
	ck_assert_str_eq(v1_create_plan(res, UINT64_MAX, false), "devices.deny=a\n"
								 "devices.deny=a *:* rwm\n"
								 "memory.limit_in_bytes=268435456\n"
								 "memory.memsw.limit_in_bytes?=268435456\n"
								 "cpu.cfs_period_us=100000\n"
								 "cpu.cfs_quota_us=100000\n"
								 "pids.max=512\n");
	char *controllers = NULL;
	ck_assert_str_eq(v2_plan(res, false, &controllers), "memory.max=268435456\n"
							    "memory.swap.max?=0\n"
							    "cpu.max=100000 100000\n"
							    "pids.max=512\n");
	ck_assert_str_eq(controllers, "+memory +cpu +pids");
	free(controllers);
	cinch_spec_free(spec);
}
END_TEST

START_TEST(v1_memory_order)
{
	struct cinch_spec_resources r = {0};
	r.has_memory = true;
	r.memory = mem(true, 268435456, true, 536870912);
	/* raising from 64M: memsw first, so that limit <= memsw at each step */
	ck_assert_str_eq(v1_plan(&r, 67108864, false), "memory.memsw.limit_in_bytes?=536870912\n"
						       "memory.limit_in_bytes=268435456\n");
	/* lowering from unlimited: the limit first */
	ck_assert_str_eq(v1_plan(&r, UINT64_MAX, false), "memory.limit_in_bytes=268435456\n"
							 "memory.memsw.limit_in_bytes?=536870912\n");
	r.memory = mem(true, -1, false, 0);
	ck_assert_str_eq(v1_plan(&r, 67108864, false), "memory.memsw.limit_in_bytes?=-1\n"
						       "memory.limit_in_bytes=-1\n");
	r.memory = mem(true, -5, false, 0);
	ck_assert_str_eq(v1_plan(&r, 0, false), "linux.resources.memory.limit: -5 is neither a size nor -1");
	r.memory = mem(false, 0, false, 0);
	r.memory.reservation = (struct cinch_opt_i64){true, 1024};
	r.memory.swappiness = (struct cinch_opt_u64){true, 0};
	r.memory.disable_oom_killer = true;
	r.memory.kernel_tcp = (struct cinch_opt_i64){true, 50593792};
	ck_assert_str_eq(v1_plan(&r, 0, false), "memory.soft_limit_in_bytes=1024\n"
						 "memory.swappiness=0\n"
						 "memory.oom_control=1\n"
						 "memory.kmem.tcp.limit_in_bytes?=50593792\n");
	ck_assert_str_eq(v2_plan(&r, false, NULL), "memory.low=1024\n");
}
END_TEST

START_TEST(cpu_and_pids)
{
	struct cinch_spec_resources r = {0};
	r.has_cpu = true;
	r.cpu.shares = (struct cinch_opt_u64){true, 1024};
	r.cpu.quota = (struct cinch_opt_i64){true, -1};
	r.cpu.period = (struct cinch_opt_u64){true, 100000};
	r.cpu.cpus = (char *)"0-1";
	r.cpu.mems = (char *)"";
	r.pids_limit = (struct cinch_opt_i64){true, 0};
	ck_assert_str_eq(v1_plan(&r, 0, false), "cpu.shares=1024\n"
						"cpu.cfs_period_us=100000\n"
						"cpu.cfs_quota_us=-1\n"
						"cpuset.cpus=0-1\n"
						"pids.max=max\n");
	char *controllers = NULL;
	ck_assert_str_eq(v2_plan(&r, false, &controllers), "cpu.weight=39\n"
							   "cpu.max=max 100000\n"
							   "cpuset.cpus=0-1\n"
							   "pids.max=max\n");
	ck_assert_str_eq(controllers, "+cpu +cpuset +pids");
	free(controllers);

	r.cpu = (struct cinch_spec_cpu){0};
	r.cpu.quota = (struct cinch_opt_i64){true, 50000};
	r.pids_limit = (struct cinch_opt_i64){true, 10};
	ck_assert_str_eq(v2_plan(&r, false, NULL), "cpu.max=50000\npids.max=10\n");
	r.cpu.realtime_runtime = (struct cinch_opt_i64){true, 950000};
	ck_assert_str_eq(v1_plan(&r, 0, false), "cpu.cfs_quota_us=50000\ncpu.rt_runtime_us=950000\npids.max=10\n");
	ck_assert_str_eq(v2_plan(&r, false, NULL), "linux.resources.cpu: realtimeRuntime and realtimePeriod need "
						   "cgroup v1, but this host has cgroup v2");
}
END_TEST

START_TEST(block_io)
{
	struct cinch_spec_weight_device wd[] = {{8, 0, {true, 200}, {false, 0}}};
	struct cinch_spec_throttle_device rb[] = {{8, 0, 1048576}, {8, 16, 0}};
	struct cinch_spec_resources r = {0};
	r.has_block_io = true;
	r.block_io.weight = (struct cinch_opt_u64){true, 500};
	r.block_io.weight_device = (struct cinch_spec_weight_devices){wd, 1};
	r.block_io.throttle_read_bps_device = (struct cinch_spec_throttle_devices){rb, 2};
	ck_assert_str_eq(v1_plan(&r, 0, false), "blkio.weight=500\n"
						"blkio.weight_device=8:0 200\n"
						"blkio.throttle.read_bps_device=8:0 1048576\n"
						"blkio.throttle.read_bps_device=8:16 0\n");
	ck_assert_str_eq(v1_plan(&r, 0, true), "blkio.bfq.weight=500\n"
					       "blkio.bfq.weight_device=8:0 200\n"
					       "blkio.throttle.read_bps_device=8:0 1048576\n"
					       "blkio.throttle.read_bps_device=8:16 0\n");
	ck_assert_str_eq(v2_plan(&r, false, NULL), "io.weight=4950\n"
						   "io.weight=8:0 1920\n"
						   "io.max=8:0 rbps=1048576\n"
						   "io.max=8:16 rbps=max\n");
	ck_assert_str_eq(v2_plan(&r, true, NULL), "io.bfq.weight=500\n"
						  "io.bfq.weight=8:0 200\n"
						  "io.max=8:0 rbps=1048576\n"
						  "io.max=8:16 rbps=max\n");
}
END_TEST

START_TEST(hugetlb_network_unified)
{
	struct cinch_spec_hugepage_limit hp[] = {{(char *)"2MB", 4194304}};
	struct cinch_spec_hugepage_limit bad[] = {{(char *)"2MB", 1}, {(char *)"../x", 1}};
	struct cinch_kv kv[] = {{(char *)"memory.high", (char *)"1G"}, {(char *)"cgroup.max.depth", (char *)"3"}};
	struct cinch_kv procs[] = {{(char *)"cgroup.procs", (char *)"1"}};
	struct cinch_spec_net_priority prio[] = {{(char *)"eth0", 5}};
	struct cinch_spec_net_priority badprio[] = {{(char *)"eth0 6\nlo", 5}};
	struct cinch_spec_resources r = {0};
	r.hugepage_limits = (struct cinch_spec_hugepage_limits){hp, 1};
	ck_assert_str_eq(v1_plan(&r, 0, false), "hugetlb.2MB.limit_in_bytes=4194304\n");
	ck_assert_str_eq(v2_plan(&r, false, NULL), "hugetlb.2MB.max=4194304\n");
	r.hugepage_limits = (struct cinch_spec_hugepage_limits){bad, 2};
	ck_assert_str_eq(v1_plan(&r, 0, false),
			 "linux.resources.hugepageLimits[1].pageSize: \"../x\" is not a page size such as 2MB");
	r.hugepage_limits = (struct cinch_spec_hugepage_limits){0};

	r.has_network = true;
	r.network.class_id = (struct cinch_opt_u64){true, 0x100001};
	r.network.priorities = (struct cinch_spec_net_priorities){prio, 1};
	ck_assert_str_eq(v1_plan(&r, 0, false), "net_cls.classid=1048577\nnet_prio.ifpriomap=eth0 5\n");
	ck_assert_str_eq(v2_plan(&r, false, NULL), "");
	r.network.priorities = (struct cinch_spec_net_priorities){badprio, 1};
	ck_assert_str_eq(v1_plan(&r, 0, false),
			 "linux.resources.network.priorities[0].name: \"eth0 6\nlo\" is not an interface name");
	r.has_network = false;

	char *controllers = NULL;
	r.unified = (struct cinch_kvs){kv, 2};
	ck_assert_str_eq(v2_plan(&r, false, &controllers), "memory.high=1G\ncgroup.max.depth=3\n");
	ck_assert_str_eq(controllers, "+memory");
	free(controllers);
	ck_assert_str_eq(v1_plan(&r, 0, false),
			 "linux.resources.unified: needs cgroup v2, but this host has cgroup v1 controllers");
	r.unified = (struct cinch_kvs){procs, 1};
	ck_assert_str_eq(v2_plan(&r, false, NULL), "linux.resources.unified: \"cgroup.procs\" is not a resource limit");
}
END_TEST

START_TEST(devices_in_order)
{
	struct cinch_spec_device_rule rules[] = {
		{false, 'a', {false, 0}, {false, 0}, (char *)"rwm"},
		{true, 'c', {true, 1}, {true, 3}, (char *)"rwm"},
		{true, 'c', {true, 136}, {false, 0}, (char *)"rw"},
		{false, 'c', {true, 1}, {true, 3}, (char *)"m"},
	};
	struct cinch_spec_resources r = {0};
	r.devices = (struct cinch_spec_device_rules){rules, 4};
	ck_assert_str_eq(v1_create_plan(&r, 0, false), "devices.deny=a\n"
						       "devices.deny=a *:* rwm\n"
						       "devices.allow=c 1:3 rwm\n"
						       "devices.allow=c 136:* rw\n"
						       "devices.deny=c 1:3 m\n");
	/* on v2 they are a BPF program (devices-bpf), not file writes */
	ck_assert_str_eq(v2_plan(&r, false, NULL), "");
	/* and on v1 only at create: `update` leaves the list, deny-all too */
	ck_assert_str_eq(v1_plan(&r, 0, false), "");
}
END_TEST

/* Whatever the config lists, the v1 list is reset to deny-all before any
 * rule: a new cgroup would otherwise inherit its parent's "a *:* rwm". */
START_TEST(devices_start_from_deny_all)
{
	struct cinch_spec_resources r = {0};
	ck_assert_str_eq(v1_create_plan(&r, 0, false), "devices.deny=a\n");
	struct cinch_spec_device_rule dev_null[] = {{true, 'c', {true, 1}, {true, 3}, (char *)"rwm"}};
	r.devices = (struct cinch_spec_device_rules){dev_null, 1};
	ck_assert_str_eq(v1_create_plan(&r, 0, false), "devices.deny=a\n"
						       "devices.allow=c 1:3 rwm\n");
	/* a config may still allow every device (a privileged container) */
	struct cinch_spec_device_rule all[] = {{true, 'a', {false, 0}, {false, 0}, (char *)"rwm"},
					       {true, 'c', {true, 1}, {true, 3}, (char *)"rwm"}};
	r.devices = (struct cinch_spec_device_rules){all, 2};
	ck_assert_str_eq(v1_create_plan(&r, 0, false), "devices.deny=a\n"
						       "devices.allow=a *:* rwm\n"
						       "devices.allow=c 1:3 rwm\n");
	/* and the reset comes before the other controllers' limits */
	r.pids_limit = (struct cinch_opt_i64){true, 10};
	r.devices = (struct cinch_spec_device_rules){dev_null, 1};
	ck_assert_str_eq(v1_create_plan(&r, 0, false), "devices.deny=a\n"
						       "devices.allow=c 1:3 rwm\n"
						       "pids.max=10\n");
}
END_TEST

/* A list that v1 would apply otherwise than it reads is refused before
 * anything is written, with the message of the v2 program's fold. */
START_TEST(devices_hole_refused)
{
	struct cinch_spec_device_rule rules[] = {
		{true, 'c', {false, 0}, {false, 0}, (char *)"m"},
		{false, 'c', {true, 1}, {true, 3}, (char *)"m"},
	};
	struct cinch_spec_resources r = {0};
	r.devices = (struct cinch_spec_device_rules){rules, 2};
	ck_assert_str_eq(v1_create_plan(&r, 0, false),
			 "linux.resources.devices[1]: deny \"c 1:3 m\" cannot take a device out of the earlier "
			 "wildcard allow \"c *:* m\" (the kernel's device list only removes whole rules)");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("pure");
	tcase_add_test(tc, path_default_and_plain);
	tcase_add_test(tc, path_systemd);
	tcase_add_test(tc, path_refuses_unclean);
	tcase_add_test(tc, slices);
	tcase_add_test(tc, conversions);
	tcase_add_test(tc, v2_swap);
	tcase_add_test(tc, device_rules);
	tcase_add_test(tc, mountinfo_lines);
	tcase_add_test(tc, options);
	tcase_add_test(tc, layout_hybrid);
	tcase_add_test(tc, layout_others);
	tcase_add_test(tc, layout_covered_mounts_left_out);
	tcase_add_test(tc, keyed_values);
	tcase_add_test(tc, plans_for_default_spec);
	tcase_add_test(tc, v1_memory_order);
	tcase_add_test(tc, cpu_and_pids);
	tcase_add_test(tc, block_io);
	tcase_add_test(tc, hugetlb_network_unified);
	tcase_add_test(tc, devices_in_order);
	tcase_add_test(tc, devices_start_from_deny_all);
	tcase_add_test(tc, devices_hole_refused);
	suite_add_tcase(s, tc);

	return s;
}

UNIT_MAIN(make_suite)
