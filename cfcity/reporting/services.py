"""Periods, assignments, target shares and what a unit owes: the set-up of reporting."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from cfcity.audit.services import log_action
from cfcity.plans import models as pm

from .models import SENT, Assignment, Period, Report, TargetShare

# the reporting window around the end of a period, in days (settings may change them later)
OPENS_BEFORE_END = 30
DEADLINE_AFTER_END = 15
CLOSES_AFTER_END = 45


class ReportingError(Exception):
    """A user error: the message is for the user as is."""


def _period_bounds(kind: str, year: int, index: int) -> tuple[datetime.date, datetime.date]:
    if kind == Period.Kind.YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    months = 6 if kind == Period.Kind.HALF else 3
    start = datetime.date(year, (index - 1) * months + 1, 1)
    end_month = start.month + months
    end = (datetime.date(year + 1, 1, 1) if end_month > 12 else datetime.date(year, end_month, 1)) \
        - datetime.timedelta(days=1)
    return start, end


@transaction.atomic
def create_periods(plan: pm.Plan, kind: str, years: list[int] | None = None, *, actor=None) -> list[Period]:
    """The periods of ``kind`` for each year of the plan (or ``years``); existing ones kept."""
    if kind not in Period.Kind.values:
        raise ReportingError(f"未知的填报周期“{kind}”，应为 year、half 或 quarter")
    first, last = plan.period_start or plan.period_end, plan.period_end or plan.period_start
    years = years or (list(range(first, last + 1)) if first else [])
    if not years:
        raise ReportingError("方案没有实施期限，无法生成填报周期")
    count = {"year": 1, "half": 2, "quarter": 4}[kind]
    created = []
    for year in years:
        for index in range(1, count + 1):
            starts, ends = _period_bounds(kind, year, index)
            period, new = Period.objects.get_or_create(
                plan=plan, kind=kind, year=year, index=index,
                defaults=dict(starts=starts, ends=ends,
                              opens=ends - datetime.timedelta(days=OPENS_BEFORE_END),
                              deadline=ends + datetime.timedelta(days=DEADLINE_AFTER_END),
                              closes=ends + datetime.timedelta(days=CLOSES_AFTER_END)))
            if new:
                created.append(period)
    if created:
        log_action("reporting.periods.created", actor=actor, obj=plan, org_unit=plan.area,
                   data={"after": [p.label for p in created]})
    return created


@transaction.atomic
def set_up_periods(plan: pm.Plan, kind: str, years: list[int] | None = None, *,
                   actor=None) -> tuple[list[Period], int]:
    """What ``cfcity periods`` and the coordinator's periods page do: the periods of ``kind``
    (see ``create_periods``), then the assignments of the plan's departments. Returns the
    new periods and how many assignments were added."""
    created = create_periods(plan, kind, years, actor=actor)
    return created, sync_assignments(plan)


# --- changing and deleting a period --------------------------------------------------------

PERIOD_DATES = {"opens": "开始填报日期", "deadline": "报送期限", "closes": "结束填报日期"}
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MAX_DATE_TEXT = 20  # longer than any way of writing a date: not echoed back
MIN_YEAR, MAX_YEAR = 2000, 2100  # a year outside is a typing slip


class PeriodInvalid(ReportingError):
    """Dates the coordinator entered that cannot be saved: ``errors`` maps each field
    (opens, deadline, closes) to what is wrong with it, in words for the user."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(errors.values()))


def parse_date(value, name: str) -> datetime.date:
    """A date from a form (2025-01-15, 2025/1/15 or 2025年1月15日) or a ``date``; a
    ``ReportingError`` naming the field otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        raise ReportingError(f"请填写{name}")
    match = _DATE_TEXT.match(text) if len(text) <= MAX_DATE_TEXT else None
    if match:
        try:
            date = datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
        else:
            if not MIN_YEAR <= date.year <= MAX_YEAR:
                raise ReportingError(f"{name}的年份应在 {MIN_YEAR}—{MAX_YEAR} 年之间")
            return date
    shown = f"“{text}”" if len(text) <= MAX_DATE_TEXT else ""
    raise ReportingError(f"{name}{shown}不是有效的日期，请按 2025-01-15 的格式填写")


def _date_text(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@transaction.atomic
def change_period_dates(period: Period, *, opens, deadline, closes, actor=None) -> bool:
    """Set when reporting for ``period`` opens, is due and closes (dates, or text from a
    form). They must satisfy opens ≤ deadline ≤ closes; otherwise ``PeriodInvalid`` says
    what is wrong with each field and nothing is saved. Returns whether anything changed."""
    errors, dates = {}, {}
    for field, value in (("opens", opens), ("deadline", deadline), ("closes", closes)):
        try:
            dates[field] = parse_date(value, PERIOD_DATES[field])
        except ReportingError as e:
            errors[field] = str(e)
    # the order, among the dates that could be read: every problem is told at once
    for early, late in (("opens", "deadline"), ("deadline", "closes"), ("opens", "closes")):
        if early in dates and late in dates and late not in errors and dates[late] < dates[early]:
            errors[late] = (f"{PERIOD_DATES[late]}（{_date_text(dates[late])}）不能早于"
                            f"{PERIOD_DATES[early]}（{_date_text(dates[early])}）")
    if errors:
        raise PeriodInvalid(errors)
    period = Period.objects.select_for_update().get(pk=period.pk)
    changes = {f: [getattr(period, f).isoformat(), d.isoformat()]
               for f, d in dates.items() if getattr(period, f) != d}
    if not changes:
        return False
    for field in changes:
        setattr(period, field, dates[field])
    period.save(update_fields=list(changes))
    log_action("reporting.period.changed", actor=actor, obj=period, org_unit=period.plan.area,
               data={"before": {f: old for f, (old, new) in changes.items()},
                     "after": {f: new for f, (old, new) in changes.items()}})
    return True


@transaction.atomic
def delete_period(period: Period, *, actor=None) -> None:
    """Delete ``period``; refused (``ReportingError``) once any report exists for it.
    The row is locked first, so a report cannot be started for it in the meantime."""
    period = Period.objects.select_for_update(of=("self",)).select_related("plan__area").get(pk=period.pk)
    count = Report.objects.filter(period=period).count()
    if count:
        raise ReportingError(f"{period.label}已有 {count} 份报告，不能删除。")
    log_action("reporting.period.deleted", actor=actor, obj=period, org_unit=period.plan.area,
               data={"before": {"label": period.label, "kind": period.kind, "year": period.year,
                                "index": period.index, "starts": period.starts.isoformat(),
                                "ends": period.ends.isoformat(), "opens": period.opens.isoformat(),
                                "deadline": period.deadline.isoformat(),
                                "closes": period.closes.isoformat()}})
    period.delete()


@transaction.atomic
def sync_assignments(plan: pm.Plan) -> int:
    """Every lead and co-operating department of the plan's tasks owes reports on them."""
    existing = set(Assignment.objects.filter(task__plan=plan).values_list("task_id", "org_unit_id"))
    new = [Assignment(task_id=link.task_id, org_unit_id=link.org_unit_id, role=link.role)
           for link in pm.TaskDepartment.objects.filter(task__plan=plan)
           if (link.task_id, link.org_unit_id) not in existing]
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def assign(task: pm.Task, org_unit, role: str = Assignment.Role.COOPERATING, *, actor=None) -> Assignment:
    """The coordinator adds a co-operating unit (or a town sharing a target) to a task."""
    assignment, created = Assignment.objects.get_or_create(task=task, org_unit=org_unit,
                                                           defaults={"role": role})
    if created:
        log_action("reporting.assignment.added", actor=actor, obj=assignment, org_unit=org_unit,
                   data={"after": {"task": task.number, "role": role}})
    return assignment


@transaction.atomic
def set_share(target: pm.Target, org_unit, value, *, actor=None, note: str = "") -> TargetShare:
    """Break ``target`` down to ``org_unit``; the unit then owes reports on the task."""
    value = Decimal(str(value))
    if value < 0:
        raise ReportingError("分解目标值不能为负数")
    share = TargetShare.objects.filter(target=target, org_unit=org_unit).first()
    before = None if share is None else str(share.value)
    if share is None:
        share = TargetShare(target=target, org_unit=org_unit)
    share.value, share.note = value, note
    share.save()
    if target.task_id:
        assign(target.task, org_unit, Assignment.Role.SHARE, actor=actor)
    log_action("reporting.share.set", actor=actor, obj=target, org_unit=org_unit,
               data={"before": before, "after": str(value)})
    return share


def share_gap(target: pm.Target) -> Decimal | None:
    """How far the shares fall short of the target (negative: they exceed it); None when
    the target has no value. For a range (3—5) the lower bound must be reached."""
    if target.value is None:
        return None
    total = TargetShare.objects.filter(target=target).aggregate(s=Sum("value"))["s"] or Decimal(0)
    return Decimal(target.value) - total


@dataclass
class Owed:
    """One report a unit owes for a period, and where it stands."""
    assignment: Assignment
    period: Period
    report: Report | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else "missing"

    def late(self, today: datetime.date | None = None) -> bool:
        """Past the deadline and not yet sent up (templates call it without a date: today)."""
        if today is None:
            from django.utils import timezone
            today = timezone.localdate()
        done = self.report is not None and self.report.status in SENT
        return not done and today > self.period.deadline


def owed(period: Period, units) -> list[Owed]:
    """What ``units`` (ids or a queryset) owe for ``period``: one row per assigned task, with
    the current report if any. Two queries whatever the size."""
    assignments = (Assignment.objects.filter(task__plan_id=period.plan_id, org_unit__in=units)
                   .select_related("task", "org_unit").order_by("task__number", "org_unit__name"))
    reports = {(r.task_id, r.org_unit_id): r for r in
               Report.objects.filter(period=period, org_unit__in=units)
               .exclude(status=Report.Status.SUPERSEDED).order_by("revision")}
    return [Owed(a, period, reports.get((a.task_id, a.org_unit_id))) for a in assignments]
