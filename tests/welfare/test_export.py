"""Exports of personal records (cfcity.welfare.export): only an approved, unexpired request of
one's own; an AES-256 zip opened with the password only; the same masks in Excel and CSV;
a watermark with who, when and why; formulas neutralised; recorded; a bulk export alerts."""
import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
import pyzipper
from django.utils import timezone

from cfcity.accounts.roles import Role
from cfcity.audit.models import AuditEntry
from cfcity.orgs.models import OrgUnit
from cfcity.welfare import export, masking, services
from cfcity.welfare.models import Alert, ExportRequest

from .factory import child, number, person

pytestmark = pytest.mark.django_db
PASSWORD = "Zq7-long-enough"
FORMULA = '=HYPERLINK("x")'  # guardian_relation holds 20 characters


@pytest.fixture
def setup(world):
    officer = person(world["office"], "mz_tz", Role.WELFARE_OFFICER)
    ids = [number(seq=11), number(seq=12)]
    a = child(officer, world["town"], world["village"], name="张小明", id_number=ids[0],
              guardian_name="李秀英", guardian_relation=FORMULA, address="@SUM(1+1) 桓台县果里镇东村")
    services.add_support(officer, a, kind="benefit", date=datetime.date(2025, 3, 1), amount=600, note="不导出的说明")
    b = child(officer, world["town"], world["village"], name="欧阳晓燕", id_number=ids[1], guardian_name="-1+2",
              categories=["left_behind", "disabled"])
    req = services.request_export(officer, world["town"], "年度核查困境儿童保障情况")
    req = services.decide_export(world["coordinator"], req, approve=True)
    return {**world, "officer": officer, "a": a, "b": b, "ids": ids, "req": req}


def open_archive(data: bytes, password=PASSWORD) -> dict[str, bytes]:
    with pyzipper.AESZipFile(io.BytesIO(data)) as zf:
        zf.setpassword(password.encode())
        return {n: zf.read(n) for n in zf.namelist()}


def sheets(files):
    xlsx = next(v for k, v in files.items() if k.endswith(".xlsx"))
    text = next(v for k, v in files.items() if k.endswith(".csv"))
    assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel and WPS expect
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    return xlsx, wb, list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_the_archive_is_aes_256_and_opens_only_with_the_password(setup):
    name, data = export.build_archive(setup["officer"], setup["req"], PASSWORD)
    assert name.endswith(".zip") and str(setup["req"].pk) in name
    # WinZip AES extra field (0x9901): vendor "AE", strength 3 = 256-bit, on every entry
    with zipfile.ZipFile(io.BytesIO(data)) as plain:
        infos = plain.infolist()
    assert len(infos) == 2 and all(i.flag_bits & 0x1 for i in infos)
    for i in infos:
        at = i.extra.index(b"\x01\x99")
        assert i.extra[at + 6:at + 8] == b"AE" and i.extra[at + 8] == 3
    assert sorted(n.rsplit(".", 1)[1] for n in open_archive(data)) == ["csv", "xlsx"]
    with pytest.raises(RuntimeError):
        open_archive(data, "wrong-password-0")
    # nothing readable without the password: no name, no number, not even compressed text
    assert "张小明".encode() not in data and setup["ids"][0].encode() not in data


def test_masks_are_the_same_in_excel_and_csv_and_nothing_is_in_clear(setup):
    _, data = export.build_archive(setup["officer"], setup["req"], PASSWORD)
    files = open_archive(data)
    xlsx, wb, rows = sheets(files)
    ws = wb.active
    xrows = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert xrows == rows[1:]  # header and every record identical, cell by cell
    assert rows[1] == export.HEADER
    by_id = {r[0]: dict(zip(export.HEADER, r)) for r in rows[2:]}
    a, b = by_id[str(setup["a"].pk)], by_id[str(setup["b"].pk)]
    assert (a["姓名"], b["姓名"]) == ("张*明", "欧**燕")
    assert a["身份证号码"] == masking.id_number(setup["ids"][0]) == setup["ids"][0][:4] + "*" * 10 + setup["ids"][0][-4:]
    assert a["出生日期"] == "2015-**-**" and a["监护人电话"] == "138****5678" and a["监护人姓名"] == "李*英"
    assert a["困境类别"] == "孤儿" and set(b["困境类别"].split("、")) == {"农村留守儿童", "残疾儿童"}
    assert a["保障情况"] == "基本生活保障金 2025-03-01 600.00元" and b["保障情况"] == ""
    # the full identity appears nowhere in either file (the xlsx's XML parts included)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as parts:
        xml = b"".join(parts.read(n) for n in parts.namelist())
    for blob in (xml, files[next(k for k in files if k.endswith(".csv"))]):
        for secret in ("张小明", "欧阳晓燕", setup["ids"][0], setup["ids"][1], "13812345678", "不导出的说明", "李秀英"):
            assert secret.encode() not in blob, secret


def test_formulas_are_neutralised_in_both_formats(setup):
    _, data = export.build_archive(setup["officer"], setup["req"], PASSWORD)
    xlsx, wb, rows = sheets(open_archive(data))
    ws = wb.active
    col = {h: i for i, h in enumerate(export.HEADER)}
    row_a = next(r for r in ws.iter_rows(min_row=3) if r[0].value == str(setup["a"].pk))
    row_b = next(r for r in ws.iter_rows(min_row=3) if r[0].value == str(setup["b"].pk))
    assert row_a[col["监护人关系"]].value == "'" + FORMULA and row_a[col["监护人关系"]].data_type == "s"
    assert row_a[col["家庭住址"]].value.startswith("'@SUM")
    assert row_b[col["监护人姓名"]].value == "'-**2"  # a masked value can start with "-" too
    with zipfile.ZipFile(io.BytesIO(xlsx)) as parts:
        sheet = parts.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet  # no formula cell at all
    for r in rows:
        for cell in r:
            assert not cell.startswith(export.DANGEROUS), cell
    assert [r for r in rows if r[0] == str(setup["a"].pk)][0][col["监护人关系"]] == "'" + FORMULA


def test_neutralise():
    assert [export.neutralise(v) for v in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "a=b", "", None, 5]] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "a=b", "", "", "5"]


def test_the_watermark_names_who_when_and_why_in_every_place(setup):
    when = timezone.localtime()
    _, data = export.build_archive(setup["officer"], setup["req"], PASSWORD)
    files = open_archive(data)
    _, wb, rows = sheets(files)
    mark = rows[0][0]
    req = setup["req"]
    assert mark.startswith("导出人：mz_tz（县妇儿工委办公室）导出时间：")
    stamp = datetime.datetime.strptime(mark.split("导出时间：")[1][:16], "%Y-%m-%d %H:%M")
    assert abs(stamp - when.replace(tzinfo=None, second=0, microsecond=0)) <= datetime.timedelta(minutes=1)
    assert f"申请编号：{req.pk} 用途：年度核查困境儿童保障情况" in mark and mark.endswith("仅限本次用途，30 日内销毁")
    ws = wb.active
    assert ws["A1"].value == mark and "A1:N1" in {str(r) for r in ws.merged_cells.ranges}
    assert wb.properties.creator == "mz_tz" and wb.properties.description == mark
    assert str(req.pk) in wb.properties.title
    assert ws.oddHeader.center.text == mark and ws.oddFooter.center.text == mark


def test_a_download_is_recorded_without_the_password_and_counted(setup):
    export.build_archive(setup["officer"], setup["req"], PASSWORD)
    export.build_archive(setup["officer"], setup["req"], PASSWORD + "x")
    assert ExportRequest.objects.get(pk=setup["req"].pk).downloads == 2
    entries = AuditEntry.objects.filter(action="welfare.export.downloaded").order_by("pk")
    assert [(e.actor_name, e.data["rows"], e.data["download"]) for e in entries] == [("mz_tz", 2, 1), ("mz_tz", 2, 2)]
    assert entries[0].data["supports"] == 1
    everything = "".join(str(e.data) + e.object_repr for e in AuditEntry.objects.all())
    assert PASSWORD not in everything and "张小明" not in everything
    assert not Alert.objects.exists()


def test_a_bulk_export_alerts_the_coordinator(setup, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.WELFARE = {**settings.WELFARE, "bulk_export_rows": 1}
    setup["coordinator"].email = "fgw@example.cn"
    setup["coordinator"].save()
    with django_capture_on_commit_callbacks(execute=True):
        export.build_archive(setup["officer"], setup["req"], PASSWORD)
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.BULK_EXPORT and alert.actor == setup["officer"]
    assert alert.area == setup["county"] and "2 条" in alert.detail
    assert [m.to for m in mailoutbox] == [["fgw@example.cn"]] and "批量导出" in mailoutbox[0].subject


@pytest.mark.parametrize("case,message", [
    ("pending", "未获批准"), ("refused", "未获批准"), ("expired", "已过期"), ("someone_else", "只有申请人"),
    ("short_password", "至少 10 个字符"),
])
def test_refused_downloads_write_nothing(setup, case, message):
    req, user, password = setup["req"], setup["officer"], PASSWORD
    if case == "pending":
        req = services.request_export(user, setup["town"], "再次核查保障情况")
    elif case == "refused":
        req = services.decide_export(setup["coordinator"],
                                     services.request_export(user, setup["town"], "再次核查保障情况"), approve=False)
    elif case == "expired":
        assert req.expires_at - req.decided_at == datetime.timedelta(days=30)
        ExportRequest.objects.filter(pk=req.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        req.refresh_from_db()
    elif case == "someone_else":
        user = person(setup["office"], "mz_2", Role.WELFARE_OFFICER)
    else:
        password = "short-pw"
    with pytest.raises(services.WelfareError, match=message):
        export.build_archive(user, req, password)
    assert not AuditEntry.objects.filter(action="welfare.export.downloaded").exists()
    assert ExportRequest.objects.get(pk=req.pk).downloads == 0


def test_only_the_requested_area_is_exported(setup):
    other_village = OrgUnit.objects.create(name="北村", kind=OrgUnit.Kind.VILLAGE, parent=setup["town2"])
    officer = type(setup["officer"]).objects.get(pk=setup["officer"].pk)  # a new request: scope read again
    c = child(officer, setup["town2"], other_village, name="王小红")
    _, data = export.build_archive(setup["officer"], setup["req"], PASSWORD)
    _, _, rows = sheets(open_archive(data))
    assert str(c.pk) not in {r[0] for r in rows[2:]} and len(rows) == 4
