"""The C3 table editor: toggle which S2 maps feed each C3 map, and watch the counts and the C3 maps.

Computed and drawn in the reader's browser by ``c3.js`` beside this module (see
:mod:`lenet5_lesson.explorers.live`), in a live notebook and in the static book alike. The page
runs the trained LeNet-5 on a test digit and recomputes the 16 C3 maps from S2 with the table the
reader chose: a connection of Table I keeps its trained 5x5 kernel; a connection Table I does not
have was never trained, so it gets a kernel of zeros, which changes the counts but not the maps.
This class holds the table, the digit and the presets, and checks them.
"""

from __future__ import annotations

from collections.abc import Sequence

import traitlets

from .. import checks, paper
from .live import NetworkExplorer

S2_MAPS = 6
C3_MAPS = 16

Table = tuple[tuple[int, ...], ...]

#: Tables the editor's buttons set: the paper's first, then every pair, two thinner ones and none at all.
C3_PRESETS: tuple[tuple[str, Table], ...] = (
    ("Table I", paper.C3_TABLE),
    ("every pair", tuple(tuple(range(S2_MAPS)) for _ in range(C3_MAPS))),
    ("three neighbours each", tuple(tuple(sorted((j + i) % S2_MAPS for i in range(3))) for j in range(C3_MAPS))),
    ("one map each", tuple((j % S2_MAPS,) for j in range(C3_MAPS))),
    ("no connections", ((),) * C3_MAPS),
)


def checked_table(table, name: str = "table") -> list[list[int]]:
    """``table`` as 16 sorted lists of S2 maps, if it is a valid C3 connection table.

    A C3 map may have no inputs (the page shows its bias alone), but may not list an S2 map twice.

    Raises
    ------
    TypeError
        If ``table`` or one of its entries is not a sequence, or an S2 map is not an integer.
    ValueError
        If there are not 16 entries, or an S2 map is outside 0..5 or listed twice in one entry.
    """
    if isinstance(table, (str, bytes)) or not isinstance(table, Sequence):
        raise TypeError(f"{name} must be a sequence of {C3_MAPS} sequences of S2 maps, got {type(table).__name__}")
    if len(table) != C3_MAPS:
        raise ValueError(f"{name} must have {C3_MAPS} entries, one per C3 map, got {len(table)}")
    rows = []
    for j, inputs in enumerate(table):
        if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
            raise TypeError(f"{name}[{j}] must be a sequence of S2 maps, got {type(inputs).__name__}")
        maps = [checks.integer(f"{name}[{j}] (an S2 map)", i, 0, S2_MAPS - 1) for i in inputs]
        if len(set(maps)) != len(maps):
            raise ValueError(f"{name}[{j}] lists an S2 map twice: {maps}")
        rows.append(sorted(maps))
    return rows


class C3TableEditor(NetworkExplorer):
    """The 6 x 16 connections of C3 as toggle buttons, the counts, and the C3 maps of one test digit.

    ``table`` holds, for each C3 map, the S2 maps it reads; ``index`` the test digit. Setting
    either from Python (``editor.table = ...``) redraws the page, and a button pressed in the
    page sets the traitlet.
    """

    explorer = "c3"
    title = "The C3 table editor"

    table = traitlets.List(help="for each of the 16 C3 maps, the S2 maps it reads").tag(sync=True)
    index = traitlets.Int(0, help="which test digit").tag(sync=True)
    presets = traitlets.List(read_only=True, help="the preset buttons' tables, [label, table] each").tag(sync=True)
    paper_table = traitlets.List(read_only=True, help="Table I, whose connections have trained kernels").tag(sync=True)

    def __init__(self, table: Sequence[Sequence[int]] = paper.C3_TABLE, index: int = 0, *, model=None, digits=None):
        # Checked before traitlets sees them, which would refuse a float index or a string in its own words.
        table = checked_table(table)
        index = checks.integer("index", index)
        super().__init__(model=model, digits=digits, table=table, index=index)
        self.set_trait("presets", [[label, checked_table(preset)] for label, preset in C3_PRESETS])
        self.set_trait("paper_table", checked_table(paper.C3_TABLE))

    @traitlets.validate("table")
    def _check_table(self, proposal) -> list[list[int]]:
        return checked_table(proposal["value"])

    @traitlets.validate("index")
    def _check_index(self, proposal) -> int:
        return checks.integer("index", proposal["value"], 0, self._count - 1)


def c3_table_editor(table: Sequence[Sequence[int]] = paper.C3_TABLE, index: int = 0, *, model=None,
                    digits=None) -> C3TableEditor:
    """The C3 table editor, starting at ``table`` and test digit ``index``; display it as the last expression of a cell.

    It runs in the page without a kernel too: the HTML book shows it live.

    Parameters
    ----------
    table : sequence of 16 sequences of int
        For each C3 map, the S2 maps (0..5) it reads; Table I of the paper by default.
    index : int
        Which test digit the maps are drawn for.
    model, digits
        A faithful Keras LeNet-5 and ``(images, labels)`` of one's own; see
        :class:`~lenet5_lesson.explorers.live.NetworkExplorer`.

    Raises
    ------
    TypeError, ValueError
        If ``table`` breaks the rules of :func:`checked_table`, or ``index`` is not an integer
        from 0 to the number of digits minus one.
    """
    return C3TableEditor(table, index, model=model, digits=digits)
