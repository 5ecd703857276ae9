"""Latency of every live explorer in Chromium: from a move of a control to the redrawn explorer and the next frame.

Run: LENET5_MNIST_DIR=/path/to/mnist python benchmarks/explorer_latency.py [--moves 30]

One page holds the static face of every explorer of :data:`lenet5_lesson.explore.__all__`, made
with its defaults, and loads the book's in-browser LeNet-5 from ``_static/lenet5`` (written by
:func:`lenet5_lesson.explorers.engine.write_assets`) as the built pages do. It is opened from
``file://`` in Debian's Chromium (headless, network blocked). The controls of each explorer are
found inside its ``[data-explorer=...]`` root, whatever the explorer: sliders, text boxes, menus,
checkboxes and buttons. Controls of one kind under one name (the ten bitmap buttons of the RBF
viewer, say) form one row, and the moves go round them. Before each row the page is reloaded, so
that every control starts from the explorer's first state.

Each move is made inside the page as a reader's would be (a slider or box: a new value and an
``input`` event; a menu: the next option, ``input`` and ``change``; a checkbox or button: a click),
and timed twice with ``performance.now()``: to the end of the synchronous redraw (the handler's
return, then a forced layout), and to the next animation frame, where the browser paints what was
drawn. A move drawn within one frame has a redraw well under 16.7 ms; the time to the frame
also holds the wait for the display's next tick, up to 16.7 ms at 60 Hz. A page that is not
cross-origin isolated sees ``performance.now()`` only to 0.1 ms.

The last row is the engine's forward pass, ``lenet5.forward``, on the site's test digits in the
same page (``benchmarks/js_forward.py`` times it in detail). A benchmark, not a test: numbers
vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

from lenet5_lesson import explore  # noqa: E402
from lenet5_lesson.explorers import engine  # noqa: E402
from lenet5_lesson.explorers.live import LiveExplorer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FRAME_MS = 1000 / 60
#: The book's in-browser LeNet-5, in the order its pages load it from _static/lenet5.
SITE_SCRIPTS = ("weights.js", "digits.js", "engine.js")

# The controls of one explorer, in page order, grouped by kind and name; shared by the two scripts below.
_FIND = """
const KINDS = [["range", 'input[type="range"]'], ["checkbox", 'input[type="checkbox"], input[type="radio"]'],
               ["text", 'input[type="text"], input[type="number"], input:not([type]), textarea'],
               ["menu", "select"], ["button", 'button, [role="button"], [role="switch"]']];
const kindOf = (c) => (KINDS.find(([, selector]) => c.matches(selector)) || [null])[0];
const squeeze = (text) => (text || "").replace(/\\s+/g, " ").trim();
function nameOf(c) {
    const labelled = c.labels && c.labels.length ? c.labels[0].textContent : "";
    const owner = c.closest("[data-control]");
    return squeeze(labelled || c.getAttribute("aria-label") || c.textContent || (owner && owner.dataset.control)
                   || c.getAttribute("placeholder") || c.tagName.toLowerCase());
}
function groups(root) {
    const found = new Map();
    for (const c of root.querySelectorAll("input, select, textarea, button, [role=button], [role=switch]")) {
        const kind = kindOf(c);
        if (!kind || c.disabled || !c.getClientRects().length) continue;
        const owner = c.closest("[data-control]");
        // Numbers in a name (a class, a penalty, a weight) tell members of one group apart.
        const name = owner ? owner.dataset.control
            : nameOf(c).replace(/[−-]?\\d+(\\.\\d+)?/g, "#").split(" ").slice(0, 4).join(" ");
        const key = `${kind}|${name}`;
        if (!found.has(key)) found.set(key, {kind, name: nameOf(c).slice(0, 34), members: []});
        found.get(key).members.push(c);
    }
    return Array.from(found.values());
}
"""

_LIST = "(explorer) => {" + _FIND + """
    const root = document.querySelector(`[data-explorer="${explorer}"]`);
    return groups(root).map((g) => [g.kind, g.members.length === 1 ? g.name : `${g.name} (${g.members.length} alike)`]);
}"""

_TIME = "async ([explorer, index, moves]) => {" + _FIND + """
    const root = document.querySelector(`[data-explorer="${explorer}"]`);
    const {kind, members} = groups(root)[index];
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
    const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
    const fire = (c, ...events) => events.forEach((e) => c.dispatchEvent(new Event(e, {bubbles: true})));
    function rangeStep(c, by) {
        const min = Number(c.min || 0), max = Number(c.max || 100), step = Number(c.step) || 1;
        const count = Math.floor((max - min) / step + 1e-9) + 1;
        const at = Math.round((Number(c.value) - min) / step);
        return String(Number((min + ((at + by) % count) * step).toFixed(10)));
    }
    function move(c, i) {
        if (kind === "range") {
            c.value = rangeStep(c, 1);
            fire(c, "input");
        } else if (kind === "text") {
            // A number box beside a slider takes the slider's next value; another number goes up and
            // down by one (0.1 if not whole); other text gains and loses a letter.
            const owner = c.closest("[data-control]");
            const slider = owner && owner.querySelector('input[type="range"]');
            const now = Number(c.value);
            if (slider) c.value = rangeStep(slider, 1 + (i % 3));
            else if (c.value.trim() !== "" && Number.isFinite(now)) {
                const by = Number.isInteger(now) ? 1 : 0.1;
                c.value = String(Number((now + (i % 2 ? -by : by)).toFixed(6)));
            } else c.value = i % 2 ? c.value.slice(0, -1) : `${c.value}a`;
            fire(c, "input");
        } else if (kind === "menu") {
            const options = Array.from(c.options).filter((o) => !o.disabled);
            c.value = options[(options.indexOf(c.selectedOptions[0]) + 1) % options.length].value;
            fire(c, "input", "change");
        } else {
            c.click();
        }
    }
    const redraw = [], frame = [];
    for (let i = 0; i < moves; i++) {
        const c = members[i % members.length];
        if (!c.isConnected) return {error: "a control went away during the moves"};
        const start = performance.now();
        move(c, i);
        root.getBoundingClientRect(); // lays the explorer out: the redraw is finished
        redraw.push(performance.now() - start);
        frame.push((await nextFrame()) - start);
        await nextTask();
    }
    return {redraw, frame, state: root.dataset.state || ""};
}"""

_FORWARD = """async ([count, repeat]) => {
    await lenet5.ready;
    const digits = Array.from({length: Math.min(count, lenet5.digits.count)}, (_, i) => lenet5.digits.image(i));
    digits.forEach((d) => lenet5.forward(d)); // warms the JIT up
    return digits.map((d) => {
        const start = performance.now();
        for (let r = 0; r < repeat; r++) lenet5.forward(d);
        return (performance.now() - start) / repeat;
    });
}"""

_READY = """() => window.lenet5 && lenet5.digits && Array.from(document.querySelectorAll('[data-explorer]'))
    .every((e) => e.dataset.state !== 'loading')"""


def explorers() -> tuple[list[LiveExplorer], list[str]]:
    """One explorer of each function of ``explore.__all__``, made with its defaults; and why others are left out."""
    made, left_out = [], []
    for name in explore.__all__:
        if not callable(getattr(explore, name)):  # a constant, such as SITE_DIGITS
            continue
        try:
            explorer = getattr(explore, name)()
        except Exception as err:  # noqa: BLE001 - a benchmark reports what it could not make, and goes on
            left_out.append(f"{name}: {type(err).__name__}: {err}")
            continue
        if isinstance(explorer, LiveExplorer):
            made.append(explorer)
        else:
            left_out.append(f"{name}: not a live explorer ({type(explorer).__name__})")
    return made, left_out


def write_page(folder: Path, faces: list[LiveExplorer]) -> Path:
    """``folder/index.html`` with every face, loading the book's LeNet-5 from ``folder/_static/lenet5``."""
    engine.write_assets(folder / "_static" / "lenet5")
    head = "".join(f'<script src="_static/lenet5/{script}"></script>' for script in SITE_SCRIPTS)
    body = "\n".join(face._repr_mimebundle_()[0]["text/html"] for face in faces)
    page = folder / "index.html"
    page.write_text('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width, initial-scale=1">'
                    f'<title>Explorer latency</title>{head}</head><body><main>{body}</main></body></html>',
                    encoding="utf-8")
    return page


def measure(moves: int) -> tuple[list[tuple], list[float], list[str]]:
    """Rows (explorer, control kind, name, state, redraw ms list, frame ms list), forward-pass ms, problems."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a test dependency, not the package's

    made, problems = explorers()
    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = write_page(Path(folder), made)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: route.abort() if route.request.url.startswith("http")
                   else route.continue_())
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda err: problems.append(f"uncaught exception: {err}"))

        def fresh() -> None:
            page.goto(page_file.as_uri())
            page.wait_for_function(_READY, timeout=60_000)

        fresh()
        plan = [(x.explorer, i, kind, name) for x in made
                for i, (kind, name) in enumerate(page.evaluate(_LIST, x.explorer))]
        for explorer, index, kind, name in plan:
            fresh()
            result = page.evaluate(_TIME, [explorer, index, moves])
            if "error" in result:
                problems.append(f"{explorer}, {name}: {result['error']}")
                continue
            rows.append((explorer, kind, name, result["state"], result["redraw"], result["frame"]))
        forward = page.evaluate(_FORWARD, [30, 20])
        browser.close()
    return rows, forward, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=30, help="moves per control (default: %(default)s)")
    args = parser.parse_args()
    rows, forward, problems = measure(args.moves)
    print(f"Every live explorer in Chromium, {args.moves} moves per control; ms from the event to the end of the "
          f"redraw, and to the next animation frame (one frame: {FRAME_MS:.1f} ms)\n")
    print(f"{'explorer':<10}{'control':<44}{'state':<10}{'median':>8}{'max':>8}{'frame med':>11}{'frame max':>11}")
    for explorer, kind, name, state, redraw, frame in rows:
        print(f"{explorer:<10}{(kind + ': ' + name)[:43]:<44}{state[:9]:<10}{statistics.median(redraw):>8.2f}"
              f"{max(redraw):>8.2f}{statistics.median(frame):>11.2f}{max(frame):>11.2f}")
    slow = [f"{x}: {k}: {n}" for x, k, n, _, redraw, _ in rows if statistics.median(redraw) > FRAME_MS]
    print(f"\n{'engine':<10}{'lenet5.forward, one pass':<44}{'':<10}{statistics.median(forward):>8.2f}"
          f"{max(forward):>8.2f}   (over {len(forward)} test digits, 20 passes each)")
    print("\nmedian redraw over one frame: " + (", ".join(slow) if slow else "none"))
    for problem in problems:
        print("problem:", problem)


if __name__ == "__main__":
    main()
