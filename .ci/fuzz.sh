#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/build.sh), writes their seed corpora (Fuzz/seeds.py) and
# runs each for FUZZ_SECONDS seconds (default 25): inflate/gzip/zlib, IDX, PNG, PGM/PPM, the
# conformance reader and runner, the checkpoint reader. Fails on any crash, sanitizer report,
# input slower than 10 s, or out-of-memory (2 GB); the input that did it is kept in
# .build/fuzz/artifacts/. Prints how many inputs each target ran.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-25}
targets=(${FUZZ_TARGETS:-Inflate IDX PNG PNM Conformance Checkpoint})

echo "== fuzz (libFuzzer + AddressSanitizer, ${seconds} s per target)"
start=$(date +%s)
Fuzz/build.sh "${targets[@]}"
echo "fuzz build: $(( $(date +%s) - start )) s"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Fuzz/seeds.py "$work/seeds" "${CONVLAB_SHARED:-../shared}/conformance/dev.json"
mkdir -p .build/fuzz/artifacts
for target in "${targets[@]}"; do
    mkdir -p "$work/corpus/$target"
    log="$work/$target.log"
    status=0
    .build/fuzz/fuzz-"$target" "$work/corpus/$target" "$work/seeds/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix=".build/fuzz/artifacts/$target-" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    if [ "$status" -ne 0 ]; then
        echo "fuzz $target: FAILED (exit $status) after ${runs:-?} inputs; the input is in .build/fuzz/artifacts/" >&2
        grep -E "ERROR|Fatal error|SUMMARY|==[0-9]+==|artifact" "$log" | head -20 >&2
        tail -40 "$log" >&2
        exit 1
    fi
    echo "fuzz $target: ${runs} inputs in ${seconds} s, no crash"
done
