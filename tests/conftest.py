"""Shared fixtures: the real MNIST files (from LENET5_MNIST_DIR), Keras quietened, and the built
book served from 127.0.0.1 to Debian's Chromium (driven by playwright) with outside requests blocked.

For the browser tests of the live explorers: a page of explorers written into a module's ``folder``
(``write_explorer_page``), that folder over http (``http_base``) or from file:// (``page_base``),
opened and watched for problems (``open_watched``); a Jupyter server for JupyterLab with one
notebook (``notebook_server``) or for thebe with this checkout (``jupyter_server``). The checks
those tests share are in ``explorer_checks.py``.
"""

import contextlib
import functools
import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def tool(name: str):
    """A script of ``tools/`` (the book's build helpers, not part of the package), loaded by path."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    folder = os.environ.get("LENET5_MNIST_DIR")
    if not folder:
        pytest.fail("LENET5_MNIST_DIR is not set: the tests read the original MNIST files from it "
                    "(make test sets it to ../shared/data/mnist)")
    return Path(folder)


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    from lenet5_lesson import load_mnist

    return load_mnist(mnist_dir)


@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} holds no built book: run `make book` first")
    return SITE


@functools.cache
def shipped_model():
    """The shipped faithful LeNet-5, loaded once per test session."""
    from lenet5_lesson import pretrained

    return pretrained()


def keras_layer_outputs(x32) -> dict:
    """Every layer's output of the shipped network for one preprocessed 32x32x1 image, without the batch axis."""
    import numpy as np

    from lenet5_lesson.figures.network import INSIDE_LAYERS, layer_outputs

    batch = layer_outputs(shipped_model(), np.asarray(x32, dtype="float32")[None], INSIDE_LAYERS)
    return {name: values[0] for name, values in batch.items()}


#: The scripts of the in-browser LeNet-5 that every page of the book loads from _static, in its order.
SITE_SCRIPTS = ("weights.js", "digits.js", "engine.js")


def write_explorer_page(folder: Path, name: str, *explorers, site: bool = True) -> Path:
    """``folder/name``: a page holding the explorers' ``text/html`` faces, as the book's pages hold them.

    With ``site``, the page loads the book's in-browser LeNet-5 as the built pages do, from
    ``folder/_static/lenet5`` (written there once per folder); without it, the page has none.
    """
    head = ""
    if site:
        static = folder / "_static" / "lenet5"
        if not (static / SITE_SCRIPTS[-1]).is_file():
            from lenet5_lesson.explorers import engine

            engine.write_assets(static)
        head = "".join(f'<script src="_static/lenet5/{script}"></script>' for script in SITE_SCRIPTS)
    faces = "\n".join(explorer._repr_mimebundle_()[0]["text/html"] for explorer in explorers)
    path = folder / name
    path.write_text('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Live explorers</title>'
                    f'{head}</head><body><main><h1>Live explorers</h1>{faces}</main></body></html>', encoding="utf-8")
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path):
    """``folder`` served from 127.0.0.1 for as long as the block runs; yields the base address."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def running_jupyter(root: Path, log: Path, env: dict, *options: str):
    """A Jupyter server on 127.0.0.1 serving ``root``, started and waited for; yields (base, token).

    ``options`` are further command-line settings (``--ServerApp.allow_origin=*`` for thebe, say);
    the server's output goes to ``log``, whose end is shown if the server stops or never answers.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    command = [str(Path(sys.executable).with_name("jupyter")), "server", "--no-browser", "--allow-root",
               "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", *options]
    with open(log, "w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"the Jupyter server stopped:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        else:
            pytest.fail(f"the Jupyter server did not answer:\n{log.read_text()[-3000:]}")
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture
def mnist_env(mnist_dir, monkeypatch):
    """LENET5_MNIST_DIR set for the test (the explorers' modules read the digits from it)."""
    monkeypatch.setenv("LENET5_MNIST_DIR", str(mnist_dir))


@pytest.fixture(scope="module")
def http_base(folder):
    """The module's ``folder`` of explorer pages, served over http."""
    with serving(folder) as base:
        yield base


def page_base(request, folder: Path) -> str:
    """Where a test parametrised over "file" and "http" opens ``folder``: its file:// address or ``http_base``."""
    return folder.as_uri() if request.param == "file" else request.getfixturevalue("http_base")


@contextlib.contextmanager
def open_watched(browser, base: str, path: str = "index.html", ready: str | None = None, timeout: float = 30_000):
    """``base/path`` opened in a PageWatch and, with ``ready``, waited for until that selector shows.

    Yields the watch; afterwards it is closed and nothing may have gone wrong on the page.
    """
    watch = PageWatch(browser, base)
    try:
        watch.open(path)
        if ready:
            watch.page.locator(ready).wait_for(timeout=timeout)
        yield watch
        problems = list(watch.problems)
    finally:
        watch.close()
    assert not problems, "\n".join(problems)


@contextlib.contextmanager
def notebook_server(root: Path, name: str, mnist_dir: Path, cells):
    """A Jupyter server for JupyterLab serving ``root``, which holds one notebook ``name`` of these code cells."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / name)
    env = {"LENET5_MNIST_DIR": str(mnist_dir), "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces")}
    with running_jupyter(root, root / "server.log", env) as found:
        yield found


@pytest.fixture(scope="module")
def jupyter_server(mnist_dir, tmp_path_factory):
    """A Jupyter server on 127.0.0.1 that serves this checkout, as Binder would serve the repository."""
    log = tmp_path_factory.mktemp("jupyter") / "server.log"
    with running_jupyter(ROOT, log, {"LENET5_MNIST_DIR": str(mnist_dir)}, "--ServerApp.allow_origin=*") as found:
        yield found


#: Points thebe at the local server instead of mybinder.org; everything else is the page as built.
USE_LOCAL_SERVER = """([base, token]) => {
    const own = Object.getOwnPropertyDescriptor(window, 'thebelab');
    Object.defineProperty(window, 'thebelab', {configurable: true, get: own.get, set(value) {
        own.set(value);
        const bootstrap = value.bootstrap;
        value.bootstrap = (options = {}) => bootstrap({...options, useBinder: false, serverSettings: {
            baseUrl: base, wsUrl: base.replace('http', 'ws'), token: token, appendToken: true}});
    }});
}"""


@pytest.fixture(scope="module")
def server(site):
    with serving(site) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """Opens a page with outside requests blocked and records everything that went wrong."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.origin = urlsplit(base).netloc
        #: Other hosts a test lets the page reach (a local Jupyter server standing in for Binder).
        self.allowed: set[str] = set()
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.problems.append(f"uncaught exception: {err}"))

    def _local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.netloc == self.origin or parts.netloc in self.allowed

    def _route(self, route) -> None:
        url = route.request.url
        if self._local(url):
            route.continue_()
        else:
            self.problems.append(f"outside request blocked: {url}")
            route.abort()

    def _failed(self, request) -> None:
        if self._local(request.url):
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message) -> None:
        if message.type == "error":
            source = message.location.get("url") if message.location else ""
            self.problems.append(f"console error: {message.text}" + (f" ({source})" if source else ""))

    def open(self, path: str) -> None:
        self.page.goto(f"{self.base}/{path}", wait_until="networkidle")
        # A long page can still be parsing when the network has gone quiet.
        self.page.wait_for_function("document.readyState === 'complete'")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watch(browser, server):
    opened = PageWatch(browser, server)
    yield opened
    opened.close()


def pytest_collection_modifyitems(items) -> None:
    """Every test that drives Chromium carries the ``browser`` mark, so ``-m "not browser"`` leaves it out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
