"""The RBF output layer: the ten 7x12 bitmaps, penalties as distances, and the MAP loss of eq. (9)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import plotly.graph_objects as go

from .. import checks
from ..bitmaps import HEIGHT, WIDTH, digit_bitmaps
from ..losses import MAPLoss
from .style import (ACTIVATION_LIMIT, PAGE_WIDTH, PHONE_WIDTH, grid, panel_layout, pixel_cells, place_panels,
                    set_narrow, signed)


def bitmaps_figure() -> go.Figure:
    """The ten fixed 7x12 bitmaps that centre the output units, on the book's signed scale.

    They are drawn on the range of F6's squashed outputs, the values they are compared with, so
    that +1 and -1 have the same colours as in :func:`penalties_figure`.
    """
    maps = digit_bitmaps()
    layout, narrow = (grid(2, 5, width, aspect=HEIGHT / WIDTH, hgap=12, vgap=26,
                           margin={"l": 20, "r": 20, "t": 80, "b": 20}) for width in (PAGE_WIDTH, PHONE_WIDTH))
    titles = [f"digit {d}" for d in range(10)]
    fig = go.Figure()
    for d in range(10):
        fig.add_trace(go.Heatmap(z=maps[d], **signed(ACTIVATION_LIMIT), showscale=False, xgap=1, ygap=1,
                                 xaxis=f"x{d + 1}", yaxis=f"y{d + 1}",
                                 hovertemplate=f"centre of unit {d}: %{{z:+.0f}}<extra></extra>"))
    place_panels(fig, [layout.cell(d // 5, d % 5) for d in range(10)], titles)
    fig.update_layout(
        title=dict(text=f"The ten output centres: {WIDTH}x{HEIGHT} bitmaps of +1 (red) and -1 (blue)"),
        height=layout.height, margin=dict(layout.margin), plot_bgcolor="white",
        meta={"alt": "Ten small pixel drawings of the digits 0 to 9, each 7 pixels wide and 12 high, "
                     "red where the centre is +1 and blue where it is -1."})
    # Five to a row stay readable on a phone: the narrow layout only makes the figure shorter.
    return set_narrow(fig, panel_layout([narrow.cell(d // 5, d % 5) for d in range(10)], narrow.height, titles))


def _penalty_cells(width: int) -> tuple[list, int, dict]:
    """Panels of :func:`penalties_figure` for a figure ``width`` pixels wide: F6, the bars, ten bitmaps."""
    margin = {"l": 20, "r": 70, "t": 80, "b": 20}
    per_row = 10 if width >= PAGE_WIDTH else 5
    plot_w = width - margin["l"] - margin["r"]
    bitmaps = grid(10 // per_row, per_row, width, aspect=HEIGHT / WIDTH, hgap=6, vgap=22, margin=margin)
    top = 240 if per_row == 10 else 170  # pixels: the F6 image and the bars
    f6_w = top * WIDTH / HEIGHT
    gap = 60  # between the top row and the bitmaps: room for the bars' axis title and the bitmaps' titles
    plot_h = top + gap + bitmaps.plot_height
    boxes = [(0, 0, f6_w, top), (f6_w + 40, 0, plot_w - f6_w - 40, top)]
    boxes += [(c * (bitmaps.cell_width + bitmaps.hgap), top + gap + r * (bitmaps.cell_height + bitmaps.vgap),
               bitmaps.cell_width, bitmaps.cell_height) for r in range(10 // per_row) for c in range(per_row)]
    return pixel_cells(boxes, plot_w, plot_h), int(plot_h + margin["t"] + margin["b"]), margin


def penalties_figure(f6: np.ndarray, penalties: np.ndarray, label: int) -> go.Figure:
    """One digit's F6 output as a 7x12 image, the ten penalties, and the bitmaps they measure against.

    F6 and the bitmaps share one signed colour scale and one colour bar; on a phone the bitmaps
    take two rows of five.

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
    titles = [f"F6 output of a {label}", "penalty y_i: squared distance to bitmap i"] + \
        [f"{d}: {penalties[d]:.0f}" for d in range(10)]
    cells, height, margin = _penalty_cells(PAGE_WIDTH)
    narrow_cells, narrow_height, _ = _penalty_cells(PHONE_WIDTH)
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=f6.reshape(HEIGHT, WIDTH), **signed(ACTIVATION_LIMIT), xgap=1, ygap=1,
                             colorbar=dict(title=dict(text="value"), len=0.6, y=0.7),
                             hovertemplate="F6 unit: %{z:.2f}<extra></extra>"))
    colours = ["#c0392b" if d == winner else "#1f4e79" for d in range(10)]
    fig.add_trace(go.Bar(x=list(range(10)), y=penalties, marker_color=colours, xaxis="x2", yaxis="y2",
                         hovertemplate="digit %{x}: penalty %{y:.1f}<extra></extra>"))
    maps = digit_bitmaps()
    for d in range(10):
        fig.add_trace(go.Heatmap(z=maps[d], **signed(ACTIVATION_LIMIT), showscale=False, xgap=1, ygap=1,
                                 xaxis=f"x{d + 3}", yaxis=f"y{d + 3}",
                                 hovertemplate=f"bitmap {d}: %{{z:+.0f}}<extra></extra>"))
    place_panels(fig, cells, titles, image=[True, False] + [True] * 10, title_size=11)
    fig.layout.xaxis2.update(tickmode="linear", dtick=1, title=dict(text="digit i", standoff=4))
    fig.update_layout(
        title=dict(text=f"A test {label} at the output: the smallest penalty is digit {winner}'s"),
        height=height, showlegend=False, plot_bgcolor="white", margin=margin,
        meta={"alt": (f"The 84 F6 outputs of a test {label} drawn as a 12 by 7 image, a bar chart of the ten "
                      f"penalties with the smallest, digit {winner}, in red, and the ten bitmaps below.")})
    return set_narrow(fig, panel_layout(narrow_cells, narrow_height, titles, **{"annotations[1].text": "penalty y_i"}))


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
    # On a phone the legend would hide the curves: it goes under the plot.
    return set_narrow(fig, {"height": 560, "legend.orientation": "h", "legend.x": 0, "legend.xanchor": "left",
                            "legend.y": -0.22, "legend.yanchor": "top"})
