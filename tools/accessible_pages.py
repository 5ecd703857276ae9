"""Sphinx extension of the book (``local_extensions`` in ``_config.yml``): fix the theme's markup
that axe-core reports as serious or critical, in every built page.

- Code blocks that scroll sideways must be reachable from the keyboard: ``<pre>`` gets ``tabindex="0"``.
- The theme's search buttons say "Search Ctrl+K" but are labelled "Search"; without the label their
  accessible name is their visible text, as WCAG's label-in-name rule asks.
- The toggles of hidden cells say "Show code cell content" but are labelled "Toggle hidden
  content"; without the label their name is what they show.
- The colour-mode button is labelled "Color mode" but its icons carry titles ("Light", "Dark",
  ...) that count as its text; the icons are decoration, hidden from assistive technology.
- sphinxcontrib-bibtex marks its citation list ``role="list"`` without list items; the plain
  ``div`` holding ``doc-biblioentry`` entries is what assistive technology expects.
"""

from __future__ import annotations

import re
from pathlib import Path

_PRE = re.compile(r"<pre(?![^>]*tabindex)([^>]*)>")
_SEARCH_BUTTON = re.compile(r'<button\b[^>]*class="[^"]*search-button__button[^"]*"[^>]*>')
_CITATION_LIST = re.compile(r'<div\b[^>]*class="[^"]*citation-list[^"]*"[^>]*>')
_ROLE_LIST = re.compile(r'\s+role="list"')
_ARIA_LABEL = re.compile(r'\s+aria-label="[^"]*"')
_TOGGLE = '<summary aria-label="Toggle hidden content">'
_MODE_ICON = re.compile(r'<i(?: aria-hidden="true")?( class="theme-switch [^>]*)>')
_TITLE = re.compile(r'\s+title="[^"]*"')


def accessible(html: str) -> str:
    """The page with these fixes applied; applying it twice changes nothing more."""
    html = _PRE.sub(r'<pre tabindex="0"\1>', html)
    html = _SEARCH_BUTTON.sub(lambda m: _ARIA_LABEL.sub("", m.group(0)), html)
    html = html.replace(_TOGGLE, "<summary>")
    return _CITATION_LIST.sub(lambda m: _ROLE_LIST.sub("", m.group(0)), _MODE_ICON.sub(_decorative, html))


def _decorative(match: re.Match) -> str:
    return '<i aria-hidden="true"' + _TITLE.sub("", match.group(1)) + ">"


def fix_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = accessible(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("build-finished", fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
