"""Every page of the children's voice × every persona. The children's pages and the summary
are open to everyone; a message waiting for moderation is the coordinator's alone (404 for
everyone else, the safeguarding team included); a flagged one the coordinator's and the team's;
an approved one staff whose scope holds its town; a step on a message one may see but not act
on is a 403, on one out of sight a 404."""
import pytest

from tests.voice.factory import signed_in, voice  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "leader", "town_reporter", "health_reporter", "team", "welfare_officer",
            "other_coordinator"]
LOGIN = 302
EVERYONE = dict.fromkeys(PERSONAS, 200)
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)}
ONLY = lambda *who: {p: (LOGIN if p == "anonymous" else 200 if p in who else 403) for p in PERSONAS}  # noqa: E731
SEEN = lambda *who: {p: (LOGIN if p == "anonymous" else 200 if p in who else 404) for p in PERSONAS}  # noqa: E731
POST_ONLY = {p: (LOGIN if p == "anonymous" else 405) for p in PERSONAS}

PAGES = {
    "/voice/": EVERYONE,
    "/voice/thanks/": EVERYONE,
    "/voice/summary/": EVERYONE,
    "/voice/inbox/": ONLY("coordinator", "other_coordinator"),
    "/voice/safeguarding/": ONLY("team"),
    "/voice/messages/": SIGNED_IN,
    "/voice/messages/export.xlsx": ONLY("coordinator", "other_coordinator"),
    "/voice/messages/{pending}/": SEEN("coordinator"),
    "/voice/messages/{rejected}/": SEEN("coordinator"),
    "/voice/messages/{flagged}/": SEEN("coordinator", "team"),
    # 果里镇's approved message: the county-wide roles and 果里镇 (not 县卫生健康局, not 临淄区)
    "/voice/messages/{approved}/": SEEN("coordinator", "leader", "town_reporter", "team", "welfare_officer"),
    "/voice/referrals/": ONLY("team", "welfare_officer"),
    "/voice/rules/": ONLY("coordinator", "other_coordinator"),
    "/voice/messages/{pending}/moderate/": POST_ONLY,
    "/voice/messages/{approved}/quote/": POST_ONLY,
    "/voice/messages/{flagged}/respond/": POST_ONLY,
    "/voice/messages/{flagged}/refer/": POST_ONLY,
    "/voice/messages/{pending}/erase/": POST_ONLY,
}

APPROVED_SEEN = ("leader", "town_reporter", "team", "welfare_officer")
POSTS = {
    ("/voice/", ""): dict.fromkeys(PERSONAS, 400),
    ("/voice/messages/{pending}/moderate/", "action=approve"): {**SEEN("coordinator"), "coordinator": 302},
    ("/voice/messages/{approved}/quote/", "step=propose&text=想要沙坑"): {
        **SEEN("coordinator"), "coordinator": 302, **dict.fromkeys(APPROVED_SEEN, 403)},
    ("/voice/messages/{flagged}/respond/", "note=已联系"): {**SEEN("team"), "team": 302, "coordinator": 403},
    ("/voice/messages/{flagged}/refer/", "to_unit={civil}&reason=转介"): {**SEEN("team"), "team": 302,
                                                                           "coordinator": 403},
    ("/voice/messages/{pending}/erase/", ""): {**SEEN("coordinator"), "coordinator": 302},
    ("/voice/messages/{flagged}/erase/", ""): {**SEEN("coordinator", "team"), "coordinator": 302, "team": 302},
    ("/voice/messages/{approved}/erase/", ""): {**SEEN("coordinator"), "coordinator": 302,
                                                **dict.fromkeys(APPROVED_SEEN, 403)},
    ("/voice/rules/", ""): {**ONLY("coordinator", "other_coordinator"), "coordinator": 400,
                            "other_coordinator": 400},
}


def fill(path, w):
    return path.format(**{k: w[k].pk for k in ("pending", "rejected", "flagged", "approved", "civil")})


def client_for(w, persona):
    return signed_in(None if persona == "anonymous" else w[persona])


def statuses(w, method, path, body=""):
    """{persona: status} for one address; each persona's request in a transaction rolled back
    afterwards, so a step one persona takes does not change what the next one meets (one scene
    per address keeps the table fast)."""
    from urllib.parse import parse_qsl

    from django.db import transaction
    got = {}
    for persona in PERSONAS:
        with transaction.atomic():
            c = client_for(w, persona)
            r = c.get(fill(path, w)) if method == "GET" else c.post(fill(path, w), dict(parse_qsl(fill(body, w))))
            got[persona] = r.status_code
            if r.status_code == LOGIN and persona == "anonymous":
                assert r["Location"].startswith("/accounts/login/")
            transaction.set_rollback(True)
    return got


@pytest.mark.parametrize("path", list(PAGES))
def test_page_matrix(voice, path):
    assert statuses(voice, "GET", path) == PAGES[path]


@pytest.mark.parametrize("path,body", list(POSTS), ids=[f"POST {p} {b}" for p, b in POSTS])
def test_post_matrix(voice, path, body):
    assert statuses(voice, "POST", path, body) == POSTS[(path, body)]
