/* The drawing pad (drawing.py): draw a digit with a mouse, finger or pen; the trained LeNet-5 reads
 * it as it is drawn. The explorer's only implementation; live.js, engine.js and network_view.js
 * are in scope.
 *
 * The drawing is fitted as drawing.py's rasterize and to_mnist fit it, step for step (the tests
 * hold the two to each other): every point of a stroke, the strokes made dense to one pixel, stamps
 * a disc of the pen's radius on the 280x280 pad; the ink's bounding box is shrunk, aspect kept,
 * into a 20x20 box by averaging (grey levels at the edges), and placed in 28x28 with its centre of
 * mass at the centre. Python's round() and numpy's rint() round halves to even, and so does this.
 */

/** x rounded to the nearest integer, a half to the even one (Python's round, numpy's rint). */
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** The pad's ink, one byte a pixel, to which strokes are added segment by segment. */
function inkSheet(size, radius) {
  const ink = new Uint8Array(size * size);
  const reach = Math.floor(radius);
  const disc = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) if (dx * dx + dy * dy <= radius * radius) disc.push([dx, dy]);
  }
  function stamp(px, py) {
    const x = roundHalfEven(px);
    const y = roundHalfEven(py);
    if (x < 0 || x >= size || y < 0 || y >= size) return;
    for (const [dx, dy] of disc) {
      const u = x + dx;
      const v = y + dy;
      if (u >= 0 && u < size && v >= 0 && v < size) ink[v * size + u] = 1;
    }
  }
  return {
    ink,
    start: (point) => stamp(point[0], point[1]),
    /** The points numpy's linspace puts between a and b, one pixel apart at most (b included, a not). */
    segment(a, b) {
      const steps = Math.max(Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1])), 1);
      for (let i = 1; i <= steps; i++) {
        const t = i === steps ? 1 : i * (1 / steps);
        stamp(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t);
      }
    },
    clear: () => ink.fill(0),
  };
}

/** drawing.py's to_mnist on 0/1 ink: a Uint8Array of 784, or null when nothing is drawn. */
function toMnist(ink, size, box, field) {
  let top = size;
  let bottom = -1;
  let left = size;
  let right = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!ink[y * size + x]) continue;
      if (y < top) top = y;
      bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  if (bottom < 0) return null;
  const ch = bottom - top + 1;
  const cw = right - left + 1;
  const scale = box / Math.max(ch, cw);
  const h = Math.max(1, roundHalfEven(ch * scale));
  const w = Math.max(1, roundHalfEven(cw * scale));
  // _area_resize: enlarge by a whole factor if needed, then average each target pixel's source block.
  const factor = Math.max(Math.ceil(h / ch), Math.ceil(w / cw), 1);
  const eh = ch * factor;
  const ew = cw * factor;
  const edges = (n, span) => Array.from({length: n + 1}, (_, i) => (i === n ? span : Math.floor((i * span) / n)));
  const rows = edges(h, eh);
  const cols = edges(w, ew);
  const small = new Float64Array(h * w);
  let mass = 0;
  let my = 0;
  let mx = 0;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let sum = 0;
      for (let r = rows[i]; r < rows[i + 1]; r++) {
        const line = (top + Math.floor(r / factor)) * size + left;
        for (let c = cols[j]; c < cols[j + 1]; c++) sum += ink[line + Math.floor(c / factor)];
      }
      const v = sum / ((rows[i + 1] - rows[i]) * (cols[j + 1] - cols[j]));
      small[i * w + j] = v;
      mass += v;
      my += i * v;
      mx += j * v;
    }
  }
  const clip = (v, high) => Math.min(Math.max(v, 0), high);
  const y0 = clip(roundHalfEven(field / 2 - 0.5 - my / mass), field - h);
  const x0 = clip(roundHalfEven(field / 2 - 0.5 - mx / mass), field - w);
  const digit = new Uint8Array(field * field);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) digit[(y0 + i) * field + x0 + j] = clip(roundHalfEven(255 * small[i * w + j]), 255);
  }
  return digit;
}

const EMPTY = "Nothing drawn yet: draw a digit in the box, or load an example.";

function render({model, el}) {
  const {element} = live;
  const cleanups = [];
  live.withNetwork({model, el, cleanups}, build);

  function build(data) {
    const net = data.network();
    const {size, pen_radius: radius, box, field} = model.get("pad");
    const sheet = inkSheet(size, radius);
    const howId = live.uid("how");
    const pad = element("canvas", {width: size, height: size, "data-role": "pad", role: "img",
                                   "aria-label": "Drawing pad", "aria-describedby": howId,
                                   style: `display:block;width:${size}px;max-width:100%;height:auto;touch-action:none;`
                                     + "border:1px solid #6e6e6e;border-radius:3px;background:#fff;cursor:crosshair"});
    const how = element("p", {id: howId, style: "font-size:13px",
                              text: "Draw a digit in the box with the mouse, a finger or a pen; the network reads it "
                                + "as you draw. Or load an example drawing with one of the buttons 0 to 9."});
    const clear = element("button", {type: "button", "data-role": "clear", text: "Clear"});
    const undo = element("button", {type: "button", "data-role": "undo", text: "Undo last stroke"});
    const examples = (model.get("examples") || []).map((_, d) => {
      const button = element("button", {type: "button", "data-example": d, text: String(d),
                                        "aria-label": `Example drawing of a ${d}`});
      button.addEventListener("click", () => save(model.get("examples")[d].map((stroke) => stroke.slice())));
      return button;
    });
    const exampleRow = element("div", {role: "group", "aria-label": "Example drawings",
                                       style: "display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin-top:6px"},
                               [element("span", {text: "Examples:"}), ...examples]);
    const buttons = element("div", {style: "display:flex;gap:8px;margin-top:6px"}, [clear, undo]);
    const drawingSide = element("div", {style: "flex:0 1 280px;min-width:0"}, [pad, buttons, exampleRow, how]);

    const given = networkView.digit(data, "What the network is given: the drawing fitted into 28 × 28",
                                    {size: field, width: 112, role: "digit"});
    const verdict = element("p", {className: "lenet5-live-big", "data-role": "answer", "aria-live": "polite"});
    const penalties = networkView.section(data, "output", false);
    const reading = element("div", {className: "lenet5-live-text"}, [given.element, verdict, penalties.element]);
    const sections = networkView.LAYERS.filter((name) => name !== "output")
      .map((name) => networkView.section(data, name, true));
    const maps = element("div", {"data-role": "maps"}, [...sections.map((s) => s.element), networkView.legend(data)]);
    el.append(element("div", {className: "lenet5-live-row"}, [drawingSide, reading]), maps);

    const context = pad.getContext("2d");
    let strokes = [];
    // The model's strokes the pad shows: a change to another value is a drawing to draw afresh.
    let shown = null;
    let pen = null;

    function line(a, b) {
      context.strokeStyle = "#1a1a1a";
      context.lineWidth = 2 * radius;
      context.lineCap = context.lineJoin = "round";
      context.beginPath();
      context.moveTo(a[0], a[1]);
      context.lineTo(b[0], b[1]);
      context.stroke();
    }

    /** Read the ink as it stands now, and show what the network makes of it. */
    function read() {
      const digit = toMnist(sheet.ink, size, box, field);
      if (digit === null) {
        el.dataset.state = "empty";
        verdict.textContent = EMPTY;
        penalties.element.hidden = maps.hidden = given.element.hidden = true;
        return;
      }
      el.dataset.state = "ok";
      penalties.element.hidden = maps.hidden = given.element.hidden = false;
      given.show(digit, 0, 255);
      const outputs = net.forward(digit);
      verdict.replaceChildren("The network reads it as ", element("b", {text: String(networkView.answer(outputs))}),
                              ".");
      penalties.show(outputs);
      sections.forEach((s) => s.show(outputs));
    }

    /** Draw the model's strokes from scratch (a new drawing, a cleared one, or one Python set). */
    function follow() {
      const current = model.get("strokes") || [];
      if (current === shown) return;
      shown = current;
      strokes = current.map((stroke) => stroke.slice());
      pen = null;
      sheet.clear();
      context.clearRect(0, 0, size, size);
      for (const stroke of strokes) {
        if (!stroke.length) continue;
        sheet.start(stroke[0]);
        line(stroke[0], stroke[0]);
        for (let i = 1; i < stroke.length; i++) {
          sheet.segment(stroke[i - 1], stroke[i]);
          line(stroke[i - 1], stroke[i]);
        }
      }
      read();
    }

    function save(drawing) {
      model.set("strokes", drawing);
      model.save_changes();
      follow();
    }

    /** Where the pointer is, in the pad's own pixels, kept on the pad, to a hundredth. */
    function where(event) {
      const rect = pad.getBoundingClientRect();
      const at = (offset, extent) => Math.round(Math.min(size, Math.max(0, (offset * size) / extent)) * 100) / 100;
      return [at(event.clientX - rect.left, rect.width), at(event.clientY - rect.top, rect.height)];
    }

    pad.addEventListener("pointerdown", (event) => {
      if (pen !== null || (event.pointerType === "mouse" && event.button !== 0)) return;
      event.preventDefault();
      pen = event.pointerId;
      try {
        pad.setPointerCapture(pen); // so that a stroke leaving the pad goes on, along its edge
      } catch (error) {
        // A pointer the browser has not seen (an event a script made) cannot be captured; it draws all the same.
      }
      const point = where(event);
      strokes.push([point]);
      sheet.start(point);
      line(point, point);
      read();
    });
    pad.addEventListener("pointermove", (event) => {
      if (event.pointerId !== pen) return;
      const stroke = strokes[strokes.length - 1];
      // Chromium sends one move per frame: the moves in between come with it, and all are kept.
      const moves = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      for (const move of moves.length ? moves : [event]) {
        const point = where(move);
        const last = stroke[stroke.length - 1];
        if (point[0] === last[0] && point[1] === last[1]) continue;
        stroke.push(point);
        sheet.segment(last, point);
        line(last, point);
      }
      read();
    });
    const lift = (event) => {
      if (event.pointerId !== pen) return;
      pen = null;
      shown = strokes.map((stroke) => stroke.slice());
      model.set("strokes", shown);
      model.save_changes();
    };
    pad.addEventListener("pointerup", lift);
    pad.addEventListener("pointercancel", lift);
    clear.addEventListener("click", () => save([]));
    undo.addEventListener("click", () => save(strokes.slice(0, -1)));

    live.listen(model, "change:strokes", follow, cleanups);
    follow();
  }

  return () => cleanups.forEach((undo) => undo());
}
