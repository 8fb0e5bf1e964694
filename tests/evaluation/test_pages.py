"""The evaluation pages over HTTP: the evaluator scores a task through the form, the summary
shows the evaluator's verdict and the engine's status side by side and marks where they
disagree, the Word and Excel files read back with what the page shows; and the evaluator can
read what they score against (dashboards, reports, evidence)."""
import io

import pytest
from docx import Document
from django.test import Client
from openpyxl import load_workbook

from cfcity.evaluation.models import Score
from cfcity.monitoring.reports.govdoc import east_asian_font
from cfcity.reporting import workflow
from tests.evaluation.factory import ev, stall  # noqa: F401  (the fixture)
from tests.test_reporting import PDF, county  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def login(user):
    c = Client()
    c.force_login(user)
    return c


def score_well(ev, client=None):
    """The evaluator scores task (2) 良好 (82.5) through the form, on a target the engine
    finds stalled."""
    stall(ev)
    c = client or login(ev["evaluator"])
    r = c.post(f"/evaluation/{ev['round'].pk}/tasks/{ev['task'].pk}/", {
        f"value-{ev['all_item'].pk}": "8.5", f"comment-{ev['all_item'].pk}": "托育机构建设推进有力",
        f"evidence-{ev['all_item'].pk}": f"/dashboard/{ev['plan'].pk}/tasks/{ev['task'].pk}/\njavascript:alert(1)",
        f"value-{ev['doc_item'].pk}": "4", f"value-{ev['task_item'].pk}": "16"})
    assert r.status_code == 302
    return c


def test_the_evaluator_scores_through_the_form_and_errors_keep_what_was_typed(ev):
    c = login(ev["evaluator"])
    url = f"/evaluation/{ev['round'].pk}/tasks/{ev['task'].pk}/"
    r = c.post(url, {f"value-{ev['all_item'].pk}": "11", f"comment-{ev['all_item'].pk}": "超出满分",
                     f"value-{ev['doc_item'].pk}": "3"})
    assert r.status_code == 422
    page = r.content.decode()
    assert "得分应在 0 到 10 分之间" in page and "超出满分" in page and 'value="11"' in page
    assert list(Score.objects.values_list("item__title", "value")) == [("佐证材料", 3)]  # the valid one is kept
    score_well(ev, c)
    page = c.get(url).content.decode()
    assert "评估结论" in page and "良好" in page and "严重滞后" in page and "结论不一致" in page


def test_summary_page_shows_both_verdicts_and_marks_the_disagreement(ev):
    score_well(ev)
    page = login(ev["leader"]).get(f"/evaluation/{ev['round'].pk}/summary/").content.decode()
    row = page.split(f'id="task-{ev["task"].pk}"', 1)[1].split("</tr>", 1)[0]
    assert "82.5" in row and "良好" in row and "严重滞后" in row and "不一致" in row
    assert f'<tr id="task-{ev["task"].pk}" class="disagree">' in page
    assert page.count('class="disagree"') == 1  # the other tasks are not scored: nothing to compare
    tail = page.split("结论不一致的任务", 1)[1]
    assert "托育机构建设推进有力" in tail and "严重滞后" in tail and "明显好于" in tail
    assert "优秀（90 分及以上）" in page
    # the evaluator's references: only this site's addresses become links
    view = login(ev["leader"]).get(f"/evaluation/{ev['round'].pk}/tasks/{ev['task'].pk}/").content.decode()
    assert f'href="/dashboard/{ev["plan"].pk}/tasks/{ev["task"].pk}/"' in view
    assert 'href="javascript' not in view and "javascript:alert(1)" in view


def test_word_and_excel_read_back(ev):
    c = score_well(ev)
    r = c.get(f"/evaluation/{ev['round'].pk}/summary.docx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2024年度第三方评估结果报告" in text and "结论不一致的任务" in text and "托育机构建设推进有力" in text
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert east_asian_font(title.runs[0]) == "宋体"
    cells = {(row.cells[0].text, row.cells[1].text, row.cells[2].text, row.cells[3].text, row.cells[4].text)
             for row in doc.tables[1].rows}
    assert (str(ev["task"]), "82.5", "良好", "严重滞后", "不一致") in cells
    r = c.get(f"/evaluation/{ev['round'].pk}/summary.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["任务得分", "汇总", "评分明细"]
    rows = list(wb["任务得分"].iter_rows(values_only=True))
    mine = next(x for x in rows[1:] if x[0] == ev["task"].number)
    assert mine[5] == 82.5 and mine[6] == "良好" and mine[7] == "严重滞后" and "明显好于" in mine[8]
    overall = [x for x in wb["汇总"].iter_rows(values_only=True) if x[0] == "总体"][0]
    assert overall[4] == 82.5 and overall[5] == "良好"
    detail = [x for x in wb["评分明细"].iter_rows(values_only=True) if x[0] == ev["task"].number]
    assert sorted((x[1], x[4]) for x in detail) == [("任务完成", 8.5), ("佐证材料", 4), ("普惠托育专项", 16)]


def test_the_coordinator_builds_the_checklist_and_closes_the_round(ev):
    c = login(ev["coordinator"])
    url = f"/evaluation/{ev['round'].pk}/"
    r = c.post(url, {"title": "负权重", "weight": "-1", "max_score": "10"})
    assert r.status_code == 422 and ev["round"].items.count() == 3
    assert c.post(url, {"title": "儿童参与", "weight": "1.5", "max_score": "10"}).status_code == 302
    page = c.get(url).content.decode()
    assert "weight-total\">7.5</span>" in page, page.split("评估细则（")[1][:200]
    assert "儿童参与" in page
    r = c.post("/evaluation/", {"plan": ev["plan"].pk, "name": "2025年度评估", "year": "2025"})
    assert r.status_code == 302 and "2025年度评估" in c.get("/evaluation/").content.decode()
    assert c.post(f"{url}close/").status_code == 302
    page = c.get(url).content.decode()
    assert "已关闭" in page and "添加细则" not in page
    r = login(ev["evaluator"]).post(f"{url}tasks/{ev['task'].pk}/", {f"value-{ev['all_item'].pk}": "5"})
    assert r.status_code == 422 and "已锁定" in r.content.decode() and not Score.objects.exists()


def test_another_countys_coordinator_cannot_create_a_round_on_this_plan(ev):
    r = login(ev["other_coordinator"]).post("/evaluation/", {"plan": ev["plan"].pk, "name": "x", "year": "2024"})
    assert r.status_code == 422 and ev["plan"].evaluation_rounds.count() == 1


def test_the_evaluator_reads_what_they_score_against(ev, settings, tmp_path):
    """Dashboards, the units' reports and their evidence, the reporting pages: read-only."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    report = workflow.open_report(ev["task"], ev["health"], ev["period"], user=ev["reporter"])
    evidence = workflow.add_evidence(report, user=ev["reporter"], name="托育机构名单.pdf", data=PDF)
    c = login(ev["evaluator"])
    plan, task = ev["plan"], ev["task"]
    for path in (f"/dashboard/{plan.pk}/", f"/dashboard/{plan.pk}/tasks/{task.pk}/", "/status/", "/review/",
                 f"/reports/{ev['period'].pk}/{task.pk}/{ev['health'].pk}/", f"/evidence/{evidence.pk}/"):
        assert c.get(path).status_code == 200, path
    assert c.get(f"/dashboard/{ev['other_plan'].pk}/").status_code == 404
    r = c.post(f"/reports/{ev['period'].pk}/{task.pk}/{ev['health'].pk}/", {"narrative": "x"})
    assert r.status_code == 403  # reads, never writes
    from cfcity.accounts import tokens
    _, token = tokens.create_token(ev["evaluator"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get(f"/api/plans/{plan.pk}/status", **auth).status_code == 200
    assert Client().get(f"/api/plans/{ev['other_plan'].pk}/status", **auth).status_code == 404


def test_the_monitoring_task_page_shows_the_evaluation_beside_the_engine(ev):
    score_well(ev)
    url = f"/dashboard/{ev['plan'].pk}/tasks/{ev['task'].pk}/"
    page = login(ev["leader"]).get(url).content.decode()
    panel = page.split('aria-label="第三方评估结论"', 1)[1].split("</section>", 1)[0]
    assert "2024年度第三方评估" in panel and "良好" in panel and "严重滞后" in panel and "结论不一致" in panel
    # a reporter sees the engine's page but not the evaluation (the evaluation pages refuse them)
    page = login(ev["reporter"]).get(url).content.decode()
    assert "第三方评估结论" not in page and "严重滞后" in page
    # a task nobody scored shows no panel
    other = ev["plan"].tasks.exclude(pk=ev["task"].pk).first()
    assert "第三方评估结论" not in login(ev["leader"]).get(f"/dashboard/{ev['plan'].pk}/tasks/{other.pk}/").content.decode()
