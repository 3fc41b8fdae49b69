#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cinch/error.h"
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

/* Every bad file is refused with exactly the message in its .err twin. */
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

		struct cinch_spec *spec = NULL;
		struct cinch_error *err = NULL;
		if (cinch_spec_parse(text, len, "config.json", &spec, &err) == 0) {
			cinch_buf_printf(&failures, "\n  %s: accepted", name);
			cinch_spec_free(spec);
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
	ck_assert_uint_eq(s->linux_.namespaces.n, 6);
	ck_assert_int_eq(s->linux_.namespaces.items[5].type, CINCH_NS_USER);
	ck_assert_uint_eq(s->linux_.uid_mappings.n, 1);
	ck_assert_uint_eq(s->linux_.uid_mappings.items[0].host_id, 100000);
	ck_assert(s->linux_.time_offsets.monotonic.set);
	ck_assert_int_eq(s->linux_.time_offsets.monotonic.secs, 3600);
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
	ck_assert_uint_eq(s->notes.n, 3);
	ck_assert_str_eq(s->notes.items[0], "linux.resources.rdma: rdma limits are not supported by cinch; ignored");
	ck_assert_str_eq(s->notes.items[1], "linux.intelRdt: Intel RDT is not supported by cinch; ignored");
	ck_assert_str_eq(s->notes.items[2], "linux.netDevices: moving network devices is not supported by cinch; ignored");

	struct cinch_host_features none = {false, false};
	cinch_spec_check_host(s, &none);
	ck_assert_uint_eq(s->notes.n, 4);
	ck_assert_str_eq(s->notes.items[3], "process.apparmorProfile: AppArmor is not enabled on this host");
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

static Suite *make_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("reader");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, golden_good);
	tcase_add_test(tc, golden_bad);
	tcase_add_test(tc, full_config_typed);
	tcase_add_test(tc, unsupported_fields_become_notes);
	tcase_add_test(tc, size_cap);
	tcase_add_test(tc, size_cap_on_file);
	tcase_add_test(tc, embedded_nul_byte);
	tcase_add_test(tc, default_spec_is_valid_and_hardened);
	tcase_add_test(tc, blkio_weight_zero_is_unset);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
