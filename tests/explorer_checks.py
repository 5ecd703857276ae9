"""Checks that the browser tests of the live explorers share (plain functions; the fixtures are in conftest).

What a widget's static face hands its script; that every control is named and reached with Tab;
that an explorer reflows at 390 px; that axe finds nothing serious; that a move is drawn within
a frame; the colours read back from canvases against a colour table; the maps, penalties and
answer of the network view (feature-map explorer and drawing pad) against Keras; and a notebook
opened and run in JupyterLab.
"""

from __future__ import annotations

import contextlib
import json
import re

import numpy as np
import pytest
from conftest import ROOT, PageWatch

from lenet5_lesson.figures.style import ACTIVATION_LIMIT, INK_SCALE, SIGNED_SCALE, colour_table

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: One frame at 60 Hz, in milliseconds: the median redraw must be shorter.
FRAME_MS = 16.7
SIGNED = colour_table(SIGNED_SCALE)
INK = colour_table(INK_SCALE)


def page_state(widget) -> dict:
    """The state the widget's static face (its ``text/html``) hands its script."""
    html = widget._repr_mimebundle_()[0]["text/html"]
    return json.loads(re.search(r"live\.staticModel\((\{.*?\})\)", html).group(1))


# --- labels, keyboard, reflow, axe --------------------------------------------------------------------

def check_labels(page, selector: str, *, button_text: bool = True) -> None:
    """Every control ``selector`` finds is named: by a label, an aria-label or (with ``button_text``) a button's text."""
    unlabelled = page.evaluate("""([selector, buttonText]) => Array.from(document.querySelectorAll(selector))
        .filter((c) => !((c.labels && c.labels.length) || c.getAttribute('aria-label')
                         || (buttonText && c.tagName === 'BUTTON' && c.textContent.trim())))
        .map((c) => c.outerHTML)""", [selector, button_text])
    assert not unlabelled


def check_keyboard_reach(page, selector: str, *, spare_tabs: int = 5) -> int:
    """From the page's h1, the Tab key reaches every control ``selector`` finds; returns how many there are."""
    count = page.locator(selector).count()
    assert count > 0
    page.locator("h1").click()
    reached = set()
    for _ in range(count + spare_tabs):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("(selector) => Array.from(document.querySelectorAll(selector))"
                                  ".indexOf(document.activeElement)", selector))
    assert set(range(count)) <= reached
    return count


def check_labels_and_keyboard(page, selector: str, *, count: int | None = None, spare_tabs: int = 5,
                              button_text: bool = True) -> None:
    """Every control is named and reached with the Tab key; with ``count``, there are that many."""
    if count is not None:
        assert page.locator(selector).count() == count
    check_labels(page, selector, button_text=button_text)
    check_keyboard_reach(page, selector, spare_tabs=spare_tabs)


def controls(explorer: str) -> str:
    """The selector of an explorer's inputs, menus and buttons."""
    return f'[data-explorer="{explorer}"] :is(input, select, button)'


def check_reflow(page, explorer: str) -> None:
    """At 390 px nothing of the explorer sticks out and the page does not scroll sideways."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(100)
    root = page.locator(f'[data-explorer="{explorer}"]')
    box = root.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    sticking_out = root.evaluate("""(root) => Array.from(root.querySelectorAll('*')).filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.left < 0 || r.right > document.documentElement.clientWidth + 0.5);
    }).map((e) => e.tagName + '.' + e.getAttribute('class'))""")
    assert not sticking_out
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def check_axe(page, within: str | None = None) -> None:
    """axe-core finds no serious or critical violation on the page (or inside the element ``within`` selects)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async (within) => (await axe.run(within ? document.querySelector(within) : document))
        .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`)""",
                               within)
    assert not violations, "\n".join(violations)


# --- timing ----------------------------------------------------------------------------------------------

def assert_within_one_frame(times, what: str) -> None:
    """``times`` (ms, a list or a dict of lists, from the event to the finished drawing): each median under a frame.

    The median is the upper of the two middle times of an even count, as the page's own timings took it.
    """
    lists = times if isinstance(times, dict) else {"move": times}
    stats = {name: (sorted(t)[len(t) // 2], max(t)) for name, t in lists.items()}
    print(f"{what}, median and max ms:", {name: f"{m:.2f}, {top:.2f}" for name, (m, top) in stats.items()})
    for name, (median, _) in stats.items():
        assert median < FRAME_MS, (name, stats)


# --- colours read back from canvases ----------------------------------------------------------------------

def canvas_pixels(canvas) -> np.ndarray:
    """The RGBA pixels of the canvas a locator finds, (rows, columns, 4)."""
    height, width, data = canvas.evaluate("""(canvas) => [canvas.height, canvas.width,
        Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data)]""")
    return np.array(data, dtype=int).reshape(height, width, 4)


def table_index(values, low: float, high: float, table) -> np.ndarray:
    """Which colour of ``table`` live.paint gives each value."""
    last = len(table) - 1
    return np.clip(np.rint((np.asarray(values, dtype=float) - low) / (high - low) * last), 0, last).astype(int)


def _rgb_rows(pixels) -> np.ndarray:
    """Pixels as rows of red, green and blue: from a flat RGBA list, or an array whose last axis is RGB(A)."""
    pixels = np.asarray(pixels, dtype=int)
    return (pixels.reshape(-1, 4) if pixels.ndim == 1 else pixels.reshape(-1, pixels.shape[-1]))[:, :3]


def colour_mismatches(pixels, values, low: float, high: float, table, tolerance: int = 1) -> np.ndarray:
    """The flat indices of the pixels whose colour is not that of their value, give or take ``tolerance``
    steps of the table (float32 in the page against Keras, a value on the border between two colours)."""
    colours = np.asarray(table, dtype=int)
    expected = table_index(np.ravel(values), low, high, table)
    shown = _rgb_rows(pixels)
    assert len(shown) == len(expected), (len(shown), len(expected))
    same = (shown[:, None, :] == colours[None, :, :]).all(axis=-1)  # pixel x table entry
    near = np.abs(np.arange(len(colours))[None, :] - expected[:, None]) <= tolerance
    return np.flatnonzero(~(same & near).any(axis=1))


def assert_colours_match(pixels, values, low: float, high: float, table, tolerance: int = 1, what: str = "") -> None:
    """Each painted pixel has the colour of its value (see :func:`colour_mismatches`)."""
    wrong = colour_mismatches(pixels, values, low, high, table, tolerance)
    if len(wrong):
        shown = _rgb_rows(pixels)[wrong[:5]].tolist()
        want = table_index(np.ravel(values), low, high, table)[wrong[:5]].tolist()
        raise AssertionError(f"{what}: {len(wrong)} pixels in the wrong colour, first {wrong[:5].tolist()} "
                             f"with {shown}, expected colour indices {want}")


# --- the network view: feature-map explorer and drawing pad ---------------------------------------------

MAP_LAYERS = ("C1", "S2", "C3", "S4", "C5", "F6")

# The RGBA pixels of every canvas of a root, keyed by layer (or data-role) and map.
READ_CANVASES = """(root) => {
    const out = {};
    root.querySelectorAll('canvas').forEach((canvas) => {
        const figure = canvas.closest('[data-layer]');
        const key = figure ? `${figure.dataset.layer}/${canvas.dataset.map}` : canvas.dataset.role;
        out[key] = Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data);
    });
    return out;
}"""


def assert_layers_match(pixels: dict, outputs: dict) -> None:
    """The canvases of every layer show Keras' outputs in the book's colours."""
    for name in MAP_LAYERS:
        out = np.squeeze(outputs[name])  # C5 comes as 1x1x120
        maps = [out[..., m] for m in range(out.shape[-1])] if out.ndim == 3 else [out]
        for m, values in enumerate(maps):
            key = f"{name}/{m}"
            assert_colours_match(pixels[key], values, -ACTIVATION_LIMIT, ACTIVATION_LIMIT,
                                 SIGNED, what=key)


def penalties_shown(root) -> list[float]:
    return [float(v) for v in root.locator('[data-role="penalties"] tbody tr').evaluate_all(
        "(rows) => rows.map((row) => row.dataset.penalty)")]


# --- JupyterLab --------------------------------------------------------------------------------------------

def open_notebook(page, base: str, token: str, name: str) -> None:
    """Open notebook ``name`` in JupyterLab and wait for its kernel: a cell run before then is lost."""
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.wait_for(timeout=120_000)
    page.locator(".jp-StatusBar-Widget", has_text="| Idle").first.wait_for(timeout=120_000)


def run_cell(page, index: int) -> None:
    """Run one cell with Shift+Enter, again if JupyterLab did not take the first press (its prompt stays empty)."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.inner_text()
    for _ in range(5):
        cell.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        for _ in range(20):
            if prompt.inner_text() not in (before, "[ ]:"):
                return
            page.wait_for_timeout(250)
    pytest.fail(f"JupyterLab did not run cell {index}")


def wait_for_output(page, index: int, text: str):
    """The output of cell ``index`` that holds ``text``, once it is there."""
    output = page.locator(".jp-Notebook .jp-CodeCell").nth(index).locator(".jp-OutputArea-output", has_text=text)
    output.wait_for(timeout=60_000)
    return output


@contextlib.contextmanager
def notebook_in_lab(browser, lab, name: str, screenshot: str | None = None):
    """A page of JupyterLab (``lab`` is its (base, token)) with notebook ``name`` open and its kernel idle.

    Yields the page; afterwards no problem the page recorded may come from the explorers (lenet5,
    anywidget, an uncaught exception). With ``screenshot``, the page is kept in _build/screenshots.
    """
    base, token = lab
    watch = PageWatch(browser, base)
    page = watch.page
    try:
        open_notebook(page, base, token, name)
        yield page
        errors = [p for p in watch.problems if "lenet5" in p or "anywidget" in p or "uncaught" in p]
        assert not errors, "\n".join(errors)
    finally:
        if screenshot:
            shots = ROOT / "_build" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / screenshot))
        watch.close()
