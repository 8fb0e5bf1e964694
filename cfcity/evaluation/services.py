"""The rules of an evaluation round, as plain functions: who may do what, the checklist,
scores within bounds, locking once the coordinator closes the round. Every write is audited
in its own transaction."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from cfcity.accounts import access
from cfcity.accounts.roles import Role, rules_for
from cfcity.audit.services import log_action
from cfcity.plans import models as pm

from .models import Item, Round, Score


class EvaluationError(Exception):
    """A write the rules refuse; the message is Chinese, for the page as is."""


# ---------------------------------------------------------------- who may do what

def _rules(user):
    m = access.membership(user)
    return (m, rules_for(m.role)) if m is not None else (None, None)


def can_view(user) -> bool:
    """The evaluation pages: the coordinator, the evaluator, the inspectors and the leaders
    (all read the whole area); a unit's reporters and approvers do not."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    m, rules = _rules(user)
    return rules is not None and (rules.review or rules.evaluate or rules.supervise or m.role == Role.LEADER)


def can_manage(user, plan) -> bool:
    """Define rounds and checklists, close rounds: whoever runs the plan (the coordinator)."""
    return access.can_review_plan(user, plan)


def can_score(user, plan) -> bool:
    """Score tasks: the third-party evaluator whose area holds the plan (or a superuser)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    m, rules = _rules(user)
    return rules is not None and rules.evaluate and access.can_read(user, plan.area_id)


def rounds_for(user):
    """The rounds of the plans ``user`` works under (none if they may not see evaluations)."""
    if not can_view(user):
        return Round.objects.none()
    ids = access.area_ids(user)
    qs = Round.objects.select_related("plan")
    return qs if ids is access.ALL else qs.filter(plan__area_id__in=ids)


def get_round(user, pk) -> Round:
    """The round, 403 for a role that may not see evaluations, 404 outside the user's area."""
    if not can_view(user):
        raise PermissionDenied("您的角色不能查看评估")
    try:
        return rounds_for(user).get(pk=pk)
    except Round.DoesNotExist:
        raise Http404("没有找到，或您无权查看")


# ---------------------------------------------------------------- the round and its checklist

def create_round(plan, *, name: str, year: int, actor) -> Round:
    if not can_manage(actor, plan):
        raise PermissionDenied("只有协调员可以设立评估")
    start, end = plan.period_start, plan.period_end
    if (start and year < start) or (end and year > end):
        raise EvaluationError(f"评估年度应在方案期限内（{start or '—'}—{end or '—'}年）")
    with transaction.atomic():
        r = Round.objects.create(plan=plan, name=name.strip(), year=year, created_by=actor)
        log_action("evaluation.round.created", actor=actor, obj=r, org_unit=plan.area,
                   data={"plan": plan.pk, "name": r.name, "year": year})
    return r


def _open(r: Round):
    if r.closed:
        raise EvaluationError("评估已关闭，评分和细则已锁定，不能再修改")


def _positive(value, what: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise EvaluationError(f"{what}应为数字")
    if not d.is_finite() or d <= 0:
        raise EvaluationError(f"{what}应为正数")
    return d


def add_item(r: Round, *, title: str, weight, max_score=10, task: pm.Task | None = None,
             guidance: str = "", actor) -> Item:
    if not can_manage(actor, r.plan):
        raise PermissionDenied("只有协调员可以修改评估细则")
    _open(r)
    weight, max_score = _positive(weight, "权重"), _positive(max_score, "满分")
    if task is not None and task.plan_id != r.plan_id:
        raise EvaluationError("适用任务应属于本评估的方案")
    with transaction.atomic():
        order = (r.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        item = Item.objects.create(round=r, order=order, title=title.strip(), guidance=guidance.strip(),
                                   weight=weight, max_score=max_score, task=task)
        log_action("evaluation.item.added", actor=actor, obj=item, org_unit=r.plan.area,
                   data={"round": r.pk, "title": item.title, "weight": str(weight), "max": str(max_score),
                         "task": task.pk if task else None})
    return item


def remove_item(item: Item, *, actor):
    r = item.round
    if not can_manage(actor, r.plan):
        raise PermissionDenied("只有协调员可以修改评估细则")
    _open(r)
    with transaction.atomic():
        log_action("evaluation.item.removed", actor=actor, obj=item, org_unit=r.plan.area,
                   data={"round": r.pk, "title": item.title, "scores": item.scores.count()})
        item.delete()


def weight_total(r: Round) -> Decimal:
    return r.items.aggregate(s=Sum("weight"))["s"] or Decimal(0)


def items_for(r: Round, task: pm.Task, items=None) -> list[Item]:
    """The checklist lines that apply to ``task``: those for every task and those for it."""
    items = list(r.items.all()) if items is None else items
    return [i for i in items if i.task_id is None or i.task_id == task.pk]


def close_round(r: Round, *, actor):
    if not can_manage(actor, r.plan):
        raise PermissionDenied("只有协调员可以关闭评估")
    _open(r)
    with transaction.atomic():
        r.status, r.closed_by, r.closed_at = Round.Status.CLOSED, actor, timezone.now()
        r.save(update_fields=["status", "closed_by", "closed_at"])
        log_action("evaluation.round.closed", actor=actor, obj=r, org_unit=r.plan.area,
                   data={"scores": r.scores.count()})


# ---------------------------------------------------------------- scores

def score(r: Round, item: Item, task: pm.Task, *, value, comment: str = "", evidence: str = "",
          actor) -> Score:
    """Set (or change) the score of ``task`` on ``item``: 0 to the item's full marks."""
    if not can_score(actor, r.plan):
        raise PermissionDenied("只有第三方评估人员可以评分")
    _open(r)
    if item.round_id != r.pk or task.plan_id != r.plan_id or (item.task_id not in (None, task.pk)):
        raise EvaluationError("该细则不适用于这项任务")
    try:
        v = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise EvaluationError("得分应为数字")
    if not v.is_finite() or v < 0 or v > item.max_score:
        raise EvaluationError(f"“{item.title}”的得分应在 0 到 {item.max_score.normalize():f} 分之间")
    if v != v.quantize(Decimal("0.01")):
        raise EvaluationError("得分最多保留两位小数")
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=r.pk)  # a close in flight waits, then refuses
        if Round.objects.get(pk=r.pk).closed:
            raise EvaluationError("评估已关闭，评分和细则已锁定，不能再修改")
        old = Score.objects.filter(item=item, task=task).first()
        s, _ = Score.objects.update_or_create(item=item, task=task, defaults={
            "round": r, "value": v, "comment": comment.strip(), "evidence": evidence.strip(), "scored_by": actor})
        log_action("evaluation.score.set", actor=actor, obj=s, org_unit=r.plan.area, data={
            "round": r.pk, "item": item.pk, "task": task.pk, "value": str(v),
            "before": str(old.value) if old else None})
    return s
