"""Checks on a reported value: type and range, the indicator's own rules, rules between
indicators, and outliers against the unit's history. Plain functions, no database."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PERCENT_UNITS = {"%", "％"}
COUNT_UNITS = {"个", "名", "所", "条", "处", "片", "张", "家", "座", "间", "户", "支", "批", "套", "部",
               "块", "项", "件", "种", "场", "次", "人", "人次", "册", "台", "辆"}
MAX_DIGITS = 15

# DHIS2's defaults: z-score beyond 3 standard deviations; min–max bands 2 deviations wide
Z_THRESHOLD = 3.0
BAND_SD = 2.0
MIN_HISTORY = 3


@dataclass
class Problem:
    field: str
    message: str


def parse_value(raw, unit: str | None, indicator: str = "") -> tuple[Decimal | None, list[Problem]]:
    """Text or number from a form, a sheet or the API → a Decimal, with problems in Chinese."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, []
    if isinstance(raw, bool):
        return None, [Problem("value", "应填写数字")]
    text = str(raw).strip().replace(",", "").replace("，", "").replace("％", "%")
    if unit in PERCENT_UNITS and text.endswith("%"):
        text = text[:-1].strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, [Problem("value", f"“{str(raw)[:20]}”不是数字")]
    if not value.is_finite():
        return None, [Problem("value", "应填写数字")]
    if len(value.as_tuple().digits) > MAX_DIGITS or abs(value) >= Decimal(10) ** 12:
        return None, [Problem("value", "数字过大")]
    return value, range_problems(value, unit, indicator)


PER_CAPITA = ("每千", "每万", "每百", "每十万", "人均", "平均", "每个", "每名")


def range_problems(value: Decimal, unit: str | None, indicator: str = "") -> list[Problem]:
    """A percent is 0–100; a count is a whole number ≥ 0 — unless it is per head
    (每千人口托位数 4.5 个)."""
    problems = []
    per_head = any(w in indicator for w in PER_CAPITA)
    if unit in PERCENT_UNITS and not (0 <= value <= 100):
        problems.append(Problem("value", "百分比应在 0 到 100 之间"))
    if unit in COUNT_UNITS or (unit or "").startswith("万"):
        if value < 0:
            problems.append(Problem("value", f"数量（{unit}）不能为负数"))
        elif unit in COUNT_UNITS and not per_head and value != value.to_integral_value():
            problems.append(Problem("value", f"数量（{unit}）应为整数"))
    elif unit in ("‰",) and value < 0:
        problems.append(Problem("value", "千分比不能为负数"))
    return problems


def compare(left: Decimal, operator: str, right: Decimal) -> bool:
    return {"<=": left <= right, "<": left < right, ">=": left >= right, ">": left > right,
            "==": left == right}[operator]


def rule_problems(rules, values: dict[int, Decimal | None]) -> list[Problem]:
    """``rules``: objects with left_id, operator, right_id, constant, message; ``values``:
    target id → value of one unit and period. A rule with a missing side is not judged."""
    problems = []
    for rule in rules:
        left = values.get(rule.left_id)
        right = values.get(rule.right_id) if rule.right_id else rule.constant
        if left is None or right is None:
            continue
        if not compare(left, rule.operator, Decimal(right)):
            problems.append(Problem(f"target-{rule.left_id}", rule.message))
    return problems


def is_outlier(value: Decimal, history: list[Decimal], *, method: str = "z",
               z: float = Z_THRESHOLD, band: float = BAND_SD) -> bool:
    """Is ``value`` far from the unit's earlier values (at least ``MIN_HISTORY`` of them)?

    ``z``: more than ``z`` standard deviations from their mean. ``minmax``: outside the
    band from their minimum to their maximum widened by ``band`` standard deviations.
    A history that never changed has no spread: then a change of more than half its level
    (at least 1) counts as far."""
    if len(history) < MIN_HISTORY:
        return False
    xs = [float(h) for h in history]
    v = float(value)
    mean, sd = statistics.fmean(xs), statistics.pstdev(xs)
    if math.isclose(sd, 0.0, abs_tol=1e-12):
        return abs(v - mean) > max(1.0, abs(mean) / 2)
    if method == "minmax":
        return not (min(xs) - band * sd <= v <= max(xs) + band * sd)
    return abs(v - mean) / sd > z
