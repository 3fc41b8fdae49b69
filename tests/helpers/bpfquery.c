/* bpfquery: what the device-rule tests ask the kernel about BPF programs,
 * with the raw bpf(2) syscall (no bpftool on the test hosts).
 *
 *   bpfquery ids DIR     the ids of the BPF_CGROUP_DEVICE programs attached
 *                        to the cgroup v2 directory DIR itself, one a line
 *   bpfquery name ID     the name of the program with that id
 *   bpfquery alive ID    exit 0 while the program with that id exists, 1
 *                        once the kernel has freed it
 *
 * Exit status 2 on any other failure, with a message on stderr. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static int ids(const char *dir)
{
	uint32_t prog_ids[64];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "bpfquery: %s: open: %s\n", dir, strerror(errno));
		return 2;
	}
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)fd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)prog_ids;
	a.query.prog_cnt = 64;
	int r = sys_bpf(BPF_PROG_QUERY, &a);
	int saved = errno;
	close(fd);
	if (r < 0) {
		fprintf(stderr, "bpfquery: %s: BPF_PROG_QUERY: %s\n", dir, strerror(saved));
		return 2;
	}
	for (uint32_t i = 0; i < a.query.prog_cnt && i < 64; i++)
		printf("%" PRIu32 "\n", prog_ids[i]);
	return 0;
}

static int by_id(const char *arg, int *fd)
{
	char *end = NULL;
	errno = 0;
	unsigned long id = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || id > UINT32_MAX) {
		fprintf(stderr, "bpfquery: \"%s\" is not a program id\n", arg);
		return 2;
	}
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_id = (uint32_t)id;
	*fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT)
		return 1;
	fprintf(stderr, "bpfquery: program %lu: BPF_PROG_GET_FD_BY_ID: %s\n", id, strerror(errno));
	return 2;
}

static int name(const char *arg)
{
	int fd = -1, r = by_id(arg, &fd);
	if (r != 0) {
		if (r == 1)
			fprintf(stderr, "bpfquery: no program %s\n", arg);
		return 2;
	}
	struct bpf_prog_info info;
	memset(&info, 0, sizeof(info));
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a);
	int saved = errno;
	close(fd);
	if (r < 0) {
		fprintf(stderr, "bpfquery: program %s: BPF_OBJ_GET_INFO_BY_FD: %s\n", arg, strerror(saved));
		return 2;
	}
	printf("%.*s\n", (int)sizeof(info.name), info.name);
	return 0;
}

static int alive(const char *arg)
{
	int fd = -1, r = by_id(arg, &fd);
	if (fd >= 0)
		close(fd);
	return r;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "ids") == 0)
		return ids(argv[2]);
	if (argc == 3 && strcmp(argv[1], "name") == 0)
		return name(argv[2]);
	if (argc == 3 && strcmp(argv[1], "alive") == 0)
		return alive(argv[2]);
	fprintf(stderr, "usage: bpfquery ids DIR | name ID | alive ID\n");
	return 2;
}
