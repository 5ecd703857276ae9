"""The feature-map explorer (``explorers/maps.py`` + ``maps.js`` + ``network_view.js``).

Python side: its arguments and traitlets. In Chromium, its static face from ``file://`` and over
http, every other request blocked: every map shown, read back from the canvases, must have the
colour of Keras' own layer output for that digit, the penalties and the answer Keras' too; every
control changes what is shown, bad input gets a message, the controls are labelled and reached
from the keyboard, the page reflows at 390 px and axe finds nothing serious. Last, JupyterLab:
the page and the Python traitlets follow each other. The helpers for the browser checks are
shared with ``test_explorer_drawing.py``.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import nbformat
import numpy as np
import pytest
import traitlets
from conftest import ROOT, PageWatch, keras_layer_outputs, running_jupyter, serving, write_explorer_page

from lenet5_lesson import explore, preprocess
from lenet5_lesson.explorers.engine import SITE_DIGITS, site_digits
from lenet5_lesson.explorers.maps import LAYER_CHOICES, FeatureMapExplorer
from lenet5_lesson.figures.style import ACTIVATION_LIMIT, INK_SCALE, SIGNED_SCALE, colour_table

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SIGNED = colour_table(SIGNED_SCALE)
INK = colour_table(INK_SCALE)
MAP_LAYERS = ("C1", "S2", "C3", "S4", "C5", "F6")


@pytest.fixture(autouse=True)
def _data(mnist_dir, monkeypatch):
    monkeypatch.setenv("LENET5_MNIST_DIR", str(mnist_dir))


def page_state(widget) -> dict:
    """The state the static face hands its script."""
    html = widget._repr_mimebundle_()[0]["text/html"]
    return json.loads(re.search(r"live\.staticModel\((\{.*?\})\)", html).group(1))


# --- Python side ----------------------------------------------------------------------------------

def test_the_explorer_holds_its_digit_and_layer_for_the_page():
    maps = explore.feature_map_explorer(index=7, layer="C3")
    assert isinstance(maps, FeatureMapExplorer)
    state = page_state(maps)
    assert (state["index"], state["layer"], state["layers"]) == (7, "C3", list(LAYER_CHOICES))
    assert state["digit_count"] == SITE_DIGITS and not state["own_data"] and "lenet5_data" not in state
    maps.layer = "all"
    assert page_state(maps)["layer"] == "all"
    assert not hasattr(explore, "feature_map_explorer_static")


@pytest.mark.parametrize(("arguments", "error", "says"), [
    ({"index": -1}, ValueError, "index=-1 must be between 0 and 99"),
    ({"index": SITE_DIGITS}, ValueError, "index=100 must be between 0 and 99"),
    ({"index": 1.0}, TypeError, "index must be an integer, got float 1.0"),
    ({"layer": "C7"}, ValueError, "layer must be one of C1, S2, C3, S4, C5, F6, output, all, got 'C7'"),
    ({"layer": 3}, TypeError, "layer must be a string"),
])
def test_the_explorer_checks_its_arguments(arguments, error, says):
    with pytest.raises(error, match=re.escape(says)):
        explore.feature_map_explorer(**arguments)


@pytest.mark.parametrize(("name", "value"), [("index", -1), ("index", SITE_DIGITS), ("index", 1.5), ("index", "3"),
                                             ("layer", "C7"), ("layer", 3)])
def test_the_explorer_checks_traitlets_set_later(name, value):
    maps = explore.feature_map_explorer()
    # traitlets' own check of the type comes first (it takes 1.0 for 1, the page's numbers are integers)
    with pytest.raises((TypeError, ValueError, traitlets.TraitError)):
        setattr(maps, name, value)
    assert (maps.index, maps.layer) == (0, "C1")


def test_digits_of_ones_own_set_the_range_of_the_index():
    images, labels = site_digits()
    maps = explore.feature_map_explorer(index=4, digits=(images[:5], labels[:5]))
    assert page_state(maps)["lenet5_data"]["digits"]["count"] == 5
    with pytest.raises(ValueError, match="index=5 must be between 0 and 4"):
        maps.index = 5


# --- shared browser helpers --------------------------------------------------------------------------

def colour_indices(table) -> dict[tuple[int, int, int], set[int]]:
    """Each colour of a table and the indices that have it."""
    found: dict[tuple[int, int, int], set[int]] = {}
    for i, colour in enumerate(table):
        found.setdefault(tuple(colour), set()).add(i)
    return found


def table_index(values, low: float, high: float, table) -> np.ndarray:
    """Which colour of ``table`` live.paint gives each value."""
    last = len(table) - 1
    return np.clip(np.rint((np.asarray(values, dtype=float) - low) / (high - low) * last), 0, last).astype(int)


def assert_colours_match(pixels, values, low: float, high: float, table, tolerance: int = 1) -> None:
    """Each painted pixel has the colour of its value, give or take ``tolerance`` steps of the table
    (float32 in the page against Keras, a value on the border between two colours)."""
    lookup = colour_indices(table)
    expected = table_index(np.ravel(values), low, high, table)
    pixels = np.asarray(pixels).reshape(-1, 4)
    assert len(pixels) == len(expected)
    for k, (pixel, want) in enumerate(zip(pixels, expected)):
        got = lookup.get(tuple(int(v) for v in pixel[:3]))
        assert got is not None, f"pixel {k} has {pixel[:3]}, a colour not in the table"
        assert min(abs(i - want) for i in got) <= tolerance, f"pixel {k}: colour index {got}, expected {want}"


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
        if out.ndim == 3:
            for m in range(out.shape[-1]):
                assert_colours_match(pixels[f"{name}/{m}"], out[..., m], -ACTIVATION_LIMIT, ACTIVATION_LIMIT, SIGNED)
        else:
            assert_colours_match(pixels[f"{name}/0"], out, -ACTIVATION_LIMIT, ACTIVATION_LIMIT, SIGNED)


def penalties_shown(root) -> list[float]:
    return [float(v) for v in root.locator('[data-role="penalties"] tbody tr').evaluate_all(
        "(rows) => rows.map((row) => row.dataset.penalty)")]


def check_labels_and_keyboard(page, explorer: str) -> None:
    """Every control of the explorer is named and reached with the Tab key."""
    selector = f'[data-explorer="{explorer}"] :is(input, select, button)'
    unlabelled = page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector)).filter((c) =>
        !((c.labels && c.labels.length) || c.getAttribute('aria-label') || (c.tagName === 'BUTTON' && c.textContent.trim()))
    ).map((c) => c.outerHTML)""", selector)
    assert not unlabelled
    count = page.locator(selector).count()
    assert count > 0
    page.locator("h1").click()
    reached = set()
    for _ in range(count + 5):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("(selector) => Array.from(document.querySelectorAll(selector))"
                                  ".indexOf(document.activeElement)", selector))
    assert set(range(count)) <= reached


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
    }).map((e) => e.tagName + '.' + e.className)""")
    assert not sticking_out
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def check_axe(page) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci`")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run()).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`)""")
    assert not violations, "\n".join(violations)


def open_page(browser, folder: Path, kind: str, request):
    base = folder.as_uri() if kind == "file" else request.getfixturevalue("http_base")
    watch = PageWatch(browser, base)
    watch.open("index.html")
    return watch


# --- in Chromium ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("maps")
    write_explorer_page(folder, "index.html", explore.feature_map_explorer(layer="all"))
    return folder


@pytest.fixture(scope="module")
def http_base(folder):
    with serving(folder) as base:
        yield base


@pytest.fixture(params=["file", "http"])
def opened(request, browser, folder):
    """The explorer's page from file:// or over http, outside requests blocked, no console errors."""
    watch = open_page(browser, folder, request.param, request)
    watch.page.locator('[data-explorer="maps"][data-state="ok"]').wait_for(timeout=20_000)
    yield watch
    problems = list(watch.problems)
    watch.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def keras_outputs():
    images, labels = site_digits()
    return labels, {i: keras_layer_outputs(preprocess(images[i])) for i in (0, 8, 37)}


def _root(page):
    return page.locator('[data-explorer="maps"]')


def _box(page):
    return _root(page).locator('[data-control="index"] input[type="text"]')


@pytest.mark.browser
def test_every_map_shown_is_keras_layer_output(opened, keras_outputs):
    page = opened.page
    root = _root(page)
    labels, outputs = keras_outputs
    images, _ = site_digits()
    for index, keras in outputs.items():
        _box(page).fill(str(index))
        pixels = root.evaluate(READ_CANVASES)
        assert_layers_match(pixels, keras)
        x = preprocess(images[index])[:, :, 0]
        assert_colours_match(pixels["input"], x, -0.1, 1.175, INK)
        np.testing.assert_allclose(penalties_shown(root), keras["output"], rtol=1e-3, atol=1e-3)
        best = int(np.argmin(keras["output"]))
        answer = root.locator('[data-role="answer"]').inner_text()
        assert answer.startswith(f"The network reads it as {best} ")
        assert answer.endswith("(right)." if best == labels[index] else "(wrong).")
        assert root.locator('[data-role="label"]').inner_text() == f"Test digit {index}: its label is {labels[index]}."
        assert "smallest" in root.locator(f'[data-role="penalties"] tr[data-digit="{best}"]').inner_text()


@pytest.mark.browser
def test_the_check_of_the_maps_notices_a_wrong_digit(opened, keras_outputs):
    page = opened.page
    _box(page).fill("8")
    with pytest.raises(AssertionError):
        assert_layers_match(_root(page).evaluate(READ_CANVASES), keras_outputs[1][0])


@pytest.mark.browser
def test_every_control_changes_what_is_shown(opened):
    page = opened.page
    root = _root(page)
    visible = lambda: root.locator("figure[data-layer]").evaluate_all(  # noqa: E731
        "(figures) => figures.filter((f) => !f.hidden).map((f) => f.dataset.layer)")
    assert visible() == ["C1", "S2", "C3", "S4", "C5", "F6", "output"]
    menu = root.locator('[data-control="layer"] select')
    for name in ("C3", "output", "F6"):
        menu.select_option(name)
        assert visible() == [name]
    before = root.evaluate(READ_CANVASES)["F6/0"]
    slider = root.locator('[data-control="index"] input[type="range"]')
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert _box(page).input_value() == "1"
    assert root.evaluate(READ_CANVASES)["F6/0"] != before
    page.keyboard.press("End")
    assert _box(page).input_value() == str(SITE_DIGITS - 1)
    assert root.locator('[data-role="label"]').inner_text().startswith(f"Test digit {SITE_DIGITS - 1}:")


@pytest.mark.browser
@pytest.mark.parametrize(("text", "says"), [
    ("", "Enter a value for test digit."), ("seven", "test digit must be a whole number, not “seven”."),
    ("2.5", "test digit must be a whole number."), ("-1", "test digit must be at least 0."),
    ("100", "test digit must be at most 99."), ("NaN", "test digit must be a whole number, not “NaN”."),
])
def test_bad_input_gets_a_short_message(opened, text, says):
    page = opened.page
    root = _root(page)
    _box(page).fill(text)
    assert root.get_attribute("data-state") == "invalid"
    assert root.locator('[data-role="problem"]').inner_text() == says
    _box(page).fill("3")
    assert root.get_attribute("data-state") == "ok" and root.locator('[data-role="problem"]').inner_text() == ""


@pytest.mark.browser
def test_controls_are_labelled_and_reached_from_the_keyboard(opened):
    check_labels_and_keyboard(opened.page, "maps")


@pytest.mark.browser
def test_the_explorer_reflows_at_390_pixels(opened):
    check_reflow(opened.page, "maps")


@pytest.mark.browser
def test_axe_finds_nothing_serious(opened):
    check_axe(opened.page)


@pytest.mark.browser
def test_a_new_digit_is_drawn_within_one_frame(opened):
    """From the input event to every layer computed and drawn: median and slowest of 50 moves."""
    times = opened.page.evaluate("""() => {
        const box = document.querySelector('[data-explorer="maps"] [data-control="index"] input[type="text"]');
        const out = [];
        for (let i = 0; i < 50; i++) {
            const start = performance.now();
            box.value = String((i * 7 + 1) % 100);
            box.dispatchEvent(new Event('input', {bubbles: true}));
            out.push(performance.now() - start);
        }
        return out;
    }""")
    print(f"feature-map explorer, new digit: median {statistics.median(times):.2f} ms, max {max(times):.2f} ms")
    assert statistics.median(times) < 16.7


# --- in JupyterLab --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(mnist_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in (
        "from lenet5_lesson.explore import feature_map_explorer\nmaps = feature_map_explorer()\nmaps",
        "print('python sees', maps.index, maps.layer)",
        "maps.index = 8; maps.layer = 'output'",
    )])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / "maps.ipynb")
    env = {"LENET5_MNIST_DIR": str(mnist_dir), "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces")}
    with running_jupyter(root, root / "server.log", env) as found:
        yield found


def run_cell(page, index: int) -> None:
    """Run one cell with Shift+Enter, again if JupyterLab did not take the first press."""
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


def open_notebook(page, base: str, token: str, name: str) -> None:
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.wait_for(timeout=120_000)
    page.locator(".jp-StatusBar-Widget", has_text="| Idle").first.wait_for(timeout=120_000)


def wait_for_output(page, index: int, text: str) -> None:
    page.locator(".jp-Notebook .jp-CodeCell").nth(index).locator(".jp-OutputArea-output", has_text=text).wait_for(
        timeout=60_000)


@pytest.mark.browser
def test_in_jupyterlab_the_page_and_the_python_traitlets_follow_each_other(browser, lab, keras_outputs):
    base, token = lab
    watch = PageWatch(browser, base)
    page = watch.page
    try:
        open_notebook(page, base, token, "maps.ipynb")
        run_cell(page, 0)
        root = page.locator('.jp-OutputArea [data-explorer="maps"]')
        root.locator('[data-role="answer"]').wait_for(timeout=240_000)
        root.locator('[data-control="index"] input[type="text"]').fill("37")
        root.locator('[data-control="layer"] select').select_option("S4")
        run_cell(page, 1)
        wait_for_output(page, 1, "python sees 37 S4")
        run_cell(page, 2)
        root.locator('[data-role="label"]', has_text="Test digit 8:").wait_for(timeout=60_000)
        assert root.locator('[data-control="layer"] select').input_value() == "output"
        np.testing.assert_allclose(penalties_shown(root), keras_outputs[1][8]["output"], rtol=1e-3, atol=1e-3)
        errors = [p for p in watch.problems if "lenet5" in p or "anywidget" in p or "uncaught" in p]
        assert not errors, "\n".join(errors)
    finally:
        watch.close()
