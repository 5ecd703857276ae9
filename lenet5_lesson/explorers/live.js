/* What every live explorer shares (see live.py): `live`, in scope of the explorer's own script.
 *
 * live.py puts this file, then the explorer's file (shape.js, squash.js, ...), into one piece of
 * code, and that code runs in two places:
 *   - in a live kernel it is the ES module of an anywidget widget: `model` is the widget's model,
 *     synced with the Python object's traitlets;
 *   - in the static book it is an inline classic script of the widget's text/html face: `model` is
 *     live.staticModel(values), a stand-in holding the traitlets' values written at build time.
 * So neither file may use import, export, fetch or anything outside the page, and neither may
 * contain the characters that end an inline script (a closing script tag, or an HTML comment).
 *
 * An explorer's file defines `function render({ model, el })`, as an anywidget module would
 * (without the export): it reads and writes its data only through
 *   model.get(name), model.set(name, value) or model.set({name: value, ...}), model.save_changes(),
 *   model.on("change:name" or "change", callback), model.off(...)
 * and builds its page inside `el`, which live.start has already made the explorer's root:
 * class "lenet5-live", attribute data-explorer="<name>", the shared styles below. It may return a
 * function that undoes its listeners (anywidget calls it when the view goes away).
 *
 *   live.element(tag, attributes, children) -> a new element (attributes: plain, data-*, aria-*) of the
 *                                              explorer's document; make every element with it, and
 *                                              controls too, so that JupyterLab leaves their keys alone
 *   live.numberControl({...})               -> a labelled slider and text box for one number
 *   live.parseInteger / live.parseNumber    -> {value} or {error}: the rules of lenet5_lesson.checks
 *   live.listen(model, event, callback, cleanups) -> model.on, remembered for the cleanup
 *   live.uid(what)                          -> an id no other element of the page has
 *   live.fixed(x, digits = 4)               -> x with `digits` decimals and a real minus sign, never "−0.00"
 *   live.addStyle(id, css)                  -> the explorer's own CSS, added once to the explorer's document
 *                                              (the shared CSS below already hides any [hidden] element)
 *
 * Explorers that run LeNet-5 (NetworkExplorer in live.py; engine.js is then in scope before the
 * explorer's file, and window.lenet5 exists) also have
 *   live.networkData(model) -> a promise of {lenet5, weights, paper, style, digits, network(weights, paper),
 *                              squash(a), copyWeights()}: the shipped network and the book's test digits
 *                              from the page's _static, or what the Python object holds (its own model or
 *                              digits, or in a live kernel, where there is no _static, everything), sent
 *                              over the widget's comm; rejected with a reader's message if neither comes.
 *                              network() runs these weights and paper, or others given; squash is f(a) of
 *                              this paper (lenet5.squash reads the page's own weights, which a kernel lacks)
 *   live.withNetwork({model, el, cleanups, role}, build) -> says "Loading the trained network…" (data-state
 *                              "loading", a paragraph data-role=role, "status" unless given, appended to el),
 *                              then removes it and calls build(data) unless the view is gone; if no network
 *                              comes, data-state "unavailable" and the reason in that paragraph, in an
 *                              element data-role="problem" (the role of every explorer's problems)
 *   live.digitControl({model, data, onStatus, cleanups}) -> the "test digit" numberControl of `index`
 *   live.mapCanvas(height, width, attributes) -> a canvas of one pixel per unit, drawn crisp at any size
 *   live.paint(canvas, values, {table, low, high, channels, channel}) -> values coloured from a table
 *                              of the book's convention (style.signed or style.ink); NaN painted grey
 */
const live = (() => {
  "use strict";

  const STYLE_ID = "lenet5-live-style";
  // Colours chosen for contrast on white (WCAG AA): text #1a1a1a, problems #a4001d.
  const CSS = `
.lenet5-live { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a;
  background: #fff; border: 1px solid #d0d0d0; border-radius: 6px; padding: 12px; margin: 6px 0;
  max-width: 780px; box-sizing: border-box; text-align: left; }
.lenet5-live *, .lenet5-live *::before, .lenet5-live *::after { box-sizing: border-box; }
/* A class that sets display (or a book theme's rule for figures) would show an element the explorer hid. */
.lenet5-live [hidden] { display: none !important; }
.lenet5-live p { margin: 0 0 6px 0; }
.lenet5-live-controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 320px), 1fr));
  gap: 4px 20px; margin-bottom: 8px; }
.lenet5-live-control { display: grid; grid-template-columns: 7.5em minmax(60px, 1fr) 6.5em;
  align-items: center; gap: 2px 8px; min-width: 0; }
.lenet5-live-control label { font-weight: 600; }
.lenet5-live-control input[type="range"] { width: 100%; min-width: 0; margin: 0; }
.lenet5-live input[type="text"] { width: 100%; font: inherit; padding: 2px 6px; color: #1a1a1a;
  background: #fff; border: 1px solid #6e6e6e; border-radius: 3px; }
.lenet5-live input[aria-invalid="true"] { border: 2px solid #a4001d; }
.lenet5-live-message { grid-column: 1 / -1; color: #a4001d; font-size: 13px; }
.lenet5-live-message:empty { display: none; }
.lenet5-live select, .lenet5-live button { font: inherit; color: #1a1a1a; background: #f4f4f4;
  border: 1px solid #6e6e6e; border-radius: 3px; padding: 2px 8px; max-width: 100%; }
.lenet5-live-row { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
.lenet5-live-figure { flex: 1 1 300px; max-width: 440px; min-width: 0; }
.lenet5-live-figure canvas, .lenet5-live-figure svg { display: block; width: 100%; height: auto; }
.lenet5-live-text { flex: 1 1 260px; min-width: 0; }
.lenet5-live-big { font-size: 18px; }
.lenet5-live-formula { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px;
  overflow-wrap: anywhere; }
.lenet5-live-problem { color: #a4001d; font-weight: 600; }
.lenet5-live-legend { font-size: 13px; margin-top: 6px; }
.lenet5-live-legend > span.item { white-space: nowrap; }
.lenet5-live-legend span.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 10px;
  border: 1px solid #888; vertical-align: -1px; }
.lenet5-live canvas.lenet5-live-map { image-rendering: pixelated; image-rendering: crisp-edges;
  border: 1px solid #8c8c8c; display: block; max-width: 100%; }
`;

  /** The model of a page without a kernel: the same calls as anywidget's, on plain values. */
  function staticModel(values) {
    const state = Object.assign({}, values);
    const listeners = new Map();
    const fire = (event) => (listeners.get(event) || []).slice().forEach((callback) => callback());
    return {
      get: (name) => state[name],
      set(name, value) {
        const changes = typeof name === "object" ? name : {[name]: value};
        const changed = Object.keys(changes).filter((key) => state[key] !== changes[key]);
        changed.forEach((key) => { state[key] = changes[key]; });
        // As Backbone (the widget's model) does: each attribute's event, then one "change".
        changed.forEach((key) => fire(`change:${key}`));
        if (changed.length) fire("change");
      },
      save_changes() {},
      send() {},
      on(event, callback) { listeners.set(event, (listeners.get(event) || []).concat([callback])); },
      off(event, callback) {
        listeners.set(event, (listeners.get(event) || []).filter((c) => callback && c !== callback));
      },
    };
  }

  /* The document the explorer is drawn in. Not always the global `document`: a widget manager
   * may run the module in another frame (thebe does) and hand it an element of the page. */
  let page = typeof document === "undefined" ? null : document;

  /** A style element with this id in the explorer's document, unless one is there: once for all its explorers. */
  function addStyle(id, css) {
    if (page.getElementById(id)) return;
    const style = page.createElement("style");
    style.id = id;
    style.textContent = css;
    page.head.appendChild(style);
  }

  /** Make `el` the explorer's root and draw the explorer in it; what render returns is the cleanup. */
  function start({model, el}, render) {
    page = el.ownerDocument;
    addStyle(STYLE_ID, CSS);
    el.replaceChildren();
    el.classList.add("lenet5-live");
    el.dataset.explorer = EXPLORER; // eslint-disable-line no-undef -- live.py defines it first
    return render({model, el});
  }

  let counter = 0;
  /** An id no other element of the page has, for label/for and aria-describedby. */
  const uid = (what) => `lenet5-${EXPLORER}-${what}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;

  function element(tag, attributes, children) {
    const svg = ["svg", "g", "line", "polyline", "circle", "text", "rect", "path", "title"].includes(tag);
    const node = svg ? page.createElementNS("http://www.w3.org/2000/svg", tag) : page.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.setAttribute("class", value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    // JupyterLab's notebook keeps keys such as the arrows for itself (moving between cells) unless
    // the focused control itself says otherwise.
    if (["input", "select", "button", "textarea"].includes(tag)) node.setAttribute("data-lm-suppress-shortcuts", "true");
    for (const child of children || []) node.append(child);
    return node;
  }

  function listen(model, event, callback, cleanups) {
    model.on(event, callback);
    cleanups.push(() => model.off(event, callback));
  }

  /** Decimals as the book prints them: "−" rather than "-", and a negative number too small to show printed as 0. */
  function fixed(x, digits = 4) {
    const text = x.toFixed(digits);
    return (/^-0\.?0*$/.test(text) ? text.slice(1) : text).replace("-", "−");
  }

  const shown = (text) => (text.length > 12 ? `${text.slice(0, 12)}…` : text);

  /* The rules of lenet5_lesson.checks, for text a reader typed. An integer is parsed as a BigInt
   * so that a long one is neither rounded nor mistaken; `high` is a BigInt or undefined. */
  function parseInteger(text, {name, low, high}) {
    const trimmed = String(text).trim();
    if (trimmed === "") return {error: `Enter a value for ${name}.`};
    if (!/^[+-]?\d+$/.test(trimmed)) {
      return {error: /^[+-]?(\d+\.\d*|\.\d+|\d+)(e[+-]?\d+)?$/i.test(trimmed)
        ? `${name} must be a whole number.` : `${name} must be a whole number, not “${shown(trimmed)}”.`};
    }
    const value = BigInt(trimmed);
    if (value < BigInt(low)) return {error: `${name} must be at least ${low}.`};
    if (high !== undefined && value > BigInt(high)) return {error: `${name} must be at most ${high}.`};
    return {value: Number(value)};
  }

  /** A real number above `above` (excluded) and at most `high`. */
  function parseNumber(text, {name, above, high}) {
    const trimmed = String(text).trim();
    if (trimmed === "") return {error: `Enter a value for ${name}.`};
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) {
      return {error: `${name} must be a number, not “${shown(trimmed)}”.`};
    }
    const value = Number(trimmed);
    if (!(value > above)) return {error: `${name} must be greater than ${above}.`};
    if (!(value <= high)) return {error: `${name} must be at most ${high}.`};
    return {value};
  }

  /* One number of the model: a label, a slider over a handy range and a text box for any allowed
   * value. Both write to the model (once the text is valid) and follow it when it changes. A box
   * that holds an invalid value says why under it and sets `control.error`; `onStatus` is called
   * whenever that changes without the model changing, so the explorer can say so too.
   *   spec: {model, name, label, integer, low | above, high, slider: [min, max, step], digits, onStatus, cleanups} */
  function numberControl(spec) {
    const {model, name, label, integer, slider, onStatus, cleanups} = spec;
    const [min, max, step] = slider;
    const boxId = uid(`${name}-box`);
    const messageId = uid(`${name}-message`);
    const labelNode = element("label", {for: boxId, text: label});
    const range = element("input", {type: "range", min, max, step, "aria-label": `${label}, slider`});
    const box = element("input", {type: "text", id: boxId, inputmode: integer ? "numeric" : "decimal",
                                  autocomplete: "off", spellcheck: "false", "aria-describedby": messageId});
    const message = element("div", {id: messageId, className: "lenet5-live-message", "aria-live": "polite"});
    const row = element("div", {className: "lenet5-live-control", "data-control": name},
                        [labelNode, range, box, message]);
    // Messages name the number as its label does ("input size n must be at least 1.").
    const rules = {name: label, low: spec.low, above: spec.above, high: spec.high};
    const parse = (text) => (integer ? parseInteger(text, rules) : parseNumber(text, rules));
    const format = (value) => (integer ? String(value) : String(Number(value.toFixed(spec.digits || 4))));
    const control = {element: row, range, box, error: null};

    function setError(error) {
      control.error = error;
      message.textContent = error || "";
      if (error) box.setAttribute("aria-invalid", "true");
      else box.removeAttribute("aria-invalid");
    }

    function write(value) {
      const hadError = control.error !== null;
      setError(null);
      if (model.get(name) !== value) {
        model.set(name, value);
        model.save_changes();
      } else if (hadError) {
        onStatus();
      }
    }

    /** Show the model's value, unless the box already says it (a reader may be typing "07"). */
    function follow() {
      const value = model.get(name);
      range.value = String(Math.min(max, Math.max(min, value)));
      const typed = parse(box.value);
      if (typed.error || typed.value !== value) box.value = format(value);
      if (control.error) setError(null);
    }

    box.addEventListener("input", () => {
      const typed = parse(box.value);
      if (typed.error) {
        setError(typed.error);
        onStatus();
      } else {
        range.value = String(Math.min(max, Math.max(min, typed.value)));
        write(typed.value);
      }
    });
    // Up and down arrows step the box as they step the slider.
    box.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
      event.preventDefault();
      const typed = parse(box.value);
      const from = typed.error ? model.get(name) : typed.value;
      const next = Number((from + (event.key === "ArrowUp" ? step : -step)).toFixed(10));
      if (parse(String(next)).error) return;
      box.value = format(next);
      range.value = String(Math.min(max, Math.max(min, next)));
      write(next);
    });
    range.addEventListener("input", () => {
      const value = integer ? Math.round(Number(range.value)) : Number(range.value);
      box.value = format(value);
      write(value);
    });
    listen(model, `change:${name}`, follow, cleanups);
    follow();
    return control;
  }

  /* How long a page without the network in _static waits for the kernel to send it; a live
   * kernel answers within a second, so the wait only ends in a page where no kernel runs. */
  const KERNEL_WAIT_MS = 15000;

  function askKernel(model) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        model.off("msg:custom", answer);
        reject(new Error("The trained network is not on this page and no Python kernel sent it. Open the page "
                         + "from the built book, or run the notebook."));
      }, KERNEL_WAIT_MS);
      function answer(message) {
        if (!message || message.type !== "lenet5-data") return;
        clearTimeout(timer);
        model.off("msg:custom", answer);
        resolve(message);
      }
      model.on("msg:custom", answer);
      model.send({type: "lenet5-data"});
    });
  }

  async function networkData(model) {
    const engine = window.lenet5;
    const own = model.get("lenet5_data") || {};
    const siteReady = engine.isReady && engine.digits;
    let sent = {};
    if (!siteReady || (model.get("own_data") && !own.weights && !own.digits)) sent = await askKernel(model);
    const weightsPayload = own.weights || sent.weights;
    const digitsPayload = own.digits || sent.digits;
    const decoded = weightsPayload ? engine.decodeWeights(weightsPayload)
      : {weights: engine.weights, paper: engine.paper, style: engine.style, info: engine.info};
    const digits = digitsPayload ? engine.decodeDigits(digitsPayload) : engine.digits;
    const copyWeights = () => {
      const copy = {};
      for (const layer of Object.keys(decoded.weights)) {
        copy[layer] = {};
        for (const name of Object.keys(decoded.weights[layer])) copy[layer][name] = decoded.weights[layer][name].slice();
      }
      return copy;
    };
    const {squash_a: A, squash_s: S} = decoded.paper;
    return {lenet5: engine, ...decoded, digits, copyWeights,
            network: (weights, paper) => engine.network(weights || decoded.weights, paper || decoded.paper),
            squash: (a) => A * Math.tanh(S * a)};
  }

  const LOADING = "Loading the trained network…";

  function withNetwork({model, el, cleanups, role = "status"}, build) {
    let gone = false; // the view may go away before the network arrives
    cleanups.push(() => { gone = true; });
    el.dataset.state = "loading";
    const status = element("p", {"data-role": role, "aria-live": "polite", text: LOADING});
    el.append(status);
    networkData(model).then((data) => {
      if (gone) return;
      status.remove();
      build(data);
    }, (err) => {
      if (gone) return;
      el.dataset.state = "unavailable";
      status.className = "lenet5-live-problem";
      // The paragraph keeps its role, and the reason is also where an explorer's problems are found.
      status.replaceChildren(element("span", {"data-role": "problem", text: err.message}));
    });
  }

  /** Which test digit (the model's `index`) an explorer that runs the network is shown. */
  function digitControl({model, data, onStatus, cleanups}) {
    const last = data.digits.count - 1;
    return numberControl({model, name: "index", label: "test digit", integer: true, low: 0, high: last,
                          slider: [0, last, 1], onStatus, cleanups});
  }

  function mapCanvas(height, width, attributes) {
    return element("canvas", Object.assign({width, height, className: "lenet5-live-map"}, attributes || {}));
  }

  const NAN_GREY = [160, 160, 160];

  /** values[(y * width + x) * channels + channel] for every unit of the canvas, coloured from the table. */
  function paint(canvas, values, {table, low, high, channels = 1, channel = 0}) {
    const {width, height} = canvas;
    const context = canvas.getContext("2d");
    const image = context.createImageData(width, height);
    const last = table.length - 1;
    const span = high - low;
    for (let i = 0; i < width * height; i++) {
      const v = values[i * channels + channel];
      const colour = Number.isFinite(v)
        ? table[Math.max(0, Math.min(last, Math.round(((v - low) / span) * last)))] : NAN_GREY;
      image.data[4 * i] = colour[0];
      image.data[4 * i + 1] = colour[1];
      image.data[4 * i + 2] = colour[2];
      image.data[4 * i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }

  return {staticModel, start, element, listen, numberControl, parseInteger, parseNumber, uid, fixed, addStyle,
          networkData, withNetwork, digitControl, mapCanvas, paint};
})();
