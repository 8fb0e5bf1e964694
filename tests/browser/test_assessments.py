"""A child impact assessment in a real browser: the lead department (县发展改革局) opens the
health bureau's project, types a score above the maximum (the field is marked at once and the
server refuses it), scores the checklist, records the children consulted and concludes; the
page shows the weighted total. Desktop and phone screenshots var/screenshots/assessment-*.png;
no CSP complaint on the way."""
import datetime

from playwright.sync_api import expect

from tests.assessments.factory import ia_world, stored  # noqa: F401


def test_the_lead_department_assesses_a_project(page, phone, ia_world, log_in, screenshot):
    w = ia_world
    a = w["mine"]
    seen = []
    page.on("console", lambda m: seen.append(f"{m.type}: {m.text}"))
    log_in(page, "fgj_tb", "x", next_url="/assessments/")
    page.get_by_role("link", name=a.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(a.title)
    scores = page.locator("input.ia-score")
    expect(scores).to_have_count(6)
    scores.nth(0).fill("7")
    expect(scores.nth(0)).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="保存评分").click()
    expect(page.locator(".messages")).to_contain_text("得分应在 0–5 之间")
    for i in range(6):
        page.locator("input.ia-score").nth(i).fill(str(5 - i % 3))
    expect(page.locator("#ia-live-total")).to_contain_text("已填部分的加权得分")
    page.get_by_role("button", name="保存评分").click()
    expect(page.locator(".messages")).to_contain_text("已保存 6 项评分")
    page.get_by_text("记录一次征求意见").click()
    page.locator("#id_consult-date").fill(datetime.date.today().isoformat())
    page.get_by_label("方式").select_option(label="儿童议事会")
    page.get_by_label("参与儿童人数").fill("15")
    page.get_by_label("6–12岁").check()
    page.get_by_label("儿童意见摘要").fill("希望候诊区有绘本角。")
    page.get_by_role("button", name="记录", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("征求儿童意见情况已记录")
    page.get_by_label("总体结论").select_option(label="有利")
    page.locator("#id_conclude-conclusion").fill("项目总体有利于儿童健康。")
    page.get_by_role("button", name="作出结论").click()
    expect(page.locator(".messages")).to_contain_text("评价结论已作出")
    a.refresh_from_db()
    assert a.state == "concluded" and a.total_score is not None
    expect(page.locator(".meta")).to_contain_text(f"{a.total_score}（百分制）")
    screenshot(page, "assessment-desktop", full_page=True)
    log_in(phone, "wjj_tb", "x", next_url=f"/assessments/{a.pk}/")
    expect(phone.get_by_role("button", name="登记反馈")).to_be_visible()
    screenshot(phone, "assessment-phone", full_page=True)
    assert not [s for s in seen if "Content Security Policy" in s or s.startswith("error")], seen
