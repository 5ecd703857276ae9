"""The map of LeNet-5: every layer drawn as the stack of maps (or column of units) it produces.

Sizes, counts and labels come from :func:`lenet5_lesson.shapes.layer_table`, so the picture
always shows the model the package builds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from .. import checks
from ..shapes import LayerRow
from .style import set_narrow

#: How the book names each Keras layer class: a short name for the picture, a long one for hovers.
KIND_NAMES = {
    "Conv2D": ("conv", "convolution"),
    "FullWindowConv2D": ("conv", "convolution, one matrix product where the kernel covers the input"),
    "SparseConv2D": ("sparse conv", "convolution with a sparse connection table"),
    "Subsampling": ("subsample", "trainable subsampling"),
    "AveragePooling2D": ("avg pool", "average pooling"),
    "MaxPooling2D": ("max pool", "max pooling"),
    "Dense": ("full", "full connection"),
    "EuclideanRBF": ("RBF", "Euclidean RBF units"),
}

# Sizes are in screen pixels, so maps stay square and to scale at any page width.
_PIXEL = 2.0       # screen pixels per pixel of a map's side
_SHOWN_MAPS = 4    # at most this many sheets are drawn per stack; the label gives the count
_OFFSET = 5        # how far each sheet of a stack is shifted
_DRAWING_Y = 0.74  # where the drawings sit, as a fraction of the plot's height
_ROWS_Y = (0.44, 0.32, 0.20, 0.08)  # the label rows under the drawings: layer, kind, output, parameters
_FILL = "#c6dbef"
_EDGE = "#08519c"
_INPUT_FILL = "#f0f0f0"


def _block(shape: tuple[int, ...]) -> tuple[int, int, int] | None:
    """``(height, width, maps)`` of a 2-D output, or None for a vector of units."""
    if len(shape) == 3 and shape[0] * shape[1] > 1:
        return shape[0], shape[1], shape[2]
    return None


def shape_label(shape: tuple[int, ...]) -> str:
    """``6@28×28`` for maps, ``120 units`` for vectors (a 1x1 map per unit counts as a vector)."""
    block = _block(shape)
    if block is None:
        return f"{math.prod(shape)} units"
    h, w, maps = block
    return f"{maps}@{h}×{w}"


def _check_rows(rows: Sequence[LayerRow]) -> list[LayerRow]:
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise TypeError("rows must be a sequence of LayerRow objects, as returned by layer_table(model)")
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one LayerRow (got none)")
    if not all(isinstance(row, LayerRow) for row in rows):
        raise TypeError("rows must be LayerRow objects, as returned by layer_table(model)")
    return rows


def _rect(x: float, y: float, left: float, right: float, bottom: float, top: float, fill: str) -> dict:
    return dict(type="rect", xref="x", yref="y", xsizemode="pixel", ysizemode="pixel", xanchor=x,
                yanchor=y, x0=left, x1=right, y0=bottom, y1=top, fillcolor=fill,
                line=dict(color=_EDGE, width=1.5))


def _stack(x: float, y: float, shape: tuple[int, ...], fill: str) -> list[dict]:
    """Rectangles drawing ``shape`` centred on the point (x, y)."""
    block = _block(shape)
    if block is None:
        # A vector: one thin column, its height growing with the square root of its number of units.
        half = 3.5 * math.sqrt(math.prod(shape))
        return [_rect(x, y, -3, 3, -half, half, fill)]
    h, w, maps = block
    sheets = min(maps, _SHOWN_MAPS)
    half_w, half_h = w * _PIXEL / 2, h * _PIXEL / 2
    shifts = [(i - (sheets - 1) / 2) * _OFFSET for i in range(sheets)]
    return [_rect(x, y, -half_w + s, half_w + s, -half_h + s, half_h + s, fill) for s in reversed(shifts)]


#: Where the vertical (phone) drawing puts its columns: the stacks, then the four labels.
_TALL_X = (1.2, 3.5, 5.3, 7.4, 9.4)
#: Pixels per layer in the vertical drawing.
_TALL_ROW = 86


def _vertical(columns: list, hover: list[str]) -> dict:
    """The narrow layout of :func:`architecture_figure`: one layer per row, top to bottom, with
    vectors drawn as short columns and the labels beside each drawing."""
    shapes, annotations = [], []
    for y, (name, (short, _), shape, row) in enumerate(columns):
        drawn = _stack(_TALL_X[0], y, shape, _INPUT_FILL if row is None else _FILL)
        if _block(shape) is None:  # a vector lies on its side: as wide as it was tall
            drawn = [{**r, "x0": r["y0"], "x1": r["y1"], "y0": -3, "y1": 3} for r in drawn]
        shapes += drawn
        params = "" if row is None else f"{row.parameters:,}"
        for x, text in zip(_TALL_X[1:], (f"<b>{name}</b>", short, shape_label(shape), params)):
            annotations.append(dict(x=x, y=y, text=text, showarrow=False, font=dict(size=11)))
        if y:
            annotations.append(dict(x=_TALL_X[0], y=y - 0.5, ax=0, ay=-14, yshift=-7, text="", showarrow=True,
                                    arrowhead=2, arrowwidth=1.5, arrowcolor="#555"))
    for x, text in zip(_TALL_X[1:], ("layer", "kind", "output", "parameters")):
        annotations.append(dict(x=x, y=-0.75, text=f"<i>{text}</i>", showarrow=False,
                                font=dict(size=11, color="#555")))
    count = len(columns)
    return {"layout": {"shapes": shapes, "annotations": annotations, "height": 90 + _TALL_ROW * (count + 0.5),
                       "xaxis.range": [0, 10.4], "yaxis.range": [count - 0.4, -1.1]},
            "traces": {0: {"x": [_TALL_X[0]] * count, "y": list(range(count)), "hovertext": hover}}}


def architecture_figure(rows: Sequence[LayerRow], height: int = 340) -> go.Figure:
    """LeNet-5's layers side by side, each drawn as the maps or units it outputs.

    Parameters
    ----------
    rows : sequence of LayerRow
        The model's shape table, ``layer_table(build_lenet5())``. The first row's input
        shape is drawn as the input image.
    height : int
        Height of the figure in pixels, at least 300.

    Returns
    -------
    plotly.graph_objects.Figure
        Map sides are drawn to scale; stacks show at most four sheets, the labels say how
        many maps there are. Hovering over a layer shows its parameters and connections.
        On a phone the layers are drawn from top to bottom instead.
    """
    rows = _check_rows(rows)
    height = checks.integer("height", height, low=300)

    columns = [("input", ("image", "the input image"), rows[0].input_shape, None)]
    columns += [(r.name, KIND_NAMES.get(r.kind, (r.kind, r.kind)), r.output_shape, r) for r in rows]
    shapes, annotations, hover = [], [], []
    for x, (name, (short, long), shape, row) in enumerate(columns):
        shapes += _stack(x, _DRAWING_Y, shape, _INPUT_FILL if row is None else _FILL)
        params = "" if row is None else f"{row.parameters:,}"
        for y, text in zip(_ROWS_Y, (f"<b>{name}</b>", short, shape_label(shape), params)):
            annotations.append(dict(x=x, y=y, text=text, showarrow=False, font=dict(size=12)))
        hover.append(f"<b>{name}</b>: {long}<br>output {shape_label(shape)}" + (
            "" if row is None else f"<br>{row.parameters:,} trainable parameters<br>{row.connections:,} connections"))
        if x:
            annotations.append(dict(x=x - 0.5, y=_DRAWING_Y, ax=-18, ay=0, xshift=9, text="", showarrow=True,
                                    arrowhead=2, arrowwidth=1.5, arrowcolor="#555"))
    for y, text in zip(_ROWS_Y, ("layer", "kind", "output", "parameters")):
        annotations.append(dict(x=-0.55, y=y, text=f"<i>{text}</i>", showarrow=False, xanchor="right",
                                font=dict(size=12, color="#555")))

    total = sum(r.parameters for r in rows)
    sizes = ", ".join(f"{name} {shape_label(shape)}" for name, _, shape, _ in columns)
    fig = go.Figure(go.Scatter(x=list(range(len(columns))), y=[_DRAWING_Y] * len(columns), mode="markers",
                               hovertext=hover, hoverinfo="text", marker=dict(size=40, opacity=0),
                               showlegend=False))
    fig.update_layout(
        title=dict(text=f"LeNet-5: {len(rows)} layers, {total:,} trainable parameters"),
        height=height, shapes=shapes, annotations=annotations, plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(visible=False, range=[-1.6, len(columns) - 0.5], fixedrange=True),
        yaxis=dict(visible=False, range=[0, 1], fixedrange=True),
        meta={"alt": f"Diagram of LeNet-5 from left to right: {sizes}. Maps are drawn to scale; "
                     f"the network has {total:,} trainable parameters."},
    )
    narrow = _vertical(columns, hover)
    return set_narrow(fig, narrow["layout"], narrow["traces"])
