"""The paper's second experiment: training images distorted by random planar affine maps.

The paper added 540,000 distorted copies to the 60,000 training images, made by random
combinations of horizontal and vertical translation, scaling, squeezing (one axis compressed
while the other is stretched) and horizontal shearing. Here Keras' own preprocessing layers
draw a fresh distortion of every image in every epoch instead: over 20 epochs a network sees
1.2 million distorted images, and never the same one twice. The layers act only while
training, so the network they wrap predicts on undistorted digits.
"""

from __future__ import annotations

import keras
import numpy as np

from . import checks, paper

#: Largest shift as a fraction of the 32-pixel side, 2 pixels either way.
SHIFT = 2 / 32

#: Largest change of height or of width, each drawn on its own, so that equal draws scale the
#: digit and opposite ones squeeze it.
SCALE = 0.1

#: Largest horizontal shear (the tangent of the slant).
SHEAR = 0.2


def distortion_layers(seed: int | None = None) -> keras.Sequential:
    """The random distortions as one Keras block on 32x32x1 inputs, active only in training.

    Parameters
    ----------
    seed : int or None
        Seed of the random draws; with the same seed the same sequence of distortions.
    """
    if seed is not None:
        seed = checks.integer("seed", seed, 0, 2**31 - 1)
    fill = {"fill_mode": "constant", "fill_value": paper.BACKGROUND}

    def layer_seed(offset):
        return None if seed is None else seed + offset

    return keras.Sequential([
        keras.Input((32, 32, 1)),
        keras.layers.RandomZoom(SCALE, SCALE, seed=layer_seed(1), **fill),
        keras.layers.RandomShear(x_factor=SHEAR, y_factor=0.0, seed=layer_seed(2), **fill),
        keras.layers.RandomTranslation(SHIFT, SHIFT, seed=layer_seed(3), **fill),
    ], name="distortions")


def with_distortions(model: keras.Model, seed: int | None = None) -> keras.Model:
    """``model`` behind :func:`distortion_layers`: trained on distorted images, evaluated on the originals.

    The returned model calls ``model``'s own layers, in order, after the distortions: it shares their
    weights, so training it trains ``model``, and its last layer is ``model``'s (the RBF output
    for LeNet-5, which tells :func:`~lenet5_lesson.models.predict_digits` to pick the smallest
    penalty). It is compiled like ``model`` when ``model`` is compiled.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    x = inputs = keras.Input(model.input_shape[1:])
    x = distortion_layers(seed)(x)
    for layer in model.layers:
        if not isinstance(layer, keras.layers.InputLayer):
            x = layer(x)
    wrapped = keras.Model(inputs, x, name=f"{model.name}_distorted")
    if model.optimizer is not None and getattr(model, "loss", None) is not None:
        wrapped.compile(optimizer=model.optimizer, loss=model.loss)
    return wrapped


def distort(images, seed: int = 0) -> np.ndarray:
    """Random distortions of preprocessed 32x32 images, as the training sees them.

    Parameters
    ----------
    images : array-like
        Preprocessed images, (n, 32, 32) or (n, 32, 32, 1), background -0.1.
    seed : int
        Seed of the draws.

    Returns
    -------
    numpy.ndarray
        The distorted images, in the shape given.
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim not in (3, 4) or images.shape[1:3] != (32, 32):
        raise ValueError(f"images must be preprocessed 32x32 images, (n, 32, 32[, 1]), got shape {images.shape}")
    batch = images if images.ndim == 4 else images[..., None]
    out = np.asarray(distortion_layers(seed)(batch, training=True))
    return out if images.ndim == 4 else out[..., 0]
