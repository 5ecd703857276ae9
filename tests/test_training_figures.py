import numpy as np
import pytest

from lenet5_lesson.figures.training import (confusion_figure, digit_gallery, error_bars, learning_curves,
                                            schedules_figure)
from lenet5_lesson.metrics import confusion_matrix, error_rate


def test_confusion_matrix_and_error_rate():
    y_true = np.array([0, 1, 2, 2, 9])
    y_pred = np.array([0, 1, 3, 2, 4])
    matrix = confusion_matrix(y_true, y_pred)
    assert matrix.sum() == 5 and matrix[2, 3] == 1 and matrix[9, 4] == 1 and np.trace(matrix) == 3
    assert error_rate(y_true, y_pred) == pytest.approx(0.4)
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix(y_true, y_pred[:3])
    with pytest.raises(ValueError, match="digits 0..9"):
        confusion_matrix(np.array([10]), np.array([1]))
    with pytest.raises(ValueError, match="y_pred must be a 1-D array of integer"):
        confusion_matrix(y_true, y_pred.astype(float))
    with pytest.raises(ValueError, match="empty"):
        error_rate(np.array([], int), np.array([], int))


def test_learning_curves():
    fig = learning_curves({"train_error": [0.05, 0.02], "test_error": [0.06, 0.03]}, paper_error=0.95)
    assert [t.name for t in fig.data] == ["training set", "test set"]
    assert list(fig.data[1].y) == pytest.approx([6.0, 3.0])
    assert fig.layout.title.text and fig.layout.meta["alt"]
    with pytest.raises(ValueError, match="train_error"):
        learning_curves({"test_error": [0.1]})


def test_confusion_figure_hides_the_diagonal():
    fig = confusion_figure(np.array([1, 1, 2]), np.array([1, 2, 2]))
    z = np.array(fig.data[0].z, dtype=float)
    assert np.isnan(np.diag(z)).all() and z[1, 2] == 1


def test_gallery_places_every_digit():
    images = np.zeros((5, 28, 28), np.uint8)
    fig = digit_gallery(images, [str(i) for i in range(5)], columns=2)
    assert len(fig.data) == 5 and len(fig.layout.annotations) == 5
    with pytest.raises(ValueError, match="one entry per image"):
        digit_gallery(images, ["a"])
    with pytest.raises(ValueError, match="columns=0"):
        digit_gallery(images, list("abcde"), columns=0)


def test_error_bars_sorted_and_highlighted():
    fig = error_bars({"a": 1.0, "b": 5.0, "c": 0.5}, highlight=["c"])
    assert list(fig.data[0].y) == ["b", "a", "c"]
    assert fig.data[0].marker.color[-1] != fig.data[0].marker.color[0]
    with pytest.raises(ValueError, match="not in errors"):
        error_bars({"a": 1.0}, highlight=["z"])


def test_schedules_figure():
    fig = schedules_figure({"x": [0.1, 0.1, 0.01]})
    assert len(fig.data) == 1 and fig.layout.yaxis.type == "log"
    with pytest.raises(ValueError, match="positive step sizes"):
        schedules_figure({"x": [0.1, 0.0]})


def test_seed_spread_figure_draws_every_seed_and_the_mean():
    from lenet5_lesson.figures.training import seed_spread_figure
    from lenet5_lesson.pretrained import SeedSummary

    a = SeedSummary("faithful", (0, 1, 2), (0.009, 0.010, 0.011))
    b = SeedSummary("relu", (0, 1), (0.012, 0.014))
    fig = seed_spread_figure({"faithful": a, "ReLU": b}, reference=("paper", 0.95))
    dots = [t for t in fig.data if t.marker.symbol != "diamond"]
    means = [t for t in fig.data if t.marker.symbol == "diamond"]
    assert sorted(len(t.x) for t in dots) == [2, 3]
    assert {t.y[0]: round(t.x[0], 6) for t in means} == {"faithful": 1.0, "ReLU": 1.3}
    assert {t.y[0]: round(t.error_x.value, 6) for t in means} == {"faithful": 0.1, "ReLU": round(100 * b.std, 6)}
    assert fig.layout.shapes[0].x0 == 0.95 and fig.layout.xaxis.type == "log" and fig.layout.meta["alt"]
    with pytest.raises(ValueError, match="at least one network"):
        seed_spread_figure({})
    with pytest.raises(TypeError, match="SeedSummary"):
        seed_spread_figure({"x": [0.01]})


def test_seed_summary_statistics():
    from lenet5_lesson.pretrained import SeedSummary

    s = SeedSummary("faithful", (0, 1, 2, 3), (0.008, 0.009, 0.010, 0.011))
    assert s.mean == pytest.approx(0.0095) and s.std == pytest.approx(np.std([8, 9, 10, 11], ddof=1) / 1000)
    assert s.within(0.0095 + 1.9 * s.std) and not s.within(0.0095 + 2.1 * s.std)
    assert SeedSummary("x", (0,), (0.01,)).std == 0.0


def test_seed_spread_reference_label_sits_on_its_line():
    from lenet5_lesson.figures.training import seed_spread_figure
    from lenet5_lesson.pretrained import SeedSummary

    fig = seed_spread_figure({"a": SeedSummary("a", (0, 1), (0.01, 0.2))}, reference=("paper", 0.95))
    assert fig.layout.annotations[0].x == pytest.approx(np.log10(0.95)) and fig.layout.shapes[0].x0 == 0.95


def test_error_curves_colour_the_seeds_of_one_recipe_alike():
    from lenet5_lesson.figures.training import error_curves

    histories = {"SDLM seed 0": {"test_error": [0.05, 0.02]}, "SDLM seed 1": {"test_error": [0.04, 0.03]},
                 "Adam seed 0": {"test_error": [0.03, 0.01, 0.009]}}
    fig = error_curves(histories, reference=("paper: 0.95 %", 0.95))
    assert [t.name for t in fig.data] == list(histories)
    assert fig.data[0].line.color == fig.data[1].line.color != fig.data[2].line.color
    assert list(fig.data[2].y) == pytest.approx([3.0, 1.0, 0.9])
    assert fig.layout.yaxis.type == "log" and fig.layout.shapes[0].y0 == 0.95
    with pytest.raises(ValueError, match="'broken' must hold a non-empty list 'test_error'"):
        error_curves({"broken": {"test_error": []}})
    with pytest.raises(ValueError, match="at least one run"):
        error_curves({})


def test_step_range_figure_draws_both_ends_of_every_pass():
    from lenet5_lesson.figures.training import step_range_figure

    history = {"step_min": [1e-5, 2e-6], "step_max": [2e-3, 1e-3]}
    fig = step_range_figure({"seed 0": history}, reference=(7e-5, 0.016))
    assert list(fig.data[0].y) == history["step_max"] and list(fig.data[1].y) == history["step_min"]
    assert list(fig.data[-1].y) == [7e-5, 0.016] and fig.layout.yaxis.type == "log"
    with pytest.raises(ValueError, match="train it with optimizer='sdlm'"):
        step_range_figure({"adam": {"test_error": [0.1]}})
