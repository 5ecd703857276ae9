"""Shared fixtures: the real MNIST files (from LENET5_MNIST_DIR) and Keras quietened."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    folder = os.environ.get("LENET5_MNIST_DIR")
    if not folder:
        pytest.fail("LENET5_MNIST_DIR is not set: the tests read the original MNIST files from it "
                    "(make test sets it to ../shared/data/mnist)")
    return Path(folder)


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    from lenet5_lesson import load_mnist

    return load_mnist(mnist_dir)
