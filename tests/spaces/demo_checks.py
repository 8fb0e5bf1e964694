"""The spaces part of ``cfcity demo``: spaces of every kind in every status across the towns,
points, lines and outlines; the register's figures reach task (30)'s targets (8 sports fields
open by the end of 2023)."""
import datetime

from cfcity.monitoring.models import Observation
from cfcity.plans import models as pm
from cfcity.spaces.models import Space, SpaceKind


def check_demo(out, plan):
    spaces = Space.objects.filter(area=plan.area)
    assert set(spaces.values_list("status", flat=True)) == set(Space.Status.values)
    assert set(spaces.values_list("kind__code", flat=True)) == set(SpaceKind.objects.values_list("code", flat=True))
    assert spaces.values("org_unit").distinct().count() >= 8
    assert {s.geometry["type"] for s in spaces} == {"Point", "LineString", "Polygon"}
    assert spaces.filter(kind__code="sports", status__in=Space.BUILT,
                         opened_on__lte=datetime.date(2023, 12, 31)).count() >= 8
    assert spaces.filter(photos__isnull=False).exists(), "photos"
    assert spaces.filter(checks__isnull=False).exists(), "checks"
    target = next(t for t in pm.Target.objects.filter(plan=plan, task__number=30) if "运动场地" in t.indicator)
    seen = {o.period.year: o.value for o in Observation.objects.filter(target=target, report=None)}
    assert seen.get(2023) == 8, seen
    reading = next(t for t in pm.Target.objects.filter(plan=plan, task__number=30) if "阅读空间" in t.indicator)
    assert Observation.objects.filter(target=reading, report=None, period__year=2025, value=3).exists()
