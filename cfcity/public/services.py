"""Releasing the plan's progress to the public site, and reading what was released."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cfcity.accounts import access
from cfcity.audit.services import log_action
from cfcity.monitoring.models import TargetStatus

from .models import PublishedStatus, Release

COPIED = ("status", "latest", "latest_when", "baseline", "baseline_year", "progress", "series")


@transaction.atomic
def release(user, plan, *, label: str, note: str = "") -> Release:
    """Snapshot the area's current verdicts on every target of ``plan`` as the next release."""
    if not access.can_review_plan(user, plan):
        raise PermissionDenied("只有本方案的协调员可以发布")
    label = label.strip()
    if not label:
        raise ValueError("请填写本期发布的名称，例如“2024年度”")
    number = (Release.objects.select_for_update().filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
    rows = list(TargetStatus.objects.filter(target__plan=plan, org_unit_id=plan.area_id))
    as_of = max((r.as_of for r in rows), default=timezone.localdate())
    rel = Release.objects.create(plan=plan, number=number, label=label[:100], note=note.strip(), as_of=as_of,
                                 released_by=user)
    PublishedStatus.objects.bulk_create(
        PublishedStatus(release=rel, target_id=r.target_id, **{f: getattr(r, f) for f in COPIED}) for r in rows)
    log_action("public.release.created", actor=user, obj=rel, org_unit=plan.area,
               data={"number": number, "label": rel.label, "targets": len(rows), "as_of": as_of.isoformat()})
    return rel


def latest(plan) -> Release | None:
    return Release.objects.filter(plan=plan).order_by("-number").first()
