"""The life-circle part of ``cfcity demo``: one residential community per village, placed near
its town's centre (deterministic from the seed), a walking grid per town (200 m streets over
the town's square, two diagonal paths) stored as the area's network, and one computed run.
The spaces come from the spaces demo (registered before this one); without them every
community is a gap. A few communities sit in the far corners of their towns, so the map has
gaps to show. Registered in LifecircleConfig.ready()."""
from __future__ import annotations

import random

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from cfcity.spaces import demo_geo
from cfcity.spaces.models import ResidentialCommunity

from . import services
from .network import Builder

SPACING_M = 200.0


def town_grid(centre: tuple[float, float], builder: Builder, half: float = demo_geo.TOWN_HALF_SIDE_M,
              spacing: float = SPACING_M):
    """Streets every ``spacing`` metres over the square around ``centre``, and its diagonals."""
    steps = int(half * 2 // spacing)
    ticks = [-half + k * spacing for k in range(steps + 1)]
    for y in ticks:
        builder.line([demo_geo.offset(centre, x, y) for x in ticks])
    for x in ticks:
        builder.line([demo_geo.offset(centre, x, y) for y in ticks])
    builder.line([demo_geo.offset(centre, t, t) for t in ticks])
    builder.line([demo_geo.offset(centre, t, -t) for t in ticks])


def extend(ctx) -> list:
    rng = random.Random(f"{ctx.seed}:lifecircle")
    area = ctx.area
    centres = demo_geo.town_centres(area)
    towns = OrgUnit.objects.filter(pk__in=centres).order_by("order", "pk")
    builder = Builder()
    for t_index, town in enumerate(towns):
        centre = centres[town.pk]
        town_grid(centre, builder)
        villages = list(OrgUnit.objects.filter(parent=town, kind=OrgUnit.Kind.VILLAGE).order_by("order", "pk"))
        for v_index, village in enumerate(villages):
            if v_index == len(villages) - 1 and t_index % 2 == 1:
                # the far corner of every other town: beyond a 15-minute walk of the centre
                east, north = rng.choice((-1, 1)) * 920.0, rng.choice((-1, 1)) * 880.0
            else:
                east, north = rng.uniform(-700, 700), rng.uniform(-700, 700)
            lon, lat = demo_geo.offset(centre, east, north)
            name = village.name if village.name.endswith("社区") else f"{village.name}居住区"
            ResidentialCommunity.objects.create(area=area, org_unit=village, name=name, lon=lon, lat=lat,
                                                children=rng.randint(40, 420))
    if not builder.net.edges:
        return []
    m = (Membership.objects.filter(org_unit__parent=area, role=Role.COORDINATOR, user__is_active=True)
         .select_related("user").order_by("pk").first())
    user = m.user if m else None
    ctx.clock.set(ctx.clock.real)
    services.store_network(user, area, builder.done(), name="演示县城镇步行路网（合成）")
    services.run(user, ctx.plan, check=False)
    return []
