"""Every page of the spaces register and map × every persona. A space is seen by the units it
lies in or is built by and by the area-wide roles (another unit's space is a 404); the leader
reads only (403 on writing pages); a department registers the spaces it builds."""
import pytest
from django.test import Client

from tests.spaces.factory import places, stored  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "leader", "health_reporter", "edu_reporter", "town_reporter"]
LOGIN = 302
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)}
WRITERS = {**SIGNED_IN, "leader": 403}
# 果里镇's sports field, built by 县教育体育局
SPACE = {**SIGNED_IN, "health_reporter": 404}
SPACE_WRITE = {**SPACE, "leader": 403}
# 索镇's street: the area-wide roles only
OTHER = {"anonymous": LOGIN, "coordinator": 200, "leader": 200, "health_reporter": 404, "edu_reporter": 404,
         "town_reporter": 404}

PAGES = {
    "/spaces/": SIGNED_IN,
    "/spaces/new/": WRITERS,
    "/spaces/map/": SIGNED_IN,
    "/spaces/spaces.geojson": SIGNED_IN,
    "/spaces/import/": WRITERS,
    "/spaces/{space}/": SPACE,
    "/spaces/{space}/edit/": SPACE_WRITE,
    "/spaces/{other}/": OTHER,
    "/spaces/{other}/edit/": {**OTHER, "leader": 403},
    "/spaces/{far}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    "/spaces/photos/{photo}/": SPACE,
}
POSTS = {
    ("/spaces/{space}/", "action=status&status=certified&on=2024-05-01"): {**SPACE_WRITE, "coordinator": 302,
                                                                          "edu_reporter": 302,
                                                                          "town_reporter": 302},
    ("/spaces/{other}/", "action=checks"): {**OTHER, "coordinator": 302, "leader": 403},
    ("/spaces/import/", ""): {**WRITERS, "coordinator": 400, "health_reporter": 400, "edu_reporter": 400,
                              "town_reporter": 400},
}


def fill(path, g):
    return path.format(**{k: g[k].pk for k in ("space", "other", "far", "photo")})


def client_for(g, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(g[persona])
    return c


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(places, path, persona):
    r = client_for(places, persona).get(fill(path, places))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN:
        assert r["Location"].startswith("/accounts/login/")


POST_CASES = [(path, body, persona) for (path, body) in POSTS for persona in PERSONAS]


@pytest.mark.parametrize("path,body,persona", POST_CASES, ids=[f"POST {p}-{who}" for p, _, who in POST_CASES])
def test_post_matrix(places, path, body, persona):
    from urllib.parse import parse_qsl
    r = client_for(places, persona).post(fill(path, places), dict(parse_qsl(body)))
    assert r.status_code == POSTS[(path, body)][persona]
