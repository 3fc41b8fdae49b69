#!/usr/bin/env bats
# shellcheck disable=SC2154 # $status and $stderr are set by bats' run
# The golden configs in tests/data/spec through the binary: every bad/NAME.json
# is refused with exit 1 and exactly the message in bad/NAME.err (written for a
# file named config.json; through the binary the name is the bundle's path),
# and every good/*.json passes.  Each test walks all files and reports every
# mismatch, so one failure names all the broken files.

load helpers

# What the runtime does with a config applied as given: the protections no
# policy relaxes are still on (policy.bats tests the policy itself).
RT_POLICY=runc-compatible

# golden_files DIR EXT: the files, or fail if there are none, so that an
# empty or misplaced data dir cannot pass vacuously.
golden_files() {
	local dir=$CINCH_DATA/spec/$1
	shopt -s nullglob
	GOLDEN=("$dir"/*."$2")
	shopt -u nullglob
	((${#GOLDEN[@]} > 0)) || fail "no *.$2 files in $dir"
}

@test "every bad config is refused with its exact message" {
	golden_files bad json
	local mismatches=() f name err expected bundle
	for f in "${GOLDEN[@]}"; do
		name=${f##*/}
		err=${f%.json}.err
		if [[ ! -f $err ]]; then
			mismatches+=("$name: no ${err##*/}")
			continue
		fi
		expected=$(<"$err")
		if [[ $expected != config.json* ]]; then
			mismatches+=("${err##*/}: does not start with config.json: $expected")
			continue
		fi
		bundle=$(mktemp -d "$BATS_TEST_TMPDIR/${name%.json}.XXXXXX")
		cp -- "$f" "$bundle/config.json"
		expected="cinch: $bundle/config.json${expected#config.json}"

		run --separate-stderr "$CINCH" --policy "$RT_POLICY" check -b "$bundle"
		if ((status != 1)) || [[ $stderr != "$expected" ]]; then
			mismatches+=("$name: exit $status, stderr:" "    got:      $stderr" "    expected: $expected")
		fi
	done
	# An .err with no .json is a test that silently stopped running.
	for err in "$CINCH_DATA"/spec/bad/*.err; do
		[[ -f $err && ! -f ${err%.err}.json ]] || continue
		mismatches+=("${err##*/}: no $(basename -- "${err%.err}").json")
	done
	((${#mismatches[@]} == 0)) || fail "${mismatches[@]}"
}

# check builds create's plan, so it also holds a good config to what create
# needs beyond the reader (a process): that refusal, and only it, is not the
# reader's.  (Under runc-compatible a config without a mount namespace
# passes: the hostNamespaces control only warns.)
@test "every good config passes the reader in check: it passes, or is refused only for want of a process" {
	golden_files good json
	local mismatches=() f name bundle
	for f in "${GOLDEN[@]}"; do
		name=${f##*/}
		bundle=$(mktemp -d "$BATS_TEST_TMPDIR/${name%.json}.XXXXXX")
		cp -- "$f" "$bundle/config.json"
		run --separate-stderr "$CINCH" --policy "$RT_POLICY" check -b "$bundle"
		((status == 0)) && continue
		case $stderr in
		"cinch: $bundle/config.json: process: is required to create a container") ;;
		*) mismatches+=("$name: exit $status: $stderr") ;;
		esac
	done
	((${#mismatches[@]} == 0)) || fail "${mismatches[@]}"
}
