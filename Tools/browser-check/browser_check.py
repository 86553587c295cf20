#!/usr/bin/env python3
"""Headless Chromium screenshots of ConvLab's pages and pictures (Debian package `chromium`).

    python3 Tools/browser-check/browser_check.py svg-times FILE.svg OUTDIR 0.5 3.5 ...
        one PNG per time: the animated SVG frozen T seconds into its loop (OUTDIR/NAME-at-T.png)
    python3 Tools/browser-check/browser_check.py svg-live FILE.svg OUT.png MILLISECONDS
        the SVG as an <img>, left to play for MILLISECONDS of Chromium's virtual time
    python3 Tools/browser-check/browser_check.py site SITE OUTDIR
        the site Tools/site.sh built, served on 127.0.0.1: every internal link, then the landing
        page, a lecture with an animation and an API page in Chromium (see site_check.py)

`svg-times` inlines the SVG into a small HTML page whose style sets, on every animated element
(class `k`, see Sources/ConvLabAnimation/Animation/AnimationSVG.swift), `animation-delay: -T s` and
`animation-play-state: paused`: every element's animation starts at 0 with the loop's duration,
so this shows exactly the picture at time T. `svg-live` checks the SVG animates on its own, as
an image (how GitHub shows it); Chromium's virtual time moves it on, but not to an exact time.
No network: pages are local files.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from cdp import chromium_binary


def chromium():
    """The Chromium binary, or exit loudly."""
    path = chromium_binary()
    if path is None:
        sys.exit("browser_check: no chromium on PATH (Debian: apt-get install -y chromium)")
    return path


def screenshot(url, out, width, height, virtual_time_ms=None):
    """Writes a PNG screenshot of `url` at `width` x `height` CSS pixels to `out`."""
    args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--disable-extensions", "--force-device-scale-factor=1",
            f"--window-size={width},{height}", f"--screenshot={os.path.abspath(out)}"]
    if virtual_time_ms is not None:
        args.append(f"--virtual-time-budget={virtual_time_ms}")
    args.append(url)
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    if result.returncode != 0 or not os.path.exists(out):
        sys.exit(f"browser_check: chromium failed on {url}:\n{result.stderr[-2000:]}")
    return out


def svg_size(svg):
    match = re.search(r'<svg[^>]*\bwidth="(\d+)"[^>]*\bheight="(\d+)"', svg)
    if not match:
        sys.exit("browser_check: the SVG has no width/height")
    return int(match.group(1)), int(match.group(2))


def svg_times(path, outdir, times):
    svg = open(path, encoding="utf-8").read()
    width, height = svg_size(svg)
    os.makedirs(outdir, exist_ok=True)
    name = os.path.splitext(os.path.basename(path))[0]
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        for t in times:
            page = os.path.join(scratch, f"at-{t}.html")
            with open(page, "w", encoding="utf-8") as f:
                f.write("<!doctype html><meta charset=utf-8><style>html,body{margin:0}"
                        f".k{{animation-delay:-{t}s!important;animation-play-state:paused!important}}</style>\n")
                f.write(svg)
            out = os.path.join(outdir, f"{name}-at-{t}.png")
            written.append(screenshot("file://" + page, out, width, height))
    return written


def svg_live(path, out, milliseconds):
    svg = open(path, encoding="utf-8").read()
    width, height = svg_size(svg)
    with tempfile.TemporaryDirectory() as scratch:
        page = os.path.join(scratch, "live.html")
        shutil.copy(path, os.path.join(scratch, "picture.svg"))
        with open(page, "w", encoding="utf-8") as f:
            f.write("<!doctype html><meta charset=utf-8><style>html,body{margin:0}</style>"
                    f'<img src="picture.svg" width="{width}" height="{height}">')
        return screenshot("file://" + page, out, width, height, virtual_time_ms=int(milliseconds))


def main(argv):
    if len(argv) >= 4 and argv[1] == "svg-times":
        for out in svg_times(argv[2], argv[3], argv[4:]):
            print(out)
    elif len(argv) == 5 and argv[1] == "svg-live":
        print(svg_live(argv[2], argv[3], argv[4]))
    elif len(argv) == 4 and argv[1] == "site":
        import site_check
        sys.exit(site_check.run(argv[2], argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
