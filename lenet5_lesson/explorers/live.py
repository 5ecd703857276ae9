"""Explorers that run in the reader's browser: one JavaScript implementation, shown with or without a kernel.

A live explorer is a :class:`LiveExplorer` subclass (an `anywidget <https://anywidget.dev>`_
widget) and a JavaScript file of the same name beside it in this folder. The JavaScript
computes and draws everything; the Python class only holds the data it needs, as synced
traitlets, and checks them with :mod:`lenet5_lesson.checks`. One object has two faces:

- In a live kernel (JupyterLab, Notebook 7, VS Code, Colab) it is an anywidget: the JavaScript is
  its front end, and a change made in the page reaches the Python traitlet and the other way round.
- Its ``text/html`` face carries the same JavaScript and the traitlets' current values inline,
  run by a classic script against a stand-in for the widget's model (``live.staticModel`` in
  ``live.js``). That is what the HTML book shows (``_config.yml`` tells myst-nb to prefer
  ``text/html`` to the widget view): it needs no kernel, widget manager or network, and works
  served over http and opened from ``file://``.

The code of both faces is ``live.js`` (the shared helpers, as ``live``) followed by the explorer's
own file, which defines ``function render({ model, el })`` as an anywidget module would, without
``export``; the header of ``live.js`` says what it may use.

Adding an explorer, say ``pooling``:

1. ``explorers/pooling.js``: ``function render({ model, el }) {...}``, reading its data with
   ``model.get``, writing what the reader changes with ``model.set`` and ``model.save_changes``,
   redrawing on ``model.on("change", ...)``; controls from ``live.numberControl``.
2. ``explorers/pooling.py``::

       class PoolingExplorer(LiveExplorer):
           explorer = "pooling"
           size = traitlets.Int(2).tag(sync=True)

           @traitlets.validate("size")
           def _check_size(self, proposal):
               return checks.integer("size", proposal["value"], 1, 8)

   Values the page needs must be JSON (lists, numbers, strings); large arrays are best sent
   as base64 strings.
3. A function in :mod:`lenet5_lesson.explore` returning the object; a chapter cell ends with it.
4. Tests: drive the ``text/html`` face in Chromium (``tests/test_live_explorers.py`` shows how).

An explorer that runs LeNet-5 subclasses :class:`NetworkExplorer` instead: its code then holds
``engine.js`` too, and its script gets the network and the digits from ``live.networkData(model)``.
In the book those are the shipped run and the test digits the site serves once from ``_static``
(``engine.py``); the object sends them itself where there is no ``_static`` (a live kernel), or
when it was given a model or digits of its own.
"""

from __future__ import annotations

import json
import re
import secrets
from functools import cache
from importlib import resources
from typing import ClassVar

import anywidget
import traitlets

#: The script of the helpers every explorer starts with (``live.js``).
SHARED_JS = "live"

# What would end an inline <script> early, or switch the HTML parser into another state.
_NOT_INLINE = re.compile(r"</script|<!--|<script", re.IGNORECASE)


def check_inline(text: str, name: str) -> str:
    """``text`` unchanged, if it can sit inside an inline ``<script>`` of the static page.

    Raises
    ------
    ValueError
        If it holds a script tag or the start of an HTML comment, which would end or confuse the
        inline script; ``name`` says which file.
    """
    found = _NOT_INLINE.search(text)
    if found:
        raise ValueError(f"{name} contains {found.group(0)!r}, which would end or confuse the inline script of "
                         "the static page; write it differently (for example '<' + '/script')")
    return text


@cache
def script_source(name: str) -> str:
    """The text of ``explorers/<name>.js`` from the installed package, checked by :func:`check_inline`."""
    text = resources.files(__package__).joinpath(f"{name}.js").read_text(encoding="utf-8")
    return check_inline(text, f"explorers/{name}.js")


def _code(name: str, scripts: tuple[str, ...] = ()) -> str:
    return "\n".join([f"const EXPLORER = {json.dumps(name)};", script_source(SHARED_JS),
                      *map(script_source, scripts), script_source(name)])


def module_source(name: str, scripts: tuple[str, ...] = ()) -> str:
    """The ES module that anywidget runs in a live kernel: the shared helpers, ``scripts``, the explorer, an export."""
    return _code(name, scripts) + "\nexport default { render: (context) => live.start(context, render) };\n"


def _json_for_script(value) -> str:
    """JSON that can stand inside an inline script: no '<', '>' or '&', no line separators."""
    text = json.dumps(value, allow_nan=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


class LiveExplorer(anywidget.AnyWidget):
    """An explorer computed and drawn by ``explorers/<explorer>.js``, with or without a kernel.

    Subclasses set :attr:`explorer` and declare their data as traitlets tagged ``sync=True``;
    the JavaScript reads and writes those, and :meth:`page_state` hands their values to the
    static face.
    """

    #: The explorer's name: its script is ``explorers/<explorer>.js`` and its root element carries
    #: ``data-explorer="<explorer>"``.
    explorer: ClassVar[str] = ""
    #: What the static face says where no JavaScript runs (a notebook viewer, say).
    title: ClassVar[str] = "This explorer"
    #: Other scripts of this folder that run before the explorer's own (after ``live.js``).
    scripts: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        if cls.__dict__.get("explorer"):
            # anywidget reads _esm from the class, so it is composed once per class.
            cls._esm = module_source(cls.explorer, cls.scripts)
        super().__init_subclass__(**kwargs)

    def page_state(self) -> dict:
        """The values of the subclass's own synced traitlets, which the script reads with ``model.get``."""
        inherited = set(LiveExplorer.class_trait_names(sync=True)) | {"_esm", "_css", "_anywidget_id"}
        names = sorted(set(self.trait_names(sync=True)) - inherited)
        return {name: getattr(self, name) for name in names}

    def page_html(self) -> str:
        """The self-contained ``text/html`` face: the root element and one classic inline script."""
        root = f"lenet5-live-{self.explorer}-{secrets.token_hex(6)}"
        state = _json_for_script(self.page_state())
        script = ("(function () {\n\"use strict\";\n" + _code(self.explorer, self.scripts)
                  + f"\nlive.start({{model: live.staticModel({state}), el: document.getElementById({json.dumps(root)})}},"
                  " render);\n})();")
        fallback = (f"{self.title} is drawn by JavaScript in the page, which is not running here; "
                    "open the page in a browser, or run the notebook.")
        return (f'<div class="lenet5-live" data-explorer="{self.explorer}" id="{root}">'
                f'<p>{fallback}</p></div>\n<script>\n{script}\n</script>')

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, "text/html": self.page_html()}, metadata


@cache
def _shipped_payloads() -> tuple[dict, dict]:
    """The shipped faithful run's weights and the site's digits, as payloads; loaded once per kernel."""
    from . import engine  # noqa: PLC0415 - loads Keras and the data, which only a live kernel asks for

    return (engine.weights_payload(*engine.shipped_weights()),
            engine.digits_payload(*engine.site_digits(), engine.site_digits_info()))


class NetworkExplorer(LiveExplorer):
    """A live explorer that runs LeNet-5 in the page (``engine.js``) on test digits.

    Parameters
    ----------
    model : keras.Model or None
        A faithful LeNet-5 of :func:`~lenet5_lesson.models.build_lenet5` (a reader's retrained
        one, say); None for the shipped run, which the book's pages hold already.
    digits : tuple of (images, labels) or None
        ``(N, 28, 28)`` digits 0..255 and their ``N`` classes; None for the book's
        :data:`~lenet5_lesson.explorers.engine.SITE_DIGITS` test digits.

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model or ``digits`` not a pair.
    ValueError
        If ``model`` is not a faithful LeNet-5 or ``digits`` break the rules of
        :func:`~lenet5_lesson.explorers.engine.digits_payload`.
    """

    scripts = ("engine",)

    #: True when the object holds a model or digits of its own, which the page must take from it.
    own_data = traitlets.Bool(False, read_only=True, help="holds its own model or digits").tag(sync=True)
    #: How many digits the explorer offers.
    digit_count = traitlets.Int(1, read_only=True, help="how many digits there are to choose from").tag(sync=True)

    def __init__(self, model=None, digits=None, **traits):
        from . import engine  # noqa: PLC0415

        # Plain attributes, set first: the subclasses' validators read the digit count.
        self._own = {}
        if model is not None:
            import keras  # noqa: PLC0415 - only a model handed over needs it

            if not isinstance(model, keras.Model):
                raise TypeError(f"model must be a Keras model (a faithful LeNet-5) or None, got {type(model).__name__}")
            self._own["weights"] = engine.weights_payload(engine.model_arrays(model), {"model": model.name})
        if digits is not None:
            if not (isinstance(digits, tuple) and len(digits) == 2):
                raise TypeError("digits must be a tuple (images, labels), or None for the book's test digits")
            self._own["digits"] = engine.digits_payload(*digits, {"source": "given to the explorer"})
        self._count = self._own["digits"]["count"] if "digits" in self._own else engine.SITE_DIGITS
        super().__init__(**traits)
        self.set_trait("own_data", bool(self._own))
        self.set_trait("digit_count", self._count)
        self.on_msg(self._answer)

    def _answer(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("type") == "lenet5-data":
            shipped = {} if len(self._own) == 2 else dict(zip(("weights", "digits"), _shipped_payloads()))
            self.send({"type": "lenet5-data", **shipped, **self._own})

    def page_state(self) -> dict:
        """The synced values, and the model or digits of its own, which a static page has nowhere else."""
        state = super().page_state()
        if self._own:
            state["lenet5_data"] = self._own
        return state
