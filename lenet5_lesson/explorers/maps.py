"""The feature-map explorer: a test digit through the trained LeNet-5, every map of a chosen layer.

Computed and drawn in the reader's browser by ``maps.js`` beside this module, with the maps'
picture it shares with the drawing pad (``network_view.js``) and LeNet-5 in JavaScript
(``engine.js``; see :mod:`lenet5_lesson.explorers.live`). This class holds the chosen digit and
layer, and checks them.
"""

from __future__ import annotations

import traitlets

from .. import checks
from ..figures.network import INSIDE_LAYERS
from .live import NetworkExplorer

#: What the layer menu offers: one of LeNet-5's layers, or all of them at once.
LAYER_CHOICES: tuple[str, ...] = (*INSIDE_LAYERS, "all")


def checked_layer(value) -> str:
    """``value`` if it is one of :data:`LAYER_CHOICES`.

    Raises
    ------
    TypeError
        If ``value`` is not a string.
    ValueError
        If it names no layer.
    """
    if not isinstance(value, str):
        raise TypeError(f"layer must be a string, got {type(value).__name__} {value!r}")
    if value not in LAYER_CHOICES:
        raise ValueError(f"layer must be one of {', '.join(LAYER_CHOICES)}, got {value!r}")
    return value


class FeatureMapExplorer(NetworkExplorer):
    """A test digit (``index``) and a layer (``layer``, or ``"all"``): the page shows every map of it.

    Beside the maps the page gives the digit's label and the network's answer; the ``output``
    layer is the ten penalties, the smallest marked. Setting a traitlet from Python redraws the
    page, and a control moved in the page sets the traitlet.
    """

    explorer = "maps"
    title = "The feature-map explorer"
    scripts = ("engine", "network_view")

    index = traitlets.Int(0, help="which test digit").tag(sync=True)
    layer = traitlets.Unicode("C1", help="the layer shown: " + ", ".join(LAYER_CHOICES)).tag(sync=True)
    layers = traitlets.List(list(LAYER_CHOICES), read_only=True, help="what the layer menu offers").tag(sync=True)

    @traitlets.validate("index")
    def _check_index(self, proposal) -> int:
        return checks.integer("index", proposal["value"], 0, self._count - 1)

    @traitlets.validate("layer")
    def _check_layer(self, proposal) -> str:
        return checked_layer(proposal["value"])


def feature_map_explorer(index: int = 0, layer: str = "C1", model=None, digits=None) -> FeatureMapExplorer:
    """The feature-map explorer; display it as the last expression of a cell.

    It runs in the page without a kernel too: the HTML book shows it live.

    Parameters
    ----------
    index : int
        The test digit shown first, from 0 to one less than the number of digits.
    layer : str
        One of :data:`LAYER_CHOICES`: ``"C1"`` to ``"F6"``, ``"output"`` (the ten penalties) or ``"all"``.
    model, digits
        A faithful Keras LeNet-5 and ``(images, labels)`` of one's own; None for the shipped network
        and the book's test digits (see :class:`~lenet5_lesson.explorers.live.NetworkExplorer`).

    Raises
    ------
    TypeError, ValueError
        If ``index`` is not an integer in range, or ``layer`` is not one of :data:`LAYER_CHOICES`.
    """
    # Checked here first, as traitlets would quietly take 1.0 for 1.
    return FeatureMapExplorer(model, digits, index=checks.integer("index", index), layer=checked_layer(layer))
