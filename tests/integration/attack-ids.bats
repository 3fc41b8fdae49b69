#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2030,SC2031 # each @test is its own subshell on purpose
# Attack tests, as root, for container ids that would hide a container: a
# name that starts with '.' is hidden from directory listings, and `list`
# used to skip such names, so `create .hidden` made a container that ran
# and held resources while `list` showed nothing.  Such an id is refused
# with a message that names it; each control shows that an ordinary id is
# listed.
#
# Every test uses its own state root and unique ids.  Teardown deletes each
# container with --force, then fails the test if anything is left: a
# process the test saw, a cgroup named after an id, a state dir, a mount
# under the test's dir, or a process of the cinch binary.

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# Container ids are ids-<test>-<bats pid>-<n>.
# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=ids

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
}

teardown() {
	container_teardown
}

# expect_refused_id ID: the last `run` failed as a refusal of ID must: exit
# 1, no stdout, exactly this one line on stderr.
expect_refused_id() {
	local want="cinch: invalid container id \"$1\": it must not start with '.'"
	if ((status != 1)) || [[ -n $output || $stderr != "$want" ]]; then
		fail "id '$1':" \
			"  expected exit 1, no stdout, stderr: $want" \
			"  got      exit $status, stdout '$output', stderr '$stderr'"
		return 1
	fi
}

# expect_nothing_made ID: nothing under $STATE_ROOT but the seccomp cache,
# nothing hidden there either, no pid file, no cgroup named after ID, no
# process rooted in $BUNDLE.
expect_nothing_made() {
	local made
	made=$(state_entries "$STATE_ROOT")
	[[ -z $made ]] || fail "the refused id '$1' left state behind:" "$made" || return 1
	[ ! -e "$PIDFILE" ] || fail "the refused id '$1' wrote its pid file" || return 1
	assert_no_cgroup "$1" || return 1
	local root pid
	root=$(realpath -- "$BUNDLE/rootfs")
	for pid in /proc/[0-9]*; do
		[[ $(readlink "$pid/root" 2>/dev/null) != "$root" ]] ||
			fail "the refused id '$1' left a process: $(proc_describe "${pid#/proc/}")" || return 1
	done
}

@test "ids: '.hidden' and '.x' are refused by create and run with the exact message, leaving nothing" {
	new_container
	# Should a refusal regress, teardown deletes what it made and fails the
	# test on any leftover, as for any other container.
	CONTAINERS+=(.hidden .x)
	local id cmd
	for id in .hidden .x; do
		for cmd in create run; do
			run --separate-stderr rt "$cmd" --bundle "$BUNDLE" --pid-file "$PIDFILE" "$id"
			expect_refused_id "$id" || return 1
			expect_nothing_made "$id" || return 1
		done
		# Nothing to find either: the id is refused before it is looked up.
		run --separate-stderr rt state "$id"
		expect_refused_id "$id" || return 1
	done
	run --separate-stderr rt list -q
	expect_quiet "list -q with no container"

	# Control: the same bundle under an ordinary id is created and listed.
	create_from_bundle
	run --separate-stderr rt list -q
	expect_ok "list -q"
	[[ $output == "$ID" ]] || fail "list -q: expected '$ID', got:" "$output"
}

@test "list: every container create made is listed, ids with '.', '_' and '+' inside included" {
	create_container
	local ids=("$ID")
	# Unique per test like new_container's, with the characters a
	# careless filter might trip on.
	local id
	for id in "ids_$$.a" "ids+$$..b" "ids.$$."; do
		new_container
		CONTAINERS[${#CONTAINERS[@]} - 1]=$id
		ID=$id
		create_from_bundle
		ids+=("$ID")
	done
	start_container
	run --separate-stderr rt list -q
	expect_ok "list -q"
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "${ids[@]}" | sort)" ] ||
		fail "list -q: expected exactly ${ids[*]}, got:" "$output"
	run --separate-stderr rt list -f json
	expect_ok "list -f json"
	[ "$(jq -r '.[].id' <<<"$output" | sort)" = "$(printf '%s\n' "${ids[@]}" | sort)" ] ||
		fail "list -f json: expected exactly ${ids[*]}, got:" "$output"
}

@test "list: a container whose state.json cannot be read is still listed, as unknown, with a warning (--debug)" {
	create_container
	cp -- "$STATE_ROOT/$ID/state.json" "$BATS_TEST_TMPDIR/state.json"
	printf 'not json' >"$STATE_ROOT/$ID/state.json"
	run --separate-stderr rt --debug list -q
	local listed=$output listed_err=$stderr
	run --separate-stderr rt list -f json
	# Put the state back, so that teardown deletes the container whole.
	cp -- "$BATS_TEST_TMPDIR/state.json" "$STATE_ROOT/$ID/state.json"
	[[ $listed == "$ID" ]] || fail "list -q: expected $ID, got: $listed" || return 1
	[[ $listed_err == *"corrupt state file"* ]] || fail "expected a warning naming the state file, got: $listed_err" || return 1
	jq -e --arg id "$ID" '. == [{id: $id, status: "unknown"}]' <<<"$output" >/dev/null || fail "list -f json: $output"
}
