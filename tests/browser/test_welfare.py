"""The register of children in difficulty in a real browser: the civil-affairs bureau's
officer signs in with a password and a TOTP code, registers a child (a mistyped ID number is
caught next to its field), sees the masked list, and opens the full record by giving a reason.
Screenshots go to var/screenshots/ (welfare-*.png)."""
import datetime

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit
from cfcity.welfare import idcard
from cfcity.welfare.models import Child

PASSWORD = "桓台-民政-台账-2025"
NUMBER = idcard.make("370321", datetime.date(2016, 5, 4), 42)


@pytest.fixture
def bureau():
    county = OrgUnit.objects.create(name="桓台县", kind=OrgUnit.Kind.AREA)
    civil = OrgUnit.objects.create(name="县民政局", kind=OrgUnit.Kind.DEPARTMENT, parent=county)
    town = OrgUnit.objects.create(name="果里镇", kind=OrgUnit.Kind.TOWN, parent=county)
    OrgUnit.objects.create(name="东村", kind=OrgUnit.Kind.VILLAGE, parent=town)
    OrgUnit.objects.create(name="索镇", kind=OrgUnit.Kind.TOWN, parent=county)
    u = User.objects.create_user("mzj_tz", password=PASSWORD, first_name="孙台账")
    Membership.objects.create(user=u, org_unit=civil, role=Role.WELFARE_OFFICER)
    if hasattr(u, "profile"):
        u.profile.must_change_password = False
        u.profile.save()
    device = TOTPDevice.objects.create(user=u, name="身份验证器", confirmed=True)
    return {"user": u, "device": device}


def test_register_see_masked_list_open_full_record(page, bureau, log_in, screenshot):
    log_in(page, "mzj_tz", PASSWORD, next_url="/welfare/")
    # the second factor: the code the officer's phone shows now
    d = bureau["device"]
    page.get_by_label("动态验证码").fill(f"{totp(d.bin_key, step=d.step, t0=d.t0, digits=d.digits):06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", name="困境儿童信息台账")).to_be_visible()

    page.get_by_role("link", name="新建档案").click()
    page.get_by_label("姓名", exact=True).fill("李小红")
    page.get_by_label("身份证号码", exact=True).fill(NUMBER[:17] + ("1" if NUMBER[17] != "1" else "2"))
    page.get_by_label("镇（街道）", exact=True).select_option(label="果里镇")
    page.get_by_label("村（社区）", exact=True).select_option(label="果里镇 · 东村")
    page.get_by_label("农村留守儿童", exact=True).check()
    page.get_by_label("监护人姓名", exact=True).fill("李大伟")
    page.get_by_label("监护人关系", exact=True).fill("父亲")
    page.get_by_label("监护人电话", exact=True).fill("13900001111")
    page.get_by_label("健康与残疾情况", exact=True).fill("无")
    page.get_by_label("监护人已书面同意建档").check()
    page.get_by_label("监护人同意用于统计").check()
    page.get_by_label("儿童本人意见", exact=True).select_option(label="同意")
    page.get_by_label("告知书版本", exact=True).fill("2024-1")
    page.get_by_role("button", name="建档").click()
    # a mistyped check digit: the message under the field, nothing stored, the rest kept
    expect(page.get_by_text("身份证号码校验位不正确")).to_be_visible()
    assert Child.objects.count() == 0
    expect(page.get_by_label("姓名", exact=True)).to_have_value("李小红")
    screenshot(page, "welfare-form-error", full_page=True)
    page.get_by_label("身份证号码", exact=True).fill(NUMBER)
    page.get_by_role("button", name="建档").click()
    expect(page.get_by_role("heading", name="困境儿童记录")).to_be_visible()
    expect(page.get_by_text("李*红")).to_be_visible()
    assert "李小红" not in page.content() and NUMBER not in page.content()
    screenshot(page, "welfare-record", full_page=True)

    page.get_by_role("navigation", name="困境儿童").get_by_role("link", name="台账").click()
    row = page.locator("table.register tbody tr").first
    expect(row).to_contain_text("李*红")
    expect(row).to_contain_text(NUMBER[:4] + "*" * 10 + NUMBER[-4:])
    expect(row).to_contain_text("农村留守儿童")
    assert "李小红" not in page.content()
    screenshot(page, "welfare-register")

    row.get_by_role("link", name="李*红").click()
    page.get_by_role("link", name="查看完整信息").click()
    page.get_by_label("查看事由").fill("入户走访前核对监护人电话")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_text("李小红", exact=True)).to_be_visible()
    expect(page.get_by_text(NUMBER, exact=True)).to_be_visible()
    screenshot(page, "welfare-full")
    assert AuditEntry.objects.filter(action="welfare.child.viewed_full", actor=bureau["user"]).count() == 1
    # the full record is not kept: reloading the address asks for a reason again
    page.goto(page.url)
    expect(page.get_by_label("查看事由")).to_be_visible()
    assert "李小红" not in page.content()


def test_the_coordinator_sees_counts_and_the_roster_never_records(page, bureau, log_in, screenshot):
    from cfcity.welfare import services
    county = OrgUnit.objects.get(name="桓台县")
    u = User.objects.create_user("fegw", password=PASSWORD, first_name="赵协调")
    Membership.objects.create(user=u, org_unit=OrgUnit.objects.create(name="县妇儿工委办公室", parent=county,
                                                                      kind=OrgUnit.Kind.DEPARTMENT),
                              role=Role.COORDINATOR)
    if hasattr(u, "profile"):
        u.profile.must_change_password = False
        u.profile.save()
    town, village = OrgUnit.objects.get(name="果里镇"), OrgUnit.objects.get(name="东村")
    services.register_child(bureau["user"], services.ChildInput(
        name="王芳芳", id_number=NUMBER, town=town, village=village, categories=["orphan"],
        guardian_consent=True, consent_statistics=True, notice_version="v1", child_assent=True))
    services.appoint(bureau["user"], kind="supervisor", unit=town, name="刘督导", phone="13700001234",
                     appointed_on=datetime.date(2024, 1, 1))

    log_in(page, "fegw", PASSWORD, next_url="/welfare/")
    expect(page.get_by_role("heading", name="困境儿童统计（桓台县）")).to_be_visible()  # sent to the counts
    row = page.locator("table.counts tbody tr", has_text="果里镇")
    expect(row.locator("td").first).to_have_text("<5")
    expect(page.locator("p.suppression")).to_contain_text("显示为“<5”")
    assert "王*芳" not in page.content() and "王芳芳" not in page.content()
    screenshot(page, "welfare-stats")

    page.get_by_role("link", name="儿童督导员和儿童主任").click()
    expect(page.locator("#unit-%d" % town.pk)).to_contain_text("刘督导")
    expect(page.locator("#unit-%d" % town.pk)).to_contain_text("137****1234")
    expect(page.locator("#unit-%d" % village.pk)).to_contain_text("未配备")
    expect(page.get_by_text("任命儿童主任")).to_have_count(0)  # the coordinator reads, never appoints
    screenshot(page, "welfare-roster")
