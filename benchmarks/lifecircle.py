#!/usr/bin/env python3
"""The 15-minute life circle on a walking network the size of a real county: about 50,000
path segments, 300 residential communities, 500 child-friendly spaces.

    .venv/bin/python benchmarks/lifecircle.py                       # 50,000 segments, 300 / 500
    .venv/bin/python benchmarks/lifecircle.py --segments 200000 --communities 1000 --spaces 2000

The network is synthetic and deterministic (--seed): a street grid over a square county
(spacing 110 m, every vertex jittered by up to ±25 m, 8 % of the segments dropped so blocks
are irregular, with diagonal footpaths added through a share of the blocks) written as a GeoJSON
FeatureCollection of LineStrings, one street or path per feature — as a county's GIS export
would come. Communities and spaces are placed at random inside it (a tenth of the communities
in the outer ring, where streets are sparse). No database: the pure computation the site runs
(``cfcity.lifecircle.network`` and ``.compute``), timed step by step:

- parse: the GeoJSON bytes read back into vertices and segments (``network.parse``);
- pack / unpack: the compact stored form (``WalkNetwork.data``) and reading it back;
- graph: the projection to metres, the networkx graph and the snapping grid (``Walkable``);
- compute (network): every community snapped and one Dijkstra with a cutoff of 1000 m each;
- compute (straight line): the fallback with detour factor 1.3, for comparison.

Prints the median of --runs for each step, the coverage found, and peak RSS.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cfcity.lifecircle import compute as lc  # noqa: E402
from cfcity.lifecircle.network import Network, Walkable, parse  # noqa: E402

CENTRE = (118.097, 36.959)
M_PER_DEG_LAT = 111_320.0
SPACING_M = 110.0
KINDS = ["community", "park", "reading", "sports"]


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon0, lat0 = CENTRE
    return (round(lon0 + x / (M_PER_DEG_LAT * math.cos(math.radians(lat0))), 7), round(lat0 + y / M_PER_DEG_LAT, 7))


def synthetic_geojson(segments: int, seed: int) -> tuple[bytes, float]:
    """(GeoJSON bytes, half side of the county in metres) with about ``segments`` segments."""
    rng = random.Random(f"{seed}:network")
    # a grid of n × n vertices has 2n(n-1) segments; 8 % dropped, diagonals add 5 % of n²
    n = max(3, round(math.sqrt(segments / (2 * 0.92 + 0.05))))
    half = (n - 1) * SPACING_M / 2
    jitter = {(i, j): (rng.uniform(-25, 25), rng.uniform(-25, 25)) for i in range(n) for j in range(n)}

    def vertex(i, j):
        dx, dy = jitter[(i, j)]
        return list(lonlat(-half + i * SPACING_M + dx, -half + j * SPACING_M + dy))

    features = []

    def street(points):
        if len(points) > 1:
            features.append({"type": "Feature", "properties": {"highway": "residential"},
                             "geometry": {"type": "LineString", "coordinates": points}})

    for horizontal in (True, False):
        for a in range(n):
            run = []
            for b in range(n):
                ij = (b, a) if horizontal else (a, b)
                if run and rng.random() < 0.08:  # a dropped segment breaks the street in two
                    street(run)
                    run = []
                run.append(vertex(*ij))
            street(run)
    for i in range(n - 1):
        for j in range(n - 1):
            if rng.random() < 0.05:
                street([vertex(i, j), vertex(i + 1, j + 1)])
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, separators=(",", ":")).encode(), half


def places(count: int, half: float, seed: str, kinds: bool) -> list[lc.Place]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        edge = half * (1.2 if rng.random() < 0.1 else 0.95)  # a few beyond the streets
        lon, lat = lonlat(rng.uniform(-edge, edge), rng.uniform(-edge, edge))
        out.append(lc.Place(i + 1, lon, lat, rng.choice(KINDS) if kinds else ""))
    return out


def timed(fn, runs: int, bar=None):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if bar is not None:
            bar.update(1)
    return statistics.median(times), result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Time the 15-minute life circle on a county-sized network.")
    ap.add_argument("--segments", type=int, default=50_000)
    ap.add_argument("--communities", type=int, default=300)
    ap.add_argument("--spaces", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3, help="runs per step (median; default 3)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from tqdm import tqdm

    data, half = synthetic_geojson(args.segments, args.seed)
    communities = places(args.communities, half, f"{args.seed}:communities", False)
    spaces = places(args.spaces, half, f"{args.seed}:spaces", True)
    params = lc.Params()
    results = {}
    with tqdm(total=args.runs * 6, desc="life circle", unit="step", file=sys.stderr) as bar:
        results["parse"], net = timed(lambda: parse("county.geojson", data), args.runs, bar)
        results["pack"], packed = timed(net.pack, args.runs, bar)
        results["unpack"], _ = timed(lambda: Network.unpack(packed), args.runs, bar)
        results["graph"], walk = timed(lambda: Walkable(net, snap_m=params.snap_m), args.runs, bar)
        results["compute (network)"], reaches = timed(
            lambda: lc.compute(communities, spaces, params, walk), args.runs, bar)
        results["compute (straight line)"], straight = timed(
            lambda: lc.compute(communities, spaces, params, None), args.runs, bar)
    total, covered, share = lc.summary(reaches)
    s_total, s_covered, s_share = lc.summary(straight)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    side = 2 * half / 1000
    print(f"\nLife-circle benchmark — median of {args.runs} runs, Python {sys.version.split()[0]}\n")
    print(f"network: {len(net.edges):,} segments, {len(net.nodes):,} vertices, {net.length_m() / 1000:,.0f} km "
          f"of paths over {side:.1f} × {side:.1f} km; GeoJSON {len(data) / 1048576:.1f} MB, "
          f"stored {len(packed) / 1048576:.1f} MB")
    print(f"communities {args.communities}, spaces {args.spaces}, walk {params.minutes:g} min at "
          f"{params.speed_kmh:g} km/h = {params.limit_m:.0f} m, snap ≤ {params.snap_m:g} m, detour {params.detour:g}\n")
    print("| step | median s |")
    print("|---|---:|")
    for step, seconds in results.items():
        print(f"| {step} | {seconds:.3f} |")
    whole = results["unpack"] + results["graph"] + results["compute (network)"]
    print(f"| a stored run (unpack + graph + compute) | {whole:.3f} |")
    print(f"\ncovered on the network: {covered} of {total} ({share}%); straight line × {params.detour:g}: "
          f"{s_covered} of {s_total} ({s_share}%); "
          f"{sum(r.method == 'straight_line' for r in reaches)} communities off the network")
    print(f"peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
