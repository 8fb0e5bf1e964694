"""Periods, who owes what (assignments, target shares), reports with values, evidence and
their review history.

A ``Report`` is what one unit says about one task for one period: a progress narrative, a
stage, a value for each of the task's targets (``ReportValue``) and evidence files. It moves
draft → submitted → approved → accepted, or back to returned (editable, comments kept).
Accepted reports are locked; a correction is a new revision with a reason, the accepted one
stays as it was. ``version`` guards against two people saving the same report at once.
"""
from django.conf import settings
from django.db import models


class Period(models.Model):
    class Kind(models.TextChoices):
        YEAR = "year", "年度"
        HALF = "half", "半年"
        QUARTER = "quarter", "季度"

    plan = models.ForeignKey("plans.Plan", verbose_name="行动方案", on_delete=models.CASCADE,
                             related_name="periods")
    kind = models.CharField("周期", max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年份")
    index = models.PositiveSmallIntegerField("序号", default=1)  # 1 for a year; 1–2 halves; 1–4 quarters
    starts = models.DateField("起始日期")
    ends = models.DateField("截止日期")
    opens = models.DateField("开始填报")
    closes = models.DateField("结束填报")
    deadline = models.DateField("报送期限")

    class Meta:
        verbose_name = "填报周期"
        verbose_name_plural = "填报周期"
        ordering = ["plan", "starts", "kind"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "year", "index"],
                                               name="period_unique_per_plan")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.YEAR:
            return f"{self.year}年"
        if self.kind == self.Kind.HALF:
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        return f"{self.year}年第{'一二三四'[self.index - 1]}季度"


class Assignment(models.Model):
    """A unit owes reports on a task: its lead departments (from the plan), co-operating
    units the coordinator adds, and towns a target is broken down to."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        COOPERATING = "cooperating", "配合"
        SHARE = "share", "分解承担"

    task = models.ForeignKey("plans.Task", verbose_name="任务", on_delete=models.CASCADE,
                             related_name="assignments")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.PROTECT,
                                 related_name="assignments")
    role = models.CharField("承担方式", max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        constraints = [models.UniqueConstraint(fields=["task", "org_unit"], name="assignment_unique")]

    def __str__(self):
        return f"{self.org_unit}：任务（{self.task.number}）{self.get_role_display()}"


class TargetShare(models.Model):
    """A target broken down to a unit: 3—5 child-friendly streets spread over named towns."""

    target = models.ForeignKey("plans.Target", verbose_name="目标", on_delete=models.CASCADE,
                               related_name="shares")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.PROTECT,
                                 related_name="target_shares")
    value = models.DecimalField("分解目标值", max_digits=30, decimal_places=10)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "目标分解"
        verbose_name_plural = "目标分解"
        constraints = [models.UniqueConstraint(fields=["target", "org_unit"], name="share_unique")]


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        APPROVED = "approved", "单位已审核"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已采纳"
        SUPERSEDED = "superseded", "已被更正"

    class Stage(models.TextChoices):
        NOT_STARTED = "not_started", "未启动"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"
        BLOCKED = "blocked", "受阻"

    task = models.ForeignKey("plans.Task", verbose_name="任务", on_delete=models.CASCADE,
                             related_name="reports")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="填报单位", on_delete=models.PROTECT,
                                 related_name="reports")
    period = models.ForeignKey(Period, verbose_name="周期", on_delete=models.CASCADE, related_name="reports")
    revision = models.PositiveSmallIntegerField("版本", default=1)  # > 1: a correction after acceptance
    correction_reason = models.TextField("更正原因", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    stage = models.CharField("进展", max_length=12, choices=Stage.choices, default=Stage.NOT_STARTED)
    narrative = models.TextField("进展情况", blank=True)
    version = models.PositiveIntegerField("修改序号", default=1)  # optimistic lock
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["period", "task__number", "org_unit"]
        constraints = [models.UniqueConstraint(fields=["task", "org_unit", "period", "revision"],
                                               name="report_unique_revision")]

    def __str__(self):
        return f"{self.org_unit} · {self.period} · 任务（{self.task.number}）"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


# a report that has gone up for review; a superseded revision had been accepted before
SENT = (Report.Status.SUBMITTED, Report.Status.APPROVED, Report.Status.ACCEPTED)
EVER_SENT = (*SENT, Report.Status.SUPERSEDED)


class ReportValue(models.Model):
    """The value a unit reports for one target of the task in the period."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey("plans.Target", verbose_name="目标", on_delete=models.PROTECT,
                               related_name="values")
    value = models.DecimalField("数值", max_digits=30, decimal_places=10, null=True, blank=True)
    comment = models.CharField("说明", max_length=500, blank=True)
    outlier = models.BooleanField("异常值", default=False)
    outlier_reason = models.CharField("异常值说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "填报数值"
        verbose_name_plural = "填报数值"
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="value_unique_in_report")]


def evidence_path(instance, filename):
    # the stored name is ours, never the uploader's: no path tricks, no clashes
    return f"evidence/{instance.report.period.year}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Evidence(models.Model):
    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=evidence_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=100)
    extension = models.CharField("扩展名", max_length=10)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("校验值", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"


class ReportEvent(models.Model):
    """The history of a report: every save and every step of its review."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=20)  # saved, submitted, approved, returned, accepted, corrected
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, blank=True)
    comment = models.TextField("意见", blank=True)
    changes = models.JSONField("修改内容", default=dict, blank=True)  # {field: [old, new]}
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "报告记录"
        verbose_name_plural = "报告记录"
        ordering = ["created_at", "id"]


class ValidationRule(models.Model):
    """A rule between values of one unit and period, in the style of DHIS2 validation rules:
    公办幼儿园在园幼儿 ≤ 在园幼儿总数. ``right`` is another target, or a constant."""

    class Operator(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "＜"
        GE = ">=", "≥"
        GT = ">", "＞"
        EQ = "==", "＝"

    plan = models.ForeignKey("plans.Plan", verbose_name="行动方案", on_delete=models.CASCADE,
                             related_name="validation_rules")
    left = models.ForeignKey("plans.Target", verbose_name="左边指标", on_delete=models.CASCADE,
                             related_name="+")
    operator = models.CharField("关系", max_length=2, choices=Operator.choices)
    right = models.ForeignKey("plans.Target", verbose_name="右边指标", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    constant = models.DecimalField("常数", max_digits=30, decimal_places=10, null=True, blank=True)
    message = models.CharField("提示", max_length=300)

    class Meta:
        verbose_name = "校验规则"
        verbose_name_plural = "校验规则"
