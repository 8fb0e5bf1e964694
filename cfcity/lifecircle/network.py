"""Walking networks: read a county's paths from a file, project them to metres, build a graph.

Pure computation — no Django here (the benchmark and the tests use it alone).

Two formats are read:

- GeoJSON (RFC 7946, WGS-84 / CGCS2000 longitude-latitude): a FeatureCollection, a Feature or
  a bare geometry; every LineString and MultiLineString is a path, other geometries are
  skipped and counted. UTF-8 (with or without BOM) or GB18030.
- An OpenStreetMap XML extract (``.osm``): the ``way`` elements whose ``highway`` tag is one a
  child may walk on (``WALKABLE``), unless tagged ``foot=no`` or ``access=private/no``. The
  XML is read by expat in a streaming way with any DOCTYPE refused, so no entity can be
  declared or expanded (no "billion laughs", no external entity).

Lines are joined where they share a vertex (coordinates equal to 1e-7°, about a centimetre);
two lines that merely cross without a shared vertex are not connected (a bridge over a road
is drawn that way). Coordinates are projected to local metres by an equirectangular
projection around the network's mean latitude: within a county (±30 km) the error in a
distance is well under 1 % — far below the uncertainty of a walking time.
"""
from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

import networkx as nx

M_PER_DEG_LAT = 111_320.0
MAX_BYTES = 64 * 1024 * 1024
MAX_SEGMENTS = 2_000_000
WALKABLE = frozenset({"footway", "path", "pedestrian", "living_street", "residential", "service",
                      "unclassified", "tertiary", "secondary", "primary", "steps", "track", "cycleway",
                      "tertiary_link", "secondary_link", "primary_link", "road", "corridor"})
NO_FOOT = {"foot": {"no"}, "access": {"private", "no"}}


class NetworkError(ValueError):
    """A file that cannot be read as a walking network; the message is for the user as is."""


@dataclass
class Network:
    """Vertices (lon, lat) and segments (pairs of vertex indexes), each segment once."""
    nodes: list[tuple[float, float]] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    skipped: int = 0  # features or ways left out (not a line, not walkable)

    def pack(self) -> bytes:
        """A compact stored form (zlib-compressed JSON)."""
        return zlib.compress(json.dumps({"n": [[round(a, 7), round(b, 7)] for a, b in self.nodes],
                                         "e": self.edges}, separators=(",", ":")).encode(), 6)

    @classmethod
    def unpack(cls, data: bytes) -> "Network":
        raw = json.loads(zlib.decompress(bytes(data)))
        return cls(nodes=[(a, b) for a, b in raw["n"]], edges=[(i, j) for i, j in raw["e"]])

    def length_m(self) -> float:
        p = Projection.around(self.nodes)
        xy = [p(lon, lat) for lon, lat in self.nodes]
        return sum(math.dist(xy[i], xy[j]) for i, j in self.edges)


class Builder:
    """Vertices joined where they coincide (to 1e-7°), each segment once."""

    def __init__(self):
        self.index: dict[tuple[int, int], int] = {}
        self.net = Network()
        self.seen: set[tuple[int, int]] = set()

    def vertex(self, lon: float, lat: float) -> int:
        key = (round(lon * 1e7), round(lat * 1e7))
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.net.nodes)
            self.net.nodes.append((lon, lat))
        return i

    def line(self, coords: list[tuple[float, float]]):
        prev = None
        for lon, lat in coords:
            i = self.vertex(lon, lat)
            if prev is not None and prev != i:
                key = (min(prev, i), max(prev, i))
                if key not in self.seen:
                    self.seen.add(key)
                    self.net.edges.append(key)
                    if len(self.net.edges) > MAX_SEGMENTS:
                        raise NetworkError(f"路网超过 {MAX_SEGMENTS:,} 个路段，请按县域裁剪后再上传")
            prev = i

    def done(self) -> Network:
        if not self.net.edges:
            raise NetworkError("文件中没有可步行的路径（需要 LineString/MultiLineString 线要素，"
                               "或 OSM 中可步行的道路）")
        return self.net


def _coord(value, where: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise NetworkError(f"{where}的坐标格式不对（应为 [经度, 纬度]）")
    lon, lat = value[0], value[1]
    if isinstance(lon, bool) or isinstance(lat, bool) or not isinstance(lon, (int, float)) \
            or not isinstance(lat, (int, float)):
        raise NetworkError(f"{where}的坐标不是数字")
    lon, lat = float(lon), float(lat)
    if not (math.isfinite(lon) and math.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise NetworkError(f"{where}的坐标超出经纬度范围（经度 −180～180，纬度 −90～90）：{lon}, {lat}")
    return lon, lat


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM allowed) or GB18030; a clear error otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise NetworkError("文件编码无法识别（请使用 UTF-8 或 GB18030）") from None


def parse_geojson(data: bytes) -> Network:
    try:
        doc = json.loads(decode_text(data))
    except (json.JSONDecodeError, RecursionError):
        raise NetworkError("文件不是有效的 GeoJSON（JSON 格式错误）") from None
    if not isinstance(doc, dict) or "type" not in doc:
        raise NetworkError("文件不是 GeoJSON：缺少 type")
    if doc["type"] == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise NetworkError("GeoJSON 的 features 应为列表")
    elif doc["type"] == "Feature":
        features = [doc]
    else:
        features = [{"type": "Feature", "geometry": doc}]
    b = Builder()
    for n, feature in enumerate(features, 1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict):
            b.net.skipped += 1
            continue
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        where = f"第 {n} 个要素"
        if kind == "LineString":
            lines = [coords]
        elif kind == "MultiLineString":
            lines = coords
        else:
            b.net.skipped += 1
            continue
        if not isinstance(lines, list):
            raise NetworkError(f"{where}的坐标格式不对")
        for line in lines:
            if not isinstance(line, list):
                raise NetworkError(f"{where}的坐标格式不对")
            b.line([_coord(c, where) for c in line])
    return b.done()


class _Refused(Exception):
    pass


def parse_osm(data: bytes) -> Network:
    """An OSM XML extract, streamed through expat; DOCTYPE (and so any entity) refused."""
    nodes: dict[str, tuple[float, float]] = {}
    ways: list[tuple[list[str], dict[str, str]]] = []
    state: dict = {"way": None, "bad_node": 0}
    parser = expat.ParserCreate()

    def refuse(*_args):
        raise _Refused()

    def start(name, attrs):
        if name == "node":
            try:
                lon, lat = float(attrs["lon"]), float(attrs["lat"])
            except (KeyError, ValueError):
                state["bad_node"] += 1
                return
            if math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90:
                nodes[attrs.get("id", "")] = (lon, lat)
            else:
                state["bad_node"] += 1
        elif name == "way":
            state["way"] = ([], {})
        elif state["way"] is not None and name == "nd":
            state["way"][0].append(attrs.get("ref", ""))
        elif state["way"] is not None and name == "tag":
            state["way"][1][attrs.get("k", "")] = attrs.get("v", "")

    def end(name):
        if name == "way" and state["way"] is not None:
            ways.append(state["way"])
            state["way"] = None

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Refused:
        raise NetworkError("OSM 文件含有 DOCTYPE 或实体声明，出于安全原因拒绝读取") from None
    except expat.ExpatError as e:
        raise NetworkError(f"OSM 文件不是有效的 XML（第 {e.lineno} 行）") from None
    b = Builder()
    for refs, tags in ways:
        if tags.get("highway") not in WALKABLE or any(tags.get(k) in v for k, v in NO_FOOT.items()):
            b.net.skipped += 1
            continue
        run: list[tuple[float, float]] = []
        for ref in refs:  # a way whose node is missing from the extract is split there
            point = nodes.get(ref)
            if point is None:
                if len(run) > 1:
                    b.line(run)
                run = []
            else:
                run.append(point)
        if len(run) > 1:
            b.line(run)
    return b.done()


def parse(name: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> Network:
    """A network from an uploaded file: by its content (``<`` → OSM XML, ``{`` → GeoJSON)."""
    if not data:
        raise NetworkError("文件是空的")
    if len(data) > max_bytes:
        raise NetworkError(f"文件太大（{len(data) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB；"
                           "请按县域裁剪后再上传")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return parse_osm(data)
    if head.startswith(b"{"):
        return parse_geojson(data)
    raise NetworkError("无法识别的文件：请上传 GeoJSON（.geojson/.json）或 OpenStreetMap 导出文件（.osm）")


# --- metres, the graph, snapping ------------------------------------------------------------------

@dataclass(frozen=True)
class Projection:
    """Equirectangular projection to metres around (lon0, lat0)."""
    lon0: float
    lat0: float

    @classmethod
    def around(cls, points) -> "Projection":
        points = list(points)
        if not points:
            return cls(0.0, 0.0)
        return cls(sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.lon0) * M_PER_DEG_LAT * math.cos(math.radians(self.lat0)),
                (lat - self.lat0) * M_PER_DEG_LAT)


class Grid:
    """Points in square cells of ``cell`` metres: the nearest point within a distance."""

    def __init__(self, points: list[tuple[float, float]], cell: float):
        self.cell = max(cell, 1.0)
        self.points = points
        self.cells: dict[tuple[int, int], list[int]] = {}
        for i, (x, y) in enumerate(points):
            self.cells.setdefault((int(x // self.cell), int(y // self.cell)), []).append(i)

    def within(self, x: float, y: float, radius: float):
        """(index, distance) of the points within ``radius`` of (x, y)."""
        r = int(math.ceil(radius / self.cell))
        cx, cy = int(x // self.cell), int(y // self.cell)
        for gx in range(cx - r, cx + r + 1):
            for gy in range(cy - r, cy + r + 1):
                for i in self.cells.get((gx, gy), ()):
                    d = math.dist((x, y), self.points[i])
                    if d <= radius:
                        yield i, d

    def nearest(self, x: float, y: float, radius: float) -> tuple[int, float] | None:
        best = None
        for i, d in self.within(x, y, radius):
            if best is None or d < best[1] or (d == best[1] and i < best[0]):
                best = (i, d)
        return best


class Walkable:
    """A network ready for walking: the graph in metres and a grid of its vertices."""

    def __init__(self, net: Network, projection: Projection | None = None, snap_m: float = 300.0):
        self.net = net
        self.projection = projection or Projection.around(net.nodes)
        self.xy = [self.projection(lon, lat) for lon, lat in net.nodes]
        self.graph = nx.Graph()
        self.graph.add_nodes_from(range(len(net.nodes)))
        self.graph.add_weighted_edges_from((i, j, math.dist(self.xy[i], self.xy[j])) for i, j in net.edges)
        self.snap_m = snap_m
        self.grid = Grid(self.xy, snap_m)

    def snap(self, x: float, y: float) -> tuple[int, float] | None:
        """The nearest vertex within the snap distance, with the straight-line access leg."""
        return self.grid.nearest(x, y, self.snap_m)

    def reach(self, node: int, cutoff: float) -> dict[int, float]:
        """Vertex → walking distance from ``node``, for those within ``cutoff`` metres."""
        if cutoff < 0:
            return {}
        return nx.single_source_dijkstra_path_length(self.graph, node, cutoff=cutoff, weight="weight")
