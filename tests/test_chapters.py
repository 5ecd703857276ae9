"""Every built chapter has the book's one structure and look, checked in Chromium.

A chapter opens with "The question of this chapter", says what to notice in tip admonitions, ends
with a Summary and exercises whose solutions sit in dropdowns, captions and numbers every figure,
and shows no code line wider than its block, no machine path and no TensorFlow chatter. Build the
book first with ``make book``.
"""

from __future__ import annotations

import re

import pytest
from conftest import SITE

#: The chapters proper: every page of ``book/`` but the welcome page and the reference.
CHAPTERS = sorted(p.name for p in (SITE / "book").glob("[0-9][0-9]_*.html")
                  if not p.name.startswith(("01_", "13_"))) if (SITE / "book").is_dir() else ["missing"]

_STRUCTURE = """() => {
    const text = (el) => el.textContent.replace(/\\s+/g, ' ').trim();
    const admonitions = Array.from(document.querySelectorAll('.admonition'));
    const title = (a) => text(a.querySelector('.admonition-title') || a);
    const headings = Array.from(document.querySelectorAll('h2')).map(text);
    const figures = Array.from(document.querySelectorAll('.plotly-graph-div'));
    const uncaptioned = figures.filter(div => {
        const figure = div.closest('figure');
        return !figure || !/^Fig\\. \\d+\\.\\d+/.test(text(figure.querySelector('figcaption') || figure));
    }).length;
    const wide = Array.from(document.querySelectorAll('div.cell_input pre'))
        .filter(pre => pre.scrollWidth > pre.clientWidth + 1).map(pre => text(pre).slice(0, 60));
    return {
        question: admonitions.length > 0 && title(admonitions[0]) === 'The question of this chapter',
        notice: admonitions.filter(a => a.classList.contains('tip') && title(a) === 'What to notice').length,
        summary: headings.some(h => h.startsWith('Summary')),
        exercises: document.querySelectorAll('.exercise').length,
        solutions: document.querySelectorAll('.solution').length,
        openSolutions: Array.from(document.querySelectorAll('.solution'))
            .filter(s => !s.classList.contains('dropdown')).length,
        figures: figures.length, uncaptioned, wide,
        body: document.querySelector('main').innerText,
    };
}"""


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_the_books_structure(watch, chapter):
    watch.page.set_viewport_size({"width": 1280, "height": 900})
    watch.open(f"book/{chapter}")
    found = watch.page.evaluate(_STRUCTURE)
    assert found["question"], f"{chapter} does not open with 'The question of this chapter'"
    assert found["notice"] >= 1, f"{chapter} has no 'What to notice' tip"
    assert found["summary"], f"{chapter} has no Summary"
    assert found["exercises"] >= 2 and found["solutions"] >= found["exercises"], \
        f"{chapter}: {found['exercises']} exercises, {found['solutions']} solutions"
    assert found["openSolutions"] == 0, f"{chapter}: a solution is not in a dropdown"
    assert found["uncaptioned"] == 0, f"{chapter}: {found['uncaptioned']} of {found['figures']} figures lack a caption"
    assert not found["wide"], f"{chapter}: code wider than its block: {found['wide']}"
    for marker in (r"/work/", r"/root/", r"/tmp/", r"site-packages", r"WARNING: All log messages", r"oneDNN"):
        assert not re.search(marker, found["body"]), f"{chapter} shows {marker!r}"
    assert not watch.problems, "\n".join(watch.problems)


def test_exercises_and_figures_are_numbered_by_chapter(watch):
    watch.open("book/04_c1.html")
    captions = watch.page.eval_on_selector_all("figcaption", "els => els.map(e => e.textContent.trim())")
    exercises = watch.page.eval_on_selector_all(".exercise .admonition-title",
                                               "els => els.map(e => e.textContent.trim())")
    assert captions and all(c.startswith("Fig. 3.") for c in captions), captions[:3]
    assert exercises and all(e.startswith("Exercise 3.") for e in exercises), exercises[:3]
