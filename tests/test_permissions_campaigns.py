"""Every campaigns page × every persona. The public pages (list, campaign, form, an approved
work's file) are open to everyone; a draft campaign is a 404 for all. A work that is not
approved — its file and its moderation page — is for those who run the campaign only: the
coordinator and the reporters of the campaign task's lead department (县教育体育局 in the
fixture); any other staff get a 404 for the file (its existence is not revealed) and a 403 on
the staff pages; another county's campaign is a 404."""
import pytest
from django.test import Client

from tests.campaigns.factory import campaigns, stored  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "leader", "health_reporter", "edu_reporter", "town_reporter"]
LOGIN = 302
EVERYONE = dict.fromkeys(PERSONAS, 200)
NOBODY = dict.fromkeys(PERSONAS, 404)
MANAGERS = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 200, "edu_reporter": 200}
UNAPPROVED_FILE = {**NOBODY, "coordinator": 200, "edu_reporter": 200}
OTHER_COUNTY = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)}

PAGES = {
    "/campaigns/": EVERYONE,
    "/campaigns/{campaign}/": EVERYONE,
    "/campaigns/{draft}/": NOBODY,
    "/campaigns/{other_campaign}/": EVERYONE,  # public in its own county's pages too
    "/campaigns/{campaign}/submit/": EVERYONE,
    "/campaigns/{draft}/submit/": NOBODY,
    "/campaigns/files/{approved_file}/": EVERYONE,
    "/campaigns/files/{pending_file}/": UNAPPROVED_FILE,
    "/campaigns/files/{other_file}/": NOBODY,
    "/campaigns/manage/": MANAGERS,
    "/campaigns/manage/{campaign}/": MANAGERS,
    "/campaigns/manage/{other_campaign}/": OTHER_COUNTY,
    "/campaigns/manage/{campaign}/export.xlsx": MANAGERS,
    "/campaigns/manage/{other_campaign}/export.xlsx": OTHER_COUNTY,
    "/campaigns/manage/works/{pending}/": MANAGERS,
    "/campaigns/manage/works/{other_work}/": OTHER_COUNTY,
}
POSTS = {
    ("/campaigns/manage/works/{pending}/", "action=approve"): {**MANAGERS, "coordinator": 302, "edu_reporter": 302},
    ("/campaigns/manage/works/{other_work}/", "action=approve"): OTHER_COUNTY,
    ("/campaigns/manage/{campaign}/", "action=closed"): {**MANAGERS, "coordinator": 302, "edu_reporter": 302},
    ("/campaigns/manage/", ""): {**MANAGERS, "coordinator": 400, "edu_reporter": 400},
    ("/campaigns/{campaign}/submit/", ""): dict.fromkeys(PERSONAS, 400),  # nothing filled in
}
KEYS = ("campaign", "draft", "other_campaign", "approved_file", "pending_file", "other_file", "pending",
        "other_work")


def fill(path, g):
    return path.format(**{k: g[k].pk for k in KEYS})


def client_for(g, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(g[persona])
    return c


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(campaigns, path, persona):
    r = client_for(campaigns, persona).get(fill(path, campaigns))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN and persona == "anonymous":
        assert r["Location"].startswith("/accounts/login/")


POST_CASES = [(path, body, persona) for (path, body) in POSTS for persona in PERSONAS]


@pytest.mark.parametrize("path,body,persona", POST_CASES, ids=[f"POST {p}-{who}" for p, _, who in POST_CASES])
def test_post_matrix(campaigns, path, body, persona):
    from urllib.parse import parse_qsl
    r = client_for(campaigns, persona).post(fill(path, campaigns), dict(parse_qsl(body)))
    assert r.status_code == POSTS[(path, body)][persona]
