"""Inspections (督查), their findings (问题清单) and the rectification loop of each finding:

open ─answer→ answered ─sign off→ closed
                  │ reopen (with a comment)
                  ↓
              reopened ─answer→ answered …

Every step is a FindingEvent (the finding's history); evidence files hang on the answer
that brought them.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Inspection(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", "常规督查"
        THIRD_PARTY = "third_party", "第三方评估"
        INTERVIEW = "interview", "约谈"
        UNANNOUNCED = "unannounced", "“四不两直”暗访"

    plan = models.ForeignKey("plans.Plan", verbose_name="行动方案", on_delete=models.CASCADE,
                             related_name="inspections")
    kind = models.CharField("督查方式", max_length=16, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    date = models.DateField("督查日期")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="督查组成员（平台用户）",
                                  blank=True, related_name="+")
    team_names = models.CharField("其他成员", max_length=300, blank=True,
                                  help_text="不是平台用户的成员，如第三方评估机构人员，用顿号分隔")
    units = models.ManyToManyField("orgs.OrgUnit", verbose_name="督查单位", related_name="+")
    tasks = models.ManyToManyField("plans.Task", verbose_name="涉及任务", blank=True, related_name="+")
    summary = models.TextField("督查情况", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "督查"
        verbose_name_plural = "督查"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"


class Finding(models.Model):
    class Severity(models.TextChoices):
        GENERAL = "general", "一般"
        SERIOUS = "serious", "较重"
        GRAVE = "grave", "严重"

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        ANSWERED = "answered", "已报送整改情况"
        REOPENED = "reopened", "退回重新整改"
        CLOSED = "closed", "已销号"

    inspection = models.ForeignKey(Inspection, verbose_name="督查", on_delete=models.CASCADE,
                                   related_name="findings")
    number = models.PositiveIntegerField("序号")
    org_unit = models.ForeignKey("orgs.OrgUnit", verbose_name="责任单位", on_delete=models.PROTECT,
                                 related_name="+")
    task = models.ForeignKey("plans.Task", verbose_name="涉及任务", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    problem = models.TextField("存在问题")
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.GENERAL)
    required = models.TextField("整改要求")
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    answered_at = models.DateTimeField("最近报送时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = "督查问题"
        verbose_name_plural = "督查问题"
        ordering = ["inspection_id", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="finding_number_unique")]

    def __str__(self):
        return f"{self.inspection.title} 问题{self.number}"

    def is_overdue(self, today) -> bool:
        """Past its deadline and the unit still owes an answer."""
        return self.status in (self.Status.OPEN, self.Status.REOPENED) and self.deadline < today


class FindingEvent(models.Model):
    finding = models.ForeignKey(Finding, verbose_name="问题", on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=12)  # created, answered, reopened, closed
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10)
    text = models.TextField("内容", blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["at", "id"]

    ACTION_LABELS = {"created": "登记问题", "answered": "报送整改情况", "reopened": "退回重新整改",
                     "closed": "审核销号"}

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action)


def evidence_path(instance, filename):
    return f"supervision/{instance.finding.inspection_id}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class FindingEvidence(models.Model):
    finding = models.ForeignKey(Finding, verbose_name="问题", on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(FindingEvent, verbose_name="整改记录", null=True, on_delete=models.SET_NULL,
                              related_name="evidence")
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
        verbose_name = "整改佐证材料"
        verbose_name_plural = "整改佐证材料"
