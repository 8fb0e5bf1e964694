"""Work plan pages × personas. 县住房城乡建设局's 2024 work plan: its own unit and the county
roles read it; another unit gets 404; 临淄区's work plan and target are 404 for everyone here."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from cfcity.plans import models as pm
from cfcity.workplans import services
from tests.workplans.conftest import wp_world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "housing_reporter", "edu_reporter", "town_reporter", "health_approver",
            "coordinator", "leader", "admin"]
LOGIN = 302
ALL_IN = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)}

PAGES = {
    "/workplans/": ALL_IN,
    "/workplans/open/": {p: 302 for p in PERSONAS},  # POST only: a GET goes back to the list
    "/workplans/{wp}/": {"anonymous": LOGIN, "housing_reporter": 200, "edu_reporter": 404, "town_reporter": 404,
                         "health_approver": 404, "coordinator": 200, "leader": 200, "admin": 200},
    "/workplans/{other_wp}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    "/workplans/targets/{target}/": ALL_IN,
    "/workplans/targets/{other_target}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    "/workplans/budget/": ALL_IN,
}
# a save posted to that work plan: only the unit's own reporters change it
SAVE = {"anonymous": LOGIN, "housing_reporter": 302, "edu_reporter": 404, "town_reporter": 404,
        "health_approver": 404, "coordinator": 403, "leader": 403, "admin": 403}


@pytest.fixture
def seeded(wp_world):
    w = wp_world
    w["wp"] = services.open_work_plan(w["plan"], w["housing"], 2024, user=w["housing_reporter"])
    w["other_wp"] = services.open_work_plan(w["other_plan"], w["other_reporter"].membership.org_unit, 2024,
                                            user=w["other_reporter"])
    w["target"] = w["streets"]
    w["other_target"] = pm.Target.objects.filter(plan=w["other_plan"], kind="cumulative").first()
    return w


def client_for(w, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(User.objects.get(pk=w[persona].pk))
    return c


def fill(path, w):
    return path.format(wp=w["wp"].pk, other_wp=w["other_wp"].pk, target=w["target"].pk,
                       other_target=w["other_target"].pk)


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(seeded, path, persona):
    r = client_for(seeded, persona).get(fill(path, seeded))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN and persona == "anonymous":
        assert "/login/" in r["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_save_matrix(seeded, persona):
    wp = seeded["wp"]
    r = client_for(seeded, persona).post(f"/workplans/{wp.pk}/", {
        "version": wp.version, "summary": f"{persona} 写的", "action": "save", "ms-count": "0", "bl-count": "0"})
    assert r.status_code == SAVE[persona]
    wp.refresh_from_db()
    assert (wp.summary == f"{persona} 写的") is (SAVE[persona] == 302 and persona != "anonymous")


@pytest.mark.parametrize("persona,accepts", [("coordinator", True), ("leader", False), ("housing_reporter", False)])
def test_only_the_coordinator_accepts(seeded, persona, accepts):
    w = seeded
    wp = services.save_work_plan(w["wp"], user=w["housing_reporter"], version=w["wp"].version,
                                 measures={w["streets_task"].pk: "建两处"},
                                 shares={s.target_id: "1" for s in w["wp"].shares.all()})
    wp = services.submit(wp, user=w["housing_reporter"])
    r = client_for(w, persona).post(f"/workplans/{wp.pk}/", {"action": "accept"})
    wp.refresh_from_db()
    assert (wp.status == "accepted") is accepts
    assert r.status_code == (302 if accepts else 403)
