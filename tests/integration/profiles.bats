#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq and sh text are theirs
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# The shipped seccomp profiles (profiles/*.json, profiles/README.md), as
# root, against real containers: what the default allowlist refuses and
# with which errno, that ordinary busybox work still runs under it, and for
# each other profile, chosen by the annotation org.cinch.seccomp.profile,
# one thing it allows and one it refuses.
#
# Each refusal is next to a control that makes the same call where the
# profile does not apply (unconfined, or default when the profile under
# test is narrower than it), so that a test cannot pass because the kernel
# refused the call on its own; where the host itself refuses (io_uring
# switched off, no unprivileged user namespaces) the test is skipped, never
# passed.  Calls are made by tests/helpers/syscallprobe, built static and
# copied into the rootfs; it prints "CALL: ok" or "CALL: ERRNO-NAME".
#
# Teardown deletes each container and fails the test if anything is left:
# processes, cgroups, state, mounts (helpers.bash, container_teardown).

load helpers
load rootfs

# The profiles as the annotation picks them, "unconfined" included for the
# controls: the runc-compatible preset lets it (policy.bats tests what the
# default policy allows the annotation).
RT_POLICY=runc-compatible

# Container ids are prof-<test>-<bats pid>-<n>.
# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=prof

SYSCALLPROBE=${SYSCALLPROBE:-$BATS_TEST_DIRNAME/../../build/tests/helpers/syscallprobe}

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup || return
	[[ -x $SYSCALLPROBE ]] ||
		fail "SYSCALLPROBE=$SYSCALLPROBE is not an executable; build first (scripts/build.sh)"
}

teardown() {
	container_teardown
}

# probe_container PROFILE CALL [ARG...] [, CALL [ARG...]]...: a new
# container running syscallprobe with these calls under PROFILE.
probe_container() {
	local profile=$1
	shift
	new_container /syscallprobe "$@"
	install -m 0755 -- "$SYSCALLPROBE" "$BUNDLE/rootfs/syscallprobe"
	config_set "$BUNDLE" '.annotations["org.cinch.seccomp.profile"] = $p' --arg p "$profile"
}

# probe PROFILE CALL...: probe_container, run, and check that it ran and
# left nothing; the probe's lines are in $output.
probe() {
	local out
	probe_container "$@"
	ct_run
	expect_ok "syscallprobe $* under $1" || return 1
	out=$output
	expect_gone "$ID" || return 1
	output=$out
}

# as_root_with_net_raw: the container runs as uid 0 with CAP_NET_RAW only.
as_root_with_net_raw() {
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
		--argjson c '["CAP_NET_RAW"]'
}

# --- default ------------------------------------------------------------------

@test "default profile: io_uring_setup(2) fails EPERM; unconfined it reaches the kernel" {
	# Control: with no filter the kernel answers (EFAULT: no params).
	# A host may refuse io_uring by a setting; only that may skip.
	local disabled
	disabled=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)
	((disabled == 0)) || skip "this host refuses io_uring anyway (kernel.io_uring_disabled is $disabled)"
	probe unconfined io_uring_setup 1 0
	[[ $output == "io_uring_setup: EFAULT" ]] || fail "unconfined: '$output', expected EFAULT" || return 1

	probe default io_uring_setup 1 0
	[[ $output == "io_uring_setup: EPERM" ]] ||
		fail "the default profile lets io_uring through: '$output'"
}

@test "default profile: a system call it does not name (lsm_list_modules, Linux 6.8) fails ENOSYS; unconfined it reaches the kernel" {
	# Control: a kernel that has the call answers EFAULT (no buffers).
	# Only a kernel older than the call may skip.
	local major minor
	IFS=. read -r major minor _ <<<"$(uname -r)"
	((major > 6 || (major == 6 && minor >= 8))) ||
		skip "this kernel ($(uname -r)) has no lsm_list_modules(2) (Linux 6.8), so it cannot show the filter's answer"
	probe unconfined lsm_list_modules 0 0 0
	[[ $output == "lsm_list_modules: EFAULT" ]] || fail "unconfined: '$output', expected EFAULT" || return 1

	# The allowlist answers a call it does not know as a kernel without
	# it would, which is what a call newer than the profile meets.  (1000
	# is no system call on any architecture: ENOSYS either way.)
	probe default lsm_list_modules 0 0 0 , 1000
	[[ $output == $'lsm_list_modules: ENOSYS\n1000: ENOSYS' ]] ||
		fail "the default profile lets an unlisted call through:" "$output"
}

@test "default profile: clone(2) with CLONE_NEWUSER fails EPERM; clone without namespace flags works" {
	local newuser=$((0x10000000 | 17)) plain=17 # | SIGCHLD
	# Control: with no filter the probe makes a user namespace.
	probe unconfined clone "$newuser"
	local refusal
	if refusal=$(host_userns_refusal); then
		skip "$refusal"
	fi
	[[ $output == "clone: ok" ]] ||
		fail "unconfined: the probe made no user namespace (annotation ignored?): $output" || return 1

	probe default clone "$newuser" , clone "$plain"
	[[ $output == $'clone: EPERM\nclone: ok' ]] ||
		fail "default profile: expected CLONE_NEWUSER refused and a plain clone made:" "$output"
}

@test "default profile: personality(2) may query and set the harmless personas; ADDR_NO_RANDOMIZE fails EPERM" {
	local query=0xffffffff linux32=0x8 no_aslr=0x0040000
	probe unconfined personality "$no_aslr"
	[[ $output == "personality: ok" ]] || fail "unconfined: '$output'" || return 1

	probe default personality "$query" , personality "$linux32" , personality "$no_aslr"
	[[ $output == $'personality: ok\npersonality: ok\npersonality: EPERM' ]] ||
		fail "default profile: expected two personas allowed and ASLR kept on:" "$output"
}

@test "default profile: busybox sh -c 'ls; cat; echo > /tmp/x; ps' and friends still work" {
	new_container sh -c 'ls /; cat; echo hi >/tmp/x; cat /tmp/x; ps -o pid,comm; echo a b | wc -w;
		id; sleep 0; kill -0 $$; mkdir /tmp/d && touch /tmp/d/f && ls /tmp/d; stat -c %a /tmp'
	ct_run
	expect_ok "busybox under the default profile" || return 1
	local want
	want=$(printf '%s\n' bin dev etc proc root sys tmp hi 'PID   COMMAND' '    1 sh' '    5 ps' 2 \
		'uid=65534(nobody) gid=65534(nobody)' f 1777)
	[[ $output == "$want" ]] || fail "busybox under the default profile:" "$output" "expected:" "$want"
	expect_gone "$ID"
}

# --- strict, batch, network-service ----------------------------------------

@test "strict profile: one process reads its files; fork(2) and an AF_UNIX socket fail EPERM" {
	new_container cat /etc/group
	config_set "$BUNDLE" '.annotations["org.cinch.seccomp.profile"] = "strict"'
	ct_run
	expect_result "cat under strict" 0 $'root:x:0:\nnobody:x:65534:' ""
	expect_gone "$ID"

	# Control: both work under default.
	probe default fork , socket 1 1 0
	[[ $output == $'fork: ok\nsocket: ok' ]] || fail "default profile: '$output'" || return 1

	probe strict fork , socket 1 1 0
	[[ $output == $'fork: EPERM\nsocket: EPERM' ]] ||
		fail "strict profile: expected fork and socket refused:" "$output"

	# What that means for a shell: one command it execs, two it cannot.
	new_container sh -c 'ls /; ls /'
	config_set "$BUNDLE" '.annotations["org.cinch.seccomp.profile"] = "strict"'
	ct_run
	expect_result "sh under strict" 2 "" "sh: can't fork: Operation not permitted"
	expect_gone "$ID"
}

@test "batch profile: a pipeline and an AF_UNIX socket work; an AF_INET socket fails EPERM (default allows it)" {
	new_container sh -c 'echo a b c | wc -w'
	config_set "$BUNDLE" '.annotations["org.cinch.seccomp.profile"] = "batch"'
	ct_run
	expect_result "a pipeline under batch" 0 3 ""
	expect_gone "$ID"

	# Control: default allows the inet socket.
	probe default socket 2 1 0
	[[ $output == "socket: ok" ]] || fail "default profile: '$output'" || return 1

	probe batch socket 1 1 0 , socket 2 1 0
	[[ $output == $'socket: ok\nsocket: EPERM' ]] ||
		fail "batch profile: expected AF_UNIX made and AF_INET refused:" "$output"
}

@test "network-service profile: a TCP socket works; a packet socket fails EPERM even with CAP_NET_RAW (default allows it)" {
	local tcp='socket 2 1 0' packet='socket 17 3 0' # AF_INET SOCK_STREAM; AF_PACKET SOCK_RAW
	# Control: under default, with CAP_NET_RAW, the kernel makes one.
	# shellcheck disable=SC2086 # the calls are words
	probe_container default $packet
	as_root_with_net_raw
	ct_run
	expect_ok "packet socket under default" || return 1
	[[ -e /proc/net/packet ]] || skip "this kernel has no packet sockets (CONFIG_PACKET)"
	[[ $output == "socket: ok" ]] || fail "default profile with CAP_NET_RAW made no packet socket: $output" || return 1
	expect_gone "$ID"

	# shellcheck disable=SC2086
	probe_container network-service $tcp , $packet
	as_root_with_net_raw
	ct_run
	expect_ok "network-service" || return 1
	[[ $output == $'socket: ok\nsocket: EPERM' ]] ||
		fail "network-service profile: expected TCP made and AF_PACKET refused:" "$output"
	expect_gone "$ID"
}
