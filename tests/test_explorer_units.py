"""The unit inspector (``lenet5_lesson/explorers/units.py`` and ``units.js``): Python side, Chromium, JupyterLab.

The static face is opened from ``file://`` and over http with every outside request blocked. Units
of every layer are picked as a reader would (a tap, a hover, the arrow keys); for each, the
weighted sum a and the value the page shows must equal the trained Keras model's, the value read
from the model's layer outputs and a recomputed with numpy from its weights, and the receptive
field and the window below must be the ones the layer's arithmetic gives. Every control changes
what is shown, bad input gets a message, the controls are labelled and reached from the keyboard,
the page reflows at 390 px and axe finds nothing serious. Last, JupyterLab: the page and the
Python traitlets follow each other.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import notebook_server, open_watched, page_base, write_explorer_page
from explorer_checks import (
    assert_within_one_frame, check_axe, check_labels_and_keyboard, check_reflow, notebook_in_lab, page_state,
    run_cell, wait_for_output,
)

from lenet5_lesson import explore, paper
from lenet5_lesson.explorers.units import LAYER_SHAPES, UnitInspector

pytestmark = pytest.mark.usefixtures("mnist_env")
ROOT = '[data-explorer="units"]'
#: Units checked against Keras: (layer, map, row, col) for each layer, corners and middles.
UNITS = [("C1", 0, 0, 0), ("C1", 2, 12, 10), ("C1", 5, 27, 27), ("S2", 1, 5, 6), ("S2", 4, 13, 0),
         ("C3", 0, 0, 9), ("C3", 9, 4, 4), ("C3", 15, 7, 2), ("S4", 4, 2, 2), ("S4", 15, 4, 0),
         ("C5", 0, 0, 0), ("C5", 77, 0, 0), ("C5", 119, 0, 0), ("F6", 0, 0, 0), ("F6", 40, 0, 0),
         ("F6", 83, 0, 0), ("output", 0, 0, 0), ("output", 7, 0, 0)]


# --- Python ------------------------------------------------------------------------------------------------

def test_the_inspector_holds_the_digit_and_the_unit_for_the_page():
    inspector = explore.unit_inspector(index=4, layer="C3", map=9)
    assert page_state(inspector) == {"index": 4, "layer": "C3", "map": 9, "row": 5, "col": 5, "own_data": False,
                                 "digit_count": 100}
    assert 'data-explorer="units"' in inspector._repr_mimebundle_()[0]["text/html"]
    inspector.select("output", 3)
    assert page_state(inspector)["layer"] == "output" and (inspector.map, inspector.row, inspector.col) == (3, 0, 0)


@pytest.mark.parametrize(("arguments", "error", "says"), [
    ({"index": 100}, ValueError, "index=100 must be between 0 and 99"), ({"index": 1.0}, TypeError, "index must be an"),
    ({"layer": "C7"}, ValueError, "layer must be one of C1, S2, C3, S4, C5, F6, output"),
    ({"layer": "C1", "map": 6}, ValueError, r"map \(of layer C1\)=6 must be between 0 and 5"),
    ({"layer": "C5", "map": 120}, ValueError, r"map \(of layer C5\)=120 must be between 0 and 119"),
    ({"layer": "S4", "row": 5}, ValueError, r"row \(in layer S4\)=5 must be between 0 and 4"),
    ({"layer": "F6", "col": 1}, ValueError, r"col \(in layer F6\)=1 must be between 0 and 0"),
    ({"map": True}, TypeError, "must be an integer, got bool"),
])
def test_the_inspector_checks_its_arguments(arguments, error, says):
    with pytest.raises(error, match=says):
        explore.unit_inspector(**arguments)


def test_a_unit_is_checked_against_its_layer_and_a_layer_alone_keeps_the_unit_inside():
    inspector = explore.unit_inspector(layer="C1", map=5, row=20, col=27)
    with pytest.raises(ValueError, match="must be between 0 and 13"):
        inspector.select("S2", 5, 20, 3)
    assert (inspector.layer, inspector.map, inspector.row, inspector.col) == ("C1", 5, 20, 27), "nothing changed"
    inspector.layer = "S4"
    assert (inspector.map, inspector.row, inspector.col) == (5, 4, 4)
    inspector.layer = "F6"
    assert (inspector.map, inspector.row, inspector.col) == (5, 0, 0)
    with pytest.raises(ValueError):
        inspector.row = 1
    assert set(LAYER_SHAPES) == {"C1", "S2", "C3", "S4", "C5", "F6", "output"}


def test_digits_of_ones_own_are_sent_with_the_page_and_bound_the_index():
    images, labels = np.zeros((3, 28, 28), dtype=np.uint8), np.array([0, 1, 2])
    inspector = explore.unit_inspector(index=2, digits=(images, labels))
    state = page_state(inspector)
    assert state["digit_count"] == 3 and state["own_data"] and state["lenet5_data"]["digits"]["count"] == 3
    with pytest.raises(ValueError, match="index=3 must be between 0 and 2"):
        inspector.index = 3
    assert isinstance(inspector, UnitInspector)


# --- Chromium: the static face -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("units")
    write_explorer_page(folder, "index.html", explore.unit_inspector(layer="C3", map=3))
    write_explorer_page(folder, "bare.html", explore.unit_inspector(), site=False)
    return folder


READY = f'{ROOT}[data-state="ok"]'


@pytest.fixture(params=["file", "http"])
def opened(request, browser, folder):
    with open_watched(browser, page_base(request, folder), ready=READY) as watch:
        yield watch


@pytest.fixture(scope="module")
def page(browser, folder):
    """One page kept open for the many units of the agreement tests."""
    with open_watched(browser, folder.as_uri(), ready=READY) as watch:
        yield watch.page


# A tap on one unit of the overview, as a finger would give it; then what the inspector shows.
_TAP = """([layer, canvas, r, c]) => {
    const root = document.querySelector('[data-explorer="units"]');
    const map = root.querySelector(`canvas[data-layer="${layer}"][data-map="${canvas}"]`);
    const box = map.getBoundingClientRect();
    const at = {clientX: box.left + (c + 0.5) * box.width / map.width, clientY: box.top + (r + 0.5) * box.height / map.height,
                pointerType: 'touch', bubbles: true};
    map.dispatchEvent(new PointerEvent('pointerdown', at));
    const text = (role) => { const e = root.querySelector(`[data-role="${role}"]`); return e ? e.textContent : null; };
    const areas = (selector) => Array.from(root.querySelectorAll(selector)).filter(e => !e.hidden)
        .map(e => [e.closest('.lenet5-units-cell').querySelector('canvas').dataset.map || null, e.dataset.area]);
    return {unit: text('unit'), a: text('a'), value: text('value'),
            field: root.querySelector('[data-role="field"] [data-role="window-box"]').dataset.area,
            windows: areas('[data-role="overview"] [data-role="window-box"]'),
            selected: areas('[data-role="overview"] [data-role="unit-box"]'),
            below: root.querySelectorAll('[data-role="below"] canvas').length};
}"""
DRAWN = {"C5": (12, 10), "F6": (12, 7), "output": (1, 10)}


def _tap(page, layer, map_, row, col) -> dict:
    if layer in DRAWN:
        cols = DRAWN[layer][1]
        return page.evaluate(_TAP, [layer, 0, map_ // cols, map_ % cols])
    return page.evaluate(_TAP, [layer, map_, row, col])


def _number(text: str) -> float:
    return float(text.replace("−", "-"))


@pytest.fixture(scope="module")
def keras_units():
    """For the first test digit: each layer's outputs from the trained Keras model, and its weights."""
    from lenet5_lesson import load_mnist, preprocess, pretrained
    from lenet5_lesson.explorers.engine import model_arrays
    from lenet5_lesson.figures.network import layer_outputs

    model = pretrained()
    (_, _), (x_test, _) = load_mnist()
    image = preprocess(x_test[:1])
    outputs = {name: values[0] for name, values in layer_outputs(model, image, list(LAYER_SHAPES)).items()}
    outputs["input"] = image[0]
    return outputs, model_arrays(model)


def _expected(keras_units, layer, m, r, c) -> tuple[float | None, float]:
    """The unit's weighted sum a (None for the output) from numpy, and its value from Keras."""
    out, w = keras_units
    value = float(out[layer][r, c, m] if out[layer].ndim == 3 else out[layer][m])
    if layer == "C1":
        a = np.sum(out["input"][r:r + 5, c:c + 5, 0] * w["C1/kernel"][:, :, 0, m]) + w["C1/bias"][m]
    elif layer in ("S2", "S4"):
        before = out["C1" if layer == "S2" else "C3"]
        a = before[2 * r:2 * r + 2, 2 * c:2 * c + 2, m].sum() * w[f"{layer}/coefficient"][m] + w[f"{layer}/bias"][m]
    elif layer == "C3":
        start = sum(map(len, paper.C3_TABLE[:m]))
        a = sum(np.sum(out["S2"][r:r + 5, c:c + 5, i] * w["C3/kernel"][:, :, start + j])
                for j, i in enumerate(paper.C3_TABLE[m])) + w["C3/bias"][m]
    elif layer == "C5":
        a = np.sum(out["S4"] * w["C5/kernel"][..., m]) + w["C5/bias"][m]
    elif layer == "F6":
        a = out["C5"].reshape(120) @ w["F6/kernel"][:, m] + w["F6/bias"][m]
    else:
        a = None
        assert value == pytest.approx(np.sum((out["F6"] - w["output/centres"][m]) ** 2), abs=1e-4)
    return (None if a is None else float(a)), value


@pytest.mark.parametrize("unit", UNITS, ids=["-".join(map(str, u)) for u in UNITS])
def test_the_numbers_shown_are_the_trained_networks(page, keras_units, unit):
    layer, m, r, c = unit
    shown = _tap(page, *unit)
    a, value = _expected(keras_units, *unit)
    assert _number(shown["value"]) == pytest.approx(value, abs=1e-4), shown
    if a is None:
        assert shown["a"] is None and shown["unit"].startswith(f"Output unit {m} (digit {m}): penalty ")
    else:
        assert _number(shown["a"]) == pytest.approx(a, abs=1e-4), shown
        # f(a) shown is the squashing function of the a shown, to the digits shown.
        assert _number(shown["value"]) == pytest.approx(paper.SQUASH_A * np.tanh(paper.SQUASH_S * a), abs=1e-4)
    assert shown["unit"].endswith(shown["value"])


def test_a_wrong_expectation_fails(page, keras_units):
    """The agreement check can fail: the value of a neighbouring unit is not this one's."""
    shown = _tap(page, "C1", 2, 12, 10)
    _, neighbour = _expected(keras_units, "C1", 2, 12, 11)
    with pytest.raises(AssertionError):
        assert _number(shown["value"]) == pytest.approx(neighbour, abs=1e-4)


@pytest.mark.parametrize(("unit", "field", "windows", "below"), [
    (("C1", 2, 12, 10), "12,10,5,5", [], 0),
    (("S2", 1, 5, 6), "10,12,6,6", [["1", "10,12,2,2"]], 1),
    (("C3", 9, 4, 3), "8,6,14,14", [[str(i), "4,3,5,5"] for i in paper.C3_TABLE[9]], len(paper.C3_TABLE[9])),
    (("S4", 4, 2, 1), "8,4,16,16", [["4", "4,2,2,2"]], 1),
    (("C5", 77, 0, 0), "0,0,32,32", [[str(i), "0,0,5,5"] for i in range(16)], 16),
    (("F6", 40, 0, 0), "0,0,32,32", [["0", "0,0,12,10"]], 1),
    (("output", 7, 0, 0), "0,0,32,32", [["0", "0,0,12,7"]], 2),
])
def test_the_receptive_field_and_the_window_below_are_outlined(page, unit, field, windows, below):
    shown = _tap(page, *unit)
    assert shown["field"] == field
    assert sorted(shown["windows"]) == sorted(windows)
    assert shown["below"] == below
    layer, m, r, c = unit
    selected = [[str(m), f"{r},{c},1,1"]] if layer not in DRAWN else [["0", f"{m // DRAWN[layer][1]},{m % DRAWN[layer][1]},1,1"]]
    assert shown["selected"] == selected


def test_without_the_network_the_page_says_so(browser, folder):
    """A page without the book's _static and without a kernel: a message, after the wait for a kernel."""
    with open_watched(browser, folder.as_uri(), "bare.html") as watch:
        assert watch.page.locator(ROOT).get_attribute("data-state") == "loading"
        assert watch.page.locator(f'{ROOT} [data-role="status"]').inner_text() == "Loading the trained network…"
        watch.page.wait_for_selector(f'{ROOT}[data-state="unavailable"]', timeout=30_000)
        assert "The trained network is not on this page" in watch.page.locator(ROOT).inner_text()


def _read(page, role: str) -> str:
    return page.locator(f'{ROOT} [data-role="{role}"]').inner_text()


def test_every_control_changes_what_is_shown(opened):
    page = opened.page
    assert _read(page, "unit").startswith("C3 map 3, row 5, column 5: value")
    assert _read(page, "digit") == "Test digit 0: a 7; the network reads 7 (right)."
    c1 = page.locator(f'{ROOT} canvas[data-layer="C1"][data-map="0"]')
    before = c1.evaluate("canvas => canvas.toDataURL()")
    page.locator(f'{ROOT} [data-control="index"] input[type="text"]').fill("1")
    assert _read(page, "digit") == "Test digit 1: a 2; the network reads 2 (right)."
    assert c1.evaluate("canvas => canvas.toDataURL()") != before
    page.locator(f'{ROOT} [data-control="index"] input[type="range"]').fill("0")
    assert _read(page, "digit").startswith("Test digit 0: a 7")
    # A mouse selects by hovering.
    box = c1.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 10.5 / 28, box["y"] + box["height"] * 3.5 / 28)
    assert _read(page, "unit").startswith("C1 map 0, row 3, column 10: value")
    # The keyboard: arrows move the unit inside the focused map, Tab goes on to the next map.
    page.keyboard.press("ArrowRight")  # not focused yet: nothing moves
    assert _read(page, "unit").startswith("C1 map 0, row 3, column 10")
    c1.focus()
    for key in ("ArrowRight", "ArrowDown", "ArrowDown", "ArrowLeft"):
        page.keyboard.press(key)
    assert _read(page, "unit").startswith("C1 map 0, row 5, column 10")
    page.keyboard.press("Tab")
    assert _read(page, "unit").startswith("C1 map 1, row 5, column 10")
    assert page.evaluate("() => document.activeElement.dataset.map") == "1"
    page.locator(f'{ROOT} canvas[data-layer="C5"]').focus()
    assert _read(page, "unit").startswith("C5 unit 65")  # the middle of its 12 x 10 grid
    page.keyboard.press("ArrowUp")
    assert _read(page, "unit").startswith("C5 unit 55")
    assert page.locator(f'{ROOT} [data-role="unit"]').get_attribute("aria-live") == "polite"


@pytest.mark.parametrize(("text", "says"), [
    ("", "Enter a value for test digit."), ("abc", "test digit must be a whole number, not “abc”."),
    ("NaN", "test digit must be a whole number, not “NaN”."), ("-1", "test digit must be at least 0."),
    ("2.5", "test digit must be a whole number."), ("100", "test digit must be at most 99."),
])
def test_bad_input_gets_a_short_message(opened, text, says):
    page = opened.page
    page.locator(f'{ROOT} [data-control="index"] input[type="text"]').fill(text)
    assert page.locator(f"{ROOT}").get_attribute("data-state") == "invalid"
    assert _read(page, "problem") == says
    assert not page.locator(f'{ROOT} [data-role="overview"]').is_visible()
    page.locator(f'{ROOT} [data-control="index"] input[type="text"]').fill("3")
    assert page.locator(f"{ROOT}").get_attribute("data-state") == "ok" and _read(page, "problem") == ""
    assert _read(page, "digit").startswith("Test digit 3:")


def test_every_control_is_labelled_and_reached_from_the_keyboard(opened):
    check_labels_and_keyboard(opened.page, f"{ROOT} input, {ROOT} [tabindex]", count=2 + 6 + 6 + 16 + 16 + 3,
                              spare_tabs=2, button_text=False)


def test_it_reflows_at_390_pixels_and_has_no_serious_accessibility_violation(opened):
    check_axe(opened.page)
    check_reflow(opened.page, "units")


_TIMES = """() => {
    const root = document.querySelector('[data-explorer="units"]');
    const time = (act) => { const start = performance.now(); act(); return performance.now() - start; };
    const hover = [], digit = [];
    const maps = Array.from(root.querySelectorAll('canvas[data-layer]'));
    for (let i = 0; i < 56; i++) {
        const map = maps[(i * 7) % maps.length];
        const box = map.getBoundingClientRect();
        const at = {clientX: box.left + ((i % 5) + 0.5) * box.width / map.width,
                    clientY: box.top + ((i % 3) + 0.5) * box.height / map.height, pointerType: 'mouse', bubbles: true};
        hover.push(time(() => map.dispatchEvent(new PointerEvent('pointermove', at))));
    }
    const box = root.querySelector('[data-control="index"] input[type="text"]');
    for (let i = 0; i < 50; i++) {
        digit.push(time(() => { box.value = String(i % 100); box.dispatchEvent(new Event('input', {bubbles: true})); }));
    }
    return {hover, digit};
}"""


def test_a_move_is_drawn_within_one_frame(opened):
    """From the event to the finished drawing, a hover and a new digit alike, within a frame (16.7 ms)."""
    assert_within_one_frame(opened.page.evaluate(_TIMES), "unit inspector, redraw")


# --- the same JavaScript as a widget in JupyterLab ---------------------------------------------------------

@pytest.fixture(scope="module")
def lab(mnist_dir, tmp_path_factory):
    with notebook_server(tmp_path_factory.mktemp("lab"), "units.ipynb", mnist_dir, (
        "from lenet5_lesson.explore import unit_inspector\ninspector = unit_inspector(layer='C1', map=2, row=4, col=4)\n"
        "inspector",
        "print('python sees', inspector.layer, inspector.map, inspector.row, inspector.col, inspector.index)",
        "inspector.select('C5', 7)",
    )) as found:
        yield found


def test_in_jupyterlab_the_page_and_the_python_traitlets_follow_each_other(browser, lab):
    with notebook_in_lab(browser, lab, "units.ipynb") as page:
        run_cell(page, 0)
        inspector = page.locator(f".jp-OutputArea {ROOT}")
        inspector.locator('[data-role="unit"]', has_text="C1 map 2, row 4, column 4").wait_for(timeout=240_000)
        # In the page -> Python: the arrow keys on a map, and a new digit.
        inspector.locator('canvas[data-layer="C1"][data-map="2"]').focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        assert inspector.locator('[data-role="unit"]').inner_text().startswith("C1 map 2, row 5, column 5")
        inspector.locator('[data-control="index"] input[type="text"]').fill("3")
        run_cell(page, 1)
        wait_for_output(page, 1, "python sees C1 2 5 5 3")
        # Python -> the page.
        run_cell(page, 2)
        inspector.locator('[data-role="unit"]', has_text="C5 unit 7:").wait_for(timeout=60_000)
        assert inspector.locator('[data-role="digit"]').inner_text().startswith("Test digit 3:")
