"""Answer dates of council proposals for the calendar (cfcity.agenda.registry.PROVIDERS):
the proposals routed to the units whose proposals ``user`` answers."""
from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from cfcity.accounts import access

from . import services
from .models import Proposal


def proposal_deadlines(user, start: datetime.date, end: datetime.date) -> list[dict]:
    units = services.answer_units(user)
    qs = services.visible_proposals(user).filter(due_on__gte=start, due_on__lte=end, routed_to__isnull=False,
                                                 state__in=(Proposal.State.ROUTED, Proposal.State.ANSWERED,
                                                            Proposal.State.CLOSED))
    if units is not access.ALL:
        qs = qs.filter(routed_to_id__in=units)
    today = timezone.localdate()
    return [{"date": p.due_on, "title": f"答复议事会建议：{p.council.name} — {p.title}", "kind": "proposal",
             "url": reverse("councils:proposal", args=[p.pk]), "org_unit_id": p.routed_to_id,
             "overdue": p.state == Proposal.State.ROUTED and p.due_on < today,
             "done": p.state != Proposal.State.ROUTED}
            for p in qs.select_related("council").order_by("due_on", "pk")]
