"""Interactive explorers for a live kernel, and their static plotly faces for the HTML book.

Each live explorer returns an object whose ``.widget`` is an ipywidgets widget (it also
displays itself as the last expression of a cell) and whose controls are attributes,
so tests drive it by setting ``control.value``. Each ``*_static`` function returns a
plotly figure whose own slider or buttons step through precomputed states.
"""

from .explorers.c3 import c3_table_editor, c3_table_editor_static
from .explorers.drawing import classify_drawing, drawing_pad
from .explorers.kernel import kernel_explorer, kernel_explorer_static
from .explorers.network import feature_map_explorer, feature_map_explorer_static, rbf_viewer, rbf_viewer_static
from .explorers.shape import shape_calculator, shape_calculator_static
from .explorers.squash import squashing_explorer, squashing_explorer_static

__all__ = [
    "c3_table_editor", "c3_table_editor_static", "classify_drawing", "drawing_pad", "feature_map_explorer",
    "feature_map_explorer_static", "kernel_explorer", "kernel_explorer_static", "rbf_viewer", "rbf_viewer_static",
    "shape_calculator", "shape_calculator_static", "squashing_explorer", "squashing_explorer_static",
]
