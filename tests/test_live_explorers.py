"""The live explorers (``lenet5_lesson/explorers/live.py``) in Debian's Chromium: both faces of one JavaScript.

The static face (the widget's ``text/html``, what the HTML book shows) is written into a page
that is opened from ``file://`` and from a local http server, with every other request blocked;
every control is moved there and what the explorer shows is compared with the package's own
arithmetic (``lenet5_lesson.shapes``) and with numpy. The shape calculator's output size and its
decision between an output and a message are checked against Python on a full grid of small
settings and on settings hypothesis draws, large ones included. Then a real JupyterLab, served
by a local Jupyter server, runs a notebook that displays the widget: a control moved in the page
must reach the Python traitlet, and a traitlet set from Python must redraw the page. Last, the
built chapter's "Live code" button (thebe, against that local server) must run the squashing
explorer as a widget too, its front end from the book's own require.js, no outside server.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from conftest import USE_LOCAL_SERVER, PageWatch, notebook_server, open_watched, page_base, write_explorer_page
from explorer_checks import (
    assert_within_one_frame, check_keyboard_reach, check_labels, check_reflow, notebook_in_lab, run_cell,
    wait_for_output,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lenet5_lesson import explore, paper
from lenet5_lesson.explorers.shape import MAX_INTEGER, SHAPE_PRESETS
from lenet5_lesson.explorers.squash import MAX_FACTOR
from lenet5_lesson.figures.grids import _CELL_COLOURS
from lenet5_lesson.shapes import conv_output_size, effective_kernel, kernel_positions, leftover

pytestmark = pytest.mark.browser

NAMES = ("n", "k", "s", "p", "d")
CANVAS = 720
RED = (0xD6, 0x27, 0x28)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("live")
    write_explorer_page(folder, "index.html", explore.shape_calculator(), explore.squashing_explorer(), site=False)
    # Two of one explorer on a page must not share anything.
    write_explorer_page(folder, "twice.html", explore.shape_calculator(), explore.shape_calculator(n=10, k=3),
                        site=False)
    return folder


@pytest.fixture(params=["file", "http"])
def opened(request, browser, folder):
    """The page of both explorers, from file:// or over http, outside requests blocked and counted."""
    with open_watched(browser, page_base(request, folder)) as watch:
        yield watch


@pytest.fixture(scope="module")
def shape_page(browser, folder):
    """One page kept open for the many settings of the agreement tests."""
    with open_watched(browser, folder.as_uri()) as watch:
        yield watch


def _text(page, explorer: str, role: str) -> str:
    return page.locator(f'[data-explorer="{explorer}"] [data-role="{role}"]').inner_text()


def _state(page, explorer: str) -> str:
    return page.locator(f'[data-explorer="{explorer}"]').get_attribute("data-state")


def _box(page, explorer: str, name: str):
    return page.locator(f'[data-explorer="{explorer}"] [data-control="{name}"] input[type="text"]')


def _slider(page, explorer: str, name: str):
    return page.locator(f'[data-explorer="{explorer}"] [data-control="{name}"] input[type="range"]')


def _set_shape(page, **values) -> None:
    for name, value in values.items():
        _box(page, "shape", name).fill(str(value))


def _expected_output(n, k, s, p, d) -> str:
    try:
        out = conv_output_size(n, k, s, p, d)
    except ValueError:
        return "No output."
    return f"Output: {out} × {out}"


# Every setting typed into the boxes in turn, as a reader would, and what the explorer then says.
_RUN_SETTINGS = """(settings) => {
    const root = document.querySelector('[data-explorer="shape"]');
    const box = (name) => root.querySelector(`[data-control="${name}"] input[type="text"]`);
    const read = (role) => root.querySelector(`[data-role="${role}"]`).textContent;
    return settings.map((setting) => {
        ['n', 'k', 's', 'p', 'd'].forEach((name, i) => {
            box(name).value = setting[i];
            box(name).dispatchEvent(new Event('input', {bubbles: true}));
        });
        return [root.dataset.state, read('output'), read('problem'), read('details'), read('formula')];
    });
}"""


def _check_agreement(page, batch) -> None:
    shown = page.page.evaluate(_RUN_SETTINGS, [[str(v) for v in setting] for setting in batch])
    for setting, (state, output, problem, details, formula) in zip(batch, shown):
        n, k, s, p, d = setting
        try:
            out = conv_output_size(n, k, s, p, d)
        except ValueError:
            assert state == "impossible" and output == "No output.", setting
            assert "cannot be placed anywhere" in problem and f"{n} + 2·{p} = {n + 2 * p} pixels" in problem, setting
            assert formula.endswith("no kernel position fits"), setting
            continue
        assert state == "ok" and output == f"Output: {out} × {out}" and problem == "", (setting, output)
        assert formula.endswith(f"/ {s}) + 1 = {out}"), (setting, formula)
        assert f"d(k − 1) + 1 = {effective_kernel(k, d)} pixels" in details, setting
        assert f"takes {out * out} positions" in details, setting
        # shapes.leftover lists every position, which a huge setting has too many of; the same by arithmetic:
        rest = leftover(n, k, s, p, d) if out <= 10_000 else n + 2 * p - ((out - 1) * s + effective_kernel(k, d))
        assert ("every row and column" in details) == (rest == 0), (setting, details)
        if rest:
            assert f"the last {rest} pixel" in details, (setting, details)


def test_shape_arithmetic_agrees_with_python_on_every_small_setting(shape_page):
    grid = list(itertools.product(range(1, 13), range(1, 7), range(1, 4), range(3), range(1, 4)))
    _check_agreement(shape_page, grid)


_SMALL = st.tuples(st.integers(1, 40), st.integers(1, 12), st.integers(1, 6), st.integers(0, 6), st.integers(1, 4))
_LARGE = st.tuples(*(st.integers(low, MAX_INTEGER) for low in (1, 1, 1, 0, 1)))
_MIXED = st.tuples(st.integers(1, 10**6), st.integers(1, 2000), st.integers(1, 50), st.integers(0, 10**5),
                   st.integers(1, 300))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_SMALL, _LARGE, _MIXED), min_size=1, max_size=40))
def test_shape_arithmetic_agrees_with_python_on_drawn_settings(shape_page, batch):
    _check_agreement(shape_page, batch)


def test_the_agreement_check_notices_a_wrong_formula(browser, folder):
    """The check can fail: run on an explorer whose formula adds 2 instead of 1, it does."""
    right = "const count = (size - span) / s + 1n;"
    page = write_explorer_page(folder, "wrong.html", explore.shape_calculator(), site=False)
    html = page.read_text(encoding="utf-8")
    assert html.count(right) == 1
    page.write_text(html.replace(right, "const count = (size - span) / s + 2n;"), encoding="utf-8")
    watch = PageWatch(browser, folder.as_uri())
    watch.open("wrong.html")
    with pytest.raises(AssertionError):
        _check_agreement(watch, [(32, 5, 1, 0, 1)])
    watch.close()


def _cell_colours(page, size: int, cells) -> list[tuple[int, int, int]]:
    """The canvas colour inside each (row, column) cell, away from its dot and its grid lines."""
    return [tuple(c) for c in page.evaluate("""([size, cells, canvasSize]) => {
        const canvas = document.querySelector('[data-explorer="shape"] [data-role="grid"]');
        const context = canvas.getContext('2d');
        const cell = canvasSize / size;
        return cells.map(([r, c]) => Array.from(
            context.getImageData(Math.floor((c + 0.2) * cell), Math.floor((r + 0.8) * cell), 1, 1).data.slice(0, 3)));
    }""", [size, cells, CANVAS])]


def _dot_colours(page, centres) -> list[tuple[int, int, int]]:
    return [tuple(c) for c in page.evaluate("""(centres) => {
        const context = document.querySelector('[data-explorer="shape"] [data-role="grid"]').getContext('2d');
        return centres.map(([x, y]) => Array.from(context.getImageData(Math.floor(x), Math.floor(y), 1, 1).data.slice(0, 3)));
    }""", centres)]


def _categories(n, k, s, p, d) -> np.ndarray:
    """What each cell of the padded grid should be, from kernel_positions (indices into grids.CELL_LABELS)."""
    size = n + 2 * p
    cells = np.ones((size, size), dtype=int)
    cells[p:p + n, p:p + n] = 0
    read = np.zeros(size, dtype=bool)
    for start in kernel_positions(n, k, s, p, d):
        read[start + d * np.arange(k)] = True
    cells[~(read[:, None] & read[None, :]) & (cells == 0)] = 2
    first = d * np.arange(k)
    cells[np.ix_(first, first)] = 3
    return cells


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize("setting", [(32, 5, 1, 0, 1), (10, 3, 3, 0, 1), (7, 3, 2, 1, 1), (9, 3, 1, 0, 2),
                                     (12, 2, 4, 2, 3), (5, 5, 1, 0, 1)])
def test_the_grid_shows_every_cell_and_every_kernel_position(shape_page, setting):
    n, k, s, p, d = setting
    _set_shape(shape_page.page, **dict(zip(NAMES, setting)))
    expected = _categories(*setting)
    size = len(expected)
    cells = [[r, c] for r in range(size) for c in range(size)]
    colours = _cell_colours(shape_page.page, size, cells)
    wrong = [(r, c) for (r, c), colour in zip(cells, colours) if colour != _rgb(_CELL_COLOURS[expected[r, c]])]
    assert not wrong, f"{setting}: cells drawn in the wrong colour: {wrong[:10]}"
    cell = CANVAS / size
    centres = [(start + (effective_kernel(k, d) - 1) / 2 + 0.5) * cell for start in kernel_positions(n, k, s, p, d)]
    dots = _dot_colours(shape_page.page, [[x, y] for y in centres for x in centres])
    assert dots == [RED] * len(centres) ** 2
    assert shape_page.page.locator('[data-explorer="shape"] [data-role="grid"]').get_attribute("aria-label")


def test_every_shape_control_changes_what_is_shown(opened):
    page = opened.page
    assert _text(page, "shape", "output") == "Output: 28 × 28"
    picture = page.locator('[data-explorer="shape"] [data-role="grid"]')
    settings_now = dict(n=32, k=5, s=1, p=0, d=1)
    for name, value in [("n", 28), ("k", 3), ("s", 2), ("p", 1), ("d", 2)]:
        before = picture.evaluate("canvas => canvas.toDataURL()")
        _box(page, "shape", name).fill(str(value))
        settings_now[name] = value
        assert _text(page, "shape", "output") == _expected_output(**settings_now), name
        assert picture.evaluate("canvas => canvas.toDataURL()") != before, name
        assert _slider(page, "shape", name).input_value() == str(value)
    # Each slider, from the keyboard: one step right is one more.
    for name in NAMES:
        slider = _slider(page, "shape", name)
        slider.focus()
        page.keyboard.press("ArrowRight")
        settings_now[name] += 1
        assert _box(page, "shape", name).input_value() == str(settings_now[name]), name
        assert _text(page, "shape", "output") == _expected_output(**settings_now), name
    # The up and down arrows step a box.
    box = _box(page, "shape", "k")
    box.focus()
    page.keyboard.press("ArrowDown")
    settings_now["k"] -= 1
    assert box.input_value() == str(settings_now["k"])
    assert _text(page, "shape", "output") == _expected_output(**settings_now)
    # The menu of settings.
    menu = page.locator('[data-explorer="shape"] select')
    for index, (label, *values) in enumerate(SHAPE_PRESETS):
        menu.select_option(str(index))
        assert _text(page, "shape", "output") == _expected_output(*values), label
        assert [_box(page, "shape", name).input_value() for name in NAMES] == [str(v) for v in values]
    _box(page, "shape", "n").fill("31")
    assert menu.input_value() == "", "a setting of one's own is not a preset"


def test_an_impossible_setting_explains_itself_instead_of_a_blank(opened):
    page = opened.page
    _set_shape(page, n=4, k=7, p=0)
    assert _state(page, "shape") == "impossible" and _text(page, "shape", "output") == "No output."
    problem = _text(page, "shape", "problem")
    assert "The kernel (k = 7) is wider than the padded input (4 + 2·0 = 4 pixels)" in problem
    assert page.locator('[data-explorer="shape"] [data-role="problem"]').is_visible()
    assert not page.locator('[data-explorer="shape"] [data-role="grid"]').is_visible()
    _set_shape(page, d=2)
    assert "k = 7 with dilation d = 2 spans 13 pixels" in _text(page, "shape", "problem")
    _set_shape(page, d=1, p=2)  # 4 + 4 = 8 >= 7: an output again
    assert _text(page, "shape", "output") == "Output: 2 × 2" and _text(page, "shape", "problem") == ""
    assert page.locator('[data-explorer="shape"] [data-role="grid"]').is_visible()
    _set_shape(page, n=2000, k=5, p=0)
    assert _text(page, "shape", "output") == "Output: 1996 × 1996"
    assert "too many to draw" in _text(page, "shape", "note")


@pytest.mark.parametrize(("text", "says"), [
    ("", "Enter a value for input size n."), ("abc", "input size n must be a whole number, not “abc”."),
    ("NaN", "input size n must be a whole number, not “NaN”."), ("-3", "input size n must be at least 1."),
    ("2.5", "input size n must be a whole number."), ("0", "input size n must be at least 1."),
    (str(MAX_INTEGER + 1), f"input size n must be at most {MAX_INTEGER}."),
])
def test_bad_shape_input_gets_a_short_message(opened, text, says):
    page = opened.page
    box = _box(page, "shape", "n")
    box.fill(text)
    message = page.locator('[data-explorer="shape"] [data-control="n"] .lenet5-live-message')
    assert message.inner_text() == says and box.get_attribute("aria-invalid") == "true"
    assert _state(page, "shape") == "invalid" and says in _text(page, "shape", "problem")
    # The slider still moves the explorer, and mends the box.
    _slider(page, "shape", "n").fill("20")
    assert _state(page, "shape") == "ok" and _text(page, "shape", "output") == "Output: 16 × 16"
    assert box.input_value() == "20" and box.get_attribute("aria-invalid") is None and message.inner_text() == ""


def test_padding_may_be_zero_but_not_negative(opened):
    page = opened.page
    _box(page, "shape", "p").fill("-1")
    assert _text(page, "shape", "problem") == "padding p must be at least 0."
    _box(page, "shape", "p").fill("0")
    assert _state(page, "shape") == "ok"


def test_two_explorers_on_one_page_keep_their_own_state(browser, folder):
    with open_watched(browser, folder.as_uri(), "twice.html") as watch:
        _check_two_explorers(watch)


def _check_two_explorers(watch) -> None:
    outputs = watch.page.locator('[data-explorer="shape"] [data-role="output"]')
    assert outputs.all_inner_texts() == ["Output: 28 × 28", "Output: 8 × 8"]
    watch.page.locator('[data-explorer="shape"]').nth(1).locator('[data-control="k"] input[type="text"]').fill("5")
    assert outputs.all_inner_texts() == ["Output: 28 × 28", "Output: 6 × 6"]
    ids = watch.page.evaluate("() => Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
    assert len(ids) == len(set(ids))


def _f_of_one(page) -> str:
    return _text(page, "squash", "f-of-one")


def test_every_squash_control_changes_the_curve_and_the_numbers(opened):
    page = opened.page
    assert _f_of_one(page).endswith("= 1.0000") and "the paper chose" in _text(page, "squash", "verdict")
    curve = page.locator('[data-explorer="squash"] [data-role="curve"]')
    amplitude, slope = paper.SQUASH_A, paper.SQUASH_S
    for name, value in [("amplitude", 2.0), ("slope", 1.5)]:
        before = curve.get_attribute("points")
        _box(page, "squash", name).fill(str(value))
        amplitude, slope = (value, slope) if name == "amplitude" else (amplitude, value)
        one = amplitude * np.tanh(slope)
        assert _f_of_one(page) == f"f(1) = A · tanh(S) = {amplitude:.4f} · tanh({slope:.4f}) = {one:.4f}"
        assert _text(page, "squash", "f-of-minus-one").endswith(f"−{one:.4f}")
        assert curve.get_attribute("points") != before, name
        assert f"{one - 1:.4f} above 1" in _text(page, "squash", "verdict")
    # The curve passes through the marks: its point at a = 1 is the mark of f(1).
    points = [tuple(map(float, xy.split(","))) for xy in curve.get_attribute("points").split()]
    mark = page.locator('[data-explorer="squash"] [data-role="mark-plus"]')
    assert points[100] == pytest.approx((float(mark.get_attribute("cx")), float(mark.get_attribute("cy"))), abs=0.06)
    for name in ("amplitude", "slope"):
        slider = _slider(page, "squash", name)
        slider.focus()
        before = _f_of_one(page)
        page.keyboard.press("ArrowLeft")
        assert _f_of_one(page) != before, name
    page.locator('[data-explorer="squash"] button').click()
    assert _f_of_one(page).endswith("= 1.0000")
    assert _box(page, "squash", "slope").input_value() == "0.6667"


@pytest.mark.parametrize(("text", "says"), [
    ("", "Enter a value for amplitude A."), ("abc", "amplitude A must be a number, not “abc”."),
    ("NaN", "amplitude A must be a number, not “NaN”."), ("-1", "amplitude A must be greater than 0."),
    ("0", "amplitude A must be greater than 0."), ("11", f"amplitude A must be at most {MAX_FACTOR:g}."),
])
def test_bad_squash_input_gets_a_short_message(opened, text, says):
    page = opened.page
    _box(page, "squash", "amplitude").fill(text)
    assert page.locator('[data-explorer="squash"] [data-control="amplitude"] .lenet5-live-message').inner_text() == says
    assert _state(page, "squash") == "invalid" and says in _text(page, "squash", "problem")
    _box(page, "squash", "amplitude").fill("1.5")
    assert _state(page, "squash") == "ok" and _f_of_one(page).endswith(f"{1.5 * np.tanh(paper.SQUASH_S):.4f}")


CONTROLS = "[data-explorer] input, [data-explorer] select, [data-explorer] button"


def test_every_control_has_a_label(opened):
    check_labels(opened.page, CONTROLS)


def test_the_keyboard_reaches_every_control(opened):
    check_keyboard_reach(opened.page, CONTROLS)


@pytest.mark.parametrize("explorer", ["shape", "squash"])
def test_the_explorers_reflow_at_390_pixels(opened, explorer):
    check_reflow(opened.page, explorer)


def test_a_move_is_drawn_within_one_frame(opened):
    """From the input event to the finished drawing, well under a frame (16.7 ms) on this busy machine."""
    times = opened.page.evaluate("""() => {
        const box = document.querySelector('[data-explorer="shape"] [data-control="n"] input[type="text"]');
        const slope = document.querySelector('[data-explorer="squash"] [data-control="slope"] input[type="text"]');
        const out = [];
        for (let i = 0; i < 30; i++) {
            for (const [input, value] of [[box, String(20 + i % 40)], [slope, String(0.5 + i / 30)]]) {
                const start = performance.now();
                input.value = value;
                input.dispatchEvent(new Event('input', {bubbles: true}));
                out.push(performance.now() - start);
            }
        }
        return out;
    }""")
    assert_within_one_frame(times, "shape and squash explorers")


# --- the same JavaScript as a widget in JupyterLab, against a live kernel ---------------------------------

@pytest.fixture(scope="module")
def lab(mnist_dir, tmp_path_factory):
    """JupyterLab on 127.0.0.1, serving a folder with one notebook that displays both explorers."""
    with notebook_server(tmp_path_factory.mktemp("lab"), "live.ipynb", mnist_dir, (
        "from lenet5_lesson.explore import shape_calculator, squashing_explorer\ncalc = shape_calculator()\ncalc",
        "print('python sees', calc.n, calc.k)",
        "calc.k = 3",
        "squash = squashing_explorer()\nsquash",
        "print('python sees amplitude', squash.amplitude)",
        "squash.slope = 1.5",
    )) as found:
        yield found


def test_in_jupyterlab_the_page_and_the_python_traitlets_follow_each_other(browser, lab):
    with notebook_in_lab(browser, lab, "live.ipynb", screenshot="live_explorers_lab.png") as page:
        run_cell(page, 0)
        shape = page.locator('.jp-OutputArea [data-explorer="shape"]')
        shape.locator('[data-role="output"]', has_text="28 × 28").wait_for(timeout=240_000)
        # In the page -> Python.
        shape.locator('[data-control="n"] input[type="text"]').fill("20")
        assert shape.locator('[data-role="output"]').inner_text() == "Output: 16 × 16"
        run_cell(page, 1)
        wait_for_output(page, 1, "python sees 20 5")
        # Python -> the page.
        run_cell(page, 2)
        shape.locator('[data-role="output"]', has_text="18 × 18").wait_for(timeout=60_000)
        assert shape.locator('[data-control="k"] input[type="text"]').input_value() == "3"
        assert shape.locator('[data-control="k"] input[type="range"]').input_value() == "3"

        run_cell(page, 3)
        squash = page.locator('.jp-OutputArea [data-explorer="squash"]')
        squash.locator('[data-role="f-of-one"]', has_text="1.0000").wait_for(timeout=60_000)
        slider = squash.locator('[data-control="amplitude"] input[type="range"]')
        slider.focus()
        page.keyboard.press("ArrowLeft")
        moved = float(squash.locator('[data-control="amplitude"] input[type="text"]').input_value())
        assert moved == pytest.approx(1.71)
        run_cell(page, 4)
        wait_for_output(page, 4, "python sees amplitude 1.71")
        run_cell(page, 5)
        squash.locator('[data-role="f-of-one"]', has_text=f"{1.71 * np.tanh(1.5):.4f}").wait_for(timeout=60_000)


def test_the_live_code_button_runs_the_explorer_as_a_widget_from_the_books_own_scripts(watch, jupyter_server):
    base, token = jupyter_server
    watch.allowed.add(urlsplit(base).netloc)
    watch.open("book/04_c1.html")
    static = watch.page.locator('[data-explorer="squash"]')
    assert static.count() == 1 and static.get_attribute("id"), "the page should show the static face first"
    watch.page.evaluate(USE_LOCAL_SERVER, [base, token])
    watch.page.locator(".dropdown-launch-buttons button").first.click()
    watch.page.locator("button.btn-launch-thebe").click()
    # Not the button's "server-ready", which comes before the kernel: a run asked for then never starts.
    watch.page.wait_for_function("() => window.thebe && thebe.session && thebe.session.kernel "
                                 "&& thebe.session.kernel.status === 'idle'", timeout=120_000)
    watch.page.locator(".thebe-cell").first.locator("button.thebe-runall-button").click()
    # The widget's view replaces the static face; anywidget's element has no id.
    widget = watch.page.locator('[data-explorer="squash"]:not([id])')
    widget.wait_for(timeout=300_000)
    assert watch.page.locator('[data-explorer="squash"]').count() == 1
    widget.locator('[data-control="slope"] input[type="text"]').fill("1.5")
    assert widget.locator('[data-role="f-of-one"]').inner_text().endswith(f"{paper.SQUASH_A * np.tanh(1.5):.4f}")
    watch.page.wait_for_function("""() => thebe.notebook.cells.every(c => c.executionCount !== null && !c.isBusy)""",
                                 timeout=300_000)
    assert not watch.problems, "\n".join(watch.problems)
