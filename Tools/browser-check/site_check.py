"""The browser check of the ConvLab site (`browser_check.py site SITE OUTDIR`).

Serves SITE (the folder Tools/site.sh wrote) on 127.0.0.1 at a free port, from a thread of this
process (the standard library's http.server), and checks:

1. Links. Every page of a DocC site has a data file (`data/documentation/....json`) that lists
   what the page links to. Starting at the landing page, the crawl fetches every linked page
   (its HTML and its data file), every picture and every `#anchor`'s heading, from the server.
   Any 404 or missing anchor is a broken link.
2. Three pages in headless Chromium, driven over the DevTools pipe (cdp.py): the landing page
   (opened from the site's root address, which must lead there), a lecture with an animated
   SVG, and an API page. Each must render its title and text, log no console error, uncaught
   exception or failed request, and every link and picture in its rendered DOM must load.
   Screenshots go to OUTDIR.
3. The animation moves: the picture on the lecture page, photographed at two moments a few
   seconds apart, must differ (and both shots are written to OUTDIR to look at).
"""
import functools
import http.server
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from cdp import Browser, CDPError

SAFE = "/:()@!$&'*+,;=-._~"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # Chromium drops connections it no longer needs (a broken pipe); nothing to report


class Server:
    """http.server on 127.0.0.1 at a port the system picks, in a daemon thread."""

    def __init__(self, root):
        handler = functools.partial(QuietHandler, directory=root)
        self.httpd = QuietServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class Report:
    def __init__(self):
        self.failures = []
        self.notes = []

    def fail(self, message):
        self.failures.append(message)
        print(f"FAIL {message}")

    def ok(self, message):
        self.notes.append(message)
        print(f"ok   {message}")


def fetch(base, path):
    """(status, bytes) of a path on the local server; redirects are followed."""
    url = base + urllib.parse.quote(path, safe=SAFE)
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def data_path(page):
    """The data file of a page path: /documentation/course/01-convolution -> /data/documentation/course/01-convolution.json."""
    return "/data" + page.rstrip("/").lower() + ".json"


def anchors_of(node, found):
    """Every `anchor` a page's data declares (headings, topic and see-also sections)."""
    if isinstance(node, dict):
        if isinstance(node.get("anchor"), str):
            found.add(node["anchor"])
        for value in node.values():
            anchors_of(value, found)
    elif isinstance(node, list):
        for value in node:
            anchors_of(value, found)
    return found


def crawl(base, landing, report):
    """Fetches every page, picture and anchor reachable from the landing page's data.
    Returns {page path: its data}."""
    pages, queue, checked_files, wanted_anchors = {}, [landing], set(), []
    while queue:
        page = queue.pop()
        if page in pages:
            continue
        status, body = fetch(base, data_path(page))
        if status != 200:
            report.fail(f"link to {page}: its data {data_path(page)} answers {status}")
            pages[page] = None
            continue
        status_html, _ = fetch(base, page.rstrip("/") + "/")
        if status_html != 200:
            report.fail(f"link to {page}: the page answers {status_html}")
        data = json.loads(body)
        pages[page] = data
        for reference in data.get("references", {}).values():
            if reference.get("type") == "topic" and reference.get("url"):
                path, _, anchor = reference["url"].partition("#")
                if anchor:
                    wanted_anchors.append((page, path, anchor))
                queue.append(path)
            for variant in reference.get("variants", []):  # pictures, downloads
                url = variant.get("url", "")
                if url.startswith("/") and url not in checked_files:
                    checked_files.add(url)
                    if fetch(base, url)[0] != 200:
                        report.fail(f"{page}: the file {url} is missing")
    for page, path, anchor in wanted_anchors:
        data = pages.get(path)
        if data is not None and anchor not in anchors_of(data, set()):
            report.fail(f"{page}: links to {path}#{anchor}, which has no such heading")
    good = sum(1 for d in pages.values() if d is not None)
    report.ok(f"crawl: {good} pages, {len(checked_files)} pictures and files, {len(wanted_anchors)} anchors, "
              f"all from {base}")
    return {p: d for p, d in pages.items() if d is not None}


def animated_lecture(site, pages):
    """(page path, picture url) of the first article, in path order, showing an animated SVG."""
    for path in sorted(pages):
        data = pages[path]
        if data.get("kind") != "article":
            continue
        for reference in data.get("references", {}).values():
            for variant in reference.get("variants", []) if reference.get("type") == "image" else []:
                url = variant.get("url", "")
                file = os.path.join(site, url.lstrip("/"))
                if url.endswith(".svg") and os.path.isfile(file) and "@keyframes" in open(file, encoding="utf-8").read():
                    return path, url
    return None, None


RENDERED = """(() => {
  const h1 = document.querySelector('main h1, h1');
  const main = document.querySelector('main');
  return h1 && main && main.innerText.length > 200 ? h1.innerText.trim() : null;
})()"""

DOM_LINKS = """Array.from(new Set([
  ...Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  ...Array.from(document.querySelectorAll('img[src]')).map(i => i.src)]))"""


def check_page(browser, base, path, name, outdir, report, expect_title=None):
    """Opens a page, waits for DocC to render it, screenshots it, checks its console and links."""
    page = browser.new_page(1280, 900)
    page.navigate(base + urllib.parse.quote(path, safe=SAFE), settle=1.0)
    try:
        title = page.wait_for(RENDERED, timeout=30)
    except CDPError:
        report.fail(f"{name}: {path} did not render a title and text within 30 s")
        return page, None
    if expect_title and expect_title not in title:
        report.fail(f"{name}: title {title!r}, expected {expect_title!r}")
    # Let the pictures in view load before the screenshot (DocC loads the others lazily).
    page.wait_for("Array.from(document.images).filter(i => i.getBoundingClientRect().top < innerHeight)"
                  ".every(i => i.complete)", timeout=30)
    shot = os.path.join(outdir, f"site-{name}.png")
    with open(shot, "wb") as f:
        f.write(page.screenshot())
    location = page.evaluate("location.pathname")
    broken = []
    for link in page.evaluate(DOM_LINKS):
        parts = urllib.parse.urlsplit(link)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue  # another site: not checked (the check runs offline)
        status, _ = fetch(base, urllib.parse.unquote(parts.path))
        if status != 200:
            broken.append(f"{status} {parts.path}")
    for problem in broken:
        report.fail(f"{name}: broken link in the rendered page: {problem}")
    for problem in page.problems + page.failed_requests:
        report.fail(f"{name}: console: {problem}")
    if not broken and not page.problems and not page.failed_requests:
        report.ok(f"{name}: {location} renders {title!r}, no console error, every link loads; {shot}")
    return page, title


def check_animation(page, picture, outdir, report, gap=1.5, tries=6):
    """Photographs the animated picture every `gap` seconds until two shots differ.

    Headless Chromium advances an SVG's animation inside an <img> but does not repaint the
    <img> by itself (a visible browser repaints every frame). So before each shot the <img> is
    made to repaint: its opacity is set to 0.999 for one throwaway shot, then cleared for the
    kept one. Every kept shot is taken in the same state, so any difference between two is the
    animation's own."""
    selector = json.dumps(f"img[src$={json.dumps(picture)}]")
    image = f"document.querySelector({selector})"
    if not page.evaluate(f"(() => {{ const i = {image}; if (!i) return false;"
                         " i.scrollIntoView({block: 'center'}); return true; })()"):
        report.fail(f"lecture: no <img> showing {picture}")
        return
    page.wait_for(f"(() => {{ const i = {image}; return i.complete && i.naturalWidth > 0; }})()", timeout=30)
    page.browser.pump(0.5)
    box = page.evaluate(f"(() => {{ const r = {image}.getBoundingClientRect();"
                        " return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; })()")
    with open(os.path.join(outdir, "site-lecture-animation-in-view.png"), "wb") as f:
        f.write(page.screenshot())

    def repainted_shot():
        page.evaluate(f"{image}.style.opacity = '0.999'")
        page.screenshot(clip=box)
        page.evaluate(f"{image}.style.opacity = ''")
        return page.screenshot(clip=box)

    shots = [repainted_shot()]
    for _ in range(tries):
        time.sleep(gap)
        shots.append(repainted_shot())
        if shots[-1] != shots[0]:
            break
    first, second = shots[0], shots[-1]
    paths = []
    for k, png in enumerate((first, second), 1):
        paths.append(os.path.join(outdir, f"site-animation-{k}.png"))
        with open(paths[-1], "wb") as f:
            f.write(png)
    if first == second:
        report.fail(f"lecture: {picture} shows the same picture for {gap * tries:.0f} s: it does not animate")
    else:
        report.ok(f"lecture: {picture} changes within {gap * (len(shots) - 1):.1f} s ({paths[0]}, {paths[1]})")


def run(site, outdir, api="/reference/conv2dforward"):
    """The whole check; returns 0 when it passes."""
    site = os.path.abspath(site)
    if not os.path.isfile(os.path.join(site, "index.html")):
        print(f"site_check: {site} holds no site (build it with Tools/site.sh)")
        return 1
    os.makedirs(outdir, exist_ok=True)
    report = Report()
    started = time.monotonic()
    with Server(site) as server:
        base = server.base
        landing = "/documentation/course"
        pages = crawl(base, landing, report)
        lecture, picture = animated_lecture(site, pages)
        if lecture is None:
            report.fail("no lecture page shows an animated SVG")
        report.ok(f"crawl took {time.monotonic() - started:.1f} s")
        api_page = next((p for p in sorted(pages, key=len) if api in p and pages[p].get("kind") == "symbol"), None)
        if api_page is None:
            report.fail(f"no API page whose path contains {api}")
        with Browser() as browser:
            page, _ = check_page(browser, base, "/", "landing", outdir, report, expect_title="ConvLab")
            where = page.evaluate("location.pathname")
            if where.rstrip("/") != landing:
                report.fail(f"landing: the site's root leads to {where}, not {landing}")
            if lecture:
                page, _ = check_page(browser, base, lecture, "lecture", outdir, report)
                check_animation(page, picture, outdir, report)
            if api_page:
                check_page(browser, base, api_page, "api", outdir, report)
    seconds = time.monotonic() - started
    if report.failures:
        print(f"site check: {len(report.failures)} problem(s) in {seconds:.0f} s")
        return 1
    print(f"site check: passed in {seconds:.0f} s; screenshots in {outdir}")
    return 0
