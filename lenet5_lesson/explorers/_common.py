"""What every explorer shares: the widget wrapper, inline images, and the cached pretrained model."""

from __future__ import annotations

import base64
import functools
import struct
import zlib

import numpy as np

from .. import paper
from ..figures.network import INSIDE_LAYERS

#: Diverging colours of activations (negative, zero, positive), as the book's plotly figures use.
_DIVERGING = np.array([[33, 102, 172], [247, 247, 247], [178, 24, 43]], dtype=float)
#: Squashed activations live in (-A, A); maps are coloured on that fixed range so layers compare.
ACTIVATION_RANGE = paper.SQUASH_A


class Explorer:
    """An interactive explorer: ``.widget`` is what a live kernel shows; controls are attributes.

    Its callbacks are ordinary methods, so tests and benchmarks drive it by setting a
    control's ``value`` and reading the updated outputs, no browser needed.
    """

    widget = None

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def colourize(values: np.ndarray, vmin: float, vmax: float, diverging: bool = True) -> np.ndarray:
    """RGB uint8 of a 2-D array: blue-white-red (diverging) or white-black; NaN becomes white."""
    values = np.asarray(values, dtype=float)
    t = np.clip((values - vmin) / max(vmax - vmin, 1e-12), 0.0, 1.0)
    if diverging:
        rgb = np.stack([np.interp(t, [0, 0.5, 1], _DIVERGING[:, c]) for c in range(3)], axis=-1)
    else:
        rgb = np.repeat((255.0 * (1.0 - t))[..., None], 3, axis=-1)
    rgb[np.isnan(values)] = 255.0
    return rgb.astype(np.uint8)


def png_bytes(rgb: np.ndarray) -> bytes:
    """A PNG file of an (h, w, 3) uint8 image, written with zlib alone (no imaging library needed)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + row.tobytes() for row in np.ascontiguousarray(rgb, dtype=np.uint8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1))
            + chunk(b"IEND", b""))


def image_html(values: np.ndarray, vmin: float, vmax: float, width: int, caption: str = "",
               diverging: bool = True, alt: str = "") -> str:
    """An ``<figure>`` with the array as a crisp, upscaled inline PNG and a caption."""
    data = base64.b64encode(png_bytes(colourize(values, vmin, vmax, diverging))).decode("ascii")
    img = (f'<img src="data:image/png;base64,{data}" width="{width}" alt="{alt or caption}" '
           f'style="image-rendering:pixelated;border:1px solid #ccc">')
    return (f'<figure style="display:inline-block;margin:4px;text-align:center">{img}'
            f'<figcaption style="font-size:12px">{caption}</figcaption></figure>')


@functools.lru_cache(maxsize=1)
def test_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 10,000 MNIST test images (uint8) and labels."""
    from ..data import load_mnist  # noqa: PLC0415 - keeps the module importable without the data

    _, (x_test, y_test) = load_mnist()
    return x_test, y_test


@functools.lru_cache(maxsize=1)
def trained_model():
    """The shipped faithful LeNet-5, loaded once per kernel."""
    from ..pretrained import pretrained  # noqa: PLC0415

    return pretrained()


@functools.lru_cache(maxsize=1)
def _probe():
    import keras  # noqa: PLC0415

    model = trained_model()
    return keras.Model(model.inputs, [model.get_layer(name).output for name in INSIDE_LAYERS])


def all_layer_outputs(x32: np.ndarray) -> dict[str, np.ndarray]:
    """Outputs of every layer in :data:`INSIDE_LAYERS` for one preprocessed 32x32x1 image, in one model call.

    Returns
    -------
    dict
        Layer name to its output without the batch axis; ``"output"`` holds the ten penalties.
    """
    x32 = np.asarray(x32, dtype=np.float32)
    if x32.shape != (32, 32, 1):
        raise ValueError(f"x32 must be one preprocessed image of shape (32, 32, 1), got {x32.shape}")
    outputs = _probe().predict_on_batch(x32[None])
    return {name: np.asarray(out)[0] for name, out in zip(INSIDE_LAYERS, outputs)}


def layer_picture(name: str, output: np.ndarray) -> np.ndarray:
    """One 2-D array showing all of a layer's output: maps tiled, C5 as 10x12, F6 as its 12x7 bitmap."""
    from ..figures.network import tile_maps  # noqa: PLC0415

    if name == "C5":
        return output.reshape(10, 12)
    if name == "F6":
        return output.reshape(12, 7)
    if name == "output":
        return output.reshape(1, 10)
    return tile_maps(output, 8 if output.shape[-1] > 6 else 6)
