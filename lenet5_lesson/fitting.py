"""How a run is trained: shuffled batches in two halves side by side, many compiled steps per call, and a
record of every epoch.

:func:`~lenet5_lesson.training.train` decides *whether* to train (or to reuse a finished run) and
saves what it trained; this module does the training itself, the same way for every model,
so that the book's comparisons of speed are between models, not between engines.
"""

from __future__ import annotations

import time
from typing import Protocol

import keras
import numpy as np
import tensorflow as tf

from .models import winning_digits

#: Training steps per call of the compiled step function. At batch 32 a faithful step takes about
#: 1.5 ms on a two-core CPU, and a return to Python after every step cost a fifth as much again;
#: 125 divides an epoch of 1,875 batches, so the progress bar counts to the end and no further.
STEPS_PER_EXECUTION = 125

#: Batch size of the per-epoch evaluation; large, since evaluation keeps no gradients.
EVALUATION_BATCH = 2000


class SideBySide(keras.Model):
    """A model run on the two halves of every batch, side by side, with the outputs joined again.

    TensorFlow gives each op a share of the cores and runs independent ops at the same time
    (:func:`~lenet5_lesson.training.use_training_threads`), but a network is a chain: on a
    whole batch, each layer's forward pass waits for the one below, and the other cores idle.
    The two halves are independent until their weight gradients are added, so TensorFlow runs
    them at once: on two cores a faithful step takes about a fifth less time. The loss of the
    joined outputs is the whole batch's, so each step is the same step, summed in another order.
    The wrapper shares the network's weights, and its optimiser when compiled with it.

    Parameters
    ----------
    network : keras.Model
        The model to train; it is what is saved afterwards.
    """

    def __init__(self, network: keras.Model, **kwargs):
        super().__init__(name=f"{network.name}_side_by_side", **kwargs)
        self.network = network

    def call(self, inputs, training=False):
        count = tf.shape(inputs)[0]

        def halves():
            half = count // 2
            return tf.concat([self.network(inputs[:half], training=training),
                              self.network(inputs[half:], training=training)], axis=0)

        # A batch of one image (the last of an epoch, say) has no halves, and the CPU's
        # convolutions cannot take an empty one.
        return tf.cond(count > 1, halves, lambda: self.network(inputs, training=training))


class Schedule(Protocol):
    """What :func:`fit_epochs` needs of a recipe (:class:`lenet5_lesson.training.Recipe` is one)."""

    batch_size: int

    def learning_rate(self, epoch: int) -> float: ...


def fit_epochs(model: keras.Model, recipe: Schedule, epochs: int, seed: int,
               training: tuple[np.ndarray, np.ndarray],
               evaluation: dict[str, tuple[np.ndarray, np.ndarray]], verbose: int = 1) -> dict[str, list]:
    """Train a compiled model for ``epochs`` passes and record each one.

    Parameters
    ----------
    model : keras.Model
        Compiled with its optimiser and loss; it is compiled again here without metrics and
        with :data:`STEPS_PER_EXECUTION` steps per call.
    recipe : Schedule
        Batch size and each epoch's learning rate.
    epochs : int
        Passes over the training set.
    seed : int
        Seed of the shuffle; the order of every epoch follows from it.
    training : tuple of numpy.ndarray
        The model's inputs (already preprocessed) and the integer labels.
    evaluation : dict
        Name to a tuple of inputs and labels: each set's error rate is measured after every epoch and
        recorded under its name (``"train_error"``, ``"test_error"``).
    verbose : int
        0 silent, 1 a progress bar and a line per epoch, 2 a line per epoch.

    Returns
    -------
    dict
        Per-epoch lists: ``learning_rate``, ``loss``, ``seconds`` (training only, without the
        evaluation) and one list per name in ``evaluation``.
    """
    inputs, labels = tf.constant(training[0]), tf.constant(np.asarray(training[1], dtype=np.int32))
    count = int(inputs.shape[0])
    # The images stay in memory as one tensor and each batch gathers its shuffled indices from
    # it, so an epoch copies no array; the order is the seed's, the same on every machine.
    order = tf.data.Dataset.range(count).shuffle(count, seed=seed, reshuffle_each_iteration=True)
    batches = (order.batch(recipe.batch_size)
               .map(lambda index: (tf.gather(inputs, index), tf.gather(labels, index)))
               .prefetch(tf.data.AUTOTUNE))
    sets = {name: (tf.data.Dataset.from_tensor_slices(x).batch(EVALUATION_BATCH), np.asarray(y))
            for name, (x, y) in evaluation.items()}
    # A batch of one pattern (SDLM's) has no halves.
    trainer = SideBySide(model) if recipe.batch_size > 1 else model
    # fit's running accuracy is not recorded (the errors measured after each epoch are), so the
    # step leaves it out.
    trainer.compile(optimizer=model.optimizer, loss=model.loss, metrics=[],
                    steps_per_execution=STEPS_PER_EXECUTION)
    record = _EpochRecord(recipe, sets, verbose, model)
    trainer.fit(batches, epochs=epochs, shuffle=False, verbose=1 if verbose == 1 else 0, callbacks=[record])
    return record.history


class _EpochRecord(keras.callbacks.Callback):
    """Sets each epoch's learning rate, times its training, then measures the errors."""

    def __init__(self, recipe: Schedule, sets: dict, verbose: int, network: keras.Model):
        super().__init__()
        self.recipe, self.sets, self.verbose, self.network = recipe, sets, verbose, network
        self.history = {name: [] for name in ("learning_rate", "loss", *sets, "seconds")}

    def on_epoch_begin(self, epoch, logs=None):
        self.rate = self.recipe.learning_rate(epoch)
        self.model.optimizer.learning_rate.assign(self.rate)
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.start
        measured = {"learning_rate": self.rate, "loss": float(logs["loss"]), "seconds": seconds}
        for name, (batches, labels) in self.sets.items():
            # The trainer predicts too, so the evaluation runs side by side as well.
            scores = self.model.predict(batches, verbose=0)
            measured[name] = float(np.mean(winning_digits(self.network, scores) != labels))
        for name, value in measured.items():
            self.history[name].append(value)
        if self.verbose:
            errors = ", ".join(f"{name.replace('_', ' ')} {100 * measured[name]:.2f} %" for name in self.sets)
            print(f"  epoch {epoch + 1}: {errors}, {seconds:.1f} s", flush=True)
