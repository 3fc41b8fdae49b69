#!/usr/bin/env bash
# Installs everything cinch needs to build and test on Debian 12 (bookworm).
# Run as root.  Idempotent: when every package is already installed it does
# not touch apt at all, so reruns cost one dpkg-query.
set -euo pipefail

packages=(
	build-essential autoconf automake libtool pkg-config
	libseccomp-dev libcap-dev libjansson-dev
	check bats busybox-static jq
	# clang 14 and its runtime: libFuzzer and the sanitizer libraries;
	# llvm for llvm-symbolizer, so sanitizer reports name file and line.
	clang libclang-rt-14-dev llvm
	# `man ./doc/cinch.8` and the man page lint.
	groff-base man-db
	# scripts/deb.sh (a CI step) builds the Debian package: dh and
	# dh_autoreconf (dpkg-dev comes with build-essential).
	debhelper
	# Real clients for tests/integration/{containerd,podman,docker}.bats:
	# ctr and the io.containerd.runc.v2 shim; podman with conmon (its
	# Depends also bring containers-common and the CNI plugins); dockerd
	# and the Docker CLI (/usr/bin/docker) with docker-init (tini).  As root
	# with netns "none" and the overlay driver they need no uidmap,
	# slirp4netns or fuse-overlayfs.
	containerd podman conmon docker.io
	# The peers bench/run.sh measures cinch against, and GNU time for peak RSS.
	runc crun time
	# process.bats holds an exec'd process at its execve with strace.
	strace
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [[ $status != installed ]]; then
		missing+=("$pkg")
	fi
done

if ((${#missing[@]} == 0)); then
	echo "install-deps: all ${#packages[@]} packages already installed"
	exit 0
fi

if ((EUID != 0)); then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (sudo $0) to install them" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
