"""Life-circle pages (signed in). Thin: the area is the plan's the user works under, rows are
narrowed by the access layer (a town reporter sees its own town's communities), every change
goes through services (coordinator only)."""
from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from cfcity.accounts import access
from cfcity.plans import models as pm

from . import services
from .forms import NetworkForm
from .models import WalkNetwork
from .network import Grid, NetworkError, Projection

MAP_SEGMENTS = 20_000  # at most this many network segments drawn on the map


def _plan(user):
    plan = access.visible_plans(user, pm.Plan.objects.filter(area__isnull=False)).order_by("-date", "-pk").first()
    if plan is None:
        raise Http404("没有可用的行动方案")
    return plan


def _town(community):
    unit = community.org_unit
    return unit.parent if unit.kind == "village" and unit.parent_id else unit


def _rows(user, run):
    if run is None:
        return []
    return list(services.visible_reaches(user, run).order_by("community__org_unit__parent__order",
                                                            "community__org_unit__order", "community__name"))


def _kind_names():
    from cfcity.spaces.models import SpaceKind
    return dict(SpaceKind.objects.values_list("code", "name"))


@login_required
def summary(request):
    plan = _plan(request.user)
    area = plan.area
    run = services.latest_run(area)
    rows = _rows(request.user, run)
    kinds = _kind_names()
    towns: dict[int, dict] = {}
    for r in rows:
        town = _town(r.community)
        t = towns.setdefault(town.pk, {"name": town.name, "total": 0, "covered": 0})
        t["total"] += 1
        t["covered"] += r.covered
        r.kind_names = "、".join(kinds.get(k, k) for k in r.kinds)
        r.town = town
    for t in towns.values():
        t["share"] = round(t["covered"] * 100 / t["total"], 1) if t["total"] else None
    covered = sum(r.covered for r in rows)
    return render(request, "lifecircle/summary.html", {
        "plan": plan, "run": run, "rows": rows, "gaps": [r for r in rows if not r.covered],
        "towns": list(towns.values()), "total": len(rows), "covered": covered,
        "share": round(covered * 100 / len(rows), 1) if rows else None,
        "network": services.active_network(area), "can_manage": services.can_manage(request.user, plan),
        "params": run.parameters if run else services.params().as_dict()})


def _map_data(user, plan, run):
    area = plan.area
    rows = _rows(user, run)
    limit = float(run.parameters.get("limit_m", services.params().limit_m)) if run else services.params().limit_m
    communities = [{"name": r.community.name, "town": _town(r.community).name, "lon": r.community.lon,
                    "lat": r.community.lat, "covered": r.covered,
                    "nearest": None if r.nearest_m is None else round(r.nearest_m),
                    "space": r.nearest_space.name if r.nearest_space else ""} for r in rows]
    reached = {s for r in rows for s, _ in r.spaces}
    spaces_qs = services.built_spaces(area)
    visible = access.visible_to(user, spaces_qs, "org_unit").values_list("pk", flat=True)
    kinds = _kind_names()
    spaces = [{"name": s.name, "kind": kinds.get(s.kind.code, s.kind.code), "lon": s.lon, "lat": s.lat}
              for s in spaces_qs.filter(pk__in={*visible, *reached}).order_by("pk")]
    segments = []
    network = run.network if run and run.network_id else None
    if network is not None and communities:
        net = network.network()
        proj = Projection.around(net.nodes)
        grid = Grid([proj(c["lon"], c["lat"]) for c in communities], limit)
        near = [any(True for _ in grid.within(*proj(lon, lat), limit)) for lon, lat in net.nodes]
        for i, j in net.edges:
            if near[i] or near[j]:
                segments.append([[round(v, 6) for v in net.nodes[i]], [round(v, 6) for v in net.nodes[j]]])
                if len(segments) >= MAP_SEGMENTS:
                    break
    return {"communities": communities, "spaces": spaces, "segments": segments, "limit": round(limit),
            "tiles": getattr(settings, "CFCITY_MAP_TILES", "") or ""}


@login_required
def map_page(request):
    plan = _plan(request.user)
    run = services.latest_run(plan.area)
    data = _map_data(request.user, plan, run)
    return render(request, "lifecircle/map.html", {"plan": plan, "run": run, "data": data,
                                                    "can_manage": services.can_manage(request.user, plan),
                                                    "gaps": sum(not c["covered"] for c in data["communities"])})


@login_required
def results_geojson(request):
    plan = _plan(request.user)
    run = services.latest_run(plan.area)
    if run is None:
        raise Http404("还没有生活圈计算结果")
    kinds = _kind_names()
    features = []
    for r in _rows(request.user, run):
        c = r.community
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                         "properties": {"name": c.name, "town": _town(c).name, "village": c.org_unit.name,
                                        "covered": r.covered, "method": r.method,
                                        "nearest_m": None if r.nearest_m is None else round(r.nearest_m, 1),
                                        "nearest_space": r.nearest_space.name if r.nearest_space else None,
                                        "kinds": [kinds.get(k, k) for k in r.kinds],
                                        "spaces_reached": len(r.spaces)}})
    doc = {"type": "FeatureCollection", "features": features,
           "properties": {"area": plan.area.name, "computed_at": run.computed_at.isoformat(),
                          "method": run.method, "parameters": run.parameters,
                          "as_of": run.as_of.isoformat()}}
    response = HttpResponse(json.dumps(doc, ensure_ascii=False), content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{plan.area.name}15分钟生活圈{run.computed_at:%Y%m%d}.geojson")
    return response


@login_required
def network_page(request):
    plan = _plan(request.user)
    if not services.can_manage(request.user, plan):
        raise PermissionDenied("只有协调员可以管理步行路网")
    form = NetworkForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            f = form.cleaned_data["file"]
            limit = float(services.conf("max_upload_mb")) * 1024 * 1024
            try:
                if f.size > limit:
                    raise NetworkError(f"文件太大（{f.size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB；"
                                       "请按县域裁剪后再上传")
                row = services.upload_network(request.user, plan, name=form.cleaned_data["name"],
                                              filename=f.name, data=f.read())
            except NetworkError as e:
                form.add_error("file", str(e))
            else:
                messages.success(request, f"路网已导入：{row.nodes} 个节点、{row.segments} 个路段，共 {row.length_km} "
                                          "公里。请点击“重新计算”更新生活圈。")
                return redirect("lifecircle:summary")
        status = 400
    networks = WalkNetwork.objects.filter(area=plan.area).defer("data").select_related("uploaded_by")[:20]
    return render(request, "lifecircle/network.html", {"plan": plan, "form": form, "networks": networks},
                  status=status)


@login_required
@require_POST
def run_now(request):
    plan = _plan(request.user)
    if not services.can_manage(request.user, plan):
        raise PermissionDenied("只有协调员可以计算生活圈")
    r = services.run(request.user, plan)
    share = "—" if r.share is None else f"{r.share}%"
    messages.success(request, f"已重新计算：{r.communities} 个社区中 {r.covered} 个已覆盖（{share}）。")
    return redirect("lifecircle:summary")

