"""The reference plan (桓台县): task (4)'s milestone “三级儿童议事会体系基本形成” is bound by its
words, its lead department (县妇联) manages councils county-wide, and the register's judgement
reaches the engine's status for the target."""
import datetime

import pytest

from cfcity.accounts.roles import Role
from cfcity.councils import measures, services
from cfcity.monitoring.models import Judgement, TargetStatus
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import services as plan_services

from .factory import FOUNDED, fill, person

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind


def test_task_four_measured_from_the_register(reference_path):
    plan = plan_services.store_plan(importer.parse_file(reference_path))
    area = plan.area
    [target] = measures.bound_targets(plan)
    assert target.task.number == 4 and target.kind == "milestone"
    fl = OrgUnit.objects.get(name="县妇联", parent=area)
    assert measures.lead_unit_ids(area.pk) == {fl.pk}
    t1 = OrgUnit.objects.create(name="果里镇", kind=K.TOWN, parent=area)
    v1 = OrgUnit.objects.create(name="东村", kind=K.VILLAGE, parent=t1)
    lead = person(fl, "fl_tb", Role.DEPT_REPORTER)
    for unit in (area, t1, v1):
        council = services.create_council(lead, org_unit=unit, name=f"{unit.name}儿童议事会", founded_on=FOUNDED)
        fill(lead, council)
    as_of = datetime.date.today()
    [j] = measures.record_register_judgement(plan, as_of=as_of)
    assert j.judged_by is None
    f = measures.figures(area.pk, as_of)
    assert f.county_active and (f.towns_active, f.towns) == (1, 1) and (f.villages_active, f.villages) == (1, 1)
    assert Judgement.objects.get(target=target).status == "achieved"  # all there: achieved whatever the date
    status = TargetStatus.objects.get(target=target, org_unit=area)
    assert status.status == "achieved"


def test_the_judge_command_rejudges_from_the_register_but_never_over_a_person(reference_path):
    """`cfcity councils judge`: for scheduling — the register's verdict again (a council with no
    meeting for a year drops out), a coordinator's own judgement left alone; an unknown county
    is a one-line error (exit 2)."""
    import io

    from django.core.management import CommandError, call_command

    plan = plan_services.store_plan(importer.parse_file(reference_path))
    [target] = measures.bound_targets(plan)
    out = io.StringIO()
    call_command("councils", "judge", stdout=out)
    assert "已按名册判断" in out.getvalue()
    judgement = Judgement.objects.get(target=target)
    assert judgement.judged_by is None and judgement.status in ("on_track", "at_risk", "off_track")
    coordinator = person(OrgUnit.objects.get(name="县妇儿工委办公室", parent=plan.area), "fegw", Role.COORDINATOR)
    Judgement.objects.filter(pk=judgement.pk).update(judged_by=coordinator, status="on_track", note="现场核实")
    out = io.StringIO()
    call_command("councils", "judge", "--area", plan.area.name, stdout=out)
    assert "已由协调员判断" in out.getvalue()
    assert Judgement.objects.get(target=target).note == "现场核实"
    with pytest.raises(CommandError) as e:
        call_command("councils", "judge", "--area", "不存在县")
    assert e.value.returncode == 2 and "不存在县" in str(e.value)
