import gzip
import shutil

import numpy as np
import pytest

from lenet5_lesson import MnistDataError, load_mnist, normalize_rows, preprocess
from lenet5_lesson.data import MNIST_FILES


def test_shapes_dtypes_and_counts(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert int(x_train.sum(dtype=np.int64)) == 1_567_298_545
    assert int(x_test.sum(dtype=np.int64)) == 264_923_200


def test_reads_the_environment_variable(mnist_dir, monkeypatch):
    monkeypatch.setenv("LENET5_MNIST_DIR", str(mnist_dir))
    (_, y_train), _ = load_mnist()
    assert len(y_train) == 60000


@pytest.fixture()
def copy_of_mnist(mnist_dir, tmp_path):
    for name in MNIST_FILES:
        shutil.copy(mnist_dir / name, tmp_path / name)
    return tmp_path


def test_missing_folder_is_named(tmp_path):
    folder = tmp_path / "nowhere"
    with pytest.raises(MnistDataError, match=f"MNIST folder {folder} does not exist.*LENET5_MNIST_DIR"):
        load_mnist(folder)


def test_missing_file_is_named(copy_of_mnist):
    (copy_of_mnist / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(MnistDataError, match="t10k-labels-idx1-ubyte.gz is missing.*Download"):
        load_mnist(copy_of_mnist)


def test_truncated_file_is_named(copy_of_mnist):
    path = copy_of_mnist / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100_000])
    with pytest.raises(MnistDataError, match="train-images-idx3-ubyte.gz is truncated or corrupt"):
        load_mnist(copy_of_mnist)


def test_corrupt_file_is_named(copy_of_mnist):
    path = copy_of_mnist / "t10k-images-idx3-ubyte.gz"
    data = bytearray(path.read_bytes())
    data[5000] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(MnistDataError, match="t10k-images-idx3-ubyte.gz is truncated or corrupt.*SHA-256"):
        load_mnist(copy_of_mnist)


def test_a_foreign_gzip_is_refused(copy_of_mnist):
    path = copy_of_mnist / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(b"not mnist"))
    with pytest.raises(MnistDataError, match="t10k-labels-idx1-ubyte.gz"):
        load_mnist(copy_of_mnist)


def test_preprocess_pads_and_scales(mnist):
    (x_train, _), _ = mnist
    out = preprocess(x_train[:3])
    assert out.shape == (3, 32, 32, 1) and out.dtype == np.float32
    assert np.allclose(out[:, :2], -0.1) and np.allclose(out[:, :, -2:], -0.1)
    single = preprocess(np.full((28, 28), 255, np.uint8))
    assert single.shape == (32, 32, 1)
    assert single[2:30, 2:30].min() == pytest.approx(1.175)
    assert preprocess(np.zeros((28, 28), np.uint8)).max() == pytest.approx(-0.1)


@pytest.mark.parametrize(("bad", "error", "message"), [
    ([[0] * 28] * 28, TypeError, "x must be a numpy array"),
    (np.zeros((28, 27), np.uint8), ValueError, r"shape \(28, 28\) or \(N, 28, 28\)"),
    (np.zeros((28, 28), np.float32), ValueError, "uint8"),
])
def test_preprocess_refuses_bad_input(bad, error, message):
    with pytest.raises(error, match=message):
        preprocess(bad)
    with pytest.raises(error, match=message):
        normalize_rows(bad)


def test_normalize_rows_matches_keras(mnist):
    import tensorflow as tf

    (x_train, _), _ = mnist
    ours = normalize_rows(x_train[:50])[..., 0]
    theirs = tf.keras.utils.normalize(x_train[:50], axis=1)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
