"""Supervision pages × personas: the unit's own reporter, a reporter of another unit, a
town, the county's coordinator, inspector, leader and evaluator, a role with no part in
supervision (auditor: 403) and another county's inspector (404). Fixture: tests/supervision."""
import pytest
from django.test import Client

from cfcity.supervision import services
from tests.supervision.conftest import PDF, sv  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "health_reporter", "edu_reporter", "town_reporter", "coordinator", "inspector",
            "leader", "evaluator", "auditor", "other_inspector"]
LOGIN = 302
EVERYONE = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200), "auditor": 403}
AREA = ("coordinator", "inspector", "leader", "evaluator")
# the 县卫生健康局 finding: its unit and the county's readers; nobody else learns it exists
HEALTH_FINDING = {"anonymous": LOGIN, "health_reporter": 200, "edu_reporter": 404, "town_reporter": 404,
                  **dict.fromkeys(AREA, 200), "auditor": 403, "other_inspector": 404}

PAGES = {
    "/supervision/": EVERYONE,
    "/supervision/ledger/": EVERYONE,
    "/supervision/ledger.xlsx": EVERYONE,
    "/supervision/ledger/?state=overdue": EVERYONE,
    "/supervision/new/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403), "coordinator": 200,
                          "inspector": 200, "other_inspector": 200},  # (the latter for its own county)
    "/supervision/{inspection}/": {**HEALTH_FINDING, "town_reporter": 200},  # the town has a finding in it
    "/supervision/{inspection}/report.docx": {**HEALTH_FINDING, "health_reporter": 403, "town_reporter": 403},
    "/supervision/findings/{finding}/": HEALTH_FINDING,
    "/supervision/evidence/{evidence}/": HEALTH_FINDING,
}


@pytest.fixture
def answered(sv):
    services.answer(sv["finding"], user=sv["health_reporter"], text="已核对。", files=[("台账.pdf", PDF)])
    sv["evidence"] = sv["finding"].evidence.get()
    return sv


def client_for(w, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(w[persona])
    return c


def fill(path, w):
    return path.format(inspection=w["inspection"].pk, finding=w["finding"].pk,
                       evidence=w["evidence"].pk if "evidence" in w else 0)


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(answered, path, persona):
    r = client_for(answered, persona).get(fill(path, answered))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN:
        assert "/login/" in r["Location"]


POSTS = [("/supervision/findings/{finding}/", "answer, close, reopen"),
         ("/supervision/{inspection}/", "a new finding")]
# posting a sign-off to the answered finding: who gets through
CLOSE = {"anonymous": LOGIN, "health_reporter": 403, "edu_reporter": 404, "town_reporter": 404,
         "coordinator": 302, "inspector": 302, "leader": 403, "evaluator": 403, "auditor": 403,
         "other_inspector": 404}
ADD = {"anonymous": LOGIN, "health_reporter": 403, "edu_reporter": 404, "town_reporter": 403,
       "coordinator": 302, "inspector": 302, "leader": 403, "evaluator": 403, "auditor": 403,
       "other_inspector": 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_sign_off_matrix(answered, persona):
    f = answered["finding"]
    r = client_for(answered, persona).post(fill("/supervision/findings/{finding}/", answered),
                                           {"action": "close", "comment": "同意"})
    assert r.status_code == CLOSE[persona]
    f.refresh_from_db()
    assert (f.status == "closed") is (CLOSE[persona] == 302 and persona != "anonymous")


@pytest.mark.parametrize("persona", PERSONAS)
def test_answer_matrix(sv, persona):
    """Only the responsible unit's reporter answers (the finding is open)."""
    f = sv["finding"]
    expected = {**CLOSE, "health_reporter": 302, "coordinator": 403, "inspector": 403}[persona]
    r = client_for(sv, persona).post(fill("/supervision/findings/{finding}/", sv),
                                     {"action": "answer", "text": f"{persona} 已整改"})
    assert r.status_code == expected
    f.refresh_from_db()
    assert (f.status == "answered") is (expected == 302 and persona != "anonymous")


@pytest.mark.parametrize("persona", PERSONAS)
def test_add_finding_matrix(sv, persona):
    before = sv["inspection"].findings.count()
    r = client_for(sv, persona).post(fill("/supervision/{inspection}/", sv), {
        "org_unit": sv["health"].pk, "problem": "新问题", "severity": "general", "required": "整改",
        "deadline": "2025-03-31"})
    assert r.status_code == ADD[persona]
    assert sv["inspection"].findings.count() == before + (ADD[persona] == 302 and persona != "anonymous")
