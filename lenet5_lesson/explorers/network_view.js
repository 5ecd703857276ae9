/* The picture of the whole network at work on one digit, shared by the feature-map explorer
 * (maps.js) and the drawing pad (drawing.js): `networkView`, in scope of their scripts; live.js
 * and engine.js come before it.
 *
 *   networkView.LAYERS                       -> the layers' names, "C1" to "output"
 *   networkView.section(data, name, compact) -> {element, show(outputs)}: every map of one layer of
 *                                               net.forward's outputs, in a figure with its caption;
 *                                               C5's 120 units as 10 rows of 12, F6's 84 as the 12x7
 *                                               bitmap code, "output" the ten penalties, smallest marked
 *   networkView.digit(data, caption, attrs)  -> {element, show(values, low, high)}: one picture of a digit
 *   networkView.legend(data)                 -> the maps' colour scale, in words and a swatch
 *   networkView.answer(outputs)              -> the digit with the smallest penalty
 *
 * Every map is coloured as the book's figures are: data.style.signed on ±style.activation_limit.
 */
const networkView = (() => {
  "use strict";

  const {element} = live;
  const LAYERS = ["C1", "S2", "C3", "S4", "C5", "F6", "output"];
  // How each layer is drawn: map height, width, how many maps, maps to a row, and CSS pixels per unit
  // (full, compact). A narrow page shrinks the maps rather than break the rows.
  const GRIDS = {
    C1: [28, 28, 6, 6, 3, 2], S2: [14, 14, 6, 6, 6, 4], C3: [10, 10, 16, 8, 6, 4], S4: [5, 5, 16, 8, 10, 7],
    C5: [10, 12, 1, 1, 14, 9], F6: [12, 7, 1, 1, 14, 9],
  };
  const GAP = 3;
  // A book theme centres and greys figure captions; these are labels of the pictures, read as text.
  const CAPTION = "text-align:left;color:inherit;font-style:normal;";
  const CAPTIONS = {
    C1: "C1: 6 maps of 28 × 28", S2: "S2: 6 maps of 14 × 14", C3: "C3: 16 maps of 10 × 10",
    S4: "S4: 16 maps of 5 × 5", C5: "C5: 120 units, as 10 rows of 12",
    F6: "F6: 84 units, as the 12 × 7 picture the output layer compares with its bitmaps",
    output: "Output: the ten penalties; the smallest is the answer",
  };
  const WINNER = "#b2182b";
  const OTHERS = "#9ecae1";

  const answer = (outputs) => {
    let best = 0;
    for (let d = 1; d < 10; d++) if (outputs.output[d] < outputs.output[best]) best = d;
    return best;
  };

  function mapsSection(data, name, compact) {
    const [height, width, count, perRow, full, small] = GRIDS[name];
    const shown = width * (compact ? small : full);
    const limit = data.style.activation_limit;
    const canvases = [];
    const fit = `calc((100% - ${(perRow - 1) * GAP}px) / ${perRow})`;
    for (let m = 0; m < count; m++) {
      canvases.push(live.mapCanvas(height, width, {"data-map": m, "aria-hidden": "true",
                                                   style: `width:min(${shown}px, ${fit});height:auto`}));
    }
    const grid = element("div", {role: "img", "aria-label": `${CAPTIONS[name]}, red positive, blue negative`,
                                 style: `display:flex;flex-wrap:wrap;gap:${GAP}px;`
                                   + `max-width:${perRow * shown + (perRow - 1) * GAP}px`}, canvases);
    return {
      grid,
      show(outputs) {
        const values = outputs[name];
        canvases.forEach((canvas, m) => live.paint(canvas, values, {table: data.style.signed, low: -limit, high: limit,
                                                                    channels: count, channel: m}));
      },
    };
  }

  function penaltiesSection() {
    const rows = [];
    const body = element("tbody");
    for (let d = 0; d < 10; d++) {
      const bar = element("span", {"aria-hidden": "true",
                                   style: "display:inline-block;height:10px;vertical-align:middle;margin-right:6px"});
      const value = element("span");
      const note = element("span");
      const row = element("tr", {"data-digit": d}, [
        element("th", {scope: "row", text: String(d), style: "text-align:right;padding-right:8px"}),
        element("td", {}, [bar, value, note])]);
      rows.push({row, bar, value, note});
      body.append(row);
    }
    const table = element("table", {"data-role": "penalties", style: "border-collapse:collapse;font-size:13px"}, [
      element("thead", {}, [element("tr", {}, [element("th", {scope: "col", text: "digit"}),
                                                element("th", {scope: "col", text: "penalty", style: "text-align:left"})])]),
      body]);
    return {
      grid: table,
      show(outputs) {
        const penalties = outputs.output;
        const best = answer(outputs);
        const top = Math.max(...penalties) || 1;
        rows.forEach(({row, bar, value, note}, d) => {
          const winner = d === best;
          row.dataset.penalty = String(penalties[d]);
          row.style.fontWeight = winner ? "700" : "400";
          bar.style.width = `${Math.max(1, Math.round(110 * penalties[d] / top))}px`;
          bar.style.background = winner ? WINNER : OTHERS;
          value.textContent = penalties[d].toFixed(2);
          note.textContent = winner ? " ← smallest: the answer" : "";
        });
      },
    };
  }

  function section(data, name, compact) {
    const part = name === "output" ? penaltiesSection() : mapsSection(data, name, compact);
    const figure = element("figure", {"data-layer": name, style: "margin:0 0 10px 0;min-width:0"},
                             [element("figcaption", {text: CAPTIONS[name], style: `${CAPTION}font-weight:600;margin-bottom:3px`}),
                              part.grid]);
    return {element: figure, show: part.show};
  }

  function digit(data, caption, attributes) {
    const canvas = live.mapCanvas(attributes.size, attributes.size,
                                  {"data-role": attributes.role, role: "img", "aria-label": caption,
                                   style: `width:${attributes.width}px;height:auto`});
    return {
      element: element("figure", {style: "margin:0"}, [canvas, element("figcaption", {text: caption,
                                                                                       style: `${CAPTION}font-size:13px`})]),
      show(values, low, high) {
        live.paint(canvas, values, {table: data.style.ink, low, high});
      },
    };
  }

  function legend(data) {
    const table = data.style.signed;
    const colour = (i) => `rgb(${table[i].join(",")})`;
    const limit = data.style.activation_limit;
    const swatch = element("span", {"aria-hidden": "true", style: "display:inline-block;width:90px;height:10px;"
      + `vertical-align:middle;margin:0 6px;border:1px solid #888;background:linear-gradient(to right, ${colour(0)}, `
      + `${colour(Math.floor(table.length / 2))}, ${colour(table.length - 1)})`});
    return element("p", {className: "lenet5-live-legend"}, [
      `Maps: −${limit}`, swatch, `+${limit}, blue negative, white zero, red positive (the outputs' whole range).`]);
  }

  return {LAYERS, section, digit, legend, answer};
})();
