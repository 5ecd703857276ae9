"""Digits and feature maps as heatmaps: a grid of examples, and rows of panels side by side."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import checks

#: Ink dark on a light background, as the digits were written.
INK_SCALE = "Greys"


def _check_title_alt(title: str, alt: str) -> None:
    for name, value in (("title", title), ("alt", alt)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string")


def _square_axes(fig: go.Figure) -> None:
    """Square pixels, row 0 at the top, no ticks: images, not charts."""
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed",
                     constrain="domain")
    for axis in [a for a in fig.layout if a.startswith("yaxis")]:
        fig.layout[axis].scaleanchor = "x" + axis[len("yaxis"):]


def digit_grid(images: np.ndarray, labels: Sequence, cols: int = 10, title: str = "MNIST digits",
               alt: str = "A grid of handwritten digits with their labels.") -> go.Figure:
    """A grid of images, each titled with its label.

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
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[str(label) for label in labels],
                        horizontal_spacing=0.01, vertical_spacing=0.06)
    low, high = float(images.min()), float(images.max())
    for n, image in enumerate(images):
        fig.add_trace(go.Heatmap(z=image, colorscale=INK_SCALE, zmin=low, zmax=high, showscale=False,
                                 hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>"),
                      row=n // cols + 1, col=n % cols + 1)
    _square_axes(fig)
    fig.update_layout(title={"text": title}, height=int(90 + 95 * rows), margin={"l": 20, "r": 20, "t": 80, "b": 10},
                      meta={"alt": alt})
    return fig


def heatmap_panels(panels: Mapping[str, np.ndarray], title: str, alt: str, cols: int | None = None,
                   colorscale: str = INK_SCALE, shared_range: bool = False, zmid: float | None = None,
                   height: int | None = None) -> go.Figure:
    """Named 2-D arrays side by side as heatmaps, each with its own colour bar unless the range is shared.

    Parameters
    ----------
    panels : mapping of str to 2-D array
        Panel title -> values; arrays may differ in size.
    title, alt : str
        Figure title and the sentence a screen reader reads.
    cols : int or None
        Panels per row; all in one row when None.
    colorscale : str
        A plotly colour scale name.
    shared_range : bool
        One value range (and one colour bar) for all panels, so colours compare across panels.
    zmid : float or None
        Value at the middle of the colour scale (for diverging scales such as "RdBu").
    height : int or None
        Figure height in pixels; chosen from the number of rows when None.
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
    count = len(arrays)
    cols = count if cols is None else cols
    cols = checks.integer("cols", cols, low=1)
    cols = min(int(cols), count)
    rows = math.ceil(count / cols)
    gap = 0.02 if shared_range else 0.3 / cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=list(arrays), horizontal_spacing=gap,
                        vertical_spacing=0.12 / rows)
    # Titles of narrow panels would run into each other at plotly's default size.
    fig.update_annotations(font_size=max(10, min(14, 66 // cols)))
    low = min(float(v.min()) for v in arrays.values())
    high = max(float(v.max()) for v in arrays.values())
    for n, (name, values) in enumerate(arrays.items()):
        row, col = n // cols + 1, n % cols + 1
        trace = go.Heatmap(z=values, colorscale=colorscale, zmid=zmid, name=name,
                           hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>")
        if shared_range:
            trace.update(zmin=low, zmax=high, showscale=n == count - 1)
        fig.add_trace(trace, row=row, col=col)
    _square_axes(fig)
    if not shared_range:
        # Put each panel's colour bar just right of its own panel.
        for n, trace in enumerate(fig.data):
            xaxis = fig.layout["xaxis" if n == 0 else f"xaxis{n + 1}"]
            yaxis = fig.layout["yaxis" if n == 0 else f"yaxis{n + 1}"]
            trace.colorbar = {"x": xaxis.domain[1] + 0.005, "xanchor": "left", "thickness": 10,
                              "len": (yaxis.domain[1] - yaxis.domain[0]) * 0.9,
                              "y": sum(yaxis.domain) / 2, "yanchor": "middle"}
    fig.update_layout(title={"text": title}, height=height or int(110 + rows * min(340, 900 / cols)),
                      margin={"l": 20, "r": 40, "t": 90, "b": 10}, meta={"alt": alt})
    return fig
