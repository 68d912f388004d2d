#!/usr/bin/env bash
# Builds dist/tinyfence_VERSION_amd64.deb from the published binary with dpkg-deb alone (no
# debhelper, no network): `make install PREFIX=/usr` into a staging tree, then the control
# files. Root ownership comes from dpkg-deb --root-owner-group, so no fakeroot is needed.
#   build-deb.sh VERSION [OUTDIR]   writes OUTDIR/tinyfence_VERSION_amd64.deb (default dist/)
#   BINARY=FILE                     package this binary instead of dist/tinyfence (tests)
set -euo pipefail

version=${1:?usage: build-deb.sh VERSION [OUTDIR]}
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
outdir=$(mkdir -p "${2:-dist}" && cd "${2:-dist}" && pwd)

staging=$(mktemp -d "$outdir/.deb-staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT
root=$staging/root
deb=$outdir/tinyfence_${version}_amd64.deb

mkdir -p "$root"
# The staging tree is made by the same rule as a manual install, so the two cannot drift apart.
make --no-print-directory install BINARY="$(realpath "${BINARY:-dist/tinyfence}")" \
    DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc >/dev/null

# Owned by root and the admin's to read: the umask of whoever builds must not leak into it.
find "$root" -type d -exec chmod 0755 {} +

install -d -m 0755 "$root/DEBIAN"
installed_kib=$(du -sk --apparent-size "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@INSTALLED_SIZE@|$installed_kib|" \
    src/packaging/debian/control > "$root/DEBIAN/control"
install -m 0644 src/packaging/debian/conffiles "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    install -m 0755 "src/packaging/debian/$script" "$root/DEBIAN/$script"
done
# Every conffile must be in the package.
while read -r conffile; do
    [ -f "$root$conffile" ] || { echo "build-deb: conffile $conffile is not in the package" >&2; exit 1; }
done < "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"

# xz: what dpkg on Debian 11 and older reads (newer dpkg-deb may default to zstd elsewhere).
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
