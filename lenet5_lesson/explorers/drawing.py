"""The drawing pad: draw a digit with the mouse and watch the pretrained LeNet-5 read it.

The pure part (strokes or an image -> an MNIST-like 28x28 digit -> prediction and maps)
needs no browser and is what the tests check.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np

from ..data import preprocess
from ..figures.network import INSIDE_LAYERS
from ._common import ACTIVATION_RANGE, Explorer, all_layer_outputs, image_html, layer_picture

CANVAS = 280
PEN_RADIUS = 11
#: MNIST digits are scaled into a 20x20 box and centred by centre of mass in 28x28 (LeCun et al.).
BOX = 20
FIELD = 28


def rasterize(strokes: Sequence[Sequence[tuple[float, float]]], size: int = CANVAS,
              radius: float = PEN_RADIUS) -> np.ndarray:
    """Ink (0..1 float) of pen strokes on a ``size`` x ``size`` canvas; each stroke is a list of (x, y) points."""
    yy, xx = np.mgrid[-int(radius): int(radius) + 1, -int(radius): int(radius) + 1]
    disc = (xx**2 + yy**2) <= radius**2
    r = int(radius)
    padded = np.zeros((size + 2 * r, size + 2 * r), dtype=bool)
    for stroke in strokes:
        points = np.asarray(stroke, dtype=float).reshape(-1, 2)
        if len(points) == 0:
            continue
        # Points at most one pixel apart, so fast strokes leave no gaps.
        dense = [points[:1]]
        for a, b in zip(points[:-1], points[1:]):
            steps = max(int(np.ceil(np.hypot(*(b - a)))), 1)
            dense.append(a + (b - a) * np.linspace(0, 1, steps + 1)[1:, None])
        for x, y in np.rint(np.concatenate(dense)).astype(int):
            if 0 <= x < size and 0 <= y < size:
                padded[y: y + 2 * r + 1, x: x + 2 * r + 1] |= disc
    return padded[r: r + size, r: r + size].astype(float)


def _area_resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Shrink by averaging the source pixels that fall in each target pixel (enlarge first if needed)."""
    factor = max(int(np.ceil(height / image.shape[0])), int(np.ceil(width / image.shape[1])), 1)
    image = np.kron(image, np.ones((factor, factor)))
    rows = (np.arange(height) * image.shape[0]) // height
    cols = (np.arange(width) * image.shape[1]) // width
    sums = np.add.reduceat(np.add.reduceat(image, rows, axis=0), cols, axis=1)
    counts = np.outer(np.diff(np.append(rows, image.shape[0])), np.diff(np.append(cols, image.shape[1])))
    return sums / counts


def to_mnist(ink: np.ndarray) -> np.ndarray:
    """An MNIST-like 28x28 uint8 digit from an ink image of any size (0 = paper, larger = ink).

    As MNIST was made: the ink's bounding box is scaled to fit 20x20 keeping its aspect,
    then placed in a 28x28 field so that its centre of mass is at the centre.
    A blank image gives a blank digit.
    """
    ink = np.asarray(ink, dtype=float)
    if ink.ndim != 2:
        raise ValueError(f"ink must be a 2-D image, got shape {ink.shape}")
    ink = ink / ink.max() if ink.max() > 0 else ink
    rows, cols = np.nonzero(ink > 0.05)
    out = np.zeros((FIELD, FIELD))
    if len(rows) == 0:
        return out.astype(np.uint8)
    crop = ink[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]
    scale = BOX / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    small = _area_resize(crop, h, w)
    yy, xx = np.indices(small.shape)
    cy, cx = (yy * small).sum() / small.sum(), (xx * small).sum() / small.sum()
    top = int(np.clip(round(FIELD / 2 - 0.5 - cy), 0, FIELD - h))
    left = int(np.clip(round(FIELD / 2 - 0.5 - cx), 0, FIELD - w))
    out[top: top + h, left: left + w] = small
    return np.clip(np.rint(255 * out), 0, 255).astype(np.uint8)


def classify_drawing(drawing) -> dict:
    """Read a drawing with the pretrained LeNet-5.

    Parameters
    ----------
    drawing : sequence of strokes or numpy.ndarray
        Pen strokes on a 280x280 canvas (lists of (x, y) points), or a 2-D ink image of any size.

    Returns
    -------
    dict
        ``digit`` (28x28 uint8 as fed to :func:`lenet5_lesson.preprocess`), ``outputs`` (every layer's output),
        ``penalties`` (ten values) and ``prediction`` (the digit with the smallest penalty).
    """
    ink = drawing if isinstance(drawing, np.ndarray) else rasterize(drawing)
    digit = to_mnist(ink)
    outputs = all_layer_outputs(preprocess(digit))
    return {"digit": digit, "outputs": outputs, "penalties": outputs["output"],
            "prediction": int(np.argmin(outputs["output"]))}


def result_html(result: dict) -> str:
    """The 28x28 digit the model saw, its prediction, and every layer's maps."""
    parts = [image_html(result["digit"], 0, 255, 112, "what the model sees (28×28)", diverging=False),
             f'<p style="font-size:18px">prediction: <b>{result["prediction"]}</b></p>']
    for name in INSIDE_LAYERS[:-1]:
        picture = layer_picture(name, result["outputs"][name])
        parts.append(image_html(picture, -ACTIVATION_RANGE, ACTIVATION_RANGE, min(360, 14 * picture.shape[1]), name))
    return "".join(parts)


class DrawingPad(Explorer):
    """A canvas to draw on (ipycanvas), a Clear button and the model's reading of the drawing."""

    def __init__(self):
        from ipycanvas import Canvas  # noqa: PLC0415 - optional: only the live pad needs it

        self.canvas = Canvas(width=CANVAS, height=CANVAS, layout=widgets.Layout(border="1px solid #888"))
        self.canvas.line_width = 2 * PEN_RADIUS
        self.canvas.line_cap = self.canvas.line_join = "round"
        self.clear = widgets.Button(description="Clear")
        self.result = widgets.HTML("<p>Draw a digit in the box.</p>")
        self.strokes: list[list[tuple[float, float]]] = []
        self._drawing = False
        self.canvas.on_mouse_down(self.pen_down)
        self.canvas.on_mouse_move(self.pen_move)
        self.canvas.on_mouse_up(self.pen_up)
        self.clear.on_click(self.erase)
        self.widget = widgets.HBox([widgets.VBox([self.canvas, self.clear]), self.result])

    def pen_down(self, x: float, y: float) -> None:
        """Start a stroke."""
        self._drawing = True
        self.strokes.append([(x, y)])

    def pen_move(self, x: float, y: float) -> None:
        """Extend the stroke and draw its new segment."""
        if self._drawing:
            x0, y0 = self.strokes[-1][-1]
            self.strokes[-1].append((x, y))
            self.canvas.stroke_line(x0, y0, x, y)

    def pen_up(self, x: float, y: float) -> None:
        """Finish the stroke and let the model read the whole drawing."""
        self._drawing = False
        self.update()

    def erase(self, button=None) -> None:
        """Clear the canvas and the reading."""
        self.strokes.clear()
        self.canvas.clear()
        self.result.value = "<p>Draw a digit in the box.</p>"

    def update(self) -> None:
        """Classify the strokes drawn so far and show the result."""
        self.reading = classify_drawing(self.strokes)
        self.result.value = result_html(self.reading)


def drawing_pad():
    """A live drawing pad (needs the ``ipycanvas`` package); without it, a note saying how to get it."""
    try:
        return DrawingPad()
    except ImportError:
        return widgets.HTML("<p>The drawing pad needs the <code>ipycanvas</code> package: "
                            "<code>pip install ipycanvas==0.14.3</code>, then restart the kernel.</p>")
