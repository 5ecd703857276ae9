"""How the package's figures and numbers reach the page.

Plotly figures are shown through a renderer that emits two representations: plotly's
own JSON (JupyterLab, Notebook 7 and VS Code draw it with their plotly extension) and
an HTML ``<div>`` whose script calls the page's global ``Plotly``. The book serves
plotly.js once from its static folder, so its pages carry no copy of the library and
load nothing from a content delivery network. In Colab, plotly's own Colab renderer is left in charge.
"""

from __future__ import annotations

import html
import json
import sys
from typing import Any

import numpy as np
import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer

RENDERER_NAME = "lenet5_book"

#: Plotly's interactive-figure options used throughout the book.
FIGURE_CONFIG = {"displaylogo": False, "responsive": True}

#: Height in pixels given to a figure whose layout sets none (a ``100%`` height would collapse on the page).
DEFAULT_HEIGHT = 450


def alt_text(fig_dict: dict[str, Any]) -> str:
    """The text alternative of a figure: ``layout.meta["alt"]``, else its title, else a generic name."""
    layout = fig_dict.get("layout") or {}
    meta = layout.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("alt"), str) and meta["alt"].strip():
        return meta["alt"].strip()
    title = layout.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, str) and title.strip():
        return title.strip()
    return "Interactive plotly figure"


def figure_html(fig_dict: dict[str, Any]) -> str:
    """The HTML of a figure for a page that already loaded plotly.js.

    The plotly ``div`` is wrapped in a ``div`` with ``role="figure"`` and an ``aria-label``
    taken from :func:`alt_text`, so a screen reader announces one sentence for the figure.
    """
    plot = pio.to_html(fig_dict, include_plotlyjs=False, full_html=False, config=FIGURE_CONFIG,
                       validate=False, default_height=f"{DEFAULT_HEIGHT}px")
    label = html.escape(alt_text(fig_dict), quote=True)
    return f'<div class="lenet5-figure" role="figure" aria-label="{label}">{plot}</div>'


class BookRenderer(MimetypeRenderer):
    """Plotly renderer producing the plotly JSON and an HTML div that needs a global ``Plotly``."""

    def to_mimebundle(self, fig_dict: dict[str, Any]) -> dict[str, Any]:
        """Both representations of ``fig_dict``: ``text/html`` and plotly's JSON mime type."""
        figure = json.loads(pio.to_json(fig_dict, validate=False, remove_uids=False))
        return {"text/html": figure_html(fig_dict),
                "application/vnd.plotly.v1+json": {**figure, "config": FIGURE_CONFIG}}


def use_book_renderer() -> None:
    """Make :class:`BookRenderer` plotly's default, except in Colab."""
    pio.renderers[RENDERER_NAME] = BookRenderer()
    if "google.colab" not in sys.modules:
        pio.renderers.default = RENDERER_NAME


class _Text(str):
    """A string whose plain-text display is itself, without quotes."""

    def __repr__(self) -> str:
        return str(self)


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue}`` roles.

    Uses myst-nb's ``glue`` when it is installed (as it is for the book); elsewhere,
    in Colab for example, the value is simply not stored, and the notebook still runs.
    NumPy scalars are stored as Python numbers: their NumPy 2 text, ``np.float64(0.5)``,
    would defeat formats such as ``{glue:text}`name:.2f```. Strings are stored as
    text to print, so that the page shows ``156``, not ``'156'``.
    """
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        value = _Text(value)
    try:
        from myst_nb import glue as _glue  # noqa: PLC0415
    except ImportError:
        return
    _glue(name, value, display=display)


def show_source(obj: Any):
    """The source code of a class, function or method of the package, for the page.

    The chapters show the package's own layers this way: the text is read from the installed
    package when the chapter runs, so the page cannot drift from the code it explains.

    Parameters
    ----------
    obj : object
        A class, function or method of the package: what to show, for example
        ``Subsampling`` or ``Subsampling.call``.

    Returns
    -------
    IPython.display.Markdown
        A fenced Python block, which the book highlights like its own code cells.
    """
    import inspect  # noqa: PLC0415
    import textwrap  # noqa: PLC0415

    from IPython.display import Markdown  # noqa: PLC0415

    if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj)):
        raise TypeError(f"obj must be a class, function or method, got {type(obj).__name__}")
    module = getattr(obj, "__module__", "") or ""
    if module != "lenet5_lesson" and not module.startswith("lenet5_lesson."):
        raise ValueError(f"obj must belong to lenet5_lesson, got {obj.__qualname__} from {module or 'nowhere'}")
    code = textwrap.dedent(inspect.getsource(obj)).rstrip()
    return Markdown(f"```python\n{code}\n```")
