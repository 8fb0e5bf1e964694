"""Every page of the register of children in difficulty × every persona: the status each must
get. The wrong role is refused with 403 (a page it may not use), the wrong unit with 404 (a
record out of scope: its existence is not revealed), anonymous users go to the login page.
A new welfare page without a row here is a gap in this table — add it."""
import re

import pytest

from cfcity.welfare import services
from cfcity.welfare.models import Alert
from tests.welfare.test_pages import desk, signed_in  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# supervisor: 果里镇's (the child's town); other_supervisor: 索镇's; director: 东村's (the
# child's village); health_reporter: a department's reporter; superuser: no unit at all
PERSONAS = ["anonymous", "welfare_officer", "supervisor", "other_supervisor", "director", "coordinator",
            "leader", "health_reporter", "superuser"]
LOGIN = 302  # to the login page
STATS = "→stats"  # a redirect to the counts page: no records for this role

RECORD = {"anonymous": LOGIN, "welfare_officer": 200, "supervisor": 200, "other_supervisor": 404, "director": 200,
          "coordinator": 403, "leader": 403, "health_reporter": 403, "superuser": 403}
WELFARE_ROLES = ("welfare_officer", "supervisor", "other_supervisor", "director")
ONLY = lambda *who: {p: (LOGIN if p == "anonymous" else 200 if p in who else 403) for p in PERSONAS}  # noqa: E731

# path template → {persona: status}
PAGES = {
    "/welfare/": {"anonymous": LOGIN, **dict.fromkeys(WELFARE_ROLES, 200),
                  **dict.fromkeys(["coordinator", "leader", "health_reporter", "superuser"], STATS)},
    "/welfare/stats/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/welfare/stats/counts.xlsx": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200)},
    "/welfare/children/new/": ONLY(*WELFARE_ROLES),
    "/welfare/children/{child}/": RECORD,
    "/welfare/children/{child}/edit/": RECORD,
    "/welfare/children/{child}/full/": RECORD,  # GET: the reason form only
    "/welfare/deletions/": ONLY("welfare_officer"),
    "/welfare/roster/": ONLY(*WELFARE_ROLES, "coordinator", "leader"),
    "/welfare/exports/": ONLY("welfare_officer", "coordinator"),
    "/welfare/alerts/": ONLY("coordinator"),
    # POST-only addresses answer a GET with 405 (after the login)
    "/welfare/exports/{export}/download/": {p: (LOGIN if p == "anonymous" else 405) for p in PERSONAS},
    "/welfare/children/{child}/close/": {p: (LOGIN if p == "anonymous" else 405) for p in PERSONAS},
}

# posts with an empty or harmless form: who gets past the role and the unit (400: the form's
# errors, nothing saved; 302: done or refused with a message) and who is stopped
EDITORS = {**RECORD, "welfare_officer": 400, "supervisor": 400, "director": 400}
# a worker of 东村: the bureau and 果里镇's supervisor keep the roster, its director does not
ROSTER_STEP = {**ONLY(*WELFARE_ROLES, "coordinator", "leader"), "welfare_officer": 302, "supervisor": 302,
               "other_supervisor": 404, "director": 403, "coordinator": 403, "leader": 403}
POSTS = {
    ("/welfare/", "q=370321"): {"anonymous": LOGIN, **dict.fromkeys(WELFARE_ROLES, 200),
                                **dict.fromkeys(["coordinator", "leader", "health_reporter", "superuser"], STATS)},
    ("/welfare/children/new/", ""): {**ONLY(*WELFARE_ROLES), **dict.fromkeys(WELFARE_ROLES, 400)},
    ("/welfare/children/{child}/edit/", ""): EDITORS,
    ("/welfare/children/{child}/full/", "reason="): EDITORS,
    ("/welfare/children/{child}/supports/", ""): EDITORS,
    ("/welfare/children/{child}/visits/", ""): EDITORS,
    ("/welfare/children/{child}/deletion/", "reason="): EDITORS,
    ("/welfare/children/{child}/close/", "reason="): {**EDITORS, "director": 403},  # a director may not close
    ("/welfare/deletions/{deletion}/decide/", ""): {**ONLY("welfare_officer"), "welfare_officer": 302},
    ("/welfare/roster/appoint/", "unit={village}"): {**ONLY(*WELFARE_ROLES, "coordinator", "leader"),
                                                     "welfare_officer": 302, "supervisor": 302,
                                                     "other_supervisor": 404, "director": 403,
                                                     "coordinator": 403, "leader": 403},
    ("/welfare/roster/workers/{worker}/end/", ""): ROSTER_STEP,
    ("/welfare/roster/workers/{worker}/training/", ""): ROSTER_STEP,
    ("/welfare/exports/new/", ""): {**ONLY("welfare_officer"), "welfare_officer": 400},
    ("/welfare/exports/{export}/decide/", "decision=refuse"): {**ONLY("coordinator"), "coordinator": 302},
    # the requester gets to the password check; the coordinator's is refused: not the requester
    ("/welfare/exports/{export}/download/", ""): {**ONLY("welfare_officer"), "welfare_officer": 400},
    ("/welfare/alerts/{alert}/acknowledge/", ""): {**ONLY("coordinator"), "coordinator": 302},
}


@pytest.fixture
def scene(desk):
    """The desk plus one of each thing a page addresses: a deletion request (by 果里镇's
    supervisor), an approved export (the officer's), a director in 东村, an alert."""
    w = dict(desk)
    w["deletion"] = services.request_deletion(w["supervisor"], w["child"], "监护人撤回同意")
    w["export"] = services.request_export(w["welfare_officer"], w["town"], "年度核查台账")
    services.decide_export(w["coordinator"], w["export"], approve=True)
    w["worker"] = services.appoint(w["welfare_officer"], kind="director", unit=w["village"], name="王主任",
                                   appointed_on=w["child"].created_at.date())
    w["alert"] = services.raise_alert(Alert.Kind.MANY_FULL_VIEWS, actor=w["director"], area=w["county"],
                                      detail="测试提醒")
    return w


def fill(path, w):
    return path.format(child=w["child"].pk, export=w["export"].pk, deletion=w["deletion"].pk,
                       worker=w["worker"].pk, alert=w["alert"].pk, village=w["village"].pk)


def check(r, expected):
    if expected == STATS:
        assert (r.status_code, r["Location"]) == (302, "/welfare/stats/")
        return
    assert r.status_code == expected
    if r.status_code == LOGIN and expected == LOGIN and not r.wsgi_request.user.is_authenticated:
        assert r["Location"].startswith("/accounts/login/")


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(scene, path, persona):
    r = signed_in(scene.get(persona)).get(fill(path, scene))
    check(r, PAGES[path][persona])


POST_CASES = [(path, body, persona) for (path, body) in POSTS for persona in PERSONAS]


@pytest.mark.parametrize("path,body,persona", POST_CASES, ids=[f"POST {p}-{who}" for p, _, who in POST_CASES])
def test_post_matrix(scene, path, body, persona):
    r = signed_in(scene.get(persona)).post(fill(path, scene), fill(body, scene),
                                           content_type="application/x-www-form-urlencoded")
    check(r, POSTS[(path, body)][persona])


def test_every_welfare_address_has_a_row():
    from cfcity.welfare import urls
    covered = {re.sub(r"\{\w+\}", "<int:pk>", p) for p in [*PAGES, *(p for p, _ in POSTS)]}
    addresses = ["/welfare/" + str(u.pattern) for u in urls.urlpatterns]
    assert [a for a in addresses if a not in covered] == []
