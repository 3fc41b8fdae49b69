#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted strings are the container's or jq's
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# shellcheck disable=SC2153 # $PID and $ID are set by create_from_bundle (helpers.bash)
# The container's process as the config describes it, and the runtime's
# commands run side by side, as root against the real binary:
#  - the user: the gid first, then process.user.additionalGids, and none of
#    the caller's groups; a user namespace with a map that is not the
#    identity, seen from the host;
#  - linux.namespaces by path: each type init can join is joined; a path of
#    the wrong type is refused, naming the field; a mount namespace by path
#    or none at all is refused by the default policy and, under
#    runc-compatible, entered with a chroot;
#  - process.cwd entered before a config's filter that denies getcwd, and
#    as the user where the namespace's root may not enter it;
#  - process.rlimits, process.user.umask and linux.sysctl in force inside;
#  - kill --all reaches every process of the container; exec with a
#    terminal through --console-socket, with --preserve-fds, and undumpable
#    until it execs;
#  - create, start and delete --force of one id run at once: one wins, the
#    others fail cleanly or, for delete --force, succeed, and nothing is
#    left;
#  - the state root and a container's state dir are the host root's, 0700.
#
# Each test names the change to the runtime it catches.  Two hold the
# runtime to runc's behaviour where it falls short today, and fail: a user
# namespace joined by path, and delete --force in a joined pid namespace.
# Structure, setup
# and teardown are lifecycle.bats' (see "Running containers" in
# helpers.bash).  No test asks for resource limits or reads a cgroup v1
# path: the file also runs where /sys/fs/cgroup is cgroup2 alone, with no
# memory, pids or cpu controller.

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# Container ids are pr-<test>-<bats pid>-<n>.
# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX='pr'

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
}

teardown() {
	container_teardown
}

# start_from_bundle: create and start $BUNDLE as $ID; init, running the
# workload (sleep 100), is $PID.
start_from_bundle() {
	create_from_bundle || return 1
	start_container || return 1
	expect_workload "$PID"
}

# strip_trailing TEXT: TEXT with the blanks at the end of each line taken
# out (the kernel ends /proc/PID/status's Groups: line with one).
strip_trailing() {
	# shellcheck disable=SC2001 # per line, which ${//} is not
	sed 's/[[:space:]]*$//' <<<"$1"
}

# in_groups_wrapper: a script that runs the runtime with supplementary
# groups 0 and 4, in $WRAPPER.  The bats process has none, so a runtime
# that left the caller's groups in place would show nothing without it.
in_groups_wrapper() {
	WRAPPER=$BATS_TEST_TMPDIR/in-groups
	printf '#!/bin/sh\nexec setpriv --groups 0,4 -- %q "$@"\n' "$CINCH" >"$WRAPPER"
	chmod 0755 "$WRAPPER"
}

# ---- the user ----

# Catches: setgroups skipped when additionalGids is empty (process.c,
# switch_user): the caller's groups 0 and 4 stay; or additionalGids not
# passed to it (exec too: it runs the same code).
@test "user: id -G is the gid, then additionalGids; none of the caller's groups (0, 4) is kept" {
	local probe='id -G; grep ^Groups: /proc/self/status'
	in_groups_wrapper
	new_container sh -c "$probe"
	config_set "$BUNDLE" '.process.user = {uid: 1000, gid: 1000, additionalGids: [2000, 3000]}'
	CINCH=$WRAPPER ct_run
	output=$(strip_trailing "$output")
	expect_result "groups with additionalGids" 0 $'1000 2000 3000\nGroups:\t2000 3000' "" || return 1
	expect_gone "$ID" || return 1

	# cinch spec's user: 65534:65534 and no additionalGids.
	new_container sh -c "$probe"
	json_assert "$BUNDLE/config.json" '.process.user == {uid: 65534, gid: 65534}'
	CINCH=$WRAPPER ct_run
	output=$(strip_trailing "$output")
	expect_result "groups without additionalGids" 0 $'65534\nGroups:' "" || return 1
	expect_gone "$ID" || return 1

	# exec --process, from the same caller: its own user's groups.
	new_container
	CINCH=$WRAPPER create_from_bundle || return 1
	local proc=$BATS_TEST_TMPDIR/process.json
	jq -n --arg p "$probe" '{args: ["sh", "-c", $p], cwd: "/", user: {uid: 1000, gid: 1000, additionalGids: [4000]}}' >"$proc"
	CINCH=$WRAPPER run --separate-stderr rt exec --process "$proc" "$ID"
	output=$(strip_trailing "$output")
	expect_result "groups of an exec'd process" 0 $'1000 4000\nGroups:\t4000' ""
}

# public_dir: a dir under /tmp that any uid may pass (0711), removed at
# teardown, in $PUB.  The test's own temp dir is the host root's alone.
public_dir() {
	PUB=$(mktemp -d /tmp/cinch-pr.XXXXXX) || return 1
	defer rm -rf -- "$PUB"
	chmod 0711 -- "$PUB"
}

# Catches: the maps written wrong (write_id_map in container.c, e.g. a
# size off by one) or not at all (init's setresuid(0) fails), or the
# bind's files made as another uid than the container's root.
@test "user namespace 0 -> 100000 (65536): init's maps from the host are that; root's file on a bind is 100000:100000 on the host" {
	# The container's root is host uid 100000: it must be able to pass the
	# dirs above the rootfs and the bind's source, so both are moved to a
	# dir anyone may pass (the rootfs is not idmapped: the config has its
	# own user namespace, as runc).
	public_dir || return 1
	new_container sh -c 'touch /data/made && exec sleep 100'
	mv -- "$BUNDLE" "$PUB/bundle"
	BUNDLE=$PUB/bundle
	chmod 0711 -- "$BUNDLE"
	mkdir -m 0777 -- "$PUB/data"
	# The mount point too: the container's root cannot make it in a
	# rootfs of the host root's.
	mkdir -- "$BUNDLE/rootfs/data"
	config_set "$BUNDLE" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .process.user = {uid: 0, gid: 0}
		| .mounts += [{destination: "/data", type: "bind", source: $src, options: ["rbind", "rw"]}]' \
		--arg src "$PUB/data"
	create_from_bundle || return 1
	local map
	for map in uid_map gid_map; do
		[[ $(tr -s ' ' <"/proc/$PID/$map") == " 0 100000 65536" ]] ||
			fail "init's $map from the host:" "$(cat -- "/proc/$PID/$map")" || return 1
	done
	start_container || return 1
	wait_until 10 test -e "$PUB/data/made" || fail "the workload made no /data/made" || return 1
	[[ $(stat -c %u:%g -- "$PUB/data/made") == 100000:100000 ]] ||
		fail "/data/made is $(stat -c %u:%g -- "$PUB/data/made") on the host, expected 100000:100000"
}

# userns_bundle: the current bundle moved under $PUB (public_dir), with a
# user namespace 0 -> 100000 (65536), so that the container's root may
# pass the dirs above the rootfs.  It cannot make a mount point in a
# rootfs of the host root's: /foo, /bar and /data are made.
userns_bundle() {
	mv -- "$BUNDLE" "$PUB/bundle-$ID"
	BUNDLE=$PUB/bundle-$ID
	chmod 0711 -- "$BUNDLE"
	mkdir -- "$BUNDLE/rootfs/foo" "$BUNDLE/rootfs/bar" "$BUNDLE/rootfs/data"
	config_set "$BUNDLE" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .process.user = {uid: 0, gid: 0}'
}

# Catches: bind sources opened by init, root of the config's new user
# namespace, which may not pass a directory only the host's root may (crun's
# mount-userns-bind-mount and mount-idmapped-mounts-symlink; runc and crun
# open them as the host's root): the runtime opens them
# (cinch_sources_send).  The control: without it the same config fails
# with the exact line, and nothing is left.
@test "user namespace: bind sources under a dir only the host's root may pass (0000), one through a symlink, are bound" {
	public_dir || return 1
	local locked=$PUB/locked
	mkdir -p -- "$locked/m" "$locked/dir"
	echo hello >"$locked/m/content"
	ln -s "$locked/m" "$locked/s"
	chmod 0000 -- "$locked"
	new_container sh -c 'cat /foo/content /bar/content'
	userns_bundle
	config_set "$BUNDLE" '.mounts += [{destination: "/foo", type: "bind", source: $m, options: ["bind", "ro"]},
		{destination: "/bar", type: "bind", source: $s, options: ["rbind", "ro"]}]' \
		--arg m "$locked/m" --arg s "$locked/s"
	ct_run
	expect_result "cat through binds of sources under a 0000 dir" 0 $'hello\nhello' "" || return 1
	expect_gone "$ID"
	# A source that is missing is still named, with its mount.
	new_container true
	userns_bundle
	local idx
	idx=$(jq '.mounts | length' "$BUNDLE/config.json")
	config_set "$BUNDLE" '.mounts += [{destination: "/foo", type: "bind", source: $m, options: ["bind"]}]' \
		--arg m "$locked/missing"
	ct_run
	expect_result "bind of a missing source" 1 "" \
		"cinch: mounts[$idx]: $locked/missing: open bind source: No such file or directory"
	expect_gone "$ID"
}

# Catches: the sources opened in the host's mount namespace and handed
# over as detached copies (open_tree): moved into the container's own
# mount namespace, they carry none of the locks the kernel puts on what a
# less privileged namespace copies, and the container's root, with
# CAP_SYS_ADMIN in its user namespace, could unmount a submount to see
# what it hides, or make a read-only one writable.  Opened within init's
# mount namespace, they are that namespace's locked copies.  The same for
# a ridmap bind, whose idmapped copy is made there too (sources.c; made
# in the host's namespace before init, as it was, it carried no lock).
@test "user namespace: a bound source's read-only submount stays read-only, and a covering one cannot be unmounted; ridmap too" {
	public_dir || return 1
	local src=$PUB/src
	mkdir -p -- "$src/ro" "$src/cover"
	echo hidden >"$src/cover/secret"
	mount -t tmpfs -o mode=0755 tmpfs "$src/cover"
	defer umount -- "$src/cover"
	mount --bind -- "$src/ro" "$src/ro"
	defer umount -- "$src/ro"
	mount -o remount,bind,ro -- "$src/ro"
	# The control: the same root may mount a tmpfs of its own, make it
	# read-only and writable again, and unmount it (it holds CAP_SYS_ADMIN
	# over its mount namespace, and no filter keeps it from mount).
	local opts
	for opts in '["rbind"]' '["rbind", "ridmap"]'; do
		new_container sh -c 'mkdir /tmp/own && mount -t tmpfs own /tmp/own && mount -o remount,bind,ro /tmp/own &&
				mount -o remount,bind,rw /tmp/own && umount /tmp/own; echo "own tmpfs: $?"
			mount -o remount,bind,rw /data/ro 2>/dev/null; echo "remount rw: $?"
			umount /data/cover 2>/dev/null; echo "umount cover: $?"; cat /data/cover/secret 2>/dev/null; true'
		userns_bundle
		config_set "$BUNDLE" '.mounts += [{destination: "/data", type: "bind", source: $s, options: $o}]
			| .process.capabilities = {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"],
				permitted: ["CAP_SYS_ADMIN"]}
			| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}' --arg s "$src" --argjson o "$opts"
		ct_run
		expect_result "remount and umount in the container ($opts)" 0 $'own tmpfs: 0\nremount rw: 1\numount cover: 1' "" ||
			fail "the container undid a lock of the host's mounts (or its own tmpfs failed)" || return 1
	done
}

# Catches: linux.devices in a new user namespace bound from the host's
# /dev by path (make_node in mounts.c) instead of made by the runtime
# (send_devices in sources.c): a node the host lacks fails create, and the
# config's owner is lost (crun's owner-device); or the node made on a
# nodev filesystem, where the workload cannot open it.
@test "user namespace: linux.devices nodes the host lacks are made, owned by the mapped uid and gid; one opens" {
	public_dir || return 1
	new_container sh -c 'stat -c "%n %u:%g %a %t:%T %F" /dev/foo /dev/mynull; echo hello >/dev/mynull && echo wrote'
	userns_bundle
	config_set "$BUNDLE" '.linux.devices = [
			{path: "/dev/foo", type: "b", major: 1, minor: 5, uid: 10, gid: 11, fileMode: 416},
			{path: "/dev/mynull", type: "c", major: 1, minor: 3}]
		| .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rw"}]'
	[ ! -e /dev/foo ] || fail "the host has a /dev/foo" || return 1
	ct_run
	expect_result "stat the nodes; write to /dev/mynull" 0 \
		$'/dev/foo 10:11 640 1:5 block special file\n/dev/mynull 0:0 666 1:3 character special file\nwrote' "" ||
		return 1
	expect_gone "$ID"
	# An owner the namespace does not map: refused, naming the device.
	new_container true
	userns_bundle
	config_set "$BUNDLE" '.linux.devices = [{path: "/dev/foo", type: "b", major: 1, minor: 5, uid: 70000}]'
	ct_run
	expect_result "a node owned by an unmapped uid" 1 "" \
		"cinch: linux.devices[0]: /dev/foo: its uid or gid is not mapped in the user namespace" || return 1
	expect_gone "$ID"
}

# ---- process.cwd ----

# Catches: the cwd entered, and checked with getcwd, after the config's
# filter is loaded (cinch_process_become): runtime-tools' linux_seccomp
# filter denies getcwd, and without noNewPrivileges the filter loads
# early, so every such container failed "process.cwd: /tmp: getcwd".
@test "process.cwd: a filter that denies getcwd runs, loaded early (noNewPrivileges false) or last; the workload starts in the cwd" {
	local nnp
	for nnp in false true; do
		new_container busybox readlink /proc/self/cwd
		config_set "$BUNDLE" '.process.noNewPrivileges = $nnp | .process.cwd = "/tmp"
			| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"],
				syscalls: [{names: ["getcwd"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}' \
			--argjson nnp "$nnp"
		ct_run
		expect_result "readlink /proc/self/cwd, getcwd denied (noNewPrivileges $nnp)" 0 /tmp "" || return 1
		expect_gone "$ID"
	done
}

# Catches: a cwd the namespace's root may not enter failing the container
# instead of being tried again as the user (enter_cwd_as_root, as runc
# does).  /work is owned by an unmapped host uid and the container's gid
# 1000, mode 0070: root has no capability over it, the user's group may
# enter.
@test "process.cwd: a dir only the user's group may enter is the cwd of user 1000 in a user namespace" {
	public_dir || return 1
	new_container busybox readlink /proc/self/cwd
	mv -- "$BUNDLE" "$PUB/bundle"
	BUNDLE=$PUB/bundle
	chmod 0711 -- "$BUNDLE"
	mkdir -m 0070 -- "$BUNDLE/rootfs/work"
	chown 200000:101000 -- "$BUNDLE/rootfs/work"
	config_set "$BUNDLE" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .process.user = {uid: 1000, gid: 1000} | .process.cwd = "/work"'
	ct_run
	expect_result "readlink /proc/self/cwd as 1000:1000 in /work (0070, group 1000)" 0 /work "" || return 1
	# The control: a user outside the group may not enter it at all.
	new_container busybox readlink /proc/self/cwd
	mv -- "$BUNDLE" "$PUB/bundle2"
	BUNDLE=$PUB/bundle2
	chmod 0711 -- "$BUNDLE"
	mkdir -m 0070 -- "$BUNDLE/rootfs/work"
	chown 200000:101000 -- "$BUNDLE/rootfs/work"
	config_set "$BUNDLE" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .process.user = {uid: 1000, gid: 2000} | .process.cwd = "/work"'
	ct_run
	expect_result "cwd /work as 1000:2000" 1 "" "cinch: process.cwd: chdir /work: Permission denied" || return 1
	expect_gone "$ID"
}

# ---- namespaces by path ----

# ns_name TYPE: the name under /proc/PID/ns of a linux.namespaces type.
ns_name() {
	case $1 in
	network) echo net ;;
	mount) echo mnt ;;
	*) echo "$1" ;;
	esac
}

# ns_apart PID NAME: PID is in another NAME namespace than this shell (for
# wait_until: unshare has made its namespaces).
ns_apart() {
	local theirs
	theirs=$(readlink "/proc/$1/ns/$2" 2>/dev/null) && [[ $theirs != "$(readlink "/proc/self/ns/$2")" ]]
}

# first_child PID: sets CHILD to PID's first child, if it has one yet.
first_child() {
	local kids
	kids=$(<"/proc/$1/task/$1/children") 2>/dev/null || return 1
	CHILD=${kids%% *}
	[[ -n $CHILD ]]
}

# forget_pidns NS: teardown does not look for processes in NS.
forget_pidns() {
	local ns kept=()
	for ns in "${PIDNS[@]}"; do
		[[ $ns == "$1" ]] || kept+=("$ns")
	done
	PIDNS=("${kept[@]}")
}

# start_holder CMD...: CMD in the background, killed at teardown, in $HOLDER.
# Disowned: bash would report its death, at teardown, outside any test.
start_holder() {
	"$@" </dev/null >/dev/null 2>&1 3>&- &
	HOLDER=$!
	disown "$HOLDER"
	defer kill_quietly "$HOLDER"
}

# join_by_path TYPE PATH: new_container whose TYPE namespace is PATH.
join_by_path() {
	new_container || return 1
	config_set "$BUNDLE" '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t, path: $p}])' \
		--arg t "$1" --arg p "$2"
}

# Catches: an entry with a path made new instead of joined, or not joined
# (join_namespaces in init.c, the borrowed pid namespace in container.c),
# the time namespace above all, which init joins by setns alone.
@test "namespaces by path: network, ipc, uts, cgroup, pid and time are joined; init is in the holder's" {
	# Holders on the host.  A pid or time namespace holds only the children
	# of the process that made it: there the holder is unshare --fork's child.
	start_holder unshare --net --ipc --uts --cgroup sleep 1000
	local flat=$HOLDER
	start_holder unshare --pid --time --fork --kill-child sleep 1000
	local forker=$HOLDER
	wait_until 10 ns_apart "$flat" cgroup || fail "unshare made no namespaces" || return 1
	wait_until 10 first_child "$forker" || fail "unshare --fork has no child" || return 1
	local deep=$CHILD
	defer kill_quietly "$deep"
	wait_until 10 ns_apart "$deep" time || fail "unshare's child is in the host's time namespace" || return 1

	local type name holder want got
	for type in network ipc uts cgroup pid time; do
		name=$(ns_name "$type")
		holder=$flat
		[[ $type != pid && $type != time ]] || holder=$deep
		want=$(readlink "/proc/$holder/ns/$name")
		join_by_path "$type" "/proc/$holder/ns/$name" || return 1
		# A hostname needs a uts namespace of the container's own.
		[[ $type != uts ]] || config_set "$BUNDLE" 'del(.hostname)'
		create_from_bundle || return 1
		# The holder's pid namespace is not the container's to empty:
		# its pid 1 is killed after the leak checks (deferred).
		[[ $type != pid ]] || forget_pidns "$want"
		got=$(readlink "/proc/$PID/ns/$name")
		[[ $got == "$want" ]] || fail "$type: init is in $got, the holder in $want" || return 1
	done
}

# The runtime spec allows joining a user namespace by path (a pod's
# containers share their sandbox's).  Catches: init joining it before it
# sets up the namespaces it was born with (in the host's user namespace),
# where it then has no privilege over its own mount namespace (EPERM on
# rootfsPropagation); exec not following init there.
@test "namespaces by path: a user namespace is joined; the workload and an exec'd process run in it" {
	start_holder unshare --user sleep 1000
	local holder=$HOLDER
	wait_until 10 ns_apart "$holder" user || fail "unshare made no user namespace" || return 1
	echo '0 0 65536' >"/proc/$holder/uid_map"
	echo '0 0 65536' >"/proc/$holder/gid_map"
	join_by_path user "/proc/$holder/ns/user" || return 1
	create_from_bundle || return 1
	[[ $(readlink "/proc/$PID/ns/user") == "$(readlink "/proc/$holder/ns/user")" ]] ||
		fail "init is in $(readlink "/proc/$PID/ns/user"), the holder in $(readlink "/proc/$holder/ns/user")" || return 1
	[[ $(tr -s ' ' <"/proc/$PID/uid_map") == " 0 0 65536" ]] || fail "init's uid_map: $(cat -- "/proc/$PID/uid_map")" || return 1
	start_container || return 1
	expect_workload "$PID" || return 1
	run --separate-stderr rt exec "$ID" sh -c 'readlink /proc/self/ns/user; id -u'
	expect_result "exec in the joined user namespace" 0 "$(readlink "/proc/$holder/ns/user")"$'\n'65534 ''
}

# As runc: a pid namespace given by path is not the container's own, so
# killing init takes nothing else with it.  Catches: the
# state's ownPidNamespace true for any pid entry (has_ns in prepare_state,
# container.c, ignores the path), so stop_container kills init alone; the
# exec'd process lives on and the cgroup cannot be removed.
@test "namespaces by path: delete --force of a container in a joined pid namespace kills its exec'd processes too" {
	start_holder unshare --pid --fork --kill-child sleep 1000
	local forker=$HOLDER
	wait_until 10 first_child "$forker" || fail "unshare --fork has no child" || return 1
	local deep=$CHILD
	defer kill_quietly "$deep"
	wait_until 10 ns_apart "$deep" pid || fail "unshare's child is in the host's pid namespace" || return 1
	join_by_path pid "/proc/$deep/ns/pid" || return 1
	start_from_bundle || return 1
	exec_detached sleep 100 || return 1
	# The holder's pid namespace is not the container's to empty: its
	# pid 1 is killed after the leak checks (deferred).
	forget_pidns "$(readlink "/proc/$deep/ns/pid")"
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete --force" || return 1
	wait_exit "$PID" || return 1
	wait_exit "$EPID" || return 1
	expect_gone "$ID"
}

# Catches: check_path's type test (hostns.c) dropped or the path opened
# after the checks: create then joins an ipc namespace through a network
# namespace's fd (setns fails late, or worse); a mount namespace by path
# accepted (its processes' root would be replaced by the container's).
@test "namespaces by path: a network namespace given as ipc is refused naming the field; nothing is made" {
	start_holder unshare --net sleep 1000
	local holder=$HOLDER
	wait_until 10 ns_apart "$holder" net || fail "unshare made no namespaces" || return 1
	# (Not i: bats' run sets it.)
	local before at cfg
	before=$(cgroup_dirs)
	new_container
	cfg=$(realpath -- "$BUNDLE")/config.json
	config_set "$BUNDLE" '.linux.namespaces |= map(if .type == "ipc" then .path = $p else . end)' \
		--arg p "/proc/$holder/ns/net"
	at=$(jq '.linux.namespaces | map(.type) | index("ipc")' "$BUNDLE/config.json")
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_result "create with a network namespace for ipc" 1 "" \
		"cinch: $cfg: linux.namespaces[$at].path: /proc/$holder/ns/net is not a ipc namespace" || return 1
	[ ! -e "$PIDFILE" ] || fail "the refused create wrote its pid file" || return 1
	expect_gone "$ID" || return 1
	expect_cgroups_unchanged "$before"
	expect_cinch_pids
}

# ---- the mount namespace: given by path, or none ----

# Catches: a mount namespace by path allowed by the default policy
# (decide_mount_ns_path), or, where runc-compatible allows it, init
# pivoting there (enter_root: the holder's root would become the
# container's) or exec landing on the namespace's root instead of init's
# (open_init_root).  runtime-tools' linux_ns_path joins one.
@test "mount namespace by path: refused by the default policy; under runc-compatible joined, chrooted, the holder's root kept; exec too" {
	start_holder unshare --mount --propagation shared sleep 1000
	local holder=$HOLDER cfg at
	wait_until 10 ns_apart "$holder" mnt || fail "unshare made no mount namespace" || return 1
	join_by_path mount "/proc/$holder/ns/mnt" || return 1
	cfg=$(realpath -- "$BUNDLE")/config.json
	at=$(jq '.linux.namespaces | map(.type) | index("mount")' "$BUNDLE/config.json")
	RT_POLICY=$DEFAULT_NO_LIMITS run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_result "create joining a mount namespace, default policy" 1 "" \
		"cinch: $cfg: linux.namespaces[$at].path: a mount namespace by path: the container's mounts would be made in a namespace it does not own, seen by every process there and left there after it (policy: hostNamespaces enforce)" ||
		return 1
	[ ! -e "$PIDFILE" ] || fail "the refused create wrote its pid file" || return 1
	expect_gone "$ID" || return 1

	# Refused whatever the policy: a createContainer hook, run as the
	# host's root from a path the holder's processes control; and a new
	# user namespace, which does not own the holder's.
	join_by_path mount "/proc/$holder/ns/mnt" || return 1
	cfg=$(realpath -- "$BUNDLE")/config.json
	config_set "$BUNDLE" '.hooks = {createContainer: [{path: "/bin/true"}]}'
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
	expect_result "create joining a mount namespace, with a createContainer hook" 1 "" \
		"cinch: $cfg: hooks.createContainer: refused with a mount namespace by path: the hook would run as the host's root from a path that namespace's processes control" ||
		return 1
	config_set "$BUNDLE" 'del(.hooks) | .linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
	expect_result "create joining a mount namespace from a new user namespace" 1 "" \
		"cinch: $cfg: linux.namespaces: a mount namespace by path cannot be joined from a new user namespace, which does not own it" ||
		return 1
	expect_gone "$ID" || return 1

	join_by_path mount "/proc/$holder/ns/mnt" || return 1
	# The mounts it makes stay in the holder's namespace (as with runc):
	# they go with it at teardown.  The propagation of the holder's other
	# mounts is left as it was (shared, here: its /proc; the mount that
	# holds the rootfs is made private, as runc does).
	local prop_before
	prop_before=$(awk '$5 == "/proc" { print $7 }' "/proc/$holder/mountinfo")
	start_from_bundle || return 1
	[[ $(readlink "/proc/$PID/ns/mnt") == "$(readlink "/proc/$holder/ns/mnt")" ]] ||
		fail "init is not in the holder's mount namespace" || return 1
	[[ $(stat -c %i "/proc/$PID/root/bin/busybox") == $(stat -c %i "$BUNDLE/rootfs/bin/busybox") ]] ||
		fail "init's root is not the rootfs" || return 1
	[[ $(stat -c %d:%i "/proc/$holder/root/") == $(stat -c %d:%i /) ]] ||
		fail "the holder's root was moved: $(ls "/proc/$holder/root/")" || return 1
	[[ $prop_before == shared:* && $(awk '$5 == "/proc" { print $7 }' "/proc/$holder/mountinfo") == "$prop_before" ]] ||
		fail "the propagation of the holder's /proc changed from '$prop_before':" "$(grep ' /proc ' "/proc/$holder/mountinfo")" ||
		return 1
	run --separate-stderr rt exec "$ID" sh -c 'readlink /proc/self/ns/mnt; test -e /bin/busybox && ! test -e /etc/debian_version && echo in-rootfs'
	expect_result "exec: its mount namespace and root" 0 "$(readlink "/proc/$holder/ns/mnt")"$'\nin-rootfs' ""
}

# Catches: a config without a mount namespace allowed by the default
# policy, or, under runc-compatible, init mounting in the host's mount
# namespace (a mount left on the host) or running on the host's root
# instead of root.path, or exec doing so (runtime-tools' linux_ns_itype:
# every namespace type missing is the runtime's).
@test "no mount namespace: refused by the default policy; under runc-compatible the host's, chrooted into root.path, no mount made; exec too" {
	new_container
	local cfg
	cfg=$(realpath -- "$BUNDLE")/config.json
	config_set "$BUNDLE" '.linux.namespaces |= map(select(.type != "mount"))'
	RT_POLICY=$DEFAULT_NO_LIMITS run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_result "create without a mount namespace, default policy" 1 "" \
		"cinch: $cfg: linux.namespaces: no mount namespace: it would share the host's mounts (the workload is chrooted into root.path, which does not hold one with CAP_SYS_CHROOT; mounts, maskedPaths, readonlyPaths and root.readonly are not applied) (policy: hostNamespaces enforce)" ||
		return 1
	expect_gone "$ID" || return 1
	# A policy that allows it but remaps root: the idmapped root is a
	# mount, and there init makes none.
	local policy=$BATS_TEST_TMPDIR/hostns-warn.json
	echo '{"hostNamespaces": {"mode": "warn"}}' >"$policy"
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}'
	RT_POLICY=$policy run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_result "create without a mount namespace, remapped" 1 "" \
		"cinch: $cfg: linux.namespaces: no mount namespace: the policy's nonRoot remap needs one, to mount the workload's idmapped root" ||
		return 1
	expect_gone "$ID" || return 1

	local mounts_before
	mounts_before=$(wc -l </proc/self/mountinfo)
	start_from_bundle || return 1
	[[ $(readlink "/proc/$PID/ns/mnt") == "$(readlink /proc/self/ns/mnt)" ]] ||
		fail "init is not in the runtime's mount namespace" || return 1
	[[ $(stat -c %d:%i "/proc/$PID/root/") == $(stat -c %d:%i "$BUNDLE/rootfs/") ]] ||
		fail "init's root is not root.path" || return 1
	[[ $(wc -l </proc/self/mountinfo) == "$mounts_before" ]] ||
		fail "mounts were made in the host's mount namespace:" "$(grep -- "$BUNDLE" /proc/self/mountinfo)" || return 1
	run --separate-stderr rt exec "$ID" sh -c 'test -e /bin/busybox && ! test -e /etc/debian_version && echo in-rootfs'
	expect_result "exec: its root" 0 in-rootfs ""
}

# ---- rlimits, umask, sysctls ----

# limit_lines FILE: the NOFILE and MSGQUEUE lines of a /proc/PID/limits,
# one blank between fields (the same pipeline runs in the container).
LIMIT_LINES='grep -E "^Max (open files|msgqueue size)" "$0" | tr -s " " | sed "s/ *$//"'
limit_lines() {
	sh -c "$LIMIT_LINES" "$1"
}
LIMITS_WANT=$'Max open files 1024 2048 files\nMax msgqueue size 4096 8192 bytes'

# Catches: set_rlimits (process.c) skipped or setting soft for hard: init
# and the exec'd process keep the runtime's own limits.
@test "process.rlimits: NOFILE 1024/2048 and MSGQUEUE 4096/8192 in force in init and in an exec'd process" {
	# Without CAP_SYS_RESOURCE (this host's root lacks it) no hard limit
	# may rise above the runtime's own.
	local nofile msgq
	nofile=$(ulimit -Hn)
	msgq=$(ulimit -Hq)
	[[ $nofile == unlimited || $nofile -ge 2048 ]] || skip "the hard NOFILE limit here is $nofile, under 2048"
	[[ $msgq == unlimited || $msgq -ge 8192 ]] || skip "the hard MSGQUEUE limit here is $msgq, under 8192"
	new_container
	config_set "$BUNDLE" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: 2048},
		{type: "RLIMIT_MSGQUEUE", soft: 4096, hard: 8192}]'
	start_from_bundle || return 1
	local got
	got=$(limit_lines "/proc/$PID/limits")
	[[ $got == "$LIMITS_WANT" ]] || fail "init's limits:" "$got" "expected:" "$LIMITS_WANT" || return 1
	run --separate-stderr rt exec "$ID" sh -c "ulimit -Sn; ulimit -Hn; $LIMIT_LINES" /proc/self/limits
	expect_result "limits of an exec'd process" 0 $'1024\n2048\n'"$LIMITS_WANT" ""
}

# Catches: process.user.umask ignored (process.c's umask() call given 022,
# or dropped: the process keeps the umask(0) init sets for its mounts).
@test "process.user.umask: 0027 in init and exec (files -rw-r-----); without it, 0022" {
	local probe='umask; touch /tmp/f; mkdir /tmp/d; stat -c %A /tmp/f /tmp/d'
	new_container sh -c "$probe"
	config_set "$BUNDLE" '.process.user.umask = 23' # 0027
	ct_run
	expect_result "umask 0027" 0 $'0027\n-rw-r-----\ndrwxr-x---' "" || return 1
	expect_gone "$ID" || return 1

	new_container
	config_set "$BUNDLE" '.process.user.umask = 23'
	start_from_bundle || return 1
	run --separate-stderr rt exec "$ID" sh -c "$probe"
	expect_result "umask 0027 in exec" 0 $'0027\n-rw-r-----\ndrwxr-x---' "" || return 1

	new_container sh -c "$probe"
	ct_run
	expect_result "no umask in the config" 0 $'0022\n-rw-r--r--\ndrwxr-xr-x' ""
}

# Catches: write_sysctls (init.c) skipped, or written through the host's
# /proc/sys before init is in its namespaces (the host's values change).
@test "linux.sysctl: net.ipv4.ip_forward and kernel.shm_rmid_forced in force inside; the host's unchanged" {
	# A new network namespace starts with the host's ip_forward (IPv4
	# copies init_net's settings): ask for the other value.  A new ipc
	# namespace starts with shm_rmid_forced 0.
	local fwd shm want
	fwd=$(</proc/sys/net/ipv4/ip_forward)
	shm=$(</proc/sys/kernel/shm_rmid_forced)
	want=$((1 - fwd))
	new_container cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced
	json_assert "$BUNDLE/config.json" '[.linux.namespaces[] | select(.path == null) | .type] | contains(["network", "ipc"])'
	config_set "$BUNDLE" '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.shm_rmid_forced": "1"}' --arg f "$want"
	ct_run
	expect_result "sysctls inside" 0 "$want"$'\n1' "" || return 1
	[[ $(</proc/sys/net/ipv4/ip_forward) == "$fwd" && $(</proc/sys/kernel/shm_rmid_forced) == "$shm" ]] ||
		fail "the host's values changed: ip_forward $(</proc/sys/net/ipv4/ip_forward), shm_rmid_forced $(</proc/sys/kernel/shm_rmid_forced)"
}

# Catches: kernel.hostname accepted as a sysctl beside the hostname field
# (runc and crun refuse it: two ways to set one name).
@test "linux.sysctl: kernel.hostname is refused at create, naming the key and the field; nothing is made" {
	new_container
	config_set "$BUNDLE" '.linux.sysctl = {"kernel.hostname": "other"}'
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_result "create with sysctl kernel.hostname" 1 "" \
		"cinch: $BUNDLE/config.json: linux.sysctl[\"kernel.hostname\"]: conflicts with the hostname field; set that instead" ||
		return 1
	[[ ! -e $PIDFILE ]] || fail "a refused create wrote its pid file" || return 1
	expect_gone "$ID"
}

# ---- kill --all ----

# Catches: kill --all signalling init alone (cinch_container_kill's `all`
# branch not taken, or cinch_cgroup_signal_all skipping pids): the exec'd
# sleeps live on.
@test "kill --all and -a: every process of the container dies, exec'd ones included, not just init" {
	local flag sig epids pid
	for flag in --all -a; do
		new_container
		if [[ $flag == --all ]]; then
			# No pid namespace of its own: with one, init's death would
			# take the others with it, and KILL would prove nothing.
			config_set "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid"))'
			sig=KILL
		else
			# In its own pid namespace, TERM: init (pid 1 there, no
			# handler) ignores it, the others do not.
			sig=TERM
		fi
		start_from_bundle || return 1
		epids=()
		exec_detached sleep 100 || return 1
		epids+=("$EPID")
		exec_detached sleep 100 || return 1
		epids+=("$EPID")
		run --separate-stderr rt kill "$flag" "$ID" "$sig"
		expect_quiet "kill $flag $ID $sig" || return 1
		for pid in "${epids[@]}"; do
			wait_exit "$pid" || return 1
		done
		[[ $flag == -a ]] || wait_exit "$PID" || return 1
	done
}

# ---- exec: terminal, fds, dumpable ----

# start_recvtty SOCKET OUT: recvtty listening on SOCKET in the background
# (for 10 s at most), the terminal's output to OUT; sets RECVTTY_PID.
start_recvtty() {
	[[ -x $RECVTTY ]] || fail "RECVTTY=$RECVTTY is not an executable; build first (scripts/build.sh)" || return 1
	timeout -k 2 10 "$RECVTTY" "$1" >"$2" 2>"$2.err" </dev/null 3>&- &
	RECVTTY_PID=$!
	defer kill_quietly "$RECVTTY_PID"
	wait_until 10 test -S "$1" || fail "recvtty did not listen on $1: $(cat -- "$2.err")"
}

# Catches: exec's process not setting up its terminal (exec_child's
# cinch_terminal_setup skipped): recvtty gets no master and times out,
# and stdin is the runtime's.
@test "exec -t --console-socket: the process's stdin, stdout and stderr are a terminal of the container's devpts" {
	running_container
	local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/tty.out
	start_recvtty "$sock" "$out" || return 1
	run --separate-stderr rt exec -t --console-socket "$sock" "$ID" \
		sh -c 'for fd in 0 1 2; do readlink /proc/self/fd/$fd; done; tty'
	expect_quiet "exec -t --console-socket" || return 1
	local rc=0 got
	wait "$RECVTTY_PID" || rc=$?
	((rc == 0)) || fail "recvtty exited $rc: $(cat -- "$out.err")" || return 1
	got=$(tr -d '\r' <"$out")
	[[ $got =~ ^(/dev/pts/[0-9]+)$'\n'(/dev/pts/[0-9]+)$'\n'(/dev/pts/[0-9]+)$'\n'(/dev/pts/[0-9]+)$ ]] &&
		[[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" && ${BASH_REMATCH[1]} == "${BASH_REMATCH[4]}" ]] ||
		fail "the terminal showed:" "$got" "expected one /dev/pts/N for fds 0, 1, 2 and tty"
}

# with_fds ARGS...: `cinch ARGS` with fds 3, 4, 5 and 6 open on files
# holding three, four, five and six (rt closes fd 3, bats' own).
with_fds() {
	local d=$BATS_TEST_TMPDIR n
	for n in three four five six; do
		echo "$n" >"$d/$n"
	done
	timeout -k 5 "$RT_TIMEOUT" "$CINCH" --root "$STATE_ROOT" --policy "$RT_POLICY" "$@" \
		</dev/null 3<"$d/three" 4<"$d/four" 5<"$d/five" 6<"$d/six"
}

# Catches: exec_child closing every fd from 3 (cinch_process_close_fds
# given 0), or from 3 + N + 1: the preserved fds are gone, or fd 6 leaks.
@test "exec --preserve-fds 3: fds 3, 4 and 5 of the caller reach the process, 6 does not; without it none" {
	running_container
	# The test runs in the shell, before any $( ) opens a pipe.
	local probe='for fd in 3 4 5 6 7; do [ -e /proc/self/fd/$fd ] && echo "fd $fd: $(cat <&$fd)"; done; true'
	run --separate-stderr with_fds exec --preserve-fds 3 "$ID" sh -c "$probe"
	expect_result "exec --preserve-fds 3" 0 $'fd 3: three\nfd 4: four\nfd 5: five' "" || return 1
	run --separate-stderr with_fds exec "$ID" sh -c "$probe"
	expect_result "exec without --preserve-fds" 0 "" ""
}

# Catches: LISTEN_FDS ignored (cinch_cli_listen_fds: the workload gets
# neither the fds nor LISTEN_FDS and LISTEN_PID=1, as runc and crun give
# it; crun's listen_pid_env), the listen fds not counted before
# --preserve-fds' ones, or a LISTEN_PID of another process honoured.
@test "socket activation: LISTEN_FDS=2 passes fds 3 and 4, then --preserve-fds 1 fd 5; LISTEN_PID=1 inside; another's LISTEN_PID is ignored" {
	local probe='echo "$LISTEN_FDS $LISTEN_PID"; for fd in 3 4 5 6; do [ -e /proc/self/fd/$fd ] && echo "fd $fd: $(cat <&$fd)"; done; true'
	new_container sh -c "$probe"
	LISTEN_FDS=2 run --separate-stderr with_fds run --preserve-fds 1 --bundle "$BUNDLE" "$ID"
	expect_result "run with LISTEN_FDS=2 --preserve-fds 1" 0 $'2 1\nfd 3: three\nfd 4: four\nfd 5: five' "" || return 1
	expect_gone "$ID" || return 1
	new_container sh -c "$probe"
	LISTEN_FDS=2 LISTEN_PID=1 run --separate-stderr with_fds run --bundle "$BUNDLE" "$ID"
	expect_result "run with LISTEN_PID of another process" 0 " " "" || return 1
	expect_gone "$ID"
}

set_suid_dumpable() {
	echo "$1" >/proc/sys/fs/suid_dumpable
}

# held_at_execveat TRACE TRACER: sets XPID to the pid strace shows entering
# execveat (the exec stub's, cinch's last step), once it has; true too
# once strace (pid TRACER) has exited, with XPID unset.
held_at_execveat() {
	local line
	if line=$(grep -m1 -E '^[0-9]+ +execveat\(' "$1" 2>/dev/null); then
		XPID=${line%% *}
		return 0
	fi
	! kill -0 "$2" 2>/dev/null
}

# A uid change makes the kernel reset the dumpable flag to
# fs.suid_dumpable; at 1 the exec'd process (uid 65534 by then) would be
# open to ptrace and /proc/PID/mem from any host process of that uid until
# it execs, and it shares the runtime's memory.  strace holds it at its
# execveat, where everything but the exec is done.  Catches: the
# PR_SET_DUMPABLE after the user switch (process.c, switch_user) dropped.
@test "exec: the process is undumpable after its user switch until it execs, even with fs.suid_dumpable=1" {
	command -v strace >/dev/null || fail "strace is not installed (scripts/install-deps.sh installs it)" || return 1
	running_container
	local old trace=$BATS_TEST_TMPDIR/strace.out
	old=$(</proc/sys/fs/suid_dumpable)
	defer set_suid_dumpable "$old"
	set_suid_dumpable 1
	strace -f -qq -o "$trace" -e trace=execveat -e inject=execveat:delay_enter=60s \
		"$CINCH" --root "$STATE_ROOT" --policy "$RT_POLICY" exec "$ID" true \
		</dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>"$BATS_TEST_TMPDIR/exec.err" 3>&- &
	local tracer=$!
	defer kill_quietly "$tracer"
	XPID=
	wait_until 20 held_at_execveat "$trace" "$tracer" && [[ -n $XPID ]] ||
		fail "no execveat under strace:" "$(cat -- "$trace")" "exec's stderr: $(cat -- "$BATS_TEST_TMPDIR/exec.err")" ||
		return 1
	first_child "$tracer" || fail "strace has no child" || return 1
	local runtime=$CHILD uid owner
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$XPID/status")
	owner=$(stat -c %u "/proc/$XPID/environ")
	# Ended here, whatever was seen (the exec exits 137); strace would
	# wait out its delay.
	kill -KILL "$XPID" "$tracer"
	wait "$tracer" || true
	wait_exit "$runtime" || return 1
	[[ $uid == 65534 ]] || fail "the process held at execveat is uid $uid, expected 65534" || return 1
	[[ $owner == 0 ]] || fail "/proc/$XPID/environ belongs to uid $owner: the process is dumpable before it execs"
}

# ---- create, start and delete at once ----

# rt_bg NAME ARGS...: rt ARGS in the background, once $BATS_TEST_TMPDIR/go
# exists; its exit status, stdout and stderr in NAME.rc, NAME.out and
# NAME.err there.  Sets BG_PID.
rt_bg() {
	local name=$1 d=$BATS_TEST_TMPDIR
	shift
	(
		wait_until 20 test -e "$d/go" || exit 1
		rc=0
		timeout -k 5 "$RT_TIMEOUT" "$CINCH" --root "$STATE_ROOT" --policy "$RT_POLICY" "$@" \
			</dev/null >"$d/$name.out" 2>"$d/$name.err" 3>&- || rc=$?
		echo "$rc" >"$d/$name.rc"
	) &
	BG_PID=$!
}

# race N ARGS...: N copies of `rt ARGS` at once (ARGS may hold @N@, the
# copy's number); waits for them all.
race() {
	local n=$1 i bg=() args
	shift
	rm -f -- "$BATS_TEST_TMPDIR/go"
	for ((i = 0; i < n; i++)); do
		args=("${@//@N@/$i}")
		rt_bg "race$i" "${args[@]}"
		bg+=("$BG_PID")
	done
	touch -- "$BATS_TEST_TMPDIR/go"
	wait "${bg[@]}" || true
}

# race_result I: "RC|STDOUT|STDERR" of copy I.
race_result() {
	local d=$BATS_TEST_TMPDIR/race$1
	printf '%s|%s|%s\n' "$(cat -- "$d.rc" 2>/dev/null)" "$(cat -- "$d.out" 2>/dev/null)" "$(cat -- "$d.err" 2>/dev/null)"
}

# Catches: a state dir that an existing one does not stop (mkdir's EEXIST
# taken as success in cinch_state_dir_create), or a losing create whose
# rollback removes the winner's cgroup or state.
@test "concurrent create of one id (4 at once): exactly one succeeds, the others fail 'already exists'" {
	new_container
	race 4 create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid@N@" "$ID"
	local i res won=() lost=() other=()
	for i in 0 1 2 3; do
		res=$(race_result "$i")
		case $res in
		"0||") won+=("$i") ;;
		"1||cinch: container \"$ID\" already exists") lost+=("$i") ;;
		*) other+=("copy $i: $res") ;;
		esac
		[[ -e $BATS_TEST_TMPDIR/pid$i ]] && track_pid "$(<"$BATS_TEST_TMPDIR/pid$i")"
	done
	((${#other[@]} == 0)) || fail "unexpected results (rc|stdout|stderr):" "${other[@]}" || return 1
	((${#won[@]} == 1 && ${#lost[@]} == 3)) || fail "won: ${won[*]}; lost: ${lost[*]}" || return 1
	for i in "${lost[@]}"; do
		[[ ! -e $BATS_TEST_TMPDIR/pid$i ]] || fail "losing create $i wrote its pid file" || return 1
	done
	PID=$(<"$BATS_TEST_TMPDIR/pid${won[0]}")
	expect_state "$ID" '.status == "created" and .pid == $pid' --argjson pid "$PID" || return 1
	expect_alive "$PID"
}

# Catches: start's state check without the lock, or a start that does not
# look at the state (start_locked): a loser fails on the exec fifo that is
# gone, 'container not running', instead of saying the container runs.
@test "concurrent start (4 at once): exactly one succeeds, the workload runs once; the others fail 'running, not created'" {
	new_container sh -c 'echo ran >>/data/runs; exec sleep 100'
	mkdir -m 0777 -- "$BATS_TEST_TMPDIR/data"
	config_set "$BUNDLE" '.mounts += [{destination: "/data", type: "bind", source: $src, options: ["rbind", "rw"]}]' \
		--arg src "$BATS_TEST_TMPDIR/data"
	create_from_bundle || return 1
	race 4 start "$ID"
	local i res wins=0 other=()
	for i in 0 1 2 3; do
		res=$(race_result "$i")
		case $res in
		"0||") wins=$((wins + 1)) ;;
		"1||cinch: start \"$ID\": the container is running, not created") ;;
		*) other+=("copy $i: $res") ;;
		esac
	done
	((${#other[@]} == 0)) || fail "unexpected results (rc|stdout|stderr):" "${other[@]}" || return 1
	((wins == 1)) || fail "$wins starts succeeded" || return 1
	expect_workload "$PID" || return 1
	[[ $(<"$BATS_TEST_TMPDIR/data/runs") == ran ]] || fail "the workload's runs:" "$(cat -- "$BATS_TEST_TMPDIR/data/runs")"
}

# Catches: delete --force failing on a container another delete removed
# while it waited for the lock (delete_container's 'does not exist' with
# --force), or a delete that removes the state dir without the lock.
@test "concurrent delete --force of a running container (4 at once): all exit 0 quietly; nothing is left" {
	running_container
	exec_detached sleep 100 || return 1
	race 4 delete --force "$ID"
	local i res other=()
	for i in 0 1 2 3; do
		res=$(race_result "$i")
		[[ $res == "0||" ]] || other+=("copy $i: $res")
	done
	((${#other[@]} == 0)) || fail "delete --force did not exit 0 quietly (rc|stdout|stderr):" "${other[@]}" || return 1
	wait_exit "$PID" || return 1
	wait_exit "$EPID" || return 1
	expect_gone "$ID"
}

# ---- the state root ----

# Catches: the state root or a container's dir made with a wider mode
# (state.c: ensure_root, cinch_state_dir_create), which umask 000 would
# let through: other users could read init's pid, the config copy (its
# env may hold secrets) and open the exec fifo.
@test "state: the --root cinch makes and the container's dir are root's, 0700, even under umask 000" {
	new_container
	STATE_ROOT=$BATS_TEST_TMPDIR/made/by/cinch
	umask 000
	create_from_bundle || return 1
	umask 022
	local path got want
	for path in "$STATE_ROOT" "$STATE_ROOT/$ID" "$STATE_ROOT/$ID/state.json"; do
		want="root root 700"
		[[ $path != *.json ]] || want="root root 600"
		got=$(stat -c '%U %G %a' -- "$path")
		[[ $got == "$want" ]] || fail "$path: $got, expected $want" || return 1
	done
	# The parents it made on the way: nothing to read or write for others.
	for path in "$BATS_TEST_TMPDIR/made" "$BATS_TEST_TMPDIR/made/by"; do
		got=$(stat -c %a -- "$path")
		(((8#$got & 8#066) == 0)) || fail "$path: mode $got, readable or writable by others" || return 1
	done
}
