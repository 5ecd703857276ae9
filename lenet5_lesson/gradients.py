"""Gradients of LeNet-5's layers, worked out by hand with numpy.

Chapter 9 of the book, *How LeNet-5 learns* (``book/09_gradients``), computes each of these
and checks it against TensorFlow's automatic differentiation (``tf.GradientTape``): the
cross-correlation Keras calls a convolution, a convolution over several input maps, the
gradient of a shared kernel as a sum over the positions it is used at, the gradient through
trainable subsampling, the gradients of the RBF penalties and of the MAP loss (eq. 9), and
central finite differences to check any of them.

Arrays follow Keras' layout without the batch axis: maps are ``(height, width, maps)`` and
kernels ``(k, k, input maps, output maps)``. Everything is computed in float64.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import checks, paper
from .layers import SparseConv2D


def _array(name: str, value, ndim: int) -> np.ndarray:
    """``value`` as a finite float64 array with ``ndim`` axes, or a TypeError / ValueError naming it."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        array = np.asarray(keras.ops.convert_to_numpy(value), dtype="float64")
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from err
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes, got shape {array.shape}")
    if array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be non-empty and hold finite numbers only")
    return array


def _fits(name: str, array: np.ndarray, k: int) -> None:
    if k > min(array.shape[:2]):
        raise ValueError(f"a {k}x{k} kernel does not fit in {name} of shape {array.shape}")


def cross_correlate(image, kernel) -> np.ndarray:
    """The 'valid' cross-correlation of one map with one kernel, what Keras' ``Conv2D`` computes.

    ``out[p, q] = sum over u, v of image[p + u, q + v] * kernel[u, v]``: the kernel is laid on the
    image as it is, without turning it round.

    Parameters
    ----------
    image : array-like
        One map, shape (h, w).
    kernel : array-like
        A square kernel, shape (k, k), with k at most h and w.

    Returns
    -------
    numpy.ndarray
        Shape (h - k + 1, w - k + 1).
    """
    image, kernel = _array("image", image, 2), _array("kernel", kernel, 2)
    if kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"kernel must be square, got shape {kernel.shape}")
    _fits("image", image, kernel.shape[0])
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("pquv,uv->pq", windows, kernel)


def convolve(image, kernel) -> np.ndarray:
    """The 'valid' convolution of the textbook: a cross-correlation with the kernel turned by 180 degrees.

    ``out[p, q] = sum over u, v of image[p + k - 1 - u, q + k - 1 - v] * kernel[u, v]``; the
    arguments are those of :func:`cross_correlate`.
    """
    kernel = _array("kernel", kernel, 2)
    return cross_correlate(image, kernel[::-1, ::-1])


def conv_by_hand(inputs, kernel, bias) -> np.ndarray:
    """A convolution layer over several input maps, before its squashing function.

    Output map ``o`` is its bias plus, for every input map ``i``, the cross-correlation of map
    ``i`` with its own kernel ``kernel[:, :, i, o]``: one kernel per input map, summed, one bias.

    Parameters
    ----------
    inputs : array-like
        Shape (h, w, input maps).
    kernel : array-like
        Shape (k, k, input maps, output maps), Keras' layout.
    bias : array-like
        Shape (output maps,).

    Returns
    -------
    numpy.ndarray
        The weighted sums, shape (h - k + 1, w - k + 1, output maps).
    """
    inputs, kernel, bias = _array("inputs", inputs, 3), _array("kernel", kernel, 4), _array("bias", bias, 1)
    k, k2, maps_in, maps_out = kernel.shape
    if k != k2 or maps_in != inputs.shape[2] or bias.shape[0] != maps_out:
        raise ValueError(f"kernel {kernel.shape} must be (k, k, {inputs.shape[2]}, outputs) with one bias per "
                         f"output map, got bias of shape {bias.shape}")
    _fits("inputs", inputs, k)
    total = np.zeros((inputs.shape[0] - k + 1, inputs.shape[1] - k + 1, maps_out))
    for o in range(maps_out):
        for i in range(maps_in):
            total[..., o] += cross_correlate(inputs[..., i], kernel[:, :, i, o])
    return total + bias


def _windows(inputs: np.ndarray, k: int) -> np.ndarray:
    """Every k x k window of (h, w, maps), shape (h - k + 1, w - k + 1, maps, k, k)."""
    return sliding_window_view(inputs, (k, k), axis=(0, 1))


def kernel_gradient(inputs, upstream, kernel_size: int) -> tuple[np.ndarray, np.ndarray]:
    """The gradients of a convolution's shared kernel and biases, summed over every output position.

    ``dE/dw[u, v, i, o] = sum over p, q of upstream[p, q, o] * inputs[p + u, q + v, i]`` and
    ``dE/db[o] = sum over p, q of upstream[p, q, o]``: each weight is used once at every position,
    so its gradient adds one term per position.

    Parameters
    ----------
    inputs : array-like
        The layer's input, shape (h, w, input maps).
    upstream : array-like
        ``dE/da``, the gradient of the loss with respect to the weighted sums, shape
        (h - k + 1, w - k + 1, output maps).
    kernel_size : int
        The side k of the kernel.

    Returns
    -------
    tuple of numpy.ndarray
        The kernel's gradient, shape (k, k, input maps, output maps), and the biases', shape (output maps,).
    """
    inputs, upstream = _array("inputs", inputs, 3), _array("upstream", upstream, 3)
    k = checks.integer("kernel_size", kernel_size, low=1)
    _fits("inputs", inputs, k)
    windows = _windows(inputs, k)
    if upstream.shape[:2] != windows.shape[:2]:
        raise ValueError(f"upstream must have shape {windows.shape[:2]} + (output maps,) for a {k}x{k} kernel on "
                         f"inputs of shape {inputs.shape}, got {upstream.shape}")
    return np.einsum("pqiuv,pqo->uvio", windows, upstream), upstream.sum(axis=(0, 1))


def kernel_gradient_terms(image, upstream, kernel_size: int) -> np.ndarray:
    """The term each output position adds to a kernel's gradient, for one input and one output map.

    Term ``(p, q)`` is ``upstream[p, q]`` times the k x k window of ``image`` at ``(p, q)``; their
    sum over all positions is :func:`kernel_gradient`'s result for that pair of maps.

    Parameters
    ----------
    image : array-like
        One input map, shape (h, w).
    upstream : array-like
        ``dE/da`` of one output map, shape (h - k + 1, w - k + 1).
    kernel_size : int
        The side k of the kernel.

    Returns
    -------
    numpy.ndarray
        Shape (h - k + 1, w - k + 1, k, k).
    """
    image, upstream = _array("image", image, 2), _array("upstream", upstream, 2)
    k = checks.integer("kernel_size", kernel_size, low=1)
    _fits("image", image, k)
    windows = sliding_window_view(image, (k, k))
    if upstream.shape != windows.shape[:2]:
        raise ValueError(f"upstream must have shape {windows.shape[:2]}, got {upstream.shape}")
    return windows * upstream[:, :, None, None]


def input_gradient(upstream, kernel) -> np.ndarray:
    """The gradient a convolution passes back to its input: a 'full' convolution of ``dE/da`` with its kernel.

    ``dE/dx[m, n, i] = sum over o, p, q of upstream[p, q, o] * kernel[m - p, n - q, i, o]`` (terms
    whose kernel index falls outside the kernel are left out). This is a true convolution, kernel
    turned round, of ``upstream`` padded with k - 1 zeros on every side.

    Parameters
    ----------
    upstream : array-like
        ``dE/da``, shape (h', w', output maps).
    kernel : array-like
        Shape (k, k, input maps, output maps).

    Returns
    -------
    numpy.ndarray
        Shape (h' + k - 1, w' + k - 1, input maps).
    """
    upstream, kernel = _array("upstream", upstream, 3), _array("kernel", kernel, 4)
    k = kernel.shape[0]
    if kernel.shape[1] != k or kernel.shape[3] != upstream.shape[2]:
        raise ValueError(f"kernel must have shape (k, k, inputs, {upstream.shape[2]}), got {kernel.shape}")
    padded = np.pad(upstream, ((k - 1, k - 1), (k - 1, k - 1), (0, 0)))
    return np.einsum("mnouv,uvio->mni", _windows(padded, k), kernel[::-1, ::-1])


def squash_derivative(a) -> np.ndarray:
    """f'(a) of the squashing function f(a) = A tanh(S a): A S (1 - tanh(S a)^2)."""
    a = np.asarray(a, dtype="float64")
    return paper.SQUASH_A * paper.SQUASH_S * (1.0 - np.tanh(paper.SQUASH_S * a) ** 2)


def subsampling_gradients(inputs, upstream, coefficient, bias, pool_size: int = 2) -> dict[str, np.ndarray]:
    """The gradients of a trainable subsampling layer with the paper's squashing function.

    A unit outputs ``y = f(a)`` with ``a = c * s + b``, where ``s`` is the sum of its window and
    ``c`` and ``b`` are its map's coefficient and bias. With ``g = dE/dy * f'(a)``:
    ``dE/dc = sum of g * s`` and ``dE/db = sum of g`` over the units of the map, and each of
    the window's inputs receives ``c * g``.

    Parameters
    ----------
    inputs : array-like
        The layer's input, shape (h, w, maps); rows and columns beyond the last full window are
        not used, and get a zero gradient.
    upstream : array-like
        ``dE/dy``, shape (h // pool_size, w // pool_size, maps).
    coefficient, bias : array-like
        One number per map each, shape (maps,).
    pool_size : int
        Side of the window, which is also the stride.

    Returns
    -------
    dict of numpy.ndarray
        ``"coefficient"`` and ``"bias"``, shape (maps,), and ``"inputs"``, shape (h, w, maps).
    """
    inputs, upstream = _array("inputs", inputs, 3), _array("upstream", upstream, 3)
    c, b = _array("coefficient", coefficient, 1), _array("bias", bias, 1)
    p = checks.integer("pool_size", pool_size, low=1)
    h, w, maps = inputs.shape
    if upstream.shape != (h // p, w // p, maps) or c.shape != (maps,) or b.shape != (maps,):
        raise ValueError(f"for inputs of shape {inputs.shape} and pool_size {p}, upstream must have shape "
                         f"{(h // p, w // p, maps)} and coefficient and bias shape {(maps,)}; got "
                         f"{upstream.shape}, {c.shape} and {b.shape}")
    if h < p or w < p:
        raise ValueError(f"pool_size={p} is larger than the inputs of shape {inputs.shape}")
    used = inputs[: h // p * p, : w // p * p]
    sums = used.reshape(h // p, p, w // p, p, maps).sum(axis=(1, 3))
    g = upstream * squash_derivative(sums * c + b)
    back = np.zeros_like(inputs)
    back[: h // p * p, : w // p * p] = np.repeat(np.repeat(g * c, p, axis=0), p, axis=1)
    return {"coefficient": (g * sums).sum(axis=(0, 1)), "bias": g.sum(axis=(0, 1)), "inputs": back}


def dense_layout(layer: SparseConv2D, values) -> np.ndarray:
    """Values given per connection of a :class:`~lenet5_lesson.layers.SparseConv2D`, laid out as its dense kernel.

    Block ``[:, :, i, j]`` holds the values of the connection from input map ``i`` to output map ``j``,
    and zeros where the layer's table has no such connection, as in ``layer.dense_kernel()``.

    Parameters
    ----------
    layer : SparseConv2D
        A built layer.
    values : array-like
        The shape of ``layer.kernel``, (k, k, connections): its weights, or their gradient.

    Returns
    -------
    numpy.ndarray
        Shape (k, k, input maps, output maps).
    """
    if not isinstance(layer, SparseConv2D):
        raise TypeError(f"layer must be a SparseConv2D, got {type(layer).__name__}")
    if not layer.built:
        raise ValueError("layer must be built (call it once or build it) before its kernel can be laid out")
    values = _array("values", values, 3)
    if values.shape != tuple(layer.kernel.shape):
        raise ValueError(f"values must have the shape of the layer's kernel, {tuple(layer.kernel.shape)}, "
                         f"got {values.shape}")
    dense = np.zeros(tuple(layer.dense_kernel().shape))
    for n, (i, j) in enumerate(layer.pairs):
        dense[:, :, i, j] = values[:, :, n]
    return dense


def rbf_jacobian(x, centres) -> np.ndarray:
    """The derivatives of the RBF penalties ``y_i = sum over j of (x_j - w_ij)^2``: ``dy_i/dx_j = 2 (x_j - w_ij)``.

    Parameters
    ----------
    x : array-like
        One input of the output layer (F6's 84 outputs), shape (n,).
    centres : array-like
        One centre per row, shape (units, n).

    Returns
    -------
    numpy.ndarray
        Shape (units, n): row i is the gradient of penalty i.
    """
    x, centres = _array("x", x, 1), _array("centres", centres, 2)
    if centres.shape[1] != x.shape[0]:
        raise ValueError(f"centres must have {x.shape[0]} columns, one per input, got shape {centres.shape}")
    return 2.0 * (x[None, :] - centres)


def map_loss_gradient(penalties, labels, j: float = 1.0) -> np.ndarray:
    """The gradient of the MAP loss of eq. (9) with respect to the penalties.

    For one sample, ``dE/dy_i = [i = D] - q_i`` with
    ``q_i = exp(-y_i) / (exp(-j) + sum over k of exp(-y_k))``: the correct penalty is pulled
    down with weight 1, each penalty pushed up by its share ``q_i`` of the competition. For a
    batch the loss is the mean over the samples, as in :class:`~lenet5_lesson.losses.MAPLoss`,
    so every row is divided by the batch size.

    Parameters
    ----------
    penalties : array-like
        Shape (units,) for one sample, or (batch, units).
    labels : int or array-like of int
        The correct class of each sample.
    j : float
        The positive constant of eq. (9).

    Returns
    -------
    numpy.ndarray
        The shape of ``penalties``.
    """
    y = _array("penalties", penalties, np.ndim(penalties))
    if y.ndim not in (1, 2):
        raise ValueError(f"penalties must have shape (units,) or (batch, units), got {y.shape}")
    j = checks.number("j", j, above=0)
    batch = np.atleast_2d(y)
    classes = np.atleast_1d(np.asarray(labels))
    if classes.shape != (batch.shape[0],):
        raise ValueError(f"labels must give one class per sample: {classes.shape} for {batch.shape[0]} samples")
    classes = [checks.integer(f"labels[{n}]", d, 0, batch.shape[1] - 1) for n, d in enumerate(classes)]
    scores = np.concatenate([np.full((batch.shape[0], 1), -j), -batch], axis=1)
    shares = np.exp(scores - scores.max(axis=1, keepdims=True))
    shares = (shares / shares.sum(axis=1, keepdims=True))[:, 1:]
    grad = -shares
    grad[np.arange(batch.shape[0]), classes] += 1.0
    return (grad / batch.shape[0]).reshape(y.shape)


def numerical_gradient(f: Callable[[np.ndarray], float], x, step: float = 1e-6) -> np.ndarray:
    """Central finite differences ``(f(x + h e_k) - f(x - h e_k)) / 2h`` for every entry k of ``x``.

    Parameters
    ----------
    f : callable
        A scalar function of one array, called with float64 arrays of the shape of ``x``.
    x : array-like
        Where to differentiate.
    step : float
        The step h, positive. The error of the formula shrinks like h^2 while the rounding error of
        f's values grows like 1/h, so h near 1e-6 suits float64 and 1e-3 float32.

    Returns
    -------
    numpy.ndarray
        float64, the shape of ``x``.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    point = _array("x", x, np.ndim(x)).copy()
    h = checks.number("step", step, above=0)
    grad = np.zeros_like(point)
    for k in np.ndindex(point.shape):
        saved = point[k]
        point[k] = saved + h
        up = float(f(point.copy()))
        point[k] = saved - h
        down = float(f(point.copy()))
        point[k] = saved
        grad[k] = (up - down) / (2.0 * h)
    return grad


def forward_from(model: keras.Model, name: str, values):
    """Run the layers of a chain model that come after layer ``name`` on ``values``, that layer's output.

    With it, a gradient can be taken with respect to the output of any layer of LeNet-5, or with
    respect to the weights of a layer applied by hand.

    Parameters
    ----------
    model : keras.Model
        A model whose layers form one chain, such as :func:`~lenet5_lesson.models.build_lenet5`'s.
    name : str
        The layer whose output ``values`` is; ``"image"`` runs the whole network.
    values : Tensor or array-like
        A batch of that layer's outputs.

    Returns
    -------
    Tensor
        The model's output, differentiable with respect to ``values``.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    names = [layer.name for layer in model.layers]
    if name not in names:
        raise ValueError(f"name={name!r} is not a layer of the model ({', '.join(names)})")
    out = values
    for layer in model.layers[names.index(name) + 1:]:
        out = layer(out)
    return out


def relative_difference(ours, reference) -> float:
    """How far ``ours`` is from ``reference``, as a fraction of the reference's size.

    ``max |ours - reference| / max |reference|``: about 1e-7 for two computations of the same
    float32 gradient that add their terms in a different order, about 1 for unrelated arrays.

    Raises
    ------
    ValueError
        If the shapes differ or the reference is zero everywhere.
    """
    ours, reference = (_array(name, v, np.ndim(v)) for name, v in (("ours", ours), ("reference", reference)))
    if ours.shape != reference.shape:
        raise ValueError(f"ours and reference must have the same shape, got {ours.shape} and {reference.shape}")
    size = float(np.abs(reference).max())
    if size == 0.0:
        raise ValueError("reference must not be zero everywhere: a relative difference needs a size")
    return float(np.abs(ours - reference).max() / size)
