#!/usr/bin/env bash
# Builds cinch out of tree: build/ always, and build-asan/ (ASan + UBSan)
# with --asan.  Regenerates the autotools files only when they are missing
# or older than their inputs; configures a build dir only once (after that,
# automake's rebuild rules rerun configure when configure.ac changes).
#
# usage: scripts/build.sh [--asan]
set -euo pipefail

usage() {
	echo "usage: $0 [--asan]" >&2
	exit 2
}

asan=false
while (($# > 0)); do
	case $1 in
	--asan) asan=true ;;
	-h | --help) usage ;;
	*)
		echo "build.sh: unknown argument: $1" >&2
		usage
		;;
	esac
	shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

die() {
	echo "build.sh: $*" >&2
	exit 1
}

if [[ ! -x configure || configure -ot configure.ac || configure -ot Makefile.am ||
	! -f Makefile.in || Makefile.in -ot Makefile.am ]]; then
	echo "build.sh: autoreconf -fi"
	# AC_CONFIG_MACRO_DIR: git does not keep the dir while it is empty.
	mkdir -p m4
	autoreconf -fi || die "autoreconf failed"
fi

# build_dir DIR [CONFIGURE_ARGS...]
build_dir() {
	local dir=$1
	shift
	mkdir -p "$dir"
	if [[ ! -f $dir/Makefile ]]; then
		echo "build.sh: configuring $dir ($*)"
		(cd "$dir" && ../configure "$@") || die "configure failed in $dir (see $dir/config.log)"
	fi
	echo "build.sh: make in $dir"
	make -C "$dir" -j"$(nproc)" || die "make failed in $dir"
}

build_dir build
if $asan; then
	build_dir build-asan --enable-sanitizers
fi
echo "build.sh: done"
