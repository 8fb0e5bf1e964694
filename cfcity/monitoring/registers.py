"""What every register that measures targets (welfare's register and roster, the spaces
register, the life circle …) shares: where its figure is written, for which periods, and when.

A register's figure is an ``Observation`` without a report, at the task's first lead
department, one per year period that has ended, each as the register stood on the period's
last day. ``collect.area_inputs`` takes it as the area's figure for that period, whatever
co-leads typed, and an accepted report does not overwrite it (services.record_observations).
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cfcity.plans import models as pm


def lead_department(target: pm.Target) -> int | None:
    """The unit a register's figure for ``target`` is written at: the task's first lead."""
    if target.task_id is None:
        return None
    return (pm.TaskDepartment.objects.filter(task_id=target.task_id).order_by("order")
            .values_list("org_unit_id", flat=True).first())


def ended_years(plan: pm.Plan, as_of: datetime.date) -> list:
    from cfcity.reporting.models import Period
    return list(Period.objects.filter(plan=plan, kind=Period.Kind.YEAR, ends__lte=as_of).order_by("ends"))


def record(target: pm.Target, unit_id: int, period, value: Decimal | None) -> bool:
    """Write (or, for no figure, remove) the register's observation; True if one was written."""
    from cfcity.monitoring.models import Observation
    with transaction.atomic():
        if value is None:
            Observation.objects.filter(target=target, org_unit_id=unit_id, period=period,
                                       report__isnull=True).delete()
            return False
        Observation.objects.update_or_create(
            target=target, org_unit_id=unit_id, period=period,
            defaults={"value": value, "report": None, "accepted_at": timezone.now()})
    return True


def publish(plans, bound, value, *, as_of: datetime.date | None = None, recompute: bool = True) -> int:
    """Write a register's figures for every target it measures, one per year period ended by
    ``as_of``, each as the register stood on the period's last day, then recompute the plans
    touched. ``bound(plan)`` → [(target, key)]: the targets the register measures and what it
    measures for each; ``value(plan, target, key, day)`` → the figure or None (no figure: an
    earlier one is removed). Returns how many were written."""
    from . import services
    as_of = as_of or timezone.localdate()
    plans = list(pm.Plan.objects.filter(area__isnull=False) if plans is None else plans)
    touched, written = [], 0
    for plan in plans:
        if plan.area_id is None:
            continue
        pairs = [(t, key, unit) for t, key in bound(plan) if (unit := lead_department(t)) is not None]
        for period in ended_years(plan, as_of) if pairs else ():
            for target, key, unit in pairs:
                if record(target, unit, period, value(plan, target, key, period.ends)):
                    written += 1
                    if plan not in touched:
                        touched.append(plan)
    if recompute and touched:
        services.recompute(touched, as_of=as_of)
    return written


# the register publishers a queued task may name (cfcity.monitoring.tasks.publish_register)
PUBLISHERS = {"cfcity.welfare.measures._publish_now", "cfcity.spaces.measures._publish_now",
              "cfcity.lifecircle.measures._publish_now"}
_queued: dict = {}  # publisher → the one callback that queues it (compared by identity below)


def once_after_commit(fn) -> None:
    """Run ``fn`` after the current transaction commits — once, however many register writes
    the transaction holds (the demo and an import make hundreds). With Celery it runs on a
    worker, not in the request."""
    from cfcity.ops import background
    callback = fn
    if background.queued():
        callback = _queued.get(fn) or _queued.setdefault(fn, _queue_call(fn))
    if any(entry[1] is callback for entry in transaction.get_connection().run_on_commit):
        return
    transaction.on_commit(callback)


def _queue_call(fn):
    path = f"{fn.__module__}.{fn.__qualname__}"
    if path not in PUBLISHERS:
        raise ValueError(f"{path} is not a register publisher (monitoring.registers.PUBLISHERS)")

    def send():
        from cfcity.ops import background

        from . import tasks
        background.run(tasks.publish_register, path)
    return send
