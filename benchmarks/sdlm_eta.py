"""Why the book's SDLM takes a tenth of the paper's eta: the first patterns of a run at each eta.

    LENET5_MNIST_DIR=../shared/data/mnist .venv/bin/python benchmarks/sdlm_eta.py --patterns 2000

For each eta (the paper's first-pass 0.0005, and the book's, a tenth of it), a fresh faithful
LeNet-5 with seed 0 estimates its curvature on 500 training patterns, as SDLM does before a pass,
takes one SDLM step after each of the first ``--patterns`` training patterns, and then reports
the range of its effective steps eta / (mu + h_kk), its mean MAP loss over those patterns, the
largest weight of C1 (0.0935 at the start) and its error on the 10,000 test digits. A loss far
above the initial one (about 84) and an error near 90 % mean the steps diverged.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np

from lenet5_lesson import build_lenet5, load_mnist, preprocess
from lenet5_lesson.losses import MAPLoss
from lenet5_lesson.sdlm import ETA_SCALE, PAPER_SCHEDULE, SDLM, fit_sdlm
from lenet5_lesson.training import Recipe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patterns", type=int, default=2000, help="training patterns, one step each")
    args = parser.parse_args()
    (x_train, y_train), (x_test, y_test) = load_mnist()
    training = (preprocess(x_train[:args.patterns]), y_train[:args.patterns])
    evaluation = {"test_error": (preprocess(x_test), y_test)}
    paper_eta = PAPER_SCHEDULE[0][1]
    print(f"{'eta':>8} {'steps from':>11} {'to':>8} {'loss':>8} {'C1 max':>7} {'test error':>11}")
    for eta in (paper_eta, paper_eta * ETA_SCALE):
        keras.utils.set_random_seed(0)
        model = build_lenet5(compile=False)
        model.compile(optimizer=SDLM(), loss=MAPLoss())
        history = fit_sdlm(model, Recipe(1, ((1, eta),)), 1, 0, training, evaluation, verbose=0,
                           patterns=min(500, args.patterns))
        c1 = float(np.abs(model.get_layer("C1").kernel.numpy()).max())
        print(f"{eta:8.0e} {history['step_min'][0]:11.2e} {history['step_max'][0]:8.2e} "
              f"{history['loss'][0]:8.1f} {c1:7.3f} {100 * history['test_error'][0]:10.2f}%")


if __name__ == "__main__":
    main()
