"""SDLM, the paper's optimiser: its curvature estimate against exact computations, its update rule
on a quadratic, and its place in train() and the command line."""

import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from lenet5_lesson import build_lenet5, paper, train
from lenet5_lesson.layers import EuclideanRBF, squash
from lenet5_lesson.losses import MAPLoss
from lenet5_lesson.sdlm import ETA_SCALE, RBF_CURVATURE, SDLM, first_patterns, gauss_newton_diagonal
from lenet5_lesson.training import SDLM_RECIPE, recipe


def _small_net(first_layer):
    """A first layer under test, then F6-sized squashing units and the RBF output."""
    keras.utils.set_random_seed(1)
    inputs = keras.Input(first_layer.input_spec_shape)
    x = first_layer(inputs)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(84, activation=squash, kernel_initializer=keras.initializers.RandomUniform(-0.3, 0.3))(x)
    return keras.Model(inputs, EuclideanRBF()(x))


def _dense_first():
    layer = keras.layers.Dense(3, activation=squash, kernel_initializer=keras.initializers.RandomUniform(-1, 1),
                               bias_initializer=keras.initializers.RandomUniform(-1, 1))
    layer.input_spec_shape = (5,)
    return layer


def _exact_gauss_newton_diagonal(model, patterns):
    """Sum over the F6 outputs x_j of 2 (dx_j/dw)^2, per pattern, averaged: the true diagonal of
    J^T H J when the output curvature H is 2 on each x_j, as at the RBF layer's input."""
    f6 = keras.Model(model.input, model.layers[-2].output)
    totals = [np.zeros(v.shape) for v in model.trainable_variables]
    for pattern in patterns:
        with tf.GradientTape(persistent=True) as tape:
            x = f6(pattern[None])[0]
        for total, jacobian in zip(totals, tape.jacobian(x, model.trainable_variables)):
            total += RBF_CURVATURE * np.sum(np.square(jacobian.numpy()), axis=0)
    return [t / len(patterns) for t in totals]


def test_curvature_equals_the_exact_gauss_newton_diagonal_where_no_weight_is_shared():
    # Two squashing layers: every weight reaches each output along one path, so the paper's
    # layer-by-layer rule drops no cross term and must equal the true diagonal.
    model = _small_net(_dense_first())
    patterns = np.random.default_rng(0).normal(size=(7, 5)).astype("float32")
    estimate = gauss_newton_diagonal(model, patterns)
    exact = _exact_gauss_newton_diagonal(model, patterns)
    for variable, a, b in zip(model.trainable_variables, estimate, exact):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=1e-9, err_msg=variable.path)


def test_a_shared_kernel_sums_the_curvature_of_every_connection_that_uses_it():
    # A convolution: each kernel weight is shared by 16 positions. The paper's h_kk is the sum,
    # over those connections, of the exact diagonal an untied layer would have there:
    # x^2 times 2 sum_j (dx_j/da_p)^2, with a_p the weighted sum at position p.
    conv = keras.layers.Conv2D(1, 3, activation=squash, kernel_initializer=keras.initializers.RandomUniform(-1, 1))
    conv.input_spec_shape = (6, 6, 1)
    model = _small_net(conv)
    patterns = np.random.default_rng(2).normal(size=(3, 6, 6, 1)).astype("float32")
    estimate = gauss_newton_diagonal(model, patterns)[0]
    flatten, f6 = model.layers[2], model.layers[3]
    untied = np.zeros((3, 3))
    for pattern in patterns:
        maps = conv(pattern[None])
        with tf.GradientTape() as tape:
            tape.watch(maps)
            x = f6(flatten(maps))[0]
        jacobian = tape.jacobian(x, maps).numpy()[:, 0, :, :, 0]
        slopes = paper.SQUASH_A * paper.SQUASH_S * (1 - (maps.numpy()[0, ..., 0] / paper.SQUASH_A) ** 2)
        per_position = RBF_CURVATURE * np.sum(np.square(jacobian * slopes), axis=0)
        for u in range(3):
            for v in range(3):
                untied[u, v] += np.sum(np.square(pattern[u:u + 4, v:v + 4, 0]) * per_position)
    np.testing.assert_allclose(estimate[..., 0, 0], untied / len(patterns), rtol=2e-4)


def test_the_update_rule_on_a_quadratic_with_known_curvature():
    # E = sum_k h_k (w_k - t_k)^2 / 2 has gradient h (w - t) and curvature h: a step of
    # eta / (mu + h) moves w - t by the factor 1 - eta h / (mu + h), exactly.
    h = np.array([0.5, 2.0, 10.0], dtype="float32")
    target = np.array([1.0, -2.0, 3.0], dtype="float32")
    w = keras.Variable(np.zeros(3, dtype="float32"))
    optimizer = SDLM(learning_rate=0.5, mu=0.02)
    optimizer.set_curvature([w], [h])
    for step in range(3):
        before = w.numpy() - target
        optimizer.apply([h * (w.numpy() - target)], [w])
        np.testing.assert_allclose(w.numpy() - target, before * (1 - 0.5 * h / (0.02 + h)), rtol=1e-5)
    # With eta = 1 and mu -> 0 it is Newton's method: the minimum in one step.
    newton = SDLM(learning_rate=0.999, mu=1e-9)
    v = keras.Variable(np.zeros(3, dtype="float32"))
    newton.set_curvature([v], [h])
    newton.apply([h * (v.numpy() - target)], [v])
    np.testing.assert_allclose(v.numpy(), target * 0.999, rtol=1e-5)
    assert optimizer.step_range(0.5) == pytest.approx((0.5 / 10.02, 0.5 / 0.52))


def test_curvature_of_the_faithful_network_covers_every_weight():
    model = build_lenet5(compile=False)
    images = np.random.default_rng(0).uniform(-0.1, 1.175, size=(20, 32, 32, 1)).astype("float32")
    curvature = gauss_newton_diagonal(model, images)
    assert [c.shape for c in curvature] == [tuple(v.shape) for v in model.trainable_variables]
    assert all(np.all(c > 0) for c in curvature)
    # Averaged over the patterns: the estimate on all 20 is the mean of the estimates on halves.
    halves = [gauss_newton_diagonal(model, images[:10]), gauss_newton_diagonal(model, images[10:])]
    for whole, a, b in zip(curvature, *halves):
        np.testing.assert_allclose(whole, (a + b) / 2, rtol=1e-4)
    # F6's bias sees the RBF curvature through f'(a)^2 alone.
    f6 = keras.Model(model.input, model.get_layer("F6").output)(images).numpy()
    slope = paper.SQUASH_A * paper.SQUASH_S * (1 - (f6 / paper.SQUASH_A) ** 2)
    np.testing.assert_allclose(curvature[-1], np.mean(RBF_CURVATURE * slope**2, axis=0), rtol=1e-4)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: SDLM(mu=0), ValueError, "mu=0 must be positive"),
    (lambda: SDLM(learning_rate=-1.0), ValueError, "learning_rate=-1.0 must be"),
    (lambda: gauss_newton_diagonal(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]), np.ones((1, 4))),
     ValueError, "ends in the EuclideanRBF"),
    (lambda: gauss_newton_diagonal(build_lenet5(compile=False), np.ones((3, 28, 28, 1))), ValueError,
     r"inputs must be a non-empty batch of patterns of shape \(32, 32, 1\)"),
    (lambda: train("faithful", optimizer="sgd"), ValueError, "optimizer='sgd' must be one of adam, sdlm"),
    (lambda: train("modern", optimizer="sdlm"), ValueError, "trains the faithful model only"),
    (lambda: train("faithful", distortions="yes"), TypeError, "distortions must be True or False"),
])
def test_bad_arguments_name_the_rule(call, error, message, mnist_dir):
    with pytest.raises(error, match=message):
        call()


def test_set_curvature_refuses_wrong_shapes_and_negative_values():
    w = keras.Variable(np.zeros(3, dtype="float32"))
    with pytest.raises(ValueError, match="has shape"):
        SDLM().set_curvature([w], [np.ones(4)])
    with pytest.raises(ValueError, match="finite and at least 0"):
        SDLM().set_curvature([w], [np.array([1.0, -1.0, 0.0])])
    with pytest.raises(ValueError, match="2 arrays for 1 variables"):
        SDLM().set_curvature([w], [np.ones(3), np.ones(3)])


def test_the_recipe_is_the_papers_schedule_at_a_tenth_with_an_update_per_pattern():
    assert recipe("faithful", "sdlm") == SDLM_RECIPE and SDLM_RECIPE.batch_size == 1
    paper_rates = [eta for passes, eta in paper.SDLM_SCHEDULE for _ in range(passes)]
    assert [SDLM_RECIPE.learning_rate(e) for e in range(len(paper_rates) + 2)] == pytest.approx(
        [ETA_SCALE * eta for eta in paper_rates + [paper.SDLM_SCHEDULE[-1][1]] * 2])


def test_training_with_sdlm_records_the_steps_of_every_pass(tmp_path, mnist_dir):
    run = train("faithful", epochs=2, seed=5, out=tmp_path / "a", verbose=0, train_size=600, optimizer="sdlm")
    history = run.history
    assert history["optimizer"] == "sdlm" and history["distortions"] is False and history["batch_size"] == 1
    assert len(history["step_min"]) == len(history["step_max"]) == 2
    for low, high, eta in zip(history["step_min"], history["step_max"], history["learning_rate"]):
        assert 0 < low < high <= eta / 0.02 + 1e-12
    assert history["test_error"][-1] < 0.6
    again = train("faithful", epochs=2, seed=5, out=tmp_path / "b", verbose=0, train_size=600, optimizer="sdlm")
    assert again.history["loss"] == history["loss"]
    adam = train("faithful", epochs=2, seed=5, out=tmp_path / "c", verbose=0, train_size=600)
    assert adam.history["fingerprint"] != history["fingerprint"] and "step_min" not in adam.history


def test_command_line_takes_the_optimizer(tmp_path, mnist_dir):
    bad = subprocess.run([sys.executable, "-m", "lenet5_lesson", "--optimizer", "rmsprop"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "invalid choice: 'rmsprop'" in bad.stderr
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "lenet5_lesson", "--optimizer", "sdlm", "--epochs", "1",
                           "--train-size", "200", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"optimizer": "sdlm"' in (out / "history.json").read_text()


def test_sdlm_optimizer_serialises_with_its_mu():
    optimizer = SDLM(learning_rate=1e-4, mu=0.05)
    again = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert isinstance(again, SDLM) and again.mu == 0.05
    model = build_lenet5(compile=False)
    model.compile(optimizer=SDLM(), loss=MAPLoss())
    assert isinstance(model.optimizer, SDLM)


def test_the_papers_eta_diverges_at_the_start_and_the_books_does_not(mnist_dir):
    paper_eta, book_eta = (first_patterns(eta, patterns=1000) for eta in (5e-4, 5e-4 * ETA_SCALE))
    assert paper_eta["step_max"] == pytest.approx(5e-4 / 0.02) and book_eta["step_max"] == pytest.approx(5e-5 / 0.02)
    # A fresh network's penalties start near 84: the paper's eta ends far above, the book's below.
    assert paper_eta["loss"] > 100 > 84 > book_eta["loss"]
    assert paper_eta["test_error"] > 0.85 > 0.6 > book_eta["test_error"]
    with pytest.raises(ValueError, match="patterns=100 must be between 500 and 60000"):
        first_patterns(5e-5, patterns=100)
