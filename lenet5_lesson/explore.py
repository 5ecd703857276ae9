"""Interactive explorers, live in a kernel and in the static HTML book alike.

Each is an anywidget widget whose JavaScript (beside its module in :mod:`lenet5_lesson.explorers`)
computes and draws; the explorers that run LeNet-5 do so in the page, with the trained network's
weights and the book's test digits. Display one as the last expression of a cell: a live kernel
shows the widget, whose traitlets follow the page; the HTML book shows the same JavaScript running
without a kernel (see :mod:`lenet5_lesson.explorers.live`).
"""

from .explorers.c3 import c3_table_editor
from .explorers.drawing import drawing_pad
from .explorers.engine import SITE_DIGITS
from .explorers.kernel import kernel_explorer
from .explorers.maps import feature_map_explorer
from .explorers.rbf import rbf_viewer
from .explorers.shape import shape_calculator
from .explorers.squash import squashing_explorer
from .explorers.units import unit_inspector

__all__ = [
    "SITE_DIGITS", "c3_table_editor", "drawing_pad", "feature_map_explorer", "kernel_explorer", "rbf_viewer",
    "shape_calculator", "squashing_explorer", "unit_inspector",
]
