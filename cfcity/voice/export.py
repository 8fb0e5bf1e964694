"""The coordinator's workbook of approved messages: the scrubbed text only, never the
original (it is not even read), cells neutralised against formula injection."""
from __future__ import annotations

import io

from django.utils import timezone

from cfcity.welfare.export import neutralise

from .models import Message


def approved_xlsx(queryset) -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "儿童留言"
    ws.append(["编号", "收到时间", "镇（街道）", "年龄段", "类别", "关于", "留言（已去除个人信息）", "公开引用"])
    rows = (queryset.filter(state=Message.State.APPROVED).select_related("town")
            .defer("original", "response_note").order_by("created_at", "pk"))
    for m in rows:
        ws.append([m.pk, timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M"),
                   neutralise(m.town.name if m.town else ""), m.get_age_band_display() if m.age_band else "",
                   m.get_topic_display(), m.get_about_display(), neutralise(m.scrubbed),
                   neutralise(m.quote_text if m.quote_state == Message.Quote.APPROVED else "")])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
