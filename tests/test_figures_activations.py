import numpy as np
import pytest

from lenet5_lesson import paper
from lenet5_lesson.figures.activations import squash_figure, squash_profile


def test_profile_matches_the_paper():
    p = squash_profile(np.linspace(-4, 4, 8001))
    at = lambda v: int(np.argmin(np.abs(p["a"] - v)))  # noqa: E731
    assert p["f"][at(1)] == pytest.approx(1.0, abs=1e-4)
    assert p["f"][at(-1)] == pytest.approx(-1.0, abs=1e-4)
    assert p["f1"][at(0)] == pytest.approx(paper.SQUASH_A * paper.SQUASH_S, rel=1e-4)
    peak = abs(p["a"][np.argmax(np.abs(p["f2"]) * (p["a"] > 0))])
    assert peak == pytest.approx(np.arctanh(1 / np.sqrt(3)) / paper.SQUASH_S, abs=2e-3)


@pytest.mark.parametrize(("a", "match"), [(np.zeros((2, 2)), "1-D grid"), (np.array([0.0, 1.0, 3.0]), "evenly"),
                                          (np.array([1.0, 0.0, -1.0]), "increasing")])
def test_profile_bad_grid(a, match):
    with pytest.raises(ValueError, match=match):
        squash_profile(a)


def test_figure_traces_and_markers():
    fig = squash_figure(3.0)
    assert len(fig.data) == 5
    assert list(fig.data[-1].x) == [-1, 1] and list(fig.data[-1].y) == [-1, 1]
    assert fig.data[1].x.min() == -3.0 and fig.data[1].x.max() == 3.0
    assert fig.layout.title.text and fig.layout.meta["alt"]


@pytest.mark.parametrize(("bad", "error", "message"), [
    (1, ValueError, "limit=1 must be greater than 1"), (0.5, ValueError, "limit=0.5 must be greater than 1"),
    ("4", TypeError, "limit must be a number, got str"), (True, TypeError, "limit must be a number, got bool"),
    (float("nan"), ValueError, "limit must be a number, got NaN")])
def test_figure_bad_limit(bad, error, message):
    with pytest.raises(error, match=message):
        squash_figure(bad)
