"""Every dashboard page × every persona: the status each must get (as tests/test_permissions_pages.py
does for the other pages). The plan is the county's: everyone in the county reads it; a user
of another county, or with no unit, gets 404 (its existence is not revealed); only the
coordinator may change a baseline or a judgement. A new monitoring page needs a row here."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.monitoring import services
from cfcity.monitoring.models import Judgement
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from tests.test_reporting import county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reporter", "edu_reporter", "approver", "coordinator", "leader", "outsider", "no_unit"]
LOGIN = 302  # to the login page
READERS = dict.fromkeys(["reporter", "edu_reporter", "approver", "coordinator", "leader"], 200)
HIDDEN = {"outsider": 404, "no_unit": 404}

# path template → {persona: status}
PAGES = {
    # one plan in sight: straight to it; none (another county's user, a user without a unit): an empty page
    "/dashboard/": {"anonymous": LOGIN, **dict.fromkeys(READERS, 302), "outsider": 200, "no_unit": 200},
    "/dashboard/{plan}/": {"anonymous": LOGIN, **READERS, **HIDDEN},
    "/dashboard/{plan}/domains/{domain}/": {"anonymous": LOGIN, **READERS, **HIDDEN},
    "/dashboard/{plan}/actions/{action}/": {"anonymous": LOGIN, **READERS, **HIDDEN},
    "/dashboard/{plan}/tasks/{task}/": {"anonymous": LOGIN, **READERS, **HIDDEN},
    "/dashboard/{plan}/tasks/{task}/?year=2024&unit={unit}": {"anonymous": LOGIN, **READERS, **HIDDEN},
}
# a judgement posted to the milestone target's task page: who may make it
JUDGE = {"anonymous": LOGIN, "reporter": 403, "edu_reporter": 403, "approver": 403, "coordinator": 302,
         "leader": 403, "outsider": 404, "no_unit": 404}


@pytest.fixture
def people(county):
    """The county's users, one of another county (临淄区) and one without a unit."""
    other = OrgUnit.objects.create(name="临淄区", kind=OrgUnit.Kind.AREA)
    office = OrgUnit.objects.create(name="区妇儿工委办公室", kind=OrgUnit.Kind.DEPARTMENT, parent=other)
    outsider = User.objects.create_user("lz_fgw", password="x")
    Membership.objects.create(user=outsider, org_unit=office, role=Role.COORDINATOR)
    services.recompute([county["plan"]])
    return {**county, "outsider": outsider, "no_unit": User.objects.create_user("nobody", password="x")}


def client_for(people, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(people[persona])
    return c


def fill_path(path, people):
    plan = people["plan"]
    task = people["task"]
    return path.format(plan=plan.pk, domain=task.action.domain_id, action=task.action_id, task=task.pk,
                       unit=people["health"].pk)


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(people, path, persona):
    r = client_for(people, persona).get(fill_path(path, people))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN and persona == "anonymous":
        assert "/login/" in r["Location"]
    elif r.status_code == 302:
        assert r["Location"] == f"/dashboard/{people['plan'].pk}/"
    if path == "/dashboard/" and r.status_code == 200:
        assert "您还没有可以查看的行动方案" in r.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_judge_matrix(people, persona):
    target = pm.Target.objects.get(plan=people["plan"], kind="milestone")
    r = client_for(people, persona).post(f"/dashboard/{people['plan'].pk}/tasks/{target.task_id}/", {
        "form": "judgement", "target": target.pk, f"judgement-{target.pk}-status": "on_track",
        f"judgement-{target.pk}-note": f"{persona} 的判断"})
    assert r.status_code == JUDGE[persona]
    assert Judgement.objects.filter(target=target).exists() is (JUDGE[persona] == 302 and persona != "anonymous")


@pytest.mark.parametrize("persona", PERSONAS)
def test_baseline_matrix(people, persona):
    target = people["task"].targets.get()
    r = client_for(people, persona).post(f"/dashboard/{people['plan'].pk}/tasks/{target.task_id}/", {
        "form": "baseline", "target": target.pk, f"baseline-{target.pk}-value": "1.5",
        f"baseline-{target.pk}-year": "2021"})
    assert r.status_code == JUDGE[persona]
    target.refresh_from_db()
    assert (target.baseline_year == 2021) is (JUDGE[persona] == 302 and persona != "anonymous")


def test_objects_of_another_plan_are_404_even_in_the_own_plans_address(people):
    """A domain, action or task id of another county's plan under this plan's address."""
    from cfcity.plans import services as plan_services
    from tests.conftest import make_plan
    other = make_plan(doc_number="临政办发〔2023〕1号", title="临淄区儿童友好城市建设行动方案")
    other.issuer = "临淄区人民政府办公室"
    other = plan_services.store_plan(other)
    task = pm.Task.objects.filter(plan=other).first()
    c = client_for(people, "coordinator")
    plan = people["plan"]
    for url in (f"/dashboard/{plan.pk}/domains/{task.action.domain_id}/",
                f"/dashboard/{plan.pk}/actions/{task.action_id}/", f"/dashboard/{plan.pk}/tasks/{task.pk}/",
                f"/dashboard/{other.pk}/"):
        assert c.get(url).status_code == 404, url


def test_every_monitoring_url_is_in_the_table():
    from cfcity.monitoring import urls as monitoring_urls
    covered = {"dashboard/", "dashboard/<int:plan_id>/", "dashboard/<int:plan_id>/domains/<int:pk>/",
               "dashboard/<int:plan_id>/actions/<int:pk>/", "dashboard/<int:plan_id>/tasks/<int:pk>/"}
    dashboards = {str(p.pattern) for p in monitoring_urls.urlpatterns if str(p.pattern).startswith("dashboard/")}
    assert dashboards == covered, "a new dashboard page needs a row in PAGES"
