"""Property-based tests of the two Excel imports: the org sheet (``orgs.excel.import_tree``,
behind ``cfcity orgs import``) and the unit's filled-in template (``reporting.excel`` behind
/my/<period>/upload/). Random workbooks and damaged bytes are refused whole with a Chinese
message; nothing is written unless the whole sheet is right; nothing but the module's own
error ever escapes."""
from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from cfcity.orgs import excel as orgs_excel
from cfcity.orgs.models import OrgUnit
from cfcity.reporting.models import Report, ReportValue
from tests.test_reporting import county  # noqa: F401  (the fixture)
from tests.test_reporting_pages import login

from .fuzzing import FIELD_TEXT, HOSTILE, NUMERALS, fuzz

pytestmark = pytest.mark.django_db
CJK_RE = re.compile(r"[\u4e00-\u9fff]")

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
TEXT = (FIELD_TEXT | NUMERALS | st.sampled_from(HOSTILE)).map(lambda s: NOT_XML.sub("", s))  # what a cell can hold
CELL = (st.none() | st.booleans() | st.integers(-10 ** 20, 10 ** 20) | st.floats(allow_nan=True, allow_infinity=False)
        | TEXT | st.dates() | st.datetimes()
        | st.sampled_from(["=1/0", "=A1", "=HYPERLINK(\"http://x\")", "#DIV/0!"]))


def xlsx(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@st.composite
def damaged(draw, data: bytes) -> bytes:
    """``data`` truncated, or with a few bytes overwritten, or with junk in front."""
    how = draw(st.sampled_from(["truncate", "flip", "prefix"]))
    if how == "truncate":
        return data[:draw(st.integers(0, len(data) - 1))]
    if how == "prefix":
        return draw(st.binary(min_size=1, max_size=64)) + data
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
    return bytes(out)


# --- the org sheet -----------------------------------------------------------------------

HEADERS = [h for _, h in orgs_excel.COLUMNS]


@st.composite
def org_sheets(draw):
    wb = Workbook()
    ws = wb.active
    ws.title = draw(st.sampled_from([orgs_excel.SHEET_TITLE, "Sheet", "单位表"]))
    header = draw(st.permutations(HEADERS).flatmap(lambda hs: st.lists(st.sampled_from(hs), max_size=len(hs))))
    for _ in range(draw(st.integers(0, 2))):
        ws.append(draw(st.lists(CELL, max_size=4)))
    ws.append(header or draw(st.lists(CELL, max_size=8)))
    for _ in range(draw(st.integers(0, 12))):
        ws.append(draw(st.lists(CELL | st.sampled_from(["桓台县", "桓台县/县教育体育局", "部门", "镇", "学校", "是", "否"]),
                                max_size=len(HEADERS) + 2)))
    return xlsx(wb)


def import_outcome(tmp_path, data: bytes, name="单位.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    before = OrgUnit.objects.count()
    try:
        result = orgs_excel.import_tree(path, dry_run=True)
    except orgs_excel.OrgSheetError as e:
        assert CJK_RE.search(str(e)), str(e)
        assert OrgUnit.objects.count() == before, "a refused sheet wrote units"
        return e
    assert OrgUnit.objects.count() == before, "a dry run wrote units"
    return result


@fuzz(40)
@given(org_sheets())
def test_random_org_sheets(tmp_path, sheet):
    import_outcome(tmp_path, sheet)


GOOD_ORG_SHEET = xlsx((lambda wb: (wb.active.append(HEADERS), wb.active.append(["桓台县", "地区", ""]), wb)[-1])(
    Workbook()))


@fuzz(40)
@given(damaged(GOOD_ORG_SHEET) | st.binary(max_size=2048))
def test_damaged_org_sheets(tmp_path, data):
    import_outcome(tmp_path, data)


# --- the reporting template upload ---------------------------------------------------------

@pytest.fixture
def template(county):
    r = login(county["reporter"]).get(f"/my/{county['period'].pk}/template.xlsx")
    assert r.status_code == 200
    return r.content


def post_sheet(county, data: bytes, name="填报表.xlsx"):
    before = (Report.objects.count(), ReportValue.objects.exclude(value=None).count())
    r = login(county["reporter"]).post(f"/my/{county['period'].pk}/upload/", {"sheet": SimpleUploadedFile(name, data)})
    assert r.status_code in (302, 422), r.status_code
    if r.status_code == 422:
        html = r.content.decode()
        assert "没有保存任何内容" in html and CJK_RE.search(html)
        assert (Report.objects.count(), ReportValue.objects.exclude(value=None).count()) == before, \
            "a refused sheet wrote something"
    return r


@st.composite
def filled(draw, template: bytes) -> bytes:
    """The real template with some cells (visible or hidden, any sheet) set to anything, and
    perhaps rows added or a sheet removed."""
    wb = load_workbook(io.BytesIO(template))
    names = wb.sheetnames
    for _ in range(draw(st.integers(1, 10))):
        ws = wb[draw(st.sampled_from(names))]
        row, col = draw(st.integers(1, 5)), draw(st.integers(1, 10))
        ws.cell(row=row, column=col, value=draw(CELL))
    if draw(st.integers(0, 9)) == 0:
        del wb[draw(st.sampled_from(names))]
    return xlsx(wb)


@fuzz(30)
@given(data=st.data())
def test_random_edits_of_the_template(county, template, data):
    post_sheet(county, data.draw(filled(template)))


@fuzz(30)
@given(data=st.data())
def test_damaged_templates(county, template, data):
    r = post_sheet(county, data.draw(damaged(template) | st.binary(max_size=2048)))
    assert r.status_code in (302, 422)
