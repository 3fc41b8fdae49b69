#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted jq filters are jq's
# OCI hooks (config.md "POSIX-platform Hooks", runtime.md Lifecycle): each of
# the six kinds runs at its point with the state JSON on stdin; a failing
# create-time hook fails create and leaves nothing; a hook past its timeout
# is killed; poststart and poststop failures are only warnings.

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# shellcheck disable=SC2034 # read by new_container in helpers.bash
CINCH_ID_PREFIX=hk

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
	LOG=$BATS_TEST_TMPDIR/hooks.log
	HOOK=$BATS_TEST_TMPDIR/hook.sh
	# Records its kind and the id and status it read from stdin.
	cat >"$HOOK" <<-EOS
		#!/bin/sh
		state=\$(cat)
		id=\$(printf '%s' "\$state" | jq -r .id)
		st=\$(printf '%s' "\$state" | jq -r .status)
		echo "\$1 \$id \$st" >>"$LOG"
		exit \${2:-0}
	EOS
	chmod +x "$HOOK"
}

teardown() {
	container_teardown
}

# hook_entry KIND [EXIT]: one hook object calling $HOOK.
hook_entry() {
	jq -nc --arg p "$HOOK" --arg k "$1" --arg e "${2:-0}" '{path: $p, args: ["hook.sh", $k, $e]}'
}

@test "hooks: all six kinds run in lifecycle order with the container's state on stdin" {
	new_container true
	# createContainer runs in the container's mount namespace before
	# pivot_root, so the host path still resolves; startContainer resolves in
	# the container, where the hook script is not: give it /bin/true.
	config_set "$BUNDLE" '.hooks = {
		prestart: [$h.prestart], createRuntime: [$h.createRuntime],
		createContainer: [$h.createContainer],
		startContainer: [{path: "/bin/true"}],
		poststart: [$h.poststart], poststop: [$h.poststop]}' \
		--argjson h "$(jq -n --argjson a "$(hook_entry prestart)" --argjson b "$(hook_entry createRuntime)" \
			--argjson c "$(hook_entry createContainer)" --argjson d "$(hook_entry poststart)" \
			--argjson e "$(hook_entry poststop)" \
			'{prestart: $a, createRuntime: $b, createContainer: $c, poststart: $d, poststop: $e}')"
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
	expect_quiet "create"
	[[ $(cat "$LOG") == "prestart $ID created
createRuntime $ID created
createContainer $ID created" ]] || fail "after create:" "$(cat "$LOG")"
	run --separate-stderr rt start "$ID"
	expect_quiet "start"
	[[ $(tail -n 1 "$LOG") == "poststart $ID running" ]] || fail "after start:" "$(cat "$LOG")"
	wait_until 10 sh -c "'$CINCH' --root '$STATE_ROOT' state '$ID' | grep -q '\"stopped\"'" ||
		fail "the workload (true) did not stop"
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete"
	[[ $(tail -n 1 "$LOG") == "poststop $ID stopped" ]] || fail "after delete:" "$(cat "$LOG")"
}

@test "hooks: a failing prestart hook fails create, names the hook, and leaves nothing" {
	new_container
	config_set "$BUNDLE" '.hooks = {prestart: [$h]}' --argjson h "$(hook_entry prestart 3)"
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
	expect_error "create" "hooks.prestart[0] $HOOK: exited with status 3"
	expect_gone "$ID"
}

@test "hooks: a hook past its timeout is killed and create fails" {
	new_container
	config_set "$BUNDLE" '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]}'
	run --separate-stderr rt create --bundle "$BUNDLE" "$ID"
	expect_error "create" "hooks.createRuntime[0] /bin/sleep: timed out after 1 s"
	expect_gone "$ID"
}

@test "hooks: poststart and poststop failures are warnings; the container runs and is deleted" {
	new_container
	config_set "$BUNDLE" '.hooks = {poststart: [$a], poststop: [$b]}' \
		--argjson a "$(hook_entry poststart 1)" --argjson b "$(hook_entry poststop 1)"
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create"
	track_pid "$(<"$PIDFILE")"
	run --separate-stderr rt start "$ID"
	expect_quiet "start"
	expect_state "$ID" '.status == "running"'
	run --separate-stderr rt delete --force "$ID"
	expect_quiet "delete"
	expect_gone "$ID"
	grep -q "^poststart $ID" "$LOG" && grep -q "^poststop $ID" "$LOG" || fail "hooks did not run:" "$(cat "$LOG")"
}
