/* cinch spec: write the hardened default config.json into a bundle. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cinch/cli.h"
#include "cinch/error.h"
#include "cinch/spec.h"
#include "cinch/util.h"

enum { OPT_BUNDLE = 1, OPT_ROOTLESS };

static const struct cinch_opt opts[] = {
	{"bundle", 'b', true, OPT_BUNDLE},
	{"rootless", 0, false, OPT_ROOTLESS},
	{NULL, 0, false, 0},
};

static int write_new_file(const char *path, const char *text, struct cinch_error **err)
{
	/* O_EXCL: never overwrite a config someone wrote by hand, and never
	 * follow a symlink planted in the bundle. */
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == EEXIST)
		return cinch_error_set(err, 0, "%s: file exists; remove it first", path);
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: create", path);
	if (cinch_write_all(fd, text, strlen(text)) < 0) {
		int e = errno;
		unlink(path);
		return cinch_error_set(err, e, "%s: write", path);
	}
	return 0;
}

static int run(const struct cinch_global *g, int argc, char **argv, struct cinch_error **err)
{
	(void)g;
	const char *bundle = ".";
	struct cinch_optparse p;
	cinch_optparse_init(&p, argc, argv);
	p.idx = 1;
	int id;
	while ((id = cinch_opt_next(&p, opts, "spec", err)) > 0) {
		switch (id) {
		case OPT_BUNDLE:
			bundle = p.arg;
			break;
		case OPT_ROOTLESS:
			break; /* the default is already fit for rootless use */
		case CINCH_OPT_HELP:
			cinch_command_help(&cinch_cmd_spec);
			return 0;
		}
	}
	if (id < 0)
		return -1;
	if (p.idx < argc)
		return cinch_error_set(err, 0, "spec: unexpected argument \"%s\"", argv[p.idx]);

	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/config.json", bundle);
	_cleanup_free_ char *text = cinch_spec_default_json();
	return write_new_file(path, text, err);
}

const struct cinch_command cinch_cmd_spec = {
	.name = "spec",
	.summary = "write a hardened default config.json",
	.usage = "[-b DIR]\n"
		 "\n"
		 "Writes DIR/config.json (default: the current directory) with cinch's\n"
		 "hardened defaults: user 65534:65534, no capabilities, noNewPrivileges,\n"
		 "a read-only root with tmpfs /tmp, masked and read-only kernel paths,\n"
		 "memory, pids and CPU limits, and the shipped seccomp profile.\n"
		 "An existing config.json is never overwritten.\n"
		 "\n"
		 "Options:\n"
		 "  -b, --bundle DIR   bundle directory to write into\n"
		 "      --rootless     accepted for runc compatibility\n"
		 "  -h, --help         show this help\n",
	.run = run,
};
