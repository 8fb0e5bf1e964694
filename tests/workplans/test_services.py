"""Work plans: opening, saving (every problem at once, optimistic locking), the review steps
with history and audit, the add-up rule (hand-computed), progress against accepted reports,
spending and the children's budget, deadlines."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from cfcity.audit.models import AuditEntry
from cfcity.reporting import workflow
from cfcity.reporting.models import Period
from cfcity.workplans import breakdown as bd
from cfcity.workplans import services
from cfcity.workplans.deadlines import deadlines
from cfcity.workplans.models import BudgetLine, WorkPlan

pytestmark = pytest.mark.django_db
S = services.S


def fresh(user):
    return User.objects.get(pk=user.pk)


def streets_plan(w, year, value, towns=(), user=None, unit=None):
    user = user or w["housing_reporter"]
    wp = services.open_work_plan(w["plan"], unit or w["housing"], year, user=user)
    return services.save_work_plan(
        wp, user=user, version=wp.version, measures={w["streets_task"].pk: "建设儿童友好街区，完善步行和游戏空间。"},
        shares={s.target_id: value if s.target_id == w["streets"].pk else "1" for s in wp.shares.all()},
        towns={w["streets"].pk: [w[t].pk for t in towns]})


def through(wp, w):
    """Submit (no approver in 县住房城乡建设局: straight to the coordinator) and accept."""
    wp = services.submit(wp, user=w["housing_reporter"])
    assert wp.status == S.APPROVED
    return services.accept(wp, user=w["coordinator"])


def test_open_makes_an_item_per_task_and_a_share_per_target(wp_world):
    w = wp_world
    wp = services.open_work_plan(w["plan"], w["housing"], 2024, user=w["housing_reporter"])
    assert [i.task.number for i in wp.items.all()] == [3]
    assert {s.target.indicator for s in wp.shares.all()} == {t.indicator for t in w["streets_task"].targets.all()}
    assert wp.due == datetime.date(2024, 1, 31) and wp.status == S.DRAFT
    assert services.open_work_plan(w["plan"], w["housing"], 2024, user=w["housing_reporter"]) == wp
    with pytest.raises(services.ReportingError, match="不在方案实施期限"):
        services.open_work_plan(w["plan"], w["housing"], 2026, user=w["housing_reporter"])
    with pytest.raises(PermissionDenied):  # a leader reads, never drafts
        services.open_work_plan(w["plan"], w["housing"], 2025, user=w["leader"])
    with pytest.raises(PermissionDenied):  # another unit
        services.open_work_plan(w["plan"], w["housing"], 2025, user=w["edu_reporter"])
    assert AuditEntry.objects.filter(action="workplans.workplan.created").count() == 1


def test_a_save_with_problems_says_all_of_them_and_writes_nothing(wp_world):
    w = wp_world
    wp = services.open_work_plan(w["plan"], w["housing"], 2024, user=w["housing_reporter"])
    streets = w["streets"].pk
    with pytest.raises(services.Invalid) as e:
        services.save_work_plan(
            wp, user=w["housing_reporter"], version=wp.version, measures={w["streets_task"].pk: "新措施"},
            shares={streets: "两处"}, towns={streets: [w["other_edu"].pk]},
            milestones=[services.MilestoneRow("", "2024-03-01"), services.MilestoneRow("开工", "2025-02-30"),
                        services.MilestoneRow("", "")],
            budget=[services.BudgetRow(w["streets_task"].pk, "街区改造", "gift", "-5"),
                    services.BudgetRow(None, "", "budget", "30"), services.BudgetRow(None, "", "", "")])
    fields = {p.field: p.message for p in e.value.problems}
    assert fields[f"share-{streets}"] == "“建设儿童友好街区”的年度分解值“两处”不是数字"
    assert fields[f"towns-{streets}"] == "所选镇（街道）不在本县"
    assert fields["ms-0-title"] == "请填写节点内容"
    assert fields["ms-1-due"] == "完成时间“2025-02-30”不是有效的日期，请按 2025-01-15 的格式填写"
    assert fields["bl-0-source"] == "请选择资金来源" and fields["bl-0-planned"] == "计划金额不能为负数"
    assert fields["bl-1-item"] == "请填写项目名称" and fields["bl-1-task"] == "请选择本计划中的任务"
    assert "ms-2-title" not in fields  # a blank row is dropped
    wp.refresh_from_db()
    assert wp.version == 1 and wp.items.get().measures == "" and not wp.milestones.exists()


def test_a_save_on_an_outdated_version_is_refused(wp_world):
    w = wp_world
    wp = streets_plan(w, 2024, "1")
    stale = WorkPlan.objects.get(pk=wp.pk)
    stale.version = 1
    with pytest.raises(services.Conflict):
        services.save_work_plan(stale, user=w["housing_reporter"], version=1, summary="覆盖")
    wp.refresh_from_db()
    assert wp.version == 2 and wp.summary == ""


def test_the_review_flow_with_an_approver_history_and_audit(wp_world):
    w = wp_world
    health = w["health"]
    wp = services.open_work_plan(w["plan"], health, 2024, user=w["health_reporter"])
    with pytest.raises(services.Invalid) as e:  # measures and shares first
        services.submit(wp, user=w["health_reporter"])
    assert {p.field for p in e.value.problems} == {f"measures-{w['childcare_task'].pk}",
                                                   f"share-{w['childcare_task'].targets.get().pk}"}
    wp = services.save_work_plan(wp, user=w["health_reporter"], version=wp.version,
                                 measures={w["childcare_task"].pk: "新增普惠托位200个"},
                                 shares={w["childcare_task"].targets.get().pk: "3.5"})
    wp = services.submit(wp, user=w["health_reporter"])
    assert wp.status == S.SUBMITTED  # 县卫生健康局 has an approver
    with pytest.raises(PermissionDenied):
        services.approve(wp, user=w["health_reporter"])
    with pytest.raises(services.ReportingError, match="不能采纳"):
        services.accept(wp, user=w["coordinator"])  # not yet approved by the unit
    wp = services.approve(wp, user=w["health_approver"])
    with pytest.raises(services.Invalid):
        services.return_plan(wp, user=w["coordinator"], comment=" ")
    with pytest.raises(PermissionDenied):
        services.return_plan(wp, user=w["health_approver"], comment="再改改")  # approved: the coordinator's
    wp = services.return_plan(wp, user=w["coordinator"], comment="请补充时间节点")
    assert wp.status == S.RETURNED and wp.editable
    wp = services.save_work_plan(wp, user=w["health_reporter"], version=wp.version,
                                 milestones=[services.MilestoneRow("新建托育机构开业", "2024-09-01")])
    wp = services.approve(services.submit(wp, user=w["health_reporter"]), user=w["health_approver"])
    wp = services.accept(wp, user=w["coordinator"])
    assert wp.status == S.ACCEPTED and not wp.editable
    with pytest.raises(services.ReportingError):
        services.save_work_plan(wp, user=w["health_reporter"], version=wp.version, summary="改")
    assert list(wp.events.values_list("action", flat=True)) == [
        "saved", "submitted", "approved", "returned", "saved", "submitted", "approved", "accepted"]
    assert wp.events.get(action="returned").comment == "请补充时间节点"
    codes = list(AuditEntry.objects.filter(action__startswith="workplans.").values_list("action", flat=True))
    assert codes.count("workplans.workplan.accepted") == 1 and codes.count("workplans.workplan.returned") == 1


def test_the_shares_must_add_up_to_the_target_by_its_deadline(wp_world):
    """建设儿童友好街区 3—5 处 by 2025: 1 (2024) + 1 (2025) = 2, 1 short; a town's 2 more
    make 4: within 3—5; another 2 make 6: 1 over the upper bound."""
    w = wp_world
    target = w["streets"]
    assert (target.value, target.value_max, target.year) == (3, 5, 2025)
    through(streets_plan(w, 2024, "1", towns=["town"]), w)
    streets_plan(w, 2025, "1", towns=["town2"])  # a draft counts: it is the unit's plan
    b = bd.breakdown(target)
    assert b.counted == 2 and b.gap == 1 and not b.ok
    assert b.message == "各年度分解合计 2 处，距目标 3 处还差 1 处（目标期限 2025年）"
    assert b.totals == {2024: 1, 2025: 1} and b.years == [2023, 2024, 2025]
    assert b.rows[0]["by_year"][2024]["towns"] == ["果里镇"]

    town_user = w["town_reporter"]
    wp = services.open_work_plan(w["plan"], w["town"], 2025, user=town_user)
    services.save_work_plan(wp, user=town_user, version=wp.version, shares={target.pk: "2"})
    b = bd.breakdown(target)
    assert (b.counted, b.gap, b.ok) == (4, 0, True)
    assert b.message == "各年度分解合计 4 处，达到目标 3—5 处（目标期限 2025年）"
    wp.refresh_from_db()
    services.save_work_plan(wp, user=town_user, version=wp.version, shares={target.pk: "4"})
    b = bd.breakdown(target)
    assert (b.counted, b.gap, b.ok) == (6, -1, False)
    assert b.message == "各年度分解合计 6 处，超出目标上限 5 处 1 处（目标期限 2025年）"
    # only the unit's own rows for a unit, the sum still over all
    b = bd.breakdown(target, unit_ids={w["town"].pk})
    assert [r["unit"].name for r in b.rows] == ["果里镇"] and b.counted == 6


def test_a_level_target_is_not_added_up(wp_world):
    w = wp_world
    streets_plan(w, 2024, "1")
    myopia = w["streets_task"].targets.get(kind="annual_change")
    b = bd.breakdown(myopia)
    assert b.additive is False and b.gap is None and "不累加" in b.message


def test_progress_compares_the_years_accepted_report_with_the_years_plan(wp_world):
    w = wp_world
    task, target = w["childcare_task"], w["childcare_task"].targets.get()
    wp = services.open_work_plan(w["plan"], w["health"], 2024, user=w["health_reporter"])
    services.save_work_plan(wp, user=w["health_reporter"], version=wp.version, shares={target.pk: "3.5"})
    assert bd.progress(wp)[0]["verdict"] == "尚无已采纳的报告"
    period = Period.objects.get(plan=w["plan"], kind="year", year=2024)
    report = workflow.open_report(task, w["health"], period, user=w["health_reporter"])
    report = workflow.save_report(report, user=w["health_reporter"], version=report.version,
                                  narrative="新增托位", values={target.pk: "3.2"})
    report = workflow.approve(workflow.submit(report, user=w["health_reporter"]), user=w["health_approver"])
    row = bd.progress(wp)[0]
    assert row["actual"] is None  # approved, not yet accepted
    workflow.accept(report, user=w["coordinator"])
    row = bd.progress(wp)[0]
    assert (row["planned"], row["actual"], row["verdict"]) == (Decimal("3.5"), Decimal("3.2"), "差 0.3 个")


def test_spending_and_the_childrens_budget(wp_world):
    """2024: 100 (investment) + 50 (budget) planned, 80 spent; 2025: 180 planned.
    By year: 2025 is 180 against 150 the year before: +30 (+20%)."""
    w = wp_world
    task = w["streets_task"].pk
    wp = streets_plan(w, 2024, "1")
    wp = services.save_work_plan(wp, user=w["housing_reporter"], version=wp.version, budget=[
        services.BudgetRow(task, "街区改造", "investment", "100"), services.BudgetRow(task, "儿童游戏设施", "budget", "50")])
    wp = through(wp, w)
    line = wp.budget_lines.get(item="街区改造")
    with pytest.raises(services.Invalid):
        services.report_spending(line, user=w["housing_reporter"], spent="八十")
    with pytest.raises(PermissionDenied):
        services.report_spending(line, user=w["leader"], spent="80")
    services.report_spending(line, user=w["housing_reporter"], spent="80", note="一期完工")
    wp25 = streets_plan(w, 2025, "1")
    services.save_work_plan(wp25, user=w["housing_reporter"], version=wp25.version,
                            budget=[services.BudgetRow(task, "街区改造二期", "reward", "180")])
    t = bd.budget(BudgetLine.objects.all(), 2025)
    years = {r.key: r for r in t["year"]}
    assert (years[2024].planned, years[2024].spent, years[2024].rate) == (150, 80, "53%")
    assert years[2025].change == 30 and years[2025].change_text == "+30（+20%）"
    assert [(r.label, r.planned, r.previous) for r in t["department"]] == [("县住房城乡建设局", 180, 150)]
    sources = {r.label: (r.planned, r.previous) for r in t["source"]}
    assert sources == {"以奖代补": (180, 0), "投资补助": (0, 100), "财政预算": (0, 50)}
    assert t["town"] == []
    # the page counts plans sent up only: the 2025 draft is not yet a plan
    shown = bd.budget(bd.lines_visible(fresh(w["leader"]), w["plan"]), 2025)
    assert [(r.key, r.planned) for r in shown["year"]] == [(2024, 150)]
    assert AuditEntry.objects.filter(action="workplans.spending.reported").count() == 1


def test_deadlines_are_scoped_and_late_ones_overdue(wp_world):
    w = wp_world
    wp = streets_plan(w, 2024, "1")
    services.save_work_plan(wp, user=w["housing_reporter"], version=wp.version,
                            milestones=[services.MilestoneRow("街区设计方案", "2024-04-30")])
    span = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    mine = deadlines(fresh(w["housing_reporter"]), *span)
    assert sorted((d["kind"], d["date"], d["overdue"]) for d in mine) == [
        ("milestone", datetime.date(2024, 4, 30), True), ("workplan", datetime.date(2024, 1, 31), True)]
    assert deadlines(fresh(w["edu_reporter"]), *span) == []
    assert len(deadlines(fresh(w["coordinator"]), *span)) == 2
    from cfcity.agenda import registry
    assert deadlines in registry.PROVIDERS
    assert {d.kind for d in registry.deadlines_for(fresh(w["housing_reporter"]), *span)} >= {"workplan", "milestone"}
