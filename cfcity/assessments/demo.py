"""The child impact assessment part of ``cfcity demo``: two assessments of the demo county,
through the services at simulated dates — a road project around the town's schools,
concluded and answered by the county government (linked to the spaces it creates, when the
spaces demo has made any), and a policy still being assessed. Registered in
AssessmentsConfig.ready(), so it runs after the spaces demo (cfcity.spaces is earlier in
INSTALLED_APPS)."""
from __future__ import annotations

import datetime
import random

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.reporting.demo import _moment

from . import services

WRITERS = [Role.DEPT_REPORTER, Role.DEPT_APPROVER, Role.TOWN_REPORTER]

PROJECT = {
    "title": "城区学校周边道路改造工程", "kind": "project", "unit": "县住房城乡建设局",
    "decision_maker": "县人民政府常务会议",
    "description": "改造城区四所中小学周边道路约3.2公里：拓宽人行道，增设过街安全岛和彩色标线，"
                   "建设学校门前接送等候区，沿线布置口袋公园和休憩设施。",
}
POLICY = {
    "title": "县城区中小学布局调整实施意见（征求意见稿）", "kind": "policy", "unit": "县教育体育局",
    "decision_maker": "县人民政府",
    "description": "调整城区中小学布点，新建一所九年一贯制学校，合并两所规模较小的小学。",
}
PROJECT_SCORES = [4, 4, 3, 4, 5, 3]
PROJECT_EVIDENCE = ["设计方案增设6处过街安全岛、学校门前限速30公里/小时", "人行道宽度不小于2.5米，全线无障碍坡道",
                    "沿线2处口袋公园配建分龄游戏设施", "施工期避开上学放学时段，洒水降尘",
                    "两次征求儿童意见，主要意见已吸纳进设计", "覆盖城区学校，含随迁子女较多的学校"]


def _user(unit, roles):
    if unit is None:
        return None
    m = (Membership.objects.filter(org_unit=unit, role__in=roles, user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def _unit(area, name):
    return OrgUnit.objects.filter(parent=area, name=name).first()


def _spaces(area):
    try:
        from cfcity.spaces.models import Space
    except ImportError:  # pragma: no cover
        return []
    spaces = Space.objects.filter(area=area)
    wanted = [s for s in spaces.select_related("kind") if any(w in s.kind.name for w in ("道路", "学校", "街区"))]
    return (wanted or list(spaces.order_by("pk")))[:2]


def extend(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:assessments")
    plan, area = ctx.plan, ctx.area
    coordinator = _user(_unit(area, "县妇儿工委办公室"), [Role.COORDINATOR])
    if coordinator is None:
        return []
    leads = OrgUnit.objects.filter(pk__in=services.lead_unit_ids(plan)).exclude(name="县妇儿工委办公室")
    assessor = next((u for u in (_user(x, WRITERS) for x in leads) if u), None) or coordinator

    def at(day):
        ctx.clock.set(_moment(day, rng))

    # 1. a project: concluded, conditions set, answered by the decision-maker
    unit = _unit(area, PROJECT["unit"])
    proposer = _user(unit, WRITERS) or coordinator
    if unit is not None:
        at(datetime.date(2024, 3, 4))
        a = services.register(proposer, plan, title=PROJECT["title"], kind=PROJECT["kind"], responsible_unit=unit,
                              decision_maker=PROJECT["decision_maker"], description=PROJECT["description"],
                              registered_on=datetime.date(2024, 3, 4), due_on=datetime.date(2024, 5, 31))
        at(datetime.date(2024, 3, 20))
        services.record_consultation(assessor, a, date=datetime.date(2024, 3, 19), method="walk", children=16,
                                     age_bands=["6-12", "12-18"],
                                     summary="儿童和家长代表沿上学路线实地踏勘，指出两处路口过街时间不够、"
                                             "学校门口没有等候的地方、夜间照明不足。")
        at(datetime.date(2024, 4, 9))
        services.record_consultation(assessor, a, date=datetime.date(2024, 4, 8), method="council", children=23,
                                     age_bands=["6-12", "12-18"],
                                     summary="县儿童议事会讨论设计方案，建议口袋公园增加适合大孩子的运动设施，"
                                             "等候区设置遮阳避雨棚。")
        at(datetime.date(2024, 4, 22))
        rows = services.criteria(plan)
        services.save_scores(assessor, a, [
            {"criterion": c, "score": PROJECT_SCORES[i % len(PROJECT_SCORES)],
             "evidence": PROJECT_EVIDENCE[i % len(PROJECT_EVIDENCE)]} for i, c in enumerate(rows)])
        services.add_condition(assessor, a, text="学校门前接送等候区加设遮阳避雨棚", unit=unit,
                               due_on=datetime.date(2024, 10, 31))
        services.add_condition(assessor, a, text="沿线路灯照度达到城市道路照明标准，上学路段无暗区", unit=unit,
                               due_on=datetime.date(2024, 10, 31))
        at(datetime.date(2024, 5, 10))
        services.conclude(assessor, a, finding="conditional", on=datetime.date(2024, 5, 10),
                          conclusion="项目总体有利于儿童安全出行和户外活动，采纳了儿童提出的主要意见。"
                                     "建议落实两项整改要求后实施。")
        at(datetime.date(2024, 6, 3))
        services.respond(proposer, a, decision="changed", date=datetime.date(2024, 6, 3),
                         text="县人民政府常务会议研究同意实施，要求将遮阳避雨棚和照明提升纳入施工图设计。")
        at(datetime.date(2024, 11, 5))
        first = a.conditions.order_by("pk").first()
        services.set_condition_met(proposer, first, True, on=datetime.date(2024, 11, 5))
        spaces = _spaces(area)
        if spaces:
            services.link_spaces(proposer, a, spaces)

    # 2. a policy: still being assessed
    unit = _unit(area, POLICY["unit"])
    proposer = _user(unit, WRITERS) or coordinator
    if unit is not None:
        at(datetime.date(2025, 9, 8))
        b = services.register(proposer, plan, title=POLICY["title"], kind=POLICY["kind"], responsible_unit=unit,
                              decision_maker=POLICY["decision_maker"], description=POLICY["description"],
                              registered_on=datetime.date(2025, 9, 8), due_on=datetime.date(2025, 12, 31))
        at(datetime.date(2025, 10, 15))
        services.record_consultation(assessor, b, date=datetime.date(2025, 10, 14), method="survey", children=412,
                                     age_bands=["6-12", "12-18"],
                                     summary="问卷中多数学生关心合并后的上学距离和校车安排，部分学生担心班额过大。")
        rows = list(services.criteria(plan))[:3]
        services.save_scores(assessor, b, [{"criterion": c, "score": 3, "evidence": "初步评估"} for c in rows])
    ctx.clock.set(ctx.clock.real)
    return []
