"""The runs that ship with the package: the trained faithful LeNet-5, and the records of every seed."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from . import checks
from .training import SHIPPED_RUNS, Run, shipped_folder


def shipped_run(model_name: str = "faithful", seed: int = 0, optimizer: str = "adam",
                distortions: bool = False) -> Run:
    """The training run shipped with the package for ``model_name`` and ``seed``, with its history.

    ``optimizer="sdlm"`` asks for a run with the paper's optimiser, ``distortions=True`` for one
    on distorted images (see :func:`~lenet5_lesson.training.train`). Only the runs in
    :data:`~lenet5_lesson.training.SHIPPED_WEIGHTS` ship their weights; for the others
    :meth:`~lenet5_lesson.training.Run.model` is not available, and
    :func:`~lenet5_lesson.training.train` trains them anew.
    """
    seed = checks.integer("seed", seed, low=0)
    folder = shipped_folder(model_name, seed, optimizer, distortions)
    try:
        history = json.loads((folder / "history.json").read_text())
    except FileNotFoundError as err:
        options = (" --optimizer sdlm" if optimizer == "sdlm" else "") + (" --distortions" if distortions else "")
        raise FileNotFoundError(
            f"no shipped run for {model_name!r} with seed {seed} in {folder}; reinstall lenet5_lesson, or train "
            f"one with python -m lenet5_lesson --model {model_name}{options} --seed {seed} --ship") from err
    return Run(model_name, folder, history, reused=True)


@dataclass(frozen=True)
class SeedSummary:
    """The final test errors of the shipped runs of one model, one per seed, as fractions."""

    model_name: str
    seeds: tuple[int, ...]
    test_errors: tuple[float, ...]

    @property
    def mean(self) -> float:
        """Mean final test error over the seeds."""
        return float(np.mean(self.test_errors))

    @property
    def std(self) -> float:
        """Sample standard deviation (n - 1) of the final test errors over the seeds."""
        return float(np.std(self.test_errors, ddof=1)) if len(self.test_errors) > 1 else 0.0

    def within(self, error: float, spreads: float = 2.0) -> bool:
        """Whether ``error`` (a fraction) lies within ``spreads`` standard deviations of the mean."""
        return abs(error - self.mean) <= spreads * self.std


def seed_summary(model_name: str, optimizer: str = "adam", distortions: bool = False) -> SeedSummary:
    """Every shipped run of ``model_name`` with ``optimizer`` and ``distortions``, one per seed
    (``runs/<name>`` for seed 0 and ``runs/<name>-seed<k>``, see
    :func:`~lenet5_lesson.training.shipped_folder`), summarised.

    Raises
    ------
    FileNotFoundError
        If no such run ships with the package.
    """
    first = shipped_folder(model_name, 0, optimizer, distortions)
    folders = sorted(SHIPPED_RUNS.glob(f"{first.name}-seed*"))
    if first.is_dir():
        folders.insert(0, first)
    histories = [json.loads((folder / "history.json").read_text()) for folder in folders]
    if not histories:
        raise FileNotFoundError(f"no shipped runs of {first.name!r} in {SHIPPED_RUNS}")
    ordered = sorted(histories, key=lambda h: h["seed"])
    return SeedSummary(model_name, tuple(h["seed"] for h in ordered), tuple(h["test_error"][-1] for h in ordered))


def pretrained():
    """The faithful LeNet-5 with the trained weights shipped in the package.

    The weights were made by ``python -m lenet5_lesson --model faithful --epochs 20``
    on all 60,000 training images; ``provenance()`` tells how, and with what result.
    """
    return shipped_run("faithful").model()


def provenance(model_name: str = "faithful") -> dict:
    """The provenance record of a shipped run: command, epochs, seed, data checksums, test error."""
    return json.loads((shipped_folder(model_name) / "provenance.json").read_text())
