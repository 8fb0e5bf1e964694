"""The plan's life-circle target measured from the computation, not typed in.

A target is bound by its words, so any county's plan binds the same way: a coverage (or
level) target about communities — "社区" in its indicator or source — whose own text or whose
task's text speaks of the life circle ("生活圈"). In the reference plan that is task (25)
"打造15分钟儿童社区生活圈 … 全县社区普遍开展儿童友好社区建设" (coverage, 100 %).

The figure is the share of residential communities (%) that reach at least one open or
certified child-friendly space of a life-circle kind within the 15-minute walk. It is stored
as the lead department's observation, one per year period that has ended, each computed as of
the period's last day (spaces open by then, on the area's current walking network, for the
communities registered now) — the same footing as a department's yearly report.
"""
from __future__ import annotations

import datetime
from decimal import Decimal


from cfcity.plans import models as pm

COVERAGE = "lifecircle_coverage"
LABELS = {COVERAGE: "15分钟儿童社区生活圈覆盖的居住社区比例（来自生活圈计算）"}


def measure_for(target: pm.Target) -> str | None:
    if target.kind not in (pm.Target.Kind.COVERAGE, pm.Target.Kind.LEVEL):
        return None
    text = f"{target.indicator} {target.source}"
    if "生活圈" in text:
        return COVERAGE
    task_text = f"{target.task.title} {target.task.text}" if target.task_id else ""
    if "社区" in text and "生活圈" in task_text:
        return COVERAGE
    return None


def value(area, as_of: datetime.date, p=None, walk=None) -> Decimal | None:
    from . import compute as lc
    from . import services
    _, _, share = lc.summary(services.compute_area(area, as_of, p, walk))
    return None if share is None else Decimal(str(share)).quantize(Decimal("0.01"))


def publish(plans=None, *, as_of: datetime.date | None = None, recompute: bool = True) -> int:
    """Write the share covered as observations for every bound target, one per ended year
    period, as of its last day. Returns how many were written."""
    from cfcity.monitoring import registers

    from . import services

    walks: dict[int, tuple] = {}  # the area's network, built once for all the years
    shares: dict[tuple[int, datetime.date], Decimal | None] = {}  # one computation a year

    def share(plan, target, key, day):
        if plan.pk not in walks:
            p = services.params()
            walks[plan.pk] = (p, services.walkable(plan.area, p)[1])
        if (plan.pk, day) not in shares:
            p, walk = walks[plan.pk]
            shares[(plan.pk, day)] = value(plan.area, day, p, walk)
        return shares[(plan.pk, day)]

    return registers.publish(plans, lambda plan: [(t, COVERAGE) for t in plan.targets.select_related("task")
                                                  if measure_for(t)],
                             share, as_of=as_of, recompute=recompute)


def _publish_now():
    publish()


def publish_soon():
    """After a run, or a change to a space, commits: refresh the figures (once per transaction)."""
    from cfcity.monitoring.registers import once_after_commit
    once_after_commit(_publish_now)
