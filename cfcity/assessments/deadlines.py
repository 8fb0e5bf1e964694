"""Child impact assessment deadlines for the calendar (cfcity.agenda.registry.PROVIDERS): the
date each assessment is due to be concluded, and the due date of each condition set by a
conclusion. Scoped like the register (services.visible_assessments)."""
from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from cfcity.accounts import access
from cfcity.plans import models as pm

from . import services
from .models import Condition, ImpactAssessment

KIND = "impact_assessment"
S = ImpactAssessment.State


def assessment_deadlines(user, start: datetime.date, end: datetime.date) -> list[dict]:
    today = timezone.localdate()
    out = []
    for plan in access.visible_plans(user, pm.Plan.objects.exclude(area=None)):
        if not services.may_open(user, plan):
            continue
        seen = services.visible_assessments(user, plan).exclude(state=S.WITHDRAWN)
        for a in seen.filter(due_on__gte=start, due_on__lte=end).select_related("responsible_unit"):
            out.append({"date": a.due_on, "title": f"儿童影响评价完成期限：{a.title}", "kind": KIND,
                        "url": reverse("assessments:detail", args=[a.pk]), "org_unit_id": a.responsible_unit_id,
                        "overdue": a.open and a.due_on < today, "done": not a.open})
        conditions = Condition.objects.filter(assessment__in=seen, due_on__gte=start, due_on__lte=end,
                                              assessment__state__in=[S.CONCLUDED, S.RESPONDED])
        for c in conditions.select_related("assessment"):
            out.append({"date": c.due_on, "title": f"评价整改要求：{c.assessment.title} — {c.text[:30]}", "kind": KIND,
                        "url": reverse("assessments:detail", args=[c.assessment_id]) + f"#condition-{c.pk}",
                        "org_unit_id": c.unit_id or c.assessment.responsible_unit_id,
                        "overdue": not c.met and c.due_on < today, "done": c.met})
    return out
