"""Inside the pretrained LeNet-5: every map of a chosen layer, and the RBF output beside its bitmaps."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import paper
from ..bitmaps import digit_bitmaps
from ..data import preprocess
from ..figures.network import INSIDE_LAYERS
from ._common import ACTIVATION_RANGE, Explorer, all_layer_outputs, image_html, layer_picture, test_digits


def penalties_html(penalties: np.ndarray) -> str:
    """The ten RBF penalties as a small table with bars; the smallest (the prediction) in bold."""
    best = int(np.argmin(penalties))
    top = float(np.max(penalties)) or 1.0
    rows = [f'<tr style="{"font-weight:bold" if d == best else ""}"><td>{d}</td><td>{v:.1f}</td>'
            f'<td><div style="width:{120 * v / top:.0f}px;height:10px;background:'
            f'{"#d62728" if d == best else "#9ecae1"}"></div></td></tr>' for d, v in enumerate(penalties)]
    return ('<table style="font-size:12px"><tr><th>digit</th><th>penalty</th><th></th></tr>'
            + "".join(rows) + "</table>")


class FeatureMapExplorer(Explorer):
    """A test digit and a layer; shows every map of that layer, the prediction and the ten penalties."""

    def __init__(self, index: int = 0, layer: str = "C1"):
        self.images, self.labels = test_digits()
        self.digit = widgets.IntSlider(index, 0, len(self.images) - 1, description="test digit")
        self.layer = widgets.ToggleButtons(options=list(INSIDE_LAYERS), value=layer, description="layer",
                                           style={"button_width": "64px"})
        self.picture = widgets.HTML()
        self.verdict = widgets.HTML()
        self.digit.observe(self._new_digit, names="value")
        self.layer.observe(self.update, names="value")
        self.widget = widgets.VBox([self.digit, self.layer, widgets.HBox([self.picture, self.verdict])])
        self._new_digit()

    def _new_digit(self, change=None) -> None:
        self.outputs = all_layer_outputs(preprocess(self.images[self.digit.value]))
        self.penalties = self.outputs["output"]
        self.prediction = int(np.argmin(self.penalties))
        label = int(self.labels[self.digit.value])
        verdict = "right" if self.prediction == label else "wrong"
        self.verdict.value = (f"<p>Label <b>{label}</b>, prediction <b>{self.prediction}</b> ({verdict})</p>"
                              + penalties_html(self.penalties))
        self.update()

    def update(self, change=None) -> None:
        """Redraw the chosen layer's maps from the outputs computed for the current digit."""
        name = self.layer.value
        out = self.outputs[name]
        image = preprocess(self.images[self.digit.value])[:, :, 0]
        if name == "output":
            picture = image_html(layer_picture(name, out), 0, float(out.max()), 360,
                                 "output: the ten penalties (dark = large)", diverging=False)
        else:
            shape = "×".join(str(s) for s in out.shape)
            picture = image_html(layer_picture(name, out), -ACTIVATION_RANGE, ACTIVATION_RANGE,
                                 min(480, 24 * layer_picture(name, out).shape[1]), f"{name}: {shape}")
        self.picture.value = image_html(image, paper.BACKGROUND, paper.INK, 128, "input", diverging=False) + picture


def feature_map_explorer(index: int = 0, layer: str = "C1") -> FeatureMapExplorer:
    """Live feature-map explorer of the pretrained model; display it as the last expression of a cell."""
    return FeatureMapExplorer(index, layer)


def feature_map_explorer_static(indices=(0, 1, 2)) -> go.Figure:
    """Rows are test digits, a slider picks the layer; each row's title gives the prediction."""
    x_test, y_test = test_digits()
    outputs = [all_layer_outputs(preprocess(x_test[i])) for i in indices]
    rows = len(indices)
    titles = []
    for i, out in zip(indices, outputs):
        titles += [f"a {y_test[i]}", f"predicted {int(np.argmin(out['output']))}"]
    fig = make_subplots(rows=rows, cols=2, column_widths=[0.2, 0.8], subplot_titles=titles,
                        horizontal_spacing=0.04, vertical_spacing=0.08)
    map_traces = []
    for r, i in enumerate(indices):
        fig.add_trace(go.Heatmap(z=preprocess(x_test[i])[:, :, 0], colorscale="Greys", showscale=False,
                                 hovertemplate="pixel %{z:.2f}<extra></extra>"), row=r + 1, col=1)
        map_traces.append(len(fig.data))
        fig.add_trace(go.Heatmap(colorscale="RdBu_r", showscale=False, hovertemplate="%{z:.2f}<extra></extra>"),
                      row=r + 1, col=2)
    steps = []
    for name in INSIDE_LAYERS:
        zs = [np.round(layer_picture(name, out[name]), 3) for out in outputs]
        if name == "output":
            scale = {"colorscale": "Greys", "zmin": 0, "zmax": max(float(o["output"].max()) for o in outputs)}
        else:
            scale = {"colorscale": "RdBu_r", "zmin": -ACTIVATION_RANGE, "zmax": ACTIVATION_RANGE}
        data = {"z": zs, **{key: [value] * rows for key, value in scale.items()}}
        steps.append(dict(method="restyle", label=name, args=[data, map_traces]))
    for k, trace in enumerate(map_traces):
        fig.data[trace].update({key: value[k] for key, value in steps[0]["args"][0].items()})
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    fig.update_layout(
        title=dict(text="Every map of one layer of the trained LeNet-5, for three test digits"),
        height=130 + 160 * rows, margin=dict(l=20, r=20, t=70, b=20), plot_bgcolor="white",
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="layer: "), pad=dict(t=20))],
        meta={"alt": (f"{rows} test digits, each beside all maps of one layer of the trained network (red positive, "
                      "blue negative); a slider moves from C1 through S2, C3, S4, C5 and F6 to the ten penalties.")})
    return fig


class RBFViewer(Explorer):
    """F6's 84 outputs for a test digit drawn as a 12x7 picture beside the ten class bitmaps and their distances."""

    def __init__(self, index: int = 0):
        self.images, self.labels = test_digits()
        self.bitmaps = digit_bitmaps()
        self.digit = widgets.IntSlider(index, 0, len(self.images) - 1, description="test digit")
        self.picture = widgets.HTML()
        self.digit.observe(self.update, names="value")
        self.widget = widgets.VBox([self.digit, self.picture])
        self.update()

    def update(self, change=None) -> None:
        """Recompute F6 and the penalties for the chosen digit and redraw them."""
        outputs = all_layer_outputs(preprocess(self.images[self.digit.value]))
        self.f6 = outputs["F6"].reshape(12, 7)
        self.penalties = outputs["output"]
        self.prediction = int(np.argmin(self.penalties))
        label = int(self.labels[self.digit.value])
        image = preprocess(self.images[self.digit.value])[:, :, 0]
        cards = [image_html(bitmap, -ACTIVATION_RANGE, ACTIVATION_RANGE, 49,
                            f"{'<b>' if d == self.prediction else ''}{d}: {self.penalties[d]:.1f}"
                            f"{'</b>' if d == self.prediction else ''}") for d, bitmap in enumerate(self.bitmaps)]
        self.picture.value = (
            image_html(image, paper.BACKGROUND, paper.INK, 96, f"a {label}", diverging=False)
            + image_html(self.f6, -ACTIVATION_RANGE, ACTIVATION_RANGE, 70, "F6 as 12×7")
            + '<span style="font-size:20px;margin:0 8px">↔</span>' + "".join(cards)
            + f"<p>Penalty = squared distance between F6 and each bitmap; the smallest, "
              f"<b>{self.penalties[self.prediction]:.1f}</b> for <b>{self.prediction}</b>, wins.</p>")


def rbf_viewer(index: int = 0) -> RBFViewer:
    """Live RBF viewer of the pretrained model; display it as the last expression of a cell."""
    return RBFViewer(index)


def rbf_viewer_static(indices=None) -> go.Figure:
    """F6 beside the ten bitmaps and the penalties, with a slider over test digits (one per class by default)."""
    x_test, y_test = test_digits()
    if indices is None:
        indices = [int(np.flatnonzero(y_test == d)[0]) for d in range(10)]
    bitmaps = digit_bitmaps()
    fig = make_subplots(rows=2, cols=11, specs=[[{}] * 11, [{"colspan": 11}] + [None] * 10],
                        row_heights=[0.55, 0.45], subplot_titles=["F6"] + [str(d) for d in range(10)],
                        horizontal_spacing=0.015, vertical_spacing=0.12)
    fig.add_trace(go.Heatmap(colorscale="RdBu_r", zmin=-ACTIVATION_RANGE, zmax=ACTIVATION_RANGE, showscale=False,
                             hovertemplate="F6 unit: %{z:.2f}<extra></extra>"), row=1, col=1)
    for d, bitmap in enumerate(bitmaps):
        fig.add_trace(go.Heatmap(z=bitmap, colorscale="RdBu_r", zmin=-ACTIVATION_RANGE, zmax=ACTIVATION_RANGE,
                                 showscale=False, hovertemplate=f"bitmap {d}: %{{z}}<extra></extra>"),
                      row=1, col=d + 2)
    bars = len(fig.data)
    fig.add_trace(go.Bar(x=list(range(10)), texttemplate="%{y:.1f}", textposition="outside", cliponaxis=False,
                         hovertemplate="digit %{x}: penalty %{y:.1f}<extra></extra>"),
                  row=2, col=1)
    steps = []
    for i in indices:
        out = all_layer_outputs(preprocess(x_test[i]))
        pen = np.round(out["output"], 2)
        best = int(np.argmin(pen))
        colours = ["#d62728" if d == best else "#9ecae1" for d in range(10)]
        steps.append(dict(method="update", label=f"#{i} ({y_test[i]})", args=[
            {"z": [np.round(out["F6"].reshape(12, 7), 3), None], "y": [None, pen], "marker.color": [None, colours]},
            {"title.text": f"Test digit #{i}, a {y_test[i]}: F6 is closest to bitmap {best}"}, [0, bars]]))
    first = steps[0]["args"]
    fig.data[0].z = first[0]["z"][0]
    fig.data[bars].update(y=first[0]["y"][1], marker_color=first[0]["marker.color"][1])
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, row=1)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed", row=1)
    for cell in range(1, 12):
        fig.layout[f"yaxis{'' if cell == 1 else cell}"].scaleanchor = f"x{'' if cell == 1 else cell}"
    fig.update_xaxes(title_text="digit", tickmode="linear", row=2, col=1)
    fig.update_yaxes(title_text="penalty (squared distance)", row=2, col=1)
    fig.update_layout(
        title=dict(text=first[1]["title.text"]), height=520, showlegend=False, plot_bgcolor="white",
        margin=dict(l=60, r=20, t=80, b=40),
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="test digit: "), pad=dict(t=40))],
        meta={"alt": ("The 84 F6 outputs for a test digit drawn as a 12 by 7 picture beside the ten fixed digit "
                      "bitmaps, and a bar chart of the ten squared distances, the smallest marking the prediction; "
                      "a slider picks the test digit.")})
    return fig
