"""The life-circle map in a real browser: the walking network, the spaces and the communities
drawn by Leaflet under the strict CSP, gaps in red with their 1000 m circle
(var/screenshots/lifecircle-map.png)."""
import datetime
import types

from django.contrib.auth.models import User

from cfcity.lifecircle import demo
from cfcity.spaces import demo_geo
from cfcity.spaces.models import ResidentialCommunity, Space
from tests.lifecircle import factory

PASSWORD = "桓台-安全-2025-口令"


class Clock:
    real = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=datetime.timezone.utc)

    def set(self, moment):
        pass


def test_the_map_draws_the_gaps(page, world, log_in, screenshot):
    from cfcity.orgs.models import OrgUnit
    for name in ("西村", "南村", "北村"):
        OrgUnit.objects.create(name=name, kind=OrgUnit.Kind.VILLAGE, parent=world["town"])
    for name in ("索镇东村", "苗家村"):  # 索镇 has no space yet: its communities are the gaps
        OrgUnit.objects.create(name=name, kind=OrgUnit.Kind.VILLAGE, parent=world["town2"])
    k = factory.kinds()
    centre = demo_geo.town_centres(world["county"])[world["town"].pk]
    for name, kind, east, north in (("镇中心公园", "park", 0, 0), ("社区书屋", "reading", -300, 200)):
        lon, lat = demo_geo.offset(centre, east, north)
        Space.objects.create(area=world["county"], org_unit=world["town"], kind=k[kind], name=name, status="open",
                             geometry={"type": "Point", "coordinates": [lon, lat]}, lon=lon, lat=lat)
    demo.extend(types.SimpleNamespace(area=world["county"], plan=world["plan"], seed=3, clock=Clock(), periods=[]))
    # a name typed into the register is text on the map, never markup
    ResidentialCommunity.objects.filter(org_unit__parent=world["town"]).update(name='<img id="evil" src="x">小区')
    user = User.objects.get(username="fgw")
    user.set_password(PASSWORD)
    user.save()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto("/")
    log_in(page, "fgw", PASSWORD)
    response = page.goto("/lifecircle/map/")
    assert response.status == 200
    page.wait_for_selector(".leaflet-interactive.lc-gap-marker")
    assert page.locator(".leaflet-interactive.lc-gap-marker").count() >= 1
    assert page.locator(".leaflet-interactive.lc-ok").count() >= 1
    page.locator(".leaflet-interactive.lc-ok").first.hover()
    page.wait_for_selector(".leaflet-tooltip")
    assert '<img id="evil"' in page.locator(".leaflet-tooltip").inner_text()
    assert page.locator("#evil").count() == 0
    screenshot(page, "lifecircle-map", full_page=True)
    assert not [m for m in messages if "Content Security Policy" in m or "Refused" in m], messages
