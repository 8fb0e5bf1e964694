"""The coordinator's two corrections from the dashboard: a target's baseline (value and
year) and the verdict on a milestone target (三级儿童议事会体系基本形成), which has no number
for the engine to judge. Each write is checked, recorded in the audit log in the same
transaction, and followed by a recompute of the plan, so the pages show its effect at once."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cfcity.accounts import access
from cfcity.audit.services import log_action
from cfcity.plans import models as pm

from . import services
from .models import Judgement


class JudgementError(ValueError):
    """A write the rules refuse; the message is for the user."""


def _check(user, target: pm.Target):
    if not access.can_review_plan(user, target.plan):
        raise PermissionDenied("只有协调员可以修改基期值和节点任务判断")


def _num(v) -> str | None:
    return None if v is None else format(Decimal(v).normalize(), "f")


def set_baseline(target: pm.Target, *, value, year: int, user) -> pm.Target:
    """Set ``target``'s baseline to ``value`` in ``year`` and recompute its plan."""
    _check(user, target)
    value = Decimal(str(value))
    end = target.plan.period_end
    if end and year > end:
        raise JudgementError(f"基期年份不能晚于方案截止年份（{end}年）")
    with transaction.atomic():
        old = ([_num(target.baseline_value), target.baseline_year] if target.has_baseline else None)
        target.has_baseline = True
        target.baseline_value = value
        target.baseline_year = year
        target.save(update_fields=["has_baseline", "baseline_value", "baseline_year"])
        log_action("monitoring.baseline.set", actor=user, obj=target, org_unit=target.plan.area,
                   data={"old": old, "new": [_num(value), year]})
    services.recompute([target.plan])
    return target


def set_judgement(target: pm.Target, *, status: str, note: str, user, evidence=None) -> Judgement:
    """Record the coordinator's verdict on a milestone target and recompute its plan."""
    _check(user, target)
    if target.kind != pm.Target.Kind.MILESTONE:
        raise JudgementError("只有节点任务（无数值的目标）需要人工判断")
    allowed = {code for code, _ in Judgement._meta.get_field("status").choices}
    if status not in allowed:
        raise JudgementError("判断结果无效")
    note = (note or "").strip()
    if not note:
        raise JudgementError("请写明判断依据")
    if evidence is not None and evidence.report.task_id != target.task_id:
        raise JudgementError("佐证材料应来自本任务的报告")
    with transaction.atomic():
        before = Judgement.objects.filter(target=target).first()
        old = [before.status, before.note] if before else None
        judgement, _ = Judgement.objects.update_or_create(
            target=target, defaults={"status": status, "note": note, "evidence": evidence, "judged_by": user})
        log_action("monitoring.judgement.set", actor=user, obj=target, org_unit=target.plan.area,
                   data={"old": old, "new": [status, note],
                         "evidence": evidence.original_name if evidence else None})
    services.recompute([target.plan])
    return judgement
