"""Every page of cases, meetings and the public site × every persona: the status each must
get. The public site is open to everyone (anonymous included); a draft case is its own
unit's only (404 elsewhere, even for the coordinator); another unit's case is a 404; the
curating steps, the booklet and the releases are the coordinator's (403 for the others)."""
import datetime

import pytest
from django.test import Client

from cfcity.cases import services
from cfcity.cases.models import Meeting
from tests.cases.factory import PDF, gallery, set_status, stored  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "leader", "health_reporter", "edu_reporter", "town_reporter"]
LOGIN = 302
EVERYONE = dict.fromkeys(PERSONAS, 200)
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)}
COORDINATOR = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 200}
# 县卫生健康局's submitted case: the unit and the county-wide roles
HEALTH_CASE = {"anonymous": LOGIN, "coordinator": 200, "leader": 200, "health_reporter": 200,
               "edu_reporter": 404, "town_reporter": 404}

PAGES = {
    "/cases/": SIGNED_IN,
    "/cases/new/": {**SIGNED_IN, "leader": 403},
    "/cases/{case}/": HEALTH_CASE,
    "/cases/{draft}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404), "health_reporter": 200},
    "/cases/files/{file}/": HEALTH_CASE,
    "/cases/booklet/{year}.docx": COORDINATOR,
    "/meetings/": SIGNED_IN,
    "/meetings/{meeting}/": SIGNED_IN,
    "/meetings/{other_meeting}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    "/meetings/materials/{material}/": SIGNED_IN,
    "/public/": EVERYONE,
    "/public/plans/{plan}/": EVERYONE,
    "/public/plans/{plan}/targets/{target}/": EVERYONE,
    "/public/plans/{plan}/cases/": EVERYONE,
    "/public/cases/{published}/": EVERYONE,
    "/public/cases/{draft}/": dict.fromkeys(PERSONAS, 404),
    "/public/photos/{photo}/": EVERYONE,
    "/public/plans/{other_plan}/": dict.fromkeys(PERSONAS, 404),  # never released
    "/public/plans/{plan}/releases/": COORDINATOR,
    "/public/plans/{other_plan}/releases/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
}
# posts: a curating step, a unit's own step, a release
POSTS = {
    ("/cases/{accepted}/", "action=publish"): {"anonymous": LOGIN, "coordinator": 302, "leader": 403,
                                               "health_reporter": 403, "edu_reporter": 404, "town_reporter": 404},
    ("/cases/{draft}/", "action=submit"): {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404),
                                           "health_reporter": 302},
    ("/public/plans/{plan}/releases/", "label=2025年度"): {**COORDINATOR, "coordinator": 302},
    ("/meetings/", ""): {**COORDINATOR, "coordinator": 400},
}


@pytest.fixture
def scene(gallery):
    g = gallery
    g["target"] = g["task"].targets.first()
    set_status(g["plan"], g["target"], "on_track", 3.1, [["2024-12-31", 3.1]])
    from cfcity.public import services as public_services
    public_services.release(g["coordinator"], g["plan"], label="2024年度")
    g["meeting"] = services.record_meeting(g["coordinator"], plan=g["plan"], kind="exchange", title="交流会",
                                           date=datetime.date(2024, 5, 1), place="县会议中心", participants="各单位")
    g["material"] = services.add_material(g["coordinator"], g["meeting"], name="议程.pdf", data=PDF)
    g["other_meeting"] = Meeting.objects.create(plan=g["other_plan"], org_unit=g["other_county"], kind="exchange",
                                                title="临淄交流会", date=datetime.date(2024, 5, 1), place="临淄",
                                                participants="各单位")
    g["file"] = g["published"].files.get(kind="attachment")
    g["case"] = g["submitted"]
    return g


def fill(path, g):
    keys = ("case", "draft", "file", "meeting", "other_meeting", "material", "plan", "target", "published",
            "photo", "other_plan", "accepted")
    return path.format(year=2024, **{k: g[k].pk for k in keys})


def client_for(g, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(g[persona])
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
