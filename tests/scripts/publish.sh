#!/usr/bin/env bash
# Publishes the static native binary to dist/tinyfence.
#
# Always from a clean intermediate dir: an incremental publish does not re-run the native
# link step (and a CMakeCache.txt copied from another checkout breaks the OpenSSL build).
# Skipped when the inputs are byte-for-byte those of the binary already in dist/: a content
# hash, not mtimes, because rsync and git can set a changed file's mtime into the past.
#   tests/scripts/publish.sh          publish if the inputs changed
#   FORCE=1 tests/scripts/publish.sh  publish anyway
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

project=src/Tinyfence
rid=linux-x64
out=dist/tinyfence
stamp=dist/.tinyfence.inputs

inputs_hash() {
    {
        # The binary's inputs only: not the manual pages or the packaging files beside it.
        find src -type f \( -path '*/bin/*' -o -path '*/obj/*' -o -path 'src/man/*' -o -path 'src/packaging/*' \) -prune -o -type f -print
        find . -maxdepth 1 -type f \( -name 'Directory.Build.*' -o -name 'Directory.Packages.props' \
            -o -name 'global.json' -o -name 'NuGet.config' -o -name 'nuget.config' -o -name '.editorconfig' \) -print
        echo aot/publish.props
        echo aot/substitutions.xml
        echo aot/startup-order.txt
        echo tests/scripts/publish.sh
    } | LC_ALL=C sort | while read -r f; do
        [ -f "$f" ] && printf '%s\n' "$f" && sha256sum < "$f"
    done | sha256sum | cut -d' ' -f1
}

hash=$(inputs_hash)
if [ "${FORCE:-0}" != 1 ] && [ -x "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    echo "publish: $out is up to date"
    exit 0
fi

rm -rf "$project/obj/Release/net10.0/$rid" "$project/bin/Release/net10.0/$rid" "$stamp"
mkdir -p dist
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "publish: dotnet publish $project -c Release -r $rid"
status=0
dotnet publish "$project" -c Release -r "$rid" -nologo >"$log" 2>&1 || status=$?

# The linker's "statically linked applications" warnings (getpwnam_r, dlopen, getaddrinfo)
# come from the runtime's own native code and are expected. An AOT or trim warning (ILxxxx)
# means reflection or dynamic code the binary cannot honour: it fails the publish even if
# a property that makes it an error is ever dropped.
if grep -Eq 'warning IL[0-9]{4}' "$log"; then
    cat "$log" >&2
    echo "publish: FAILED: AOT/trim warnings (ILxxxx) above" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    cat "$log" >&2
    echo "publish: FAILED (dotnet publish exit $status)" >&2
    exit "$status"
fi
grep -E 'warning' "$log" | grep -v -e 'in statically linked applications requires at runtime' -e 'CMake warning' >&2 || true

cp "$project/bin/Release/net10.0/$rid/publish/tinyfence" "$out.tmp"
# The symbols stripped from the binary: they name the frames of a logged stack trace.
cp "$project/bin/Release/net10.0/$rid/publish/tinyfence.dbg" "$out.dbg"
mv -f "$out.tmp" "$out"
echo "$hash" > "$stamp"
echo "publish: $out ($(stat -c %s "$out") bytes)"
