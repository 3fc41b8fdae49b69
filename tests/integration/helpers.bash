# shellcheck shell=bash
# Shared helpers for cinch's integration tests.  Load with `load helpers`.
#
#   CINCH          the binary under test (default: build/cinch of this tree);
#                  scripts/test-all.sh points it at build-asan/cinch too.
#   CINCH_DATA     tests/data of this tree.
#   CINCH_CONTRIB  contrib/ of this tree: the client configs that the
#                  client files (containerd, podman, docker) start from.
#   setup_bundle   makes a fresh, empty bundle dir; sets $BUNDLE.
#   defer CMD...   runs CMD at teardown (last deferred, first run), e.g. to
#                  kill a container or unmount what a test mounted.
#
# Every test gets setup()/teardown() from here.  A file that needs more
# defines its own and calls cinch_setup / cinch_teardown from them.  After
# the deferred commands, teardown asserts that nothing the test made is left
# behind: no mount under the test's temp dir, no process of the binary.
#
# Files that run containers use the section "Running containers" at the end
# (container_setup / container_teardown, rt, new_container, expect_*).

# `run --separate-stderr` and `run -N` need bats 1.5.
bats_require_minimum_version 1.5.0

CINCH=${CINCH:-$BATS_TEST_DIRNAME/../../build/cinch}
# The receiving end of --console-socket, and a wrapper under which
# unshare(2) fails (tests/helpers).
RECVTTY=${RECVTTY:-$BATS_TEST_DIRNAME/../../build/tests/helpers/recvtty}
NOUNSHARE=${NOUNSHARE:-$BATS_TEST_DIRNAME/../../build/tests/helpers/nounshare}
# shellcheck disable=SC2034 # used by the test files
CINCH_DATA=$BATS_TEST_DIRNAME/../data
# The default preset with its resources control off: for tests of the
# default policy that are not about limits, so that they run on a host
# whose cgroups lack the memory, pids or cpu controller.
# shellcheck disable=SC2034 # used by the test files
DEFAULT_NO_LIMITS=$CINCH_DATA/policy/default-no-limits.json
# shellcheck disable=SC2034 # used by the test files
CINCH_CONTRIB=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/contrib
export CINCH

CINCH_DEFERRED=()

# fail MSG...: fails the test with a message (bats-assert is not a dependency).
fail() {
	printf '%s\n' "$@" >&2
	return 1
}

cinch_setup() {
	CINCH_DEFERRED=()
	[[ -x $CINCH ]] || fail "CINCH=$CINCH is not an executable; build first (scripts/build.sh)"
}

# setup_bundle: a fresh bundle dir under this test's temp dir, in $BUNDLE.
setup_bundle() {
	# shellcheck disable=SC2034 # used by the test files
	BUNDLE=$(mktemp -d "$BATS_TEST_TMPDIR/bundle.XXXXXX")
}

# defer CMD [ARGS...]: run at teardown, in reverse order of deferral.
defer() {
	local quoted
	printf -v quoted '%q ' "$@"
	CINCH_DEFERRED+=("$quoted")
}

# assert_no_leaks: nothing this test made may outlive it.  What it finds
# is reported, then removed, so that one leak fails one test, not the rest.
assert_no_leaks() {
	local leaks=() mnts=() pids=() mnt pid exe bin
	# Mount points are field 5 of mountinfo.
	while read -r _ _ _ _ mnt _; do
		if [[ $mnt == "$BATS_TEST_TMPDIR"/* ]]; then
			mnts+=("$mnt")
			leaks+=("mount $mnt")
		fi
	done </proc/self/mountinfo
	bin=$(readlink -f -- "$CINCH" 2>/dev/null || true)
	for exe in /proc/[0-9]*/exe; do
		pid=${exe#/proc/}
		pid=${pid%/exe}
		# -ef compares what the link leads to with one stat and no
		# fork (a readlink per process took seconds on a busy 2-vCPU VM).
		if [[ -n $bin && $exe -ef $bin ]]; then
			pids+=("$pid")
			leaks+=("process $pid ($bin)")
		fi
	done
	((${#leaks[@]} == 0)) && return 0
	for pid in "${pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	for mnt in "${mnts[@]}"; do
		umount -l -- "$mnt" 2>/dev/null || true
	done
	fail "left behind by the test:" "${leaks[@]}"
}

cinch_teardown() {
	local i status=0
	for ((i = ${#CINCH_DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${CINCH_DEFERRED[i]}" || status=1
	done
	CINCH_DEFERRED=()
	# Explicit: bats does not stop teardown at the first failing command.
	assert_no_leaks || status=1
	return "$status"
}

setup() {
	cinch_setup
}

teardown() {
	cinch_teardown
}

# json_assert FILE JQ_FILTER: the filter must yield true for the file.
json_assert() {
	jq -e "$2" "$1" >/dev/null ||
		fail "expected $2 to hold in $1:" "$(cat -- "$1")"
}

# host_userns_refusal: prints the setting by which this host refuses a
# process without privilege a user namespace, and fails if it has none.  A
# test that expects a filter to refuse one skips with this as its reason,
# and only then: any other refusal in its control is a failure.
host_userns_refusal() {
	local setting want value
	for setting in user/max_user_namespaces=0 kernel/unprivileged_userns_clone=0 \
		kernel/apparmor_restrict_unprivileged_userns=1; do
		want=${setting#*=}
		value=$(cat "/proc/sys/${setting%=*}" 2>/dev/null) || continue
		if [[ $value == "$want" ]]; then
			echo "this host refuses unprivileged user namespaces (${setting%=*} is $value)"
			return 0
		fi
	done
	return 1
}

# Matches an RFC 3339 date-time, e.g. 2024-05-01T12:34:56.789Z or +02:00.
# shellcheck disable=SC2034 # used by the test files
RFC3339_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$'

# --- Leak checks for tests that run containers -----------------------------
# A process is named by "PID:STARTTIME" (proc_ident), so that a pid the
# kernel has reused is not mistaken for the one a test saw.  A zombie counts
# as gone: it holds nothing but its pid, and reaping it is its parent's job
# (where pid 1 does not reap, orphaned inits stay zombies for good).

# wait_until SECONDS CMD...: runs CMD every 0.05 s until it succeeds; returns
# 1 if it still fails after SECONDS.  Use it instead of a fixed sleep.
wait_until() {
	local limit=$1 i
	shift
	for ((i = 0; i <= limit * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# proc_stat_fields PID: the fields of /proc/PID/stat from field 3 (state)
# on, in the array PROC_STAT; fails if there is no such process.  The comm
# field may hold spaces and parentheses, so the split is after its last ')'.
proc_stat_fields() {
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	read -r -a PROC_STAT <<<"${stat##*) }"
}

# proc_ident PID: prints PID:STARTTIME, or fails if PID is gone.
proc_ident() {
	proc_stat_fields "$1" || return 1
	# Field 22, starttime; PROC_STAT[0] is field 3.
	printf '%s:%s\n' "$1" "${PROC_STAT[19]}"
}

# proc_alive IDENT: the process named by proc_ident runs and is no zombie.
proc_alive() {
	local pid=${1%%:*} start=${1#*:}
	proc_stat_fields "$pid" || return 1
	[[ ${PROC_STAT[0]} != [ZX] && ${PROC_STAT[19]} == "$start" ]]
}

# proc_gone IDENT: the opposite of proc_alive, for wait_until.
proc_gone() {
	! proc_alive "$1"
}

# proc_describe PID: "PID (cmdline)" for messages.
proc_describe() {
	local cmd
	cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || true
	printf '%s (%s)\n' "$1" "${cmd% }"
}

# assert_procs_gone IDENT...: each process is dead within 1 s.  Survivors
# are reported, then killed.
assert_procs_gone() {
	local ident leaks=()
	for ident in "$@"; do
		wait_until 1 proc_gone "$ident" && continue
		leaks+=("process $(proc_describe "${ident%%:*}")")
		kill -KILL "${ident%%:*}" 2>/dev/null || true
	done
	((${#leaks[@]} == 0)) || fail "left behind:" "${leaks[@]}"
}

# assert_pidns_empty NS...: no live process is in any of these pid
# namespaces (each as readlink shows it, e.g. pid:[4026532210]).  Members
# are reported, then killed.
assert_pidns_empty() {
	(($# > 0)) || return 0
	local leaks=() line path ns pid want
	# One stat for all of /proc instead of a readlink per process.
	while read -r line; do
		path=${line%% *}
		ns=${line#* }
		pid=${path#/proc/}
		pid=${pid%%/*}
		for want in "$@"; do
			[[ $ns == "$want" ]] || continue
			proc_stat_fields "$pid" || continue
			[[ ${PROC_STAT[0]} != [ZX] ]] || continue
			leaks+=("process $(proc_describe "$pid") in $ns")
			kill -KILL "$pid" 2>/dev/null || true
		done
	done < <(stat -c '%n %N' /proc/[0-9]*/ns/pid 2>/dev/null |
		sed -nE "s/^([^ ]+) .* -> '(.*)'$/\1 \2/p")
	((${#leaks[@]} == 0)) || fail "left behind:" "${leaks[@]}"
}

# assert_no_cgroup ID: no cgroup directory named after the container id, in
# any hierarchy (cinch puts them at /cinch/<id> of each).  What is found is
# reported, then emptied and removed.
assert_no_cgroup() {
	local id=$1 found=() dir pid
	while IFS= read -r -d '' dir; do
		found+=("$dir")
	done < <(find /sys/fs/cgroup -depth -mindepth 1 -type d -name "*$id*" -print0 2>/dev/null)
	((${#found[@]} == 0)) && return 0
	# -depth: children come before their parents.
	for dir in "${found[@]}"; do
		while read -r pid; do
			kill -KILL "$pid" 2>/dev/null || true
		done 2>/dev/null <"$dir/cgroup.procs"
		wait_until 1 rmdir -- "$dir" 2>/dev/null || true
	done
	fail "cgroup left behind for $id:" "${found[@]}"
}

# assert_no_state ROOT ID: the runtime's state dir ROOT/ID is gone.
# state_entries ROOT: what is under a state root, less what containers
# share and is kept across them on purpose: the seccomp cache (compiled
# filters) and the lock of the remap id pool.
state_entries() {
	find "$1" -mindepth 1 \( -path "$1/@seccomp-cache" -prune -o -path "$1/.idpool.lock" \) -o -print \
		2>/dev/null || true
}

assert_no_state() {
	[[ -e $1/$2 || -L $1/$2 ]] || return 0
	local listing
	listing=$(ls -la -- "$1/$2" 2>&1)
	rm -rf -- "${1:?}/$2"
	fail "state dir left behind: $1/$2" "$listing"
}

# --- Running containers ------------------------------------------------------
# For files that create containers (load rootfs too).  Their setup() and
# teardown() call container_setup and container_teardown.  Each test gets
# its own state root, $STATE_ROOT; `run --separate-stderr rt ARGS` runs the
# runtime against it, and new_container / create_container / start_container
# make containers that teardown deletes and checks for leaks.

# Upper bound for one runtime command, so that a hung runtime fails its test
# rather than the whole run.
RT_TIMEOUT=${RT_TIMEOUT:-20}

# The policy rt passes (--policy): a preset or a file.  Unset, cinch reads
# /etc/cinch/policy.json when the host has one, so every file sets it: the
# tests of the runtime's own behaviour run under runc-compatible (a config
# applied as given, the protections that no policy relaxes still on), and
# policy.bats under the default preset.
RT_POLICY=${RT_POLICY:-}

# container_setup: for a file's setup(); the test needs root.
container_setup() {
	cinch_setup
	if ((EUID != 0)); then
		fail "these tests run containers and need root"
		return 1
	fi
	STATE_ROOT=$BATS_TEST_TMPDIR/state
	HOST_PIDNS=$(readlink /proc/self/ns/pid)
	CONTAINERS=() # ids to delete and check at teardown
	TRACKED=()    # PID:STARTTIME of processes the test saw in a container
	PIDNS=()      # the containers' pid namespaces, when not the host's
}

# container_teardown: for a file's teardown(); deletes each container with
# --force, then fails the test if anything is left: a process the test saw
# or one in a container's pid namespace, a cgroup named after an id, a state
# dir, a mount under the test's dir (bundle included), or a process of the
# cinch binary.
container_teardown() {
	local id status=0
	for id in "${CONTAINERS[@]}"; do
		timeout -k 5 "$RT_TIMEOUT" "$CINCH" --root "$STATE_ROOT" delete --force "$id" \
			</dev/null >/dev/null 2>&1 3>&- || true
	done
	assert_procs_gone "${TRACKED[@]}" || status=1
	assert_pidns_empty "${PIDNS[@]}" || status=1
	for id in "${CONTAINERS[@]}"; do
		assert_no_cgroup "$id" || status=1
		assert_no_state "$STATE_ROOT" "$id" || status=1
	done
	# Deferred commands, then no mount under $BATS_TEST_TMPDIR (so none
	# under a bundle) and no process of the cinch binary.
	cinch_teardown || status=1
	return "$status"
}

# rt ARGS...: `$CINCH --root $STATE_ROOT ARGS`, for bats' `run`.  stdin is
# /dev/null and stdout and stderr go through files that are copied out
# afterwards: with terminal=false a container keeps the runtime's stdio, and
# `run` would wait until the container closed its pipe.  fd 3 is bats' own
# and is closed for the same reason.
rt() {
	rt_stdin /dev/null "$@"
}

# rt_stdin FILE ARGS...: rt with stdin from FILE.
rt_stdin() {
	local in=$1 out rc=0
	shift
	out=$(mktemp "$BATS_TEST_TMPDIR/rt.XXXXXX")
	timeout -k 5 "$RT_TIMEOUT" "$CINCH" --root "$STATE_ROOT" ${RT_POLICY:+--policy "$RT_POLICY"} "$@" \
		<"$in" >"$out" 2>"$out.err" 3>&- || rc=$?
	cat -- "$out.err" >&2
	cat -- "$out"
	((rc != 124)) || echo "(rt: '$*' timed out after ${RT_TIMEOUT}s)" >&2
	return "$rc"
}

# expect_ok WHAT: the last `run` exited 0 with nothing on stderr.
expect_ok() {
	if ((status != 0)); then
		fail "$1: exit $status, expected 0; stderr: $stderr" "stdout: $output"
		return 1
	fi
	if [[ -n $stderr ]]; then
		fail "$1: expected no stderr, got: $stderr"
		return 1
	fi
}

# expect_quiet WHAT: expect_ok, and nothing on stdout either.
expect_quiet() {
	expect_ok "$1" || return 1
	if [[ -n $output ]]; then
		fail "$1: expected no stdout, got: $output"
		return 1
	fi
}

# expect_error WHAT TEXT...: the last `run` exited 1 and printed one line,
# "cinch: ...", holding each TEXT.
expect_error() {
	expect_failure 1 "$@"
}

# expect_failure STATUS WHAT TEXT...: expect_error with exit status STATUS
# (exec exits 255 when it fails itself).
expect_failure() {
	local want=$1 what=$2 text
	shift 2
	if ((status != want)); then
		fail "$what: exit $status, expected $want; stderr: $stderr" "stdout: $output"
		return 1
	fi
	if [[ $stderr != "cinch: "* || $stderr == *$'\n'* ]]; then
		fail "$what: expected one line 'cinch: ...' on stderr, got:" "$stderr"
		return 1
	fi
	for text; do
		if [[ $stderr != *"$text"* ]]; then
			fail "$what: stderr does not contain '$text': $stderr"
			return 1
		fi
	done
}

# new_container [ARGS...]: a fresh bundle in $BUNDLE running ARGS (default
# sleep 100), a unique id in $ID registered for teardown, a pid file path
# in $PIDFILE.  The id starts with $CINCH_ID_PREFIX (one per file).
# shellcheck disable=SC2120 # the test files pass ARGS
new_container() {
	ID=${CINCH_ID_PREFIX:-ct}-$BATS_TEST_NUMBER-$$-${#CONTAINERS[@]}
	CONTAINERS+=("$ID")
	setup_bundle
	make_bundle "$BUNDLE" "$@"
	PIDFILE=$BATS_TEST_TMPDIR/$ID.pid
}

# track_pid PID: teardown checks that PID, and anything in its pid
# namespace if that is not the host's, is gone.
track_pid() {
	local ident ns
	ident=$(proc_ident "$1") || return 0
	TRACKED+=("$ident")
	ns=$(readlink "/proc/$1/ns/pid" 2>/dev/null) || return 0
	[[ $ns == "$HOST_PIDNS" ]] || PIDNS+=("$ns")
}

# create_container: new_container (sleep 100), then a `create` that must
# succeed; init's pid in $PID.
create_container() {
	# shellcheck disable=SC2119 # sleep 100, not this function's args
	new_container
	create_from_bundle
}

# create_from_bundle: `create` of $ID from $BUNDLE as it stands, which must
# succeed quietly; sets PID and tracks it.
create_from_bundle() {
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create $ID" || return 1
	PID=$(<"$PIDFILE")
	track_pid "$PID"
}

# config_identity_userns: a new user namespace for $BUNDLE, with identity
# maps (the test's bundle dir is private to the host's root).
config_identity_userns() {
	config_set "$BUNDLE" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]'
}

# running_container: create_container, then start it; init, running the
# workload (sleep 100), is $PID.
running_container() {
	create_container || return 1
	start_container || return 1
	expect_workload "$PID"
}

# exec_detached ARGS...: `exec --detach --pid-file F ID ARGS` must succeed;
# the process's host pid in $EPID, tracked for teardown.
exec_detached() {
	local pidfile=$BATS_TEST_TMPDIR/exec.$RANDOM.pid
	run --separate-stderr rt exec --detach --pid-file "$pidfile" "$ID" "$@"
	expect_quiet "exec --detach $*" || return 1
	# shellcheck disable=SC2034 # read by the test files
	EPID=$(<"$pidfile")
	track_pid "$EPID"
}

# ct_run [OPTIONS...]: `run` the container in $BUNDLE as $ID in the
# foreground (`cinch run OPTIONS --bundle $BUNDLE $ID`).  A redirection on
# the call (e.g. 7<file) reaches the runtime as an open fd.
# shellcheck disable=SC2120 # most callers pass no OPTIONS
ct_run() {
	run --separate-stderr rt run "$@" --bundle "$BUNDLE" "$ID"
}

# expect_result WHAT STATUS STDOUT STDERR: the last `run` exited STATUS
# with exactly this stdout and stderr.
expect_result() {
	local what=$1 want=$2 out=$3 err=$4
	if ((status != want)) || [[ $output != "$out" || $stderr != "$err" ]]; then
		fail "$what:" \
			"  expected exit $want, stdout '$out', stderr '$err'" \
			"  got      exit $status, stdout '$output', stderr '$stderr'"
		return 1
	fi
}

# start_container: `start $ID`, which must succeed.
start_container() {
	run --separate-stderr rt start "$ID"
	expect_quiet "start $ID"
}

# expect_state ID FILTER [JQ_OPTIONS...]: `state ID` succeeds with a JSON
# object for which FILTER holds; the JSON stays in $output.
expect_state() {
	local id=$1 filter=$2
	shift 2
	run --separate-stderr rt state "$id"
	expect_ok "state $id" || return 1
	if ! jq -e "$@" "$filter" <<<"$output" >/dev/null 2>&1; then
		fail "state $id: expected $filter ($*) to hold for:" "$output"
		return 1
	fi
}

# expect_gone ID: the container no longer exists, for `state` and on disk.
expect_gone() {
	run --separate-stderr rt state "$1"
	expect_error "state of a deleted container" "does not exist" || return 1
	assert_no_state "$STATE_ROOT" "$1" || return 1
	assert_no_cgroup "$1"
}

# cmdline PID: the process's argv joined by spaces.
cmdline() {
	local c
	c=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
	printf '%s\n' "${c% }"
}

# cmdline_is PID TEXT: for wait_until.
cmdline_is() {
	[[ $(cmdline "$1") == "$2" ]]
}

# expect_workload PID: the process execs `sleep 100` soon.  start may return
# a moment before init's execve is done, so this polls.
expect_workload() {
	wait_until 5 cmdline_is "$1" "sleep 100" ||
		fail "pid $1 is not running the workload: cmdline '$(cmdline "$1")'"
}

# expect_alive PID
expect_alive() {
	local ident
	if ! ident=$(proc_ident "$1") || ! proc_alive "$ident"; then
		fail "pid $1 is not running (or is a zombie)"
		return 1
	fi
}

# wait_exit PID: waits up to 10 s for PID to die (or become a zombie).
wait_exit() {
	local ident
	ident=$(proc_ident "$1") || return 0
	wait_until 10 proc_gone "$ident" || fail "pid $1 still running after 10 s: $(cmdline "$1")"
}

# cinch_pids: pids of processes that run the cinch binary.
cinch_pids() {
	local bin exe pid
	bin=$(readlink -f -- "$CINCH")
	for exe in /proc/[0-9]*/exe; do
		[[ $exe -ef $bin ]] || continue
		pid=${exe#/proc/}
		echo "${pid%/exe}"
	done
}

# expect_cinch_pids [PID...]: no process other than these runs the cinch
# binary, i.e. the runtime left no helper process behind.  (Whether init
# itself shows as the cinch binary before exec is its own business.)
expect_cinch_pids() {
	local pid extra=()
	for pid in $(cinch_pids); do
		[[ " $* " == *" $pid "* ]] || extra+=("$(proc_describe "$pid")")
	done
	((${#extra[@]} == 0)) ||
		fail "processes of the cinch binary besides '$*':" "${extra[@]}"
}

# --- cgroups, on the layout the host has ----------------------------------
# v1 (a hierarchy per controller under /sys/fs/cgroup), hybrid (v1 plus a
# v2 hierarchy at /sys/fs/cgroup/unified) or v2 (cgroup2 on /sys/fs/cgroup
# itself).  A test that reads a cgroup file finds it through these and
# asserts the v2 file on a v2 host.

# cgroup_is_v2: /sys/fs/cgroup is one cgroup2 hierarchy.
cgroup_is_v2() {
	[[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]
}

# cgroup_has_controller NAME: the host offers the controller where cinch
# puts limits: on v2 in /sys/fs/cgroup/cgroup.controllers, else a mounted
# v1 hierarchy with it.
cgroup_has_controller() {
	if cgroup_is_v2; then
		[[ " $(</sys/fs/cgroup/cgroup.controllers) " == *" $1 "* ]]
	else
		awk -v c="$1" '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "cgroup" && $(i+3) ~ "(^|,)" c "(,|$)") f = 1 }
			END { exit !f }' /proc/self/mountinfo
	fi
}

# need_controllers NAME...: skips the test, naming what is missing, when
# the host lacks one of these controllers.
need_controllers() {
	local c missing=()
	for c; do
		cgroup_has_controller "$c" || missing+=("$c")
	done
	((${#missing[@]} == 0)) ||
		skip "needs the ${missing[*]} controller(s), which this host's /sys/fs/cgroup lacks"
}

# client_skip_reason WHY: for the client files (containerd, docker,
# podman), whose daemon is set up once per file and whose tests run under
# the default policy, which adds memory, pids and cpu limits: prints the
# reason every test of the file skips for, where the host lacks one of
# those controllers, and fails where it has them all.  WHY says what else
# of the client asks for them.
client_skip_reason() {
	local c missing=()
	for c in memory pids cpu; do
		cgroup_has_controller "$c" || missing+=("$c")
	done
	((${#missing[@]} > 0)) || return 1
	echo "needs the ${missing[*]} controller(s), which this host's /sys/fs/cgroup lacks: $1"
}

# cgroup_dir CONTROLLER PID: the host path of PID's cgroup that holds
# CONTROLLER's files, from /proc/PID/cgroup: the v1 hierarchy with the
# controller ("4:memory:/x" -> /sys/fs/cgroup/memory/x), or on v2 the one
# cgroup ("0::/x" -> /sys/fs/cgroup/x).  Fails if there is none.
cgroup_dir() {
	local want=$1 pid=$2 line rest ctrls path
	if cgroup_is_v2; then
		path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup") || return 1
		[[ -n $path && -d /sys/fs/cgroup$path ]] || return 1
		printf '%s
' "/sys/fs/cgroup${path%/}"
		return 0
	fi
	while IFS= read -r line; do
		rest=${line#*:}
		ctrls=${rest%%:*}
		path=${rest#*:}
		[[ ,$ctrls, == *",$want,"* && -d /sys/fs/cgroup/$ctrls$path ]] || continue
		printf '%s
' "/sys/fs/cgroup/$ctrls${path%/}"
		return 0
	done <"/proc/$pid/cgroup"
	return 1
}

# cgroup_value PID CONTROLLER V1_FILE V2_FILE: the content of the file that
# holds a limit for PID's cgroup, the v2 name on a v2 host.
cgroup_value() {
	local dir
	dir=$(cgroup_dir "$2" "$1") || {
		fail "no $2 cgroup for pid $1: $(cat "/proc/$1/cgroup" 2>&1)"
		return 1
	}
	if cgroup_is_v2; then
		cat -- "$dir/$4"
	else
		cat -- "$dir/$3"
	fi
}

# cgroup_freezer_state PID: FROZEN or THAWED, what the kernel says of
# PID's cgroup: the v1 freezer's freezer.state, or on a v2 host "frozen"
# in cgroup.events.  Fails if there is no freezer.
cgroup_freezer_state() {
	local dir
	if cgroup_is_v2; then
		dir=$(cgroup_dir "" "$1") || return 1
		case $(sed -n 's/^frozen //p' "$dir/cgroup.events") in
		1) echo FROZEN ;;
		0) echo THAWED ;;
		*) return 1 ;;
		esac
	else
		dir=$(cgroup_dir freezer "$1") || return 1
		cat -- "$dir/freezer.state"
	fi
}

# expect_freezer PID STATE: PID's cgroup is FROZEN or THAWED.
expect_freezer() {
	local got
	got=$(cgroup_freezer_state "$1") || {
		fail "no freezer for pid $1: $(cat "/proc/$1/cgroup" 2>&1)"
		return 1
	}
	[[ $got == "$2" ]] || fail "pid $1's cgroup is $got, expected $2"
}

# cgroup_dirs: the cgroup directories where cinch makes its own (under a
# "cinch" dir, or named cinch-*), to compare before and after.
cgroup_dirs() {
	find /sys/fs/cgroup -mindepth 1 -type d -path '*/cinch*' 2>/dev/null | sort
}

# expect_cgroups_unchanged BEFORE: no cgroup dir appeared or vanished.
expect_cgroups_unchanged() {
	local after
	after=$(cgroup_dirs)
	[[ $after == "$1" ]] ||
		fail "cgroup directories changed:" "$(diff <(echo "$1") <(echo "$after"))"
}

# kill_quietly PID...: for `defer`; the process may be gone already.
kill_quietly() {
	kill -KILL "$@" 2>/dev/null || true
}
