"""Bulk entry by Excel: template out, filled, uploaded, values stored; bad uploads refused
whole, with problems per row and cell."""
import io

import pytest
from openpyxl import load_workbook

from cfcity.reporting import excel
from cfcity.reporting.models import Report
from tests.test_reporting import county  # noqa: F401  (the fixture)
from tests.test_reporting_pages import login as client_for

pytestmark = pytest.mark.django_db




def template(county):
    r = client_for(county["reporter"]).get(f"/my/{county['period'].pk}/template.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r["Content-Disposition"]
    return load_workbook(io.BytesIO(r.content))


def upload(county, wb_or_bytes, name="填报表.xlsx", client=None):
    if not isinstance(wb_or_bytes, bytes):
        buf = io.BytesIO()
        wb_or_bytes.save(buf)
        wb_or_bytes = buf.getvalue()
    from django.core.files.uploadedfile import SimpleUploadedFile
    return (client or client_for(county["reporter"])).post(f"/my/{county['period'].pk}/upload/",
                                               {"sheet": SimpleUploadedFile(name, wb_or_bytes)})


def test_template_filled_and_uploaded_stores_the_values(county):
    wb = template(county)
    ws, ns = wb[excel.VALUES_SHEET], wb[excel.NARRATIVE_SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3]) for r in rows] == [(2, "每千人口3岁以下婴幼儿托位数", "个")]
    ws["E2"] = 3.6
    ws["F2"] = "含新建机构两家"
    ns["C2"] = "推进中"
    ns["D2"] = "新增普惠托位120个。"
    r = upload(county, wb)
    assert r.status_code == 302
    report = Report.objects.get()
    assert (str(report.values.get().value.normalize()), report.values.get().comment) == ("3.6", "含新建机构两家")
    assert (report.stage, report.narrative, report.status) == ("in_progress", "新增普惠托位120个。", "draft")
    assert report.events.get().action == "saved"
    # the next template shows what was stored
    again = template(county)
    assert again[excel.VALUES_SHEET]["E2"].value == 3.6


def test_a_sheet_with_any_error_saves_nothing_and_lists_each_cell(county):
    wb = template(county)
    ws, ns = wb[excel.VALUES_SHEET], wb[excel.NARRATIVE_SHEET]
    ws["E2"] = "很多"
    ns["C2"] = "差不多了"
    ns["D2"] = "写了进展"
    r = upload(county, wb)
    html = r.content.decode()
    assert r.status_code == 422 and "没有保存任何内容" in html
    assert "不是数字" in html and "进展状态" in html and "<td class=\"num\">2</td>" in html
    assert Report.objects.count() == 0


def test_a_template_of_another_unit_or_a_changed_header_is_refused(county):
    wb = template(county)
    wb[excel.META_SHEET]["B2"] = 999999
    assert "其他单位" in upload(county, wb).content.decode()
    wb = template(county)
    wb[excel.VALUES_SHEET]["E1"] = "数值"
    assert "表头被改动过" in upload(county, wb).content.decode()
    wb = template(county)
    wb[excel.VALUES_SHEET].append([99, "自己加的任务", "指标", "个", 1, "", "", 123456, 654321])
    assert "不承担这项任务" in upload(county, wb).content.decode()
    assert Report.objects.count() == 0


@pytest.mark.parametrize("name,data,message", [
    ("假的.xlsx", b"%PDF-1.4 this is not a workbook", "不是 Excel"),
    ("空.xlsx", b"PK\x03\x04" + b"\x00" * 40, "不是 Excel"),
    ("别的表.xlsx", None, "不是本系统下载的填报模板"),
])
def test_wrong_files(county, name, data, message):
    if data is None:
        from openpyxl import Workbook
        buf = io.BytesIO()
        Workbook().save(buf)
        data = buf.getvalue()
    r = upload(county, data, name)
    assert r.status_code == 422 and message in r.content.decode()


def test_a_50_mb_upload_is_refused_before_it_is_read(county):
    reporter = client_for(county["reporter"])
    r = upload(county, b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024), "巨大.xlsx", client=reporter)
    assert r.status_code == 302
    r = reporter.get(r["Location"])
    assert "文件过大" in r.content.decode()
    assert Report.objects.count() == 0


def test_accepted_reports_cannot_be_changed_through_the_sheet(county):
    from cfcity.reporting import workflow
    target = county["task"].targets.get()
    report = workflow.open_report(county["task"], county["health"], county["period"], user=county["reporter"])
    report = workflow.save_report(report, user=county["reporter"], version=report.version, narrative="已完成",
                                  values={target.pk: "3.2"})
    for step, who in ((workflow.submit, "reporter"), (workflow.approve, "approver"), (workflow.accept, "coordinator")):
        report = step(report, user=county[who])
    wb = template(county)
    wb[excel.VALUES_SHEET]["E2"] = 9
    r = upload(county, wb)
    assert r.status_code == 422 and "不能在表格中修改" in r.content.decode()
    report.refresh_from_db()
    assert str(report.values.get().value.normalize()) == "3.2"
