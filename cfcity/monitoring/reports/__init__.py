"""The monitoring reports: the annual monitoring report (年度监测报告: Word, PDF, Excel) and
the quarterly progress bulletin (进度通报: Word, Excel).

``build(kind, plan, params, progress=…)`` makes one file and returns its bytes; the command
(``cfcity report``) writes them to a file, the background job (``monitoring.jobs``) stores
them for download. ``check`` turns what was asked for into parameters or a ``ReportError``.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from .common import CONTENT_TYPES, FORMAT_LABELS, FORMATS, KINDS, ReportError, check, filename, title

__all__ = ["build", "check", "filename", "title", "ReportError", "KINDS", "FORMATS", "FORMAT_LABELS", "CONTENT_TYPES"]

Progress = Callable[[int, str], None]


def _quiet(percent: int, message: str) -> None:
    pass


def build(kind: str, plan, params: dict, *, progress: Progress = _quiet,
          today: datetime.date | None = None) -> bytes:
    """The file for ``kind`` on ``plan`` (``params`` already checked), reporting its steps
    through ``progress(percent, message)``: 10 汇总数据, 40 绘制图表, 70 生成文档, 90 转换PDF."""
    from ..fonts import CJKFontMissing

    try:
        return _build(kind, plan, params, progress=progress, today=today)
    except CJKFontMissing as e:  # the charts cannot be drawn: say how to install a font
        raise ReportError(str(e)) from e


def _build(kind, plan, params, *, progress, today) -> bytes:
    today = today or timezone.localdate()
    fmt = params["format"]
    if fmt == "pdf":
        from . import pdf

        pdf.find_soffice()  # without LibreOffice, say so before any work
    if kind == "annual":
        from . import annual, xlsx

        progress(10, "汇总数据")
        data = annual.collect(plan, params, today=today)
        if fmt == "xlsx":
            progress(70, "生成工作簿")
            return xlsx.annual_workbook(data)
        progress(40, "绘制图表")
        annual.draw_charts(data)
        progress(70, "生成文档")
        document = annual.build_docx(data)
        if fmt == "docx":
            return document
        from . import pdf

        progress(90, "转换PDF")
        return pdf.docx_to_pdf(document)
    if kind == "bulletin":
        from . import bulletin

        progress(10, "汇总数据")
        data = bulletin.collect(plan, params, today=today)
        progress(70, "生成文档" if fmt == "docx" else "生成工作簿")
        return bulletin.build_docx(data) if fmt == "docx" else bulletin.build_xlsx(data)
    raise ReportError(f"未知的报告类型“{kind}”")
