"""Work plan due dates and milestones as deadlines for the calendar (cfcity.agenda)."""
from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from cfcity.accounts import access

from .models import Milestone, Status, WorkPlan


def deadlines(user, start: datetime.date, end: datetime.date) -> list[dict]:
    """Every work plan due and milestone due between ``start`` and ``end`` in the user's scope."""
    today = timezone.localdate()
    out = []
    plans = access.visible_to(user, WorkPlan.objects.filter(due__range=(start, end)))
    for wp in plans.select_related("org_unit"):
        done = wp.status in (Status.SUBMITTED, Status.APPROVED, Status.ACCEPTED)
        out.append({"date": wp.due, "title": f"{wp.org_unit.name}{wp.year}年度工作计划报送",
                    "kind": "workplan", "url": reverse("workplans:detail", args=[wp.pk]),
                    "org_unit_id": wp.org_unit_id, "overdue": not done and wp.due < today, "done": done})
    milestones = access.visible_to(user, Milestone.objects.filter(due__range=(start, end)), "work_plan__org_unit")
    for m in milestones.select_related("work_plan__org_unit"):
        out.append({"date": m.due, "title": f"{m.work_plan.org_unit.name}：{m.title}", "kind": "milestone",
                    "url": reverse("workplans:detail", args=[m.work_plan_id]) + f"#ms-{m.pk}",
                    "org_unit_id": m.work_plan.org_unit_id, "overdue": not m.done and m.due < today,
                    "done": m.done})
    return out
