"""Copy the JavaScript the book serves itself into ``_build/assets/`` (outside the sources), LeNet-5 included.

The built pages load plotly.js and MathJax from their own ``_static`` folder, never from a
CDN: plotly.js comes from the installed ``plotly`` Python package (so it always matches the
version that wrote the figures), MathJax 3 and require.js from ``node_modules`` (``npm ci``
installs the versions pinned in ``package-lock.json``), and thebe, which the "Live code" button
loads, from its pinned npm tarball (see ``thebe_package``). The in-browser LeNet-5, the package's
``engine.js``, the shipped run's weights exported as ``weights.js`` and the explorers' test digits
as ``digits.js``, go to ``_build/assets/lenet5/`` (see ``engine``). Run before ``jupyter-book build``::

    python tools/book_assets.py
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "_build" / "assets" / "vendor"
ENGINE = ROOT / "_build" / "assets" / "lenet5"

# The parts of MathJax's es5 bundle the pages can ask for: the TeX+CHTML component the
# page loads, its fonts, the TeX extensions it autoloads, and the accessibility, menu and
# speech modules the MathJax context menu loads on demand.
MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "a11y", "ui", "sre")

# thebe's webpack bundle is self-contained, but npm cannot install the package here: its
# dependencies name @jupyterlab versions the registry does not hold. The tarball alone is fetched
# with `npm pack` and checked against the registry's integrity hash.
THEBE_VERSION = "0.9.3"
THEBE_INTEGRITY = "sha512-Rb/7kVhtlffXra3kIe7OuIGE7awsm2/fGWxw21DiNfnWLnUQiDl9AWqYdshPwZPG/5DzLpsJRPix2xtCPtJmQQ=="
# thebe fetches require.js (for widgets) from an outside address written into its bundle; the
# copy asks the page instead, where tools/static/thebe_kernel.js names the book's own require.js.
THEBE_REQUIREJS_FETCH = re.compile(r'fetch\("https://[^"]+/require(?:\.min)?\.js"\)')
THEBE_REQUIREJS_LOCAL = "fetch(window.THEBE_REQUIREJS_URL)"
# thebe then asks that require.js for each widget's front end, and a CDN for any module it does not
# hold already. The live explorers are anywidgets, so the copy thebe loads (require-widgets.js) is
# require.js followed by anywidget's own AMD bundle (the one it ships for the classic notebook),
# given the module name that thebe asks for.
ANYWIDGET_DEFINE = 'define(["@jupyter-widgets/base"], widget_default);'
ANYWIDGET_NAMED = 'define("anywidget", ["@jupyter-widgets/base"], widget_default);'


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


def thebe_package(root: Path = ROOT) -> Path:
    """The pinned thebe tarball, fetched once into ``node_modules/.packed`` and checked.

    Raises
    ------
    ValueError
        If the tarball's SHA-512 differs from ``THEBE_INTEGRITY``.
    """
    folder = root / "node_modules" / ".packed"
    tarball = folder / f"thebe-{THEBE_VERSION}.tgz"
    if not tarball.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", f"thebe@{THEBE_VERSION}", "--pack-destination", str(folder), "--silent"],
                       check=True, cwd=root, stdout=subprocess.DEVNULL)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != THEBE_INTEGRITY:
        tarball.unlink()
        raise ValueError(f"{tarball} does not match the pinned integrity of thebe {THEBE_VERSION}; run again")
    return tarball


def vendor_thebe(tarball: Path, target: Path) -> Path:
    """Unpack thebe's scripts and stylesheet into ``target``, pointed at the book's require.js."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = Path(member.name)
            if member.isfile() and name.parent == Path("package/lib") and name.suffix in (".js", ".css"):
                (target / name.name).write_bytes(archive.extractfile(member).read())
    bundle = target / "index.js"
    text, found = THEBE_REQUIREJS_FETCH.subn(THEBE_REQUIREJS_LOCAL, bundle.read_text(encoding="utf-8"))
    if found != 1:
        raise ValueError(f"{bundle} fetches require.js {found} times, not once as expected: update tools/book_assets.py")
    bundle.write_text(text, encoding="utf-8")
    return target


def anywidget_amd() -> str:
    """anywidget's AMD bundle from the installed package, defining the module ``anywidget`` by name.

    Raises
    ------
    ValueError
        If the bundle does not end in the one anonymous ``define`` this expects.
    """
    from importlib import resources  # noqa: PLC0415

    bundle = resources.files("anywidget").joinpath("nbextension", "index.js").read_text(encoding="utf-8")
    if bundle.count(ANYWIDGET_DEFINE) != 1:
        raise ValueError(f"anywidget's nbextension/index.js does not contain {ANYWIDGET_DEFINE!r} once: "
                         "update tools/book_assets.py")
    return bundle.replace(ANYWIDGET_DEFINE, ANYWIDGET_NAMED)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def vendor(target: Path = VENDOR) -> list[Path]:
    """Copy plotly.js, MathJax, require.js (alone and with anywidget) and thebe into ``target``; return the paths written."""
    written = [target / "plotly.min.js"]
    _copy(plotly_js(), written[0])
    source = mathjax_dir()
    for part in MATHJAX_PARTS:
        written.append(target / "mathjax" / part)
        _copy(source / part, written[-1])
    written.append(target / "require.js")
    _copy(ROOT / "node_modules" / "requirejs" / "require.js", written[-1])
    written.append(target / "require-widgets.js")
    written[-1].write_text(written[-2].read_text(encoding="utf-8") + "\n" + anywidget_amd(), encoding="utf-8")
    written.append(vendor_thebe(thebe_package(), target / "thebe"))
    return written


def engine(target: Path = ENGINE) -> list[Path]:
    """Write the package's ``engine.js``, the shipped faithful run's ``weights.js`` and ``digits.js`` into ``target``.

    The weights are exported here, at build time, from ``lenet5_lesson/runs/faithful``, and the
    digits from the MNIST test set, so the repository holds neither twice; the pages load the
    three scripts from ``_static/lenet5/``.
    """
    # Imported here: it loads Keras, which the vendoring above does not need.
    from lenet5_lesson.explorers.engine import write_assets  # noqa: PLC0415

    return write_assets(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=VENDOR, help="folder to copy into (default: %(default)s)")
    parser.add_argument("--engine-target", type=Path, default=ENGINE,
                        help="folder for engine.js, weights.js and digits.js (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        written = vendor(args.target)
        scripts = engine(args.engine_target)
    except (FileNotFoundError, ValueError, subprocess.CalledProcessError) as err:
        print(f"book_assets: {err}", file=sys.stderr)
        return 1
    print(f"book_assets: {len(written)} paths copied into {args.target}, "
          f"{len(scripts)} scripts written into {args.engine_target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
