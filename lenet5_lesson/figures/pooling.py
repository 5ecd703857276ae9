"""Trainable subsampling (S2, S4) next to average and max pooling."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import plotly.graph_objects as go

from ..layers import Subsampling, squash
from .digits import heatmap_panels
from .style import ACTIVATION_LIMIT

#: Value of an "active" and an "inactive" input: f(1) and f(-1) of the squashing function.
ACTIVE, INACTIVE = 1.0, -1.0


def _check_map(feature_map) -> np.ndarray:
    values = np.asarray(feature_map, dtype="float32")
    if values.ndim != 2 or min(values.shape) < 2:
        raise ValueError(f"feature_map must be a 2-D array of at least 2x2, got shape {values.shape}")
    return values


def subsample(feature_map: np.ndarray, coefficient: float, bias: float) -> np.ndarray:
    """One map through the package's :class:`~lenet5_lesson.layers.Subsampling` (2x2, stride 2) with given weights."""
    values = _check_map(feature_map)
    layer = Subsampling(2)
    layer.build((None, *values.shape, 1))
    layer.set_weights([np.array([coefficient], "float32"), np.array([bias], "float32")])
    return keras.ops.convert_to_numpy(layer(values[None, ..., None]))[0, ..., 0]


def pool_outputs(feature_map: np.ndarray, coefficient: float, bias: float) -> dict[str, np.ndarray]:
    """The same map through trainable subsampling, 2x2 average pooling and 2x2 max pooling."""
    values = _check_map(feature_map)
    batch = values[None, ..., None]
    return {
        f"S2: c={coefficient:.2f}, b={bias:.2f}": subsample(values, coefficient, bias),
        "average pooling": keras.ops.convert_to_numpy(keras.layers.AveragePooling2D(2)(batch))[0, ..., 0],
        "max pooling": keras.ops.convert_to_numpy(keras.layers.MaxPooling2D(2)(batch))[0, ..., 0],
    }


def pooling_comparison(feature_map: np.ndarray, coefficient: float, bias: float) -> go.Figure:
    """A feature map and its three 2x2 reductions side by side."""
    values = _check_map(feature_map)
    panels = {f"input {values.shape[0]}x{values.shape[1]}": values, **pool_outputs(values, coefficient, bias)}
    return heatmap_panels(panels, "One C1 map, three ways to halve it", signed=True, shared_range=True,
                          limit=ACTIVATION_LIMIT, scale_title="output",
                          alt="A feature map and, beside it, its trainable subsampling, average pooling "
                              "and max pooling, each half its size, on one colour scale.")


def window_response(settings: Sequence[tuple[float, float]]) -> go.Figure:
    """Output of one subsampling unit against how many of its 4 inputs are active.

    An active input is +1 and an inactive one -1 (f(1) and f(-1)), so with m active
    inputs the window sums to 2m - 4 and the unit outputs f(c (2m - 4) + b).

    Parameters
    ----------
    settings : sequence of (coefficient, bias)
        One line per pair.
    """
    if isinstance(settings, (str, bytes)) or not isinstance(settings, Sequence) or not settings:
        raise ValueError("settings must be a non-empty sequence of (coefficient, bias) pairs")
    active = np.arange(5)
    sums = active * ACTIVE + (4 - active) * INACTIVE
    fig = go.Figure()
    for pair in settings:
        if len(pair) != 2:
            raise ValueError(f"each setting must be a (coefficient, bias) pair, got {pair!r}")
        c, b = (float(v) for v in pair)
        out = keras.ops.convert_to_numpy(squash(keras.ops.convert_to_tensor(c * sums + b)))
        fig.add_trace(go.Scatter(x=active, y=out, mode="lines+markers", name=f"c = {c:g}, b = {b:g}"))
    fig.update_layout(
        title={"text": "A subsampling unit's output against the number of active inputs in its 2x2 window"},
        xaxis={"title": "active inputs (of 4)", "dtick": 1}, yaxis={"title": "unit output", "range": [-1.9, 1.9]},
        height=420, legend={"orientation": "h", "y": -0.2}, margin={"t": 70},
        meta={"alt": "Lines of a subsampling unit's output for 0 to 4 active inputs: a small coefficient gives "
                     "a nearly flat line, a large one with a bias gives a step after one input (OR) or only "
                     "at four (AND)."},
    )
    return fig
