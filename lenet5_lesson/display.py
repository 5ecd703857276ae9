"""How the package's figures and numbers reach the page.

Plotly figures are shown through a renderer that emits two representations: plotly's
own JSON (JupyterLab, Notebook 7 and VS Code draw it with their plotly extension) and
an HTML ``<div>`` whose script calls the page's global ``Plotly``. The book serves
plotly.js once from its static folder, so its pages carry no copy of the library and
load nothing from a content delivery network. In Colab, plotly's own Colab renderer is left in charge.

On the page a figure also fits its width. A figure that carries a narrow layout in
``layout.meta["narrow"]`` (see ``lenet5_lesson.figures.style``) switches to it while it is
narrower than :data:`NARROW_BELOW` pixels, on a phone, and back when it is wider; a regular grid of
more than :data:`AUTO_COLUMNS` columns without one gets half as many columns. A title wider than
its figure is broken in two lines, or set in a smaller font.
"""

from __future__ import annotations

import html
import json
import math
import re
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


#: Below this width in pixels a figure takes its narrow layout.
NARROW_BELOW = 560

#: A regular grid of subplots with more columns than this, and no narrow layout of its own, is
#: given one with half as many columns on a narrow page.
AUTO_COLUMNS = 4

_PATH_PART = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")


def _lookup(tree: Any, path: str) -> Any:
    """The value at a plotly attribute path such as ``xaxis2.domain`` or ``annotations[3].x``, or None."""
    for name, index in _PATH_PART.findall(path):
        tree = tree.get(name) if isinstance(tree, dict) else None
        if index:
            tree = tree[int(index)] if isinstance(tree, (list, tuple)) and int(index) < len(tree) else None
        if tree is None:
            return None
    return tree


def narrow_views(fig_dict: dict[str, Any]) -> dict[str, Any] | None:
    """The figure's narrow layout and the wide one it returns to, or None when it has no narrow one.

    The narrow layout is ``layout.meta["narrow"]`` (``{"layout": relayout, "traces": {index:
    restyle}}``), or, for a regular grid of more than :data:`AUTO_COLUMNS` columns,
    ``lenet5_lesson.figures.style.regrid`` with half as many. The wide layout holds the
    figure's own value of every attribute the narrow one changes (None where the figure leaves
    it to plotly's default).

    Returns
    -------
    dict or None
        ``{"narrow": view, "wide": view}``, each view ``{"layout": ..., "traces": ...}``.
    """
    layout = fig_dict.get("layout") or {}
    meta = layout.get("meta")
    narrow = meta.get("narrow") if isinstance(meta, dict) else None
    if narrow is None:
        from .figures.style import regrid  # noqa: PLC0415 - only figures without a narrow layout need it

        columns = len({round((_lookup(layout, f"{name}.domain") or [0])[0], 4)
                       for name in layout if name.startswith("xaxis")})
        narrow = regrid(fig_dict, math.ceil(columns / 2)) if columns > AUTO_COLUMNS else None
    if not narrow or not narrow.get("layout"):
        return None
    data = fig_dict.get("data") or []
    wide_layout = {key: _lookup(layout, key) for key in narrow["layout"]}
    wide_layout["height"] = layout.get("height") or DEFAULT_HEIGHT
    narrow_layout = {"height": DEFAULT_HEIGHT, **narrow["layout"]}
    wide_traces = {index: {key: _lookup(data[int(index)], key) for key in change}
                   for index, change in (narrow.get("traces") or {}).items() if int(index) < len(data)}
    return {"narrow": {"layout": narrow_layout, "traces": dict(narrow.get("traces") or {})},
            "wide": {"layout": wide_layout, "traces": wide_traces}}


# Runs after plotly drew the figure: switches between the wide and the narrow layout as the
# figure's width crosses NARROW_BELOW, and breaks a title too wide for the figure in two lines or
# sets it in a smaller font.
_FIT_SCRIPT = """(function () {
  var gd = document.getElementById('{plot_id}');
  if (!gd || !window.Plotly) { return; }
  var views = VIEWS, below = BELOW, narrow = null;
  var base = gd.layout.title && gd.layout.title.font ? gd.layout.title.font.size : null;
  function show(view) {
    var steps = Promise.resolve();
    Object.keys(view.traces).forEach(function (i) {
      var change = {};
      Object.keys(view.traces[i]).forEach(function (key) { change[key] = [view.traces[i][key]]; });
      steps = steps.then(function () { return Plotly.restyle(gd, change, [Number(i)]); });
    });
    return steps.then(function () {
      // plotly's HTML sets the height of the figure's div and of the div around it.
      gd.style.height = gd.parentElement.style.height = view.layout.height + 'px';
      return Plotly.relayout(gd, view.layout);
    });
  }
  var wrap = null;  // [the title as set, the title as broken in two] while a title is broken
  function titleText() {
    var title = gd.layout.title;
    return (title && typeof title === 'object' ? title.text : title) || '';
  }
  function fitTitle(reset) {
    var change = {'title.font.size': base};
    if (reset && wrap && titleText() === wrap[1]) { change['title.text'] = wrap[0]; }
    if (reset) { wrap = null; }
    var start = reset ? Plotly.relayout(gd, change) : Promise.resolve();
    return start.then(function () {
      var text = gd.querySelector('text.gtitle');
      if (!text) { return; }
      var box = text.getBoundingClientRect(), frame = gd.getBoundingClientRect();
      var room = frame.right - 6 - Math.max(box.left, frame.left + 6);
      if (box.width === 0 || box.width <= room) { return; }
      var size = gd._fullLayout.title.font.size, fitted = Math.floor(size * room / box.width);
      var full = titleText();
      if (fitted < 13 && full.indexOf('<') < 0 && full.split(' ').length > 3 &&
          !(wrap && full === wrap[1])) {
        // Two lines read better than small type: break the title at the space nearest its middle.
        var at = -1;
        for (var i = 0; i < full.length; i++) {
          if (full[i] === ' ' && (at < 0 || Math.abs(i - full.length / 2) < Math.abs(at - full.length / 2))) {
            at = i;
          }
        }
        wrap = [full, full.slice(0, at) + '<br>' + full.slice(at + 1)];
        return Plotly.relayout(gd, {'title.text': wrap[1]});
      }
      fitted = Math.max(10, fitted);
      if (fitted < size) { return Plotly.relayout(gd, {'title.font.size': fitted}); }
    });
  }
  function update() {
    var now = gd.offsetWidth < below, changed = now !== narrow;
    var step = views && changed ? show(now ? views.narrow : views.wide) : Promise.resolve();
    narrow = now;
    return step.then(function () { return fitTitle(changed); });
  }
  update();
  window.addEventListener('resize', update);
  gd.on('plotly_afterplot', function () { fitTitle(false); });
})();"""


def figure_html(fig_dict: dict[str, Any]) -> str:
    """The HTML of a figure for a page that already loaded plotly.js.

    The plotly ``div`` is wrapped in a ``div`` with ``role="figure"`` and an ``aria-label``
    taken from :func:`alt_text`, so a screen reader announces one sentence for the figure.
    A script after the plot fits the figure to its width (:func:`narrow_views`).
    """
    views = narrow_views(fig_dict)
    layout = dict(fig_dict.get("layout") or {})
    if isinstance(layout.get("meta"), dict) and "narrow" in layout["meta"]:
        layout["meta"] = {k: v for k, v in layout["meta"].items() if k != "narrow"}
    script = (_FIT_SCRIPT.replace("VIEWS", pio.json.to_json_plotly(views))
              .replace("BELOW", str(NARROW_BELOW)))
    plot = pio.to_html({**fig_dict, "layout": layout}, include_plotlyjs=False, full_html=False,
                       config=FIGURE_CONFIG, validate=False, default_height=f"{DEFAULT_HEIGHT}px",
                       post_script=script)
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
