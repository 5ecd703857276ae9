"""The RBF viewer (``lenet5_lesson/explorers/rbf.py`` + ``rbf.js``): Python side, Chromium, JupyterLab.

The static face runs in Chromium from ``file://`` and over http with every outside request
blocked; the penalties it draws are compared with the shipped Keras model's output layer, its
answer with Keras' argmin, its F6 bitmap with Keras' F6. Then JupyterLab shows it as a widget fed
over the comm, and the page and the Python traitlets must follow each other.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import PageWatch, notebook_server, open_watched, page_base, write_explorer_page
from explorer_checks import (
    assert_within_one_frame, check_axe, check_labels_and_keyboard, check_reflow, notebook_in_lab, page_state,
    run_cell, table_index, wait_for_output,
)

from lenet5_lesson import explore
from lenet5_lesson.explorers.engine import SITE_DIGITS
from lenet5_lesson.explorers.rbf import RBFViewer, rbf_viewer

ROOT = '[data-explorer="rbf"]'
DIGITS = (0, 1, 7, 18, 99)
pytestmark = pytest.mark.usefixtures("mnist_env")


# --- Python side ------------------------------------------------------------------------------------------

def test_the_viewer_holds_its_digit_and_class_for_the_page():
    viewer = rbf_viewer(index=3, compare=7)
    assert isinstance(viewer, RBFViewer) and explore.rbf_viewer is rbf_viewer
    assert page_state(viewer) == {"index": 3, "compare": 7, "digit_count": SITE_DIGITS, "own_data": False}
    viewer.compare = None  # back to the answer
    viewer.index = SITE_DIGITS - 1
    assert page_state(viewer)["compare"] is None and page_state(viewer)["index"] == SITE_DIGITS - 1
    assert 'data-explorer="rbf"' in viewer._repr_mimebundle_()[0]["text/html"]
    assert not hasattr(explore, "rbf_viewer_static")


@pytest.mark.parametrize(("arguments", "error", "says"), [
    ({"index": -1}, ValueError, "index=-1 must be between 0 and 99"),
    ({"index": SITE_DIGITS}, ValueError, "index=100 must be between 0 and 99"),
    ({"index": 2.0}, TypeError, "index must be an integer"),
    ({"compare": 10}, ValueError, "compare=10 must be between 0 and 9"),
    ({"compare": True}, TypeError, "compare must be an integer"),
    ({"digits": "images"}, TypeError, "digits must be a tuple"),
])
def test_the_viewer_checks_its_arguments(arguments, error, says):
    with pytest.raises(error, match=says):
        rbf_viewer(**arguments)


def test_traitlets_set_later_are_checked_against_the_digits_it_holds(mnist):
    _, (x_test, y_test) = mnist
    viewer = rbf_viewer(digits=(x_test[:5], y_test[:5]))
    assert page_state(viewer)["digit_count"] == 5 and page_state(viewer)["lenet5_data"]["digits"]["count"] == 5
    viewer.index = 4
    with pytest.raises(ValueError, match="index=5 must be between 0 and 4"):
        viewer.index = 5
    with pytest.raises(ValueError, match="compare=-1"):
        viewer.compare = -1
    assert viewer.index == 4 and viewer.compare is None


# --- Chromium ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rbf")
    write_explorer_page(folder, "index.html", rbf_viewer())
    write_explorer_page(folder, "bare.html", rbf_viewer(), site=False)
    return folder


@pytest.fixture(scope="module")
def keras_outputs(mnist):
    """F6 and the ten penalties of the shipped model for the book's test digits, from Keras."""
    from lenet5_lesson import preprocess, pretrained
    from lenet5_lesson.figures.network import layer_outputs

    _, (x_test, y_test) = mnist
    out = layer_outputs(pretrained(), preprocess(x_test[:SITE_DIGITS]), ["F6", "output"])
    return out["F6"], out["output"], y_test[:SITE_DIGITS]


@pytest.fixture(params=["file", "http"])
def opened(request, browser, folder):
    with open_watched(browser, page_base(request, folder), ready=f'{ROOT}[data-state="ok"]') as watch:
        yield watch


# What the viewer shows, read from the page: penalties (bar data), the answer, F6 and the compared centre.
_SHOWN = """(root) => {
    const pixels = (role) => {
        const canvas = root.querySelector(`[data-role="${role}"]`);
        return Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data);
    };
    const bars = Array.from(root.querySelectorAll('[data-role="bars"] rect[data-class]'));
    return {
        penalties: bars.map((r) => Number(r.dataset.value)), red: bars.map((r) => r.getAttribute('fill')),
        verdict: root.querySelector('[data-role="verdict"]').textContent,
        sum: root.querySelector('[data-role="sum"]').textContent,
        pressed: Array.from(root.querySelectorAll('button[data-class]'), (b) => b.getAttribute('aria-pressed')),
        f6: pixels('f6'), centre: pixels('centre'), difference: pixels('difference'), input: pixels('input'),
    };
}"""


def _shown(page) -> dict:
    return page.locator(ROOT).evaluate(_SHOWN)


def _digit_box(page):
    return page.locator(f'{ROOT} [data-control="index"] input[type="text"]')


def _expected_colours(values, limit: float, table) -> list[int]:
    """values painted as live.paint does, RGBA bytes."""
    return [c for i in table_index(values, -limit, limit, table) for c in (*table[i], 255)]


def test_the_penalties_and_the_answer_are_keras_for_several_digits(opened, keras_outputs):
    from lenet5_lesson.figures.style import ACTIVATION_LIMIT, SIGNED_SCALE, colour_table

    f6s, penalties, labels = keras_outputs
    table = colour_table(SIGNED_SCALE)
    page = opened.page
    for index in DIGITS:
        _digit_box(page).fill(str(index))
        shown = _shown(page)
        np.testing.assert_allclose(shown["penalties"], penalties[index], rtol=1e-4, atol=2e-3)
        answer = int(np.argmin(penalties[index]))
        assert shown["verdict"].startswith(f"Label {labels[index]}, answer {answer}"), index
        assert shown["red"][answer] == "#c0392b" and shown["red"].count("#c0392b") == 1
        assert shown["pressed"] == ["true" if d == answer else "false" for d in range(10)]
        # F6 drawn as the book's 7-wide, 12-high bitmap, row by row, on ±1.7159 (a colour step of rounding allowed).
        expected = np.array(_expected_colours(f6s[index], ACTIVATION_LIMIT, table)).reshape(84, 4)
        drawn = np.array(shown["f6"]).reshape(84, 4)
        assert np.abs(drawn - expected).max() <= 12, index


def test_choosing_a_class_compares_f6_with_its_bitmap(opened, keras_outputs):
    from lenet5_lesson.bitmaps import rbf_centres
    from lenet5_lesson.figures.style import ACTIVATION_LIMIT, SIGNED_SCALE, colour_table

    f6s, penalties, _ = keras_outputs
    page = opened.page
    _digit_box(page).fill("1")
    table = colour_table(SIGNED_SCALE)
    worst = (ACTIVATION_LIMIT + 1) ** 2
    before = _shown(page)
    # The menu, a bitmap's button and a bar each choose a class.
    for choose, cls in [(lambda: page.locator(f"{ROOT} select").select_option("7"), 7),
                        (lambda: page.locator(f'{ROOT} button[data-class="3"]').click(), 3),
                        (lambda: page.locator(f'{ROOT} [data-role="bars"] rect[data-class="8"]').click(), 8)]:
        choose()
        shown = _shown(page)
        assert shown["pressed"].index("true") == cls and shown["pressed"].count("true") == 1
        assert shown["sum"].endswith(f"= {penalties[1][cls]:.2f}")
        assert shown["centre"] == _expected_colours(rbf_centres()[cls], ACTIVATION_LIMIT, table)
        squared = (f6s[1] - rbf_centres()[cls]) ** 2
        drawn = np.array(shown["difference"]).reshape(84, 4)
        assert np.abs(drawn - np.array(_expected_colours(squared, worst, table)).reshape(84, 4)).max() <= 12
        assert shown["difference"] != before["difference"] and shown["centre"] != before["centre"]
        before = shown
    assert page.locator(f"{ROOT} select").input_value() == "8"
    page.locator(f"{ROOT} select").select_option("")
    assert _shown(page)["pressed"].index("true") == int(np.argmin(penalties[1]))


def test_every_control_changes_what_is_shown(opened):
    page = opened.page
    first = _shown(page)
    slider = page.locator(f'{ROOT} [data-control="index"] input[type="range"]')
    slider.focus()
    page.keyboard.press("ArrowRight")  # the slider, from the keyboard
    moved = _shown(page)
    assert _digit_box(page).input_value() == "1"
    assert moved["input"] != first["input"] and moved["f6"] != first["f6"] and moved["penalties"] != first["penalties"]
    _digit_box(page).fill("2")
    assert _shown(page)["input"] != moved["input"]
    box = _digit_box(page)
    box.focus()
    page.keyboard.press("ArrowDown")
    assert box.input_value() == "1" and _shown(page)["input"] == moved["input"]
    page.locator(f'{ROOT} button[data-class="5"]').focus()
    page.keyboard.press("Enter")  # a bitmap's button, from the keyboard
    assert _shown(page)["pressed"][5] == "true"


@pytest.mark.parametrize(("text", "says"), [
    ("", "Enter a value for test digit."), ("abc", "test digit must be a whole number, not “abc”."),
    ("NaN", "test digit must be a whole number, not “NaN”."), ("-1", "test digit must be at least 0."),
    ("1.5", "test digit must be a whole number."), ("100", "test digit must be at most 99."),
])
def test_bad_input_gets_a_short_message(opened, text, says):
    page = opened.page
    _digit_box(page).fill(text)
    assert page.locator(f'{ROOT} [data-control="index"] .lenet5-live-message').inner_text() == says
    root = page.locator(ROOT)
    assert root.get_attribute("data-state") == "invalid"
    assert page.locator(f'{ROOT} [data-role="problem"]').inner_text() == says
    assert not page.locator(f'{ROOT} [data-role="bars"]').is_visible()
    _digit_box(page).fill("4")
    assert root.get_attribute("data-state") == "ok" and page.locator(f'{ROOT} [data-role="bars"]').is_visible()


def test_a_page_without_the_network_says_so(browser, folder):
    """No _static and no kernel: after the wait, the explorer shows the reason, and no console error."""
    watch = PageWatch(browser, folder.as_uri())
    watch.page.clock.install()
    watch.open("bare.html")
    assert watch.page.locator(ROOT).get_attribute("data-state") == "loading"
    assert watch.page.locator(ROOT).inner_text() == "Loading the trained network…"
    watch.page.clock.run_for(20_000)
    watch.page.wait_for_function(f"document.querySelector('{ROOT}').dataset.state === 'unavailable'")
    assert "The trained network is not on this page" in watch.page.locator(ROOT).inner_text()
    assert not watch.problems, "\n".join(watch.problems)
    watch.close()


def test_every_control_is_labelled_and_reached_by_the_keyboard(opened):
    # slider, box, menu and the ten bitmaps
    check_labels_and_keyboard(opened.page, f"{ROOT} input, {ROOT} select, {ROOT} button", count=13, spare_tabs=3,
                              button_text=False)


def test_it_reflows_at_390_pixels_and_has_no_serious_accessibility_violation(opened):
    page = opened.page
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.wait_for_timeout(100)
        check_axe(page, within=ROOT)
    check_reflow(page, "rbf")


def test_a_move_is_drawn_within_one_frame(opened):
    """Median and max over 50 moves of the digit and of the class, event to the end of the redraw."""
    times = opened.page.evaluate(f"""() => {{
        const root = document.querySelector('{ROOT}');
        const box = root.querySelector('[data-control="index"] input[type="text"]');
        const menu = root.querySelector('select');
        const out = [];
        for (let i = 0; i < 50; i++) {{
            let start = performance.now();
            box.value = String((i * 7) % 100);
            box.dispatchEvent(new Event('input', {{bubbles: true}}));
            root.getBoundingClientRect();
            out.push(performance.now() - start);
            start = performance.now();
            menu.value = String(i % 10);
            menu.dispatchEvent(new Event('change', {{bubbles: true}}));
            root.getBoundingClientRect();
            out.push(performance.now() - start);
        }}
        return out;
    }}""")
    assert_within_one_frame(times, "rbf redraw")


# --- JupyterLab -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(mnist_dir, tmp_path_factory):
    with notebook_server(tmp_path_factory.mktemp("lab"), "rbf.ipynb", mnist_dir, (
        "from lenet5_lesson.explore import rbf_viewer\nviewer = rbf_viewer()\nviewer",
        "print('python sees', viewer.index, viewer.compare)",
        "viewer.index = 1",
    )) as found:
        yield found


def test_in_jupyterlab_the_page_and_the_python_traitlets_follow_each_other(browser, lab):
    with notebook_in_lab(browser, lab, "rbf.ipynb") as page:
        run_cell(page, 0)
        viewer = page.locator(f".jp-OutputArea {ROOT}")
        viewer.locator('[data-role="verdict"]', has_text="Label 7, answer 7").wait_for(timeout=240_000)
        # In the page -> Python.
        viewer.locator('[data-control="index"] input[type="text"]').fill("18")
        viewer.locator('button[data-class="4"]').click()
        run_cell(page, 1)
        wait_for_output(page, 1, "python sees 18 4")
        # Python -> the page.
        run_cell(page, 2)
        viewer.locator('[data-role="verdict"]', has_text="Label 2, answer 2").wait_for(timeout=60_000)
        assert viewer.locator('[data-control="index"] input[type="range"]').input_value() == "1"
        assert viewer.locator('button[data-class="4"]').get_attribute("aria-pressed") == "true"
