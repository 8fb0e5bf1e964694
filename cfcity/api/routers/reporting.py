"""/api/periods, /api/owed, /api/reports: filling in progress reports and moving them through
review, the same steps as the pages (``cfcity.reporting.workflow``).

Scoping: periods are those of the plans the caller works under (``access.visible_plans``);
units and reports go through ``access.visible_to`` / ``get_for_user`` — outside the scope is a
404. Rights are the workflow's own (``can_edit``, ``can_approve``, ``can_review``): in scope but
not allowed (a leader saving) is a 403 with the workflow's message.

How the workflow's answers map to HTTP:
    Invalid(problems)   → 422, each problem as {field, message}; ``target-12`` is reported as
                          ``values.12`` (the body's own path)
    Conflict            → 409 (someone saved or handled the report since): nothing written
    ReportingError      → 409 (the report's state forbids it: accepted reports are locked …)
    PermissionDenied    → 403
"""
from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Status

from cfcity.accounts import access
from cfcity.orgs.models import OrgUnit
from cfcity.plans import models as pm
from cfcity.reporting import services, workflow
from cfcity.reporting.models import Assignment, Period, Report

from ..errors import INVALID, NOT_FOUND, UnprocessableEntity
from ..pagination import MAX_ID, Limit, Offset, page
from ..schemas import (CommentIn, Error, OwedOut, PeriodPage, ReasonIn, ReportDetail, ReportOpenIn,
                       ReportPage, ReportSaveIn, ValidationErrorOut)

router = Router(tags=["进展填报"])

READ = {200: ReportDetail, 401: Error, 404: Error}
WRITE = {200: ReportDetail, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error,
         422: ValidationErrorOut}


# --- scoping ------------------------------------------------------------------------------

def _periods(user):
    return Period.objects.filter(plan__in=access.visible_plans(user, pm.Plan.objects.all()))


def _units(user):
    return access.visible_to(user, OrgUnit.objects.all(), field="pk")


def _reports(user):
    return access.visible_to(user, Report.objects.select_related("period", "task", "org_unit"))


def _report(request, report_id: int) -> Report:
    return access.get_for_user(request.auth, _reports(request.auth), pk=report_id)


# --- shapes -------------------------------------------------------------------------------

def _period(p: Period) -> dict:
    return {"id": p.pk, "plan_id": p.plan_id, "kind": p.kind, "year": p.year, "index": p.index,
            "label": p.label, "starts": p.starts, "ends": p.ends, "opens": p.opens,
            "deadline": p.deadline, "closes": p.closes}


def _task(t: pm.Task) -> dict:
    return {"id": t.pk, "number": t.number, "title": t.title}


def _summary(r: Report) -> dict:
    return {"id": r.pk, "period": {"id": r.period_id, "label": r.period.label},
            "task": _task(r.task), "unit": {"id": r.org_unit_id, "name": r.org_unit.name},
            "status": r.status, "status_label": r.get_status_display(), "stage": r.stage,
            "revision": r.revision, "version": r.version, "updated_at": r.updated_at,
            "submitted_at": r.submitted_at}


def _float(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def report_detail(r: Report) -> dict:
    values = r.values.select_related("target").order_by("target__order", "target_id")
    events = r.events.select_related("actor").order_by("created_at", "id")
    return {
        **_summary(r), "narrative": r.narrative, "correction_reason": r.correction_reason,
        "values": [{"target_id": v.target_id, "indicator": v.target.indicator, "unit": v.target.unit,
                    "value": _float(v.value), "comment": v.comment, "outlier": v.outlier,
                    "outlier_reason": v.outlier_reason} for v in values],
        "events": [{"action": e.action, "actor": e.actor.username if e.actor else None,
                    "from_status": e.from_status, "to_status": e.to_status, "comment": e.comment,
                    "changes": e.changes, "created_at": e.created_at} for e in events],
    }


def _field(name: str) -> str:
    return f"values.{name[len('target-'):]}" if name.startswith("target-") else name


def _run(step, *args, **kwargs):
    """A workflow step, its refusals as API answers (PermissionDenied goes on to the 403 handler)."""
    try:
        return step(*args, **kwargs)
    except workflow.Invalid as e:
        return Status(422, {"detail": INVALID, "errors": [
            {"field": _field(p.field), "message": p.message} for p in e.problems]})
    except services.ReportingError as e:  # Conflict included
        return Status(409, {"detail": str(e)})


def _answer(result, status: int = 200):
    if isinstance(result, Report):
        return Status(status, report_detail(result))
    return result


# --- periods and what is owed ---------------------------------------------------------------

@router.get("/periods", response={200: PeriodPage, 401: Error, 422: ValidationErrorOut},
            summary="列出填报周期", description="您所在地区及管理范围内各地区行动方案的填报周期，按起始日期排列。")
def list_periods(request, plan: int | None = Query(None, ge=1, le=MAX_ID, description="只列出这个行动方案的周期"),
                 limit: int = Limit, offset: int = Offset):
    qs = _periods(request.auth)
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    return page(qs.order_by("plan_id", "starts", "kind", "id"), limit, offset,
                lambda rows: [_period(p) for p in rows])


@router.get("/owed", response={200: OwedOut, 401: Error, 404: Error, 422: ValidationErrorOut},
            summary="单位应报任务",
            description="一个单位在某一周期应报的任务（牵头、配合、分解承担），各自的报告状态和是否逾期。"
                        "不写 unit 时为您本人所在单位。")
def owed(request, period: int = Query(..., ge=1, le=MAX_ID, description="填报周期编号"),
         unit: int | None = Query(None, ge=1, le=MAX_ID, description="单位编号（须在您的管理范围内）")):
    user = request.auth
    found = _periods(user).filter(pk=period).first()
    if unit is None:
        m = access.membership(user)
        if m is None:
            raise UnprocessableEntity({"unit": "您不属于任何单位，请指定单位编号"})
        unit = m.org_unit_id
    org = _units(user).filter(pk=unit).first()
    if found is None or org is None:
        raise Http404
    rows = services.owed(found, [org.pk])
    return {"period": _period(found), "unit": {"id": org.pk, "name": org.name},
            "items": [{"task": _task(r.assignment.task), "role": r.assignment.role, "status": r.status,
                       "report_id": r.report.pk if r.report else None, "late": r.late()}
                      for r in rows]}


# --- reports ------------------------------------------------------------------------------

@router.get("/reports", response={200: ReportPage, 401: Error, 422: ValidationErrorOut},
            summary="列出报告", description="您管理范围内各单位的报告，可按周期、单位、状态筛选。")
def list_reports(request, period: int | None = Query(None, ge=1, le=MAX_ID, description="填报周期编号"),
                 unit: int | None = Query(None, ge=1, le=MAX_ID, description="填报单位编号"),
                 status: Report.Status | None = Query(None, description="状态"),
                 limit: int = Limit, offset: int = Offset):
    qs = _reports(request.auth)
    if period is not None:
        qs = qs.filter(period_id=period)
    if unit is not None:
        qs = qs.filter(org_unit_id=unit)
    if status is not None:
        qs = qs.filter(status=status)
    order = ("period__starts", "period_id", "task__number", "org_unit__name", "revision", "id")
    return page(qs.order_by(*order), limit, offset, lambda rows: [_summary(r) for r in rows])


@router.get("/reports/{int:report_id}", response=READ, summary="报告详情",
            description="数值（按目标）、进展情况、状态、修改序号 version 和全部历史记录。")
def get_report(request, report_id: int):
    return report_detail(_report(request, report_id))


@router.post("/reports", response={**WRITE, 201: ReportDetail}, summary="打开（新建）报告",
             description="某单位某任务某周期的当前报告；还没有时新建为草稿（201），已有时原样返回（200）。")
def open_report(request, payload: ReportOpenIn):
    user = request.auth
    unit = _units(user).filter(pk=payload.unit_id).first()
    period = _periods(user).filter(pk=payload.period_id).first()
    errors = {}
    if unit is None:
        errors["unit_id"] = NOT_FOUND
    if period is None:
        errors["period_id"] = NOT_FOUND
    # a task of a plan the caller does not work under reads like one that does not exist
    task = pm.Task.objects.filter(pk=payload.task_id,
                                  plan__in=access.visible_plans(user, pm.Plan.objects.all())).first()
    if task is None or (period is not None and task.plan_id != period.plan_id):
        errors["task_id"] = NOT_FOUND if task is None or period is None else "该任务不属于此周期的行动方案"
    elif unit is not None and not Assignment.objects.filter(task=task, org_unit=unit).exists():
        errors["task_id"] = "该单位不承担此任务"
    if errors:
        raise UnprocessableEntity(errors)
    existed = Report.objects.filter(task=task, org_unit=unit, period=period).exists()
    report = workflow.open_report(task, unit, period, user=user)
    return _answer(_reports(user).get(pk=report.pk), 200 if existed else 201)


@router.put("/reports/{int:report_id}", response=WRITE, summary="保存报告",
            description="只改写请求中给出的内容。version 须为打开报告时的修改序号：他人已保存过则返回 409，"
                        "什么也不写入；数值有误返回 422，列出每个问题（如 values.12），什么也不写入。")
def save_report(request, report_id: int, payload: ReportSaveIn):
    report = _report(request, report_id)
    return _answer(_run(workflow.save_report, report, user=request.auth, version=payload.version,
                        narrative=payload.narrative, stage=payload.stage, values=payload.values,
                        comments=payload.comments, outlier_reasons=payload.outlier_reasons))


@router.post("/reports/{int:report_id}/submit", response=WRITE, summary="报送报告",
             description="交本单位审核人审核；单位没有审核人时直接交协调员（状态为 approved）。")
def submit(request, report_id: int):
    return _answer(_run(workflow.submit, _report(request, report_id), user=request.auth))


@router.post("/reports/{int:report_id}/approve", response=WRITE, summary="审核通过（本单位审核人）")
def approve(request, report_id: int, payload: CommentIn | None = None):
    return _answer(_run(workflow.approve, _report(request, report_id), user=request.auth,
                        comment=payload.comment if payload else ""))


@router.post("/reports/{int:report_id}/return", response=WRITE, summary="退回报告",
             description="须写明原因和修改意见（comment）。已报送的由审核人或协调员退回，已审核的由协调员退回。")
def return_report(request, report_id: int, payload: CommentIn):
    return _answer(_run(workflow.return_report, _report(request, report_id), user=request.auth,
                        comment=payload.comment))


@router.post("/reports/{int:report_id}/accept", response=WRITE, summary="采纳报告（协调员）",
             description="采纳后报告锁定，只能通过更正（correct）修改。")
def accept(request, report_id: int, payload: CommentIn | None = None):
    return _answer(_run(workflow.accept, _report(request, report_id), user=request.auth,
                        comment=payload.comment if payload else ""))


@router.post("/reports/{int:report_id}/correct", response={**WRITE, 201: ReportDetail},
             summary="更正已采纳的报告",
             description="新建一个版本（草稿，须写明原因 reason）；原报告保持不变，更正被采纳后标为已被更正。")
def correct(request, report_id: int, payload: ReasonIn):
    result = _run(workflow.start_correction, _report(request, report_id), user=request.auth,
                  reason=payload.reason)
    if isinstance(result, Report):
        return _answer(_reports(request.auth).get(pk=result.pk), 201)
    return result
