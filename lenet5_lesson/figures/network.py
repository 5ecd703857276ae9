"""Views of a LeNet-5 at work: feature maps of chosen layers, the whole network for a digit, kernels, layer tables."""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
import plotly.graph_objects as go

from .. import checks
from .architecture import KIND_NAMES
from .style import (ACTIVATION_LIMIT, PAGE_WIDTH, PHONE_WIDTH, grid, ink, panel_layout, place_panels, reflow,
                    set_narrow, signed, signed_limit)

#: The layers whose outputs :func:`inside_figure` shows, in order.
INSIDE_LAYERS = ("C1", "S2", "C3", "S4", "C5", "F6", "output")


def layer_outputs(model: keras.Model, x: np.ndarray, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Outputs of the named layers of ``model`` for the inputs ``x``.

    Parameters
    ----------
    model : keras.Model
        A functional model, e.g. :func:`lenet5_lesson.build_lenet5` or :func:`lenet5_lesson.pretrained`.
    x : numpy.ndarray
        A batch of inputs the model accepts.
    names : sequence of str
        Layer names, e.g. ``("C1", "C3")``.

    Returns
    -------
    dict
        Layer name to a numpy array with the batch axis first.
    """
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise TypeError("names must be a non-empty sequence of layer names, e.g. ('C1', 'C3')")
    known = [layer.name for layer in model.layers]
    for name in names:
        if name not in known:
            raise ValueError(f"names holds {name!r}, which is not a layer of the model ({', '.join(known)})")
    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in names])
    outputs = probe.predict(np.asarray(x), verbose=0)
    if len(names) == 1:
        outputs = [outputs]
    return {name: np.asarray(out) for name, out in zip(names, outputs)}


def tile_maps(maps: np.ndarray, columns: int) -> np.ndarray:
    """Lay (h, w, n) feature maps out in a grid of ``columns`` with a one-pixel NaN gap between them."""
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"maps must have shape (height, width, maps), got {maps.shape}")
    columns = checks.integer("columns", columns, low=1)
    h, w, n = maps.shape
    rows = -(-n // columns)
    image = np.full((rows * (h + 1) - 1, columns * (w + 1) - 1), np.nan)
    for m in range(n):
        r, c = divmod(m, columns)
        image[r * (h + 1): r * (h + 1) + h, c * (w + 1): c * (w + 1) + w] = maps[:, :, m]
    return image


def _map_cells(digits: int, count: int, per_row: int, width: int) -> tuple[list, int]:
    """Cells of :func:`feature_maps_figure`: per digit, its input (two cells wide and high when the
    maps take two rows or more) and then its maps, ``per_row`` to a row; and the figure's height."""
    span = math.ceil(count / per_row)
    side = min(span, 2)
    layout = grid(digits * span, side + per_row, width, hgap=4, vgap=16,
                  margin={"l": 10, "r": 70, "t": 60, "b": 10})
    cells = []
    for d in range(digits):
        cells.append(layout.cell(d * span, 0, rowspan=side, colspan=side))
        cells += [layout.cell(d * span + m // per_row, side + m % per_row) for m in range(count)]
    return cells, layout.height


def feature_maps_figure(images: np.ndarray, maps: np.ndarray, labels: Sequence[int], layer: str,
                        height: int | None = None, title: str | None = None) -> go.Figure:
    """For each digit, the input image and then every feature map of ``layer``, eight maps to a row.

    All maps share the book's signed colour scale on the fixed range of squashed outputs and one
    colour bar; the inputs are grey. On a phone the maps take four to a row, at about the same size.

    Parameters
    ----------
    images : numpy.ndarray
        Inputs, shape (N, 32, 32, 1) or (N, 32, 32) (any square size).
    maps : numpy.ndarray
        The layer's outputs for those inputs, shape (N, h, w, maps).
    labels : sequence of int
        The N digits' labels, for the titles of the inputs.
    layer : str
        The layer's name, for titles.
    height : int or None
        Figure height in pixels on the book's page; by default it follows from the number of maps.
    title : str or None
        The figure's title; by default it says what the maps respond to.
    """
    images = np.asarray(images, dtype=float)
    maps = np.asarray(maps, dtype=float)
    if images.ndim == 4:
        images = images[..., 0]
    if maps.ndim != 4:
        raise ValueError(f"maps must have shape (N, height, width, maps), got {maps.shape}")
    if images.ndim != 3 or len(images) != len(maps) or len(labels) != len(maps):
        raise ValueError(f"images ({images.shape[0] if images.ndim else 0}), maps ({len(maps)}) and labels "
                         f"({len(labels)}) must describe the same number of digits")
    n, _, _, count = maps.shape
    cells, wide_height = _map_cells(n, count, min(count, 8), PAGE_WIDTH)
    narrow_cells, narrow_height = _map_cells(n, count, min(count, 4), PHONE_WIDTH)
    fig = go.Figure()
    titles = {}
    for r in range(n):
        first = r * (count + 1)
        titles[first] = f"a {int(labels[r])}"
        if r == 0:
            titles.update({first + 1 + m: f"{layer} {m}" for m in range(count)})
        fig.add_trace(go.Heatmap(z=images[r], **ink(), showscale=False, xaxis=f"x{first + 1}",
                                 yaxis=f"y{first + 1}", hovertemplate="pixel %{z:.2f}<extra></extra>"))
        for m in range(count):
            fig.add_trace(go.Heatmap(z=maps[r, :, :, m], **signed(ACTIVATION_LIMIT), showscale=(r == 0 and m == 0),
                                     colorbar=dict(title=dict(text="output"), len=min(1.0, 400 / wide_height)),
                                     xaxis=f"x{first + m + 2}", yaxis=f"y{first + m + 2}",
                                     hovertemplate=f"{layer} map {m}: %{{z:.2f}}<extra></extra>"))
    place_panels(fig, cells, titles, title_size=10)
    fig.update_layout(
        title=dict(text=title or f"What the {count} {layer} maps respond to, for {n} test digits"),
        height=height or wide_height, margin=dict(l=10, r=70, t=60, b=10), plot_bgcolor="white",
        meta={"alt": (f"{n} rows of small images, one per test digit: the digit, then its {count} {layer} "
                      "feature maps, red where a map is strongly positive and blue where negative.")})
    return set_narrow(fig, panel_layout(narrow_cells, narrow_height, titles),
                      {1: {"colorbar.len": min(1.0, 400 / narrow_height)}})


def _inside_images(outputs: dict[str, np.ndarray], image: np.ndarray, k: int) -> list[np.ndarray]:
    """The seven heatmap images of :func:`inside_figure` for digit ``k``: input, C1 .. F6."""
    c5 = outputs["C5"][k].reshape(10, 12)
    f6 = outputs["F6"][k].reshape(12, 7)
    return [image[k, :, :, 0], tile_maps(outputs["C1"][k], 3), tile_maps(outputs["S2"][k], 3),
            tile_maps(outputs["C3"][k], 4), tile_maps(outputs["S4"][k], 4), c5, f6]


def _inside_cells(columns: int, width: int) -> tuple[list, int]:
    """The eight panels of :func:`inside_figure`, ``columns`` to a row, and the figure's height."""
    layout = grid(math.ceil(8 / columns), columns, width, hgap=36 if columns > 2 else 24, vgap=34,
                  margin={"l": 30, "r": 60, "t": 80, "b": 100})
    return [layout.cell(k // columns, k % columns) for k in range(8)], layout.height


def inside_figure(model: keras.Model, images: np.ndarray, labels: Sequence[int]) -> go.Figure:
    """Every layer of the faithful LeNet-5 for a few digits, with a slider to pick the digit.

    Three panels to a row on the book's page, two on a phone.

    Parameters
    ----------
    model : keras.Model
        The faithful LeNet-5 (layers named C1, S2, C3, S4, C5, F6, output).
    images : numpy.ndarray
        Preprocessed inputs, shape (N, 32, 32, 1), N from 1 to 20.
    labels : sequence of int
        The N digits' labels.
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4 or images.shape[1:] != (32, 32, 1):
        raise ValueError(f"images must have shape (N, 32, 32, 1), got {images.shape}")
    if not 1 <= len(images) <= 20:
        raise ValueError(f"images holds {len(images)} digits; the slider takes 1 to 20")
    if len(labels) != len(images):
        raise ValueError(f"labels has {len(labels)} entries for {len(images)} images")
    outputs = layer_outputs(model, images, INSIDE_LAYERS)
    penalties = outputs["output"]
    titles = ("input 32x32", "C1: 6 maps 28x28", "S2: 6 maps 14x14", "C3: 16 maps 10x10",
              "S4: 16 maps 5x5", "C5: 120 units (10x12)", "F6: 84 units (12x7)", "output: 10 penalties")
    cells, height = _inside_cells(3, PAGE_WIDTH)
    narrow_cells, narrow_height = _inside_cells(2, PHONE_WIDTH)
    fig = go.Figure()
    for n, z in enumerate(_inside_images(outputs, images, 0)):
        scale = ink() if n == 0 else signed(ACTIVATION_LIMIT)
        name = titles[n].split(":")[0]
        fig.add_trace(go.Heatmap(z=z, showscale=(n == 1), colorbar=dict(title=dict(text="output"), len=0.5),
                                 xaxis=f"x{n + 1}", yaxis=f"y{n + 1}", hoverongaps=False,
                                 hovertemplate=f"{name}: %{{z:.2f}}<extra></extra>", **scale))
    fig.add_trace(go.Bar(x=list(range(10)), y=penalties[0], marker_color="#1f4e79", xaxis="x8", yaxis="y8",
                         hovertemplate="digit %{x}: penalty %{y:.1f}<extra></extra>"))
    place_panels(fig, cells, titles, image=[True] * 7 + [False])
    fig.layout.xaxis8.update(tickmode="linear", dtick=1, title_text="digit")
    fig.layout.yaxis8.update(range=[0, float(penalties.max()) * 1.05])

    def heading(k: int) -> str:
        return (f"Inside LeNet-5: a test {int(labels[k])}, read as {int(penalties[k].argmin())} "
                f"(smallest penalty {penalties[k].min():.1f})")

    steps = []
    for k in range(len(images)):
        zs = [np.round(z, 3) for z in _inside_images(outputs, images, k)]
        steps.append(dict(label=str(int(labels[k])), method="update",
                          args=[{"z": zs + [None], "y": [None] * 7 + [np.round(penalties[k], 2)]},
                                {"title.text": heading(k)}]))
    fig.update_layout(
        title=dict(text=heading(0)), height=height, margin=dict(l=30, r=60, t=80, b=100), plot_bgcolor="white",
        showlegend=False,
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="test digit labelled "), pad=dict(t=40))],
        meta={"alt": ("Eight panels for one test digit: the input, the feature maps of C1, S2, C3 and S4, the 120 "
                      "C5 outputs, the 84 F6 outputs drawn as a 12x7 image, and a bar chart of the ten output "
                      "penalties; a slider picks the digit.")})
    return set_narrow(fig, panel_layout(narrow_cells, narrow_height, titles))


def kernels_figure(kernel: np.ndarray, layer: str = "C1") -> go.Figure:
    """The kernels of a convolution with one input map, shape (k, k, 1, n), as n heatmaps.

    They share one signed colour scale and one colour bar; on a phone they take half as many columns.
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 4 or kernel.shape[2] != 1:
        raise ValueError(f"kernel must have shape (k, k, 1, maps), got {kernel.shape}")
    k, _, _, n = kernel.shape
    layout = grid(1, n, hgap=8, vgap=24, margin={"l": 20, "r": 80, "t": 80, "b": 10})
    fig = go.Figure()
    for m in range(n):
        fig.add_trace(go.Heatmap(z=kernel[:, :, 0, m], **signed(signed_limit(kernel)), showscale=(m == 0),
                                 colorbar=dict(title=dict(text="weight")), xaxis=f"x{m + 1}", yaxis=f"y{m + 1}",
                                 hovertemplate="weight %{z:.3f}<extra></extra>"))
    place_panels(fig, [layout.cell(0, m) for m in range(n)], [f"{layer} kernel {m}" for m in range(n)],
                 title_size=max(10, min(12, 66 // n)))
    fig.update_layout(
        title=dict(text=f"The {n} {layer} kernels ({k}x{k})"), height=max(240, layout.height),
        margin=dict(layout.margin), plot_bgcolor="white",
        meta={"alt": f"{n} small {k}x{k} heatmaps of {layer}'s weights, red positive and blue negative."})
    return reflow(fig, math.ceil(n / 2))


def layer_table_figure(rows: Sequence) -> go.Figure:
    """A table of :func:`lenet5_lesson.shapes.layer_table` rows: shapes, parameters, connections.

    Kinds are the book's short names (``conv``, ``subsample``); on a phone the table is set smaller.
    """
    if not rows:
        raise ValueError("rows must hold at least one LayerRow")
    for row in rows:
        if not all(hasattr(row, a) for a in ("name", "output_shape", "parameters", "connections")):
            raise TypeError(f"rows must hold LayerRow entries from shapes.layer_table, got {type(row).__name__}")

    def shape(s):
        return "x".join(str(int(v)) for v in s)

    kinds = [KIND_NAMES.get(r.kind, (r.kind,))[0] for r in rows]
    columns = [[r.name for r in rows], kinds, [shape(r.input_shape) for r in rows],
               [shape(r.output_shape) for r in rows], [f"{r.parameters:,}" for r in rows],
               [f"{r.connections:,}" for r in rows]]
    fig = go.Figure(go.Table(
        columnwidth=[0.8, 1.2, 1.1, 1.1, 1.25, 1.3],
        header=dict(values=["layer", "kind", "input", "output", "parameters", "connections"],
                    fill_color="#1f4e79", font=dict(color="white"), align="left"),
        cells=dict(values=columns, align=["left", "left", "left", "left", "right", "right"], height=26)))
    total_p = sum(r.parameters for r in rows)
    total_c = sum(r.connections for r in rows)
    fig.update_layout(
        title=dict(text=f"Layer by layer: {total_p:,} trainable parameters, {total_c:,} connections"),
        height=80 + 27 * (len(rows) + 1), margin=dict(l=10, r=10, t=50, b=10),
        meta={"alt": f"A table of {len(rows)} layers with input and output shapes, parameters and connections."})
    small = {"cells.font.size": 10, "header.font.size": 10}
    return set_narrow(fig, {"height": 110 + 27 * (len(rows) + 1)}, {0: small})  # room for wrapped kinds
