#!/usr/bin/env bash
# From a fresh Debian 12 checkout to a running container: installs the
# dependencies, builds cinch, makes a busybox rootfs, writes the hardened
# default config.json and runs a container that shows what it may do.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/install-deps.sh
scripts/build.sh

cinch=$root/build/cinch
work=$(mktemp -d "${TMPDIR:-/tmp}/cinch-quickstart.XXXXXX")
state=$work/state
trap '"$cinch" --root "$state" delete --force demo >/dev/null 2>&1 || true; rm -rf -- "$work"' EXIT

step() {
	printf '\n$ %s\n' "$*"
}

# A busybox-static rootfs: one binary and its applet links.
mkdir -p "$work/bundle/rootfs"/{bin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
for applet in sh id hostname cat grep touch ls ps echo; do
	ln -s busybox "$work/bundle/rootfs/bin/$applet"
done
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >"$work/bundle/rootfs/etc/passwd"

step cinch --version
"$cinch" --version

step cinch spec -b bundle
"$cinch" spec -b "$work/bundle"
# The demo's workload, shown from inside the hardened container.
jq '.process.args = ["sh", "-c", "echo \"user: $(id)\"; echo \"hostname: $(hostname)\"; grep -E \"^(CapEff|CapBnd|NoNewPrivs|Seccomp):\" /proc/self/status; touch /etc/x 2>&1 | sed \"s/^/write to rootfs: /\"; echo \"processes:\"; ps"]' \
	"$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"

step cinch check -b bundle --fail-on medium
"$cinch" check -b "$work/bundle" --fail-on medium | tail -n 4

step cinch run -b bundle demo
"$cinch" --root "$state" run -b "$work/bundle" demo
echo "(container exited with status $?)"

step 'a careless config (root, CAP_SYS_ADMIN, writable root, no limits) under the default policy'
jq '.process.user = {uid: 0, gid: 0}
	| .process.capabilities = {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"], permitted: ["CAP_SYS_ADMIN"]}
	| .process.noNewPrivileges = false | .root.readonly = false | del(.linux.resources)
	| .process.args = ["sh", "-c", "echo \"user: $(id)\"; grep -E \"^(CapEff|NoNewPrivs|Seccomp):\" /proc/self/status; echo \"uid map: $(cat /proc/self/uid_map)\""]' \
	"$work/bundle/config.json" >"$work/careless.json"
mkdir -p "$work/careless"
jq --arg root "$work/bundle/rootfs" '.root.path = $root' "$work/careless.json" >"$work/careless/config.json"
"$cinch" --root "$state" --log "$work/decisions.json" --log-format json run -b "$work/careless" careless
echo "(what the policy changed, from the --log file:)"
jq -r 'select(.decision) | .decision | "  \(.control): \(.field): \(.asked) -> \(.applied)"' "$work/decisions.json"


step cinch features
"$cinch" features | head -n 12
echo "..."
