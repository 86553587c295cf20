#!/usr/bin/env bash
# Builds the ConvLab website, offline, with the toolchain's own `docc` (no plugin, no package):
# the lectures and the exercises index as articles, the API reference of every public symbol of
# the library, and a landing page. The output is a static site: serve the folder as it is.
#
#   Tools/site.sh                           # writes out/site/
#   Tools/site.sh --base-path /convlab OUT  # for a host that serves the site under /convlab/
#   python3 -m http.server -d out/site      # then open http://127.0.0.1:8000/
#
# Steps: `swift package dump-symbol-graph` (a debug build, the one `swift test` reuses), then
# Tools/site/make_catalog.py (picks the library's modules from Package.swift and the symbol
# graphs, converts Lectures/*.md and Exercises/README.md), then `docc convert
# --transform-for-static-hosting`. Fails when docc reports a warning: a broken link in a lecture
# or a doc comment shows up here, not on the published site.
set -euo pipefail
cd "$(dirname "$0")/.."

base_path=""
out="out/site"
while [ $# -gt 0 ]; do
    case "$1" in
        --base-path) base_path="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) out="$1"; shift ;;
    esac
done
work="out/site-build"

docc_bin=""
if command -v docc >/dev/null 2>&1; then
    docc_bin=$(command -v docc)
elif command -v swift >/dev/null 2>&1 && [ -x "$(dirname "$(readlink -f "$(command -v swift)")")/docc" ]; then
    docc_bin="$(dirname "$(readlink -f "$(command -v swift)")")/docc"
elif command -v xcrun >/dev/null 2>&1; then
    docc_bin=$(xcrun --find docc)
fi
if [ -z "$docc_bin" ]; then
    echo "site.sh: no docc (it ships with the Swift toolchain, next to swift)" >&2
    exit 1
fi

start=$(date +%s)
rm -rf "$work"
mkdir -p "$work"
echo "== site: symbol graphs"
# dump-symbol-graph writes beside the build folder; empty it first, so that a graph left from an
# earlier run cannot stand in for one that failed. It also tries the test bundles' modules,
# which `swift build` does not build, and then exits non-zero: make_catalog.py checks instead
# that every library module has its graph.
graphs="$(dirname "$(swift build --show-bin-path)")/symbolgraph"
rm -rf "$graphs"
swift package dump-symbol-graph --skip-synthesized-members --emit-extension-block-symbols \
    >"$work/symbolgraph.log" 2>&1 || true
if [ ! -d "$graphs" ]; then
    cat "$work/symbolgraph.log" >&2
    echo "site.sh: swift package dump-symbol-graph wrote nothing to $graphs" >&2
    exit 1
fi

echo "== site: catalog"
python3 Tools/site/make_catalog.py . "$graphs" "$work/ConvLab.docc" "$work/symbol-graphs"

echo "== site: docc convert"
hosting=()
if [ -n "$base_path" ]; then
    hosting=(--hosting-base-path "$base_path")
fi
"$docc_bin" convert "$work/ConvLab.docc" \
    --additional-symbol-graph-dir "$work/symbol-graphs" \
    --output-path "$work/ConvLab.doccarchive" \
    --transform-for-static-hosting "${hosting[@]}" >"$work/docc.log" 2>&1 || {
    cat "$work/docc.log" >&2
    echo "site.sh: docc convert failed" >&2
    exit 1
}
warnings=$(grep -c '^warning:' "$work/docc.log" || true)

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$work/ConvLab.doccarchive" "$out"
# DocC's pages live under documentation/; the folder's own address opens the landing page.
cat >"$out/index.html" <<'HTML'
<!doctype html>
<meta charset="utf-8">
<title>ConvLab</title>
<meta http-equiv="refresh" content="0; url=documentation/course/">
<p><a href="documentation/course/">ConvLab: the lectures, the exercises and the API reference</a></p>
HTML

echo "site: $out ($(find "$out" -type f | wc -l) files) in $(( $(date +%s) - start )) s; docc warnings: $warnings"
if [ "$warnings" -gt 0 ]; then
    grep -A6 '^warning:' "$work/docc.log" >&2
    echo "site.sh: docc reported $warnings warning(s) (full log: $work/docc.log)" >&2
    exit 1
fi
