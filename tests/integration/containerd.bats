#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# cinch under a real containerd: `ctr` drives the io.containerd.runc.v2 shim,
# and the shim drives cinch as it would runc (cli-contract.md §1):
#   cinch --root R/<ns> --log B/log.json --log-format json create --bundle B
#         --pid-file B/init.pid <id>
# then start, kill <id> <signum>, pause, resume, ps --format json, exec
# --process F --detach --pid-file P, delete, and delete --force in cleanup.
#
# setup_file starts a private containerd (its own config, root, state and
# socket, all under this file's temp dir) and teardown_file stops it.  Its
# config imports contrib/containerd/config.toml, the file operators install,
# with only the binary's path and the CRI plugin's CNI dirs changed: the CRI
# plugin must load with it, and every `ctr run` passes the runtime_type and
# options.BinaryName that `containerd config dump` reads for the runtime
# "cinch" (ctr has no runtime names of its own, and Debian 12 has no CRI
# client).  Each test uses its own containerd namespace, and `ctr run
# --runc-root` puts cinch's state under the temp dir too.  The containers
# run from a copy of the busybox rootfs (`ctr run --rootfs`, no image, no
# network).
#
# After each test: no task or container is left in containerd, and nothing
# of the containers is left on the host: no process (init, exec'd ones, the
# shim), no cgroup named after the id, no cinch state dir, no bundle dir, no
# shim socket, no mount under the test's dir, no process of cinch.
#
# Needs root, containerd and ctr (scripts/install-deps.sh).  Only the
# containerd 1.6 of Debian 12 has been tried.

load helpers
load rootfs

# Upper bound for one ctr command, so that a hung runtime fails its test
# rather than the whole run.  Each step takes well under a second here.
CTR_TIMEOUT=${CTR_TIMEOUT:-10}

# --- The private containerd --------------------------------------------------

setup_file() {
	if ((EUID != 0)); then
		fail "containerd tests run containers and need root"
		return 1
	fi
	# On a host without the controllers no daemon is started and every
	# test skips, saying why (setup).
	if CLIENT_SKIP=$(client_skip_reason "the default policy sets limits, and ctr's own spec asks for cpu"); then
		export CLIENT_SKIP
		return 0
	fi
	local tool
	for tool in containerd ctr containerd-shim-runc-v2; do
		command -v "$tool" >/dev/null ||
			fail "no $tool in PATH (scripts/install-deps.sh installs containerd)" || return 1
	done
	rootfs_prepare || return 1

	# ctr and the shim need the runtime's absolute path.
	CINCH_ABS=$(readlink -f -- "$CINCH") || return 1
	CTRD_DIR=$BATS_FILE_TMPDIR/ctrd
	CTRD_ADDR=$CTRD_DIR/containerd.sock
	CTRD_LOG=$CTRD_DIR/containerd.log
	# containerd also listens on "$CTRD_ADDR.ttrpc"; sun_path holds 107 bytes.
	if ((${#CTRD_ADDR} + 6 > 107)); then
		fail "socket path too long for AF_UNIX: $CTRD_ADDR.ttrpc (set TMPDIR shorter)"
		return 1
	fi
	# The shim creates /run/containerd/s for its sockets whatever the
	# config says; teardown_file removes the dirs again if they were not
	# there before (and are empty).
	CTRD_HAD_RUN_DIR=false
	[[ -e /run/containerd ]] && CTRD_HAD_RUN_DIR=true
	# The same binary under the runc-compatible preset, as an operator
	# plugs it in: a BinaryName that passes --policy.
	CINCH_COMPAT=$BATS_FILE_TMPDIR/compat/cinch
	mkdir -p -- "${CINCH_COMPAT%/*}" || return 1
	printf '#!/bin/sh\nexec %q --policy runc-compatible "$@"\n' "$CINCH_ABS" >"$CINCH_COMPAT" || return 1
	chmod 0755 -- "$CINCH_COMPAT" || return 1
	export CINCH_ABS CINCH_COMPAT CTRD_DIR CTRD_ADDR CTRD_LOG CTRD_HAD_RUN_DIR

	mkdir -p -- "$CTRD_DIR" || return 1
	ctrd_write_contrib || return 1
	# The v1 linux runtime stays: the tasks service will not load without
	# it.  The CRI plugin stays too, to judge the imported file.
	cat >"$CTRD_DIR/config.toml" <<-EOF || return 1
		version = 2
		imports = ["$CTRD_DIR/cinch.toml"]
		root = "$CTRD_DIR/root"
		state = "$CTRD_DIR/state"
		disabled_plugins = [
		  "io.containerd.internal.v1.opt",
		  "io.containerd.internal.v1.tracing",
		  "io.containerd.tracing.processor.v1.otlp",
		  "io.containerd.snapshotter.v1.aufs",
		  "io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.zfs",
		]
		[grpc]
		  address = "$CTRD_ADDR"
		[ttrpc]
		  address = ""
		[debug]
		  address = ""
		  level = "debug"
		[metrics]
		  address = ""
	EOF

	# fd 3 is bats' own: a daemon holding it would make bats wait forever.
	containerd --config "$CTRD_DIR/config.toml" </dev/null >"$CTRD_LOG" 2>&1 3>&- &
	CTRD_PID=$!
	export CTRD_PID
	if ! wait_until 20 ctr_up; then
		fail "containerd did not answer on $CTRD_ADDR within 20 s; end of $CTRD_LOG:" \
			"$(tail -n 30 -- "$CTRD_LOG")"
		kill -KILL "$CTRD_PID" 2>/dev/null || true
		return 1
	fi
	ctrd_read_contrib
}

# CTRD_CONTRIB: the containerd config operators install (contrib/).
CTRD_CONTRIB=$CINCH_CONTRIB/containerd/config.toml

# ctrd_write_contrib: $CTRD_DIR/cinch.toml, which the daemon's config
# imports: $CTRD_CONTRIB with the binary under test for /usr/sbin/cinch,
# and the CRI plugin's CNI dirs under $CTRD_DIR (by default it makes and
# watches /etc/cni/net.d).  An import replaces the main file's table of a
# plugin, so they cannot go in the main file.
ctrd_write_contrib() {
	local text want='"/usr/sbin/cinch"' new="\"$CINCH_ABS\""
	[[ -f $CTRD_CONTRIB ]] || fail "no $CTRD_CONTRIB" || return 1
	text=$(<"$CTRD_CONTRIB") || return 1
	[[ $text == *"$want"* ]] ||
		fail "$CTRD_CONTRIB: no $want to replace with the binary under test" || return 1
	[[ $CINCH_ABS != *[\"\\]* ]] || fail "CINCH=$CINCH_ABS: a quote or backslash cannot go into the TOML as is" || return 1
	mkdir -p -- "$CTRD_DIR/cni" "$CTRD_DIR/cni-bin" || return 1
	{
		printf '%s\n\n' "${text//"$want"/"$new"}"
		printf '%s\n' '[plugins."io.containerd.grpc.v1.cri".cni]' \
			"  conf_dir = \"$CTRD_DIR/cni\"" "  bin_dir = \"$CTRD_DIR/cni-bin\""
	} >"$CTRD_DIR/cinch.toml" || return 1
}

# ctrd_read_contrib: what the running containerd made of $CTRD_CONTRIB.
# The CRI plugin loaded (it refuses, for one, a default runtime that the
# file left undefined), and the runtime "cinch" of `containerd config dump`
# (the config as containerd decoded it) is a runc shim with BinaryName and
# no other option, for ctr can pass no other: its runtime_type and
# BinaryName go to every `ctr run` as CTR_RUNTIME_TYPE and CTR_BINARY.
ctrd_read_contrib() {
	local cri dump table opts
	cri=$(timeout 5 ctr --address "$CTRD_ADDR" plugins ls </dev/null 2>&1 3>&- |
		awk '$1 == "io.containerd.grpc.v1" && $2 == "cri" { print $NF }')
	[[ $cri == ok ]] ||
		fail "$CTRD_CONTRIB: containerd's CRI plugin did not load from it (status '$cri'):" \
			"$(grep -F 'io.containerd.grpc.v1.cri' -- "$CTRD_LOG" | grep -E 'level=(warning|error)' | tail -n 3)" ||
		return 1
	dump=$(containerd --config "$CTRD_DIR/config.toml" config dump 2>&1 3>&-) ||
		fail "$CTRD_CONTRIB: containerd config dump failed: $dump" || return 1
	printf '%s\n' "$dump" >"$CTRD_DIR/config.dump"
	table='plugins."io.containerd.grpc.v1.cri".containerd.runtimes.cinch'
	CTR_RUNTIME_TYPE=$(toml_table "$dump" "$table" | sed -n 's/^runtime_type = "\(.*\)"$/\1/p')
	[[ $CTR_RUNTIME_TYPE == io.containerd.runc.v2 ]] ||
		fail "$CTRD_CONTRIB: containerd reads runtime_type '$CTR_RUNTIME_TYPE' for [$table]," \
			"expected io.containerd.runc.v2 (the shim these tests drive)" || return 1
	opts=$(toml_table "$dump" "$table.options")
	CTR_BINARY=$(sed -n 's/^BinaryName = "\(.*\)"$/\1/p' <<<"$opts")
	[[ $CTR_BINARY == "$CINCH_ABS" ]] ||
		fail "$CTRD_CONTRIB: containerd reads options.BinaryName '$CTR_BINARY' for [$table]," \
			"expected the binary under test, $CINCH_ABS" || return 1
	[[ $(awk '{ print $1 }' <<<"$opts") == BinaryName ]] ||
		fail "$CTRD_CONTRIB: [$table.options] holds more than BinaryName, which ctr cannot pass:" "$opts" ||
		return 1
	export CTR_RUNTIME_TYPE CTR_BINARY
}

# toml_table TEXT TABLE: the `key = value` lines of [TABLE] in TEXT, as
# `containerd config dump` writes it (a header line per table, indented).
toml_table() {
	awk -v want="[$2]" '
		/^[[:space:]]*\[/ { sub(/^[[:space:]]+/, ""); sub(/[[:space:]]+$/, ""); in_table = ($0 == want); next }
		in_table && NF { sub(/^[[:space:]]+/, ""); print }' <<<"$1"
}

# ctr_up: the daemon answers and is still the one we started.
ctr_up() {
	kill -0 "$CTRD_PID" 2>/dev/null || return 1
	timeout 5 ctr --address "$CTRD_ADDR" version </dev/null >/dev/null 2>&1 3>&-
}

teardown_file() {
	local status=0 ns pid mnt mnts=()

	if [[ -n ${CTRD_PID:-} ]] && kill -0 "$CTRD_PID" 2>/dev/null; then
		# Backstop for tests whose own teardown did not finish.
		for ns in $(timeout 5 ctr --address "$CTRD_ADDR" namespace ls -q </dev/null 2>/dev/null 3>&-); do
			NS=$ns RUNC_ROOT=$CTRD_DIR/runc assert_no_runtime_calls || status=1
			NS=$ns ctr_clean_namespace || status=1
		done
		kill -TERM "$CTRD_PID" 2>/dev/null || true
		if ! wait_until 10 pid_gone "$CTRD_PID"; then
			echo "# containerd $CTRD_PID ignored SIGTERM for 10 s; SIGKILL" >&3
			kill -KILL "$CTRD_PID" 2>/dev/null || true
			wait_until 5 pid_gone "$CTRD_PID" || status=1
		fi
	fi
	# Shims outlive containerd; any left is a leak of some test.
	for pid in $(pids_with_args -address "${CTRD_ADDR:-/nonexistent}"); do
		echo "# leftover shim $(proc_describe "$pid"); killing it" >&3
		kill -KILL "$pid" 2>/dev/null || true
		status=1
	done
	if [[ -n ${CTRD_DIR:-} ]]; then
		while read -r _ _ _ _ mnt _; do
			[[ $mnt == "$CTRD_DIR"/* ]] && mnts=("$mnt" "${mnts[@]}")
		done </proc/self/mountinfo
		for mnt in "${mnts[@]}"; do
			echo "# leftover mount $mnt; unmounting it" >&3
			umount -l -- "$mnt" 2>/dev/null || true
			status=1
		done
	fi
	if [[ ${CTRD_HAD_RUN_DIR:-true} == false ]]; then
		rmdir /run/containerd/s /run/containerd 2>/dev/null || true
	fi
	return "$status"
}

# pid_gone PID: for wait_until; a zombie counts as gone.
pid_gone() {
	proc_stat_fields "$1" || return 0
	[[ ${PROC_STAT[0]} == [ZX] ]]
}

# pids_with_args ARG...: pids of processes whose argv holds each ARG
# (as one whole argument), other than this shell.
pids_with_args() {
	local f pid want a args=()
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
		{ mapfile -d '' -t args <"$f"; } 2>/dev/null || continue
		for want; do
			for a in "${args[@]}"; do
				[[ $a == "$want" ]] && continue 2
			done
			continue 2
		done
		echo "$pid"
	done
}

# --- Per test ----------------------------------------------------------------

setup() {
	[[ -z ${CLIENT_SKIP:-} ]] || skip "$CLIENT_SKIP"
	cinch_setup
	# A namespace per test; it must not contain any container id, for
	# assert_no_cgroup matches "*ID*".
	NS=cinch-ns$BATS_TEST_NUMBER-$$
	RUNC_ROOT=$CTRD_DIR/runc
	FIFO_DIR=$BATS_TEST_TMPDIR/fifo
	IDS=()     # containers of this test
	TRACKED=() # PID:STARTTIME of processes the test saw
}

teardown() {
	[[ -z ${CLIENT_SKIP:-} ]] || return 0
	local id status=0
	# First, so that a hung runtime call cannot block the shim's cleanup.
	assert_no_runtime_calls || status=1
	ctr_clean_namespace || status=1
	assert_procs_gone "${TRACKED[@]}" || status=1
	for id in "${IDS[@]}"; do
		assert_no_shim "$id" || status=1
		assert_no_cgroup "$id" || status=1
		assert_no_state "$RUNC_ROOT/$NS" "$id" || status=1
		assert_no_state "$CTRD_DIR/state/io.containerd.runtime.v2.task/$NS" "$id" || status=1
	done
	# The cgroup parent /<ns> (made on the way to /<ns>/<id>, as runc
	# does) and the runtime root <root>/<ns> made by the shim are not ours
	# to judge; remove them if empty, which is all they may be now.
	rmdir /sys/fs/cgroup/*/"$NS" "$RUNC_ROOT/$NS" 2>/dev/null || true
	cinch_teardown || status=1
	return "$status"
}

# ctrc ARGS...: ctr against the private containerd in this test's namespace.
ctrc() {
	timeout -k 5 "$CTR_TIMEOUT" ctr --address "$CTRD_ADDR" -n "$NS" "$@" </dev/null 3>&-
}

# assert_no_runtime_calls: no process has this test's runtime root
# (<runc-root>/<ns>) in its argv.  Each runtime call returns before ctr
# does, and an init that has exec'd the container's program has another
# argv, so any such process is a runtime call that hangs, or an init that
# never got started.  They are reported with their command lines, then
# killed: the shim holds the task's lock across a runtime call, so
# nothing else can clean up while one hangs.
assert_no_runtime_calls() {
	local pid pids leaks=()
	pids=$(pids_with_args "$RUNC_ROOT/$NS")
	[[ -n $pids ]] || return 0
	# All described before any is killed: killing one may end another.
	for pid in $pids; do
		leaks+=("runtime process $(proc_describe "$pid")")
	done
	for pid in $pids; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	wait_until 2 no_pids_with_args "$RUNC_ROOT/$NS" || true
	fail "still running at teardown:" "${leaks[@]}"
}

# ctr_clean_namespace: force-deletes every task and container in $NS, and
# the images a test imported, then the namespace.  Fails if containerd
# still lists a task or a container.
ctr_clean_namespace() {
	local id left CTR_TIMEOUT=5
	for id in $(ctrc task ls -q 2>/dev/null); do
		ctrc task delete --force "$id" >/dev/null 2>&1 || true
	done
	for id in $(ctrc container ls -q 2>/dev/null); do
		ctrc container delete "$id" >/dev/null 2>&1 || true
	done
	for id in $(ctrc image ls -q 2>/dev/null); do
		ctrc image rm --sync "$id" >/dev/null 2>&1 || true
	done
	left=$(ctrc task ls -q 2>/dev/null; ctrc container ls -q 2>/dev/null)
	ctrc namespace remove "$NS" >/dev/null 2>&1 || true
	[[ -z $left ]] || fail "containerd namespace $NS still has:" "$left"
}

# no_pids_with_args ARGS...: no process has ARGS in its argv now.  (For
# wait_until: a "$(...)" in its arguments would be looked at once.)
no_pids_with_args() {
	[[ -z $(pids_with_args "$@") ]]
}

# assert_no_shim ID: neither the shim of ID nor its socket is left.  The
# socket is /run/containerd/s/sha256(<address>/<ns>/<id>) (containerd 1.6
# pkg/shim SocketAddress).
assert_no_shim() {
	local id=$1 pids sock leaks=()
	pids=$(pids_with_args -namespace "$NS" -id "$id" -address "$CTRD_ADDR")
	if [[ -n $pids ]] && ! wait_until 2 no_pids_with_args -namespace "$NS" -id "$id" -address "$CTRD_ADDR"; then
		for pid in $pids; do
			leaks+=("shim $(proc_describe "$pid")")
			kill -KILL "$pid" 2>/dev/null || true
		done
	fi
	sock=/run/containerd/s/$(printf '%s' "$CTRD_ADDR/$NS/$id" | sha256sum | cut -d' ' -f1)
	if [[ -e $sock ]]; then
		leaks+=("shim socket $sock")
		rm -f -- "$sock"
	fi
	((${#leaks[@]} == 0)) || fail "left behind for $id:" "${leaks[@]}"
}

# new_id: a fresh container id in $ID, registered for teardown, with its
# own copy of the rootfs (the container may write to it).
new_id() {
	ID=cinch-ct$BATS_TEST_NUMBER-$$-${#IDS[@]}
	IDS+=("$ID")
	cp -a -- "$CINCH_ROOTFS" "$BATS_TEST_TMPDIR/rootfs-$ID"
}

# ctr_run [RUN FLAGS...] ID CMD...: `ctr run` of CMD in container ID with
# cinch as the runtime ($CTR_RUNTIME, default contrib's BinaryName: the
# binary under the default policy) and ID's rootfs.
ctr_run() {
	local flags=()
	while [[ $1 == -* ]]; do
		flags+=("$1")
		shift
	done
	local id=$1
	shift
	ctrc run --runtime "$CTR_RUNTIME_TYPE" --runc-binary "${CTR_RUNTIME:-$CTR_BINARY}" --runc-root "$RUNC_ROOT" \
		--fifo-dir "$FIFO_DIR" "${flags[@]}" \
		--rootfs "$BATS_TEST_TMPDIR/rootfs-$id" "$id" "$@"
}

# CTR_IMAGE: the busybox rootfs as an image (ctr_import_image), for tests
# of the rootfs a snapshotter mounts rather than a directory.
CTR_IMAGE=docker.io/library/cinch-busybox:test

# ctr_import_image: $CTR_IMAGE in this test's namespace, from an OCI image
# layout of one layer built here (no registry), unpacked by the overlayfs
# snapshotter.  ctr_clean_namespace removes it.
ctr_import_image() {
	local d=$BATS_TEST_TMPDIR/oci arch ld ls cd cs md ms
	case $(uname -m) in
	x86_64) arch=amd64 ;;
	aarch64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
	esac
	mkdir -p -- "$d/blobs/sha256" || return 1
	tar -C "$CINCH_ROOTFS" -cf "$d/layer" . || return 1
	ld=$(sha256sum "$d/layer" | cut -d' ' -f1)
	ls=$(stat -c %s "$d/layer")
	mv -- "$d/layer" "$d/blobs/sha256/$ld"
	jq -cn --arg a "$arch" --arg l "sha256:$ld" \
		'{architecture: $a, os: "linux", config: {}, rootfs: {type: "layers", diff_ids: [$l]}}' >"$d/config"
	cd=$(sha256sum "$d/config" | cut -d' ' -f1)
	cs=$(stat -c %s "$d/config")
	mv -- "$d/config" "$d/blobs/sha256/$cd"
	jq -cn --arg c "sha256:$cd" --argjson cs "$cs" --arg l "sha256:$ld" --argjson ls "$ls" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' >"$d/manifest"
	md=$(sha256sum "$d/manifest" | cut -d' ' -f1)
	ms=$(stat -c %s "$d/manifest")
	mv -- "$d/manifest" "$d/blobs/sha256/$md"
	jq -cn --arg m "sha256:$md" --argjson ms "$ms" --arg n "$CTR_IMAGE" \
		'{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
		  digest: $m, size: $ms, annotations: {"io.containerd.image.name": $n}}]}' >"$d/index.json"
	echo '{"imageLayoutVersion": "1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$BATS_TEST_TMPDIR/image.tar" oci-layout index.json blobs || return 1
	run --separate-stderr ctrc image import --snapshotter overlayfs "$BATS_TEST_TMPDIR/image.tar"
	expect_ctr_ok "ctr image import" || return 1
}

# task_field ID FIELD: FIELD (2 = PID, 3 = STATUS) of ID in `ctr task ls`.
task_field() {
	ctrc task ls 2>/dev/null | awk -v id="$1" -v f="$2" '$1 == id { print $f }'
}

# task_status_is ID STATUS: for wait_until.
task_status_is() {
	[[ $(task_field "$1" 3) == "$2" ]]
}

# track_proc PID: teardown checks that PID is gone.  (Not its pid
# namespace by inode, as lifecycle.bats does: the kernel empties a pid
# namespace when its init dies, and once the namespace is freed its inode
# number is reused, by another bats run's container too.  Whatever else a
# container leaves shows in its cgroup, which must be gone.)
track_proc() {
	local ident
	ident=$(proc_ident "$1") || return 0
	TRACKED+=("$ident")
}

# start_detached CMD...: new_id, then `ctr run -d`, which must succeed and
# leave the task RUNNING; its pid in $PID.
start_detached() {
	new_id
	run --separate-stderr ctr_run -d "$ID" "$@"
	expect_ctr_ok "ctr run -d" || return 1
	wait_until 5 task_status_is "$ID" RUNNING ||
		fail "task $ID is not RUNNING: $(ctrc task ls 2>&1)" || return 1
	PID=$(task_field "$ID" 2)
	[[ $PID =~ ^[1-9][0-9]*$ ]] || fail "no pid for $ID in: $(ctrc task ls 2>&1)" || return 1
	track_proc "$PID"
}

# expect_ctr_ok WHAT: the last `run` exited 0.
expect_ctr_ok() {
	expect_status "$1" 0
}

# expect_status WHAT N: the last `run` exited N.  On failure the message
# carries what ctr said and containerd's last warnings and errors (the
# shim's, with the runtime's messages from log.json, among them).
expect_status() {
	((status == $2)) && return 0
	fail "$1: exit $status, expected $2" "stdout: $output" "stderr: $stderr" \
		"last warnings and errors in $CTRD_LOG:" \
		"$(grep -E 'level=(warning|error|fatal)' -- "$CTRD_LOG" | tail -n 10)"
}

# stop_and_delete ID: SIGKILL, wait for STOPPED, delete the task and the
# container; each must succeed.
stop_and_delete() {
	run --separate-stderr ctrc task kill -s SIGKILL "$1"
	expect_ctr_ok "ctr task kill -s SIGKILL" || return 1
	wait_until 5 task_status_is "$1" STOPPED ||
		fail "task $1 not STOPPED after SIGKILL: $(ctrc task ls 2>&1)" || return 1
	run --separate-stderr ctrc task delete "$1"
	expect_ctr_ok "ctr task delete" || return 1
	run --separate-stderr ctrc container delete "$1"
	expect_ctr_ok "ctr container delete" || return 1
}

# --- Tests -------------------------------------------------------------------

@test "ctr run --rm: the container's output and exit status come back" {
	new_id
	run --separate-stderr ctr_run --rm "$ID" sh -c 'echo hi; echo oops >&2; exit 3'
	expect_status "ctr run --rm" 3 || return 1
	[[ $output == hi ]] || fail "stdout: expected 'hi', got: $output" || return 1
	[[ $stderr == *oops* ]] || fail "stderr: expected 'oops', got: $stderr" || return 1
	# --rm: nothing is left in containerd, nor (teardown) on the host.
	run ctrc container ls -q
	[[ -z $output ]] || fail "containers left after --rm: $output"
}

# What the workload sees: the uid map, its capabilities, whether the root
# takes a write.
WHOAMI='cat /proc/self/uid_map; grep CapEff /proc/self/status; touch /w 2>&1; rm -f /w'

# Catches: the policy not applied under the shim (a --policy the shim's
# calls lose, or a plan that create builds and exec does not).
@test "ctr run, default policy: root only inside (remapped), no capabilities, a read-only root" {
	new_id
	run --separate-stderr ctr_run --rm "$ID" sh -c "$WHOAMI"
	expect_ctr_ok "ctr run --rm" || return 1
	local map host
	map=$(sed -n 1p <<<"$output")
	read -r _ host _ <<<"$map"
	[[ $map =~ ^\ *0\ +[0-9]+\ +65536$ ]] && ((host >= 65536)) || fail "uid_map: '$map'" || return 1
	[[ $(sed 1d <<<"$output") == $'CapEff:\t0000000000000000\ntouch: /w: Read-only file system' ]] ||
		fail "workload saw:" "$output"
}

# Catches: the rootfs of a remapped container not idmapped, here an
# overlay of containerd's overlayfs snapshotter (idmap.h): busybox would
# show as 65534.
@test "ctr run of an image (overlayfs snapshotter), default policy: remapped, and the image's files keep their owners" {
	ctr_import_image || return 1
	ID=cinch-ct$BATS_TEST_NUMBER-$$-${#IDS[@]}
	IDS+=("$ID")
	run --separate-stderr ctrc run --runtime "$CTR_RUNTIME_TYPE" --runc-binary "$CTR_BINARY" \
		--runc-root "$RUNC_ROOT" --fifo-dir "$FIFO_DIR" \
		--snapshotter overlayfs --rm "$CTR_IMAGE" "$ID" \
		sh -c 'cat /proc/self/uid_map; stat -c %u:%g /bin/busybox /etc/passwd; grep " / " /proc/self/mountinfo'
	expect_ctr_ok "ctr run --rm" || return 1
	local map host
	map=$(sed -n 1p <<<"$output")
	read -r _ host _ <<<"$map"
	[[ $map =~ ^\ *0\ +[0-9]+\ +65536$ ]] && ((host >= 65536)) || fail "uid_map: '$map'" || return 1
	[[ $(sed -n 2,3p <<<"$output") == $'0:0\n0:0' ]] || fail "workload saw:" "$output" || return 1
	# The root is the new overlay, whose layers were given by fd (the
	# shim's has "lowerdir=" paths of the snapshots).
	[[ $(sed -n 4p <<<"$output") == *" - overlay "*",lowerdir+="* ]] || fail "root mount:" "$output"
}

# Catches: the preset enforcing anything.
@test "ctr run, runc-compatible preset: root on the host with containerd's capabilities, as with runc" {
	new_id
	CTR_RUNTIME=$CINCH_COMPAT
	run --separate-stderr ctr_run --rm "$ID" sh -c "$WHOAMI"
	expect_ctr_ok "ctr run --rm" || return 1
	# containerd's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID
	# SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP
	[[ $output == $'         0          0 4294967295\nCapEff:\t00000000a80425fb' ]] || fail "workload saw:" "$output"
}

@test "ctr run of a missing program fails in create with the runtime's message" {
	new_id
	run --separate-stderr ctr_run --rm "$ID" /nope
	((status != 0)) || fail "ctr run /nope exited 0" || return 1
	# The shim reads the message from log.json (cli-contract.md §1.3);
	# "unable to retrieve OCI runtime error" means log.json was unreadable.
	[[ $stderr == *'/nope'*'o such file or directory'* ]] ||
		fail "expected the runtime's error naming /nope, got: $stderr" || return 1
	[[ $stderr != *'unable to retrieve OCI runtime error'* ]] ||
		fail "the shim could not read cinch's log.json: $stderr"
}

@test "ctr run -d: task ls shows RUNNING, task ps lists init, kill/delete work" {
	start_detached sleep 100
	run --separate-stderr ctrc task ps "$ID"
	expect_ctr_ok "ctr task ps" || return 1
	# "PID INFO" header, then one line per process.
	[[ $(awk 'NR > 1 { print $1 }' <<<"$output") == "$PID" ]] ||
		fail "task ps: expected only $PID, got:" "$output" || return 1
	stop_and_delete "$ID"
}

@test "ctr task kill: default SIGTERM reaches init; task ls shows STOPPED" {
	# pid 1 of a pid namespace ignores signals it has no handler for, so
	# init traps TERM and exits 7.
	start_detached sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
	run --separate-stderr ctrc task kill "$ID"
	expect_ctr_ok "ctr task kill" || return 1
	wait_until 5 task_status_is "$ID" STOPPED ||
		fail "task not STOPPED after SIGTERM: $(ctrc task ls 2>&1)" || return 1
	# ctr reports a non-zero exit status on delete as a warning.
	run --separate-stderr ctrc task delete "$ID"
	expect_ctr_ok "ctr task delete" || return 1
	[[ $stderr == *"exit code 7"* ]] ||
		fail "expected exit code 7 from the trap, ctr said: $stderr" || return 1
	run --separate-stderr ctrc container delete "$ID"
	expect_ctr_ok "ctr container delete"
}

@test "ctr task kill -s SIGKILL: STOPPED, exit code 137" {
	start_detached sleep 100
	run --separate-stderr ctrc task kill -s SIGKILL "$ID"
	expect_ctr_ok "ctr task kill -s SIGKILL" || return 1
	wait_until 5 task_status_is "$ID" STOPPED ||
		fail "task not STOPPED after SIGKILL: $(ctrc task ls 2>&1)" || return 1
	assert_procs_gone "${TRACKED[@]}" || return 1
	run --separate-stderr ctrc task delete "$ID"
	expect_ctr_ok "ctr task delete" || return 1
	[[ $stderr == *"exit code 137"* ]] ||
		fail "expected exit code 137, ctr said: $stderr" || return 1
	run --separate-stderr ctrc container delete "$ID"
	expect_ctr_ok "ctr container delete"
}

@test "ctr task pause/resume: PAUSED with the freezer FROZEN, then RUNNING" {
	start_detached sleep 100
	# The kernel's word, not only containerd's: init's cgroup is frozen
	# (v1 freezer.state, v2 cgroup.events), wherever the host keeps it.
	local init=${TRACKED[0]%%:*}
	run --separate-stderr ctrc task pause "$ID"
	expect_ctr_ok "ctr task pause" || return 1
	wait_until 5 task_status_is "$ID" PAUSED ||
		fail "task not PAUSED: $(ctrc task ls 2>&1)" || return 1
	expect_freezer "$init" FROZEN || return 1
	run --separate-stderr ctrc task resume "$ID"
	expect_ctr_ok "ctr task resume" || return 1
	wait_until 5 task_status_is "$ID" RUNNING ||
		fail "task not RUNNING after resume: $(ctrc task ls 2>&1)" || return 1
	expect_freezer "$init" THAWED || return 1
	proc_alive "${TRACKED[0]}" || fail "init died across pause/resume" || return 1
	stop_and_delete "$ID"
}

@test "ctr task delete and container delete remove everything" {
	start_detached sleep 100
	# A running task cannot be deleted without --force.
	run --separate-stderr ctrc task delete "$ID"
	((status != 0)) || fail "ctr task delete of a running task exited 0" || return 1
	task_status_is "$ID" RUNNING || fail "task not RUNNING after a refused delete" || return 1
	stop_and_delete "$ID" || return 1
	run ctrc task ls -q
	[[ -z $output ]] || fail "tasks left: $output" || return 1
	run ctrc container ls -q
	[[ -z $output ]] || fail "containers left: $output" || return 1
	# Checked now, not only at teardown: delete itself must have removed them.
	assert_no_state "$RUNC_ROOT/$NS" "$ID" || return 1
	assert_no_cgroup "$ID"
}

@test "ctr task exec: output and exit status; a detached exec shows in task ps" {
	start_detached sleep 100
	run --separate-stderr ctrc task exec --fifo-dir "$FIFO_DIR" --exec-id e1 "$ID" \
		sh -c 'echo from-exec; exit 4'
	expect_status "ctr task exec" 4 || return 1
	[[ $output == from-exec ]] || fail "stdout: expected 'from-exec', got: $output" || return 1

	run --separate-stderr ctrc task exec --fifo-dir "$FIFO_DIR" -d --exec-id e2 "$ID" sleep 100
	expect_ctr_ok "ctr task exec -d" || return 1
	local pids
	wait_until 5 test "$(ctrc task ps "$ID" 2>/dev/null | awk 'NR > 1' | wc -l)" -eq 2 ||
		fail "task ps: expected init and the exec, got: $(ctrc task ps "$ID" 2>&1)" || return 1
	pids=$(ctrc task ps "$ID" | awk 'NR > 1 && $1 != '"$PID"' { print $1 }')
	[[ $pids =~ ^[1-9][0-9]*$ ]] || fail "no exec pid in task ps" || return 1
	track_proc "$pids"
	# Killing init takes the exec'd process with it (same pid namespace).
	stop_and_delete "$ID"
}

@test "ctr task exec of a missing program fails; the task keeps running" {
	start_detached sleep 100
	run --separate-stderr ctrc task exec --fifo-dir "$FIFO_DIR" --exec-id e1 "$ID" /nope
	((status != 0)) || fail "ctr task exec /nope exited 0" || return 1
	[[ $stderr == *'/nope'*'o such file or directory'* ]] ||
		fail "expected the runtime's error naming /nope, got: $stderr" || return 1
	task_status_is "$ID" RUNNING || fail "task not RUNNING after a failed exec" || return 1
	proc_alive "${TRACKED[0]}" || fail "init died after a failed exec" || return 1
	stop_and_delete "$ID"
}

# Catches: contrib/kubernetes/runtimeclass.yaml naming a handler that
# contrib/containerd/config.toml does not define (no Kubernetes runs here).
@test "contrib: the RuntimeClass's handler is a CRI runtime that containerd reads from contrib" {
	local rc=$CINCH_CONTRIB/kubernetes/runtimeclass.yaml handler
	[[ -f $rc ]] || fail "no $rc" || return 1
	[[ $(grep -E '^(apiVersion|kind):' -- "$rc") == $'apiVersion: node.k8s.io/v1\nkind: RuntimeClass' ]] ||
		fail "$rc: expected apiVersion node.k8s.io/v1 and kind RuntimeClass, got:" "$(grep -E '^(apiVersion|kind):' -- "$rc")" ||
		return 1
	handler=$(sed -n 's/^handler:[[:space:]]*//p' -- "$rc")
	[[ $handler =~ ^[a-z0-9-]+$ ]] || fail "$rc: handler: '$handler'" || return 1
	[[ -n $(toml_table "$(<"$CTRD_DIR/config.dump")" "plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.$handler") ]] ||
		fail "$rc: handler '$handler' is not a runtime of $CTRD_CONTRIB as containerd reads it"
}
