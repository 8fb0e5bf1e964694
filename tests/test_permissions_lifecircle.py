"""Every page of the 15-minute life circle × every persona. Everyone who works under the plan
reads the results (narrowed to their scope: a town reporter sees its own town's communities,
a department none); the walking network and the run are the coordinator's (403 for the
others); another county's coordinator sees its own (empty) county — no run there, so no
download (404), and nothing of 桓台县 on its pages."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.lifecircle import services
from tests.lifecircle.factory import circle  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "leader", "health_reporter", "edu_reporter", "town_reporter",
            "other_coordinator"]
LOGIN = 302
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)}
COORDINATOR = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 200,
               "other_coordinator": 200}

PAGES = {
    "/lifecircle/": SIGNED_IN,
    "/lifecircle/map/": SIGNED_IN,
    "/lifecircle/results.geojson": {**SIGNED_IN, "other_coordinator": 404},
    "/lifecircle/network/": COORDINATOR,
}
POSTS = {
    ("/lifecircle/run/", ""): {**COORDINATOR, "coordinator": 302, "other_coordinator": 302},
    ("/lifecircle/network/", "name=路网"): {**COORDINATOR, "coordinator": 400, "other_coordinator": 400},
}


@pytest.fixture
def scene(circle):
    g = dict(circle)
    made = User.objects.create_user("lz_fgw", password="x")
    Membership.objects.create(user=made, org_unit=g["other_edu"], role=Role.COORDINATOR)
    g["other_coordinator"] = User.objects.get(pk=made.pk)
    services.run(g["coordinator"], g["plan"])
    return g


def client_for(g, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(g[persona])
    return c


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(scene, path, persona):
    r = client_for(scene, persona).get(path)
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN and persona == "anonymous":
        assert r["Location"].startswith("/accounts/login/")
    if r.status_code == 200 and persona in ("other_coordinator", "health_reporter", "edu_reporter"):
        assert "东村小区" not in r.content.decode()


POST_CASES = [(path, body, persona) for (path, body) in POSTS for persona in PERSONAS]


@pytest.mark.parametrize("path,body,persona", POST_CASES, ids=[f"POST {p}-{who}" for p, _, who in POST_CASES])
def test_post_matrix(scene, path, body, persona):
    from urllib.parse import parse_qsl
    r = client_for(scene, persona).post(path, dict(parse_qsl(body)))
    assert r.status_code == POSTS[(path, body)][persona]
