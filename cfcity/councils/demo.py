"""The councils part of ``cfcity demo``: a county council, councils in most towns and in
several villages and one school (some not active: too few members or no meeting in the last
12 months), members with invented names (stored encrypted; pages show their pseudonyms),
meetings, proposals in every state (one routed and past its answer date: a warning), and the
register's judgement of task (4)'s milestone. Everything through the services, at simulated
dates before the real today. Registered in CouncilsConfig.ready()."""
from __future__ import annotations

import datetime
import random

from django.utils import timezone

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.reporting.demo import GIVEN, SURNAMES, _moment, tiny_pdf

from . import measures, services

PSEUDONYMS = ["小蜜蜂", "向日葵", "小海豚", "蒲公英", "小画家", "小书虫", "小队长", "云朵", "星星", "小松鼠",
              "风筝", "小灯塔"]
BANDS = ["6-8", "9-11", "9-11", "12-14", "12-14", "15-17"]
TOPICS = ["上学路上的安全", "社区里的游戏空间", "图书角怎么建", "暑假活动我来定", "垃圾分类小行动", "公园设施体验"]
WRITERS = [Role.TOWN_REPORTER, Role.DEPT_REPORTER, Role.DEPT_APPROVER]

# (title, text, department or town to answer, final state); the county council's proposals
PROPOSALS = [
    ("学校门口增设护学岗和减速带", "我们每天上学要过马路，早上车很多、开得快，建议在学校门口增设护学岗和减速带。",
     "县公安局", "closed"),
    ("公园里增加适合大孩子的运动设施", "公园里的滑梯只适合小朋友，我们希望增加攀爬架、篮球架等设施。",
     "县住房城乡建设局", "answered"),
    ("图书馆周末延长开放时间", "周末很多同学想去图书馆看书写作业，建议延长开放到晚上七点。",
     "县文化和旅游局", "routed"),
    ("公交站台增设遮阳棚", "夏天在公交站等车很晒，建议给学校附近的站台加遮阳棚。",
     "县交通运输局", "overdue"),
    ("社区开设周末手工课", "希望社区周末有手工课和科学小实验。", None, "submitted"),
]


def _user(unit, roles):
    if unit is None:
        return None
    m = (Membership.objects.filter(org_unit=unit, role__in=roles, user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def _name(rng, taken):
    while True:
        name = rng.choice(SURNAMES) + rng.choice("小子一雨梓") + rng.choice(GIVEN)
        if name not in taken:
            taken.add(name)
            return name


def _adult(rng):
    # adults' names never have the children's middle characters (小子一雨梓): no page shows an
    # adult's name that could be mistaken for, or contain, a child's
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _at(ctx, day, rng):
    ctx.clock.set(_moment(day, rng))


def extend(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:councils")
    plan, area = ctx.plan, ctx.area
    today = timezone.localdate(ctx.clock.real)
    coordinator = _user(OrgUnit.objects.filter(parent=area, name="县妇儿工委办公室").first(), [Role.COORDINATOR])
    lead_ids = measures.lead_unit_ids(area.pk)
    lead = next((u for u in (_user(OrgUnit.objects.get(pk=i), WRITERS) for i in sorted(lead_ids)) if u), None)
    county_manager = lead or coordinator
    if county_manager is None:
        return []
    taken: set[str] = set()
    founded = datetime.date(today.year - 2, 3, 1)

    def council_for(unit, manager, name, *, members=6, recent=True):
        _at(ctx, founded, rng)
        council = services.create_council(manager, org_unit=unit, name=name, founded_on=founded)
        services.add_adviser(manager, council, name=_adult(rng) + "老师",
                             unit_name=f"{unit.name}儿童之家" if unit.kind != "school" else unit.name)
        for i in range(members):
            services.add_member(manager, council, pseudonym=PSEUDONYMS[i], age_band=BANDS[i % len(BANDS)],
                                real_name=_name(rng, taken), guardian_consent=True,
                                consent_on=founded, consent_form="written" if i % 3 else "electronic",
                                joined_on=founded)
        if members and rng.random() < 0.5:  # one joined without the form yet: not counted
            services.add_member(manager, council, pseudonym=PSEUDONYMS[members], age_band="9-11",
                                real_name=_name(rng, taken), guardian_consent=False, joined_on=founded)
        days = [today - datetime.timedelta(days=d) for d in ((60, 240) if recent else (450, 600))]
        last = None
        for day in sorted(days):
            _at(ctx, day, rng)
            last = services.record_meeting(
                manager, council, date=min(day, today), topic=rng.choice(TOPICS), attendance=members,
                minutes="儿童代表围绕议题发言，辅导员整理形成建议。（演示数据）",
                file_name="会议纪要（演示）.pdf", file_data=tiny_pdf("demo council minutes"))
        return council, last

    county_council, county_meeting = council_for(area, county_manager, f"{area.name}儿童议事会", members=9)

    towns = list(OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.TOWN).order_by("order", "name"))
    for index, town in enumerate(towns[:-1]):  # the last town has none yet
        manager = _user(town, WRITERS)
        if manager is None:
            continue
        council_for(town, manager, f"{town.name}儿童议事会", recent=index != 2)  # one without a recent meeting
        villages = list(OrgUnit.objects.filter(parent=town, kind=OrgUnit.Kind.VILLAGE).order_by("order", "name"))
        for j, village in enumerate(villages[:3] if index < 5 else villages[:1]):
            council_for(village, manager, f"{village.name}儿童议事会", members=4 if j == 2 else 6)

    school = (OrgUnit.objects.filter(kind=OrgUnit.Kind.SCHOOL, name__startswith="县实验小学").order_by("name").first()
              or OrgUnit.objects.filter(kind=OrgUnit.Kind.SCHOOL).order_by("order", "name").first())
    school_manager = _user(school.parent if school else None, WRITERS)
    if school and school_manager:
        council_for(school, school_manager, f"{school.name.removesuffix('（演示）')}红领巾儿童议事会")

    # the county council's proposals, one in each state
    for n, (title, text, unit_name, final) in enumerate(PROPOSALS):
        day = today - datetime.timedelta(days=150 - n * 25)
        _at(ctx, day, rng)
        proposal = services.submit_proposal(county_manager, county_council, title=title, text=text,
                                            submitted_on=min(day, today), meeting=county_meeting
                                            if county_meeting and county_meeting.date <= day else None)
        unit = OrgUnit.objects.filter(parent=area, name=unit_name).first() if unit_name else None
        if unit is None:
            continue
        due = today - datetime.timedelta(days=12) if final == "overdue" else day + datetime.timedelta(days=60)
        if final == "routed":
            due = today + datetime.timedelta(days=20)
        services.route(county_manager, proposal, to=unit, due_on=due, note="请按期答复议事会。")
        answerer = _user(unit, WRITERS)
        if final in ("answered", "closed") and answerer is not None:
            _at(ctx, day + datetime.timedelta(days=20), rng)
            services.answer(answerer, proposal, text=f"{unit.name}已研究该建议，将结合年度工作安排落实，"
                                                     "并请议事会代表参与方案讨论。（演示数据）")
            if final == "closed":
                _at(ctx, day + datetime.timedelta(days=35), rng)
                services.close(county_manager, proposal, outcome="adopted", note="已在两所学校门口设置护学岗。")

    ctx.clock.set(ctx.clock.real)
    services.refresh_active(day=today)
    measures.record_register_judgement(plan, as_of=today, recompute=True)
    ctx.clock.set(ctx.clock.real)
    return []
