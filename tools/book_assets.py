"""Copy the JavaScript the book serves itself into ``_build/assets/vendor/`` (outside the sources).

The built pages load plotly.js and MathJax from their own ``_static`` folder, never from a
CDN: plotly.js comes from the installed ``plotly`` Python package (so it always matches the
version that wrote the figures), MathJax 3 from ``node_modules`` (``npm ci`` installs the
version pinned in ``package-lock.json``). Run before ``jupyter-book build``::

    python tools/book_assets.py
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "_build" / "assets" / "vendor"

# The parts of MathJax's es5 bundle the pages can ask for: the TeX+CHTML component the
# page loads, its fonts, the TeX extensions it autoloads, and the accessibility, menu and
# speech modules the MathJax context menu loads on demand.
MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "a11y", "ui", "sre")


def plotly_js() -> Path:
    """Path of the ``plotly.min.js`` bundled with the installed plotly package."""
    import plotly  # noqa: PLC0415

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall plotly")
    return path


def mathjax_dir(root: Path = ROOT) -> Path:
    """The ``es5`` folder of the MathJax 3 installed by npm."""
    path = root / "node_modules" / "mathjax" / "es5"
    if not (path / "tex-chtml.js").is_file():
        raise FileNotFoundError(f"{path / 'tex-chtml.js'} is missing: run `npm ci` at {root} first")
    return path


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def vendor(target: Path = VENDOR) -> list[Path]:
    """Copy plotly.js and MathJax into ``target``; return the top-level paths written."""
    written = [target / "plotly.min.js"]
    _copy(plotly_js(), written[0])
    source = mathjax_dir()
    for part in MATHJAX_PARTS:
        written.append(target / "mathjax" / part)
        _copy(source / part, written[-1])
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=VENDOR, help="folder to copy into (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        written = vendor(args.target)
    except FileNotFoundError as err:
        print(f"book_assets: {err}", file=sys.stderr)
        return 1
    print(f"book_assets: {len(written)} paths copied into {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
