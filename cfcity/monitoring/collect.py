"""From the database to the engine's inputs: one grouped SQL pass over the accepted values.

A target's value for the plan's area in a period is built from the units' values by the
target's kind (docs/methodology.md, “汇总口径”):

- where a register measures it (an observation without a report, at a department): the
  register's figure for that period;
- where departments report it: their value (the mean, when co-leads give the same figure);
- else ``cumulative``: the sum over the units (each reports what it has built so far);
- ``per_unit`` always becomes the share of the units concerned that have their supervisor
  or director: a department's count of them, or the units' own answers (a village with ≥ 1
  儿童主任), or the towns' counts of their villages;
- else ``frequency``: the share of the units concerned that meet it (≥ 2 activities a semester);
- else the mean of the reporting units' values.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, F, IntegerField, Sum, When

from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import kind_named_in
from cfcity.plans import models as pm
from cfcity.reporting.models import Assignment, Period, TargetShare

from . import engine
from .models import Judgement, Observation


@dataclass
class Input:
    """Everything the engine needs for one target at one unit."""
    target: pm.Target
    org_unit_id: int
    spec: engine.TargetSpec
    points: list[engine.Point]
    judgement: engine.Status | None = None


def _f(v):
    return None if v is None else float(v)


def spec_for(target: pm.Target, plan: pm.Plan, *, value=None, comparator=None) -> engine.TargetSpec:
    return engine.TargetSpec(
        kind=target.kind, comparator=comparator or target.comparator,
        value=_f(target.value if value is None else value),
        value_max=None if value is not None else _f(target.value_max),
        year=target.year, direction=target.direction,
        baseline_value=_f(target.baseline_value) if target.has_baseline else None,
        baseline_year=target.baseline_year if target.has_baseline else None,
        start_year=plan.period_start, end_year=plan.period_end)


def _units_by_area_and_kind(area_ids: set[int]) -> dict[tuple[int, str], int]:
    """How many active units of each kind sit under each area (one query, walked in memory)."""
    rows = list(OrgUnit.objects.filter(active=True).values_list("id", "parent_id", "kind"))
    parent = {i: p for i, p, _ in rows}
    area_of: dict[int, int | None] = {a: a for a in area_ids}
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for uid, _, kind in rows:
        chain, node = [], uid
        while node is not None and node not in area_of and node not in chain:  # stops on a cycle
            chain.append(node)
            node = parent.get(node)
        found = area_of.get(node)
        for n in chain:
            area_of[n] = found
        if found is not None and uid != found:
            counts[(found, kind)] += 1
    return counts


def _period_ends(plan_ids) -> dict[int, tuple[datetime.date, str]]:
    return {pid: (ends, kind) for pid, ends, kind in
            Period.objects.filter(plan_id__in=plan_ids).values_list("id", "ends", "kind")}


KIND_RANK = {Period.Kind.YEAR: 0, Period.Kind.HALF: 1, Period.Kind.QUARTER: 2}


def _merge(by_period: dict[int, float], ends: dict[int, tuple[datetime.date, str]]) -> list[engine.Point]:
    """One point per date: where a year and its fourth quarter end together, the year wins."""
    best: dict[datetime.date, tuple[int, float]] = {}
    for pid, value in by_period.items():
        date, kind = ends[pid]
        rank = KIND_RANK.get(kind, 9)
        if date not in best or rank < best[date][0]:
            best[date] = (rank, value)
    return [engine.Point(d, v) for d, (_, v) in sorted(best.items())]


COUNTY_KINDS = {OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.AREA}


def _from_departments(rows: dict) -> float:
    return float(sum(r["total"] for r in rows.values()) / sum(r["n"] for r in rows.values()))


def _from_units(t: pm.Target, rows: dict, concerned: int, own_kind: str | None) -> float:
    """The area's value built from the units below the departments."""
    n = sum(r["n"] for r in rows.values())
    if t.kind == pm.Target.Kind.CUMULATIVE:
        return float(sum(r["total"] for r in rows.values()))
    if t.kind == pm.Target.Kind.FREQUENCY:
        return 100.0 * sum(r["met"] for r in rows.values()) / (max(concerned, n) or 1)
    if t.kind == pm.Target.Kind.PER_UNIT:
        if own_kind in rows:  # each village says whether it has its director
            covered = rows[own_kind]["met"]
        else:  # towns count the villages under them that have one
            covered = sum(r["total"] for r in rows.values())
        return min(100.0, 100.0 * float(covered) / (max(concerned, 1)))
    return float(sum(r["total"] for r in rows.values()) / n)


def area_inputs(plans: list[pm.Plan]) -> list[Input]:
    """The inputs for every target of ``plans`` at their areas: a fixed number of queries.

    Where departments report a target, the area's value is theirs (their mean: co-leads
    report the same county figure). Otherwise it is built from the units that report it:
    ``cumulative`` sums them, ``per_unit`` and ``frequency`` become the share of the units
    concerned that meet it (the aim is then 100%), the rest take the mean."""
    plan_by_id = {p.pk: p for p in plans}
    targets = list(pm.Target.objects.filter(plan_id__in=plan_by_id).order_by("plan_id", "task__number", "order"))
    ends = _period_ends(plan_by_id)
    grouped = (Observation.objects.filter(target__plan_id__in=plan_by_id)
               .values("target_id", "period_id", "org_unit__kind")
               .annotate(n=Count("id"), total=Sum("value"),
                         met=Sum(Case(When(value__gte=F("target__value"), then=1), default=0,
                                      output_field=IntegerField())))
               .order_by())
    stats: dict[int, dict[int, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
    for row in grouped:
        stats[row["target_id"]][row["period_id"]][row["org_unit__kind"]] = row
    # a register's figure (spaces, life circle, welfare …: an observation without a report,
    # written at a department) is the area's figure for its period, whatever co-leads typed
    registered = {(r["target_id"], r["period_id"]): float(r["mean"]) for r in
                  Observation.objects.filter(target__plan_id__in=plan_by_id, report__isnull=True,
                                             org_unit__kind__in=COUNTY_KINDS)
                  .values("target_id", "period_id").annotate(mean=Avg("value")).order_by()}
    assigned = defaultdict(int)
    for task_id, n in (Assignment.objects.filter(task__plan_id__in=plan_by_id).exclude(
            org_unit__kind__in=COUNTY_KINDS).values("task_id").annotate(n=Count("id"))
            .values_list("task_id", "n")):
        assigned[task_id] = n
    areas = {p.area_id for p in plans if p.area_id}
    unit_counts = _units_by_area_and_kind(areas) if any(
        t.kind == pm.Target.Kind.PER_UNIT for t in targets) else {}
    judgements = {j.target_id: engine.Status(j.status) for j in
                  Judgement.objects.filter(target__plan_id__in=plan_by_id)}

    inputs = []
    for t in targets:
        plan = plan_by_id[t.plan_id]
        periods = stats.get(t.pk, {})
        by_departments = any(k in COUNTY_KINDS for kinds in periods.values() for k in kinds)
        own_kind = kind_named_in(t.per)  # the units concerned
        concerned = (unit_counts.get((plan.area_id, own_kind), 0) if t.kind == pm.Target.Kind.PER_UNIT
                     else assigned.get(t.task_id, 0))
        by_period = {}
        for pid, kinds in periods.items():
            if (t.pk, pid) in registered:
                by_period[pid] = registered[(t.pk, pid)]
            elif by_departments:
                rows = {k: r for k, r in kinds.items() if k in COUNTY_KINDS}
                if rows:
                    by_period[pid] = _from_departments(rows)
            else:
                by_period[pid] = _from_units(t, kinds, concerned, own_kind)
        spec = spec_for(t, plan)
        if t.kind in (pm.Target.Kind.PER_UNIT, pm.Target.Kind.FREQUENCY) and not by_departments:
            # the points are shares of the units concerned: the aim is all of them
            spec = engine.TargetSpec(**{**spec.__dict__, "value": 100.0, "comparator": ">=", "value_max": None})
        if t.kind == pm.Target.Kind.PER_UNIT and by_departments:
            # a department counts the towns (villages) that have one: as a share of them all
            by_period = {pid: min(100.0, 100.0 * v / max(concerned, 1)) for pid, v in by_period.items()}
            spec = engine.TargetSpec(**{**spec.__dict__, "value": 100.0, "comparator": ">=", "value_max": None})
        inputs.append(Input(t, plan.area_id, spec, _merge(by_period, ends), judgements.get(t.pk)))
    return inputs


def share_inputs(plans: list[pm.Plan]) -> list[Input]:
    """The inputs for the targets broken down to units (a town's 2 of the 3—5 streets):
    the unit's own values against its share."""
    plan_by_id = {p.pk: p for p in plans}
    shares = list(TargetShare.objects.filter(target__plan_id__in=plan_by_id).select_related("target"))
    if not shares:
        return []
    ends = _period_ends(plan_by_id)
    values: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for target_id, unit_id, period_id, value in (
            Observation.objects.filter(target_id__in={s.target_id for s in shares},
                                       org_unit_id__in={s.org_unit_id for s in shares})
            .values_list("target_id", "org_unit_id", "period_id", "value")):
        values[(target_id, unit_id)][period_id] = float(value)
    inputs = []
    for s in shares:
        plan = plan_by_id[s.target.plan_id]
        comparator = ">=" if s.target.comparator in (None, "between", "==") else s.target.comparator
        spec = spec_for(s.target, plan, value=s.value, comparator=comparator)
        if s.target.kind in (pm.Target.Kind.PER_UNIT, pm.Target.Kind.FREQUENCY, pm.Target.Kind.COVERAGE):
            # the town's own figure against its own share (1 名 督导员), not a share of units
            spec = engine.TargetSpec(**{**spec.__dict__, "kind": pm.Target.Kind.LEVEL})
        inputs.append(Input(s.target, s.org_unit_id, spec,
                            _merge(values.get((s.target_id, s.org_unit_id), {}), ends)))
    return inputs
