import numpy as np
import pytest

from lenet5_lesson.bitmaps import digit_bitmaps
from lenet5_lesson.figures.rbf import bitmaps_figure, loss_versus_wrong_penalty_figure, map_loss, penalties_figure

PENALTIES = [2.0, 9.0, 10.0, 8.0, 7.0, 9.0, 11.0, 6.0, 5.0, 8.0]


def test_bitmaps_figure():
    fig = bitmaps_figure()
    assert len(fig.data) == 10
    np.testing.assert_array_equal(np.asarray(fig.data[3].z), digit_bitmaps()[3])
    assert "7x12" in fig.layout.title.text
    assert fig.layout.meta["alt"]


def test_penalties_figure():
    f6 = np.linspace(-1, 1, 84)
    fig = penalties_figure(f6, PENALTIES, 0)
    assert len(fig.data) == 12
    assert np.asarray(fig.data[0].z).shape == (12, 7)
    assert list(fig.data[1].y) == PENALTIES
    assert fig.layout.title.text == "A test 0 at the output: the smallest penalty is digit 0's"
    with pytest.raises(ValueError, match="f6 must hold 84"):
        penalties_figure(f6[:80], PENALTIES, 0)
    with pytest.raises(ValueError, match="penalties must hold 10"):
        penalties_figure(f6, PENALTIES[:9], 0)
    with pytest.raises(ValueError, match="label=10 must be between 0 and 9"):
        penalties_figure(f6, PENALTIES, 10)


def test_map_loss_is_equation_nine():
    y = np.array(PENALTIES)
    assert map_loss(y, 0, 1.0) == pytest.approx(y[0] + np.log(np.exp(-1.0) + np.exp(-y).sum()), rel=1e-5)


def test_loss_figure_curves():
    fig = loss_versus_wrong_penalty_figure(PENALTIES, 0, 7, js=(1.0, 4.0), top=10.0)
    assert len(fig.data) == 3
    ml, map1, map4 = fig.data
    assert np.allclose(ml.y, PENALTIES[0])
    # the MAP loss falls as the wrong penalty grows, and never below maximum likelihood's
    assert np.all(np.diff(map1.y) <= 1e-6)
    assert map1.y[0] > map1.y[-1]
    y = np.array(PENALTIES)
    y[7] = 10.0
    assert map4.y[-1] == pytest.approx(map_loss(y, 0, 4.0), rel=1e-5)
    assert "wrong class 7" in fig.layout.title.text
    with pytest.raises(ValueError, match="wrong=0 must differ from label=0"):
        loss_versus_wrong_penalty_figure(PENALTIES, 0, 0)
    with pytest.raises(ValueError, match="top=0 must be positive"):
        loss_versus_wrong_penalty_figure(PENALTIES, 0, 1, top=0)
    with pytest.raises(ValueError, match="js must hold"):
        loss_versus_wrong_penalty_figure(PENALTIES, 0, 1, js=())
