/* fuzz-mount-opts: libFuzzer harness for the mount options of
 * config.json's mounts[].options, cinch_mount_opts_parse().  The input is
 * split on ',' and NUL into the option list, so that "rbind,ro,nosuid" is
 * three options.  Besides the error contract: a flag is never both set and
 * cleared, propagation is one mode (maybe recursive), and the data string
 * is absent rather than empty. */
#include "config.h"

#include <sys/mount.h>

#define FUZZ_HARNESS "fuzz-mount-opts"
#include "fuzz.h"

#include "cinch/mounts.h"
#include "cinch/util.h"

static void split(const uint8_t *data, size_t size, struct cinch_strv *v)
{
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != ',' && data[i] != '\0')
			continue;
		char *opt = xstrndup((const char *)data + start, i - start);
		cinch_strv_append(v, opt);
		free(opt);
		start = i + 1;
	}
}

static void check_parsed(const struct cinch_mount_opts *o)
{
	/* MS_REC comes from rbind and means "recursive", not a flag to clear. */
	if ((o->flags & o->clear) != 0)
		fuzz_broken("a mount flag is both set and cleared", NULL);
	unsigned long mode = o->propagation & ~(unsigned long)MS_REC;
	if (o->propagation != 0 && mode != MS_SHARED && mode != MS_SLAVE && mode != MS_PRIVATE && mode != MS_UNBINDABLE)
		fuzz_broken("propagation is not one mode", NULL);
	if ((o->rec_set & o->rec_clear) != 0)
		fuzz_broken("a recursive mount attribute is both set and cleared", NULL);
	if (o->rec_clear & (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)) /* rsuid and rdev are refused */
		fuzz_broken("a recursive option cleared nosuid or nodev", NULL);
	if (o->data != NULL && o->data[0] == '\0')
		fuzz_broken("empty filesystem data instead of none", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cinch_strv v = {0};
	split(data, size, &v);
	struct cinch_mount_opts o;
	struct cinch_error *err = NULL;
	int r = cinch_mount_opts_parse(&v, &o, &err);
	fuzz_check(r, true, err, "mount option \"");
	if (r == 0)
		check_parsed(&o);
	cinch_mount_opts_clear(&o);
	free_strv(v.items);
	cinch_error_free(err);
	return 0;
}
