/* devices-bpf: owns what a container's device rules mean and their
 * enforcement on cgroup v2: the list of linux.resources.devices rules
 * folded, exactly as the v1 devices controller folds devices.allow and
 * devices.deny writes, into a default and its exceptions (pure); the
 * BPF_PROG_TYPE_CGROUP_DEVICE program that decides as that folded list
 * does (pure); and loading that program and attaching it to a cgroup v2
 * directory with the raw bpf(2) syscall.
 *
 * Semantics, those of the v1 kernel and of runc's emulator of it:
 *  - the fold starts from deny-all, whatever the rules say;
 *  - a type "a" rule resets: deny-all, or (allow) allow-all;
 *  - under deny-all an allow rule adds an exception (access bits of an
 *    equal type:major:minor merge) and a deny rule takes access bits away
 *    from the exception with the same type:major:minor; under allow-all
 *    the roles swap;
 *  - a rule that would take bits from a narrower device than a wildcard
 *    exception holding them ("deny c 1:3 m" after "allow c *:* m") is
 *    refused, as runc refuses it: v1 would silently ignore it, since it
 *    only takes bits from an equal exception.  The other way round, a
 *    wildcard deny after a narrower allow ("deny c 1:* rwm" after "allow
 *    c 1:3 rwm") leaves the allow in place, on v1 as here;
 *  - an access under deny-all is allowed when one exception matches the
 *    device and holds every bit asked for at once; under allow-all it is
 *    denied when an exception matches the device and shares any bit.
 * The order of exceptions does not matter, so the program tests them in
 * turn and returns on the first match.  Programs attached to a cgroup
 * with BPF_F_ALLOW_MULTI all run and all must allow: ours can only deny
 * more than what systemd or a parent put there.
 *
 * The kernel's verifier takes programs of up to about 2,700 exceptions
 * (fewer branches with wildcards, more exceptions); past that it refuses,
 * and so does create, with the verifier's reason.
 *
 * Errors name the rule (linux.resources.devices[i]) or the cgroup
 * directory. */
#ifndef CINCH_DEVICES_BPF_H
#define CINCH_DEVICES_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cinch_error;
struct cinch_spec_device_rules;

/* One exception of the folded list.  access: BPF_DEVCG_ACC_* bits. */
struct cinch_devices_exception {
	char type;     /* 'b' or 'c' */
	int64_t major; /* -1: every major */
	int64_t minor; /* -1: every minor */
	unsigned access;
};
struct cinch_devices_policy {
	bool default_allow;
	struct cinch_devices_exception *items;
	size_t n;
};
/* Folds the rules in order, from deny-all. */
int cinch_devices_policy_build(const struct cinch_spec_device_rules *rules, struct cinch_devices_policy *out,
			       struct cinch_error **err);
void cinch_devices_policy_clear(struct cinch_devices_policy *p);
/* Whether the folded list allows access (BPF_DEVCG_ACC_* bits) to the
 * device of type 'b' or 'c'; what the program computes, for the tests. */
bool cinch_devices_policy_allows(const struct cinch_devices_policy *p, char type, uint32_t major, uint32_t minor,
				 unsigned access);

struct cinch_devices_prog {
	struct bpf_insn *insns;
	size_t n;
};
/* The program for the folded list: reads struct bpf_cgroup_dev_ctx from
 * r1, returns 1 to allow and 0 to deny. */
void cinch_devices_prog_build(const struct cinch_devices_policy *p, struct cinch_devices_prog *out);
void cinch_devices_prog_clear(struct cinch_devices_prog *prog);

/* Loads prog and attaches it to the cgroup v2 directory dir with
 * BPF_F_ALLOW_MULTI.  The attachment lives as long as the cgroup (rmdir
 * frees it); nothing is left open. */
int cinch_devices_bpf_attach(const char *dir, const struct cinch_devices_prog *prog, struct cinch_error **err);
/* policy_build, prog_build and bpf_attach in one. */
int cinch_devices_bpf_apply(const char *dir, const struct cinch_spec_device_rules *rules, struct cinch_error **err);

#endif
