"""The 督查通报 (Word) and the 整改台账 (Excel) read back and compared with the pages, cell by
cell; the ledger's state filter on the page and in the file alike."""
import io
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from cfcity.monitoring.reports.govdoc import east_asian_font
from cfcity.supervision import exports, services

from .conftest import PDF

pytestmark = pytest.mark.django_db


class Table(HTMLParser):
    """The cells of the table with ``id`` on an HTML page."""

    def __init__(self, table_id):
        super().__init__()
        self.id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def page_table(response, table_id):
    assert response.status_code == 200
    t = Table(table_id)
    t.feed(response.content.decode())
    return t.rows


def client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def progressed(sv):
    services.answer(sv["finding"], user=sv["health_reporter"], text="已核对 12 个托位。", files=[("台账.pdf", PDF)])
    services.close(sv["finding"], user=sv["inspector"])
    return sv


def test_the_supervision_report_holds_what_the_page_shows(progressed):
    c = client(progressed["coordinator"])
    shown = page_table(c.get(f"/supervision/{progressed['inspection'].pk}/"), "findings")
    assert shown[0] == exports.FINDING_HEADERS and len(shown) == 3
    assert shown[1][1:] == ["县卫生健康局", "普惠托位台账与实际不符。", "较重", "逐一核对托位，更新台账。",
                            "2024年6月30日", "已销号"]
    assert shown[2][-1] == "待整改（逾期）"
    r = c.get(f"/supervision/{progressed['inspection'].pk}/report.docx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    doc = Document(io.BytesIO(r.content))
    assert doc.paragraphs[0].text == "关于托育服务“四不两直”暗访情况的通报"
    assert doc.paragraphs[0].style.name == "Title" and east_asian_font(doc.paragraphs[0].runs[0]) == "宋体"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "“四不两直”暗访" in text and "ducha、张三、第三方评估机构李四" in text
    assert "共发现问题 2 个，其中严重 0 个、较重 1 个、一般 1 个" in text and "已销号 1 个" in text
    (table,) = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == shown


def test_the_ledger_file_holds_what_the_page_shows_and_filters_alike(progressed):
    c = client(progressed["leader"])
    for state, count in (("", 2), ("closed", 1), ("open", 1), ("overdue", 1), ("answered", 0)):
        q = f"?state={state}" if state else ""
        shown = page_table(c.get(f"/supervision/ledger/{q}"), "ledger")
        assert shown[0] == exports.LEDGER_HEADERS
        body = [r for r in shown[1:] if len(r) > 1]
        assert len(body) == count
        r = c.get(f"/supervision/ledger.xlsx{q}")
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(r.content)).active
        rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        assert rows == [exports.LEDGER_HEADERS, *body]
    closed = page_table(c.get("/supervision/ledger/?state=closed"), "ledger")[1]
    assert closed[4] == "县卫生健康局" and closed[10] == "已销号" and closed[12] == "已核对 12 个托位。"
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", closed[13])


def test_a_unit_ledger_and_pages_hold_only_its_own(progressed):
    c = client(progressed["town_reporter"])
    rows = page_table(c.get("/supervision/ledger/"), "ledger")[1:]
    assert [r[4] for r in rows] == ["果里镇"]
    ws = load_workbook(io.BytesIO(c.get("/supervision/ledger.xlsx").content)).active
    assert [r[4] for r in ws.iter_rows(min_row=2, values_only=True)] == ["果里镇"]
    page = c.get(f"/supervision/{progressed['inspection'].pk}/").content.decode()
    assert "儿童之家未按时开放" in page and "普惠托位台账" not in page and "下载督查通报" not in page


def test_a_finding_page_shows_the_forms_to_whoever_may_act(sv):
    url = f"/supervision/findings/{sv['finding'].pk}/"
    assert 'id="answer-form"' in client(sv["health_reporter"]).get(url).content.decode()
    for who in ("inspector", "leader"):
        body = client(sv[who]).get(url).content.decode()
        assert 'id="answer-form"' not in body and 'id="review-form"' not in body
    services.answer(sv["finding"], user=sv["health_reporter"], text="已整改。")
    assert 'id="review-form"' in client(sv["inspector"]).get(url).content.decode()
    assert 'id="review-form"' not in client(sv["leader"]).get(url).content.decode()
    # a reopening without a comment is refused on the page, nothing changes
    r = client(sv["inspector"]).post(url, {"action": "reopen", "comment": ""})
    assert r.status_code == 200 and "写明" in r.content.decode()
    sv["finding"].refresh_from_db()
    assert sv["finding"].status == "answered"


def test_an_upload_that_is_not_evidence_is_refused_on_the_page(sv):
    from django.core.files.uploadedfile import SimpleUploadedFile
    url = f"/supervision/findings/{sv['finding'].pk}/"
    r = client(sv["health_reporter"]).post(url, {"action": "answer", "text": "已整改",
                                                 "files": [SimpleUploadedFile("a.pdf", b"<html>not a pdf")]})
    assert r.status_code == 200 and "不是可接受的类型" in r.content.decode()
    sv["finding"].refresh_from_db()
    assert sv["finding"].status == "open"


def test_an_inspection_is_recorded_through_its_page(sv):
    from cfcity.audit.models import AuditEntry
    from cfcity.supervision.models import Inspection
    c = client(sv["inspector"])
    page = c.get("/supervision/new/").content.decode()
    assert "临淄区" not in page  # another county's plan and units are not offered
    task = sv["plan"].tasks.get(number=3)
    r = c.post("/supervision/new/", {"plan": sv["plan"].pk, "kind": "interview", "title": "进度滞后约谈",
                                     "date": "2025-03-03", "team": [sv["inspector"].pk], "team_names": "王五",
                                     "units": [sv["edu"].pk, sv["town2"].pk], "tasks": [task.pk], "summary": "约谈"})
    ins = Inspection.objects.get(title="进度滞后约谈")
    assert r.status_code == 302 and r["Location"] == f"/supervision/{ins.pk}/"
    assert ins.get_kind_display() == "约谈" and {u.name for u in ins.units.all()} == {"县教育体育局", "索镇"}
    assert list(ins.tasks.all()) == [task] and list(ins.team.all()) == [sv["inspector"]]
    assert AuditEntry.objects.filter(action="supervision.inspection.created", object_id=str(ins.pk)).exists()
    # a unit of another county cannot be slipped in
    other = sv["other_edu"].pk
    r = c.post("/supervision/new/", {"plan": sv["plan"].pk, "kind": "regular", "title": "越界", "date": "2025-03-03",
                                     "units": [other]})
    assert r.status_code == 200 and not Inspection.objects.filter(title="越界").exists()
