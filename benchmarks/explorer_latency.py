"""Kernel-side latency of the live explorers: from setting a control's value to the updated display.

Run: LENET5_MNIST_DIR=/path/to/mnist python benchmarks/explorer_latency.py
The widgets' callbacks run synchronously when a value is set, so the time of the
assignment is the time until the new display value exists (the browser's drawing is not included).
"""

from __future__ import annotations

import statistics
import time
import warnings

warnings.filterwarnings("ignore")

from lenet5_lesson import explore  # noqa: E402
from lenet5_lesson.figures.network import INSIDE_LAYERS  # noqa: E402

MOVES = 20


def median_ms(control, values) -> float:
    """Median milliseconds over setting ``control`` to each of ``values`` in turn."""
    times = []
    for value in values:
        start = time.perf_counter()
        control.value = value
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    calc = explore.shape_calculator()
    kern = explore.kernel_explorer()
    maps = explore.feature_map_explorer()
    rbf = explore.rbf_viewer()
    c3 = explore.c3_table_editor()
    squash = explore.squashing_explorer()
    layers = [INSIDE_LAYERS[i % len(INSIDE_LAYERS)] for i in range(1, MOVES + 1)]
    kernels = list(kern.kernel.options)
    rows = [
        ("shape calculator", "n slider", median_ms(calc.n, [32 - i % 12 for i in range(1, MOVES + 1)]), 20),
        ("shape calculator", "k slider", median_ms(calc.k, [1 + i % 9 for i in range(1, MOVES + 1)]), 20),
        ("kernel explorer", "digit slider", median_ms(kern.digit, range(1, MOVES + 1)), 50),
        ("kernel explorer", "kernel dropdown", median_ms(kern.kernel, [kernels[i % len(kernels)]
                                                                      for i in range(1, MOVES + 1)]), 50),
        ("kernel explorer", "one weight box", median_ms(kern.weights[12], [0.1 * i for i in range(MOVES)]), 50),
        ("feature-map explorer", "digit slider", median_ms(maps.digit, range(1, MOVES + 1)), 100),
        ("feature-map explorer", "layer buttons", median_ms(maps.layer, layers), 100),
        ("RBF viewer", "digit slider", median_ms(rbf.digit, range(1, MOVES + 1)), 100),
        ("C3 table editor", "one toggle", median_ms(c3.cells[0][1], [i % 2 == 0 for i in range(MOVES)]), 50),
        ("squashing explorer", "A slider", median_ms(squash.amplitude, [1 + 0.05 * i for i in range(MOVES)]), 20),
    ]
    print(f"median over {MOVES} moves (kernel side)\n")
    print(f"{'explorer':<22}{'control':<18}{'median ms':>10}{'target ms':>11}  ok")
    for explorer, control, ms, target in rows:
        print(f"{explorer:<22}{control:<18}{ms:>10.2f}{target:>11}  {'yes' if ms <= target else 'NO'}")


if __name__ == "__main__":
    main()
