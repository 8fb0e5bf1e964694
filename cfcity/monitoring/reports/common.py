"""What both reports share: the kinds and formats, checking what was asked for (one Chinese
sentence per mistake), file names and content types, and how numbers and statuses read."""
from __future__ import annotations

import datetime

from cfcity.plans import display
from cfcity.plans.services import area_name

from ..models import STATUS_CHOICES

KINDS = {"annual": "年度监测报告", "bulletin": "进度通报"}
FORMATS = {"annual": ("docx", "xlsx", "pdf"), "bulletin": ("docx", "xlsx")}
FORMAT_LABELS = {"docx": "Word 文档（.docx）", "xlsx": "Excel 工作簿（.xlsx）", "pdf": "PDF 文件（.pdf）"}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
STATUS_ORDER = [key for key, _ in STATUS_CHOICES]
STATUS_LABELS = dict(STATUS_CHOICES)
QUARTERS = "一二三四"
MIN_YEAR, MAX_YEAR = 2000, 2100


class ReportError(Exception):
    """Something the person asking can put right, said in Chinese (a bad year, an unknown
    format, LibreOffice missing); anything else is a bug."""


def _int(value, name: str) -> int:
    if isinstance(value, bool):
        raise ReportError(f"{name}应为整数")
    if isinstance(value, int):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        raise ReportError(f"请填写{name}")
    if not (text.isascii() and text.isdigit()):  # "²" passes isdigit() but not int()
        raise ReportError(f"{name}应为整数，现为“{text[:20]}”")
    return int(text)


def check(kind: str, plan, params: dict, today: datetime.date) -> dict:
    """The parameters of a report of ``kind`` on ``plan``, checked and normalised:
    ``{"year": 2025, "format": "docx"}`` (and ``"quarter"`` for a bulletin). A
    ``ReportError`` names the first thing that is wrong."""
    if kind not in KINDS:
        raise ReportError(f"未知的报告类型“{kind}”，应为 annual（年度监测报告）或 bulletin（进度通报）")
    fmt = str(params.get("format") or "").strip().lower().lstrip(".")
    if fmt not in FORMATS[kind]:
        allowed = "、".join(FORMATS[kind])
        if not fmt:
            raise ReportError(f"请选择文件格式（{allowed}）")
        raise ReportError(f"{KINDS[kind]}不支持“{fmt[:20]}”格式，可选：{allowed}")
    year = _int(params.get("year"), "年份")
    start, end = plan.period_start, plan.period_end
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ReportError(f"年份 {year} 不正确")
    if (start and year < start) or (end and year > end):
        raise ReportError(f"{year}年不在方案实施期限（{display.period_text(start, end)}）内")
    if year > today.year:
        raise ReportError(f"{year}年尚未开始，不能生成该年度的报告")
    out = {"year": year, "format": fmt}
    if kind == "bulletin":
        quarter = _int(params.get("quarter"), "季度")
        if not 1 <= quarter <= 4:
            raise ReportError(f"季度应为 1—4，现为 {quarter}")
        if quarter_bounds(year, quarter)[0] > today:
            raise ReportError(f"{year}年第{QUARTERS[quarter - 1]}季度尚未开始，不能生成该季度的通报")
        out["quarter"] = quarter
    return out


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = (datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)) \
        - datetime.timedelta(days=1)
    return first, last


def area_of(plan) -> str:
    if plan.area_id:
        return plan.area.name
    return area_name(plan.issuer)


def title(kind: str, plan, params: dict) -> str:
    """“桓台县2025年儿童友好城市建设监测报告”, “桓台县儿童友好城市建设工作进度通报（2025年第一季度）”."""
    area = area_of(plan)
    if kind == "annual":
        return f"{area}{params['year']}年儿童友好城市建设监测报告"
    return f"{area}儿童友好城市建设工作进度通报（{params['year']}年第{QUARTERS[params['quarter'] - 1]}季度）"


def filename(kind: str, plan, params: dict) -> str:
    """The name the download is saved under: the title, without characters a file system refuses."""
    name = title(kind, plan, params)
    for bad in '\\/:*?"<>|':
        name = name.replace(bad, "_")
    return f"{name}.{params['format']}"


def counts(rollup) -> dict[str, int]:
    """A roll-up's counts keyed by status code ("on_track"), every status present."""
    raw = getattr(rollup, "counts", None) or {}
    out = {key: 0 for key in STATUS_ORDER}
    for key, n in raw.items():
        out[getattr(key, "value", key)] = out.get(getattr(key, "value", key), 0) + int(n)
    return out


def status_code(status) -> str:
    """A Status member, a stored code or a TargetStatus row → its code."""
    if status is None:
        return "no_data"
    if hasattr(status, "status") and not isinstance(status, str):
        status = status.status
    return getattr(status, "value", status)


def status_label(status) -> str:
    return STATUS_LABELS.get(status_code(status), str(status))


def num(value, digits: int = 2) -> str:
    """93.3333 → “93.33”, 4.0 → “4”, None → “—”."""
    if value is None:
        return "—"
    return display.number(round(float(value), digits))


def pct(value, digits: int = 1) -> str:
    return "—" if value is None else f"{num(value, digits)}%"


def quantity(value, unit) -> str:
    return "—" if value is None else display.quantity(round(float(value), 2), unit)


def counts_sentence(c: dict[str, int], *, skip_zero: bool = True) -> str:
    """“已达标3项、进展正常5项、存在风险1项”."""
    parts = [f"{STATUS_LABELS[k]}{c.get(k, 0)}项" for k in STATUS_ORDER if c.get(k, 0) or not skip_zero]
    return "、".join(parts) if parts else "暂无指标"


def date_text(d) -> str:
    return display.date_text(d)
