"""How the package is installed: Binder from requirements.txt, Colab from git beside Colab's own
TensorFlow, anyone else with the ``cpu`` extra."""

import re
import subprocess
import sys
import tomllib

from conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _names(requirements: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in requirements}


def test_installing_the_package_keeps_the_tensorflow_already_there():
    # Colab's GPU TensorFlow would be overwritten by tensorflow-cpu, which installs the same module.
    assert not _names(PROJECT["dependencies"]) & {"tensorflow", "tensorflow-cpu"}
    assert _names(PROJECT["optional-dependencies"]["cpu"]) == {"tensorflow-cpu"}


def test_every_package_the_explorers_need_is_a_dependency():
    assert {"numpy", "keras", "plotly", "ipywidgets", "anywidget"} <= _names(PROJECT["dependencies"])


def test_binder_environment_pins_tensorflow_and_installs_the_package():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert any(re.fullmatch(r"tensorflow-cpu==[\d.]+", line) for line in lines)
    assert "-e ." in lines


def test_import_without_tensorflow_says_what_to_install():
    done = subprocess.run([sys.executable, "-c", "import sys; sys.modules['tensorflow'] = None; import lenet5_lesson"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode != 0
    assert "lenet5_lesson needs TensorFlow" in done.stderr and 'pip install "lenet5_lesson[cpu]"' in done.stderr
