// sphinx-thebe 0.3 starts thebe with `thebelab.bootstrap()`, written for thebe 0.8, which asked
// for a kernel unless told otherwise and carried its own styles. thebe 0.9, the version npm
// holds, asks for a kernel only when told to (without this, "Live code" connects to Binder but
// can run nothing) and keeps its styles (the editors' heights, the widgets') in thebe.css.
// Everything thebe loads comes from the book's _static folder, beside this file.
(() => {
  const own = (path) => new URL(path, document.currentScript.src).href;
  const stylesheet = own("vendor/thebe/thebe.css");
  // The book's copy of thebe reads this instead of a CDN address (tools/book_assets.py): require.js
  // with anywidget's front end already in it, for the live explorers.
  window.THEBE_REQUIREJS_URL = own("vendor/require-widgets.js");

  // thebe 0.9 pairs the n-th code block with the n-th output block. A cell whose output the book
  // leaves out (tag remove-output, the live explorers) gets an empty one; otherwise every later
  // cell's output would appear under the cell after it.
  const giveEveryCellAnOutput = () => {
    document.querySelectorAll("[data-executable]").forEach((source) => {
      const next = source.nextElementSibling;
      if (!next || !next.hasAttribute("data-output")) {
        const output = document.createElement("div");
        output.className = "cell_output";
        output.setAttribute("data-output", "");
        source.insertAdjacentElement("afterend", output);
      }
    });
  };

  let thebe;
  Object.defineProperty(window, "thebelab", {
    configurable: true,
    get: () => thebe,
    set: (value) => {
      thebe = value;
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = stylesheet;
      document.head.appendChild(link);
      const bootstrap = value.bootstrap;
      value.bootstrap = (options = {}) => {
        giveEveryCellAnOutput();
        // No MathJax 2 from a CDN: the page's MathJax 3 typesets the prose, and no output is TeX.
        return bootstrap({ requestKernel: true, mathjaxUrl: "", ...options });
      };
    },
  });
})();
