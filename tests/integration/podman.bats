#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# cinch under a real podman (rootful, cgroupfs): podman runs create through
# conmon and calls cinch itself for start, kill, delete --force, pause,
# resume, state and exec (cli-contract.md §5.1, §5.2), as
#   cinch --log-format=json --log <rundir>/oci-log create --bundle B
#         --pid-file P <id>
# ("cinch" is listed in runtime_supports_json, so errors come back through
# oci-log as one JSON object).
#
# The runtime is the one operators install: contrib/podman/containers.conf.d/
# cinch.conf names "cinch" in [engine.runtimes] and runtime_supports_json,
# and podman runs every container through that name.  Only the binary's path
# is changed in it, to the binary under test.
#
# Nothing touches the host's podman: setup_file writes a containers.conf and
# a storage.conf of its own (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF).  The
# containers.conf is the contrib drop-in with this file's own settings added
# table by table (podman 4.3 reads no drop-in when CONTAINERS_CONF is set):
# storage, run, tmp, lock, event, volume and network dirs all under this
# file's temp dir, cinch as the default runtime, netns "none", and lower
# default ulimits (podman's default nofile and nproc are 1048576, and
# without CAP_SYS_RESOURCE, as on the CI host, raising a hard limit fails
# with EPERM).  It imports a busybox image from the test rootfs (`podman
# import`, no registry, no network).  teardown_file removes all of it again.
#
# After each test: podman lists no container, and nothing of the containers
# is left on the host: no process (init, exec'd ones, conmon, podman's
# cleanup), no cgroup named after the id, no cinch state dir (podman passes
# no --root, so cinch uses its default, /run/cinch), no mount under the
# test's dir, no process of cinch.
#
# Needs root, podman and conmon (scripts/install-deps.sh).  Only the podman
# 4.3 / conmon 2.1 of Debian 12 have been tried.

load helpers
load rootfs

# Upper bound for one podman command, so that a hung runtime fails its test
# rather than the whole run.  Each step takes well under a second here.
PM_TIMEOUT=${PM_TIMEOUT:-15}
# cinch's default state root, where podman's containers live.
CINCH_DEFAULT_ROOT=/run/cinch

# --- The private podman -------------------------------------------------------

setup_file() {
	if ((EUID != 0)); then
		fail "podman tests run containers and need root"
		return 1
	fi
	# On a host without the controllers no daemon is started and every
	# test skips, saying why (setup).
	if CLIENT_SKIP=$(client_skip_reason "the default policy sets limits"); then
		export CLIENT_SKIP
		return 0
	fi
	local tool
	for tool in podman conmon; do
		command -v "$tool" >/dev/null ||
			fail "no $tool in PATH (scripts/install-deps.sh installs podman)" || return 1
	done
	rootfs_prepare || return 1

	CINCH_ABS=$(readlink -f -- "$CINCH") || return 1
	PM_DIR=$BATS_FILE_TMPDIR/podman
	PM_IMAGE=localhost/cinch-busybox:test
	# The same binary under the runc-compatible preset, named cinch so that
	# podman's runtime_supports_json still knows it.
	CINCH_COMPAT=$PM_DIR/compat/cinch
	export CINCH_ABS PM_DIR PM_IMAGE CINCH_COMPAT

	# What podman or cinch may create outside $PM_DIR, and teardown_file
	# removes if it was not there before: containers/image's blob-info
	# cache (/var/lib/containers/cache; podman 4.3 has no setting for it),
	# cinch's default root and its seccomp cache, and podman's parent
	# cgroups.
	PM_HAD=""
	local path
	for path in /var/lib/containers "$CINCH_DEFAULT_ROOT" "$CINCH_DEFAULT_ROOT/@seccomp-cache" \
		"$CINCH_DEFAULT_ROOT/.idpool.lock" \
		/sys/fs/cgroup/*/libpod_parent; do
		[[ -e $path ]] && PM_HAD+="$path:"
	done
	export PM_HAD

	mkdir -p -- "$PM_DIR"/{root,runroot,tmp,net,compat} || return 1
	printf '#!/bin/sh\nexec %q --policy runc-compatible "$@"\n' "$CINCH_ABS" >"$CINCH_COMPAT" || return 1
	chmod 0755 -- "$CINCH_COMPAT" || return 1
	pm_write_conf || return 1
	export CONTAINERS_CONF=$PM_DIR/containers.conf
	export CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$PM_DIR/registries.conf

	tar -C "$CINCH_ROOTFS" -cf "$PM_DIR/busybox.tar" . || return 1
	run --separate-stderr pm import "$PM_DIR/busybox.tar" "$PM_IMAGE"
	if ((status != 0)); then
		fail "podman import failed (exit $status): $stderr"
		return 1
	fi
}

# limit_at_most ULIMIT_OPTION N: N, or the hard limit (ulimit -H OPTION)
# if that is lower.
limit_at_most() {
	local hard
	hard=$(ulimit -H "$1") || return 1
	if [[ $hard == unlimited ]] || ((hard > $2)); then
		echo "$2"
	else
		echo "$hard"
	fi
}

# PM_CONTRIB: the podman drop-in operators install (contrib/).
PM_CONTRIB=$CINCH_CONTRIB/podman/containers.conf.d/cinch.conf

pm_write_conf() {
	local nofile nproc text want='"/usr/sbin/cinch"' new="\"$CINCH_ABS\""
	[[ -f $PM_CONTRIB ]] || fail "no $PM_CONTRIB" || return 1
	text=$(<"$PM_CONTRIB") || return 1
	[[ $text == *"$want"* ]] ||
		fail "$PM_CONTRIB: no $want to replace with the binary under test" || return 1
	[[ $CINCH_ABS != *[\"\\]* ]] || fail "CINCH=$CINCH_ABS: a quote or backslash cannot go into the TOML as is" || return 1
	printf '%s\n' "${text//"$want"/"$new"}" >"$PM_DIR/contrib.conf" || return 1
	# podman's default for both is 1048576:1048576, above the hard limits
	# here.  Not the shell's hard limits either: podman lowers its own
	# nproc (to 32768 in 4.3), and cinch inherits that.  1024 is below all
	# of these, and RLIMIT_NPROC does not bind uid 0 of the host anyway.
	nofile=$(limit_at_most -n 1024) || return 1
	nproc=$(limit_at_most -u 1024) || return 1
	# netns "none": no CNI, no iptables.  lock_type "file": locks under
	# tmp_dir instead of /dev/shm/libpod_lock.
	cat >"$PM_DIR/private.conf" <<-EOF || return 1
		[containers]
		default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
		netns = "none"
		log_driver = "k8s-file"

		[network]
		network_config_dir = "$PM_DIR/net"

		[engine]
		runtime = "cinch"
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$PM_DIR/events.log"
		lock_type = "file"
		tmp_dir = "$PM_DIR/tmp"
		image_copy_tmp_dir = "$PM_DIR/tmp"
		static_dir = "$PM_DIR/root/libpod"
		volume_path = "$PM_DIR/root/volumes"
	EOF
	toml_layer "$PM_DIR/contrib.conf" "$PM_DIR/private.conf" >"$PM_DIR/containers.conf" || return 1
	# overlay works as root on ext4; vfs is the fallback that needs nothing.
	cat >"$PM_DIR/storage.conf" <<-EOF || return 1
		[storage]
		driver = "${CINCH_PODMAN_DRIVER:-overlay}"
		graphroot = "$PM_DIR/root"
		runroot = "$PM_DIR/runroot"
	EOF
	echo 'unqualified-search-registries = []' >"$PM_DIR/registries.conf"
}

# toml_layer BASE TOP: BASE with the keys of TOP's tables added to the same
# tables of BASE, right under their headers; TOP's tables that BASE lacks
# come at the end.  A key in both is a duplicate, which podman refuses: the
# private settings cannot silently replace one of the contrib file's.
toml_layer() {
	awk '
		function header(line) {
			sub(/[[:space:]]*(#.*)?$/, "", line)
			sub(/^[[:space:]]*\[/, "", line)
			sub(/\]$/, "", line)
			return line
		}
		# A table header; not an array starting a line of a multi-line one.
		function is_header(line) { return line ~ /^[[:space:]]*\[[^"\[]/ }
		FNR == NR {
			if (is_header($0)) {
				t = header($0)
				if (!(t in keys)) order[++n] = t
				keys[t] = keys[t]
			} else if ($0 !~ /^[[:space:]]*(#|$)/) {
				if (n == 0) {
					print FILENAME ": a key before any table: " $0 >"/dev/stderr"
					bad = 1
					exit 1
				}
				keys[t] = keys[t] $0 "\n"
			}
			next
		}
		is_header($0) {
			print
			t = header($0)
			if (t in keys) {
				printf "%s", keys[t]
				done[t] = 1
			}
			next
		}
		{ print }
		END {
			if (bad) exit 1
			for (i = 1; i <= n; i++)
				if (!(order[i] in done)) printf "\n[%s]\n%s", order[i], keys[order[i]]
		}' "$2" "$1"
}

teardown_file() {
	local status=0 pid path mnt mnts=()
	[[ -n ${PM_DIR:-} && -d $PM_DIR ]] || return 0

	# Backstop for tests whose own teardown did not finish.
	pm rm -a -f -t 0 >/dev/null 2>&1 || status=1
	pm rmi -a -f >/dev/null 2>&1 || true
	# conmon and podman's cleanup name files under $PM_DIR in their argv.
	for pid in $(pids_with_arg_under "$PM_DIR"); do
		echo "# leftover $(proc_describe "$pid"); killing it" >&3
		kill -KILL "$pid" 2>/dev/null || true
		status=1
	done
	while read -r _ _ _ _ mnt _; do
		[[ $mnt == "$PM_DIR"/* ]] && mnts=("$mnt" "${mnts[@]}")
	done </proc/self/mountinfo
	for mnt in "${mnts[@]}"; do
		echo "# leftover mount $mnt; unmounting it" >&3
		umount -l -- "$mnt" 2>/dev/null || true
		status=1
	done
	rm -rf -- "$PM_DIR" || status=1

	# What was made outside $PM_DIR, if it was not there before.
	if [[ $PM_HAD != *"/var/lib/containers:"* ]]; then
		rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
		rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null || true
	fi
	# The cache's files are compiled filters, nothing of a container.
	if [[ $PM_HAD != *"$CINCH_DEFAULT_ROOT/@seccomp-cache:"* ]]; then
		rm -rf -- "$CINCH_DEFAULT_ROOT/@seccomp-cache"
	fi
	# The remap id pool's lock file (idpool.h): empty, nothing of a container.
	if [[ $PM_HAD != *"$CINCH_DEFAULT_ROOT/.idpool.lock:"* ]]; then
		rm -f -- "$CINCH_DEFAULT_ROOT/.idpool.lock"
	fi
	if [[ $PM_HAD != *"$CINCH_DEFAULT_ROOT:"* ]]; then
		rmdir "$CINCH_DEFAULT_ROOT" 2>/dev/null || true
		if [[ -e $CINCH_DEFAULT_ROOT ]]; then
			echo "# $CINCH_DEFAULT_ROOT was made by the tests and is not empty:" \
				"$(ls -A -- "$CINCH_DEFAULT_ROOT")" >&3
			status=1
		fi
	fi
	for path in /sys/fs/cgroup/*/libpod_parent; do
		[[ $PM_HAD == *"$path:"* ]] && continue
		rmdir "$path/conmon" "$path" 2>/dev/null || true
	done
	return "$status"
}

# pm ARGS...: podman with cinch as the runtime ($PM_RUNTIME, default the
# name "cinch" of the contrib drop-in: the binary under the default
# policy).  stdin is /dev/null and bats' fd 3 is closed, so that no
# container or conmon can hold them.
pm() {
	timeout -k 5 "$PM_TIMEOUT" podman --runtime "${PM_RUNTIME:-cinch}" "$@" </dev/null 3>&-
}

# pids_with_arg ARG: pids of processes with ARG as one whole argument.
# pids_with_arg_under DIR: ... with an argument that is a path under DIR.
pids_with_arg() {
	pids_matching_arg "$1" ""
}
pids_with_arg_under() {
	pids_matching_arg "" "$1/"
}
pids_matching_arg() {
	local f pid a args=()
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
		{ mapfile -d '' -t args <"$f"; } 2>/dev/null || continue
		for a in "${args[@]}"; do
			if [[ (-n $1 && $a == "$1") || (-n $2 && $a == *"$2"*) ]]; then
				echo "$pid"
				break
			fi
		done
	done
}

# --- Per test ----------------------------------------------------------------

setup() {
	[[ -z ${CLIENT_SKIP:-} ]] || skip "$CLIENT_SKIP"
	cinch_setup
	NAME=cinch-pm$BATS_TEST_NUMBER-$$
	# One cidfile per container the test made, each holding its id, listed
	# in a file: pm_run often runs in bats' `run` subshell, where an array
	# would be lost.
	CIDLIST=$BATS_TEST_TMPDIR/cidfiles
	: >"$CIDLIST"
	TRACKED=()  # PID:STARTTIME of processes the test saw
}

teardown() {
	[[ -z ${CLIENT_SKIP:-} ]] || return 0
	local status=0 f id ids=() left
	while IFS= read -r f; do
		[[ -s $f ]] && ids+=("$(<"$f")")
	done <"$CIDLIST"
	# Containers the test made without a cidfile count too.
	mapfile -t -O "${#ids[@]}" ids < <(pm ps -a -q --no-trunc 2>/dev/null)
	# First, so that a hung runtime call cannot block podman's cleanup.
	for id in "${ids[@]}"; do
		assert_no_runtime_calls "$id" || status=1
	done
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	left=$(pm ps -a -q 2>/dev/null)
	[[ -z $left ]] || fail "podman still lists containers: $left" || status=1
	assert_procs_gone "${TRACKED[@]}" || status=1
	for id in "${ids[@]}"; do
		assert_no_procs_with_arg "$id" || status=1
		assert_no_cgroup "$id" || status=1
		assert_no_state "$CINCH_DEFAULT_ROOT" "$id" || status=1
	done
	cinch_teardown || status=1
	return "$status"
}

# assert_no_runtime_calls ID: no process of cinch has ID in its argv.
# Each runtime call returns before podman does, and an init that has
# exec'd the container's program is no longer cinch, so any such process is
# a runtime call that hangs, or an init that never got started.  They are
# reported with their command lines, then killed.
assert_no_runtime_calls() {
	local pid pids=() leaks=()
	for pid in $(pids_with_arg "$1"); do
		[[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$CINCH_ABS" ]] && pids+=("$pid")
	done
	((${#pids[@]} == 0)) && return 0
	# All described before any is killed: killing one may end another.
	for pid in "${pids[@]}"; do
		leaks+=("runtime process $(proc_describe "$pid")")
	done
	for pid in "${pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	fail "still running at teardown:" "${leaks[@]}"
}

# no_procs_with_arg ID: no process has ID in its argv now.  (For
# wait_until: a "$(...)" in its arguments would be looked at once.)
no_procs_with_arg() {
	[[ -z $(pids_with_arg "$1") ]]
}

# assert_no_procs_with_arg ID: within 5 s, no process (conmon, podman's
# exit command, cinch) has ID in its argv.  Survivors are reported, then
# killed.
assert_no_procs_with_arg() {
	local pid leaks=()
	wait_until 5 no_procs_with_arg "$1" && return 0
	for pid in $(pids_with_arg "$1"); do
		leaks+=("process $(proc_describe "$pid")")
		kill -KILL "$pid" 2>/dev/null || true
	done
	((${#leaks[@]} == 0)) || fail "left behind for $1:" "${leaks[@]}"
}

# pm_run [FLAGS...] -- ARGS...: `podman run` with a fresh cidfile
# (registered for teardown, its path in $CIDFILE) and the test image;
# ARGS are the command.
pm_run() {
	local flags=()
	while [[ $1 != -- ]]; do
		flags+=("$1")
		shift
	done
	shift
	CIDFILE=$(mktemp -u "$BATS_TEST_TMPDIR/cid-XXXXXX")
	printf '%s\n' "$CIDFILE" >>"$CIDLIST"
	pm run --cidfile "$CIDFILE" "${flags[@]}" "$PM_IMAGE" "$@"
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

# expect_status WHAT N: the last `run` exited N; the message carries what
# podman said.
expect_status() {
	((status == $2)) && return 0
	fail "$1: exit $status, expected $2" "stdout: $output" "stderr: $stderr"
}

# pm_state NAME: the container's State.Status.
pm_state() {
	pm inspect --format '{{.State.Status}}' "$1" 2>/dev/null
}

# pm_state_is NAME STATUS: for wait_until.
pm_state_is() {
	[[ $(pm_state "$1") == "$2" ]]
}

# start_detached CMD...: `podman run -d --name $NAME`, which must succeed
# and leave the container running; init's pid in $PID.
start_detached() {
	run --separate-stderr pm_run -d --name "$NAME" -- "$@"
	expect_status "podman run -d" 0 || return 1
	wait_until 5 pm_state_is "$NAME" running ||
		fail "$NAME is not running: $(pm_state "$NAME")" || return 1
	PID=$(pm inspect --format '{{.State.Pid}}' "$NAME")
	[[ $PID =~ ^[1-9][0-9]*$ ]] || fail "no pid for $NAME: $PID" || return 1
	track_proc "$PID"
}

# --- Tests -------------------------------------------------------------------

@test "podman run --rm: the container's output and exit status come back" {
	run --separate-stderr pm_run --rm -- sh -c 'echo hi; echo oops >&2; exit 3'
	expect_status "podman run --rm" 3 || return 1
	[[ $output == hi ]] || fail "stdout: expected 'hi', got: $output" || return 1
	[[ $stderr == oops ]] || fail "stderr: expected only 'oops', got: $stderr" || return 1
	run pm ps -a -q
	[[ -z $output ]] || fail "containers left after --rm: $output"
}

# What the workload sees: the uid map, its capabilities, whether the root
# takes a write.
WHOAMI='cat /proc/self/uid_map; grep CapEff /proc/self/status; touch /w 2>&1; rm -f /w'

# Catches: the policy not applied under conmon; podman's overlay rootfs or
# its bind mounts (/etc/hostname and the like, from its run dir) not
# idmapped (idmap.h): they would show as 65534.
@test "podman run, default policy: root only inside (remapped), no capabilities, a read-only root" {
	run --separate-stderr pm_run --rm -- sh -c "$WHOAMI; stat -c %u:%g /bin/busybox /etc/hostname"
	expect_status "podman run --rm" 0 || return 1
	local map host
	map=$(sed -n 1p <<<"$output")
	read -r _ host _ <<<"$map"
	[[ $map =~ ^\ *0\ +[0-9]+\ +65536$ ]] && ((host >= 65536)) || fail "uid_map: '$map'" || return 1
	[[ $(sed 1d <<<"$output") == $'CapEff:\t0000000000000000\ntouch: /w: Read-only file system\n0:0\n0:0' ]] ||
		fail "workload saw:" "$output"
}

# Catches: the preset enforcing anything.
@test "podman run, runc-compatible preset: root on the host with podman's capabilities, as with runc" {
	PM_RUNTIME=$CINCH_COMPAT
	run --separate-stderr pm_run --rm -- sh -c "$WHOAMI"
	expect_status "podman run --rm" 0 || return 1
	[[ $output == $'         0          0 4294967295\nCapEff:\t00000000a80425fb' ]] || fail "workload saw:" "$output"
}

@test "podman run of a missing program: exit 127 and the runtime's message" {
	# podman maps "no such file or directory" in the runtime's error to 127
	# (cli-contract.md §5.2); the text comes from cinch's oci-log.  (-127:
	# bats would otherwise take 127 for "command not found".)
	run -127 --separate-stderr pm_run --rm -- /nope ||
		expect_status "podman run /nope" 127 || return 1
	[[ $stderr == *'/nope'*'o such file or directory'* ]] ||
		fail "expected the runtime's error naming /nope, got: $stderr" || return 1
	# With "cinch" in runtime_supports_json (the contrib drop-in) podman
	# reads the message from cinch's JSON log and puts the runtime's name
	# before it once; from conmon's text (cinch's own stderr line, which
	# starts "cinch: ") it would say "cinch: cinch: ".
	[[ $stderr == 'Error: cinch: '* && $stderr != *'cinch: cinch:'* ]] ||
		fail "expected the message from cinch's JSON log (runtime_supports_json in $PM_CONTRIB), got: $stderr"
}

@test "podman run: after a failed create, podman's delete --force is quiet (as with runc)" {
	# podman removes the container from the runtime after a failed create
	# with `delete --force <id>`; create already rolled back, and runc
	# (delete.go) answers success for an unknown id under --force.
	run -127 --separate-stderr pm_run --rm -- /nope ||
		expect_status "podman run /nope" 127 || return 1
	[[ $stderr != *'does not exist'* && $stderr != *'after creation failed'* ]] ||
		fail "podman's cleanup delete --force failed:" "$stderr"
}

@test "podman run -d, stop -t 1, rm: ps -a is empty at the end" {
	start_detached sleep 100
	# pid 1 ignores the SIGTERM of stop; SIGKILL follows after 1 s.
	run --separate-stderr pm stop -t 1 "$NAME"
	expect_status "podman stop -t 1" 0 || return 1
	wait_until 5 pm_state_is "$NAME" exited ||
		fail "$NAME did not exit: $(pm_state "$NAME")" || return 1
	assert_procs_gone "${TRACKED[@]}" || return 1
	run pm inspect --format '{{.State.ExitCode}}' "$NAME"
	[[ $output == 137 ]] || fail "exit code: expected 137, got: $output" || return 1
	run --separate-stderr pm rm "$NAME"
	expect_status "podman rm" 0 || return 1
	run pm ps -a -q
	[[ -z $output ]] || fail "containers left after rm: $output"
}

@test "podman stop: SIGTERM reaches init's handler; exit code 0" {
	start_detached sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	run --separate-stderr pm stop -t 5 "$NAME"
	expect_status "podman stop" 0 || return 1
	wait_until 5 pm_state_is "$NAME" exited ||
		fail "$NAME did not exit: $(pm_state "$NAME")" || return 1
	run pm inspect --format '{{.State.ExitCode}}' "$NAME"
	[[ $output == 0 ]] || fail "exit code: expected 0, got: $output" || return 1
	run --separate-stderr pm rm "$NAME"
	expect_status "podman rm" 0
}

@test "podman pause/unpause: paused with the cgroup FROZEN, then running and THAWED" {
	start_detached sleep 100
	# The kernel's word, not only podman's: init's cgroup is frozen (v1
	# freezer.state, v2 cgroup.events), wherever the host keeps it.
	run --separate-stderr pm pause "$NAME"
	expect_status "podman pause" 0 || return 1
	[[ $(pm_state "$NAME") == paused ]] || fail "state after pause: $(pm_state "$NAME")" || return 1
	expect_freezer "$PID" FROZEN || return 1
	run --separate-stderr pm unpause "$NAME"
	expect_status "podman unpause" 0 || return 1
	[[ $(pm_state "$NAME") == running ]] || fail "state after unpause: $(pm_state "$NAME")" || return 1
	expect_freezer "$PID" THAWED || return 1
	proc_alive "${TRACKED[0]}" || fail "init died across pause/unpause" || return 1
	run --separate-stderr pm rm -f -t 0 "$NAME"
	expect_status "podman rm -f" 0
}

@test "podman exec: output and exit status; the container keeps running" {
	start_detached sleep 100
	run --separate-stderr pm exec "$NAME" sh -c 'echo from-exec; exit 4'
	expect_status "podman exec" 4 || return 1
	[[ $output == from-exec ]] || fail "stdout: expected 'from-exec', got: $output" || return 1
	pm_state_is "$NAME" running || fail "state after exec: $(pm_state "$NAME")" || return 1
	run --separate-stderr pm stop -t 1 "$NAME"
	expect_status "podman stop -t 1" 0 || return 1
	run --separate-stderr pm rm "$NAME"
	expect_status "podman rm" 0 || return 1
	run pm ps -a -q
	[[ -z $output ]] || fail "containers left after rm: $output"
}

@test "podman exec of a missing program: exit 127; the container keeps running" {
	start_detached sleep 100
	run -127 --separate-stderr pm exec "$NAME" /nope ||
		expect_status "podman exec /nope" 127 || return 1
	[[ $stderr == *'/nope'* ]] || fail "expected an error naming /nope, got: $stderr" || return 1
	pm_state_is "$NAME" running || fail "state after a failed exec: $(pm_state "$NAME")" || return 1
	proc_alive "${TRACKED[0]}" || fail "init died after a failed exec"
}
