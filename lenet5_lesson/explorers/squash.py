"""The squashing explorer: f(a) = A tanh(S a) with A and S on sliders, f(1) and f(-1) marked.

Computed and drawn in the reader's browser by ``squash.js`` beside this module (see
:mod:`lenet5_lesson.explorers.live`), in a live notebook and in the static book alike; this
class holds A and S, and the paper's values the page compares them with.
"""

from __future__ import annotations

import traitlets

from .. import checks, paper
from .live import LiveExplorer

#: Largest amplitude or slope the explorer takes.
MAX_FACTOR = 10.0

_NAMES = {"amplitude": "amplitude A", "slope": "slope S"}


class SquashingExplorer(LiveExplorer):
    """Amplitude ``A`` and slope ``S`` of f(a) = A tanh(S a), each in a slider and a box.

    The page draws f beside the paper's curve, marks f(1) and f(-1), and says how far f(1)
    is from 1; a button restores the paper's values.
    """

    explorer = "squash"
    title = "The squashing-function explorer"

    amplitude = traitlets.Float(paper.SQUASH_A, help="amplitude A").tag(sync=True)
    slope = traitlets.Float(paper.SQUASH_S, help="slope S").tag(sync=True)
    paper_amplitude = traitlets.Float(paper.SQUASH_A, read_only=True, help="the paper's A").tag(sync=True)
    paper_slope = traitlets.Float(paper.SQUASH_S, read_only=True, help="the paper's S").tag(sync=True)

    def __init__(self, amplitude: float = paper.SQUASH_A, slope: float = paper.SQUASH_S):
        super().__init__(amplitude=self._checked("amplitude", amplitude), slope=self._checked("slope", slope))

    @staticmethod
    def _checked(name: str, value) -> float:
        return checks.number(_NAMES[name], value, high=MAX_FACTOR, above=0)

    @traitlets.validate("amplitude", "slope")
    def _check_factor(self, proposal) -> float:
        return self._checked(proposal["trait"].name, proposal["value"])


def squashing_explorer(amplitude: float = paper.SQUASH_A, slope: float = paper.SQUASH_S) -> SquashingExplorer:
    """The squashing-function explorer, starting at the paper's A and S; display it as the last expression of a cell.

    It runs in the page without a kernel too: the HTML book shows it live.

    Raises
    ------
    TypeError, ValueError
        If ``amplitude`` or ``slope`` is not a number, or not in (0, :data:`MAX_FACTOR`].
    """
    return SquashingExplorer(amplitude, slope)
