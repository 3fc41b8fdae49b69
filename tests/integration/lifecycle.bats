#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq filters are jq's
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# The container lifecycle, as root, against the OCI runtime spec (runtime.md:
# State, Lifecycle, Errors, Operations) and the runc command line that
# containerd, podman and CRI-O drive (cli-contract.md §0, §2, §4): create,
# start, state, kill, delete, run, list and ps.
#
# What the spec requires and each test holds the runtime to:
#  - create: a bad or duplicate id is an error and no container is made;
#    the container's resources exist, but the user's program has not run.
#  - start: only from created; otherwise an error with no effect.
#  - kill: only on created or running; otherwise an error with no effect.
#  - delete: an unknown id is an error; a container whose process still runs
#    is refused (runc also deletes a created one, and --force kills first);
#    everything create made is removed.
#  - any error leaves things as if the operation had not been tried.
#
# Every test uses its own state root and unique ids.  Teardown deletes each
# container with --force, then fails the test if anything is left: a process
# the test saw or one in the container's pid namespace, a cgroup named after
# the id, the state dir, a mount under the test's dir (bundle included), or a
# process of the cinch binary.

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# Container ids are lc-<test>-<bats pid>-<n>.
# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX='lc'

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
}

teardown() {
	container_teardown
}

# descendants PID: every descendant of PID, one per line.
descendants() {
	local -A parent=()
	local stat pid ppid queue=("$1") p
	for stat in /proc/[0-9]*/stat; do
		pid=${stat#/proc/}
		pid=${pid%/stat}
		proc_stat_fields "$pid" || continue
		ppid=${PROC_STAT[1]}
		parent[$pid]=$ppid
	done
	while ((${#queue[@]} > 0)); do
		p=${queue[0]}
		queue=("${queue[@]:1}")
		for pid in "${!parent[@]}"; do
			[[ ${parent[$pid]} == "$p" ]] || continue
			echo "$pid"
			queue+=("$pid")
		done
	done
}

@test "create: pid file without newline, state 'created', init set up but not exec'd" {
	new_container
	local abs raw ann
	abs=$(realpath -- "$BUNDLE")
	ann=$(jq -c '.annotations // {}' "$BUNDLE/config.json")
	# A relative --bundle: state must still report the absolute path.
	cd "$BUNDLE/.."
	run --separate-stderr rt create --bundle "${BUNDLE##*/}" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create"

	[ -f "$PIDFILE" ] || fail "create wrote no pid file at $PIDFILE"
	# $(<file) would drop a trailing newline; the x keeps it.
	raw=$(cat -- "$PIDFILE" && echo x)
	raw=${raw%x}
	[[ $raw =~ ^[1-9][0-9]*$ ]] ||
		fail "pid file must be bare decimal digits (go-runc runs Atoi on it):" "$(od -c -- "$PIDFILE")"
	PID=$raw
	track_pid "$PID"
	expect_alive "$PID"
	# Held before execve: the workload has not run.
	[[ $(cmdline "$PID") != *sleep* ]] ||
		fail "init already runs the workload in created state: $(cmdline "$PID")"

	expect_state "$ID" '(.ociVersion | type == "string" and length > 0)
		and .id == $id and .pid == $pid and .status == "created"
		and .bundle == $bundle and .rootfs == $bundle + "/rootfs"
		and (.created | type == "string") and (.owner | type == "string")
		and (.annotations // {}) == $ann' \
		--arg id "$ID" --argjson pid "$PID" --arg bundle "$abs" --argjson ann "$ann"
	local created
	created=$(jq -r .created <<<"$output")
	[[ $created =~ $RFC3339_RE ]] || fail "created is not RFC 3339: $created"

	# No runtime helper survives create: init is the only cinch process.
	expect_cinch_pids "$PID"
}

@test "start: runs the workload, state 'running'; a second start fails with no effect" {
	create_container
	start_container
	expect_state "$ID" '.status == "running" and .pid == $pid' --argjson pid "$PID"
	expect_workload "$PID"

	run --separate-stderr rt start "$ID"
	expect_result "second start" 1 "" "cinch: start \"$ID\": the container is running, not created"
	expect_state "$ID" '.status == "running" and .pid == $pid' --argjson pid "$PID"
	expect_alive "$PID"
	expect_workload "$PID"
}

@test "kill: 9, KILL and SIGKILL are accepted; then state is 'stopped' with pid 0" {
	local sig
	for sig in 9 KILL SIGKILL; do
		create_container
		start_container
		run --separate-stderr rt kill "$ID" "$sig"
		expect_quiet "kill $ID $sig"
		wait_exit "$PID"
		expect_state "$ID" '.status == "stopped" and .pid == 0 and .id == $id' --arg id "$ID"
	done
}

@test "stopped: kill fails 'container not running', kill --all/-a exit 0, start fails" {
	create_container
	start_container
	run --separate-stderr rt kill "$ID" 9
	expect_quiet "kill"
	wait_exit "$PID"

	# CRI-O and containerd match these words to mean "already finished".
	run --separate-stderr rt kill "$ID" 9
	expect_error "kill of a stopped container" "container not running"
	# The shim's kill --all after init exited must succeed quietly.
	run --separate-stderr rt kill --all "$ID" 9
	expect_quiet "kill --all of a stopped container"
	run --separate-stderr rt kill -a "$ID" 9
	expect_quiet "kill -a of a stopped container"
	run --separate-stderr rt start "$ID"
	expect_error "start of a stopped container" "container not running"
	expect_state "$ID" '.status == "stopped" and .pid == 0'
}

@test "delete: removes a stopped container; then state, delete and kill say 'does not exist'" {
	create_container
	start_container
	run --separate-stderr rt kill "$ID" KILL
	expect_quiet "kill"
	wait_exit "$PID"

	run --separate-stderr rt delete "$ID"
	expect_quiet "delete of a stopped container"
	expect_gone "$ID"
	run --separate-stderr rt delete "$ID"
	expect_error "second delete" "does not exist"
	run --separate-stderr rt kill "$ID" 9
	expect_error "kill of a deleted container" "does not exist"
	run --separate-stderr rt start "$ID"
	expect_error "start of a deleted container" "does not exist"
	run --separate-stderr rt kill "never-$ID" 9
	expect_error "kill of an id never used" "does not exist"
	# As runc: forcing the removal of what is gone succeeds quietly
	# (podman's clean-up after a failed create relies on it).
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete --force of a deleted container"
}

@test "delete: refuses a running container without --force and leaves it running" {
	create_container
	start_container
	expect_workload "$PID"

	run --separate-stderr rt delete "$ID"
	expect_result "delete of a running container" 1 "" \
		"cinch: delete \"$ID\": the container is running; stop it first or use --force"
	expect_state "$ID" '.status == "running" and .pid == $pid' --argjson pid "$PID"
	expect_alive "$PID"
	expect_workload "$PID"
}

@test "delete --force and -f: kill and remove a running container" {
	local flag
	for flag in --force -f; do
		create_container
		start_container
		expect_workload "$PID"
		run --separate-stderr rt delete "$flag" "$ID"
		expect_quiet "delete $flag"
		wait_exit "$PID"
		expect_gone "$ID"
	done
}

@test "delete: removes a created container that never started" {
	create_container
	run --separate-stderr rt delete "$ID"
	expect_quiet "delete of a created container"
	wait_exit "$PID"
	expect_gone "$ID"
}

@test "kill: works on a created container, which is then stopped and deletable" {
	create_container
	run --separate-stderr rt kill "$ID" 9
	expect_quiet "kill of a created container"
	wait_exit "$PID"
	expect_state "$ID" '.status == "stopped" and .pid == 0'
	run --separate-stderr rt delete "$ID"
	expect_quiet "delete"
	expect_gone "$ID"
}

@test "create: an id in use fails 'already exists' and the first container is untouched" {
	create_container
	local first_bundle first_pid=$PID pidfile2=$BATS_TEST_TMPDIR/second.pid
	first_bundle=$(realpath -- "$BUNDLE")
	setup_bundle
	make_bundle "$BUNDLE"

	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$pidfile2" "$ID"
	expect_error "create with a duplicate id" "already exists" "$ID"
	[ ! -e "$pidfile2" ] || fail "the failed create wrote its pid file: $(cat -- "$pidfile2")"
	expect_state "$ID" '.status == "created" and .pid == $pid and .bundle == $bundle' \
		--argjson pid "$first_pid" --arg bundle "$first_bundle"
	expect_alive "$first_pid"
	expect_cinch_pids "$first_pid"
}

@test "create: a cgroupsPath whose cgroup holds a process is refused; the container there is untouched" {
	create_container
	local first=$ID first_pid=$PID
	new_container
	config_set "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "/$first"
	# Under another --root, which does not know the first container: only
	# the process in the cgroup tells (the same root refuses by name).
	STATE_ROOT=$BATS_TEST_TMPDIR/other-root run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_error "create in another container's cgroup" "the container's cgroup is not empty: 1 process in it"
	[ ! -e "$PIDFILE" ] || fail "the refused create wrote its pid file"
	assert_no_state "$BATS_TEST_TMPDIR/other-root" "$ID"
	expect_state "$first" '.status == "created" and .pid == $pid' --argjson pid "$first_pid"
	expect_alive "$first_pid"
	ID=$first expect_in_own_cgroup "$first_pid"
}

@test "create: refuses the ids '', '.', '..', 'a/b' and '../x' and makes nothing" {
	new_container
	local id before
	before=$(cgroup_dirs)
	# The whole message: an id such as '' or '.' is in any message.
	local slash="'/' is not allowed; allowed: A-Z a-z 0-9 _ + . -" dot="it must not start with '.'" want
	for id in "" . .. a/b ../x; do
		case $id in
		"") want="cinch: container id must not be empty" ;;
		*/*) want="cinch: invalid container id \"$id\": $slash" ;;
		*) want="cinch: invalid container id \"$id\": $dot" ;;
		esac
		run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$id"
		expect_result "create with id '$id'" 1 "" "$want" || return 1
	done
	[ ! -e "$PIDFILE" ] || fail "a refused create wrote the pid file"
	local made
	made=$(state_entries "$STATE_ROOT")
	[ -z "$made" ] || fail "refused creates left state behind:" "$made"
	[ ! -e "$BATS_TEST_TMPDIR/x" ] || fail "id '../x' escaped the state root: $BATS_TEST_TMPDIR/x"
	expect_cgroups_unchanged "$before"
	expect_cinch_pids
}

@test "create: a missing args[0] fails at create with 'no such file or directory', leaving nothing" {
	new_container /nope
	local before
	before=$(cgroup_dirs)
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_error "create of /nope" "/nope"
	# runc's wording, errno text in lower case: the Docker CLI matches it
	# case-sensitively to exit 127 (docker.bats); podman (?i) too.
	[[ $stderr == *'exec: "/nope": stat /nope: no such file or directory'* ]] ||
		fail "stderr does not say runc's 'no such file or directory': $stderr"
	[ ! -e "$PIDFILE" ] || fail "the failed create wrote its pid file"
	expect_gone "$ID"
	expect_cgroups_unchanged "$before"
	expect_cinch_pids
}

@test "create: a command not in PATH fails at create with 'executable file not found'" {
	new_container nope-not-in-path
	local before
	before=$(cgroup_dirs)
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_error "create of nope-not-in-path" "nope-not-in-path" "executable file not found"
	[ ! -e "$PIDFILE" ] || fail "the failed create wrote its pid file"
	expect_gone "$ID"
	expect_cgroups_unchanged "$before"
	expect_cinch_pids
}

@test "run: exits with the workload's status and deletes the container" {
	new_container sh -c 'exit 3'
	run --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 3 ] || fail "run exited $status, expected 3; stderr: $stderr"
	[ -z "$stderr" ] || fail "unexpected stderr: $stderr"
	expect_gone "$ID"
}

@test "run: a workload killed by SIGTERM gives exit status 143" {
	new_container sh -c 'kill -TERM $$'
	# As pid 1 of its own pid namespace the shell would be immune to its own
	# SIGTERM (no handler), so this container shares the host's.
	config_set "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid"))'
	run --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 143 ] || fail "run exited $status, expected 143 (128 + SIGTERM); stderr: $stderr"
	expect_gone "$ID"
}

@test "run: the workload's stdout is the runtime's stdout" {
	new_container echo hello
	run --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	expect_ok "run echo hello"
	[ "$output" = hello ] || fail "stdout: '$output', expected 'hello'"
	expect_gone "$ID"
}

# start_recvtty SOCKET OUT: recvtty listening on SOCKET in the background
# (for 10 s at most), the terminal's output to OUT; sets RECVTTY_PID.
start_recvtty() {
	[[ -x $RECVTTY ]] || fail "RECVTTY=$RECVTTY is not an executable; build first (scripts/build.sh)"
	# A runtime that never connects must not hang the test.
	timeout -k 2 10 "$RECVTTY" "$1" >"$2" 2>"$2.err" </dev/null 3>&- &
	RECVTTY_PID=$!
	defer kill_quietly "$RECVTTY_PID"
	wait_until 10 test -S "$1" || fail "recvtty did not listen on $1: $(cat -- "$2.err")"
}

# expect_tty_output OUT: recvtty exited 0, and the workload (`tty; echo
# hello`) had a terminal of the container's devpts.
expect_tty_output() {
	local rc=0 got
	wait "$RECVTTY_PID" || rc=$?
	((rc == 0)) || fail "recvtty exited $rc: $(cat -- "$1.err")"
	got=$(tr -d '\r' <"$1")
	[ "$got" = $'/dev/pts/0\nhello' ] || fail "the terminal showed '$got', expected /dev/pts/0 and hello"
}

@test "terminal: run --console-socket gives the workload a terminal whose master reaches the socket" {
	new_container sh -c 'tty; echo hello'
	config_set "$BUNDLE" '.process.terminal = true'
	local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/tty.out
	start_recvtty "$sock" "$out"
	run --separate-stderr rt run --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	expect_quiet "run with a terminal"
	expect_tty_output "$out"
	expect_gone "$ID"
}

@test "terminal: create --console-socket, start: the workload's terminal, as podman and containerd drive it" {
	new_container sh -c 'tty; echo hello'
	config_set "$BUNDLE" '.process.terminal = true'
	local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/tty.out
	start_recvtty "$sock" "$out"
	run --separate-stderr rt create --console-socket "$sock" --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create with a terminal"
	PID=$(<"$PIDFILE")
	track_pid "$PID"
	start_container
	expect_tty_output "$out"
	run --separate-stderr rt delete "$ID"
	expect_quiet "delete"
	expect_gone "$ID"
}

# plain_tty TEXT: TEXT with the carriage returns a pty adds taken out.
plain_tty() {
	printf '%s' "${1//$'\r'/}"
}

# Catches a foreground run that does not take the master (no
# cinch_terminal_receive in wait_foreground): nothing reaches stdout.
@test "terminal: run without --console-socket relays the workload's terminal to stdout and returns its status" {
	new_container sh -c 'tty; test -t 0 && test -t 1 && echo both-tty; exit 3'
	config_set "$BUNDLE" '.process.terminal = true'
	ct_run
	[ "$status" -eq 3 ] || fail "run exited $status, expected 3; stderr: $stderr" "stdout: $output"
	[ -z "$stderr" ] || fail "unexpected stderr: $stderr"
	[ "$(plain_tty "$output")" = $'/dev/pts/0\nboth-tty' ] ||
		fail "the terminal showed '$output', expected /dev/pts/0 and both-tty"
	expect_gone "$ID"
}

# Catches a relay that does not copy stdin to the master (no from_stdin in
# the relay's step): the workload's read never returns and run times out.
@test "terminal: run without --console-socket relays stdin from a pipe to the workload's terminal" {
	new_container sh -c 'read x; echo "got:$x"'
	config_set "$BUNDLE" '.process.terminal = true'
	# shellcheck disable=SC2034 # rt_stdin's bound, shorter for a hang
	local RT_TIMEOUT=10
	run --separate-stderr rt_stdin <(printf 'hello\n') run --bundle "$BUNDLE" "$ID"
	expect_ok "run reading a line from its terminal"
	# The pty echoes the line it was given, then the workload answers.
	[ "$(plain_tty "$output")" = $'hello\ngot:hello' ] || fail "the terminal showed '$output'"
	expect_gone "$ID"
}

# Catches raw mode not entered (no raw_enter in tty_start: the runtime's
# terminal turns the pty's \r\n into \r\r\n), not left (no raw_restore:
# the settings differ afterwards) and no initial size (no copy_winsize in
# tty_start: the pty keeps its 0 0).
@test "terminal: run from a terminal gives the pty its size and holds stdin raw until it returns" {
	new_container sh -c 'stty size; exit 4'
	config_set "$BUNDLE" '.process.terminal = true'
	export CINCH STATE_ROOT BUNDLE ID RT_POLICY
	local out rc=0
	# script(1) runs the command on a terminal of its own.
	out=$(timeout -k 5 "$RT_TIMEOUT" script -qec 'stty rows 40 cols 100; before=$(stty -g)
		"$CINCH" --root "$STATE_ROOT" --policy "$RT_POLICY" run --bundle "$BUNDLE" "$ID"
		echo "rc=$?"; if [ "$(stty -g)" = "$before" ]; then echo restored; else echo changed; fi' /dev/null </dev/null 2>&1 3>&-) || rc=$?
	((rc == 0)) || fail "script exited $rc: $out"
	# $(...) took the last \n.  What script echoes of its own stdin's EOF
	# may come first.
	[[ $out == *$'40 100\r\nrc=4\r\nrestored\r' && $out != *$'\r\r'* ]] ||
		fail "the terminal showed:" "$(printf '%q' "$out")"
	expect_gone "$ID"
}

# Unchanged by the relay: only a run that waits can relay a terminal.
@test "terminal: run --detach with a terminal and no --console-socket is refused and makes nothing" {
	new_container
	config_set "$BUNDLE" '.process.terminal = true'
	run --separate-stderr rt run --detach --bundle "$BUNDLE" "$ID"
	expect_error "run --detach with a terminal" \
		"config.json: process.terminal is true: use --console-socket to receive the terminal"
	expect_gone "$ID"
}

# is_running ID: the container's state says running (for wait_until).
# Not `state | jq -e`: jq 1.6 exits 0 on empty input, so a state that
# failed (no container yet) would read as running.
is_running() {
	local json
	json=$("$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} state "$1" 2>/dev/null </dev/null 3>&-) &&
		jq -e '.status == "running"' <<<"$json" >/dev/null
}

@test "run: process.oomScoreAdj is the workload's; the runtime keeps its own" {
	new_container sleep 1000
	config_set "$BUNDLE" '.process.oomScoreAdj = 500'
	local mine runtime_pid init_pid
	mine=$(</proc/self/oom_score_adj)
	[ "$mine" != 500 ] || fail "this shell's oom_score_adj is already 500"
	"$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} run --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/run.err" 3>&- &
	runtime_pid=$!
	defer kill_quietly "$runtime_pid"
	wait_until 10 is_running "$ID" || fail "the container never ran; stderr: $(cat -- "$BATS_TEST_TMPDIR/run.err")"
	init_pid=$(rt state "$ID" | jq -r .pid)
	track_pid "$init_pid"
	[ "$(<"/proc/$init_pid/oom_score_adj")" = 500 ] || fail "the workload's oom_score_adj is $(<"/proc/$init_pid/oom_score_adj")"
	# init wrote it while it shared the runtime's memory (under `run`):
	# the kernel spares a vfork child's parent, not other sharers.
	[ "$(<"/proc/$runtime_pid/oom_score_adj")" = "$mine" ] ||
		fail "the runtime's oom_score_adj is $(<"/proc/$runtime_pid/oom_score_adj"), expected $mine"
	run --separate-stderr rt kill "$ID" KILL
	expect_quiet "kill"
	local rc=0
	wait "$runtime_pid" || rc=$?
	((rc == 137)) || fail "run exited $rc, expected 137; stderr: $(cat -- "$BATS_TEST_TMPDIR/run.err")"
	expect_gone "$ID"
}

@test "run --detach and -d: return 0 and leave the container running" {
	local flag
	for flag in --detach -d; do
		new_container
		run --separate-stderr rt run "$flag" --bundle "$BUNDLE" "$ID"
		expect_quiet "run $flag"
		expect_state "$ID" '.status == "running" and .pid > 0'
		PID=$(jq -r .pid <<<"$output")
		track_pid "$PID"
		expect_alive "$PID"
		expect_workload "$PID"
	done
}

@test "list, list -f json, list --format=json and list -q show the containers" {
	create_container
	local id1=$ID pid1=$PID
	create_container
	start_container
	local id2=$ID pid2=$PID

	run --separate-stderr rt list
	expect_ok "list"
	[[ ${lines[0]} == ID* ]] || fail "list: no header line:" "$output"
	grep -qE "^${id1}[[:space:]]+${pid1}[[:space:]]+created[[:space:]]" <<<"$output" ||
		fail "list: no row '$id1 $pid1 created':" "$output"
	grep -qE "^${id2}[[:space:]]+${pid2}[[:space:]]+running[[:space:]]" <<<"$output" ||
		fail "list: no row '$id2 $pid2 running':" "$output"

	local fmt
	for fmt in "-f json" "--format=json"; do
		# shellcheck disable=SC2086 # split on purpose
		run --separate-stderr rt list $fmt
		expect_ok "list $fmt"
		jq -e --arg a "$id1" --arg b "$id2" --argjson pa "$pid1" --argjson pb "$pid2" '
			type == "array" and length == 2
			and any(.[]; .id == $a and .status == "created" and .pid == $pa)
			and any(.[]; .id == $b and .status == "running" and .pid == $pb)
			and all(.[]; has("bundle") and has("created") and has("owner"))' \
			<<<"$output" >/dev/null || fail "list $fmt: unexpected JSON:" "$output"
	done

	run --separate-stderr rt list -q
	expect_ok "list -q"
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "$id1" "$id2" | sort)" ] ||
		fail "list -q: expected the two ids only, got:" "$output"
}

@test "ps --format json and -f json: a JSON array of pids that holds init" {
	create_container
	start_container
	local fmt
	for fmt in "--format json" "-f json"; do
		# shellcheck disable=SC2086 # split on purpose
		run --separate-stderr rt ps $fmt "$ID"
		expect_ok "ps $fmt"
		jq -e --argjson pid "$PID" 'type == "array" and all(.[]; type == "number")
			and any(.[]; . == $pid)' <<<"$output" >/dev/null ||
			fail "ps $fmt: expected an array of pids with $PID:" "$output"
	done
}

@test "state: 'stopped' with pid 0 once init is killed from outside the runtime" {
	create_container
	start_container
	expect_workload "$PID"
	kill -KILL "$PID"
	wait_exit "$PID"
	expect_state "$ID" '.status == "stopped" and .pid == 0'
}

# expect_own_namespaces PID: for every namespace type the config lists, PID
# is in another namespace than this shell.
expect_own_namespaces() {
	local type name mine theirs wrong=()
	for type in $(jq -r '.linux.namespaces[].type' "$BUNDLE/config.json"); do
		case $type in
		network) name=net ;;
		mount) name=mnt ;;
		*) name=$type ;;
		esac
		mine=$(readlink "/proc/self/ns/$name")
		theirs=$(readlink "/proc/$1/ns/$name" 2>/dev/null || true)
		[[ -n $theirs && $theirs != "$mine" ]] || wrong+=("$type: container '$theirs', host '$mine'")
	done
	((${#wrong[@]} == 0)) || fail "pid $1 shares listed namespaces with the host:" "${wrong[@]}"
}

@test "namespaces: init is in a new namespace of each type the config lists" {
	new_container
	local type
	for type in pid mount ipc uts; do
		json_assert "$BUNDLE/config.json" "any(.linux.namespaces[]; .type == \"$type\")"
	done
	create_from_bundle
	# Already in created state (the spec: create applies all but process).
	expect_own_namespaces "$PID"
	start_container
	expect_workload "$PID"
	expect_own_namespaces "$PID"
}

@test "namespaces: a type the config leaves out (ipc, user) is the host's" {
	new_container
	config_set "$BUNDLE" '.linux.namespaces |= map(select(.type != "ipc" and .type != "user"))'
	create_from_bundle
	local name
	for name in ipc user; do
		[ "$(readlink "/proc/$PID/ns/$name")" = "$(readlink "/proc/self/ns/$name")" ] ||
			fail "$name namespace is not the host's: $(readlink "/proc/$PID/ns/$name")"
	done
}

@test "namespaces: the new network namespace holds only lo, and the container's /sys shows it" {
	# sysfs shows the network devices of the namespace that mounts it:
	# init must be in its own before it mounts /sys.
	new_container sh -c 'ls /sys/class/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	json_assert "$BUNDLE/config.json" 'any(.linux.namespaces[]; .type == "network" and .path == null)'
	json_assert "$BUNDLE/config.json" 'any(.mounts[]; .type == "sysfs")'
	local host
	host=$(ls /sys/class/net | tr '\n' ' ')
	[ "$host" != "lo " ] || fail "the host has only lo: nothing to tell the namespaces apart"
	run --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	expect_ok "run ls /sys/class/net"
	[ "$output" = $'lo\nlo' ] || fail "the container sees '$output', expected lo twice (host: $host)"
	expect_gone "$ID"
}

@test "namespaces: a network namespace that cannot be made fails create with the field and the reason, leaving nothing" {
	new_container
	[[ -x $NOUNSHARE ]] || fail "NOUNSHARE=$NOUNSHARE is not an executable; build first (scripts/build.sh)"
	# unshare(2) refused, as under an engine's seccomp profile: the helper
	# thread cannot make the namespace.
	run --separate-stderr timeout -k 5 "$RT_TIMEOUT" "$NOUNSHARE" "$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} \
		create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID" </dev/null 3>&-
	expect_error "create without unshare" \
		"$(realpath -- "$BUNDLE")/config.json: linux.namespaces: make network namespace: unshare: Operation not permitted"
	[ ! -e "$PIDFILE" ] || fail "the failed create wrote its pid file"
	expect_gone "$ID"
}

@test "namespaces: a new network namespace belongs to the container's new user namespace" {
	new_container
	config_identity_userns
	create_from_bundle
	[ "$(readlink "/proc/$PID/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
		fail "init is in the host's network namespace"
	# Joining a network namespace takes CAP_SYS_ADMIN over its owner: from
	# inside the container's user namespace that holds only for one it owns.
	run nsenter --target "$PID" --user --net true
	((status == 0)) || fail "cannot join init's network namespace from its user namespace: $output"
}

# expect_in_own_cgroup PID: every line of /proc/PID/cgroup (read here, in
# the host's cgroup namespace) names the container's cgroup, /$ID; on a v2
# host the one line of the unified hierarchy (the kernel lists the v1
# hierarchies too when they exist, mounted or not).
expect_in_own_cgroup() {
	local line wrong=() n=0
	while IFS= read -r line; do
		! cgroup_is_v2 || [[ $line == 0::* ]] || continue
		n=$((n + 1))
		[[ ${line##*:} == "/$ID" ]] || wrong+=("$line")
	done <"/proc/$1/cgroup"
	((n > 0)) || fail "/proc/$1/cgroup is empty"
	((${#wrong[@]} == 0)) || fail "init (pid $1) is outside /$ID in:" "${wrong[@]}"
}

# Catches: the id map fields held to uid_t's signed range (2147483647),
# which refused the whole range the kernel accepts.
@test "namespaces: a user namespace mapping the whole id range (0 0 4294967295) runs" {
	new_container sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	config_set "$BUNDLE" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 4294967295}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 4294967295}]'
	ct_run
	((status == 0)) || fail "run with the full map: exit $status; stderr: $stderr"
	[[ $(tr -s ' ' <<<"$output") == $' 0 0 4294967295\n 0 0 4294967295\n65534' ]] ||
		fail "maps and uid inside:" "$output"
	expect_gone "$ID"
}

@test "cgroups: init is in the container's cgroup in every hierarchy, limits in force, at create" {
	need_controllers pids memory
	new_container
	config_set "$BUNDLE" '.linux.resources.pids.limit = 77 | .linux.resources.memory.limit = 100663296'
	create_from_bundle
	expect_in_own_cgroup "$PID"
	local got
	got=$(cgroup_value "$PID" pids pids.max pids.max)
	[ "$got" = 77 ] || fail "pids.max is '$got', the config says 77"
	got=$(cgroup_value "$PID" memory memory.limit_in_bytes memory.max)
	[ "$got" = 100663296 ] || fail "the memory limit is '$got', the config says 100663296"
}

# Catches: linux.resources.memory.kernelTCP dropped on cgroup v1 (plan_memory
# in cgroup-v1.c; runtime-tools' linux_cgroups_memory, which crun passes).
@test "cgroups: memory.kernelTCP is memory.kmem.tcp.limit_in_bytes on cgroup v1" {
	need_controllers memory
	cgroup_is_v2 && skip "cgroup v2 has no kernelTCP"
	new_container
	config_set "$BUNDLE" '.linux.resources.memory = {limit: 100663296, kernelTCP: 50593792}'
	create_from_bundle
	local got
	got=$(cgroup_value "$PID" memory memory.kmem.tcp.limit_in_bytes -)
	[ "$got" = 50593792 ] || fail "memory.kmem.tcp.limit_in_bytes is '$got', the config says 50593792"
}

@test "cgroups: init in a new user namespace is in the container's cgroup in every hierarchy" {
	new_container
	config_identity_userns
	create_from_bundle
	[ "$(readlink "/proc/$PID/ns/user")" != "$(readlink /proc/self/ns/user)" ] ||
		fail "init is in the host's user namespace"
	expect_in_own_cgroup "$PID"
}

@test "inside: hostname is the config's and the user is the config's (65534)" {
	new_container sh -c 'hostname; id -u'
	local want
	want=$(jq -r '"\(.hostname)\n\(.process.user.uid)"' "$BUNDLE/config.json")
	[ "$want" = $'cinch\n65534' ] || fail "unexpected default spec: hostname/uid $want"
	run --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	expect_ok "run hostname; id -u"
	[ "$output" = "$want" ] || fail "inside: '$output', expected '$want'"
	expect_gone "$ID"
}

# Catches: init not making a missing process.cwd (chdir fails ENOENT), or
# making it after the root is read-only (EROFS under the default policy),
# or as the host's root in a remapped container (owner 65534 inside).
@test "cwd: a missing process.cwd is made inside the root, read-only root and remapped root too" {
	local policy
	for policy in runc-compatible "$DEFAULT_NO_LIMITS"; do
		new_container sh -c 'pwd; stat -c "%u %a" .'
		config_set "$BUNDLE" '.process.cwd = "/work/deep/dir" | .process.user = {uid: 0, gid: 0}'
		RT_POLICY=$policy ct_run
		expect_result "pwd in a missing cwd ($policy)" 0 $'/work/deep/dir\n0 755' "" || return 1
		# On disk it is the image's root's, like the image's own files
		# (the remapped root writes through the idmapped mount).
		[[ -d $BUNDLE/rootfs/work/deep/dir && $(stat -c %u -- "$BUNDLE/rootfs/work/deep/dir") == 0 ]] ||
			fail "the cwd was not made in the bundle's rootfs, owned by 0 ($policy)"
		expect_gone "$ID"
	done
	# A link on the way resolves inside the root, not on the host.
	new_container sh -c pwd
	ln -s /etc "$BUNDLE/rootfs/escape"
	config_set "$BUNDLE" '.process.cwd = "/escape/made-here"'
	ct_run
	expect_result "pwd through a link" 0 /etc/made-here "" || return 1
	[[ -d $BUNDLE/rootfs/etc/made-here && ! -e /etc/made-here ]] || fail "the cwd was made outside the root"
	expect_gone "$ID"
}

# image_passwd: the bundle's own /etc/passwd, with homes no host has, so
# that reading the host's file instead cannot pass.
image_passwd() {
	printf '%s\n' 'root:x:0:0:root:/image-root:/bin/sh' 'nobody:x:65534:65534:nobody:/image-nobody:/bin/false' \
		>"$BUNDLE/rootfs/etc/passwd"
}

# Catches: HOME not set from the image's passwd (runc and crun set it), a
# set HOME overwritten, /etc/passwd opened without O_NONBLOCK (a FIFO with
# no writer blocks init until the runtime's timeout), or read as any file
# (a character device there is no passwd: HOME=/).
@test "HOME: from the image's passwd when the environment has none, else /; a set HOME stays; exec too" {
	local uid want policy no_home='.process.user = {uid: 0, gid: 0} | .process.env |= map(select(startswith("HOME=") | not))'
	# cinch spec's config sets HOME=/tmp: each case takes it out first.
	for policy in runc-compatible "$DEFAULT_NO_LIMITS"; do
		for uid in 0 65534 4242; do
			case $uid in 0) want=/image-root ;; 65534) want=/image-nobody ;; *) want=/ ;; esac
			new_container sh -c 'echo "$HOME"'
			image_passwd
			config_set "$BUNDLE" "$no_home | .process.user = {uid: \$u, gid: \$u}" --argjson u "$uid"
			RT_POLICY=$policy ct_run
			expect_result "HOME of uid $uid ($policy)" 0 "$want" "" || return 1
			expect_gone "$ID"
		done
	done
	new_container sh -c 'echo "$HOME"'
	config_set "$BUNDLE" '.process.env = (.process.env | map(select(startswith("HOME=") | not))) + ["HOME=/custom"]'
	ct_run
	expect_result "a set HOME" 0 /custom "" || return 1
	expect_gone "$ID"
	# The image's /etc/passwd is a FIFO no one writes, then /dev/zero.
	new_container sh -c 'echo "$HOME"'
	rm -f -- "$BUNDLE/rootfs/etc/passwd"
	mkfifo -m 0644 -- "$BUNDLE/rootfs/etc/passwd"
	config_set "$BUNDLE" "$no_home"
	ct_run
	expect_result "HOME with a FIFO for /etc/passwd" 0 / "" || return 1
	expect_gone "$ID"
	new_container sh -c 'echo "$HOME"'
	rm -f -- "$BUNDLE/rootfs/etc/passwd"
	mknod -m 0644 -- "$BUNDLE/rootfs/etc/passwd" c 1 5
	config_set "$BUNDLE" "$no_home"
	ct_run
	expect_result "HOME with /dev/zero for /etc/passwd" 0 / "" || return 1
	expect_gone "$ID"
	# exec reads the same file in the container's root.
	new_container
	image_passwd
	config_set "$BUNDLE" "$no_home"
	create_from_bundle || return 1
	run --separate-stderr rt exec --user 65534:65534 "$ID" sh -c 'echo "$HOME"'
	expect_result "HOME in exec as 65534" 0 /image-nobody "" || return 1
}

@test "rootfs: read-only for the workload, while /tmp is writable" {
	new_container touch /x
	local first=$BUNDLE
	run --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	((status != 0)) || fail "touch /x succeeded on a read-only rootfs"
	[[ $stderr == *"Read-only file system"* ]] || fail "touch /x: stderr: $stderr"
	[ ! -e "$first/rootfs/x" ] || fail "/x was created in the bundle's rootfs"
	expect_gone "$ID"

	new_container sh -c 'echo data >/tmp/f && cat /tmp/f'
	run --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	expect_ok "write to /tmp"
	[ "$output" = data ] || fail "/tmp: read back '$output', expected 'data'"
	expect_gone "$ID"
}

# hook_ready_or_gone FILE IDENT: FILE exists, or the process has exited.
hook_ready_or_gone() {
	[[ -e $1 ]] || proc_gone "$2"
}

@test "create killed before it saved init's pid: delete --force kills init through the cgroup" {
	new_container
	create_from_bundle
	json_assert "$BUNDLE/config.json" 'any(.linux.namespaces[]; .type == "pid" and .path == null)'
	# What a create killed between clone and READY leaves (no hook ran):
	# the state as first saved, with the cgroup but no pid.
	local state=$STATE_ROOT/$ID/state.json
	jq -c '.pid = 0 | .pidStart = 0 | .createdOk = false' "$state" >"$state.new" && mv "$state.new" "$state"
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete --force without a pid"
	assert_procs_gone "${TRACKED[@]}"
	expect_gone "$ID"
}

@test "create killed during its prestart hook: delete --force removes everything" {
	new_container
	local dir=$BATS_TEST_TMPDIR hook=$BATS_TEST_TMPDIR/hook.sh
	# Signals that create has got this far, then blocks it there.
	cat >"$hook" <<EOF
#!/bin/sh
echo \$\$ >"$dir/hook.pid"
touch "$dir/hook.ready"
exec sleep 100
EOF
	chmod 0755 "$hook"
	config_set "$BUNDLE" '.hooks = {prestart: [{path: $hook, args: ["hook.sh"]}]}' --arg hook "$hook"

	"$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID" \
		</dev/null >"$dir/create.out" 2>"$dir/create.err" 3>&- &
	local create_pid=$! create_ident
	# (If it has already exited and been reaped, any ident reads as gone.)
	create_ident=$(proc_ident "$create_pid") || create_ident=$create_pid:reaped
	# Until the hook is ready, or create has exited (failed) without it.
	wait_until 10 hook_ready_or_gone "$dir/hook.ready" "$create_ident" || true
	if [[ ! -e $dir/hook.ready ]]; then
		kill_quietly "$create_pid"
		fail "the prestart hook did not run; create stderr:" "$(cat -- "$dir/create.err")"
		return 1
	fi
	local hook_pid pid
	hook_pid=$(<"$dir/hook.pid")
	defer kill_quietly "$hook_pid"
	# What create has made so far (init, any helper) must not outlive delete.
	for pid in $(descendants "$create_pid"); do
		[[ $pid == "$hook_pid" ]] || track_pid "$pid"
	done

	kill -KILL "$create_pid"
	local rc=0
	wait "$create_pid" || rc=$?
	((rc == 137)) || fail "create exited $rc before it was killed; stderr:" "$(cat -- "$dir/create.err")"

	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete --force after a killed create"
	assert_procs_gone "${TRACKED[@]}"
	assert_pidns_empty "${PIDNS[@]}"
	expect_gone "$ID"
	expect_cinch_pids
}

# ---- runtime-spec 1.2 and 1.3 process and linux fields ----

# /proc/PID/stat's fields 19 and 41 are the nice value and the policy.
# Catches: set_scheduler or set_io_priority dropped from
# cinch_process_become (process.c): init and exec keep SCHED_OTHER, nice 0
# and the default I/O class, and the config is silently ignored.
@test "process.scheduler and process.ioPriority: in force in init and in an exec'd process" {
	new_container
	config_set "$BUNDLE" '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}
		| .process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
	create_from_bundle || return 1
	start_container || return 1
	local out=$BATS_TEST_TMPDIR/process.json
	run --separate-stderr rt exec "$ID" sh -c 'cut -d" " -f19,41 /proc/1/stat; ionice -p 1'
	expect_result "init's nice, policy (SCHED_BATCH is 3) and I/O class" 0 $'7 3\nidle' "" || return 1
	# An exec'd process takes --process's own, as root may ask for
	# (the policy does not judge them yet).
	cat >"$out" <<'JSON'
{"args": ["sh", "-c", "cut -d' ' -f19,41 /proc/self/stat; ionice"], "cwd": "/", "user": {"uid": 0, "gid": 0},
 "scheduler": {"policy": "SCHED_IDLE"}, "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 6}}
JSON
	run --separate-stderr rt exec --process "$out" "$ID"
	expect_result "exec's nice, policy (SCHED_IDLE is 5) and I/O class" 0 $'0 5\nbest-effort: prio 6' "" || return 1
	# The kernel's refusal names the field: a realtime priority out of
	# SCHED_FIFO's range is the reader's, SCHED_DEADLINE with no budget the kernel's.
	cat >"$out" <<'JSON'
{"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0},
 "scheduler": {"policy": "SCHED_DEADLINE", "runtime": 0, "deadline": 0, "period": 0}}
JSON
	run --separate-stderr rt exec --process "$out" "$ID"
	expect_failure 255 "exec with an impossible SCHED_DEADLINE" "process.scheduler: sched_setattr" "Invalid argument"
}

# Catches: execCPUAffinity.final not applied in exec_child (exec.c): the
# exec'd process keeps the container's CPUs; initial not applied in
# run_exec: a CPU that does not exist goes unnoticed.  init keeps all of
# its CPUs (the spec: "not applicable to the container's init process").
@test "process.execCPUAffinity: final pins an exec'd process, from config.json or --process; init is left alone" {
	local cpus
	cpus=$(cut -f2 <<<"$(grep Cpus_allowed_list /proc/self/status)")
	[[ $cpus == 0-* || $cpus == 0,1* ]] || skip "needs CPUs 0 and 1 (this host: $cpus)"
	new_container
	config_set "$BUNDLE" '.process.execCPUAffinity = {initial: "0", final: "1"}'
	create_from_bundle || return 1
	start_container || return 1
	run --separate-stderr rt exec "$ID" sh -c 'grep Cpus_allowed_list /proc/self/status /proc/1/status | cut -d: -f3'
	expect_result "an exec'd process and init" 0 $'\t1\n\t'"$cpus" "" || return 1
	local proc=$BATS_TEST_TMPDIR/process.json
	jq -n '{args: ["grep", "Cpus_allowed_list", "/proc/self/status"], cwd: "/", user: {uid: 0, gid: 0},
		execCPUAffinity: {final: "0"}}' >"$proc"
	run --separate-stderr rt exec --process "$proc" "$ID"
	expect_result "exec --process with its own final" 0 $'Cpus_allowed_list:\t0' "" || return 1
	jq -n '{args: ["true"], cwd: "/", user: {uid: 0, gid: 0}, execCPUAffinity: {initial: "1023"}}' >"$proc"
	run --separate-stderr rt exec --process "$proc" "$ID"
	expect_failure 255 "exec with an initial CPU that does not exist" \
		"process.execCPUAffinity.initial: sched_setaffinity 1023: Invalid argument"
}

# Catches: cinch_process_set_mempolicy dropped from init_sequence (init.c)
# or from exec_child (exec.c): the mappings show the default policy.
@test "linux.memoryPolicy: init and an exec'd process allocate under it (numa_maps)" {
	[[ -r /proc/self/numa_maps && -d /sys/devices/system/node/node0 ]] || skip "no NUMA support in this kernel"
	local policy='head -1 /proc/self/numa_maps | cut -d" " -f2'
	new_container sh -c "$policy"
	config_set "$BUNDLE" '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0"}'
	ct_run
	expect_result "the policy init's process runs under" 0 interleave:0 "" || return 1
	expect_gone "$ID" || return 1
	new_container
	config_set "$BUNDLE" '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0"}'
	create_from_bundle || return 1
	run --separate-stderr rt exec "$ID" sh -c "$policy"
	expect_result "the policy an exec'd process runs under" 0 interleave:0 "" || return 1
	# A node the host does not have is the kernel's refusal, named.
	new_container true
	config_set "$BUNDLE" '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "1000"}'
	ct_run
	expect_error "run bound to a missing node" "linux.memoryPolicy: set_mempolicy" "Invalid argument" || return 1
	expect_gone "$ID"
}

# Catches: enter_time_namespace skipped (init.c): init stays in the host's
# time namespace, uptime and timens_offsets the host's; or the offsets
# written by neither init nor, in a new user namespace, the runtime
# (write_time_offsets in container.c): a time namespace with zero offsets.
@test "time namespace: linux.timeOffsets in force in init and in an exec'd process, with or without a user namespace" {
	local host_up userns
	for userns in no yes; do
		new_container sh -c 'cut -d. -f1 /proc/uptime; sleep 100'
		config_set "$BUNDLE" '.linux.namespaces += [{type: "time"}]
			| .linux.timeOffsets = {boottime: {secs: 8640000}, monotonic: {secs: -1, nanosecs: 5}}'
		[[ $userns == no ]] || config_identity_userns
		create_from_bundle || return 1
		[ "$(readlink "/proc/$PID/ns/time")" != "$(readlink /proc/self/ns/time)" ] ||
			fail "init is in the host's time namespace (user namespace: $userns)" || return 1
		run --separate-stderr rt exec "$ID" sh -c 'tr -s " " </proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
		expect_ok "exec in the time namespace (user namespace: $userns)" || return 1
		host_up=$(cut -d. -f1 /proc/uptime)
		local lines
		mapfile -t lines <<<"$output"
		[[ ${lines[0]} == "monotonic -1 5" && ${lines[1]} == "boottime 8640000 0" ]] ||
			fail "offsets seen inside (user namespace: $userns):" "$output" || return 1
		((lines[2] >= host_up + 8640000 - 5 && lines[2] <= host_up + 8640000 + 5)) ||
			fail "uptime inside ${lines[2]}, host $host_up, expected 8640000 more (user namespace: $userns)" ||
			return 1
		[ "$(readlink "/proc/$PID/ns/time")" = "$(readlink "/proc/$PID/ns/time_for_children")" ] ||
			fail "init's children would get another time namespace than init's" || return 1
	done
}

# mount_tree DIR: DIR with a file f and a tmpfs submount sub holding g,
# both owned by 0:0; unmounted at teardown.
mount_tree() {
	mkdir -p -- "$1/sub" && touch -- "$1/f" && mount -t tmpfs -o mode=755 tmpfs "$1/sub" && touch -- "$1/sub/g" || return
	defer umount -l "$1/sub"
}

# Catches: a bind mount with a filesystem's key=value options (what
# runtime-tools' mounts test puts on every mount) refused, where runc and
# crun ignore them; a bare word that is no flag ("r0") is still refused.
@test "mounts: a bind with mode= and size= runs, each option a warning in the log; a bind with 'r0' is refused" {
	new_container cat /etc/hostname
	config_set "$BUNDLE" '.mounts += [{destination: "/etc/hostname", type: "bind", source: "/etc/hostname",
		options: ["rbind", "ro", "mode=755", "size=1k"]}]'
	local log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr rt --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
	expect_result "run with mode= and size= on a bind" 0 "$(cat /etc/hostname)" "" || return 1
	run jq -r 'select(.level == "warning") | .msg' "$log"
	[[ $output == 'mounts[7]: option "mode=755" ignored: a bind mount takes no filesystem options
mounts[7]: option "size=1k" ignored: a bind mount takes no filesystem options' ]] ||
		fail "warnings:" "$(cat -- "$log")" || return 1
	expect_gone "$ID" || return 1

	new_container true
	config_set "$BUNDLE" '.mounts += [{destination: "/etc/hostname", type: "bind", source: "/etc/hostname",
		options: ["rbind", "r0"]}]'
	ct_run
	expect_result "run with r0 on a bind" 1 "" \
		"cinch: $BUNDLE/config.json: mounts[7]: mount option \"r0\" is unknown to cinch (a bind mount takes no filesystem options)"
}

# Catches: rootfsPropagation unbindable applied to the old root only, so
# the container's / could still be bound (runtime-tools' check: EINVAL).
@test "rootfsPropagation unbindable: a bind of / in the container fails EINVAL; with private it works" {
	local prop
	for prop in unbindable private; do
		new_container sh -c 'mkdir -p /tmp/x && mount --bind / /tmp/x && echo bound'
		config_set "$BUNDLE" '.linux.rootfsPropagation = $p | .process.user = {uid: 0, gid: 0}
			| .process.capabilities = {bounding: $c, effective: $c, permitted: $c}
			| .annotations["org.cinch.seccomp.profile"] = "unconfined"' \
			--arg p "$prop" --argjson c '["CAP_SYS_ADMIN"]'
		ct_run
		if [[ $prop == unbindable ]]; then
			expect_result "bind of / ($prop)" 255 "" "mount: mounting / on /tmp/x failed: Invalid argument" || return 1
		else
			expect_result "bind of / ($prop)" 0 bound "" || return 1
		fi
		expect_gone "$ID" || return 1
	done
}

# Catches: proc or sysfs mounted with no source (mountinfo says "none"),
# which the runtime-tools validation (config.md, mounts) reads as the
# mount missing.
@test "mounts: each filesystem mount shows its config type and source in the container's mountinfo" {
	new_container cat /proc/self/mountinfo
	ct_run
	expect_ok "run" || return 1
	local want got
	want=$(jq -r '.mounts[] | select(.type != "bind") | "\(.destination) \(.type) \(.source)"' "$BUNDLE/config.json")
	got=$(awk '{ for (i = 7; $i != "-"; i++); print $5, $(i+1), $(i+2) }' <<<"$output")
	local line
	while IFS= read -r line; do
		grep -qxF -- "$line" <<<"$got" || fail "no mount '$line' (destination type source) in:" "$got" || return 1
	done <<<"$want"
	expect_gone "$ID"
}

# Catches: set_recursive (mounts.c) without AT_RECURSIVE, or not called:
# the submount of an rbind+rro bind stays writable (as with plain "ro",
# which the second mount shows), and rnoexec/rnoatime stop at the top.
@test "mounts: rro, rnoexec and rnoatime reach every submount of an rbind; plain ro reaches the top only" {
	local src=$BATS_TEST_TMPDIR/src
	mount_tree "$src" || return 1
	new_container sh -c 'for f in /rro/rro /rro/sub/rro /ro/ro /ro/sub/ro; do touch "$f" 2>/dev/null && echo "$f: written"; done
		for m in /rro /rro/sub; do
			o=$(grep " $m " /proc/self/mountinfo | cut -d" " -f6)
			for f in ro noexec noatime; do case ",$o," in *",$f,"*) ;; *) echo "$m: not $f ($o)" ;; esac; done
		done'
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .mounts += [{destination: "/rro", type: "bind", source: $src, options: ["rbind", "rro", "rnoexec", "rnoatime"]},
			{destination: "/ro", type: "bind", source: $src, options: ["rbind", "ro"]}]' --arg src "$src"
	ct_run
	expect_result "writes and flags inside" 0 "/ro/sub/ro: written" "" || return 1
	[[ ! -e $src/rro && ! -e $src/sub/rro && ! -e $src/ro && -e $src/sub/ro ]] ||
		fail "what reached the source:" "$(find "$src")" || return 1
	expect_gone "$ID"
}

# Catches: cinch_idmap_mounts not called (container.c): the files show
# their host owners; ridmap's mount_setattr without AT_RECURSIVE
# (idmap.c): the submount keeps them; the container's maps not taken when
# the mount gives none.
@test "mounts: idmap and ridmap show a bind's files through the mount's maps, or the container's user namespace's" {
	local src=$BATS_TEST_TMPDIR/src
	mount_tree "$src" || return 1
	new_container sh -c 'stat -c "%n %u %g" /i/f /i/sub/g /r/f /r/sub/g'
	config_set "$BUNDLE" '.mounts += [
		{destination: "/i", type: "bind", source: $src, options: ["rbind", "idmap"],
		 uidMappings: [{containerID: 0, hostID: 1000, size: 10}], gidMappings: [{containerID: 0, hostID: 2000, size: 10}]},
		{destination: "/r", type: "bind", source: $src, options: ["rbind", "ridmap"],
		 uidMappings: [{containerID: 0, hostID: 1000, size: 10}], gidMappings: [{containerID: 0, hostID: 2000, size: 10}]}]' \
		--arg src "$src"
	ct_run
	expect_result "owners through idmap and ridmap (host's user namespace)" 0 \
		$'/i/f 1000 2000\n/i/sub/g 0 0\n/r/f 1000 2000\n/r/sub/g 1000 2000' "" || return 1
	expect_gone "$ID"
	# No maps of its own: the container's new user namespace's, which map
	# 1.. to 100001..: 5 on disk is its 5 through ridmap, and a plain bind
	# shows host uid 5, unmapped, as nobody.  (Its root is the host's: the
	# test's dirs are the host root's only.)
	chown 5:5 -- "$src/f" "$src/sub/g"
	new_container sh -c 'stat -c "%n %u %g" /r/f /r/sub/g /plain/f'
	config_set "$BUNDLE" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}, {containerID: 1, hostID: 100001, size: 65535}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 1}, {containerID: 1, hostID: 100001, size: 65535}]
		| .mounts += [{destination: "/r", type: "bind", source: $src, options: ["rbind", "ridmap"]},
			{destination: "/plain", type: "bind", source: $src, options: ["rbind"]}]' --arg src "$src"
	ct_run
	expect_result "owners through the container's maps" 0 $'/r/f 5 5\n/r/sub/g 5 5\n/plain/f 65534 65534' "" || return 1
	expect_gone "$ID"
}

# Catches: a field accepted and ignored again (spec.c's REFUSED entries
# turned back into notes): create succeeds with only a warning.
@test "linux.netDevices and linux.intelRdt: create refuses them, naming the field, and makes nothing" {
	local field
	for field in netDevices intelRdt; do
		new_container
		case $field in
		netDevices) config_set "$BUNDLE" '.linux.netDevices = {eth1: {name: "ctr1"}}' ;;
		intelRdt) config_set "$BUNDLE" '.linux.intelRdt = {closID: "gold", schemata: ["L3:0=ff"]}' ;;
		esac
		run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
		expect_error "create with linux.$field" "$BUNDLE/config.json: linux.$field: " "is not supported by cinch" ||
			return 1
		expect_gone "$ID" || return 1
	done
}

# features.md: what features lists, create takes; what it does not, create
# refuses.  Checked through `check`, which builds create's plan.  Catches
# a list out of step with the parser (features.c against mounts.c,
# plan.c), the time namespace above all.
@test "features: every mount option and namespace it lists passes check; the spec's others are refused" {
	run --separate-stderr "$CINCH" features
	expect_ok "features" || return 1
	local features=$output opt ns listed src=$BATS_TEST_TMPDIR/src
	mkdir -p -- "$src"
	new_container
	local base=$BUNDLE/config.json.base
	cp -- "$BUNDLE/config.json" "$base"
	for opt in $(jq -r '.mountOptions[]' <<<"$features") tmpcopyup rsuid rdev nocopy; do
		listed=$(jq --arg o "$opt" '.mountOptions | index($o) != null' <<<"$features")
		jq --arg o "$opt" --arg src "$src" '.mounts += [{destination: "/m", type: "bind", source: $src,
			options: ["bind", $o], uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
			gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]' "$base" >"$BUNDLE/config.json"
		run --separate-stderr "$CINCH" --policy "$RT_POLICY" check -b "$BUNDLE"
		if [[ $listed == true ]]; then
			((status == 0)) || fail "features lists \"$opt\", check refuses it: $stderr" || return 1
		else
			((status == 1)) && [[ $stderr == *"mount option \"$opt\""* ]] ||
				fail "features does not list \"$opt\", check says: exit $status $stderr" || return 1
		fi
	done
	# The runtime spec's namespace types: listed if and only if check
	# (create's plan) takes a new one.
	local passes
	for ns in cgroup ipc mount network pid time user uts; do
		listed=$(jq --arg t "$ns" '.linux.namespaces | index($t) != null' <<<"$features")
		jq --arg t "$ns" '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t}])
			| if $t == "user" then .linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
				| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}] else . end' "$base" >"$BUNDLE/config.json"
		run --separate-stderr "$CINCH" --policy "$RT_POLICY" check -b "$BUNDLE"
		passes=false
		((status != 0)) || passes=true
		[[ $passes == "$listed" ]] ||
			fail "namespace \"$ns\": listed by features: $listed; check: exit $status $stderr" || return 1
	done
}
