/* The kernel explorer (kernel.py): one 5x5 kernel and a bias over one test digit, and the 28x28 map
 * of weighted sums a before and after the squashing f(a) = A tanh(S a). The explorer's only
 * implementation; live.js and engine.js are in scope.
 *
 * The digit is preprocessed by the network itself (net.forward(pixels).input, 32x32), and the sums
 * are taken as engine.js takes C1's (bias first, then the taps row by row, in double precision), so
 * a trained kernel loaded unchanged gives exactly the network's own C1 map.
 */

const SIDE = 5;
const INPUT = 32;
const OUT = INPUT - SIDE + 1;
const MAX_WEIGHT = 100; // as kernel.py's MAX_WEIGHT
const STEP = 0.1; // what the up and down arrows add to a box
const LEVEL = 0.9; // "levelled off": f(a) within 10 % of its limit A
const MARK = "#d62728";

/** The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at least x: a half-range. */
function roundUp(x) {
  const power = 10 ** Math.floor(Math.log10(x));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((r) => r >= x * (1 - 1e-12));
}

/** C1's weighted sums of one map: bias, then each tap, as engine.js's convolve adds them. */
function weightedSums(input, weights, bias, out) {
  for (let y = 0; y < OUT; y++) {
    for (let x = 0; x < OUT; x++) {
      let acc = bias;
      for (let ky = 0; ky < SIDE; ky++) {
        for (let kx = 0; kx < SIDE; kx++) acc += input[(y + ky) * INPUT + x + kx] * weights[ky * SIDE + kx];
      }
      out[y * OUT + x] = acc;
    }
  }
  return out;
}

function render({model, el}) {
  const {element, fixed} = live;
  const cleanups = [];
  live.withNetwork({model, el, cleanups, role: "loading"}, build);

  function build(data) {
    const {paper, style, squash} = data;
    const A = paper.squash_a;
    const level = Math.atanh(LEVEL) / paper.squash_s;
    const net = data.network();
    const trained = Array.from({length: 6}, (_, m) => [
      `trained C1 map ${m}`,
      Array.from({length: SIDE * SIDE}, (_, t) => data.weights.C1.kernel[t * 6 + m]),
      data.weights.C1.bias[m]]);
    const kernels = new Map([...(model.get("hand_kernels") || []), ...trained].map(([name, w, b]) => [name, {w, b}]));

    // Controls: the digit, the menu of kernels, and the 25 weight boxes with the bias.
    const controlBox = element("div", {className: "lenet5-live-controls"});
    const digit = live.digitControl({model, data, onStatus: () => redraw(), cleanups});
    const menuId = live.uid("kernel");
    const menu = element("select", {id: menuId, "data-role": "menu"});
    const own = element("option", {value: "", text: "your own (edited)"});
    menu.append(own);
    for (const [group, names] of [["hand-made", (model.get("hand_kernels") || []).map(([n]) => n)],
                                  ["trained C1", trained.map(([n]) => n)]]) {
      menu.append(element("optgroup", {label: group}, names.map((n) => element("option", {value: n, text: n}))));
    }
    const menuRow = element("div", {className: "lenet5-live-control"}, [
      element("label", {for: menuId, text: "kernel"}), menu]);
    menu.style.gridColumn = "2 / 4";
    controlBox.append(digit.element, menuRow);

    const messageId = live.uid("kernel-message");
    const boxes = [];
    const grid = element("div", {role: "group", "aria-label": "the 25 weights of the kernel, row by row",
                                 style: `display:grid;grid-template-columns:repeat(${SIDE},minmax(0,4.6em));gap:3px`});
    for (let i = 0; i < SIDE * SIDE; i++) {
      const label = `weight row ${Math.floor(i / SIDE) + 1}, column ${(i % SIDE) + 1}`;
      const box = element("input", {type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
                                    "aria-label": label, "aria-describedby": messageId, "data-weight": i,
                                    style: "padding:2px 3px;text-align:right"});
      boxes.push({box, label, error: null, followed: null, get: () => model.get("weights")[i]});
      grid.append(box);
    }
    const biasId = live.uid("bias");
    const biasBox = element("input", {type: "text", id: biasId, inputmode: "decimal", autocomplete: "off",
                                      spellcheck: "false", "aria-describedby": messageId, "data-role": "bias",
                                      style: "width:6em;text-align:right"});
    boxes.push({box: biasBox, label: "bias", error: null, followed: null, get: () => model.get("bias")});
    const message = element("div", {id: messageId, className: "lenet5-live-problem", "data-role": "problem",
                                    "aria-live": "polite"});
    const status = element("p", {"data-role": "kernel-status"});
    const editor = element("div", {className: "lenet5-live-row", style: "margin-bottom:8px"}, [
      grid,
      element("div", {className: "lenet5-live-text"}, [
        element("p", {}, [element("label", {for: biasId, text: "bias", style: "font-weight:600;margin-right:8px"}),
                          biasBox]),
        status, message])]);

    // The three maps, each a canvas of one pixel per unit under a caption; a red square marks one unit.
    function panel(role, side, caption) {
      const canvas = live.mapCanvas(side, side, {role: "img", "data-role": role,
                                                 style: "width:100%;height:auto;touch-action:none"});
      const marker = element("div", {"aria-hidden": "true", hidden: true,
                                     style: `position:absolute;border:2px solid ${MARK};pointer-events:none`});
      const legend = element("p", {className: "lenet5-live-legend", "data-role": `${role}-legend`});
      const title = element("p", {style: "font-weight:600;margin:0 0 4px 0", text: caption});
      const frame = element("div", {style: "position:relative"}, [canvas, marker]);
      const node = element("div", {className: "lenet5-live-figure", style: "flex:1 1 140px;max-width:250px"},
                           [title, frame, legend]);
      return {canvas, marker, legend, node, side};
    }
    const input = panel("input", INPUT, "input, 32×32");
    const sums = panel("sums", OUT, "weighted sums a");
    const squashed = panel("squashed", OUT, "squashed, f(a)");
    // The two maps to compare stay side by side when the input goes above them on a narrow page.
    const pair = element("div", {className: "lenet5-live-row", style: "flex:2 1 300px;max-width:520px;min-width:0"},
                         [sums.node, squashed.node]);
    const figures = element("div", {className: "lenet5-live-row", "data-role": "maps"}, [input.node, pair]);
    const levelled = element("p", {"data-role": "levelled"});
    const readout = element("p", {"data-role": "readout", "aria-live": "polite",
                                  text: "Point at a map, or touch it, to read one unit and see its 5×5 window."});
    el.replaceChildren(controlBox, editor, figures,
                       levelled, readout);

    let shownIndex = -1;
    let pixels = null; // the preprocessed digit, 32x32
    const a = new Float64Array(OUT * OUT);
    const f = new Float64Array(OUT * OUT);
    let unit = null; // [row, column] of the unit the reader points at

    const parse = (text, label) => {
      const typed = live.parseNumber(text, {name: label, above: -Infinity, high: MAX_WEIGHT});
      return typed.error || typed.value >= -MAX_WEIGHT ? typed : {error: `${label} must be at least −${MAX_WEIGHT}.`};
    };
    const format = (value) => String(Number(value.toFixed(4)));

    function setError(entry, error) {
      entry.error = error;
      if (error) entry.box.setAttribute("aria-invalid", "true");
      else entry.box.removeAttribute("aria-invalid");
    }

    /** Write the value of box i (the bias for i = 25) to the model. */
    function write(i, value) {
      if (i === SIDE * SIDE) {
        model.set("bias", value);
      } else {
        const weights = model.get("weights").slice();
        weights[i] = value;
        model.set("weights", weights);
      }
      model.save_changes();
    }

    boxes.forEach((entry, i) => {
      entry.box.addEventListener("input", () => {
        const typed = parse(entry.box.value, entry.label);
        setError(entry, typed.error || null);
        if (typed.error || typed.value === entry.get()) redraw();
        else write(i, typed.value);
      });
      entry.box.addEventListener("keydown", (event) => {
        if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
        event.preventDefault();
        const typed = parse(entry.box.value, entry.label);
        const next = Number(((typed.error ? entry.get() : typed.value)
                             + (event.key === "ArrowUp" ? STEP : -STEP)).toFixed(10));
        if (parse(String(next), entry.label).error) return;
        entry.box.value = format(next);
        setError(entry, null);
        if (next === entry.get()) redraw();
        else write(i, next);
      });
    });

    menu.addEventListener("change", () => {
      const chosen = kernels.get(menu.value);
      if (!chosen) return;
      // Loading a kernel fills every box, the ones holding a wrong value too.
      boxes.forEach((entry) => { entry.followed = null; });
      model.set({kernel: menu.value, weights: chosen.w.slice(), bias: chosen.b});
      model.save_changes();
      follow();
      redraw();
    });

    /* Show in each box a value of the model that changed, unless the box says it already (a reader may
     * be typing "0.50"); a box whose value did not change keeps what the reader typed, even if wrong. */
    function follow() {
      boxes.forEach((entry) => {
        const value = entry.get();
        if (value === entry.followed) return;
        entry.followed = value;
        const typed = parse(entry.box.value, entry.label);
        if (typed.error || typed.value !== value) entry.box.value = format(value);
        setError(entry, null);
      });
    }

    function tint(entry, value, reach) {
      const last = style.signed.length - 1;
      const [r, g, b] = style.signed[Math.round(((value / reach + 1) / 2) * last)];
      // A pale mix with white, so that the text stays readable on it.
      const pale = (c) => Math.round(255 - 0.4 * (255 - c));
      entry.box.style.background = `rgb(${pale(r)},${pale(g)},${pale(b)})`;
    }

    function drawMarker() {
      for (const p of [input, sums, squashed]) p.marker.hidden = unit === null;
      if (unit === null) return;
      const [row, col] = unit;
      const place = (p, top, left, size) => Object.assign(p.marker.style, {
        top: `${(100 * top) / p.side}%`, left: `${(100 * left) / p.side}%`,
        width: `${(100 * size) / p.side}%`, height: `${(100 * size) / p.side}%`});
      place(input, row, col, SIDE);
      place(sums, row, col, 1);
      place(squashed, row, col, 1);
    }

    function readUnit() {
      if (unit === null || el.dataset.state !== "ok") return;
      const [row, col] = unit;
      const i = row * OUT + col;
      readout.textContent = `Unit at row ${row}, column ${col} (its window: input rows ${row} to ${row + 4}, `
        + `columns ${col} to ${col + 4}): a = ${fixed(a[i], 4)}, f(a) = ${fixed(f[i], 4)}.`;
    }

    function point(p, event) {
      const rect = p.canvas.getBoundingClientRect();
      if (!rect.width) return;
      const at = (offset, size) => Math.floor(((offset / size) * p.side));
      let row = at(event.clientY - rect.top, rect.height);
      let col = at(event.clientX - rect.left, rect.width);
      if (p === input) { row -= 2; col -= 2; } // the window centred on the pixel pointed at
      unit = [Math.max(0, Math.min(OUT - 1, row)), Math.max(0, Math.min(OUT - 1, col))];
      drawMarker();
      readUnit();
    }
    for (const p of [input, sums, squashed]) {
      for (const kind of ["pointerdown", "pointermove"]) p.canvas.addEventListener(kind, (event) => point(p, event));
    }

    function redraw() {
      const name = model.get("kernel");
      const weights = model.get("weights");
      const bias = model.get("bias");
      const loaded = kernels.get(name);
      const edited = !loaded || bias !== loaded.b || weights.some((w, i) => w !== loaded.w[i]);
      menu.value = edited ? "" : name;
      own.hidden = !edited;
      status.textContent = edited ? `Edited from ${name}.`
        : name.startsWith("trained") ? `${name}, as the network learned it: the squashed map is that map of C1.`
          : `${name}, as made by hand.`;
      const reach = Math.max(...weights.map(Math.abs), 1e-12);
      boxes.slice(0, SIDE * SIDE).forEach((entry, i) => tint(entry, weights[i], reach));

      const errors = [digit.error, ...boxes.map((entry) => entry.error)].filter(Boolean);
      if (errors.length) {
        el.dataset.state = "invalid";
        message.textContent = `${errors.join(" ")} The maps wait until every box holds a number.`;
        figures.style.opacity = "0.35";
        return;
      }
      el.dataset.state = "ok";
      message.textContent = "";
      figures.style.opacity = "";

      const index = model.get("index");
      if (index !== shownIndex) {
        pixels = net.forward(data.digits.image(index)).input;
        live.paint(input.canvas, pixels, {table: style.ink, low: paper.background, high: paper.ink});
        shownIndex = index;
        const label = data.digits.labels[index];
        input.legend.textContent = `Test digit ${index}, a ${label}, as the network sees it: drawn from `
          + `${fixed(paper.background, 1)} (background, white) to ${paper.ink} (ink, black).`;
        input.canvas.setAttribute("aria-label", `Test digit ${index}, a handwritten ${label}, padded to 32 by 32.`);
      }
      weightedSums(pixels, weights, bias, a);
      let low = Infinity, high = -Infinity, flat = 0;
      for (let i = 0; i < a.length; i++) {
        f[i] = squash(a[i]);
        low = Math.min(low, a[i]);
        high = Math.max(high, a[i]);
        if (Math.abs(a[i]) >= level) flat++;
      }
      const range = Math.max(A, roundUp(Math.max(Math.abs(low), Math.abs(high), 1e-12)));
      live.paint(sums.canvas, a, {table: style.signed, low: -range, high: range});
      live.paint(squashed.canvas, f, {table: style.signed, low: -A, high: A});
      sums.canvas.dataset.range = String(range);
      sums.legend.textContent = `28×28, from ${fixed(low, 2)} to ${fixed(high, 2)}; drawn on −${range} to ${range}, `
        + "blue negative, white 0, red positive.";
      squashed.legend.textContent = `28×28, from ${fixed(squash(low), 2)} to ${fixed(squash(high), 2)}; drawn on `
        + `−${A} to ${A}, the limits of f.`;
      sums.canvas.setAttribute("aria-label", `The kernel's weighted sums over the digit, from ${fixed(low, 2)} to `
        + `${fixed(high, 2)}.`);
      squashed.canvas.setAttribute("aria-label", `The same sums after squashing, from ${fixed(squash(low), 2)} to `
        + `${fixed(squash(high), 2)}.`);
      levelled.textContent = `${flat} of the ${OUT * OUT} units have |a| ≥ ${fixed(level, 2)}, where f(a) is within `
        + `${Math.round(100 * (1 - LEVEL))} % of ±${A}: there the squashing has levelled off, and a larger sum `
        + "hardly changes the output.";
      readUnit();
    }

    live.listen(model, "change", () => { follow(); redraw(); }, cleanups);
    follow();
    redraw();
  }

  return () => cleanups.forEach((undo) => undo());
}
