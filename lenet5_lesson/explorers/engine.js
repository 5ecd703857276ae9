/* The trained faithful LeNet-5, run in the reader's browser: window.lenet5.
 *
 * A classic script, not an ES module, because a page opened from file:// may load neither modules
 * nor fetch() anything. The weights come from a second classic script, generated at build time by
 * lenet5_lesson/explorers/engine.py, that sets window.LENET5_WEIGHTS; either script may come first.
 *
 *   lenet5.forward(pixels)  -> {input, C1, S2, C3, S4, C5, F6, output}, Float32Arrays in Keras'
 *                              channels-last order (C1[(row * 28 + col) * 6 + map]); output holds the
 *                              ten RBF penalties
 *   lenet5.predict(pixels)  -> the digit with the smallest penalty
 *   lenet5.network(weights) -> the same two functions on other weights (see copyWeights)
 *   lenet5.ready            -> a promise of lenet5, resolved once the weights are in
 *   lenet5.digits           -> the explorers' test digits, once digits.js is in (lenet5.digitsReady):
 *                              {count, labels, source, image(i) -> Uint8Array of 784}
 *   lenet5.style            -> the book's colour tables ({signed, ink}: 255 [r, g, b] each, low end
 *                              first) and activation_limit, from the weights script
 *   lenet5.decodeWeights(payload), lenet5.decodeDigits(payload)
 *                           -> the same objects from payloads another source (a live kernel) sent
 *
 * pixels: 784 numbers from 0 to 255, a 28x28 MNIST digit row by row (an Array, a Uint8Array, a
 * canvas' Uint8ClampedArray...). Anything else throws an Error whose message states that rule.
 *
 * The live explorers carry this file in their own code too (live.py), for a live kernel's page,
 * which has no _static; where the book's copy is loaded already, that one is kept.
 */
(function () {
  "use strict";

  if (window.lenet5 && window.lenet5.network) return;

  const FORMAT = "lenet5-weights/1";
  const DIGITS_FORMAT = "lenet5-digits/1";
  const SIDE = 28;
  const PADDED = 32;
  const KERNEL = 5;
  const LAYERS = ["C1", "S2", "C3", "S4", "C5", "F6", "output"];
  // Output shapes as Keras gives them, without the batch axis.
  const SHAPES = {C1: [28, 28, 6], S2: [14, 14, 6], C3: [10, 10, 16], S4: [5, 5, 16], C5: [120], F6: [84],
                  output: [10]};
  const RULE = "pixels must be 784 numbers from 0 to 255 (a 28x28 digit, row by row)";

  const size = (shape) => shape.reduce((a, b) => a * b, 1);

  function weightShapes(table) {
    const pairs = table.reduce((n, inputs) => n + inputs.length, 0);
    return {
      C1: {kernel: [5, 5, 1, 6], bias: [6]},
      S2: {coefficient: [6], bias: [6]},
      C3: {kernel: [5, 5, pairs], bias: [table.length]},
      S4: {coefficient: [16], bias: [16]},
      C5: {kernel: [5, 5, 16, 120], bias: [120]},
      F6: {kernel: [120, 84], bias: [84]},
      output: {centres: [10, 84]},
    };
  }

  function describe(value) {
    if (value === null || value === undefined) return String(value);
    if (typeof value === "string") return `the text ${JSON.stringify(value.slice(0, 20))}`;
    if (typeof value === "number") return String(value);
    const type = typeof value === "object" ? (value.constructor && value.constructor.name) || "Object" : typeof value;
    return `a value of type ${type}`;
  }

  function checkPixels(pixels, caller) {
    const rule = `lenet5.${caller}: ${RULE}`;
    // A string has a length and indexable characters, so it must be refused before the length test.
    if (typeof pixels === "string" || pixels === null || typeof pixels !== "object"
        || typeof pixels.length !== "number") {
      throw new TypeError(`${rule}; got ${describe(pixels)}`);
    }
    if (pixels.length !== SIDE * SIDE) throw new RangeError(`${rule}; got ${pixels.length} values`);
    for (let i = 0; i < pixels.length; i++) {
      const v = pixels[i];
      if (typeof v !== "number") throw new TypeError(`${rule}; pixels[${i}] is ${describe(v)}`);
      // Written so that NaN fails it too.
      if (!(v >= 0 && v <= 255)) throw new RangeError(`${rule}; pixels[${i}] is ${v}`);
    }
  }

  // engine.py writes base64 of little-endian float32: on a little-endian machine (nearly all) the
  // bytes are the array already; elsewhere DataView swaps them.
  const LITTLE_ENDIAN = new Uint8Array(new Float32Array([1]).buffer)[3] === 0x3f;

  function bytesOf(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function decode(base64, length) {
    const bytes = bytesOf(base64);
    if (bytes.length !== 4 * length) {
      throw new Error(`lenet5: an array of the weights script holds ${bytes.length / 4} values, not ${length}`);
    }
    if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer);
    const view = new DataView(bytes.buffer);
    return Float32Array.from({length}, (_, i) => view.getFloat32(4 * i, true));
  }

  /* One network on one set of weights ({C1: {kernel, bias}, ...}, Keras' shapes, flattened). The
   * arrays are used, not copied: writing into weights.C1.kernel changes the next forward pass. */
  function network(weights, paper) {
    paper = paper || lenet5.paper;
    if (!paper) {
      throw new Error("lenet5.network: the weights script is not loaded, so the paper's constants are not known");
    }
    const shapes = weightShapes(paper.c3_table);
    for (const layer of Object.keys(shapes)) {
      for (const name of Object.keys(shapes[layer])) {
        const array = weights[layer] && weights[layer][name];
        const wanted = size(shapes[layer][name]);
        if (!array || array.length !== wanted) {
          throw new Error(`lenet5.network: weights.${layer}.${name} must hold ${wanted} numbers`);
        }
      }
    }
    const A = paper.squash_a;
    const S = paper.squash_s;
    const background = Math.fround(paper.background);
    // The same float32 step as lenet5_lesson.data.preprocess, so the input matches it bit for bit.
    const step = Math.fround((paper.ink - paper.background) / 255);

    /* Every convolution here is a list of (input map, output map) pairs whose 5x5 kernels sit
     * side by side in Keras' kernel, tap by tap: C1's 6 pairs, C3's 60 from Table I (SparseConv2D's
     * order), C5's 16 x 120. One loop serves all three. */
    function plan(from, to, maps, kernel, bias) {
      return {from: Int32Array.from(from), to: Int32Array.from(to), maps, kernel, bias, acc: new Float64Array(maps)};
    }
    const all = (inputs, outputs) => {
      const from = [], to = [];
      for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) { from.push(i); to.push(o); }
      return [from, to];
    };
    const sparse = (table) => {
      const from = [], to = [];
      table.forEach((inputs, o) => inputs.forEach((i) => { from.push(i); to.push(o); }));
      return [from, to];
    };
    const c1 = plan(...all(1, 6), 6, weights.C1.kernel, weights.C1.bias);
    const c3 = plan(...sparse(paper.c3_table), paper.c3_table.length, weights.C3.kernel, weights.C3.bias);
    const c5 = plan(...all(16, 120), 120, weights.C5.kernel, weights.C5.bias);
    const f6Acc = new Float64Array(84);

    function convolve(input, side, inMaps, p, output) {
      const {from, to, maps, kernel, bias, acc} = p;
      const pairs = from.length;
      const outSide = side - KERNEL + 1;
      for (let y = 0; y < outSide; y++) {
        for (let x = 0; x < outSide; x++) {
          for (let m = 0; m < maps; m++) acc[m] = bias[m];
          for (let ky = 0; ky < KERNEL; ky++) {
            for (let kx = 0; kx < KERNEL; kx++) {
              const pixel = ((y + ky) * side + x + kx) * inMaps;
              const tap = (ky * KERNEL + kx) * pairs;
              for (let n = 0; n < pairs; n++) acc[to[n]] += input[pixel + from[n]] * kernel[tap + n];
            }
          }
          const o = (y * outSide + x) * maps;
          for (let m = 0; m < maps; m++) output[o + m] = A * Math.tanh(S * acc[m]);
        }
      }
    }

    // Trainable subsampling: each 2x2 window's sum, times its map's coefficient, plus its bias, squashed.
    function subsample(input, side, maps, coefficient, bias, output) {
      const half = side / 2;
      const down = side * maps;
      for (let y = 0; y < half; y++) {
        for (let x = 0; x < half; x++) {
          const i = (2 * y * side + 2 * x) * maps;
          const o = (y * half + x) * maps;
          for (let m = 0; m < maps; m++) {
            const sum = input[i + m] + input[i + maps + m] + input[i + down + m] + input[i + down + maps + m];
            output[o + m] = A * Math.tanh(S * (sum * coefficient[m] + bias[m]));
          }
        }
      }
    }

    function run(pixels, caller) {
      checkPixels(pixels, caller);
      const out = {input: new Float32Array(PADDED * PADDED)};
      for (const name of LAYERS) out[name] = new Float32Array(size(SHAPES[name]));
      const input = out.input;
      input.fill(background);
      for (let r = 0; r < SIDE; r++) {
        for (let c = 0; c < SIDE; c++) {
          input[(r + 2) * PADDED + c + 2] = background + Math.fround(Math.fround(pixels[r * SIDE + c]) * step);
        }
      }
      convolve(input, 32, 1, c1, out.C1);
      subsample(out.C1, 28, 6, weights.S2.coefficient, weights.S2.bias, out.S2);
      convolve(out.S2, 14, 6, c3, out.C3);
      subsample(out.C3, 10, 16, weights.S4.coefficient, weights.S4.bias, out.S4);
      convolve(out.S4, 5, 16, c5, out.C5);
      const {kernel, bias} = weights.F6;
      for (let o = 0; o < 84; o++) f6Acc[o] = bias[o];
      for (let i = 0; i < 120; i++) {
        const v = out.C5[i];
        for (let o = 0; o < 84; o++) f6Acc[o] += v * kernel[i * 84 + o];
      }
      for (let o = 0; o < 84; o++) out.F6[o] = A * Math.tanh(S * f6Acc[o]);
      // The RBF penalties directly as sums of squares: in double precision there is no need for
      // Keras' |x|^2 - 2 x.w + |w|^2 shortcut, which loses digits.
      const centres = weights.output.centres;
      for (let d = 0; d < 10; d++) {
        let sum = 0;
        for (let j = 0; j < 84; j++) {
          const diff = out.F6[j] - centres[d * 84 + j];
          sum += diff * diff;
        }
        out.output[d] = sum;
      }
      return out;
    }

    const forward = (pixels) => run(pixels, "forward");

    function predict(pixels) {
      const penalties = run(pixels, "predict").output;
      let best = 0;
      for (let d = 1; d < 10; d++) if (penalties[d] < penalties[best]) best = d;
      return best;
    }

    return {weights, forward, predict};
  }

  function notLoaded() {
    throw new Error("lenet5: the weights are not loaded; include _static/lenet5/weights.js, or wait for lenet5.ready");
  }

  /** {weights, paper, style, info} from a weights payload (engine.py's weights_payload). */
  function decodeWeights(payload) {
    if (!payload || payload.format !== FORMAT) {
      throw new Error(`lenet5.load: the weights script is not in the format ${FORMAT}; rebuild the book`);
    }
    const weights = {};
    for (const [path, array] of Object.entries(payload.arrays)) {
      const [layer, name] = path.split("/");
      weights[layer] = weights[layer] || {};
      weights[layer][name] = decode(array.base64, size(array.shape));
    }
    return {weights, paper: payload.paper, style: payload.style, info: payload.info};
  }

  /** {count, labels, source, image(i)} from a digits payload (engine.py's digits_payload). */
  function decodeDigits(payload) {
    if (!payload || payload.format !== DIGITS_FORMAT) {
      throw new Error(`lenet5.loadDigits: the digits script is not in the format ${DIGITS_FORMAT}; rebuild the book`);
    }
    const pixels = bytesOf(payload.base64);
    const count = payload.count;
    if (pixels.length !== count * SIDE * SIDE || payload.labels.length !== count) {
      throw new Error(`lenet5.loadDigits: the digits script does not hold ${count} digits and labels`);
    }
    return {
      count,
      labels: payload.labels.slice(),
      source: payload.info || {},
      image(i) {
        if (!(Number.isInteger(i) && i >= 0 && i < count)) {
          throw new RangeError(`lenet5.digits.image: i must be a whole number from 0 to ${count - 1}; got ${i}`);
        }
        return pixels.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE);
      },
    };
  }

  let resolveReady;
  let resolveDigits;
  const lenet5 = {
    layers: LAYERS.slice(),
    shapes: SHAPES,
    isReady: false,
    ready: new Promise((resolve) => { resolveReady = resolve; }),
    digits: null,
    digitsReady: new Promise((resolve) => { resolveDigits = resolve; }),
    /** Call back with lenet5 once the weights are in (at once if they are). */
    onReady(callback) { return lenet5.ready.then(callback); },
    forward: notLoaded,
    predict: notLoaded,
    network,
    decodeWeights,
    decodeDigits,
    squash(a) { return lenet5.paper.squash_a * Math.tanh(lenet5.paper.squash_s * a); },
    /** A deep copy of the shipped weights, for an explorer that edits them without touching other explorers. */
    copyWeights() {
      if (!lenet5.isReady) notLoaded();
      const copy = {};
      for (const layer of Object.keys(lenet5.weights)) {
        copy[layer] = {};
        for (const name of Object.keys(lenet5.weights[layer])) copy[layer][name] = lenet5.weights[layer][name].slice();
      }
      return copy;
    },
    /** Take in the object the weights script defines (engine.py writes it). */
    load(payload) {
      const {weights, paper, style, info} = decodeWeights(payload);
      const net = network(weights, paper);
      Object.assign(lenet5, {weights, paper, style, c3Table: paper.c3_table, weightShapes: weightShapes(paper.c3_table),
                             info, forward: net.forward, predict: net.predict, isReady: true});
      resolveReady(lenet5);
      return lenet5;
    },
    /** Take in the object the digits script defines (engine.py writes it). */
    loadDigits(payload) {
      lenet5.digits = decodeDigits(payload);
      resolveDigits(lenet5.digits);
      return lenet5.digits;
    },
  };
  window.lenet5 = lenet5;
  if (window.LENET5_WEIGHTS) lenet5.load(window.LENET5_WEIGHTS);
  if (window.LENET5_DIGITS) lenet5.loadDigits(window.LENET5_DIGITS);
})();
