"""The hand-made gradients of lenet5_lesson.gradients against Keras' layers and tf.GradientTape, and the
figures of chapter 9 that draw them."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lenet5_lesson import build_lenet5, layer_table, paper
from lenet5_lesson.bitmaps import rbf_centres
from lenet5_lesson.figures.gradients import (backprop_figure, kernel_gradient_figure, map_gradient_figure,
                                             signed_panels)
from lenet5_lesson.gradients import (conv_by_hand, convolve, cross_correlate, dense_layout, forward_from,
                                     input_gradient, kernel_gradient, kernel_gradient_terms, map_loss_gradient,
                                     numerical_gradient, rbf_jacobian, relative_difference, squash_derivative,
                                     subsampling_gradients)
from lenet5_lesson.layers import EuclideanRBF, SparseConv2D, Subsampling, squash
from lenet5_lesson.losses import MAPLoss

RNG = np.random.default_rng(0)


def _uniform(*shape, low=-1.0, high=1.0):
    return RNG.uniform(low, high, size=shape).astype("float32")


def _keras_conv(image, kernel):
    return keras.ops.convert_to_numpy(keras.ops.conv(image[None, :, :, None], kernel[:, :, None, None]))[0, :, :, 0]


def test_keras_computes_a_cross_correlation_not_a_convolution():
    image = np.arange(25, dtype="float32").reshape(5, 5)
    corner = np.zeros((3, 3), "float32")
    corner[0, 0] = 1.0
    np.testing.assert_array_equal(cross_correlate(image, corner), image[:3, :3])
    np.testing.assert_array_equal(convolve(image, corner), image[2:, 2:])
    np.testing.assert_array_equal(_keras_conv(image, corner), image[:3, :3])
    image, kernel = _uniform(9, 8), _uniform(4, 4)
    np.testing.assert_allclose(cross_correlate(image, kernel), _keras_conv(image, kernel), atol=1e-5)
    np.testing.assert_allclose(convolve(image, kernel), _keras_conv(image, kernel[::-1, ::-1]), atol=1e-5)
    assert np.abs(convolve(image, kernel) - cross_correlate(image, kernel)).max() > 0.1


def test_conv_by_hand_is_keras_conv2d_over_several_maps():
    inputs, kernel, bias = _uniform(7, 6, 3), _uniform(3, 3, 3, 2), _uniform(2)
    layer = keras.layers.Conv2D(2, 3)
    layer.build((None, 7, 6, 3))
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(conv_by_hand(inputs, kernel, bias), layer(inputs[None])[0], atol=1e-5)
    one_map = sum(cross_correlate(inputs[..., i], kernel[:, :, i, 1]) for i in range(3)) + bias[1]
    np.testing.assert_allclose(conv_by_hand(inputs, kernel, bias)[..., 1], one_map, atol=1e-12)


def _conv_tape(inputs, kernel, bias, weights):
    x, w, b = (tf.constant(v) for v in (inputs[None], kernel, bias))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w, b])
        a = keras.ops.conv(x, w) + b
        loss = tf.reduce_sum(weights * tf.tanh(a))
    return [tape.gradient(loss, v).numpy() for v in (a, x, w, b)]


def test_shared_kernel_gradient_sums_over_positions_like_the_tape():
    inputs, kernel, bias = _uniform(8, 7, 2), _uniform(3, 3, 2, 4), _uniform(4)
    ga, gx, gw, gb = _conv_tape(inputs, kernel, bias, _uniform(1, 6, 5, 4))
    by_hand_w, by_hand_b = kernel_gradient(inputs, ga[0], 3)
    np.testing.assert_allclose(by_hand_w, gw, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(by_hand_b, gb, rtol=1e-4, atol=1e-6)
    terms = kernel_gradient_terms(inputs[..., 1], ga[0, ..., 2], 3)
    assert terms.shape == (6, 5, 3, 3)
    np.testing.assert_allclose(terms.sum(axis=(0, 1)), by_hand_w[:, :, 1, 2], atol=1e-12)
    np.testing.assert_allclose(input_gradient(ga[0], kernel), gx[0], rtol=1e-4, atol=1e-6)


def test_squash_derivative_is_the_tapes():
    a = tf.constant(np.linspace(-4, 4, 41))
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = squash(a)
    np.testing.assert_allclose(squash_derivative(a.numpy()), tape.gradient(y, a).numpy(), rtol=1e-10)
    assert squash_derivative(0.0) == pytest.approx(paper.SQUASH_A * paper.SQUASH_S)


@pytest.mark.parametrize(("shape", "pool"), [((6, 6, 3), 2), ((7, 5, 2), 2), ((9, 9, 1), 3)])
def test_subsampling_gradients_are_the_tapes(shape, pool):
    layer = Subsampling(pool, seed=1)
    layer.build((None, *shape))
    c, b = _uniform(shape[-1], low=0.2, high=1.5), _uniform(shape[-1], low=-0.5, high=0.5)
    layer.set_weights([c, b])
    x = tf.constant(_uniform(1, *shape))
    weights = _uniform(1, shape[0] // pool, shape[1] // pool, shape[-1])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(weights * y**2)
    by_hand = subsampling_gradients(x[0], tape.gradient(loss, y)[0], c, b, pool)
    np.testing.assert_allclose(by_hand["coefficient"], tape.gradient(loss, layer.coefficient), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(by_hand["bias"], tape.gradient(loss, layer.bias), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(by_hand["inputs"], tape.gradient(loss, x)[0], rtol=1e-4, atol=1e-6)


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(3)
    return build_lenet5(compile=False)


def test_missing_connections_get_no_gradient(model):
    c3 = model.get_layer("C3")
    np.testing.assert_array_equal(dense_layout(c3, c3.kernel), c3.dense_kernel())
    s2 = tf.constant(_uniform(1, 14, 14, 6))
    with tf.GradientTape() as tape:
        dense = c3.dense_kernel()
        a = keras.ops.conv(s2, dense) + c3.bias
        penalties = forward_from(model, "C3", squash(a))
        loss = MAPLoss()(np.array([3]), penalties)
    g_dense, g_kernel = (g.numpy() for g in tape.gradient(loss, [dense, c3.kernel]))
    laid = dense_layout(c3, g_kernel)
    connected = np.zeros((6, 16), dtype=bool)
    for j, maps in enumerate(paper.C3_TABLE):
        connected[list(maps), j] = True
    blocks = np.abs(laid).sum(axis=(0, 1)) > 0
    np.testing.assert_array_equal(blocks, connected)
    assert (np.abs(g_dense).sum(axis=(0, 1)) > 0).all()  # a dense C3 would get a gradient everywhere
    np.testing.assert_allclose(laid[:, :, connected], g_dense[:, :, connected], atol=1e-9)


def test_forward_from_any_layer_is_the_model(model):
    x = _uniform(2, 32, 32, 1)
    whole = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(forward_from(model, "image", x)), whole, rtol=1e-5)
    c1 = model.get_layer("C1")(x)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(forward_from(model, "C1", c1)), whole, rtol=1e-5)
    assert forward_from(model, "output", whole) is whole


def test_rbf_jacobian_is_the_tapes():
    layer = EuclideanRBF()
    layer.build((None, 84))
    x = tf.constant(_uniform(1, 84, low=-1.5, high=1.5))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
    jacobian = tape.jacobian(y, x).numpy()[0, :, 0, :]
    np.testing.assert_allclose(rbf_jacobian(x[0], rbf_centres()), jacobian, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("j", [0.5, 1.0, 8.0])
def test_map_loss_gradient_is_the_tapes(j):
    penalties = tf.constant(_uniform(5, 10, low=0.0, high=12.0))
    labels = np.array([0, 3, 9, 3, 5])
    with tf.GradientTape() as tape:
        tape.watch(penalties)
        loss = MAPLoss(j=j)(labels, penalties)
    expected = tape.gradient(loss, penalties).numpy()
    np.testing.assert_allclose(map_loss_gradient(penalties, labels, j), expected, rtol=1e-4, atol=1e-7)
    one = map_loss_gradient(penalties[1], 3, j)
    np.testing.assert_allclose(one, 5 * expected[1], rtol=1e-4, atol=1e-6)
    # the pull on the correct class is 1 minus its share; all ten add up to the share of e^-j
    assert one[3] > 0 and (np.delete(one, 3) < 0).all() and 0 < one.sum() < 1


def test_numerical_gradient_agrees_with_calculus_and_the_tape():
    x = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sin(v).sum(), x), np.cos(x), atol=1e-8)
    penalties = tf.constant(np.linspace(1.0, 10.0, 10))
    loss = MAPLoss(j=1.0, dtype="float64")
    with tf.GradientTape() as tape:
        tape.watch(penalties)
        value = loss(np.array([2]), penalties[None])
    numeric = numerical_gradient(lambda y: float(loss(np.array([2]), y[None])), penalties.numpy())
    np.testing.assert_allclose(numeric, tape.gradient(value, penalties).numpy(), atol=1e-8)
    assert numerical_gradient(lambda v: float(v**2), 3.0).shape == ()


def test_relative_difference():
    assert relative_difference([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_difference(np.array([1.0, 4.5]), np.array([1.0, 5.0])) == pytest.approx(0.1)
    assert relative_difference(tf.constant([[0.0, -2.0]]), np.array([[1.0, -2.0]])) == pytest.approx(0.5)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: cross_correlate(np.zeros((3, 3)), np.zeros((4, 4))), ValueError, "does not fit"),
    (lambda: cross_correlate(np.zeros((3, 3)), np.zeros((2, 3))), ValueError, "must be square"),
    (lambda: cross_correlate(np.zeros(3), np.zeros((1, 1))), ValueError, "image must have 2 axes"),
    (lambda: cross_correlate("abc", np.zeros((1, 1))), TypeError, "image must be an array of numbers"),
    (lambda: cross_correlate(np.full((3, 3), np.nan), np.zeros((1, 1))), ValueError, "finite"),
    (lambda: conv_by_hand(np.zeros((5, 5, 2)), np.zeros((3, 3, 3, 1)), np.zeros(1)), ValueError, "kernel"),
    (lambda: kernel_gradient(np.zeros((5, 5, 1)), np.zeros((2, 2, 1)), 3), ValueError, "upstream must have"),
    (lambda: kernel_gradient(np.zeros((5, 5, 1)), np.zeros((3, 3, 1)), 3.0), TypeError, "kernel_size must be"),
    (lambda: kernel_gradient_terms(np.zeros((5, 5)), np.zeros((3, 3)), 0), ValueError, "kernel_size=0"),
    (lambda: input_gradient(np.zeros((3, 3, 2)), np.zeros((3, 3, 1, 1))), ValueError, "kernel must have"),
    (lambda: subsampling_gradients(np.zeros((4, 4, 1)), np.zeros((2, 2, 1)), [1.0, 2.0], [0.0], 2),
     ValueError, "coefficient and bias"),
    (lambda: subsampling_gradients(np.zeros((4, 4, 1)), np.zeros((2, 2, 1)), [1.0], [0.0], 0),
     ValueError, "pool_size=0"),
    (lambda: rbf_jacobian(np.zeros(84), np.zeros((10, 80))), ValueError, "84 columns"),
    (lambda: map_loss_gradient(np.zeros(10), 10), ValueError, r"labels\[0\]=10 must be between 0 and 9"),
    (lambda: map_loss_gradient(np.zeros((2, 10)), [1]), ValueError, "one class per sample"),
    (lambda: map_loss_gradient(np.zeros(10), 1, j=0), ValueError, "j=0 must be positive"),
    (lambda: map_loss_gradient(np.zeros((1, 1, 10)), 1), ValueError, "penalties must have shape"),
    (lambda: numerical_gradient("f", np.zeros(2)), TypeError, "f must be callable"),
    (lambda: relative_difference(np.ones(2), np.ones(3)), ValueError, "same shape"),
    (lambda: relative_difference(np.ones(2), np.zeros(2)), ValueError, "zero everywhere"),
    (lambda: numerical_gradient(np.sum, np.zeros(2), step=-1.0), ValueError, "step=-1.0 must be positive"),
])
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_dense_layout_and_forward_from_refuse_the_wrong_objects(model):
    with pytest.raises(TypeError, match="layer must be a SparseConv2D"):
        dense_layout(model.get_layer("C1"), np.zeros((5, 5, 60)))
    with pytest.raises(ValueError, match="must be built"):
        dense_layout(SparseConv2D(), np.zeros((5, 5, 60)))
    with pytest.raises(ValueError, match="the shape of the layer's kernel"):
        dense_layout(model.get_layer("C3"), np.zeros((5, 5, 59)))
    with pytest.raises(ValueError, match="name='C9' is not a layer"):
        forward_from(model, "C9", np.zeros((1, 28, 28, 6)))
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        forward_from("lenet5", "C1", np.zeros((1, 28, 28, 6)))


def test_backprop_figure_draws_every_layer_and_its_parameter_gradient(model):
    rows = layer_table(model)
    fig = backprop_figure(rows)
    texts = [a.text for a in fig.layout.annotations if a.text]
    for row in rows:
        assert any(t.startswith(f"<b>{row.name}</b>") for t in texts)
    assert [t for t in texts if t.startswith("∂E/∂w")] == [f"∂E/∂w ({r.parameters:,})" for r in rows if r.parameters]
    assert len(fig.layout.shapes) == len(rows) + 2  # the image, the layers and the loss
    assert "60,000" in fig.layout.title.text and "60,000" in fig.layout.meta["alt"]
    assert any("2 (x_j - w_ij)" in h for h in fig.data[0].hovertext)
    with pytest.raises(ValueError, match="rows"):
        backprop_figure([])
    with pytest.raises(TypeError, match="LayerRow"):
        backprop_figure([("C1", "Conv2D")])
    with pytest.raises(ValueError, match="height"):
        backprop_figure(rows, height=100)


def test_signed_panels_share_one_scale_centred_on_zero():
    mosaic = np.array([[0.5, np.nan], [-2.0, 1.0]])
    fig = signed_panels({"a": mosaic, "b": np.full((2, 2), 0.25)}, title="t", alt="a")
    assert [(t.zmin, t.zmax) for t in fig.data] == [(-2.0, 2.0)] * 2
    assert [t.showscale for t in fig.data] == [False, True]
    with pytest.raises(ValueError, match="finite"):
        signed_panels({"a": np.full((2, 2), np.nan)}, title="t", alt="a")
    with pytest.raises(ValueError, match="non-empty mapping"):
        signed_panels({}, title="t", alt="a")


def test_map_gradient_figure_plots_the_gradient():
    penalties = [34.5, 87.3, 79.8, 48.9, 79.8, 84.0, 5.5, 90.6, 18.1, 62.9]
    fig = map_gradient_figure(penalties, 4)
    np.testing.assert_allclose(fig.data[1].y, map_loss_gradient(penalties, 4))
    assert fig.layout.title.text.startswith("A 4 read as a 6")
    assert "digit 6, the closest rival" in fig.layout.meta["alt"]
    assert map_gradient_figure(penalties, 6).layout.title.text.startswith("A 6 read correctly")
    with pytest.raises(ValueError, match="10 values"):
        map_gradient_figure(penalties[:9], 4)


def test_kernel_gradient_figure_sums_the_terms_it_shows():
    image, upstream = _uniform(8, 8), _uniform(6, 6)
    taped = kernel_gradient(image[..., None], upstream[..., None], 3)[0][:, :, 0, 0]
    fig = kernel_gradient_figure(image, upstream, taped, name="a test kernel")
    assert len(fig.data) == 6 and "a test kernel" in fig.layout.title.text
    np.testing.assert_allclose(fig.data[4].z, taped, atol=1e-12)  # the sum of the terms ...
    np.testing.assert_allclose(fig.data[5].z, taped)  # ... beside the tape's gradient
    p, q = np.unravel_index(np.argmax(upstream), upstream.shape)
    np.testing.assert_allclose(fig.data[2].z, upstream[p, q] * image[p:p + 3, q:q + 3], rtol=1e-6)
    assert fig.data[0].colorscale[0][1] != fig.data[1].colorscale[0][1]  # the input is grey, not signed
    for trace in fig.data[1:]:
        assert trace.zmin == -trace.zmax
    with pytest.raises(ValueError, match="square"):
        kernel_gradient_figure(image, upstream, np.zeros((3, 2)))
