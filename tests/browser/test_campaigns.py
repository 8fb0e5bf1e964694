"""A child's drawing sent from a phone (390 px wide) in a real browser: the form fits the
screen, the file picker takes a PNG, consent is ticked, the work code is shown; the gallery
shows the approved drawing by pseudonym — under the strict CSP, with no violation."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.campaigns.factory import campaigns, png, stored  # noqa: F401


def test_a_drawing_from_a_phone(phone, campaigns, screenshot, tmp_path):
    g, page = campaigns, phone
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"/campaigns/{g['campaign'].pk}/")
    expect(page.get_by_role("img", name="绘画作品《通过的画》")).to_be_visible()  # waits for the lazy image
    assert "待审核的画" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "campaigns-gallery-phone")

    page.get_by_role("link", name="我要提交作品").click()
    drawing = tmp_path / "我的画.png"
    drawing.write_bytes(png(size=(200, 150)))
    page.get_by_label("作品名称", exact=True).fill("会说话的路灯")
    page.get_by_label("笔名", exact=True).fill("小灯泡")
    page.get_by_label("年龄", exact=True).select_option("6-7")
    page.get_by_label("作品文件", exact=True).set_input_files(str(drawing))
    page.get_by_label("填表的监护人是孩子的").select_option("mother")
    page.get_by_label("我是孩子的监护人").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "campaigns-submit-phone", full_page=True)
    page.get_by_role("button", name="提交作品").click()
    assert page.get_by_role("heading", level=1).inner_text() == "提交成功，谢谢你！"
    code = page.locator(".code").inner_text()
    assert g["campaign"].submissions.get(code=code).state == "pending"
    assert not violations, violations
