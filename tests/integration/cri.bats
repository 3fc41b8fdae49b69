#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq and sh text are theirs
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# The Kubernetes path, as root against the real binary: cinch driven the way
# containerd 1.6's CRI plugin drives runc through the shim, with configs of
# the shape that plugin writes for a pod sandbox and for the containers of
# the pod.  No CRI client runs here (no kubelet, no crictl); the configs are
# built by hand from the plugin's source:
#
#   sandbox (pkg/cri/server/sandbox_run_linux.go sandboxContainerSpec, on
#   oci/spec.go populateDefaultUnixSpec): the default Unix spec less /run and
#   less seccomp and rlimits (WithoutRunMount, WithoutDefaultSecuritySettings),
#   root "rootfs" read-only, the pod's hostname, new pid/ipc/uts/mount
#   namespaces and the network namespace the plugin pinned, by path; /dev/shm
#   and /etc/resolv.conf bound "rbind,ro" from the sandbox's dir; cpu shares
#   2; oomScoreAdj -998; cgroupsPath <cgroup parent>/<id> (cgroupfs driver);
#   the default masked and read-only paths; annotations
#   io.kubernetes.cri.container-type=sandbox, sandbox-id, sandbox-namespace,
#   sandbox-name, sandbox-log-directory.
#
#   container (container_create_linux.go containerSpec, opts/spec_linux.go):
#   no seccomp, no rlimits unless the runtime's base spec has some (here
#   RLIMIT_NOFILE, as operators put in base_runtime_spec), noNewPrivileges
#   false (allowPrivilegeEscalation's default), HOSTNAME in the environment
#   and no hostname of its own; network, ipc and uts namespaces by path,
#   /proc/<sandbox pid>/ns/{net,ipc,uts}, and the pid namespace by path too
#   when the pod shares its process namespace; /sys/fs/cgroup (cgroup, ro);
#   /etc/hostname, /etc/hosts, /etc/resolv.conf and /dev/shm bound from the
#   sandbox's files "rbind,rprivate,rw"; hostPath volumes "rbind" plus
#   rprivate (None), rslave and rootfsPropagation rslave (HostToContainer),
#   rshared and rootfsPropagation rshared (Bidirectional); the kubelet's
#   masked and read-only paths; cgroupsPath under the pod's; annotations
#   container-type=container, sandbox-id, sandbox-namespace, sandbox-name,
#   container-name, image-name.  seccomp as the security context says:
#   RuntimeDefault is contrib/seccomp's DefaultProfile for these
#   capabilities on amd64 (an allowlist, defaultAction SCMP_ACT_ERRNO with
#   no errnoRet, so EPERM; clone3 ENOSYS): tests/data/cri/README.md says
#   where it comes from.  Unconfined is no linux.seccomp at all, Localhost
#   the JSON of the profile file.
#
# Each behaviour is tested under both presets: default (remapped ids, no
# capabilities, read-only root, a filter where the config has none) and
# runc-compatible (the config as given).  Each test names what it catches.
#
# A pod is a uid, a cgroup parent /kubepods/besteffort/pod<uid>, a dir of
# sandbox files and a network namespace pinned by a bind mount under the
# test's dir, as the plugin pins one under /var/run/netns.  Teardown deletes
# the containers, then fails the test if anything is left (container_
# teardown), then removes what the test made in the kubelet's stead: the
# namespace's mount and the pod's cgroup parents.

load helpers
load rootfs

# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=cri

SYSCALLPROBE=${SYSCALLPROBE:-$BATS_TEST_DIRNAME/../../build/tests/helpers/syscallprobe}
CRI_DATA=$BATS_TEST_DIRNAME/../data/cri

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

# --- What the CRI plugin writes ------------------------------------------------

# The default capabilities of containerd's Unix spec (oci/spec.go), which a
# container gets when its security context adds and drops none.
CRI_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW",
	"CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT",
	"CAP_KILL","CAP_AUDIT_WRITE"]'

# populateDefaultUnixSpec's mounts, less /run (WithoutRunMount).
CRI_DEFAULT_MOUNTS=$(jq -cn '[
	{destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]},
	{destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
	{destination: "/dev/pts", type: "devpts", source: "devpts",
	 options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
	{destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
	{destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
	{destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]}]')

# The sandbox's masked and read-only paths: populateDefaultUnixSpec's.
SANDBOX_MASKED='["/proc/acpi","/proc/asound","/proc/kcore","/proc/keys","/proc/latency_stats","/proc/timer_list",
	"/proc/timer_stats","/proc/sched_debug","/sys/firmware","/proc/scsi"]'
SANDBOX_READONLY='["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]'
# A container's: the kubelet's defaults (securitycontext), which the plugin
# copies from the security context in place of its own.
KUBELET_MASKED='["/proc/asound","/proc/acpi","/proc/kcore","/proc/keys","/proc/latency_stats","/proc/timer_list",
	"/proc/timer_stats","/proc/sched_debug","/proc/scsi","/sys/firmware"]'
KUBELET_READONLY='["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]'

CRI_PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# has_sys_resource: this shell holds CAP_SYS_RESOURCE (bit 24), without
# which the kernel refuses to lower an oom_score_adj (EACCES).
has_sys_resource() {
	local eff
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	(((16#$eff >> 24) & 1))
}

# The sandbox's oomScoreAdj: defaultSandboxOOMAdj, -998; on a host whose
# root lacks CAP_SYS_RESOURCE (a container itself) containerd runs with
# restrict_oom_score_adj, and writes its own score where the pod's would be
# lower (restrictOOMScoreAdj).
SANDBOX_OOM=-998
if ! has_sys_resource; then
	SANDBOX_OOM=$(</proc/self/oom_score_adj)
	((SANDBOX_OOM > -998)) || SANDBOX_OOM=-998
fi

# preset NAME: the policy rt passes, default or runc-compatible; default
# without its limits (DEFAULT_NO_LIMITS) except in the cgroup tests, so that
# the pod tests run on a host whose cgroups lack the controllers.
preset() {
	# shellcheck disable=SC2034 # read by rt (helpers.bash)
	RT_POLICY=$1
	# shellcheck disable=SC2034 # read by rt (helpers.bash)
	[[ $1 != default || ${CRI_LIMITS:-} == 1 ]] || RT_POLICY=$DEFAULT_NO_LIMITS
}

# cri_resources: linux.resources as the plugin writes them: the devices
# rule, and cpu shares 2 (WithDefaultSandboxShares and the container's
# default) where the host has a cpu controller to take them.
cri_resources() {
	if cgroup_has_controller cpu; then
		echo '{"devices": [{"allow": false, "access": "rwm"}], "cpu": {"shares": 2}}'
	else
		echo '{"devices": [{"allow": false, "access": "rwm"}]}'
	fi
}

# pod_new NAME: a new pod in POD_UID, POD_NAME, POD_CGROUP (its cgroup
# parent), POD_DIR (the sandbox's files: hostname, hosts, resolv.conf, shm)
# and POD_NETNS (a new network namespace, bind-mounted on a file there).
# Teardown unmounts the namespace and removes the pod's cgroup parents.
pod_new() {
	POD_NAME=$1
	POD_UID=$(</proc/sys/kernel/random/uuid)
	POD_CGROUP=/kubepods/besteffort/pod$POD_UID
	POD_DIR=$BATS_TEST_TMPDIR/pod-$POD_NAME
	mkdir -p -- "$POD_DIR/shm" "$POD_DIR/logs" || return 1
	printf '%s\n' "$POD_NAME" >"$POD_DIR/hostname"
	printf '127.0.0.1\tlocalhost\n' >"$POD_DIR/hosts"
	printf 'search default.svc.cluster.local\nnameserver 10.96.0.10\n' >"$POD_DIR/resolv.conf"
	defer pod_cgroup_remove "$POD_UID" "$(pod_parents)"
	POD_NETNS=$POD_DIR/netns
	touch -- "$POD_NETNS"
	unshare --net="$POD_NETNS" true || fail "could not pin a network namespace on $POD_NETNS" || return 1
	defer umount -- "$POD_NETNS"
}

# pod_parents: the cgroup directories a pod's parents could be, in any
# hierarchy, sorted: kubepods, besteffort, and cinch (where a runtime that
# took cgroupsPath as relative would put them).
pod_parents() {
	find /sys/fs/cgroup -mindepth 1 -type d \( -name kubepods -o -name besteffort -o -name cinch \) 2>/dev/null |
		sort
}

# pod_cgroup_remove UID BEFORE: removes the pod's cgroup, pod<UID>,
# wherever it is in each hierarchy (a runtime that put it elsewhere fails
# the test, and must not leave it behind), then each parent up to the
# hierarchy's root that is not in BEFORE (pod_parents at pod_new) and is
# empty now (another pod may hold it).  What the kubelet removes when the
# pod goes; the containers' own are gone by now.  Then the parents must be
# as BEFORE.
pod_cgroup_remove() {
	local dir up status=0 after before=$2
	while IFS= read -r -d '' dir; do
		rmdir -- "$dir" || { fail "pod cgroup $dir could not be removed" || status=1; }
		up=${dir%/*}
		while [[ $up == /sys/fs/cgroup/* ]] && ! mountpoint -q -- "$up" &&
			! grep -qxF -- "$up" <<<"$before"; do
			rmdir -- "$up" 2>/dev/null || break
			up=${up%/*}
		done
	done < <(find /sys/fs/cgroup -mindepth 2 -type d -name "pod$1" -print0 2>/dev/null)
	after=$(pod_parents)
	[[ $after == "$before" ]] ||
		fail "the pod's parent cgroups changed:" "$(diff <(echo "$before") <(echo "$after"))" || status=1
	return "$status"
}

# cri_new: a fresh id in $ID registered for teardown, a bundle in $BUNDLE
# (under $BUNDLES, default the test's dir) with a copy of the rootfs, a pid
# file path in $PIDFILE.  The config is
# written by sandbox_config or container_config.
cri_new() {
	ID=$CINCH_ID_PREFIX-$BATS_TEST_NUMBER-$$-${#CONTAINERS[@]}
	CONTAINERS+=("$ID")
	BUNDLE=$(mktemp -d "${BUNDLES:-$BATS_TEST_TMPDIR}/bundle.XXXXXX") || return 1
	cp -a -- "$CINCH_ROOTFS" "$BUNDLE/rootfs" || return 1
	PIDFILE=$BATS_TEST_TMPDIR/$ID.pid
}

# json_args ARGS...: ARGS as a JSON array.  One --arg at a time: jq 1.6
# takes an argument like "-c" after --args as its own option.
json_args() {
	local args='[]' arg
	for arg; do
		args=$(jq -c --arg a "$arg" '. + [$a]' <<<"$args") || return 1
	done
	printf '%s\n' "$args"
}

# sandbox_config ARGS...: $BUNDLE/config.json for the sandbox $ID of the
# pod, running ARGS (the pause image's part).
sandbox_config() {
	local args
	args=$(json_args "$@") || return 1
	jq -n --argjson args "$args" --argjson caps "$CRI_CAPS" --argjson mounts "$CRI_DEFAULT_MOUNTS" \
		--argjson resources "$(cri_resources)" \
		--argjson masked "$SANDBOX_MASKED" --argjson ro "$SANDBOX_READONLY" \
		--arg id "$ID" --arg name "$POD_NAME" --arg dir "$POD_DIR" --arg netns "$POD_NETNS" \
		--arg cg "$POD_CGROUP/$ID" --arg path "$CRI_PATH_ENV" --argjson oom "$SANDBOX_OOM" '{
		ociVersion: "1.0.2-dev",
		process: {
			user: {uid: 0, gid: 0}, args: $args, env: [$path], cwd: "/",
			capabilities: {bounding: $caps, effective: $caps, permitted: $caps},
			noNewPrivileges: true, oomScoreAdj: $oom},
		root: {path: "rootfs", readonly: true},
		hostname: $name,
		mounts: ($mounts + [
			{destination: "/dev/shm", type: "bind", source: ($dir + "/shm"), options: ["rbind", "ro"]},
			{destination: "/etc/resolv.conf", type: "bind", source: ($dir + "/resolv.conf"), options: ["rbind", "ro"]}]),
		annotations: {
			"io.kubernetes.cri.container-type": "sandbox",
			"io.kubernetes.cri.sandbox-id": $id,
			"io.kubernetes.cri.sandbox-namespace": "default",
			"io.kubernetes.cri.sandbox-name": $name,
			"io.kubernetes.cri.sandbox-log-directory": ($dir + "/logs")},
		linux: {
			resources: $resources,
			cgroupsPath: $cg,
			namespaces: [{type: "pid"}, {type: "ipc"}, {type: "uts"}, {type: "mount"},
				{type: "network", path: $netns}],
			maskedPaths: $masked, readonlyPaths: $ro}}' >"$BUNDLE/config.json"
}

# sandbox_run: the pod's sandbox, created and started as the shim does
# (pause-like: sleep); its id in SANDBOX_ID, its init's pid in SANDBOX_PID.
sandbox_run() {
	cri_new || return 1
	sandbox_config sleep 1000 || return 1
	create_from_bundle || return 1
	start_container || return 1
	SANDBOX_ID=$ID
	SANDBOX_PID=$PID
}

# container_config [ARGS...]: $BUNDLE/config.json for container $ID of the
# pod (sandbox $SANDBOX_ID, init $SANDBOX_PID), running ARGS.  Tests shape
# it further with config_set; pid_ns_of_sandbox, seccomp_* and the volume
# helpers below do so as the plugin would.
container_config() {
	local args
	(($# > 0)) || set -- sleep 100
	args=$(json_args "$@") || return 1
	jq -n --argjson args "$args" --argjson caps "$CRI_CAPS" --argjson mounts "$CRI_DEFAULT_MOUNTS" \
		--argjson resources "$(cri_resources)" \
		--argjson masked "$KUBELET_MASKED" --argjson ro "$KUBELET_READONLY" \
		--arg sid "$SANDBOX_ID" --arg name "$POD_NAME" --arg dir "$POD_DIR" --arg pid "$SANDBOX_PID" \
		--arg cg "$POD_CGROUP/$ID" --arg path "$CRI_PATH_ENV" '{
		ociVersion: "1.0.2-dev",
		process: {
			user: {uid: 0, gid: 0, additionalGids: [0]}, args: $args,
			env: [$path, ("HOSTNAME=" + $name)], cwd: "/",
			capabilities: {bounding: $caps, effective: $caps, permitted: $caps},
			rlimits: [{type: "RLIMIT_NOFILE", hard: 2000, soft: 1000}],
			noNewPrivileges: false, oomScoreAdj: 1000},
		root: {path: "rootfs"},
		mounts: ([$mounts[] | select(.destination != "/dev/shm")] + [
			{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
			 options: ["nosuid", "noexec", "nodev", "relatime", "ro"]},
			{destination: "/etc/hosts", type: "bind", source: ($dir + "/hosts"), options: ["rbind", "rprivate", "rw"]},
			{destination: "/etc/hostname", type: "bind", source: ($dir + "/hostname"), options: ["rbind", "rprivate", "rw"]},
			{destination: "/etc/resolv.conf", type: "bind", source: ($dir + "/resolv.conf"),
			 options: ["rbind", "rprivate", "rw"]},
			{destination: "/dev/shm", type: "bind", source: ($dir + "/shm"), options: ["rbind", "rprivate", "rw"]}]),
		annotations: {
			"io.kubernetes.cri.container-type": "container",
			"io.kubernetes.cri.sandbox-id": $sid,
			"io.kubernetes.cri.sandbox-namespace": "default",
			"io.kubernetes.cri.sandbox-name": $name,
			"io.kubernetes.cri.container-name": "app",
			"io.kubernetes.cri.image-name": "docker.io/library/busybox:1.36"},
		linux: {
			resources: $resources,
			cgroupsPath: $cg,
			namespaces: [{type: "pid"}, {type: "ipc", path: ("/proc/" + $pid + "/ns/ipc")},
				{type: "uts", path: ("/proc/" + $pid + "/ns/uts")}, {type: "mount"},
				{type: "network", path: ("/proc/" + $pid + "/ns/net")}],
			maskedPaths: $masked, readonlyPaths: $ro}}' >"$BUNDLE/config.json"
}

# pod_container [ARGS...]: cri_new and container_config.
pod_container() {
	cri_new || return 1
	container_config "$@"
}

# pid_ns_of_sandbox: shareProcessNamespace (NamespaceMode POD): the pid
# namespace by path, the sandbox's.
pid_ns_of_sandbox() {
	config_set "$BUNDLE" '(.linux.namespaces[] | select(.type == "pid")) |= . + {path: $p}' \
		--arg p "/proc/$SANDBOX_PID/ns/pid"
}

# ct_run_logged: `cinch --log L --log-format json run` of $ID in the
# foreground; the log in $LOG.
ct_run_logged() {
	LOG=$BATS_TEST_TMPDIR/$ID.log.json
	run --separate-stderr rt --log "$LOG" --log-format json run --bundle "$BUNDLE" "$ID"
}

# ns_of PID: its ipc, uts and net namespaces, one a line.
ns_of() {
	readlink "/proc/$1/ns/ipc" "/proc/$1/ns/uts" "/proc/$1/ns/net"
}

# --- The pod: namespaces, files, ids --------------------------------------------

# What a container of the pod shows: its ipc, uts and net namespaces, its
# host name, $HOSTNAME, id, a file of the image and one the plugin bound
# from the sandbox, a write to /tmp read back, and its pid namespace.
POD_LOOK='for n in ipc uts net; do readlink /proc/self/ns/$n; done; hostname; echo "$HOSTNAME"; id
	grep ^root: /etc/passwd; cat /etc/hostname; echo w >/tmp/w && cat /tmp/w; readlink /proc/self/ns/pid'

# pod_join_test PRESET: the test of the two below.
pod_join_test() {
	preset "$1"
	pod_new web || return 1
	sandbox_run || return 1
	# The sandbox joined the pinned network namespace and set the name.
	[[ $(readlink "/proc/$SANDBOX_PID/ns/net") == "net:[$(stat -L -c %i "$POD_NETNS")]" ]] ||
		fail "the sandbox is not in the pod's network namespace $POD_NETNS" || return 1
	[[ $(nsenter -t "$SANDBOX_PID" -u hostname) == web ]] || fail "the sandbox's host name is not 'web'" || return 1
	pod_container sh -c "$POD_LOOK" || return 1
	ct_run
	expect_ok "run the pod's container" || return 1
	local want
	want=$(printf '%s\n' "$(ns_of "$SANDBOX_PID")" web web 'uid=0(root) gid=0(root) groups=0(root)' \
		'root:x:0:0:root:/root:/bin/sh' web w)
	[[ $(sed '$d' <<<"$output") == "$want" ]] || fail "the container saw:" "$output" "expected:" "$want" || return 1
	# Its own pid namespace (NamespaceMode CONTAINER, the default).
	[[ $(sed -n '$p' <<<"$output") != "$(readlink "/proc/$SANDBOX_PID/ns/pid")" ]] ||
		fail "the container is in the sandbox's pid namespace without asking"
}

# Catches: init not joining a namespace given by path (setns skipped or
# done after unshare: the links differ), the hostname of the sandbox not
# set in its new uts namespace, a remapped container refused the join.
@test "pod, default policy: a container joins the sandbox's ipc, uts and net namespaces by path, sees its name, runs id, reads, writes /tmp" {
	pod_join_test default
}

@test "pod, runc-compatible: a container joins the sandbox's ipc, uts and net namespaces by path, sees its name, runs id, reads, writes /tmp" {
	pod_join_test runc-compatible
}

# uid_map_of PID: the first line of PID's uid map, as "INSIDE HOST SIZE".
uid_map_of() {
	local inside host size
	read -r inside host size <"/proc/$1/uid_map" && echo "$inside $host $size"
}

# Catches: idpool_allocate ignoring io.kubernetes.cri.sandbox-id (the
# sandbox and its container in blocks of their own: a shared ipc or net
# namespace between two id blocks), or giving two pods one block.
@test "pod, default policy: the sandbox and its containers share one id block; another pod gets another" {
	preset default
	pod_new one || return 1
	sandbox_run || return 1
	local sandbox1=$SANDBOX_PID map1 host1 ct1
	map1=$(uid_map_of "$sandbox1")
	read -r _ host1 _ <<<"$map1"
	[[ $map1 =~ ^0\ [0-9]+\ 65536$ ]] && ((host1 >= 65536)) || fail "sandbox uid_map: '$map1'" || return 1
	pod_container || return 1
	create_from_bundle || return 1
	ct1=$PID
	[[ $(uid_map_of "$ct1") == "$map1" ]] || fail "pod one: sandbox $map1, container $(uid_map_of "$ct1")" || return 1
	[[ $(stat -c %u "/proc/$ct1") == "$host1" && $(stat -c %u "/proc/$sandbox1") == "$host1" ]] ||
		fail "host uids: container $(stat -c %u "/proc/$ct1"), sandbox $(stat -c %u "/proc/$sandbox1")" || return 1

	pod_new two || return 1
	sandbox_run || return 1
	local map2
	map2=$(uid_map_of "$SANDBOX_PID")
	[[ $map2 =~ ^0\ [0-9]+\ 65536$ ]] || fail "pod two's uid_map: '$map2'" || return 1
	[[ $map2 != "$map1" ]] || fail "two pods share the block $map1" || return 1
	pod_container || return 1
	create_from_bundle || return 1
	[[ $(uid_map_of "$PID") == "$map2" ]] || fail "pod two: sandbox $map2, container $(uid_map_of "$PID")"
}

# Catches: decide_namespaces taking any namespace given by path for the
# host's (the pod's refused), or none (the host's let through), or a
# refusal made after something was created.
@test "pod, default policy: the sandbox's namespaces by path are allowed; the host's network namespace by path is refused, naming the field" {
	preset default
	pod_new web || return 1
	sandbox_run || return 1
	pod_container sh -c 'readlink /proc/self/ns/net'
	ct_run
	expect_result "run joining the sandbox's network namespace" 0 "$(readlink "/proc/$SANDBOX_PID/ns/net")" '' ||
		return 1

	# The host's: pid 1's, and this shell's (the runtime's caller).
	local path field
	for path in /proc/1/ns/net "/proc/$$/ns/net"; do
		pod_container true || return 1
		config_set "$BUNDLE" '(.linux.namespaces[] | select(.type == "network")).path = $p' --arg p "$path"
		field=linux.namespaces[$(jq '.linux.namespaces | map(.type == "network") | index(true)' "$BUNDLE/config.json")].path
		run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
		if [[ $path == /proc/1/* ]] && ! readlink "$path" >/dev/null 2>&1; then
			# A host that hides pid 1 from its root (here: a container
			# of its own) fails the open, naming the field as well.
			echo "# $path cannot be opened here; create must fail opening it" >&3
			expect_error "create joining $path" "$field: open $path: Permission denied" || return 1
		else
			expect_error "create joining $path" \
				"$field: the host's network namespace: it would use the host's network stack" \
				"(policy: hostNamespaces enforce)" || return 1
		fi
		[[ ! -e $STATE_ROOT/$ID ]] || fail "a refused create left its state dir" || return 1
		assert_no_cgroup "$ID" || return 1
	done
}

# share_pid_test PRESET: the test of the two below.
share_pid_test() {
	preset "$1"
	pod_new web || return 1
	sandbox_run || return 1
	pod_container sh -c 'readlink /proc/self/ns/pid; tr "\0" " " </proc/1/cmdline; echo; echo $$'
	pid_ns_of_sandbox || return 1
	ct_run
	[[ $status == 0 && -z $stderr ]] || fail "run: exit $status: $stderr" || return 1
	# The sandbox is pid 1 there; the container's shell is another.
	[[ $(sed -n 1,2p <<<"$output") == "$(readlink "/proc/$SANDBOX_PID/ns/pid")"$'\nsleep 1000 ' ]] ||
		fail "the container saw:" "$output" || return 1
	(($(sed -n 3p <<<"$output") > 1)) || fail "the container's shell is pid $(sed -n 3p <<<"$output")"
}

# Catches: a pid namespace by path not joined (init would be pid 1 of a new
# one and see no sandbox), or joined by init itself instead of its child
# (setns(CLONE_NEWPID) reaches children only: /proc/self/ns/pid would
# differ), or /proc mounted from the runtime's pid namespace.
@test "pod, default policy: shareProcessNamespace: the container joins the sandbox's pid namespace by path and sees its process" {
	share_pid_test default
}

@test "pod, runc-compatible: shareProcessNamespace: the container joins the sandbox's pid namespace by path and sees its process" {
	share_pid_test runc-compatible
}

# Catches: the sandbox's oomScoreAdj not written (the pod's infra would be
# the OOM killer's first pick) or a refused write ignored, a container's
# rlimits not set, the kubelet's masked and read-only paths not applied.
pod_limits_test() {
	preset "$1"
	pod_new web || return 1
	if ! has_sys_resource; then
		# The kernel's refusal of -998 fails create, naming the field;
		# then the sandbox as containerd writes it on such a host.
		echo "# this host's root lacks CAP_SYS_RESOURCE: -998 must fail; the sandbox gets $SANDBOX_OOM" >&3
		cri_new || return 1
		SANDBOX_OOM=-998 sandbox_config sleep 1000 || return 1
		run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
		expect_error "create with oomScoreAdj -998 without CAP_SYS_RESOURCE" \
			"process.oomScoreAdj: write /proc/self/oom_score_adj: Permission denied" || return 1
	fi
	sandbox_run || return 1
	[[ $(<"/proc/$SANDBOX_PID/oom_score_adj") == "$SANDBOX_OOM" ]] ||
		fail "sandbox oom_score_adj: $(<"/proc/$SANDBOX_PID/oom_score_adj"), expected $SANDBOX_OOM" || return 1
	# Masked: a file (/proc/timer_list, never empty) and a directory
	# (/sys/firmware); read-only: /proc/sys.
	[[ -n $(head -c 1 /proc/timer_list) && -n $(ls /sys/firmware) ]] ||
		fail "this host has no /proc/timer_list or nothing in /sys/firmware to mask" || return 1
	pod_container sh -c 'ulimit -Sn; ulimit -Hn; cat /proc/self/oom_score_adj; wc -c </proc/timer_list
		ls /sys/firmware 2>/dev/null | wc -l; { echo 1 >/proc/sys/kernel/ns_last_pid; } 2>/dev/null || echo proc-sys-ro'
	ct_run
	expect_result "run" 0 $'1000\n2000\n1000\n0\n0\nproc-sys-ro' ''
}

@test "pod, default policy: the sandbox's oomScoreAdj (-998), a container's rlimit and the kubelet's masked and read-only paths" {
	pod_limits_test default
}

@test "pod, runc-compatible: the sandbox's oomScoreAdj (-998), a container's rlimit and the kubelet's masked and read-only paths" {
	pod_limits_test runc-compatible
}

# --- seccomp as the security context says ---------------------------------------
# Each container runs tests/helpers/syscallprobe: lsm_list_modules(2)
# (Linux 6.8) is in no allowlist, so the filter in force shows in its
# errno: EPERM from containerd's profile (defaultAction SCMP_ACT_ERRNO, no
# errnoRet), ENOSYS from cinch's default (defaultErrnoRet 38), EFAULT (no
# buffers) from the kernel with no filter.

# probe_container CALL...: a container of the pod running syscallprobe,
# after printing its Seccomp line.
probe_container() {
	pod_container sh -c 'grep ^Seccomp: /proc/self/status; exec /syscallprobe "$@"' sh "$@" || return 1
	install -m 0755 -- "$SYSCALLPROBE" "$BUNDLE/rootfs/syscallprobe"
}

# records: the decision records of $LOG, as "control field outcome" lines.
records() {
	jq -r 'select(.decision) | .decision | [.control, .field, .outcome] | join(" ")' "$LOG"
}

# runtime_default_test PRESET: the test of the two below.
runtime_default_test() {
	preset "$1"
	pod_new web || return 1
	sandbox_run || return 1
	probe_container lsm_list_modules 0 0 0 , getpid || return 1
	config_set "$BUNDLE" '.linux.seccomp = $p[0]' --slurpfile p "$CRI_DATA/runtime-default-seccomp.json"
	ct_run_logged
	expect_result "run under RuntimeDefault" 0 $'Seccomp:\t2\nlsm_list_modules: EPERM\ngetpid: ok' '' || return 1
	# The config's own filter is kept, under either preset.
	run records
	[[ $output != *"seccomp linux.seccomp changed"* ]] || fail "the policy replaced the config's filter:" "$output"
}

# Catches: linux.seccomp ignored or replaced by cinch's own (ENOSYS), its
# default action's errno not EPERM without errnoRet.
@test "seccomp RuntimeDefault, default policy: containerd's profile is in force (Seccomp 2, a call it does not list fails EPERM)" {
	runtime_default_test default
}

@test "seccomp RuntimeDefault, runc-compatible: containerd's profile is in force (Seccomp 2, a call it does not list fails EPERM)" {
	runtime_default_test runc-compatible
}

# Catches: decide_seccomp not giving a config without linux.seccomp the
# default profile (or giving it without a record).
@test "seccomp Unconfined, default policy: cinch's default profile applies (Seccomp 2, ENOSYS), and the log records it" {
	preset default
	pod_new web || return 1
	sandbox_run || return 1
	probe_container lsm_list_modules 0 0 0 || return 1
	ct_run_logged
	expect_result "run unconfined under the default policy" 0 $'Seccomp:\t2\nlsm_list_modules: ENOSYS' '' || return 1
	run records
	grep -qx "seccomp linux.seccomp changed" <<<"$output" || fail "no seccomp record in $LOG:" "$output"
	jq -e -s --arg id "$ID" 'any(.[]; .decision.control == "seccomp" and .decision.id == $id
		and .decision.image == "docker.io/library/busybox:1.36")' "$LOG" >/dev/null ||
		fail "the record does not name the container and its image:" "$(cat -- "$LOG")"
}

# Catches: the runc-compatible preset adding a filter.
@test "seccomp Unconfined, runc-compatible: no filter (Seccomp 0, the kernel answers), and the log warns" {
	preset runc-compatible
	pod_new web || return 1
	sandbox_run || return 1
	probe_container lsm_list_modules 0 0 0 || return 1
	ct_run_logged
	expect_result "run unconfined" 0 $'Seccomp:\t0\nlsm_list_modules: EFAULT' '' || return 1
	run records
	grep -qx "seccomp linux.seccomp warned" <<<"$output" || fail "no seccomp warning in $LOG:" "$output"
}

# localhost_test PRESET: the test of the two below.  The profile file of a
# Localhost profile: everything allowed but mkdir, which fails EPERM; the
# plugin puts the file's JSON in linux.seccomp.
localhost_test() {
	preset "$1"
	pod_new web || return 1
	sandbox_run || return 1
	local profile=$BATS_TEST_TMPDIR/no-mkdir.json
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}' >"$profile"
	pod_container sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/d 2>&1; touch /tmp/f && echo touched'
	config_set "$BUNDLE" '.linux.seccomp = $p[0]' --slurpfile p "$profile"
	ct_run
	expect_result "run under the Localhost profile" 0 \
		$'Seccomp:\t2\nmkdir: can\'t create directory \'/tmp/d\': Operation not permitted\ntouched' ''
}

# Catches: a profile of the config's own dropped or its errnoRet lost.
@test "seccomp Localhost, default policy: the profile's denial (mkdir EPERM) is in force, the rest allowed" {
	localhost_test default
}

@test "seccomp Localhost, runc-compatible: the profile's denial (mkdir EPERM) is in force, the rest allowed" {
	localhost_test runc-compatible
}

# --- cgroups ---------------------------------------------------------------------

# pod_cgroup_dir CONTROLLER: the pod's cgroup directory that holds the
# controller's files: /sys/fs/cgroup/CONTROLLER/<pod> on v1 and hybrid,
# /sys/fs/cgroup/<pod> on v2.
pod_cgroup_dir() {
	if cgroup_is_v2; then
		echo "/sys/fs/cgroup$POD_CGROUP"
	else
		echo "/sys/fs/cgroup/$1$POD_CGROUP"
	fi
}

# cg_has CONTROLLER NAME PID: PID is in the pod's cgroup NAME (below
# POD_CGROUP) of CONTROLLER's hierarchy (v2: the one), by the kernel's
# account and by the directory's cgroup.procs.
cg_has() {
	local ctrl=$1 path=$POD_CGROUP/$2 pid=$3 line
	line="[0-9]*:$ctrl:$path"
	! cgroup_is_v2 || line="0::$path"
	grep -qx "$line" "/proc/$pid/cgroup" ||
		fail "pid $pid is not in $ctrl:$path:" "$(cat "/proc/$pid/cgroup")" || return 1
	grep -qx "$pid" "$(pod_cgroup_dir "$ctrl")/$2/cgroup.procs" ||
		fail "pid $pid not in $(pod_cgroup_dir "$ctrl")/$2/cgroup.procs"
}

# pod_memory_limit: the kubelet's pod cgroup, with the pod's memory limit
# (512 MiB), made before the sandbox.  On v2 the kubelet enables the
# controllers down to the pod first; on v1 only the memory hierarchy gets
# it, and pids is left to the runtime, which makes the parents as runc does.
pod_memory_limit() {
	local dir part
	if cgroup_is_v2; then
		dir=/sys/fs/cgroup
		for part in ${POD_CGROUP//\// } ""; do
			echo "+memory +pids +cpu" >"$dir/cgroup.subtree_control" || return 1
			[[ -n $part ]] || break
			dir=$dir/$part
			mkdir -p -- "$dir" || return 1
		done
		echo 536870912 >"$dir/memory.max"
	else
		dir=$(pod_cgroup_dir memory)
		mkdir -p -- "$dir" && echo 536870912 >"$dir/memory.limit_in_bytes"
	fi
}

# pod_memory: the pod's memory limit as its cgroup says.
pod_memory() {
	if cgroup_is_v2; then
		cat -- "$(pod_cgroup_dir memory)/memory.max"
	else
		cat -- "$(pod_cgroup_dir memory)/memory.limit_in_bytes"
	fi
}

# cgroup_test PRESET: the test of the two below, with the preset's limits.
cgroup_test() {
	need_controllers memory pids cpu
	CRI_LIMITS=1 preset "$1"
	pod_new web || return 1
	pod_memory_limit || fail "could not make the pod's cgroup with its limit" || return 1
	sandbox_run || return 1
	pod_container || return 1
	create_from_bundle || return 1
	local ctrl shares dir
	for ctrl in memory pids; do
		cg_has "$ctrl" "$SANDBOX_ID" "$SANDBOX_PID" || return 1
		cg_has "$ctrl" "$ID" "$PID" || return 1
	done
	# The sandbox's cpu shares, 2 (WithDefaultSandboxShares); on v2 the
	# weight they convert to, 1 + (2 - 2) * 9999 / 262142.
	shares=$(cgroup_value "$SANDBOX_PID" cpu cpu.shares cpu.weight)
	[[ $shares == "$(cgroup_is_v2 && echo 1 || echo 2)" ]] || fail "sandbox cpu shares/weight: $shares" || return 1
	# Deleting a container removes its own cgroup, and no parent: the pod's
	# stays, with its limit, whoever made it (runc: the same).
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete the container" || return 1
	run --separate-stderr rt delete --force "$SANDBOX_ID"
	expect_quiet "delete the sandbox" || return 1
	for ctrl in memory pids; do
		dir=$(pod_cgroup_dir "$ctrl")
		[[ ! -e $dir/$ID && ! -e $dir/$SANDBOX_ID ]] ||
			fail "a container's cgroup is left in $dir:" "$(ls "$dir")" || return 1
		[[ -d $dir ]] || fail "delete removed the pod's cgroup $dir" || return 1
	done
	[[ $(pod_memory) == 536870912 ]] || fail "the pod's memory limit changed: $(pod_memory)"
}

# Catches: cgroupsPath taken relative to cinch's own tree (/cinch/...),
# the sandbox or container left in the runtime's cgroup, delete removing
# parents it did not make (the kubelet's pod cgroup), or leaving its own.
@test "cgroups, default policy: sandbox and container land at their cgroupsPath under the pod's cgroup; delete leaves the pod's" {
	cgroup_test default
}

@test "cgroups, runc-compatible: sandbox and container land at their cgroupsPath under the pod's cgroup; delete leaves the pod's" {
	cgroup_test runc-compatible
}

# --- mount propagation (volumeMounts[].mountPropagation) -------------------------

# shared_volume: a tmpfs on $VOL (under the test's dir), made shared as
# the plugin requires of a Bidirectional or HostToContainer source
# (ensureShared, ensureSharedOrSlave); unmounted with what is below it at
# teardown.
shared_volume() {
	VOL=$BATS_TEST_TMPDIR/vol
	mkdir -p -- "$VOL" || return 1
	mount -t tmpfs -o size=1m vol "$VOL" || fail "mount the volume" || return 1
	defer umount -R -- "$VOL"
	mount --make-shared "$VOL" || fail "make $VOL shared"
}

# volume PROPAGATION ROOTFS_PROPAGATION: the volume on /vol, as the plugin
# writes a hostPath volumeMount.
volume() {
	config_set "$BUNDLE" '.mounts += [{destination: "/vol", type: "bind", source: $src,
		options: ["rbind", $prop, "rw"]}] | .linux.rootfsPropagation = $root' \
		--arg src "$VOL" --arg prop "$1" --arg root "$2"
}

# host_to_container_test PRESET: the test of the two below.
host_to_container_test() {
	preset "$1"
	shared_volume || return 1
	pod_new web || return 1
	sandbox_run || return 1
	pod_container || return 1
	volume rslave rslave || return 1
	create_from_bundle || return 1
	start_container || return 1
	# After the start: the host mounts below the volume.
	mkdir -- "$VOL/sub" && mount -t tmpfs -o size=1m sub "$VOL/sub" || fail "mount on the host" || return 1
	echo from-host >"$VOL/sub/f"
	run --separate-stderr rt exec "$ID" sh -c 'cat /vol/sub/f; grep -c " /vol/sub " /proc/self/mountinfo'
	expect_result "exec: the host's new mount inside" 0 $'from-host\n1' ''
}

# Catches: the bind made private (or rootfsPropagation rslave ignored and
# the root made private first): the host's later mount stays out.
@test "mountPropagation HostToContainer, default policy: a mount made on the host after the start appears inside" {
	host_to_container_test default
}

@test "mountPropagation HostToContainer, runc-compatible: a mount made on the host after the start appears inside" {
	host_to_container_test runc-compatible
}

# shared_bundles: a shared tmpfs on $BATS_TEST_TMPDIR/shared, where the
# next bundles go ($BUNDLES), as on a systemd host, where / and so
# containerd's rootfs mounts are shared.  Unmounted at teardown, after the
# containers are gone.
shared_bundles() {
	BUNDLES=$BATS_TEST_TMPDIR/shared
	mkdir -p -- "$BUNDLES" || return 1
	mount -t tmpfs -o size=64m bundles "$BUNDLES" || fail "mount $BUNDLES" || return 1
	defer umount -R -- "$BUNDLES"
	mount --make-shared "$BUNDLES" || fail "make $BUNDLES shared"
}

# Catches: an rshared bind that is shared only inside the container (made a
# slave of the host's first, then shared: a peer group of its own, so the
# mount made inside stays there); a root kept shared without making the
# mount that holds the rootfs private (pivot_root fails, or the rootfs bound
# onto itself, /proc, /dev and the rest show up on the host, here under the
# bundles' shared dir); and the old root detached after pivot_root while
# still a peer of the host's mounts (the detach unmounts them on the host:
# here a canary mounted in the volume).
@test "mountPropagation Bidirectional, runc-compatible (CAP_SYS_ADMIN): a mount made inside appears on the host, nothing else does" {
	preset runc-compatible
	shared_volume || return 1
	mkdir -- "$VOL/canary" && mount -t tmpfs -o size=1m canary "$VOL/canary" || fail "mount the canary" || return 1
	pod_new web || return 1
	shared_bundles || return 1
	sandbox_run || return 1
	pod_container || return 1
	volume rshared rshared || return 1
	# Bidirectional is for privileged containers: CAP_SYS_ADMIN, no filter.
	config_set "$BUNDLE" '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
	create_from_bundle || return 1
	start_container || return 1
	mountpoint -q "$VOL/canary" || fail "creating the containers unmounted $VOL/canary on the host" || return 1
	run --separate-stderr rt exec "$ID" sh -c 'mkdir /vol/inner && mount -t tmpfs -o size=1m inner /vol/inner &&
		echo from-container >/vol/inner/f && echo mounted'
	expect_result "exec: mount inside" 0 mounted '' || return 1
	wait_until 2 mountpoint -q "$VOL/inner" ||
		fail "the container's mount did not reach the host:" "$(grep "$VOL" /proc/self/mountinfo)" || return 1
	[[ $(<"$VOL/inner/f") == from-container ]] || fail "$VOL/inner/f: $(<"$VOL/inner/f")" || return 1
	# Everything init mounts lies below the rootfs, in the test's dir: on
	# the host there are the volume, the canary and the new submount, the
	# pod's network namespace and the bundles' tmpfs, and no more.  (Not
	# the whole host's list: other users of this machine mount and unmount.)
	local n
	n=$(grep -c " $BATS_TEST_TMPDIR/" /proc/self/mountinfo)
	((n == 5)) || fail "mounts under the test's dir:" "$(grep " $BATS_TEST_TMPDIR/" /proc/self/mountinfo)"
}

# Catches: the mount that holds the rootfs made private only for a shared
# rootfsPropagation.  private and slave apply to / alone, not
# recursively, so on a host whose mounts are shared (systemd's, and so
# containerd's bundles) the rootfs bound onto itself and /proc, /dev and
# the rest of init's mounts showed up on the host, and pivot_root failed.
# (unbindable: then nothing can be bound from /, as with runc.)
@test "rootfsPropagation private, slave and the default, on shared bundles: nothing init mounts reaches the host" {
	preset runc-compatible
	pod_new web || return 1
	shared_bundles || return 1
	local prop n
	for prop in private slave rslave; do
		cri_new || return 1
		sandbox_config sleep 1000 || return 1
		config_set "$BUNDLE" '.linux.rootfsPropagation = $p' --arg p "$prop"
		create_from_bundle || return 1
		start_container || return 1
		# On the host, under the bundles: their tmpfs, and nothing else.
		n=$(grep -c " $BUNDLES[/ ]" /proc/self/mountinfo)
		((n == 1)) || fail "rootfsPropagation $prop: mounts under $BUNDLES on the host:" \
			"$(grep " $BUNDLES[/ ]" /proc/self/mountinfo)" || return 1
		run --separate-stderr rt delete --force "$ID"
		expect_quiet "delete ($prop)" || return 1
	done
}
