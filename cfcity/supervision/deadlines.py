"""Rectification deadlines for the calendar (cfcity.agenda.registry.PROVIDERS)."""
from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from . import services
from .models import Finding


def rectification_deadlines(user, start: datetime.date, end: datetime.date) -> list[dict]:
    """Each finding ``user`` may see whose deadline falls in [start, end]: overdue while the
    unit owes an answer, done once signed off."""
    today = timezone.localdate()
    out = []
    for f in services.findings_for(user).filter(deadline__gte=start, deadline__lte=end).order_by("deadline", "pk"):
        out.append({"date": f.deadline, "title": f"整改期限：{f.org_unit.name} — {f.inspection.title} 问题{f.number}",
                    "kind": "rectification", "url": reverse("supervision:finding", args=[f.pk]),
                    "org_unit_id": f.org_unit_id, "overdue": f.is_overdue(today),
                    "done": f.status == Finding.Status.CLOSED})
    return out
