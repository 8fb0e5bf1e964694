"""/api/plans: the plans the caller works under, and one plan's full structure.

Which plans: ``access.visible_plans``, the same rule as the pages — a plan of an area above
the caller's unit (a department sees its county's plan) or of an area inside their scope
(a city coordinator sees the counties' plans); any other plan is a 404."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from ninja import Router

from cfcity.accounts import access
from cfcity.plans import models as pm
from cfcity.plans import services

from ..pagination import Limit, Offset, page
from ..schemas import Error, PlanDetail, PlanPage, ValidationErrorOut

router = Router(tags=["行动方案"])


def _count(model):
    """How many ``model`` rows each plan has, as a subquery (no join fan-out)."""
    sub = (model.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
           .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)




def _unit(u) -> dict | None:
    return {"id": u.pk, "name": u.name} if u is not None else None


def _head(p: pm.Plan) -> dict:
    return {"id": p.pk, "title": p.title, "issuer": p.issuer, "doc_number": p.doc_number,
            "date": p.date, "period": {"start": p.period_start, "end": p.period_end},
            "area": _unit(p.area), "imported_at": p.imported_at}


def _summaries(plans: list[pm.Plan]) -> list[dict]:
    return [{**_head(p), "tasks": p.n_tasks, "targets": p.n_targets} for p in plans]


def _float(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def _target(g: pm.Target) -> dict:
    return {"id": g.pk, "indicator": g.indicator, "comparator": g.comparator,
            "value": _float(g.value), "value_max": _float(g.value_max), "unit": g.unit,
            "year": g.year, "year_inferred": g.year_inferred, "kind": g.kind, "per": g.per,
            "direction": g.direction, "source": g.source, "line": g.line,
            "baseline": ({"value": _float(g.baseline_value), "year": g.baseline_year}
                         if g.has_baseline else None),
            "attribute": g.attribute, "responsible": list(g.responsible)}


def _task(t: pm.Task) -> dict:
    depts = list(t.departments.all())
    return {"id": t.pk, "number": t.number, "title": t.title, "text": t.text, "line": t.line,
            "lead_departments": [_unit(d.org_unit) for d in depts if d.role == "lead"],
            "cooperating_departments": [_unit(d.org_unit) for d in depts if d.role == "cooperating"],
            "targets": [_target(g) for g in t.targets.all()]}


def plan_detail(p: pm.Plan) -> dict:
    """The full structure of a plan fetched through ``services.plan_queryset``."""
    return {
        **_head(p),
        "declared": dict(p.declared),
        "sections": [{"number": s.number, "title": s.title, "text": s.text, "line": s.line}
                     for s in p.sections.all()],
        "domains": [{"id": d.pk, "number": d.number, "title": d.title, "text": d.text,
                     "line": d.line,
                     "actions": [{"id": a.pk, "number": a.number, "title": a.title,
                                  "text": a.text, "line": a.line,
                                  "tasks": [_task(t) for t in a.tasks.all()]}
                                 for a in d.actions.all()]}
                    for d in p.domains.all()],
        "targets": [_target(g) for g in p.plan_targets],
    }


@router.get("", response={200: PlanPage, 401: Error, 422: ValidationErrorOut}, summary="列出行动方案",
            description="您所在地区（本单位所属的县/市/区及其上级）的方案，以及您管理范围内各地区的方案；最近导入的在前。")
def list_plans(request, limit: int = Limit, offset: int = Offset):
    qs = access.visible_plans(request.auth, pm.Plan.objects.select_related("area").annotate(
        n_tasks=_count(pm.Task), n_targets=_count(pm.Target)))
    return page(qs.order_by("-imported_at", "-id"), limit, offset, _summaries)


@router.get("/{int:plan_id}", response={200: PlanDetail, 401: Error, 404: Error},
            summary="行动方案全文结构",
            description="领域 → 行动 → 任务（牵头、配合单位，目标），与 cfcity plan parse --json 的结构相同，另加编号。")
def get_plan(request, plan_id: int):
    plan = access.visible_plans(request.auth, services.plan_queryset()).filter(pk=plan_id).first()
    if plan is None:
        raise Http404  # missing or not the caller's: the same answer
    return plan_detail(plan)
