#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# The command line as a user meets it: exit codes, where output goes, what
# `spec` writes, help, unknown commands, and --log.

load helpers

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

@test "--version exits 0 and prints a version" {
	run --separate-stderr "$CINCH" --version
	[ "$status" -eq 0 ]
	[[ $output =~ [0-9]+\.[0-9]+(\.[0-9]+)? ]] || fail "no version number in: $output"
	[ -z "$stderr" ] || fail "unexpected stderr: $stderr"
}

@test "features prints JSON with ociVersionMin and ociVersionMax, nothing on stderr" {
	run --separate-stderr "$CINCH" features
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || fail "unexpected stderr: $stderr"
	jq -e '(.ociVersionMin | type == "string") and (.ociVersionMax | type == "string")' \
		<<<"$output" >/dev/null || fail "not JSON with ociVersionMin/ociVersionMax:" "$output"
}

@test "spec -b DIR writes a hardened config.json" {
	setup_bundle
	run --separate-stderr "$CINCH" spec -b "$BUNDLE"
	[ "$status" -eq 0 ]
	[ -f "$BUNDLE/config.json" ] || fail "no $BUNDLE/config.json"
	json_assert "$BUNDLE/config.json" '.'
	json_assert "$BUNDLE/config.json" '(.process.user.uid | type == "number") and .process.user.uid != 0'
	# Absent, or present with every set empty.
	json_assert "$BUNDLE/config.json" '[(.process.capabilities // {})[] | length] | all(. == 0)'
	json_assert "$BUNDLE/config.json" '.process.noNewPrivileges == true'
	json_assert "$BUNDLE/config.json" '.root.readonly == true'
}

@test "spec into a dir that has a config.json fails and leaves it unchanged" {
	setup_bundle
	run "$CINCH" spec -b "$BUNDLE"
	[ "$status" -eq 0 ]
	echo '{"ociVersion": "1.0.2", "mine": true}' >"$BUNDLE/config.json"
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/before.json"

	run --separate-stderr "$CINCH" spec -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ $stderr == "cinch: "*config.json* ]] || fail "stderr does not name config.json: $stderr"
	cmp "$BATS_TEST_TMPDIR/before.json" "$BUNDLE/config.json" || fail "config.json was changed"
}

@test "check -b DIR accepts what spec wrote" {
	setup_bundle
	run "$CINCH" spec -b "$BUNDLE"
	[ "$status" -eq 0 ]
	run --separate-stderr "$CINCH" check -b "$BUNDLE"
	[ "$status" -eq 0 ] || fail "check exited $status: $stderr"
	[ -z "$stderr" ] || fail "unexpected stderr: $stderr"
}

@test "spec and check default to the current directory" {
	setup_bundle
	cd "$BUNDLE"
	run "$CINCH" spec
	[ "$status" -eq 0 ]
	[ -f "$BUNDLE/config.json" ] || fail "spec without -b did not write ./config.json"
	run "$CINCH" check
	[ "$status" -eq 0 ] || fail "check exited $status: $output"
}

@test "--help exits 0 and lists the commands" {
	run --separate-stderr "$CINCH" --help
	[ "$status" -eq 0 ]
	local cmd
	for cmd in features spec check; do
		[[ $output == *"$cmd"* ]] || fail "--help does not mention $cmd:" "$output"
	done
}

@test "--help of each command exits 0, names the command, and is in the man page" {
	local cmd man
	man=$(<"$BATS_TEST_DIRNAME/../../doc/cinch.8")
	for cmd in check create delete exec features kill list pause ps resume run spec start state update; do
		run --separate-stderr "$CINCH" "$cmd" --help
		[ "$status" -eq 0 ] || fail "$cmd --help exited $status: $stderr"
		[[ $output == *"$cmd"* ]] || fail "$cmd --help does not mention $cmd:" "$output"
		run --separate-stderr "$CINCH" "$cmd" -h
		[ "$status" -eq 0 ] || fail "$cmd -h exited $status: $stderr"
		[[ $man == *".SS $cmd"* ]] || fail "doc/cinch.8 has no section for $cmd"
		[[ $("$CINCH" --help) == *"  $cmd "* ]] || fail "cinch --help does not list $cmd"
	done
}

@test "an unknown command exits 1 and names it" {
	run --separate-stderr "$CINCH" frobnicate
	[ "$status" -eq 1 ]
	[[ $stderr == "cinch: "*frobnicate* ]] || fail "stderr does not name the command: $stderr"
}

@test "--log FILE --log-format json records the one error that stderr shows" {
	setup_bundle
	local log=$BATS_TEST_TMPDIR/cinch.log
	# An empty bundle: check fails for want of config.json.
	run --separate-stderr "$CINCH" --log "$log" --log-format json check -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[ -f "$log" ] || fail "no log file written"

	local lines
	lines=$(wc -l <"$log")
	[ "$lines" -eq 1 ] || fail "expected exactly one log line, got $lines:" "$(cat -- "$log")"
	jq -e '(keys == ["level", "msg", "time"]) and .level == "error"
		and (.msg | type == "string") and (.time | type == "string")' \
		"$log" >/dev/null || fail "not {level:error, msg, time}:" "$(cat -- "$log")"

	local msg time
	msg=$(jq -r .msg "$log")
	time=$(jq -r .time "$log")
	[ "$stderr" = "cinch: $msg" ] || fail "stderr: $stderr" "log msg: $msg"
	[[ $time =~ $RFC3339_RE ]] || fail "time is not RFC 3339: $time"
}
