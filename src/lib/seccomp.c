#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/seccomp.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "seccomp-internal.h"


#define ARG_MAX_INDEX 5 /* seccomp_data.args[6] */

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_scmp_ __attribute__((cleanup(ctx_releasep)))

static void add_note(struct cinch_strv *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct cinch_strv *notes, const char *fmt, ...)
{
	if (notes == NULL)
		return;
	_cleanup_free_ char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	notes->items = xrealloc(notes->items, (notes->n + 2) * sizeof(char *));
	notes->items[notes->n++] = steal_pointer(&s);
	notes->items[notes->n] = NULL;
}

/* ---- names -> libseccomp ---- */

enum act_kind { ACT_PLAIN, ACT_ERRNO, ACT_TRACE, ACT_NOTIFY };
static const struct {
	const char *name;
	uint32_t action;
	enum act_kind kind;
} actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, ACT_PLAIN},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, ACT_PLAIN},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, ACT_PLAIN},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, ACT_PLAIN},
    {"SCMP_ACT_ERRNO", 0, ACT_ERRNO},
    {"SCMP_ACT_TRACE", 0, ACT_TRACE},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, ACT_PLAIN},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, ACT_PLAIN},
    {"SCMP_ACT_NOTIFY", 0, ACT_NOTIFY},
};

/* `where` names the action field, `errno_where` the errno field beside it. */
static int map_action(const char *name, const struct cinch_opt_u64 *errno_ret, const char *where,
                      const char *errno_where, uint32_t *out, struct cinch_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, name) != 0)
			continue;
		switch (actions[i].kind) {
		case ACT_NOTIFY:
			return cinch_error_set(err, 0, "%s: SCMP_ACT_NOTIFY is not supported by cinch yet", where);
		case ACT_PLAIN:
			/* The spec: "When the action doesn't support an errno,
			 * the runtime MUST print and error and fail." */
			if (errno_ret->set)
				return cinch_error_set(err, 0,
				                       "%s: %s does not return an errno; only SCMP_ACT_ERRNO and "
				                       "SCMP_ACT_TRACE do",
				                       errno_where, name);
			*out = actions[i].action;
			return 0;
		case ACT_ERRNO:
		case ACT_TRACE: {
			uint64_t e = errno_ret->set ? errno_ret->value : EPERM;
			if (e > 4095) /* the reader refuses this already; MAX_ERRNO */
				return cinch_error_set(err, 0, "%s: %" PRIu64 " is out of range (0-4095)", errno_where,
				                       e);
			*out = actions[i].kind == ACT_ERRNO ? SCMP_ACT_ERRNO((uint16_t)e) : SCMP_ACT_TRACE((uint16_t)e);
			return 0;
		}
		}
	}
	return cinch_error_set(err, 0, "%s: unknown action \"%s\"", where, name);
}

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static int map_arg(const struct cinch_spec_seccomp_arg *a, size_t i, size_t k, struct scmp_arg_cmp *out,
                   struct cinch_error **err)
{
	if (a->index > ARG_MAX_INDEX)
		return cinch_error_set(
		    err, 0, "linux.seccomp.syscalls[%zu].args[%zu].index: %" PRIu32 " is out of range (0-%d)", i, k,
		    a->index, ARG_MAX_INDEX);
	for (size_t o = 0; o < ARRAY_SIZE(ops); o++) {
		if (strcmp(ops[o].name, a->op) != 0)
			continue;
		/* OCI and libseccomp agree on the order: for MASKED_EQ the
		 * first datum (value) is the mask, the second (valueTwo) what
		 * the masked argument must equal. */
		*out = (struct scmp_arg_cmp){
		    .arg = a->index, .op = ops[o].op, .datum_a = a->value, .datum_b = a->value_two};
		return 0;
	}
	return cinch_error_set(err, 0, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%s\"", i, k,
	                       a->op);
}

bool cinch_seccomp_x32_runs(void)
{
#if defined(__x86_64__)
	static int runs = -1;
	if (runs < 0) {
		/* Asked by making one x32 call (getpid), but only with no
		 * filter on this process: a filter of the caller's without
		 * x32 could kill it for asking.  Filtered, x32 is assumed. */
		if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
			runs = 1;
		else
			runs = !(syscall(0x40000000 | 39) < 0 && errno == ENOSYS);
	}
	return runs != 0;
#else
	return false;
#endif
}

/* Whether this kernel can make system calls under token: the native
 * architecture and its compat ones; x32 only where the kernel was built
 * with it (Debian's is not).  The kernel never reports another
 * (an x86_64 kernel: x86_64, with x32's bit, or i386), so a section for
 * it would be dead code that the kernel still converts and JIT-compiles
 * at every start: aarch64 and arm made 124 of the default profile's 352
 * instructions on x86_64.  Unknown natives keep every architecture. */
static bool runs_here(uint32_t token)
{
	static const uint32_t families[][4] = {
		{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, 0},
		{SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, 0, 0},
		{SCMP_ARCH_PPC64, SCMP_ARCH_PPC, 0, 0},
		{SCMP_ARCH_S390X, SCMP_ARCH_S390, 0, 0},
		{SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32, 0},
		{SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32, 0},
	};
	uint32_t native = seccomp_arch_native();
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		if (families[f][0] != native)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(families[f]) && families[f][i]; i++)
			if (families[f][i] == token)
				return token != SCMP_ARCH_X32 || cinch_seccomp_x32_runs();
		return false;
	}
	return true;
}

static int add_architectures(scmp_filter_ctx ctx, const struct cinch_strv *archs, struct cinch_strv *notes,
                             struct cinch_error **err)
{
	static const char prefix[] = "SCMP_ARCH_";
	for (size_t i = 0; i < archs->n; i++) {
		const char *name = archs->items[i];
		if (!cinch_str_has_prefix(name, prefix))
			return cinch_error_set(err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
			                       i, name);
		/* libseccomp names architectures by the lowercase suffix:
		 * SCMP_ARCH_X86_64 -> "x86_64". */
		_cleanup_free_ char *lower = xstrdup(name + strlen(prefix));
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		uint32_t token = seccomp_arch_resolve_name(lower);
		if (token == 0) {
			/* Skipping only narrows the filter: system calls made
			 * under an architecture missing from it meet the
			 * bad-architecture action (kill). */
			const struct scmp_version *v = seccomp_version();
			add_note(notes,
			         "linux.seccomp.architectures[%zu]: architecture \"%s\" is unknown to libseccomp "
			         "%u.%u.%u and ignored",
			         i, name, v->major, v->minor, v->micro);
			continue;
		}
		/* One of the other byte order meets the note below. */
		bool same_order = ((token ^ seccomp_arch_native()) & __AUDIT_ARCH_LE) == 0;
		if (same_order && !runs_here(token))
			continue; /* the same filter on this host, only shorter */
		int r = seccomp_arch_add(ctx, token);
		if (r == -EDOM) {
			/* A filter holds architectures of one byte order; one
			 * of the other order cannot run on this kernel anyway. */
			add_note(notes,
			         "linux.seccomp.architectures[%zu]: architecture \"%s\" has another byte order "
			         "than this host and is ignored",
			         i, name);
			continue;
		}
		if (r < 0 && r != -EEXIST) /* the native architecture is there already */
			return cinch_error_set(err, -r, "linux.seccomp.architectures[%zu]: add %s", i, name);
	}
	return 0;
}

static int set_flags(scmp_filter_ctx ctx, const struct cinch_strv *flags, unsigned int *kflags,
                     struct cinch_error **err)
{
	static const struct {
		const char *name;
		enum scmp_filter_attr attr;
		unsigned int kflag;
	} table[] = {
	    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC, SECCOMP_FILTER_FLAG_TSYNC},
	    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG, SECCOMP_FILTER_FLAG_LOG},
	    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB, SECCOMP_FILTER_FLAG_SPEC_ALLOW},
	};
	for (size_t i = 0; i < flags->n; i++) {
		const char *name = flags->items[i];
		if (strcmp(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
			/* The kernel accepts it only together with a
			 * notification listener (SECCOMP_FILTER_FLAG_NEW_LISTENER). */
			return cinch_error_set(err, 0,
			                       "linux.seccomp.flags[%zu]: %s applies only to SCMP_ACT_NOTIFY, which "
			                       "cinch does not support yet",
			                       i, name);
		size_t t = 0;
		while (t < ARRAY_SIZE(table) && strcmp(table[t].name, name) != 0)
			t++;
		if (t == ARRAY_SIZE(table))
			return cinch_error_set(err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, name);
		/* libseccomp checks here that the kernel knows the flag, so an
		 * old kernel is reported at create rather than at load. */
		int r = seccomp_attr_set(ctx, table[t].attr, 1);
		if (r < 0)
			return cinch_error_set(err, -r, "linux.seccomp.flags[%zu]: %s", i, name);
		*kflags |= table[t].kflag;
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct cinch_spec_syscall *sc, size_t i, uint32_t def_action,
                    struct cinch_strv *notes, struct cinch_error **err)
{
	_cleanup_free_ char *where = NULL, *errno_where = NULL;
	xasprintf(&where, "linux.seccomp.syscalls[%zu].action", i);
	xasprintf(&errno_where, "linux.seccomp.syscalls[%zu].errnoRet", i);
	uint32_t action;
	if (map_action(sc->action, &sc->errno_ret, where, errno_where, &action, err) < 0)
		return -1;

	unsigned seen = 0;
	bool repeated = false;
	_cleanup_free_ struct scmp_arg_cmp *all = xcalloc(sc->args.n, sizeof(*all));
	for (size_t k = 0; k < sc->args.n; k++) {
		if (map_arg(&sc->args.items[k], i, k, &all[k], err) < 0)
			return -1;
		if (seen & (1u << all[k].arg))
			repeated = true;
		seen |= 1u << all[k].arg;
	}
	/* libseccomp refuses such a rule (it would add nothing). */
	if (action == def_action)
		return 0;

	for (size_t j = 0; j < sc->names.n; j++) {
		const char *name = sc->names.items[j];
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			add_note(notes, "linux.seccomp.syscalls[%zu].names[%zu]: unknown system call \"%s\" ignored", i,
			         j, name);
			continue;
		}
		/* Not the _exact variant: on a multi-architecture filter a
		 * call missing from one architecture is skipped there. */
		int r = 0;
		if (!repeated) {
			r = seccomp_rule_add_array(ctx, action, nr, (unsigned)sc->args.n, all);
		} else {
			/* libseccomp takes one comparison per argument index in
			 * a rule; with repeats each comparison becomes its own
			 * rule, so the rule matches when any of them does. */
			for (size_t k = 0; k < sc->args.n && r >= 0; k++)
				r = seccomp_rule_add_array(ctx, action, nr, 1, &all[k]);
		}
		if (r < 0)
			return cinch_error_set(err, -r, "linux.seccomp.syscalls[%zu].names[%zu]: add a rule for \"%s\"",
			                       i, j, name);
	}
	return 0;
}

/* Has libseccomp write the BPF program into memory we own, so that loading
 * needs neither libseccomp nor malloc. */
static int export_bpf(scmp_filter_ctx ctx, struct cinch_seccomp *f, struct cinch_error **err)
{
	_cleanup_close_ int fd = memfd_create("cinch-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return cinch_error_set(err, errno, "linux.seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return cinch_error_set(err, -r, "linux.seccomp: generate the BPF program");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return cinch_error_set(err, errno, "linux.seccomp: stat the BPF program");
	size_t size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0)
		return cinch_error_set(err, 0, "linux.seccomp: libseccomp produced a BPF program of %zu bytes", size);
	size_t n = size / sizeof(struct sock_filter);
	if (n > BPF_MAXINSNS)
		return cinch_error_set(err, 0,
		                       "linux.seccomp: the filter has %zu BPF instructions, more than the kernel's "
		                       "limit of %d",
		                       n, BPF_MAXINSNS);
	f->insns = xmalloc(size);
	for (size_t done = 0; done < size;) {
		ssize_t got = pread(fd, (char *)f->insns + done, size - done, (off_t)done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return cinch_error_set(err, got < 0 ? errno : EIO, "linux.seccomp: read the BPF program");
		done += (size_t)got;
	}
	f->len = (unsigned short)n;
	return 0;
}

int cinch_seccomp_compile(const struct cinch_spec_seccomp *s, struct cinch_seccomp **out, struct cinch_strv *notes,
                          struct cinch_error **err)
{
	uint32_t def_action;
	if (map_action(s->default_action, &s->default_errno_ret, "linux.seccomp.defaultAction",
	               "linux.seccomp.defaultErrnoRet", &def_action, err) < 0)
		return -1;

	_cleanup_scmp_ scmp_filter_ctx ctx = seccomp_init(def_action);
	if (ctx == NULL)
		return cinch_error_set(err, 0, "linux.seccomp.defaultAction: libseccomp refused %s", s->default_action);
	/* cinch sets no_new_privs itself, where the policy says; the filter
	 * must not turn it on behind the policy's back. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return cinch_error_set(err, -r, "linux.seccomp: clear SCMP_FLTATR_CTL_NNP");
	/* A binary tree of system call numbers instead of one long chain.
	 * The kernel runs the filter once per system call number and
	 * architecture when it is loaded (to cache the constant answers):
	 * down the chain that was ~0.2 ms of every start for the default
	 * profile.  Calls the cache cannot answer are cheaper too. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		return cinch_error_set(err, -r, "linux.seccomp: set SCMP_FLTATR_CTL_OPTIMIZE");

	_cleanup_seccomp_ struct cinch_seccomp *f = xzalloc(sizeof(*f));
	if (add_architectures(ctx, &s->architectures, notes, err) < 0)
		return -1;
	if (set_flags(ctx, &s->flags, &f->flags, err) < 0)
		return -1;
	for (size_t i = 0; i < s->syscalls.n; i++)
		if (add_rule(ctx, &s->syscalls.items[i], i, def_action, notes, err) < 0)
			return -1;
	if (export_bpf(ctx, f, err) < 0)
		return -1;
	*out = steal_pointer(&f);
	return 0;
}

int cinch_seccomp_load(const struct cinch_seccomp *f, struct cinch_error **err)
{
	struct sock_fprog prog = {.len = f->len, .filter = f->insns};
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
	if (r < 0)
		return cinch_error_set(err, errno, "linux.seccomp: load the filter");
	if (r > 0) /* TSYNC: the id of a thread that could not follow */
		return cinch_error_set(err, 0, "linux.seccomp: load the filter: thread %ld could not be synchronised",
		                       r);
	return 0;
}

unsigned int cinch_seccomp_size(const struct cinch_seccomp *f)
{
	return f->len;
}

void cinch_seccomp_free(struct cinch_seccomp *f)
{
	if (f == NULL)
		return;
	free(f->insns);
	free(f);
}

void cinch_seccomp_freep(struct cinch_seccomp **f)
{
	cinch_seccomp_free(*f);
	*f = NULL;
}
