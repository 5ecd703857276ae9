import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lenet5_lesson.models import ABLATIONS, MODEL_NAMES
from lenet5_lesson.training import RECIPES, Recipe, _code_only, model_inputs, train


def test_recipe_schedule():
    recipe = Recipe(batch_size=8, schedule=((2, 0.1), (3, 0.01)))
    assert [recipe.learning_rate(e) for e in range(7)] == [0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.01]
    assert set(RECIPES) == set(MODEL_NAMES)
    assert all(RECIPES[name] == RECIPES["faithful"] for name in ABLATIONS)


_MODULE = '''"""A module."""

import math  # for pi


def area(r):
    """Area of a circle."""
    return math.pi * r * r
'''


def test_code_fingerprint_ignores_prose_but_not_code(tmp_path):
    path = tmp_path / "module.py"
    path.write_text(_MODULE)
    code = _code_only(path)
    # Plain source text, so that a Python version with other syntax-tree fields finds the same runs.
    assert code == "import math\ndef area(r):\n    return math.pi * r * r"
    path.write_text(_MODULE.replace("Area of a circle.", "The area of a disc.").replace("# for pi", "# pi"))
    assert _code_only(path) == code
    path.write_text(_MODULE.replace("r * r", "r ** 2"))
    assert _code_only(path) != code


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"model_name": "lenet"}, ValueError, "model_name='lenet' must be one of faithful, modern, seed"),
    ({"epochs": 0}, ValueError, "epochs=0 must be between 1 and 100"),
    ({"epochs": 2.0}, TypeError, "epochs must be an integer"),
    ({"seed": -1}, ValueError, "seed=-1 must be between"),
    ({"train_size": 0}, ValueError, "train_size=0 must be between 1 and 60000"),
])
def test_bad_arguments(kwargs, error, message, mnist_dir):
    with pytest.raises(error, match=message):
        train(**kwargs)


def test_training_is_deterministic_recorded_and_reused(tmp_path, mnist_dir):
    first = train("faithful", epochs=1, seed=3, out=tmp_path / "a", verbose=0, train_size=512)
    second = train("faithful", epochs=1, seed=3, out=tmp_path / "b", verbose=0, train_size=512)
    assert not first.reused and not second.reused
    assert first.history["loss"] == second.history["loss"]
    assert first.history["test_error"] == second.history["test_error"]
    w1 = [w.numpy() for w in first.model().weights]
    w2 = [w.numpy() for w in second.model().weights]
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))

    history = json.loads((tmp_path / "a" / "history.json").read_text())
    for key in ("loss", "train_error", "test_error", "seconds"):
        assert len(history[key]) == 1
    assert 0 < history["test_error"][0] < 0.9

    again = train("faithful", epochs=1, seed=3, out=tmp_path / "a", verbose=0, train_size=512)
    assert again.reused and again.history == first.history
    other_seed = train("faithful", epochs=1, seed=4, out=tmp_path / "c", verbose=0, train_size=512)
    assert other_seed.history["loss"] != first.history["loss"]


def test_command_line_writes_weights_and_history(tmp_path, mnist_dir):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "lenet5_lesson", "--model", "seed", "--epochs", "1",
               "--train-size", "256", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / "model.weights.h5").is_file()
    assert "test error" in done.stdout
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert "Reusing the finished seed run" in rerun.stdout
    bad = subprocess.run([sys.executable, "-m", "lenet5_lesson", "--epochs", "0"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "epochs=0 must be between 1 and 100" in bad.stderr


def test_the_shipped_run_comes_before_an_equal_run_in_the_cache(tmp_path, monkeypatch, mnist_dir):
    from lenet5_lesson.training import SHIPPED_RUNS, fingerprint

    monkeypatch.setenv("LENET5_CACHE", str(tmp_path))
    shipped = json.loads((SHIPPED_RUNS / "seed" / "history.json").read_text())
    key = fingerprint("seed", shipped["epochs"], 0)
    cached = tmp_path / f"seed-{key[:16]}"
    cached.mkdir()
    (cached / "history.json").write_text(json.dumps({**shipped, "seconds": [99.0] * shipped["epochs"]}))
    (cached / "model.weights.h5").write_bytes((SHIPPED_RUNS / "seed" / "model.weights.h5").read_bytes())
    assert train("seed", shipped["epochs"], 0, verbose=0).folder == SHIPPED_RUNS / "seed"
    # A folder the caller names is still looked at first.
    assert train("seed", shipped["epochs"], 0, out=cached, verbose=0).folder == cached


def test_seconds_until_finds_the_first_epoch_at_or_below_the_error():
    from lenet5_lesson.training import Run

    run = Run("faithful", Path("."), {"test_error": [0.05, 0.01, 0.02, 0.008], "seconds": [4.0, 3.0, 3.5, 3.0]})
    assert run.seconds_until(0.01) == (2, 7.0)
    assert run.seconds_until(0.009) == (4, 13.5)
    assert run.seconds_until(0.001) is None
    with pytest.raises(ValueError, match="test_error=1.5 must be between 0 and 1"):
        run.seconds_until(1.5)
    with pytest.raises(TypeError, match="test_error must be a number"):
        run.seconds_until("1 %")


def test_the_package_sets_training_threads_once_and_leaves_them_alone_after():
    import tensorflow as tf

    from lenet5_lesson.training import use_training_threads

    cores = os.cpu_count() or 1
    assert tf.config.threading.get_intra_op_parallelism_threads() == max(1, cores // 2)
    assert tf.config.threading.get_inter_op_parallelism_threads() == cores
    assert use_training_threads() is False


def test_fit_epochs_records_every_epoch_with_the_recipes_rates(mnist_dir):
    import keras

    from lenet5_lesson import build_model, load_mnist
    from lenet5_lesson.fitting import fit_epochs

    keras.utils.set_random_seed(0)
    (x, y), _ = load_mnist()
    inputs = model_inputs("seed", x[:300])
    recipe = Recipe(batch_size=50, schedule=((1, 1e-3), (1, 1e-4)))
    history = fit_epochs(build_model("seed"), recipe, 3, 0, (inputs, y[:300]),
                         {"train_error": (inputs, y[:300])}, verbose=0)
    assert set(history) == {"learning_rate", "loss", "train_error", "seconds"}
    assert history["learning_rate"] == [1e-3, 1e-4, 1e-4]
    assert all(len(values) == 3 for values in history.values())
    assert history["train_error"][-1] < 0.9 and all(s > 0 for s in history["seconds"])


@pytest.mark.parametrize("batch", [1, 2, 7, 32])
def test_side_by_side_gives_the_whole_batchs_outputs_loss_and_gradients(batch):
    import tensorflow as tf

    from lenet5_lesson import build_lenet5
    from lenet5_lesson.fitting import SideBySide

    model = build_lenet5()
    both = SideBySide(model)
    x = tf.constant(np.random.default_rng(5).normal(size=(batch, 32, 32, 1)).astype("float32"))
    labels = tf.constant(np.arange(batch) % 10)
    results = []
    for network in (model, both):
        with tf.GradientTape() as tape:
            outputs = network(x, training=True)
            loss = model.loss(labels, outputs)
        results.append([outputs.numpy(), loss.numpy(),
                        *(g.numpy() for g in tape.gradient(loss, model.trainable_variables))])
    for whole, halves in zip(*results):
        np.testing.assert_allclose(halves, whole, rtol=1e-4, atol=1e-5)
    # The halves share the network's weights: training one trains the other.
    assert [id(v) for v in both.trainable_variables] == [id(v) for v in model.trainable_variables]


def test_a_last_batch_of_one_image_trains_and_is_evaluated(tmp_path, mnist_dir):
    # 33 = 32 + 1: the epoch's last batch has one image, which has no halves to run side by side.
    run = train("faithful", 1, seed=0, out=tmp_path / "run", verbose=0, reuse=False, train_size=33)
    assert np.isfinite(run.history["loss"][0]) and 0 <= run.history["train_error"][0] <= 1


def test_train_stays_the_function_when_every_submodule_is_imported():
    import importlib
    import pkgutil

    import lenet5_lesson

    for module in pkgutil.walk_packages(lenet5_lesson.__path__, "lenet5_lesson."):
        importlib.import_module(module.name)
    assert callable(lenet5_lesson.train) and lenet5_lesson.train.__module__ == "lenet5_lesson.training"
