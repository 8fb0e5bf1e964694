"""The map of child-friendly spaces in a real browser: with a tile server (a loopback server
that draws a tile for any /{z}/{x}/{y}.png; the page's CSP must let its images in) and with
none (an intranet: no tile requests, the spaces are still drawn as SVG shapes on a plain
background). Screenshots: spaces-map-tiles.png, spaces-map-no-tiles.png."""
import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from cfcity.spaces import services
from tests.spaces.factory import kind

REFUSED = ("Content Security Policy", "Refused to")


def _tile() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (256, 256), (222, 232, 214))
    for i in range(0, 256, 32):
        for j in range(256):
            image.putpixel((i, j), (190, 205, 185))
            image.putpixel((j, i), (190, 205, 185))
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def tile_server():
    data, hits = _tile(), []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if re.fullmatch(r"/\d+/\d+/\d+\.png", self.path):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def mapped(world):
    w, c = world, world["coordinator"]
    c.set_password("x")
    c.save()
    for i, (code, status) in enumerate([("sports", "open"), ("reading", "certified"), ("school", "building"),
                                        ("park", "planned"), ("sports", "open"), ("hospital", "planned")]):
        services.create_space(c, area=w["county"], org_unit=w["town"] if i % 2 else w["town2"], kind=kind(code),
                              name=f"空间{i}", geometry={"type": "Point", "coordinates": [118.08 + i * 0.004, 36.95 + (i % 3) * 0.003]},
                              status="planned")
    services.create_space(c, area=w["county"], org_unit=w["town"], kind=kind("route"), name="上学路",
                          geometry={"type": "LineString", "coordinates": [[118.078, 36.944], [118.09, 36.947], [118.1, 36.946]]},
                          status="planned")
    ring = [[118.085, 36.958], [118.092, 36.958], [118.092, 36.962], [118.085, 36.962], [118.085, 36.958]]
    services.create_space(c, area=w["county"], org_unit=w["town2"], kind=kind("park"), name="口袋公园",
                          geometry={"type": "Polygon", "coordinates": [ring]}, status="planned")
    import datetime
    for space, status in zip(services.visible_spaces(c).order_by("pk"), ["open", "certified", "building"] * 3):
        services.change_status(c, space, status, datetime.date(2024, 6, 1))
    return w


def watch(page):
    seen = []
    page.on("console", lambda m: seen.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen.append(f"pageerror: {e}"))
    return seen


def test_map_with_and_without_a_tile_server(page, mapped, log_in, screenshot, settings, tile_server):
    messages = watch(page)
    log_in(page, "fgw", "x")

    # an intranet without a tile server: only our layers, on a plain background
    settings.CFCITY_MAP_TILES = ""
    page.goto("/spaces/map/")
    page.wait_for_selector("#spaces-map[data-features='8']")
    assert page.get_by_text("未配置底图，仅显示本平台图层").is_visible()
    assert page.locator("#spaces-map path.space-shape").count() == 8
    assert page.locator("#spaces-map path.st-certified").count() >= 2
    assert page.locator("#spaces-map img.leaflet-tile").count() == 0
    screenshot(page, "spaces-map-no-tiles", full_page=True)

    # a filter is applied by the server
    page.select_option("select[name=status]", "building")
    page.wait_for_selector("#spaces-map[data-features='2']")
    assert page.locator("#spaces-map path.space-shape").count() == 2

    # with a tile server: the tiles load (the CSP lets the server's origin in for images)
    origin, hits = tile_server
    settings.CFCITY_MAP_TILES = origin + "/{z}/{x}/{y}.png"
    settings.CFCITY_MAP_ATTRIBUTION = "测试底图"
    response = page.goto("/spaces/map/")
    assert origin in response.headers["content-security-policy"]
    page.wait_for_selector("#spaces-map[data-features='8']")
    page.wait_for_selector("#spaces-map img.leaflet-tile-loaded")
    page.wait_for_load_state("networkidle")
    assert hits and page.locator("#spaces-map img.leaflet-tile-loaded").count() >= 4
    assert page.locator("#spaces-map path.space-shape").count() == 8
    assert page.locator("#spaces-no-tiles").count() == 0
    screenshot(page, "spaces-map-tiles", full_page=True)

    # a click on a space opens its card, with the name as text and a link to its page
    page.locator("#spaces-map path.st-certified").first.click(force=True)
    page.wait_for_selector(".space-popup a")
    assert page.locator(".space-popup a").first.get_attribute("href").startswith("/spaces/")
    bad = [m for m in messages if any(w in m for w in REFUSED) or m.startswith("pageerror")]
    assert not bad, "\n".join(bad)
