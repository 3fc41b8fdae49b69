/* What idmap reads of the host without root: a mountinfo line, and an
 * overlay's layers and options from its superblock options (idmap.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cinch/error.h"
#include "cinch/idmap.h"
#include "cinch/util.h"
#include "unit.h"

START_TEST(mountinfo_line_with_optional_fields_and_escapes)
{
	struct cinch_mountinfo mi;
	ck_assert_int_eq(
	    cinch_mountinfo_parse("812 29 0:77 / /var/lib/x/a\\040b/merged rw,relatime shared:410 master:1 - "
	                          "overlay overlay rw,lowerdir=/l1:/l2,upperdir=/u/diff,workdir=/u/work\n",
	                          &mi),
	    0);
	ck_assert_int_eq(mi.id, 812);
	ck_assert_int_eq(mi.parent, 29);
	ck_assert_str_eq(mi.root, "/");
	ck_assert_str_eq(mi.target, "/var/lib/x/a b/merged");
	ck_assert_str_eq(mi.fstype, "overlay");
	ck_assert_str_eq(mi.source, "overlay");
	ck_assert_str_eq(mi.options, "rw,lowerdir=/l1:/l2,upperdir=/u/diff,workdir=/u/work");
	cinch_mountinfo_clear(&mi);
	ck_assert_int_eq(cinch_mountinfo_parse("25 1 0:22 / /sys rw - sysfs sysfs rw", &mi), 0);
	ck_assert_str_eq(mi.target, "/sys");
	ck_assert_str_eq(mi.options, "rw");
	cinch_mountinfo_clear(&mi);
}
END_TEST

START_TEST(mountinfo_refuses_what_is_not_a_line)
{
	static const char *const bad[] = {
	    "",
	    "25 1 0:22 / /sys rw sysfs sysfs rw",  /* no separator */
	    "25 1 0:22 / /sys rw - sysfs sysfs",   /* no super options */
	    "x 1 0:22 / /sys rw - sysfs sysfs rw", /* id */
	    "25 1 0:22 / /sys - sysfs sysfs rw",   /* too few fields before the separator */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cinch_mountinfo mi;
		ck_assert_msg(cinch_mountinfo_parse(bad[i], &mi) < 0, "accepted: %s", bad[i]);
	}
}
END_TEST

/* "lower|lower;data|data;upper;work;opt|opt" of an overlay, or the error. */
static char *layers(const char *options)
{
	struct cinch_overlay ov;
	struct cinch_error *err = NULL;
	if (cinch_overlay_parse(options, &ov, &err) < 0) {
		char *msg = xstrdup(err->msg);
		cinch_error_free(err);
		return msg;
	}
	struct cinch_buf b = {0};
	const struct cinch_strv *lists[] = {&ov.lower, &ov.data};
	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->n; i++)
			cinch_buf_printf(&b, "%s%s", i ? "|" : "", lists[l]->items[i]);
		cinch_buf_puts(&b, ";");
	}
	cinch_buf_printf(&b, "%s;%s;", ov.upper ? ov.upper : "-", ov.work ? ov.work : "-");
	for (size_t i = 0; i < ov.options.n; i++)
		cinch_buf_printf(&b, "%s%s", i ? "|" : "", ov.options.items[i]);
	cinch_overlay_clear(&ov);
	return cinch_buf_steal(&b);
}

START_TEST(overlay_layers_as_the_kernel_shows_them)
{
	static const struct {
		const char *options, *want;
	} cases[] = {
	    /* containerd's overlayfs snapshotter */
	    {"rw,lowerdir=/s/2/fs:/s/1/fs,upperdir=/s/3/fs,workdir=/s/3/work,uuid=on",
	     "/s/2/fs|/s/1/fs;;/s/3/fs;/s/3/work;rw|uuid=on"},
	    /* octal escapes (mountinfo), then overlayfs's own backslashes */
	    {"rw,lowerdir=/a\\134\\054b\\040c:/x\\134:y,upperdir=/u/d\\134\\134,workdir=/u/w",
	     "/a,b c|/x:y;;/u/d\\;/u/w;rw"},
	    /* data-only layers after "::" */
	    {"ro,lowerdir=/l1:/l2::/d1:/d2,redirect_dir=follow,metacopy=on",
	     "/l1|/l2;/d1|/d2;-;-;ro|redirect_dir=follow|metacopy=on"},
	    /* one layer each, as a mount made with lowerdir+ shows them (no
	     * backslash escapes there) */
	    {"rw,lowerdir+=/l\\134x,lowerdir+=/l2,datadir+=/d,upperdir=/u/diff,workdir=/u/work,userxattr",
	     "/l\\x|/l2;/d;/u/diff;/u/work;rw|userxattr"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *got = layers(cases[i].options);
		ck_assert_msg(strcmp(got, cases[i].want) == 0, "%s:\n got  %s\n want %s", cases[i].options, got,
		              cases[i].want);
	}
}
END_TEST

START_TEST(overlay_refuses_what_cannot_be_found_again)
{
	static const struct {
		const char *options, *want;
	} cases[] = {
	    /* Docker mounts long layer lists from its storage dir */
	    {"rw,lowerdir=l/ABC:l/DEF,upperdir=/d/x/diff,workdir=/d/x/work",
	     "overlay: lowerdir l/ABC is a relative path (its client mounted it from another directory): "
	     "cannot find it to idmap it"},
	    {"rw,lowerdir=/l,upperdir=x/diff,workdir=/w/work",
	     "overlay: upperdir x/diff is a relative path (its client mounted it from another directory): "
	     "cannot find it to idmap it"},
	    {"rw,upperdir=/u/diff,workdir=/u/work", "overlay: no lowerdir in its options"},
	    {"rw,lowerdir=/l,upperdir=/u/diff", "overlay: an upperdir without a workdir, or the other way round"},
	    {"rw,lowerdir=/a::/b::/c", "overlay: lowerdir \"/a::/b::/c\" has \"::\" twice"},
	    {"rw,lowerdir=/a:", "overlay: lowerdir \"/a:\" has an empty layer"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *got = layers(cases[i].options);
		ck_assert_msg(strcmp(got, cases[i].want) == 0, "%s:\n got  %s\n want %s", cases[i].options, got,
		              cases[i].want);
	}
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("idmap");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, mountinfo_line_with_optional_fields_and_escapes);
	tcase_add_test(tc, mountinfo_refuses_what_is_not_a_line);
	tcase_add_test(tc, overlay_layers_as_the_kernel_shows_them);
	tcase_add_test(tc, overlay_refuses_what_cannot_be_found_again);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
