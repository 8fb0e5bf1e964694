"""/api/plans/{id}/status and /api/warnings: the engine's verdicts and the warnings, as the
dashboards show them. Plans through ``access.visible_plans``; a town's own verdicts and the
warnings through ``access.visible_to`` on their unit — outside the scope is a 404 or absent."""
from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from ninja import Query, Router

from cfcity.accounts import access
from cfcity.monitoring import engine
from cfcity.monitoring import warnings as warning_rules
from cfcity.monitoring.models import TargetStatus, Warning
from cfcity.monitoring.summaries import as_assessment
from cfcity.monitoring.services import thresholds
from cfcity.plans import models as pm

from ..pagination import MAX_ID, Limit, Offset, page
from ..schemas import Error, PlanStatusOut, ValidationErrorOut, WarningPage

router = Router(tags=["监测预警"])


def _f(v):
    return None if v is None else float(v)


def _status(row: TargetStatus) -> dict:
    t = row.target
    return {"target_id": t.pk, "indicator": t.indicator, "task_number": t.task.number if t.task_id else None,
            "unit": {"id": row.org_unit_id, "name": row.org_unit.name},
            "status": row.status, "status_label": row.get_status_display(), "latest": row.latest,
            "latest_date": row.latest_when, "baseline": row.baseline, "baseline_year": row.baseline_year,
            "target_value": _f(t.value), "target_value_max": _f(t.value_max), "target_year": t.year,
            "progress": row.progress, "expected": row.expected, "sdg_category": row.sdg_category,
            "sdg_ratio": row.sdg_ratio, "reasons": row.reasons, "disagreement": row.disagreement,
            "as_of": row.as_of}


@router.get("/plans/{int:plan_id}/status", response={200: PlanStatusOut, 401: Error, 404: Error},
            summary="方案各目标进展",
            description="监测引擎对方案每个目标的最新评估（地区层面），以及您管理范围内各单位分解目标的评估；"
                        "overall 为方案全部目标的汇总（方法见 docs/methodology.md）。")
def plan_status(request, plan_id: int):
    user = request.auth
    plan = access.visible_plans(user, pm.Plan.objects.filter(pk=plan_id)).first()
    if plan is None:
        raise Http404("没有找到，或您无权查看")
    scope = access.scope_ids(user)
    rows = TargetStatus.objects.filter(target__plan=plan).select_related("target__task", "org_unit")
    if scope is not access.ALL:
        rows = rows.filter(Q(org_unit_id=plan.area_id) | Q(org_unit_id__in=scope))
    rows = list(rows.order_by("target__task__number", "target__order", "org_unit_id"))
    area_rows = [r for r in rows if r.org_unit_id == plan.area_id]
    overall = engine.roll_up([(as_assessment(r), 1.0) for r in area_rows], thresholds())
    return {"plan_id": plan.pk, "as_of": max((r.as_of for r in rows), default=None),
            "overall": {"status": overall.status.value, "score": overall.score, "total": overall.total,
                        "with_data": overall.with_data,
                        "counts": {s.value: n for s, n in overall.counts.items()}},
            "items": [_status(r) for r in rows]}


def _warning(w: Warning) -> dict:
    return {"id": w.pk, "plan_id": w.plan_id, "kind": w.kind, "kind_label": w.get_kind_display(),
            "severity": w.severity, "severity_label": w.get_severity_display(),
            "unit": {"id": w.org_unit_id, "name": w.org_unit.name},
            "task_number": w.task.number if w.task_id else None, "target_id": w.target_id,
            "period_id": w.period_id, "message": w.message, "clear_by": w.clear_by,
            "first_seen": w.first_seen, "last_seen": w.last_seen, "resolved_at": w.resolved_at}


@router.get("/warnings", response={200: WarningPage, 401: Error, 422: ValidationErrorOut},
            summary="预警", description="您管理范围内单位的预警（默认只列未解除的），红色在前。")
def list_warnings(request, plan: int | None = Query(None, ge=1, le=MAX_ID, description="只列这个行动方案的预警"),
                  active: bool = Query(True, description="false：也列出已解除的"),
                  limit: int = Limit, offset: int = Offset):
    user = request.auth
    qs = access.visible_to(user, Warning.objects.select_related("org_unit", "task"))
    qs = qs.filter(plan__in=access.visible_plans(user, pm.Plan.objects.all()))
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if active:
        qs = qs.filter(resolved_at__isnull=True)
    return page(qs.order_by("resolved_at", warning_rules.severity_order(), "org_unit__name", "id"), limit, offset, lambda rows: [_warning(w) for w in rows])
