"""GeoJSON export and import of the register (RFC 7946: a FeatureCollection in WGS-84
longitude/latitude, no ``crs`` member).

Each feature's properties: ``id`` (the register's number — importing an exported file again
updates those spaces instead of adding them twice), ``name``, ``kind`` (code) and
``kind_name``, ``status`` (code) and ``status_name``, ``town`` (the town or village it lies in,
by name), ``lead_unit`` (by name), ``task`` (the plan's task number), ``address``,
``started_on``, ``opened_on``, ``certified_on`` (ISO dates).

An import is all or nothing: every feature is checked first and every problem listed by the
feature's number; only a file without problems is written, in one transaction.
"""
from __future__ import annotations

import datetime
import json

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cfcity.audit.services import log_action
from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids
from cfcity.plans import models as pm

from . import geo, measures, services
from .models import Space, SpaceKind

MAX_BYTES = 5 * 1024 * 1024
MAX_FEATURES = 2000
MAX_ERRORS = 50
S = Space.Status


class ImportRefused(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("；".join(errors[:3]))


def feature(space: Space) -> dict:
    return {"type": "Feature", "geometry": space.geometry, "properties": {
        "id": space.pk, "name": space.name, "kind": space.kind.code, "kind_name": space.kind.name,
        "status": space.status, "status_name": space.get_status_display(), "town": space.org_unit.name,
        "lead_unit": space.lead_unit.name if space.lead_unit else "",
        "task": space.task.number if space.task else None, "address": space.address,
        "started_on": _iso(space.started_on), "opened_on": _iso(space.opened_on),
        "certified_on": _iso(space.certified_on)}}


def _iso(day):
    return day.isoformat() if day else None


def export(spaces) -> dict:
    spaces = spaces.select_related("kind", "org_unit", "lead_unit", "task").order_by("kind__order", "name", "pk")
    return {"type": "FeatureCollection", "features": [feature(s) for s in spaces]}


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportRefused(["文件编码无法识别：请保存为 UTF-8 或 GB18030 编码的 GeoJSON"])


def _no_constant(name):
    raise ValueError(name)  # NaN, Infinity: not JSON


def parse(data: bytes) -> list:
    if not data or not data.strip():
        raise ImportRefused(["文件是空的"])
    if len(data) > MAX_BYTES:
        raise ImportRefused([f"文件太大（{len(data) // 1024} KB），每次导入不超过 {MAX_BYTES // 1024 // 1024} MB"])
    text = decode(data)
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise ImportRefused(["文件不是有效的 JSON / GeoJSON"])
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ImportRefused(["文件应为 GeoJSON 要素集合（FeatureCollection）"])
    features = doc["features"]
    if not features:
        raise ImportRefused(["文件中没有要素"])
    if len(features) > MAX_FEATURES:
        raise ImportRefused([f"要素太多（{len(features)} 个），每次最多导入 {MAX_FEATURES} 个"])
    return features


def _date(props, key, label):
    v = props.get(key)
    if v in (None, ""):
        return None
    if not isinstance(v, str):
        raise ValueError(f"{label}应为“2024-05-01”格式的日期")
    try:
        return datetime.date.fromisoformat(v.strip()[:10])
    except ValueError:
        raise ValueError(f"{label}“{v[:20]}”不是有效日期（应为 2024-05-01 格式）")


def _text(props, key, limit) -> str:
    v = props.get(key)
    if v is None:
        return ""
    if not isinstance(v, (str, int, float)) or isinstance(v, bool):
        raise ValueError(f"属性 {key} 应为文字")
    v = str(v).strip()
    if len(v) > limit:
        raise ValueError(f"属性 {key} 过长（最多 {limit} 字）")
    return v


class _Lookup:
    def __init__(self, area: OrgUnit):
        ids = descendant_ids([area.pk])
        self.places: dict[str, list[OrgUnit]] = {}
        self.depts: dict[str, OrgUnit] = {}
        for u in OrgUnit.objects.filter(pk__in=ids):
            if u.kind in services.PLACE_KINDS:
                self.places.setdefault(u.name, []).append(u)
            elif u.kind == OrgUnit.Kind.DEPARTMENT:
                self.depts.setdefault(u.name, u)
        self.kinds = {}
        for k in SpaceKind.objects.all():
            self.kinds[k.code] = self.kinds[k.name] = k
        self.statuses = {**{v: v for v in S.values}, **{label: v for v, label in S.choices}}
        plan = services.plan_for(area)
        self.plan = plan
        self.tasks = {t.number: t for t in pm.Task.objects.filter(plan=plan)} if plan else {}
        self.existing = {s.pk: s for s in Space.objects.filter(area=area)}


def _row(user, area, look: _Lookup, f) -> tuple[Space | None, dict]:
    if not isinstance(f, dict) or f.get("type") != "Feature":
        raise ValueError("不是 GeoJSON 要素（Feature）")
    props = f.get("properties") or {}
    if not isinstance(props, dict):
        raise ValueError("properties 应为对象")
    name = _text(props, "name", 200)
    if not name:
        raise ValueError("缺少名称（name）")
    kind = look.kinds.get(_text(props, "kind", 60)) or look.kinds.get(_text(props, "kind_name", 60))
    if kind is None:
        raise ValueError(f"空间类型“{_text(props, 'kind', 60)[:20]}”无法识别（可填代码如 sports，或名称如 多功能运动场地）")
    status = look.statuses.get(_text(props, "status", 20) or "planned")
    if status is None:
        raise ValueError(f"状态“{_text(props, 'status', 20)}”无法识别（可填 planned、building、open、certified 或其中文名称）")
    town = _text(props, "town", 100)
    found = look.places.get(town, [])
    if not found:
        raise ValueError(f"所在镇（街道）或村（社区）“{town[:30]}”不在本县" if town else "缺少所在镇（街道）或村（社区）（town）")
    if len(found) > 1:
        raise ValueError(f"“{town}”在本县有重名单位，无法确定是哪一个")
    lead_name = _text(props, "lead_unit", 100)
    lead = look.depts.get(lead_name) if lead_name else None
    if lead_name and lead is None:
        raise ValueError(f"建设责任单位“{lead_name[:30]}”不在本县")
    task = None
    if props.get("task") not in (None, ""):
        number = props.get("task")
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise ValueError("任务（task）应为任务编号")
        task = look.tasks.get(number)
        if task is None:
            raise ValueError(f"本县行动方案中没有任务（{number}）")
    fields = {"kind": kind, "org_unit": found[0], "lead_unit": lead, "name": name, "task": task,
              "geometry": f.get("geometry"), "status": status, "address": _text(props, "address", 300),
              "started_on": _date(props, "started_on", "开工日期"),
              "opened_on": _date(props, "opened_on", "建成开放日期"),
              "certified_on": _date(props, "certified_on", "认定日期")}
    try:
        geo.clean(fields["geometry"])
        services.check_dates(status, fields["started_on"], fields["opened_on"], fields["certified_on"])
    except (geo.GeometryError, services.SpaceError) as e:
        raise ValueError(str(e))
    pk = props.get("id")
    existing = look.existing.get(pk) if isinstance(pk, int) and not isinstance(pk, bool) else None
    if existing is not None:
        if not services.can_edit(user, existing):
            raise ValueError(f"编号 {pk} 的空间您无权修改")
        moved = (found[0], lead) != (existing.org_unit, existing.lead_unit)
        if moved and not services.allowed(user, area, found[0], lead):
            raise ValueError("您无权把空间移到该单位")
    elif not services.allowed(user, area, found[0], lead):
        raise ValueError(f"您无权在“{town}”登记空间" + ("" if lead else "（部门填报请填写本部门为建设责任单位 lead_unit）"))
    return existing, fields


def import_file(user, area: OrgUnit, data: bytes) -> dict:
    """Import a GeoJSON file into ``area``'s register; ``ImportRefused`` lists every problem
    (nothing written). Returns {"created": n, "updated": n}."""
    if not services.can_create(user, area):
        raise PermissionDenied("您无权导入儿童友好空间")
    features = parse(data)
    look = _Lookup(area)
    rows, errors, seen = [], [], set()
    for i, f in enumerate(features, start=1):
        try:
            existing, fields = _row(user, area, look, f)
            if existing is not None:
                if existing.pk in seen:
                    raise ValueError(f"编号 {existing.pk} 在文件中出现了不止一次")
                seen.add(existing.pk)
            rows.append((existing, fields))
        except ValueError as e:
            errors.append(f"第 {i} 个要素：{e}")
            if len(errors) >= MAX_ERRORS:
                errors.append("问题过多，其余要素未检查")
                break
    if errors:
        raise ImportRefused(errors)
    created = updated = 0
    with transaction.atomic():
        for existing, fields in rows:
            if existing is None:
                services.create_space(user, area=area, **fields)
                created += 1
            else:
                services.update_space(user, existing, **fields)
                updated += 1
        log_action("spaces.space.imported", actor=user, obj=None, org_unit=area,
                   data={"created": created, "updated": updated})
        measures.publish_soon()
    return {"created": created, "updated": updated}
