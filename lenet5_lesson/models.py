"""The three networks the book compares: the paper's LeNet-5, a modern variant, and the seed tutorial's model."""

from __future__ import annotations

import keras

from . import paper
from .layers import EuclideanRBF, FanInUniform, Subsampling, SparseConv2D, squash
from .losses import MAPLoss, penalty_accuracy

#: Names accepted by :func:`build_model` and the training command.
MODEL_NAMES = ("faithful", "modern", "seed")


def build_lenet5(learning_rate: float = 1e-3, compile: bool = True) -> keras.Model:
    """The LeNet-5 of the 1998 paper, as a Keras model on 32x32x1 inputs.

    Its trainable layers are C1, S2, C3, S4, C5, F6 (60,000 trainable parameters in
    all) and ``output``, ten Euclidean RBF units with fixed centres. The model outputs
    the ten penalties y_i; the smallest wins.

    Parameters
    ----------
    learning_rate : float
        Step size of Adam. The paper trains with stochastic diagonal Levenberg-Marquardt;
        the book uses Adam and says so.
    compile : bool
        Compile with the MAP loss (eq. 9) and :func:`~lenet5_lesson.losses.penalty_accuracy`.
    """
    _check_rate(learning_rate)
    x = inputs = keras.Input((32, 32, 1), name="image")
    x = keras.layers.Conv2D(6, 5, activation=squash, kernel_initializer=FanInUniform(25), name="C1")(x)
    x = Subsampling(2, name="S2")(x)
    x = SparseConv2D(paper.C3_TABLE, 5, name="C3")(x)
    x = Subsampling(2, name="S4")(x)
    # C5 is a convolution: on a 5x5 input it happens to see every S4 unit, on a larger one it would slide.
    x = keras.layers.Conv2D(120, 5, activation=squash, kernel_initializer=FanInUniform(16 * 25), name="C5")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(84, activation=squash, kernel_initializer=FanInUniform(120), name="F6")(x)
    outputs = EuclideanRBF(name="output")(x)
    model = keras.Model(inputs, outputs, name="lenet5")
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=MAPLoss(),
                      metrics=[penalty_accuracy])
    return model


def build_modern(learning_rate: float = 1e-3, compile: bool = True) -> keras.Model:
    """Today's usual LeNet-5: ReLU, max pooling, a dense C3, softmax, Adam; 32x32x1 inputs."""
    _check_rate(learning_rate)
    x = inputs = keras.Input((32, 32, 1), name="image")
    x = keras.layers.Conv2D(6, 5, activation="relu", name="C1")(x)
    x = keras.layers.MaxPooling2D(2, name="S2")(x)
    x = keras.layers.Conv2D(16, 5, activation="relu", name="C3")(x)
    x = keras.layers.MaxPooling2D(2, name="S4")(x)
    x = keras.layers.Conv2D(120, 5, activation="relu", name="C5")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(84, activation="relu", name="F6")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="output")(x)
    model = keras.Model(inputs, outputs, name="lenet5_modern")
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_seed(learning_rate: float = 1e-3, compile: bool = True) -> keras.Model:
    """The seed tutorial's simplified model: 3x3 convolutions on 28x28x1, 53,558 parameters.

    Its inputs are scaled with ``tf.keras.utils.normalize(x, axis=1)``; see
    :func:`lenet5_lesson.data.normalize_rows`.
    """
    _check_rate(learning_rate)
    x = inputs = keras.Input((28, 28, 1), name="image")
    x = keras.layers.Conv2D(6, 3, activation="tanh", name="conv1")(x)
    x = keras.layers.AveragePooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(16, 3, activation="tanh", name="conv2")(x)
    x = keras.layers.AveragePooling2D(2, name="pool2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(128, activation="tanh", name="dense")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="output")(x)
    model = keras.Model(inputs, outputs, name="seed_tutorial")
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_model(name: str, learning_rate: float = 1e-3, compile: bool = True) -> keras.Model:
    """Build one of :data:`MODEL_NAMES` by name."""
    builders = {"faithful": build_lenet5, "modern": build_modern, "seed": build_seed}
    if not isinstance(name, str):
        raise TypeError(f"model name must be a string, got {type(name).__name__}")
    if name not in builders:
        raise ValueError(f"model name {name!r} must be one of {', '.join(MODEL_NAMES)}")
    return builders[name](learning_rate=learning_rate, compile=compile)


def predict_digits(model: keras.Model, x, batch_size: int = 1000):
    """Predicted digits: the smallest penalty for the faithful model, the largest probability otherwise."""
    scores = model.predict(x, batch_size=batch_size, verbose=0)
    if isinstance(model.layers[-1], EuclideanRBF):
        return scores.argmin(axis=1)
    return scores.argmax(axis=1)


def _check_rate(learning_rate) -> None:
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
        raise TypeError(f"learning_rate must be a number, got {type(learning_rate).__name__}")
    if not 0 < learning_rate < 1:
        raise ValueError(f"learning_rate={learning_rate} must be between 0 and 1")
