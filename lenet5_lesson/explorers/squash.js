/* The squashing-function explorer (squash.py): f(a) = A tanh(S a), with A and S from the model,
 * f(1) and f(-1) marked, beside the paper's curve (the model's paper_amplitude and paper_slope).
 * The explorer's only implementation; live.js is in scope.
 */

const LIMIT = 4; // the plot shows a from -LIMIT to LIMIT
const MAX_FACTOR = 10; // as squash.py's MAX_FACTOR
const POINTS = 161;
const WIDTH = 440;
const HEIGHT = 300;
const MARGIN = {left: 44, right: 14, top: 12, bottom: 36};
const CURVE_COLOUR = "#08519c";
const PAPER_COLOUR = "#6e6e6e";

function render({model, el}) {
  const {element, fixed} = live;
  const cleanups = [];
  const controlBox = element("div", {className: "lenet5-live-controls"});
  const redraw = () => draw();
  const controls = {
    amplitude: live.numberControl({model, name: "amplitude", label: "amplitude A", integer: false, above: 0,
                                   high: MAX_FACTOR, slider: [0.1, 3, 0.01], digits: 4, onStatus: redraw, cleanups}),
    slope: live.numberControl({model, name: "slope", label: "slope S", integer: false, above: 0,
                               high: MAX_FACTOR, slider: [0.05, 3, 0.01], digits: 4, onStatus: redraw, cleanups}),
  };
  controlBox.append(controls.amplitude.element, controls.slope.element);
  const paperButton = element("button", {type: "button"});
  paperButton.addEventListener("click", () => {
    model.set({amplitude: model.get("paper_amplitude"), slope: model.get("paper_slope")});
    model.save_changes();
  });

  // The plot: built once, its curve and marks moved on every redraw.
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (a) => MARGIN.left + ((a + LIMIT) / (2 * LIMIT)) * plotW;
  let top = 3;
  const sy = (y) => MARGIN.top + ((top - y) / (2 * top)) * plotH;
  const svg = element("svg", {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "data-role": "plot"});
  const axes = element("g");
  const paperCurve = element("polyline", {fill: "none", stroke: PAPER_COLOUR, "stroke-width": 1.5,
                                          "stroke-dasharray": "5 4"});
  const curve = element("polyline", {fill: "none", stroke: CURVE_COLOUR, "stroke-width": 3, "data-role": "curve"});
  const marks = [-1, 1].map((a) => ({
    a,
    dot: element("circle", {r: 5, fill: "#000000", "data-role": `mark-${a > 0 ? "plus" : "minus"}`}),
    label: element("text", {"font-size": 13, fill: "#1a1a1a"}),
  }));
  svg.append(axes, paperCurve, curve, ...marks.flatMap((m) => [m.dot, m.label]));

  const fOfOne = element("p", {className: "lenet5-live-big", "data-role": "f-of-one"});
  const fOfMinusOne = element("p", {"data-role": "f-of-minus-one"});
  const verdict = element("p", {"data-role": "verdict"});
  const problem = element("p", {className: "lenet5-live-problem", "data-role": "problem"});
  const facts = element("p", {"data-role": "facts"});
  const legend = element("p", {className: "lenet5-live-legend"}, [
    element("span", {style: `color:${CURVE_COLOUR};font-weight:700`, text: "━ "}), "f(a) = A tanh(S a)",
    element("span", {style: `color:${PAPER_COLOUR};margin-left:12px`, text: "╌ "}), "the paper's f",
    element("span", {style: "color:#595959;margin-left:12px", text: "┄ "}), "f = ±1"]);
  const figure = element("div", {className: "lenet5-live-figure"}, [svg, legend]);
  const text = element("div", {className: "lenet5-live-text", "aria-live": "polite"},
                       [fOfOne, fOfMinusOne, verdict, problem, facts, element("p", {}, [paperButton])]);
  el.append(controlBox, element("div", {className: "lenet5-live-row"}, [text, figure]));

  const points = (A, S) => Array.from({length: POINTS}, (_, i) => {
    const a = -LIMIT + (2 * LIMIT * i) / (POINTS - 1);
    return `${sx(a).toFixed(1)},${sy(A * Math.tanh(S * a)).toFixed(1)}`;
  }).join(" ");

  function drawAxes() {
    const ticks = top <= 5 ? 1 : Math.ceil(top / 4);
    const parts = [element("rect", {x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, fill: "#ffffff",
                                    stroke: "#8c8c8c"})];
    for (let y = -Math.floor(top / ticks) * ticks; y <= top; y += ticks) {
      parts.push(element("line", {x1: MARGIN.left, x2: MARGIN.left + plotW, y1: sy(y), y2: sy(y),
                                  stroke: y === 0 ? "#8c8c8c" : "#e6e6e6"}),
                 element("text", {x: MARGIN.left - 6, y: sy(y) + 4, "text-anchor": "end", "font-size": 12,
                                  fill: "#1a1a1a", text: fixed(y, 0)}));
    }
    for (let a = -LIMIT; a <= LIMIT; a++) {
      parts.push(element("line", {x1: sx(a), x2: sx(a), y1: MARGIN.top, y2: MARGIN.top + plotH,
                                  stroke: a === 0 ? "#8c8c8c" : "#e6e6e6"}),
                 element("text", {x: sx(a), y: MARGIN.top + plotH + 16, "text-anchor": "middle", "font-size": 12,
                                  fill: "#1a1a1a", text: fixed(a, 0)}));
    }
    for (const level of [-1, 1]) {
      parts.push(element("line", {x1: MARGIN.left, x2: MARGIN.left + plotW, y1: sy(level), y2: sy(level),
                                  stroke: "#595959", "stroke-dasharray": "2 3"}));
    }
    parts.push(element("text", {x: MARGIN.left + plotW, y: HEIGHT - 4, "text-anchor": "end", "font-size": 13,
                                fill: "#1a1a1a", text: "a"}),
               element("text", {x: 4, y: MARGIN.top + 10, "font-size": 13, fill: "#1a1a1a", text: "f(a)"}));
    axes.replaceChildren(...parts);
  }

  let drawnTop = null;
  function draw() {
    const paperA = model.get("paper_amplitude");
    const paperS = model.get("paper_slope");
    paperButton.textContent = `Paper's values (A = ${paperA}, S = ${Math.abs(paperS - 2 / 3) < 1e-12 ? "2/3" : paperS})`;
    const errors = [controls.amplitude.error, controls.slope.error].filter(Boolean);
    if (errors.length) {
      el.dataset.state = "invalid";
      problem.textContent = errors.join(" ");
      fOfOne.textContent = "f(1) = A · tanh(S)";
      fOfMinusOne.textContent = verdict.textContent = facts.textContent = "";
      figure.hidden = true;
      return;
    }
    el.dataset.state = "ok";
    problem.textContent = "";
    figure.hidden = false;
    const A = model.get("amplitude");
    const S = model.get("slope");
    top = Math.max(3, Math.ceil(Math.max(A, paperA) * 1.15));
    if (top !== drawnTop) {
      drawAxes();
      drawnTop = top;
      paperCurve.setAttribute("points", points(paperA, paperS));
    }
    curve.setAttribute("points", points(A, S));
    for (const mark of marks) {
      const y = A * Math.tanh(S * mark.a);
      mark.dot.setAttribute("cx", sx(mark.a));
      mark.dot.setAttribute("cy", sy(y));
      mark.label.setAttribute("x", sx(mark.a) + (mark.a > 0 ? 10 : -10));
      mark.label.setAttribute("y", sy(y) + (mark.a > 0 ? 18 : -10));
      mark.label.setAttribute("text-anchor", mark.a > 0 ? "start" : "end");
      mark.label.textContent = `f(${mark.a > 0 ? "1" : "−1"}) = ${fixed(y)}`;
    }
    const one = A * Math.tanh(S);
    fOfOne.replaceChildren(`f(1) = A · tanh(S) = ${fixed(A)} · tanh(${fixed(S)}) = `, element("b", {text: fixed(one)}));
    fOfMinusOne.textContent = `f(−1) = −f(1) = ${fixed(-one)}`;
    const miss = one - 1;
    verdict.textContent = Math.abs(miss) < 5e-5
      ? "f(1) = 1 and f(−1) = −1: the targets ±1 sit where the curve still bends, as the paper chose."
      : `f(1) is ${fixed(Math.abs(miss))} ${miss > 0 ? "above" : "below"} 1; the paper's A and S put it on 1 exactly.`;
    facts.textContent = `Outputs stay between −A and A (±${fixed(A)}); the slope at a = 0 is A·S = ${fixed(A * S)}.`;
    svg.setAttribute("aria-label", `Curve of f(a) = ${fixed(A)} tanh(${fixed(S)} a) for a from −4 to 4, with `
      + `f(1) = ${fixed(one)} and f(−1) = ${fixed(-one)} marked, beside the paper's curve and the lines f = ±1.`);
  }

  live.listen(model, "change", redraw, cleanups);
  draw();
  return () => cleanups.forEach((undo) => undo());
}
