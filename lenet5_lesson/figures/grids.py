"""A kernel sliding over a padded grid: where it reads, what it writes, what it never reaches."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..shapes import effective_kernel, kernel_positions
from .style import PHONE_WIDTH, set_narrow

#: Most kernel positions one figure carries; each position is one slider step with two grids.
MAX_POSITIONS = 400

#: Cell categories of the input grid, in colour order.
CELL_LABELS = ("input pixel", "padding", "never read", "under the kernel")
_CELL_COLOURS = ("#f2f2f2", "#c6dbef", "#fdae6b", "#08519c")


def _discrete_scale(colours: tuple[str, ...]) -> list[list]:
    """A plotly colourscale giving integer z = 0..len-1 one flat colour each."""
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / len(colours), colour], [(i + 1) / len(colours), colour]]
    return scale


def _taps(start: int, k: int, d: int) -> np.ndarray:
    """Indices on one axis that a (dilated) kernel starting at ``start`` reads."""
    return start + d * np.arange(k)


def kernel_sweep(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> go.Figure:
    """Every position of a k x k kernel on an n x n input, one slider step per position.

    Left: the padded (n + 2p) x (n + 2p) grid with the pixels the kernel reads at the
    chosen position, the padding, and the pixels no position ever reads. Right: the
    output grid with the unit that position computes.

    Parameters
    ----------
    n, k, s, p, d : int
        Input size, kernel size, stride, padding on each side and dilation, as in
        :func:`lenet5_lesson.shapes.conv_output_size`.

    Raises
    ------
    ValueError
        If the kernel does not fit (message from :mod:`lenet5_lesson.shapes`) or the output
        has more than :data:`MAX_POSITIONS` positions.
    """
    starts = kernel_positions(n, k, s, p, d)
    out = len(starts)
    if out * out > MAX_POSITIONS:
        raise ValueError(f"n={n}, k={k}, s={s}, p={p}, d={d} gives {out}x{out} = {out * out} kernel positions; "
                         f"one figure shows at most {MAX_POSITIONS}: use a smaller input")
    size = n + 2 * p
    base = np.zeros((size, size), dtype=int)
    base[:p, :] = base[size - p:, :] = base[:, :p] = base[:, size - p:] = 1
    read = np.zeros((size, size), dtype=bool)
    for r in starts:
        for c in starts:
            read[np.ix_(_taps(r, k, d), _taps(c, k, d))] = True
    base[~read] = 2

    steps, first = [], None
    for i, r in enumerate(starts):
        for j, c in enumerate(starts):
            grid = base.copy()
            grid[np.ix_(_taps(r, k, d), _taps(c, k, d))] = 3
            target = np.zeros((out, out), dtype=int)
            target[i, j] = 1
            if first is None:
                first = (grid, target)
            steps.append({"label": f"{i},{j}", "method": "restyle",
                          "args": [{"z": [grid.tolist(), target.tolist()]}, [0, 1]]})

    fig = make_subplots(rows=1, cols=2, column_widths=[size, max(out, 1) + 1], horizontal_spacing=0.08,
                        subplot_titles=(f"padded input {size}x{size}", f"output {out}x{out}"))
    fig.add_trace(go.Heatmap(
        z=first[0], zmin=-0.5, zmax=len(CELL_LABELS) - 0.5, colorscale=_discrete_scale(_CELL_COLOURS),
        xgap=1, ygap=1, hovertemplate="row %{y}, column %{x}<extra></extra>",
        colorbar={"tickvals": list(range(len(CELL_LABELS))), "ticktext": list(CELL_LABELS), "x": -0.02,
                  "xanchor": "right", "len": 0.8, "thickness": 14}), row=1, col=1)
    fig.add_trace(go.Heatmap(
        z=first[1], zmin=0, zmax=1, colorscale=_discrete_scale(("#f2f2f2", "#08519c")), showscale=False,
        xgap=1, ygap=1, hovertemplate="output row %{y}, column %{x}<extra></extra>"), row=1, col=2)
    for col, cells in ((1, size), (2, out)):
        common = {"range": [-0.5, cells - 0.5], "dtick": 1 if cells <= 12 else 4, "showgrid": False,
                  "zeroline": False, "constrain": "domain"}
        fig.update_xaxes(row=1, col=col, **common)
        fig.update_yaxes(row=1, col=col, **{**common, "range": [cells - 0.5, -0.5]})
    fig.update_layout(yaxis_scaleanchor="x", yaxis2_scaleanchor="x2", plot_bgcolor="white")

    span = effective_kernel(k, d)
    fig.update_layout(
        title={"text": f"{k}x{k} kernel (span {span}), stride {s}, padding {p}, dilation {d} on {n}x{n}:<br>"
                       f"floor(({n} + 2*{p} - {span})/{s}) + 1 = {out}"},
        height=460, margin={"l": 150, "t": 110, "b": 40},
        sliders=[{"steps": steps, "currentvalue": {"prefix": "output unit (row, column): "},
                  "pad": {"t": 30}}],
        meta={"alt": f"A {size} by {size} grid with a {k} by {k} kernel at each of its {out * out} positions, "
                     f"chosen with a slider, next to the {out} by {out} output grid with the unit it computes."},
    )
    # On a phone the output grid and the colour key sit under the padded input.
    plot = PHONE_WIDTH - 40
    bottom = 0.4 * plot
    total = plot + 50 + bottom
    top = (plot + 50) / total
    narrow = {"margin.l": 20, "margin.r": 20, "margin.t": 150, "height": int(total + 150 + 100),
              "title.text": f"{k}x{k} kernel (span {span}), stride {s},<br>padding {p}, dilation {d} on {n}x{n}:<br>"
                            f"floor(({n} + 2*{p} - {span})/{s}) + 1 = {out}",
              "xaxis.domain": [0, 1], "yaxis.domain": [1 - plot / total, 1],
              "xaxis2.domain": [0, 0.4], "yaxis2.domain": [0, 1 - top],
              "annotations[0].x": 0.5, "annotations[0].y": 1, "annotations[1].x": 0.2,
              "annotations[1].y": 1 - top}
    bar = {"colorbar.x": 0.5, "colorbar.xanchor": "left", "colorbar.y": (1 - top) / 2,
           "colorbar.yanchor": "middle", "colorbar.len": 1 - top}
    return set_narrow(fig, narrow, {0: bar})
