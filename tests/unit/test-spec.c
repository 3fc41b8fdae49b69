#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cinch/error.h"
#include "cinch/features.h"
#include "cinch/mounts.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "unit.h"

static char *read_data(const char *dir, const char *name, size_t *len)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/%s/%s", CINCH_TEST_DATA, dir, name);
	char *text = NULL;
	struct cinch_error *err = NULL;
	if (cinch_read_file(path, 64u << 20, &text, len, &err) < 0) {
		ck_abort_msg("%s", err->msg);
		cinch_error_free(err);
	}
	return text;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int json_only(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

/* Every good file parses. */
START_TEST(golden_good)
{
	struct dirent **names;
	int n = scandir(CINCH_TEST_DATA "/spec/good", &names, json_only, by_name);
	ck_assert_int_gt(n, 0);
	struct cinch_buf failures = {0};
	for (int i = 0; i < n; i++) {
		size_t len;
		_cleanup_free_ char *text = read_data("spec/good", names[i]->d_name, &len);
		struct cinch_spec *spec = NULL;
		struct cinch_error *err = NULL;
		if (cinch_spec_parse(text, len, "config.json", &spec, &err) < 0) {
			cinch_buf_printf(&failures, "\n  %s: %s", names[i]->d_name, err->msg);
			cinch_error_free(err);
		}
		cinch_spec_free(spec);
		free(names[i]);
	}
	free(names);
	if (failures.len)
		ck_abort_msg("good configs refused:%s", failures.data);
	cinch_buf_free(&failures);
}
END_TEST

/* Every bad file is refused with exactly the message in its .err twin:
 * by the reader, or by the pure checks of its mounts that create and
 * check run next (mounts.h), whose messages the caller prefixes with the
 * file's name. */
static int parse_and_check_mounts(const char *text, size_t len, struct cinch_error **err)
{
	struct cinch_spec *spec = NULL;
	if (cinch_spec_parse(text, len, "config.json", &spec, err) < 0)
		return -1;
	int r = cinch_mounts_check_config(spec, false, err);
	cinch_spec_free(spec);
	return r < 0 ? cinch_error_prefix(err, "config.json") : 0;
}

START_TEST(golden_bad)
{
	struct dirent **names;
	int n = scandir(CINCH_TEST_DATA "/spec/bad", &names, json_only, by_name);
	ck_assert_int_gt(n, 0);
	struct cinch_buf failures = {0};
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len, elen;
		_cleanup_free_ char *text = read_data("spec/bad", name, &len);
		_cleanup_free_ char *errname = NULL;
		xasprintf(&errname, "%.*s.err", (int)(strlen(name) - 5), name);
		_cleanup_free_ char *expected = read_data("spec/bad", errname, &elen);
		while (elen > 0 && expected[elen - 1] == '\n')
			expected[--elen] = '\0';

		struct cinch_error *err = NULL;
		if (parse_and_check_mounts(text, len, &err) == 0) {
			cinch_buf_printf(&failures, "\n  %s: accepted", name);
		} else {
			if (strcmp(err->msg, expected) != 0)
				cinch_buf_printf(&failures, "\n  %s:\n    expected: %s\n    got:      %s", name, expected,
						 err->msg);
			cinch_error_free(err);
		}
		free(names[i]);
	}
	free(names);
	if (failures.len)
		ck_abort_msg("bad configs not refused as expected:%s", failures.data);
	cinch_buf_free(&failures);
}
END_TEST

static struct cinch_spec *parse_ok(const char *dir, const char *name)
{
	size_t len;
	_cleanup_free_ char *text = read_data(dir, name, &len);
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	if (cinch_spec_parse(text, len, "config.json", &spec, &err) < 0)
		ck_abort_msg("%s: %s", name, err->msg);
	return spec;
}

START_TEST(full_config_typed)
{
	_cleanup_spec_ struct cinch_spec *s = parse_ok("spec/good", "full.json");
	ck_assert_str_eq(s->oci_version, "1.2.0");
	ck_assert(s->has_root);
	ck_assert_str_eq(s->root.path, "rootfs");
	ck_assert(s->root.readonly);
	ck_assert(s->process.terminal);
	ck_assert(s->process.has_console_size);
	ck_assert_uint_eq(s->process.console_height, 24);
	ck_assert_uint_eq(s->process.console_width, 80);
	ck_assert_uint_eq(s->process.user.uid, 1000);
	ck_assert_uint_eq(s->process.user.gid, 1000);
	ck_assert_uint_eq(s->process.user.n_additional_gids, 2);
	ck_assert_uint_eq(s->process.user.additional_gids[1], 2147483647u);
	ck_assert(s->process.user.umask.set);
	ck_assert_uint_eq(s->process.user.umask.value, 022);
	ck_assert_uint_eq(s->process.args.n, 2);
	ck_assert_str_eq(s->process.args.items[0], "sh");
	ck_assert_ptr_null(s->process.args.items[2]);
	ck_assert(s->process.has_capabilities);
	ck_assert(s->process.capabilities.bounding.set);
	ck_assert_uint_eq(s->process.capabilities.bounding.mask, (1u << 0) | (1u << 10));
	ck_assert(!s->process.capabilities.ambient.set);
	ck_assert_uint_eq(s->process.rlimits.n, 1);
	ck_assert_int_eq(s->process.rlimits.items[0].resource, 7); /* RLIMIT_NOFILE */
	ck_assert_uint_eq(s->process.rlimits.items[0].hard, 1024);
	ck_assert(s->process.no_new_privileges);
	ck_assert(s->process.oom_score_adj.set);
	ck_assert_int_eq(s->process.oom_score_adj.value, -500);
	ck_assert(s->process.io_priority.set);
	ck_assert_int_eq(s->process.io_priority.klass, 2);
	ck_assert(s->process.scheduler.set);
	ck_assert_int_eq(s->process.scheduler.policy, 3); /* SCHED_BATCH */
	ck_assert_uint_eq(s->process.scheduler.flag_bits, 0x01 | 0x10); /* RESET_ON_FORK, KEEP_PARAMS */
	ck_assert_str_eq(s->process.exec_cpu_affinity.initial, "0");
	ck_assert_str_eq(s->process.exec_cpu_affinity.final, "0-1");
	ck_assert_str_eq(s->hostname, "box");
	ck_assert_str_eq(s->domainname, "example.org");
	ck_assert_uint_eq(s->mounts.n, 2);
	ck_assert_str_eq(s->mounts.items[1].destination, "/data");
	ck_assert_uint_eq(s->mounts.items[1].options.n, 3);
	ck_assert_uint_eq(s->hooks.prestart.n, 1);
	ck_assert(s->hooks.prestart.items[0].timeout.set);
	ck_assert_int_eq(s->hooks.prestart.items[0].timeout.value, 5);
	ck_assert_uint_eq(s->hooks.poststop.n, 1);
	ck_assert_uint_eq(s->annotations.n, 1);
	ck_assert_str_eq(s->annotations.items[0].key, "org.example.key");
	ck_assert_uint_eq(s->linux_.namespaces.n, 7);
	ck_assert_int_eq(s->linux_.namespaces.items[5].type, CINCH_NS_USER);
	ck_assert_int_eq(s->linux_.namespaces.items[6].type, CINCH_NS_TIME);
	ck_assert_uint_eq(s->linux_.uid_mappings.n, 1);
	ck_assert_uint_eq(s->linux_.uid_mappings.items[0].host_id, 100000);
	ck_assert(s->linux_.time_offsets.monotonic.set);
	ck_assert_int_eq(s->linux_.time_offsets.monotonic.secs, 3600);
	ck_assert(s->linux_.time_offsets.boottime.set);
	ck_assert_int_eq(s->linux_.time_offsets.boottime.secs, -60);
	ck_assert_uint_eq(s->linux_.time_offsets.boottime.nanosecs, 5);
	ck_assert(s->linux_.memory_policy.set);
	ck_assert_int_eq(s->linux_.memory_policy.mode, 2); /* MPOL_BIND */
	ck_assert_str_eq(s->linux_.memory_policy.nodes, "0-1,3");
	ck_assert_uint_eq(s->linux_.memory_policy.flag_bits, 1u << 15); /* MPOL_F_STATIC_NODES */
	ck_assert_int_eq(cinch_mount_idmap_asked(&s->mounts.items[1]), CINCH_MOUNT_IDMAP); /* maps, no option: 1.1 */
	ck_assert_int_eq(cinch_mount_idmap_asked(&s->mounts.items[0]), CINCH_MOUNT_NO_IDMAP);
	ck_assert_uint_eq(s->linux_.devices.n, 1);
	ck_assert_int_eq(s->linux_.devices.items[0].type, 'c');
	ck_assert_str_eq(s->linux_.cgroups_path, "/cinch/test");
	ck_assert(s->linux_.has_resources);
	ck_assert(s->linux_.resources.has_memory);
	ck_assert_int_eq(s->linux_.resources.memory.limit.value, 268435456);
	ck_assert(s->linux_.resources.pids_limit.set);
	ck_assert_int_eq(s->linux_.resources.pids_limit.value, 100);
	ck_assert(s->linux_.resources.has_cpu);
	ck_assert_str_eq(s->linux_.resources.cpu.cpus, "0-1");
	ck_assert_uint_eq(s->linux_.resources.devices.n, 2);
	ck_assert(!s->linux_.resources.devices.items[0].major.set);
	ck_assert_int_eq(s->linux_.resources.devices.items[0].type, 'a');
	ck_assert_uint_eq(s->linux_.resources.unified.n, 1);
	ck_assert_uint_eq(s->linux_.sysctl.n, 1);
	ck_assert(s->linux_.has_seccomp);
	ck_assert_str_eq(s->linux_.seccomp.default_action, "SCMP_ACT_ERRNO");
	ck_assert_uint_eq(s->linux_.seccomp.syscalls.n, 2);
	ck_assert_uint_eq(s->linux_.seccomp.syscalls.items[1].args.n, 1);
	ck_assert_str_eq(s->linux_.seccomp.syscalls.items[1].args.items[0].op, "SCMP_CMP_MASKED_EQ");
	ck_assert_str_eq(s->linux_.rootfs_propagation, "rprivate");
	ck_assert_uint_eq(s->linux_.masked_paths.n, 2);
	ck_assert_uint_eq(s->linux_.readonly_paths.n, 1);
	ck_assert(s->linux_.personality.set);
	ck_assert_str_eq(s->linux_.personality.domain, "LINUX");
}
END_TEST

/* Fields cinch reads but cannot honour are reported, never dropped. */
START_TEST(unsupported_fields_become_notes)
{
	_cleanup_spec_ struct cinch_spec *s = parse_ok("spec/good", "unsupported.json");
	ck_assert_uint_eq(s->notes.n, 1);
	ck_assert_str_eq(s->notes.items[0], "linux.resources.rdma: rdma limits are not supported by cinch; ignored");

	struct cinch_host_features none = {false, false};
	cinch_spec_check_host(s, &none);
	ck_assert_uint_eq(s->notes.n, 2);
	ck_assert_str_eq(s->notes.items[1], "process.apparmorProfile: AppArmor is not enabled on this host");
}
END_TEST

/* The runtime-spec: an unknown capability is a warning, and not granted. */
START_TEST(unknown_capability_is_a_note_and_not_granted)
{
	_cleanup_spec_ struct cinch_spec *s = parse_ok("spec/good", "caps-unknown.json");
	ck_assert_uint_eq(s->notes.n, 1);
	ck_assert_str_eq(s->notes.items[0],
			 "process.capabilities.effective[1]: unknown capability \"CAP_SYS_ADMN\": not granted");
	ck_assert(s->process.capabilities.effective.set);
	ck_assert_uint_eq(s->process.capabilities.effective.mask, UINT64_C(1) << 0); /* CAP_CHOWN */
}
END_TEST

START_TEST(size_cap)
{
	size_t len = CINCH_SPEC_MAX_SIZE + 1;
	char *text = xmalloc(len);
	memset(text, ' ', len);
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	ck_assert_int_lt(cinch_spec_parse(text, len, "config.json", &spec, &err), 0);
	ck_assert_str_eq(err->msg, "config.json: file is larger than the limit of 4194304 bytes");
	cinch_error_free(err);
	free(text);
}
END_TEST

START_TEST(size_cap_on_file)
{
	char path[] = "/tmp/cinch-unit-big.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, CINCH_SPEC_MAX_SIZE + 1), 0);
	close(fd);
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	int r = cinch_spec_load(path, &spec, &err);
	unlink(path);
	ck_assert_int_lt(r, 0);
	ck_assert_ptr_nonnull(strstr(err->msg, ": file is larger than the limit of 4194304 bytes"));
	cinch_error_free(err);
}
END_TEST

START_TEST(embedded_nul_byte)
{
	static const char text[] = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\0oot\"}}";
	struct cinch_spec *spec = NULL;
	struct cinch_error *err = NULL;
	ck_assert_int_lt(cinch_spec_parse(text, sizeof(text) - 1, "config.json", &spec, &err), 0);
	ck_assert_str_eq(err->msg, "config.json: NUL byte at offset 39");
	cinch_error_free(err);
}
END_TEST

/* Docker sends linux.resources.blockIO.weight 0 for every container run
 * without --blkio-weight; runc reads a weight of 0 as "not set".  Any other
 * value under 10 is still refused (bad/blkio-weight-too-low.json). */
START_TEST(blkio_weight_zero_is_unset)
{
	static const char text[] = "{\"ociVersion\":\"1.0.2-dev\",\"root\":{\"path\":\"rootfs\"},"
				   "\"linux\":{\"resources\":{\"blockIO\":{\"weight\":0,\"leafWeight\":0,"
				   "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":0,\"leafWeight\":500}]}}}}";
	_cleanup_spec_ struct cinch_spec *s = NULL;
	struct cinch_error *err = NULL;
	if (cinch_spec_parse(text, sizeof(text) - 1, "config.json", &s, &err) < 0)
		ck_abort_msg("%s", err->msg);
	const struct cinch_spec_blkio *b = &s->linux_.resources.block_io;
	ck_assert(s->linux_.resources.has_block_io);
	ck_assert(!b->weight.set);
	ck_assert(!b->leaf_weight.set);
	ck_assert_uint_eq(b->weight_device.n, 1);
	ck_assert(!b->weight_device.items[0].weight.set);
	ck_assert(b->weight_device.items[0].leaf_weight.set);
	ck_assert_uint_eq(b->weight_device.items[0].leaf_weight.value, 500);

	static const char one[] = "{\"ociVersion\":\"1.0.2-dev\",\"root\":{\"path\":\"rootfs\"},"
				  "\"linux\":{\"resources\":{\"blockIO\":{\"weight\":1}}}}";
	struct cinch_spec *bad = NULL;
	ck_assert_int_lt(cinch_spec_parse(one, sizeof(one) - 1, "config.json", &bad, &err), 0);
	ck_assert_str_eq(err->msg, "config.json: linux.resources.blockIO.weight: 1 is out of range 10..1000");
	cinch_error_free(err);
}
END_TEST

START_TEST(default_spec_is_valid_and_hardened)
{
	_cleanup_free_ char *text = cinch_spec_default_json();
	_cleanup_spec_ struct cinch_spec *s = NULL;
	struct cinch_error *err = NULL;
	if (cinch_spec_parse(text, strlen(text), "default", &s, &err) < 0)
		ck_abort_msg("%s", err->msg);
	ck_assert_uint_ne(s->process.user.uid, 0);
	ck_assert_uint_ne(s->process.user.gid, 0);
	ck_assert(s->process.no_new_privileges);
	ck_assert(s->root.readonly);
	ck_assert(s->process.has_capabilities);
	ck_assert_uint_eq(s->process.capabilities.bounding.mask | s->process.capabilities.effective.mask |
				  s->process.capabilities.permitted.mask | s->process.capabilities.inheritable.mask |
				  s->process.capabilities.ambient.mask,
			  0);
	ck_assert(s->linux_.resources.memory.limit.set);
	ck_assert(s->linux_.resources.pids_limit.set);
	ck_assert(s->linux_.resources.cpu.quota.set);
	ck_assert_uint_gt(s->linux_.masked_paths.n, 0);
	for (size_t i = 0; i < s->mounts.n; i++) {
		bool nosuid = false;
		for (size_t j = 0; j < s->mounts.items[i].options.n; j++)
			nosuid |= strcmp(s->mounts.items[i].options.items[j], "nosuid") == 0;
		ck_assert_msg(nosuid, "%s lacks nosuid", s->mounts.items[i].destination);
	}
	ck_assert_uint_eq(s->notes.n, 0);
}
END_TEST

START_TEST(id_lists)
{
	unsigned long bits[1024 / (sizeof(unsigned long) * 8)];
	ck_assert_int_eq(cinch_parse_id_list("0-3,7", bits, 1024), 0);
	ck_assert_uint_eq(bits[0], 0x8f);
	ck_assert_int_eq(cinch_parse_id_list("1023", bits, 1024), 0);
	ck_assert_uint_eq(bits[1023 / (sizeof(unsigned long) * 8)], 1ul << (sizeof(unsigned long) * 8 - 1));
	static const char *const bad[] = {"", "1024", "1-0", "0,", ",0", "0--1", "a", "-1", "0 ", "0-1024", "1,,2"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(cinch_parse_id_list(bad[i], bits, 1024) < 0, "\"%s\" accepted", bad[i]);
}
END_TEST

static json_t *features(void)
{
	_cleanup_free_ char *text = cinch_features_json();
	json_t *f = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(f);
	return f;
}

static bool listed(json_t *array, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(array, i, v) if (strcmp(json_string_value(v), name) == 0) return true;
	return false;
}

/* 0: recognized (a flag or one of the spec's), 1: passed on as data, -1: refused. */
static int mount_option(const char *name)
{
	struct cinch_strv v = {0};
	cinch_strv_append(&v, name);
	struct cinch_mount_opts o;
	struct cinch_error *err = NULL;
	int r = cinch_mount_opts_parse(&v, &o, &err);
	if (r == 0)
		r = o.data ? 1 : 0;
	cinch_mount_opts_clear(&o);
	cinch_error_free(err);
	free_strv(v.items);
	return r;
}

/* features advertises exactly what the reader and the mount code take:
 * every mount option it lists is recognized, and every option the spec
 * defines (features.md's list, with runc's) that it does not list is
 * refused, not passed on as filesystem data and dropped. */
START_TEST(features_mount_options_are_what_cinch_takes)
{
	json_t *f = features();
	json_t *opts = json_object_get(f, "mountOptions");
	ck_assert(json_is_array(opts));
	size_t i;
	json_t *v;
	json_array_foreach(opts, i, v)
	{
		ck_assert_msg(mount_option(json_string_value(v)) == 0, "features lists \"%s\", which is not recognized",
			      json_string_value(v));
		if (i > 0)
			ck_assert_msg(strcmp(json_string_value(json_array_get(opts, i - 1)), json_string_value(v)) < 0,
				      "mountOptions not sorted at \"%s\"", json_string_value(v));
	}
	static const char *const spec_options[] = {
		"async",	 "atime",	 "bind",	   "defaults",	   "dev",	  "diratime",	  "dirsync",
		"exec",		 "idmap",	 "iversion",	   "lazytime",	   "loud",	  "mand",	  "noatime",
		"nodev",	 "nodiratime",	 "noexec",	   "noiversion",   "nolazytime",  "nomand",	  "norelatime",
		"nostrictatime", "nosuid",	 "nosymfollow",	   "private",	   "ratime",	  "rbind",	  "rdev",
		"rdiratime",	 "relatime",	 "remount",	   "rexec",	   "ridmap",	  "rnoatime",	  "rnodev",
		"rnodiratime",	 "rnoexec",	 "rnorelatime",	   "rnostrictatime", "rnosuid",	  "rnosymfollow", "ro",
		"rprivate",	 "rrelatime",	 "rro",		   "rrw",	   "rshared",	  "rslave",	  "rstrictatime",
		"rsuid",	 "rsymfollow",	 "runbindable",	   "rw",	   "shared",	  "silent",	  "slave",
		"strictatime",	 "suid",	 "symfollow",	   "sync",	   "tmpcopyup",	  "unbindable",
	};
	for (size_t k = 0; k < ARRAY_SIZE(spec_options); k++) {
		bool in = listed(opts, spec_options[k]);
		int r = mount_option(spec_options[k]);
		ck_assert_msg(in ? r == 0 : r < 0, "\"%s\": %s by features, %s by the parser", spec_options[k],
			      in ? "listed" : "not listed", r == 0 ? "recognized" : r > 0 ? "passed on as data" : "refused");
	}
	json_decref(f);
}
END_TEST

/* Every namespace type the reader knows is listed, time included (create
 * makes one: init.c), and nothing else; memory policy modes and flags
 * likewise; idmapped mounts and the refused fields as they are. */
START_TEST(features_linux_is_what_cinch_takes)
{
	json_t *f = features();
	json_t *linux_ = json_object_get(f, "linux");
	json_t *ns = json_object_get(linux_, "namespaces");
	ck_assert_uint_eq(json_array_size(ns), CINCH_NS_COUNT);
	for (int t = 0; t < CINCH_NS_COUNT; t++)
		ck_assert_msg(listed(ns, cinch_ns_type_name(t)), "namespace %s not listed", cinch_ns_type_name(t));
	json_t *mp = json_object_get(linux_, "memoryPolicy");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(mp, "modes"), i, v)
	{
		_cleanup_free_ char *cfg = NULL;
		const char *mode = json_string_value(v);
		bool nodes = strcmp(mode, "MPOL_DEFAULT") != 0 && strcmp(mode, "MPOL_LOCAL") != 0;
		xasprintf(&cfg,
			  "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"memoryPolicy\": "
			  "{\"mode\": \"%s\"%s, \"flags\": [\"%s\"]}}}",
			  mode, nodes ? ", \"nodes\": \"0\"" : "",
			  strcmp(mode, "MPOL_BIND") == 0 ? "MPOL_F_NUMA_BALANCING" : "MPOL_F_STATIC_NODES");
		struct cinch_spec *s = NULL;
		struct cinch_error *err = NULL;
		int r = cinch_spec_parse(cfg, strlen(cfg), "config.json", &s, &err);
		ck_assert_msg(r == 0, "%s: %s", mode, err ? err->msg : "");
		cinch_spec_free(s);
	}
	ck_assert_uint_eq(json_array_size(json_object_get(mp, "modes")), 7);
	ck_assert_uint_eq(json_array_size(json_object_get(mp, "flags")), 3);
	ck_assert(json_is_true(json_object_get(json_object_get(json_object_get(linux_, "mountExtensions"), "idmap"),
					       "enabled")));
	ck_assert(json_is_false(json_object_get(json_object_get(linux_, "intelRdt"), "enabled")));
	ck_assert(json_is_false(json_object_get(json_object_get(linux_, "netDevices"), "enabled")));
	ck_assert_str_eq(json_string_value(json_object_get(f, "ociVersionMax")), CINCH_OCI_VERSION_MAX);
	json_t *unsafe = json_object_get(f, "potentiallyUnsafeConfigAnnotations");
	ck_assert_uint_eq(json_array_size(unsafe), 2);
	json_decref(f);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("reader");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, golden_good);
	tcase_add_test(tc, golden_bad);
	tcase_add_test(tc, full_config_typed);
	tcase_add_test(tc, unsupported_fields_become_notes);
	tcase_add_test(tc, unknown_capability_is_a_note_and_not_granted);
	tcase_add_test(tc, size_cap);
	tcase_add_test(tc, size_cap_on_file);
	tcase_add_test(tc, embedded_nul_byte);
	tcase_add_test(tc, default_spec_is_valid_and_hardened);
	tcase_add_test(tc, blkio_weight_zero_is_unset);
	tcase_add_test(tc, id_lists);
	tcase_add_test(tc, features_mount_options_are_what_cinch_takes);
	tcase_add_test(tc, features_linux_is_what_cinch_takes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
