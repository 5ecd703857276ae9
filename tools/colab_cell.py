"""Write each chapter's Colab install cell from the repository named in ``_config.yml``.

Colab opens a chapter's notebook alone, straight from GitHub, where the book's package is not
installed; the chapter's first code cell (tagged ``remove-cell``, so the book does not show it)
installs it from the book's repository. That address and branch live in one place, the
``repository`` section of ``_config.yml``, which also makes the launch buttons. After changing
them, run::

    python tools/colab_cell.py

``tests/test_launch.py`` fails while a chapter's cell differs from what this writes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]


def repository(config: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """The repository URL and branch that ``_config.yml`` names."""
    section = yaml.safe_load(config.read_text(encoding="utf-8"))["repository"]
    return section["url"].rstrip("/"), section["branch"]


def install_cell(url: str, branch: str) -> str:
    """Source of the cell that installs the package in Colab, and does nothing anywhere else."""
    return (
        "# In Colab, install the book's package first (Binder and a local clone already have it).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "lenet5_lesson @ git+{url}@{branch}"\n'
        "    from google.colab import output\n"
        "\n"
        "    # Colab draws third-party widgets, such as the book's live explorers, only with this manager.\n"
        "    output.enable_custom_widget_manager()"
    )


def install_cell_of(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A chapter's first code cell, which must be its hidden install cell."""
    cell = next((c for c in notebook.cells if c.cell_type == "code"), None)
    if cell is None or "remove-cell" not in cell.metadata.get("tags", []):
        raise ValueError("a chapter's first code cell must be the install cell, tagged remove-cell")
    return cell


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks, in order."""
    return sorted((root / "book").glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report chapters whose cell is out of date")
    args = parser.parse_args(argv)
    source = install_cell(*repository())
    stale = []
    for path in chapters():
        notebook = nbformat.read(path, as_version=4)
        try:
            cell = install_cell_of(notebook)
        except ValueError as err:
            print(f"colab_cell: {path.name}: {err}", file=sys.stderr)
            return 1
        if cell.source != source:
            stale.append(path.name)
            if not args.check:
                cell.source = source
                nbformat.write(notebook, path)
    verb = "out of date" if args.check else "rewritten"
    print(f"colab_cell: {len(stale)} chapters {verb}" + (f": {', '.join(stale)}" if stale else ""))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
