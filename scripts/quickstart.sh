#!/usr/bin/env bash
# From a fresh Debian 12 checkout to a demo: installs the dependencies,
# builds cinch, writes the hardened default config.json, checks it, and
# shows what this cinch supports.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/install-deps.sh
scripts/build.sh

cinch=$root/build/cinch
bundle=$(mktemp -d "${TMPDIR:-/tmp}/cinch-quickstart.XXXXXX")
trap 'rm -rf -- "$bundle"' EXIT

step() {
	printf '\n$ %s\n' "$*"
}

step cinch --version
"$cinch" --version

step cinch spec -b "$bundle"
"$cinch" spec -b "$bundle"
cat "$bundle/config.json"

step cinch check -b "$bundle"
"$cinch" check -b "$bundle"
echo "config.json is valid"

step cinch features
"$cinch" features
