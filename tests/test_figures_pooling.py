import numpy as np
import pytest

from lenet5_lesson.figures.pooling import pool_outputs, pooling_comparison, subsample, window_response
from lenet5_lesson.layers import squash


def test_subsample_is_squashed_scaled_window_sum():
    x = np.arange(16, dtype="float32").reshape(4, 4) / 10
    out = subsample(x, 0.5, 0.1)
    sums = x.reshape(2, 2, 2, 2).sum(axis=(1, 3))
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out, np.asarray(squash(0.5 * sums + 0.1)), rtol=1e-5)


def test_pool_outputs_average_and_max():
    x = np.array([[1, 2], [3, 10]], dtype="float32")
    outs = list(pool_outputs(x, 1.0, 0.0).values())
    assert outs[1][0, 0] == pytest.approx(4.0) and outs[2][0, 0] == pytest.approx(10.0)


def test_pooling_comparison_panels():
    fig = pooling_comparison(np.random.default_rng(0).standard_normal((28, 28)), 0.5, 0.0)
    assert len(fig.data) == 4
    assert [np.asarray(t.z).shape for t in fig.data] == [(28, 28)] + [(14, 14)] * 3
    assert fig.layout.annotations[0].text == "input 28x28"
    assert fig.layout.meta["alt"]


def test_window_response_or_and():
    fig = window_response([(2.0, 6.0), (2.0, -6.0)])
    assert len(fig.data) == 2 and list(fig.data[0].x) == [0, 1, 2, 3, 4]
    or_line, and_line = np.asarray(fig.data[0].y), np.asarray(fig.data[1].y)
    assert or_line[0] < 0 < or_line[1]
    assert and_line[3] < 0 < and_line[4]
    assert fig.layout.title.text and fig.layout.meta["alt"]


@pytest.mark.parametrize(("settings", "match"), [([], "non-empty"), ("ab", "non-empty"), ([(1.0,)], "pair")])
def test_window_response_bad_settings(settings, match):
    with pytest.raises(ValueError, match=match):
        window_response(settings)


def test_bad_feature_map():
    with pytest.raises(ValueError, match="feature_map must be a 2-D array"):
        subsample(np.zeros(5), 1.0, 0.0)
