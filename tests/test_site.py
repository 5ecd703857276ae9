"""The built book, checked in a real browser (Debian's Chromium driven by playwright).

Every page of ``_build/html`` is served from 127.0.0.1 and opened with every request to any
other host blocked and counted as a failure. A page fails on any outside request, any failed
request or HTTP error (a missing local file too), any console error or uncaught exception, and
any plotly figure that did not draw. A full-page screenshot of each page is saved in
``_build/screenshots/`` for a human to look at. Build the book first with ``make book``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SITE

SCREENSHOTS = ROOT / "_build" / "screenshots"
#: Strings that mark a CDN; none may appear in a committed source file of the book. Written as
#: patterns so that this file does not contain them itself.
CDN_MARKERS = [re.compile(p, re.IGNORECASE) for p in (r"cdn[.]", r"cdnjs[.]", r"unpkg[.]com", r"jsdelivr[.]", r"plot[.]ly/")]
#: Folders of the repository that are not the project's own files.
NOT_OURS = {".venv", "node_modules", "_build", ".git", ".jupyter_cache", ".hypothesis"}


def _pages() -> list[str]:
    if not SITE.is_dir():
        return ["index.html"]
    skip = ("_static", "_sources", "_images")
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html") if not p.relative_to(SITE).parts[0] in skip)


# A figure has drawn when plotly put its main SVG, with a nonzero size, in the figure's div.
_UNDRAWN_FIGURES = """() => Array.from(document.querySelectorAll('.plotly-graph-div')).map((div, i) => {
    const svg = div.querySelector('svg.main-svg');
    const box = svg ? svg.getBoundingClientRect() : null;
    return box && box.width > 0 && box.height > 0 ? null : (div.id || `figure ${i}`);
}).filter(x => x !== null)"""


@pytest.mark.parametrize("path", _pages())
def test_page_loads_offline_and_draws_every_figure(watch, path):
    watch.open(path)
    figures = watch.page.locator(".plotly-graph-div").count()
    if figures:
        try:
            watch.page.wait_for_function(f"() => ({_UNDRAWN_FIGURES})().length === 0", timeout=20_000)
        except Exception:  # noqa: BLE001 - reported below with the figures that stayed blank
            pass
        undrawn = watch.page.evaluate(_UNDRAWN_FIGURES)
        watch.problems += [f"plotly figure not drawn: {name}" for name in undrawn]
    if watch.page.locator(".math").count():
        try:
            watch.page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0",
                                         timeout=20_000)
        except Exception:  # noqa: BLE001 - reported as a problem of the page
            watch.problems.append("the page has math but MathJax typeset none of it")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    watch.page.screenshot(path=str(SCREENSHOTS / (path.replace("/", "__").removesuffix(".html") + ".png")),
                          full_page=True)
    assert not watch.problems, f"{path}:\n" + "\n".join(watch.problems)


def test_every_chapter_was_built(site):
    toc = (ROOT / "_toc.yml").read_text()
    chapters = re.findall(r"(?:root|file):\s*(\S+)", toc)
    missing = [c for c in chapters if not (site / f"{c}.html").is_file()]
    assert chapters and not missing, f"chapters of _toc.yml without a page: {missing}"


def test_search_finds_a_word_from_the_static_files(watch, site):
    watch.open("search.html")
    box = watch.page.locator("input[name='q']:visible").first
    box.fill("subsampling")
    box.press("Enter")
    watch.page.wait_for_url("**/search.html?q=subsampling*")
    results = watch.page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=20_000)
    assert results.count() > 0
    assert any("Reference" in text for text in results.all_inner_texts())
    assert not watch.problems, "\n".join(watch.problems)


def test_pages_name_no_outside_script_or_stylesheet(site):
    tag = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(https?:)?//[^\"]*\"[^>]*>")
    offenders = []
    for page in site.rglob("*.html"):
        for match in tag.finditer(page.read_text(errors="replace")):
            if "<link" in match.group(0) and 'rel="stylesheet"' not in match.group(0) and "preload" not in match.group(0):
                continue  # a plain <link> is navigation metadata, not a download
            offenders.append(f"{page.relative_to(site)}: {match.group(0)[:160]}")
    assert not offenders, "\n".join(offenders)


def test_no_committed_file_names_a_cdn():
    offenders = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in NOT_OURS or not path.is_file():
            continue
        if path.suffix in (".yml", ".yaml", ".py", ".html", ".js", ".ipynb", ".md", ".json", ".toml", ".txt", ""):
            text = path.read_text(errors="replace")
            offenders += [f"{rel}: {m.pattern}" for m in CDN_MARKERS if m.search(text)]
    assert not offenders, "\n".join(offenders)


def test_no_page_names_a_cdn(site):
    """Not even in an inline script: sphinx-thebe's address of thebe is replaced by the book's own copy."""
    offenders = [f"{page.relative_to(site)}: {m.pattern}" for page in site.rglob("*.html")
                 for m in CDN_MARKERS if m.search(page.read_text(errors="replace"))]
    assert not offenders, "\n".join(offenders)


# What a figure shows: its traces' data and its title (sliders and buttons change one or both).
_FIGURE_STATE = """(div) => JSON.stringify([div.data.map(t => [t.x, t.y, t.z, t.text, t.visible]), div.layout.title])"""


def _controls(watch, path):
    """(figure index, kind) for every plotly slider and button bar on a page."""
    watch.open(path)
    watch.page.wait_for_function(f"() => ({_UNDRAWN_FIGURES})().length === 0", timeout=20_000)
    return watch.page.evaluate("""() => Array.from(document.querySelectorAll('.plotly-graph-div')).flatMap(
        (div, i) => [...(div.layout.sliders || []).map(() => [i, 'slider']),
                     ...(div.layout.updatemenus || []).map(() => [i, 'buttons'])])""")


@pytest.mark.parametrize("path", [p for p in _pages() if p.startswith("book/")])
def test_every_plotly_control_changes_its_figure(watch, path):
    controls = _controls(watch, path)
    for index, kind in controls:
        figure = watch.page.locator(".plotly-graph-div").nth(index)
        figure.scroll_into_view_if_needed()
        before = figure.evaluate(_FIGURE_STATE)
        if kind == "slider":
            rail = figure.locator(".slider-rail-touch-rect").first
            box = rail.bounding_box()
            # A click near the rail's right end moves the slider to its last step.
            watch.page.mouse.click(box["x"] + box["width"] - 3, box["y"] + box["height"] / 2)
        else:
            figure.locator(".updatemenu-button").last.click()
        watch.page.wait_for_timeout(700)
        after = figure.evaluate(_FIGURE_STATE)
        assert after != before, f"{path}: the {kind} of figure {index} moved but the figure did not change"
    assert not watch.problems, f"{path}:\n" + "\n".join(watch.problems)


def test_the_book_has_plotly_controls_to_move(watch):
    assert len(_controls(watch, "book/02_shape_arithmetic.html")) >= 1


def test_no_broken_links(site):
    """LinkChecker crawls every built page; outside links are checked by form only (no network here)."""
    checker = Path(sys.executable).with_name("linkchecker")
    done = subprocess.run([str(checker), "--no-status", "--no-warnings", str(site / "index.html")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "0 errors found" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]


def test_pages_stay_light_and_share_one_plotly(site):
    pages = sorted(site.rglob("*.html"))
    heavy = {p.name: p.stat().st_size for p in pages if p.stat().st_size > 2_000_000}
    assert not heavy, f"pages over 2 MB: {heavy}"
    for page in pages:
        text = page.read_text(errors="replace")
        # plotly.js is a cached static file: a page that inlines it would carry its 4 MB licence header.
        assert "plotly.js v" not in text, f"{page.name} inlines plotly.js"
        if "plotly-graph-div" in text:
            assert text.count("vendor/plotly.min.js") == 1, f"{page.name} must load plotly.min.js exactly once"


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("path", _pages())
def test_no_serious_accessibility_violations(watch, path):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make book does)")
    watch.open(path)
    watch.page.add_script_tag(path=str(AXE))
    violations = watch.page.evaluate("""async () => (await axe.run()).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | ')}`)""")
    assert not violations, f"{path}:\n" + "\n".join(violations)


@pytest.mark.parametrize("path", [p for p in _pages() if p.startswith("book/")])
def test_every_figure_has_a_title_and_a_text_alternative(watch, path):
    watch.open(path)
    watch.page.wait_for_function(f"() => ({_UNDRAWN_FIGURES})().length === 0", timeout=20_000)
    unnamed = watch.page.evaluate("""() => Array.from(document.querySelectorAll('.plotly-graph-div')).map((div, i) => {
        const wrapper = div.closest('.lenet5-figure');
        const alt = wrapper ? wrapper.getAttribute('aria-label') : '';
        const title = div.layout && div.layout.title ? (div.layout.title.text || '') : '';
        return alt.trim() && title.trim() ? null : `figure ${i}: alt ${JSON.stringify(alt)}, title ${JSON.stringify(title)}`;
    }).filter(x => x !== null)""")
    assert not unnamed, f"{path}:\n" + "\n".join(unnamed)
