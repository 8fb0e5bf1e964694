"""The main reporting flow in a real browser: a department reporter fills a value and a
narrative with a file and submits; the unit's approver approves; the coordinator returns it
with a comment; the reporter fixes it and submits again; the coordinator accepts; the value
is locked. Screenshots of each main page go to var/screenshots/."""
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.data import REFERENCE_PLAN
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import services as plan_services
from cfcity.reporting import services
from cfcity.reporting.models import Period, Report

PASSWORD = "桓台-儿童友好-2025-口令"


@pytest.fixture
def county(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    plan = plan_services.store_plan(importer.parse_file(REFERENCE_PLAN))
    services.create_periods(plan, "year")
    services.sync_assignments(plan)
    health = OrgUnit.objects.get(name="县卫生健康局", parent=plan.area)
    office = OrgUnit.objects.get(name="县妇儿工委办公室", parent=plan.area)
    users = {}
    for name, unit, role, full in (("wjj_tb", health, Role.DEPT_REPORTER, "王填报"),
                                   ("wjj_sh", health, Role.DEPT_APPROVER, "李审核"),
                                   ("fegw", office, Role.COORDINATOR, "赵协调")):
        u = User.objects.create_user(name, password=PASSWORD, first_name=full)
        Membership.objects.create(user=u, org_unit=unit, role=role)
        if hasattr(u, "profile"):
            u.profile.must_change_password = False
            u.profile.save()
        users[name] = u
    period = Period.objects.get(plan=plan, kind="year", year=2025)
    return {"plan": plan, "period": period, "health": health}


def test_report_review_return_fix_accept(browser, live_server, county, log_in, screenshot, tmp_path):
    period = county["period"]

    def session(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768})
        context.set_default_timeout(10_000)
        page = context.new_page()
        log_in(page, username, PASSWORD)
        return context, page

    # the reporter finds task (6) among what the unit owes
    ctx, page = session("wjj_tb")
    page.goto(f"/my/?period={period.pk}")
    expect(page.get_by_role("heading", name="我的填报任务")).to_be_visible()
    screenshot(page, "my-tasks")
    row = page.locator("tr", has_text="（6）加快推进托幼服务提质扩容")
    expect(row).to_contain_text("未填报")
    row.get_by_role("link", name="填报").click()
    expect(page.get_by_role("heading", name="（6）加快推进托幼服务提质扩容")).to_be_visible()
    value = page.get_by_label("每千人口3岁以下婴幼儿托位数 ≥ 4.5 个（2025年）")
    # a wrong value is refused with the reason next to the field, and what was typed stays
    value.fill("很多")
    page.get_by_label("进展情况").fill("新建普惠托育机构两家，新增托位120个。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".error")).to_contain_text("不是数字")
    expect(page.get_by_label("进展情况")).to_have_value("新建普惠托育机构两家，新增托位120个。")
    value.fill("3.6")
    evidence = tmp_path / "托育机构名单.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("佐证材料（PDF、图片或 Office 文档，每个不超过 20 MB）").set_input_files(str(evidence))
    screenshot(page, "report-form")
    page.get_by_role("button", name="保存并报送").click()
    expect(page.locator("ul.messages")).to_contain_text("已报送")
    expect(page.locator(".summary .badge")).to_have_text("已报送")
    expect(page.locator("ul.evidence")).to_contain_text("托育机构名单.pdf")
    ctx.close()

    # the unit's approver approves it from the review queue
    ctx, page = session("wjj_sh")
    page.goto("/review/")
    screenshot(page, "review-queue")
    page.locator("tr", has_text="（6）").get_by_role("link", name="审核").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".summary .badge")).to_have_text("单位已审核")
    ctx.close()

    # the coordinator returns it with a comment
    ctx, page = session("fegw")
    page.goto("/review/")
    page.locator("tr", has_text="（6）").get_by_role("link", name="审核").click()
    page.get_by_label("审核意见（退回时必填）").fill("请附托育机构名单的盖章件")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".summary .badge")).to_have_text("已退回")
    ctx.close()

    # the reporter sees the comment, fixes and submits again
    ctx, page = session("wjj_tb")
    page.goto(f"/my/?period={period.pk}")
    page.locator("tr", has_text="（6）").get_by_role("link", name="填报").click()
    expect(page.locator(".history")).to_contain_text("请附托育机构名单的盖章件")
    page.get_by_label("进展情况").fill("新建普惠托育机构两家，新增托位120个。盖章名单已上传。")
    page.get_by_role("button", name="保存并报送").click()
    expect(page.locator(".summary .badge")).to_have_text("已报送")
    ctx.close()

    ctx, page = session("wjj_sh")
    page.goto("/review/")
    page.locator("tr", has_text="（6）").get_by_role("link", name="审核").click()
    page.get_by_role("button", name="审核通过").click()
    ctx.close()

    # the coordinator accepts; the status table shows it
    ctx, page = session("fegw")
    page.goto("/review/")
    page.locator("tr", has_text="（6）").get_by_role("link", name="审核").click()
    page.get_by_role("button", name="采纳").click()
    expect(page.locator(".summary .badge")).to_have_text("已采纳")
    page.goto(f"/status/?period={period.pk}")
    expect(page.locator("tr", has_text="县卫生健康局")).to_be_visible()
    screenshot(page, "status-table")
    ctx.close()

    # the value is locked: the form is read-only, the only way is a correction with a reason
    ctx, page = session("wjj_tb")
    page.goto(f"/my/?period={period.pk}")
    page.locator("tr", has_text="（6）").get_by_role("link", name="查看").click()
    expect(page.get_by_label("每千人口3岁以下婴幼儿托位数 ≥ 4.5 个（2025年）")).to_be_disabled()
    expect(page.get_by_role("button", name="保存并报送")).to_have_count(0)
    expect(page.get_by_role("button", name="申请更正")).to_be_visible()
    ctx.close()
    report = Report.objects.get(task__number=6, org_unit=county["health"], period=period)
    assert report.status == "accepted" and str(report.values.get().value.normalize()) == "3.6"
    assert [e.action for e in report.events.all()].count("returned") == 1


def test_reporting_pages_fit_a_phone(phone, county, log_in, screenshot):
    from tests.browser.test_plan_pages import horizontal_overflow
    period = county["period"]
    log_in(phone, "wjj_tb", PASSWORD)
    for path, name in ((f"/my/?period={period.pk}", "my-tasks-phone"),
                       (f"/status/?period={period.pk}", None)):
        phone.goto(path)
        assert horizontal_overflow(phone) <= 0, path
        if name:
            screenshot(phone, name)
    phone.goto(f"/my/?period={period.pk}")
    phone.locator("tr", has_text="（6）").get_by_role("link", name="填报").click()
    expect(phone.get_by_role("button", name="保存并报送")).to_be_visible()
    assert horizontal_overflow(phone) <= 0
    screenshot(phone, "report-form-phone")
