"""The cases part of ``cfcity demo``: a few cases from towns and departments in every state
(two published), an on-site meeting with its material, and one public release — all through
the services, at simulated dates. Registered in CasesConfig.ready()."""
from __future__ import annotations

import datetime
import random

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting.demo import _moment, tiny_pdf, tiny_png

from . import services

# (unit, year, title, summary, text, task numbers, tags, final state)
CASES = [
    ("城区街道", 2024, "“一米高度”看城市：建设儿童友好街区",
     "以儿童视角改造两处街区的步行道、口袋公园和上学路。",
     "街道组织社区儿童议事会成员和家长代表共同踏勘上学路线，梳理出人行道窄、过街不安全、缺少休憩空间等问题。\n"
     "改造中拓宽步行道，增设安全岛和彩色标线，在两处口袋公园配建适合不同年龄段的游戏设施。\n"
     "改造后，学校周边高峰时段人车冲突明显减少，街区成为周末亲子活动的去处。",
     [24], ["儿童友好空间", "儿童参与"], "published"),
    ("县卫生健康局", 2024, "医育结合推进普惠托育服务",
     "依托妇幼保健院建设托育综合服务中心，带动社区托育点建设。",
     "县卫生健康局推动县妇幼保健院建设托育综合服务中心，提供全日托、半日托和临时托服务，并为社区托育点培训保育人员。\n"
     "全县每千人口拥有3岁以下婴幼儿托位数稳步提高，家长对托育服务的满意度明显提升。",
     [2], ["托育服务", "医育结合"], "published"),
    ("县教育体育局", 2024, "课后服务“一校一案”", "各校结合自身条件开设体育、艺术、科技等课后服务课程。",
     "县教育体育局指导各学校制定课后服务方案，统筹校内教师和校外资源，实现义务教育学校课后服务全覆盖。",
     [], ["课后服务"], "accepted"),
    ("少海街道", 2025, "社区儿童之家“四点半课堂”", "为双职工家庭儿童提供放学后的看护和学习辅导。",
     "街道依托社区儿童之家开设“四点半课堂”，志愿者提供作业辅导和阅读活动。",
     [], [], "submitted"),
    ("索镇", 2025, "乡村儿童友好空间（草稿）", "正在整理材料。", "材料整理中。", [], [], "draft"),
]


def _user(unit, roles):
    m = (Membership.objects.filter(org_unit=unit, role__in=roles, user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def extend(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:cases")
    plan, area = ctx.plan, ctx.area
    coordinator = _user(OrgUnit.objects.get(parent=area, name="县妇儿工委办公室"), [Role.COORDINATOR])
    if coordinator is None:
        return []
    made = []
    for unit_name, year, title, summary, text, numbers, tags, final in CASES:
        unit = OrgUnit.objects.filter(name=unit_name).filter(parent=area).first()
        author = unit and _user(unit, [Role.DEPT_REPORTER, Role.TOWN_REPORTER, Role.DEPT_APPROVER])
        if author is None:
            continue
        ctx.clock.set(_moment(datetime.date(year, 6, 10), rng))
        case = services.create_case(author, plan=plan, org_unit=unit, year=year, title=title, text=text,
                                    summary=summary, tasks=pm.Task.objects.filter(plan=plan, number__in=numbers))
        if final != "draft":
            services.add_file(author, case, kind="photo", name=f"{unit_name}现场照片（演示）.png",
                              data=tiny_png(tuple(rng.randint(60, 180) for _ in range(3)), 320, 200),
                              caption=f"{unit_name}工作现场（演示图片）")
            services.add_file(author, case, kind="attachment", name="工作方案（演示）.pdf",
                              data=tiny_pdf("demo case material"))
            ctx.clock.set(_moment(datetime.date(year, 6, 20), rng))
            services.submit(author, case)
        if final in ("accepted", "published"):
            ctx.clock.set(_moment(datetime.date(year, 7, 5), rng))
            services.accept(coordinator, case, "做法可复制，入选本年度案例。")
            services.set_tags(coordinator, case, tags)
        if final == "published":
            services.publish(coordinator, case)
        made.append(case)

    ctx.clock.set(_moment(datetime.date(2024, 9, 12), rng))
    meeting = services.record_meeting(
        coordinator, plan=plan, kind="on_site", title="全县儿童友好街区建设现场会", date=datetime.date(2024, 9, 12),
        place="城区街道建设路社区", participants="县妇儿工委各成员单位分管负责同志，各镇（街道）分管负责同志",
        summary="现场观摩儿童友好街区改造成果，城区街道、县卫生健康局作交流发言。",
        units=OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.TOWN),
        cases=[c for c in made if c.status == "published"])
    services.add_material(coordinator, meeting, name="现场会议程（演示）.pdf", data=tiny_pdf("demo meeting agenda"))

    # one release of the statuses as they stand when the cases are in
    from cfcity.monitoring.services import recompute
    from cfcity.public import services as public_services
    ctx.clock.set(ctx.clock.real)
    recompute([plan])
    public_services.release(coordinator, plan, label=f"{max(p.year for p in ctx.periods)}年度",
                            note="演示数据，非真实。")
    ctx.clock.set(ctx.clock.real)
    return []
