#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted strings are the container's or jq's
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# shellcheck disable=SC2153 # $PID and $ID are set by create_container (helpers.bash)
# exec, pause, resume and update, as root, against the runc command line that
# containerd, podman and CRI-O drive (cli-contract.md): `exec` runs a process
# in a running container; `pause` and `resume` freeze and thaw its cgroup;
# `update` changes its resource limits.
#
# What each test holds the runtime to:
#  - exec: the process joins init's namespaces and cgroups and, unless told
#    otherwise, runs as the container's process (user, cwd, env); in the
#    foreground stdio is the runtime's and the exit status is the process's;
#    --detach returns once it runs, with its host pid in --pid-file.
#  - exec failures exit 255 with one line that names the cause, run nothing
#    and write no pid file; a stopped, paused or unknown container is refused.
#  - pause and resume: state and the freezer agree; a transition from the
#    wrong state is an error; delete --force removes a paused container.
#  - update: the cgroup files change; a bad file names the file and field and
#    changes nothing.
#
# Structure, setup and teardown are lifecycle.bats' (see "Running containers"
# in helpers.bash): every test has its own state root and unique ids, and
# teardown fails the test if a process, cgroup, state dir or mount is left.
# Limits and the freezer are read through the layout the host has (v1,
# hybrid or v2; "cgroups" in helpers.bash).

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
# shellcheck disable=SC2034 # read by rt (helpers.bash)
RT_POLICY=runc-compatible

# Container ids are ex-<test>-<bats pid>-<n>.
# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX='ex'

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
}

teardown() {
	container_teardown
}

# expect_exec_error WHAT TEXT...: exec failed itself: exit 255, one line
# "cinch: ..." holding each TEXT.
expect_exec_error() {
	expect_failure 255 "$@"
}

# expect_ps ID PID...: `ps --format json ID` lists exactly these pids.
expect_ps() {
	local id=$1 want got
	shift
	run --separate-stderr rt ps --format json "$id"
	expect_ok "ps $id" || return 1
	want=$(printf '%s\n' "$@" | sort -n)
	got=$(jq -r '.[]' <<<"$output" | sort -n)
	[[ $got == "$want" ]] || fail "ps $id: expected pids '$*', got:" "$output"
}

# expect_cgroup_value CONTROLLER V1_FILE V2_FILE VALUE: init's cgroup holds
# VALUE in the file for CONTROLLER (the v2 name on a v2 host).
expect_cgroup_value() {
	local got
	got=$(cgroup_value "$PID" "$1" "$2" "$3") || return 1
	[[ $got == "$4" ]] || fail "$1 cgroup of $PID: $2/$3 is '$got', expected '$4'"
}

@test "exec: relays stdin, stdout and stderr and exits with the process's status" {
	running_container
	run --separate-stderr rt exec "$ID" sh -c 'echo x; echo y >&2; exit 4'
	[ "$status" -eq 4 ] || fail "exec exited $status, expected 4; stderr: $stderr"
	[ "$output" = x ] || fail "stdout: '$output', expected 'x'"
	[ "$stderr" = y ] || fail "stderr: '$stderr', expected 'y'"

	printf 'line1\nline2\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr rt_stdin "$BATS_TEST_TMPDIR/in" exec "$ID" cat
	expect_ok "exec cat"
	[ "$output" = $'line1\nline2' ] || fail "exec cat: stdout '$output', expected the input"
	expect_ps "$ID" "$PID"
}

@test "exec: the process is in init's pid, mnt, uts, ipc and net namespaces and cgroups" {
	running_container
	exec_detached sleep 100
	local ns mine theirs wrong=()
	for ns in pid mnt uts ipc net; do
		mine=$(readlink "/proc/$PID/ns/$ns")
		theirs=$(readlink "/proc/$EPID/ns/$ns")
		[[ $theirs == "$mine" ]] || wrong+=("$ns: exec '$theirs', init '$mine'")
	done
	((${#wrong[@]} == 0)) || fail "exec'd pid $EPID is not in init's namespaces:" "${wrong[@]}"
	# Init's namespaces are not the host's, so the comparison means something.
	[ "$(readlink "/proc/$PID/ns/pid")" != "$HOST_PIDNS" ] || fail "init is in the host's pid namespace"
	local want got
	want=$(<"/proc/$PID/cgroup")
	got=$(<"/proc/$EPID/cgroup")
	[ "$got" = "$want" ] || fail "exec'd pid $EPID is not in init's cgroups:" \
		"$(diff <(echo "$want") <(echo "$got"))"
}

@test "exec: runs as the container's process by default: user 65534, cwd, env, hostname" {
	running_container
	local want
	want=$(jq -r '"\(.process.user.uid) \(.process.user.gid)\n\(.hostname)\n\(.process.cwd)\n" +
		(.process.env[] | select(startswith("PATH=")))' "$BUNDLE/config.json")
	[[ $want == $'65534 65534\ncinch\n'* ]] || fail "unexpected default spec:" "$want"
	run --separate-stderr rt exec "$ID" sh -c 'echo "$(id -u) $(id -g)"; hostname; pwd; echo "PATH=$PATH"'
	expect_ok "exec id; hostname; pwd; PATH"
	[ "$output" = "$want" ] || fail "exec: got:" "$output" "expected:" "$want"
}

@test "exec --cwd, -e (repeated) and --user 0:0 override the container's process" {
	running_container
	run --separate-stderr rt exec --cwd /tmp -e A=1 -e 'B=two words' --user 0:0 "$ID" \
		sh -c 'pwd; id -u; id -g; echo "$A|$B"; env'
	expect_ok "exec --cwd --env --user"
	[[ ${lines[0]} == /tmp ]] || fail "cwd is '${lines[0]}', expected /tmp"
	[[ ${lines[1]} == 0 && ${lines[2]} == 0 ]] || fail "uid:gid is ${lines[1]}:${lines[2]}, expected 0:0"
	[[ ${lines[3]} == "1|two words" ]] || fail "A|B is '${lines[3]}', expected '1|two words'"
	# -e adds to the container's environment; it does not replace it.
	grep -qx 'A=1' <<<"$output" || fail "env has no A=1:" "$output"
	grep -qx 'B=two words' <<<"$output" || fail "env has no 'B=two words':" "$output"
	grep -q '^PATH=' <<<"$output" || fail "env lost the container's PATH:" "$output"
}

# Catches: --env appended after the config's entry of the same name
# (cinch_env_set in exec.c): the process then had two PATH entries and
# getenv gave it the config's (crun's exec-add-environment_variable).
@test "exec -e overrides a variable the config sets: one PATH, the given one; the last -e of a name wins" {
	running_container
	run --separate-stderr rt exec -e PATH=/bin:/usr/bin -e A=1 -e A=2 "$ID" env
	expect_ok "exec -e PATH=..."
	[[ $(grep -c '^PATH=' <<<"$output") == 1 ]] && grep -qx 'PATH=/bin:/usr/bin' <<<"$output" ||
		fail "PATH entries:" "$(grep '^PATH=' <<<"$output")"
	[[ $(grep '^A=' <<<"$output") == A=2 ]] || fail "A entries:" "$(grep '^A=' <<<"$output")"
}

@test "exec --detach and -d: exit 0; the pid file holds the host pid of 'sleep 100', in ps" {
	running_container
	local flag raw epids=() pidfile
	for flag in --detach -d; do
		pidfile=$BATS_TEST_TMPDIR/exec$flag.pid
		run --separate-stderr rt exec "$flag" --pid-file "$pidfile" "$ID" sleep 100
		expect_quiet "exec $flag"
		[ -f "$pidfile" ] || fail "exec $flag wrote no pid file"
		# $(<file) would drop a trailing newline; the x keeps it.
		raw=$(cat -- "$pidfile" && echo x)
		raw=${raw%x}
		[[ $raw =~ ^[1-9][0-9]*$ ]] ||
			fail "pid file must be bare decimal digits:" "$(od -c -- "$pidfile")"
		track_pid "$raw"
		expect_alive "$raw"
		# --pid-file is written once the process has exec'd.
		[ "$(cmdline "$raw")" = "sleep 100" ] ||
			fail "pid $raw runs '$(cmdline "$raw")', expected 'sleep 100'"
		epids+=("$raw")
	done
	expect_ps "$ID" "$PID" "${epids[@]}"
	expect_cinch_pids
}

@test "exec --process and -p: run a full OCI process object (user, args, cwd, env)" {
	running_container
	local proc=$BATS_TEST_TMPDIR/process.json flag
	jq -n '{terminal: false, user: {uid: 1234, gid: 5678}, cwd: "/tmp",
		env: ["PATH=/bin", "FOO=bar"],
		args: ["sh", "-c", "echo \"$(id -u) $(id -g)\"; pwd; echo \"$FOO|$PATH\""]}' >"$proc"
	for flag in --process -p; do
		run --separate-stderr rt exec "$flag" "$proc" "$ID"
		expect_ok "exec $flag"
		[ "$output" = $'1234 5678\n/tmp\nbar|/bin' ] ||
			fail "exec $flag: got:" "$output" "expected: 1234 5678 / /tmp / bar|/bin"
	done
}

# plain_tty TEXT: TEXT with the carriage returns a pty adds taken out.
plain_tty() {
	printf '%s' "${1//$'\r'/}"
}

# Catches a foreground exec that does not take the master (no
# cinch_terminal_receive in relay_and_wait): nothing reaches stdout.
@test "exec -t without --console-socket relays the process's terminal and returns its status" {
	running_container
	run --separate-stderr rt exec -t "$ID" sh -c 'tty; test -t 0 && test -t 1 && echo both-tty; exit 5'
	[ "$status" -eq 5 ] || fail "exec -t exited $status, expected 5; stderr: $stderr" "stdout: $output"
	[ -z "$stderr" ] || fail "unexpected stderr: $stderr"
	local want=$'^/dev/pts/[0-9]+\nboth-tty$'
	[[ $(plain_tty "$output") =~ $want ]] ||
		fail "the terminal showed '$output', expected a /dev/pts/N and both-tty"
	expect_ps "$ID" "$PID"
	expect_cinch_pids
}

# The runtime's terminal size is on the pty before the process starts: a
# size copied only by the relay, after the process exec'd, reached a
# process that asked at once too late under a slow runtime (ASan), and
# stty saw 0 by 0.  That binary fails this test every time when strace
# delays the runtime's recvmsg (-e inject=recvmsg:delay_enter=300000).
@test "exec -t from a terminal gives the pty its size before the process starts" {
	running_container
	export CINCH STATE_ROOT ID RT_POLICY
	local out rc=0
	out=$(timeout -k 5 "$RT_TIMEOUT" script -qec 'stty rows 33 cols 91
		"$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} exec -t "$ID" sh -c "stty size"
		echo "rc=$?"' /dev/null </dev/null 2>&1 3>&-) || rc=$?
	((rc == 0)) || fail "script exited $rc: $out"
	[[ $out == *$'33 91\r\nrc=0\r' ]] || fail "the terminal showed:" "$(printf '%q' "$out")"
	expect_ps "$ID" "$PID"
}

# Catches a relay that does not copy stdin to the master (no from_stdin in
# the relay's step): the process's read never returns and exec times out.
@test "exec --process with terminal true relays stdin from a pipe to the process's terminal" {
	running_container
	# shellcheck disable=SC2034 # rt_stdin's bound, shorter for a hang
	local proc=$BATS_TEST_TMPDIR/process.json RT_TIMEOUT=10
	jq -n '{terminal: true, user: {uid: 0, gid: 0}, cwd: "/", env: ["PATH=/bin"],
		args: ["sh", "-c", "read x; echo \"got:$x\"; exit 6"]}' >"$proc"
	run --separate-stderr rt_stdin <(printf 'hello\n') exec --process "$proc" "$ID"
	[ "$status" -eq 6 ] || fail "exec exited $status, expected 6; stderr: $stderr" "stdout: $output"
	# The pty echoes the line it was given, then the process answers.
	[ "$(plain_tty "$output")" = $'hello\ngot:hello' ] || fail "the terminal showed '$output'"
	expect_ps "$ID" "$PID"
}

# Unchanged by the relay: only an exec that waits can relay a terminal.
@test "exec --detach -t with no --console-socket fails with 255 and runs nothing" {
	running_container
	local pidfile=$BATS_TEST_TMPDIR/exec.pid
	run --separate-stderr rt exec --detach -t --pid-file "$pidfile" "$ID" touch /tmp/ran
	expect_exec_error "exec --detach -t" "exec: a terminal needs --console-socket to receive it"
	[ ! -e "$pidfile" ] || fail "the refused exec wrote its pid file"
	expect_ps "$ID" "$PID"
}

@test "exec --process: a malformed file fails with 255, naming the file and the field, and runs nothing" {
	running_container
	local bad=$BATS_TEST_TMPDIR/bad-process.json
	jq -n '{user: {uid: "x", gid: 0}, cwd: "/", args: ["touch", "/tmp/ran"]}' >"$bad"
	run --separate-stderr rt exec --process "$bad" "$ID"
	expect_exec_error "exec of user.uid \"x\"" "$bad" "user.uid"

	jq -n '{user: {uid: 0, gid: 0}, cwd: "/", args: "touch /tmp/ran"}' >"$bad"
	run --separate-stderr rt exec --process "$bad" "$ID"
	expect_exec_error "exec of args as a string" "$bad" "args"

	run --separate-stderr rt exec "$ID" test ! -e /tmp/ran
	expect_ok "a malformed process ran"
	expect_ps "$ID" "$PID"
	expect_cinch_pids
}

@test "exec of a missing binary fails with 255 'no such file or directory' and writes no pid file" {
	running_container
	local pidfile=$BATS_TEST_TMPDIR/exec.pid flag
	for flag in "" --detach; do
		# shellcheck disable=SC2086 # "" is no flag at all
		run --separate-stderr rt exec $flag --pid-file "$pidfile" "$ID" /nope
		expect_exec_error "exec $flag /nope" "/nope"
		# runc's wording, errno text in lower case, as the Docker CLI
		# matches it (docker.bats); podman (?i) too.
		[[ $stderr == *'exec: "/nope": stat /nope: no such file or directory'* ]] ||
			fail "exec $flag /nope: stderr does not say runc's 'no such file or directory': $stderr"
		[ ! -e "$pidfile" ] || fail "exec $flag /nope wrote its pid file: $(cat -- "$pidfile")"
	done
	expect_state "$ID" '.status == "running" and .pid == $pid' --argjson pid "$PID"
	expect_ps "$ID" "$PID"
	expect_cinch_pids
}

@test "exec fails with 255 in a stopped container ('container not running') and an unknown one ('does not exist')" {
	running_container
	run --separate-stderr rt kill "$ID" KILL
	expect_quiet "kill"
	wait_exit "$PID"
	run --separate-stderr rt exec "$ID" true
	expect_exec_error "exec in a stopped container" "container not running"

	run --separate-stderr rt exec "never-$ID" true
	expect_exec_error "exec in an unknown container" "does not exist"
}

@test "pause: state 'paused' and the freezer FROZEN; resume: 'running' and THAWED" {
	running_container
	run --separate-stderr rt pause "$ID"
	expect_quiet "pause"
	expect_state "$ID" '.status == "paused" and .pid == $pid' --argjson pid "$PID"
	expect_freezer "$PID" FROZEN
	expect_alive "$PID"

	run --separate-stderr rt resume "$ID"
	expect_quiet "resume"
	expect_state "$ID" '.status == "running" and .pid == $pid' --argjson pid "$PID"
	expect_freezer "$PID" THAWED
	expect_workload "$PID"
}

@test "exec in a paused container fails with 255 'cannot exec in a paused container'" {
	running_container
	run --separate-stderr rt pause "$ID"
	expect_quiet "pause"
	run --separate-stderr rt exec "$ID" true
	expect_exec_error "exec in a paused container" "cannot exec in a paused container"
	expect_state "$ID" '.status == "paused"'
	expect_freezer "$PID" FROZEN

	# Once resumed, exec works again.
	run --separate-stderr rt resume "$ID"
	expect_quiet "resume"
	run --separate-stderr rt exec "$ID" true
	expect_ok "exec after resume"
	expect_ps "$ID" "$PID"
}

@test "resume of a running container fails (1); pause of a stopped one fails 'container not running'" {
	running_container
	run --separate-stderr rt resume "$ID"
	expect_result "resume of a running container" 1 "" "cinch: resume \"$ID\": the container is not paused"
	expect_state "$ID" '.status == "running"'
	expect_freezer "$PID" THAWED

	run --separate-stderr rt kill "$ID" KILL
	expect_quiet "kill"
	wait_exit "$PID"
	run --separate-stderr rt pause "$ID"
	expect_error "pause of a stopped container" "container not running"
	expect_state "$ID" '.status == "stopped"'
}

@test "delete --force removes a paused container, exec'd processes included" {
	running_container
	exec_detached sleep 100
	run --separate-stderr rt pause "$ID"
	expect_quiet "pause"
	expect_state "$ID" '.status == "paused"'
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete --force of a paused container"
	wait_exit "$PID"
	wait_exit "$EPID"
	expect_gone "$ID"
	expect_cinch_pids
}

@test "update --resources - and FILE: set memory.limit_in_bytes and pids.max" {
	need_controllers memory pids
	running_container
	local res=$BATS_TEST_TMPDIR/resources.json
	echo '{"memory":{"limit":134217728},"pids":{"limit":77}}' >"$res"
	run --separate-stderr rt_stdin "$res" update --resources - "$ID"
	expect_quiet "update --resources - (stdin)"
	expect_cgroup_value memory memory.limit_in_bytes memory.max 134217728
	expect_cgroup_value pids pids.max pids.max 77

	echo '{"memory":{"limit":100663296},"pids":{"limit":66}}' >"$res"
	run --separate-stderr rt update --resources "$res" "$ID"
	expect_quiet "update --resources FILE"
	expect_cgroup_value memory memory.limit_in_bytes memory.max 100663296
	expect_cgroup_value pids pids.max pids.max 66
	expect_workload "$PID"
}

@test "update: a bad file fails (1) naming the file and memory.limit, changing nothing; an unknown id 'does not exist'" {
	need_controllers memory pids
	running_container
	local before_mem before_pids res=$BATS_TEST_TMPDIR/bad-resources.json
	before_mem=$(cgroup_value "$PID" memory memory.limit_in_bytes memory.max) || return 1
	before_pids=$(cgroup_value "$PID" pids pids.max pids.max) || return 1

	echo '{"memory":{"limit":"x"},"pids":{"limit":55}}' >"$res"
	run --separate-stderr rt update --resources "$res" "$ID"
	expect_error "update with memory.limit \"x\"" "$res" "memory.limit"
	expect_cgroup_value memory memory.limit_in_bytes memory.max "$before_mem"
	expect_cgroup_value pids pids.max pids.max "$before_pids"

	echo '{"pids":{"limit":55}}' >"$res"
	run --separate-stderr rt update --resources "$res" "never-$ID"
	expect_error "update of an unknown container" "does not exist"
}
