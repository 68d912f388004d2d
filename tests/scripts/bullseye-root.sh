#!/usr/bin/env bash
# Prints the path of a Debian 11 (bullseye, glibc 2.31) minbase tree, making it first if needed.
#
# The tree is an old userland for the static binary's chroot tests (aot/Tinyfence.Aot.Tests,
# OldUserland/). debootstrap takes about a minute, so the tree is made once per machine and
# kept in a cache dir outside the checkout; a marker written last tells a complete tree from
# an interrupted one, which is thrown away and made again. bullseye is the oldest release the
# Debian mirror reachable here still serves (buster is gone).
#   TFTEST_BULLSEYE_DIR   where the tree lives (default /var/cache/tinyfence-test/bullseye)
#   TFTEST_DEBIAN_MIRROR  mirror URL (default: the one apt uses on this machine)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=${TFTEST_BULLSEYE_DIR:-/var/cache/tinyfence-test/bullseye}
marker="$root/.tinyfence-complete"

if [ "$(id -u)" -ne 0 ]; then
    echo "bullseye-root: debootstrap and chroot need root" >&2
    exit 1
fi

mkdir -p "$(dirname "$root")"
# Two test runs on one machine (CI and a developer) must not debootstrap into the same dir.
exec 9>"$root.lock"
flock 9

if [ -f "$marker" ]; then
    echo "$root"
    exit 0
fi

# The mirror apt already uses here: the one thing known to be reachable.
mirror_url() {
    if [ -n "${TFTEST_DEBIAN_MIRROR:-}" ]; then
        echo "$TFTEST_DEBIAN_MIRROR"
        return
    fi
    local url
    url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -v '^[[:space:]]*#' | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' |
        sed -E 's#[[:space:]]+$##; s#/$##' | head -n 1 || true)
    echo "${url:-http://deb.debian.org/debian}"
}

bash "$here/install-deps.sh" debootstrap

# An interrupted debootstrap can leave proc/sys mounted inside the tree: unmount before rm.
unmount_under() {
    awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r |
        while read -r m; do umount -l "$m" || true; done
}

partial="$root.partial"
for dir in "$root" "$partial"; do
    if [ -e "$dir" ]; then
        unmount_under "$dir"
        rm -rf --one-file-system "$dir"
    fi
done

mirror=$(mirror_url)
log="$(dirname "$root")/debootstrap.log"
echo "bullseye-root: debootstrap --variant=minbase bullseye $root $mirror (log: $log)" >&2
start=$(date +%s)
if ! debootstrap --variant=minbase bullseye "$partial" "$mirror" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    unmount_under "$partial"
    echo "bullseye-root: debootstrap FAILED (mirror $mirror)" >&2
    exit 1
fi
unmount_under "$partial"

version=$(cat "$partial/etc/debian_version")
case "$version" in
    11*) ;;
    *) echo "bullseye-root: expected Debian 11, the tree says $version" >&2; exit 1 ;;
esac
echo "debian $version, made in $(( $(date +%s) - start )) s from $mirror" > "$partial/.tinyfence-complete"
mv "$partial" "$root"
echo "bullseye-root: ready in $(( $(date +%s) - start )) s" >&2
echo "$root"
