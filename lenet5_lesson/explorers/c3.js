/* The C3 table editor (c3.py): the 6 x 16 connections of C3 as toggle buttons, the parameter and
 * connection counts of the table, and the 16 C3 maps of one test digit recomputed with it. The
 * explorer's only implementation; live.js and engine.js are in scope.
 *
 * The trained network has one 5x5 kernel per connection of Table I (C3.kernel (5, 5, 60), pairs in
 * Table I's order). For another table the kernel is rebuilt: a connection of Table I keeps its
 * trained kernel, a new one was never trained and gets zeros, so it counts as parameters but adds
 * nothing to the maps. data.network(weights, paper) then runs the whole network with that table and kernel.
 */

const S2_MAPS = 6;
const C3_MAPS = 16;
const TAPS = 25;
const UNITS = 100; // a C3 map is 10x10, and each unit uses every parameter of its map once
// Below this width the grid turns on its side: 16 rows of 6 buttons, large enough to touch.
const NARROW = 480;
const STYLE_ID = "lenet5-c3-style";
const CSS = `
.lenet5-c3-wrap { container-type: inline-size; max-width: 640px; }
.lenet5-c3-grid { display: grid; grid-template-columns: 2.2em repeat(${C3_MAPS}, minmax(0, 1fr)); gap: 2px; }
.lenet5-c3-grid > * { grid-row: var(--r); grid-column: var(--c); }
.lenet5-c3-grid .head { font-size: 12px; font-weight: 600; }
.lenet5-c3-grid .head.col { text-align: center; align-self: end; }
.lenet5-c3-grid .head.row { text-align: right; padding-right: 4px; align-self: center; }
.lenet5-c3-grid button.cell { padding: 0; min-width: 0; width: 100%; aspect-ratio: 1 / 1; border-radius: 3px;
  font-size: 12px; line-height: 1; font-weight: 700; }
.lenet5-c3-grid button.cell[data-kind="trained"] { background: #1f4e79; border: 1px solid #1f4e79; color: #fff; }
.lenet5-c3-grid button.cell[data-kind="new"] { background: #fdae6b; border: 1px solid #8c4a00; color: #1a1a1a; }
.lenet5-c3-grid button.cell[data-kind="removed"] { background: #fff; border: 2px dashed #1f4e79; }
.lenet5-c3-grid button.cell[data-kind="off"] { background: #f4f4f4; border: 1px solid #9a9a9a; }
.lenet5-c3-grid button.cell:focus-visible { outline: 3px solid #000; outline-offset: 1px; }
.lenet5-c3-narrow { display: none; }
@container (max-width: ${NARROW}px) {
  .lenet5-c3-grid { grid-template-columns: 3.2em repeat(${S2_MAPS}, minmax(0, 1fr)); }
  .lenet5-c3-grid > * { grid-row: var(--c); grid-column: var(--r); }
  .lenet5-c3-grid .head.col { text-align: right; padding-right: 4px; align-self: center; }
  .lenet5-c3-grid .head.row { text-align: center; padding-right: 0; align-self: end; }
  .lenet5-c3-grid button.cell { aspect-ratio: auto; height: 28px; }
  .lenet5-c3-wide { display: none; }
  .lenet5-c3-narrow { display: inline; }
}
.lenet5-c3-presets { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 8px 0; }
.lenet5-c3-maps { display: grid; gap: 6px; margin: 4px 0 8px 0; }
.lenet5-c3-maps.s2 { grid-template-columns: repeat(auto-fill, minmax(min(30%, 60px), 1fr)); max-width: 600px; }
.lenet5-c3-maps.c3 { grid-template-columns: repeat(auto-fill, minmax(min(22%, 70px), 1fr)); max-width: 640px; }
.lenet5-c3-map { padding: 2px; border: 2px solid transparent; border-radius: 4px; min-width: 0; }
.lenet5-c3-map[data-changed="true"] { border-color: #a4001d; }
.lenet5-c3-map canvas { width: 100%; height: auto; }
.lenet5-c3-caption { font-size: 12px; line-height: 1.25; }
.lenet5-c3-digit { flex: 0 0 auto; width: 112px; }
.lenet5-c3-digit canvas { width: 112px; height: 112px; }
.lenet5-c3-bar { display: inline-block; width: 90px; height: 12px; vertical-align: -1px; border: 1px solid #888;
  margin: 0 4px; }
.lenet5-c3 h4 { font-size: 14px; margin: 10px 0 2px 0; }
.lenet5-c3 ul { margin: 0 0 6px 0; padding-left: 1.2em; }
`;

const count = (table) => table.reduce((n, inputs) => n + inputs.length, 0);
const parameters = (table) => table.reduce((n, inputs) => n + TAPS * inputs.length + 1, 0);
const thousands = (n) => n.toLocaleString("en-GB");
const sameTable = (a, b) => a.length === b.length
  && a.every((inputs, o) => inputs.length === b[o].length && inputs.every((i, k) => i === b[o][k]));

/** A CSS gradient of a colour table, for the legend. */
const gradient = (table) => `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => {
  const [r, g, b] = table[Math.round(t * (table.length - 1))];
  return `rgb(${r},${g},${b}) ${t * 100}%`;
}).join(", ")})`;

/* The C3 weights for `table`: each pair of Table I (`layout`, the order of the trained kernel)
 * keeps its trained 5x5 kernel, each pair outside it gets zeros. Pairs run in the new table's order. */
function rewiredC3(trained, layout, table) {
  const position = layout.map(() => new Map());
  let n = 0;
  layout.forEach((inputs, o) => inputs.forEach((i) => position[o].set(i, n++)));
  const trainedPairs = n;
  const pairs = count(table);
  const kernel = new Float32Array(TAPS * pairs);
  let p = 0;
  table.forEach((inputs, o) => inputs.forEach((i) => {
    const k = o < layout.length ? position[o].get(i) : undefined;
    if (k !== undefined) for (let tap = 0; tap < TAPS; tap++) kernel[tap * pairs + p] = trained.kernel[tap * trainedPairs + k];
    p++;
  }));
  return {kernel, bias: trained.bias};
}

function render({model, el}) {
  const {element, fixed} = live;
  const cleanups = [];
  live.addStyle(STYLE_ID, CSS);
  el.classList.add("lenet5-c3");
  const paperTable = model.get("paper_table");
  const inPaper = (i, o) => paperTable[o].includes(i);

  // The presets, "Restore Table I" first.
  const presetBar = element("div", {className: "lenet5-c3-presets", role: "group", "aria-label": "Preset tables"});
  (model.get("presets") || []).forEach(([label, table]) => {
    const isPaper = sameTable(table, paperTable);
    const button = element("button", {type: "button", "data-preset": label,
                                      text: isPaper ? "Restore Table I" : `Set: ${label}`});
    button.addEventListener("click", () => setTable(table.map((inputs) => inputs.slice())));
    presetBar.append(button);
  });

  // The grid: a header per C3 map (columns) and per S2 map (rows), and a button per pair.
  const grid = element("div", {className: "lenet5-c3-grid", role: "group",
                               "aria-label": "Connections of C3: one toggle button per S2 map and C3 map"});
  const cells = [];
  for (let o = 0; o < C3_MAPS; o++) {
    grid.append(element("div", {className: "head col", style: `--r:1;--c:${o + 2}`, "aria-hidden": "true",
                                text: String(o)}));
  }
  for (let i = 0; i < S2_MAPS; i++) {
    grid.append(element("div", {className: "head row", style: `--r:${i + 2};--c:1`, "aria-hidden": "true",
                                text: String(i)}));
    cells.push([]);
    for (let o = 0; o < C3_MAPS; o++) {
      const cell = element("button", {type: "button", className: "cell", style: `--r:${i + 2};--c:${o + 2}`,
                                      "aria-label": `S2 map ${i} → C3 map ${o}`, "aria-pressed": "false",
                                      "data-s2": i, "data-c3": o});
      cell.addEventListener("click", () => toggle(i, o));
      cell.addEventListener("keydown", (event) => moveFocus(event, i, o));
      cells[i].push(cell);
      grid.append(cell);
    }
  }
  const axes = element("p", {className: "lenet5-live-legend"}, [
    element("span", {className: "lenet5-c3-wide", text: "Columns: C3 maps 0–15; rows: S2 maps 0–5."}),
    element("span", {className: "lenet5-c3-narrow", text: "Rows: C3 maps 0–15; columns: S2 maps 0–5."}),
    " Press a button to add or remove that connection; the arrow keys move between buttons."]);
  const gridLegend = element("p", {className: "lenet5-live-legend", "aria-hidden": "true"});
  [["#1f4e79", "solid", "connected, trained kernel"], ["#fdae6b", "solid", "connected, new: zero kernel (0)"],
   ["#ffffff", "dashed", "Table I connection switched off"], ["#f4f4f4", "solid", "not connected"]]
    .forEach(([colour, line, name]) => gridLegend.append(element("span", {className: "item"}, [
      element("span", {className: "swatch", style: `background:${colour};border:${line === "dashed" ? "2px dashed #1f4e79" : "1px solid #888"}`}),
      name]), " "));
  const wrap = element("div", {className: "lenet5-c3-wrap"}, [axes, grid, gridLegend]);

  const status = element("p", {className: "lenet5-live-big", "data-role": "status"});
  const counts = element("p", {"data-role": "counts"});
  const remarks = element("ul", {"data-role": "remarks"});
  const text = element("div", {"aria-live": "polite"}, [status, counts, remarks]);

  // The digit and its maps.
  const controlBox = element("div", {className: "lenet5-live-controls"});
  const problem = element("p", {className: "lenet5-live-problem", "data-role": "problem"});
  const digitCanvas = live.mapCanvas(32, 32, {"data-role": "digit", role: "img"});
  const prediction = element("p", {"data-role": "prediction"});
  const s2Maps = element("div", {className: "lenet5-c3-maps s2"});
  const c3Maps = element("div", {className: "lenet5-c3-maps c3"});
  const s2Canvases = [];
  const c3Canvases = [];
  const c3Figures = [];
  const c3Captions = [];
  for (let i = 0; i < S2_MAPS; i++) {
    s2Canvases.push(live.mapCanvas(14, 14, {"data-role": `s2-${i}`, role: "img", "aria-label": `S2 map ${i}`}));
    s2Maps.append(element("div", {className: "lenet5-c3-map"}, [s2Canvases[i],
                                  element("div", {className: "lenet5-c3-caption", text: `S2 ${i}`})]));
  }
  for (let o = 0; o < C3_MAPS; o++) {
    c3Canvases.push(live.mapCanvas(10, 10, {"data-role": `c3-${o}`, role: "img"}));
    c3Captions.push(element("div", {className: "lenet5-c3-caption"}));
    c3Figures.push(element("div", {className: "lenet5-c3-map", "data-c3": o}, [c3Canvases[o], c3Captions[o]]));
    c3Maps.append(c3Figures[o]);
  }
  const mapLegend = element("p", {className: "lenet5-live-legend", "data-role": "map-legend"});
  const mapsBox = element("div", {hidden: true}, [
    controlBox, problem,
    element("div", {className: "lenet5-live-row"}, [
      element("div", {className: "lenet5-c3-digit"}, [digitCanvas]),
      element("div", {className: "lenet5-live-text"}, [
        prediction, element("h4", {text: "Input: the 6 maps of S2"}), s2Maps])]),
    element("h4", {text: "The 16 maps of C3 with this table"}), c3Maps, mapLegend]);
  el.append(presetBar, wrap, text, mapsBox);

  const table = () => model.get("table");

  function setTable(next) {
    model.set("table", next);
    model.save_changes();
  }

  function toggle(i, o) {
    const next = table().map((inputs) => inputs.slice());
    next[o] = next[o].includes(i) ? next[o].filter((k) => k !== i) : next[o].concat([i]).sort((a, b) => a - b);
    setTable(next);
  }

  // Arrow keys follow the grid as it is drawn: on its side in a narrow explorer.
  function moveFocus(event, i, o) {
    const steps = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]}[event.key];
    if (!steps) return;
    event.preventDefault();
    const narrow = wrap.clientWidth <= NARROW;
    const [di, dO] = narrow ? [steps[1], steps[0]] : steps;
    const row = Math.min(S2_MAPS - 1, Math.max(0, i + di));
    const column = Math.min(C3_MAPS - 1, Math.max(0, o + dO));
    cells[row][column].focus();
  }

  function drawTable() {
    const now = table();
    for (let i = 0; i < S2_MAPS; i++) {
      for (let o = 0; o < C3_MAPS; o++) {
        const on = now[o].includes(i);
        const kind = on ? (inPaper(i, o) ? "trained" : "new") : (inPaper(i, o) ? "removed" : "off");
        const cell = cells[i][o];
        cell.setAttribute("aria-pressed", String(on));
        cell.dataset.kind = kind;
        cell.textContent = kind === "new" ? "0" : "";
        cell.title = `S2 map ${i} → C3 map ${o}: ${{trained: "connected, with its trained kernel",
          new: "connected, with a zero kernel (never trained)", removed: "a connection of Table I, switched off",
          off: "not connected"}[kind]}`;
      }
    }
    const preset = (model.get("presets") || []).find(([, p]) => sameTable(p, now));
    status.textContent = preset ? (sameTable(now, paperTable) ? "Table I of the paper" : `Preset: ${preset[0]}`)
      : "A table of your own";
    const pairs = count(now);
    const params = parameters(now);
    const paperParams = parameters(paperTable);
    const denseParams = C3_MAPS * (TAPS * S2_MAPS + 1);
    counts.replaceChildren(
      `${pairs} connected pairs of the 96. Trainable parameters: ${pairs} × 25 weights + 16 biases = `,
      element("b", {"data-role": "parameters", text: thousands(params)}),
      `; connections: 100 × ${thousands(params)} = `,
      element("b", {"data-role": "connections", text: thousands(UNITS * params)}),
      `. Table I: ${thousands(paperParams)} and ${thousands(UNITS * paperParams)}; every pair: `
      + `${thousands(denseParams)} and ${thousands(UNITS * denseParams)}.`);
  }

  /** Remarks on the table, with each empty map's constant output once the bias is known. */
  function listRemarks(biasOutputs) {
    const now = table();
    const items = [];
    now.forEach((inputs, o) => {
      if (inputs.length) return;
      const constant = biasOutputs ? `: every unit outputs f(b) = f(${fixed(biasOutputs[o][0])}) = `
        + `${fixed(biasOutputs[o][1])}, whatever the digit` : ", the same for every digit";
      items.push(`C3 map ${o} has no inputs; only its bias is left${constant}.`);
    });
    const seen = new Map();
    now.forEach((inputs, o) => {
      const key = inputs.join(",");
      if (inputs.length && seen.has(key)) {
        items.push(`C3 maps ${seen.get(key)} and ${o} read the same S2 maps: in a network trained with this table, `
                   + "only their random starting weights would tell them apart.");
      }
      if (!seen.has(key)) seen.set(key, o);
    });
    const added = now.reduce((n, inputs, o) => n + inputs.filter((i) => !inPaper(i, o)).length, 0);
    const removed = paperTable.reduce((n, inputs, o) => n + inputs.filter((i) => !now[o].includes(i)).length, 0);
    if (added) {
      items.push(`${added} connection${added === 1 ? " is" : "s are"} not in Table I: never trained, `
                 + `${added === 1 ? "it has a kernel" : "they have kernels"} of zeros here, so `
                 + `${added === 1 ? "it adds" : "they add"} to the counts but do not change any map.`);
    }
    if (removed) {
      items.push(`${removed} connection${removed === 1 ? "" : "s"} of Table I switched off: `
                 + `${removed === 1 ? "its trained kernel is" : "their trained kernels are"} left out of the maps `
                 + "framed in red.");
    }
    remarks.replaceChildren(...items.map((item) => element("li", {text: item})));
  }

  let data = null;
  let paperNet = null;
  let limit = 1;
  let base = null; // {index, pixels, out, digit} of the current digit with Table I
  let digitControl = null;

  function drawMaps() {
    if (!data) return;
    const index = model.get("index");
    if (!base || base.index !== index) {
      const pixels = data.digits.image(index);
      const out = paperNet.forward(pixels);
      base = {index, pixels, out, digit: paperNet.predict(pixels)};
      live.paint(digitCanvas, out.input, {table: data.style.ink, low: data.paper.background, high: data.paper.ink});
      for (let i = 0; i < S2_MAPS; i++) {
        live.paint(s2Canvases[i], out.S2, {table: data.style.signed, low: -limit, high: limit, channels: S2_MAPS,
                                           channel: i});
      }
    }
    const now = table();
    const weights = Object.assign({}, data.weights, {C3: rewiredC3(data.weights.C3, data.paper.c3_table, now)});
    const net = data.network(weights, Object.assign({}, data.paper, {c3_table: now}));
    const out = net.forward(base.pixels);
    let read = 0;
    for (let d = 1; d < 10; d++) if (out.output[d] < out.output[read]) read = d;
    const label = data.digits.labels[index];
    digitCanvas.setAttribute("aria-label", `Test digit ${index}, a ${label}, as the network's 32 by 32 input`);
    prediction.replaceChildren(`Test digit ${index} is a ${label}. With this table the network, trained with Table I, `
      + "reads it as ", element("b", {"data-role": "read", text: String(read)}),
      read === base.digit ? "." : `; with Table I it reads ${base.digit}.`);
    const biasOutputs = [];
    for (let o = 0; o < C3_MAPS; o++) {
      const bias = data.weights.C3.bias[o];
      biasOutputs.push([bias, data.squash(bias)]);
      live.paint(c3Canvases[o], out.C3, {table: data.style.signed, low: -limit, high: limit, channels: C3_MAPS,
                                         channel: o});
      const lost = paperTable[o].filter((i) => !now[o].includes(i)).length;
      const what = !now[o].length ? "no inputs: bias only" : lost ? "changed" : "";
      c3Figures[o].dataset.changed = String(lost > 0);
      c3Captions[o].textContent = what ? `C3 ${o} · ${what}` : `C3 ${o}`;
      c3Canvases[o].setAttribute("aria-label", `C3 map ${o}, reading S2 maps ${now[o].join(", ") || "none"}`
        + (what ? ` (${what})` : ""));
    }
    listRemarks(biasOutputs);
    const errors = digitControl.error;
    el.dataset.state = errors ? "invalid" : "ok";
    problem.textContent = errors ? `${errors} The maps show test digit ${index} until then.` : "";
  }

  function redraw() {
    drawTable();
    if (data) drawMaps();
    else listRemarks(null);
  }

  live.listen(model, "change:table", redraw, cleanups);
  redraw();
  // The table and its counts work while the network loads, and without it; "status" is the table's.
  live.withNetwork({model, el, cleanups, role: "loading"}, (loaded) => {
    data = loaded;
    paperNet = data.network();
    limit = data.style.activation_limit;
    digitControl = live.digitControl({model, data, onStatus: drawMaps, cleanups});
    controlBox.append(digitControl.element);
    mapLegend.replaceChildren(`Maps on the fixed range of the squashing function, ±${limit}:`,
      element("span", {className: "lenet5-c3-bar", style: `background:${gradient(data.style.signed)}`}),
      "blue negative, white 0, red positive. The digit on the input range, from "
      + `${fixed(data.paper.background)} (white) to ${fixed(data.paper.ink)} (black).`);
    mapsBox.hidden = false;
    live.listen(model, "change:index", drawMaps, cleanups);
    drawMaps();
  });
  return () => cleanups.forEach((undo) => undo());
}
