#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq and sh text are theirs
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# shellcheck disable=SC2119 # ct_run's options are for the tests that need them
# Attack tests, as root: each security claim of cinch is tried as an attack
# that must fail with an exact observable (exit status, message, or the
# kernel's answer inside the container), next to a control that does the
# same thing where the config allows it, so that a test cannot pass when the
# feature is missing.
#
#  - seccomp: the default profile, unconfined, a config's own filter, and
#    profile names that are paths;
#  - capabilities and no_new_privs;
#  - file descriptors: the caller's leaked fds, --preserve-fds, and
#    process.cwd through /proc/self/fd (CVE-2024-21626);
#  - mount destinations through symlinks and '..' (CVE-2021-30465);
#  - maskedPaths and readonlyPaths, also when /dev/null is the image's
#    (CVE-2025-31133), /sys, the read-only root, nosuid/nodev, device nodes;
#  - hostile configs and container ids, and the pid namespace.
#
# Every test uses its own state root and unique ids.  Teardown deletes each
# container with --force, then fails the test if anything is left: a process
# the test saw or one in the container's pid namespace, a cgroup named after
# the id, the state dir, a mount under the test's dir, or a process of the
# cinch binary.

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# Container ids are sec-<test>-<bats pid>-<n>.
# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=sec

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
}

teardown() {
	container_teardown
}

# --- helpers of this file ---------------------------------------------------

# rt_fd3 FILE ARGS...: rt, with FILE open as fd 3 of the runtime (rt
# itself closes fd 3, which is bats' own).
rt_fd3() {
	local file=$1 out rc=0
	shift
	out=$(mktemp "$BATS_TEST_TMPDIR/rt.XXXXXX")
	timeout -k 5 "$RT_TIMEOUT" "$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} "$@" \
		<"/dev/null" >"$out" 2>"$out.err" 3<"$file" || rc=$?
	cat -- "$out.err" >&2
	cat -- "$out"
	return "$rc"
}

# expect_nothing_left ID: a refused create made nothing: no state under
# $STATE_ROOT, no cgroup named after ID, no process rooted in $BUNDLE.
expect_nothing_left() {
	local made
	made=$(state_entries "$STATE_ROOT")
	[[ -z $made ]] || fail "a refused create left state behind:" "$made" || return 1
	assert_no_cgroup "$1" || return 1
	expect_no_process_in "$BUNDLE/rootfs"
}

# expect_no_process_in DIR: no process has DIR as its root.  (Other tests
# may run the same binary at the same time, so this looks for processes of
# this test's bundle, not for processes of the binary.)
expect_no_process_in() {
	local root pid found=()
	root=$(realpath -- "$1")
	for pid in /proc/[0-9]*; do
		[[ $(readlink "$pid/root" 2>/dev/null) == "$root" ]] || continue
		proc_stat_fields "${pid#/proc/}" || continue
		[[ ${PROC_STAT[0]} != [ZX] ]] || continue
		found+=("$(proc_describe "${pid#/proc/}")")
	done
	((${#found[@]} == 0)) || fail "processes left in $root:" "${found[@]}"
}

# mount_line MOUNTINFO PATH: the line of MOUNTINFO whose mount point is PATH
# (the last one, i.e. the one on top).
mount_line() {
	awk -v p="$2" '$5 == p { line = $0 } END { if (line != "") print line; else exit 1 }' <<<"$1"
}

# expect_mount_opts MOUNTINFO PATH OPT...: the mount on PATH has each
# per-mount option OPT (field 6 of mountinfo).
expect_mount_opts() {
	local info=$1 path=$2 line opts opt
	shift 2
	line=$(mount_line "$info" "$path") || {
		fail "no mount on $path inside the container:" "$info"
		return 1
	}
	opts=$(awk '{ print $6 }' <<<"$line")
	for opt; do
		[[ ,$opts, == *",$opt,"* ]] || fail "mount on $path lacks $opt: $line" || return 1
	done
}

# --- 1. seccomp -------------------------------------------------------------

@test "seccomp: the default profile is on (Seccomp: 2) and unshare(2) fails 'Operation not permitted'; unconfined has none" {
	local script='grep "^Seccomp:" /proc/self/status; busybox unshare -r true'

	new_container sh -c "$script"
	json_assert "$BUNDLE/config.json" '(.linux.seccomp == null) and
		.annotations["org.cinch.seccomp.profile"] == "default"'
	ct_run
	expect_result "default profile" 1 $'Seccomp:\t2' \
		"unshare: unshare(0x10000000): Operation not permitted"
	expect_gone "$ID"

	# Control: with no filter unshare -r works, so the refusal above is
	# the filter's, unless the host refuses every unprivileged user
	# namespace by a setting (then the test cannot tell, and says so).
	new_container sh -c "$script"
	config_set "$BUNDLE" '.annotations["org.cinch.seccomp.profile"] = "unconfined"'
	ct_run
	local refusal
	if refusal=$(host_userns_refusal); then
		skip "$refusal"
	fi
	expect_result "unconfined" 0 $'Seccomp:\t0' ""
	expect_gone "$ID"
}

@test "seccomp: a config's own linux.seccomp is applied (mkdir -> EPERM); the default profile allows mkdir" {
	new_container mkdir /tmp/x
	config_set "$BUNDLE" '.linux.seccomp = {
		defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	ct_run
	expect_result "mkdir under the config's filter" 1 "" \
		"mkdir: can't create directory '/tmp/x': Operation not permitted"
	expect_gone "$ID"

	new_container sh -c 'mkdir /tmp/x && echo made'
	ct_run
	expect_result "mkdir under the default profile" 0 made ""
	expect_gone "$ID"
}

# seccomp_mkdir_container ERRNO: a container that tries mkdir under a filter
# refusing it with ERRNO.  seccomp_mkdir_container allow N: a filter that
# allows mkdir (it refuses acct(2) with errno N, to vary the key).
seccomp_mkdir_container() {
	local names='["mkdir", "mkdirat"]' e=$1
	[[ $1 == allow ]] && names='["acct"]' e=$2
	new_container sh -c 'mkdir /tmp/x && echo made'
	config_set "$BUNDLE" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: $names, action: "SCMP_ACT_ERRNO", errnoRet: $e}]}' \
		--argjson names "$names" --argjson e "$e"
}

# cache_run: ct_run with a debug log, kept in $CACHE_LOG.
cache_run() {
	CACHE_LOG=$BATS_TEST_TMPDIR/$ID.log
	run --separate-stderr rt --debug --log "$CACHE_LOG" run --bundle "$BUNDLE" "$ID"
}

# cache_said WHAT: the slot named in the debug log's "seccomp cache: WHAT
# slot XX" line ("stored in", "hit in"); fails when there is none.
cache_said() {
	local line
	line=$(grep -o "seccomp cache: $1 slot [0-9a-f]*" "$CACHE_LOG") ||
		fail "no 'seccomp cache: $1' in the log:" "$(cat "$CACHE_LOG")" || return 1
	echo "${line##* }"
}

EPERM_OUT="mkdir: can't create directory '/tmp/x': Operation not permitted"

@test "seccomp cache: filters differing only in errnoRet get programs of their own; a hit applies the same filter" {
	local slot
	seccomp_mkdir_container 1
	cache_run
	expect_result "errnoRet 1, compiled" 1 "" "$EPERM_OUT"
	cache_said "stored in" >/dev/null
	expect_gone "$ID"

	seccomp_mkdir_container 13
	cache_run
	expect_result "errnoRet 13, compiled" 1 "" "mkdir: can't create directory '/tmp/x': Permission denied"
	cache_said "stored in" >/dev/null
	expect_gone "$ID"

	seccomp_mkdir_container 1
	cache_run
	expect_result "errnoRet 1, from the cache" 1 "" "$EPERM_OUT"
	cache_said "hit in" >/dev/null
	expect_gone "$ID"
	[[ $(stat -c %a "$STATE_ROOT/@seccomp-cache") == 700 ]] || fail "cache directory mode is not 700"
}

# cache_forge VICTIM ATTACKER OUT: a cache file holding VICTIM's key with
# ATTACKER's program.  Layout: magic(8) format(4) key_len(4) flags(4)
# insns(4), then the key, then the program.
cache_forge() {
	local v=$1 a=$2 out=$3 vkey akey
	vkey=$(od -An -tu4 -j12 -N4 "$v" | tr -d ' ')
	akey=$(od -An -tu4 -j12 -N4 "$a" | tr -d ' ')
	{
		head -c 16 "$v"
		tail -c +17 "$a" | head -c 8
		tail -c +25 "$v" | head -c "$vkey"
		tail -c +$((25 + akey)) "$a"
	} >"$out.new"
	mv "$out.new" "$out"
}

@test "seccomp cache: a program planted under a container's key is used only from a file private to root" {
	local victim attacker dir=$STATE_ROOT/@seccomp-cache
	seccomp_mkdir_container 1
	cache_run
	expect_result "victim filter" 1 "" "$EPERM_OUT"
	victim=$(cache_said "stored in")
	expect_gone "$ID"
	# The attacker's filter lets mkdir through; varied until its slot is
	# not the victim's (the slot is a hash of the key).
	local k
	for k in 1 2 3 4 5 6; do
		seccomp_mkdir_container allow "$k"
		cache_run
		expect_result "mkdir-allowing filter" 0 made ""
		attacker=$(cache_said "stored in")
		expect_gone "$ID"
		[[ $victim == "$attacker" ]] || break
	done
	[[ $victim != "$attacker" ]] || fail "every filter tried landed in slot $victim"
	cp "$dir/$victim" "$BATS_TEST_TMPDIR/victim"
	cp "$dir/$attacker" "$BATS_TEST_TMPDIR/attacker"

	# Owned by another user: ignored, the filter is compiled again.
	cache_forge "$BATS_TEST_TMPDIR/victim" "$BATS_TEST_TMPDIR/attacker" "$dir/$victim"
	chown 65534:65534 "$dir/$victim"
	seccomp_mkdir_container 1
	cache_run
	expect_result "planted by another user" 1 "" "$EPERM_OUT"
	grep -q "seccomp cache: .*/$victim ignored" "$CACHE_LOG" || fail "no 'ignored' in the log"
	expect_gone "$ID"

	# Readable or writable by others: ignored too.
	cache_forge "$BATS_TEST_TMPDIR/victim" "$BATS_TEST_TMPDIR/attacker" "$dir/$victim"
	chmod 0644 "$dir/$victim"
	seccomp_mkdir_container 1
	cache_run
	expect_result "planted with mode 0644" 1 "" "$EPERM_OUT"
	expect_gone "$ID"

	# A directory others can write: the whole cache is ignored.
	cache_forge "$BATS_TEST_TMPDIR/victim" "$BATS_TEST_TMPDIR/attacker" "$dir/$victim"
	chmod 0600 "$dir/$victim"
	chmod 0777 "$dir"
	seccomp_mkdir_container 1
	cache_run
	expect_result "cache directory mode 0777" 1 "" "$EPERM_OUT"
	grep -q "seccomp cache: $dir ignored" "$CACHE_LOG" || fail "no 'ignored' for the directory in the log"
	expect_gone "$ID"
	chmod 0700 "$dir"

	# Control: the same forged file, private to root, is what cinch loads;
	# so the refusals above are the ownership and mode checks at work.
	cache_forge "$BATS_TEST_TMPDIR/victim" "$BATS_TEST_TMPDIR/attacker" "$dir/$victim"
	chmod 0600 "$dir/$victim"
	seccomp_mkdir_container 1
	cache_run
	expect_result "forged file private to root" 0 made ""
	expect_gone "$ID"
}

# A static probe, built here: busybox has no applet that calls clone(2) or
# clone3(2) with a namespace flag.
probe_src='
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static void report(const char *what, long r)
{
	if (r == 0)
		_exit(0); /* the child */
	if (r < 0)
		printf("%s: %s\n", what, strerror(errno));
	else {
		waitpid((pid_t)r, NULL, 0);
		printf("%s: ok\n", what);
	}
}
int main(void)
{
	report("clone", syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
	struct clone_args a;
	memset(&a, 0, sizeof(a));
	a.flags = CLONE_NEWUSER;
	a.exit_signal = SIGCHLD;
	report("clone3", syscall(SYS_clone3, &a, sizeof(a)));
	return 0;
}
'

@test "seccomp: the default profile refuses new namespaces through clone(2) and clone3(2) too" {
	local probe=$BATS_TEST_TMPDIR/probe
	if ! command -v cc >/dev/null ||
		! cc -static -O2 -o "$probe" -x c - <<<"$probe_src" 2>"$BATS_TEST_TMPDIR/cc.err"; then
		fail "no static C compiler for the clone probe (scripts/install-deps.sh installs one):" \
			"$(head -c 300 "$BATS_TEST_TMPDIR/cc.err" 2>/dev/null)" || return 1
	fi

	# Control: with no filter the probe makes user namespaces, so a refusal
	# below is the profile's doing.
	new_container /probe
	install -m 0755 "$probe" "$BUNDLE/rootfs/probe"
	config_set "$BUNDLE" '.annotations["org.cinch.seccomp.profile"] = "unconfined"'
	ct_run
	local refusal
	if refusal=$(host_userns_refusal); then
		skip "$refusal"
	fi
	expect_ok "probe, unconfined"
	[[ $output == $'clone: ok\nclone3: ok' ]] ||
		fail "unconfined: the probe made no user namespace (annotation ignored?):" "$output" || return 1
	expect_gone "$ID"

	# The profile refuses unshare(2) and setns(2) so that a container makes
	# no namespace; clone(2) and clone3(2) with CLONE_NEWUSER are the same
	# door (docker's profile filters clone's flags and answers clone3 with
	# ENOSYS, so that libc falls back to clone).
	new_container /probe
	install -m 0755 "$probe" "$BUNDLE/rootfs/probe"
	ct_run
	expect_ok "probe, default profile"
	local clone=${output%%$'\n'*} clone3=${output#*$'\n'}
	[[ $clone == "clone: Operation not permitted" &&
		($clone3 == "clone3: Operation not permitted" || $clone3 == "clone3: Function not implemented") ]] ||
		fail "the default profile lets the workload make a user namespace:" "$output"
	expect_gone "$ID"
}

@test "seccomp: a profile name that is a path is refused at create ('is not a profile name'), leaving nothing" {
	new_container
	local name
	for name in ../x ../../../../etc/passwd /tmp/x x/../default default.json ""; do
		config_set "$BUNDLE" '.annotations["org.cinch.seccomp.profile"] = $p' --arg p "$name"
		run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
		expect_result "profile '$name'" 1 "" \
			"cinch: $BUNDLE/config.json: annotations[\"org.cinch.seccomp.profile\"]: \"$name\" is not a profile name"
		[ ! -e "$PIDFILE" ] || fail "profile '$name': the refused create wrote its pid file"
		expect_nothing_left "$ID"
	done
}

# --- 2. capabilities, 3. no_new_privs ----------------------------------------

@test "capabilities: none by default, for uid 65534 and for uid 0; root without CAP_CHOWN cannot chown" {
	local zero=0000000000000000 want
	want=$(printf 'Cap%s:\t%s\n' Inh $zero Prm $zero Eff $zero Bnd $zero Amb $zero)
	local uid
	for uid in 65534 0; do
		new_container grep ^Cap /proc/self/status
		config_set "$BUNDLE" '.process.user = {uid: $u, gid: $u}' --argjson u "$uid"
		ct_run
		expect_result "capability sets of uid $uid" 0 "$want" ""
		expect_gone "$ID"
	done

	new_container sh -c 'touch /tmp/f && busybox chown 1 /tmp/f && stat -c %u /tmp/f'
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}'
	ct_run
	expect_result "chown as uid 0 with no capabilities" 1 "" "chown: /tmp/f: Operation not permitted"
	expect_gone "$ID"

	# Control: the same with CAP_CHOWN granted.
	new_container sh -c 'touch /tmp/f && busybox chown 1 /tmp/f && stat -c %u /tmp/f'
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .process.capabilities = {bounding: ["CAP_CHOWN"], effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"]}'
	ct_run
	expect_result "chown as uid 0 with CAP_CHOWN" 0 1 ""
	expect_gone "$ID"
}

@test "capabilities: a granted CAP_NET_BIND_SERVICE is exactly bit 10 (0000000000000400)" {
	local zero=0000000000000000 bit=0000000000000400 want
	new_container grep ^Cap /proc/self/status
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
		--argjson c '["CAP_NET_BIND_SERVICE"]'
	ct_run
	want=$(printf 'Cap%s:\t%s\n' Inh $zero Prm $bit Eff $bit Bnd $bit Amb $zero)
	expect_result "uid 0 with CAP_NET_BIND_SERVICE" 0 "$want" ""
	expect_gone "$ID"

	# A non-root user keeps it across execve only as an ambient capability.
	new_container grep ^Cap /proc/self/status
	config_set "$BUNDLE" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c,
		inheritable: $c, ambient: $c}' --argjson c '["CAP_NET_BIND_SERVICE"]'
	ct_run
	want=$(printf 'Cap%s:\t%s\n' Inh $bit Prm $bit Eff $bit Bnd $bit Amb $bit)
	expect_result "uid 65534 with ambient CAP_NET_BIND_SERVICE" 0 "$want" ""
	expect_gone "$ID"
}

set_suid_dumpable() {
	echo "$1" >/proc/sys/fs/suid_dumpable
}

@test "dumpable: init stays undumpable after its user switch, even with fs.suid_dumpable=1" {
	# A uid change makes the kernel reset the dumpable flag to
	# fs.suid_dumpable.  At 1, init (uid 65534, no capabilities) would be
	# open to ptrace and /proc/PID/mem by any host process of that uid
	# until it execs; under `run` its memory is the runtime's.
	local old
	old=$(</proc/sys/fs/suid_dumpable)
	defer set_suid_dumpable "$old"
	set_suid_dumpable 1
	new_container
	json_assert "$BUNDLE/config.json" '.process.user.uid == 65534'
	create_from_bundle
	# Created: init has become uid 65534 and waits before execve.  The
	# kernel gives an undumpable process's /proc files to root.
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$PID/status")" = 65534 ] || fail "init is not uid 65534 yet"
	local owner
	owner=$(stat -c %u "/proc/$PID/environ")
	[ "$owner" = 0 ] || fail "/proc/$PID/environ belongs to uid $owner: init is dumpable"
}

# Catches: decide_nnp not setting it (default), or process.c setting it
# whatever the plan says (runc-compatible), or the filter loaded after the
# user switch without no_new_privs (the kernel refuses it then).
@test "no_new_privs: the default policy sets it when the config says false; runc-compatible leaves it off, the filter still on" {
	local uid policy want
	for policy in "$DEFAULT_NO_LIMITS" runc-compatible; do
		for uid in 65534 0; do
			new_container grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
			config_set "$BUNDLE" '.process.noNewPrivileges = false
				| .process.user = {uid: $u, gid: $u}' --argjson u "$uid"
			want=$'NoNewPrivs:\t1\nSeccomp:\t2'
			[[ $policy == "$DEFAULT_NO_LIMITS" ]] || want=$'NoNewPrivs:\t0\nSeccomp:\t2'
			RT_POLICY=$policy ct_run
			expect_result "NoNewPrivs of uid $uid under $policy" 0 "$want" "" || return 1
			expect_gone "$ID"
		done
	done
}

# --- 4. file descriptors (CVE-2024-21626 class) -----------------------------

@test "fds: an fd the caller leaks (7) is not in the container; only 0 1 2 and ls's own" {
	local secret=$BATS_TEST_TMPDIR/secret
	echo secret >"$secret"

	new_container ls /proc/self/fd
	ct_run 7<"$secret"
	# 3 is the directory ls reads; a leaked fd would be there (or push it to 4).
	expect_result "ls /proc/self/fd with fd 7 leaked" 0 $'0\n1\n2\n3' ""
	expect_gone "$ID"

	new_container sh -c 'cat <&7'
	ct_run 7<"$secret"
	expect_result "cat <&7 with fd 7 leaked" 1 "" "sh: 7: Bad file descriptor"
	expect_gone "$ID"

	# Nothing of the runtime (its state dir, sync socket, fifo) either.
	new_container ls -l /proc/self/fd
	ct_run 7<"$secret"
	((status == 0)) || fail "ls -l /proc/self/fd: exit $status; stderr: $stderr"
	[[ $output != *"$STATE_ROOT"* && $output != *exec.fifo* && $output != *socket:* ]] ||
		fail "the workload holds an fd of the runtime:" "$output"
	expect_gone "$ID"
}

@test "fds: --preserve-fds 1 passes fd 3 (control for the leak test)" {
	local secret=$BATS_TEST_TMPDIR/secret
	echo secret >"$secret"
	new_container sh -c 'cat <&3'
	run --separate-stderr rt_fd3 "$secret" run --preserve-fds 1 --bundle "$BUNDLE" "$ID"
	expect_result "cat <&3 with --preserve-fds 1" 0 secret ""
	expect_gone "$ID"

	# Without --preserve-fds the same fd 3 is closed.
	new_container sh -c 'cat <&3'
	run --separate-stderr rt_fd3 "$secret" run --bundle "$BUNDLE" "$ID"
	expect_result "cat <&3 without --preserve-fds" 1 "" "sh: 3: Bad file descriptor"
	expect_gone "$ID"
}

# only_fd3 FILE ARGS...: rt_fd3 with every other fd above 2 of the caller
# closed, so that the numbers past 3 are free for the runtime's own.
only_fd3() {
	local file=$1 out rc=0
	shift
	out=$(mktemp "$BATS_TEST_TMPDIR/rt.XXXXXX")
	# shellcheck disable=SC2016 # expanded by that bash
	bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; ((n > 2)) && eval "exec $n>&-"; done
		f=$1; shift; exec "$@" 3<"$f"' only_fd3 "$file" \
		timeout -k 5 "$RT_TIMEOUT" "$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} "$@" \
		<"/dev/null" >"$out" 2>"$out.err" || rc=$?
	cat -- "$out.err" >&2
	cat -- "$out"
	return "$rc"
}

# Catches: --preserve-fds past the caller's open fds taken as they are
# (take_fd_range in cli.c): the runtime's own fds (its cgroup files, an
# O_PATH handle on a host directory) take the free numbers 4..22 and are
# handed to the workload.  They are /dev/null instead (crun passes what is
# open; runc refuses the rest).
@test "fds: --preserve-fds past the caller's open fds: the missing ones are /dev/null; none of the runtime's fds reaches the workload" {
	local secret=$BATS_TEST_TMPDIR/secret
	echo secret >"$secret"
	# Past 22: the directory the shell's glob read (closed by then).
	new_container sh -c 'cd /proc/self/fd && for f in *; do [ "$f" -le 22 ] && printf "%s " "$f" && readlink "$f"; done; true'
	run --separate-stderr only_fd3 "$secret" run --preserve-fds 20 --bundle "$BUNDLE" "$ID"
	expect_ok "run --preserve-fds 20 with only fd 3 passed" || return 1
	local want n
	want=$(printf '3 %s' "$secret")
	for n in {4..22}; do
		want+=$'\n'"$n /dev/null"
	done
	[[ $(sort -n <<<"$output" | sed -n '4,$p') == "$want" ]] || fail "fds 3 and up:" "$(sort -n <<<"$output")"
	expect_gone "$ID"
}

# Catches: the fds sealed (close_range CLOSE_RANGE_CLOEXEC) after the
# filter is loaded instead of before (cinch_process_load_filter): a filter
# written before Linux 5.9 knows no close_range and denies it, and every
# container then failed with "close_range: Operation not permitted".  The
# sealing still covers a leaked fd (7) and keeps a preserved one (3), with
# the filter loaded last (no_new_privs) or early (without it).
@test "fds: a filter that denies close_range and fcntl runs; a leaked fd stays out, a preserved one comes in" {
	local secret=$BATS_TEST_TMPDIR/secret nnp deny
	echo secret >"$secret"
	# EPERM, EACCES, and a kill: no answer of the filter's may matter.
	for deny in '{action: "SCMP_ACT_ERRNO", errnoRet: 1}' '{action: "SCMP_ACT_ERRNO", errnoRet: 13}' \
		'{action: "SCMP_ACT_KILL"}'; do
		for nnp in true false; do
			new_container sh -c 'cat /proc/self/fd/3 && ls /proc/self/fd'
			config_set "$BUNDLE" '.process.noNewPrivileges = $nnp
				| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"],
					syscalls: [{names: ["close_range", "fcntl"]} + $deny]}' \
				--argjson nnp "$nnp" --argjson deny "$(jq -n "$deny")"
			run --separate-stderr rt_fd3 "$secret" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 7<"$secret"
			# 4 is the directory ls reads: fd 3 is the preserved file.
			expect_result "cat fd 3; ls /proc/self/fd (noNewPrivileges $nnp, close_range: $deny)" 0 \
				$'secret\n0\n1\n2\n3\n4' "" || return 1
			expect_gone "$ID"
		done
	done
}

@test "fds: process.cwd /proc/self/fd/N (3..12) never reaches an fd of the runtime" {
	local n
	for n in {3..12}; do
		new_container true
		config_set "$BUNDLE" '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		ct_run
		((status == 1)) && [[ $stderr =~ ^"cinch: process.cwd: chdir /proc/self/fd/$n: "(No such file or directory|Not a directory)$ ]] ||
			fail "cwd /proc/self/fd/$n: exit $status, stderr '$stderr', stdout '$output'"
		expect_gone "$ID"
	done
}

# host_dir NAME: a directory of the host, under the test's dir, that anyone
# may write to (so that only the runtime's confinement keeps uid 65534 out).
host_dir() {
	local dir=$BATS_TEST_TMPDIR/$1
	mkdir -p -- "$dir" && chmod 0777 -- "$dir" && echo "$dir"
}

@test "fds: run: process.cwd /proc/self/fd/7 with a host directory leaked as fd 7 is refused (CVE-2024-21626)" {
	local host
	host=$(host_dir host)
	# chdir(process.cwd) follows /proc/self/fd/7, a magic link: if init
	# still holds the caller's fds then, the workload starts in the host's
	# directory (runc leaked its own cgroup fd that way).
	new_container sh -c 'echo escaped >escaped; pwd'
	config_set "$BUNDLE" '.process.cwd = "/proc/self/fd/7"'
	ct_run 7<"$host"
	[ ! -e "$host/escaped" ] ||
		fail "the workload ran in the host's $host and wrote $host/escaped (exit $status, stdout '$output')" || return 1
	expect_result "run with cwd /proc/self/fd/7" 1 "" \
		"cinch: process.cwd: chdir /proc/self/fd/7: No such file or directory"
	expect_gone "$ID"
}

@test "fds: exec --cwd /proc/self/fd/7 with a host directory leaked as fd 7 is refused (CVE-2024-21626)" {
	local host
	host=$(host_dir host)
	create_container
	start_container
	expect_workload "$PID"
	run --separate-stderr rt exec --cwd /proc/self/fd/7 "$ID" sh -c 'echo escaped >escaped; pwd' 7<"$host"
	[ ! -e "$host/escaped" ] ||
		fail "exec ran in the host's $host and wrote $host/escaped (exit $status, stdout '$output')" || return 1
	# exec exits 255 when it fails itself.
	expect_result "exec --cwd /proc/self/fd/7" 255 "" \
		"cinch: process.cwd: chdir /proc/self/fd/7: No such file or directory"
}

@test "fds: exec: an fd the caller leaks (7) is not in the exec'd process" {
	local secret=$BATS_TEST_TMPDIR/secret
	echo secret >"$secret"
	create_container
	start_container
	expect_workload "$PID"
	run --separate-stderr rt exec "$ID" ls /proc/self/fd 7<"$secret"
	expect_result "exec ls /proc/self/fd with fd 7 leaked" 0 $'0\n1\n2\n3' ""
	run --separate-stderr rt exec "$ID" sh -c 'cat <&7' 7<"$secret"
	expect_result "exec cat <&7 with fd 7 leaked" 1 "" "sh: 7: Bad file descriptor"
}

# --- 5. mount destinations (CVE-2021-30465 class) ---------------------------

@test "mounts: destinations through absolute and relative symlinks and '..' stay in the rootfs" {
	local h1 h2 h3 dotdot
	h1=$(host_dir abs)
	h2=$(host_dir rel)
	h3=$(host_dir dotdot)
	new_container cat /proc/self/mountinfo
	# Targets made inside the rootfs too, so that both readings of each
	# path exist and only the resolution decides where the mount lands.
	mkdir -p -- "$BUNDLE/rootfs$h1" "$BUNDLE/rootfs$h2"
	ln -s "/../../../../../../..$h1" "$BUNDLE/rootfs/escape"
	ln -s "../../../../../../..$h2" "$BUNDLE/rootfs/escape2"
	dotdot="/../../../../../../..$h3/inner"
	# No tmpfs on /tmp: it would hide where the mounts land in the rootfs.
	config_set "$BUNDLE" '.mounts |= map(select(.destination != "/tmp"))
		| .mounts += [
			{destination: "/escape/inner", type: "tmpfs", source: "tmpfs"},
			{destination: "/escape2/inner", type: "tmpfs", source: "tmpfs"},
			{destination: $d, type: "tmpfs", source: "tmpfs"}]' --arg d "$dotdot"
	ct_run
	expect_ok "run with mounts through symlinks and '..'"
	local h line
	for h in "$h1" "$h2" "$h3"; do
		[ ! -e "$h/inner" ] || fail "a mount escaped the rootfs: the host has $h/inner" || return 1
		! mount_line "$(</proc/self/mountinfo)" "$h/inner" >/dev/null ||
			fail "a mount on the host's $h/inner" || return 1
		line=$(mount_line "$output" "$h/inner") ||
			fail "no mount on $h/inner inside the container:" "$output" || return 1
		[[ $line == *" - tmpfs "* ]] || fail "$h/inner inside is no tmpfs: $line" || return 1
		[ -d "$BUNDLE/rootfs$h/inner" ] || fail "no mount point $h/inner in the bundle's rootfs" || return 1
	done
	expect_gone "$ID"
}

# Catches: a dangling symlink on a destination's path left as it is (then
# refused, "open: No such file or directory": crun's
# mount-symlink-not-existing, which runc and crun pass) or followed out of
# the rootfs (create_in_root must resolve each step from the root fd).
@test "mounts: a symlink to a target missing from the rootfs: the target is made inside the rootfs, the host's untouched" {
	local host
	host=$(host_dir host)
	new_container cat /proc/self/mountinfo
	# Absolute with '..' past the root, relative, and the leaf itself (a
	# file bind, as crun's test: /etc/not-existing -> /foo/bar).
	ln -s "/../../../../../../..$host" "$BUNDLE/rootfs/escape"
	ln -s "../../../../../../..$host/rel" "$BUNDLE/rootfs/escape2"
	ln -s /foo/bar "$BUNDLE/rootfs/etc/not-existing"
	# A file bind through a dangling link in the middle of the path.
	ln -s /made/dir "$BUNDLE/rootfs/etc/linkdir"
	config_set "$BUNDLE" '.mounts |= map(select(.destination != "/tmp"))
		| .mounts += [{destination: "/escape/inner", type: "tmpfs", source: "tmpfs"},
			{destination: "/escape2/inner", type: "tmpfs", source: "tmpfs"},
			{destination: "/etc/not-existing", type: "bind", source: "/etc/hostname", options: ["bind", "ro"]},
			{destination: "/etc/linkdir/file", type: "bind", source: "/etc/hostname", options: ["bind", "ro"]}]'
	ct_run
	expect_ok "run with mounts through dangling symlinks"
	local line
	for line in "$host/inner" "$host/rel/inner"; do
		[ ! -e "$line" ] || fail "the runtime made the host's $line" || return 1
		[ -d "$BUNDLE/rootfs$line" ] || fail "no $line made in the rootfs" || return 1
		mount_line "$output" "$line" >/dev/null || fail "no mount on $line inside:" "$output" || return 1
	done
	[ -f "$BUNDLE/rootfs/foo/bar" ] || fail "the leaf's target /foo/bar was not made in the rootfs as a file"
	[ -f "$BUNDLE/rootfs/made/dir/file" ] || fail "/made/dir/file was not made in the rootfs as a file"
	mount_line "$output" /foo/bar >/dev/null || fail "no mount on /foo/bar inside:" "$output"
	[ ! -e /foo/bar ] || fail "the runtime made the host's /foo/bar"
	expect_gone "$ID"
}

# Catches: a destination that fails to resolve for another reason than a
# missing component taken for one to make (cinch_open_in_root): the
# loop is followed until the bound, and the error names "create".
@test "mounts: a destination through a symlink loop is refused with ELOOP, naming the mount" {
	local idx
	new_container true
	ln -s /loop-b "$BUNDLE/rootfs/loop-a"
	ln -s /loop-a "$BUNDLE/rootfs/loop-b"
	idx=$(jq '.mounts | length' "$BUNDLE/config.json")
	config_set "$BUNDLE" '.mounts += [{destination: "/loop-a/inner", type: "tmpfs", source: "tmpfs"}]'
	ct_run
	expect_result "mount through a symlink loop" 1 "" \
		"cinch: mounts[$idx]: /loop-a/inner: open in rootfs: Too many levels of symbolic links"
	expect_gone "$ID"
}

# --- 6. /proc and /sys --------------------------------------------------------

# Catches: a masked path left unmasked (the mask loop skipping it, or a
# mount of the wrong kind).  Each mask is checked for what it is, not for
# what an unprivileged read of it gives (many are root-only anyway): a
# mount on that very path, a bind of the container's /dev/null (root
# /null of its /dev tmpfs, the 1:3 node) on a file, an empty read-only tmpfs
# on a directory (mode 000: root without CAP_DAC_OVERRIDE cannot list it);
# and reading it gives nothing, even as root.
@test "proc: each masked path is a mount: /dev/null on a file, an empty read-only tmpfs on a directory; without them /proc/interrupts is not" {
	local paths=() p
	new_container sh -c 'cat /proc/self/mountinfo; echo ---; for p; do
		if [ -d "$p" ]; then echo "$p $(ls -A "$p" 2>/dev/null | wc -l)"; else echo "$p $(cat "$p" | wc -c) $(stat -c %t:%T "$p")"; fi
		done' sh
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}'
	# The default's masked paths that this kernel has.
	while read -r p; do
		[[ -e $p ]] && paths+=("$p")
	done < <(jq -r '.linux.maskedPaths[]' "$BUNDLE/config.json")
	[[ " ${paths[*]} " == *" /proc/interrupts "* && " ${paths[*]} " == *" /proc/acpi "* ]] ||
		fail "expected /proc/interrupts and /proc/acpi among the masked paths: ${paths[*]}" || return 1
	config_set "$BUNDLE" '.process.args += $a' \
		--argjson a "$(printf '%s\n' "${paths[@]}" | jq -R . | jq -sc .)"
	ct_run
	expect_ok "masked paths" || return 1
	local info=${output%%$'\n'---*} reads=${output#*---$'\n'} line want
	for p in "${paths[@]}"; do
		# root, options and fstype of the last mount on p (the visible one)
		line=$(awk -v p="$p" '$5 == p { for (i = 7; $i != "-"; i++); m = $4 " " $6 " " $(i+1) } END { print m }' <<<"$info")
		if [[ -d $p ]]; then
			[[ $line =~ ^/\ (ro|ro,.*)\ tmpfs$ ]] || fail "$p: expected a read-only tmpfs, got '$line'" || return 1
			want="$p 0"
		else
			[[ $line =~ ^/null\ .*\ tmpfs$ ]] || fail "$p: expected the container's /dev/null bound on it, got '$line'" || return 1
			want="$p 0 1:3"
		fi
		grep -qxF -- "$want" <<<"$reads" || fail "$p reads otherwise than empty: $(grep -F -- "$p " <<<"$reads")" || return 1
	done
	expect_gone "$ID"

	# Control: unmasked, /proc/interrupts has content.
	new_container sh -c 'cat /proc/interrupts | wc -c'
	config_set "$BUNDLE" '.linux.maskedPaths = []'
	ct_run
	expect_ok "unmasked /proc/interrupts"
	((output > 0)) || fail "unmasked /proc/interrupts reads $output bytes"
	expect_gone "$ID"
}

@test "proc: a mask does not follow an image's /dev/null symlink (CVE-2025-31133)" {
	# /dev is bound from the image, so /dev/null is the image's: a symlink
	# to a writable procfs file (the container's own hostname: harmless
	# here, core_pattern in a real attack).
	new_container sh -c 'cat /proc/interrupts; echo pwned >/proc/interrupts; hostname'
	ln -s /proc/sys/kernel/hostname "$BUNDLE/rootfs/dev/null"
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .mounts |= map(select(.destination | startswith("/dev/") | not))
		| .mounts |= map(if .destination == "/dev"
			then {destination: "/dev", type: "bind", source: $dev, options: ["rbind", "nosuid", "noexec"]}
			else . end)' --arg dev "$BUNDLE/rootfs/dev"
	ct_run
	[[ $output != *pwned* ]] ||
		fail "a masked path became the image's /dev/null target, writable:" "$output" || return 1
	if ((status == 1)) && [[ $stderr == "cinch: "* && $stderr != *$'\n'* ]]; then
		# Refused at create: fine, as long as it names /dev/null.
		[[ $stderr == *"/dev/null"* ]] || fail "refused, but the message does not name /dev/null: $stderr"
	else
		# Or masked for real: empty, and the write went nowhere.
		[[ $output == cinch ]] || fail "masked /proc/interrupts: exit $status, stdout '$output', stderr '$stderr'"
	fi
	expect_gone "$ID"
}

@test "proc: /proc/sys is read-only even for uid 0 ('Read-only file system'); without readonlyPaths it is writable" {
	new_container sh -c 'echo x >/proc/sys/kernel/hostname; hostname'
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}'
	ct_run
	expect_result "write to /proc/sys" 0 cinch "sh: can't create /proc/sys/kernel/hostname: Read-only file system"
	expect_gone "$ID"

	# Control: kernel.hostname is the container's own (uts namespace).
	new_container sh -c 'echo x >/proc/sys/kernel/hostname; hostname'
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0} | .linux.readonlyPaths = []'
	ct_run
	expect_result "write to /proc/sys without readonlyPaths" 0 x ""
	expect_gone "$ID"
}

@test "sys: /sys is read-only ('Read-only file system'); mounted without 'ro' it is not" {
	new_container sh -c 'touch /sys/x'
	ct_run
	expect_result "touch /sys/x" 1 "" "touch: /sys/x: Read-only file system"
	expect_gone "$ID"

	new_container sh -c 'touch /sys/x'
	config_set "$BUNDLE" '.mounts |= map(if .destination == "/sys" then .options -= ["ro"] else . end)'
	ct_run
	expect_result "touch /sys/x, /sys not read-only" 1 "" "touch: /sys/x: Permission denied"
	expect_gone "$ID"
}

# pids_hierarchy: sets PIDS_HOST, the host directory of the cgroup tree
# with the pids controller (v1: /sys/fs/cgroup/pids; v2: /sys/fs/cgroup),
# and PIDS_IN, where the container sees it under /sys/fs/cgroup.
pids_hierarchy() {
	if [[ -e /sys/fs/cgroup/cgroup.controllers ]]; then
		PIDS_HOST=/sys/fs/cgroup PIDS_IN=/sys/fs/cgroup
	else
		PIDS_HOST=/sys/fs/cgroup/pids PIDS_IN=/sys/fs/cgroup/pids
	fi
}

# The config's cgroup mount, with no cgroup namespace to narrow it.
CGROUP_MOUNT_NO_CGROUPNS='.linux.namespaces |= map(select(.type != "cgroup"))
	| .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
		options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'

# cgroup_mount_test [userns]: a container with the cgroup mount and no
# cgroup namespace (in a new user namespace with "userns") lists its
# cgroup directory, reads cgroup.procs and tries a mkdir there; a marker
# cgroup beside its own, as another container's would be, must not show.
cgroup_mount_test() {
	local marker
	pids_hierarchy
	marker=sec-marker-$$-$BATS_TEST_NUMBER
	mkdir "$PIDS_HOST/$marker"
	defer rmdir -- "$PIDS_HOST/$marker"
	new_container sh -c "ls $PIDS_IN; cat $PIDS_IN/cgroup.procs; mkdir $PIDS_IN/y"
	config_set "$BUNDLE" "$CGROUP_MOUNT_NO_CGROUPNS"
	[[ ${1:-} != userns ]] || config_identity_userns
	ct_run
	((status == 1)) || fail "ls, cat cgroup.procs, mkdir: exit $status, expected 1 (mkdir refused)" "$stderr" || return 1
	[ "$stderr" = "mkdir: can't create directory '$PIDS_IN/y': Read-only file system" ] ||
		fail "mkdir in the cgroup mount: stderr '$stderr'" || return 1
	[[ $output == *cgroup.procs* ]] || fail "$PIDS_IN is not a cgroup directory:" "$output" || return 1
	[[ $output != *"$marker"* ]] || fail "the container sees the host's cgroup $marker:" "$output" || return 1
	# Its own cgroup, seen from its pid namespace: sh is pid 1.
	grep -qx 1 <<<"$output" || fail "$PIDS_IN/cgroup.procs does not list the container's pid 1:" "$output" || return 1
	expect_gone "$ID"
}

# Catches: the cgroup mount showing the host's hierarchy (the container
# would see, and with a writable mount make, cgroups beside its own), or
# mounted writable.
@test "sys: a cgroup mount without a cgroup namespace shows the container's cgroup only, read-only" {
	cgroup_mount_test
}

@test "sys: the cgroup mount without a cgroup namespace, in a new user namespace, is the container's cgroup only, read-only" {
	cgroup_mount_test userns
}

# --- 7. root filesystem and mount flags ---------------------------------------

@test "rootfs: read-only ('Read-only file system') even for uid 0; with readonly false uid 0 writes" {
	new_container touch /x
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}'
	ct_run
	expect_result "touch /x" 1 "" "touch: /x: Read-only file system"
	[ ! -e "$BUNDLE/rootfs/x" ] || fail "/x was created in the bundle's rootfs"
	expect_gone "$ID"

	new_container touch /x
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0} | .root.readonly = false'
	ct_run
	expect_result "touch /x, root writable" 0 "" ""
	[ -f "$BUNDLE/rootfs/x" ] || fail "/x is not in the bundle's rootfs"
	expect_gone "$ID"
}

@test "mounts: the default spec's mounts are nosuid (and nodev, except /dev and /dev/pts)" {
	new_container cat /proc/self/mountinfo
	ct_run
	expect_ok "cat /proc/self/mountinfo"
	local p
	for p in /proc /tmp /sys /dev/shm /dev/mqueue; do
		expect_mount_opts "$output" "$p" nosuid nodev || return 1
	done
	for p in /dev /dev/pts; do
		expect_mount_opts "$output" "$p" nosuid || return 1
	done
	expect_gone "$ID"
}

@test "mounts: the root is nosuid,nodev (an image's setuid files and device nodes do nothing)" {
	new_container cat /proc/self/mountinfo
	ct_run
	expect_ok "cat /proc/self/mountinfo"
	expect_mount_opts "$output" / ro nosuid nodev
	expect_gone "$ID"
}

@test "mounts: a config mount without options is still nosuid,nodev" {
	new_container cat /proc/self/mountinfo
	config_set "$BUNDLE" '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs"}]'
	ct_run
	expect_ok "cat /proc/self/mountinfo"
	expect_mount_opts "$output" /mnt nosuid nodev
	expect_gone "$ID"
}

# planted_device_bundle SPEC: a root container whose /dev/planted is a bind
# of a host dir holding the device node SPEC ("TYPE MAJOR MINOR") as
# "node": under /dev a bind is not nodev, so an open of it reaches the
# device cgroup, the layer under test (in the image's root, nodev alone
# answers EACCES first).
planted_device_bundle() {
	local dir=$BATS_TEST_TMPDIR/planted-$BATS_TEST_NUMBER-${#CONTAINERS[@]}
	new_container sh -c 'grep " /dev/planted " /proc/self/mountinfo | grep -c nodev; head -c 1 /dev/planted/node | wc -c'
	mkdir -p -- "$dir" || return 1
	# shellcheck disable=SC2086 # spec is "TYPE MAJOR MINOR"
	mknod -m 0666 "$dir/node" $1 || return 1
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .mounts += [{destination: "/dev/planted", type: "bind", source: $d, options: ["rbind", "rw"]}]' --arg d "$dir"
}

# Catches: the device rules not starting from deny-all (v1 devices.deny
# "a" not written and the program allowing what it does not list): the open
# reaches the driver (ENXIO for c 60:0) instead of failing EPERM.  The
# control allows c 60:0 and sees ENXIO, so EPERM is the cgroup's.
@test "devices: a device node planted where nodev does not reach fails EPERM in the device cgroup; allowed, it reaches the driver" {
	local spec
	# c 60:0 is reserved for local use (no driver), b 7:0 is loop0.
	for spec in "c 60 0" "b 7 0"; do
		planted_device_bundle "$spec" || return 1
		ct_run
		expect_result "open of a planted $spec" 0 $'0\n0' "head: /dev/planted/node: Operation not permitted" || return 1
		expect_gone "$ID"
	done

	planted_device_bundle "c 60 0" || return 1
	config_set "$BUNDLE" '.linux.resources.devices += [{allow: true, type: "c", major: 60, minor: 0, access: "rwm"}]'
	ct_run
	expect_result "open of c 60:0, allowed" 0 $'0\n0' "head: /dev/planted/node: No such device or address" || return 1
	expect_gone "$ID"

	new_container sh -c 'head -c 1 /dev/zero | wc -c'
	ct_run
	expect_result "read /dev/zero" 0 1 ""
	expect_gone "$ID"
}

# --- 8. hostile config, 9. container ids --------------------------------------

@test "config: uid 4294967295 is refused at create with the exact message, leaving nothing" {
	new_container
	config_set "$BUNDLE" '.process.user.uid = 4294967295'
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_result "create with uid 4294967295" 1 "" \
		"cinch: $BUNDLE/config.json: process.user.uid: 4294967295 is out of range 0..2147483647"
	[ ! -e "$PIDFILE" ] || fail "the refused create wrote its pid file"
	expect_nothing_left "$ID"

	# Control: uid 2147483647 is in range, and the container runs as it.
	new_container id -u
	config_set "$BUNDLE" '.process.user.uid = 2147483647'
	ct_run
	expect_result "run as uid 2147483647" 0 2147483647 ""
	expect_gone "$ID"
}

@test "ids: '../../etc', '..', '/abs' and 'a/b' are refused and nothing is made outside --root" {
	new_container
	local outside=$STATE_ROOT/../../etc id
	for id in ../../etc .. /abs a/b; do
		run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$id"
		if [[ $id == .. ]]; then
			expect_result "create '$id'" 1 "" "cinch: invalid container id \"..\": it must not start with '.'" || return 1
		else
			expect_result "create '$id'" 1 "" \
				"cinch: invalid container id \"$id\": '/' is not allowed; allowed: A-Z a-z 0-9 _ + . -" || return 1
		fi
	done
	[ ! -e "$outside" ] || fail "id '../../etc' escaped the state root: $outside" || return 1
	[ ! -e /abs ] || fail "id '/abs' made /abs" || return 1
	local made
	made=$(find "$STATE_ROOT" "$BATS_TEST_TMPDIR/.." -maxdepth 1 -name etc 2>/dev/null || true)
	[[ -z $made ]] || fail "made:" "$made" || return 1
	made=$(find /sys/fs/cgroup -maxdepth 4 -path '*cinch*' \( -name etc -o -name abs -o -name b \) 2>/dev/null || true)
	[[ -z $made ]] || fail "cgroups made for refused ids:" "$made" || return 1
	expect_nothing_left "$ID"

	# Control: a plain id is accepted.
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create $ID"
	track_pid "$(<"$PIDFILE")"
	[ -d "$STATE_ROOT/$ID" ] || fail "no state dir $STATE_ROOT/$ID"
}

# --- 10. the pid namespace ----------------------------------------------------

@test "pidns: the workload is pid 1 and sees no other process, runtime included" {
	new_container ls /proc
	ct_run
	expect_ok "ls /proc"
	local pids
	pids=$(grep -E '^[0-9]+$' <<<"$output" | tr '\n' ' ')
	[[ $pids == "1 " ]] || fail "pids visible in the container: $pids"
	expect_gone "$ID"

	# (cmdline's NULs as spaces: the shell cannot hold NUL bytes.)
	new_container sh -c 'busybox tr "\\000" " " </proc/1/cmdline; true'
	ct_run
	expect_ok "/proc/1/cmdline"
	[[ $output == 'sh -c busybox tr '* ]] || fail "pid 1 is not the workload: $output"
	expect_gone "$ID"

	# Control, from the host: init's pid there is not 1, in another pid ns.
	create_container
	[[ $PID != 1 && $(readlink "/proc/$PID/ns/pid") != "$HOST_PIDNS" ]] ||
		fail "init $PID shares the host's pid namespace"
}
