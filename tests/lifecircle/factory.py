"""A small county for the life circle: ``circle`` builds on ``world`` (桓台县, 果里镇 → 东村,
索镇): the hand-computed network of test_network stored as the county's walking network,
four residential communities and spaces at known places (one planned, one of a kind that does
not count). With the network: 东村 (at A) and 西村 (20 m above E) are covered, 北村 (at H)
is not (1010 m to the nearest space), 南村 (far away) is covered straight-line."""
import datetime

import pytest

from cfcity.lifecircle import services
from cfcity.orgs.models import OrgUnit
from cfcity.spaces.models import ResidentialCommunity, Space, SpaceKind

from .test_network import at, network

K = OrgUnit.Kind


def kinds():
    out = {}
    for order, (code, name, life) in enumerate((("community", "儿童友好社区", True), ("park", "公园", True),
                                                ("reading", "阅读空间", True), ("sports", "运动场地", True),
                                                ("school", "儿童友好学校", False)), 1):
        out[code], _ = SpaceKind.objects.get_or_create(code=code, defaults={
            "name": name, "in_life_circle": life, "order": order})
        if out[code].in_life_circle != life:
            SpaceKind.objects.filter(pk=out[code].pk).update(in_life_circle=life)
    return out


def space(area, unit, kind, name, x, y, status=Space.Status.OPEN, opened_on=datetime.date(2023, 6, 1)):
    lon, lat = at(x, y)
    return Space.objects.create(area=area, org_unit=unit, kind=kind, name=name, status=status, opened_on=opened_on,
                                geometry={"type": "Point", "coordinates": [lon, lat]}, lon=lon, lat=lat)


def community(area, unit, name, x, y, children=100):
    lon, lat = at(x, y)
    return ResidentialCommunity.objects.create(area=area, org_unit=unit, name=name, lon=lon, lat=lat,
                                               children=children)


def build(w, coordinator=None):
    area, town, town2 = w["county"], w["town"], w["town2"]
    k = kinds()
    west = OrgUnit.objects.create(name="西村", kind=K.VILLAGE, parent=town)
    north = OrgUnit.objects.create(name="北村", kind=K.VILLAGE, parent=town2)
    south = OrgUnit.objects.create(name="南村", kind=K.VILLAGE, parent=town2)
    c = {"东村小区": community(area, w["village"], "东村小区", 0, 0),
         "西村小区": community(area, west, "西村小区", 0, 320),
         "北村小区": community(area, north, "北村小区", -600, 0),
         "南村小区": community(area, south, "南村小区", 3000, 3000)}
    s = {"口袋公园": space(area, town, k["park"], "口袋公园", 400, 10),
         "滨河公园": space(area, town, k["park"], "滨河公园", 800, 300, opened_on=datetime.date(2024, 9, 1)),
         "社区书屋": space(area, town, k["reading"], "社区书屋", 400, 640),
         "南村运动场": space(area, south, k["sports"], "南村运动场", 3300, 3000),
         # neither counts: planned, and a school
         "规划公园": space(area, north, k["park"], "规划公园", -600, 0, status=Space.Status.PLANNED, opened_on=None),
         "北村小学": space(area, north, k["school"], "北村小学", -590, 0)}
    row = services.store_network(coordinator, area, network(), name="测试路网")
    return {**w, "communities": c, "spaces": s, "network": row, "west": west, "north": north, "south": south,
            "kinds": k}


@pytest.fixture
def circle(world):
    return build(world, world["coordinator"])
