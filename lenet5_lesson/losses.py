"""Loss and accuracy for a network whose outputs are RBF penalties (smaller is better)."""

from __future__ import annotations

import keras
from keras import ops

from . import checks

_PACKAGE = "lenet5_lesson"


@keras.saving.register_keras_serializable(package=_PACKAGE)
class MAPLoss(keras.losses.Loss):
    """The paper's MAP criterion, eq. (9).

    E = mean over samples of y_correct + log(exp(-j) + sum_i exp(-y_i)).
    The first term pulls the correct penalty down, as maximum likelihood does; the
    second pushes the wrong ones up, but only while they are small, and the constant
    ``j`` keeps penalties that are already large from being pushed further.

    Parameters
    ----------
    j : float
        The positive constant of eq. (9).
    """

    def __init__(self, j: float = 1.0, name: str = "map_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.j = checks.number("j", j, above=0)

    def call(self, y_true, y_pred):
        labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
        correct = ops.take_along_axis(y_pred, labels[:, None], axis=1)[:, 0]
        floor = ops.full_like(y_pred[:, :1], -self.j)
        competition = ops.logsumexp(ops.concatenate([floor, -y_pred], axis=1), axis=1)
        return correct + competition

    def get_config(self):
        config = super().get_config()
        config.update(j=self.j)
        return config


@keras.saving.register_keras_serializable(package=_PACKAGE)
def penalty_accuracy(y_true, y_pred):
    """Accuracy when the predicted class is the one with the smallest penalty."""
    labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
    return ops.cast(ops.equal(ops.cast(ops.argmin(y_pred, axis=1), "int32"), labels), "float32")
