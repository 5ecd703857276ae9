"""C3's connection table (Table I of the paper) and the dense kernel the package builds from it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from .. import checks, paper
from ..layers import SparseConv2D, _check_table
from .style import signed, signed_limit


def connection_matrix(table: Sequence[Sequence[int]] = paper.C3_TABLE, inputs: int | None = None) -> np.ndarray:
    """Table I as a 0/1 matrix: entry [i, j] is 1 when input map i feeds output map j.

    Parameters
    ----------
    table : sequence of sequences of int
        ``table[j]`` lists the input maps of output map ``j``.
    inputs : int or None
        Number of input maps; by default one more than the largest index in the table.

    Returns
    -------
    numpy.ndarray
        int array of shape (inputs, len(table)).
    """
    table = _check_table(table)
    needed = 1 + max(max(t) for t in table)
    if inputs is None:
        inputs = needed
    inputs = checks.integer("inputs", inputs)
    if inputs < needed:
        raise ValueError(f"inputs={inputs} must be at least {needed}, the number of input maps the table uses")
    matrix = np.zeros((int(inputs), len(table)), dtype=int)
    for j, maps in enumerate(table):
        matrix[list(maps), j] = 1
    return matrix


def c3_table_figure(table: Sequence[Sequence[int]] = paper.C3_TABLE) -> go.Figure:
    """Table I drawn as a grid: one column per C3 map, one row per S2 map, filled where connected."""
    matrix = connection_matrix(table)
    inputs, outputs = matrix.shape
    hover = [[f"S2 map {i} {'feeds' if matrix[i, j] else 'does not feed'} C3 map {j}" for j in range(outputs)]
             for i in range(inputs)]
    fig = go.Figure(go.Heatmap(
        z=matrix, x=list(range(outputs)), y=list(range(inputs)), text=hover, hoverinfo="text",
        colorscale=[[0, "#f4f4f4"], [1, "#1f4e79"]], zmin=0, zmax=1, showscale=False, xgap=2, ygap=2))
    per_map = matrix.sum(axis=0)
    fig.update_layout(
        title=dict(text=f"Table I: which S2 maps feed each C3 map ({int(matrix.sum())} connections)"),
        xaxis=dict(title=dict(text="C3 map"), tickmode="array", tickvals=list(range(outputs)), side="bottom"),
        yaxis=dict(title=dict(text="S2 map"), tickmode="array", tickvals=list(range(inputs)),
                   autorange="reversed", scaleanchor="x"),
        height=380, margin=dict(l=60, r=20, t=60, b=50), plot_bgcolor="white",
        meta={"alt": (f"A grid of {inputs} rows (S2 maps) by {outputs} columns (C3 maps); filled cells mark "
                      f"connections: the first maps take {per_map[0]} inputs, the last takes {per_map[-1]}.")})
    return fig


def kernel_mosaic(kernel: np.ndarray) -> np.ndarray:
    """Lay a (k, k, inputs, outputs) kernel out as one image with a one-pixel NaN gap between blocks.

    Block (i, j) of the image, rows i*(k+1) to i*(k+1)+k, columns j*(k+1) to j*(k+1)+k,
    is the k x k kernel linking input map i to output map j.
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 4 or kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"kernel must have shape (k, k, inputs, outputs), got {kernel.shape}")
    k, _, inputs, outputs = kernel.shape
    image = np.full((inputs * (k + 1) - 1, outputs * (k + 1) - 1), np.nan)
    for i in range(inputs):
        for j in range(outputs):
            image[i * (k + 1): i * (k + 1) + k, j * (k + 1): j * (k + 1) + k] = kernel[:, :, i, j]
    return image


def dense_kernel_figure(layer: SparseConv2D) -> go.Figure:
    """The dense kernel a :class:`SparseConv2D` convolves with: its weights where Table I connects, zeros elsewhere."""
    if not isinstance(layer, SparseConv2D):
        raise TypeError(f"layer must be a SparseConv2D, got {type(layer).__name__}")
    if not layer.built:
        raise ValueError("layer must be built (call it once or build it) before its kernel can be drawn")
    kernel = np.asarray(layer.dense_kernel())
    k, _, inputs, outputs = kernel.shape
    image = kernel_mosaic(kernel)
    limit = signed_limit(image)
    zero_blocks = int((np.abs(kernel).sum(axis=(0, 1)) == 0).sum())
    centres = [j * (k + 1) + (k - 1) / 2 for j in range(outputs)]
    rows = [i * (k + 1) + (k - 1) / 2 for i in range(inputs)]
    fig = go.Figure(go.Heatmap(z=image, **signed(limit), colorbar=dict(title=dict(text="weight")), hoverongaps=False,
                               hovertemplate="weight %{z:.3f}<extra></extra>"))
    fig.update_layout(
        title=dict(text=f"C3's dense {k}x{k}x{inputs}x{outputs} kernel: {zero_blocks} of "
                        f"{inputs * outputs} blocks are zero"),
        xaxis=dict(title=dict(text="C3 map"), tickmode="array", tickvals=centres, ticktext=list(range(outputs)),
                   showgrid=False, zeroline=False),
        yaxis=dict(title=dict(text="S2 map"), tickmode="array", tickvals=rows, ticktext=list(range(inputs)),
                   autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False),
        plot_bgcolor="white", height=380, margin=dict(l=60, r=20, t=60, b=50),
        meta={"alt": (f"{inputs} rows by {outputs} columns of {k}x{k} weight blocks; {zero_blocks} blocks are "
                      "flat white (all zeros), exactly where Table I has no connection.")})
    return fig
