"""Sphinx extension of the book (``local_extensions`` in ``_config.yml``): keep pages self-contained.

- Every ``<script>`` or stylesheet a page loads must come from the book's own folder: an
  absolute URL among a page's scripts or stylesheets is a build warning (an error with ``-W``).
- sphinx-thebe registers its inline configuration script once per read of the sources, so a
  rebuild can declare ``const THEBE_JS_URL`` twice on a page, a JavaScript error. Identical
  scripts are kept once.
- sphinx-thebe writes a CDN address for thebe into that script. The page gets the book's own
  copy instead (``tools/book_assets.py``), addressed relative to the page; the rest of what
  thebe needs at run time is set by ``tools/static/thebe_kernel.js``.
"""

from __future__ import annotations

import re

from sphinx.builders.html._assets import _JavaScript
from sphinx.util import logging

logger = logging.getLogger(__name__)

_OUTSIDE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_THEBE_URL = re.compile(r'const THEBE_JS_URL = "[^"]*"')


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
    if asset.filename or not _THEBE_URL.search(body):
        return asset
    thebe = pathto("_static/vendor/thebe/index.js", 1)
    body = _THEBE_URL.sub(f'const THEBE_JS_URL = new URL("{thebe}", document.baseURI).href', body)
    return _JavaScript(None, priority=asset.priority, **{**asset.attributes, "body": body})


def keep_pages_offline(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated scripts, serve thebe locally, and warn about any script or stylesheet from another host."""
    if "script_files" in context:
        context["script_files"][:] = [_own_thebe(asset, context["pathto"]) for asset in context["script_files"]]
    for name in ("script_files", "css_files"):
        if name not in context:
            continue
        # In place: Sphinx's own handlers (MathJax's, for one) add to this very list afterwards.
        context[name][:] = _unique(context[name])
        for asset in context[name]:
            if asset.filename and _OUTSIDE.match(str(asset.filename)):
                logger.warning("%s loads %s from outside the book; vendor it (tools/book_assets.py)",
                               pagename, asset.filename, type="offline", subtype="outside_asset")


def setup(app):
    # Early, because a handler returning a template name ends the event's chain, and late, to see
    # the scripts that handlers such as MathJax's add; running twice changes nothing.
    app.connect("html-page-context", keep_pages_offline, priority=100)
    app.connect("html-page-context", keep_pages_offline, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
