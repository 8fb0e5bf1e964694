"""Every page of child impact assessment × every persona: the status each must get. The
area-wide roles that follow the plan (coordinator, leader) and the lead department of the
assessment task (县发展改革局) see every assessment of the county; 县卫生健康局 sees its own;
another unit gets a 404 for it; the system administrator (no part in the workflow) a 404 for
every page; another county's assessment is a 404 for everyone. Scoring, consultations and the
checklist are the coordinator's and the lead department's; withdrawing (and the decision-maker's
response) the coordinator's and the responsible unit's (403 for the others who see it)."""
import pytest
from django.test import Client

from cfcity.assessments import services
from cfcity.assessments.models import ImpactAssessment
from tests.assessments.factory import PDF, TODAY, ia_world, stored  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "leader", "fgw_reporter", "health_reporter", "edu_reporter",
            "town_reporter", "admin"]
LOGIN = 302
REGISTER = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 200), "admin": 404}
MINE = {"anonymous": LOGIN, "coordinator": 200, "leader": 200, "fgw_reporter": 200, "health_reporter": 200,
        "edu_reporter": 404, "town_reporter": 404, "admin": 404}

PAGES = {
    "/assessments/": REGISTER,
    "/assessments/new/": {**REGISTER, "leader": 403},
    "/assessments/criteria/": REGISTER,
    "/assessments/{mine}/": MINE,
    "/assessments/{mine}/report.docx": MINE,
    "/assessments/evidence/{evidence}/": MINE,
    "/assessments/{foreign}/": {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 404)},
}
POSTS = {
    ("/assessments/{mine}/", "action=consult"): {**MINE, "coordinator": 400, "fgw_reporter": 400, "leader": 403,
                                                 "health_reporter": 403},
    ("/assessments/{mine}/", "action=withdraw&reason=项目取消"): {**MINE, "coordinator": 302, "fgw_reporter": 403,
                                                             "health_reporter": 302, "leader": 403},
    ("/assessments/criteria/", "action=defaults"): {**dict.fromkeys(PERSONAS, 403), "anonymous": LOGIN,
                                                    "coordinator": 302, "admin": 404},
}


@pytest.fixture
def scene(ia_world):
    g = ia_world
    c = g["criteria"][0]
    services.save_scores(g["fgw_reporter"], g["mine"], [{"criterion": c, "score": "3", "file": ("记录.pdf", PDF)}])
    g["evidence"] = g["mine"].scores.get()
    g["foreign"] = ImpactAssessment.objects.create(
        plan=g["other_plan"], area=g["other_county"], title="临淄项目", kind="project", responsible_unit=g["other_edu"],
        decision_maker="区政府", registered_on=TODAY)
    return g


def fill(path, g):
    return path.format(**{k: g[k].pk for k in ("mine", "evidence", "foreign")})


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
