"""The in-browser LeNet-5 (``lenet5_lesson/explorers/engine.js``) against the Keras model it copies.

The engine and the weights script that ``engine.py`` exports are loaded from ``file://`` into
Debian's Chromium with every http(s) request aborted, as a reader's offline page would load them,
and run on real MNIST test digits. Agreement is measured per layer and per digit as the relative
error ``max |js - keras| / max |keras|`` over all of that layer's outputs; it must be at most 1e-4
for every layer and every digit. The input is compared bit for bit with ``preprocess``.
"""

from __future__ import annotations

import base64
import re
import fnmatch
import shutil
import subprocess
import sys
import tomllib
import zipfile

import numpy as np
import pytest
from conftest import ROOT, SITE_SCRIPTS, tool

from lenet5_lesson import paper, preprocess
from lenet5_lesson.explorers import engine
from lenet5_lesson.training import SHIPPED_WEIGHTS

DIGITS = 200
TOLERANCE = 1e-4
LAYERS = ("C1", "S2", "C3", "S4", "C5", "F6", "output")

# Every layer of every digit as one base64 string of float32, which crosses from the page to
# Python far faster than a JSON list of 1.8 million numbers.
_RUN = """([digits, make]) => {
    const net = make ? (new Function('lenet5', make))(lenet5) : lenet5;
    return digits.map(d => {
        const r = net.forward(d);
        const parts = [r.input, ...lenet5.layers.map(n => r[n])];
        const all = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
        let o = 0;
        for (const a of parts) { all.set(a, o); o += a.length; }
        const bytes = new Uint8Array(all.buffer);
        let text = '';
        for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
        return [btoa(text), net.predict(d)];
    });
}"""

# The JavaScript error a call throws, as (is it an Error, its name, its message).
_THROWN = """([call, value]) => {
    try { lenet5[call](value()); return null; }
    catch (err) { return [err instanceof Error, err.name, err.message]; }
}"""


@pytest.fixture(scope="module")
def model():
    from lenet5_lesson import pretrained

    return pretrained()


@pytest.fixture(scope="module")
def assets(tmp_path_factory, model):
    folder = tmp_path_factory.mktemp("engine")
    engine.write_assets(folder)
    (folder / "index.html").write_text('<!doctype html><html lang="en"><title>engine</title>'
                                       '<script src="weights.js"></script><script src="engine.js"></script></html>')
    (folder / "engine-first.html").write_text('<!doctype html><html lang="en"><title>engine</title>'
                                              '<script src="engine.js"></script></html>')
    return folder


def _offline_page(browser, url: str):
    """A page at ``url`` with every http(s) request aborted; its list of problems is filled as they happen."""
    context = browser.new_context()
    page = context.new_page()
    page.problems = []

    def route(request_route) -> None:
        if request_route.request.url.startswith(("http:", "https:")):
            page.problems.append(f"network request: {request_route.request.url}")
            request_route.abort()
        else:
            request_route.continue_()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda err: page.problems.append(f"uncaught exception: {err}"))
    page.goto(url)
    return page


@pytest.fixture
def page(browser, assets):
    opened = _offline_page(browser, (assets / "index.html").as_uri())
    yield opened
    assert not opened.problems, "\n".join(opened.problems)
    opened.context.close()


@pytest.fixture(scope="module")
def digits(mnist):
    _, (x_test, _) = mnist
    return x_test[:DIGITS]


@pytest.fixture(scope="module")
def keras_layers(model, digits) -> dict[str, np.ndarray]:
    import keras

    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in LAYERS])
    outputs = probe.predict(preprocess(digits), verbose=0)
    return {name: np.asarray(out).reshape(len(digits), -1) for name, out in zip(LAYERS, outputs)}


def _run(page, digits, make: str | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every layer for every digit from the page's engine (or from the network ``make`` returns)."""
    results = page.evaluate(_RUN, [digits.reshape(len(digits), -1).tolist(), make])
    sizes = [32 * 32, 28 * 28 * 6, 14 * 14 * 6, 10 * 10 * 16, 5 * 5 * 16, 120, 84, 10]
    flat = np.stack([np.frombuffer(base64.b64decode(text), dtype="<f4") for text, _ in results])
    parts = np.split(flat, np.cumsum(sizes)[:-1], axis=1)
    return dict(zip(("input", *LAYERS), parts)), np.array([digit for _, digit in results])


def _relative_errors(js: dict[str, np.ndarray], keras_layers: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per layer, per digit: max |js - keras| / max |keras|."""
    return {name: np.abs(js[name] - ref).max(axis=1) / np.abs(ref).max(axis=1) for name, ref in keras_layers.items()}


# ---- the exporter, in Python ----

def test_exported_weights_come_back_exactly(model):
    arrays = engine.model_arrays(model)
    text = engine.weights_script(arrays, {"model": "faithful"})
    back, payload = engine.read_weights_script(text)
    assert list(back) == list(engine.WEIGHT_SHAPES)
    for weight in model.weights:
        assert back[weight.path].shape == tuple(weight.shape)
        np.testing.assert_array_equal(back[weight.path], weight.numpy(), err_msg=weight.path)
    assert payload["info"] == {"model": "faithful"}
    assert payload["paper"]["c3_table"] == [list(inputs) for inputs in paper.C3_TABLE]
    assert (payload["paper"]["squash_a"], payload["paper"]["background"]) == (paper.SQUASH_A, paper.BACKGROUND)


def test_the_shipped_weights_script_names_its_run():
    _, payload = engine.read_weights_script(engine.shipped_weights_script())
    info = payload["info"]
    assert (info["model"], info["seed"]) == ("faithful", 0)
    assert len(info["weights_sha256"]) == 64 and 0 < info["test_error"] < 0.02


@pytest.mark.parametrize("name", ["relu", "dense-c3", "softmax-output", "modern"])
def test_the_exporter_refuses_a_model_the_engine_cannot_run(name):
    from lenet5_lesson import build_model

    with pytest.raises(ValueError, match="engine.js runs only the faithful LeNet-5"):
        engine.model_arrays(build_model(name, compile=False))


def test_reading_back_refuses_other_scripts(model):
    with pytest.raises(ValueError, match="does not assign window.LENET5_WEIGHTS"):
        engine.read_weights_script("window.SOMETHING = {};\n")
    text = engine.weights_script(engine.model_arrays(model)).replace(engine.FORMAT, "lenet5-weights/0")
    with pytest.raises(ValueError, match="format 'lenet5-weights/0'"):
        engine.read_weights_script(text)


def test_book_assets_writes_the_three_scripts(tmp_path, mnist):
    written = tool("book_assets").engine(tmp_path)
    assert sorted(p.name for p in written) == sorted([engine.DIGITS_JS, engine.ENGINE_JS, engine.WEIGHTS_JS])
    assert (tmp_path / engine.ENGINE_JS).read_text() == engine.engine_source()
    engine.read_weights_script((tmp_path / engine.WEIGHTS_JS).read_text())
    images, labels, payload = engine.read_digits_script((tmp_path / engine.DIGITS_JS).read_text())
    (x_test, y_test) = mnist[1]
    assert np.array_equal(images, x_test[:engine.SITE_DIGITS]) and np.array_equal(labels, y_test[:engine.SITE_DIGITS])
    assert payload["info"] == engine.site_digits_info()


@pytest.mark.parametrize(("images", "labels", "says"), [
    (np.zeros((2, 28, 27)), [0, 1], "shape \\(N, 28, 28\\)"),
    (np.zeros((0, 28, 28)), [], "N >= 1"),
    (np.zeros((2, 28, 28)), [0], "one class per image"),
    (np.full((1, 28, 28), 256), [0], "0 to 255"),
    (np.full((1, 28, 28), 0.5), [0], "whole numbers from 0 to 255"),
    (np.zeros((1, 28, 28)), [10], "from 0 to 9"),
])
def test_the_digits_payload_states_its_rules(images, labels, says):
    with pytest.raises(ValueError, match=says):
        engine.digits_payload(images, labels)


def test_the_weights_carry_the_books_colours():
    from lenet5_lesson.figures.style import colour_table

    _, payload = engine.read_weights_script(engine.shipped_weights_script())
    signed = payload["style"]["signed"]
    assert len(signed) % 2 == 1 and signed[len(signed) // 2] == [247, 247, 247]  # white is zero
    assert signed[0][2] > signed[0][0] and signed[-1][0] > signed[-1][2]  # blue low, red high
    assert payload["style"]["ink"][0] == [255, 255, 255] and payload["style"]["ink"][-1] == [0, 0, 0]
    assert payload["style"]["activation_limit"] == paper.SQUASH_A
    with pytest.raises(ValueError, match="steps"):
        colour_table("RdBu_r", 1)


@pytest.mark.slow
def test_the_engine_ships_in_the_wheel(tmp_path):
    """Built for real from a copy of the package, so that a missing package-data pattern shows."""
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["lenet5_lesson"]
    assert any(fnmatch.fnmatch("explorers/engine.js", g) for g in globs)
    source = tmp_path / "source"
    shutil.copytree(ROOT / "lenet5_lesson", source / "lenet5_lesson",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("lenet5_lesson-*.whl")
    contents = zipfile.ZipFile(wheel).infolist()
    names = [info.filename for info in contents]
    assert "lenet5_lesson/explorers/engine.js" in names
    # Every weight file the book loads ships, and the installed package stays under 5 MB.
    for folder in SHIPPED_WEIGHTS:
        assert f"lenet5_lesson/runs/{folder}/model.weights.h5" in names, folder
    installed = sum(info.file_size for info in contents)
    assert installed < 5_000_000, f"the installed package takes {installed:,} bytes"


# ---- the engine, in Chromium ----

@pytest.mark.browser
def test_every_layer_matches_keras_on_real_test_digits(page, digits, keras_layers):
    js, predictions = _run(page, digits)
    np.testing.assert_array_equal(js["input"], preprocess(digits).reshape(len(digits), -1))
    errors = _relative_errors(js, keras_layers)
    worst = {name: float(e.max()) for name, e in errors.items()}
    print("largest relative error per layer:", worst)
    assert all(e <= TOLERANCE for e in worst.values()), f"relative error above {TOLERANCE}: {worst}"
    np.testing.assert_array_equal(predictions, keras_layers["output"].argmin(axis=1))


@pytest.mark.browser
def test_the_comparison_notices_a_kernel_read_upside_down(page, digits, keras_layers):
    # A true convolution (flipped kernel) instead of Keras' cross-correlation: the classic slip.
    flip = """const w = lenet5.copyWeights(); const k = w.C1.kernel, orig = k.slice();
              for (let t = 0; t < 25; t++) for (let m = 0; m < 6; m++) k[t * 6 + m] = orig[(24 - t) * 6 + m];
              return lenet5.network(w);"""
    js, _ = _run(page, digits[:20], flip)
    errors = _relative_errors(js, {name: ref[:20] for name, ref in keras_layers.items()})
    assert errors["C1"].min() > 100 * TOLERANCE


@pytest.mark.browser
@pytest.mark.parametrize(("call", "value", "says"), [
    ("forward", "() => new Array(100).fill(0)", "got 100 values"),
    ("forward", "() => []", "got 0 values"),
    ("forward", "() => { const p = new Array(784).fill(0); p[5] = NaN; return p; }", "pixels[5] is NaN"),
    ("forward", "() => { const p = new Array(784).fill(0); p[783] = 256; return p; }", "pixels[783] is 256"),
    ("forward", "() => new Array(784).fill(-1)", "pixels[0] is -1"),
    ("forward", "() => { const p = new Array(784).fill(0); p[3] = '7'; return p; }", 'pixels[3] is the text "7"'),
    ("forward", "() => 'seven'", 'got the text "seven"'),
    ("forward", "() => '0'.repeat(784)", "got the text"),
    ("forward", "() => undefined", "got undefined"),
    ("forward", "() => 7", "got 7"),
    ("forward", "() => ({length: 784})", "pixels[0] is undefined"),
    ("forward", "() => new Array(28).fill(new Array(28).fill(0))", "got 28 values"),
    ("forward", "() => new Map()", "got a value of type Map"),
    ("predict", "() => new Float32Array(783)", "got 783 values"),
    ("predict", "() => new Array(784).fill(Infinity)", "pixels[0] is Infinity"),
])
def test_bad_pixels_throw_an_error_that_states_the_rule(page, call, value, says):
    thrown = page.evaluate(f"([call]) => ({_THROWN})([call, {value}])", [call])
    assert thrown is not None, f"lenet5.{call} accepted {value}"
    is_error, _, message = thrown
    assert is_error
    assert message.startswith(f"lenet5.{call}: pixels must be 784 numbers from 0 to 255"), message
    assert says in message, message


@pytest.mark.browser
def test_typed_arrays_and_fractional_pixels_are_accepted(page, digits):
    first = digits[0].ravel().tolist()
    same = page.evaluate("""(p) => {
        const a = lenet5.forward(p).output, b = lenet5.forward(Uint8ClampedArray.from(p)).output;
        return a.every((v, i) => v === b[i]) && lenet5.forward(p.map(v => v * 0.999)).output.length === 10;
    }""", first)
    assert same


@pytest.mark.browser
def test_an_edited_copy_leaves_the_shipped_network_alone(page, digits):
    changed = page.evaluate("""(p) => {
        const before = lenet5.forward(p).output.slice();
        const w = lenet5.copyWeights();
        w.F6.bias.fill(0);
        const edited = lenet5.network(w).forward(p).output;
        const after = lenet5.forward(p).output;
        return [edited.some((v, i) => v !== before[i]), after.every((v, i) => v === before[i])];
    }""", digits[0].ravel().tolist())
    assert changed == [True, True]


@pytest.mark.browser
def test_the_engine_waits_for_weights_that_come_after_it(browser, assets, digits, keras_layers):
    page = _offline_page(browser, (assets / "engine-first.html").as_uri())
    try:
        ready, message = page.evaluate(
            "() => { try { lenet5.forward([]); } catch (e) { return [lenet5.isReady, e.message]; } }")
        assert not ready and "the weights are not loaded" in message, message
        page.add_script_tag(path=str(assets / engine.WEIGHTS_JS))
        digit = page.evaluate("(p) => lenet5.ready.then(net => net.predict(p))", digits[0].ravel().tolist())
        assert digit == int(keras_layers["output"][0].argmin())
        assert not page.problems, "\n".join(page.problems)
    finally:
        page.context.close()


@pytest.mark.browser
def test_the_engine_describes_its_weights(page, model):
    described = page.evaluate("""() => ({layers: lenet5.layers, shapes: lenet5.shapes, info: lenet5.info,
        weights: Object.fromEntries(Object.entries(lenet5.weights).map(
            ([layer, ws]) => [layer, Object.fromEntries(Object.entries(ws).map(([n, a]) => [n, a.length]))])),
        weightShapes: lenet5.weightShapes, squash: lenet5.squash(1)})""")
    assert described["layers"] == list(LAYERS)
    # C5's 1x1x120 output comes flattened, as F6 reads it.
    assert described["shapes"] == {**{n: list(model.get_layer(n).output.shape[1:]) for n in LAYERS}, "C5": [120]}
    for weight in model.weights:
        layer, name = weight.path.split("/")
        assert described["weights"][layer][name] == int(np.prod(weight.shape))
        assert described["weightShapes"][layer][name] == list(weight.shape)
    assert described["info"]["model"] == "faithful"
    assert described["squash"] == pytest.approx(paper.SQUASH_A * np.tanh(paper.SQUASH_S))


# ---- the built book ----

def test_every_page_loads_the_engine_once_from_static(site):
    pages = 0
    for html in site.rglob("*.html"):
        text = html.read_text(errors="replace")
        # index.html is only a redirect to the first chapter.
        if html.relative_to(site).parts[0] in ("_static", "_sources") or 'http-equiv="Refresh"' in text:
            continue
        pages += 1
        # The scripts the page loads (the explorers' inline copy of engine.js names weights.js in a message).
        loaded = re.findall(r'<script src="[^"]*_static/lenet5/([a-z]+\.js)', text)
        assert loaded == [*SITE_SCRIPTS], f"{html.relative_to(site)} loads {loaded}"
        for name in ("LENET5_WEIGHTS =", "LENET5_DIGITS ="):
            assert name not in text, f"{html.relative_to(site)} inlines {name.split()[0]}"
    assert pages > 10
    assert (site / "_static" / "lenet5" / engine.ENGINE_JS).read_text() == engine.engine_source()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["book/01_welcome.html", "book/12_inside.html", "search.html"])
def test_the_engine_runs_in_the_built_pages_served_and_from_file(watch, browser, site, digits, keras_layers, path):
    first = digits[0].ravel().tolist()
    expected = int(keras_layers["output"][0].argmin())
    watch.open(path)
    assert watch.page.evaluate("(p) => lenet5.ready.then(net => net.predict(p))", first) == expected
    assert not watch.problems, "\n".join(watch.problems)
    page = _offline_page(browser, (site / path).as_uri())
    try:
        page.wait_for_function("document.readyState === 'complete'")
        assert page.evaluate("(p) => lenet5.isReady && lenet5.predict(p)", first) == expected
        assert not page.problems, "\n".join(page.problems)
    finally:
        page.context.close()
