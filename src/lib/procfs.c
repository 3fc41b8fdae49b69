#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/procfs.h"
#include "cinch/util.h"

#define PROC_ROOT_INO 1

static bool is_procfs(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int cinch_procfs_open(struct cinch_error **err)
{
	_cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cinch_error_set(err, errno, "/proc: open");
	struct stat st;
	if (!is_procfs(fd) || fstat(fd, &st) < 0 || st.st_ino != PROC_ROOT_INO)
		return cinch_error_set(err, 0, "/proc: is not the root of a procfs mount");
	return TAKE_FD(fd);
}

int cinch_procfs_write(int procfd, const char *rel, const char *value, size_t len, const char *what,
		       struct cinch_error **err)
{
	struct open_how how = {
		.flags = O_WRONLY | O_NOCTTY | O_CLOEXEC,
		/* "self" is a plain link inside procfs; magic links (fd/,
		 * exe, root, cwd) lead out of it and are refused. */
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, procfd, rel, &how, sizeof(how));
	if (fd < 0)
		return cinch_error_set(err, errno, "%s: open /proc/%s", what, rel);
	if (!is_procfs(fd))
		return cinch_error_set(err, 0, "%s: /proc/%s is not a procfs file", what, rel);
	if (cinch_write_all(fd, value, len) < 0)
		return cinch_error_set(err, errno, "%s: write /proc/%s", what, rel);
	return 0;
}
