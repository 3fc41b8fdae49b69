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
