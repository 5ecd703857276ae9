import keras
import numpy as np
import pytest

from lenet5_lesson import build_lenet5, build_model, build_modern, build_seed, paper
from lenet5_lesson.bitmaps import digit_bitmaps, rbf_centres
from lenet5_lesson.layers import EuclideanRBF, FanInUniform, FullWindowConv2D, Subsampling, SparseConv2D, squash
from lenet5_lesson.losses import MAPLoss, penalty_accuracy
from lenet5_lesson.shapes import layer_table


@pytest.fixture(scope="module")
def lenet():
    keras.utils.set_random_seed(1)
    return build_lenet5()


def trainable(layer) -> int:
    return int(sum(np.prod(w.shape) for w in layer.trainable_weights))


def test_trainable_parameters_per_layer_match_the_paper(lenet):
    counts = {name: trainable(lenet.get_layer(name)) for name in paper.PAPER_PARAMETERS}
    assert counts == paper.PAPER_PARAMETERS
    assert sum(trainable(layer) for layer in lenet.layers) == 60_000


def test_shape_table_matches_paper_connections(lenet):
    rows = {row.name: row for row in layer_table(lenet)}
    assert {name: row.connections for name, row in rows.items()} == paper.PAPER_CONNECTIONS
    assert sum(row.connections for row in rows.values()) == 340_908
    assert rows["C1"].output_shape == (28, 28, 6)
    assert rows["S2"].output_shape == (14, 14, 6)
    assert rows["C3"].output_shape == (10, 10, 16)
    assert rows["S4"].output_shape == (5, 5, 16)
    assert rows["C5"].output_shape == (1, 1, 120)
    assert rows["F6"].output_shape == (84,)
    assert rows["output"].output_shape == (10,)


def test_other_models_parameter_counts():
    assert build_seed().count_params() == 53_558
    modern = build_modern()
    assert modern.get_layer("C3").count_params() == 2_416
    assert modern.output.shape[-1] == 10


def test_build_model_refuses_unknown_names():
    with pytest.raises(ValueError, match="model name 'lenet' must be one of faithful, modern, seed"):
        build_model("lenet")
    with pytest.raises(TypeError, match="model name must be a string"):
        build_model(5)
    with pytest.raises(ValueError, match="learning_rate=0 must be between 0 and 1"):
        build_lenet5(learning_rate=0)


def test_squash_constants():
    values = keras.ops.convert_to_numpy(squash(np.array([1.0, -1.0, 0.0], "float32")))
    np.testing.assert_allclose(values, [1.0, -1.0, 0.0], atol=2e-4)


def test_initialisation_stays_within_fan_in_limits(lenet):
    c1 = lenet.get_layer("C1").kernel.numpy()
    assert np.abs(c1).max() <= 2.4 / 25
    assert np.abs(c1).max() > 0.8 * 2.4 / 25  # uniform over the whole range, not a narrower one
    c3 = lenet.get_layer("C3")
    kernel = c3.kernel.numpy()
    for n, (_, j) in enumerate(c3.pairs):
        assert np.abs(kernel[..., n]).max() <= 2.4 / (25 * len(paper.C3_TABLE[j]))
    assert np.abs(lenet.get_layer("C5").kernel.numpy()).max() <= 2.4 / 400
    assert np.abs(lenet.get_layer("F6").kernel.numpy()).max() <= 2.4 / 120


def test_fan_in_uniform_refuses_bad_fan_in():
    with pytest.raises(ValueError, match="fan_in=0 must be at least 1"):
        FanInUniform(0)
    with pytest.raises(TypeError, match="fan_in must be an integer"):
        FanInUniform(2.5)


def test_subsampling_is_sum_times_coefficient_plus_bias():
    layer = Subsampling(2, activation=None)
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    layer.build(x.shape)
    layer.coefficient.assign([0.5, -2.0, 3.0])
    layer.bias.assign([0.1, 0.2, -0.3])
    sums = x.reshape(2, 2, 2, 2, 2, 3).sum(axis=(2, 4))
    expected = sums * np.array([0.5, -2.0, 3.0]) + np.array([0.1, 0.2, -0.3])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), expected, rtol=1e-5, atol=1e-5)
    assert len(layer.trainable_weights) == 2


def test_sparse_conv_matches_per_map_convolutions():
    table = ((0,), (0, 2), (1, 2))
    layer = SparseConv2D(table, 3, activation=None)
    x = np.random.default_rng(1).normal(size=(1, 6, 6, 3)).astype("float32")
    out = keras.ops.convert_to_numpy(layer(x))
    kernel = layer.kernel.numpy()
    bias = layer.bias.numpy()
    for j, inputs in enumerate(table):
        expected = np.full((4, 4), bias[j], dtype="float64")
        for i in inputs:
            w = kernel[..., layer.pairs.index((i, j))]
            for r in range(4):
                for c in range(4):
                    expected[r, c] += (x[0, r:r + 3, c:c + 3, i] * w).sum()
        np.testing.assert_allclose(out[0, ..., j], expected, rtol=1e-4, atol=1e-5)


def _conv_twins(**kwargs):
    fast, plain = FullWindowConv2D(7, 3, **kwargs), keras.layers.Conv2D(7, 3, **kwargs)
    fast.build((None, 3, 3, 4))
    plain.build((None, 3, 3, 4))
    plain.set_weights([np.random.default_rng(2).normal(size=w.shape) for w in plain.weights])
    fast.set_weights(plain.get_weights())
    return fast, plain


@pytest.mark.parametrize("kwargs", [{}, {"activation": squash}, {"use_bias": False, "activation": "tanh"}])
def test_full_window_conv_equals_keras_conv_on_one_window_and_when_it_slides(kwargs):
    fast, plain = _conv_twins(**kwargs)
    rng = np.random.default_rng(3)
    for shape in ((5, 3, 3, 4), (2, 6, 5, 4)):
        x = rng.normal(size=shape).astype("float32")
        got, expected = (keras.ops.convert_to_numpy(layer(x)) for layer in (fast, plain))
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_full_window_conv_takes_the_matrix_product_only_on_one_window():
    fast, _ = _conv_twins()
    assert fast._one_window((None, 3, 3, 4)) and not fast._one_window((None, 4, 3, 4))
    fast, _ = _conv_twins(padding="same")
    assert not fast._one_window((None, 3, 3, 4))


def test_full_window_conv_gradients_equal_keras_conv():
    import tensorflow as tf

    fast, plain = _conv_twins(activation=squash)
    x = tf.constant(np.random.default_rng(4).normal(size=(6, 3, 3, 4)).astype("float32"))
    grads = []
    for layer in (fast, plain):
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(tf.square(layer(x)))
        grads.append([g.numpy() for g in tape.gradient(total, [x, *layer.trainable_weights])])
    for got, expected in zip(*grads):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_lenet5_computes_c5_with_the_matrix_product(lenet):
    c5 = lenet.get_layer("C5")
    assert isinstance(c5, FullWindowConv2D) and c5._one_window(c5.input.shape)
    config = c5.get_config()
    assert FullWindowConv2D.from_config(config).get_config() == config


@pytest.mark.parametrize(("table", "error", "message"), [
    (((0,), ()), ValueError, r"table\[1\] is empty"),
    (((0, 0),), ValueError, r"table\[0\] lists an input map twice"),
    (((0, -1),), ValueError, r"table\[0\]\[1\]=-1 must be at least 0"),
    (((0, 1.0),), TypeError, r"table\[0\]\[1\] must be an integer, got float"),
    ("012", TypeError, "table must be a sequence"),
])
def test_sparse_conv_refuses_bad_tables(table, error, message):
    with pytest.raises(error, match=message):
        SparseConv2D(table)


def test_rbf_outputs_squared_distances():
    x = np.random.default_rng(2).uniform(-1.7, 1.7, size=(5, 84)).astype("float32")
    y = keras.ops.convert_to_numpy(EuclideanRBF()(x))
    expected = ((x[:, None, :] - rbf_centres()[None]) ** 2).sum(axis=-1)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-3)


def test_rbf_centres_are_fixed_distinct_bitmaps(lenet):
    assert lenet.get_layer("output").trainable_weights == []
    maps = digit_bitmaps()
    assert maps.shape == (10, 12, 7)
    assert set(np.unique(maps)) == {-1.0, 1.0}
    flat = maps.reshape(10, -1)
    distances = ((flat[:, None] - flat[None]) ** 2).sum(-1)
    assert distances[~np.eye(10, dtype=bool)].min() >= 16


def test_map_loss_is_equation_nine():
    y = np.array([[3.0, 10.0, 0.5, 7.0, 9.0, 8.0, 6.0, 5.0, 4.0, 2.0]], "float32")
    label = np.array([2])
    j = 1.5
    expected = y[0, 2] + np.log(np.exp(-j) + np.exp(-y[0]).sum())
    assert float(MAPLoss(j=j)(label, y)) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="j=0 must be positive"):
        MAPLoss(j=0)
    accuracy = keras.ops.convert_to_numpy(penalty_accuracy(label, y))
    assert accuracy.tolist() == [1.0]


def test_model_outputs_penalties_and_learns(lenet):
    x = np.random.default_rng(3).normal(size=(64, 32, 32, 1)).astype("float32")
    y = np.arange(64) % 10
    before = lenet.evaluate(x, y, verbose=0)[0]
    lenet.fit(x, y, epochs=3, batch_size=16, verbose=0)
    after = lenet.evaluate(x, y, verbose=0)[0]
    assert after < before
    assert lenet.predict(x[:2], verbose=0).shape == (2, 10)


def test_save_and_load_give_the_same_outputs(lenet, tmp_path):
    x = np.random.default_rng(4).normal(size=(8, 32, 32, 1)).astype("float32")
    path = tmp_path / "lenet5.keras"
    lenet.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), lenet.predict(x, verbose=0), rtol=1e-6)
    assert isinstance(loaded.get_layer("C3"), SparseConv2D)
    assert loaded.get_layer("C3").table == paper.C3_TABLE
    assert loaded.get_layer("S2").activation is squash
    assert isinstance(loaded.loss, MAPLoss)


@pytest.mark.parametrize("activation", [keras.activations.tanh, squash, "relu", None])
def test_layers_keep_a_callable_activation_through_save_and_load(activation, tmp_path):
    x = inputs = keras.Input((12, 12, 6))
    x = SparseConv2D(((0, 1), (2, 3, 4)), 3, activation=activation, name="sparse")(x)
    x = Subsampling(2, activation=activation, name="sub")(x)
    model = keras.Model(inputs, x)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    batch = np.random.default_rng(0).normal(size=(2, 12, 12, 6)).astype("float32")
    np.testing.assert_allclose(loaded.predict(batch, verbose=0), model.predict(batch, verbose=0), rtol=1e-6)
    expected = keras.activations.linear if activation is None else keras.activations.get(activation)
    for name in ("sparse", "sub"):
        assert loaded.get_layer(name).activation is expected


@pytest.mark.parametrize(("name", "params"), [("softmax-output", 60_850), ("average-pooling", 59_956),
                                               ("dense-c3", 60_900), ("relu", 60_000)])
def test_each_ablation_replaces_one_element_of_lenet5(name, params):
    from lenet5_lesson.models import ABLATIONS

    faithful, model = build_lenet5(compile=False), build_model(name)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == params
    changed = {layer.name for layer in model.layers
               if type(layer) is not type(faithful.get_layer(layer.name))
               or getattr(layer, "activation", None) is not getattr(faithful.get_layer(layer.name), "activation", None)}
    expected = {"softmax-output": {"output"}, "average-pooling": {"S2", "S4"}, "dense-c3": {"C3"},
                "relu": {"C1", "S2", "C3", "S4", "C5", "F6"}}[name]
    assert changed == expected and name in ABLATIONS
    scores = model.predict(np.zeros((2, 32, 32, 1), "float32"), verbose=0)
    assert scores.shape == (2, 10)


def test_an_unknown_ablation_names_the_choices():
    with pytest.raises(ValueError, match="ablation='maxpool' must be None or one of softmax-output, average-pooling"):
        build_lenet5(ablation="maxpool")
