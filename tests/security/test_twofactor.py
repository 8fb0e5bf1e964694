"""The second factor (cfcity.accounts.twofactor): who must give it, enrolment, sign-in with a
code or a backup code, throttling and audit of wrong codes, the administrator's reset, the
API's refusal of tokens of such users."""
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cfcity.accounts import tokens, twofactor
from cfcity.accounts.models import Membership, Profile
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db
PASSWORD = "Zq7-long-enough-pass"


@pytest.fixture
def people():
    county = OrgUnit.objects.create(name="桓台县", kind=OrgUnit.Kind.AREA)
    civil = OrgUnit.objects.create(name="县民政局", kind=OrgUnit.Kind.DEPARTMENT, parent=county)

    def user(name, role, unit=civil):
        u = User.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=u, org_unit=unit, role=role)
        return User.objects.get(pk=u.pk)

    return {"officer": user("mzj_tz", Role.WELFARE_OFFICER), "leader": user("leader", Role.LEADER, county)}


def sign_in(username, password=PASSWORD) -> Client:
    c = Client()
    r = c.post("/accounts/login/", {"username": username, "password": password, "next": "/my/"})
    assert r.status_code == 302, "password sign-in failed"
    return c


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code now (or for a later 30-second step; the device accepts one step either
    side, and never a step it has already accepted)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def enrol(c: Client, user) -> list[str]:
    page = c.get("/accounts/2fa/enrol/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = c.post("/accounts/2fa/enrol/", {"token": code_for(device), "next": "/my/"})
    assert r.status_code == 200 and "绑定成功" in r.content.decode()
    return r.context["codes"]


def audit(action, user):
    return AuditEntry.objects.filter(action=action, object_id=str(user.pk)).count()


def test_who_must_give_a_second_factor(people, settings):
    assert twofactor.required(people["officer"])  # may see children's records
    assert not twofactor.required(people["leader"])
    settings.REQUIRE_2FA_FOR_ALL = True
    assert twofactor.required(people["leader"])


def test_after_the_password_every_page_leads_to_enrolment(people):
    c = sign_in("mzj_tz")
    for path in ("/", "/my/", "/status/", "/accounts/password/", "/admin/"):
        r = c.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/2fa/enrol/?next="), path
    # the verify page sends someone without an app to enrolment; logout stays open
    assert c.get("/accounts/2fa/")["Location"] == "/accounts/2fa/enrol/"
    assert c.post("/accounts/logout/").status_code == 302
    assert c.get("/my/")["Location"].startswith("/accounts/login/")


def test_a_user_without_the_duty_is_not_stopped(people, settings):
    c = sign_in("leader")
    assert c.get("/my/").status_code == 200
    settings.REQUIRE_2FA_FOR_ALL = True  # CFCITY_REQUIRE_2FA_FOR_ALL
    assert c.get("/my/")["Location"].startswith("/accounts/2fa/enrol/")


def test_enrolment_shows_a_qr_code_and_the_secret_and_is_confirmed_by_a_code(people):
    c = sign_in("mzj_tz")
    page = c.get("/accounts/2fa/enrol/").content.decode()
    device = TOTPDevice.objects.get(user=people["officer"])
    assert '<svg' in page and 'class="segno"' in page
    assert twofactor.secret_text(device) in page
    # the same device (same QR code) on a reload
    c.get("/accounts/2fa/enrol/")
    assert TOTPDevice.objects.filter(user=people["officer"]).count() == 1

    r = c.post("/accounts/2fa/enrol/", {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert r.status_code == 400 and "验证码不正确" in r.content.decode()
    assert audit("accounts.twofactor.failed", people["officer"]) == 1
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # wait it out

    key_before = c.session.session_key
    codes = enrol(c, people["officer"])
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert audit("accounts.twofactor.enrolled", people["officer"]) == 1
    assert c.session.session_key != key_before  # a new session key for the stronger sign-in
    assert c.get("/my/").status_code == 200
    # enrolled: the enrolment page cannot bind a second phone
    assert c.get("/accounts/2fa/enrol/").status_code == 302


def test_the_next_sign_in_asks_for_a_code_and_throttles_wrong_ones(people):
    c = sign_in("mzj_tz")
    enrol(c, people["officer"])
    device = TOTPDevice.objects.get(user=people["officer"])

    c = sign_in("mzj_tz")
    r = c.get("/my/")
    assert r["Location"] == "/accounts/2fa/?next=%2Fmy%2F"
    wrong = "123456" if code_for(device, 1) != "123456" else "654321"
    r = c.post("/accounts/2fa/", {"token": wrong, "next": "/my/"})
    assert r.status_code == 400 and "验证码不正确" in r.content.decode()
    # right away even the right code waits (django-otp's throttling): 1 s, then 2, 4 …
    r = c.post("/accounts/2fa/", {"token": code_for(device, 1), "next": "/my/"})
    assert r.status_code == 400 and "错误次数过多" in r.content.decode()
    assert c.get("/my/").status_code == 302
    assert audit("accounts.twofactor.failed", people["officer"]) == 1
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=twofactor.timezone.now() - timedelta(seconds=5))
    r = c.post("/accounts/2fa/", {"token": code_for(device, 1), "next": "/my/"})
    assert r.status_code == 302 and r["Location"] == "/my/"
    assert c.get("/my/").status_code == 200
    # the same code is never taken twice (a code seen over a shoulder is spent)
    c2 = sign_in("mzj_tz")
    assert c2.post("/accounts/2fa/", {"token": code_for(device, 1)}).status_code == 400


def test_a_backup_code_works_once(people):
    c = sign_in("mzj_tz")
    codes = enrol(c, people["officer"])
    c = sign_in("mzj_tz")
    r = c.post("/accounts/2fa/", {"token": codes[0].upper(), "next": "/my/"})
    assert r.status_code == 302 and c.get("/my/").status_code == 200
    assert audit("accounts.twofactor.backup_used", people["officer"]) == 1
    c = sign_in("mzj_tz")
    assert c.post("/accounts/2fa/", {"token": codes[0]}).status_code == 400
    assert StaticDevice.objects.get(user=people["officer"]).token_set.count() == 9


def test_an_offsite_next_is_not_followed(people):
    c = sign_in("mzj_tz")
    enrol(c, people["officer"])
    c = sign_in("mzj_tz")
    device = TOTPDevice.objects.get(user=people["officer"])
    r = c.post("/accounts/2fa/", {"token": code_for(device, 1), "next": "https://evil.example/"})
    assert r["Location"] == "/"


def test_the_administrator_resets_a_lost_phone(people):
    c = sign_in("mzj_tz")
    enrol(c, people["officer"])
    assert c.get("/my/").status_code == 200
    listed = StringIO()
    call_command("user", "list", stdout=listed)
    assert "已绑定两步验证" in listed.getvalue()
    out = StringIO()
    call_command("user", "reset-2fa", "mzj_tz", stdout=out)
    assert "已重置用户 mzj_tz 的两步验证" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=people["officer"]).exists()
    assert not StaticDevice.objects.filter(user=people["officer"]).exists()
    assert audit("accounts.twofactor.reset", people["officer"]) == 1
    # the open session no longer counts as verified: back to enrolment
    assert c.get("/my/")["Location"].startswith("/accounts/2fa/enrol/")
    listed = StringIO()
    call_command("user", "list", stdout=listed)
    assert "mzj_tz" in listed.getvalue() and "须绑定两步验证" in listed.getvalue()


def test_a_reset_of_an_unknown_user_is_one_chinese_line(people):
    with pytest.raises(CommandError, match="没有用户名为“nobody”的用户") as e:
        call_command("user", "reset-2fa", "nobody")
    assert e.value.returncode == 2


def test_second_factor_comes_before_the_forced_password_change(people):
    Profile.objects.create(user=people["officer"], must_change_password=True)
    c = sign_in("mzj_tz")
    assert c.get("/my/")["Location"].startswith("/accounts/2fa/enrol/")
    assert c.get("/accounts/2fa/enrol/").status_code == 200  # no redirect loop
    enrol(c, people["officer"])
    assert c.get("/my/")["Location"] == "/accounts/password/"
    assert c.get("/accounts/password/").status_code == 200


def test_api_tokens_of_such_users_are_refused_saying_why(people):
    _, token = tokens.create_token(people["officer"], name="统计系统", actor=None)
    r = Client().get("/api/plans", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 401 and "两步验证" in r.json()["detail"]
    _, token = tokens.create_token(people["leader"], name="统计系统", actor=None)
    assert Client().get("/api/plans", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_the_api_in_a_session_waits_for_the_code_too(people):
    c = sign_in("mzj_tz")
    r = c.get("/api/plans")
    assert r.status_code == 403 and "两步验证" in r.json()["detail"]


def test_otp_settings_are_django_otps():
    assert settings.OTP_TOTP_THROTTLE_FACTOR > 0  # throttling on


def test_devices_are_not_in_the_admin():
    """An administrator adding a device (or reading a key) could sign in as an officer."""
    from django.contrib import admin
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
