#!/usr/bin/env bash
# Builds the fuzz harnesses (tests/fuzz/fuzz-NAME.c, one per parser of
# outside input) with libFuzzer, ASan and UBSan, and runs each for a bounded
# time from its seed corpus.  Exits non-zero when any harness finds a crash,
# a leak, a timeout or an OOM; the reproducer is kept in
# build-fuzz/artifacts/NAME/.  Every harness runs even after one fails.
#
# usage: tests/fuzz/run-smoke.sh [NAME...]    (default: every harness)
#        e.g. tests/fuzz/run-smoke.sh state sysctl
#
# env: FUZZ_SECONDS (default 5)   run time of each harness
#      FUZZ_TIMEOUT (default 10)  seconds one input may take (a hang is a bug)
#      FUZZ_BUILD_ONLY=1          build build-fuzz/fuzz-NAME, run nothing
#                                 (for long runs by hand)
#      CLANG        (default clang)
#
# Seeds: tests/fuzz/corpus/NAME/, plus the golden configs for spec and the
# shipped profiles for profile.  Dictionary: tests/fuzz/NAME.dict when there
# is one, else tests/fuzz/json.dict.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

seconds=${FUZZ_SECONDS:-5}
timeout=${FUZZ_TIMEOUT:-10}
cc=${CLANG:-clang}
out=build-fuzz

# libFuzzer reads -max_total_time=0 as "no limit": a CI step must end.
if [[ ! $seconds =~ ^[1-9][0-9]*$ ]]; then
	echo "run-smoke: FUZZ_SECONDS=$seconds: expected a whole number of seconds, at least 1" >&2
	exit 2
fi

shopt -s nullglob
all=()
for src in tests/fuzz/fuzz-*.c; do
	name=${src##*/fuzz-}
	all+=("${name%.c}")
done
names=("$@")
((${#names[@]} > 0)) || names=("${all[@]}")
for name in "${names[@]}"; do
	if [[ ! -f tests/fuzz/fuzz-$name.c ]]; then
		echo "run-smoke: no harness \"$name\" (tests/fuzz/fuzz-$name.c); have: ${all[*]}" >&2
		exit 2
	fi
done

# config.h comes from the normal build's configure run.
if [[ ! -f build/config.h ]]; then
	scripts/build.sh
fi

lib_sources=(src/lib/*.c)
if ((${#lib_sources[@]} == 0)); then
	echo "run-smoke: no library sources in src/lib" >&2
	exit 1
fi

read -r -a pc_cflags <<<"$(pkg-config --cflags libseccomp libcap jansson)"
read -r -a pc_libs <<<"$(pkg-config --libs libseccomp libcap jansson)"
cflags=(-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
	-I include -I build "${pc_cflags[@]}"
	-DCINCH_DATADIR="\"$root\"" -DCINCH_SRC_PROFILES="\"$root/profiles\"")

# The library is compiled once, instrumented for coverage but without
# libFuzzer's main, and linked into every harness.
build_lib() {
	local obj=$out/obj
	rm -rf -- "$obj"
	mkdir -p "$obj"
	echo "run-smoke: building the library (${#lib_sources[@]} files)"
	# shellcheck disable=SC2016 # expanded by that sh, not this one
	printf '%s\0' "${lib_sources[@]}" |
		xargs -0 -P "$(nproc)" -I{} sh -c \
			'src=$1 o=$2; shift 2; exec "$@" -c "$src" -o "$o/$(basename "$src" .c).o"' \
			sh {} "$obj" "$cc" "${cflags[@]}" -fsanitize=fuzzer-no-link,address,undefined
	lib_objs=("$obj"/*.o)
}

build_harness() {
	local name=$1
	echo "run-smoke: building $out/fuzz-$name"
	"$cc" "${cflags[@]}" -fsanitize=fuzzer,address,undefined \
		"tests/fuzz/fuzz-$name.c" "${lib_objs[@]}" "${pc_libs[@]}" -o "$out/fuzz-$name"
}

# seed_files NAME: the seeds of one harness, one per line.
seed_files() {
	local f
	for f in tests/fuzz/corpus/"$1"/*; do
		printf '%s\n' "$f"
	done
	case $1 in
	spec) for f in tests/data/spec/good/*.json tests/data/spec/bad/*.json; do printf '%s\n' "$f"; done ;;
	decide) for f in tests/data/spec/good/*.json tests/data/decide/*/config.json; do printf '%s\n' "$f"; done ;;
	profile) for f in profiles/*.json; do printf '%s\n' "$f"; done ;;
	esac
}

# run_harness NAME: fuzzes from a scratch copy of the seeds (libFuzzer adds
# what it finds to its corpus dir, which must not be the tree's).
run_harness() {
	local name=$1
	local bin=$out/fuzz-$name artifacts=$out/artifacts/$name/ corpus dict seeds=() seed kind rc=0
	corpus=$(mktemp -d "$scratch/$name.XXXXXX")
	mapfile -t seeds < <(seed_files "$name")
	if ((${#seeds[@]} == 0)); then
		echo "run-smoke: warning: no seeds for $name; starting from an empty corpus" >&2
	fi
	for seed in "${seeds[@]}"; do
		# good/x.json and bad/x.json must not overwrite each other.
		kind=${seed%/*}
		cp -- "$seed" "$corpus/${kind##*/}-${seed##*/}"
	done
	dict=tests/fuzz/$name.dict
	[[ -f $dict ]] || dict=tests/fuzz/json.dict
	# Reproducers from an earlier run would be mistaken for this run's.
	rm -rf -- "$artifacts"
	mkdir -p "$artifacts"
	echo "run-smoke: fuzzing $name for ${seconds}s from ${#seeds[@]} seeds"
	"$bin" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
		-dict="$dict" -artifact_prefix="$artifacts" -print_final_stats=1 "$corpus" || rc=$?
	if ((rc != 0)); then
		echo "run-smoke: $name: fuzzer failed (exit $rc); reproducers:" >&2
		ls -l "$artifacts" >&2
		echo "run-smoke: replay one with: $bin $artifacts<file>" >&2
	fi
	return "$rc"
}

mkdir -p "$out"
build_lib
for name in "${names[@]}"; do
	build_harness "$name"
done
if [[ ${FUZZ_BUILD_ONLY:-} == 1 ]]; then
	echo "run-smoke: built ${names[*]/#/$out/fuzz-}"
	exit 0
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cinch-fuzz-corpus.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=() status=0
for name in "${names[@]}"; do
	rc=0
	run_harness "$name" || rc=$?
	if ((rc != 0)); then
		failed+=("$name")
		((status != 0)) || status=$rc
	fi
done
if ((${#failed[@]} > 0)); then
	echo "run-smoke: FAILED: ${failed[*]} (reproducers under $out/artifacts/)" >&2
	exit "$status"
fi
echo "run-smoke: no crash, leak or timeout in ${names[*]} (${seconds}s each)"
