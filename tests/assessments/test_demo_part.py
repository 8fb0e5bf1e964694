"""The assessments part of ``cfcity demo`` run on the small test county (the whole demo is
tests/test_demo_apps.py's): two assessments, the project linked to the county's spaces only."""
import datetime
import types

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.assessments.demo import extend
from cfcity.orgs.models import OrgUnit
from cfcity.reporting import demo as reporting_demo
from tests.assessments.demo_checks import check_demo
from tests.assessments.factory import ia_world, stored  # noqa: F401

pytestmark = pytest.mark.django_db


class Clock:
    real = timezone.now()

    def set(self, when):
        self.when = when


def test_extend_makes_two_assessments(ia_world):
    w = ia_world
    assert extend in reporting_demo.EXTENSIONS
    zj, _ = OrgUnit.objects.get_or_create(name="县住房城乡建设局", parent=w["county"],
                                          defaults={"kind": OrgUnit.Kind.DEPARTMENT})
    Membership.objects.create(user=User.objects.create_user("zjj_tb"), org_unit=zj, role=Role.DEPT_REPORTER)
    w["mine"].delete()  # the demo county starts without assessments
    ctx = types.SimpleNamespace(plan=w["plan"], area=w["county"], seed=7, clock=Clock(), periods=[],
                                create_user=None)
    assert extend(ctx) == []
    check_demo(None, w["plan"])
    from cfcity.assessments.models import ImpactAssessment
    project = ImpactAssessment.objects.get(kind="project")
    assert set(project.spaces.all()) == {w["space"], w["space2"]}  # never 临淄区's
    assert project.responsible_unit == zj and project.registered_on == datetime.date(2024, 3, 4)
