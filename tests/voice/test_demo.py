"""voice.demo.extend on the small test world, under the demo's simulated clock."""
import pytest

from cfcity.reporting.demo import Clock, DemoContext
from cfcity.voice import demo

from .demo_checks import check_demo

pytestmark = pytest.mark.django_db


def test_extend_builds_every_state(world):
    from cfcity.accounts import services as accounts
    from cfcity.accounts.models import Membership
    from cfcity.accounts.roles import Role
    world["office"].refresh_from_db()
    Membership.objects.filter(user=world["leader"]).update(role=Role.LEADER)
    clock = Clock()

    def create_user(username, name, unit, role):
        return accounts.create_user(username, name, unit, role, actor=None)
    with clock.running():
        made = demo.extend(DemoContext(area=world["county"], plan=world["plan"], periods=[], seed=7,
                                       create_user=create_user, clock=clock))
    assert [u[0] for u in made] == ["ertong_an"]
    check_demo(None, world["plan"])
