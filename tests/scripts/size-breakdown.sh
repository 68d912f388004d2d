#!/usr/bin/env bash
# What the static binary is made of: publishes it once more, with the AOT compiler's map
# (IlcGenerateMapFile) and the linker's (-Map), then prints the pieces: OpenSSL, libc, the .NET
# runtime, the shims, and the managed part by assembly and by namespace (size_breakdown.py).
# dist/ is left alone; the numbers are those of the same stripped file publish.sh ships.
#   tests/scripts/size-breakdown.sh     (make size)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

project=src/Tinyfence
rid=linux-x64
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A clean intermediate dir, as publish.sh uses: an incremental publish does not link again.
rm -rf "$project/obj/Release/net10.0/$rid" "$project/bin/Release/net10.0/$rid"
echo "size: dotnet publish $project -c Release -r $rid, with map files" >&2
if ! dotnet publish "$project" -c Release -r "$rid" -nologo \
        -p:IlcGenerateMapFile=true -p:LinkerMapFile="$work/link.map" >"$work/publish.log" 2>&1; then
    cat "$work/publish.log" >&2
    echo "size: FAILED (dotnet publish)" >&2
    exit 1
fi

python3 tests/scripts/size_breakdown.py "$work/link.map" \
    "$project/obj/Release/net10.0/$rid/native/tinyfence.map.xml" \
    "$project/bin/Release/net10.0/$rid/publish/tinyfence"
