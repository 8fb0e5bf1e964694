"""Bulk entry: an Excel template of what a unit owes in a period, and reading it back.

The template has a sheet 填报数值 (one row per target of each assigned task) and a sheet
工作进展 (one row per task: stage and narrative); hidden columns carry the ids, and a hidden
sheet the period, the unit and the report versions the template was made from. Reading it
back checks every row and cell first; only a sheet without a single problem is saved, in one
transaction, through the same workflow as the form (history, audit, optimistic locking).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from django.db import transaction

from cfcity import zipguard

from .models import Report
from . import services, validation, workflow

VALUES_SHEET, NARRATIVE_SHEET, META_SHEET = "填报数值", "工作进展", "_cfcity"
VALUE_HEADERS = ["任务编号", "任务", "指标", "计量单位", "本期数值", "备注", "数值说明（与以往差异大时必填）",
                 "_target_id", "_task_id"]
NARRATIVE_HEADERS = ["任务编号", "任务", "进展状态", "进展情况", "_task_id"]
STAGE_LABELS = dict(Report.Stage.choices)
STAGE_BY_LABEL = {label: value for value, label in Report.Stage.choices}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a unit's template unpacks to well under 1 MB


@dataclass
class CellProblem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        return f"“{self.sheet}”第{self.row}行“{self.column}”：{self.message}"


class SheetInvalid(workflow.ReportingError):
    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        super().__init__("；".join(str(p) for p in problems[:20]))


def build_template(period, unit, *, user) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = services.owed(period, [unit.pk])
    wb = Workbook()
    ws = wb.active
    ws.title = VALUES_SHEET
    ws.append(VALUE_HEADERS)
    ns = wb.create_sheet(NARRATIVE_SHEET)
    ns.append(NARRATIVE_HEADERS)
    meta = wb.create_sheet(META_SHEET)
    meta.append(["period", period.pk])
    meta.append(["unit", unit.pk])
    editable = PatternFill("solid", fgColor="FFF9E5")
    for row in rows:
        task = row.assignment.task
        report = row.report
        values = {v.target_id: v for v in report.values.all()} if report else {}
        meta.append([f"task:{task.pk}", report.version if report else 0])
        for target in task.targets.order_by("order"):
            v = values.get(target.pk)
            ws.append([task.number, task.title, target.indicator, target.unit or "",
                       float(v.value) if v and v.value is not None else None,
                       v.comment if v else "", v.outlier_reason if v else "", target.pk, task.pk])
        ns.append([task.number, task.title, STAGE_LABELS[report.stage] if report else STAGE_LABELS["not_started"],
                   report.narrative if report else "", task.pk])
    for sheet, headers, open_cols in ((ws, VALUE_HEADERS, "EFG"), (ns, NARRATIVE_HEADERS, "CD")):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for col in ("H", "I") if sheet is ws else ("E",):
            sheet.column_dimensions[col].hidden = True
        for letter in open_cols:
            for cell in sheet[letter][1:]:
                cell.fill = editable
                cell.protection = Protection(locked=False)
        sheet.freeze_panes = "A2"
    for col, width in zip("ABCDEFG", (8, 28, 36, 10, 12, 24, 30)):
        ws.column_dimensions[col].width = width
    for col, width in zip("ABCD", (8, 28, 12, 60)):
        ns.column_dimensions[col].width = width
    dv = DataValidation(type="list", formula1='"' + ",".join(STAGE_BY_LABEL) + '"', allow_blank=False)
    ns.add_data_validation(dv)
    dv.add(f"C2:C{max(2, ns.max_row)}")
    meta.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _open_workbook(data: bytes, name: str):
    from openpyxl import load_workbook

    if len(data) > MAX_UPLOAD_BYTES:
        raise SheetInvalid([CellProblem(name, 0, "文件", f"文件过大（{len(data) / 1024 / 1024:.1f} MB），"
                                                          f"填报表不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB")])
    not_xlsx = "不是 Excel（.xlsx）文件，或文件已损坏"
    if not data:
        raise SheetInvalid([CellProblem(name, 0, "文件", "文件是空的")])
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetInvalid([CellProblem(name, 0, "文件", "这是旧版 Excel（.xls）或加密的文件，请下载本系统的模板填写后上传")])
    try:
        # a zip bomb is refused here, before openpyxl inflates it (the whole workbook is loaded)
        infos = zipguard.check_zip(data, max_unpacked=MAX_UNPACKED_BYTES, what="填报表")
    except zipguard.ZipDamaged:
        raise SheetInvalid([CellProblem(name, 0, "文件", not_xlsx)]) from None
    except zipguard.ZipRefused as e:
        raise SheetInvalid([CellProblem(name, 0, "文件", str(e))]) from None
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise SheetInvalid([CellProblem(name, 0, "文件", not_xlsx)])
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises many kinds of errors on a damaged file
        raise SheetInvalid([CellProblem(name, 0, "文件", f"{not_xlsx}（{type(e).__name__}）")]) from None


NOT_OWED = "本单位本周期不承担这项任务（请勿增加行或修改隐藏列）"


def _rows(wb, sheet: str, headers: list[str], problems: list[CellProblem]):
    """(row number, cells padded to the headers) of a template sheet's filled rows; a changed
    header is a problem of its own."""
    ws = wb[sheet]
    if [c.value for c in ws[1]][:len(headers)] != headers:
        problems.append(CellProblem(sheet, 1, "表头", "表头被改动过，请使用下载的模板，不要增删列"))
    for i, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if row and any(c is not None for c in row):
            yield i, list(row) + [None] * (len(headers) - len(row))


def read_upload(data: bytes, name: str, *, period, unit, user) -> list[Report]:
    """Check the whole sheet; save it only if nothing is wrong. Returns the saved reports."""
    wb = _open_workbook(data, name)
    problems: list[CellProblem] = []
    if not {VALUES_SHEET, NARRATIVE_SHEET, META_SHEET} <= set(wb.sheetnames):
        raise SheetInvalid([CellProblem(name, 0, "工作表", "不是本系统下载的填报模板（缺少工作表），请重新下载模板")])
    meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0] is not None}
    if meta.get("period") != period.pk or meta.get("unit") != unit.pk:
        raise SheetInvalid([CellProblem(name, 0, "模板", "这份模板属于其他单位或其他周期，请下载本单位本周期的模板")])
    owed = {row.assignment.task_id: row for row in services.owed(period, [unit.pk])}
    entries: dict[int, dict] = {tid: {"values": {}, "comments": {}, "reasons": {}} for tid in owed}

    for i, row in _rows(wb, VALUES_SHEET, VALUE_HEADERS, problems):
        target_id, task_id = row[7], row[8]
        if task_id not in owed:
            problems.append(CellProblem(VALUES_SHEET, i, "任务", NOT_OWED))
            continue
        targets = {t.pk: t for t in owed[task_id].assignment.task.targets.all()}
        target = targets.get(target_id)
        if target is None:
            problems.append(CellProblem(VALUES_SHEET, i, "指标", "指标与任务不符（请勿修改隐藏列）"))
            continue
        value, errs = validation.parse_value(row[4], target.unit, target.indicator)
        problems += [CellProblem(VALUES_SHEET, i, "本期数值", e.message) for e in errs]
        if len(str(row[5] or "")) > 500 or len(str(row[6] or "")) > 500:
            problems.append(CellProblem(VALUES_SHEET, i, "备注", "备注和说明每项不超过 500 字"))
        entries[task_id]["values"][target.pk] = "" if row[4] is None else str(row[4])
        entries[task_id]["comments"][target.pk] = str(row[5] or "")
        entries[task_id]["reasons"][target.pk] = str(row[6] or "")

    for i, row in _rows(wb, NARRATIVE_SHEET, NARRATIVE_HEADERS, problems):
        task_id = row[4]
        if task_id not in owed:
            problems.append(CellProblem(NARRATIVE_SHEET, i, "任务", NOT_OWED))
            continue
        stage = STAGE_BY_LABEL.get(str(row[2] or "").strip())
        if stage is None:
            problems.append(CellProblem(NARRATIVE_SHEET, i, "进展状态", f"应为{'、'.join(STAGE_BY_LABEL)}之一"))
        entries[task_id]["stage"] = stage
        entries[task_id]["narrative"] = str(row[3] or "")
    if problems:
        raise SheetInvalid(problems)

    saved = []
    with transaction.atomic():
        for task_id, entry in entries.items():
            if not entry["values"] and "narrative" not in entry:
                continue
            row = owed[task_id]
            report = workflow.open_report(row.assignment.task, unit, period, user=user)
            if not report.editable:
                stored = {v.target_id: v.value for v in report.values.all()}
                changed = [t for t, raw in entry["values"].items()
                           if validation.parse_value(raw, None)[0] != stored.get(t)]
                if changed or (entry.get("narrative") is not None and entry["narrative"] != report.narrative):
                    raise SheetInvalid([CellProblem(VALUES_SHEET, 0, f"任务（{row.assignment.task.number}）",
                                                    f"报告{report.get_status_display()}，不能在表格中修改")])
                continue
            expected = meta.get(f"task:{task_id}")
            if expected not in (None, 0) and expected != report.version:
                raise SheetInvalid([CellProblem(VALUES_SHEET, 0, "任务（%d）" % row.assignment.task.number,
                                                "下载模板之后该报告已被修改，请重新下载模板再填写")])
            try:
                saved.append(workflow.save_report(
                    report, user=user, version=report.version, narrative=entry.get("narrative"),
                    stage=entry.get("stage"), values=entry["values"], comments=entry["comments"],
                    outlier_reasons=entry["reasons"]))
            except workflow.Invalid as e:
                raise SheetInvalid([CellProblem(VALUES_SHEET, 0, f"任务（{row.assignment.task.number}）", p.message)
                                    for p in e.problems])
            except workflow.ReportingError as e:
                raise SheetInvalid([CellProblem(VALUES_SHEET, 0, f"任务（{row.assignment.task.number}）", str(e))])
    return saved
