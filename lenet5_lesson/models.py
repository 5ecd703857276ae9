"""The networks the book compares: the paper's LeNet-5, a modern variant, the seed tutorial's model,
and the ablations of LeNet-5 that each replace one of its elements."""

from __future__ import annotations

import keras

from . import checks, paper
from .layers import EuclideanRBF, FanInUniform, FullWindowConv2D, Subsampling, SparseConv2D, squash
from .losses import MAPLoss, penalty_accuracy

#: The ablations of LeNet-5, by name; each replaces one element of the paper's network and keeps the rest.
ABLATIONS = {
    "softmax-output": "ten softmax units and cross-entropy instead of the RBF layer and the MAP loss",
    "average-pooling": "plain 2x2 average pooling instead of trainable subsampling",
    "dense-c3": "a C3 connected to all six S2 maps instead of Table I",
    "relu": "ReLU instead of the scaled tanh in every layer",
}

#: Names accepted by :func:`build_model` and the training command.
MODEL_NAMES = ("faithful", "modern", "seed", *ABLATIONS)


def build_lenet5(learning_rate: float = 1e-3, compile: bool = True, ablation: str | None = None) -> keras.Model:
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
    ablation : str or None
        None for the paper's network, or one of :data:`ABLATIONS`, which replaces one element.
    """
    _check_rate(learning_rate)
    if ablation is not None and ablation not in ABLATIONS:
        raise ValueError(f"ablation={ablation!r} must be None or one of {', '.join(ABLATIONS)}")
    act = "relu" if ablation == "relu" else squash

    def subsampling(name):
        if ablation == "average-pooling":
            return keras.layers.AveragePooling2D(2, name=name)
        return Subsampling(2, activation=act, name=name)

    x = inputs = keras.Input((32, 32, 1), name="image")
    x = keras.layers.Conv2D(6, 5, activation=act, kernel_initializer=FanInUniform(25), name="C1")(x)
    x = subsampling("S2")(x)
    if ablation == "dense-c3":
        x = keras.layers.Conv2D(16, 5, activation=act, kernel_initializer=FanInUniform(6 * 25), name="C3")(x)
    else:
        x = SparseConv2D(paper.C3_TABLE, 5, activation=act, name="C3")(x)
    x = subsampling("S4")(x)
    # C5 is a convolution: on a 5x5 input it happens to see every S4 unit, on a larger one it would slide.
    x = FullWindowConv2D(120, 5, activation=act, kernel_initializer=FanInUniform(16 * 25), name="C5")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(84, activation=act, kernel_initializer=FanInUniform(120), name="F6")(x)
    if ablation == "softmax-output":
        outputs = keras.layers.Dense(10, activation="softmax", kernel_initializer=FanInUniform(84), name="output")(x)
        loss, metrics = "sparse_categorical_crossentropy", ["accuracy"]
    else:
        outputs = EuclideanRBF(name="output")(x)
        loss, metrics = MAPLoss(), [penalty_accuracy]
    model = keras.Model(inputs, outputs, name="lenet5" if ablation is None else f"lenet5_{ablation.replace('-', '_')}")
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=metrics)
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
    """Build one of :data:`MODEL_NAMES` by name; an ablation's name builds that variant of LeNet-5."""
    builders = {"faithful": build_lenet5, "modern": build_modern, "seed": build_seed}
    if not isinstance(name, str):
        raise TypeError(f"model name must be a string, got {type(name).__name__}")
    if name in ABLATIONS:
        return build_lenet5(learning_rate=learning_rate, compile=compile, ablation=name)
    if name not in builders:
        raise ValueError(f"model name {name!r} must be one of {', '.join(MODEL_NAMES)}")
    return builders[name](learning_rate=learning_rate, compile=compile)


def predict_digits(model: keras.Model, x, batch_size: int = 1000):
    """Predicted digits: the smallest penalty for the faithful model, the largest probability otherwise."""
    return winning_digits(model, model.predict(x, batch_size=batch_size, verbose=0))


def winning_digits(model: keras.Model, scores):
    """The digit each row of ``model``'s outputs ``scores`` picks: the smallest penalty after an RBF
    layer, the largest probability otherwise."""
    if isinstance(model.layers[-1], EuclideanRBF):
        return scores.argmin(axis=1)
    return scores.argmax(axis=1)


def _check_rate(learning_rate) -> None:
    checks.number("learning_rate", learning_rate, above=0, below=1)
