"""Monitoring's writes: accepted values into the fact table, the engine's verdicts into
``TargetStatus``, and then the warnings. ``recompute`` runs after every acceptance and
from ``cfcity monitor recompute``."""
from __future__ import annotations

import contextlib
import dataclasses
import contextvars
import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cfcity.plans import models as pm
from cfcity.reporting.models import Report

from . import collect, engine
from .models import Observation, TargetStatus


def thresholds() -> engine.Thresholds:
    """The engine's thresholds: the defaults, overridden by ``settings.MONITORING_THRESHOLDS``."""
    return engine.Thresholds.from_mapping(getattr(settings, "MONITORING_THRESHOLDS", {}) or {})


@transaction.atomic
def record_observations(report: Report) -> int:
    """An accepted report's values become the unit's observations for its period (a
    correction replaces what the revision it corrects had said)."""
    now = timezone.now()
    # a figure a register measures for this unit and period (report = none) is not replaced
    # by a typed one: the register is the record (collect.py takes it as the area's figure)
    kept = set(Observation.objects.filter(org_unit_id=report.org_unit_id, period_id=report.period_id,
                                          report__isnull=True).values_list("target_id", flat=True))
    rows = [Observation(target_id=v.target_id, org_unit_id=report.org_unit_id, period_id=report.period_id,
                        value=v.value, report=report, accepted_at=now)
            for v in report.values.all() if v.value is not None and v.target_id not in kept]
    cleared = {v.target_id for v in report.values.all() if v.value is None}
    if cleared:  # a correction that empties a value takes the old one out
        Observation.objects.filter(target_id__in=cleared - kept, org_unit_id=report.org_unit_id,
                                   period_id=report.period_id).delete()
    Observation.objects.bulk_create(rows, update_conflicts=True,
                                    unique_fields=["target", "org_unit", "period"],
                                    update_fields=["value", "report", "accepted_at"])
    return len(rows)


@dataclass
class Recomputed:
    plans: int
    statuses: int
    warnings: int
    seconds: float


def _row(inp: collect.Input, a: engine.Assessment, as_of: datetime.date) -> TargetStatus:
    return TargetStatus(
        target_id=inp.target.pk, org_unit_id=inp.org_unit_id, as_of=as_of, status=a.status.value,
        latest=a.latest, latest_when=a.latest_when, baseline=a.baseline, baseline_year=a.baseline_year,
        progress=a.progress, expected=a.expected,
        sdg_category=a.sdg.category.value if a.sdg else "", sdg_ratio=a.sdg.ratio if a.sdg else None,
        reasons=list(a.reasons), disagreement=a.disagreement or "",
        series=[[p.when.isoformat(), p.value] for p in inp.points])


FIELDS = ["as_of", "status", "latest", "latest_when", "baseline", "baseline_year", "progress", "expected",
          "sdg_category", "sdg_ratio", "reasons", "disagreement", "series", "computed_at"]


def assess_plans(plans: list[pm.Plan], as_of: datetime.date) -> list[TargetStatus]:
    """The engine's verdicts for ``plans``, not yet saved (plain computation after the reads)."""
    limits = thresholds()
    rows = []
    for inp in collect.area_inputs(plans) + collect.share_inputs(plans):
        points = [p for p in inp.points if p.when <= as_of]  # a past year sees only its own data
        a = engine.assess(inp.spec, points, as_of=as_of, judgement=inp.judgement, thresholds=limits)
        rows.append(_row(dataclasses.replace(inp, points=points), a, as_of))
    return rows


def recompute(plans=None, *, as_of: datetime.date | None = None, batch: int = 500,
              progress=None) -> Recomputed:
    """Recompute every target of ``plans`` (default: all) and refresh their warnings.
    ``progress(done, total)`` is called after each batch of plans (the command's bar)."""
    from . import warnings as warning_rules

    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    plans = list(pm.Plan.objects.all() if plans is None else plans)
    total_statuses = total_warnings = 0
    step = 50  # plans per pass: bounded memory for a province of 150 county plans
    for i in range(0, len(plans), step):
        chunk = plans[i:i + step]
        rows = assess_plans(chunk, as_of)
        now = timezone.now()
        for r in rows:
            r.computed_at = now
        with transaction.atomic():
            TargetStatus.objects.bulk_create(rows, batch_size=batch, update_conflicts=True,
                                             unique_fields=["target", "org_unit"], update_fields=FIELDS)
            # a share removed since the last run leaves no stale verdict behind
            keep = {(r.target_id, r.org_unit_id) for r in rows}
            stale = [pk for pk, t, u in TargetStatus.objects.filter(target__plan__in=chunk)
                     .values_list("pk", "target_id", "org_unit_id") if (t, u) not in keep]
            TargetStatus.objects.filter(pk__in=stale).delete()
            for plan in chunk:
                total_warnings += warning_rules.refresh(plan, as_of=as_of)
        total_statuses += len(rows)
        if progress:
            progress(min(i + step, len(plans)), len(plans))
    return Recomputed(len(plans), total_statuses, total_warnings,
                      time.perf_counter() - started)


_deferred: contextvars.ContextVar[set | None] = contextvars.ContextVar("monitoring_deferred", default=None)


@contextlib.contextmanager
def deferred_recompute():
    """Bulk work (the demo, imports) accepts hundreds of reports: recompute each plan once
    at the end instead of after every acceptance."""
    plans: set[int] = set()
    token = _deferred.set(plans)
    try:
        yield plans
    finally:
        _deferred.reset(token)
    if plans:
        recompute(pm.Plan.objects.filter(pk__in=plans))


def on_accepted(report: Report):
    """Called by the review workflow inside its transaction: store the values now, and
    recompute the plan once the acceptance is committed."""
    record_observations(report)
    plan = report.period.plan
    pending = _deferred.get()
    if pending is not None:
        pending.add(plan.pk)
    else:
        from . import tasks
        transaction.on_commit(lambda: tasks.recompute_soon(plan.pk))
