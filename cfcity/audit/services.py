"""``log_action``: the one way important writes are recorded (see models.AuditEntry)."""
from __future__ import annotations

from django.db import connection, transaction

from . import chain
from .models import AuditEntry, ChainHead

# how each action reads to an official; codes not listed fall back to the code itself
ACTION_LABELS = {
    "demo.created": "生成演示数据",
    "cases.case.created": "新建优秀案例",
    "cases.case.saved": "修改优秀案例",
    "cases.case.submitted": "报送优秀案例",
    "cases.case.accepted": "案例入选",
    "cases.case.returned": "退回优秀案例",
    "cases.case.published": "公开优秀案例",
    "cases.case.tagged": "设置案例标签",
    "cases.file.added": "上传案例照片或附件",
    "cases.file.removed": "删除案例照片或附件",
    "cases.meeting.recorded": "记录交流会",
    "cases.meeting.material": "上传会议材料",
    "public.release.created": "发布公开进展",
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
    "workplans.workplan.created": "编制年度工作计划",
    "workplans.workplan.saved": "保存年度工作计划",
    "workplans.workplan.submitted": "报送年度工作计划",
    "workplans.workplan.approved": "单位审核年度工作计划",
    "workplans.workplan.returned": "退回年度工作计划",
    "workplans.workplan.accepted": "采纳年度工作计划",
    "workplans.spending.reported": "填报预算支出",
    "reporting.evidence.added": "上传佐证材料",
    "plans.plan.imported": "导入行动方案",
    "plans.plan.replaced": "替换行动方案",
    "accounts.user.created": "创建用户",
    "accounts.user.password_reset": "重置密码",
    "accounts.user.password_changed": "修改密码",
    "accounts.membership.changed": "调整用户单位或角色",
    "accounts.token.created": "创建 API 令牌",
    "accounts.token.revoked": "撤销 API 令牌",
    "accounts.twofactor.enrolled": "绑定两步验证",
    "accounts.twofactor.failed": "两步验证码错误",
    "accounts.twofactor.backup_used": "使用备用验证码登录",
    "accounts.twofactor.reset": "重置两步验证",
    "orgs.unit.created": "新建单位",
    "monitoring.baseline.set": "设置基期值",
    "monitoring.judgement.set": "判断节点任务",
    "monitoring.report.started": "生成监测报告",
    "monitoring.digest.sent": "发送监测提醒邮件",
    "monitoring.digest.summary": "发送监测预警日报",
    "backup.created": "备份数据",
    "backup.restored": "从备份恢复数据",
    "audit.archive.created": "归档操作记录",
    "audit.log.searched": "查询操作记录",
    "admin.object.added": "后台新增",
    "admin.object.changed": "后台修改",
    "admin.object.deleted": "后台删除",
    "welfare.export.downloaded": "下载个人信息导出",
    "welfare.child.registered": "困境儿童建档",
    "supervision.inspection.created": "登记督查",
    "supervision.finding.created": "登记督查问题",
    "supervision.finding.answered": "报送整改情况",
    "supervision.finding.reopened": "退回重新整改",
    "supervision.finding.closed": "整改销号",
    "supervision.evidence.added": "上传整改佐证材料",
    "welfare.child.changed": "修改困境儿童信息",
    "welfare.child.viewed_full": "查看困境儿童完整信息",
    "welfare.child.closed": "困境儿童销档",
    "welfare.child.anonymised": "匿名化困境儿童记录",
    "welfare.support.added": "登记保障记录",
    "welfare.visit.added": "登记走访记录",
    "welfare.deletion.requested": "申请删除困境儿童记录",
    "welfare.deletion.decided": "审批删除申请",
    "welfare.export.requested": "申请导出个人信息",
    "welfare.export.decided": "审批个人信息导出",
    "welfare.worker.appointed": "登记儿童督导员/儿童主任",
    "welfare.worker.left": "登记儿童督导员/儿童主任离任",
    "welfare.training.added": "登记培训记录",
    "welfare.alert.raised": "安全提醒",
    "welfare.alert.acknowledged": "确认安全提醒",
    "welfare.keys.rotated": "轮换个人信息加密密钥",
    "evaluation.round.created": "设立第三方评估",
    "evaluation.item.added": "添加评估细则",
    "evaluation.item.removed": "删除评估细则",
    "evaluation.score.set": "第三方评估评分",
    "evaluation.round.closed": "关闭评估并锁定评分",
    "agenda.feed.created": "生成日历订阅地址",
    "agenda.feed.revoked": "撤销日历订阅地址",
    "agenda.reminder.sent": "发送事项提醒邮件",
}


def register_labels(labels: dict[str, str]) -> None:
    """Later apps add the labels of their own actions from their AppConfig.ready()."""
    ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def log_action(action: str, *, actor=None, obj=None, org_unit=None, data: dict | None = None) -> AuditEntry:
    """Record ``action`` (a dotted code) by ``actor`` on ``obj``. Call it inside the
    transaction of the write it records; outside one it opens its own."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return append(
        action=action,
        actor=actor,
        actor_name=(actor.get_username() if actor else ""),
        object_type=(obj._meta.label_lower if obj is not None else ""),
        object_id=(str(obj.pk) if obj is not None else ""),
        object_repr=(str(obj)[:300] if obj is not None else ""),
        org_unit=org_unit,
        data=data,
    )


def append(*, actor=None, org_unit=None, data=None, **fields) -> AuditEntry:
    """Add one entry at the end of the hash chain (``chain.py``), in the caller's
    transaction: take the append lock, link to the chain head, move the head on."""
    with transaction.atomic():
        chain.lock(connection)
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        entry = AuditEntry(actor=actor, actor_ref=(actor.pk if actor else None),
                           org_unit=org_unit, org_unit_ref=(org_unit.pk if org_unit else None),
                           data=chain.normal_data(data), prev_hash=(head.last_hash if head else chain.GENESIS),
                           **fields)
        entry.entry_hash = chain.entry_hash(vars(entry))
        entry.save()
        if head:
            ChainHead.objects.filter(pk=1).update(last_id=entry.pk, last_hash=entry.entry_hash,
                                                  count=head.count + 1)
        else:
            ChainHead.objects.create(pk=1, last_id=entry.pk, last_hash=entry.entry_hash, count=1)
        return entry
