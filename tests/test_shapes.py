import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lenet5_lesson.shapes import (conv_output_size, effective_kernel, kernel_positions, keras_output_size,
                                  leftover, same_padding)


@pytest.mark.parametrize(("args", "expected"), [
    ((32, 5), 28), ((28, 2, 2), 14), ((14, 5), 10), ((10, 2, 2), 5), ((5, 5), 1),
    ((28, 3), 26), ((7, 3, 2, 1), 4), ((6, 3, 2), 2), ((5, 5, 1, 0), 1), ((9, 3, 1, 0, 2), 5),
])
def test_known_sizes(args, expected):
    assert conv_output_size(*args) == expected


def test_accepts_numpy_integers():
    assert conv_output_size(np.int64(32), np.int32(5), np.uint8(1), np.int16(0)) == 28


@pytest.mark.parametrize("bad", [2.0, None, True, "5", np.float32(5.0), np.bool_(True)])
@pytest.mark.parametrize("position", range(4))
def test_non_integers_raise_type_error(bad, position):
    args = [32, 5, 1, 0]
    args[position] = bad
    with pytest.raises(TypeError, match="must be an integer"):
        conv_output_size(*args)


@pytest.mark.parametrize(("args", "message"), [
    ((0, 3), "input size n=0 must be at least 1"),
    ((5, 0), "kernel k=0 must be at least 1"),
    ((5, 3, 0), "stride s=0 must be at least 1"),
    ((5, 3, 1, -1), "padding p=-1 must be at least 0"),
    ((5, 7), r"kernel k=7 is larger than the padded input n\+2p=5"),
    ((3, 7, 1, 1), r"kernel k=7 is larger than the padded input n\+2p=5"),
    ((5, 3, 1, 0, 3), r"dilated kernel d\(k-1\)\+1=7 is larger than the padded input n\+2p=5"),
    ((5, 3, 1, 0, 0), "dilation d=0 must be at least 1"),
])
def test_bad_values_raise_value_error_naming_the_rule(args, message):
    with pytest.raises(ValueError, match=message):
        conv_output_size(*args)


def test_positions_and_leftover():
    assert kernel_positions(7, 3, 2) == [0, 2, 4]
    assert leftover(7, 3, 2) == 0
    assert leftover(8, 3, 2) == 1
    assert effective_kernel(3, 2) == 5


def test_keras_padding_modes():
    assert keras_output_size(28, 5, 1, "same") == 28
    assert keras_output_size(28, 5, 2, "same") == 14
    assert keras_output_size(32, 5, 1, "valid") == 28
    assert same_padding(28, 5) == (2, 2)
    assert same_padding(6, 2, 2) == (0, 0)
    with pytest.raises(ValueError, match="padding='full' must be 'valid' or 'same'"):
        keras_output_size(28, 5, 1, "full")
    with pytest.raises(TypeError, match="padding must be"):
        keras_output_size(28, 5, 1, None)


configs = st.tuples(st.integers(1, 40), st.integers(1, 7), st.integers(1, 4), st.integers(1, 3))


@settings(max_examples=60, deadline=None)
@given(configs, st.sampled_from(["valid", "same"]))
def test_matches_keras_convolution(config, padding):
    n, k, s, d = config
    if s > 1 and d > 1:
        d = 1  # Keras refuses strides and dilation together
    layer = keras.layers.Conv2D(1, k, strides=s, dilation_rate=d, padding=padding)
    if padding == "valid" and effective_kernel(k, d) > n:
        with pytest.raises(ValueError):
            keras_output_size(n, k, s, padding, d)
        return
    out = layer(np.zeros((1, n, n, 1), dtype="float32"))
    assert out.shape[1] == keras_output_size(n, k, s, padding, d)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 5), st.integers(1, 5), st.sampled_from(["valid", "same"]))
def test_matches_keras_pooling(n, k, s, padding):
    if padding == "valid" and k > n:
        return
    out = keras.layers.AveragePooling2D(k, strides=s, padding=padding)(np.zeros((1, n, n, 1), "float32"))
    assert out.shape[1] == keras_output_size(n, k, s, padding)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6), st.integers(1, 4), st.integers(0, 3))
def test_explicit_padding_matches_keras(n, k, s, p):
    if k > n + 2 * p:
        return
    x = keras.layers.ZeroPadding2D(p)(np.zeros((1, n, n, 1), "float32"))
    out = keras.layers.Conv2D(1, k, strides=s)(x)
    assert out.shape[1] == conv_output_size(n, k, s, p)
