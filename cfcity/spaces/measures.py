"""The plan's child-friendly space targets measured from the register, not typed in.

A target is bound to a kind of space when its indicator contains one of the kind's words
(``SpaceKind.target_words``; the longest word found wins, so “多功能运动场地” binds to
运动场地, “儿童友好主题公园（口袋公园）” to 公园):

- a ``cumulative`` target (建设 3—5 处儿童友好街区, 8 片多功能运动场地 by 2023) counts the
  spaces of the kind in the plan's area that were open or certified on the period's last day
  (status open/certified and opened on or before it);
- a ``coverage`` target that speaks of child-friendly construction (全县中小学校、幼儿园
  普遍开展儿童友好学校建设) is the share of the registered spaces of the kind — the register
  lists every school (hospital …) concerned, planned ones too — that had started by then
  (under construction, open or certified, with the date it reached that status on or before
  the day). Other coverage targets (义务教育学校课后服务覆盖率) are not about spaces and do
  not bind.

The figures are stored as the observations of the task's first lead department, one per year
period that has ended, as the register stood on the period's last day (report = none), so they
take part in the engine, dashboards and warnings like a department's yearly report — the same
footing as ``cfcity.welfare.measures``.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q

from cfcity.plans import models as pm

FRIENDLY = "儿童友好"
BOUND_KINDS = (pm.Target.Kind.CUMULATIVE, pm.Target.Kind.COVERAGE)


def kind_for(target: pm.Target, kinds=None):
    """The SpaceKind ``target`` is measured by, or None."""
    from .models import SpaceKind
    if target.kind not in BOUND_KINDS:
        return None
    text = target.indicator or ""
    if target.kind == pm.Target.Kind.COVERAGE and FRIENDLY not in text:
        return None
    best, best_len = None, 0
    for kind in (SpaceKind.objects.all() if kinds is None else kinds):
        for word in kind.words():
            if word in text and len(word) > best_len:
                best, best_len = kind, len(word)
    return best


def value(target: pm.Target, kind, area_id: int, as_of: datetime.date) -> Decimal | None:
    from .models import Space
    spaces = Space.objects.filter(area_id=area_id, kind=kind)
    if target.kind == pm.Target.Kind.CUMULATIVE:
        return Decimal(built(spaces, as_of).count())
    total = spaces.count()
    if not total:
        return None
    done = started(spaces, as_of).count()
    return (Decimal(done) * 100 / total).quantize(Decimal("0.01"))


def built(spaces, as_of: datetime.date):
    from .models import Space
    return spaces.filter(Q(opened_on__lte=as_of) | Q(opened_on__isnull=True, certified_on__lte=as_of),
                         status__in=Space.BUILT)


def started(spaces, as_of: datetime.date):
    from .models import Space
    return spaces.filter(Q(started_on__lte=as_of) | Q(opened_on__lte=as_of) | Q(certified_on__lte=as_of),
                         status__in=Space.STARTED)


def bound_targets(plan: pm.Plan) -> list[tuple[pm.Target, object]]:
    from .models import SpaceKind
    kinds = list(SpaceKind.objects.all())
    return [(t, k) for t in plan.targets.filter(kind__in=BOUND_KINDS).order_by("task__number", "order")
            if (k := kind_for(t, kinds)) is not None]


def publish(plans=None, *, as_of: datetime.date | None = None, recompute: bool = True) -> int:
    """Write the register's figures as observations for every bound target, one per year
    period ended by ``as_of``, each as the register stood on the period's last day. Returns
    how many were written."""
    from cfcity.monitoring import registers
    return registers.publish(plans, bound_targets,
                             lambda plan, target, kind, day: value(target, kind, plan.area_id, day),
                             as_of=as_of, recompute=recompute)


def _publish_now():
    publish()


def publish_soon():
    """After a register write commits: refresh the figures (and the plan's statuses)."""
    from cfcity.monitoring.registers import once_after_commit
    once_after_commit(_publish_now)
