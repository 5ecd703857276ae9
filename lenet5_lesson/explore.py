"""Interactive explorers: in a live kernel, and (for the live ones) in the static HTML book too.

Two kinds, while the book moves from the first to the second:

- Live explorers (:func:`shape_calculator`, :func:`squashing_explorer`): anywidget widgets whose
  JavaScript (beside their module in :mod:`lenet5_lesson.explorers`) computes and draws. Display
  one as the last expression of a cell: a live kernel shows the widget, whose traitlets follow the
  page; the HTML book shows the same JavaScript running without a kernel (see
  :mod:`lenet5_lesson.explorers.live`).
- Kernel explorers: an object whose ``.widget`` is an ipywidgets widget (it also displays itself)
  and whose controls are attributes, so tests drive it by setting ``control.value``; each
  ``*_static`` function returns a plotly figure whose own slider or buttons step through
  precomputed states, for the page without a kernel.
"""

from .explorers.c3 import c3_table_editor, c3_table_editor_static
from .explorers.drawing import classify_drawing, drawing_pad
from .explorers.kernel import kernel_explorer, kernel_explorer_static
from .explorers.network import feature_map_explorer, feature_map_explorer_static, rbf_viewer, rbf_viewer_static
from .explorers.shape import shape_calculator
from .explorers.squash import squashing_explorer

__all__ = [
    "c3_table_editor", "c3_table_editor_static", "classify_drawing", "drawing_pad", "feature_map_explorer",
    "feature_map_explorer_static", "kernel_explorer", "kernel_explorer_static", "rbf_viewer", "rbf_viewer_static",
    "shape_calculator", "squashing_explorer",
]
