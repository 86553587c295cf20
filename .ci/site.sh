#!/usr/bin/env bash
# Builds the course site (Tools/site.sh: docc must report no warning) and checks it in headless
# Chromium (Tools/browser-check: every internal link, three pages without console errors, the
# animation moving). The browser check is skipped, loudly, when Chromium is not installed;
# .ci/run installs it with apt when it can. Screenshots: out/browser-check/.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
echo "== site: the conversion rules (Tools/site/test_make_catalog.py)"
python3 Tools/site/test_make_catalog.py
echo "== site (Tools/site.sh)"
Tools/site.sh out/site
built=$(date +%s)

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    echo "== site: browser check (headless Chromium)"
    python3 Tools/browser-check/browser_check.py site out/site out/browser-check
else
    echo "== site: browser check SKIPPED: no Chromium on PATH (Debian: apt-get install -y chromium)"
fi
echo "== site: built in $((built - start)) s, checked in $(($(date +%s) - built)) s"
