#!/usr/bin/env bash
# Builds the config.json fuzz harness with libFuzzer, ASan and UBSan, and runs
# it for a bounded time from a corpus seeded with the golden configs.  Exits
# non-zero when the fuzzer finds a crash, a leak, a timeout or an OOM; the
# reproducer is kept in build-fuzz/artifacts/.
#
# env: FUZZ_SECONDS (default 30)  total run time
#      FUZZ_TIMEOUT (default 10)  seconds one input may take (a hang is a bug)
#      CLANG        (default clang)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

seconds=${FUZZ_SECONDS:-30}
timeout=${FUZZ_TIMEOUT:-10}
cc=${CLANG:-clang}
out=build-fuzz
bin=$out/fuzz-spec

# config.h comes from the normal build's configure run.
if [[ ! -f build/config.h ]]; then
	scripts/build.sh
fi

shopt -s nullglob
lib_sources=(src/lib/*.c)
if ((${#lib_sources[@]} == 0)); then
	echo "run-smoke: no library sources in src/lib" >&2
	exit 1
fi

read -r -a pc_cflags <<<"$(pkg-config --cflags libseccomp libcap jansson)"
read -r -a pc_libs <<<"$(pkg-config --libs libseccomp libcap jansson)"

# Reproducers from an earlier run would be mistaken for this run's.
rm -rf -- "$out/artifacts"
mkdir -p "$out/artifacts"
echo "run-smoke: building $bin"
"$cc" -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I include -I build "${pc_cflags[@]}" \
	-DCINCH_DATADIR="\"$root\"" \
	-DCINCH_SRC_PROFILES="\"$root/profiles\"" \
	tests/fuzz/fuzz-spec.c "${lib_sources[@]}" \
	"${pc_libs[@]}" -o "$bin"

corpus=$(mktemp -d "${TMPDIR:-/tmp}/cinch-fuzz-corpus.XXXXXX")
trap 'rm -rf -- "$corpus"' EXIT
seeds=(tests/data/spec/good/*.json tests/data/spec/bad/*.json)
if ((${#seeds[@]} > 0)); then
	for seed in "${seeds[@]}"; do
		# good/x.json and bad/x.json must not overwrite each other.
		kind=${seed%/*}
		cp -- "$seed" "$corpus/${kind##*/}-${seed##*/}"
	done
else
	echo "run-smoke: warning: no golden configs to seed from; starting from an empty corpus" >&2
fi

echo "run-smoke: fuzzing for ${seconds}s from ${#seeds[@]} seeds"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
rc=0
"$bin" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
	-dict=tests/fuzz/json.dict -artifact_prefix="$out/artifacts/" \
	-print_final_stats=1 "$corpus" || rc=$?
if ((rc != 0)); then
	echo "run-smoke: fuzzer failed (exit $rc); reproducers:" >&2
	ls -l "$out/artifacts" >&2
	echo "run-smoke: replay one with: $bin $out/artifacts/<file>" >&2
	exit "$rc"
fi
echo "run-smoke: no crash, leak or timeout in ${seconds}s"
