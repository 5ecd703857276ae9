"""The book's plotly renderer: accessible, sized, and needing nothing but the page's own plotly.js."""

import importlib
import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from lenet5_lesson import display


def _bundle(fig: go.Figure) -> dict:
    return display.BookRenderer().to_mimebundle(fig.to_dict())


def test_importing_the_package_installs_the_renderer():
    importlib.import_module("lenet5_lesson")

    assert pio.renderers.default == display.RENDERER_NAME


def test_bundle_has_html_and_plotly_json():
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout=dict(title=dict(text="Bars"), height=400))
    bundle = _bundle(fig)
    assert set(bundle) == {"text/html", "application/vnd.plotly.v1+json"}
    figure = bundle["application/vnd.plotly.v1+json"]
    assert figure["data"][0]["y"] == [3, 4]
    assert figure["config"] == display.FIGURE_CONFIG
    json.dumps(figure)  # a notebook can store it


def test_html_calls_the_global_plotly_and_loads_no_library():
    html = _bundle(go.Figure(go.Scatter(y=[1, 2])))["text/html"]
    assert "Plotly.newPlot" in html
    assert "<script src" not in html.replace(" ", "")
    assert "plotly.min.js" not in html and "https://" not in html


def test_aria_label_comes_from_meta_alt_and_is_escaped():
    fig = go.Figure(layout=dict(title=dict(text="T"), meta={"alt": 'Two "quoted" bars <b>&</b>'}))
    html = _bundle(fig)["text/html"]
    assert 'role="figure"' in html
    assert 'aria-label="Two &quot;quoted&quot; bars &lt;b&gt;&amp;&lt;/b&gt;"' in html


@pytest.mark.parametrize(("layout", "expected"), [
    (dict(title=dict(text="Only a title")), "Only a title"),
    (dict(title=dict(text="Title"), meta={"alt": "   "}), "Title"),
    (dict(meta=["not", "a", "dict"]), "Interactive plotly figure"),
    ({}, "Interactive plotly figure"),
])
def test_alt_text_falls_back_to_the_title(layout, expected):
    assert display.alt_text(go.Figure(layout=layout).to_dict()) == expected


def test_figure_height_is_the_layout_height_or_a_fixed_default():
    with_height = _bundle(go.Figure(layout=dict(height=420)))["text/html"]
    without = _bundle(go.Figure())["text/html"]
    assert "height:420px" in with_height
    assert f"height:{display.DEFAULT_HEIGHT}px" in without  # plotly sizes its div to 100% of this one


def test_glue_rejects_a_bad_name():
    with pytest.raises(ValueError, match="name"):
        display.glue("", 1)


def test_glue_stores_numpy_scalars_as_python_numbers(monkeypatch):
    import myst_nb
    import numpy as np

    stored = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: stored.update({name: value}))
    display.glue("x", np.float64(1.5))
    display.glue("n", np.int64(7))
    assert stored == {"x": 1.5, "n": 7}
    assert type(stored["x"]) is float and type(stored["n"]) is int


def test_show_source_gives_the_package_code_as_a_python_block():
    import inspect

    from lenet5_lesson import show_source
    from lenet5_lesson.layers import Subsampling, squash

    block = show_source(Subsampling.call).data
    assert block.startswith("```python\ndef call(self, inputs):") and block.endswith("\n```")
    assert inspect.getsource(squash).strip() in show_source(squash).data
    with pytest.raises(ValueError, match="must belong to lenet5_lesson"):
        show_source(inspect.getsource)
    with pytest.raises(TypeError, match="must be a class, function or method"):
        show_source(3)


def test_lookup_reads_plotly_attribute_paths():
    tree = {"xaxis2": {"domain": [0, 0.5]}, "annotations": [{"x": 1}, {"x": 2}]}
    assert display._lookup(tree, "xaxis2.domain") == [0, 0.5]
    assert display._lookup(tree, "annotations[1].x") == 2
    assert display._lookup(tree, "annotations[5].x") is None
    assert display._lookup(tree, "title.font.size") is None


def test_a_narrow_layout_comes_with_the_wide_one_to_return_to():
    from lenet5_lesson.figures.style import set_narrow

    fig = go.Figure(go.Heatmap(z=[[1]], colorbar={"x": 0.8}), layout=dict(height=300, xaxis=dict(domain=[0, 0.5])))
    set_narrow(fig, {"xaxis.domain": [0, 1], "height": 500}, {0: {"colorbar.x": 0.9, "colorbar.y": 0.2}})
    views = display.narrow_views(fig.to_dict())
    assert views["narrow"]["layout"] == {"xaxis.domain": [0, 1], "height": 500}
    assert views["wide"]["layout"] == {"xaxis.domain": [0, 0.5], "height": 300}
    assert views["wide"]["traces"] == {"0": {"colorbar.x": 0.8, "colorbar.y": None}}  # None: plotly's default
    html = _bundle(fig)["text/html"]
    assert "gd.offsetWidth < below" in html and f"below = {display.NARROW_BELOW}" in html
    assert "<script src" not in html.replace(" ", "")


def test_a_wide_grid_gets_fewer_columns_unless_it_says_otherwise():
    from plotly.subplots import make_subplots

    from lenet5_lesson.figures.style import set_narrow

    def row_of(count):
        fig = make_subplots(rows=1, cols=count)
        for col in range(1, count + 1):
            fig.add_trace(go.Heatmap(z=[[col]]), row=1, col=col)
        return fig.update_layout(height=200)

    views = display.narrow_views(row_of(6).to_dict())
    lefts = {round(v[0], 4) for k, v in views["narrow"]["layout"].items() if k.startswith("xaxis")}
    assert len(lefts) == 3
    assert display.narrow_views(row_of(display.AUTO_COLUMNS).to_dict()) is None
    assert display.narrow_views(set_narrow(row_of(6), {}).to_dict()) is None
    assert display.narrow_views(go.Figure(go.Bar(y=[1])).to_dict()) is None


def test_every_figure_fits_its_title_to_its_width():
    html = _bundle(go.Figure(go.Bar(y=[1]), layout=dict(title=dict(text="A long title"))))["text/html"]
    assert "fitTitle" in html and "plotly_afterplot" in html
