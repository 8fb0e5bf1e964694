"""The reminder cadence (cfcity.monitoring.reminders): every day of a calendar simulated
around a deadline, the exact days a reminder goes out; then what units owe today."""
import datetime

import pytest
from django.utils import timezone

from cfcity.monitoring import reminders
from cfcity.monitoring.models import Reminder
from cfcity.monitoring.reminders import next_for_unit, step_due, window_step
from cfcity.reporting.models import Period, Report
from tests.test_reporting import county  # noqa: F401  (the fixture)

DEADLINE = datetime.date(2025, 1, 15)


def day(offset: int, deadline=DEADLINE) -> datetime.date:
    return deadline + datetime.timedelta(days=offset)


def simulate(first: int, last: int, *, deadline=DEADLINE, **kw) -> list[tuple[str, int]]:
    """Run every day from deadline+first to deadline+last; (step, day offset) sent."""
    sent: list[tuple[str, datetime.date]] = []
    for offset in range(first, last + 1):
        today = day(offset, deadline)
        step = step_due(deadline, today, sent, **kw)
        if step:
            sent.append((step, today))
    return [(s, (d - deadline).days) for s, d in sent]


def test_the_calendar_around_a_deadline():
    # 120 days: 45 before the deadline to 74 after it
    assert simulate(-45, 74) == [
        ("before_30", -30), ("before_7", -7), ("before_1", -1),
        ("late_1", 2),  # not on day 1: only two days after before_1 (at least 3 apart)
        ("late_7", 7), ("late_30", 30), ("late_60", 60)]


def test_the_calendar_goes_on_monthly_while_the_report_is_owed():
    assert [s for s, _ in simulate(-45, 200)][-6:] == ["late_30", "late_60", "late_90", "late_120",
                                                       "late_150", "late_180"]


def test_a_smaller_gap_sends_on_the_step_days_exactly():
    assert simulate(-45, 74, min_gap_days=1) == [
        ("before_30", -30), ("before_7", -7), ("before_1", -1), ("late_1", 1), ("late_7", 7),
        ("late_30", 30), ("late_60", 60)]


def test_a_large_gap_skips_a_step_whose_window_it_covers():
    # before_1 (days -1 and 0) falls within 10 days of before_7: skipped, never sent late
    assert simulate(-45, 74, min_gap_days=10) == [
        ("before_30", -30), ("before_7", -7), ("late_1", 3), ("late_7", 13), ("late_30", 30),
        ("late_60", 60)]


def test_a_missed_step_is_skipped_not_sent_late():
    # the unit was assigned five days before the deadline: no before_30 then
    assert simulate(-5, 74) == [("before_7", -5), ("before_1", -1), ("late_1", 2), ("late_7", 7),
                                ("late_30", 30), ("late_60", 60)]
    assert step_due(DEADLINE, day(-3), []) == "before_7"  # not before_30
    assert step_due(DEADLINE, day(-31), []) is None  # too early for anything


def test_windows_and_the_deadline_day():
    steps = {o: window_step(DEADLINE, day(o)) for o in (-31, -30, -8, -7, -2, -1, 0, 1, 6, 7, 29, 30, 59, 60)}
    assert steps == {-31: None, -30: "before_30", -8: "before_30", -7: "before_7", -2: "before_7",
                     -1: "before_1", 0: "before_1", 1: "late_1", 6: "late_1", 7: "late_7", 29: "late_7",
                     30: "late_30", 59: "late_30", 60: "late_60"}
    assert step_due(DEADLINE, day(0), [("before_7", day(-7))]) == "before_1"  # the last chance before it


def test_one_reminder_to_a_unit_whatever_the_period():
    other = [day(-8)]  # a reminder about another period the day before
    assert step_due(DEADLINE, day(-7), [], unit_sent=other) is None
    assert step_due(DEADLINE, day(-6), [], unit_sent=other) is None
    assert step_due(DEADLINE, day(-5), [], unit_sent=other) == "before_7"
    assert step_due(DEADLINE, day(-5), [], unit_sent=other, min_gap_days=4) is None
    assert step_due(DEADLINE, day(-7), [("before_7", day(-7))]) is None  # sent today already


def test_two_periods_of_one_unit_share_the_gap():
    """Two deadlines two days apart (a county plan and a city plan): every day simulated,
    never two reminders within three days, the nearest deadline first."""
    a, b = DEADLINE, day(2)
    sent = {"A": [], "B": []}
    log = []
    for offset in range(-45, 75):
        today = day(offset)
        chosen = next_for_unit([("A", a, sent["A"]), ("B", b, sent["B"])], today)
        if chosen:
            key, step = chosen
            sent[key].append((step, today))
            log.append((key, step, offset))
    assert log == [
        ("A", "before_30", -30), ("B", "before_30", -27), ("A", "before_7", -7), ("B", "before_7", -4),
        ("A", "before_1", -1), ("B", "before_1", 2),
        ("B", "late_1", 5),  # B (3 days late) is nearer than A (5): A's late_1 window then closes
        ("A", "late_7", 8), ("B", "late_7", 11), ("A", "late_30", 30), ("B", "late_30", 33),
        ("A", "late_60", 60), ("B", "late_60", 63)]
    days = sorted(offset for *_, offset in log)
    assert all(b - a >= 3 for a, b in zip(days, days[1:]))


def test_step_labels():
    assert [reminders.step_label(s) for s in ("before_30", "before_1", "late_1", "late_60")] == [
        "提前30天提醒", "提前1天提醒", "逾期1天催报", "逾期60天催报"]


# --- what units owe today ------------------------------------------------------------------------

@pytest.mark.django_db
def test_due_reminders_for_the_units_owing_reports(county):
    plan, health, period = county["plan"], county["health"], county["period"]
    Period.objects.filter(plan=plan).exclude(pk=period.pk).delete()  # the 2024 period only
    assert reminders.due_reminders(day(-31)) == []
    due = reminders.due_reminders(day(-30))
    owing = {a.org_unit.name for a in period.plan.tasks.all() for a in a.assignments.all()}
    assert {d.unit.name for d in due} == owing
    mine = next(d for d in due if d.unit == health)
    assert (mine.period, mine.step) == (period, "before_30")
    assert [r.assignment.task for r in mine.reports] == [county["task"]]

    Reminder.objects.create(org_unit=health, period=period, step="before_30", sent_on=day(-30))
    assert health not in {d.unit for d in reminders.due_reminders(day(-30))}  # sent: not twice
    assert health not in {d.unit for d in reminders.due_reminders(day(-8))}  # before_30 done
    assert health in {d.unit for d in reminders.due_reminders(day(-7))}

    Report.objects.create(task=county["task"], org_unit=health, period=period,
                          status=Report.Status.SUBMITTED, submitted_at=timezone.now())
    assert health not in {d.unit for d in reminders.due_reminders(day(-7))}  # nothing owed any more
    Report.objects.filter(org_unit=health).update(status=Report.Status.RETURNED)
    assert health in {d.unit for d in reminders.due_reminders(day(-7))}  # returned: owed again


@pytest.mark.django_db
def test_due_reminders_one_per_unit_nearest_deadline_first(county, settings):
    health = county["health"]
    due = [d for d in reminders.due_reminders(day(-30)) if d.unit == health]
    # 2023 is 336 days late, 2024 is 30 days ahead: one reminder, about 2024
    assert [(d.period.year, d.step) for d in due] == [(2024, "before_30")]
    Reminder.objects.create(org_unit=health, period=county["period"], step="before_30", sent_on=day(-30))
    assert not [d for d in reminders.due_reminders(day(-28)) if d.unit == health]  # the gap
    due = [d for d in reminders.due_reminders(day(-27)) if d.unit == health]
    assert [(d.period.year, d.step) for d in due] == [(2023, "late_330")]
    settings.MONITORING_WARNINGS = {**settings.MONITORING_WARNINGS, "reminder_min_gap_days": 5}
    assert not [d for d in reminders.due_reminders(day(-27)) if d.unit == health]
