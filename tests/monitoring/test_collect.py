"""From accepted reports to the engine's inputs and stored verdicts: the data layer of
monitoring (cfcity.monitoring.collect / services / summaries) on a real database."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cfcity.monitoring import collect, engine, services, summaries
from cfcity.monitoring.models import Observation, TargetStatus
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting import services as reporting
from cfcity.reporting import workflow
from cfcity.reporting.models import Period
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def observe(target, unit, period, value):
    Observation.objects.update_or_create(target=target, org_unit=unit, period=period,
                                         defaults={"value": Decimal(str(value)), "accepted_at": timezone.now()})


def inputs_by_indicator(plan):
    return {i.target.indicator: i for i in collect.area_inputs([plan]) if i.org_unit_id == plan.area_id}


def accept(county, report, values, django_capture_on_commit_callbacks):
    report = workflow.save_report(report, user=county["reporter"], version=report.version,
                                  narrative="托位持续增加", values=values)
    report = workflow.approve(workflow.submit(report, user=county["reporter"]), user=county["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        return workflow.accept(report, user=county["coordinator"])


def test_accepting_a_report_records_its_values_and_recomputes(county, django_capture_on_commit_callbacks):
    task, health, period = county["task"], county["health"], county["period"]
    target = task.targets.get()
    report = workflow.open_report(task, health, period, user=county["reporter"])
    accept(county, report, {target.pk: "3.6"}, django_capture_on_commit_callbacks)
    obs = Observation.objects.get()
    assert (obs.target, obs.org_unit, obs.period, obs.value) == (target, health, period, Decimal("3.6"))
    status = TargetStatus.objects.get(target=target, org_unit=county["plan"].area)
    assert status.latest == pytest.approx(3.6) and status.series == [["2024-12-31", 3.6]]
    assert status.baseline == pytest.approx(2.1) and status.baseline_year == 2022


def test_a_correction_replaces_the_value_it_corrects(county, django_capture_on_commit_callbacks):
    task, health, period = county["task"], county["health"], county["period"]
    target = task.targets.get()
    report = workflow.open_report(task, health, period, user=county["reporter"])
    report = accept(county, report, {target.pk: "3.6"}, django_capture_on_commit_callbacks)
    report = workflow.start_correction(report, user=county["reporter"], reason="统计口径更正")
    accept(county, report, {target.pk: "3.9"}, django_capture_on_commit_callbacks)
    assert list(Observation.objects.values_list("value", flat=True)) == [Decimal("3.9")]
    assert TargetStatus.objects.get(target=target, org_unit=county["plan"].area).latest == pytest.approx(3.9)


def test_department_figures_are_the_areas_and_co_leads_are_averaged(county):
    plan, health, period = county["plan"], county["health"], county["period"]
    target = county["task"].targets.get()
    other = OrgUnit.objects.get(name="县发展改革局", parent=plan.area)
    observe(target, health, period, 3.0)
    observe(target, other, period, 4.0)
    observe(target, county["town"], period, 99)  # a town's own figure is not the county's
    [point] = inputs_by_indicator(plan)[target.indicator].points
    assert point == engine.Point(datetime.date(2024, 12, 31), 3.5)


def test_a_registers_figure_is_the_areas_whatever_a_co_lead_typed(county, django_capture_on_commit_callbacks):
    """A register (spaces, life circle, welfare …) writes its figure without a report at the
    task's first lead department; a co-lead's accepted report for the same target and period
    neither joins its mean nor replaces it, and a report of the register's own unit keeps
    its typed value out of the register's row."""
    plan, health, period = county["plan"], county["health"], county["period"]
    target = county["task"].targets.get()
    other = OrgUnit.objects.get(name="县发展改革局", parent=plan.area)
    observe(target, health, period, 3.0)  # the register's figure (no report)
    report = workflow.open_report(county["task"], health, period, user=county["reporter"])
    accept(county, report, {target.pk: "7.5"}, django_capture_on_commit_callbacks)
    kept = Observation.objects.get(target=target, org_unit=health, period=period)
    assert (kept.value, kept.report_id) == (Decimal("3.0"), None)
    Observation.objects.create(target=target, org_unit=other, period=period, value=Decimal("9"),
                               report=report, accepted_at=timezone.now())  # a co-lead's typed figure
    [point] = inputs_by_indicator(plan)[target.indicator].points
    assert point == engine.Point(datetime.date(2024, 12, 31), 3.0)


def test_cumulative_targets_sum_the_towns_when_no_department_reports(county):
    plan, period = county["plan"], county["period"]
    streets = pm.Target.objects.get(plan=plan, indicator="建设儿童友好街区")
    other_town = OrgUnit.objects.create(name="索镇", kind=OrgUnit.Kind.TOWN, parent=plan.area)
    observe(streets, county["town"], period, 2)
    observe(streets, other_town, period, 1)
    inp = inputs_by_indicator(plan)[streets.indicator]
    assert [p.value for p in inp.points] == [3.0]
    assert (inp.spec.value, inp.spec.value_max, inp.spec.comparator) == (3.0, 5.0, "between")


def test_per_unit_targets_become_the_share_of_units_concerned(county):
    plan, period = county["plan"], county["period"]
    task = pm.Task.objects.get(plan=plan, number=1)
    target = pm.Target.objects.create(plan=plan, task=task, order=9, indicator="村（社区）配备儿童主任",
                                      comparator=">=", value=1, unit="名", year=2025, kind="per_unit",
                                      per="村（社区）")
    villages = [OrgUnit.objects.create(name=f"{n}村", kind=OrgUnit.Kind.VILLAGE, parent=county["town"])
                for n in "东西南北"]
    observe(target, villages[0], period, 1)
    observe(target, villages[1], period, 2)
    observe(target, villages[2], period, 0)  # the fourth has not reported: it counts as not covered
    inp = inputs_by_indicator(plan)[target.indicator]
    assert [p.value for p in inp.points] == [50.0]  # 2 of the 4 villages
    assert (inp.spec.value, inp.spec.comparator) == (100.0, ">=")


def test_towns_counting_their_villages_give_the_same_share(county):
    plan, period = county["plan"], county["period"]
    task = pm.Task.objects.get(plan=plan, number=1)
    target = pm.Target.objects.create(plan=plan, task=task, order=9, indicator="村（社区）配备儿童主任",
                                      comparator=">=", value=1, unit="名", year=2025, kind="per_unit",
                                      per="村（社区）")
    for n in "东西南北":
        OrgUnit.objects.create(name=f"{n}村", kind=OrgUnit.Kind.VILLAGE, parent=county["town"])
    observe(target, county["town"], period, 3)  # the town: 3 of its villages have one
    assert [p.value for p in inputs_by_indicator(plan)[target.indicator].points] == [75.0]


def test_a_year_and_its_fourth_quarter_give_one_point_the_years(county):
    plan, health = county["plan"], county["health"]
    reporting.create_periods(plan, "quarter", [2024])
    target = county["task"].targets.get()
    q4 = Period.objects.get(plan=plan, kind="quarter", year=2024, index=4)
    q2 = Period.objects.get(plan=plan, kind="quarter", year=2024, index=2)
    observe(target, health, q2, 3.1)
    observe(target, health, q4, 3.3)
    observe(target, health, county["period"], 3.4)
    points = inputs_by_indicator(plan)[target.indicator].points
    assert [(p.when.isoformat(), p.value) for p in points] == [("2024-06-30", 3.1), ("2024-12-31", 3.4)]


def test_recompute_stores_one_verdict_per_target_and_share_and_is_idempotent(county):
    plan, period = county["plan"], county["period"]
    streets = pm.Target.objects.get(plan=plan, indicator="建设儿童友好街区")
    reporting.set_share(streets, county["town"], 2)
    observe(streets, county["town"], period, 1)
    first = services.recompute([plan], as_of=datetime.date(2025, 6, 30))
    n_targets = pm.Target.objects.filter(plan=plan).count()
    assert first.statuses == n_targets + 1
    assert TargetStatus.objects.count() == n_targets + 1
    assert TargetStatus.objects.get(target=streets, org_unit=county["town"]).latest == pytest.approx(1.0)
    services.recompute([plan], as_of=datetime.date(2025, 6, 30))
    assert TargetStatus.objects.count() == n_targets + 1
    streets.shares.all().delete()  # a share withdrawn leaves no verdict behind
    services.recompute([plan], as_of=datetime.date(2025, 6, 30))
    assert not TargetStatus.objects.filter(org_unit=county["town"]).exists()


def test_a_past_year_is_judged_on_its_own_data(county):
    plan, health = county["plan"], county["health"]
    target = county["task"].targets.get()
    observe(target, health, Period.objects.get(plan=plan, kind="year", year=2023), 2.5)
    observe(target, health, county["period"], 4.6)  # 2024: already met
    services.recompute([plan], as_of=datetime.date(2025, 3, 1))
    now = summaries.board(plan, today=datetime.date(2025, 3, 1))
    then = summaries.board(plan, year=2023, today=datetime.date(2025, 3, 1))
    line_now = next(t for t in now.targets if t.target == target)
    line_then = next(t for t in then.targets if t.target == target)
    assert line_now.status.latest == pytest.approx(4.6) and line_now.code == "achieved"
    assert line_then.status.latest == pytest.approx(2.5) and line_then.code != "achieved"
    assert then.as_of == datetime.date(2023, 12, 31)


def test_board_rolls_up_and_ranks_departments(county):
    plan, health = county["plan"], county["health"]
    target = county["task"].targets.get()
    observe(target, health, county["period"], 4.6)
    services.recompute([plan], as_of=datetime.date(2025, 3, 1))
    b = summaries.board(plan, today=datetime.date(2025, 3, 1))
    assert [d.obj.title for d in b.domains] == ["社会政策友好", "公共服务友好"]
    assert b.overall.total == pm.Target.objects.filter(plan=plan).count()
    top = b.departments[0]
    assert top.org_unit == health and top.rank == 1  # its one target is achieved
    assert (top.punctuality.owed, top.punctuality.missing) == (2, 2)  # 2023 and 2024 were due, none sent
    mine = summaries.board(plan, unit=health, today=datetime.date(2025, 3, 1))
    assert [t.target.indicator for t in mine.targets] == [target.indicator]


def test_a_department_counting_the_towns_that_have_one_gives_their_share(county):
    plan, period = county["plan"], county["period"]
    task = pm.Task.objects.get(plan=plan, number=1)
    target = pm.Target.objects.create(plan=plan, task=task, order=9, indicator="镇（街道）配备儿童督导员",
                                      comparator=">=", value=1, unit="名", year=2025, kind="per_unit",
                                      per="镇（街道）")
    OrgUnit.objects.create(name="索镇", kind=OrgUnit.Kind.TOWN, parent=plan.area)  # 2 towns in all
    observe(target, OrgUnit.objects.get(name="县民政局", parent=plan.area), period, 1)
    inp = inputs_by_indicator(plan)[target.indicator]
    assert [p.value for p in inp.points] == [50.0] and inp.spec.value == 100.0


def test_a_towns_share_of_a_per_unit_target_is_its_own_figure_against_its_share(county):
    plan, period, town = county["plan"], county["period"], county["town"]
    task = pm.Task.objects.get(plan=plan, number=1)
    target = pm.Target.objects.create(plan=plan, task=task, order=9, indicator="镇（街道）配备儿童督导员",
                                      comparator=">=", value=1, unit="名", year=2025, kind="per_unit",
                                      per="镇（街道）")
    reporting.set_share(target, town, 1)
    observe(target, town, period, 1)
    services.recompute([plan], as_of=datetime.date(2025, 3, 1))
    assert TargetStatus.objects.get(target=target, org_unit=town).status == "achieved"
