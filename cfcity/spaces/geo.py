"""Checking a space's location: a GeoJSON geometry (RFC 7946) in longitude/latitude.

A location is a Point, a LineString (a travel route) or a Polygon (a park's outline, one
outer ring and at most a few holes), within China's extent (73–136°E, 3–54°N — a swapped
longitude/latitude pair is the commonest mistake and lands outside it), of bounded size.
``clean`` returns the geometry as stored (coordinates rounded to 7 decimals, about 1 cm)
and its representative point: the point itself, or the mean of a line's or an outline's
vertices (enough to place a marker and to measure walking distance to; not an area centroid).
"""
from __future__ import annotations

import json
import math

LON = (73.0, 136.0)
LAT = (3.0, 54.0)
MAX_VERTICES = 5000
MAX_RINGS = 20
TYPES = {"Point": "点", "LineString": "线", "Polygon": "面"}


class GeometryError(ValueError):
    """The message is for the user as is."""


def _position(p, where: str) -> list[float]:
    if not isinstance(p, (list, tuple)) or len(p) not in (2, 3):
        raise GeometryError(f"{where}的坐标应为[经度, 纬度]")
    lon, lat = p[0], p[1]
    if isinstance(lon, bool) or isinstance(lat, bool) or not all(isinstance(v, (int, float)) for v in (lon, lat)):
        raise GeometryError(f"{where}的坐标应为数字")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeometryError(f"{where}的坐标不是有效数字")
    if not (LON[0] <= lon <= LON[1] and LAT[0] <= lat <= LAT[1]):
        hint = "（经度和纬度是否写反了？）" if LON[0] <= lat <= LON[1] and LAT[0] <= lon <= LAT[1] else ""
        raise GeometryError(f"{where}的坐标（{lon}, {lat}）不在我国范围内（经度 73–136，纬度 3–54）{hint}")
    return [round(float(lon), 7), round(float(lat), 7)]


def _line(coords, where: str, minimum: int) -> list[list[float]]:
    if not isinstance(coords, (list, tuple)):
        raise GeometryError(f"{where}的坐标应为坐标数组")
    if len(coords) < minimum:
        raise GeometryError(f"{where}至少需要 {minimum} 个点")
    if len(coords) > MAX_VERTICES:
        raise GeometryError(f"{where}的点太多（{len(coords)} 个，最多 {MAX_VERTICES} 个），请简化后再导入")
    return [_position(p, where) for p in coords]


def clean(geometry) -> tuple[dict, float, float]:
    """The geometry as stored and its representative (lon, lat); ``GeometryError`` otherwise."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError:
            raise GeometryError("位置不是有效的 GeoJSON")
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise GeometryError("位置应为 GeoJSON 几何对象（含 type 和 coordinates）")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind not in TYPES:
        raise GeometryError(f"不支持的几何类型“{str(kind)[:30]}”：只接受点（Point）、线（LineString）和面（Polygon）")
    if kind == "Point":
        p = _position(coords, "点")
        return {"type": "Point", "coordinates": p}, p[0], p[1]
    if kind == "LineString":
        line = _line(coords, "线", 2)
        return {"type": "LineString", "coordinates": line}, *_mean(line)
    if not isinstance(coords, (list, tuple)) or not coords:
        raise GeometryError("面至少需要一个外环")
    if len(coords) > MAX_RINGS:
        raise GeometryError(f"面的环太多（最多 {MAX_RINGS} 个）")
    rings = []
    for i, ring in enumerate(coords):
        where = "面的外环" if i == 0 else f"面的第 {i} 个内环"
        r = _line(ring, where, 4)
        if r[0] != r[-1]:
            raise GeometryError(f"{where}没有闭合：首尾两点应相同")
        rings.append(r)
    if sum(len(r) for r in rings) > MAX_VERTICES:
        raise GeometryError(f"面的点太多（最多 {MAX_VERTICES} 个）")
    return {"type": "Polygon", "coordinates": rings}, *_mean(rings[0][:-1])


def _mean(points) -> tuple[float, float]:
    return (round(sum(p[0] for p in points) / len(points), 7), round(sum(p[1] for p in points) / len(points), 7))


def point(lon, lat) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}
