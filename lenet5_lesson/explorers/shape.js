/* The shape calculator (shape.py): n, k, s, p, d -> output size, the formula with the numbers, and
 * every kernel position on the padded grid. The explorer's only implementation; live.js is in scope.
 *
 * The arithmetic is that of lenet5_lesson.shapes (conv_output_size, kernel_positions, leftover),
 * done on BigInts so that any allowed value (up to MAX, as shape.py's MAX_INTEGER) is exact; the
 * grid is drawn only while the padded input has at most DRAW_LIMIT pixels a side.
 */

// figures/grids.py's cell colours, in the order of its CELL_LABELS; the dots are its red.
const CELL_COLOURS = ["#f2f2f2", "#c6dbef", "#fdae6b", "#08519c"];
const CELL_NAMES = ["input pixel", "padding", "never read", "first kernel position"];
const DOT_COLOUR = "#d62728";
const DRAW_LIMIT = 512;
const MOST_DOTS = 20000;
const MAX = 9007199254740991n; // Number.MAX_SAFE_INTEGER: the model's numbers stay exact
const CANVAS = 720;
// name, label, smallest value, the slider's range and step.
const PARAMETERS = [
  ["n", "input size n", 1, [1, 64, 1]],
  ["k", "kernel k", 1, [1, 11, 1]],
  ["s", "stride s", 1, [1, 6, 1]],
  ["p", "padding p", 0, [0, 6, 1]],
  ["d", "dilation d", 1, [1, 4, 1]],
];

/** The shape arithmetic of lenet5_lesson.shapes on BigInts: count is null when no position fits. */
function shapeArithmetic(n, k, s, p, d) {
  const size = n + 2n * p;
  const span = d * (k - 1n) + 1n;
  if (span > size) return {size, span, count: null, leftover: null};
  // size - span >= 0 here, so BigInt division (which truncates) is the floor.
  const count = (size - span) / s + 1n;
  return {size, span, count, leftover: size - ((count - 1n) * s + span)};
}

function formulaText(n, k, s, p, d, count) {
  const numbers = `floor((${n} + 2·${p} − ${d}·(${k} − 1) − 1) / ${s}) + 1`;
  return count === null ? `= ${numbers}: no kernel position fits` : `= ${numbers} = ${count}`;
}

function impossibleMessage(n, k, p, d, span, size) {
  const spread = d === 1n ? `k = ${k}` : `k = ${k} with dilation d = ${d} spans ${span} pixels`;
  return `The kernel (${spread}) is wider than the padded input (${n} + 2·${p} = ${size} pixels), `
    + "so it cannot be placed anywhere and there is no output. Shrink k or d, or add padding.";
}

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
// Each colour as one opaque 32-bit pixel, whose bytes must come out as ImageData's R, G, B, A.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const CELL_PIXELS = CELL_COLOURS.map((hex) => {
  const [r, g, b] = rgb(hex);
  return (LITTLE_ENDIAN ? (255 << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
});

/** Draw the padded grid, cell by cell, and a dot at the centre of every kernel position; return a note or "". */
function drawGrid(canvas, scratch, n, k, s, p, d, count) {
  const size = n + 2 * p;
  const span = d * (k - 1) + 1;
  const read = new Uint8Array(size);
  for (let i = 0; i < count; i++) for (let j = 0; j < k; j++) read[i * s + d * j] = 1;
  const first = new Uint8Array(size);
  for (let j = 0; j < k; j++) first[d * j] = 1;
  scratch.width = scratch.height = size;
  const scratchContext = scratch.getContext("2d");
  const image = scratchContext.createImageData(size, size);
  const pixels = new Uint32Array(image.data.buffer);
  const inside = (i) => i >= p && i < p + n;
  for (let r = 0; r < size; r++) {
    const row = r * size;
    for (let c = 0; c < size; c++) {
      // Padding, then never read, then an input pixel; the first kernel position over all three.
      const category = first[r] && first[c] ? 3 : !inside(r) || !inside(c) ? 1 : read[r] && read[c] ? 0 : 2;
      pixels[row + c] = CELL_PIXELS[category];
    }
  }
  scratchContext.putImageData(image, 0, 0);
  const context = canvas.getContext("2d");
  context.imageSmoothingEnabled = false;
  context.clearRect(0, 0, CANVAS, CANVAS);
  context.drawImage(scratch, 0, 0, CANVAS, CANVAS);
  const cell = CANVAS / size;
  if (cell >= 6) {
    context.strokeStyle = "#ffffff";
    context.lineWidth = Math.min(2, cell / 10);
    context.beginPath();
    for (let i = 1; i < size; i++) {
      context.moveTo(i * cell, 0); context.lineTo(i * cell, CANVAS);
      context.moveTo(0, i * cell); context.lineTo(CANVAS, i * cell);
    }
    context.stroke();
  }
  if (cell < 3 || count * count > MOST_DOTS) {
    return `The ${count} × ${count} kernel positions are too many to mark with dots at this size.`;
  }
  const radius = Math.max(1.5, Math.min(cell / 4, 8));
  context.fillStyle = DOT_COLOUR;
  context.beginPath();
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) {
      const x = (j * s + (span - 1) / 2 + 0.5) * cell;
      const y = (i * s + (span - 1) / 2 + 0.5) * cell;
      context.moveTo(x + radius, y);
      context.arc(x, y, radius, 0, 2 * Math.PI);
    }
  }
  context.fill();
  return "";
}

function render({model, el}) {
  const {element} = live;
  const cleanups = [];
  const controls = {};
  const controlBox = element("div", {className: "lenet5-live-controls"});
  for (const [name, label, low, slider] of PARAMETERS) {
    controls[name] = live.numberControl({model, name, label, integer: true, low, high: MAX, slider,
                                         onStatus: () => redraw(), cleanups});
    controlBox.append(controls[name].element);
  }

  const presetId = live.uid("preset");
  const presets = element("select", {id: presetId});
  const presetRow = element("p", {}, [element("label", {for: presetId, text: "Setting: ", style: "font-weight:600"}),
                                      presets]);
  const output = element("p", {className: "lenet5-live-big", "data-role": "output"});
  const formula = element("p", {className: "lenet5-live-formula", "data-role": "formula"});
  const details = element("p", {"data-role": "details"});
  const problem = element("p", {className: "lenet5-live-problem", "data-role": "problem"});
  const text = element("div", {className: "lenet5-live-text", "aria-live": "polite"},
                       [output, formula, problem, details]);
  const canvas = element("canvas", {width: CANVAS, height: CANVAS, role: "img", "data-role": "grid"});
  const scratch = element("canvas");
  const note = element("p", {"data-role": "note"});
  const legend = element("p", {className: "lenet5-live-legend", "aria-hidden": "true"});
  CELL_NAMES.forEach((name, i) => legend.append(element("span", {className: "item"}, [
    element("span", {className: "swatch", style: `background:${CELL_COLOURS[i]}`}), name]), " "));
  legend.append(element("span", {}, [element("span", {style: `color:${DOT_COLOUR};margin:0 4px 0 10px`, text: "●"}),
                                     "centre of one kernel position = one output unit"]));
  const figure = element("div", {className: "lenet5-live-figure"}, [canvas, legend]);
  el.append(controlBox, presetRow, element("div", {className: "lenet5-live-row"}, [text, figure]), note);

  function fillPresets() {
    presets.replaceChildren(element("option", {value: "", text: "your own setting"}));
    (model.get("presets") || []).forEach(([label], i) => presets.append(element("option", {value: i, text: label})));
  }
  presets.addEventListener("change", () => {
    const chosen = (model.get("presets") || [])[Number(presets.value)];
    if (presets.value === "" || !chosen) return;
    const [, n, k, s, p, d] = chosen;
    model.set({n, k, s, p, d});
    model.save_changes();
  });

  function redraw() {
    const values = PARAMETERS.map(([name]) => model.get(name));
    const match = (model.get("presets") || []).findIndex((preset) => values.every((v, i) => preset[i + 1] === v));
    presets.value = match < 0 ? "" : String(match);
    const errors = PARAMETERS.map(([name]) => controls[name].error).filter(Boolean);
    formula.textContent = "floor((n + 2p − d(k − 1) − 1) / s) + 1";
    if (errors.length) {
      el.dataset.state = "invalid";
      output.textContent = "No output yet.";
      problem.textContent = errors.join(" ");
      details.textContent = "";
      figure.hidden = true;
      note.textContent = "";
      return;
    }
    const [n, k, s, p, d] = values.map((v) => BigInt(v));
    const {size, span, count, leftover} = shapeArithmetic(n, k, s, p, d);
    formula.append(element("br"), formulaText(n, k, s, p, d, count));
    if (count === null) {
      el.dataset.state = "impossible";
      output.textContent = "No output.";
      problem.textContent = impossibleMessage(n, k, p, d, span, size);
      details.textContent = "";
      figure.hidden = true;
      note.textContent = "";
      return;
    }
    el.dataset.state = "ok";
    output.replaceChildren("Output: ", element("b", {text: `${count} × ${count}`}));
    problem.textContent = "";
    details.textContent = `The kernel spans d(k − 1) + 1 = ${span} pixels and takes ${count * count} positions; `
      + (leftover === 0n ? "every row and column of the padded input is reached."
        : `the last ${leftover} pixel${leftover === 1n ? "" : "s"} of each row and column no position reaches.`);
    if (size > BigInt(DRAW_LIMIT)) {
      figure.hidden = true;
      note.textContent = `The padded input is ${size} pixels wide, too many to draw here; the numbers above hold for any size.`;
      return;
    }
    figure.hidden = false;
    note.textContent = drawGrid(canvas, scratch, ...[n, k, s, p, d].map(Number), Number(count));
    canvas.setAttribute("aria-label", `Padded ${size} by ${size} grid: the ${n} by ${n} input`
      + (p > 0n ? ` inside ${p} pixel${p === 1n ? "" : "s"} of padding` : "")
      + `, the first kernel position in dark blue and a red dot at the centre of each of the ${count} by ${count} positions`
      + (leftover > 0n ? "; orange pixels are never read." : "."));
  }

  fillPresets();
  live.listen(model, "change:presets", fillPresets, cleanups);
  live.listen(model, "change", redraw, cleanups);
  redraw();
  return () => cleanups.forEach((undo) => undo());
}
