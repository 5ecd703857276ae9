"""The paper's distortions: random, repeatable, affine, active only in training."""

import keras
import numpy as np
import pytest

from lenet5_lesson import build_lenet5, paper, predict_digits, preprocess
from lenet5_lesson.distortions import distort, distortion_layers, with_distortions


@pytest.fixture(scope="module")
def images(mnist):
    (x_train, _), _ = mnist
    return preprocess(x_train[:16])


def test_distortions_are_repeatable_and_change_every_image(images):
    first, again, other = distort(images, seed=0), distort(images, seed=0), distort(images, seed=1)
    assert first.shape == images.shape
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)
    changed = np.abs(first - images).reshape(len(images), -1).max(axis=1)
    assert np.all(changed > 0.1)


def test_distorted_digits_keep_the_papers_levels_and_stay_in_the_field(images):
    distorted = distort(images[..., 0], seed=3)
    assert distorted.shape == images.shape[:3]
    # Interpolation mixes the two levels; filling uses the background, so nothing leaves [-0.1, 1.175].
    assert distorted.min() >= paper.BACKGROUND - 1e-5 and distorted.max() <= paper.INK + 1e-5
    # Shifts of at most 2 pixels, scalings of at most 10 % and a slant keep the digit (nearly) inside
    # 32x32: a stroke may touch the edge now and then, no more.
    border = np.concatenate([distorted[:, 0], distorted[:, -1], distorted[:, :, 0], distorted[:, :, -1]], axis=1)
    assert np.mean(np.abs(border - paper.BACKGROUND) > 0.01) < 0.02
    ink = (distorted > 0.5).sum(axis=(1, 2)) / (images[..., 0] > 0.5).sum(axis=(1, 2))
    assert np.all((ink > 0.6) & (ink < 1.5))


def test_the_distorted_model_trains_the_model_and_predicts_undistorted(images):
    keras.utils.set_random_seed(0)
    model = build_lenet5()
    wrapped = with_distortions(model, seed=0)
    # Evaluation sees the digits as they are: the wrapper agrees with the model exactly.
    np.testing.assert_array_equal(wrapped.predict(images, verbose=0), model.predict(images, verbose=0))
    np.testing.assert_array_equal(predict_digits(wrapped, images), predict_digits(model, images))
    # Training the wrapper moves the model's own weights.
    before = model.get_layer("C1").kernel.numpy().copy()
    wrapped.fit(images, np.arange(16) % 10, epochs=1, verbose=0)
    assert not np.allclose(model.get_layer("C1").kernel.numpy(), before)


def test_bad_arguments_name_the_rule(images):
    with pytest.raises(ValueError, match="images must be preprocessed 32x32 images"):
        distort(np.zeros((2, 28, 28)))
    with pytest.raises(TypeError, match="seed must be an integer"):
        distortion_layers(seed=1.5)
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        with_distortions("faithful")
    assert len(distortion_layers().layers) == 3
