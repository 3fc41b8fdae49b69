#!/bin/bash
# bench/run.sh: cinch side by side with runc and crun (issue 8).
#
# One run, the runtimes interleaved (cinch runc crun cinch-default, then
# again) so that drift in the machine cancels out of the ratios.  Prints a
# table of medians; the raw samples stay in a results directory whose path
# is printed at the end.  Needs root; installs runc, crun, jq, time and
# busybox-static with apt-get when they are missing.  See bench/README.md.
#
# The whole measurement runs in one private mount namespace (the script
# re-executes itself under `unshare -m`) where /sys/fs/cgroup/unified is
# unmounted, because crun 1.8 refuses hybrid cgroup hosts: every runtime,
# and the floor, then sees the same pure cgroup v1 host, and no command pays
# for a wrapper of its own.

# shellcheck disable=SC2317 # cleanup and total are called indirectly
set -uo pipefail
export LC_ALL=C

ARGS=("$@")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")

ITERATIONS=20
PARALLEL=50
ROUNDS= # parallel batches per runtime; default min(ITERATIONS, 5)
QUICK=0
CINCH=${CINCH:-$REPO/build/cinch}

usage() {
	cat <<EOF
Usage: bench/run.sh [--iterations N] [--quick] [--parallel N] [--rounds N] [--cinch PATH]

  --iterations N  samples per runtime and scenario (default 20)
  --quick         smoke mode: 1 iteration, 5 parallel containers, 1 round
  --parallel N    containers in the parallel scenario (default 50)
  --rounds N      parallel batches per runtime (default min(iterations, 5))
  --cinch PATH    the cinch binary (default: build/cinch, or \$CINCH)

Runs as root.  Exits 0 when every scenario completed for cinch and for every
runtime that could run at all (one that cannot is shown as n/a with why).
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--iterations) ITERATIONS=${2:?--iterations needs a number}; shift 2 ;;
	--parallel) PARALLEL=${2:?--parallel needs a number}; shift 2 ;;
	--rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
	--cinch) CINCH=${2:?--cinch needs a path}; shift 2 ;;
	--quick) QUICK=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench: unknown argument: $1" >&2; usage >&2; exit 2 ;;
	esac
done
if [ "$QUICK" = 1 ]; then
	ITERATIONS=1 PARALLEL=5 ROUNDS=1
fi
for n in "$ITERATIONS" "$PARALLEL" ${ROUNDS:+"$ROUNDS"}; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench: not a positive number: $n" >&2; exit 2; }
done
: "${ROUNDS:=$((ITERATIONS < 5 ? ITERATIONS : 5))}"

# The runtimes, in the order they take turns.  cinch, runc and crun run the
# same config (runc spec made runnable); cinch-default runs `cinch spec`.
RUNTIMES=(cinch runc crun cinch-default)
declare -A BIN BUNDLE SLEEPER NA # NA[rt]: why rt is not measured
PREFIX="cb$$"            # every container id, and so every cgroup, starts with it
WORK='' RES='' SLEEPFD='' CLEANED=0
CRUN_RUNDIR_EXISTED=${CINCH_BENCH_CRUN_RUNDIR:-1}
# The host's cgroup2 mount, which this namespace no longer has: seen through
# pid 1's root, for the leak checks.
HOST_UNIFIED=/proc/1/root/sys/fs/cgroup/unified
FAILED=0 # set when a scenario did not complete for a measured runtime
T_START=${CINCH_BENCH_T0:-$EPOCHREALTIME}

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- setup -----------------------------------------------------------------

ensure_tools() {
	local need=()
	command -v runc >/dev/null || need+=(runc)
	command -v crun >/dev/null || need+=(crun)
	command -v jq >/dev/null || need+=(jq)
	[ -x /usr/bin/time ] || need+=(time)
	# The rootfs is busybox alone, so it must be the static build.
	if ! [ -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
		need+=(busybox-static)
	fi
	[ ${#need[@]} -eq 0 ] && return 0
	say "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null 2>&1; } ||
		say "apt-get install ${need[*]} failed"
	command -v jq >/dev/null || die "jq is needed to write the configs"
	[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is needed for the RSS scenario"
	ldd /bin/busybox >/dev/null 2>&1 && die "/bin/busybox is not static (apt-get install busybox-static)"
	return 0
}

# Called once, inside the private mount namespace.  unshare -m made it
# private, so the host keeps its cgroup2 mount.  crun still treats the
# "unified" directory as a hierarchy: it makes a directory per container
# there, with a cgroup.procs file, and never removes it.  A bare umount would
# leave those on the host's /sys/fs/cgroup tmpfs, hidden under its cgroup2
# mount, so a scratch tmpfs goes on top; it ends with this namespace, and
# is emptied between scenarios (each entry costs crun a page; when the tmpfs
# is full crun fails with ENOSPC).
SCRATCH=
leave_unified() {
	mountpoint -q /sys/fs/cgroup/unified 2>/dev/null || return 0
	if ! umount /sys/fs/cgroup/unified ||
		! mount -t tmpfs -o nosuid,nodev,noexec,size=64m,mode=755 cinch-bench /sys/fs/cgroup/unified; then
		die "cannot replace /sys/fs/cgroup/unified in the bench namespace"
	fi
	SCRATCH=/sys/fs/cgroup/unified
}

empty_scratch() {
	[ -n "$SCRATCH" ] && [ "$(stat -f -c %T "$SCRATCH")" = tmpfs ] &&
		find "$SCRATCH" -mindepth 1 -delete
	return 0
}

make_rootfs() {
	local root=$WORK/rootfs a
	mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/sys" "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
	done
}

# write_config DIR ARGS_JSON SOURCE: SOURCE is runc (runc spec) or cinch.
write_config() {
	local dir=$1 args=$2 src=$3 raw=$1/raw.json
	mkdir -p "$dir"
	if [ "$src" = runc ]; then
		(cd "$dir" && runc spec && mv config.json raw.json) || return 1
	else
		"$CINCH" spec -b "$dir" && mv "$dir/config.json" "$raw" || return 1
	fi
	# Made runnable: no terminal, our rootfs, our command.  runc spec's
	# ambient capabilities are dropped: they are not in the inheritable set,
	# so no runtime can raise them (the container gets none either way);
	# runc and crun skip them silently, cinch with a warning on stderr.
	jq --arg root "$WORK/rootfs" --argjson args "$args" \
		'.process.terminal = false | .process.args = $args | .root.path = $root
		 | del(.process.capabilities.ambient)' "$raw" >"$dir/config.json" &&
		rm "$raw"
}

setup_bundles() {
	write_config "$WORK/b/runc" '["/bin/true"]' runc || die "could not write the runc spec bundle"
	write_config "$WORK/b/runc-sleep" '["/bin/sleep","1000000"]' runc || die "could not write the runc spec bundle"
	write_config "$WORK/b/cinch" '["/bin/true"]' cinch || die "could not write the cinch spec bundle"
	write_config "$WORK/b/cinch-sleep" '["/bin/sleep","1000000"]' cinch || die "could not write the cinch spec bundle"
	BIN=([cinch]=$CINCH [runc]=$(command -v runc) [crun]=$(command -v crun) [cinch-default]=$CINCH)
	# Full paths, looked up without a fork inside the timed commands.
	BUNDLE=([cinch]=$WORK/b/runc [runc]=$WORK/b/runc [crun]=$WORK/b/runc [cinch-default]=$WORK/b/cinch)
	SLEEPER=([cinch]=$WORK/b/runc-sleep [runc]=$WORK/b/runc-sleep [crun]=$WORK/b/runc-sleep [cinch-default]=$WORK/b/cinch-sleep)
	local rt
	for rt in "${RUNTIMES[@]}"; do
		mkdir -p "$WORK/state/$rt"
		[ -n "${BIN[$rt]}" ] && [ -x "${BIN[$rt]}" ] || NA[$rt]="not installed"
	done
}

# rt RT ARGS...: run runtime RT with its own state root.
rt() {
	local r=$1
	shift
	"${BIN[$r]}" --root "$WORK/state/$r" "$@"
}

# One plain run per runtime.  A runtime that cannot run is n/a, with its
# error as the reason; cinch that cannot run fails the whole benchmark.
preflight() {
	local r err
	for r in "${RUNTIMES[@]}"; do
		[ -n "${NA[$r]:-}" ] && continue
		if ! rt "$r" run -b "${BUNDLE[$r]}" "$PREFIX-pre-$r" </dev/null >/dev/null 2>"$WORK/err"; then
			err=$(tr '\n' ' ' <"$WORK/err" | cut -c1-160)
			NA[$r]="run failed: ${err:-no message}"
		fi
	done
	for r in cinch cinch-default; do
		[ -z "${NA[$r]:-}" ] || die "$r cannot run the benchmark config: ${NA[$r]}"
	done
}

measured() { # the runtimes that take part
	local r
	for r in "${RUNTIMES[@]}"; do [ -z "${NA[$r]:-}" ] && echo "$r"; done
}

# --- measuring ------------------------------------------------------------

# The participants of iteration I, in the order of row I of a Williams
# design (a balanced Latin square; its rows and, for an odd count, their
# reverses): within the rows of one cycle (2n iterations for n
# participants, n for an even n), each participant comes right after each
# other one equally often, and comes first equally often.  What the kernel
# tears down after a runtime has exited (the offlining of its cgroups: on
# a host with no other cpuset cgroup the last one's patches kernel text on
# every CPU; the cleanup of its network namespace) runs while the next one
# starts.  In a fixed or merely rotated order each runtime would always
# follow the same one and always pay for it.  Between rows, settle lets
# that teardown finish, so that the first of a row follows no one.
turns() {
	local i=$1 j
	shift
	(($# > 0)) || return 0
	local all=("$@") n=$# base=(0) lo=1 hi=$(($# - 1)) row=()
	for ((j = 1; j < n; j++)); do
		if ((j % 2)); then base+=($((lo++))); else base+=($((hi--))); fi
	done
	local rows=$((n % 2 ? 2 * n : n))
	local r=$((i % rows))
	for ((j = 0; j < n; j++)); do row+=($(((base[j] + r % n) % n))); done
	if ((r >= n)); then
		for ((j = n - 1; j >= 0; j--)); do echo "${all[row[j]]}"; done
	else
		for ((j = 0; j < n; j++)); do echo "${all[row[j]]}"; done
	fi
}

# Before each row of turns: an idle spell outside the timing (see turns).
settle() { msleep 0.2; }

# Microseconds since the epoch, from bash itself: no fork inside the timing.
# (EPOCHREALTIME always has six decimals, and the seconds part no leading 0.)
#   t0=${EPOCHREALTIME/./}

sample() { # sample SCENARIO RT VALUE
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RES/samples.tsv"
}

fail() { # fail SCENARIO RT WHAT: keep the error, mark the run failed
	FAILED=1
	{
		printf '== %s %s: %s\n' "$1" "$2" "$3"
		cat "$WORK/err" 2>/dev/null
	} >>"$RES/errors.log"
	say "$1/$2: $3 (see errors.log)"
}

forget() { # forget RT ID: after a failure, so that one failure is not also a leak
	rt "$1" delete -f "$2" </dev/null >/dev/null 2>&1
	return 0
}

# A sleep that forks nothing: read with a timeout from a fifo nobody writes.
msleep() { read -r -t "$1" -u "$SLEEPFD" _; }

# Wait until PID has exited (gone, or a zombie not yet reaped by pid 1).
wait_stopped() {
	local pid=$1 line st i
	for ((i = 0; i < 10000; i++)); do
		{ read -r line <"/proc/$pid/stat"; } 2>/dev/null || return 0
		st=${line##*) }
		st=${st%% *}
		[[ $st == [ZX] ]] && return 0
		msleep 0.001
	done
	return 1
}

# --- scenarios -------------------------------------------------------------

# (1) sequential `run` of /bin/true, with the (6) floor rows taking their
# turn in the same loop.
scenario_run() {
	local i r id t0 t1
	for ((i = 0; i <= ITERATIONS; i++)); do # i = 0 is an unrecorded warm-up
		settle
		for r in $(turns "$i" $(measured) floor); do
			[ "$r" = floor ] && { scenario_floor "$i"; continue; }
			id=$PREFIX-run-$r-$i
			t0=${EPOCHREALTIME/./}
			rt "$r" run -b "${BUNDLE[$r]}" "$id" </dev/null >/dev/null 2>"$WORK/err" ||
				{ fail run "$r" "run $id exited $?"; forget "$r" "$id"; continue; }
			t1=${EPOCHREALTIME/./}
			((i > 0)) && sample run "$r" $((t1 - t0))
		done
	done
}

# (1b) `run` after an idle spell (200 ms, outside the timing), as a start
# on a host that is not starting containers back to back: what the kernel
# lets go of between starts (an idle RCU grace-period machinery behind the
# cgroup attach lock, caches) is then paid again.
scenario_idle() {
	local i r id t0 t1 n=$((ITERATIONS < 10 ? ITERATIONS : 10))
	for ((i = 1; i <= n; i++)); do
		for r in $(turns "$i" $(measured)); do
			id=$PREFIX-idle-$r-$i
			msleep 0.2
			t0=${EPOCHREALTIME/./}
			rt "$r" run -b "${BUNDLE[$r]}" "$id" </dev/null >/dev/null 2>"$WORK/err" ||
				{ fail idle "$r" "run $id exited $?"; forget "$r" "$id"; continue; }
			t1=${EPOCHREALTIME/./}
			sample idle "$r" $((t1 - t0))
		done
	done
}

# (6) the floor: the same namespaces as the config (pid mount ipc uts net),
# /proc mounted and a chroot into the same rootfs, no runtime.  "exec" is
# the plain fork+exec of the host's /bin/true, the floor under that.
scenario_floor() {
	local i=$1 t0 t1
	t0=${EPOCHREALTIME/./}
	unshare -p -f -m -i -u -n --mount-proc --root="$WORK/rootfs" /bin/true \
		</dev/null >/dev/null 2>"$WORK/err" || { fail floor unshare "exited $?"; return; }
	t1=${EPOCHREALTIME/./}
	((i > 0)) && sample floor unshare $((t1 - t0))
	t0=${EPOCHREALTIME/./}
	/bin/true </dev/null >/dev/null 2>"$WORK/err" || { fail floor exec "exited $?"; return; }
	t1=${EPOCHREALTIME/./}
	((i > 0)) && sample floor exec $((t1 - t0))
	return 0
}

# create -> start -> wait until stopped -> delete, for container ID.
# Prints "create start wait delete" in microseconds; fails on any step.
cycle_one() {
	local r=$1 id=$2 err=$3 pid='' t0 t1 t2 t3 t4
	t0=${EPOCHREALTIME/./}
	rt "$r" create -b "${BUNDLE[$r]}" --pid-file "$WORK/pid.$id" "$id" </dev/null >/dev/null 2>"$err" || return 1
	t1=${EPOCHREALTIME/./}
	read -r pid <"$WORK/pid.$id"
	rt "$r" start "$id" </dev/null >/dev/null 2>>"$err" || return 2
	t2=${EPOCHREALTIME/./}
	wait_stopped "$pid" || { echo "pid $pid still running after 10 s" >>"$err"; return 3; }
	t3=${EPOCHREALTIME/./}
	rt "$r" delete "$id" </dev/null >/dev/null 2>>"$err" || return 4
	t4=${EPOCHREALTIME/./}
	rm -f "$WORK/pid.$id"
	echo $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t4 - t3))
}

# (2) the lifecycle a container engine drives, one container at a time.
scenario_cycle() {
	local i r id c s w d
	for ((i = 0; i <= ITERATIONS; i++)); do
		settle
		for r in $(turns "$i" $(measured)); do
			id=$PREFIX-cyc-$r-$i
			c='' s='' w='' d=''
			read -r c s w d < <(cycle_one "$r" "$id" "$WORK/err")
			if [ -z "$d" ]; then
				fail cycle "$r" "cycle of $id failed"
				forget "$r" "$id"
				continue
			fi
			((i > 0)) || continue
			sample cycle "$r" $((c + s + w + d))
			sample cycle.create "$r" "$c"
			sample cycle.start "$r" "$s"
			sample cycle.delete "$r" "$d"
		done
	done
}

# cgroups named ID_PREFIX* anywhere: the v1 hierarchies, and the host's
# cgroup2 hierarchy through pid 1's root (our own unified is the scratch).
find_cgroups() {
	find /sys/fs/cgroup "$HOST_UNIFIED" -mindepth 1 \
		-path /sys/fs/cgroup/unified -prune -o -type d -name "$1*" -print 2>/dev/null
}

# Names of what RT left behind: state dirs and cgroups named after the ids.
leftovers() {
	local r=$1 id_prefix=$2
	find "$WORK/state/$r" -mindepth 1 -maxdepth 1 -name "$id_prefix*" 2>/dev/null
	find_cgroups "$id_prefix"
}

# (3) PARALLEL containers at once, each through the cycle; wall time of the
# batch, failures, and nothing may be left afterwards.
scenario_parallel() {
	local round r k pids fails t0 t1 left p
	for ((round = 1; round <= ROUNDS; round++)); do
		for r in $(measured); do
			pids=() fails=0
			t0=${EPOCHREALTIME/./}
			for ((k = 0; k < PARALLEL; k++)); do
				cycle_one "$r" "$PREFIX-par-$r-$round-$k" "$WORK/err.par.$k" >/dev/null &
				pids+=($!)
			done
			for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
			t1=${EPOCHREALTIME/./}
			sample par.wall "$r" $((t1 - t0))
			sample par.fail "$r" "$fails"
			if ((fails > 0)); then
				cat "$WORK"/err.par.* >"$WORK/err"
				fail parallel "$r" "$fails of $PARALLEL containers failed"
			fi
			rm -f "$WORK"/err.par.*
			left=$(leftovers "$r" "$PREFIX-par-$r-$round-")
			if [ -n "$left" ]; then
				echo "$left" >"$WORK/err"
				fail parallel "$r" "left behind: $(echo "$left" | wc -l) state dirs/cgroups"
				clean_runtime "$r"
			fi
		done
	done
}

# (4) exec /bin/true into a running container (one sleeper per runtime).
scenario_exec() {
	local i r id t0 t1 ok=()
	for r in $(measured); do
		id=$PREFIX-exec-$r
		if rt "$r" create -b "${SLEEPER[$r]}" "$id" </dev/null >/dev/null 2>"$WORK/err" &&
			rt "$r" start "$id" </dev/null >/dev/null 2>>"$WORK/err"; then
			ok+=("$r")
		else
			fail exec "$r" "could not start the sleeper $id"
			forget "$r" "$id"
		fi
	done
	for ((i = 0; i <= ITERATIONS; i++)); do
		settle
		for r in $(turns "$i" "${ok[@]}"); do
			t0=${EPOCHREALTIME/./}
			rt "$r" exec "$PREFIX-exec-$r" /bin/true </dev/null >/dev/null 2>"$WORK/err" ||
				{ fail exec "$r" "exec exited $?"; continue; }
			t1=${EPOCHREALTIME/./}
			((i > 0)) && sample exec "$r" $((t1 - t0))
		done
	done
	for r in "${ok[@]}"; do
		rt "$r" delete -f "$PREFIX-exec-$r" </dev/null >/dev/null 2>"$WORK/err" ||
			fail exec "$r" "delete -f of the sleeper failed"
	done
}

# (5) peak RSS of `run`.  GNU time reports ru_maxrss of its child, the
# runtime: the largest of the runtime and the processes it waited for
# (runc's re-exec'd `runc init`, for one), in KB.
scenario_rss() {
	local i r id kb
	for ((i = 1; i <= ITERATIONS; i++)); do
		for r in $(measured); do
			id=$PREFIX-rss-$r-$i
			/usr/bin/time -f %M -o "$WORK/rss" \
				"${BIN[$r]}" --root "$WORK/state/$r" run -b "${BUNDLE[$r]}" "$id" \
				</dev/null >/dev/null 2>"$WORK/err" || { fail rss "$r" "run $id exited $?"; forget "$r" "$id"; continue; }
			read -r kb <"$WORK/rss"
			sample rss "$r" "$kb"
		done
	done
}

# (7) containerd end to end: `ctr run --rm` of /bin/true through a private
# containerd and its runc shim, with each runtime as the shim's binary
# (cinch-default has no row: ctr writes the config).  The rootfs is given
# with --rootfs, so no image or snapshotter takes part.
CTRD_PID='' CTRD_DIR='' CTRD_NS=$PREFIX-ctr CTRD_HAD_RUN_DIR=1
CTR_RUNTIMES=(cinch runc crun)

ctrc() { timeout 30 ctr --address "$CTRD_DIR/c.sock" -n "$CTRD_NS" "$@"; }

start_containerd() {
	local tool i
	for tool in containerd ctr containerd-shim-runc-v2; do
		command -v "$tool" >/dev/null || { NA_CTRD="$tool not installed"; return 1; }
	done
	[ -e /run/containerd ] || CTRD_HAD_RUN_DIR=0
	CTRD_DIR=$WORK/ctrd
	mkdir -p "$CTRD_DIR"
	# As tests/integration/containerd.bats: its own root, state and socket;
	# the plugins a run does not need are off.
	cat >"$CTRD_DIR/config.toml" <<-EOF
		version = 2
		root = "$CTRD_DIR/root"
		state = "$CTRD_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
		  "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp",
		  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
		[grpc]
		  address = "$CTRD_DIR/c.sock"
		[ttrpc]
		  address = ""
		[debug]
		  address = ""
		[metrics]
		  address = ""
	EOF
	containerd --config "$CTRD_DIR/config.toml" </dev/null >"$CTRD_DIR/log" 2>&1 &
	CTRD_PID=$!
	for ((i = 0; i < 200; i++)); do
		kill -0 "$CTRD_PID" 2>/dev/null || break
		ctrc version </dev/null >/dev/null 2>&1 && return 0
		msleep 0.1
	done
	NA_CTRD="containerd did not start: $(tail -n 3 "$CTRD_DIR/log" | tr '\n' ' ' | cut -c1-160)"
	stop_containerd
	return 1
}

stop_containerd() {
	[ -n "$CTRD_PID" ] || return 0
	kill -TERM "$CTRD_PID" 2>/dev/null
	wait "$CTRD_PID" 2>/dev/null
	CTRD_PID=''
	# The shim exits with its container; what containerd made on the
	# host's /run goes too, unless it was there before.
	[ "$CTRD_HAD_RUN_DIR" = 0 ] && [ -d /run/containerd ] &&
		find /run/containerd -depth -type d -empty -delete 2>/dev/null
	# ctr puts each container's cgroup under /<namespace>; runc leaves that
	# parent, empty, and so may the others.
	local cg
	while read -r cg; do rmdir "$cg" 2>/dev/null; done < <(find_cgroups "$CTRD_NS" | sort -r)
	return 0
}

scenario_containerd() {
	NA_CTRD=''
	start_containerd || { say "containerd: n/a: $NA_CTRD"; return 0; }
	local i r id t0 t1 ctr_ok=()
	for r in "${CTR_RUNTIMES[@]}"; do [ -z "${NA[$r]:-}" ] && ctr_ok+=("$r"); done
	for ((i = 0; i <= ITERATIONS; i++)); do
		settle
		for r in $(turns "$i" "${ctr_ok[@]}"); do
			id=$PREFIX-ctr-$r-$i
			t0=${EPOCHREALTIME/./}
			ctrc run --rm --runc-binary "${BIN[$r]}" --runc-root "$WORK/state/ctr-$r" \
				--rootfs "$WORK/rootfs" "$id" /bin/true </dev/null >/dev/null 2>"$WORK/err" ||
				{ fail containerd "$r" "ctr run $id exited $?"; ctrc task rm -f "$id" >/dev/null 2>&1
				  ctrc container rm "$id" >/dev/null 2>&1; continue; }
			t1=${EPOCHREALTIME/./}
			((i > 0)) && sample ctr "$r" $((t1 - t0))
		done
	done
	stop_containerd
}

# (8) system call cost inside a container under cinch's default seccomp
# profile, against the same container with no filter (annotation
# org.cinch.seccomp.profile=unconfined).  bench/sysloop.c, built static.
SYSLOOP_CALLS=100000
scenario_seccomp() {
	NA_SECCOMP=''
	if ! cc -static -O2 -o "$WORK/rootfs/bin/sysloop" "$HERE/sysloop.c" 2>"$WORK/err"; then
		NA_SECCOMP="cannot build bench/sysloop.c static: $(head -c 160 "$WORK/err")"
		say "seccomp: n/a: $NA_SECCOMP"
		return 0
	fi
	local calls=$SYSLOOP_CALLS
	[ "$QUICK" = 1 ] && calls=10000
	write_config "$WORK/b/sys-default" "[\"/bin/sysloop\",\"$calls\"]" cinch &&
		write_config "$WORK/b/sys-unconfined" "[\"/bin/sysloop\",\"$calls\"]" cinch &&
		jq '.annotations["org.cinch.seccomp.profile"] = "unconfined"' "$WORK/b/sys-unconfined/config.json" \
			>"$WORK/b/sys-unconfined/c.json" &&
		mv "$WORK/b/sys-unconfined/c.json" "$WORK/b/sys-unconfined/config.json" ||
		die "could not write the seccomp bundles"
	local i mode name n ns
	for ((i = 1; i <= ITERATIONS; i++)); do
		for mode in default unconfined; do
			# The default policy refuses the annotation "unconfined".
			local policy=default
			[ "$mode" = unconfined ] && policy=runc-compatible
			if ! rt cinch --policy "$policy" run -b "$WORK/b/sys-$mode" "$PREFIX-sys-$mode-$i" </dev/null \
				>"$WORK/out" 2>"$WORK/err"; then
				fail seccomp "$mode" "sysloop run exited $?"
				forget cinch "$PREFIX-sys-$mode-$i"
				continue
			fi
			while read -r name n ns; do
				[ "$n" = "$calls" ] && sample "sys.$name" "$mode" "$ns"
			done <"$WORK/out"
		done
	done
}

# --- report ---------------------------------------------------------------

median() { # median SCENARIO RT: prints nothing when there are no samples
	awk -F'\t' -v s="$1" -v r="$2" '$1 == s && $2 == r { print $3 }' "$RES/samples.tsv" |
		sort -n | awk '{ v[NR] = $1 } END {
			if (NR == 0) exit
			if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

total() { # total SCENARIO RT
	awk -F'\t' -v s="$1" -v r="$2" '$1 == s && $2 == r { n++; t += $3 } END { if (n) print t }' \
		"$RES/samples.tsv"
}

# fmt VALUE UNIT: microseconds shown as ms, the rest as they are.
fmt() {
	[ -z "$1" ] && { echo "n/a"; return; }
	case $2 in
	ms) awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }' ;;
	*) awk -v v="$1" 'BEGIN { printf "%d", v }' ;;
	esac
}

ratio() { # ratio A B
	[ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }' ||
		echo "n/a"
}

row() { # row KEY LABEL UNIT [median|total]
	local key=$1 label=$2 unit=$3 how=${4:-median} r
	declare -A m
	for r in "${RUNTIMES[@]}"; do m[$r]=$($how "$key" "$r"); done
	printf '%-34s' "$label ($unit)"
	for r in "${RUNTIMES[@]}"; do printf ' %13s' "$(fmt "${m[$r]}" "$unit")"; done
	if [ "$how" = median ]; then
		printf ' %11s %11s\n' "$(ratio "${m[cinch]}" "${m[runc]}")" "$(ratio "${m[cinch]}" "${m[crun]}")"
	else
		printf ' %11s %11s\n' - -
	fi
}

report() {
	local r
	printf '%-34s' "median of $ITERATIONS"
	for r in "${RUNTIMES[@]}"; do printf ' %13s' "$r"; done
	printf ' %11s %11s\n' cinch/runc cinch/crun
	row run "run /bin/true" ms
	row idle "  after 200 ms idle" ms
	row cycle "create+start+wait+delete" ms
	row cycle.create "  create" ms
	row cycle.start "  start" ms
	row cycle.delete "  delete" ms
	row par.wall "$PARALLEL parallel cycles, wall" ms
	row par.fail "$PARALLEL parallel: failures, all rounds" n total
	row exec "exec /bin/true" ms
	row rss "run: peak RSS" KB
	row ctr "containerd: ctr run --rm" ms
	[ -n "${NA_CTRD:-}" ] && printf '  containerd: n/a: %s\n' "$NA_CTRD"
	echo
	seccomp_report
	echo
	printf '%-34s %13s\n' "floor, interleaved with run" "median (ms)"
	printf '%-34s %13s\n' "unshare -pfmiun --mount-proc --root" "$(fmt "$(median floor unshare)" ms)"
	printf '%-34s %13s\n' "fork+exec of the host /bin/true" "$(fmt "$(median floor exec)" ms)"
	for r in "${RUNTIMES[@]}"; do
		[ -n "${NA[$r]:-}" ] && printf '\n%s: n/a: %s\n' "$r" "${NA[$r]}"
	done
	return 0
}

seccomp_report() {
	printf '%-34s %13s %13s %11s\n' "in-container syscall (ns/call)" "default" "unconfined" "ratio"
	if [ -n "${NA_SECCOMP:-}" ]; then
		printf '  n/a: %s\n' "$NA_SECCOMP"
		return 0
	fi
	local name d u
	for name in getppid umount2; do
		d=$(median "sys.$name" default)
		u=$(median "sys.$name" unconfined)
		printf '%-34s %13s %13s %11s\n' "  $name" "${d:-n/a}" "${u:-n/a}" "$(ratio "$d" "$u")"
	done
}

cgroup_mode() {
	if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
		echo "hybrid (measured as v1: cgroup2 unmounted in the bench namespace)"
	elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		echo v2
	else
		echo v1
	fi
}

describe_machine() {
	echo "kernel $(uname -r), $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), rcu_expedited=$(cat /sys/kernel/rcu_expedited 2>/dev/null || echo ?)"
	echo "cgroups: $CGMODE"
	echo "cinch: $("$CINCH" --version 2>&1 | head -1)"
	echo "runc:  $(runc --version 2>/dev/null | head -1)"
	echo "crun:  $(crun --version 2>/dev/null | head -1)"
	echo "iterations $ITERATIONS, parallel $PARALLEL x $ROUNDS rounds, quick=$QUICK"
}

# --- cleanup ----------------------------------------------------------------

clean_runtime() { # delete whatever RT still has, then its cgroups
	local r=$1 d
	[ -n "${BIN[$r]:-}" ] || return 0
	for d in "$WORK/state/$r"/*; do
		[ -e "$d" ] || continue
		rt "$r" delete -f "$(basename "$d")" </dev/null >/dev/null 2>&1
	done
	# Only cgroups named after our own ids; sort -r puts children first.
	local cg
	while read -r cg; do rmdir "$cg" 2>/dev/null; done < <(find_cgroups "$PREFIX-" | sort -r)
	return 0
}

cleanup() {
	[ "$CLEANED" = 1 ] && return
	CLEANED=1
	local p r left m
	stop_containerd
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		for r in "${RUNTIMES[@]}"; do clean_runtime "$r"; done
		# Nothing is mounted under WORK on the host (containers mount in
		# their own namespaces), but never rm -rf through a mount.
		while read -r m; do umount -l "$m"; done < <(findmnt -rn -o TARGET | grep "^$WORK/" | sort -r)
		left=$(find_cgroups "$PREFIX-")
		[ -n "$left" ] && say "left behind (could not remove): $left"
		rm -rf --one-file-system "$WORK"
	fi
	# crun makes /run/crun on some invocations even with --root.
	[ "$CRUN_RUNDIR_EXISTED" = 0 ] && rmdir /run/crun 2>/dev/null
	[ -n "$SLEEPFD" ] && exec {SLEEPFD}<&-
	return 0
}

# --- main -------------------------------------------------------------------

[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$CINCH" ] || die "no cinch binary at $CINCH (build it, or pass --cinch)"
# Absolute: containerd's shim runs it from a directory of its own.
CINCH=$(realpath -- "$CINCH")
if [ -z "${CINCH_BENCH_NS:-}" ]; then
	ensure_tools
	[ -e /run/crun ] && CRUN_RUNDIR_EXISTED=1 || CRUN_RUNDIR_EXISTED=0
	CINCH_BENCH_NS=1 CINCH_BENCH_T0=$T_START CINCH_BENCH_CRUN_RUNDIR=$CRUN_RUNDIR_EXISTED \
		exec unshare -m "$BASH" "${BASH_SOURCE[0]}" "${ARGS[@]}"
fi
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

CGMODE=$(cgroup_mode)
leave_unified
WORK=$(mktemp -d /tmp/cinch-bench-work.XXXXXX)
RES=$(mktemp -d /tmp/cinch-bench-results.XXXXXX)
# State roots on tmpfs, as /run/cinch, /run/runc and /run/crun are: on this
# disk each file a runtime creates in its state dir costs ~0.7 ms otherwise.
mkdir "$WORK/state"
mount -t tmpfs -o nosuid,nodev,noexec,mode=700,size=64m cinch-bench-state "$WORK/state" ||
	die "cannot mount a tmpfs for the state roots"
mkfifo "$WORK/sleep.fifo"
exec {SLEEPFD}<>"$WORK/sleep.fifo"
: >"$RES/samples.tsv"
make_rootfs
setup_bundles
describe_machine | tee "$RES/machine.txt" >&2
preflight

say "1/8 run";      scenario_run;      empty_scratch
say "2/8 idle run"; scenario_idle;     empty_scratch
say "3/8 cycle";    scenario_cycle;    empty_scratch
say "4/8 parallel"; scenario_parallel; empty_scratch
say "5/8 exec";     scenario_exec;     empty_scratch
say "6/8 rss";      scenario_rss;      empty_scratch
say "7/8 containerd"; scenario_containerd; empty_scratch
say "8/8 seccomp";  scenario_seccomp;  empty_scratch

# Everything should be gone already; anything left is a finding.
left=$(for r in "${RUNTIMES[@]}"; do leftovers "$r" "$PREFIX-"; done | sort -u)
[ -z "$left" ] || { echo "$left" >"$WORK/err"; fail leak all "left behind after the scenarios"; }

report | tee "$RES/table.txt"
elapsed=$(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo
echo "took ${elapsed} s; raw samples (us, KB): $RES/samples.tsv"
[ -s "$RES/errors.log" ] && echo "errors: $RES/errors.log"
exit "$FAILED"
