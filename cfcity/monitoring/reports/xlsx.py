"""The figures of the annual report as an Excel workbook: one sheet per table, Chinese
headers, the header row frozen, columns sized to their content. Numbers are numbers (not
text), so the workbook can be summed and charted; text is always text (an indicator starting
with “=” never becomes a formula)."""
from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cfcity.plans import display

from . import common
from .annual import Annual, baseline_text, latest_text, responsible, target_text
from .common import STATUS_LABELS, STATUS_ORDER, counts

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
MAX_WIDTH = 60


def _round(v, digits=4):
    return None if v is None else round(float(v), digits)


def add_sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], *, widths: dict[int, int] | None = None):
    """A sheet with a bold, filled, frozen header row and columns as wide as their content."""
    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, not a formula
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions if rows else None
    for i, header in enumerate(headers, 1):
        longest = max([_width(header)] + [_width(r[i - 1]) for r in rows if i - 1 < len(r)])
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(i) or min(MAX_WIDTH, longest + 2)
    return ws


def _width(value) -> int:
    """Display width: a Chinese character takes two columns."""
    if value is None:
        return 0
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def save(wb: Workbook) -> bytes:
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        del wb["Sheet"]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rollup_cells(rollup) -> list:
    c = counts(rollup)
    with_data = sum(n for k, n in c.items() if k not in ("no_data", "not_due"))
    good = c["achieved"] + c["on_track"]
    return [sum(c.values())] + [c[k] for k in STATUS_ORDER] + [
        round(100.0 * good / with_data, 1) if with_data else None, common.status_label(rollup.status)]


ROLLUP_HEADERS = ["指标数"] + [STATUS_LABELS[k] for k in STATUS_ORDER] + ["达标和正常占比(%)", "总体状态"]
PUNCTUALITY_HEADERS = ["应报份数", "按时报送", "逾期报送", "未报送", "按时报送率(%)"]


def punctuality_cells(p) -> list:
    return [p.owed, p.on_time, p.late, p.missing, _round(p.rate, 1)]


def annual_workbook(data: Annual) -> bytes:
    b = data.board
    wb = Workbook()
    info = wb.active
    info.title = "说明"
    for row in (["报告", data.title], ["行动方案", str(data.plan)], ["年度", f"{data.year}年"],
                ["数据截至", common.date_text(data.as_of)], ["生成日期", common.date_text(data.today)],
                ["口径", "与监测看板相同：各指标状态取自监测评估模型的结果（summaries.board）。"]):
        info.append(row)
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 80
    for cell in info["A"]:
        cell.font = HEADER_FONT

    domain_of_action = {a.obj.pk: d.obj for d in b.domains for a in d.children}
    action_of_task = {t.obj.pk: a.obj for d in b.domains for a in d.children for t in a.children}
    rows = []
    for i, line in enumerate(b.targets, 1):
        t, s = line.target, line.status
        action = action_of_task.get(t.task_id)
        domain = domain_of_action.get(action.pk) if action else None
        rows.append([
            i, domain.title if domain else "", action.title if action else "",
            f"（{t.task.number}）{t.task.title}" if t.task_id else "（方案主要指标）",
            t.indicator, t.unit or "", display.kind_label(t.kind), t.attribute or "",
            _round(s.baseline) if s and s.baseline is not None else _round(t.baseline_value),
            (s.baseline_year if s and s.baseline is not None else t.baseline_year),
            target_text(t), _round(t.value), _round(t.value_max), t.year,
            _round(s.latest) if s else None, s.latest_when if s else None,
            _round(s.progress, 1) if s else None, _round(s.expected, 1) if s else None,
            common.status_label(line.code), "".join(str(r) for r in (s.reasons if s else [])),
            "、".join(responsible(data, t)),
            baseline_text(line, data.is_share(t)), latest_text(line, data.is_share(t)),
        ])
    ws = add_sheet(wb, "指标", ["序号", "领域", "行动", "任务", "指标", "单位", "类型", "属性", "基期值", "基期年份",
                                "目标", "目标值", "目标值上限", "完成年份", "最新值", "最新值日期", "完成进度(%)",
                                "应达进度(%)", "状态", "判断依据", "牵头单位", "基期值（文字）", "最新值（文字）"],
                   rows, widths={2: 14, 3: 20, 4: 30, 5: 36, 20: 50})
    for row in ws.iter_rows(min_row=2, min_col=16, max_col=16):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"

    add_sheet(wb, "领域", ["序号", "领域"] + ROLLUP_HEADERS,
              [[i, d.obj.title] + rollup_cells(d.rollup) for i, d in enumerate(b.domains, 1)])
    add_sheet(wb, "行动", ["序号", "领域", "行动"] + ROLLUP_HEADERS,
              [[i, d.obj.title, a.obj.title] + rollup_cells(a.rollup)
               for i, (d, a) in enumerate(((d, a) for d in b.domains for a in d.children), 1)])
    for title, lines in (("部门排名", b.departments), ("镇街排名", b.towns)):
        add_sheet(wb, title, ["名次", "单位"] + ROLLUP_HEADERS + PUNCTUALITY_HEADERS,
                  [[u.rank, u.org_unit.name] + rollup_cells(u.rollup) + punctuality_cells(u.punctuality)
                   for u in lines])
    add_sheet(wb, "预警", ["序号", "等级", "类型", "责任单位", "任务", "指标", "预警内容", "消除条件", "首次发现"],
              [[i, w.get_severity_display(), w.get_kind_display(), w.org_unit.name,
                f"（{w.task.number}）{w.task.title}" if w.task_id else "", w.target.indicator if w.target_id else "",
                w.message, w.clear_by, common.date_text(timezone.localtime(w.first_seen).date())]
               for i, w in enumerate(data.warnings, 1)],
              widths={7: 50, 8: 40})
    return save(wb)
