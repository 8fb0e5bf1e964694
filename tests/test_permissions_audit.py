"""The audit-log page × every persona: the status each gets, and whether they see an entry
of 桓台县's health bureau (the wrong unit — 临淄区's auditor — gets the page but not the entry)."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.audit.services import log_action

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reporter", "leader", "admin", "coordinator", "auditor", "other_auditor", "superuser"]
LOGIN = 302  # to the login page

PAGES = {
    "/audit/": {"anonymous": LOGIN, "reporter": 403, "leader": 403, "admin": 403, "coordinator": 200,
                "auditor": 200, "other_auditor": 200, "superuser": 200},
    "/audit/?object_id={entry_object}&object_type=orgs.orgunit": {
        "anonymous": LOGIN, "reporter": 403, "leader": 403, "admin": 403, "coordinator": 200,
        "auditor": 200, "other_auditor": 200, "superuser": 200},
}
# who sees the health bureau's entry among the results
SEES = {"coordinator": True, "auditor": True, "other_auditor": False, "superuser": True}


@pytest.fixture
def people(world):
    def member(name, unit, role):
        user = User.objects.create_user(name, password="x")
        Membership.objects.create(user=user, org_unit=world[unit], role=role)
        return User.objects.get(pk=user.pk)

    world["reporter"] = world["health_reporter"]
    world["auditor"] = member("sjy", "office", Role.AUDITOR)
    world["other_auditor"] = member("lz_sjy", "other_county", Role.AUDITOR)
    world["superuser"] = User.objects.create_superuser("root", password="x")
    world["entry"] = log_action("reporting.report.saved", actor=world["reporter"], obj=world["health"],
                                org_unit=world["health"], data={"marker": "卫健局的记录"})
    return world


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(people, path, persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(people[persona])
    r = c.get(path.format(entry_object=people["health"].pk))
    assert r.status_code == PAGES[path][persona]
    if r.status_code == LOGIN:
        assert r["Location"].startswith("/accounts/login/")
    if r.status_code == 200:
        assert (f'<td class="num">#{people["entry"].pk}</td>' in r.content.decode()) is SEES[persona]


def test_every_audit_url_is_in_the_table():
    from cfcity.audit import urls
    assert {str(p.pattern) for p in urls.urlpatterns} == {""}, "a new audit page needs a row in PAGES"
