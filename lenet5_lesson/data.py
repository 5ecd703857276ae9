"""MNIST: reading the original files, and the two input scalings the book compares."""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import zlib
from pathlib import Path

import numpy as np

from . import paper

#: Environment variable naming a folder with the four original MNIST ``.gz`` files.
MNIST_DIR_VARIABLE = "LENET5_MNIST_DIR"

#: The four original files and their published SHA-256 checksums.
MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

_HOW_TO_FIX = (
    "Download the four original MNIST files again (train-images-idx3-ubyte.gz, "
    "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into that folder, "
    f"or unset {MNIST_DIR_VARIABLE} to let Keras download MNIST."
)


class MnistDataError(OSError):
    """A MNIST file is missing, truncated or not the original one."""


MnistArrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def load_mnist(directory: str | os.PathLike | None = None) -> MnistArrays:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``, uint8, as Keras does.

    Parameters
    ----------
    directory : path or None
        Folder holding the four original ``.gz`` files. When None, the environment
        variable ``LENET5_MNIST_DIR`` names it; when that is unset too, Keras'
        own downloader fetches MNIST (this needs the internet once).

    Raises
    ------
    MnistDataError
        When the folder or a file is missing, or a file's SHA-256 is not the published one.
    """
    if directory is None:
        directory = os.environ.get(MNIST_DIR_VARIABLE) or None
    if directory is None:
        import keras  # noqa: PLC0415 - only readers without local files need it

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        return (x_train, y_train), (x_test, y_test)
    return _read_folder(str(Path(directory).resolve()))


@functools.lru_cache(maxsize=2)
def _read_folder(directory: str) -> MnistArrays:
    folder = Path(directory)
    if not folder.is_dir():
        raise MnistDataError(f"MNIST folder {folder} does not exist. {_HOW_TO_FIX}")
    arrays = {name: _read_idx(folder / name) for name in MNIST_FILES}
    for array in arrays.values():
        array.setflags(write=False)
    return ((arrays["train-images-idx3-ubyte.gz"], arrays["train-labels-idx1-ubyte.gz"]),
            (arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]))


def file_checksum(path: str | os.PathLike) -> str:
    """SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_idx(path: Path) -> np.ndarray:
    if not path.is_file():
        raise MnistDataError(f"MNIST file {path} is missing. {_HOW_TO_FIX}")
    expected = MNIST_FILES[path.name]
    actual = file_checksum(path)
    if actual != expected:
        raise MnistDataError(
            f"MNIST file {path} is truncated or corrupt: its SHA-256 is {actual}, "
            f"the original's is {expected}. {_HOW_TO_FIX}")
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as err:
        raise MnistDataError(f"MNIST file {path} cannot be decompressed ({err}). {_HOW_TO_FIX}") from err
    # IDX header: two zero bytes, a type code (8 = uint8), the number of dimensions, then the sizes.
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims)
    return data.reshape(shape)


def preprocess(x: np.ndarray) -> np.ndarray:
    """Pad 28x28 digits to 32x32 and scale them as the paper does.

    Background (0) becomes -0.1 and full ink (255) becomes 1.175, linearly in between,
    so that pixel values have a mean near 0 and a variance near 1.

    Parameters
    ----------
    x : numpy.ndarray
        uint8 images, shape (28, 28) or (N, 28, 28).

    Returns
    -------
    numpy.ndarray
        float32, shape (32, 32, 1) or (N, 32, 32, 1).
    """
    x = _check_images(x)
    single = x.ndim == 2
    batch = x[None] if single else x
    scaled = paper.BACKGROUND + batch.astype(np.float32) * np.float32((paper.INK - paper.BACKGROUND) / 255.0)
    out = np.pad(scaled, ((0, 0), (2, 2), (2, 2)), constant_values=np.float32(paper.BACKGROUND))[..., None]
    return out[0] if single else out


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """The seed tutorial's scaling, ``tf.keras.utils.normalize(x, axis=1)``.

    Each pixel is divided by the L2 norm of its column of pixels (axis 1 of an
    (N, 28, 28) batch runs down the rows), so a stroke's brightness depends on how
    much ink shares its column. Returns float32 of shape (N, 28, 28, 1).
    """
    x = _check_images(x)
    if x.ndim == 2:
        x = x[None]
    xf = x.astype(np.float32)
    norm = np.sqrt((xf**2).sum(axis=1, keepdims=True))
    norm[norm == 0] = 1.0
    return (xf / norm)[..., None]


def _check_images(x) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy array of images, got {type(x).__name__}")
    if x.ndim not in (2, 3) or x.shape[-2:] != (28, 28):
        raise ValueError(f"x must have shape (28, 28) or (N, 28, 28), got {x.shape}")
    if x.dtype != np.uint8:
        raise ValueError(f"x must hold uint8 pixels 0..255 as MNIST does, got dtype {x.dtype}")
    return x
