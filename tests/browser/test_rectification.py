"""The rectification loop in a real browser: the inspector records a finding → the unit
answers with evidence → the inspector reopens it → the unit answers again → the inspector
signs it off. Each step through the pages only; screenshots var/screenshots/rectification-*.png."""
import re

import pytest
from playwright.sync_api import expect

from cfcity.supervision.models import Finding
from tests.supervision.conftest import PDF, PNG, sv  # noqa: F401  (the fixture)


@pytest.fixture
def files(tmp_path):
    pdf, png = tmp_path / "托位核对台账.pdf", tmp_path / "现场照片.png"
    pdf.write_bytes(PDF)
    png.write_bytes(PNG)
    return pdf, png


def switch(page, log_in, username, next_url):
    page.context.clear_cookies()
    log_in(page, username, "x", next_url=next_url)


def test_full_rectification_loop(page, sv, files, log_in, screenshot):
    ins = sv["inspection"]
    # 1. the inspector records a finding for the health bureau
    log_in(page, "ducha", "x", next_url="/supervision/")
    page.get_by_role("link", name=ins.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ins.title)
    page.get_by_label("责任单位").select_option(label="县卫生健康局")
    page.get_by_label("存在问题").fill("托育机构消防通道堆放杂物。")
    page.get_by_label("严重程度").select_option(label="严重")
    page.get_by_label("整改要求").fill("立即清理并建立每日巡查制度。")
    page.get_by_label("整改期限").fill("2030-06-30")
    page.get_by_role("button", name="登记问题").click()
    expect(page.locator(".messages")).to_contain_text("已登记问题3")
    row = page.locator("#findings tbody tr", has_text="消防通道")
    expect(row).to_contain_text("严重")
    expect(row).to_contain_text("待整改")
    screenshot(page, "rectification-1-recorded", full_page=True)
    finding = Finding.objects.get(inspection=ins, number=3)
    url = f"/supervision/findings/{finding.pk}/"

    # 2. the unit answers with evidence (it found the finding from its own list)
    switch(page, log_in, "wjj_tb", "/supervision/")
    page.get_by_role("link", name=ins.title).click()
    expect(page.locator("#findings")).not_to_contain_text("儿童之家")  # the town's finding is not its own
    page.get_by_role("link", name="托育机构消防通道堆放杂物。").click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    page.get_by_label("整改措施和完成情况").fill("已清理消防通道。")
    page.get_by_label("佐证材料").set_input_files(str(files[0]))
    page.get_by_role("button", name="报送整改情况").click()
    expect(page.locator("#finding-status")).to_have_text("已报送整改情况")
    expect(page.locator("#history")).to_contain_text("托位核对台账.pdf")
    expect(page.locator("#answer-form")).to_have_count(0)
    screenshot(page, "rectification-2-answered", full_page=True)

    # 3. the inspector reopens it with a comment
    switch(page, log_in, "ducha", url)
    page.get_by_label("审核意见").fill("未见每日巡查制度，请补充。")
    page.get_by_role("button", name="退回重新整改").click()
    expect(page.locator("#finding-status")).to_have_text("退回重新整改")
    expect(page.locator("#review-form")).to_have_count(0)

    # 4. the unit answers again, with a photo
    switch(page, log_in, "wjj_tb", url)
    expect(page.locator("#history")).to_contain_text("未见每日巡查制度")
    page.get_by_label("整改措施和完成情况").fill("已建立每日巡查制度，附巡查记录照片。")
    page.get_by_label("佐证材料").set_input_files(str(files[1]))
    page.get_by_role("button", name="报送整改情况").click()
    expect(page.locator("#finding-status")).to_have_text("已报送整改情况")
    screenshot(page, "rectification-3-answered-again", full_page=True)

    # 5. the inspector signs it off
    switch(page, log_in, "ducha", url)
    page.get_by_label("审核意见").fill("整改到位。")
    page.get_by_role("button", name="整改到位，销号").click()
    expect(page.locator("#finding-status")).to_have_text("已销号")
    history = page.locator("#history > li")
    expect(history).to_have_count(5)
    for i, step in enumerate(["登记问题", "报送整改情况", "退回重新整改", "报送整改情况", "审核销号"]):
        expect(history.nth(i)).to_contain_text(step)
    expect(page.locator("#history a")).to_have_text(["托位核对台账.pdf", "现场照片.png"])
    screenshot(page, "rectification-4-closed", full_page=True)
    finding.refresh_from_db()
    assert finding.status == "closed" and finding.evidence.count() == 2

    # the ledger shows it signed off, with the last answer
    page.goto("/supervision/ledger/?state=closed")
    expect(page.locator("#ledger tbody tr", has_text="消防通道")).to_contain_text("已建立每日巡查制度")
