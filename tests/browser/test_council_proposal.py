"""A children's council proposal in a real browser, from submission to answer: the town's
reporter records the council's proposal and routes it to a department → the department's
reporter finds it in its list and answers → the town closes it with an outcome. No member's
real name on any of these pages. Screenshots var/screenshots/council-proposal-*.png."""
import datetime

from playwright.sync_api import expect

from cfcity.councils.models import Proposal
from tests.councils.factory import NAMES, cw, stored  # noqa: F401  (the fixtures)


def switch(page, log_in, username, next_url):
    page.context.clear_cookies()
    log_in(page, username, "x", next_url=next_url)


def no_names(page):
    body = page.content()
    assert not any(n in body for n in NAMES)


def test_council_proposal_from_submission_to_answer(page, cw, log_in, screenshot):
    council = cw["town_council"]
    due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    # 1. the town's reporter records the council's proposal and routes it to the health bureau
    log_in(page, "glz_tb", "x", next_url="/councils/")
    page.get_by_role("link", name=council.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(council.name)
    expect(page.locator("#members")).to_contain_text("星0号")
    no_names(page)
    page.get_by_text("登记议事会建议").click()
    page.get_by_label("建议标题").fill("社区卫生服务站设儿童候诊角")
    page.get_by_label("建议内容").fill("看病排队时间长，希望候诊区有适合儿童的座椅和图书。")
    page.get_by_role("button", name="登记建议").click()
    expect(page.locator("#proposal-state")).to_have_text("已提出")
    page.get_by_label("交办单位").select_option(label="县卫生健康局")
    page.get_by_label("答复期限").fill(due)
    page.get_by_label("交办说明").fill("请一个月内答复议事会。")
    page.get_by_role("button", name="交办答复单位").click()
    expect(page.locator("#proposal-state")).to_have_text("已交办")
    expect(page.locator("#history > li")).to_have_count(2)
    screenshot(page, "council-proposal-submitted", full_page=True)
    proposal = Proposal.objects.get(title="社区卫生服务站设儿童候诊角")
    url = f"/councils/proposals/{proposal.pk}/"

    # 2. the department's reporter finds it in its own list and answers
    switch(page, log_in, "wjj_tb", "/councils/")
    page.get_by_role("link", name="待答复建议").click()
    page.get_by_role("link", name="社区卫生服务站设儿童候诊角").click()
    expect(page.locator("#route-form")).to_have_count(0)  # not the department's to route
    page.get_by_label("答复内容").fill("已在两处社区卫生服务站设置儿童候诊角，配备绘本和儿童座椅。")
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator("#proposal-state")).to_have_text("已答复")
    expect(page.locator("#proposal-answer")).to_contain_text("儿童候诊角")
    expect(page.locator("#close-form")).to_have_count(0)  # closing is the council's unit's
    no_names(page)
    screenshot(page, "council-proposal-answered", full_page=True)

    # 3. the town closes it with an outcome
    switch(page, log_in, "glz_tb", url)
    page.get_by_label("办理结果").select_option(label="采纳")
    page.get_by_label("办结说明").fill("已落实，议事会代表实地查看。")
    page.get_by_role("button", name="办结").click()
    expect(page.locator("#proposal-state")).to_have_text("已办结")
    expect(page.locator("#proposal-outcome")).to_have_text("采纳")
    history = page.locator("#history > li")
    for i, step in enumerate(["已提出", "已交办", "已答复", "已办结"]):
        expect(history.nth(i)).to_contain_text(step)
    screenshot(page, "council-proposal-closed", full_page=True)
    proposal.refresh_from_db()
    assert proposal.state == "closed" and proposal.outcome == "adopted"
