"""Counts of children in difficulty for those who may not see records (leaders, the
coordinator, other departments), with small cells suppressed.

Any count from 1 to ``suppress_below − 1`` is shown as “<5” (zero is shown: it identifies no
one). Where a row or column has exactly one suppressed cell and its total is shown, the
cell could be worked out by subtraction, so the next smallest cell of that line is
suppressed too (complementary suppression), until no line has a single suppressed cell —
a zero too when nothing else is left in the line and its total would show.
Only records that count (measures.counted_children: open, consent to statistics) are used.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids

from .measures import counted_children
from .models import Category, ChildCategory

SUPPRESSED = None  # a cell's value once suppressed


def threshold() -> int:
    return int(settings.WELFARE["suppress_below"])


def suppress(table: list[list[int]], below: int | None = None) -> list[list[int | None]]:
    """Primary then complementary suppression of a table of counts (rows × columns);
    totals are computed by the caller from the *unsuppressed* table and are safe to show."""
    below = threshold() if below is None else below
    out: list[list[int | None]] = [[None if 0 < v < below else v for v in row] for row in table]

    def lines():
        for r in range(len(out)):
            yield [(r, c) for c in range(len(out[r]))]
        for c in range(len(out[0]) if out else 0):
            yield [(r, c) for r in range(len(out))]

    changed = True
    while changed:
        changed = False
        for cells in lines():
            hidden = [rc for rc in cells if out[rc[0]][rc[1]] is None]
            if len(hidden) == 1:
                shown = [rc for rc in cells if out[rc[0]][rc[1]] not in (None, 0)]
                if not shown:
                    # the others are zeros: the line's total *is* the hidden cell, so unless
                    # that total is itself suppressed (1 … below−1) a zero must go with it
                    line_total = sum(table[r][c] for r, c in cells)
                    if 0 < line_total < below:
                        continue
                    shown = [rc for rc in cells if out[rc[0]][rc[1]] == 0]
                    if not shown:
                        continue
                r, c = min(shown, key=lambda rc: out[rc[0]][rc[1]])
                out[r][c] = None
                changed = True
    return out


def fmt(v: int | None) -> str:
    return f"<{threshold()}" if v is None else str(v)


@dataclass
class CountTable:
    columns: list[str]  # category labels
    rows: list[tuple[OrgUnit, list[int | None], int | None]]  # town, cells, row total
    totals: list[int | None]
    total: int | None


def by_town_and_category(area: OrgUnit) -> CountTable:
    ids = descendant_ids([area.pk])
    towns = list(OrgUnit.objects.filter(pk__in=ids, kind=OrgUnit.Kind.TOWN).order_by("order", "name"))
    cats = list(Category)
    counts = {(t, c): n for t, c, n in
              ChildCategory.objects.filter(child__in=counted_children(ids))
              .values_list("child__town_id", "category").annotate(n=Count("child", distinct=True))}
    raw = [[counts.get((t.pk, c.value), 0) for c in cats] for t in towns]
    # a child in several categories is one child: row totals count children, not cells
    per_town = dict(counted_children(ids).values_list("town_id").annotate(n=Count("pk")))
    row_totals = [per_town.get(t.pk, 0) for t in towns]
    col_totals = [sum(r[i] for r in raw) for i in range(len(cats))]
    cells = suppress(raw) if raw else []
    hide = lambda v: None if 0 < v < threshold() else v  # noqa: E731
    return CountTable([c.label for c in cats],
                      [(t, cells[i], hide(row_totals[i])) for i, t in enumerate(towns)],
                      [hide(v) for v in col_totals], hide(sum(row_totals)))


def counts_xlsx(area: OrgUnit, table: CountTable) -> bytes:
    """``table`` as a workbook, suppressed exactly as on the page (town names are the only
    text, neutralised against formula injection all the same)."""
    import io

    from openpyxl import Workbook

    from .export import neutralise

    wb = Workbook()
    ws = wb.active
    ws.title = "困境儿童统计"
    ws.append([neutralise(f"{area.name}困境儿童统计（1 至 {threshold() - 1} 人的格子显示为“<{threshold()}”，"
                          "能由合计推算出的格子一并隐去；只统计监护人同意用于统计的在册儿童）")])
    ws.append(["镇（街道）", *table.columns, "合计（人）"])
    for town, cells, total in table.rows:
        ws.append([neutralise(town.name), *[fmt(v) for v in cells], fmt(total)])
    ws.append(["合计", *[fmt(v) for v in table.totals], fmt(table.total)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
