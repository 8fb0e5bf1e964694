"""Pages of the register of child-friendly spaces and its map (signed in). Thin: objects
through ``services.visible_spaces`` (404 outside the user's scope, 403 read-only), every
change through ``services`` / ``geojson``."""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from cfcity.accounts import access
from cfcity.audit.models import AuditEntry
from cfcity.audit.services import action_label
from cfcity.cases.files import FileRefused
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm

from . import geojson, services
from .forms import ImportForm, PhotoForm, SpaceForm, StatusForm
from .models import ChecklistItem, Space, SpaceKind, SpacePhoto

S = Space.Status
COLOURS = {S.PLANNED: "#8a8f98", S.BUILDING: "#d98c1f", S.OPEN: "#2b7bb9", S.CERTIFIED: "#2e8b57"}


def _area(user) -> OrgUnit:
    plan = access.visible_plans(user, pm.Plan.objects.filter(area__isnull=False)).order_by("-date", "-pk").first()
    if plan is None:
        raise Http404("没有可用的行动方案")
    return plan.area


def _space(user, space_id, write=False) -> Space:
    try:
        space = services.visible_spaces(user).select_related("kind", "org_unit", "lead_unit", "task", "area").get(
            pk=space_id)
    except Space.DoesNotExist:
        raise Http404("没有找到该空间，或您无权查看")
    if write and not services.can_edit(user, space):
        raise PermissionDenied("您没有修改该空间的权限")
    return space


def _filtered(request, spaces):
    """The list's and the GeoJSON's filters: kind, status, town (its villages too), task."""
    f = {k: request.GET.get(k, "") for k in ("kind", "status", "town", "task")}
    if f["kind"]:
        spaces = spaces.filter(kind__code=f["kind"])
    if f["status"] in S.values:
        spaces = spaces.filter(status=f["status"])
    if f["town"].isascii() and f["town"].isdigit() and len(f["town"]) < 12:
        spaces = spaces.filter(org_unit_id__in=[int(f["town"]), *OrgUnit.objects.filter(
            parent_id=int(f["town"])).values_list("pk", flat=True)])
    if f["task"].isascii() and f["task"].isdigit() and len(f["task"]) < 12:
        spaces = spaces.filter(task__number=int(f["task"]))
    return spaces, f


def _towns(area):
    return list(OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.TOWN).order_by("order", "pk"))


@login_required
def space_list(request):
    area = _area(request.user)
    spaces, f = _filtered(request, services.visible_spaces(request.user, Space.objects.filter(area=area)))
    spaces = spaces.select_related("kind", "org_unit", "lead_unit", "task")
    plan = services.plan_for(area)
    counts = dict.fromkeys(S.values, 0)
    for s in spaces:
        counts[s.status] += 1
    return render(request, "spaces/list.html", {
        "area": area, "spaces": spaces, "f": f, "kinds": SpaceKind.objects.all(), "statuses": S.choices,
        "towns": _towns(area), "tasks": pm.Task.objects.filter(plan=plan, spaces__isnull=False).distinct()
        .order_by("number") if plan else [], "counts": [(label, counts[v]) for v, label in S.choices],
        "can_create": services.can_create(request.user, area), "query": request.GET.urlencode()})


def _form_units(user, area):
    places, leads = services.choices(user, area)
    if not places:
        raise PermissionDenied("您的角色不能登记儿童友好空间")
    return {"places": places, "leads": leads, "plan": services.plan_for(area),
            "lead_required": services.lead_required(user, area)}


def _fields(d) -> dict:
    return {"kind": d["kind"], "org_unit": d["org_unit"], "lead_unit": d["lead_unit"], "name": d["name"],
            "task": d["task"], "geometry": d["shape"], "status": d["status"], "address": d["address"],
            "description": d["description"], "started_on": d["started_on"], "opened_on": d["opened_on"],
            "certified_on": d["certified_on"]}


@login_required
def space_new(request):
    area = _area(request.user)
    units = _form_units(request.user, area)
    initial = {"lead_unit": units["leads"][0].pk} if units["lead_required"] and units["leads"] else {}
    form = SpaceForm(request.POST if request.method == "POST" else None, initial=initial, **units)
    if request.method == "POST" and form.is_valid():
        try:
            space = services.create_space(request.user, area=area, **_fields(form.cleaned_data))
        except services.SpaceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "空间已登记，可以继续确认达标项、上传照片。")
            return redirect("spaces:detail", space.pk)
    return render(request, "spaces/form.html", {"form": form, "space": None},
                  status=400 if form.errors else 200)


@login_required
def space_edit(request, space_id):
    space = _space(request.user, space_id, write=True)
    units = _form_units(request.user, space.area)
    # the space's own units stay choosable (a department edits a space in any town)
    units["places"] = list(dict.fromkeys([*units["places"], space.org_unit]))
    if space.lead_unit:
        units["leads"] = list(dict.fromkeys([*units["leads"], space.lead_unit]))
    form = SpaceForm(request.POST if request.method == "POST" else None, initial=SpaceForm.initial_for(space), **units)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_space(request.user, space, **_fields(form.cleaned_data))
        except services.SpaceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "已保存。")
            return redirect("spaces:detail", space.pk)
    return render(request, "spaces/form.html", {"form": form, "space": space}, status=400 if form.errors else 200)


def _history(space):
    rows = AuditEntry.objects.filter(object_type="spaces.space", object_id=str(space.pk)).order_by("created_at", "pk")
    labels = dict(S.choices)
    out = []
    for e in rows:
        data = e.data or {}
        change = ""
        if e.action == "spaces.space.status" and data.get("before") != data.get("after"):
            change = f"{labels.get(data.get('before'), '')} → {labels.get(data.get('after'), '')}"
            if data.get("on"):
                change += f"（{data['on']}）"
        elif e.action == "spaces.space.created":
            change = labels.get((data.get("after") or {}).get("status"), "")
        out.append({"when": e.created_at, "who": e.actor_name, "what": action_label(e.action), "change": change})
    return out


ACTIONS = {"status", "checks", "upload", "remove", "delete"}


@login_required
def space_detail(request, space_id):
    space = _space(request.user, space_id)
    editable = services.can_edit(request.user, space)
    status_form = StatusForm(initial={"status": space.status}) if editable else None
    photo_form = PhotoForm() if editable else None
    code = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            code = 400
        elif not editable:
            raise PermissionDenied("您没有修改该空间的权限")
        else:
            try:
                if action == "status":
                    status_form = StatusForm(request.POST)
                    if status_form.is_valid():
                        services.change_status(request.user, space, status_form.cleaned_data["status"],
                                               status_form.cleaned_data["on"])
                        messages.success(request, "状态已更新。")
                        return redirect(request.path)
                    code = 400
                elif action == "checks":
                    ids = [i for i in request.POST.getlist("item") if i.isascii() and i.isdigit() and len(i) < 12][:200]
                    services.set_checks(request.user, space, ids)
                    messages.success(request, "达标项已保存。")
                    return redirect(request.path)
                elif action == "upload":
                    photo_form = PhotoForm(request.POST, request.FILES)
                    if photo_form.is_valid():
                        f = photo_form.cleaned_data["file"]
                        services.add_photo(request.user, space, name=f.name, data=f.read(),
                                           caption=photo_form.cleaned_data["caption"])
                        messages.success(request, "照片已上传。")
                        return redirect(request.path)
                    code = 400
                elif action == "remove":
                    row = get_object_or_404(SpacePhoto, pk=request.POST.get("photo") or 0, space=space)
                    services.remove_photo(request.user, row)
                    messages.success(request, "照片已删除。")
                    return redirect(request.path)
                elif action == "delete":
                    services.delete_space(request.user, space)
                    messages.success(request, "空间已删除。")
                    return redirect("spaces:list")
            except (services.SpaceError, FileRefused) as e:
                messages.error(request, str(e))
                return redirect(request.path)
    ticked = set(space.checks.values_list("item_id", flat=True))
    items = [(i, i.pk in ticked) for i in ChecklistItem.objects.filter(kind_id=space.kind_id)]
    return _allow_tiles(render(request, "spaces/detail.html", {
        "space": space, "editable": editable, "status_form": status_form, "photo_form": photo_form,
        "items": items, "ticked": len(ticked), "photos": space.photos.all(), "history": _history(space),
        "feature": geojson.export(Space.objects.filter(pk=space.pk)), "map_config": _map_config(request)},
        status=code))


@login_required
@require_GET
def photo(request, photo_id):
    row = get_object_or_404(SpacePhoto.objects.select_related("space"), pk=photo_id)
    _space(request.user, row.space_id)  # 404 unless the space is visible
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("照片已不在存储中，请联系管理员")
    response = FileResponse(handle, content_type=row.content_type)
    response["Content-Disposition"] = content_disposition_header(False, f"{row.pk}{row.extension}")
    return response


# --- the map and GeoJSON -------------------------------------------------------------------

def tile_origin() -> str | None:
    url = getattr(settings, "CFCITY_MAP_TILES", "") or ""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _map_config(request) -> dict:
    origin = tile_origin()
    return {"tiles": settings.CFCITY_MAP_TILES if origin else "",
            "attribution": getattr(settings, "CFCITY_MAP_ATTRIBUTION", "") or "",
            "colours": COLOURS, "statuses": dict(S.choices)}


def _allow_tiles(response):
    origin = tile_origin()
    if origin:
        response._csp_update = {"img-src": [origin]}
    return response


@login_required
def space_map(request):
    area = _area(request.user)
    config = {**_map_config(request), "url": f"{request.path.rsplit('/map/', 1)[0]}/spaces.geojson"}
    response = render(request, "spaces/map.html", {
        "area": area, "config": config, "kinds": SpaceKind.objects.all(), "statuses": S.choices,
        "towns": _towns(area), "colours": [(label, COLOURS[v], v) for v, label in S.choices],
        "can_create": services.can_create(request.user, area)})
    return _allow_tiles(response)


@login_required
@require_GET
def space_geojson(request):
    area = _area(request.user)
    spaces, _ = _filtered(request, services.visible_spaces(request.user, Space.objects.filter(area=area)))
    data = geojson.export(spaces)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json; charset=utf-8"
    if request.GET.get("download"):
        response["Content-Disposition"] = content_disposition_header(True, f"{area.name}儿童友好空间.geojson")
    return response


@login_required
def space_import(request):
    area = _area(request.user)
    if not services.can_create(request.user, area):
        raise PermissionDenied("您的角色不能导入儿童友好空间")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, code = [], 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > geojson.MAX_BYTES:
                errors = [f"文件太大，每次导入不超过 {geojson.MAX_BYTES // 1024 // 1024} MB"]
            else:
                try:
                    done = geojson.import_file(request.user, area, upload.read())
                except geojson.ImportRefused as e:
                    errors = e.errors
                else:
                    messages.success(request, f"导入完成：新增 {done['created']} 处，更新 {done['updated']} 处。")
                    return redirect("spaces:list")
        code = 400
    return render(request, "spaces/import.html", {"form": form, "errors": errors, "area": area}, status=code)

