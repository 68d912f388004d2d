#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet, quietly.
# Used by make test-deps (the test tools), tests/bench/run.sh (peers) and a few test scripts. Idempotent: when every
# package is already there it touches neither apt's lists nor the network.
#   tests/scripts/install-deps.sh file debootstrap
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 PACKAGE..." >&2
    exit 64
fi

missing=()
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

# CI runs as root; a developer may have sudo without a password (sudo -n), or neither: then one
# line says what is missing and how to install it, and the caller goes on (the tests that need a
# missing package fail naming it).
as_root=(env DEBIAN_FRONTEND=noninteractive)
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    else
        echo "install-deps: not root and no password-less sudo, so not installed: ${missing[*]}; install them with: sudo $0 ${missing[*]}" >&2
        exit 1
    fi
fi

echo "install-deps: installing ${missing[*]}" >&2
# apt-get update is needed on a fresh machine (empty or stale lists); it is skipped when
# nothing is missing, so a warm machine does no network I/O here.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" apt-get update -qq &&
       "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-deps: FAILED to install ${missing[*]}" >&2
    exit 1
fi
