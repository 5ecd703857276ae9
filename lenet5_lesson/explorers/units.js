/* The unit inspector (units.py): every map of every layer for one test digit, and for the unit the
 * reader points at (hover, tap, or the arrow keys on a focused map) its receptive field on the
 * input, its window in the layer below and its computation in numbers, from the trained weights.
 * The explorer's only implementation; live.js and engine.js are in scope.
 *
 * The model holds the unit as layer, map, row and col (as units.py): in C5, F6 and the output,
 * which have no maps, `map` is the unit's number and row = col = 0. Those layers are drawn as one
 * grid each (DRAWN), F6 and the RBF centres in the 12x7 layout of the output's bitmaps.
 */

const LAYERS = ["C1", "S2", "C3", "S4", "C5", "F6", "output"];
// How each layer is drawn: its maps (`units` for a layer drawn as one grid of units), the rows and
// columns of each map's canvas, and how many maps make a row of the overview.
const DRAWN = {
  C1: {maps: 6, rows: 28, cols: 28, across: 6},
  S2: {maps: 6, rows: 14, cols: 14, across: 6},
  C3: {maps: 16, rows: 10, cols: 10, across: 8},
  S4: {maps: 16, rows: 5, cols: 5, across: 8},
  C5: {maps: 1, rows: 12, cols: 10, units: 120},
  F6: {maps: 1, rows: 12, cols: 7, units: 84},
  output: {maps: 1, rows: 1, cols: 10, units: 10},
};
const INPUT_SIDE = 32;
// Each layer's receptive field on the input: its side, and how far apart neighbouring units' fields start.
const FIELD = {C1: [5, 1], S2: [6, 2], C3: [14, 2], S4: [16, 4]};
// The largest terms F6's and the output's sums list one by one.
const LISTED = 8;
const STYLE_ID = "lenet5-units-style";
const CSS = `
.lenet5-units-overview { flex: 1 1 340px; max-width: 440px; min-width: 0; }
.lenet5-units-detail { flex: 1 1 300px; min-width: 0; }
.lenet5-units-layer { margin: 0 0 8px 0; min-width: 0; }
.lenet5-units-layer > p, .lenet5-units-panel > p { font-size: 13px; margin: 0 0 2px 0; }
.lenet5-units-maps { display: grid; gap: 4px; }
.lenet5-units-flat { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: flex-start; }
.lenet5-units-cell { position: relative; min-width: 0; }
.lenet5-units-cell canvas.lenet5-live-map { width: 100%; height: auto; border: none; outline: 1px solid #8c8c8c;
  touch-action: manipulation; }
.lenet5-units-cell canvas.lenet5-units-pick { cursor: crosshair; }
.lenet5-units-cell canvas.lenet5-units-pick:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
.lenet5-units-box { position: absolute; pointer-events: none; }
.lenet5-units-box.unit { outline: 2px solid #111; box-shadow: 0 0 0 4px #fff; }
.lenet5-units-box.window { outline: 2px dashed #111; }
.lenet5-units-panels { display: flex; flex-wrap: wrap; gap: 8px 14px; margin-bottom: 8px; }
.lenet5-units-panel { min-width: 0; }
.lenet5-units-panel .lenet5-units-maps { grid-template-columns: repeat(auto-fill, 64px); }
.lenet5-units-tables { display: flex; flex-wrap: wrap; gap: 0 12px; }
.lenet5-units-table { margin: 0 0 6px 0; min-width: 0; }
.lenet5-units-table > p { font-size: 12px; margin: 0; }
.lenet5-live table.lenet5-units-numbers { margin: 0; border-collapse: collapse; font-family: ui-monospace, Menlo, Consolas,
  monospace; font-size: 12px; }
.lenet5-units-numbers td, .lenet5-units-numbers th { padding: 0 4px; text-align: right; font-weight: 400; }
.lenet5-units-numbers th { text-align: left; }
.lenet5-units-sum { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere;
  margin: 0 0 4px 0; }
`;

const flat = (layer) => DRAWN[layer].units !== undefined;
const below = (layer) => LAYERS[LAYERS.indexOf(layer) - 1];

/** The model's unit as drawn: which canvas of the layer, and the row and column on it. */
function drawnUnit({layer, map, row, col}) {
  if (!flat(layer)) return {layer, canvas: map, r: row, c: col};
  const {cols} = DRAWN[layer];
  return {layer, canvas: 0, r: Math.floor(map / cols), c: map % cols};
}

/** The model's unit of a place on a canvas. */
function modelUnit(layer, canvas, r, c) {
  return flat(layer) ? {layer, map: r * DRAWN[layer].cols + c, row: 0, col: 0} : {layer, map: canvas, row: r, col: c};
}

/** One map's canvas in a box that can mark a unit and a window on it. */
function mapCell(rows, cols, attributes) {
  const {element} = live;
  const canvas = live.mapCanvas(rows, cols, attributes);
  const unit = element("div", {className: "lenet5-units-box unit", hidden: true, "data-role": "unit-box"});
  const reads = element("div", {className: "lenet5-units-box window", hidden: true, "data-role": "window-box"});
  return {rows, cols, canvas, unit, window: reads, element: element("div", {className: "lenet5-units-cell"},
                                                                    [canvas, reads, unit])};
}

/** Show `box` over rows r0.. and columns c0.. of a cell (h x w of them), or hide it (null). */
function place(cell, box, area) {
  const node = cell[box];
  node.hidden = !area;
  if (!area) return;
  const [r0, c0, h, w] = area;
  Object.assign(node.style, {top: `${(100 * r0) / cell.rows}%`, left: `${(100 * c0) / cell.cols}%`,
                             height: `${(100 * h) / cell.rows}%`, width: `${(100 * w) / cell.cols}%`});
  node.dataset.area = area.join(",");
}

/** A table of numbers under its title, `across` a row; `rows` of [heading, cells...] or a flat list of values. */
function numberTable(title, rows, role) {
  const {element} = live;
  const table = element("table", {className: "lenet5-units-numbers", "data-role": role}, rows.map((cells) => element("tr", {},
    cells.map((cell, i) => element(i === 0 && typeof cell === "string" ? "th" : "td",
                                   {text: typeof cell === "number" ? live.fixed(cell, 3) : cell})))));
  return element("div", {className: "lenet5-units-table"}, [element("p", {text: title}), table]);
}

const square = (values, side) => Array.from({length: side}, (_, r) => values.slice(r * side, (r + 1) * side));

function render({model, el}) {
  const {element, fixed} = live;
  const cleanups = [];
  live.addStyle(STYLE_ID, CSS);
  live.withNetwork({model, el, cleanups}, build);

  function build(data) {
    const {weights, paper, style, squash} = data;
    const net = data.network();
    const limit = style.activation_limit;
    const A = paper.squash_a;
    const S = paper.squash_s;
    // Where each C3 map's kernels start in C3's kernel (SparseConv2D keeps Table I's order).
    const pairStart = [];
    paper.c3_table.reduce((start, inputs, o) => { pairStart[o] = start; return start + inputs.length; }, 0);
    const PAIRS = pairStart[15] + paper.c3_table[15].length;

    const controlBox = element("div", {className: "lenet5-live-controls"});
    const digitControl = live.digitControl({model, data, onStatus: () => draw(), cleanups});
    controlBox.append(digitControl.element);
    const status = element("p", {"data-role": "digit", "aria-live": "polite"});
    const problem = element("p", {className: "lenet5-live-problem", "data-role": "problem"});

    // The overview: every map of every layer, each canvas a place to pick units from.
    const cells = {};
    const overview = element("div", {className: "lenet5-units-overview", "data-role": "overview"});
    const flatRow = element("div", {className: "lenet5-units-flat"});
    for (const layer of LAYERS) {
      const {maps, rows, cols, across, units} = DRAWN[layer];
      cells[layer] = [];
      for (let m = 0; m < maps; m++) {
        const what = flat(layer) ? `${layer}, its ${units} units` : `${layer} map ${m} of ${maps}, ${rows} by ${cols} units`;
        const cell = mapCell(rows, cols, {tabindex: 0, role: "application", className: "lenet5-live-map lenet5-units-pick",
                                          "aria-label": `${what}; the arrow keys move the selected unit`,
                                          // JupyterLab would take the arrow keys for moving between cells.
                                          "data-lm-suppress-shortcuts": "true",
                                          "data-layer": layer, "data-map": m});
        attachPicking(cell, layer, m);
        cells[layer].push(cell);
      }
      const caption = flat(layer)
        ? `${layer}: ${units}${layer === "output" ? ", digits 0 to 9" : " units"}`
        : `${layer}: ${maps} maps of ${rows}×${cols}`;
      const grid = element("div", {className: "lenet5-units-maps",
                                   style: flat(layer) ? "" : `grid-template-columns: repeat(${across}, minmax(0, 1fr))`},
                           cells[layer].map((cell) => cell.element));
      const block = element("div", {className: "lenet5-units-layer"}, [element("p", {text: caption}), grid]);
      if (flat(layer)) {
        // Unit sizes chosen so that the three layers read alike: 12 px a unit (16 for the ten outputs).
        block.style.width = `${cols * (layer === "output" ? 16 : 12)}px`;
        block.style.maxWidth = "100%";
        flatRow.append(block);
      } else {
        overview.append(block);
      }
    }
    overview.append(flatRow);
    const legend = element("p", {className: "lenet5-live-legend",
                                 text: "Maps: white 0, blue negative, red positive, on ±1.7159. Input: the digit on "
                                   + `${paper.background} (white) to ${paper.ink} (black). Output: the ten penalties, `
                                   + "0 white to the largest black. Rows, columns and maps are counted from 0."});
    overview.append(legend);

    // The detail of the selected unit.
    const unitText = element("p", {className: "lenet5-live-big", "data-role": "unit", "aria-live": "polite"});
    const field = mapCell(INPUT_SIDE, INPUT_SIDE, {role: "img", "data-role": "field-canvas"});
    const fieldCaption = element("p", {"data-role": "field-caption"});
    const fieldPanel = element("div", {className: "lenet5-units-panel", "data-role": "field", style: "width: 128px"},
                               [fieldCaption, field.element]);
    const belowCaption = element("p", {"data-role": "below-caption"});
    const belowMaps = element("div", {className: "lenet5-units-maps"});
    const belowPanel = element("div", {className: "lenet5-units-panel", "data-role": "below",
                                       style: "flex: 1 1 150px"}, [belowCaption, belowMaps]);
    const computation = element("div", {"data-role": "computation"});
    const detail = element("div", {className: "lenet5-units-detail"},
                           [unitText, element("div", {className: "lenet5-units-panels"}, [fieldPanel, belowPanel]),
                            computation]);
    const body = element("div", {className: "lenet5-live-row"}, [overview, detail]);
    el.append(controlBox, status, problem, body);

    let out = null;
    let shownIndex = null;

    function current() {
      const layer = LAYERS.includes(model.get("layer")) ? model.get("layer") : "C1";
      return {layer, map: model.get("map"), row: model.get("row"), col: model.get("col")};
    }

    function select(unit) {
      const now = current();
      if (["layer", "map", "row", "col"].every((key) => now[key] === unit[key])) return;
      model.set(unit);
      model.save_changes();
    }

    function attachPicking(cell, layer, m) {
      const {canvas, rows, cols} = cell;
      const at = (event) => {
        const box = canvas.getBoundingClientRect();
        const r = Math.floor(((event.clientY - box.top) / box.height) * rows);
        const c = Math.floor(((event.clientX - box.left) / box.width) * cols);
        return modelUnit(layer, m, Math.max(0, Math.min(rows - 1, r)), Math.max(0, Math.min(cols - 1, c)));
      };
      // A mouse selects by hovering; a finger or pen by tapping (a drag still scrolls the page).
      canvas.addEventListener("pointermove", (event) => { if (event.pointerType === "mouse") select(at(event)); });
      canvas.addEventListener("pointerdown", (event) => select(at(event)));
      canvas.addEventListener("focus", () => {
        const now = drawnUnit(current());
        if (now.layer === layer && now.canvas === m) return;
        const [r, c] = now.layer === layer ? [now.r, now.c] : [Math.floor(rows / 2), Math.floor(cols / 2)];
        select(modelUnit(layer, m, Math.min(r, rows - 1), Math.min(c, cols - 1)));
      });
      canvas.addEventListener("keydown", (event) => {
        const step = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]}[event.key];
        if (!step) return;
        event.preventDefault();
        const now = drawnUnit(current());
        const [r, c] = now.layer === layer && now.canvas === m ? [now.r, now.c] : [0, 0];
        select(modelUnit(layer, m, Math.max(0, Math.min(rows - 1, r + step[0])),
                         Math.max(0, Math.min(cols - 1, c + step[1]))));
      });
    }

    function paintLayer(layer, cell, m) {
      if (layer === "output") {
        live.paint(cell.canvas, out.output, {table: style.ink, low: 0, high: Math.max(...out.output) || 1});
      } else {
        live.paint(cell.canvas, out[layer], {table: style.signed, low: -limit, high: limit,
                                            channels: flat(layer) ? 1 : DRAWN[layer].maps, channel: m});
      }
    }

    function newDigit(index) {
      out = net.forward(data.digits.image(index));
      for (const layer of LAYERS) cells[layer].forEach((cell, m) => paintLayer(layer, cell, m));
      live.paint(field.canvas, out.input, {table: style.ink, low: paper.background, high: paper.ink});
      let best = 0;
      for (let d = 1; d < 10; d++) if (out.output[d] < out.output[best]) best = d;
      const label = data.digits.labels[index];
      status.replaceChildren(`Test digit ${index}: a ${label}; the network reads `, element("b", {text: String(best)}),
                             best === label ? " (right)." : " (wrong).");
      shownIndex = index;
    }

    /* The window of the layer below that a unit reads: [canvas of that layer, area on it] pairs,
     * areas as [row, col, height, width] on that canvas. */
    function windowBelow({layer, map, row, col}) {
      const all = (l) => [0, 0, DRAWN[l].rows, DRAWN[l].cols];
      if (layer === "S2" || layer === "S4") return [[map, [2 * row, 2 * col, 2, 2]]];
      if (layer === "C3") return paper.c3_table[map].map((i) => [i, [row, col, 5, 5]]);
      if (layer === "C5") return Array.from({length: 16}, (_, i) => [i, all("S4")]);
      if (layer === "F6") return [[0, all("C5")]];
      if (layer === "output") return [[0, all("F6")]];
      return [];
    }

    function fieldArea({layer, row, col}) {
      if (!FIELD[layer]) return [0, 0, INPUT_SIDE, INPUT_SIDE];
      const [side, stride] = FIELD[layer];
      return [row * stride, col * stride, side, side];
    }

    function describe(unit) {
      const {layer, map, row, col} = unit;
      if (layer === "output") return `Output unit ${map} (digit ${map})`;
      if (flat(layer)) return `${layer} unit ${map}`;
      return `${layer} map ${map}, row ${row}, column ${col}`;
    }

    function sumLine(role, parts, value, bold) {
      const shown = element(bold ? "b" : "span", {"data-role": role, text: fixed(value)});
      return element("p", {className: "lenet5-units-sum"}, [...parts, shown]);
    }

    // The last lines of every squashed unit: the weighted sum a and f(a).
    function squashed(total, totalText, bias, biasText) {
      const a = total + bias;
      return {a, lines: [
        sumLine("a", [`a = ${totalText} + ${biasText} = ${fixed(total)} + ${fixed(bias)} = `], a),
        sumLine("value", [`f(a) = ${A} tanh(${fixed(S)} · ${fixed(a)}) = `], squash(a), true),
      ]};
    }

    /** The lines of numbers that make the unit's value; also its value. */
    function computationOf({layer, map, row, col}) {
      const lines = [];
      if (layer === "C1") {
        const x = [], w = [], p = [];
        for (let ky = 0; ky < 5; ky++) {
          for (let kx = 0; kx < 5; kx++) {
            x.push(out.input[(row + ky) * INPUT_SIDE + col + kx]);
            w.push(weights.C1.kernel[(ky * 5 + kx) * 6 + map]);
            p.push(x[x.length - 1] * w[w.length - 1]);
          }
        }
        const total = p.reduce((s, v) => s + v, 0);
        lines.push(element("div", {className: "lenet5-units-tables"}, [
          numberTable("inputs x (its 5×5 of the input)", square(x, 5), "inputs"),
          numberTable(`weights w (the kernel of map ${map})`, square(w, 5), "weights"),
          numberTable("products x · w", square(p, 5), "products")]),
                   sumLine("total", ["Σ x · w = "], total));
        return [...lines, ...squashed(total, "Σ x · w", weights.C1.bias[map], "b").lines];
      }
      if (layer === "S2" || layer === "S4") {
        const from = below(layer);
        const {maps, cols} = DRAWN[from];
        const x = [];
        for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) x.push(out[from][((2 * row + dy) * cols + 2 * col + dx) * maps + map]);
        const total = x.reduce((s, v) => s + v, 0);
        const coefficient = weights[layer].coefficient[map];
        lines.push(sumLine("total", [`Σ x = ${x.map((v) => fixed(v)).join(" + ")} = `], total),
                   sumLine("weighted", [`Σ x · coefficient = ${fixed(total)} × ${fixed(coefficient)} = `],
                           total * coefficient));
        return [...lines, ...squashed(total * coefficient, "Σ x · coefficient", weights[layer].bias[map], "b").lines];
      }
      if (layer === "C3" || layer === "C5") {
        const [inputs, side, inMaps] = layer === "C3" ? [paper.c3_table[map], 14, 6] : [[...Array(16).keys()], 5, 16];
        const subtotals = inputs.map((i, j) => {
          let s = 0;
          for (let ky = 0; ky < 5; ky++) {
            for (let kx = 0; kx < 5; kx++) {
              const x = out[below(layer)][((row + ky) * side + col + kx) * inMaps + i];
              const w = layer === "C3" ? weights.C3.kernel[(ky * 5 + kx) * PAIRS + pairStart[map] + j]
                : weights.C5.kernel[((ky * 5 + kx) * 16 + i) * 120 + map];
              s += x * w;
            }
          }
          return s;
        });
        const total = subtotals.reduce((s, v) => s + v, 0);
        lines.push(numberTable(`Σ x · w over its 5×5 window of each of ${inputs.length} ${below(layer)} maps`,
                               inputs.map((i, j) => [`${below(layer)} map ${i}`, fixed(subtotals[j])]), "subtotals"),
                   sumLine("total", ["Σ x · w = sum of the subtotals = "], total));
        return [...lines, ...squashed(total, "Σ x · w", weights[layer].bias[map], "b").lines];
      }
      // F6 and the output: sums of many terms, the largest listed.
      const terms = layer === "F6"
        ? Array.from({length: 120}, (_, i) => [i, out.C5[i] * weights.F6.kernel[i * 84 + map], out.C5[i],
                                              weights.F6.kernel[i * 84 + map]])
        : Array.from({length: 84}, (_, j) => {
          const d = out.F6[j] - weights.output.centres[map * 84 + j];
          return [j, d * d, out.F6[j], weights.output.centres[map * 84 + j]];
        });
      const total = terms.reduce((s, t) => s + t[1], 0);
      const largest = terms.slice().sort((p, q) => Math.abs(q[1]) - Math.abs(p[1])).slice(0, LISTED);
      const rest = total - largest.reduce((s, t) => s + t[1], 0);
      const rows = largest.map(([i, term, x, w]) => [
        `${below(layer)} unit ${i}`, layer === "F6" ? `${fixed(x)} × ${fixed(w)} =` : `(${fixed(x)} − ${fixed(w)})² =`,
        fixed(term)]);
      rows.push([`the other ${terms.length - LISTED}`, "", fixed(rest)]);
      lines.push(numberTable(layer === "F6" ? `The ${LISTED} largest of the 120 terms x · w`
        : `The ${LISTED} largest of the 84 terms (x − centre)²`, rows, "terms"));
      if (layer === "F6") {
        lines.push(sumLine("total", ["Σ x · w = "], total));
        return [...lines, ...squashed(total, "Σ x · w", weights.F6.bias[map], "b").lines];
      }
      lines.push(sumLine("value", [`penalty = Σ (x − centre)² = `], total, true),
                 element("p", {text: "No squashing here: the smallest of the ten penalties is the network's answer."}));
      return lines;
    }

    function showUnit() {
      const unit = current();
      const drawn = drawnUnit(unit);
      for (const layer of LAYERS) {
        cells[layer].forEach((cell, m) => {
          place(cell, "unit", layer === unit.layer && m === drawn.canvas ? [drawn.r, drawn.c, 1, 1] : null);
          place(cell, "window", null);
        });
      }
      const reads = windowBelow(unit);
      for (const [m, area] of reads) place(cells[below(unit.layer)][m], "window", area);

      const area = fieldArea(unit);
      place(field, "window", area);
      const whole = area[2] === INPUT_SIDE;
      fieldCaption.textContent = whole ? "Receptive field: the whole 32×32 input"
        : `Receptive field: ${area[2]}×${area[2]} of the 32×32 input`;
      field.canvas.setAttribute("aria-label", `The padded 32 by 32 input with the receptive field of ${describe(unit)} `
        + (whole ? "outlined: all of it." : `outlined: rows ${area[0]} to ${area[0] + area[2] - 1}, `
          + `columns ${area[1]} to ${area[1] + area[3] - 1}.`));

      const from = below(unit.layer);
      const panels = [];
      if (unit.layer === "C1") {
        belowCaption.textContent = "Its window in the layer below is that 5×5 of the input.";
      } else if (unit.layer === "output") {
        belowCaption.textContent = `The 84 F6 units (left) against the centre of digit ${unit.map} (right), 7×12 each (7 wide, 12 high)`;
        const f6 = mapCell(12, 7, {role: "img", "aria-label": "The 84 F6 units as a 12 by 7 grid"});
        const centre = mapCell(12, 7, {role: "img", "aria-label": `The RBF centre of digit ${unit.map} as a 12 by 7 grid`});
        live.paint(f6.canvas, out.F6, {table: style.signed, low: -limit, high: limit});
        live.paint(centre.canvas, weights.output.centres.subarray(unit.map * 84, unit.map * 84 + 84),
                   {table: style.signed, low: -limit, high: limit});
        panels.push(f6, centre);
      } else {
        const part = {S2: `the 2×2 window of C1 map ${unit.map} it adds`, S4: `the 2×2 window of C3 map ${unit.map} it adds`,
                      C3: `its 5×5 window on each of the ${reads.length} S2 maps Table I connects it to`,
                      C5: "all of the 16 S4 maps", F6: "all 120 C5 units"}[unit.layer];
        belowCaption.textContent = `In ${from}: ${part}`;
        for (const [m, area] of reads) {
          const cell = mapCell(DRAWN[from].rows, DRAWN[from].cols,
                               {role: "img", "aria-label": `${from}${flat(from) ? "" : ` map ${m}`}, the window outlined`});
          paintLayer(from, cell, m);
          place(cell, "window", area);
          panels.push(cell);
        }
      }
      belowMaps.replaceChildren(...panels.map((cell) => cell.element));
      const lines = computationOf(unit);
      computation.replaceChildren(...lines);
      const value = computation.querySelector('[data-role="value"]').textContent;
      unitText.textContent = `${describe(unit)}: ${unit.layer === "output" ? "penalty" : "value"} ${value}`;
    }

    function draw() {
      if (digitControl.error) {
        el.dataset.state = "invalid";
        problem.textContent = digitControl.error;
        body.hidden = true;
        return;
      }
      problem.textContent = "";
      body.hidden = false;
      const index = model.get("index");
      if (index !== shownIndex) newDigit(index);
      showUnit();
      el.dataset.state = "ok";
    }

    live.listen(model, "change", draw, cleanups);
    draw();
  }

  return () => cleanups.forEach((undo) => undo());
}
