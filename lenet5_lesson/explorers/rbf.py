"""The RBF viewer: a test digit's F6 output as a 7x12 bitmap against the ten output centres and their penalties.

Computed and drawn in the reader's browser by ``rbf.js`` beside this module (see
:mod:`lenet5_lesson.explorers.live`), in a live notebook and in the static book alike: the page
runs LeNet-5 up to F6 and computes each penalty y_i = sum_j (x_j - w_ij)^2 from the output
layer's fixed centres. This class holds the chosen digit and the class compared, and checks them.
"""

from __future__ import annotations

import traitlets

from .. import checks
from .live import NetworkExplorer

#: How many classes, and so output centres, there are.
CLASSES = 10


class RBFViewer(NetworkExplorer):
    """Test digit ``index`` at the output layer, compared in detail with the bitmap of class ``compare``.

    The page draws F6's 84 outputs as a 7-wide, 12-high bitmap beside the ten centres, the ten
    penalties as bars with the smallest (the answer) marked, and the squared difference between
    F6 and the bitmap of ``compare`` pixel by pixel; ``compare`` None follows the answer. Clicking
    a bitmap or a bar compares with that class. Setting a traitlet from Python redraws the page,
    and a change made in the page sets the traitlet.
    """

    explorer = "rbf"
    title = "The RBF viewer"

    index = traitlets.Int(0, help="the test digit shown").tag(sync=True)
    compare = traitlets.Int(None, allow_none=True, help="the class compared with F6; None for the answer").tag(
        sync=True)

    def __init__(self, index: int = 0, compare: int | None = None, model=None, digits=None):
        # Checked before traitlets sees them, which would quietly take 2.0 for 2.
        checks.integer("index", index)
        if compare is not None:
            checks.integer("compare", compare)
        super().__init__(model=model, digits=digits, index=index, compare=compare)

    @traitlets.validate("index")
    def _check_index(self, proposal) -> int:
        return checks.integer("index", proposal["value"], 0, self._count - 1)

    @traitlets.validate("compare")
    def _check_compare(self, proposal) -> int | None:
        value = proposal["value"]
        return None if value is None else checks.integer("compare", value, 0, CLASSES - 1)


def rbf_viewer(index: int = 0, compare: int | None = None, model=None, digits=None) -> RBFViewer:
    """The RBF viewer on test digit ``index``; display it as the last expression of a cell.

    It runs in the page without a kernel too: the HTML book shows it live.

    Parameters
    ----------
    index : int
        Which digit, from 0 to one less than the number of digits (the book's 100 test digits by default).
    compare : int or None
        The class (0 to 9) whose bitmap is compared with F6 pixel by pixel; None for the network's answer.
    model : keras.Model or None
        A faithful LeNet-5 of :func:`~lenet5_lesson.models.build_lenet5`; None for the shipped one.
    digits : tuple of (images, labels) or None
        ``(N, 28, 28)`` digits 0..255 and their ``N`` classes; None for the book's test digits.

    Raises
    ------
    TypeError, ValueError
        If ``index`` or ``compare`` is not an integer or out of range, or ``model`` or ``digits``
        break the rules of :class:`~lenet5_lesson.explorers.live.NetworkExplorer`.
    """
    return RBFViewer(index, compare, model, digits)
