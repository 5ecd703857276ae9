import numpy as np
import pytest

from lenet5_lesson.figures.digits import digit_grid, heatmap_panels


def test_digit_grid_titles_and_traces():
    images = np.arange(12 * 28 * 28, dtype=float).reshape(12, 28, 28)
    fig = digit_grid(images, list(range(12)), cols=5)
    assert len(fig.data) == 12
    assert [a.text for a in fig.layout.annotations] == [str(i) for i in range(12)]
    assert np.asarray(fig.data[0].z).shape == (28, 28)
    assert fig.layout.title.text and fig.layout.meta["alt"]


def test_digit_grid_accepts_channel_axis():
    assert len(digit_grid(np.zeros((3, 28, 28, 1)), [0, 1, 2]).data) == 3


@pytest.mark.parametrize(("images", "labels", "cols", "match"), [
    (np.zeros((3, 28)), [0, 1, 2], 10, "images must have shape"),
    (np.zeros((3, 28, 28)), [0, 1], 10, "one label per image"),
    (np.zeros((3, 28, 28)), [0, 1, 2], 0, "cols=0"),
])
def test_digit_grid_bad_arguments(images, labels, cols, match):
    with pytest.raises(ValueError, match=match):
        digit_grid(images, labels, cols=cols)


def test_heatmap_panels_rows_titles_and_colour_bars():
    panels = {f"p{i}": np.full((4 + i, 4), i) for i in range(5)}
    fig = heatmap_panels(panels, "T", "alt text", cols=3)
    assert len(fig.data) == 5
    assert [a.text for a in fig.layout.annotations] == list(panels)
    assert [np.asarray(t.z).shape for t in fig.data] == [v.shape for v in panels.values()]
    assert fig.layout.title.text == "T" and fig.layout.meta["alt"] == "alt text"
    assert fig.layout.yaxis4.domain[1] < fig.layout.yaxis.domain[0]  # panel 4 starts a second row


def test_heatmap_panels_shared_range_has_one_colour_bar():
    fig = heatmap_panels({"a": np.zeros((2, 2)), "b": np.ones((2, 2)) * 3}, "T", "alt", shared_range=True)
    assert [t.showscale for t in fig.data] == [False, True]
    assert all((t.zmin, t.zmax) == (0, 3) for t in fig.data)


@pytest.mark.parametrize(("panels", "title", "alt", "match"), [
    ({}, "T", "a", "non-empty mapping"),
    ({"a": np.zeros(3)}, "T", "a", "2-D array"),
    ({"a": np.zeros((2, 2))}, "", "a", "title"),
    ({"a": np.zeros((2, 2))}, "T", " ", "alt"),
])
def test_heatmap_panels_bad_arguments(panels, title, alt, match):
    with pytest.raises(ValueError, match=match):
        heatmap_panels(panels, title, alt)
