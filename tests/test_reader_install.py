"""A chapter runs where a reader runs it, not only in this checkout.

Binder installs the package from ``requirements.txt`` and Colab from git in each chapter's
install cell; both open a chapter's notebook with no MNIST folder, so MNIST comes through
Keras' downloader and the trained weights from the installed package. Here the package is
installed with the Colab cell's own requirement, pointed at this repository, into a fresh
virtual environment that sees the project's other packages but not its source; a chapter's
notebook is copied alone into an empty folder and run with ``LENET5_MNIST_DIR`` unset. Keras' downloader, which would fetch
``mnist.npz`` from the internet, is replaced by one that writes it from the original files and
records what it was asked for.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import inspect
import sysconfig
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, tool

colab_cell = tool("colab_cell")

# Writes mnist.npz as Keras' downloader would, from the original files, and logs the request.
_DOWNLOADER = '''
import os

import keras.src.datasets.mnist as _mnist


def _get_file(fname=None, origin=None, **kwargs):
    import numpy as np
    from lenet5_lesson.data import _read_folder

    with open(os.environ["TEST_DOWNLOAD_LOG"], "a") as log:
        log.write(f"{fname} {origin}\\n")
    path = os.path.join(os.environ["KERAS_HOME"], "datasets", fname)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    (x_train, y_train), (x_test, y_test) = _read_folder(os.environ["TEST_MNIST_SOURCE"])
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


_mnist.get_file = _get_file
'''

# Runs a notebook as Jupyter would, then reports where the kernel found the package.
_RUNNER = '''
import json
import sys

import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import json, sys, lenet5_lesson\\n"
    "print(json.dumps({'python': sys.executable, 'package': lenet5_lesson.__file__}))"))
NotebookClient(notebook, timeout=900, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(notebook, sys.argv[1])
'''


def _colab_requirement(url: str) -> str:
    """The requirement that a chapter's Colab cell installs, with the repository at ``url``."""
    cell = colab_cell.install_cell(url, colab_cell.repository()[1])
    return re.search(r'%pip install --quiet "([^"]+)"', cell).group(1)


@pytest.fixture(scope="module")
def reader_python(tmp_path_factory) -> Path:
    """A fresh virtual environment with the package installed as the Colab cell installs it."""
    if not (ROOT / ".git").exists():
        pytest.fail("this test installs from the git repository: run it from a git checkout")
    work = tmp_path_factory.mktemp("reader")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    # A plain path line: the project's other packages become importable (Colab has its own), but
    # not the .pth files among them, so the editable install of this checkout stays out of sight.
    (purelib / "project_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # pip clones the committed branch and builds a wheel of it, as in Colab, from this repository.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    _colab_requirement(ROOT.as_uri())], check=True, timeout=600)
    downloader = work / "downloader"
    downloader.mkdir()
    (downloader / "sitecustomize.py").write_text(_DOWNLOADER)
    (work / "runner.py").write_text(_RUNNER)
    return python


@pytest.mark.parametrize("chapter", ["03_data", "10_training", "12_inside"])
def test_chapter_runs_from_the_installed_package_with_mnist_from_keras(reader_python, mnist_dir, chapter,
                                                                       tmp_path):
    work = reader_python.parents[2]
    folder = tmp_path / "reader"
    folder.mkdir()
    notebook = folder / f"{chapter}.ipynb"
    shutil.copy(ROOT / "book" / notebook.name, notebook)
    log = tmp_path / "downloads.log"
    env = {k: v for k, v in os.environ.items() if k not in ("LENET5_MNIST_DIR", "PYTHONPATH")}
    env.update(HOME=str(tmp_path / "home"), KERAS_HOME=str(tmp_path / "keras"),
               LENET5_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(work / "downloader"),
               JUPYTER_PLATFORM_DIRS="1", TEST_DOWNLOAD_LOG=str(log), TEST_MNIST_SOURCE=str(mnist_dir))
    done = subprocess.run([str(reader_python), str(work / "runner.py"), str(notebook), str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-4000:]
    outputs = nbformat.read(notebook, as_version=4).cells[-1].outputs
    ran = json.loads(next(o["text"] for o in outputs if o.get("name") == "stdout"))
    assert Path(ran["python"]).parent == reader_python.parent, "the chapter ran in another Python"
    assert "site-packages" in ran["package"] and str(ROOT) not in ran["package"], ran["package"]
    assert "mnist.npz" in log.read_text(), "the chapter did not ask Keras for MNIST"
    if chapter == "10_training":
        # The full runs come from inside the installed package, not trained again.
        text = "".join(o.get("text", "") for cell in nbformat.read(notebook, as_version=4).cells
                       for o in cell.get("outputs", []))
        runs = Path(ran["package"]).parent / "runs"
        for model in ("faithful", "modern", "seed"):
            assert f"Reusing the finished {model} run in {runs / model}" in text, f"the {model} run was not reused"


def test_the_downloader_stand_in_names_keras_own_file():
    """The stand-in replaces the function Keras' MNIST loader calls, by the name it calls it."""
    import keras.src.datasets.mnist as mnist

    assert callable(mnist.get_file)
    assert "get_file(" in inspect.getsource(mnist.load_data)
