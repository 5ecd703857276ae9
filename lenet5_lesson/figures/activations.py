"""The paper's squashing function f(a) = A tanh(S a) and its first two derivatives."""

from __future__ import annotations

import keras
import numpy as np
import plotly.graph_objects as go

from .. import checks, paper
from ..layers import squash


def squash_profile(a: np.ndarray) -> dict[str, np.ndarray]:
    """f, f' and f'' of the package's :func:`~lenet5_lesson.layers.squash` on an even grid.

    The derivatives are finite differences of the layer's own function, so they check
    the code rather than restate the formula.

    Parameters
    ----------
    a : numpy.ndarray
        1-D, evenly spaced, increasing, at least 3 points.

    Returns
    -------
    dict
        ``{"a": a, "f": f(a), "f1": f'(a), "f2": f''(a)}`` as float64 arrays.
    """
    a = np.asarray(a, dtype=float)
    if a.ndim != 1 or len(a) < 3:
        raise ValueError(f"a must be a 1-D grid of at least 3 points, got shape {a.shape}")
    steps = np.diff(a)
    if steps.min() <= 0 or not np.allclose(steps, steps[0]):
        raise ValueError("a must be evenly spaced and increasing")
    f = keras.ops.convert_to_numpy(squash(keras.ops.convert_to_tensor(a, dtype="float64"))).astype(float)
    f1 = np.gradient(f, a)
    f2 = np.gradient(f1, a)
    return {"a": a, "f": f, "f1": f1, "f2": f2}


def squash_figure(limit: float = 4.0) -> go.Figure:
    """f, f', f'' and plain tanh on [-limit, limit], with the points a = -1 and a = +1 marked.

    Parameters
    ----------
    limit : float
        Half-width of the plotted range, greater than 1 so that a = +-1 is visible.
    """
    limit = checks.number("limit", limit, above=1)
    profile = squash_profile(np.linspace(-limit, limit, 801))
    a = profile["a"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=a, y=np.tanh(a), name="tanh(a)", line={"color": "#bbbbbb", "dash": "dot"}))
    fig.add_trace(go.Scatter(x=a, y=profile["f"], name=f"f(a) = {paper.SQUASH_A} tanh(2a/3)",
                             line={"color": "#08519c", "width": 3}))
    fig.add_trace(go.Scatter(x=a, y=profile["f1"], name="f'(a)", line={"color": "#31a354"}))
    fig.add_trace(go.Scatter(x=a, y=profile["f2"], name="f''(a)", line={"color": "#e6550d"}))
    fig.add_trace(go.Scatter(x=[-1, 1], y=[-1, 1], mode="markers", name="f(-1) = -1, f(1) = 1",
                             marker={"size": 10, "color": "black"}))
    for x in (-1, 1):
        fig.add_vline(x=x, line={"color": "black", "width": 1, "dash": "dash"})
    fig.update_layout(
        title={"text": "The squashing function: f(+-1) = +-1, close to where f'' is largest in size"},
        xaxis_title="weighted sum a", yaxis_title="value", height=440,
        legend={"orientation": "h", "y": -0.2}, margin={"t": 70},
        meta={"alt": "Curves of the squashing function, its slope and its curvature from a = -4 to 4; "
                     "the function passes through (-1, -1) and (1, 1), near where its curvature peaks."},
    )
    return fig
