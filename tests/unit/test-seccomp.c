#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/seccomp.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "unit.h"
#include "../../src/lib/seccomp-internal.h"

/* ---- building a linux.seccomp by hand, as the spec reader would ---- */

static void strv_add(struct cinch_strv *v, const char *s)
{
	v->items = xrealloc(v->items, (v->n + 2) * sizeof(char *));
	v->items[v->n++] = xstrdup(s);
	v->items[v->n] = NULL;
}

static struct cinch_spec_seccomp *new_spec(const char *default_action)
{
	struct cinch_spec_seccomp *s = xzalloc(sizeof(*s));
	s->default_action = xstrdup(default_action);
	return s;
}

/* Appends a rule for the NULL-terminated names.  The pointer is valid
 * until the next add_rule (the array is reallocated). */
static struct cinch_spec_syscall *add_rule(struct cinch_spec_seccomp *s, const char *action, ...)
{
	s->syscalls.items = xrealloc(s->syscalls.items, (s->syscalls.n + 1) * sizeof(*s->syscalls.items));
	struct cinch_spec_syscall *r = &s->syscalls.items[s->syscalls.n++];
	memset(r, 0, sizeof(*r));
	r->action = xstrdup(action);
	va_list ap;
	va_start(ap, action);
	for (const char *n; (n = va_arg(ap, const char *)) != NULL;)
		strv_add(&r->names, n);
	va_end(ap);
	return r;
}

static void add_arg(struct cinch_spec_syscall *r, uint32_t index, const char *op, uint64_t value, uint64_t value_two)
{
	r->args.items = xrealloc(r->args.items, (r->args.n + 1) * sizeof(*r->args.items));
	r->args.items[r->args.n++] =
	    (struct cinch_spec_seccomp_arg){.index = index, .value = value, .value_two = value_two, .op = xstrdup(op)};
}

static void set_errno(struct cinch_opt_u64 *o, uint64_t e)
{
	o->set = true;
	o->value = e;
}

static void free_spec(struct cinch_spec_seccomp *s)
{
	free(s->default_action);
	free_strv(s->architectures.items);
	free_strv(s->flags.items);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->syscalls.n; i++) {
		struct cinch_spec_syscall *r = &s->syscalls.items[i];
		free_strv(r->names.items);
		free(r->action);
		for (size_t k = 0; k < r->args.n; k++)
			free(r->args.items[k].op);
		free(r->args.items);
	}
	free(s->syscalls.items);
	free(s);
}

/* Compiles s, expecting success and no notes. */
static struct cinch_seccomp *compile_ok(struct cinch_spec_seccomp *s)
{
	struct cinch_seccomp *f = NULL;
	struct cinch_error *err = NULL;
	struct cinch_strv notes = {0};
	int r = cinch_seccomp_compile(s, &f, &notes, &err);
	if (r < 0)
		ck_abort_msg("compile failed: %s", err->msg);
	ck_assert_ptr_nonnull(f);
	if (notes.n != 0)
		ck_abort_msg("unexpected note: %s", notes.items[0]);
	free_strv(notes.items);
	free_spec(s);
	return f;
}

/* Compiles s, expecting failure; returns the message (static buffer). */
static const char *compile_refusal(struct cinch_spec_seccomp *s)
{
	static char msg[512];
	struct cinch_seccomp *f = NULL;
	struct cinch_error *err = NULL;
	int r = cinch_seccomp_compile(s, &f, NULL, &err);
	free_spec(s);
	ck_assert_int_lt(r, 0);
	ck_assert_ptr_null(f);
	ck_assert_ptr_nonnull(err);
	snprintf(msg, sizeof(msg), "%s", err->msg);
	cinch_error_free(err);
	return msg;
}

/* ---- running a probe under the filter ---- */

/* exit_group directly: no atexit handlers, no sanitizer exit hooks, which
 * would make system calls the filter may refuse. */
static __attribute__((noreturn)) void die_with(int code)
{
	syscall(SYS_exit_group, code);
	abort();
}

/* errno of a raw system call, 0 when it succeeded. */
static int call_errno(long nr, unsigned long a0, unsigned long a1)
{
	errno = 0;
	return syscall(nr, a0, a1, 0UL, 0UL, 0UL, 0UL) < 0 ? errno : 0;
}

#define LOAD_FAILED 250
#define SIG_BASE    1000

/* Forks a child that sets no_new_privs (so no privilege is needed), loads
 * f and exits with probe(); frees f.  Returns the exit status, or SIG_BASE
 * plus the signal that killed the child. */
static int run_filtered(struct cinch_seccomp *f, int (*probe)(void))
{
	int pfd[2];
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		/* A SIGSYS death must not leave a core file behind. */
		setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
		struct cinch_error *err = NULL;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			die_with(LOAD_FAILED);
		if (cinch_seccomp_load(f, &err) < 0) {
			cinch_write_all(pfd[1], err->msg, strlen(err->msg));
			die_with(LOAD_FAILED);
		}
		die_with(probe());
	}
	close(pfd[1]);
	cinch_seccomp_free(f);
	char msg[512] = {0};
	ssize_t n;
	while ((n = read(pfd[0], msg, sizeof(msg) - 1)) < 0 && errno == EINTR)
		;
	close(pfd[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (n > 0)
		ck_abort_msg("child could not load the filter: %s", msg);
	if (WIFSIGNALED(status))
		return SIG_BASE + WTERMSIG(status);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* ---- actions ---- */

static int probe_getpid(void)
{
	if (call_errno(SYS_getppid, 0, 0) != 0)
		return 200; /* the rule must touch getpid only */
	return call_errno(SYS_getpid, 0, 0);
}

START_TEST(errno_rule_returns_its_errno)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	set_errno(&add_rule(s, "SCMP_ACT_ERRNO", "getpid", NULL)->errno_ret, EUCLEAN);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_getpid), EUCLEAN);
}
END_TEST

START_TEST(errno_rule_defaults_to_eperm)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	add_rule(s, "SCMP_ACT_ERRNO", "getpid", NULL);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_getpid), EPERM);
}
END_TEST

static int probe_allow_list(void)
{
	if (call_errno(SYS_getppid, 0, 0) != 0)
		return 200;
	return call_errno(SYS_getuid, 0, 0);
}

START_TEST(default_errno_with_allow_list)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ERRNO");
	set_errno(&s->default_errno_ret, EUCLEAN);
	add_rule(s, "SCMP_ACT_ALLOW", "exit_group", "exit", "getppid", NULL);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_allow_list), EUCLEAN);
}
END_TEST

START_TEST(default_errno_defaults_to_eperm)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ERRNO");
	add_rule(s, "SCMP_ACT_ALLOW", "exit_group", "exit", "getppid", NULL);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_allow_list), EPERM);
}
END_TEST

START_TEST(rule_with_default_action_is_dropped)
{
	/* libseccomp would refuse it with EACCES. */
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ERRNO");
	set_errno(&s->default_errno_ret, EUCLEAN);
	add_rule(s, "SCMP_ACT_ALLOW", "exit_group", "exit", "getppid", NULL);
	set_errno(&add_rule(s, "SCMP_ACT_ERRNO", "getuid", NULL)->errno_ret, EUCLEAN);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_allow_list), EUCLEAN);
}
END_TEST

static int probe_getppid_only(void)
{
	call_errno(SYS_getppid, 0, 0);
	return 0;
}

START_TEST(kill_kills_with_sigsys)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	add_rule(s, "SCMP_ACT_KILL", "getppid", NULL);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_getppid_only), SIG_BASE + SIGSYS);

	s = new_spec("SCMP_ACT_ALLOW");
	add_rule(s, "SCMP_ACT_KILL_PROCESS", "getppid", NULL);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_getppid_only), SIG_BASE + SIGSYS);

	s = new_spec("SCMP_ACT_ALLOW");
	add_rule(s, "SCMP_ACT_TRAP", "getppid", NULL);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_getppid_only), SIG_BASE + SIGSYS);
}
END_TEST

START_TEST(every_action_compiles)
{
	static const char *const names[] = {"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	                                    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
	                                    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG"};
	for (size_t d = 0; d < ARRAY_SIZE(names); d++) {
		struct cinch_spec_seccomp *s = new_spec(names[d]);
		add_rule(s, "SCMP_ACT_ALLOW", "exit_group", NULL);
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			struct cinch_spec_syscall *r = add_rule(s, names[i], i % 2 ? "getuid" : "getgid", NULL);
			if (strcmp(names[i], "SCMP_ACT_ERRNO") == 0 || strcmp(names[i], "SCMP_ACT_TRACE") == 0)
				set_errno(&r->errno_ret, 0);
			add_arg(r, 0, "SCMP_CMP_EQ", i, 0);
		}
		struct cinch_seccomp *f = compile_ok(s);
		ck_assert_uint_gt(cinch_seccomp_size(f), 0);
		cinch_seccomp_free(f);
	}
}
END_TEST

/* ---- arguments ---- */

static int probe_personality(void)
{
	if (call_errno(SYS_personality, 0, 0) != 0) /* PER_LINUX: the one we have */
		return 200;
	return call_errno(SYS_personality, 0xffffffffUL, 0); /* a query */
}

START_TEST(arg_eq)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	struct cinch_spec_syscall *r = add_rule(s, "SCMP_ACT_ERRNO", "personality", NULL);
	set_errno(&r->errno_ret, EUCLEAN);
	add_arg(r, 0, "SCMP_CMP_EQ", 0xffffffff, 0);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_personality), EUCLEAN);
}
END_TEST

/* Bit i of the result is set when getppid(args[i]) was refused. */
static int refused_mask(const unsigned long (*args)[2], size_t n)
{
	int m = 0;
	for (size_t i = 0; i < n; i++) {
		int e = call_errno(SYS_getppid, args[i][0], args[i][1]);
		if (e == EUCLEAN)
			m |= 1 << i;
		else if (e != 0)
			return 200;
	}
	return m;
}

static int probe_masked(void)
{
	static const unsigned long a[][2] = {{0x1234, 0}, {0x1334, 0}, {0xff1200, 0}, {0, 0}};
	return refused_mask(a, ARRAY_SIZE(a));
}

START_TEST(arg_masked_eq_value_is_the_mask)
{
	/* Refused when (arg0 & 0xff00) == 0x1200.  Were value and valueTwo
	 * swapped, (arg0 & 0x1200) == 0xff00 would never hold. */
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	struct cinch_spec_syscall *r = add_rule(s, "SCMP_ACT_ERRNO", "getppid", NULL);
	set_errno(&r->errno_ret, EUCLEAN);
	add_arg(r, 0, "SCMP_CMP_MASKED_EQ", 0xff00, 0x1200);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_masked), 0x1 | 0x4);
}
END_TEST

static int probe_two_args(void)
{
	static const unsigned long a[][2] = {{1, 2}, {1, 3}, {3, 2}, {2, 1}, {0, 0}};
	return refused_mask(a, ARRAY_SIZE(a));
}

START_TEST(distinct_indexes_all_must_match)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	struct cinch_spec_syscall *r = add_rule(s, "SCMP_ACT_ERRNO", "getppid", NULL);
	set_errno(&r->errno_ret, EUCLEAN);
	add_arg(r, 0, "SCMP_CMP_EQ", 1, 0);
	add_arg(r, 1, "SCMP_CMP_EQ", 2, 0);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_two_args), 0x1);
}
END_TEST

static int probe_one_arg(void)
{
	static const unsigned long a[][2] = {{1, 0}, {2, 0}, {3, 0}, {0, 0}};
	return refused_mask(a, ARRAY_SIZE(a));
}

START_TEST(repeated_index_any_may_match)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	struct cinch_spec_syscall *r = add_rule(s, "SCMP_ACT_ERRNO", "getppid", NULL);
	set_errno(&r->errno_ret, EUCLEAN);
	add_arg(r, 0, "SCMP_CMP_EQ", 1, 0);
	add_arg(r, 0, "SCMP_CMP_EQ", 2, 0);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_one_arg), 0x1 | 0x2);
}
END_TEST

static int probe_ordering(void)
{
	static const unsigned long a[][2] = {{4, 0}, {5, 0}, {6, 0}, {7, 0}};
	return refused_mask(a, ARRAY_SIZE(a));
}

START_TEST(arg_ordering_ops)
{
	static const struct {
		const char *op;
		int refused; /* over arg0 = 4, 5, 6, 7 against 5 */
	} cases[] = {
	    {"SCMP_CMP_NE", 0xd}, {"SCMP_CMP_LT", 0x1}, {"SCMP_CMP_LE", 0x3},
	    {"SCMP_CMP_EQ", 0x2}, {"SCMP_CMP_GE", 0xe}, {"SCMP_CMP_GT", 0xc},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
		struct cinch_spec_syscall *r = add_rule(s, "SCMP_ACT_ERRNO", "getppid", NULL);
		set_errno(&r->errno_ret, EUCLEAN);
		add_arg(r, 0, cases[i].op, 5, 0);
		ck_assert_msg(run_filtered(compile_ok(s), probe_ordering) == cases[i].refused, "%s", cases[i].op);
	}
}
END_TEST

/* ---- names the filter cannot honour ---- */

static int probe_both(void)
{
	int a = call_errno(SYS_getppid, 0, 0), b = call_errno(SYS_getpid, 0, 0);
	return a == EUCLEAN && b == EUCLEAN ? 0 : 200;
}

START_TEST(unknown_syscall_is_a_note)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	add_rule(s, "SCMP_ACT_ALLOW", "getuid", NULL);
	set_errno(&add_rule(s, "SCMP_ACT_ERRNO", "getppid", "cinch_no_such_call", "getpid", NULL)->errno_ret, EUCLEAN);
	struct cinch_seccomp *f = NULL;
	struct cinch_error *err = NULL;
	struct cinch_strv notes = {0};
	ck_assert_int_eq(cinch_seccomp_compile(s, &f, &notes, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(notes.n, 1);
	ck_assert_str_eq(notes.items[0],
	                 "linux.seccomp.syscalls[1].names[1]: unknown system call \"cinch_no_such_call\" ignored");
	ck_assert_ptr_null(notes.items[1]);
	free_strv(notes.items);
	cinch_seccomp_free(f);

	/* notes may be NULL; the other names still get the rule. */
	f = NULL;
	ck_assert_int_eq(cinch_seccomp_compile(s, &f, NULL, &err), 0);
	free_spec(s);
	ck_assert_int_eq(run_filtered(f, probe_both), 0);
}
END_TEST

START_TEST(notify_is_refused)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	add_rule(s, "SCMP_ACT_ERRNO", "getpid", NULL);
	add_rule(s, "SCMP_ACT_NOTIFY", "getppid", NULL);
	ck_assert_str_eq(compile_refusal(s),
	                 "linux.seccomp.syscalls[1].action: SCMP_ACT_NOTIFY is not supported by cinch yet");

	s = new_spec("SCMP_ACT_NOTIFY");
	ck_assert_str_eq(compile_refusal(s),
	                 "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported by cinch yet");
}
END_TEST

START_TEST(errno_on_action_without_errno_is_refused)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ERRNO");
	set_errno(&add_rule(s, "SCMP_ACT_ALLOW", "getpid", NULL)->errno_ret, 1);
	ck_assert_str_eq(compile_refusal(s), "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_ALLOW does not return an "
	                                     "errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do");

	s = new_spec("SCMP_ACT_KILL");
	set_errno(&s->default_errno_ret, 1);
	ck_assert_str_eq(compile_refusal(s), "linux.seccomp.defaultErrnoRet: SCMP_ACT_KILL does not return an errno; "
	                                     "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do");

	/* Also when the rule would be dropped as equal to the default. */
	s = new_spec("SCMP_ACT_ALLOW");
	set_errno(&add_rule(s, "SCMP_ACT_ALLOW", "getpid", NULL)->errno_ret, 1);
	ck_assert_str_eq(compile_refusal(s), "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_ALLOW does not return an "
	                                     "errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do");
}
END_TEST

/* ---- architectures and flags ---- */

START_TEST(foreign_architectures_are_accepted)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	strv_add(&s->architectures, "SCMP_ARCH_AARCH64");
	strv_add(&s->architectures, "SCMP_ARCH_X86_64");
	strv_add(&s->architectures, "SCMP_ARCH_X86");
	strv_add(&s->architectures, "SCMP_ARCH_X32");
	strv_add(&s->architectures, "SCMP_ARCH_ARM");
	strv_add(&s->architectures, "SCMP_ARCH_RISCV64");
	set_errno(&add_rule(s, "SCMP_ACT_ERRNO", "getpid", "socketcall", "arm_fadvise64_64", NULL)->errno_ret, EUCLEAN);
	/* The native architecture is always there, listed or not. */
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_getpid), EUCLEAN);
}
END_TEST

/* Bytes of a native int, read in order: 1 on a little-endian host. */
static bool host_is_little_endian(void)
{
	const uint16_t one = 1;
	return *(const uint8_t *)&one == 1;
}

START_TEST(architecture_of_other_byte_order_is_a_note)
{
	/* libseccomp keeps one byte order per filter (EDOM otherwise). */
	const char *other = host_is_little_endian() ? "SCMP_ARCH_S390X" : "SCMP_ARCH_X86_64";
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	strv_add(&s->architectures, other);
	set_errno(&add_rule(s, "SCMP_ACT_ERRNO", "getpid", NULL)->errno_ret, EUCLEAN);
	struct cinch_seccomp *f = NULL;
	struct cinch_error *err = NULL;
	struct cinch_strv notes = {0};
	ck_assert_int_eq(cinch_seccomp_compile(s, &f, &notes, &err), 0);
	free_spec(s);
	char want[256];
	snprintf(want, sizeof(want),
	         "linux.seccomp.architectures[0]: architecture \"%s\" has another byte order than this host and is "
	         "ignored",
	         other);
	ck_assert_uint_eq(notes.n, 1);
	ck_assert_str_eq(notes.items[0], want);
	free_strv(notes.items);
	ck_assert_int_eq(run_filtered(f, probe_getpid), EUCLEAN);
}
END_TEST

/* An architecture this kernel cannot run (aarch64 on x86_64) is left out
 * of the program, with no note: the filter decides the same and the
 * kernel converts and JIT-compiles fewer instructions at every start. */
START_TEST(architecture_that_cannot_run_here_is_left_out)
{
	uint32_t native = seccomp_arch_native();
	const char *foreign = native == SCMP_ARCH_AARCH64 ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64";
	unsigned short len[2];
	for (int with_foreign = 0; with_foreign < 2; with_foreign++) {
		struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
		strv_add(&s->architectures, native == SCMP_ARCH_AARCH64 ? "SCMP_ARCH_AARCH64" : "SCMP_ARCH_X86_64");
		if (with_foreign)
			strv_add(&s->architectures, foreign);
		set_errno(&add_rule(s, "SCMP_ACT_ERRNO", "getpid", NULL)->errno_ret, EUCLEAN);
		struct cinch_seccomp *f = NULL;
		struct cinch_error *err = NULL;
		struct cinch_strv notes = {0};
		ck_assert_int_eq(cinch_seccomp_compile(s, &f, &notes, &err), 0);
		free_spec(s);
		ck_assert_uint_eq(notes.n, 0);
		len[with_foreign] = f->len;
		ck_assert_int_eq(run_filtered(f, probe_getpid), EUCLEAN); /* frees f */
	}
	if (native == SCMP_ARCH_X86_64 || native == SCMP_ARCH_AARCH64)
		ck_assert_uint_eq(len[1], len[0]);
}
END_TEST

START_TEST(architecture_unknown_to_libseccomp_is_a_note)
{
	/* Accepted by the reader (libseccomp 2.6 names); older libseccomp
	 * does not know it. */
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	strv_add(&s->architectures, "SCMP_ARCH_X86");
	strv_add(&s->architectures, "SCMP_ARCH_SHEB");
	struct cinch_seccomp *f = NULL;
	struct cinch_error *err = NULL;
	struct cinch_strv notes = {0};
	ck_assert_int_eq(cinch_seccomp_compile(s, &f, &notes, &err), 0);
	free_spec(s);
	if (seccomp_arch_resolve_name("sheb") == 0) {
		const struct scmp_version *v = seccomp_version();
		char want[256];
		snprintf(want, sizeof(want),
		         "linux.seccomp.architectures[1]: architecture \"SCMP_ARCH_SHEB\" is unknown to libseccomp "
		         "%u.%u.%u and ignored",
		         v->major, v->minor, v->micro);
		ck_assert_uint_eq(notes.n, 1);
		ck_assert_str_eq(notes.items[0], want);
	} else {
		ck_assert_uint_eq(notes.n, 0);
	}
	free_strv(notes.items);
	cinch_seccomp_free(f);
}
END_TEST

START_TEST(flags)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	strv_add(&s->flags, "SECCOMP_FILTER_FLAG_TSYNC");
	strv_add(&s->flags, "SECCOMP_FILTER_FLAG_LOG");
	strv_add(&s->flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
	set_errno(&add_rule(s, "SCMP_ACT_ERRNO", "getpid", NULL)->errno_ret, EUCLEAN);
	ck_assert_int_eq(run_filtered(compile_ok(s), probe_getpid), EUCLEAN);

	s = new_spec("SCMP_ACT_ALLOW");
	strv_add(&s->flags, "SECCOMP_FILTER_FLAG_LOG");
	strv_add(&s->flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
	ck_assert_str_eq(compile_refusal(s), "linux.seccomp.flags[1]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV applies "
	                                     "only to SCMP_ACT_NOTIFY, which cinch does not support yet");
}
END_TEST

/* ---- the compiled-filter cache ---- */

/* A spec with a value in every field the key must cover. */
static struct cinch_spec_seccomp *full_spec(void)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	strv_add(&s->architectures, "SCMP_ARCH_X86");
	strv_add(&s->flags, "SECCOMP_FILTER_FLAG_LOG");
	struct cinch_spec_syscall *r = add_rule(s, "SCMP_ACT_ERRNO", "getpid", "getppid", NULL);
	set_errno(&r->errno_ret, EUCLEAN);
	add_arg(r, 0, "SCMP_CMP_MASKED_EQ", 0xff, 1);
	return s;
}

static char *key_of(const struct cinch_spec_seccomp *s, size_t *len)
{
	struct cinch_buf b = {0};
	cinch_seccomp_key_spec(s, &b);
	*len = b.len;
	return cinch_buf_steal(&b);
}

/* Each change to one field, made to a fresh full_spec(). */
static void change_default_action(struct cinch_spec_seccomp *s)
{
	free(s->default_action);
	s->default_action = xstrdup("SCMP_ACT_LOG");
}
static void change_default_errno(struct cinch_spec_seccomp *s)
{
	set_errno(&s->default_errno_ret, 1);
}
static void change_architectures(struct cinch_spec_seccomp *s)
{
	strv_add(&s->architectures, "SCMP_ARCH_X32");
}
static void change_flags(struct cinch_spec_seccomp *s)
{
	strv_add(&s->flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
}
static void change_listener_path(struct cinch_spec_seccomp *s)
{
	s->listener_path = xstrdup("");
}
static void change_listener_metadata(struct cinch_spec_seccomp *s)
{
	s->listener_metadata = xstrdup("x");
}
static void change_rule_name(struct cinch_spec_seccomp *s)
{
	free(s->syscalls.items[0].names.items[1]);
	s->syscalls.items[0].names.items[1] = xstrdup("gettid");
}
static void change_rule_action(struct cinch_spec_seccomp *s)
{
	free(s->syscalls.items[0].action);
	s->syscalls.items[0].action = xstrdup("SCMP_ACT_TRACE");
}
static void change_rule_errno(struct cinch_spec_seccomp *s)
{
	s->syscalls.items[0].errno_ret.value = EUCLEAN + 1;
}
static void change_rule_errno_unset(struct cinch_spec_seccomp *s)
{
	s->syscalls.items[0].errno_ret.set = false;
}
static void change_arg_index(struct cinch_spec_seccomp *s)
{
	s->syscalls.items[0].args.items[0].index = 1;
}
static void change_arg_value(struct cinch_spec_seccomp *s)
{
	s->syscalls.items[0].args.items[0].value = 0xfe;
}
static void change_arg_value_two(struct cinch_spec_seccomp *s)
{
	s->syscalls.items[0].args.items[0].value_two = 2;
}
static void change_arg_op(struct cinch_spec_seccomp *s)
{
	free(s->syscalls.items[0].args.items[0].op);
	s->syscalls.items[0].args.items[0].op = xstrdup("SCMP_CMP_EQ");
}
static void split_names(struct cinch_spec_seccomp *s)
{
	/* ["getpid", "getppid"] and ["getpidgetppid"] must not look alike. */
	struct cinch_strv *n = &s->syscalls.items[0].names;
	char *joined = NULL;
	xasprintf(&joined, "%s%s", n->items[0], n->items[1]);
	free_strv(n->items);
	*n = (struct cinch_strv){0};
	strv_add(n, joined);
	free(joined);
}

static void (*const changes[])(struct cinch_spec_seccomp *) = {
    change_default_action, change_default_errno, change_architectures, change_flags,
    change_listener_path,  change_listener_metadata, change_rule_name, change_rule_action,
    change_rule_errno,     change_rule_errno_unset, change_arg_index, change_arg_value,
    change_arg_value_two,  change_arg_op, split_names,
};

START_TEST(key_covers_every_field)
{
	struct cinch_spec_seccomp *base = full_spec(), *same = full_spec();
	size_t base_len, same_len;
	_cleanup_free_ char *base_key = key_of(base, &base_len);
	_cleanup_free_ char *same_key = key_of(same, &same_len);
	ck_assert_uint_eq(base_len, same_len);
	ck_assert_int_eq(memcmp(base_key, same_key, base_len), 0);

	struct cinch_spec_seccomp *s = full_spec();
	changes[_i](s);
	size_t len;
	_cleanup_free_ char *key = key_of(s, &len);
	if (len == base_len && memcmp(key, base_key, len) == 0)
		ck_abort_msg("change %d left the key as it was", _i);
	free_spec(s);
	free_spec(base);
	free_spec(same);
}
END_TEST

/* A fresh state root for the cache tests. */
static char cache_root[] = "/tmp/cinch-unit-cache.XXXXXX";
static char cache_dir[sizeof(cache_root) + sizeof(CINCH_SECCOMP_CACHE_DIR) + 1];

static void cache_setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(strcpy(cache_root, "/tmp/cinch-unit-cache.XXXXXX")));
	snprintf(cache_dir, sizeof(cache_dir), "%s/%s", cache_root, CINCH_SECCOMP_CACHE_DIR);
}

static void cache_teardown(void)
{
	DIR *d = opendir(cache_dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.' || e->d_name[1] == 'x')
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(cache_dir);
	rmdir(cache_root);
}

/* The one slot file in the cache, as a path in a static buffer. */
static const char *the_slot_file(void)
{
	static char path[PATH_MAX];
	DIR *d = opendir(cache_dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", cache_dir, e->d_name);
			n++;
		}
	closedir(d);
	ck_assert_int_eq(n, 1);
	return path;
}

/* getpid -> EUCLEAN, or the same rule with another errno. */
static struct cinch_spec_seccomp *getpid_spec(int e)
{
	struct cinch_spec_seccomp *s = new_spec("SCMP_ACT_ALLOW");
	set_errno(&add_rule(s, "SCMP_ACT_ERRNO", "getpid", NULL)->errno_ret, (uint64_t)e);
	return s;
}

static void spec_key(int e, struct cinch_buf *key)
{
	struct cinch_spec_seccomp *s = getpid_spec(e);
	cinch_seccomp_key_spec(s, key);
	free_spec(s);
}

static void cache_put(const struct cinch_buf *key, struct cinch_spec_seccomp *s)
{
	struct cinch_seccomp *f = compile_ok(s);
	cinch_seccomp_cache_put(cache_root, key, NULL, 0, f);
	cinch_seccomp_free(f);
}

static struct cinch_seccomp *cache_get(const struct cinch_buf *key)
{
	struct cinch_seccomp *f = NULL;
	bool hit = cinch_seccomp_cache_get(cache_root, key, NULL, 0, &f);
	ck_assert(hit == (f != NULL));
	return f;
}

START_TEST(cache_returns_the_stored_program)
{
	struct cinch_buf key = {0};
	spec_key(EUCLEAN, &key);
	ck_assert_ptr_null(cache_get(&key));
	struct cinch_seccomp *f = compile_ok(getpid_spec(EUCLEAN));
	cinch_seccomp_cache_put(cache_root, &key, NULL, 0, f);
	struct cinch_seccomp *g = cache_get(&key);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->len, f->len);
	ck_assert_uint_eq(g->flags, f->flags);
	ck_assert_int_eq(memcmp(g->insns, f->insns, f->len * sizeof(*f->insns)), 0);
	cinch_seccomp_free(f);
	ck_assert_int_eq(run_filtered(g, probe_getpid), EUCLEAN);

	struct stat st;
	ck_assert_int_eq(stat(cache_dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(stat(the_slot_file(), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	cinch_buf_free(&key);
}
END_TEST

static void copy_file(const char *from, const char *to)
{
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(cinch_read_file(from, 1 << 20, &data, &len, NULL), 0);
	ck_assert_int_eq(cinch_write_file_atomic(to, data, len, 0600, NULL), 0);
	free(data);
}

/* The one stored file, copied over each of the other 255 slots: a lookup
 * then reads it whatever slot its key hashes to. */
static void copy_over_every_slot(void)
{
	const char *stored = the_slot_file();
	char slot[PATH_MAX];
	for (int i = 0; i < 256; i++) {
		snprintf(slot, sizeof(slot), "%s/%02x", cache_dir, i);
		if (strcmp(slot, stored) != 0)
			copy_file(stored, slot);
	}
}

/* Only an equal key finds a program, whichever slot it sits in: the entry
 * for errno 1 copied over all 256 slots is never the program for errno 2. */
START_TEST(cache_needs_the_whole_key)
{
	struct cinch_buf one = {0}, two = {0};
	spec_key(1, &one);
	spec_key(2, &two);
	cache_put(&one, getpid_spec(1));
	copy_over_every_slot();
	ck_assert_ptr_null(cache_get(&two));
	struct cinch_seccomp *f = cache_get(&one);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(run_filtered(f, probe_getpid), 1);
	cinch_buf_free(&one);
	cinch_buf_free(&two);
}
END_TEST

/* A profile's key ends in its text, which the cache compares without
 * copying: a text that differs in its last byte only, copied over every
 * slot, is still a miss. */
START_TEST(cache_compares_the_whole_tail)
{
	static char text[9000], other[9000];
	memset(text, 'p', sizeof(text));
	memcpy(other, text, sizeof(other));
	other[sizeof(other) - 1] = 'q';
	struct cinch_buf key = {0};
	cinch_seccomp_key_bytes("profile", sizeof(text), &key);
	struct cinch_seccomp *f = compile_ok(getpid_spec(EUCLEAN));
	cinch_seccomp_cache_put(cache_root, &key, text, sizeof(text), f);
	cinch_seccomp_free(f);
	copy_over_every_slot();
	struct cinch_seccomp *g = NULL;
	ck_assert(!cinch_seccomp_cache_get(cache_root, &key, other, sizeof(other), &g));
	ck_assert_ptr_null(g);
	ck_assert(cinch_seccomp_cache_get(cache_root, &key, text, sizeof(text), &g));
	ck_assert_int_eq(run_filtered(g, probe_getpid), EUCLEAN);
	cinch_buf_free(&key);
}
END_TEST

/* The attack: a program planted under a real key (here: allow-all under
 * the key of the getpid rule), in a file or directory someone else could
 * write, must not be loaded. */
START_TEST(cache_ignores_what_others_could_write)
{
	struct cinch_buf key = {0};
	spec_key(EUCLEAN, &key);
	cache_put(&key, new_spec("SCMP_ACT_ALLOW"));
	const char *file = the_slot_file();
	struct cinch_seccomp *f = cache_get(&key);
	ck_assert_ptr_nonnull(f); /* private: used as it is */
	ck_assert_int_eq(run_filtered(f, probe_getpid), 0);

	ck_assert_int_eq(chmod(file, 0640), 0);
	ck_assert_ptr_null(cache_get(&key));
	ck_assert_int_eq(chmod(file, 0600), 0);
	ck_assert_int_eq(chmod(cache_dir, 0770), 0);
	ck_assert_ptr_null(cache_get(&key));
	ck_assert_int_eq(chmod(cache_dir, 0700), 0);

	/* A link to a private copy is not followed. */
	char copy[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s/.x", cache_dir);
	ck_assert_int_eq(rename(file, copy), 0);
	ck_assert_int_eq(symlink(copy, file), 0);
	ck_assert_ptr_null(cache_get(&key));
	cinch_buf_free(&key);
}
END_TEST

START_TEST(cache_ignores_a_damaged_file)
{
	struct cinch_buf key = {0};
	spec_key(EUCLEAN, &key);
	cache_put(&key, getpid_spec(EUCLEAN));
	const char *file = the_slot_file();
	struct stat st;
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(truncate(file, st.st_size - 1), 0);
	ck_assert_ptr_null(cache_get(&key));
	ck_assert_int_eq(truncate(file, st.st_size + 8), 0);
	ck_assert_ptr_null(cache_get(&key));
	ck_assert_int_eq(truncate(file, 4), 0);
	ck_assert_ptr_null(cache_get(&key));
	cinch_buf_free(&key);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("actions");
	tcase_add_test(tc, errno_rule_returns_its_errno);
	tcase_add_test(tc, errno_rule_defaults_to_eperm);
	tcase_add_test(tc, default_errno_with_allow_list);
	tcase_add_test(tc, default_errno_defaults_to_eperm);
	tcase_add_test(tc, rule_with_default_action_is_dropped);
	tcase_add_test(tc, kill_kills_with_sigsys);
	tcase_add_test(tc, every_action_compiles);
	suite_add_tcase(s, tc);

	tc = tcase_create("args");
	tcase_add_test(tc, arg_eq);
	tcase_add_test(tc, arg_masked_eq_value_is_the_mask);
	tcase_add_test(tc, distinct_indexes_all_must_match);
	tcase_add_test(tc, repeated_index_any_may_match);
	tcase_add_test(tc, arg_ordering_ops);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_test(tc, unknown_syscall_is_a_note);
	tcase_add_test(tc, notify_is_refused);
	tcase_add_test(tc, errno_on_action_without_errno_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("arch-flags");
	tcase_add_test(tc, foreign_architectures_are_accepted);
	tcase_add_test(tc, architecture_of_other_byte_order_is_a_note);
	tcase_add_test(tc, architecture_that_cannot_run_here_is_left_out);
	tcase_add_test(tc, architecture_unknown_to_libseccomp_is_a_note);
	tcase_add_test(tc, flags);
	suite_add_tcase(s, tc);

	tc = tcase_create("cache");
	tcase_add_checked_fixture(tc, cache_setup, cache_teardown);
	tcase_add_loop_test(tc, key_covers_every_field, 0, (int)ARRAY_SIZE(changes));
	tcase_add_test(tc, cache_returns_the_stored_program);
	tcase_add_test(tc, cache_needs_the_whole_key);
	tcase_add_test(tc, cache_compares_the_whole_tail);
	tcase_add_test(tc, cache_ignores_what_others_could_write);
	tcase_add_test(tc, cache_ignores_a_damaged_file);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
