"""Where a training step's time goes, layer by layer: TensorFlow's profiler over a few hundred steps.

    LENET5_MNIST_DIR=../shared/data/mnist .venv/bin/python benchmarks/step_profile.py --steps 250

Trains each model as :func:`lenet5_lesson.fitting.fit_epochs` does (its batch size, the two halves
side by side, many steps per call), warms up, then records ``--steps`` steps with
``tf.profiler`` and sums the time of every op by the layer it belongs to: the forward pass,
the gradient, and the optimiser's update. The times are summed over both cores, so they add up
to more than the step's wall time when ops run side by side. Profiling slows each op a little;
the shares, not the totals, are the point. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import collections
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow.tsl.profiler.protobuf import xplane_pb2

from lenet5_lesson import build_model, load_mnist
from lenet5_lesson.fitting import STEPS_PER_EXECUTION, SideBySide
from lenet5_lesson.training import RECIPES, model_inputs

# Op names look like ".../StatefulPartitionedCall/gradient_tape/lenet5_1/C3_1/Conv2DBackpropInput:...".
_INSIDE_STEP = re.compile(r"^.*?StatefulPartitionedCall/")


def profile(name: str, steps: int, folder: Path) -> tuple[float, dict[str, float]]:
    """Seconds per step without the profiler, and microseconds per step of each part with it."""
    batch = RECIPES[name].batch_size
    (x, y), _ = load_mnist()
    count = (steps + STEPS_PER_EXECUTION) * batch
    inputs, labels = tf.constant(model_inputs(name, x[:count])), tf.constant(y[:count].astype(np.int32))
    data = (tf.data.Dataset.range(count).shuffle(count, seed=0).batch(batch, drop_remainder=True)
            .map(lambda i: (tf.gather(inputs, i), tf.gather(labels, i))).prefetch(tf.data.AUTOTUNE).repeat())
    model = build_model(name)
    trainer = SideBySide(model)
    trainer.compile(optimizer=model.optimizer, loss=model.loss, steps_per_execution=STEPS_PER_EXECUTION)
    steps -= steps % STEPS_PER_EXECUTION
    trainer.fit(data, epochs=1, steps_per_epoch=STEPS_PER_EXECUTION * 2, verbose=0)
    start = time.perf_counter()
    trainer.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
    unprofiled = (time.perf_counter() - start) / steps
    tf.profiler.experimental.start(str(folder))
    trainer.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
    tf.profiler.experimental.stop()
    space = xplane_pb2.XSpace()
    space.ParseFromString(next(folder.rglob("*.xplane.pb")).read_bytes())
    parts: dict[str, float] = collections.Counter()
    for plane in space.planes:
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            for event in line.events:
                op = plane.event_metadata[event.metadata_id].name
                if ":" in op and "StatefulPartitionedCall/" in op:
                    parts[_part(_INSIDE_STEP.sub("", op.split(":")[0]), model.name)] += event.duration_ps / 1e6 / steps
    return unprofiled, dict(parts)


def _part(op: str, network: str) -> str:
    scopes = op.split("/")
    if scopes[0] in ("adam", "sdlm"):
        return "optimiser update"
    direction = "backward" if any(scope.startswith("gradient") for scope in scopes) else "forward"
    if any(scope.startswith("compile_loss") for scope in scopes):
        return f"loss {direction}"
    # The layer's scope ("C3_1") follows the network's ("lenet5_1"), inside the halves' cond.
    inside = [i for i, scope in enumerate(scopes) if re.fullmatch(rf"{network}_\d+", scope)]
    if not inside or inside[-1] + 1 >= len(scopes):
        return f"halves: split and join ({direction})"
    return f"{re.sub(r'_[0-9]+$', '', scopes[inside[-1] + 1])} {direction}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=250)
    parser.add_argument("--models", nargs="+", default=["faithful", "seed"], choices=sorted(RECIPES))
    args = parser.parse_args()
    for name in args.models:
        with tempfile.TemporaryDirectory() as folder:
            seconds, parts = profile(name, args.steps, Path(folder))
        total = sum(parts.values())
        print(f"\n{name}: {1e3 * seconds:.2f} ms per step of {RECIPES[name].batch_size} images without the "
              f"profiler; ops summed over both cores, with it: {total / 1e3:.2f} ms")
        for part, micros in sorted(parts.items(), key=lambda item: -item[1]):
            if micros >= 0.01 * total:
                print(f"  {part:24s} {micros:7.0f} us  {100 * micros / total:4.1f} %")


if __name__ == "__main__":
    main()
