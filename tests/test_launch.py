"""What a chapter page offers besides its text: Binder, Colab and live-code (Thebe) launch
buttons that open this chapter from the repository named once in ``_config.yml``, the Colab
install cell that names the same repository, and the chapter's notebook to download.

The book has no network here: the launch addresses are checked by form, and the live-code
button is pressed in Chromium to see that thebe comes from the book's own folder and asks
mybinder.org (blocked here) for the configured repository and branch. A local Jupyter server
then stands in for Binder, to run a chapter's cells in the page, live explorer included.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from conftest import ROOT, USE_LOCAL_SERVER, tool

colab_cell = tool("colab_cell")

URL, BRANCH = colab_cell.repository()
OWNER_REPO = urlsplit(URL).path.strip("/")
CHAPTERS = [path.stem for path in colab_cell.chapters()]


def _page(site: Path, name: str) -> str:
    return (site / "book" / f"{name}.html").read_text(encoding="utf-8")


def _hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_the_book_has_chapters_and_a_github_repository():
    assert len(CHAPTERS) >= 10
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", URL), URL
    assert BRANCH


@pytest.mark.parametrize("name", CHAPTERS)
def test_launch_buttons_open_this_chapter_from_the_configured_repository(site, name):
    html = _page(site, name)
    hrefs = _hrefs(html)
    assert f"https://mybinder.org/v2/gh/{OWNER_REPO}/{BRANCH}?urlpath=lab/tree/book/{name}.ipynb" in hrefs
    assert f"https://colab.research.google.com/github/{OWNER_REPO}/blob/{BRANCH}/book/{name}.ipynb" in hrefs
    assert "btn-launch-thebe" in html, "no live-code (Thebe) button"
    settings = re.search(r'<script type="text/x-thebe-config">(.*?)</script>', html, re.DOTALL).group(1)
    assert f'repo: "{OWNER_REPO}"' in settings and f'ref: "{BRANCH}"' in settings
    # The buttons open the committed notebook, so it must be where they point.
    assert (ROOT / "book" / f"{name}.ipynb").is_file()


@pytest.mark.parametrize("name", CHAPTERS)
def test_download_button_offers_this_chapters_notebook(site, name):
    links = [h for h in _hrefs(_page(site, name)) if h.endswith(f"_sources/book/{name}.ipynb")]
    assert links, "no download link for the notebook"
    downloaded = site / "book" / links[0]
    assert downloaded.resolve().is_file(), f"{links[0]} is not in the built site"
    offered = nbformat.read(downloaded, as_version=4)
    nbformat.validate(offered)
    committed = nbformat.read(ROOT / "book" / f"{name}.ipynb", as_version=4)
    assert [c.source for c in offered.cells] == [c.source for c in committed.cells]
    assert not any(c.get("outputs") for c in offered.cells), "the download must be the chapter without outputs"


@pytest.mark.parametrize("name", CHAPTERS)
def test_colab_install_cell_names_the_configured_repository(name):
    cell = colab_cell.install_cell_of(nbformat.read(ROOT / "book" / f"{name}.ipynb", as_version=4))
    assert cell.source == colab_cell.install_cell(URL, BRANCH), "run `python tools/colab_cell.py`"
    assert f"git+{URL}@{BRANCH}" in cell.source


def test_install_cell_tool_rejects_a_chapter_without_one():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import lenet5_lesson")])
    with pytest.raises(ValueError, match="remove-cell"):
        colab_cell.install_cell_of(notebook)


def test_live_code_button_loads_the_books_own_thebe(watch, site):
    name = "04_c1"
    watch.open(f"book/{name}.html")
    code_cells = watch.page.locator("div.cell").count()
    watch.page.locator(".dropdown-launch-buttons button").first.click()
    watch.page.locator("button.btn-launch-thebe").click()
    # Every code cell becomes an editor with run buttons once thebe has loaded.
    watch.page.wait_for_function(f"() => document.querySelectorAll('.thebe-cell').length === {code_cells}",
                                 timeout=30_000)
    binder = f"https://mybinder.org/build/gh/{OWNER_REPO}/{BRANCH}"
    watch.page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/vendor/thebe/'))")
    requirejs = watch.page.evaluate("window.THEBE_REQUIREJS_URL")
    assert urlsplit(requirejs).netloc == watch.origin
    assert watch.page.evaluate("async url => (await fetch(url)).ok", requirejs), requirejs
    for _ in range(60):
        if any(binder in problem for problem in watch.problems):
            break
        watch.page.wait_for_timeout(500)
    assert any(binder in p for p in watch.problems), f"thebe never asked {binder} for a kernel"
    others = [p for p in watch.problems if binder not in p]
    assert not others, "\n".join(others)


def test_thebe_copy_asks_the_page_for_require_js(site):
    bundle = (site / "_static" / "vendor" / "thebe" / "index.js").read_text(encoding="utf-8")
    assert "window.THEBE_REQUIREJS_URL" in bundle and "require.min.js" not in bundle
    assert (site / "_static" / "vendor" / "require.js").is_file()


def test_readme_installs_from_the_configured_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"git\+(https://[^\s\"@]+)@([\w./-]+)", readme))
    assert named == {(URL, BRANCH)}, f"README.md names {named}; _config.yml says {URL}@{BRANCH}"


def test_live_code_runs_the_chapter_and_its_explorer_in_the_page(watch, jupyter_server):
    base, token = jupyter_server
    watch.allowed.add(urlsplit(base).netloc)
    watch.open("book/04_c1.html")
    watch.page.evaluate(USE_LOCAL_SERVER, [base, token])
    watch.page.locator(".dropdown-launch-buttons button").first.click()
    watch.page.locator("button.btn-launch-thebe").click()
    # Not the button's "server-ready", which comes before the kernel: a run asked for then never starts.
    watch.page.wait_for_function("() => window.thebe && thebe.session && thebe.session.kernel "
                                 "&& thebe.session.kernel.status === 'idle'", timeout=120_000)
    cells = watch.page.locator("div.cell")
    explorer = next(i for i in range(cells.count()) if "kernel_explorer(" in cells.nth(i).inner_text())
    watch.page.locator(".thebe-cell").first.locator("button.thebe-runall-button").click()
    # The live explorer draws in its own cell, and the cell after it keeps its own output. The widget's
    # view (anywidget's element has no id) replaces the static face once the kernel has sent the network.
    widget = cells.nth(explorer).locator('[data-explorer="kernel"]:not([id])[data-state="ok"]')
    try:
        widget.wait_for(timeout=180_000)
    finally:
        watch.page.screenshot(path=str(ROOT / "_build" / "screenshots" / "live_code.png"), full_page=True)
    assert cells.nth(explorer).locator('[data-explorer="kernel"]').count() == 1
    assert cells.nth(explorer + 1).locator('[data-explorer="kernel"]').count() == 0
    maps = widget.locator('canvas[data-role="squashed"]')
    before = maps.evaluate("canvas => canvas.toDataURL()")
    widget.locator('input[data-weight="12"]').fill("3")
    watch.page.wait_for_function("([canvas, old]) => canvas.toDataURL() !== old", arg=[maps.element_handle(), before],
                                 timeout=20_000)
    assert widget.locator('[data-role="kernel-status"]').inner_text() == "Edited from vertical edge."
    # Run all has finished when every cell of thebe's notebook has run and none is busy.
    watch.page.wait_for_function("""() => thebe.notebook.cells.every(c => c.executionCount !== null && !c.isBusy)""",
                                 timeout=180_000)
    errors = watch.page.locator("div.cell .jp-RenderedText[data-mime-type*=error]").all_inner_texts()
    assert not errors, "\n".join(errors)
    assert not watch.problems, "\n".join(watch.problems)
