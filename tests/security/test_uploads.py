"""Hostile uploads, through the real pages and commands: a zip bomb disguised as .xlsx to every
Excel reader (the unit's template upload, ``cfcity orgs import``, and a .docx bomb to
``cfcity plan parse``), an SVG with a script, an HTML page renamed .pdf, an executable, an
empty file and a huge one as report evidence. Each is refused with a Chinese message, nothing
is stored, and the memory the request takes stays bounded (traced with tracemalloc: a bomb
inflated by openpyxl would take gigabytes)."""
from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from cfcity import zipguard
from cfcity.orgs.models import OrgUnit
from cfcity.reporting import workflow
from cfcity.reporting.models import Evidence, Report, ReportValue
from tests.test_reporting import county  # noqa: F401  (the fixture)

from .fuzzing import zip_bomb

pytestmark = pytest.mark.django_db
MEMORY_BOUND = 64 * 1024 * 1024  # a request refusing any of these files stays well under it



XLSX_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "_rels/.rels": b"<Relationships/>"}


@pytest.fixture(scope="session")
def xlsx_bomb() -> bytes:
    """Half a megabyte on disk, 512 MB unpacked: more than any of our limits."""
    data = zip_bomb("xl/worksheets/sheet1.xml", 512, XLSX_PARTS)
    assert len(data) < 1024 * 1024
    return data


@pytest.fixture(scope="session")
def ratio_bomb() -> bytes:
    """Under every total limit (8 MB unpacked) but compressed a thousandfold: no real sheet."""
    return zip_bomb("xl/sharedStrings.xml", 8, XLSX_PARTS)


def bounded(call):
    """``call()``'s result, asserting the Python memory it allocated stayed under the bound."""
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"took {peak / 1024 / 1024:.0f} MB"
    return result


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- the template upload -----------------------------------------------------------------

def upload(county, data: bytes, name="填报表.xlsx"):
    return client_for(county["reporter"]).post(f"/my/{county['period'].pk}/upload/",
                                               {"sheet": SimpleUploadedFile(name, data)}, follow=True)


def assert_refused(county, r, *phrases):
    html = r.content.decode()
    assert r.status_code in (200, 422)
    for p in phrases:
        assert p in html, f"{p!r} not on the page"
    assert Report.objects.count() == 0 and ReportValue.objects.count() == 0


def test_a_zip_bomb_template_is_refused_unopened(county, xlsx_bomb):
    r = bounded(lambda: upload(county, xlsx_bomb))
    assert_refused(county, r, "没有保存任何内容", "压缩炸弹", "解压后")


def test_a_thousandfold_compressed_template_is_refused(county, ratio_bomb):
    assert_refused(county, bounded(lambda: upload(county, ratio_bomb)), "压缩比异常", "压缩炸弹")


def test_a_zip_of_ten_thousand_parts_is_refused(county):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(zipguard.MAX_MEMBERS + 1):
            z.writestr(f"xl/p{i}.xml", b"")
    assert_refused(county, upload(county, buf.getvalue()), "部件")


@pytest.mark.parametrize("name,data,phrase", [
    ("空.xlsx", b"", "文件是空的"),
    ("页面.xlsx", b"<html><script>alert(1)</script></html>", "不是 Excel"),
    ("图.xlsx", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "不是 Excel"),
    ("旧版.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 Excel"),
    ("文档.xlsx", None, "不是 Excel"),  # a real .docx renamed
    ("大.xlsx", b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024), "文件过大"),
])
def test_wrong_files_as_the_template(county, name, data, phrase):
    if data is None:
        data = zip_bomb("word/document.xml", 0, {"[Content_Types].xml": b"<Types/>"})
    assert_refused(county, bounded(lambda: upload(county, data, name)), phrase)


# --- the org sheet (cfcity orgs import) and the plan importer (a .docx bomb) ----------------

def test_a_zip_bomb_org_sheet_is_refused_unopened(tmp_path, xlsx_bomb):
    path = tmp_path / "单位.xlsx"
    path.write_bytes(xlsx_bomb)
    before = OrgUnit.objects.count()
    with pytest.raises(CommandError) as e:
        bounded(lambda: call_command("orgs", "import", str(path)))
    assert "压缩炸弹" in str(e.value) and "单位.xlsx" in str(e.value)
    assert OrgUnit.objects.count() == before


def test_a_ratio_bomb_org_sheet_is_refused(tmp_path, ratio_bomb):
    path = tmp_path / "单位.xlsx"
    path.write_bytes(ratio_bomb)
    with pytest.raises(CommandError, match="压缩比异常"):
        bounded(lambda: call_command("orgs", "import", str(path)))


def test_a_docx_bomb_plan_is_refused_unopened(tmp_path):
    path = tmp_path / "方案.docx"
    path.write_bytes(zip_bomb("word/document.xml", 256, {"[Content_Types].xml": b"<Types/>"}))
    with pytest.raises(CommandError, match="压缩炸弹"):
        bounded(lambda: call_command("plan", "parse", str(path)))


# --- evidence on the report form -----------------------------------------------------------

@pytest.fixture
def opened(county, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}
    county["report"] = workflow.open_report(county["task"], county["health"], county["period"],
                                            user=county["reporter"])
    county["media"] = tmp_path / "media"
    return county


def attach(c, name: str, data: bytes):
    report = Report.objects.get(pk=c["report"].pk)
    return client_for(c["reporter"]).post(
        f"/reports/{c['period'].pk}/{c['task'].pk}/{c['health'].pk}/",
        {"version": report.version, "action": "save", "narrative": "附材料",
         "evidence": SimpleUploadedFile(name, data)}, follow=True)


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b'<script>fetch("/accounts/password/")</script></svg>')


@pytest.mark.parametrize("name,data,phrase", [
    ("示意图.svg", SVG, "不是可接受的类型"),
    ("图片.png", SVG, "不是可接受的类型"),  # an SVG under an image name
    ("通知.pdf", b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
     "不是可接受的类型"),
    ("台账.xlsx", b"MZ\x90\x00\x03" + b"\0" * 200, "不是可接受的类型"),  # a Windows program
    ("说明.docx", b"PK\x03\x04" + b"\0" * 200, "不是可接受的类型"),  # a broken zip
    ("压缩包.docx", b"PK\x05\x06" + b"\0" * 18, "不是可接受的类型"),  # an empty zip
    ("空.pdf", b"", "是空的"),
    ("超大.pdf", b"%PDF-1.7\n" + b"0" * (workflow.MAX_EVIDENCE_BYTES + 10), "过大"),
])
def test_hostile_evidence_is_refused(opened, name, data, phrase):
    r = bounded(lambda: attach(opened, name, data))
    assert r.status_code == 200 and phrase in r.content.decode()
    assert Evidence.objects.count() == 0
    assert not any(p.is_file() for p in opened["media"].rglob("*")) if opened["media"].exists() else True


def test_a_real_pdf_is_kept_and_served_only_as_a_download(opened):
    """The control: the same path accepts a real file (so the refusals above are not a broken
    form), and serves it back as an attachment under its sniffed type."""
    r = attach(opened, "材料.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    assert "不是可接受的类型" not in r.content.decode()
    ev = Evidence.objects.get()
    d = client_for(opened["reporter"]).get(f"/evidence/{ev.pk}/")
    assert d["Content-Type"] == "application/pdf" and d["Content-Disposition"].startswith("attachment;")
