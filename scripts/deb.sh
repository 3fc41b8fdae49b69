#!/usr/bin/env bash
# Builds the Debian package (debian/) from a copy of this tree and checks
# it, without installing anything on this host:
#
#   1. copies the files git knows (tracked, and untracked but not ignored:
#      no build output) to a temporary dir, so that the working tree stays
#      clean, and runs `dpkg-buildpackage -us -uc -b` there;
#   2. `dpkg-deb -c`: the package holds /usr/sbin/cinch, cinch(8), every
#      profile and policy preset of Makefile.am and the contrib configs;
#      its control file has no Conflicts, Replaces, Provides or Breaks;
#   3. no file of it belongs to an installed package (`dpkg -S`), runc's
#      and crun's among them: it installs beside them;
#   4. `dpkg --root` installs it into an empty temporary root, runs the
#      installed binary, and purges it again, which must leave no file.
#      That root has a dpkg database of its own, so this host's files and
#      package list are never touched, as `dpkg -i` would touch them; and
#      unlike `dpkg -i --dry-run`, it really unpacks and configures.
#
# The .deb files and the build log go to OUTDIR (default: build/deb).
# usage: scripts/deb.sh [OUTDIR]
set -euo pipefail

die() {
	echo "deb.sh: $*" >&2
	exit 1
}

(($# <= 1)) || die "usage: $0 [OUTDIR]"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
outdir=$(realpath -m -- "${1:-$root/build/deb}")
cd "$root"

for tool in git dpkg-buildpackage dpkg-deb dh; do
	command -v "$tool" >/dev/null || die "no $tool in PATH (scripts/install-deps.sh installs it)"
done
# Step 3 checks against runc and crun only where they are installed: CI
# (CI=true) requires them; elsewhere their absence is said, not skipped
# quietly.
for pkg in runc crun; do
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true) == installed ]] && continue
	[[ ${CI:-} != true ]] ||
		die "$pkg is not installed, so the package cannot be checked against it (scripts/install-deps.sh installs it)"
	echo "deb.sh: warning: $pkg is not installed; the package is checked against the installed packages only" >&2
done

# The package's version is debian/changelog's; its upstream part must be
# configure.ac's, or the package would carry a stale number.
version=$(dpkg-parsechangelog -l debian/changelog -S Version) || die "debian/changelog: cannot read the version"
upstream=$(sed -n 's/^AC_INIT(\[cinch\], \[\([^]]*\)\].*/\1/p' configure.ac)
[[ -n $upstream ]] || die "configure.ac: no AC_INIT([cinch], [VERSION], ...)"
[[ ${version%-*} == "$upstream" ]] ||
	die "debian/changelog: version $version does not match configure.ac's $upstream (add a changelog entry)"
arch=$(dpkg --print-architecture)
deb=cinch_${version}_${arch}.deb

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cinch-deb.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
src=$tmp/cinch-$upstream

# 1. Build in a copy.  ls-files lists a deleted file until it is staged;
# only what exists is copied.
echo "deb.sh: copying the tree to $src"
mkdir -p -- "$src"
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		if [[ -e $f || -L $f ]]; then
			printf '%s\0' "$f"
		fi
	done |
	tar --null -T - -cf - | tar -C "$src" -xf -
[[ -x $src/debian/rules ]] || die "debian/rules: missing or not executable in the copy"

echo "deb.sh: dpkg-buildpackage -us -uc -b (log: $outdir/build.log)"
mkdir -p -- "$outdir"
log=$outdir/build.log
# The caller's DEB_BUILD_OPTIONS (nocheck, say) are kept.
DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=$(nproc)"
export DEB_BUILD_OPTIONS
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	echo "deb.sh: dpkg-buildpackage failed; end of $log:" >&2
	tail -n 60 -- "$log" >&2
	exit 1
fi
[[ -f $tmp/$deb ]] || die "dpkg-buildpackage made no $deb; it made: $(cd "$tmp" && echo *.deb)"
echo "deb.sh: built $deb in ${SECONDS}s"

# 2. Contents and relations.
listing=$(dpkg-deb -c "$tmp/$deb") || die "$deb: dpkg-deb -c failed"
# `./usr/sbin/cinch` from the last field of each line (no link in it).
mapfile -t paths < <(awk '{ print substr($NF, 2) }' <<<"$listing")
want=(/usr/sbin/cinch /usr/share/man/man8/cinch.8.gz)
for f in profiles/*.json profiles/policy/*.json; do
	want+=("/usr/share/cinch/$f")
done
while IFS= read -r f; do
	want+=("/usr/share/doc/cinch/examples/${f#contrib/}")
done < <(git ls-files contrib)
missing=()
for f in "${want[@]}"; do
	printf '%s\n' "${paths[@]}" | grep -qxF -- "$f" || missing+=("$f")
done
((${#missing[@]} == 0)) || die "$deb lacks: ${missing[*]}"
grep -q '^-rwxr-xr-x root/root .* \./usr/sbin/cinch$' <<<"$listing" ||
	die "$deb: /usr/sbin/cinch is not a root-owned 0755 file: $(grep -F ./usr/sbin/cinch <<<"$listing")"
for field in Conflicts Replaces Provides Breaks; do
	value=$(dpkg-deb -f "$tmp/$deb" "$field")
	[[ -z $value ]] || die "$deb: $field: $value (it must install beside runc and crun)"
done

# 3. No file that an installed package owns.
files=()
while read -r mode _ _ _ _ name _; do
	[[ $mode == d* ]] || files+=("${name#.}")
done <<<"$listing"
owned=$(dpkg -S "${files[@]}" 2>/dev/null || true)
[[ -z $owned ]] || die "$deb: files that installed packages own already:"$'\n'"$owned"

# 4. Into an empty root and out again.
inst=$tmp/root
mkdir -p -- "$inst/var/lib/dpkg/info" "$inst/var/lib/dpkg/updates"
: >"$inst/var/lib/dpkg/status"
dpkg --root="$inst" --force-script-chrootless --force-not-root -i "$tmp/$deb" >"$tmp/dpkg.log" 2>&1 ||
	die "dpkg --root -i $deb failed: $(cat -- "$tmp/dpkg.log")"
[[ $(dpkg-query --admindir="$inst/var/lib/dpkg" -W -f='${db:Status-Status}' cinch) == installed ]] ||
	die "$deb: not installed in $inst after dpkg -i"
got=$("$inst/usr/sbin/cinch" --version) || die "the installed /usr/sbin/cinch --version failed"
[[ $got == *"$upstream"* ]] || die "the installed cinch --version says '$got', expected $upstream"
# --disable-tree-profiles: no path of the build dir in the binary.
! grep -qaF -- "$tmp" "$inst/usr/sbin/cinch" || die "$deb: /usr/sbin/cinch names a path under the build dir $tmp"
dpkg --root="$inst" --force-script-chrootless --force-not-root --purge cinch >>"$tmp/dpkg.log" 2>&1 ||
	die "dpkg --root --purge cinch failed: $(cat -- "$tmp/dpkg.log")"
left=$(cd "$inst" && find . -path ./var/lib/dpkg -prune -o ! -type d -print)
[[ -z $left ]] || die "dpkg --purge cinch left: $left"

cp -- "$tmp"/*.deb "$outdir"/
echo "deb.sh: $outdir/$deb: ${#paths[@]} paths, none of another package's; installed into and purged from a scratch root (${SECONDS}s in all)"
