"""What dashboards and reports show, built from the stored verdicts in a fixed number of
queries: the plan as a tree of roll-ups (domain → action → task → target), league tables
of departments and towns, and reporting punctuality. Plain data, no HTML."""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting.models import EVER_SENT, Assignment, Period, Report

from . import engine
from .models import TargetStatus
from .services import assess_plans, thresholds



def as_assessment(row: TargetStatus | None) -> engine.Assessment:
    """A stored verdict as the engine's value (a target never computed has no data)."""
    if row is None:
        return engine.Assessment(status=engine.Status.NO_DATA, latest=None, latest_when=None, baseline=None,
                                 baseline_year=None, progress=None, expected=None, sdg=None, reasons=[],
                                 disagreement=None)
    return engine.Assessment(status=engine.Status(row.status), latest=row.latest, latest_when=row.latest_when,
                             baseline=row.baseline, baseline_year=row.baseline_year, progress=row.progress,
                             expected=row.expected, sdg=None, reasons=list(row.reasons),
                             disagreement=row.disagreement or None)


@dataclass
class TargetLine:
    target: pm.Target
    status: TargetStatus | None

    @property
    def code(self) -> str:
        return self.status.status if self.status else engine.Status.NO_DATA.value


@dataclass
class Node:
    """A domain, action or task with the roll-up of the targets under it."""
    level: str  # domain, action, task
    obj: object
    rollup: engine.RollUp
    children: list["Node"] = field(default_factory=list)
    targets: list[TargetLine] = field(default_factory=list)


@dataclass
class Punctuality:
    owed: int = 0  # reports due by now
    on_time: int = 0
    late: int = 0  # sent after the deadline
    missing: int = 0  # past the deadline and not sent

    @property
    def rate(self) -> float | None:
        return None if not self.owed else 100.0 * self.on_time / self.owed


@dataclass
class UnitLine:
    org_unit: OrgUnit
    rollup: engine.RollUp
    punctuality: Punctuality
    rank: int = 0


@dataclass
class Board:
    plan: pm.Plan
    as_of: datetime.date
    year: int | None
    overall: engine.RollUp
    domains: list[Node]
    targets: list[TargetLine]
    departments: list[UnitLine]
    towns: list[UnitLine]


def _statuses(plan: pm.Plan, year: int | None, today: datetime.date) -> tuple[datetime.date, dict]:
    """The verdicts by (target, unit): stored ones for the current year, recomputed as of
    31 December for a past year (same fixed queries, nothing saved)."""
    if year is None or year >= today.year:
        rows = TargetStatus.objects.filter(target__plan=plan)
        as_of = today
    else:
        as_of = datetime.date(year, 12, 31)
        rows = assess_plans([plan], as_of)
    return as_of, {(r.target_id, r.org_unit_id): r for r in rows}


def punctuality(plan: pm.Plan, *, year: int | None, today: datetime.date) -> dict[int, Punctuality]:
    """Per unit: the reports due (deadline passed) in ``year`` (all years if None), how many
    were sent on time, late, or not at all. Three queries."""
    periods = {p.pk: p for p in Period.objects.filter(plan=plan, deadline__lt=today)
               if year is None or p.year == year}
    sent: dict[tuple[int, int, int], datetime.datetime | None] = {}
    for task_id, unit_id, period_id, status, at in (
            Report.objects.filter(period_id__in=periods, status__in=EVER_SENT)
            .values_list("task_id", "org_unit_id", "period_id", "status", "submitted_at")):
        key = (task_id, unit_id, period_id)
        if key not in sent or (at and sent[key] and at < sent[key]):
            sent[key] = at
    out: dict[int, Punctuality] = defaultdict(Punctuality)
    for task_id, unit_id in Assignment.objects.filter(task__plan=plan).values_list("task_id", "org_unit_id"):
        for pid, period in periods.items():
            p = out[unit_id]
            p.owed += 1
            key = (task_id, unit_id, pid)
            if key not in sent:
                p.missing += 1
            elif sent[key] is None or timezone.localdate(sent[key]) <= period.deadline:
                p.on_time += 1
            else:
                p.late += 1
    return out


def _rank(lines: list[UnitLine]) -> list[UnitLine]:
    """Best first: share of targets on track, then reporting on time, then name."""
    lines.sort(key=lambda u: (-(u.rollup.score if u.rollup.score is not None else -1),
                              -(u.punctuality.rate if u.punctuality.rate is not None else -1),
                              u.org_unit.name))
    for i, line in enumerate(lines, 1):
        line.rank = i
    return lines


def board(plan: pm.Plan, *, year: int | None = None, unit: OrgUnit | None = None,
          today: datetime.date | None = None) -> Board:
    """The whole picture of ``plan``; with ``unit``, only the tasks that unit works on."""
    today = today or timezone.localdate()
    limits = thresholds()
    as_of, verdicts = _statuses(plan, year, today)
    domains = list(pm.Domain.objects.filter(plan=plan).order_by("order"))
    actions = list(pm.Action.objects.filter(domain__plan=plan).order_by("order"))
    tasks = list(pm.Task.objects.filter(plan=plan).order_by("order"))
    targets = list(pm.Target.objects.filter(plan=plan).order_by("task__number", "order"))
    leads = list(pm.TaskDepartment.objects.filter(task__plan=plan, role=pm.TaskDepartment.Role.LEAD)
                 .select_related("org_unit"))
    assignments = list(Assignment.objects.filter(task__plan=plan).select_related("org_unit"))
    wanted_tasks = None
    if unit is not None:
        wanted_tasks = {a.task_id for a in assignments if a.org_unit_id == unit.pk}

    target_by_id = {t.pk: t for t in targets}
    area_line = {t.pk: TargetLine(t, verdicts.get((t.pk, plan.area_id))) for t in targets}
    by_task = defaultdict(list)
    for t in targets:
        if t.task_id:
            by_task[t.task_id].append(area_line[t.pk])

    def roll(lines):  # every target weighs the same (docs/methodology.md, roll-ups)
        return engine.roll_up([(as_assessment(line.status), 1.0) for line in lines], limits)

    task_nodes = {}
    for task in tasks:
        if wanted_tasks is not None and task.pk not in wanted_tasks:
            continue
        lines = by_task.get(task.pk, [])
        task_nodes[task.pk] = Node("task", task, roll(lines), targets=lines)
    by_action = defaultdict(list)
    for task in tasks:
        if task.pk in task_nodes:
            by_action[task.action_id].append(task_nodes[task.pk])
    domain_children = defaultdict(list)
    for action in actions:
        kids = by_action.get(action.pk, [])
        if not kids:
            continue
        lines = [line for k in kids for line in k.targets]
        node = Node("action", action, roll(lines), children=kids)
        domain_children[action.domain_id].append(node)
    domain_nodes = []
    for d in domains:
        kids = domain_children.get(d.pk, [])
        if not kids:
            continue
        lines = [line for a in kids for k in a.children for line in k.targets]
        domain_nodes.append(Node("domain", d, roll(lines), children=kids))
    shown = [line for n in task_nodes.values() for line in n.targets] if wanted_tasks is not None \
        else list(area_line.values())

    on_time = punctuality(plan, year=year, today=today)
    departments = {}
    for link in leads:
        departments.setdefault(link.org_unit_id, (link.org_unit, []))[1].extend(by_task.get(link.task_id, []))
    dept_lines = [UnitLine(u, roll(lines), on_time.get(u.pk, Punctuality())) for u, lines in departments.values()]
    towns: dict[int, tuple[OrgUnit, list]] = {}
    for a in assignments:
        if a.org_unit.kind == OrgUnit.Kind.TOWN:
            towns.setdefault(a.org_unit_id, (a.org_unit, []))
    for (target_id, unit_id), row in verdicts.items():
        if unit_id in towns:
            towns[unit_id][1].append(TargetLine(target_by_id[target_id], row))
    town_lines = [UnitLine(u, roll(lines), on_time.get(u.pk, Punctuality())) for u, lines in towns.values()]
    return Board(plan=plan, as_of=as_of, year=year, overall=roll(shown), domains=domain_nodes,
                 targets=shown, departments=_rank(dept_lines), towns=_rank(town_lines))
