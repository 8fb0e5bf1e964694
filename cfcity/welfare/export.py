"""An approved export of personal records, made at download: masked rows (the same masks as
the register's pages, cfcity.welfare.masking) as an Excel sheet and a CSV file, both
watermarked with who exported them, when, and why, in an AES-256 encrypted zip whose
password the requester types (never stored, never logged).

Every cell is neutralised against formula injection: a value that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a guardian's name typed as
``=HYPERLINK(…)`` stays text in Excel, WPS and LibreOffice. More rows than
``WELFARE["bulk_export_rows"]`` raises an alert to the coordinator.
"""
from __future__ import annotations

import csv
import io

import pyzipper
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cfcity.audit.services import log_action
from cfcity.orgs.tree import descendant_ids

from . import access, masking, services
from .models import Alert, Category, Child, ExportRequest, SupportKind

MIN_PASSWORD = 10
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ["记录编号", "镇（街道）", "村（社区）", "姓名", "身份证号码", "性别", "出生日期", "监护人姓名",
          "监护人关系", "监护人电话", "家庭住址", "困境类别", "保障情况", "状态"]


def neutralise(value) -> str:
    """A cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def watermark(user, req: ExportRequest, when) -> str:
    unit = access.membership(user)
    unit_name = unit.org_unit.name if unit else ""
    return (f"导出人：{user.get_username()}（{unit_name}）导出时间：{timezone.localtime(when):%Y-%m-%d %H:%M} "
            f"申请编号：{req.pk} 用途：{req.reason} "
            f"仅限本次用途，{services.conf('export_days')} 日内销毁")


def records(user, req: ExportRequest):
    """The records of the request's area that the requester may see (anonymised ones hold
    no identity and are left out)."""
    return (access.children_for(user).filter(village_id__in=descendant_ids([req.org_unit_id]),
                                             anonymised_at__isnull=True)
            .select_related("town", "village").prefetch_related("categories", "supports")
            .order_by("town__order", "town__name", "village__order", "village__name", "pk"))


def row(child: Child) -> list[str]:
    cats = "、".join(Category(c.category).label for c in child.categories.all())
    supports = "；".join(
        f"{SupportKind(s.kind).label} {s.date:%Y-%m-%d}" + (f" {s.amount}元" if s.amount is not None else "")
        for s in child.supports.all())  # the free-text note is left out: it cannot be masked
    return [str(child.pk), child.town.name, child.village.name, masking.name(child.name),
            masking.id_number(child.id_number), child.get_sex_display(), masking.birth_date(child.birth_date),
            masking.name(child.guardian_name), child.guardian_relation, masking.phone(child.guardian_phone),
            masking.address(child.address), cats, supports, child.get_status_display()]


def _xlsx(mark: str, rows: list[list[str]], user, req: ExportRequest) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "困境儿童信息（脱敏）"
    ws.append([neutralise(mark)])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    for line in ws.iter_rows():
        for cell in line:
            cell.data_type = "s"  # text, whatever openpyxl guessed
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(bold=True, color="C00000")
    ws["A1"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[1].height = 36
    for cell in ws[2]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A3"
    footer = mark.replace("&", "&&")  # & starts a header/footer code
    ws.oddHeader.center.text = footer
    ws.oddFooter.center.text = footer
    ws.evenHeader.center.text = footer
    ws.evenFooter.center.text = footer
    p = wb.properties
    p.creator = p.lastModifiedBy = user.get_username()
    p.title = f"困境儿童信息导出（申请编号 {req.pk}）"
    p.subject = p.description = mark
    p.keywords = f"cfcity 导出 {req.pk}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(mark: str, rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(mark)])
    w.writerow(HEADER)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")  # Excel and WPS read UTF-8 with the BOM


def _zip(files: dict[str, bytes], password: str) -> bytes:
    buf = io.BytesIO()
    with pyzipper.AESZipFile(buf, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(password.encode("utf-8"))
        zf.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def build_archive(user, req: ExportRequest, password: str) -> tuple[str, bytes]:
    """The encrypted archive for an approved, unexpired request of ``user``'s; recorded."""
    why = services.export_usable(req, user)
    if why:
        raise services.WelfareError(why)
    if len(password or "") < MIN_PASSWORD:
        raise services.WelfareError({"password": f"压缩包密码至少 {MIN_PASSWORD} 个字符"})
    now = timezone.now()
    mark = watermark(user, req, now)
    children = list(records(user, req))
    rows = [[neutralise(v) for v in row(c)] for c in children]
    base = f"welfare-export-{req.pk}-{timezone.localtime(now):%Y%m%d-%H%M}"
    archive = _zip({f"{base}.xlsx": _xlsx(mark, rows, user, req), f"{base}.csv": _csv(mark, rows)}, password)
    limit = services.conf("bulk_export_rows")
    with transaction.atomic():
        ExportRequest.objects.filter(pk=req.pk).update(downloads=F("downloads") + 1)
        req.refresh_from_db(fields=["downloads"])
        log_action("welfare.export.downloaded", actor=user, obj=req, org_unit=req.org_unit,
                   data={"rows": len(rows), "supports": sum(len(c.supports.all()) for c in children),
                         "formats": ["xlsx", "csv"], "download": req.downloads})
        if len(rows) > limit:
            services.raise_alert(Alert.Kind.BULK_EXPORT, actor=user, area=access.area_of_user(user) or req.org_unit,
                                 detail=f"{user.get_username()} 下载导出（申请编号 {req.pk}）共 {len(rows)} 条个人信息"
                                        f"（提醒阈值 {limit} 条）")
    return f"{base}.zip", archive
