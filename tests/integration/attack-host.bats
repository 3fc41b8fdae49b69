#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq and sh text are theirs
# Attack tests, as root: nothing in an image or a config reaches the host
# (issue 15).  Each test tries the attack the way a hostile image or
# config.json would, asserts the exit status and the whole message, and then
# that nothing outside the rootfs changed: host sysctls, the root of the
# caller's mount namespace, host files.  A control next to each attack does
# the same thing where it is allowed, so that a test cannot pass because the
# feature is simply broken.
#
#  - sysctls: only namespaced keys, each only with its own namespace;
#  - namespaces by path: never a mount namespace, never the host's pid or
#    user namespace, never one of the wrong type; a pod's still work;
#  - the bundle: root.path through a symlink, or not a directory;
#  - procfs and sysfs: destinations through links, mounts inside /proc,
#    masks that cannot be applied, read-only sysfs all the way down;
#  - exec --cap beyond the container's bounding set.

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=host

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
}

teardown() {
	container_teardown
}

# expect_refused TEXT: the last `run` exited 1 with exactly
# "cinch: $BUNDLE/config.json: TEXT", and made nothing.
expect_refused() {
	expect_init_refused "$BUNDLE/config.json: $1"
}

# expect_init_refused TEXT: as expect_refused, for what init finds (its
# messages name the JSON path but not the file).
expect_init_refused() {
	local want="cinch: $1"
	if ((status != 1)) || [[ $stderr != "$want" ]]; then
		fail "expected exit 1 and: $want" "got exit $status and: $stderr" "stdout: $output"
		return 1
	fi
	expect_nothing_made "$ID"
}

# expect_nothing_made ID: no state dir or cgroup of ID is left.
expect_nothing_made() {
	[[ ! -e $STATE_ROOT/$1 ]] || fail "a refused create left state behind:" "$(ls -la -- "$STATE_ROOT/$1")" || return 1
	assert_no_cgroup "$1"
}

# as_root: the container's process runs as uid 0 (the attacks need it).
as_root() {
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}'
}

# mountinfo_under PREFIX: lines of $output (a mountinfo) whose mount point
# is PREFIX or below it.
mountinfo_under() {
	awk -v p="$1" '$5 == p || index($5, p "/") == 1' <<<"$output"
}

# expect_all_opts LINES OPT...: every mountinfo line has each OPT in its
# per-mount options (field 6).
expect_all_opts() {
	local lines=$1 line opts opt
	shift
	[[ -n $lines ]] || fail "no mounts to check" || return 1
	while read -r line; do
		opts=$(awk '{ print $6 }' <<<"$line")
		for opt; do
			[[ ,$opts, == *",$opt,"* ]] || fail "mount lacks $opt: $line" || return 1
		done
	done <<<"$lines"
}

# keep_sysctl FILE: FILE (under /proc/sys) gets its current value back at
# teardown, so that a runtime that lets the attack through does not leave
# the host changed for the tests after it.
keep_sysctl() {
	local value
	value=$(<"$1")
	defer sh -c 'v=$(cat "$1"); [ "$v" = "$2" ] || printf "%s\n" "$2" >"$1"' restore "$1" "$value"
}

# restore_hostname NAME: the host's name back, if a runtime let it change.
restore_hostname() {
	[[ $(hostname) == "$1" ]] || hostname "$1"
}

# --- sysctls ----------------------------------------------------------------

@test "sysctl: a host-wide key (kernel.printk_ratelimit_burst) is refused, naming it; the host value stays" {
	local before
	before=$(</proc/sys/kernel/printk_ratelimit_burst)
	keep_sysctl /proc/sys/kernel/printk_ratelimit_burst
	new_container true
	config_set "$BUNDLE" '.linux.sysctl = {"kernel.printk_ratelimit_burst": $v}' --arg v "$((before + 7))"
	ct_run
	expect_refused 'linux.sysctl["kernel.printk_ratelimit_burst"]: is not a namespaced sysctl; setting it would change the host'
	[[ $(</proc/sys/kernel/printk_ratelimit_burst) == "$before" ]] || fail "the host's printk_ratelimit_burst changed"
}

@test "sysctl: net.* without a network namespace of its own is refused; the host's value stays" {
	local before
	before=$(</proc/sys/net/ipv4/tcp_keepalive_probes)
	keep_sysctl /proc/sys/net/ipv4/tcp_keepalive_probes
	new_container true
	config_set "$BUNDLE" '.linux.namespaces |= map(select(.type != "network"))
		| .linux.sysctl = {"net.ipv4.tcp_keepalive_probes": $v}' --arg v "$((before + 3))"
	ct_run
	expect_refused 'linux.sysctl["net.ipv4.tcp_keepalive_probes"]: needs the container'"'"'s own network namespace; with the host'"'"'s it would change the host'
	[[ $(</proc/sys/net/ipv4/tcp_keepalive_probes) == "$before" ]] || fail "the host's tcp_keepalive_probes changed"
}

@test "sysctl: the host's network namespace joined by path (/proc/self/ns/net) is not the container's own" {
	local before
	before=$(</proc/sys/net/ipv4/tcp_keepalive_probes)
	keep_sysctl /proc/sys/net/ipv4/tcp_keepalive_probes
	new_container true
	config_set "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)
		| .linux.sysctl = {"net/ipv4/tcp_keepalive_probes": $v}' --arg v "$((before + 3))"
	ct_run
	expect_refused 'linux.sysctl["net/ipv4/tcp_keepalive_probes"]: needs the container'"'"'s own network namespace; with the host'"'"'s it would change the host'
	[[ $(</proc/sys/net/ipv4/tcp_keepalive_probes) == "$before" ]] || fail "the host's tcp_keepalive_probes changed"
}

@test "sysctl: namespaced keys (kernel/shmmni with '/', net.ipv4.tcp_keepalive_probes) are set inside only" {
	local shm net
	shm=$(</proc/sys/kernel/shmmni)
	net=$(</proc/sys/net/ipv4/tcp_keepalive_probes)
	new_container cat /proc/sys/kernel/shmmni /proc/sys/net/ipv4/tcp_keepalive_probes
	config_set "$BUNDLE" '.linux.sysctl = {"kernel/shmmni": "1234", "net.ipv4.tcp_keepalive_probes": "5"}'
	ct_run
	expect_ok "run" || return 1
	[[ $output == $'1234\n5' ]] || fail "inside: expected 1234 and 5, got: $output"
	[[ $(</proc/sys/kernel/shmmni) == "$shm" && $(</proc/sys/net/ipv4/tcp_keepalive_probes) == "$net" ]] ||
		fail "a host value changed"
}

@test "sysctl: a sysctl is written through the runtime's procfs handle, not through the container's /proc" {
	# No proc mount: /proc is the image's empty directory, where a write
	# by path would fail (or land in whatever the image put there).
	new_container true
	config_set "$BUNDLE" '.mounts |= map(select(.destination != "/proc"))
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .linux.sysctl = {"kernel.shmmni": "2345"}'
	ct_run
	expect_ok "run with a sysctl and no procfs in the container"
}

# --- namespaces by path -----------------------------------------------------

# Catches: the host's mount namespace by path let through where the
# policy allows a mount namespace by path (runc-compatible): the
# container's mounts would be made on the host and stay there (check_path
# in hostns.c).
@test "namespaces: the host's mount namespace by path is refused, even under runc-compatible; the caller's root is untouched" {
	local root_before
	root_before=$(stat -c '%d:%i' /)
	new_container true
	config_set "$BUNDLE" '.linux.namespaces |= map(if .type == "mount" then .path = "/proc/self/ns/mnt" else . end)'
	ct_run
	expect_refused "linux.namespaces[4].path: /proc/self/ns/mnt is the host's mount namespace: the container's mounts would be made on the host (leave the mount namespace out to share the host's)"
	[[ $(stat -c '%d:%i' /) == "$root_before" ]] ||
		fail "the root of the caller's mount namespace changed"
}

@test "namespaces: the host's pid and user namespaces by path are refused" {
	new_container true
	config_set "$BUNDLE" '.linux.namespaces |= map(if .type == "pid" then .path = "/proc/self/ns/pid" else . end)'
	ct_run
	expect_refused "linux.namespaces[0].path: /proc/self/ns/pid is the host's pid namespace" || return 1

	new_container true
	config_set "$BUNDLE" '.linux.namespaces += [{type: "user", path: "/proc/self/ns/user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]'
	ct_run
	expect_refused "linux.namespaces[6].path: /proc/self/ns/user is the host's user namespace"
}

@test "namespaces: a path that is not a namespace of the listed type is refused" {
	new_container true
	config_set "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/ipc" else . end)'
	ct_run
	expect_refused "linux.namespaces[1].path: /proc/self/ns/ipc is not a network namespace" || return 1

	new_container true
	config_set "$BUNDLE" '.linux.namespaces |= map(if .type == "uts" then .path = "/etc/passwd" else . end) | del(.hostname)'
	ct_run
	expect_refused "linux.namespaces[3].path: /etc/passwd is not a uts namespace" || return 1

	# A FIFO with no writer would block an open(2) without O_NONBLOCK:
	# create and check would hang, not refuse.
	new_container true
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	config_set "$BUNDLE" '.linux.namespaces |= map(if .type == "ipc" then .path = $f else . end)' \
		--arg f "$BATS_TEST_TMPDIR/fifo"
	ct_run
	expect_refused "linux.namespaces[2].path: $BATS_TEST_TMPDIR/fifo is not a ipc namespace"
}

@test "namespaces: a pod's container joins its sandbox's network, ipc, uts and pid namespaces by path" {
	new_container
	config_set "$BUNDLE" '.hostname = "sandbox"'
	create_from_bundle || return 1
	start_container || return 1
	local sandbox=$PID
	new_container sh -c 'hostname; readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; cat /proc/1/comm'
	config_set "$BUNDLE" 'del(.hostname)
		| .linux.namespaces |= map(if (.type | IN("network", "ipc", "uts", "pid")) then .path = "/proc/\($p)/ns/\(if .type == "network" then "net" else .type end)" else . end)' \
		--arg p "$sandbox"
	ct_run
	expect_ok "run in the sandbox's namespaces" || return 1
	local want
	want=$(printf '%s\n%s\n%s\n%s' sandbox "$(readlink "/proc/$sandbox/ns/net")" "$(readlink "/proc/$sandbox/ns/ipc")" "sleep")
	[[ $output == "$want" ]] || fail "expected:" "$want" "got:" "$output"
}

@test "namespaces: a hostname with the host's uts namespace (by path) is refused; the host's name stays" {
	local before
	before=$(hostname)
	defer restore_hostname "$before"
	new_container true
	config_set "$BUNDLE" '.hostname = "pwned"
		| .linux.namespaces |= map(if .type == "uts" then .path = "/proc/self/ns/uts" else . end)'
	ct_run
	expect_refused "hostname: setting it needs the container's own uts namespace; with the host's it would change the host's name" || return 1
	[[ $(hostname) == "$before" ]] || fail "the host's name changed"
}

# --- the bundle ---------------------------------------------------------------

@test "bundle: a root.path that is a symlink (to /) is refused; so are one through a symlink and a file" {
	new_container true
	mv -- "$BUNDLE/rootfs" "$BUNDLE/real"
	ln -s / "$BUNDLE/rootfs"
	ct_run
	expect_refused "root.path: rootfs is or passes through a symbolic link" || return 1

	rm -- "$BUNDLE/rootfs"
	ln -s . "$BUNDLE/via"
	config_set "$BUNDLE" '.root.path = "via/real"'
	ct_run
	expect_refused "root.path: via/real is or passes through a symbolic link" || return 1

	config_set "$BUNDLE" '.root.path = "real/bin/busybox"'
	ct_run
	expect_refused "root.path: real/bin/busybox is not a directory" || return 1

	config_set "$BUNDLE" '.root.path = "real"'
	ct_run
	expect_ok "run from a real directory (control)"
}

# --- procfs and sysfs ---------------------------------------------------------

@test "proc: an image whose /proc links into /dev (which the /dev tmpfs covers) is refused; core_pattern stays" {
	local before
	before=$(</proc/sys/kernel/core_pattern)
	keep_sysctl /proc/sys/kernel/core_pattern
	new_container sh -c 'echo "|/bin/sh -c evil" > /proc/sys/kernel/core_pattern'
	as_root
	rmdir -- "$BUNDLE/rootfs/proc"
	mkdir -- "$BUNDLE/rootfs/dev/proc"
	ln -s /dev/proc "$BUNDLE/rootfs/proc"
	ct_run
	expect_init_refused "mounts[0]: /proc: must be a directory with no symbolic link on its path" || return 1
	[[ $(</proc/sys/kernel/core_pattern) == "$before" ]] || fail "the host's core_pattern changed"
}

@test "proc: procfs and sysfs go on /proc and /sys only, and a bind of procfs is refused" {
	new_container true
	config_set "$BUNDLE" '.mounts += [{destination: "/p2", type: "proc", source: "proc"}]'
	ct_run
	expect_refused "mounts[7]: /p2: a proc mount may go on /proc only" || return 1

	config_set "$BUNDLE" '.mounts[-1] = {destination: "/sys/fs/cgroup", type: "sysfs", source: "sysfs"}'
	ct_run
	expect_refused "mounts[7]: /sys/fs/cgroup: a sysfs mount may go on /sys only" || return 1

	config_set "$BUNDLE" '.mounts[-1] = {destination: "/hostproc", type: "bind", source: "/proc", options: ["rbind", "ro"]}'
	ct_run
	expect_init_refused "mounts[7]: bind /proc on /hostproc: a bind of procfs is refused" || return 1

	config_set "$BUNDLE" '.mounts |= map(if .destination == "/sys" then {destination: "/sys", type: "bind", source: "/tmp", options: ["rbind"]} else . end)'
	ct_run
	expect_init_refused "mounts[5]: bind /tmp on /sys: the source is not a sysfs"
}

@test "mounts: an image whose /dev links to / gets no device node on the host's disk" {
	new_container true
	as_root
	rm -rf -- "$BUNDLE/rootfs/dev"
	ln -s / "$BUNDLE/rootfs/dev"
	config_set "$BUNDLE" '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11, fileMode: 438}]'
	ct_run
	expect_init_refused "mounts[1]: /dev: must be a directory with no symbolic link on its path" || return 1
	local made
	made=$(find "$BUNDLE/rootfs" -maxdepth 1 \( -type c -o -type b \) -print)
	[[ -z $made ]] || fail "device nodes made in the bundle's rootfs:" "$made"
}

@test "mounts: a destination that an image's link leads to the rootfs' root is refused" {
	new_container true
	ln -s / "$BUNDLE/rootfs/data"
	config_set "$BUNDLE" '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs"}]'
	ct_run
	expect_init_refused "mounts[7]: /data: resolves to the root of the rootfs; refusing to mount there"
}

@test "proc: a mount inside /proc is refused unless it is an lxcfs-style file (/proc/meminfo may be bound)" {
	new_container true
	config_set "$BUNDLE" '.mounts += [{destination: "/proc/sys", type: "tmpfs", source: "tmpfs"}]'
	ct_run
	expect_refused "mounts[7]: /proc/sys: a mount inside /proc or /sys is refused (only /proc/cpuinfo, diskstats, meminfo, stat, swaps, uptime, loadavg, slabinfo, pressure/*, sys/kernel/ns_last_pid and /sys/fs/cgroup may be mounted over)" || return 1

	new_container cat /proc/meminfo
	echo "MemTotal: 42 kB" >"$BATS_TEST_TMPDIR/meminfo"
	config_set "$BUNDLE" '.mounts += [{destination: "/proc/meminfo", type: "bind", source: $s, options: ["bind", "ro"]}]' \
		--arg s "$BATS_TEST_TMPDIR/meminfo"
	ct_run
	expect_ok "bind over /proc/meminfo (control)" || return 1
	[[ $output == "MemTotal: 42 kB" ]] || fail "expected the bound meminfo, got: $output"
}

@test "proc: a destination that leads into procfs through a link of the image is refused" {
	new_container true
	ln -s /proc/sys/kernel "$BUNDLE/rootfs/kern"
	config_set "$BUNDLE" '.mounts += [{destination: "/kern/core_pattern", type: "bind", source: "/dev/null", options: ["bind"]}]'
	ct_run
	expect_init_refused "mounts[7]: /kern/core_pattern: resolves into procfs; refusing to mount there"
}

@test "proc: a masked path that cannot be opened fails create; only a missing one is skipped" {
	new_container true
	config_set "$BUNDLE" '.linux.maskedPaths += ["/proc/self/cwd"]'
	ct_run
	expect_init_refused "linux.maskedPaths[12]: /proc/self/cwd: mask: open: Too many levels of symbolic links" || return 1

	new_container true
	config_set "$BUNDLE" '.linux.maskedPaths += ["/proc/no-such-file"]'
	ct_run
	expect_ok "a masked path this kernel does not have (control)"
}

@test "sys: sysfs bound from the host (user namespace, no network namespace) is read-only on every submount" {
	new_container cat /proc/self/mountinfo
	config_identity_userns
	config_set "$BUNDLE" '.linux.namespaces |= map(select(.type != "network"))'
	ct_run
	expect_ok "run" || return 1
	expect_all_opts "$(mountinfo_under /sys)" ro nosuid nodev noexec
}

@test "sys: a config that rbinds /sys read-only gets every submount read-only; root cannot write a cgroup" {
	# A cgroup directory of the host's hierarchy: /sys/fs/cgroup itself on
	# a v2 host, a v1 controller's hierarchy otherwise.
	local cgroup=/sys/fs/cgroup
	cgroup_is_v2 || cgroup=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "cgroup") { print $5; exit } }' /proc/self/mountinfo)
	[[ -n $cgroup ]] || fail "no cgroup hierarchy mounted on this host" || return 1
	new_container sh -c "cat /proc/self/mountinfo; mkdir $cgroup/x 2>&1 || true"
	as_root
	config_set "$BUNDLE" '.mounts |= map(if .destination == "/sys" then {destination: "/sys", type: "bind", source: "/sys", options: ["rbind", "ro"]} else . end)
		| .linux.namespaces |= map(select(.type != "cgroup"))'
	ct_run
	expect_ok "run" || return 1
	[[ $output == *"Read-only file system"* ]] || fail "mkdir in a cgroup did not fail EROFS: $output"
	local lines
	lines=$(mountinfo_under /sys)
	[[ $(wc -l <<<"$lines") -gt 1 ]] || fail "expected submounts under /sys, got: $lines"
	expect_all_opts "$lines" ro nosuid nodev noexec
}

# --- capabilities ---------------------------------------------------------

# (Past the bounding set: "caps: exec --process or --cap past ..." below.)
@test "caps: exec --cap within the container's bounding set: effective and permitted, nothing inheritable" {
	new_container
	config_set "$BUNDLE" '.process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE"], permitted: [], effective: []}'
	create_from_bundle || return 1
	start_container || return 1
	# As uid 0, whose permitted set after execve is the bounding set.
	run --separate-stderr rt exec -u 0 --cap CAP_NET_BIND_SERVICE "$ID" grep -E '^Cap(Inh|Prm|Eff|Bnd)' /proc/self/status
	expect_ok "exec --cap CAP_NET_BIND_SERVICE" || return 1
	local want
	want=$(printf 'CapInh:\t%s\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t%s' 0000000000000000 0000000000000400 0000000000000400 0000000000000400)
	[[ $output == "$want" ]] || fail "expected:" "$want" "got:" "$output"
}

# Catches: an unknown capability name granting anything, or failing the
# container (the runtime-spec asks for a warning, and runc and crun run
# it: crun's unknown-caps and exec-add-capability), or the warning lost.
@test "caps: an unknown capability name is a warning naming the field, and grants nothing; exec --cap too" {
	new_container sh -c 'grep -E "^Cap(Prm|Eff|Bnd)" /proc/self/status; exec sleep 100'
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0} | .process.capabilities = {bounding: ["CAP_CHOWN", "CAP_SYS_ADMN"],
		effective: ["CAP_CHOWN", "CAP_SYS_ADMN"], permitted: ["CAP_CHOWN", "CAP_SYS_ADMN"]}'
	local log=$BATS_TEST_TMPDIR/log.json cfg
	cfg=$(realpath -- "$BUNDLE")/config.json
	run --separate-stderr rt --log "$log" --log-format json run -d --bundle "$BUNDLE" "$ID"
	expect_ok "run -d with CAP_SYS_ADMN" || return 1
	run jq -r 'select(.level == "warning") | .msg' "$log"
	[[ $output == *"$cfg: process.capabilities.bounding[1]: unknown capability \"CAP_SYS_ADMN\": not granted"* ]] ||
		fail "no warning naming the field:" "$(cat -- "$log")" || return 1
	local pid
	pid=$(rt state "$ID" | jq .pid)
	local want
	want=$(printf 'CapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t%s' 0000000000000001 0000000000000001 0000000000000001)
	[[ $(grep -E "^Cap(Prm|Eff|Bnd)" "/proc/$pid/status") == "$want" ]] ||
		fail "capabilities of init:" "$(grep Cap "/proc/$pid/status")" || return 1
	run --separate-stderr rt --log "$log" --log-format json exec --cap CAP_SYS_ADMN "$ID" sh -c 'grep ^CapEff /proc/self/status'
	expect_result "exec --cap CAP_SYS_ADMN" 0 "$(printf 'CapEff:\t0000000000000001')" "" || return 1
	grep -q 'exec: --cap CAP_SYS_ADMN: unknown capability: not granted' "$log" ||
		fail "no warning for exec --cap:" "$(cat -- "$log")"
}

# Catches: a capability the runtime does not hold (this host's root lacks
# CAP_SYS_RESOURCE) failing the container with "set capabilities:
# Operation not permitted", as runc does, instead of being left out with a
# warning (grantable in caps.c): the runtime-spec says a runtime should not
# fail there.  The runtime runs without CAP_SYS_TIME (setpriv), whatever
# the host's root holds.
@test "caps: a capability the runtime does not hold is left out with a warning naming it; the others are granted" {
	new_container grep CapEff /proc/self/status
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0} | .process.capabilities = {bounding: ["CAP_SYS_TIME", "CAP_KILL"],
		effective: ["CAP_SYS_TIME", "CAP_KILL"], permitted: ["CAP_SYS_TIME", "CAP_KILL"]}'
	local log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr setpriv --bounding-set -sys_time -- timeout -k 5 "$RT_TIMEOUT" "$CINCH" --root "$STATE_ROOT" \
		--policy "$RT_POLICY" --log "$log" --log-format json run --bundle "$BUNDLE" "$ID" </dev/null
	expect_result "run without CAP_SYS_TIME" 0 "$(printf 'CapEff:\t0000000000000020')" "" || return 1
	grep -q "process.capabilities: CAP_SYS_TIME: the runtime does not hold it; not granted" "$log" ||
		fail "no warning:" "$(cat -- "$log")" || return 1
	expect_gone "$ID"
}

# Catches: the container's bounding set not holding exec's capabilities
# where the policy's capabilities control enforces (check_process_caps and
# amend_process in exec.c), or holding them where it only warns: runc and
# crun grant them (docker exec --privileged; crun's exec-add-capability).
@test "caps: exec --process or --cap past the container's bounding set: refused by the default policy, granted with a warning under runc-compatible" {
	new_container
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE"], permitted: [], effective: []}'
	create_from_bundle || return 1
	start_container || return 1
	local proc=$BATS_TEST_TMPDIR/process.json log=$BATS_TEST_TMPDIR/log.json
	jq '.process | .args = ["grep", "-E", "^Cap(Eff|Bnd)", "/proc/self/status"]
		| .capabilities = {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"], permitted: ["CAP_SYS_ADMIN"]}' \
		"$BUNDLE/config.json" >"$proc"
	RT_POLICY=$DEFAULT_NO_LIMITS run --separate-stderr rt exec --process "$proc" "$ID"
	expect_failure 255 "exec --process, default policy" "$proc: capabilities.bounding: CAP_SYS_ADMIN is not in the container's bounding set" || return 1
	RT_POLICY=$DEFAULT_NO_LIMITS run --separate-stderr rt exec --cap CAP_KILL "$ID" true
	expect_failure 255 "exec --cap, default policy" "exec: --cap CAP_KILL: not in the container's bounding set" || return 1

	local want
	want=$(printf 'CapEff:\t%s\nCapBnd:\t%s' 0000000000200000 0000000000200000)
	run --separate-stderr rt --log "$log" --log-format json exec --process "$proc" "$ID"
	expect_result "exec --process, runc-compatible" 0 "$want" "" || return 1
	grep -q "$proc: capabilities.bounding: CAP_SYS_ADMIN is not in the container's bounding set; granted (policy: capabilities warn)" "$log" ||
		fail "no warning:" "$(cat -- "$log")" || return 1
	want=$(printf 'CapEff:\t%s\nCapBnd:\t%s' 0000000000000020 0000000000000420)
	run --separate-stderr rt --log "$log" --log-format json exec --cap CAP_KILL "$ID" grep -E "^Cap(Eff|Bnd)" /proc/self/status
	expect_result "exec --cap CAP_KILL, runc-compatible" 0 "$want" "" || return 1
	grep -q "exec: --cap CAP_KILL: not in the container's bounding set; granted (policy: capabilities warn)" "$log" ||
		fail "no warning for --cap:" "$(cat -- "$log")"
}

# --- hostile sizes ------------------------------------------------------------

@test "sizes: hooks get the whole state whatever its size (100 KiB of annotations), in and out of the container" {
	local out=$BATS_TEST_TMPDIR/hooks big
	mkdir -p -- "$out"
	big=$(head -c 100000 /dev/zero | tr '\0' a)
	new_container true
	config_set "$BUNDLE" '.annotations.big = $b
		| .hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "wc -c >\($o)/prestart"]}],
			createContainer: [{path: "/bin/sh", args: ["sh", "-c", "wc -c >\($o)/create"]}]}' \
		--arg b "$big" --arg o "$out"
	ct_run
	expect_ok "run with hooks" || return 1
	local pre create
	pre=$(<"$out/prestart")
	create=$(<"$out/create")
	((pre > 100000)) || fail "prestart got $pre bytes"
	[[ $create == "$pre" ]] || fail "createContainer got $create bytes of state, prestart $pre"
}

@test "sizes: an argv as large as the kernel allows runs; one past the limit is refused cleanly" {
	# The kernel takes a quarter of the stack limit for argv and environ;
	# each argument here costs 8 bytes of string and 8 of pointer.
	local limit fit over
	limit=$(($(ulimit -s) * 1024 / 4))
	fit=$(((limit - 65536) / 16))
	over=$((limit / 16 + 1000))
	new_container true
	config_set "$BUNDLE" '.process.args = ["sh", "-c", "echo $#", "sh"] + [range($n) | "xxxxxxx"]' --argjson n "$fit"
	ct_run
	expect_ok "run with $fit arguments" || return 1
	[[ $output == "$fit" ]] || fail "expected \$# = $fit, got: $output"

	new_container true
	config_set "$BUNDLE" '.process.args = ["sh", "-c", "echo $#", "sh"] + [range($n) | "xxxxxxx"]' --argjson n "$over"
	run -127 --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	expect_failure 127 "run with $over arguments" 'cinch: exec: "sh": through the exec stub: Argument list too long'
}

# --- cgroups ------------------------------------------------------------------

# rmdir_cgroups NAME: removes the directory NAME (made by mkdir -p as the
# parent of a container's cgroup) from every hierarchy.
rmdir_cgroups() {
	local dir
	for dir in /sys/fs/cgroup/"$1" /sys/fs/cgroup/*/"$1"; do
		[[ -d $dir ]] && rmdir -- "$dir"
	done
	return 0
}

@test "cgroups: a cgroupsPath at, below or above another container's cgroup is refused, naming both" {
	new_container
	local first=$ID parent=cinch-test-$BATS_TEST_NUMBER-$$
	defer rmdir_cgroups "$parent"
	config_set "$BUNDLE" '.linux.cgroupsPath = "/\($p)/\($id)"' --arg p "$parent" --arg id "$first"
	create_from_bundle || return 1

	new_container true
	config_set "$BUNDLE" '.linux.cgroupsPath = "/\($p)/\($id)/nested-\($me)"' --arg p "$parent" --arg id "$first" --arg me "$ID"
	ct_run
	expect_refused "linux.cgroupsPath: /$parent/$first/nested-$ID lies below the cgroup of container \"$first\" (/$parent/$first)" || return 1

	config_set "$BUNDLE" '.linux.cgroupsPath = "/\($p)/\($id)"' --arg p "$parent" --arg id "$first"
	ct_run
	expect_refused "linux.cgroupsPath: /$parent/$first is the cgroup of container \"$first\" (/$parent/$first)" || return 1

	config_set "$BUNDLE" '.linux.cgroupsPath = "/\($p)"' --arg p "$parent"
	ct_run
	expect_refused "linux.cgroupsPath: /$parent lies above the cgroup of container \"$first\" (/$parent/$first)" || return 1

	# A sibling whose name only starts the same is apart (control).
	config_set "$BUNDLE" '.linux.cgroupsPath = "/\($p)/\($id)-\($me)"' --arg p "$parent" --arg id "$first" --arg me "$ID"
	ct_run
	expect_ok "a cgroup beside the first container's"
}

@test "mounts: a destination that a link of the image leads under a later mount is refused" {
	# /run/secret is where the config binds a file; the image makes /run a
	# link into /dev, which the config's /dev tmpfs covers afterwards.
	new_container true
	mkdir -p -- "$BUNDLE/rootfs/dev/run"
	ln -s /dev/run "$BUNDLE/rootfs/run"
	echo secret >"$BATS_TEST_TMPDIR/secret"
	config_set "$BUNDLE" '.mounts = [{destination: "/run/secret", type: "bind", source: $s, options: ["bind", "ro"]}] + .mounts' \
		--arg s "$BATS_TEST_TMPDIR/secret"
	ct_run
	expect_init_refused "mounts[0]: /run/secret: resolves to /dev/run/secret, which mounts[2] (/dev) covers later" || return 1

	# A link to a place no later mount covers is followed (control).
	rm -- "$BUNDLE/rootfs/run"
	mkdir -p -- "$BUNDLE/rootfs/srv/run"
	ln -s /srv/run "$BUNDLE/rootfs/run"
	ct_run
	expect_ok "a bind through /run -> /srv/run"
}

# Catches: in a new user namespace, a node taken from the host's /dev by
# its path instead of made with the config's numbers (send_devices in
# sources.c): /dev/zero would be the host's 1:5, and read zeros.
@test "devices: in a user namespace a linux.devices node has the config's numbers, not the host's node of that name" {
	new_container sh -c 'stat -c "%t:%T" /dev/zero; head -c 4 /dev/zero | wc -c'
	config_identity_userns
	config_set "$BUNDLE" '.linux.devices = [{path: "/dev/zero", type: "c", major: 1, minor: 3}]'
	ct_run
	expect_result "stat and read /dev/zero, made as c 1:3 (null)" 0 $'1:3\n0' "" || return 1
	expect_gone "$ID"
}
