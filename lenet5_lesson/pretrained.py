"""The trained faithful LeNet-5 that ships with the package."""

from __future__ import annotations

import json

from .training import SHIPPED_RUNS, Run


def shipped_run(model_name: str = "faithful") -> Run:
    """The training run shipped with the package for ``model_name``, with its history."""
    folder = SHIPPED_RUNS / model_name
    try:
        history = json.loads((folder / "history.json").read_text())
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f"no shipped run for {model_name!r} in {folder}; reinstall lenet5_lesson, or train one with "
            f"python -m lenet5_lesson.train --model {model_name} --ship") from err
    return Run(model_name, folder, history, reused=True)


def pretrained():
    """The faithful LeNet-5 with the trained weights shipped in the package.

    The weights were made by ``python -m lenet5_lesson.train --model faithful --epochs 20``
    on all 60,000 training images; ``provenance()`` tells how, and with what result.
    """
    return shipped_run("faithful").model()


def provenance(model_name: str = "faithful") -> dict:
    """The provenance record of a shipped run: command, epochs, seed, data checksums, test error."""
    return json.loads((SHIPPED_RUNS / model_name / "provenance.json").read_text())
