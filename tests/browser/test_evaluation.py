"""Third-party evaluation in a real browser, on the demo county: the evaluator ``pinggu``
opens the round, scores a task through the form, and reads the summary where the evaluator's
verdict and the engine's status stand side by side, disagreements marked. Screenshots:
var/screenshots/evaluation-*.png."""
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from cfcity.evaluation import summary
from cfcity.evaluation.models import Round, Score

PASSWORD = "桓台-评估-2025-口令"


@pytest.fixture
def county(demo_county):
    user = User.objects.get(username="pinggu")
    user.set_password(PASSWORD)
    user.save()
    return Round.objects.get()


def test_the_evaluator_scores_and_reads_the_summary(county, page, phone, log_in, screenshot):
    r = county
    log_in(page, "pinggu", PASSWORD, "/evaluation/")
    # the header's 推进落实 group opens on a click and holds the link
    page.locator("summary", has_text="推进落实").click()
    page.locator(".navmenu").get_by_role("link", name="第三方评估").click()
    page.get_by_role("link", name=r.name).click()
    expect(page.locator("#weight-total")).to_have_text("11")
    unscored = next(t for t in summary.build(r).tasks if t.scored == 0)
    page.goto(f"/evaluation/{r.pk}/tasks/{unscored.task.pk}/")
    inputs = page.locator("input[name^=value-]")
    inputs.first.fill("12")  # over full marks
    page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_role("alert").first).to_contain_text("分之间")
    for i in range(inputs.count()):
        inputs.nth(i).fill("9")
    page.locator("textarea[name^=comment-]").first.fill("实地查看，与报告一致")
    page.get_by_role("button", name="保存评分").click()
    expect(page.locator(".beside")).to_contain_text("优秀")
    assert Score.objects.filter(task=unscored.task).count() == inputs.count()
    screenshot(page, "evaluation-task", full_page=True)

    page.goto(f"/evaluation/{r.pk}/summary/")
    disagree = page.locator("tr.disagree")
    assert disagree.count() >= 1
    expect(page.locator(".beside.disagree").first).to_contain_text("结论不一致")
    screenshot(page, "evaluation-summary", full_page=True)
    log_in(phone, "pinggu", PASSWORD, f"/evaluation/{r.pk}/summary/")
    wide = phone.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                     && !e.closest('.table-scroll'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert not wide, f"the summary scrolls sideways on a phone: {wide}"
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(phone, "evaluation-summary-phone", full_page=True)
