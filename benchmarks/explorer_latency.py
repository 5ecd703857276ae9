"""Latency of the explorers: from a move of a control to the redrawn explorer.

Run: LENET5_MNIST_DIR=/path/to/mnist python benchmarks/explorer_latency.py

Live explorers (shape calculator, squashing explorer) compute and draw in the browser: their
static face is opened from ``file://`` in Debian's Chromium (headless, network blocked) and each
move is an ``input`` event on a slider or box. The explorer redraws synchronously inside the event
handler, so the time from dispatching the event to its return is the time until the new picture
is drawn (the timing reads a pixel of the canvas back, which makes the browser draw it at once, and
lays the page out); below a frame (16.7 ms at 60 Hz) it is on screen at the next paint. Each move is timed
over ``REPEAT`` dispatches because a page that is not cross-origin isolated sees ``performance.now()``
only to 0.1 ms.

Kernel explorers (ipywidgets, Python callbacks) are timed in the kernel: their callbacks run
synchronously when a value is set, so the time of the assignment is the time until the new
display value exists (sending it to the browser and drawing it are not included).
A benchmark, not a test: numbers vary with the machine and its load.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

from lenet5_lesson import explore  # noqa: E402
from lenet5_lesson.figures.network import INSIDE_LAYERS  # noqa: E402

MOVES = 20
REPEAT = 5
FRAME_MS = 1000 / 60
CHROMIUM = "/usr/bin/chromium"

# Median and 95th percentile over moves of the time of one input event (its handler redraws).
_TIME_MOVES = """([explorer, control, kind, values, repeat]) => {
    const root = document.querySelector(`[data-explorer="${explorer}"]`);
    const input = root.querySelector(`[data-control="${control}"] input[type="${kind}"]`);
    const grid = root.querySelector('canvas');
    const times = [];
    for (let i = 0; i < values.length; i++) {
        const start = performance.now();
        for (let r = 0; r < repeat; r++) {
            // Alternate with the next value so that every dispatch is a change.
            input.value = String(r % 2 === 0 ? values[i] : values[(i + 1) % values.length]);
            input.dispatchEvent(new Event('input', {bubbles: true}));
            // Wait for the drawing itself: reading a pixel back makes the canvas draw now, and
            // asking for the plot's box lays the page out.
            if (grid) grid.getContext('2d').getImageData(0, 0, 1, 1);
            root.getBoundingClientRect();
        }
        times.push((performance.now() - start) / repeat);
    }
    times.sort((a, b) => a - b);
    return [times[Math.floor(times.length / 2)], times[Math.min(times.length - 1, Math.floor(0.95 * times.length))],
            root.dataset.state];
}"""

#: (explorer, what moves, data-control, input type, values, settings first typed into boxes)
BROWSER_MOVES = [
    ("shape", "n slider", "n", "range", [32 - i % 30 for i in range(MOVES)], {}),
    ("shape", "k slider", "k", "range", [1 + i % 11 for i in range(MOVES)], {}),
    ("shape", "s slider", "s", "range", [1 + i % 6 for i in range(MOVES)], {}),
    ("shape", "d box", "d", "text", [1 + i % 4 for i in range(MOVES)], {}),
    ("shape", "n box, 500-pixel grid", "n", "text", [500 - i for i in range(MOVES)], {"k": "3", "s": "1"}),
    ("shape", "k box, no output", "k", "text", [600 + i for i in range(MOVES)], {"n": "500"}),
    ("squash", "A slider", "amplitude", "range", [1 + 0.05 * i for i in range(MOVES)], {}),
    ("squash", "S box", "slope", "text", [0.3 + 0.1 * i for i in range(MOVES)], {}),
]


def browser_rows() -> list[tuple[str, str, float, float]]:
    """(explorer, control, median ms, 95th percentile ms) for every move of ``BROWSER_MOVES``."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a test dependency, not the package's

    faces = "".join(w._repr_mimebundle_()[0]["text/html"]
                    for w in (explore.shape_calculator(), explore.squashing_explorer()))
    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = Path(folder) / "index.html"
        page_file.write_text(f'<!doctype html><html lang="en"><meta charset="utf-8"><title>latency</title>{faces}</html>',
                             encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: route.abort() if route.request.url.startswith("http")
                   else route.continue_())
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(page_file.as_uri())
        for explorer, label, control, kind, values, first in BROWSER_MOVES:
            page.reload()
            for name, text in first.items():
                page.locator(f'[data-explorer="{explorer}"] [data-control="{name}"] input[type="text"]').fill(text)
            median, p95, state = page.evaluate(_TIME_MOVES, [explorer, control, kind, values, REPEAT])
            rows.append((f"{explorer} ({state})", label, median, p95))
        browser.close()
    if errors:
        raise RuntimeError("console errors: " + "; ".join(errors))
    return rows


def median_ms(control, values) -> float:
    """Median milliseconds over setting ``control`` to each of ``values`` in turn."""
    times = []
    for value in values:
        start = time.perf_counter()
        control.value = value
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def kernel_rows() -> list[tuple[str, str, float, int]]:
    kern = explore.kernel_explorer()
    maps = explore.feature_map_explorer()
    rbf = explore.rbf_viewer()
    c3 = explore.c3_table_editor()
    layers = [INSIDE_LAYERS[i % len(INSIDE_LAYERS)] for i in range(1, MOVES + 1)]
    kernels = list(kern.kernel.options)
    return [
        ("kernel explorer", "digit slider", median_ms(kern.digit, range(1, MOVES + 1)), 50),
        ("kernel explorer", "kernel dropdown", median_ms(kern.kernel, [kernels[i % len(kernels)]
                                                                      for i in range(1, MOVES + 1)]), 50),
        ("kernel explorer", "one weight box", median_ms(kern.weights[12], [0.1 * i for i in range(MOVES)]), 50),
        ("feature-map explorer", "digit slider", median_ms(maps.digit, range(1, MOVES + 1)), 100),
        ("feature-map explorer", "layer buttons", median_ms(maps.layer, layers), 100),
        ("RBF viewer", "digit slider", median_ms(rbf.digit, range(1, MOVES + 1)), 100),
        ("C3 table editor", "one toggle", median_ms(c3.cells[0][1], [i % 2 == 0 for i in range(MOVES)]), 50),
    ]


def main() -> None:
    print(f"live explorers, in Chromium: input event to redrawn explorer, over {MOVES} moves; target one frame\n")
    print(f"{'explorer':<24}{'control':<24}{'median ms':>10}{'p95 ms':>9}{'target ms':>11}  ok")
    for explorer, control, median, p95 in browser_rows():
        print(f"{explorer:<24}{control:<24}{median:>10.2f}{p95:>9.2f}{FRAME_MS:>11.1f}  "
              f"{'yes' if p95 <= FRAME_MS else 'NO'}")
    print(f"\nkernel explorers, in the kernel: median over {MOVES} moves\n")
    print(f"{'explorer':<24}{'control':<24}{'median ms':>10}{'target ms':>11}  ok")
    for explorer, control, ms, target in kernel_rows():
        print(f"{explorer:<24}{control:<24}{ms:>10.2f}{target:>11}  {'yes' if ms <= target else 'NO'}")


if __name__ == "__main__":
    main()
