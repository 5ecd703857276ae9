"""The kernel explorer: one 5x5 kernel over one test digit, its weighted sums before and after squashing.

Computed and drawn in the reader's browser by ``kernel.js`` beside this module (see
:mod:`lenet5_lesson.explorers.live`), in a live notebook and in the static book alike. The page
runs LeNet-5's preprocessing on the chosen digit and slides the kernel over it; this class holds
the digit's index, the 25 weights and the bias, the name of the kernel they were loaded from, and
the hand-made kernels the page offers beside the six trained C1 kernels.
"""

from __future__ import annotations

import functools

import numpy as np
import traitlets

from .. import checks
from .live import NetworkExplorer

#: Largest size of a weight or the bias the explorer takes.
MAX_WEIGHT = 100.0
#: The side of a C1 kernel.
SIDE = 5

_EDGE = np.tile([-1.0, -1.0, 0.0, 1.0, 1.0], (SIDE, 1)) / 5
_IDENTITY = np.zeros((SIDE, SIDE))
_IDENTITY[2, 2] = 1.0
_BLUR = np.full((SIDE, SIDE), 1 / 25)

#: Hand-made kernels (weights, bias); the edge kernels are scaled so strong edges reach the squashing's bend.
HAND_KERNELS: dict[str, tuple[np.ndarray, float]] = {
    "identity": (_IDENTITY, 0.0),
    "blur": (_BLUR, 0.0),
    "vertical edge": (_EDGE, 0.0),
    "horizontal edge": (_EDGE.T.copy(), 0.0),
    "sharpen": (2 * _IDENTITY - _BLUR, 0.0),
}
#: The names of the trained network's six C1 kernels, in the order of its maps.
TRAINED_KERNELS: tuple[str, ...] = tuple(f"trained C1 map {m}" for m in range(6))


@functools.cache
def _shipped_c1() -> tuple[np.ndarray, np.ndarray]:
    from ..pretrained import pretrained  # noqa: PLC0415 - Keras, only when a trained kernel is asked for in Python

    kernel, bias = pretrained().get_layer("C1").get_weights()
    return kernel, bias


def _weight_name(i: int) -> str:
    return f"weight row {i // SIDE + 1}, column {i % SIDE + 1}"


class KernelExplorer(NetworkExplorer):
    """A test digit, a 5x5 kernel and a bias, and C1's map of the digit before and after squashing.

    The page offers the hand-made kernels of :data:`HAND_KERNELS` and the six kernels of the
    network's C1 in a menu that loads a kernel into the 25 weight boxes and the bias box; each
    box can then be edited. Setting :attr:`kernel` from Python loads that kernel too; setting
    :attr:`weights` or :attr:`bias` edits it.

    Parameters
    ----------
    index : int
        The test digit, from 0 to the number of digits minus one.
    kernel : str
        A name of :data:`HAND_KERNELS` or :data:`TRAINED_KERNELS`.
    model, digits
        As for :class:`~lenet5_lesson.explorers.live.NetworkExplorer`: a faithful LeNet-5 whose C1
        kernels the menu offers, and the digits to choose from; None for the shipped ones.
    """

    explorer = "kernel"
    title = "The kernel explorer"

    # Plain traits, not Int or Float, which would turn 1.0 or True into a number before checks sees them.
    index = traitlets.TraitType(0, help="the test digit").tag(sync=True)
    kernel = traitlets.TraitType("vertical edge", help="the kernel the weights were last loaded from").tag(sync=True)
    weights = traitlets.TraitType(None, help="the 25 weights, row by row").tag(sync=True)
    bias = traitlets.TraitType(0.0, help="the bias").tag(sync=True)
    hand_kernels = traitlets.List(read_only=True, help="the menu's hand-made kernels, [name, weights, bias] each"
                                  ).tag(sync=True)

    def __init__(self, index: int = 0, kernel: str = "vertical edge", model=None, digits=None):
        self._model = model
        super().__init__(model=model, digits=digits)
        self.set_trait("hand_kernels", [[name, [float(w) for w in weights.ravel()], bias]
                                        for name, (weights, bias) in HAND_KERNELS.items()])
        self.index = index
        self.kernel = kernel
        self._load()  # also when ``kernel`` is the default, which sets no change

    def kernel_weights(self, name: str) -> tuple[list[float], float]:
        """The 25 weights (row by row) and the bias of the kernel ``name`` of the menu."""
        if name in HAND_KERNELS:
            weights, bias = HAND_KERNELS[name]
        else:
            m = TRAINED_KERNELS.index(name)
            kernel, biases = (self._model.get_layer("C1").get_weights() if self._model is not None
                              else _shipped_c1())
            weights, bias = kernel[:, :, 0, m], biases[m]
        return [float(w) for w in np.ravel(weights)], float(bias)

    @traitlets.validate("index")
    def _check_index(self, proposal) -> int:
        return checks.integer("index", proposal["value"], 0, self._count - 1)

    @traitlets.validate("kernel")
    def _check_kernel(self, proposal) -> str:
        name = proposal["value"]
        names = [*HAND_KERNELS, *TRAINED_KERNELS]
        if not isinstance(name, str):
            raise TypeError(f"kernel must be a name (str), got {type(name).__name__} {name!r}")
        if name not in names:
            raise ValueError(f"kernel={name!r} must be one of {', '.join(map(repr, names))}")
        return name

    @traitlets.validate("weights")
    def _check_weights(self, proposal) -> list[float]:
        values = proposal["value"]
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise TypeError(f"weights must be 25 numbers (a 5x5 array or a list), got {type(values).__name__}")
        flat = np.asarray(values, dtype=object).reshape(-1) if np.ndim(values) > 1 else list(values)
        if len(flat) != SIDE * SIDE:
            raise ValueError(f"weights must be 25 numbers (a 5x5 array or a list), got {len(flat)}")
        return [checks.number(_weight_name(i), w, -MAX_WEIGHT, MAX_WEIGHT) for i, w in enumerate(flat)]

    @traitlets.validate("bias")
    def _check_bias(self, proposal) -> float:
        return checks.number("bias", proposal["value"], -MAX_WEIGHT, MAX_WEIGHT)

    @traitlets.observe("kernel")
    def _load(self, change=None) -> None:
        weights, bias = self.kernel_weights(self.kernel)
        with self.hold_trait_notifications():
            self.weights, self.bias = weights, bias


def kernel_explorer(index: int = 0, kernel: str = "vertical edge", model=None, digits=None) -> KernelExplorer:
    """The kernel explorer; display it as the last expression of a cell.

    It runs in the page without a kernel too: the HTML book shows it live.

    Parameters
    ----------
    index : int
        The test digit to start with.
    kernel : str
        The kernel to start with: a name of :data:`HAND_KERNELS` or :data:`TRAINED_KERNELS`.
    model : keras.Model or None
        A faithful LeNet-5 whose C1 kernels the explorer offers; None for the shipped one.
    digits : tuple of (images, labels) or None
        The digits to choose from; None for the book's test digits.

    Raises
    ------
    TypeError, ValueError
        If ``index`` is not an integer of the digits' range, ``kernel`` not a known name, or
        ``model`` or ``digits`` break the rules of
        :class:`~lenet5_lesson.explorers.live.NetworkExplorer`.
    """
    return KernelExplorer(index, kernel, model=model, digits=digits)
