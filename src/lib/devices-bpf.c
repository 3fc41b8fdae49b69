/* devices-bpf: the device rules folded as the v1 devices controller folds
 * them, the BPF_PROG_TYPE_CGROUP_DEVICE program built from the result (both
 * pure), and the bpf(2) calls that load and attach it.  See devices-bpf.h
 * for the semantics. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cinch/devices-bpf.h"
#include "cinch/error.h"
#include "cinch/spec.h"
#include "cinch/util.h"

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)
#define WILD    (-1)

/* ---- folding the rules (pure) ---- */

/* A rule as the fold reads it. */
struct rule {
	bool allow;
	char type; /* 'a', 'b' or 'c' */
	int64_t major, minor;
	unsigned access;
};

static int access_bits(const char *access, size_t index, unsigned *out, struct cinch_error **err)
{
	static const char letters[] = "mrw"; /* letter i is bit i of BPF_DEVCG_ACC_* */
	*out = ACC_ALL;
	if (access == NULL)
		return 0;
	if (access[0] == '\0' || strspn(access, letters) != strlen(access))
		return cinch_error_set(err, 0,
				       "linux.resources.devices[%zu].access: \"%s\" is not a combination of r, w "
				       "and m",
				       index, access);
	*out = 0;
	for (const char *c = access; *c; c++)
		*out |= 1u << (strchr(letters, *c) - letters);
	return 0;
}

static int devnum(const struct cinch_opt_i64 *n, const char *field, size_t index, int64_t *out,
		  struct cinch_error **err)
{
	*out = n->set ? n->value : WILD;
	/* v1 parses the number as a u32 and takes ~0 for "*": refuse it rather
	 * than let a number mean every device. */
	if (*out < WILD || *out >= (int64_t)UINT32_MAX)
		return cinch_error_set(err, 0, "linux.resources.devices[%zu].%s: %" PRId64 " is not a device number",
				       index, field, *out);
	return 0;
}

static int read_rule(const struct cinch_spec_device_rule *r, size_t index, struct rule *out, struct cinch_error **err)
{
	out->allow = r->allow;
	out->type = r->type ? r->type : 'a';
	if (out->type != 'a' && out->type != 'b' && out->type != 'c')
		return cinch_error_set(err, 0, "linux.resources.devices[%zu].type: \"%c\" is not a, b or c", index,
				       out->type);
	if (devnum(&r->major, "major", index, &out->major, err) < 0 ||
	    devnum(&r->minor, "minor", index, &out->minor, err) < 0 ||
	    access_bits(r->access, index, &out->access, err) < 0)
		return -1;
	/* The kernel reads an "a" rule as "every device, every access" whatever
	 * follows; an allow that looks narrower would grant everything. */
	if (out->type == 'a' && out->allow && (out->major != WILD || out->minor != WILD || out->access != ACC_ALL))
		return cinch_error_set(err, 0,
				       "linux.resources.devices[%zu]: an allow rule of type \"a\" allows every "
				       "device; major, minor and access must be wildcards (\"rwm\")",
				       index);
	return 0;
}

static void show(char out[48], char type, int64_t major, int64_t minor, unsigned access)
{
	char ma[16] = "*", mi[16] = "*";
	if (major != WILD)
		snprintf(ma, sizeof(ma), "%" PRId64, major);
	if (minor != WILD)
		snprintf(mi, sizeof(mi), "%" PRId64, minor);
	snprintf(out, 48, "%c %s:%s %s%s%s", type, ma, mi, access & BPF_DEVCG_ACC_READ ? "r" : "",
		 access & BPF_DEVCG_ACC_WRITE ? "w" : "", access & BPF_DEVCG_ACC_MKNOD ? "m" : "");
}

static struct cinch_devices_exception *find(struct cinch_devices_policy *p, char type, int64_t major, int64_t minor)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].type == type && p->items[i].major == major && p->items[i].minor == minor)
			return &p->items[i];
	return NULL;
}

/* dev_exception_add: bits of an equal exception merge. */
static void add(struct cinch_devices_policy *p, const struct rule *r)
{
	struct cinch_devices_exception *e = find(p, r->type, r->major, r->minor);
	if (e) {
		e->access |= r->access;
		return;
	}
	p->items = xrealloc(p->items, (p->n + 1) * sizeof(*p->items));
	p->items[p->n++] = (struct cinch_devices_exception){r->type, r->major, r->minor, r->access};
}

/* dev_exception_rm: only the equal exception loses bits.  A wildcard one
 * holding them would keep granting (or denying) them: refused, as runc
 * does, rather than leave the rule without effect. */
static int take(struct cinch_devices_policy *p, const struct rule *r, size_t index, struct cinch_error **err)
{
	const int64_t wider[3][2] = {{WILD, r->minor}, {r->major, WILD}, {WILD, WILD}};
	for (size_t i = 0; i < ARRAY_SIZE(wider); i++) {
		if (wider[i][0] == r->major && wider[i][1] == r->minor)
			continue;
		const struct cinch_devices_exception *w = find(p, r->type, wider[i][0], wider[i][1]);
		if (w == NULL || (w->access & r->access) == 0)
			continue;
		char mine[48], theirs[48];
		show(mine, r->type, r->major, r->minor, r->access);
		show(theirs, w->type, w->major, w->minor, w->access);
		return cinch_error_set(err, 0,
				       "linux.resources.devices[%zu]: %s \"%s\" cannot take a device out of the "
				       "earlier wildcard %s \"%s\" (the kernel's device list only removes whole "
				       "rules)",
				       index, r->allow ? "allow" : "deny", mine, r->allow ? "deny" : "allow", theirs);
	}
	struct cinch_devices_exception *e = find(p, r->type, r->major, r->minor);
	if (e == NULL)
		return 0;
	e->access &= ~r->access;
	if (e->access == 0)
		*e = p->items[--p->n];
	return 0;
}

static int fold(struct cinch_devices_policy *p, const struct rule *r, size_t index, struct cinch_error **err)
{
	if (r->type == 'a') {
		/* The kernel resets on any "a" rule, whatever its numbers. */
		free(p->items);
		*p = (struct cinch_devices_policy){.default_allow = r->allow};
		return 0;
	}
	/* An exception says the opposite of the default. */
	if (r->allow != p->default_allow) {
		add(p, r);
		return 0;
	}
	return take(p, r, index, err);
}

int cinch_devices_policy_build(const struct cinch_spec_device_rules *rules, struct cinch_devices_policy *out,
			       struct cinch_error **err)
{
	/* Deny-all first, whatever the rules say. */
	struct cinch_devices_policy p = {.default_allow = false};
	for (size_t i = 0; i < rules->n; i++) {
		struct rule r = {0};
		if (read_rule(&rules->items[i], i, &r, err) < 0 || fold(&p, &r, i, err) < 0) {
			cinch_devices_policy_clear(&p);
			return -1;
		}
	}
	*out = p;
	return 0;
}

void cinch_devices_policy_clear(struct cinch_devices_policy *p)
{
	free(p->items);
	*p = (struct cinch_devices_policy){0};
}

static bool matches(const struct cinch_devices_exception *e, char type, uint32_t major, uint32_t minor)
{
	return e->type == type && (e->major == WILD || e->major == major) && (e->minor == WILD || e->minor == minor);
}

bool cinch_devices_policy_allows(const struct cinch_devices_policy *p, char type, uint32_t major, uint32_t minor,
				 unsigned access)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct cinch_devices_exception *e = &p->items[i];
		if (!matches(e, type, major, minor))
			continue;
		/* match_exception: one exception holds every bit asked for. */
		if (!p->default_allow && (access & ~e->access) == 0)
			return true;
		/* match_exception_partial: any bit in common denies. */
		if (p->default_allow && (access & e->access) != 0)
			return false;
	}
	return p->default_allow;
}

/* ---- the program (pure) ---- */

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(d, off)       INSN(BPF_LDX | BPF_MEM | BPF_W, d, 1, (int16_t)(off), 0)
#define MOV_X(d, s)         INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV_K(d, k)         INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, k)
#define AND_K(d, k)         INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, k)
#define RSH_K(d, k)         INSN(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, k)
#define EXIT                INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* A jump to the next exception; its offset is set once the block's length
 * is known. */
#define SKIP(op, d, k) INSN(op | BPF_K, d, 0, INT16_MAX, k)

static void emit(struct cinch_devices_prog *p, struct bpf_insn i)
{
	p->insns = xrealloc(p->insns, (p->n + 1) * sizeof(*p->insns));
	p->insns[p->n++] = i;
}

/* Returns !default when the device is e's and the access is e's as
 * cinch_devices_policy_allows reads it; falls through otherwise.
 *
 * Each block reads what it compares from the context (r1, never written)
 * into r2-r5 afresh.  So these registers are dead where the blocks meet,
 * and every path that reaches the next block is the same state to the
 * verifier, which checks it once: checking stays linear in the number of
 * exceptions.  (With values kept from a shared prologue the paths differ in
 * what each branch taught the verifier, and some 700 exceptions exceed its
 * budget of a million instructions: E2BIG.  What bounds a list now is the
 * verifier's 8192 pending branches, about 2,700 exceptions that name a
 * major and a minor.) */
static void emit_exception(struct cinch_devices_prog *p, const struct cinch_devices_exception *e, bool default_allow)
{
	size_t start = p->n;
	emit(p, LDX_W(2, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
	emit(p, MOV_X(3, 2));
	emit(p, AND_K(2, 0xffff)); /* the device type */
	emit(p, SKIP(BPF_JMP | BPF_JNE, 2, e->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
	emit(p, RSH_K(3, 16)); /* the access bits */
	if (default_allow) {
		emit(p, AND_K(3, (int32_t)e->access));
		emit(p, SKIP(BPF_JMP | BPF_JEQ, 3, 0)); /* no bit in common */
	} else {
		emit(p, AND_K(3, ~(int32_t)e->access));
		emit(p, SKIP(BPF_JMP | BPF_JNE, 3, 0)); /* a bit e does not hold */
	}
	/* 32-bit compares: the numbers are u32, an immediate is s32. */
	if (e->major != WILD) {
		emit(p, LDX_W(4, offsetof(struct bpf_cgroup_dev_ctx, major)));
		emit(p, SKIP(BPF_JMP32 | BPF_JNE, 4, (int32_t)(uint32_t)e->major));
	}
	if (e->minor != WILD) {
		emit(p, LDX_W(5, offsetof(struct bpf_cgroup_dev_ctx, minor)));
		emit(p, SKIP(BPF_JMP32 | BPF_JNE, 5, (int32_t)(uint32_t)e->minor));
	}
	emit(p, MOV_K(0, default_allow ? 0 : 1));
	emit(p, EXIT);
	for (size_t i = start; i < p->n; i++)
		if (p->insns[i].off == INT16_MAX)
			p->insns[i].off = (int16_t)(p->n - i - 1);
}

void cinch_devices_prog_build(const struct cinch_devices_policy *pol, struct cinch_devices_prog *out)
{
	*out = (struct cinch_devices_prog){0};
	for (size_t i = 0; i < pol->n; i++)
		emit_exception(out, &pol->items[i], pol->default_allow);
	emit(out, MOV_K(0, pol->default_allow ? 1 : 0));
	emit(out, EXIT);
}

void cinch_devices_prog_clear(struct cinch_devices_prog *prog)
{
	free(prog->insns);
	*prog = (struct cinch_devices_prog){0};
}

/* ---- loading and attaching ---- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The line of the verifier's log that says what it refused: the last one
 * before the "processed N insns" summary. */
static void refusal(const char *log, char *out, size_t size)
{
	snprintf(out, size, "no verifier log");
	for (const char *l = log; *l;) {
		size_t len = strcspn(l, "\n");
		if (len > 0 && strncmp(l, "processed ", 10) != 0)
			snprintf(out, size, "%.*s", (int)len, l);
		l += len + (l[len] == '\n');
	}
}

/* Returns the program's fd; bpf(2) makes every fd it returns close-on-exec. */
static int load(const char *dir, const struct cinch_devices_prog *prog, struct cinch_error **err)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)prog->insns;
	a.insn_cnt = (uint32_t)prog->n;
	/* Device programs call no GPL-only helper. */
	a.license = (uint64_t)(uintptr_t) "Apache";
	snprintf(a.prog_name, sizeof(a.prog_name), "cinch_devices");
	int fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	int saved = errno;
	/* Without the privilege to load, the verifier has nothing to say. */
	if (saved == EPERM)
		return cinch_error_set(err, saved, "%s: load the device program (bpf BPF_PROG_LOAD)", dir);
	/* Refused by the verifier (EINVAL, EACCES; E2BIG or EFAULT for a
	 * program too long for it: a few thousand exceptions): again with its
	 * log, which costs time only on this path, to say why.  Kernels since
	 * 6.4 keep the end of a log that does not fit, where the reason is. */
	const size_t log_size = 256 << 10;
	_cleanup_free_ char *log = xzalloc(log_size);
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = (uint32_t)log_size;
	a.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	char why[256];
	refusal(log, why, sizeof(why));
	return cinch_error_set(err, saved, "%s: the kernel refused the device program: %s", dir, why);
}

int cinch_devices_bpf_attach(const char *dir, const struct cinch_devices_prog *prog, struct cinch_error **err)
{
	_cleanup_close_ int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return cinch_error_set(err, errno, "%s: open", dir);
	_cleanup_close_ int fd = load(dir, prog, err);
	if (fd < 0)
		return -1;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	/* Added to what systemd or a parent attached, which still applies;
	 * every program must allow. */
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return cinch_error_set(err, errno, "%s: attach the device program (bpf BPF_PROG_ATTACH)", dir);
	/* The cgroup holds the program now; closing our fd does not free it. */
	return 0;
}

int cinch_devices_bpf_apply(const char *dir, const struct cinch_spec_device_rules *rules, struct cinch_error **err)
{
	struct cinch_devices_policy pol = {0};
	if (cinch_devices_policy_build(rules, &pol, err) < 0)
		return -1;
	struct cinch_devices_prog prog = {0};
	cinch_devices_prog_build(&pol, &prog);
	int r = cinch_devices_bpf_attach(dir, &prog, err);
	cinch_devices_prog_clear(&prog);
	cinch_devices_policy_clear(&pol);
	return r;
}
