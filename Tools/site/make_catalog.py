#!/usr/bin/env python3
"""Writes the DocC catalog of the ConvLab site: run by Tools/site.sh, not by hand.

    make_catalog.py REPO SYMBOL_GRAPHS CATALOG SITE_GRAPHS

- REPO: the package root.
- SYMBOL_GRAPHS: the directory `swift package dump-symbol-graph` wrote.
- CATALOG: the `.docc` directory to create (replaced if it exists).
- SITE_GRAPHS: the directory to fill with the symbol graphs of the library's modules.

The library's modules are the ones a library product of Package.swift is built from (the
product's targets and their target dependencies, never test or executable targets), that have a
symbol graph; a target whose source folder is a symlink to another's (ConvLabSIMDAVX2) is the
same code and is documented once. Nothing here names a module.

The pages: the landing page (Tools/site/Landing.md plus the Topics that curate everything), one
article per `Lectures/NN-*.md`, the lectures' overview (`Lectures/README.md`), the exercises
index (`Exercises/README.md`), and one page per Swift file those texts link to. Each text is
converted for DocC:

- the doc-test's HTML comments (`<!-- output: name -->`, `<!-- code: name -->`) are dropped;
- a `<details><summary>S</summary> ... </details>` block becomes an aside titled S, open;
- links to a converted text become `<doc:>` links, GitHub anchors (`#the-capstone`) become
  DocC's (`#The-capstone`); links to a Swift file go to its page; links to anything else in the
  repository become the path in code voice (the site has no copy of it);
- pictures (`figures/*.svg`, `*.png`) are copied into the catalog; a picture the repository
  does not hold (a generated, git-ignored file) becomes a sentence naming it;
- inline HTML outside code (`Tensor<Double>` typed without backticks) is escaped so it shows.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\))?[^()\s<>]*)>?(\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# The catalog's name: articles live at documentation/course/NAME, and every link to one is
# written `<doc:Course/NAME>`, so that a section heading of the same name never captures it.
BUNDLE = "Course"


# -- modules -------------------------------------------------------------------------------------

def library_modules(repo, graphs):
    """The library's module names, products' own targets first, then what they depend on."""
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=repo, check=True,
                                         stdout=subprocess.PIPE, text=True).stdout)
    targets = {t["name"]: t for t in manifest["targets"]}
    order = []
    queue = [name for product in manifest["products"] if "library" in product["type"]
             for name in product["targets"]]
    while queue:
        name = queue.pop(0)
        target = targets.get(name)
        if name in order or target is None or target["type"] != "regular":
            continue
        order.append(name)
        for dependency in target.get("dependencies", []):
            for kind in ("byName", "target"):
                if kind in dependency and dependency[kind][0] in targets:
                    queue.append(dependency[kind][0])
    available = {f.split(".symbols.json")[0].split("@")[0] for f in os.listdir(graphs) if f.endswith(".symbols.json")}
    modules, seen_sources = [], set()
    for name in order:
        target = targets[name]
        source = os.path.realpath(os.path.join(repo, target.get("path") or os.path.join("Sources", name)))
        if source in seen_sources:
            continue
        if name not in available:
            sys.exit(f"make_catalog: no symbol graph of the library module {name} in {graphs}")
        seen_sources.add(source)
        modules.append(name)
    return modules


def check_spi(repo, modules):
    """The Swift Package Index documents the targets `.spi.yml` names: the same modules as the site."""
    path = os.path.join(repo, ".spi.yml")
    if not os.path.isfile(path):
        return [".spi.yml is missing"]
    with open(path, encoding="utf-8") as f:
        match = re.search(r"documentation_targets:\s*\[([^\]]*)\]", f.read())
    named = {t.strip() for t in match.group(1).split(",")} if match else set()
    return [f".spi.yml's documentation_targets: add {m}" for m in modules if m not in named] + \
           [f".spi.yml's documentation_targets: {t} is not a library module" for t in sorted(named - set(modules))]


def copy_graphs(graphs, modules, out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for f in sorted(os.listdir(graphs)):
        if f.endswith(".symbols.json") and f.split(".symbols.json")[0].split("@")[0] in modules:
            shutil.copy(os.path.join(graphs, f), out)


# -- anchors -------------------------------------------------------------------------------------

def plain_heading(text):
    """The text of a heading as a reader sees it: no code ticks, emphasis or link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return text.replace("`", "").replace("*", "").strip()


def github_slug(text):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes."""
    text = plain_heading(text).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def docc_fragment(text):
    """DocC's anchor of a heading (swift-docc's urlReadableFragment): whitespace and dash runs
    become one dash, punctuation other than the dash is removed, case is kept."""
    words = [w for w in re.split(r"[\s\-\u2013\u2014]+", plain_heading(text)) if w]
    fragment = "-".join(words)
    return "".join(ch for ch in fragment if ch == "-" or not is_punctuation(ch))


def is_punctuation(ch):
    return unicodedata.category(ch).startswith("P") or ch == "`"


def scan(markdown):
    """Each line of a Markdown text with whether it belongs to a fenced code block (fences included)."""
    fence = None
    for line in markdown.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(2)
            yield line, True
        elif fence is not None:
            if match and match.group(2).startswith(fence) and not match.group(3).strip():
                fence = None
            yield line, True
        else:
            yield line, False


def headings(markdown):
    """GitHub slug -> DocC fragment for each heading outside code blocks."""
    anchors, counts = {}, {}
    for line, is_code in scan(markdown):
        heading = None if is_code else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            slug = github_slug(heading.group(1))
            n = counts.get(slug, 0)
            counts[slug] = n + 1
            anchors[slug if n == 0 else f"{slug}-{n}"] = docc_fragment(heading.group(1))
    return anchors


# -- one text ------------------------------------------------------------------------------------

class Site:
    def __init__(self, repo, catalog):
        self.repo = repo
        self.catalog = catalog
        self.pages = {}        # repo path of a converted text -> article name
        self.anchors = {}      # article name -> {github slug: docc fragment}
        self.code_pages = {}   # repo path of a linked Swift file -> article name
        self.curated_by = {}   # article name -> names of the code pages it curates
        self.pictures = {}     # file name in the catalog -> repo path
        self.problems = []

    def add_text(self, path, name):
        self.pages[path] = name
        with open(os.path.join(self.repo, path), encoding="utf-8") as f:
            self.anchors[name] = headings(f.read())

    def convert(self, path):
        name = self.pages[path]
        with open(os.path.join(self.repo, path), encoding="utf-8") as f:
            text = f.read()
        base = os.path.dirname(path)
        out, in_comment, after_summary = [], False, False
        quote = ""  # "> " inside a <details> block, which becomes an aside
        for line, is_code in scan(text):
            if after_summary and not line.strip():
                after_summary = False
                continue  # the aside's title already has its blank line
            after_summary = False
            if is_code:
                out.append(quote + line)
                continue
            # HTML comments (the doc-test's markers), possibly over several lines.
            if in_comment:
                if "-->" not in line:
                    continue
                line, in_comment = line.split("-->", 1)[1], False
            line = re.sub(r"<!--.*?-->", "", line)
            if "<!--" in line:
                line, in_comment = line.split("<!--", 1)[0], True
            stripped = line.strip()
            details = re.match(r"<details(\s+open)?>\s*", stripped, re.IGNORECASE)
            if details:
                quote, stripped = "> ", stripped[details.end():]
            summary = re.fullmatch(r"<summary>(.*)</summary>", stripped, re.IGNORECASE)
            if summary:
                # DocC shows "> Name: text" as an aside titled Name; the name ends at the first colon.
                out += [f"> {summary.group(1).replace(':', ' -').strip()}:", ">"]
                after_summary = True
                continue
            if stripped.lower() == "</details>":
                quote = ""
                out.append("")
                continue
            if details and not stripped:
                continue
            out.append(quote + self.rewrite_inline(line, base, name) if stripped else quote.rstrip())
        if quote:
            self.problems.append(f"{path}: a <details> block is not closed")
        result = "\n".join(out).rstrip() + "\n"
        code = self.curated_by.get(name)
        if code:
            result += "\n## Topics\n\n### Source\n\n" + "".join(f"- <doc:{BUNDLE}/{c}>\n" for c in code)
        return result

    def rewrite_inline(self, line, base, name):
        """Rewrites the links and pictures of one line, and escapes stray HTML, outside code spans."""
        out, prose, i = [], 0, 0
        while i < len(line):
            if line[i] == "`":
                run = len(line[i:]) - len(line[i:].lstrip("`"))
                close = re.compile(r"(?<!`)" + "`" * run + r"(?!`)").search(line, i + run)
                if close is None:
                    i += run
                    continue
                out += [escape_html(line[prose:i]), line[i:close.end()]]
                i = prose = close.end()
                continue
            match = LINK.match(line, i) if line[i] in "[!" else None
            if match:
                out += [escape_html(line[prose:i]), self.rewrite_link(match, base, name)]
                i = prose = match.end()
                continue
            i += 1
        out.append(escape_html(line[prose:]))
        return "".join(out)

    def rewrite_link(self, match, base, name):
        bang, label, target = match.group(1), match.group(2), match.group(3)
        if SCHEME.match(target):
            return match.group(0)
        path, _, fragment = target.partition("#")
        if path == "":
            return f"[{label}](<doc:{BUNDLE}/{name}#{self.fragment(name, fragment)}>)"
        full = os.path.normpath(os.path.join(base, path))
        on_disk = os.path.join(self.repo, full)
        if os.path.isdir(on_disk) and os.path.exists(os.path.join(on_disk, "README.md")):
            full = os.path.join(full, "README.md")
        if bang:
            return self.picture(label, full)
        if full in self.pages:
            article = self.pages[full]
            anchor = f"#{self.fragment(article, fragment)}" if fragment else ""
            return f"[{label}](<doc:{BUNDLE}/{article}{anchor}>)"
        if full.endswith(".swift") and os.path.isfile(on_disk):
            page = self.code_page(full, name)
            return f"[{label}](<doc:{BUNDLE}/{page}>)"
        # Anything else stays in the repository: show where, as code.
        shown = label if label.startswith("`") else f"`{full}`" if label in (path, full, target) else f"{label} (`{full}`)"
        return shown

    def fragment(self, article, slug):
        anchors = self.anchors.get(article, {})
        if slug not in anchors:
            self.problems.append(f"{article}: no heading for the anchor #{slug}")
            return slug
        return anchors[slug]

    def copy_picture(self, full):
        file = os.path.basename(full)
        if self.pictures.get(file, full) != full:
            self.problems.append(f"two pictures named {file}: {self.pictures[file]} and {full}")
            return None
        self.pictures[file] = full
        os.makedirs(os.path.join(self.catalog, "Resources"), exist_ok=True)
        shutil.copy(os.path.join(self.repo, full), os.path.join(self.catalog, "Resources", file))
        return file

    def picture(self, alt, full):
        if os.path.isfile(os.path.join(self.repo, full)):
            file = self.copy_picture(full)
            if file:
                return f"![{alt}]({file})"
        return f"*(The picture `{full}` is generated and not in the repository: {alt}.)*"

    def code_page(self, full, linked_from):
        if full not in self.code_pages:
            stem = os.path.splitext(os.path.basename(full))[0]
            page = f"source-{stem}"
            if page in self.code_pages.values():
                page = "source-" + re.sub(r"[^A-Za-z0-9]+", "-", os.path.splitext(full)[0])
            self.code_pages[full] = page
            self.curated_by.setdefault(linked_from, []).append(page)
        return self.code_pages[full]

    def write_code_page(self, full, page):
        with open(os.path.join(self.repo, full), encoding="utf-8") as f:
            source = f.read()
        ticks = "```"
        while ticks in source:
            ticks += "`"
        return (f"# {os.path.basename(full)}\n\n"
                f"The file `{full}` of the repository, as the site was built from it.\n\n"
                f"{ticks}swift\n{source.rstrip()}\n{ticks}\n")


INFO_PLIST = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>CFBundleDisplayName</key>
    <string>{name}</string>
    <key>CFBundleIdentifier</key>
    <string>convlab</string>
</dict>
</plist>
"""


def escape_html(text):
    """Inline HTML outside code (`<Double>`, `<summary>` left in a line) would vanish in DocC."""
    return re.sub(r"<(?=[A-Za-z/!])", r"\\<", text)


# -- the catalog ---------------------------------------------------------------------------------

def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    repo, graphs, catalog, site_graphs = (os.path.abspath(a) for a in argv[1:])
    modules = library_modules(repo, graphs)
    copy_graphs(graphs, modules, site_graphs)

    shutil.rmtree(catalog, ignore_errors=True)
    os.makedirs(catalog)
    site = Site(repo, catalog)
    lectures = sorted(f for f in os.listdir(os.path.join(repo, "Lectures")) if re.match(r"^\d\d-.*\.md$", f))
    texts = [(f"Lectures/{f}", f[:-3]) for f in lectures]
    extras = [("Lectures/README.md", "Lectures"), ("Exercises/README.md", "Exercises")]
    texts += [(path, name) for path, name in extras if os.path.isfile(os.path.join(repo, path))]
    for path, name in texts:
        site.add_text(path, name)
    # Convert the texts in reading order, so a Swift file's page hangs under the first text that links to it.
    for path, name in texts:
        converted = site.convert(path)
        with open(os.path.join(catalog, f"{name}.md"), "w", encoding="utf-8") as f:
            f.write(converted)
    for full, page in site.code_pages.items():
        with open(os.path.join(catalog, f"{page}.md"), "w", encoding="utf-8") as f:
            f.write(site.write_code_page(full, page))

    with open(os.path.join(repo, "Tools", "site", "Landing.md"), encoding="utf-8") as f:
        landing = f.read().rstrip() + "\n"
    topics = ["## Topics", "", "### Start here", ""]
    topics += [f"- <doc:{BUNDLE}/{name}>" for _, name in extras if name in site.anchors]
    topics += ["", "### The modules", ""] + [f"- <doc:{BUNDLE}/{f[:-3]}>" for f in lectures]
    topics += ["", "### API reference", ""] + [f"- ``{m}``" for m in modules]
    with open(os.path.join(catalog, f"{BUNDLE}.md"), "w", encoding="utf-8") as f:
        f.write(landing + "\n" + "\n".join(topics) + "\n")
    with open(os.path.join(catalog, "Info.plist"), "w", encoding="utf-8") as f:
        f.write(INFO_PLIST.format(name=BUNDLE))
    # The site's name in the navigation bar and the browser's title (swift-docc-render's theme settings).
    with open(os.path.join(catalog, "theme-settings.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": {"title": "ConvLab"}}, f)

    site.problems += check_spi(repo, modules)
    for problem in site.problems:
        print(f"make_catalog: {problem}", file=sys.stderr)
    print(f"modules: {' '.join(modules)}")
    print(f"articles: {len(texts) + len(site.code_pages) + 1}, pictures: {len(site.pictures)}")
    return 1 if site.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
