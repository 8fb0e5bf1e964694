"""Every council page × every persona. A council is seen by the units in whose scope it lies
and by the council task's lead departments (here 县民政局: the hand-built plan's task (1) is led
by 县妇儿工委办公室 and 县民政局); a proposal also by the unit it was routed to (县卫生健康局);
a member's page is for the council's managers only (403 for readers); the register judgement
is the coordinator's."""

import pytest
from django.test import Client

from cfcity.councils import services
from tests.councils.factory import PDF, TODAY, cw, stored  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "leader", "lead_reporter", "health_reporter", "edu_reporter",
            "town_reporter"]
LOGIN = 302
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)}
# 果里镇's council: the county-wide roles, the lead department and the town
TOWN_COUNCIL = {"anonymous": LOGIN, "coordinator": 200, "leader": 200, "lead_reporter": 200,
                "health_reporter": 404, "edu_reporter": 404, "town_reporter": 200}
MANAGERS = {**TOWN_COUNCIL, "leader": 403}

PAGES = {
    "/councils/": SIGNED_IN,
    "/councils/new/": {**SIGNED_IN, "leader": 403, "health_reporter": 403},
    "/councils/export.xlsx": SIGNED_IN,
    "/councils/{council}/": TOWN_COUNCIL,
    "/councils/{school_council}/": {**TOWN_COUNCIL, "edu_reporter": 200, "town_reporter": 404},
    "/councils/members/{member}/": MANAGERS,
    "/councils/meetings/{meeting}/file/": TOWN_COUNCIL,
    "/councils/proposals/": SIGNED_IN,
    "/councils/proposals/{proposal}/": {**TOWN_COUNCIL, "health_reporter": 200},
}
POSTS = {
    ("/councils/judgement/", ""): {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 302},
    ("/councils/proposals/{proposal}/", "action=answer&text=已研究"): {
        "anonymous": LOGIN, "coordinator": 403, "leader": 403, "lead_reporter": 403, "health_reporter": 302,
        "edu_reporter": 404, "town_reporter": 403},
    ("/councils/{council}/", "action=adviser&adviser-name=李老师&adviser-unit_name=果里镇中心小学&adviser-role=辅导员"): {
        **MANAGERS, "coordinator": 302, "lead_reporter": 302, "town_reporter": 302},
    ("/councils/members/{member}/", "action=reveal&reason=核对同意书"): {
        **MANAGERS, "coordinator": 403, "lead_reporter": 403, "town_reporter": 200},
}


@pytest.fixture
def scene(cw):
    w = cw
    w["meeting"] = services.record_meeting(w["town_reporter"], w["town_council"], date=TODAY, topic="带纪要",
                                           file_name="纪要.pdf", file_data=PDF)
    return w


def fill(path, w):
    return path.format(council=w["town_council"].pk, school_council=w["school_council"].pk, member=w["member"].pk,
                       meeting=w["meeting"].pk, proposal=w["proposal"].pk)


def client_for(w, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(w[persona])
    return c


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(scene, path, persona):
    r = client_for(scene, persona).get(fill(path, scene))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN and persona == "anonymous":
        assert r["Location"].startswith("/accounts/login/")


POST_CASES = [(path, body, persona) for (path, body) in POSTS for persona in PERSONAS]


@pytest.mark.parametrize("path,body,persona", POST_CASES, ids=[f"POST {p}-{who}" for p, _, who in POST_CASES])
def test_post_matrix(scene, path, body, persona):
    from urllib.parse import parse_qsl
    r = client_for(scene, persona).post(fill(path, scene), dict(parse_qsl(body)))
    assert r.status_code == POSTS[(path, body)][persona]
