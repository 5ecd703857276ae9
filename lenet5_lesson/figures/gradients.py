"""How LeNet-5 learns: backpropagation drawn as one picture, signed gradients as heatmaps, and the
gradient of the MAP loss with respect to the ten penalties."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import checks
from ..gradients import kernel_gradient_terms, map_loss_gradient
from ..shapes import LayerRow
from .architecture import KIND_NAMES, _check_rows, shape_label
from .digits import heatmap_panels
from .style import SIGNED_SCALE

_FORWARD = "#1f4e79"
_BACKWARD = "#b03a2e"
_FILLS = {"input": "#f0f0f0", "weights": "#c6dbef", "fixed": "#e3ecf5", "loss": "#fbe3d6"}

#: What each kind of layer computes, keeps and passes back; the hover text of its box.
RULES = {
    "Conv2D": ("a_o = b_o + Σ_i Σ_uv x_i[p+u, q+v] w_io[u, v], y = f(a)",
               "∂E/∂w_io[u, v] = Σ_pq x_i[p+u, q+v] ∂E/∂a_o[p, q], ∂E/∂b_o = Σ_pq ∂E/∂a_o[p, q]",
               "∂E/∂x: ∂E/∂a convolved with the kernel, summed over output maps"),
    "SparseConv2D": ("the same as a convolution, over Table I's pairs (i, o) only",
                     "one 5x5 gradient per pair of Table I, each a sum over the positions",
                     "∂E/∂x: ∂E/∂a convolved with the kernel, over Table I's pairs"),
    "Subsampling": ("y = f(c s + b), s the sum of a 2x2 window",
                    "∂E/∂c = Σ f'(a) s ∂E/∂y, ∂E/∂b = Σ f'(a) ∂E/∂y, over the map's units",
                    "c f'(a) ∂E/∂y to each of the window's four inputs"),
    "Dense": ("a_i = b_i + Σ_j w_ij x_j, y = f(a)",
              "∂E/∂w_ij = ∂E/∂a_i x_j, ∂E/∂b_i = ∂E/∂a_i",
              "∂E/∂x_j = Σ_i w_ij ∂E/∂a_i"),
    "EuclideanRBF": ("y_i = Σ_j (x_j - w_ij)², fixed centres w_i",
                     "nothing: the centres are not trained",
                     "∂E/∂x_j = Σ_i 2 (x_j - w_ij) ∂E/∂y_i"),
}
# C5 computes its one window as a matrix product, but the rules are a convolution's.
RULES["FullWindowConv2D"] = RULES["Conv2D"]


def _arrow(tail: tuple[float, float], head: tuple[float, float], colour: str) -> dict:
    return dict(x=head[0], y=head[1], ax=tail[0], ay=tail[1], xref="x", yref="y", axref="x", ayref="y",
                text="", showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=2, arrowcolor=colour)


def backprop_figure(rows: Sequence[LayerRow], height: int = 600) -> go.Figure:
    """Backpropagation through LeNet-5 in one picture, drawn from top to bottom.

    Values flow forward, down from the image to the loss E (blue); the gradient ∂E/∂(values)
    flows back up (red). On the way back every layer with parameters keeps the gradient of its
    own parameters, for the update, and passes the gradient with respect to its input on.

    Parameters
    ----------
    rows : sequence of LayerRow
        The model's shape table, ``layer_table(build_lenet5())``.
    height : int
        Height of the figure in pixels, at least 400.

    Returns
    -------
    plotly.graph_objects.Figure
        Hovering over a box shows what the layer computes, keeps and passes back.
    """
    rows = _check_rows(rows)
    height = checks.integer("height", height, low=400)
    names = ["image"] + [row.name for row in rows] + ["E"]
    last = len(names) - 1
    step = 0.84 / last
    half = 0.3 * step
    left, right, down_x, up_x = 0.34, 0.58, 0.38, 0.54
    shapes, notes, hover, centres = [], [], [], []
    for n, name in enumerate(names):
        y = 0.9 - n * step
        centres.append(y)
        row = rows[n - 1] if 0 < n < last else None
        if row is None:
            kind, fill = ("input" if n == 0 else "MAP loss"), _FILLS["input" if n == 0 else "loss"]
        else:
            kind = KIND_NAMES.get(row.kind, (row.kind, row.kind))[0]
            fill = _FILLS["weights" if row.parameters else "fixed"]
        shapes.append(dict(type="rect", xref="x", yref="y", x0=left, x1=right, y0=y - half, y1=y + half,
                           fillcolor=fill, line=dict(color=_FORWARD, width=1.2)))
        notes.append(dict(x=(left + right) / 2, y=y, text=f"<b>{name}</b><br>{kind}", showarrow=False,
                          font=dict(size=11)))
        if row is not None and row.parameters:
            notes.append(_arrow((right, y), (right + 0.07, y), _BACKWARD))
            notes.append(dict(x=right + 0.08, y=y, xanchor="left", showarrow=False,
                              text=f"∂E/∂w ({row.parameters:,})", font=dict(size=11, color=_BACKWARD)))
        if n:
            top, bottom = centres[n - 1] - half, y + half
            notes.append(_arrow((down_x, top), (down_x, bottom), _FORWARD))
            notes.append(_arrow((up_x, bottom), (up_x, top), _BACKWARD))
            value = shape_label(rows[0].input_shape if n == 1 else rows[n - 2].output_shape)
            notes.append(dict(x=left - 0.02, y=(top + bottom) / 2, xanchor="right", showarrow=False, text=value,
                              font=dict(size=10, color=_FORWARD)))
        if row is None:
            text = ("<b>image</b>: the input; nothing before it needs its gradient" if n == 0 else
                    "<b>E</b>: the MAP loss, E = y_D + log(e^-j + Σ_i e^-y_i)<br>"
                    "passes back ∂E/∂y_i = [i = D] - q_i, q_i the share of class i")
        else:
            computes, keeps, passes = RULES.get(row.kind, ("", "", ""))
            text = (f"<b>{row.name}</b>: {KIND_NAMES.get(row.kind, (row.kind, row.kind))[1]}<br>"
                    f"computes {computes}<br>keeps {keeps}<br>passes back {passes}")
        hover.append(text)
    notes += [
        dict(x=down_x, y=0.985, xanchor="right", showarrow=False, text="<i>forward: values ↓</i>",
             font=dict(size=12, color=_FORWARD)),
        dict(x=up_x, y=0.985, xanchor="left", showarrow=False, text="<i>↑ backward: ∂E/∂(values)</i>",
             font=dict(size=12, color=_BACKWARD)),
        dict(x=right + 0.08, y=centres[-1], xanchor="left", showarrow=False, font=dict(size=11, color=_BACKWARD),
             text="each ∂E/∂w is kept<br>for the update<br>w ← w - η ∂E/∂w"),
    ]
    total = sum(row.parameters for row in rows)
    fig = go.Figure(go.Scatter(x=[(left + right) / 2] * len(names), y=centres, mode="markers", hovertext=hover,
                               hoverinfo="text", marker=dict(size=40, opacity=0), showlegend=False))
    fig.update_layout(
        title=dict(text=f"One backward pass: all {total:,} derivatives"),
        height=height, shapes=shapes, annotations=notes, plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50, b=10), hoverlabel=dict(align="left"),
        xaxis=dict(visible=False, range=[0, 1], fixedrange=True),
        yaxis=dict(visible=False, range=[0, 1], fixedrange=True),
        meta={"alt": (f"Diagram of backpropagation through {', '.join(names[1:-1])}: values flow forward from "
                      "the image down to the loss E along blue arrows, gradients flow back up along red arrows, "
                      f"and each layer with weights keeps the gradient of its own parameters, {total:,} numbers "
                      "in all.")},
    )
    return fig


def signed_panels(panels: Mapping[str, np.ndarray], title: str, alt: str, cols: int | None = None,
                  height: int | None = None) -> go.Figure:
    """Signed arrays (gradients, kernels) side by side on one colour scale centred on zero.

    Red is positive and blue negative, as everywhere in this module, and one colour bar serves all
    panels, so equal colours mean equal values. NaN entries (the gaps of a kernel mosaic) stay blank.

    Parameters
    ----------
    panels : mapping of str to 2-D array
        Panel title -> values.
    title, alt : str
        Figure title and the sentence a screen reader reads.
    cols : int or None
        Panels per row; all in one row when None.
    height : int or None
        Figure height in pixels; chosen from the number of rows when None.
    """
    if not isinstance(panels, Mapping) or not panels:
        raise ValueError("panels must be a non-empty mapping of panel titles to 2-D arrays")
    arrays = {str(name): np.asarray(values, dtype=float) for name, values in panels.items()}
    if not any(np.isfinite(values).any() for values in arrays.values()):
        raise ValueError("panels must hold at least one finite value")
    limit = max(float(np.nanmax(np.abs(values))) for values in arrays.values()) or 1.0
    fig = heatmap_panels(arrays, title=title, alt=alt, cols=cols, colorscale=SIGNED_SCALE, shared_range=True,
                         height=height)
    fig.update_traces(zmin=-limit, zmax=limit, hoverongaps=False)
    return fig


def map_gradient_figure(penalties: Sequence[float], label: int, j: float = 1.0) -> go.Figure:
    """The ten penalties of one sample beside the gradient of the MAP loss (eq. 9) with respect to them.

    Parameters
    ----------
    penalties : sequence of float
        The sample's ten penalties y_i.
    label : int
        Its correct class D.
    j : float
        The positive constant of eq. (9).
    """
    y = np.asarray(penalties, dtype=float).reshape(-1)
    if y.size != 10:
        raise ValueError(f"penalties must hold 10 values, got {y.size}")
    label = checks.integer("label", label, 0, 9)
    grad = map_loss_gradient(y, label, j)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=["penalties y_i", "their gradient ∂E/∂y_i"])
    colours = [_BACKWARD if d == label else _FORWARD for d in range(10)]
    fig.add_trace(go.Bar(x=list(range(10)), y=y, marker_color=colours,
                         hovertemplate="digit %{x}: penalty %{y:.2f}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(x=list(range(10)), y=grad, marker_color=colours,
                         hovertemplate="digit %{x}: ∂E/∂y = %{y:.4f}<extra></extra>"), row=1, col=2)
    fig.update_xaxes(tickmode="linear", dtick=1, title=dict(text="digit i"))
    fig.update_annotations(font_size=12)
    rival = int(np.argmin(np.where(np.arange(10) == label, np.inf, y)))
    read = f"read as a {int(y.argmin())}" if y.argmin() != label else "read correctly"
    fig.update_layout(
        title=dict(text=f"A {label} {read}: the MAP loss pulls y_{label} down and pushes the others up"),
        height=380, showlegend=False, plot_bgcolor="white", margin=dict(l=40, r=20, t=90, b=40),
        meta={"alt": (f"Two bar charts over the digits 0 to 9: the penalties of a {label}, {read}, and the "
                      f"gradient of the MAP loss, positive for the correct class {label} and negative for the "
                      f"others, most of all for digit {rival}, the closest rival.")})
    return fig


def kernel_gradient_figure(image: np.ndarray, upstream: np.ndarray, taped: np.ndarray, name: str = "C1 kernel"
                           ) -> go.Figure:
    """How a shared kernel's gradient is formed: one term per position, summed, beside the tape's result.

    Six panels: the input map (grey), ``dE/da`` over the output positions, the terms of the
    positions with the largest positive and the largest negative ``dE/da`` (each the input's window
    there times ``dE/da``), the sum of all the terms, and ``taped``, the same gradient from
    ``tf.GradientTape``. Every signed panel has its own colour bar, symmetric about zero.

    Parameters
    ----------
    image : numpy.ndarray
        One input map, shape (h, w).
    upstream : numpy.ndarray
        ``dE/da`` of one output map, shape (h - k + 1, w - k + 1).
    taped : numpy.ndarray
        The kernel's gradient from the tape, shape (k, k).
    name : str
        What the kernel is called in the title.
    """
    image = np.asarray(image, dtype=float)
    upstream = np.asarray(upstream, dtype=float)
    taped = np.asarray(taped, dtype=float)
    if taped.ndim != 2 or taped.shape[0] != taped.shape[1]:
        raise ValueError(f"taped must be a square k x k gradient, got shape {taped.shape}")
    terms = kernel_gradient_terms(image, upstream, taped.shape[0])
    spots = [np.unravel_index(int(np.argmax(sign * upstream)), upstream.shape) for sign in (1, -1)]
    panels = {"the input": image, "∂E/∂a": upstream}
    for p, q in spots:
        panels[f"term at ({p}, {q})"] = terms[p, q]
    panels[f"sum of {terms.shape[0] * terms.shape[1]} terms"] = terms.sum(axis=(0, 1))
    panels["the tape's ∂E/∂w"] = taped
    fig = heatmap_panels(panels, title=f"The gradient of {name}: one term per position, summed",
                         cols=3, colorscale=SIGNED_SCALE, zmid=0.0,
                         alt=(f"The input map, the gradient with respect to the weighted sums at every "
                              f"position, the {taped.shape[0]} by {taped.shape[1]} terms of two positions, "
                              "their sum over all positions and the same gradient from GradientTape."))
    fig.update_annotations(font_size=11)
    for n, trace in enumerate(fig.data):
        if n == 0:
            trace.update(colorscale="Greys", zmid=None, showscale=False)
        else:
            limit = float(np.abs(np.asarray(trace.z, dtype=float)).max()) or 1.0
            trace.update(zmid=None, zmin=-limit, zmax=limit)
    return fig
