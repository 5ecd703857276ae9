"""The unit inspector: any unit of any layer, its receptive field, its window below and its computation in numbers.

Computed and drawn in the reader's browser by ``units.js`` beside this module (see
:mod:`lenet5_lesson.explorers.live`), in a live notebook and in the static book alike: the page
runs the trained LeNet-5 on a test digit, draws every map of every layer, and for the unit the
reader points at (hover, tap or the arrow keys) shows where it looks on the input, which units of
the layer below it reads and how its value comes out of them. This class holds the digit and the
selected unit, and checks them.
"""

from __future__ import annotations

import traitlets

from .. import checks
from .live import NetworkExplorer

#: Every layer the inspector offers: (number of maps or units, side of each map). The layers
#: without maps (C5, F6 and the output) have one "map" per unit, of side 1.
LAYER_SHAPES: dict[str, tuple[int, int]] = {
    "C1": (6, 28), "S2": (6, 14), "C3": (16, 10), "S4": (16, 5), "C5": (120, 1), "F6": (84, 1), "output": (10, 1),
}


def _checked(layer: str, name: str, value) -> int:
    """``value`` of ``map``, ``row`` or ``col`` (``name``) of a unit of ``layer``, checked."""
    maps, side = LAYER_SHAPES[layer]
    if name == "map":
        return checks.integer(f"map (of layer {layer})", value, 0, maps - 1)
    return checks.integer(f"{name} (in layer {layer})", value, 0, side - 1)


class UnitInspector(NetworkExplorer):
    """A test digit ``index`` and one unit: ``layer``, ``map`` (the unit's number in C5, F6 and the output), ``row``, ``col``.

    Setting a traitlet from Python redraws the page, and a unit chosen in the page sets the
    traitlets; :meth:`select` changes the four of a unit at once. A layer set on its own keeps
    the map, row and column where they still fit and moves them inside the new layer where not.
    """

    explorer = "units"
    title = "The unit inspector"

    index = traitlets.Int(0, help="which test digit").tag(sync=True)
    layer = traitlets.Unicode("C1", help="the selected unit's layer").tag(sync=True)
    map = traitlets.Int(0, help="the selected unit's map (its number in C5, F6 and the output)").tag(sync=True)
    row = traitlets.Int(0, help="the selected unit's row in its map").tag(sync=True)
    col = traitlets.Int(0, help="the selected unit's column in its map").tag(sync=True)

    @traitlets.validate("index")
    def _check_index(self, proposal) -> int:
        return checks.integer("index", proposal["value"], 0, self._count - 1)

    @traitlets.validate("layer")
    def _check_layer(self, proposal) -> str:
        value = proposal["value"]
        if value not in LAYER_SHAPES:
            raise ValueError(f"layer must be one of {', '.join(LAYER_SHAPES)}, got {value!r}")
        return value

    # Checked against the layer the object holds by then: inside hold_trait_notifications (the
    # widget's updates from the page) that is the new layer.
    @traitlets.validate("map", "row", "col")
    def _check_unit(self, proposal) -> int:
        return _checked(self.layer, proposal["trait"].name, proposal["value"])

    @traitlets.observe("layer")
    def _fit_the_unit(self, change) -> None:
        maps, side = LAYER_SHAPES[change["new"]]
        self.set_trait("map", min(self.map, maps - 1))
        self.set_trait("row", min(self.row, side - 1))
        self.set_trait("col", min(self.col, side - 1))

    def select(self, layer: str, map: int = 0, row: int | None = None, col: int | None = None) -> None:  # noqa: A002
        """Select one unit: ``layer``, ``map`` and ``row``, ``col`` (None for the middle of the map), checked together.

        Raises
        ------
        TypeError, ValueError
            If the layer is not one of :data:`LAYER_SHAPES` or the unit is not in it; nothing changes then.
        """
        self._check_layer({"value": layer})
        side = LAYER_SHAPES[layer][1]
        # All checked first: traitlets would take 2.0 for 2, and it checks only the traits that change.
        unit = {name: _checked(layer, name, side // 2 if value is None else value)
                for name, value in (("map", map), ("row", row), ("col", col))}
        with self.hold_trait_notifications():
            self.layer = layer
            for name, value in unit.items():
                setattr(self, name, value)


def unit_inspector(index: int = 0, layer: str = "C1", map: int = 0, row: int | None = None,  # noqa: A002
                   col: int | None = None, model=None, digits=None) -> UnitInspector:
    """The unit inspector on test digit ``index``, one unit selected; display it as the last expression of a cell.

    It runs in the page without a kernel too: the HTML book shows it live.

    Parameters
    ----------
    index : int
        Which test digit, from 0.
    layer : str
        The selected unit's layer, one of :data:`LAYER_SHAPES` (``"C1"`` to ``"F6"``, ``"output"``).
    map : int
        Its map in C1 to S4, or its number in C5, F6 and the output (the output's unit ``d`` is digit ``d``).
    row, col : int or None
        Its place in its map; None for the middle (always 0 in C5, F6 and the output).
    model, digits
        Another faithful LeNet-5 and other digits; see :class:`~lenet5_lesson.explorers.live.NetworkExplorer`.

    Raises
    ------
    TypeError, ValueError
        If an argument is not an integer where one is needed, or names no digit, layer or unit.
    """
    inspector = UnitInspector(model=model, digits=digits)
    inspector.index = checks.integer("index", index)
    inspector.select(layer, map, row, col)
    return inspector
