#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq and sh text are theirs
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# shellcheck disable=SC2153 # $ID and $BUNDLE are set by new_container (helpers.bash)
# Attack tests for the device cgroup, as root: "devices are denied unless
# allowed".  The attacker is a root container with CAP_MKNOD in every set,
# a writable root and mounts that allow device nodes ("dev"), whose config
# lists no device rules.  It tries to make and to open a block device of
# the host.  Each refusal is set next to a control on the same mounts (c 1:5,
# /dev/zero's numbers, which the default list allows), so that the
# "Operation not permitted" can only come from the device cgroup: a nodev
# mount would say "Permission denied", and would refuse the control too.
#
# On this hybrid host the kernel asks two things for every device access:
# the container's v1 devices cgroup and the BPF_CGROUP_DEVICE programs of
# its cgroup in the unified hierarchy.  cinch sets up both; the tests check
# each one on its own (the v1 list as the kernel shows it, and the program
# with the v1 list reset to allow-all by the host).
#
# Helpers (tests/helpers): bpfquery asks the kernel which device programs a
# cgroup has and whether a program still exists; nobpf runs the runtime with
# bpf(2) failing.  Teardown deletes each container with --force and fails
# the test if a process, cgroup, state dir or mount is left.

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# Container ids are dev-<test>-<bats pid>-<n>.
# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=dev

BPFQUERY=${BPFQUERY:-$BATS_TEST_DIRNAME/../../build/tests/helpers/bpfquery}
NOBPF=${NOBPF:-$BATS_TEST_DIRNAME/../../build/tests/helpers/nobpf}

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup || return
	cgroup_places || return
	host_block_device
}

teardown() {
	container_teardown
}

# --- helpers of this file ---------------------------------------------------

# cgroup_places: V1_DEVICES, the v1 devices hierarchy's mount point ("" when
# there is none), and V2_ROOT, the cgroup2 one ("" when none), from
# mountinfo (fields: 5 mount point, then after "-": type, source, options).
cgroup_places() {
	V1_DEVICES=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "cgroup" && $(i+3) ~ /(^|,)devices(,|$)/) { print $5; exit } }' /proc/self/mountinfo)
	V2_ROOT=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
	[[ -n $V1_DEVICES || -n $V2_ROOT ]] || fail "no v1 devices hierarchy and no cgroup2 mount"
}

# host_block_device: BLK_NAME and BLK_MAJ/BLK_MIN, the first block device
# of the host that the host itself can open for reading (some hosts refuse
# even root their root disk), disks before loop devices.
host_block_device() {
	local dev name maj min devs=()
	for dev in /sys/dev/block/*; do
		[[ $dev == */7:* ]] || devs+=("$dev")
	done
	for dev in /sys/dev/block/7:*; do
		devs+=("$dev")
	done
	for dev in "${devs[@]}"; do
		name=$(sed -n 's/^DEVNAME=//p' "$dev/uevent" 2>/dev/null)
		[[ -n $name && -b /dev/$name ]] || continue
		head -c 1 "/dev/$name" >/dev/null 2>&1 || continue
		IFS=: read -r maj min <<<"${dev##*/}"
		BLK_NAME=$name BLK_MAJ=$maj BLK_MIN=$min
		return 0
	done
	fail "no block device on this host that root can open"
}

# attacker_bundle [RULES]: new_container (sleep 100) as the attacker: uid 0,
# CAP_MKNOD in every set, a writable root, no linux.resources.devices (or
# the JSON array RULES), a tmpfs at /mnt and a bind of $BUNDLE/nodes at
# /nodes, both with "dev".  $BUNDLE/nodes holds, made by the host, "blk"
# (the host's block device) and "zero" (c 1:5).
attacker_bundle() {
	new_container
	mkdir -- "$BUNDLE/nodes"
	mknod -m 0600 "$BUNDLE/nodes/blk" b "$BLK_MAJ" "$BLK_MIN"
	mknod -m 0666 "$BUNDLE/nodes/zero" c 1 5
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .process.capabilities = {bounding: $c, effective: $c, permitted: $c, inheritable: $c, ambient: $c}
		| .root.readonly = false
		| del(.linux.resources.devices)
		| if $rules then .linux.resources.devices = $rules else . end
		| .mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs", options: ["dev", "mode=755"]},
			{destination: "/nodes", type: "bind", source: $nodes, options: ["bind", "dev"]}]' \
		--argjson c '["CAP_MKNOD"]' --argjson rules "${1:-null}" --arg nodes "$BUNDLE/nodes"
}

# The attack, run in the container: make the host's block device, open the
# one the host made, then the same with c 1:5.  One line per step.
ATTACK='mknod /mnt/blk b "$1" "$2"; echo "mknod blk $?"
head -c 1 /nodes/blk >/dev/null; echo "open blk $?"
mknod /mnt/zero c 1 5; echo "mknod zero $?"
echo "read zero $(head -c 1 /mnt/zero | wc -c) $(head -c 1 /nodes/zero | wc -c)"'

# attack: runs ATTACK in the running container $ID.
attack() {
	run --separate-stderr rt exec "$ID" sh -c "$ATTACK" sh "$BLK_MAJ" "$BLK_MIN"
}

# expect_denied WHAT: the attack failed on both block device steps with
# EPERM and worked on both c 1:5 steps.
expect_denied() {
	local want_out want_err
	want_out=$'mknod blk 1\nopen blk 1\nmknod zero 0\nread zero 1 1'
	want_err=$'mknod: /mnt/blk: Operation not permitted\nhead: /nodes/blk: Operation not permitted'
	if ((status != 0)) || [[ $output != "$want_out" || $stderr != "$want_err" ]]; then
		fail "$1:" "  expected exit 0, stdout '$want_out', stderr '$want_err'" \
			"  got      exit $status, stdout '$output', stderr '$stderr'"
		return 1
	fi
}

# expect_result_exact WHAT STATUS STDOUT STDERR
expect_result_exact() {
	if ((status != $2)) || [[ $output != "$3" || $stderr != "$4" ]]; then
		fail "$1:" "  expected exit $2, stdout '$3', stderr '$4'" \
			"  got      exit $status, stdout '$output', stderr '$stderr'"
		return 1
	fi
}

# expect_nodes_unchanged: the host's side of /nodes holds what the host put
# there and nothing else.
expect_nodes_unchanged() {
	local got
	got=$(cd "$BUNDLE/nodes" && stat -c '%n %F %t:%T' -- *)
	[[ $got == "blk block special file $(printf '%x:%x' "$BLK_MAJ" "$BLK_MIN")"$'\n'"zero character special file 1:5" ]] ||
		fail "the host's $BUNDLE/nodes changed:" "$got"
}

# v1_list ID: the container's v1 devices.list, sorted.
v1_list() {
	LC_ALL=C sort -- "$V1_DEVICES/$1/devices.list"
}

# The list of a container with no device rules of its own: the defaults.
DEFAULT_LIST='c 136:* rwm
c 1:3 rwm
c 1:5 rwm
c 1:7 rwm
c 1:8 rwm
c 1:9 rwm
c 5:0 rwm
c 5:2 rwm'

# device_progs ID: the ids of the device programs attached to the
# container's own cgroup in the unified hierarchy.
device_progs() {
	"$BPFQUERY" ids "$V2_ROOT/$1"
}

# expect_one_cinch_prog ID: exactly one device program is attached there,
# and it is cinch's; its id in PROG.
expect_one_cinch_prog() {
	local ids name
	ids=$(device_progs "$1") || return 1
	[[ -n $ids && $ids != *$'\n'* ]] || fail "$V2_ROOT/$1: expected one device program, got: '$ids'" || return 1
	name=$("$BPFQUERY" name "$ids") || return 1
	[[ $name == cinch_devices ]] || fail "program $ids on $V2_ROOT/$1 is '$name', not cinch_devices" || return 1
	PROG=$ids
}

# rt_nobpf ARGS...: rt, with the runtime under nobpf.  As rt, stdout and
# stderr go through files: a runtime that does create the container leaves
# init holding them.
rt_nobpf() {
	local out rc=0
	out=$(mktemp "$BATS_TEST_TMPDIR/rt.XXXXXX")
	timeout -k 5 "$RT_TIMEOUT" "$NOBPF" "$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} "$@" \
		</dev/null >"$out" 2>"$out.err" 3>&- || rc=$?
	cat -- "$out.err" >&2
	cat -- "$out"
	return "$rc"
}

prog_gone() {
	local rc=0
	"$BPFQUERY" alive "$1" || rc=$?
	((rc == 1))
}

# --- the attacks ------------------------------------------------------------

@test "devices: with no device rules in the config, a root container with CAP_MKNOD can neither make nor open a host block device; c 1:5 works on the same mounts" {
	[[ -n $V1_DEVICES ]] || skip "no cgroup v1 devices hierarchy on this host"
	attacker_bundle
	create_from_bundle
	attack
	expect_denied "the attack on /dev/$BLK_NAME ($BLK_MAJ:$BLK_MIN)" || return 1
	expect_nodes_unchanged || return 1
	# The v1 list is the defaults, exactly: no "a *:* rwm" inherited.
	[[ $(v1_list "$ID") == "$DEFAULT_LIST" ]] ||
		fail "$V1_DEVICES/$ID/devices.list is not the default list:" "$(v1_list "$ID")" || return 1
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete $ID" || return 1
	expect_gone "$ID"
}

@test "devices: control: a config rule allowing every device lets the same container make and open the block device" {
	[[ -n $V1_DEVICES ]] || skip "no cgroup v1 devices hierarchy on this host"
	attacker_bundle '[{"allow": true, "access": "rwm"}]'
	create_from_bundle
	[[ $(v1_list "$ID") == "a *:* rwm" ]] ||
		fail "$V1_DEVICES/$ID/devices.list after an allow-all rule:" "$(v1_list "$ID")" || return 1
	attack
	expect_result_exact "the same attack, allowed" 0 $'mknod blk 0\nopen blk 0\nmknod zero 0\nread zero 1 1' "" ||
		return 1
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete $ID" || return 1
	expect_gone "$ID"
}

@test "devices: the BPF program on the unified cgroup denies on its own, with the v1 list reset to allow-all by the host" {
	[[ -n $V2_ROOT ]] || skip "no cgroup2 hierarchy on this host"
	attacker_bundle
	create_from_bundle
	expect_one_cinch_prog "$ID" || return 1
	if [[ -n $V1_DEVICES ]]; then
		# Take the v1 devices cgroup out of the way: allow-all, as the
		# kernel shows it.  What still denies is the program.
		echo a >"$V1_DEVICES/$ID/devices.allow"
		[[ $(v1_list "$ID") == "a *:* rwm" ]] ||
			fail "the v1 list did not become allow-all:" "$(v1_list "$ID")" || return 1
	fi
	attack
	expect_denied "the attack with only the BPF program in the way" || return 1
	expect_nodes_unchanged
}

@test "devices: the program is attached once, at create; delete frees it (no BPF program left)" {
	[[ -n $V2_ROOT ]] || skip "no cgroup2 hierarchy on this host"
	attacker_bundle
	create_from_bundle
	expect_one_cinch_prog "$ID" || return 1
	"$BPFQUERY" alive "$PROG" || fail "program $PROG is attached but not alive" || return 1
	# update leaves the device rules alone, even one that asks for every
	# device, beside a limit it does write where the host has pids: still
	# the one program, and the v1 list unchanged.
	local res='{"devices": [{"allow": true, "access": "rwm"}]}'
	! cgroup_has_controller pids || res=$(jq -c '.pids.limit = 100' <<<"$res")
	echo "$res" >"$BATS_TEST_TMPDIR/res.json"
	run --separate-stderr rt update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
	expect_quiet "update $ID" || return 1
	[[ $(device_progs "$ID") == "$PROG" ]] || fail "after update: programs '$(device_progs "$ID")'" || return 1
	if [[ -n $V1_DEVICES ]]; then
		[[ $(v1_list "$ID") == "$DEFAULT_LIST" ]] || fail "after update, devices.list:" "$(v1_list "$ID")" || return 1
	fi
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete $ID" || return 1
	expect_gone "$ID" || return 1
	# The kernel frees a removed cgroup's programs from a work queue.
	wait_until 5 prog_gone "$PROG" || fail "program $PROG still exists 5 s after delete"
}

@test "devices: a config with 1500 device rules gets its program (the verifier's work stays linear in the rules)" {
	[[ -n $V2_ROOT ]] || skip "no cgroup2 hierarchy on this host"
	attacker_bundle "$(jq -cn '[range(1500) | {allow: true, type: "c", major: 240, minor: ., access: "rw"}]')"
	create_from_bundle
	expect_one_cinch_prog "$ID" || return 1
	attack
	expect_denied "the attack, with 1500 rules" || return 1
	# The last rule counts too: c 240:1499 (rw, no m: the host makes the
	# node) gets past the device cgroup to the kernel, which has no driver
	# for it (ENXIO, not EPERM).
	mknod -m 0666 "$BUNDLE/nodes/c240" c 240 1499
	run --separate-stderr rt exec "$ID" sh -c 'head -c 1 /nodes/c240; echo "open $?"'
	expect_result_exact "open c 240:1499" 0 "open 1" "head: /nodes/c240: No such device or address"
}

@test "devices: create fails where the kernel refuses the device program, naming the cgroup, and leaves nothing" {
	[[ -n $V2_ROOT ]] || skip "no cgroup2 hierarchy on this host"
	attacker_bundle
	run --separate-stderr rt_nobpf create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_error "create with bpf(2) failing" \
		"$V2_ROOT/$ID: load the device program (bpf BPF_PROG_LOAD): Operation not permitted" || return 1
	[ ! -e "$PIDFILE" ] || fail "the refused create wrote its pid file" || return 1
	[[ -z $(state_entries "$STATE_ROOT") ]] || fail "state left:" "$(state_entries "$STATE_ROOT")" || return 1
	assert_no_cgroup "$ID"
}

@test "devices: a rule list that v1 would apply otherwise than it reads is refused at create" {
	attacker_bundle '[{"allow": true, "type": "b", "access": "m"}, {"allow": false, "type": "b", "major": 8, "minor": 0, "access": "m"}]'
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_error "create with a deny inside an earlier wildcard allow" \
		"linux.resources.devices[1]: deny \"b 8:0 m\" cannot take a device out of the earlier wildcard allow \"b *:* m\"" ||
		return 1
	[[ -z $(state_entries "$STATE_ROOT") ]] || fail "state left:" "$(state_entries "$STATE_ROOT")" || return 1
	assert_no_cgroup "$ID"
}
