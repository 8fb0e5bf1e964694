"""How dates and deadlines read on the calendar: 2026年3月15日 周日 (plain functions)."""
from __future__ import annotations

import calendar
import datetime

WEEKDAYS = "一二三四五六日"
KIND_LABELS = {
    "report": "报告报送",
    "workplan": "工作计划",
    "rectification": "整改期限",
    "milestone": "节点目标",
}


def weekday_text(d: datetime.date) -> str:
    return "周" + WEEKDAYS[d.weekday()]


def long_date(d: datetime.date) -> str:
    """2026年3月15日 周日."""
    return f"{d.year}年{d.month}月{d.day}日 {weekday_text(d)}"


def month_text(year: int, month: int) -> str:
    return f"{year}年{month}月"


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def when_text(d: datetime.date, today: datetime.date) -> str:
    left = (d - today).days
    if left > 0:
        return f"还有 {left} 天"
    return "今天到期" if left == 0 else f"已过 {-left} 天"


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + by
    return n // 12, n % 12 + 1


def month_weeks(year: int, month: int) -> list[list[datetime.date | None]]:
    """The month as weeks from Monday; days of other months are None."""
    return [[d if d.month == month else None for d in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
