"""The header's menu (cfcity.accounts.nav): every role sees the links of its work, and every
link it sees opens — a menu entry that answers 403 or 404 is a defect."""
import pytest
from django.contrib.auth.models import User

from cfcity.accounts.models import Membership
from cfcity.accounts.nav import Group, menu
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit
from tests.test_reporting import county  # noqa: F401  (the fixture)
from tests.welfare.test_pages import signed_in

pytestmark = pytest.mark.django_db

# where each role works in the test county
HOME = {Role.COORDINATOR: "office", Role.DEPT_REPORTER: "health", Role.DEPT_APPROVER: "health",
        Role.TOWN_REPORTER: "town", Role.LEADER: "office", Role.INSPECTOR: "office", Role.EVALUATOR: "office",
        Role.ADMIN: "office", Role.WELFARE_OFFICER: "civil", Role.WELFARE_SUPERVISOR: "town",
        Role.CHILD_DIRECTOR: "village", Role.AUDITOR: "office", Role.SAFEGUARDING: "office"}


def labels(items) -> list[str]:
    out = []
    for item in items:
        out += [f"{item.label}/{link.label}" for link in item.links] if isinstance(item, Group) else [item.label]
    return out


def links(items):
    for item in items:
        yield from (item.links if isinstance(item, Group) else [item])


def member(county, role) -> User:
    area = county["plan"].area
    units = {"office": county["office"], "health": county["health"], "town": county["town"]}
    units["civil"] = OrgUnit.objects.get_or_create(name="县民政局", parent=area, defaults={"kind": "department"})[0]
    units["village"] = OrgUnit.objects.get_or_create(name="果里村", parent=county["town"],
                                                     defaults={"kind": "village"})[0]
    user = User.objects.create_user(f"nav_{role}", password="x")
    Membership.objects.create(user=user, org_unit=units[HOME[role]], role=role)
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save()
    return User.objects.get(pk=user.pk)


def test_every_role_is_placed():
    assert set(HOME) == set(Role)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_link_a_role_sees_opens(county, role):
    user = member(county, role)
    client = signed_in(user)
    seen = list(links(menu(user)))
    assert seen, role
    for link in seen:
        response = client.get(link.url, follow=True)
        assert response.status_code == 200, (role, link.label, link.url, response.status_code)


def test_the_menu_follows_the_role(county):
    coordinator = labels(menu(member(county, Role.COORDINATOR)))
    for label in ("推进落实/督查整改", "儿童参与/儿童议事会", "儿童参与/儿童心声审核", "儿童参与/儿童影响评价",
                  "儿童友好空间/空间地图", "儿童友好空间/15分钟生活圈", "操作记录"):
        assert label in coordinator
    team = labels(menu(member(county, Role.SAFEGUARDING)))
    assert "儿童参与/儿童安全留言" in team and not any(x.startswith("儿童友好空间") for x in team)
    assert "儿童参与/儿童心声审核" not in labels(menu(member(county, Role.LEADER)))
    director = labels(menu(member(county, Role.CHILD_DIRECTOR)))
    assert "困境儿童" in director and not any(x.startswith("儿童参与") for x in director)
    from django.contrib.auth.models import AnonymousUser
    assert labels(menu(AnonymousUser())) == ["行动方案"]


def test_the_header_renders_the_groups(county):
    page = signed_in(county["coordinator"]).get("/my/").content.decode()
    assert '<details class="navgroup"><summary>儿童参与</summary>' in page
    assert 'href="/my/" aria-current="page">我的填报</a>' in page
