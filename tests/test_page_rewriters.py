"""The build's page rewriters fail the build, rather than doing nothing, when the theme's markup changes."""

import pytest

from conftest import tool

PAGE = """<button class="btn search-button-field search-button__button" aria-label="Search">Search Ctrl+K</button>
<i class="theme-switch fa-solid fa-sun" title="Light"></i>
<div class="cell tag_hide-cell docutils container"><details class="admonition hide above-input">
<summary aria-label="Toggle hidden content">
<p class="collapsed admonition-title">Show code cell content</p></summary></details>
<pre><span>x = 1</span></pre>
<div class="citation-list" role="list"><div class="citation">LeCun</div></div>"""


def test_the_fixes_apply_and_leave_nothing_to_report():
    pages = tool("accessible_pages")
    fixed = pages.accessible(PAGE)
    assert '<pre tabindex="0">' in fixed and 'aria-label="Search"' not in fixed
    assert "<summary>\n<p class=\"collapsed admonition-title\">Show code cell content" in fixed and 'role="list"' not in fixed
    assert '<i aria-hidden="true" class="theme-switch fa-solid fa-sun">' in fixed
    assert pages.accessible(fixed) == fixed
    assert pages.unapplied({"a.html": fixed}) == []


@pytest.mark.parametrize(("changed", "problem"), [
    (("search-button__button", "search-btn"), "search button labels: no page has the markup"),
    (("Toggle hidden content", "Toggle cell"), "hidden-cell toggles: a.html still has"),
    (("<pre>", "<code>"), "keyboard-reachable code blocks: no page has the markup"),
    (('<details class="admonition hide above-input">', "<details>"), "hidden-cell toggles: no page has the markup"),
    (('<div class="citation-list"', '<section class="citation-list"'), "citation list: no page has the markup"),
])
def test_a_changed_theme_markup_is_reported(changed, problem):
    pages = tool("accessible_pages")
    problems = pages.unapplied({"a.html": pages.accessible(PAGE.replace(*changed))})
    assert any(p.startswith(problem) for p in problems), problems


def test_thebe_is_pointed_at_the_books_copy_or_the_build_stops():
    from types import SimpleNamespace

    from sphinx.builders.html._assets import _JavaScript
    from sphinx.errors import ExtensionError

    offline = tool("offline_pages")
    pathto = lambda name, resource=0: "../" + name  # noqa: E731 - the page sits one folder down
    script = _JavaScript(None, body='const THEBE_JS_URL = "https://thebe.invalid/lib/index.js"; x = 1')
    own = offline._own_thebe(script, pathto)
    assert 'new URL("../_static/vendor/thebe/index.js", document.baseURI).href' in own.attributes["body"]
    assert offline._own_thebe(own, pathto) is own
    with pytest.raises(ExtensionError, match="THEBE_JS_URL in a form offline_pages does not know"):
        offline._own_thebe(_JavaScript(None, body="let THEBE_JS_URL = cdn()"), pathto)

    app = SimpleNamespace(builder=SimpleNamespace(format="html"), extensions={"sphinx_thebe": None})
    context = {"pathto": pathto, "script_files": [script], "css_files": []}
    offline.keep_pages_offline(app, "book/04_c1", "page.html", context, None)
    offline.check_thebe_served(app, None)
    offline.keep_pages_offline(app, "search", "page.html", {"pathto": pathto, "script_files": []}, None)
    with pytest.raises(ExtensionError, match="did not find sphinx-thebe's THEBE_JS_URL on 1 page"):
        offline.check_thebe_served(app, None)


def test_the_inert_widget_state_is_dropped_and_other_scripts_kept():
    from types import SimpleNamespace

    from sphinx.builders.html._assets import _JavaScript

    offline = tool("offline_pages")
    state = _JavaScript(None, type="application/vnd.jupyter.widget-state+json", body='{"state": {}}')
    kept = [_JavaScript("_static/lenet5/engine.js"), _JavaScript(None, body="x = 1")]
    context = {"pathto": lambda name, resource=0: name, "script_files": [kept[0], state, kept[1]], "css_files": []}
    offline.keep_pages_offline(SimpleNamespace(), "book/04_c1", "page.html", context, None)
    assert context["script_files"] == kept


def test_a_book_without_hidden_cells_needs_no_toggle_fix():
    pages = tool("accessible_pages")
    page = PAGE.replace('<div class="cell tag_hide-cell docutils container">', "<div>").replace(
        '<details class="admonition hide above-input">', "<details>")
    assert pages.unapplied({"a.html": pages.accessible(page)}) == []
