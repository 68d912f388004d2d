#!/usr/bin/env bash
# `make bench`: the published binary next to its peers, measured in the same run.
#   size of dist/tinyfence; startup (--version and an empty filter) next to /bin/true and monit -V;
#   idle memory and CPU time of the daemon next to monit with an equivalent config; memory
#   while mailing; the cost of one rule tick and of score-table operations in process (next to
#   a Dictionary); socket requests/s next to redis-server and a C floor server, same load
#   generator (tests/bench/socket_bench.py); Apache with each
#   per-IP check (no check, file access log, C prg: map, mod_security, the Tinyfence adapters),
#   tests/bench/apache_bench.py; Apache behind `firewall nftables` next to Apache with its file
#   access log, from 100,000 real source addresses in a network namespace, and the Apache CPU a
#   blocked address's flood costs (tests/bench/firewall_bench.py, as root).
# Installs its peers (hyperfine, monit, redis, apache2, mod_security, wrk) with apt-get. Needs
# dist/tinyfence (make publish) and gcc (the benches build their C clients and maps).
# SOCKET_BENCH_ARGS, APACHE_BENCH_ARGS and FIREWALL_BENCH_ARGS pass options (--quick, --rounds N) to those three.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

binary=dist/tinyfence
if [ ! -x "$binary" ]; then
    echo "bench: $binary is missing: run make publish first" >&2
    exit 1
fi

bash tests/scripts/install-deps.sh hyperfine valgrind monit redis-server redis-tools

python3 tests/bench/bench.py --binary "$binary" "$@"

# In process: the rule engine's tick cost (ns and bytes allocated per tick), then the score
# table's operations, its shared view, the map's answer and the dispatcher, next to a Dictionary.
echo
echo "== tick cost and score table operations (tests/bench/Tinyfence.Bench) =="
dotnet run -c Release --project tests/bench/Tinyfence.Bench

# Socket requests/s: floor, redis-server and tinyfence driven by the same C load generator,
# interleaved rounds (SOCKET_BENCH_ARGS, e.g. "--quick" or "--rounds 5").
echo
echo "== socket requests (tests/bench/socket_bench.py) =="
python3 tests/bench/socket_bench.py --binary "$binary" ${SOCKET_BENCH_ARGS:-}

# Tables shared through Redis: what one Redis absorbs, block propagation, a node's CPU per hit (issue 17).
echo
echo "== tables shared through Redis (tests/bench/share_bench.py) =="
# shellcheck disable=SC2086 # SHARE_BENCH_ARGS is a list of options
python3 tests/bench/share_bench.py --binary "$binary" ${SHARE_BENCH_ARGS:-}

# Apache requests per second with each per-IP mechanism, as ratios to Apache without one (issue 9).
echo
echo "== Apache per-IP checks (tests/bench/apache_bench.py) =="
bash tests/scripts/install-deps.sh apache2 apache2-utils libapache2-mod-security2 wrk gcc
# shellcheck disable=SC2086 # APACHE_BENCH_ARGS is a list of options
python3 tests/bench/apache_bench.py --binary "$binary" ${APACHE_BENCH_ARGS:-}

# Apache behind the kernel firewall (issue 18): real source addresses, so in a network namespace.
echo
echo "== Apache behind firewall nftables (tests/bench/firewall_bench.py) =="
bash tests/scripts/install-deps.sh nftables iproute2
# shellcheck disable=SC2086 # FIREWALL_BENCH_ARGS is a list of options
python3 tests/bench/firewall_bench.py --binary "$binary" ${FIREWALL_BENCH_ARGS:-}
