"""Views of a LeNet-5 at work: feature maps of chosen layers, the whole network for a digit, kernels, layer tables."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import checks, paper

#: The layers whose outputs :func:`inside_figure` shows, in order.
INSIDE_LAYERS = ("C1", "S2", "C3", "S4", "C5", "F6", "output")

_ACTIVATION_SCALE = "RdBu_r"
_INPUT_SCALE = "Greys"


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


def feature_maps_figure(images: np.ndarray, maps: np.ndarray, labels: Sequence[int], layer: str,
                        height: int | None = None, title: str | None = None) -> go.Figure:
    """One row per digit: the input image, then each feature map of ``layer``.

    Parameters
    ----------
    images : numpy.ndarray
        Inputs, shape (N, 32, 32, 1) or (N, 32, 32).
    maps : numpy.ndarray
        The layer's outputs for those inputs, shape (N, h, w, maps).
    labels : sequence of int
        The N digits' labels, for the row titles.
    layer : str
        The layer's name, for titles.
    height : int or None
        Figure height in pixels; by default it grows with the number of rows.
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
    titles = ["input"] + [f"{layer} {m}" for m in range(count)] + [""] * ((n - 1) * (count + 1))
    fig = make_subplots(rows=n, cols=count + 1, horizontal_spacing=0.006, vertical_spacing=0.03,
                        subplot_titles=titles, row_titles=[f"a {int(d)}" for d in labels])
    for r in range(n):
        fig.add_trace(go.Heatmap(z=images[r], colorscale=_INPUT_SCALE, showscale=False,
                                 hovertemplate="pixel %{z:.2f}<extra></extra>"), row=r + 1, col=1)
        for m in range(count):
            fig.add_trace(go.Heatmap(z=maps[r, :, :, m], colorscale=_ACTIVATION_SCALE, zmin=-paper.SQUASH_A,
                                     zmax=paper.SQUASH_A, showscale=(r == 0 and m == 0),
                                     colorbar=dict(title=dict(text="output"), len=0.8),
                                     hovertemplate=f"{layer} map {m}: %{{z:.2f}}<extra></extra>"),
                          row=r + 1, col=m + 2)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    for cell in range(1, n * (count + 1) + 1):
        fig.layout[f"yaxis{'' if cell == 1 else cell}"].scaleanchor = f"x{'' if cell == 1 else cell}"
    fig.update_annotations(font_size=10)
    fig.update_layout(
        title=dict(text=title or f"What the {count} {layer} maps respond to, for {n} test digits"),
        height=height or 100 + 75 * n, margin=dict(l=20, r=30, t=70, b=10), plot_bgcolor="white",
        meta={"alt": (f"{n} rows of small images, one per test digit: the digit, then its {count} {layer} "
                      "feature maps, red where a map is strongly positive and blue where negative.")})
    return fig


def _inside_images(outputs: dict[str, np.ndarray], image: np.ndarray, k: int) -> list[np.ndarray]:
    """The seven heatmap images of :func:`inside_figure` for digit ``k``: input, C1 .. F6."""
    c5 = outputs["C5"][k].reshape(10, 12)
    f6 = outputs["F6"][k].reshape(12, 7)
    return [image[k, :, :, 0], tile_maps(outputs["C1"][k], 3), tile_maps(outputs["S2"][k], 3),
            tile_maps(outputs["C3"][k], 4), tile_maps(outputs["S4"][k], 4), c5, f6]


def inside_figure(model: keras.Model, images: np.ndarray, labels: Sequence[int]) -> go.Figure:
    """Every layer of the faithful LeNet-5 for a few digits, with a slider to pick the digit.

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
    fig = make_subplots(rows=2, cols=4, subplot_titles=titles, horizontal_spacing=0.06, vertical_spacing=0.12)
    positions = [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (2, 3)]
    first = _inside_images(outputs, images, 0)
    for n, ((row, col), z) in enumerate(zip(positions, first)):
        scale = dict(colorscale=_INPUT_SCALE, zmin=paper.BACKGROUND, zmax=paper.INK) if n == 0 else \
            dict(colorscale=_ACTIVATION_SCALE, zmin=-paper.SQUASH_A, zmax=paper.SQUASH_A)
        name = titles[n].split(":")[0]
        fig.add_trace(go.Heatmap(z=z, showscale=(n == 1), colorbar=dict(title=dict(text="output"), len=0.45, y=0.78),
                                 hoverongaps=False, hovertemplate=f"{name}: %{{z:.2f}}<extra></extra>", **scale),
                      row=row, col=col)
        fig.update_yaxes(autorange="reversed", scaleanchor=f"x{'' if n == 0 else n + 1}", row=row, col=col)
    fig.add_trace(go.Bar(x=list(range(10)), y=penalties[0], marker_color="#1f4e79",
                         hovertemplate="digit %{x}: penalty %{y:.1f}<extra></extra>"), row=2, col=4)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showticklabels=True, tickmode="linear", dtick=1, title_text="digit", row=2, col=4)
    fig.update_yaxes(showticklabels=True, range=[0, float(penalties.max()) * 1.05], row=2, col=4)

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
        title=dict(text=heading(0)), height=640, margin=dict(l=30, r=30, t=80, b=90), plot_bgcolor="white",
        showlegend=False,
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="test digit labelled "), pad=dict(t=40))],
        meta={"alt": ("Eight panels for one test digit: the input, the feature maps of C1, S2, C3 and S4, the 120 "
                      "C5 outputs, the 84 F6 outputs drawn as a 12x7 image, and a bar chart of the ten output "
                      "penalties; a slider picks the digit.")})
    return fig


def kernels_figure(kernel: np.ndarray, layer: str = "C1") -> go.Figure:
    """The kernels of a convolution with one input map, shape (k, k, 1, n), as n heatmaps."""
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 4 or kernel.shape[2] != 1:
        raise ValueError(f"kernel must have shape (k, k, 1, maps), got {kernel.shape}")
    k, _, _, n = kernel.shape
    limit = float(np.abs(kernel).max()) or 1.0
    fig = make_subplots(rows=1, cols=n, subplot_titles=[f"{layer} kernel {m}" for m in range(n)],
                        horizontal_spacing=0.02)
    for m in range(n):
        fig.add_trace(go.Heatmap(z=kernel[:, :, 0, m], colorscale=_ACTIVATION_SCALE, zmin=-limit, zmax=limit,
                                 showscale=(m == 0), colorbar=dict(title=dict(text="weight")),
                                 hovertemplate="weight %{z:.3f}<extra></extra>"), row=1, col=m + 1)
        fig.update_yaxes(scaleanchor=f"x{'' if m == 0 else m + 1}", row=1, col=m + 1)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    fig.update_layout(
        title=dict(text=f"The {n} {layer} kernels ({k}x{k})"), height=300,
        margin=dict(l=20, r=20, t=80, b=20), plot_bgcolor="white",
        meta={"alt": f"{n} small {k}x{k} heatmaps of {layer}'s weights, red positive and blue negative."})
    return fig


def layer_table_figure(rows: Sequence) -> go.Figure:
    """A table of :func:`lenet5_lesson.shapes.layer_table` rows: shapes, parameters, connections."""
    if not rows:
        raise ValueError("rows must hold at least one LayerRow")
    for row in rows:
        if not all(hasattr(row, a) for a in ("name", "output_shape", "parameters", "connections")):
            raise TypeError(f"rows must hold LayerRow entries from shapes.layer_table, got {type(row).__name__}")

    def shape(s):
        return " x ".join(str(int(v)) for v in s)

    columns = [[r.name for r in rows], [r.kind for r in rows], [shape(r.input_shape) for r in rows],
               [shape(r.output_shape) for r in rows], [f"{r.parameters:,}" for r in rows],
               [f"{r.connections:,}" for r in rows]]
    fig = go.Figure(go.Table(
        header=dict(values=["layer", "kind", "input", "output", "trainable parameters", "connections"],
                    fill_color="#1f4e79", font=dict(color="white"), align="left"),
        cells=dict(values=columns, align=["left", "left", "left", "left", "right", "right"])))
    total_p = sum(r.parameters for r in rows)
    total_c = sum(r.connections for r in rows)
    fig.update_layout(
        title=dict(text=f"Layer by layer: {total_p:,} trainable parameters, {total_c:,} connections"),
        height=120 + 30 * len(rows), margin=dict(l=10, r=10, t=50, b=10),
        meta={"alt": f"A table of {len(rows)} layers with input and output shapes, parameters and connections."})
    return fig
