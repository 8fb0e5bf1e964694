"""Warning rules (cfcity.monitoring.warnings): each rule on a small county, resolution when
the condition clears, stable keys, scoping, and the block on the 我的任务 page."""
import datetime
from decimal import Decimal

import pytest

from cfcity.monitoring import services as monitoring
from django.utils import timezone

from cfcity.monitoring import warnings as rules
from cfcity.monitoring.models import Observation, TargetStatus, Warning
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting import services
from cfcity.reporting.models import Assignment, Period, Report, ReportValue
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
D = datetime.date


def active(plan, kind=None):
    qs = Warning.objects.filter(plan=plan, resolved_at__isnull=True)
    return qs.filter(kind=kind) if kind else qs


def status(target, unit, code, **kw):
    return TargetStatus.objects.create(target=target, org_unit=unit, as_of=D(2025, 3, 1), status=code, **kw)


def report(county, *, status=Report.Status.DRAFT, stage=Report.Stage.NOT_STARTED, period=None, unit=None):
    return Report.objects.create(task=county["task"], org_unit=unit or county["health"],
                                 period=period or county["period"], status=status, stage=stage,
                                 submitted_at=timezone.now() if status != Report.Status.DRAFT else None)


def only_year_2024(county):
    """Keep the 2024 period only, so the report rules look at one deadline (15 Jan 2025)."""
    Period.objects.filter(plan=county["plan"]).exclude(pk=county["period"].pk).delete()


def test_off_track_and_at_risk_name_the_lead_department_or_the_town(county):
    plan, health, town = county["plan"], county["health"], county["town"]
    target = county["task"].targets.get()  # 托位数, lead 县卫生健康局
    status(target, plan.area, "off_track", latest=2.3, latest_when=D(2024, 12, 31), progress=8.33,
           expected=50.07, reasons=["最新值 2.3（2024-12-31），目标 ≥4.5（2025年底）。"])
    streets = pm.Target.objects.get(plan=plan, indicator="建设儿童友好街区")
    services.set_share(streets, town, 2)
    status(streets, town, "at_risk", reasons=["截止期 2025-12-31 已过，最新值仍未达到目标。"])
    status(pm.Target.objects.get(plan=plan, indicator="学生在校期间每天校园体育活动时间"), plan.area, "achieved")

    rules.refresh(plan, as_of=D(2024, 6, 1))
    w = active(plan, "off_track").get()
    assert (w.org_unit, w.severity, w.task, w.target) == (health, "high", county["task"], target)
    assert w.key == f"off_track:target:{target.pk}:unit:{health.pk}"
    assert "每千人口3岁以下婴幼儿托位数" in w.message and "严重滞后" in w.message
    assert w.message.endswith("严重滞后。最新值 2.3 个（2024年12月31日），已完成进度 8%，按期应完成 50%。")
    assert "下一期报告" in w.clear_by and "自动解除" in w.clear_by
    share = active(plan, "at_risk").get()
    assert (share.org_unit, share.severity, share.key) == (town, "medium", f"at_risk:target:{streets.pk}:share:{town.pk}")
    assert share.message.endswith("本单位承担的分解目标（2 处）存在风险。截止期 2025-12-31 已过，最新值仍未达到目标。")
    assert active(plan).filter(kind__in=["off_track", "at_risk"]).count() == 2  # achieved raises nothing


def test_a_target_no_task_states_goes_to_the_departments_the_table_names(county):
    plan = county["plan"]
    coverage = pm.Target.objects.get(plan=plan, task__isnull=True)  # 责任单位：县卫生健康局、县医疗保障局
    status(coverage, plan.area, "at_risk")
    rules.refresh(plan, as_of=D(2024, 6, 1))
    # 县医疗保障局 is not an org unit of this county: only the one that is
    assert [w.org_unit for w in active(plan, "at_risk")] == [county["health"]]
    coverage.responsible = ["县医疗保障局"]
    coverage.save()
    TargetStatus.objects.filter(target=coverage).update(status="off_track")
    rules.refresh(plan, as_of=D(2024, 6, 1))
    assert [w.org_unit for w in active(plan, "off_track")] == [plan.area]  # nobody named: the area


def test_overdue_until_the_report_is_sent(county):
    plan, health = county["plan"], county["health"]
    only_year_2024(county)
    rules.refresh(plan, as_of=D(2025, 1, 15))  # the deadline day itself is not late
    assert not active(plan, "overdue").exists()
    n = rules.refresh(plan, as_of=D(2025, 1, 20))
    overdue = active(plan, "overdue")
    assert n == active(plan).count()  # with the targets without data (stale)
    assert overdue.count() == Assignment.objects.filter(task__plan=plan).count() == 7  # every assignment
    w = overdue.get(org_unit=health)
    assert w.key == f"overdue:period:{county['period'].pk}:task:{county['task'].pk}:unit:{health.pk}"
    assert w.severity == "high" and w.period == county["period"]
    assert "“任务（2）发展普惠托育”2024年的进展报告逾期未报" in w.message and "报送期限 2025年1月15日，已逾期 5 天" in w.message and "尚未填报" in w.message
    assert w.clear_by == "填写并报送这份报告，报送后自动解除。"

    r = report(county)  # a draft is not enough
    rules.refresh(plan, as_of=D(2025, 1, 21))
    w.refresh_from_db()
    assert w.active and "报告尚在草稿中" in w.message and w.clear_by.startswith("完成草稿并报送")

    r.status = Report.Status.SUBMITTED
    r.save()
    rules.refresh(plan, as_of=D(2025, 1, 22))
    w.refresh_from_db()
    assert w.resolved_at is not None  # kept, resolved
    assert Warning.objects.filter(pk=w.pk).exists() and not active(plan, "overdue").filter(org_unit=health).exists()

    r.status = Report.Status.RETURNED  # returned by the coordinator: owed again
    r.save()
    rules.refresh(plan, as_of=D(2025, 1, 23))
    w.refresh_from_db()
    assert w.active and "已被退回" in w.message and w.clear_by.startswith("按退回意见修改后重新报送")
    assert Warning.objects.filter(plan=plan, key=w.key).count() == 1  # reopened, not duplicated


def test_not_started_shortly_before_the_deadline(county):
    plan, health = county["plan"], county["health"]
    only_year_2024(county)
    rules.refresh(plan, as_of=D(2025, 1, 7))  # 8 days ahead: not yet
    assert not active(plan, "not_started").exists()
    rules.refresh(plan, as_of=D(2025, 1, 8))  # 7 days ahead
    w = active(plan, "not_started").get(org_unit=health)
    assert (w.severity, w.period) == ("medium", county["period"])
    assert "还没有开始填写" in w.message and "只剩 7 天" in w.message

    r = report(county)  # opened, nothing chosen yet: still not started
    rules.refresh(plan, as_of=D(2025, 1, 9))
    assert active(plan, "not_started").filter(org_unit=health).exists()
    r.stage = Report.Stage.IN_PROGRESS
    r.save()
    rules.refresh(plan, as_of=D(2025, 1, 9))
    assert not active(plan, "not_started").filter(org_unit=health).exists()
    assert active(plan, "not_started").exists()  # the other units still have not started

    rules.refresh(plan, as_of=D(2025, 1, 16))  # past the deadline: overdue takes over
    assert not active(plan, "not_started").exists()
    assert active(plan, "overdue").exists()


def test_the_not_started_window_comes_from_the_settings(county, settings):
    only_year_2024(county)
    settings.MONITORING_WARNINGS = {**settings.MONITORING_WARNINGS, "not_started_days": 10}
    rules.refresh(county["plan"], as_of=D(2025, 1, 5))
    assert active(county["plan"], "not_started").exists()


def test_stale_data_while_the_plan_runs(county):
    plan, health = county["plan"], county["health"]
    Period.objects.filter(plan=plan).delete()  # no report rules in the way
    target = county["task"].targets.get()
    rules.refresh(plan, as_of=D(2024, 1, 20))  # 384 days since the plan began
    assert not active(plan, "stale").exists()
    rules.refresh(plan, as_of=D(2024, 3, 1))
    stale = active(plan, "stale")
    milestone = pm.Target.objects.get(plan=plan, kind="milestone")
    assert not stale.filter(target=milestone).exists()  # judged by the coordinator, not by data
    w = stale.get(target=target)
    assert (w.org_unit, w.severity) == (health, "low")
    assert "自方案实施（2023年）以来还没有采纳的数据" in w.message

    period = Period.objects.create(plan=plan, kind="year", year=2023, starts=D(2023, 1, 1), ends=D(2023, 12, 31),
                                   opens=D(2023, 12, 1), closes=D(2024, 2, 14), deadline=D(2024, 1, 15))
    Observation.objects.create(target=target, org_unit=health, period=period, value=Decimal("2.4"),
                               accepted_at=timezone.now())
    # the rule reads the latest date from the verdicts a recompute saves just before it
    monitoring.recompute([plan], as_of=D(2024, 3, 1))
    w.refresh_from_db()
    assert w.resolved_at is not None and stale.filter(target=target).count() == 0
    monitoring.recompute([plan], as_of=D(2025, 2, 5))  # 402 days after 31 Dec 2023
    w.refresh_from_db()
    assert w.active and "的数据已 402 天未更新（最近一次数据：2023年12月31日）" in w.message
    rules.refresh(plan, as_of=D(2026, 2, 5))  # the plan (2023—2025) has ended
    assert not active(plan, "stale").exists()


def test_stale_reads_the_engines_latest_date_too(county):
    plan = county["plan"]
    Period.objects.filter(plan=plan).delete()
    target = county["task"].targets.get()
    status(target, plan.area, "on_track", latest=3.0, latest_when=D(2024, 12, 31))
    rules.refresh(plan, as_of=D(2025, 6, 1))
    assert not active(plan, "stale").filter(target=target).exists()


def test_outliers_of_the_latest_period_until_reviewed_and_explained(county):
    plan, health = county["plan"], county["health"]
    target = county["task"].targets.get()
    old = report(county, status=Report.Status.ACCEPTED, period=Period.objects.get(plan=plan, year=2023))
    ReportValue.objects.create(report=old, target=target, value=Decimal("90"), outlier=True)  # an old period
    r = report(county, status=Report.Status.SUBMITTED, stage=Report.Stage.IN_PROGRESS)
    v = ReportValue.objects.create(report=r, target=target, value=Decimal("45"), outlier=True)
    rules.refresh(plan, as_of=D(2025, 1, 10))
    w = active(plan, "outlier").get()
    assert (w.org_unit, w.severity, w.period, w.target) == (health, "low", county["period"], target)
    assert w.key == f"outlier:period:{county['period'].pk}:target:{target.pk}:unit:{health.pk}"
    assert "2024年报送的“每千人口3岁以下婴幼儿托位数”数值 45 个与本单位往期数据差异较大（未说明原因）" in w.message
    assert w.clear_by.startswith("复核并说明")

    r.status = Report.Status.ACCEPTED  # accepted, but nobody said why: still a warning
    r.save()
    rules.refresh(plan, as_of=D(2025, 1, 20))
    assert active(plan, "outlier").exists()
    v.outlier_reason = "新建两家托育机构"
    v.save()
    rules.refresh(plan, as_of=D(2025, 1, 20))
    assert not active(plan, "outlier").exists()


def test_keys_are_stable_and_refresh_is_idempotent(county):
    plan = county["plan"]
    status(county["task"].targets.get(), plan.area, "off_track")
    first = rules.refresh(plan, as_of=D(2025, 1, 20))
    rows = {w.key: (w.pk, w.first_seen, w.last_seen) for w in Warning.objects.filter(plan=plan)}
    second = rules.refresh(plan, as_of=D(2025, 1, 20))
    again = {w.key: (w.pk, w.first_seen, w.last_seen) for w in Warning.objects.filter(plan=plan)}
    assert first == second == len(rows) == len(again) > 5
    assert set(rows) == set(again)
    for key, (pk, first_seen, last_seen) in rows.items():
        assert again[key][:2] == (pk, first_seen)
        assert again[key][2] >= last_seen
    assert not Warning.objects.filter(plan=plan, resolved_at__isnull=False).exists()


def test_a_rectification_warning_no_finding_stands_behind_is_resolved(county):
    """Rectification warnings come from cfcity.supervision's rule in EXTRA_RULES (its own
    tests: tests/supervision); refresh keeps them in line like every other kind."""
    plan = county["plan"]
    other = Warning.objects.create(plan=plan, kind="rectification", severity="high", org_unit=county["health"],
                                   key="rectification:finding:1", message="整改逾期", clear_by="完成整改")
    rules.refresh(plan, as_of=D(2024, 6, 1))
    other.refresh_from_db()
    assert not other.active


def test_each_user_sees_the_warnings_in_scope(county):
    plan, health, town = county["plan"], county["health"], county["town"]
    status(county["task"].targets.get(), plan.area, "off_track")
    streets = pm.Target.objects.get(plan=plan, indicator="建设儿童友好街区")
    services.set_share(streets, town, 2)
    status(streets, town, "at_risk")
    rules.refresh(plan, as_of=D(2025, 1, 20))

    def units(user, **kw):
        return {w.org_unit.name for w in rules.for_user(user, **kw)}

    assert units(county["reporter"], limit=None) == {"县卫生健康局"}
    assert units(county["approver"], limit=None) == {"县卫生健康局"}
    assert units(county["edu_reporter"], limit=None) == set()  # another department
    everyone = units(county["coordinator"], limit=None)
    assert {"县卫生健康局", "果里镇", "县住房城乡建设局"} <= everyone
    assert units(county["leader"], limit=None) == everyone
    shown = rules.for_user(county["coordinator"], limit=3)
    assert len(shown) == 3 and [w.severity for w in shown] == ["high"] * 3  # most severe first
    ctx = rules.home_context(county["reporter"], limit=1)
    assert ctx["monitoring_warnings_total"] == active(plan).filter(org_unit=health).count()
    assert len(ctx["monitoring_warnings"]) == 1 and ctx["monitoring_warnings_more"] == ctx["monitoring_warnings_total"] - 1
    assert ctx["monitoring_warnings"][0].kind in ("off_track", "overdue")


def test_the_my_tasks_page_shows_the_warnings_in_scope(county, client):
    plan = county["plan"]
    status(county["task"].targets.get(), plan.area, "off_track")
    rules.refresh(plan, as_of=D(2025, 1, 20))
    client.force_login(county["reporter"])
    page = client.get("/my/").content.decode()
    assert "预警提示" in page and "sev-high" in page and "严重滞后" in page
    assert "责任单位：县卫生健康局" in page and "消除方法：" in page
    client.force_login(county["edu_reporter"])
    page = client.get("/my/").content.decode()
    assert "预警提示" not in page


def test_a_frequency_target_of_the_area_reads_as_the_share_of_units_meeting_it(county):
    plan = county["plan"]
    sport = pm.Target.objects.get(plan=plan, indicator="学生在校期间每天校园体育活动时间")
    status(sport, plan.area, "off_track", latest=62.5, latest_when=D(2024, 12, 31))
    rules.refresh(plan, as_of=D(2024, 6, 1))
    w = active(plan, "off_track").get()
    assert w.message.endswith("严重滞后。达标单位占比 62.5%（2024年12月31日）。")
    assert w.org_unit.name == "县住房城乡建设局"
