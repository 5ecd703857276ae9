"""The custom Keras layers of the faithful LeNet-5.

Each follows Keras' conventions (weights made in ``build``, ``get_config`` for
serialisation, registered under the ``lenet5_lesson`` package name), so a saved model
loads back with ``keras.models.load_model`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from . import checks, paper
from .bitmaps import rbf_centres

_PACKAGE = "lenet5_lesson"


@keras.saving.register_keras_serializable(package=_PACKAGE)
def squash(a):
    """The paper's squashing function f(a) = A tanh(S a), with A = 1.7159 and S = 2/3."""
    return paper.SQUASH_A * ops.tanh(paper.SQUASH_S * a)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class FanInUniform(keras.initializers.Initializer):
    """Uniform in [-2.4/F, +2.4/F], the paper's initialisation, for a given fan-in F.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the unit the weight belongs to.
    seed : int or None
        Seed of the random draw.
    """

    def __init__(self, fan_in: int, seed: int | None = None):
        self.fan_in = checks.integer("fan_in", fan_in, low=1)
        self.seed = seed

    def __call__(self, shape, dtype=None):
        limit = paper.INIT_SPREAD / self.fan_in
        return keras.random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"fan_in": self.fan_in, "seed": self.seed}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Subsampling(keras.layers.Layer):
    """Trainable subsampling (S2, S4): each unit sums a 2x2 window of one map,
    multiplies the sum by the map's trainable coefficient, adds the map's trainable
    bias and squashes the result. Two trainable parameters per map.

    Parameters
    ----------
    pool_size : int
        Side of the square window; the stride equals it, so windows do not overlap.
    activation : str or callable or None
        Applied after coefficient and bias; ``"squash"`` (the default) is the paper's.
    seed : int or None
        Seed of the initialisation.
    """

    def __init__(self, pool_size: int = 2, activation="squash", seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = checks.integer("pool_size", pool_size, low=1)
        self.activation = _activation(activation)
        self.seed = seed

    def build(self, input_shape):
        maps = input_shape[-1]
        init = FanInUniform(self.pool_size**2, seed=self.seed)
        self.coefficient = self.add_weight(shape=(maps,), initializer=init, name="coefficient")
        self.bias = self.add_weight(shape=(maps,), initializer="zeros", name="bias")

    def call(self, inputs):
        # average_pool is the fastest fused window sum Keras offers; times window area is the sum.
        window_sum = ops.average_pool(inputs, self.pool_size, self.pool_size, "valid") * float(self.pool_size**2)
        return self.activation(window_sum * self.coefficient + self.bias)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        return (b, h // self.pool_size, w // self.pool_size, c)

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=self.pool_size, activation=keras.activations.serialize(self.activation), seed=self.seed)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class FullWindowConv2D(keras.layers.Conv2D):
    """Keras' ``Conv2D``, computed as one matrix product when the kernel covers the whole input.

    C5's 5x5 kernel on S4's 5x5 maps has one position only: each output is a weighted sum of
    all 400 inputs, the same numbers a dense layer with the reshaped kernel gives. A matrix
    product computes them several times faster than the convolution routine does. On a larger
    input the layer slides its kernel as any convolution (chapter 6 tries a 40x40 digit).
    Arguments and weights are those of ``keras.layers.Conv2D``.
    """

    def call(self, inputs):
        if not self._one_window(inputs.shape):
            return super().call(inputs)
        outputs = ops.matmul(ops.reshape(inputs, (-1, int(np.prod(inputs.shape[1:])))),
                             ops.reshape(self.kernel, (-1, self.filters)))
        if self.use_bias:
            outputs = outputs + self.bias
        if self.activation is not None:
            outputs = self.activation(outputs)
        return ops.reshape(outputs, (-1, 1, 1, self.filters))

    def _one_window(self, shape) -> bool:
        return (self.data_format == "channels_last" and self.groups == 1 and self.padding == "valid"
                and tuple(shape[1:3]) == tuple(self.kernel_size))


@keras.saving.register_keras_serializable(package=_PACKAGE)
class SparseConv2D(keras.layers.Layer):
    """A 'valid' convolution in which output map j sees only the input maps ``table[j]``.

    Only the kernels of connected pairs exist as weights: with the paper's Table I
    (the default) that is 60 kernels of 5x5 plus 16 biases, 1,516 trainable parameters.
    The call scatters them into a dense kernel with zeros elsewhere and runs one
    ordinary convolution, which is much faster than sixteen small ones.

    Parameters
    ----------
    table : sequence of sequences of int
        ``table[j]`` lists the input maps of output map ``j``.
    kernel_size : int
        Side of the square kernel.
    activation : str or callable or None
        ``"squash"`` (the default) is the paper's squashing function.
    seed : int or None
        Seed of the initialisation.
    """

    def __init__(self, table: Sequence[Sequence[int]] = paper.C3_TABLE, kernel_size: int = 5,
                 activation="squash", seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.table = _check_table(table)
        self.kernel_size = checks.integer("kernel_size", kernel_size, low=1)
        self.activation = _activation(activation)
        self.seed = seed
        self.filters = len(self.table)
        self.pairs = [(i, j) for j, inputs in enumerate(self.table) for i in inputs]

    def build(self, input_shape):
        in_maps = input_shape[-1]
        wanted = 1 + max(i for i, _ in self.pairs)
        if in_maps < wanted:
            raise ValueError(f"the table uses input map {wanted - 1} but the input has {in_maps} maps")
        k = self.kernel_size
        fan_in = np.array([len(self.table[j]) * k * k for _, j in self.pairs], dtype="float32")
        # Fan-in differs between C3 maps (3, 4 or 6 inputs), so each kernel has its own limit.
        limits = paper.INIT_SPREAD / fan_in

        def init(shape, dtype=None):
            return keras.random.uniform(shape, -1.0, 1.0, dtype=dtype, seed=self.seed) * limits

        self.kernel = self.add_weight(shape=(k, k, len(self.pairs)), initializer=init, name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
        # Position of each (input, output) pair in the flat kernel; unconnected pairs point
        # at an extra always-zero slot, so they get neither a value nor a gradient.
        index = np.full((in_maps, self.filters), len(self.pairs), dtype="int32")
        for n, (i, j) in enumerate(self.pairs):
            index[i, j] = n
        self._index = index

    def dense_kernel(self):
        """The (k, k, inputs, outputs) kernel with zeros where Table I has no connection."""
        padded = ops.pad(self.kernel, ((0, 0), (0, 0), (0, 1)))
        return ops.take(padded, self._index, axis=2)

    def call(self, inputs):
        return self.activation(ops.conv(inputs, self.dense_kernel(), padding="valid") + self.bias)

    def compute_output_shape(self, input_shape):
        b, h, w, _ = input_shape
        k = self.kernel_size
        return (b, h - k + 1, w - k + 1, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(table=[list(t) for t in self.table], kernel_size=self.kernel_size,
                      activation=keras.activations.serialize(self.activation), seed=self.seed)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
class EuclideanRBF(keras.layers.Layer):
    """Output layer of Euclidean radial basis units with fixed centres.

    Unit i outputs y_i = sum_j (x_j - w_ij)^2, the squared distance between the input
    and centre i; the smallest penalty wins. The centres are the project's 7x12 digit
    bitmaps and are not trained.
    """

    def build(self, input_shape):
        centres = rbf_centres()
        if input_shape[-1] != centres.shape[1]:
            raise ValueError(f"EuclideanRBF needs {centres.shape[1]} inputs (7x12), got {input_shape[-1]}")
        self.centres = self.add_weight(shape=centres.shape, initializer=keras.initializers.Constant(centres),
                                       trainable=False, name="centres")

    def call(self, inputs):
        # |x - w|^2 = |x|^2 - 2 x.w + |w|^2 as one matmul instead of a (batch, 10, 84) tensor.
        x2 = ops.sum(ops.square(inputs), axis=-1, keepdims=True)
        w2 = ops.sum(ops.square(self.centres), axis=-1)
        return x2 - 2.0 * ops.matmul(inputs, ops.transpose(self.centres)) + w2

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 10)


def _activation(activation):
    # "squash" is the book's short name; anything else (a Keras name, a callable, or the
    # dictionary get_config writes for one) is Keras' to resolve.
    if activation == "squash":
        return squash
    return keras.activations.get(activation)


def _check_table(table) -> tuple[tuple[int, ...], ...]:
    if isinstance(table, (str, bytes)) or not isinstance(table, Sequence):
        raise TypeError("table must be a sequence of sequences of map indices")
    checked = []
    for j, inputs in enumerate(table):
        if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
            raise TypeError(f"table[{j}] must be a sequence of map indices")
        if len(inputs) == 0:
            raise ValueError(f"table[{j}] is empty: every output map needs at least one input map")
        maps = tuple(checks.integer(f"table[{j}][{n}]", i, low=0) for n, i in enumerate(inputs))
        if len(set(maps)) != len(maps):
            raise ValueError(f"table[{j}] lists an input map twice")
        checked.append(maps)
    if not checked:
        raise ValueError("table must have at least one output map")
    return tuple(checked)
