"""Every evaluation page × every persona. The coordinator, the evaluator, the inspector and the
leader read the area's rounds; a unit's reporters and approvers are refused (403); another
county's round is a 404 to all of them. Writes: only the coordinator (checklist, close) and
the evaluator (scores)."""
import pytest
from django.test import Client

from tests.evaluation.factory import ev  # noqa: F401  (the fixture)
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reporter", "approver", "coordinator", "leader", "inspector", "evaluator",
            "other_evaluator"]
LOGIN = 302
READERS = {"anonymous": LOGIN, "reporter": 403, "approver": 403, "coordinator": 200, "leader": 200,
           "inspector": 200, "evaluator": 200, "other_evaluator": 404}
OTHER = {"anonymous": LOGIN, "reporter": 403, "approver": 403, **dict.fromkeys(PERSONAS[3:7], 404),
         "other_evaluator": 200}

PAGES = {
    "/evaluation/": {**READERS, "other_evaluator": 200},  # the list: their own county's rounds
    "/evaluation/{round}/": READERS,
    "/evaluation/{round}/summary/": READERS,
    "/evaluation/{round}/summary.docx": READERS,
    "/evaluation/{round}/summary.xlsx": READERS,
    "/evaluation/{round}/tasks/{task}/": READERS,
    "/evaluation/{round}/tasks/{other_task}/": {**READERS, **{p: 404 for p, s in READERS.items() if s == 200}},
    "/evaluation/{other_round}/": OTHER,
    "/evaluation/{other_round}/summary/": OTHER,
    "/evaluation/{other_round}/summary.xlsx": OTHER,
}
# POST: who may change what (302: done and back to the page)
POSTS = [
    ("/evaluation/{round}/close/", {"anonymous": LOGIN, "reporter": 403, "approver": 403, "coordinator": 302,
                                    "leader": 403, "inspector": 403, "evaluator": 403, "other_evaluator": 404}),
    ("/evaluation/{round}/items/{item}/delete/", {"anonymous": LOGIN, "reporter": 403, "approver": 403,
                                                  "coordinator": 302, "leader": 403, "inspector": 403,
                                                  "evaluator": 403, "other_evaluator": 404}),
    ("/evaluation/{round}/tasks/{task}/", {"anonymous": LOGIN, "reporter": 403, "approver": 403,
                                           "coordinator": 403, "leader": 403, "inspector": 403,
                                           "evaluator": 302, "other_evaluator": 404}),
    ("/evaluation/{round}/", {"anonymous": LOGIN, "reporter": 403, "approver": 403, "coordinator": 302,
                              "leader": 403, "inspector": 403, "evaluator": 403, "other_evaluator": 404}),
]


def client_for(ev, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(ev[persona])
    return c


def fill(path, ev):
    return path.format(round=ev["round"].pk, other_round=ev["other_round"].pk, task=ev["task"].pk,
                       other_task=ev["other_task"].pk, item=ev["doc_item"].pk)


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(ev, path, persona):
    r = client_for(ev, persona).get(fill(path, ev))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN:
        assert "/login/" in r["Location"]


POST_DATA = {"/evaluation/{round}/tasks/{task}/": "value-{all_item}=7",
             "/evaluation/{round}/": "title=儿童参与&weight=1&max_score=10"}
POST_CASES = [(path, persona) for path, _ in POSTS for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", POST_CASES, ids=[f"POST {p}-{who}" for p, who in POST_CASES])
def test_post_matrix(ev, path, persona):
    from cfcity.audit.models import AuditEntry
    expected = dict(POSTS)[path][persona]
    before = AuditEntry.objects.count()
    body = POST_DATA.get(path, "").format(all_item=ev["all_item"].pk)
    r = client_for(ev, persona).post(fill(path, ev), body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == expected
    # a refused write leaves no trace; an accepted one is audited
    assert (AuditEntry.objects.count() > before) == (expected == 302 and persona != "anonymous")
