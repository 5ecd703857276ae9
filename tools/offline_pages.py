"""Sphinx extension of the book (``local_extensions`` in ``_config.yml``): keep pages self-contained.

- Every ``<script>`` or stylesheet a page loads must come from the book's own folder: an
  absolute URL among a page's scripts or stylesheets is a build warning (an error with ``-W``).
- sphinx-thebe registers its inline configuration script once per read of the sources, so a
  rebuild can declare ``const THEBE_JS_URL`` twice on a page, a JavaScript error. Identical
  scripts are kept once.
- sphinx-thebe writes a CDN address for thebe into that script. The page gets the book's own
  copy instead (``tools/book_assets.py``), addressed relative to the page; the rest of what
  thebe needs at run time is set by ``tools/static/thebe_kernel.js``. If sphinx-thebe's script
  changes so that its address is no longer found, or no page carries that script at all, the
  build fails instead of shipping pages that fetch thebe from a content delivery network.
- myst-nb writes the executed notebook's widget state into the page, for a widget manager the
  book does not load: the explorers draw from their own ``text/html`` face, and thebe makes its
  widgets afresh from the kernel. The inert state (tens of kilobytes per explorer) is dropped.
"""

from __future__ import annotations

import re

from sphinx.builders.html._assets import _JavaScript
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

_OUTSIDE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_THEBE_URL = re.compile(r'const THEBE_JS_URL = "[^"]*"')
_OWN_THEBE = "new URL"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# The pages written in this build, and those whose thebe script was pointed at the book's copy.
_written: set[str] = set()
_rewritten: set[str] = set()


def _key(asset) -> tuple:
    # An inline script is registered with filename None or "", depending on the extension.
    return (str(asset.filename or ""), str(getattr(asset, "attributes", {}).get("body", "")))


def _unique(assets) -> list:
    seen, kept = set(), []
    for asset in assets:
        key = _key(asset)
        if key not in seen:
            seen.add(key)
            kept.append(asset)
    return kept


def _own_thebe(asset, pathto) -> _JavaScript:
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    if asset.filename or "THEBE_JS_URL" not in body or _OWN_THEBE in body:
        return asset
    if not _THEBE_URL.search(body):
        raise ExtensionError("sphinx-thebe's script names THEBE_JS_URL in a form offline_pages does not know; "
                             f"it expects {_THEBE_URL.pattern!r}")
    thebe = pathto("_static/vendor/thebe/index.js", 1)
    body = _THEBE_URL.sub(f'const THEBE_JS_URL = {_OWN_THEBE}("{thebe}", document.baseURI).href', body)
    return _JavaScript(None, priority=asset.priority, **{**asset.attributes, "body": body})


def keep_pages_offline(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated scripts and widget state, serve thebe locally, and warn about any script or stylesheet from another host."""
    _written.add(pagename)
    if "script_files" in context:
        context["script_files"][:] = [_own_thebe(asset, context["pathto"]) for asset in context["script_files"]
                                      if getattr(asset, "attributes", {}).get("type") != _WIDGET_STATE]
        if any(not a.filename and _OWN_THEBE in str(getattr(a, "attributes", {}).get("body", ""))
               for a in context["script_files"]):
            _rewritten.add(pagename)
    for name in ("script_files", "css_files"):
        if name not in context:
            continue
        # In place: Sphinx's own handlers (MathJax's, for one) add to this very list afterwards.
        context[name][:] = _unique(context[name])
        for asset in context[name]:
            if asset.filename and _OUTSIDE.match(str(asset.filename)):
                logger.warning("%s loads %s from outside the book; vendor it (tools/book_assets.py)",
                               pagename, asset.filename, type="offline", subtype="outside_asset")


def check_thebe_served(app, exception) -> None:
    """Fail the build when sphinx-thebe is on (it adds its script to every page) but some written
    page's script was not pointed at the book's copy of thebe."""
    if exception is not None or app.builder.format != "html" or "sphinx_thebe" not in app.extensions:
        return
    missed = sorted(_written - _rewritten)
    if missed:
        raise ExtensionError("offline_pages did not find sphinx-thebe's THEBE_JS_URL on "
                             f"{len(missed)} page(s), e.g. {missed[0]}: they would fetch thebe from a CDN")


def setup(app):
    # Early, because a handler returning a template name ends the event's chain, and late, to see
    # the scripts that handlers such as MathJax's add; running twice changes nothing.
    app.connect("html-page-context", keep_pages_offline, priority=100)
    app.connect("html-page-context", keep_pages_offline, priority=900)
    app.connect("build-finished", check_thebe_served)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
