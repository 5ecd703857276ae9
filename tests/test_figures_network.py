import keras
import numpy as np
import pytest

from lenet5_lesson import build_lenet5
from lenet5_lesson.figures.network import (INSIDE_LAYERS, feature_maps_figure, inside_figure, kernels_figure,
                                           layer_outputs, layer_table_figure, tile_maps)
from lenet5_lesson.shapes import layer_table


@pytest.fixture(scope="module")
def lenet():
    keras.utils.set_random_seed(3)
    return build_lenet5(compile=False)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-0.1, 1.175, size=(3, 32, 32, 1)).astype("float32")


def test_layer_outputs_shapes(lenet, images):
    out = layer_outputs(lenet, images, ("C1", "C3", "output"))
    assert out["C1"].shape == (3, 28, 28, 6)
    assert out["C3"].shape == (3, 10, 10, 16)
    np.testing.assert_allclose(out["output"], lenet.predict(images, verbose=0), rtol=1e-5)
    assert layer_outputs(lenet, images, ["S4"])["S4"].shape == (3, 5, 5, 16)
    with pytest.raises(ValueError, match="'C7', which is not a layer"):
        layer_outputs(lenet, images, ["C7"])
    with pytest.raises(TypeError, match="names must be a non-empty sequence"):
        layer_outputs(lenet, images, "C1")


def test_tile_maps():
    maps = np.arange(4 * 4 * 5, dtype=float).reshape(4, 4, 5)
    image = tile_maps(maps, 3)
    assert image.shape == (2 * 5 - 1, 3 * 5 - 1)
    np.testing.assert_array_equal(image[5:9, 0:4], maps[:, :, 3])
    assert np.isnan(image[5:, 10:]).all()  # the sixth cell is empty
    with pytest.raises(ValueError, match="columns=0 must be at least 1"):
        tile_maps(maps, 0)
    with pytest.raises(TypeError, match="columns must be an integer"):
        tile_maps(maps, 2.0)


def test_feature_maps_figure(lenet, images):
    maps = layer_outputs(lenet, images, ["C3"])["C3"]
    fig = feature_maps_figure(images, maps, [1, 2, 3], "C3")
    assert len(fig.data) == 3 * 17
    assert fig.layout.title.text == "What the 16 C3 maps respond to, for 3 test digits"
    assert fig.layout.meta["alt"]
    assert feature_maps_figure(images, maps[..., :2], [1, 2, 3], "C3", title="two").layout.title.text == "two"
    with pytest.raises(ValueError, match="same number of digits"):
        feature_maps_figure(images, maps, [1, 2], "C3")


def test_inside_figure_slider_restyles_every_panel(lenet, images):
    fig = inside_figure(lenet, images, [4, 5, 6])
    assert len(fig.data) == 8
    assert [type(t).__name__ for t in fig.data] == ["Heatmap"] * 7 + ["Bar"]
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == ["4", "5", "6"]
    restyle, relayout = steps[2].args
    assert np.asarray(restyle["z"][0]).shape == (32, 32)
    assert np.asarray(restyle["z"][6]).shape == (12, 7)
    assert np.asarray(restyle["y"][7]).shape == (10,)
    assert relayout["title.text"].startswith("Inside LeNet-5: a test 6")
    assert fig.layout.meta["alt"]
    assert INSIDE_LAYERS[-1] == "output"
    with pytest.raises(ValueError, match="images must have shape"):
        inside_figure(lenet, images[..., 0], [4, 5, 6])
    with pytest.raises(ValueError, match="labels has 2 entries for 3 images"):
        inside_figure(lenet, images, [4, 5])


def test_kernels_figure(lenet):
    fig = kernels_figure(lenet.get_layer("C1").kernel.numpy())
    assert len(fig.data) == 6
    assert np.asarray(fig.data[0].z).shape == (5, 5)
    assert fig.layout.title.text == "The 6 C1 kernels (5x5)"
    with pytest.raises(ValueError, match="kernel must have shape"):
        kernels_figure(np.zeros((5, 5, 6)))


def test_layer_table_figure(lenet):
    fig = layer_table_figure(layer_table(lenet))
    assert list(fig.data[0].cells.values[0]) == ["C1", "S2", "C3", "S4", "C5", "F6", "output"]
    assert "60,000 trainable parameters, 340,908 connections" in fig.layout.title.text
    with pytest.raises(ValueError, match="rows must hold at least one"):
        layer_table_figure([])
    with pytest.raises(TypeError, match="LayerRow"):
        layer_table_figure([1])
