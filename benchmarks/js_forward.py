"""Milliseconds per forward pass of the in-browser LeNet-5 (lenet5_lesson/explorers/engine.js) in Chromium.

    LENET5_MNIST_DIR=../shared/data/mnist .venv/bin/python benchmarks/js_forward.py --digits 200

Writes the engine and the shipped weights as the build does, opens them from ``file://`` in
Debian's Chromium (headless, network blocked), warms the JIT up on every digit, then times each
test digit over ``--repeat`` calls of ``lenet5.forward`` and prints the median over digits with the
spread. Each digit is timed over several calls because a page that is not cross-origin isolated
sees ``performance.now()`` only to 0.1 ms. The issue's target is at most 2 ms. A benchmark, not a
test: numbers vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from lenet5_lesson import load_mnist
from lenet5_lesson.explorers import engine

CHROMIUM = "/usr/bin/chromium"
TARGET_MS = 2.0

# Per digit, the mean of `repeat` calls; the load time is that of the two scripts, weights decoded.
_TIME = """([digits, repeat, warmup]) => {
    for (let w = 0; w < warmup; w++) for (const d of digits) lenet5.forward(d);
    return digits.map(d => {
        const start = performance.now();
        for (let r = 0; r < repeat; r++) lenet5.forward(d);
        return (performance.now() - start) / repeat;
    });
}"""


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--digits", type=int, default=200, help="MNIST test digits to time (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=20, help="calls timed together per digit (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed passes over all digits first")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a test dependency, not the package's

    _, (x_test, _) = load_mnist()
    digits = x_test[: args.digits].reshape(args.digits, -1).tolist()
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        engine.write_assets(folder)
        page_file = Path(folder) / "index.html"
        page_file.write_text('<!doctype html><script>const t0 = performance.now();</script>'
                             '<script src="weights.js"></script><script src="engine.js"></script>'
                             '<script>window.loadMs = performance.now() - t0;</script>')
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.route("**/*", lambda route: route.abort() if route.request.url.startswith("http")
                   else route.continue_())
        page.goto(page_file.as_uri())
        load_ms = page.evaluate("window.loadMs")
        times = page.evaluate(_TIME, [digits, args.repeat, args.warmup])
        version = browser.version
        browser.close()
    median = _quantile(times, 0.5)
    print(f"Chromium {version}: lenet5.forward over {len(times)} MNIST test digits, {args.repeat} calls each")
    print(f"  median {median:.3f} ms   10 % {_quantile(times, 0.1):.3f} ms   90 % {_quantile(times, 0.9):.3f} ms"
          f"   max {max(times):.3f} ms")
    print(f"  loading weights.js + engine.js (decoding the weights included): {load_ms:.1f} ms")
    print(f"  target: at most {TARGET_MS} ms per pass -> {'met' if median <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
