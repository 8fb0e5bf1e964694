"""The register feeds the plan's targets (cfcity.spaces.measures): with the reference plan
imported, tasks (24) and (26)–(30) get yearly observations at their first lead department and
the engine judges them — 8 sports fields open by 2023 achieve task (30)'s first target."""
import datetime
from decimal import Decimal

import pytest

from cfcity.monitoring.models import Observation, TargetStatus
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.reporting import services as reporting
from cfcity.spaces import measures, services
from cfcity.spaces.models import SpaceKind

from .factory import kind, pt

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_reference_plan_binds_tasks_24_to_30(reference_path):
    kind("street")  # seeded
    kinds = list(SpaceKind.objects.all())
    bound = {}
    for t in importer.parse_file(reference_path).tasks():
        for g in t.targets:
            k = measures.kind_for(pm.Target(indicator=g.indicator, source=g.source, kind=g.kind), kinds)
            if k:
                bound.setdefault(t.number, []).append(k.code)
    assert bound == {24: ["street"], 26: ["school"], 27: ["hospital"], 28: ["route"], 29: ["park"],
                     30: ["sports", "reading"]}


@pytest.fixture
def county(reference_path, django_user_model):
    from cfcity.accounts.models import Membership
    from cfcity.accounts.roles import Role
    plan = plan_services.store_plan(importer.parse_file(reference_path))
    reporting.create_periods(plan, "year")
    area = plan.area
    towns = [OrgUnit.objects.create(name=n, kind=OrgUnit.Kind.TOWN, parent=area) for n in ("果里镇", "索镇")]
    office = OrgUnit.objects.get(name="县妇儿工委办公室", parent=area)
    user = django_user_model.objects.create_user("fgw", password="x")
    Membership.objects.create(user=user, org_unit=office, role=Role.COORDINATOR)
    user = django_user_model.objects.get(pk=user.pk)
    return {"plan": plan, "area": area, "towns": towns, "user": user}


def add(c, code, name, status="planned", started=None, opened=None, certified=None, town=0):
    return services.create_space(c["user"], area=c["area"], org_unit=c["towns"][town], kind=kind(code), name=name,
                                 geometry=pt(), status=status, started_on=started, opened_on=opened,
                                 certified_on=certified)


def observed(plan, number, word):
    t = next(t for t in pm.Target.objects.filter(plan=plan, task__number=number) if word in t.indicator)
    return t, {(o.org_unit.name, o.period.year): o.value
               for o in Observation.objects.filter(target=t, report=None, period__year__gte=2023)}


def test_register_feeds_the_targets_and_the_engine_judges_them(county):
    for i in range(8):
        add(county, "sports", f"运动场{i}", "open", D(2023, 1, 2), D(2023, 3 + i, 1), town=i % 2)
    add(county, "sports", "运动场（在建）", "building", D(2024, 5, 1))
    add(county, "reading", "阅读空间甲", "open", D(2024, 1, 1), D(2024, 6, 1))
    add(county, "reading", "阅读空间乙", "certified", D(2024, 1, 1), D(2025, 2, 1), D(2025, 5, 1))
    add(county, "school", "学校甲", "building", D(2024, 3, 1))
    add(county, "school", "学校乙", "planned")
    add(county, "school", "学校丙", "open", D(2023, 3, 1), D(2023, 10, 1))
    add(county, "hospital", "医院甲", "certified", D(2023, 3, 1), D(2024, 1, 1), D(2025, 1, 1))
    add(county, "street", "街区甲", "open", D(2024, 1, 1), D(2025, 3, 1))
    add(county, "route", "上学路", "open", D(2024, 1, 1), D(2024, 9, 1))
    add(county, "park", "口袋公园", "open", D(2023, 1, 1), D(2023, 6, 1))
    add(county, "park", "儿童公园", "building", D(2025, 1, 1))

    written = measures.publish([county["plan"]], as_of=D(2025, 12, 31))
    assert written >= 7 * 3
    plan = county["plan"]
    t30, sports = observed(plan, 30, "运动场地")
    assert sports == {("县文化和旅游局", 2023): 8, ("县文化和旅游局", 2024): 8, ("县文化和旅游局", 2025): 8}
    _, reading = observed(plan, 30, "阅读空间")
    assert reading[("县文化和旅游局", 2024)] == 1 and reading[("县文化和旅游局", 2025)] == 2
    _, schools = observed(plan, 26, "学校")
    assert {y: v for (_, y), v in schools.items()} == {2023: Decimal("33.33"), 2024: Decimal("66.67"),
                                                       2025: Decimal("66.67")}
    assert {u for u, _ in schools} == {"县教育体育局"}
    _, hospitals = observed(plan, 27, "医院")
    assert hospitals[("县卫生健康局", 2023)] == 100
    _, streets = observed(plan, 24, "街区")
    assert streets[("县妇儿工委办公室", 2024)] == 0 and streets[("县妇儿工委办公室", 2025)] == 1
    _, routes = observed(plan, 28, "出行道路")
    assert routes[("县自然资源局", 2024)] == 1
    _, parks = observed(plan, 29, "公园")
    assert parks[("县综合执法局", 2025)] == 1
    # task (25)'s coverage of communities is the life circle's, not the register's
    t25 = pm.Target.objects.get(plan=plan, task__number=25)
    assert not Observation.objects.filter(target=t25).exists()

    status = TargetStatus.objects.get(target=t30, org_unit=plan.area)
    assert status.status == "achieved" and status.latest == 8.0
    t24 = pm.Target.objects.get(plan=plan, task__number=24)
    assert TargetStatus.objects.get(target=t24, org_unit=plan.area).status != "achieved"


def test_a_register_write_refreshes_the_figures_on_commit(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add(county, "park", "口袋公园", "open", D(2023, 1, 1), D(2023, 6, 1))
        add(county, "park", "主题公园", "open", D(2023, 1, 1), D(2023, 7, 1))
    assert len(callbacks) == 1 or sum(cb is measures._publish_now for cb in callbacks) <= 2
    _, parks = observed(county["plan"], 29, "公园")
    assert parks[("县综合执法局", 2023)] == 2
