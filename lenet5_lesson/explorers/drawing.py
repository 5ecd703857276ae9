"""The drawing pad: draw a digit with the mouse, a finger or a pen, and watch the trained LeNet-5 read it.

The pad is drawn and its drawing read in the reader's browser by ``drawing.js`` beside this module,
with the maps' picture it shares with the feature-map explorer (``network_view.js``) and LeNet-5
in JavaScript (``engine.js``; see :mod:`lenet5_lesson.explorers.live`). The Python object holds
the strokes, so a notebook can read what was drawn and set a drawing.

The fitting of a drawing into an MNIST-like digit is written here in Python too
(:func:`rasterize`, :func:`to_mnist`, :func:`classify_drawing`): it is the reference the page's
JavaScript is tested against, and it reads drawings in a notebook without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import traitlets

from .. import checks
from ..data import preprocess
from .live import NetworkExplorer

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


def classify_drawing(drawing, model=None) -> dict:
    """Read a drawing with LeNet-5, in Python (what the pad does in the page).

    Parameters
    ----------
    drawing : sequence of strokes or numpy.ndarray
        Pen strokes on a 280x280 canvas (lists of (x, y) points), or a 2-D ink image of any size.
    model : keras.Model or None
        The network that reads it; None for the shipped faithful run.

    Returns
    -------
    dict
        ``digit`` (28x28 uint8 as fed to :func:`lenet5_lesson.preprocess`), ``outputs`` (every layer's output),
        ``penalties`` (ten values) and ``prediction`` (the digit with the smallest penalty).
    """
    ink = drawing if isinstance(drawing, np.ndarray) else rasterize(drawing)
    digit = to_mnist(ink)
    from ..figures.network import INSIDE_LAYERS, layer_outputs  # noqa: PLC0415 - these load Keras
    from ..pretrained import pretrained  # noqa: PLC0415

    batch = layer_outputs(pretrained() if model is None else model, preprocess(digit)[None], INSIDE_LAYERS)
    outputs = {name: values[0] for name, values in batch.items()}
    return {"digit": digit, "outputs": outputs, "penalties": outputs["output"],
            "prediction": int(np.argmin(outputs["output"]))}


#: Most points a drawing may hold, so that reading it stays quick.
MAX_POINTS = 20_000


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, count: int) -> list[list[float]]:
    """Points along an ellipse from angle ``start`` to ``end`` (degrees, clockwise from 3 o'clock)."""
    angles = np.radians(np.linspace(start, end, count))
    return [[round(float(cx + rx * np.cos(a)), 1), round(float(cy + ry * np.sin(a)), 1)] for a in angles]


#: A drawing of each digit 0 to 9 on the 280x280 pad, as lists of strokes: what the pad's example
#: buttons load, for a reader who cannot draw with a pointer.
EXAMPLE_DRAWINGS: tuple[list[list[list[float]]], ...] = (
    [_arc(140, 140, 62, 95, -90, 270, 25)],
    [[[125, 70], [155, 40], [150, 240]]],
    [_arc(140, 95, 55, 50, 190, 380, 12) + [[95, 230], [210, 232]]],
    [_arc(135, 90, 52, 45, 210, 450, 12) + _arc(135, 185, 60, 55, -90, 160, 12)],
    [[[150, 40], [80, 165], [215, 165]], [[175, 95], [172, 245]]],
    [[[200, 45], [100, 45], [90, 125]] + _arc(140, 175, 62, 62, -130, 150, 14)],
    [_arc(160, 140, 75, 100, -70, -180, 8) + _arc(140, 190, 55, 50, 180, 540, 18)],
    [[[75, 50], [205, 50], [125, 245]]],
    [_arc(140, 90, 45, 45, 90, 450, 18) + _arc(140, 185, 55, 50, -90, 270, 18)],
    [_arc(140, 95, 50, 50, 30, 380, 18) + [[185, 120], [170, 245]]],
)


def checked_strokes(strokes) -> list[list[list[float]]]:
    """``strokes`` as lists of ``[x, y]`` floats, if each point lies on the 280x280 pad.

    Raises
    ------
    TypeError
        If ``strokes`` is not a list of strokes, a stroke not a list of points, a point not a
        list, or a coordinate not a number.
    ValueError
        If a point is not a pair, a coordinate lies outside 0 .. :data:`CANVAS`, or there are
        more than :data:`MAX_POINTS` points in all.
    """
    if not isinstance(strokes, (list, tuple)):
        raise TypeError(f"strokes must be a list of strokes, got {type(strokes).__name__}")
    checked = []
    for stroke in strokes:
        if not isinstance(stroke, (list, tuple)):
            raise TypeError(f"each stroke must be a list of [x, y] points, got {type(stroke).__name__}")
        points = []
        for point in stroke:
            if not isinstance(point, (list, tuple)):
                raise TypeError(f"each point of a stroke must be a pair [x, y], got {type(point).__name__} {point!r}")
            if len(point) != 2:
                raise ValueError(f"each point of a stroke must be a pair [x, y], got {point!r}")
            points.append([checks.number(name, value, 0, CANVAS) for name, value in zip(("x", "y"), point)])
        checked.append(points)
    total = sum(map(len, checked))
    if total > MAX_POINTS:
        raise ValueError(f"strokes must hold at most {MAX_POINTS} points in all, got {total}")
    return checked


class DrawingPad(NetworkExplorer):
    """A 280x280 pad to draw a digit on, and the network's reading of it, redrawn as the pen moves.

    The page fits the drawing into a 28x28 digit as :func:`to_mnist` does and shows that digit,
    every map of every layer, the ten penalties and the answer. ``strokes`` holds the drawing:
    each stroke a list of ``[x, y]`` points on the pad (0 .. 280, y downwards); the page sets it
    when the pen lifts, and setting it from Python redraws the pad.
    """

    explorer = "drawing"
    title = "The drawing pad"
    scripts = ("engine", "network_view")

    strokes = traitlets.List(help="the drawing: strokes of [x, y] points on the 280x280 pad").tag(sync=True)
    examples = traitlets.List([[[list(p) for p in s] for s in drawing] for drawing in EXAMPLE_DRAWINGS],
                              read_only=True, help="the example drawings the pad offers").tag(sync=True)
    pad = traitlets.Dict({"size": CANVAS, "pen_radius": PEN_RADIUS, "box": BOX, "field": FIELD},
                         read_only=True, help="the pad's size and the fitting's sizes").tag(sync=True)

    @traitlets.validate("strokes")
    def _check_strokes(self, proposal) -> list:
        return checked_strokes(proposal["value"])

    @property
    def digit(self) -> np.ndarray:
        """The 28x28 uint8 digit the network is given for the current drawing (:func:`to_mnist`)."""
        return to_mnist(rasterize(self.strokes))


def drawing_pad(strokes=None, model=None) -> DrawingPad:
    """The drawing pad; display it as the last expression of a cell.

    It runs in the page without a kernel too: the HTML book shows it live.

    Parameters
    ----------
    strokes : list of strokes or None
        A drawing to start with (see :class:`DrawingPad`); None for an empty pad.
    model : keras.Model or None
        A faithful Keras LeNet-5 of one's own to read the drawings; None for the shipped network.

    Raises
    ------
    TypeError, ValueError
        If ``strokes`` breaks the rules of :func:`checked_strokes`.
    """
    return DrawingPad(model, strokes=[] if strokes is None else strokes)
