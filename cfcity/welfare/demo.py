"""The demo county's register of children in difficulty — 演示数据，非真实.

Called by ``cfcity demo`` (cfcity.reporting.demo) at the end of its build, inside its
transaction: about 60 invented children over the demo towns and villages, with categories,
support (including 脑瘫康复救助 and 希望小屋), directors' visits and a few closed records (one
closed long enough ago to be due for anonymisation); the roster, with a supervisor in most
towns and a director in most villages — some left out on purpose, so the 未配备 warnings show;
trainings; and three users: the civil-affairs bureau's register keeper, a town's supervisor
and a village's director. Everything goes through cfcity.welfare.services, so the audit log
and the encryption are those of real use. Then the plan's welfare targets are measured
(measures.publish).

Names are drawn from common surnames and children's given names; ID numbers are built with
``idcard.make`` (桓台县's address code 370321, high sequence numbers 9xx) so they pass every
check; phone numbers are 1380000xxxx. None of it describes a real child.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from cfcity.accounts.models import Profile
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit

from . import idcard, measures, services
from .models import Category, SupportKind, Worker

# a valid-format address code that no county holds (山东省, no prefecture 99): every demo ID
# number passes the GB 11643 check, and none can belong to a real person
REGION = "379999"
OFFICER_UNIT = "县民政局"
# username, unit (a town, or "town/village"), role
USERS = [("mzj_tz", OFFICER_UNIT, Role.WELFARE_OFFICER),
         ("glz_dd", "果里镇", Role.WELFARE_SUPERVISOR),
         ("glz_glc_zr", "果里镇/果里村", Role.CHILD_DIRECTOR)]
USERNAMES = [u for u, _, _ in USERS]
NO_SUPERVISOR = {"新城镇", "荆家镇"}  # gaps on purpose: the roster warnings show
NO_DIRECTOR = {"华侨城社区", "后营村", "北营村", "西周村", "夏庄社区", "乌河村"}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
BOYS = ["浩然", "子轩", "宇航", "梓睿", "俊杰", "博文", "晨阳", "家豪", "一鸣", "明哲", "天佑", "思远"]
GIRLS = ["欣怡", "梓萱", "诗涵", "雨桐", "一诺", "思彤", "佳怡", "雅琪", "若曦", "可馨", "语嫣", "沐晴"]
ADULT = ["建国", "秀英", "桂兰", "志强", "玉梅", "国庆", "淑芬", "海军", "春梅", "立新"]
RELATIONS = ["祖父", "祖母", "外祖母", "母亲", "父亲", "叔叔", "姑姑"]
# category, weight; a second category sometimes
CATEGORY_WEIGHTS = [(Category.LEFT_BEHIND, 30), (Category.LOW_INCOME, 18), (Category.DISABLED, 14),
                    (Category.SINGLE_PARENT, 10), (Category.UNSUPPORTED, 8), (Category.ORPHAN, 5),
                    (Category.DISABLED_FAMILY, 8), (Category.POVERTY_REGISTERED, 5), (Category.OTHER, 2)]
VISIT_NOTES = ["入户走访，孩子在校表现良好，监护人照料到位。", "了解学习和生活情况，叮嘱监护人注意假期安全。",
               "孩子近期情绪低落，已与学校老师沟通，下次走访重点关注。", "协助监护人申请临时救助，材料已报镇民政办。",
               "送去学习用品，孩子身体健康，家庭情况稳定。", "监护人年迈，照料能力不足，建议镇里协调亲属共同照料。"]
TRAININGS = [("儿童福利政策与困境儿童分类保障", "县民政局"), ("未成年人保护法解读及强制报告制度", "县民政局"),
             ("儿童主任工作实务与入户走访技巧", "市民政局")]


@dataclass
class Made:
    users: list[tuple[str, str, str, str, str]]  # username, name, unit, role label, password
    children: int
    workers: int


def _name(rng: random.Random, sex: str, taken: set[str]) -> str:
    while True:
        n = rng.choice(SURNAMES) + rng.choice(BOYS if sex == "M" else GIRLS)
        if n not in taken:
            taken.add(n)
            return n


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def build(*, area: OrgUnit, rng: random.Random, create_user, last_period_end: datetime.date | None = None) -> Made:
    """Write the register, the roster and the users. ``create_user(username, name, unit, role)
    → (user, password)`` is the demo's own (it knows how demo passwords are hashed)."""
    today = timezone.localdate()
    towns = {t.name: t for t in OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.TOWN)}
    villages = {t.pk: list(OrgUnit.objects.filter(parent=t, kind=OrgUnit.Kind.VILLAGE).order_by("order", "pk"))
                for t in towns.values()}
    office = OrgUnit.objects.get(parent=area, name=OFFICER_UNIT)

    made_users, users, taken = [], {}, set()
    for username, where, role in USERS:
        town, _, village = where.partition("/")
        unit = office if where == OFFICER_UNIT else towns[town]
        if village:
            unit = next(v for v in villages[unit.pk] if v.name == village)
        full = rng.choice(SURNAMES) + rng.choice(ADULT)
        user, password = create_user(username, full, unit, role)
        users[role] = user
        made_users.append((username, full, unit.name, Role(role).label, password))
    Profile.objects.filter(user__in=users.values()).update(must_change_password=False)
    officer = users[Role.WELFARE_OFFICER]

    # the roster
    workers = 0
    directors: dict[int, Worker] = {}
    for name, town in towns.items():
        if name not in NO_SUPERVISOR:
            w = services.appoint(officer, kind=Worker.Kind.SUPERVISOR, unit=town, name=_adult(rng, taken),
                                 phone=_phone(rng), appointed_on=_date_between(rng, datetime.date(2022, 3, 1),
                                                                                datetime.date(2023, 6, 30)))
            _train(officer, w, rng, today)
            workers += 1
        for v in villages[town.pk]:
            if v.name in NO_DIRECTOR:
                continue
            w = services.appoint(officer, kind=Worker.Kind.DIRECTOR, unit=v, name=_adult(rng, taken),
                                 phone=_phone(rng), appointed_on=_date_between(rng, datetime.date(2022, 3, 1),
                                                                                datetime.date(2024, 6, 30)))
            if rng.random() < 0.6:
                _train(officer, w, rng, today)
            directors[v.pk] = w
            workers += 1
    # the demo's director and supervisor users are the roster's people
    for role, kind in ((Role.WELFARE_SUPERVISOR, Worker.Kind.SUPERVISOR), (Role.CHILD_DIRECTOR, Worker.Kind.DIRECTOR)):
        u = users[role]
        Worker.objects.filter(kind=kind, org_unit=u.membership.org_unit).update(user=u, name=u.first_name)

    # the register
    cats, weights = zip(*CATEGORY_WEIGHTS)
    places = [(t, v) for t in towns.values() for v in villages[t.pk]]
    seq = 901
    n = 0
    for i in range(60):
        town, village = places[i % len(places)] if i < len(places) else rng.choice(places)
        age = rng.randint(1, 17)
        born = _date_between(rng, _years_ago(today, age + 1) + datetime.timedelta(days=1), _years_ago(today, age))
        number = idcard.make(REGION, born, seq)
        seq += 1
        sex = "M" if int(number[16]) % 2 else "F"
        categories = {rng.choices(cats, weights)[0]}
        if rng.random() < 0.25:
            categories.add(rng.choices(cats, weights)[0])
        disabled = Category.DISABLED in categories
        cp = disabled and rng.random() < 0.45
        hope = (categories & {Category.LEFT_BEHIND, Category.LOW_INCOME, Category.UNSUPPORTED}
                and rng.random() < 0.3)
        data = services.ChildInput(
            name=_name(rng, sex, taken), id_number=number, town=town, village=village,
            categories=sorted(categories), guardian_name=_adult(rng, taken),
            guardian_relation=rng.choice(RELATIONS), guardian_phone=_phone(rng),
            address=f"{town.name}{village.name}{rng.randint(1, 120)}号", cp_indicated=cp,
            health_details=("经县妇幼保健院评估为适应症脑瘫" if cp else
                            rng.choice(["肢体残疾三级", "听力残疾二级", "智力残疾三级"]) if disabled else ""),
            hope_house_eligible=bool(hope), guardian_consent=True, consent_statistics=rng.random() < 0.92,
            notice_version="2024-1", consent_date=_date_between(rng, datetime.date(2024, 3, 1), today),
            registered_on=_date_between(rng, max(born, datetime.date(2021, 6, 1)), today),
            child_assent=True if age >= services.conf("assent_age") else None)
        child = services.register_child(officer, data)
        n += 1
        _supports(officer, child, data, rng, today)
        director = directors.get(village.pk)
        for _ in range(rng.randint(0, 3) if director else 0):
            services.add_visit(officer, child, date=_date_between(rng, today - datetime.timedelta(days=330), today),
                               note=rng.choice(VISIT_NOTES), follow_up=rng.random() < 0.15, worker=director)
        if i in (7, 23):  # turned 18 or moved away: closed, kept for the retention period
            services.close_child(officer, child, reason="迁出本县" if i == 7 else "情况改善，不再符合困境儿童条件",
                                 on=_date_between(rng, today - datetime.timedelta(days=300), today))
        if i == 41:  # closed long ago: `cfcity welfare retention` lists it
            services.close_child(officer, child, reason="监护人情况改善",
                                 on=_years_ago(today, services.conf("retention_years") + 1))
    # the plan's welfare targets measured from what was just written, dated in the last
    # demo period (the engine recomputes after the demo's commit)
    as_of = min(today, last_period_end) if last_period_end else today
    measures.publish(as_of=as_of, recompute=False)
    return Made(made_users, n, workers)


def _years_ago(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _adult(rng: random.Random, taken: set[str]) -> str:
    while True:
        n = rng.choice(SURNAMES) + rng.choice(ADULT)
        if n not in taken:
            taken.add(n)
            return n


def _phone(rng: random.Random) -> str:
    return f"1380000{rng.randint(0, 9999):04d}"


def _train(officer, worker: Worker, rng: random.Random, today: datetime.date):
    title, provider = rng.choice(TRAININGS)
    services.add_training(officer, worker, date=_date_between(rng, max(worker.appointed_on, _years_ago(today, 2)),
                                                              today), title=title, hours=rng.choice([4, 8, 12]),
                          provider=provider)


def _supports(officer, child, data: services.ChildInput, rng: random.Random, today: datetime.date):
    recent = lambda: _date_between(rng, today - datetime.timedelta(days=360), today)  # noqa: E731
    cats = set(data.categories)
    if cats & {Category.ORPHAN, Category.UNSUPPORTED}:
        for m in range(3):
            services.add_support(officer, child, kind=SupportKind.BENEFIT, amount=1800,
                                 date=today - datetime.timedelta(days=30 * m + rng.randint(0, 5)))
    elif cats & {Category.LOW_INCOME, Category.POVERTY_REGISTERED}:
        services.add_support(officer, child, kind=SupportKind.BENEFIT, amount=rng.choice([600, 800]), date=recent())
    if data.cp_indicated and rng.random() < 0.75:
        services.add_support(officer, child, kind=SupportKind.CP_REHAB, amount=rng.choice([12000, 18000]),
                             date=recent(), note="县残联定点康复机构训练")
    elif Category.DISABLED in cats and rng.random() < 0.6:
        services.add_support(officer, child, kind=SupportKind.REHAB, amount=rng.choice([3000, 6000]), date=recent())
    if data.hope_house_eligible and rng.random() < 0.8:
        services.add_support(officer, child, kind=SupportKind.HOPE_HOUSE, date=recent(), note="团县委“希望小屋”已建成")
    if Category.LEFT_BEHIND in cats and rng.random() < 0.3:
        services.add_support(officer, child, kind=SupportKind.CARE, date=recent(), note="“牵手关爱”志愿者结对")
    if rng.random() < 0.1:
        services.add_support(officer, child, kind=SupportKind.STUDY_AID, amount=1000, date=recent())
