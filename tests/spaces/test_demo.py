"""The demo extension on a small county (the whole demo is tests/test_demo_apps.py's)."""
import random

import pytest

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import services as plan_services
from cfcity.reporting import demo as reporting_demo
from cfcity.reporting import services as reporting
from cfcity.spaces import demo

from .demo_checks import check_demo
from .factory import stored  # noqa: F401

pytestmark = pytest.mark.django_db


def test_extend_builds_spaces_that_feed_the_targets(reference_path, django_user_model, stored,
                                                    django_capture_on_commit_callbacks):
    plan = plan_services.store_plan(importer.parse_file(reference_path))
    periods = reporting.create_periods(plan, "year")
    area = plan.area
    for name, (_, villages) in reporting_demo.TOWNS.items():
        town = OrgUnit.objects.create(name=name, kind=OrgUnit.Kind.TOWN, parent=area)
        for v in villages:
            OrgUnit.objects.create(name=v, kind=OrgUnit.Kind.VILLAGE, parent=town)
    user = django_user_model.objects.create_user("fegw_xt", password="x")
    Membership.objects.create(user=user, org_unit=OrgUnit.objects.get(parent=area, name="县妇儿工委办公室"),
                              role=Role.COORDINATOR)
    clock = reporting_demo.Clock()
    ctx = reporting_demo.DemoContext(area=area, plan=plan, periods=periods, seed=7, create_user=None, clock=clock)
    with django_capture_on_commit_callbacks(execute=True), clock.running():
        assert demo.extend(ctx) == []
    check_demo(None, plan)
    random.seed()
