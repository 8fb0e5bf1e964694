"""The life-circle computation against a small network computed by hand, the straight-line
fallback with its detour factor, and the two file formats with hostile input. Pure: no
database.

The network (metres east, north of an origin in the demo county; every edge straight)::

    E(0,300) ───────────── 800 ───────────── D(800,300)
      │ 300                                     │ 300
    H(-600,0) ─ 600 ─ A(0,0) ─ 400 ─ B(400,0) ─ 400 ─ C(800,0) ─ 400 ─ F(1200,0)
                                      │ 600
                                    G(400,600)

Walking limit 15 min × 4 km/h = 1000 m. Spaces: s8 park at (400,10) → B + 10 m; s1 park at
D; s2 reading at (400,640) → G + 40 m; s3 sports at (3300,3000), off the network.
"""
import math

import pytest

from cfcity.lifecircle import compute as lc
from cfcity.lifecircle.network import Builder, Network, NetworkError, Walkable, parse
from cfcity.spaces import demo_geo

O = (118.097, 36.959)
NODES = {"A": (0, 0), "B": (400, 0), "C": (800, 0), "D": (800, 300), "E": (0, 300), "F": (1200, 0),
         "G": (400, 600), "H": (-600, 0)}
EDGES = ["AB", "BC", "CD", "AE", "CF", "BG", "ED", "HA"]


def at(x, y):
    return demo_geo.offset(O, x, y)


def network() -> Network:
    b = Builder()
    for a, z in EDGES:
        b.line([at(*NODES[a]), at(*NODES[z])])
    return b.done()


def place(i, x, y, kind=""):
    lon, lat = at(x, y)
    return lc.Place(i, lon, lat, kind)


COMMUNITIES = [place(1, 0, 0), place(2, 0, 320), place(3, 1200, 50), place(4, 3000, 3000), place(5, -600, 0)]
SPACES = [place(8, 400, 10, "park"), place(11, 800, 300, "park"), place(12, 400, 640, "reading"),
          place(13, 3300, 3000, "sports")]


def by_id(reaches):
    return {r.community: r for r in reaches}


def test_network_coverage_matches_the_hand_computation():
    r = by_id(lc.compute(COMMUNITIES, SPACES, lc.Params(), network()))
    assert lc.Params().limit_m == pytest.approx(1000)
    # c1 at A: s8 via A-B 400 + 10; s1 via A-B-C-D or A-E-D = 1100 > 1000; s2 via A-B-G 1000 + 40 = 1040
    assert r[1].method == "network" and r[1].access_m == pytest.approx(0, abs=0.1)
    assert set(r[1].spaces) == {8} and r[1].spaces[8] == pytest.approx(410, abs=0.5)
    # c2 20 m above E: s8 via E-A-B 700 + 20 + 10 = 730; s1 via E-D 800 + 20 = 820; s2 is 488 m away in a
    # straight line (634 m with the detour factor) but 1360 m on foot: not reached
    assert r[2].spaces == pytest.approx({8: 730, 11: 820}, abs=0.5)
    assert r[2].nearest == 8 and r[2].kinds == ["park"]
    # c3 50 m above F: s1 via F-C-D 700 + 50 = 750; s8 via F-C-B 800 + 50 + 10 = 860
    assert r[3].spaces == pytest.approx({11: 750, 8: 860}, abs=0.5)
    assert list(r[3].spaces) == [11, 8]  # nearest first
    # c4: no vertex within 300 m → straight line × 1.3: s3 300 m away → 390 m
    assert r[4].method == "straight_line" and r[4].spaces == pytest.approx({13: 390}, abs=0.5)
    # c5 at H: s8 via H-A-B 1000 + 10 = 1010 m — just beyond the limit
    assert not r[5].covered and r[5].nearest_m is None and r[5].kinds == []
    assert lc.summary(list(r.values())) == (5, 4, 80.0)


def test_a_space_just_beyond_the_limit_is_reached_with_a_longer_walk():
    slower = lc.Params(minutes=15.2)  # 1013 m: c5 now reaches s8 (1010 m)
    r = by_id(lc.compute(COMMUNITIES, SPACES, slower, network()))
    assert r[5].spaces == pytest.approx({8: 1010}, abs=0.5)
    assert 12 not in r[1].spaces  # 1040 m still beyond
    r = by_id(lc.compute(COMMUNITIES, SPACES, lc.Params(minutes=15.7), network()))  # 1046.7 m
    assert r[1].spaces[12] == pytest.approx(1040, abs=0.5)


def test_straight_line_fallback_uses_the_detour_factor():
    r = by_id(lc.compute(COMMUNITIES, SPACES, lc.Params(), None))
    assert all(x.method == "straight_line" for x in r.values())
    # radius 1000 / 1.3 = 769.2 m
    assert r[1].spaces == pytest.approx({8: math.hypot(400, 10) * 1.3, 12: math.hypot(400, 640) * 1.3}, abs=0.5)
    assert r[5].spaces == {}  # s8 is 1000.05 m away
    # just inside and just beyond the radius
    inside, beyond = place(21, 769, 0, "park"), place(22, -770, 0, "park")
    r = lc.compute([place(1, 0, 0)], [inside, beyond], lc.Params(), None)[0]
    assert set(r.spaces) == {21} and r.spaces[21] == pytest.approx(999.7, abs=0.5)
    r = lc.compute([place(1, 0, 0)], [inside], lc.Params(detour=1.5), None)[0]
    assert not r.covered


def test_an_off_network_space_is_reached_straight_line_and_nothing_is_counted_twice():
    walk = Walkable(network(), snap_m=300)
    near = place(31, 0, -400, "park")  # no vertex within 300 m: 400 × 1.3 = 520 m from c1
    r = lc.compute([place(1, 0, 0)], [near, place(8, 400, 10, "park")], lc.Params(), walk)[0]
    assert r.spaces == pytest.approx({8: 410, 31: 520}, abs=0.5)


def test_pack_round_trip_and_length():
    net = network()
    back = Network.unpack(net.pack())
    assert back.edges == net.edges and len(back.nodes) == len(net.nodes) == 8
    assert net.length_m() == pytest.approx(400 + 400 + 300 + 300 + 400 + 600 + 800 + 600, abs=1)


# --- files ------------------------------------------------------------------------------------

def geojson(features) -> dict:
    return {"type": "FeatureCollection", "features": features}


def line(*coords, name="路"):
    return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "LineString",
                                                                       "coordinates": [list(c) for c in coords]}}


def test_geojson_lines_join_at_shared_vertices_in_utf8_and_gb18030():
    import json
    a, b, c, d = at(0, 0), at(100, 0), at(200, 0), at(100, 100)
    doc = geojson([line(a, b, name="人民路"), line(b, c), {"type": "Feature", "properties": {},
                   "geometry": {"type": "MultiLineString", "coordinates": [[list(b), list(d)]]}},
                   {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": list(a)}}])
    text = json.dumps(doc, ensure_ascii=False)
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gb18030")):
        net = parse("路网.geojson", data)
        assert len(net.nodes) == 4 and len(net.edges) == 3 and net.skipped == 1
    assert parse("x", json.dumps(line(a, b)["geometry"]).encode()).edges == [(0, 1)]


@pytest.mark.parametrize("data,words", [
    (b"", "空的"),
    (b"   \n", "无法识别"),
    (b"{not json", "JSON 格式错误"),
    (b'{"type": "FeatureCollection", "features": []}', "没有可步行的路径"),
    (b'{"type": "FeatureCollection", "features": {}}', "应为列表"),
    (b'{"type":"LineString","coordinates":[[200,10],[118,36]]}', "超出经纬度范围"),
    (b'{"type":"LineString","coordinates":[["118",36],[118,36]]}', "不是数字"),
    (b'{"type":"LineString","coordinates":[[118],[118,36]]}', "格式不对"),
    (b'{"type":"LineString","coordinates":"x"}', "格式不对"),
    (b'{"type":"LineString","coordinates":[[NaN,36],[118,36]]}', "超出经纬度范围"),
    (b'{"type":"Feature","geometry":{"type":"LineString","coordinates":[[118,36],[118,36]]}}', "没有可步行的路径"),
    ('{"a":' * 100000 + "1" + "}" * 100000, "JSON"),
    (b'{"type": "\xff\xff"}', "编码无法识别"),
    (b"PK\x03\x04 a zip", "无法识别"),
])
def test_hostile_geojson_is_refused_with_a_chinese_message(data, words):
    data = data.encode() if isinstance(data, str) else data
    with pytest.raises(NetworkError) as e:
        parse("x.geojson", data)
    if words:
        assert words in str(e.value)


def test_too_big_is_refused_before_parsing():
    with pytest.raises(NetworkError, match="文件太大"):
        parse("x.geojson", b"{" + b" " * 2000, max_bytes=1000)


OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="36.9590" lon="118.0970"/>
  <node id="2" lat="36.9590" lon="118.0980"/>
  <node id="3" lat="36.9600" lon="118.0980"/>
  <node id="4" lat="36.9600" lon="118.0990"/>
  <node id="5" lat="36.9610" lon="118.0990"/>
  <node id="6" lat="999" lon="118.1"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="footway"/><tag k="name" v="健身步道"/></way>
  <way id="11"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/></way>
  <way id="12"><nd ref="4"/><nd ref="5"/><tag k="highway" v="motorway"/></way>
  <way id="13"><nd ref="1"/><nd ref="5"/><tag k="highway" v="footway"/><tag k="foot" v="no"/></way>
  <way id="14"><nd ref="2"/><nd ref="5"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
  <way id="15"><nd ref="4"/><nd ref="99"/><nd ref="5"/><nd ref="6"/><tag k="highway" v="path"/></way>
  <way id="16"><nd ref="1"/><nd ref="4"/><tag k="building" v="yes"/></way>
</osm>"""


def test_osm_extract_keeps_walkable_ways_only():
    net = parse("extract.osm", OSM.encode())
    # footway 1-2-3 and residential 3-4; motorway, foot=no, access=private and the building left out;
    # way 15 is split at the missing node 99 and the invalid node 6: nothing left of it
    assert len(net.edges) == 3 and len(net.nodes) == 4
    assert net.skipped == 4


@pytest.mark.parametrize("data", [
    """<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
    <osm><node id="1" lat="&b;" lon="1"/></osm>""",
    """<?xml version="1.0"?><!DOCTYPE osm SYSTEM "http://example.invalid/osm.dtd"><osm/>""",
    """<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY x SYSTEM "file:///etc/passwd">]><osm>&x;</osm>""",
])
def test_osm_with_a_doctype_or_entities_is_refused(data):
    with pytest.raises(NetworkError, match="DOCTYPE"):
        parse("evil.osm", data.encode())


def test_broken_osm_says_where():
    with pytest.raises(NetworkError, match="第 2 行"):
        parse("x.osm", b"<osm>\n<node id='1' lat='1' lon='1'></osm>")
    with pytest.raises(NetworkError, match="没有可步行的路径"):
        parse("x.osm", b"<osm><node id='1' lat='1' lon='1'/></osm>")
