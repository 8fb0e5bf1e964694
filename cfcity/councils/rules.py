"""The warning rule for council proposals past their answer date (monitoring EXTRA_RULES).

True while a proposal routed to a unit is unanswered after its due date: the routed unit
must answer it; it clears when the unit answers (or the council takes the proposal back by
routing it elsewhere with a new date). The message names the council and the proposal's
title — never a child."""
from __future__ import annotations

import datetime

from cfcity.plans import display


def proposal_rules(plan, as_of: datetime.date):
    from cfcity.monitoring.models import Warning
    from cfcity.monitoring.warnings import Found

    from . import measures
    from .models import Proposal

    if plan.area_id is None:
        return []
    task = measures.council_task(plan)
    out = []
    for p in (Proposal.objects.filter(council__area_id=plan.area_id, state=Proposal.State.ROUTED,
                                      due_on__lt=as_of, routed_to__isnull=False)
              .select_related("council").order_by("due_on", "pk")):
        late = (as_of - p.due_on).days
        message = (f"{p.council.name}提出的建议“{p.title}”交由本单位答复，答复期限 {display.date_text(p.due_on)}，"
                   f"已逾期 {late} 天。")
        clear_by = "在“儿童议事会 · 待答复建议”中答复该建议，答复后自动解除。"
        out.append(Found(f"proposal:{p.pk}", Warning.Kind.PROPOSAL, Warning.Severity.MEDIUM, p.routed_to_id,
                         message, clear_by, task.pk if task else None))
    return out
