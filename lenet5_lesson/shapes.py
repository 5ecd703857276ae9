"""Shape arithmetic of convolution and pooling, and the per-layer table of a model."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import checks


def effective_kernel(k: int, d: int = 1) -> int:
    """Span of a kernel of size ``k`` with dilation ``d``: d(k - 1) + 1 pixels."""
    k = checks.integer("kernel k", k, low=1)
    d = checks.integer("dilation d", d, low=1)
    return d * (k - 1) + 1


def conv_output_size(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Output size of a convolution or pooling along one axis.

    floor((n + 2p - d(k - 1) - 1) / s) + 1, which is floor((n + 2p - k) / s) + 1 when d = 1.

    Parameters
    ----------
    n : int
        Input size (pixels), at least 1.
    k : int
        Kernel (or pooling window) size, at least 1.
    s : int
        Stride, at least 1.
    p : int
        Zero padding added on each side, at least 0.
    d : int
        Dilation, at least 1.

    Returns
    -------
    int
        Number of kernel positions along the axis.

    Raises
    ------
    TypeError
        If an argument is not an integer (bools, floats and None are refused).
    ValueError
        If a size is out of range or the kernel does not fit in the padded input.
    """
    n = checks.integer("input size n", n, low=1)
    k = checks.integer("kernel k", k, low=1)
    s = checks.integer("stride s", s, low=1)
    p = checks.integer("padding p", p, low=0)
    span = effective_kernel(k, d)
    if span > n + 2 * p:
        what = f"kernel k={k}" if span == k else f"dilated kernel d(k-1)+1={span}"
        raise ValueError(f"{what} is larger than the padded input n+2p={n + 2 * p}")
    return (n + 2 * p - span) // s + 1


def kernel_positions(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> list[int]:
    """Index of the first pixel under the kernel at each position, on the padded axis."""
    count = conv_output_size(n, k, s, p, d)
    return [i * s for i in range(count)]


def leftover(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Pixels at the end of the padded axis that no kernel position reaches."""
    last = kernel_positions(n, k, s, p, d)[-1] + effective_kernel(k, d)
    return n + 2 * p - last


def same_padding(n: int, k: int, s: int = 1, d: int = 1) -> tuple[int, int]:
    """Zero pixels Keras adds (before, after) for ``padding="same"``; after gets the odd one."""
    n = checks.integer("input size n", n, low=1)
    s = checks.integer("stride s", s, low=1)
    span = effective_kernel(k, d)
    total = max((math.ceil(n / s) - 1) * s + span - n, 0)
    return total // 2, total - total // 2


def keras_output_size(n: int, k: int, s: int = 1, padding: str = "valid", d: int = 1) -> int:
    """Output size of a Keras layer with ``padding="valid"`` or ``"same"``.

    "valid" adds no padding; "same" pads so that the output has ceil(n / s) pixels.
    """
    if not isinstance(padding, str):
        raise TypeError(f"padding must be 'valid' or 'same', got {type(padding).__name__}")
    if padding == "valid":
        return conv_output_size(n, k, s, 0, d)
    if padding == "same":
        before, after = same_padding(n, k, s, d)
        span = effective_kernel(k, d)
        return (n + before + after - span) // s + 1
    raise ValueError(f"padding={padding!r} must be 'valid' or 'same'")


@dataclass(frozen=True)
class LayerRow:
    """One line of a model's shape table."""

    name: str
    kind: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    parameters: int
    connections: int


def layer_table(model) -> list[LayerRow]:
    """Shapes, trainable parameters and connections of each layer of a Keras model.

    Connections count every multiply-add the paper counts: one per weight use plus one
    per bias, summed over all output units (shared weights counted at every use).
    Layers without weights and without a window (Input, Flatten, Reshape) are left out.
    """
    rows = []
    for layer in model.layers:
        connections = _connections(layer)
        if connections is None:
            continue
        inp = tuple(layer.input.shape[1:])
        out = tuple(layer.output.shape[1:])
        params = int(sum(np.prod(w.shape) for w in layer.trainable_weights))
        rows.append(LayerRow(layer.name, type(layer).__name__, inp, out, params, connections))
    return rows


def _connections(layer) -> int | None:
    from . import layers as L  # noqa: PLC0415 - keeps shapes importable without Keras layers

    name = type(layer).__name__
    out = tuple(layer.output.shape[1:])
    if isinstance(layer, L.SparseConv2D):
        k = layer.kernel_size
        per_position = sum(len(t) * k * k + 1 for t in layer.table)
        return out[0] * out[1] * per_position
    if isinstance(layer, L.Subsampling):
        return int(np.prod(out)) * (layer.pool_size**2 + 1)
    if isinstance(layer, L.EuclideanRBF):
        return int(np.prod(layer.centres.shape))
    if isinstance(layer, L.keras.layers.Conv2D):
        kh, kw = layer.kernel_size
        inputs = layer.input.shape[-1]
        return int(np.prod(out)) * (kh * kw * inputs + int(layer.use_bias))
    if name == "Dense":
        return out[-1] * (layer.input.shape[-1] + int(layer.use_bias))
    if name in ("AveragePooling2D", "MaxPooling2D"):
        ph, pw = layer.pool_size
        return int(np.prod(out)) * ph * pw
    return None
