"""The book's look in one place: the colours of every figure, and panel grids that reflow on a phone.

Colours
    Every signed value the book draws (weights, weighted sums, squashed outputs, gradients) uses
    :data:`SIGNED_SCALE`: blue negative, white zero, red positive, on a range symmetric about
    zero, so that white always means 0. Input digits are drawn in grey with :data:`INK_SCALE`,
    ink dark on a light background, as they were written. Panels that are meant to be compared
    share one range and one colour bar; :func:`signed` and :func:`ink` give the plotly settings.

Narrow pages
    A figure made of panels is laid out for the book's page beside its sidebars,
    :data:`PAGE_WIDTH` pixels wide. For a phone it carries a second layout, in
    ``layout.meta["narrow"]``: the same panels in fewer columns, drawn at about the same size,
    which :mod:`lenet5_lesson.display` switches to when the figure is narrower than
    :data:`~lenet5_lesson.display.NARROW_BELOW` pixels. :func:`regrid` computes it for a
    regular grid of subplots; :func:`place_panels` and :func:`panel_layout` place panels on
    any grid of cells, for the figures whose narrow layout is not simply fewer columns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from .. import checks, paper

#: Signed values: blue negative, white zero, red positive (a plotly colour scale name).
SIGNED_SCALE = "RdBu_r"
#: Input digits: grey, ink dark on a light background.
INK_SCALE = "Greys"
#: Squashed outputs lie strictly between -A and A; every map of a layer's outputs is drawn on this
#: fixed range, so that the same colour means the same value in every figure and every layer.
ACTIVATION_LIMIT = paper.SQUASH_A

#: Width in CSS pixels of a figure on the book's page beside its sidebars (a 1280-pixel screen).
PAGE_WIDTH = 688
#: Width in CSS pixels of a figure on a phone 390 pixels wide.
PHONE_WIDTH = 358

Domain = tuple[float, float]
Cell = tuple[Domain, Domain]


def signed_limit(*arrays: Any) -> float:
    """The largest absolute finite value of the arrays: the half-range of a signed colour scale.

    Returns 1.0 when the arrays hold no nonzero finite value, so that a scale always has a range.
    """
    largest = 0.0
    for values in arrays:
        values = np.asarray(values, dtype=float)
        finite = values[np.isfinite(values)]
        if finite.size:
            largest = max(largest, float(np.abs(finite).max()))
    return largest or 1.0


def signed(limit: float) -> dict[str, Any]:
    """Plotly heatmap settings for signed values on ``[-limit, limit]``: white is exactly zero."""
    limit = checks.number("limit", limit, above=0)
    return {"colorscale": SIGNED_SCALE, "zmin": -limit, "zmax": limit}


def ink(low: float = paper.BACKGROUND, high: float = paper.INK) -> dict[str, Any]:
    """Plotly heatmap settings for an input digit from ``low`` (background) to ``high`` (ink)."""
    low, high = float(low), float(high)
    if not high > low:
        raise ValueError(f"high={high} must be greater than low={low}")
    return {"colorscale": INK_SCALE, "zmin": low, "zmax": high}


def colour_table(scale: str, steps: int = 255) -> list[list[int]]:
    """``steps`` RGB colours (0..255) sampled evenly along a plotly colour scale, low end first.

    The in-browser explorers colour their maps from these tables (``engine.py`` ships them in the
    weights script), so the page and the plotly figures use one convention.
    """
    import plotly.colors  # noqa: PLC0415 - only the build needs it

    steps = checks.integer("steps", steps, 2, 4096)
    colours = plotly.colors.sample_colorscale(scale, [i / (steps - 1) for i in range(steps)])
    return [[round(float(c)) for c in colour[colour.index("(") + 1:-1].split(",")] for colour in colours]


# --- grids of panels --------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Rows and columns of equal cells, measured in pixels for one figure width.

    ``margin`` is plotly's (``l``, ``r``, ``t``, ``b``); ``hgap`` and ``vgap`` are the pixels
    between cells (``vgap`` holds a panel title); cells are ``cell_width`` wide and
    ``cell_height`` high.
    """

    rows: int
    columns: int
    width: int
    cell_width: float
    cell_height: float
    hgap: float
    vgap: float
    margin: Mapping[str, int]

    @property
    def plot_width(self) -> float:
        return self.width - self.margin["l"] - self.margin["r"]

    @property
    def plot_height(self) -> float:
        return self.rows * self.cell_height + (self.rows - 1) * self.vgap

    @property
    def height(self) -> int:
        """The figure's height in pixels: the cells, their gaps and the margins."""
        return int(round(self.plot_height + self.margin["t"] + self.margin["b"]))

    def cell(self, row: int, column: int, rowspan: int = 1, colspan: int = 1) -> Cell:
        """The (x domain, y domain) of a cell, row 0 at the top, in plotly's paper coordinates."""
        if not (0 <= row and row + rowspan <= self.rows and 0 <= column and column + colspan <= self.columns):
            raise ValueError(f"cell ({row}, {column}) spanning {rowspan}x{colspan} is outside the "
                             f"{self.rows}x{self.columns} grid")
        left = column * (self.cell_width + self.hgap)
        right = left + colspan * self.cell_width + (colspan - 1) * self.hgap
        top = row * (self.cell_height + self.vgap)
        bottom = top + rowspan * self.cell_height + (rowspan - 1) * self.vgap
        return ((left / self.plot_width, min(1.0, right / self.plot_width)),
                (max(0.0, 1 - bottom / self.plot_height), 1 - top / self.plot_height))


def grid(rows: int, columns: int, width: int = PAGE_WIDTH, aspect: float = 1.0, hgap: float = 8,
         vgap: float = 24, margin: Mapping[str, int] | None = None) -> Grid:
    """A :class:`Grid` of cells ``aspect`` times as high as they are wide, filling ``width`` pixels.

    Parameters
    ----------
    rows, columns : int
        Size of the grid, at least 1 each.
    width : int
        Width of the whole figure in pixels, :data:`PAGE_WIDTH` or :data:`PHONE_WIDTH`.
    aspect : float
        Cell height over cell width (an image of h x w pixels needs ``h / w``).
    hgap, vgap : float
        Pixels between columns and between rows; a row gap holds the panel titles.
    margin : mapping or None
        Plotly's ``l``, ``r``, ``t``, ``b`` in pixels; 20, 20, 70 and 10 when None.
    """
    rows = checks.integer("rows", rows, low=1)
    columns = checks.integer("columns", columns, low=1)
    aspect = checks.number("aspect", aspect, above=0)
    margin = {"l": 20, "r": 20, "t": 70, "b": 10, **(margin or {})}
    plot_width = width - margin["l"] - margin["r"]
    if plot_width <= columns:
        raise ValueError(f"width={width} leaves no room for {columns} columns inside margins {margin}")
    cell_width = (plot_width - (columns - 1) * hgap) / columns
    return Grid(rows, columns, width, cell_width, cell_width * aspect, hgap, vgap, margin)


def pixel_cells(boxes: Sequence[tuple[float, float, float, float]], plot_width: float, plot_height: float
                ) -> list[Cell]:
    """Domains of panels given in pixels as (left, top, width, height) inside a plot area of that size."""
    return [((left / plot_width, (left + w) / plot_width),
             (1 - (top + h) / plot_height, 1 - top / plot_height)) for left, top, w, h in boxes]


def _axis_names(index: int) -> tuple[str, str]:
    """Layout names of a panel's axes: ``("xaxis", "yaxis")`` for panel 0, ``("xaxis2", "yaxis2")`` for 1."""
    suffix = "" if index == 0 else str(index + 1)
    return f"xaxis{suffix}", f"yaxis{suffix}"


def _titled(titles: Sequence[str] | Mapping[int, str]) -> list[tuple[int, str]]:
    """(panel index, title) pairs: a sequence titles panels 0, 1, ...; a mapping names its panels."""
    items = titles.items() if isinstance(titles, Mapping) else enumerate(titles)
    return [(int(k), str(text)) for k, text in items]


def place_panels(fig: go.Figure, cells: Sequence[Cell], titles: Sequence[str] | Mapping[int, str] = (),
                 image: bool | Sequence[bool] = True, title_size: int = 12) -> None:
    """Give panel ``k`` of ``fig`` (axes ``x{k+1}``/``y{k+1}``) the domain ``cells[k]`` and a title above it.

    ``titles`` is one title per panel from panel 0 on, or a mapping from panel index to title for
    some panels only; they become the figure's first annotations, in that order, as
    :func:`panel_layout` expects. An ``image`` panel is drawn as a picture: square pixels, row 0
    at the top, no ticks (one flag for all panels, or one per panel).
    """
    flags = [image] * len(cells) if isinstance(image, bool) else list(image)
    for k, ((xdomain, ydomain), picture) in enumerate(zip(cells, flags)):
        xname, yname = _axis_names(k)
        x_id, y_id = xname.replace("axis", ""), yname.replace("axis", "")
        fig.layout[xname] = dict(domain=list(xdomain), anchor=y_id)
        fig.layout[yname] = dict(domain=list(ydomain), anchor=x_id)
        if picture:
            fig.layout[xname].update(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
            fig.layout[yname].update(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed",
                                     constrain="domain", scaleanchor=x_id)
    annotations = [dict(text=text, x=sum(cells[k][0]) / 2, y=cells[k][1][1], xref="paper", yref="paper",
                        xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=title_size))
                   for k, text in _titled(titles)]
    fig.update_layout(annotations=annotations + list(fig.layout.annotations))


def panel_layout(cells: Sequence[Cell], height: int, titles: Sequence[str] | Mapping[int, str] = (),
                 **extra: Any) -> dict[str, Any]:
    """The relayout that moves panel ``k`` to ``cells[k]``, with the titles :func:`place_panels` gave.

    ``extra`` adds other layout changes, in plotly's relayout spelling (``margin.l``,
    ``title.font.size``).
    """
    update: dict[str, Any] = {"height": int(height)}
    for k, (xdomain, ydomain) in enumerate(cells):
        xname, yname = _axis_names(k)
        update[f"{xname}.domain"] = [round(v, 5) for v in xdomain]
        update[f"{yname}.domain"] = [round(v, 5) for v in ydomain]
    for i, (k, _) in enumerate(_titled(titles)):
        update[f"annotations[{i}].x"] = round(sum(cells[k][0]) / 2, 5)
        update[f"annotations[{i}].y"] = round(cells[k][1][1], 5)
    update.update(extra)
    return update


def set_narrow(fig: go.Figure, layout: Mapping[str, Any], traces: Mapping[int, Mapping[str, Any]] | None = None
               ) -> go.Figure:
    """Store the layout (and trace) changes a narrow page applies, in ``layout.meta["narrow"]``.

    ``layout`` is spelled as for plotly's ``relayout`` and ``traces`` maps a trace index to
    changes spelled as for ``restyle``; the page computes the way back from the figure itself.
    """
    meta = dict(fig.layout.meta or {})
    meta["narrow"] = {"layout": dict(layout), "traces": {str(int(i)): dict(v) for i, v in (traces or {}).items()}}
    fig.layout.meta = meta
    return fig


def _close(a: float, b: float, tolerance: float = 1e-4) -> bool:
    return abs(a - b) <= tolerance


def regrid(fig: go.Figure | Mapping, columns: int, width: int = PAGE_WIDTH, narrow_width: int = PHONE_WIDTH
           ) -> dict[str, Any] | None:
    """The narrow layout of a figure whose panels form a regular grid: the same panels in ``columns``.

    Panels keep their order (row by row) and, as far as the narrower page allows, their size in
    pixels, so the figure grows taller rather than its panels smaller. Panel titles (annotations
    centred on top of a panel) and colour bars placed beside a panel move with it.

    Parameters
    ----------
    fig : plotly Figure or its dict
        A figure laid out by ``make_subplots`` (or :func:`place_panels`) on a regular grid.
    columns : int
        Columns of the narrow layout, at least 1.
    width, narrow_width : int
        The figure's width in pixels on the book's page and on a phone.

    Returns
    -------
    dict or None
        ``{"layout": relayout, "traces": {index: restyle}}`` as :func:`set_narrow` stores it, or
        None when the panels do not form a regular grid (cells of different sizes).
    """
    columns = checks.integer("columns", columns, low=1)
    if isinstance(fig, go.Figure):
        layout = fig.layout.to_plotly_json()
        data = [trace.to_plotly_json() for trace in fig.data]
    else:
        layout, data = dict(fig.get("layout") or {}), list(fig.get("data") or [])
    panels: list[tuple[str, str]] = []
    for trace in data:
        pair = (trace.get("xaxis") or "x", trace.get("yaxis") or "y")
        if pair not in panels:
            panels.append(pair)
    if len(panels) < 2:
        return None
    domains = []
    for xid, yid in panels:
        xaxis = layout.get(xid.replace("x", "xaxis", 1)) or {}
        yaxis = layout.get(yid.replace("y", "yaxis", 1)) or {}
        domains.append((tuple(xaxis.get("domain") or (0.0, 1.0)), tuple(yaxis.get("domain") or (0.0, 1.0))))
    w, h = domains[0][0][1] - domains[0][0][0], domains[0][1][1] - domains[0][1][0]
    if not all(_close(x[1] - x[0], w) and _close(y[1] - y[0], h) for x, y in domains):
        return None
    lefts = sorted({round(x[0], 4) for x, _ in domains})
    tops = sorted({round(y[1], 4) for _, y in domains}, reverse=True)
    if len(lefts) <= columns and len(tops) == 1:
        return None  # already narrow enough
    order = sorted(range(len(panels)), key=lambda k: (tops.index(round(domains[k][1][1], 4)),
                                                      lefts.index(round(domains[k][0][0], 4))))

    margin = {"l": 80, "r": 80, "t": 100, "b": 80, **(layout.get("margin") or {})}
    height = layout.get("height") or 450
    plot_w, plot_h = width - margin["l"] - margin["r"], height - margin["t"] - margin["b"]
    cell_w, cell_h = w * plot_w, h * plot_h
    hgap = (lefts[1] - lefts[0] - w) * plot_w if len(lefts) > 1 else 8
    vgap = (tops[0] - tops[1] - h) * plot_h if len(tops) > 1 else 30
    narrow_plot = narrow_width - margin["l"] - margin["r"]
    new_w = min(cell_w, (narrow_plot - (columns - 1) * hgap) / columns)
    if new_w <= 0:
        return None
    rows = math.ceil(len(panels) / columns)
    new = Grid(rows, columns, narrow_width, new_w, cell_h * new_w / cell_w, hgap, vgap, margin)
    # Centre the narrowed grid when its cells kept their full size and do not fill the width.
    spare = (narrow_plot - columns * new_w - (columns - 1) * hgap) / 2 / narrow_plot

    update: dict[str, Any] = {"height": new.height}
    moved: dict[int, tuple[Cell, Cell]] = {}
    for position, k in enumerate(order):
        xdomain, ydomain = new.cell(position // columns, position % columns)
        xdomain = (xdomain[0] + spare, xdomain[1] + spare)
        xid, yid = panels[k]
        update[f"{xid.replace('x', 'xaxis', 1)}.domain"] = [round(v, 5) for v in xdomain]
        update[f"{yid.replace('y', 'yaxis', 1)}.domain"] = [round(v, 5) for v in ydomain]
        moved[k] = (domains[k], (xdomain, ydomain))
    # Axes of the old grid that hold no trace (empty cells) are hidden on the narrow page.
    used = {name for xid, yid in panels for name in (xid.replace("x", "xaxis", 1), yid.replace("y", "yaxis", 1))}
    for name in layout:
        if (name.startswith("xaxis") or name.startswith("yaxis")) and name not in used:
            update[f"{name}.visible"] = False
    for i, note in enumerate(layout.get("annotations") or []):
        if note.get("xref", "paper") != "paper" or note.get("yref", "paper") != "paper":
            continue
        for old, new_cell in moved.values():
            if _close(note.get("x", 0.5), sum(old[0]) / 2) and _close(note.get("y", 0.5), old[1][1]):
                update[f"annotations[{i}].x"] = round(sum(new_cell[0]) / 2, 5)
                update[f"annotations[{i}].y"] = round(new_cell[1][1], 5)
                break
    traces: dict[str, dict[str, Any]] = {}
    for index, trace in enumerate(data):
        bar = trace.get("colorbar") or {}
        if "y" not in bar:
            continue  # a colour bar for the whole figure stays where it is
        k = panels.index((trace.get("xaxis") or "x", trace.get("yaxis") or "y"))
        (old_x, old_y), (new_x, new_y) = moved[k]
        change = {"colorbar.y": round(sum(new_y) / 2, 5)}
        if "len" in bar and bar.get("lenmode", "fraction") == "fraction":
            change["colorbar.len"] = round(bar["len"] * (new_y[1] - new_y[0]) / (old_y[1] - old_y[0]), 5)
        if "x" in bar:
            change["colorbar.x"] = round(new_x[1] + (bar["x"] - old_x[1]) * plot_w / narrow_plot, 5)
        traces[str(index)] = change
    return {"layout": update, "traces": traces}


def reflow(fig: go.Figure, columns: int) -> go.Figure:
    """Give ``fig`` the narrow layout :func:`regrid` computes for ``columns``, when it has one."""
    narrow = regrid(fig, columns)
    if narrow is not None:
        set_narrow(fig, narrow["layout"], {int(i): v for i, v in narrow["traces"].items()})
    return fig
