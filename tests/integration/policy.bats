#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq and sh text are theirs
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# The operator's policy, as root against the real binary: what the default
# preset does to a careless config (remap, capabilities, no_new_privs, the
# read-only root, seccomp, limits, host devices), what the runc-compatible
# preset leaves alone, refusals (and that they make nothing), the records
# in the log and the audit file, the id blocks of remapped containers, exec
# into one, and the policy file's own checks.  Each test names the
# one-line change to the runtime it catches.
#
# The pure decisions are unit-tested against golden files
# (tests/unit/test-decide.c); here is what the kernel shows.

load helpers
load rootfs

# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=pol

setup_file() {
	rootfs_prepare
}

# The default preset, without its limits unless a test is about them
# (those ask need_controllers first), so that the rest run on a host
# whose cgroups lack the memory, pids or cpu controller.
setup() {
	container_setup
	RT_POLICY=$DEFAULT_NO_LIMITS
}

# default_with_limits: the default preset as shipped, limits included;
# skips where the host cannot hold them.
default_with_limits() {
	need_controllers memory pids cpu
	RT_POLICY=default
}

# spec_limits: puts back the limits of cinch's own spec, which make_bundle
# takes out.
spec_limits() {
	local spec=$BATS_TEST_TMPDIR/spec
	mkdir -p -- "$spec" && "$CINCH" spec -b "$spec" || return 1
	config_set "$BUNDLE" '.linux.resources = $r' --argjson r "$(jq -c .linux.resources "$spec/config.json")"
}

teardown() {
	container_teardown
}

# careless_config: $BUNDLE as a careless caller writes it: root, every
# capability, a writable root, no_new_privs off, no seccomp and no limits.
careless_config() {
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .process.capabilities = {bounding: $all, effective: $all, permitted: $all}
		| .process.noNewPrivileges = false
		| .root.readonly = false
		| del(.annotations) | del(.linux.seccomp) | del(.linux.resources)
		| .mounts |= map(select(.destination != "/tmp"))' \
		--argjson all '["CAP_SYS_ADMIN","CAP_NET_ADMIN","CAP_DAC_OVERRIDE","CAP_CHOWN","CAP_SETUID","CAP_SETGID"]'
}

# policy_file JSON: a policy file as an operator writes it (root's, 0600),
# in $POLICY.  Over the default preset; resources off unless JSON sets them
# (see setup).
policy_file() {
	POLICY=$BATS_TEST_TMPDIR/policy.json
	jq 'if has("resources") then . else .resources = {mode: "off"} end' <<<"$1" >"$POLICY" || return 1
	chmod 0600 "$POLICY"
}

# records LOG: the decision records in a JSON --log file, one per line.
records() {
	jq -c 'select(.decision) | .decision' "$1"
}

# Catches: decide_non_root not adding the user namespace (uid_map 0 0 ...),
# decide_caps not masking, decide_nnp not setting it, decide_rootfs not
# setting root.readonly or not adding /tmp, decide_seccomp not choosing the
# profile.
@test "default policy: a careless config runs remapped, with no capabilities, no_new_privs, a read-only root, /tmp and a filter" {
	new_container sh -c 'cat /proc/self/uid_map; id -u
		grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status
		touch /rootw 2>&1; touch /tmp/x && echo tmp-ok'
	careless_config
	ct_run
	[[ $status == 0 ]] || fail "run exited $status: $stderr"
	local map host size
	map=$(sed -n 1p <<<"$output")
	read -r _ host size <<<"$map"
	[[ $map =~ ^\ *0\ +[0-9]+\ +65536$ ]] || fail "uid_map: '$map'"
	((host >= 65536)) || fail "container root is host uid $host"
	local want
	want=$(printf '%s\n' 0 'CapEff:	0000000000000000' 'CapBnd:	0000000000000000' \
		'NoNewPrivs:	1' 'Seccomp:	2' 'touch: /rootw: Read-only file system' tmp-ok)
	[[ $(sed 1d <<<"$output") == "$want" ]] || fail "workload saw:" "$output"
}

# Catches: decide_resources not adding limits, or create not applying
# them; audit_write not writing records without --debug.
@test "default policy: limits are added, and each change is one record in the log at info level" {
	default_with_limits
	new_container
	careless_config
	local log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr rt --log "$log" --log-format json create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create" || return 1
	PID=$(<"$PIDFILE")
	track_pid "$PID"
	[[ $(cgroup_value "$PID" memory memory.limit_in_bytes memory.max) == 1073741824 ]] || fail "memory limit"
	[[ $(cgroup_value "$PID" pids pids.max pids.max) == 1024 ]] || fail "pids limit"
	local quota
	quota=$(cgroup_value "$PID" cpu cpu.cfs_quota_us cpu.max)
	[[ $quota == 100000 || $quota == "100000 100000" ]] || fail "cpu quota: $quota"
	run jq -r '[.control, .field, .outcome] | join(" ")' < <(records "$log")
	local want
	want=$(printf '%s\n' \
		'seccomp linux.seccomp changed' \
		'nonRoot process.user.uid changed' \
		'capabilities process.capabilities.bounding changed' \
		'capabilities process.capabilities.effective changed' \
		'capabilities process.capabilities.permitted changed' \
		'noNewPrivileges process.noNewPrivileges changed' \
		'readonlyRootfs root.readonly changed' \
		'readonlyRootfs mounts changed' \
		'resources linux.resources.memory.limit changed' \
		'resources linux.resources.pids.limit changed' \
		'resources linux.resources.cpu.quota changed')
	[[ $output == "$want" ]] || fail "records:" "$output"
	jq -e -s --arg id "$ID" 'map(select(.decision)) | length > 0 and all(.[]; .level == "info" and .decision.id == $id)' \
		"$log" >/dev/null ||
		fail "records are not info lines of $ID:" "$(cat -- "$log")"
}

# Catches: the preset applying enforce anywhere.
@test "runc-compatible preset: the same config runs as given, and every control records a warning" {
	RT_POLICY=runc-compatible
	new_container sh -c 'cat /proc/self/uid_map; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status
		touch /rootw && echo root-writable; rm -f /rootw'
	careless_config
	local log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr rt --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
	[[ $status == 0 ]] || fail "run exited $status: $stderr"
	local want
	want=$(printf '%s\n' '         0          0 4294967295' 'CapEff:	00000000002010c3' 'NoNewPrivs:	0' \
		'Seccomp:	0' root-writable)
	[[ $output == "$want" ]] || fail "workload saw:" "$output"
	run jq -r 'select(.outcome != "warned") | .control' < <(records "$log")
	[[ -z $output ]] || fail "runc-compatible changed something:" "$output"
	run jq -r '.control' < <(records "$log")
	local c
	for c in nonRoot capabilities noNewPrivileges readonlyRootfs seccomp resources; do
		grep -qx "$c" <<<"$output" || fail "no warning from $c:" "$output"
	done
}

# Catches: refuse() under enforce not failing; the refusal made after
# something was created; the audit file not written on failure.
@test "nonRoot refuse: the container is refused naming process.user.uid, nothing is made, the audit file has the refusal" {
	policy_file "{\"nonRoot\": {\"mode\": \"refuse\"}, \"auditFile\": \"$BATS_TEST_TMPDIR/audit.log\"}"
	RT_POLICY=$POLICY
	new_container
	careless_config
	local log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr rt --log "$log" --log-format json create --bundle "$BUNDLE" "$ID"
	expect_error "create" "config.json: process.user.uid: 0: uid 0 would be root on the host (policy: nonRoot refuse)" ||
		return 1
	[[ -z $(state_entries "$STATE_ROOT") ]] || fail "state left:" "$(state_entries "$STATE_ROOT")"
	assert_no_cgroup "$ID"
	# podman reads the log of a failed create as one JSON object
	[[ $(wc -l <"$log") == 1 ]] && jq -e '.level == "error"' "$log" >/dev/null ||
		fail "the log of a refused create is not one error line:" "$(cat -- "$log")"
	jq -e -s --arg id "$ID" 'any(.[]; .outcome == "refused" and .id == $id and .control == "nonRoot"
		and .field == "process.user.uid")' "$BATS_TEST_TMPDIR/audit.log" >/dev/null ||
		fail "no refusal record:" "$(cat -- "$BATS_TEST_TMPDIR/audit.log")"
}

# Catches: decide_sys_nice not called (cinch applies process.scheduler with
# its own privileges: a capability-less container would run SCHED_FIFO).
# runc-compatible warns and applies it, as runc does.
@test "scheduler: SCHED_FIFO is refused under the default policy, naming the field, and nothing is made" {
	new_container sh -c 'cut -d" " -f41 /proc/self/stat'
	config_set "$BUNDLE" '.process.scheduler = {policy: "SCHED_FIFO", priority: 10}'
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
	expect_error "create with SCHED_FIFO" \
		"process.scheduler.policy: SCHED_FIFO: needs CAP_SYS_NICE, which the policy does not allow (policy: capabilities enforce)" ||
		return 1
	[[ -z $(state_entries "$STATE_ROOT") ]] || fail "state left:" "$(state_entries "$STATE_ROOT")"
	assert_no_cgroup "$ID"
	# Under runc-compatible it reaches the kernel, as with runc: it runs with
	# policy 1, or, where the cgroup has no realtime budget (v1 with
	# CONFIG_RT_GROUP_SCHED, as on this VM), sched_setattr refuses it.
	RT_POLICY=runc-compatible ct_run
	if ((status == 0)); then
		expect_result "SCHED_FIFO under runc-compatible" 0 1 "" || return 1
	else
		expect_error "SCHED_FIFO under runc-compatible" "process.scheduler: sched_setattr: Operation not permitted" ||
			return 1
	fi
	expect_gone "$ID"
}

# Catches: decide_annotation letting any name through.
@test "seccomp: the annotation cannot turn the filter off unless the policy allows it" {
	new_container grep Seccomp: /proc/self/status
	config_set "$BUNDLE" 'del(.linux.seccomp) | .annotations["org.cinch.seccomp.profile"] = "unconfined"'
	ct_run
	expect_error "run" 'annotations["org.cinch.seccomp.profile"]: unconfined: the policy does not allow running without a seccomp filter' ||
		return 1
	policy_file '{"seccomp": {"allowUnconfined": true}}'
	RT_POLICY=$POLICY
	ct_run
	expect_result "run with unconfined allowed" 0 'Seccomp:	0' ''
}

# Catches: decide_mounts not resolving the source, or not refusing.
@test "mounts: a bind of /etc (here through a link) is refused; one the policy allows is mounted, nosuid and nodev" {
	new_container sh -c 'cat /h; grep " /h " /proc/self/mounts | grep -c "nosuid,nodev"'
	ln -s /etc "$BATS_TEST_TMPDIR/innocent"
	config_set "$BUNDLE" '.mounts += [{destination: "/h", type: "bind", source: $src, options: ["bind", "ro"]}]' \
		--arg src "$BATS_TEST_TMPDIR/innocent/hostname"
	ct_run
	expect_error "run" "mounts[7].source: /etc/hostname: it is or holds a host kernel filesystem, /boot or /etc" || return 1
	[[ -z $(state_entries "$STATE_ROOT") ]] || fail "state left:" "$(state_entries "$STATE_ROOT")"
	policy_file '{"mounts": {"allowSources": ["/etc/hostname"]}}'
	RT_POLICY=$POLICY
	ct_run
	expect_result "run with the source allowed" 0 "$(cat /etc/hostname)"$'\n'1 ''
}

# Catches: decide_namespaces not refusing a missing namespace.
@test "host namespaces: a container without its own network namespace is refused; the policy may allow it" {
	new_container true
	config_set "$BUNDLE" '.linux.namespaces |= map(select(.type != "network"))'
	ct_run
	expect_error "run" "linux.namespaces: no network namespace: it would use the host's network stack" || return 1
	policy_file '{"hostNamespaces": {"allow": ["network"]}}'
	RT_POLICY=$POLICY
	ct_run
	expect_result "run with the host's network allowed" 0 '' ''
}

# host_block_device: BLK_NAME and BLK_MAJ/BLK_MIN, the host's /dev/loop0
# when it has one, else the first block device of /sys/dev/block.
host_block_device() {
	local dev
	for dev in /sys/dev/block/7:0 /sys/dev/block/*; do
		[[ -e $dev/uevent ]] || continue
		BLK_NAME=$(sed -n 's/^DEVNAME=//p' "$dev/uevent")
		IFS=: read -r BLK_MAJ BLK_MIN <<<"${dev##*/}"
		[[ -n $BLK_NAME && -b /dev/$BLK_NAME ]] && return 0
	done
	fail "no block device in /sys/dev/block with a node in /dev"
}

# privileged_devices: $BUNDLE asks for the host's block device as
# `docker run --privileged` does for each host device: the node in
# linux.devices, and the rule {allow: true, access: "rwm"}.
privileged_devices() {
	config_set "$BUNDLE" '.linux.devices = [{path: $path, type: "b", major: $maj, minor: $min,
			fileMode: 432, uid: 0, gid: 0}]
		| .linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, access: "rwm"}]' \
		--arg path "/dev/$BLK_NAME" --argjson maj "$BLK_MAJ" --argjson min "$BLK_MIN"
}

# node_in PID NAME: the type and numbers of /dev/NAME in PID's root, as
# "b MAJ:MIN", or "absent".
node_in() {
	local f=/proc/$1/root/dev/$2
	if [[ -b $f ]]; then
		printf 'b %d:%d\n' "0x$(stat -c %t "$f")" "0x$(stat -c %T "$f")"
	elif [[ -e $f || -L $f ]]; then
		echo "not a block device"
	else
		echo absent
	fi
}

# need_v1_devices: skips where the host has no v1 devices hierarchy, whose
# list these tests read (attack-devices.bats tests the v2 program).
need_v1_devices() {
	cgroup_has_controller devices && ! cgroup_is_v2 ||
		skip "reads the v1 devices list; this host has no v1 devices hierarchy (attack-devices.bats tests the v2 program)"
}

# devices_list PID: the v1 devices.list of PID's cgroup; fails on a host
# with no v1 devices hierarchy.
devices_list() {
	local _ ctrls path
	while IFS=: read -r _ ctrls path; do
		if [[ ,$ctrls, == *,devices,* ]]; then
			cat -- "/sys/fs/cgroup/$ctrls$path/devices.list"
			return
		fi
	done <"/proc/$1/cgroup"
	fail "no v1 devices cgroup for pid $1:" "$(cat -- "/proc/$1/cgroup")"
}

# create_privileged_devices: a new container, careless and asking for the
# host's block device, created; its log in $LOG.
create_privileged_devices() {
	new_container
	careless_config
	privileged_devices
	LOG=$BATS_TEST_TMPDIR/$ID.log
	run --separate-stderr rt --log "$LOG" --log-format json create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create" || return 1
	PID=$(<"$PIDFILE")
	track_pid "$PID"
}

# Catches: decide_devices not called from cinch_decide (the node is made,
# "a *:* rwm" reaches the cgroup, check is silent); device_kept returning
# true for a path the policy does not allow (the node is there); rule_kept
# keeping a type "a" allow rule (devices.list says "a *:* rwm").
@test "devices: under the default policy a --privileged-like config gets neither the host's block device nor a rule for it" {
	need_v1_devices
	host_block_device || return 1
	create_privileged_devices || return 1
	[[ $(node_in "$PID" "$BLK_NAME") == absent ]] ||
		fail "/dev/$BLK_NAME in the container: $(node_in "$PID" "$BLK_NAME")" || return 1
	local list
	list=$(devices_list "$PID") || return 1
	[[ $list != *"a *:* rwm"* && $(grep -c '^b ' <<<"$list") == 0 ]] ||
		fail "the container's devices.list allows block devices:" "$list" || return 1
	# the runtime's own nodes still work, through the rules it adds
	grep -qx 'c 1:3 rwm' <<<"$list" || fail "no rule for /dev/null:" "$list" || return 1
	run jq -r 'select(.control == "devices") | [.field, .asked, .applied, .outcome] | join(" ")' < <(records "$LOG")
	[[ $output == "linux.devices /dev/$BLK_NAME (none) changed"$'\n'"linux.resources.devices deny a *:* rwm,allow a *:* rwm deny a *:* rwm changed" ]] ||
		fail "records:" "$output" || return 1
	# check builds the same plan
	run --separate-stderr rt check -b "$BUNDLE"
	[[ $status == 0 && $(grep -c '"control":"devices","mode":"enforce",.*"outcome":"changed"' <<<"$output") == 2 ]] ||
		fail "check:" "$output" "$stderr"
}

# Catches: decide_devices acting under warn (the node is gone); path_listed
# never matching, or plan.c not gathering the host's node at an allowed
# path (the allowed device is removed too).
@test "devices: runc-compatible makes the node and allows every device, as runc; the default policy keeps a device it allows, not the allow-all rule" {
	need_v1_devices
	host_block_device || return 1
	RT_POLICY=runc-compatible
	create_privileged_devices || return 1
	[[ $(node_in "$PID" "$BLK_NAME") == "b $BLK_MAJ:$BLK_MIN" ]] ||
		fail "runc-compatible: /dev/$BLK_NAME in the container: $(node_in "$PID" "$BLK_NAME")" || return 1
	[[ $(devices_list "$PID") == "a *:* rwm" ]] ||
		fail "runc-compatible: devices.list:" "$(devices_list "$PID")" || return 1
	run jq -r 'select(.control == "devices") | .outcome' < <(records "$LOG")
	[[ $output == warned$'\n'warned ]] || fail "runc-compatible: records:" "$output" || return 1

	policy_file "{\"devices\": {\"allow\": [\"/dev/$BLK_NAME\"]}}"
	RT_POLICY=$POLICY
	create_privileged_devices || return 1
	[[ $(node_in "$PID" "$BLK_NAME") == "b $BLK_MAJ:$BLK_MIN" ]] ||
		fail "allowed: /dev/$BLK_NAME in the container: $(node_in "$PID" "$BLK_NAME")" || return 1
	local list
	list=$(devices_list "$PID") || return 1
	[[ $list != *"a *:* rwm"* ]] && grep -qx "b $BLK_MAJ:$BLK_MIN rwm" <<<"$list" ||
		fail "allowed: devices.list:" "$list"
}

# host_block PID: the first host id of PID's uid map.
host_block() {
	awk 'NR == 1 { print $2 }' "/proc/$1/uid_map"
}

# Catches: idpool_allocate ignoring taken blocks or the pod annotation, or
# a block staying taken after delete.
@test "remap: containers get blocks of their own, a pod's containers share one, a deleted container's block is free again" {
	local ids=() pids=() i
	for i in 1 2 3; do
		new_container
		careless_config
		[[ $i == 3 ]] && config_set "$BUNDLE" '.annotations["io.kubernetes.cri.sandbox-id"] = "pod-a"'
		[[ $i == 2 ]] && config_set "$BUNDLE" '.annotations["io.kubernetes.cri.sandbox-id"] = "pod-a"'
		create_from_bundle || return 1
		ids+=("$ID")
		pids+=("$PID")
	done
	local b1 b2 b3
	b1=$(host_block "${pids[0]}")
	b2=$(host_block "${pids[1]}")
	b3=$(host_block "${pids[2]}")
	[[ $b1 != "$b2" ]] || fail "two containers share block $b1"
	[[ $b2 == "$b3" ]] || fail "one pod got blocks $b2 and $b3"
	(((b1 > b2 ? b1 - b2 : b2 - b1) >= 65536)) || fail "blocks $b1 and $b2 overlap"
	jq -e --argjson h "$b1" '.remapHost == $h and .remapSize == 65536' "$STATE_ROOT/${ids[0]}/state.json" >/dev/null ||
		fail "state.json does not record the block:" "$(cat -- "$STATE_ROOT/${ids[0]}/state.json")"
	run --separate-stderr rt delete --force "${ids[0]}"
	expect_quiet "delete" || return 1
	new_container
	careless_config
	create_from_bundle || return 1
	[[ $(host_block "$PID") == "$b1" ]] || fail "the freed block $b1 was not reused: got $(host_block "$PID")"
}

# Catches: take_id_block's failure not rolled back (a state dir or a
# cgroup left), or the pool's bounds not honoured.  The refusal names the
# pool and how much of it is in use; the first container is untouched.
@test "remap: with no free block in the pool, create is refused naming the pool, and leaves no cgroup or state" {
	policy_file '{"nonRoot": {"mode": "remap", "idPool": {"start": 3000041472, "size": 65536}}}'
	RT_POLICY=$POLICY
	new_container
	careless_config
	create_from_bundle || return 1
	local first=$ID
	new_container
	careless_config
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
	expect_error "create with the pool taken" \
		"no free block of 65536 host ids for remapping the container's root: the pool 3000041472..3000107007 has 1 in use" ||
		return 1
	assert_no_state "$STATE_ROOT" "$ID"
	assert_no_cgroup "$ID"
	# The first container is untouched.
	run --separate-stderr rt state "$first"
	expect_ok "state $first" || return 1
	[[ $(jq -r .status <<<"$output") == created ]] || fail "state of $first: $output"
}

# Catches: exec not joining the remap's user namespace (setns flags), or
# decide_process not masking --cap.
@test "exec into a remapped container: root inside, not on the host, and no capability even with --cap" {
	new_container
	careless_config
	create_from_bundle || return 1
	start_container || return 1
	run --separate-stderr rt exec --cap CAP_SYS_ADMIN "$ID" sh -c 'id -u; cat /proc/self/uid_map; grep CapEff /proc/self/status'
	[[ $status == 0 ]] || fail "exec exited $status: $stderr"
	local want
	want=$(printf '%s\n' 0 "$(cat "/proc/$PID/uid_map")" 'CapEff:	0000000000000000')
	[[ $output == "$want" ]] || fail "exec saw:" "$output" "expected:" "$want"
}

# Catches: policy_load skipping the owner or mode check; an unknown key
# read as nothing; read_devices not called (a relative path accepted).
@test "policy file: one others may write, or not root's, is refused; policy check names the field; policy show fills in defaults" {
	policy_file '{"capabilities": {"allow": ["CAP_NET_BIND_SERVICE"]}}'
	run --separate-stderr "$CINCH" --policy "$POLICY" policy show
	expect_ok "policy show" || return 1
	jq -e '.capabilities == {mode: "enforce", allow: ["CAP_NET_BIND_SERVICE"]} and .nonRoot.mode == "remap"
		and .seccomp.defaultProfile == "default" and .devices == {mode: "enforce", allow: []}' <<<"$output" >/dev/null ||
		fail "policy show:" "$output"
	run --separate-stderr "$CINCH" policy check "$POLICY"
	expect_result "policy check" 0 "$POLICY: ok" '' || return 1
	chmod 0620 "$POLICY"
	run --separate-stderr "$CINCH" policy check "$POLICY"
	expect_error "group-writable" "policy $POLICY: group or others may write it (mode 0620)" || return 1
	chmod 0600 "$POLICY"
	chown 65534 "$POLICY"
	run --separate-stderr "$CINCH" --policy "$POLICY" policy show
	expect_error "not root's" "policy $POLICY: owned by uid 65534, not root" || return 1
	chown 0 "$POLICY"
	policy_file '{"capabilities": {"alow": ["CAP_SYS_ADMIN"]}}'
	run --separate-stderr "$CINCH" policy check "$POLICY"
	expect_error "unknown key" "$POLICY: capabilities.alow: unknown field" || return 1
	policy_file '{"devices": {"allow": ["dev/fuse"]}}'
	run --separate-stderr "$CINCH" policy check "$POLICY"
	expect_error "relative device path" "$POLICY: devices.allow[0]: expected an absolute path"
}

# Catches: audit records written in more than one write(2), or without
# O_APPEND.
@test "audit file: records of containers created at once are whole JSON lines, each naming its container" {
	policy_file "{\"auditFile\": \"$BATS_TEST_TMPDIR/audit.log\"}"
	RT_POLICY=$POLICY
	local i pids=()
	for i in 1 2 3 4 5 6; do
		new_container true
		careless_config
		rt run --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fail "a run failed"
	done
	local lines
	# 8 each: seccomp, nonRoot, 3 capability sets, noNewPrivileges and
	# 2 readonlyRootfs (the limits are off, see setup).
	lines=$(wc -l <"$BATS_TEST_TMPDIR/audit.log")
	((lines == 6 * 8)) || fail "expected 48 records, got $lines"
	jq -e -s 'all(.[]; .id | startswith("pol-")) and (map(.id) | unique | length == 6)' \
		"$BATS_TEST_TMPDIR/audit.log" >/dev/null || fail "records are not whole:" "$(cat -- "$BATS_TEST_TMPDIR/audit.log")"
}

# Catches: update not held to the maximums (decide_update not called).
@test "update: a limit above the policy's maximum is lowered to it, and recorded" {
	need_controllers memory pids cpu
	policy_file "{\"resources\": {\"pids\": {\"default\": 100, \"max\": 200}}, \"auditFile\": \"$BATS_TEST_TMPDIR/audit.log\"}"
	RT_POLICY=$POLICY
	create_container || return 1
	printf '{"pids": {"limit": 100000}}' >"$BATS_TEST_TMPDIR/res.json"
	run --separate-stderr rt update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
	expect_quiet "update" || return 1
	[[ $(cgroup_value "$PID" pids pids.max pids.max) == 200 ]] || fail "pids.max: $(cgroup_value "$PID" pids pids.max pids.max)"
	jq -e -s --arg id "$ID" 'any(.[]; .field == "linux.resources.pids.limit" and .id == $id and .asked == "100000"
		and .applied == "200")' "$BATS_TEST_TMPDIR/audit.log" >/dev/null ||
		fail "no record of the cap:" "$(cat -- "$BATS_TEST_TMPDIR/audit.log")"
}

# Catches: --fail-on not counting what the policy fixed, or a grading
# that always passes.
@test "check --fail-on: exits 1 on the careless bundle, 0 on cinch's own spec; a bad severity or format is named" {
	default_with_limits
	new_container
	spec_limits
	run --separate-stderr rt check -b "$BUNDLE" --fail-on medium --format json
	[[ $status == 0 ]] && jq -e 'length > 30 and all(.[]; .verdict != "fail" or .severity == "low")' <<<"$output" >/dev/null ||
		fail "check of cinch spec: exit $status:" "$output" "$stderr" || return 1
	careless_config
	run --separate-stderr rt check -b "$BUNDLE" --fail-on high --format json
	[[ $status == 1 && -z $stderr ]] &&
		jq -e 'any(.[]; .id == "CIS-5.12" and .verdict == "fixed-by-policy")' <<<"$output" >/dev/null ||
		fail "check of the careless bundle: exit $status:" "$output" "$stderr" || return 1
	run --separate-stderr rt check -b "$BUNDLE" --fail-on severe
	expect_error "bad severity" "check: --fail-on" "severe" || return 1
	run --separate-stderr rt check -b "$BUNDLE" --format xml
	expect_error "bad format" "check: --format" "xml"
}

# Catches: check not building create's plan.
@test "check: prints the policy's decisions for a careless bundle, none for cinch's own spec, and fails where create would" {
	default_with_limits
	new_container
	spec_limits
	run --separate-stderr rt check -b "$BUNDLE"
	expect_result "check of cinch spec" 0 "$BUNDLE/config.json: ok" '' || return 1
	careless_config
	run --separate-stderr rt check -b "$BUNDLE"
	[[ $status == 0 && $(grep -c '"outcome":"changed"' <<<"$output") == 11 ]] ||
		fail "check of the careless config:" "$output" "$stderr"
	policy_file '{"nonRoot": {"mode": "refuse"}}'
	RT_POLICY=$POLICY
	run --separate-stderr rt check -b "$BUNDLE"
	expect_error "check under refuse" "process.user.uid: 0: uid 0 would be root on the host"
}
