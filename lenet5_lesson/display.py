"""How the package's figures and numbers reach the page.

Plotly figures are shown through a renderer that emits two representations: plotly's
own JSON (JupyterLab, Notebook 7 and VS Code draw it with their plotly extension) and
an HTML ``<div>`` whose script calls the page's global ``Plotly``. The book serves
plotly.js once from its static folder, so its pages carry no copy of the library and
load nothing from a CDN. In Colab, plotly's own Colab renderer is left in charge.
"""

from __future__ import annotations

import sys

import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer

RENDERER_NAME = "lenet5_book"

#: Plotly's interactive-figure options used throughout the book.
FIGURE_CONFIG = {"displaylogo": False, "responsive": True}


class BookRenderer(MimetypeRenderer):
    """Plotly renderer producing the plotly JSON and an HTML div that needs a global ``Plotly``."""

    def to_mimebundle(self, fig_dict):
        html = pio.to_html(fig_dict, include_plotlyjs=False, full_html=False, config=FIGURE_CONFIG,
                           validate=False)
        figure_json = pio.to_json(fig_dict, validate=False, remove_uids=False)
        import json  # noqa: PLC0415

        return {"text/html": html, "application/vnd.plotly.v1+json": {**json.loads(figure_json),
                                                                      "config": FIGURE_CONFIG}}


def use_book_renderer() -> None:
    """Make :class:`BookRenderer` plotly's default, except in Colab."""
    pio.renderers[RENDERER_NAME] = BookRenderer()
    if "google.colab" not in sys.modules:
        pio.renderers.default = RENDERER_NAME


def glue(name: str, value, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue}`` roles.

    Uses myst-nb's ``glue`` when it is installed (as it is for the book); elsewhere,
    in Colab for example, the value is simply not stored, and the notebook still runs.
    """
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    try:
        from myst_nb import glue as _glue  # noqa: PLC0415
    except ImportError:
        return
    _glue(name, value, display=display)
