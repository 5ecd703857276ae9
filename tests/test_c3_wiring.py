"""C3's wiring checked from outside the layer: which S2 maps can change which C3 maps."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from lenet5_lesson import build_lenet5, paper


@pytest.fixture(scope="module")
def c3():
    keras.utils.set_random_seed(7)
    return build_lenet5(compile=False).get_layer("C3")


def _connected(table) -> np.ndarray:
    wanted = np.zeros((6, len(table)), dtype=bool)
    for j, inputs in enumerate(table):
        wanted[list(inputs), j] = True
    return wanted


def test_output_map_changes_only_with_its_table_inputs(c3):
    rng = np.random.default_rng(0)
    base = keras.ops.convert_to_numpy(c3(np.zeros((1, 14, 14, 6), "float32")))
    reaches = np.zeros((6, 16), dtype=bool)
    for i in range(6):
        x = np.zeros((1, 14, 14, 6), "float32")
        x[..., i] = rng.uniform(-1.7, 1.7, size=(14, 14))
        out = keras.ops.convert_to_numpy(c3(x))
        reaches[i] = np.abs(out - base).max(axis=(0, 1, 2)) > 1e-6
    np.testing.assert_array_equal(reaches, _connected(paper.C3_TABLE))


def test_gradients_follow_table_one(c3):
    x = tf.constant(np.random.default_rng(1).uniform(-1, 1, size=(1, 14, 14, 6)).astype("float32"))
    reaches = np.zeros((6, 16), dtype=bool)
    for j in range(16):
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(c3(x)[..., j])
        grad = tape.gradient(total, x).numpy()
        reaches[:, j] = np.abs(grad).sum(axis=(0, 1, 2)) > 0
    np.testing.assert_array_equal(reaches, _connected(paper.C3_TABLE))


def test_parameters_sparse_versus_dense(c3):
    trainable = int(sum(np.prod(w.shape) for w in c3.trainable_weights))
    assert trainable == 1_516 == sum(len(t) for t in paper.C3_TABLE) * 25 + 16
    dense = keras.layers.Conv2D(16, 5)
    dense.build((None, 14, 14, 6))
    assert dense.count_params() == 2_416


def test_dense_kernel_is_zero_exactly_off_the_table(c3):
    kernel = keras.ops.convert_to_numpy(c3.dense_kernel())
    assert kernel.shape == (5, 5, 6, 16)
    nonzero = np.abs(kernel).sum(axis=(0, 1)) > 0
    np.testing.assert_array_equal(nonzero, _connected(paper.C3_TABLE))
