"""Every write of the life circle: checked, one transaction, audited — and the reads the pages,
the command and the measures share (what counts, as of which day).

Who: the coordinator of the plan (``review``) uploads the walking network and runs the
computation; everyone who works under the plan reads the results within their scope (a town
reporter its own town's communities).
"""
from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cfcity.accounts import access
from cfcity.audit.services import log_action
from cfcity.spaces.models import ResidentialCommunity, Space

from . import compute as lc
from .models import CommunityReach, LifeCircleRun, WalkNetwork
from .network import MAX_BYTES, NetworkError, Walkable, parse

DEFAULTS = {"minutes": 15.0, "speed_kmh": 4.0, "detour": 1.3, "snap_m": 300.0, "max_upload_mb": 64}


def conf(name: str):
    return getattr(settings, "CFCITY_LIFECIRCLE", {}).get(name, DEFAULTS[name])


def params(**overrides) -> lc.Params:
    values = {k: float(conf(k)) for k in ("minutes", "speed_kmh", "detour", "snap_m")}
    values.update({k: float(v) for k, v in overrides.items() if v is not None})
    for k, low, high in (("minutes", 1, 120), ("speed_kmh", 0.5, 10), ("detour", 1, 3), ("snap_m", 0, 5000)):
        if not low <= values[k] <= high:
            raise NetworkError(f"参数 {k} 应在 {low}～{high} 之间，现为 {values[k]}")
    return lc.Params(**values)


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


def can_manage(user, plan) -> bool:
    return access.can_review_plan(user, plan)


def active_network(area) -> WalkNetwork | None:
    return WalkNetwork.objects.filter(area=area, active=True).order_by("-uploaded_at", "-pk").first()


def latest_run(area) -> LifeCircleRun | None:
    return LifeCircleRun.objects.filter(area=area).order_by("-computed_at", "-pk").first()


# --- what counts ------------------------------------------------------------------------------

def built_spaces(area, as_of: datetime.date | None = None):
    """Spaces of a life-circle kind open or certified now — or, for ``as_of``, open by then
    (or certified by then when no opening date is recorded): the spaces register's own rule
    (``cfcity.spaces.measures.built``), so the two registers count the same spaces."""
    qs = Space.objects.filter(area=area, kind__in_life_circle=True, status__in=Space.BUILT)
    if as_of is not None:
        qs = qs.filter(Q(opened_on__lte=as_of) | Q(opened_on__isnull=True, certified_on__lte=as_of))
    return qs.select_related("kind")


def places(area, as_of: datetime.date | None = None):
    communities = [lc.Place(c.pk, c.lon, c.lat) for c in
                   ResidentialCommunity.objects.filter(area=area).order_by("pk")]
    spaces = [lc.Place(s.pk, s.lon, s.lat, s.kind.code) for s in built_spaces(area, as_of).order_by("pk")]
    return communities, spaces


def walkable(area, p: lc.Params) -> tuple[WalkNetwork | None, Walkable | None]:
    row = active_network(area)
    if row is None:
        return None, None
    return row, Walkable(row.network(), snap_m=p.snap_m)


def compute_area(area, as_of: datetime.date | None = None, p: lc.Params | None = None, walk=None,
                 progress=None) -> list[lc.Reach]:
    """The reaches as of ``as_of`` (no writes): the measures use it for past year ends."""
    p = p or params()
    if walk is None:
        _, walk = walkable(area, p)
    communities, spaces = places(area, as_of)
    return lc.compute(communities, spaces, p, walk, progress=progress)


# --- writes ---------------------------------------------------------------------------------

def upload_network(user, plan, *, name: str, filename: str, data: bytes) -> WalkNetwork:
    """Read the file (a ``NetworkError`` with a Chinese message if it cannot be) and make it the
    area's active network; the previous one is kept, inactive."""
    _require(can_manage(user, plan), "只有协调员可以上传步行路网")
    limit = int(float(conf("max_upload_mb")) * 1024 * 1024) if conf("max_upload_mb") else MAX_BYTES
    return import_network(user, plan.area, name=name, filename=filename, data=data, max_bytes=limit)


def import_network(user, area, *, name: str, filename: str, data: bytes, max_bytes: int = MAX_BYTES) -> WalkNetwork:
    """The file read (a ``NetworkError`` if it cannot be) and stored as ``area``'s active
    network — for the upload page (checked above) and ``cfcity lifecircle network``."""
    net = parse(filename, data, max_bytes=max_bytes)
    fmt = WalkNetwork.Format.OSM if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" else WalkNetwork.Format.GEOJSON
    return _store(user, area, net, name=(name or filename or "步行路网")[:200], source_name=filename[:200],
                  fmt=fmt, sha256=hashlib.sha256(data).hexdigest())


@transaction.atomic
def _store(user, area, net, *, name, source_name, fmt, sha256) -> WalkNetwork:
    WalkNetwork.objects.filter(area=area, active=True).update(active=False)
    row = WalkNetwork.objects.create(area=area, name=name, source_name=source_name, source_format=fmt,
                                     sha256=sha256, nodes=len(net.nodes), segments=len(net.edges),
                                     length_km=round(net.length_m() / 1000, 2), skipped=net.skipped,
                                     data=net.pack(), uploaded_by=user, active=True)
    log_action("lifecircle.network.uploaded", actor=user, obj=row, org_unit=area, data={
        "format": fmt, "nodes": row.nodes, "segments": row.segments, "length_km": row.length_km,
        "skipped": row.skipped, "sha256": sha256})
    return row


def store_network(user, area, net, *, name: str, fmt=WalkNetwork.Format.DEMO) -> WalkNetwork:
    """A network built in code (the demo, a command) stored as the area's active one."""
    return _store(user, area, net, name=name, source_name="", fmt=fmt, sha256="")


def run(user, plan, *, as_of: datetime.date | None = None, p: lc.Params | None = None, progress=None,
        check: bool = True) -> LifeCircleRun:
    """Compute the life circle of the plan's area now and store it as a run."""
    if check:
        _require(can_manage(user, plan), "只有协调员可以计算生活圈")
    area = plan.area
    p = p or params()
    row, walk = walkable(area, p)
    communities, spaces = places(area, as_of)  # None: every space open or certified now
    as_of = as_of or timezone.localdate()
    reaches = lc.compute(communities, spaces, p, walk, progress=progress)
    total, covered, share = lc.summary(reaches)
    with transaction.atomic():
        r = LifeCircleRun.objects.create(
            area=area, network=row, method=LifeCircleRun.Method.NETWORK if walk else LifeCircleRun.Method.STRAIGHT,
            parameters=p.as_dict(), as_of=as_of, computed_by=user if getattr(user, "pk", None) else None,
            communities=total, covered=covered, share=share, spaces=len(spaces))
        CommunityReach.objects.bulk_create([CommunityReach(
            run=r, community_id=x.community, covered=x.covered, method=x.method, access_m=x.access_m,
            nearest_m=x.nearest_m, nearest_space_id=x.nearest, kinds=x.kinds,
            spaces=[[s, d] for s, d in x.spaces.items()]) for x in reaches], batch_size=500)
        log_action("lifecircle.run.computed", actor=user if getattr(user, "pk", None) else None, obj=r,
                   org_unit=area, data={"method": r.method, "communities": total, "covered": covered,
                                        "share": str(share) if share is not None else None,
                                        "network": row.pk if row else None, "parameters": p.as_dict()})
    from . import measures
    measures.publish_soon()
    return r


def visible_reaches(user, run: LifeCircleRun):
    return access.visible_to(user, run.reaches.all(), "community__org_unit").select_related(
        "community", "community__org_unit", "community__org_unit__parent", "nearest_space")
