"""The paper's own optimiser: stochastic diagonal Levenberg-Marquardt (SDLM, Appendix C).

After every pattern, weight w_k moves by -eps_k dE/dw_k with its own step
eps_k = eta / (mu + h_kk), where h_kk estimates the second derivative of the loss with respect
to w_k. The estimate is back-propagated like a gradient, with the Gauss-Newton approximation:
each layer passes d2E/da^2 down through the squares of its weights and multiplies by the squared
slope of the squashing function, and a shared weight sums x^2 d2E/da^2 over the connections that
use it. It is re-estimated on 500 training patterns before every pass and then held fixed.

:class:`SDLM` is a Keras optimiser that applies the steps; :func:`gauss_newton_diagonal`
computes h_kk for the faithful network; :func:`fit_sdlm` trains a pass at a time, re-estimating
between passes, on the same engine as every other run (:func:`~lenet5_lesson.fitting.fit_epochs`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from . import checks, paper
from .data import load_mnist, preprocess
from .fitting import fit_epochs
from .layers import EuclideanRBF, squash
from .losses import MAPLoss
from .models import build_lenet5

#: The book's eta is the paper's divided by ten. With the paper's own, the first pass diverges
#: here within a few hundred patterns, as :func:`first_patterns` measures, because the curvature
#: measured on the initial weights is tiny below F6, so those weights take the largest step,
#: eta / mu, until the network saturates.
ETA_SCALE = 0.1

#: The schedule the book trains with, the paper's stages (:data:`lenet5_lesson.paper.SDLM_SCHEDULE`)
#: with each eta times :data:`ETA_SCALE`.
BOOK_SCHEDULE = tuple((passes, eta * ETA_SCALE) for passes, eta in paper.SDLM_SCHEDULE)

#: Patterns on which the curvature is estimated before each pass, as in the paper.
CURVATURE_PATTERNS = 500

#: d2E/dx_j^2 at the RBF layer's input, exact because the correct class's penalty
#: sum_j (x_j - w_j)^2 has second derivative 2 in each x_j, whatever the class.
RBF_CURVATURE = 2.0


@keras.saving.register_keras_serializable(package="lenet5_lesson")
class SDLM(keras.optimizers.Optimizer):
    """Stochastic diagonal Levenberg-Marquardt: a step eta / (mu + h_kk) for every weight.

    The curvatures h_kk start at zero (every step is eta / mu) until :meth:`set_curvature`
    gives them; :func:`fit_sdlm` does that before each pass.

    Parameters
    ----------
    learning_rate : float
        The global step eta (the paper starts at 0.0005).
    mu : float
        Added to every curvature, so that a weight with (nearly) zero curvature still takes a
        bounded step; the paper's is 0.02.
    """

    def __init__(self, learning_rate: float = paper.SDLM_SCHEDULE[0][1], mu: float = paper.SDLM_MU,
                 name: str = "sdlm", **kwargs):
        if not callable(learning_rate):
            checks.number("learning_rate", learning_rate, above=0, below=1)
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.mu = checks.number("mu", mu, above=0)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._curvatures = [self.add_variable_from_reference(v, name="curvature") for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        curvature = self._curvatures[self._get_variable_index(variable)]
        step = ops.divide(ops.cast(learning_rate, variable.dtype), ops.add(curvature, self.mu))
        self.assign_sub(variable, ops.multiply(step, gradient))

    def set_curvature(self, variables: list, curvatures: list) -> None:
        """Hold ``curvatures`` (one array per variable, as :func:`gauss_newton_diagonal` returns them)
        for the steps that follow.

        Parameters
        ----------
        variables : list of keras.Variable
            The variables the optimiser updates, usually ``model.trainable_variables``.
        curvatures : list of array-like
            The estimate h_kk for every element of each variable; none may be negative.
        """
        if len(variables) != len(curvatures):
            raise ValueError(f"curvatures has {len(curvatures)} arrays for {len(variables)} variables")
        self.build(variables)
        for variable, curvature in zip(variables, curvatures):
            curvature = np.asarray(curvature, dtype="float32")
            if curvature.shape != tuple(variable.shape):
                raise ValueError(f"the curvature of {variable.path} has shape {curvature.shape}, "
                                 f"not the variable's {tuple(variable.shape)}")
            if not np.all(np.isfinite(curvature)) or np.any(curvature < 0):
                raise ValueError(f"the curvature of {variable.path} must be finite and at least 0")
            self._curvatures[self._get_variable_index(variable)].assign(curvature)

    def step_range(self, learning_rate: float | None = None) -> tuple[float, float]:
        """The smallest and largest effective step eta / (mu + h_kk) over all weights.

        Parameters
        ----------
        learning_rate : float or None
            The eta to use; None takes the optimiser's current one.
        """
        eta = float(self.learning_rate if learning_rate is None else learning_rate)
        highest = max(float(ops.max(h)) for h in self._curvatures)
        lowest = min(float(ops.min(h)) for h in self._curvatures)
        return eta / (self.mu + highest), eta / (self.mu + lowest)

    def get_config(self):
        config = super().get_config()
        config.update(mu=self.mu)
        return config


def gauss_newton_diagonal(model: keras.Model, inputs) -> list[np.ndarray]:
    """The paper's estimate of d2E/dw_k^2 for every trainable weight, averaged over the patterns.

    Parameters
    ----------
    model : keras.Model
        A chain of layers: squashing layers with weights (convolutions, dense layers, the book's
        ``Subsampling`` and ``SparseConv2D``), reshapes without weights, and a final
        ``EuclideanRBF``, as :func:`~lenet5_lesson.models.build_lenet5` builds.
    inputs : array-like
        The patterns, as the model takes them (preprocessed 32x32 images for LeNet-5).

    Returns
    -------
    list of numpy.ndarray
        One array per ``model.trainable_variables``, of the variable's shape.
    """
    layers = _chain(model)
    x = tf.convert_to_tensor(np.asarray(inputs, dtype="float32"))
    wanted = tuple(model.input_shape[1:])
    if x.shape[0] == 0 or tuple(x.shape[1:]) != wanted:
        raise ValueError(f"inputs must be a non-empty batch of patterns of shape {wanted}, got {tuple(x.shape)}")
    activity = [x]
    for layer in layers[:-1]:
        activity.append(layer(activity[-1]))
    # d2E/dx^2 at the RBF layer's input, then down the chain: the Gauss-Newton rule drops f''
    # and every off-diagonal term, so each step is linear in the curvature.
    curvature = tf.fill(tf.shape(activity[-1]), RBF_CURVATURE)
    found = {}
    for layer, below, above in reversed(list(zip(layers[:-1], activity[:-1], activity[1:]))):
        if not layer.trainable_weights:
            curvature = tf.reshape(curvature, tf.shape(below))
            continue
        curvature = curvature * tf.square(_squash_slope(above))
        weights, curvature = _through_squares(layer, below, curvature)
        for variable, value in zip(layer.trainable_variables, weights):
            found[id(variable)] = value / float(x.shape[0])
    return [found[id(v)].numpy() for v in model.trainable_variables]


def _chain(model: keras.Model) -> list:
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    if not layers or not isinstance(layers[-1], EuclideanRBF):
        raise ValueError("SDLM's curvature needs a network that ends in the EuclideanRBF output layer")
    for layer in layers[:-1]:
        if layer.trainable_weights and getattr(layer, "activation", None) is not squash:
            raise ValueError(f"SDLM's curvature needs the squashing function in every layer with weights; "
                             f"layer {layer.name!r} has {getattr(layer, 'activation', None)!r}")
    return layers


def _squash_slope(output):
    # f'(a) = A S (1 - tanh^2(S a)), and tanh(S a) = f(a) / A: the slope from the output alone.
    return paper.SQUASH_A * paper.SQUASH_S * (1.0 - tf.square(output / paper.SQUASH_A))


def _through_squares(layer, below, curvature):
    """Back-propagate d2E/da^2 through one layer's weighted sum, with every weight squared.

    A layer's weighted sum a = sum_k w_k x_k is linear in the inputs and in the weights, so
    evaluated at squared inputs and squared weights its gradient with respect to the squared
    weights is sum x^2 d2E/da^2 over the connections sharing each weight, and its gradient with
    respect to the inputs passes d2E/da^2 down through the squared weights: both halves of the
    paper's rule, from the layer's own ``call``.
    """
    squares = [tf.square(v.value) for v in layer.trainable_variables]
    fixed = [v.value for v in layer.non_trainable_variables]
    below_squared = tf.square(below)
    with tf.GradientTape() as tape:
        tape.watch(squares)
        tape.watch(below_squared)
        with _weighted_sum_only(layer):
            summed, _ = layer.stateless_call(squares, fixed, below_squared)
    *weights, inputs = tape.gradient(summed, [*squares, below_squared], output_gradients=curvature)
    return weights, inputs


@contextlib.contextmanager
def _weighted_sum_only(layer):
    # The layer's call without its squashing function, so the rule above uses the layer's own code.
    activation = layer.activation
    layer.activation = keras.activations.linear
    try:
        yield
    finally:
        layer.activation = activation


@dataclass(frozen=True)
class _OnePass:
    """One pass at a fixed eta, as :func:`~lenet5_lesson.fitting.fit_epochs` takes a recipe."""

    batch_size: int
    rate: float

    def learning_rate(self, epoch: int) -> float:
        return self.rate


def fit_sdlm(model: keras.Model, recipe, epochs: int, seed: int, training: tuple[np.ndarray, np.ndarray],
             evaluation: dict[str, tuple[np.ndarray, np.ndarray]], verbose: int = 1,
             patterns: int | None = None) -> dict[str, list]:
    """Train with SDLM a pass at a time, re-estimating the curvature before each pass.

    Parameters
    ----------
    model : keras.Model
        Compiled with an :class:`SDLM` optimiser and the MAP loss.
    recipe : lenet5_lesson.training.Recipe
        Batch size (1 for the paper's update after every pattern) and eta per pass.
    epochs, seed, training, evaluation, verbose
        As for :func:`~lenet5_lesson.fitting.fit_epochs`.
    patterns : int or None
        Training patterns the curvature is estimated on before each pass; None takes
        :data:`CURVATURE_PATTERNS`, or every training pattern when there are fewer.

    Returns
    -------
    dict
        The lists :func:`~lenet5_lesson.fitting.fit_epochs` records, plus ``step_min`` and
        ``step_max``: each pass's smallest and largest effective step eta / (mu + h_kk).
    """
    if not isinstance(model.optimizer, SDLM):
        raise TypeError(f"fit_sdlm needs a model compiled with SDLM, not {type(model.optimizer).__name__}")
    if patterns is None:
        patterns = min(CURVATURE_PATTERNS, len(training[0]))
    patterns = checks.integer("patterns", patterns, 1, len(training[0]))
    rng = np.random.default_rng(seed)
    history: dict[str, list] = {}
    for epoch in range(epochs):
        sample = np.sort(rng.choice(len(training[0]), patterns, replace=False))
        variables = model.trainable_variables
        model.optimizer.set_curvature(variables, gauss_newton_diagonal(model, training[0][sample]))
        rate = recipe.learning_rate(epoch)
        low, high = model.optimizer.step_range(rate)
        one = fit_epochs(model, _OnePass(recipe.batch_size, rate), 1, int(rng.integers(2**31)),
                         training, evaluation, verbose=0)
        one.update(step_min=[low], step_max=[high])
        for name, values in one.items():
            history.setdefault(name, []).extend(values)
        if verbose:
            errors = ", ".join(f"{name.replace('_', ' ')} {100 * one[name][0]:.2f} %" for name in evaluation)
            print(f"  pass {epoch + 1}: eta {rate:g}, steps {low:.2g} to {high:.2g}, {errors}, "
                  f"{one['seconds'][0]:.1f} s", flush=True)
    return history


def first_patterns(eta: float, patterns: int = 1000, seed: int = 0) -> dict[str, float]:
    """Train a fresh faithful LeNet-5 with SDLM for its first ``patterns`` training patterns only.

    The curvature is estimated once, on the initial weights, as before a run's first pass; then
    every pattern takes one step. Enough to see whether an eta diverges at the start.

    Parameters
    ----------
    eta : float
        The global step.
    patterns : int
        How many of the first training patterns to learn from, one step each (at least 500).
    seed : int
        Seed of the initial weights.

    Returns
    -------
    dict
        ``loss`` (the mean MAP loss over those patterns), ``test_error`` (on the 10,000 test digits),
        ``step_min`` and ``step_max`` (the effective steps), ``c1_largest`` (the largest C1 weight after).
    """
    patterns = checks.integer("patterns", patterns, CURVATURE_PATTERNS, 60_000)
    (x_train, y_train), (x_test, y_test) = load_mnist()
    keras.utils.set_random_seed(checks.integer("seed", seed, 0, 2**31 - 1))
    model = build_lenet5(compile=False)
    model.compile(optimizer=SDLM(), loss=MAPLoss())
    history = fit_sdlm(model, _OnePass(1, checks.number("eta", eta, above=0, below=1)), 1, seed,
                       (preprocess(x_train[:patterns]), y_train[:patterns]),
                       {"test_error": (preprocess(x_test), y_test)}, verbose=0)
    measured = {key: history[key][0] for key in ("loss", "test_error", "step_min", "step_max")}
    measured["c1_largest"] = float(np.abs(model.get_layer("C1").kernel.numpy()).max())
    return measured
