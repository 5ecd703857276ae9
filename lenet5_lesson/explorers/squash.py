"""The squashing explorer: f(a) = A tanh(S a) with A and S on sliders, f(1) and f(-1) marked."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from .. import paper
from ._common import Explorer

#: (A, S) pairs of the static face: vary A at the paper's S, then S at the paper's A.
SQUASH_PRESETS: tuple[tuple[float, float], ...] = (
    (paper.SQUASH_A, paper.SQUASH_S), (1.0, 1.0), (1.0, paper.SQUASH_S), (2.5, paper.SQUASH_S),
    (paper.SQUASH_A, 0.25), (paper.SQUASH_A, 1.0), (paper.SQUASH_A, 2.0),
)
_LIMIT = 4.0


def squash_curve(amplitude: float, slope: float, a: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Points (a, A tanh(S a)) on [-4, 4] (or the given ``a``)."""
    a = np.linspace(-_LIMIT, _LIMIT, 161) if a is None else np.asarray(a, dtype=float)
    return a, amplitude * np.tanh(slope * a)


def curve_svg(amplitude: float, slope: float, width: int = 420, height: int = 300) -> str:
    """An inline SVG plot of f on [-4, 4] x [-3, 3] with f(1), f(-1) and the lines y = +-1 marked."""
    def sx(a):
        return (a + _LIMIT) / (2 * _LIMIT) * width

    def sy(y):
        return (3 - np.clip(y, -3, 3)) / 6 * height

    a, f = squash_curve(amplitude, slope)
    points = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(a, f))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="curve of f(a) = {amplitude:.3f} tanh({slope:.3f} a)" style="background:white">',
             f'<line x1="0" y1="{sy(0)}" x2="{width}" y2="{sy(0)}" stroke="#999"/>',
             f'<line x1="{sx(0)}" y1="0" x2="{sx(0)}" y2="{height}" stroke="#999"/>']
    for level in (-1, 1):
        parts.append(f'<line x1="0" y1="{sy(level)}" x2="{width}" y2="{sy(level)}" stroke="#bbb" stroke-dasharray="4"/>')
    parts.append(f'<polyline points="{points}" fill="none" stroke="#08519c" stroke-width="3"/>')
    for x in (-1, 1):
        y = amplitude * np.tanh(slope * x)
        parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="5" fill="black"/>'
                     f'<text x="{sx(x) + 8:.1f}" y="{sy(y) + (16 if x < 0 else -8):.1f}" font-size="13">'
                     f'f({x}) = {y:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


class SquashingExplorer(Explorer):
    """Sliders for A and S over f(a) = A tanh(S a); f(1) and f(-1) are marked on the curve."""

    def __init__(self, amplitude: float = paper.SQUASH_A, slope: float = paper.SQUASH_S):
        self.amplitude = widgets.FloatSlider(amplitude, min=0.1, max=3.0, step=0.0001, readout_format=".4f",
                                             description="A")
        self.slope = widgets.FloatSlider(slope, min=0.05, max=3.0, step=0.0001, readout_format=".4f",
                                         description="S")
        self.picture = widgets.HTML()
        self.amplitude.observe(self.update, names="value")
        self.slope.observe(self.update, names="value")
        self.widget = widgets.VBox([self.amplitude, self.slope, self.picture])
        self.update()

    def update(self, change=None) -> None:
        """Redraw the curve and the marks for the current A and S."""
        amplitude, slope = self.amplitude.value, self.slope.value
        self.f_of_one = amplitude * float(np.tanh(slope))
        self.picture.value = (curve_svg(amplitude, slope)
                              + f"<p>f(1) = {amplitude:.4f} · tanh({slope:.4f}) = <b>{self.f_of_one:.4f}</b>; "
                                f"the paper's A = {paper.SQUASH_A}, S = 2/3 give f(1) = 1.</p>")


def squashing_explorer(amplitude: float = paper.SQUASH_A, slope: float = paper.SQUASH_S) -> SquashingExplorer:
    """Live squashing-function explorer; display it as the last expression of a cell."""
    return SquashingExplorer(amplitude, slope)


def squashing_explorer_static(presets=SQUASH_PRESETS) -> go.Figure:
    """f(a) = A tanh(S a) with a slider over (A, S) pairs; f(1) and f(-1) are marked and labelled."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(name="f(a)", line=dict(color="#08519c", width=3)))
    fig.add_trace(go.Scatter(x=[-1, 1], mode="markers+text", name="f(-1), f(1)", textposition="top left",
                             marker=dict(size=10, color="black")))
    steps = []
    for amplitude, slope in presets:
        a, f = squash_curve(amplitude, slope)
        marks = amplitude * np.tanh(slope * np.array([-1.0, 1.0]))
        label = f"A={amplitude:.2f}, S={slope:.2f}"
        steps.append(dict(method="update", label=label, args=[
            {"x": [np.round(a, 3), [-1, 1]], "y": [np.round(f, 4), np.round(marks, 4)],
             "text": [None, [f"f(-1) = {marks[0]:.3f}", f"f(1) = {marks[1]:.3f}"]]},
            {"title.text": f"f(a) = {amplitude:.4f} tanh({slope:.4f} a): f(1) = {marks[1]:.3f}"}]))
    first = steps[0]["args"]
    for k in (0, 1):
        fig.data[k].update(x=first[0]["x"][k], y=first[0]["y"][k], text=first[0]["text"][k])
    for level in (-1, 1):
        fig.add_hline(y=level, line=dict(color="#bbbbbb", dash="dot"))
    fig.update_layout(
        title=dict(text=first[1]["title.text"]), height=460, plot_bgcolor="white",
        xaxis=dict(title=dict(text="a"), range=[-_LIMIT, _LIMIT], zeroline=True, zerolinecolor="#999"),
        yaxis=dict(title=dict(text="f(a)"), range=[-3, 3], zeroline=True, zerolinecolor="#999"),
        margin=dict(l=60, r=20, t=60, b=40),
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="setting: "), pad=dict(t=40))],
        meta={"alt": ("The curve f(a) = A tanh(S a) with the points f(-1) and f(1) marked and dotted lines at "
                      "plus and minus one; a slider changes A and S, and only the paper's values put the marks "
                      "on the lines.")})
    return fig
