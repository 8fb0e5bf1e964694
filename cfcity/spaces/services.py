"""Every write on the register of child-friendly spaces: checked, one transaction, audited,
and the plan's targets refreshed after it commits (``measures.publish_soon``).

Who sees a space: whoever's scope holds the unit it lies in (``org_unit``: a town's reporter
its town's spaces) or its lead unit (a department's reporter the spaces it builds); the
area-wide roles all spaces of their area. Who changes it: a role that writes, for a space in
its scope that way — the coordinator every space of the area, a town's reporter its town's, a
department's reporter or approver those it leads. Leaders, inspectors and evaluators read.
"""
from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import rules_for
from cfcity.audit.services import log_action
from cfcity.cases import files
from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids
from cfcity.plans import models as pm

from . import geo, measures
from .models import ChecklistItem, Space, SpaceCheck, SpaceKind, SpacePhoto

S = Space.Status
MAX_PHOTOS = 20
PLACE_KINDS = (OrgUnit.Kind.TOWN, OrgUnit.Kind.VILLAGE)


class SpaceError(ValueError):
    """A step that cannot be taken; the message is for the user as is."""


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


# --- who sees and changes what ---------------------------------------------------------------

def visible_spaces(user, queryset=None):
    queryset = Space.objects.all() if queryset is None else queryset
    areas = access.area_ids(user)
    if areas is not access.ALL:
        queryset = queryset.filter(area_id__in=areas)
    ids = access.scope_ids(user)
    if ids is access.ALL:
        return queryset
    return queryset.filter(Q(org_unit_id__in=ids) | Q(lead_unit_id__in=ids))


def can_edit(user, space: Space) -> bool:
    return access.can_write(user, space.org_unit_id) or (
        space.lead_unit_id is not None and access.can_write(user, space.lead_unit_id))


def _writer(user) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    m = access.membership(user)
    return m is not None and rules_for(m.role).write


def can_create(user, area: OrgUnit) -> bool:
    """May ``user`` register spaces in ``area`` at all (which units: ``choices``)?"""
    return bool(choices(user, area)[0])


def lead_required(user, area: OrgUnit) -> bool:
    """A department's member registers only the spaces its department builds (it writes no
    town or village: it must name itself as the lead unit)."""
    places, _ = choices(user, area)
    return bool(places) and not any(access.can_write(user, u.pk) for u in places)


def choices(user, area: OrgUnit) -> tuple[list[OrgUnit], list[OrgUnit]]:
    """The units ``user`` may place a space in, and the lead units it may name. A department's
    reporter places spaces anywhere in the area but only with its own department as the lead
    unit; a town's reporter only in its town; the coordinator anywhere, any department."""
    if not _writer(user):
        return [], []
    ids = descendant_ids([area.pk])
    places = list(OrgUnit.objects.filter(pk__in=ids, kind__in=PLACE_KINDS, active=True).order_by("order", "pk"))
    depts = list(OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.DEPARTMENT, active=True)
                 .order_by("order", "pk"))
    writable_places = [u for u in places if access.can_write(user, u.pk)]
    writable_depts = [u for u in depts if access.can_write(user, u.pk)]
    if writable_depts and not writable_places:  # a department: anywhere, as the lead unit
        return places, writable_depts
    return writable_places, depts if writable_places else []


def allowed(user, area, org_unit: OrgUnit, lead_unit: OrgUnit | None) -> bool:
    places, leads = choices(user, area)
    if org_unit not in places:
        return False
    if lead_unit is None:
        return access.can_write(user, org_unit.pk)
    return lead_unit in leads


# --- the register ---------------------------------------------------------------------------

def plan_for(area: OrgUnit) -> pm.Plan | None:
    return pm.Plan.objects.filter(area=area).order_by("-date", "-pk").first()


def default_task(plan: pm.Plan | None, kind: SpaceKind) -> pm.Task | None:
    """The task a kind of space counts for: the task of a target bound to the kind, or a task
    whose title names the kind (推进儿童友好社区建设)."""
    if plan is None:
        return None
    for target in plan.targets.filter(task__isnull=False).select_related("task").order_by("task__number", "order"):
        if measures.kind_for(target, [kind]) is not None:
            return target.task
    return pm.Task.objects.filter(plan=plan, title__contains=kind.name).order_by("number").first()


def check_dates(status: str, started_on, opened_on, certified_on, today: datetime.date | None = None):
    today = today or timezone.localdate()
    if status not in S.values:
        raise SpaceError("状态不正确")
    if status == S.BUILDING and started_on is None:
        raise SpaceError("建设中的空间请填写开工日期")
    if status == S.OPEN and opened_on is None:
        raise SpaceError("已建成开放的空间请填写建成开放日期")
    if status == S.CERTIFIED and certified_on is None:
        raise SpaceError("已认定的空间请填写认定日期")
    named = [("开工日期", started_on), ("建成开放日期", opened_on), ("认定日期", certified_on)]
    for label, day in named:
        if day is not None and not (datetime.date(1990, 1, 1) <= day <= today):
            raise SpaceError(f"{label}（{day.isoformat()}）不能晚于今天，也不能早于 1990 年")
    given = [(label, day) for label, day in named if day is not None]
    for (a, da), (b, db) in zip(given, given[1:]):
        if da > db:
            raise SpaceError(f"{a}不能晚于{b}")


def snapshot(space: Space) -> dict:
    return {"name": space.name, "kind": space.kind.code, "status": space.status,
            "org_unit": space.org_unit.name, "lead_unit": space.lead_unit.name if space.lead_unit else "",
            "task": space.task.number if space.task else None, "address": space.address,
            "started_on": space.started_on and space.started_on.isoformat(),
            "opened_on": space.opened_on and space.opened_on.isoformat(),
            "certified_on": space.certified_on and space.certified_on.isoformat(),
            "geometry": space.geometry.get("type")}


def _fill(space: Space, *, kind, org_unit, name, geometry, status, lead_unit=None, task=None, address="",
          description="", started_on=None, opened_on=None, certified_on=None, plan=None):
    name = (name or "").strip()
    if not name:
        raise SpaceError("请填写空间名称")
    if len(name) > 200 or len(address or "") > 300 or len(description or "") > 5000:
        raise SpaceError("名称、地址或简介过长")
    check_dates(status, started_on, opened_on, certified_on)
    try:
        shape, lon, lat = geo.clean(geometry)
    except geo.GeometryError as e:
        raise SpaceError(str(e))
    if task is not None and (plan is None or task.plan_id != plan.pk):
        raise SpaceError("所选任务不属于本县的行动方案")
    space.kind, space.org_unit, space.lead_unit, space.name = kind, org_unit, lead_unit, name
    space.task = task if task is not None else default_task(plan, kind)
    space.address, space.description = (address or "").strip(), (description or "").strip()
    space.status, space.started_on, space.opened_on, space.certified_on = status, started_on, opened_on, certified_on
    space.geometry, space.lon, space.lat = shape, lon, lat
    return space


@transaction.atomic
def create_space(user, *, area: OrgUnit, org_unit: OrgUnit, lead_unit: OrgUnit | None = None, **fields) -> Space:
    _require(allowed(user, area, org_unit, lead_unit), "您无权在该单位登记儿童友好空间")
    space = _fill(Space(area=area, created_by=user if getattr(user, "is_authenticated", False) else None),
                  org_unit=org_unit, lead_unit=lead_unit, plan=plan_for(area), **fields)
    space.save()
    log_action("spaces.space.created", actor=user, obj=space, org_unit=org_unit, data={"after": snapshot(space)})
    measures.publish_soon()
    return space


@transaction.atomic
def update_space(user, space: Space, *, org_unit: OrgUnit, lead_unit: OrgUnit | None = None, **fields) -> Space:
    space = Space.objects.select_for_update().get(pk=space.pk)
    _require(can_edit(user, space), "您无权修改该空间")
    if (org_unit.pk, getattr(lead_unit, "pk", None)) != (space.org_unit_id, space.lead_unit_id):
        _require(allowed(user, space.area, org_unit, lead_unit), "您无权把空间移到该单位")
    before = snapshot(space)
    _fill(space, org_unit=org_unit, lead_unit=lead_unit, plan=plan_for(space.area), **fields)
    space.save()
    space.checks.exclude(item__kind_id=space.kind_id).delete()  # another kind: another standard
    after = snapshot(space)
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if before["status"] != after["status"]:
        action = "spaces.space.status"
    else:
        action = "spaces.space.saved"
    if changed or before["geometry"] != after["geometry"]:
        log_action(action, actor=user, obj=space, org_unit=space.org_unit,
                   data={"changes": changed, "before": before["status"], "after": after["status"]})
    measures.publish_soon()
    return space


@transaction.atomic
def change_status(user, space: Space, status: str, on: datetime.date) -> Space:
    """Move a space to ``status`` as of ``on`` (the date its new status began)."""
    space = Space.objects.select_for_update().get(pk=space.pk)
    _require(can_edit(user, space), "您无权修改该空间")
    if status not in S.values:
        raise SpaceError("状态不正确")
    before = space.status
    dates = {"started_on": space.started_on, "opened_on": space.opened_on, "certified_on": space.certified_on}
    field = {S.BUILDING: "started_on", S.OPEN: "opened_on", S.CERTIFIED: "certified_on"}.get(status)
    if field:
        dates[field] = on
    order = [S.PLANNED, S.BUILDING, S.OPEN, S.CERTIFIED]
    for later, f in ((S.BUILDING, "started_on"), (S.OPEN, "opened_on"), (S.CERTIFIED, "certified_on")):
        if order.index(later) > order.index(status):
            dates[f] = None  # a step back: the later dates no longer hold
    check_dates(status, **dates)
    space.status = status
    for k, v in dates.items():
        setattr(space, k, v)
    space.save()
    log_action("spaces.space.status", actor=user, obj=space, org_unit=space.org_unit,
               data={"before": before, "after": status, "on": on.isoformat()})
    measures.publish_soon()
    return space


@transaction.atomic
def set_checks(user, space: Space, item_ids) -> list[int]:
    _require(can_edit(user, space), "您无权修改该空间")
    wanted = set(ChecklistItem.objects.filter(kind_id=space.kind_id, pk__in=[int(i) for i in item_ids])
                 .values_list("pk", flat=True))
    have = set(space.checks.values_list("item_id", flat=True))
    space.checks.exclude(item_id__in=wanted).delete()
    SpaceCheck.objects.bulk_create([SpaceCheck(space=space, item_id=i, ticked_by=user) for i in wanted - have])
    if wanted != have:
        log_action("spaces.space.checked", actor=user, obj=space, org_unit=space.org_unit,
                   data={"before": sorted(have), "after": sorted(wanted)})
    return sorted(wanted)


@transaction.atomic
def add_photo(user, space: Space, *, name: str, data: bytes, caption: str) -> SpacePhoto:
    _require(can_edit(user, space), "您无权为该空间上传照片")
    if not (caption or "").strip():
        raise SpaceError("请为照片写一句说明：它是读屏软件读给看不见照片的人听的文字")
    if space.photos.count() >= MAX_PHOTOS:
        raise SpaceError(f"每个空间最多 {MAX_PHOTOS} 张照片")
    data, ctype = files.clean_photo(name, data)
    row = SpacePhoto(space=space, caption=caption.strip()[:200], uploaded_by=user, **files.stored(name, data, ctype))
    row.file.save("x", ContentFile(data), save=False)
    row.save()
    log_action("spaces.photo.added", actor=user, obj=space, org_unit=space.org_unit,
               data={"after": {"name": row.original_name, "sha256": row.sha256, "size": row.size}})
    return row


@transaction.atomic
def remove_photo(user, row: SpacePhoto):
    space = row.space
    _require(can_edit(user, space), "您无权删除该照片")
    log_action("spaces.photo.removed", actor=user, obj=space, org_unit=space.org_unit,
               data={"before": {"name": row.original_name, "sha256": row.sha256}})
    stored = row.file.name
    row.delete()
    transaction.on_commit(lambda: SpacePhoto._meta.get_field("file").storage.delete(stored))


@transaction.atomic
def delete_space(user, space: Space):
    space = Space.objects.select_for_update().get(pk=space.pk)
    _require(can_edit(user, space), "您无权删除该空间")
    log_action("spaces.space.deleted", actor=user, obj=space, org_unit=space.org_unit,
               data={"before": snapshot(space)})
    stored = [row.file.name for row in space.photos.all()]
    space.delete()
    storage = SpacePhoto._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(n) for n in stored])
    measures.publish_soon()


LABELS = {
    "spaces.space.created": "登记儿童友好空间",
    "spaces.space.saved": "修改儿童友好空间",
    "spaces.space.status": "变更儿童友好空间状态",
    "spaces.space.checked": "确认儿童友好空间达标项",
    "spaces.space.deleted": "删除儿童友好空间",
    "spaces.space.imported": "导入儿童友好空间（GeoJSON）",
    "spaces.photo.added": "上传儿童友好空间照片",
    "spaces.photo.removed": "删除儿童友好空间照片",
}
