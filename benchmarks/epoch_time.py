"""Seconds per epoch of the seed tutorial's model and the faithful LeNet-5, side by side.

    LENET5_MNIST_DIR=../shared/data/mnist .venv/bin/python benchmarks/epoch_time.py --epochs 10

Trains both on all 60,000 images with their recipes (lenet5_lesson.training.RECIPES),
alternating epochs so both see the same machine load, and prints per-epoch seconds,
their ratio, and the seconds each needs to reach 99 % test accuracy. ``--batch-size``
overrides the faithful model's batch size to show how much of the time is per-step cost.
A benchmark, not a test: numbers vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np
import tensorflow as tf

from lenet5_lesson import build_model, load_mnist, predict_digits
from lenet5_lesson.training import RECIPES, model_inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=None, help="faithful model's batch size")
    parser.add_argument("--jit", action="store_true", help="compile the faithful model's step with XLA")
    args = parser.parse_args()

    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load_mnist()
    runs = {}
    for name in ("seed", "faithful"):
        model = build_model(name)
        if name == "faithful":
            model.jit_compile = args.jit
        batch = args.batch_size if (name == "faithful" and args.batch_size) else RECIPES[name].batch_size
        runs[name] = dict(model=model, batch=batch, x=model_inputs(name, x_train), xt=model_inputs(name, x_test),
                          seconds=[], accuracy=[])
    for epoch in range(args.epochs):
        for name, run in runs.items():
            run["model"].optimizer.learning_rate.assign(RECIPES[name].learning_rate(epoch))
            start = time.perf_counter()
            run["model"].fit(run["x"], y_train, batch_size=run["batch"], epochs=1, verbose=0)
            run["seconds"].append(time.perf_counter() - start)
            run["accuracy"].append(float(np.mean(predict_digits(run["model"], run["xt"]) == y_test)))
            print(f"epoch {epoch + 1:2d} {name:8s} {run['seconds'][-1]:6.1f} s  "
                  f"test accuracy {100 * run['accuracy'][-1]:.2f} %", flush=True)

    print(f"\n{'model':10s} {'batch':>5s} {'s/epoch':>8s} {'first epoch':>11s} {'to 99 %':>9s}")
    for name, run in runs.items():
        steady = float(np.median(run["seconds"][1:] or run["seconds"]))
        reached = next((i for i, a in enumerate(run["accuracy"]) if a >= 0.99), None)
        to_99 = f"{sum(run['seconds'][:reached + 1]):8.0f}s" if reached is not None else "  not yet"
        print(f"{name:10s} {run['batch']:5d} {steady:8.1f} {run['seconds'][0]:10.1f}s {to_99:>9s}")
        run["steady"] = steady
    print(f"\nfaithful / seed seconds per epoch: {runs['faithful']['steady'] / runs['seed']['steady']:.2f}")
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, {tf.config.threading.get_inter_op_parallelism_threads()} "
          "inter-op threads (0 = automatic)")


if __name__ == "__main__":
    main()
