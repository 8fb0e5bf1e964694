"""The ``world`` of tests/conftest.py with what work plans need: yearly periods and the
assignments of both plans, a reporter in 县住房城乡建设局 (lead of task (3), the 3—5
child-friendly streets), and 果里镇 and 索镇 sharing that target."""
import pytest


@pytest.fixture
def wp_world(world):
    from django.contrib.auth.models import User

    from cfcity.accounts.models import Membership
    from cfcity.accounts.roles import Role
    from cfcity.orgs.models import OrgUnit
    from cfcity.plans import models as pm
    from cfcity.reporting import services as rs

    w = dict(world)
    for key in ("plan", "other_plan"):
        rs.create_periods(w[key], "year")
        rs.sync_assignments(w[key])
    w["housing"] = OrgUnit.objects.get(name="县住房城乡建设局", parent=w["county"])
    made = User.objects.create_user("zjj_tb", password="x")
    Membership.objects.create(user=made, org_unit=w["housing"], role=Role.DEPT_REPORTER)
    w["housing_reporter"] = User.objects.get(pk=made.pk)
    w["streets_task"] = pm.Task.objects.get(plan=w["plan"], number=3)
    w["streets"] = w["streets_task"].targets.get(kind="cumulative")
    w["childcare_task"] = pm.Task.objects.get(plan=w["plan"], number=2)
    for town in ("town", "town2"):
        rs.assign(w["streets_task"], w[town], "share")
    other_edu_user = User.objects.create_user("lz_jyj", password="x")
    Membership.objects.create(user=other_edu_user, org_unit=OrgUnit.objects.get(
        name="县卫生健康局", parent=w["other_county"]), role=Role.DEPT_REPORTER)
    w["other_reporter"] = User.objects.get(pk=other_edu_user.pk)
    return w
