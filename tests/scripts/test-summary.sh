#!/usr/bin/env bash
# Adds up the per-assembly results that dotnet test prints and prints one plain closing line,
# e.g. "tests: 42 passed, 0 failed, 0 skipped". Reads both of dotnet test's summary forms:
#   minimal:  "Passed!  - Failed:     0, Passed:     3, Skipped:     0, Total:     3, ..."
#   normal:   "Total tests: 3" then "     Passed: 3" / "     Failed: 0" / "     Skipped: 0"
set -euo pipefail

[ "$#" -gt 0 ] || { echo "usage: $0 DOTNET_TEST_LOG..." >&2; exit 64; }
cat "$@" | awk '
    /^(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
        line = $0
        gsub(/,/, " ", line)
        n = split(line, w, /[ \t]+/)
        for (i = 1; i < n; i++) {
            if (w[i] == "Failed:")  failed  += w[i + 1]
            if (w[i] == "Passed:")  passed  += w[i + 1]
            if (w[i] == "Skipped:") skipped += w[i + 1]
        }
        runs++
        next
    }
    /^Total tests: +[0-9]+/ { in_summary = 1; runs++; next }
    in_summary && /^ +Passed: +[0-9]+ *$/  { passed  += $2; next }
    in_summary && /^ +Failed: +[0-9]+ *$/  { failed  += $2; next }
    in_summary && /^ +Skipped: +[0-9]+ *$/ { skipped += $2; next }
    in_summary { in_summary = 0 }
    END {
        if (runs == 0) { print "tests: no dotnet test summary found" > "/dev/stderr"; exit 1 }
        printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped
        if (passed == 0) { print "tests: no test ran" > "/dev/stderr"; exit 1 }
        exit failed > 0
    }'
