"""Two-factor sign-in in a real browser: a welfare officer (may see children's records) signs
in with the password, is sent to enrolment, reads the secret off the page as an app would
(the QR code carries the same), confirms with a code, gets backup codes; signs out and in
again with the password and a fresh code. Nothing is refused by the CSP on the way."""
import base64
import re

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from playwright.sync_api import expect

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit

PASSWORD = "桓台-民政-2025-口令"


@pytest.fixture
def officer():
    county = OrgUnit.objects.create(name="桓台县", kind=OrgUnit.Kind.AREA)
    civil = OrgUnit.objects.create(name="县民政局", kind=OrgUnit.Kind.DEPARTMENT, parent=county)
    user = User.objects.create_user("mzj_tz", password=PASSWORD, first_name="孙台账")
    Membership.objects.create(user=user, org_unit=civil, role=Role.WELFARE_OFFICER)
    return user


def code(secret_b32: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret_b32.replace(" ", "") + "=" * (-len(secret_b32.replace(" ", "")) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=steps_ahead):06d}"


def sign_in_with_password(page, username=None):
    page.goto("/accounts/login/?next=/my/")
    page.get_by_label("用户名").fill(username or "mzj_tz")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def test_enrol_then_sign_in_with_a_code(page, officer, screenshot):
    messages = []
    page.on("console", lambda m: messages.append(m.text))

    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/enrol/\?next=%2Fmy%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("绑定身份验证器")
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot(page, "twofactor-enrol")
    secret = page.locator("#totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)

    # every other page still leads back here
    page.goto("/status/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/enrol/"))

    page.get_by_label("动态验证码").fill("000000" if code(secret) != "000000" else "111111")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.locator("p.error")).to_contain_text("验证码不正确")
    page.wait_for_timeout(1100)  # the throttle after one wrong code: 1 second

    page.get_by_label("动态验证码").fill(code(secret))
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("绑定成功")
    expect(page.locator("#backup-codes li")).to_have_count(10)
    page.get_by_role("link", name="我已记下，继续").click()
    expect(page).to_have_url(re.compile(r"/status/$"))  # the page asked for last
    expect(page.get_by_role("heading", level=1)).to_contain_text("填报")

    # sign out, and in again: the password, then a code (the next 30-second step's: the one
    # just used is spent)
    page.get_by_role("button", name="退出").click()
    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/\?next=%2Fmy%2F$"))
    page.get_by_label("动态验证码").fill(code(secret, steps_ahead=1))
    screenshot(page, "twofactor-verify")
    page.get_by_role("button", name="验证").click()
    expect(page).to_have_url(re.compile(r"/my/$"))

    assert AuditEntry.objects.filter(action="accounts.twofactor.enrolled").count() == 1
    assert AuditEntry.objects.filter(action="accounts.twofactor.failed").count() == 1
    refused = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert not refused, refused
