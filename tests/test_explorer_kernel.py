"""The kernel explorer (``lenet5_lesson/explorers/kernel.py`` and ``kernel.js``): Python's side, then the page.

The page's maps are checked against Keras (the shipped network's own C1 output, for a trained
kernel loaded unchanged) and against numpy (any other kernel): the colour of every unit of the
canvases, and the numbers the readout gives for units the pointer touches. Then JupyterLab runs
the explorer as a widget: the page's edits reach Python, and Python's reach the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import PageWatch, notebook_server, open_watched, page_base, write_explorer_page
from explorer_checks import (
    SIGNED, assert_colours_match, assert_within_one_frame, canvas_pixels, check_axe, check_labels_and_keyboard,
    check_reflow, notebook_in_lab, page_state, run_cell, wait_for_output,
)

from lenet5_lesson import explore, paper, preprocess
from lenet5_lesson.explorers.kernel import HAND_KERNELS, MAX_WEIGHT, TRAINED_KERNELS, KernelExplorer

browser = pytest.mark.browser
pytestmark = pytest.mark.usefixtures("mnist_env")
ROOT_CSS = '[data-explorer="kernel"]'


@pytest.fixture(scope="module")
def keras_c1():
    """The shipped network, and a function giving its C1 maps of a test digit (28, 28, 6)."""
    import keras

    from lenet5_lesson import load_mnist
    from lenet5_lesson.pretrained import pretrained

    model = pretrained()
    c1 = keras.Model(model.input, model.get_layer("C1").output)
    _, (x_test, y_test) = load_mnist()
    return model, x_test, y_test, lambda i: keras.ops.convert_to_numpy(c1(preprocess(x_test[i])[None]))[0]


# --- Python's side ----------------------------------------------------------------------------------------------

def test_the_explorer_holds_its_digit_kernel_and_menu_for_the_page():
    ex = explore.kernel_explorer(index=4, kernel="blur")
    state = page_state(ex)
    assert state["index"] == 4 and state["kernel"] == "blur" and state["bias"] == 0.0
    assert state["weights"] == [1 / 25] * 25
    assert [name for name, _, _ in state["hand_kernels"]] == list(HAND_KERNELS)
    for name, weights, bias in state["hand_kernels"]:
        assert weights == HAND_KERNELS[name][0].ravel().tolist() and bias == HAND_KERNELS[name][1]
    assert state["digit_count"] == 100 and state["own_data"] is False
    # The only implementation is the JavaScript: the old Python faces are gone.
    assert not hasattr(explore, "kernel_explorer_static")
    assert 'data-explorer="kernel"' in ex._repr_mimebundle_()[0]["text/html"]


def test_setting_the_kernel_from_python_loads_it_and_a_trained_one_is_the_networks(keras_c1):
    model = keras_c1[0]
    ex = explore.kernel_explorer()
    ex.kernel = "sharpen"
    assert ex.weights == HAND_KERNELS["sharpen"][0].ravel().tolist()
    kernel, bias = model.get_layer("C1").get_weights()
    for m, name in enumerate(TRAINED_KERNELS):
        ex.kernel = name
        assert ex.weights == kernel[:, :, 0, m].ravel().tolist() and ex.bias == float(bias[m])
    ex.weights = np.arange(25.0).reshape(5, 5) / 10  # a 5x5 array is taken row by row
    assert ex.weights == [i / 10 for i in range(25)] and ex.kernel == TRAINED_KERNELS[-1]
    ex.bias = -3
    assert ex.bias == -3.0 and page_state(ex)["weights"][24] == 2.4


def test_a_kernel_of_a_given_model_comes_from_that_model(keras_c1):
    from lenet5_lesson import build_lenet5

    model = build_lenet5(compile=False)
    kernel, bias = model.get_layer("C1").get_weights()
    ex = explore.kernel_explorer(kernel="trained C1 map 3", model=model)
    assert ex.weights == kernel[:, :, 0, 3].ravel().tolist() and ex.bias == float(bias[3])
    assert "lenet5_data" in ex.page_state() and ex.own_data


@pytest.mark.parametrize(("arguments", "error", "says"), [
    ({"index": 100}, ValueError, "index=100 must be between 0 and 99"),
    ({"index": 1.0}, TypeError, "index must be an integer"),
    ({"index": True}, TypeError, "index must be an integer"),
    ({"kernel": "edge"}, ValueError, "kernel='edge' must be one of 'identity'"),
    ({"kernel": 3}, TypeError, "kernel must be a name"),
])
def test_the_arguments_are_checked(arguments, error, says):
    with pytest.raises(error, match=re.escape(says)):
        explore.kernel_explorer(**arguments)


@pytest.mark.parametrize(("name", "value", "error", "says"), [
    ("weights", [0.0] * 24, ValueError, "weights must be 25 numbers (a 5x5 array or a list), got 24"),
    ("weights", "0" * 25, TypeError, "weights must be 25 numbers"),
    ("weights", [0.0] * 7 + [float("nan")] + [0.0] * 17, ValueError,
     "weight row 2, column 3 must be a number, got NaN"),
    ("weights", [0.0] * 24 + ["1"], TypeError, "weight row 5, column 5 must be a number, got str"),
    ("weights", [0.0] * 24 + [MAX_WEIGHT + 1], ValueError,
     "weight row 5, column 5=101.0 must be between -100.0 and 100.0"),
    ("bias", float("inf"), ValueError, "bias=inf must be between"),
    ("bias", None, TypeError, "bias must be a number"),
    ("index", -1, ValueError, "index=-1 must be between 0 and 99"),
])
def test_traitlets_set_later_are_checked_and_keep_their_value(name, value, error, says):
    ex = explore.kernel_explorer()
    before = getattr(ex, name)
    with pytest.raises(error, match=re.escape(says)):
        setattr(ex, name, value)
    assert getattr(ex, name) == before


def test_the_index_is_checked_against_the_digits_given():
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    ex = KernelExplorer(index=2, digits=(images, np.array([1, 2, 3])))
    assert ex.digit_count == 3
    with pytest.raises(ValueError, match="index=3 must be between 0 and 2"):
        ex.index = 3


# --- the static face in Chromium --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kernel")
    write_explorer_page(folder, "index.html", explore.kernel_explorer())
    write_explorer_page(folder, "alone.html", explore.kernel_explorer(), site=False)
    return folder


@pytest.fixture(params=["file", "http"])
def opened(request, browser, folder):
    """The explorer's page from file:// or over http, outside requests blocked and counted."""
    with open_watched(browser, page_base(request, folder), ready=f'{ROOT_CSS}[data-state="ok"]') as watch:
        yield watch


def _weight(page, i: int):
    return page.locator(f'{ROOT_CSS} input[data-weight="{i}"]')


def _text(page, role: str) -> str:
    return page.locator(f'{ROOT_CSS} [data-role="{role}"]').inner_text()


def _state(page) -> str:
    return page.locator(ROOT_CSS).get_attribute("data-state")


def _picture(page, role: str) -> str:
    return page.locator(f'{ROOT_CSS} canvas[data-role="{role}"]').evaluate("canvas => canvas.toDataURL()")


def _assert_painted(page, role: str, values: np.ndarray, low: float, high: float) -> None:
    """Every unit of the canvas has its value's colour on the signed table (or a neighbour's, at a rounding edge)."""
    assert_colours_match(canvas_pixels(page.locator(f'{ROOT_CSS} canvas[data-role="{role}"]')), values, low, high,
                         SIGNED, what=role)


def _read_unit(page, row: int, col: int) -> tuple[float, float]:
    """Point at one unit of the squashed map; what the readout then says of a and f(a)."""
    box = page.locator(f'{ROOT_CSS} canvas[data-role="squashed"]').bounding_box()
    page.mouse.move(box["x"] + (col + 0.5) * box["width"] / 28, box["y"] + (row + 0.5) * box["height"] / 28)
    text = _text(page, "readout").replace("−", "-")
    assert f"row {row}, column {col}" in text, text
    a, f = re.search(r"a = (-?\d+\.\d+), f\(a\) = (-?\d+\.\d+)", text).groups()
    return float(a), float(f)


def _sums(image: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    """A 'valid' cross-correlation plus the bias, as Keras' Conv2D computes one map, in double precision."""
    x = preprocess(image)[:, :, 0].astype(np.float64)
    windows = np.lib.stride_tricks.sliding_window_view(x, (5, 5))
    return np.einsum("ijkl,kl->ij", windows, np.asarray(weights, dtype=np.float64).reshape(5, 5)) + bias


def _squash(a: np.ndarray) -> np.ndarray:
    return paper.SQUASH_A * np.tanh(paper.SQUASH_S * a)


def _half_range(page) -> float:
    return float(page.locator(f'{ROOT_CSS} canvas[data-role="sums"]').get_attribute("data-range"))


def _check_maps(page, image, weights, bias) -> None:
    """What the page shows equals numpy's sums and squashing of ``image`` under the kernel."""
    a = _sums(image, weights, bias)
    assert _half_range(page) >= max(np.abs(a).max(), paper.SQUASH_A) - 1e-9
    _assert_painted(page, "sums", a, -_half_range(page), _half_range(page))
    _assert_painted(page, "squashed", _squash(a), -paper.SQUASH_A, paper.SQUASH_A)
    legend = _text(page, "sums-legend").replace("−", "-")
    assert legend.startswith(f"28×28, from {a.min():.2f} to {a.max():.2f}; drawn on -")


@browser
@pytest.mark.parametrize("m", range(6))
def test_a_trained_kernel_loaded_unchanged_gives_the_networks_own_c1_map(opened, keras_c1, m):
    page = opened.page
    _, x_test, _, c1 = keras_c1
    index = 7 + m
    page.locator(f'{ROOT_CSS} [data-control="index"] input[type="text"]').fill(str(index))
    page.locator(f'{ROOT_CSS} select').select_option(TRAINED_KERNELS[m])
    assert "as the network learned it" in _text(page, "kernel-status")
    expected = c1(index)[..., m]
    _assert_painted(page, "squashed", expected, -paper.SQUASH_A, paper.SQUASH_A)
    for row, col in [(0, 0), (5, 9), (14, 14), (20, 6), (27, 27)]:
        _, f = _read_unit(page, row, col)
        assert f == pytest.approx(expected[row, col], abs=6e-5), (row, col)


@browser
def test_the_agreement_check_notices_a_wrong_map(opened, keras_c1):
    """The checks can fail: the network's map of another C1 kernel is not what the page shows."""
    page = opened.page
    page.locator(f'{ROOT_CSS} select').select_option(TRAINED_KERNELS[0])
    with pytest.raises(AssertionError):
        _assert_painted(page, "squashed", keras_c1[3](0)[..., 1], -paper.SQUASH_A, paper.SQUASH_A)
    with pytest.raises(AssertionError):
        _check_maps(page, keras_c1[1][1], [0.0] * 25, 0.0)


@browser
def test_every_control_changes_the_maps_as_numpy_does(opened, keras_c1):
    page = opened.page
    x_test = keras_c1[1]
    weights, bias = HAND_KERNELS["vertical edge"][0].ravel().tolist(), 0.0
    assert _text(page, "kernel-status") == "vertical edge, as made by hand."
    assert [float(_weight(page, i).input_value()) for i in range(25)] == weights
    _check_maps(page, x_test[0], weights, bias)
    # The digit, by its box and from the keyboard on its slider.
    before = _picture(page, "input")
    page.locator(f'{ROOT_CSS} [data-control="index"] input[type="text"]').fill("5")
    assert _picture(page, "input") != before and "Test digit 5, a " in _text(page, "input-legend")
    _check_maps(page, x_test[5], weights, bias)
    page.locator(f'{ROOT_CSS} [data-control="index"] input[type="range"]').focus()
    page.keyboard.press("ArrowRight")
    _check_maps(page, x_test[6], weights, bias)
    # One weight box, typed and stepped from the keyboard; the maps follow at once.
    before = _picture(page, "sums")
    _weight(page, 12).fill("1.5")
    weights[12] = 1.5
    assert _picture(page, "sums") != before
    assert _text(page, "kernel-status") == "Edited from vertical edge."
    assert page.locator(f'{ROOT_CSS} select').input_value() == ""
    _check_maps(page, x_test[6], weights, bias)
    _weight(page, 0).focus()
    page.keyboard.press("ArrowUp")
    weights[0] = round(weights[0] + 0.1, 10)
    assert _weight(page, 0).input_value() == "-0.1"
    _check_maps(page, x_test[6], weights, bias)
    # The bias.
    page.locator(f'{ROOT_CSS} [data-role="bias"]').fill("-0.75")
    _check_maps(page, x_test[6], weights, -0.75)
    a, f = _read_unit(page, 10, 12)
    expected = _sums(x_test[6], weights, -0.75)[10, 12]
    assert a == pytest.approx(expected, abs=6e-5) and f == pytest.approx(_squash(expected), abs=6e-5)
    # Every kernel of the menu fills the 25 boxes and the bias.
    for name, (kernel, kernel_bias) in HAND_KERNELS.items():
        page.locator(f'{ROOT_CSS} select').select_option(name)
        assert [float(_weight(page, i).input_value()) for i in range(25)] == pytest.approx(kernel.ravel(), abs=5e-5)
        assert float(page.locator(f'{ROOT_CSS} [data-role="bias"]').input_value()) == kernel_bias
        _check_maps(page, x_test[6], kernel.ravel(), kernel_bias)
    # Where the squashing levels off: a strong kernel drives many units there, and the page counts them.
    page.locator(f'{ROOT_CSS} select').select_option("identity")
    _weight(page, 12).fill("8")
    a = _sums(x_test[6], [8.0 if i == 12 else 0.0 for i in range(25)], 0.0)
    flat = int((np.abs(a) >= np.arctanh(0.9) / paper.SQUASH_S).sum())
    assert flat > 50 and _text(page, "levelled").startswith(f"{flat} of the 784 units have |a| ≥ 2.21")


@browser
@pytest.mark.parametrize(("where", "text", "says"), [
    ("weight", "", "Enter a value for weight row 3, column 3."),
    ("weight", "abc", "weight row 3, column 3 must be a number, not “abc”."),
    ("weight", "NaN", "weight row 3, column 3 must be a number, not “NaN”."),
    ("weight", "101", "weight row 3, column 3 must be at most 100."),
    ("weight", "-1e3", "weight row 3, column 3 must be at least −100."),
    ("bias", "x", "bias must be a number, not “x”."),
    ("digit", "100", "test digit must be at most 99."),
    ("digit", "1.5", "test digit must be a whole number."),
])
def test_bad_input_gets_a_short_message_and_the_maps_wait(opened, keras_c1, where, text, says):
    page = opened.page
    box = {"weight": _weight(page, 12), "bias": page.locator(f'{ROOT_CSS} [data-role="bias"]'),
           "digit": page.locator(f'{ROOT_CSS} [data-control="index"] input[type="text"]')}[where]
    before = _picture(page, "squashed")
    box.fill(text)
    assert _state(page) == "invalid" and box.get_attribute("aria-invalid") == "true"
    if where != "digit":
        assert _text(page, "problem") == f"{says} The maps wait until every box holds a number."
    else:
        assert page.locator(f'{ROOT_CSS} [data-control="index"] .lenet5-live-message').inner_text() == says
    # Another box still moves the model, but the maps wait for the wrong one.
    _weight(page, 0).fill("0.5")
    assert _state(page) == "invalid" and _picture(page, "squashed") == before
    box.fill({"weight": "0", "bias": "0", "digit": "0"}[where])
    assert _state(page) == "ok" and _text(page, "problem") == ""
    weights = HAND_KERNELS["vertical edge"][0].ravel().copy()
    weights[0] = 0.5
    _check_maps(page, keras_c1[1][0], weights, 0.0)


@browser
def test_loading_a_kernel_mends_a_wrong_box(opened):
    page = opened.page
    _weight(page, 3).fill("oops")
    assert _state(page) == "invalid"
    page.locator(f'{ROOT_CSS} select').select_option("blur")
    assert _state(page) == "ok" and _weight(page, 3).input_value() == "0.04"
    assert _weight(page, 3).get_attribute("aria-invalid") is None


@browser
def test_without_the_network_the_explorer_says_so(browser, folder):
    watch = PageWatch(browser, folder.as_uri())
    watch.page.clock.install()
    watch.open("alone.html")
    assert _text(watch.page, "loading") == "Loading the trained network…" and _state(watch.page) == "loading"
    watch.page.clock.run_for(16_000)
    watch.page.wait_for_function(f"document.querySelector('{ROOT_CSS}').dataset.state === 'unavailable'")
    assert "The trained network is not on this page" in _text(watch.page, "problem")
    assert not watch.problems, "\n".join(watch.problems)
    watch.close()


@browser
def test_every_control_is_labelled_and_reached_from_the_keyboard(opened):
    page = opened.page
    check_labels_and_keyboard(page, f"{ROOT_CSS} input, {ROOT_CSS} select", count=2 + 1 + 25 + 1, spare_tabs=3,
                              button_text=False)
    # The menu from the keyboard.
    page.locator(f"{ROOT_CSS} select").focus()
    page.keyboard.press("ArrowDown")
    assert _text(page, "kernel-status") == "horizontal edge, as made by hand."


@browser
def test_touch_reads_a_unit(browser, folder):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type in ("error", "warning") else None)
    page.goto(f"{folder.as_uri()}/index.html")
    page.wait_for_function(f"document.querySelector('{ROOT_CSS}').dataset.state === 'ok'")
    canvas = page.locator(f'{ROOT_CSS} canvas[data-role="sums"]')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.touchscreen.tap(box["x"] + 3.5 * box["width"] / 28, box["y"] + 20.5 * box["height"] / 28)
    assert "Unit at row 20, column 3" in _text(page, "readout")
    context.close()
    assert not errors


@browser
def test_the_explorer_reflows_at_390_pixels_and_has_no_serious_accessibility_violations(opened):
    check_reflow(opened.page, "kernel")
    check_axe(opened.page)


_TIMES = """() => {
    const root = document.querySelector('[data-explorer="kernel"]');
    const weight = root.querySelector('input[data-weight="12"]');
    const digit = root.querySelector('[data-control="index"] input[type="text"]');
    const menu = root.querySelector('select');
    const names = Array.from(menu.options).map(o => o.value).filter(Boolean);
    const time = (input, value, event) => {
        const start = performance.now();
        input.value = value;
        input.dispatchEvent(new Event(event, {bubbles: true}));
        return performance.now() - start;
    };
    const out = {weight: [], digit: [], menu: []};
    for (let i = 0; i < 50; i++) {
        out.weight.push(time(weight, String(0.1 * i), 'input'));
        out.digit.push(time(digit, String(i), 'input'));
        out.menu.push(time(menu, names[i % names.length], 'change'));
    }
    return out;
}"""


@browser
def test_a_move_is_drawn_within_one_frame(opened):
    """From the input event to the finished drawing: a median well under a frame (16.7 ms)."""
    assert_within_one_frame(opened.page.evaluate(_TIMES), "kernel explorer, 50 moves")


# --- the same JavaScript as a widget in JupyterLab ------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(mnist_dir, tmp_path_factory):
    with notebook_server(tmp_path_factory.mktemp("lab"), "kernel.ipynb", mnist_dir, (
        "from lenet5_lesson.explore import kernel_explorer\nex = kernel_explorer()\nex",
        "print('python sees', ex.weights[12], ex.index, ex.kernel)",
        "ex.kernel = 'blur'",
    )) as found:
        yield found


@browser
def test_in_jupyterlab_the_page_and_the_python_traitlets_follow_each_other(browser, lab):
    with notebook_in_lab(browser, lab, "kernel.ipynb", screenshot="kernel_explorer_lab.png") as page:
        run_cell(page, 0)
        widget = page.locator(f'.jp-OutputArea {ROOT_CSS}[data-state="ok"]')
        widget.wait_for(timeout=240_000)  # the network comes over the comm: JupyterLab has no _static
        # In the page -> Python.
        widget.locator('input[data-weight="12"]').fill("0.75")
        widget.locator('[data-control="index"] input[type="text"]').fill("3")
        assert widget.locator('[data-role="kernel-status"]').inner_text() == "Edited from vertical edge."
        run_cell(page, 1)
        wait_for_output(page, 1, "python sees 0.75 3 vertical edge")
        # Python -> the page.
        before = widget.locator('canvas[data-role="sums"]').evaluate("c => c.toDataURL()")
        run_cell(page, 2)
        widget.locator('[data-role="kernel-status"]', has_text="blur, as made by hand.").wait_for(timeout=60_000)
        assert widget.locator('input[data-weight="12"]').input_value() == "0.04"
        assert widget.locator('canvas[data-role="sums"]').evaluate("c => c.toDataURL()") != before
