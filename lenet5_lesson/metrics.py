"""Counting a classifier's mistakes."""

from __future__ import annotations

import numpy as np


def _labels(name: str, y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-D array of integer class labels, got shape {y.shape} "
                         f"and dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError(f"{name} must hold digits 0..9, found {y.min()}..{y.max()}")
    return y


def confusion_matrix(y_true, y_pred) -> np.ndarray:
    """A 10x10 count matrix: row = true digit, column = predicted digit."""
    y_true, y_pred = _labels("y_true", y_true), _labels("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {len(y_true)} and {len(y_pred)}")
    matrix = np.zeros((10, 10), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def error_rate(y_true, y_pred) -> float:
    """Fraction of labels predicted wrongly."""
    matrix = confusion_matrix(y_true, y_pred)
    total = matrix.sum()
    if total == 0:
        raise ValueError("y_true is empty: no error rate without examples")
    return float(1.0 - np.trace(matrix) / total)
