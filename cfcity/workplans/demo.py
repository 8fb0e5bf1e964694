"""The work plans of the demo county (``cfcity demo``, through reporting.demo.EXTENSIONS):
2024 and 2025 plans of the lead departments of a few tasks and of two towns, taken through
the real services at simulated times. 2024 is accepted throughout; in 2025 one plan is
returned with a comment, others wait at different steps; the streets target (3—5 处) is
broken down to 1 + 1 only, so its breakdown page says it falls 1 short. No new users."""
from __future__ import annotations

import datetime
import random
from decimal import ROUND_CEILING, Decimal

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting.models import Assignment

from . import services
from .models import BudgetLine

YEARS = [2024, 2025]
TASKS = [24, 28, 30]  # streets, routes to school, reading spaces: their lead departments
DEPARTMENTS = ["县卫生健康局", "县教育体育局"]  # with an approver: the unit signs its plan off first
TOWNS = ["城区街道", "索镇"]
RETURNED = "县卫生健康局"  # its 2025 plan is returned by the coordinator
STREETS = {2024: ("城区街道", 1), 2025: ("少海街道", 1)}  # 3—5 处 wanted: 1 short
SOURCES = [BudgetLine.Source.INVESTMENT, BudgetLine.Source.REWARD, BudgetLine.Source.BUILD_FIRST,
           BudgetLine.Source.BUDGET, BudgetLine.Source.SOCIAL]


def _user(unit, roles):
    m = Membership.objects.filter(org_unit=unit, role__in=roles, user__is_active=True).select_related("user").first()
    return m.user if m else None


def _moment(day, rng):
    from cfcity.reporting.demo import _moment as moment
    return moment(day, rng)


def extend(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:workplans")
    plan, area = ctx.plan, ctx.area
    coordinator = _user(OrgUnit.objects.get(parent=area, name="县妇儿工委办公室"), [Role.COORDINATOR])
    towns = {t.name: t for t in OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.TOWN)}
    units = []
    for number in TASKS:
        lead = Assignment.objects.filter(task__plan=plan, task__number=number, role=Assignment.Role.LEAD) \
            .select_related("org_unit").first()
        if lead and lead.org_unit not in units:
            units.append(lead.org_unit)
    units += [u for u in OrgUnit.objects.filter(parent=area, name__in=DEPARTMENTS).order_by("name") if u not in units]
    units += [towns[n] for n in TOWNS if n in towns]
    owner: dict[int, int] = {}  # target → the one lead department that plans its sites
    for year in YEARS:
        for unit in units:
            reporter = _user(unit, [Role.DEPT_REPORTER, Role.TOWN_REPORTER])
            if reporter is None or coordinator is None:
                continue
            ctx.clock.set(_moment(datetime.date(year, 1, rng.randint(5, 20)), rng))
            wp = services.open_work_plan(plan, unit, year, user=reporter)
            _fill(wp, reporter, towns, rng, owner)
            if year == 2025 and unit == units[-1]:
                continue  # a town still drafting
            ctx.clock.set(_moment(datetime.date(year, 1, rng.randint(21, 30)), rng))
            wp = services.submit(wp, user=reporter)
            approver = _user(unit, [Role.DEPT_APPROVER])
            if wp.status == services.S.SUBMITTED:
                if approver is None:
                    continue
                wp = services.approve(wp, user=approver)
            ctx.clock.set(_moment(datetime.date(year, 2, rng.randint(3, 20)), rng))
            if year == 2025 and unit.name == RETURNED:
                services.return_plan(wp, user=coordinator,
                                     comment="预算与具体措施不对应，请补充资金来源说明和各季度时间节点后重新报送。")
                continue
            if year == 2025 and rng.random() < 0.3:
                continue  # waiting for the coordinator
            wp = services.accept(wp, user=coordinator)
            _spend(wp, reporter, year, ctx, rng)
    ctx.clock.set(ctx.clock.real)
    return []


def _fill(wp, user, towns, rng, owner):
    items = list(wp.items.select_related("task"))
    shares, chosen = {}, {}
    for s in wp.shares.select_related("target", "target__task"):
        t, number = s.target, s.target.task.number
        if t.kind == pm.Target.Kind.CUMULATIVE and (
                wp.org_unit.kind == OrgUnit.Kind.TOWN or owner.setdefault(t.pk, wp.org_unit_id) != wp.org_unit_id):
            # one lead department plans the county's sites, naming the towns; the others co-operate
            shares[s.target_id] = "0"
        elif number == 24 and t.kind == pm.Target.Kind.CUMULATIVE:
            town, n = STREETS[wp.year]
            shares[s.target_id] = str(n)
            chosen[s.target_id] = [towns[town].pk] if town in towns else []
        elif t.kind == pm.Target.Kind.CUMULATIVE and t.value is not None:
            # spread over the years left to the target's deadline, the larger half first
            last = t.year or wp.plan.period_end
            total = Decimal(t.value)
            first = (total / 2).to_integral_value(rounding=ROUND_CEILING)
            n = Decimal(0) if wp.year > last else (total if last == YEARS[0] else
                                                  first if wp.year == YEARS[0] else total - first)
            shares[s.target_id] = str(n)
            names = sorted(towns)
            chosen[s.target_id] = [towns[names[(number + wp.year + k) % len(names)]].pk
                                   for k in range(int(n))] if n and names else []
        elif t.value is not None:
            shares[s.target_id] = str(Decimal(t.value).normalize())
        else:
            shares[s.target_id] = "1"
    milestones, budget = [], []
    for it in items:
        q = rng.choice([3, 6, 9])
        milestones.append(services.MilestoneRow(f"任务（{it.task.number}）{['方案制定', '项目开工', '中期调度'][q // 3 - 1]}",
                                                datetime.date(wp.year, q, 28).isoformat(), it.task_id))
        milestones.append(services.MilestoneRow(f"任务（{it.task.number}）年度完成并总结",
                                                datetime.date(wp.year, 12, 15).isoformat(), it.task_id))
        budget.append(services.BudgetRow(it.task_id, f"{it.task.title[:20]}项目", rng.choice(SOURCES),
                                         str(rng.choice([20, 35, 50, 80, 120, 150]) * (1 + (wp.year - 2024) // 1 * rng.choice([0, 1])))))
    services.save_work_plan(
        wp, user=user, version=wp.version,
        summary=f"围绕方案确定的任务，{wp.org_unit.name}{wp.year}年重点推进以下工作（演示数据）。",
        measures={it.task_id: f"{wp.year}年：制定任务（{it.task.number}）实施细则，明确责任科室和完成时限；"
                              f"按季度调度进展，年底形成总结。" for it in items},
        shares=shares, towns=chosen, milestones=milestones, budget=budget)
    wp.refresh_from_db()


def _spend(wp, user, year, ctx, rng):
    ctx.clock.set(_moment(datetime.date(year, 12, rng.randint(1, 20)), rng))
    for line in wp.budget_lines.all():
        share = Decimal(rng.choice([40, 60, 75, 90, 100])) / 100
        services.report_spending(line, user=user, spent=str((line.planned * share).quantize(Decimal("0.01"))),
                                 note="按进度拨付")
