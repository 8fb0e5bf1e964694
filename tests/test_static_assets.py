"""Front-end assets come from npm (package.json / package-lock.json, `npm ci` in make) and are
served by the app itself through Django's staticfiles and WhiteNoise — never from a CDN."""
import json
import re
import runpy
import shutil
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "cfcity"
ECHARTS = "vendor/echarts/echarts.min.js"


def served(client, path: str):
    response = client.get(static(path))
    # reading a streamed response to its end closes it (the test client's wrapper does)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def echarts_version() -> str:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["echarts"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"echarts is not pinned exactly: {pinned!r}"
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/echarts"]
    assert locked["version"] == pinned
    return pinned


def test_echarts_found_in_node_modules():
    found = Path(finders.find(ECHARTS))
    assert found == ROOT / "node_modules" / "echarts" / "dist" / "echarts.min.js"
    assert static(ECHARTS) == "/static/vendor/echarts/echarts.min.js"


def test_echarts_served_by_the_app(client):
    response, body = served(client, ECHARTS)
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    assert f'version="{echarts_version()}"'.encode() in body  # the version package.json pins


@pytest.mark.parametrize("path, kind, marker", [
    ("cfcity/charts.js", "javascript", b"cfcityCharts"),
    ("cfcity/print.css", "text/css", b"@media print"),
])
def test_own_assets_served(client, path, kind, marker):
    assert finders.find(path)
    response, body = served(client, path)
    assert response.status_code == 200
    assert kind in response["Content-Type"]
    assert marker in body


def test_charts_js_draws_as_svg_with_the_status_colours():
    source = Path(finders.find("cfcity/charts.js")).read_text(encoding="utf-8")
    assert 'renderer: "svg"' in source
    assert "beforeprint" in source
    for colour in ("#2e7d32", "#66bb6a", "#f9a825", "#c62828", "#9e9e9e", "#90caf9"):
        assert colour in source


REMOTE = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
REMOTE_CSS = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*(?:https?:)?//""", re.I)


def template_files():
    dirs = [ROOT / PACKAGE / "templates", *(ROOT / PACKAGE).glob("*/templates")]
    return sorted(p for d in dirs for p in d.rglob("*.html"))


def test_no_template_loads_anything_from_elsewhere():
    files = template_files()
    assert files
    offending = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files
                 for m in REMOTE.finditer(p.read_text(encoding="utf-8"))]
    assert offending == []


def test_no_stylesheet_loads_anything_from_elsewhere():
    files = sorted((ROOT / PACKAGE / "static").rglob("*.css"))
    assert files
    offending = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files
                 for m in REMOTE_CSS.finditer(p.read_text(encoding="utf-8"))]
    assert offending == []


def test_the_scan_would_catch_a_cdn():
    assert REMOTE.search('<script src="https://cdn.jsdelivr.net/npm/echarts/dist/echarts.min.js">')
    assert REMOTE.search("<link rel=stylesheet href='//cdn.example.com/x.css'>")
    assert not REMOTE.search('<script src="{% static \'vendor/echarts/echarts.min.js\' %}">')
    assert not REMOTE.search('<a href="https://www.gov.cn/">')  # a link to read is fine


def test_settings_refuse_to_start_without_node_modules(tmp_path):
    """A checkout without `npm ci` stops at start with a message, not a page without charts."""
    (tmp_path / PACKAGE).mkdir()
    copy = tmp_path / PACKAGE / "settings.py"
    shutil.copy(ROOT / PACKAGE / "settings.py", copy)  # its node_modules/ would be tmp_path's
    with pytest.raises(ImproperlyConfigured) as e:
        runpy.run_path(str(copy))
    assert "npm ci" in str(e.value) and "前端依赖未安装" in str(e.value)


def test_only_the_vendor_files_pages_use_are_collected(settings, tmp_path):
    """Not ECharts' whole dist folder (51 MB): the files pages load, each under its static path."""
    from cfcity.vendor import VendorFinder
    listed = [(storage.prefix, name) for name, storage in VendorFinder().list([])]
    assert listed == [("vendor/echarts", "echarts.min.js"), ("vendor/leaflet", "leaflet.js"),
                      ("vendor/leaflet", "leaflet.css"),
                      *[("vendor/leaflet/images", n) for n in ("layers.png", "layers-2x.png", "marker-icon.png",
                                                                "marker-icon-2x.png", "marker-shadow.png")]]
    assert VendorFinder().find("vendor/leaflet/leaflet-src.js") is None  # in dist, not exposed
    assert VendorFinder().find("vendor/echarts/echarts.esm.js") is None  # in dist, not exposed
    settings.VENDOR_FILES = {"vendor/x/missing.js": tmp_path / "missing.js"}
    [error] = VendorFinder().check()
    assert "npm ci" in error.msg
