"""The 15-minute life circle: which spaces each residential community reaches on foot.

Pure computation — no Django here. docs/methodology.md (the life-circle section) states the
method; in short:

- the walking limit is ``minutes × speed`` (15 min at a child's 4 km/h ≈ 1000 m, the upper
  end of the 800–1000 m that GB 50180-2018 gives for the 15-minute life circle);
- on a walking network: a community and a space are each snapped to the nearest network
  vertex within ``snap_m`` (300 m); the access legs are counted straight-line; distance =
  access leg + shortest path on the network + access leg. A space with no vertex within
  ``snap_m`` (off the network) is reached straight-line × detour when that is within the
  limit. A
  community with no vertex within ``snap_m`` falls back to the straight-line method;
- straight-line (no network): distance = straight-line distance × ``detour`` (1.3), i.e. a
  radius of limit / detour (≈ 770 m);
- a community is covered when it reaches at least one space (the caller passes built spaces
  of the kinds that count).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .network import Grid, Network, Projection, Walkable

NETWORK, STRAIGHT = "network", "straight_line"


@dataclass(frozen=True)
class Params:
    minutes: float = 15.0
    speed_kmh: float = 4.0
    detour: float = 1.3
    snap_m: float = 300.0

    @property
    def limit_m(self) -> float:
        return self.minutes * self.speed_kmh * 1000 / 60

    def as_dict(self) -> dict:
        return {"minutes": self.minutes, "speed_kmh": self.speed_kmh, "detour": self.detour,
                "snap_m": self.snap_m, "limit_m": round(self.limit_m, 1)}


@dataclass(frozen=True)
class Place:
    id: int
    lon: float
    lat: float
    kind: str = ""


@dataclass
class Reach:
    community: int
    method: str
    access_m: float | None = None  # the community's straight-line leg to the network
    spaces: dict[int, float] = field(default_factory=dict)  # space id → metres
    kinds: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.spaces)

    @property
    def nearest_m(self) -> float | None:
        return min(self.spaces.values()) if self.spaces else None

    @property
    def nearest(self) -> int | None:
        return min(self.spaces, key=lambda s: (self.spaces[s], s)) if self.spaces else None


def _finish(reach: Reach, kinds: dict[int, str]) -> Reach:
    reach.spaces = {s: round(d, 1) for s, d in sorted(reach.spaces.items(), key=lambda kv: (kv[1], kv[0]))}
    reach.kinds = sorted({kinds[s] for s in reach.spaces if kinds.get(s)})
    return reach


def compute(communities: list[Place], spaces: list[Place], params: Params = Params(),
            network: Network | Walkable | None = None, progress=None) -> list[Reach]:
    """One ``Reach`` per community (in the order given). ``network``: a Network (built here)
    or a Walkable already built (reused across runs); None → straight-line for all."""
    limit = params.limit_m
    kinds = {s.id: s.kind for s in spaces}
    walk = None
    if network is not None:
        walk = network if isinstance(network, Walkable) else Walkable(network, snap_m=params.snap_m)
        projection = walk.projection
    else:
        projection = Projection.around([(p.lon, p.lat) for p in [*communities, *spaces]])
    space_xy = [projection(s.lon, s.lat) for s in spaces]
    straight_grid = Grid(space_xy, max(limit / params.detour, 1.0))
    at_node: dict[int, list[tuple[int, float]]] = {}
    off_network: list[int] = []
    if walk is not None:
        for k, (x, y) in enumerate(space_xy):
            snapped = walk.snap(x, y)
            if snapped is not None:
                at_node.setdefault(snapped[0], []).append((k, snapped[1]))
            else:
                off_network.append(k)
        off_grid = Grid([space_xy[k] for k in off_network], max(limit / params.detour, 1.0))
    out = []
    for c in communities:
        x, y = projection(c.lon, c.lat)
        snapped = walk.snap(x, y) if walk is not None else None
        if snapped is None:
            reach = Reach(c.id, STRAIGHT)
            for k, d in straight_grid.within(x, y, limit / params.detour):
                reach.spaces[spaces[k].id] = d * params.detour
        else:
            node, access = snapped
            reach = Reach(c.id, NETWORK, access_m=round(access, 1))
            for j, d in off_grid.within(x, y, limit / params.detour):
                reach.spaces[spaces[off_network[j]].id] = d * params.detour
            for vertex, dist in walk.reach(node, limit - access).items():
                for k, leg in at_node.get(vertex, ()):
                    total = access + dist + leg
                    if total <= limit + 1e-9:
                        sid = spaces[k].id
                        if total < reach.spaces.get(sid, math.inf):
                            reach.spaces[sid] = total
        out.append(_finish(reach, kinds))
        if progress is not None:
            progress.update(1)
    return out


def summary(reaches: list[Reach]) -> tuple[int, int, float | None]:
    """(communities, covered, share in %)."""
    total = len(reaches)
    covered = sum(r.covered for r in reaches)
    return total, covered, (round(covered * 100 / total, 2) if total else None)
