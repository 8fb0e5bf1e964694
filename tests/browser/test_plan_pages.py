"""The plan pages in a real browser, with the shipped reference plan: what a county official
clicks through on a laptop and on a phone."""
import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from cfcity.data import REFERENCE_PLAN
from cfcity.plans import importer, services


@pytest.fixture
def plan():
    return services.store_plan(importer.parse_file(REFERENCE_PLAN))


def horizontal_overflow(page) -> int:
    """CSS pixels the page scrolls sideways; 0 when it fits the viewport.

    A mobile browser widens window.innerWidth to fit content that overflows (and zooms out),
    so the page is measured against the layout viewport too, which stays at the phone's width.
    """
    return page.evaluate("""document.scrollingElement.scrollWidth
        - Math.min(window.innerWidth, document.documentElement.clientWidth)""")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_plan_page_reads_and_opens_a_task(page, plan, screenshot):
    page.goto("/")
    assert page.title() == f"{plan.title} · 儿童友好城市建设管理平台"
    expect(page.locator("h1")).to_have_text(plan.title)
    expect(page.locator("p.summary")).to_have_text(
        "共 5 个领域、13 项行动、42 项任务，29 个牵头部门，32 项目标。")
    expect(page.locator("li.task")).to_have_count(42)
    # the stylesheet arrived (served by WhiteNoise from the app): the header is the plan's red
    assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor") \
        == "rgb(176, 35, 42)"

    task = plan.tasks.get(number=5)
    item = page.locator("#task-5")
    fulltext = item.locator("details .fulltext")
    expect(fulltext).to_be_hidden()
    item.get_by_text("任务全文").click()
    expect(item.locator("details")).to_have_attribute("open", "")
    expect(fulltext).to_be_visible()
    assert squash(fulltext.inner_text()) == squash(task.text)
    screenshot(page, "plan-desktop")


def test_targets_table_and_back_to_the_task(page, plan, screenshot):
    page.goto("/")
    page.get_by_role("link", name="目标指标一览表").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/targets/$"))
    expect(page.locator("h1")).to_have_text("目标指标一览")
    rows = page.locator("table.targets-table tbody tr")
    expect(rows).to_have_count(32)
    screenshot(page, "targets-desktop")

    # the last row's task is far down the plan page: the link lands on it, not at the top
    last = rows.last.locator("td").first.get_by_role("link")
    number = re.search(r"#task-(\d+)$", last.get_attribute("href")).group(1)
    last.click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/#task-{number}$"))
    target = page.locator(f"#task-{number}")
    expect(target).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 1000


def test_staff_logs_in_through_the_form_and_sees_import_warnings(page, plan, log_in):
    User.objects.create_user("alice", password="桓台-儿童友好-2025", is_staff=True)
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("导入提示"))).to_have_count(0)
    page.get_by_role("link", name="登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))

    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".login .error")).to_have_text("用户名或密码不正确，请重新输入。")

    log_in(page, "alice", "桓台-儿童友好-2025")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("header .who")).to_contain_text("alice")
    section = page.locator("section.warnings")
    expect(section.get_by_role("heading")).to_have_text(f"导入提示（{len(plan.warnings)} 条）")


def test_phone_has_no_horizontal_scroll(phone, plan, screenshot):
    phone.goto("/")
    expect(phone.locator("li.task")).to_have_count(42)
    assert horizontal_overflow(phone) <= 0
    screenshot(phone, "plan-phone")

    phone.goto(f"/plans/{plan.pk}/targets/")
    expect(phone.locator("table.targets-table tbody tr")).to_have_count(32)
    assert horizontal_overflow(phone) <= 0
    # the wide table scrolls inside its own box instead of widening the page
    box = phone.locator(".table-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    screenshot(phone, "targets-phone")
