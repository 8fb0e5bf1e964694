"""Indicator tables (主要指标): 指标、单位、基期值、目标值、属性、责任单位 — as Word table rows or
TAB-separated text — read into targets with baselines."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .departments import split_names
from .lines import Line
from .model import Baseline, Target
from .targets import NUM, POST, POST_RE, PRE, PRE_RE, UNIT, _norm_unit

HEADER_KEYS = {
    "indicator": ("指标名称", "指标", "主要指标", "名称"),
    "unit": ("单位", "计量单位"),
    "baseline": ("基期值", "基线值", "基期", "现状值", "基准值", "现状"),
    "target": ("目标值", "目标", "规划值"),
    "attribute": ("属性", "指标属性", "类型"),
    "responsible": ("责任单位", "牵头单位", "牵头部门", "责任部门"),
}


@dataclass
class TableRow:
    cells: dict
    line: Line


@dataclass
class IndicatorTable:
    columns: dict  # key → column index
    baseline_year: int | None
    target_year: int | None
    rows: list[TableRow] = field(default_factory=list)
    header: Line | None = None


def _header_columns(cells: list[str]) -> dict | None:
    cols = {}
    for i, c in enumerate(cells):
        c0 = re.sub(r"[（(].*?[）)]|\d{4}年?", "", c).strip()
        for key, names in HEADER_KEYS.items():
            if key not in cols and c0 in names:
                cols[key] = i
                break
    return cols if "indicator" in cols and "target" in cols else None


def _year(cell: str) -> int | None:
    m = re.search(r"(20\d{2})", cell)
    return int(m.group(1)) if m else None


def find_tables(lines: list[Line]) -> list[IndicatorTable]:
    tables: list[IndicatorTable] = []
    cur: IndicatorTable | None = None
    for ln in lines:
        if "\t" not in ln.text:
            cur = None
            continue
        cells = [c.strip() for c in ln.text.split("\t")]
        cols = _header_columns(cells)
        if cols:
            cur = IndicatorTable(cols, _year(cells[cols["baseline"]]) if "baseline" in cols else None,
                                 _year(cells[cols["target"]]), header=ln)
            ln.used = True
            tables.append(cur)
            continue
        if cur is not None and any(cells):
            cur.rows.append(TableRow({k: (cells[i] if i < len(cells) else "") for k, i in cur.columns.items()}, ln))
    return tables


def _value(cell: str):
    """'≥90', '90%以上', '3-5', '4.5' → (comparator, value, value_max, unit)."""
    cell = cell.replace("％", "%").strip()
    m = re.search(rf"({PRE_RE})?\s*({NUM})\s*(?:[—–\-－~～至到]+\s*({NUM}))?\s*({UNIT})?\s*({POST_RE})?", cell)
    if not m:
        return None
    pre, v1, v2, unit, post = m.groups()
    if v2:
        comp = "between"
    elif pre and PRE.get(pre) != ">=":
        comp = PRE[pre]
    elif post:
        comp = POST[post]
    else:
        comp = PRE.get(pre or "", ">=")
    return comp, float(v1), float(v2) if v2 else None, _norm_unit(unit)


def row_target(table: IndicatorTable, row: TableRow, end_year: int | None) -> tuple[Target | None, str | None]:
    c = row.cells
    name = c.get("indicator", "").strip()
    if not name or re.fullmatch(r"\d+", name):
        return None, "指标表中有一行没有指标名称"
    val = _value(c.get("target", ""))
    unit = _norm_unit((c.get("unit") or "").strip().replace("％", "%") or None)
    if val is None:
        return None, f"指标表中“{name}”的目标值“{c.get('target', '')}”无法识别为数值"
    comp, v, vmax, vunit = val
    base = _value(c.get("baseline", "")) if c.get("baseline") else None
    t = Target(indicator=name, comparator=comp, value=v, value_max=vmax, unit=unit or vunit,
               year=table.target_year or end_year, year_inferred=table.target_year is None,
               kind="level", source=row.line.text.replace("\t", " "), line=row.line.number)
    if base:
        t.baseline = Baseline(value=base[1], year=table.baseline_year)
    if c.get("attribute"):
        t.attribute = c["attribute"].strip() or None
    if c.get("responsible"):
        t.responsible = split_names(c["responsible"])
    return t, None


def similarity(a: str, b: str) -> float:
    """Share of characters in common (bigram Dice), enough to pair a table row with a task."""
    def grams(s):
        s = re.sub(r"[（）()、，\s]", "", s)
        return {s[i:i + 2] for i in range(len(s) - 1)} or {s}
    ga, gb = grams(a), grams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb))
