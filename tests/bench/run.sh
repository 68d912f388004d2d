#!/usr/bin/env bash
# `make bench`: the published binary next to its peers, measured in the same run.
#   size of dist/tinyfence; startup (--version) next to /bin/true and monit -V;
#   idle memory and CPU time of the daemon next to monit with an equivalent config; memory
#   while mailing; the cost of one rule tick in process.
# Installs its peers (hyperfine, monit) with apt-get. Needs dist/tinyfence (make publish).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

binary=dist/tinyfence
if [ ! -x "$binary" ]; then
    echo "bench: $binary is missing: run make publish first" >&2
    exit 1
fi

bash tests/scripts/install-deps.sh hyperfine monit

python3 tests/bench/bench.py --binary "$binary" "$@"

# Tick cost: the rule engine driven in process (ns and bytes allocated per tick).
echo
echo "== tick cost (tests/bench/Tinyfence.Bench) =="
dotnet run -c Release --project tests/bench/Tinyfence.Bench
