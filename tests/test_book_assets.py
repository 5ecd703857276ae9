"""tools/book_assets.py: thebe is unpacked from its checked tarball and pointed at the book's require.js,
which holds anywidget's front end for the live explorers."""

import io
import tarfile

import pytest
from conftest import tool

book_assets = tool("book_assets")


def _tarball(path, files: dict[str, str]):
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_thebe_is_unpacked_without_source_maps_and_asks_the_page_for_require_js(tmp_path):
    bundle = 'load(fetch("https://example.org/ajax/libs/require.js/2.3.6/require.min.js"))'
    tarball = _tarball(tmp_path / "thebe.tgz", {"package/lib/index.js": bundle, "package/lib/12.index.js": "chunk",
                                                 "package/lib/index.js.map": "{}", "package/lib/thebe.css": "p{}",
                                                 "package/src/index.css": "p{}"})
    target = book_assets.vendor_thebe(tarball, tmp_path / "thebe")
    assert sorted(p.name for p in target.iterdir()) == ["12.index.js", "index.js", "thebe.css"]
    assert (target / "index.js").read_text() == "load(fetch(window.THEBE_REQUIREJS_URL))"


def test_a_thebe_that_fetches_require_js_elsewhere_stops_the_build(tmp_path):
    tarball = _tarball(tmp_path / "thebe.tgz", {"package/lib/index.js": "load(fetch('somewhere else'))"})
    with pytest.raises(ValueError, match="fetches require.js 0 times"):
        book_assets.vendor_thebe(tarball, tmp_path / "thebe")


def test_a_thebe_tarball_with_another_hash_is_refused(tmp_path):
    packed = tmp_path / "node_modules" / ".packed"
    packed.mkdir(parents=True)
    tarball = _tarball(packed / f"thebe-{book_assets.THEBE_VERSION}.tgz", {"package/lib/index.js": "tampered"})
    with pytest.raises(ValueError, match="does not match the pinned integrity"):
        book_assets.thebe_package(tmp_path)
    assert not tarball.exists(), "a refused tarball must be removed so that the next build fetches it again"


def test_anywidget_is_given_to_thebe_under_the_name_thebe_asks_for():
    bundle = book_assets.anywidget_amd()
    assert bundle.count("define(") == 1 and book_assets.ANYWIDGET_NAMED in bundle
    assert "AnyModel" in bundle and "AnyView" in bundle
