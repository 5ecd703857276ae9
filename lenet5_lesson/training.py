"""Training runs that are deterministic, recorded, and reused when nothing has changed.

A run writes ``model.weights.h5`` and ``history.json`` into its folder. A second call
with the same model, recipe, seed, code and data finds the finished run and returns it
without training again. The command line is ``python -m lenet5_lesson`` (:mod:`lenet5_lesson.__main__`).
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import sys
import tokenize
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from . import checks
from .data import load_mnist, normalize_rows, preprocess
from .distortions import with_distortions
from .fitting import fit_epochs
from .losses import MAPLoss
from .models import ABLATIONS, MODEL_NAMES, build_model
from .sdlm import BOOK_SCHEDULE, SDLM, fit_sdlm

#: Where the runs that ship with the package are, one folder per run (see :func:`shipped_folder`):
#: the folder ``runs`` inside the installed package.
#:
#: :meta hide-value:
SHIPPED_RUNS = Path(__file__).with_name("runs")

#: The shipped runs whose weights ship too, by folder name, because the book loads them; the
#: others ship their history only, enough for the book's tables of results over seeds.
SHIPPED_WEIGHTS = ("faithful", "modern", "seed", "faithful-sdlm", "faithful-distortions")

#: The optimisers :func:`train` knows: Adam (the book's recipe) and the paper's SDLM.
OPTIMIZERS = ("adam", "sdlm")

#: The modules that define the networks and how they are trained; their code (not comments or docstrings) enters
#: a run's fingerprint, beside the recipe and the data itself. A run with SDLM or distortions adds its module.
_RUN_MODULES = ("bitmaps.py", "fitting.py", "layers.py", "losses.py", "models.py", "paper.py")


@dataclass(frozen=True)
class Recipe:
    """How a model is trained: batch size and learning rate per epoch."""

    batch_size: int
    #: (epochs, learning rate) pairs in order; the last rate continues to the end.
    schedule: tuple[tuple[int, float], ...]

    def learning_rate(self, epoch: int) -> float:
        """Learning rate of the 0-based ``epoch``."""
        start = 0
        for count, rate in self.schedule:
            if epoch < start + count:
                return rate
            start += count
        return self.schedule[-1][1]


# Like the paper, the step size falls in stages; Adam's steps replace SDLM's eta, and the
# first stage is longer because Adam's early steps are smaller than SDLM's.
_STAGES = ((8, 1e-3), (4, 5e-4), (4, 2e-4), (4, 5e-5))

RECIPES: dict[str, Recipe] = {
    "faithful": Recipe(batch_size=32, schedule=_STAGES),
    "modern": Recipe(batch_size=32, schedule=_STAGES),
    # The seed tutorial trains with Adam's default step and batches of 32.
    "seed": Recipe(batch_size=32, schedule=((1, 1e-3),)),
    # An ablation changes the network, never the recipe.
    **{name: Recipe(batch_size=32, schedule=_STAGES) for name in ABLATIONS},
}

#: The recipe of SDLM runs, with an update after every pattern and the paper's stages of eta, as in the
#: paper, but each eta a tenth of the paper's (see :data:`lenet5_lesson.sdlm.ETA_SCALE`).
SDLM_RECIPE = Recipe(batch_size=1, schedule=BOOK_SCHEDULE)


#: The recipe on distorted images, with the same stages three times as long. The paper's passes with
#: distortions went over 600,000 images (60,000 and nine distorted copies of each), ten times ours,
#: and a network that never sees the same image twice keeps learning for longer.
DISTORTIONS_RECIPE = Recipe(batch_size=32, schedule=tuple((3 * epochs, rate) for epochs, rate in _STAGES))


def recipe(model_name: str, optimizer: str = "adam", distortions: bool = False) -> Recipe:
    """The recipe a model is trained with by ``optimizer``, on distorted images or not."""
    _check_run(model_name, optimizer, distortions)
    if optimizer == "sdlm":
        return SDLM_RECIPE
    return DISTORTIONS_RECIPE if distortions else RECIPES[model_name]


@dataclass
class Run:
    """A finished training run.

    Attributes
    ----------
    model_name : str
        One of ``"faithful"``, ``"modern"``, ``"seed"``.
    folder : Path
        Where ``model.weights.h5`` and ``history.json`` are.
    history : dict
        Per-epoch lists ``loss``, ``train_error``, ``test_error`` (fractions) and
        ``seconds``, plus the run's settings.
    reused : bool
        True when the run was found finished and not trained again.
    """

    model_name: str
    folder: Path
    history: dict
    reused: bool = False
    _model: object = field(default=None, repr=False)

    @property
    def test_error(self) -> float:
        """Test error (fraction) after the last epoch."""
        return self.history["test_error"][-1]

    def seconds_until(self, test_error: float) -> tuple[int, float] | None:
        """The first epoch (1-based) after which the test error was at most ``test_error``, and the
        seconds of training up to the end of it; None if the run never got there.

        Parameters
        ----------
        test_error : float
            A fraction: 0.01 asks when the run first classified 99 % of the test digits correctly.
        """
        test_error = checks.number("test_error", test_error, 0, 1)
        for epoch, error in enumerate(self.history["test_error"], start=1):
            if error <= test_error:
                return epoch, float(sum(self.history["seconds"][:epoch]))
        return None

    def model(self):
        """The trained Keras model (built and loaded once, then kept)."""
        if self._model is None:
            model = build_model(self.model_name)
            with warnings.catch_warnings():
                # Runs are saved without the optimiser's state; a fresh optimiser is what we want.
                warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
                model.load_weights(self.folder / "model.weights.h5")
            self._model = model
        return self._model


def shipped_folder(model_name: str, seed: int = 0, optimizer: str = "adam", distortions: bool = False) -> Path:
    """Where the package keeps a shipped run: ``runs/<model>`` for the recipe's seed 0, with
    ``-sdlm`` when trained with SDLM, ``-distortions`` when on distorted images, and ``-seed<k>``
    for the other seeds (``runs/faithful-sdlm-seed2``, say)."""
    _check_run(model_name, optimizer, distortions)
    seed = checks.integer("seed", seed, 0, 2**31 - 1)
    name = model_name + ("-sdlm" if optimizer == "sdlm" else "") + ("-distortions" if distortions else "")
    return SHIPPED_RUNS / (name if seed == 0 else f"{name}-seed{seed}")


def _check_run(model_name, optimizer="adam", distortions=False) -> None:
    if not isinstance(model_name, str) or model_name not in MODEL_NAMES:
        raise ValueError(f"model_name={model_name!r} must be one of {', '.join(MODEL_NAMES)}")
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer={optimizer!r} must be one of {', '.join(OPTIMIZERS)}")
    if not isinstance(distortions, bool):
        raise TypeError(f"distortions must be True or False, got {distortions!r}")
    if optimizer == "sdlm" and model_name != "faithful":
        raise ValueError(f"optimizer='sdlm' trains the faithful model only (its curvature needs the squashing "
                         f"function and the RBF output), not {model_name!r}")


def model_inputs(model_name: str, x: np.ndarray) -> np.ndarray:
    """The inputs a model expects for uint8 MNIST images: the paper's scaling, or the seed tutorial's."""
    return normalize_rows(x) if model_name == "seed" else preprocess(x)


def fingerprint(model_name: str, epochs: int, seed: int, train_size: int | None = None,
                optimizer: str = "adam", distortions: bool = False) -> str:
    """A hash of everything that decides a run: model, recipe, optimiser, distortions, epochs, seed,
    code and data."""
    settings = {"model": model_name, "epochs": epochs, "seed": seed, "train_size": train_size,
                "recipe": repr(recipe(model_name, optimizer, distortions))}
    modules = list(_RUN_MODULES)
    # Settings at their defaults stay out, so that runs recorded before they existed keep their fingerprints.
    if optimizer != "adam":
        settings["optimizer"] = optimizer
        modules.append("sdlm.py")
    if distortions:
        settings["distortions"] = True
        modules.append("distortions.py")
    digest = hashlib.sha256()
    digest.update(json.dumps(settings, sort_keys=True).encode())
    here = Path(__file__).parent
    for name in modules:
        digest.update(_code_only(here / name).encode())
    (x_train, y_train), (x_test, y_test) = load_mnist()
    for array in (x_train, y_train, x_test, y_test):
        digest.update(hashlib.sha256(np.ascontiguousarray(array).tobytes()).digest())
    return digest.hexdigest()


def _code_only(path: Path) -> str:
    """The module's source without docstrings, comments or blank lines, so that prose edits keep runs valid.

    Text, not a dump of the syntax tree: the tree's fields change between Python versions
    (a reader in Colab runs another one), and a shipped run must be found there too.
    """
    source = path.read_text(encoding="utf-8")
    docstring_lines = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column]
    return "\n".join(line.rstrip() for number, line in enumerate(lines, start=1)
                     if number not in docstring_lines and line.strip())


def train(model_name: str = "faithful", epochs: int = 20, seed: int = 0,
          out: str | os.PathLike | None = None, verbose: int = 1, reuse: bool = True,
          train_size: int | None = None, optimizer: str = "adam", distortions: bool = False) -> Run:
    """Train a model on all 60,000 training images, or reuse the finished run.

    Parameters
    ----------
    model_name : str
        ``"faithful"`` (the paper's LeNet-5), ``"modern"`` or ``"seed"``.
    epochs : int
        Passes over the training set, 1 to 100.
    seed : int
        Seed of initialisation and shuffling; the same seed gives the same run.
    out : path or None
        Folder for the weights and history. None means a folder per fingerprint in
        ``~/.cache/lenet5_lesson`` (or ``$LENET5_CACHE``).
    verbose : int
        0 silent, 1 a progress bar per epoch, 2 one line per epoch.
    reuse : bool
        Return a finished run with the same fingerprint instead of training again:
        one in ``out`` if given, or one shipped with the package, or one in the cache.
    train_size : int or None
        Train on the first ``train_size`` images only (quick experiments and tests);
        None uses all 60,000.
    optimizer : str
        ``"adam"``, the book's recipe, or ``"sdlm"``, the paper's stochastic diagonal
        Levenberg-Marquardt with an update after every pattern (faithful model only).
    distortions : bool
        Train on randomly distorted images, the paper's second experiment
        (:mod:`lenet5_lesson.distortions`).
    """
    _check_run(model_name, optimizer, distortions)
    epochs = checks.integer("epochs", epochs, 1, 100)
    seed = checks.integer("seed", seed, 0, 2**31 - 1)
    if train_size is not None:
        train_size = checks.integer("train_size", train_size, 1, 60_000)
    print_ = print if verbose else (lambda *a, **k: None)
    key = fingerprint(model_name, epochs, seed, train_size, optimizer, distortions)
    shipped = shipped_folder(model_name, seed, optimizer, distortions)
    if out is None:
        cache = Path(os.environ.get("LENET5_CACHE", Path.home() / ".cache" / "lenet5_lesson"))
        out = cache / f"{shipped.name}-{key[:16]}"
        # The shipped run first: its record (its epoch times, say) is what the book reports,
        # not that of an equal run that a reader's cache happens to hold.
        candidates = (shipped, out)
    else:
        out = Path(out)
        candidates = (out, shipped)
    if reuse:
        for folder in candidates:
            history = _finished(folder, key)
            if history is not None:
                print_(f"Reusing the finished {model_name} run in {folder}: same code, data, "
                       f"seed and {epochs} epochs (test error {100 * history['test_error'][-1]:.2f} %).")
                return Run(model_name, folder, history, reused=True)
    return _fit(model_name, epochs, seed, train_size, out, key, verbose, optimizer, distortions)


def _finished(folder: Path, key: str) -> dict | None:
    try:
        history = json.loads((folder / "history.json").read_text())
    except (OSError, ValueError):
        return None
    if history.get("fingerprint") != key or not (folder / "model.weights.h5").is_file():
        return None
    return history


def _fit(model_name: str, epochs: int, seed: int, train_size: int | None, out: Path, key: str,
         verbose: int, optimizer: str = "adam", distortions: bool = False) -> Run:
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    (x_train, y_train), (x_test, y_test) = load_mnist()
    x_train, y_train = x_train[:train_size], y_train[:train_size]
    model = build_model(model_name)
    if optimizer == "sdlm":
        model.compile(optimizer=SDLM(), loss=MAPLoss())
    steps = recipe(model_name, optimizer, distortions)
    history = {"model": model_name, "optimizer": optimizer, "distortions": distortions, "epochs": epochs,
               "seed": seed, "train_size": len(x_train), "batch_size": steps.batch_size, "fingerprint": key}
    training = (model_inputs(model_name, x_train), y_train)
    evaluation = {"train_error": training, "test_error": (model_inputs(model_name, x_test), y_test)}
    # The distortions wrap the model and share its weights: the wrapper trains, the model is saved.
    trained = with_distortions(model, seed) if distortions else model
    fit = fit_sdlm if optimizer == "sdlm" else fit_epochs
    history.update(fit(trained, steps, epochs, seed, training, evaluation, verbose))
    out.mkdir(parents=True, exist_ok=True)
    # An uncompiled twin saves the weights without Adam's state, a third of the size.
    bare = build_model(model_name, compile=False)
    bare.set_weights(model.get_weights())
    bare.save_weights(out / "model.weights.h5")
    (out / "history.json").write_text(json.dumps(history, indent=1))
    return Run(model_name, out, history, reused=False, _model=model)


def write_provenance(run: Run, command: str) -> None:
    """Write ``provenance.json`` beside a run: the command, settings, data checksums, result."""
    from .data import MNIST_FILES  # noqa: PLC0415

    record = {"command": command, "model": run.model_name, "optimizer": run.history.get("optimizer", "adam"),
              "distortions": run.history.get("distortions", False), "epochs": run.history["epochs"],
              "seed": run.history["seed"], "batch_size": run.history["batch_size"],
              "data_sha256": MNIST_FILES, "fingerprint": run.history["fingerprint"],
              "test_error": run.test_error, "train_seconds": round(sum(run.history["seconds"]), 1),
              "python": sys.version.split()[0]}
    (run.folder / "provenance.json").write_text(json.dumps(record, indent=1))


def use_training_threads() -> bool:
    """Give each TensorFlow op half the CPU's cores and let two ops run side by side.

    At LeNet-5's sizes one op gains little from many cores, while a training step's backward
    pass has independent branches (each layer's weight and input gradients) to run at once:
    on a 2-core machine this makes an epoch about a fifth faster. TensorFlow takes thread
    settings only before it runs its first op, so the package calls this on import; it leaves
    settings that someone has already made alone.

    Returns
    -------
    bool
        True when the settings were made, False when TensorFlow had already started or the
        settings were already chosen.
    """
    threading = tf.config.threading
    if threading.get_intra_op_parallelism_threads() or threading.get_inter_op_parallelism_threads():
        return False
    cores = os.cpu_count() or 1
    try:
        threading.set_intra_op_parallelism_threads(max(1, cores // 2))
        threading.set_inter_op_parallelism_threads(cores)
    except RuntimeError:
        return False
    return True
