import keras
import numpy as np
import pytest

from lenet5_lesson import build_lenet5, paper
from lenet5_lesson.figures.c3_table import c3_table_figure, connection_matrix, dense_kernel_figure, kernel_mosaic
from lenet5_lesson.layers import SparseConv2D


def test_connection_matrix_is_table_one():
    matrix = connection_matrix()
    assert matrix.shape == (6, 16)
    assert matrix.sum() == 60
    assert matrix[:, 15].tolist() == [1] * 6
    assert matrix[:, 0].tolist() == [1, 1, 1, 0, 0, 0]
    assert connection_matrix(((0,), (2,)), inputs=4).shape == (4, 2)


def test_connection_matrix_refuses_bad_arguments():
    with pytest.raises(ValueError, match="inputs=2 must be at least 6"):
        connection_matrix(paper.C3_TABLE, inputs=2)
    with pytest.raises(TypeError, match="inputs must be an integer"):
        connection_matrix(paper.C3_TABLE, inputs=6.0)
    with pytest.raises(TypeError, match="table must be a sequence"):
        connection_matrix("012")


def test_table_figure():
    fig = c3_table_figure()
    assert len(fig.data) == 1
    assert np.asarray(fig.data[0].z).shape == (6, 16)
    assert "60 connections" in fig.layout.title.text
    assert fig.layout.meta["alt"]
    assert fig.layout.height == 380


def test_kernel_mosaic_places_blocks_with_gaps():
    kernel = np.arange(3 * 3 * 2 * 4, dtype=float).reshape(3, 3, 2, 4)
    image = kernel_mosaic(kernel)
    assert image.shape == (2 * 4 - 1, 4 * 4 - 1)
    np.testing.assert_array_equal(image[4:7, 8:11], kernel[:, :, 1, 2])
    assert np.isnan(image[3]).all()
    with pytest.raises(ValueError, match="kernel must have shape"):
        kernel_mosaic(np.zeros((3, 3, 2)))


def test_dense_kernel_figure_shows_36_zero_blocks():
    keras.utils.set_random_seed(0)
    layer = build_lenet5(compile=False).get_layer("C3")
    fig = dense_kernel_figure(layer)
    image = np.asarray(fig.data[0].z, dtype=float)
    assert image.shape == (6 * 6 - 1, 16 * 6 - 1)
    assert "36 of 96 blocks are zero" in fig.layout.title.text
    assert fig.layout.meta["alt"]
    with pytest.raises(TypeError, match="layer must be a SparseConv2D"):
        dense_kernel_figure(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="layer must be built"):
        dense_kernel_figure(SparseConv2D())
