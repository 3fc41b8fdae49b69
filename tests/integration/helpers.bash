# shellcheck shell=bash
# Shared helpers for cinch's integration tests.  Load with `load helpers`.
#
#   CINCH          the binary under test (default: build/cinch of this tree);
#                  scripts/test-all.sh points it at build-asan/cinch too.
#   CINCH_DATA     tests/data of this tree.
#   setup_bundle   makes a fresh, empty bundle dir; sets $BUNDLE.
#   defer CMD...   runs CMD at teardown (last deferred, first run), e.g. to
#                  kill a container or unmount what a test mounted.
#
# Every test gets setup()/teardown() from here.  A file that needs more
# defines its own and calls cinch_setup / cinch_teardown from them.  After
# the deferred commands, teardown asserts that nothing the test made is left
# behind: no mount under the test's temp dir, no process of the binary.

# `run --separate-stderr` and `run -N` need bats 1.5.
bats_require_minimum_version 1.5.0

CINCH=${CINCH:-$BATS_TEST_DIRNAME/../../build/cinch}
# shellcheck disable=SC2034 # used by the test files
CINCH_DATA=$BATS_TEST_DIRNAME/../data
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
		if [[ -n $bin && $(readlink -- "$exe" 2>/dev/null || true) == "$bin" ]]; then
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
assert_no_state() {
	[[ -e $1/$2 || -L $1/$2 ]] || return 0
	local listing
	listing=$(ls -la -- "$1/$2" 2>&1)
	rm -rf -- "${1:?}/$2"
	fail "state dir left behind: $1/$2" "$listing"
}
