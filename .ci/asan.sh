#!/usr/bin/env bash
# The whole test suite once under AddressSanitizer (out-of-bounds reads and writes, use after
# free: what the fast kernels' raw pointers could get wrong, and what a bad checkpoint did
# before issue #18's fixes). Its own build folder, so the plain `swift test` that closes CI
# keeps its build. Leak checking is off (the Swift runtime's caches live until exit); any other
# report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== swift test under AddressSanitizer"
start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1} \
    swift test --sanitize=address --scratch-path .build/asan >"$log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    grep -n -A30 "ERROR: AddressSanitizer" "$log" | head -60 >&2 || true
    tail -40 "$log" >&2
fi
grep -E "^(✔|✘) Test run with|Executed .* tests" "$log" || true
echo "asan: $(( $(date +%s) - start )) s, exit $status"
exit "$status"
