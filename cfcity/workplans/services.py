"""Work plans: opening, saving and moving through review — in the style of
reporting.workflow, with the same states:

draft ─submit→ submitted ─approve→ approved ─accept→ accepted (locked; spending still reported)
  ↑                 │ return            │ return
  └──── returned ←──┴───────────────────┘

A unit with no active approver sends its plan straight to the coordinator. Every step writes a
WorkPlanEvent and an audit entry in one transaction; a save based on an outdated ``version``
is refused (``Conflict``) and nothing is written.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import rules_for
from cfcity.audit.services import log_action
from cfcity.orgs.models import OrgUnit
from cfcity.reporting.models import Assignment
from cfcity.reporting.services import ReportingError, parse_date
from cfcity.reporting.validation import Problem
from cfcity.reporting.workflow import REPORTER_ROLES, _has_approver

from .models import BudgetLine, Milestone, Status, WorkPlan, WorkPlanEvent, WorkPlanItem, YearShare

S = Status
DUE_MONTH, DUE_DAY = 1, 31  # a year's work plan is due by the end of January
MAX_MONEY = Decimal("999999999999")  # 万元; more is a typing slip
MAX_SHARE = Decimal("1e15")  # beyond any target; the column holds 20 digits before the point
SPATIAL_KINDS = {OrgUnit.Kind.TOWN}


class Conflict(ReportingError):
    """Someone else saved the work plan since this user opened it."""


@dataclass
class Invalid(ReportingError):
    problems: list[Problem] = field(default_factory=list)

    def __str__(self):
        return "；".join(p.message for p in self.problems)


# --- who may do what -----------------------------------------------------------------------

def _role(user):
    m = access.membership(user)
    return m.role if m else None


def can_edit(user, wp: WorkPlan) -> bool:
    return access.can_write(user, wp.org_unit_id) and (user.is_superuser or _role(user) in REPORTER_ROLES)


def can_approve(user, wp: WorkPlan) -> bool:
    role = _role(user)
    return access.can_write(user, wp.org_unit_id) and (
        user.is_superuser or (role is not None and rules_for(role).approve))


def can_review(user, wp: WorkPlan) -> bool:
    role = _role(user)
    return access.can_read(user, wp.org_unit_id) and (
        user.is_superuser or (role is not None and rules_for(role).review))


def _require(ok: bool, message: str):
    if not ok:
        raise PermissionDenied(message)


# --- opening and saving ----------------------------------------------------------------------

def due_date(year: int) -> datetime.date:
    return datetime.date(year, DUE_MONTH, DUE_DAY)


@transaction.atomic
def open_work_plan(plan, org_unit, year: int, *, user) -> WorkPlan:
    """The unit's work plan for ``year``, created as a draft (one item per assigned task, one
    share per target of those tasks) if none exists."""
    _require(access.can_read(user, org_unit.pk), "您无权查看该单位的工作计划")
    wp = WorkPlan.objects.filter(plan=plan, org_unit=org_unit, year=year).first()
    if wp is not None:
        return wp
    _require(can_edit(user, WorkPlan(org_unit=org_unit)), "您无权为该单位编制工作计划")
    first, last = plan.period_start or year, plan.period_end or year
    if not first <= year <= last:
        raise ReportingError(f"{year}年不在方案实施期限（{first}—{last}年）内")
    tasks = [a.task for a in Assignment.objects.filter(task__plan=plan, org_unit=org_unit)
             .select_related("task").order_by("task__number")]
    if not tasks:
        raise ReportingError(f"{org_unit.name}在本方案中没有承担任务，无需编制工作计划")
    wp = WorkPlan.objects.create(plan=plan, org_unit=org_unit, year=year, due=due_date(year), created_by=user)
    WorkPlanItem.objects.bulk_create(WorkPlanItem(work_plan=wp, task=t) for t in tasks)
    YearShare.objects.bulk_create(YearShare(work_plan=wp, target=tg) for t in tasks
                                  for tg in t.targets.exclude(kind="milestone").order_by("order"))
    log_action("workplans.workplan.created", actor=user, obj=wp, org_unit=org_unit,
               data={"after": {"year": year, "tasks": [t.number for t in tasks]}})
    return wp


def _decimal(text, name: str, problems: list, field_name: str, *, money=False):
    text = "" if text is None else str(text).strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        shown = f"“{text[:20]}”" if len(text) <= 20 else ""
        problems.append(Problem(field_name, f"{name}{shown}不是数字"))
        return None
    if value < 0:
        problems.append(Problem(field_name, f"{name}不能为负数"))
        return None
    if money and value > MAX_MONEY:
        problems.append(Problem(field_name, f"{name}过大，请以万元为单位填写"))
        return None
    if not money and value >= MAX_SHARE:
        problems.append(Problem(field_name, f"{name}过大，请核对"))
        return None
    # the columns keep 10 (shares) or 2 (money) decimals: round here, not in the database
    return value.quantize(Decimal("0.01") if money else Decimal("1e-10"))


@dataclass
class MilestoneRow:
    title: str
    due: str
    task_id: int | None = None
    done: bool = False


@dataclass
class BudgetRow:
    task_id: int | None
    item: str
    source: str
    planned: str


@transaction.atomic
def save_work_plan(wp: WorkPlan, *, user, version: int, summary: str | None = None,
                   measures: dict | None = None, shares: dict | None = None, towns: dict | None = None,
                   milestones: list[MilestoneRow] | None = None, budget: list[BudgetRow] | None = None) -> WorkPlan:
    """Save what the unit entered: ``measures`` {task_id: text}, ``shares`` {target_id: text},
    ``towns`` {target_id: [unit ids]}, and the full lists of milestones and budget lines (blank
    rows dropped). Every problem is raised at once (``Invalid``, fields named as on the form:
    measures-<task>, share-<target>, towns-<target>, ms-<i>-title|due, bl-<i>-item|source|planned);
    nothing is written then."""
    _require(can_edit(user, wp), "您无权修改该工作计划")
    if not wp.editable:
        raise ReportingError(f"工作计划{wp.get_status_display()}，不能修改")
    if version != wp.version:
        raise Conflict("该工作计划刚被他人修改过，请核对最新内容后重新保存。")
    problems: list[Problem] = []
    task_ids = set(wp.items.values_list("task_id", flat=True))
    share_rows = {s.target_id: s for s in wp.shares.select_related("target")}
    towns_allowed = set(OrgUnit.objects.filter(parent_id=wp.plan.area_id, kind__in=SPATIAL_KINDS)
                        .values_list("pk", flat=True))
    new_shares = {}
    for tid, text in (shares or {}).items():
        if tid not in share_rows:
            continue
        new_shares[tid] = _decimal(text, f"“{share_rows[tid].target.indicator}”的年度分解值", problems, f"share-{tid}")
    new_towns = {}
    for tid, ids in (towns or {}).items():
        if tid in share_rows:
            bad = [i for i in ids if i not in towns_allowed]
            if bad:
                problems.append(Problem(f"towns-{tid}", "所选镇（街道）不在本县"))
            new_towns[tid] = [i for i in ids if i in towns_allowed]
    ms_rows = []
    for i, row in enumerate(milestones or []):
        if not (row.title.strip() or str(row.due).strip()):
            continue
        if not row.title.strip():
            problems.append(Problem(f"ms-{i}-title", "请填写节点内容"))
        elif len(row.title.strip()) > 200:
            problems.append(Problem(f"ms-{i}-title", "节点内容不超过 200 字"))
        due = None
        try:
            due = parse_date(row.due, "完成时间")
            if due.year != wp.year:
                problems.append(Problem(f"ms-{i}-due", f"完成时间应在{wp.year}年内"))
        except ReportingError as e:
            problems.append(Problem(f"ms-{i}-due", str(e)))
        task_id = row.task_id if row.task_id in task_ids else None
        ms_rows.append(Milestone(work_plan=wp, task_id=task_id, title=row.title.strip()[:200], due=due or wp.due,
                                 done=row.done))
    bl_rows = []
    for i, row in enumerate(budget or []):
        if not (row.item.strip() or str(row.planned).strip()):
            continue
        if not row.item.strip():
            problems.append(Problem(f"bl-{i}-item", "请填写项目名称"))
        if row.task_id not in task_ids:
            problems.append(Problem(f"bl-{i}-task", "请选择本计划中的任务"))
        if row.source not in BudgetLine.Source.values:
            problems.append(Problem(f"bl-{i}-source", "请选择资金来源"))
        planned = _decimal(row.planned, "计划金额", problems, f"bl-{i}-planned", money=True)
        if planned is None and not any(p.field == f"bl-{i}-planned" for p in problems):
            problems.append(Problem(f"bl-{i}-planned", "请填写计划金额（万元）"))
        bl_rows.append((row, planned))
    if problems:
        raise Invalid(problems)
    if WorkPlan.objects.filter(pk=wp.pk, version=version).update(version=version + 1) != 1:
        raise Conflict("该工作计划刚被他人修改过，请核对最新内容后重新保存。")
    wp.refresh_from_db()
    if summary is not None:
        wp.summary = summary.strip()
        wp.save(update_fields=["summary", "updated_at"])
    for item in wp.items.all():
        if measures and item.task_id in measures:
            item.measures = (measures[item.task_id] or "").strip()
            item.save(update_fields=["measures"])
    for tid, value in new_shares.items():
        share_rows[tid].value = value
        share_rows[tid].save(update_fields=["value"])
    for tid, ids in new_towns.items():
        share_rows[tid].towns.set(ids)
    if milestones is not None:
        wp.milestones.all().delete()
        Milestone.objects.bulk_create(ms_rows)
    if budget is not None:
        # a line keeps its reported spending when it is kept (same task, item and source)
        old = {(b.task_id, b.item, b.source): b for b in wp.budget_lines.all()}
        keep = []
        for row, planned in bl_rows:
            line = old.pop((row.task_id, row.item.strip(), row.source), None) or BudgetLine(
                work_plan=wp, task_id=row.task_id, item=row.item.strip()[:200], source=row.source)
            line.planned = planned
            line.save()
            keep.append(line.pk)
        wp.budget_lines.exclude(pk__in=keep).delete()
    WorkPlanEvent.objects.create(work_plan=wp, actor=user, action="saved", from_status=wp.status,
                                 to_status=wp.status)
    log_action("workplans.workplan.saved", actor=user, obj=wp, org_unit=wp.org_unit,
               data={"after": {"version": wp.version, "shares": {str(k): str(v) for k, v in new_shares.items()},
                               "milestones": len(ms_rows), "budget": [str(p) for _, p in bl_rows]}})
    return wp


# --- review steps ------------------------------------------------------------------------------

def _step(wp: WorkPlan, user, action: str, to_status: str, comment: str = "", **extra) -> WorkPlan:
    before = wp.status
    if WorkPlan.objects.filter(pk=wp.pk, version=wp.version).update(
            status=to_status, version=wp.version + 1, **extra) != 1:
        raise Conflict("该工作计划刚被他人处理过，请刷新页面查看最新状态。")
    wp.refresh_from_db()
    WorkPlanEvent.objects.create(work_plan=wp, actor=user, action=action, from_status=before,
                                 to_status=to_status, comment=comment)
    log_action(f"workplans.workplan.{action}", actor=user, obj=wp, org_unit=wp.org_unit,
               data={"before": before, "after": to_status, "comment": comment})
    return wp


@transaction.atomic
def submit(wp: WorkPlan, *, user) -> WorkPlan:
    _require(can_edit(user, wp), "您无权报送该工作计划")
    if not wp.editable:
        raise ReportingError(f"工作计划{wp.get_status_display()}，不能再次报送")
    problems = [Problem(f"measures-{i.task_id}", f"请填写任务（{i.task.number}）的具体措施")
                for i in wp.items.select_related("task") if not i.measures.strip()]
    problems += [Problem(f"share-{s.target_id}", f"请填写“{s.target.indicator}”的年度分解值（本年不安排请填 0）")
                 for s in wp.shares.select_related("target") if s.value is None]
    if problems:
        raise Invalid(problems)
    to = S.SUBMITTED if _has_approver(wp.org_unit_id) else S.APPROVED
    return _step(wp, user, "submitted", to, submitted_at=timezone.now())


@transaction.atomic
def approve(wp: WorkPlan, *, user, comment: str = "") -> WorkPlan:
    _require(can_approve(user, wp), "只有本单位审核人可以审核")
    if wp.status != S.SUBMITTED:
        raise ReportingError(f"工作计划{wp.get_status_display()}，不能审核")
    return _step(wp, user, "approved", S.APPROVED, comment)


@transaction.atomic
def return_plan(wp: WorkPlan, *, user, comment: str) -> WorkPlan:
    if not comment.strip():
        raise Invalid([Problem("comment", "退回时请写明原因和修改意见")])
    if wp.status == S.SUBMITTED:
        _require(can_approve(user, wp) or can_review(user, wp), "您无权退回该工作计划")
    elif wp.status == S.APPROVED:
        _require(can_review(user, wp), "只有协调员可以退回已审核的工作计划")
    else:
        raise ReportingError(f"工作计划{wp.get_status_display()}，不能退回")
    return _step(wp, user, "returned", S.RETURNED, comment.strip())


@transaction.atomic
def accept(wp: WorkPlan, *, user, comment: str = "") -> WorkPlan:
    _require(can_review(user, wp), "只有协调员可以采纳工作计划")
    if wp.status != S.APPROVED:
        raise ReportingError(f"工作计划{wp.get_status_display()}，不能采纳")
    return _step(wp, user, "accepted", S.ACCEPTED, comment)


@transaction.atomic
def report_spending(line: BudgetLine, *, user, spent, note: str = "") -> BudgetLine:
    """The unit reports what it has spent on a budget line so far (a running total)."""
    wp = line.work_plan
    _require(can_edit(user, wp), "您无权填报该计划的支出")
    problems: list[Problem] = []
    amount = _decimal(spent, "已支出金额", problems, f"spent-{line.pk}", money=True)
    if amount is None and not problems:
        problems.append(Problem(f"spent-{line.pk}", "请填写已支出金额（万元）"))
    if problems:
        raise Invalid(problems)
    before = str(line.spent)
    line.spent, line.spent_note = amount, note.strip()[:300]
    line.save(update_fields=["spent", "spent_note"])
    WorkPlanEvent.objects.create(work_plan=wp, actor=user, action="spending", from_status=wp.status,
                                 to_status=wp.status, comment=f"{line.item}：已支出 {amount} 万元")
    log_action("workplans.spending.reported", actor=user, obj=wp, org_unit=wp.org_unit,
               data={"before": before, "after": str(amount), "line": line.item})
    return line
