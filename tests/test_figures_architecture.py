"""The map of LeNet-5 drawn from the model's own shape table."""

import pytest

from lenet5_lesson import build_lenet5, layer_table
from lenet5_lesson.figures.architecture import architecture_figure, shape_label
from lenet5_lesson.shapes import LayerRow


@pytest.fixture(scope="module")
def rows():
    return layer_table(build_lenet5(compile=False))


@pytest.fixture(scope="module")
def fig(rows):
    return architecture_figure(rows)


def _texts(fig):
    return [a.text for a in fig.layout.annotations if a.text]


def test_every_layer_is_labelled_with_its_computed_sizes(fig, rows):
    texts = _texts(fig)
    for row in rows:
        assert f"<b>{row.name}</b>" in texts
        assert shape_label(row.output_shape) in texts
        assert f"{row.parameters:,}" in texts
    assert "6@28×28" in texts and "16@10×10" in texts and "120 units" in texts


def test_title_and_alt_state_the_total_from_the_table(fig, rows):
    total = f"{sum(r.parameters for r in rows):,}"
    assert total == "60,000"
    assert total in fig.layout.title.text
    assert total in fig.layout.meta["alt"] and "C3 16@10×10" in fig.layout.meta["alt"]
    assert 300 <= fig.layout.height <= 600


def test_stacks_show_at_most_four_sheets_and_are_to_scale(fig, rows):
    # input: 1 sheet; C1, S2, C3, S4: 4 sheets each; C5, F6, output: 1 column each.
    assert len(fig.layout.shapes) == 1 + 4 * 4 + 3
    widths = {round(s.x1 - s.x0) for s in fig.layout.shapes if s.xsizemode == "pixel"}
    assert {64, 56, 28, 20, 10} <= widths  # 2 screen pixels per map pixel: 32, 28, 14, 10, 5


def test_hover_names_parameters_and_connections(fig, rows):
    hover = "".join(fig.data[0].hovertext)
    assert f"{rows[2].connections:,} connections" in hover


@pytest.mark.parametrize(("shape", "label"), [((28, 28, 6), "6@28×28"), ((1, 1, 120), "120 units"),
                                              ((84,), "84 units")])
def test_shape_label(shape, label):
    assert shape_label(shape) == label


def test_bad_arguments(rows):
    with pytest.raises(ValueError, match="rows"):
        architecture_figure([])
    with pytest.raises(TypeError, match="LayerRow"):
        architecture_figure([("C1", "Conv2D")])
    with pytest.raises(ValueError, match="height"):
        architecture_figure(rows, height=100)
    assert architecture_figure([LayerRow("D", "Dense", (4,), (2,), 10, 10)]).layout.height == 340
