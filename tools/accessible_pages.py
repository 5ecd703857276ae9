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

Each fix relies on the theme's markup. When that markup changes, a fix would silently do
nothing, so after rewriting the site the build fails unless every markup a fix relies on was
found somewhere and nothing a fix should have changed is left.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.errors import ExtensionError

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


#: For each fix: when it is needed (None: always), the markup it relies on, which a built book must
#: then contain somewhere (fixed or not), and the markup it should have changed, which must not be left.
_RELIED_ON = {
    "keyboard-reachable code blocks": (None, re.compile(r"<pre\b"), _PRE),
    "search button labels": (None, _SEARCH_BUTTON,
                             re.compile(r'<button\b(?=[^>]*search-button__button)[^>]*aria-label=')),
    # Toggles exist only where a chapter hides a cell's input or output (myst-nb's tag_hide-* classes).
    "hidden-cell toggles": (re.compile(r'class="[^"]*\btag_hide-(?:cell|input|output)\b'),
                            re.compile(r'<details class="[^"]*\bhide\b'),
                            re.compile(r'<details class="[^"]*\bhide\b[^>]*>\s*<summary aria-label=')),
    "colour-mode icons": (None, re.compile(r'<i\b[^>]*class="theme-switch '), re.compile(r'<i class="theme-switch ')),
    "citation list": (None, _CITATION_LIST, re.compile(r'<div\b(?=[^>]*citation-list)[^>]*role="list"')),
}


def unapplied(pages: dict[str, str]) -> list[str]:
    """What stops the build after the fixes: markup a needed fix relies on that no page has, and markup
    a fix should have changed that some page still has. ``pages`` maps page names to their HTML."""
    problems = []
    for fix, (needed, relied_on, left) in _RELIED_ON.items():
        if needed is not None and not any(needed.search(html) for html in pages.values()):
            continue
        if not any(relied_on.search(html) for html in pages.values()):
            problems.append(f"{fix}: no page has the markup this fix relies on ({relied_on.pattern})")
        problems += [f"{fix}: {name} still has {left.pattern}" for name, html in pages.items() if left.search(html)]
    return problems


def fix_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    pages = {}
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = accessible(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
        pages[page.relative_to(app.outdir).as_posix()] = fixed
    problems = unapplied(pages)
    if problems:
        raise ExtensionError("the theme's markup changed, so accessible_pages fixed too little:\n  "
                             + "\n  ".join(problems))


def setup(app):
    app.connect("build-finished", fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
