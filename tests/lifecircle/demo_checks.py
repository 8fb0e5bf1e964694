"""`cfcity demo` also builds the life circle (cfcity.lifecircle.demo): one residential
community per village near its town's centre, a walking grid per town stored as the county's
network, one run on it with gaps to show, and task (25)'s figure in monitoring."""

from django.test import Client

from cfcity.accounts.models import Membership
from cfcity.lifecircle import measures
from cfcity.lifecircle.models import LifeCircleRun, WalkNetwork
from cfcity.monitoring.models import Observation
from cfcity.orgs.models import OrgUnit
from cfcity.spaces.models import ResidentialCommunity


def check_demo(out, plan):
    villages = OrgUnit.objects.filter(kind=OrgUnit.Kind.VILLAGE, parent__parent=plan.area).count()
    assert ResidentialCommunity.objects.filter(area=plan.area).count() == villages > 30
    net = WalkNetwork.objects.get(area=plan.area, active=True)
    towns = OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWN, parent=plan.area).count()
    assert net.segments == towns * 240 and net.source_format == "demo"
    run = LifeCircleRun.objects.filter(area=plan.area).latest("computed_at")
    assert run.method == "network" and run.communities == villages
    assert run.communities - run.covered >= 3  # gaps on the map
    assert run.reaches.count() == villages
    # task (25)'s coverage target has the share covered for each ended year
    target = next(t for t in plan.targets.select_related("task") if measures.measure_for(t))
    assert target.task.number == 25
    assert Observation.objects.filter(target=target, report=None).exists()
    # the coordinator's pages show the gaps
    m = Membership.objects.filter(org_unit__parent=plan.area, role="coordinator").select_related("user").first()
    c = Client()
    c.force_login(m.user)
    gap = run.reaches.filter(covered=False).select_related("community").first()
    assert gap.community.name in c.get("/lifecircle/").content.decode()
    assert c.get("/lifecircle/map/").status_code == 200
