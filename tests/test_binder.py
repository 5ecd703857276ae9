"""Binder builds the project with repo2docker: it must accept a clean clone as it is."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_repo2docker_accepts_a_clean_clone(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.fail("this test clones the repository: run it from a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    repo2docker = Path(sys.executable).with_name("repo2docker")
    done = subprocess.run([str(repo2docker), "--no-build", str(clone)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    dockerfile = done.stdout
    assert "python=3.11" in done.stderr + dockerfile, "runtime.txt must select Python 3.11"
    assert 'pip install --no-cache-dir -r "requirements.txt"' in dockerfile
    # The whole repository is in the image before requirements.txt (which installs the package) runs.
    assert dockerfile.index("src/ ${REPO_DIR}/") < dockerfile.index('-r "requirements.txt"')
    shutil.rmtree(clone)
