"""When a unit is reminded of a report it owes (催报节奏; docs/methodology.md).

Before a deadline: 30, 7 and 1 days ahead; after it: 1 and 7 days late, then every 30
days (late_30, late_60, …) while the report is still owed. Each step has a window, from
its day until the next step's day; a step is sent once, on the first day of its window
that the unit has had no other reminder within ``min_gap_days`` (for any period). A step
whose window has passed is skipped, never sent late. ``step_due`` and ``next_for_unit``
are plain functions over dates (tested over whole calendars); ``due_reminders`` applies
them to what units owe today.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from cfcity.orgs.models import OrgUnit
from cfcity.reporting.models import SENT, Assignment, Period
from cfcity.reporting.services import Owed, owed

from .models import Reminder

BEFORE_STEPS = (("before_30", 30), ("before_7", 7), ("before_1", 1))  # (step, days before the deadline)
LATE_STEPS = (("late_1", 1), ("late_7", 7))  # then late_30, late_60, … every 30 days
MONTH = 30


def window_step(deadline: datetime.date, today: datetime.date) -> str | None:
    """The step whose window ``today`` falls in (None more than 30 days ahead). The
    deadline day itself belongs to before_1."""
    left = (deadline - today).days
    if left > BEFORE_STEPS[0][1]:
        return None
    if left >= 0:
        step = None
        for name, days in BEFORE_STEPS:
            if left <= days:
                step = name
        return step
    late = -left
    if late < LATE_STEPS[1][1]:
        return LATE_STEPS[0][0]
    if late < MONTH:
        return LATE_STEPS[1][0]
    return f"late_{late // MONTH * MONTH}"


def step_label(step: str) -> str:
    """How a step reads in a mail: 提前30天提醒, 逾期1天催报, 逾期60天催报."""
    kind, _, days = step.partition("_")
    return f"提前{days}天提醒" if kind == "before" else f"逾期{days}天催报"


def _too_soon(dates: Iterable[datetime.date], today: datetime.date, min_gap_days: int) -> bool:
    return any(0 <= (today - d).days < min_gap_days for d in dates)


def step_due(deadline: datetime.date, today: datetime.date, sent: list[tuple[str, datetime.date]], *,
             min_gap_days: int = 3, unit_sent: Iterable[datetime.date] = ()) -> str | None:
    """The reminder step to send today for a report due on ``deadline``, or None.

    ``sent``: the steps already sent for this period, with their dates; ``unit_sent``: the
    dates of every other reminder the unit had (for any period), so that no unit gets two
    within ``min_gap_days``."""
    step = window_step(deadline, today)
    if step is None or step in {s for s, _ in sent}:
        return None
    if _too_soon([d for _, d in sent] + list(unit_sent), today, min_gap_days):
        return None
    return step


def next_for_unit(periods: list[tuple[object, datetime.date, list[tuple[str, datetime.date]]]],
                  today: datetime.date, *, min_gap_days: int = 3,
                  unit_sent: Iterable[datetime.date] = ()) -> tuple[object, str] | None:
    """One unit, several periods owed: ``periods`` is [(key, deadline, sent steps)]. At
    most one reminder a day and none within ``min_gap_days`` of another: the period whose
    deadline is nearest today (before or after) goes first. Returns (key, step) or None."""
    all_sent = list(unit_sent) + [d for _, _, sent in periods for _, d in sent]
    if _too_soon(all_sent, today, min_gap_days):
        return None
    for key, deadline, sent in sorted(periods, key=lambda p: (abs((p[1] - today).days), p[1])):
        step = step_due(deadline, today, sent, min_gap_days=min_gap_days)
        if step:
            return key, step
    return None


@dataclass
class Due:
    """A reminder due today: ``unit`` owes ``reports`` (not yet sent up) for ``period``."""
    unit: OrgUnit
    period: Period
    step: str
    reports: list[Owed] = field(default_factory=list)


def due_reminders(today: datetime.date, *, min_gap_days: int | None = None) -> list[Due]:
    """Every reminder due on ``today``: (unit, period, step, the reports it still owes),
    one at most per unit. Reads what was already sent from ``Reminder``."""
    from .warnings import setting

    gap = setting("reminder_min_gap_days") if min_gap_days is None else min_gap_days
    horizon = today + datetime.timedelta(days=BEFORE_STEPS[0][1])
    periods = list(Period.objects.filter(deadline__lte=horizon).select_related("plan").order_by("deadline", "pk"))
    if not periods:
        return []
    units_by_plan: dict[int, set[int]] = defaultdict(set)
    for plan_id, unit_id in (Assignment.objects.filter(task__plan_id__in={p.plan_id for p in periods},
                                                       org_unit__active=True)
                             .values_list("task__plan_id", "org_unit_id")):
        units_by_plan[plan_id].add(unit_id)
    owing: dict[int, dict[int, list[Owed]]] = defaultdict(dict)  # unit → period → reports owed
    period_by_id = {p.pk: p for p in periods}
    for p in periods:
        units = units_by_plan.get(p.plan_id)
        if not units:
            continue
        for row in owed(p, units):
            if row.report is not None and row.report.status in SENT:
                continue
            owing[row.assignment.org_unit_id].setdefault(p.pk, []).append(row)
    if not owing:
        return []
    sent_by_period: dict[tuple[int, int], list[tuple[str, datetime.date]]] = defaultdict(list)
    unit_dates: dict[int, list[datetime.date]] = defaultdict(list)
    for unit_id, period_id, step, sent_on in (Reminder.objects.filter(org_unit_id__in=owing)
                                              .values_list("org_unit_id", "period_id", "step", "sent_on")):
        sent_by_period[(unit_id, period_id)].append((step, sent_on))
        unit_dates[unit_id].append(sent_on)
    units = OrgUnit.objects.in_bulk(list(owing))
    out = []
    for unit_id, by_period in owing.items():
        candidates = [(pid, period_by_id[pid].deadline, sent_by_period.get((unit_id, pid), []))
                      for pid in by_period]
        chosen = next_for_unit(candidates, today, min_gap_days=gap, unit_sent=unit_dates.get(unit_id, []))
        if chosen:
            pid, step = chosen
            out.append(Due(units[unit_id], period_by_id[pid], step, by_period[pid]))
    out.sort(key=lambda d: (d.unit.name, d.period.deadline))
    return out
