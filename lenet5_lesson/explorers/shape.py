"""The shape calculator: n, k, s, p, d -> output size, the formula with numbers, every kernel position."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from ..figures.grids import _CELL_COLOURS, CELL_LABELS, _discrete_scale, _taps
from ..shapes import conv_output_size, effective_kernel, kernel_positions
from ._common import Explorer

#: Settings the static face steps through: (label, n, k, s, p, d).
SHAPE_PRESETS: tuple[tuple[str, int, int, int, int, int], ...] = (
    ("C1: 32, k5", 32, 5, 1, 0, 1),
    ("S2: 28, k2 s2", 28, 2, 2, 0, 1),
    ("C3: 14, k5", 14, 5, 1, 0, 1),
    ("C5: 5, k5", 5, 5, 1, 0, 1),
    ("same: 28, k5 p2", 28, 5, 1, 2, 1),
    ("stride 2: 9, k3", 9, 3, 2, 0, 1),
    ("leftover: 10, k3 s3", 10, 3, 3, 0, 1),
    ("padded stride: 7, k3 s2 p1", 7, 3, 2, 1, 1),
    ("dilation 2: 9, k3", 9, 3, 1, 0, 2),
)


def formula_text(n: int, k: int, s: int, p: int, d: int) -> str:
    """The output-size formula with the numbers put in, ending in the result (or why there is none)."""
    general = "floor((n + 2p − d(k − 1) − 1) / s) + 1"
    numbers = f"floor(({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}) + 1"
    try:
        return f"{general} = {numbers} = {conv_output_size(n, k, s, p, d)}"
    except ValueError:
        return f"{general} = {numbers}: no kernel position fits"


def impossible_message(n: int, k: int, s: int, p: int, d: int) -> str | None:
    """A plain-language reason why no kernel position fits, or None when the settings are possible."""
    span = effective_kernel(k, d)
    if span <= n + 2 * p:
        return None
    spread = f"k = {k}" if d == 1 else f"k = {k} with dilation d = {d} spans {span} pixels"
    return (f"The kernel ({spread}) is wider than the padded input ({n} + 2·{p} = {n + 2 * p} pixels), "
            f"so it cannot be placed anywhere and there is no output. Shrink k or d, or add padding.")


def grid_categories(n: int, k: int, s: int, p: int, d: int) -> np.ndarray:
    """Padded grid with each cell's category index into ``CELL_LABELS``; the first position's taps are marked."""
    starts = kernel_positions(n, k, s, p, d)
    size = n + 2 * p
    cells = np.ones((size, size), dtype=int)
    cells[p:p + n, p:p + n] = 0
    read = np.zeros(size, dtype=bool)
    for start in starts:
        read[_taps(start, k, d)] = True
    unread = ~(read[:, None] & read[None, :]) & (cells == 0)
    cells[unread] = 2
    taps = _taps(0, k, d)
    cells[np.ix_(taps, taps)] = 3
    return cells


def window_centres(n: int, k: int, s: int, p: int, d: int) -> np.ndarray:
    """Centre of the kernel window at each position along one axis, in padded-grid pixel units."""
    return np.array(kernel_positions(n, k, s, p, d)) + (effective_kernel(k, d) - 1) / 2


def positions_svg(n: int, k: int, s: int, p: int, d: int, width: int = 360) -> str:
    """An inline SVG of the padded grid: cell categories, and one dot at the centre of every kernel position."""
    cells = grid_categories(n, k, s, p, d)
    size = len(cells)
    c = width / size
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{width}" role="img" '
             f'aria-label="padded {size} by {size} grid with one dot per kernel position">']
    for (r, col), cat in np.ndenumerate(cells):
        parts.append(f'<rect x="{col * c:.1f}" y="{r * c:.1f}" width="{c:.1f}" height="{c:.1f}" '
                     f'fill="{_CELL_COLOURS[cat]}" stroke="white" stroke-width="0.5"/>')
    centres = (window_centres(n, k, s, p, d) + 0.5) * c
    radius = max(1.2, min(4.0, c / 4))
    parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#d62728"/>'
              for y in centres for x in centres]
    parts.append("</svg>")
    return "".join(parts)


def _legend_html() -> str:
    items = [f'<span style="display:inline-block;width:12px;height:12px;background:{colour};'
             f'border:1px solid #999;margin:0 4px 0 10px"></span>{label}'
             for colour, label in zip(_CELL_COLOURS, CELL_LABELS[:3] + ("first kernel position",))]
    items.append('<span style="color:#d62728;margin-left:10px">●</span> centre of one kernel position = one output unit')
    return f'<div style="font-size:12px">{"".join(items)}</div>'


class ShapeCalculator(Explorer):
    """Sliders n, k, s, p, d; shows the output size, the formula with numbers, and every kernel position."""

    def __init__(self, n: int = 32, k: int = 5, s: int = 1, p: int = 0, d: int = 1):
        style = {"description_width": "110px"}
        layout = widgets.Layout(width="360px")
        self.n = widgets.IntSlider(n, 1, 32, description="input n", style=style, layout=layout)
        self.k = widgets.IntSlider(k, 1, 9, description="kernel k", style=style, layout=layout)
        self.s = widgets.IntSlider(s, 1, 4, description="stride s", style=style, layout=layout)
        self.p = widgets.IntSlider(p, 0, 4, description="padding p", style=style, layout=layout)
        self.d = widgets.IntSlider(d, 1, 3, description="dilation d", style=style, layout=layout)
        self.summary = widgets.HTML()
        self.picture = widgets.HTML()
        self.output_size: int | None = None
        for control in self.controls:
            control.observe(self.update, names="value")
        self.widget = widgets.VBox([widgets.HBox([widgets.VBox(list(self.controls)), self.summary]),
                                    self.picture, widgets.HTML(_legend_html())])
        self.update()

    @property
    def controls(self) -> tuple[widgets.IntSlider, ...]:
        """The five sliders, in the order n, k, s, p, d."""
        return self.n, self.k, self.s, self.p, self.d

    def update(self, change=None) -> None:
        """Recompute the output size, the formula and the picture from the sliders."""
        n, k, s, p, d = (c.value for c in self.controls)
        message = impossible_message(n, k, s, p, d)
        formula = formula_text(n, k, s, p, d)
        if message:
            self.output_size = None
            self.summary.value = f'<p><b>No output.</b></p><p style="font-family:monospace">{formula}</p>'
            self.picture.value = f'<p style="color:#a50026;max-width:600px">{message}</p>'
            return
        self.output_size = conv_output_size(n, k, s, p, d)
        self.summary.value = (f'<p>Output: <b>{self.output_size} × {self.output_size}</b></p>'
                              f'<p style="font-family:monospace">{formula}</p>')
        self.picture.value = positions_svg(n, k, s, p, d)


def shape_calculator(n: int = 32, k: int = 5, s: int = 1, p: int = 0, d: int = 1) -> ShapeCalculator:
    """Live shape calculator; display it as the last expression of a cell. Starts at C1's settings."""
    return ShapeCalculator(n, k, s, p, d)


def shape_calculator_static(presets=SHAPE_PRESETS) -> go.Figure:
    """The shape calculator for a page without a kernel: a slider steps through ``presets``."""
    fig = go.Figure()
    steps = []
    for i, (label, n, k, s, p, d) in enumerate(presets):
        cells = grid_categories(n, k, s, p, d)
        centres = window_centres(n, k, s, p, d)
        xs, ys = np.meshgrid(centres, centres)
        fig.add_trace(go.Heatmap(z=cells, zmin=-0.5, zmax=3.5, showscale=False, visible=i == 0, xgap=1, ygap=1,
                                 colorscale=_discrete_scale(_CELL_COLOURS), customdata=np.array(CELL_LABELS)[cells],
                                 hovertemplate="row %{y}, column %{x}: %{customdata}<extra></extra>"))
        fig.add_trace(go.Scatter(x=xs.ravel(), y=ys.ravel(), mode="markers", visible=i == 0, showlegend=False,
                                 marker=dict(color="#d62728", size=max(3, min(9, 240 // len(cells)))),
                                 hovertemplate="centre of a kernel position<extra></extra>"))
        visible = [j // 2 == i for j in range(2 * len(presets))]
        title = f"{label}: output {conv_output_size(n, k, s, p, d)}<br><sup>{formula_text(n, k, s, p, d)}</sup>"
        extent = [-0.5, len(cells) - 0.5]
        steps.append(dict(method="update", label=label, args=[
            {"visible": visible},
            {"title.text": title, "xaxis.range": extent, "yaxis.range": extent[::-1]}]))
    first = len(grid_categories(*presets[0][1:]))
    fig.update_layout(
        title=dict(text=steps[0]["args"][1]["title.text"]), height=560, width=None,
        xaxis=dict(range=[-0.5, first - 0.5], showticklabels=False, showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(range=[first - 0.5, -0.5], showticklabels=False, showgrid=False, zeroline=False,
                   scaleanchor="x"),
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="setting: "), pad=dict(t=10))],
        margin=dict(l=20, r=20, t=80, b=20), plot_bgcolor="white",
        meta={"alt": ("A padded grid of pixels (grey input, light blue padding, orange never read, dark blue "
                      "the first kernel position) with a red dot at the centre of every kernel position; "
                      "a slider steps through LeNet-5's layers and other settings.")})
    return fig

