"""Where things lie in the demo county (shared by the spaces, life-circle and assessment demos,
so spaces, residential communities and the walking network meet on one map).

The synthetic county sits where a county of the reference plan's kind would (around
118.10°E, 36.96°N, WGS-84); its towns lie on a ring about 7 km from the centre, the first
town (城区街道) at the centre itself. Each town's built-up area is a square of
``TOWN_HALF_SIDE_M`` metres on either side of its centre.
"""
from __future__ import annotations

import math

CENTRE = (118.097, 36.959)  # lon, lat
RING_M = 7000.0
TOWN_HALF_SIDE_M = 1000.0
M_PER_DEG_LAT = 111_320.0


def m_per_deg_lon(lat: float) -> float:
    return M_PER_DEG_LAT * math.cos(math.radians(lat))


def offset(origin: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    """The point ``east_m`` metres east and ``north_m`` metres north of ``origin`` (lon, lat)."""
    lon, lat = origin
    return (round(lon + east_m / m_per_deg_lon(lat), 7), round(lat + north_m / M_PER_DEG_LAT, 7))


def town_centre(index: int, count: int) -> tuple[float, float]:
    """The centre of the ``index``-th of ``count`` towns (in the demo's town order)."""
    if index == 0:
        return CENTRE
    angle = 2 * math.pi * (index - 1) / max(count - 1, 1)
    return offset(CENTRE, RING_M * math.cos(angle), RING_M * math.sin(angle))


def town_centres(area) -> dict[int, tuple[float, float]]:
    """town OrgUnit pk → centre, for the towns under ``area`` in their tree order."""
    from cfcity.orgs.models import OrgUnit
    towns = list(OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.TOWN).order_by("order", "pk"))
    return {t.pk: town_centre(i, len(towns)) for i, t in enumerate(towns)}
