"""The feature-map explorer (``explorers/maps.py`` + ``maps.js`` + ``network_view.js``).

Python side: its arguments and traitlets. In Chromium, its static face from ``file://`` and over
http, every other request blocked: every map shown, read back from the canvases, must have the
colour of Keras' own layer output for that digit, the penalties and the answer Keras' too; every
control changes what is shown, bad input gets a message, the controls are labelled and reached
from the keyboard, the page reflows at 390 px and axe finds nothing serious. Last, JupyterLab:
the page and the Python traitlets follow each other.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import traitlets
from conftest import keras_layer_outputs, notebook_server, open_watched, page_base, write_explorer_page
from explorer_checks import (
    INK, READ_CANVASES, assert_colours_match, assert_layers_match, assert_within_one_frame, check_axe,
    check_labels_and_keyboard, check_reflow, controls, notebook_in_lab, page_state, penalties_shown, run_cell,
    wait_for_output,
)

from lenet5_lesson import explore, preprocess
from lenet5_lesson.explorers.engine import SITE_DIGITS, site_digits
from lenet5_lesson.explorers.maps import LAYER_CHOICES, FeatureMapExplorer

pytestmark = pytest.mark.usefixtures("mnist_env")


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


# --- in Chromium ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("maps")
    write_explorer_page(folder, "index.html", explore.feature_map_explorer(layer="all"))
    return folder


@pytest.fixture(params=["file", "http"])
def opened(request, browser, folder):
    """The explorer's page from file:// or over http, outside requests blocked, no console errors."""
    with open_watched(browser, page_base(request, folder), ready='[data-explorer="maps"][data-state="ok"]',
                      timeout=20_000) as watch:
        yield watch


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
    check_labels_and_keyboard(opened.page, controls("maps"))


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
    assert_within_one_frame(times, "feature-map explorer, new digit")


# --- in JupyterLab --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(mnist_dir, tmp_path_factory):
    with notebook_server(tmp_path_factory.mktemp("lab"), "maps.ipynb", mnist_dir, (
        "from lenet5_lesson.explore import feature_map_explorer\nmaps = feature_map_explorer()\nmaps",
        "print('python sees', maps.index, maps.layer)",
        "maps.index = 8; maps.layer = 'output'",
    )) as found:
        yield found


@pytest.mark.browser
def test_in_jupyterlab_the_page_and_the_python_traitlets_follow_each_other(browser, lab, keras_outputs):
    with notebook_in_lab(browser, lab, "maps.ipynb") as page:
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
