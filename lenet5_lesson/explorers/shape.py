"""The shape calculator: n, k, s, p, d -> output size, the formula with numbers, every kernel position.

Computed and drawn in the reader's browser by ``shape.js`` beside this module (see
:mod:`lenet5_lesson.explorers.live`), in a live notebook and in the static book alike, with the
arithmetic of :mod:`lenet5_lesson.shapes`; this class holds the five numbers and the presets
the page offers, and checks them.
"""

from __future__ import annotations

import traitlets

from .. import checks
from ..shapes import conv_output_size
from .live import LiveExplorer

#: Largest value of n, k, s, p or d: the largest integer a browser's numbers hold exactly (2**53 - 1).
MAX_INTEGER = 2**53 - 1

#: Settings the explorer's menu offers: (label, n, k, s, p, d), LeNet-5's layers first.
SHAPE_PRESETS: tuple[tuple[str, int, int, int, int, int], ...] = (
    ("C1: 32, k5", 32, 5, 1, 0, 1),
    ("S2: 28, k2 s2", 28, 2, 2, 0, 1),
    ("C3: 14, k5", 14, 5, 1, 0, 1),
    ("C5: 5, k5", 5, 5, 1, 0, 1),
    ("same: 28, k5 p2", 28, 5, 1, 2, 1),
    ("stride 2: 9, k3", 9, 3, 2, 0, 1),
    ("leftover: 10, k3 s3", 10, 3, 3, 0, 1),
    ("padded stride: 7, k3 s2 p1", 7, 3, 2, 1, 1),
    ("dilation 2: 9, k3", 9, 3, 1, 0, 2),
)

#: Each setting's name in messages and its smallest value.
_RULES = {"n": ("input size n", 1), "k": ("kernel k", 1), "s": ("stride s", 1), "p": ("padding p", 0),
          "d": ("dilation d", 1)}


class ShapeCalculator(LiveExplorer):
    """Input size ``n``, kernel ``k``, stride ``s``, padding ``p`` and dilation ``d``, each in a slider and a box.

    The page shows the output size, the formula with the numbers put in, and the padded grid
    with a dot at the centre of every kernel position; when no position fits it says why.
    Setting a traitlet from Python (``calc.k = 3``) redraws the page, and moving a control in
    the page sets the traitlet.
    """

    explorer = "shape"
    title = "The shape calculator"

    n = traitlets.Int(32, help="input size n (pixels)").tag(sync=True)
    k = traitlets.Int(5, help="kernel size k").tag(sync=True)
    s = traitlets.Int(1, help="stride s").tag(sync=True)
    p = traitlets.Int(0, help="zero padding p on each side").tag(sync=True)
    d = traitlets.Int(1, help="dilation d").tag(sync=True)
    presets = traitlets.List(help="the menu's settings, [label, n, k, s, p, d] each").tag(sync=True)

    def __init__(self, n: int = 32, k: int = 5, s: int = 1, p: int = 0, d: int = 1, presets=SHAPE_PRESETS):
        values = {name: self._checked(name, value) for name, value in zip("nkspd", (n, k, s, p, d))}
        super().__init__(**values, presets=[list(preset) for preset in presets])

    @staticmethod
    def _checked(name: str, value) -> int:
        label, low = _RULES[name]
        return checks.integer(label, value, low, MAX_INTEGER)

    @traitlets.validate("n", "k", "s", "p", "d")
    def _check_setting(self, proposal) -> int:
        return self._checked(proposal["trait"].name, proposal["value"])

    @traitlets.validate("presets")
    def _check_presets(self, proposal) -> list:
        presets = []
        for preset in proposal["value"]:
            if len(preset) != 6 or not isinstance(preset[0], str):
                raise ValueError(f"a preset must be (label, n, k, s, p, d), got {preset!r}")
            numbers = [self._checked(name, value) for name, value in zip("nkspd", preset[1:])]
            conv_output_size(*numbers)  # a preset must be a setting with an output
            presets.append([preset[0], *numbers])
        return presets


def shape_calculator(n: int = 32, k: int = 5, s: int = 1, p: int = 0, d: int = 1) -> ShapeCalculator:
    """The shape calculator, starting at C1's settings; display it as the last expression of a cell.

    It runs in the page without a kernel too: the HTML book shows it live.

    Raises
    ------
    TypeError, ValueError
        If a setting is not an integer, or below its smallest value (1; 0 for ``p``), or above
        :data:`MAX_INTEGER`. A kernel wider than the padded input is allowed: the page says why
        there is no output.
    """
    return ShapeCalculator(n, k, s, p, d)
