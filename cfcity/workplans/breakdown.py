"""Reading work plans: the yearly breakdown of a target and whether it adds up, the year's
results against the year's plan, and the children's budget (planned and spent).

The add-up rule: for a target built up over the years (kind ``cumulative``: 3—5 streets,
8 sports grounds), the yearly shares of every unit in the years up to the target's year
must together reach the target (its lower bound for a range) and not pass its upper bound.
Work plans that were returned still count (they are being revised); shares planned after
the target's year are shown but not counted. Other kinds (a rate, a coverage) are levels,
not amounts: their yearly values are not added up.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting.models import SENT, Period, Report, ReportValue

from .models import BudgetLine, YearShare

ADDITIVE = {pm.Target.Kind.CUMULATIVE}


def num(value) -> str:
    """2 not 2.0000000000; 2.5 as is."""
    if value is None:
        return "—"
    value = Decimal(value)
    return f"{value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize():f}"


def deadline_year(target: pm.Target) -> int | None:
    return target.year or target.plan.period_end


@dataclass
class Breakdown:
    target: pm.Target
    years: list[int]
    rows: list[dict]  # {unit, by_year: {year: share}, total}
    totals: dict  # year → sum
    counted: Decimal = Decimal(0)
    later: Decimal = Decimal(0)  # planned after the target's year: not counted
    additive: bool = True
    gap: Decimal | None = None  # > 0 short, < 0 over the upper bound, 0 fine
    message: str = ""
    ok: bool = True
    notes: list[str] = field(default_factory=list)


def breakdown(target: pm.Target, *, unit_ids=None) -> Breakdown:
    """The yearly shares of ``target`` by unit and year (``unit_ids``: only those units'
    rows are listed — the sums are always over every unit, or the gap would mislead)."""
    shares = list(YearShare.objects.filter(target=target, value__isnull=False)
                  .select_related("work_plan__org_unit").prefetch_related("towns")
                  .order_by("work_plan__org_unit__name", "work_plan__year"))
    plan = target.plan
    years = list(range(plan.period_start or 0, (plan.period_end or 0) + 1)) if plan.period_start else []
    years = sorted(set(years) | {s.work_plan.year for s in shares})
    by_unit: dict[int, dict] = {}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for s in shares:
        totals[s.work_plan.year] += s.value
        if unit_ids is not None and s.work_plan.org_unit_id not in unit_ids:
            continue
        row = by_unit.setdefault(s.work_plan.org_unit_id, {"unit": s.work_plan.org_unit, "by_year": {},
                                                            "total": Decimal(0)})
        row["by_year"][s.work_plan.year] = {"value": s.value, "towns": [t.name for t in s.towns.all()],
                                            "status": s.work_plan.get_status_display(),
                                            "work_plan": s.work_plan}
        row["total"] += s.value
    result = Breakdown(target, years, list(by_unit.values()), dict(totals),
                       additive=target.kind in ADDITIVE)
    unit = f" {target.unit}" if target.unit else ""
    if not result.additive:
        result.message = f"该指标为{target.get_kind_display()}，各年度分解值不累加，请逐年对照目标值"
        return result
    last = deadline_year(target)
    result.counted = sum((v for y, v in totals.items() if last is None or y <= last), Decimal(0))
    result.later = sum((v for y, v in totals.items() if last is not None and y > last), Decimal(0))
    if result.later:
        result.notes.append(f"{last}年以后安排的 {num(result.later)}{unit}在目标期限之后，不计入合计")
    if target.value is None:
        result.message = f"各年度分解合计 {num(result.counted)}{unit}；目标没有明确数值，无法核对"
        return result
    low, high = Decimal(target.value), target.value_max
    by = f"（目标期限 {last}年）" if last else ""
    if result.counted < low:
        result.gap, result.ok = low - result.counted, False
        result.message = (f"各年度分解合计 {num(result.counted)}{unit}，距目标 {num(low)}{unit}"
                          f"还差 {num(result.gap)}{unit}{by}")
    elif high is not None and result.counted > Decimal(high):
        result.gap, result.ok = Decimal(high) - result.counted, False
        result.message = (f"各年度分解合计 {num(result.counted)}{unit}，超出目标上限 {num(high)}{unit}"
                          f" {num(-result.gap)}{unit}{by}")
    else:
        result.gap = Decimal(0)
        goal = f"{num(low)}—{num(high)}" if high is not None else num(low)
        result.message = f"各年度分解合计 {num(result.counted)}{unit}，达到目标 {goal}{unit}{by}"
    return result


# --- progress: the year's results against the year's plan -------------------------------------

def progress(wp) -> list[dict]:
    """For each share of the work plan: what was planned for the year and what the unit's
    accepted report for the year says (the latest period of the year with an accepted value)."""
    shares = list(wp.shares.select_related("target", "target__task").order_by("target__task__number", "target__order"))
    values = {}
    for v in (ReportValue.objects.filter(
            target_id__in=[s.target_id for s in shares], report__org_unit_id=wp.org_unit_id,
            report__status=Report.Status.ACCEPTED, report__period__plan_id=wp.plan_id,
            report__period__year=wp.year, value__isnull=False)
            .select_related("report__period").order_by("report__period__ends", "report__period__kind")):
        values[v.target_id] = (v.value, v.report.period)  # the latest period wins
    rows = []
    for s in shares:
        unit = f" {s.target.unit}" if s.target.unit else ""
        actual, period = values.get(s.target_id, (None, None))
        row = {"share": s, "target": s.target, "planned": s.value, "actual": actual,
               "period": period, "verdict": ""}
        if s.value is None:
            row["verdict"] = "未安排"
        elif actual is None:
            row["verdict"] = "尚无已采纳的报告"
        elif s.target.kind in ADDITIVE or s.target.direction != "decrease":
            row["verdict"] = "完成年度计划" if actual >= s.value else f"差 {num(s.value - actual)}{unit}"
        else:
            row["verdict"] = "完成年度计划" if actual <= s.value else f"高出 {num(actual - s.value)}{unit}"
        rows.append(row)
    return rows


# --- the children's budget ----------------------------------------------------------------------

@dataclass
class BudgetRow:
    key: object
    label: str
    planned: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    previous: Decimal | None = None  # planned the year before

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.planned - self.previous

    @property
    def change_text(self) -> str:
        if self.previous is None or not self.previous:
            return "新增" if self.planned and self.previous is not None else "—"
        pct = (self.planned - self.previous) / self.previous * 100
        sign = "+" if pct > 0 else ""
        return f"{sign}{num(self.planned - self.previous)}（{sign}{pct:.0f}%）"

    @property
    def rate(self) -> str:
        return f"{self.spent / self.planned * 100:.0f}%" if self.planned else "—"


def _town_of(unit: OrgUnit) -> OrgUnit | None:
    node = unit
    while node is not None and node.kind != OrgUnit.Kind.TOWN:
        if node.kind == OrgUnit.Kind.AREA:
            return None
        node = node.parent
    return node


def budget(lines, year: int) -> dict[str, list[BudgetRow]]:
    """Planned and spent money of ``lines`` (BudgetLines the user may see) in ``year`` by task,
    department, town and year, each with the year before's planned amount to compare."""
    lines = list(lines.select_related("work_plan__org_unit__parent", "task"))
    groups: dict[str, dict] = {"task": {}, "department": {}, "town": {}, "source": {}, "year": {}}

    def add(dim, key, label, line):
        row = groups[dim].setdefault(key, {})
        for y in (line.work_plan.year,):
            cell = row.setdefault(y, BudgetRow(key, label))
            cell.planned += line.planned
            cell.spent += line.spent

    for line in lines:
        unit = line.work_plan.org_unit
        add("task", line.task.number, f"（{line.task.number}）{line.task.title}", line)
        if unit.kind == OrgUnit.Kind.TOWN or _town_of(unit):
            town = _town_of(unit)
            add("town", town.pk, town.name, line)
        else:
            add("department", unit.pk, unit.name, line)
        add("source", line.source, line.get_source_display(), line)
        add("year", line.work_plan.year, f"{line.work_plan.year}年", line)
    out = {}
    for dim, rows in groups.items():
        listed = []
        for key, by_year in rows.items():
            if dim == "year":
                row = by_year[key]
                prev = rows.get(key - 1, {}).get(key - 1)
                row.previous = prev.planned if prev else None
                listed.append(row)
                continue
            if year not in by_year and year - 1 not in by_year:
                continue
            label = next(iter(by_year.values())).label
            row = by_year.get(year) or BudgetRow(key, label)
            prev = by_year.get(year - 1)
            row.previous = prev.planned if prev else (Decimal(0) if by_year.get(year) else None)
            listed.append(row)
        listed.sort(key=lambda r: (r.key if dim in ("year", "task") else -r.planned, str(r.label)))
        out[dim] = listed
    return out


def lines_visible(user, plan):
    """The budget lines ``user`` may see, of work plans sent up (a draft's sums are not yet a plan)."""
    from cfcity.accounts import access
    return access.visible_to(user, BudgetLine.objects.filter(work_plan__plan=plan, work_plan__status__in=SENT),
                             "work_plan__org_unit")


def periods_of(plan) -> list[int]:
    return sorted(set(Period.objects.filter(plan=plan).values_list("year", flat=True)))
