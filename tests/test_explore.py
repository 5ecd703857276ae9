"""The live explorers' Python side: what the objects hold and check, and the faces they hand the page.

The explorers compute in JavaScript; tests/test_live_explorers.py and the tests/test_explorer_*.py
files drive them in Chromium.
"""

import base64
import json
import re

import numpy as np
import pytest

from lenet5_lesson import explore, paper
from lenet5_lesson.explorers import engine, live
from lenet5_lesson.explorers.shape import MAX_INTEGER, SHAPE_PRESETS, ShapeCalculator


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


class _Network(live.NetworkExplorer):
    """A network explorer with no script of its own: only the Python side is under test here."""


def test_a_network_explorer_leaves_the_shipped_network_and_digits_to_the_page():
    ex = _Network()
    assert (ex.own_data, ex.digit_count) == (False, engine.SITE_DIGITS)
    assert "lenet5_data" not in ex.page_state()
    # What a live kernel's page asks for, when it has no _static: the shipped run and the site's digits.
    sent = []
    ex.send = sent.append
    ex._answer(ex, {"type": "lenet5-data"}, [])
    ex._answer(ex, {"type": "something else"}, [])
    assert len(sent) == 1 and sent[0]["type"] == "lenet5-data"
    weights, _ = engine.shipped_weights()
    assert sent[0]["weights"]["arrays"].keys() == weights.keys()
    assert sent[0]["weights"]["info"]["model"] == "faithful"
    images, labels = engine.site_digits()
    assert sent[0]["digits"] == engine.digits_payload(images, labels, engine.site_digits_info())


def test_a_network_explorer_hands_the_page_a_model_and_digits_of_its_own():
    import keras

    from lenet5_lesson import build_lenet5

    keras.utils.set_random_seed(3)
    model = build_lenet5()
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    ex = _Network(model=model, digits=(images, [4, 7]))
    assert (ex.own_data, ex.digit_count) == (True, 2)
    own = ex.page_state()["lenet5_data"]
    arrays = {name: np.frombuffer(base64.b64decode(a["base64"]), "<f4").reshape(a["shape"])
              for name, a in own["weights"]["arrays"].items()}
    assert all(np.array_equal(arrays[w.path], w.numpy()) for w in model.weights)
    assert own["digits"]["labels"] == [4, 7] and own["digits"]["count"] == 2
    sent = []
    ex.send = sent.append
    ex._answer(ex, {"type": "lenet5-data"}, [])
    assert {k: v for k, v in sent[0].items() if k != "type"} == own
    # Only the digits of its own: the weights are the shipped run's.
    assert set(_Network(digits=(images, [4, 7])).page_state()["lenet5_data"]) == {"digits"}


@pytest.mark.parametrize(("arguments", "error", "says"), [
    ({"digits": np.zeros((2, 28, 28))}, TypeError, "digits must be a tuple"),
    ({"digits": (np.zeros((2, 28, 28)), [1])}, ValueError, "one class per image"),
    ({"model": "lenet5"}, TypeError, "model must be a Keras model"),
])
def test_a_network_explorer_checks_what_it_is_given(arguments, error, says):
    with pytest.raises(error, match=says):
        _Network(**arguments)


def test_a_network_explorer_refuses_a_model_the_page_cannot_run():
    from lenet5_lesson import build_model

    with pytest.raises(ValueError, match="engine.js runs only the faithful LeNet-5"):
        _Network(model=build_model("modern"))
