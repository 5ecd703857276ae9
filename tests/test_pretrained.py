"""The shipped runs: provenance, reuse by the book, and the test error measured on the real test set."""

import json

import numpy as np
import pytest

from lenet5_lesson import paper, predict_digits, pretrained, provenance, shipped_run
from lenet5_lesson.data import MNIST_FILES
from lenet5_lesson.training import fingerprint, model_inputs, train

SHIPPED = {"faithful": 20, "modern": 20, "seed": 10}


def test_shipped_faithful_weights_reach_the_recorded_test_error(mnist):
    _, (x_test, y_test) = mnist
    model = pretrained()
    error = float(np.mean(predict_digits(model, model_inputs("faithful", x_test)) != y_test))
    record = provenance()
    assert error == pytest.approx(record["test_error"], abs=1e-4)
    assert error == pytest.approx(shipped_run().test_error, abs=1e-4)
    # The paper's LeNet-5 reaches 0.95 %; the shipped weights must do at least as well.
    assert error <= paper.PAPER_TEST_ERRORS["LeNet-5"] / 100
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == 60_000


def test_provenance_records_how_the_weights_were_made():
    record = provenance()
    command = record["command"].split()
    assert command[:3] == ["python", "-m", "lenet5_lesson"]
    assert command[command.index("--model") + 1] == "faithful" and command[command.index("--epochs") + 1] == "20"
    assert record["epochs"] == 20 and record["seed"] == 0
    assert record["data_sha256"] == MNIST_FILES


@pytest.mark.parametrize("folder", ["faithful", "modern", "seed", "faithful-sdlm", "faithful-distortions"])
def test_every_shipped_weight_file_reproduces_its_recorded_test_error(folder, mnist):
    from lenet5_lesson.training import SHIPPED_RUNS, SHIPPED_WEIGHTS, Run

    assert folder in SHIPPED_WEIGHTS
    _, (x_test, y_test) = mnist
    history = json.loads((SHIPPED_RUNS / folder / "history.json").read_text())
    model = Run(history["model"], SHIPPED_RUNS / folder, history).model()
    error = float(np.mean(predict_digits(model, model_inputs(history["model"], x_test)) != y_test))
    assert error == pytest.approx(history["test_error"][-1], abs=1e-4)


@pytest.mark.parametrize(("name", "epochs"), SHIPPED.items())
def test_book_reuses_the_shipped_runs(name, epochs, mnist_dir):
    # A stale shipped run (model code or recipe changed since training) would make the book retrain.
    assert shipped_run(name).history["fingerprint"] == fingerprint(name, epochs, 0)
    run = train(name, epochs=epochs, seed=0, verbose=0)
    assert run.reused


def test_paper_figures_are_consistent():
    assert sum(paper.PAPER_PARAMETERS.values()) == 60_000
    assert sum(len(t) for t in paper.C3_TABLE) == 60


def test_every_shipped_record_is_current_and_only_the_books_weights_ship(mnist_dir):
    from lenet5_lesson.training import SHIPPED_RUNS, SHIPPED_WEIGHTS, shipped_folder

    folders = sorted(p for p in SHIPPED_RUNS.iterdir() if p.is_dir())
    assert folders
    for folder in folders:
        history = json.loads((folder / "history.json").read_text())
        name, seed, optimizer, distorted = (history[key] for key in ("model", "seed", "optimizer", "distortions"))
        assert folder == shipped_folder(name, seed, optimizer, distorted)
        # A record whose code, recipe or data changed since it was trained describes another network.
        assert history["fingerprint"] == fingerprint(name, history["epochs"], seed, None, optimizer, distorted), \
            folder.name
        assert (folder / "model.weights.h5").is_file() == (folder.name in SHIPPED_WEIGHTS), folder.name
        assert (folder / "provenance.json").is_file()
    size = sum(p.stat().st_size for p in SHIPPED_RUNS.rglob("*") if p.is_file())
    assert size < 2_000_000, f"the shipped runs take {size:,} bytes"


def test_shipped_folders_and_summaries_refuse_unknown_runs():
    from lenet5_lesson import seed_summary
    from lenet5_lesson.training import shipped_folder

    assert shipped_folder("relu", 2).name == "relu-seed2" and shipped_folder("faithful").name == "faithful"
    with pytest.raises(ValueError, match="model_name='lenet' must be one of faithful"):
        shipped_folder("lenet")
    with pytest.raises(TypeError, match="seed must be an integer, got float"):
        shipped_folder("faithful", 1.0)
    with pytest.raises(FileNotFoundError, match="no shipped run for 'faithful' with seed 9"):
        shipped_run("faithful", seed=9)
    with pytest.raises(ValueError, match="must be one of"):
        seed_summary("lenet")
