"""``log_action``: the one way important writes are recorded (see models.AuditEntry)."""
from __future__ import annotations

from django.db import transaction

from .models import AuditEntry

# how each action reads to an official; codes not listed fall back to the code itself
ACTION_LABELS = {
    "demo.created": "生成演示数据",
    "orgs.sheet.imported": "导入单位表",
    "reporting.periods.created": "生成填报周期",
    "reporting.period.changed": "修改填报周期日期",
    "reporting.period.deleted": "删除填报周期",
    "reporting.assignment.added": "增加任务承担单位",
    "reporting.share.set": "分解目标",
    "reporting.report.saved": "保存报告",
    "reporting.report.submitted": "报送报告",
    "reporting.report.approved": "单位审核通过",
    "reporting.report.returned": "退回报告",
    "reporting.report.accepted": "采纳报告",
    "reporting.report.corrected": "更正报告",
    "reporting.evidence.added": "上传佐证材料",
    "plans.plan.imported": "导入行动方案",
    "plans.plan.replaced": "替换行动方案",
    "accounts.user.created": "创建用户",
    "accounts.user.password_reset": "重置密码",
    "accounts.user.password_changed": "修改密码",
    "accounts.membership.changed": "调整用户单位或角色",
    "accounts.token.created": "创建 API 令牌",
    "accounts.token.revoked": "撤销 API 令牌",
    "orgs.unit.created": "新建单位",
    "monitoring.baseline.set": "设置基期值",
    "monitoring.judgement.set": "判断节点任务",
    "monitoring.report.started": "生成监测报告",
    "monitoring.digest.sent": "发送监测提醒邮件",
    "monitoring.digest.summary": "发送监测预警日报",
}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def log_action(action: str, *, actor=None, obj=None, org_unit=None, data: dict | None = None) -> AuditEntry:
    """Record ``action`` (a dotted code) by ``actor`` on ``obj``. Call it inside the
    transaction of the write it records; outside one it opens its own."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        return AuditEntry.objects.create(
            action=action,
            actor=actor,
            actor_name=(actor.get_username() if actor else ""),
            object_type=(obj._meta.label_lower if obj is not None else ""),
            object_id=(str(obj.pk) if obj is not None else ""),
            object_repr=(str(obj)[:300] if obj is not None else ""),
            org_unit=org_unit,
            data=data or {},
        )
