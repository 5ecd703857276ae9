/* The feature-map explorer (maps.py): a test digit through the trained LeNet-5, every map of the
 * chosen layer (or of all of them), the label and the network's answer. The explorer's only
 * implementation: the network runs here, on each change (engine.js); the maps' picture is
 * network_view.js's. live.js, engine.js and network_view.js are in scope.
 */

const MENU = {C1: "C1", S2: "S2", C3: "C3", S4: "S4", C5: "C5", F6: "F6", output: "output (the ten penalties)",
              all: "all layers"};

function render({model, el}) {
  const {element} = live;
  const cleanups = [];
  live.withNetwork({model, el, cleanups}, build);

  function build(data) {
    const net = data.network();
    const digitControl = live.digitControl({model, data, onStatus: () => redraw(), cleanups});
    const menuId = live.uid("layer");
    const menu = element("select", {id: menuId});
    (model.get("layers") || Object.keys(MENU)).forEach((name) => menu.append(element("option", {value: name,
                                                                                                text: MENU[name]})));
    menu.addEventListener("change", () => {
      model.set("layer", menu.value);
      model.save_changes();
    });
    const menuRow = element("div", {className: "lenet5-live-control", "data-control": "layer"},
                            [element("label", {for: menuId, text: "layer"}), menu]);
    const controls = element("div", {className: "lenet5-live-controls"}, [digitControl.element, menuRow]);

    const input = networkView.digit(data, "The input: the digit padded to 32 × 32", {size: 32, width: 96, role: "input"});
    const label = element("p", {"data-role": "label"});
    const verdict = element("p", {className: "lenet5-live-big", "data-role": "answer"});
    const problem = element("p", {className: "lenet5-live-problem", "data-role": "problem"});
    const text = element("div", {className: "lenet5-live-text", "aria-live": "polite"}, [label, verdict, problem]);
    const sections = {};
    const holder = element("div", {"data-role": "maps"});
    for (const name of networkView.LAYERS) {
      sections[name] = networkView.section(data, name, false);
      holder.append(sections[name].element);
    }
    const legend = networkView.legend(data);
    const results = element("div", {}, [element("div", {className: "lenet5-live-row"}, [input.element, text]),
                                        holder, legend]);
    el.append(controls, results, problem);

    let shownIndex = null;
    let outputs = null;

    function redraw() {
      if (digitControl.error) {
        el.dataset.state = "invalid";
        problem.textContent = digitControl.error;
        results.hidden = true;
        return;
      }
      el.dataset.state = "ok";
      problem.textContent = "";
      results.hidden = false;
      const index = model.get("index");
      const layer = model.get("layer");
      menu.value = layer;
      if (index !== shownIndex) {
        outputs = net.forward(data.digits.image(index));
        shownIndex = index;
        input.show(outputs.input, data.paper.background, data.paper.ink);
        const truth = data.digits.labels[index];
        const best = networkView.answer(outputs);
        label.replaceChildren(`Test digit ${index}: its label is `, element("b", {text: String(truth)}),
                              ".");
        verdict.replaceChildren("The network reads it as ", element("b", {text: String(best)}),
                                best === truth ? " (right)." : " (wrong).");
        // Every layer is redrawn for a new digit, so that a change of layer only shows and hides.
        for (const name of networkView.LAYERS) sections[name].show(outputs);
      }
      for (const name of networkView.LAYERS) sections[name].element.hidden = layer !== "all" && layer !== name;
      legend.hidden = layer === "output";
    }

    live.listen(model, "change", redraw, cleanups);
    redraw();
  }

  return () => cleanups.forEach((undo) => undo());
}
