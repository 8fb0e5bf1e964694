"""A work plan whose shares do not add up, in a real browser: the lead department of the
child-friendly streets (3—5 处 by 2025) drafts its 2024 plan, types a share the page refuses
(the message next to the field), plans 1 street in a named town with a milestone and a budget
line, and submits; the page says the county's yearly shares fall 2 short; the coordinator's
breakdown page says the same. Screenshots to var/screenshots/ and the test's tmp path."""
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from cfcity.accounts.models import Membership
from cfcity.accounts.roles import Role
from cfcity.data import REFERENCE_PLAN
from cfcity.orgs.models import OrgUnit
from cfcity.plans import importer
from cfcity.plans import models as pm
from cfcity.plans import services as plan_services
from cfcity.reporting import services
from cfcity.reporting.models import Assignment
from cfcity.workplans.models import WorkPlan

PASSWORD = "桓台-儿童友好-2025-口令"


@pytest.fixture
def county():
    plan = plan_services.store_plan(importer.parse_file(REFERENCE_PLAN))
    services.create_periods(plan, "year")
    services.sync_assignments(plan)
    for name in ("城区街道", "少海街道"):
        OrgUnit.objects.create(name=name, kind=OrgUnit.Kind.TOWN, parent=plan.area)
    task = pm.Task.objects.get(plan=plan, number=24)
    lead = Assignment.objects.filter(task=task, role="lead").select_related("org_unit").first().org_unit
    office = OrgUnit.objects.get(name="县妇儿工委办公室", parent=plan.area)
    for name, unit, role, full in (("zj_tb", lead, Role.DEPT_REPORTER, "孙填报"),
                                   ("fegw", office, Role.COORDINATOR, "赵协调")):
        u = User.objects.create_user(name, password=PASSWORD, first_name=full)
        Membership.objects.create(user=u, org_unit=unit, role=role)
        if hasattr(u, "profile"):
            u.profile.must_change_password = False
            u.profile.save()
    streets = task.targets.get(indicator__contains="儿童友好街区")
    return {"plan": plan, "task": task, "lead": lead, "streets": streets}


def test_a_work_plan_whose_shares_do_not_add_up(browser, live_server, county, log_in, screenshot, tmp_path):
    streets = county["streets"]
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "zj_tb", PASSWORD)
    page.goto("/workplans/?year=2024")
    with page.expect_navigation():
        page.get_by_role("button", name="编制本单位2024年度工作计划").click()
    expect(page.get_by_role("heading", name=f"{county['lead'].name}2024年度工作计划")).to_be_visible()

    for field in page.locator("textarea[name^='measures-']").all():  # the unit's other tasks too
        field.fill("按方案要求落实，季度调度。")
    page.locator(f"#measures-{county['task'].pk}").fill("在城区街道建设首个儿童友好街区，完善步行空间和游戏设施。")
    for field in page.locator("input[name^='share-']").all():
        field.fill("0")
    page.locator(f"#share-input-{streets.pk}").fill("两处")
    page.locator("input[name='ms-0-title']").fill("街区设计方案完成")
    page.locator("input[name='ms-0-due']").fill("2024-04-30")
    page.locator("select[name='bl-0-task']").select_option(str(county["task"].pk))
    page.locator("input[name='bl-0-item']").fill("城区街道儿童友好街区改造")
    page.locator("select[name='bl-0-source']").select_option(label="以奖代补")
    page.locator("input[name='bl-0-planned']").fill("120")
    page.get_by_role("button", name="保存草稿").click()
    # refused, the message beside the share, what was typed kept
    block = page.locator(f"#share-{streets.pk}")
    expect(block.locator(".error")).to_have_text("“建设儿童友好街区”的年度分解值“两处”不是数字")
    expect(page.locator(f"#share-input-{streets.pk}")).to_have_value("两处")
    expect(page.get_by_role("alert")).to_contain_text("有 1 处需要修改")
    block.scroll_into_view_if_needed()
    screenshot(page, "workplan-share-refused")

    page.locator(f"#share-input-{streets.pk}").fill("1")
    block.get_by_label("城区街道").check()
    page.get_by_role("button", name="保存并报送").click()
    expect(page.locator(".summary .badge")).to_have_text("单位已审核")  # no approver: straight up
    addup = block.locator(".addup")
    expect(addup).to_contain_text("全县各年度分解合计 1 处，距目标 3 处还差 2 处")
    expect(addup).to_have_class("addup short")
    block.scroll_into_view_if_needed()
    path = screenshot(page, "workplan-shares-short")
    page.screenshot(path=str(tmp_path / "workplan.png"))
    assert path.stat().st_size > 10_000
    wp = WorkPlan.objects.get()
    assert (wp.status, wp.shares.get(target=streets).value, wp.budget_lines.get().planned) == ("approved", 1, 120)
    assert list(wp.shares.get(target=streets).towns.values_list("name", flat=True)) == ["城区街道"]
    context.close()

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "fegw", PASSWORD)
    page.goto("/workplans/?year=2024")
    page.get_by_role("link", name=streets.indicator).click()
    expect(page.locator("#addup")).to_have_text("各年度分解合计 1 处，距目标 3 处还差 2 处（目标期限 2025年）")
    expect(page.locator("table.grid tbody tr").first).to_contain_text("城区街道")
    screenshot(page, "workplan-target-breakdown")
    context.close()
