/* The RBF viewer (rbf.py): a test digit's F6 output drawn as a 7x12 bitmap, the ten output centres,
 * the ten penalties y_i = sum_j (x_j - w_ij)^2 as bars, and pixel by pixel the squared difference
 * between F6 and the bitmap of one class (the model's `compare`, null for the answer).
 * The explorer's only implementation; live.js and engine.js are in scope.
 *
 * The penalties are computed here from F6 and weights.output.centres, the sum of squares as the
 * formula writes it, not taken from the engine's output layer (which expands the square as
 * Keras does); the tests compare the two.
 */

const CLASSES = 10;
const WIDTH = 7; // the bitmaps' layout, as lenet5_lesson.bitmaps: 12 rows of 7, row by row
const HEIGHT = 12;
const ANSWER_COLOUR = "#c0392b"; // the winner's colour of figures/rbf.py's penalties figure
const BAR_COLOUR = "#1f4e79";
const CHART = {width: 440, height: 220, left: 12, right: 12, top: 22, bottom: 50};

/** A whole number as subscript digits: y₂. */
const sub = (n) => String(n).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[d]);

/** y_i = sum_j (x_j - w_ij)^2 for the ten centres, in double precision. */
function penalties(f6, centres) {
  const out = new Float64Array(CLASSES);
  for (let i = 0; i < CLASSES; i++) {
    let sum = 0;
    for (let j = 0; j < f6.length; j++) {
      const d = f6[j] - centres[i * f6.length + j];
      sum += d * d;
    }
    out[i] = sum;
  }
  return out;
}

function smallest(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

function render({model, el}) {
  const {element, fixed} = live;
  const cleanups = [];
  live.withNetwork({model, el, cleanups}, build);

  function build(data) {
    const net = data.network();
    const centres = data.weights.output.centres;
    const limit = data.style.activation_limit;
    // The largest squared difference F6 can reach against a ±1 pixel: (limit + 1)^2.
    const worst = (limit + 1) ** 2;

    const digit = live.digitControl({model, data, onStatus: () => draw(), cleanups});
    const compareId = live.uid("compare");
    const compare = element("select", {id: compareId});
    const compareRow = element("div", {className: "lenet5-live-control", "data-control": "compare"}, [
      element("label", {for: compareId, text: "compare with"}), compare]);
    compare.style.gridColumn = "2 / -1";
    const choose = (value) => {
      model.set("compare", value);
      model.save_changes();
    };
    compare.append(element("option", {value: ""}),
                   ...Array.from({length: CLASSES}, (_, i) => element("option", {value: i, text: `digit ${i}`})));
    compare.addEventListener("change", () => choose(compare.value === "" ? null : Number(compare.value)));

    // Plain elements, not figure/figcaption, which the book's theme styles as its own figures.
    const captions = {};
    const card = (canvas, caption, role, width) => {
      canvas.style.cssText = `width:100%;max-width:${width}px`;
      canvas.setAttribute("role", "img");
      canvas.dataset.role = role;
      captions[role] = element("span", {style: "display:block;font-size:13px", "data-role": `${role}-caption`,
                                        text: caption});
      return element("div", {style: "flex:0 1 84px;min-width:0"}, [canvas, captions[role]]);
    };
    const input = live.mapCanvas(32, 32); // the padded input of C1, as engine.js's forward gives it
    const f6Map = live.mapCanvas(HEIGHT, WIDTH);
    const centreMap = live.mapCanvas(HEIGHT, WIDTH);
    const differenceMap = live.mapCanvas(HEIGHT, WIDTH);
    const pictures = element("div", {className: "lenet5-live-row", style: "gap:10px 8px;flex-wrap:nowrap"}, [
      card(input, "", "input", 80), card(f6Map, "F6 output x", "f6", 56), card(centreMap, "", "centre", 56),
      card(differenceMap, "", "difference", 56)]);

    const verdict = element("p", {className: "lenet5-live-big", "data-role": "verdict"});
    const sum = element("p", {className: "lenet5-live-formula", "data-role": "sum"});
    const details = element("p", {"data-role": "details"});
    const problem = element("p", {className: "lenet5-live-problem", "data-role": "problem"});
    const text = element("div", {className: "lenet5-live-text", "aria-live": "polite"},
                         [verdict, problem, sum, details]);

    // The ten centres, each a button that compares F6 with it: one row of ten, or two of five on a phone.
    const halves = [0, 1].map(() => element("div", {style: "display:grid;grid-template-columns:repeat(5,minmax(0,1fr));"
                                                       + "gap:6px;flex:1 1 260px;max-width:330px"}));
    const bitmaps = element("div", {"data-role": "bitmaps", role: "group", "aria-label": "the ten output centres",
                                    style: "display:flex;flex-wrap:wrap;gap:6px;margin:10px 0"}, halves);
    const buttons = Array.from({length: CLASSES}, (_, i) => {
      const canvas = live.mapCanvas(HEIGHT, WIDTH, {"aria-hidden": "true"});
      canvas.style.cssText = "width:35px;margin:0 auto 2px";
      live.paint(canvas, centres.subarray(i * WIDTH * HEIGHT, (i + 1) * WIDTH * HEIGHT),
                 {table: data.style.signed, low: -limit, high: limit});
      const caption = element("span", {style: "display:block;font-size:12px;white-space:nowrap"});
      const button = element("button", {type: "button", "data-class": i, style: "padding:4px 2px;min-width:0"},
                             [canvas, caption]);
      button.addEventListener("click", () => choose(i));
      halves[Math.floor(i / 5)].append(button);
      return {button, caption};
    });

    // The bars: built once, their heights and colours set on every redraw.
    const plotW = CHART.width - CHART.left - CHART.right;
    const plotH = CHART.height - CHART.top - CHART.bottom;
    const slot = plotW / CLASSES;
    const chart = element("svg", {viewBox: `0 0 ${CHART.width} ${CHART.height}`, role: "img", "data-role": "bars",
                                  style: "display:block;width:100%;max-width:440px;height:auto;"
                                    + "touch-action:manipulation"});
    const bars = Array.from({length: CLASSES}, (_, i) => {
      const x = CHART.left + i * slot;
      const hit = element("rect", {x, y: CHART.top, width: slot, height: plotH, fill: "transparent"});
      const bar = element("rect", {x: x + slot * 0.15, width: slot * 0.7, "data-class": i});
      const value = element("text", {x: x + slot / 2, "text-anchor": "middle", "font-size": 12, fill: "#1a1a1a"});
      const name = element("text", {x: x + slot / 2, y: CHART.top + plotH + 16, "text-anchor": "middle",
                                    "font-size": 13, fill: "#1a1a1a", text: String(i)});
      const note = element("text", {x: x + slot / 2, y: CHART.top + plotH + 31, "text-anchor": "middle",
                                    "font-size": 11});
      const note2 = element("text", {x: x + slot / 2, y: CHART.top + plotH + 44, "text-anchor": "middle",
                                     "font-size": 11, fill: "#1a1a1a"});
      const group = element("g", {style: "cursor:pointer"}, [hit, bar, value, name, note, note2]);
      group.addEventListener("click", () => choose(i));
      chart.append(group);
      return {bar, value, name, note, note2};
    });
    chart.append(element("line", {x1: CHART.left, x2: CHART.left + plotW, y1: CHART.top + plotH,
                                  y2: CHART.top + plotH, stroke: "#8c8c8c"}));
    const legend = element("p", {className: "lenet5-live-legend"}, [
      `x and the centres: blue −${fixed(limit, 4)} … white 0 … red +${fixed(limit, 4)}`,
      "; the squared difference: white 0 … red ", fixed(worst, 2), " = (", fixed(limit, 4),
      " + 1)²; the digit: ink from background (", fixed(data.paper.background, 1), ") to ink (",
      fixed(data.paper.ink, 3), "). Click a bitmap or a bar to compare F6 with it."]);
    const chartTitle = element("p", {style: "font-weight:600;margin-top:4px", text: "The ten penalties yᵢ"});
    const figures = element("div", {}, [pictures, bitmaps, chartTitle, chart, legend]);

    const controlBox = element("div", {className: "lenet5-live-controls"}, [digit.element, compareRow]);
    el.replaceChildren(controlBox, element("div", {className: "lenet5-live-row"}, [text]), figures);

    let computed = null;
    function outputs(index) {
      if (!computed || computed.index !== index) {
        const {input: padded, F6} = net.forward(data.digits.image(index));
        const y = penalties(F6, centres);
        computed = {index, padded, f6: F6, y, answer: smallest(y)};
      }
      return computed;
    }

    function draw() {
      if (digit.error) {
        el.dataset.state = "invalid";
        problem.textContent = digit.error;
        verdict.textContent = "No digit chosen.";
        sum.textContent = details.textContent = "";
        figures.hidden = true;
        return;
      }
      el.dataset.state = "ok";
      problem.textContent = "";
      figures.hidden = false;
      const index = model.get("index");
      const label = data.digits.labels[index];
      const {padded, f6, y, answer} = outputs(index);
      const chosen = model.get("compare");
      const c = chosen === null || chosen === undefined ? answer : chosen;

      compare.options[0].textContent = `the answer (${answer})`;
      compare.value = chosen === null || chosen === undefined ? "" : String(chosen);

      live.paint(f6Map, f6, {table: data.style.signed, low: -limit, high: limit});
      const centre = centres.subarray(c * f6.length, (c + 1) * f6.length);
      live.paint(centreMap, centre, {table: data.style.signed, low: -limit, high: limit});
      const squared = new Float64Array(f6.length);
      let wrongSign = 0;
      let most = 0;
      for (let j = 0; j < f6.length; j++) {
        squared[j] = (f6[j] - centre[j]) ** 2;
        if (f6[j] * centre[j] < 0) wrongSign++;
        if (squared[j] > squared[most]) most = j;
      }
      live.paint(differenceMap, squared, {table: data.style.signed, low: -worst, high: worst});

      captions.input.textContent = `test digit #${index}, a ${label}`;
      input.setAttribute("aria-label", `Test digit number ${index}, a handwritten ${label}.`);
      live.paint(input, padded, {table: data.style.ink, low: data.paper.background, high: data.paper.ink});
      captions.centre.textContent = `centre w of class ${c}`;
      captions.difference.textContent = `(x − w)², summing to y${sub(c)}`;
      f6Map.setAttribute("aria-label", `F6's 84 outputs for test digit ${index} as a 7 by 12 bitmap.`);
      centreMap.setAttribute("aria-label", `The fixed bitmap of class ${c}, 7 by 12 pixels of +1 and −1.`);
      differenceMap.setAttribute("aria-label", `Squared difference between F6 and the bitmap of class ${c}, pixel `
        + `by pixel; they sum to the penalty ${fixed(y[c], 2)}.`);

      const right = answer === label;
      verdict.replaceChildren(`Label ${label}, answer `, element("b", {text: String(answer)}),
                              element("span", {className: right ? "" : "lenet5-live-problem",
                                               text: right ? " (right)" : " (wrong)"}));
      sum.textContent = `y${sub(c)} = Σⱼ (xⱼ − w${sub(c)}ⱼ)² = ${fixed(y[c], 2)}`;
      const runnerUp = smallest(Array.from(y, (v, i) => (i === answer ? Infinity : v)));
      const row = Math.floor(most / WIDTH);
      details.textContent = (c === answer
        ? `The smallest penalty, so the answer; the next smallest is y${sub(runnerUp)} = ${fixed(y[runnerUp], 2)}. `
        : `${fixed(y[c] - y[answer], 2)} more than the answer's y${sub(answer)} = ${fixed(y[answer], 2)}. `)
        + `F6 has the sign of this bitmap in ${f6.length - wrongSign} of its ${f6.length} pixels; the largest `
        // A well-read digit's differences are all tiny: enough decimals that the largest is not shown as 0.
        + `squared difference, ${fixed(squared[most], squared[most] < 0.1 ? 4 : 2)}, is in row ${row + 1}, column ${most - row * WIDTH + 1}.`;

      buttons.forEach(({button, caption}, i) => {
        button.setAttribute("aria-pressed", i === c ? "true" : "false");
        // The accessible name starts with the visible text, as speech input needs.
        caption.textContent = `${i}: ${fixed(y[i], 1)}`;
        button.setAttribute("aria-label", `${caption.textContent}, penalty of ${i}`
                            + `${i === answer ? ", the answer" : ""}; compare F6 with this bitmap`);
        button.style.outline = i === c ? "3px solid #1a1a1a" : "";
        button.style.borderColor = i === answer ? ANSWER_COLOUR : "";
        caption.style.fontWeight = i === answer ? "700" : "400";
        caption.style.color = i === answer ? ANSWER_COLOUR : "";
      });

      const top = Math.max(...y) * 1.05 || 1;
      bars.forEach(({bar, value, name, note, note2}, i) => {
        const h = (y[i] / top) * plotH;
        bar.setAttribute("y", CHART.top + plotH - h);
        bar.setAttribute("height", Math.max(h, 0.5));
        bar.setAttribute("fill", i === answer ? ANSWER_COLOUR : BAR_COLOUR);
        bar.setAttribute("stroke", i === c ? "#1a1a1a" : "none");
        bar.setAttribute("stroke-width", 3);
        bar.dataset.value = String(y[i]);
        value.setAttribute("y", CHART.top + plotH - h - 5);
        value.textContent = fixed(y[i], 1);
        name.setAttribute("font-weight", i === c ? "700" : "400");
        note.textContent = i === answer ? "answer" : "";
        note.setAttribute("fill", ANSWER_COLOUR);
        note.setAttribute("font-weight", "700");
        note2.textContent = i === label ? "label" : "";
      });
      chart.setAttribute("aria-label", `Bars of the ten penalties: ${Array.from(y, (v, i) => `${i}: ${fixed(v, 1)}`)
        .join(", ")}; the smallest, ${answer}, is the answer and drawn red; the true label is ${label}.`);
    }

    live.listen(model, "change", draw, cleanups);
    draw();
  }

  return () => cleanups.forEach((undo) => undo());
}
