#!/usr/bin/env bash
# make fuzz: builds the fuzz targets, instruments tinyfence.dll with SharpFuzz, runs each target
# under afl-fuzz for SECONDS (or, with FUZZ_EXECS=N, until about N executions, SECONDS at most)
# and prints one line per target from afl's fuzzer_stats:
#   TARGET: N execs, N paths, N crashes, N hangs
# Exits 1 if any target crashed or hung (the inputs are in OUT/TARGET/default/{crashes,hangs};
# replay one with: dotnet OUT/bin/Tinyfence.Fuzz.dll TARGET FILE).
#   tests/fuzz/run.sh SECONDS OUT [TARGET...]
set -euo pipefail

seconds=${1:?usage: $0 SECONDS OUT [TARGET...]}
out=${2:?usage: $0 SECONDS OUT [TARGET...]}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
# An absolute path: afl-fuzz checks the program it runs.
dotnet=$(command -v "${DOTNET:-dotnet}")

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
"$dotnet" build "$root/tests/fuzz/Tinyfence.Fuzz" -c Release --nologo -v quiet -o "$out/bin" >"$out/build.log" 2>&1 \
    || { cat "$out/build.log" >&2; exit 1; }
# MimeKit too: the alert-mail target's headers are encoded there.
(cd "$root" && "$dotnet" tool restore >/dev/null \
    && "$dotnet" tool run sharpfuzz "$out/bin/tinyfence.dll" >"$out/instrument.log" \
    && "$dotnet" tool run sharpfuzz "$out/bin/MimeKit.dll" >>"$out/instrument.log")

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <("$dotnet" "$out/bin/Tinyfence.Fuzz.dll" list)
fi

# The runtime is not an afl-instrumented binary (SharpFuzz reports coverage itself); the machine's
# CPU governor and core binding are not ours to set; a JIT's first inputs are slow, hence -t.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1 AFL_QUIET=1 AFL_SKIP_CRASHES=0
scratch=$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/tinyfence-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TINYFENCE_FUZZ_SCRATCH=$scratch
limits=(-V "$seconds")
if [ -n "${FUZZ_EXECS:-}" ]; then
    limits+=(-E "$FUZZ_EXECS")
fi
status=0
for target in "${targets[@]}"; do
    fuzz_status=0
    afl-fuzz -i "$root/fixtures/fuzz/$target" -o "$out/$target" -t 5000 -m none "${limits[@]}" \
        -- "$dotnet" "$out/bin/Tinyfence.Fuzz.dll" "$target" >"$out/$target.log" 2>&1 || fuzz_status=$?
    stats="$out/$target/default/fuzzer_stats"
    if [ ! -f "$stats" ]; then
        echo "$target: afl-fuzz did not start; see $out/$target.log" >&2
        tail -n 20 "$out/$target.log" >&2
        status=1
        continue
    fi
    stat() { sed -n "s/^$1 *: *//p" "$stats"; }
    crashes=$(stat saved_crashes)
    hangs=$(stat saved_hangs)
    echo "$target: $(stat execs_done) execs, $(stat corpus_count) paths, $crashes crashes, $hangs hangs"
    if [ "$crashes" -ne 0 ] || [ "$hangs" -ne 0 ]; then
        status=1
    fi
    # afl-fuzz gives up (exit 1, "PROGRAM ABORT") when the target process itself dies outside an
    # input it could save: the counts above stop there, so the run failed even with 0 crashes.
    if [ "$fuzz_status" -ne 0 ]; then
        echo "$target: afl-fuzz stopped early (exit $fuzz_status): $(grep -a -m1 -A1 'PROGRAM ABORT' "$out/$target.log" \
            | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | tr -s ' \n' ' ')see $out/$target.log" >&2
        status=1
    fi
done
exit $status
