"""Storing an imported plan and reading it back.

``store_plan`` writes a typed plan (from ``cfcity.plans.importer``) in one transaction;
``plan_to_importer`` rebuilds exactly the same typed plan from the database, so that
``plan export`` of an imported plan gives back what was imported.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.db import models as dj_models
from django.db import transaction

from cfcity.audit.services import log_action
from cfcity.orgs import tree as orgs_tree
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import models as m

AREA_RE = re.compile(r"^(.+?[省市县区旗])")
UNNAMED_AREA = "未命名地区"


class PlanError(Exception):
    """A user error about stored plans; the message is meant for the user as is."""


class PlanExists(PlanError):
    pass


class PlanNotFound(PlanError):
    pass


def area_name(issuer: str) -> str:
    """The area a plan belongs to, from its issuer: 桓台县人民政府办公室 → 桓台县."""
    issuer = (issuer or "").strip()
    match = AREA_RE.match(issuer)
    if match:
        return match.group(1)
    return issuer or UNNAMED_AREA


# --- storing ------------------------------------------------------------------------------

def _decimal(v: float | None) -> Decimal | None:
    return None if v is None else Decimal(repr(float(v)))


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise PlanError(f"字段 date 应为“年-月-日”格式的日期（如 2022-10-19），现为 {value!r}") from None


def _check_lengths(obj: dj_models.Model, where: str):
    """Say which field is too long before the database refuses it with a bare error."""
    for f in obj._meta.concrete_fields:
        max_length = getattr(f, "max_length", None)
        value = getattr(obj, f.attname)
        if max_length and isinstance(value, str) and len(value) > max_length:
            raise PlanError(f"{where} 的“{f.verbose_name}”过长（{len(value)} 字，最多 {max_length} 字）：{value[:30]}…")


def _find_existing(plan: importer.Plan):
    if plan.doc_number:
        return m.Plan.objects.filter(doc_number=plan.doc_number).first()
    return m.Plan.objects.filter(doc_number="", title=plan.title).first()


def _departments(area: OrgUnit, names: list[str]) -> dict[str, OrgUnit]:
    """OrgUnits of kind department under ``area``, created when missing, in document order."""
    wanted = list(dict.fromkeys(names))
    units = {u.name: u for u in OrgUnit.objects.filter(parent=area, name__in=wanted)}
    for name in wanted:
        if name not in units:
            unit = OrgUnit(name=name, kind=OrgUnit.Kind.DEPARTMENT, parent=area)
            _check_lengths(unit, f"单位“{name[:20]}”")
            unit.save()
            units[name] = unit
    return units


def _target_row(t: importer.Target, *, plan, task, order: int) -> m.Target:
    b = t.baseline
    return m.Target(
        plan=plan, task=task, order=order, indicator=t.indicator, comparator=t.comparator,
        value=_decimal(t.value), value_max=_decimal(t.value_max), unit=t.unit, year=t.year,
        year_inferred=t.year_inferred, kind=t.kind, per=t.per, direction=t.direction,
        source=t.source, line=t.line, has_baseline=b is not None,
        baseline_value=_decimal(b.value) if b else None, baseline_year=b.year if b else None,
        attribute=t.attribute, responsible=list(t.responsible),
    )


@transaction.atomic
def store_plan(plan: importer.Plan, *, user=None, replace: bool = False) -> m.Plan:
    """Store ``plan``; all of it or, on any error, nothing."""
    existing = _find_existing(plan)
    if existing is not None:
        if not replace:
            key = f"文号为“{plan.doc_number}”" if plan.doc_number else f"标题为“{plan.title}”"
            raise PlanExists(f"已导入过{key}的方案（编号 {existing.pk}）。"
                             f"如要用这份文件替换它，请加上 --replace 重新导入。")
        replaced = {"id": existing.pk, "title": existing.title, "source": existing.source}
        existing.delete()
    else:
        replaced = None

    # the area may already sit in the tree under its city (淄博市/桓台县): use it, else a new top unit
    name = area_name(plan.issuer)
    area = orgs_tree.area_named(name) or OrgUnit.objects.create(name=name, kind=OrgUnit.Kind.AREA)
    names = [n for t in plan.tasks() for n in (*t.lead_departments, *t.cooperating_departments)]
    units = _departments(area, names)

    row = m.Plan(
        title=plan.title, issuer=plan.issuer, doc_number=plan.doc_number, date=_date(plan.date),
        period_start=plan.period.start, period_end=plan.period.end, area=area,
        declared=dict(plan.declared),
        warnings=[{"line": w.line, "message": w.message} for w in plan.warnings],
        source=dict(plan.source), imported_by=user if user and user.is_authenticated else None,
    )
    _check_lengths(row, "方案")
    row.save()

    sections = [m.PlanSection(plan=row, order=i, number=s.number, title=s.title, text=s.text,
                              line=s.line) for i, s in enumerate(plan.sections)]
    for s in sections:
        _check_lengths(s, f"章节“{s.title[:20]}”")
    m.PlanSection.objects.bulk_create(sections)

    domains = m.Domain.objects.bulk_create(
        m.Domain(plan=row, order=i, number=d.number, title=d.title, text=d.text, line=d.line)
        for i, d in enumerate(plan.domains))
    action_pairs = [(a, m.Action(domain=dom_row, order=i, number=a.number, title=a.title,
                                 text=a.text, line=a.line))
                    for d, dom_row in zip(plan.domains, domains)
                    for i, a in enumerate(d.actions)]
    m.Action.objects.bulk_create(r for _, r in action_pairs)
    task_pairs = [(t, m.Task(action=act_row, plan=row, order=i, number=t.number, title=t.title,
                             text=t.text, line=t.line))
                  for a, act_row in action_pairs
                  for i, t in enumerate(a.tasks)]
    m.Task.objects.bulk_create(r for _, r in task_pairs)

    links, targets = [], []
    for t, task_row in task_pairs:
        for role, dept_names in (("lead", t.lead_departments),
                                 ("cooperating", t.cooperating_departments)):
            links += [m.TaskDepartment(task=task_row, org_unit=units[n], role=role, order=i)
                      for i, n in enumerate(dept_names)]
        targets += [_target_row(g, plan=row, task=task_row, order=i)
                    for i, g in enumerate(t.targets)]
    targets += [_target_row(g, plan=row, task=None, order=i) for i, g in enumerate(plan.targets)]
    for g in targets:
        _check_lengths(g, f"指标“{g.indicator[:20]}”")
    m.TaskDepartment.objects.bulk_create(links)
    m.Target.objects.bulk_create(targets)
    log_action("plans.plan.replaced" if replaced else "plans.plan.imported", actor=user, obj=row,
               org_unit=area, data={"before": replaced, "after": {
                   "title": row.title, "doc_number": row.doc_number, "source": dict(plan.source),
                   "tasks": len(task_pairs), "targets": len(targets), "warnings": len(plan.warnings)}})
    return row


# --- reading back -------------------------------------------------------------------------

def _float(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def _target_back(g: m.Target) -> importer.Target:
    return importer.Target(
        indicator=g.indicator, comparator=g.comparator, value=_float(g.value),
        value_max=_float(g.value_max), unit=g.unit, year=g.year, year_inferred=g.year_inferred,
        kind=g.kind, per=g.per, direction=g.direction, source=g.source, line=g.line,
        baseline=(importer.Baseline(value=_float(g.baseline_value), year=g.baseline_year)
                  if g.has_baseline else None),
        attribute=g.attribute, responsible=list(g.responsible),
    )


def plan_queryset():
    """Plans with everything below them, in document order, in a fixed number of queries."""
    return m.Plan.objects.select_related("area", "imported_by").prefetch_related(
        "sections",
        "domains__actions__tasks__targets",
        dj_models.Prefetch("domains__actions__tasks__departments",
                           queryset=m.TaskDepartment.objects.select_related("org_unit")),
        dj_models.Prefetch("targets", queryset=m.Target.objects.filter(task=None),
                           to_attr="plan_targets"),
    )


def plan_to_importer(row: m.Plan) -> importer.Plan:
    """The typed plan as it was stored (the inverse of ``store_plan``)."""
    row = plan_queryset().get(pk=row.pk)
    plan = importer.Plan(
        title=row.title, issuer=row.issuer, doc_number=row.doc_number,
        date=row.date.isoformat() if row.date else None,
        period=importer.Period(start=row.period_start, end=row.period_end),
        declared=dict(row.declared),
        warnings=[importer.Warning(line=w.get("line"), message=w["message"]) for w in row.warnings],
        source=dict(row.source),
        sections=[importer.Section(title=s.title, text=s.text, number=s.number, line=s.line)
                  for s in row.sections.all()],
        targets=[_target_back(g) for g in row.plan_targets],
    )
    for d in row.domains.all():
        dom = importer.Domain(number=d.number, title=d.title, text=d.text, line=d.line)
        for a in d.actions.all():
            act = importer.Action(number=a.number, title=a.title, text=a.text, line=a.line)
            for t in a.tasks.all():
                depts = list(t.departments.all())
                act.tasks.append(importer.Task(
                    number=t.number, title=t.title, text=t.text, line=t.line,
                    lead_departments=[x.org_unit.name for x in depts if x.role == "lead"],
                    cooperating_departments=[x.org_unit.name for x in depts
                                             if x.role == "cooperating"],
                    targets=[_target_back(g) for g in t.targets.all()],
                ))
            dom.actions.append(act)
        plan.domains.append(dom)
    return plan


def latest_plans(area_name: str | None = None) -> list[m.Plan]:
    """Each area's newest plan (by date, then import order), of the area named or of all —
    what a register's command works on (``cfcity lifecircle``, ``cfcity councils``)."""
    plans = m.Plan.objects.filter(area__isnull=False).select_related("area").order_by("area__name", "-date", "-pk")
    if area_name:
        plans = plans.filter(area__name=area_name)
    latest: dict[int, m.Plan] = {}
    for plan in plans:
        latest.setdefault(plan.area_id, plan)
    return list(latest.values())


def find_plan(key) -> m.Plan:
    """A plan by its number in cfcity (``plan list``) or by its 文号."""
    key = str(key).strip()
    found = None
    if key.isascii() and key.isdigit() and len(key) <= 18:
        found = m.Plan.objects.filter(pk=int(key)).first()
    if found is None and key:
        found = m.Plan.objects.filter(doc_number=key).first()
    if found is None:
        raise PlanNotFound(f"没有找到方案“{key}”。可用 cfcity plan list 查看已导入的方案及其编号。")
    return found
