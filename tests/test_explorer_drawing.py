"""The drawing pad (``explorers/drawing.py`` + ``drawing.js`` + ``network_view.js``).

Python side: the fitting of a drawing into an MNIST-like digit (the reference the page is held
to), the strokes' checks, the traitlets. In Chromium, the static face from ``file://`` and over
http, every other request blocked: the same strokes, drawn with the mouse, a touch or loaded from
an example, give the page the 28x28 digit Python's :func:`to_mnist` gives, and the maps, penalties
and answer of Keras for it; Clear, Undo and an empty pad; labels, keyboard, 390 px and axe. Last,
JupyterLab: a drawing made in the page reaches Python's ``strokes``, and strokes set from Python
are drawn and read in the page.
"""

from __future__ import annotations

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
from lenet5_lesson.explorers.drawing import (
    CANVAS, EXAMPLE_DRAWINGS, MAX_POINTS, DrawingPad, checked_strokes, classify_drawing, rasterize, to_mnist,
)

#: A 7 drawn in two moves from its start, the mouse sent in steps of whole pixels.
SEVEN = [(70, 60), (210, 60), (120, 240)]
STEPS = 20

pytestmark = pytest.mark.usefixtures("mnist_env")


# --- Python side ------------------------------------------------------------------------------------

def test_a_drawing_is_fitted_as_mnist_digits_were():
    digit = to_mnist(rasterize([[[40, 40], [40, 240]], [[40, 240], [100, 240]]]))
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    rows, cols = np.nonzero(digit)
    # The ink's bounding box scaled into 20x20, its centre of mass near the centre of 28x28.
    assert rows.max() - rows.min() + 1 == 20 and cols.max() - cols.min() + 1 < 20
    yy, xx = np.indices(digit.shape)
    mass = digit.astype(float).sum()
    assert abs((yy * digit).sum() / mass - 13.5) <= 0.5 and abs((xx * digit).sum() / mass - 13.5) <= 0.5
    assert 0 < digit[digit > 0].min() < 255  # anti-aliased edges
    assert not to_mnist(rasterize([])).any()


def test_every_example_drawing_is_read_as_its_digit():
    assert [classify_drawing(drawing)["prediction"] for drawing in EXAMPLE_DRAWINGS] == list(range(10))


def test_the_pad_holds_its_strokes_for_the_page():
    pad = explore.drawing_pad(strokes=EXAMPLE_DRAWINGS[3])
    assert isinstance(pad, DrawingPad)
    state = page_state(pad)
    assert state["strokes"] == EXAMPLE_DRAWINGS[3] and len(state["examples"]) == 10
    assert state["pad"] == {"size": CANVAS, "pen_radius": 11, "box": 20, "field": 28}
    np.testing.assert_array_equal(pad.digit, to_mnist(rasterize(EXAMPLE_DRAWINGS[3])))
    pad.strokes = [[[1, 2], [3, 4.5]]]
    assert page_state(pad)["strokes"] == [[[1.0, 2.0], [3.0, 4.5]]]
    assert page_state(explore.drawing_pad())["strokes"] == []


@pytest.mark.parametrize(("strokes", "error", "says"), [
    ("line", TypeError, "strokes must be a list of strokes"),
    ([5], TypeError, "each stroke must be a list of [x, y] points"),
    ([[1, 2]], TypeError, "each point of a stroke must be a pair [x, y], got int 1"),
    ([[[1, 2, 3]]], ValueError, "each point of a stroke must be a pair [x, y]"),
    ([[[1, "2"]]], TypeError, "y must be a number, got str '2'"),
    ([[[-1, 2]]], ValueError, f"x=-1 must be between 0 and {CANVAS}"),
    ([[[1, float("nan")]]], ValueError, "y must be a number, got NaN"),
    ([[[1, 1]] * (MAX_POINTS + 1)], ValueError, f"at most {MAX_POINTS} points"),
])
def test_strokes_are_checked(strokes, error, says):
    with pytest.raises(error, match=says.replace("[", r"\[").replace("]", r"\]")):
        checked_strokes(strokes)
    with pytest.raises(error):
        explore.drawing_pad(strokes=strokes)
    pad = explore.drawing_pad()
    with pytest.raises((error, traitlets.TraitError)):
        pad.strokes = strokes
    assert pad.strokes == []


# --- in Chromium ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("drawing")
    write_explorer_page(folder, "index.html", explore.drawing_pad())
    return folder


@pytest.fixture(params=["file", "http"])
def opened(request, browser, folder):
    with open_watched(browser, page_base(request, folder), ready='[data-explorer="drawing"][data-state="empty"]',
                      timeout=20_000) as watch:
        yield watch


def _root(page):
    return page.locator('[data-explorer="drawing"]')


def assert_reads_like_python(root, strokes, tolerance: int = 1) -> None:
    """The page's 28x28 digit is to_mnist's for these strokes; its maps, penalties and answer Keras'."""
    digit = to_mnist(rasterize(strokes))
    pixels = root.evaluate(READ_CANVASES)
    assert_colours_match(pixels["digit"], digit, 0, 255, INK, tolerance)
    outputs = keras_layer_outputs(preprocess(digit))
    assert_layers_match(pixels, outputs)
    np.testing.assert_allclose(penalties_shown(root), outputs["output"], rtol=1e-3, atol=1e-3)
    assert root.locator('[data-role="answer"]').inner_text() == \
        f"The network reads it as {int(np.argmin(outputs['output']))}."


def _mouse_strokes(page, root) -> list[list[list[float]]]:
    """Draw SEVEN with the mouse; the points the page is sent, in the pad's pixels."""
    box = root.locator('[data-role="pad"]').bounding_box()
    scale = CANVAS / box["width"]
    at = lambda x, y: (box["x"] + x / scale, box["y"] + y / scale)  # noqa: E731
    page.mouse.move(*at(*SEVEN[0]))
    page.mouse.down()
    points = [list(SEVEN[0])]
    for start, end in zip(SEVEN[:-1], SEVEN[1:]):
        page.mouse.move(*at(*end), steps=STEPS)
        points += [[start[0] + (end[0] - start[0]) * i / STEPS, start[1] + (end[1] - start[1]) * i / STEPS]
                   for i in range(1, STEPS + 1)]
    page.mouse.up()
    return [points]


@pytest.mark.browser
def test_the_example_drawings_read_as_python_reads_them(opened):
    root = _root(opened.page)
    for d in (0, 4, 8):
        root.locator(f'button[data-example="{d}"]').click()
        assert root.get_attribute("data-state") == "ok"
        assert_reads_like_python(root, EXAMPLE_DRAWINGS[d], tolerance=0)


@pytest.mark.browser
def test_the_check_of_the_digit_notices_another_drawing(opened):
    root = _root(opened.page)
    root.locator('button[data-example="4"]').click()
    with pytest.raises(AssertionError):
        assert_reads_like_python(root, EXAMPLE_DRAWINGS[1])


@pytest.mark.browser
def test_drawing_with_the_mouse_is_read_as_it_is_drawn(opened):
    page = opened.page
    root = _root(page)
    assert root.locator('[data-role="answer"]').inner_text().startswith("Nothing drawn yet")
    assert root.locator('[data-role="maps"]').is_hidden()
    strokes = _mouse_strokes(page, root)
    assert root.get_attribute("data-state") == "ok"
    assert_reads_like_python(root, strokes, tolerance=2)
    # A second stroke adds to the first; Undo takes it away again, Clear everything.
    box = root.locator('[data-role="pad"]').bounding_box()
    before = root.evaluate(READ_CANVASES)["digit"]
    page.mouse.move(box["x"] + 100, box["y"] + 150)
    page.mouse.down()
    page.mouse.move(box["x"] + 190, box["y"] + 150, steps=10)
    page.mouse.up()
    assert root.evaluate(READ_CANVASES)["digit"] != before
    root.locator('[data-role="undo"]').click()
    assert root.evaluate(READ_CANVASES)["digit"] == before
    root.locator('[data-role="clear"]').click()
    assert root.get_attribute("data-state") == "empty"
    assert root.locator('[data-role="answer"]').inner_text().startswith("Nothing drawn yet")


@pytest.mark.browser
def test_a_finger_draws_too(opened):
    """Touch comes as pointer events of type "touch"; the pad takes them and lets no gesture scroll it."""
    root = _root(opened.page)
    assert root.locator('[data-role="pad"]').evaluate("(pad) => getComputedStyle(pad).touchAction") == "none"
    root.locator('[data-role="pad"]').evaluate("""(pad) => {
        const r = pad.getBoundingClientRect();
        const send = (type, x, y) => pad.dispatchEvent(new PointerEvent(type, {pointerId: 7, pointerType: 'touch',
            isPrimary: true, bubbles: true, cancelable: true, clientX: r.left + x, clientY: r.top + y}));
        send('pointerdown', 140, 40);
        for (let y = 50; y <= 240; y += 10) send('pointermove', 140, y);
        send('pointerup', 140, 240);
    }""")
    assert root.get_attribute("data-state") == "ok"
    assert root.locator('[data-role="answer"]').inner_text() == "The network reads it as 1."


@pytest.mark.browser
def test_controls_are_labelled_and_reached_from_the_keyboard(opened):
    page = opened.page
    check_labels_and_keyboard(page, controls("drawing"))
    # The keyboard's way to a drawing: an example button, pressed with Enter.
    _root(page).locator('button[data-example="7"]').focus()
    page.keyboard.press("Enter")
    assert _root(page).locator('[data-role="answer"]').inner_text() == "The network reads it as 7."


@pytest.mark.browser
def test_the_pad_reflows_at_390_pixels_and_still_draws(opened):
    page = opened.page
    root = _root(page)
    root.locator('button[data-example="2"]').click()
    check_reflow(page, "drawing")
    root.locator('[data-role="clear"]').click()
    strokes = _mouse_strokes(page, root)  # the pad is smaller now: the points are scaled back to 280x280
    assert_reads_like_python(root, strokes, tolerance=3)


@pytest.mark.browser
def test_axe_finds_nothing_serious(opened):
    _root(opened.page).locator('button[data-example="5"]').click()
    check_axe(opened.page)


@pytest.mark.browser
def test_a_pen_move_is_drawn_within_one_frame(opened):
    """From a pointer move to the digit fitted, the network run and every map drawn: 50 moves."""
    times = _root(opened.page).locator('[data-role="pad"]').evaluate("""(pad) => {
        const r = pad.getBoundingClientRect();
        const send = (type, x, y) => pad.dispatchEvent(new PointerEvent(type, {pointerId: 3, pointerType: 'mouse',
            button: 0, isPrimary: true, bubbles: true, cancelable: true, clientX: r.left + x, clientY: r.top + y}));
        send('pointerdown', 60, 60);
        const out = [];
        for (let i = 1; i <= 50; i++) {
            const start = performance.now();
            send('pointermove', 60 + 3 * i, 60 + 3.5 * i);
            out.push(performance.now() - start);
        }
        send('pointerup', 210, 235);
        return out;
    }""")
    assert_within_one_frame(times, "drawing pad, pen move")


# --- in JupyterLab --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(mnist_dir, tmp_path_factory):
    with notebook_server(tmp_path_factory.mktemp("lab"), "drawing.ipynb", mnist_dir, (
        "from lenet5_lesson.explore import drawing_pad\nfrom lenet5_lesson.explorers.drawing import EXAMPLE_DRAWINGS\n"
        "pad = drawing_pad()\npad",
        "print('python sees', len(pad.strokes), 'strokes of', sum(map(len, pad.strokes)), 'points, ink', "
        "int(pad.digit.astype(int).sum()))",
        "pad.strokes = EXAMPLE_DRAWINGS[6]",
    )) as found:
        yield found


@pytest.mark.browser
def test_in_jupyterlab_the_drawing_and_python_follow_each_other(browser, lab):
    with notebook_in_lab(browser, lab, "drawing.ipynb") as page:
        run_cell(page, 0)
        root = page.locator('.jp-OutputArea [data-explorer="drawing"]')
        root.locator('[data-role="answer"]', has_text="Nothing drawn yet").wait_for(timeout=240_000)
        root.scroll_into_view_if_needed()
        strokes = _mouse_strokes(page, root)
        ink = int(to_mnist(rasterize(strokes)).astype(int).sum())
        run_cell(page, 1)
        said = wait_for_output(page, 1, "python sees").inner_text().split()
        assert said[2:6] == ["1", "strokes", "of", str(1 + 2 * STEPS)]
        assert abs(int(said[-1]) - ink) <= 0.01 * ink
        run_cell(page, 2)
        root.locator('[data-role="answer"]', has_text="The network reads it as 6.").wait_for(timeout=60_000)
