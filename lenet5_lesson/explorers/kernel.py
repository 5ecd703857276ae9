"""The kernel explorer: one 5x5 kernel over one test digit, before and after the squashing function."""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
from numpy.lib.stride_tricks import sliding_window_view
from plotly.subplots import make_subplots

from .. import paper
from ..data import preprocess
from ._common import ACTIVATION_RANGE, Explorer, image_html, test_digits, trained_model

_EDGE = np.tile([-1.0, -1.0, 0.0, 1.0, 1.0], (5, 1)) / 5
_IDENTITY = np.zeros((5, 5))
_IDENTITY[2, 2] = 1.0
_BLUR = np.full((5, 5), 1 / 25)

#: Hand-made kernels (weights, bias); the edge kernels are scaled so strong edges reach the squashing's bend.
HAND_KERNELS: dict[str, tuple[np.ndarray, float]] = {
    "identity": (_IDENTITY, 0.0),
    "blur": (_BLUR, 0.0),
    "vertical edge": (_EDGE, 0.0),
    "horizontal edge": (_EDGE.T.copy(), 0.0),
    "sharpen": (2 * _IDENTITY - _BLUR, 0.0),
}


def squash_np(a: np.ndarray) -> np.ndarray:
    """The paper's f(a) = A tanh(S a) in numpy, the same function as :func:`lenet5_lesson.layers.squash`."""
    return paper.SQUASH_A * np.tanh(paper.SQUASH_S * np.asarray(a))


def correlate_valid(image: np.ndarray, kernel: np.ndarray, bias: float = 0.0) -> np.ndarray:
    """What a Keras ``Conv2D`` computes for one map: a 'valid' cross-correlation plus a bias.

    Parameters
    ----------
    image : numpy.ndarray
        2-D input, at least as large as the kernel.
    kernel : numpy.ndarray
        2-D weights.
    bias : float
        Added to every output.
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D, got shapes {image.shape} and {kernel.shape}")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"kernel {kernel.shape} must not be larger than image {image.shape}")
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel) + bias


@functools.lru_cache(maxsize=1)
def trained_c1_kernels() -> dict[str, tuple[np.ndarray, float]]:
    """The six trained C1 kernels and biases of the shipped model, named "trained C1 #0" .. "#5"."""
    kernel, bias = trained_model().get_layer("C1").get_weights()
    return {f"trained C1 #{m}": (kernel[:, :, 0, m].astype(float), float(bias[m])) for m in range(kernel.shape[-1])}


def all_kernels() -> dict[str, tuple[np.ndarray, float]]:
    """The hand-made kernels followed by the trained C1 kernels."""
    return {**HAND_KERNELS, **trained_c1_kernels()}


class KernelExplorer(Explorer):
    """A test digit, a kernel (preset or edited weight by weight) and the feature map before and after squashing."""

    def __init__(self, index: int = 0, kernel: str = "vertical edge"):
        self.kernels = all_kernels()
        x_test, self.labels = test_digits()
        self.images = x_test
        self.digit = widgets.IntSlider(index, 0, len(x_test) - 1, description="test digit",
                                       continuous_update=True)
        self.kernel = widgets.Dropdown(options=list(self.kernels), value=kernel, description="kernel")
        cell = widgets.Layout(width="64px")
        self.weights = [widgets.FloatText(0.0, step=0.1, layout=cell) for _ in range(25)]
        self.bias = widgets.FloatText(0.0, step=0.1, description="bias", layout=widgets.Layout(width="160px"))
        self.note = widgets.HTML()
        self.picture = widgets.HTML()
        self._loading = False
        self.digit.observe(self.update, names="value")
        self.kernel.observe(self._load_kernel, names="value")
        for control in self.weights + [self.bias]:
            control.observe(self._edited, names="value")
        grid = widgets.GridBox(self.weights, layout=widgets.Layout(grid_template_columns="repeat(5, 66px)"))
        self.widget = widgets.VBox([widgets.HBox([self.digit, self.kernel]),
                                    widgets.HBox([grid, widgets.VBox([self.bias, self.note])]), self.picture])
        self._load_kernel()

    def kernel_values(self) -> tuple[np.ndarray, float]:
        """The 5x5 weights and the bias currently in the boxes."""
        return np.array([w.value for w in self.weights], dtype=float).reshape(5, 5), float(self.bias.value)

    def _load_kernel(self, change=None) -> None:
        weights, bias = self.kernels[self.kernel.value]
        self._loading = True  # one redraw for the 26 boxes, not 26
        try:
            for box, value in zip(self.weights, weights.ravel()):
                box.value = round(float(value), 4)
            self.bias.value = round(bias, 4)
        finally:
            self._loading = False
        self.note.value = f"<i>{self.kernel.value}</i>"
        self.update()

    def _edited(self, change=None) -> None:
        if not self._loading:
            self.note.value = f"<i>{self.kernel.value}, edited</i>"
            self.update()

    def update(self, change=None) -> None:
        """Recompute the feature map of the chosen digit and redraw it before and after squashing."""
        weights, bias = self.kernel_values()
        image = preprocess(self.images[self.digit.value])[:, :, 0]
        self.before = correlate_valid(image, weights, bias)
        self.after = squash_np(self.before)
        reach = max(float(np.abs(self.before).max()), 1e-6)
        label = int(self.labels[self.digit.value])
        self.picture.value = "".join([
            image_html(image, paper.BACKGROUND, paper.INK, 192, f"input: a {label}, 32×32", diverging=False),
            image_html(self.before, -reach, reach, 168,
                       f"before squashing, 28×28<br>from {self.before.min():.2f} to {self.before.max():.2f}"),
            image_html(self.after, -ACTIVATION_RANGE, ACTIVATION_RANGE, 168,
                       f"after f(a) = 1.7159 tanh(2a/3)<br>from {self.after.min():.2f} to {self.after.max():.2f}"),
        ])


def kernel_explorer(index: int = 0, kernel: str = "vertical edge") -> KernelExplorer:
    """Live kernel explorer; display it as the last expression of a cell."""
    return KernelExplorer(index, kernel)


def kernel_explorer_static(indices=(0, 1, 2), kernels=None) -> go.Figure:
    """The kernel explorer for a page without a kernel: rows are test digits, a slider picks the kernel."""
    kernels = all_kernels() if kernels is None else kernels
    x_test, y_test = test_digits()
    images = [preprocess(x_test[i])[:, :, 0] for i in indices]
    rows = len(indices)
    titles = [t for i in indices for t in (f"a {y_test[i]}", "before squashing", "after squashing")]
    titles.insert(3, "kernel")  # titles go row by row, and the kernel's panel belongs to the first row
    fig = make_subplots(rows=rows, cols=4, subplot_titles=titles, horizontal_spacing=0.03,
                        vertical_spacing=0.05,
                        specs=[[{}, {}, {}, {"rowspan": rows} if r == 0 else None] for r in range(rows)])
    map_traces = []
    for r, image in enumerate(images):
        fig.add_trace(go.Heatmap(z=image, colorscale="Greys", zmin=paper.BACKGROUND, zmax=paper.INK, showscale=False,
                                 hovertemplate="pixel %{z:.2f}<extra></extra>"), row=r + 1, col=1)
        for c in (2, 3):
            map_traces.append(len(fig.data))
            fig.add_trace(go.Heatmap(colorscale="RdBu_r", zmin=-ACTIVATION_RANGE * (2 if c == 2 else 1),
                                     zmax=ACTIVATION_RANGE * (2 if c == 2 else 1), showscale=False,
                                     hovertemplate="%{z:.2f}<extra></extra>"), row=r + 1, col=c)
    kernel_trace = len(fig.data)
    fig.add_trace(go.Heatmap(colorscale="RdBu_r", zmid=0, showscale=False, texttemplate="%{z:.2f}",
                             hovertemplate="weight %{z:.3f}<extra></extra>"), row=1, col=4)
    steps = []
    for name, (weights, bias) in kernels.items():
        zs = []
        for image in images:
            before = correlate_valid(image, weights, bias)
            zs += [np.round(before, 3), np.round(squash_np(before), 3)]
        zs.append(np.round(weights, 3))
        steps.append(dict(method="restyle", label=name, args=[{"z": zs}, map_traces + [kernel_trace]]))
    for trace, z in zip(map_traces + [kernel_trace], steps[0]["args"][0]["z"]):
        fig.data[trace].z = z
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    fig.update_annotations(font_size=11)
    fig.update_layout(
        title=dict(text="One 5×5 kernel over three test digits, before and after squashing"),
        height=150 + 170 * rows, margin=dict(l=20, r=20, t=70, b=20), plot_bgcolor="white",
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="kernel: "), pad=dict(t=20))],
        meta={"alt": (f"For {rows} test digits, the digit, its feature map under a 5×5 kernel and the map after "
                      "the squashing function, with the kernel's weights; a slider picks the kernel, from hand-made "
                      "edge and blur kernels to the six trained C1 kernels.")})
    return fig
