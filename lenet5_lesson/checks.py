"""The package's one validator of numeric arguments, so that every function states its rules alike.

A wrong type is a ``TypeError`` and a value out of range a ``ValueError``; both name the
argument and the rule, for example ``cols must be an integer, got float 2.0`` or
``epochs=0 must be between 1 and 100``.
"""

from __future__ import annotations

import numbers

import numpy as np


def integer(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an ``int``, if it is an integer from ``low`` to ``high`` (both included).

    Python's and numpy's integers are accepted; a bool, a float (even ``2.0``) and None are not.

    Parameters
    ----------
    name : str
        How the error message names the argument.
    value : object
        The argument.
    low, high : int or None
        Smallest and largest allowed value; None for no limit.

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If it lies outside ``low`` .. ``high``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    _inside(name, value, low, high)
    return int(value)


def number(name: str, value, low: float | None = None, high: float | None = None, *,
           above: float | None = None, below: float | None = None) -> float:
    """``value`` as a ``float``, if it is a real number within the limits.

    Parameters
    ----------
    name : str
        How the error message names the argument.
    value : object
        The argument: an int or float, Python's or numpy's (not a bool, not NaN).
    low, high : float or None
        Limits that the value may equal.
    above, below : float or None
        Limits that the value must stay strictly beyond.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If it is NaN or outside the limits.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if np.isnan(value):
        raise ValueError(f"{name} must be a number, got NaN")
    _inside(name, value, low, high)
    if above is not None and below is not None and not above < value < below:
        raise ValueError(f"{name}={value} must be between {above} and {below}, both excluded")
    if above is not None and not value > above:
        raise ValueError(f"{name}={value} must be " + ("positive" if above == 0 else f"greater than {above}"))
    if below is not None and not value < below:
        raise ValueError(f"{name}={value} must be less than {below}")
    return float(value)


def _inside(name: str, value, low, high) -> None:
    if low is not None and high is not None and not low <= value <= high:
        raise ValueError(f"{name}={value} must be between {low} and {high}")
    if low is not None and value < low:
        raise ValueError(f"{name}={value} must be at least {low}")
    if high is not None and value > high:
        raise ValueError(f"{name}={value} must be at most {high}")
