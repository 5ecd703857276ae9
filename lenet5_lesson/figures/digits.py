"""Digits and feature maps as heatmaps: a grid of examples, and rows of panels side by side."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from .. import checks
from .style import (INK_SCALE, PHONE_WIDTH, SIGNED_SCALE, grid, place_panels, reflow, regrid, set_narrow,
                    signed_limit)

__all__ = ["INK_SCALE", "digit_grid", "heatmap_panels"]


def _check_title_alt(title: str, alt: str) -> None:
    for name, value in (("title", title), ("alt", alt)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string")


def _narrow_columns(cols: int) -> int:
    """Columns on a phone: half as many, so that each panel keeps about its size in pixels."""
    return cols if cols <= 2 else math.ceil(cols / 2)


#: Width of a character of a panel title, as a fraction of the font size (plotly's sans-serif).
_CHARACTER = 0.56
#: Smallest font size of a panel title.
_SMALLEST_TITLE = 9


def _title_size(titles: Sequence[str], cell_width: float, largest: int = 13) -> int:
    """The largest font size, up to ``largest``, at which every title fits the width of its panel."""
    longest = max(len(t) for t in titles)
    return int(max(_SMALLEST_TITLE, min(largest, cell_width / (_CHARACTER * longest))))


def _fitting_columns(titles: Sequence[str], cols: int, hgap: float, margin: Mapping[str, int]) -> int:
    """Columns on a phone: half as many, fewer while a title would not fit its panel even in small type."""
    narrow = _narrow_columns(cols)
    longest = max(len(t) for t in titles) * _CHARACTER * _SMALLEST_TITLE
    while narrow > 1 and grid(1, narrow, PHONE_WIDTH, hgap=hgap, margin=margin).cell_width < longest:
        narrow -= 1
    return narrow


def digit_grid(images: np.ndarray, labels: Sequence, cols: int = 10, title: str = "MNIST digits",
               alt: str = "A grid of handwritten digits with their labels.") -> go.Figure:
    """A grid of images, each titled with its label, in grey (ink dark); half as many columns on a phone.

    Parameters
    ----------
    images : numpy.ndarray
        Shape (m, h, w) or (m, h, w, 1), any numeric type.
    labels : sequence
        One label per image, shown above it.
    cols : int
        Images per row, at least 1.
    title, alt : str
        Figure title and the sentence a screen reader reads.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (m, h, w) or (m, h, w, 1) with m >= 1, got {images.shape}")
    if len(labels) != len(images):
        raise ValueError(f"labels must give one label per image: {len(labels)} labels for {len(images)} images")
    cols = checks.integer("cols", cols, low=1)
    _check_title_alt(title, alt)
    cols = min(int(cols), len(images))
    rows = math.ceil(len(images) / cols)
    _, h, w = images.shape
    layout = grid(rows, cols, aspect=h / w, hgap=6, vgap=20, margin={"t": 60})
    fig = go.Figure()
    low, high = float(images.min()), float(images.max())
    for n, image in enumerate(images):
        fig.add_trace(go.Heatmap(z=image, colorscale=INK_SCALE, zmin=low, zmax=high if high > low else low + 1,
                                 showscale=False, xaxis=f"x{n + 1}", yaxis=f"y{n + 1}",
                                 hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>"))
    place_panels(fig, [layout.cell(n // cols, n % cols) for n in range(len(images))],
                 [str(label) for label in labels])
    fig.update_layout(title={"text": title}, height=layout.height, margin=dict(layout.margin),
                      plot_bgcolor="white", meta={"alt": alt})
    return reflow(fig, _narrow_columns(cols))


def heatmap_panels(panels: Mapping[str, np.ndarray], title: str, alt: str, cols: int | None = None,
                   colorscale: str = INK_SCALE, shared_range: bool = False, zmid: float | None = None,
                   height: int | None = None, *, signed: bool = False, limit: float | None = None,
                   inputs: Collection[str] = (), scale_title: str | None = None) -> go.Figure:
    """Named 2-D arrays side by side as heatmaps, each with its own colour bar unless the range is shared.

    On a phone the panels take half as many columns (at least two when there are two or more).

    Parameters
    ----------
    panels : mapping of str to 2-D array
        Panel title -> values; arrays may differ in size.
    title, alt : str
        Figure title and the sentence a screen reader reads.
    cols : int or None
        Panels per row; all in one row when None.
    colorscale : str
        A plotly colour scale name, for panels of values that are not signed.
    shared_range : bool
        One value range (and one colour bar) for all panels, so colours compare across panels.
    zmid : float or None
        Value at the middle of the colour scale.
    height : int or None
        Figure height in pixels; chosen from the panels' sizes when None.
    signed : bool
        The values are signed: the book's :data:`~lenet5_lesson.figures.style.SIGNED_SCALE` on a
        range symmetric about zero (white is 0), shared by all panels when ``shared_range``.
    limit : float or None
        Half-range of a signed scale, for instance
        :data:`~lenet5_lesson.figures.style.ACTIVATION_LIMIT` for squashed outputs; the largest
        absolute value of the panels when None.
    inputs : collection of str
        Names of panels that show an input digit: drawn in grey, on their own range, without a
        colour bar, and left out of the shared range.
    scale_title : str or None
        Title of the colour bar(s), e.g. ``"weight"`` or ``"output"``.
    """
    if not isinstance(panels, Mapping) or not panels:
        raise ValueError("panels must be a non-empty mapping of panel titles to 2-D arrays")
    arrays = {str(name): np.asarray(values, dtype=float) for name, values in panels.items()}
    for name, values in arrays.items():
        if values.ndim == 3 and values.shape[-1] == 1:
            arrays[name] = values = values[..., 0]
        if values.ndim != 2:
            raise ValueError(f"panel {name!r} must be a 2-D array, got shape {values.shape}")
    _check_title_alt(title, alt)
    inputs = {str(name) for name in inputs}
    unknown = inputs - set(arrays)
    if unknown:
        raise ValueError(f"inputs names panels that are not in panels: {sorted(unknown)}")
    count = len(arrays)
    cols = count if cols is None else cols
    cols = checks.integer("cols", cols, low=1)
    cols = min(int(cols), count)
    rows = math.ceil(count / cols)
    compared = [v for name, v in arrays.items() if name not in inputs] or list(arrays.values())
    low = min(float(np.nanmin(v)) for v in compared)
    high = max(float(np.nanmax(v)) for v in compared)
    if signed:
        half = float(limit) if limit is not None else signed_limit(*compared)
        low, high = -half, half
    last = ([n for n, name in enumerate(arrays) if name not in inputs] or [count - 1])[-1]
    own_bars = not shared_range
    aspect = max(v.shape[0] / v.shape[1] for v in arrays.values())
    layout = grid(rows, cols, aspect=aspect, hgap=58 if own_bars else 8, vgap=26,
                  margin={"t": 80, "r": 50 if own_bars else 80})
    cells = [layout.cell(n // cols, n % cols) for n in range(count)]
    fig = go.Figure()
    bar = {"title": {"text": scale_title}} if scale_title else {}
    for n, (name, values) in enumerate(arrays.items()):
        trace = go.Heatmap(z=values, name=name, xaxis=f"x{n + 1}", yaxis=f"y{n + 1}", hoverongaps=False,
                           hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>")
        if name in inputs:
            trace.update(colorscale=INK_SCALE, zmin=float(np.nanmin(values)), zmax=float(np.nanmax(values)),
                         showscale=False)
        elif signed:
            own = float(limit) if limit is not None else signed_limit(values)
            half = high if shared_range else own
            trace.update(colorscale=SIGNED_SCALE, zmin=-half, zmax=half, showscale=not shared_range or n == last)
        else:
            trace.update(colorscale=colorscale, zmid=zmid)
            if shared_range:
                trace.update(zmin=low, zmax=high, showscale=n == last)
        if own_bars and name not in inputs:
            (x0, x1), (y0, y1) = cells[n]
            trace.colorbar = {**bar, "x": x1 + 0.005, "xanchor": "left", "thickness": 10,
                              "len": (y1 - y0) * 0.9, "y": (y0 + y1) / 2, "yanchor": "middle"}
        elif bar:
            trace.colorbar = bar
        fig.add_trace(trace)
    # Titles of narrow panels would run into each other at plotly's default size.
    titles = list(arrays)
    place_panels(fig, cells, titles, title_size=_title_size(titles, layout.cell_width))
    fig.update_layout(title={"text": title}, height=height or layout.height, margin=dict(layout.margin),
                      plot_bgcolor="white", meta={"alt": alt})
    columns = _fitting_columns(titles, cols, layout.hgap, layout.margin)
    narrow = regrid(fig, columns) or {"layout": {}, "traces": {}}
    size = _title_size(titles, grid(1, columns, PHONE_WIDTH, hgap=layout.hgap, margin=layout.margin).cell_width)
    if size < fig.layout.annotations[0].font.size:
        narrow["layout"].update({f"annotations[{k}].font.size": size for k in range(count)})
    if narrow["layout"]:
        set_narrow(fig, narrow["layout"], {int(i): v for i, v in narrow["traces"].items()})
    return fig
