"""Who may see and do what in supervision, and every write of it (each step in one
transaction with its history row and audit entry).

Reading: the area roles that follow the plan (coordinator, inspector, leader, evaluator) see
every inspection of their area; a department or town sees only its own findings (and the
inspections that hold them); anyone else — another unit, a role with no part in it — never
learns a finding exists (404). Writing: roles with ``supervise`` record inspections and
findings and sign off or reopen within their area; the responsible unit's reporters answer.
"""
from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import Role, rules_for
from cfcity.audit.services import log_action
from cfcity.plans import models as pm
from cfcity.reporting import workflow

from .models import Finding, FindingEvent, FindingEvidence, Inspection

S = Finding.Status
AREA_READERS = {Role.COORDINATOR, Role.INSPECTOR, Role.LEADER, Role.EVALUATOR}
UNIT_ROLES = {Role.DEPT_REPORTER, Role.DEPT_APPROVER, Role.TOWN_REPORTER}
MAX_EVIDENCE_BYTES = workflow.MAX_EVIDENCE_BYTES


class SupervisionError(Exception):
    """A step the finding's state does not allow, or input that is not acceptable."""


def _role(user):
    m = access.membership(user)
    return m.role if m else None


def _superuser(user) -> bool:
    return getattr(user, "is_superuser", False) and user.is_active


def may_use(user) -> bool:
    """May the user open the supervision pages at all?"""
    return _superuser(user) or _role(user) in AREA_READERS | UNIT_ROLES


def reads_whole_area(user) -> bool:
    return _superuser(user) or _role(user) in AREA_READERS


def can_supervise(user, unit_id: int | None) -> bool:
    if _superuser(user):
        return True
    role = _role(user)
    return role is not None and rules_for(role).supervise and access.can_read(user, unit_id)


def can_answer(user, finding: Finding) -> bool:
    if _superuser(user):
        return True
    return _role(user) in UNIT_ROLES and access.can_write(user, finding.org_unit_id)


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


# --- what a user sees ----------------------------------------------------------------------

def plans_for(user):
    return access.visible_plans(user, pm.Plan.objects.all())


def findings_for(user):
    """Findings ``user`` may read (none for a role with no part in supervision)."""
    if not may_use(user):
        return Finding.objects.none()
    qs = Finding.objects.filter(inspection__plan__in=plans_for(user))
    return access.visible_to(user, qs, "org_unit").select_related("inspection", "org_unit", "task")


def inspections_for(user):
    if not may_use(user):
        return Inspection.objects.none()
    qs = Inspection.objects.filter(plan__in=plans_for(user))
    if reads_whole_area(user):
        return qs if _superuser(user) else qs.filter(plan__area_id__in=access.scope_ids(user))
    return qs.filter(pk__in=findings_for(user).values("inspection_id"))


def get_inspection(user, pk) -> Inspection:
    try:
        return inspections_for(user).get(pk=pk)
    except Inspection.DoesNotExist:
        raise Http404("没有找到，或您无权查看")


def get_finding(user, pk) -> Finding:
    try:
        return findings_for(user).get(pk=pk)
    except Finding.DoesNotExist:
        raise Http404("没有找到，或您无权查看")


# --- inspections and findings ----------------------------------------------------------------

@transaction.atomic
def create_inspection(*, user, plan, kind, title, date, units, tasks=(), team=(), team_names="",
                      summary="") -> Inspection:
    _require(can_supervise(user, plan.area_id), "只有督查人员和协调员可以登记督查")
    units = list(units)
    if not units:
        raise SupervisionError("请选择督查的单位")
    for u in units:
        _require(access.can_read(user, u.pk), "所选单位不在您的范围内")
    ins = Inspection.objects.create(plan=plan, kind=kind, title=title.strip(), date=date,
                                    team_names=team_names.strip(), summary=summary.strip(), created_by=user)
    ins.units.set(units)
    ins.tasks.set([t for t in tasks if t.plan_id == plan.pk])
    ins.team.set(list(team))
    log_action("supervision.inspection.created", actor=user, obj=ins, org_unit=plan.area, data={
        "after": {"kind": kind, "title": ins.title, "date": date.isoformat(),
                  "units": [u.name for u in units], "team": [u.get_username() for u in team]}})
    return ins


def _warnings_changed(plan) -> None:
    """An overdue rectification warns or clears with the next refresh of the plan's warnings:
    run it once the step is committed (or once at the end of bulk work such as the demo)."""
    from cfcity.monitoring import services as monitoring
    pending = monitoring._deferred.get()
    if pending is not None:
        pending.add(plan.pk)
    else:
        from cfcity.monitoring import tasks
        from cfcity.ops import background
        background.after_commit(tasks.refresh_warnings, plan.pk)


def _event(finding, user, action, before, text="") -> FindingEvent:
    return FindingEvent.objects.create(finding=finding, actor=user, action=action, from_status=before,
                                       to_status=finding.status, text=text, at=timezone.now())


@transaction.atomic
def add_finding(inspection: Inspection, *, user, org_unit, problem, required, deadline, severity=None,
                task=None) -> Finding:
    _require(can_supervise(user, inspection.plan.area_id) and can_supervise(user, org_unit.pk),
             "只有督查人员和协调员可以登记问题")
    if not problem.strip() or not required.strip():
        raise SupervisionError("请写明存在的问题和整改要求")
    if task is not None and task.plan_id != inspection.plan_id:
        raise SupervisionError("所选任务不属于本方案")
    number = (Inspection.objects.filter(pk=inspection.pk).aggregate(n=Max("findings__number"))["n"] or 0) + 1
    f = Finding.objects.create(inspection=inspection, number=number, org_unit=org_unit, task=task,
                               problem=problem.strip(), required=required.strip(), deadline=deadline,
                               severity=severity or Finding.Severity.GENERAL, created_by=user)
    _event(f, user, "created", "", f.problem)
    _warnings_changed(inspection.plan)
    log_action("supervision.finding.created", actor=user, obj=f, org_unit=org_unit, data={
        "after": {"problem": f.problem, "severity": f.severity, "required": f.required,
                  "deadline": deadline.isoformat()}})
    return f


def check_file(name: str, data: bytes) -> str:
    """The content type of an evidence file, by the same rules as a report's evidence
    (cfcity.reporting.workflow): found in the bytes, at most 20 MB, no macros."""
    return workflow.evidence_type(name, data, SupervisionError)


def _step(finding: Finding, user, action: str, to_status: str, text: str, **extra) -> Finding:
    before = finding.status
    fields = {"status": to_status, "version": finding.version + 1, **extra}
    if Finding.objects.filter(pk=finding.pk, version=finding.version, status=before).update(**fields) != 1:
        raise SupervisionError("该问题刚被他人处理过，请刷新页面查看最新状态。")
    finding.refresh_from_db()
    event = _event(finding, user, action, before, text)
    _warnings_changed(finding.inspection.plan)
    log_action(f"supervision.finding.{action}", actor=user, obj=finding, org_unit=finding.org_unit,
               data={"before": before, "after": to_status, "text": text})
    return event


@transaction.atomic
def answer(finding: Finding, *, user, text: str, files: list[tuple[str, bytes]] = ()) -> Finding:
    """The unit reports what it did, with evidence files (checked before anything is written)."""
    _require(can_answer(user, finding), "只有责任单位的填报人员可以报送整改情况")
    if finding.status not in (S.OPEN, S.REOPENED):
        raise SupervisionError(f"该问题{finding.get_status_display()}，现在不能报送整改情况")
    if not text.strip():
        raise SupervisionError("请写明整改措施和完成情况")
    checked = [(workflow.safe_name(name), data, check_file(name, data)) for name, data in files]
    event = _step(finding, user, "answered", S.ANSWERED, text.strip(), answered_at=timezone.now())
    for name, data, ctype in checked:
        digest = hashlib.sha256(data).hexdigest()
        ev = FindingEvidence(finding=finding, event=event, original_name=name, content_type=ctype,
                             extension=workflow.ALLOWED_EVIDENCE[ctype], size=len(data), sha256=digest,
                             uploaded_by=user)
        ev.file.save("x", ContentFile(data), save=False)
        ev.save()
        log_action("supervision.evidence.added", actor=user, obj=finding, org_unit=finding.org_unit,
                   data={"after": {"name": name, "sha256": digest, "size": len(data)}})
    return finding


@transaction.atomic
def reopen(finding: Finding, *, user, comment: str) -> Finding:
    _require(can_supervise(user, finding.org_unit_id), "只有督查人员和协调员可以退回整改")
    if finding.status != S.ANSWERED:
        raise SupervisionError(f"该问题{finding.get_status_display()}，不能退回")
    if not comment.strip():
        raise SupervisionError("退回时请写明整改还差什么")
    _step(finding, user, "reopened", S.REOPENED, comment.strip())
    return finding


@transaction.atomic
def close(finding: Finding, *, user, comment: str = "") -> Finding:
    _require(can_supervise(user, finding.org_unit_id), "只有督查人员和协调员可以审核销号")
    if finding.status != S.ANSWERED:
        raise SupervisionError(f"该问题{finding.get_status_display()}，不能销号（须先由责任单位报送整改情况）")
    _step(finding, user, "closed", S.CLOSED, comment.strip(), closed_at=timezone.now())
    return finding
