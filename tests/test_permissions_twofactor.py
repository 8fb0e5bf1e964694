"""The second-factor pages × personas. They are about one's own account only (no unit to be
wrong about): the wrong state is what they refuse — a stranger goes to the login, someone
already enrolled cannot enrol another phone, someone not enrolled is sent to enrolment."""
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "leader", "officer_new", "officer_enrolled", "officer_verified"]
LOGIN = 302

PAGES = {
    # the code after the password: only for someone with an app; others go to enrolment
    "/accounts/2fa/": {"anonymous": LOGIN, "leader": 302, "officer_new": 302,
                       "officer_enrolled": 200, "officer_verified": 302},
    # enrolment: only before an app is bound (a second phone needs the administrator's reset)
    "/accounts/2fa/enrol/": {"anonymous": LOGIN, "leader": 200, "officer_new": 200,
                             "officer_enrolled": 302, "officer_verified": 302},
    # an ordinary page, for comparison: closed to an officer until the code is given
    "/my/": {"anonymous": LOGIN, "leader": 200, "officer_new": 302, "officer_enrolled": 302,
             "officer_verified": 200},
}
WHERE = {  # where the 302s above lead
    ("/accounts/2fa/", "leader"): "/accounts/2fa/enrol/",
    ("/accounts/2fa/", "officer_new"): "/accounts/2fa/enrol/",
    ("/accounts/2fa/", "officer_verified"): "/",
    ("/accounts/2fa/enrol/", "officer_enrolled"): "/accounts/2fa/",
    ("/accounts/2fa/enrol/", "officer_verified"): "/",
    ("/my/", "officer_new"): "/accounts/2fa/enrol/?next=%2Fmy%2F",
    ("/my/", "officer_enrolled"): "/accounts/2fa/?next=%2Fmy%2F",
}


def client_for(persona) -> Client:
    c = Client()
    if persona == "anonymous":
        return c
    county = OrgUnit.objects.create(name="桓台县", kind=OrgUnit.Kind.AREA)
    role = Role.LEADER if persona == "leader" else Role.WELFARE_OFFICER
    user = User.objects.create_user(persona, password="x")
    Membership.objects.create(user=user, org_unit=county, role=role)
    c.force_login(user)
    if persona in ("officer_enrolled", "officer_verified"):
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
        if persona == "officer_verified":
            session = c.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return c


CASES = [(path, persona) for path in PAGES for persona in PERSONAS]


@pytest.mark.parametrize("path,persona", CASES, ids=[f"{p}-{who}" for p, who in CASES])
def test_page_matrix(path, persona):
    r = client_for(persona).get(path)
    assert r.status_code == PAGES[path][persona]
    if r.status_code == 302:
        expected = WHERE.get((path, persona), "/accounts/login/")
        assert r["Location"].startswith(expected), r["Location"]


def test_every_twofactor_url_is_in_the_table():
    from cfcity.accounts import urls
    named = {f"/accounts/{p.pattern}" for p in urls.urlpatterns if p.name and p.name.startswith("twofactor")}
    assert named == {p for p in PAGES if p.startswith("/accounts/2fa/")}
