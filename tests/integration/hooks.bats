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
	# Records its kind, the id and status it read from stdin, and the mount
	# namespace it ran in.
	cat >"$HOOK" <<-EOS
		#!/bin/sh
		state=\$(cat)
		id=\$(printf '%s' "\$state" | jq -r .id)
		st=\$(printf '%s' "\$state" | jq -r .status)
		echo "\$1 \$id \$st \$(readlink /proc/self/ns/mnt)" >>"$LOG"
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

# in_container_hook: /hook.sh in the rootfs, for startContainer, which
# resolves its path in the container: it records its kind, the id and
# status it read, and its mount namespace in /log (a bind of LOG's dir).
in_container_hook() {
	cat >"$BUNDLE/rootfs/hook.sh" <<-'EOS'
		#!/bin/sh
		state=$(cat)
		id=$(echo "$state" | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
		st=$(echo "$state" | sed -n 's/.*"status": *"\([^"]*\)".*/\1/p')
		echo "$1 $id $st $(readlink /proc/self/ns/mnt)" >>/log/hooks.log
	EOS
	chmod 0755 "$BUNDLE/rootfs/hook.sh"
	# It runs as the container's user (65534) and appends to the log
	# the host's hooks write too.
	chmod 0755 "$BATS_TEST_TMPDIR"
	touch "$LOG" && chmod 0666 "$LOG"
	config_set "$BUNDLE" '.mounts += [{destination: "/log", type: "bind", source: $d, options: ["rbind", "rw"]}]' \
		--arg d "$BATS_TEST_TMPDIR"
}

# Catches: a kind of hook skipped, run at the wrong point or with the wrong
# state; createContainer run outside the container's mount namespace (or
# prestart and createRuntime inside it); startContainer not run.
@test "hooks: all six kinds run in lifecycle order with the container's state on stdin, each in its namespace" {
	new_container true
	in_container_hook
	config_set "$BUNDLE" '.hooks = {
		prestart: [$h.prestart], createRuntime: [$h.createRuntime],
		createContainer: [$h.createContainer],
		startContainer: [{path: "/hook.sh", args: ["hook.sh", "startContainer"]}],
		poststart: [$h.poststart], poststop: [$h.poststop]}' \
		--argjson h "$(jq -n --argjson a "$(hook_entry prestart)" --argjson b "$(hook_entry createRuntime)" \
			--argjson c "$(hook_entry createContainer)" --argjson d "$(hook_entry poststart)" \
			--argjson e "$(hook_entry poststop)" \
			'{prestart: $a, createRuntime: $b, createContainer: $c, poststart: $d, poststop: $e}')"
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create" || return 1
	PID=$(<"$PIDFILE")
	track_pid "$PID"
	local host_mnt ct_mnt
	host_mnt=$(readlink /proc/self/ns/mnt)
	ct_mnt=$(readlink "/proc/$PID/ns/mnt")
	[[ $host_mnt != "$ct_mnt" ]] || fail "init is in the host's mount namespace" || return 1
	# createRuntime and prestart in the runtime's namespace, createContainer
	# in the container's (before pivot_root: the host path still resolves).
	[[ $(cat "$LOG") == "prestart $ID created $host_mnt
createRuntime $ID created $host_mnt
createContainer $ID created $ct_mnt" ]] || fail "after create:" "$(cat "$LOG")" || return 1
	run --separate-stderr rt start "$ID"
	expect_quiet "start" || return 1
	# startContainer in the container, before the workload; poststart after.
	[[ $(sed -n 4,5p "$LOG") == "startContainer $ID created $ct_mnt
poststart $ID running $host_mnt" ]] || fail "after start:" "$(cat "$LOG")" || return 1
	wait_exit "$PID" || return 1
	run --separate-stderr rt delete "$ID"
	expect_quiet "delete" || return 1
	[[ $(sed -n '6,$p' "$LOG") == "poststop $ID stopped $host_mnt" ]] || fail "after delete:" "$(cat "$LOG")"
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

# Catches: a failing poststart or poststop hook failing the command, its
# failure not reported (the warning dropped), or the hooks after it
# skipped (runtime-tools' poststart_fail and poststop_fail: the remaining
# hooks run, cinch_hooks_run_all).
@test "hooks: poststart and poststop failures are warnings in the log, naming the hook; the next hook runs; the container runs and is deleted" {
	new_container
	config_set "$BUNDLE" '.hooks = {poststart: [$a, $c], poststop: [$b, $d]}' \
		--argjson a "$(hook_entry poststart 1)" --argjson b "$(hook_entry poststop 1)" \
		--argjson c "$(hook_entry poststart-next)" --argjson d "$(hook_entry poststop-next)"
	local log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create" || return 1
	track_pid "$(<"$PIDFILE")"
	run --separate-stderr rt --log "$log" --log-format json start "$ID"
	expect_quiet "start" || return 1
	expect_state "$ID" '.status == "running"' || return 1
	run --separate-stderr rt --log "$log" --log-format json delete --force "$ID"
	expect_quiet "delete" || return 1
	expect_gone "$ID" || return 1
	grep -q "^poststart $ID" "$LOG" && grep -q "^poststop $ID" "$LOG" || fail "hooks did not run:" "$(cat "$LOG")" || return 1
	grep -q "^poststart-next $ID" "$LOG" && grep -q "^poststop-next $ID" "$LOG" ||
		fail "the hook after a failed one did not run:" "$(cat "$LOG")" || return 1
	run jq -r 'select(.level == "warning") | .msg' "$log"
	[[ $output == "hooks.poststart[0] $HOOK: exited with status 1
hooks.poststop[0] $HOOK: exited with status 1" ]] || fail "warnings in the log:" "$(cat -- "$log")"
}

# Catches: a hook with no env of its own run with an empty environment
# (runc's and crun's get the runtime's: a PATH, say); one with env gets
# exactly that.
@test "hooks: a hook without env gets the runtime's environment; one with env gets only its own" {
	new_container
	local out=$BATS_TEST_TMPDIR/env.out
	config_set "$BUNDLE" '.hooks = {createRuntime: [
		{path: "/bin/sh", args: ["sh", "-c", ("echo inherited=$CINCH_HOOK_PROBE >>" + $o)]},
		{path: "/bin/sh", args: ["sh", "-c", ("echo own=$CINCH_HOOK_PROBE:$MINE >>" + $o)], env: ["MINE=m"]}]}' \
		--arg o "$out"
	CINCH_HOOK_PROBE=from-runtime run --separate-stderr rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create" || return 1
	track_pid "$(<"$PIDFILE")"
	[[ $(cat "$out") == $'inherited=from-runtime\nown=:m' ]] || fail "the hooks saw:" "$(cat "$out")"
}
