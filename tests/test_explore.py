"""The explorers driven from Python: every control changes what is shown, and the static faces step.

The live explorers (shape calculator, squashing explorer) compute in JavaScript; here only what
their Python side holds and checks is tested, and tests/test_live_explorers.py drives them in Chromium.
"""

import json
import re

import numpy as np
import pytest

from lenet5_lesson import explore, paper
from lenet5_lesson.explorers import live
from lenet5_lesson.explorers.c3 import c3_counts
from lenet5_lesson.explorers.drawing import rasterize, to_mnist
from lenet5_lesson.explorers.kernel import correlate_valid
from lenet5_lesson.explorers.shape import MAX_INTEGER, SHAPE_PRESETS, ShapeCalculator
from lenet5_lesson.figures.network import INSIDE_LAYERS

MAX_JSON = 1_500_000


@pytest.fixture(autouse=True)
def _data(mnist_dir, monkeypatch):
    monkeypatch.setenv("LENET5_MNIST_DIR", str(mnist_dir))


def _face(widget) -> tuple[dict, str]:
    """The state the static face hands its script, and the face itself."""
    html = widget._repr_mimebundle_()[0]["text/html"]
    state = json.loads(re.search(r"live\.staticModel\((\{.*?\})\)", html).group(1))
    return state, html


def test_shape_calculator_holds_its_settings_for_the_page():
    calc = explore.shape_calculator(n=14)
    data, _ = calc._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(data)
    state, html = _face(calc)
    assert {k: state[k] for k in "nkspd"} == {"n": 14, "k": 5, "s": 1, "p": 0, "d": 1}
    assert [tuple(p) for p in state["presets"]] == list(SHAPE_PRESETS)
    assert 'data-explorer="shape"' in html
    calc.k = 3  # a traitlet set from Python is what the next face shows
    assert _face(calc)[0]["k"] == 3
    # The only implementation is the JavaScript: the old Python faces are gone.
    assert not hasattr(explore, "shape_calculator_static") and not hasattr(explore, "squashing_explorer_static")


@pytest.mark.parametrize(("arguments", "error", "says"), [
    ({"n": 0}, ValueError, "input size n=0 must be between 1"), ({"k": 2.0}, TypeError, "kernel k must be an integer"),
    ({"p": -1}, ValueError, "padding p=-1 must be between 0"), ({"d": True}, TypeError, "dilation d must be an integer"),
    ({"s": MAX_INTEGER + 1}, ValueError, "stride s="),
])
def test_shape_calculator_checks_its_arguments(arguments, error, says):
    with pytest.raises(error, match=says):
        explore.shape_calculator(**arguments)


def test_shape_calculator_checks_traitlets_set_later_and_allows_a_kernel_too_wide():
    calc = explore.shape_calculator(n=4, k=3)
    calc.k = 7  # no output: the page says why, so Python allows it
    assert calc.k == 7
    with pytest.raises(ValueError, match="input size n=0"):
        calc.n = 0
    assert calc.n == 4
    with pytest.raises(ValueError, match="no kernel|larger than the padded input"):
        ShapeCalculator(presets=[("too wide", 4, 7, 1, 0, 1)])


@pytest.mark.parametrize("make", [explore.shape_calculator, explore.squashing_explorer])
def test_the_html_face_is_self_contained(make):
    widget = make()
    html = widget._repr_mimebundle_()[0]["text/html"]
    assert f'data-explorer="{widget.explorer}"' in html and html.count("<script") == 1
    for loads in ("src=", "import(", "fetch(", "XMLHttpRequest", "export "):
        assert loads not in html, loads
    # The one address is the SVG namespace, which names and loads nothing.
    assert set(re.findall(r"https?://[^\s\"']+", html)) <= {"http://www.w3.org/2000/svg"}
    assert "export default" in widget._esm


@pytest.mark.parametrize("text", ["const end = '</script>';", "// <!-- a comment", "x = '<SCRIPT src=a.js>'"])
def test_a_script_that_would_end_its_inline_tag_is_refused(text):
    with pytest.raises(ValueError, match="broken.js contains"):
        live.check_inline(text, "broken.js")
    assert live.check_inline("a < b && c > d", "fine.js") == "a < b && c > d"


def test_kernel_explorer_controls_and_trained_kernel_match_the_model(mnist):
    from lenet5_lesson import pretrained, preprocess

    ex = explore.kernel_explorer(index=0, kernel="identity")
    image = preprocess(mnist[1][0][0])[:, :, 0]
    np.testing.assert_allclose(ex.before, image[2:30, 2:30], atol=1e-6)
    shown = ex.picture.value
    ex.kernel.value = "trained C1 #3"
    c1 = pretrained().get_layer("C1")
    kernel, bias = c1.get_weights()
    np.testing.assert_allclose(ex.kernel_values()[0], kernel[:, :, 0, 3], atol=1e-4)
    model_map = c1(preprocess(mnist[1][0][:1])).numpy()[0, :, :, 3]
    np.testing.assert_allclose(ex.after, model_map, atol=1e-3)
    assert ex.picture.value != shown
    for control in (ex.digit, ex.weights[7], ex.bias):
        before = ex.before.copy()
        control.value = control.value + (5 if control is ex.digit else 0.5)
        assert not np.allclose(ex.before, before), control
    assert "edited" in ex.note.value
    np.testing.assert_allclose(ex.after, paper.SQUASH_A * np.tanh(paper.SQUASH_S * ex.before))


def test_feature_map_explorer_layers_and_prediction(mnist):
    ex = explore.feature_map_explorer(index=0)
    assert int(mnist[1][1][0]) == 7 and ex.prediction == 7
    assert "prediction <b>7</b>" in ex.verdict.value and len(ex.penalties) == 10
    shown = set()
    for name in INSIDE_LAYERS:
        ex.layer.value = name
        shown.add(ex.picture.value)
    assert len(shown) == len(INSIDE_LAYERS)
    verdict = ex.verdict.value
    ex.digit.value = 1
    assert ex.prediction == int(mnist[1][1][1]) and ex.verdict.value != verdict


def test_c3_table_editor_counts_restore_and_empty_map():
    ed = explore.c3_table_editor()
    assert (ed.parameters, ed.connections) == (1516, 151600)
    ed.cells[3][0].value = True  # C3 map 0 gains S2 map 3
    assert (ed.parameters, ed.connections) == (1541, 154100)
    for i in range(6):
        ed.cells[i][15].value = False
    assert any("C3 map 15 has no inputs" in r for r in ed.remarks)
    assert "no inputs" in ed.counts.value
    assert ed.parameters == c3_counts(ed.table())[0] == 1541 - 150
    ed.restore.click()
    assert ed.table() == paper.C3_TABLE and (ed.parameters, ed.connections) == (1516, 151600)
    assert ed.remarks == [] and "1,516" in ed.counts.value


def test_rbf_viewer_shows_f6_and_distances(mnist):
    ex = explore.rbf_viewer(index=0)
    assert ex.f6.shape == (12, 7) and ex.prediction == 7
    centres = np.array([b.ravel() for b in ex.bitmaps])
    np.testing.assert_allclose(ex.penalties, ((ex.f6.ravel() - centres) ** 2).sum(axis=1), rtol=1e-3)
    shown = ex.picture.value
    ex.digit.value = 2
    assert ex.picture.value != shown and ex.prediction == int(mnist[1][1][2])


def test_squashing_explorer_holds_a_and_s_and_the_papers_values():
    ex = explore.squashing_explorer()
    state, html = _face(ex)
    assert state == {"amplitude": paper.SQUASH_A, "slope": paper.SQUASH_S, "paper_amplitude": paper.SQUASH_A,
                     "paper_slope": paper.SQUASH_S}
    assert 'data-explorer="squash"' in html
    ex.amplitude = 2
    assert _face(ex)[0]["amplitude"] == 2.0
    for bad in (0.0, -1.0, float("nan"), 11.0):
        with pytest.raises(ValueError):
            ex.slope = bad
    with pytest.raises(TypeError, match="amplitude A must be a number"):
        explore.squashing_explorer(amplitude="1")


def test_drawing_pipeline_reads_drawings_without_a_browser(mnist):
    (_, _), (x_test, y_test) = mnist
    for i in range(5):
        result = explore.classify_drawing(np.kron(x_test[i].astype(float), np.ones((10, 10))))
        assert result["digit"].shape == (28, 28) and result["digit"].dtype == np.uint8
        assert result["prediction"] == y_test[i]
        assert set(result["outputs"]) == set(INSIDE_LAYERS)
    stroke = [[(140, 40), (140, 240)]]
    assert explore.classify_drawing(stroke)["prediction"] == 1
    assert to_mnist(rasterize([])).sum() == 0


def test_drawing_pad_strokes_reach_the_model():
    pad = explore.drawing_pad()
    pytest.importorskip("ipycanvas")
    pad.pen_down(140, 40)
    for y in range(50, 250, 10):
        pad.pen_move(140, y)
    pad.pen_up(140, 240)
    assert pad.reading["prediction"] == 1 and "prediction: <b>1</b>" in pad.result.value
    pad.erase()
    assert pad.strokes == []


def _steps(fig):
    controls = list(fig.layout.sliders) + list(fig.layout.updatemenus)
    assert len(controls) == 1
    return controls[0].steps if fig.layout.sliders else controls[0].buttons


@pytest.mark.parametrize("make, count", [
    (explore.kernel_explorer_static, 11), (explore.feature_map_explorer_static, 7), (explore.rbf_viewer_static, 10),
    (explore.c3_table_editor_static, 4),
])
def test_static_faces_step_through_different_states(make, count):
    fig = make()
    steps = _steps(fig)
    assert len(steps) == count
    payloads = {json.dumps(step.args, default=lambda a: np.asarray(a).tolist(), sort_keys=True) for step in steps}
    assert len(payloads) == count
    assert fig.layout.title.text and fig.layout.meta["alt"]
    assert len(fig.to_json()) < MAX_JSON


def test_static_steps_carry_the_right_numbers():
    c3 = explore.c3_table_editor_static()
    titles = [b.args[1]["title.text"] for b in c3.layout.updatemenus[0].buttons]
    assert "1,516 parameters, 151,600 connections" in titles[0] and "2,416 parameters" in titles[1]
