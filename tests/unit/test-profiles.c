/* The shipped profiles (the JSON files in profiles/), without root: each one parses and
 * compiles with cinch_profile_compile(), keeps its "x-cinch" key, and
 * answers system calls as profiles/README.md says.  The answers come from
 * running the compiled BPF program on a seccomp_data in a small
 * classic-BPF interpreter, the pure image of what the kernel does with it;
 * a few are checked against the kernel itself, in a child that loads the
 * filter under no_new_privs. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cinch/error.h"
#include "cinch/profile.h"
#include "cinch/seccomp.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "unit.h"
#include "../../src/lib/seccomp-internal.h"

/* The profiles that must ship; any other *.json in profiles/ is compiled
 * and checked for its key too. */
static const char *const shipped[] = {"default", "strict", "batch", "network-service"};

/* System calls newer than libseccomp 2.5's tables (Linux 6.8 to 6.15) that
 * the profiles name.  A libseccomp that does not know one skips it with a
 * note; the kernel's call then meets the default answer, ENOSYS, whether
 * the profile allows it or refuses it, which is no wider than intended.
 * A note for any other name is a typo in a profile. */
static const char *const newer_than_libseccomp[] = {
    "getxattrat",    "listmount",  "listxattrat", "mseal",     "open_tree_attr",
    "removexattrat", "setxattrat", "statmount",   "uretprobe",
};

/* ---- loading ---- */

struct profile {
	char *path;
	char *text;
	size_t len;
	struct cinch_spec_seccomp *spec;
	struct cinch_seccomp *filter;
};

static bool is_newer_than_libseccomp(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(newer_than_libseccomp); i++)
		if (strcmp(name, newer_than_libseccomp[i]) == 0)
			return true;
	return false;
}

/* Fails the test unless the note is one for a name in newer_than_libseccomp
 * that this libseccomp indeed does not know. */
static void check_note(const char *path, const char *note)
{
	const char *q = strstr(note, ": unknown system call \"");
	char name[64] = "";
	if (q != NULL && sscanf(q, ": unknown system call \"%63[^\"]\" ignored", name) == 1 &&
	    is_newer_than_libseccomp(name) && seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR)
		return;
	ck_abort_msg("%s: unexpected note: %s", path, note);
}

static struct profile *load(const char *name)
{
	struct profile *p = xzalloc(sizeof(*p));
	xasprintf(&p->path, "%s/%s.json", CINCH_SRC_PROFILES, name);
	struct cinch_error *err = NULL;
	if (cinch_read_file(p->path, CINCH_SPEC_MAX_SIZE, &p->text, &p->len, &err) < 0)
		ck_abort_msg("%s", err->msg);
	if (cinch_spec_seccomp_parse(p->text, p->len, p->path, &p->spec, &err) < 0)
		ck_abort_msg("%s", err->msg);
	struct cinch_strv notes = {0};
	if (cinch_profile_compile(p->text, p->len, p->path, &p->filter, &notes, &err) < 0)
		ck_abort_msg("%s", err->msg);
	for (size_t i = 0; i < notes.n; i++)
		check_note(p->path, notes.items[i]);
	free_strv(notes.items);
	return p;
}

static void unload(struct profile *p)
{
	cinch_seccomp_free(p->filter);
	cinch_spec_seccomp_free(p->spec);
	free(p->text);
	free(p->path);
	free(p);
}

/* Each profile, loaded once per test case before Check forks the tests. */
static struct profile *loaded[ARRAY_SIZE(shipped)];

static void load_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(shipped); i++)
		loaded[i] = load(shipped[i]);
}

static void unload_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(shipped); i++) {
		unload(loaded[i]);
		loaded[i] = NULL;
	}
}

static const struct profile *get(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(shipped); i++)
		if (strcmp(shipped[i], name) == 0)
			return loaded[i];
	ck_abort_msg("no profile %s", name);
	return NULL;
}

/* ---- the interpreter ---- */

/* What the kernel's classic-BPF runner does with the instructions
 * libseccomp emits: a 32-bit load from the seccomp_data (host byte order),
 * AND with a constant, the jumps, and return.  Any other instruction fails
 * the test, so that a libseccomp that emits more is noticed here, not
 * misread. */
static bool jump_taken(const struct sock_filter *in, uint32_t a)
{
	switch (BPF_OP(in->code)) {
	case BPF_JEQ:
		return a == in->k;
	case BPF_JGT:
		return a > in->k;
	case BPF_JGE:
		return a >= in->k;
	case BPF_JSET:
		return (a & in->k) != 0;
	}
	ck_abort_msg("jump %#x", in->code);
	return false;
}

static uint32_t bpf_run(const struct cinch_seccomp *f, const struct seccomp_data *d)
{
	uint32_t a = 0;
	for (unsigned int pc = 0; pc < f->len; pc++) {
		const struct sock_filter *in = &f->insns[pc];
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k > sizeof(*d) - sizeof(a)) /* no ck_assert: each one is a write */
				ck_abort_msg("insn %u: a load at offset %u", pc, in->k);
			memcpy(&a, (const char *)d + in->k, sizeof(a));
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += jump_taken(in, a) ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			return in->k;
		default:
			ck_abort_msg("insn %u: opcode %#x, which this interpreter does not know", pc, in->code);
		}
	}
	ck_abort_msg("the program ran off its end");
	return 0;
}

/* An answer, in a form that reads in a failure message. */
enum answer { ALLOW, EPERM_, ENOSYS_, KILL, OTHER };
static const char *const answer_names[] = {"ALLOW", "EPERM", "ENOSYS", "KILL", "OTHER"};

static enum answer decode(uint32_t ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return ALLOW;
	case SECCOMP_RET_ERRNO:
		return (ret & SECCOMP_RET_DATA) == EPERM    ? EPERM_
		       : (ret & SECCOMP_RET_DATA) == ENOSYS ? ENOSYS_
		                                            : OTHER;
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_KILL_PROCESS:
		return KILL;
	default:
		return OTHER;
	}
}

/* An ABI the kernel may run calls under here: libseccomp's token (which
 * names the system call table), the AUDIT_ARCH the kernel reports, and
 * whether the filter compares 32 bits of an argument.  That is so for x86
 * and arm, and libseccomp does the same for x32, whose longs are 32 bits;
 * the arguments filtered here (clone's flags, personality's persona,
 * socket's family) the kernel truncates to 32 bits itself. */
struct abi {
	uint32_t token, audit;
	bool args32;
	const char *name;
};

/* The native ABI and its compat ones, as in seccomp.c's runs_here(). */
static size_t abis_here(struct abi out[3])
{
	uint32_t native = seccomp_arch_native();
	size_t n = 0;
	out[n++] = (struct abi){native, native, false, "native"};
	if (native == SCMP_ARCH_X86_64) {
		out[n++] = (struct abi){SCMP_ARCH_X86, AUDIT_ARCH_I386, true, "x86"};
		if (cinch_seccomp_x32_runs())
			out[n++] = (struct abi){SCMP_ARCH_X32, AUDIT_ARCH_X86_64, true, "x32"};
	} else if (native == SCMP_ARCH_AARCH64) {
		out[n++] = (struct abi){SCMP_ARCH_ARM, AUDIT_ARCH_ARM, true, "arm"};
	}
	return n;
}

/* The answer of f to call nr under abi with these arguments. */
static int answer_nr(const struct cinch_seccomp *f, const struct abi *abi, int nr, const uint64_t args[6])
{
	struct seccomp_data d = {.nr = nr, .arch = abi->audit};
	memcpy(d.args, args, sizeof(d.args));
	return (int)decode(bpf_run(f, &d));
}

/* The same for the call named `name` (or numbered "#N"); -1 when the ABI
 * has no such call. */
static int answer_of(const struct cinch_seccomp *f, const struct abi *abi, const char *name, const uint64_t args[6])
{
	int nr;
	if (name[0] == '#')
		nr = atoi(name + 1) | (abi->token == SCMP_ARCH_X32 ? 0x40000000 : 0);
	else
		nr = seccomp_syscall_resolve_name_arch(abi->token, name);
	if (nr < 0)
		return -1; /* not a call of this ABI (or multiplexed there) */
	return answer_nr(f, abi, nr, args);
}

/* Asserts the answer on every ABI here that has the call (a name no
 * architecture has is a typo in the test). */
static void expect(const struct profile *p, const char *name, enum answer want, uint64_t a0, uint64_t a1)
{
	if (name[0] != '#' && seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR)
		ck_abort_msg("libseccomp knows no system call \"%s\"", name);
	struct abi abis[3];
	size_t n = abis_here(abis);
	const uint64_t args[6] = {a0, a1, 0, 0, 0, 0};
	for (size_t i = 0; i < n; i++) {
		if (abis[i].args32 && (a0 >> 32 || a1 >> 32))
			continue; /* not a value the filter tells apart there */
		int got = answer_of(p->filter, &abis[i], name, args);
		if (got >= 0 && got != (int)want)
			ck_abort_msg("%s: %s(%#llx, %#llx) on %s: %s, expected %s", p->path, name,
			             (unsigned long long)a0, (unsigned long long)a1, abis[i].name, answer_names[got],
			             answer_names[want]);
	}
}

/* ---- the files ---- */

START_TEST(every_profile_compiles_with_no_unexpected_note)
{
	DIR *d = opendir(CINCH_SRC_PROFILES);
	ck_assert_ptr_nonnull(d);
	size_t n = 0, found = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		_cleanup_free_ char *name = xstrndup(e->d_name, len - 5);
		struct profile *p = load(name);
		ck_assert_uint_gt(cinch_seccomp_size(p->filter), 0);
		for (size_t i = 0; i < ARRAY_SIZE(shipped); i++)
			found += strcmp(name, shipped[i]) == 0;
		unload(p);
		n++;
	}
	closedir(d);
	ck_assert_uint_eq(found, ARRAY_SIZE(shipped));
	ck_assert_uint_ge(n, found);
}
END_TEST

/* The "x-cinch" key: name (the file's), description, version 2, and the
 * allows/denies rationale; the reader of linux.seccomp ignores it. */
START_TEST(every_profile_has_its_x_cinch_key)
{
	const struct profile *p = get(shipped[_i]);
	json_error_t jerr;
	json_t *root = json_loadb(p->text, p->len, 0, &jerr);
	ck_assert_msg(root != NULL, "%s: %s", p->path, jerr.text);
	json_t *x = json_object_get(root, "x-cinch");
	ck_assert_msg(json_is_object(x), "%s: no x-cinch object", p->path);
	ck_assert_str_eq(json_string_value(json_object_get(x, "name")), shipped[_i]);
	ck_assert_int_eq(json_integer_value(json_object_get(x, "version")), 2);
	static const char *const texts[] = {"description", "allows", "denies"};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		const char *s = json_string_value(json_object_get(x, texts[i]));
		ck_assert_msg(s != NULL && *s != '\0', "%s: x-cinch.%s is missing", p->path, texts[i]);
	}
	json_decref(root);
}
END_TEST

/* Whether the profile's unconditional rules name `name` with this action
 * and errno (errno 0: any ALLOW). */
static bool lists(const struct profile *p, const char *name, bool allow, uint64_t err)
{
	for (size_t i = 0; i < p->spec->syscalls.n; i++) {
		const struct cinch_spec_syscall *r = &p->spec->syscalls.items[i];
		if (r->args.n != 0)
			continue;
		bool is_allow = strcmp(r->action, "SCMP_ACT_ALLOW") == 0;
		if (is_allow != allow || (!allow && r->errno_ret.value != err))
			continue;
		for (size_t j = 0; j < r->names.n; j++)
			if (strcmp(r->names.items[j], name) == 0)
				return true;
	}
	return false;
}

/* The shape README.md describes: unknown calls get ENOSYS; every refusal
 * is EPERM but clone3's ENOSYS; a name sits in one unconditional rule at
 * most, and never also in a rule with arguments (libseccomp does not
 * define which of two such rules wins). */
START_TEST(every_profile_is_an_allowlist_of_one_shape)
{
	const struct profile *p = get(shipped[_i]);
	const struct cinch_spec_seccomp *s = p->spec;
	ck_assert_str_eq(s->default_action, "SCMP_ACT_ERRNO");
	ck_assert(s->default_errno_ret.set);
	ck_assert_uint_eq(s->default_errno_ret.value, ENOSYS);
	ck_assert_uint_eq(s->architectures.n, 5);
	for (size_t i = 0; i < s->syscalls.n; i++) {
		const struct cinch_spec_syscall *r = &s->syscalls.items[i];
		if (strcmp(r->action, "SCMP_ACT_ALLOW") != 0) {
			ck_assert_str_eq(r->action, "SCMP_ACT_ERRNO");
			ck_assert(r->errno_ret.set);
			bool clone3 = r->names.n == 1 && strcmp(r->names.items[0], "clone3") == 0;
			ck_assert_uint_eq(r->errno_ret.value, clone3 ? ENOSYS : EPERM);
		}
		ck_assert_uint_le(r->args.n, 1);
		for (size_t j = 0; j < r->names.n; j++)
			for (size_t k = 0; k < s->syscalls.n; k++) {
				const struct cinch_spec_syscall *o = &s->syscalls.items[k];
				if (k == i || (r->args.n != 0 && o->args.n != 0))
					continue;
				for (size_t m = 0; m < o->names.n; m++)
					if (strcmp(r->names.items[j], o->names.items[m]) == 0)
						ck_abort_msg("%s: \"%s\" is in syscalls[%zu] and syscalls[%zu]",
						             p->path, r->names.items[j], i, k);
			}
	}
}
END_TEST

/* The other profiles are narrower than default: what they allow outright,
 * default allows outright; what default refuses, they refuse with EPERM. */
START_TEST(other_profiles_are_narrower_than_default)
{
	const struct profile *def = get("default"), *p = get(shipped[_i]);
	for (size_t i = 0; i < def->spec->syscalls.n; i++) {
		const struct cinch_spec_syscall *r = &def->spec->syscalls.items[i];
		if (r->args.n != 0 || strcmp(r->action, "SCMP_ACT_ERRNO") != 0 || r->errno_ret.value != EPERM)
			continue;
		for (size_t j = 0; j < r->names.n; j++)
			ck_assert_msg(lists(p, r->names.items[j], false, EPERM), "%s does not refuse %s", p->path,
			              r->names.items[j]);
	}
	for (size_t i = 0; i < p->spec->syscalls.n; i++) {
		const struct cinch_spec_syscall *r = &p->spec->syscalls.items[i];
		if (r->args.n != 0 || strcmp(r->action, "SCMP_ACT_ALLOW") != 0)
			continue;
		for (size_t j = 0; j < r->names.n; j++)
			ck_assert_msg(lists(def, r->names.items[j], true, 0), "%s allows %s, which default does not",
			              p->path, r->names.items[j]);
	}
}
END_TEST

/* ---- what the programs answer ---- */

/* glibc's pthread_create */
#define THREAD_FLAGS                                                                                                   \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |             \
	 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
static const uint64_t clone_new[] = {CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                     CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET};

/* What every profile must allow: cinch's own exec path after the filter is
 * loaded (close_range, fcntl, execveat of the exec stub, whose execve,
 * write and exit_group follow), and the bare minimum of a process. */
static const char *const exec_path[] = {"close_range", "fcntl", "execveat", "execve",       "write", "exit_group",
                                        "read",        "mmap",  "brk",      "rt_sigreturn", "futex", "getpid"};

/* What every profile must refuse with EPERM (the list, taken from
 * docker's default profile and cinch's own): written here, not read from
 * the profiles, so that dropping one from a profile fails this test. */
static const char *const must_refuse[] = {"io_uring_setup",
                                          "io_uring_enter",
                                          "io_uring_register",
                                          "userfaultfd",
                                          "bpf",
                                          "perf_event_open",
                                          "add_key",
                                          "request_key",
                                          "keyctl",
                                          "kexec_load",
                                          "kexec_file_load",
                                          "init_module",
                                          "finit_module",
                                          "delete_module",
                                          "create_module",
                                          "mount",
                                          "umount",
                                          "umount2",
                                          "fsopen",
                                          "fsconfig",
                                          "fsmount",
                                          "fspick",
                                          "move_mount",
                                          "open_tree",
                                          "mount_setattr",
                                          "pivot_root",
                                          "unshare",
                                          "setns",
                                          "acct",
                                          "clock_settime",
                                          "clock_adjtime",
                                          "adjtimex",
                                          "settimeofday",
                                          "stime",
                                          "swapon",
                                          "swapoff",
                                          "reboot",
                                          "iopl",
                                          "ioperm",
                                          "open_by_handle_at",
                                          "name_to_handle_at",
                                          "quotactl",
                                          "quotactl_fd",
                                          "lookup_dcookie",
                                          "nfsservctl",
                                          "vm86",
                                          "vm86old",
                                          "syslog",
                                          "uselib",
                                          "ustat",
                                          "sysfs",
                                          "_sysctl",
                                          "process_vm_readv",
                                          "process_vm_writev",
                                          "kcmp",
                                          "ptrace",
                                          "pidfd_getfd",
                                          "get_kernel_syms",
                                          "query_module",
                                          "mbind",
                                          "set_mempolicy",
                                          "get_mempolicy",
                                          "move_pages",
                                          "migrate_pages",
                                          "sethostname",
                                          "setdomainname",
                                          "fanotify_init",
                                          "vhangup"};

START_TEST(every_profile_allows_the_exec_path_and_refuses_the_dangerous_calls)
{
	const struct profile *p = get(shipped[_i]);
	for (size_t i = 0; i < ARRAY_SIZE(exec_path); i++)
		expect(p, exec_path[i], ALLOW, 0, 0);
	for (size_t i = 0; i < ARRAY_SIZE(must_refuse); i++)
		expect(p, must_refuse[i], EPERM_, 0, 0);
	/* libc falls back to clone(2), whose flags the filter sees. */
	expect(p, "clone3", ENOSYS_, 0, 0);
	/* A call the profile does not name: lsm_list_modules (Linux 6.8,
	 * 461 in the unified table), and a number no kernel assigns. */
	expect(p, "#461", ENOSYS_, 0, 0);
	expect(p, "#1000", ENOSYS_, 0, 0);
	for (size_t i = 0; i < ARRAY_SIZE(clone_new); i++) {
		expect(p, "clone", EPERM_, clone_new[i] | SIGCHLD, 0);
		expect(p, "clone", EPERM_, clone_new[i] | THREAD_FLAGS, 0);
	}
	expect(p, "clone", ALLOW, THREAD_FLAGS, 0);
}
END_TEST

/* personality(2): the five values docker allows (strict: none), and EPERM
 * for every other value: each of 32 bits alone, with another, each with all others, and
 * values above 32 bits (64-bit ABIs). */
static const uint64_t persona_ok[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

static bool persona_allowed(uint64_t v)
{
	for (size_t i = 0; i < ARRAY_SIZE(persona_ok); i++)
		if (v == persona_ok[i])
			return true;
	return false;
}

/* strict refuses personality(2) outright. */
static void expect_personality(const struct profile *p, uint64_t v)
{
	bool strict = strstr(p->path, "/strict.json") != NULL;
	expect(p, "personality", persona_allowed(v) && !strict ? ALLOW : EPERM_, v, 0);
}

START_TEST(personality_allows_five_values_and_refuses_the_rest)
{
	const struct profile *p = get(shipped[_i]);
	for (size_t i = 0; i < ARRAY_SIZE(persona_ok); i++)
		expect_personality(p, persona_ok[i]);
	for (int i = 0; i < 32; i++) {
		expect_personality(p, 1ull << i);
		expect_personality(p, 0xffffffffull ^ (1ull << i));
		expect_personality(p, (1ull << i) | 0x20008);
		for (int j = i + 1; j < 32; j++) {
			expect_personality(p, (1ull << i) | (1ull << j));
			expect_personality(p, 0xffffffffull ^ ((1ull << i) | (1ull << j)));
		}
		expect_personality(p, 1ull << (32 + i));
		expect_personality(p, 0xffffffffull | (1ull << (32 + i)));
	}
	expect_personality(p, 0x0040000); /* ADDR_NO_RANDOMIZE */
	expect_personality(p, 0x0400000); /* READ_IMPLIES_EXEC */
}
END_TEST

/* socket(2) and socketpair(2) by family (a0), per profile; on 32-bit x86
 * the direct calls (359, 360), and the socketcall multiplexer, whose
 * family argument sits in memory where no filter can read it. */
static void expect_families(const struct profile *p, const int *allowed, size_t n_allowed, enum answer socketcall)
{
	static const char *const calls[] = {"socket", "socketpair"};
	struct abi abis[3];
	size_t n = abis_here(abis);
	for (uint64_t fam = 0; fam < 64; fam++) {
		enum answer want = EPERM_;
		for (size_t i = 0; i < n_allowed; i++)
			if ((int)fam == allowed[i])
				want = ALLOW;
		for (size_t c = 0; c < ARRAY_SIZE(calls); c++)
			expect(p, calls[c], want, fam, SOCK_STREAM);
		for (size_t a = 0; a < n; a++) {
			if (abis[a].audit != AUDIT_ARCH_I386)
				continue;
			const uint64_t args[6] = {fam, SOCK_STREAM};
			static const int nrs[] = {359, 360, 102};
			for (size_t k = 0; k < ARRAY_SIZE(nrs); k++) {
				int got = answer_nr(p->filter, &abis[a], nrs[k], args);
				int exp = nrs[k] == 102 ? (int)socketcall : (int)want;
				if (got != exp)
					ck_abort_msg("%s: x86 call %d (%llu): %s, expected %s", p->path, nrs[k],
					             (unsigned long long)fam, answer_names[got], answer_names[exp]);
			}
		}
	}
	expect(p, "socket", EPERM_, 1ull << 32 | AF_INET, SOCK_STREAM);
}

START_TEST(default_answers)
{
	const struct profile *p = get("default");
	static const int fam[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET};
	expect_families(p, fam, ARRAY_SIZE(fam), ALLOW);
	expect(p, "clone", ALLOW, SIGCHLD, 0);
	expect(p, "fork", ALLOW, 0, 0);
	expect(p, "vfork", ALLOW, 0, 0);
	expect(p, "wait4", ALLOW, 0, 0);
	expect(p, "accept4", ALLOW, 0, 0);
	expect(p, "epoll_pwait", ALLOW, 0, 0);
	expect(p, "chroot", ALLOW, 0, 0);
	expect(p, "setuid", ALLOW, 0, 0);
	expect(p, "sync", ALLOW, 0, 0);
	expect(p, "modify_ldt", ALLOW, 0, 0);
}
END_TEST

START_TEST(strict_answers)
{
	const struct profile *p = get("strict");
	expect_families(p, NULL, 0, EPERM_);
	static const char *const refused[] = {"fork",   "vfork",  "connect",   "accept4", "sendmsg",
	                                      "setuid", "setgid", "setgroups", "capset",  "personality"};
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		expect(p, refused[i], EPERM_, 0, 0);
	/* Threads, not processes. */
	expect(p, "clone", EPERM_, SIGCHLD, 0);
	expect(p, "clone", EPERM_, CLONE_VM | CLONE_VFORK | SIGCHLD, 0);
	expect(p, "clone", ALLOW, THREAD_FLAGS, 0);
	static const char *const allowed[] = {"openat",      "newfstatat",      "getdents64",   "lseek",
	                                      "pipe2",       "clock_nanosleep", "rt_sigaction", "tgkill",
	                                      "epoll_pwait", "set_robust_list", "prlimit64",    "getrandom",
	                                      "uname"};
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
		expect(p, allowed[i], ALLOW, 0, 0);
	/* Not named: a child's status or a chroot. */
	expect(p, "wait4", ENOSYS_, 0, 0);
	expect(p, "chroot", ENOSYS_, 0, 0);
}
END_TEST

START_TEST(batch_answers)
{
	const struct profile *p = get("batch");
	static const int fam[] = {AF_UNIX};
	expect_families(p, fam, ARRAY_SIZE(fam), EPERM_);
	expect(p, "clone", ALLOW, SIGCHLD, 0);
	expect(p, "fork", ALLOW, 0, 0);
	expect(p, "wait4", ALLOW, 0, 0);
	expect(p, "pipe2", ALLOW, 0, 0);
	expect(p, "sync", ALLOW, 0, 0);
}
END_TEST

START_TEST(network_service_answers)
{
	const struct profile *p = get("network-service");
	static const int fam[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
	expect_families(p, fam, ARRAY_SIZE(fam), ALLOW);
	static const char *const allowed[] = {"accept4",    "bind", "listen", "epoll_pwait", "sendfile",
	                                      "setsockopt", "fork", "wait4",  "eventfd2",    "setuid"};
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
		expect(p, allowed[i], ALLOW, 0, 0);
	expect(p, "sync", EPERM_, 0, 0);
	expect(p, "modify_ldt", EPERM_, 0, 0);
}
END_TEST

/* ---- the kernel agrees ---- */

/* errno of a raw system call, 0 when it succeeded; a child made by a
 * clone the filter let through exits at once. */
static int call_errno(long nr, unsigned long a0, unsigned long a1)
{
	errno = 0;
	long r = syscall(nr, a0, a1, 0UL, 0UL, 0UL, 0UL);
	if (r == 0 && nr == SYS_clone)
		syscall(SYS_exit_group, 0);
	if (r > 0 && nr == SYS_clone)
		waitpid((pid_t)r, NULL, 0);
	return r < 0 ? errno : 0;
}

/* x32 is in every profile's list, and in the program only where the
 * kernel runs x32 calls: elsewhere an x32 call meets the bad-architecture
 * action, which it would also meet under a filter without x32. */
START_TEST(x32_is_in_the_program_only_where_the_kernel_runs_it)
{
#if defined(__x86_64__)
	const struct profile *p = get("default");
	const struct abi x32 = {SCMP_ARCH_X32, AUDIT_ARCH_X86_64, true, "x32"};
	const uint64_t args[6] = {0};
	int getpid_x32 = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X32, "getpid");
	ck_assert_int_ge(getpid_x32, 0);
	int got = answer_nr(p->filter, &x32, getpid_x32, args);
	enum answer want = cinch_seccomp_x32_runs() ? ALLOW : KILL;
	ck_assert_msg(got == (int)want, "x32 getpid: %s, expected %s (x32 %s here)", answer_names[got],
	              answer_names[want], cinch_seccomp_x32_runs() ? "runs" : "does not run");
#endif
}
END_TEST

/* Loads the default profile in a child (no_new_privs, no privilege
 * needed) and compares the kernel's answers with the interpreter's. */
START_TEST(the_kernel_answers_as_the_interpreter_does)
{
	const struct profile *p = get("default");
	static const struct {
		long nr;
		unsigned long a0, a1;
		int want;
	} probes[] = {
	    {SYS_getppid, 0, 0, 0},
	    {SYS_io_uring_setup, 1, 0, EPERM},
	    {SYS_personality, 0x0040000, 0, EPERM},
	    {SYS_personality, 0xffffffff, 0, 0},
	    {SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, EPERM},
	    {SYS_clone3, 0, 0, ENOSYS},
	    {SYS_socket, AF_VSOCK, SOCK_STREAM, EPERM},
	    {461, 0, 0, ENOSYS}, /* lsm_list_modules */
	};
	int pfd[2];
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct cinch_error *err = NULL;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || cinch_seccomp_load(p->filter, &err) < 0)
			syscall(SYS_exit_group, 250);
		/* Only allowed calls from here on: the results go out
		 * through a pipe, then exit_group. */
		int got[ARRAY_SIZE(probes)];
		for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
			got[i] = call_errno(probes[i].nr, probes[i].a0, probes[i].a1);
		(void)!write(pfd[1], got, sizeof(got));
		syscall(SYS_exit_group, 0);
	}
	close(pfd[1]);
	int got[ARRAY_SIZE(probes)];
	ssize_t n = read(pfd[0], got, sizeof(got));
	close(pfd[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the probe child failed: status %#x", status);
	ck_assert_int_eq(n, (ssize_t)sizeof(got));
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		ck_assert_msg(got[i] == probes[i].want, "probe %zu (nr %ld, %#lx): errno %d, expected %d", i,
		              probes[i].nr, probes[i].a0, got[i], probes[i].want);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("profiles");
	TCase *tc = tcase_create("files");
	tcase_add_unchecked_fixture(tc, load_all, unload_all);
	tcase_add_test(tc, every_profile_compiles_with_no_unexpected_note);
	tcase_add_loop_test(tc, every_profile_has_its_x_cinch_key, 0, ARRAY_SIZE(shipped));
	tcase_add_loop_test(tc, every_profile_is_an_allowlist_of_one_shape, 0, ARRAY_SIZE(shipped));
	tcase_add_loop_test(tc, other_profiles_are_narrower_than_default, 1, ARRAY_SIZE(shipped));
	suite_add_tcase(s, tc);

	tc = tcase_create("answers");
	tcase_add_unchecked_fixture(tc, load_all, unload_all);
	tcase_add_loop_test(tc, every_profile_allows_the_exec_path_and_refuses_the_dangerous_calls, 0,
	                    ARRAY_SIZE(shipped));
	tcase_add_loop_test(tc, personality_allows_five_values_and_refuses_the_rest, 0, ARRAY_SIZE(shipped));
	tcase_add_test(tc, default_answers);
	tcase_add_test(tc, strict_answers);
	tcase_add_test(tc, batch_answers);
	tcase_add_test(tc, network_service_answers);
	tcase_add_test(tc, the_kernel_answers_as_the_interpreter_does);
	tcase_add_test(tc, x32_is_in_the_program_only_where_the_kernel_runs_it);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
