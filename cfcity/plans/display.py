"""How a target reads to an official: “每千人口3岁以下婴幼儿托位数 ≥ 4.5 个（2025年）”.

Plain functions over plain values, so they work on a stored ``models.Target`` and on an
importer ``Target`` alike, and are tested without a database.
"""
from __future__ import annotations

from decimal import Decimal

COMPARATOR_SIGNS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "==": ""}
KIND_LABELS = {
    "level": "水平值",
    "cumulative": "累计建设",
    "coverage": "全覆盖",
    "annual_change": "年度变化",
    "frequency": "频次",
    "per_unit": "按单位配备",
    "milestone": "节点任务",
}
DIRECTION_WORDS = {"decrease": "降低", "increase": "提高"}
RANGE_DASH = "—"


def number(v) -> str:
    """4.0 → “4”, 95.80 → “95.8”, 0.85 → “0.85”; never an exponent."""
    if v is None:
        return ""
    d = v if isinstance(v, Decimal) else Decimal(repr(float(v)))
    d = d.normalize()
    text = format(d, "f")
    return "0" if text in ("-0", "") else text


def quantity(value, unit: str | None) -> str:
    unit = unit or ""
    if unit in ("%", "％", "‰"):
        return f"{number(value)}{unit}"
    return f"{number(value)} {unit}".rstrip()


def amount(t) -> str:
    """Comparator, value (or range) and unit: “≥ 4.5 个”, “3—5 处”, “4 所”."""
    if t.comparator == "between":
        unit = t.unit or ""
        sep = "" if unit in ("%", "％") else " "
        return f"{number(t.value)}{RANGE_DASH}{number(t.value_max)}{sep}{unit}".rstrip()
    if t.value is None:
        return ""
    sign = COMPARATOR_SIGNS.get(t.comparator or "==", t.comparator)
    q = quantity(t.value, t.unit)
    return f"{sign} {q}" if sign else q


def deadline(t) -> str:
    if not t.year:
        return ""
    return f"（{t.year}年，方案期末）" if t.year_inferred else f"（{t.year}年）"


def is_full_coverage(t) -> bool:
    return (t.kind == "coverage" and t.value is not None and float(t.value) == 100
            and (t.unit or "") in ("%", "％") and t.comparator in (">=", "==", None))


def target_text(t) -> str:
    """The whole target in one line, as an official would read it aloud."""
    return target_body(t) + deadline(t)


def target_body(t) -> str:
    """The target without its deadline, for tables that give the year in a column."""
    indicator = (t.indicator or "").strip()
    if t.kind == "per_unit" and t.per and indicator.startswith(t.per):
        indicator = f"每个{indicator}"
    if t.kind == "milestone" or (t.value is None and t.comparator != "between"):
        body = indicator
    elif is_full_coverage(t):
        body = f"{indicator}：全覆盖"
    elif t.kind == "annual_change":
        word = DIRECTION_WORDS.get(t.direction or "", "变化")
        body = f"{indicator} 每年{word} {amount(t)}"
    else:
        body = f"{indicator} {amount(t)}"
    if t.kind == "frequency" and t.per and f"每{t.per}" not in indicator:
        body += f"（每{t.per}）"
    if t.kind == "per_unit" and t.per and t.per not in indicator:
        body += f"（每个{t.per}）"
    return body


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", kind or "")


def baseline_text(t) -> str:
    """“基期值 52%（2020年）”, or "" when the target has none."""
    value = getattr(t, "baseline_value", None)
    year = getattr(t, "baseline_year", None)
    if value is None and year is None:
        b = getattr(t, "baseline", None)
        if b is None:
            return ""
        value, year = b.value, b.year
    if value is None:
        return ""
    text = f"基期值 {quantity(value, t.unit)}"
    return text + (f"（{year}年）" if year else "")


def period_text(start: int | None, end: int | None) -> str:
    if start and end:
        return f"{start}—{end}年"
    if start or end:
        return f"{start or end}年"
    return ""


def date_text(d) -> str:
    """A date as written on a notice: 2022年10月19日."""
    if not d:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int | None) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 21 → 二十一 (enough for headings)."""
    if n is None:
        return ""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


# what to enter for a target of each kind: the engine reads values this way
# (docs/methodology.md, “填报口径”)
ENTRY_HINTS = {
    "level": "填写本期末的实际数值。",
    "coverage": "填写本期末的覆盖比例。",
    "cumulative": "填写截至本期末累计建成的数量（含以前年度，不是本期新增数）。",
    "annual_change": "填写本期末该指标的实际水平（如近视率 52.3），系统按年计算变化了多少。",
    "frequency": "填写本期（学期）实际开展的次数或时长。",
    "milestone": "节点任务由协调员根据佐证材料判断，请在进展情况中写明完成情况并上传佐证。",
}


def entry_hint(t, unit_kind: str | None = None) -> str:
    """One sentence under the input box: what number the reporter is asked for."""
    if t.kind == "per_unit":
        per = t.per or "单位"
        from cfcity.orgs.tree import kind_named_in  # here only: the rest of display needs no Django
        if unit_kind and kind_named_in(per) == unit_kind:  # the unit concerned reports for itself
            return "填写本单位已配备的人数。"
        return f"填写已按要求配备的{per}个数（本单位管辖范围内）。"
    return ENTRY_HINTS.get(t.kind, "")


def entry_unit(t) -> str:
    """The unit beside the input box: an annual change target is entered as its level."""
    if t.kind == "annual_change" and (t.unit or "").endswith("百分点"):
        return "%"
    if t.kind == "per_unit":
        return "个" if (t.unit or "") in ("名", "人") else (t.unit or "")
    return t.unit or ""
