/* devices-bpf: the fold of device rules and the BPF_CGROUP_DEVICE program
 * built from it, without root.  The program is run here by a small
 * interpreter of the few instructions the generator emits, against
 * (type, major, minor, access) tuples; anything else it meets fails the
 * test.  Every list is also checked tuple by tuple, over a grid, against
 * cinch_devices_policy_allows, the v1 kernel's rule written in C. */
#include "config.h"

#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinch/devices-bpf.h"
#include "cinch/error.h"
#include "cinch/spec.h"
#include "cinch/util.h"
#include "unit.h"

#define R   BPF_DEVCG_ACC_READ
#define W   BPF_DEVCG_ACC_WRITE
#define M   BPF_DEVCG_ACC_MKNOD
#define ANY (-1)

/* ---- the interpreter ---- */

/* Runs prog on ctx; returns r0.  Fails the test on an instruction the
 * generator should not emit, a jump out of the program, a read of ctx
 * through anything but the untouched r1, or a loop. */
static uint64_t run(const struct cinch_devices_prog *prog, const struct bpf_cgroup_dev_ctx *ctx)
{
	uint64_t reg[11] = {0};
	bool is_ctx[11] = {false}, set[11] = {false};
	is_ctx[1] = set[1] = set[10] = true; /* as the kernel starts a program */
	for (size_t pc = 0, steps = 0; steps < 100000; steps++) {
		ck_assert_uint_lt(pc, prog->n);
		const struct bpf_insn *i = &prog->insns[pc++];
		ck_assert_uint_le(i->dst_reg, 10);
		ck_assert_uint_le(i->src_reg, 10);
		uint64_t k = (uint64_t)(int64_t)i->imm; /* imm is sign-extended */
		uint64_t *d = &reg[i->dst_reg];
		if (i->code == (BPF_LDX | BPF_MEM | BPF_W)) {
			ck_assert_msg(is_ctx[i->src_reg], "load through r%d, which is not the context", i->src_reg);
			ck_assert(i->off == 0 || i->off == 4 || i->off == 8);
			uint32_t v;
			memcpy(&v, (const char *)ctx + i->off, sizeof(v));
			*d = v;
			is_ctx[i->dst_reg] = false;
			set[i->dst_reg] = true;
			continue;
		}
		if (i->code == (BPF_ALU64 | BPF_MOV | BPF_X)) {
			ck_assert_msg(set[i->src_reg], "instruction %zu reads r%d, never written", pc - 1, i->src_reg);
			*d = reg[i->src_reg];
			set[i->dst_reg] = true;
			is_ctx[i->dst_reg] = is_ctx[i->src_reg];
			continue;
		}
		ck_assert_msg(!is_ctx[i->dst_reg] || i->code == (BPF_ALU64 | BPF_MOV | BPF_K),
			      "instruction %zu works on the context pointer", pc - 1);
		is_ctx[i->dst_reg] = false;
		ck_assert_msg(set[i->dst_reg] || i->code == (BPF_ALU64 | BPF_MOV | BPF_K),
			      "instruction %zu reads r%d, never written", pc - 1, i->dst_reg);
		set[i->dst_reg] = true;
		bool jump = false;
		switch (i->code) {
		case BPF_ALU64 | BPF_MOV | BPF_K:
			*d = k;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			*d &= k;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			*d >>= i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			jump = *d != k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			jump = *d == k;
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			jump = (uint32_t)*d != (uint32_t)i->imm;
			break;
		case BPF_JMP | BPF_EXIT:
			return reg[0];
		default:
			ck_abort_msg("instruction %zu: opcode 0x%02x is not one the generator emits", pc - 1, i->code);
		}
		if (jump) {
			ck_assert_int_ge(i->off, 0); /* forward only: no loops */
			pc += (size_t)i->off;
		}
	}
	ck_abort_msg("the program did not exit");
	return 0;
}

/* ---- lists and their programs ---- */

static struct cinch_spec_device_rule rule(bool allow, char type, int64_t major, int64_t minor, const char *access)
{
	return (struct cinch_spec_device_rule){
	    .allow = allow,
	    .type = type,
	    .major = {major != ANY, major},
	    .minor = {minor != ANY, minor},
	    .access = (char *)access,
	};
}
#define ALLOW(t, ma, mi, acc) rule(true, t, ma, mi, acc)
#define DENY(t, ma, mi, acc)  rule(false, t, ma, mi, acc)

struct built {
	struct cinch_devices_policy pol;
	struct cinch_devices_prog prog;
};

static struct built build(const struct cinch_spec_device_rule *items, size_t n)
{
	struct cinch_spec_device_rules rules = {(struct cinch_spec_device_rule *)items, n};
	struct built b = {0};
	struct cinch_error *err = NULL;
	int r = cinch_devices_policy_build(&rules, &b.pol, &err);
	ck_assert_msg(r == 0, "the fold refused the list: %s", err ? err->msg : "(no message)");
	cinch_devices_prog_build(&b.pol, &b.prog);
	return b;
}
#define BUILD(...)                                                                                                     \
	build((const struct cinch_spec_device_rule[]){__VA_ARGS__},                                                    \
	      sizeof((const struct cinch_spec_device_rule[]){__VA_ARGS__}) / sizeof(struct cinch_spec_device_rule))

static void built_clear(struct built *b)
{
	cinch_devices_prog_clear(&b->prog);
	cinch_devices_policy_clear(&b->pol);
}

/* What the program says for one access: true to allow. */
static bool prog_allows(const struct built *b, char type, uint32_t major, uint32_t minor, unsigned access)
{
	struct bpf_cgroup_dev_ctx ctx = {
	    .access_type = (access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
	    .major = major,
	    .minor = minor,
	};
	uint64_t r0 = run(&b->prog, &ctx);
	ck_assert_msg(r0 == 0 || r0 == 1, "the program returned %llu", (unsigned long long)r0);
	return r0 == 1;
}

/* The program and the fold agree on every tuple of a grid around the
 * numbers the tests use. */
static void agree_everywhere(const struct built *b)
{
	static const uint32_t majors[] = {0, 1, 5, 7, 8, 136, 4000, 3000000000u};
	static const uint32_t minors[] = {0, 1, 3, 5, 99, 1048575};
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < ARRAY_SIZE(majors); i++)
			for (size_t j = 0; j < ARRAY_SIZE(minors); j++)
				for (unsigned acc = 1; acc <= (R | W | M); acc++) {
					char type = t ? 'b' : 'c';
					bool want =
					    cinch_devices_policy_allows(&b->pol, type, majors[i], minors[j], acc);
					ck_assert_msg(prog_allows(b, type, majors[i], minors[j], acc) == want,
						      "%c %u:%u access %u: the program says %s, the fold %s", type,
						      majors[i], minors[j], acc, want ? "deny" : "allow",
						      want ? "allow" : "deny");
				}
}

#define ALLOWS(b, t, ma, mi, acc)                                                                                      \
	ck_assert_msg(prog_allows(&(b), t, ma, mi, acc), "%c %d:%d %s denied", t, ma, mi, #acc)
#define DENIES(b, t, ma, mi, acc)                                                                                      \
	ck_assert_msg(!prog_allows(&(b), t, ma, mi, acc), "%c %d:%d %s allowed", t, ma, mi, #acc)

/* ---- the tests ---- */

START_TEST(no_rules_deny_everything)
{
	struct cinch_spec_device_rules none = {NULL, 0};
	struct built b = {0};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_devices_policy_build(&none, &b.pol, &err), 0);
	cinch_devices_prog_build(&b.pol, &b.prog);
	ck_assert(!b.pol.default_allow);
	ck_assert_uint_eq(b.pol.n, 0);
	ck_assert_uint_eq(b.prog.n, 2); /* r0 = 0; exit */
	DENIES(b, 'c', 1, 3, R);
	DENIES(b, 'b', 8, 0, M);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

START_TEST(deny_all_then_dev_null)
{
	struct built b = BUILD(DENY('a', ANY, ANY, "rwm"), ALLOW('c', 1, 3, "rwm"));
	ALLOWS(b, 'c', 1, 3, R | W);
	ALLOWS(b, 'c', 1, 3, M);
	ALLOWS(b, 'c', 1, 3, R | W | M);
	DENIES(b, 'b', 8, 0, R);
	DENIES(b, 'b', 8, 0, M);
	DENIES(b, 'b', 1, 3, R); /* the type counts */
	DENIES(b, 'c', 1, 5, R);
	DENIES(b, 'c', 3, 1, R);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

/* The list container.c gives a config without device rules: the defaults
 * only, and the fold starts from deny-all by itself. */
START_TEST(defaults_alone)
{
	struct built b = BUILD(ALLOW('c', 1, 3, "rwm"), ALLOW('c', 1, 5, "rwm"), ALLOW('c', 1, 7, "rwm"),
			       ALLOW('c', 1, 8, "rwm"), ALLOW('c', 1, 9, "rwm"), ALLOW('c', 5, 0, "rwm"),
			       ALLOW('c', 5, 2, "rwm"), ALLOW('c', 136, ANY, "rwm"));
	ALLOWS(b, 'c', 1, 3, R | W);
	ALLOWS(b, 'c', 5, 2, R | W);
	ALLOWS(b, 'c', 136, 0, R | W);
	DENIES(b, 'b', 8, 0, R);
	DENIES(b, 'b', 8, 0, M);
	DENIES(b, 'b', 254, 0, R);
	DENIES(b, 'c', 1, 1, R); /* /dev/mem */
	DENIES(b, 'c', 5, 1, R);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

START_TEST(allow_all)
{
	struct built b = BUILD(ALLOW('a', ANY, ANY, "rwm"));
	ck_assert(b.pol.default_allow);
	ck_assert_uint_eq(b.prog.n, 2); /* r0 = 1; exit */
	ALLOWS(b, 'b', 8, 0, R | W | M);
	ALLOWS(b, 'c', 1, 1, R);
	agree_everywhere(&b);
	built_clear(&b);
	/* a deny-all after it wins, and so does an allow-all after that */
	b = BUILD(ALLOW('a', ANY, ANY, NULL), DENY('a', ANY, ANY, "rwm"));
	DENIES(b, 'b', 8, 0, R);
	agree_everywhere(&b);
	built_clear(&b);
	b = BUILD(ALLOW('c', 1, 3, "rwm"), DENY('a', ANY, ANY, "rwm"), ALLOW('a', ANY, ANY, "rwm"));
	ALLOWS(b, 'b', 8, 0, R);
	built_clear(&b);
}
END_TEST

/* Any "a" deny resets the list, whatever its numbers say (as the kernel). */
START_TEST(deny_a_resets)
{
	struct built b = BUILD(ALLOW('c', 1, 3, "rwm"), DENY('a', 1, ANY, "r"), ALLOW('c', 1, 5, "r"));
	DENIES(b, 'c', 1, 3, R);
	DENIES(b, 'c', 1, 3, M);
	ALLOWS(b, 'c', 1, 5, R);
	DENIES(b, 'c', 1, 5, W);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

START_TEST(wildcard_minor)
{
	struct built b = BUILD(ALLOW('c', 136, ANY, "rw"));
	ALLOWS(b, 'c', 136, 0, R | W);
	ALLOWS(b, 'c', 136, 99, R);
	ALLOWS(b, 'c', 136, 1048575, W);
	DENIES(b, 'c', 136, 5, M);
	DENIES(b, 'c', 136, 5, R | M);
	DENIES(b, 'c', 137, 0, R);
	DENIES(b, 'b', 136, 0, R);
	agree_everywhere(&b);
	built_clear(&b);
	b = BUILD(ALLOW('b', ANY, 0, "r"));
	ALLOWS(b, 'b', 8, 0, R);
	ALLOWS(b, 'b', 7, 0, R);
	DENIES(b, 'b', 8, 1, R);
	DENIES(b, 'c', 8, 0, R);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

START_TEST(later_deny_overrides_allow)
{
	struct built b = BUILD(DENY('a', ANY, ANY, "rwm"), ALLOW('c', 1, 3, "rwm"), DENY('c', 1, 3, "w"));
	ALLOWS(b, 'c', 1, 3, R);
	ALLOWS(b, 'c', 1, 3, M);
	ALLOWS(b, 'c', 1, 3, R | M);
	DENIES(b, 'c', 1, 3, W);
	DENIES(b, 'c', 1, 3, R | W);
	agree_everywhere(&b);
	built_clear(&b);
	/* and a later allow gives it back */
	b = BUILD(ALLOW('c', 1, 3, "rwm"), DENY('c', 1, 3, "rwm"), ALLOW('c', 1, 3, "w"));
	ck_assert_uint_eq(b.pol.n, 1);
	ALLOWS(b, 'c', 1, 3, W);
	DENIES(b, 'c', 1, 3, R);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

/* As v1: a wildcard deny takes bits from the equal wildcard exception
 * only; a narrower allow before it stays. */
START_TEST(wildcard_deny_keeps_narrower_allow)
{
	struct built b = BUILD(ALLOW('c', 1, 3, "rwm"), ALLOW('c', 1, ANY, "r"), DENY('c', 1, ANY, "rwm"));
	ck_assert_uint_eq(b.pol.n, 1);
	ALLOWS(b, 'c', 1, 3, R | W);
	DENIES(b, 'c', 1, 5, R);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

START_TEST(mknod_only)
{
	struct built b = BUILD(ALLOW('c', ANY, ANY, "m"), ALLOW('b', ANY, ANY, "m"), ALLOW('c', 1, 3, "rwm"));
	ALLOWS(b, 'b', 8, 0, M);
	ALLOWS(b, 'c', 4000, 1, M);
	DENIES(b, 'b', 8, 0, R);
	DENIES(b, 'b', 8, 0, R | M);
	DENIES(b, 'c', 10, 200, W);
	ALLOWS(b, 'c', 1, 3, R | W);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

/* An open for reading and writing asks both bits at once: under deny-all
 * one exception must hold both (the kernel's match_exception). */
START_TEST(access_asked_at_once)
{
	struct built b = BUILD(ALLOW('c', 1, ANY, "r"), ALLOW('c', 1, 3, "w"));
	ALLOWS(b, 'c', 1, 3, R);
	ALLOWS(b, 'c', 1, 3, W);
	DENIES(b, 'c', 1, 3, R | W);
	agree_everywhere(&b);
	built_clear(&b);
	/* equal devices merge their bits */
	b = BUILD(ALLOW('c', 1, 3, "r"), ALLOW('c', 1, 3, "w"));
	ck_assert_uint_eq(b.pol.n, 1);
	ALLOWS(b, 'c', 1, 3, R | W);
	built_clear(&b);
}
END_TEST

/* Under allow-all a deny exception denies any access that shares a bit
 * with it (the kernel's match_exception_partial). */
START_TEST(allow_all_with_denies)
{
	struct built b = BUILD(ALLOW('a', ANY, ANY, "rwm"), DENY('c', 1, 3, "w"), DENY('b', 8, ANY, "rwm"));
	ALLOWS(b, 'c', 1, 3, R);
	ALLOWS(b, 'c', 1, 3, M);
	DENIES(b, 'c', 1, 3, W);
	DENIES(b, 'c', 1, 3, R | W);
	ALLOWS(b, 'c', 1, 5, W);
	DENIES(b, 'b', 8, 0, R);
	DENIES(b, 'b', 8, 17, M);
	ALLOWS(b, 'b', 7, 0, R);
	agree_everywhere(&b);
	built_clear(&b);
	/* an allow takes a deny exception's bits away */
	b = BUILD(ALLOW('a', ANY, ANY, "rwm"), DENY('c', 1, 3, "rw"), ALLOW('c', 1, 3, "r"));
	ALLOWS(b, 'c', 1, 3, R);
	DENIES(b, 'c', 1, 3, W);
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

/* Numbers above 2^31 are compared as the u32 they are (32-bit jumps). */
START_TEST(large_numbers)
{
	struct built b = BUILD(ALLOW('c', 4000, 1048575, "r"), ALLOW('b', 3000000000LL, ANY, "r"));
	ALLOWS(b, 'c', 4000, 1048575, R);
	DENIES(b, 'c', 4000, 1048574, R);
	ck_assert(prog_allows(&b, 'b', 3000000000u, 0, R));
	ck_assert(!prog_allows(&b, 'b', 3000000001u, 0, R));
	agree_everywhere(&b);
	built_clear(&b);
}
END_TEST

static const char *refusal(const struct cinch_spec_device_rule *items, size_t n)
{
	static char msg[512];
	struct cinch_spec_device_rules rules = {(struct cinch_spec_device_rule *)items, n};
	struct cinch_devices_policy pol = {0};
	struct cinch_error *err = NULL;
	ck_assert_int_eq(cinch_devices_policy_build(&rules, &pol, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_null(pol.items);
	snprintf(msg, sizeof(msg), "%s", err->msg);
	cinch_error_free(err);
	return msg;
}
#define REFUSAL(...)                                                                                                   \
	refusal((const struct cinch_spec_device_rule[]){__VA_ARGS__},                                                  \
		sizeof((const struct cinch_spec_device_rule[]){__VA_ARGS__}) / sizeof(struct cinch_spec_device_rule))

START_TEST(refused_lists)
{
	/* v1 would ignore these denies: a wildcard exception keeps the bits */
	ck_assert_str_eq(REFUSAL(ALLOW('c', ANY, ANY, "m"), DENY('c', 1, 3, "m")),
			 "linux.resources.devices[1]: deny \"c 1:3 m\" cannot take a device out of the earlier "
			 "wildcard allow \"c *:* m\" (the kernel's device list only removes whole rules)");
	ck_assert_str_eq(REFUSAL(ALLOW('c', 1, ANY, "rw"), DENY('c', 1, 3, "w")),
			 "linux.resources.devices[1]: deny \"c 1:3 w\" cannot take a device out of the earlier "
			 "wildcard allow \"c 1:* rw\" (the kernel's device list only removes whole rules)");
	ck_assert_str_eq(REFUSAL(ALLOW('a', ANY, ANY, "rwm"), DENY('b', 8, ANY, "rwm"), ALLOW('b', 8, 0, "r")),
			 "linux.resources.devices[2]: allow \"b 8:0 r\" cannot take a device out of the earlier "
			 "wildcard deny \"b 8:* rwm\" (the kernel's device list only removes whole rules)");
	ck_assert_str_eq(REFUSAL(ALLOW('c', 1, 3, "rwm"), ALLOW('a', 1, 3, "rwm")),
			 "linux.resources.devices[1]: an allow rule of type \"a\" allows every device; major, minor "
			 "and access must be wildcards (\"rwm\")");
	ck_assert_str_eq(REFUSAL(ALLOW('a', ANY, ANY, "r")),
			 "linux.resources.devices[0]: an allow rule of type \"a\" allows every device; major, minor "
			 "and access must be wildcards (\"rwm\")");
	ck_assert_str_eq(REFUSAL(ALLOW('c', 4294967295LL, 0, "r")),
			 "linux.resources.devices[0].major: 4294967295 is not a device number");
	ck_assert_str_eq(REFUSAL(ALLOW('c', 1, -2, "r")),
			 "linux.resources.devices[0].minor: -2 is not a device number");
	ck_assert_str_eq(REFUSAL(ALLOW('c', 1, 3, "rx")),
			 "linux.resources.devices[0].access: \"rx\" is not a combination of r, w and m");
	ck_assert_str_eq(REFUSAL(ALLOW('c', 1, 3, "")),
			 "linux.resources.devices[0].access: \"\" is not a combination of r, w and m");
	ck_assert_str_eq(REFUSAL(ALLOW('u', 1, 3, "r")), "linux.resources.devices[0].type: \"u\" is not a, b or c");
	/* taking bits the wildcard does not hold is fine */
	struct built b = BUILD(ALLOW('c', ANY, ANY, "m"), ALLOW('c', 1, 3, "rw"), DENY('c', 1, 3, "w"));
	ALLOWS(b, 'c', 1, 3, R);
	ALLOWS(b, 'c', 1, 3, M);
	DENIES(b, 'c', 1, 3, W);
	DENIES(b, 'c', 1, 3, R | M); /* no one exception holds both */
	built_clear(&b);
}
END_TEST

/* The program reads the context it is given, at the offsets of the UAPI
 * struct, and starts by loading access_type. */
START_TEST(program_shape)
{
	struct built b = BUILD(ALLOW('c', 1, 3, "rwm"));
	ck_assert_uint_ge(b.prog.n, 4);
	ck_assert_uint_eq(b.prog.insns[0].code, BPF_LDX | BPF_MEM | BPF_W);
	ck_assert_int_eq(b.prog.insns[0].src_reg, 1);
	ck_assert_int_eq(b.prog.insns[0].off, 0);
	ck_assert_uint_eq(b.prog.insns[b.prog.n - 1].code, BPF_JMP | BPF_EXIT);
	built_clear(&b);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("devices-bpf");
	TCase *tc = tcase_create("pure");
	tcase_add_test(tc, no_rules_deny_everything);
	tcase_add_test(tc, deny_all_then_dev_null);
	tcase_add_test(tc, defaults_alone);
	tcase_add_test(tc, allow_all);
	tcase_add_test(tc, deny_a_resets);
	tcase_add_test(tc, wildcard_minor);
	tcase_add_test(tc, later_deny_overrides_allow);
	tcase_add_test(tc, wildcard_deny_keeps_narrower_allow);
	tcase_add_test(tc, mknod_only);
	tcase_add_test(tc, access_asked_at_once);
	tcase_add_test(tc, allow_all_with_denies);
	tcase_add_test(tc, large_numbers);
	tcase_add_test(tc, refused_lists);
	tcase_add_test(tc, program_shape);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
