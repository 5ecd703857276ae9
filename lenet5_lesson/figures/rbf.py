"""The RBF output layer: the ten 7x12 bitmaps, penalties as distances, and the MAP loss of eq. (9)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import checks, paper
from ..bitmaps import HEIGHT, WIDTH, digit_bitmaps
from ..losses import MAPLoss

_BITMAP_SCALE = [[0, "#f4f4f4"], [1, "#1f2a44"]]


def bitmaps_figure() -> go.Figure:
    """The ten fixed 7x12 bitmaps that centre the output units, ink dark."""
    maps = digit_bitmaps()
    fig = make_subplots(rows=2, cols=5, subplot_titles=[f"digit {d}" for d in range(10)],
                        horizontal_spacing=0.03, vertical_spacing=0.08)
    for d in range(10):
        fig.add_trace(go.Heatmap(z=maps[d], colorscale=_BITMAP_SCALE, zmin=-1, zmax=1, showscale=False, xgap=1,
                                 ygap=1, hovertemplate=f"centre of unit {d}: %{{z:+.0f}}<extra></extra>"),
                      row=d // 5 + 1, col=d % 5 + 1)
        fig.update_yaxes(scaleanchor=f"x{'' if d == 0 else d + 1}", row=d // 5 + 1, col=d % 5 + 1)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    fig.update_layout(
        title=dict(text=f"The ten output centres: {WIDTH}x{HEIGHT} bitmaps of -1 and +1"), height=520,
        margin=dict(l=20, r=20, t=80, b=20), plot_bgcolor="white",
        meta={"alt": "Ten small black-and-white pixel drawings of the digits 0 to 9, each 7 pixels wide and 12 high."})
    return fig


def penalties_figure(f6: np.ndarray, penalties: np.ndarray, label: int) -> go.Figure:
    """One digit's F6 output as a 7x12 image, the ten penalties, and the bitmaps they measure against.

    Parameters
    ----------
    f6 : numpy.ndarray
        The 84 F6 outputs of one digit.
    penalties : numpy.ndarray
        Its 10 output penalties.
    label : int
        The digit's true label.
    """
    f6 = np.asarray(f6, dtype=float).reshape(-1)
    penalties = np.asarray(penalties, dtype=float).reshape(-1)
    if f6.size != HEIGHT * WIDTH:
        raise ValueError(f"f6 must hold {HEIGHT * WIDTH} values (7x12), got {f6.size}")
    if penalties.size != 10:
        raise ValueError(f"penalties must hold 10 values, got {penalties.size}")
    label = checks.integer("label", label, 0, 9)
    winner = int(penalties.argmin())
    specs = [[{"colspan": 3}, None, None, {"colspan": 7}, None, None, None, None, None, None],
             [{} for _ in range(10)]]
    titles = [f"F6 output of a {label}, as 12x7", "penalty y_i = squared distance to bitmap i"] + \
        [f"{d}: {penalties[d]:.0f}" for d in range(10)]
    fig = make_subplots(rows=2, cols=10, specs=specs, subplot_titles=titles, row_heights=[0.62, 0.38],
                        horizontal_spacing=0.015, vertical_spacing=0.12)
    fig.add_trace(go.Heatmap(z=f6.reshape(HEIGHT, WIDTH), colorscale="RdBu_r", zmin=-paper.SQUASH_A,
                             zmax=paper.SQUASH_A, colorbar=dict(title=dict(text="F6"), len=0.55, y=0.72),
                             hovertemplate="F6 unit: %{z:.2f}<extra></extra>"), row=1, col=1)
    colours = ["#c0392b" if d == winner else "#1f4e79" for d in range(10)]
    fig.add_trace(go.Bar(x=list(range(10)), y=penalties, marker_color=colours,
                         hovertemplate="digit %{x}: penalty %{y:.1f}<extra></extra>"), row=1, col=4)
    maps = digit_bitmaps()
    for d in range(10):
        fig.add_trace(go.Heatmap(z=maps[d], colorscale=_BITMAP_SCALE, zmin=-1, zmax=1, showscale=False,
                                 hovertemplate=f"bitmap {d}: %{{z:+.0f}}<extra></extra>"), row=2, col=d + 1)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    for axis in [1] + list(range(3, 13)):
        fig.layout[f"yaxis{'' if axis == 1 else axis}"].update(autorange="reversed",
                                                               scaleanchor=f"x{'' if axis == 1 else axis}")
    fig.update_xaxes(showticklabels=True, tickmode="linear", dtick=1, row=1, col=4)
    fig.update_yaxes(showticklabels=True, showgrid=True, row=1, col=4)
    fig.update_annotations(font_size=11)
    fig.update_layout(
        title=dict(text=f"A test {label} at the output: the smallest penalty is digit {winner}'s"),
        height=520, showlegend=False, plot_bgcolor="white", margin=dict(l=20, r=20, t=80, b=20),
        meta={"alt": (f"The 84 F6 outputs of a test {label} drawn as a 12 by 7 image, a bar chart of the ten "
                      f"penalties with the smallest, digit {winner}, in red, and the ten bitmaps below.")})
    return fig


def map_loss(penalties: np.ndarray, label: int, j: float) -> float:
    """Eq. (9) for one sample, computed by :class:`lenet5_lesson.losses.MAPLoss`."""
    y = np.asarray(penalties, dtype="float32").reshape(1, -1)
    return float(MAPLoss(j=j)(np.array([label]), y))


def loss_versus_wrong_penalty_figure(penalties: Sequence[float], label: int, wrong: int,
                                     js: Sequence[float] = (0.5, 2.0, 8.0), top: float = 12.0) -> go.Figure:
    """How the loss changes as one wrong class's penalty moves, for maximum likelihood and eq. (9).

    Parameters
    ----------
    penalties : sequence of float
        Ten penalties; the one of class ``wrong`` is swept from 0 to ``top``.
    label : int
        The correct class.
    wrong : int
        The wrong class whose penalty is swept; must differ from ``label``.
    js : sequence of float
        Values of the constant j of eq. (9), one curve each.
    top : float
        Largest penalty of the sweep.
    """
    y = np.asarray(penalties, dtype="float32").reshape(-1)
    if y.size != 10:
        raise ValueError(f"penalties must hold 10 values, got {y.size}")
    label, wrong = checks.integer("label", label, 0, 9), checks.integer("wrong", wrong, 0, 9)
    if wrong == label:
        raise ValueError(f"wrong={wrong} must differ from label={label}: it is the penalty of a wrong class")
    top = checks.number("top", top, above=0)
    if not js:
        raise ValueError("js must hold at least one value of j")
    sweep = np.linspace(0.0, top, 121, dtype="float32")
    batch = np.repeat(y[None], sweep.size, axis=0)
    batch[:, wrong] = sweep
    labels = np.full(sweep.size, label)
    fig = go.Figure(go.Scatter(x=sweep, y=batch[:, label], name="maximum likelihood: y_correct",
                               line=dict(dash="dash", color="grey")))
    for j in js:
        per_sample = keras.ops.convert_to_numpy(MAPLoss(j=j, reduction=None)(labels, batch))
        fig.add_trace(go.Scatter(x=sweep, y=per_sample, name=f"MAP, eq. (9), j = {j:g}"))
    fig.add_vline(x=float(y[label]), line=dict(color="#c0392b", dash="dot"),
                  annotation_text=f"correct penalty y_{label}", annotation_position="top")
    fig.update_layout(
        title=dict(text=f"Loss of a {label} as the penalty of wrong class {wrong} grows"),
        xaxis=dict(title=dict(text=f"penalty y_{wrong} of the wrong class")),
        yaxis=dict(title=dict(text="loss of this sample")), height=420,
        legend=dict(yanchor="top", y=0.98, xanchor="right", x=0.98),
        meta={"alt": ("Line chart: the maximum-likelihood loss is flat whatever the wrong penalty; the MAP curves "
                      "are high when the wrong penalty is small and fall to a floor as it grows, sooner for "
                      "smaller j.")})
    return fig
