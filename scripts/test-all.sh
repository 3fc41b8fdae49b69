#!/usr/bin/env bash
# Runs the whole test suite and prints, as its last line, exactly
#   N passed, N failed, N skipped
# (CI reads the first two counts).  Exit status is 0 iff nothing failed.
#
# Stages:
#   build            scripts/build.sh --asan (counted only if it fails)
#   unit, unit-asan  `make -k check` in build/ and build-asan/; counted per
#                    Check assertion from each tests/unit/*.log summary
#   bats, bats-asan  bats --tap over tests/integration against build/cinch
#                    (every file) and build-asan/cinch (all but the files
#                    driven through a real client, see client_files), one
#                    file at a time, each under a time limit (see
#                    bats_file); counted per TAP line
#   fuzz             tests/fuzz/run-smoke.sh, counted as one test
#   bench-smoke      bench/run.sh --quick, counted as one test
#
# Whatever cannot report its own results counts as one failure, never as a
# pass: a unit program that did not build, crashed before Check's summary,
# ran no checks, or exited non-zero after a clean summary (a leak report); a
# TAP stream with no plan; a planned test with no result; a test or a file
# past its time limit (named).  Skipped bats tests count neither way: they
# are counted on the stage lines and the last line, and listed with their
# reasons just before it.
#
# Logs go to build/test-all/ (override with TEST_ALL_LOGDIR).
set -euo pipefail

total_passed=0
total_failed=0
total_skipped=0
skip_list=() # "stage: ok N name # skip reason", for the summary
stage_passed=0
stage_failed=0
stage_skipped=0

# stage_begin NAME: resets the per-stage counters.
stage_begin() {
	stage_passed=0
	stage_failed=0
	stage_skipped=0
	echo "== $1"
}

# stage_end NAME: prints the stage's counts and adds them to the totals.
stage_end() {
	local extra=""
	if ((stage_skipped > 0)); then
		extra=", $stage_skipped skipped"
	fi
	echo "$1: $stage_passed passed, $stage_failed failed$extra"
	total_passed=$((total_passed + stage_passed))
	total_failed=$((total_failed + stage_failed))
	total_skipped=$((total_skipped + stage_skipped))
}

# fail_one WHY: counts one failure that no test framework reported.
fail_one() {
	echo "  FAIL $*"
	stage_failed=$((stage_failed + 1))
}

# show_tail FILE [LINES]: indents the end of a log so it reads as detail.
show_tail() {
	tail -n "${2:-30}" -- "$1" | sed 's/^/    | /'
}

# count_unit_log LOG: adds one Check binary's results to the stage counts.
# Check prints `NN%: Checks: N, Failures: F, Errors: E` once per srunner;
# every such line in the log is summed.  The automake .trs next to the log
# tells whether the process itself failed (e.g. a leak report at exit after
# a clean summary).
count_unit_log() {
	local log=$1
	local trs=${log%.log}.trs
	local name=${log%.log}
	local n=0 f=0 e=0 lines=0 cn cf ce

	if [[ ! -f $log ]]; then
		fail_one "$name: no log (did not build or did not run)"
		return
	fi
	while read -r cn cf ce; do
		n=$((n + cn))
		f=$((f + cf))
		e=$((e + ce))
		lines=$((lines + 1))
	done < <(sed -nE 's/.*[0-9]+%: Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/p' "$log")

	if ((lines == 0)); then
		fail_one "$name: no Check summary (crashed?); end of $log:"
		show_tail "$log" 20
		return
	fi
	if ((n == 0)); then
		fail_one "$name: ran no checks"
		return
	fi
	stage_passed=$((stage_passed + n - f - e))
	stage_failed=$((stage_failed + f + e))
	if ((f + e > 0)); then
		echo "  FAIL $name: $((f + e)) of $n checks failed"
		# Check's failure lines: file:line:F|E:tcase:test:iteration: message
		grep -E '^[^:]+:[0-9]+:[FE]:' "$log" | head -n 40 | sed 's/^/    | /' || true
	elif [[ -f $trs ]] && grep -qE '^:test-result: (FAIL|ERROR)' "$trs"; then
		fail_one "$name: all $n checks passed but the process failed; end of $log:"
		show_tail "$log" 30
	fi
}

# unit_logs DIR: the test logs automake's harness writes, one per line,
# relative to DIR, read from the generated Makefile's TEST_LOGS.  The tag
# keeps out anything else make may print (config.status, if Makefile is stale).
unit_logs() {
	make -s --no-print-directory -C "$1" -f Makefile -f - test-all-print-logs <<'MAKE' | sed -n 's/^test-all-log: //p'
test-all-print-logs:
	@for l in $(TEST_LOGS); do echo "test-all-log: $$l"; done
MAKE
}

# unit_stage NAME DIR
unit_stage() {
	local name=$1 dir=$2
	local log=$logdir/$name.log rc=0 logs=() missing=() l

	stage_begin "$name"
	if [[ ! -f $dir/Makefile ]]; then
		fail_one "$dir is not configured"
		stage_end "$name"
		return
	fi
	mapfile -t logs < <(unit_logs "$dir")
	if ((${#logs[@]} == 0)); then
		fail_one "could not list the unit tests of $dir (TEST_LOGS is empty)"
		stage_end "$name"
		return
	fi
	# A stale log from an earlier run must not count for a binary that
	# no longer builds.
	for l in "${logs[@]}"; do
		rm -f -- "$dir/$l" "$dir/${l%.log}.trs"
	done
	CK_VERBOSITY=normal make -C "$dir" -k -j"$(nproc)" check >"$log" 2>&1 || rc=$?

	# `make check` runs no test at all when one test program fails to
	# build; ask for the missing logs one by one so that the others still
	# run and only the broken program counts as failed.
	missing=()
	for l in "${logs[@]}"; do
		[[ -f $dir/$l ]] || missing+=("$l")
	done
	if ((${#missing[@]} > 0)); then
		CK_VERBOSITY=normal make -C "$dir" -k -j"$(nproc)" "${missing[@]}" >>"$log" 2>&1 || true
	fi

	for l in "${logs[@]}"; do
		count_unit_log "$dir/$l"
	done
	if ((${#missing[@]} > 0)) && grep -qE 'error:|Error [0-9]+' "$log"; then
		echo "  first build errors in $log:"
		grep -E 'error:|Error [0-9]+' "$log" | head -n 20 | sed 's/^/    | /'
	fi
	if ((rc != 0 && stage_failed == 0)); then
		fail_one "make check in $dir exited $rc with no failing test; end of $log:"
		show_tail "$log" 30
	fi
	stage_end "$name"
}

# count_tap LOG RC FILE STAGE: adds one bats file's TAP stream to the stage
# counts.  RC 124 or 137 is `timeout`'s: the file ran past its limit, and
# the test it was in (the first with no result) is named.
count_tap() {
	local log=$1 rc=$2 file=$3 stage=$4
	local plan ok notok skipped seen line

	plan=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$log" | head -n 1)
	ok=$(grep -cE '^ok [0-9]+' "$log" || true)
	notok=$(grep -cE '^not ok [0-9]+' "$log" || true)
	skipped=$(grep -cE '^ok [0-9]+ .*# [Ss][Kk][Ii][Pp]' "$log" || true)
	while IFS= read -r line; do
		skip_list+=("$stage: ${file##*/}: $line")
	done < <(grep -E '^ok [0-9]+ .*# [Ss][Kk][Ii][Pp]' "$log" || true)

	stage_passed=$((stage_passed + ok - skipped))
	stage_skipped=$((stage_skipped + skipped))
	stage_failed=$((stage_failed + notok))
	seen=$((ok + notok))
	if ((rc == 124 || rc == 137)); then
		fail_one "${file##*/}: ran past its ${BATS_FILE_TIMEOUT}s limit in test $((seen + 1)), '$(test_name "$file" $((seen + 1)))'"
	elif [[ -z $plan ]]; then
		fail_one "${file##*/}: no TAP plan (bats exited $rc)"
	elif ((seen < plan)); then
		fail_one "${file##*/}: $((plan - seen)) of $plan planned tests reported no result"
	elif ((rc != 0 && notok == 0)); then
		fail_one "${file##*/}: bats exited $rc with no failing test"
	fi
}

# test_name FILE N: the name of the Nth @test of FILE (bats runs them in
# file order), for naming the test a file hung in.
test_name() {
	grep -E '^@test ' -- "$1" | sed -n "$2{s/^@test [\"']//;s/[\"'] *{.*//;p}"
}

# The files whose tests go through a real client (containerd's shim,
# podman and conmon, dockerd): they drive the same CLI the other files
# drive directly, and each of their steps waits on the client, so under
# ASan they would add minutes and find nothing new.  The ASan stage runs
# every other file; these run in the plain stage.
client_files=(containerd.bats docker.bats podman.bats)

# bats_files WHICH: the integration files, all or all but the client ones.
bats_files() {
	local f base
	for f in tests/integration/*.bats; do
		base=${f##*/}
		if [[ $1 == direct && " ${client_files[*]} " == *" $base "* ]]; then
			continue
		fi
		printf '%s\n' "$f"
	done
}

# Time limits.  A test gets BATS_TEST_TIMEOUT seconds (bats fails it by
# name: "not ok N name # timeout after Ns"); a file, setup_file and
# teardowns included, gets BATS_FILE_TIMEOUT, past which `timeout` kills
# bats and its process group and count_tap names the test it was in.  Both
# are far above what a test needs on a busy 2-vCPU host: they exist so that
# a hang is a failure with a name, not a stalled CI.
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-300}
BATS_FILE_TIMEOUT=${BATS_FILE_TIMEOUT:-1200}

# bats_file STAGE BINARY FILE: runs one file under its limits, shows its TAP
# stream and counts it.
bats_file() {
	local stage=$1 bin=$2 file=$3 rc=0
	local log=$logdir/$stage/${file##*/}.tap

	BATS_TEST_TIMEOUT=$BATS_TEST_TIMEOUT CINCH=$bin \
		timeout -k 10 "$BATS_FILE_TIMEOUT" bats --tap "$file" >"$log" 2>&1 </dev/null || rc=$?
	echo "  ${file##*/}"
	sed 's/^/    /' "$log"
	count_tap "$log" "$rc" "$file" "$stage"
}

# bats_stage NAME BINARY all|direct
bats_stage() {
	local name=$1 bin=$2 which=$3 files=() f

	stage_begin "$name"
	rm -rf -- "${logdir:?}/$name"
	mkdir -p -- "$logdir/$name"
	mapfile -t files < <(bats_files "$which")
	if [[ $which == direct ]]; then
		echo "  (not under ASan, run in the bats stage: ${client_files[*]})"
	fi
	for f in "${files[@]}"; do
		bats_file "$name" "$bin" "$f"
	done
	stage_end "$name"
}

# fuzz_stage: the fuzz smoke run is one test.
fuzz_stage() {
	local log=$logdir/fuzz.log

	stage_begin fuzz
	if tests/fuzz/run-smoke.sh >"$log" 2>&1; then
		stage_passed=1
	else
		fail_one "tests/fuzz/run-smoke.sh; end of $log:"
		show_tail "$log" 60
	fi
	stage_end fuzz
}

# bench_stage: the benchmark's smoke mode (one sample of every scenario
# against runc and crun) is one test; it measures nothing worth reading.
bench_stage() {
	local log=$logdir/bench.log

	stage_begin bench-smoke
	if bench/run.sh --quick --cinch "$root/build/cinch" >"$log" 2>&1; then
		stage_passed=1
	else
		fail_one "bench/run.sh --quick; end of $log:"
		show_tail "$log" 40
	fi
	stage_end bench-smoke
}

main() {
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	cd "$root"
	logdir=${TEST_ALL_LOGDIR:-$root/build/test-all}
	mkdir -p "$logdir"

	# The build counts only when it fails: it is a precondition, not a test.
	echo "== build"
	if scripts/build.sh --asan >"$logdir/build.log" 2>&1; then
		echo "build: ok"
	else
		stage_begin build >/dev/null
		fail_one "scripts/build.sh --asan; end of $logdir/build.log:"
		show_tail "$logdir/build.log" 40
		stage_end build
	fi

	unit_stage unit build
	unit_stage unit-asan build-asan
	bats_stage bats "$root/build/cinch" all
	bats_stage bats-asan "$root/build-asan/cinch" direct
	fuzz_stage
	bench_stage

	if ((${#skip_list[@]} > 0)); then
		echo "== skipped (each says why)"
		printf '  %s\n' "${skip_list[@]}"
	fi
	echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
	((total_failed == 0))
}

# Sourcing this file (for testing the counting) defines the functions only.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
fi
