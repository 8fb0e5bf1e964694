"""The spaces part of ``cfcity demo``: child-friendly spaces of every kind in every status
across the demo towns, registered and moved through their statuses by the coordinator at
simulated dates (so the register feeds tasks (24)–(30) year by year), with some standard items
ticked and a few photos. Registered in SpacesConfig.ready().

By the end of 2023 eight multi-purpose sports fields are open (task (30): 8 片 by 2023 —
achieved), three reading spaces are open by 2025 (of 5: not yet), two streets (of 3—5), two
travel routes (of 3, LineStrings), two parks (of 2: one an outline, a Polygon); schools and
hospitals are partly started (coverage)."""
from __future__ import annotations

import datetime
import random

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.reporting.demo import _moment, tiny_png

from . import demo_geo, services
from .models import ChecklistItem, SpaceKind

D = datetime.date
# (kind, name, town index, lead department, started, opened, certified, shape)
# a status follows from the dates: none → planned, started → building, opened → open, certified
SPACES = [
    ("sports", "城区实验小学多功能运动场", 0, "县教育体育局", D(2022, 9, 1), D(2023, 3, 20), None, "point"),
    ("sports", "建设路社区笼式足球场", 0, "县教育体育局", D(2022, 10, 8), D(2023, 5, 12), D(2024, 6, 18), "point"),
    ("sports", "少海公园篮球场", 1, "县文化和旅游局", D(2023, 1, 5), D(2023, 6, 28), None, "point"),
    ("sports", "索镇中心运动场", 2, "县文化和旅游局", D(2023, 2, 14), D(2023, 7, 30), None, "point"),
    ("sports", "果里镇全民健身广场", 3, "县文化和旅游局", D(2023, 3, 1), D(2023, 8, 16), None, "point"),
    ("sports", "马桥镇多功能运动场", 4, "县教育体育局", D(2023, 3, 10), D(2023, 9, 9), None, "point"),
    ("sports", "荆家镇儿童运动场", 5, "县文化和旅游局", D(2023, 4, 2), D(2023, 10, 20), None, "point"),
    ("sports", "田庄镇多功能运动场地", 7, "县文化和旅游局", D(2023, 5, 6), D(2023, 11, 25), None, "point"),
    ("sports", "起凤镇滨河运动场", 6, "县文化和旅游局", D(2025, 4, 1), None, None, "point"),
    ("sports", "新城镇运动场（规划）", 8, "县文化和旅游局", None, None, None, "point"),
    ("reading", "城区图书馆少儿阅读空间", 0, "县文化和旅游局", D(2023, 11, 1), D(2024, 4, 23), D(2025, 6, 1), "point"),
    ("reading", "少海街道城市书房", 1, "县文化和旅游局", D(2024, 3, 1), D(2024, 9, 28), None, "point"),
    ("reading", "马桥镇儿童绘本馆", 4, "县文化和旅游局", D(2024, 10, 8), D(2025, 5, 30), None, "point"),
    ("reading", "索镇新型公共阅读空间", 2, "县文化和旅游局", D(2025, 6, 16), None, None, "point"),
    ("reading", "起凤镇亲子阅读角", 6, "县文化和旅游局", None, None, None, "point"),
    ("street", "城区建设路儿童友好街区", 0, "县妇儿工委办公室", D(2023, 5, 1), D(2024, 5, 31), D(2025, 5, 31), "polygon"),
    ("street", "少海街道红莲湖街区", 1, "县妇儿工委办公室", D(2024, 4, 1), D(2025, 6, 1), None, "point"),
    ("street", "索镇老街儿童友好街区", 2, "县妇儿工委办公室", D(2025, 3, 15), None, None, "point"),
    ("route", "实验小学上学路", 0, "县交通运输局", D(2023, 8, 1), D(2024, 8, 25), None, "line"),
    ("route", "少海学校安全出行道路", 1, "县交通运输局", D(2024, 2, 1), D(2024, 8, 30), None, "line"),
    ("route", "果里镇中心小学上学路", 3, "县交通运输局", D(2025, 7, 1), None, None, "line"),
    ("park", "东岳口袋公园", 0, "县综合执法局", D(2023, 9, 1), D(2024, 6, 1), None, "polygon"),
    ("park", "红莲湖儿童主题公园", 1, "县综合执法局", D(2024, 3, 20), D(2024, 10, 1), D(2025, 4, 20), "point"),
    ("park", "荆家镇口袋公园", 5, "县综合执法局", None, None, None, "point"),
    ("school", "城区实验小学", 0, "县教育体育局", D(2023, 3, 1), D(2023, 12, 1), D(2024, 12, 10), "point"),
    ("school", "少海中学", 1, "县教育体育局", D(2023, 9, 1), D(2024, 9, 1), None, "point"),
    ("school", "索镇中心幼儿园", 2, "县教育体育局", D(2024, 3, 1), None, None, "point"),
    ("school", "果里镇中心小学", 3, "县教育体育局", D(2025, 3, 1), None, None, "point"),
    ("school", "马桥镇中学", 4, "县教育体育局", None, None, None, "point"),
    ("school", "田庄镇幼儿园", 7, "县教育体育局", None, None, None, "point"),
    ("hospital", "县妇幼保健院", 0, "县卫生健康局", D(2023, 6, 1), D(2024, 6, 1), D(2025, 6, 1), "point"),
    ("hospital", "县人民医院儿科", 0, "县卫生健康局", D(2024, 5, 1), None, None, "point"),
    ("hospital", "索镇卫生院", 2, "县卫生健康局", None, None, None, "point"),
    ("community", "建设路社区", 0, None, D(2023, 4, 1), D(2024, 1, 15), None, "point"),
    ("community", "少海社区", 1, None, D(2024, 2, 1), D(2024, 11, 1), D(2025, 5, 1), "point"),
    ("community", "东华社区", 2, None, D(2025, 3, 1), None, None, "point"),
    ("community", "马桥社区", 4, None, None, None, None, "point"),
]


def _user(unit, roles):
    m = (Membership.objects.filter(org_unit=unit, role__in=roles, user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def _shape(kind: str, centre, rng: random.Random) -> dict:
    east, north = rng.uniform(-1100, 1100), rng.uniform(-1100, 1100)
    origin = demo_geo.offset(centre, east, north)
    if kind == "line":
        points, e, n = [list(origin)], east, north
        for _ in range(5):
            e, n = e + rng.uniform(80, 180), n + rng.uniform(-60, 60)
            points.append(list(demo_geo.offset(centre, e, n)))
        return {"type": "LineString", "coordinates": points}
    if kind == "polygon":
        w, h = rng.uniform(90, 220), rng.uniform(70, 160)
        ring = [demo_geo.offset(centre, east + dx, north + dy)
                for dx, dy in ((0, 0), (w, 0), (w, h), (0, h))]
        ring = [list(p) for p in ring]
        return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}
    return {"type": "Point", "coordinates": list(origin)}


def extend(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:spaces")
    area = ctx.area
    office = OrgUnit.objects.filter(parent=area, name="县妇儿工委办公室").first()
    coordinator = office and _user(office, [Role.COORDINATOR])
    if coordinator is None:
        return []
    towns = list(OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.TOWN).order_by("order", "pk"))
    if not towns:
        return []
    centres = demo_geo.town_centres(area)
    if not SpaceKind.objects.exists():  # a database flushed after migrating (tests): seed again
        from .kinds import seed_checklists, seed_kinds
        seed_kinds(SpaceKind)
        seed_checklists(SpaceKind, ChecklistItem)
    kinds = {k.code: k for k in SpaceKind.objects.all()}
    depts = {u.name: u for u in OrgUnit.objects.filter(parent=area, kind=OrgUnit.Kind.DEPARTMENT)}
    S = services.S
    for n, (code, name, t, dept, started, opened, certified, shape) in enumerate(SPACES):
        town = towns[t % len(towns)]
        unit = town
        if code == "community":  # a community is a village-level unit of its town, where there is one
            unit = OrgUnit.objects.filter(parent=town, name=name).first() or town
        first = started or opened or datetime.date(2025, 2, 20)
        ctx.clock.set(_moment(first - datetime.timedelta(days=60), rng))
        space = services.create_space(
            coordinator, area=area, org_unit=unit, lead_unit=depts.get(dept), kind=kinds[code], name=name,
            geometry=_shape(shape, centres[town.pk], rng), status=S.PLANNED,
            address=f"{town.name}{name}", description="演示数据：位置为示意。")
        for status, day in ((S.BUILDING, started), (S.OPEN, opened), (S.CERTIFIED, certified)):
            if day is not None:
                ctx.clock.set(_moment(day, rng))
                space = services.change_status(coordinator, space, status, day)
        if space.status in (S.OPEN, S.CERTIFIED):
            items = list(ChecklistItem.objects.filter(kind=space.kind).values_list("pk", flat=True))
            keep = items if space.status == S.CERTIFIED else items[: max(1, len(items) - rng.randint(1, 3))]
            services.set_checks(coordinator, space, keep)
            if n % 4 == 0:
                services.add_photo(coordinator, space, name=f"{name}（演示）.png",
                                   data=tiny_png(tuple(rng.randint(60, 180) for _ in range(3)), 320, 200),
                                   caption=f"{name}建成后的场地（演示图片）")
    ctx.clock.set(ctx.clock.real)
    return []
