#!/usr/bin/env bash
# Builds tests/tools/sdbm-lookup.c (the apr-util SDBM reader the blocklist tests check the map
# writer against) into OUTPUT, and makes sure httxt2dbm (apache2-utils) is there for the
# comparison tests. Rebuilds only when the source is newer than OUTPUT.
#   tests/scripts/build-sdbm-lookup.sh OUTPUT
set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: $0 OUTPUT" >&2
    exit 64
fi

here=$(cd "$(dirname "$0")" && pwd)
source="$here/../tools/sdbm-lookup.c"
output=$1

"$here/install-deps.sh" gcc libc6-dev pkg-config libaprutil1-dev apache2-utils

if [ -x "$output" ] && [ "$output" -nt "$source" ]; then
    exit 0
fi

mkdir -p "$(dirname "$output")"
# Built beside OUTPUT and renamed, so a test run sharing the folder never runs half a binary.
tmp="$output.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# apr-util-1 does not pull in apr-1 (for apr_app_initialize, pools) on Debian.
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
gcc -O2 -Wall -Wextra -Werror -o "$tmp" "$source" $(pkg-config --cflags --libs apr-util-1 apr-1)
mv -f "$tmp" "$output"
