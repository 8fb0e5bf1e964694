"""The plan's welfare targets measured from the register and the roster (cfcity.welfare.
measures): the reference plan's tasks (19) 督导员/儿童主任, (22) 希望小屋 and (23) 脑瘫救助
get observations at their lead department and a monitoring status; a town or village
without its supervisor or director is a warning until one is appointed."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from cfcity.accounts.roles import Role
from cfcity.monitoring.models import Observation, TargetStatus, Warning
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.reporting import services as reporting
from cfcity.welfare import measures, services
from cfcity.welfare.models import Worker

from .factory import child, person

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2025, 12, 31)  # the year period's end: the engine dates a figure there
K = OrgUnit.Kind


@pytest.fixture
def county(reference_path):
    plan = plan_services.store_plan(importer.parse_file(reference_path))
    reporting.create_periods(plan, "year")
    area = plan.area
    t1 = OrgUnit.objects.create(name="果里镇", kind=K.TOWN, parent=area)
    t2 = OrgUnit.objects.create(name="索镇", kind=K.TOWN, parent=area)
    v1 = OrgUnit.objects.create(name="东村", kind=K.VILLAGE, parent=t1)
    v2 = OrgUnit.objects.create(name="西村", kind=K.VILLAGE, parent=t1)
    v3 = OrgUnit.objects.create(name="北村", kind=K.VILLAGE, parent=t2)
    mzj = OrgUnit.objects.get(name="县民政局", parent=area)
    officer = person(mzj, "mz_tz", Role.WELFARE_OFFICER)
    day = datetime.date(2024, 3, 1)
    services.appoint(officer, kind=Worker.Kind.SUPERVISOR, unit=t1, name="刘督导", appointed_on=day)
    services.appoint(officer, kind=Worker.Kind.DIRECTOR, unit=v1, name="王主任", appointed_on=day)
    services.appoint(officer, kind=Worker.Kind.DIRECTOR, unit=v2, name="赵主任", appointed_on=day)
    tasks = {n: pm.Task.objects.get(plan=plan, number=n) for n in (19, 22, 23)}
    return {"plan": plan, "area": area, "towns": (t1, t2), "villages": (v1, v2, v3), "mzj": mzj,
            "cl": OrgUnit.objects.get(name="县残联", parent=area), "officer": officer, "tasks": tasks}


def target(c, number, word):
    return next(t for t in c["tasks"][number].targets.all() if word in t.indicator)


def observed(c, number, word):
    t = target(c, number, word)
    return {(o.org_unit.name, o.period.year): o.value for o in Observation.objects.filter(target=t, report=None)}


def test_the_reference_plan_binds_its_welfare_targets(reference_path):
    kinds = {}
    for t in importer.parse_file(reference_path).tasks():
        for g in t.targets:
            m = measures.measure_for(pm.Target(indicator=g.indicator, source=g.source, kind=g.kind))
            if m:
                kinds[m] = t.number
    assert kinds == {measures.SUPERVISOR_TOWNS: 19, measures.DIRECTOR_VILLAGES: 19,
                     measures.HOPE_HOUSE: 22, measures.CP_RESCUED: 23}


def test_publish_writes_the_register_figures_at_the_lead_department_and_they_are_judged(county):
    o, (v1, v2, v3) = county["officer"], county["villages"]
    t1 = county["towns"][0]
    a = child(o, t1, v1, name="张小明", cp_indicated=True, categories=["disabled"])
    child(o, t1, v2, name="李小红", cp_indicated=True, categories=["disabled"])
    child(o, t1, v1, name="孙不计", cp_indicated=True, stats=False)  # no consent to statistics: left out
    closed = child(o, t1, v1, name="周已销", cp_indicated=True)
    services.close_child(o, closed, reason="迁出本县", on=datetime.date(2025, 1, 2))  # closed: left out
    h = child(o, county["towns"][1], v3, name="赵希望", hope_house_eligible=True)
    child(o, county["towns"][1], v3, name="钱等待", hope_house_eligible=True)
    services.add_support(o, a, kind="cp_rehab", date=datetime.date(2025, 3, 1))
    services.add_support(o, h, kind="hope_house", date=datetime.date(2025, 4, 1))

    # one figure per ended year, as the register stood on its last day: before 2024 nobody
    # was registered or appointed (no figure for the shares, 0 towns), in 2024 no support yet
    years = sorted(county["plan"].periods.filter(kind="year").values_list("year", flat=True))
    assert measures.publish(as_of=AS_OF) == 2 * len(years) + 2 * 2
    assert observed(county, 19, "督导员") == {**{("县民政局", y): Decimal("0") for y in years if y < 2024},
                                           ("县民政局", 2024): Decimal("1"), ("县民政局", 2025): Decimal("1")}
    assert observed(county, 19, "儿童主任")[("县民政局", 2025)] == Decimal("2")
    assert observed(county, 22, "希望小屋") == {("县民政局", 2024): Decimal("0.00"),
                                            ("县民政局", 2025): Decimal("50.00")}
    # 周已销 was closed on 2025-01-02: counted at the end of 2024, not of 2025
    assert observed(county, 23, "脑瘫") == {("县残联", 2024): Decimal("0.00"), ("县残联", 2025): Decimal("50.00")}
    # the engine judged them like reported values
    for number, word in ((19, "督导员"), (19, "儿童主任"), (22, "希望小屋"), (23, "脑瘫")):
        s = TargetStatus.objects.get(target=target(county, number, word), org_unit=county["area"])
        assert s.latest is not None and s.status, (number, word)
    assert TargetStatus.objects.get(target=target(county, 23, "脑瘫"), org_unit=county["area"]).latest == 50.0

    # the last child gets their hope house: the figure follows
    services.add_support(o, services.find_by_id_number(o, child_number(county, "钱等待")).get(),
                         kind="hope_house", date=datetime.date(2025, 5, 1))
    measures.publish(as_of=AS_OF)
    assert observed(county, 22, "希望小屋")[("县民政局", 2025)] == Decimal("100.00")


def child_number(county, name):
    from cfcity.welfare.models import Child
    return next(c.id_number for c in Child.objects.all() if c.name == name)


def test_no_child_counted_means_no_figure_rather_than_zero(county):
    child(county["officer"], county["towns"][0], county["villages"][0], cp_indicated=True, stats=False)
    measures.publish(as_of=AS_OF)
    assert observed(county, 23, "脑瘫") == {}
    assert measures.value(measures.CP_RESCUED, county["area"].pk, AS_OF) is None


def test_before_the_first_year_ends_nothing_is_written_and_after_the_plan_the_last_years_stay(county):
    first = county["plan"].period_start
    assert measures.publish(as_of=datetime.date(first, 12, 30)) == 0
    measures.publish(as_of=datetime.date(2031, 1, 1))  # the plan's years only
    assert {y for _, y in observed(county, 19, "督导员")} == set(range(first, county["plan"].period_end + 1))


def test_a_missing_supervisor_or_director_is_a_warning_until_appointed(county):
    measures.publish(as_of=AS_OF)
    gaps = Warning.objects.filter(plan=county["plan"], kind=Warning.Kind.ROSTER_GAP, resolved_at__isnull=True)
    t2, v3 = county["towns"][1], county["villages"][2]
    assert sorted(w.key for w in gaps) == sorted([f"roster_gap:supervisor:unit:{t2.pk}",
                                                  f"roster_gap:director:unit:{v3.pk}"])
    w = gaps.get(key=f"roster_gap:director:unit:{v3.pk}")
    assert w.org_unit == t2 and w.task == county["tasks"][19] and "北村尚未配备儿童主任" in w.message
    services.appoint(county["officer"], kind=Worker.Kind.DIRECTOR, unit=v3, name="孙主任",
                     appointed_on=datetime.date(2025, 6, 1))
    call_command("welfare", "publish", "--date", AS_OF.isoformat())
    w.refresh_from_db()
    assert w.resolved_at is not None
    assert gaps.filter(resolved_at__isnull=True).count() == 1  # 索镇 still has no supervisor
    # a director who left is a gap again
    services.end_appointment(county["officer"], Worker.objects.get(name="孙主任"), on=datetime.date(2025, 6, 20))
    measures.publish(as_of=AS_OF)
    w.refresh_from_db()
    assert w.resolved_at is None


def test_many_writes_in_one_transaction_publish_once(county):
    from django.db import connection
    with transaction.atomic():
        for i in range(3):
            child(county["officer"], county["towns"][0], county["villages"][0], name=f"张{i}明")
        pending = [entry[1] for entry in connection.run_on_commit]
    # the fixture's appointments and these three records: one refresh after the commit
    assert pending.count(measures._publish_now) == 1
