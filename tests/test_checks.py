"""The one validator: the same rule gives the same error everywhere in the package."""

import numpy as np
import pytest

from lenet5_lesson import checks
from lenet5_lesson.figures.digits import digit_grid
from lenet5_lesson.figures.network import tile_maps
from lenet5_lesson.figures.training import digit_gallery


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_integer_takes_python_and_numpy_integers(value):
    assert checks.integer("n", value, 1, 5) == 3 and type(checks.integer("n", value)) is int


@pytest.mark.parametrize("value", [2.0, True, np.bool_(True), None, "2"])
def test_integer_refuses_other_types_with_a_type_error(value):
    with pytest.raises(TypeError, match=f"n must be an integer, got {type(value).__name__}"):
        checks.integer("n", value)


@pytest.mark.parametrize(("low", "high", "value", "message"), [
    (1, 5, 0, "n=0 must be between 1 and 5"), (1, None, 0, "n=0 must be at least 1"),
    (None, 5, 6, "n=6 must be at most 5")])
def test_integer_names_the_range(low, high, value, message):
    with pytest.raises(ValueError, match=message):
        checks.integer("n", value, low, high)


def test_number_limits_included_and_excluded():
    assert checks.number("x", np.float32(0.5), above=0, below=1) == 0.5
    assert checks.number("x", 1, 0, 1) == 1.0
    for kwargs, message in (({"above": 0}, "x=0 must be positive"), ({"above": 0, "below": 1}, "x=0 must be between 0 and 1, both excluded"),
                            ({"below": 0}, "x=0 must be less than 0"), ({"low": 1}, "x=0 must be at least 1")):
        with pytest.raises(ValueError, match=message):
            checks.number("x", 0, **kwargs)
    with pytest.raises(ValueError, match="x must be a number, got NaN"):
        checks.number("x", float("nan"))
    with pytest.raises(TypeError, match="x must be a number, got bool"):
        checks.number("x", False)


def test_figures_apply_one_rule_to_their_counts():
    image = np.zeros((2, 28, 28), dtype=np.uint8)
    # Before the validator these were a TypeError, a ValueError and a refusal of numpy integers.
    calls = (lambda c: tile_maps(np.zeros((4, 4, 3)), columns=c),
             lambda c: digit_grid(image, [0, 1], cols=c),
             lambda c: digit_gallery(image, ["a", "b"], columns=c))
    for call in calls:
        with pytest.raises(TypeError, match="must be an integer, got float 2.0"):
            call(2.0)
        with pytest.raises(ValueError, match="=0 must be at least 1"):
            call(0)
        call(np.int64(2))
