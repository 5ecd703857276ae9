"""The C3 table editor (``lenet5_lesson/explorers/c3.py`` and ``c3.js``): Python side, Chromium, JupyterLab.

The static face is written into a page that loads the book's in-browser LeNet-5 from ``_static``
and is opened from ``file://`` and over http with every other request blocked. What the page
draws is compared with Keras and numpy: with Table I its C3 maps must be Keras' C3 output; with
connections switched off they must be a numpy convolution of Keras' S2 output with the trained
kernels of the connections left, and connections outside Table I (zero kernels) must leave the
maps as they were. The comparison reads the canvases' pixels and accepts the colour of the
expected value or a neighbouring one of the 255 in the book's signed table. Then JupyterLab runs
a notebook displaying the editor: a button pressed in the page reaches ``editor.table`` and a
table set from Python redraws the page.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import PageWatch, notebook_server, open_watched, page_base, write_explorer_page
from explorer_checks import (
    SIGNED, assert_within_one_frame, check_axe, check_labels_and_keyboard, check_reflow, colour_mismatches,
    notebook_in_lab, run_cell, wait_for_output,
)

from lenet5_lesson import explore, paper, preprocess
from lenet5_lesson.explorers import engine
from lenet5_lesson.explorers.c3 import C3_PRESETS, C3TableEditor, checked_table
from lenet5_lesson.figures.style import ACTIVATION_LIMIT

pytestmark = pytest.mark.usefixtures("mnist_env")
ROOT = '[data-explorer="c3"]'
TABLE_I = [list(inputs) for inputs in paper.C3_TABLE]


def _params(table) -> int:
    return sum(25 * len(inputs) + 1 for inputs in table)


# --- Python side -------------------------------------------------------------------------------------------

def test_the_editor_holds_the_table_the_digit_and_the_presets_for_the_page():
    editor = explore.c3_table_editor(index=7)
    state = editor.page_state()
    assert state["table"] == TABLE_I and state["paper_table"] == TABLE_I and state["index"] == 7
    assert [label for label, _ in state["presets"]] == [label for label, _ in C3_PRESETS]
    assert state["presets"][0][1] == TABLE_I and _params(state["presets"][1][1]) == 2416
    assert state["digit_count"] == engine.SITE_DIGITS and not state["own_data"]
    assert _params(TABLE_I) == paper.PAPER_PARAMETERS["C3"] and 100 * _params(TABLE_I) == paper.PAPER_CONNECTIONS["C3"]
    html = editor._repr_mimebundle_()[0]["text/html"]
    assert 'data-explorer="c3"' in html and html.count("<script") == 1 and "export default" in editor._esm
    # The old Python faces are gone.
    assert not hasattr(explore, "c3_table_editor_static")


def test_a_table_is_normalised_and_may_leave_a_map_without_inputs():
    table = [[2, 0, 1]] + [[]] * 15
    editor = explore.c3_table_editor(table)
    assert editor.table == [[0, 1, 2]] + [[]] * 15
    editor.table = [list(range(6))] * 16
    assert editor.table[15] == [0, 1, 2, 3, 4, 5]
    assert checked_table(tuple(map(tuple, paper.C3_TABLE))) == TABLE_I


@pytest.mark.parametrize(("arguments", "error", "says"), [
    ({"index": 100}, ValueError, r"index=100 must be between 0 and 99"),
    ({"index": -1}, ValueError, r"index=-1 must be between 0 and 99"),
    ({"index": 1.0}, TypeError, "index must be an integer"),
    ({"table": "abc"}, TypeError, "table must be a sequence of 16 sequences"),
    ({"table": [[0]] * 15}, ValueError, "table must have 16 entries, one per C3 map, got 15"),
    ({"table": [[0, 0]] + [[1]] * 15}, ValueError, r"table\[0\] lists an S2 map twice"),
    ({"table": [[6]] * 16}, ValueError, r"table\[0\] \(an S2 map\)=6 must be between 0 and 5"),
    ({"table": [[1.0]] * 16}, TypeError, r"table\[0\] \(an S2 map\) must be an integer"),
    ({"table": [3] * 16}, TypeError, r"table\[0\] must be a sequence of S2 maps"),
])
def test_the_editor_checks_its_arguments(arguments, error, says):
    with pytest.raises(error, match=says):
        explore.c3_table_editor(**arguments)


def test_traitlets_set_later_are_checked_against_the_digits_given():
    images, labels = engine.site_digits()
    editor = C3TableEditor(digits=(images[:5], labels[:5]))
    assert editor.digit_count == 5 and editor.page_state()["lenet5_data"]["digits"]["count"] == 5
    editor.index = 4
    with pytest.raises(ValueError, match="index=5 must be between 0 and 4"):
        editor.index = 5
    with pytest.raises(ValueError, match="lists an S2 map twice"):
        editor.table = [[1, 1]] * 16
    assert editor.index == 4 and editor.table == TABLE_I


# --- the oracle: Keras' S2 and C3, and numpy's C3 for any table ---------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("c3")
    write_explorer_page(folder, "index.html", explore.c3_table_editor())
    write_explorer_page(folder, "offline.html", explore.c3_table_editor(), site=False)
    return folder


@pytest.fixture(scope="module")
def oracle(folder):
    """The weights and digits the page loads, and Keras' S2 and C3 outputs for some of those digits."""
    import keras

    from lenet5_lesson import pretrained

    static = folder / "_static" / "lenet5"
    arrays, _ = engine.read_weights_script((static / engine.WEIGHTS_JS).read_text())
    images, labels, _ = engine.read_digits_script((static / engine.DIGITS_JS).read_text())
    model = pretrained()
    for name, array in engine.model_arrays(model).items():
        np.testing.assert_array_equal(arrays[name], array, err_msg=name)
    probe = keras.Model(model.inputs, [model.get_layer("S2").output, model.get_layer("C3").output])
    s2, c3 = probe.predict(preprocess(images), verbose=0)
    return {"arrays": arrays, "labels": labels, "S2": s2, "C3": c3, "model": model, "images": images}


def numpy_c3(oracle, index: int, table) -> np.ndarray:
    """C3 of digit ``index`` from Keras' S2, with the trained kernel of every pair of ``table`` that Table I has."""
    kernel = oracle["arrays"]["C3/kernel"].astype(np.float64)
    bias = oracle["arrays"]["C3/bias"].astype(np.float64)
    s2 = oracle["S2"][index].astype(np.float64)
    pairs = [(i, o) for o, inputs in enumerate(paper.C3_TABLE) for i in inputs]
    sums = np.broadcast_to(bias, (10, 10, 16)).copy()
    for o, inputs in enumerate(table):
        for i in inputs:
            if (i, o) not in pairs:
                continue  # never trained: a zero kernel
            k = kernel[:, :, pairs.index((i, o))]
            for ky in range(5):
                for kx in range(5):
                    sums[:, :, o] += k[ky, kx] * s2[ky:ky + 10, kx:kx + 10, i]
    return paper.SQUASH_A * np.tanh(paper.SQUASH_S * sums)


def test_the_numpy_oracle_is_keras_for_table_i(oracle):
    for index in (0, 7):
        np.testing.assert_allclose(numpy_c3(oracle, index, paper.C3_TABLE), oracle["C3"][index], atol=2e-5)


def _shown_maps(page) -> np.ndarray:
    """The 16 C3 canvases' pixels, (16, 10, 10, 3)."""
    pixels = page.evaluate(f"""() => Array.from({{length: 16}}, (_, o) => {{
        const canvas = document.querySelector('{ROOT} [data-role="c3-' + o + '"]');
        return Array.from(canvas.getContext('2d').getImageData(0, 0, 10, 10).data);
    }})""")
    return np.array(pixels).reshape(16, 10, 10, 4)[..., :3]


def _mismatches(shown: np.ndarray, values: np.ndarray) -> list[tuple[int, int, int]]:
    """(map, row, column) of every pixel whose colour is not that of its value or a neighbouring colour."""
    return [(o, *divmod(int(k), 10)) for o in range(16)
            for k in colour_mismatches(shown[o], values[..., o], -ACTIVATION_LIMIT, ACTIVATION_LIMIT, SIGNED)]


def _assert_maps(page, values: np.ndarray) -> None:
    wrong = _mismatches(_shown_maps(page), values)
    assert not wrong, f"{len(wrong)} pixels drawn in the wrong colour, first {wrong[:5]}"


# --- Chromium ------------------------------------------------------------------------------------------------

@pytest.fixture(params=["file", "http"])
def opened(request, browser, folder):
    with open_watched(browser, page_base(request, folder), ready=f'{ROOT}[data-state="ok"]') as watch:
        yield watch


def _cell(page, i: int, o: int):
    return page.locator(f'{ROOT} button[data-s2="{i}"][data-c3="{o}"]')


def _shown_table(page) -> list[list[int]]:
    pressed = page.evaluate(f"""() => Array.from(document.querySelectorAll('{ROOT} button.cell'))
        .map(b => [Number(b.dataset.s2), Number(b.dataset.c3), b.getAttribute('aria-pressed')])""")
    table = [[] for _ in range(16)]
    for i, o, state in sorted(pressed):
        assert state in ("true", "false")
        if state == "true":
            table[o].append(i)
    return table


def _counts(page) -> tuple[int, int]:
    read = lambda role: int(page.locator(f'{ROOT} [data-role="{role}"]').inner_text().replace(",", ""))  # noqa: E731
    return read("parameters"), read("connections")


@pytest.mark.browser
def test_table_i_shows_keras_c3_and_the_papers_counts(opened, oracle):
    page = opened.page
    assert _shown_table(page) == TABLE_I
    assert _counts(page) == (1516, 151_600)
    assert page.locator(f'{ROOT} [data-role="status"]').inner_text() == "Table I of the paper"
    _assert_maps(page, oracle["C3"][0])
    label = int(oracle["labels"][0])
    assert f"Test digit 0 is a {label}" in page.locator(f'{ROOT} [data-role="prediction"]').inner_text()
    assert page.locator(f'{ROOT} [data-role="read"]').inner_text() == str(label)


@pytest.mark.browser
def test_switching_connections_off_recomputes_the_maps_with_the_kernels_left(opened, oracle):
    page = opened.page
    table = [list(inputs) for inputs in TABLE_I]
    for i, o in [(0, 0), (2, 0), (4, 9), (0, 15), (5, 15)]:
        _cell(page, i, o).click()
        table[o].remove(i)
        assert _cell(page, i, o).get_attribute("aria-pressed") == "false"
        assert _cell(page, i, o).get_attribute("data-kind") == "removed"
    assert _shown_table(page) == table and _counts(page) == (_params(table), 100 * _params(table))
    expected = numpy_c3(oracle, 0, table)
    _assert_maps(page, expected)
    # The check can fail: the maps of Table I are no longer what is drawn.
    assert {o for o, _, _ in _mismatches(_shown_maps(page), oracle["C3"][0])} == {0, 9, 15}
    changed = page.evaluate(f"""() => Array.from(document.querySelectorAll('{ROOT} .lenet5-c3-map[data-c3]'))
        .filter(f => f.dataset.changed === 'true').map(f => Number(f.dataset.c3))""")
    assert changed == [0, 9, 15]
    assert "5 connections of Table I switched off" in page.locator(f'{ROOT} [data-role="remarks"]').inner_text()


@pytest.mark.browser
def test_a_connection_outside_table_i_changes_the_counts_but_not_the_maps(opened, oracle):
    page = opened.page
    before = _shown_maps(page)
    _cell(page, 3, 0).click()  # S2 map 3 -> C3 map 0: not in Table I
    cell = _cell(page, 3, 0)
    assert cell.get_attribute("aria-pressed") == "true" and cell.get_attribute("data-kind") == "new"
    assert cell.inner_text() == "0"
    assert _counts(page) == (1516 + 25, 100 * (1516 + 25))
    np.testing.assert_array_equal(_shown_maps(page), before)
    remarks = page.locator(f'{ROOT} [data-role="remarks"]').inner_text()
    assert "1 connection is not in Table I" in remarks and "kernel of zeros" in remarks
    assert page.locator(f'{ROOT} [data-role="status"]').inner_text() == "A table of your own"


@pytest.mark.browser
def test_every_preset_sets_its_table_and_restore_brings_table_i_back(opened, oracle):
    page = opened.page
    for label, table in C3_PRESETS[1:]:
        page.locator(f'{ROOT} button[data-preset="{label}"]').click()
        table = [sorted(inputs) for inputs in table]
        assert _shown_table(page) == table, label
        assert _counts(page) == (_params(table), 100 * _params(table)), label
        assert page.locator(f'{ROOT} [data-role="status"]').inner_text() == f"Preset: {label}"
        _assert_maps(page, numpy_c3(oracle, 0, table))
    # "no connections" was last: every map is its squashed bias alone, and the remarks say so.
    bias = oracle["arrays"]["C3/bias"].astype(np.float64)
    constant = paper.SQUASH_A * np.tanh(paper.SQUASH_S * bias)
    _assert_maps(page, np.broadcast_to(constant, (10, 10, 16)))
    remarks = page.locator(f'{ROOT} [data-role="remarks"]').inner_text()
    for o in range(16):
        assert f"C3 map {o} has no inputs; only its bias is left" in remarks
    assert f"= {constant[3]:.4f}".replace("-", "−") in remarks
    assert "no inputs: bias only" in page.locator(f'{ROOT} .lenet5-c3-map[data-c3="3"] .lenet5-c3-caption').inner_text()
    page.locator(f'{ROOT} button[data-preset="Table I"]').click()
    assert page.locator(f'{ROOT} button[data-preset="Table I"]').inner_text() == "Restore Table I"
    assert _shown_table(page) == TABLE_I and _counts(page) == (1516, 151_600)
    _assert_maps(page, oracle["C3"][0])


@pytest.mark.browser
def test_the_digit_control_redraws_the_maps_and_bad_input_gets_a_message(opened, oracle):
    page = opened.page
    box = page.locator(f'{ROOT} [data-control="index"] input[type="text"]')
    digit = page.locator(f'{ROOT} [data-role="digit"]')
    before = digit.evaluate("canvas => canvas.toDataURL()")
    box.fill("7")
    assert digit.evaluate("canvas => canvas.toDataURL()") != before
    _assert_maps(page, oracle["C3"][7])
    _cell(page, 1, 1).click()
    table = [list(inputs) for inputs in TABLE_I]
    table[1].remove(1)
    _assert_maps(page, numpy_c3(oracle, 7, table))
    message = page.locator(f'{ROOT} [data-control="index"] .lenet5-live-message')
    for text, says in [("", "Enter a value for test digit."), ("abc", "test digit must be a whole number, not “abc”."),
                       ("NaN", "test digit must be a whole number, not “NaN”."), ("2.5", "test digit must be a whole number."),
                       ("-1", "test digit must be at least 0."), ("100", "test digit must be at most 99.")]:
        box.fill(text)
        assert message.inner_text() == says and box.get_attribute("aria-invalid") == "true"
        assert page.locator(ROOT).get_attribute("data-state") == "invalid"
        assert says in page.locator(f'{ROOT} [data-role="problem"]').inner_text()
    slider = page.locator(f'{ROOT} [data-control="index"] input[type="range"]')
    slider.focus()
    page.keyboard.press("ArrowRight")  # from 7, the digit the model still holds
    assert page.locator(ROOT).get_attribute("data-state") == "ok" and box.input_value() == "8"
    _assert_maps(page, numpy_c3(oracle, 8, table))


@pytest.mark.browser
def test_the_grid_works_from_the_keyboard(opened):
    page = opened.page
    cell = _cell(page, 0, 0)
    cell.focus()
    page.keyboard.press("Space")
    assert cell.get_attribute("aria-pressed") == "false" and _counts(page)[0] == 1516 - 25
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.dataset.c3") == "1"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => [document.activeElement.dataset.s2, document.activeElement.dataset.c3]") == ["1", "1"]
    page.keyboard.press("Enter")
    assert _cell(page, 1, 1).get_attribute("aria-pressed") == "false"
    # Every button is reached with Tab, and named.
    check_labels_and_keyboard(page, f"{ROOT} input, {ROOT} button", spare_tabs=3)
    assert _cell(page, 3, 7).get_attribute("aria-label") == "S2 map 3 → C3 map 7"


@pytest.mark.browser
def test_touch_toggles_a_connection(browser, folder):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto((folder / "index.html").as_uri())
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.state === 'ok'")
    _cell(page, 0, 0).tap()
    assert _cell(page, 0, 0).get_attribute("aria-pressed") == "false"
    context.close()


@pytest.mark.browser
def test_the_editor_reflows_at_390_pixels_and_turns_its_grid(opened):
    page = opened.page
    wide = _cell(page, 0, 1).bounding_box()["x"] > _cell(page, 0, 0).bounding_box()["x"]
    check_reflow(page, "c3")
    # On its side: C3 maps down, S2 maps across, buttons large enough to touch; arrows follow.
    first, across, down = (_cell(page, 0, 0).bounding_box(), _cell(page, 1, 0).bounding_box(),
                           _cell(page, 0, 1).bounding_box())
    assert wide and across["x"] > first["x"] and down["y"] > first["y"]
    assert first["width"] >= 24 and first["height"] >= 24
    _cell(page, 0, 0).focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => [document.activeElement.dataset.s2, document.activeElement.dataset.c3]") == ["0", "1"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violations(opened, width):
    page = opened.page
    page.set_viewport_size({"width": width, "height": 900})
    _cell(page, 3, 0).click()
    page.locator(f'{ROOT} button[data-preset="no connections"]').click()
    check_axe(page)


@pytest.mark.browser
def test_a_move_is_drawn_within_one_frame(opened):
    """From a button press or a digit typed to the finished maps, within a frame (16.7 ms)."""
    times = opened.page.evaluate(f"""() => {{
        const root = document.querySelector('{ROOT}');
        const box = root.querySelector('[data-control="index"] input[type="text"]');
        const toggle = [], digit = [];
        for (let n = 0; n < 50; n++) {{
            const cell = root.querySelector(`button[data-s2="${{n % 6}}"][data-c3="${{n % 16}}"]`);
            let start = performance.now();
            cell.click();
            toggle.push(performance.now() - start);
            start = performance.now();
            box.value = String(n);
            box.dispatchEvent(new Event('input', {{bubbles: true}}));
            digit.push(performance.now() - start);
        }}
        return {{toggle, digit}};
    }}""")
    assert_within_one_frame(times, "C3 table editor, redraw")


@pytest.mark.browser
def test_without_the_network_the_editor_says_so_and_still_counts(browser, folder):
    """A page with no _static and no kernel: after the wait for a kernel (15 s), a message."""
    watch = PageWatch(browser, folder.as_uri())
    page = watch.page
    page.goto((folder / "offline.html").as_uri())
    assert page.locator(ROOT).get_attribute("data-state") == "loading"
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.state === 'unavailable'", timeout=40_000)
    assert "no Python kernel sent it" in page.locator(f'{ROOT} [data-role="loading"]').inner_text()
    _cell(page, 0, 0).click()
    assert _counts(page) == (1516 - 25, 100 * (1516 - 25))
    assert not watch.problems, "\n".join(watch.problems)
    watch.close()


# --- the same JavaScript as a widget in JupyterLab ------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(mnist_dir, tmp_path_factory):
    with notebook_server(tmp_path_factory.mktemp("lab-c3"), "c3.ipynb", mnist_dir, (
        "from lenet5_lesson.explore import c3_table_editor\neditor = c3_table_editor()\neditor",
        "print('python sees', editor.table[0], editor.index)",
        "editor.table = [[], *editor.table[1:]]\neditor.index = 5",
    )) as found:
        yield found


@pytest.mark.browser
def test_in_jupyterlab_the_page_and_the_python_traitlets_follow_each_other(browser, lab, oracle):
    with notebook_in_lab(browser, lab, "c3.ipynb") as page:
        run_cell(page, 0)
        editor = page.locator(f'.jp-OutputArea {ROOT}[data-state="ok"]')
        editor.wait_for(timeout=240_000)  # the network and the digits come over the comm
        # In the page -> Python.
        editor.locator('button[data-s2="1"][data-c3="0"]').click()
        assert editor.locator('[data-role="parameters"]').inner_text() == f"{1516 - 25:,}"
        run_cell(page, 1)
        wait_for_output(page, 1, "python sees [0, 2] 0")
        # Python -> the page.
        run_cell(page, 2)
        editor.locator('[data-role="prediction"]', has_text="Test digit 5").wait_for(timeout=60_000)
        assert editor.locator('button[data-s2="0"][data-c3="0"]').get_attribute("aria-pressed") == "false"
        assert editor.locator('[data-role="parameters"]').inner_text() == f"{1516 - 75:,}"
        assert "C3 map 0 has no inputs" in editor.locator('[data-role="remarks"]').inner_text()
        assert editor.locator('[data-control="index"] input[type="text"]').input_value() == "5"
