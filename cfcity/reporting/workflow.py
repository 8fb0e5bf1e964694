"""Filling in a report and moving it through review.

draft ─submit→ submitted ─approve→ approved ─accept→ accepted (locked)
  ↑                 │ return            │ return
  └──── returned ←──┴───────────────────┘   (returned is edited like a draft; comments kept)

A unit with no active approver sends its reports straight to the coordinator. An accepted
report is changed only through ``start_correction``: a new revision with a reason; the
accepted one stays until the correction is accepted, then it is marked superseded.
Every step writes a ReportEvent (the report's history) and an audit entry, in one
transaction; ``save_report`` refuses a save based on an outdated version.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import Role, rules_for
from cfcity.audit.services import log_action

from . import validation
from .models import Evidence, Report, ReportEvent, ReportValue, ValidationRule
from .services import ReportingError

S = Report.Status
REPORTER_ROLES = {Role.DEPT_REPORTER, Role.DEPT_APPROVER, Role.TOWN_REPORTER}


class Conflict(ReportingError):
    """Someone else saved the report since this user opened it."""


@dataclass
class Invalid(ReportingError):
    problems: list[validation.Problem] = field(default_factory=list)

    def __str__(self):
        return "；".join(p.message for p in self.problems)


# --- who may do what --------------------------------------------------------------------

def _role(user):
    m = access.membership(user)
    return m.role if m else None


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


def can_edit(user, report: Report) -> bool:
    if not access.can_write(user, report.org_unit_id):
        return False
    return user.is_superuser or _role(user) in REPORTER_ROLES


def can_approve(user, report: Report) -> bool:
    role = _role(user)
    return access.can_write(user, report.org_unit_id) and (
        user.is_superuser or (role is not None and rules_for(role).approve))


def can_review(user, report: Report) -> bool:
    role = _role(user)
    return access.can_read(user, report.org_unit_id) and (
        user.is_superuser or (role is not None and rules_for(role).review))


def _has_approver(org_unit_id: int) -> bool:
    from cfcity.accounts.models import Membership
    return Membership.objects.filter(org_unit_id=org_unit_id, role=Role.DEPT_APPROVER,
                                     user__is_active=True).exists()


# --- the report ---------------------------------------------------------------------------

@transaction.atomic
def open_report(task, org_unit, period, *, user) -> Report:
    """The unit's current report on the task for the period, created as a draft if none."""
    _require(access.can_read(user, org_unit.pk), "您无权查看该单位的报告")
    report = (Report.objects.filter(task=task, org_unit=org_unit, period=period)
              .exclude(status=S.SUPERSEDED).order_by("-revision").first())
    if report is None:
        # only the unit's reporters start a report; readers and reviewers see that none exists
        _require(access.can_write(user, org_unit.pk) and (user.is_superuser or _role(user) in REPORTER_ROLES),
                 "您无权为该单位填报")
        report = Report.objects.create(task=task, org_unit=org_unit, period=period, created_by=user)
        ReportValue.objects.bulk_create(ReportValue(report=report, target=t) for t in task.targets.all())
    return report


def _history(report: Report, target_id: int) -> list[Decimal]:
    """The unit's accepted values for this target in earlier periods."""
    return [v for v in ReportValue.objects.filter(
        target_id=target_id, report__org_unit_id=report.org_unit_id, report__status=S.ACCEPTED,
        report__period__starts__lt=report.period.starts, value__isnull=False,
    ).order_by("report__period__starts").values_list("value", flat=True)]


@transaction.atomic
def save_report(report: Report, *, user, version: int, narrative: str | None = None,
                stage: str | None = None, values: dict | None = None, comments: dict | None = None,
                outlier_reasons: dict | None = None) -> Report:
    """Save what the reporter entered. ``version`` is the one the form was opened with: if
    someone saved since, ``Conflict`` is raised and nothing is written. Invalid values raise
    ``Invalid`` with every problem, and nothing is written."""
    _require(can_edit(user, report), "您无权修改该报告")
    if not report.editable:
        raise ReportingError(f"报告{report.get_status_display()}，不能修改")
    values, comments, outlier_reasons = values or {}, comments or {}, outlier_reasons or {}
    rows = {v.target_id: v for v in report.values.select_related("target")}
    problems: list[validation.Problem] = []
    changes: dict = {}
    parsed: dict[int, Decimal | None] = {tid: row.value for tid, row in rows.items()}
    for tid, raw in values.items():
        tid = int(tid)
        if tid not in rows:
            problems.append(validation.Problem(f"target-{tid}", "该指标不属于本任务"))
            continue
        value, errs = validation.parse_value(raw, rows[tid].target.unit, rows[tid].target.indicator)
        problems += [validation.Problem(f"target-{tid}", e.message) for e in errs]
        parsed[tid] = value
    rules = ValidationRule.objects.filter(left_id__in=rows, plan_id=report.task.plan_id)
    problems += validation.rule_problems(rules, parsed)
    if stage is not None and stage not in Report.Stage.values:
        problems.append(validation.Problem("stage", "进展状态不正确"))
    for tid, row in rows.items():
        new = parsed[tid]
        outlier = new is not None and validation.is_outlier(new, _history(report, tid))
        reason = (outlier_reasons.get(tid) or outlier_reasons.get(str(tid)) or "").strip()
        if outlier and not reason and new != row.value:
            problems.append(validation.Problem(
                f"target-{tid}", "该数值与本单位以往数据差异很大，请核实后填写说明"))
        row._new = (new, outlier, reason or (row.outlier_reason if outlier else ""))
    if problems:
        raise Invalid(problems)
    # the optimistic lock: only the version the user saw may be replaced
    fields = {"version": version + 1, "updated_at": timezone.now()}
    if narrative is not None and narrative != report.narrative:
        changes["narrative"] = [report.narrative, narrative]
        fields["narrative"] = narrative
    if stage is not None and stage != report.stage:
        changes["stage"] = [report.stage, stage]
        fields["stage"] = stage
    if Report.objects.filter(pk=report.pk, version=version).update(**fields) != 1:
        raise Conflict("该报告已被他人修改并保存。您的修改没有保存，请刷新页面查看最新内容后重新填写。")
    for tid, row in rows.items():
        new, outlier, reason = row._new
        comment = comments.get(tid, comments.get(str(tid), row.comment))
        if (new, outlier, reason, comment) != (row.value, row.outlier, row.outlier_reason, row.comment):
            if new != row.value:
                changes[f"target-{tid}"] = [_str(row.value), _str(new)]
            row.value, row.outlier, row.outlier_reason, row.comment = new, outlier, reason, comment
            row.save()
    report.refresh_from_db()
    ReportEvent.objects.create(report=report, actor=user, action="saved", from_status=report.status,
                               to_status=report.status, changes=changes)
    if changes:
        log_action("reporting.report.saved", actor=user, obj=report, org_unit=report.org_unit,
                   data={"changes": changes})
    return report


def _str(v):
    return None if v is None else format(v.normalize(), "f")


# --- evidence -------------------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
ALLOWED_EVIDENCE = {  # content type found in the bytes → the extension we store
    "application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
    "image/webp": ".webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes, never from its name."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def download_name(name: str, extension: str) -> str:
    """``name`` ending in ``extension`` (the type found in the bytes), so that a saved file
    opens in the program for what it is: "报告.html" holding a PDF becomes "报告.pdf"."""
    path = Path(name or "未命名")
    same = {".jpg": {".jpg", ".jpeg"}}.get(extension, {extension})
    if path.suffix.lower() in same:
        return path.name
    return (path.stem or "未命名") + extension


def _office_type(data: bytes) -> str | None:
    import io
    import zipfile
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return None  # a macro-enabled document (.docm/.xlsm) saved under an x-name: refused
    for ctype, ext in ALLOWED_EVIDENCE.items():
        prefix = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}.get(ext)
        if prefix and any(n.startswith(prefix) for n in names):
            return ctype
    return None


def safe_name(name: str) -> str:
    """The uploader's file name without any directory and without control characters (a NUL
    is refused by PostgreSQL and breaks the download header)."""
    import unicodedata
    name = "".join(ch for ch in Path(name or "").name if unicodedata.category(ch)[0] != "C")
    return name.strip()[:255] or "未命名"


def evidence_type(name: str, data: bytes, error: type[Exception] = ReportingError) -> str:
    """The content type of an uploaded file, read from its bytes; ``error`` (with the message
    for the user) when it is empty, too big or not an accepted type. The one check for report
    evidence, rectification evidence and case files."""
    if not data:
        raise error(f"文件“{name}”是空的")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise error(f"文件“{name}”过大（{len(data) / 1024 / 1024:.1f} MB），"
                    f"每个文件不超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB")
    ctype = sniff(data[:16]) or (_office_type(data) if data[:4] == b"PK\x03\x04" else None)
    if ctype is None:
        raise error(f"文件“{name}”不是可接受的类型（PDF、图片或 Word/Excel/PowerPoint 文档），"
                    f"或文件内容与扩展名不符")
    return ctype


@transaction.atomic
def add_evidence(report: Report, *, user, name: str, data: bytes) -> Evidence:
    _require(can_edit(user, report), "您无权修改该报告")
    if not report.editable:
        raise ReportingError(f"报告{report.get_status_display()}，不能添加材料")
    ctype = evidence_type(name, data)
    digest = hashlib.sha256(data).hexdigest()
    ev = Evidence(report=report, original_name=safe_name(name), content_type=ctype,
                  extension=ALLOWED_EVIDENCE[ctype], size=len(data), sha256=digest, uploaded_by=user)
    ev.file.save("x", ContentFile(data), save=False)
    ev.save()
    ReportEvent.objects.create(report=report, actor=user, action="evidence", from_status=report.status,
                               to_status=report.status, changes={"evidence": ev.original_name})
    log_action("reporting.evidence.added", actor=user, obj=report, org_unit=report.org_unit,
               data={"after": {"name": ev.original_name, "sha256": digest, "size": len(data)}})
    return ev


# --- review steps -------------------------------------------------------------------------

def _step(report: Report, user, action: str, to_status: str, comment: str = "", **extra) -> Report:
    before = report.status
    fields = {"status": to_status, "version": report.version + 1, **extra}
    if Report.objects.filter(pk=report.pk, version=report.version).update(**fields) != 1:
        raise Conflict("该报告刚被他人处理过，请刷新页面查看最新状态。")
    report.refresh_from_db()
    ReportEvent.objects.create(report=report, actor=user, action=action, from_status=before,
                               to_status=to_status, comment=comment)
    log_action(f"reporting.report.{action}", actor=user, obj=report, org_unit=report.org_unit,
               data={"before": before, "after": to_status, "comment": comment})
    return report


@transaction.atomic
def submit(report: Report, *, user) -> Report:
    _require(can_edit(user, report), "您无权报送该报告")
    if not report.editable:
        raise ReportingError(f"报告{report.get_status_display()}，不能再次报送")
    missing = [v.target.indicator for v in report.values.select_related("target")
               if v.value is None and v.target.kind != "milestone"]
    if missing:
        raise Invalid([validation.Problem("values", f"请先填写：{'、'.join(missing[:5])}")])
    if not report.narrative.strip():
        raise Invalid([validation.Problem("narrative", "请填写进展情况")])
    to = S.SUBMITTED if _has_approver(report.org_unit_id) else S.APPROVED
    return _step(report, user, "submitted", to, submitted_at=timezone.now())


@transaction.atomic
def approve(report: Report, *, user, comment: str = "") -> Report:
    _require(can_approve(user, report), "只有本单位审核人可以审核")
    if report.status != S.SUBMITTED:
        raise ReportingError(f"报告{report.get_status_display()}，不能审核")
    return _step(report, user, "approved", S.APPROVED, comment)


@transaction.atomic
def return_report(report: Report, *, user, comment: str) -> Report:
    if not comment.strip():
        raise Invalid([validation.Problem("comment", "退回时请写明原因和修改意见")])
    if report.status == S.SUBMITTED:
        _require(can_approve(user, report) or can_review(user, report), "您无权退回该报告")
    elif report.status == S.APPROVED:
        _require(can_review(user, report), "只有协调员可以退回已审核的报告")
    else:
        raise ReportingError(f"报告{report.get_status_display()}，不能退回")
    return _step(report, user, "returned", S.RETURNED, comment)


@transaction.atomic
def accept(report: Report, *, user, comment: str = "") -> Report:
    _require(can_review(user, report), "只有协调员可以采纳报告")
    if report.status != S.APPROVED:
        raise ReportingError(f"报告{report.get_status_display()}，不能采纳")
    report = _step(report, user, "accepted", S.ACCEPTED, comment)
    # a correction replaces the revision it corrects
    Report.objects.filter(task=report.task, org_unit=report.org_unit, period=report.period,
                          status=S.ACCEPTED, revision__lt=report.revision).update(status=S.SUPERSEDED)
    from cfcity.monitoring.services import on_accepted  # monitoring builds on reporting
    on_accepted(report)
    return report


@transaction.atomic
def start_correction(report: Report, *, user, reason: str) -> Report:
    """An accepted report is locked; a correction is a new revision with a reason."""
    _require(can_edit(user, report), "您无权更正该报告")
    if report.status != S.ACCEPTED:
        raise ReportingError("只有已采纳的报告需要更正；其他报告可以直接修改")
    if not reason.strip():
        raise Invalid([validation.Problem("reason", "请写明更正原因")])
    if Report.objects.filter(task=report.task, org_unit=report.org_unit, period=report.period,
                             revision__gt=report.revision).exists():
        raise ReportingError("该报告已有正在进行的更正")
    new = Report.objects.create(task=report.task, org_unit=report.org_unit, period=report.period,
                                revision=report.revision + 1, correction_reason=reason,
                                stage=report.stage, narrative=report.narrative, created_by=user)
    ReportValue.objects.bulk_create(
        ReportValue(report=new, target_id=v.target_id, value=v.value, comment=v.comment,
                    outlier=v.outlier, outlier_reason=v.outlier_reason) for v in report.values.all())
    ReportEvent.objects.create(report=new, actor=user, action="corrected", to_status=S.DRAFT, comment=reason)
    log_action("reporting.report.corrected", actor=user, obj=new, org_unit=new.org_unit,
               data={"before": {"revision": report.revision}, "after": {"revision": new.revision},
                     "reason": reason})
    return new
