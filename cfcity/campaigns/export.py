"""The Excel list of a campaign's works: what the public page could show (code, kind, title,
description as scrubbed, pseudonym, age band, town) and the moderation state — never a name,
a guardian or an address (they are not collected). Cells are neutralised against formula
injection (a leading ``'`` before = + - @)."""
from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import Campaign

HEADER = ["作品编号", "类别", "作品名称", "作品说明", "笔名", "年龄段", "镇（街道）", "状态", "提交时间",
          "审核时间", "未通过原因"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def rows(campaign: Campaign):
    for w in campaign.submissions.select_related("town").order_by("submitted_at", "pk"):
        yield [w.code, w.get_kind_display(), w.title, w.description, w.pseudonym, w.get_age_band_display(),
               w.town.name if w.town else "", w.get_state_display(), _when(w.submitted_at), _when(w.moderated_at),
               w.reject_reason]


def build(campaign: Campaign) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "征集作品"
    ws.append([neutralise(campaign.title)])
    ws["A1"].font = Font(bold=True)
    ws.append(HEADER)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows(campaign):
        ws.append([neutralise(v) for v in row])
    for col, width in zip("ABCDEFGHIJK", (12, 8, 24, 40, 14, 10, 14, 10, 17, 17, 24)):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
