"""What the public sees of children's messages: counts only — by town × age band and by
topic × place — of the approved messages, any cell from 1 to 4 shown as “<5” with
complementary suppression (cfcity.welfare.stats.suppress), and quotes a second person approved.
Totals are hidden the same way when they are small."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from cfcity.welfare.stats import suppress

from .models import About, AgeBand, Message, Topic
from .services import towns_of

BELOW = 5
UNKNOWN = "未填写"


def fmt(v: int | None) -> str:
    return f"<{BELOW}" if v is None else str(v)


def _hide(v: int) -> int | None:
    return None if 0 < v < BELOW else v


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str], str]]  # label, cells, row total (already formatted)
    totals: list[str]
    total: str


def _totals(values: list[int], grand: int) -> list[int | None]:
    """Row (or column) totals with the small ones hidden — and, when the grand total shows and
    exactly one is hidden, the next smallest too: otherwise the grand total minus the others
    gives the hidden one away."""
    out = [_hide(v) for v in values]
    if _hide(grand) is not None and out.count(None) == 1:
        shown = [i for i, v in enumerate(out) if v]
        if shown:
            out[min(shown, key=lambda i: values[i])] = None
    return out


def _table(title, row_labels, col_labels, raw) -> Table:
    cells = suppress(raw, BELOW) if raw and raw[0] else raw
    row_totals = [sum(r) for r in raw]
    col_totals = [sum(r[i] for r in raw) for i in range(len(col_labels))]
    grand = sum(row_totals)
    shown_rows, shown_cols = _totals(row_totals, grand), _totals(col_totals, grand)
    rows = [(label, [fmt(v) for v in cells[i]], fmt(shown_rows[i])) for i, label in enumerate(row_labels)]
    return Table(title, col_labels, rows, [fmt(v) for v in shown_cols], fmt(_hide(grand)))


def counted(area):
    return Message.objects.filter(area=area, state=Message.State.APPROVED)


def by_town_and_age(area) -> Table:
    towns = list(towns_of(area))
    bands = [*AgeBand.choices, ("", UNKNOWN)]
    counts = {(t, a): n for t, a, n in counted(area).values_list("town_id", "age_band").annotate(n=Count("pk"))}
    row_keys = [(t.pk, t.name) for t in towns] + [(None, UNKNOWN)]
    raw = [[counts.get((tid, b), 0) for b, _ in bands] for tid, _ in row_keys]
    return _table("按镇（街道）和年龄段", [n for _, n in row_keys], [label for _, label in bands], raw)


def by_topic_and_place(area) -> Table:
    counts = {(t, a): n for t, a, n in counted(area).values_list("topic", "about").annotate(n=Count("pk"))}
    raw = [[counts.get((t, a), 0) for a, _ in About.choices] for t, _ in Topic.choices]
    return _table("按类别和地点", [label for _, label in Topic.choices], [label for _, label in About.choices], raw)


def quotes(area, limit: int = 20) -> list[Message]:
    return list(counted(area).filter(quote_state=Message.Quote.APPROVED)
                .order_by("-quote_approved_at", "-pk")[:limit])
