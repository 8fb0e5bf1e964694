"""The dashboards in a real browser, on the demo county (`cfcity demo`'s data: the reference
plan, three years of reports through the real workflow, the engine's verdicts): a leader
opens the overview, drills down domain → action → task, and sees the engine's numbers; the
ECharts charts draw as SVG with Chinese text from the app's own assets; on a phone nothing
scrolls sideways. Screenshots: var/screenshots/dashboard-*.png."""
import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from cfcity.monitoring import engine
from cfcity.monitoring.models import TargetStatus
from cfcity.plans import models as pm

PASSWORD = "桓台-看板-2025-口令"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def county(demo_county):
    leader = User.objects.get(username="lingdao")
    leader.set_password(PASSWORD)  # the tests' hasher (demo passwords are random, printed once)
    leader.save()
    plan = demo_county
    statuses = {s.target_id: s for s in TargetStatus.objects.filter(target__plan=plan, org_unit=plan.area)}
    assert statuses, "the demo leaves the engine's verdicts behind"
    return {"plan": plan, "statuses": statuses}


def pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def settle(page):
    """Let ECharts finish its drawing animation (about a second) before a screenshot."""
    page.wait_for_timeout(1200)


def svg_text(page, selector: str) -> str:
    """The text ECharts drew inside the chart element (as SVG)."""
    chart = page.locator(selector)
    expect(chart.locator("svg")).to_have_count(1)
    return "".join(chart.locator("svg text").all_text_contents())


def test_leader_dashboard_drill_down(page, phone, county, log_in, screenshot):
    plan, statuses = county["plan"], county["statuses"]
    log_in(page, "lingdao", PASSWORD, next_url="/dashboard/")
    # one plan in sight: /dashboard/ goes straight to it
    expect(page).to_have_url(re.compile(rf"/dashboard/{plan.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("监测看板")

    # the status chart drew, with Chinese labels (the legend and the five domains)
    drawn = svg_text(page, "#status-chart")
    domains = [d.title for d in pm.Domain.objects.filter(plan=plan).order_by("order")]
    assert "已达标" in drawn and "严重滞后" in drawn and all(t in drawn for t in domains), drawn

    # the key numbers are the engine's verdicts, row by row
    rows = page.locator("table.key-numbers tr[data-target]")
    assert rows.count() == len(statuses) == pm.Target.objects.filter(plan=plan).count()
    seen = set()
    for i in range(rows.count()):
        row = rows.nth(i)
        s = statuses[int(row.get_attribute("data-target"))]
        assert row.locator('td[data-field="status"]').inner_text().strip() == engine.Status(s.status).label
        assert row.locator('td[data-field="progress"]').inner_text().strip() == pct(s.progress)
        assert row.locator('td[data-field="expected"]').inner_text().strip() == pct(s.expected)
        seen.add(s.status)
    # the demo is a county with a mixed picture (after the plan's end, every target with data
    # is either reached or not: the milestone, too, is judged now — from the councils register)
    assert {"achieved", "off_track"} <= seen, seen
    # the roll-up method sits next to the numbers it made
    expect(page.locator("section.overall .method")).to_contain_text("暂无数据按 0 分计入")
    expect(page.locator(".leagues")).to_contain_text("县卫生健康局")
    expect(page.locator(".leagues")).to_contain_text("果里镇")
    settle(page)
    screenshot(page, "dashboard-overview")
    screenshot(page, "dashboard-overview-full", full_page=True)

    # drill down to the task of the childcare places target: domain → action → task
    target = pm.Target.objects.select_related("task__action__domain").get(
        plan=plan, indicator__startswith="每千人口3岁以下婴幼儿托位数")
    task, action, domain = target.task, target.task.action, target.task.action.domain
    page.locator(".board .domain-card h3 a", has_text=domain.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(domain.title)
    assert "行动" in svg_text(page, "#status-chart")  # the domain's actions, as bars
    page.locator("ul.tiles .tile a", has_text=action.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(action.title)
    settle(page)
    screenshot(page, "dashboard-action")
    page.locator(".task-card h3 a", has_text=task.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(task.title)
    expect(page.locator("p.crumbs")).to_contain_text(domain.title)

    # the task page: the target's numbers are the engine's, its chart drew with Chinese text
    s = statuses[target.pk]
    card = page.locator(f"#target-{target.pk}")
    expect(card.locator('dd[data-field="status"]')).to_have_text(engine.Status(s.status).label)
    expect(card.locator('dd[data-field="progress"]')).to_have_text(pct(s.progress))
    if s.latest is not None:
        expect(card.locator('dd[data-field="latest"]')).to_contain_text(f"{s.latest:g}")
    for reason in s.reasons:
        expect(card.locator(".reasons")).to_contain_text(reason)
    drawn = svg_text(page, f"#trend-{target.pk}")
    assert "实际值" in drawn and "目标值" in drawn, drawn
    # the units' reports, each linking to its page with the evidence
    reports = page.locator("table.reports-table tbody tr")
    assert reports.count() >= 3
    card.scroll_into_view_if_needed()
    settle(page)
    screenshot(page, "dashboard-task")
    screenshot(page, "dashboard-task-full", full_page=True)
    with page.expect_navigation():
        reports.first.get_by_role("link", name="查看报告").click()
    assert re.search(rf"/reports/\d+/{task.pk}/\d+/$", page.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(task.title)

    # printed: the charts are redrawn for the page, the filters and buttons are gone
    page.goto(f"/dashboard/{plan.pk}/")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator("form.filters")).to_be_hidden()
    assert CJK.search(svg_text(page, "#status-chart"))
    settle(page)
    screenshot(page, "dashboard-print", full_page=True)

    # on a phone: everything fits the width (wide tables scroll inside their box)
    log_in(phone, "lingdao", PASSWORD, next_url=f"/dashboard/{plan.pk}/")
    assert CJK.search(svg_text(phone, "#status-chart"))
    settle(phone)
    screenshot(phone, "dashboard-phone")
    screenshot(phone, "dashboard-phone-full", full_page=True)
    wide = phone.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                     && !e.closest('.table-scroll'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert not wide, f"the dashboard scrolls sideways on a phone: {wide}"
    phone.goto(f"/dashboard/{plan.pk}/tasks/{task.pk}/")
    assert "实际值" in svg_text(phone, f"#trend-{target.pk}")
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    phone.locator(f"#target-{target.pk}").scroll_into_view_if_needed()
    settle(phone)
    screenshot(phone, "dashboard-phone-task")
