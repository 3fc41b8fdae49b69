#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq and sh text are theirs
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# A remapped workload's files (idmap.h), as root against the real binary:
# under the default policy a careless config's root is host uid H of its
# block, and its rootfs and bind mounts are idmapped, so that it sees the
# image's files with their owners and what it writes lands on the host as
# it would without the remap.  On a plain directory rootfs (what the test
# bundles are) and on an overlay (what containerd, podman and Docker hand
# over; made here with mount -t overlay); a bind whose filesystem refuses
# idmapped mounts (ramfs) is bound as before, and a rootfs that cannot be
# idmapped runs without it, with a record.  Each test names the change to
# the runtime it catches.

load helpers
load rootfs

# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=rmp

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
	# The default policy's remap; its limits are not what these test.
	RT_POLICY=$DEFAULT_NO_LIMITS
}

teardown() {
	container_teardown
}

# What a workload checks of its files: the owners of the image's busybox and
# of /root (0700), a root-only file in it, a write to the root and a chown
# to 1000, and the uid map (first line, to see it is remapped).
LOOK='cat /proc/self/uid_map; stat -c %u:%g /bin/busybox /root; cat /root/secret
	touch /rootw && echo rootw; touch /tmp/c && chown 1000:1000 /tmp/c && echo chowned'
SEEN=$'0:0\n0:0\nsecret\nrootw\nchowned'

# remap_bundle [ARGS...]: new_container with a careless config (root, every
# capability, a writable root) and a root-only /root/secret in its image,
# under a policy that keeps the default remap but leaves the root writable
# and CAP_CHOWN allowed, so that the workload can write and chown (and sets
# no limits, which are not what these test).
remap_bundle() {
	new_container "$@"
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .process.capabilities = {bounding: $all, effective: $all, permitted: $all}
		| .root.readonly = false
		| del(.annotations) | del(.linux.seccomp) | del(.linux.resources)
		| .mounts |= map(select(.destination != "/tmp"))' \
		--argjson all '["CAP_SYS_ADMIN","CAP_DAC_OVERRIDE","CAP_CHOWN","CAP_SETUID","CAP_SETGID"]'
	echo secret >"$BUNDLE/rootfs/root/secret"
	chmod 0600 "$BUNDLE/rootfs/root/secret"
	# An image need not have its mount points: init makes /sys.
	rmdir -- "$BUNDLE/rootfs/sys"
	POLICY=$BATS_TEST_TMPDIR/policy.json
	printf '%s\n' '{"readonlyRootfs": {"mode": "off"}, "capabilities": {"allow": ["CAP_CHOWN"]}, "resources": {"mode": "off"}}' >"$POLICY"
	chmod 0600 "$POLICY"
	# shellcheck disable=SC2034 # read by rt (helpers.bash)
	RT_POLICY=$POLICY
}

# expect_remapped: the first line of $output is a uid map of a 65536-id
# block away from the host's ids; the rest is $SEEN.
expect_remapped() {
	local map host
	map=$(sed -n 1p <<<"$output")
	read -r _ host _ <<<"$map"
	[[ $map =~ ^\ *0\ +[0-9]+\ +65536$ ]] && ((host >= 65536)) || fail "uid_map: '$map'" || return 1
	[[ $(sed 1d <<<"$output") == "$SEEN" ]] || fail "workload saw:" "$(sed 1d <<<"$output")" "expected:" "$SEEN"
}

# expect_owner FILE UID:GID
expect_owner() {
	[[ $(stat -c %u:%g -- "$1") == "$2" ]] || fail "$1 is owned by $(stat -c %u:%g -- "$1"), expected $2"
}

# overlay_rootfs: an overlay of $BUNDLE/rootfs (lower) with an upper and a
# work dir beside it, mounted on $OV/merged (unmounted at teardown), as
# the root of the bundle.
overlay_rootfs() {
	OV=$BATS_TEST_TMPDIR/ov
	mkdir -p -- "$OV"/up/diff "$OV"/up/work "$OV"/merged
	mount -t overlay overlay -o "lowerdir=$BUNDLE/rootfs,upperdir=$OV/up/diff,workdir=$OV/up/work" "$OV/merged" ||
		fail "mount the test's overlay" || return 1
	defer umount "$OV/merged"
	config_set "$BUNDLE" '.root.path = $p' --arg p "$OV/merged"
}

# Catches: cinch_idmap_prepare not called or its root not attached
# (bind_rootfs instead of attach_rootfs: busybox shows as 65534, /root
# cannot be read, touch is refused), and init not making the mount point
# /sys as the container's root (through the idmap the host's root owns
# nothing: EOVERFLOW).
@test "remap, plain directory rootfs: the image's files keep their owners; the root writes as uid 0 on the host" {
	remap_bundle sh -c "$LOOK"
	ct_run
	[[ $status == 0 ]] || fail "run exited $status: $stderr" || return 1
	expect_remapped || return 1
	expect_owner "$BUNDLE/rootfs/rootw" 0:0 || return 1
	expect_owner "$BUNDLE/rootfs/tmp/c" 1000:1000 || return 1
	expect_owner "$BUNDLE/rootfs/sys" 0:0
}

# Catches: an overlay rootfs idmapped as a plain directory (EINVAL: create
# fails), its new overlay made with fsuid 0 (it comes up read-only: create
# fails naming that), or its layers not idmapped (65534 again).
@test "remap, overlay rootfs: a new overlay of idmapped layers; writes land in the upper dir as uid 0 and 1000" {
	remap_bundle sh -c "$LOOK"
	overlay_rootfs || return 1
	ct_run
	[[ $status == 0 ]] || fail "run exited $status: $stderr" || return 1
	expect_remapped || return 1
	expect_owner "$OV/up/diff/rootw" 0:0 || return 1
	expect_owner "$OV/up/diff/tmp/c" 1000:1000 || return 1
	# The lower layer is untouched, and the test's own mount shows the
	# writes as the host has them.
	[[ ! -e $BUNDLE/rootfs/rootw ]] || fail "the write reached the lower layer" || return 1
	expect_owner "$OV/merged/rootw" 0:0
}

# Catches: do_mount not passing the runtime's copy to bind_mount (the file
# and directory show as 65534 and cannot be written), and a refused idmap
# failing create instead of binding as before with an info line.
@test "remap, bind mounts: a file and a directory are idmapped; one on ramfs is bound as it is, and the log says so" {
	remap_bundle sh -c 'stat -c %u:%g /etc/hosts /data /ram/f; echo x >>/etc/hosts && echo hosts
		touch /data/new && echo data; touch /ram/new 2>&1; true'
	printf '127.0.0.1 localhost\n' >"$BATS_TEST_TMPDIR/hosts"
	mkdir -p -- "$BATS_TEST_TMPDIR/data" "$BATS_TEST_TMPDIR/ram"
	mount -t ramfs ramfs "$BATS_TEST_TMPDIR/ram" || fail "mount ramfs" || return 1
	defer umount "$BATS_TEST_TMPDIR/ram"
	touch "$BATS_TEST_TMPDIR/ram/f"
	config_set "$BUNDLE" '.mounts += [
		{destination: "/etc/hosts", type: "bind", source: ($t + "/hosts"), options: ["rbind", "rw"]},
		{destination: "/data", type: "bind", source: ($t + "/data"), options: ["rbind", "rprivate"]},
		{destination: "/ram", type: "bind", source: ($t + "/ram"), options: ["bind"]}]' --arg t "$BATS_TEST_TMPDIR"
	local log=$BATS_TEST_TMPDIR/log.txt n
	n=$(jq '.mounts | length' "$BUNDLE/config.json")
	run --separate-stderr rt --debug --log "$log" run --bundle "$BUNDLE" "$ID"
	expect_result "run" 0 $'0:0\n0:0\n65534:65534\nhosts\ndata\ntouch: /ram/new: Permission denied' '' || return 1
	expect_owner "$BATS_TEST_TMPDIR/hosts" 0:0 || return 1
	[[ $(<"$BATS_TEST_TMPDIR/hosts") == $'127.0.0.1 localhost\nx' ]] || fail "hosts: $(<"$BATS_TEST_TMPDIR/hosts")" || return 1
	expect_owner "$BATS_TEST_TMPDIR/data/new" 0:0 || return 1
	grep -qF "level=info msg=\"$BUNDLE/config.json: mounts[$((n - 1))]: bind $BATS_TEST_TMPDIR/ram on /ram: not idmapped: its filesystem does not support idmapped mounts; its files show their host owners\"" "$log" ||
		fail "no info line about /ram in the log:" "$(grep -v level=debug "$log")"
}

# Catches: a fallback to the plain bind (the workload would run with its
# files as 65534) instead of failing closed, or a failure that leaves
# something behind.
# run_logged: ct_run with a JSON --log in $LOG.
run_logged() {
	LOG=$BATS_TEST_TMPDIR/log.json
	rm -f -- "$LOG"
	run --separate-stderr rt --log "$LOG" --log-format json run --bundle "$BUNDLE" "$ID"
}

# Catches: a failed idmap failing create (Docker's relative layers, ramfs,
# overlays before Linux 6.8 would stop every remapped container), or
# running without a record of it.
@test "remap: a rootfs that cannot be idmapped runs without it (the host's root shows as 65534), and a record says why" {
	remap_bundle stat -c %u /bin/busybox
	# A plain directory on ramfs, which has no idmapped mounts.
	local ram=$BATS_TEST_TMPDIR/ramroot
	mkdir -p -- "$ram"
	mount -t ramfs ramfs "$ram" || fail "mount ramfs" || return 1
	defer umount "$ram"
	cp -a -- "$BUNDLE/rootfs/." "$ram/"
	config_set "$BUNDLE" '.root.path = $p' --arg p "$ram"
	run_logged
	expect_result "run on ramfs" 0 65534 '' || return 1
	jq -e -s --arg p "$ram" 'any(.[]; .decision.field == "root.path" and .decision.outcome == "warned"
		and (.decision.why | contains("does not support idmapped mounts")))' "$LOG" >/dev/null ||
		fail "no record of the fallback:" "$(cat -- "$LOG")" || return 1
	# An overlay whose layer is a relative path (as Docker mounts long
	# layer lists, from its storage dir): there is no finding it again.
	OV=$BATS_TEST_TMPDIR/ov
	mkdir -p -- "$OV"/up/diff "$OV"/up/work "$OV"/merged
	(cd "$BUNDLE" && mount -t overlay overlay -o "lowerdir=rootfs,upperdir=$OV/up/diff,workdir=$OV/up/work" "$OV/merged") ||
		fail "mount the test's overlay" || return 1
	defer umount "$OV/merged"
	config_set "$BUNDLE" '.root.path = $p' --arg p "$OV/merged"
	run_logged
	expect_result "run on an overlay of relative layers" 0 65534 '' || return 1
	jq -e -s 'any(.[]; .decision.field == "root.path" and (.decision.why | contains("lowerdir rootfs is a relative path")))' \
		"$LOG" >/dev/null || fail "no record of the fallback:" "$(cat -- "$LOG")"
}

@test "remap: exec into the container sees the same idmapped root" {
	remap_bundle
	create_from_bundle || return 1
	start_container || return 1
	run --separate-stderr rt exec "$ID" sh -c 'stat -c %u /bin/busybox; touch /byexec && echo made'
	expect_result "exec" 0 $'0\nmade' '' || return 1
	expect_owner "$BUNDLE/rootfs/byexec" 0:0
}
