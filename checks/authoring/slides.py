"""``python -m checks slides``: every lesson as a slide deck for the projector, offline.

    solutions/NN_name.ipynb --hide_solutions--> --mark_slides--> SlidesExporter
        --> build/slides/NN_name.slides.html

The decks keep the solutions' stored outputs (plots included). reveal.js and KaTeX
come from vendor/ (copied to build/slides/assets/), so presenting needs no network:
copy build/slides/ to a USB stick and open any .html file. The formula sheet
(docs/formula-sheet.md) is rendered next to them as formula-sheet.html.

A cell's slide type is derived here, at build time; the notebooks are never edited.
A cell that carries its own ``slideshow`` metadata (View > Cell toolbar > Slideshow in
Jupyter) keeps it.
"""
import base64
import fnmatch
import hashlib
import io
import re
import shutil
import tarfile
import urllib.request
from pathlib import Path

import nbformat

from ..engine.source import ROOT, solution_notebooks
from ..errors import CourseError
from .build import clear_solutions

VENDOR = ROOT / "vendor"
TEMPLATES = Path(__file__).resolve().parent / "templates"
OUT = ROOT / "build" / "slides"
FORMULA_SHEET = ROOT / "docs" / "formula-sheet.md"


class VendorError(CourseError):
    """vendor/ lacks reveal.js or KaTeX, or a download does not match its checksum."""

# What vendor/ holds: npm package -> (version, the registry's sha512 integrity, files kept).
PACKAGES = {
    "reveal.js": ("5.2.1", "sha512-r7//6mIM5p34hFiDMvYfXgyjXqGRta+/psd9YtytsgRlrpRzFv4RbH76TXd2qD+"
                           "7ZPZEbpBDhdRhJaFgfQ7zNQ==",
                  ["LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/theme/white.css",
                   "dist/theme/fonts/source-sans-pro/LICENSE",
                   "dist/theme/fonts/source-sans-pro/source-sans-pro.css",
                   "dist/theme/fonts/source-sans-pro/*.woff", "plugin/notes/notes.js"]),
    "katex": ("0.16.22", "sha512-XCHRdUw4lf3SKBaJe4EvgqIuWwkPSo9XoeO8GjQW94Bp7TWv9hNhzZjZ+OH9yf1"
                         "UmLygb7DIT5GSFQiyt16zYg==",
              ["LICENSE", "dist/katex.min.js", "dist/katex.min.css",
               "dist/contrib/auto-render.min.js", "dist/fonts/*.woff2"]),
}
REGISTRY = "https://registry.npmjs.org"

LINES_PER_SLIDE = 22     # a (sub)slide holds about this many lines at the template's font size
IMAGE_LINES = 14         # a plot counts as this many lines


# ---- vendor/: fetched once from the npm registry, then used offline -------------------

def fetch_vendor(vendor=VENDOR):
    """Downloads each package's tarball, checks its integrity, keeps only the listed files."""
    for name, (version, integrity, keep) in PACKAGES.items():
        url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
        try:
            data = urllib.request.urlopen(url, timeout=60).read()
        except OSError as e:            # no network, a proxy, a timeout
            raise VendorError(f"could not download {url} ({e}). vendor/ was not changed; "
                              "run again with a network connection.") from None
        algo, digest = integrity.split("-", 1)
        if base64.b64encode(hashlib.new(algo, data).digest()).decode() != digest:
            raise VendorError(f"{url} does not match its registry integrity {integrity}")
        target = vendor / name
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for member in tar.getmembers():
                path = member.name.removeprefix("package/")
                if member.isfile() and any(fnmatch.fnmatch(path, k) for k in keep):
                    out = target / path
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(tar.extractfile(member).read())
        yield target


def copy_assets(out):
    """vendor/<package> -> out/assets/<package>, so the decks' relative links work anywhere."""
    missing = [n for n in PACKAGES if not (VENDOR / n).is_dir()]
    if missing:
        raise VendorError(f"vendor/ lacks {', '.join(missing)}: run "
                                "`python -m checks slides --fetch-vendor` once (needs network).")
    for name in PACKAGES:
        shutil.copytree(VENDOR / name, out / "assets" / name, dirs_exist_ok=True)


# ---- the notebook's steps ---------------------------------------------------------

def heading_level(cell):
    """1 for '# ...', 2 for '## ...', ...; 0 when the markdown cell does not start with a heading."""
    if cell.cell_type != "markdown":
        return 0
    m = re.match(r"(#{1,6})\s", cell.source.lstrip())
    return len(m[1]) if m else 0


def has_image(cell):
    return any(k.startswith("image/") for o in cell.get("outputs", []) for k in o.get("data", {}))


def height(cell):
    """Roughly how many lines a cell takes on a slide: its source, text output and plots."""
    wrap = lambda text: sum(1 + len(line) // 90 for line in text.splitlines())   # noqa: E731
    lines = wrap(cell.source)
    for o in cell.get("outputs", []):
        lines += min(wrap(o.get("text", "") or o.get("data", {}).get("text/plain", "")), 15)
    return lines + IMAGE_LINES * has_image(cell)


def mark_slides(nb):
    """Gives every cell a slide type, unless it has one already:

    - a '#' or '##' heading starts a new slide (left to right);
    - a '###' heading, or a cell that would overflow the screen, starts a sub-slide
      (downwards), and so does a plot when the screen already holds something;
    - every other cell continues the current one ('-').
    """
    used = 0
    for cell in nb.cells:
        show = cell.metadata.setdefault("slideshow", {})
        level, lines = heading_level(cell), height(cell)
        if "slide_type" not in show:
            if level in (1, 2):
                show["slide_type"] = "slide"
            elif level >= 3 or (used and (used + lines > LINES_PER_SLIDE or has_image(cell))):
                show["slide_type"] = "subslide"
            else:
                show["slide_type"] = "-"
        if show["slide_type"] in ("slide", "subslide"):
            used = 0
        if show["slide_type"] not in ("skip", "notes"):
            used += lines
    return nb


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def static_widgets(nb):
    """A deck has no kernel: a widget's output shows its static fallback (the playground's
    picture and sentence) instead of an empty widget view."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]
    return nb


def deck_steps(solutions=False):
    return (static_widgets, mark_slides) if solutions else (clear_solutions, static_widgets, mark_slides)


def deck(path, solutions=False):
    """The notebook as it goes on the projector: solution regions stubbed unless asked."""
    nb = nbformat.read(path, as_version=4)
    for step in deck_steps(solutions):
        nb = step(nb)
    return nb


# ---- export ---------------------------------------------------------------------------

def exporter():
    from nbconvert import SlidesExporter
    return SlidesExporter(template_name="offline_slides", extra_template_basedirs=[str(TEMPLATES)],
                          reveal_url_prefix="assets/reveal.js", reveal_theme="white",
                          reveal_scroll=True, reveal_number="c/t", reveal_width="1280",
                          reveal_height="800", exclude_input_prompt=True,
                          exclude_output_prompt=True)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="assets/katex/dist/katex.min.css">
<script src="assets/katex/dist/katex.min.js"></script>
<script src="assets/katex/dist/contrib/auto-render.min.js"></script>
<style>
body {{ font-family: sans-serif; max-width: 60em; margin: 1em auto; font-size: 14px; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: left; }}
code {{ font-size: 12px; }}
a.anchor-link {{ display: none; }}
h1 {{ font-size: 1.4em; }} h2 {{ font-size: 1.1em; margin: 0.8em 0 0.2em; }}
@media print {{ body {{ font-size: 11px; margin: 0; }} }}
</style>
</head>
<body>
{body}
<script>
renderMathInElement(document.body, {{delimiters: [
  {{left: "$$", right: "$$", display: true}}, {{left: "$", right: "$", display: false}}],
  throwOnError: false}});
</script>
</body>
</html>
"""


def page(markdown_path):
    """A markdown file with LaTeX as one offline HTML page (for the formula sheet)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    text = Path(markdown_path).read_text(encoding="utf-8")
    title = next((line[2:] for line in text.splitlines() if line.startswith("# ")), "")
    return PAGE.format(title=title, body=markdown2html_mistune(text))


def build_slides(out=OUT, solutions_folder=None, solutions=False):
    """Writes every lesson's deck, the formula sheet and the assets into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    export, written = exporter(), []
    for path in solution_notebooks(solutions_folder):
        body, _ = export.from_notebook_node(deck(path, solutions),
                                            resources={"metadata": {"name": path.stem}})
        target = out / f"{path.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
    if FORMULA_SHEET.exists():
        target = out / "formula-sheet.html"
        target.write_text(page(FORMULA_SHEET), encoding="utf-8")
        written.append(target)
    return written
