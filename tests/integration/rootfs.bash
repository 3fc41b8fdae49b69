# shellcheck shell=bash
# Test bundles for cinch's integration tests.  Load after helpers:
#   load helpers
#   load rootfs
#
#   rootfs_prepare       builds the busybox rootfs once per bats run, in
#                        $BATS_RUN_TMPDIR (bats removes it when the run ends);
#                        sets $CINCH_ROOTFS.  make_bundle calls it as needed,
#                        so setup_file need not.
#   make_bundle DIR [ARGS...]
#                        DIR/rootfs (a copy of that rootfs) and DIR/config.json
#                        from `$CINCH spec`, with process.args = ARGS
#                        (default: sleep 100), terminal false, a read-only
#                        root at "rootfs", and no memory, pids or cpu limit
#                        (`cinch spec` sets them): a test about limits sets
#                        its own after need_controllers (helpers.bash), so
#                        that the rest run on a host without the controllers.
#   config_set DIR FILTER [JQ_OPTIONS...]
#                        rewrites DIR/config.json through a jq filter, e.g.
#                        config_set "$B" '.hostname = $h' --arg h box
#
# The rootfs is copied, not bind-mounted, so a bundle leaves no mount behind
# and one test cannot change another's files.  It is about 2 MB.

# Debian's busybox-static.  A dynamically linked busybox cannot run in a
# rootfs that has no libc.
CINCH_BUSYBOX=${CINCH_BUSYBOX:-/bin/busybox}

# The applets every test may rely on, linked in /bin.
CINCH_APPLETS=(sh true false sleep cat echo id ls ps kill mkdir touch wc grep
	env hostname stat test mount)

# rootfs_build DIR: makes the rootfs in DIR (which must not exist).
rootfs_build() {
	local dir=$1 applet list

	if [[ ! -x $CINCH_BUSYBOX ]]; then
		fail "no busybox at $CINCH_BUSYBOX (apt-get install busybox-static)"
		return 1
	fi
	if command -v ldd >/dev/null && ldd "$CINCH_BUSYBOX" >/dev/null 2>&1; then
		fail "$CINCH_BUSYBOX is dynamically linked; install busybox-static"
		return 1
	fi
	list=$("$CINCH_BUSYBOX" --list) || {
		fail "$CINCH_BUSYBOX --list failed"
		return 1
	}

	mkdir -m 0755 -- "$dir" || return
	mkdir -m 0755 -- "$dir"/{bin,dev,etc,proc,sys} || return
	mkdir -m 0700 -- "$dir/root" || return
	mkdir -m 1777 -- "$dir/tmp" || return
	cp -- "$CINCH_BUSYBOX" "$dir/bin/busybox" || return
	chmod 0755 -- "$dir/bin/busybox" || return
	for applet in "${CINCH_APPLETS[@]}"; do
		grep -qxF -- "$applet" <<<"$list" || {
			fail "$CINCH_BUSYBOX has no applet '$applet'"
			return 1
		}
		ln -s busybox "$dir/bin/$applet" || return
	done
	printf '%s\n' \
		'root:x:0:0:root:/root:/bin/sh' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
		>"$dir/etc/passwd" || return
	printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$dir/etc/group" || return
	chmod 0644 -- "$dir/etc/passwd" "$dir/etc/group"
}

# rootfs_prepare: builds the shared rootfs unless this run already has it.
# It is built aside and renamed into place, so two bats processes of one run
# (bats --jobs) never see half of it.
rootfs_prepare() {
	if [[ -z ${BATS_RUN_TMPDIR:-} ]]; then
		fail "BATS_RUN_TMPDIR is not set (bats >= 1.4 needed)"
		return 1
	fi
	CINCH_ROOTFS=$BATS_RUN_TMPDIR/cinch-rootfs
	export CINCH_ROOTFS
	[[ -x $CINCH_ROOTFS/bin/busybox ]] && return 0

	local tmp
	tmp=$(mktemp -u "$BATS_RUN_TMPDIR/cinch-rootfs.XXXXXX") || return
	if ! rootfs_build "$tmp"; then
		rm -rf -- "$tmp"
		return 1
	fi
	# rename(2) fails if another process got there first; theirs is as good.
	if ! mv -T -- "$tmp" "$CINCH_ROOTFS" 2>/dev/null; then
		rm -rf -- "$tmp"
		if [[ ! -x $CINCH_ROOTFS/bin/busybox ]]; then
			fail "could not install the rootfs at $CINCH_ROOTFS"
			return 1
		fi
	fi
}

# config_set DIR FILTER [JQ_OPTIONS...]: DIR/config.json := FILTER(DIR/config.json).
config_set() {
	local dir=$1 filter=$2 cfg tmp
	shift 2
	cfg=$dir/config.json
	tmp=$dir/.config.json.tmp
	jq "$@" "$filter" "$cfg" >"$tmp" || {
		rm -f -- "$tmp"
		fail "config_set: jq $filter failed on $cfg"
		return 1
	}
	mv -- "$tmp" "$cfg"
}

# make_bundle DIR [ARGS...]: a runnable bundle in DIR (created if needed).
make_bundle() {
	local dir=$1 args arg
	shift
	(($# > 0)) || set -- sleep 100

	rootfs_prepare || return
	mkdir -p -- "$dir" || return
	if [[ -e $dir/rootfs ]]; then
		fail "make_bundle: $dir/rootfs already exists"
		return 1
	fi
	cp -a -- "$CINCH_ROOTFS" "$dir/rootfs" || return
	"$CINCH" spec -b "$dir" || {
		fail "make_bundle: $CINCH spec -b $dir failed"
		return 1
	}
	# One --arg at a time: jq 1.6 takes an argument like "-c" after --args
	# as its own option.
	args='[]'
	for arg; do
		args=$(jq -c --arg a "$arg" '. + [$a]' <<<"$args") || return
	done
	# shellcheck disable=SC2016 # $args is jq's, not the shell's
	config_set "$dir" '.process.args = $args
		| .process.terminal = false
		| .root.readonly = true
		| .root.path = "rootfs"
		| del(.linux.resources.memory, .linux.resources.pids, .linux.resources.cpu)' --argjson args "$args"
}
