"""The plan's welfare targets measured from the register and the roster, not typed in.

A target is measured from the register when its words say what it counts — the genre's
standard phrases, so any county's plan binds the same way:

    per_unit 儿童督导员 (镇/街道)  → towns with a serving supervisor (a count; the collector
                                    turns it into the share of towns, docs/methodology.md)
    per_unit 儿童主任 (村/社区)    → villages with a serving children's director
    脑瘫 …                        → % of children with indicated cerebral palsy who received
                                    rehabilitation support (康复救助)
    希望小屋 …                     → % of eligible children whose 希望小屋 is built

The figures are stored as the lead department's observations, one per year period that
has ended, each as the register stood on the period's last day (report = none), so they take
part in the engine, dashboards and warnings like a department's yearly report. Only
records whose guardian consented to statistical use count.
A town or village without its supervisor or director is a warning (``roster_rules``).
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from cfcity.orgs.models import OrgUnit
from cfcity.orgs.tree import descendant_ids
from cfcity.plans import models as pm

from .models import Child, Support, SupportKind, Worker

SUPERVISOR_TOWNS, DIRECTOR_VILLAGES, CP_RESCUED, HOPE_HOUSE = (
    "supervisor_towns", "director_villages", "cp_rescued_share", "hope_house_share")
LABELS = {SUPERVISOR_TOWNS: "配备儿童督导员的镇（街道）数（来自名册）",
          DIRECTOR_VILLAGES: "配备儿童主任的村（社区）数（来自名册）",
          CP_RESCUED: "适应症脑瘫儿童康复救助到位比例（来自台账）",
          HOPE_HOUSE: "符合条件儿童“希望小屋”建成比例（来自台账）"}


def measure_for(target: pm.Target) -> str | None:
    text = f"{target.indicator} {target.source}"
    if target.kind == pm.Target.Kind.PER_UNIT:
        if "督导员" in text and "督导员" in target.indicator:
            return SUPERVISOR_TOWNS
        if "儿童主任" in target.indicator:
            return DIRECTOR_VILLAGES
        return None
    if "脑瘫" in text and target.kind in (pm.Target.Kind.COVERAGE, pm.Target.Kind.LEVEL):
        return CP_RESCUED
    if "希望小屋" in text and target.kind in (pm.Target.Kind.COVERAGE, pm.Target.Kind.LEVEL,
                                             pm.Target.Kind.CUMULATIVE):
        return HOPE_HOUSE
    return None


def _serving(as_of: datetime.date):
    return Worker.objects.filter(appointed_on__lte=as_of).exclude(left_on__lte=as_of)


def units_with_worker(kind: str, unit_ids: set[int], as_of: datetime.date) -> set[int]:
    return set(_serving(as_of).filter(kind=kind, org_unit_id__in=unit_ids).values_list("org_unit_id", flat=True))


def counted_children(unit_ids: set[int], as_of: datetime.date | None = None):
    """The records statistics may use (consent to statistical use): open now, or — for a
    past date — registered by then and not yet closed on it."""
    qs = Child.objects.filter(village_id__in=unit_ids, consent_statistics=True)
    if as_of is None:
        return qs.filter(status=Child.Status.OPEN, anonymised_at__isnull=True)
    return qs.filter(Q(status=Child.Status.OPEN) | Q(closed_on__gt=as_of), registered_on__lte=as_of)


def _share(qs, kind: str, as_of: datetime.date) -> Decimal | None:
    total = qs.count()
    if not total:
        return None
    done = qs.filter(Exists(Support.objects.filter(child=OuterRef("pk"), kind=kind, date__lte=as_of))).count()
    return (Decimal(done) * 100 / total).quantize(Decimal("0.01"))


def value(measure: str, area_id: int, as_of: datetime.date) -> Decimal | None:
    ids = descendant_ids([area_id])
    if measure == SUPERVISOR_TOWNS:
        return Decimal(len(units_with_worker(Worker.Kind.SUPERVISOR, ids, as_of)))
    if measure == DIRECTOR_VILLAGES:
        return Decimal(len(units_with_worker(Worker.Kind.DIRECTOR, ids, as_of)))
    if measure == CP_RESCUED:
        return _share(counted_children(ids, as_of).filter(cp_indicated=True), SupportKind.CP_REHAB, as_of)
    if measure == HOPE_HOUSE:
        return _share(counted_children(ids, as_of).filter(hope_house_eligible=True), SupportKind.HOPE_HOUSE, as_of)
    raise ValueError(measure)


def publish(plans=None, *, as_of: datetime.date | None = None, recompute: bool = True) -> int:
    """Write the register's figures as observations for every bound target, one per year
    period that has ended by ``as_of``, each as the register stood on the period's last day
    (the roster by appointment dates, children by registration and closing dates, support by
    its date) — the same footing as a department's yearly report. The running year shows at
    its end; the roster's gaps warn at once (``roster_rules``). Returns how many were written."""
    from cfcity.monitoring import registers
    return registers.publish(plans, lambda plan: [(t, m) for t in plan.targets.all() if (m := measure_for(t))],
                             lambda plan, target, m, day: value(m, plan.area_id, day),
                             as_of=as_of, recompute=recompute)


def _publish_now():
    publish()


def publish_soon():
    """After a register write commits: refresh the figures (and the plan's statuses)."""
    from cfcity.monitoring.registers import once_after_commit
    once_after_commit(_publish_now)


# --- warnings: a town without its supervisor, a village without its director ---------------

def roster_rules(plan: pm.Plan, as_of: datetime.date):
    from cfcity.monitoring.models import Warning
    from cfcity.monitoring.warnings import Found

    if plan.area_id is None:
        return []
    wanted = {measure_for(t): t for t in plan.targets.filter(kind=pm.Target.Kind.PER_UNIT)}
    out = []
    ids = descendant_ids([plan.area_id])
    for measure, kind, unit_kind in ((SUPERVISOR_TOWNS, Worker.Kind.SUPERVISOR, OrgUnit.Kind.TOWN),
                                     (DIRECTOR_VILLAGES, Worker.Kind.DIRECTOR, OrgUnit.Kind.VILLAGE)):
        target = wanted.get(measure)
        if target is None:
            continue
        have = units_with_worker(kind, ids, as_of)
        label = Worker.Kind(kind).label
        for unit in OrgUnit.objects.filter(pk__in=ids, kind=unit_kind, active=True).exclude(pk__in=have):
            responsible = unit.pk if unit_kind == OrgUnit.Kind.TOWN else (unit.parent_id or unit.pk)
            out.append(Found(
                f"roster_gap:{kind}:unit:{unit.pk}", Warning.Kind.ROSTER_GAP, Warning.Severity.MEDIUM,
                responsible, f"{unit.name}尚未配备{label}（任务（{target.task.number}）要求每个"
                f"{OrgUnit.Kind(unit_kind).label}配备 1 名）。",
                f"在儿童督导员和儿童主任名册中登记{unit.name}的{label}后自动解除。",
                target.task_id, target.pk))
    return out
