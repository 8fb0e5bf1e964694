"""The deadlines this app knows itself: reports due and milestone targets. Each provider
scopes by the user through cfcity/accounts/access.py (registry.py scopes nothing)."""
from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone

from cfcity.accounts import access
from cfcity.orgs.models import OrgUnit
from cfcity.plans.models import Plan, Target, TaskDepartment
from cfcity.reporting.models import SENT, Period
from cfcity.reporting.services import owed

from .registry import Deadline

REPORT = "report"
MILESTONE = "milestone"


def _units(user):
    """The units in scope as something ``__in`` accepts: a set, or every unit."""
    ids = access.scope_ids(user)
    return OrgUnit.objects.all() if ids is access.ALL else ids


def _own_unit_id(user):
    m = access.membership(user)
    return m.org_unit_id if m else None


def report_due(user, start: datetime.date, end: datetime.date, today: datetime.date | None = None):
    """One deadline per period and unit that owes reports for it: overdue when something is
    still not sent up after the period's deadline; done when everything was sent."""
    units = _units(user)
    if not units:
        return []
    today = today or timezone.localdate()
    plans = access.visible_plans(user, Plan.objects.all())
    periods = Period.objects.filter(plan__in=plans, deadline__gte=start, deadline__lte=end).select_related("plan")
    own = _own_unit_id(user)
    out = []
    for period in periods.order_by("deadline", "pk"):
        by_unit: dict[int, list] = defaultdict(list)
        names = {}
        for row in owed(period, units):
            by_unit[row.assignment.org_unit_id].append(row)
            names[row.assignment.org_unit_id] = row.assignment.org_unit.name
        for unit_id, rows in by_unit.items():
            missing = sum(1 for r in rows if r.report is None or r.report.status not in SENT)
            url = (f"/my/?period={period.pk}" if unit_id == own else f"/status/?period={period.pk}")
            state = f"尚未报送 {missing} 项" if missing else "已全部报送"
            out.append(Deadline(
                date=period.deadline, kind=REPORT, url=url, org_unit_id=unit_id,
                title=f"{names[unit_id]}：{period.label}进展报告报送期限（共 {len(rows)} 项，{state}）",
                overdue=bool(missing) and today > period.deadline, done=not missing))
    return out


def milestones_due(user, start: datetime.date, end: datetime.date, today: datetime.date | None = None):
    """Milestone targets (节点任务) fall due on 31 December of their year, for each lead
    department in the user's scope; done when the engine judged the target achieved."""
    units = _units(user)
    if not units:
        return []
    today = today or timezone.localdate()
    plans = access.visible_plans(user, Plan.objects.all())
    targets = list(Target.objects.filter(plan__in=plans, kind=Target.Kind.MILESTONE, task__isnull=False,
                                         year__gte=start.year, year__lte=end.year)
                   .select_related("task", "plan").order_by("year", "task__number", "order"))
    if not targets:
        return []
    leads: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, name in (TaskDepartment.objects.filter(
            task_id__in={t.task_id for t in targets}, role=TaskDepartment.Role.LEAD, org_unit__in=units)
            .order_by("order").values_list("task_id", "org_unit_id", "org_unit__name")):
        leads[task_id].append((unit_id, name))
    from cfcity.monitoring.models import TargetStatus
    achieved = set(TargetStatus.objects.filter(target__in=targets, status="achieved")
                   .values_list("target_id", flat=True))
    out = []
    for t in targets:
        due = datetime.date(t.year, 12, 31)
        done = t.pk in achieved
        for unit_id, name in leads.get(t.task_id, []):
            out.append(Deadline(
                date=due, kind=MILESTONE, url=f"/dashboard/{t.plan_id}/tasks/{t.task_id}/", org_unit_id=unit_id,
                title=f"{name}：任务（{t.task.number}）节点目标“{t.indicator}”",
                overdue=not done and today > due, done=done))
    return out
