"""Seconds per epoch of the seed tutorial's model and the faithful LeNet-5, through the package's train().

    LENET5_MNIST_DIR=../shared/data/mnist .venv/bin/python benchmarks/epoch_time.py --epochs 10

Trains both models, one after the other in one process, on all 60,000 images with their
recipes (lenet5_lesson.training.RECIPES) and without reusing any finished run, then prints:

- per-epoch seconds of training: the median of the epochs after the first, and the first, whose
  extra time is the first call's cost (tracing and optimising the step's graph);
- the seconds of training each needed to first reach 99 % test accuracy;
- the seconds per epoch spent outside training, mostly measuring the train and test errors on all
  70,000 images after every epoch;
- the faithful / seed ratio of the seconds per epoch, beside the ratio of their multiply-adds per
  image (the connections of lenet5_lesson.layer_table).

``--batch-size`` runs both at another batch size, to show how much of an epoch is per-step cost.
A benchmark, not a test: numbers vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf

from lenet5_lesson import layer_table, train
from lenet5_lesson.training import RECIPES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=None, help="batch size of both models")
    args = parser.parse_args()
    if args.batch_size:
        for name in ("seed", "faithful"):
            RECIPES[name] = dataclasses.replace(RECIPES[name], batch_size=args.batch_size)

    runs, wall = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        for name in ("seed", "faithful"):
            start = time.perf_counter()
            runs[name] = train(name, args.epochs, seed=0, out=f"{folder}/{name}", verbose=2, reuse=False)
            wall[name] = time.perf_counter() - start

    print(f"\n{'model':10s} {'batch':>5s} {'s/epoch':>8s} {'first epoch':>11s} {'to 99 %':>9s} "
          f"{'outside':>8s} {'final':>7s} {'multiply-adds':>14s}")
    steady, work = {}, {}
    for name, run in runs.items():
        history, seconds = run.history, run.history["seconds"]
        steady[name] = float(np.median(seconds[1:] or seconds))
        work[name] = sum(row.connections for row in layer_table(run.model()))
        reached = run.seconds_until(0.01)
        to_99 = f"{reached[1]:8.1f}s" if reached is not None else "  not yet"
        outside = (wall[name] - sum(seconds)) / len(seconds)
        print(f"{name:10s} {history['batch_size']:5d} {steady[name]:8.2f} {seconds[0]:10.2f}s {to_99:>9s} "
              f"{outside:7.2f}s {100 * history['test_error'][-1]:6.2f}% {work[name]:14,d}")
    print(f"\nfaithful / seed: seconds per epoch {steady['faithful'] / steady['seed']:.2f}, "
          f"multiply-adds per image {work['faithful'] / work['seed']:.2f}")
    threading = tf.config.threading
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; threads per op "
          f"{threading.get_intra_op_parallelism_threads()}, ops side by side "
          f"{threading.get_inter_op_parallelism_threads()}")


if __name__ == "__main__":
    main()
