"""The book's one look: a single colour convention in every figure, and panel grids that reflow on a phone."""

import keras
import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from lenet5_lesson import build_lenet5, layer_table, paper
from lenet5_lesson.figures import style
from lenet5_lesson.figures.architecture import architecture_figure
from lenet5_lesson.figures.c3_table import dense_kernel_figure
from lenet5_lesson.figures.digits import digit_grid, heatmap_panels
from lenet5_lesson.figures.network import feature_maps_figure, inside_figure, kernels_figure, layer_outputs
from lenet5_lesson.figures.pooling import pooling_comparison
from lenet5_lesson.figures.rbf import bitmaps_figure, penalties_figure


@pytest.fixture(scope="module")
def lenet():
    keras.utils.set_random_seed(5)
    return build_lenet5(compile=False)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(1).uniform(paper.BACKGROUND, paper.INK, size=(2, 32, 32, 1)).astype("float32")


def _heatmaps(fig):
    return [t for t in fig.data if isinstance(t, go.Heatmap)]


def _is_signed(trace):
    return trace.colorscale == go.Heatmap(colorscale=style.SIGNED_SCALE).colorscale and trace.zmin == -trace.zmax


def _is_ink(trace):
    return trace.colorscale == go.Heatmap(colorscale=style.INK_SCALE).colorscale


def test_the_convention_is_one_diverging_scale_and_grey_inputs():
    assert style.SIGNED_SCALE == "RdBu_r"  # blue negative, white zero, red positive
    assert style.INK_SCALE == "Greys"
    assert style.ACTIVATION_LIMIT == paper.SQUASH_A
    assert style.signed(2.0) == {"colorscale": "RdBu_r", "zmin": -2.0, "zmax": 2.0}
    assert style.ink() == {"colorscale": "Greys", "zmin": paper.BACKGROUND, "zmax": paper.INK}
    assert style.signed_limit(np.array([0.5, np.nan]), [-3.0]) == 3.0
    assert style.signed_limit(np.zeros(3)) == 1.0
    with pytest.raises(ValueError, match="limit=0"):
        style.signed(0)
    with pytest.raises(ValueError, match="greater than"):
        style.ink(1.0, 1.0)


def test_every_signed_figure_uses_the_one_scale_centred_on_zero(lenet, images):
    maps = layer_outputs(lenet, images, ["C3"])["C3"]
    f6 = np.linspace(-1, 1, 84)
    figures = {
        "feature maps": feature_maps_figure(images, maps, [1, 2], "C3"),
        "inside": inside_figure(lenet, images, [1, 2]),
        "kernels": kernels_figure(lenet.get_layer("C1").kernel.numpy()),
        "dense kernel": dense_kernel_figure(lenet.get_layer("C3")),
        "pooling": pooling_comparison(np.random.default_rng(0).standard_normal((28, 28)), 0.5, 0.0),
        "bitmaps": bitmaps_figure(),
        "penalties": penalties_figure(f6, np.arange(10.0), 0),
    }
    for name, fig in figures.items():
        signed = [t for t in _heatmaps(fig) if not _is_ink(t)]
        assert signed and all(_is_signed(t) for t in signed), name
    # Inputs are grey; maps of a layer's outputs are on the fixed range of the squashing function.
    for name in ("feature maps", "inside"):
        heatmaps = _heatmaps(figures[name])
        assert _is_ink(heatmaps[0]), name
        assert all(t.zmax == style.ACTIVATION_LIMIT for t in heatmaps if not _is_ink(t)), name


def test_panels_that_compare_share_one_range_and_one_colour_bar(lenet, images):
    maps = layer_outputs(lenet, images, ["C3"])["C3"]
    for fig in (feature_maps_figure(images, maps, [1, 2], "C3"), inside_figure(lenet, images, [1, 2]),
                kernels_figure(lenet.get_layer("C1").kernel.numpy()),
                penalties_figure(np.zeros(84), np.arange(10.0), 3)):
        heatmaps = [t for t in _heatmaps(fig) if not _is_ink(t)]
        assert len({(t.zmin, t.zmax) for t in heatmaps}) == 1
        assert sum(t.showscale is not False for t in heatmaps) == 1


def test_heatmap_panels_signed_inputs_and_a_fixed_limit():
    panels = {"input": np.full((4, 4), 0.5), "a": np.array([[-0.5, 0.2]]), "b": np.array([[0.1, 2.0]])}
    fig = heatmap_panels(panels, "T", "alt", signed=True, shared_range=True, inputs=["input"])
    source, a, b = fig.data
    assert _is_ink(source) and source.showscale is False
    assert _is_signed(a) and _is_signed(b) and (a.zmin, a.zmax) == (b.zmin, b.zmax) == (-2.0, 2.0)
    assert [t.showscale for t in (a, b)] == [False, True]
    fixed = heatmap_panels(panels, "T", "alt", signed=True, shared_range=True, limit=1.7159)
    assert {t.zmax for t in fixed.data} == {1.7159}
    own = heatmap_panels({"a": np.array([[-1.0, 0.5]]), "b": np.array([[3.0, 0.0]])}, "T", "alt", signed=True)
    assert [t.zmax for t in own.data] == [1.0, 3.0]
    with pytest.raises(ValueError, match="not in panels"):
        heatmap_panels(panels, "T", "alt", inputs=["nope"])


def test_grid_cells_fill_the_width_and_keep_their_aspect():
    layout = style.grid(2, 4, width=style.PAGE_WIDTH, aspect=1.5, hgap=10, vgap=20)
    (x0, x1), (y0, y1) = layout.cell(0, 0)
    assert (x0, y1) == (0, 1)
    assert layout.cell(1, 3)[0][1] == pytest.approx(1) and layout.cell(1, 3)[1][0] == pytest.approx(0)
    assert (y1 - y0) * layout.plot_height == pytest.approx(1.5 * (x1 - x0) * layout.plot_width)
    assert layout.height == round(layout.plot_height + 70 + 10)
    assert layout.cell(0, 1, rowspan=2)[1] == pytest.approx((0, 1))
    with pytest.raises(ValueError, match="outside"):
        layout.cell(2, 0)


def test_regrid_moves_panels_titles_and_their_colour_bars_to_fewer_columns():
    fig = make_subplots(rows=2, cols=6, subplot_titles=[f"p{i}" for i in range(12)])
    for i in range(12):
        fig.add_trace(go.Heatmap(z=[[i]], colorbar={"x": 0.1, "y": 0.8, "len": 0.3}), row=i // 6 + 1, col=i % 6 + 1)
    fig.update_layout(height=400, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    narrow = style.regrid(fig, 3)
    layout = narrow["layout"]
    assert layout["height"] > 400  # four rows instead of two, at about the same size
    lefts = sorted({layout[f"xaxis{'' if k == 0 else k + 1}.domain"][0] for k in range(12)})
    assert len(lefts) == 3
    tops = sorted({layout[f"yaxis{'' if k == 0 else k + 1}.domain"][1] for k in range(12)}, reverse=True)
    assert len(tops) == 4
    # Panel 4 (the fifth) is now first in the second row, with its title above it.
    assert layout["xaxis4.domain"][0] == lefts[0] and layout["yaxis4.domain"][1] == tops[1]
    assert layout["annotations[3].x"] == pytest.approx(sum(layout["xaxis4.domain"]) / 2, abs=1e-4)
    assert layout["annotations[3].y"] == pytest.approx(tops[1], abs=1e-4)
    assert narrow["traces"]["3"]["colorbar.y"] == pytest.approx(sum(layout["yaxis4.domain"]) / 2)


def test_regrid_leaves_irregular_or_narrow_grids_alone():
    uneven = make_subplots(rows=1, cols=2, column_widths=[0.7, 0.3])
    uneven.add_trace(go.Heatmap(z=[[1]]), row=1, col=1)
    uneven.add_trace(go.Heatmap(z=[[1]]), row=1, col=2)
    assert style.regrid(uneven, 1) is None
    assert style.regrid(uneven.update_layout(xaxis_domain=[0, 0.45], xaxis2_domain=[0.55, 1]), 2) is None


def test_figures_with_many_columns_carry_a_narrow_layout(lenet, images):
    maps = layer_outputs(lenet, images, ["C3"])["C3"]
    fig = feature_maps_figure(images, maps, [1, 2], "C3")
    narrow = fig.layout.meta["narrow"]["layout"]
    first_maps = range(2, 18)  # the axes of the first digit's 16 maps (its input is on x1)
    wide_lefts = {round(fig.layout[f"xaxis{k}"].domain[0], 4) for k in first_maps}
    narrow_lefts = {round(narrow[f"xaxis{k}.domain"][0], 4) for k in first_maps}
    assert len(wide_lefts) == 8 and len(narrow_lefts) == 4  # maps eight to a row, four on a phone
    assert narrow["height"] > fig.layout.height
    inside = inside_figure(lenet, images, [1, 2]).layout.meta["narrow"]["layout"]
    assert len({round(inside[f"xaxis{k}.domain"][0], 4) for k in ["", 2, 3, 4, 5, 6, 7, 8]}) == 2
    grid = digit_grid(np.zeros((10, 28, 28)), list(range(10)), cols=10).layout.meta["narrow"]["layout"]
    assert len({round(grid[f"xaxis{k}.domain"][0], 4) for k in ["", *range(2, 11)]}) == 5


def test_the_architecture_stands_up_on_a_phone():
    rows = layer_table(build_lenet5(compile=False))
    fig = architecture_figure(rows)
    narrow = fig.layout.meta["narrow"]
    texts = [a["text"] for a in narrow["layout"]["annotations"]]
    for row in rows:
        assert f"<b>{row.name}</b>" in texts and f"{row.parameters:,}" in texts
    assert narrow["traces"]["0"]["y"] == list(range(len(rows) + 1))  # one layer per row, top to bottom
    assert len(narrow["layout"]["shapes"]) == len(fig.layout.shapes)
    assert narrow["layout"]["height"] > fig.layout.height
