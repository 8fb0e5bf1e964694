"""The calendar's pages × personas (see tests/test_permissions_pages.py). The calendar is
each user's own: every signed-in persona gets one; a unit outside the user's scope is a
404; the feed answers only to a live secret address, never to a session."""
import pytest
from django.test import Client

from cfcity.agenda import feeds
from cfcity.orgs.models import OrgUnit
from tests.test_permissions_pages import LOGIN, PERSONAS, client_for
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PAGES = {
    "/agenda/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/agenda/?view=list": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    # 县卫生健康局's calendar: its own users and the county roles; 县教育体育局 (wrong unit) not
    "/agenda/?unit={health}": {"anonymous": LOGIN, "reporter": 200, "edu_reporter": 404, "approver": 200,
                               "coordinator": 200, "leader": 200},
    # a unit of another county: nobody here
    "/agenda/?unit={elsewhere}": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
    # POST only
    "/agenda/feed/new/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 405)},
    "/agenda/feed/revoke/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 405)},
    # the reporter's live feed: whoever holds the address (a calendar app has no session)
    "/agenda/{token}.ics": dict.fromkeys(PERSONAS, 200),
    "/agenda/{revoked}.ics": dict.fromkeys(PERSONAS, 404),
    "/agenda/not-a-token.ics": dict.fromkeys(PERSONAS, 404),
}


@pytest.fixture
def world(county):
    county["elsewhere"] = OrgUnit.objects.create(name="临淄区", kind=OrgUnit.Kind.AREA)
    county["revoked"] = feeds.create_feed(county["approver"])[1]
    feeds.revoke_feed(county["approver"])
    county["token"] = feeds.create_feed(county["reporter"])[1]
    return county


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(world, path, persona):
    url = path.format(health=world["health"].pk, elsewhere=world["elsewhere"].pk, token=world["token"],
                      revoked=world["revoked"])
    r = client_for(world, persona).get(url)
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN:
        assert "/login/" in r["Location"]


@pytest.mark.parametrize("persona,status", [("anonymous", LOGIN), ("reporter", 302)])
def test_making_a_feed_takes_a_session(world, persona, status):
    r = client_for(world, persona).post("/agenda/feed/new/")
    assert r.status_code == status
    assert (r.status_code == 302 and "/login/" not in r["Location"]) is (persona == "reporter")


def test_a_revoke_touches_only_ones_own_feed(world):
    client_for(world, "coordinator").post("/agenda/feed/revoke/")
    assert Client().get(f"/agenda/{world['token']}.ics").status_code == 200


def test_every_agenda_url_is_in_the_table():
    from cfcity.agenda import urls
    assert {str(p.pattern) for p in urls.urlpatterns} == {"", "feed/new/", "feed/revoke/", "<str:token>.ics"}, \
        "a new agenda page needs a row in PAGES"
