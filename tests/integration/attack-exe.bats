#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status, $output and $stderr are set by bats' run
# shellcheck disable=SC2016 # the $names in single-quoted sh text are the container's
# Attack tests, as root: the host's cinch binary is out of the container's
# reach (CVE-2019-5736 class, issue 15 item 1).  A process cinch starts in a
# container runs the runtime's code until it execs; a workload that is
# "#!/proc/self/exe" would have the kernel run /proc/self/exe, the host's
# binary, inside the container, where the container's own processes could
# open it through /proc/PID/exe and write to it once it exited.  cinch execs
# every workload through a sealed memfd stub instead (exestub.h).
#
# The binary under attack is a copy of $CINCH in the test's dir, so that a
# test that fails overwrites nothing that other tests use.

load helpers
load rootfs

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# shellcheck disable=SC2034 # read by new_container (helpers.bash)
CINCH_ID_PREFIX=exe

setup_file() {
	rootfs_prepare
}

setup() {
	container_setup
	COPY=$BATS_TEST_TMPDIR/bin/cinch
	mkdir -p -- "${COPY%/*}"
	cp -- "$CINCH" "$COPY"
	SUM=$(sha256sum <"$COPY")
}

teardown() {
	container_teardown
}

# evil_script PATH: a script in the rootfs whose interpreter is
# /proc/self/exe, with a --log to a FIFO so that the runtime's binary, if it
# ran, would block there until the watcher lets it go.
evil_script() {
	printf '#!/proc/self/exe --log=/tmp/fifo\n' >"$BUNDLE/rootfs$1"
	chmod 0755 -- "$BUNDLE/rootfs$1"
}

# copy_rt ARGS...: rt (helpers.bash) with the copy of the runtime.
copy_rt() {
	CINCH=$COPY rt "$@"
}

expect_copy_intact() {
	[[ $(sha256sum <"$COPY") == "$SUM" ]] || fail "the runtime's binary was modified from the container"
}

@test "exe: a workload whose interpreter is /proc/self/exe never runs the host's binary, under run and under create/start" {
	new_container /evil
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}'
	evil_script /evil
	run -127 --separate-stderr copy_rt run --bundle "$BUNDLE" "$ID"
	expect_result "run /evil" 127 "" "cinch: exec failed" || return 1

	# The image's own /bin/sh is the script, and the workload is sh.
	new_container /bin/sh
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}'
	rm -- "$BUNDLE/rootfs/bin/sh"
	evil_script /bin/sh
	run --separate-stderr copy_rt create --bundle "$BUNDLE" --pid-file "$PIDFILE" "$ID"
	expect_quiet "create" || return 1
	track_pid "$(<"$PIDFILE")"
	local init=$(<"$PIDFILE")
	run --separate-stderr copy_rt start "$ID"
	expect_quiet "start" || return 1
	wait_until 10 proc_gone "$(proc_ident "$init" || echo "$init:0")" || fail "init did not exit"
	expect_copy_intact
}

@test "exe: a root container watching for new pids cannot open, or write, the binary of an exec'd process" {
	# The container's init watches /proc for a process whose exe it can
	# open and that is not busybox; it holds that fd, releases the FIFO,
	# waits for the process to exit and writes through the fd, again and
	# again until no process runs the file any more.
	mkdir -p -- "$BATS_TEST_TMPDIR/out"
	new_container sh -c '
		mkfifo /tmp/fifo && touch /out/ready || exit 1
		while [ ! -e /out/done ]; do
			for p in /proc/[0-9]*; do
				pid=${p#/proc/}
				case $pid in 1 | $$) continue ;; esac
				exe=$(readlink "$p/exe" 2>/dev/null) || continue
				[ "$exe" = /bin/busybox ] && continue
				(exec 3<"$p/exe") 2>/dev/null || continue
				exec 3<"$p/exe"
				echo "opened $exe" >/out/result
				cat /tmp/fifo >/dev/null &
				while [ -e "$p" ]; do :; done
				# ETXTBSY until the last process running it exits.
				i=0
				while [ $i -lt 100000 ]; do
					if echo pwned 2>/dev/null >>/proc/self/fd/3; then
						echo wrote >>/out/result
						break
					fi
					i=$((i + 1))
				done
				exit 0
			done
		done
		echo "nothing opened" >/out/result'
	config_set "$BUNDLE" '.process.user = {uid: 0, gid: 0}
		| .mounts += [{destination: "/out", type: "bind", source: $o, options: ["bind"]}]' \
		--arg o "$BATS_TEST_TMPDIR/out"
	evil_script /evil
	create_from_bundle || return 1
	start_container || return 1
	wait_until 10 test -e "$BATS_TEST_TMPDIR/out/ready" || fail "the watcher did not start"

	# Not bats' run: the watcher's result comes first, then the status.
	local rc=0 out=$BATS_TEST_TMPDIR/exec
	copy_rt exec "$ID" /evil >"$out.out" 2>"$out.err" || rc=$?
	touch -- "$BATS_TEST_TMPDIR/out/done"
	wait_until 10 test -s "$BATS_TEST_TMPDIR/out/result" || fail "the watcher wrote no result"
	local result
	result=$(<"$BATS_TEST_TMPDIR/out/result")
	expect_copy_intact || fail "watcher: $result" || return 1
	[[ $result == "nothing opened" ]] || fail "the container opened a process's binary: $result" || return 1
	status=$rc output=$(<"$out.out") stderr=$(<"$out.err")
	expect_result "exec /evil" 127 "" "cinch: exec failed"
}

@test "exe: the stub execs a workload with its argv and environment intact, and refuses to be an interpreter" {
	new_container sh -c 'echo "$0|$1|$2|$FOO"' zero 'one two' three
	config_set "$BUNDLE" '.process.env += ["FOO=bar baz"]'
	run --separate-stderr copy_rt run --bundle "$BUNDLE" "$ID"
	expect_result "run" 0 "zero|one two|three|bar baz" ""
}

@test "exe: a seccomp filter that denies execveat stops the container at its exec, naming the filter, and leaves nothing" {
	new_container true
	config_set "$BUNDLE" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["execveat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	run -127 --separate-stderr rt run --bundle "$BUNDLE" "$ID"
	expect_result "run" 127 "" 'cinch: exec: "true": execveat(2) of the exec stub failed; a linux.seccomp filter that denies execveat cannot run with cinch: Operation not permitted' || return 1
	expect_gone "$ID"
}
